"""`reviewer scan --format json` on the sample app: the documented shape and exact rows.

Each expected row below was written from reading the fixture's source (declaration style,
Optional or not, label, pragma or config exemption, rule), not from the scanner's output.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import GitRepo

AUTH = "ledgerly/models/auth.py"
BILLING = "ledgerly/models/billing.py"
CUSTOMERS = "ledgerly/models/customers.py"
INTEGRATIONS = "ledgerly/models/integrations.py"
MIXINS = "ledgerly/models/mixins.py"
REPORTS = "ledgerly/legacy/reports.py"
PRIVATE = ["ColumnVisibility.PRIVATE"]
MASKED = ["ColumnVisibility.MASKED"]

COLUMN_KEYS = [
    "table", "column", "class", "attribute", "path", "line", "type", "nullable", "unique",
    "primary_key", "labels", "sensitive", "category", "confidence", "evidence", "rule",
    "exemption",
]  # fmt: skip

JsonObj = dict[str, object]


def scan(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, JsonObj]:
    code = main(["scan", "--format", "json", *args, "--root", str(repo.root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return code, doc


def line_of(root: Path, rel: str, needle: str) -> int:
    hits = [n for n, line in enumerate((root / rel).read_text().splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on {len(hits)} lines of {rel}"
    return hits[0]


def columns(doc: JsonObj) -> dict[tuple[object, object], JsonObj]:
    rows = doc["columns"]
    assert isinstance(rows, list)
    return {(r["table"], r["column"]): r for r in rows}


def row(table: str, column: str, cls: str | None, attribute: str | None, path: str,
        needle: str, type_: str | None, *, nullable: bool, labels: list[str],
        category: str | None, confidence: str | None, rule: JsonObj | None,
        exemption: str | None = None, unique: bool = False, evidence: str | None = None,
        ) -> tuple[str, str, JsonObj]:
    """One expected row; ``line`` is filled in from ``needle`` in ``path``."""
    return path, needle, {
        "table": table, "column": column, "class": cls, "attribute": attribute, "path": path,
        "line": 0, "type": type_, "nullable": nullable, "unique": unique, "primary_key": False,
        "labels": labels, "sensitive": bool(labels), "category": category,
        "confidence": confidence, "evidence": evidence, "rule": rule, "exemption": exemption,
    }  # fmt: skip


ROWS = [
    pytest.param(
        row("integration_connections", "client_secret", "SalesforceConnection", "client_secret",
            INTEGRATIONS, "client_secret: Mapped", "Text", nullable=True, labels=PRIVATE,
            category="credential", confidence="high",
            rule={"table": "integration_connections", "column": "client_secret",
                  "strategy": "null"},
            evidence="name 'client_secret'"),
        id="single-table subclass column lives on the parent table",
    ),
    pytest.param(
        row("payment", "processor_payment_token", "Payment", "processor_token", BILLING,
            "processor_token: Mapped", "sa.String(255)", nullable=True, labels=PRIVATE,
            category="credential", confidence="high",
            rule={"table": "payment", "column": "processor_payment_token", "strategy": "null"},
            evidence="name 'processor_token'"),
        id="name= keyword gives the DB column; the statement's first line of three",
    ),
    pytest.param(
        row("customer", "billing_postal_code", "Customer", "billing_postcode", CUSTOMERS,
            "billing_postcode:", "String(16)", nullable=True, labels=MASKED,
            category="quasi_identifier", confidence="high",
            rule={"table": "customer", "column": "billing_postal_code", "strategy": "generalize",
                  "note": "Keep the first 3 characters so regional reports still work."},
            evidence="name token 'postcode'"),
        id="positional DB name through an aliased mapped_column",
    ),
    pytest.param(
        row("contact", "phone_number", "Contact", "phone", CUSTOMERS, "phone = Column(",
            "String(32)", nullable=True, labels=MASKED, category="direct_identifier",
            confidence="high",
            rule={"table": "contact", "column": "phone_number", "strategy": "fake_phone"},
            evidence="name token 'phone'"),
        id="Core Column under if TYPE_CHECKING else",
    ),
    pytest.param(
        row("invoice_line_items", "description", None, None, BILLING, 'Column("description"',
            "Text", nullable=False, labels=MASKED, category="free_text", confidence="low",
            rule={"table": "invoice_line_items", "column": "description", "strategy": "shred"},
            evidence="name token 'description', but nobody's record: no author or owner "
                     "among the siblings"),
        id="Core Table column has no class",
    ),
    pytest.param(
        row("users", "password_hash", "User", "password_hash", AUTH, "password_hash: Mapped",
            "String(60)", nullable=False, labels=PRIVATE, category="credential",
            confidence="high", rule=None,
            exemption="bcrypt hash, cost 12; useless without the plaintext",
            evidence="name 'password_hash'"),
        id="pragma exemption carries its reason",
    ),
    pytest.param(
        row("customer", "legal_name", "Customer", "legal_name", CUSTOMERS, "legal_name:",
            "String(200)", nullable=False, labels=MASKED, category="direct_identifier",
            confidence="high", rule=None,
            exemption="Company names are public record (registry filings); support needs them "
                      "unmasked.",
            evidence="name 'legal_name'"),
        id="config exemption carries its reason",
    ),
    pytest.param(
        row("api_keys", "key_hash", "ApiKey", "key_hash", AUTH, "key_hash: Mapped[Secret]",
            "Text", nullable=False, labels=PRIVATE, category="credential", confidence="high",
            rule={"table": "api_keys", "column": "key_hash", "strategy": "random",
                  "note": "NOT NULL; random bytes of the same length so no copied key ever "
                          "verifies."},
            evidence="name 'key_hash', table 'api_keys', sibling 'expires_at', sibling "
                     "'user_id' (foreign key to users.id), comment says 'credential'"),
        id="Annotated alias supplies type and label",
    ),
    pytest.param(
        row("users", "created_by_email", "User", "created_by_email", MIXINS,
            "@declared_attr\n", "sa.String(320)", nullable=True, labels=MASKED,
            category="direct_identifier", confidence="high",
            rule={"table": "users", "column": "created_by_email", "strategy": "fake_email"},
            evidence="name token 'email'"),
        id="declared_attr mixin column is anchored on its decorator",
    ),
    pytest.param(
        row("saved_reports", "owner", "SavedReport", "owner_email", REPORTS, "owner_email =",
            "db.String(320)", nullable=True, labels=MASKED, category="direct_identifier",
            confidence="high",
            rule={"table": "saved_reports", "column": "owner", "strategy": "fake_email"},
            evidence="name token 'email'"),
        id="Flask-SQLAlchemy db.Column with a DB name",
    ),
    pytest.param(
        row("payment", "card_last4", "Payment", "card_last4", BILLING, "card_last4:",
            "String(4)", nullable=True, labels=[], category=None, confidence=None, rule=None),
        id="unlabelled harmless column",
    ),
]


@pytest.mark.parametrize("expected", ROWS)
def test_known_column(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], expected: tuple[str, str, JsonObj]
) -> None:
    path, needle, want = expected
    if needle == "@declared_attr\n":
        # the first of the three decorated columns in AuditMixin
        want["line"] = line_of(sample_app.root, path, "def created_by_email") - 1
    else:
        want["line"] = line_of(sample_app.root, path, needle)

    code, doc = scan(sample_app, capsys)

    assert code == 0
    assert columns(doc)[(want["table"], want["column"])] == want


def test_documented_shape(sample_app: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = scan(sample_app, capsys)

    assert code == 0
    assert list(doc) == ["version", "columns", "errors"]
    assert doc["version"] == 1
    assert doc["errors"] == []
    rows = doc["columns"]
    assert isinstance(rows, list)
    assert all(list(r) == COLUMN_KEYS for r in rows)
    by_key = columns(doc)
    assert len(by_key) == len(rows), "a (table, column) pair is listed twice"
    # every labelled column is either masked by a rule or exempted with a reason
    assert [k for k, r in by_key.items() if r["sensitive"] and not (r["rule"] or r["exemption"])
            ] == []
    # relationships, synonyms and hybrid properties are not columns
    assert ("users", "login_email") not in by_key
    assert ("users", "api_keys") not in by_key
    assert ("contact", "full_name") not in by_key
    # a mixin column lands on every table that inherits it, never on the mixin
    assert sorted(str(t) for t, c in by_key if c == "last_modified_ip") == ["contact", "users"]


def test_paths_limit_the_scan(sample_app: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = scan(sample_app, capsys, str(sample_app.root / REPORTS))

    assert code == 0
    assert sorted(map(str, columns(doc))) == [str(k) for k in [
        ("export_jobs", c) for c in ("account_id", "download_token", "id", "requested_by_email",
                                     "s3_key", "status", "token_expires_at")
    ] + [
        ("saved_reports", c) for c in ("id", "owner", "query_sql", "schedule_cron", "title")
    ]]


def test_unparsable_model_is_listed_in_errors_and_exits_1(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = sample_app.root / REPORTS
    path.write_text(path.read_text() + "\nclass Broken(db.Model:\n    pass\n")
    broken_line = len(path.read_text().splitlines()) - 1

    code, doc = scan(sample_app, capsys)

    assert code == 1
    errors = doc["errors"]
    assert isinstance(errors, list) and len(errors) == 1
    (error,) = errors
    assert (error["path"], error["line"]) == (REPORTS, broken_line)
    assert error["message"].startswith("syntax error")


def test_outside_path_is_a_usage_error(
    sample_app: GitRepo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["scan", str(tmp_path / "elsewhere.py"), "--root", str(sample_app.root)])
    _, err = capsys.readouterr()

    assert code == 2
    assert err == (f"reviewer: error: {tmp_path / 'elsewhere.py'} is outside the repository "
                   f"{sample_app.root}\n")

"""reviewer.testing: the one-call gate for a project's own tests, and the runtime MetaData mode.

The runtime mode is checked against a real SQLAlchemy MetaData (mapped classes, a mixin, a
class built with ``type()`` in a loop, a Core table); the static mode against a copy of the
sample app.
"""

from __future__ import annotations

import enum
import json
import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from reviewer.errors import UsageError
from reviewer.testing import (
    RUNTIME_PATH,
    assert_masking_gate,
    assert_metadata_masked,
    check_metadata,
)
from reviewer.types import Finding

SAMPLE_APP = Path(__file__).resolve().parent.parent / "fixtures" / "sample_app"
HERE = Path(__file__).resolve().as_posix()  # outside tmp_path, so reported absolute


class ColumnVisibility(enum.Enum):
    PUBLIC = "public"
    MASKED = "masked"
    PRIVATE = "private"


class Sensitivity(enum.Enum):
    HIGH = "high"


PRIVATE = {"visibility": ColumnVisibility.PRIVATE}
MASKED = {"visibility": ColumnVisibility.MASKED}

COMPLETE_RULES: list[dict[str, object]] = [
    {"table": "audit_log", "column": "actor_ip", "strategy": "static", "value": "192.0.2.1"},
    {"table": "salesforce_connections", "column": "client_secret", "strategy": "null"},
    {"table": "salesforce_connections", "column": "contact_email", "strategy": "fake_email"},
    {"table": "users", "column": "api_token", "strategy": "null"},
    {"table": "users", "column": "contact_email", "strategy": "fake_email"},
    {"table": "users", "column": "email_address", "strategy": "fake_email"},
    {"table": "webhook_endpoints", "column": "signing_secret", "strategy": "null"},
]


def build_metadata() -> MetaData:
    """A small app the way a team writes it, including columns no source reader can see."""

    class Base(DeclarativeBase):
        pass

    class ContactMixin:
        contact_email: Mapped[str | None] = mapped_column(String(255), info=MASKED)

    class User(ContactMixin, Base):
        __tablename__ = "users"

        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column("email_address", String(255), info=MASKED)
        api_token: Mapped[str | None] = mapped_column(String(64), info=PRIVATE)
        nickname: Mapped[str | None] = mapped_column(String(40))

    class SalesforceConnection(ContactMixin, Base):
        __tablename__ = "salesforce_connections"

        id: Mapped[int] = mapped_column(primary_key=True)
        client_secret: Mapped[str | None] = mapped_column(String(255), info=PRIVATE)

    # Built at import time from a list: a static reader sees no `signing_secret` anywhere.
    attrs: dict[str, object] = {"__tablename__": "webhook_endpoints", "id": Column(Integer,
                                primary_key=True)}
    for secret in ("signing_secret",):
        attrs[secret] = Column(String(64), info=PRIVATE)
    webhook = type("WebhookEndpoint", (Base,), attrs)

    Table(
        "audit_log",
        Base.metadata,
        Column("id", Integer, primary_key=True),
        Column("actor_ip", String(45), info=MASKED),
    )
    # The registry holds mapped classes weakly; in an app they live in modules, here the
    # MetaData keeps them alive so their names and files stay findable.
    Base.metadata.info["classes"] = [User, SalesforceConnection, webhook]
    return Base.metadata


def write_rules(tmp_path: Path, rules: list[dict[str, object]]) -> Path:
    path = tmp_path / "masking_rules.json"
    lines = ",\n".join(f"    {json.dumps(r)}" for r in rules)
    path.write_text(f'{{\n  "version": 1,\n  "rules": [\n{lines}\n  ]\n}}\n', encoding="utf-8")
    return path


def brief(f: Finding) -> tuple[object, ...]:
    """Everything a user sees about a finding, except the wording of the message."""
    entry = json.dumps(f.rule.entry()) if f.rule else None
    return (f.code, f.path, f.line, f.table, f.column, f.class_name, f.attribute, f.action, entry)


def without(*keys: tuple[str, str]) -> list[dict[str, object]]:
    return [r for r in COMPLETE_RULES if (r["table"], r["column"]) not in keys]


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path / "cache"))


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        pytest.param(COMPLETE_RULES, [], id="complete rules: nothing to report"),
        pytest.param(
            without(("webhook_endpoints", "signing_secret")),
            [("MR001", HERE, 0, "webhook_endpoints", "signing_secret", "WebhookEndpoint",
              "signing_secret", "add",
              '{"table": "webhook_endpoints", "column": "signing_secret", "strategy": "null"}')],
            id="dynamically built column without a rule is found",
        ),
        pytest.param(
            without(("audit_log", "actor_ip")),
            [("MR001", RUNTIME_PATH, 0, "audit_log", "actor_ip", None, None, "add",
              '{"table": "audit_log", "column": "actor_ip", "strategy": "hash"}')],
            id="Core table column is reported at <runtime>",
        ),
        pytest.param(
            without(("salesforce_connections", "contact_email")),
            [("MR001", HERE, 0, "salesforce_connections", "contact_email",
              "SalesforceConnection", "contact_email", "add",
              '{"table": "salesforce_connections", "column": "contact_email", '
              '"strategy": "fake_email"}')],
            id="mixin column expands to each table",
        ),
        pytest.param(
            [*without(("users", "email_address")),
             {"table": "users", "column": "email", "strategy": "fake_email"}],
            [("MR001", HERE, 0, "users", "email_address", "User", "email", "add",
              '{"table": "users", "column": "email_address", "strategy": "fake_email"}'),
             ("MR002", "masking_rules.json", 10, "users", "email", None, None, "remove",
              '{"table": "users", "column": "email", "strategy": "fake_email"}')],
            id="rule naming the attribute, not the DB column: missing plus stale",
        ),
    ],
)
def test_check_metadata_findings(
    tmp_path: Path, rules: list[dict[str, object]], expected: list[tuple[object, ...]]
) -> None:
    found = check_metadata(build_metadata(), write_rules(tmp_path, rules))
    assert [brief(f) for f in found] == expected


def test_missing_rule_message_names_class_label_and_rules_file(tmp_path: Path) -> None:
    rules = write_rules(tmp_path, without(("users", "api_token")))
    [finding] = check_metadata(build_metadata(), rules)
    assert finding.message == (
        "User.api_token is marked PRIVATE, but masking_rules.json has no rule for "
        "users.api_token."
    )
    assert (finding.severity, finding.name) == ("error", "missing-rule")


@pytest.mark.parametrize(
    ("exemptions", "expected"),
    [
        pytest.param([("users", "api_token", "hashed before it is stored")], [],
                     id="exemption with a reason replaces the rule"),
        pytest.param([("users", "api_token", "   ")],
                     [("MR005", "users", "api_token",
                       "the exemption for User.api_token has no reason; write why masking is "
                       "unnecessary: `# masking: exempt -- <reason>`.")],
                     id="exemption without a reason is invalid"),
        pytest.param([("users", "api_token", "hashed"), ("users", "nickname", "public")],
                     [("MR005", "users", "nickname",
                       "User.nickname is exempted but not labelled sensitive; remove the "
                       "exemption, or label the column if it is sensitive.")],
                     id="exemption on an unlabelled column is invalid"),
    ],
)
def test_check_metadata_exemptions(
    tmp_path: Path, exemptions: list[tuple[str, str, str]], expected: list[tuple[object, ...]]
) -> None:
    rules = write_rules(tmp_path, without(("users", "api_token")))
    found = check_metadata(build_metadata(), rules, exemptions=exemptions)
    assert [(f.code, f.table, f.column, f.message) for f in found] == expected


def test_labels_are_configurable_and_plain_strings_count(tmp_path: Path) -> None:
    class Base(DeclarativeBase):
        pass

    class Patient(Base):
        __tablename__ = "patients"

        id: Mapped[int] = mapped_column(primary_key=True)
        diagnosis: Mapped[str] = mapped_column(String(200), info={"level": Sensitivity.HIGH})
        mrn: Mapped[str] = mapped_column(String(20), info={"tags": ["pii", "Sensitivity.HIGH"]})
        ward: Mapped[str] = mapped_column(String(20), info=PRIVATE)  # not a configured label

    rules = write_rules(tmp_path, [])
    found = check_metadata(Base.metadata, rules, labels=("Sensitivity.HIGH",))
    assert [(f.code, f.class_name, f.column) for f in found] == [
        ("MR001", Patient.__name__, "diagnosis"),
        ("MR001", Patient.__name__, "mrn"),
    ]


def test_empty_metadata_fails_closed(tmp_path: Path) -> None:
    [finding] = check_metadata(MetaData(), write_rules(tmp_path, []))
    assert finding.code == "MR007"
    assert finding.message.startswith("no mapped classes or tables were found")


def test_missing_rules_file_is_an_error_not_a_pass(tmp_path: Path) -> None:
    found = check_metadata(build_metadata(), tmp_path / "nowhere.json")
    # only the rules file is reported: 7 "missing rule" findings would bury the real problem
    assert [(f.code, f.path, f.line) for f in found] == [("MR006", "nowhere.json", 1)]
    assert found[0].message.startswith("nowhere.json not found in working tree")


def test_assert_metadata_masked_passes_on_complete_rules(tmp_path: Path) -> None:
    assert_metadata_masked(build_metadata(), write_rules(tmp_path, COMPLETE_RULES))


def test_assert_metadata_masked_lists_every_blocking_finding(tmp_path: Path) -> None:
    rules = write_rules(
        tmp_path, without(("users", "api_token"), ("webhook_endpoints", "signing_secret"))
    )
    with pytest.raises(AssertionError) as info:
        assert_metadata_masked(build_metadata(), rules)
    assert str(info.value) == (
        "masking gate failed for MetaData (4 tables): 2 blocking findings\n"
        f"{HERE}: MR001 missing-rule User.api_token is marked PRIVATE, but masking_rules.json "
        "has no rule for users.api_token.\n"
        '    add to masking_rules.json: {"table": "users", "column": "api_token", '
        '"strategy": "null"}\n'
        f"{HERE}: MR001 missing-rule WebhookEndpoint.signing_secret is marked PRIVATE, but "
        "masking_rules.json has no rule for webhook_endpoints.signing_secret.\n"
        '    add to masking_rules.json: {"table": "webhook_endpoints", "column": '
        '"signing_secret", "strategy": "null"}'
    )


@pytest.mark.parametrize(
    ("call", "message"),
    [
        pytest.param(lambda p: check_metadata("Base.metadata", p),  # type: ignore[arg-type]
                     "check_metadata() needs a sqlalchemy.MetaData (e.g. Base.metadata), got str",
                     id="not a MetaData"),
        pytest.param(lambda p: check_metadata(MetaData(), p, labels="ColumnVisibility.PRIVATE"),
                     "labels must be a non-empty sequence of dotted names",
                     id="labels given as one string"),
        pytest.param(lambda p: check_metadata(MetaData(), p, exemptions=[("users", "x")]),  # type: ignore[list-item]
                     "exemption #1 must be (table, column, reason) strings or a "
                     "ConfigExemption, got ('users', 'x')",
                     id="exemption with two fields"),
    ],
)
def test_bad_arguments_get_a_clear_message(tmp_path: Path, call: object, message: str) -> None:
    assert callable(call)
    with pytest.raises(UsageError, match=f"^{re.escape(message)}$"):
        call(write_rules(tmp_path, []))


# --- static mode on the sample app -------------------------------------------------------------


@pytest.fixture
def sample_app(tmp_path: Path) -> Path:
    root = tmp_path / "sample_app"
    shutil.copytree(SAMPLE_APP, root)
    return root


def _line_of(path: Path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if needle in line)


def test_assert_masking_gate_passes_on_the_sample_app(sample_app: Path) -> None:
    assert_masking_gate(sample_app)


def test_assert_masking_gate_names_the_exact_entry_to_add(sample_app: Path) -> None:
    rules = sample_app / "masking_rules.json"
    kept = [line for line in rules.read_text(encoding="utf-8").splitlines(keepends=True)
            if '"column": "iban"' not in line]
    rules.write_text("".join(kept), encoding="utf-8")
    line = _line_of(sample_app / "ledgerly/models/billing.py", "    iban: Mapped")

    with pytest.raises(AssertionError) as info:
        assert_masking_gate(sample_app)
    assert str(info.value) == (
        f"masking gate failed for {sample_app}: 1 blocking finding\n"
        f"ledgerly/models/billing.py:{line}: MR001 missing-rule Payment.iban is marked MASKED, "
        "but masking_rules.json has no rule for payment.iban.\n"
        '    add to masking_rules.json: {"table": "payment", "column": "iban", '
        '"strategy": "null"}'
    )


def test_assert_masking_gate_reports_config_errors_with_file_and_line(sample_app: Path) -> None:
    pyproject = sample_app / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.masking-reviewer]\n", "[tool.masking-reviewer]\noops = 1\n"),
        encoding="utf-8",
    )
    line = _line_of(pyproject, "oops = 1")
    with pytest.raises(AssertionError) as info:
        assert_masking_gate(sample_app)
    assert str(info.value).startswith(
        f"masking gate could not run on {sample_app}: pyproject.toml:{line}: unknown key 'oops' "
        "in [tool.masking-reviewer]; known keys: ai, baseline,"
    )


def test_assert_masking_gate_on_a_missing_directory(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="is not a directory"):
        assert_masking_gate(tmp_path / "nope")

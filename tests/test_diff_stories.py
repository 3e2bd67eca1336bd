"""`reviewer diff` acceptance stories: one pull request each, on the Ledgerly sample app.

Every story starts from the sample app committed on ``main``, makes a branch, edits files the
way a developer would, commits, and runs ``reviewer diff --base main --format json --no-ai``
through the CLI's ``main(argv)``. It asserts the exact findings the change introduced (code,
severity, table, column, where the comment goes, whether that line is in the diff, the rule
to add) and the exit code.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import GitRepo

RULES = "masking_rules.json"
AUTH = "ledgerly/models/auth.py"
BILLING = "ledgerly/models/billing.py"
CUSTOMERS = "ledgerly/models/customers.py"
INTEGRATIONS = "ledgerly/models/integrations.py"
MIXINS = "ledgerly/models/mixins.py"

Edit = Callable[[Path], None]
JsonObj = dict[str, object]


# --- editing like a developer ------------------------------------------------------------------


def replace_text(rel: str, old: str, new: str) -> Edit:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} is not in {rel} exactly once"
        path.write_text(text.replace(old, new), encoding="utf-8")

    return edit


def insert_after(rel: str, needle: str, lines: str) -> Edit:
    """Insert ``lines`` after the one line of ``rel`` that contains ``needle``."""

    def edit(root: Path) -> None:
        path = root / rel
        old = path.read_text(encoding="utf-8").splitlines(keepends=True)
        hits = [i for i, line in enumerate(old) if needle in line]
        assert len(hits) == 1, f"{needle!r} is not on exactly one line of {rel}"
        path.write_text("".join([*old[: hits[0] + 1], lines, *old[hits[0] + 1 :]]),
                        encoding="utf-8")

    return edit


def delete_line(rel: str, needle: str) -> Edit:
    return replace_text(rel, _whole_line(rel, needle), "")


def _whole_line(rel: str, needle: str) -> str:
    from tests.conftest import SAMPLE_APP

    for line in (SAMPLE_APP / rel).read_text(encoding="utf-8").splitlines(keepends=True):
        if needle in line:
            return line
    raise AssertionError(f"{needle!r} not in {rel}")


def line_in(text: str, needle: str, where: str) -> int:
    hits = [n for n, line in enumerate(text.splitlines(), 1) if needle in line]
    assert len(hits) == 1, f"{needle!r} is on {len(hits)} lines of {where}, want exactly one"
    return hits[0]


# --- expectations --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Want:
    """One finding the change must introduce. ``needle`` finds the anchored line's number:
    in the head file for RIGHT, in the file as it is on main for LEFT."""

    code: str
    severity: str
    table: str | None
    column: str | None
    path: str
    needle: str
    side: str = "RIGHT"
    in_hunk: bool = True
    rule: JsonObj | None = None
    action: str | None = None
    similar: tuple[str, ...] = ()  # qualnames that must lead the similar list, in order
    message: str | None = None
    offset: int = 0  # from the needle's line, e.g. -1 for the decorator above a ``def``


@dataclass(frozen=True)
class Story:
    edits: Sequence[Edit]
    want: Sequence[Want]
    exit_code: int
    commit: bool = True
    extra: Sequence[str] = field(default_factory=tuple)


def run(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*args, "--root", str(repo.root)])
    out, err = capsys.readouterr()
    return code, out, err


def diff_json(
    repo: GitRepo, capsys: pytest.CaptureFixture[str], *extra: str
) -> tuple[int, JsonObj]:
    code, out, err = run(repo, "diff", "--base", "main", "--format", "json", "--no-ai", *extra,
                         capsys=capsys)
    assert "Traceback" not in err and "internal error" not in err, err
    doc = json.loads(out)
    assert isinstance(doc, dict)
    return code, doc


def findings(doc: JsonObj, *, introduced: bool = True) -> list[JsonObj]:
    items = doc["findings"]
    assert isinstance(items, list)
    return [f for f in items if f["introduced"] is introduced]


Row = tuple[object, ...]


def observed_row(f: JsonObj) -> Row:
    return (f["code"], f["severity"], f["table"], f["column"], f["path"], f["line"], f["side"],
            f["in_hunk"], f["rule"], f["action"])


def wanted_row(repo: GitRepo, w: Want) -> Row:
    if w.side == "RIGHT":
        text = (repo.root / w.path).read_text(encoding="utf-8")
    else:
        text = repo.git("show", f"main:{w.path}")
    line = line_in(text, w.needle, f"{w.path} ({w.side})") + w.offset
    action = w.action if w.action is not None else ("add" if w.rule is not None else None)
    return (w.code, w.severity, w.table, w.column, w.path, line, w.side, w.in_hunk, w.rule,
            action)


def start_branch(repo: GitRepo, edits: Sequence[Edit], *, commit: bool = True) -> None:
    repo.git("checkout", "--quiet", "-b", "feature")
    for edit in edits:
        edit(repo.root)
    if commit:
        repo.commit("feature work")


# --- the stories ---------------------------------------------------------------------------------

NETSUITE_OWN_TABLE = (
    insert_after(
        INTEGRATIONS, "not_after: Mapped[datetime]",
        "\n\n"
        "class NetSuiteConnection(Base):\n"
        '    """Token-based auth for NetSuite ERP."""\n'
        "\n"
        '    __tablename__ = "netsuite_connections"\n'
        "\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    realm: Mapped[str] = mapped_column(String(64))\n"
        "    client_secret: Mapped[Optional[str]] = mapped_column(Text)\n",
    ),
)
# QuickBooks' OAuth 1.0a secrets move from the shared STI table to a table of their own.
QUICKBOOKS_RULES_MOVED = (
    replace_text(RULES, '{"table": "integration_connections", "column": "consumer_key"',
                 '{"table": "quickbooks_connections", "column": "consumer_key"'),
    replace_text(RULES, '{"table": "integration_connections", "column": "token_secret"',
                 '{"table": "quickbooks_connections", "column": "token_secret"'),
)

LABEL_WEBHOOK_URL = replace_text(
    AUTH, "url: Mapped[str] = mapped_column(sa.Text)",
    "url: Mapped[str] = mapped_column(sa.Text, info=PRIVATE_INFO)")
WEBHOOK_URL_RULE: JsonObj = {"table": "webhook_endpoints", "column": "url", "strategy": "static",
                    "value": "masked"}
ADD_WEBHOOK_URL_RULE = insert_after(
    RULES, '"table": "users", "column": "totp_secret"',
    '    {"table": "webhook_endpoints", "column": "url", "strategy": "static", '
    '"value": "masked"},\n')

LOOK_ALIKES = insert_after(
    INTEGRATIONS, "not_after: Mapped[datetime]",
    "\n\n"
    "class OAuthGrant(Base):\n"
    '    """Which token flow each connection uses; the tokens themselves live elsewhere."""\n'
    "\n"
    '    __tablename__ = "oauth_grants"\n'
    "\n"
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    token_type: Mapped[Optional[str]] = mapped_column(String(16))\n"
    '    api_key_id: Mapped[Optional[int]] = mapped_column(ForeignKey("api_keys.id"))\n'
    "    password_changed_at: Mapped[Optional[datetime]]\n"
    "    public_key_id: Mapped[Optional[str]] = mapped_column(String(64))\n"
    "    token_expires_at: Mapped[Optional[datetime]]\n",
)

TRAILING_COMMA = replace_text(
    RULES, '{"table": "users", "column": "email", "strategy": "fake_email"}',
    '{"table": "users", "column": "email", "strategy": "fake_email",}')

STORIES = [
    pytest.param(
        Story(
            edits=NETSUITE_OWN_TABLE,
            want=[
                Want("MR003", "error", "netsuite_connections", "client_secret", INTEGRATIONS,
                     "client_secret: Mapped[Optional[str]] = mapped_column(Text)\n".strip(),
                     rule={"table": "netsuite_connections", "column": "client_secret",
                           "strategy": "null"},
                     similar=("SalesforceConnection.client_secret",)),
            ],
            exit_code=1,
        ),
        id="1 new unlabelled credential next to a labelled sibling blocks with the sibling's rule",
    ),
    pytest.param(
        Story(
            edits=[LABEL_WEBHOOK_URL],
            want=[
                Want("MR001", "error", "webhook_endpoints", "url", AUTH, "url: Mapped[str]",
                     rule=WEBHOOK_URL_RULE,
                     message="WebhookEndpoint.url is marked PRIVATE, but masking_rules.json "
                             "has no rule for webhook_endpoints.url."),
            ],
            exit_code=1,
        ),
        id="2 newly labelled without a rule is MR001 on the changed line",
    ),
    pytest.param(
        Story(edits=[LABEL_WEBHOOK_URL, ADD_WEBHOOK_URL_RULE], want=[], exit_code=0),
        id="3 labelled with its rule in the same PR is clean",
    ),
    pytest.param(
        Story(
            edits=[replace_text(BILLING, "    payer_name: Mapped", "    payer_full_name: Mapped")],
            want=[
                Want("MR001", "error", "payment", "payer_full_name", BILLING, "payer_full_name:",
                     rule={"table": "payment", "column": "payer_full_name",
                           "strategy": "fake_name"}),
                Want("MR002", "error", "payment", "payer_name", BILLING, "payer_name:",
                     side="LEFT",
                     rule={"table": "payment", "column": "payer_name", "strategy": "fake_name"},
                     action="remove"),
            ],
            exit_code=1,
        ),
        id="4 rename leaves a stale rule, anchored on the old name, and an unmasked new name",
    ),
    pytest.param(
        Story(
            edits=[delete_line(BILLING, "iban: Mapped")],
            want=[
                Want("MR002", "error", "payment", "iban", BILLING, "iban: Mapped", side="LEFT",
                     rule={"table": "payment", "column": "iban", "strategy": "null"},
                     action="remove"),
            ],
            exit_code=1,
        ),
        id="5 dropped column leaves a stale rule anchored LEFT on the removed line",
    ),
    pytest.param(
        Story(
            edits=[replace_text(
                MIXINS, "return mapped_column(sa.DateTime(timezone=True))",
                'return mapped_column(sa.DateTime(timezone=True), '
                'info={"visibility": ColumnVisibility.MASKED})')],
            want=[
                Want("MR001", "error", table, "last_modified_at", MIXINS,
                     "def last_modified_at(cls)", offset=-1,
                     rule={"table": table, "column": "last_modified_at", "strategy": "null"})
                for table in ("contact", "users")
            ],
            exit_code=1,
        ),
        id="6 labelling a mixin column fans out to one MR001 per inheriting table",
    ),
    pytest.param(
        Story(
            edits=[replace_text(
                AUTH, "# masking: exempt -- bcrypt hash, cost 12; useless without the plaintext",
                "# masking: exempt --")],
            want=[
                Want("MR005", "error", "users", "password_hash", AUTH, "password_hash: Mapped",
                     message="the exemption for User.password_hash has no reason; write why "
                             "masking is unnecessary: `# masking: exempt -- <reason>`."),
            ],
            exit_code=1,
        ),
        id="7 exemption without a reason is MR005",
    ),
    pytest.param(
        Story(
            edits=[TRAILING_COMMA],
            want=[Want("MR006", "error", None, None, RULES, '"table": "users", "column": "email"')],
            exit_code=1,
        ),
        id="8 broken rules file is MR006 on the offending line, and nothing else",
    ),
    pytest.param(
        Story(
            edits=[insert_after(BILLING, "from .mixins import TimestampMixin", "def broken(:\n")],
            want=[Want("MR007", "error", None, None, BILLING, "def broken(:")],
            exit_code=1,
        ),
        id="9 syntax error in a model file fails closed with MR007",
    ),
    pytest.param(
        Story(edits=[LOOK_ALIKES], want=[], exit_code=0),
        id="10 harmless look-alike names are clean",
    ),
    pytest.param(
        Story(
            edits=[replace_text(RULES, '"column": "totp_secret", "strategy": "null"',
                                '"column": "totp_secret", "strategy": "hash"')],
            want=[
                Want("MR008", "warning", "users", "totp_secret", RULES, '"totp_secret"',
                     rule={"table": "users", "column": "totp_secret", "strategy": "null"},
                     action="replace",
                     message="User.totp_secret looks like a credential (name 'totp_secret') but "
                             "is masked with 'hash', which keeps values linkable across copies "
                             "and lets a leaked hash be matched; use 'null' instead"),
            ],
            exit_code=0,
        ),
        id="11 credential rule switched to hash is MR008 on the rules line",
    ),
    pytest.param(
        Story(
            edits=[insert_after(
                INTEGRATIONS, "refresh_token: Mapped[Optional[str]] = mapped_column(Text",
                '    security_token: Mapped[Optional[str]] = mapped_column("sf_secret", Text, '
                "info=PRIVATE_INFO)\n")],
            want=[
                Want("MR001", "error", "integration_connections", "sf_secret", INTEGRATIONS,
                     "security_token:",
                     rule={"table": "integration_connections", "column": "sf_secret",
                           "strategy": "null"}),
            ],
            exit_code=1,
        ),
        id="12 explicit DB column name is what the rule names",
    ),
    pytest.param(
        Story(
            edits=[delete_line(RULES, '"table": "users", "column": "totp_secret"')],
            want=[
                Want("MR001", "error", "users", "totp_secret", RULES,
                     '"table": "users", "column": "totp_secret"', side="LEFT",
                     rule={"table": "users", "column": "totp_secret", "strategy": "null"}),
            ],
            exit_code=1,
        ),
        id="13 deleting a rule is MR001 on the removed rules line",
    ),
    pytest.param(
        Story(
            edits=[replace_text(
                MIXINS,
                "    @declared_attr\n    def created_by_email(cls) -> Mapped[Optional[str]]:\n"
                "        return mapped_column(sa.String(320), "
                'info={"visibility": ColumnVisibility.MASKED})\n\n',
                "")],
            want=[
                Want("MR002", "error", table, "created_by_email", MIXINS,
                     "def created_by_email(cls)", side="LEFT", offset=-1,
                     rule={"table": table, "column": "created_by_email",
                           "strategy": "fake_email"},
                     action="remove")
                for table in ("contact", "users")
            ],
            exit_code=1,
        ),
        id="14 dropping a mixin column leaves one stale rule per inheriting table",
    ),
    pytest.param(
        Story(
            edits=[
                LABEL_WEBHOOK_URL,
                insert_after(
                    RULES, '"table": "users", "column": "totp_secret"',
                    '    {"table": "webhook_endpoint", "column": "url", "strategy": "static", '
                    '"value": "masked"},\n'),
            ],
            want=[
                Want("MR001", "error", "webhook_endpoints", "url", AUTH, "url: Mapped[str]",
                     rule=WEBHOOK_URL_RULE),
                Want("MR002", "error", "webhook_endpoint", "url", RULES,
                     '"table": "webhook_endpoint", "column": "url"',
                     rule={"table": "webhook_endpoint", "column": "url", "strategy": "static",
                           "value": "masked"},
                     action="remove",
                     message="masking_rules.json has a rule for webhook_endpoint.url, but no "
                             "model declares that column. No table 'webhook_endpoint' exists; "
                             "did you mean 'webhook_endpoints'? A rule that names the wrong "
                             "column leaves the real one unmasked."),
            ],
            exit_code=1,
        ),
        id="15 rule added with a misspelt table is MR002 on the new rules line",
    ),
    pytest.param(
        Story(
            edits=[
                replace_text(INTEGRATIONS,
                             "password: Mapped[Optional[str]] = mapped_column(String(255), "
                             "info=PRIVATE_INFO)",
                             "password: Mapped[Optional[str]] = mapped_column(String(255))"),
                delete_line(RULES, '"table": "sftp_connections", "column": "password"'),
            ],
            want=[
                Want("MR003", "error", "sftp_connections", "password", INTEGRATIONS,
                     "password: Mapped",
                     rule={"table": "sftp_connections", "column": "password",
                           "strategy": "null"}),
            ],
            exit_code=1,
        ),
        id="16 label and rule both removed from a password is MR003",
    ),
    pytest.param(
        Story(
            edits=[
                insert_after(CUSTOMERS, "job_title: Mapped",
                             "    birth_date: Mapped[Optional[date]] = mc(info=vis.MASKED_INFO)\n"),
                replace_text(CUSTOMERS,
                             "from typing import TYPE_CHECKING, Optional",
                             "from datetime import date\n"
                             "from typing import TYPE_CHECKING, Optional"),
                insert_after(RULES, '"table": "contact", "column": "created_by_email"',
                             '    {"table": "contact", "column": "birth_date", '
                             '"strategy": "hash"},\n'),
            ],
            want=[
                Want("MR009", "note", "contact", "birth_date", CUSTOMERS,
                     "birth_date: Mapped"),
            ],
            exit_code=0,
        ),
        id="17 new quasi-identifier hashed at full resolution is an MR009 note",
    ),
    pytest.param(
        Story(
            edits=[
                insert_after(AUTH, "label: Mapped[str]",
                             "    summary: Mapped[Optional[str]] = mapped_column(String(200))\n"
                             "    remarks: Mapped[Optional[str]] = mapped_column(String(200))\n"),
            ],
            want=[
                Want("MR003", "note", "api_keys", "summary", AUTH, "summary: Mapped",
                     rule={"table": "api_keys", "column": "summary", "strategy": "shred"}),
                Want("MR003", "warning", "api_keys", "remarks", AUTH, "remarks: Mapped",
                     rule={"table": "api_keys", "column": "remarks", "strategy": "shred"}),
            ],
            exit_code=0,
        ),
        id="18 free text is a warning only at high confidence: a summary is a note",
    ),
]


@pytest.mark.parametrize("story", STORIES)
def test_story(sample_app: GitRepo, capsys: pytest.CaptureFixture[str], story: Story) -> None:
    start_branch(sample_app, story.edits, commit=story.commit)

    code, doc = diff_json(sample_app, capsys)

    got = findings(doc)
    assert sorted(map(observed_row, got), key=repr) == sorted(
        (wanted_row(sample_app, w) for w in story.want), key=repr)
    assert findings(doc, introduced=False) == []
    assert doc["blocking"] is (story.exit_code == 1)
    assert code == story.exit_code
    for w in story.want:
        f = next(f for f in got if (f["code"], f["table"], f["column"]) ==
                 (w.code, w.table, w.column))
        if w.message is not None:
            assert f["message"] == w.message
        similar = f["similar"]
        assert isinstance(similar, list)
        assert [s["class"] + "." + s["attribute"] for s in similar][: len(w.similar)] == list(
            w.similar)


def test_new_credential_finding_carries_the_labelled_sibling(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start_branch(sample_app, NETSUITE_OWN_TABLE)

    _, doc = diff_json(sample_app, capsys)

    (f,) = findings(doc)
    assert f["category"] == "credential" and f["confidence"] == "high"
    similar = f["similar"]
    assert isinstance(similar, list)
    sf = similar[0]
    assert (sf["table"], sf["column"], sf["labels"], sf["rule"]) == (
        "integration_connections", "client_secret", ["ColumnVisibility.PRIVATE"],
        {"table": "integration_connections", "column": "client_secret", "strategy": "null"})
    message = f["message"]
    assert isinstance(message, str)
    # The message says what is wrong; the similar fields travel alongside, once, in `similar`.
    assert message == (
        "NetSuiteConnection.client_secret looks like a credential (high confidence: name "
        "'client_secret'), but it has no label and masking_rules.json has no rule for "
        "netsuite_connections.client_secret.")
    # The evidence travels apart too, for tools that read the JSON.
    assert f["evidence"] == "name 'client_secret'"


def test_broken_rules_file_reports_line_and_column(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start_branch(sample_app, [TRAILING_COMMA])
    line = line_in((sample_app.root / RULES).read_text(), '"column": "email", "strategy"', RULES)

    code, out, _ = run(sample_app, "diff", "--base", "main", "--format", "sarif", "--no-ai",
                       capsys=capsys)

    assert code == 1
    results = json.loads(out)["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]) for r in results] == [
        ("MR006", {"startLine": line, "startColumn": 67}),  # the trailing comma itself
    ]


def test_empty_diff_is_clean(sample_app: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    start_branch(sample_app, [], commit=False)

    code, doc = diff_json(sample_app, capsys)

    assert (code, doc["blocking"], doc["findings"]) == (0, False, [])
    assert doc["base"] == doc["head"] == sample_app.head()


def test_worktree_sees_an_uncommitted_edit(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start_branch(sample_app, [LABEL_WEBHOOK_URL], commit=False)

    code, doc = diff_json(sample_app, capsys)
    assert (code, doc["findings"]) == (0, [])

    code, doc = diff_json(sample_app, capsys, "--worktree")
    assert code == 1
    assert doc["head"] is None
    assert [observed_row(f) for f in findings(doc)] == [
        wanted_row(sample_app, Want("MR001", "error", "webhook_endpoints", "url", AUTH,
                                    "url: Mapped[str]", rule=WEBHOOK_URL_RULE)),
    ]


def test_worktree_sees_an_untracked_model_file(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start_branch(sample_app, [], commit=False)
    rel = "ledgerly/models/xero.py"
    sample_app.write(rel, (
        "from typing import Optional\n"
        "\n"
        "from sqlalchemy import Text\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n"
        "\n"
        "from .base import Base\n"
        "\n"
        "\n"
        "class XeroConnection(Base):\n"
        '    __tablename__ = "xero_connections"\n'
        "\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    client_secret: Mapped[Optional[str]] = mapped_column(Text)\n"
    ))

    code, doc = diff_json(sample_app, capsys, "--worktree")

    assert [observed_row(f) for f in findings(doc)] == [
        ("MR003", "error", "xero_connections", "client_secret", rel, 13, "RIGHT", True,
         {"table": "xero_connections", "column": "client_secret", "strategy": "null"}, "add"),
    ]
    assert code == 1


def test_text_output_says_which_entry_to_add(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    start_branch(sample_app, NETSUITE_OWN_TABLE)
    line = line_in((sample_app.root / INTEGRATIONS).read_text(), "client_secret: Mapped[Optional"
                   "[str]] = mapped_column(Text)\n".strip(), INTEGRATIONS)

    code, out, err = run(sample_app, "diff", "--base", "main", "--no-ai", capsys=capsys)

    assert (code, err) == (1, "")
    assert out.startswith(
        f"{INTEGRATIONS}:{line}: MR003 unlabeled-sensitive NetSuiteConnection.client_secret "
        "looks like a credential (high confidence: name 'client_secret'), but it has no label "
        "and masking_rules.json has no rule for netsuite_connections.client_secret.\n"
        "    add to masking_rules.json:\n"
        '      {"table": "netsuite_connections", "column": "client_secret", "strategy": "null"}\n'
        "    similar: SalesforceConnection.client_secret (PRIVATE) → null\n"
    )


@pytest.mark.parametrize(
    ("edits", "kinds"),
    [
        pytest.param([delete_line(BILLING, "iban: Mapped")],
                     [("column-removed", "payment", "iban")], id="dropped column"),
        pytest.param([insert_after(BILLING, "from .mixins import TimestampMixin",
                                   "def broken(:\n")],
                     [], id="a file that stops parsing drops no columns"),
        pytest.param([LABEL_WEBHOOK_URL, ADD_WEBHOOK_URL_RULE],
                     [("column-labelled", "webhook_endpoints", "url"),
                      ("rule-added", "webhook_endpoints", "url")], id="label with its rule"),
        pytest.param(QUICKBOOKS_RULES_MOVED,
                     [("rule-added", "quickbooks_connections", "consumer_key"),
                      ("rule-added", "quickbooks_connections", "token_secret"),
                      ("rule-removed", "integration_connections", "consumer_key"),
                      ("rule-removed", "integration_connections", "token_secret")],
                     id="rules moved to another table"),
    ],
)
def test_changes_account_for_what_the_diff_did(
    sample_app: GitRepo, edits: Sequence[Edit], kinds: list[tuple[str, str, str]]
) -> None:
    from reviewer.config import load_config
    from reviewer.gitdiff import resolve_base
    from reviewer.review import run_diff
    from reviewer.sources import WorktreeTree

    start_branch(sample_app, edits)
    root = str(sample_app.root)
    config = load_config(root, WorktreeTree(root), None)

    review, _ = run_diff(root, config, base=resolve_base(root, "main"), head="HEAD",
                         use_cache=False)

    assert sorted((c.kind, c.table, c.column) for c in review.changes) == kinds


def test_gap_already_on_main_is_old_and_still_blocks(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    delete_line(RULES, '"table": "users", "column": "totp_secret"')(sample_app.root)
    sample_app.commit("drop a rule on main")
    start_branch(sample_app, [LOOK_ALIKES])

    code, doc = diff_json(sample_app, capsys)

    assert findings(doc) == []
    old = findings(doc, introduced=False)
    assert [(f["code"], f["table"], f["column"], f["path"], f["side"], f["in_hunk"])
            for f in old] == [("MR001", "users", "totp_secret", AUTH, "RIGHT", False)]
    assert doc["blocking"] is True
    assert code == 1


def test_gap_in_a_renamed_file_is_still_old(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    delete_line(RULES, '"table": "users", "column": "totp_secret"')(sample_app.root)
    sample_app.commit("drop a rule on main")
    sample_app.git("checkout", "--quiet", "-b", "feature")
    sample_app.rename(AUTH, "ledgerly/models/accounts.py")
    sample_app.commit("rename auth.py")

    code, doc = diff_json(sample_app, capsys)

    assert findings(doc) == []
    assert [(f["code"], f["table"], f["column"], f["path"], f["in_hunk"])
            for f in findings(doc, introduced=False)] == [
        ("MR001", "users", "totp_secret", "ledgerly/models/accounts.py", False)]
    assert code == 1


def test_unknown_base_ref_is_a_usage_error(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(sample_app, "diff", "--base", "no-such-branch", "--no-ai",
                         capsys=capsys)

    assert code == 2
    assert out == ""
    assert err.startswith("reviewer: error: unknown base ref 'no-such-branch': git cannot find "
                          "it here; fetch the base branch")
    assert "Traceback" not in err


def test_partial_review_says_which_changed_files_it_did_not_read(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    def add_service(root: Path) -> None:
        (root / "ledgerly" / "sync.py").write_text("def push_invoices() -> None:\n    pass\n")

    start_branch(sample_app, [add_service,
                              insert_after(BILLING, "from .mixins import TimestampMixin",
                                           "def broken(:\n")])

    code, doc = diff_json(sample_app, capsys)

    assert code == 1
    assert doc["files_skipped"] == [
        {"path": BILLING, "reason": "could not be read (MR007); its columns were not checked"},
        {"path": "ledgerly/sync.py",
         "reason": "changed, but not a model file (see `models` in the configuration)"},
    ]


def test_ignore_names_silences_the_similarity_check_too(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # The team says legacy_* columns hold nothing live; a name like a labelled sibling's must
    # not bring the finding back through MR004.
    start_branch(sample_app, [
        replace_text("pyproject.toml", 'table-naming = "snake_case"\n',
                     'table-naming = "snake_case"\nignore-names = ["legacy_*"]\n'),
        insert_after(INTEGRATIONS, "refresh_token: Mapped",
                     "    legacy_client_secret: Mapped[Optional[str]] = mapped_column(Text)\n"),
    ])

    code, doc = diff_json(sample_app, capsys)

    assert (code, findings(doc)) == (0, [])


def test_an_unparsable_file_on_main_stays_old_when_its_lines_move(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    # Beaker's 2012-2019 history: a Python 2 octal literal blocks on main already; a pull
    # request that only adds lines above it must not make its MR007 (which names the line)
    # a new finding of that pull request
    legacy = sample_app.root / "ledgerly/models/archive.py"
    legacy.write_text("import os\n\ndef ensure(path):\n    os.makedirs(path, 0755)\n")
    sample_app.commit("an old helper on main")
    sample_app.git("checkout", "--quiet", "-b", "feature")
    legacy.write_text("# moved: see ledgerly/storage\n\n" + legacy.read_text())
    sample_app.commit("a note above it")

    code, doc = diff_json(sample_app, capsys)

    assert findings(doc) == []
    assert [(f["code"], f["path"], f["line"]) for f in findings(doc, introduced=False)] == [
        ("MR007", "ledgerly/models/archive.py", 6)]
    assert code == 1

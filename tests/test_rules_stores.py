"""The YAML masking profile beside masking_rules.json, and table-wide rules in both stores."""

from __future__ import annotations

import json

import pytest

from reviewer.cli import main
from reviewer.errors import UsageError
from reviewer.rules_yaml import add_yaml_rules, parse_yaml_rules
from reviewer.types import Rule
from tests.gitrepo import GitRepo

PROFILE = """\
# masking profile for the nightly copy
version: 1
rules:
  - table: users
    column: email
    strategy: fake_email
  - table: audit_log
    column: "*"
    strategy: "null"   # nobody needs the audit trail locally
"""


def test_a_profile_reads_with_lines() -> None:
    parsed = parse_yaml_rules(PROFILE, "masking.yaml")
    assert parsed.errors == ()
    assert [(r.table, r.column, r.strategy, r.line) for r in parsed.rules] == [
        ("users", "email", "fake_email", 4),
        ("audit_log", "*", "null", 7),
    ]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param("version: 1\nrules:\n  - table: users\n    column: [\n", 5,
                     "is not valid YAML", id="syntax error names its line"),
        pytest.param("version: 2\nrules: []\n", 1, "must say `version: 1`",
                     id="wrong version"),
        pytest.param("version: 1\n", 1, "needs `rules:`", id="no rules key"),
        pytest.param("version: 1\nrules:\n  - table: users\n    column: email\n", 3,
                     "rules[0]: 'strategy' is a required property", id="entry misses a key"),
        pytest.param("version: 1\nrules:\n  - {table: t, column: c, strategy: 'null'}\n"
                     "  - {table: t, column: c, strategy: 'null'}\n", 4,
                     "a second rule for t.c (the first is on line 3)", id="duplicate rule"),
        pytest.param("- just\n- a list\n", 1, "must be a mapping", id="not a mapping"),
    ],
)
def test_a_broken_profile_is_a_positioned_error(text: str, line: int, message: str) -> None:
    parsed = parse_yaml_rules(text, "masking.yaml")
    [error] = parsed.errors
    assert error.line == line
    assert message in error.message


NEW = [Rule("api_tokens", "token", "null"), Rule("users", "password", "null")]


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(
            PROFILE,
            PROFILE + '  - table: "api_tokens"\n    column: "token"\n    strategy: "null"\n'
                      '  - table: "users"\n    column: "password"\n    strategy: "null"\n',
            id="block entries are appended in block style"),
        pytest.param(
            "version: 1\nrules:\n- {table: users, column: email, strategy: fake_email}\n"
            "# end\n",
            "version: 1\nrules:\n- {table: users, column: email, strategy: fake_email}\n"
            '- {table: "api_tokens", column: "token", strategy: "null"}\n'
            '- {table: "users", column: "password", strategy: "null"}\n# end\n',
            id="flow entries are appended in flow style, before a trailing comment"),
        pytest.param(
            "version: 1\r\nrules: []\r\n",
            'version: 1\r\nrules:\r\n  - table: "api_tokens"\r\n    column: "token"\r\n'
            '    strategy: "null"\r\n  - table: "users"\r\n    column: "password"\r\n'
            '    strategy: "null"\r\n',
            id="an empty list becomes a block list and CRLF stays CRLF"),
        pytest.param(
            None,
            'version: 1\nrules:\n  - table: "api_tokens"\n    column: "token"\n'
            '    strategy: "null"\n  - table: "users"\n    column: "password"\n'
            '    strategy: "null"\n',
            id="a missing profile is created"),
    ],
)
def test_adding_rules_keeps_the_profile_as_written(before: str | None, after: str) -> None:
    got = add_yaml_rules(before, NEW, path="masking.yaml")
    assert got == after
    assert add_yaml_rules(got, NEW, path="masking.yaml") == got  # idempotent
    assert [r.key for r in parse_yaml_rules(got, "masking.yaml").rules][-2:] == [
        r.key for r in NEW]


def test_an_unreadable_profile_is_not_edited() -> None:
    with pytest.raises(UsageError,
                       match=r"masking.yaml:3: cannot edit: masking.yaml is not valid YAML"):
        add_yaml_rules("version: 1\nrules: [\n", NEW, path="masking.yaml")


# --- through the CLI: the `rules` extension picks the store ---------------------------------


def _configure(repo: GitRepo, rules: str) -> None:
    path = repo.root / "pyproject.toml"
    text = path.read_text().replace('rules = "masking_rules.json"', f'rules = "{rules}"')
    path.write_text(text)


def _yaml_profile_from_json(repo: GitRepo) -> str:
    rules = json.loads((repo.root / "masking_rules.json").read_text())["rules"]
    lines = ["version: 1", "rules:"]
    for r in rules:
        lines.append(f"  - {json.dumps(r)}")
    (repo.root / "masking_rules.json").unlink()
    return "\n".join(lines) + "\n"


def test_check_and_fix_work_on_a_yaml_profile(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    profile = _yaml_profile_from_json(sample_app)
    _configure(sample_app, "masking.yml")
    sample_app.write("masking.yml", profile)
    assert main(["check", "--root", str(sample_app.root)]) == 0
    dropped = "\n".join(line for line in profile.splitlines()
                        if '"column": "client_secret"' not in line) + "\n"
    sample_app.write("masking.yml", dropped)
    capsys.readouterr()
    assert main(["check", "--root", str(sample_app.root)]) == 1
    assert "masking.yml has no rule for" in capsys.readouterr().out
    assert main(["fix", "--root", str(sample_app.root)]) == 0
    fixed = (sample_app.root / "masking.yml").read_text()
    assert fixed.startswith(dropped)  # only appended
    assert main(["check", "--root", str(sample_app.root)]) == 0


@pytest.mark.parametrize("store", ["masking_rules.json", "masking.yaml"])
def test_a_table_wide_rule_covers_every_column_of_its_table(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], store: str
) -> None:
    rules = json.loads((sample_app.root / "masking_rules.json").read_text())["rules"]
    kept = [r for r in rules if r["table"] != "contact"]
    assert len(kept) < len(rules), "the fixture masks contact columns"
    wide = {"table": "contact", "column": "*", "strategy": "null"}
    stale = {"table": "no_such_table", "column": "*", "strategy": "null"}
    if store.endswith(".json"):
        text = json.dumps({"version": 1, "rules": [*kept, wide, stale]}, indent=2)
    else:
        (sample_app.root / "masking_rules.json").unlink()
        _configure(sample_app, store)
        text = "version: 1\nrules:\n" + "".join(
            f"  - {json.dumps(r)}\n" for r in [*kept, wide, stale])
    sample_app.write(store, text)
    code = main(["check", "--root", str(sample_app.root), "--format", "json"])
    found = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    assert [(f["code"], f["table"], f["column"]) for f in found
            if f["severity"] == "error"] == [("MR002", "no_such_table", "*")]

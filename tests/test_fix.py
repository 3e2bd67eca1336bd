"""`reviewer fix`'s editor: nothing the user wrote is lost, new rules look like their neighbours."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.errors import UsageError
from reviewer.fix import edit_rules_text, unified_diff
from reviewer.rules import parse_rules
from reviewer.types import Rule
from tests.gitrepo import make_repo

Entry = dict[str, object]


def _entry(table: str, column: str, strategy: str = "null", **extra: object) -> Entry:
    return {"table": table, "column": column, "strategy": strategy, **extra}


def _file(entries: list[Entry], *, indent: str, multiline: bool, newline: bool) -> str:
    """How a person would write the file by hand, independent of the code under test."""

    def obj(entry: Entry) -> str:
        members = [f"{json.dumps(k)}: {json.dumps(v)}" for k, v in entry.items()]
        if multiline:
            inner = f",\n{indent * 3}".join(members)
            return "{\n" + indent * 3 + inner + "\n" + indent * 2 + "}"
        return "{" + ", ".join(members) + "}"

    body = f",\n{indent * 2}".join(obj(e) for e in entries)
    rules = f"[\n{indent * 2}{body}\n{indent}]" if entries else "[]"
    text = "{\n" + indent + '"version": 1,\n' + indent + '"rules": ' + rules + "\n}"
    return text + ("\n" if newline else "")


USERS_EMAIL = _entry("users", "email", "fake_email")
USERS_SSN = _entry("users", "ssn", "null", note="legacy column, dropped in Q3")
CONN_SECRET = _entry("salesforce_connections", "client_secret", "static", value="REDACTED")
ORDERS_NOTES = _entry("orders", "notes", "shred")
BASE = [USERS_EMAIL, USERS_SSN, CONN_SECRET, ORDERS_NOTES]

LAYOUTS = [
    pytest.param(indent, multiline, newline, id=f"{name}-{shape}-{eol}")
    for indent, name in (("  ", "2sp"), ("    ", "4sp"), ("\t", "tab"))
    for multiline, shape in ((False, "one-per-line"), (True, "multi-line"))
    for newline, eol in ((True, "eol"), (False, "no-eol"))
]


def _rule(entry: Entry) -> Rule:
    note = entry.get("note")
    return Rule(
        str(entry["table"]),
        str(entry["column"]),
        str(entry["strategy"]),
        value=entry.get("value"),
        note=note if isinstance(note, str) else None,
    )


@pytest.mark.parametrize(("indent", "multiline", "newline"), LAYOUTS)
def test_no_changes_is_a_byte_for_byte_round_trip(
    indent: str, multiline: bool, newline: bool
) -> None:
    text = _file(BASE, indent=indent, multiline=multiline, newline=newline)
    assert edit_rules_text(text, [], []) == text
    # adding what is there and removing what is gone are no-ops, not rewrites
    present = Rule("users", "email", "hash")  # same key, other strategy: still "there"
    gone = Rule("users", "phone", "fake_phone")
    assert edit_rules_text(text, [present], [gone]) == text


@pytest.mark.parametrize(("indent", "multiline", "newline"), LAYOUTS)
def test_new_rule_goes_after_its_tables_last_rule_in_the_same_style(
    indent: str, multiline: bool, newline: bool
) -> None:
    text = _file(BASE, indent=indent, multiline=multiline, newline=newline)
    token = _entry("users", "api_token")
    keep = _entry("users", "locale", "keep", note="not personal")
    invoice = _entry("invoices", "iban", "null")
    new = edit_rules_text(text, [_rule(token), _rule(invoice), _rule(keep)], [])
    expected = [USERS_EMAIL, USERS_SSN, token, keep, CONN_SECRET, ORDERS_NOTES, invoice]
    assert new == _file(expected, indent=indent, multiline=multiline, newline=newline)
    assert parse_rules(new, "masking_rules.json").errors == ()


@pytest.mark.parametrize(("indent", "multiline", "newline"), LAYOUTS)
@pytest.mark.parametrize(
    ("gone", "left"),
    [
        pytest.param([USERS_EMAIL], [USERS_SSN, CONN_SECRET, ORDERS_NOTES], id="start"),
        pytest.param([CONN_SECRET], [USERS_EMAIL, USERS_SSN, ORDERS_NOTES], id="middle"),
        pytest.param([ORDERS_NOTES], [USERS_EMAIL, USERS_SSN, CONN_SECRET], id="end"),
        pytest.param([USERS_SSN, CONN_SECRET], [USERS_EMAIL, ORDERS_NOTES], id="two adjacent"),
        pytest.param([USERS_EMAIL, ORDERS_NOTES], [USERS_SSN, CONN_SECRET], id="both ends"),
        pytest.param(BASE, [], id="all"),
    ],
)
def test_removal_leaves_no_holes(
    gone: list[Entry], left: list[Entry], indent: str, multiline: bool, newline: bool
) -> None:
    text = _file(BASE, indent=indent, multiline=multiline, newline=newline)
    # only the key matters: a stale rule is removed whatever strategy it had
    remove = [Rule(str(e["table"]), str(e["column"]), "hash") for e in gone]
    new = edit_rules_text(text, [], remove)
    assert new == _file(left, indent=indent, multiline=multiline, newline=newline)


@pytest.mark.parametrize(("indent", "multiline", "newline"), LAYOUTS)
def test_applying_the_same_fix_twice_changes_nothing(
    indent: str, multiline: bool, newline: bool
) -> None:
    text = _file(BASE, indent=indent, multiline=multiline, newline=newline)
    add = [Rule("users", "api_token", "null"), Rule("orders", "notes", "fake_text")]
    remove = [Rule("users", "ssn", "null"), Rule("orders", "notes", "shred")]
    once = edit_rules_text(text, add, remove)
    assert once != text
    assert edit_rules_text(once, add, remove) == once


@pytest.mark.parametrize(
    ("before", "add", "remove", "after"),
    [
        pytest.param(
            '{\n    "version": 1,\n    "rules": []\n}\n',
            [Rule("users", "email", "fake_email")],
            [],
            '{\n    "version": 1,\n    "rules": [\n'
            '        {"table": "users", "column": "email", "strategy": "fake_email"}\n'
            "    ]\n}\n",
            id="empty array in a 4-space file",
        ),
        pytest.param(
            '{\n\t"version": 1,\n\t"rules": [ ]\n}',
            [Rule("a", "b", "null")],
            [],
            '{\n\t"version": 1,\n\t"rules": [\n'
            '\t\t{"table": "a", "column": "b", "strategy": "null"}\n'
            "\t]\n}",
            id="empty array in a tab file without final newline",
        ),
        pytest.param(
            '{"version": 1, "rules": []}\n',
            [Rule("b", "x", "null"), Rule("a", "y", "hash")],
            [],
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "b", "column": "x", "strategy": "null"},\n'
            '    {"table": "a", "column": "y", "strategy": "hash"}\n'
            "  ]\n}\n",
            id="the one-liner the docs suggest gets a proper layout",
        ),
        pytest.param(
            '{"version":1,"rules":[{"column":"c","table":"t","strategy":"null"}]}',
            [Rule("t", "d", "static", value=0)],
            [],
            '{"version":1,"rules":[{"column":"c","table":"t","strategy":"null"},'
            '{"column":"d","table":"t","strategy":"static","value":0}]}',
            id="minified file stays minified, key order copied",
        ),
        pytest.param(
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "x", "strategy": "null"},\n'
            '    {"table": "a", "column": "y", "strategy": "null"},\n\n'
            '    {"table": "b", "column": "z", "strategy": "null"}\n'
            "  ]\n}\n",
            [Rule("a", "w", "hash")],
            [Rule("a", "x", "null")],
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "w", "strategy": "hash"},\n'
            '    {"table": "a", "column": "y", "strategy": "null"},\n\n'
            '    {"table": "b", "column": "z", "strategy": "null"}\n'
            "  ]\n}\n",
            id="blank line between table groups survives",
        ),
        pytest.param(
            # A file kept sorted by (table, column) stays sorted: a.b goes between a.a and a.c,
            # and a table that sorts first goes first.
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "b", "column": "a", "strategy": "null"},\n'
            '    {"table": "b", "column": "c", "strategy": "null"}\n'
            "  ]\n}\n",
            [Rule("b", "b", "null"), Rule("a", "z", "null")],
            [],
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "z", "strategy": "null"},\n'
            '    {"table": "b", "column": "a", "strategy": "null"},\n'
            '    {"table": "b", "column": "b", "strategy": "null"},\n'
            '    {"table": "b", "column": "c", "strategy": "null"}\n'
            "  ]\n}\n",
            id="sorted file stays sorted",
        ),
        pytest.param(
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "x", "strategy": "hash"},\n'
            '    {"table": "b", "column": "z", "strategy": "null"}\n'
            "  ]\n}\n",
            [Rule("a", "x", "null")],
            [Rule("a", "x", "hash")],
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "x", "strategy": "null"},\n'
            '    {"table": "b", "column": "z", "strategy": "null"}\n'
            "  ]\n}\n",
            id="replacing a weak strategy keeps the entry's place",
        ),
        pytest.param(
            '{\n  "$schema": "./schema.json",\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "x", "strategy": "null", "note": "d\\u00e9j\\u00e0"}\n'
            "  ]\n}\n",
            [Rule("a", "é", "static", value={"k": [1, 2]})],
            [],
            '{\n  "$schema": "./schema.json",\n  "version": 1,\n  "rules": [\n'
            '    {"table": "a", "column": "x", "strategy": "null", "note": "d\\u00e9j\\u00e0"},\n'
            '    {"table": "a", "column": "é", "strategy": "static", "value": {"k": [1, 2]}}\n'
            "  ]\n}\n",
            id="escapes and other keys untouched, structured value written as JSON",
        ),
        pytest.param(
            '{\r\n  "version": 1,\r\n  "rules": [\r\n'
            '    {"table": "a", "column": "x", "strategy": "null"}\r\n  ]\r\n}\r\n',
            [Rule("a", "y", "null")],
            [],
            '{\r\n  "version": 1,\r\n  "rules": [\r\n'
            '    {"table": "a", "column": "x", "strategy": "null"},\r\n'
            '    {"table": "a", "column": "y", "strategy": "null"}\r\n  ]\r\n}\r\n',
            id="CRLF line endings kept",
        ),
        pytest.param(
            '{\r\n  "version": 1,\r\n  "rules": []\r\n}\r\n',
            [Rule("a", "y", "null")],
            [],
            '{\r\n  "version": 1,\r\n  "rules": [\r\n'
            '    {"table": "a", "column": "y", "strategy": "null"}\r\n  ]\r\n}\r\n',
            id="CRLF empty array",
        ),
    ],
)
def test_edits(before: str, add: list[Rule], remove: list[Rule], after: str) -> None:
    assert edit_rules_text(before, add, remove) == after


@pytest.mark.parametrize(
    ("add", "expected"),
    [
        pytest.param([], '{\n  "version": 1,\n  "rules": []\n}\n', id="no rules"),
        pytest.param(
            [Rule("users", "email", "fake_email"), Rule("conn", "secret", "null"),
             Rule("users", "phone", "fake_phone"), Rule("users", "email", "hash")],
            '{\n  "version": 1,\n  "rules": [\n'
            '    {"table": "users", "column": "email", "strategy": "fake_email"},\n'
            '    {"table": "users", "column": "phone", "strategy": "fake_phone"},\n'
            '    {"table": "conn", "column": "secret", "strategy": "null"}\n'
            "  ]\n}\n",
            id="grouped by table, first suggestion per key wins",
        ),
    ],
)
def test_fresh_file(add: list[Rule], expected: str) -> None:
    assert edit_rules_text(None, add, []) == expected
    assert parse_rules(expected, "masking_rules.json").errors == ()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            '{\n  "version": 1,\n  "rules": [\n    {"table": "a",}\n  ]\n}\n',
            "config/rules.json:4: cannot edit: invalid JSON: trailing comma (JSON allows none); "
            "remove this ',' (col 18); fix the file by hand first, `reviewer check` lists "
            "every problem",
            id="syntax error",
        ),
        pytest.param(
            "[]",
            'config/rules.json:1: cannot edit: the rules file must be a JSON object like '
            '{"version": 1, "rules": []}',
            id="not an object",
        ),
        pytest.param(
            '{\n  "version": 1,\n  "rules": {}\n}',
            'config/rules.json:3: cannot edit: the file has no "rules" array; '
            'add "rules": [] by hand first',
            id="rules not an array",
        ),
    ],
)
def test_refuses_to_rewrite_a_broken_file(text: str, message: str) -> None:
    with pytest.raises(UsageError) as caught:
        edit_rules_text(text, [Rule("a", "b", "null")], [], path="config/rules.json")
    assert str(caught.value) == message


def test_unified_diff_exact_patch() -> None:
    old = '{\n  "version": 1,\n  "rules": []\n}'
    new = edit_rules_text(old, [Rule("a", "b", "null")], [])
    assert unified_diff("masking_rules.json", old, new) == (
        "--- a/masking_rules.json\n"
        "+++ b/masking_rules.json\n"
        "@@ -1,4 +1,6 @@\n"
        " {\n"
        '   "version": 1,\n'
        '-  "rules": []\n'
        '+  "rules": [\n'
        '+    {"table": "a", "column": "b", "strategy": "null"}\n'
        "+  ]\n"
        " }\n"
        "\\ No newline at end of file\n"
    )
    assert unified_diff("masking_rules.json", new, new) == ""


@pytest.mark.parametrize(
    ("old", "exists"),
    [
        pytest.param(_file(BASE, indent="  ", multiline=True, newline=False), True, id="edit"),
        pytest.param("", False, id="create"),
    ],
)
def test_dry_run_patch_applies_with_git(tmp_path: Path, old: str, exists: bool) -> None:
    repo = make_repo(tmp_path / "repo")
    path = "db/masking_rules.json"
    if exists:
        repo.write(path, old)
    new = edit_rules_text(old if exists else None, [Rule("users", "token", "null")],
                          [Rule("orders", "notes", "shred")])
    (tmp_path / "fix.patch").write_text(unified_diff(path, old, new), encoding="utf-8")
    repo.git("apply", str(tmp_path / "fix.patch"))
    assert (repo.root / path).read_text(encoding="utf-8") == new

"""Loading masking_rules.json: every problem at its exact line and column, good rules kept."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from reviewer.json_positions import JsonArray, JsonObject, decode_with_positions, plain
from reviewer.rules import load_rules, parse_rules, schema
from reviewer.sources import GitTree, MemoryTree, WorktreeTree
from reviewer.strategies import STRATEGIES
from reviewer.types import Rule, RulesError, RulesFile
from tests.gitrepo import isolate_git, make_repo

PATH = "masking_rules.json"

REALISTIC = """{
  "$schema": "./masking_rules.schema.json",
  "version": 1,
  "rules": [
    {"table": "users", "column": "email", "strategy": "fake_email"},
    {"table": "users", "column": "password_hash", "strategy": "null"},
    {
      "table": "salesforce_connections",
      "column": "client_secret",
      "strategy": "static",
      "value": "REDACTED"
    },
    {"table": "audit_log", "column": "actor_ip", "strategy": "keep",
     "note": "internal 10.x addresses only"}
  ]
}
"""


def test_valid_file_gives_rules_with_their_lines() -> None:
    assert parse_rules(REALISTIC, PATH) == RulesFile(
        path=PATH,
        rules=(
            Rule("users", "email", "fake_email", line=5),
            Rule("users", "password_hash", "null", line=6),
            Rule("salesforce_connections", "client_secret", "static", value="REDACTED", line=7),
            Rule("audit_log", "actor_ip", "keep", note="internal 10.x addresses only", line=13),
        ),
    )


def _rules(*entries: str) -> str:
    """Entry N ends up on line N + 3, indented by four spaces."""
    return '{\n  "version": 1,\n  "rules": [\n    ' + ",\n    ".join(entries) + "\n  ]\n}\n"


OK = '{"table": "users", "column": "email", "strategy": "null"}'


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "",
            [(1, 1, r'^the file is empty; start it with \{"version": 1, "rules": \[\]\}$')],
            id="empty file",
        ),
        pytest.param(
            '{"version": 1, "rules": [\n  {"table": "a", "column": "b", "strategy": "null"},\n]}',
            # The same message and position on every Python (3.13 words this one differently).
            [(2, 52, r"^invalid JSON: trailing comma \(JSON allows none\); remove this ','$")],
            id="trailing comma points at the comma",
        ),
        pytest.param(
            '{"version": 1, "rules": [\n  {"table": "a" "column": "b"}\n]}',
            [(2, 17, r"^invalid JSON: Expecting ',' delimiter$")],
            id="missing comma: decoder position",
        ),
        pytest.param(
            '{"version": 1, "rules": []} {}',
            [(1, 29, r"^invalid JSON: Extra data$")],
            id="two documents",
        ),
        pytest.param(
            "[]",
            [(1, 1, r'^the rules file must be a JSON object like \{"version": 1, .*not array$')],
            id="top level not an object",
        ),
        pytest.param(
            '{"version": 1}',
            [(1, 1, r'^missing the "rules" array at the top level$')],
            id="rules missing",
        ),
        pytest.param(
            '{"rules": []}',
            [(1, 1, r'^missing "version": 1 at the top level$')],
            id="version missing",
        ),
        pytest.param(
            '{"version": 2, "rules": []}',
            [(1, 13, r'^unsupported version 2; this reviewer reads "version": 1$')],
            id="wrong version",
        ),
        pytest.param(
            '{"version": "1", "rules": []}',
            [(1, 13, r'^unsupported version "1"; this reviewer reads "version": 1$')],
            id="version as a string",
        ),
        pytest.param(
            '{"version": 1,\n "rules": [],\n "rule": []}',
            [(3, 2, r"^unknown key 'rule'; did you mean 'rules'\? "
                    r"Allowed keys: \$schema, version, rules$")],
            id="unknown top-level key at the key",
        ),
        pytest.param(
            '{"version": 1, "rules": {}}',
            [(1, 25, r'^"rules" must be an array of entries, not object$')],
            id="rules not an array",
        ),
        pytest.param(
            _rules(OK, '{"table": "invoices", "column": "notes", "strategy": "nul"}'),
            [(5, 58, r"^rule #2 \(invoices\.notes\): unknown strategy 'nul'; "
                     r"did you mean 'null'\? Known: null, empty, static, .*, keep$")],
            id="unknown strategy with did-you-mean",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "scramble"}'),
            [(4, 47, r"^rule #1 \(t\.c\): unknown strategy 'scramble'; known: null, empty, ")],
            id="unknown strategy without a close match",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": 0}'),
            [(4, 47, r"^rule #1 \(t\.c\): 'strategy' must be a string naming a strategy, "
                     r"not number; known: null, ")],
            id="strategy of the wrong type",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "null", "strategey": "x"}'),
            [(4, 55, r"^rule #1 \(t\.c\): unknown key 'strategey'; did you mean 'strategy'\? "
                     r"Allowed keys: table, column, strategy, value, note$")],
            id="unknown entry key at the key",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c"}'),
            [(4, 5, r"^rule #1 \(t\.c\): missing required key 'strategy'$")],
            id="missing strategy at the entry",
        ),
        pytest.param(
            _rules('{"table": "t", "column": 7, "strategy": "null"}'),
            [(4, 30, r"^rule #1: 'column' must be a string, not number$")],
            id="wrong type at the value",
        ),
        pytest.param(
            _rules('{"table": "", "column": "c", "strategy": "null"}'),
            [(4, 15, r"^rule #1 \(\.c\): 'table' must not be empty$")],
            id="empty table",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "  ", "strategy": "null"}'),
            [(4, 30, r"^rule #1 \(t\.  \): 'column' must not be empty$")],
            id="blank column",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "keep"}'),
            [(4, 5, r"^rule #1 \(t\.c\): strategy 'keep' needs a non-empty 'note' saying why")],
            id="keep without note",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "keep", "note": " "}'),
            [(4, 63, r"^rule #1 \(t\.c\): strategy 'keep' needs a non-empty 'note'")],
            id="keep with a blank note",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "static"}'),
            [(4, 5, r"^rule #1 \(t\.c\): strategy 'static' needs a 'value': the placeholder")],
            id="static without value",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "static", "value": null}'),
            [(4, 66, r"^rule #1 \(t\.c\): 'value' must not be null; use strategy 'null'")],
            id="static with a null value",
        ),
        pytest.param(
            _rules('"users.email"'),
            [(4, 5, r'^rule #1: must be an object like \{"table": "\.\.\.", .*not string$')],
            id="entry not an object",
        ),
        pytest.param(
            _rules(OK, OK.replace("email", "name"), OK.replace("null", "hash")),
            [(6, 5, r"^rule #3 \(users\.email\): duplicate of rule #1 on line 4; keep one")],
            id="duplicate table and column at the second occurrence",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "null", "strategy": "keep"}'),
            [
                (4, 5, r"^rule #1 \(t\.c\): strategy 'keep' needs a non-empty 'note'"),
                (4, 55, r"^rule #1 \(t\.c\): key 'strategy' appears twice "
                        r"\(first at line 4, col 35\); JSON keeps only the last one"),
            ],
            id="duplicate key inside an entry",
        ),
        pytest.param(
            _rules(
                '{"table": "a", "column": "b", "strategy": "nul"}',
                '{"table": "a", "column": "c", "strategy": "keep", "colour": 1}',
            ),
            [
                (4, 47, r"^rule #1 \(a\.b\): unknown strategy 'nul'"),
                (5, 5, r"^rule #2 \(a\.c\): strategy 'keep' needs a non-empty 'note'"),
                (5, 55, r"^rule #2 \(a\.c\): unknown key 'colour'"),
            ],
            id="every problem reported, in file order",
        ),
        pytest.param(
            '{"version": 3, "rules": [\n  {"table": "a", "column": "b", "strategy": "hash "}\n]}',
            [
                (1, 13, r'^unsupported version 3; this reviewer reads "version": 1$'),
                (2, 45, r"^rule #1 \(a\.b\): unknown strategy 'hash '; did you mean 'hash'\?"),
            ],
            id="top-level and entry problems together",
        ),
        pytest.param(
            _rules('{"table": "t", "column": "c", "strategy": "static", "value": -Infinity}'),
            [(4, 66, r"^rule #1 \(t\.c\): -Infinity is not valid JSON; write a number or")],
            id="non-standard constant",
        ),
    ],
)
def test_errors_name_line_col_and_entry(text: str, expected: list[tuple[int, int, str]]) -> None:
    result = parse_rules(text, PATH)
    assert [(e.line, e.col) for e in result.errors] == [(line, col) for line, col, _ in expected]
    for error, (_, _, pattern) in zip(result.errors, expected, strict=True):
        assert re.search(pattern, error.message), error.message
    assert all(e.path == PATH for e in result.errors)


def test_good_entries_survive_broken_ones() -> None:
    text = _rules(
        OK,
        '{"table": "users", "column": "ssn", "strategy": "nul"}',
        '{"table": "users", "column": "phone", "strategy": "fake_phone"}',
        OK.replace("null", "hash"),
    )
    result = parse_rules(text, PATH)
    assert result.rules == (
        Rule("users", "email", "null", line=4),
        Rule("users", "phone", "fake_phone", line=6),
    )
    assert [(e.line, e.col) for e in result.errors] == [(5, 53), (7, 5)]


def test_missing_file_is_an_error_that_says_how_to_create_it() -> None:
    result = load_rules(MemoryTree({}, label="abc123"), "config/rules.json")
    assert result.exists is False
    assert result.rules == ()
    assert result.errors == (
        RulesError(
            "config/rules.json",
            1,
            1,
            'config/rules.json not found in abc123: create it with {"version": 1, "rules": []} '
            "(or run `reviewer fix`), or point `rules` in [tool.masking-reviewer] at your "
            "rules file",
        ),
    )


def test_load_from_a_commit_and_the_worktree(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The gate reads the rules from the PR head through git, not from disk.
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "repo")
    repo.write(PATH, REALISTIC)
    sha = repo.commit("rules")
    repo.write(PATH, "{broken")
    committed = load_rules(GitTree(repo.root, sha), PATH)
    on_disk = load_rules(WorktreeTree(repo.root), PATH)
    assert [r.key for r in committed.rules] == [
        ("users", "email"),
        ("users", "password_hash"),
        ("salesforce_connections", "client_secret"),
        ("audit_log", "actor_ip"),
    ]
    assert committed.errors == ()
    assert [(e.line, e.col) for e in on_disk.errors] == [(1, 2)]
    assert on_disk.errors[0].message.startswith("invalid JSON: Expecting property name")


def test_byte_order_mark_is_accepted_and_positions_stay_true() -> None:
    text = "\ufeff" + _rules('{"table": "t", "column": "c", "strategy": "nul"}')
    result = parse_rules(text, PATH)
    assert [(e.line, e.col) for e in result.errors] == [(4, 47)]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(REALISTIC, id="realistic"),
        pytest.param('{"a": [1, 2.5, -3e2, true, false, null, "x\\"y", {}, []]}', id="scalars"),
        pytest.param(
            '{"k\\u00e9y": {"n": {"m": ["\\ud83d\\ude00"]}}, "k\\u00e9y": 1}', id="nested"
        ),
        pytest.param(' \n\t"just a string"\n', id="top-level scalar"),
    ],
)
def test_positioned_decode_agrees_with_json_loads(text: str) -> None:
    assert plain(decode_with_positions(text)) == json.loads(text)


def test_positions_point_at_keys_and_values() -> None:
    text = '{ "a" : 1 ,\n  "bb":[ {"c": "d"} ] }'
    root = decode_with_positions(text)

    assert isinstance(root, JsonObject)
    assert [(m.key, m.key_start, m.value.start, m.value.end) for m in root.members] == [
        ("a", 2, 8, 9),
        ("bb", 14, 19, 33),
    ]
    array = root.members[1].value
    assert isinstance(array, JsonArray)
    assert text[array.items[0].start : array.items[0].end] == '{"c": "d"}'


def test_schema_enum_is_the_strategy_vocabulary() -> None:
    # The shipped schema is static JSON for editors; this keeps it from drifting.
    rule = schema()["$defs"]["rule"]  # type: ignore[index]
    assert rule["properties"]["strategy"]["enum"] == list(STRATEGIES)


def test_schema_is_valid_draft_2020_12_and_accepts_the_realistic_file() -> None:
    shipped = schema()
    jsonschema.Draft202012Validator.check_schema(shipped)
    assert shipped["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator(shipped).validate(json.loads(REALISTIC))


def test_schema_name_constraints_are_what_the_shape_cache_assumes() -> None:
    # parse_rules caches entry verdicts by shape, treating every non-blank name alike; a new
    # constraint on names (a pattern, a max length) must come with a change to that cache.
    fields = schema()["$defs"]["rule"]["properties"]  # type: ignore[index]
    name = {"type": "string", "minLength": 1, "pattern": "\\S"}
    assert (fields["table"], fields["column"], fields["note"]) == (name, name, {"type": "string"})


def test_schema_returns_a_fresh_copy() -> None:
    first = schema()
    first["type"] = "array"
    assert schema()["type"] == "object"

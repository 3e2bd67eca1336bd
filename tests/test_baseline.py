from __future__ import annotations

import re
from dataclasses import replace

import pytest

from reviewer.baseline import (
    BASELINE_FILE,
    Baseline,
    apply_baseline,
    dump_baseline,
    entry_for,
    load_baseline,
    prune_baseline,
    write_baseline,
)
from reviewer.errors import UsageError
from reviewer.sources import MemoryTree
from reviewer.types import Finding

MISSING = Finding(
    "MR001",
    "error",
    "NetSuiteConnection.client_secret is labelled PRIVATE but has no masking rule",
    "models/connections.py",
    12,
    table="netsuite_connections",
    column="client_secret",
)
STALE = Finding(
    "MR002",
    "error",
    "rule users.emial names a column that does not exist",
    "masking_rules.json",
    7,
    table="users",
    column="emial",
)
WARNING = Finding(
    "MR003", "warning", "api_token looks like a credential", "models/a.py", 3,
    table="a", column="api_token",
)  # fmt: skip
BLIND = Finding("MR007", "error", "cannot parse models/broken.py", "models/broken.py", 1)
AI = replace(MISSING, code="MR004", source="ai")

# Hard-coded on purpose: if the fingerprint recipe changes, every baseline file in the
# wild stops matching, and that must be a deliberate, visible decision.
EXPECTED_JSON = """\
{
  "version": 1,
  "entries": [
    {
      "fingerprint": "21eb2877d4612941",
      "code": "MR002",
      "path": "masking_rules.json",
      "table": "users",
      "column": "emial",
      "message": "rule users.emial names a column that does not exist"
    },
    {
      "fingerprint": "ddd0f6d1f2c8a580",
      "code": "MR001",
      "path": "models/connections.py",
      "table": "netsuite_connections",
      "column": "client_secret",
      "message": "NetSuiteConnection.client_secret is labelled PRIVATE but has no masking rule"
    }
  ]
}
"""
PRUNED_JSON = """\
{
  "version": 1,
  "entries": [
    {
      "fingerprint": "ddd0f6d1f2c8a580",
      "code": "MR001",
      "path": "models/connections.py",
      "table": "netsuite_connections",
      "column": "client_secret",
      "message": "NetSuiteConnection.client_secret is labelled PRIVATE but has no masking rule"
    }
  ]
}
"""


def test_round_trip() -> None:
    moved = replace(MISSING, line=40)  # same finding after the model moved down the file

    text = write_baseline([MISSING, WARNING, BLIND, AI, STALE, moved])
    assert text == EXPECTED_JSON

    baseline = load_baseline(MemoryTree({BASELINE_FILE: text}), BASELINE_FILE)
    assert [e.fingerprint for e in baseline.entries] == ["21eb2877d4612941", "ddd0f6d1f2c8a580"]

    new_gap = replace(MISSING, table="stripe_accounts", column="secret_key")
    applied = apply_baseline([moved, STALE, WARNING, BLIND, new_gap], baseline)
    assert [f.baselined for f in applied] == [True, True, False, False, False]
    assert applied[0] == replace(moved, baselined=True)

    # the stale rule was fixed: its entry goes, the rest stays byte-for-byte
    pruned = prune_baseline(baseline, [moved, WARNING, new_gap])
    assert pruned == Baseline((baseline.entries[1],))
    assert dump_baseline(pruned) == write_baseline([moved]) == PRUNED_JSON


NEVER = [
    pytest.param(BLIND, id="MR007 unreadable model"),
    pytest.param(
        Finding("MR006", "error", "masking_rules.json is not valid JSON", "masking_rules.json", 3),
        id="MR006 broken rules file",
    ),
    pytest.param(WARNING, id="warnings never block"),
    pytest.param(AI, id="AI findings never decide the gate"),
]


@pytest.mark.parametrize("finding", NEVER)
def test_never_baselined(finding: Finding) -> None:
    assert write_baseline([finding]) == '{\n  "version": 1,\n  "entries": []\n}\n'
    # even a hand-edited entry cannot switch these off
    smuggled = Baseline((entry_for(finding),))
    assert apply_baseline([finding], smuggled) == (finding,)


def test_missing_file_is_empty() -> None:
    assert load_baseline(MemoryTree({}), BASELINE_FILE) == Baseline(())


ENTRY = (
    '{"fingerprint": "ddd0f6d1f2c8a580", "code": "MR001", "path": "m.py", '
    '"table": "t", "column": "c", "message": "m"}'
)
FIX = "regenerate it with `reviewer baseline` (default file: .masking-reviewer-baseline.json)"
BAD = [
    pytest.param(
        '{\n  "version": 1,\n  "entries": [\n    {"code": }\n  ]\n}\n',
        "b.json:4: not valid JSON: Expecting value; " + FIX,
        id="not JSON",
    ),
    pytest.param("[]\n", "b.json:1: must be a JSON object; " + FIX, id="top level list"),
    pytest.param(
        '{"version": 2, "entries": []}',
        "b.json:1: unsupported version 2 (expected 1); " + FIX,
        id="future version",
    ),
    pytest.param(
        '{"version": 1, "entries": {}}', "b.json:1: 'entries' must be a list; " + FIX,
        id="entries not a list",
    ),
    pytest.param(
        '{"version": 1, "entries": [], "extra": 1}', "b.json:1: unknown key 'extra'; " + FIX,
        id="unknown top-level key",
    ),
    pytest.param(
        '{\n  "version": 1,\n  "entries": [\n    ' + ENTRY + ',\n    "oops"\n  ]\n}\n',
        "b.json:5: entry 2 must be an object; " + FIX,
        id="entry not an object names its line",
    ),
    pytest.param(
        '{"version": 1,\n "entries": [\n' + ENTRY.replace('"code": "MR001", ', "") + "]}",
        "b.json:3: entry 1 is missing 'code'; " + FIX,
        id="missing key",
    ),
    pytest.param(
        '{"version": 1, "entries": [' + ENTRY.replace('"m.py"', '""') + "]}",
        "b.json:1: entry 1: 'path' must be a non-empty string; " + FIX,
        id="empty path",
    ),
    pytest.param(
        '{"version": 1, "entries": [' + ENTRY.replace('"t"', "3") + "]}",
        "b.json:1: entry 1: 'table' must be a non-empty string or null; " + FIX,
        id="table of the wrong type",
    ),
    pytest.param(
        '{"version": 1, "entries": [' + ENTRY.replace("}", ', "line": 3}') + "]}",
        "b.json:1: entry 1 has unknown key 'line'; " + FIX,
        id="unknown entry key",
    ),
    pytest.param(
        '{"version": 1, "entries": [\n\n' + ENTRY.replace("MR001", "MR007") + "]}",
        "b.json:3: entry 1: MR007 findings cannot be baselined (the gate cannot see past "
        "them); delete this entry and fix the cause",
        id="MR007 entry is refused",
    ),
]


@pytest.mark.parametrize(("text", "message"), BAD)
def test_malformed_baseline(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=f"^{re.escape(message)}$"):
        load_baseline(MemoryTree({"b.json": text}), "b.json")


def test_null_table_and_column_load() -> None:
    text = write_baseline([replace(MISSING, table=None, column=None)])

    loaded = load_baseline(MemoryTree({"b.json": text}), "b.json")

    assert [(e.table, e.column) for e in loaded.entries] == [(None, None)]
    assert '"table": null' in text

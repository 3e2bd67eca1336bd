"""Property-based fuzzing of every reader of PR-controlled text: the rules parser, the config
loader, the scanner and the diff reader. The property is the same for all four: a positioned
finding or error, never an exception.

Inputs are built from the shapes real files have (JSON entries, TOML keys, model classes,
diff hunks) and then damaged: characters dropped, duplicated or swapped, bytes that are not
UTF-8, nesting, control characters. Example counts stay modest (two shared cores).
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviewer.config import load_config
from reviewer.errors import UsageError
from reviewer.files import decode
from reviewer.gitdiff import parse_diff
from reviewer.rules import load_rules
from reviewer.scanner import scan_source
from reviewer.sources import MemoryTree
from reviewer.strategies import STRATEGIES

FUZZ = settings(max_examples=500, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.too_slow])
SLOW_FUZZ = settings(max_examples=200, deadline=None, derandomize=True,
                     suppress_health_check=[HealthCheck.too_slow])

NASTY = st.sampled_from([
    "\x00", "\r", "\n", "\r\n", "\ufeff", "\u2028", "\udce9", "\ud800", "\\", '"', "'", "{",
    "}", "[", "]", ",", ":", "=", "#", "::warning::x", "é", " " * 3, "\t",
    "\U0001d530\U0001d530\U0001d52b",  # fraktur "ssn": NFKC folds it to ASCII
])


@st.composite
def damaged(draw: st.DrawFn, base: str) -> str:
    """``base`` with a few edits: deletions, duplications and nasty insertions."""
    text = base
    for _ in range(draw(st.integers(0, 4))):
        if not text:
            break
        i = draw(st.integers(0, len(text) - 1))
        j = draw(st.integers(i, min(len(text), i + 8)))
        action = draw(st.sampled_from(["drop", "dup", "insert", "nest"]))
        if action == "drop":
            text = text[:i] + text[j:]
        elif action == "dup":
            text = text[:j] + text[i:j] + text[j:]
        elif action == "insert":
            text = text[:i] + draw(NASTY) + text[i:]
        else:
            depth = draw(st.integers(1, 400))
            text = text[:i] + "[" * depth + text[i:]
    return text


def _positioned(line: int, col: int | None = None) -> bool:
    return line >= 1 and (col is None or col >= 1)


# --- rules -------------------------------------------------------------------------------

NAMES = st.text(max_size=12) | st.sampled_from(["users", "email", "", " ", "a\nb", "\ud800"])
SCALARS = st.none() | st.booleans() | st.integers() | st.floats() | NAMES
ENTRY = st.fixed_dictionaries(
    {"table": NAMES, "column": NAMES, "strategy": st.sampled_from([*STRATEGIES, "nope"]) | SCALARS},
    optional={"value": SCALARS, "note": NAMES, "extra": SCALARS},
)
DOCUMENT = st.fixed_dictionaries(
    {"version": st.sampled_from([1, 2, "1"]) | SCALARS,
     "rules": st.lists(ENTRY, max_size=6) | SCALARS},
    optional={"$schema": NAMES, "other": SCALARS},
)


@st.composite
def rules_texts(draw: st.DrawFn) -> str:
    doc = draw(DOCUMENT)
    indent = draw(st.sampled_from([None, 2]))
    text = json.dumps(doc, indent=indent, ensure_ascii=draw(st.booleans()), allow_nan=True)
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    return str(draw(damaged(text)))


@FUZZ
@given(text=rules_texts() | st.text(max_size=200) | st.binary(max_size=200).map(decode))
def test_rules_parser_positions_every_problem(text: str) -> None:
    parsed = load_rules(MemoryTree({"masking_rules.json": text}), "masking_rules.json")
    lines = text.count("\n") + 1
    for e in parsed.errors:
        assert _positioned(e.line, e.col) and e.line <= lines + 1, e
        assert e.message and e.path == "masking_rules.json"
    for r in parsed.rules:
        assert _positioned(r.line)


# --- config ------------------------------------------------------------------------------

TOML_VALUES = st.sampled_from([
    '["app/**/*.py"]', '"masking_rules.json"', '"../x.json"', '"/etc/passwd"', "true", "1",
    '"error"', '"never"', '["ColumnVisibility.PRIVATE"]', "[]", '{MR001 = "warning"}',
    '"a\\nb"', "[[[1]]]", '"\\ud800"', "'literal'",
])
TOML_KEYS = st.sampled_from([
    "models", "rules", "labels", "table-naming", "fail-on", "ai", "model", "baseline",
    "severity", "ignore-names", "unknown", "exemptions",
])


@st.composite
def config_texts(draw: st.DrawFn) -> str:
    lines = [f"{draw(TOML_KEYS)} = {draw(TOML_VALUES)}" for _ in range(draw(st.integers(0, 5)))]
    if draw(st.booleans()):
        lines += ["[[exemptions]]", 'table = "users"', 'column = "email"',
                  f"reason = {draw(TOML_VALUES)}"]
    return str(draw(damaged("\n".join(lines) + "\n")))


@FUZZ
@given(text=config_texts() | st.text(max_size=200) | st.binary(max_size=100).map(decode))
def test_config_loader_is_a_config_or_a_positioned_usage_error(text: str) -> None:
    tree = MemoryTree({".masking-reviewer.toml": text})
    try:
        load_config("/repo", tree)
    except UsageError as exc:
        assert exc.path == ".masking-reviewer.toml"
        assert exc.line is None or exc.line >= 1
        assert exc.message


# --- scanner -----------------------------------------------------------------------------

MODEL = '''\
# -*- coding: utf-8 -*-
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base, Mapped, mapped_column

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String, info={"visibility": ColumnVisibility.PRIVATE})
    name: Mapped[str] = mapped_column(String(64), info=PRIVATE_INFO)

    def f(self):
        return [x for x in (1, 2) if x]
'''


@SLOW_FUZZ
@given(text=damaged(MODEL) | st.text(max_size=120) | st.binary(max_size=120).map(decode))
def test_scanner_positions_every_error(text: str) -> None:
    facts = scan_source(text, ("ColumnVisibility.PRIVATE",))
    lines = text.count("\n") + 2
    for line, message in facts.errors:
        assert 1 <= line <= lines and message, (line, message)


# --- diff reader -------------------------------------------------------------------------

DIFF = """\
diff --git a/app/models.py b/app/models.py
index 83db48f..bf269f4 100644
--- a/app/models.py
+++ b/app/models.py
@@ -1,3 +1,4 @@ class User(Base):
 import x
-old = 1
+new = 2
+email = Column(String)
 tail
diff --git a/app/new file.py b/app/new file.py
new file mode 100644
index 0000000..e69de29
--- /dev/null
+++ b/app/new file.py
@@ -0,0 +1 @@
+x = 1
"""


@FUZZ
@given(text=damaged(DIFF) | st.text(max_size=150))
def test_diff_reader_is_an_index_or_a_usage_error(text: str) -> None:
    try:
        index = parse_diff(text)
    except UsageError as exc:
        assert exc.message
        return
    for f in index.files:
        assert all(n >= 0 for n in f.added | f.removed)

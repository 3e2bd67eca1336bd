"""Loading ``masking_rules.json`` with the exact line and column of every problem.

The file is decoded with the position of every node (``reviewer.json_positions``); the
shipped JSON Schema then validates the
plain data, and each schema error is mapped back to a position through its JSON path.
Loading never raises for content problems: every problem becomes a ``RulesError``, and the
entries that are fine are still returned so the gate can report everything in one run.
"""

from __future__ import annotations

import hashlib
import json
import json.decoder
import json.scanner
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, fields
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from reviewer.constants import RULES_SCHEMA_VERSION
from reviewer.files import UnreadableFile, encoding_problem
from reviewer.json_positions import (
    JsonArray,
    JsonObject,
    JsonValue,
    LineIndex,
    decode_with_positions,
    line_col,
    plain,
)
from reviewer.sources import SourceTree
from reviewer.strategies import STRATEGIES
from reviewer.types import Rule, RulesError, RulesFile

if TYPE_CHECKING:
    from jsonschema.exceptions import ValidationError
    from jsonschema.protocols import Validator

SCHEMA_RESOURCE = "schemas/masking_rules.schema.json"
EMPTY_RULES_FILE = '{"version": 1, "rules": []}'
TOP_KEYS = ("$schema", "version", "rules")
RULE_KEYS = ("table", "column", "strategy", "value", "note")

# --- the schema ---------------------------------------------------------------------------


@cache
def _schema_text() -> str:
    return resources.files("reviewer").joinpath(SCHEMA_RESOURCE).read_text(encoding="utf-8")


def schema() -> dict[str, object]:
    """The shipped JSON Schema (Draft 2020-12) for ``masking_rules.json``; a fresh copy."""
    loaded: dict[str, object] = json.loads(_schema_text())
    return loaded


@cache
def _validator() -> Validator:
    from jsonschema import Draft202012Validator  # lazy: only paid when there is a file

    return Draft202012Validator(schema())


# --- messages -----------------------------------------------------------------------------


def _unknown(what: str, word: str, choices: Sequence[str], listing: str) -> str:
    """``unknown key 'x'; did you mean 'y'? Allowed keys: ...`` (the hint only when close)."""
    import difflib  # only for a message about an unknown word

    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    options = ", ".join(choices)
    if close:
        return f"unknown {what}; did you mean {close[0]!r}? {listing.capitalize()}: {options}"
    return f"unknown {what}; {listing}: {options}"


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _show(value: object) -> str:
    shown = json.dumps(value, ensure_ascii=False)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def _known_strategies() -> str:
    return ", ".join(STRATEGIES)


@dataclass(frozen=True, slots=True)
class _Problem:
    offset: int
    message: str
    entry: int | None  # index into "rules" when the problem is inside one entry


class _Checker:
    def __init__(self, text: str, path: str, root: JsonValue) -> None:
        self.text = text
        self.path = path
        self.root = root
        self.problems: list[_Problem] = []
        self.position = LineIndex(text)

    def line(self, offset: int) -> int:
        return self.position(offset)[0]

    def entry_name(self, index: int) -> str:
        node = self._rules_items()[index]
        key = _rule_key(node) if isinstance(node, JsonObject) else None
        return f"rule #{index + 1} ({key[0]}.{key[1]})" if key else f"rule #{index + 1}"

    def _rules_items(self) -> tuple[JsonValue, ...]:
        if isinstance(self.root, JsonObject):
            member = self.root.get("rules")
            if member and isinstance(member.value, JsonArray):
                return member.value.items
        return ()

    def add(self, offset: int, message: str, entry: int | None) -> None:
        where = "" if entry is None else f"{self.entry_name(entry)}: "
        self.problems.append(_Problem(offset, where + message, entry))

    def find(self, path: Sequence[str | int]) -> JsonValue:
        node = self.root
        for step in path:
            if isinstance(node, JsonObject) and isinstance(step, str):
                member = node.get(step)
                if member is None:
                    break
                node = member.value
            elif isinstance(node, JsonArray) and isinstance(step, int):
                node = node.items[step]
            else:
                break
        return node

    # Duplicate keys and NaN are invisible to the schema (the decoder hides them), so look here.
    def check_duplicate_keys(self) -> None:
        def walk(node: JsonValue, entry: int | None, in_rules: bool) -> None:
            if isinstance(node, JsonObject):
                seen: dict[str, int] = {}
                for member in node.members:
                    if member.key in seen:
                        line, col = self.position(seen[member.key])
                        self.add(
                            member.key_start,
                            f"key {member.key!r} appears twice (first at line {line}, col {col}); "
                            "JSON keeps only the last one, so delete one of them",
                            entry,
                        )
                    else:
                        seen[member.key] = member.key_start
                    if _SURROGATE.search(member.key):
                        self.add(member.key_start, _surrogate_message(member.key), entry)
                    walk(member.value, entry, member.key == "rules" and node is self.root)
            elif isinstance(node, JsonArray):
                for i, item in enumerate(node.items):
                    walk(item, i if in_rules else entry, False)
            elif isinstance(node.value, str) and _SURROGATE.search(node.value):
                self.add(node.start, _surrogate_message(node.value), entry)
            elif isinstance(node.value, float) and not math.isfinite(node.value):
                # Python's decoder accepts NaN and Infinity; other JSON readers do not.
                self.add(
                    node.start,
                    f"{self.text[node.start:node.end]} is not valid JSON; write a number "
                    "or a string",
                    entry,
                )

        walk(self.root, None, False)

    def check_schema(self) -> None:
        data = plain(self.root)
        entries = data.get("rules") if isinstance(data, dict) else None
        if not isinstance(data, dict) or not isinstance(entries, list):
            for error in sorted(_validator().iter_errors(cast(Any, data)), key=_error_order):
                self.schema_error(error, ())
            return
        # Entries one by one: a full pass over thousands of entries costs seconds, and nearly
        # all of them share one of a handful of shapes whose verdict is cached.
        for error in _validator().iter_errors({**data, "rules": []}):
            self.schema_error(error, ())
        for index, entry in enumerate(entries):
            if _entry_shape_valid(_shape(entry)):
                continue
            for error in sorted(_rule_validator().iter_errors(entry), key=_error_order):
                self.schema_error(error, ("rules", index))

    def schema_error(self, error: ValidationError, prefix: tuple[str | int, ...]) -> None:
        path: list[str | int] = [*prefix, *error.absolute_path]
        entry = path[1] if len(path) >= 2 and path[0] == "rules" else None
        assert entry is None or isinstance(entry, int)
        in_entry = entry is not None and len(path) >= 2
        field = path[-1] if path and isinstance(path[-1], str) else None
        kind = error.validator
        instance = error.instance
        node = self.find(path)

        if kind == "additionalProperties" and isinstance(node, JsonObject):
            allowed = RULE_KEYS if in_entry else TOP_KEYS
            for member in node.members:
                if member.key not in allowed:
                    self.add(
                        member.key_start,
                        _unknown(f"key {member.key!r}", member.key, allowed, "allowed keys"),
                        entry,
                    )
            return
        if kind == "required" and isinstance(instance, dict):
            missing = [k for k in cast(list[str], error.validator_value) if k not in instance]
            for key in missing:
                self.add(node.start, self._missing_message(key, instance, in_entry), entry)
            return
        if path == [] and kind == "type":
            self.add(
                node.start,
                f"the rules file must be a JSON object like {EMPTY_RULES_FILE}, "
                f"not {_json_type(instance)}",
                None,
            )
            return
        if path == ["version"]:
            self.add(
                node.start,
                f"unsupported version {_show(instance)}; this reviewer reads "
                f'"version": {RULES_SCHEMA_VERSION}',
                None,
            )
            return
        if path == ["rules"] and kind == "type":
            self.add(
                node.start,
                f'"rules" must be an array of entries, not {_json_type(instance)}',
                None,
            )
            return
        if in_entry and len(path) == 2 and kind == "type":
            self.add(
                node.start,
                'must be an object like {"table": "...", "column": "...", "strategy": "null"}, '
                f"not {_json_type(instance)}",
                entry,
            )
            return
        if field == "strategy":
            if isinstance(instance, str):
                message = _unknown(
                    f"strategy {instance!r}", instance, list(STRATEGIES), "known"
                )
            else:
                message = (
                    f"'strategy' must be a string naming a strategy, not "
                    f"{_json_type(instance)}; known: {_known_strategies()}"
                )
            self.add(node.start, message, entry)
            return
        if field in ("table", "column") and kind in ("minLength", "pattern"):
            self.add(node.start, f"{field!r} must not be empty", entry)
            return
        if field == "note" and kind in ("minLength", "pattern"):
            self.add(
                node.start,
                "strategy 'keep' needs a non-empty 'note' saying why copying the value "
                "unchanged is safe",
                entry,
            )
            return
        if field == "value" and kind == "not":
            self.add(
                node.start,
                "'value' must not be null; use strategy 'null' to write NULL",
                entry,
            )
            return
        if kind == "type" and field is not None:
            expected = error.validator_value
            self.add(
                node.start,
                f"{field!r} must be a {expected}, not {_json_type(instance)}",
                entry,
            )
            return
        self.add(node.start, error.message, entry)  # pragma: no cover - schema fallback

    @staticmethod
    def _missing_message(key: str, instance: dict[str, object], in_entry: bool) -> str:
        if not in_entry:
            if key == "version":
                return f'missing "version": {RULES_SCHEMA_VERSION} at the top level'
            return 'missing the "rules" array at the top level'
        strategy = instance.get("strategy")
        if key == "note" and strategy == "keep":
            return (
                "strategy 'keep' needs a non-empty 'note' saying why copying the value "
                "unchanged is safe"
            )
        if key == "value" and strategy == "static":
            return "strategy 'static' needs a 'value': the placeholder to write"
        return f"missing required key {key!r}"

    def check_duplicate_rules(self, broken: set[int]) -> None:
        first: dict[tuple[str, str], int] = {}
        for index, node in enumerate(self._rules_items()):
            if index in broken or not isinstance(node, JsonObject):
                continue
            key = _rule_key(node)
            if key is None:
                continue
            if key in first:
                self.add(
                    node.start,
                    f"duplicate of rule #{first[key] + 1} on line "
                    f"{self.line(self._rules_items()[first[key]].start)}; keep one of them",
                    index,
                )
            else:
                first[key] = index


_SURROGATE = re.compile("[\ud800-\udfff]")


def _surrogate_message(value: str) -> str:
    found = _SURROGATE.search(value)
    assert found is not None
    return (
        f"contains the unpaired surrogate \\u{ord(found.group()):04x}, which is not a "
        "character and cannot be written out; remove that escape"
    )


# Validity of an entry never depends on *which* non-blank name it holds, only on its shape;
# tests pin the schema's string constraints so this stays true.
_NAME_FIELDS = ("table", "column", "note")


def _shape(entry: object) -> str:
    if not isinstance(entry, dict):
        return json.dumps(entry)
    shape = {
        k: "x" if k in _NAME_FIELDS and isinstance(v, str) and v.strip() else v
        for k, v in entry.items()
    }
    return json.dumps(shape, sort_keys=True)


@lru_cache(maxsize=4096)
def _entry_shape_valid(shape: str) -> bool:
    return bool(_rule_validator().is_valid(json.loads(shape)))


@cache
def _rule_validator() -> Validator:
    from jsonschema import Draft202012Validator

    full = schema()
    return Draft202012Validator({"$ref": "#/$defs/rule", "$defs": full["$defs"]})


def _error_order(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(p) for p in error.absolute_path)


def _rule_key(node: JsonObject) -> tuple[str, str] | None:
    table, column = node.get("table"), node.get("column")
    if table is None or column is None:
        return None
    t, c = plain(table.value), plain(column.value)
    if isinstance(t, str) and isinstance(c, str):
        return (t, c)
    return None


def syntax_error(text: str, exc: json.JSONDecodeError) -> tuple[int, int, str]:
    """(line, col, message) of a JSON syntax error, the same on every Python version.

    The most common one, a trailing comma, is reported at the comma: Python 3.13 says
    "Illegal trailing comma" there, older versions "Expecting value" at the bracket after it.
    """
    if not text.strip():
        return 1, 1, f"the file is empty; start it with {EMPTY_RULES_FILE}"
    comma: int | None = None
    if exc.msg.startswith("Illegal trailing comma"):
        comma = exc.pos
    elif exc.pos < len(text) and text[exc.pos] in "]}":
        before = text[: exc.pos].rstrip()
        if before.endswith(","):
            comma = len(before) - 1
    if comma is not None:
        line, col = line_col(text, comma)
        return line, col, "invalid JSON: trailing comma (JSON allows none); remove this ','"
    return exc.lineno, exc.colno, f"invalid JSON: {exc.msg}"


def _rule_from(node: JsonObject, position: LineIndex) -> Rule:
    data = plain(node)
    assert isinstance(data, dict)
    note = data.get("note")
    return Rule(
        table=str(data["table"]),
        column=str(data["column"]),
        strategy=str(data["strategy"]),
        value=data.get("value"),
        note=note if isinstance(note, str) else None,
        line=position(node.start)[0],
    )


def _iter_entries(root: JsonValue) -> Iterator[tuple[int, JsonValue]]:
    if isinstance(root, JsonObject):
        member = root.get("rules")
        if member is not None and isinstance(member.value, JsonArray):
            yield from enumerate(member.value.items)


def parse_rules(text: str, path: str) -> RulesFile:
    """Parse the text of a rules file. Never raises for content problems."""
    try:
        root = decode_with_positions(text)
    except json.JSONDecodeError as exc:
        line, col, message = syntax_error(text, exc)
        return RulesFile(path=path, errors=(RulesError(path, line, col, message),))
    checker = _Checker(text, path, root)
    checker.check_duplicate_keys()
    checker.check_schema()
    broken = {p.entry for p in checker.problems if p.entry is not None}
    checker.check_duplicate_rules({i for i in broken if i is not None})
    broken = {p.entry for p in checker.problems if p.entry is not None}

    rules = tuple(
        _rule_from(node, checker.position)
        for index, node in _iter_entries(root)
        if index not in broken and isinstance(node, JsonObject)
    )
    seen: set[tuple[int, str]] = set()
    errors: list[RulesError] = []
    for problem in sorted(checker.problems, key=lambda p: (p.offset, p.message)):
        if (problem.offset, problem.message) in seen:
            continue
        seen.add((problem.offset, problem.message))
        line, col = checker.position(problem.offset)
        errors.append(RulesError(path, line, col, problem.message))
    return RulesFile(path=path, rules=rules, errors=tuple(errors))


# --- the parse cache -------------------------------------------------------------------------
# A warm run answers from here without importing jsonschema (~70 ms). Errors are cached too:
# they are a pure function of the same inputs, positions included.


@cache
def _parser_identity() -> str | None:
    """Everything besides the text that decides the result: this module's code (messages),
    the positioned decoder's (lines and columns), the shipped schema and the strategy
    vocabulary. None when the code cannot be read (a frozen or zipped install): then nothing
    is cached rather than risk a stale verdict."""
    here = Path(__file__)
    try:
        digest = hashlib.sha256(here.read_bytes())
        digest.update((here.parent / "json_positions.py").read_bytes())
        code = digest.hexdigest()
        schema_text = (here.parent / SCHEMA_RESOURCE).read_text(encoding="utf-8")
    except OSError:
        return None
    # the cached rows are rebuilt positionally: the field order is part of what they mean
    shapes = [",".join(f.name for f in fields(t)) for t in (Rule, RulesError, RulesFile)]
    return "\0".join([code, schema_text, str(RULES_SCHEMA_VERSION), *STRATEGIES, *shapes])


def rules_file_to_json(rules: RulesFile) -> list[object]:
    return [
        rules.path,
        [[r.table, r.column, r.strategy, r.value, r.note, r.line] for r in rules.rules],
        [[e.path, e.line, e.col, e.message] for e in rules.errors],
        rules.exists,
    ]


def rules_file_from_json(data: Any) -> RulesFile:
    """Raises ValueError/TypeError on a malformed entry."""
    path, rules, errors, exists = data
    return RulesFile(
        path=str(path),
        rules=tuple(
            Rule(str(t), str(c), str(s), value, None if note is None else str(note), int(line))
            for t, c, s, value, note, line in rules
        ),
        errors=tuple(RulesError(str(p), int(n), int(c), str(m)) for p, n, c, m in errors),
        exists=bool(exists),
    )


def _parse_cached(text: str, path: str) -> RulesFile:
    from reviewer.cache import JsonStore, digest_key

    identity = _parser_identity()
    if identity is None:
        return parse_rules(text, path)  # no identity, no key: parse every time
    key = digest_key("rules", identity, path, text)
    store = JsonStore("rules")
    entry = store.load(key)
    if entry is not None:
        try:
            return rules_file_from_json(entry["rules"])
        except (KeyError, ValueError, TypeError):
            pass  # a damaged entry is a miss
    parsed = parse_rules(text, path)
    store.store(key, {"rules": rules_file_to_json(parsed)})
    return parsed


def load_rules(tree: SourceTree, path: str) -> RulesFile:
    """Read and parse ``path`` from ``tree``. A missing file is an error, never an empty pass."""
    try:
        text = tree.read(path)
    except UnreadableFile as exc:
        return RulesFile(path=path, errors=(RulesError(path, 1, 1, exc.message),))
    if text is not None and (problem := encoding_problem(text)) is not None:
        return RulesFile(path=path, errors=(RulesError(path, *problem),))
    if text is None:
        return RulesFile(
            path=path,
            exists=False,
            errors=(
                RulesError(
                    path,
                    1,
                    1,
                    f"{path} not found in {tree.label}: create it with {EMPTY_RULES_FILE} "
                    "(or run `reviewer fix`), or point `rules` in [tool.masking-reviewer] "
                    "at your rules file",
                ),
            ),
        )
    from reviewer.rules_store import is_yaml

    if is_yaml(path):
        from reviewer.rules_yaml import parse_yaml_rules

        return parse_yaml_rules(text, path)
    return _parse_cached(text, path)

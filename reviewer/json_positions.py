"""JSON decoded with the position of every object, array, key and value.

The standard library's own scanner, wrapped to record where each node starts and ends, so
that a message about a rules or baseline file names the exact line and column. The rules
loader, ``reviewer fix`` (which edits the text in place) and the baseline loader share it.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from reviewer.constants import MAX_NESTING
from reviewer.files import too_deep

Scalar: TypeAlias = "str | int | float | bool | None"


@dataclass(frozen=True, slots=True)
class JsonScalar:
    start: int  # offset of the first character
    end: int  # offset just past the last character
    value: Scalar


@dataclass(frozen=True, slots=True)
class JsonMember:
    key: str
    key_start: int  # offset of the key's opening quote
    value: JsonValue


@dataclass(frozen=True, slots=True)
class JsonObject:
    start: int  # offset of "{"
    end: int  # offset just past "}"
    members: tuple[JsonMember, ...]

    def get(self, key: str) -> JsonMember | None:
        """The member JSON itself would keep: the last one with that key."""
        for member in reversed(self.members):
            if member.key == key:
                return member
        return None


@dataclass(frozen=True, slots=True)
class JsonArray:
    start: int  # offset of "["
    end: int  # offset just past "]"
    items: tuple[JsonValue, ...]


JsonValue: TypeAlias = "JsonScalar | JsonObject | JsonArray"

# The same whitespace the stdlib decoder skips (json.decoder.WHITESPACE, untyped there).
_WHITESPACE = re.compile(r"[ \t\n\r]*")


def skip_ws(text: str, pos: int) -> int:
    """The first offset at or after ``pos`` that is not JSON whitespace."""
    match = _WHITESPACE.match(text, pos)
    return match.end() if match else pos


def _node(value: object, start: int, end: int) -> JsonValue:
    if isinstance(value, JsonObject | JsonArray):
        return value
    return JsonScalar(start, end, value)  # type: ignore[arg-type]


ScanOnce = Callable[[str, int], tuple[object, int]]


class _PositionDecoder(json.JSONDecoder):
    """The stdlib decoder with its object and array parsers wrapped to record offsets.

    Only the pure-Python scanner calls back into ``parse_object``/``parse_array``; the C
    scanner would bypass the wrappers, so it is replaced.
    """

    def __init__(self) -> None:
        super().__init__(object_pairs_hook=list)
        self.parse_object = self._parse_object
        self.parse_array = self._parse_array
        self.scan_once = json.scanner.py_make_scanner(self)  # type: ignore[attr-defined]

    @staticmethod
    def _recording(scan_once: ScanOnce) -> ScanOnce:
        def record(s: str, idx: int) -> tuple[object, int]:
            value, end = scan_once(s, idx)
            return _node(value, idx, end), end

        return record

    def _parse_object(
        self,
        s_and_end: tuple[str, int],
        strict: bool,
        scan_once: ScanOnce,
        object_hook: Any,
        object_pairs_hook: Any,
        memo: dict[str, str] | None = None,
    ) -> tuple[JsonObject, int]:
        s, begin = s_and_end
        pairs, end = json.decoder.JSONObject(  # type: ignore[attr-defined]
            s_and_end, strict, self._recording(scan_once), None, list, memo
        )
        members: list[JsonMember] = []
        # The decoder succeeded, so the text between members is exactly ws "," ws.
        pos = skip_ws(s, begin)
        for key, value in pairs:
            members.append(JsonMember(key, pos, value))
            pos = skip_ws(s, value.end)
            pos = skip_ws(s, pos + 1)
        return JsonObject(begin - 1, end, tuple(members)), end

    def _parse_array(
        self, s_and_end: tuple[str, int], scan_once: ScanOnce
    ) -> tuple[JsonArray, int]:
        items, end = json.decoder.JSONArray(  # type: ignore[attr-defined]
            s_and_end, self._recording(scan_once)
        )
        return JsonArray(s_and_end[1] - 1, end, tuple(items)), end


def decode_with_positions(text: str) -> JsonValue:
    """Decode one JSON document into a positioned tree; raises ``json.JSONDecodeError``."""
    decoder = _PositionDecoder()
    # A UTF-8 BOM is harmless in a rules file; skip it but keep offsets true to ``text``.
    idx = skip_ws(text, 1 if text.startswith("\ufeff") else 0)
    deep = too_deep(text, MAX_NESTING)
    if deep is not None:
        # The decoder recurses per level; thousands of levels would overflow the stack.
        raise json.JSONDecodeError(f"nested deeper than {MAX_NESTING} levels", text, deep)
    try:
        value, end = decoder.scan_once(text, idx)
    except StopIteration as exc:
        raise json.JSONDecodeError("Expecting value", text, exc.value) from None
    except RecursionError:
        raise json.JSONDecodeError("nested too deeply", text, idx) from None
    end = skip_ws(text, end)
    if end != len(text):
        raise json.JSONDecodeError("Extra data", text, end)
    return _node(value, idx, end)


def plain(node: JsonValue) -> object:
    """The value ``json.loads`` would have produced."""
    if isinstance(node, JsonObject):
        return {m.key: plain(m.value) for m in node.members}
    if isinstance(node, JsonArray):
        return [plain(item) for item in node.items]
    return node.value


class LineIndex:
    """Offset to (line, col) in O(log n), for files with thousands of entries."""

    def __init__(self, text: str) -> None:
        self._starts = [0, *(m.end() for m in re.finditer("\n", text))]

    def __call__(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset)
        return line, offset - self._starts[line - 1] + 1


def line_col(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    col = offset - text.rfind("\n", 0, offset)
    return line, col

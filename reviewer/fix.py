"""The format-preserving editor behind ``reviewer fix``.

Only the inside of the ``rules`` array is ever rebuilt, and even there every entry the user
wrote is copied as the exact text they wrote, with the exact whitespace that separated it
from its neighbour. New entries are written in the style of the entry they follow, so a
file kept one rule per line stays that way and a file of multi-line objects does too.
"""

from __future__ import annotations

import bisect
import difflib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field

from reviewer.constants import DEFAULT_RULES_FILE
from reviewer.errors import UsageError
from reviewer.json_positions import (
    JsonArray,
    JsonObject,
    JsonValue,
    decode_with_positions,
    line_col,
    plain,
)
from reviewer.rules import EMPTY_RULES_FILE, RULE_KEYS, syntax_error
from reviewer.types import Rule

FRESH_INDENT = "  "


@dataclass(frozen=True, slots=True)
class _Style:
    """How one rules entry is laid out, copied from an entry the user wrote."""

    open_pad: str = ""  # between "{" and the first key
    member_sep: str = ", "  # between one member's value and the next key, comma included
    close_pad: str = ""  # between the last value and "}"
    colon: str = ": "
    key_order: tuple[str, ...] = RULE_KEYS


def _style_of(text: str, node: JsonValue | None) -> _Style:
    if not isinstance(node, JsonObject) or not node.members:
        return _Style()
    first, last = node.members[0], node.members[-1]
    colon_at = text.rfind(":", first.key_start, first.value.start)
    key_end = first.key_start + len(text[first.key_start : colon_at].rstrip())
    if len(node.members) > 1:
        member_sep = text[first.value.end : node.members[1].key_start]
    elif "\n" in text[node.start : node.end]:
        member_sep = "," + text[node.start + 1 : first.key_start]
    else:
        member_sep = ", "
    order = [m.key for m in node.members if m.key in RULE_KEYS]
    order += [k for k in RULE_KEYS if k not in order]
    return _Style(
        open_pad=text[node.start + 1 : first.key_start],
        member_sep=member_sep,
        close_pad=text[last.value.end : node.end - 1],
        colon=text[key_end : first.value.start],
        key_order=tuple(dict.fromkeys(order)),
    )


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def _render(rule: Rule, style: _Style) -> str:
    entry = rule.entry()
    members = [
        _dump(key) + style.colon + _dump(entry[key]) for key in style.key_order if key in entry
    ]
    return "{" + style.open_pad + style.member_sep.join(members) + style.close_pad + "}"


def _key_of(node: JsonValue) -> tuple[str, str] | None:
    data = plain(node)
    if isinstance(data, dict):
        table, column = data.get("table"), data.get("column")
        if isinstance(table, str) and isinstance(column, str):
            return (table, column)
    return None


def _table_of(node: JsonValue) -> str | None:
    data = plain(node)
    if isinstance(data, dict) and isinstance(data.get("table"), str):
        return str(data["table"])
    return None


def _line_indent(text: str, offset: int) -> str:
    start = text.rfind("\n", 0, offset) + 1
    line = text[start:offset]
    return line[: len(line) - len(line.lstrip(" \t"))]


def _parse(text: str, path: str) -> tuple[JsonObject, JsonArray]:
    try:
        root = decode_with_positions(text)
    except json.JSONDecodeError as exc:
        line, col, message = syntax_error(text, exc)
        raise UsageError(
            f"cannot edit: {message} (col {col}); "
            "fix the file by hand first, `reviewer check` lists every problem",
            path=path,
            line=line,
        ) from None
    if not isinstance(root, JsonObject):
        raise UsageError(
            f"cannot edit: the rules file must be a JSON object like {EMPTY_RULES_FILE}",
            path=path,
            line=line_col(text, root.start)[0],
        )
    member = root.get("rules")
    if member is None or not isinstance(member.value, JsonArray):
        where = member.value.start if member is not None else root.start
        raise UsageError(
            'cannot edit: the file has no "rules" array; add "rules": [] by hand first',
            path=path,
            line=line_col(text, where)[0],
        )
    return root, member.value


@dataclass(slots=True)
class _Plan:
    """What happens to each entry of the array: kept (maybe rewritten), dropped, followed."""

    kept: list[int]
    replaced: dict[int, str]
    followers: dict[int, list[Rule]]  # original index (-1: none kept) -> new rules after it
    leaders: list[Rule] = field(default_factory=list)  # new rules before the first kept entry
    removed: int = 0


def _plan(
    text: str, items: tuple[JsonValue, ...], add: Sequence[Rule], remove: Sequence[Rule]
) -> _Plan:
    wanted: dict[tuple[str, str], Rule] = {}
    for rule in add:
        wanted.setdefault(rule.key, rule)
    doomed = {r.key for r in remove}
    plan = _Plan(kept=[], replaced={}, followers={})
    present: set[tuple[str, str]] = set()
    for index, node in enumerate(items):
        key = _key_of(node)
        if key is not None and key in doomed:
            new = wanted.get(key)
            if new is None or key in present:
                plan.removed += 1
                continue
            # Remove-and-add of one key is a replacement: keep its place in the file.
            if plain(node) != new.entry():
                plan.replaced[index] = _render(new, _style_of(text, node))
        plan.kept.append(index)
        if key is not None:
            present.add(key)

    tables = [_table_of(node) for node in items]
    keys = [_key_of(node) for node in items]
    known = [k for k in keys if k is not None]
    # A file kept in (table, column) order stays in that order; otherwise new rules go next
    # to their table's others.
    in_order = len(known) == len(keys) and len(known) > 1 and known == sorted(known)
    for rule in wanted.values():
        if rule.key in present:
            continue
        present.add(rule.key)
        if in_order and plan.kept:
            _place_in_order(plan, keys, rule)
        else:
            _place(plan, tables, rule)
    return plan


def _place_in_order(plan: _Plan, keys: list[tuple[str, str] | None], rule: Rule) -> None:
    before = [i for i in plan.kept if (keys[i] or ("", "")) < rule.key]
    bucket = plan.followers.setdefault(before[-1], []) if before else plan.leaders
    bisect.insort(bucket, rule, key=lambda r: r.key)


def _place(plan: _Plan, tables: list[str | None], rule: Rule) -> None:
    """After the last entry of the same table, new ones included, else at the very end."""
    for index in reversed(plan.kept):
        followers = plan.followers.setdefault(index, [])
        for pos in range(len(followers) - 1, -1, -1):
            if followers[pos].table == rule.table:
                followers.insert(pos + 1, rule)
                return
        if tables[index] == rule.table:
            followers.insert(0, rule)
            return
    head = plan.followers.setdefault(-1, [])
    for pos in range(len(head) - 1, -1, -1):
        if head[pos].table == rule.table:
            head.insert(pos + 1, rule)
            return
    anchor = plan.kept[-1] if plan.kept else -1
    plan.followers.setdefault(anchor, []).append(rule)


def _fresh_layout(text: str, root: JsonObject, body: list[str], nl: str) -> str:
    """Lay a one-line file (as `echo '{...}' >` makes) out properly once it gets rules."""
    unit = FRESH_INDENT
    lines = []
    for member in root.members:
        if member.key == "rules":
            inner = f",{nl}{unit * 2}".join(body)
            value = f"[{nl}{unit * 2}{inner}{nl}{unit}]" if body else "[]"
        else:
            value = text[member.value.start : member.value.end]
        lines.append(f"{unit}{_dump(member.key)}: {value}")
    return text[: root.start] + "{" + nl + f",{nl}".join(lines) + nl + "}" + text[root.end :]


def edit_rules_text(
    text: str | None,
    add: Sequence[Rule],
    remove: Sequence[Rule],
    *,
    path: str = DEFAULT_RULES_FILE,
) -> str:
    """Add and remove rules, keeping everything else byte for byte.

    Idempotent: adding a rule whose (table, column) is present and removing one that is
    gone change nothing. A key in both ``remove`` and ``add`` is replaced in place.
    Raises ``UsageError`` (naming ``path``:line) when the text cannot be parsed.
    """
    fresh = text is None
    source = EMPTY_RULES_FILE + "\n" if text is None else text
    root, array = _parse(source, path)
    if not add and not remove and not fresh:
        return source
    items = array.items
    plan = _plan(source, items, add, remove)
    changed = plan.removed or plan.replaced or plan.leaders or any(plan.followers.values())
    if not fresh and not changed:
        return source

    nl = "\r\n" if "\r\n" in source else "\n"  # a Windows checkout stays CRLF
    style_ref = next((n for n in items if isinstance(n, JsonObject)), None)
    body: list[str] = []
    if not plan.kept:
        body += [_render(r, _style_of(source, style_ref)) for r in plan.followers.get(-1, [])]

    if items:
        prefix = source[array.start + 1 : items[0].start]
        suffix = source[items[-1].end : array.end - 1]
        if "\n" in prefix:
            sep = "," + nl + prefix.rsplit("\n", 1)[1]
        elif len(items) > 1:
            sep = source[items[0].end : items[1].start]
        else:
            # A lone entry shows no separator to copy; its inner spacing is the best guess.
            sep = "," if _style_of(source, items[0]).member_sep == "," else ", "
    else:
        if "\n" not in source[root.start : root.end]:
            return _fresh_layout(source, root, body, nl)
        base = _line_indent(source, array.start)
        indent = base * 2 if base else FRESH_INDENT
        prefix, suffix, sep = nl + indent, nl + base, "," + nl + indent

    pieces: list[str] = []
    for position, index in enumerate(plan.kept):
        if position:
            # Between two entries the user wrote: their own whitespace, even across a removal.
            previous = plan.kept[position - 1]
            pieces.append(source[items[previous].end : items[previous + 1].start])
        node = items[index]
        if position == 0:
            for rule in plan.leaders:
                style = _style_of(source, node if isinstance(node, JsonObject) else style_ref)
                pieces += [_render(rule, style), sep]
        pieces.append(plan.replaced.get(index, source[node.start : node.end]))
        for rule in plan.followers.get(index, []):
            style = _style_of(source, node if isinstance(node, JsonObject) else style_ref)
            pieces += [sep, _render(rule, style)]
    pieces.append(sep.join(body))

    inner = "".join(pieces)
    array_text = "[" + prefix + inner + suffix + "]" if inner else "[]"
    return source[: array.start] + array_text + source[array.end :]


def unified_diff(path: str, old: str, new: str) -> str:
    """A ``git apply``-able patch from ``old`` to ``new``; empty when nothing changes.

    ``old == ""`` means the file does not exist yet, so the patch creates it.
    """
    if old == new:
        return ""
    lines = difflib.unified_diff(
        old.splitlines(keepends=True),
        new.splitlines(keepends=True),
        fromfile="/dev/null" if old == "" else f"a/{path}",
        tofile=f"b/{path}",
    )
    out: list[str] = []
    for line in lines:
        out.append(line)
        if not line.endswith("\n"):
            out.append("\n\\ No newline at end of file\n")
    return "".join(out)

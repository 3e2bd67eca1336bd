"""The YAML masking profile: ``version: 1`` and ``rules: [{table, column, strategy}]``.

The same rules as ``masking_rules.json`` in the shape a YAML-based masking pipeline reads. It is
validated by the same JSON Schema, every error carries its line, and ``fix``/``init`` add entries
as text in the style of the ones already there, so a reviewer's diff shows only the new lines.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any, cast

import yaml

from reviewer.errors import UsageError
from reviewer.types import Rule, RulesError, RulesFile

FRESH = "version: 1\nrules: []\n"


def _compose(text: str) -> yaml.Node | None:
    return yaml.compose(text, Loader=yaml.SafeLoader)


def _plain(node: yaml.Node) -> object:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _member(node: yaml.MappingNode, key: str) -> yaml.Node | None:
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key and isinstance(v, yaml.Node):
            return v
    return None


def _error(path: str, line: int, col: int, message: str) -> RulesFile:
    return RulesFile(path=path, errors=(RulesError(path, line, col, message),))


def parse_yaml_rules(text: str, path: str) -> RulesFile:
    """Rules and positioned errors; never raises for content."""
    from reviewer.rules import _rule_validator

    try:
        root = _compose(text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return _error(path, line, col, f"{path} is not valid YAML: {exc.problem or exc}")
    except yaml.YAMLError as exc:
        return _error(path, 1, 1, f"{path} is not valid YAML: {exc}")
    if not isinstance(root, yaml.MappingNode):
        return _error(path, 1, 1, f"{path} must be a mapping with `version: 1` and `rules:`")
    version = _member(root, "version")
    items = _member(root, "rules")
    errors: list[RulesError] = []
    if version is None or _plain(version) != 1:
        where = version or root
        errors.append(RulesError(path, where.start_mark.line + 1, where.start_mark.column + 1,
                                 f"{path} must say `version: 1`"))
    if not isinstance(items, yaml.SequenceNode):
        where = items or root
        errors.append(RulesError(path, where.start_mark.line + 1, where.start_mark.column + 1,
                                 f"{path} needs `rules:`, a list of {{table, column, strategy}}"))
        return RulesFile(path=path, errors=tuple(errors))
    validator = _rule_validator()
    rules: list[Rule] = []
    seen: dict[tuple[str, str], int] = {}
    for index, node in enumerate(items.value):
        line, col = node.start_mark.line + 1, node.start_mark.column + 1
        entry = _plain(node)
        problems = sorted(validator.iter_errors(cast(Any, entry)), key=lambda e: list(e.path))
        if problems:
            errors.append(RulesError(path, line, col,
                                     f"rules[{index}]: {problems[0].message}"))
            continue
        assert isinstance(entry, dict)
        rule = Rule(entry["table"], entry["column"], entry["strategy"], entry.get("value"),
                    entry.get("note"), line)
        if rule.key in seen:
            errors.append(RulesError(path, line, col,
                                     f"rules[{index}]: a second rule for "
                                     f"{rule.table}.{rule.column} (the first is on line "
                                     f"{seen[rule.key]}); keep one"))
            continue
        seen[rule.key] = line
        rules.append(rule)
    return RulesFile(path=path, rules=tuple(rules), errors=tuple(errors))


def _scalar(value: object) -> str:
    # JSON scalars are valid YAML flow scalars, and quoting every string keeps "null", "yes"
    # and "*" from being read back as something else.
    return json.dumps(value, ensure_ascii=False)


def _flow(rule: Rule) -> str:
    return "{" + ", ".join(f"{k}: {_scalar(v)}" for k, v in rule.entry().items()) + "}"


def _block(rule: Rule, indent: str, nl: str) -> str:
    pairs = [f"{k}: {_scalar(v)}" for k, v in rule.entry().items()]
    return f"{indent}- " + f"{nl}{indent}  ".join(pairs)


def _entries(rules: Sequence[Rule], *, indent: str, flow: bool, nl: str) -> Iterator[str]:
    for rule in rules:
        yield f"{indent}- {_flow(rule)}" if flow else _block(rule, indent, nl)


def add_yaml_rules(text: str | None, add: Sequence[Rule], *, path: str) -> str:
    """Append rules whose (table, column) is not there yet, in the style of the existing
    entries; everything else stays byte for byte. Raises ``UsageError`` on unreadable text."""
    source = FRESH if text is None else text
    parsed = parse_yaml_rules(source, path)
    if parsed.errors:
        e = parsed.errors[0]
        raise UsageError(f"cannot edit: {e.message}", path=path, line=e.line)
    have = {r.key for r in parsed.rules}
    new = [r for r in dict((r.key, r) for r in add if r.key not in have).values()]
    if not new:
        return source
    nl = "\r\n" if "\r\n" in source else "\n"
    root = _compose(source)
    assert isinstance(root, yaml.MappingNode)
    items = _member(root, "rules")
    assert isinstance(items, yaml.SequenceNode)
    if not items.value:
        # `rules: []` becomes a block list; the brackets are the only bytes replaced.
        key_col = next(k.start_mark.column for k, v in root.value if v is items)
        body = nl.join(_entries(new, indent=" " * (key_col + 2), flow=False, nl=nl))
        start, end = items.start_mark.index, items.end_mark.index
        tail = source[end:]
        return source[:start].rstrip(" ") + nl + body + (tail if tail.startswith(("\n", "\r"))
                                                          else nl + tail.lstrip(" "))
    first, last = items.value[0], items.value[-1]
    flow = isinstance(first, yaml.MappingNode) and bool(first.flow_style)
    line_start = source.rfind("\n", 0, first.start_mark.index) + 1
    dash = source.index("-", line_start)
    indent = source[line_start:dash]
    # After the last entry's final line: a block mapping's end mark sits on the next token,
    # so step back over whitespace to the entry's last character, then to the end of its line.
    end = last.end_mark.index
    while end > 0 and source[end - 1] in " \t\r\n":
        end -= 1
    newline = source.find("\n", end)
    end = len(source) if newline < 0 else newline + 1
    prefix = source[:end] if source[:end].endswith("\n") else source[:end] + nl
    body = nl.join(_entries(new, indent=indent, flow=flow, nl=nl)) + nl
    return prefix + body + source[end:]

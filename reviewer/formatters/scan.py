"""`reviewer scan`: the static inventory as text or JSON (the documented scan schema)."""

from __future__ import annotations

import json

from reviewer.constants import JSON_OUTPUT_VERSION
from reviewer.logsafe import one_line_all
from reviewer.types import Column, Inventory, RulesFile


def _row(c: Column, rules: RulesFile) -> dict[str, object]:
    rule = rules.by_key().get(c.key)
    return {
        "table": c.table,
        "column": c.column,
        "class": c.class_name,
        "attribute": c.attribute,
        "path": c.path,
        "line": c.line,
        "type": c.type,
        "nullable": c.nullable,
        "unique": c.unique,
        "primary_key": c.primary_key,
        "labels": list(c.labels),
        "sensitive": c.sensitive,
        "category": c.category,
        "confidence": c.confidence,
        "evidence": c.evidence,
        "rule": rule.entry() if rule else None,
        "exemption": c.exemption.reason if c.exemption else None,
    }


def render_scan_json(inventory: Inventory, rules: RulesFile) -> str:
    doc = {
        "version": JSON_OUTPUT_VERSION,
        "columns": [_row(c, rules) for c in inventory.columns],
        "errors": [{"path": e.path, "line": e.line, "message": e.message}
                   for e in inventory.errors],
    }
    return json.dumps(doc, indent=2) + "\n"


def render_scan_text(inventory: Inventory, rules: RulesFile) -> str:
    """One line per column: ``*`` labelled, ``?`` looks sensitive but is not labelled."""
    inventory, rules = one_line_all((inventory, rules))
    have = rules.by_key()
    lines = []
    for c in inventory.columns:
        mark = "*" if c.sensitive else (" ?" if c.category else "")
        rule = have.get(c.key)
        how = (f"rule: {rule.strategy}" if rule
               else f"exempt: {c.exemption.reason}" if c.exemption else "")
        cat = f"[{c.category}/{c.confidence}: {c.evidence}]" if c.category else ""
        lines.append(f"{c.path}:{c.line}: {c.table}.{c.column}{mark} {cat} {how}".rstrip())
    lines += [f"{e.path}:{e.line}: error: {e.message}" for e in inventory.errors]
    labelled = sum(1 for c in inventory.columns if c.sensitive)
    lines.append(f"{len(inventory.columns)} columns in {inventory.mapped_classes} "
                 f"tables/classes, {labelled} labelled (*), {len(inventory.errors)} errors")
    return "\n".join(lines) + "\n"

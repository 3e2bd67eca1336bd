"""The masking manifest (``reviewer report``): what the nightly copy masks, how, and what it
leaves alone, for teams to store next to the masked dump.

Built from the static inventory and the rules file only; it decides coverage the same simple
way the gate does (a rule, an exemption, or nothing) and never imports the models.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Literal

from reviewer.constants import TOOL_NAME
from reviewer.formatters.jsonout import JsonValue
from reviewer.formatters.markdown import code_cell, escape_cell, escape_text
from reviewer.strategies import STRATEGIES
from reviewer.types import (
    TABLE_WIDE,
    Category,
    Column,
    Confidence,
    Inventory,
    Rule,
    RulesFile,
)

MANIFEST_VERSION = 1
Status = Literal["masked", "kept", "exempt", "uncovered"]

LINKABLE_STRATEGIES = frozenset(s.name for s in STRATEGIES.values() if s.linkable)

CAVEATS: tuple[str, ...] = (
    "Masking reduces the risk that a person or a secret can be recovered from the copy. "
    "It is not anonymisation in the legal sense: a masked copy of production is still "
    "personal data and needs the same access controls.",
    "Only the columns listed as masked below are changed. Every other column is copied "
    "unchanged.",
    "Free-text and JSON columns (notes, comments, payload, metadata, settings) can hold "
    "secrets or personal data inside their values; no check on column names can see them.",
    "hash and the fake_* strategies are deterministic: the same input gives the same output, "
    "so rows stay linkable across tables and across nightly copies. redact and generalize "
    "keep part of the original value.",
    "Quasi-identifiers left at full resolution (postcode, birthdate, gender, job title) can "
    "re-identify people in combination.",
    "This manifest is read statically from the SQLAlchemy models. Tables created only in "
    "migrations or raw SQL, and files that could not be read, are not covered.",
)


@dataclass(frozen=True, slots=True)
class ManifestEntry:
    table: str
    column: str
    qualname: str
    path: str
    line: int
    labels: tuple[str, ...]
    category: Category | None
    confidence: Confidence | None
    status: Status
    strategy: str | None = None
    value: object = None
    note: str | None = None
    rule_line: int = 0
    linkable: bool = False
    exemption_reason: str | None = None
    exemption_origin: Literal["pragma", "config"] | None = None
    why: str = ""  # one sentence: what happens to this column in the masked copy


@dataclass(frozen=True, slots=True)
class UnmatchedRule:
    """A rule naming no column the scan found: it masks nothing, and may be a typo."""

    rule: Rule


@dataclass(frozen=True, slots=True)
class Manifest:
    rules_path: str
    rules_readable: bool
    entries: tuple[ManifestEntry, ...]  # labelled or sensitive-looking columns
    quasi_identifiers: tuple[ManifestEntry, ...]
    unmatched_rules: tuple[UnmatchedRule, ...]
    table_wide_rules: tuple[Rule, ...]  # "column": "*", masking every column of a table
    problems: tuple[str, ...]  # scan and rules errors, as "path:line: message"
    columns_total: int
    files: tuple[str, ...]
    caveats: tuple[str, ...] = CAVEATS

    @property
    def uncovered(self) -> tuple[ManifestEntry, ...]:
        return tuple(e for e in self.entries if e.status == "uncovered")


def _why_uncovered(column: Column, rules: RulesFile) -> str:
    if not rules.exists:
        return f"{rules.path} does not exist, so nothing is masked."
    if rules.errors:
        return f"{rules.path} could not be read, so no rule can be trusted."
    if column.labels:
        labels = ", ".join(lbl.rsplit(".", 1)[-1] for lbl in column.labels)
        return f"Labelled {labels} but has no rule: copied unchanged."
    confidence = f" ({column.confidence} confidence)" if column.confidence else ""
    kind = (column.category or "sensitive").replace("_", " ")
    return f"Looks like a {kind}{confidence} but is not labelled and has no rule: copied unchanged."


def _entry(column: Column, rule: Rule | None, rules: RulesFile) -> ManifestEntry:
    uncovered = ManifestEntry(
        table=column.table,
        column=column.column,
        qualname=column.qualname,
        path=column.path,
        line=column.line,
        labels=column.labels,
        category=column.category,
        confidence=column.confidence,
        status="uncovered",
        why=_why_uncovered(column, rules),
    )
    if rule is not None and rules.exists and not rules.errors:
        strategy = STRATEGIES.get(rule.strategy)
        return replace(
            uncovered,
            status="masked" if rule.masks else "kept",
            strategy=rule.strategy,
            value=rule.value,
            note=rule.note,
            rule_line=rule.line,
            linkable=rule.strategy in LINKABLE_STRATEGIES,
            why=strategy.intent if strategy else "Unknown strategy: check the rules file.",
        )
    if column.exemption is not None:
        return replace(
            uncovered,
            status="exempt",
            exemption_reason=column.exemption.reason,
            exemption_origin=column.exemption.origin,
            why="Exempt: copied unchanged for the written reason.",
        )
    return uncovered


def build_manifest(inventory: Inventory, rules: RulesFile) -> Manifest:
    by_key = rules.by_key()
    entries: list[ManifestEntry] = []
    quasi: list[ManifestEntry] = []
    # Every rule is listed exactly once: on its column's row, as a table-wide rule, or as a
    # rule that matches nothing. A rule on a column no heuristic flags (an `empty` on a
    # settings blob, a deliberate `keep`) is still part of what the copy does.
    written = {r.key for r in rules.rules}
    for column in sorted(inventory.columns, key=lambda c: (c.table, c.column)):
        quasi_id = column.category == "quasi_identifier" and not column.labels
        if quasi_id:
            quasi.append(_entry(column, by_key.get(column.key), rules))
        elif column.labels or column.category or column.key in written:
            entries.append(_entry(column, by_key.get(column.key), rules))
    known = {c.key for c in inventory.columns}
    tables = {c.table for c in inventory.columns}
    table_wide = tuple(r for r in rules.rules if r.column == TABLE_WIDE and r.table in tables)
    unmatched = tuple(UnmatchedRule(r) for r in rules.rules
                      if r.key not in known and r not in table_wide)
    problems = tuple(f"{e.path}:{e.line}: {e.message}" for e in inventory.errors) + tuple(
        f"{e.path}:{e.line}:{e.col}: {e.message}" for e in rules.errors
    )
    if not rules.exists:
        problems += (f"{rules.path}: not found",)
    return Manifest(
        rules_path=rules.path,
        rules_readable=rules.exists and not rules.errors,
        entries=tuple(entries),
        quasi_identifiers=tuple(quasi),
        unmatched_rules=unmatched,
        table_wide_rules=table_wide,
        problems=problems,
        columns_total=len(inventory.columns),
        files=inventory.files,
    )


def _entry_dict(e: ManifestEntry) -> dict[str, JsonValue]:
    return {
        "table": e.table,
        "column": e.column,
        "qualname": e.qualname,
        "path": e.path,
        "line": e.line,
        "labels": list(e.labels),
        "category": e.category,
        "confidence": e.confidence,
        "status": e.status,
        "strategy": e.strategy,
        "value": json.loads(json.dumps(e.value, default=str)),
        "note": e.note,
        "rule_line": e.rule_line,
        "linkable": e.linkable,
        "exemption": (
            {"reason": e.exemption_reason, "origin": e.exemption_origin}
            if e.exemption_reason is not None
            else None
        ),
        "why": e.why,
    }


def manifest_dict(manifest: Manifest) -> dict[str, JsonValue]:
    statuses: dict[str, JsonValue] = {
        s: sum(e.status == s for e in manifest.entries)
        for s in ("masked", "kept", "exempt", "uncovered")
    }
    return {
        "version": MANIFEST_VERSION,
        "tool": TOOL_NAME,
        "rules_path": manifest.rules_path,
        "rules_readable": manifest.rules_readable,
        "summary": {
            "columns_total": manifest.columns_total,
            "sensitive": len(manifest.entries),
            **statuses,
            "quasi_identifiers": len(manifest.quasi_identifiers),
            "unmatched_rules": len(manifest.unmatched_rules),
            "table_wide_rules": len(manifest.table_wide_rules),
            "problems": len(manifest.problems),
        },
        "columns": [_entry_dict(e) for e in manifest.entries],
        "quasi_identifiers": [_entry_dict(e) for e in manifest.quasi_identifiers],
        "unmatched_rules": [
            json.loads(json.dumps(u.rule.entry(), default=str)) for u in manifest.unmatched_rules
        ],
        "table_wide_rules": [
            json.loads(json.dumps(r.entry(), default=str)) for r in manifest.table_wide_rules
        ],
        "problems": list(manifest.problems),
        "files": list(manifest.files),
        "caveats": list(manifest.caveats),
    }


def render_manifest_json(manifest: Manifest) -> str:
    return json.dumps(manifest_dict(manifest), indent=2, ensure_ascii=False) + "\n"


def _how(e: ManifestEntry) -> str:
    if e.status in ("masked", "kept"):
        text = code_cell(e.strategy or "")
        if e.value is not None:
            text += f" {code_cell(json.dumps(e.value, default=str))}"
        if e.linkable:
            text += " (linkable)"
        if e.note:
            text += f"<br>note: {escape_cell(e.note)}"
        return text
    if e.status == "exempt":
        return f"exempt ({e.exemption_origin}): {escape_cell(e.exemption_reason or '')}"
    return "**not masked**"


def _table(entries: tuple[ManifestEntry, ...]) -> list[str]:
    rows = ["| column | declared at | label / category | status | how | what it means |",
            "| --- | --- | --- | --- | --- | --- |"]
    for e in entries:
        kind = ", ".join(lbl.rsplit(".", 1)[-1] for lbl in e.labels)
        if e.category:
            kind = f"{kind}; {e.category}" if kind else e.category
        rows.append(
            f"| {code_cell(f'{e.table}.{e.column}')} | {code_cell(f'{e.path}:{e.line}')} | "
            f"{escape_cell(kind)} | {e.status} | {_how(e)} | {escape_cell(e.why)} |"
        )
    return rows


def render_manifest_markdown(manifest: Manifest) -> str:
    def count(status: Status) -> int:
        return sum(e.status == status for e in manifest.entries)

    lines = [
        "# Masking manifest",
        "",
        f"Generated by {TOOL_NAME} from the SQLAlchemy models and "
        f"{code_cell(manifest.rules_path)}. {manifest.columns_total} columns scanned; "
        f"{len(manifest.entries)} sensitive: {count('masked')} masked, {count('kept')} "
        f"kept on purpose, {count('exempt')} exempt, {count('uncovered')} not covered.",
        "",
        "## What masking does and does not do",
        "",
    ]
    lines += [f"- {escape_text(c)}" for c in manifest.caveats]
    if manifest.uncovered:
        lines += ["", f"## ⚠️ Not covered ({len(manifest.uncovered)})", "",
                  "These sensitive columns reach the masked copy unchanged:", ""]
        lines += _table(manifest.uncovered)
    # The uncovered rows are above; listing them again here read as twice the problem.
    covered = tuple(e for e in manifest.entries if e.status != "uncovered")
    lines += ["", f"## Masked, kept or exempt ({len(covered)})", ""]
    lines += _table(covered) if covered else ["None."]
    if manifest.table_wide_rules:
        lines += ["", f"## Table-wide rules ({len(manifest.table_wide_rules)})", "",
                  "Every column of these tables without a rule of its own is masked so:", ""]
        lines += [f"- {code_cell(json.dumps(r.entry(), default=str))}"
                  for r in manifest.table_wide_rules]
    lines += ["", f"## Quasi-identifiers ({len(manifest.quasi_identifiers)})", ""]
    lines += (_table(manifest.quasi_identifiers) if manifest.quasi_identifiers
              else ["None found."])
    if manifest.unmatched_rules:
        lines += ["", f"## Rules that match no column ({len(manifest.unmatched_rules)})", "",
                  "These rules mask nothing; a typo here leaves the real column unmasked.", ""]
        lines += [f"- {code_cell(json.dumps(u.rule.entry(), default=str))}"
                  for u in manifest.unmatched_rules]
    if manifest.problems:
        lines += ["", f"## Could not be read ({len(manifest.problems)})", "",
                  "This manifest is incomplete:", ""]
        lines += [f"- {escape_cell(p)}" for p in manifest.problems]
    return "\n".join(lines) + "\n"

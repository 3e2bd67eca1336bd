"""The deterministic gate: MR001 missing-rule, MR002 stale-rule, MR005, MR006, MR007, MR008.

Every check is a generator of ``Finding``s over an ``Inventory`` and a ``RulesFile``; nothing
here prints, and nothing here can be switched off by the AI layer.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from dataclasses import replace

from reviewer.codes import ALWAYS_REPORTED, CODES, Severity
from reviewer.types import (
    TABLE_WIDE,
    Column,
    Config,
    ConfigExemption,
    Exemption,
    Finding,
    Inventory,
    RulesFile,
)


def severity(config: Config, code: str) -> Severity:
    return config.severity_for(code, CODES[code].severity)


def column_finding(config: Config, code: str, column: Column, message: str) -> Finding:
    """A finding anchored on a column's declaring statement (head side)."""
    return finding_on(column, code, severity(config, code), message)


def finding_on(column: Column, code: str, sev: Severity, message: str) -> Finding:
    """The anchor and identity of a column finding come from the inventory, never elsewhere."""
    return Finding(
        code=code,
        severity=sev,
        message=message,
        path=column.path,
        line=column.line,
        table=column.table,
        column=column.column,
        class_name=column.class_name,
        attribute=column.attribute,
        category=column.category,
        confidence=column.confidence,
        evidence=column.evidence,
    )


def label_words(labels: Iterable[str]) -> str:
    """``("ColumnVisibility.PRIVATE",)`` -> ``PRIVATE``: how a reviewer would say it."""
    return " and ".join(label.rsplit(".", 1)[-1] for label in labels)


def _as_exemption(e: ConfigExemption, config: Config) -> Exemption:
    return Exemption(e.table, e.column, e.reason, config.path or "pyproject.toml", e.line,
                     "config")


def config_exemptions(config: Config) -> tuple[Exemption, ...]:
    return tuple(_as_exemption(e, config) for e in config.exemptions)


def exemption_for(column: Column, config: Config) -> Exemption | None:
    if column.exemption is not None:
        return column.exemption
    # Called for every column by several checks: a dict lookup, and an Exemption only for a
    # match.
    found = config.exemption(column.key)
    return None if found is None else _as_exemption(found, config)


def with_exemptions(inventory: Inventory, config: Config) -> Inventory:
    """Every column carries its exemption, whether written as a pragma or in config."""
    if not config.exemptions:
        return inventory
    return replace(inventory, columns=tuple(
        replace(c, exemption=exemption_for(c, config)) for c in inventory.columns))


def is_sure_credential(column: Column) -> bool:
    """An unlabelled column the classifier calls a credential with high confidence is held to
    the same standard as a labelled one: a rule or an exemption, else the gate blocks (MR003).
    A repository with no labels at all must not be green while its secrets go unmasked."""
    return column.category == "credential" and column.confidence == "high"


def needs_masking(column: Column) -> bool:
    """Labelled sensitive, or an unlabelled high-confidence credential."""
    return bool(column.labels) or is_sure_credential(column)


def exemptions_in_force(inventory: Inventory, config: Config) -> tuple[Exemption, ...]:
    """Valid exemptions (a column that needs masking, non-empty reason): every report lists
    these."""
    out = []
    for column in inventory.columns:
        ex = exemption_for(column, config)
        if ex is not None and ex.reason and needs_masking(column):
            out.append(ex)
    return tuple(out)


def missing_rule_message(column: Column, rules_path: str) -> str:
    return (
        f"{column.qualname} is marked {label_words(column.labels)}, but {rules_path} has no "
        f"rule for {column.table}.{column.column}."
    )


def check_scan_errors(inventory: Inventory, config: Config) -> Iterator[Finding]:
    for err in inventory.errors:
        yield Finding(
            "MR007",
            severity(config, "MR007"),
            message=f"{err.message} The gate fails closed until this file can be read.",
            path=err.path,
            line=err.line,
        )
    if inventory.mapped_classes == 0 and not inventory.errors:
        models = ", ".join(config.models) if config.models else "auto-detected (none found)"
        yield Finding(
            "MR007",
            severity(config, "MR007"),
            message=(
                f"no mapped classes or tables were found (models: {models}). Check `models` in "
                f"[tool.masking-reviewer]: it must match the files that declare your SQLAlchemy "
                f"models."
            ),
            path=config.path or "pyproject.toml",
            line=1,
        )


def check_rules_file(rules: RulesFile, config: Config) -> Iterator[Finding]:
    for err in rules.errors:
        yield Finding(
            "MR006",
            severity(config, "MR006"),
            message=err.message,
            path=err.path,
            line=err.line,
            col=err.col,
        )


def check_missing_rules(
    inventory: Inventory, rules: RulesFile, config: Config
) -> Iterator[Finding]:
    """Bare findings: the rule to add is attached later, once (``reviewer.review.enrich``)."""
    have = rules.by_key()
    for column in inventory.columns:
        if not column.labels or column.key in have:
            continue
        if exemption_for(column, config) is not None:
            continue  # a reasonless exemption is reported by check_exemptions, not here
        yield column_finding(config, "MR001", column, missing_rule_message(column, rules.path))


def check_stale_rules(inventory: Inventory, rules: RulesFile, config: Config) -> Iterator[Finding]:
    columns = inventory.by_key()
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    for rule in rules.rules:
        if rule.key in columns or (rule.column == TABLE_WIDE and rule.table in by_table):
            continue
        if inventory.errors and rule.table not in by_table:
            # The table may live in a model file that failed to parse (already MR007):
            # calling its rules stale would send the user after the wrong problem.
            continue
        hint = ""
        candidates = difflib.get_close_matches(
            rule.column, by_table.get(rule.table, []), n=1, cutoff=0.5
        )
        if candidates:
            hint = f" Did you mean {rule.table}.{candidates[0]}?"
        elif rule.table not in by_table:
            tables = difflib.get_close_matches(rule.table, list(by_table), n=1)
            hint = f" No table {rule.table!r} exists" + (
                f"; did you mean {tables[0]!r}?" if tables else "."
            )
        yield Finding(
            "MR002",
            severity(config, "MR002"),
            message=(
                f"{rules.path} has a rule for {rule.table}.{rule.column}, but no model declares "
                f"that column.{hint} A rule that names the wrong column leaves the real one "
                f"unmasked."
            ),
            path=rules.path,
            line=rule.line or 1,
            table=rule.table,
            column=rule.column,
            rule=replace(rule, line=0),
            action="remove",
        )


def check_exemptions(inventory: Inventory, rules: RulesFile, config: Config) -> Iterator[Finding]:
    columns = inventory.by_key()
    have = rules.by_key()
    candidates = [*inventory.exemptions, *config_exemptions(config)]
    seen: set[tuple[str, int]] = set()
    for ex in candidates:
        if (ex.path, ex.line) in seen and ex.origin == "pragma":
            continue  # a mixin pragma is expanded into every table; judge the statement once
        column = columns.get((ex.table, ex.column))
        problem = None
        if column is None:
            if ex.origin == "pragma" and not ex.table:
                problem = "this `# masking: exempt` pragma is not on a column declaration"
            else:
                problem = (
                    f"the exemption names {ex.table}.{ex.column}, but no model declares that "
                    f"column"
                )
        elif not ex.reason:
            problem = (
                f"the exemption for {column.qualname} has no reason; write why masking is "
                f"unnecessary: `# masking: exempt -- <reason>`"
            )
        elif not needs_masking(column):
            problem = (
                f"{column.qualname} is exempted but not labelled sensitive; remove the "
                f"exemption, or label the column if it is sensitive"
            )
        elif column.key in have:
            problem = (
                f"{column.qualname} has both an exemption and a rule in {rules.path}; keep one"
            )
        if problem is None:
            continue
        seen.add((ex.path, ex.line))
        yield Finding(
            "MR005",
            severity(config, "MR005"),
            message=problem + ".",
            path=ex.path,
            line=ex.line,
            table=ex.table or None,
            column=ex.column or None,
            class_name=column.class_name if column else None,
            attribute=column.attribute if column else None,
        )


def gate_findings(inventory: Inventory, rules: RulesFile, config: Config) -> Iterator[Finding]:
    """Every deterministic finding for one snapshot of the repository."""
    yield from check_scan_errors(inventory, config)
    yield from check_rules_file(rules, config)
    yield from check_missing_rules(inventory, rules, config)
    yield from check_stale_rules(inventory, rules, config)
    yield from check_exemptions(inventory, rules, config)


_FAIL_ON_LEVELS: dict[str, tuple[Severity, ...]] = {
    "error": ("error",),
    "warning": ("error", "warning"),
    "never": (),
}


def blocks(finding: Finding, config: Config) -> bool:
    """Whether this finding blocks merging under ``fail-on``: only deterministic, live ones."""
    return (
        finding.severity in _FAIL_ON_LEVELS[config.fail_on]
        and not finding.baselined
        and finding.source == "deterministic"
    )


def selected(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """Only the codes ``select``/``ignore`` ask for; what cannot be read is always reported."""
    if config.select is None and not config.ignore:
        return list(findings)
    wanted = set(CODES if config.select is None else (*config.select, *ALWAYS_REPORTED))
    wanted -= set(config.ignore)
    return [f for f in findings if f.code in wanted]


def stamp_blocks(findings: Iterable[Finding], config: Config) -> tuple[Finding, ...]:
    """Each finding carries the gate's verdict, so no formatter re-derives it from severity."""
    return tuple(
        f if f.blocks == blocks(f, config) else replace(f, blocks=blocks(f, config))
        for f in findings
    )


def is_blocking(findings: Iterable[Finding], config: Config) -> bool:
    return any(blocks(f, config) for f in findings)

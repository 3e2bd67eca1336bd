"""The gate: which findings are reported (``select``/``ignore``) and which block (``fail-on``).

The checks themselves live in ``reviewer.checks``, one module per code, and yield bare
findings; this is the only place that decides whether one blocks, and only deterministic
findings can. Nothing here prints, and nothing here can be switched off by the AI layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from reviewer.checks.base import exemption_for, needs_masking
from reviewer.codes import ALWAYS_REPORTED, CODES, Severity
from reviewer.types import Config, Exemption, Finding, Inventory


def with_exemptions(inventory: Inventory, config: Config) -> Inventory:
    """Every column carries its exemption, whether written as a pragma or in config."""
    if not config.exemptions:
        return inventory
    return replace(inventory, columns=tuple(
        replace(c, exemption=exemption_for(c, config)) for c in inventory.columns))


def exemptions_in_force(inventory: Inventory, config: Config) -> tuple[Exemption, ...]:
    """Valid exemptions (a column that needs masking, non-empty reason): every report lists
    these."""
    out = []
    for column in inventory.columns:
        ex = exemption_for(column, config)
        if ex is not None and ex.reason and needs_masking(column):
            out.append(ex)
    return tuple(out)


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

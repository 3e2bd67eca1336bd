"""Stable finding codes. The same code is used in output, config, suppression and docs."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

# Here, not in types.py: codes.py is the leaf every other module may import, and types.py
# needs nothing from the package at import time.
Severity = Literal["error", "warning", "note"]


RuleAction = Literal["add", "remove", "replace"]
Scope = Literal["check", "diff"]


@dataclass(frozen=True, slots=True)
class Code:
    """A finding code and what the rest of the tool needs to know about its findings, so that
    no module keeps its own list of codes."""

    code: str
    name: str
    severity: Severity  # default; overridable per code with ``[tool.masking-reviewer.severity]``
    summary: str
    # what the finding's rule does to the rules file: ``reviewer fix`` applies add and remove
    rule_action: RuleAction | None = None
    # says "there is no rule for X": unknown, not true, while the rules file cannot be read
    needs_rules: bool = False
    # the finding lists the similar fields that informed its rule
    shows_similar: bool = False
    # may be recorded as known debt; not what makes the gate blind (it could not see past it)
    baselineable: bool = True
    # where it is reported: a whole-repository check, and/or the review of a change
    scope: tuple[Scope, ...] = ("check", "diff")

    @property
    def fixable(self) -> bool:
        return self.rule_action in ("add", "remove")


CODES: dict[str, Code] = {
    c.code: c
    for c in (
        Code("MR001", "missing-rule", "error",
             "A column labelled sensitive has no masking rule and no exemption.",
             rule_action="add", needs_rules=True),
        Code("MR002", "stale-rule", "error",
             "A masking rule names a table.column that no longer exists, so the real column "
             "(renamed or misspelt) goes unmasked.", rule_action="remove"),
        Code("MR003", "unlabeled-sensitive", "warning",
             "A new or changed column looks sensitive but has no label and no rule "
             "(error for high-confidence credentials and in a diff for a credential the "
             "repository masks under the same name, note for low-confidence guesses and for "
             "free text short of high confidence).",
             rule_action="add", needs_rules=True, shows_similar=True),
        Code("MR004", "label-mismatch", "warning",
             "A similar field elsewhere is labelled or masked, and this one is not.",
             rule_action="add", needs_rules=True, shows_similar=True, scope=("diff",)),
        Code("MR005", "invalid-exemption", "error",
             "An exemption has no reason, names no column, or sits on an unlabelled column."),
        Code("MR006", "invalid-rules", "error",
             "masking_rules.json is missing, is not valid JSON, or breaks its schema.",
             baselineable=False),
        Code("MR007", "parse-error", "error",
             "A model file cannot be parsed or resolved; the gate fails closed.",
             baselineable=False),
        Code("MR008", "weak-strategy", "warning",
             "The rule's strategy is wrong for the column's category or constraints.",
             rule_action="replace"),
        Code("MR009", "quasi-identifier", "note",
             "A quasi-identifier is copied at full resolution; consider generalize.",
             scope=("diff",)),
    )
}

BY_NAME: dict[str, Code] = {c.name: c for c in CODES.values()}


def lookup(code_or_name: str) -> Code | None:
    return CODES.get(code_or_name.upper()) or BY_NAME.get(code_or_name.lower())


# The gate fails closed when it cannot read its input; no selection can hide that.
ALWAYS_REPORTED = ("MR006", "MR007")


def parse_codes(items: Iterable[str]) -> tuple[str, ...]:
    """Codes or names (``MR001``, ``missing-rule``) -> codes. Raises ValueError naming an
    unknown one, so config and command line say exactly what is wrong."""
    out: list[str] = []
    for item in items:
        code = lookup(item.strip())
        if code is None:
            raise ValueError(f"unknown code {item.strip()!r}; known: {', '.join(CODES)}")
        out.append(code.code)
    return tuple(dict.fromkeys(out))


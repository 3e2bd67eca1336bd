"""Turn the model's answer into findings and dismissals, trusting nothing in it.

Every item must name a real column of the head inventory that the PR touched; anchors come
from the inventory. Dismissals may only target deterministic warnings. All model text is
sanitized before it is stored in a Finding.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pydantic import ValidationError

from reviewer.ai.sanitize import sanitize
from reviewer.ai.schema import Dismissal, Envelope, FlaggedColumn, strategy_known
from reviewer.checks.base import finding_on
from reviewer.similar import suggest_rule
from reviewer.types import Classification, Column, Finding, Inventory, SimilarField

_CATEGORY_PHRASE: dict[str, str] = {
    "credential": "a credential",
    "direct_identifier": "a direct identifier",
    "quasi_identifier": "a quasi-identifier",
    "financial": "financial data",
    "free_text": "free text that may hold personal data",
}


class MalformedAnswer(Exception):
    """The answer's top level does not match the schema."""


@dataclass(frozen=True, slots=True)
class Verdict:
    findings: tuple[Finding, ...]
    dismissals: tuple[tuple[str, str], ...]
    dropped: int


def _items(raw: object) -> Envelope:
    if not isinstance(raw, dict):
        raise MalformedAnswer("the answer is not a JSON object")
    try:
        return Envelope.model_validate(raw)
    except ValidationError as exc:
        raise MalformedAnswer(f"{exc.error_count()} schema error(s)") from exc


def _labelled(similar: tuple[SimilarField, ...]) -> tuple[SimilarField, ...]:
    return tuple(s for s in similar if s.labels or s.rule is not None)


def _finding(
    column: Column, item: FlaggedColumn, similar: tuple[SimilarField, ...], reason: str
) -> Finding:
    classification = Classification(item.category, item.confidence, "AI review")
    rule = suggest_rule(column, classification, similar)
    labelled = _labelled(similar)
    if labelled:
        code = "MR004"
        names = ", ".join(s.qualname for s in labelled[:3])
        message = (
            f"{column.qualname} has no label or masking rule, but similar fields are "
            f"labelled: {names}. AI review ({item.confidence} confidence): {reason}"
        )
    else:
        code = "MR003"
        message = (
            f"{column.qualname} looks like {_CATEGORY_PHRASE[item.category]} but has no "
            f"label or masking rule. AI review ({item.confidence} confidence): {reason}"
        )
    return replace(
        finding_on(column, code, "warning", message),
        rule=rule,
        action="add",
        similar=labelled,
        source="ai",
        category=item.category,  # the model's verdict, not the heuristic's
        confidence=item.confidence,
    )


def apply_answer(
    raw: object,
    *,
    inventory: Inventory,
    candidates: tuple[Column, ...],
    findings: tuple[Finding, ...],
    similar: dict[tuple[str, str], tuple[SimilarField, ...]],
) -> Verdict:
    """Validate ``raw`` item by item; raise MalformedAnswer only for a broken top level."""
    envelope = _items(raw)
    head = inventory.by_key()
    touched = {c.key for c in candidates}
    taken = {
        (f.code, f.table, f.column) for f in findings if f.source == "deterministic"
    }
    dropped = 0
    out: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    for raw_item in envelope.flagged:
        try:
            item = FlaggedColumn.model_validate(raw_item)
        except ValidationError:
            dropped += 1
            continue
        key = (item.table, item.column)
        column = head.get(key)
        if (
            column is None
            or key not in touched
            or column.sensitive  # labelled: MR001 already covers it
            or not strategy_known(item.strategy)
            or key in seen
        ):
            dropped += 1
            continue
        seen.add(key)
        reason = sanitize(item.reason) or "no reason given"
        finding = _finding(column, item, similar.get(key, ()), reason)
        if (finding.code, finding.table, finding.column) in taken:
            continue  # the deterministic layer already said it; not a drop
        out.append(finding)

    warnings = {
        f.fingerprint for f in findings if f.source == "deterministic" and f.severity == "warning"
    }
    dismissals: list[tuple[str, str]] = []
    for raw_item in envelope.dismissals:
        try:
            dismissal = Dismissal.model_validate(raw_item)
        except ValidationError:
            dropped += 1
            continue
        fp = dismissal.fingerprint
        if fp not in warnings or any(fp == d[0] for d in dismissals):
            dropped += 1  # errors, unknown or repeated fingerprints never clear anything
            continue
        dismissals.append((fp, sanitize(dismissal.reason) or "no reason given"))
    # Dismissing a column's warning and flagging the same column contradicts itself: an
    # answer like that (an injected one, typically) is used for neither.
    flagged = {(f.table, f.column) for f in out}
    column_of = {f.fingerprint: (f.table, f.column) for f in findings}
    torn = {column_of[fp] for fp, _ in dismissals if column_of.get(fp) in flagged}
    if torn:
        dropped += sum(1 for f in out if (f.table, f.column) in torn)
        dropped += sum(1 for fp, _ in dismissals if column_of.get(fp) in torn)
        out = [f for f in out if (f.table, f.column) not in torn]
        dismissals = [d for d in dismissals if column_of.get(d[0]) not in torn]
    return Verdict(tuple(out), tuple(dismissals), dropped)

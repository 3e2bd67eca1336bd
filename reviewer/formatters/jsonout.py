"""Machine-readable output, version 1. The shape is pinned by
``reviewer/schemas/findings.schema.json``; keys keep their order so diffs of saved output
stay readable.
"""

from __future__ import annotations

import json

from reviewer.constants import JSON_OUTPUT_VERSION
from reviewer.types import AiUsage, Exemption, Finding, Review, SimilarField

# A JSON value as the standard library emits it; the recursive alias keeps mypy strict
# without falling back to Any.
JsonValue = (
    str | int | float | bool | None | list["JsonValue"] | dict[str, "JsonValue"]
)


def _rule(entry: dict[str, object] | None) -> JsonValue:
    if entry is None:
        return None
    return json.loads(json.dumps(entry))  # type: ignore[no-any-return]


def _similar(s: SimilarField) -> dict[str, JsonValue]:
    return {
        "table": s.table,
        "column": s.column,
        "class": s.class_name,
        "attribute": s.attribute,
        "path": s.path,
        "line": s.line,
        "labels": list(s.labels),
        "rule": _rule(s.rule.entry() if s.rule is not None else None),
        "score": s.score,
    }


def finding_dict(f: Finding) -> dict[str, JsonValue]:
    return {
        "code": f.code,
        "name": f.name,
        "severity": f.severity,
        "table": f.table,
        "column": f.column,
        "class": f.class_name,
        "attribute": f.attribute,
        "path": f.path,
        "line": f.line,
        "col": f.col,
        "side": f.side,
        "message": f.message,
        "rule": _rule(f.rule.entry() if f.rule is not None else None),
        "action": f.action,
        "similar": [_similar(s) for s in f.similar],
        "fingerprint": f.fingerprint,
        "source": f.source,
        "in_hunk": f.in_hunk,
        "introduced": f.introduced,
        "baselined": f.baselined,
        "blocks": f.blocks,
        "category": f.category,
        "confidence": f.confidence,
        "evidence": f.evidence,
        "dismissed": f.dismissed,
    }


def _exemption(e: Exemption) -> dict[str, JsonValue]:
    return {
        "table": e.table,
        "column": e.column,
        "reason": e.reason,
        "path": e.path,
        "line": e.line,
        "origin": e.origin,
    }


def _usage(u: AiUsage | None) -> JsonValue:
    if u is None:
        return None
    return {
        "model": u.model,
        "input_tokens": u.input_tokens,
        "output_tokens": u.output_tokens,
        "cache_read_tokens": u.cache_read_tokens,
        "cache_write_tokens": u.cache_write_tokens,
        "cost_usd": u.cost_usd,
        "calls": u.calls,
    }


def review_dict(review: Review) -> dict[str, JsonValue]:
    return {
        "version": JSON_OUTPUT_VERSION,
        "base": review.base,
        "head": review.head,
        "blocking": review.blocking,
        "findings": [finding_dict(f) for f in review.findings],
        "exemptions": [_exemption(e) for e in review.exemptions],
        "notices": list(review.notices),
        "files_analysed": list(review.files_analysed),
        "files_skipped": [{"path": p, "reason": why} for p, why in review.files_skipped],
        "ai_usage": _usage(review.ai_usage),
        "changes": [
            {"kind": c.kind, "table": c.table, "column": c.column, "path": c.path,
             "line": c.line, "detail": c.detail}
            for c in review.changes
        ],
    }


def render_json(review: Review) -> str:
    return json.dumps(review_dict(review), indent=2, ensure_ascii=False) + "\n"

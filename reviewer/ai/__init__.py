"""The optional Claude layer: judgement on top of the deterministic findings.

It can add warnings (MR003/MR004, ``source="ai"``) and propose dismissals of heuristic
warnings. It can never remove, downgrade or move a deterministic finding, and every
failure becomes a visible notice: the gate is decided without it. ``anthropic`` is imported
only when a call is actually made.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from reviewer.ai.cache import cache_key, load, store
from reviewer.ai.prompt import (
    PROMPT_VERSION,
    PromptHunk,
    build_candidates,
    build_findings,
    redact_diff,
    render_review,
    render_system,
)
from reviewer.ai.schema import tool_definition
from reviewer.ai.validate import MalformedAnswer, apply_answer
from reviewer.constants import AI_RETRY_TOTAL_SECONDS
from reviewer.types import AiUsage, Column, Finding, Inventory, SimilarField

__all__ = [
    "AiOutcome",
    "AiRequest",
    "RenderedPrompt",
    "estimate_tokens",
    "render_request",
    "review_with_ai",
    "should_call",
]

NOTICE_NO_KEY = "AI review skipped: no API key"
NOTICE_NOTHING = "AI review skipped: no new or changed columns and no heuristic warnings"
_FAILED = "AI review failed: {reason}; the deterministic gate ran as usual"


@dataclass(frozen=True, slots=True)
class AiRequest:
    hunks: tuple[tuple[str, str], ...]  # (path, unified-diff text of a changed model file)
    candidates: tuple[Column, ...]  # head columns the PR added or changed
    findings: tuple[Finding, ...]  # deterministic findings (only warnings are dismissable)
    similar: tuple[tuple[tuple[str, str], tuple[SimilarField, ...]], ...]
    inventory: Inventory  # head inventory, for validation


@dataclass(frozen=True, slots=True)
class AiOutcome:
    findings: tuple[Finding, ...]
    dismissals: tuple[tuple[str, str], ...]  # (fingerprint of a deterministic WARNING, reason)
    usage: AiUsage | None
    notices: tuple[str, ...]
    dropped: int  # model items that failed validation


@dataclass(frozen=True, slots=True)
class RenderedPrompt:
    system: str
    user: str
    fingerprints: tuple[str, ...]


def _norm(path: str) -> str:
    return PurePosixPath(path.replace("\\", "/")).as_posix().removeprefix("./")


def should_call(changed_paths: Iterable[str], model_files: Iterable[str], rules_path: str) -> bool:
    """Only a PR that touches a model file or the rules file is worth a model call."""
    relevant = {_norm(p) for p in model_files} | {_norm(rules_path)}
    return any(_norm(p) in relevant for p in changed_paths)


def estimate_tokens(text: str) -> int:
    """Rough count (about 4 characters per token for English and code)."""
    return math.ceil(len(text) / 4)


def _similar_map(
    request: AiRequest,
) -> dict[tuple[str, str], tuple[SimilarField, ...]]:
    return {key: fields for key, fields in request.similar}


def render_request(request: AiRequest) -> RenderedPrompt:
    """The exact prompts that would be sent, with every string literal redacted."""
    inventory = request.inventory
    # Table and column names are schema, not data: keep them when quoted.
    keep = frozenset(c.table for c in inventory.columns) | frozenset(
        c.column for c in inventory.columns
    )
    hunks = tuple(
        PromptHunk(path=_norm(path), diff=redact_diff(diff, keep))
        for path, diff in sorted(request.hunks)
    )
    candidates = build_candidates(request.candidates, _similar_map(request), keep)
    findings = build_findings(request.findings)
    return RenderedPrompt(
        system=render_system(),
        user=render_review(hunks, candidates, findings),
        fingerprints=tuple(f.fingerprint for f in findings),
    )


def _outcome(
    notices: tuple[str, ...] = (), usage: AiUsage | None = None, dropped: int = 0
) -> AiOutcome:
    return AiOutcome(findings=(), dismissals=(), usage=usage, notices=notices, dropped=dropped)


def _review(
    request: AiRequest,
    *,
    model: str,
    api_key: str,
    base_url: str | None,
    cache_dir: Path | None,
    max_total_seconds: float,
) -> AiOutcome:
    from reviewer.ai.client import AiCallError, call_model

    warnings = [
        f for f in request.findings if f.source == "deterministic" and f.severity == "warning"
    ]
    if not request.candidates and not warnings:
        return _outcome((NOTICE_NOTHING,))
    prompt = render_request(request)
    key = cache_key(
        model=model,
        prompt_version=PROMPT_VERSION,
        fingerprints=prompt.fingerprints,
        system=prompt.system,
        user=prompt.user,
    )
    answer = load(cache_dir, key)
    if answer is not None:
        usage = AiUsage(model=model, calls=0)
    else:
        try:
            reply = call_model(
                system=prompt.system,
                user=prompt.user,
                tool=tool_definition(),
                model=model,
                api_key=api_key,
                base_url=base_url,
                max_total_seconds=max_total_seconds,
            )
        except AiCallError as exc:
            return _outcome((_FAILED.format(reason=exc),), exc.usage)
        usage = reply.usage
        answer = reply.tool_input
        if answer is None:
            reason = "the model returned no structured answer"
            return _outcome((_FAILED.format(reason=reason),), usage)
    try:
        verdict = apply_answer(
            answer,
            inventory=request.inventory,
            candidates=request.candidates,
            findings=request.findings,
            similar=_similar_map(request),
        )
    except MalformedAnswer as exc:
        reason = f"the model's answer did not match the schema ({exc})"
        return _outcome((_FAILED.format(reason=reason),), usage)
    if usage.calls:
        store(cache_dir, key, model, answer)
    # The drop count is reported through ``dropped``; the caller words the notice once.
    return AiOutcome(
        findings=verdict.findings,
        dismissals=verdict.dismissals,
        usage=usage,
        notices=(),
        dropped=verdict.dropped,
    )


def review_with_ai(
    request: AiRequest,
    *,
    model: str,
    api_key: str | None,
    base_url: str | None = None,
    cache_dir: Path | None = None,
    max_total_seconds: float = AI_RETRY_TOTAL_SECONDS,
) -> AiOutcome:
    """Ask the model once; never raises, and never changes a deterministic finding."""
    if not api_key:
        return _outcome((NOTICE_NO_KEY,))
    try:
        return _review(
            request,
            model=model,
            api_key=api_key,
            base_url=base_url,
            cache_dir=cache_dir,
            max_total_seconds=max_total_seconds,
        )
    except Exception as exc:  # the optional layer must never break the gate
        return _outcome((_FAILED.format(reason=f"internal error ({type(exc).__name__})"),))

"""Render the system and review prompts from the Jinja2 templates in ``prompts/``.

Everything the model sees passes through here: string literals are redacted (defaults can
hold real secrets), and the diff is fenced as untrusted input.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import jinja2

from reviewer.strategies import STRATEGIES, Strategy
from reviewer.types import CATEGORIES, Column, Finding, SimilarField

PROMPT_VERSION = 4  # bump on any change to the templates' meaning; part of the cache key
REDACTED = '"<redacted>"'
# Fences the PR cannot plausibly contain; any occurrence inside is neutralised anyway.
DIFF_FENCE_OPEN = "<<<UNTRUSTED_DIFF"
DIFF_FENCE_CLOSE = "UNTRUSTED_DIFF>>>"
DATA_FENCE_OPEN = "<<<UNTRUSTED_DATA"
DATA_FENCE_CLOSE = "UNTRUSTED_DATA>>>"
_FENCE_WORD = re.compile("UNTRUSTED_", re.IGNORECASE)

_DOTTED = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}(?:\.[A-Za-z_][A-Za-z0-9_]{0,62}){0,2}")
_COMMENT_QUOTED = re.compile(r"'[^'\n]*'|\"[^\"\n]*\"")


def prompts_dir() -> Path:
    """``prompts/`` in a source checkout, else the copy the wheel force-includes."""
    package = Path(__file__).resolve().parent.parent
    checkout = package.parent / "prompts"
    if (checkout / "system.md.j2").is_file():
        return checkout
    return package / "_data" / "prompts"


def unfenced(text: str) -> str:
    """``text`` with every fence word broken, so nothing from the PR can open or close one."""
    return _FENCE_WORD.sub("UNTRUSTED-", text)


def quoted(value: object) -> str:
    """A PR-controlled string as it appears in the prompt: one JSON string on one line (no
    line break of its own to fake a heading with), fence words broken."""
    return unfenced(json.dumps(str(value), ensure_ascii=False))


@lru_cache(maxsize=4)
def _environment(directory: str) -> jinja2.Environment:
    # The output is a plain-text prompt, not HTML: escaping would corrupt code in the diff.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",), default=False),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["q"] = quoted
    return env


def _render(name: str, **context: object) -> str:
    return _environment(str(prompts_dir())).get_template(name).render(**context)


def _closing(body: str, start: int, quote: str) -> int:
    """Index of the quote that closes a string whose body starts at ``start``, or -1."""
    i = start
    while i < len(body):
        if body[i] == "\\":
            i += 2
            continue
        if body.startswith(quote, i):
            return i
        i += 1
    return -1


def _redact_body(body: str, keep: frozenset[str], in_triple: str | None) -> tuple[str, str | None]:
    """Redact one line of code; returns it and the triple quote still open after it."""
    out: list[str] = []
    i = 0
    if in_triple is not None:
        end = _closing(body, 0, in_triple)
        if end < 0:
            return ("<redacted>" if body.strip() else body), in_triple
        out.append(in_triple[0])
        i = end + 3
    while i < len(body):
        ch = body[i]
        if ch == "#":
            # Comments are kept (they are code review context) but quoted text in them is not.
            out.append(_COMMENT_QUOTED.sub(REDACTED, body[i:]))
            break
        if ch not in "'\"":
            out.append(ch)
            i += 1
            continue
        quote = body[i : i + 3] if body[i : i + 3] in ("'''", '"""') else ch
        end = _closing(body, i + len(quote), quote)
        if end < 0:
            if len(quote) == 3:
                out.append('"<redacted>')
                return "".join(out), quote
            out.append(REDACTED)  # unterminated on this line: drop the rest
            break
        inner = body[i + len(quote) : end]
        out.append(f'"{inner}"' if inner in keep else REDACTED)
        i = end + len(quote)
    return "".join(out), None


def redact_line(text: str, keep: frozenset[str] = frozenset()) -> str:
    return _redact_body(text, keep, None)[0]


def redact_diff(diff: str, keep: frozenset[str] = frozenset()) -> str:
    """Replace every quoted literal in a unified diff with ``"<redacted>"``.

    Works line by line on the diff (the ``+``/``-``/`` `` prefix stays) and remembers an
    open triple-quoted string across lines, so a multi-line docstring or default is
    redacted whole. Over-redaction is the safe failure; identifiers are kept, and so are
    literals that are exactly a known table or column name (schema, not data).
    """
    out: list[str] = []
    in_triple: str | None = None
    for raw in diff.splitlines():
        if raw.startswith(("@@", "diff --git", "--- ", "+++ ", "index ")):
            in_triple = None
            out.append(raw)
            continue
        prefix, body = (raw[:1], raw[1:]) if raw[:1] in ("+", "-", " ", "\\") else ("", raw)
        body, in_triple = _redact_body(body, keep, in_triple)
        out.append(prefix + body)
    text = "\n".join(out)
    # No fence may be opened or closed from inside.
    text = text.replace(DIFF_FENCE_CLOSE, "UNTRUSTED_DIFF]]")
    return unfenced(text.replace(DIFF_FENCE_OPEN, "[[UNTRUSTED_DIFF"))


@dataclass(frozen=True, slots=True)
class PromptHunk:
    path: str
    diff: str


@dataclass(frozen=True, slots=True)
class PromptSimilar:
    qualname: str
    table: str
    column: str
    labels: str
    strategy: str


@dataclass(frozen=True, slots=True)
class PromptCandidate:
    qualname: str
    table: str
    column: str
    path: str
    line: int
    type: str
    constraints: str
    labels: str
    similar: tuple[PromptSimilar, ...]
    # the deterministic classifier's verdict and its evidence (identifiers and vocabulary
    # words only, never the column's comment text)
    verdict: str


@dataclass(frozen=True, slots=True)
class PromptFinding:
    fingerprint: str
    code: str
    name: str
    severity: str
    target: str


def _constraints(c: Column) -> str:
    parts = ["nullable" if c.nullable else "NOT NULL"]
    if c.unique:
        parts.append("unique")
    if c.index:
        parts.append("indexed")
    if c.foreign_key and _DOTTED.fullmatch(c.foreign_key):  # a literal: only if it is a name
        parts.append(f"foreign key to {c.foreign_key}")
    if c.primary_key:
        parts.append("primary key")
    return ", ".join(parts)


def _verdict(c: Column) -> str:
    if c.category is None:
        return "not sensitive by name, type or context"
    kind = c.category.replace("_", " ")
    return f"{kind}, {c.confidence} confidence ({c.evidence or 'no evidence recorded'})"


def _similar(fields: tuple[SimilarField, ...]) -> tuple[PromptSimilar, ...]:
    return tuple(
        PromptSimilar(
            qualname=f.qualname,
            table=f.table,
            column=f.column,
            labels=", ".join(f.labels) or "unlabelled",
            strategy=f.rule.strategy if f.rule is not None else "no rule",
        )
        for f in fields
    )


def build_candidates(
    columns: tuple[Column, ...],
    similar: dict[tuple[str, str], tuple[SimilarField, ...]],
    keep: frozenset[str],
) -> tuple[PromptCandidate, ...]:
    return tuple(
        PromptCandidate(
            qualname=c.qualname,
            table=c.table,
            column=c.column,
            path=c.path,
            line=c.line,
            type=redact_line(c.type, keep) if c.type else "unknown",
            constraints=_constraints(c),
            labels=", ".join(c.labels) or "none",
            similar=_similar(similar.get(c.key, ())),
            verdict=_verdict(c),
        )
        for c in sorted(columns, key=lambda c: (c.path, c.line, c.table, c.column))
    )


def build_findings(findings: tuple[Finding, ...]) -> tuple[PromptFinding, ...]:
    out = []
    for f in sorted(findings, key=lambda f: (f.path, f.line, f.code, f.fingerprint)):
        if f.source != "deterministic":
            continue
        target = f"{f.table}.{f.column}" if f.table and f.column else f.path
        out.append(PromptFinding(f.fingerprint, f.code, f.name, f.severity, target))
    return tuple(out)


def render_system() -> str:
    strategies: tuple[Strategy, ...] = tuple(STRATEGIES.values())
    return _render("system.md.j2", categories=CATEGORIES, strategies=strategies)


def render_review(
    hunks: tuple[PromptHunk, ...],
    candidates: tuple[PromptCandidate, ...],
    findings: tuple[PromptFinding, ...],
) -> str:
    return _render(
        "review.md.j2",
        hunks=hunks,
        candidates=candidates,
        findings=findings,
        fence_open=DIFF_FENCE_OPEN,
        fence_close=DIFF_FENCE_CLOSE,
        data_open=DATA_FENCE_OPEN,
        data_close=DATA_FENCE_CLOSE,
    )

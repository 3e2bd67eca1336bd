"""Comment bodies for GitHub, from the jinja2 templates in ``reviewer/templates``.

Text that came from the pull request (names, notes) or from the AI layer passes through
``untrusted`` first, so it can never carry one of our hidden markers: a forged marker would
make the poster believe a finding was already commented, or delete someone's comment.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import jinja2

from reviewer.constants import (
    FINGERPRINT_MARKER,
    MARKER_PREFIX,
    MAX_COMMENT_CHARS,
    SUMMARY_MARKER,
)
from reviewer.formatters import action_phrase, location, similar_phrase, summary_line
from reviewer.formatters.markdown import code_cell, escape_cell, escape_text, fenced
from reviewer.types import Finding, Review

FIX_COMMAND = "reviewer fix"
RESOLVED_MARKER = "<!-- masking-reviewer:resolved={fp} -->"
_ICONS = {"error": "🔴", "warning": "🟠", "note": "🔵"}
_TRUNCATED = "\n\n…(truncated to fit GitHub's comment size limit; see the job summary)\n\n"
FP_RE = re.compile(r"<!-- masking-reviewer:fp=([0-9a-f]{6,64}) -->")
RESOLVED_RE = re.compile(r"<!-- masking-reviewer:resolved=([0-9a-f]{6,64}) -->")
_ANY_MARKER_RE = re.compile(re.escape(MARKER_PREFIX) + r".*?(-->|$)", re.DOTALL)
_MENTION_RE = re.compile(r"(?<![\w`])@(?=[A-Za-z0-9])")


def untrusted(text: str) -> str:
    """Neutralise our markers, HTML comments and @mentions in text we did not write."""
    text = _ANY_MARKER_RE.sub("", text)
    text = text.replace("<!--", "&lt;!--").replace("-->", "--&gt;")
    # a zero-width joiner keeps the text readable but stops GitHub notifying anyone
    return _MENTION_RE.sub("@\u200d", text)


def fingerprint_marker(fp: str) -> str:
    return FINGERPRINT_MARKER.format(fp=fp)


def resolved_marker(fp: str) -> str:
    return RESOLVED_MARKER.format(fp=fp)


@cache
def _env() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("reviewer", "templates"),
        # Markdown, not HTML: escaping is done explicitly by ``untrusted``/``escape_text``.
        autoescape=jinja2.select_autoescape(enabled_extensions=("html",)),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )


def fit(body: str, marker: str, limit: int = MAX_COMMENT_CHARS) -> str:
    """Cap a body at GitHub's limit and keep the marker, which must survive any cut."""
    if len(body) <= limit:
        return body
    room = limit - len(_TRUNCATED) - len(marker)
    return body[:room] + _TRUNCATED + marker


@dataclass(frozen=True, slots=True)
class InlineView:
    icon: str
    code: str
    name: str
    message: str
    ai: bool
    similar: tuple[str, ...]
    action: str
    entry: str
    fix_command: str
    marker: str


def with_ai_note(f: Finding) -> str:
    """The message, plus the AI's opinion when it called the warning a false positive."""
    if f.dismissed is None:
        return f.message
    return f"{f.message} (AI review: likely a false positive: {f.dismissed})"


def inline_view(f: Finding, rules_path: str) -> InlineView:
    entry = ""
    if f.rule is not None:
        entry = fenced(json.dumps(f.rule.entry(), indent=2, ensure_ascii=False), "json")
    return InlineView(
        icon=_ICONS[f.severity],
        code=f.code,
        name=f.name,
        message=untrusted(escape_text(with_ai_note(f))),
        ai=f.source == "ai",
        similar=tuple(untrusted(escape_text(similar_phrase(s))) + f" — `{s.path}:{s.line}`"
                      for s in f.similar),
        action=untrusted(escape_text(action_phrase(f, rules_path) or "")),
        entry=untrusted(entry),
        fix_command=FIX_COMMAND,
        marker=fingerprint_marker(f.fingerprint),
    )


def inline_body(f: Finding, rules_path: str) -> str:
    view = inline_view(f, rules_path)
    body = _env().get_template("inline_comment.md.j2").render(c=view)
    return fit(body, view.marker)


@dataclass(frozen=True, slots=True)
class BodyFinding:
    icon: str
    code: str
    name: str
    location: str
    body: str


@dataclass(frozen=True, slots=True)
class ReviewBodyView:
    headline: str
    head_short: str
    base_short: str
    inline_count: int
    findings: tuple[BodyFinding, ...]
    capped: bool
    cap: int
    omitted: int


def review_body(
    review: Review, *, head: str, base: str, inline_count: int,
    in_body: Sequence[Finding], capped: bool, cap: int,
) -> tuple[str, tuple[Finding, ...]]:
    """The review's own body; returns it and the findings that fit (their markers are in it)."""
    blocking = "merge is blocked" if review.blocking else "nothing blocks merging"
    kept: list[BodyFinding] = []
    included: list[Finding] = []
    used = 2000  # the template's own text, generously
    for f in in_body:
        item = BodyFinding(
            icon=_ICONS[f.severity], code=f.code, name=f.name,
            location=untrusted(escape_text(location(f))),
            body=inline_body(f, review.rules_path),
        )
        size = len(item.body) + len(item.location) + 200
        if used + size > MAX_COMMENT_CHARS:
            break
        used += size
        kept.append(item)
        included.append(f)
    view = ReviewBodyView(
        headline=blocking, head_short=head[:12], base_short=base[:12],
        inline_count=inline_count, findings=tuple(kept), capped=capped, cap=cap,
        omitted=len(in_body) - len(kept),
    )
    body = _env().get_template("review_body.md.j2").render(v=view)
    return body[:MAX_COMMENT_CHARS], tuple(included)


@dataclass(frozen=True, slots=True)
class SummaryRow:
    icon: str
    code: str
    name: str
    location: str
    entry: str


@dataclass(frozen=True, slots=True)
class SummaryView:
    marker: str
    status: str
    summary_line: str
    head_short: str
    base_short: str
    rows: tuple[SummaryRow, ...]
    more_rows: int
    resolved: int
    old: int
    exemptions: int
    notices: tuple[str, ...]
    fix_command: str
    rules_path: str


_SUMMARY_ROWS = 100


def summary_comment(
    review: Review, *, head: str, base: str | None, resolved: int, notices: Sequence[str],
) -> str:
    live = list(review.new_findings)  # AI dismissals are notes; nothing is hidden
    rows = tuple(
        SummaryRow(
            icon=_ICONS[f.severity], code=f.code, name=f.name,
            location=code_cell(location(f)),
            entry=code_cell(json.dumps(f.rule.entry(), ensure_ascii=False)) if f.rule else "",
        )
        for f in live[:_SUMMARY_ROWS]
    )
    view = SummaryView(
        marker=SUMMARY_MARKER,
        status="❌" if review.blocking else "✅",
        summary_line=untrusted(escape_text(summary_line(review))),
        head_short=head[:12],
        base_short=(base or "")[:12],
        rows=tuple(
            SummaryRow(r.icon, r.code, r.name, untrusted(r.location), untrusted(r.entry))
            for r in rows
        ),
        more_rows=max(0, len(live) - _SUMMARY_ROWS),
        resolved=resolved,
        old=len(review.old_findings),
        exemptions=len(review.exemptions),
        notices=tuple(untrusted(escape_cell(n)) for n in (*review.notices, *notices)),
        fix_command=FIX_COMMAND if any(f.rule for f in live) else "",
        rules_path=untrusted(escape_text(review.rules_path)),
    )
    body = _env().get_template("summary_comment.md.j2").render(v=view)
    return fit(body, "")


def resolved_body(old_body: str, fp: str, sha: str) -> str:
    """The edit for a comment whose finding is gone but which has replies worth keeping."""
    text = FP_RE.sub("", old_body).strip()
    headline, _, rest = text.partition("\n")
    marker = resolved_marker(fp)
    body = f"~~{headline.strip()}~~ ✅ resolved in {sha[:12]}\n"
    if rest.strip():
        body += f"\n<details><summary>original comment</summary>\n\n{rest.strip()}\n\n</details>\n"
    return fit(body + "\n" + marker, marker)

"""The job summary (``$GITHUB_STEP_SUMMARY``) and PR summary comment body.

Finding text can come from a PR author (table and column names) or from the AI layer, so
nothing from a finding reaches the page as raw HTML or as a table-breaking ``|``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from reviewer.constants import MAX_STEP_SUMMARY_BYTES, TOOL_NAME
from reviewer.formatters import (
    action_phrase,
    counts,
    coverage_changes,
    location,
    plural,
    similar_phrase,
    summary_line,
)
from reviewer.types import Finding, Review

_SEVERITY_ICONS = {"error": "🔴 error", "warning": "🟠 warning", "note": "🔵 note"}
_TRUNCATION_RESERVE = 512  # room for the closing note after a hard cut


def escape_text(text: str) -> str:
    """Plain Markdown text that cannot open an HTML tag or an entity."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_cell(text: str) -> str:
    """A table cell: no raw HTML, no column break, no row break."""
    text = escape_text(text).replace("|", "\\|")
    return re.sub(r"\r\n|\r|\n", "<br>", text)


def code_cell(text: str) -> str:
    """Inline code inside a table cell. Code spans never render HTML, but GFM still splits
    cells on ``|`` inside them, and a backtick would close the span early."""
    text = re.sub(r"\s+", " ", text).replace("`", "'").replace("|", "\\|")
    return f"`{text}`"


def fenced(body: str, lang: str = "") -> str:
    """A fence longer than any backtick run in ``body``, so the body cannot close it."""
    longest = max((len(m) for m in re.findall(r"`+", body)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{lang}\n{body}\n{fence}"


def _entry_cell(f: Finding, rules_path: str) -> str:
    phrase = action_phrase(f, rules_path)
    if f.rule is None or phrase is None:
        return ""
    return f"{escape_cell(phrase.split(' ', 1)[0])} {code_cell(json.dumps(f.rule.entry()))}"


def _table(findings: Sequence[Finding], rules_path: str, *, reason: bool = False) -> list[str]:
    head = "| code | severity | location | message | entry |"
    rule = "| --- | --- | --- | --- | --- |"
    if reason:
        head, rule = head + " AI's reason |", rule + " --- |"
    rows = [head, rule]
    for f in findings:
        message = f.message
        if f.similar:
            message += "\n" + "\n".join(f"similar: {similar_phrase(s)}" for s in f.similar)
        if f.source == "ai":
            message += "\n(from the AI review)"
        cells = [
            f"{code_cell(f.code)} {escape_cell(f.name)}",
            _SEVERITY_ICONS[f.severity],
            code_cell(location(f)),
            escape_cell(message),
            _entry_cell(f, rules_path),
        ]
        if reason:
            cells.append(escape_cell(f.dismissed or ""))
        rows.append("| " + " | ".join(cells) + " |")
    return rows


def _entries_block(findings: Sequence[Finding], rules_path: str) -> list[str]:
    out: list[str] = []
    for action, title in (
        ("add", f"Add to `{escape_text(rules_path)}` (inside `\"rules\"`):"),
        ("replace", f"Replace in `{escape_text(rules_path)}` with:"),
        ("remove", f"Remove from `{escape_text(rules_path)}`:"),
    ):
        entries = [f.rule.entry() for f in findings
                   if f.rule is not None and (f.action or "add") == action]
        if entries:
            body = ",\n".join(json.dumps(e, ensure_ascii=False) for e in entries)
            out += ["", title, "", fenced(body, "json")]
    return out


def _build(review: Review, cap: int | None, tool_version: str) -> str:
    live = [f for f in review.findings if not f.baselined]
    new = [f for f in live if f.introduced]
    old = [f for f in live if not f.introduced]
    debt = [f for f in review.findings if f.baselined]
    dismissed = [f for f in review.findings if f.dismissed is not None and not f.baselined]
    blocking, errors, warnings, notes = counts(review)

    lines: list[str] = []
    if review.blocking:
        lines.append(f"## ❌ {TOOL_NAME} blocks merging")
    else:
        lines.append(f"## ✅ {TOOL_NAME} passes")
    lines += ["", escape_text(summary_line(review))]
    if review.files_skipped:
        lines += ["", f"> ⚠️ **Partial review:** {plural(len(review.files_skipped), 'file')} "
                  "could not be analysed; see below."]

    omitted = 0

    def capped(findings: list[Finding], *, count: bool = True) -> list[Finding]:
        nonlocal omitted
        if cap is None or len(findings) <= cap:
            return findings
        if count:
            omitted += len(findings) - cap
        return findings[:cap]

    if new and old:
        lines += ["", "### Introduced by this change", ""]
        lines += _table(capped(new), review.rules_path)
        lines += ["", "### Already on the base branch", ""]
        lines += _table(capped(old), review.rules_path)
    elif live:
        lines += ["", "### Findings", ""]
        lines += _table(capped(live), review.rules_path)
    # The same rows as the tables above, so they are not counted twice as omitted.
    lines += _entries_block(capped(live, count=False), review.rules_path)

    shown, added = coverage_changes(review)
    if shown or added:
        lines += ["", "### What this change did to masking coverage", ""]
        if added:
            lines.append(f"- {plural(added, 'new column')}")
        lines += [f"- {escape_text(line)}" for line in shown]

    if review.exemptions:
        lines += ["", f"### Exemptions in force ({len(review.exemptions)})", ""]
        lines += [
            f"- {code_cell(f'{e.table}.{e.column}')}: {escape_cell(e.reason)} "
            f"({code_cell(f'{e.path}:{e.line}')}, {e.origin})"
            for e in review.exemptions
        ]

    lines += ["", "### What was analysed", ""]
    analysed = ", ".join(code_cell(p) for p in review.files_analysed) or "none"
    lines.append(f"- {plural(len(review.files_analysed), 'file')} analysed: {analysed}")
    if review.files_skipped:
        lines.append(f"- ⚠️ {plural(len(review.files_skipped), 'file')} skipped "
                     "(this review is partial):")
        lines += [f"  - {code_cell(p)}: {escape_cell(why)}" for p, why in review.files_skipped]
    if review.base or review.head:
        lines.append(f"- base {code_cell(review.base or 'working tree')}, "
                     f"head {code_cell(review.head or 'working tree')}")

    if debt:
        lines += ["", f"### Known debt ({plural(len(debt), 'baselined finding')}, not blocking)",
                  ""]
        lines += _table(capped(debt), review.rules_path)

    if review.notices or review.ai_usage is not None:
        lines += ["", "### AI review", ""]
        lines += [f"- {escape_cell(n)}" for n in review.notices]
        if review.ai_usage is not None:
            u = review.ai_usage
            lines.append(
                f"- model {code_cell(u.model)}: {plural(u.calls, 'call')}, "
                f"{u.input_tokens} input + {u.output_tokens} output tokens "
                f"({u.cache_read_tokens} cache read, {u.cache_write_tokens} cache write), "
                f"${u.cost_usd:.4f}"
            )

    if dismissed:
        lines += ["", "<details>",
                  f"<summary>AI notes: {plural(len(dismissed), 'finding')} above the AI calls "
                  "likely false positives (still shown and counted; a human decides)</summary>",
                  ""]
        lines += _table(capped(dismissed), review.rules_path, reason=True)
        lines += ["", "</details>"]

    if omitted:
        lines += ["", f"_Summary truncated to stay under GitHub's "
                  f"{MAX_STEP_SUMMARY_BYTES // 1024} KiB limit: {omitted} rows not shown. "
                  "Run `reviewer check --format json` for everything._"]
    lines += ["", f"<sub>{TOOL_NAME} {escape_text(tool_version)} · "
              f"{blocking} blocking, "
              + (f"{plural(errors, 'non-blocking error')}, " if errors else "")
              + f"{plural(warnings, 'warning')}, {plural(notes, 'note')}</sub>"]
    return "\n".join(lines) + "\n"


def render_markdown(
    review: Review, *, tool_version: str = "", max_bytes: int = MAX_STEP_SUMMARY_BYTES
) -> str:
    """The summary, kept under ``max_bytes`` of UTF-8 by showing fewer rows per table."""
    out = _build(review, None, tool_version)
    if len(out.encode("utf-8")) <= max_bytes:
        return out
    # Binary search for the most rows per table that still fit.
    low, high = 0, len(review.findings)
    best: str | None = None
    while low <= high:
        cap = (low + high) // 2
        candidate = _build(review, cap, tool_version)
        if len(candidate.encode("utf-8")) <= max_bytes:
            best, low = candidate, cap + 1
        else:
            high = cap - 1
    if best is not None:
        return best
    # Even with no rows it is too long (huge exemption or file lists): cut at a line.
    note = "\n\n_Summary cut here to stay under GitHub's size limit._\n"
    budget = max(0, max_bytes - len(note.encode("utf-8")))
    head = out.encode("utf-8")[:budget].decode("utf-8", errors="ignore")
    head = head.rsplit("\n", 1)[0] if "\n" in head else ""
    return head + note

"""Plain-text output for terminals and CI logs: one finding per ``path:line:`` line."""

from __future__ import annotations

from collections.abc import Iterable

from reviewer.formatters import (
    action_phrase,
    coverage_changes,
    entry_json,
    location,
    plural,
    similar_phrase,
    summary_line,
)
from reviewer.types import Finding, Review

_RESET = "\x1b[0m"
_BOLD = "\x1b[1m"
_DIM = "\x1b[2m"
_SEVERITY_COLOURS = {"error": "\x1b[31m", "warning": "\x1b[33m", "note": "\x1b[36m"}
_GREEN = "\x1b[32m"
_RED = "\x1b[31m"


class _Paint:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        return "".join(styles) + text + _RESET


def _finding_lines(finding: Finding, rules_path: str, paint: _Paint) -> list[str]:
    code = paint(f"{finding.code} {finding.name}", _BOLD, _SEVERITY_COLOURS[finding.severity])
    head = f"{paint(location(finding) + ':', _BOLD)} {code} {finding.message}"
    lines = [head]
    if finding.source == "ai":
        confidence = f", {finding.confidence} confidence" if finding.confidence else ""
        lines.append(f"    {paint(f'(from the AI review{confidence})', _DIM)}")
    phrase = action_phrase(finding, rules_path)
    entry = entry_json(finding)
    if phrase is not None and entry is not None:
        lines.append(f"    {phrase}:")
        lines.append(f"      {entry}")
    lines.extend(f"    similar: {similar_phrase(s)}" for s in finding.similar)
    if finding.dismissed is not None:
        lines.append(f"    likely false positive (AI): {finding.dismissed}")
    return lines


def _section(title: str, findings: Iterable[Finding], rules_path: str, paint: _Paint) -> list[str]:
    out = [paint(title, _BOLD)]
    for f in findings:
        out.extend(_finding_lines(f, rules_path, paint))
    return out


def render_text(review: Review, *, color: bool = False, quiet: bool = False) -> str:
    paint = _Paint(color)
    new = [f for f in review.findings if f.introduced and not f.baselined]
    old = [f for f in review.findings if not f.introduced and not f.baselined]
    debt = [f for f in review.findings if f.baselined]

    lines: list[str] = []
    if old and new:
        lines += _section("Introduced by this change:", new, review.rules_path, paint)
        lines += [""]
        lines += _section("Already on the base branch:", old, review.rules_path, paint)
    else:
        # One group only: headings would be noise.
        for f in new or old:
            lines.extend(_finding_lines(f, review.rules_path, paint))
    if debt:
        if lines:
            lines.append("")
        lines += _section(
            f"Known debt ({plural(len(debt), 'baselined finding')}, not blocking):",
            debt,
            review.rules_path,
            paint,
        )

    if quiet:  # findings only, like ruff --quiet: nothing at all when there are none
        return "\n".join(lines) + "\n" if lines else ""

    footer: list[str] = []
    shown, added = coverage_changes(review)
    if shown or added:
        footer.append(
            "This change: " + (plural(added, "new column") if added else "no new columns")
            + (":" if shown else "")
        )
        footer.extend(f"  {line}" for line in shown)
    if review.exemptions:
        footer.append(f"{plural(len(review.exemptions), 'exemption')} in force:")
        footer.extend(
            f"  {e.table}.{e.column} ({e.path}:{e.line}, {e.origin}): {e.reason}"
            for e in review.exemptions
        )
    footer.extend(f"notice: {n}" for n in review.notices)
    if review.files_skipped:
        footer.append(
            f"partial review: {plural(len(review.files_skipped), 'file')} skipped "
            f"({plural(len(review.files_analysed), 'file')} analysed):"
        )
        footer.extend(f"  {path}: {why}" for path, why in review.files_skipped)
    if review.ai_usage is not None:
        u = review.ai_usage
        footer.append(
            f"AI review: {u.model}, {plural(u.calls, 'call')}, {u.input_tokens} input + "
            f"{u.output_tokens} output tokens ({u.cache_read_tokens} cached), "
            f"${u.cost_usd:.4f}"
        )
    verdict = paint("blocks merging", _BOLD, _RED) if review.blocking else paint("passes", _GREEN)
    footer.append(f"{summary_line(review)} — {verdict}")

    if lines:
        lines.append("")
    lines.extend(footer)
    return "\n".join(lines) + "\n"

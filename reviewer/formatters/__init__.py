"""Renderers for a ``Review``: text, json, sarif, github annotations and markdown.

Formatters render; they never decide. Severity, blocking and filtering are settled before a
``Review`` reaches this package; the only thing a formatter may drop is what a display cap
forces it to, and then it says how many it left out.
"""

# No ``from __future__ import annotations`` here: it would bind the name ``annotations``
# in this package and shadow the ``annotations`` submodule.
import json

from reviewer import __version__
from reviewer.errors import UsageError
from reviewer.types import Change, Finding, Review, SimilarField

FORMATS: tuple[str, ...] = ("text", "json", "sarif", "github", "markdown")

# Verb shown in front of the exact rules-file entry a finding carries.
ACTION_VERBS: dict[str, str] = {
    "add": "add to",
    "remove": "remove from",
    "replace": "replace in",
}


def entry_json(finding: Finding) -> str | None:
    """The exact rules-file entry, compact, as a user pastes it."""
    if finding.rule is None:
        return None
    return json.dumps(finding.rule.entry(), ensure_ascii=False)


def action_phrase(finding: Finding, rules_path: str) -> str | None:
    """``add to masking_rules.json`` and friends, or None when the finding carries no entry."""
    if finding.rule is None:
        return None
    verb = ACTION_VERBS.get(finding.action or "add", "add to")
    return f"{verb} {rules_path}"


def location(finding: Finding) -> str:
    if finding.col is not None:
        return f"{finding.path}:{finding.line}:{finding.col}"
    return f"{finding.path}:{finding.line}"


def short_label(label: str) -> str:
    """``ColumnVisibility.PRIVATE`` -> ``PRIVATE``: the configured prefix is noise in output."""
    return label.rsplit(".", 1)[-1]


def similar_phrase(field: SimilarField) -> str:
    labels = ", ".join(short_label(lbl) for lbl in field.labels) or "unlabelled"
    masked = field.rule.strategy if field.rule is not None else "no rule"
    return f"{field.qualname} ({labels}) → {masked}"


def change_phrase(change: Change) -> str:
    """One line for what a diff did to coverage: ``rule added for users.email (fake_email)``."""
    where = f"{change.table}.{change.column}"
    phrases = {
        "column-added": f"new column {where}",
        "column-removed": f"dropped column {where}",
        "column-labelled": f"{where} newly labelled {change.detail}".rstrip(),
        "column-unlabelled": f"{where} lost its label",
        "rule-added": f"rule added for {where} ({change.detail})",
        "rule-removed": f"rule removed for {where} (was {change.detail})",
        "rule-changed": f"rule for {where} changed: {change.detail}",
    }
    return phrases[change.kind]


def coverage_changes(review: Review) -> tuple[list[str], int]:
    """Lines for every coverage change but new columns, which are only counted (a new model
    adds dozens; its sensitive ones already have findings or labels)."""
    shown = [change_phrase(c) for c in review.changes if c.kind != "column-added"]
    added = sum(1 for c in review.changes if c.kind == "column-added")
    return shown, added


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def counts(review: Review) -> tuple[int, int, int, int]:
    """(blocking, other errors, warnings, notes) among findings that count: not baselined.
    An AI dismissal is only a note on a warning: the warning still counts. Blocking is the
    gate's stamp, so ``fail-on = "warning"`` counts a warning as blocking; the other three
    count what does not block."""
    live = [f for f in review.findings if not f.baselined]
    rest = [f for f in live if not f.blocks]
    return (
        sum(f.blocks for f in live),
        sum(f.severity == "error" for f in rest),
        sum(f.severity == "warning" for f in rest),
        sum(f.severity == "note" for f in rest),
    )


def summary_line(review: Review) -> str:
    """``2 blocking, 1 warning; 57 columns, 23 labelled, 23 rules``."""
    blocking, errors, warnings, notes = counts(review)
    parts = [f"{blocking} blocking"]
    if errors:
        parts.append(plural(errors, "non-blocking error"))
    parts.append(plural(warnings, "warning"))
    if notes:
        parts.append(plural(notes, "note"))
    debt = sum(f.baselined for f in review.findings)
    if debt:
        parts.append(f"{debt} known debt")
    dismissed = sum(f.dismissed is not None and not f.baselined for f in review.findings)
    if dismissed:
        parts.append(plural(dismissed, "AI false-positive note"))
    scope = (
        f"{plural(review.columns_total, 'column')}, {review.columns_labelled} labelled, "
        f"{plural(review.rules_total, 'rule')}"
    )
    return f"{', '.join(parts)}; {scope}"


def render(
    review: Review, fmt: str, *, color: bool = False, quiet: bool = False,
    tool_version: str = __version__,
) -> str:
    """Render ``review`` as one of ``FORMATS``. Raises UsageError for an unknown format.

    ``quiet`` keeps only the findings of the text format; machine formats are unaffected."""
    # Imported here so each submodule can import the helpers above without a cycle, and only
    # the one asked for (SARIF alone brings the code pages: start-up of every text run).
    from reviewer.logsafe import encodable_all, one_line_all

    if fmt not in FORMATS:
        raise UsageError(f"unknown output format {fmt!r}; choose one of {', '.join(FORMATS)}")
    # Text goes to terminals and CI logs as is: every name in it is kept on its line. The
    # other formats escape line breaks themselves; none may carry an unencodable character.
    review = one_line_all(review) if fmt == "text" else encodable_all(review)
    if fmt == "text":
        from reviewer.formatters import text

        return text.render_text(review, color=color, quiet=quiet)
    if fmt == "json":
        from reviewer.formatters import jsonout

        return jsonout.render_json(review)
    if fmt == "sarif":
        from reviewer.formatters import sarif

        return sarif.render_sarif(review, tool_version=tool_version)
    if fmt == "github":
        from reviewer.formatters import annotations

        return annotations.render_annotations(review)
    from reviewer.formatters import markdown as markdown_

    return markdown_.render_markdown(review, tool_version=tool_version)

"""GitHub Actions workflow commands (``::error file=…,line=…::``).

GitHub shows at most ``MAX_ANNOTATIONS_PER_TYPE`` annotations of each type per step and
drops the rest silently, so blocking and newly introduced findings go first and a plain log
line counts whatever did not fit.
"""

from __future__ import annotations

from reviewer.codes import Severity
from reviewer.constants import MAX_ANNOTATIONS_PER_TYPE
from reviewer.formatters import action_phrase, entry_json, plural, similar_phrase
from reviewer.logsafe import escape_data, escape_property
from reviewer.types import Finding, Review

_COMMANDS: dict[Severity, str] = {"error": "error", "warning": "warning", "note": "notice"}
_NOUNS: dict[Severity, str] = {"error": "error", "warning": "warning", "note": "notice"}


def annotation(finding: Finding, rules_path: str) -> str:
    props = [f"file={escape_property(finding.path)}"]
    if finding.line >= 1:
        props.append(f"line={finding.line}")
        if finding.col is not None:
            props.append(f"col={finding.col}")
    props.append(f"title={escape_property(f'{finding.code} {finding.name}')}")
    message = finding.message
    phrase = action_phrase(finding, rules_path)
    entry = entry_json(finding)
    if phrase is not None and entry is not None:
        message += f"\n{phrase}: {entry}"
    # An annotation is all some readers see: the similar fields are the reason to trust it.
    message += "".join(f"\nsimilar: {similar_phrase(s)}" for s in finding.similar)
    if finding.dismissed is not None:
        message += f"\nlikely false positive (AI): {finding.dismissed}"
    return f"::{_COMMANDS[finding.severity]} {','.join(props)}::{escape_data(message)}"


def render_annotations(review: Review) -> str:
    shown = [f for f in review.findings if not f.baselined]
    lines: list[str] = []
    severity: Severity
    for severity in ("error", "warning", "note"):
        group = [f for f in shown if f.severity == severity]
        # Stable sort: introduced ones first, otherwise the review's own order.
        group.sort(key=lambda f: not f.introduced)
        lines.extend(annotation(f, review.rules_path) for f in group[:MAX_ANNOTATIONS_PER_TYPE])
        rest = len(group) - MAX_ANNOTATIONS_PER_TYPE
        if rest > 0:
            lines.append(f"… and {rest} more {_NOUNS[severity]}{'s' if rest != 1 else ''}; "
                         "see the job summary")
    debt = sum(f.baselined for f in review.findings)
    if debt:
        lines.append(f"Not annotated: {plural(debt, 'baselined finding')} (known debt); "
                     "see the job summary")
    return "\n".join(lines) + "\n" if lines else ""

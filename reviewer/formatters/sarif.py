"""SARIF 2.1.0 for GitHub code scanning (``github/codeql-action/upload-sarif``)."""

from __future__ import annotations

import json

from reviewer.codedocs import DOCS, help_uri, page_markdown, page_text
from reviewer.codes import CODES
from reviewer.constants import PROJECT_URL, SARIF_MAX_RESULTS, TOOL_NAME
from reviewer.formatters import action_phrase, entry_json
from reviewer.formatters.jsonout import JsonValue
from reviewer.types import Finding, Review

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
FINGERPRINT_KEY = "maskingReviewer/v1"
# Code scanning resolves relative URIs against the checkout root through this base id.
SRCROOT = "%SRCROOT%"


def _driver_rules() -> list[JsonValue]:
    # Code scanning shows `help` beside every alert and ranks alerts by security-severity.
    return [
        {
            "id": c.code,
            "name": c.name,
            "shortDescription": {"text": c.summary},
            "fullDescription": {"text": f"{c.summary} {DOCS[c.code].why}"},
            "help": {"text": page_text(c), "markdown": page_markdown(c)},
            "helpUri": help_uri(c.code),
            "defaultConfiguration": {"level": c.severity},
            "properties": {
                "tags": ["security", "masking"],
                "security-severity": DOCS[c.code].security_severity,
            },
        }
        for c in CODES.values()
    ]


def _message(finding: Finding, rules_path: str) -> str:
    text = finding.message
    phrase = action_phrase(finding, rules_path)
    entry = entry_json(finding)
    if phrase is not None and entry is not None:
        text += f"\n{phrase[0].upper()}{phrase[1:]}: {entry}"
    for s in finding.similar:
        strategy = s.rule.strategy if s.rule is not None else "no rule"
        text += f"\nSimilar: {s.qualname} → {strategy}"
    if finding.dismissed is not None:
        text += f"\nLikely false positive (AI): {finding.dismissed}"
    return text


def _location(finding: Finding) -> JsonValue:
    physical: dict[str, JsonValue] = {
        "artifactLocation": {"uri": finding.path, "uriBaseId": SRCROOT},
    }
    # SARIF requires startLine >= 1; a finding about a whole file (line 0) has no region.
    if finding.line >= 1:
        region: dict[str, JsonValue] = {"startLine": finding.line}
        if finding.col is not None and finding.col >= 1:
            region["startColumn"] = finding.col
        physical["region"] = region
    return {"physicalLocation": physical}


def _result(finding: Finding, rules_path: str, rule_index: dict[str, int]) -> JsonValue:
    properties: dict[str, JsonValue] = {"source": finding.source}
    for key, value in (
        ("table", finding.table),
        ("column", finding.column),
        ("category", finding.category),
        ("confidence", finding.confidence),
        ("evidence", finding.evidence),
        ("action", finding.action),
        ("dismissed", finding.dismissed),
    ):
        if value is not None:
            properties[key] = value
    if finding.rule is not None:
        properties["rule"] = json.loads(json.dumps(finding.rule.entry()))
    if finding.baselined:
        properties["baselined"] = True
    result: dict[str, JsonValue] = {
        "ruleId": finding.code,
        "level": finding.severity,
        "message": {"text": _message(finding, rules_path)},
        "locations": [_location(finding)],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
        # "new" vs "unchanged" lets code scanning tell a diff's findings from old ones.
        "baselineState": "new" if finding.introduced and not finding.baselined else "unchanged",
        "properties": properties,
    }
    if finding.code in rule_index:
        result["ruleIndex"] = rule_index[finding.code]
    return result


def sarif_dict(
    review: Review, *, tool_version: str, max_results: int = SARIF_MAX_RESULTS
) -> dict[str, JsonValue]:
    rule_index = {code: i for i, code in enumerate(CODES)}
    # Code scanning rejects a run with more results than this; the review's order puts
    # introduced and severe findings first, so those are the ones kept.
    kept = review.findings[:max_results]
    omitted = len(review.findings) - len(kept)
    run: dict[str, JsonValue] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": tool_version,
                "semanticVersion": tool_version,
                "informationUri": PROJECT_URL,
                "rules": _driver_rules(),
            }
        },
        "originalUriBaseIds": {SRCROOT: {"description": {"text": "The repository root."}}},
        "results": [_result(f, review.rules_path, rule_index) for f in kept],
        "columnKind": "unicodeCodePoints",
    }
    invocation: dict[str, JsonValue] = {"executionSuccessful": True}
    notifications: list[JsonValue] = [
        {"level": "note", "message": {"text": n}} for n in review.notices
    ]
    notifications += [
        {"level": "warning", "message": {"text": f"{path} was not analysed: {why}"}}
        for path, why in review.files_skipped
    ]
    if omitted:
        notifications.append({"level": "warning", "message": {"text": (
            f"{omitted} of {len(review.findings)} results were left out: GitHub code scanning "
            f"accepts at most {max_results:,} per run. Run `reviewer check --format json` "
            "for every finding."
        )}})
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run["invocations"] = [invocation]
    return {"$schema": SARIF_SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def omitted_note(review: Review, max_results: int = SARIF_MAX_RESULTS) -> str | None:
    """The line a user sees when the SARIF file had to leave results out."""
    omitted = len(review.findings) - max_results
    if omitted <= 0:
        return None
    return (f"SARIF: {omitted} of {len(review.findings)} results left out (code scanning accepts "
            f"at most {max_results:,} per run); the run's notifications say so too.")


def render_sarif(review: Review, *, tool_version: str) -> str:
    return json.dumps(sarif_dict(review, tool_version=tool_version), indent=2,
                      ensure_ascii=False) + "\n"

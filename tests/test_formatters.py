"""The formatters render a Review exactly; these pin what a user sees in each format."""

from __future__ import annotations

import json
import os
import re
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from reviewer.codes import CODES
from reviewer.constants import MAX_ANNOTATIONS_PER_TYPE, SARIF_MAX_RESULTS
from reviewer.errors import UsageError
from reviewer.formatters import FORMATS, render
from reviewer.formatters.annotations import escape_data, escape_property
from reviewer.formatters.markdown import fenced, render_markdown
from reviewer.formatters.sarif import omitted_note, sarif_dict
from reviewer.gate import stamp_blocks
from reviewer.types import (
    AiUsage,
    Change,
    Config,
    Exemption,
    FailOn,
    Finding,
    Review,
    Rule,
    SimilarField,
)

DATA = Path(__file__).parent / "data"
ROOT = Path(__file__).parents[1]
FINDINGS_SCHEMA = Path(__file__).parents[1] / "reviewer" / "schemas" / "findings.schema.json"

SALESFORCE = SimilarField(
    table="salesforce_connections",
    column="client_secret",
    class_name="SalesforceConnection",
    attribute="client_secret",
    path="app/models/salesforce.py",
    line=18,
    labels=("ColumnVisibility.PRIVATE",),
    rule=Rule("salesforce_connections", "client_secret", "null", line=7),
    score=0.92,
)
MISSING = Finding(
    code="MR001",
    severity="error",
    message="IntegrationConnection.client_secret is marked PRIVATE, but masking_rules.json "
    "has no rule for integration_connections.client_secret.",
    path="app/models/integrations.py",
    line=42,
    table="integration_connections",
    column="client_secret",
    class_name="IntegrationConnection",
    attribute="client_secret",
    rule=Rule("integration_connections", "client_secret", "null"),
    action="add",
    similar=(SALESFORCE,),
    in_hunk=True,
    category="credential",
    confidence="high",
)
STALE = Finding(
    code="MR002",
    severity="error",
    message="masking_rules.json masks customers.emial, but customers has no column emial "
    "(did you mean email?).",
    path="masking_rules.json",
    line=12,
    col=5,
    table="customers",
    column="emial",
    rule=Rule("customers", "emial", "fake_email"),
    action="remove",
    introduced=False,
)
UNLABELLED = Finding(
    code="MR003",
    severity="warning",
    message="NetSuiteConnection.token_secret looks like a credential but has no label and no "
    "rule.",
    path="app/models/netsuite.py",
    line=9,
    table="netsuite_connections",
    column="token_secret",
    class_name="NetSuiteConnection",
    attribute="token_secret",
    rule=Rule("netsuite_connections", "token_secret", "null"),
    action="add",
    category="credential",
    confidence="medium",
    evidence="name 'token_secret', sibling 'expires_at'",
)
QUASI = Finding(
    code="MR009",
    severity="note",
    message="customers.postcode is a quasi-identifier copied at full resolution.",
    path="app/models/customer.py",
    line=30,
    table="customers",
    column="postcode",
    baselined=True,
)
EXEMPT = Exemption(
    table="audit_events",
    column="ip_address",
    reason="truncated to /24 at ingest",
    path="app/models/audit.py",
    line=14,
    origin="pragma",
)


def make_review(*findings: Finding, fail_on: FailOn = "error", **kw: object) -> Review:
    # The gate stamps `blocks` before a Review reaches a formatter; so does this helper.
    findings = stamp_blocks(findings, Config(root=".", fail_on=fail_on))
    defaults: dict[str, object] = {
        "blocking": any(f.blocks for f in findings),
        "columns_total": 57,
        "columns_labelled": 23,
        "rules_total": 23,
        "files_analysed": ("app/models/integrations.py",),
    }
    defaults.update(kw)
    return Review(findings, **defaults)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------- text


def test_text_single_finding_exact() -> None:
    review = make_review(MISSING, exemptions=(EXEMPT,))
    assert render(review, "text") == (
        "app/models/integrations.py:42: MR001 missing-rule IntegrationConnection.client_secret"
        " is marked PRIVATE, but masking_rules.json has no rule for "
        "integration_connections.client_secret.\n"
        "    add to masking_rules.json:\n"
        '      {"table": "integration_connections", "column": "client_secret", '
        '"strategy": "null"}\n'
        "    similar: SalesforceConnection.client_secret (PRIVATE) → null\n"
        "\n"
        "1 exemption in force:\n"
        "  audit_events.ip_address (app/models/audit.py:14, pragma): truncated to /24 at ingest\n"
        "1 blocking, 0 warnings; 57 columns, 23 labelled, 23 rules — blocks merging\n"
    )


def test_text_separates_introduced_preexisting_and_debt() -> None:
    review = make_review(MISSING, STALE, QUASI, notices=("AI review skipped: no API key",))
    lines = render(review, "text").splitlines()
    headings = [ln for ln in lines if ln and not ln.startswith(" ") and ln.endswith(":")]
    assert headings == [
        "Introduced by this change:",
        "Already on the base branch:",
        "Known debt (1 baselined finding, not blocking):",
    ]
    # rules-file findings carry a column; the remove action reads as such
    assert "masking_rules.json:12:5: MR002 stale-rule masking_rules.json masks customers.emial, "\
        "but customers has no column emial (did you mean email?)." in lines
    assert "    remove from masking_rules.json:" in lines
    assert lines[-2:] == [
        "notice: AI review skipped: no API key",
        "2 blocking, 0 warnings, 1 known debt; 57 columns, 23 labelled, 23 rules — blocks merging",
    ]


def test_text_colour_only_when_asked() -> None:
    review = make_review(MISSING)
    plain = render(review, "text", color=False)
    coloured = render(review, "text", color=True)
    assert "\x1b[" not in plain
    assert "\x1b[31m" in coloured
    # stripping the escapes gives back exactly the plain text
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_text_clean_review_passes() -> None:
    review = make_review(columns_total=3, columns_labelled=1, rules_total=1)
    assert render(review, "text") == (
        "0 blocking, 0 warnings; 3 columns, 1 labelled, 1 rule — passes\n"
    )


# ---------------------------------------------------------------------------- json


def test_json_exact_shape_and_key_order() -> None:
    usage = AiUsage(model="claude-sonnet-5-5", input_tokens=1200, output_tokens=300,
                    cost_usd=0.0081, calls=1)
    review = make_review(MISSING, base="a" * 40, head="b" * 40, exemptions=(EXEMPT,),
                         files_skipped=(("app/models/broken.py", "syntax error at line 3"),),
                         notices=("AI review ran on 1 hunk",), ai_usage=usage,
                         changes=(Change("column-labelled", "integration_connections",
                                         "client_secret", "app/models/integrations.py", 42,
                                         "PRIVATE"),))
    out = render(review, "json")
    assert out.endswith("}\n")
    assert out.startswith('{\n  "version": 1,\n')
    data = json.loads(out)
    assert data == {
        "version": 1,
        "base": "a" * 40,
        "head": "b" * 40,
        "blocking": True,
        "findings": [{
            "code": "MR001",
            "name": "missing-rule",
            "severity": "error",
            "table": "integration_connections",
            "column": "client_secret",
            "class": "IntegrationConnection",
            "attribute": "client_secret",
            "path": "app/models/integrations.py",
            "line": 42,
            "col": None,
            "side": "RIGHT",
            "message": MISSING.message,
            "rule": {"table": "integration_connections", "column": "client_secret",
                     "strategy": "null"},
            "action": "add",
            "similar": [{
                "table": "salesforce_connections",
                "column": "client_secret",
                "class": "SalesforceConnection",
                "attribute": "client_secret",
                "path": "app/models/salesforce.py",
                "line": 18,
                "labels": ["ColumnVisibility.PRIVATE"],
                "rule": {"table": "salesforce_connections", "column": "client_secret",
                         "strategy": "null"},
                "score": 0.92,
            }],
            "fingerprint": MISSING.fingerprint,
            "source": "deterministic",
            "in_hunk": True,
            "introduced": True,
            "baselined": False,
            "blocks": True,
            "category": "credential",
            "confidence": "high",
            "evidence": None,
            "dismissed": None,
        }],
        "exemptions": [{"table": "audit_events", "column": "ip_address",
                        "reason": "truncated to /24 at ingest", "path": "app/models/audit.py",
                        "line": 14, "origin": "pragma"}],
        "notices": ["AI review ran on 1 hunk"],
        "files_analysed": ["app/models/integrations.py"],
        "files_skipped": [{"path": "app/models/broken.py", "reason": "syntax error at line 3"}],
        "ai_usage": {"model": "claude-sonnet-5-5", "input_tokens": 1200, "output_tokens": 300,
                     "cache_read_tokens": 0, "cache_write_tokens": 0, "cost_usd": 0.0081,
                     "calls": 1},
        "changes": [{"kind": "column-labelled", "table": "integration_connections",
                     "column": "client_secret", "path": "app/models/integrations.py",
                     "line": 42, "detail": "PRIVATE"}],
    }
    assert list(data) == ["version", "base", "head", "blocking", "findings", "exemptions",
                          "notices", "files_analysed", "files_skipped", "ai_usage", "changes"]
    assert list(data["findings"][0]) == [
        "code", "name", "severity", "table", "column", "class", "attribute", "path", "line",
        "col", "side", "message", "rule", "action", "similar", "fingerprint", "source", "in_hunk",
        "introduced", "baselined", "blocks", "category", "confidence", "evidence", "dismissed"]


REVIEWS = [
    pytest.param(make_review(), id="clean review"),
    pytest.param(make_review(MISSING, STALE, UNLABELLED, QUASI, exemptions=(EXEMPT,)),
                 id="mixed findings and exemption"),
    pytest.param(make_review(replace(UNLABELLED, source="ai", dismissed="token_secret is a "
                                     "flag name"), ai_usage=AiUsage(model="m")),
                 id="ai finding dismissed with usage"),
    pytest.param(make_review(replace(MISSING, rule=Rule("t", "c", "static", value="x",
                                                        note="why"), line=0)),
                 id="rule with value and note, whole-file finding"),
]


@pytest.mark.parametrize("review", REVIEWS)
def test_json_validates_against_published_schema(review: Review) -> None:
    schema = json.loads(FINDINGS_SCHEMA.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(json.loads(render(review, "json")))


def test_json_schema_rejects_a_wrong_shape() -> None:
    # Guards the schema itself: without additionalProperties=false this would pass.
    schema = json.loads(FINDINGS_SCHEMA.read_text())
    data = json.loads(render(make_review(MISSING), "json"))
    data["findings"][0]["extra"] = 1
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft202012Validator(schema).validate(data)


# ---------------------------------------------------------------------------- sarif


@pytest.mark.parametrize("review", REVIEWS)
def test_sarif_is_valid_against_official_schema(review: Review) -> None:
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(json.loads(render(review, "sarif")))


def test_sarif_content_for_code_scanning() -> None:
    review = make_review(MISSING, STALE, QUASI)
    sarif = json.loads(render(review, "sarif", tool_version="1.2.3"))
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("masking-reviewer", "1.2.3")
    assert driver["informationUri"].startswith("https://")
    assert [(r["id"], r["name"], r["defaultConfiguration"]["level"]) for r in driver["rules"]] \
        == [(c.code, c.name, c.severity) for c in CODES.values()]
    first, second, third = run["results"]
    assert first["ruleId"] == "MR001"
    assert first["level"] == "error"
    assert first["message"]["text"].splitlines() == [
        MISSING.message,
        'Add to masking_rules.json: {"table": "integration_connections", '
        '"column": "client_secret", "strategy": "null"}',
        "Similar: SalesforceConnection.client_secret → null",
    ]
    assert first["locations"] == [{"physicalLocation": {
        "artifactLocation": {"uri": "app/models/integrations.py", "uriBaseId": "%SRCROOT%"},
        "region": {"startLine": 42}}}]
    assert first["partialFingerprints"] == {"maskingReviewer/v1": MISSING.fingerprint}
    assert driver["rules"][first["ruleIndex"]]["id"] == "MR001"
    assert second["locations"][0]["physicalLocation"]["region"] == {"startLine": 12,
                                                                    "startColumn": 5}
    assert second["message"]["text"].splitlines()[1].startswith("Remove from masking_rules.json")
    assert [r["baselineState"] for r in run["results"]] == ["new", "unchanged", "unchanged"]
    assert third["level"] == "note"


def test_sarif_fingerprint_ignores_line_moves() -> None:
    moved = replace(MISSING, line=99)
    a = json.loads(render(make_review(MISSING), "sarif"))["runs"][0]["results"][0]
    b = json.loads(render(make_review(moved), "sarif"))["runs"][0]["results"][0]
    assert a["partialFingerprints"] == b["partialFingerprints"]


# ---------------------------------------------------------------------------- github


@pytest.mark.parametrize(
    ("raw", "data", "prop"),
    [
        pytest.param("plain", "plain", "plain", id="nothing to escape"),
        pytest.param("100%", "100%25", "100%25", id="percent first so it is not doubled"),
        pytest.param("a\r\nb", "a%0D%0Ab", "a%0D%0Ab", id="CR LF"),
        pytest.param("a:b,c", "a:b,c", "a%3Ab%2Cc", id="colon and comma only in properties"),
        pytest.param("%0A", "%250A", "%250A", id="already-escaped text stays literal"),
    ],
)
def test_workflow_command_escaping(raw: str, data: str, prop: str) -> None:
    assert (escape_data(raw), escape_property(raw)) == (data, prop)


def test_annotation_line_exact() -> None:
    odd = replace(MISSING, path="app/models/a,b:c.py", message="50% of\nsecrets", similar=())
    assert render(make_review(odd), "github") == (
        "::error file=app/models/a%2Cb%3Ac.py,line=42,title=MR001 missing-rule::50%25 of%0A"
        'secrets%0Aadd to masking_rules.json: {"table": "integration_connections", '
        '"column": "client_secret", "strategy": "null"}\n'
    )


def test_annotations_cap_per_type_introduced_first() -> None:
    old = [replace(MISSING, line=100 + i, column=f"old{i}", introduced=False) for i in range(5)]
    new = [replace(MISSING, line=i + 1, column=f"new{i}") for i in range(8)]
    notes = [replace(QUASI, line=i + 1, baselined=False) for i in range(11)]
    review = make_review(*old, *new, UNLABELLED, *notes)
    lines = render(review, "github").splitlines()
    errors = [ln for ln in lines if ln.startswith("::error ")]
    assert len(errors) == MAX_ANNOTATIONS_PER_TYPE
    # all 8 introduced ones make the cut, then the first 2 pre-existing ones
    assert [ln.split(",")[1] for ln in errors] == [f"line={i + 1}" for i in range(8)] + [
        "line=100", "line=101"]
    assert "… and 3 more errors; see the job summary" in lines
    assert sum(ln.startswith("::warning ") for ln in lines) == 1
    assert sum(ln.startswith("::notice ") for ln in lines) == 10
    assert lines[-1] == "… and 1 more notice; see the job summary"
    assert lines.index("… and 3 more errors; see the job summary") == 10


def test_annotations_keep_dismissed_with_the_ai_note_and_skip_baselined() -> None:
    # A dismissal is a note, never a reason to hide the warning (issue 11).
    dismissed = replace(UNLABELLED, source="ai", dismissed="a feature flag")
    lines = render(make_review(dismissed, QUASI), "github").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("::warning ")
    assert lines[0].endswith("%0Alikely false positive (AI): a feature flag")
    assert lines[1] == "Not annotated: 1 baselined finding (known debt); see the job summary"


# ---------------------------------------------------------------------------- markdown


def test_markdown_headline_table_and_entries() -> None:
    md = render(make_review(MISSING, UNLABELLED, exemptions=(EXEMPT,)), "markdown")
    lines = md.splitlines()
    assert lines[0] == "## ❌ masking-reviewer blocks merging"
    assert lines[2] == "1 blocking, 1 warning; 57 columns, 23 labelled, 23 rules"
    assert "| `MR003` unlabeled-sensitive | 🟠 warning | `app/models/netsuite.py:9` | "\
        "NetSuiteConnection.token_secret looks like a credential but has no label and no rule."\
        ' | add `{"table": "netsuite_connections", "column": "token_secret", '\
        '"strategy": "null"}` |' in lines
    block = md.split("```json\n", 1)[1].split("\n```", 1)[0]
    assert json.loads(f"[{block}]") == [MISSING.rule.entry(), UNLABELLED.rule.entry()]  # type: ignore[union-attr]
    assert "### Exemptions in force (1)" in lines
    assert "- `audit_events.ip_address`: truncated to /24 at ingest "\
        "(`app/models/audit.py:14`, pragma)" in lines


def test_markdown_passes_headline() -> None:
    md = render(make_review(QUASI), "markdown")
    assert md.splitlines()[0] == "## ✅ masking-reviewer passes"
    assert "### Known debt (1 baselined finding, not blocking)" in md


def test_markdown_cells_cannot_break_table_or_inject_html() -> None:
    hostile = replace(UNLABELLED, message="a | b <script>alert(1)</script>\nsecond line",
                      rule=None, action=None)
    md = render(make_review(hostile), "markdown")
    row = next(ln for ln in md.splitlines() if ln.startswith("| `MR003`"))
    assert row == (
        "| `MR003` unlabeled-sensitive | 🟠 warning | `app/models/netsuite.py:9` | "
        "a \\| b &lt;script&gt;alert(1)&lt;/script&gt;<br>second line |  |"
    )
    assert "<script>" not in md


def test_markdown_partial_review_and_ai_sections() -> None:
    dismissed = replace(UNLABELLED, source="ai", dismissed="token_secret | is <b>fine</b>")
    review = make_review(
        MISSING, dismissed,
        files_skipped=(("app/models/broken.py", "syntax error at line 3"),),
        notices=("AI review skipped 1 hunk: too large",),
        ai_usage=AiUsage(model="claude-sonnet-5-5", input_tokens=1000, output_tokens=200,
                         cache_read_tokens=800, cost_usd=0.0123, calls=1),
    )
    md = render(review, "markdown")
    lines = md.splitlines()
    assert "> ⚠️ **Partial review:** 1 file could not be analysed; see below." in lines
    assert "  - `app/models/broken.py`: syntax error at line 3" in lines
    assert "- AI review skipped 1 hunk: too large" in lines
    assert ("- model `claude-sonnet-5-5`: 1 call, 1000 input + 200 output tokens "
            "(800 cache read, 0 cache write), $0.0123") in lines
    details = md.split("<details>", 1)[1].split("</details>", 1)[0]
    assert "<summary>AI notes: 1 finding above the AI calls likely false positives" in details
    assert details.rstrip().endswith("| token_secret \\| is &lt;b&gt;fine&lt;/b&gt; |")
    # a dismissal is a note: the finding is still in the main table (issue 11)
    main = md.split("<details>", 1)[0]
    assert "`MR003`" in main


def test_markdown_truncates_under_limit() -> None:
    many = [replace(MISSING, column=f"secret_{i}", line=i + 1) for i in range(400)]
    review = make_review(*many)
    full = render_markdown(review)
    limit = 20_000
    assert len(full.encode()) > limit
    short = render_markdown(review, max_bytes=limit)
    assert len(short.encode()) <= limit
    shown = sum(ln.startswith("| `MR001`") for ln in short.splitlines())
    assert 0 < shown < 400
    assert (f"_Summary truncated to stay under GitHub's 1024 KiB limit: {400 - shown} rows not "
            "shown. Run `reviewer check --format json` for everything._") in short
    # the cap is the largest that fits: one more row's worth of budget shows one more row
    roomier = render_markdown(review, max_bytes=limit + 450)
    assert sum(ln.startswith("| `MR001`") for ln in roomier.splitlines()) == shown + 1
    assert short.splitlines()[0] == "## ❌ masking-reviewer blocks merging"


def test_fence_outgrows_backticks_in_body() -> None:
    assert fenced("a ```` b", "json") == "`````json\na ```` b\n`````"


# ---------------------------------------------------------------------------- dispatch


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_text_ending_in_newline(fmt: str) -> None:
    out = render(make_review(MISSING, STALE, UNLABELLED, QUASI), fmt)
    assert out.endswith("\n")
    assert "integration_connections" in out


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown output format 'xml'; choose one of text, "
                       "json, sarif, github, markdown"):
        render(make_review(), "xml")


def test_markdown_hard_cut_when_even_no_rows_fit() -> None:
    exemptions = tuple(replace(EXEMPT, column=f"col_{i}", reason="r" * 200) for i in range(200))
    review = make_review(MISSING, exemptions=exemptions)
    out = render_markdown(review, max_bytes=5_000)
    assert len(out.encode()) <= 5_000
    assert out.endswith("\n\n_Summary cut here to stay under GitHub's size limit._\n")
    assert out.startswith("## ❌ masking-reviewer blocks merging\n")


# ---------------------------------------------------------------------------- golden files
# One realistic review in every format, so any change to what users see shows up in the diff.
# Regenerate with: MR_UPDATE_GOLDEN=1 pytest tests/test_formatters.py -k golden

GOLDEN = Path(__file__).parent / "golden" / "formatters"
GOLDEN_REVIEW = make_review(
    MISSING, STALE, UNLABELLED, QUASI,
    replace(UNLABELLED, column="webhook_url", attribute="webhook_url", line=11,
            message="NetSuiteConnection.webhook_url may embed a token.", source="ai",
            rule=None, action=None,
            dismissed="a plain endpoint URL without credentials"),
    base="1" * 40, head="2" * 40, exemptions=(EXEMPT,),
    files_analysed=("app/models/integrations.py", "app/models/netsuite.py"),
    files_skipped=(("app/models/legacy.py", "cannot resolve base class LegacyBase"),),
    notices=("AI review ran on 2 hunks",),
    ai_usage=AiUsage(model="claude-sonnet-5-5", input_tokens=2100, output_tokens=350,
                     cache_read_tokens=1800, cost_usd=0.0122, calls=1),
    changes=(
        Change("column-added", "netsuite_connections", "token_secret", "app/models/netsuite.py",
               9, "NetSuiteConnection.token_secret"),
        Change("column-labelled", "integration_connections", "client_secret",
               "app/models/integrations.py", 42, "PRIVATE"),
        Change("rule-changed", "customers", "tax_id", "masking_rules.json", 7,
               "hash → null"),
    ),
)
GOLDEN_SUFFIX = {"text": "txt", "json": "json", "sarif": "sarif", "github": "log",
                 "markdown": "md"}


@pytest.mark.parametrize("fmt", FORMATS)
def test_golden_output(fmt: str) -> None:
    path = GOLDEN / f"review.{GOLDEN_SUFFIX[fmt]}"
    out = render(GOLDEN_REVIEW, fmt, tool_version="0.1.0")
    if os.environ.get("MR_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(out, encoding="utf-8")
    assert out == path.read_text(encoding="utf-8")


def test_golden_review_validates_against_both_schemas() -> None:
    sarif_schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(sarif_schema).validate(json.loads(render(GOLDEN_REVIEW, "sarif")))
    findings_schema = json.loads(FINDINGS_SCHEMA.read_text())
    jsonschema.Draft202012Validator(findings_schema).validate(
        json.loads(render(GOLDEN_REVIEW, "json")))


def test_sarif_rules_carry_what_code_scanning_shows() -> None:
    sarif = json.loads(render(make_review(MISSING), "sarif"))
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == list(CODES)
    for rule in rules:
        code = rule["id"]
        assert rule["shortDescription"]["text"] == CODES[code].summary
        assert rule["fullDescription"]["text"].startswith(CODES[code].summary + " ")
        assert rule["help"]["text"].startswith(f"{code} {CODES[code].name}")
        assert rule["help"]["markdown"] == (ROOT / "docs" / "codes" / f"{code}.md").read_text(
            encoding="utf-8")
        # The page helpUri names exists in this repository, generated and in sync.
        assert rule["helpUri"] == (
            f"https://github.com/masking-reviewer/masking-reviewer/blob/main/docs/codes/{code}.md")
        severity = float(rule["properties"]["security-severity"])
        assert 0.0 < severity <= 10.0
    by_id = {r["id"]: float(r["properties"]["security-severity"]) for r in rules}
    assert by_id["MR001"] >= 7.0 and by_id["MR009"] < 4.0  # high vs low in code scanning


def test_sarif_caps_results_at_the_code_scanning_limit_and_says_so() -> None:
    findings = [replace(MISSING, column=f"secret_{i}", line=i + 1) for i in range(7)]
    review = make_review(*findings)

    run = sarif_dict(review, tool_version="0.1.0", max_results=5)["runs"][0]

    assert isinstance(run, dict)
    assert [r["locations"][0]["physicalLocation"]["region"]["startLine"]
            for r in run["results"]] == [1, 2, 3, 4, 5]
    (note,) = run["invocations"][0]["toolExecutionNotifications"]
    assert note["level"] == "warning"
    assert re.fullmatch(r"2 of 7 results were left out: GitHub code scanning accepts at most 5 "
                        r"per run\. Run `reviewer check --format json` for every finding\.",
                        note["message"]["text"])
    assert omitted_note(review, 5) is not None and omitted_note(review) is None
    assert SARIF_MAX_RESULTS == 25_000
    schema = json.loads((DATA / "sarif-schema-2.1.0.json").read_text())
    jsonschema.Draft4Validator(schema).validate(
        sarif_dict(review, tool_version="0.1.0", max_results=5))

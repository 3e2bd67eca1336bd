"""The masking manifest states, per sensitive column, exactly what the masked copy holds."""

from __future__ import annotations

import json

import pytest

from reviewer.manifest import (
    CAVEATS,
    ManifestEntry,
    build_manifest,
    render_manifest_json,
    render_manifest_markdown,
)
from reviewer.types import Column, Exemption, Inventory, Rule, RulesError, RulesFile, ScanError

PRIVATE = ("ColumnVisibility.PRIVATE",)


def col(table: str, column: str, cls: str | None = None, line: int = 1, **kw: object) -> Column:
    fields: dict[str, object] = {
        "table": table,
        "column": column,
        "class_name": cls,
        "attribute": column if cls else None,
        "path": f"app/models/{table}.py",
        "line": line,
        "type": "String(255)",
        "nullable": True,
        "unique": False,
        "primary_key": False,
    }
    fields.update(kw)
    return Column(**fields)  # type: ignore[arg-type]


AUDIT_EXEMPTION = Exemption("audit_events", "ip_address", "truncated to /24 | at ingest",
                            "app/models/audit_events.py", 9, "pragma")
INVENTORY = Inventory(
    columns=(
        col("salesforce_connections", "client_secret", "SalesforceConnection", 18,
            labels=PRIVATE, category="credential", confidence="high"),
        col("integration_connections", "client_secret", "IntegrationConnection", 42,
            labels=PRIVATE, category="credential", confidence="high"),
        col("netsuite_connections", "token_secret", "NetSuiteConnection", 9,
            category="credential", confidence="medium"),
        col("customers", "email", "Customer", 5, labels=("ColumnVisibility.MASKED",),
            category="direct_identifier", confidence="high", unique=True),
        col("customers", "postcode", "Customer", 6, category="quasi_identifier"),
        col("customers", "birthdate", "Customer", 7, category="quasi_identifier"),
        col("customers", "country", "Customer", 8),
        col("audit_events", "ip_address", "AuditEvent", 9, labels=PRIVATE,
            exemption=AUDIT_EXEMPTION, category="direct_identifier"),
        col("invoices", "memo", "Invoice", 3, labels=PRIVATE, category="free_text"),
    ),
    errors=(ScanError("app/models/legacy.py", 4, "cannot resolve base class LegacyBase"),),
    files=("app/models/customers.py", "app/models/salesforce_connections.py"),
)
RULES = RulesFile(
    path="masking_rules.json",
    rules=(
        Rule("salesforce_connections", "client_secret", "null", line=4),
        Rule("customers", "email", "fake_email", line=5),
        Rule("customers", "birthdate", "generalize", line=6),
        Rule("invoices", "memo", "keep", note="memos are templated by us, never typed", line=7),
        Rule("customers", "emial", "fake_email", line=8),
    ),
)


def by_key(entries: tuple[ManifestEntry, ...]) -> dict[str, ManifestEntry]:
    return {f"{e.table}.{e.column}": e for e in entries}


@pytest.mark.parametrize(
    ("key", "status", "strategy", "linkable", "why"),
    [
        pytest.param("salesforce_connections.client_secret", "masked", "null", False,
                     "Set the value to NULL. The default for secrets.",
                     id="labelled credential with a null rule"),
        pytest.param("integration_connections.client_secret", "uncovered", None, False,
                     "Labelled PRIVATE but has no rule: copied unchanged.",
                     id="labelled column without a rule is uncovered"),
        pytest.param("netsuite_connections.token_secret", "uncovered", None, False,
                     "Looks like a credential (medium confidence) but is not labelled and "
                     "has no rule: copied unchanged.",
                     id="sensitive-looking unlabelled column is listed"),
        pytest.param("customers.email", "masked", "fake_email", True,
                     "Deterministic realistic e-mail; joins and uniqueness survive.",
                     id="deterministic fake is flagged linkable"),
        pytest.param("audit_events.ip_address", "exempt", None, False,
                     "Exempt: copied unchanged for the written reason.",
                     id="exemption with its reason"),
        pytest.param("invoices.memo", "kept", "keep", True,
                     "Copy unchanged. Requires a `note` saying why that is safe.",
                     id="keep is reported as kept, not masked"),
    ],
)
def test_entry_status(key: str, status: str, strategy: str | None, linkable: bool,
                      why: str) -> None:
    entry = by_key(build_manifest(INVENTORY, RULES).entries)[key]
    assert (entry.status, entry.strategy, entry.linkable, entry.why) == (
        status, strategy, linkable, why)


def test_sections_split_quasi_identifiers_and_unmatched_rules() -> None:
    manifest = build_manifest(INVENTORY, RULES)
    assert list(by_key(manifest.entries)) == [
        "audit_events.ip_address",
        "customers.email",
        "integration_connections.client_secret",
        "invoices.memo",
        "netsuite_connections.token_secret",
        "salesforce_connections.client_secret",
    ]
    quasi = by_key(manifest.quasi_identifiers)
    assert {k: (e.status, e.strategy) for k, e in quasi.items()} == {
        "customers.birthdate": ("masked", "generalize"),
        "customers.postcode": ("uncovered", None),
    }
    assert [u.rule.key for u in manifest.unmatched_rules] == [("customers", "emial")]
    assert manifest.problems == (
        "app/models/legacy.py:4: cannot resolve base class LegacyBase",)
    assert [e.qualname for e in manifest.uncovered] == [
        "IntegrationConnection.client_secret", "NetSuiteConnection.token_secret"]


@pytest.mark.parametrize(
    ("rules", "why"),
    [
        pytest.param(RulesFile(path="masking_rules.json", exists=False),
                     "masking_rules.json does not exist, so nothing is masked.",
                     id="missing rules file"),
        pytest.param(RulesFile(path="masking_rules.json", rules=RULES.rules,
                               errors=(RulesError("masking_rules.json", 3, 7, "bad"),)),
                     "masking_rules.json could not be read, so no rule can be trusted.",
                     id="broken rules file covers nothing, fail closed"),
    ],
)
def test_unreadable_rules_cover_nothing(rules: RulesFile, why: str) -> None:
    manifest = build_manifest(INVENTORY, rules)
    entry = by_key(manifest.entries)["salesforce_connections.client_secret"]
    assert (entry.status, entry.why) == ("uncovered", why)
    assert not manifest.rules_readable


def test_json_is_stable_and_exact() -> None:
    data = json.loads(render_manifest_json(build_manifest(INVENTORY, RULES)))
    assert list(data) == ["version", "tool", "rules_path", "rules_readable", "summary",
                          "columns", "quasi_identifiers", "unmatched_rules",
                          "table_wide_rules", "problems", "files", "caveats"]
    assert data["summary"] == {"columns_total": 9, "sensitive": 6, "masked": 2, "kept": 1,
                               "exempt": 1, "uncovered": 2, "quasi_identifiers": 2,
                               "unmatched_rules": 1, "table_wide_rules": 0, "problems": 1}
    assert data["columns"][0] == {
        "table": "audit_events",
        "column": "ip_address",
        "qualname": "AuditEvent.ip_address",
        "path": "app/models/audit_events.py",
        "line": 9,
        "labels": ["ColumnVisibility.PRIVATE"],
        "category": "direct_identifier",
        "confidence": None,
        "status": "exempt",
        "strategy": None,
        "value": None,
        "note": None,
        "rule_line": 0,
        "linkable": False,
        "exemption": {"reason": "truncated to /24 | at ingest", "origin": "pragma"},
        "why": "Exempt: copied unchanged for the written reason.",
    }
    assert data["unmatched_rules"] == [
        {"table": "customers", "column": "emial", "strategy": "fake_email"}]
    assert data["caveats"] == list(CAVEATS)
    # identical input, identical bytes: teams diff manifests night to night
    assert render_manifest_json(build_manifest(INVENTORY, RULES)) == render_manifest_json(
        build_manifest(INVENTORY, RULES))


def test_markdown_states_limits_and_uncovered_columns() -> None:
    md = render_manifest_markdown(build_manifest(INVENTORY, RULES))
    lines = md.splitlines()
    assert lines[0] == "# Masking manifest"
    assert lines[2] == (
        "Generated by masking-reviewer from the SQLAlchemy models and `masking_rules.json`. "
        "9 columns scanned; 6 sensitive: 2 masked, 1 kept on purpose, 1 exempt, "
        "2 not covered."
    )
    assert any("not anonymisation in the legal sense" in ln for ln in lines)
    assert any("Free-text and JSON columns" in ln for ln in lines)
    assert any("rows stay linkable" in ln for ln in lines)
    assert "## ⚠️ Not covered (2)" in lines
    assert ("| `integration_connections.client_secret` | `app/models/integration_connections.py:42`"
            " | PRIVATE; credential | uncovered | **not masked** | Labelled PRIVATE but has no "
            "rule: copied unchanged. |") in lines
    assert ("| `audit_events.ip_address` | `app/models/audit_events.py:9` | PRIVATE; "
            "direct_identifier | exempt | exempt (pragma): truncated to /24 \\| at ingest | "
            "Exempt: copied unchanged for the written reason. |") in lines
    assert "## Quasi-identifiers (2)" in lines
    assert "## Rules that match no column (1)" in lines
    assert '- `{"table": "customers", "column": "emial", "strategy": "fake_email"}`' in lines
    assert "- app/models/legacy.py:4: cannot resolve base class LegacyBase" in lines


def test_markdown_for_a_fully_covered_repo_has_no_warning_section() -> None:
    inventory = Inventory(columns=(INVENTORY.columns[0],))
    md = render_manifest_markdown(build_manifest(inventory, RULES))
    assert "Not covered" not in md
    assert "## Quasi-identifiers (0)\n\nNone found." in md

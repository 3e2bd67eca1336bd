"""`reviewer report` (the masking manifest) and `reviewer baseline` through the CLI."""

from __future__ import annotations

import json

import pytest

from reviewer.cli import main
from tests.gitrepo import GitRepo

RULES = "masking_rules.json"
BASELINE = ".masking-reviewer-baseline.json"


def test_report_json_accounts_for_every_sensitive_column(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--root", str(sample_app.root), "-f", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    # quasi identifiers: card_brand among them (LABELING.md: card fingerprint/brand/last4), and
    # the customer's billing city and country (a person's country, in a customer's row)
    assert doc["summary"] == {
        "columns_total": 130, "sensitive": 44, "masked": 38, "kept": 0, "exempt": 4,
        "uncovered": 2, "quasi_identifiers": 4, "unmatched_rules": 0, "table_wide_rules": 0,
            "problems": 0,
    }
    by_key = {(c["table"], c["column"]): c for c in doc["columns"]}
    assert by_key[("users", "totp_secret")]["status"] == "masked"
    assert by_key[("users", "totp_secret")]["strategy"] == "null"
    assert by_key[("users", "password_hash")]["exemption"] == {
        "reason": "bcrypt hash, cost 12; useless without the plaintext", "origin": "pragma"}
    uncovered = sorted(k for k, c in by_key.items() if c["status"] == "uncovered")
    # a certificate's public key beside its private key is the pair's key material
    # (LABELING.md): the team exempts it, like the certificate itself
    assert by_key[("client_certificates", "public_key")]["status"] == "exempt"
    assert uncovered == [("customer", "display_name"), ("sftp_connections", "username")]


def test_report_markdown_says_what_masking_does_not_do(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--root", str(sample_app.root)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Masking manifest\n")
    assert "It is not anonymisation in the legal sense" in out
    assert "## ⚠️ Not covered (2)" in out
    assert "| `sftp_connections.username` | `ledgerly/models/integrations.py:65` |" in out


def test_baseline_records_debt_and_prune_drops_what_was_fixed(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    root = sample_app.root
    rules = (root / RULES).read_text()
    (root / RULES).write_text(
        "".join(line for line in rules.splitlines(keepends=True)
                if '"column": "totp_secret"' not in line))
    assert main(["check", "--root", str(root)]) == 1
    capsys.readouterr()

    assert main(["baseline", "--root", str(root)]) == 0
    assert "recorded 1 known gap(s)" in capsys.readouterr().err
    entries = json.loads((root / BASELINE).read_text())["entries"]
    assert [(e["code"], e["table"], e["column"]) for e in entries] == [
        ("MR001", "users", "totp_secret")]

    pyproject = root / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace(
        'table-naming = "snake_case"\n', f'table-naming = "snake_case"\nbaseline = "{BASELINE}"\n'))
    assert main(["check", "--root", str(root), "-f", "json"]) == 0  # known debt does not block
    (finding,) = json.loads(capsys.readouterr().out)["findings"]
    assert (finding["code"], finding["baselined"]) == ("MR001", True)

    (root / RULES).write_text(rules)  # the debt is paid
    assert main(["baseline", "--root", str(root), "--prune"]) == 0
    assert "pruned 1 fixed entry, 0 left" in capsys.readouterr().err
    assert json.loads((root / BASELINE).read_text())["entries"] == []

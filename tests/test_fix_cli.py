"""`reviewer fix` on the sample app: byte-for-byte edits of masking_rules.json.

The fixture's rules file is the kind a team keeps by hand (one rule per line, sorted, notes
on some). ``fix`` must leave every byte it does not need to change exactly as written.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import GIT_ENV, GitRepo

RULES = "masking_rules.json"
BILLING = "ledgerly/models/billing.py"


def fix(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["fix", *args, "--root", str(repo.root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


def rules_bytes(repo: GitRepo) -> bytes:
    return (repo.root / RULES).read_bytes()


def drop_line(repo: GitRepo, needle: str) -> str:
    """Delete the one rules line containing ``needle``; returns the line as it was."""
    path = repo.root / RULES
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    hits = [line for line in lines if needle in line]
    assert len(hits) == 1, f"{needle!r} is on {len(hits)} lines of {RULES}"
    path.write_text("".join(line for line in lines if line is not hits[0]), encoding="utf-8")
    return hits[0]


def test_nothing_missing_round_trips_byte_for_byte(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = rules_bytes(sample_app)

    code, out, err = fix(sample_app, capsys)

    assert (code, out, err) == (0, "", f"{RULES}: nothing to fix\n")
    assert rules_bytes(sample_app) == before


@pytest.mark.parametrize(
    "needle",
    [
        pytest.param('"table": "users", "column": "totp_secret"', id="credential in the middle"),
        pytest.param('"table": "integration_connections", "column": "client_secret"',
                     id="credential on a single-table subclass"),
        pytest.param('"table": "contact", "column": "email_address"',
                     id="explicit DB name, e-mail fake"),
        pytest.param('"table": "saved_reports", "column": "owner"',
                     id="Flask-SQLAlchemy column"),
        pytest.param('"table": "customer", "column": "billing_street"', id="street address fake"),
    ],
)
def test_dropped_rule_is_restored_in_place(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], needle: str
) -> None:
    original = rules_bytes(sample_app)
    drop_line(sample_app, needle)

    code, out, err = fix(sample_app, capsys)

    assert (code, out, err) == (0, "", f"{RULES}: added 1 rule(s), removed 0 stale rule(s)\n")
    assert rules_bytes(sample_app) == original


def test_dry_run_prints_an_applicable_diff_and_writes_nothing(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    original = rules_bytes(sample_app)
    dropped = drop_line(sample_app, '"table": "users", "column": "totp_secret"')
    sample_app.commit("lose a rule")
    edited = rules_bytes(sample_app)

    code, out, err = fix(sample_app, capsys, "--dry-run")

    assert (code, err) == (0, "")
    assert rules_bytes(sample_app) == edited
    assert out.startswith(f"--- a/{RULES}\n+++ b/{RULES}\n@@ ")
    changed = [line for line in out.splitlines(keepends=True)[2:]
               if line.startswith(("+", "-"))]
    assert changed == ["+" + dropped]
    # The patch is real: git applies it and the file comes back byte for byte.
    subprocess.run(["git", "apply", "-"], cwd=sample_app.root, input=out.encode(), check=True,
                   env={**os.environ, **GIT_ENV})
    assert rules_bytes(sample_app) == original


def test_second_run_changes_nothing(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_line(sample_app, '"table": "payment", "column": "iban"')
    drop_line(sample_app, '"table": "users", "column": "email"')
    assert fix(sample_app, capsys)[0] == 0
    after_first = rules_bytes(sample_app)

    code, out, err = fix(sample_app, capsys)

    assert (code, out, err) == (0, "", f"{RULES}: nothing to fix\n")
    assert rules_bytes(sample_app) == after_first


def test_stale_rule_for_a_missing_table_is_removed(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    original = rules_bytes(sample_app)
    path = sample_app.root / RULES
    text = path.read_text(encoding="utf-8")
    anchor = '    {"table": "users", "column": "created_by_email"'
    stale = '    {"table": "user_accounts", "column": "email", "strategy": "null"},\n'
    path.write_text(text.replace(anchor, stale + anchor), encoding="utf-8")

    code, out, err = fix(sample_app, capsys)

    assert (code, out, err) == (0, "", f"{RULES}: added 0 rule(s), removed 1 stale rule(s)\n")
    assert rules_bytes(sample_app) == original


def test_rename_swaps_the_stale_rule_for_the_new_name(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    original = rules_bytes(sample_app).decode()
    model = sample_app.root / BILLING
    model.write_text(
        model.read_text().replace("    payer_name: Mapped", "    payer_full_name: Mapped"))

    code, _, err = fix(sample_app, capsys)

    assert (code, err) == (0, f"{RULES}: added 1 rule(s), removed 1 stale rule(s)\n")
    assert rules_bytes(sample_app).decode() == original.replace(
        '{"table": "payment", "column": "payer_name", "strategy": "fake_name"}',
        '{"table": "payment", "column": "payer_full_name", "strategy": "fake_name"}')


def test_unparsable_rules_file_is_a_usage_error_naming_the_line(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path: Path = sample_app.root / RULES
    path.write_text('{\n  "version": 1,\n  "rules": [\n    {"table": "a",}\n  ]\n}\n')
    before = rules_bytes(sample_app)

    code, out, err = fix(sample_app, capsys)

    assert (code, out) == (2, "")
    assert err.startswith(f"reviewer: error: {RULES}:4:")
    assert rules_bytes(sample_app) == before

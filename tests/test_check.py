"""`reviewer check` on the sample app: the acceptance stories of the gate, end to end.

Each case edits a fresh copy of the Ledgerly sample app the way a developer would, runs the
CLI's ``main(argv)``, and asserts the exit code, the exact findings (JSON) and the text a
user reads.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import GitRepo

RULES = "masking_rules.json"


def run(repo: GitRepo, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main([*args, "--root", str(repo.root)])
    out, err = capsys.readouterr()
    return code, out, err


def check_json(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code, out, err = run(repo, "check", "--format", "json", capsys=capsys)
    assert "Traceback" not in err
    return code, json.loads(out)


def drop_rule(table: str, column: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / RULES
        lines = path.read_text().splitlines(keepends=True)
        needle = f'"table": "{table}", "column": "{column}"'
        kept = [line for line in lines if needle not in line]
        assert len(kept) == len(lines) - 1, f"no rule for {table}.{column} in the fixture"
        path.write_text("".join(kept))

    return edit


def replace_text(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        path = root / rel
        text = path.read_text()
        assert old in text, f"{old!r} not in {rel}"
        path.write_text(text.replace(old, new, 1))

    return edit


def line_of(root: Path, rel: str, needle: str) -> int:
    for n, line in enumerate((root / rel).read_text().splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {rel}")


def test_sample_app_passes(sample_app: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    code, doc = check_json(sample_app, capsys)
    assert doc["findings"] == []
    assert doc["blocking"] is False
    assert code == 0


def test_missing_rule_prints_the_exact_entry(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_rule("users", "totp_secret")(sample_app.root)

    code, doc = check_json(sample_app, capsys)

    assert code == 1
    assert doc["blocking"] is True
    findings = doc["findings"]
    assert isinstance(findings, list) and len(findings) == 1
    f = findings[0]
    assert (f["code"], f["name"], f["severity"]) == ("MR001", "missing-rule", "error")
    assert (f["table"], f["column"], f["class"], f["attribute"]) == (
        "users", "totp_secret", "User", "totp_secret")
    assert (f["path"], f["line"]) == (
        "ledgerly/models/auth.py",
        line_of(sample_app.root, "ledgerly/models/auth.py", "totp_secret:"),
    )
    assert f["message"] == (
        "User.totp_secret is marked PRIVATE, but masking_rules.json has no rule for "
        "users.totp_secret."
    )
    assert f["rule"] == {"table": "users", "column": "totp_secret", "strategy": "null"}
    assert f["source"] == "deterministic"

    code, out, _ = run(sample_app, "check", capsys=capsys)
    assert code == 1
    assert "MR001 missing-rule" in out
    assert '{"table": "users", "column": "totp_secret", "strategy": "null"}' in out


@pytest.mark.parametrize(
    ("edit", "code", "message"),
    [
        pytest.param(
            replace_text(RULES, '"column": "iban"', '"column": "iban_number"'),
            "MR002",
            r"masking_rules\.json has a rule for payment\.iban_number, but no model declares "
            r"that column\. Did you mean payment\.iban\?",
            id="misspelt rule is stale and the real column is unmasked",
        ),
        pytest.param(
            replace_text(RULES, '{"table": "users", "column": "email"',
                         '{"table": "user_accounts", "column": "email", "strategy": "null"},\n'
                         '    {"table": "users", "column": "email"'),
            "MR002",
            r"rule for user_accounts\.email, but no model declares that column\. "
            r"No table 'user_accounts' exists",
            id="rule for a table that does not exist",
        ),
    ],
)
def test_stale_rules(
    sample_app: GitRepo,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Path], None],
    code: str,
    message: str,
) -> None:
    edit(sample_app.root)
    exit_code, doc = check_json(sample_app, capsys)
    assert exit_code == 1
    codes = [f["code"] for f in doc["findings"]]  # type: ignore[union-attr]
    assert code in codes
    stale = next(f for f in doc["findings"] if f["code"] == code)  # type: ignore[union-attr]
    assert re.search(message, stale["message"]), stale["message"]
    assert stale["path"] == RULES
    assert stale["line"] > 1


@pytest.mark.parametrize(
    ("broken", "line", "col"),
    [
        pytest.param('{\n  "version": 1,\n  "rules": [\n    {"table": "a",}\n  ]\n}\n', 4, 20,
                     id="trailing comma"),
        pytest.param('{\n  "version": 1\n  "rules": []\n}\n', 3, 3, id="missing comma"),
    ],
)
def test_broken_json_is_mr006_with_line_and_column(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], broken: str, line: int, col: int
) -> None:
    (sample_app.root / RULES).write_text(broken)
    code, out, err = run(sample_app, "check", "--format", "json", capsys=capsys)
    assert code == 1
    assert "Traceback" not in err
    doc = json.loads(out)
    mr006 = [f for f in doc["findings"] if f["code"] == "MR006"]
    assert mr006, doc["findings"]
    assert (mr006[0]["path"], mr006[0]["line"]) == (RULES, line)

    code, out, _ = run(sample_app, "check", capsys=capsys)
    assert f"{RULES}:{line}:" in out


def test_missing_rules_file_blocks(sample_app: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    (sample_app.root / RULES).unlink()
    code, doc = check_json(sample_app, capsys)
    assert code == 1
    first = doc["findings"][0]  # type: ignore[index]
    assert first["code"] == "MR006"
    assert "not found" in first["message"]


def test_syntax_error_in_a_model_fails_closed(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    rel = "ledgerly/models/billing.py"
    path = sample_app.root / rel
    lines = path.read_text().splitlines(keepends=True)
    lines.insert(10, "def broken(:\n")
    path.write_text("".join(lines))

    code, doc = check_json(sample_app, capsys)

    assert code == 1
    mr007 = [f for f in doc["findings"] if f["code"] == "MR007"]  # type: ignore[union-attr]
    assert [(f["path"], f["line"]) for f in mr007] == [(rel, 11)]
    # Rules for the unreadable file's tables are not called stale: the file is the problem.
    assert not [f for f in doc["findings"] if f["code"] == "MR002"]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        pytest.param(
            replace_text("ledgerly/models/auth.py",
                         "# masking: exempt -- bcrypt hash, cost 12; useless without the plaintext",
                         "# masking: exempt --"),
            r"the exemption for User\.password_hash has no reason",
            id="pragma without a reason",
        ),
        pytest.param(
            replace_text("pyproject.toml", 'column = "legal_name"', 'column = "legal_nam"'),
            r"the exemption names customer\.legal_nam, but no model declares that column",
            id="config exemption for a column that does not exist",
        ),
    ],
)
def test_invalid_exemptions(
    sample_app: GitRepo,
    capsys: pytest.CaptureFixture[str],
    edit: Callable[[Path], None],
    message: str,
) -> None:
    edit(sample_app.root)
    code, doc = check_json(sample_app, capsys)
    assert code == 1
    mr005 = [f for f in doc["findings"] if f["code"] == "MR005"]  # type: ignore[union-attr]
    assert len(mr005) == 1, doc["findings"]
    assert re.search(message, mr005[0]["message"]), mr005[0]["message"]


def test_every_report_lists_exemptions_with_reasons(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(sample_app, "check", capsys=capsys)
    assert code == 0
    assert "bcrypt hash, cost 12; useless without the plaintext" in out


@pytest.mark.parametrize(
    ("config", "message"),
    [
        pytest.param('[tool.masking-reviewer]\nmodles = ["x.py"]\n',
                     r"pyproject\.toml:2: unknown key 'modles'", id="misspelt key"),
        pytest.param('[tool.masking-reviewer]\nlabels = "ColumnVisibility.PRIVATE"\n',
                     r"pyproject\.toml:2: bad value for key 'labels'", id="wrong type"),
        pytest.param('[tool.masking-reviewer]\ntable-naming = "camel"\n',
                     r"pyproject\.toml:2: bad value for key 'table-naming': 'camel' is neither "
                     r"\"snake_case\" nor \"flask-sqlalchemy\" nor a template of the class name",
                     id="unknown naming"),
        pytest.param('[tool.masking-reviewer]\ntable-naming = "{class_camel}s"\n',
                     r"pyproject\.toml:2: bad value for key 'table-naming': '\{class_camel\}s'"
                     r".*e\.g\. \"\{class_snake\}s\"", id="template with an unknown field"),
        pytest.param('[tool.masking-reviewer]\ntable-naming = "{class_snake"\n',
                     r"pyproject\.toml:2: bad value for key 'table-naming'",
                     id="template with an unmatched brace"),
        pytest.param('[tool.masking-reviewer]\ntable-naming = 3\n',
                     r"pyproject\.toml:2: bad value for key 'table-naming'", id="not a string"),
        pytest.param('[tool.masking-reviewer\n', r"pyproject\.toml:1: not valid TOML",
                     id="broken toml"),
    ],
)
def test_config_errors_exit_2_and_name_file_and_key(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], config: str, message: str
) -> None:
    (sample_app.root / "pyproject.toml").write_text(config)
    code, out, err = run(sample_app, "check", capsys=capsys)
    assert code == 2
    assert out == ""
    assert re.search(message, err), err
    assert "Traceback" not in err


def test_dot_config_file_wins_over_pyproject(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (sample_app.root / ".masking-reviewer.toml").write_text(
        'models = ["nothing/*.py"]\ntable-naming = "snake_case"\n')
    code, doc = check_json(sample_app, capsys)
    assert code == 1
    assert [f["code"] for f in doc["findings"]][:1] == ["MR007"]  # type: ignore[union-attr]
    assert "no mapped classes" in doc["findings"][0]["message"]  # type: ignore[index]


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["check", "--format", "yaml"]) == 2
    assert main(["check", "--root", str(tmp_path / "nope")]) == 2
    assert "not a directory" in capsys.readouterr().err


def test_unwritable_output_is_misuse_not_a_crash(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "missing-dir" / "report.txt"
    code, out, err = run(sample_app, "check", "--output", str(target), capsys=capsys)
    assert (code, out) == (2, "")
    assert err == f"reviewer: error: cannot write {target}: No such file or directory\n"

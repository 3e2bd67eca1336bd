"""The command-line conventions users expect from ruff, semgrep and bandit, on the sample app:
``--select``/``--ignore``, ``--fail-on``, ``--exit-zero``, ``--quiet``, ``--color`` and
``reviewer explain``, with the config keys that match them. The gate stamps ``blocks``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reviewer.cli import build_parser, main
from reviewer.codes import CODES
from tests.gitrepo import GitRepo

RULES = "masking_rules.json"


def drop_rule(root: Path, table: str, column: str) -> None:
    path = root / RULES
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [ln for ln in lines if f'"table": "{table}", "column": "{column}"' not in ln]
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")


def add_config(root: Path, lines: str) -> None:
    """Keys go right after `table-naming`, inside [tool.masking-reviewer]."""
    path = root / "pyproject.toml"
    text = path.read_text(encoding="utf-8")
    anchor = 'table-naming = "snake_case"\n'
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + lines, 1), encoding="utf-8")


def run(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--root", str(repo.root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out, err


@pytest.fixture
def warning_only(sample_app: GitRepo) -> GitRepo:
    """One finding, a warning: MR001's severity lowered in config, and one rule missing."""
    drop_rule(sample_app.root, "users", "totp_secret")
    add_config(sample_app.root, "")
    (sample_app.root / "pyproject.toml").write_text(
        (sample_app.root / "pyproject.toml").read_text(encoding="utf-8")
        + '\n[tool.masking-reviewer.severity]\nMR001 = "warning"\n', encoding="utf-8")
    return sample_app


@pytest.mark.parametrize(
    ("config", "flags", "exit_code", "summary"),
    [
        pytest.param("", (), 0, "0 blocking, 1 warning; ", id="fail-on error: a warning passes"),
        pytest.param('fail-on = "warning"\n', (), 1, "1 blocking, 0 warnings; ",
                     id="config fail-on warning: the warning blocks and is counted so"),
        pytest.param("", ("--fail-on", "warning"), 1, "1 blocking, 0 warnings; ",
                     id="--fail-on warning"),
        pytest.param('fail-on = "warning"\n', ("--fail-on", "error"), 0,
                     "0 blocking, 1 warning; ", id="--fail-on wins over the config key"),
    ],
)
def test_the_gate_stamps_blocks_and_the_text_counts_it(
    warning_only: GitRepo, capsys: pytest.CaptureFixture[str], config: str,
    flags: tuple[str, ...], exit_code: int, summary: str,
) -> None:
    add_config(warning_only.root, config)

    code, out, _ = run(warning_only, capsys, "check", *flags)
    _, js, _ = run(warning_only, capsys, "check", "--format", "json", *flags)

    assert code == exit_code
    last = out.splitlines()[-1]
    assert last.startswith(summary), last
    assert last.endswith("blocks merging" if exit_code else "passes")
    (finding,) = json.loads(js)["findings"]
    assert (finding["code"], finding["severity"], finding["blocks"]) == (
        "MR001", "warning", bool(exit_code))


def test_fail_on_never_counts_errors_as_non_blocking(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_rule(sample_app.root, "users", "totp_secret")

    code, out, _ = run(sample_app, capsys, "check", "--fail-on", "never")

    assert code == 0
    assert re.match(r"0 blocking, 1 non-blocking error, 0 warnings; .* — passes$",
                    out.splitlines()[-1])


@pytest.mark.parametrize(
    ("where", "value", "codes"),
    [
        pytest.param("flag", ("--select", "MR002"), ["MR002"], id="--select a code"),
        pytest.param("flag", ("--select", "stale-rule,missing-rule"),
                     ["MR001", "MR001", "MR002"],
                     id="--select names"),
        pytest.param("flag", ("--ignore", "MR001"), ["MR002"], id="--ignore a code"),
        pytest.param("config", 'select = ["MR001"]\n', ["MR001", "MR001"], id="config select"),
        pytest.param("config", 'ignore = ["stale-rule"]\n', ["MR001", "MR001"],
                     id="config ignore"),
        pytest.param("both", ('ignore = ["MR002"]\n', "--ignore", "MR001"), ["MR002"],
                     id="--ignore replaces the config key"),
    ],
)
def test_select_and_ignore(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], where: str,
    value: tuple[str, ...] | str, codes: list[str],
) -> None:
    drop_rule(sample_app.root, "users", "totp_secret")  # MR001
    # A misspelt rule: MR002 for the rule, MR001 for the column it no longer masks.
    (sample_app.root / RULES).write_text((sample_app.root / RULES).read_text().replace(
        '"column": "email_address"', '"column": "emial_address"'), encoding="utf-8")
    flags: tuple[str, ...] = ()
    if where == "flag":
        assert isinstance(value, tuple)
        flags = value
    elif where == "config":
        assert isinstance(value, str)
        add_config(sample_app.root, value)
    else:
        assert isinstance(value, tuple)
        add_config(sample_app.root, value[0])
        flags = value[1:]

    code, out, _ = run(sample_app, capsys, "check", "--format", "json", *flags)

    assert sorted(f["code"] for f in json.loads(out)["findings"]) == codes
    assert code == 1


def test_select_never_hides_a_model_that_cannot_be_read(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    with open(sample_app.root / "ledgerly/models/billing.py", "a", encoding="utf-8") as fh:
        fh.write("\ndef broken(:\n")

    code, out, _ = run(sample_app, capsys, "check", "--select", "MR002", "--format", "json")

    assert code == 1
    assert {f["code"] for f in json.loads(out)["findings"]} == {"MR007"}


@pytest.mark.parametrize(
    ("args", "config", "message"),
    [
        pytest.param(("--select", "MR042"), "",
                     r"^reviewer: error: --select: unknown code 'MR042'; known: MR001, ",
                     id="unknown code on the command line"),
        pytest.param(("--ignore", "MR007"), "",
                     r"^reviewer: error: --ignore: MR007 cannot be ignored: when the models or "
                     r"the rules cannot be read, the gate fails closed",
                     id="the fail-closed codes cannot be ignored"),
        pytest.param((), 'ignore = ["nope"]\n',
                     r"pyproject\.toml:\d+: bad value for key 'ignore': unknown code 'nope'",
                     id="unknown code in config names file and line"),
    ],
)
def test_bad_selections_are_misuse(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], args: tuple[str, ...],
    config: str, message: str,
) -> None:
    add_config(sample_app.root, config)

    code, _, err = run(sample_app, capsys, "check", "--no-cache", *args)

    assert code == 2
    assert re.search(message, err, re.M), err


def test_exit_zero_reports_but_passes(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    drop_rule(sample_app.root, "users", "totp_secret")

    code, out, _ = run(sample_app, capsys, "check", "--exit-zero")

    assert code == 0
    assert "MR001 missing-rule" in out and out.rstrip().endswith("blocks merging")


def test_quiet_prints_findings_only(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(sample_app, capsys, "check", "--quiet") == (0, "", "")
    drop_rule(sample_app.root, "users", "totp_secret")

    code, out, _ = run(sample_app, capsys, "check", "-q")

    assert code == 1
    assert out.splitlines()[0].startswith("ledgerly/models/auth.py:")
    assert "exemption" not in out and "blocking" not in out  # no footer
    assert out.splitlines()[-1].lstrip().startswith('{"table": "users"')


@pytest.mark.parametrize(
    ("flag", "env", "coloured"),
    [
        pytest.param("always", {}, True, id="always, even into a pipe"),
        pytest.param("always", {"NO_COLOR": "1"}, True, id="always beats NO_COLOR"),
        pytest.param("never", {}, False, id="never"),
        pytest.param("auto", {}, False, id="auto: not a terminal"),
    ],
)
def test_color(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    flag: str, env: dict[str, str], coloured: bool,
) -> None:
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    drop_rule(sample_app.root, "users", "totp_secret")

    _, out, _ = run(sample_app, capsys, "check", "--color", flag)

    assert ("\x1b[" in out) is coloured


def test_diff_takes_the_same_gate_options(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    base = sample_app.head()
    drop_rule(sample_app.root, "users", "totp_secret")
    sample_app.commit("drop a rule")

    code, out, _ = run(sample_app, capsys, "diff", "--base", base, "--no-ai", "--ignore",
                       "MR001", "--format", "json")
    assert (code, json.loads(out)["findings"]) == (0, [])
    code, out, _ = run(sample_app, capsys, "diff", "--base", base, "--no-ai", "--exit-zero",
                       "-q", "--color", "never")
    assert code == 0 and "MR001 missing-rule" in out and "blocking" not in out


def test_explain_prints_the_generated_page(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    for code in CODES:
        assert main(["explain", code.lower()]) == 0
        out, _ = capsys.readouterr()
        assert out == (root / "docs" / "codes" / f"{code}.md").read_text(encoding="utf-8")
    assert main(["explain", "stale-rule"]) == 0
    assert capsys.readouterr().out.startswith("# MR002 `stale-rule`\n")
    assert main(["explain"]) == 0
    assert [ln.split(" | ")[0] for ln in capsys.readouterr().out.splitlines()
            if ln.startswith("| [MR")] == [f"| [{c}]({c}.md)" for c in CODES]
    assert main(["explain", "MR404"]) == 2
    assert re.match(r"reviewer: error: unknown code 'MR404'; known: MR001, .*MR009 ",
                    capsys.readouterr().err)


@pytest.mark.parametrize(
    ("command", "default"),
    [
        pytest.param("check", "text", id="check"),
        pytest.param("diff", "text", id="diff"),
        pytest.param("scan", "text", id="scan"),
        pytest.param("report", "markdown", id="report"),
    ],
)
def test_help_states_the_real_default_format(command: str, default: str) -> None:
    sub = build_parser()._subparsers._group_actions[0].choices[command]  # type: ignore[union-attr]
    action = next(a for a in sub._actions if "--format" in a.option_strings)
    assert action.default == default
    assert action.help == f"output format (default: {default})"
    assert default in (action.choices or ())


@pytest.mark.parametrize("args", [
    pytest.param(("check",), id="check"),
    pytest.param(("check", "--no-cache"), id="cold check"),
    pytest.param(("scan",), id="scan"),
])
def test_a_run_pauses_the_cyclic_collector_and_restores_it(
        sample_app: GitRepo, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]) -> None:
    """Full collections walk the whole inventory again and again (super-linear at 5,000
    models); a run pauses the collector, and a caller such as this test suite gets it back."""
    import gc

    collections: list[str] = []

    def record(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(phase)

    assert gc.isenabled()
    gc.callbacks.append(record)
    try:
        code = main([*args, "--root", str(sample_app.root)])
    finally:
        gc.callbacks.remove(record)
    capsys.readouterr()
    assert code in (0, 1)
    assert collections == []
    assert gc.isenabled()

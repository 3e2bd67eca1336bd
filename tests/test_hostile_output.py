"""Outputs cannot be hijacked: no name, path, reason or payload field a pull request controls
can start a workflow command (``::warning``, ``::add-mask::``, ``::stop-commands::``,
``##[...]``) or break a line, in any output format or in the reviewer's own notices.

The runner splits output on ``\\r`` as well as ``\\n`` and trims leading whitespace, so the
check (``forged_commands``) does the same. Every case goes through the real CLI on a real
git repository.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.logsafe import guard, one_line
from tests.hostile import MODEL, RULES, Project, build, forged_commands, run_cli

PAYLOADS = {
    "newline": "ok\n::warning title=PWNED::x",
    "bare CR": "ok\r::warning title=PWNED::x",
    "stop-commands": "ok\n  ::stop-commands::PWNED",
    "add-mask": "ok\r\n::add-mask::PWNED",
    "old syntax": "ok\n##[warning]PWNED",
}


def _py(text: str) -> str:
    return json.dumps(text)  # a valid Python (and TOML) string literal for these payloads


def rules_column(p: str) -> dict[str, str | bytes]:
    """A stale rule whose column is the payload (MR002 quotes it)."""
    entry = {"table": "users", "column": p, "strategy": "null"}
    return {"masking_rules.json": RULES.replace("\n]}", ",\n  " + json.dumps(entry) + "\n]}")}


def column_name(p: str) -> dict[str, str | bytes]:
    """A labelled column named by the payload, with no rule (MR001 quotes it)."""
    label = '{"visibility": ColumnVisibility.PRIVATE}'
    line = f"    other = Column({_py(p)}, String, info={label})\n"
    return {"app/models.py": MODEL + line}


def table_name(p: str) -> dict[str, str | bytes]:
    model = MODEL + (
        f"\n\nclass Evil(Base):\n    __tablename__ = {_py(p)}\n"
        "    id = Column(Integer, primary_key=True)\n"
        '    token = Column(String, info={"visibility": ColumnVisibility.PRIVATE})\n'
    )
    return {"app/models.py": model}


def exemption_reason(p: str) -> dict[str, str | bytes]:
    config = (
        'models = ["app/**/*.py"]\n\n[[exemptions]]\ntable = "users"\ncolumn = "email"\n'
        f"reason = {_py(p)}\n"
    )
    return {".masking-reviewer.toml": config, "masking_rules.json": '{"version": 1, "rules": []}\n'}


def file_name(p: str) -> dict[str, str | bytes]:
    """A model file at the root whose very name is the payload (``<payload>.py``)."""
    name = p.replace("/", "_")
    return {f"{name}.py": MODEL.replace('"users"', '"victims"'),
            ".masking-reviewer.toml": 'models = ["*.py", "app/**/*.py"]\n'}


CHANNELS: dict[str, Callable[[str], dict[str, str | bytes]]] = {
    "rules entry column": rules_column,
    "Column() name": column_name,
    "__tablename__": table_name,
    "exemption reason": exemption_reason,
    "file name": file_name,
}

FORMATS = ("text", "json", "sarif", "github", "markdown")


def _cases() -> list[object]:
    out = []
    for channel, make in CHANNELS.items():
        for payload_id, payload in PAYLOADS.items():
            if channel == "file name" and "\r" in payload:
                continue  # one file name case with a newline is enough; git handles the rest
            out.append(pytest.param(make, payload, id=f"{payload_id} via {channel}"))
    out.append(pytest.param(file_name, "::warning title=x::evil", id="file name needs no newline"))
    return out


@pytest.mark.parametrize(("make", "payload"), _cases())
def test_no_content_starts_a_workflow_command(
    make: Callable[[str], dict[str, str | bytes]], payload: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    project = build(tmp_path, make(payload))
    for fmt in FORMATS:
        code, output = run_cli(project, ["check", "--format", fmt], capsys)
        assert code in (0, 1), (fmt, output)
        assert forged_commands(output) == [], fmt
        # The payload stays on the line it belongs to: no raw line break came from content.
        for line in re.split(r"\r\n|\r|\n", output):
            if "PWNED" in line:
                assert "ok" in line, (fmt, line)


def test_the_text_output_shows_the_payload_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = build(tmp_path, rules_column(PAYLOADS["newline"]))
    code, output = run_cli(project, ["check"], capsys)
    assert code == 1
    shown = r"masking_rules\.json:\d+: MR002 .*users\.ok\\n::warning title=PWNED::x"
    assert re.search(shown, output)


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
@pytest.mark.parametrize("command", [["scan"], ["diff", "--base", "HEAD", "--worktree"]],
                         ids=["scan", "diff"])
def test_scan_and_diff_text(payload: str, command: list[str], tmp_path: Path,
                            capsys: pytest.CaptureFixture[str]) -> None:
    project = build(tmp_path, column_name(payload))
    code, output = run_cli(project, command, capsys)
    assert code in (0, 1), output
    assert forged_commands(output) == []
    assert "PWNED" in output


def test_output_file_is_guarded_too(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = build(tmp_path, file_name("::warning title=x::evil"))
    target = tmp_path / "report.txt"
    code, _ = run_cli(project, ["check", "--output", str(target)], capsys)
    assert code == 1
    text = target.read_text(encoding="utf-8")
    assert forged_commands(text) == []
    assert "\\::warning title=x::evil.py" in text


def test_a_lone_surrogate_in_a_name_never_crashes_an_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An undecodable byte in a file name reaches every format as a replacement."""
    project = build(tmp_path, {"app/b\udce9d.py": MODEL.replace('"users"', '"victims"')})
    for fmt in FORMATS:
        code, output = run_cli(project, ["check", "--format", fmt], capsys)
        assert code == 1, (fmt, output)
        assert "internal error" not in output


# --- `reviewer github`: its own notices and errors ------------------------------------------


def _github(project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str],
            monkeypatch: pytest.MonkeyPatch, event: dict[str, object] | None,
            event_name: str = "pull_request", output: str | None = None) -> tuple[int, str]:
    payload = tmp_path / "event.json"
    payload.write_text(json.dumps(event or {}), encoding="utf-8")
    for key, value in {
        "GITHUB_EVENT_NAME": event_name, "GITHUB_EVENT_PATH": str(payload),
        "GITHUB_REPOSITORY": "acme/app", "GITHUB_WORKSPACE": str(project.root),
        "GITHUB_STEP_SUMMARY": str(tmp_path / "summary.md"),
        "GITHUB_OUTPUT": output or str(tmp_path / "output.txt"),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("RUNNER_TEMP", raising=False)
    code = main(["github", "--no-comment", "--no-ai"])
    out, err = capsys.readouterr()
    return code, out + err


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_github_errors_escape_payload_fields(
    payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = build(tmp_path)
    head = project.repo.head()
    event = {"number": 7, "pull_request": {"number": 7, "head": {"sha": "x" + payload},
                                           "base": {"sha": head}},
             "repository": {"full_name": "acme/app"}}
    code, output = _github(project, tmp_path, capsys, monkeypatch, event)
    assert code == 2
    assert forged_commands(output) == []
    assert re.search(r"^::error title=masking-reviewer::the head commit xok%0[AD]", output, re.M)


@pytest.mark.parametrize("payload", list(PAYLOADS.values()), ids=list(PAYLOADS))
def test_github_notices_escape_the_event_name(
    payload: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = build(tmp_path)
    code, output = _github(project, tmp_path, capsys, monkeypatch, None, event_name=payload)
    assert code == 0, output
    assert forged_commands(output) == []
    assert re.search(r"^::notice title=masking-reviewer::Inline review needs a pull_request "
                     r"event \(this run was triggered by ok%0", output, re.M)


def test_github_output_in_a_missing_directory_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project = build(tmp_path)
    missing = str(tmp_path / "no-such-dir" / "output.txt")
    code, output = _github(project, tmp_path, capsys, monkeypatch, None, event_name="push",
                           output=missing)
    assert code == 2
    assert f"cannot write {missing}: No such file or directory" in output


@pytest.mark.parametrize(
    ("name", "payload_bytes", "says"),
    [
        pytest.param("utf16", json.dumps({"number": 1}).encode("utf-16"), r"UTF-16",
                     id="UTF-16 payload"),
        pytest.param("latin1", b'{"number": "\xe9"}', r"not valid UTF-8 \(byte 0xe9\)",
                     id="latin-1 payload"),
        pytest.param("deep", b"[" * 5000 + b"]" * 5000, r"nested deeper than 200 levels",
                     id="payload nested 5000 deep"),
    ],
)
def test_bad_event_payloads_name_the_file(
    name: str, payload_bytes: bytes, says: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    project = build(tmp_path)
    path = tmp_path / f"{name}.json"
    path.write_bytes(payload_bytes)
    monkeypatch.setenv("GITHUB_EVENT_NAME", "pull_request")
    monkeypatch.setenv("GITHUB_EVENT_PATH", str(path))
    monkeypatch.setenv("GITHUB_WORKSPACE", str(project.root))
    code = main(["github", "--no-comment", "--no-ai"])
    output = "".join(capsys.readouterr())
    assert code == 2, output
    assert re.search(rf"{re.escape(str(path))}:1: .*{says}", output), output


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom", "fifo"])
def test_event_payload_that_never_ends_is_refused(
    device: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import os
    import subprocess
    import sys

    project = build(tmp_path)
    path = device
    if device == "fifo":
        path = str(tmp_path / "event.fifo")
        os.mkfifo(path)
    env = {**os.environ, "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": path,
           "GITHUB_WORKSPACE": str(project.root)}
    proc = subprocess.run([sys.executable, "-m", "reviewer", "github", "--no-comment", "--no-ai"],
                          env=env, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 2, proc.stderr
    assert re.search(rf"{re.escape(path)}: is a (character device|FIFO)", proc.stderr)


# --- the guard itself -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("::warning::x\n", "\\::warning::x\n", id="a command line is escaped"),
        pytest.param("a\r::x::y", "a\r\\::x::y", id="a bare CR starts a line"),
        pytest.param("  ::x::y\r\n", "  \\::x::y\r\n", id="leading whitespace does not hide it"),
        pytest.param("##[error]x", "\\##[error]x", id="the old syntax too"),
        pytest.param("a::b\n", "a::b\n", id="mid-line colons are data"),
        pytest.param("\\::x::y", "\\::x::y", id="idempotent"),
    ],
)
def test_guard(text: str, expected: str) -> None:
    assert guard(text) == expected


def test_one_line_shows_breaks_and_controls() -> None:
    assert one_line("a\nb\rc\x1bd\u2028e\udce9f\tg") == "a\\nb\\rc\\x1bd\\u2028e\\udce9f\tg"

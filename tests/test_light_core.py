"""``pip install masking-reviewer`` without extras: the local commands work, and what needs an
extra says exactly what to install.

The slow test installs the package with only its core dependencies into a fresh virtual
environment (no system site-packages), at the versions this environment tested, and runs the
real CLI there. It needs PyPI, the one registry this project uses; without it, it skips.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
from packaging.requirements import Requirement

from reviewer.extras import EXTRAS, missing
from tests.gitrepo import GIT_ENV

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("PyGithub", "anthropic", "pydantic", "cryptography", "PyNaCl", "tenacity")


def project() -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - 3.10 only
        import tomli as tomllib
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return dict(data["project"])


def core_requirements() -> list[str]:
    out = []
    for raw in project()["dependencies"]:
        req = Requirement(raw)
        if req.marker is None or req.marker.evaluate():
            out.append(f"{req.name}=={version(req.name)}")  # the versions this suite tested
    return out


def test_the_core_dependencies_leave_out_the_heavy_clients() -> None:
    core = {Requirement(r).name.lower() for r in project()["dependencies"]}
    extras = project()["optional-dependencies"]
    assert core.isdisjoint(n.lower() for n in HEAVY)
    assert {Requirement(r).name for r in extras["github"]} == {"PyGithub", "tenacity"}
    assert {Requirement(r).name for r in extras["ai"]} == {"anthropic", "pydantic", "tenacity"}
    # The README's test command installs the test extra: it must bring both.
    assert "masking-reviewer[github,ai]" in extras["test"]


def test_missing_names_the_extra_and_the_install_line(monkeypatch: pytest.MonkeyPatch) -> None:
    assert missing("github", "reviewer github") is None  # installed here
    monkeypatch.setitem(EXTRAS, "github", ("github", "no_such_module_mr"))
    assert missing("github", "reviewer github") == (
        "reviewer github needs the 'github' extra, which is not installed (missing: "
        "no_such_module_mr). Install it with: pip install 'masking-reviewer[github]'"
    )


@pytest.fixture(scope="module")
def core_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    venv = tmp_path_factory.mktemp("core") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet",
           "--disable-pip-version-check"]
    proc = subprocess.run([*pip, *core_requirements()], capture_output=True, text=True,
                          check=False, timeout=600)
    if proc.returncode != 0:
        if re.search(r"connection|resolve|network|unreachable|timed out", proc.stderr, re.I):
            pytest.skip(f"PyPI is not reachable to build the core venv: {proc.stderr[-300:]}")
        raise AssertionError(proc.stderr)
    subprocess.run([*pip, "--no-deps", str(ROOT)], check=True, capture_output=True,
                   timeout=600)
    return python


def run_in(python: Path, *args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("PYTHON", "VIRTUAL_ENV", "ANTHROPIC_", "GITHUB_"))}
    return subprocess.run([str(python), "-m", "reviewer", *args], cwd=cwd, text=True,
                          capture_output=True, check=False, timeout=300,
                          env={**base, **GIT_ENV, **env})


@pytest.mark.slow
def test_core_install_runs_check_diff_and_demo_without_the_extras(
    core_venv: Path, tmp_path: Path
) -> None:
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(core_venv), "list", "--format", "json",
         "--disable-pip-version-check"], capture_output=True, text=True, check=True)
    installed = {d["name"].lower() for d in json.loads(listed.stdout)}
    assert "masking-reviewer" in installed
    assert installed.isdisjoint(h.lower() for h in HEAVY), installed

    app = tmp_path / "app"
    shutil.copytree(ROOT / "fixtures" / "sample_app", app)
    git = ["git", "-c", "init.defaultBranch=main"]
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run([*git, *cmd], cwd=app, check=True, env={**os.environ, **GIT_ENV})

    check = run_in(core_venv, "check", cwd=app)
    assert check.returncode == 0, check.stderr
    assert check.stdout.rstrip().endswith("— passes")

    models = app / "ledgerly" / "models" / "integrations.py"
    models.write_text(models.read_text(encoding="utf-8") + (
        '\n\nclass XeroConnection(Base):\n    __tablename__ = "xero_connections"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    client_secret: Mapped[Optional[str]] = mapped_column(Text)\n"), encoding="utf-8")
    diff = run_in(core_venv, "diff", "--base", "main", "--worktree", cwd=app,
                  ANTHROPIC_API_KEY="sk-ant-not-used")
    assert diff.returncode == 1, diff.stderr
    assert "MR003 unlabeled-sensitive XeroConnection.client_secret" in diff.stdout
    # A key is set but the AI extra is not installed: a visible notice with the exact line.
    assert ("notice: AI review skipped: The AI review needs the 'ai' extra, which is not "
            "installed (missing: anthropic, pydantic, tenacity). Install it with: pip install "
            "'masking-reviewer[ai]'") in diff.stdout

    github = run_in(core_venv, "github", cwd=app)
    assert github.returncode == 2
    assert github.stderr == (
        "reviewer: error: reviewer github needs the 'github' extra, which is not installed "
        "(missing: github, tenacity). Install it with: pip install 'masking-reviewer[github]'\n")

    demo = run_in(core_venv, "demo", cwd=tmp_path)
    assert demo.returncode == 0, demo.stdout + demo.stderr
    assert demo.stdout.rstrip().endswith("passed after the fix.")
    assert "<!-- masking-reviewer:fp=" in demo.stdout  # the PR comment renders in the core too

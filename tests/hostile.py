"""Shared machinery of the hostile-input suites: a tiny project in a real git repo, a layout
language for the files a pull request can plant (symlinks, FIFOs, raw bytes), and the two
invariants every case must keep: nothing outside the repository changes, and nothing inside
it changes unless the command was asked to write it.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import GitRepo, make_repo

MODEL = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class ColumnVisibility:
    PRIVATE = "private"


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String, info={"visibility": ColumnVisibility.PRIVATE})
"""

RULES = (
    '{"version": 1, "rules": [\n'
    '  {"table": "users", "column": "email", "strategy": "fake_email"}\n'
    "]}\n"
)
CONFIG = 'models = ["app/**/*.py"]\n'
OUTSIDE_TEXT = b'{"version": 1, "rules": []}\n'


@dataclass(frozen=True)
class Link:
    """A symlink; ``{outside}`` in the target is the directory next to the repository."""

    target: str


@dataclass(frozen=True)
class Fifo:
    pass


FIFO = Fifo()
Content = str | bytes | Link | Fifo | None  # None: delete the base file

BASE: dict[str, Content] = {
    "app/models.py": MODEL,
    "masking_rules.json": RULES,
    ".masking-reviewer.toml": CONFIG,
}


@dataclass
class Project:
    repo: GitRepo
    outside: Path

    @property
    def root(self) -> Path:
        return self.repo.root


def build(tmp_path: Path, layout: Mapping[str, Content] = {}) -> Project:
    """Commit the base project, then plant ``layout`` in the working tree (uncommitted)."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "rules.json").write_bytes(OUTSIDE_TEXT)
    (outside / "secret.py").write_text(MODEL.replace("users", "stolen"), encoding="utf-8")
    (outside / "baseline.json").write_bytes(b'{"version": 1, "entries": []}\n')
    repo = make_repo(tmp_path / "repo")
    for path, content in BASE.items():
        if isinstance(content, str):
            repo.write(path, content)
    repo.commit("base")
    plant(repo.root, outside, layout)
    return Project(repo, outside)


def plant(root: Path, outside: Path, layout: Mapping[str, Content]) -> None:
    for path, content in layout.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink() or target.is_file():
            target.unlink()
        if content is None:
            continue
        if isinstance(content, Link):
            target.symlink_to(content.target.format(outside=outside))
        elif isinstance(content, Fifo):
            os.mkfifo(target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def snapshot(top: Path) -> dict[str, str]:
    """path -> what it is (content hash, link target, kind) for everything under ``top``,
    git's own directory left out. Never opens a FIFO or device."""
    seen: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(top):
        dirnames[:] = [d for d in dirnames if d != ".git"]
        for name in [*filenames, *[d for d in dirnames if Path(dirpath, d).is_symlink()]]:
            path = Path(dirpath, name)
            rel = path.relative_to(top).as_posix()
            if path.is_symlink():
                seen[rel] = f"link:{os.readlink(path)}"
            elif path.is_file():
                seen[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                seen[rel] = "special"
    return seen


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}


def run_cli(
    project: Project, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> tuple[int, str]:
    code = main([*argv, "--root", str(project.root)])
    out, err = capsys.readouterr()
    return code, out + err


def run_subprocess(
    project: Project, argv: list[str], env: Mapping[str, str] | None = None, timeout: float = 60
) -> tuple[int, str]:
    """The CLI in a child process: a case that would hang fails on the timeout instead."""
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer", *argv, "--root", str(project.root)],
        cwd=project.root,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        timeout=timeout,
        check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr


# Lines a workflow-command parser would act on: after its own split on \r and \n and its
# trim of leading whitespace.
_RUNNER_LINES = re.compile(r"\r\n|\r|\n")
OUR_COMMAND = re.compile(
    r"::(error|warning|notice) (file=[^:,\r\n]*,(line=\d+,)?(col=\d+,)?)?"
    r"title=(masking-reviewer[^:,\r\n]*|MR\d{3} [a-z-]+)::"
)


def forged_commands(output: str) -> list[str]:
    """Every line that starts a workflow command the reviewer did not build itself."""
    bad = []
    for line in _RUNNER_LINES.split(output):
        stripped = line.lstrip()
        if stripped.startswith(("::", "##[")) and not OUR_COMMAND.match(stripped):
            bad.append(line)
    return bad


# --- permission errors, which root never sees --------------------------------------------------

# Root reads and writes whatever the file modes say, and CI runs as root. Dropping the two
# capabilities that let it (util-linux's setpriv) makes root obey the modes like any user.
_NO_OVERRIDE = ("setpriv", "--bounding-set", "-dac_override,-dac_read_search", "--")


def modes_bind_root() -> bool | None:
    """True when the suite runs as root and can drop its file-mode override; False when not
    root (modes bind anyway); None when root cannot drop it (the case must be skipped)."""
    import shutil

    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        return False
    return True if shutil.which("setpriv") else None


def run_obeying_modes(project: Project, argv: list[str]) -> tuple[int, str]:
    """The CLI in a child process that file modes bind, even under root."""
    proc = subprocess.run(
        [*_NO_OVERRIDE, sys.executable, "-m", "reviewer", *argv, "--root", str(project.root)],
        cwd=project.root, capture_output=True, text=True, encoding="utf-8",
        errors="replace", timeout=120, check=False,
    )
    return proc.returncode, proc.stdout + proc.stderr

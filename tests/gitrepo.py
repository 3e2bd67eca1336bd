"""Build real git repositories in ``tmp_path`` for tests.

Every git call here runs with the user's global and system config switched off, so a
developer's ``diff.noprefix`` or signing setup cannot change what a test sees. Code under
test runs git itself: call ``isolate_git(monkeypatch)`` (or use the ``git_env`` values)
so that it is isolated the same way.
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

GIT_ENV: dict[str, str] = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test Author",
    "GIT_AUTHOR_EMAIL": "author@example.com",
    "GIT_COMMITTER_NAME": "Test Committer",
    "GIT_COMMITTER_EMAIL": "committer@example.com",
    # fixed dates make commit shas reproducible between runs
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+0000",
}


def isolate_git(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make every git process of this test (ours and the code's) ignore user config."""
    for key, value in GIT_ENV.items():
        monkeypatch.setenv(key, value)


@dataclass(frozen=True, slots=True)
class GitRepo:
    root: Path

    def git(self, *args: str) -> str:
        proc = subprocess.run(
            ["git", *args],
            cwd=self.root,
            env={**os.environ, **GIT_ENV},
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {proc.stderr}")
        return proc.stdout

    def write(self, path: str, text: str) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        return target

    def write_bytes(self, path: str, data: bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return target

    def commit(self, message: str) -> str:
        """Stage everything (tracked and new) and commit; returns the full sha."""
        self.git("add", "--all")
        self.git("commit", "--quiet", "--allow-empty", "--no-gpg-sign", "-m", message)
        return self.head()

    def head(self) -> str:
        return self.git("rev-parse", "HEAD").strip()

    def branch(self, name: str, start: str = "HEAD") -> None:
        self.git("branch", name, start)

    def checkout(self, name: str) -> None:
        self.git("checkout", "--quiet", name)

    def rename(self, old: str, new: str) -> None:
        (self.root / new).parent.mkdir(parents=True, exist_ok=True)
        self.git("mv", old, new)

    def delete(self, path: str) -> None:
        self.git("rm", "--quiet", path)

    def chmod(self, path: str, executable: bool) -> None:
        self.git("update-index", f"--chmod={'+x' if executable else '-x'}", path)
        (self.root / path).chmod(0o755 if executable else 0o644)

    def config(self, key: str, value: str) -> None:
        self.git("config", key, value)


def make_repo(path: Path) -> GitRepo:
    path.mkdir(parents=True, exist_ok=True)
    repo = GitRepo(path)
    repo.git("-c", "init.defaultBranch=main", "init", "--quiet")
    return repo

"""Where source files come from: the working tree, or a commit read through git.

The scanner only ever *reads* text through a ``SourceTree``; it never imports the code.
"""

from __future__ import annotations

import os
import subprocess
from functools import cached_property
from pathlib import Path
from typing import Protocol

from reviewer.errors import UsageError


class SourceTree(Protocol):
    """A snapshot of a repository: the files in it and their text."""

    @property
    def label(self) -> str:
        """Human name of the snapshot, e.g. ``working tree`` or a short sha."""
        ...

    def files(self) -> list[str]:
        """Repo-relative POSIX paths of every file in the snapshot."""
        ...

    def read(self, path: str) -> str | None:
        """The text of ``path``, or None if it does not exist in this snapshot."""
        ...


# The user's git config must not change what we read: quoted paths, prefixes, colours and
# relative diffs would all break parsing.
GIT_CONFIG = (
    "-c", "core.quotePath=false",
    "-c", "diff.noprefix=false",
    "-c", "diff.mnemonicPrefix=false",
    "-c", "diff.relative=false",
    "-c", "diff.suppressBlankEmpty=false",
    "-c", "color.ui=never",
)  # fmt: skip


def git(
    root: str | Path, *args: str, env: dict[str, str] | None = None, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """Run git with the pinned config; a missing git or directory is a usage error."""
    try:
        return subprocess.run(
            ["git", *GIT_CONFIG, *args],
            cwd=root,
            input=stdin,
            capture_output=True,
            text=True,
            encoding="utf-8",
            errors="surrogateescape",
            env=env,
            check=False,
        )
    except FileNotFoundError as exc:
        raise UsageError("git is not installed or not on PATH") from exc
    except NotADirectoryError as exc:
        raise UsageError(f"{root} is not a directory") from exc


def run_git(root: str | Path, *args: str, check: bool = True) -> str:
    proc = git(root, *args)
    if check and proc.returncode != 0:
        msg = proc.stderr.strip() or f"git {' '.join(args)} failed"
        raise UsageError(f"git {' '.join(args)}: {msg}")
    return proc.stdout


def is_git_repo(root: str | Path) -> bool:
    return git(root, "rev-parse", "--is-inside-work-tree").returncode == 0


class WorktreeTree:
    """The files on disk. Inside a git checkout: tracked plus untracked-not-ignored files."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    @property
    def label(self) -> str:
        return "working tree"

    @cached_property
    def _files(self) -> list[str]:
        if is_git_repo(self.root):
            out = run_git(
                self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard"
            )
            names = sorted({p for p in out.split("\0") if p})
            return [p for p in names if (self.root / p).is_file()]
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in filenames:
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                found.append(rel)
        return sorted(found)

    def files(self) -> list[str]:
        return list(self._files)

    def read(self, path: str) -> str | None:
        try:
            # surrogateescape, as GitTree does: a file that is not UTF-8 (latin-1 with a PEP 263
            # declaration, or binary) reaches the scanner, which can tell the user where.
            return (self.root / path).read_text(encoding="utf-8", errors="surrogateescape")
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None


class GitTree:
    """The files of one commit, read with ``git ls-tree`` / ``git cat-file``."""

    def __init__(self, root: str | Path, rev: str) -> None:
        self.root = Path(root).resolve()
        self.rev = run_git(self.root, "rev-parse", "--verify", f"{rev}^{{commit}}").strip()
        self._cache: dict[str, str | None] = {}

    @property
    def label(self) -> str:
        return self.rev[:12]

    @cached_property
    def _blobs(self) -> dict[str, str]:
        """path -> blob id, for every file in the commit."""
        out = run_git(self.root, "ls-tree", "-r", "-z", "--full-tree", self.rev)
        blobs: dict[str, str] = {}
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            _mode, kind, oid = meta.split(" ")
            if kind == "blob":
                blobs[path] = oid
        return blobs

    def files(self) -> list[str]:
        return sorted(self._blobs)

    def blob_id(self, path: str) -> str | None:
        """git's id of the file's content, known without reading it; None if missing."""
        return self._blobs.get(path)

    def read(self, path: str) -> str | None:
        if path not in self._cache:
            if path not in self._blobs:
                return None
            # One `git cat-file --batch` for every Python file beats a process per file; a
            # rules or config file alone does not need them.
            wanted = [p for p in self._blobs if p.endswith(".py") and p not in self._cache
                      ] if path.endswith(".py") else []
            self._load([*wanted, path] if path not in wanted else wanted)
        return self._cache.get(path)

    def _load(self, paths: list[str]) -> None:
        request = "".join(f"{self._blobs[p]}\n" for p in paths).encode()
        proc = subprocess.run(
            ["git", "cat-file", "--batch"],
            cwd=self.root,
            input=request,
            capture_output=True,
            check=False,
        )
        if proc.returncode != 0:
            raise UsageError(f"git cat-file --batch failed: {proc.stderr.decode(errors='replace')}")
        data = proc.stdout
        pos = 0
        for p in paths:
            header_end = data.index(b"\n", pos)
            _oid, _kind, size = data[pos:header_end].split(b" ")
            start = header_end + 1
            body = data[start : start + int(size)]
            self._cache[p] = body.decode("utf-8", errors="surrogateescape")
            pos = start + int(size) + 1


class MemoryTree:
    """An in-memory snapshot, for tests and for the runtime ``reviewer.testing`` helpers."""

    def __init__(self, files: dict[str, str], label: str = "memory") -> None:
        self._data = dict(files)
        self._label = label

    @property
    def label(self) -> str:
        return self._label

    def files(self) -> list[str]:
        return sorted(self._data)

    def read(self, path: str) -> str | None:
        return self._data.get(path)

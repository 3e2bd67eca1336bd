"""Where source files come from: the working tree, or a commit read through git.

The scanner only ever *reads* text through a ``SourceTree``; it never imports the code.
"""

from __future__ import annotations

import os
import posixpath
import stat
import subprocess
from collections.abc import Collection, Sequence
from functools import cached_property
from pathlib import Path
from typing import Protocol

from reviewer.constants import MAX_FILE_BYTES
from reviewer.errors import UsageError
from reviewer.files import OutsideRepository, UnreadableFile, decode, read_in_repo, size_limit


class SourceTree(Protocol):
    """A snapshot of a repository: the files in it and their text."""

    @property
    def label(self) -> str:
        """Human name of the snapshot, e.g. ``working tree`` or a short sha."""
        ...

    @property
    def package_name(self) -> str | None:
        """The name Python imports the repository by when its top directory is itself a
        package (an ``__init__.py`` at the root, seafevents): the directory's name, as on the
        ``sys.path`` of the application that checks it out beside itself. None when unknown."""
        ...

    def files(self) -> list[str]:
        """Repo-relative POSIX paths of every file in the snapshot."""
        ...

    def read(self, path: str) -> str | None:
        """The text of ``path``, or None if it does not exist in this snapshot.

        Bytes that are not UTF-8 come back as lone surrogates (``surrogateescape``), so a
        reader can name the first bad byte. Raises ``UnreadableFile`` for a file that exists
        but cannot be read safely and ``OutsideRepository`` for one that leads outside.
        """
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


_SYMLINK_MODE = "120000"
_MAX_SYMLINK_HOPS = 8


def _package_name(root: Path) -> str | None:
    return root.name if root.name.isidentifier() else None


def root_package(tree: SourceTree, files: Collection[str]) -> str | None:
    """The name the repository's top directory is imported by, when it is a package (an
    ``__init__.py`` among ``files``, the tree's): ``tree.package_name``; else None."""
    return tree.package_name if "__init__.py" in files else None


class WorktreeTree:
    """The files on disk. Inside a git checkout: tracked plus untracked-not-ignored files."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root).resolve()

    @property
    def label(self) -> str:
        return "working tree"

    @property
    def package_name(self) -> str | None:
        return _package_name(self.root)

    @cached_property
    def _files(self) -> list[str]:
        # ls-files fails outside a work tree: one git process, not a probe and then a listing
        listed = git(self.root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
        if listed.returncode == 0:
            names = {p for p in listed.stdout.split("\0") if p}
            # git never lists a FIFO, socket or device; one named like a model file must not
            # vanish from the review, so the directories holding Python files are looked at.
            names |= _special_files(self.root, names)
            return [p for p in sorted(names) if _present(self.root / p)]
        found: list[str] = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            # a symlinked directory is one entry, as git lists it: never walked into (the
            # files are reached through it when an import names them), never a loop
            links = [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]
            dirnames[:] = [d for d in dirnames if d not in links]
            for name in [*filenames, *links]:
                rel = Path(dirpath, name).relative_to(self.root).as_posix()
                found.append(rel)
        return sorted(found)

    def files(self) -> list[str]:
        return list(self._files)

    def read(self, path: str) -> str | None:
        data = read_in_repo(self.root, path)
        return None if data is None else decode(data)


def _present(path: Path) -> bool:
    """In the working tree and not a directory (tracked-but-deleted files are gone)."""
    try:
        return not stat.S_ISDIR(os.lstat(path).st_mode)
    except OSError:
        return False


def _special_files(root: Path, listed: set[str]) -> set[str]:
    """``*.py`` entries that are neither regular files, directories nor symlinks, in every
    directory that holds a listed Python file, unless git ignores them."""
    found: list[str] = []
    for folder in sorted({posixpath.dirname(p) for p in listed if p.endswith(".py")}):
        try:
            entries = list(os.scandir(root / folder))
        except OSError:
            continue
        for entry in entries:
            if not entry.name.endswith(".py"):
                continue
            rel = posixpath.join(folder, entry.name) if folder else entry.name
            if rel in listed:
                continue
            try:
                mode = entry.stat(follow_symlinks=False).st_mode
            except OSError:
                continue
            if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode) or stat.S_ISLNK(mode)):
                found.append(rel)
    if not found:
        return set()
    ignored = git(root, "check-ignore", "--no-index", "-z", "--stdin", stdin="\0".join(found))
    return set(found) - {p for p in ignored.stdout.split("\0") if p}


class GitTree:
    """The files of one commit, read with ``git ls-tree`` / ``git cat-file``."""

    def __init__(self, root: str | Path, rev: str) -> None:
        self.root = Path(root).resolve()
        self.rev = run_git(self.root, "rev-parse", "--verify", f"{rev}^{{commit}}").strip()
        self._cache: dict[str, str | None] = {}
        self._links: dict[str, str] = {}  # symlink path -> its target, as committed

    @property
    def label(self) -> str:
        return self.rev[:12]

    @property
    def package_name(self) -> str | None:
        return _package_name(self.root)

    @cached_property
    def _entries(self) -> dict[str, tuple[str, str, int]]:
        """path -> (mode, blob id, size), for every file (and symlink) in the commit."""
        out = run_git(self.root, "ls-tree", "-r", "-z", "-l", "--full-tree", self.rev)
        entries: dict[str, tuple[str, str, int]] = {}
        for entry in out.split("\0"):
            if not entry:
                continue
            meta, _, path = entry.partition("\t")
            mode, kind, oid, size = meta.split()
            if kind == "blob":
                entries[path] = (mode, oid, int(size))
        return entries

    @cached_property
    def _blobs(self) -> dict[str, str]:
        """path -> blob id, for every file in the commit."""
        return {path: oid for path, (_mode, oid, _size) in self._entries.items()}

    def files(self) -> list[str]:
        return sorted(self._blobs)

    def blob_id(self, path: str) -> str | None:
        """git's id of the file's content, known without reading it; None if missing. For a
        committed symlink, its target's: the link's own blob stays the same when the file it
        points at changes."""
        real = self._real_path(path, path, 0)
        return None if real is None else self._entries[real][1]

    def read(self, path: str) -> str | None:
        real = self._real_path(path, path, 0)
        return None if real is None else self._read(real, path)

    def prefetch(self, paths: Sequence[str]) -> None:
        """Load these files in one ``git cat-file`` process, when a caller knows it needs only
        a few of the commit's Python files: the first ``read`` of one otherwise loads them all
        (the right bet for a scan, not for the two files a pull request changed)."""
        wanted = [p for p in dict.fromkeys(paths) if p in self._entries
                  and self._entries[p][0] != _SYMLINK_MODE
                  and self._entries[p][2] <= MAX_FILE_BYTES and p not in self._cache]
        if wanted:
            self._load(wanted)

    def _real_path(self, path: str, asked: str, hops: int) -> str | None:
        """``path`` with committed symlinks followed inside the commit, never out of it: the
        file's own, and a symlinked directory above it (ooni's services each reach a shared
        package through ``common -> ../../../../common/src/common``)."""
        entry = self._entries.get(path)
        if entry is None:
            parts = path.split("/")
            for cut in range(len(parts) - 1, 0, -1):
                above = "/".join(parts[:cut])
                if above in self._entries:  # a file that a directory seems to be under
                    if self._entries[above][0] != _SYMLINK_MODE:
                        return None
                    into = self._link(above, asked, hops)
                    inside = posixpath.normpath("/".join([into, *parts[cut:]]))
                    return self._real_path(inside, asked, hops + 1)
            return None
        if entry[0] != _SYMLINK_MODE:
            return path
        return self._real_path(self._link(path, asked, hops), asked, hops + 1)

    def _link(self, path: str, asked: str, hops: int) -> str:
        """Where the committed symlink ``path`` leads, inside the commit."""
        if hops >= _MAX_SYMLINK_HOPS:
            raise UnreadableFile("too many levels of symbolic links", path=asked)
        if path not in self._links:
            self._load([path])
            self._links[path] = self._cache.pop(path, None) or ""
        target = self._links[path]
        joined = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if posixpath.isabs(target) or joined == ".." or joined.startswith("../"):
            raise OutsideRepository(
                f"is a symlink to {target!r}, outside the repository; the reviewer reads only "
                "files inside it",
                path=asked,
            )
        return joined

    def _read(self, path: str, asked: str) -> str | None:
        _mode, _oid, size = self._entries[path]
        if size > MAX_FILE_BYTES:
            raise UnreadableFile(
                f"is {size:,} bytes, over the {size_limit()} limit on files the reviewer "
                "reads; nothing in it was checked",
                path=asked,
            )
        if path not in self._cache:
            # One `git cat-file --batch` for every Python file beats a process per file; a
            # rules or config file alone does not need them.
            wanted = [
                p for p, (m, _, n) in self._entries.items()
                if p.endswith(".py") and m != _SYMLINK_MODE and n <= MAX_FILE_BYTES
                and p not in self._cache
            ] if path.endswith(".py") else []
            self._load([*wanted, path] if path not in wanted else wanted)
        return self._cache.get(path)

    def _load(self, paths: list[str]) -> None:
        request = "".join(f"{self._entries[p][1]}\n" for p in paths).encode()
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
            self._cache[p] = decode(data[start : start + int(size)])
            pos = start + int(size) + 1


class MemoryTree:
    """An in-memory snapshot, for tests and for the runtime ``reviewer.testing`` helpers."""

    def __init__(self, files: dict[str, str], label: str = "memory",
                 package_name: str | None = None) -> None:
        self._data = dict(files)
        self._label = label
        self._package_name = package_name

    @property
    def label(self) -> str:
        return self._label

    @property
    def package_name(self) -> str | None:
        return self._package_name

    def files(self) -> list[str]:
        return sorted(self._data)

    def read(self, path: str) -> str | None:
        return self._data.get(path)

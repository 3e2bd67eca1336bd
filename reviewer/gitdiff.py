"""Git and unified-diff plumbing for ``reviewer diff`` and the GitHub layer.

Line numbers that end up on a review comment come from here, never from a model: GitHub
rejects a whole review when one comment sits outside the diff, so every anchor is checked
against the hunks parsed below.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Literal

from unidiff.errors import UnidiffParseError
from unidiff.patch import PatchSet

from reviewer.constants import DEFAULT_BASE_REFS
from reviewer.errors import UsageError
from reviewer.sources import git
from reviewer.types import Side

Status = Literal["added", "deleted", "modified", "renamed", "binary", "mode"]

# Pinned so that no user or repo config (diff.noprefix, color.ui=always, diff.external,
# diff.relative, diff.submodule=log, ...) changes the text we parse.
_DIFF_ARGS = (
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "--submodule=short",
    "-M",
    "-U3",
    "--src-prefix=a/",
    "--dst-prefix=b/",
)
_FETCH_HINT = (
    "fetch the base branch (e.g. `git fetch origin main`); "
    "in GitHub Actions use actions/checkout with `fetch-depth: 0`"
)


@dataclass(frozen=True, slots=True)
class FileDiff:
    """One file of a diff. A binary change is ``binary`` even when it adds or deletes."""

    old_path: str | None  # None for an added file
    new_path: str | None  # None for a deleted file
    status: Status
    added: frozenset[int]  # head-side line numbers of '+' lines
    removed: frozenset[int]  # base-side line numbers of '-' lines
    right_ranges: tuple[tuple[int, int], ...]  # inclusive head-side ranges covered by hunks
    left_ranges: tuple[tuple[int, int], ...]  # inclusive base-side ranges

    @property
    def path(self) -> str:
        """The path a reviewer talks about: the new one, or the old one for a deletion."""
        return self.new_path or self.old_path or ""


@dataclass(frozen=True, slots=True)
class DiffIndex:
    files: tuple[FileDiff, ...]
    # The raw text of each file's section, aligned with ``files``. Kept out of equality so
    # two diffs that touch the same lines compare equal whatever their context text.
    patches: tuple[str, ...] = field(default=(), repr=False, compare=False)

    # path -> index into ``files``, by new path then by old path; built on first lookup (every
    # finding is anchored with up to four lookups, so a scan per lookup adds up)
    _by_new: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)
    _by_old: dict[str, int] = field(default_factory=dict, init=False, repr=False, compare=False)

    def _find(self, path: str) -> int | None:
        if not self._by_new and not self._by_old and self.files:
            for i, f in enumerate(self.files):
                if f.new_path is not None:
                    self._by_new.setdefault(f.new_path, i)
                if f.old_path is not None:
                    self._by_old.setdefault(f.old_path, i)
        found = self._by_new.get(path)
        return found if found is not None else self._by_old.get(path)

    def get(self, path: str) -> FileDiff | None:
        """The file by its new path, else by its old path (a deleted or renamed-away file)."""
        i = self._find(path)
        return None if i is None else self.files[i]

    def in_hunk(self, path: str, line: int, side: Side) -> bool:
        """Whether GitHub will accept a review comment on ``line`` of ``side``."""
        f = self.get(path)
        if f is None:
            return False
        if side == "RIGHT":
            # the old name of a renamed file has no head side to comment on
            if f.new_path != path:
                return False
            ranges = f.right_ranges
        else:
            # GitHub names a renamed file by its new path on both sides
            ranges = f.left_ranges
        return any(lo <= line <= hi for lo, hi in ranges)

    def changed_paths(self) -> frozenset[str]:
        return frozenset(
            p for f in self.files for p in (f.old_path, f.new_path) if p is not None
        )

    def renames(self) -> dict[str, str]:
        return {
            f.old_path: f.new_path
            for f in self.files
            if f.old_path is not None and f.new_path is not None and f.old_path != f.new_path
        }

    def hunk_text(self, path: str) -> str:
        """That file's section of the patch, header included; "" if the diff misses it."""
        i = self._find(path)
        if i is None or i >= len(self.patches):
            return ""
        return self.patches[i]


# --- git -------------------------------------------------------------------------------


def _git_ok(root: str, *args: str, hint: str, env: dict[str, str] | None = None) -> str:
    proc = git(root, *args, env=env)
    if proc.returncode != 0:
        msg = proc.stderr.strip() or f"exit status {proc.returncode}"
        raise UsageError(f"git {' '.join(args)} failed: {msg}; {hint}")
    return proc.stdout


def _require_repo(root: str) -> None:
    if not os.path.isdir(root):
        raise UsageError(f"{root} does not exist or is not a directory")
    proc = git(root, "rev-parse", "--is-inside-work-tree")
    if proc.returncode != 0 or proc.stdout.strip() != "true":
        raise UsageError(
            f"{root} is not inside a git work tree; run reviewer from a git checkout "
            "or use `reviewer check` for a full scan without git"
        )


def _commit_of(root: str, ref: str) -> str | None:
    proc = git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return proc.stdout.strip() if proc.returncode == 0 else None


def resolve_commit(root: str, ref: str) -> str:
    """A ref the user named, as a full commit sha, or a usage error that says so."""
    _require_repo(root)
    if not ref or ref.startswith("-"):
        raise UsageError(f"invalid ref {ref!r}; pass a branch, tag or commit sha")
    sha = _commit_of(root, ref)
    if sha is None:
        raise UsageError(f"unknown ref {ref!r}: git cannot find it here; {_FETCH_HINT}")
    return sha


def head_sha(root: str) -> str:
    _require_repo(root)
    sha = _commit_of(root, "HEAD")
    if sha is None:
        raise UsageError(
            f"{root} has no commits yet (HEAD does not point at a commit); "
            "commit something first or use `reviewer check`"
        )
    return sha


def default_base_ref(root: str) -> str:
    """The first of ``DEFAULT_BASE_REFS`` that names a commit here."""
    _require_repo(root)
    for ref in DEFAULT_BASE_REFS:
        if _commit_of(root, ref) is not None:
            return ref
    raise UsageError(
        f"no base branch found (tried {', '.join(DEFAULT_BASE_REFS)}); "
        f"pass --base REF, or {_FETCH_HINT}"
    )


def resolve_base(root: str, ref: str | None, head_ref: str | None = None) -> str:
    """merge-base of ``ref`` (or the default base branch) and HEAD (or ``head_ref``), as a
    full sha.

    The merge-base, not the tip of the base branch: commits that landed on main after the
    branch point are not part of this change and must not be reported as if they were.
    """
    head = head_sha(root) if head_ref is None else resolve_commit(root, head_ref)
    name = ref if ref is not None else default_base_ref(root)
    if not name or name.startswith("-"):
        raise UsageError(f"invalid base ref {name!r}; pass a branch, tag or commit sha")
    base = _commit_of(root, name)
    if base is None:
        raise UsageError(f"unknown base ref {name!r}: git cannot find it here; {_FETCH_HINT}")
    proc = git(root, "merge-base", base, head)
    if proc.returncode == 0 and proc.stdout.strip():
        return proc.stdout.strip()
    if proc.returncode == 1:
        shallow = git(root, "rev-parse", "--is-shallow-repository").stdout.strip() == "true"
        why = (
            "this clone is shallow, so the branch point is missing"
            if shallow
            else "the histories are unrelated"
        )
        raise UsageError(
            f"{name} and HEAD have no common ancestor ({why}); {_FETCH_HINT}"
            + ("" if shallow else ", or pass --base with a commit on this branch's history")
        )
    raise UsageError(f"git merge-base {name} HEAD failed: {proc.stderr.strip()}; {_FETCH_HINT}")


def git_diff(root: str, base: str, head: str | None) -> str:
    """The patch from ``base`` to ``head``; ``head=None`` diffs against the working tree.

    For the working tree, untracked (not ignored) files count as added. Marking them
    intent-to-add would change the user's index, so that happens in a throwaway copy of
    it instead; as a bonus, git then sees an untracked file that replaces a deleted one as
    the rename it is.
    """
    _require_repo(root)
    if head is not None:
        return _git_ok(root, *_DIFF_ARGS, base, head, "--", hint=_FETCH_HINT)
    # from the top level: in a subdirectory ls-files would only list that subdirectory
    top = _git_ok(root, "rev-parse", "--show-toplevel", hint="check the repository").strip()
    untracked = _git_ok(
        top, "ls-files", "-z", "--others", "--exclude-standard", hint="check the repository"
    )
    paths = [p for p in untracked.split("\0") if p]
    if not paths:
        return _git_ok(top, *_DIFF_ARGS, base, "--", hint=_FETCH_HINT)
    index = _git_ok(
        top, "rev-parse", "--path-format=absolute", "--git-path", "index",
        hint="check the repository",
    ).strip()  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="masking-reviewer-") as tmp:
        scratch = os.path.join(tmp, "index")
        if os.path.exists(index):
            shutil.copyfile(index, scratch)
        env = {**os.environ, "GIT_INDEX_FILE": scratch}
        # Intent-to-add (in the scratch index only) is what makes `git diff <base>` read
        # these files from disk like tracked ones; no object is written. Literal pathspecs:
        # a file named `*.py` must not match its neighbours.
        proc = git(
            top, "--literal-pathspecs", "add", "--intent-to-add", "--pathspec-from-file=-",
            "--pathspec-file-nul", env=env, stdin="\0".join(paths) + "\0",
        )  # fmt: skip
        if proc.returncode != 0:
            raise UsageError(
                f"could not include untracked files in the diff: {proc.stderr.strip()}; "
                "commit or ignore them and retry"
            )
        return _git_ok(top, *_DIFF_ARGS, base, "--", hint=_FETCH_HINT, env=env)


def read_diff(root: str, base: str, head: str | None) -> DiffIndex:
    return parse_diff(git_diff(root, base, head))


# --- parsing ---------------------------------------------------------------------------

_ESCAPES = {
    "a": 7, "b": 8, "t": 9, "n": 10, "v": 11, "f": 12, "r": 13, '"': 34, "\\": 92,
}  # fmt: skip


def _unquote(text: str) -> str:
    """Undo git's C-style quoting of a path (``"a/tab\\there"``); plain text passes through."""
    if not (len(text) >= 2 and text.startswith('"') and text.endswith('"')):
        return text
    out = bytearray()
    body = text[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in "01234567" and i + 3 < len(body):
                out.append(int(body[i + 1 : i + 4], 8) & 0xFF)
                i += 4
                continue
            out.append(_ESCAPES.get(nxt, ord(nxt)))
            i += 2
            continue
        out += ch.encode("utf-8", errors="surrogateescape")
        i += 1
    return out.decode("utf-8", errors="surrogateescape")


def _strip_prefix(path: str, prefix: str) -> str | None:
    path = _unquote(path)
    if path == "/dev/null":
        return None
    return path[len(prefix) :] if path.startswith(prefix) else path


def _split_git_header(rest: str) -> tuple[str, str] | None:
    """``a/X b/Y`` from a ``diff --git`` line. Unquoted names with spaces are ambiguous,
    but then X == Y (git quotes or adds rename lines otherwise), so split in the middle."""
    if rest.startswith('"'):
        end = 1
        while end < len(rest):
            if rest[end] == "\\":
                end += 2
                continue
            if rest[end] == '"':
                break
            end += 1
        return rest[: end + 1], rest[end + 2 :]
    if rest.endswith('"'):
        start = rest.rfind(' "')
        return rest[:start], rest[start + 1 :]
    if len(rest) % 2 == 1:
        half = len(rest) // 2
        left, right = rest[:half], rest[half + 1 :]
        if rest[half] == " " and left[2:] == right[2:]:
            return left, right
    parts = rest.split(" ")
    return (parts[0], parts[1]) if len(parts) == 2 else None


def _sections(text: str) -> Iterator[str]:
    """Split a patch into per-file sections. Hunk lines always start with one of
    ``' +-\\'``, so a line starting with ``diff --git`` is always a header."""
    current: list[str] = []
    # split on "\n" only: str.splitlines would also break inside a line at \f or \u2028
    pieces = text.split("\n")
    tail = pieces.pop()
    for line in [f"{p}\n" for p in pieces] + ([tail] if tail else []):
        if line.startswith("diff --git ") and current:
            yield "".join(current)
            current = []
        current.append(line)
    if current:
        yield "".join(current)


@dataclass(frozen=True, slots=True)
class _Header:
    old_path: str | None
    new_path: str | None
    added_file: bool
    deleted_file: bool
    mode_change: bool
    binary: bool


def _read_header(section: str) -> _Header:
    lines = section.split("\n")
    old: str | None = None
    new: str | None = None
    git_old: str | None = None
    git_new: str | None = None
    renamed: tuple[str | None, str | None] = (None, None)
    added_file = deleted_file = mode_change = binary = False
    for line in lines:
        if line.startswith("@@"):
            break
        if line.startswith("diff --git "):
            pair = _split_git_header(line[len("diff --git ") :])
            if pair is not None:
                git_old, git_new = _strip_prefix(pair[0], "a/"), _strip_prefix(pair[1], "b/")
        elif line.startswith(("rename from ", "copy from ")):
            renamed = (_unquote(line.split(" ", 2)[2]), renamed[1])
        elif line.startswith(("rename to ", "copy to ")):
            renamed = (renamed[0], _unquote(line.split(" ", 2)[2]))
        elif line.startswith("--- "):
            # git appends a tab to names containing a space, so the line stays parseable
            old = _strip_prefix(line[4:].rstrip("\t"), "a/")
        elif line.startswith("+++ "):
            new = _strip_prefix(line[4:].rstrip("\t"), "b/")
        elif line.startswith("new file mode "):
            added_file = True
        elif line.startswith("deleted file mode "):
            deleted_file = True
        elif line.startswith("old mode "):
            mode_change = True
        elif line.startswith(("Binary files ", "GIT binary patch")):
            binary = True
    if renamed[0] is not None and renamed[1] is not None:
        old, new = renamed
    else:
        old = old if old is not None or added_file else git_old
        new = new if new is not None or deleted_file else git_new
    if added_file:
        old = None
    if deleted_file:
        new = None
    return _Header(old, new, added_file, deleted_file, mode_change, binary)


def _ranges(spans: Sequence[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    return tuple((start, start + length - 1) for start, length in spans if length > 0)


def _file_diff(section: str) -> FileDiff:
    header = _read_header(section)
    try:
        patch = PatchSet(section)
    except UnidiffParseError as exc:
        where = header.new_path or header.old_path
        raise UsageError(f"cannot parse the diff of {where}: {exc}") from exc
    hunks = [h for pf in patch for h in pf]
    added = frozenset(
        ln.target_line_no for h in hunks for ln in h if ln.is_added and ln.target_line_no
    )
    removed = frozenset(
        ln.source_line_no for h in hunks for ln in h if ln.is_removed and ln.source_line_no
    )
    status: Status
    if header.binary:
        status = "binary"
    elif header.added_file:
        status = "added"
    elif header.deleted_file:
        status = "deleted"
    elif header.old_path != header.new_path:
        status = "renamed"
    elif header.mode_change and not hunks:
        status = "mode"
    else:
        status = "modified"
    return FileDiff(
        old_path=header.old_path,
        new_path=header.new_path,
        status=status,
        added=added,
        removed=removed,
        right_ranges=_ranges([(h.target_start, h.target_length) for h in hunks]),
        left_ranges=_ranges([(h.source_start, h.source_length) for h in hunks]),
    )


def parse_diff(text: str) -> DiffIndex:
    """Parse ``git diff`` output (git's extended headers included) into a DiffIndex."""
    sections = [s for s in _sections(text) if s.startswith("diff --git ")]
    files = tuple(_file_diff(s) for s in sections)
    return DiffIndex(files=files, patches=tuple(sections))

"""Which change ``reviewer diff`` reviews: a branch, a pushed range, or the staged index.

The pre-push hook must review exactly what is being pushed (pushing a clean ``main`` while a
feature branch is checked out must not be blocked by the feature branch), and the commit-stage
hook exactly what is staged. Outside those, ``diff`` reviews commits, never silently the
uncommitted work beside them: it says how many model or rules changes it left out.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass

from reviewer.errors import UsageError
from reviewer.sources import run_git
from reviewer.types import Config

# Set by pre-commit in its pre-push stage: the remote's old tip and the local sha being pushed.
FROM_REF_ENV = "PRE_COMMIT_FROM_REF"
TO_REF_ENV = "PRE_COMMIT_TO_REF"


@dataclass(frozen=True, slots=True)
class Range:
    base: str  # merge-base sha
    head: str | None  # commit sha; None: the working tree
    notices: tuple[str, ...] = ()


def pick_range(
    root: str, *, base: str | None, head: str | None, worktree: bool, staged: bool,
    pushed: bool,
) -> Range:
    from reviewer.gitdiff import head_sha, resolve_base, resolve_commit

    if sum((worktree, staged, pushed, head is not None)) > 1:
        raise UsageError("use only one of --worktree, --staged, --pushed and --head")
    if staged:
        parent = head_sha(root)
        return Range(parent, _index_commit(root, parent))
    if pushed:
        to_ref, from_ref = os.environ.get(TO_REF_ENV), os.environ.get(FROM_REF_ENV)
        if to_ref and from_ref:
            to_sha = resolve_commit(root, to_ref)
            return Range(resolve_base(root, from_ref, to_sha), to_sha)
        # pre-commit sets no range when the push carries the repository's root commit, so
        # there is no remote history to compare with: review against the default base.
        head = to_ref or None
        note = (f"{FROM_REF_ENV}/{TO_REF_ENV} not set (not run by pre-commit's pre-push "
                f"stage, or a first push): reviewed {head or 'HEAD'} against the base branch")
        head_sha_ = resolve_commit(root, head) if head else head_sha(root)
        return Range(resolve_base(root, base, head_sha_), head_sha_, (note,))
    if worktree:
        return Range(resolve_base(root, base), None)
    head_sha_ = resolve_commit(root, head) if head else head_sha(root)
    return Range(resolve_base(root, base, head_sha_), head_sha_)


def _index_commit(root: str, parent: str) -> str:
    """The staged index as a commit object (no ref, no change to the index or the tree)."""
    tree = run_git(root, "write-tree").strip()
    return run_git(root, "commit-tree", tree, "-p", parent, "-m",
                   "masking-reviewer: staged changes").strip()


def unreviewed_notice(
    root: str, config: Config, model_files: Iterable[str], rules_path: str
) -> str | None:
    """``N uncommitted change(s) ... not reviewed`` for the model and rules files that differ
    from HEAD in the working tree, untracked ones included; None when there are none."""
    from reviewer.selection import glob_match

    out = run_git(root, "status", "--porcelain", "-z", "--untracked-files=all")
    models = set(model_files)
    changed = []
    entries = iter(out.split("\0"))
    for entry in entries:
        if len(entry) < 4:
            continue
        status, path = entry[:2], entry[3:]
        if "R" in status or "C" in status:
            next(entries, None)  # the rename's source path follows
        relevant = (
            path in models
            or path == rules_path
            or (path.endswith(".py") and config.models is not None
                and any(glob_match(path, g) for g in config.models))
        )
        if relevant:
            changed.append(path)
    if not changed:
        return None
    n = len(changed)
    return (f"{n} uncommitted change{'s' if n != 1 else ''} to model or rules files not "
            f"reviewed (use --worktree, or --staged for what you are about to commit): "
            + ", ".join(sorted(changed)[:5]) + (", …" if n > 5 else ""))

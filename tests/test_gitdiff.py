from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from reviewer.errors import UsageError
from reviewer.gitdiff import (
    DiffIndex,
    FileDiff,
    Status,
    default_base_ref,
    git_diff,
    head_sha,
    parse_diff,
    read_diff,
    resolve_base,
)
from tests.gitrepo import GitRepo, isolate_git, make_repo


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    return make_repo(tmp_path / "repo")


def lines(n: int) -> str:
    return "".join(f"line {i}\n" for i in range(1, n + 1))


TEN = lines(10)
THIRTY = lines(30)
Change = Callable[[GitRepo], None]


def fd(
    old: str | None,
    new: str | None,
    status: Status,
    added: Iterable[int] = (),
    removed: Iterable[int] = (),
    right: tuple[tuple[int, int], ...] = (),
    left: tuple[tuple[int, int], ...] = (),
) -> FileDiff:
    return FileDiff(old, new, status, frozenset(added), frozenset(removed), right, left)


def edit(path: str, text: str) -> Change:
    def change(repo: GitRepo) -> None:
        repo.write(path, text)

    return change


SHAPES = [
    pytest.param(
        {"m.py": "a\nb\nc\n"},
        edit("m.py", "a\nB\nc\n"),
        [fd("m.py", "m.py", "modified", {2}, {2}, ((1, 3),), ((1, 3),))],
        id="one line changed in place",
    ),
    pytest.param(
        {"keep.py": "k\n"},
        edit("new.py", "x\ny\nz\n"),
        [fd(None, "new.py", "added", {1, 2, 3}, set(), ((1, 3),))],
        id="added file",
    ),
    pytest.param(
        {"keep.py": "k\n"},
        edit("empty.py", ""),
        [fd(None, "empty.py", "added")],
        id="added empty file has no hunk",
    ),
    pytest.param(
        {"gone.py": "x\ny\n"},
        lambda r: r.delete("gone.py"),
        [fd("gone.py", None, "deleted", set(), {1, 2}, (), ((1, 2),))],
        id="deleted file",
    ),
    pytest.param(
        {"old.py": TEN},
        lambda r: r.rename("old.py", "pkg/new.py"),
        [fd("old.py", "pkg/new.py", "renamed")],
        id="pure rename has no hunks",
    ),
    pytest.param(
        {"old.py": TEN},
        lambda r: (r.rename("old.py", "new.py"), r.write("new.py", TEN.replace("10", "X"))),
        [fd("old.py", "new.py", "renamed", {10}, {10}, ((7, 10),), ((7, 10),))],
        id="rename with a content change",
    ),
    pytest.param(
        {"blob.bin": "\x00\x01"},
        lambda r: r.write_bytes("blob.bin", b"\x00\x02"),
        [fd("blob.bin", "blob.bin", "binary")],
        id="binary modified",
    ),
    pytest.param(
        {"keep.py": "k\n"},
        lambda r: r.write_bytes("img.png", b"\x89PNG\x00\x00"),
        [fd(None, "img.png", "binary")],
        id="binary added keeps old_path None",
    ),
    pytest.param(
        {"run.sh": "echo\n"},
        lambda r: r.chmod("run.sh", executable=True),
        [fd("run.sh", "run.sh", "mode")],
        id="mode only",
    ),
    pytest.param(
        {"run.sh": "echo\n"},
        lambda r: (r.write("run.sh", "echo hi\n"), r.chmod("run.sh", executable=True)),
        [fd("run.sh", "run.sh", "modified", {1}, {1}, ((1, 1),), ((1, 1),))],
        id="mode and content is modified",
    ),
    pytest.param(
        {"nonl.py": "x\ny"},
        edit("nonl.py", "x\nyy"),
        [fd("nonl.py", "nonl.py", "modified", {2}, {2}, ((1, 2),), ((1, 2),))],
        id="no newline at end of file on both sides",
    ),
    pytest.param(
        {"nonl.py": "x\ny"},
        edit("nonl.py", "x\ny\nz\n"),
        [fd("nonl.py", "nonl.py", "modified", {2, 3}, {2}, ((1, 3),), ((1, 2),))],
        id="newline added at end of file",
    ),
    pytest.param(
        {"my models.py": "a\nb\n"},
        edit("my models.py", "a\nB\n"),
        [fd("my models.py", "my models.py", "modified", {2}, {2}, ((1, 2),), ((1, 2),))],
        id="path with a space",
    ),
    pytest.param(
        {"a b/c d.py": "a\n"},
        lambda r: r.rename("a b/c d.py", "a b/c e.py"),
        [fd("a b/c d.py", "a b/c e.py", "renamed")],
        id="rename between paths with spaces",
    ),
    pytest.param(
        {"modèles/client_ü.py": "a\n"},
        edit("modèles/client_ü.py", "b\n"),
        [fd("modèles/client_ü.py", "modèles/client_ü.py", "modified", {1}, {1},
            ((1, 1),), ((1, 1),))],
        id="unicode path is not octal-quoted",
    ),
    pytest.param(
        {"keep.py": "k\n"},
        edit('we"ird\\name.py', "x\n"),
        [fd(None, 'we"ird\\name.py', "added", {1}, set(), ((1, 1),))],
        id="quote and backslash in path are unquoted",
    ),
    pytest.param(
        {"long.py": THIRTY},
        edit("long.py", THIRTY.replace("line 2\n", "two\n").replace("line 25\n", "")),
        [fd("long.py", "long.py", "modified", {2}, {2, 25}, ((1, 5), (22, 27)),
            ((1, 5), (22, 28)))],
        id="two hunks in one file",
    ),
    pytest.param(
        {"odd.py": "x = 1\n"},
        edit("odd.py", "x = 1\fdiff --git a/fake b/fake\ny = '\u2028'\r\n"),
        [fd("odd.py", "odd.py", "modified", {1, 2}, {1}, ((1, 2),), ((1, 1),))],
        id="form feed, line separator and CRLF stay inside their lines",
    ),
    pytest.param(
        {"same.py": "a\n"},
        lambda r: None,
        [],
        id="empty diff",
    ),
]  # fmt: skip


@pytest.mark.parametrize(("base_files", "change", "expected"), SHAPES)
def test_diff_shapes(
    repo: GitRepo, base_files: dict[str, str], change: Change, expected: list[FileDiff]
) -> None:
    for path, text in base_files.items():
        repo.write(path, text)
    base = repo.commit("base")
    change(repo)
    head = repo.commit("change")

    index = read_diff(str(repo.root), base, head)

    assert list(index.files) == expected


@pytest.fixture
def two_hunks(repo: GitRepo) -> DiffIndex:
    repo.write("long.py", THIRTY)
    repo.write("old name.py", TEN)
    base = repo.commit("base")
    repo.write("long.py", THIRTY.replace("line 2\n", "two\n").replace("line 25\n", ""))
    repo.rename("old name.py", "new name.py")
    repo.write("new name.py", TEN.replace("line 9\n", "nine\n"))
    head = repo.commit("change")
    return read_diff(str(repo.root), base, head)


IN_HUNK = [
    pytest.param("long.py", 2, "RIGHT", True, id="added line"),
    pytest.param("long.py", 1, "RIGHT", True, id="context line before the change"),
    pytest.param("long.py", 5, "RIGHT", True, id="last context line of the first hunk"),
    pytest.param("long.py", 6, "RIGHT", False, id="between hunks"),
    pytest.param("long.py", 27, "RIGHT", True, id="last line of the second hunk"),
    pytest.param("long.py", 28, "RIGHT", False, id="after the last hunk"),
    pytest.param("long.py", 25, "LEFT", True, id="removed line on the base side"),
    pytest.param("long.py", 28, "LEFT", True, id="base-side context after removal"),
    pytest.param("long.py", 29, "LEFT", False, id="base side outside the hunk"),
    pytest.param("new name.py", 9, "RIGHT", True, id="renamed file by new path"),
    pytest.param("new name.py", 9, "LEFT", True, id="renamed file base side by new path"),
    pytest.param("old name.py", 9, "RIGHT", False, id="old name has no head side"),
    pytest.param("old name.py", 9, "LEFT", True, id="old name base side"),
    pytest.param("new name.py", 2, "RIGHT", False, id="renamed file outside the hunk"),
    pytest.param("untouched.py", 1, "RIGHT", False, id="file not in the diff"),
]


@pytest.mark.parametrize(("path", "line", "side", "expected"), IN_HUNK)
def test_in_hunk(two_hunks: DiffIndex, path: str, line: int, side: str, expected: bool) -> None:
    assert two_hunks.in_hunk(path, line, side) is expected  # type: ignore[arg-type]


def test_index_lookups(two_hunks: DiffIndex) -> None:
    assert two_hunks.renames() == {"old name.py": "new name.py"}
    assert two_hunks.changed_paths() == {"long.py", "old name.py", "new name.py"}
    renamed = two_hunks.get("old name.py")
    assert renamed is not None and renamed.new_path == "new name.py"
    assert two_hunks.get("new name.py") is renamed
    assert two_hunks.get("nope.py") is None


def test_hunk_text_is_the_file_section(repo: GitRepo) -> None:
    repo.write("a.py", "a\nb\n")
    repo.write("z.py", "z\n")
    base = repo.commit("base")
    repo.write("a.py", "a\nB\n")
    repo.write("z.py", "Z\n")
    index = read_diff(str(repo.root), base, repo.commit("change"))
    blob_line = next(ln for ln in index.hunk_text("a.py").splitlines() if ln.startswith("index"))

    assert index.hunk_text("a.py") == (
        "diff --git a/a.py b/a.py\n"
        f"{blob_line}\n"
        "--- a/a.py\n"
        "+++ b/a.py\n"
        "@@ -1,2 +1,2 @@\n"
        " a\n"
        "-b\n"
        "+B\n"
    )
    assert index.hunk_text("z.py").startswith("diff --git a/z.py b/z.py\n")
    assert index.hunk_text("missing.py") == ""


def test_parse_empty_text() -> None:
    assert parse_diff("") == DiffIndex(files=())


def test_hostile_repo_config_does_not_change_parsing(repo: GitRepo, tmp_path: Path) -> None:
    junk = tmp_path / "junk-diff.sh"
    junk.write_text("#!/bin/sh\necho 'not a diff'\n")
    junk.chmod(0o755)
    repo.write("m.py", "a\nb\n")
    repo.write("sub/x.py", "x\n")
    base = repo.commit("base")
    for key, value in [
        ("diff.noprefix", "true"),
        ("color.ui", "always"),
        ("color.diff", "always"),
        ("diff.mnemonicPrefix", "true"),
        ("diff.relative", "true"),
        ("diff.external", str(junk)),
        ("core.quotePath", "true"),
        ("diff.context", "0"),
    ]:
        repo.config(key, value)
    repo.write("m.py", "a\nB\n")
    repo.write("sub/x.py", "y\n")
    head = repo.commit("change")

    index = read_diff(str(repo.root / "sub"), base, head)

    assert list(index.files) == [
        fd("m.py", "m.py", "modified", {2}, {2}, ((1, 2),), ((1, 2),)),
        fd("sub/x.py", "sub/x.py", "modified", {1}, {1}, ((1, 1),), ((1, 1),)),
    ]


def test_working_tree_includes_untracked_without_touching_the_index(repo: GitRepo) -> None:
    repo.write(".gitignore", "*.log\n")
    repo.write("models.py", "a\nb\n")
    repo.write("legacy.py", TEN)
    base = repo.commit("base")
    repo.write("models.py", "a\nB\n")
    repo.write("new_model.py", "class X:\n    pass\n")
    repo.write("debug.log", "ignored\n")
    # moved with plain mv: git should still see the rename through the untracked file
    (repo.root / "legacy.py").rename(repo.root / "renamed.py")
    # status first: it refreshes stat data in the index itself
    status_before = repo.git("status", "--porcelain")
    index_file = repo.root / ".git" / "index"
    index_before = index_file.read_bytes()

    index = read_diff(str(repo.root), base, None)

    assert list(index.files) == [
        fd("models.py", "models.py", "modified", {2}, {2}, ((1, 2),), ((1, 2),)),
        fd(None, "new_model.py", "added", {1, 2}, set(), ((1, 2),)),
        fd("legacy.py", "renamed.py", "renamed"),
    ]
    assert index_file.read_bytes() == index_before
    assert repo.git("status", "--porcelain") == status_before


def test_working_tree_without_untracked_files(repo: GitRepo) -> None:
    repo.write("m.py", "a\n")
    base = repo.commit("base")
    repo.write("m.py", "b\n")

    assert git_diff(str(repo.root), base, None).splitlines()[-2:] == ["-a", "+b"]


BASE_REFS = [
    pytest.param(["main"], [], "main", id="local main"),
    pytest.param(["master"], [], "master", id="local master only"),
    pytest.param(["main", "master"], ["main"], "origin/main", id="origin/main wins"),
    pytest.param(["master"], ["master"], "origin/master", id="origin/master before local"),
]


@pytest.mark.parametrize(("branches", "remote", "expected"), BASE_REFS)
def test_default_base_ref(
    repo: GitRepo, branches: list[str], remote: list[str], expected: str
) -> None:
    repo.write("a.py", "a\n")
    repo.commit("base")
    repo.git("branch", "-m", "trunk")
    for name in branches:
        repo.branch(name)
    for name in remote:
        repo.git("update-ref", f"refs/remotes/origin/{name}", "HEAD")

    assert default_base_ref(str(repo.root)) == expected


def test_default_base_ref_missing(repo: GitRepo) -> None:
    repo.write("a.py", "a\n")
    repo.commit("base")
    repo.git("branch", "-m", "trunk")

    with pytest.raises(UsageError) as err:
        default_base_ref(str(repo.root))
    assert str(err.value) == (
        "no base branch found (tried origin/main, origin/master, main, master); pass --base "
        "REF, or fetch the base branch (e.g. `git fetch origin main`); in GitHub Actions use "
        "actions/checkout with `fetch-depth: 0`"
    )


@pytest.fixture
def branched(repo: GitRepo) -> tuple[GitRepo, str]:
    """main: c1 - c3; feature: c1 - c2 (checked out). Returns the branch point c1."""
    repo.write("a.py", "1\n")
    c1 = repo.commit("c1")
    repo.branch("feature")
    repo.write("a.py", "3\n")
    repo.commit("c3 on main")
    repo.checkout("feature")
    repo.write("b.py", "2\n")
    repo.commit("c2 on feature")
    return repo, c1


@pytest.mark.parametrize(
    "ref", [pytest.param("main", id="named"), pytest.param(None, id="default")]
)
def test_resolve_base_is_the_merge_base(branched: tuple[GitRepo, str], ref: str | None) -> None:
    repo, c1 = branched

    assert resolve_base(str(repo.root), ref) == c1
    assert read_diff(str(repo.root), c1, head_sha(str(repo.root))).changed_paths() == {"b.py"}


BAD_REFS = [
    pytest.param(
        "origin/develop",
        "unknown base ref 'origin/develop': git cannot find it here; fetch the base branch "
        "(e.g. `git fetch origin main`); in GitHub Actions use actions/checkout with "
        "`fetch-depth: 0`",
        id="unknown ref",
    ),
    pytest.param(
        "--output=/tmp/x",
        "invalid base ref '--output=/tmp/x'; pass a branch, tag or commit sha",
        id="option-like ref is refused",
    ),
]


@pytest.mark.parametrize(("ref", "message"), BAD_REFS)
def test_resolve_base_errors(branched: tuple[GitRepo, str], ref: str, message: str) -> None:
    repo, _ = branched
    with pytest.raises(UsageError) as err:
        resolve_base(str(repo.root), ref)
    assert str(err.value) == message


def test_unrelated_histories(branched: tuple[GitRepo, str]) -> None:
    repo, _ = branched
    repo.git("checkout", "--quiet", "--orphan", "island")
    repo.commit("unrelated")

    with pytest.raises(UsageError, match=re.escape(
        "main and HEAD have no common ancestor (the histories are unrelated); fetch the base"
    )):  # fmt: skip
        resolve_base(str(repo.root), "main")


def test_shallow_clone_says_so(branched: tuple[GitRepo, str], tmp_path: Path) -> None:
    repo, _ = branched
    clone = tmp_path / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--depth=1", "--no-single-branch", "--branch=feature",
         f"file://{repo.root}", str(clone)],
        check=True,
    )  # fmt: skip

    with pytest.raises(UsageError, match=re.escape(
        "origin/main and HEAD have no common ancestor (this clone is shallow, so the branch "
        "point is missing); fetch the base branch"
    )):  # fmt: skip
        resolve_base(str(clone), None)


def test_not_a_repository(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"is not inside a git work tree; run reviewer from"):
        head_sha(str(tmp_path))


def test_no_commits_yet(repo: GitRepo) -> None:
    with pytest.raises(UsageError, match=r"has no commits yet"):
        head_sha(str(repo.root))


def test_git_diff_unknown_head_is_a_usage_error(branched: tuple[GitRepo, str]) -> None:
    repo, c1 = branched
    with pytest.raises(UsageError, match=r"^git diff .* failed: fatal: .*nope.*; fetch the base"):
        git_diff(str(repo.root), c1, "nope")


PARSE = [
    pytest.param(
        'diff --git "a/caf\\303\\251.py" "b/caf\\303\\251.py"\n'
        "index 1111111..2222222 100644\n"
        '--- "a/caf\\303\\251.py"\n'
        '+++ "b/caf\\303\\251.py"\n'
        "@@ -1 +1 @@\n-a\n+b\n",
        fd("café.py", "café.py", "modified", {1}, {1}, ((1, 1),), ((1, 1),)),
        id="octal-quoted path from core.quotePath=true",
    ),
    pytest.param(
        "diff --git m.py m.py\nindex 1111111..2222222 100644\n--- m.py\n+++ m.py\n"
        "@@ -1 +1 @@\n-a\n+b\n",
        fd("m.py", "m.py", "modified", {1}, {1}, ((1, 1),), ((1, 1),)),
        id="diff written with noprefix elsewhere",
    ),
    pytest.param(
        "diff --git a/x y.bin b/x y.bin\nnew file mode 100644\nindex 0000000..3333333\n"
        "Binary files /dev/null and b/x y.bin differ\n",
        fd(None, "x y.bin", "binary"),
        id="added binary with a space, no ---/+++ lines",
    ),
]


@pytest.mark.parametrize(("text", "expected"), PARSE)
def test_parse_diff_text(text: str, expected: FileDiff) -> None:
    assert parse_diff(text).files == (expected,)


def test_working_tree_from_a_subdirectory_sees_the_whole_repo(repo: GitRepo) -> None:
    repo.write("pkg/models.py", "a\n")
    base = repo.commit("base")
    repo.write("top_level_new.py", "x\n")
    repo.write("pkg/star*.py", "y\n")
    repo.write("pkg/starry.py", "z\n")

    index = read_diff(str(repo.root / "pkg"), base, None)

    assert [(f.new_path, f.status) for f in index.files] == [
        ("pkg/star*.py", "added"),
        ("pkg/starry.py", "added"),
        ("top_level_new.py", "added"),
    ]

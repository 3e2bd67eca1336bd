"""Local use: the pre-push hook reviews exactly the pushed range, the commit-stage hook exactly
the staged index, and a plain ``reviewer diff`` names the uncommitted work it did not review.

Each story runs in a real git repository, with the environment pre-commit gives its pre-push
hooks (``PRE_COMMIT_FROM_REF`` / ``PRE_COMMIT_TO_REF``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from reviewer.cli import main
from tests.gitrepo import GitRepo

REPO = Path(__file__).resolve().parent.parent
INTEGRATIONS = "ledgerly/models/integrations.py"
NETSUITE = (
    "\n\nclass NetSuiteConnection(Base):\n"
    '    __tablename__ = "netsuite_connections"\n\n'
    "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    "    client_secret: Mapped[Optional[str]] = mapped_column(Text)\n"
)


def add_netsuite(repo: GitRepo) -> None:
    path = repo.root / INTEGRATIONS
    path.write_text(path.read_text() + NETSUITE)


def review(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, dict[
        str, object]]:
    code = main(["diff", "--root", str(repo.root), "--no-ai", "--format", "json", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, json.loads(out)


def codes(report: dict[str, object]) -> list[tuple[str, object, object]]:
    findings = report["findings"]
    assert isinstance(findings, list)
    return [(f["code"], f["table"], f["column"]) for f in findings]


@pytest.fixture
def feature(sample_app: GitRepo) -> tuple[GitRepo, str, str]:
    """main (clean) and a checked-out feature branch that adds an unlabelled client_secret."""
    main_sha = sample_app.head()
    sample_app.branch("feature")
    sample_app.checkout("feature")
    add_netsuite(sample_app)
    return sample_app, main_sha, sample_app.commit("NetSuite connector")


def test_pre_push_of_a_clean_main_is_not_blocked_by_the_checked_out_branch(
    feature: tuple[GitRepo, str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, main_sha, _ = feature
    repo.checkout("main")
    repo.write("docs.md", "release notes\n")
    new_main = repo.commit("docs")
    repo.checkout("feature")  # the developer pushes main while sitting on feature
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", main_sha)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", new_main)
    code, report = review(repo, capsys, "--pushed")
    assert (code, codes(report)) == (0, [])
    assert report["head"] == new_main


def test_pre_push_of_the_feature_branch_blocks_on_its_finding(
    feature: tuple[GitRepo, str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, main_sha, feature_sha = feature
    repo.checkout("main")  # and this time pushes feature from main
    monkeypatch.setenv("PRE_COMMIT_FROM_REF", main_sha)
    monkeypatch.setenv("PRE_COMMIT_TO_REF", feature_sha)
    code, report = review(repo, capsys, "--pushed")
    assert code == 1
    assert codes(report) == [("MR003", "netsuite_connections", "client_secret")]


def test_pre_push_without_a_range_says_what_it_reviewed(
    feature: tuple[GitRepo, str, str], capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    repo, _, _ = feature
    monkeypatch.delenv("PRE_COMMIT_FROM_REF", raising=False)
    monkeypatch.delenv("PRE_COMMIT_TO_REF", raising=False)
    code, report = review(repo, capsys, "--pushed", "--base", "main")
    assert code == 1
    assert report["notices"] == [
        "PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF not set (not run by pre-commit's pre-push stage, "
        "or a first push): reviewed HEAD against the base branch"]


def test_staged_reviews_the_index_not_the_working_tree(
    sample_app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    add_netsuite(sample_app)
    code, report = review(sample_app, capsys, "--staged")
    assert (code, codes(report)) == (0, [])  # not staged yet: nothing to review
    sample_app.git("add", INTEGRATIONS)
    code, report = review(sample_app, capsys, "--staged")
    assert code == 1
    assert codes(report) == [("MR003", "netsuite_connections", "client_secret")]
    assert sample_app.git("status", "--porcelain") == f"M  {INTEGRATIONS}\n"  # index untouched


def test_diff_names_the_uncommitted_model_changes_it_did_not_review(
    feature: tuple[GitRepo, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    repo, _, _ = feature
    path = repo.root / "ledgerly/models/auth.py"
    path.write_text(path.read_text() + "\n# refresh_token coming soon\n")
    repo.write("ledgerly/models/new_models.py", "from ledgerly.models.base import Base\n")
    repo.write("notes.txt", "not a model\n")
    _, report = review(repo, capsys, "--base", "main")
    assert report["notices"] == [
        "2 uncommitted changes to model or rules files not reviewed (use --worktree, or "
        "--staged for what you are about to commit): ledgerly/models/auth.py, "
        "ledgerly/models/new_models.py"]
    _, report = review(repo, capsys, "--base", "main", "--worktree")
    assert report["notices"] == []


@pytest.mark.parametrize(
    ("hook_id", "stages", "entry"),
    [
        pytest.param("masking-reviewer", ["pre-push"], "reviewer diff --pushed",
                     id="pre-push hook reviews the pushed range"),
        pytest.param("masking-reviewer-staged", ["pre-commit"], "reviewer diff --staged",
                     id="commit-stage hook reviews the index"),
    ],
)
def test_the_published_hooks(hook_id: str, stages: list[str], entry: str) -> None:
    hooks = {h["id"]: h for h in yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())}
    hook = hooks[hook_id]
    assert (hook["stages"], hook["entry"], hook["pass_filenames"]) == (stages, entry, False)


def test_readme_shows_how_to_install_the_pre_push_hook() -> None:
    assert "pre-commit install --hook-type pre-push" in (REPO / "README.md").read_text()

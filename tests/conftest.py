from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo, isolate_git, make_repo

REPO = Path(__file__).resolve().parent.parent
SAMPLE_APP = REPO / "fixtures" / "sample_app"


@pytest.fixture(autouse=True)
def _isolated_env(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No test reads the developer's cache, git config or API keys."""
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    isolate_git(monkeypatch)


@pytest.fixture
def sample_app(tmp_path: Path) -> GitRepo:
    """The Ledgerly sample app, committed on ``main`` in a fresh git repo."""
    root = tmp_path / "ledgerly"
    shutil.copytree(SAMPLE_APP, root)
    repo = make_repo(root)
    repo.commit("Ledgerly 3.14")
    return repo

"""The pure parts of the real-world benchmarks: corpus and label loading, matching, triage.

No mirror and no network: the "mirror" is a git repository we build in tmp_path.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from benchmarks.real_world import (
    LabelRow,
    Project,
    Triage,
    compare,
    glob_regex,
    load_labels,
    load_projects,
    materialise,
    measure,
    split_errors,
    to_toml,
)
from tests.gitrepo import make_repo

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HEADER = "project,path,table,column,label,public,note\n"


def test_the_checked_in_corpus_loads_and_names_every_split() -> None:
    projects = load_projects()
    assert {p.split for p in projects} == {"development", "held-out"}
    held_out = sorted(p.name for p in projects if p.split == "held-out")
    assert held_out == ["invenio-oauthclient", "pgadmin4", "privacyidea"]
    for p in projects:
        assert len(p.commit) == 40, p.name
        assert p.models and p.extract, p.name
        assert p.reviewer_config()["models"] == list(p.models)


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    pytest.param("warehouse/**/models.py", "warehouse/models.py", True, id="double-star-zero-dirs"),
    pytest.param("warehouse/**/models.py", "warehouse/a/b/models.py", True, id="double-star-deep"),
    pytest.param("ckan/model/*.py", "ckan/model/sub/x.py", False, id="star-stays-in-segment"),
    pytest.param("**/tests/**", "ckan/tests/model/x.py", True, id="exclude-tests-anywhere"),
    pytest.param("nova/db/*/migrations/**", "nova/db/main/migrations/env.py", True,
                 id="star-in-the-middle"),
])
def test_globs_match_like_the_models_key(pattern: str, path: str, expected: bool) -> None:
    assert (glob_regex(pattern).fullmatch(path) is not None) is expected


def test_config_is_written_as_toml_the_reviewer_can_read() -> None:
    config = {
        "models": ["a/**/models.py"],
        "table-naming": "snake_case",
        "sensitive-names": {"credential": ["erp_passphrase"]},
        "exemptions": [{"table": "t", "column": "c", "reason": 'say "why"'}],
    }
    assert tomllib.loads(to_toml(config)) == config


def test_labels_load_and_reject_an_unknown_label(tmp_path: Path) -> None:
    good = tmp_path / "good.csv"
    good.write_text(HEADER + "p,m.py,users,password,credential,,bcrypt\n"
                    "p,m.py,users,email,pii_direct,,\n", encoding="utf-8")
    rows = load_labels(good)
    assert [(r.key, r.label, r.note) for r in rows] == [
        (("users", "password"), "credential", "bcrypt"),
        (("users", "email"), "pii_direct", ""),
    ]
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "p,m.py,users,password,secret,,\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.csv:2: label 'secret' is not one of"):
        load_labels(bad)


def test_compare_splits_pairs_into_matched_missing_and_extra() -> None:
    result = compare(found=[("u", "id"), ("u", "name"), ("x", "y")],
                     expected=[("u", "id"), ("u", "name"), ("u", "email")])
    assert result.matched == (("u", "id"), ("u", "name"))
    assert result.missing == (("u", "email"),)
    assert result.extra == (("x", "y"),)
    assert result.expected == 3
    assert result.coverage == pytest.approx(2 / 3)


def test_untriaged_errors_count_as_valid_code() -> None:
    triage = [
        Triage("p", "m.py", 10, "unreadable", "type() with computed dict", "", ""),
        Triage("p", "m.py", 20, "valid", "oslo.db ModelBase", "", match="ModelBase"),
    ]
    errors = [
        {"path": "m.py", "line": 10, "message": "anything"},
        {"path": "m.py", "line": 20, "message": "base class 'models.ModelBase' ..."},
        {"path": "m.py", "line": 20, "message": "base class 'models.TimestampMixin' ..."},
        {"path": "other.py", "line": 10, "message": "anything"},
    ]
    split = split_errors("p", errors, triage)
    assert (split.valid, split.unreadable, split.untriaged) == (1, 1, 2)
    assert split.on_valid_code == 3


MODELS = '''\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    password_hash = Column(String(60))
'''


def _mirror(tmp_path: Path) -> tuple[Path, str]:
    repo = make_repo(tmp_path / "upstream")
    repo.write("app/models.py", MODELS)
    repo.write("app/tests/test_models.py", "import app.models\n")
    repo.write("app/static/logo.svg", "<svg/>")
    repo.write("LICENSE", "MIT License\n")
    sha = repo.commit("models")
    return repo.root / ".git", sha


def _project(sha: str) -> Project:
    return Project(name="tiny", repo="o/tiny", mirror="tiny", commit=sha, licence="MIT",
                   licence_file="LICENSE", split="development", models=("app/models.py",),
                   extract=("app",), exclude=("**/tests/**",))


def test_materialise_writes_only_python_under_extract_and_the_licence(tmp_path: Path) -> None:
    git_dir, sha = _mirror(tmp_path)
    dest = tmp_path / "out"
    written = materialise(git_dir, sha, _project(sha), dest)
    assert sorted(written) == ["LICENSE", "app/models.py"]
    assert (dest / "app" / "models.py").read_text(encoding="utf-8") == MODELS


def test_measure_scans_the_pin_and_compares_with_the_labels(tmp_path: Path) -> None:
    git_dir, sha = _mirror(tmp_path)
    mirrors = tmp_path / "mirrors"
    (mirrors / "tiny").mkdir(parents=True)
    (mirrors / "tiny" / "repo").symlink_to(git_dir)
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "tiny.csv").write_text(
        HEADER + "tiny,app/models.py,users,id,none,,\n"
        "tiny,app/models.py,users,password_hash,credential,,\n"
        "tiny,app/models.py,users,email,pii_direct,,a column the reader cannot see\n",
        encoding="utf-8")
    result = measure(_project(sha), mirrors, [], labels_dir=labels)
    assert result.status == "ok"
    assert (result.files, result.classes, result.tables, result.columns) == (1, 1, 1, 2)
    assert (result.expected, result.matched) == (3, 2)
    assert result.missing == [("users", "email")]
    assert result.extra == []
    assert result.mr007 == 0


def test_a_missing_mirror_is_skipped_with_a_note(tmp_path: Path) -> None:
    result = measure(_project("0" * 40), tmp_path / "nowhere", [])
    assert result.status.startswith("skipped: no mirror at ")


def test_label_row_key_is_table_and_column() -> None:
    row = LabelRow("p", "m.py", "users", "email", "pii_direct", "", "")
    assert row.key == ("users", "email")

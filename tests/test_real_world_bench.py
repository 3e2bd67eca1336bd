"""The pure parts of the real-world benchmarks: corpus and label loading, matching, triage.

No mirror and no network: the "mirror" is a git repository we build in tmp_path.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks.real_world import (
    LabelRow,
    Project,
    Triage,
    compare,
    load_labels,
    load_projects,
    load_triage,
    matches_any,
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
    held_out = {p.name for p in projects if p.split == "held-out"}
    # issue 9: at least two whole projects that nobody tunes on; the first three were retired
    # to development on 2026-12-01, when their misclassifications were read
    assert len(held_out) >= 2
    assert not held_out & {"invenio-oauthclient", "pgadmin4", "privacyidea"}
    assert {p.name for p in projects if p.cohort == "A"} == {"fides", "bitcart", "bodhi",
                                                             "rucio"}
    # held-out cohorts stay held-out; a development cohort was measured once, blind, and joined
    assert all(p.split == "held-out" for p in projects if p.cohort in ("A", "B"))
    assert all(p.split == "development" for p in projects if p.cohort not in (None, "A", "B"))
    for p in projects:
        assert len(p.commit) == 40, p.name
        assert p.models and p.extract, p.name
        assert p.reviewer_config()["models"] == list(p.models)


def test_the_checked_in_mr007_triage_parses_and_names_known_projects() -> None:
    """A merge that drops one [[error]] header fuses two entries: TOML then rejects the
    repeated keys, and the benchmark would stop, so catch it here."""
    triage = load_triage()
    names = {p.name for p in load_projects()}
    assert triage and {t.project for t in triage} <= names
    keys = [(t.project, t.path, t.line, t.match) for t in triage]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    pytest.param("warehouse/**/models.py", "warehouse/models.py", True, id="double-star-zero-dirs"),
    pytest.param("warehouse/**/models.py", "warehouse/a/b/models.py", True, id="double-star-deep"),
    pytest.param("ckan/model/*.py", "ckan/model/sub/x.py", False, id="star-stays-in-segment"),
    pytest.param("**/tests/**", "ckan/tests/model/x.py", True, id="exclude-tests-anywhere"),
    pytest.param("nova/db/*/migrations/**", "nova/db/main/migrations/env.py", True,
                 id="star-in-the-middle"),
])
def test_globs_match_like_the_models_key(pattern: str, path: str, expected: bool) -> None:
    assert matches_any(path, [pattern]) is expected


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
        # the same construct again, told where the models deriving from it are: counted once
        {"path": "flow.py", "line": 3, "message": "class FlowEntity derives from _NewModel "
         "(m.py:20), whose bases cannot be read (see the error there), so ..."},
    ]
    split = split_errors("p", errors, triage)
    assert (split.valid, split.unreadable, split.untriaged, split.derived) == (1, 1, 2, 1)
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


def test_a_mirror_is_the_bare_repo_or_the_git_dir_of_a_clone(tmp_path: Path) -> None:
    project = _project("0" * 40)
    (tmp_path / "tiny" / "repo").mkdir(parents=True)
    assert project.git_dir(tmp_path) == tmp_path / "tiny" / "repo"
    (tmp_path / "tiny" / "repo" / ".git").mkdir()
    assert project.git_dir(tmp_path) == tmp_path / "tiny" / "repo" / ".git"


def test_materialise_writes_only_python_under_extract_and_the_licence(tmp_path: Path) -> None:
    git_dir, sha = _mirror(tmp_path)
    dest = tmp_path / "out"
    written = materialise(git_dir, sha, _project(sha), dest)
    assert sorted(written) == ["LICENSE", "app/models.py"]
    assert (dest / "app" / "models.py").read_text(encoding="utf-8") == MODELS


def test_materialise_brings_the_dependency_pins_at_the_root(tmp_path: Path) -> None:
    """Which Flask-SQLAlchemy the project pins decides some table names (dependency_pins), as
    in a checkout; pins below the root and other files are not written."""
    repo = make_repo(tmp_path / "upstream")
    repo.write("app/models.py", MODELS)
    repo.write("LICENSE", "MIT License\n")
    repo.write("requirements.txt", "Flask-SQLAlchemy==2.1\n")
    repo.write("requirements-dev.txt", "pytest\n")
    repo.write("poetry.lock", "")
    repo.write("docs/requirements.txt", "sphinx\n")
    repo.write("README.md", "tiny\n")
    sha = repo.commit("models")
    written = materialise(repo.root / ".git", sha, _project(sha), tmp_path / "out")
    assert sorted(written) == ["LICENSE", "app/models.py", "poetry.lock",
                               "requirements-dev.txt", "requirements.txt"]


def test_materialise_keeps_the_symlinks_that_stay_inside_the_tree(tmp_path: Path) -> None:
    """ooni's services reach their shared package through a symlinked directory, as a
    checkout has it; a link out of the repository is not made in the temp dir."""
    repo = make_repo(tmp_path / "upstream")
    repo.write("app/models.py", MODELS)
    repo.write("lib/db/base.py", "x = 1\n")
    repo.write("LICENSE", "MIT License\n")
    (repo.root / "app" / "shared").symlink_to("../lib/db")
    (repo.root / "app" / "etc").symlink_to("../../etc")
    sha = repo.commit("links")
    dest = tmp_path / "out"
    project = replace(_project(sha), extract=("app", "lib"))
    written = materialise(repo.root / ".git", sha, project, dest)
    assert sorted(written) == ["LICENSE", "app/models.py", "lib/db/base.py"]
    assert os.readlink(dest / "app" / "shared") == "../lib/db"
    assert (dest / "app" / "shared" / "base.py").read_text(encoding="utf-8") == "x = 1\n"
    assert not (dest / "app" / "etc").is_symlink()

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


@pytest.mark.parametrize("keep", [False, True], ids=["in a temporary directory", "--keep"])
def test_a_repository_that_is_a_package_is_measured_under_its_own_name(
        tmp_path: Path, keep: bool) -> None:
    """seafevents: the top directory is the package its models import by name; a checkout is
    named after the repository, so the benchmark materialises it under that name too, kept or
    not."""
    repo = make_repo(tmp_path / "upstream")
    repo.write("__init__.py", "")
    repo.write("db.py", "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n")
    repo.write("events/models.py", "from sqlalchemy import Column, Integer\n"
               "from seafevents.db import Base\n"
               "class Event(Base):\n"
               "    __tablename__ = 'events'\n"
               "    id = Column(Integer, primary_key=True)\n")
    repo.write("LICENSE", "Apache-2.0\n")
    sha = repo.commit("models")
    mirrors = tmp_path / "mirrors"
    (mirrors / "seafevents").mkdir(parents=True)
    (mirrors / "seafevents" / "repo").symlink_to(repo.root / ".git")
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "events.csv").write_text(HEADER + "events,events/models.py,events,id,none,,\n",
                                       encoding="utf-8")
    project = Project(name="events", repo="haiwen/seafevents", mirror="seafevents", commit=sha,
                      licence="Apache-2.0", licence_file="LICENSE", split="development",
                      models=("events/models.py",), extract=("events", "db.py", "__init__.py"))
    kept = tmp_path / "kept" if keep else None
    result = measure(project, mirrors, [], kept, labels_dir=labels)
    assert (result.status, result.mr007, result.matched, result.missing) == ("ok", 0, 1, [])
    if kept is not None:
        assert (kept / "events" / "seafevents" / "events" / "models.py").is_file()


def test_a_missing_mirror_is_skipped_with_a_note(tmp_path: Path) -> None:
    result = measure(_project("0" * 40), tmp_path / "nowhere", [])
    assert result.status.startswith("skipped: no mirror at ")


def test_label_row_key_is_table_and_column() -> None:
    row = LabelRow("p", "m.py", "users", "email", "pii_direct", "", "")
    assert row.key == ("users", "email")


# ---------------------------------------------------------------------------- classifier_real

from benchmarks.classifier_real import (  # noqa: E402
    NOT_READ,
    Judged,
    blocks_credential,
    flags_credential,
    flags_sensitive,
    is_credential,
    is_sensitive,
    judge,
    score,
)


def _judged(label: str, category: str, confidence: str | None = "high") -> Judged:
    return Judged("p", "development", "t", f"{label}-{category}", label, category, confidence)


def test_credential_and_sensitive_scores_count_not_read_as_a_miss() -> None:
    rows = [
        _judged("credential", "credential", "high"),    # tp, blocks
        _judged("credential", "credential", "medium"),  # tp, does not block
        _judged("credential", NOT_READ, None),          # fn (reader)
        _judged("none", "credential", "medium"),        # fp
        _judged("pii_direct", "direct_identifier"),     # sensitive tp
        _judged("pii_quasi", "none", None),             # sensitive fn
        _judged("free_text", "free_text", "medium"),    # neither side of "sensitive"
        _judged("none", "financial", "high"),           # sensitive fp
    ]
    cred = score(rows, is_credential, flags_credential)
    assert (cred.tp, cred.fp, cred.fn) == (2, 1, 1)
    assert cred.precision == pytest.approx(2 / 3)
    assert cred.recall == pytest.approx(2 / 3)
    blocking = score(rows, is_credential, blocks_credential)
    assert (blocking.tp, blocking.fn) == (1, 2)
    sens = score(rows, is_sensitive, flags_sensitive)
    assert (sens.tp, sens.fp, sens.fn) == (3, 2, 2)
    assert sens.f1 == pytest.approx(0.6)
    read = score([r for r in rows if r.read], is_credential, flags_credential)
    assert (read.tp, read.fp, read.fn) == (2, 1, 0)


def test_a_held_out_cohort_is_reported_apart_and_within_its_split(tmp_path: Path) -> None:
    from benchmarks.classifier_real import ProjectRun, figures, groups

    path = tmp_path / "projects.toml"
    path.write_text(PROJECT_TOML + PROJECT_TOML.replace("tiny", "first") + 'cohort = "A"\n'
                    + PROJECT_TOML.replace("tiny", "later") + 'cohort = "B"\n'
                    + PROJECT_TOML.replace("tiny", "dev").replace('"held-out"',
                                                                  '"development"'),
                    encoding="utf-8")
    projects = {p.name: p for p in load_projects(path)}
    assert {n: p.group for n, p in projects.items()} == {
        "tiny": "held-out", "first": "held-out A", "later": "held-out B", "dev": "development"}

    def run(name: str, *rows: Judged) -> ProjectRun:
        p = projects[name]
        return ProjectRun(name, p.split, "ok", list(rows), p.group)

    runs = [run("dev", _judged("credential", "credential")),
            run("first", _judged("credential", "none", None)),
            run("later", _judged("credential", "credential"), _judged("none", "credential"))]
    assert groups(runs) == ["development", "held-out", "held-out A", "held-out B"]
    later, split = figures("held-out B", runs), figures("held-out", runs)
    assert (later.projects, later.columns) == (("later",), 2)
    assert (later.credential.tp, later.credential.fp, later.credential.fn) == (1, 1, 0)
    assert (split.projects, split.columns) == (("first", "later"), 3)
    assert (split.credential.tp, split.credential.fp, split.credential.fn) == (1, 1, 1)
    # one cohort alone is the split itself: no second row
    assert groups(runs[:2]) == ["development", "held-out"]
    # a split nobody measured gets no row
    assert groups(runs[:1]) == ["development"]
    # a named cohort beside unnamed projects of its split is reported apart too
    fresh = ProjectRun("fresh", "development", "ok", [_judged("credential", "none")],
                       "development C")
    assert groups([*runs[:1], fresh]) == ["development", "development C"]
    assert figures("development C", [*runs[:1], fresh]).projects == ("fresh",)
    assert figures("development", [*runs[:1], fresh]).projects == ("dev", "fresh")
    # a project skipped for want of labels adds no nameless or empty cohort row
    unlabelled = ProjectRun("unlabelled", "development", "skipped: no labels file yet")
    assert groups([*runs[:1], fresh, unlabelled]) == ["development", "development C"]


@pytest.mark.parametrize(("groups_in_split", "expected"), [
    pytest.param(["held-out A", "held-out B"], ["held-out A", "held-out B"], id="two-cohorts"),
    pytest.param(["development", "development C"], ["development C"], id="cohort-beside-rest"),
    pytest.param(["held-out B", "held-out B"], [], id="one-cohort-is-the-whole-split"),
    pytest.param(["development"], [], id="no-cohort"),
])
def test_a_split_reports_its_named_cohorts_apart(groups_in_split: list[str],
                                                  expected: list[str]) -> None:
    from benchmarks.real_world import cohorts_of
    split = groups_in_split[0].split()[0]
    assert cohorts_of(split, groups_in_split) == expected


@pytest.mark.parametrize(("names", "held_out", "expected"), [
    pytest.param(None, False, ["dev"], id="development-only-by-default"),
    pytest.param(None, True, ["tiny", "dev"], id="held-out-when-asked"),
    pytest.param(["tiny"], False, ["tiny"], id="a-named-project-whatever-its-split"),
])
def test_tuning_runs_measure_development_unless_held_out_is_asked_for(
        tmp_path: Path, names: list[str] | None, held_out: bool, expected: list[str]) -> None:
    from benchmarks.real_world import measured

    path = tmp_path / "projects.toml"
    path.write_text(PROJECT_TOML + PROJECT_TOML.replace("tiny", "dev").replace(
        '"held-out"', '"development"'), encoding="utf-8")
    assert [p.name for p in measured(load_projects(path), names, held_out)] == expected


def test_labels_join_scanned_columns_by_table_and_column() -> None:
    project = Project(name="p", repo="o/p", mirror="p", commit="0" * 40, licence="MIT",
                      licence_file="LICENSE", split="held-out", models=("m.py",), extract=("m",))
    labels = [LabelRow("p", "m.py", "users", "pw", "credential", "", ""),
              LabelRow("p", "m.py", "users", "gone", "none", "", "")]
    columns = [{"table": "users", "column": "pw", "category": "credential",
                "confidence": "high", "type": "String", "path": "m.py", "line": 7,
                "reason": "name token 'pw'"},
               {"table": "users", "column": "id", "category": None, "confidence": None}]
    judged = judge(project, labels, columns)
    assert [(j.column, j.category, j.confidence, j.line, j.evidence, j.split) for j in judged] == [
        ("pw", "credential", "high", 7, "name token 'pw'", "held-out"),
        ("gone", NOT_READ, None, 0, "", "held-out"),
    ]


# ---------------------------------------------------------------------------- replay

from benchmarks.replay import (  # noqa: E402
    Added,
    AddedResult,
    Planned,
    PullRequest,
    added_columns,
    judge_pull_request,
    named_by_diff,
    select_commits,
    summarise,
)

NEW_MODELS = '''\
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.orm import Mapped, mapped_column
from sqlmodel import Field, SQLModel


class TokenMixin:
    token_hash = Column(String(64))


class ApiKey(TokenMixin, Base):
    __tablename__ = "api_keys"
    id = Column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(
        "display_label", String(40)
    )
    owner_id = Column(Integer, ForeignKey("users.id", name="fk_owner"))


class UserCreate(SQLModel):
    password: str = Field(min_length=8)


audit = Table(
    "audit_log",
    metadata,
    Column("actor_ip", String(45)),
)
'''


def _diff_adding_everything(text: str) -> str:
    lines = text.splitlines()
    body = "\n".join("+" + line for line in lines)
    return (f"diff --git a/app/models.py b/app/models.py\n--- a/app/models.py\n"
            f"+++ b/app/models.py\n@@ -0,0 +1,{len(lines)} @@\n{body}\n")


def test_added_columns_are_read_from_the_diff_text_with_their_tables() -> None:
    added = added_columns(_diff_adding_everything(NEW_MODELS), lambda _: NEW_MODELS, None)
    assert [(a.table, a.column, a.line, a.class_name) for a in added] == [
        ("api_keys", "token_hash", 7, "ApiKey"),  # a mixin's column, once per table inheriting it
        ("api_keys", "id", 12, "ApiKey"),
        ("api_keys", "display_label", 13, "ApiKey"),  # the DB name, on the next line
        ("api_keys", "owner_id", 16, "ApiKey"),  # not the ForeignKey's name=
        ("audit_log", "actor_ip", 26, None),  # a Core column
        # UserCreate is a pydantic schema that no table inherits: no column at all
    ]


LONG_CORE = (
    "import sqlalchemy as sa\n"
    "projects = sa.Table(\n"
    "    \"projects\",\n"
    "    metadata,\n"
    + "".join(f"    sa.Column(\"c{i}\", sa.String),\n" for i in range(120))
    + "    sa.Column(\"ui\", sa.JSON),\n"
    ")\n"
    "NOTE = 1\n"
    "    sa.Column(\"stray\", sa.String),\n"
)


def test_a_core_column_far_below_its_table_call_is_read_with_that_table() -> None:
    # osparc-simcore's Table() calls run to 150 lines; a line past the call's end is in none
    added = added_columns(_diff_adding_everything(LONG_CORE), lambda _: LONG_CORE, None)
    assert [(a.table, a.column, a.line) for a in added][-3:] == [
        ("projects", "c119", 124), ("projects", "ui", 125), ("?", "stray", 128)]


SPREAD_BASES = '''\
class LabelMixin:
    label = Column(String(40))


class SigmaRule(
    LabelMixin,
    BaseModel,
):
    __tablename__ = "sigmarule"
    description = Column(Text)
'''


def test_bases_spread_over_lines_still_name_the_table() -> None:
    """timesketch: two classes with multi-line bases once both came out as table '?', so
    their columns shared one label key."""
    added = added_columns(_diff_adding_everything(SPREAD_BASES), lambda _: SPREAD_BASES, None)
    assert [(a.table, a.column, a.class_name) for a in added] == [
        ("sigmarule", "label", "SigmaRule"),  # the mixin's column, through the spread bases
        ("sigmarule", "description", "SigmaRule"),
    ]


def test_replay_naming_names_tables_but_not_mixins() -> None:
    """timesketch's BaseModel names each table cls.__name__.lower() in a declared_attr the
    text reading cannot follow: projects.toml says so with replay-naming; a class without
    bases is still a mixin whose columns land in its subclasses' tables."""
    text = SPREAD_BASES.replace('    __tablename__ = "sigmarule"\n', "")
    added = added_columns(_diff_adding_everything(text), lambda _: text, "lowercase")
    assert [(a.table, a.column) for a in added] == [
        ("sigmarule", "label"), ("sigmarule", "description")]


def test_a_chained_tablename_names_the_table() -> None:
    """eNMS: ``__tablename__ = type = "worker"`` binds the table name and the polymorphic
    identity at once; its columns once all came out as ``?Worker``, unlabelled."""
    text = ('class Worker(AbstractBase):\n    __tablename__ = type = "worker"\n'
            "    name = db.Column(db.SmallString, unique=True)\n"
            "class Server(AbstractBase):\n"
            "    __tablename__ = type = class_type = 'server'\n"
            "    role = db.Column(db.TinyString)\n")
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [(a.table, a.column) for a in added] == [("worker", "name"), ("server", "role")]
    assert named_by_diff(_diff_adding_everything(text)) == {"worker", "server"}


@pytest.mark.parametrize(("naming", "tables"), [
    pytest.param("lowercase-plural", ["vims", "vims", "vnfd"],
                 id="tacker: the class name lowercased plus s, a literal wins"),
    pytest.param(None, ["?HasTenant", "?Vim", "vnfd"], id="no naming: the class is unknown"),
    pytest.param("{class_snake}_rows", ["vim_rows", "vim_rows", "vnfd"],
                 id="a table-naming template, as the reviewer's config takes (kotti)"),
])
def test_replay_naming_lowercase_plural(naming: str | None, tables: list[str]) -> None:
    """tacker's TackerBaseV1 names a table cls.__name__.lower() + 's' in a declared_attr in
    another file; a mixin's column lands in its subclass's table, a literal __tablename__
    wins."""
    text = ("class HasTenant(object):\n    tenant_id = Column(String(64))\n"
            "class Vim(model_base.BASE, HasTenant):\n    auth_url = Column(String(255))\n"
            "class VNFD(model_base.BASE):\n    __tablename__ = 'vnfd'\n"
            "    name = Column(String(255))\n")
    added = added_columns(_diff_adding_everything(text), lambda _: text, naming)
    assert [a.table for a in added] == tables


@pytest.mark.parametrize(
    ("before", "after"),
    [
        pytest.param(["    token = Column(String(40))"], ["    token = Column(String(64))"],
                     id="column-to-column"),
        # Empire's move to typed declarative: `deferred(Column(...))` became mapped_column
        pytest.param(["    token = deferred(Column(Text))"],
                     ["    token: Mapped[str] = mapped_column(Text, deferred=True)"],
                     id="deferred-column-to-mapped-column"),
        pytest.param(["    token = deferred(", "        Column(Text)", "    )"],
                     ["    token: Mapped[str] = mapped_column(Text, deferred=True)"],
                     id="deferred-spread-over-lines-to-mapped-column"),
        pytest.param(["    token = Column(Text)"], ["    token = deferred(Column(Text))"],
                     id="column-to-deferred-column"),
    ],
)
def test_a_rewritten_declaration_is_a_changed_column_not_an_added_one(
        before: list[str], after: list[str]) -> None:
    diff = (f"--- a/m.py\n+++ b/m.py\n@@ -3,{len(before)} +3,{len(after)} @@\n"
            + "".join(f"-{x}\n" for x in before) + "".join(f"+{x}\n" for x in after))
    text = 'class T(Base):\n    __tablename__ = "t"\n' + "".join(f"{x}\n" for x in after)
    assert [(a.key, a.changed) for a in added_columns(diff, lambda _: text, None)] == [
        (("t", "token"), True)]


def test_a_deferred_column_is_an_added_column() -> None:
    diff = "--- a/m.py\n+++ b/m.py\n@@ -3,0 +3 @@\n+    output = deferred(Column(Text))\n"
    text = 'class T(Base):\n    __tablename__ = "t"\n    output = deferred(Column(Text))\n'
    assert [(a.key, a.changed) for a in added_columns(diff, lambda _: text, None)] == [
        (("t", "output"), False)]


def test_commit_selection_finds_column_changes_newest_first(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    repo.write("app/models.py", "class A(Base):\n    id = Column(Integer)\n")
    first = repo.commit("add A.id")
    repo.write("app/views.py", "x = Column(1)\n")
    repo.commit("a column call outside the models")
    repo.write("app/models.py", "class A(Base):\n    id = Column(Integer)\n    # a comment\n")
    repo.commit("comment only")
    repo.write("app/models.py", "class A(Base):\n    id = Column(Integer)\n"
               "    name = Column(String)\n")
    second = repo.commit("add A.name")
    commits = select_commits(repo.root / ".git", "HEAD", ["app/**/models.py"], cap=5)
    assert [(c.sha, c.subject) for c in commits] == [(second, "add A.name"),
                                                      (first, "add A.id")]
    assert commits[1].parent is None
    assert len(select_commits(repo.root / ".git", "HEAD", ["app/**/models.py"], cap=1)) == 1


ANNOTATED = """\
from typing import TYPE_CHECKING, List, Optional

from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_by: Mapped[str]


class Team(Base):
    __tablename__ = "teams"
    id: Mapped[int] = mapped_column(primary_key=True)
{body}
"""

_TEAM = "class Team(Base):"


@pytest.mark.parametrize(("body", "expected"), [
    pytest.param("    password_hash: Mapped[Optional[bytes]]", ["password_hash"], id="optional"),
    pytest.param("    api_key: Mapped[str | None]", ["api_key"], id="pep604-optional"),
    pytest.param("    secret: sa_orm.Mapped[str]  # the signing secret", ["secret"],
                 id="module-qualified-with-comment"),
    pytest.param('    token: "Mapped[str]"', ["token"], id="quoted-annotation"),
    pytest.param('    note: Mapped["str | None"]', ["note"], id="quoted-inner-type"),
    pytest.param("    tags: Mapped[list[str]]", ["tags"], id="list-of-str-is-an-array-column"),
    pytest.param("    extra: Mapped[Optional[dict[str, Any]]]", ["extra"], id="json-column"),
    pytest.param("    email: Mapped[\n        Optional[str]\n    ]", ["email"],
                 id="annotation-over-lines"),
    pytest.param('    owner: Mapped["User"]', [], id="forward-reference-is-a-relationship"),
    pytest.param('    members: Mapped[List["User"]]', [], id="collection-of-a-class"),
    pytest.param("    orders: Mapped[List[Order]] = []", [],
                 id="an-annotation-with-a-plain-value-is-no-column-alone"),
    pytest.param("    parent: Mapped[Optional[Team]]", [], id="a-mapped-class-of-the-file"),
    pytest.param('    owner: Mapped["User"] = relationship(back_populates="teams")', [],
                 id="relationship-call"),
    pytest.param('    users: WriteOnlyMapped["User"]', [], id="write-only-relationship"),
    pytest.param("    kind: ClassVar[str]", [], id="classvar"),
    pytest.param("    if TYPE_CHECKING:\n        owner_name: Mapped[str]", [],
                 id="under-type-checking-never-runs"),
    pytest.param("    def label(self) -> str:\n        x: Mapped[str]\n        return ''", [],
                 id="a-local-in-a-method"),
])
def test_annotation_only_mapped_columns_are_added_columns(body: str, expected: list[str]
                                                          ) -> None:
    """SQLAlchemy 2.0 maps ``name: Mapped[T]`` with no value as a column (phoenix's
    users.password_hash/password_salt); relationships' annotations are not columns."""
    text = ANNOTATED.format(body=body)
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [a.column for a in added if a.table == "teams" and a.column != "id"] == expected


def test_an_annotation_only_mixin_column_lands_in_each_table_inheriting_it() -> None:
    text = ANNOTATED.format(body="") + ("\n\nclass Invite(TimestampMixin, Base):\n"
                                         '    __tablename__ = "invites"\n'
                                         "    code_hash: Mapped[bytes]\n")
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [(a.table, a.column, a.class_name) for a in added] == [
        ("invites", "created_by", "Invite"),
        ("teams", "id", "Team"),
        ("invites", "code_hash", "Invite"),
    ]


IMPERATIVE = """\
api_token_table = Table(
    "api_token",
    metadata,
    Column("id", Text, primary_key=True),
)


class ApiToken(DomainObject):
    id: Mapped[str]
    plugin_extras: Mapped[dict[str, Any]]


registry.map_imperatively(ApiToken, api_token_table)
"""

GIVEN_TABLE = """\
class Invite(Base):
    __table__ = invites_table
    code_hash: Mapped[bytes]
"""


@pytest.mark.parametrize(("text", "expected"), [
    pytest.param(IMPERATIVE, [("api_token", "id")], id="imperative-mapping-hints-are-no-columns"),
    pytest.param(GIVEN_TABLE, [], id="a-class-given-its-table-hints-its-columns"),
])
def test_annotations_of_a_class_mapped_to_a_table_are_type_hints(
        text: str, expected: list[tuple[str, str]]) -> None:
    """ckan annotates imperatively mapped classes (``id: Mapped[str]``): the Table's own
    ``Column("id", ...)`` is the column, the annotation only a hint."""
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [a.key for a in added] == expected


@pytest.mark.parametrize(("old", "new", "expected"), [
    pytest.param("    token: Mapped[Optional[str]]", "    token: Mapped[Optional[bytes]]",
                 [("token", True)], id="retyped-annotation-is-changed"),
    pytest.param("    token = Column(String)", "    token: Mapped[str]",
                 [("token", True)], id="column-call-to-annotation-is-changed"),
    pytest.param("    token: Mapped[str]", "    token: Mapped[str] = mapped_column(String(64))",
                 [("token", True)], id="annotation-to-mapped-column-is-changed"),
    pytest.param("    owner_id: Mapped[int]", "    token: Mapped[str]",
                 [("token", False)], id="a-new-name-is-added"),
])
def test_a_rewritten_annotation_only_column_is_changed_not_added(
        old: str, new: str, expected: list[tuple[str, bool]]) -> None:
    diff = f"--- a/m.py\n+++ b/m.py\n@@ -3 +3 @@\n-{old}\n+{new}\n"
    text = f'class T(Base):\n    __tablename__ = "t"\n{new}\n'
    assert [(a.column, a.changed) for a in added_columns(diff, lambda _: text, None)] == expected


def test_commit_selection_finds_annotation_only_columns_but_not_relationships(
        tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "r")
    repo.write("app/models.py", _TEAM + "\n    id: Mapped[int] = mapped_column()\n")
    repo.commit("add Team.id")
    repo.write("app/models.py", _TEAM + "\n    id: Mapped[int] = mapped_column()\n"
               '    owner: Mapped["User"] = relationship()\n')
    repo.commit("a relationship")
    repo.write("app/models.py", _TEAM + "\n    id: Mapped[int] = mapped_column()\n"
               '    owner: Mapped["User"] = relationship()\n'
               "    password_salt: Mapped[Optional[bytes]]\n")
    salt = repo.commit("add Team.password_salt")
    commits = select_commits(repo.root / ".git", "HEAD", ["app/**/models.py"], cap=2)
    assert [c.sha for c in commits][:1] == [salt]
    assert [c.subject for c in commits] == ["add Team.password_salt", "add Team.id"]


def _pr(added: list[AddedResult], blocking: bool = False, warnings: int = 0,
        mr007: int = 0, new: bool = False) -> PullRequest:
    return PullRequest("p", "development", "c", "2024-01-01", "s", "ok", blocking=blocking,
                       blocking_new=new, blocking_new_noise=new and not mr007,
                       mr007=mr007, warnings=warnings, warnings_noise=warnings, added=added)


def _added(label: str, *severities: str, seen: bool = True,
           changed: bool = False) -> AddedResult:
    findings = [{"code": "MR003", "severity": s} for s in severities]
    return AddedResult("m.py", 1, "t", label, label, seen, findings, changed)


def test_replay_summary_counts_credentials_and_harmless_pull_requests() -> None:
    prs = [
        _pr([_added("credential", "error")], blocking=True, warnings=1, new=True),
        _pr([_added("credential", "warning"), _added("none")], warnings=1),
        _pr([_added("credential", seen=False)], blocking=True, mr007=1),
        _pr([_added("none"), _added("none", "warning")], warnings=1),
        _pr([_added("none")], blocking=True),  # the base's own gaps block the gate
        _pr([]),  # nothing added: not a harmless-only pull request
        _pr([_added("none", changed=True)]),  # rewrites only: not harmless-only either
        # adds a harmless column but rewrites a credential: not harmless-only, no credential added
        _pr([_added("none"), _added("credential", "error", changed=True)], warnings=1),
    ]
    s = summarise("p", prs)
    assert (s.prs, s.cred_added, s.cred_flagged, s.cred_error, s.cred_not_read) == (8, 3, 2, 1, 1)
    assert (s.harmless, s.harmless_warned, s.harmless_blocked, s.harmless_blocked_new) == (
        2, 1, 1, 0)
    assert (s.mr007_runs, s.blocked, s.blocked_new) == (1, 3, 1)


@pytest.mark.parametrize(
    ("split", "show_heldout", "names"),
    [
        pytest.param("development", False, ["dev-a", "dev-b", "**development**"],
                     id="development-rows-per-project"),
        pytest.param("held-out", False, ["**held-out**", "**held-out A**", "**held-out B**"],
                     id="held-out-aggregates-only"),
        pytest.param("held-out", True, ["held-a", "held-b", "**held-out**", "**held-out A**",
                                        "**held-out B**"],
                     id="held-out-rows-with-show-heldout"),
    ],
)
def test_a_held_out_project_has_no_row_of_its_own_unless_asked(
        split: str, show_heldout: bool, names: list[str]) -> None:
    from benchmarks.replay import split_summaries
    projects = [replace(_project("0" * 40), name=n, split=s, cohort=c) for n, s, c in [
        ("dev-a", "development", None), ("dev-b", "development", None),
        ("held-a", "held-out", "A"), ("held-b", "held-out", "B")]]
    prs = [replace(_pr([_added("credential", "error")]), project=p.name, split=p.split)
           for p in projects]
    rows = split_summaries(split, projects, prs, show_heldout)
    assert [r.name for r in rows] == names
    assert rows[names.index(f"**{split}**")].cred_added == 2


@pytest.mark.parametrize(
    ("finding", "noise"),
    [
        pytest.param({"table": "gateway_option", "column": "value"}, (0, False),
                     id="the stored secret's own finding, raised by a new encrypted flag"),
        pytest.param({"table": "gateway_option", "column": "encrypted"}, (1, True),
                     id="a finding on the harmless column the change adds"),
        pytest.param({"table": "gateway_option", "column": "gone"}, (1, True),
                     id="a finding on a column nobody labelled counts as noise"),
        pytest.param({"code": "MR007", "table": None, "column": None}, (0, False),
                     id="the reader's failure is counted apart"),
    ],
)
def test_replay_noise_is_a_finding_on_no_sensitive_column(
        finding: dict[str, object], noise: tuple[int, bool]) -> None:
    labels = {("gateway_option", "value"): LabelRow("p", "m.py", "gateway_option", "value",
                                                    "credential", "", ""),
              ("gateway_option", "encrypted"): LabelRow("p", "m.py", "gateway_option",
                                                        "encrypted", "none", "", "")}
    pr = PullRequest("p", "development", "c", "2024-01-01", "s", "ok")
    doc = {"blocking": True, "findings": [{"code": "MR003", "severity": "error",
                                           "introduced": True, **finding}]}
    added = [Added("m.py", 9, "GatewayOption", "gateway_option", "encrypted", "encrypted = ...")]
    judge_pull_request(pr, added, doc, labels)
    assert pr.harmless_only
    assert (pr.warnings, pr.blocking_new) == (1, True)
    assert (pr.warnings_noise, pr.blocking_new_noise) == noise
    assert [f["noise"] for f in pr.new_findings] == [noise[1]]


def test_a_missing_column_without_an_mr007_on_its_table_is_a_silent_miss() -> None:
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", "a.py", "users", "email", "pii_direct", "", ""),
              LabelRow("p", "b.py", "events", "ip", "pii_direct", "", ""),
              LabelRow("p", "mixin.py", "users", "created", "none", "", "")]
    errors = [{"path": "a.py", "line": 3, "message": "class User: base ..."}]
    missing = [("users", "email"), ("users", "created"), ("events", "ip")]
    assert silent_misses(missing, labels, errors) == [("events", "ip")]


def test_an_mr007_on_a_mapping_hook_covers_the_tables_the_hooks_file_builds() -> None:
    """NextGIS Web: the versioning mixin's __init_subclass__ (extension.py) builds the _et/_ht
    tables while SQLAlchemy maps each model; the MR007 is at the model's class statement and
    names the hook's file, where the labels place those tables. A file another kind of error
    names (a base's) covers nothing."""
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", "v/extension.py", "attachment_ht", "keyname", "none", "", ""),
              LabelRow("p", "base.py", "notes", "body", "free_text", "", "")]
    hook = ("class Attachment: VersioningMixin.__init_subclass__ (v/extension.py:544) builds "
            "sa.Table(...) at line 761 while SQLAlchemy maps the class, so the tables ...")
    base = "class Note: its base Base (base.py:3) cannot be read ..."
    errors = [{"path": "attachment/model.py", "line": 64, "message": hook},
              {"path": "note/model.py", "line": 9, "message": base}]
    missing = [("attachment_ht", "keyname"), ("notes", "body")]
    assert silent_misses(missing, labels, errors) == [("notes", "body")]


def test_an_mr007_on_a_run_time_table_helper_covers_the_tables_its_file_builds() -> None:
    """OneGov Cloud: associated() (associable.py) returns a declared_attr whose function
    builds the files_for_<table>_<attr> link tables; the MR007 is at each class attribute
    that calls it and names the helper's file, where the labels place those tables."""
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", "core/associable.py", "files_for_votes_files", "file_id", "none",
                       "", ""),
              LabelRow("p", "base.py", "notes", "body", "free_text", "", "")]
    helper = ("Vote.files: cannot resolve associated(...) (associated() in core/associable.py "
              "calls Table(...) when it runs, and masking-reviewer reads code but never runs it; "
              "...)")
    errors = [{"path": "votes/model.py", "line": 60, "message": helper}]
    missing = [("files_for_votes_files", "file_id"), ("notes", "body")]
    assert silent_misses(missing, labels, errors) == [("notes", "body")]


def test_an_mr007_on_the_class_that_names_a_table_covers_its_mixin_columns(
        tmp_path: Path) -> None:
    """websauna: each model declares only ``__tablename__`` over mixin columns and is mapped
    at run time; the MR007 on the class blocks the table although no label names its file."""
    from benchmarks.real_world import silent_misses, tables_blocked_at

    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(
        "import usermixin\n"
        "\n"
        "class Group(usermixin.GroupMixin):\n"
        "    \"\"\"Groups.\"\"\"\n"
        "\n"
        "    __tablename__ = \"group\"\n"
        "\n"
        "@implementer(IOther)\n"
        "class Other:\n"
        "    __tablename__ = \"other\"\n"
        "\n"
        "class IssueReport(_base_issue_report, table=True):  # type: ignore\n"
        "    \"\"\"Record of issues\"\"\"\n", encoding="utf-8")
    errors = [{"path": "app/models.py", "line": 3, "message": "class Group declares a table ..."},
              {"path": "app/models.py", "line": 8, "message": "class Other declares a table"},
              {"path": "app/models.py", "line": 12, "message": "class IssueReport: base ..."},
              {"path": "app/models.py", "line": 1, "message": "not a class statement"},
              {"path": "app/gone.py", "line": 1, "message": "no such file"}]
    assert tables_blocked_at(tmp_path, errors) == {"group", "other", "issuereport"}
    labels = [LabelRow("p", "app/usermixin.py", "group", "name", "none", "", ""),
              LabelRow("p", "app/usermixin.py", "other", "name", "none", "", "")]
    missing = [("group", "name"), ("other", "name")]
    assert silent_misses(missing, labels, errors, {"group"}) == [("other", "name")]
    assert silent_misses(missing, labels, errors, {"group", "other"}) == []


_UNKNOWN_BASE = ("class Session: base class 'TokenBase' is {qual} from the package 'authkit', "
                 "outside the repository; ...")


@pytest.mark.parametrize(("label_path", "qual", "silent"), [
    pytest.param("site-packages:authkit/tokens.py", "authkit.tokens.TokenBase", [],
                 id="an MR007 on an unknown base from the module the labels name blocks"),
    pytest.param("site-packages:authkit/__init__.py", "authkit.TokenBase", [],
                 id="a package's __init__ is the package"),
    pytest.param("site-packages:authkit/__init__.py", "authkit.tokens.TokenBase",
                 [("sessions", "token")], id="a base from a submodule is another module's"),
    pytest.param("site-packages:authkit/tokens.py", "authkit.tokens_v2.TokenBase",
                 [("sessions", "token")], id="a module whose name only starts the same"),
    pytest.param("authkit/tokens.py", "authkit.tokens.TokenBase", [("sessions", "token")],
                 id="a repository path is matched by path only"),
])
def test_an_mr007_on_a_third_party_base_covers_the_columns_it_adds(
        label_path: str, qual: str, silent: list[tuple[str, str]]) -> None:
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", label_path, "sessions", "token", "credential", "", "")]
    errors = [{"path": "app/models.py", "line": 9, "message": _UNKNOWN_BASE.format(qual=qual)}]
    assert silent_misses([("sessions", "token")], labels, errors) == silent


_PACKAGE_CALL = ("add_primary_relationship(...) ({qual}, from the package 'coaster') is given "
                 "the mapped class Account, so it may build tables or columns ...")


@pytest.mark.parametrize(("qual", "silent"), [
    pytest.param("coaster.sqlalchemy.add_primary_relationship", [],
                 id="a package's function given the models covers the tables its package builds"),
    pytest.param("coasterx.sqlalchemy.add_primary_relationship",
                 [("account_account_email_primary", "account_id")],
                 id="another package's function does not"),
])
def test_an_mr007_on_a_package_call_covers_the_tables_its_package_builds(
        qual: str, silent: list[tuple[str, str]]) -> None:
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", "site-packages:coaster/sqlalchemy/functions.py",
                       "account_account_email_primary", "account_id", "none", "", "")]
    errors = [{"path": "funnel/models/account.py", "line": 2895,
               "message": _PACKAGE_CALL.format(qual=qual)}]
    assert silent_misses([("account_account_email_primary", "account_id")], labels,
                         errors) == silent


def test_a_table_read_in_part_is_not_covered_by_an_mr007_on_its_module() -> None:
    """An unknown base blocks its whole class: a table with a column found was read, so the
    module's MR007 (on another class) does not account for the column it lacks."""
    from benchmarks.real_world import silent_misses

    labels = [LabelRow("p", "site-packages:authkit/tokens.py", "sessions", "token",
                       "credential", "", ""),
              LabelRow("p", "site-packages:authkit/tokens.py", "sessions", "created",
                       "none", "", ""),
              LabelRow("p", "site-packages:authkit/tokens.py", "grants", "code",
                       "credential", "", "")]
    errors = [{"path": "app/models.py", "line": 9,
               "message": _UNKNOWN_BASE.format(qual="authkit.tokens.GrantBase")}]
    missing = [("sessions", "token"), ("grants", "code")]
    assert silent_misses(missing, labels, errors) == [("sessions", "token")]


SQLMODEL = '''\
from sqlmodel import Field, Relationship, SQLModel


class UserBase(SQLModel):
    email: str = Field(unique=True)
    is_active: bool = True


class UserCreate(UserBase):
    password: str


class User(UserBase, table=True):
    hashed_password: str
    items: list["Item"] = Relationship(back_populates="owner")
'''


def test_sqlmodel_fields_are_columns_only_in_tables_and_their_bases() -> None:
    added = added_columns(_diff_adding_everything(SQLMODEL), lambda _: SQLMODEL, None)
    assert [(a.table, a.column, a.class_name) for a in added] == [
        ("user", "email", "User"),
        ("user", "is_active", "User"),
        ("user", "hashed_password", "User"),
    ]


SQLMODEL_NAMED = '''\
from pydantic import BaseModel
from sqlmodel import Field, SQLModel
from app.model.abstract.model import AbstractModel


class ChatStep(AbstractModel, table=True):
    id: int = Field(default=None, primary_key=True)
    step: str


class ChatStepIn(BaseModel):
    step: str


class ConfigBase(SQLModel):
    config_name: str


class ConfigCreate(ConfigBase):
    config_value: str
'''


@pytest.mark.parametrize(("naming", "expected"), [
    pytest.param("sqlmodel-snake_case", [("chat_step", "id"), ("chat_step", "step")],
                 id="eigent: the application base's declared_attr names table=True classes"),
    pytest.param("snake_case", [("chatstep", "id"), ("chatstep", "step")],
                 id="a project's table-naming is not SQLModel's: the default stands"),
    pytest.param(None, [("chatstep", "id"), ("chatstep", "step")],
                 id="no naming: SQLModel's default, the class name lower-cased"),
])
def test_sqlmodel_tables_and_schemas_under_a_naming(
        naming: str | None, expected: list[tuple[str, str]]) -> None:
    """Pydantic and SQLModel schema classes map no table whatever the naming (eigent's
    ChatStepIn(BaseModel), ConfigCreate(ConfigBase(SQLModel)) were read as tables
    chat_step_in and config_create under snake_case)."""
    text = SQLMODEL_NAMED
    added = added_columns(_diff_adding_everything(text), lambda _: text, naming)
    assert [a.key for a in added] == expected


def test_an_applications_own_base_named_basemodel_maps_tables() -> None:
    """mage-ai, openrelik-server and timesketch name their declarative base BaseModel: only
    pydantic's (imported from pydantic or sqlmodel) makes a schema class."""
    text = ("from app.db.base import BaseModel\n\n\n"
            "class Oauth2AccessToken(BaseModel):\n"
            "    token = Column(String(255), index=True, unique=True)\n")
    added = added_columns(_diff_adding_everything(text), lambda _: text, "snake_case")
    assert [a.key for a in added] == [("oauth2_access_token", "token")]


def _tiny_history(tmp_path: Path, commits: Sequence[tuple[str, Mapping[str, str]]],
                  labels: str) -> Planned:
    """The project "tiny" whose mirror holds ``commits`` (subject, files written), one on top
    of the other, planned for replay with ``labels`` (the CSV's rows)."""
    from benchmarks.replay import plan_project

    repo = make_repo(tmp_path / "upstream")
    repo.write("LICENSE", "MIT License\n")
    sha = ""
    for subject, files in commits:
        for path, text in files.items():
            repo.write(path, text)
        sha = repo.commit(subject)
    mirrors = tmp_path / "mirrors"
    (mirrors / "tiny").mkdir(parents=True)
    (mirrors / "tiny" / "repo").symlink_to(repo.root / ".git")
    (tmp_path / "labels").mkdir()
    (tmp_path / "labels" / "tiny.csv").write_text(HEADER + labels, encoding="utf-8")
    return plan_project(_project(sha), mirrors, cap=5, regex=r"Column\(", replay_labels=[],
                        labels_dir=tmp_path / "labels")


def test_a_replayed_commit_adding_a_password_hash_is_flagged_and_blocks(tmp_path: Path) -> None:
    from benchmarks.replay import replay

    plan = _tiny_history(tmp_path, [
        ("users", {"app/models.py": MODELS.replace("    password_hash = Column(String(60))\n",
                                                   "")}),
        ("password hashes and teams", {"app/models.py": MODELS + '''

class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
'''}),
    ], "tiny,app/models.py,users,id,none,,\n"
       "tiny,app/models.py,users,password_hash,credential,,\n"
       "tiny,app/models.py,teams,id,none,,\n")
    # the root commit has no parent to compare with
    assert [pr.subject for pr in plan.prs] == ["password hashes and teams"]
    replay([plan], tmp_path / "mirrors", jobs=1)
    pr = plan.prs[0]
    assert pr.status == "ok"
    by_key = {(a.table, a.column): a for a in pr.added}
    assert set(by_key) == {("users", "password_hash"), ("teams", "id")}
    password = by_key[("users", "password_hash")]
    assert password.label == "credential" and password.seen
    assert password.flagged and password.error
    assert pr.blocking and pr.blocking_new and pr.mr007 == 0
    assert not by_key[("teams", "id")].flagged


CONNECTIONS = '''\
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class SalesforceConnection(Base):
    __tablename__ = "sf_connections"
    id = Column(Integer, primary_key=True)
    dsn = Column(Text)
    password_hash = Column(String(60))
'''

NETSUITE = '''

class NetSuiteConnection(Base):
    __tablename__ = "ns_connections"
    id = Column(Integer, primary_key=True)
    dsn = Column(Text)
'''


@pytest.mark.parametrize(("adopted", "error", "base_blocks"), [
    pytest.param(False, False, True,
                 id="adopting: empty rules, the base's secrets block, the new one warns"),
    pytest.param(True, True, False,
                 id="adopted: the base masks its secrets, the new twin of one blocks"),
])
def test_an_adopted_replay_masks_what_the_labels_call_sensitive_at_the_base(
        tmp_path: Path, adopted: bool, error: bool, base_blocks: bool) -> None:
    from benchmarks.replay import replay

    plan = _tiny_history(tmp_path, [
        ("salesforce", {"app/models.py": CONNECTIONS}),
        ("netsuite", {"app/models.py": CONNECTIONS + NETSUITE}),
    ], "tiny,app/models.py,sf_connections,id,none,,\n"
       "tiny,app/models.py,sf_connections,dsn,credential,,\n"
       "tiny,app/models.py,sf_connections,password_hash,credential,,\n"
       "tiny,app/models.py,ns_connections,id,none,,\n"
       "tiny,app/models.py,ns_connections,dsn,credential,,\n")
    replay([plan], tmp_path / "mirrors", jobs=1, adopted=adopted)
    pr = plan.prs[0]
    assert pr.status == "ok"
    (added,) = [a for a in pr.added if a.column == "dsn"]
    assert (added.table, added.flagged, added.error) == ("ns_connections", True, error)
    (mr003,) = [f for f in added.findings if f["code"] == "MR003"]
    twin = [s["field"] for s in mr003["similar"] if s["strategy"] is not None]
    assert twin == (["SalesforceConnection.dsn"] if adopted else [])
    assert pr.blocking == (base_blocks or error)
    assert pr.blocking_new == error


NODES = '''\
from sqlalchemy import JSON, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Node(Base):
    __tablename__ = "nodes"
    id = Column(Integer, primary_key=True)
'''

IPMI_DRIVER = '''\
def power_on(node):
    info = node.driver_info or {}
    return info.get("ipmi_password")
'''


@pytest.mark.parametrize(("whole", "flagged"), [
    pytest.param(True, True, id="whole-tree-the-code-evidence-reads-the-driver"),
    pytest.param(False, False, id="extract-only-no-driver-no-evidence"),
])
def test_a_replayed_pull_request_holds_the_code_that_uses_the_models(
        tmp_path: Path, whole: bool, flagged: bool) -> None:
    """A checkout has every file: a blob column's secret shows only in code outside the model
    package (``extract``), and the replayed pull request must hold that code too."""
    from benchmarks.replay import replay

    plan = _tiny_history(tmp_path, [
        ("nodes", {"drivers/ipmi.py": IPMI_DRIVER, "app/models.py": NODES}),
        ("driver info", {"app/models.py": NODES + "    driver_info = Column(JSON)\n"}),
    ], "tiny,app/models.py,nodes,id,none,,\n"
       "tiny,app/models.py,nodes,driver_info,credential,,\n")
    replay([plan], tmp_path / "mirrors", jobs=1, whole=whole)
    (added,) = plan.prs[0].added
    assert (added.table, added.column, added.seen) == ("nodes", "driver_info", True)
    assert (added.flagged, added.error) == (flagged, flagged)


PROJECT_TOML = '''
[projects.tiny]
repo = "o/tiny"
mirror = "tiny"
commit = "0000000000000000000000000000000000000000"
licence = "MIT"
licence-file = "LICENSE"
split = "held-out"
models = ["app/models.py"]
extract = ["app"]
'''


@pytest.mark.parametrize(("line", "toml_cap", "override", "expected"), [
    pytest.param("", None, None, 30, id="no-replay-cap-default-30"),
    pytest.param("replay-cap = 120\n", 120, None, 120, id="replay-cap-used"),
    pytest.param("replay-cap = 120\n", 120, 5, 5, id="cli-cap-overrides-replay-cap"),
    pytest.param("", None, 7, 7, id="cli-cap-without-replay-cap"),
])
def test_replay_cap_comes_from_projects_toml_unless_cap_is_given(
        tmp_path: Path, line: str, toml_cap: int | None, override: int | None,
        expected: int) -> None:
    from benchmarks.replay import project_cap

    path = tmp_path / "projects.toml"
    path.write_text(PROJECT_TOML + line, encoding="utf-8")
    [project] = load_projects(path)
    assert project.replay_cap == toml_cap
    assert project_cap(project, override) == expected


@pytest.mark.parametrize("value", [
    pytest.param("0", id="zero"),
    pytest.param('"120"', id="string"),
    pytest.param("true", id="boolean"),
])
def test_a_bad_replay_cap_names_the_file_and_project(tmp_path: Path, value: str) -> None:
    path = tmp_path / "projects.toml"
    path.write_text(PROJECT_TOML + f"replay-cap = {value}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"projects\.toml: project tiny: replay-cap must be a "
                                         r"positive integer"):
        load_projects(path)


@pytest.mark.parametrize(("caps", "expected"), [
    pytest.param({"a": 30, "b": 30}, "cap 30 commits per project", id="uniform"),
    pytest.param({"a": 30, "b": 30, "c": 120}, "cap 30 commits per project (c 120)",
                 id="deeper-project-named"),
])
def test_the_replay_header_names_projects_with_their_own_cap(
        caps: dict[str, int], expected: str) -> None:
    from benchmarks.replay import caps_text

    assert caps_text(caps) == expected


ONE_MODULE = '''class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    password_hash = Column(String(60))


class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
'''
USER_MODULE = ONE_MODULE.split("\n\n\n")[0] + "\n"
TEAM_MODULE = '''class Team(Base):
    __tablename__ = "teams"
    id = Column(Integer, primary_key=True)
    invite_token = Column(String(64))
'''


@pytest.mark.parametrize(
    ("package", "keep_old"),
    [
        pytest.param("app/models", False, id="moved: the module split in two"),
        pytest.param("shared/models", True,
                     id="copied into a shared package, the old module kept (lear)"),
    ],
)
def test_a_column_the_parent_declared_is_not_added_but_a_new_one_is(
        tmp_path: Path, package: str, keep_old: bool) -> None:
    from benchmarks.replay import plan_project

    repo = make_repo(tmp_path / "upstream")
    repo.write("LICENSE", "MIT License\n")
    repo.write("app/models.py", ONE_MODULE)
    repo.commit("one module")
    if not keep_old:
        (repo.root / "app" / "models.py").unlink()
    repo.write(f"{package}/user.py", USER_MODULE)
    repo.write(f"{package}/team.py", TEAM_MODULE)
    sha = repo.commit("the models in a package; invite tokens")
    mirrors = tmp_path / "mirrors"
    (mirrors / "tiny").mkdir(parents=True)
    (mirrors / "tiny" / "repo").symlink_to(repo.root / ".git")
    project = Project(name="tiny", repo="o/tiny", mirror="tiny", commit=sha, licence="MIT",
                      licence_file="LICENSE", split="development",
                      models=(f"{package}/*.py",), extract=("app", "shared"),
                      history=("app/models.py",))
    plan = plan_project(project, mirrors, cap=5, regex=r"Column\(", replay_labels=[],
                        labels_dir=tmp_path)
    [added] = plan.added
    assert sorted((a.path, a.table, a.column, a.changed) for a in added) == [
        (f"{package}/team.py", "teams", "id", True),
        (f"{package}/team.py", "teams", "invite_token", False),
        (f"{package}/user.py", "users", "id", True),
        (f"{package}/user.py", "users", "password_hash", True),
    ]


# A library of mixins (ziggurat_foundations' style): every column is a `declared_attr` function
# returning it, and so is the table name.
DECLARED_ATTR_MIXIN = '''\
class AccountMixin(BaseModel):
    @declared_attr
    def __tablename__(cls):
        return "accounts"

    @declared_attr
    def id(cls):
        return sa.Column(sa.Integer, primary_key=True)

    @declared_attr
    def recovery_code(cls):
        """sent in the reset link"""
        return sa.Column(
            "recovery_secret", sa.Unicode(64)
        )

    @declared_attr
    def owner(cls):
        return sa.orm.relationship("User")

    @declared_attr
    def legacy(cls):
        if cls.old:
            return sa.Column(sa.Integer)
        return None

    def label_column(cls):
        return sa.Column(sa.Unicode(10))


class Audited:
    @declared_attr.directive
    def __tablename__(cls):
        return "audit"

    @sa.orm.declared_attr
    def actor_ip(cls):
        return sa.Column(sa.String(45))
'''


def test_declared_attr_columns_of_a_mixin_are_read_with_the_mixins_table() -> None:
    text = DECLARED_ATTR_MIXIN
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [(a.table, a.column, a.line, a.class_name) for a in added] == [
        ("accounts", "id", 8, "AccountMixin"),
        ("accounts", "recovery_secret", 13, "AccountMixin"),  # the DB name, on the next line
        # not the relationship, not a conditional return, not an undecorated function
        ("audit", "actor_ip", 38, "Audited"),
    ]


def test_a_rewritten_declared_attr_column_is_changed_not_added() -> None:
    old = DECLARED_ATTR_MIXIN
    new = old.replace("sa.Column(sa.Integer, primary_key=True)",
                      "sa.Column(sa.BigInteger, primary_key=True)")
    diff = ("--- a/app/models.py\n+++ b/app/models.py\n@@ -8 +8 @@\n"
            "-        return sa.Column(sa.Integer, primary_key=True)\n"
            "+        return sa.Column(sa.BigInteger, primary_key=True)\n")
    added = added_columns(diff, lambda _: new, None, read_old=lambda _: old)
    assert [(a.key, a.changed) for a in added] == [(("accounts", "id"), True)]


def test_a_core_column_reformatted_onto_one_line_is_changed_not_added() -> None:
    # LinOTP 715fc8f89f (black): `sa.Column(\n    "LinOtpSeed", ...)` became one line; the
    # column was there before, so no rule is missing for it
    old = ('token_table = sa.Table(\n    "Token",\n    db.metadata,\n    sa.Column(\n'
           '        "LinOtpSeed", sa.types.Unicode(32), default=""),\n)\n')
    new = ('token_table = sa.Table(\n    "Token",\n    db.metadata,\n'
           '    sa.Column("LinOtpSeed", sa.types.Unicode(32), default=""),\n'
           '    sa.Column("LinOtpPin", sa.types.Unicode(32), default=""),\n)\n')
    diff = ("--- a/linotp/model/__init__.py\n+++ b/linotp/model/__init__.py\n@@ -4,2 +4,2 @@\n"
            '-    sa.Column(\n-        "LinOtpSeed", sa.types.Unicode(32), default=""),\n'
            '+    sa.Column("LinOtpSeed", sa.types.Unicode(32), default=""),\n'
            '+    sa.Column("LinOtpPin", sa.types.Unicode(32), default=""),\n')
    added = added_columns(diff, lambda _: new, None, read_old=lambda _: old)
    assert [(a.key, a.line, a.changed) for a in added] == [
        (("Token", "LinOtpSeed"), 4, True), (("Token", "LinOtpPin"), 5, False)]
    # and the spread form, added, is read where its call opens
    back = added_columns(_diff_adding_everything(old), lambda _: old, None)
    assert [(a.key, a.line) for a in back] == [(("Token", "LinOtpSeed"), 4)]


SPREAD_FIELDS = """\
from sqlmodel import Column, Field, SQLModel, Text
class AuditLog(SQLModel, table=True):
    __tablename__ = "auditlog"
    id: int = Field(primary_key=True)
    reason: str | None = Field(
        default=None,
        sa_column=Column(Text, nullable=True),
    )
    audit_metadata: dict | None = Field(
        default=None,
        sa_column=Column(
            "metadata", Text, nullable=True,
        ),
    )
"""


def test_a_fields_sa_column_line_is_the_fields_column_named_by_the_column() -> None:
    # bisheng: `sa_column=Column(...)` on its own line is no column named "sa_column"
    text = SPREAD_FIELDS
    added = added_columns(_diff_adding_everything(text), lambda _: text, None)
    assert [(a.key, a.line) for a in added] == [
        (("auditlog", "id"), 4), (("auditlog", "reason"), 5), (("auditlog", "metadata"), 9)]
    # a commit that retypes only the sa_column line rewrites the field's column
    old = text.replace("Column(Text, nullable=True)", "Column(String, nullable=True)")
    diff = ("--- a/m.py\n+++ b/m.py\n@@ -7 +7 @@\n"
            "-        sa_column=Column(String, nullable=True),\n"
            "+        sa_column=Column(Text, nullable=True),\n")
    added = added_columns(diff, lambda _: text, None, read_old=lambda _: old)
    assert [(a.key, a.line, a.changed) for a in added] == [(("auditlog", "reason"), 5, True)]


def test_a_renamed_tables_rewritten_columns_are_added() -> None:
    # designate's Domain -> Zone: the masking rules for domains.email do not cover zones.email
    old = ('class Domain(Base):\n    __tablename__ = "domains"\n'
           '    id = Column(Integer, primary_key=True)\n    email = Column(String(255))\n')
    new = ('class Zone(Base):\n    __tablename__ = "zones"\n'
           '    id = Column(Integer, primary_key=True)\n    email = Column(String(255))\n')
    diff = ("--- a/app/models.py\n+++ b/app/models.py\n@@ -1,4 +1,4 @@\n"
            + "".join(f"-{line}\n" for line in old.splitlines())
            + "".join(f"+{line}\n" for line in new.splitlines()))
    added = added_columns(diff, lambda _: new, None, read_old=lambda _: old)
    assert [(a.key, a.changed) for a in added] == [
        (("zones", "id"), False), (("zones", "email"), False)]
    # the same rewrite without the rename stays a rewrite
    kept = new.replace("Zone", "Domain").replace('"zones"', '"domains"')
    diff = ("--- a/app/models.py\n+++ b/app/models.py\n@@ -4 +4 @@\n"
            "-    email = Column(String(255))\n+    email = Column(String(320))\n")
    added = added_columns(diff, lambda _: kept.replace("255", "320"), None,
                          read_old=lambda _: old)
    assert [(a.key, a.changed) for a in added] == [(("domains", "email"), True)]


RENAMES = [
    pytest.param(
        'class Bay(Base):\n    __tablename__ = "bay"\n    id = Column(Integer, primary_key=True)\n'
        '    trustee_password = Column(String(255))\n',
        'class Cluster(Base):\n    __tablename__ = "cluster"\n'
        '    id = Column(Integer, primary_key=True)\n    trustee_password = Column(String(255))\n',
        [(("cluster", "id"), 3), (("cluster", "trustee_password"), 4)],
        id="a renamed table adds every column, its lines untouched (magnum's Bay -> Cluster)",
    ),
    pytest.param(
        'class Project(Base):\n    __tablename__ = "project"\n'
        '    id = Column(Integer, primary_key=True)\n    password = Column(String(256))\n',
        'class Project(Base):\n    __versioned__ = {}\n    __tablename__ = "project"\n'
        '    id = Column(Integer, primary_key=True)\n    password = Column(String(256))\n',
        [(("project_version", "id"), 4), (("project_version", "password"), 5)],
        id="__versioned__ adds the SQLAlchemy-Continuum history copy of every column "
           "(ihatemoney's history page)",
    ),
    pytest.param(
        'class Project(Base):\n    __tablename__ = "project"\n'
        '    id = Column(Integer, primary_key=True)\n    password = Column(String(256))\n',
        'class Project(Base):\n    """Projects."""\n    __tablename__ = "project"\n'
        '    id = Column(Integer, primary_key=True)\n    password = Column(String(256))\n',
        [],
        id="an edit next to unchanged columns adds none",
    ),
    pytest.param(
        'class ORMDeployment(Base):\n    id = Column(Integer, primary_key=True)\n'
        '    schedule = Column(JSON)\n',
        'class Deployment(Base):\n    id = Column(Integer, primary_key=True)\n'
        '    schedule = Column(JSON)\n',
        [],
        id="a table name guessed from the naming rule is no rename (prefect's mixins became "
           "models)",
    ),
]


@pytest.mark.parametrize(("old", "new", "expected"), RENAMES)
def test_columns_a_diff_adds_without_their_lines(
        old: str, new: str, expected: list[tuple[tuple[str, str], int]]) -> None:
    import difflib

    diff = "".join(difflib.unified_diff(old.splitlines(True), new.splitlines(True),
                                        "a/app/models.py", "b/app/models.py", n=0))
    added = added_columns(diff, lambda _: new, "snake_case", read_old=lambda _: old)
    assert [(a.key, a.line) for a in added if not a.changed] == expected

"""The classified inventory is cached beside the inventory: never a stale verdict.

Each case runs the real CLI twice on a real git repository with one warm cache, changes one
input of the classification between the runs, and asserts the second run's findings are the
ones that input now gives (and those of a cold run). A change to the classifier's own code or
words is made on a copy of the package, run as a subprocess.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

import reviewer
from reviewer import review
from reviewer.cli import main
from tests.gitrepo import GIT_ENV, GitRepo, isolate_git, make_repo

MODELS = '''\
from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from app.mixins import Audit
from app.vis import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Account(Audit, Base):
    __tablename__ = "accounts"
    id: Mapped[int] = mapped_column(primary_key=True)
    api_token: Mapped[str] = mapped_column(String(64))
    erp_passphrase: Mapped[str] = mapped_column(String(64))
    nickname: Mapped[str] = mapped_column(String(40))
    email: Mapped[str] = mapped_column(String(200), info={"visibility": ColumnVisibility.PRIVATE})
'''
# outside the models glob: read because Account inherits from it
MIXINS = '''\
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column


class Audit:
    note: Mapped[str] = mapped_column(String(20))
'''
VIS = '''\
import enum


class ColumnVisibility(enum.Enum):
    PRIVATE = "private"
    MASKED = "masked"
'''
CONFIG = 'models = ["app/models.py"]\n'
RULES = json.dumps({"version": 1, "rules": [
    {"table": "accounts", "column": "email", "strategy": "static", "value": "x@example.com"}]})

# what the app gives before any change: (code, column, evidence)
BEFORE = [
    ("MR003", "api_token", "name 'api_token'"),
    ("MR003", "erp_passphrase", "name token 'passphrase'"),
]


@pytest.fixture
def app(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "app")
    repo.write("app/models.py", MODELS)
    repo.write("app/mixins.py", MIXINS)
    repo.write("app/vis.py", VIS)
    repo.write(".masking-reviewer.toml", CONFIG)
    repo.write("masking_rules.json", RULES)
    repo.commit("app")
    return repo


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    main(["check", "--format", "json", "--root", str(root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    doc: dict[str, object] = json.loads(out)
    return doc


def _findings(doc: dict[str, object]) -> list[tuple[str, str, str]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    return [(f["code"], f["column"], f["evidence"]) for f in findings]


def _edit(rel: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(root: Path) -> None:
        text = (root / rel).read_text()
        assert old in text, f"{old!r} not in {rel}"
        (root / rel).write_text(text.replace(old, new, 1))

    return edit


@pytest.fixture
def classified(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many inventories the classifier judged (the real classifier, counted)."""
    from reviewer import classifier

    calls: list[int] = []
    real = classifier.classify_columns

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(classifier, "classify_columns", counted)
    return calls


def test_a_warm_check_judges_no_column_again(
    app: GitRepo, capsys: pytest.CaptureFixture[str], classified: list[int]
) -> None:
    first = _check(app.root, capsys)
    assert _findings(first) == BEFORE and len(classified) == 1
    assert _check(app.root, capsys) == first
    assert len(classified) == 1  # the classified inventory came from the cache
    assert len(_entries("refined")) == 1 and len(_entries("inventory")) == 1


@pytest.mark.parametrize(
    ("change", "after", "reclassified"),
    [
        pytest.param(
            _edit(".masking-reviewer.toml", CONFIG,
                  CONFIG + '[sensitive-names]\ncredential = ["nickname"]\n'),
            [*BEFORE, ("MR003", "nickname", "configured name 'nickname'")], True,
            id="sensitive-names adds a name"),
        pytest.param(
            _edit(".masking-reviewer.toml", CONFIG, CONFIG + 'ignore-names = ["erp_*"]\n'),
            BEFORE[:1], True, id="ignore-names drops a name"),
        pytest.param(
            _edit(".masking-reviewer.toml", CONFIG,
                  CONFIG + 'labels = ["ColumnVisibility.PRIVATE", "String"]\n'),
            [("MR001", "note", "name token 'note', but nobody's record: no author or owner "
                               "among the siblings"),
             ("MR001", "api_token", "name 'api_token'"),
             ("MR001", "erp_passphrase", "name token 'passphrase'"),
             ("MR001", "nickname", "name token 'nickname'")], True,
            id="labels: a type label labels every String column"),
        pytest.param(
            _edit("app/models.py", "nickname: Mapped[str]", "reset_token: Mapped[str]"),
            [*BEFORE, ("MR003", "reset_token", "name 'reset_token'")], True,
            id="a model file renames a column"),
        pytest.param(
            _edit("app/mixins.py", "note: Mapped[str]", "session_secret: Mapped[str]"),
            [("MR003", "session_secret", "name token 'secret'"), *BEFORE], True,
            id="a mixin outside the models glob renames a column"),
        pytest.param(
            _edit("masking_rules.json", '"x@example.com"}',
                  '"x@example.com"}, {"table": "accounts", "column": "api_token", '
                  '"strategy": "static", "value": "t"}'),
            BEFORE[1:], False, id="the rules change, the classification is reused"),
    ],
)
def test_every_input_of_the_classification_is_in_its_key(
    app: GitRepo, capsys: pytest.CaptureFixture[str], classified: list[int],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None], after: list[tuple[str, str, str | None]],
    reclassified: bool,
) -> None:
    assert _findings(_check(app.root, capsys)) == BEFORE
    assert _check(app.root, capsys) == _check(app.root, capsys)  # warm
    change(app.root)
    warm = _check(app.root, capsys)
    assert _findings(warm) == after
    assert len(classified) == (2 if reclassified else 1)
    # and exactly what a run with an empty cache says
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path / "cold"))
    assert _check(app.root, capsys) == warm


def _entries(kind: str) -> list[Path]:
    return sorted(Path(os.environ["MASKING_REVIEWER_CACHE_DIR"], kind).rglob("*.json"))


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "", id="empty"),
        pytest.param(lambda text: text.replace('"credential"', '"sensitive"'),
                     id="an unknown category"),
        pytest.param(lambda text: text.replace('"reads":[', '"reads":[["app/vis.py","0123"],'),
                     id="a read that no longer matches"),
        pytest.param(lambda text: "\x00\xff" + text, id="garbage bytes"),
    ],
)
def test_a_damaged_classified_entry_is_recomputed_silently(
    app: GitRepo, capsys: pytest.CaptureFixture[str], classified: list[int],
    damage: Callable[[str], str],
) -> None:
    first = _check(app.root, capsys)
    (entry,) = _entries("refined")
    entry.write_text(damage(entry.read_text(encoding="utf-8")), encoding="utf-8")
    assert _check(app.root, capsys) == first
    assert len(classified) == 2
    # rewritten whole: the next run is warm again
    assert _check(app.root, capsys) == first and len(classified) == 2


def test_no_fingerprint_means_no_classified_entry(
    app: GitRepo, capsys: pytest.CaptureFixture[str], classified: list[int],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # a zipped or frozen install cannot read the classifier's code: judge every time
    monkeypatch.setattr(review, "files_fingerprint", lambda names: None)
    first = _check(app.root, capsys)
    assert _findings(first) == BEFORE
    assert _check(app.root, capsys) == first
    assert len(classified) == 2 and _entries("refined") == []


def test_the_fingerprint_covers_every_module_the_classifier_imports() -> None:
    """A module of ours that the classifier imports decides verdicts too: it must be listed in
    CLASSIFIER_INPUTS, or editing it would leave stale classifications in warm caches."""
    package = Path(reviewer.__file__).parent
    ours = set()
    # the classifier, the name and table evidence it weighs, and the module reading its words
    for name in ("classifier.py", "name_verdicts.py", "table_context.py", "vocabulary.py"):
        tree = ast.parse((package / name).read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.ImportFrom) and node.module
                    and node.module.startswith("reviewer")):
                ours.add(node.module.split(".")[1] + ".py")
            elif isinstance(node, ast.Import):
                ours |= {a.name.split(".")[1] + ".py" for a in node.names
                         if a.name.startswith("reviewer.")}
    assert ours == {"types.py", "cache.py", "vocabulary.py", "name_verdicts.py",
                    "table_context.py"}
    assert {"classifier.py", "vocabulary.toml", *ours} <= set(review.CLASSIFIER_INPUTS)
    assert all((package / name).is_file() for name in review.CLASSIFIER_INPUTS)
    # the code evidence (the keys the code keeps in blobs, how values are made and checked)
    # decides verdicts too
    used: set[str] = set()
    for name in ("blob_keys.py", "value_sources.py", "value_exports.py", "value_text.py",
                 "declared_secrets.py", "column_uses.py"):
        evidence = ast.parse((package / name).read_text(encoding="utf-8"))
        used |= {node.module.split(".")[1] + ".py" for node in ast.walk(evidence)
                 if isinstance(node, ast.ImportFrom) and node.module
                 and node.module.startswith("reviewer.")}
    assert used == {"cache.py", "name_verdicts.py", "column_uses.py", "constants.py", "files.py",
                    "selection.py", "sources.py", "types.py", "vocabulary.py",
                    "value_exports.py", "value_text.py"}
    assert {"blob_keys.py", "value_sources.py", "declared_secrets.py", *used} <= set(
        review.CLASSIFIER_INPUTS)
    # and so do the keys the code stores in key/value rows
    rows = ast.parse((package / "row_keys.py").read_text(encoding="utf-8"))
    used = {node.module.split(".")[1] + ".py" for node in ast.walk(rows)
            if isinstance(node, ast.ImportFrom) and node.module
            and node.module.startswith("reviewer.")}
    assert {"row_keys.py", *used} <= set(review.CLASSIFIER_INPUTS)


# ----------------------------------------------------------------- the classifier's own code


def _run_copy(package: Path, app: Path, cache: Path) -> list[tuple[str, str, str]]:
    env = {**os.environ, **GIT_ENV, "PYTHONPATH": str(package.parent),
           "MASKING_REVIEWER_CACHE_DIR": str(cache)}
    proc = subprocess.run(
        [sys.executable, "-c",
         "import sys, reviewer; from reviewer.cli import main\n"
         f"assert reviewer.__file__.startswith({str(package)!r}), reviewer.__file__\n"
         "sys.exit(main(sys.argv[1:]))",
         "check", "--format", "json", "--root", str(app)],
        env=env, cwd=package.parent, capture_output=True, text=True, check=False,
    )
    assert proc.returncode in (0, 1), proc.stderr
    assert proc.stdout, (proc.returncode, proc.stderr)
    return _findings(json.loads(proc.stdout))


@pytest.mark.parametrize(
    ("rel", "old", "new", "after"),
    [
        pytest.param("vocabulary.toml", '"passphrase", ', '"passphrase", "nickname", ',
                     [*BEFORE, ("MR003", "nickname", "name token 'nickname'")],
                     id="vocabulary.toml gains a word"),
        pytest.param("name_verdicts.py", "return f\"name token '{span[0]}'\"",
                     "return f\"name word '{span[0]}'\"",
                     [BEFORE[0], ("MR003", "erp_passphrase", "name word 'passphrase'")],
                     id="name_verdicts.py words its evidence differently"),
    ],
)
def test_an_edited_classifier_is_never_answered_from_the_cache(
    app: GitRepo, tmp_path: Path, rel: str, old: str, new: str,
    after: list[tuple[str, str, str]],
) -> None:
    package = tmp_path / "pkg" / "reviewer"
    shutil.copytree(Path(reviewer.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    cache = tmp_path / "warm"
    assert _run_copy(package, app.root, cache) == BEFORE
    assert _run_copy(package, app.root, cache) == BEFORE
    text = (package / rel).read_text(encoding="utf-8")
    assert old in text
    (package / rel).write_text(text.replace(old, new, 1), encoding="utf-8")
    assert _run_copy(package, app.root, cache) == after
    assert _run_copy(package, app.root, tmp_path / "cold") == after


# ----------------------------------------------------------------- parsed TOML, kept as JSON


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        pytest.param('models = ["app/*.py"]\n[sensitive-names]\ncredential = ["pin"]\n', True,
                     id="strings and tables are kept"),
        pytest.param("when = 2024-01-01\nratio = 0.5\n", False,
                     id="a date is not JSON: parsed every time"),
        pytest.param("x = nan\n", False, id="NaN does not survive JSON: parsed every time"),
    ],
)
def test_parsed_toml_is_what_tomllib_says(text: str, stored: bool) -> None:
    from reviewer.cache import load_toml, parsed_toml

    calls: list[str] = []

    def parse(t: str) -> dict[str, object]:
        calls.append(t)
        return load_toml(t)

    first = parsed_toml(text, parse)
    again = parsed_toml(text, parse)
    assert repr(first) == repr(again) == repr(load_toml(text))
    assert len(calls) == (1 if stored else 2)
    assert len(_entries("toml")) == (1 if stored else 0)


def test_a_damaged_toml_entry_is_parsed_again(
    app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from reviewer import vocabulary

    vocabulary._shipped.cache_clear()  # this process may have read the vocabulary already
    vocabulary._cached.cache_clear()
    first = _check(app.root, capsys)
    entries = _entries("toml")
    assert len(entries) == 2  # the vocabulary's and the configuration's
    for entry in entries:
        entry.write_text(entry.read_text()[:40])
    vocabulary._shipped.cache_clear()
    vocabulary._cached.cache_clear()
    assert _check(app.root, capsys) == first
    assert all(json.loads(e.read_text()) for e in entries)  # both written whole again


def test_invalid_toml_fails_the_same_way_every_time(
    app: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    (app.root / ".masking-reviewer.toml").write_text('models = ["app/models.py"]\nbad =\n')
    for _ in range(2):
        assert main(["check", "--root", str(app.root)]) == 2
        err = capsys.readouterr().err
        assert re.search(r"\.masking-reviewer\.toml:2: not valid TOML: Invalid value", err), err

"""The warm path stays cheap: what it must not import, and caches that never change a verdict."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from reviewer.config import load_config
from reviewer.errors import UsageError
from reviewer.inventory import build_inventory
from reviewer.rules import load_rules, parse_rules
from reviewer.sources import MemoryTree, WorktreeTree
from reviewer.types import Column, Config, Inventory, RulesFile


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        # libcst costs ~230 ms to import; only a cache miss needs the parser.
        pytest.param("reviewer.review", "libcst", id="review does not import libcst"),
        pytest.param("reviewer.inventory", "libcst", id="inventory does not import libcst"),
        pytest.param("reviewer.cache", "libcst", id="cache does not import libcst"),
        # a warm hit needs neither the per-file facts nor a process pool
        pytest.param("reviewer.review", "reviewer.facts", id="review does not import facts"),
        pytest.param("reviewer.review", "concurrent.futures.process",
                     id="review does not import the process pool"),
        pytest.param("reviewer.review", "jsonschema", id="review does not import jsonschema"),
        # the core types are the leaf of the package: importing them imports no other module
        pytest.param("reviewer.types", "reviewer.codes", id="types is a leaf"),
        pytest.param("reviewer.codes", "reviewer.types", id="codes needs no types"),
    ],
)
def test_import_does_not_load(module: str, heavy: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}, sys; print({heavy!r} in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert proc.stdout.strip() == "False"


# ------------------------------------------------------------------ whole-inventory cache

VIS = "import enum\nclass ColumnVisibility(enum.Enum):\n    MASKED = 1\n    PRIVATE = 2\n"
MODEL = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from app.common.mixins import Secretive
class Base(DeclarativeBase):
    pass
class Conn(Secretive, Base):
    __tablename__ = "conns"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
MIXIN = """\
from sqlalchemy.orm import Mapped, mapped_column
from app.vis import ColumnVisibility
class Secretive:
    secret: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
"""
FILES = {"app/vis.py": VIS, "app/models/conn.py": MODEL, "app/common/mixins.py": MIXIN}
GLOBS = ("app/models/*.py",)
PRIV = "ColumnVisibility.PRIVATE"
MASK = "ColumnVisibility.MASKED"


def _columns(inventory: Inventory) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.table, c.column, c.labels) for c in inventory.columns]


def _build(files: dict[str, str], config: Config, cache: Path,
           monkeypatch: pytest.MonkeyPatch) -> Inventory:
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(cache))
    return build_inventory(MemoryTree(files), config)


def test_warm_inventory_needs_no_per_file_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    cold = _build(FILES, config, tmp_path, monkeypatch)
    shutil.rmtree(tmp_path / "scan")
    assert _build(FILES, config, tmp_path, monkeypatch) == cold
    # answered from the inventory entry alone: no file was scanned again
    assert not (tmp_path / "scan").exists()
    assert _columns(cold) == [("conns", "secret", (PRIV,)), ("conns", "id", ())]


def test_base_and_head_with_the_same_file_list_keep_separate_entries(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A diff builds the base, then the head: neither may evict the other.
    config = Config(root="/r", models=GLOBS)
    head_files = {**FILES, "app/models/conn.py": MODEL + "    token: Mapped[str]\n"}
    base = _build(FILES, config, tmp_path, monkeypatch)
    head = _build(head_files, config, tmp_path, monkeypatch)
    shutil.rmtree(tmp_path / "scan")
    assert _build(FILES, config, tmp_path, monkeypatch) == base
    assert _build(head_files, config, tmp_path, monkeypatch) == head
    assert not (tmp_path / "scan").exists()
    assert len(list((tmp_path / "inventory").rglob("*.json"))) == 2


def test_warm_inventory_of_a_commit_reads_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """git already holds every blob id: a warm diff neither reads nor hashes either commit's
    model files, and a changed blob (here a mixin outside the globs) is still a miss."""
    from reviewer.sources import GitTree
    from tests.gitrepo import isolate_git, make_repo

    isolate_git(monkeypatch)
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    repo = make_repo(tmp_path / "repo")
    for path, text in FILES.items():
        repo.write(path, text)
    first = repo.commit("models")
    repo.write("app/common/mixins.py", MIXIN.replace("PRIVATE", "MASKED"))
    second = repo.commit("the mixin's label changes")
    config = Config(root=str(repo.root), models=GLOBS)
    cold = build_inventory(GitTree(repo.root, first), config)
    warm_tree = GitTree(repo.root, first)
    assert build_inventory(warm_tree, config) == cold
    assert warm_tree._cache == {}  # not one file read
    changed = build_inventory(GitTree(repo.root, second), config)
    assert _columns(changed) == [("conns", "secret", (MASK,)), ("conns", "id", ())]


@pytest.mark.parametrize(
    ("files", "config", "expected"),
    [
        pytest.param(
            {**FILES, "app/common/mixins.py": MIXIN.replace("PRIVATE", "MASKED")},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (MASK,)), ("conns", "id", ())],
            id="a mixin outside the model globs changes",
        ),
        pytest.param(
            {**FILES, "app/models/conn.py": MODEL + "    token: Mapped[str]\n"},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (PRIV,)), ("conns", "id", ()), ("conns", "token", ())],
            id="a model file changes",
        ),
        pytest.param(
            {**FILES, "app/models/more.py": MODEL.replace("Conn", "More").replace("conns", "m")
             .replace("class Base(DeclarativeBase):\n    pass\n", "from app.models.conn "
                      "import Base\n")},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (PRIV,)), ("m", "secret", (PRIV,)), ("conns", "id", ()),
             ("m", "id", ())],
            id="a new file matches the globs",
        ),
        pytest.param(
            {k: v for k, v in FILES.items() if k != "app/common/mixins.py"},
            Config(root="/r", models=GLOBS),
            None,  # the base cannot be found: the inventory must now carry an error
            id="the mixin file is deleted",
        ),
        pytest.param(
            FILES, Config(root="/r", models=GLOBS, labels=(MASK,)),
            [("conns", "secret", ()), ("conns", "id", ())],
            id="the configured labels change",
        ),
        pytest.param(
            FILES, Config(root="/r"),
            [("conns", "secret", (PRIV,)), ("conns", "id", ())],
            id="models globs removed: auto-detection",
        ),
    ],
)
def test_inventory_cache_follows_every_input(
    files: dict[str, str], config: Config, expected: list[tuple[str, str, tuple[str, ...]]] | None,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _build(FILES, Config(root="/r", models=GLOBS), tmp_path, monkeypatch)
    warm = _build(files, config, tmp_path, monkeypatch)
    assert warm == build_inventory(MemoryTree(files), config, use_cache=False)
    if expected is None:
        assert [e.message.split(":")[0] for e in warm.errors] == ["class Conn"]
    else:
        assert warm.errors == ()
        assert _columns(warm) == expected


def _edit(text: str, change: Callable[[list[list[Any]]], object]) -> str:
    body = json.loads(text)
    change(body["inventory"])
    return json.dumps(body)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "[]", id="not an object"),
        pytest.param(lambda text: text.replace('"reads":[', '"reads":[["app/x.py",1,2],'),
                     id="malformed read record"),
        pytest.param(lambda text: _edit(text, lambda inv: inv[1][0].__delitem__(slice(5, None))),
                     id="a column row too short"),
        pytest.param(lambda text: _edit(text, lambda inv: inv[1][0].__setitem__(4, 7)),
                     id="a path index out of range"),
        pytest.param(lambda text: _edit(text, lambda inv: inv[0].__setitem__(0, 3)),
                     id="a path that is not a string"),
        pytest.param(lambda text: _edit(text, lambda inv: inv[1][0].extend([[], None, None,
                                                                           "secretish"])),
                     id="an unknown category"),
        pytest.param(lambda text: text.replace('"conns"', '"forged"', 1)
                     .replace('"schema":', '"schema":-1,"x":'), id="other schema"),
        pytest.param(lambda text: text.replace(PRIV, "ColumnVisibility.NOPE").replace(
            '"reads":[[', '"reads":[["app/ghost.py","0"],['), id="a read that no longer matches"),
    ],
)
def test_damaged_inventory_entry_is_a_miss(
    damage: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    cold = _build(FILES, config, tmp_path, monkeypatch)
    (entry,) = (tmp_path / "inventory").rglob("*.json")
    entry.write_text(damage(entry.read_text()))
    assert _build(FILES, config, tmp_path, monkeypatch) == cold


def test_use_cache_false_ignores_the_inventory_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    _build(FILES, config, tmp_path, monkeypatch)
    (entry,) = (tmp_path / "inventory").rglob("*.json")
    entry.write_text(entry.read_text().replace(PRIV, MASK))  # a poisoned but well-formed entry
    assert _columns(build_inventory(MemoryTree(FILES), config, use_cache=False)) == [
        ("conns", "secret", (PRIV,)), ("conns", "id", ())
    ]


# ------------------------------------------------------------------ config and rules caches

RULES_CASES = [
    pytest.param('{"version": 1, "rules": [{"table": "users", "column": "email", '
                 '"strategy": "fake_email", "note": "n"}, {"table": "users", "column": "pin", '
                 '"strategy": "static", "value": {"a": [1, 2.5, null]}}]}', id="valid file"),
    pytest.param('{"version": 1, "rules": [\n  {"table": "t", "column": "c", '
                 '"strategy": "nul"},\n  {"table": "t", "column": "d", "strategy": "null"}\n]}',
                 id="an unknown strategy next to a good entry"),
    pytest.param('{"version": 1, "rules": [{"table": "t", "column": "c"},]}',
                 id="trailing comma"),
    pytest.param("", id="empty file"),
]


def _load_rules(root: Path) -> RulesFile:
    return load_rules(WorktreeTree(root), "masking_rules.json")


@pytest.mark.parametrize("text", RULES_CASES)
def test_rules_from_the_cache_equal_a_fresh_parse(text: str, tmp_path: Path) -> None:
    (tmp_path / "masking_rules.json").write_text(text)
    fresh = parse_rules(text, "masking_rules.json")
    assert _load_rules(tmp_path) == fresh
    assert _load_rules(tmp_path) == fresh  # the second one is answered from the entry


@pytest.mark.parametrize("text", RULES_CASES)
def test_damaged_rules_entry_is_a_miss(
    text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(cache))
    (tmp_path / "masking_rules.json").write_text(text)
    fresh = _load_rules(tmp_path)
    (entry,) = (cache / "rules").rglob("*.json")
    body = json.loads(entry.read_text())
    body["rules"] = ["masking_rules.json", [["t", "c"]], [], True]  # a rule with two fields
    entry.write_text(json.dumps(body))
    assert _load_rules(tmp_path) == fresh


def test_rules_entry_is_keyed_by_text(tmp_path: Path) -> None:
    good = '{"version": 1, "rules": [{"table": "t", "column": "c", "strategy": "null"}]}'
    (tmp_path / "masking_rules.json").write_text(good)
    assert [r.key for r in _load_rules(tmp_path).rules] == [("t", "c")]
    (tmp_path / "masking_rules.json").write_text(good.replace('"null"', '"nope"'))
    broken = _load_rules(tmp_path)
    assert (broken.rules, [e.line for e in broken.errors]) == ((), [1])


BAD_CONFIG = '[tool.masking-reviewer]\nrules = "r.json"\nfail-on = "sometimes"\n'


def test_invalid_config_fails_the_same_way_every_time(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BAD_CONFIG)
    messages = []
    for _ in range(2):
        with pytest.raises(UsageError) as caught:
            load_config(str(tmp_path), WorktreeTree(tmp_path))
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith("pyproject.toml:3: bad value for key 'fail-on'")


def test_config_validity_is_keyed_by_text(tmp_path: Path) -> None:
    good = BAD_CONFIG.replace("sometimes", "warning")
    (tmp_path / "pyproject.toml").write_text(good)
    assert load_config(str(tmp_path), WorktreeTree(tmp_path)).fail_on == "warning"
    (tmp_path / "pyproject.toml").write_text(BAD_CONFIG)
    with pytest.raises(UsageError, match="fail-on"):
        load_config(str(tmp_path), WorktreeTree(tmp_path))


WARM_PROBE = """\
import sys
from reviewer.config import load_config
from reviewer.rules import load_rules
from reviewer.sources import WorktreeTree
tree = WorktreeTree(sys.argv[1])
config = load_config(sys.argv[1], tree)
rules = load_rules(tree, config.rules)
print(len(rules.rules), len(rules.errors), "jsonschema" in sys.modules)
"""


def test_warm_config_and_rules_do_not_import_jsonschema(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(BAD_CONFIG.replace("sometimes", "warning"))
    (tmp_path / "r.json").write_text(
        '{"version": 1, "rules": [{"table": "t", "column": "c", "strategy": "nul"}]}'
    )
    runs = [
        subprocess.run([sys.executable, "-c", WARM_PROBE, str(tmp_path)],
                       capture_output=True, text=True, check=True).stdout.strip()
        for _ in range(2)
    ]
    assert runs == ["0 1 True", "0 1 False"]


@pytest.mark.parametrize(
    ("keep", "expected"),
    [
        pytest.param(False, None, id="bytecode is cached like an installed package's"),
        pytest.param(True, "1", id="--no-bytecode keeps the environment's setting"),
    ],
)
def test_perf_harness_bytecode_setting(
    keep: bool, expected: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from benchmarks.perf import _env

    monkeypatch.setenv("PYTHONDONTWRITEBYTECODE", "1")
    env = _env(Path("/c"), keep)
    assert (env.get("PYTHONDONTWRITEBYTECODE"), env["MASKING_REVIEWER_CACHE_DIR"]) == (
        expected, "/c"
    )


FACTS_SOURCES = [
    pytest.param(MODEL, id="declarative class with a mapped column"),
    pytest.param(MIXIN, id="mixin with a label"),
    pytest.param(
        "from typing import Annotated, Optional\n"
        "from sqlalchemy import Column, Integer, MetaData, String, Table\n"
        "from sqlalchemy.orm import mapped_column\n"
        "from app.vis import ColumnVisibility as CV\n"
        "SECRET = {'v': CV.PRIVATE}\n"
        "Token = Annotated[Optional[str], mapped_column(String(64), info=SECRET)]\n"
        "meta = MetaData()\n"
        "t = Table('t', meta, Column('id', Integer, primary_key=True),\n"
        "          Column('pw', String, info={'v': CV.MASKED}))  # masking: exempt -- fixture\n",
        id="alias, constant, Core table and pragma"),
    pytest.param("class Broken(:\n", id="syntax error"),
    pytest.param(
        "import re\n"
        "from sqlalchemy.orm import as_declarative, declarative_base, declared_attr\n"
        "from app.db import db, Mixin\n"
        "__all__ = ['Base', 'Model']\n"
        "PREFIX = 'crm_'\n"
        "CAMEL = re.compile(r'(?<!^)(?=[A-Z])')\n"
        "BaseModel = db.Model\n"
        "Model = declarative_base(cls=Mixin)\n"
        "def prefixed(name):\n"
        "    return f'{PREFIX}{name}' + '%s' % 'x'\n"
        "@as_declarative()\n"
        "class Base:\n"
        "    @declared_attr\n"
        "    def __tablename__(cls):\n"
        "        return CAMEL.sub('_', cls.__name__).lower()\n"
        "class T(BaseModel):\n"
        "    __tablename__ = PREFIX + 't'\n"
        "    x = db.Column(prefixed('x'), db.String)\n",
        id="bindings, instance arguments, __all__, string constants and helpers, decorators"),
    pytest.param(
        "from sqlalchemy import Column, String\n"
        "from sqlalchemy.orm import declared_attr, relationship\n"
        "from app.vis import ColumnVisibility as CV\n"
        "class HasNotes:\n"
        "    @classmethod\n"
        "    def _made(cls):\n"
        "        name = cls.__name__\n"
        "        return type(name + 'Note', (Note, Base), dict(__tablename__=None))\n"
        "    @declared_attr\n"
        "    def notes(cls):\n"
        "        made = type(f'{cls.__name__}Event', (Event, Base), {\n"
        "            '__tablename__': f'{cls.__tablename__.lower()}_events',\n"
        "            'pin': Column(String, info={'v': CV.PRIVATE})})\n"
        "        return relationship(made, cls._made())\n"
        "for kind in ('a', 'b'):\n"
        "    t = Table(kind + '_x', Base.metadata, Column(f'{kind}_id', String))\n"
        "    type(kind.title(), (Base,), {'__table__': t, 'n': Column(String)})\n",
        id="classes made by type() in a declared_attr, a classmethod it calls, and an unrolled "
           "loop"),
    pytest.param(
        "from sqlalchemy import Column, JSON\n"
        "class BlockDocument(Base):\n"
        "    __tablename__ = 'block_document'\n"
        "    data = Column(JSON)\n"
        "    async def encrypt_data(self, session, data):\n"
        "        self.data = await encrypt_fernet(session, data)\n",
        id="a method that writes a column through an encrypting call"),
    pytest.param(
        "from sqlalchemy.orm import declared_attr\n"
        "class Editioned:\n"
        "    __edition__ = None\n"
        "    stem: str = 'orders'\n"
        "    a, b = 'x', 'y'\n"
        "    @staticmethod\n"
        "    def _join(left, right):\n"
        "        sep = '_'\n"
        "        return left + sep + right\n"
        "    @classmethod\n"
        "    def _prefixed(cls, stem):\n"
        "        return cls._join(cls.__edition__.lower(), stem)\n"
        "    @declared_attr\n"
        "    def __tablename__(cls):\n"
        "        return cls._prefixed(cls.stem)\n",
        id="class strings and classmethods a declared_attr reads through cls"),
    pytest.param(
        "from sqlalchemy import Column, String\n"
        "from sqlalchemy.orm import as_declarative, declarative_base\n"
        "from app.vis import ColumnVisibility as CV\n"
        "def tool_base(tool):\n"
        "    \"\"\"One base per tool.\"\"\"\n"
        "    @as_declarative(metadata=META)\n"
        "    class ToolBase:\n"
        "        _tool = tool\n"
        "        note = Column(String, info={'v': CV.MASKED})\n"
        "    return ToolBase\n"
        "def odd_base(name):\n"
        "    class Odd(Base):\n"
        "        __tablename__ = name\n"
        "    return Odd\n"
        "def make_base():\n"
        "    return declarative_base(cls=Mixin)\n",
        id="classes functions return, one with a problem, and a returned declarative_base()"),
    pytest.param(
        "from typing import Optional\n"
        "from sqlalchemy.orm import Mapped\n"
        "from app import mixins\n"
        "class Entity(Base, mixins.BaseMixin):\n"
        "    __tablename__ = 'entity'\n"
        "    id = mixins.BaseMixin.id\n"
        "    backup: Mapped[Optional[str]] = mixins.BaseMixin.email\n",
        id="class attributes bound to another class's attribute, one annotated"),
    pytest.param(
        "try:\n"
        "    from acme.mixins import Mixin, Other\n"
        "except ImportError:\n"
        "    from .compat import Other\n"
        "    class Mixin:\n"
        "        token = Column(String)\n",
        id="a class and an import standing in for imports where they fail"),
    pytest.param(
        "from sqlalchemy.orm import declarative_base\n"
        "def make_base(mixins):\n"
        "    for mixin in mixins:\n"
        "        register(mixin)\n"
        "    return declarative_base()\n",
        id="a base function the reader cannot follow, and why"),
    pytest.param(
        "class PluginMeta(type):\n"
        "    def __new__(mcs, name, bases, ns):\n"
        "        new_bases = [b for b in bases if b is not Stand]\n"
        "        new_bases.append(Base)\n"
        "        return type.__new__(mcs, name, tuple(new_bases), ns)\n"
        "def plugin_base(plugin):\n"
        "    return PluginMeta('Stand', (object,), {'plugin': plugin})\n",
        id="a metaclass adding a base, and a class a function makes by calling it"),
    pytest.param(
        "from app.settings import settings\n"
        "from app import base_models\n"
        "_base_user = settings.user_base if settings.custom else base_models.BaseUser\n"
        "registry, engine, Base = init_db()\n",
        id="a base a conditional chooses, and names unpacked from a call's result"),
    pytest.param(
        "class IssSubPairToUser(Base):\n"
        "    def _get_issuer_to_idp():\n"
        "        found = {}\n"
        "        return found\n"
        "    ISSUER_TO_IDP = _get_issuer_to_idp()\n",
        id="a function of a class body that returns a collection it builds"),
]


@pytest.mark.parametrize("text", FACTS_SOURCES)
def test_facts_survive_a_json_round_trip(text: str) -> None:
    from reviewer.facts import facts_from_json, facts_to_json
    from reviewer.scanner import scan_source

    facts = scan_source(text, (MASK, PRIV))
    assert facts_from_json(json.loads(json.dumps(facts_to_json(facts)))) == facts


def test_the_resolver_code_is_part_of_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # An edited scanner or resolver must never be answered with what the old code computed.
    from reviewer import cache

    config = Config(root="/r", models=GLOBS)
    _build(FILES, config, tmp_path, monkeypatch)
    (entry,) = (tmp_path / "inventory").rglob("*.json")
    entry.write_text(entry.read_text().replace(PRIV, MASK))  # what "old code" would have said
    assert _columns(_build(FILES, config, tmp_path, monkeypatch))[0][2] == (MASK,)
    monkeypatch.setattr(cache, "code_fingerprint", lambda: "edited")
    assert _columns(_build(FILES, config, tmp_path, monkeypatch))[0][2] == (PRIV,)
    # no fingerprint (sources unreadable): no whole-inventory entry is read or written
    monkeypatch.setattr(cache, "code_fingerprint", lambda: None)
    shutil.rmtree(tmp_path / "inventory")
    assert _columns(_build(FILES, config, tmp_path, monkeypatch))[0][2] == (PRIV,)
    assert not (tmp_path / "inventory").exists()


# Modules the reader imports that decide no fact: what a Column is (types.py) is keyed by
# cache.codec_signature(), the schema number lives in constants.py, and files.py/sources.py
# only hand over the bytes that the content hash already covers.
_NOT_FINGERPRINTED = {"reviewer", "reviewer.constants", "reviewer.files", "reviewer.sources",
                      "reviewer.types"}


def test_every_module_the_reader_imports_is_in_the_code_fingerprint() -> None:
    # A reader module left out of the fingerprint would let a warm run answer with what the
    # old code computed after an upgrade (source_text.py and tab_error.py once were).
    import re

    from reviewer import cache

    here = Path(cache.__file__).parent
    imported = {m for name in cache._CACHED_CODE
                for m in re.findall(r"^\s*(?:from|import) (reviewer(?:\.\w+)?)\b",
                                    (here / name).read_text(encoding="utf-8"), re.MULTILINE)}
    cached = {"reviewer." + name.removesuffix(".py") for name in cache._CACHED_CODE}
    assert imported - _NOT_FINGERPRINTED - cached == set()


def test_inventory_cache_keeps_only_the_most_recently_used_entries(tmp_path: Path) -> None:
    from reviewer.cache import JsonStore

    store = JsonStore("inventory", tmp_path, max_entries=3)
    keys = [f"{n:02x}" + "0" * 62 for n in range(5)]
    for n, key in enumerate(keys[:3]):
        store.store(key, {"n": n})
        os.utime(store._path(key), (1_000 + n, 1_000 + n))
    assert store.load(keys[0]) is not None  # used now: the oldest entry becomes the newest
    store.store(keys[3], {"n": 3})
    store.store(keys[4], {"n": 4})
    kept = [k for k in keys if store.load(k) is not None]
    assert kept == [keys[0], keys[3], keys[4]]


ZIPPED_CHECK = """\
import sys
sys.path.insert(0, sys.argv[1])
import reviewer
assert reviewer.__file__.startswith(sys.argv[1]), reviewer.__file__
from reviewer.cli import main
sys.exit(main(["check", "-C", sys.argv[2], "-f", "json"]))
"""


def test_a_zipped_install_runs_without_the_code_caches(tmp_path: Path) -> None:
    """In a zip (or a frozen app) our own sources cannot be read, so nothing keyed on them is
    cached; every run must still give the full verdict, never an internal error (exit 3)."""
    import zipfile

    import reviewer

    package = Path(reviewer.__file__).parent
    archive = tmp_path / "reviewer.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(package.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                zf.write(path, path.relative_to(package.parent).as_posix())
    app = tmp_path / "app"
    for path, text in {**FILES, "pyproject.toml": '[tool.masking-reviewer]\nmodels = '
                       '["app/models/*.py"]\n', "masking_rules.json": '{"version": 1, "rules": '
                       '[]}\n'}.items():
        (app / path).parent.mkdir(parents=True, exist_ok=True)
        (app / path).write_text(text, encoding="utf-8")
    env = {**os.environ, "MASKING_REVIEWER_CACHE_DIR": str(tmp_path / "cache")}
    for _ in range(2):  # the second run would be the warm one
        proc = subprocess.run([sys.executable, "-c", ZIPPED_CHECK, str(archive), str(app)],
                              capture_output=True, text=True, env=env, check=False)
        assert proc.returncode == 1, proc.stderr
        findings = json.loads(proc.stdout)["findings"]
        assert [(f["code"], f["table"], f["column"]) for f in findings] == [
            ("MR001", "conns", "secret")]
    assert not (tmp_path / "cache" / "rules").exists()
    assert not (tmp_path / "cache" / "inventory").exists()


def test_reordering_a_column_field_is_a_cache_miss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached inventories are positional rows. Were ``nullable`` and ``unique`` to swap places
    in Column, an old entry would pour each into the other: the key must change instead."""
    import dataclasses

    from reviewer import cache
    from reviewer.types import Column

    files = {**FILES, "app/models/conn.py": MODEL + "    code: Mapped[str] = mapped_column("
             "unique=True)\n"}
    config = Config(root="/r", models=GLOBS)
    real = _build(files, config, tmp_path, monkeypatch)
    shape = [(c.column, c.nullable, c.unique) for c in real.columns]
    assert shape[-1] == ("code", False, True)
    spec = [(f.name, object, dataclasses.field(default=f.default))
            if f.default is not dataclasses.MISSING else (f.name, object)
            for f in dataclasses.fields(Column)]
    i, j = [name for name, *_ in spec].index("nullable"), [n for n, *_ in spec].index("unique")
    spec[i], spec[j] = spec[j], spec[i]
    swapped = dataclasses.make_dataclass("Column", spec, frozen=True)
    monkeypatch.setattr(cache, "Column", swapped)
    entries = set((tmp_path / "inventory").rglob("*.json"))
    again = _build(files, config, tmp_path, monkeypatch)
    # rebuilt by the builder, not decoded into the wrong fields
    assert [(c.column, c.nullable, c.unique) for c in again.columns] == shape
    assert {type(c) for c in again.columns} == {Column}
    assert set((tmp_path / "inventory").rglob("*.json")) > entries  # a new entry: a miss


@pytest.mark.parametrize(
    "column",
    [
        pytest.param(Column("t", "owner_id", "T", "owner_id", "m.py", 3, "Integer", True, False,
                            False, foreign_key="users.id"),
                     id="a foreign key on an unclassified column"),
        pytest.param(Column("t", "notes", "T", "notes", "m.py", 4, "Text", True, False, False,
                            doc="free text"), id="a doc on an unclassified column"),
        pytest.param(Column("t", "token", "T", "token", "m.py", 5, "String", True, False, False,
                            category="credential", confidence="high", evidence="name token"),
                     id="a classified column"),
        pytest.param(Column("t_version", "name", "TVersion", "name", "m.py", 6, "Text", True,
                            False, False, history_of="t"), id="a history copy"),
        pytest.param(Column("t", "data", "T", "data", "m.py", 7, "JSON", True, False, False,
                            sealed_by="T.seal: encrypt(...), line 9"),
                     id="a column its class writes encrypted"),
    ],
)
def test_inventory_rows_round_trip(column: Column) -> None:
    """Every warm run decodes these rows; a row the decoder rejects is a rebuild every time
    (an unclassified column with a foreign key once was, on every app with a foreign key)."""
    from reviewer.cache import inventory_from_json, inventory_to_json

    inventory = Inventory(columns=(column,), files=("m.py",), mapped_classes=1)
    assert inventory_from_json(json.loads(json.dumps(inventory_to_json(inventory)))) == inventory


def test_decoded_columns_are_ordinary_frozen_columns() -> None:
    """The decoder fills a plain twin of Column and makes it a Column (a quarter of the cost
    of Column's own __init__): what comes out must be indistinguishable from Column(...)."""
    import dataclasses

    from reviewer.cache import _column_draft, inventory_from_json, inventory_to_json

    assert _column_draft() is not None  # the fast path is the one in use
    columns = (
        Column("t", "id", "T", "id", "m.py", 2, "Integer", False, False, True),
        Column("t", "token", "T", "token", "m.py", 5, "String", True, True, False,
               labels=("L.PRIVATE",), category="credential", confidence="high",
               index=True, foreign_key="u.id", doc="d", comment="c", evidence="name token"),
    )
    inventory = Inventory(columns=columns, files=("m.py",), mapped_classes=1)
    decoded = inventory_from_json(json.loads(json.dumps(inventory_to_json(inventory))))
    assert decoded == inventory
    for got, want in zip(decoded.columns, columns, strict=True):
        assert type(got) is Column
        assert hash(got) == hash(want) and repr(got) == repr(want)
        assert dataclasses.replace(got, line=9) == dataclasses.replace(want, line=9)
        with pytest.raises(dataclasses.FrozenInstanceError):
            got.line = 3  # type: ignore[misc]

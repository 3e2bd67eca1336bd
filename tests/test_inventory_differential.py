"""The static inventory agrees exactly with what SQLAlchemy builds when the models are imported:
tables, DB column names, labels, nullability, primary keys and uniqueness.

The models are imported in a subprocess that prints JSON, so this test process (and the
reviewer) never imports the code under review.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from _pytest.mark.structures import ParameterSet

from benchmarks.generate_app import generate
from reviewer.config import load_config
from reviewer.inventory import build_inventory
from reviewer.sources import WorktreeTree
from reviewer.types import Inventory

REPO = Path(__file__).resolve().parent.parent
SAMPLE_APP = REPO / "fixtures" / "sample_app"

# table -> column -> {"labels": [dotted names], "nullable", "primary_key", "unique": bool}
Schema = dict[str, dict[str, dict[str, object]]]

# Imports the app, walks every MetaData and maps each Enum value found in Column.info to the
# dotted name a label is written as, e.g. ColumnVisibility.PRIVATE.
WALK = """
import enum, importlib, json, sys
sys.path.insert(0, sys.argv[1])
metadatas = []
for spec in sys.argv[2:]:
    module, _, attr = spec.partition(":")
    mod = importlib.import_module(module)
    if attr:
        obj = mod
        for part in attr.split("."):
            obj = getattr(obj, part)
        metadatas.append(obj)
out = {}
for md in metadatas:
    for table in md.tables.values():
        cols = out.setdefault(table.name, {})
        for col in table.columns:
            labels = sorted(
                f"{type(v).__name__}.{v.name}" for v in col.info.values()
                if isinstance(v, enum.Enum)
            )
            cols[col.name] = {"labels": labels, "nullable": bool(col.nullable),
                              "primary_key": bool(col.primary_key), "unique": bool(col.unique)}
print(json.dumps(out, sort_keys=True))
"""


def imported_schema(root: Path, *specs: str) -> Schema:
    proc = subprocess.run(
        [sys.executable, "-B", "-c", WALK, str(root), *specs],  # -B: no __pycache__ in fixtures
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    assert proc.returncode == 0, proc.stderr
    data: Schema = json.loads(proc.stdout)
    return data


def static_schema(inventory: Inventory) -> Schema:
    out: Schema = {}
    for col in inventory.columns:
        out.setdefault(col.table, {})[col.column] = {
            "labels": sorted(col.labels), "nullable": col.nullable,
            "primary_key": col.primary_key, "unique": col.unique,
        }
    return out


def scan(root: Path) -> Inventory:
    tree = WorktreeTree(root)
    return build_inventory(tree, load_config(str(root), tree), use_cache=False)


def test_sample_app_matches_sqlalchemy_metadata() -> None:
    expected = imported_schema(
        SAMPLE_APP,
        "ledgerly.models:Base.metadata",
        "ledgerly.legacy.reports",
        "ledgerly.legacy:db.metadata",
    )
    inventory = scan(SAMPLE_APP)
    assert inventory.errors == ()
    assert static_schema(inventory) == expected


def test_sample_app_exercises_every_construct() -> None:
    """Guards the fixture itself: if someone simplifies it, the differential test weakens."""
    inventory = scan(SAMPLE_APP)
    by_key = inventory.by_key()
    # mixin declared_attr column expanded into two tables, declared in the mixin's file
    for table in ("users", "contact"):
        col = by_key[(table, "created_by_email")]
        assert (col.declared_in, col.path) == ("AuditMixin", "ledgerly/models/mixins.py")
    # Annotated alias imported from a module outside the models globs
    assert by_key[("api_keys", "key_hash")].labels == ("ColumnVisibility.PRIVATE",)
    # explicit DB names: positional, name=, Core Column inside TYPE_CHECKING/else
    assert by_key[("contact", "email_address")].attribute == "email"
    assert by_key[("payment", "processor_payment_token")].attribute == "processor_token"
    assert by_key[("contact", "phone_number")].attribute == "phone"
    # single-table inheritance lands in the parent's table
    assert by_key[("integration_connections", "client_secret")].class_name == (
        "SalesforceConnection"
    )
    # pragma exemption
    exemption = by_key[("users", "password_hash")].exemption
    assert exemption is not None
    assert exemption.reason == "bcrypt hash, cost 12; useless without the plaintext"
    # harmless look-alikes are present and unlabelled
    for key in [("integration_connections", "token_type"), ("webhook_endpoints", "api_key_id"),
                ("users", "password_changed_at"), ("client_certificates", "public_key"),
                ("integration_connections", "token_expires_at"), ("api_keys", "key_prefix")]:
        assert by_key[key].labels == ()
    # relationships, synonyms and hybrid properties are not columns
    assert ("users", "login_email") not in by_key
    assert ("contact", "full_name") not in by_key
    assert inventory.mapped_classes == 17


@pytest.mark.slow
def test_generated_app_matches_sqlalchemy_metadata(tmp_path: Path) -> None:
    root = tmp_path / "app"
    generate(root, 60, seed=11)
    expected = imported_schema(root, "app.models", "app.models.base:Base.metadata")
    inventory = scan(root)
    assert inventory.errors == ()
    assert static_schema(inventory) == expected


# Imports every module of a small app and walks every MetaData it can reach: module globals,
# and attributes of them (Base.metadata, db.metadata).
WALK_ALL = """
import enum, importlib, json, pathlib, sys
import sqlalchemy
root = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(root))
modules = []
for path in sorted(root.rglob("*.py")):
    name = ".".join(path.relative_to(root).with_suffix("").parts)
    modules.append(importlib.import_module(name.removesuffix(".__init__")))
seen = {}
for mod in modules:
    for obj in list(vars(mod).values()):
        for cand in (obj, getattr(obj, "metadata", None)):
            if isinstance(cand, sqlalchemy.MetaData):
                seen[id(cand)] = cand
def enums(value):
    if isinstance(value, enum.Enum):
        yield f"{type(value).__name__}.{value.name}"
    elif isinstance(value, dict):
        for v in value.values():
            yield from enums(v)
out = {}
for md in seen.values():
    for table in md.tables.values():
        cols = out.setdefault(table.name, {})
        for col in table.columns:
            labels = sorted(set(enums(col.info)) | set(enums(col.doc)))
            cols[col.name] = {"labels": labels, "nullable": bool(col.nullable),
                              "primary_key": bool(col.primary_key), "unique": bool(col.unique)}
print(json.dumps(out, sort_keys=True))
"""


def _importable_cases() -> list[ParameterSet]:
    from tests.test_resolution import CASES as RESOLUTION_CASES
    from tests.test_scanner import CASES, VIS

    params = []
    for case in [*CASES, *RESOLUTION_CASES]:
        files, naming, _expected = case.values
        if not isinstance(files, dict):
            continue
        if naming == "flask-sqlalchemy":  # Flask-SQLAlchemy's own naming: importable as is
            config = '[tool.masking-reviewer]\ntable-naming = "flask-sqlalchemy"\n'
            files = {**files, "pyproject.toml": config}
        elif naming is not None:  # snake_case is the reviewer's assumption about the app's code
            continue
        params.append(pytest.param({"app/vis.py": VIS, **files}, id=case.id))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("files", _importable_cases())
def test_construct_cases_match_sqlalchemy(files: dict[str, str], tmp_path: Path) -> None:
    """Every construct case of test_scanner and test_resolution, imported for real: same
    tables, columns, labels."""
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    proc = subprocess.run(
        [sys.executable, "-c", WALK_ALL, str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert static_schema(scan(tmp_path)) == json.loads(proc.stdout)


WRAPPED_COLUMNS = """\
import copy
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase
class Base(DeclarativeBase):
    pass
FLAG = True
class Doc(Base):
    __tablename__ = "docs"
    id = Column(Integer, primary_key=True)
    a = Column(String) if FLAG else Column(Text)
    b = FLAG and Column(String)
    c = [Column(String)][0]
    d = copy.copy(Column(String))
    e, f = Column(String), Column(Text)
    g = h = Column(String)
from sqlalchemy.orm import declared_attr
class Sometimes:
    @declared_attr
    def pin(cls):
        if cls.__name__ == "Card":
            return Column(String)
        return None
class Card(Sometimes, Base):
    __tablename__ = "cards"
    id = Column(Integer, primary_key=True)
"""


def test_columns_sqlalchemy_maps_through_wrappers_block_rather_than_vanish(
    tmp_path: Path,
) -> None:
    """Every wrapped column here is a column of docs at run time; the reader, which cannot see
    through the wrappers, blocks each at its line instead of dropping it."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "m.py").write_text(WRAPPED_COLUMNS)
    proc = subprocess.run(
        [sys.executable, "-B", "-c", WALK_ALL, str(tmp_path)],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    runtime = json.loads(proc.stdout)
    assert sorted(runtime["docs"]) == ["a", "b", "c", "d", "e", "f", "g", "id"]
    assert sorted(runtime["cards"]) == ["id", "pin"]
    inventory = scan(tmp_path)
    assert [(e.path, e.line) for e in inventory.errors] == [
        ("app/m.py", n) for n in (*range(10, 16), 18)]
    assert [(c.table, c.column) for c in inventory.columns] == [("docs", "id"), ("cards", "id")]


# SQLAlchemy's versioned_history example (examples/versioned_history/history_meta.py), cut to
# what builds tables, packaged as bcgov's sql-versioning ships it. Installed for the import
# only: the reviewer, which never sees it, reads the shipped declaration of its Versioned.
SQL_VERSIONING = """\
from sqlalchemy import Column, DateTime, ForeignKeyConstraint, Integer, PrimaryKeyConstraint
from sqlalchemy import event


def _history_mapper(local_mapper):
    cls = local_mapper.class_
    if cls.__dict__.get("_history_mapper_configured", False):
        return
    cls._history_mapper_configured = True
    super_mapper = local_mapper.inherits
    if not super_mapper or local_mapper.local_table is not super_mapper.local_table:
        table = local_mapper.local_table.to_metadata(
            local_mapper.local_table.metadata, name=local_mapper.local_table.name + "_history")
        for column in table.c:
            column.unique = False
            column.default = column.server_default = None
            column.autoincrement = False
        for const in list(table.constraints):
            if not isinstance(const, (PrimaryKeyConstraint, ForeignKeyConstraint)):
                table.constraints.discard(const)
        table.append_column(Column("version", Integer, primary_key=True, autoincrement=False))
        table.append_column(Column("changed", DateTime))
    else:
        history = super_mapper.local_table.metadata.tables[
            super_mapper.local_table.name + "_history"]
        for column in local_mapper.local_table.c:
            if column.key not in history.c:
                history.append_column(Column(column.name, column.type, nullable=column.nullable))
    if not super_mapper:
        local_mapper.local_table.append_column(
            Column("version", Integer, default=1, nullable=False), replace_existing=True)


class Versioned:
    def __init_subclass__(cls):
        @event.listens_for(cls, "after_mapper_constructed")
        def _constructed(mapper, class_):
            _history_mapper(mapper)
"""

HISTORY_MODELS = """\
from sqlalchemy import Column, ForeignKey, Integer, String
from sqlalchemy.orm import declarative_base
from sql_versioning import Versioned
from app.vis import ColumnVisibility

Base = declarative_base()


class Account(Versioned, Base):
    __tablename__ = "cfs_accounts"
    id = Column(Integer, primary_key=True)
    bank_account_number = Column(String(50), info={"v": ColumnVisibility.PRIVATE})
    kind = Column(String(20), nullable=False)
    __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "account"}


class PadAccount(Account):
    __mapper_args__ = {"polymorphic_identity": "pad"}
    transit_number = Column(String(20), info={"v": ColumnVisibility.MASKED})


class EftAccount(Account):
    __tablename__ = "eft_accounts"
    id = Column(ForeignKey("cfs_accounts.id"), primary_key=True)
    short_name = Column(String(100), unique=True)
    __mapper_args__ = {"polymorphic_identity": "eft"}


class Fee(Base):
    __tablename__ = "fees"
    id = Column(Integer, primary_key=True)
"""


def test_versioned_history_tables_match_sqlalchemy(tmp_path: Path) -> None:
    """sql_versioning.Versioned (kind "history" in the shipped declarations): every table of
    a versioned class gets its <table>_history copy, labels and all, as SQLAlchemy builds it,
    single-table and joined subclasses included, and the first versioned table its version."""
    from tests.test_scanner import VIS

    root, site = tmp_path / "repo", tmp_path / "site"
    (root / "app").mkdir(parents=True)
    (root / "app" / "vis.py").write_text(VIS)
    (root / "app" / "m.py").write_text(HISTORY_MODELS)
    (site / "sql_versioning").mkdir(parents=True)
    (site / "sql_versioning" / "__init__.py").write_text(SQL_VERSIONING)
    proc = subprocess.run(
        [sys.executable, "-B", "-c", WALK_ALL, str(root)],
        capture_output=True, text=True, check=False, cwd=root,
        env={**os.environ, "PYTHONPATH": str(site)},
    )
    assert proc.returncode == 0, proc.stderr
    runtime = json.loads(proc.stdout)
    assert sorted(runtime) == ["cfs_accounts", "cfs_accounts_history", "eft_accounts",
                               "eft_accounts_history", "fees"]
    inventory = scan(root)
    assert inventory.errors == ()
    static = static_schema(inventory)
    # One deliberate difference: the example copies a single-table subclass's column into its
    # parent's history table as a new Column without the original's info, so the label is
    # lost at run time; the reader keeps it, so the copy of a labelled secret needs its rule
    assert runtime["cfs_accounts_history"]["transit_number"]["labels"] == []
    assert static["cfs_accounts_history"]["transit_number"]["labels"] == [
        "ColumnVisibility.MASKED"]
    runtime["cfs_accounts_history"]["transit_number"]["labels"] = ["ColumnVisibility.MASKED"]
    assert static == runtime
    assert runtime["cfs_accounts_history"]["bank_account_number"]["labels"] == [
        "ColumnVisibility.PRIVATE"]

"""Mapping styles besides declarative classes: SQLModel, and late mapping after the class.

Every construct reads, or its broken variant blocks (MR007) at its line with the fix; where
SQLAlchemy can build the models, a differential test imports them for real and compares.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from _pytest.mark.structures import ParameterSet

from reviewer.config import load_config
from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree, WorktreeTree
from reviewer.types import Config, Inventory
from tests.test_inventory_differential import WALK_ALL, static_schema
from tests.test_scanner import MASK, PRIV, VIS

D = textwrap.dedent

SQLMODEL_HEAD = """\
import uuid
from typing import ClassVar, Optional
from sqlalchemy import Column, DateTime, String
from sqlmodel import Field, Relationship, SQLModel
from app.vis import ColumnVisibility
"""

# (table, column, attribute, line, nullable, primary_key, unique, labels)
Row = tuple[str, str, str, int, bool, bool, bool, tuple[str, ...]]

SQLMODEL_CASES = [
    pytest.param(
        SQLMODEL_HEAD + """\
class UserBase(SQLModel):
    email: str = Field(unique=True, index=True, max_length=255)
    is_active: bool = True
    full_name: str | None = Field(default=None, max_length=255)
class UserCreate(UserBase):
    password: str
class User(UserBase, table=True):
    id: uuid.UUID = Field(default_factory=uuid.uuid4, primary_key=True)
    hashed_password: str = Field(sa_column_kwargs={"info": {"v": ColumnVisibility.PRIVATE}})
    created_at: Optional[str] = Field(default=None, sa_type=DateTime(timezone=True))
    items: list["Item"] = Relationship(back_populates="owner")
    kind: ClassVar[str] = "user"
    _cache: dict = {}
class Item(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    title: str
    owner_id: uuid.UUID = Field(foreign_key="user.id", nullable=False)
    owner: User | None = Relationship(back_populates="items")
""",
        [("item", "id", "id", 20, False, True, False, ()),
         ("item", "title", "title", 21, False, False, False, ()),
         ("item", "owner_id", "owner_id", 22, False, False, False, ()),
         ("user", "email", "email", 7, False, False, True, ()),
         ("user", "is_active", "is_active", 8, False, False, False, ()),
         ("user", "full_name", "full_name", 9, True, False, False, ()),
         ("user", "id", "id", 13, False, True, False, ()),
         ("user", "hashed_password", "hashed_password", 14, False, False, False, (PRIV,)),
         ("user", "created_at", "created_at", 15, True, False, False, ())],
        id="SQLModel table=True: fields of its bases, Optional is nullable, relationships, "
           "ClassVars and private attributes are not columns, non-table models are not tables",
    ),
    pytest.param(
        SQLMODEL_HEAD + """\
class Account(SQLModel, table=True):
    __tablename__ = "accounts"
    id: int = Field(primary_key=True)
    token: str = Field(sa_column=Column("api_token", String(64), unique=True,
                                        info={"v": ColumnVisibility.MASKED}))
    note: str | None = Field(default=None, nullable=False)
""",
        [("accounts", "id", "id", 8, False, True, False, ()),
         ("accounts", "api_token", "token", 9, True, False, True, (MASK,)),
         ("accounts", "note", "note", 11, False, False, False, ())],
        id="SQLModel __tablename__, Field(sa_column=Column(...)) as given, explicit nullable",
    ),
    pytest.param(
        """\
from typing import Any, Optional
from sqlmodel import JSON, Column, Field, Integer, SQLModel, Table, Text
class AuditLogBase(SQLModel):
    reason: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))
    # the SQL column is `metadata`: SQLModel's own `metadata` takes the attribute name
    audit_metadata: Optional[dict[str, Any]] = Field(
        default=None, sa_column=Column("metadata", JSON, nullable=True))
class AuditLog(AuditLogBase, table=True):
    __tablename__ = "auditlog"
    id: Optional[int] = Field(default=None, primary_key=True)
links = Table("links", SQLModel.metadata, Column("log_id", Integer, primary_key=True))
""",
        [("auditlog", "reason", "reason", 4, True, False, False, ()),
         ("auditlog", "metadata", "audit_metadata", 6, True, False, False, ()),
         ("auditlog", "id", "id", 10, False, True, False, ()),
         ("links", "log_id", "", 11, False, True, False, ())],
        id="SQLModel re-exports SQLAlchemy's Column and Table (bisheng: sa_column names "
           "the column)",
    ),
    pytest.param(
        """\
from datetime import datetime
from typing import Optional
from pydantic import BaseModel
from sqlmodel import Field, SQLModel
class TimestampsMixin:
    __abstract__ = True
    __created_at_name__ = "created"
    created_at: Optional[datetime] = Field(
        sa_column_kwargs={"name": __created_at_name__, "nullable": False}, default=None)
    deleted_at: Optional[datetime] = Field(sa_column_kwargs={"name": "removed"}, default=None)
    retries = 3
class ModelSource(BaseModel):
    source: str
    huggingface_repo_id: Optional[str] = None
class ModelBase(SQLModel, ModelSource):
    name: str = Field(index=True, unique=True)
    state: str = Field("draft", description="a default given first is no name")
    hidden: Optional[bool] = Field(None, nullable=True)
class Model(ModelBase, TimestampsMixin, table=True):
    __tablename__ = "models"
    id: Optional[int] = Field(default=None, primary_key=True)
""",
        [("models", "created", "created_at", 8, False, False, False, ()),
         ("models", "removed", "deleted_at", 10, True, False, False, ()),
         ("models", "source", "source", 13, False, False, False, ()),
         ("models", "huggingface_repo_id", "huggingface_repo_id", 14, True, False, False, ()),
         ("models", "name", "name", 16, False, False, True, ()),
         ("models", "state", "state", 17, False, False, False, ()),
         ("models", "hidden", "hidden", 18, True, False, False, ()),
         ("models", "id", "id", 21, False, True, False, ())],
        id="SQLModel maps the fields of a pydantic BaseModel base and a plain mixin's "
           "Field()s, named and constrained by sa_column_kwargs, never by a default given "
           "first (gpustack's ModelSource and TimestampsMixin, bisheng's Field(None, ...))",
    ),
]


def _scan(files: dict[str, str], config: Config | None = None) -> Inventory:
    tree = MemoryTree({"app/vis.py": VIS, **files})
    return build_inventory(tree, config or Config(root="/repo"), use_cache=False)


def _rows(inventory: Inventory) -> list[Row]:
    return [(c.table, c.column, c.attribute or "", c.line, c.nullable, c.primary_key, c.unique,
             c.labels) for c in inventory.columns]


@pytest.mark.parametrize(("text", "expected"), SQLMODEL_CASES)
def test_sqlmodel_reads(text: str, expected: list[Row]) -> None:
    inventory = _scan({"app/models.py": text})
    assert inventory.errors == ()
    assert sorted(_rows(inventory)) == sorted(expected)


def test_sqlmodel_table_flag_that_is_not_a_literal_blocks() -> None:
    inventory = _scan({"app/models.py": SQLMODEL_HEAD + (
        "IS_TABLE = True\n"
        "class Thing(SQLModel, table=IS_TABLE):\n"
        "    id: int = Field(primary_key=True)\n"
    )})
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 7)
    assert re.search(r"^class Thing: table=IS_TABLE is not a literal, so whether SQLModel maps "
                     r"it to a table cannot be read; write table=True", error.message)


def test_sqlmodel_column_name_that_cannot_be_computed_blocks() -> None:
    inventory = _scan({"app/models.py": SQLMODEL_HEAD + (
        "import os\n"
        "class Thing(SQLModel, table=True):\n"
        "    id: int = Field(primary_key=True)\n"
        "    token: str = Field(sa_column_kwargs={'name': os.environ['TOKEN_COLUMN']})\n"
    )})
    assert [c.column for c in inventory.columns] == ["id"]
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 9)
    assert error.message == (
        "Thing.token: the column name sa_column_kwargs gives cannot be computed from the "
        "source; write the DB column name as a literal or a constant")


_NAMED_BASE = SQLMODEL_HEAD + """\
from sqlalchemy.orm import declared_attr
from app.text import snake_case
class AbstractModel(SQLModel):
    @declared_attr
    def __tablename__(cls) -> str:
        return snake_case(cls.__name__)

class ChatHistory(AbstractModel, table=True):
    id: int = Field(primary_key=True)
    api_key: str = Field(sa_column_kwargs={"info": {"visibility": ColumnVisibility.MASKED}})
"""


def test_sqlmodel_base_whose_declared_attr_names_tables_blocks_without_table_naming() -> None:
    # the base's declared_attr replaces SQLModel's default cls.__name__.lower(): reading
    # "chathistory" would check a table that does not exist and pass (eigent's AbstractModel)
    inventory = _scan({"app/models.py": _NAMED_BASE})
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 13)
    assert error.message.startswith(
        "class ChatHistory takes its table name from the declared_attr "
        "AbstractModel.__tablename__ (app/models.py:9), which the reviewer cannot evaluate")
    assert error.message.endswith("or a template of the class name such as \"{class_snake}s\"")


def test_sqlmodel_base_whose_declared_attr_names_tables_reads_with_table_naming() -> None:
    inventory = _scan({"app/models.py": _NAMED_BASE},
                      Config(root="/repo", table_naming="snake_case"))
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == [
        ("chat_history", "id"), ("chat_history", "api_key")]


def _importable(cases: list[ParameterSet]) -> list[ParameterSet]:
    return [pytest.param(c.values[0], id=c.id) for c in cases]


def _runtime_schema(tmp_path: Path, files: dict[str, str]) -> object:
    for rel, text in files.items():
        target = tmp_path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    proc = subprocess.run([sys.executable, "-B", "-c", WALK_ALL, str(tmp_path)],
                          capture_output=True, text=True, check=False, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.slow
@pytest.mark.parametrize("text", _importable(SQLMODEL_CASES))
def test_sqlmodel_matches_sqlalchemy_metadata(text: str, tmp_path: Path) -> None:
    pytest.importorskip("sqlmodel")
    files = {"app/vis.py": VIS, "app/models.py": text}
    expected = _runtime_schema(tmp_path, files)
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


# ----------------------------------------------------------------------------- late mapping

LATE_HEAD = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from app.vis import ColumnVisibility
class Base(DeclarativeBase):
    pass
class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
"""

LATE_CASES = [
    pytest.param(
        LATE_HEAD + 'User.ssn = Column(String(11), info={"v": ColumnVisibility.PRIVATE})\n',
        [("users", "id", "id", 8, False, True, False, ()),
         ("users", "ssn", "ssn", 9, True, False, False, (PRIV,))],
        id="Model.x = Column(...) after the class adds a labelled column",
    ),
    pytest.param(
        LATE_HEAD + 'setattr(User, "pin", Column("pin_code", String, nullable=False,\n'
                    '                           info={"v": ColumnVisibility.MASKED}))\n',
        [("users", "id", "id", 8, False, True, False, ()),
         ("users", "pin_code", "pin", 9, False, False, False, (MASK,))],
        id="setattr(Model, 'x', Column('db_name', ...)) adds the column under its DB name",
    ),
    pytest.param(
        LATE_HEAD + 'import typing\n'
                    'User.ssn = typing.cast(str, Column(String(11),\n'
                    '                                   info={"v": ColumnVisibility.PRIVATE}))\n'
                    'setattr(User, "pin", typing.cast(str, Column("pin_code", String)))\n',
        [("users", "id", "id", 8, False, True, False, ()),
         ("users", "ssn", "ssn", 10, True, False, False, (PRIV,)),
         ("users", "pin_code", "pin", 12, True, False, False, ())],
        id="typing.cast(T, Column(...)) after the class is the column inside",
    ),
    pytest.param(
        LATE_HEAD + 'Dyn = type("Dyn", (Base,), {"__tablename__": "dyn",\n'
                    '                          "id": Column(Integer, primary_key=True),\n'
                    '                          "pin": Column(String,\n'
                    '                 info={"v": ColumnVisibility.PRIVATE})})\n',
        [("users", "id", "id", 8, False, True, False, ()),
         ("dyn", "id", "id", 10, False, True, False, ()),
         ("dyn", "pin", "pin", 11, True, False, False, (PRIV,))],
        id="type('X', (Base,), {...}) at module level is read like a class statement",
    ),
    pytest.param(
        LATE_HEAD + D("""\
            from sqlalchemy import Table
            GRANTS = {}
            for owner in ("user", "team"):
                table = Table(
                    f"{owner}_grants",
                    Base.metadata,
                    Column(f"{owner}_id", Integer, primary_key=True),
                    Column("grant_code", String, info={"v": ColumnVisibility.MASKED}),
                )
                GRANTS[owner] = type(owner.title() + "Grant", (Base,), {"__table__": table})
            for kind in ["login", "logout"]:
                name = kind + "_events"
                Table(name, Base.metadata, Column("ip", String, primary_key=True,
                                                  info={"v": ColumnVisibility.PRIVATE}))
            """),
        [("users", "id", "id", 8, False, True, False, ()),
         ("team_grants", "team_id", "", 15, False, True, False, ()),
         ("user_grants", "user_id", "", 15, False, True, False, ()),
         ("team_grants", "grant_code", "", 16, True, False, False, (MASK,)),
         ("user_grants", "grant_code", "", 16, True, False, False, (MASK,)),
         ("login_events", "ip", "", 21, False, True, False, (PRIV,)),
         ("logout_events", "ip", "", 21, False, True, False, (PRIV,))],
        id="a module-level loop over literal strings is unrolled: Table(f'{x}_...') and "
           "type(..., {'__table__': table}) once per value",
    ),
]


@pytest.mark.parametrize(("text", "expected"), LATE_CASES)
def test_late_mapping_reads(text: str, expected: list[Row]) -> None:
    inventory = _scan({"app/models.py": text})
    assert inventory.errors == ()
    assert _rows(inventory) == expected


@pytest.mark.slow
@pytest.mark.parametrize("text", _importable(LATE_CASES))
def test_late_mapping_matches_sqlalchemy_metadata(text: str, tmp_path: Path) -> None:
    files = {"app/vis.py": VIS, "app/models.py": text}
    expected = _runtime_schema(tmp_path, files)
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


LATE_ERRORS = [
    pytest.param(
        LATE_HEAD + 'NAME = "ssn"\nsetattr(User, NAME.upper(), Column(String))\n',
        10, r"^setattr\(User, \.\.\.\) adds a column under a name computed at run time, so it "
            r"cannot be read; give setattr a literal attribute name",
        id="setattr with a computed attribute name blocks",
    ),
    pytest.param(
        LATE_HEAD + "class Plain:\n    pass\nPlain.token = Column(String)\n",
        11, r"^Plain\.token adds a column to Plain, which is not a mapped class masking-reviewer "
            r"can read",
        id="a column attached to a class that is not mapped blocks",
    ),
    pytest.param(
        # (a Column in NS would block on its own too: tests/test_stray_columns.py)
        LATE_HEAD + 'NS = {"__tablename__": "dyn"}\n'
                    'Dyn = type("Dyn", (Base,), NS)\n',
        10, r"^type\('Dyn', \.\.\.\) creates a mapped class at run time, so masking-reviewer "
            r"cannot read its columns; write it as a class statement",
        id="type('X', (Base,), namespace) whose namespace is not a dict literal blocks",
    ),
    pytest.param(
        LATE_HEAD + 'from app.tables import build\n'
                    'Dyn = type("Dyn", (Base,), {"__table__": build("dyn")})\n',
        10, r"^Dyn\.__table__ is not a Table\(\.\.\.\) call the reviewer can read; assign "
            r"Table\(\"name\", metadata, Column\(\.\.\.\), \.\.\.\) directly$",
        id="type('X', (Base,), {'__table__': <a call>}) blocks",
    ),
    pytest.param(
        LATE_HEAD + 'from app.tables import build\n'
                    'made = build("dyn")\n'
                    'Dyn = type("Dyn", (Base,), {"__table__": made})\n',
        11, r"^type\(\.\.\.\) maps __table__ = made, which is not a Table\(\.\.\.\) "
            r"masking-reviewer can read, so its columns cannot be checked",
        id="type('X', (Base,), {'__table__': name}) of something not a Table blocks",
    ),
    pytest.param(
        LATE_HEAD + "from sqlalchemy import Table\nOWNERS = ['a', 'b']\n"
                    "for owner in OWNERS:\n"
                    "    Table(owner + '_grants', Base.metadata, Column('x', String))\n",
        11, r"^a for loop at module level builds Table\(\.\.\.\), which masking-reviewer cannot "
            r"read \(it unrolls only `for name in \(\"a\", \"b\"\):` loops over literal strings",
        id="a loop over something else than literal strings that builds a Table blocks",
    ),
    pytest.param(
        LATE_HEAD + "for n in ('a', 'b'):\n"
                    "    class Grant(Base):\n"
                    "        __tablename__ = n\n"
                    "        id = Column(Integer, primary_key=True)\n",
        9, r"^a for loop at module level builds class statements",
        id="a class statement in a module-level loop blocks",
    ),
    pytest.param(
        LATE_HEAD + "i = 0\nwhile i < 2:\n    type(f't{i}', (Base,), {'__tablename__': 'x'})\n"
                    "    i += 1\n",
        10, r"^a while loop at module level builds type\(\.\.\.\)",
        id="a while loop that builds classes blocks",
    ),
    pytest.param(
        LATE_HEAD + "from sqlalchemy.orm import declared_attr\n"
                    "class HasEvents:\n"
                    "    @declared_attr\n"
                    "    def events(cls):\n"
                    "        made = type(f'{cls.__name__}Event', (Base,),\n"
                    "                    {'__tablename__': cls.events_table()})\n"
                    "        return made\n"
                    "class Account(HasEvents, Base):\n"
                    "    __tablename__ = 'accounts'\n"
                    "    id = Column(Integer, primary_key=True)\n",
        13, r"^type\(\.\.\.\) in HasEvents\.events: the __tablename__ of the class it makes for "
            r"Account cannot be computed from the source",
        id="type() inside a declared_attr with a table name it cannot compute blocks at its line",
    ),
]


LATE_ERRORS += [
    pytest.param(
        LATE_HEAD + "import copy\nUser.token = copy.copy(Column(String))\n",
        10, r"^User\.token: copy\.copy\(\.\.\.\) is given Column\(\.\.\.\), and masking-reviewer "
            r"cannot tell whether it returns a column from it",
        id="a column handed to a wrapper after the class blocks",
    ),
    pytest.param(
        LATE_HEAD + "User.token = make_secret()\n",
        9, r"^User\.token: cannot resolve make_secret\(\.\.\.\) \(defined or imported nowhere the "
           r"reviewer can see\), so masking-reviewer cannot tell whether it adds a column",
        id="a call the reader cannot classify given to a mapped class after it blocks",
    ),
    pytest.param(
        LATE_HEAD + "FLAG = True\nUser.token = Column(String) if FLAG else None\n",
        10, r"^User\.token: a conditional expression calls Column\(\.\.\.\), so its value may be a "
            r"column",
        id="a conditional column after the class blocks",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), LATE_ERRORS)
def test_late_mapping_that_cannot_be_read_blocks(text: str, line: int, message: str) -> None:
    inventory = _scan({"app/models.py": text})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)]
    assert re.search(message, inventory.errors[0].message), inventory.errors[0].message


def test_harmless_late_assignments_and_type_calls_pass() -> None:
    inventory = _scan({"app/models.py": LATE_HEAD + (
        "User.display = property(lambda self: self.id)\n"
        "from sqlalchemy.orm import relationship\n"
        "User.manager = relationship('User', order_by=User.id.desc())\n"
        "Base.query = session.query_property()\n"
        "Kind = type('Kind', (object,), {})\n"
        "for key, value in sorted(vars(User).items()):\n"
        "    setattr(Kind, key, value)\n"
        "    print(type(value))\n"
    )})
    assert inventory.errors == ()
    assert [c.column for c in inventory.columns] == ["id"]


# ----------------------------------------------------------------------------- other styles

STYLE_HEAD = """\
from dataclasses import dataclass
from typing import Optional
from sqlalchemy import Column, Integer, String, Table
from sqlalchemy.orm import (DeclarativeBase, Mapped, MappedAsDataclass, composite,
                            mapped_column, registry)
from app.vis import ColumnVisibility
reg = registry()
"""

STYLE_CASES = [
    pytest.param(
        STYLE_HEAD + """\
@reg.mapped
class Invite:
    __tablename__ = "invites"
    id = Column(Integer, primary_key=True)
    token = Column(String(64), info={"v": ColumnVisibility.PRIVATE})
class NotMapped(Invite):
    extra = 1
""",
        [("invites", "id", "id", 11, False, True, False, ()),
         ("invites", "token", "token", 12, True, False, False, (PRIV,))],
        id="registry.mapped decorator",
    ),
    pytest.param(
        STYLE_HEAD + """\
@reg.mapped_as_dataclass
class Coupon:
    __tablename__ = "coupons"
    id: Mapped[int] = mapped_column(init=False, primary_key=True)
    code: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
    note: Mapped[Optional[str]] = mapped_column(default=None)
""",
        [("coupons", "id", "id", 11, False, True, False, ()),
         ("coupons", "code", "code", 12, False, False, False, (MASK,)),
         ("coupons", "note", "note", 13, True, False, False, ())],
        id="registry.mapped_as_dataclass decorator",
    ),
    pytest.param(
        STYLE_HEAD + """\
class Base(MappedAsDataclass, DeclarativeBase):
    pass
class Card(Base):
    __tablename__ = "cards"
    id: Mapped[int] = mapped_column(init=False, primary_key=True)
    pan: Mapped[str] = mapped_column(String(19), info={"v": ColumnVisibility.PRIVATE})
""",
        [("cards", "id", "id", 12, False, True, False, ()),
         ("cards", "pan", "pan", 13, False, False, False, (PRIV,))],
        id="MappedAsDataclass declarative base",
    ),
    pytest.param(
        STYLE_HEAD + """\
users = Table("users", reg.metadata, Column("id", Integer, primary_key=True),
              Column("email", String, info={"v": ColumnVisibility.MASKED}))
class User:
    pass
reg.map_imperatively(User, users)
""",
        [("users", "id", "", 8, False, True, False, ()),
         ("users", "email", "", 9, True, False, False, (MASK,))],
        id="imperative map_imperatively over a Core Table",
    ),
    pytest.param(
        STYLE_HEAD + """\
class Base(DeclarativeBase):
    pass
@dataclass
class Point:
    x: int
    y: Optional[int]
class Shape(Base):
    __tablename__ = "shapes"
    id: Mapped[int] = mapped_column(primary_key=True)
    start: Mapped[Point] = composite(mapped_column("x1"), mapped_column("y1"))
    mid: Mapped[Point] = composite(mapped_column(), mapped_column(
        info={"v": ColumnVisibility.PRIVATE}))
    end: Mapped[Point] = composite(Column("ex", Integer), mapped_column("ey", nullable=False))
""",
        [("shapes", "id", "id", 16, False, True, False, ()),
         ("shapes", "x1", "start", 17, False, False, False, ()),
         ("shapes", "y1", "start", 17, True, False, False, ()),
         ("shapes", "x", "mid", 18, False, False, False, ()),
         ("shapes", "y", "mid", 18, True, False, False, (PRIV,)),
         ("shapes", "ex", "end", 20, True, False, False, ()),
         ("shapes", "ey", "end", 20, False, False, False, ())],
        id="composite() columns: named, unnamed (the dataclass's fields), Column",
    ),
    pytest.param(
        STYLE_HEAD + """\
from sqlalchemy import ForeignKey, select
class Base(DeclarativeBase):
    pass
class Meter(Base):
    __tablename__ = "meters"
    id = Column(Integer, primary_key=True)
    unit = Column(String(16))
class Reading(Base):
    __tablename__ = "readings"
    id = Column(Integer, primary_key=True)
    meter_id = Column(Integer, ForeignKey("meters.id"))
    signature = Column(String(64), info={"v": ColumnVisibility.PRIVATE})
class ReadingView(Base):
    meters = Meter.__table__
    readings = Reading.__table__
    __table__ = (select(readings.c.id, readings.c.signature, meters.c.unit.label("meter_unit"))
                 .select_from(readings.join(meters, readings.c.meter_id == meters.c.id))
                 .alias("reading_view"))
""",
        [("meters", "id", "id", 13, False, True, False, ()),
         ("meters", "unit", "unit", 14, True, False, False, ()),
         ("readings", "id", "id", 17, False, True, False, ()),
         ("readings", "meter_id", "meter_id", 18, True, False, False, ()),
         ("readings", "signature", "signature", 19, True, False, False, (PRIV,))],
        id="a class mapped to select(...).select_from(...).alias() owns no column",
    ),
    pytest.param(
        STYLE_HEAD + """\
import sqlalchemy as sa
class Base(DeclarativeBase):
    pass
class Meter(Base):
    __tablename__ = "meters"
    id = Column(Integer, primary_key=True)
class Recent(Base):
    __table__ = sa.select(Meter.__table__).where(Meter.__table__.c.id > 10).subquery()
""",
        [("meters", "id", "id", 13, False, True, False, ())],
        id="a class mapped to sa.select(...).subquery() owns no column",
    ),
    pytest.param(
        STYLE_HEAD + """\
from sqlalchemy import ForeignKey, join
from sqlalchemy.orm import column_property
class Base(DeclarativeBase):
    pass
class Meter(Base):
    __tablename__ = "meters"
    id = Column(Integer, primary_key=True)
    unit = Column(String(16))
class Reading(Base):
    __tablename__ = "readings"
    id = Column(Integer, primary_key=True)
    meter_id = Column(Integer, ForeignKey("meters.id"))
class MeterReading(Base):
    meters = Meter.__table__
    readings = Reading.__table__
    __table__ = join(meters, readings)
    id = column_property(readings.c.id)
    meter_id = column_property(meters.c.id, readings.c.meter_id)
    unit = column_property(meters.c.unit)
""",
        [("meters", "id", "id", 14, False, True, False, ()),
         ("meters", "unit", "unit", 15, True, False, False, ()),
         ("readings", "id", "id", 18, False, True, False, ()),
         ("readings", "meter_id", "meter_id", 19, True, False, False, ())],
        id="a class mapped to join(a, b) with column_property()s owns no column",
    ),
    pytest.param(
        STYLE_HEAD + """\
from sqlalchemy import MetaData, select
class Base(DeclarativeBase):
    pass
def view(name, metadata, selectable):
    t = Table(name, MetaData())
    for c in selectable.c:
        t.append_column(Column(c.name, c.type, primary_key=c.primary_key))
    return t
class Meter(Base):
    __tablename__ = "meters"
    id = Column(Integer, primary_key=True)
    unit = Column(String(16))
class MeterView(Base):
    __table__ = view("meter_view", Base.metadata, select(Meter.id, Meter.unit).subquery())
""",
        [("meters", "id", "id", 18, False, True, False, ()),
         ("meters", "unit", "unit", 19, True, False, False, ())],
        id="a class mapped to the view a function copies from a select owns no column "
           "(c2corg_v6_api's sqa_view.view)",
    ),
    pytest.param(
        STYLE_HEAD + """\
from sqlalchemy import select
class Base(DeclarativeBase):
    pass
class Meter(Base):
    __tablename__ = "meters"
    id = Column(Integer, primary_key=True)
def _recent_meters():
    query = select(Meter.id).where(Meter.id > 10).alias("recent_meters")
    return query
class Recent(Base):
    __table__ = _recent_meters()
""",
        [("meters", "id", "id", 13, False, True, False, ())],
        id="a class mapped to what a function's select(...).alias() returns owns no column "
           "(storyboard's StorySummary)",
    ),
]


def _attr_rows(inventory: Inventory) -> list[Row]:
    return sorted(_rows(inventory), key=lambda r: (r[3], r[1]))


@pytest.mark.parametrize(("text", "expected"), STYLE_CASES)
def test_other_mapping_styles_read(text: str, expected: list[Row]) -> None:
    inventory = _scan({"app/models.py": text})
    assert inventory.errors == ()
    assert _attr_rows(inventory) == sorted(expected, key=lambda r: (r[3], r[1]))


@pytest.mark.slow
@pytest.mark.parametrize("text", _importable(STYLE_CASES))
def test_other_mapping_styles_match_sqlalchemy_metadata(text: str, tmp_path: Path) -> None:
    files = {"app/vis.py": VIS, "app/models.py": text}
    expected = _runtime_schema(tmp_path, files)
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


QUERY_ERRORS = [
    pytest.param(
        "from app.views import select\n", "select(Meter.__table__).alias()",
        id="a select() of the repository's own",
    ),
    pytest.param(
        "from app.views import build_view\n", "build_view(Meter.__table__).alias()",
        id="a chain rooted at another call",
    ),
    pytest.param(
        "from sqlalchemy import union\n", "union(Meter.__table__.select()).alias()",
        id="a SQLAlchemy query that is not select()",
    ),
]


@pytest.mark.parametrize(("imports", "query"), QUERY_ERRORS)
def test_a_class_mapped_to_a_query_other_than_sqlalchemys_select_blocks(imports: str,
                                                                         query: str) -> None:
    inventory = _scan({"app/models.py": STYLE_HEAD + imports + (
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "class Meter(Base):\n"
        "    __tablename__ = 'meters'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "class View(Base):\n"
        f"    __table__ = {query}\n"
    )})
    assert [c.column for c in inventory.columns] == ["id"]
    assert [(e.line, e.message) for e in inventory.errors] == [
        (15, 'View.__table__ is not a Table(...) call the reviewer can read; assign '
             'Table("name", metadata, Column(...), ...) directly'),
    ]


VIEW_ERRORS = [
    pytest.param("    t = Table(name, metadata)\n", "",
                 id="a table on the metadata it is given is created with the others"),
    pytest.param("    t = Table(name, MetaData())\n",
                 "    t.append_column(Column('secret', String))\n",
                 id="a column of its own beside the copies"),
    pytest.param("    t = Table(name, MetaData(), Column('secret', String))\n", "",
                 id="a column written in the Table(...)"),
    pytest.param("    t = Table(name, MetaData())\n",
                 "    def more(table):\n        return table\n",
                 id="a function of its own inside, which may run with anything"),
]


def _view_module(table: str = "    t = Table(name, MetaData())\n", extra: str = "",
                 later: str = "") -> str:
    """A models file with c2corg's Views recipe (its table line and what follows its loop
    given), then ``later`` (another def), and a class mapped on ``view(...)``."""
    return STYLE_HEAD + (
        "from sqlalchemy import MetaData, select\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "def view(name, metadata, selectable):\n"
        f"{table}"
        "    for c in selectable.c:\n"
        "        t.append_column(Column(c.name, c.type, primary_key=c.primary_key))\n"
        f"{extra}"
        "    return t\n"
        f"{later}"
        "class Meter(Base):\n"
        "    __tablename__ = 'meters'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "class MeterView(Base):\n"
        "    __table__ = view('meter_view', Base.metadata, select(Meter.id))\n"
    )


@pytest.mark.parametrize(("table", "extra"), VIEW_ERRORS)
def test_a_class_mapped_on_a_table_function_that_is_no_view_blocks(table: str,
                                                                     extra: str) -> None:
    inventory = _scan({"app/models.py": _view_module(table, extra)})
    assert [c.column for c in inventory.columns] == ["id"]
    assert ('MeterView.__table__ is not a Table(...) call the reviewer can read; assign '
            'Table("name", metadata, Column(...), ...) directly') in [
        e.message for e in inventory.errors]


def test_a_view_function_redefined_as_a_table_builder_is_read_as_the_later_def() -> None:
    """Python keeps the last def of a name: the class is mapped on what that one builds, and
    that one's own table is read, not skipped as the earlier view's (whose table, no view's
    any more, is read as well)."""
    inventory = _scan({"app/models.py": _view_module(later=(
        "def view(name, metadata, selectable):\n"
        "    return Table(name, metadata, Column('secret', String))\n"))})
    assert [(e.line, e.message.split(" ", 1)[0]) for e in inventory.errors] == [
        (12, "Table(...)"), (17, "Table(...)"), (22, "MeterView.__table__")]


def test_a_composite_column_without_a_readable_name_blocks() -> None:
    inventory = _scan({"app/models.py": STYLE_HEAD + (
        "from geo.types import Point\n"
        "class Base(DeclarativeBase):\n"
        "    pass\n"
        "class Shape(Base):\n"
        "    __tablename__ = 'shapes'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
        "    start: Mapped[Point] = composite(mapped_column(), mapped_column())\n"
    )})
    assert [(e.line, e.message[:59]) for e in inventory.errors] == [
        (14, "Shape.start: a column of this composite() has no name the r"),
    ]
    assert re.search(r"name it: mapped_column\(\"db_name\"\)$", inventory.errors[0].message)


# ----------------------------------------------------------------------------- column presets

PRESET_HEAD = """\
import functools
from functools import partial
from sqlalchemy import Column, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from app.vis import ColumnVisibility
class Base(DeclarativeBase):
    pass
"""

PRESET_CASES = [
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
def secret_column(*args, **kwargs):
    \"\"\"A credential: always labelled.\"\"\"
    return Column(*args, info={"v": ColumnVisibility.PRIVATE}, **kwargs)
class Account(Base):
    __tablename__ = "accounts"
    id = Column(Integer, primary_key=True)
    api_key = secret_column(String(64), nullable=False)
    webhook = secret_column("webhook_secret", Text, unique=True)
"""},
        [("accounts", "id", "id", 13, False, True, False, ()),
         ("accounts", "api_key", "api_key", 14, False, False, False, (PRIV,)),
         ("accounts", "webhook_secret", "webhook", 15, True, False, True, (PRIV,))],
        id="a factory function passing *args/**kwargs: inlined, its label counts",
    ),
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
from app.columns import MaskedText
Email = functools.partial(mapped_column, String(320), info={"v": ColumnVisibility.MASKED})
class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = Email(unique=True)
    notes: Mapped[str | None] = MaskedText()
""", "app/columns.py": """\
from functools import partial
from sqlalchemy import Text
from sqlalchemy.orm import mapped_column
from app.vis import ColumnVisibility
MASKED = {"v": ColumnVisibility.MASKED}
MaskedText = partial(mapped_column, Text, info=MASKED)
"""},
        [("contacts", "id", "id", 12, False, True, False, ()),
         ("contacts", "email", "email", 13, False, False, True, (MASK,)),
         ("contacts", "notes", "notes", 14, True, False, False, (MASK,))],
        id="functools.partial presets, here and imported, with a label through a constant",
    ),
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
from sqlalchemy import DateTime, ForeignKey
def created_column(*, timezone=True, doc="when the row was made"):
    return Column("created", DateTime(timezone=timezone), nullable=False, doc=doc)
def owner_column(fk_name):
    return Column("owner_id", Integer, ForeignKey("users.id", name=fk_name), nullable=False)
class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
class Note(Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
    created = created_column(timezone=False)
    owner = owner_column("fk_notes_owner")
"""},
        [("users", "id", "id", 15, False, True, False, ()),
         ("notes", "id", "id", 18, False, True, False, ()),
         ("notes", "created", "created", 19, False, False, False, ()),
         ("notes", "owner_id", "owner", 20, False, False, False, ())],
        id="presets whose parameters feed only a type, a foreign key's name or doc=: inlined",
    ),
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
from sqlalchemy import Boolean, ForeignKey
from sqlalchemy.orm import column_property
def col(*args, **kwargs):
    return column_property(Column(*args, **kwargs), active_history=True)
class User(Base):
    __tablename__ = "user"
    id = col(Integer, primary_key=True)
    is_blocked = col(Boolean, default=False, nullable=False)
    login = col("email", String(255), nullable=False, unique=True)
    mfa_key_base = col(String(255), unique=True, info={"v": ColumnVisibility.PRIVATE})
"""},
        [("user", "id", "id", 14, False, True, False, ()),
         ("user", "is_blocked", "is_blocked", 15, False, False, False, ()),
         ("user", "email", "login", 16, False, False, True, ()),
         ("user", "mfa_key_base", "mfa_key_base", 17, True, False, True, (PRIV,))],
        id="a preset returning column_property(Column(*args, **kwargs), ...): n6's col()",
    ),
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
import enum
from sqlalchemy import Enum
class FlowStatus(enum.Enum):
    PENDING = 1
def enum_column(name, enum_type, **kwargs):
    return mapped_column(name, Enum(enum_type, native_enum=False, length=16), **kwargs)
def named(name, **kw):
    return Column(name, String(4), info={"v": ColumnVisibility.PRIVATE}, **kw)
class Flow(Base):
    __tablename__ = "flows"
    id = Column(Integer, primary_key=True)
    status: Mapped[FlowStatus] = enum_column("Status", FlowStatus, server_default="PENDING")
    previous = enum_column(name="Previous", enum_type=FlowStatus, nullable=False)
    pin = named("pin_code", unique=True)
"""},
        [("flows", "id", "id", 18, False, True, False, ()),
         ("flows", "Status", "status", 19, False, False, False, ()),
         ("flows", "Previous", "previous", 20, False, False, False, ()),
         ("flows", "pin_code", "pin", 21, True, False, True, (PRIV,))],
        id="a preset naming its column by its first parameter takes each call's literal: "
           "DiracX's enum_column(name, enum_type, **kwargs)",
    ),
    pytest.param(
        {"app/models.py": PRESET_HEAD + """\
from typing import Any
from sqlalchemy import BigInteger, ForeignKey
def fk_id_column(target: str, **column_kwargs: Any):
    fk_kwargs = {k: column_kwargs.pop(k) for k in ("ondelete", "onupdate") if k in column_kwargs}
    return mapped_column(BigInteger, ForeignKey(target, **fk_kwargs), **column_kwargs)
def secret_id(**kw):
    vis: dict[str, Any] = {"v": ColumnVisibility.PRIVATE}
    return mapped_column(String(64), info=vis, **kw)
class Admin(Base):
    __tablename__ = "admins"
    id: Mapped[int] = mapped_column(primary_key=True)
class ApiKey(Base):
    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(primary_key=True)
    admin_id: Mapped[int | None] = fk_id_column("admins.id", ondelete="CASCADE")
    key: Mapped[str] = secret_id(unique=True)
"""},
        [("admins", "id", "id", 18, False, True, False, ()),
         ("api_keys", "id", "id", 21, False, True, False, ()),
         ("api_keys", "admin_id", "admin_id", 22, True, False, False, ()),
         ("api_keys", "key", "key", 23, False, False, True, (PRIV,))],
        id="a local the preset binds before its return is read where the return uses it: "
           "PasarGuard's fk_id_column, a label through a local",
    ),
]


@pytest.mark.parametrize(("files", "expected"), PRESET_CASES)
def test_column_presets_are_inlined(files: dict[str, str], expected: list[Row]) -> None:
    inventory = _scan(files)
    assert inventory.errors == ()
    assert _rows(inventory) == expected


@pytest.mark.slow
@pytest.mark.parametrize("files", [pytest.param(c.values[0], id=c.id) for c in PRESET_CASES])
def test_column_presets_match_sqlalchemy_metadata(files: dict[str, str], tmp_path: Path
                                                  ) -> None:
    expected = _runtime_schema(tmp_path, {"app/vis.py": VIS, **files})
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


@pytest.mark.parametrize(("preset", "call"), [
    pytest.param("def named(name, **kw):\n"
                 "    return Column(name + '_code', String(4), **kw)\n", "named('pin')",
                 id="the preset computes the name from its parameter"),
    pytest.param("def named(name, **kw):\n"
                 "    return Column(name, String(4), **kw)\n", "named(PREFIX + 'code')",
                 id="the call computes the name it gives the preset"),
    pytest.param("def named(label, **kw):\n"
                 "    return Column(label, String(4), key=label, **kw)\n", "named('pin_code')",
                 id="the parameter also gives the column's key"),
])
def test_a_preset_named_by_its_parameters_blocks_naming_the_fix(preset: str, call: str) -> None:
    inventory = _scan({"app/models.py": PRESET_HEAD + preset + (
        "PREFIX = 'pin_'\n"
        "class A(Base):\n"
        "    __tablename__ = 'a'\n"
        "    id = Column(Integer, primary_key=True)\n"
        f"    pin = {call}\n"
    )})
    (error,) = inventory.errors
    assert error.line == 14
    assert re.search(r"^A\.pin: cannot resolve named\(\.\.\.\) .*declare the column with "
                     r"mapped_column\(\.\.\.\) or Column\(\.\.\.\) in the class body",
                     error.message), error.message


@pytest.mark.parametrize(("preset", "why"), [
    pytest.param("def col(*args, **kwargs):\n"
                 "    return column_property(Column(String(8)), *args, **kwargs)\n",
                 "the caller's arguments reach column_property itself",
                 id="the caller's arguments given to the wrapper"),
    pytest.param("def col(*args, **kwargs):\n"
                 "    kwargs['info'] = {'v': ColumnVisibility.PRIVATE}\n"
                 "    return column_property(Column(*args, **kwargs))\n",
                 "keywords set before the return of a wrapped call are not read",
                 id="kwargs set for the wrapped call"),
    pytest.param("def col(name, *args, **kwargs):\n"
                 "    return column_property(Column(*args, **kwargs), doc=name)\n",
                 "the call's first positional argument is the parameter, not the column's name",
                 id="a positional parameter before *args"),
    pytest.param("def col(name, *args, **kwargs):\n"
                 "    return Column(*args, doc=name, **kwargs)\n",
                 "the call's first positional argument is the parameter, not the column's name",
                 id="a positional parameter before *args, no wrapper"),
])
def test_a_wrapped_preset_the_reader_cannot_follow_blocks(preset: str, why: str) -> None:
    inventory = _scan({"app/models.py": PRESET_HEAD + (
        "from sqlalchemy.orm import column_property\n" + preset +
        "class A(Base):\n"
        "    __tablename__ = 'a'\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    pin = col('pin_code', String(4))\n"
    )})
    assert [c.column for c in inventory.columns] == ["id"], why
    (error,) = inventory.errors
    assert re.search(r"^A\.pin: cannot resolve col\(\.\.\.\)", error.message), error.message


# Core tables given presets (osparc-simcore's models/_common.py): each call adds the column the
# preset returns; a call the reader cannot read as a column or a constraint blocks the table
CORE_PRESET_COMMON = """\
import sqlalchemy as sa
from app.vis import ColumnVisibility
def column_created(*, timezone=True, doc="Timestamp auto-generated upon creation"):
    return sa.Column("created", sa.DateTime(timezone=timezone), nullable=False,
                     server_default=sa.func.now(), doc=doc)
def secret_column(*args, **kwargs):
    return sa.Column(*args, info={"v": ColumnVisibility.PRIVATE}, **kwargs)
"""

CORE_PRESET_HEAD = """\
import sqlalchemy as sa
from app._common import column_created, secret_column
metadata = sa.MetaData()
def _user_id_column(fk_name):
    return sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name=fk_name),
                     nullable=False)
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""


def test_core_table_presets_are_inlined() -> None:
    inventory = _scan({"app/_common.py": CORE_PRESET_COMMON, "app/models.py": CORE_PRESET_HEAD + (
        "api_keys = sa.Table(\n"
        "    'api_keys', metadata,\n"
        "    sa.Column('id', sa.Integer, primary_key=True),\n"
        "    _user_id_column('fk_api_keys_user'),\n"
        "    secret_column('api_secret', sa.String(64)),\n"
        "    column_created(timezone=True),\n"
        "    sa.UniqueConstraint('user_id', name='uq_api_keys_user'),\n"
        "    sa.Index('ix_api_keys_created', 'created'),\n"
        ")\n"
    )})
    assert inventory.errors == ()
    assert [(c.table, c.column, c.line, c.nullable, c.labels, c.type)
            for c in inventory.columns] == [
        ("users", "id", 7, False, (), "sa.Integer"),
        ("api_keys", "id", 10, False, (), "sa.Integer"),
        ("api_keys", "user_id", 11, False, (), "sa.Integer"),
        ("api_keys", "api_secret", 12, True, (PRIV,), "sa.String(64)"),
        ("api_keys", "created", 13, False, (), "sa.DateTime(timezone=timezone)"),
    ]


@pytest.mark.slow
def test_core_table_presets_match_sqlalchemy_metadata(tmp_path: Path) -> None:
    files = {"app/vis.py": VIS, "app/__init__.py": "", "app/_common.py": CORE_PRESET_COMMON,
             "app/models.py": CORE_PRESET_HEAD + (
                 "api_keys = sa.Table('api_keys', metadata,\n"
                 "    sa.Column('id', sa.Integer, primary_key=True),\n"
                 "    _user_id_column('fk_api_keys_user'),\n"
                 "    secret_column('api_secret', sa.String(64)),\n"
                 "    column_created(timezone=True))\n")}
    expected = _runtime_schema(tmp_path, files)
    assert static_schema(build_inventory(WorktreeTree(tmp_path), Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


CORE_PRESET_ERRORS = [
    pytest.param(
        "def fk_column(name):\n"
        "    return sa.Column(name + '_id', sa.Integer)\n"
        "notes = sa.Table('notes', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 fk_column('owner'))\n",
        11, "Table('notes') is given fk_column(...) (fk_column() at app/models.py:8 names or "
        "labels the column from its parameters, so each call may add a different one)",
        id="a preset naming its column from a parameter",
    ),
    pytest.param(
        "from audit_columns import created_by\n"
        "notes = sa.Table('notes', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 created_by())\n",
        10, "Table('notes') is given created_by(...) (from the package 'audit_columns')",
        id="a function of a package the reader cannot see",
    ),
    pytest.param(
        "def fk_column(name):\n"
        "    full = name + '_id'\n"
        "    return sa.Column(full, sa.Integer)\n"
        "notes = sa.Table('notes', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 fk_column('owner'))\n",
        12, "Table('notes') is given fk_column(...) (fk_column() at app/models.py:8 names or "
        "labels the column from its parameters, so each call may add a different one)",
        id="a preset naming its column from a local computed from a parameter",
    ),
    pytest.param(
        "def audit_columns():\n"
        "    stamp = sa.DateTime()\n"
        "    stamp.timezone = True\n"
        "    return sa.Column('changed', stamp)\n"
        "notes = sa.Table('notes', metadata, sa.Column('id', sa.Integer, primary_key=True),\n"
        "                 audit_columns())\n",
        13, "Table('notes') is given audit_columns(...) (a function or object of the repository, "
        "not a class)",
        id="a function that does more than return the column",
    ),
]


@pytest.mark.parametrize(("tail", "line", "message"), CORE_PRESET_ERRORS)
def test_a_core_table_given_a_call_it_cannot_read_blocks(tail: str, line: int, message: str
                                                         ) -> None:
    inventory = _scan({"app/_common.py": CORE_PRESET_COMMON,
                       "app/models.py": CORE_PRESET_HEAD + tail})
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", line)
    assert error.message.startswith(message), error.message
    fix = ("pass Column(...) to Table(...) directly, or have the function only return "
           "Column(...) with a literal name")
    declare = (', or, if it adds none, declare it in [tool.masking-reviewer.external-bases]: '
               '"audit_columns.created_by" = { columns = [] }')
    assert error.message.endswith(fix + (declare if "package" in message else ""))
    assert [(c.table, c.column) for c in inventory.columns] == [("users", "id"), ("notes", "id")]


# A declared_attr returning cls.helper(): a classmethod (or staticmethod) of the same class body
# that only returns a column, called on the mapped class when SQLAlchemy maps it
# line 9 is the first after HELPER_HEAD
HELPER_HEAD = PRESET_HEAD + "from sqlalchemy.orm import declared_attr\n"

HELPER_CASES = [
    pytest.param(
        {"app/models.py": HELPER_HEAD + """\
class Audited(Base):
    __abstract__ = True
    @declared_attr
    def _created_by(cls):
        return cls._actor_column()
    @declared_attr
    def _updated_by(cls) -> Mapped[str | None]:
        return cls._actor_column()
    @classmethod
    def _actor_column(cls):
        \"\"\"Who acted: a user id, not a foreign key.\"\"\"
        return mapped_column(String, nullable=True, info={"v": ColumnVisibility.PRIVATE})
class Invoice(Audited):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
"""},
        [("invoices", "_created_by", "_created_by", 11, True, False, False, (PRIV,)),
         ("invoices", "_updated_by", "_updated_by", 14, True, False, False, (PRIV,)),
         ("invoices", "id", "id", 23, False, True, False, ())],
        id="a declared_attr returning a classmethod's column, on an abstract base",
    ),
    pytest.param(
        {"app/models.py": HELPER_HEAD + """\
class OwnedMixin:
    @staticmethod
    def _owner_column():
        return Column(String(36), nullable=False)
    @declared_attr
    def owner_id(cls):
        return cls._owner_column()
class Note(OwnedMixin, Base):
    __tablename__ = "notes"
    id = Column(Integer, primary_key=True)
"""},
        [("notes", "owner_id", "owner_id", 13, False, False, False, ()),
         ("notes", "id", "id", 18, False, True, False, ())],
        id="a mixin's declared_attr returning a staticmethod's column",
    ),
]


@pytest.mark.parametrize(("files", "expected"), HELPER_CASES)
def test_a_declared_attr_returning_a_helper_s_column_reads(files: dict[str, str],
                                                          expected: list[Row]) -> None:
    inventory = _scan(files)
    assert inventory.errors == ()
    assert sorted(_rows(inventory)) == sorted(expected)


@pytest.mark.slow
@pytest.mark.parametrize("files", [pytest.param(c.values[0], id=c.id) for c in HELPER_CASES])
def test_a_declared_attr_returning_a_helper_s_column_matches_sqlalchemy(
        files: dict[str, str], tmp_path: Path) -> None:
    expected = _runtime_schema(tmp_path, {"app/vis.py": VIS, **files})
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


_HELPER_MIXIN = """\
class Audited:
    @declared_attr
    def actor(cls):
        return cls._actor_column()
    @classmethod
    def _actor_column(cls):
        return mapped_column(String, nullable=True)
"""

HELPER_ERRORS = [
    pytest.param(
        HELPER_HEAD + _HELPER_MIXIN + """\
class Invoice(Audited, Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    @classmethod
    def _actor_column(cls):
        return mapped_column(String(64), info={"v": ColumnVisibility.PRIVATE})
""",
        [(10, r"^Audited\.actor: the declared_attr returns cls\._actor_column\(\), which "
              r"Invoice \(app/models\.py:16\) binds again, so the column Invoice gets is not "
              r"the one masking-reviewer reads, and a labelled one would pass unchecked; "
              r"declare the column")],
        id="a mapped class overriding the helper blocks",
    ),
    pytest.param(
        HELPER_HEAD + """\
class Audited:
    @declared_attr
    def actor(cls):
        return cls._actor_column("users.id")
    @classmethod
    def _actor_column(cls, target):
        return mapped_column(String, info={"v": ColumnVisibility.PRIVATE})
class Invoice(Audited, Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        [(10, r"^Audited\.actor: cannot resolve cls\._actor_column\(\.\.\.\) ")],
        id="a helper given arguments is not read and blocks",
    ),
    pytest.param(
        HELPER_HEAD + """\
class Audited:
    @declared_attr
    def actor(cls):
        return cls._actor_column()
    @classmethod
    def _actor_column(cls):
        return mapped_column(String, doc=cls.__name__)
class Invoice(Audited, Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
""",
        [(10, r"^Audited\.actor: cannot resolve cls\._actor_column\(\.\.\.\) ")],
        id="a helper whose column reads cls is not read and blocks",
    ),
    pytest.param(
        HELPER_HEAD + """\
class Audited:
    @declared_attr
    def actor(cls):
        return cls._actor_column()
class Invoice(Audited, Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    @classmethod
    def _actor_column(cls):
        return mapped_column(String, info={"v": ColumnVisibility.PRIVATE})
""",
        [(10, r"^Audited\.actor: cannot resolve cls\._actor_column\(\.\.\.\) ")],
        id="a helper defined only in a subclass is not read and blocks",
    ),
]


@pytest.mark.parametrize(("text", "expected"), HELPER_ERRORS)
def test_a_declared_attr_helper_that_cannot_be_read_blocks(
        text: str, expected: list[tuple[int, str]]) -> None:
    inventory = _scan({"app/models.py": text})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", n)
                                                           for n, _ in expected]
    for error, (_, pattern) in zip(inventory.errors, expected, strict=True):
        assert re.search(pattern, error.message), error.message


# ------------------------------------------------------ hooks that build tables at mapping time

# SQLAlchemy's versioned-rows recipe (examples/versioned_history) in the shapes it was copied
# into applications: a mixin whose mapping-time hook copies every column of the table into a
# <table>_history table. Written for SQLAlchemy 2 (Mapper, Column copies), so it also runs.
HISTORY_HELPER = """\
from sqlalchemy import Column, Integer, Table
from sqlalchemy.orm import Mapper, declared_attr


def _history_mapper(local_mapper):
    table = local_mapper.local_table
    cols = [Column(c.name, c.type, info=dict(c.info)) for c in table.c]
    cols.append(Column("version", Integer, primary_key=True))
    Table(table.name + "_history", table.metadata, *cols)
"""
MAPPER_CLS = HISTORY_HELPER + """

class Versioned:
    @declared_attr
    def __mapper_cls__(cls):
        def map(cls, *arg, **kw):
            mp = Mapper(cls, *arg, **kw)
            _history_mapper(mp)
            return mp
        return map
"""
HOOK_MODELS = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base
from app.history import Versioned
from app.vis import ColumnVisibility
BASE = declarative_base()
class Usage(BASE, Versioned):
    __tablename__ = "usage"
    id = Column(Integer, primary_key=True)
    secret = Column(String(50), info={"visibility": ColumnVisibility.PRIVATE})
class Config(Versioned, BASE):
    __tablename__ = "configs"
    key = Column(String(50), primary_key=True)
    value = Column(String(50))
class Plain(BASE):
    __tablename__ = "plain"
    id = Column(Integer, primary_key=True)
"""
_HOOK_TAIL = (r" while SQLAlchemy maps the class, so the tables it makes are not in the source "
              r"\(the versioned-rows recipe makes a <table>_history copy of every column\) and "
              r"a labelled column copied into one would pass unchecked; masking-reviewer never "
              r"runs that code\. Declare each table it makes as a mapped class or Table\(\.\.\.\) "
              r"in the models, and have the hook use it instead of building it; or, when it "
              r"is that recipe, declare the class in \[tool\.masking-reviewer\.external-bases\]: "
              r'"history\.Versioned" = \{ kind = "history", columns = \[\] \}, and the '
              r"reviewer adds each <table>_history copy itself \(every column, plus version "
              r"and changed\)$")


def _hook(cls: str, hook: str, line: int, what: str) -> str:
    return (rf"^class {cls}: Versioned\.{hook} \(app/history\.py:{line}\) builds {what}"
            + _HOOK_TAIL)


HOOK_ERRORS = [
    pytest.param(
        MAPPER_CLS, HOOK_MODELS,
        [(6, _hook("Usage", "__mapper_cls__", 13,
                   r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)")),
         (10, _hook("Config", "__mapper_cls__", 13,
                    r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)"))],
        id="__mapper_cls__ declared_attr (the recipe before 1.4): every class on the mixin",
    ),
    pytest.param(
        HISTORY_HELPER + """

def versioned_mapper(cls, *arg, **kw):
    mp = Mapper(cls, *arg, **kw)
    _history_mapper(mp)
    return mp


class Versioned:
    __mapper_cls__ = versioned_mapper
""",
        HOOK_MODELS,
        [(6, _hook("Usage", "__mapper_cls__", 19,
                   r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)")),
         (10, _hook("Config", "__mapper_cls__", 19,
                    r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)"))],
        id="__mapper_cls__ bound to a module-level function",
    ),
    pytest.param(
        HISTORY_HELPER + """

def _versioned(mapper):
    return _history_mapper(mapper)


class Versioned:
    @classmethod
    def __declare_first__(cls):
        _versioned(cls.__mapper__)
""",
        HOOK_MODELS,
        [(6, _hook("Usage", "__declare_first__", 17,
                   r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)")),
         (10, _hook("Config", "__declare_first__", 17,
                    r"Table\(\.\.\.\) at line 9, in _history_mapper\(\)"))],
        id="__declare_first__ through two module functions",
    ),
    pytest.param(
        """\
from sqlalchemy import event


class Versioned:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)

        @event.listens_for(cls, "after_mapper_constructed")
        def _made(mapper, class_):
            table = mapper.local_table
            table.to_metadata(table.metadata, name=table.name + "_history")
""",
        HOOK_MODELS,
        [(6, _hook("Usage", "__init_subclass__", 5, r"table\.to_metadata\(\.\.\.\) at line 11")),
         (10, _hook("Config", "__init_subclass__", 5,
                    r"table\.to_metadata\(\.\.\.\) at line 11"))],
        id="__init_subclass__ with to_metadata (the recipe today)",
    ),
    pytest.param(
        """\
import sqlalchemy as sa
from sqlalchemy import event


class Versioned:
    def __init_subclass__(cls) -> None:
        event.listen(cls, "mapper_configured", cls.__mapper_configured)

    @classmethod
    def __mapper_configured(cls, mapper, target):
        cls.__setup_metadata()

    @classmethod
    def __setup_metadata(cls):
        cls.htab = sa.Table(
            f"{cls.__tablename__}_ht", cls.metadata,
            *(sa.Column(c.name, c.type) for c in cls.__table__.columns))
""",
        HOOK_MODELS,
        [(6, _hook("Usage", "__init_subclass__", 6, r"sa\.Table\(\.\.\.\) at line 15")),
         (10, _hook("Config", "__init_subclass__", 6, r"sa\.Table\(\.\.\.\) at line 15"))],
        id="__init_subclass__ handing SQLAlchemy a method of the class that calls another "
           "(NextGIS Web's versioning tables)",
    ),
]


@pytest.mark.parametrize(("history", "models", "expected"), HOOK_ERRORS)
def test_a_hook_that_builds_tables_at_mapping_time_blocks_every_class_it_runs_for(
    history: str, models: str, expected: list[tuple[int, str]]
) -> None:
    inventory = _scan({"app/history.py": history, "app/models.py": models})
    assert [(e.path, e.line) for e in inventory.errors] == [
        ("app/models.py", line) for line, _ in expected]
    for error, (_line, message) in zip(inventory.errors, expected, strict=True):
        assert re.search(message, error.message), error.message
    # the tables the classes declare are still read, with their labels
    assert sorted((c.table, c.column, c.labels) for c in inventory.columns) == [
        ("configs", "key", ()), ("configs", "value", ()), ("plain", "id", ()),
        ("usage", "id", ()), ("usage", "secret", (PRIV,))]


def test_the_entry_the_hook_error_prints_reads_the_history_tables() -> None:
    """A user who pastes the printed entry gets every <table>_history copy read, the labelled
    secret's copy with its label, and the errors gone (notifications-api's recipe, 2026-12)."""
    files = {"app/history.py": MAPPER_CLS, "app/models.py": HOOK_MODELS}
    errors = _scan(files).errors
    entries = {m.group(1) for e in errors
               if (m := re.search(r'external-bases\]: (".*?\}), and', e.message))}
    assert entries == {'"history.Versioned" = { kind = "history", columns = [] }'}
    tree = MemoryTree({"app/vis.py": VIS, **files,
                       ".masking-reviewer.toml": "[external-bases]\n" + entries.pop() + "\n"})
    inventory = build_inventory(tree, load_config("/repo", tree), use_cache=False)
    assert inventory.errors == ()
    assert sorted((c.table, c.column, c.labels) for c in inventory.columns
                  if c.table.endswith("_history")) == [
        ("configs_history", "changed", ()), ("configs_history", "key", ()),
        ("configs_history", "value", ()), ("configs_history", "version", ()),
        ("usage_history", "changed", ()), ("usage_history", "id", ()),
        ("usage_history", "secret", (PRIV,)), ("usage_history", "version", ())]


# bcgov's lear keeps a work-alike of SQLAlchemy-Continuum in its own repository
# (python/common/sql-versioning-alt): its Versioned's hooks build the <table>_version class of
# each __versioned__ model, the copies the reviewer builds itself from __versioned__
CONTINUUM_ALIKE = """\
from sqlalchemy import BigInteger, Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class Versioned:
    @classmethod
    def __declare_first__(cls):
        attrs = {
            "__tablename__": f"{cls.__tablename__}_version",
            "transaction_id": Column(BigInteger, primary_key=True, nullable=False),
        }
        cls._pending_version_attrs = attrs  # mapped later, by a function of the module

    @classmethod
    def __declare_last__(cls):
        cls._pending_version_columns = [Column(c.name, c.type) for c in cls.__table__.c]
"""
CONTINUUM_MODELS = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import declarative_base
from app.versioning import Versioned
from app.vis import ColumnVisibility
Base = declarative_base()
class Party(Versioned, Base):
    __tablename__ = "parties"
    __versioned__ = {}
    id = Column(Integer, primary_key=True)
    email = Column(String(254), info={"visibility": ColumnVisibility.PRIVATE})
"""


def test_a_continuum_work_alike_hook_is_told_how_to_declare_it_and_then_reads() -> None:
    files = {"app/versioning.py": CONTINUUM_ALIKE, "app/models.py": CONTINUUM_MODELS}
    errors = _scan(files).errors
    # one error for the class, naming both hooks of the one class that owns them
    assert [(e.path, e.line) for e in errors] == [("app/models.py", 6)]
    assert errors[0].message.startswith(
        "class Party: Versioned.__declare_first__ (app/versioning.py:8) builds Column(...) "
        "at line 12, and Versioned.__declare_last__ (app/versioning.py:16) builds Column(...) "
        "at line 18, while SQLAlchemy maps the class, so the tables it makes are not in the "
        "source"), errors[0].message
    entry = '"versioning.Versioned" = { columns = [] }'
    assert errors[0].message.endswith(
        "; or, when the hook builds the <table>_version copies of this __versioned__ class "
        "that SQLAlchemy-Continuum would (which the reviewer builds itself), declare the "
        f"class in [tool.masking-reviewer.external-bases]: {entry}")
    tree = MemoryTree({"app/vis.py": VIS, **files,
                       ".masking-reviewer.toml": "[external-bases]\n" + entry + "\n"})
    inventory = build_inventory(tree, load_config("/repo", tree), use_cache=False)
    assert inventory.errors == ()
    assert ("parties_version", "email", (PRIV,)) in [
        (c.table, c.column, c.labels) for c in inventory.columns]


HARMLESS_HOOKS = [
    pytest.param("""\
import sqlalchemy
from sqlalchemy import Column, String
from sqlalchemy.orm import declared_attr


def _journal(target, value):
    table = target.__table__
    sqlalchemy.Table(table.name + "_journal", table.metadata, *table.c)


class Versioned:
    @declared_attr
    def label(cls):
        return Column(String(80))

    @classmethod
    def __declare_last__(cls):
        sqlalchemy.event.listen(cls.secret, "set", cls._lower, retval=True)
        sqlalchemy.event.listen(cls.label, "set", cls._lower, retval=True)

    @staticmethod
    def _lower(target, value, *_):
        _journal(target, value)
        return value.lower()
""", id="__declare_last__ that registers a listener, on a declared_attr column too: what the "
        "listener does runs on a write, not while mapping (mailu's, kotti's)"),
    pytest.param("""\
from sqlalchemy import Table, event

REGISTRY = []


def Table_names():
    return [Table("x", None)]


def listen(*args):
    return Table("y", None)


class Versioned:
    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        REGISTRY.append(cls)
        event.listen(cls, "load", print)
""", id="__init_subclass__ that registers; a module function named like a method it calls"),
    pytest.param("""\
from app.naming import prefixed


class Versioned:
    def __init_subclass__(cls, **kw):
        cls.__table_prefix__ = prefixed("audit")
        super().__init_subclass__(**kw)
""", id="__init_subclass__ calling a string helper of another module"),
    pytest.param(MAPPER_CLS.replace("class Versioned:", "class Base_:") + """

class Versioned(Base_):
    __mapper_cls__ = None
""", id="a subclass rebinding the hook: the first class to bind it wins"),
]


@pytest.mark.parametrize("history", HARMLESS_HOOKS)
def test_hooks_that_build_no_table_pass(history: str) -> None:
    inventory = _scan({"app/history.py": history, "app/models.py": HOOK_MODELS,
                       "app/naming.py": "def prefixed(name):\n    return 'app_' + name\n"})
    assert inventory.errors == ()
    assert {c.table for c in inventory.columns} == {"usage", "configs", "plain"}


@pytest.mark.slow
def test_the_blocked_hook_is_the_only_gap_against_sqlalchemy_metadata(tmp_path: Path) -> None:
    """Under real SQLAlchemy the recipe makes usage_history and configs_history, copying the
    labelled secret: the reader has every other table exactly, and blocks on the classes."""
    files = {"app/__init__.py": "", "app/vis.py": VIS, "app/history.py": MAPPER_CLS,
             "app/models.py": HOOK_MODELS}
    runtime = _runtime_schema(tmp_path, files)
    assert isinstance(runtime, dict)
    assert runtime["usage_history"]["secret"]["labels"] == [PRIV]
    inventory = build_inventory(WorktreeTree(tmp_path), Config(root=str(tmp_path)),
                                use_cache=False)
    static = static_schema(inventory)
    assert static == {t: c for t, c in runtime.items() if not t.endswith("_history")}
    assert sorted(runtime) == sorted([*static, "usage_history", "configs_history"])
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", 6),
                                                            ("app/models.py", 10)]


def test_a_hook_that_calls_a_helper_of_another_module_blocks_naming_it() -> None:
    """The scanner follows functions of the hook's own file; one imported from another file of
    the repository may build tables too, so it blocks, naming the function and its file."""
    inventory = _scan({
        "app/helpers.py": HISTORY_HELPER,
        "app/history.py": "from app.helpers import _history_mapper\n"
                          "from sqlalchemy import event\n"
                          "class Versioned:\n"
                          "    @classmethod\n"
                          "    def __declare_first__(cls):\n"
                          "        event.listen(cls, 'load', print)\n"
                          "        _history_mapper(cls.__mapper__)\n",
        "app/models.py": HOOK_MODELS,
    })
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", 6),
                                                            ("app/models.py", 10)]
    assert re.search(r"^class Usage: Versioned\.__declare_first__ \(app/history\.py:4\) calls "
                     r"_history_mapper\(\) of app/helpers\.py, which may build tables, while "
                     r"SQLAlchemy maps the class, so the tables it makes are not in the source",
                     inventory.errors[0].message), inventory.errors[0].message


# ----------------------------------------------------------------------------- __init_subclass__
# A base whose __init_subclass__ assigns cls.__tablename__ renames every subclass's table before
# SQLAlchemy reads it (bitcart's plugin tables: "plugin_" + TABLE_PREFIX + "_" + the name).

RENAME_HEAD = """\
from typing import Any
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from app.vis import ColumnVisibility
class Base(DeclarativeBase):
    pass
class Model(Base):
    __abstract__ = True
    def __init_subclass__(cls, **kwargs: Any) -> None:
        if hasattr(cls, "__tablename__"):
{rename}
        super().__init_subclass__(**kwargs)
"""
PREFIXED = (
    '            if hasattr(cls, "TABLE_PREFIX"):\n'
    '                cls.__tablename__ = f"plugin_{cls.TABLE_PREFIX}_{cls.__tablename__}"'
)

RENAME_CASES = [
    pytest.param(
        RENAME_HEAD.format(rename=PREFIXED) + """\
class Wallet(Model):
    __tablename__ = "wallets"
    id = Column(Integer, primary_key=True)
class PluginModel(Model):
    __abstract__ = True
    TABLE_PREFIX = "shop"
class Order(PluginModel):
    __tablename__ = "orders"
    id = Column(Integer, primary_key=True)
    card = Column(String, info={"v": ColumnVisibility.PRIVATE})
""",
        [("wallets", "id", "id", 16, False, True, False, ()),
         ("plugin_shop_orders", "id", "id", 22, False, True, False, ()),
         ("plugin_shop_orders", "card", "card", 23, True, False, False, (PRIV,))],
        id="hasattr(cls, 'TABLE_PREFIX'): only the classes that have one are renamed",
    ),
    pytest.param(
        RENAME_HEAD.format(rename='            cls.__tablename__ = "app_" + cls.__tablename__')
        + """\
class Token(Model):
    __tablename__ = "tokens"
    secret = Column(String, primary_key=True)
""",
        [("app_tokens", "secret", "secret", 15, False, True, False, ())],
        id="an unconditional rename (under hasattr(cls, '__tablename__'))",
    ),
    pytest.param(
        RENAME_HEAD.format(rename=PREFIXED) + """\
from sqlalchemy import Table
class Tagged(Model):
    __table__ = Table("tagged", Base.metadata, Column("id", Integer, primary_key=True))
    TABLE_PREFIX = "x"
""",
        [("tagged", "id", "id", 16, False, True, False, ())],
        id="__table__ is mapped as it is: the rename has no effect",
    ),
]


@pytest.mark.parametrize(("text", "expected"), RENAME_CASES)
def test_init_subclass_renames_the_table(text: str, expected: list[Row]) -> None:
    inventory = _scan({"app/models.py": text})
    assert inventory.errors == ()
    assert _rows(inventory) == expected


@pytest.mark.slow
@pytest.mark.parametrize("text", _importable(RENAME_CASES))
def test_init_subclass_rename_matches_sqlalchemy_metadata(text: str, tmp_path: Path) -> None:
    files = {"app/vis.py": VIS, "app/models.py": text}
    expected = _runtime_schema(tmp_path, files)
    tree = WorktreeTree(tmp_path)
    assert static_schema(build_inventory(tree, Config(root=str(tmp_path)),
                                         use_cache=False)) == expected


RENAME_FIX = (r", so the table its columns are in cannot be told; assign the final name as this "
              r"class's __tablename__ and drop the rename, or make it a plain `if hasattr\(cls, "
              r"\"NAME\"\):` test and an f-string of cls.__tablename__ and class attributes$")
RENAME_ERRORS = [
    pytest.param(
        RENAME_HEAD.format(rename='            if cls.__name__.startswith("P"):\n'
                                  '                cls.__tablename__ = "p_" + cls.__tablename__')
        + 'class Payment(Model):\n    __tablename__ = "payments"\n'
          '    id = Column(Integer, primary_key=True)\n',
        14, r"^class Payment: its table name \(payments\) is set again by Model\.__init_subclass__ "
            r"\(app/models\.py:12\) under a condition masking-reviewer cannot evaluate \(it reads "
            r"`if hasattr\(cls, \"NAME\"\):`\)" + RENAME_FIX,
        id="any other condition blocks",
    ),
    pytest.param(
        RENAME_HEAD.format(rename="            cls.__tablename__ = naming.table_for(cls)")
        + 'class Payment(Model):\n    __tablename__ = "payments"\n'
          '    id = Column(Integer, primary_key=True)\n',
        13, r"^class Payment: its table name \(payments\) is set again by Model\.__init_subclass__ "
            r"\(app/models\.py:11\) to a value masking-reviewer cannot evaluate" + RENAME_FIX,
        id="a value it cannot evaluate blocks",
    ),
    pytest.param(
        RENAME_HEAD.format(rename="            for suffix in ('_a', '_b'):\n"
                                  "                cls.__tablename__ += suffix")
        + 'class Payment(Model):\n    __tablename__ = "payments"\n'
          '    id = Column(Integer, primary_key=True)\n',
        14, r"^class Payment: its table name \(payments\) is set again by Model\.__init_subclass__ "
            r"\(app/models\.py:12\) under a condition masking-reviewer cannot evaluate",
        id="a rename in a loop blocks",
    ),
    pytest.param(
        RENAME_HEAD.format(rename=PREFIXED)
        + 'class Order(Model):\n    __tablename__ = "orders"\n    TABLE_PREFIX = "shop"\n'
          '    id = Column(Integer, primary_key=True)\n    kind = Column(String)\n'
          '    __mapper_args__ = {"polymorphic_on": kind}\n'
          'class Refund(Order):\n    amount = Column(Integer)\n',
        20, r"^class Refund: its table name \(plugin_shop_orders\) is set again by "
            r"Model\.__init_subclass__ \(app/models\.py:12\) although it shares the table of "
            r"Order \(single-table inheritance\)" + RENAME_FIX,
        id="a single-table subclass it would rename blocks",
    ),
]


@pytest.mark.parametrize(("text", "line", "message"), RENAME_ERRORS)
def test_an_init_subclass_rename_that_cannot_be_told_blocks(text: str, line: int,
                                                            message: str) -> None:
    inventory = _scan({"app/models.py": text})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)]
    assert re.search(message, inventory.errors[0].message), inventory.errors[0].message


UNMAPPED_FIX = (r"declares a table but is not mapped in a way masking-reviewer can read \(a "
                r"declarative base, @registry\.mapped, SQLModel with table=True\), so its columns "
                r"cannot be checked; derive it from your DeclarativeBase, or leave the file out "
                r"of `models` knowingly$")
UNMAPPED_HEAD = ("from sqlalchemy import Column, Integer, Table, MetaData\n"
                 "from sqlalchemy.orm import Mapped\n")


def test_a_base_bound_to_none_and_rebound_at_run_time_blocks() -> None:
    """docassemble 2017-2022: db_object.py binds `db = None` and init_flask() rebinds it
    (`global db`); the models derive from db.Model under a computed table name. Read as a
    plain class, they passed with no column read."""
    inventory = _scan({
        "app/db_object.py": ("from flask_sqlalchemy import SQLAlchemy\ndb = None\n\n"
                             "def init_flask():\n    global db\n    db = SQLAlchemy()\n"
                             "    return db\n"),
        "app/models.py": ("from app.db_object import db\ndbtableprefix = ''\n"
                          "class UserModel(db.Model):\n"
                          "    __tablename__ = dbtableprefix + 'user'\n"
                          "    password = db.Column(db.String(255))\n"),
    })
    assert inventory.columns == ()
    assert [(e.path, e.line, e.message) for e in inventory.errors] == [(
        "app/models.py", 3,
        "class UserModel: base class 'db.Model' is an attribute of 'db', which its module binds "
        "to None, so the code must rebind it when it runs (a function's `global db`, say), and "
        "which class it is, and its columns, cannot be read; bind the base at module level "
        "(`db = SQLAlchemy()`, `Base = declarative_base()`), or declare it in "
        "[tool.masking-reviewer.external-bases]")]


def test_a_base_bound_to_none_and_rebound_by_a_module_level_call_is_read() -> None:
    """FlexMeasures' data/config.py binds `db = None` and `Base = None`, then calls init_db()
    at module level, whose `global db, Base` rebinds them while the module is imported: the
    models derive from db.Model and Base and were unread (22 MR007). A function the module
    defines but does not call still leaves them unread (the test above)."""
    inventory = _scan({
        "app/config.py": ("from flask_sqlalchemy import SQLAlchemy\n"
                          "from sqlalchemy.orm import declarative_base\n"
                          "db = None\nBase = None\n\n"
                          "def init_db():\n    global db, Base\n"
                          "    db = SQLAlchemy()\n"
                          "    Base = declarative_base(metadata=db.metadata)\n\n"
                          "init_db()\n"),
        "app/models.py": ("from sqlalchemy import Column, Integer, String\n"
                          "from app.config import db, Base\n"
                          "class User(db.Model):\n"
                          "    __tablename__ = 'fm_user'\n"
                          "    tf_totp_secret = db.Column(db.String(255))\n"
                          "class Asset(Base):\n"
                          "    __tablename__ = 'asset'\n"
                          "    id = Column(Integer, primary_key=True)\n"),
    })
    assert inventory.errors == ()
    assert [(c.table, c.column, c.line) for c in inventory.columns] == [
        ("fm_user", "tf_totp_secret", 5), ("asset", "id", 8)]


ASSEMBL_SQLA = (
    "from sqlalchemy.orm import declarative_base\n"
    "Base = TimestampedBase = None\n\n"
    "def declarative_bases(metadata):\n"
    "    return (declarative_base(metadata=metadata), declarative_base(metadata=metadata))\n\n"
    "def configure_engine(metadata):\n"
    "    global Base, TimestampedBase\n"
    "    Base, TimestampedBase = declarative_bases(metadata)\n")
ASSEMBL_MODELS = ("from sqlalchemy import Column, Integer, LargeBinary\n"
                  "from app.lib.sqla import Base\n\n"
                  "class User(Base):\n"
                  "    __tablename__ = 'user'\n"
                  "    id = Column(Integer, primary_key=True)\n"
                  "    password = Column(LargeBinary(115))\n")


def test_a_bare_base_bound_to_none_names_the_entry_that_reads_it() -> None:
    """Assembl: lib/sqla.py binds `Base = TimestampedBase = None` and configure_engine()
    rebinds both (`global Base`). The error said the base could not be found in the
    repository; it now says what binds it, and the printed entry, pasted, reads the models."""
    files = {"app/lib/__init__.py": "", "app/lib/sqla.py": ASSEMBL_SQLA,
             "app/models.py": ASSEMBL_MODELS}
    inventory = _scan(files)
    assert inventory.columns == ()
    assert [(e.path, e.line, e.message) for e in inventory.errors] == [(
        "app/models.py", 4,
        "class User: base class 'Base' is bound to None by the module that defines it, so the "
        "code must rebind it when it runs (a function's `global Base`, say), and which class "
        "it is, and its columns, cannot be read; bind the base at module level (`Base = "
        "declarative_base()`), or declare it in external-bases: \"app.lib.sqla.Base\" = { kind = "
        "\"declarative-base\", columns = [] } when it adds no column")]
    entry = re.search(r'external-bases: (".*?\}) when', inventory.errors[0].message)
    assert entry is not None
    tree = MemoryTree({"app/vis.py": VIS, **files,
                       ".masking-reviewer.toml": "[external-bases]\n" + entry.group(1) + "\n"})
    declared = build_inventory(tree, load_config("/repo", tree), use_cache=False)
    assert declared.errors == ()
    assert [(c.table, c.column) for c in declared.columns] == [("user", "id"),
                                                                ("user", "password")]


@pytest.mark.parametrize(("body", "errors"), [
    pytest.param(
        # Kallithea's model of a dropped table, kept by name only
        "class Notification(object):\n    __tablename__ = 'notifications'\n",
        [], id="a plain class holding only a table name: nothing to check, no finding"),
    pytest.param(
        "class Notification(object):\n    __tablename__ = 'notifications'\n"
        "    def __repr__(self):\n        return 'n'\n",
        [], id="a table name and methods: no finding"),
    pytest.param(
        "class Notification(object):\n    __tablename__ = 'notifications'\n"
        "    id = Column(Integer, primary_key=True)\n",
        [(3, r"^class Notification " + UNMAPPED_FIX)], id="a table name and a column blocks"),
    pytest.param(
        "class Notification:\n    __tablename__ = 'notifications'\n    id: Mapped[int]\n",
        [(3, r"^class Notification " + UNMAPPED_FIX)],
        id="a table name and a Mapped annotation blocks"),
    pytest.param(
        "class Stamped:\n    created = Column(Integer)\n"
        "class Notification(Stamped):\n    __tablename__ = 'notifications'\n",
        [(5, r"^class Notification " + UNMAPPED_FIX)],
        id="a table name over a mixin with a column blocks"),
    pytest.param(
        "class Notification:\n    __table__ = Table('notifications', MetaData())\n",
        [(3, r"^class Notification " + UNMAPPED_FIX)], id="a __table__ blocks"),
])
def test_an_unmapped_class_with_a_table_blocks_only_when_it_declares_columns(
        body: str, errors: list[tuple[int, str]]) -> None:
    inventory = _scan({"app/models.py": UNMAPPED_HEAD + body})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)
                                                            for line, _ in errors]
    for error, (_, message) in zip(inventory.errors, errors, strict=True):
        assert re.search(message, error.message), error.message

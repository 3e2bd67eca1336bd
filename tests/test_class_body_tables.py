"""Core tables the reader reads wherever SQLAlchemy builds them: a ``Table(...)`` bound in a
class body (mapped or not: buildbot's ``class Model: metadata = MetaData(); users =
Table("users", metadata, ...)``), and a repository function passing its arguments through to
``sa.Table(*args, **kwargs)`` (buildbot's ``sautils.Table``, which only sets a MySQL option).
What the reader cannot follow blocks at its line, naming the construct; a differential test
imports the readable ones with real SQLAlchemy and compares.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree, WorktreeTree
from reviewer.types import Config, Inventory
from tests.test_inventory_differential import static_schema
from tests.test_mapping_styles import _runtime_schema
from tests.test_scanner import PRIV, VIS, assert_errors

HEAD = """\
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase
from app.vis import ColumnVisibility
from app.util import tables
"""  # line 5 is the first after it

# A wrapper such as buildbot's: a dialect option set, the arguments passed through
WRAPPER = """\
import sqlalchemy as sa


def Table(*args, **kwargs):
    \"\"\"Add the MySQL character set to every table.\"\"\"
    kwargs["mysql_character_set"] = "utf8"
    return sa.Table(*args, **kwargs)


def make_table(*args, **kwargs):
    return sa.Table(*args, **kwargs)
"""

# (table, column, line, nullable, primary_key, labels)
Row = tuple[str, str, int, bool, bool, tuple[str, ...]]


def _files(models: str, wrapper: str = WRAPPER) -> dict[str, str]:
    return {"app/vis.py": VIS, "app/util/tables.py": wrapper, "app/models.py": models}


def _scan(files: dict[str, str]) -> Inventory:
    config = Config(root="/repo", models=("app/models.py",))
    return build_inventory(MemoryTree(files), config, use_cache=False)


def _rows(inventory: Inventory) -> list[Row]:
    return sorted((c.table, c.column, c.line, c.nullable, c.primary_key, c.labels)
                  for c in inventory.columns)


READ_CASES = [
    pytest.param(
        HEAD + """\
class Model:
    metadata = sa.MetaData()
    users = sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(80), info={"v": ColumnVisibility.PRIVATE}),
    )
""",
        [("users", "email", 11, True, False, (PRIV,)), ("users", "id", 10, False, True, ())],
        id="a Table bound in the body of a plain class, its MetaData in the class body",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
class Model:
    logs = sa.Table("logs", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("body", sa.Text, nullable=False))
""",
        [("logs", "body", 8, False, False, ()), ("logs", "id", 7, False, True, ())],
        id="a Table bound in the body of a plain class, its MetaData at module level",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
workers = tables.Table(
    "workers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("token", sa.String(64), info={"v": ColumnVisibility.PRIVATE}),
)
""",
        [("workers", "id", 9, False, True, ()), ("workers", "token", 10, True, False, (PRIV,))],
        id="a repository wrapper passing its arguments through to sa.Table, at module level",
    ),
    pytest.param(
        HEAD + """\
class Model:
    metadata = sa.MetaData()
    builds = tables.Table(
        "builds", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("state_string", sa.Text, nullable=False, server_default=""),
    )
    steps = tables.make_table("steps", metadata, sa.Column("id", sa.Integer, primary_key=True))
""",
        [("builds", "id", 9, False, True, ()), ("builds", "state_string", 10, False, False, ()),
         ("steps", "id", 12, False, True, ())],
        id="the wrapper called in the body of a plain class (buildbot's db/model.py)",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class User(Base):
    __tablename__ = "users"
    id = sa.Column(sa.Integer, primary_key=True)
    user_roles = sa.Table("user_roles", Base.metadata,
                          sa.Column("user_id", sa.ForeignKey("users.id"), primary_key=True),
                          sa.Column("note", sa.Text, info={"v": ColumnVisibility.PRIVATE}))
""",
        [("user_roles", "note", 12, True, False, (PRIV,)),
         ("user_roles", "user_id", 11, False, True, ()),
         ("users", "id", 9, False, True, ())],
        id="a Table bound in a mapped class's body is a table of its own, not a column",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
users = tables.Table("users", Base.metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("ssn", sa.String(11)))
class User(Base):
    __table__ = users
""",
        [("users", "id", 7, False, True, ()), ("users", "ssn", 8, True, False, ())],
        id="a class mapped to a Table the wrapper built (__table__ = users)",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
SHARED = sa.Column("unused", sa.String)
Secret = sa.Column
def upgrade(op):
    op.add_column("users", sa.Column("ssn", sa.String))
audit = sa.Table("audit", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("at", sa.DateTime, default=lambda: sa.Column("never")))
""",
        [("audit", "at", 11, True, False, ()), ("audit", "id", 10, False, True, ())],
        id="column calls knowingly left out: a function body, a lambda, an unused column object",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Domain(Base):
    __tablename__ = "domains"
    id = sa.Column(sa.Integer, primary_key=True)
    name = sa.Column(sa.String(128), nullable=False)
    verified = sa.Column(sa.Boolean, nullable=False)
    quota = sa.Column(sa.Integer)
    __table_args__ = (
        sa.Index("ix_domains_name", "name", unique=True,
                 postgresql_where=sa.Column("verified")),
        sa.CheckConstraint(sa.Column("quota") >= 0, name="ck_quota"),
        sa.UniqueConstraint("name", "quota"),
    )
""",
        [("domains", "id", 9, False, True, ()), ("domains", "name", 10, False, False, ()),
         ("domains", "quota", 12, True, False, ()),
         ("domains", "verified", 11, False, False, ())],
        id="a column named in an index's or a constraint's expression in __table_args__",
    ),
    pytest.param(
        HEAD + """\
from sqlalchemy import Column, Index
metadata = sa.MetaData()
members = sa.Table("members", metadata, sa.Column("id", sa.Integer, primary_key=True),
                   sa.Column("active", sa.Boolean),
                   Index("ix_members_id", "id", sqlite_where=Column("active")))
""",
        [("members", "active", 8, True, False, ()), ("members", "id", 7, False, True, ())],
        id="a column named in the where clause of an index given to a Table",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class PasswordTool:
    LIMIT = 3
    class Admin(Base):
        __tablename__ = "admins"
        id = sa.Column(sa.Integer, primary_key=True)
        password = sa.Column(sa.String(255), info={"v": ColumnVisibility.PRIVATE})
    @staticmethod
    def create(password):
        return PasswordTool.Admin(id=1, password=password)
""",
        [("admins", "id", 11, False, True, ()), ("admins", "password", 12, True, False, (PRIV,))],
        id="a mapped class nested in a plain class's body, on the module's Base",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Importer:
    sa = None  # the nested class's body does not see it: its columns are the module's sa
    class Staging:
        class Staged(Base):
            __tablename__: str = "staged_users"
            id = sa.Column(sa.Integer, primary_key=True)
            email = sa.Column(sa.String(80), info={"v": ColumnVisibility.PRIVATE})
""",
        [("staged_users", "email", 13, True, False, (PRIV,)),
         ("staged_users", "id", 12, False, True, ())],
        id="a mapped class nested two class bodies deep, the outer body shadowing a module name",
    ),
    # deckhand's __build_tables: the models defined in a function, on a base it makes and binds
    # to a module global, mapped when the function runs
    pytest.param(
        HEAD + """\
from sqlalchemy.orm import declarative_base
BASE = None
class Stamped:
    created_at = sa.Column(sa.DateTime)
def build_tables(blob_type):
    global BASE
    if BASE:
        return
    BASE = declarative_base()
    class Document(BASE, Stamped):
        __tablename__ = "documents"
        id = sa.Column(sa.Integer, primary_key=True)
        data = sa.Column(blob_type, info={"v": ColumnVisibility.PRIVATE})
build_tables(sa.JSON)
""",
        [("documents", "created_at", 8, True, False, ()),
         ("documents", "data", 17, True, False, (PRIV,)),
         ("documents", "id", 16, False, True, ())],
        id="the classes a function defines on a base it binds to a module global",
    ),
]


@pytest.mark.parametrize(("models", "expected"), READ_CASES)
def test_reads(models: str, expected: list[Row]) -> None:
    inventory = _scan(_files(models))
    assert inventory.errors == ()
    assert _rows(inventory) == expected


def test_a_nested_class_is_read_under_its_qualified_name() -> None:
    nested = next(c for c in READ_CASES if c.id == (
        "a mapped class nested two class bodies deep, the outer body shadowing a module name"))
    inventory = _scan(_files(nested.values[0]))
    assert sorted((c.class_name, c.attribute) for c in inventory.columns) == [
        ("Importer.Staging.Staged", "email"), ("Importer.Staging.Staged", "id")]


@pytest.mark.slow
@pytest.mark.parametrize("models", [pytest.param(c.values[0], id=c.id) for c in READ_CASES])
def test_reads_as_sqlalchemy_builds(models: str, tmp_path: Path) -> None:
    files = _files(models)
    expected = _runtime_schema(tmp_path, files)
    config = Config(root=str(tmp_path), models=("app/models.py",))
    assert static_schema(build_inventory(WorktreeTree(tmp_path), config,
                                         use_cache=False)) == expected


# the wrapper's `def` lines in BLOCKED_WRAPPER: Table at 4, make_table at 9, named at 13
BLOCKED_WRAPPER = """\
import sqlalchemy as sa


def Table(*args, **kwargs):
    kwargs["mysql_character_set"] = "utf8"
    args = args + (sa.Column("created_at", sa.DateTime),)
    return sa.Table(*args, **kwargs)

def make_table(*args, **kwargs):
    return sa.Table(*args, sa.Column("id", sa.Integer, primary_key=True), **kwargs)


def named(name, *columns):
    return sa.Table(name, sa.MetaData(), *columns)
"""

_CANNOT_FOLLOW = (r"but masking-reviewer cannot follow it because {why}, so the table's "
                  r"columns cannot be checked; have the function only return "
                  r"sa\.Table\(\*args, \*\*kwargs\), or call SQLAlchemy's Table\(\.\.\.\) "
                  r"directly$")

BLOCK_CASES = [
    pytest.param(
        HEAD + """\
class Model:
    metadata = sa.MetaData()
    users = tables.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
""",
        BLOCKED_WRAPPER,
        [("app/models.py", 7,
          r"^tables\.Table\(\.\.\.\) calls Table\(\) \(app/util/tables\.py:4\), which returns "
          r"sa\.Table\(\.\.\.\), " + _CANNOT_FOLLOW.format(
              why=r"it does more than return sa\.Table\(\*args, \*\*kwargs\) \(only "
                  r"kwargs\[\"key\"\] = value before the return is read\)"))],
        id="a wrapper that changes its arguments blocks, in a class body",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
users = tables.make_table("users", metadata, sa.Column("email", sa.String))
""",
        BLOCKED_WRAPPER,
        [("app/models.py", 6,
          r"^tables\.make_table\(\.\.\.\) calls make_table\(\) \(app/util/tables\.py:9\), "
          r"which returns sa\.Table\(\.\.\.\), " + _CANNOT_FOLLOW.format(
              why=r"it passes sa\.Table\(\.\.\.\) positional arguments of its own"))],
        id="a wrapper that adds columns of its own blocks",
    ),
    pytest.param(
        HEAD + """\
users = tables.named("users", sa.Column("email", sa.String))
""",
        BLOCKED_WRAPPER,
        [("app/models.py", 5,
          r"^tables\.named\(\.\.\.\) calls named\(\) \(app/util/tables\.py:13\), which returns "
          r"sa\.Table\(\.\.\.\), " + _CANNOT_FOLLOW.format(
              why=r"it passes sa\.Table\(\.\.\.\) its parameters other than as \*args and "
                  r"\*\*kwargs"))],
        id="a wrapper that takes named parameters blocks",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
users.append_column(sa.Column("ssn", sa.String))
""",
        WRAPPER,
        [("app/models.py", 7,
          r"^users\.append_column\(\.\.\.\) is given sa\.Column\(\.\.\.\) \(line 7\), and "
          r"masking-reviewer does not read it as a Table\(\.\.\.\), so that column belongs to "
          r"no table it reads and a labelled one would pass unchecked; build the table with "
          r"SQLAlchemy's Table\(\.\.\.\)")],
        id="a column handed to a call that is no table blocks",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
SSN = sa.Column("ssn", sa.String)
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True), SSN)
""",
        WRAPPER,
        [("app/models.py", 7,
          r"^Table\(\.\.\.\) is given the column object SSN built elsewhere, which "
          r"masking-reviewer cannot read as this table's column; declare it inline")],
        id="a Table given a column object built at module level blocks",
    ),
]

_STARRED = (r"^Table\('{table}'\) is given \*{expr}, whose columns masking-reviewer cannot "
            r"read without running the code, so a labelled one would pass unchecked; pass each "
            r"Column\(\.\.\.\) to Table\(\.\.\.\) directly$")

BLOCK_CASES += [
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
def audit_columns():
    return [sa.Column("ssn", sa.String)]
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 *audit_columns())
""",
        WRAPPER,
        [("app/models.py", 8, _STARRED.format(table="users", expr=r"audit_columns\(\)"))],
        id="a Table given columns through a starred call blocks, though it has one it reads",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
COLUMNS = ()
class User(Base):
    __table__ = sa.Table("users", Base.metadata,
                         sa.Column("id", sa.Integer, primary_key=True), *COLUMNS)
""",
        WRAPPER,
        [("app/models.py", 9, _STARRED.format(table="users", expr="COLUMNS"))],
        id="a mapped class's __table__ given starred columns blocks",
    ),
    pytest.param(
        HEAD + """\
from app.util.registry import register
class Model:
    metadata = sa.MetaData()
    users = register("users", metadata, sa.Column("ssn", sa.String))
""",
        WRAPPER,
        [("app/models.py", 8,
          r"^Model\.users: register\(\.\.\.\) is given sa\.Column\(\.\.\.\) \(line 8\), and "
          r"masking-reviewer cannot tell whether it builds a table from it, so a labelled "
          r"column would pass unchecked")],
        id="an unmapped class's attribute built by an unknown call given a column blocks",
    ),
]

_STRAY = (r"^{callee}\(\.\.\.\) builds a column {where}, so a labelled one would pass "
          r"unchecked; pass it straight to a Table\(\.\.\.\) assigned to a name, or declare it "
          r"in a mapped class's body$")
_OUTSIDE = r"at module level, outside any Table\(\.\.\.\) or class masking-reviewer reads"
_INSIDE = (r"inside {outer}\(\.\.\.\) at module level, where masking-reviewer does not read it "
           r"as any table's column")

_NESTED = (r"in the class Outer\.Inner, which is nested in a class body, where masking-reviewer "
           r"reads a class only when its __tablename__ is a string literal and its bases name "
           r"nothing that body binds")

_IN_FUNCTION = (r"in the class {cls}, defined inside the function {function}\(\), where "
                r"masking-reviewer does not read class statements \(SQLAlchemy maps such a "
                r"class only when the function runs\)")
_IN_METHOD = (r"in the class {cls}, defined inside the method {method}\(\), where "
              r"masking-reviewer does not read class statements \(SQLAlchemy maps such a "
              r"class only when the method runs\)")

# The safety net: a column call no table holds, outside what the reader skips knowingly
STRAY_CASES = [
    pytest.param(
        HEAD + """\
COLUMNS = {"ssn": sa.Column(sa.String, info={"v": ColumnVisibility.PRIVATE})}
""",
        [("app/models.py", 5, _STRAY.format(callee=r"sa\.Column", where=_OUTSIDE))],
        id="a column in a dict at module level",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
users = people = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
""",
        [("app/models.py", 6, _STRAY.format(
            callee=r"sa\.Column", where=_INSIDE.format(outer=r"sa\.Table")))],
        id="a Table in a chained assignment",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 *[sa.Column("ssn", sa.String)])
""",
        [("app/models.py", 7, _STRAY.format(
            callee=r"sa\.Column", where=_INSIDE.format(outer=r"sa\.Table")))],
        id="a column in a Table's starred argument, beside one read",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
PREFIX = "app_"
class Outer:
    class Inner(Base):
        __tablename__ = PREFIX + "inner"
        id = sa.Column(sa.Integer, primary_key=True)
""",
        [("app/models.py", 11, _STRAY.format(callee=r"sa\.Column", where=_NESTED))],
        id="a column of a class nested in a class body, its table name computed",
    ),
    pytest.param(
        HEAD + """\
class Outer:
    class Base(DeclarativeBase):
        pass
    class Inner(Base):
        __tablename__ = "inner"
        id = sa.Column(sa.Integer, primary_key=True)
""",
        [("app/models.py", 10, _STRAY.format(callee=r"sa\.Column", where=_NESTED))],
        id="a column of a class nested in a class body, its base bound in that body",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Outer:
    if True:
        class Inner(Base):
            __tablename__ = "inner"
            id = sa.Column(sa.Integer, primary_key=True)
""",
        [("app/models.py", 11, _STRAY.format(callee=r"sa\.Column", where=_NESTED))],
        id="a column of a class nested in a block of a class body",
    ),
    pytest.param(
        HEAD + """\
class Model:
    metadata = sa.MetaData()
    users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
    users.append_column(sa.Column("ssn", sa.String))
""",
        [("app/models.py", 8, _STRAY.format(
            callee=r"sa\.Column", where=r"inside users\.append_column\(\.\.\.\) in a statement "
                                        r"of the body of class Model that masking-reviewer "
                                        r"does not read as a column declaration"))],
        id="a column handed to a call in a class body",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Domain(Base):
    __tablename__ = "domains"
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (sa.Column("ssn", sa.String), {"comment": "domains"})
""",
        [("app/models.py", 10, _STRAY.format(
            callee=r"sa\.Column", where=r"in a statement of the body of class Domain that "
                                        r"masking-reviewer does not read as a column "
                                        r"declaration"))],
        id="a column given to the table in __table_args__, outside any index",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Domain(Base):
    __tablename__ = "domains"
    id = sa.Column(sa.Integer, primary_key=True)
    __table_args__ = (tables.Index("ix", sa.Column("ssn", sa.String)),)
""",
        [("app/models.py", 10, _STRAY.format(
            callee=r"sa\.Column", where=r"inside tables\.Index\(\.\.\.\) in a statement of the "
                                        r"body of class Domain that masking-reviewer does not "
                                        r"read as a column declaration"))],
        id="a column inside a call spelled Index that is not SQLAlchemy's",
    ),
    pytest.param(
        HEAD + """\
metadata = sa.MetaData()
audit = sa.Index("ix_audit", sa.func.lower(sa.Column("ssn", sa.String)))
extra = sa.Table("extra", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Index("ix_extra", "id"), *[sa.Column("ssn", sa.String)])
""",
        [("app/models.py", 8, _STRAY.format(
            callee=r"sa\.Column", where=_INSIDE.format(outer=r"sa\.Table")))],
        id="a column named in a module-level index is no stray, one beside an index still is",
    ),
    # deckhand's __build_tables: every model defined in a function, on a base made there
    pytest.param(
        HEAD + """\
def build_tables(blob_type):
    Base = declarative_base()
    class Document(Base):
        __tablename__ = "documents"
        id = sa.Column(sa.Integer, primary_key=True)
        data = sa.Column(blob_type)
""",
        [("app/models.py", 9, _STRAY.format(callee=r"sa\.Column", where=_IN_FUNCTION.format(
            cls="Document", function="build_tables"))),
         ("app/models.py", 10, _STRAY.format(callee=r"sa\.Column", where=_IN_FUNCTION.format(
             cls="Document", function="build_tables")))],
        id="a class defined in a function on a base local to it",
    ),
    pytest.param(
        HEAD + """\
class Base(DeclarativeBase):
    pass
class Registry:
    def register(self):
        if self.enabled:
            class Secret(Base):
                __tablename__ = "secrets"
                value = sa.Column(sa.String)
            return Secret
""",
        [("app/models.py", 12, _STRAY.format(callee=r"sa\.Column", where=_IN_METHOD.format(
            cls="Secret", method=r"Registry\.register")))],
        id="a class defined in a block of a method",
    ),
    # cabotage's sqlalchemy-continuum plugin: a method returns the class it defines, which no
    # module-level call makes (a module function's would be a class factory's, and read)
    pytest.param(
        HEAD + """\
class ActivityFactory(ModelFactory):
    def create_class(self, manager):
        class Activity(manager.declarative_base):
            __tablename__ = "activity"
            id = sa.Column(sa.BigInteger, primary_key=True)
            data = sa.Column(sa.JSON)
        return Activity
""",
        [("app/models.py", 9, _STRAY.format(callee=r"sa\.Column", where=_IN_METHOD.format(
            cls="Activity", method=r"ActivityFactory\.create_class"))),
         ("app/models.py", 10, _STRAY.format(callee=r"sa\.Column", where=_IN_METHOD.format(
             cls="Activity", method=r"ActivityFactory\.create_class")))],
        id="a class a method defines and returns",
    ),
]

def test_a_class_in_a_function_blocks_whatever_ends_the_lines() -> None:
    """Whether a function defines a class is read from the parsed spans, not the text: a
    file whose lines end in a bare carriage return blocks as one ending in a newline."""
    case = next(c for c in STRAY_CASES
                if c.id == "a class defined in a function on a base local to it")
    models, expected = case.values
    assert_errors(_scan(_files(models.replace("\n", "\r"))), expected)


_FACTORY = HEAD + """\
class Base(DeclarativeBase):
    pass
def make_audit():
    class Audit(Base):
        __tablename__ = "audit"
        id = sa.Column(sa.Integer, primary_key=True)
        actor_email = sa.Column(sa.String)
    return Audit
AuditLog = make_audit()
"""


def test_the_class_a_factory_returns_is_read_not_a_stray() -> None:
    inventory = _scan(_files(_FACTORY, WRAPPER))
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == [
        ("audit", "id"), ("audit", "actor_email")]


@pytest.mark.parametrize(("models", "wrapper", "expected"), [
    *BLOCK_CASES,
    *(pytest.param(c.values[0], WRAPPER, c.values[1], id=c.id) for c in STRAY_CASES),
])
def test_blocks(models: str, wrapper: str, expected: list[tuple[str, int, str]]) -> None:
    assert_errors(_scan(_files(models, wrapper)), expected)

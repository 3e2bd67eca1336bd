"""Models written with GINO (python-gino/gino): ``db = Gino()`` is a MetaData whose ``db.Model``
is a declarative base and whose other attributes are SQLAlchemy's (``db.Column``,
``db.String``, ``db.Table``). gino is not a dependency, so the expected results below are what
GINO 1.x's own source does (gino/declarative.py ``ModelType`` / ``Model._init_table``, gino/api.py
``Gino.__init__``), stated case by case.
"""

from __future__ import annotations

import re
import textwrap

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config, Inventory

Row = tuple[str, str, str | None, int, str | None]


def scan(files: dict[str, str]) -> Inventory:
    return build_inventory(
        MemoryTree({path: textwrap.dedent(text) for path, text in files.items()}),
        Config(root="/repo"), use_cache=False)


def rows(inventory: Inventory) -> list[Row]:
    return [(c.table, c.column, c.attribute, c.line, c.declared_in) for c in inventory.columns]


READ_CASES = [
    pytest.param(
        # __tablename__ names the table; a Column without a name takes the attribute's
        # (gino Dict.__setitem__ / _init_table); db.Model adds no column of its own
        {"app/models.py": """\
            from gino import Gino

            db = Gino()


            class Token(db.Model):
                __tablename__ = "tokens"
                key = db.Column(db.String(length=40), primary_key=True)
                secret = db.Column("sec", db.Text, info={"visibility": "private"})
            """},
        [("tokens", "key", "key", 8, None), ("tokens", "sec", "secret", 9, None)],
        id="db.Model with __tablename__ and db.Column",
    ),
    pytest.param(
        # every extension's Gino is gino.api.Gino with a mixin of classmethods (gino-starlette:
        # model_base_classes + (StarletteModelMixin,)); arguments are MetaData's and the bind's
        {"app/db.py": """\
            from gino.ext.starlette import Gino

            db = Gino(dsn="postgresql://localhost/app", pool_min_size=1)
            """,
         "app/models.py": """\
            from .db import db


            class User(db.Model):
                __tablename__ = "users"
                id = db.Column(db.Integer(), primary_key=True)
                email = db.Column(db.Unicode(), db.ForeignKey("tokens.key"))
            """},
        [("users", "id", "id", 6, None), ("users", "email", "email", 7, None)],
        id="gino.ext.starlette Gino with arguments, db imported from a sibling",
    ),
    pytest.param(
        # no __tablename__ on the MRO: an abstract model, no table (ModelType leaves
        # __table__ None); its columns are copied into every subclass that has one
        {"app/models.py": """\
            from gino.ext.aiohttp import Gino

            db = Gino()


            class Base(db.Model):
                created = db.Column(db.DateTime(timezone=True))


            class Invoice(Base):
                __tablename__ = "invoices"
                id = db.Column(db.Integer, primary_key=True)
            """},
        [("invoices", "created", "created", 7, "Base"), ("invoices", "id", "id", 12, None)],
        id="a model without __tablename__ is abstract and shares its columns",
    ),
    pytest.param(
        # _init_table ignores __abstract__: a __tablename__ makes the table
        {"app/models.py": """\
            from gino import Gino

            db = Gino()


            class Flagged(db.Model):
                __abstract__ = True
                __tablename__ = "flagged"
                flag = db.Column(db.Boolean)
            """},
        [("flagged", "flag", "flag", 9, None)],
        id="__abstract__ is ignored by GINO",
    ),
    pytest.param(
        # db.Table is sqlalchemy.Table bound to the Gino MetaData; a file that imports
        # nothing but gino is still a model file
        {"app/tables.py": """\
            from gino import Gino

            db = Gino()
            events = db.Table("events", db, db.Column("id", db.Integer, primary_key=True),
                              db.Column("payload", db.JSON))
            """},
        [("events", "id", None, 4, None), ("events", "payload", None, 5, None)],
        id="db.Table in a file that imports only gino",
    ),
]


@pytest.mark.parametrize(("files", "expected"), READ_CASES)
def test_gino_models_read(files: dict[str, str], expected: list[Row]) -> None:
    inventory = scan(files)
    assert inventory.errors == ()
    assert sorted(rows(inventory)) == sorted(expected)


BLOCK_CASES = [
    pytest.param(
        # a concrete model's subclass inherits its __tablename__: GINO builds a second
        # Table("users") in the same MetaData, which SQLAlchemy refuses; not single-table
        # inheritance as SQLAlchemy would map it
        """\
        class Admin(User):
            level = db.Column(db.Integer)
        """,
        11, r"class Admin derives from the GINO model User, which is a table itself; GINO does "
            r"not map inheritance the way SQLAlchemy does",
        id="subclass of a concrete model without __tablename__",
    ),
    pytest.param(
        # with its own __tablename__ GINO copies User's columns into the new table: not
        # joined inheritance, where they would stay in users
        """\
        class Super(User):
            __tablename__ = "supers"
            power = db.Column(db.Integer)
        """,
        11, r"class Super derives from the GINO model User, which is a table itself",
        id="subclass of a concrete model with its own __tablename__",
    ),
]

HEAD = """\
from gino import Gino

db = Gino()


class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)


"""


@pytest.mark.parametrize(("body", "line", "message"), BLOCK_CASES)
def test_gino_inheritance_blocks(body: str, line: int, message: str) -> None:
    inventory = scan({"app/models.py": HEAD + textwrap.dedent(body)})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)]
    assert re.match(message, inventory.errors[0].message)
    assert ("users", "id") in inventory.by_key()


def test_model_classes_given_to_gino_block() -> None:
    # Gino(model_classes=...) builds db.Model from those classes instead of CRUDModel
    # (gino/api.py), and they may bring columns
    inventory = scan({"app/models.py": """\
        from gino import Gino
        from .mixins import Audited

        db = Gino(model_classes=(Audited,))


        class Token(db.Model):
            __tablename__ = "tokens"
            key = db.Column(db.String, primary_key=True)
        """})
    assert [(e.line, e.message) for e in inventory.errors] == [(
        7, "class Token derives from db.Model built with model_classes=(Audited,), which "
           "masking-reviewer does not read, so its columns cannot be checked; leave the file "
           "out of `models` knowingly, or declare the model with SQLAlchemy")]
    assert inventory.columns == ()

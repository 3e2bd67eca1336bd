"""MR007 parse-error: a model file the reader cannot parse or resolve; the gate fails closed."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, severity
from reviewer.types import Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    inventory = snap.inventory
    for err in inventory.errors:
        # reader messages end in a clause or a sentence; either way the next one starts clean
        stop = "" if err.message.rstrip().endswith((".", "!", "?")) else "."
        yield Finding(
            "MR007",
            severity(config, "MR007"),
            message=(
                f"{err.message.rstrip()}{stop} The gate fails closed until this file can be read."
            ),
            path=err.path,
            line=err.line,
        )
    if inventory.mapped_classes == 0 and not inventory.errors:
        models = ", ".join(config.models) if config.models else "auto-detected (none found)"
        yield Finding(
            "MR007",
            severity(config, "MR007"),
            message=(
                f"no mapped classes or tables were found (models: {models}). Check `models` in "
                f"[tool.masking-reviewer]: it must match the files that declare your SQLAlchemy "
                f"models."
            ),
            path=config.path or "pyproject.toml",
            line=1,
        )


CHECK = Check(
    "MR007",
    snapshot=detect,
    valid=(
        Example(
            "a model the reader resolves: a declarative base, a literal __tablename__",
            models='''\
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"
    id = mapped_column(Integer, primary_key=True)
''',
        ),
    ),
    invalid=(
        Example(
            "no __tablename__, and no table-naming configured: the table name is unknown",
            models='''\
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    id = mapped_column(Integer, primary_key=True)
    memo = mapped_column(Text, info={"visibility": ColumnVisibility.PRIVATE})
''',
            expect=("models.py:11: MR007",),
        ),
        Example(
            "a syntax error: nothing in the file can be checked",
            models='''\
from sqlalchemy import Integer, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Invoice(Base):
    __tablename__ = "invoices"
    memo = mapped_column(Text, info={"visibility": ColumnVisibility.PRIVATE}
''',
            expect=("models.py:13: MR007",),
        ),
        Example(
            "a class a method defines and returns (a plugin's model factory): SQLAlchemy maps "
            "it only when the method runs, so its columns block until the class is declared "
            "at module level",
            models='''\
from sqlalchemy import Column, Integer, Text


class ActivityFactory:
    def create_class(self, manager):
        class Activity(manager.declarative_base):
            __tablename__ = "activity"
            id = Column(Integer, primary_key=True)
            data = Column(Text)
        return Activity
''',
            expect=("models.py:8: MR007", "models.py:9: MR007"),
        ),
        Example(
            "`models` matches files that declare no model: the gate would check nothing",
            models='''\
INVOICE_PREFIX = "INV-"
''',
            expect=("pyproject.toml:1: MR007",),
        ),
    ),
)

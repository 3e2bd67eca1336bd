"""MR009 quasi-identifier: a column a change added or changed is a quasi-identifier (a
birthdate, a postcode) copied at full resolution."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, column_finding, covered
from reviewer.types import Column, Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect_change(snap: Snapshot, column: Column, config: Config) -> Iterator[Finding]:
    """Only for a column someone decided about (labelled, ruled or exempt); the others are
    MR003's or MR004's."""
    if not covered(snap, column, config):
        return
    # on a diff's changed columns only: a check of the whole tree never imports the policy
    from reviewer.policy import quasi_identifier_note

    note = quasi_identifier_note(column, snap.rules.by_key().get(column.key),
                                 snap.classification(column))
    if note:
        yield column_finding(config, "MR009", column, note)


CUSTOMERS = '''\
from sqlalchemy import Date, Integer
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id = mapped_column(Integer, primary_key=True)
    date_of_birth = mapped_column(Date, info={"visibility": ColumnVisibility.MASKED})
'''


def _rule(strategy: str) -> str:
    return f'''\
{{
  "version": 1,
  "rules": [
    {{"table": "customers", "column": "date_of_birth", {strategy}}}
  ]
}}
'''


CHECK = Check(
    "MR009",
    change=detect_change,
    valid=(
        Example(
            "generalized: the year is kept, the day is not",
            models=CUSTOMERS,
            rules=_rule('"strategy": "generalize"'),
            change=True,
        ),
    ),
    invalid=(
        Example(
            "kept at full resolution, even with a note",
            models=CUSTOMERS,
            rules=_rule('"strategy": "keep", "note": "needed for age checks"'),
            change=True,
            expect=("models.py:14: MR009",),
        ),
    ),
)

"""MR006 invalid-rules: masking_rules.json is missing, is not valid JSON, or breaks its
schema; while it cannot be read, no column is known to be masked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, severity
from reviewer.types import Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    for err in snap.rules.errors:
        yield Finding(
            "MR006",
            severity(config, "MR006"),
            message=err.message,
            path=err.path,
            line=err.line,
            col=err.col,
        )


USERS = '''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = mapped_column(Integer, primary_key=True)
    email = mapped_column(String, info={"visibility": ColumnVisibility.MASKED})
'''

CHECK = Check(
    "MR006",
    snapshot=detect,
    valid=(
        Example(
            "a rules file its schema accepts",
            models=USERS,
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "users", "column": "email", "strategy": "fake_email"}
  ]
}
''',
        ),
    ),
    invalid=(
        Example(
            "a trailing comma: not JSON, so no rule is known (and no MR001 is claimed)",
            models=USERS,
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "users", "column": "email", "strategy": "fake_email",}
  ]
}
''',
            expect=("masking_rules.json:4: MR006",),
        ),
        Example(
            "a strategy the schema does not know",
            models=USERS,
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "users", "column": "email", "strategy": "scramble"}
  ]
}
''',
            expect=("masking_rules.json:4: MR006",),
        ),
        Example(
            "no rules file at all: nothing is known to be masked",
            models=USERS,
            rules=None,
            expect=("masking_rules.json:1: MR006",),
        ),
    ),
)

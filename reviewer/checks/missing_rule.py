"""MR001 missing-rule: a column labelled sensitive has no masking rule and no exemption."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, column_finding, exemption_for, label_words
from reviewer.types import Column, Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def message(column: Column, rules_path: str) -> str:
    return (
        f"{column.qualname} is marked {label_words(column.labels)}, but {rules_path} has no "
        f"rule for {column.table}.{column.column}."
    )


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    """Bare findings: the rule to add is attached later, once (``reviewer.review.enrich``)."""
    have = snap.rules.by_key()
    for column in snap.inventory.columns:
        if not column.labels or column.key in have:
            continue
        if exemption_for(column, config) is not None:
            continue  # a reasonless exemption is reported by MR005, not here
        yield column_finding(config, "MR001", column, message(column, snap.rules.path))


USERS = '''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = mapped_column(Integer, primary_key=True)
    totp_secret = mapped_column(String, info={"visibility": ColumnVisibility.PRIVATE})
'''

VERSIONED_USERS = '''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column
from sqlalchemy_continuum import make_versioned

from app.visibility import ColumnVisibility

make_versioned(user_cls=None)


class Base(DeclarativeBase):
    pass


class User(Base):
    __versioned__ = {}
    __tablename__ = "users"
    id = mapped_column(Integer, primary_key=True)
    totp_secret = mapped_column(String, info={"visibility": ColumnVisibility.PRIVATE})
'''

TOTP_RULE = '''\
{
  "version": 1,
  "rules": [
    {"table": "users", "column": "totp_secret", "strategy": "null"}
  ]
}
'''

CHECK = Check(
    "MR001",
    snapshot=detect,
    valid=(
        Example(
            "the labelled column has a rule",
            models=USERS,
            rules=TOTP_RULE,
        ),
        Example(
            "or an exemption that says why it needs none",
            models=USERS,
            config='''\
[[tool.masking-reviewer.exemptions]]
table = "users"
column = "totp_secret"
reason = "Encrypted at rest with a key that never leaves production."
''',
        ),
    ),
    invalid=(
        Example(
            "a PRIVATE column with no rule: the copy would carry the production secret",
            models=USERS,
            expect=("models.py:14: MR001",),
        ),
        Example(
            "a versioned model (SQLAlchemy-Continuum) keeps every old value in users_version, "
            "which needs its own rule",
            models=VERSIONED_USERS,
            rules=TOTP_RULE,
            expect=("models.py:18: MR001",),
        ),
    ),
)

"""MR008 weak-strategy: a rule's strategy is wrong for its column's category or constraints
(``reviewer.policy`` knows which strategy suits which column)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer import policy
from reviewer.checks.base import Check, Example, column_finding
from reviewer.types import Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    """Bare: the rule to replace it with is attached by ``reviewer.review.enrich``."""
    columns = snap.inventory.by_key()
    for rule in snap.rules.rules:
        column = columns.get(rule.key)
        if column is None:
            continue
        reason = policy.weak_strategy(rule, column, snap.classification(column))
        if reason is not None:
            yield column_finding(config, "MR008", column, reason)


def _api_keys(column: str) -> str:
    return f'''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"
    id = mapped_column(Integer, primary_key=True)
    {column}
'''


SECRET = _api_keys(
    'secret = mapped_column(String, nullable=False, info={"visibility": '
    'ColumnVisibility.PRIVATE})')


def _rule(column: str, strategy: str) -> str:
    return f'''\
{{
  "version": 1,
  "rules": [
    {{"table": "api_keys", "column": "{column}", {strategy}}}
  ]
}}
'''


CHECK = Check(
    "MR008",
    snapshot=detect,
    valid=(
        Example(
            "a fixed placeholder: obviously not a secret, and fits NOT NULL",
            models=SECRET,
            rules=_rule("secret", '"strategy": "static", "value": "masked"'),
        ),
    ),
    invalid=(
        Example(
            "a hash of a secret keeps values linkable and lets a leaked hash be matched",
            models=SECRET,
            rules=_rule("secret", '"strategy": "hash"'),
            expect=("models.py:14: MR008",),
        ),
        Example(
            "null on a NOT NULL column makes the masked copy fail to load",
            models=SECRET,
            rules=_rule("secret", '"strategy": "null"'),
            expect=("models.py:14: MR008",),
        ),
        Example(
            "a fake that can repeat, on a unique column: the masked copy fails to load",
            models=_api_keys('owner_name = mapped_column(String, unique=True, '
                             'info={"visibility": ColumnVisibility.MASKED})'),
            rules=_rule("owner_name", '"strategy": "fake_name"'),
            expect=("models.py:14: MR008",),
        ),
    ),
)

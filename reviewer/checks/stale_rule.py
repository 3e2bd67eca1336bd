"""MR002 stale-rule: a rule names a table.column no model declares, so the real column
(renamed or misspelt) goes unmasked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, severity
from reviewer.types import TABLE_WIDE, Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    inventory, rules = snap.inventory, snap.rules
    columns = inventory.by_key()
    by_table: dict[str, list[str]] = {}
    for table, column in columns:
        by_table.setdefault(table, []).append(column)
    for rule in rules.rules:
        if rule.key in columns or (rule.column == TABLE_WIDE and rule.table in by_table):
            continue
        if inventory.errors and rule.table not in by_table:
            # The table may live in a model file that failed to parse (already MR007):
            # calling its rules stale would send the user after the wrong problem.
            continue
        import difflib  # only for a stale rule: a passing check never imports it

        hint = ""
        candidates = difflib.get_close_matches(
            rule.column, by_table.get(rule.table, []), n=1, cutoff=0.5
        )
        if candidates:
            hint = f" Did you mean {rule.table}.{candidates[0]}?"
        elif rule.table not in by_table:
            tables = difflib.get_close_matches(rule.table, list(by_table), n=1)
            hint = f" No table {rule.table!r} exists" + (
                f"; did you mean {tables[0]!r}?" if tables else "."
            )
        yield Finding(
            "MR002",
            severity(config, "MR002"),
            message=(
                f"{rules.path} has a rule for {rule.table}.{rule.column}, but no model declares "
                f"that column.{hint} A rule that names the wrong column leaves the real one "
                f"unmasked."
            ),
            path=rules.path,
            line=rule.line or 1,
            table=rule.table,
            column=rule.column,
            rule=replace(rule, line=0),
            action="remove",
        )


CUSTOMERS = '''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class Customer(Base):
    __tablename__ = "customers"
    id = mapped_column(Integer, primary_key=True)
    email = mapped_column(String, info={"visibility": ColumnVisibility.MASKED})
'''

CHECK = Check(
    "MR002",
    snapshot=detect,
    valid=(
        Example(
            "every rule names a declared column",
            models=CUSTOMERS,
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "customers", "column": "email", "strategy": "fake_email"}
  ]
}
''',
        ),
    ),
    invalid=(
        Example(
            "a misspelt column: the rule masks nothing, and the real email goes unmasked",
            models=CUSTOMERS,
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "customers", "column": "emial", "strategy": "fake_email"}
  ]
}
''',
            expect=("masking_rules.json:4: MR002", "models.py:14: MR001"),
        ),
    ),
)

"""MR004 label-mismatch: a column a change added or changed is neither labelled nor masked,
while a similar field elsewhere is."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, column_finding, covered, label_words
from reviewer.types import Column, Config, Finding, SimilarField

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect_change(snap: Snapshot, column: Column, config: Config) -> Iterator[Finding]:
    """Only for a column nothing else judged: not covered, and not classified (MR003)."""
    if covered(snap, column, config) or snap.classification(column) is not None:
        return
    similar = snap.suggestion(column)[0]
    if similar and not column.primary_key:
        # A key is masked by nobody (joins need it); a name overlap alone says nothing.
        # Bare, like every check: ``reviewer.review.enrich`` attaches the rule and the
        # similar fields from the same memo.
        yield column_finding(config, "MR004", column, message(column, similar, snap.rules.path))


def describe(similar: Sequence[SimilarField]) -> str:
    parts = []
    for s in similar:
        how = label_words(s.labels) if s.labels else "unlabelled"
        if s.rule is None:
            masked = "no rule"
        elif not s.rule.masks:
            masked = "copied unmasked (keep)"  # keep is a decision not to mask, never masking
        else:
            masked = f"masked with {s.rule.strategy}"
        parts.append(f"{s.qualname} is {how} and {masked}")
    return "; ".join(parts)


def message(column: Column, similar: Sequence[SimilarField], rules_path: str) -> str:
    return (
        f"{column.qualname} is not labelled and {rules_path} has no rule for "
        f"{column.table}.{column.column}, but similar fields are: {describe(similar)}."
    )


def _connections(hubspot_field: str) -> str:
    return f'''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


class SalesforceConnection(Base):
    __tablename__ = "salesforce_connections"
    id = mapped_column(Integer, primary_key=True)
    instance_url = mapped_column(String, info={{"visibility": ColumnVisibility.MASKED}})


class HubspotConnection(Base):
    __tablename__ = "hubspot_connections"
    id = mapped_column(Integer, primary_key=True)
    {hubspot_field}
'''


def _rules(*tables: str) -> str:
    entries = ",\n".join(
        f'    {{"table": "{t}", "column": "instance_url", "strategy": "static",\n'
        f'     "value": "https://masked.invalid"}}' for t in tables)
    return f'{{\n  "version": 1,\n  "rules": [\n{entries}\n  ]\n}}\n'


CHECK = Check(
    "MR004",
    change=detect_change,
    valid=(
        Example(
            "the new field is labelled and masked like its twin",
            models=_connections(
                'instance_url = mapped_column(String, info={"visibility": '
                'ColumnVisibility.MASKED})'),
            rules=_rules("salesforce_connections", "hubspot_connections"),
            change=True,
        ),
    ),
    invalid=(
        Example(
            "the Salesforce connection's field is labelled and masked; its HubSpot twin is not",
            models=_connections("instance_url = mapped_column(String)"),
            rules=_rules("salesforce_connections"),
            change=True,
            expect=("models.py:20: MR004",),
        ),
    ),
)

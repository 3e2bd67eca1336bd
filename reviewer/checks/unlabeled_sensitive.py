"""MR003 unlabeled-sensitive: a column that looks sensitive has no label, no rule and no
exemption. A high-confidence credential is an error anywhere in the tree; in a diff, every
such column the change added or changed is reported (a low-confidence guess as a note)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

from reviewer.checks.base import (
    Check,
    Example,
    column_finding,
    covered,
    exemption_for,
    is_sure_credential,
    label_words,
    severity,
)
from reviewer.types import Column, Config, Finding, SimilarField

if TYPE_CHECKING:
    from reviewer.review import Snapshot
    from reviewer.types import Classification


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    """Every unlabelled high-confidence credential with no rule and no exemption, anywhere in
    the tree: ``check`` holds them to the same standard as ``diff``."""
    rules = snap.rules.by_key()
    for column in snap.inventory.columns:
        if (
            is_sure_credential(column)
            and not column.labels
            and column.key not in rules
            and exemption_for(column, config) is None
        ):
            yield finding(snap, column, config)


def detect_change(snap: Snapshot, column: Column, config: Config) -> Iterator[Finding]:
    """A changed column the classifier calls sensitive; sure credentials come from ``detect``."""
    if covered(snap, column, config) or is_sure_credential(column):
        return
    if snap.classification(column) is not None:
        yield finding(snap, column, config)


def finding(snap: Snapshot, column: Column, config: Config) -> Finding:
    """Bare: the rule to add and the similar fields come from ``reviewer.review.enrich``."""
    classification = snap.classification(column)
    assert classification is not None  # callers pass classified columns only
    # only where it decides: a high-confidence credential blocks anyway, and its similar
    # fields are listed right below the message
    twin = (masked_twin(snap, column)
            if classification.category == "credential" and not is_sure_credential(column)
            else None)
    sev = severity(config, "MR003")
    if not any(c == "MR003" for c, _ in config.severity):
        # High-confidence credentials block, and so does a credential the repository already
        # masks under the same name; a low-confidence guess is only a note, so harmless pull
        # requests stay free of warnings. So is free text short of high confidence: on the
        # development corpus a medium one was right 118 times in 213 (a configuration's
        # description, a quantity named `content`), as good as a coin.
        if is_sure_credential(column) or twin is not None:
            sev = "error"
        elif classification.confidence == "low" or (
                classification.category == "free_text" and classification.confidence != "high"):
            sev = "note"
    # the classifier's evidence may name the twin already ("like labelled ...")
    told = None if twin is not None and twin.qualname in classification.reason else twin
    found = column_finding(config, "MR003", column,
                           message(column, classification, snap.rules.path, told))
    if told is not None:
        did = f"the repository {_decided(told, 'masks', 'labels')} {told.qualname} of the same name"
        found = replace(found, evidence=f"{found.evidence}; {did}" if found.evidence else did)
    return replace(found, severity=sev)


def _masked(field: SimilarField) -> bool:
    return field.rule is not None and field.rule.masks


def _decided(field: SimilarField, masked: str, labelled: str) -> str:
    """What the team did with the twin, in the caller's words: masked it, else labelled it."""
    return masked if _masked(field) else labelled


def masked_twin(snap: Snapshot, column: Column) -> SimilarField | None:
    """A field of the same name (`authentication`, `sf_refresh` ~ `ns_refresh` once vendor
    prefixes are gone) that the repository labels or masks, of a compatible type: the team's
    own decision about that name, which a reviewer would accept beside the name's evidence
    (tacker: five subscription tables added `authentication` one after another)."""
    from reviewer.name_verdicts import core_tokens  # only when there is a finding to make

    vocab = snap.vocab
    mine = core_tokens(column.column, vocab)
    for s in snap.suggestion(column)[0]:
        if (s.labels or _masked(s)) and core_tokens(s.column, vocab) == mine:
            return s
    return None


def message(column: Column, c: Classification, rules_path: str,
            twin: SimilarField | None = None) -> str:
    kind = c.category.replace("_", " ")
    # The evidence lets a user see why, and answer with ignore-names or an exemption; the
    # similar fields travel in Finding.similar and every format lists them right below.
    because = f": {c.reason}" if c.reason else ""
    also = ""
    if twin is not None:
        how = _decided(twin, f"masked with {twin.rule.strategy if twin.rule else ''}",
                       f"labelled {label_words(twin.labels)}")
        also = f", and {twin.qualname} of the same name is {how}"
    return (
        f"{column.qualname} looks like a {kind} ({c.confidence} confidence{because}{also}), "
        f"but it has no label and {rules_path} has no rule for {column.table}.{column.column}."
    )


def _connection(column: str) -> str:
    return f'''\
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, mapped_column


class Base(DeclarativeBase):
    pass


class NetSuiteConnection(Base):
    __tablename__ = "netsuite_connections"
    id = mapped_column(Integer, primary_key=True)
    {column}
'''


CHECK = Check(
    "MR003",
    snapshot=detect,
    change=detect_change,
    valid=(
        Example(
            "the secret has a rule (labelling it too is better still)",
            models=_connection("client_secret = mapped_column(Text)"),
            rules='''\
{
  "version": 1,
  "rules": [
    {"table": "netsuite_connections", "column": "client_secret", "strategy": "null"}
  ]
}
''',
        ),
        Example(
            "a name that only looks like a secret's",
            models=_connection("token_type = mapped_column(String(20))"),
            change=True,
        ),
    ),
    invalid=(
        Example(
            "an unlabelled client secret with no rule: an error anywhere in the tree",
            models=_connection("client_secret = mapped_column(Text)"),
            expect=("models.py:12: MR003",),
        ),
        Example(
            "a change that adds a column that looks like personal data",
            models=_connection("contact_email = mapped_column(String(255))"),
            change=True,
            expect=("models.py:12: MR003",),
        ),
    ),
)

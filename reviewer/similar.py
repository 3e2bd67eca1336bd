"""Finds labelled or masked columns that resemble a given one, and turns them into a rule.

``SalesforceConnection.client_secret`` is PRIVATE and masked with ``null``; a new
``NetSuiteConnection.client_secret`` that is neither should be told exactly that, and given
the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from reviewer.classifier import (
    Classification,
    Vocabulary,
    classify,
    load_vocabulary,
    normalize,
    ruled_out,
)
from reviewer.policy import default_rule, weak_strategy
from reviewer.types import Column, Inventory, Rule, RulesFile, SimilarField

# Score parts. The same normalized name is strong evidence on its own; token overlap is
# weaker, and only counts with a compatible type. A sibling model (same class-name suffix)
# adds a little, so the NetSuite connection prefers the Salesforce connection's field over a
# same-named field on an unrelated model.
SAME_NAME = 0.85
OVERLAP_WEIGHT = 0.7
MIN_OVERLAP = 0.5  # Jaccard of the token sets
# Tokens that say what kind of field a name is, not what it holds: sharing only these
# (`id` with `tax_id`) is no resemblance at all.
GENERIC_TOKENS = frozenset({
    "id", "uuid", "pk", "fk", "key_id", "at", "on", "by", "is", "has", "count", "num",
    "number", "type", "kind", "status", "code", "created", "updated", "deleted", "date", "time",
})
SIBLING_BONUS = 0.15

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Kinds of storage; types are compared by kind, since String(255) and Text hold the same data.
_FAMILIES: tuple[tuple[str, frozenset[str]], ...] = (
    ("bool", frozenset({"Boolean", "BOOLEAN"})),
    ("json", frozenset({"JSON", "JSONB", "JSONType", "HSTORE"})),
    ("binary", frozenset({"LargeBinary", "BLOB", "BYTEA", "VARBINARY", "BINARY", "LONGBLOB"})),
    ("number", frozenset({"Integer", "BigInteger", "SmallInteger", "Float", "Numeric",
                          "DECIMAL"})),
    ("time", frozenset({"Date", "DateTime", "Time", "Interval", "TIMESTAMP"})),
)


def _family(type_expr: str | None) -> str | None:
    """None when unknown: an unknown type is compatible with anything."""
    if not type_expr:
        return None
    idents = set(_IDENT.findall(type_expr))
    # EncryptedType(String) and friends store the wrapped type as text or bytes; treat as text.
    for family, names in _FAMILIES:
        if idents & names and not any("Encrypted" in i for i in idents):
            return family
    return "text"


def core_tokens(name: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """Name tokens without leading vendor prefixes: ``sf_client_secret`` -> client, secret."""
    vocab = vocab or load_vocabulary()
    tokens = list(normalize(name))
    while len(tokens) > 1 and tokens[0] in vocab.vendor_prefixes:
        tokens.pop(0)
    return tuple(tokens)


def _siblings(a: str | None, b: str | None, vocab: Vocabulary) -> bool:
    if not a or not b or a == b:
        return False
    return any(a.endswith(s) and b.endswith(s) for s in vocab.sibling_suffixes)


def _meaningful(tokens: tuple[str, ...], vocab: Vocabulary) -> bool:
    """Does the name alone say what the column holds (client_secret), or only what kind of
    field it is (name, title, value)? Only the first kind may match across unrelated models."""
    return bool(tokens) and classify("_".join(tokens), None, vocab) is not None


def _table_of(target: str) -> str:
    return target.rsplit(".", 1)[0] if "." in target else target


def _links(inventory: Inventory) -> set[frozenset[str]]:
    """Pairs of tables joined by a foreign key, either way."""
    return {frozenset((c.table, _table_of(c.foreign_key))) for c in inventory.columns
            if c.foreign_key}


def related(target: Column, other: Column, vocab: Vocabulary | None = None,
            links: set[frozenset[str]] | None = None) -> bool:
    """Related models: siblings by class name (SalesforceConnection ~ NetSuiteConnection),
    tables joined by a foreign key, or columns that come from the same mixin."""
    vocab = vocab or load_vocabulary()
    if _siblings(target.class_name, other.class_name, vocab):
        return True
    if target.declared_in and target.declared_in == other.declared_in:
        return True
    return links is not None and frozenset((target.table, other.table)) in links


def similarity(target: Column, other: Column, vocab: Vocabulary | None = None, *,
               links: set[frozenset[str]] | None = None) -> float:
    """How alike two columns are, in name AND role, in [0, 1]; 0 when not comparable.

    The types must be compatible, and a name that says nothing by itself (`name`, `title`)
    only matches on a related model: the same generic word on an unrelated model is no
    resemblance (issue 9: MR004 on every `name` because one `name` was labelled).
    """
    vocab = vocab or load_vocabulary()
    mine, theirs = core_tokens(target.column, vocab), core_tokens(other.column, vocab)
    fa, fb = _family(target.type), _family(other.type)
    if not (fa is None or fb is None or fa == fb):
        return 0.0
    kin = related(target, other, vocab, links)
    if mine == theirs:
        if not kin and not _meaningful(mine, vocab):
            return 0.0
        score = SAME_NAME
    else:
        a, b = set(mine), set(theirs)
        overlap = len(a & b) / len(a | b)
        shared = (a & b) - GENERIC_TOKENS
        if overlap < MIN_OVERLAP or not shared:
            return 0.0
        if not kin and not any(_meaningful((t,), vocab) for t in shared):
            return 0.0
        score = OVERLAP_WEIGHT * overlap
    if kin:
        score += SIBLING_BONUS
    return round(min(score, 1.0), 3)


def find_similar(
    target: Column,
    inventory: Inventory,
    rules: RulesFile,
    *,
    limit: int = 3,
    vocab: Vocabulary | None = None,
) -> tuple[SimilarField, ...]:
    """Labelled or masked columns that resemble ``target``, best first, never itself.

    Pass the configured ``vocab`` so that the user's ``ignore-names`` hold here too.
    """
    vocab = vocab or load_vocabulary()
    if target.primary_key or ruled_out(target.column, vocab):
        return ()  # keys and known look-alikes (api_key_id, token_type) resemble nothing
    by_key = rules.by_key()
    links = _links(inventory)
    scored: list[tuple[float, Column]] = []
    for col in inventory.columns:
        if col.key == target.key:
            continue
        rule = by_key.get(col.key)
        if not col.labels and (rule is None or rule.strategy == "keep"):
            # an unlabelled column that is not masked ("keep" copies it as is) tells us
            # nothing about what to do
            continue
        score = similarity(target, col, vocab, links=links)
        if score > 0:
            scored.append((score, col))
    scored.sort(key=lambda sc: (-sc[0], sc[1].qualname, sc[1].table))
    return tuple(
        SimilarField(
            table=col.table,
            column=col.column,
            class_name=col.class_name,
            attribute=col.attribute,
            path=col.path,
            line=col.line,
            labels=col.labels,
            rule=by_key.get(col.key),
            score=score,
        )
        for score, col in scored[: max(limit, 0)]
    )


def suggest_rule(
    column: Column, classification: Classification | None, similar: Sequence[SimilarField]
) -> Rule:
    """The exact entry to add for ``column``.

    Copies the strategy (and ``value``) of the most similar existing rule that is not weak for
    this column; otherwise the category's safe default. ``keep`` is never copied: its note
    justifies a different column.
    """
    for field in similar:
        if field.rule is None or field.rule.strategy == "keep":
            continue
        candidate = Rule(
            table=column.table,
            column=column.column,
            strategy=field.rule.strategy,
            value=field.rule.value,
        )
        if weak_strategy(candidate, column, classification) is None:
            return candidate
    return default_rule(column, classification)

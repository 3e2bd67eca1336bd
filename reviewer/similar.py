"""Finds labelled or masked columns that resemble a given one, and turns them into a rule.

``SalesforceConnection.client_secret`` is PRIVATE and masked with ``null``; a new
``NetSuiteConnection.client_secret`` that is neither should be told exactly that, and given
the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from reviewer.name_verdicts import classify, core_tokens, ruled_out
from reviewer.policy import default_rule, weak_strategy
from reviewer.types import Classification, Column, Inventory, Rule, RulesFile, SimilarField
from reviewer.vocabulary import Vocabulary, load_vocabulary

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


# Pure functions of a short string, asked again for every pair scored: schemas repeat a few
# dozen names and types thousands of times.
@lru_cache(maxsize=4096)
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


def _siblings(a: str | None, b: str | None, vocab: Vocabulary) -> bool:
    if not a or not b or a == b:
        return False
    return any(a.endswith(s) and b.endswith(s) for s in vocab.sibling_suffixes)


def _meaningful(tokens: tuple[str, ...], vocab: Vocabulary) -> bool:
    """Does the name alone say what the column holds (client_secret), or only what kind of
    field it is (name, title, value)? Only the first kind may match across models of unrelated
    roles. A low-confidence guess from the name is the second kind: on real history, a bare
    `key` resembling `Token.key_enc` and `data` resembling `Snapshot.data` were noise nine
    times in ten (privacyidea, nova, manila, designate, heat)."""
    if not tokens:
        return False
    verdict = classify("_".join(tokens), None, vocab)
    return verdict is not None and verdict.confidence != "low"


def _table_of(target: str) -> str:
    return target.rsplit(".", 1)[0] if "." in target else target


Links = frozenset[frozenset[str]]


def links_of(inventory: Inventory) -> Links:
    """Pairs of tables joined by a foreign key, either way."""
    return frozenset(frozenset((c.table, _table_of(c.foreign_key)))
                     for c in inventory.columns if c.foreign_key)


def same_role(target: Column, other: Column, vocab: Vocabulary | None = None) -> bool:
    """Models of one role: siblings by class name (SalesforceConnection ~ NetSuiteConnection),
    or columns that come from the same mixin. Only these make a generic word (`name`, `data`)
    a resemblance. A foreign key adds to a resemblance (``similarity``) but never makes one:
    a row that points at its owner is not the owner, and `MappingLevel.name`,
    `Spawner.display_name` or timesketch's `Graph.name` beside a masked `User.name` were all
    noise on real history (tasking-manager, jupyterhub, timesketch)."""
    vocab = vocab or load_vocabulary()
    if _siblings(target.class_name, other.class_name, vocab):
        return True
    return bool(target.declared_in) and target.declared_in == other.declared_in


def similarity(target: Column, other: Column, vocab: Vocabulary | None = None, *,
               links: Links = frozenset()) -> float:
    """How alike two columns are, in name AND role, in [0, 1]; 0 when not comparable.

    The types must be compatible, and a name that says nothing by itself (`name`, `title`,
    `key`) only matches on a model of the same role: the same generic word elsewhere is no
    resemblance (issue 9: MR004 on every `name` because one `name` was labelled). A model
    joined by a foreign key, or of the same role, ranks first.
    """
    vocab = vocab or load_vocabulary()
    mine, theirs = core_tokens(target.column, vocab), core_tokens(other.column, vocab)
    fa, fb = _family(target.type), _family(other.type)
    if not (fa is None or fb is None or fa == fb):
        return 0.0
    role = same_role(target, other, vocab)
    if mine == theirs:
        if not role and not _meaningful(mine, vocab):
            return 0.0
        score = SAME_NAME
    else:
        a, b = set(mine), set(theirs)
        overlap = len(a & b) / len(a | b)
        shared = (a & b) - GENERIC_TOKENS
        if overlap < MIN_OVERLAP or not shared:
            return 0.0
        if not role and not any(_meaningful((t,), vocab) for t in shared):
            return 0.0
        score = OVERLAP_WEIGHT * overlap
    if role or frozenset((target.table, other.table)) in links:
        score += SIBLING_BONUS
    return round(min(score, 1.0), 3)


class SimilarIndex:
    """The labelled or masked columns of one snapshot, indexed once for many queries.

    A query scores only the few columns that can come out on top, never the whole inventory:
    with one finding per model, a scan per finding would be quadratic. Two properties of
    ``similarity`` make the pruning exact, not a heuristic (a test compares it with a full
    scan):

    - a score above 0 needs the same core tokens, or a shared token outside
      ``GENERIC_TOKENS``; so candidates come from an exact-name map and a token map;
    - columns with the same core tokens and type family score the same against any target,
      except for the bonus of a related model. So in each such group the best ``limit`` are
      among the group's first ``limit`` by (qualname, table), the first ``limit`` of each
      sibling suffix the target's class has, of each table joined to the target's by a foreign
      key, and of the target's mixin.
    """

    def __init__(
        self, inventory: Inventory, rules: RulesFile, vocab: Vocabulary | None = None
    ) -> None:
        self.vocab = vocab or load_vocabulary()
        self.rules = rules.by_key()
        # What queries cost, for the tests that pin complexity (never timed): rows looked at
        # and pairs scored.
        self.touched = 0
        self.scored = 0
        self._ruled_out: dict[str, bool] = {}  # by name: thousands of findings share a few
        self.links = links_of(inventory)
        self._joined: dict[str, set[str]] = {}
        for pair in self.links:
            for table in pair:
                self._joined.setdefault(table, set()).update(pair - {table})
        members: dict[_GroupKey, list[tuple[int, Column]]] = {}
        for position, col in enumerate(inventory.columns):
            rule = self.rules.get(col.key)
            if not col.labels and (rule is None or not rule.masks):
                # an unlabelled column that is not masked ("keep" copies it as is) tells us
                # nothing about what to do
                continue
            group = (core_tokens(col.column, self.vocab), _family(col.type))
            members.setdefault(group, []).append((position, col))
        self._groups = {
            key: _Group.of(cols, self.vocab.sibling_suffixes) for key, cols in members.items()
        }
        self._by_name: dict[tuple[str, ...], list[_GroupKey]] = {}
        self._by_token: dict[str, list[_GroupKey]] = {}
        for key in self._groups:
            self._by_name.setdefault(key[0], []).append(key)
            for token in dict.fromkeys(key[0]):
                if token not in GENERIC_TOKENS:
                    self._by_token.setdefault(token, []).append(key)

    def query(self, target: Column, *, limit: int = 3) -> tuple[SimilarField, ...]:
        """Labelled or masked columns that resemble ``target``, best first, never itself."""
        vocab = self.vocab
        if limit <= 0 or target.primary_key or self._is_ruled_out(target.column):
            return ()  # keys and known look-alikes (api_key_id, token_type) resemble nothing
        mine = core_tokens(target.column, vocab)
        groups = dict.fromkeys(self._by_name.get(mine, ()))
        for token in mine:
            groups.update(dict.fromkeys(self._by_token.get(token, ())))
        name = target.class_name
        suffixes = [s for s in vocab.sibling_suffixes if name and name.endswith(s)]
        picked: dict[int, Column] = {}
        for key in groups:
            group = self._groups[key]
            self._take(group.ranked, target, limit, picked, siblings=False)
            for suffix in suffixes:
                self._take(group.by_suffix.get(suffix, ()), target, limit, picked, siblings=True)
            for table in sorted(self._joined.get(target.table, ())):
                self._take(group.by_table.get(table, ()), target, limit, picked, siblings=False)
            if target.declared_in:
                self._take(group.by_mixin.get(target.declared_in, ()), target, limit, picked,
                           siblings=False)
        scored: list[tuple[float, int, Column]] = []
        for position, col in picked.items():
            self.scored += 1
            score = similarity(target, col, vocab, links=self.links)
            if score > 0:
                scored.append((score, position, col))
        # the inventory position last: the order a stable sort over the inventory would give
        scored.sort(key=lambda sc: (-sc[0], sc[2].qualname, sc[2].table, sc[1]))
        return tuple(self._field(col, score) for score, _, col in scored[:limit])

    def _is_ruled_out(self, name: str) -> bool:
        found = self._ruled_out.get(name)
        if found is None:
            found = self._ruled_out[name] = ruled_out(name, self.vocab)
        return found

    def _take(
        self,
        ranked: Sequence[tuple[int, Column]],
        target: Column,
        limit: int,
        picked: dict[int, Column],
        *,
        siblings: bool,
    ) -> None:
        taken = 0
        for position, col in ranked:
            if taken == limit:
                return
            self.touched += 1
            if col.key == target.key or (siblings and col.class_name == target.class_name):
                continue  # never itself; the same class is no sibling of itself
            picked[position] = col
            taken += 1

    def _field(self, col: Column, score: float) -> SimilarField:
        return SimilarField(
            table=col.table,
            column=col.column,
            class_name=col.class_name,
            attribute=col.attribute,
            path=col.path,
            line=col.line,
            labels=col.labels,
            rule=self.rules.get(col.key),
            score=score,
        )


_GroupKey = tuple[tuple[str, ...], "str | None"]  # core tokens, type family


@dataclass(frozen=True, slots=True)
class _Group:
    """Columns alike in name and type family, by (qualname, table) and per sibling suffix."""

    ranked: tuple[tuple[int, Column], ...]
    by_suffix: dict[str, tuple[tuple[int, Column], ...]]
    by_table: dict[str, tuple[tuple[int, Column], ...]]
    by_mixin: dict[str, tuple[tuple[int, Column], ...]]

    @classmethod
    def of(cls, members: list[tuple[int, Column]], suffixes: Sequence[str]) -> _Group:
        ranked = tuple(sorted(members, key=lambda pc: (pc[1].qualname, pc[1].table, pc[0])))
        by_suffix = {
            suffix: tuple(pc for pc in ranked if (pc[1].class_name or "").endswith(suffix))
            for suffix in suffixes
        }
        by_table: dict[str, list[tuple[int, Column]]] = {}
        by_mixin: dict[str, list[tuple[int, Column]]] = {}
        for pc in ranked:
            by_table.setdefault(pc[1].table, []).append(pc)
            if pc[1].declared_in:
                by_mixin.setdefault(pc[1].declared_in, []).append(pc)
        return cls(ranked, {s: m for s, m in by_suffix.items() if m},
                   {t: tuple(m) for t, m in by_table.items()},
                   {d: tuple(m) for d, m in by_mixin.items()})


def find_similar(
    target: Column,
    inventory: Inventory,
    rules: RulesFile,
    *,
    limit: int = 3,
    vocab: Vocabulary | None = None,
) -> tuple[SimilarField, ...]:
    """Labelled or masked columns that resemble ``target``, best first, never itself.

    Pass the configured ``vocab`` so that the user's ``ignore-names`` hold here too. For more
    than one query over the same snapshot, build a ``SimilarIndex`` once instead.
    """
    return SimilarIndex(inventory, rules, vocab).query(target, limit=limit)


def suggest_rule(
    column: Column, classification: Classification | None, similar: Sequence[SimilarField]
) -> Rule:
    """The exact entry to add for ``column``.

    Copies the strategy (and ``value``) of the most similar existing rule that is not weak for
    this column; otherwise the category's safe default. ``keep`` is never copied: its note
    justifies a different column.
    """
    for field in similar:
        if field.rule is None or not field.rule.masks:
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

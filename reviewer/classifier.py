"""Decides, from a column's name and declared type alone, whether it looks sensitive.

The words live in ``vocabulary.toml`` next to this module (documented there); this module
only knows how to read a name. It never sees data values and never imports model code.
"""

from __future__ import annotations

import dataclasses
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from functools import lru_cache
from importlib import resources
from typing import Any

from reviewer.types import CATEGORIES, Category, Column, Confidence, Config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

CONFIDENCES: tuple[Confidence, ...] = ("high", "medium", "low")
_RANK: dict[Confidence, int] = {"high": 3, "medium": 2, "low": 1}

# Acronym before a capitalised word (HTTPServer -> HTTP), a capitalised or lower word, an
# acronym at the end, or a bare number; digits stay on the word they follow (line1, s3).
_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Classification:
    category: Category
    confidence: Confidence
    reason: str  # e.g. "name token 'secret'"


@dataclass(frozen=True, slots=True)
class Term:
    """One vocabulary entry: a run of (singular) tokens that marks a category."""

    text: str  # as written in the vocabulary or config
    tokens: tuple[str, ...]
    category: Category
    confidence: Confidence
    configured: bool = False  # added by the user's config rather than shipped


@dataclass(frozen=True, slots=True)
class Vocabulary:
    terms: tuple[Term, ...]
    negative_phrases: tuple[tuple[str, ...], ...]
    flag_prefixes: frozenset[str]
    metadata_suffixes: tuple[tuple[str, ...], ...]
    ignore_names: tuple[str, ...]  # fnmatch globs on the snake_case name
    encrypted_types: frozenset[str]
    binary_types: frozenset[str]
    binary_secret_tokens: frozenset[str]
    json_types: frozenset[str]
    text_types: frozenset[str]
    blob_names: frozenset[str]
    blob_prefixes: frozenset[str]
    flag_types: frozenset[str]
    scalar_types: frozenset[str]
    vendor_prefixes: frozenset[str]
    sibling_suffixes: tuple[str, ...]
    # terms by first token, derived from ``terms``; excluded from eq/hash so the value stays
    # hashable
    index: Mapping[str, tuple[Term, ...]] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )
    # classify() answers by (name, type): schemas repeat a few dozen names thousands of times
    memo: dict[tuple[str, str | None], Classification | None] = field(
        default_factory=dict, init=False, hash=False, compare=False, repr=False
    )


def tokenize(name: str) -> tuple[str, ...]:
    """Split snake_case, kebab-case and camelCase into lower-case tokens.

    >>> tokenize("oauthTokenSecret")
    ('oauth', 'token', 'secret')
    >>> tokenize("APIKey_v2")
    ('api', 'key', 'v2')
    """
    return tuple(t.lower() for t in _TOKEN.findall(name))


def _singular(token: str) -> str:
    # Crude on purpose: applied to both sides, so it only has to be consistent, not English.
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


def normalize(name: str) -> tuple[str, ...]:
    """Tokens as compared against the vocabulary: lower-case and singular."""
    return tuple(_singular(t) for t in tokenize(name))


def _strs(table: Mapping[str, Any], key: str) -> list[str]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"vocabulary.toml: {key!r} must be a list of strings")
    return list(value)


@lru_cache(maxsize=1)
def _shipped() -> Mapping[str, Any]:
    text = resources.files("reviewer").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return dict(tomllib.loads(text))


def _terms(entries: Iterable[str], category: Category, confidence: Confidence,
           configured: bool = False) -> list[Term]:
    out = []
    for text in entries:
        tokens = normalize(text)
        if tokens:
            out.append(Term(text, tokens, category, confidence, configured))
    return out


def _build(config_names: tuple[tuple[Category, tuple[str, ...]], ...],
           ignore: tuple[str, ...]) -> Vocabulary:
    data = _shipped()
    terms: list[Term] = []
    for category in CATEGORIES:
        section = data.get(category, {})
        for confidence in CONFIDENCES:
            terms += _terms(_strs(section, confidence), category, confidence)
    for category, names in config_names:
        terms += _terms(names, category, "high", configured=True)
    neg, types, similar = data["negative"], data["types"], data["similar"]
    index: dict[str, list[Term]] = {}
    for term in terms:
        index.setdefault(term.tokens[0], []).append(term)
    return Vocabulary(
        terms=tuple(terms),
        negative_phrases=tuple(t for t in map(normalize, _strs(neg, "phrases")) if t),
        flag_prefixes=frozenset(_singular(p) for p in _strs(neg, "flag_prefixes")),
        metadata_suffixes=tuple(t for t in map(normalize, _strs(neg, "metadata_suffixes")) if t),
        ignore_names=tuple(_snake(n) if "*" not in n and "?" not in n else n.lower()
                           for n in (*_strs(neg, "names"), *ignore)),
        encrypted_types=frozenset(_strs(types, "encrypted")),
        binary_types=frozenset(_strs(types, "binary")),
        binary_secret_tokens=frozenset(map(_singular, _strs(types, "binary_secret_tokens"))),
        json_types=frozenset(_strs(types, "json")),
        text_types=frozenset(_strs(types, "text")),
        blob_names=frozenset("_".join(normalize(n)) for n in _strs(types, "blob_names")),
        blob_prefixes=frozenset(map(_singular, _strs(types, "blob_prefixes"))),
        flag_types=frozenset(_strs(types, "flag")),
        scalar_types=frozenset(_strs(types, "scalar")),
        vendor_prefixes=frozenset(_strs(similar, "vendor_prefixes")),
        sibling_suffixes=tuple(_strs(similar, "sibling_suffixes")),
        index={k: tuple(v) for k, v in index.items()},
    )


@lru_cache(maxsize=8)
def _cached(config_names: tuple[tuple[Category, tuple[str, ...]], ...],
            ignore: tuple[str, ...]) -> Vocabulary:
    return _build(config_names, ignore)


def load_vocabulary(config: Config | None = None) -> Vocabulary:
    """The shipped vocabulary, extended by ``sensitive-names`` and ``ignore-names``."""
    if config is None:
        return _cached((), ())
    return _cached(config.sensitive_names, config.ignore_names)


def _snake(name: str) -> str:
    return "_".join(tokenize(name))


def _find(tokens: Sequence[str], phrase: Sequence[str]) -> int:
    n = len(phrase)
    for i in range(len(tokens) - n + 1):
        if tuple(tokens[i:i + n]) == tuple(phrase):
            return i
    return -1


@dataclass(frozen=True, slots=True)
class _Match:
    term: Term
    start: int
    end: int  # exclusive

    def sort_key(self) -> tuple[int, int, int, int]:
        # Head noun last in English names, so the rightmost match says what the column is;
        # then the most specific (longest), then the most confident; configured words win ties.
        return (self.end, self.end - self.start, _RANK[self.term.confidence],
                int(self.term.configured))


def _matches(tokens: tuple[str, ...], vocab: Vocabulary) -> list[_Match]:
    out = []
    for i, token in enumerate(tokens):
        for term in vocab.index.get(token, ()):
            end = i + len(term.tokens)
            if tokens[i:end] == term.tokens:
                out.append(_Match(term, i, end))
    return out


def _type_idents(type_expr: str | None) -> frozenset[str]:
    return frozenset(_IDENT.findall(type_expr or "")) if type_expr else frozenset()


def _describe(m: _Match, written: tuple[str, ...]) -> str:
    # Quote the column's own words (notes, not the singular we compared).
    if m.term.configured:
        return f"configured name '{m.term.text}'"
    span = written[m.start:m.end]
    if len(span) == 1:
        return f"name token '{span[0]}'"
    return f"name '{'_'.join(span)}'"


def _name_only(
    tokens: tuple[str, ...], written: tuple[str, ...], vocab: Vocabulary
) -> tuple[Classification | None, bool]:
    """Classify by name; the flag says a negative rule ruled the name out (types can't revive)."""
    matches = _matches(tokens, vocab)
    # The user's own words beat the shipped negatives when they name the whole column.
    for m in matches:
        if m.term.configured and m.start == 0 and m.end == len(tokens):
            return Classification(m.term.category, "high", _describe(m, written)), False
    if any(_find(tokens, p) >= 0 for p in vocab.negative_phrases):
        return None, True
    if tokens[0] in vocab.flag_prefixes and len(tokens) > 1:
        return None, True
    for suffix in vocab.metadata_suffixes:
        n = len(suffix)
        # api_key_id is metadata, but tax_id is an identifier: an entry that itself covers
        # the suffix wins.
        if (len(tokens) > n and tokens[-n:] == suffix
                and not any(m.end == len(tokens) and m.end - m.start > n for m in matches)):
            return None, True
    if not matches:
        return None, False
    best = max(matches, key=_Match.sort_key)
    reason = _describe(best, written)
    return Classification(best.term.category, best.term.confidence, reason), False


def ruled_out(name: str, vocab: Vocabulary | None = None) -> bool:
    """True when the negative list or ``ignore-names`` says the name holds no data.

    ``api_key_id`` names a reference, not a key: no similar-looking field may flag it either.
    """
    vocab = vocab or load_vocabulary()
    tokens = normalize(name)
    if not tokens or _ignored(name, vocab):
        return True
    return _name_only(tokens, tokenize(name), vocab)[1]


def _ignored(name: str, vocab: Vocabulary) -> bool:
    """`ignore-names` from the config: exact names or globs, on the snake_case spelling too."""
    snake = _snake(name)
    return any(fnmatchcase(snake, p) or fnmatchcase(name.lower(), p) for p in vocab.ignore_names)


def classify(
    name: str, type_expr: str | None = None, vocab: Vocabulary | None = None
) -> Classification | None:
    """Category, confidence and the evidence for it, or None when nothing points to data."""
    vocab = vocab or load_vocabulary()
    key = (name, type_expr)
    if key not in vocab.memo:
        vocab.memo[key] = _classify(name, type_expr, vocab)
    return vocab.memo[key]


def _classify(name: str, type_expr: str | None, vocab: Vocabulary) -> Classification | None:
    tokens = normalize(name)
    if not tokens or _ignored(name, vocab):
        return None
    idents = _type_idents(type_expr)
    if idents & vocab.flag_types:
        return None
    result, ruled_out = _name_only(tokens, tokenize(name), vocab)
    if ruled_out:
        return None
    scalar = sorted(idents & vocab.scalar_types)
    if scalar and result is not None and result.category in ("credential", "free_text"):
        return None  # a number or a date cannot hold a token or a sentence
    encrypted = sorted(idents & vocab.encrypted_types)
    if encrypted:
        evidence = f"encrypted column type '{encrypted[0]}'"
        if result is None:
            return Classification("credential", "medium", evidence)
        if result.category == "credential":
            return Classification("credential", "high", f"{result.reason} and {evidence}")
        return result
    binary = sorted(idents & vocab.binary_types)
    if binary and (result is None or result.category == "credential"):
        secret_tokens = [t for t in tokens if t in vocab.binary_secret_tokens]
        if secret_tokens:
            return Classification(
                "credential", "high",
                f"name token '{secret_tokens[-1]}' on binary column type '{binary[0]}'",
            )
    if result is not None or scalar:
        return result
    return _blob(tokens, idents, vocab)


def _blob(tokens: tuple[str, ...], idents: frozenset[str],
          vocab: Vocabulary) -> Classification | None:
    json_types = sorted(idents & vocab.json_types)
    if not json_types and idents and not idents & vocab.text_types:
        return None  # a short String named "metadata" is a label, not a blob
    snake = "_".join(tokens)
    hit = next((b for b in vocab.blob_names if snake == b or snake.endswith("_" + b)), None)
    if hit is None and tokens[0] in vocab.blob_prefixes and len(tokens) > 1:
        hit = f"{tokens[0]}_*"
    if hit is None:
        return None
    if json_types:
        return Classification("free_text", "medium",
                              f"JSON blob '{hit}' of type '{json_types[0]}' may hold user data")
    return Classification("free_text", "low", f"blob name '{hit}' may hold user data")


def classify_column(column: Column, vocab: Vocabulary | None = None) -> Column:
    """The column with ``category``/``confidence`` filled in (both None when not sensitive)."""
    found = classify(column.column, column.type, vocab)
    if found is None and column.attribute and column.attribute != column.column:
        found = classify(column.attribute, column.type, vocab)
    return dataclasses.replace(
        column,
        category=found.category if found else None,
        confidence=found.confidence if found else None,
    )

"""Which masking strategy suits which column (MR008 weak-strategy, MR009 quasi-identifier).

Also the safe default strategy per column, which ``reviewer.similar.suggest_rule`` falls back to
so that a suggested rule never trips the check that judges it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

from reviewer.strategies import CATEGORY_DEFAULTS, IDENTIFIER_FAKES, STRATEGIES
from reviewer.types import Category, Column, Rule

if TYPE_CHECKING:
    from reviewer.types import Classification

# The classifier's words are imported where a rule is worked out, not here: MR008 judges every
# rule, and on a warm check with nothing weak it never needs them (~5 ms of start-up).

# A secret in a NOT NULL column gets a fixed placeholder rather than random data: a random
# value shaped like a token can be mistaken for a usable one (and trips secret scanners), while
# "masked" is obviously not a secret and identical across rows, so nothing links. A unique
# column cannot hold one placeholder twice, so it gets `random` instead.
PLACEHOLDER = "masked"

# Why each unsafe strategy is wrong for a secret, completing "... with 'hash', which ...".
_CREDENTIAL_WHY: dict[str, str] = {
    "hash": "keeps values linkable across copies and lets a leaked hash be matched",
    "keep": "copies the secret unchanged",
    "redact": "keeps telling prefixes and suffixes such as sk_live_",
    "shred": "leaves a realistic-looking value that can be mistaken for a usable one",
    "generalize": "does not remove the secret",
}
_FAKE_WHY = "leaves a realistic-looking value that can be mistaken for a usable one"

# Full-resolution strategies for a quasi-identifier: every distinct value survives.
_FULL_RESOLUTION: dict[str, str] = {
    "keep": "copied unchanged",
    "hash": "hashed, which keeps every distinct value",
    "redact": "only partly redacted",
}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# Identifier tokens that share a word with a postal fake but are not postal (ip_address).
_NOT_POSTAL = frozenset({"ip", "mac", "ipaddress", "remote"})


def _category(column: Column, classification: Classification | None) -> Category | None:
    return classification.category if classification else column.category


def _scalar(column: Column) -> bool:
    return _scalar_type(column.type or "")


@lru_cache(maxsize=1024)
def _scalar_type(type_expr: str) -> bool:
    """Whether a type takes no placeholder string; by type, as written: suggesting rules asks
    once per candidate, thousands of times over a few dozen types."""
    from reviewer.name_verdicts import scalars
    from reviewer.vocabulary import load_vocabulary

    idents = frozenset(_IDENT.findall(type_expr))
    return bool(scalars(idents, load_vocabulary()))


def _unique_alternative(column: Column, category: Category | None) -> str:
    fake = _identifier_fake(column) if category == "direct_identifier" else None
    if fake and STRATEGIES[fake].keeps_unique:
        return fake
    return "hash" if category == "direct_identifier" else "random"


def _identifier_fake(column: Column) -> str | None:
    from reviewer.vocabulary import normalize

    # Both names speak: `owner = db.Column("owner", ...)` mapped as `owner_email` holds emails.
    for name in dict.fromkeys((column.column, column.attribute or column.column)):
        tokens = normalize(name)
        if _NOT_POSTAL & set(tokens):
            return None
        # The vocabulary order ranks them: email_address is an email before it is an address.
        for word, fake in IDENTIFIER_FAKES.items():
            if word in tokens:
                return fake
    return None


def default_rule(column: Column, classification: Classification | None) -> Rule:
    """The category's safe default for this column, adjusted for NOT NULL and unique."""
    category = _category(column, classification)
    strategy = CATEGORY_DEFAULTS.get(category, "null") if category else "null"
    if category == "direct_identifier":
        strategy = _identifier_fake(column) or strategy
    if column.unique and not STRATEGIES[strategy].keeps_unique:
        strategy = _unique_alternative(column, category)
    value: object = None
    if STRATEGIES[strategy].writes_null and not column.nullable and not column.primary_key:
        if column.unique or _scalar(column):
            strategy = "random"  # one placeholder would collide, or would not fit the type
        else:
            strategy, value = "static", PLACEHOLDER
    return Rule(table=column.table, column=column.column, strategy=strategy, value=value)


def weak_strategy(rule: Rule, column: Column, classification: Classification | None) -> str | None:
    """Why ``rule`` is the wrong strategy for ``column`` (MR008), or None when it is fine."""
    strategy = STRATEGIES.get(rule.strategy)
    if strategy is None:
        return None  # an unknown strategy is a rules-file schema error (MR006), not ours
    name = column.qualname
    category = _category(column, classification)
    if category == "credential" and not strategy.safe_for_credentials:
        why = _CREDENTIAL_WHY.get(strategy.name, _FAKE_WHY)
        evidence = f" ({classification.reason})" if classification else ""
        alt = default_rule(column, classification)
        return (f"{name} looks like a credential{evidence} but is masked with "
                f"'{strategy.name}', which {why}; use {_describe(alt)} instead")
    if strategy.writes_null and not column.nullable and not column.primary_key:
        alt = default_rule(column, classification)
        return (f"{name} is NOT NULL, so strategy '{strategy.name}' will make the masked copy "
                f"fail to load; use {_describe(alt)} instead")
    if column.unique and not strategy.keeps_unique:
        alt_name = _unique_alternative(column, category)
        return (f"{name} is unique=True, but '{strategy.name}' can give two rows the same value, "
                f"so the masked copy will fail the unique constraint; use '{alt_name}' instead")
    if strategy.name == "keep" and not (rule.note and rule.note.strip()):
        alt = default_rule(column, classification)
        return (f"{name} uses 'keep' without a note; add a \"note\" saying why copying it "
                f"unchanged is safe, or mask it with {_describe(alt)}")
    return None


def _describe(rule: Rule) -> str:
    if rule.value is not None:
        return f"'{rule.strategy}' with value {rule.value!r}"
    return f"'{rule.strategy}'"


def quasi_identifier_note(
    column: Column, rule: Rule | None, classification: Classification | None
) -> str | None:
    """MR009: a quasi-identifier left at full resolution; suggests ``generalize``.

    A missing rule counts as full resolution, since the column is then copied as is; the caller
    decides whether unlabelled columns deserve the note.
    """
    if _category(column, classification) != "quasi_identifier":
        return None
    if rule is None:
        how = "copied unmasked (no rule)"
    elif rule.strategy in _FULL_RESOLUTION:
        how = _FULL_RESOLUTION[rule.strategy]
    else:
        return None
    evidence = f" ({classification.reason})" if classification else ""
    return (f"{column.qualname} looks like a quasi-identifier{evidence} and is {how}; combined "
            f"with other fields it can single a person out. Consider 'generalize' (birthdate to "
            f"year, postcode to prefix, coordinates to a coarse grid).")

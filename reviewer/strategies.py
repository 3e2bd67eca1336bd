"""The masking strategy vocabulary: what each strategy does and where it is safe.

This is the one place the strategy names live; the rules schema, the README table and the
weak-strategy check (MR008) all read it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Strategy:
    name: str
    intent: str
    safe_for_credentials: bool  # removes the secret outright: nothing usable or linkable is left
    keeps_unique: bool  # distinct inputs stay distinct, so a unique=True column still loads
    writes_null: bool = False
    # the output is a function of the input, so one person or secret maps to the same value in
    # every table and every nightly copy: rows stay linkable across copies
    linkable: bool = False


STRATEGIES: dict[str, Strategy] = {
    s.name: s
    for s in (
        Strategy("null", "Set the value to NULL. The default for secrets.",
                 safe_for_credentials=True, keeps_unique=True, writes_null=True),
        Strategy("empty", "Replace with an empty string, list or object.",
                 safe_for_credentials=True, keeps_unique=False),
        Strategy("static", "Replace with a fixed placeholder given in `value`.",
                 safe_for_credentials=True, keeps_unique=False),
        Strategy("random", "Replace with random data of the same shape; not linkable.",
                 safe_for_credentials=True, keeps_unique=True),
        Strategy("fake_email", "Deterministic realistic e-mail; joins and uniqueness survive.",
                 safe_for_credentials=False, keeps_unique=True, linkable=True),
        Strategy("fake_name", "Deterministic realistic person or company name.",
                 safe_for_credentials=False, keeps_unique=False, linkable=True),
        Strategy("fake_phone", "Deterministic realistic phone number.",
                 safe_for_credentials=False, keeps_unique=False, linkable=True),
        Strategy("fake_address", "Deterministic realistic postal address.",
                 safe_for_credentials=False, keeps_unique=False, linkable=True),
        Strategy("fake_text", "Realistic filler text of similar length.",
                 safe_for_credentials=False, keeps_unique=False),
        Strategy("hash", "Keyed deterministic hash; values stay linkable. Never for secrets.",
                 safe_for_credentials=False, keeps_unique=True, linkable=True),
        Strategy("redact", "Partial mask keeping a prefix or suffix (e.g. last 4). "
                 "Never for secrets: prefixes such as sk_live_ survive.",
                 safe_for_credentials=False, keeps_unique=False, linkable=True),
        Strategy("generalize", "Reduce resolution: birthdate to year, postcode to prefix.",
                 safe_for_credentials=False, keeps_unique=False, linkable=True),
        Strategy("shred", "Replace free text with nonsense of the same length and structure.",
                 safe_for_credentials=False, keeps_unique=False),
        Strategy("keep", "Copy unchanged. Requires a `note` saying why that is safe.",
                 safe_for_credentials=False, keeps_unique=True, linkable=True),
    )
}

# The safe default per category when no similar rule exists (issue: "the exact rule").
CATEGORY_DEFAULTS: dict[str, str] = {
    "credential": "null",
    "direct_identifier": "hash",
    "quasi_identifier": "generalize",
    "financial": "null",
    "free_text": "shred",
}
# Direct identifiers get a realistic fake matched to what they hold, by name token.
IDENTIFIER_FAKES: dict[str, str] = {
    "email": "fake_email",
    "name": "fake_name",
    "phone": "fake_phone",
    "mobile": "fake_phone",
    "address": "fake_address",
    "street": "fake_address",
}


def docs_table() -> str:
    rows = ["| strategy | intent | safe for secrets |", "| --- | --- | --- |"]
    rows += [
        f"| `{s.name}` | {s.intent} | {'yes' if s.safe_for_credentials else 'no'} |"
        for s in STRATEGIES.values()
    ]
    return "\n".join(rows)

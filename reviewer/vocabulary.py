"""The words the classifier knows and how a name is split into them.

``vocabulary.toml`` beside this module holds the words, each rule of thumb with the real
column that motivated it; ``load_vocabulary`` reads it once (extended by a repository's
``sensitive-names`` and ``ignore-names``) into a frozen ``Vocabulary``. ``tokenize``,
``normalize`` and ``words`` split a column, table or class name the same way on both sides of
every comparison: lower-case, singular, canonical, concatenated words split against the
vocabulary (``clientsecret`` reads as client, secret).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

from reviewer.types import (
    CATEGORIES,
    Category,
    Classification,
    Confidence,
    Config,
)

CONFIDENCES: tuple[Confidence, ...] = ("high", "medium", "low")

# Acronym before a capitalised word (HTTPServer -> HTTP), a capitalised or lower word, an
# acronym at the end, or a bare number; digits stay on the word they follow (line1, s3).
_TOKEN = re.compile(r"[A-Z]+(?=[A-Z][a-z])[0-9]*|[A-Z]?[a-z]+[0-9]*|[A-Z]+[0-9]*|[0-9]+")
# a word followed by a number: pin1, password2, key2
_NUMBERED = re.compile(r"([a-z]{2,})[0-9]+")


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
    negative_phrases: frozenset[tuple[str, ...]]
    qualified_heads: frozenset[tuple[str, ...]]
    whole_name: frozenset[tuple[str, ...]]
    prose_attributes: frozenset[str]
    representations: frozenset[str]
    location_suffixes: frozenset[str]
    about_suffixes: frozenset[str]
    material: frozenset[tuple[str, ...]]
    material_max_length: int
    sized_types: frozenset[str]
    flag_max_length: int
    flag_prefixes: frozenset[str]
    metadata_suffixes: tuple[tuple[str, ...], ...]
    ignore_names: tuple[str, ...]  # fnmatch globs on the snake_case name
    encrypted_types: frozenset[str]
    encrypted_prefixes: frozenset[str]
    binary_types: frozenset[str]
    binary_secret_tokens: frozenset[str]
    long_text_secret_heads: frozenset[str]
    long_text_min_length: int
    json_types: frozenset[str]
    mapping_types: frozenset[str]
    claim_blobs: frozenset[str]
    idp_subjects: frozenset[str]
    provider_table_subjects: frozenset[str]
    identity_providers: frozenset[str]
    message_headers: frozenset[str]
    text_types: frozenset[str]
    blob_names: frozenset[str]
    blob_prefixes: frozenset[str]
    credential_blobs: frozenset[str]
    secret_type_prefixes: frozenset[str]
    encrypted_flags: frozenset[str]
    flag_types: frozenset[str]
    scalar_types: frozenset[str]
    vendor_prefixes: frozenset[str]
    sibling_suffixes: tuple[str, ...]
    # [context]: evidence from the table, the siblings and the comments
    secret_tables: tuple[tuple[str, ...], ...] = ()
    bare_secrets: frozenset[str] = frozenset()
    bare_alone: frozenset[str] = frozenset()
    expiry_siblings: frozenset[str] = frozenset()
    grant_siblings: frozenset[str] = frozenset()
    file_siblings: frozenset[str] = frozenset()
    grant_codes: frozenset[str] = frozenset()
    expiry_heads: frozenset[str] = frozenset()
    hashed_subjects: frozenset[str] = frozenset()
    person_tables: frozenset[str] = frozenset()
    machine_person_tables: tuple[tuple[str, ...], ...] = ()
    person_row_words: frozenset[str] = frozenset()
    secret_words: tuple[tuple[str, ...], ...] = ()
    authenticator_words: tuple[tuple[str, ...], ...] = ()
    negations: frozenset[str] = frozenset()
    person_qualifiers: frozenset[str] = frozenset()
    public_words: tuple[tuple[str, ...], ...] = ()
    config_tables: tuple[tuple[str, ...], ...] = ()
    config_owners: frozenset[str] = frozenset()
    audit_tables: tuple[tuple[str, ...], ...] = ()
    audit_actors: frozenset[str] = frozenset()
    org_tables: frozenset[tuple[str, ...]] = frozenset()
    mailbox_tables: tuple[tuple[str, ...], ...] = ()
    mailbox_words: frozenset[str] = frozenset()  # the address's words and the office's
    author_siblings: frozenset[str] = frozenset()
    by_name_types: frozenset[str] = frozenset()
    by_name_type_sizes: frozenset[str] = frozenset()
    by_verbs: frozenset[str] = frozenset()
    to_verbs: frozenset[str] = frozenset()
    user_verbs: frozenset[str] = frozenset()
    by_nouns: frozenset[str] = frozenset()
    login_nouns: frozenset[str] = frozenset()
    person_only: frozenset[tuple[str, ...]] = frozenset()
    text_only: frozenset[tuple[str, ...]] = frozenset()
    personal_siblings: frozenset[str] = frozenset()
    machine_ip_qualifiers: frozenset[str] = frozenset()
    person_ip_qualifiers: frozenset[str] = frozenset()
    person_ip_prepositions: frozenset[str] = frozenset()
    address_locators: frozenset[str] = frozenset()
    network_siblings: frozenset[str] = frozenset()
    sealing_flags: frozenset[str] = frozenset()
    sealed_names: frozenset[str] = frozenset()
    external_account_names: frozenset[str] = frozenset()
    scoped_account_names: frozenset[str] = frozenset()
    tenant_scopes: frozenset[str] = frozenset()
    tenant_owner_names: frozenset[str] = frozenset()
    person_prose: frozenset[tuple[str, ...]] = frozenset()
    audit_seals: frozenset[tuple[str, ...]] = frozenset()
    audit_outcomes: frozenset[tuple[str, ...]] = frozenset()
    visit_siblings: frozenset[str] = frozenset()
    visit_words: frozenset[str] = frozenset()
    identity_tables: tuple[tuple[str, ...], ...] = ()
    identity_ids: frozenset[str] = frozenset()
    handle_id_suffixes: frozenset[str] = frozenset()
    recipient_names: frozenset[str] = frozenset()
    sender_names: frozenset[str] = frozenset()
    session_tables: tuple[tuple[str, ...], ...] = ()
    recorded_sessions: tuple[tuple[str, ...], ...] = ()
    session_ids: frozenset[str] = frozenset()
    activity_siblings: frozenset[str] = frozenset()
    postal_parts: frozenset[str] = frozenset()
    key_ids: frozenset[str] = frozenset()  # api_key beside api_secret: the pair's identifier
    private_halves: frozenset[tuple[str, ...]] = frozenset()
    public_halves: frozenset[str] = frozenset()
    message_tables: tuple[tuple[str, ...], ...] = ()
    person_external_ids: frozenset[str] = frozenset()
    delivery_tables: tuple[tuple[str, ...], ...] = ()
    delivery_payloads: frozenset[str] = frozenset()
    head_only: frozenset[tuple[str, ...]] = frozenset()
    # direct identifiers a number or a date may hold (a phone number as an integer)
    numeric_identifiers: frozenset[tuple[str, ...]] = frozenset()
    # credentials an integer may hold (a one-time code), and the integer types
    numeric_credentials: frozenset[tuple[str, ...]] = frozenset()
    integer_types: frozenset[str] = frozenset()
    scalar_phrases: frozenset[tuple[str, ...]] = frozenset()
    owned_heads: frozenset[tuple[str, ...]] = frozenset()
    head_owners: frozenset[str] = frozenset()
    # [split]: words a concatenated token (otpkey, clientsecret) may be split into
    split_words: frozenset[str] = frozenset()
    split_min_token: int = 0
    # the one-word credentials (pin, password, secret): a numbered copy of one reads as the word
    # (pin1, password2), where a numbered address or remark is a first and second of a kind
    numbered_stems: frozenset[str] = frozenset()
    # [credential] qualified_low: a low word that takes the confidence of the credential word
    # right before it (otp_key)
    qualified_low: frozenset[tuple[str, ...]] = frozenset()
    hashed_types: frozenset[str] = frozenset()
    verifier_suffixes: frozenset[str] = frozenset()
    # [code]: the keys the repository's code keeps in a blob (reviewer.blob_keys)
    keyed_type_words: frozenset[str] = frozenset()
    unique_attribute_min_words: int = 2
    key_not_secret: frozenset[str] = frozenset()
    key_about_suffixes: frozenset[str] = frozenset()
    field_names: frozenset[str] = frozenset()  # as written, lower case
    person_key_words: frozenset[str] = frozenset()
    row_key_words: frozenset[str] = frozenset()
    row_value_words: frozenset[str] = frozenset()
    # [values]: how the code makes and checks a column's value (reviewer.value_sources)
    values: ValueWords | None = None
    # [declared]: what the code declares secret (reviewer.declared_secrets)
    declared: DeclaredWords | None = None
    # terms by first token, derived from ``terms``; excluded from eq/hash so the value stays
    # hashable
    index: Mapping[str, tuple[Term, ...]] = field(
        default_factory=dict, hash=False, compare=False, repr=False
    )
    # classify() answers by (name, type): schemas repeat a few dozen names thousands of times
    memo: dict[tuple[str, str | None], Classification | None] = field(
        default_factory=dict, init=False, hash=False, compare=False, repr=False
    )
    words_memo: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = field(
        default_factory=dict, init=False, hash=False, compare=False, repr=False
    )
    ruled_out_memo: dict[str, bool] = field(
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


def singular(token: str) -> str:
    # Crude on purpose: applied to both sides, so it only has to be consistent, not English.
    if len(token) > 3 and token.endswith("s") and not token.endswith("ss"):
        return token[:-1]
    return token


@lru_cache(maxsize=65536)  # schemas repeat a few hundred names thousands of times
def normalize(name: str) -> tuple[str, ...]:
    """Tokens as compared against the vocabulary: lower-case, singular and canonical."""
    return tuple(_canonical(singular(t)) for t in tokenize(name))


def _canonical(token: str) -> str:
    """One spelling for words that mean the same ([split] synonyms: uri is url)."""
    return _synonyms().get(token, token)


@lru_cache(maxsize=1)
def _synonyms() -> Mapping[str, str]:
    table = _shipped().get("split", {}).get("synonyms", {})
    if not isinstance(table, dict) or not all(
            isinstance(v, dict) and isinstance(v.get("as"), str) and v.get("example")
            for v in table.values()):
        raise ValueError("vocabulary.toml: [split] synonyms: each needs `as` and an example")
    return {k: v["as"] for k, v in table.items()}


def _segment(token: str, words: frozenset[str]) -> list[str] | None:
    """``otpkey`` -> otp, key: the fewest vocabulary words that spell the token exactly."""
    best: dict[int, list[str]] = {0: []}
    for end in range(1, len(token) + 1):
        options = [best[start] + [token[start:end]] for start in range(end)
                   if start in best and token[start:end] in words]
        if options:
            best[end] = min(options, key=len)
    found = best.get(len(token))
    return found if found and len(found) > 1 else None


def words(name: str, vocab: Vocabulary) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The name's compared tokens and the same tokens as written, with concatenated words
    split against the vocabulary: ``clientsecret`` reads as client, secret; ``userPassword``
    was split by its capital already. A token that is a vocabulary word itself stays whole
    (``password`` is not pass + word), and so does one no set of vocabulary words spells."""
    if name in vocab.words_memo:
        return vocab.words_memo[name]
    tokens: list[str] = []
    written: list[str] = []
    for raw in tokenize(name):
        token = _canonical(singular(raw))
        numbered = _NUMBERED.fullmatch(token)
        if numbered and numbered[1] in vocab.numbered_stems and token not in vocab.index:
            # a numbered copy of a word is that word: pyhss's auc.pin1 and pin2 are PINs (a
            # word of the vocabulary's own, as auth0, stays)
            token = numbered[1]
        parts = (_segment(token, vocab.split_words)
                 if len(token) >= vocab.split_min_token and token.isalpha()
                 and token not in vocab.split_words and token not in vocab.index else None)
        if parts is None:
            tokens.append(token)
            written.append(raw)
            continue
        start = 0
        for i, part in enumerate(parts):
            # the written token keeps its plural on the last part (clientsecrets)
            end = len(raw) if i == len(parts) - 1 else start + len(part)
            tokens.append(part)
            written.append(raw[start:end])
            start = end
    vocab.words_memo[name] = found = (tuple(tokens), tuple(written))
    return found


def _strs(table: Mapping[str, Any], key: str) -> list[str]:
    """A list of words; a word may be written ``{ name = ..., example = ... }``, and a rule of
    thumb added to the vocabulary must be: the example is the real column that motivated it."""
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ValueError(f"vocabulary.toml: {key!r} must be a list")
    out = []
    for v in value:
        if isinstance(v, dict):
            if not (isinstance(v.get("name"), str) and isinstance(v.get("example"), str)
                    and v["example"].strip()):
                raise ValueError(f"vocabulary.toml: {key!r}: {v!r} needs a name and an example")
            v = v["name"]
        if not isinstance(v, str):
            raise ValueError(f"vocabulary.toml: {key!r} must hold strings")
        out.append(v)
    return out


@lru_cache(maxsize=1)
def _shipped() -> Mapping[str, Any]:
    from reviewer.cache import parsed_toml

    text = resources.files("reviewer").joinpath("vocabulary.toml").read_text(encoding="utf-8")
    return parsed_toml(text)


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
    quasi = data["quasi_identifier"]
    providers = _strs(quasi, "identity_providers")
    terms += _terms((f"{provider}_{suffix}" for provider in providers
                     for suffix in _strs(quasi, "identity_provider_suffixes")),
                    "quasi_identifier", "medium")
    for category, names in config_names:
        terms += _terms(names, category, "high", configured=True)
    neg, types, similar, ctx = data["negative"], data["types"], data["similar"], data["context"]
    index: dict[str, list[Term]] = {}
    for term in terms:
        index.setdefault(term.tokens[0], []).append(term)
    return Vocabulary(
        terms=tuple(terms),
        negative_phrases=frozenset(t for t in map(normalize, _strs(neg, "phrases")) if t),
        qualified_heads=frozenset(_phrases(data["credential"], "qualified_heads")),
        whole_name=frozenset(_phrases(data["credential"], "whole_name")),
        prose_attributes=frozenset(map(singular, _strs(data["free_text"], "prose_attributes"))),
        representations=frozenset(map(singular, _strs(data["free_text"], "representations"))),
        location_suffixes=frozenset(map(singular, _strs(data["credential"], "location_suffixes"))),
        about_suffixes=frozenset(map(singular, _strs(data["credential"], "about_suffixes"))),
        material=frozenset(_phrases(data["credential"], "material")),
        material_max_length=int(data["credential"]["material_max_length"]),
        sized_types=frozenset(_strs(types, "sized")),
        flag_max_length=int(types["flag_max_length"]),
        flag_prefixes=frozenset(singular(p) for p in _strs(neg, "flag_prefixes")),
        metadata_suffixes=tuple(t for t in map(normalize, _strs(neg, "metadata_suffixes")) if t),
        ignore_names=tuple(snake_case(n) if "*" not in n and "?" not in n else n.lower()
                           for n in (*_strs(neg, "names"), *ignore)),
        encrypted_types=frozenset(_strs(types, "encrypted")),
        encrypted_prefixes=frozenset(map(singular, _strs(types, "encrypted_prefixes"))),
        binary_types=frozenset(_strs(types, "binary")),
        binary_secret_tokens=frozenset(map(singular, _strs(types, "binary_secret_tokens"))),
        long_text_secret_heads=frozenset(map(singular, _strs(types, "long_text_secret_heads"))),
        long_text_min_length=int(types["long_text_min_length"]),
        json_types=frozenset(_strs(types, "json")),
        mapping_types=frozenset(_strs(types, "mapping")),
        claim_blobs=frozenset(map(snake_norm, _strs(types, "claim_blobs"))),
        idp_subjects=frozenset(map(snake_norm, _strs(quasi, "idp_subjects"))),
        provider_table_subjects=frozenset(map(snake_norm, _strs(quasi,
                                                                "provider_table_subjects"))),
        identity_providers=frozenset(map(snake_norm, providers)),
        message_headers=frozenset(map(snake_norm, _strs(ctx, "message_headers"))),
        text_types=frozenset(_strs(types, "text")),
        blob_names=frozenset("_".join(normalize(n)) for n in _strs(types, "blob_names")),
        blob_prefixes=frozenset(map(singular, _strs(types, "blob_prefixes"))),
        credential_blobs=frozenset("_".join(normalize(n))
                                   for n in _strs(types, "credential_blobs")),
        secret_type_prefixes=frozenset(map(singular, _strs(types, "secret_type_prefixes"))),
        encrypted_flags=frozenset(_strs(types, "encrypted_flags")),
        flag_types=frozenset(_strs(types, "flag")),
        scalar_types=frozenset(_strs(types, "scalar")),
        vendor_prefixes=frozenset(_strs(similar, "vendor_prefixes")),
        sibling_suffixes=tuple(_strs(similar, "sibling_suffixes")),
        secret_tables=_phrases(ctx, "secret_tables"),
        bare_secrets=frozenset("_".join(normalize(n)) for n in _strs(ctx, "bare_secrets")),
        bare_alone=frozenset("_".join(normalize(n)) for n in _strs(ctx, "bare_alone")),
        expiry_siblings=frozenset("_".join(normalize(n)) for n in _strs(ctx, "expiry_siblings")),
        grant_siblings=frozenset(map(snake_norm, _strs(ctx, "grant_siblings"))),
        file_siblings=frozenset(map(snake_norm, _strs(ctx, "file_siblings"))),
        grant_codes=frozenset(map(snake_norm, _strs(ctx, "grant_codes"))),
        expiry_heads=frozenset(map(snake_norm, _strs(ctx, "expiry_heads"))),
        hashed_subjects=frozenset(map(singular, _strs(ctx, "hashed_subjects"))),
        person_tables=frozenset("_".join(normalize(n)) for n in _strs(ctx, "person_tables")),
        machine_person_tables=_phrases(ctx, "machine_person_tables"),
        person_row_words=frozenset(map(snake_norm, _strs(ctx, "person_row_words"))),
        secret_words=_phrases(ctx, "secret_words"),
        authenticator_words=_phrases(ctx, "authenticator_words"),
        negations=frozenset(t for n in _strs(ctx, "negations") for t in normalize(n)),
        person_qualifiers=frozenset(map(singular, _strs(ctx, "person_qualifiers"))),
        public_words=_phrases(ctx, "public_words"),
        config_tables=_phrases(ctx, "config_tables"),
        config_owners=frozenset(map(singular, _strs(ctx, "config_owners"))),
        audit_tables=_phrases(ctx, "audit_tables"),
        audit_actors=frozenset("_".join(normalize(n)) for n in _strs(ctx, "audit_actors")),
        org_tables=frozenset(_phrases(ctx, "org_tables")),
        mailbox_tables=_phrases(ctx, "mailbox_tables"),
        mailbox_words=frozenset(map(singular, (*_strs(ctx, "mailbox_words"),
                                               *_strs(ctx, "mailbox_qualifiers")))),
        author_siblings=frozenset("_".join(normalize(n)) for n in _strs(ctx, "author_siblings")),
        by_name_types=frozenset(_strs(ctx, "by_name_types")),
        by_name_type_sizes=frozenset(_strs(ctx, "by_name_type_sizes")),
        by_verbs=frozenset(map(singular, _strs(ctx, "by_verbs"))),
        to_verbs=frozenset(map(singular, _strs(ctx, "to_verbs"))),
        user_verbs=frozenset(map(singular, _strs(ctx, "user_verbs"))),
        by_nouns=frozenset(map(snake_norm, _strs(ctx, "by_nouns"))),
        login_nouns=frozenset(map(snake_norm, _strs(ctx, "login_nouns"))),
        person_only=frozenset(_phrases(ctx, "person_only")),
        text_only=frozenset(_phrases(ctx, "text_only")),
        personal_siblings=frozenset(map(snake_norm, _strs(ctx, "personal_siblings"))),
        machine_ip_qualifiers=frozenset(map(singular, _strs(ctx, "machine_ip_qualifiers"))),
        person_ip_qualifiers=frozenset(map(singular, _strs(ctx, "person_ip_qualifiers"))),
        person_ip_prepositions=frozenset(_strs(ctx, "person_ip_prepositions")),
        address_locators=frozenset(map(singular, _strs(ctx, "address_locators"))),
        network_siblings=frozenset(map(snake_norm, _strs(ctx, "network_siblings"))),
        sealing_flags=frozenset(map(snake_norm, _strs(ctx, "sealing_flags"))),
        sealed_names=frozenset(map(snake_norm, _strs(ctx, "sealed_names"))),
        external_account_names=frozenset(map(snake_norm, _strs(ctx, "external_account_names"))),
        scoped_account_names=frozenset(map(snake_norm, _strs(ctx, "scoped_account_names"))),
        tenant_scopes=frozenset(map(snake_norm, _strs(ctx, "tenant_scopes"))),
        tenant_owner_names=frozenset(map(snake_norm, _strs(ctx, "tenant_owner_names"))),
        person_prose=frozenset(_phrases(ctx, "person_prose")),
        audit_seals=frozenset(_phrases(ctx, "audit_seals")),
        audit_outcomes=frozenset(_phrases(ctx, "audit_outcomes")),
        visit_siblings=frozenset(map(snake_norm, _strs(ctx, "visit_siblings"))),
        visit_words=frozenset(map(snake_norm, _strs(ctx, "visit_words"))),
        identity_tables=_phrases(ctx, "identity_tables"),
        identity_ids=frozenset(map(snake_norm, _strs(ctx, "identity_ids"))),
        handle_id_suffixes=frozenset(map(snake_norm, _strs(ctx, "handle_id_suffixes"))),
        recipient_names=frozenset(map(snake_norm, _strs(ctx, "recipient_names"))),
        sender_names=frozenset(map(snake_norm, _strs(ctx, "sender_names"))),
        session_tables=_phrases(ctx, "session_tables"),
        recorded_sessions=_phrases(ctx, "recorded_sessions"),
        session_ids=frozenset(map(snake_norm, _strs(ctx, "session_ids"))),
        activity_siblings=frozenset(map(snake_norm, _strs(ctx, "activity_siblings"))),
        postal_parts=frozenset(map(snake_norm, _strs(ctx, "postal_parts"))),
        key_ids=frozenset(map(snake_norm, _strs(ctx, "key_ids"))),
        private_halves=frozenset(_phrases(ctx, "private_halves")),
        public_halves=frozenset(map(snake_norm, _strs(ctx, "public_halves"))),
        message_tables=_phrases(ctx, "message_tables"),
        person_external_ids=frozenset(map(snake_norm, _strs(ctx, "person_external_ids"))),
        delivery_tables=_phrases(ctx, "delivery_tables"),
        delivery_payloads=frozenset(map(snake_norm, _strs(ctx, "delivery_payloads"))),
        numeric_identifiers=frozenset(_phrases(data["direct_identifier"], "numbers")),
        numeric_credentials=frozenset(_phrases(data["credential"], "numbers")),
        integer_types=frozenset(_strs(types, "integer")),
        scalar_phrases=frozenset(_phrases(types, "scalar_phrases")),
        head_only=frozenset((*_phrases(data["direct_identifier"], "head_only"),
                             *_phrases(data["credential"], "head_only"),
                             *_phrases(data["quasi_identifier"], "head_only"))),
        owned_heads=frozenset(_phrases(data["credential"], "owned_heads")),
        head_owners=frozenset(map(snake_norm, _strs(data["credential"], "head_owners"))),
        split_words=_split_words(terms, data["split"], neg),
        numbered_stems=frozenset(term.tokens[0] for term in terms if len(term.tokens) == 1
                                 and term.category == "credential" and not term.configured),
        split_min_token=int(data["split"]["min_token"]),
        qualified_low=frozenset(_phrases(data["credential"], "qualified_low")),
        hashed_types=frozenset(_strs(types, "hashed")),
        verifier_suffixes=frozenset(map(singular, _strs(data["credential"], "verifier_suffixes"))),
        keyed_type_words=frozenset(map(singular, _strs(data["code"], "keyed_type_words"))),
        unique_attribute_min_words=int(data["code"]["unique_attribute_min_words"]),
        key_not_secret=frozenset(map(snake_norm, _strs(data["code"], "key_not_secret"))),
        row_key_words=frozenset(map(singular, _strs(data["code"], "row_key_words"))),
        row_value_words=frozenset(map(singular, _strs(data["code"], "row_value_words"))),
        key_about_suffixes=frozenset(map(singular, _strs(data["code"], "key_about_suffixes"))),
        field_names=frozenset(n.lower() for n in _strs(neg, "field_names")),
        person_key_words=frozenset(map(singular, _strs(data["code"], "person_key_words"))),
        values=_value_words(data["values"], frozenset(
            t for p in _phrases(ctx, "person_tables") for t in p)),
        declared=_declared_words(data.get("declared", {})),
        index={k: tuple(v) for k, v in index.items()},
    )


@dataclass(frozen=True)
class ValueWords:
    """[values] of vocabulary.toml: the calls and request attributes ``reviewer.value_sources``
    looks for (dotted names as the code spells them after its imports)."""

    generators: tuple[str, ...]
    identifier_words: frozenset[str]
    hashers: tuple[str, ...]
    hash_methods: frozenset[str]
    verify_methods: frozenset[str]
    hasher_words: frozenset[str]
    # a verifier's name, and the positions of the argument the stored value goes in (() for
    # any of the first two)
    verifiers: tuple[tuple[str, tuple[int, ...]], ...]
    request_words: frozenset[str]
    client_ip_attributes: tuple[str, ...]
    client_ip_headers: frozenset[str]  # lower-case
    client_ip_calls: tuple[str, ...]
    user_agent_attributes: tuple[str, ...]
    user_agent_headers: frozenset[str]  # lower-case
    copied_attributes: frozenset[str]  # snake_case
    person_words: frozenset[str]  # [context] person_tables
    public_words: frozenset[str] = frozenset()  # singular
    # a function whose name has a word starting with one of these anonymises: not evidence
    masking_functions: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclaredWords:
    """[declared] of vocabulary.toml: how ``reviewer.declared_secrets`` recognises what the
    code declares secret."""

    secret_types: frozenset[str]
    input_only_keywords: frozenset[str]
    list_secrecy_words: frozenset[str]
    list_name_words: frozenset[str]
    scrub_words: frozenset[str]
    generic_names: frozenset[str]


def _declared_words(table: Mapping[str, Any]) -> DeclaredWords:
    return DeclaredWords(
        secret_types=frozenset(_strs(table, "secret_types")),
        input_only_keywords=frozenset(_strs(table, "input_only_keywords")),
        list_secrecy_words=frozenset(map(singular, _strs(table, "list_secrecy_words"))),
        list_name_words=frozenset(map(singular, _strs(table, "list_name_words"))),
        scrub_words=frozenset(map(singular, _strs(table, "scrub_words"))),
        generic_names=frozenset(n.lower() for n in _strs(table, "generic_names")),
    )


def _value_words(table: Mapping[str, Any], person_words: frozenset[str]) -> ValueWords:
    verifiers = []
    for v in table.get("verifiers", []):
        reads = v.get("reads", []) if isinstance(v, dict) else []
        if not (isinstance(reads, list) and all(type(i) is int for i in reads)):
            raise ValueError(f"vocabulary.toml: verifiers: {v!r}: reads is a list of positions")
        verifiers.append(tuple(reads))
    names = _strs(table, "verifiers")
    return ValueWords(
        generators=tuple(_strs(table, "generators")),
        identifier_words=frozenset(map(singular, _strs(table, "identifier_words"))),
        hashers=tuple(_strs(table, "hashers")),
        hash_methods=frozenset(_strs(table, "hash_methods")),
        verify_methods=frozenset(_strs(table, "verify_methods")),
        hasher_words=frozenset(map(singular, _strs(table, "hasher_words"))),
        verifiers=tuple(zip(names, verifiers, strict=True)),
        request_words=frozenset(map(singular, _strs(table, "request_words"))),
        client_ip_attributes=tuple(_strs(table, "client_ip_attributes")),
        client_ip_headers=frozenset(h.lower() for h in _strs(table, "client_ip_headers")),
        client_ip_calls=tuple(_strs(table, "client_ip_calls")),
        user_agent_attributes=tuple(_strs(table, "user_agent_attributes")),
        user_agent_headers=frozenset(h.lower() for h in _strs(table, "user_agent_headers")),
        copied_attributes=frozenset(map(snake_norm, _strs(table, "copied_attributes"))),
        person_words=person_words,
        public_words=frozenset(map(singular, _strs(table, "public_words"))),
        masking_functions=tuple(_strs(table, "masking_functions")),
    )


def _split_words(terms: Sequence[Term], split: Mapping[str, Any],
                 neg: Mapping[str, Any]) -> frozenset[str]:
    """The words of the vocabulary's own entries (and of the negatives, so apikeyid splits to
    a metadata suffix), long enough not to turn up by chance inside ordinary words."""
    words = {t for term in terms if not term.configured for t in term.tokens}
    words |= {t for p in _phrases(neg, "phrases") for t in p}
    words |= {t for p in _phrases(neg, "metadata_suffixes") for t in p}
    short = set(_strs(split, "short_words"))
    minimum = int(split["min_word"])
    never = set(_strs(split, "never"))
    return frozenset(w for w in words if w.isalpha() and w not in never
                     and (len(w) >= minimum or w in short))


def _phrases(table: Mapping[str, Any], key: str) -> tuple[tuple[str, ...], ...]:
    return tuple(t for t in map(normalize, _strs(table, key)) if t)


@lru_cache(maxsize=8)
def _cached(config_names: tuple[tuple[Category, tuple[str, ...]], ...],
            ignore: tuple[str, ...]) -> Vocabulary:
    return _build(config_names, ignore)


def load_vocabulary(config: Config | None = None) -> Vocabulary:
    """The shipped vocabulary, extended by ``sensitive-names`` and ``ignore-names``."""
    if config is None:
        return _cached((), ())
    return _cached(config.sensitive_names, config.ignore_names)


def snake_case(name: str) -> str:
    return "_".join(tokenize(name))


def contains_any(tokens: tuple[str, ...], phrases: frozenset[tuple[str, ...]]) -> bool:
    """Does any phrase occur as a contiguous run of ``tokens``? One set lookup per run, not
    one scan per phrase: every column and table name is checked against every negative."""
    return any(tokens[i:j] in phrases
               for i in range(len(tokens)) for j in range(i + 1, len(tokens) + 1))


def ends_with_any(tokens: tuple[str, ...], phrases: Iterable[tuple[str, ...]]) -> bool:
    """Is the name's head (its last words) one of ``phrases``? `api_tokens` ends with `token`;
    `token_info` does not."""
    return any(tokens[-len(p):] == p for p in phrases)


def snake_norm(name: str) -> str:
    return "_".join(normalize(name))

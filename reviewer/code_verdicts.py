"""What the repository's code says of a column, turned into its verdict: the keys the code keeps
in a blob or in a key/value row (``reviewer.blob_keys``, ``reviewer.row_keys``), how it makes
and checks the column's value (``reviewer.value_sources``), and what it declares secret
(``reviewer.declared_secrets``).

Those modules read the code; ``reviewer.classifier`` judges a column by what the models say
of it; this module raises that verdict where the code says more, and never lowers it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence

from reviewer.declared_keys import declared_classes
from reviewer.name_verdicts import (
    STRENGTH,
    best_match,
    classify,
    ignored_name,
    ruled_out,
    scalars,
    type_idents,
)
from reviewer.types import (
    Category,
    Classification,
    Column,
    Confidence,
    Declaration,
    StoredKey,
    ValueSource,
)
from reviewer.vocabulary import Vocabulary, load_vocabulary, normalize


def structured_blob(column: Column, vocab: Vocabulary | None = None) -> bool:
    """A column whose type names the class of what it holds (``Pydantic(ReceivedEvent)``)
    and whose name alone says nothing sure: what ``reviewer.declared_keys`` reads the class
    for."""
    vocab = vocab or load_vocabulary()
    return bool(declared_classes(column)) and _unsure_blob(column, vocab)


def keyed_blob(column: Column, vocab: Vocabulary | None = None) -> bool:
    """A column the code may keep keyed data in (a JSON, dict, pickle or text type) whose name
    alone says nothing sure: what ``reviewer.blob_keys`` reads the code for."""
    vocab = vocab or load_vocabulary()
    idents = type_idents(column.type)
    if not (idents & (vocab.json_types | vocab.text_types)
            or any(set(normalize(i)) & vocab.keyed_type_words for i in idents)):
        return False
    return _unsure_blob(column, vocab)


def _unsure_blob(column: Column, vocab: Vocabulary) -> bool:
    """Not a key, nor a history copy, and a name that says nothing sure (ignore-names
    included): a blob the code's evidence may say more of."""
    if column.primary_key or column.foreign_key or column.history_of is not None:
        return False
    name = column.attribute or column.column
    if ruled_out(name, vocab):
        return False
    found = classify(name, column.type, vocab)
    return found is None or found.category == "free_text" or (
        found.category == "credential" and found.confidence != "high")


_HOLDS: dict[str, int] = {"credential": 3, "direct_identifier": 2, "quasi_identifier": 1}


def _weight(category: str | None, confidence: Confidence | None) -> int:
    held = _HOLDS.get(category or "")
    sure = STRENGTH[confidence] if confidence else 0
    return 0 if held is None else held * 4 + sure


def _persons_only(tokens: tuple[str, ...], vocab: Vocabulary) -> bool:
    best = best_match(tokens, vocab)
    return best is not None and best.term.tokens in vocab.person_only


def by_stored_key(keys: Sequence[StoredKey], vocab: Vocabulary | None = None,
                  row_key: str | None = None) -> Classification | None:
    """What a blob is by the keys the code keeps in it: a credential if a key is one by name
    (high when the name is surely one), a direct identifier if a key surely names a person;
    the evidence quotes the key and the first place the code uses it."""
    vocab = vocab or load_vocabulary()
    best: tuple[int, StoredKey, Classification] | None = None
    for stored in keys:
        leaf = stored.key.rsplit(".", 1)[-1]
        if leaf != stored.key and ruled_out(leaf, vocab):
            # a nested key is named by its leaf: STRR's application_json['header']
            # ['isCertificateIssued'] is a flag, not a certificate
            continue
        # a declared field is named by itself: image_credentials.registry is a host
        named = leaf if stored.use == "declares" else stored.key
        found = classify(named, None, vocab)
        if found is None or found.confidence == "low":
            continue
        tokens = normalize(named)
        if found.category == "credential" and (
                "_".join(tokens) in vocab.key_not_secret
                or any(t in vocab.key_about_suffixes for t in tokens[1:])):
            continue  # sslkey is a file's path; secret_fields lists which fields are secret
        if found.category == "direct_identifier" and (
                found.confidence != "high" or not set(tokens) & vocab.person_key_words):
            continue  # a device's mac_address is no one's
        if found.category == "quasi_identifier" and _persons_only(tokens, vocab):
            # a word that is a person's only in a person's row says nothing in a blob, whose
            # row is not known: hummingbot's executors.custom_info['position_pnl_quote']
            continue
        weight = _weight(found.category, found.confidence)
        if weight and (best is None or weight > best[0]):
            best = (weight, stored, found)
    if best is None:
        return None
    _, stored, found = best
    if row_key is not None:  # the value column of a key/value table (reviewer.row_keys)
        verb = "stores" if stored.use == "stores" else "looks up"
        return Classification(found.category, found.confidence,
                              f"the code {verb} a row with {row_key} '{stored.key}': "
                              f"{stored.path}:{stored.line}")
    if stored.use == "declares":
        return Classification(found.category, found.confidence,
                              f"the class that types it declares field '{stored.key}': "
                              f"{stored.path}:{stored.line}")
    where = "in" if stored.use == "stores" else "from"
    return Classification(found.category, found.confidence,
                          f"the code {stored.use} key '{stored.key}' {where} it: "
                          f"{stored.path}:{stored.line}")


def with_stored_keys(columns: Sequence[Column],
                     keys: Mapping[tuple[str, str], Sequence[StoredKey]],
                     vocab: Vocabulary | None = None,
                     rows: Mapping[tuple[str, str], str] | None = None) -> tuple[Column, ...]:
    """Judged columns, each blob raised to what its stored keys say when that is more (a
    credential's name already sure stays as it was). ``rows``: the value columns of key/value
    tables, with their key column, whose keys are those the code stores in their rows
    (``reviewer.row_keys``)."""
    vocab = vocab or load_vocabulary()
    return _raised(columns, lambda _, key: by_stored_key(keys.get(key, ()), vocab,
                                                         (rows or {}).get(key)))


# --- how the code makes and checks a column's value ---------------------------------------------


def _named_credential(name: str, vocab: Vocabulary, type_expr: str | None = None) -> bool:
    found = classify(name, type_expr, vocab)
    return found is not None and found.category == "credential"


def open_to_code(column: Column, vocab: Vocabulary | None = None) -> bool:
    """A column whose making, checking or declaring in the code could say more than its name
    does: what ``reviewer.value_sources`` and ``reviewer.declared_secrets`` read the code for.
    Not a flag, number or date, nor a foreign key (a copy of another row's key), nor a
    credential already sure by name. A whole number named as a credential is one: a random
    number can be the secret (SkyLines' ``users.recover_key`` is ``struct.unpack("I",
    os.urandom(4))[0]``, e-mailed as the password-reset key)."""
    vocab = vocab or load_vocabulary()
    if column.foreign_key or column.history_of is not None:
        return False
    idents = type_idents(column.type)
    if idents & vocab.flag_types:
        return False
    name = column.attribute or column.column
    scalar = scalars(idents, vocab)
    if scalar and not (scalar <= vocab.integer_types and _named_credential(name, vocab)):
        return False
    if ignored_name(name, vocab):
        return False
    return not (column.category == "credential" and column.confidence == "high")


_VERDICTS: dict[str, tuple[Category, Confidence, str, str]] = {
    # kind: what it makes the column, how surely, how the evidence says it, what the source is
    "generator": ("credential", "high", "written from", ""),
    "hasher": ("credential", "high", "written from", ""),
    "verifier": ("credential", "high", "read by", ""),
    "client_ip": ("direct_identifier", "high", "written from", ", the client's IP address"),
    "user_agent": ("quasi_identifier", "high", "written from", ", the client's user agent"),
    "copy": ("direct_identifier", "medium", "a copy of", ""),
}


def by_value_source(column: Column, sources: Sequence[ValueSource],
                    vocab: Vocabulary | None = None) -> Classification | None:
    """What a column is by how the code makes or checks its value: a credential when it is
    written from a secret generator or a password hasher or read by a verifier (high: the
    code says so, whatever the name), the client's IP address a direct identifier, its user
    agent a quasi-identifier, a copy of a person's identifier a direct identifier (medium);
    the evidence names the source and where the code uses it.
    A generator alone does not make a secret of a column named as an identifier
    (``device_id``, ``nonce``) or as metadata about a secret (``key_prefix``), nor a
    verifier of one named as a person's identifier: Magpie compares a pending registration's
    ``user_name`` and ``email`` in constant time so as not to leak which accounts exist, and an
    e-mail checked that way is still an e-mail; nor does a hasher make a password of one:
    tildes keeps ``email_address_hash``, an argon2 hash of the address, to confirm it when an
    account is recovered."""
    if not sources:
        return None  # most columns: the code makes and checks nothing of theirs
    vocab = vocab or load_vocabulary()
    name = column.attribute or column.column
    named = normalize(name)
    made_not_secret = ruled_out(name, vocab) or bool(
        vocab.values and named and named[-1] in vocab.values.identifier_words)
    by_name = classify(name, column.type, vocab)
    a_person = by_name is not None and by_name.category == "direct_identifier" and (
        by_name.confidence == "high")
    best: tuple[int, ValueSource] | None = None
    for source in sources:
        if (source.kind == "generator" and made_not_secret) or (
                source.kind in ("verifier", "hasher") and a_person):
            continue
        weight = _weight(*_VERDICTS[source.kind][:2])
        if best is None or weight > best[0]:
            best = (weight, source)
    if best is None:
        return None
    _, source = best
    category, confidence, verb, what = _VERDICTS[source.kind]
    return Classification(category, confidence,
                          f"{verb} {source.source}{what}: {source.path}:{source.line}")


def with_value_sources(columns: Sequence[Column],
                       sources: Mapping[tuple[str, str], Sequence[ValueSource]],
                       vocab: Vocabulary | None = None) -> tuple[Column, ...]:
    """Judged columns, each raised to what the code's making or checking of its value says
    when that is more."""
    vocab = vocab or load_vocabulary()
    return _raised(columns, lambda column, key: by_value_source(
        column, sources.get(key, ()), vocab))


# --- what the code declares secret --------------------------------------------------------------


_PERSONAL = ("direct_identifier", "quasi_identifier")


def _personal(column: Column, vocab: Vocabulary) -> bool:
    """Judged personal in its table, or by its name alone."""
    if column.category in _PERSONAL:
        return True
    named = classify(column.attribute or column.column, column.type, vocab)
    return named is not None and named.category in _PERSONAL


def by_declaration(column: Column, declarations: Sequence[Declaration],
                   vocab: Vocabulary | None = None) -> Classification | None:
    """A credential, high, when the code declares the column secret: the developers' own
    judgement, quoted with where they say it. A name a redaction list holds only confirms a
    name that already reads as a credential: such lists hide user data and identifiers too
    (mistral's _sensitive_attributes holds workflow input and output; privacyidea's log list
    says it is "biased towards over-hiding" and holds key_iv, an IV)."""
    vocab = vocab or load_vocabulary()
    name = column.attribute or column.column
    # a name that reads as a credential too weakly to be reported alone counts: arm's bare
    # PB_KEY and IFTTT_KEY are secrets on its hidden_attribs' word (judged only where a list
    # names the column: this runs for every column of the inventory)
    if any(d.kind == "names_list" for d in declarations) and (
            not (column.category == "credential"
                 or _named_credential(name, vocab, column.type))
            or ruled_out(name, vocab)):
        declarations = [d for d in declarations if d.kind != "names_list"]
    if any(d.kind == "scrubbed" for d in declarations) and _personal(column, vocab):
        # a scrub of personal data redacts it as personal data: OneGov's Ticket.redact_data
        # loops over ('name', 'address', 'phone'), and subscribers.address is an e-mail
        # address or a phone number even where its table alone says nothing of whose
        declarations = [d for d in declarations if d.kind != "scrubbed"]
    if not declarations:
        return None
    d = declarations[0]
    return Classification("credential", "high",
                          f"declared secret by the code: {d.declared}: {d.path}:{d.line}")


def with_declarations(columns: Sequence[Column],
                      declared: Mapping[tuple[str, str], Sequence[Declaration]],
                      vocab: Vocabulary | None = None) -> tuple[Column, ...]:
    """Judged columns, each raised to a credential where the code declares it secret."""
    vocab = vocab or load_vocabulary()
    return _raised(columns, lambda column, key: by_declaration(
        column, declared.get(key, ()), vocab))


def _raised(columns: Sequence[Column],
            verdict: Callable[[Column, tuple[str, str]], Classification | None]
            ) -> tuple[Column, ...]:
    """Each column raised to what the code evidence ``verdict`` says of it when that is more;
    a history copy is judged as the column it copies."""
    out = []
    for column in columns:
        # a history table keeps every past value of the column it copies
        original = (column.history_of, column.column) if column.history_of else column.key
        found = verdict(column, original)
        if found is None or (_weight(found.category, found.confidence)
                             <= _weight(column.category, column.confidence)):
            out.append(column)
            continue
        if column.history_of:
            found = dataclasses.replace(found, reason=f"history copy of {column.history_of}."
                                                      f"{column.column}: {found.reason}")
        evidence = found.reason
        if column.category == found.category and column.evidence:
            evidence = f"{column.evidence}, {found.reason}"
        out.append(dataclasses.replace(column, category=found.category,
                                       confidence=found.confidence, evidence=evidence))
    return tuple(out)

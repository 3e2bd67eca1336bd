"""What a column's name and declared type say on their own.

``classify`` reads a name (split into words, singular, vendor prefixes known) and its type
(an encrypted or password-hash type, a number, a blob) against the words of
``vocabulary.toml``. It is the first piece of evidence ``reviewer.classifier`` weighs with the
table and the siblings, and the only one the similarity index and the code readers need.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from functools import lru_cache

from reviewer.types import Classification, Confidence
from reviewer.vocabulary import (
    Term,
    Vocabulary,
    contains_any,
    ends_with_any,
    load_vocabulary,
    normalize,
    singular,
    snake_case,
    words,
)

STRENGTH: dict[Confidence, int] = {"high": 3, "medium": 2, "low": 1}
CONFIDENCE_OF: dict[int, Confidence] = {n: c for c, n in STRENGTH.items()}
_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Match:
    term: Term
    start: int
    end: int  # exclusive

    def sort_key(self) -> tuple[int, int, int, int]:
        # Head noun last in English names, so the rightmost match says what the column is;
        # then the most specific (longest), then the most confident; configured words win ties.
        return (self.end, self.end - self.start, STRENGTH[self.term.confidence],
                int(self.term.configured))


def name_matches(tokens: tuple[str, ...], vocab: Vocabulary) -> list[Match]:
    out = []
    for i, token in enumerate(tokens):
        for term in vocab.index.get(token, ()):
            end = i + len(term.tokens)
            if tokens[i:end] == term.tokens:
                out.append(Match(term, i, end))
    return out


def best_match(tokens: tuple[str, ...], vocab: Vocabulary) -> Match | None:
    """The vocabulary entry that names ``tokens`` best, or None when none occurs in them."""
    return max(name_matches(tokens, vocab), key=Match.sort_key, default=None)


@lru_cache(maxsize=4096)  # a schema spells a few dozen types thousands of times
def type_idents(type_expr: str | None) -> frozenset[str]:
    return frozenset(_IDENT.findall(type_expr or "")) if type_expr else frozenset()


def text_types(idents: frozenset[str], vocab: Vocabulary) -> frozenset[str]:
    """The text types among a column's type identifiers: a shipped one (``String``, ``Text``)
    or a size or case of one (eNMS's ``SmallString``, dify's ``LongText``, ``CIText``)."""
    return frozenset(i for i in idents if i in vocab.by_name_types or _sized_text(i, vocab))


def scalars(idents: frozenset[str], vocab: Vocabulary) -> frozenset[str]:
    """The number and date types among a column's type identifiers: a shipped one
    (``Integer``, ``DateTime``) or a project's own date-and-time type, named so (phoenix's
    ``UtcTimeStamp``, mobilic's ``DateTimeStoredAsUTC``)."""
    return frozenset(i for i in idents if i in vocab.scalar_types
                     or contains_any(normalize(i), vocab.scalar_phrases))


def flag_or_scalar(idents: frozenset[str], vocab: Vocabulary) -> bool:
    """A flag, a number or a date: a type that holds no secret and no prose."""
    return bool(idents & vocab.flag_types or scalars(idents, vocab))


def _sized_text(ident: str, vocab: Vocabulary) -> bool:
    parts = normalize(ident)
    return (len(parts) == 2 and parts[0] in vocab.by_name_type_sizes
            and parts[1] in ("string", "text"))


def _describe(m: Match, written: tuple[str, ...]) -> str:
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
    matches = name_matches(tokens, vocab)
    # The user's own words beat the shipped negatives when they name the whole column.
    for m in matches:
        if m.term.configured and m.start == 0 and m.end == len(tokens):
            return Classification(m.term.category, "high", _describe(m, written)), False
    if contains_any(tokens, vocab.negative_phrases):
        return None, True
    if tokens[0] in vocab.flag_prefixes and len(tokens) > 1 and not any(
        m.start == 0 and m.end == len(tokens) for m in matches
    ):  # unless the whole name is a term of its own: an enable_password is a password
        return None, True
    # a hash of metadata is metadata: credential_id_hash looks up a credential's ID
    hashed = len(tokens) > 2 and tokens[-1] in vocab.verifier_suffixes
    for stem in (tokens, tokens[:-1]) if hashed else (tokens,):
        for suffix in vocab.metadata_suffixes:
            n = len(suffix)
            # api_key_id is metadata, but tax_id is an identifier: an entry that itself covers
            # the suffix wins.
            if (len(stem) > n and stem[-n:] == suffix
                    and not any(m.end == len(stem) and m.end - m.start > n for m in matches)):
                return None, True
    if not matches:
        return None, False
    best = max(matches, key=Match.sort_key)
    if any(w.lower() in vocab.field_names for w in written[best.end:]):
        return None, True  # email_attribute says which directory attribute holds the e-mail
    # a token's hash verifies the token: `token_hash` reads like `token` (a hash or digest of a
    # credential is the credential, LABELING.md), `share_token_digest` like `share_token`
    head_end = len(tokens) - 1 if (len(tokens) > 1 and tokens[-1] in vocab.verifier_suffixes
                                   and best.term.category == "credential") else len(tokens)
    if best.term.tokens in vocab.head_only and best.end < head_end:
        return None, False  # owner_org is an organisation
    if (best.term.tokens in vocab.owned_heads and not best.term.configured
            and best.start > 0 and tokens[best.start - 1] not in vocab.head_owners):
        return None, False  # a season_pass is a ticket; an smtp_pass is a password
    if best.term.category == "free_text" and any(
            t in vocab.prose_attributes for t in tokens[best.end:]):
        return None, True  # text_color is a colour, content_length a number
    if best.term.category == "free_text" and best.term.tokens[-1] in vocab.representations:
        written_out = max((m for m in matches if m.end == best.start
                           and m.term.category == "credential" and m.term.confidence == "high"),
                          key=Match.sort_key, default=None)
        if written_out is not None:  # jwks_text is the key set, private_key_text the key
            return Classification("credential", "high", _describe(
                Match(written_out.term, written_out.start, best.end), written)), False
    if best.term.category == "credential" and any(
            t in vocab.location_suffixes for t in tokens[best.end:]):
        return None, True  # jwks_uri says where the keys are served
    if best.term.category == "credential" and not best.term.configured and any(
            t in vocab.about_suffixes for t in tokens[best.end:]):
        return None, True  # kek_label names the key; it cannot decrypt anything
    if (best.term.category == "credential" and best.term.tokens in vocab.qualified_low
            and not best.term.configured):
        # otp_key, jwt_key: a key of a credential kind is that credential, not a lookup key
        qualifier = max((m for m in matches if m.end == best.start
                         and m.term.category == "credential" and m.term.confidence != "low"),
                        key=Match.sort_key, default=None)
        if qualifier is not None:
            confidence = qualifier.term.confidence
            if "public" in tokens:
                confidence = "medium"
            return Classification("credential", confidence, _describe(
                Match(qualifier.term, qualifier.start, best.end), written)), False
        if best.start == 0 and best.end == head_end < len(tokens):
            # nobody hashes a lookup key before storing it: a key_hash verifies a secret key
            # (privacyidea: clients.key_hash, the hash of an API key's secret half)
            return Classification("credential", "medium", _describe(
                Match(best.term, 0, len(tokens)), written)), False
    if best.term.category == "credential" and best.end < len(tokens) and all(
            t in vocab.vendor_prefixes for t in tokens[best.end:]):
        head_end = best.end  # chat_token_slack names the service after the head: a slack token
    if (best.term.tokens in vocab.qualified_heads and best.start > 0
            and best.end == head_end and not best.term.configured):
        qualified = Match(best.term, 0, len(tokens))
        return Classification(best.term.category, "high", _describe(qualified, written)), False
    reason = _describe(best, written)
    confidence = best.term.confidence
    if (best.term.tokens in vocab.whole_name and best.start == 0 and best.end == head_end
            and not best.term.configured):
        confidence = "high"  # a column called just `token`, or its hash
        if head_end < len(tokens):
            reason = _describe(Match(best.term, 0, len(tokens)), written)
    if best.term.category == "credential" and "public" in tokens and confidence == "high":
        confidence = "medium"  # public_key_pem: key material, but nothing secret
    return Classification(best.term.category, confidence, reason), False


def ruled_out(name: str, vocab: Vocabulary | None = None) -> bool:
    """True when the negative list or ``ignore-names`` says the name holds no data.

    ``api_key_id`` names a reference, not a key: no similar-looking field may flag it either.
    """
    vocab = vocab or load_vocabulary()
    found = vocab.ruled_out_memo.get(name)
    if found is None:
        tokens, written = words(name, vocab)
        found = vocab.ruled_out_memo[name] = (not tokens or ignored_name(name, vocab)
                                              or _name_only(tokens, written, vocab)[1])
    return found


def ignored_name(name: str, vocab: Vocabulary) -> bool:
    """`ignore-names` from the config: exact names or globs, on the snake_case spelling too."""
    if not vocab.ignore_names:
        return False  # most configurations: no name to spell out for them
    snake = snake_case(name)
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


def _encrypted_flag(type_expr: str | None, vocab: Vocabulary) -> str | None:
    """The keyword by which the column's type encrypts its value (truenas's
    ``sa.JSON(dict, encrypted=True)``), if it has one."""
    if not type_expr or not vocab.encrypted_flags:
        return None
    return next((flag for flag in sorted(vocab.encrypted_flags)
                 if re.search(rf"\b{re.escape(flag)}\s*=\s*True\b", type_expr)), None)


def _classify(name: str, type_expr: str | None, vocab: Vocabulary) -> Classification | None:
    tokens, written = words(name, vocab)
    if not tokens or ignored_name(name, vocab):
        return None
    idents = type_idents(type_expr)
    if idents & vocab.flag_types:
        return None
    result, ruled_out = _name_only(tokens, written, vocab)
    if ruled_out:
        return None
    mapping = sorted(idents & (vocab.json_types | vocab.mapping_types))
    if (result is not None and result.category == "credential" and mapping
            and "_".join(normalize(name)) in vocab.claim_blobs):
        # diracx: AuthorizationFlows.IDToken is Mapped[dict[str, Any]], the IdP's claims
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' on a {mapping[0]} column: an ID "
                              "token's claims, decoded (who the person is), not the signed "
                              "token")
    scalar = sorted(scalars(idents, vocab))
    if scalar and result is not None and result.category in ("credential", "free_text") and not (
        # n6: user_spent_mfa_code.mfa_code, an Integer: a one-time code is a number
        result.category == "credential" and result.confidence == "high"
        and set(scalar) <= vocab.integer_types
        and contains_any(tokens, vocab.numeric_credentials)
    ):
        return None  # a number or a date cannot hold a token or a sentence
    if (scalar and result is not None and result.category == "direct_identifier"
            and (result.confidence != "high"
                 or not contains_any(tokens, vocab.numeric_identifiers))):
        # a count, a rank or a choice named after a person's data is none of it (mautrix:
        # user.saved_contacts, puppet.displayname_quality; tracim: users.profile, an Enum),
        # and a name or an address cannot be a number (ruqqus: comments.parent_fullname, an
        # Integer id of the parent; notifications-api: services.volume_email, a count)
        return None
    length = _max_length(type_expr, vocab)
    if (result is not None and result.category in ("credential", "direct_identifier")
            and length is not None and length <= vocab.flag_max_length):
        # a character or two is a flag, not a secret; of a person's data only an initial or a
        # code (openfec: ofec_candidate_detail_mv.address_state, labelled pii_quasi)
        if result.category == "credential":
            return None
        return Classification("quasi_identifier", "medium", f"{result.reason}, but "
                              f"{_type_head(type_expr) or 'String'}({length}) holds an initial "
                              "or a code, not the whole")
    hashed = sorted(idents & vocab.hashed_types)
    if hashed and (result is None or result.category == "credential"):
        evidence = f"password-hash column type '{hashed[0]}'"
        if result is None:
            return Classification("credential", "high", evidence)
        if result.confidence != "high":
            return Classification("credential", "high", f"{result.reason} and {evidence}")
        return result
    # EncryptedType, StringEncryptedType and the project's own EncryptedJSON alike
    encrypted = sorted(i for i in idents if i in vocab.encrypted_types
                       or (len(normalize(i)) > 1 and normalize(i)[0] in vocab.encrypted_prefixes))
    flag = _encrypted_flag(type_expr, vocab)
    if encrypted or flag:
        evidence = (f"encrypted column type '{encrypted[0]}'" if encrypted
                    else f"column type {_type_head(type_expr) or 'call'} with {flag}=True")
        if result is None:
            # the developer's own judgement: an encrypted blob of configuration is secrets
            return Classification("credential", "high", evidence)
        if result.category == "credential":
            return Classification("credential", "high", f"{result.reason} and {evidence}")
        return result
    head = _type_head(type_expr) or ""
    head_words = normalize(head)
    # a SecretKind names what kind of secret the row is (renku-data-services: secrets.kind)
    if (len(head_words) > 1 and head_words[0] in vocab.secret_type_prefixes
            and not any(head_words[-len(m):] == m for m in vocab.metadata_suffixes)
            and (result is None or result.category == "credential")):
        # the developer's own declaration, as with an encrypted type (mindsdb: SecretDataJson)
        evidence = f"column type '{head}' is named for secrets"
        return Classification("credential", "high",
                              f"{result.reason} and {evidence}" if result else evidence)
    marked = [i for i in (0, len(tokens) - 1) if tokens[i] in vocab.encrypted_prefixes]
    # an integer says whether the rest is encrypted (formshare: project.project_encrypted)
    if (len(tokens) > 1 and marked and not idents & vocab.integer_types
            and (result is None or (result.category == "credential"
                                    and result.confidence != "high"))):
        # the developer's own judgement, as with an encrypted type (jupyterhub:
        # users.encrypted_auth_state holds OAuth tokens; a config_encrypted alike)
        said = f"name token '{written[marked[0]]}'"
        return Classification("credential", "high",
                              f"{said}, {result.reason}" if result else said)
    if (result is not None and result.category == "credential" and result.confidence == "medium"
            and contains_any(tokens, vocab.material)
            and length is not None and length <= vocab.material_max_length):
        return None  # magnum: cluster.keypair is String(255), a keypair's name
    binary = sorted(idents & vocab.binary_types)
    if binary and (result is None or result.category == "credential"):
        secret_tokens = [t for t in tokens if t in vocab.binary_secret_tokens]
        if secret_tokens:
            return Classification(
                "credential", "high",
                f"name token '{secret_tokens[-1]}' on binary column type '{binary[0]}'",
            )
    if len(tokens) > 1 and tokens[-1] in vocab.long_text_secret_heads and (
            _is_singular(written[-2])) and (
            result is None or (result.category == "credential" and result.confidence == "low")):
        # a plural before it keys a set of things (labels_key, milestones_keys): a lookup key
        kind = long_storage(type_expr, vocab)
        if kind is not None:
            # one key that long is the key itself, and blocks as key material does (tatu:
            # authorities.user_key, a CA's private key); a set of them may be references
            # (keylime: verifiermain.ima_sign_verification_keys), which warn
            one = _is_singular(written[-1])
            return Classification(
                "credential", "high" if one else "medium",
                f"name '{'_'.join(written)}' ends in '{written[-1]}' on {kind}: a key that long "
                "is key material, not a lookup key")
    if result is not None or scalar:
        return result
    return _blob(tokens, written, idents, vocab)


_HEAD = re.compile(r"\s*([A-Za-z_][A-Za-z0-9_.]*)")


def _type_head(type_expr: str | None) -> str | None:
    """`SecretDataJson` for `SecretDataJson(os.environ.get(...))` or `types.SecretDataJson`:
    the type itself, never one of its arguments."""
    found = _HEAD.match(type_expr or "")
    return found.group(1).rsplit(".", 1)[-1] if found else None


_SIZED = re.compile(r"\b([A-Za-z_][A-Za-z0-9_]*)\(\s*(?:length\s*=\s*)?(\d+)")


def _max_length(type_expr: str | None, vocab: Vocabulary) -> int | None:
    """255 for `String(255)` or `sa.Unicode(length=255)`; None when unbounded or unknown."""
    for name, digits in _SIZED.findall(type_expr or ""):
        if name in vocab.sized_types:
            return int(digits)
    return None


def _is_singular(word: str) -> bool:
    """Is a name's word singular as written (``key``, not ``keys``)?"""
    return singular(word.lower()) == word.lower()


def long_storage(type_expr: str | None, vocab: Vocabulary) -> str | None:
    """How the storage holds more than a lookup or business key (`type 'Text'`, `a string of
    4096 characters`): an unbounded text type or `long_text_min_length` characters, or None."""
    text = sorted(type_idents(type_expr) & vocab.text_types)
    if text:
        return f"type '{text[0]}'"
    length = _max_length(type_expr, vocab)
    if length is not None and length >= vocab.long_text_min_length:
        return f"a string of {length} characters"
    return None


def material_body(name: str, type_expr: str | None, vocab: Vocabulary) -> str | None:
    """How the storage shows a key-material name holds the body itself: a text type or a
    string longer than `material_max_length` (`type 'Text'`), or None. A plural keys a list
    of them (nova: instance_extra.trusted_certs holds certificate IDs)."""
    tokens, written = words(name, vocab)
    if not tokens or not _is_singular(written[-1]) or not ends_with_any(tokens, vocab.material):
        return None
    text = sorted(type_idents(type_expr) & vocab.text_types)
    if text:
        return f"type '{text[0]}'"
    length = _max_length(type_expr, vocab)
    if length is not None and length > vocab.material_max_length:
        return f"a string of {length} characters"
    return None


def _blob(tokens: tuple[str, ...], written: tuple[str, ...], idents: frozenset[str],
          vocab: Vocabulary) -> Classification | None:
    json_types = sorted(idents & vocab.json_types)
    if not json_types and idents and not idents & vocab.text_types:
        return None  # a short String named "metadata" is a label, not a blob
    snake = "_".join(tokens)
    carrier = next((b for b in vocab.credential_blobs if snake == b or snake.endswith("_" + b)),
                   None)
    if carrier is not None and (json_types or idents & vocab.text_types):
        # a column's type says it is a blob; a key the code reads from one (aleph's
        # document.meta['headers'], an e-mail's From and To) says nothing of the kind
        kind = f"type '{json_types[0]}'" if json_types else "a text type"
        return Classification("credential", "medium",
                              f"blob name '{'_'.join(written)}' of {kind}: {carrier}s carry "
                              "credentials (Authorization, API keys, cookies)")
    hit = next((b for b in vocab.blob_names if snake == b or snake.endswith("_" + b)), None)
    if hit is None and tokens[0] in vocab.blob_prefixes and len(tokens) > 1:
        hit = f"{tokens[0]}_*"
    if hit is None:
        return None
    if json_types:
        return Classification("free_text", "medium",
                              f"JSON blob '{hit}' of type '{json_types[0]}' may hold user data")
    return Classification("free_text", "low", f"blob name '{hit}' may hold user data")


def core_tokens(name: str, vocab: Vocabulary | None = None) -> tuple[str, ...]:
    """Name tokens without leading vendor prefixes: ``sf_client_secret`` -> client, secret."""
    vocab = vocab or load_vocabulary()
    return _core_tokens(name, vocab.vendor_prefixes)


@lru_cache(maxsize=16384)
def _core_tokens(name: str, vendor_prefixes: frozenset[str]) -> tuple[str, ...]:
    tokens = list(normalize(name))
    while len(tokens) > 1 and tokens[0] in vendor_prefixes:
        tokens.pop(0)
    return tuple(tokens)

"""Decides whether a column looks sensitive, from the evidence a security reviewer reads.

``classify_columns`` judges every column of an inventory. It starts from what the name and
type say (``reviewer.name_verdicts``) and weighs it with the rest: the column's constraints
(unique, index, foreign key), its ``doc=``/``comment=``, attribute docstring and source
comments, the table and siblings (``reviewer.table_context``), and how the repository labels
its twins. Each verdict carries the evidence it rests on ("name token 'code', sibling
'expires_at', sibling 'user_id' (foreign key to users.id)"), so a user can see why and answer
with ``ignore-names`` or an exemption.

The words live in ``vocabulary.toml`` (documented there, each rule of thumb with the real
column that motivated it), read and split by ``reviewer.vocabulary``; this module weighs them.
It never sees data values and never imports model code.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache

from reviewer.name_verdicts import (
    CONFIDENCE_OF,
    STRENGTH,
    best_match,
    classify,
    core_tokens,
    flag_or_scalar,
    ignored_name,
    long_storage,
    material_body,
    ruled_out,
    text_types,
    type_idents,
)
from reviewer.table_context import Context, audit_stamps, is_person_table, table_context
from reviewer.types import Classification, Column
from reviewer.vocabulary import (
    Vocabulary,
    contains_any,
    ends_with_any,
    load_vocabulary,
    normalize,
    singular,
    snake_case,
    snake_norm,
    words,
)

# Bare heads that hold a hash of a secret: of the table's secret (kitchenowl's challenge_hash in a
# password-reset row), or of the password beside it (cinder: transfers.crypt_hash by its salt).
_HASH_HEADS = ("hash", "digest")


def _names_the_owner(tokens: tuple[str, ...], table: str, vocab: Vocabulary) -> bool:
    """``service_key`` in ``services_vendor_secrets``: the qualifier is a word of the table's
    name other than its head noun, and the column's head is not the table's, so the column
    names what the row's secrets belong to (a service), not the secret. A ``transport_key`` in
    ``transport_keys`` is the key the rows are."""
    own = normalize(table)
    heads = words(table, vocab)[0][-1:]
    return (len(tokens) > 1 and bool(own) and tokens[-1:] != heads
            and set(tokens[:-1]) <= set(own[:-1]) - set(heads))


def _positions(tokens: Sequence[str], phrase: Sequence[str]) -> Iterator[int]:
    """Where the phrase starts in the tokens, every time."""
    n = len(phrase)
    return (i for i in range(len(tokens) - n + 1) if tuple(tokens[i:i + n]) == tuple(phrase))


def _not_a_secret(base: Classification, tokens: tuple[str, ...], context: Context,
                  column: Column, vocab: Vocabulary) -> Classification | None:
    """Identifiers and prose, judged with their table."""
    if base.category in ("direct_identifier", "quasi_identifier"):
        best = best_match(tokens, vocab)
        if best is not None and not best.term.configured:
            if best.term.tokens in vocab.person_only and context.identifier_table:
                # the rows are a person's identifiers: wazo-auth's auth_email.address
                return Classification(base.category, base.confidence,
                                      f"{base.reason} in table '{context.table}': a person's "
                                      f"{context.identifier_table.replace('_', ' ')}")
            if best.term.tokens in vocab.person_only and not context.personal:
                whose = tokens[best.start - 1] if best.start > 0 else None
                if whose in vocab.person_qualifiers or whose in vocab.person_tables:
                    # the column's own qualifier names the person: an incident's resident_age
                    return Classification(base.category, base.confidence,
                                          f"{base.reason}, qualifier '{whose}' names a person")
                # a table of people's things: faraday's user_avatar.photo
                if not set(normalize(context.table)[:-1]) & vocab.person_tables:
                    return None  # a volume's display_name, a PCI address: a machine's
            machine_named = (best.start > 0
                             and tokens[best.start - 1] in vocab.machine_ip_qualifiers)
            if (best.term.tokens[0] == "ip" and not _says_whose_ip(tokens[:best.start], vocab)
                    and (machine_named or _machine_table(context, vocab))):
                # host_ip, servers.ip: a machine's address; but the name's own word says whose
                # in any row (mcp-context-forge: gateways.created_from_ip, the client's)
                return None
            if best.term.tokens == ("address",) and machine_named:
                postal = next((part for stem, part in context.postal_parts
                               if tokens[:len(stem)] == stem), None)
                if postal is not None:
                    # its own zip code and city beside it: a person's postal address
                    # (onegov: par_parliamentarians.private_address_zip_code)
                    return Classification(base.category, base.confidence,
                                          f"{base.reason}, sibling '{postal}': a postal address")
                # a service's address, even in a row that names its user (dask-gateway:
                # clusters.scheduler_address beside clusters.username)
                return None
            if (best.term.tokens[0] in ("ip", "mac") and context.network
                    and not context.personal):
                return None  # an address beside its subnet and gateway: a machine's interface
            if best.term.tokens[0] in ("ip", "mac") and not _a_persons_address(
                    tokens[:best.start], context, vocab):
                return None  # nothing in the row says whose: a server's, a load balancer's
    fk = column.foreign_key
    if fk and base.category in ("direct_identifier", "quasi_identifier") and (
            snake_norm(fk.rsplit(".", 1)[-1]) in ("id", "uuid", "pk")):
        return None  # owner = ForeignKey("users.id") is a reference, not the person's name
    if base.category == "direct_identifier" and context.org_table and "name" in tokens:
        return None  # an organisation's display name is not a person's
    if (base.category == "direct_identifier" and context.mailbox_table
            and set(map(singular, tokens)) <= vocab.mailbox_words):
        # an organisation's contact_email reaches its office; its billing_contact_email or
        # the e-mail of whoever signed for it is a person's
        return None
    if base.category == "free_text" and context.author is None and base.confidence != "low":
        return Classification("free_text", "low", f"{base.reason}, but nobody's record: no "
                              "author or owner among the siblings")
    return base


def _person_by_context(base: Classification | None, name: str, column: Column,
                       context: Context, idents: frozenset[str],
                       vocab: Vocabulary) -> Classification | None:
    """Words that say nothing alone but describe a person in this row."""
    snake = snake_norm(name)
    kind = sorted(text_types(idents, vocab))
    listed = idents & vocab.json_types
    sender = snake in vocab.sender_names
    if (context.message_table and snake in vocab.message_headers and not column.foreign_key
            and (base is None or base.confidence != "high")):
        # an e-mail's headers say who sent it and to whom (datanommer: messages.headers)
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' in message table '{context.table}': "
                              "the message's headers name who sent it and to whom")
    if ((base is None or base.category == "free_text") and context.message_table
            and (sender or snake in vocab.recipient_names)
            and (kind or listed) and not column.foreign_key):
        # who it was sent to or by, as text or as a JSON list (sync-engine: message.to_addr)
        on = " on a JSON column" if listed else ""
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}'{on} in message table "
                              f"'{context.table}': who " + ("sent it" if sender
                                                            else "it was sent to"))
    if ((base is None or base.category == "free_text") and context.delivery_table
            and any(t in vocab.delivery_payloads for t in normalize(name)[-1:])
            and (kind or listed) and not column.foreign_key):
        # the body sent to a subscriber reports records: git.sr.ht's push event names the
        # pusher and every commit's author with their e-mail addresses
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' in delivery table '{context.table}': "
                              "the event body sent out carries the records it reports")
    if column.foreign_key or not kind:
        return None
    if (context.visit and context.visit != column.column and snake in vocab.visit_words
            and (base is None or base.category == "quasi_identifier")
            and _a_visitors_row(context, vocab)):
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}', sibling '{context.visit}': where and "
                              "on what a person visited from")
    if base is not None:
        return None
    if context.identity_table and snake in vocab.identity_ids:
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}' on a {kind[0]} column in identity table "
                              f"'{context.table}': a person's account ID at an external "
                              "provider")
    if context.person_table and snake in vocab.person_external_ids and not column.primary_key:
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}' on a {kind[0]} column in person table "
                              f"'{context.table}': the person's ID at the system they come from")
    if context.identifier_table and (snake in ("name", "value") or (
            # a phone number's row: its number (funnel: phone_number.number)
            snake == "number" and "phone" in context.identifier_table)):
        return Classification("direct_identifier", "medium",
                              f"name token '{snake}' in table '{context.table}': a "
                              f"{context.identifier_table.replace('_', ' ')}")
    head, _, suffix = snake.rpartition("_")
    if (head and suffix in vocab.handle_id_suffixes and head in context.handles
            and not column.primary_key):
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}' on a {kind[0]} column with no foreign "
                              f"key, sibling '{head}' names the account: its ID at the "
                              "external service")
    return None


def _key_holder(column: Column, context: Context) -> str | None:
    """Whose key material this is, when a reviewer would call it a credential for sure: the
    public half of a key pair stored with its private key, or a person's registered key (it
    verifies that person's logins). A table alone adds no secrecy to a public key; where no one
    holds it, only its storage (``material_body``) can say it is the body itself."""
    if context.private_half and context.private_half != column.column:
        return (f"sibling '{context.private_half}': the public half of a key pair stored with "
                "its private key")
    if context.owner and context.owner != column.column:
        return (f"sibling '{context.owner}' (foreign key to {context.owner_target}): a "
                "person's registered key")
    if context.account and context.account != column.column:
        return (f"sibling '{context.account}' (an account at the external identity service): "
                "a person's registered key")
    if context.person_table:
        return f"in table '{context.table}': a person's registered key"
    return None


def _a_persons_address(qualifiers: tuple[str, ...], context: Context, vocab: Vocabulary) -> bool:
    """An IP or MAC address is a person's when the row is a person's or records one (an owner,
    a sibling naming someone, a session, a login, an audit entry, a geolocation of it) or the
    name says whose (`uploader_ip`, `client_ip`)."""
    return bool(
        context.owner or context.personal or context.author or context.session_table
        or context.identity_table or context.audit or context.located
        or any(not _ADDRESS_WORDS & set(handle.split("_")) for handle in context.handles)
        or _says_whose_ip(qualifiers, vocab)
        # `clientapplication` is one word to the splitter: its head says whose
        or any(t.startswith(q) for t in normalize(context.table)
               for q in vocab.person_ip_qualifiers))


def _says_whose_ip(qualifiers: tuple[str, ...], vocab: Vocabulary) -> bool:
    """Does a word before the address name a person (`uploader_ip`, `created_from_ip`)?"""
    return any(w in vocab.person_ip_qualifiers or w in vocab.person_ip_prepositions
               for w in map(singular, qualifiers))


def _a_visitors_row(context: Context, vocab: Vocabulary) -> bool:
    """The row's address (``context.visit``) is a visitor's, so its country and operating
    system are where and on what a person visited from; a managed host's, device's or
    gateway's are the machine's own (faraday: host.os; enms: device.operating_system)."""
    words = normalize(context.visit or "")
    if "agent" in words:
        return True  # a user agent is a person's browser
    if _machine_table(context, vocab):
        return False
    return _a_persons_address(tuple(w for w in words if w not in _ADDRESS_WORDS), context,
                              vocab)


def _machine_table(context: Context, vocab: Vocabulary) -> bool:
    """The table's head noun names a machine (jupyterhub: servers; faraday: host)."""
    return normalize(context.table)[-1:] in _singletons(vocab.machine_ip_qualifiers)


# a sibling address names no one: amphora.ha_ip beside .vrrp_ip is a machine's pair
_ADDRESS_WORDS = frozenset({"ip", "mac", "addr", "address", "ipaddress"})


@lru_cache(maxsize=8)
def _singletons(words: frozenset[str]) -> frozenset[tuple[str, ...]]:
    return frozenset((w,) for w in words)


# how far before a word a negation still denies it: "not considered a secret"
_DENIAL_REACH = 3


def _mentions(text: str | None, phrases: Sequence[tuple[str, ...]],
              negations: frozenset[str] = frozenset(), row: tuple[str, ...] = ()) -> str | None:
    """The first phrase the text says, unless a negation shortly before it denies it (orchest:
    snapshots.pipelines, "information that is not considered a secret"), or it names the kind
    of row the table's name says before the table's head noun (``row``): invenio-rdm-records'
    secret_links.origin is "Origin information for the secret link", about the link."""
    if not text:
        return None
    tokens = normalize(text.replace("-", "_"))

    def says(p: tuple[str, ...], i: int) -> bool:
        if not negations.isdisjoint(tokens[max(0, i - _DENIAL_REACH):i]):
            return False
        head = tokens[i + len(p):i + len(p) + 1]
        return not (row and head == row[-1:] and set(p) <= set(row[:-1]))

    return next(("_".join(p) for p in phrases if any(says(p, i) for i in _positions(tokens, p))),
                None)


def classify_in_context(column: Column, context: Context | None = None,
                        vocab: Vocabulary | None = None) -> Classification | None:
    """Category, confidence and evidence from the name, the type, the constraints, the
    comments, the table and the siblings: what a security reviewer reads."""
    vocab = vocab or load_vocabulary()
    context = context or Context(table=column.table)
    name = column.attribute or column.column
    base = classify(name, column.type, vocab)
    if base is None and column.attribute and column.attribute != column.column:
        name, base = column.column, classify(column.column, column.type, vocab)
    if ignored_name(name, vocab):
        return None
    idents = type_idents(column.type)
    if flag_or_scalar(idents, vocab):
        # a flag, a number or a date holds no secret whatever its table; a number is a
        # person's only in a person's row (zou: person.position, but forums.position orders)
        if base is not None and base.category in ("direct_identifier", "quasi_identifier"):
            if contains_any(normalize(name), vocab.text_only):
                return None  # a last_login date is when, not who
            return _not_a_secret(base, normalize(name), context, column, vocab)
        return base
    if column.sealed_by and (base is None or base.category == "free_text"
                             or (base.category == "credential" and base.confidence != "high")):
        # the developer's own judgement, as with an encrypted type (prefect: block_document.data
        # holds credential blocks' fields, written through encrypt_fernet); an encrypted ssn
        # stays a direct identifier
        writer = f"written encrypted by {column.sealed_by}"
        return Classification("credential", "high",
                              f"{base.reason}, {writer}" if base and base.category == "credential"
                              else writer)
    tokens = tuple(t for t in normalize(name) if len(t) > 1)
    # created_by, created_name, updated_by_name: who did it (sbc-pay's Audit mixin names both);
    # created_by_user too (refstack: organization.created_by_user, the creator's OpenID)
    actor = tokens[:-1] if tokens[-1:] in (("by",), ("name",)) else ()
    if actor[-1:] == ("by",) and tokens[-1] == "name":
        actor = actor[:-1]
    if tokens[-2:] == ("by", "user"):
        actor = tokens[:-2]
    if not actor and tokens and tokens[-1].endswith("by") and tokens[-1][:-2] in vocab.by_verbs:
        actor = (*tokens[:-1], tokens[-1][:-2])  # createdby: the same words run together
    # create_user, modify_user: who did it by username (codo-cmdb keeps them as String(128))
    acting = len(tokens) > 1 and tokens[-1] == "user" and tokens[-2] in vocab.user_verbs
    # assigned_to, assignedto: whom it went to (copilot's incidents keep the analyst's username)
    receiving = next((verb for verb in vocab.to_verbs
                      if tokens[-2:] == (verb, "to") or tokens[-1:] == (f"{verb}to",)), None)
    # creator, or creator_name (gpustack: metered_usage.creator_name; cloudify-manager:
    # audit_log.creator_name): who made the row, by name
    noun = "_".join(actor) if tokens[-1:] == ("name",) else snake_norm(name)
    if (base is None and ((actor and actor[-1] in vocab.by_verbs) or acting or (
            noun in vocab.by_nouns and not column.foreign_key))
            and text_types(idents, vocab)):
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' on a {sorted(idents)[0]} column: who "
                              "did it, by name")
    if (base is None and receiving and not column.foreign_key and text_types(idents, vocab)):
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' on a {sorted(idents)[0]} column: the "
                              f"person it is {receiving} to, by name")
    if (base is None and context.audit and not column.foreign_key
            and snake_norm(name) in vocab.audit_actors and text_types(idents, vocab)):
        return Classification("direct_identifier", "medium",
                              f"name '{snake_case(name)}' on a {sorted(idents)[0]} column in "
                              f"'{context.table}', a record of what happened: who did it, by "
                              "name")
    provider_table = (snake_norm(name) in vocab.provider_table_subjects
                      and not vocab.identity_providers.isdisjoint(normalize(context.table)))
    if (base is None and (snake_norm(name) in vocab.idp_subjects or provider_table)
            and not column.foreign_key
            and text_types(idents, vocab)):
        where = f" in '{context.table}'" if provider_table else ""
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}' on a {sorted(idents)[0]} column"
                              f"{where}: a person's subject at an identity provider")
    if (base is not None and base.category == "direct_identifier" and context.no_people
            and snake_norm(name) in vocab.tenant_owner_names and not column.foreign_key):
        return None  # no accounts are kept here: the owner is a tenant (glance, ironic)
    if (base is None and not column.foreign_key and not column.primary_key
            and text_types(idents, vocab)
            and (((context.no_people or context.numbered_people)
                  and snake_norm(name) in vocab.external_account_names)
                 or (context.no_people and context.scoped
                     and snake_norm(name) in vocab.scoped_account_names))):
        users = ("no table of users" if context.no_people
                 else "the repository's users are keyed by number")
        return Classification("quasi_identifier", "medium",
                              f"name '{snake_case(name)}' on a {sorted(idents)[0]} column with no "
                              f"foreign key, and {users}: an account at an external identity "
                              "service")
    if base is not None and base.category == "credential" and snake_norm(name) in (
            context.key_ids):
        return None  # api_key beside api_secret: the pair's id, which opens nothing alone
    person = _person_by_context(base, name, column, context, idents, vocab)
    if person is not None:
        return person
    if context.session_table and not column.foreign_key:
        snake = snake_norm(name)
        where = f"in sessions table '{context.table}'"
        login = context.expiry or context.owner or context.activity
        if snake in vocab.session_ids and login:
            # a login session expires, belongs to a user or records its last use (socorro:
            # sessions.last_activity); a traced app's conversation session (phoenix:
            # project_sessions.session_id) does none of these
            return Classification("credential", "high", f"name '{snake_case(name)}' {where}, "
                                  f"sibling '{login}': the value that logs the session's "
                                  "user in")
        alive = login or context.activity
        if (column.primary_key and snake in ("id", "uuid") and alive and not context.session_key
                and not context.secret_sibling and text_types(idents, vocab)):
            # no session_id beside it: the string key is the session's id (king-phisher:
            # authenticated_sessions.id, os.urandom in base64, beside last_seen)
            return Classification("credential", "high", f"string primary key {where}, sibling "
                                  f"'{alive}', and no other column holds the session's id: "
                                  "the key is the value that logs the session's user in")
        if any(snake == b or snake.endswith("_" + b) for b in vocab.blob_names):
            if context.session_key and context.expiry:
                # a live session's row: its data is the login state, and where web apps keep
                # the OAuth tokens they hold for the user (powerdns-admin: session['github_token'])
                return Classification(
                    "credential", "high", f"blob name '{snake_case(name)}' {where}, sibling "
                    f"'{context.session_key}', sibling '{context.expiry}': what a live session "
                    "holds (login state, tokens)")
            return Classification("credential", "medium",
                                  f"blob name '{snake_case(name)}' {where}: what the session "
                                  "holds")
    sealed = next((flag for col, flag in context.sealed if col == column.column), None)
    if sealed and (base is None or base.category != "credential"):
        # the developer's own judgement, as with an encrypted type (heat: resource_data.value
        # beside decrypt_method holds EC2 secret keys and generated private keys)
        says = "is a secret" if "secret" in normalize(sealed) else "is stored encrypted"
        return Classification("credential", "high", f"name '{snake_case(name)}', sibling "
                              f"'{sealed}': the row says its value {says}")
    if ((base is None or base.category == "credential")
            and context.grant and context.grant != column.column and not column.foreign_key
            and snake_norm(name) in vocab.grant_codes and not idents & vocab.json_types):
        # an OAuth grant's row: its code is what the client redeems for tokens (10 of 10
        # development codes beside a redirect_uri; diracx: AuthorizationFlows.Code)
        return Classification("credential", "high", f"name '{snake_case(name)}' beside "
                              f"'{context.grant}': the code of an OAuth grant, redeemed for "
                              "tokens")
    if base is None and ruled_out(name, vocab):
        return None
    text = " ".join(t for t in (column.doc, column.comment) if t)
    public = _mentions(text, vocab.public_words, vocab.negations)
    if public == "public" and _mentions(text, vocab.secret_words, vocab.negations) and not (
            _mentions(text, [p for p in vocab.public_words if p != ("public",)],
                      vocab.negations)):
        # "public" says where the value is used, not that it is public, when the comment calls
        # it a secret too (zeeguu: share_uuid, "Unguessable token used in public share links")
        public = None
    said = None if public else _mentions(text, vocab.secret_words, vocab.negations,
                                         normalize(context.table))
    # "used for authenticating": the value itself logs someone in, whatever its name
    authenticates = _mentions(text, vocab.authenticator_words, vocab.negations)
    said = authenticates or said
    if base is not None and base.category != "credential":
        if not (said and (
                (base.category == "direct_identifier" and base.confidence != "high")
                # a JSON blob's documentation lists what it keeps (meta-srht:
                # user_auth_factor.extra, "Used for additional data, such as the list of
                # recovery codes for 2FA"); a source comment's "token" may be a word's
                # (zeeguu: article_level_summary.tokenized_summary, "Cached token stream")
                or (base.category == "free_text" and idents & vocab.json_types
                    and _mentions(column.doc, vocab.secret_words, vocab.negations)))):
            return _not_a_secret(base, normalize(name), context, column, vocab)
        base = None  # an smtp_login the doc calls a password: the author knows what it holds
    if ((base is None or base.category == "credential") and context.person_table
            and contains_any(normalize(name), vocab.person_prose)):
        said = base.reason if base is not None else f"name '{snake_case(name)}'"
        return Classification("free_text", "medium", f"{said} in table "
                              f"'{context.table}': a person's own prose")
    if (base is not None and (context.audit or context.message_table)
            and base.confidence != "high" and contains_any(normalize(name), vocab.audit_seals)):
        # an audit row's or a message's signature proves it untouched; it grants nothing
        return None
    if base is not None and context.audit and normalize(name) in vocab.audit_outcomes:
        return None  # an audit row's authentication is whether it succeeded
    if base is None:
        own_word = len(tokens) == 1 and tokens[0] in vocab.person_row_words
        if context.person_table and (own_word or (
                tokens == ("user",) and normalize(context.table)[-1:] in (("user",), ("users",)))):
            # a person's row names them (users.name) and links their page (users.url); pagure's
            # users.user is the username; a contact's user is the address book's owner
            # (mautrix-facebook: contact.user)
            return Classification("direct_identifier", "medium",
                                  f"name token '{tokens[0]}' in table '{context.table}'")
        if (snake_norm(name) in vocab.login_nouns and not column.foreign_key
                and not column.primary_key and text_types(idents, vocab)):
            # paddles: jobs.user, the login of who scheduled the job
            return Classification("direct_identifier", "medium",
                                  f"name '{snake_case(name)}' on a {sorted(idents)[0]} column: "
                                  "who, by login")
        if context.config and context.kv_value == column.column:
            return Classification("credential", "high",
                                  f"name{' token' if tokens == ('value',) else ''} '{name}' "
                                  f"in configuration table '{context.table}'"
                                  ": where an application keeps its settings, it keeps the "
                                  "passwords and API keys among them")
    if (base is None and column.primary_key and tokens in (("id",), ("uuid",))
            and context.secret_table and context.expiry
            and (context.owner or normalize(context.table)[-1:] == ("token",))
            and not context.secret_sibling and text_types(idents, vocab)):
        # pagure: tokens.id = id_generator(64) is the API token, no other column holds it,
        # and it expires and belongs to a user (ckan's api_token.id has no expiry: a JWT's id;
        # barbican's secrets.id belongs to no user: the secret is in encrypted_data); a row of
        # tokens that expires is its token (wazo-auth: auth_token.uuid is the X-Auth-Token)
        owner = (f" and '{context.owner}' (foreign key to {context.owner_target})"
                 if context.owner else "")
        return Classification(
            "credential", "high",
            f"string primary key of table '{context.table}', beside '{context.expiry}'{owner}, "
            "and no other column holds the secret: the key is the secret")
    bare = [t for t in tokens if t in vocab.bare_secrets
            and (t not in vocab.bare_alone or len(tokens) == 1)]
    where = ("doc" if said and said in (
        _mentions(column.doc, vocab.secret_words, vocab.negations),
        _mentions(column.doc, vocab.authenticator_words, vocab.negations)) else "comment")
    if base is not None and base.confidence == "low" and not bare:
        return None  # a guess (a salt) is no finding; the table and siblings back only bearers
    if tokens == ("key",) and context.public_half and not context.key_value and (
            stored := long_storage(column.type, vocab)):
        # a certificate's row keeps its private key beside it, and one that long is no lookup
        # key (marzban: tls.key, String(4096), beside tls.certificate)
        return Classification("credential", "high",
                              f"name token 'key' on {stored}, sibling '{context.public_half}': "
                              "the certificate's private key")
    if context.key_value and tokens == ("key",):
        # beside a `value`, the key names the entry, in a settings store (nova:
        # aggregate_metadata.key) as in a secrets table (phoenix: secrets.key)
        return None
    evidence = [base.reason] if base else []
    strength = STRENGTH[base.confidence] if base else 0
    # a table of secrets speaks for its columns but the one naming what the row belongs to; a
    # hash there is of the secret, whatever qualifies it (kitchenowl:
    # challenge_password_reset.challenge_hash, the mailed reset token's sha256)
    secret_row = context.secret_table and (
        tokens[-1] in _HASH_HEADS or not _names_the_owner(tokens, context.table, vocab)) and (
        # a status's or a type's code names a category of rows (sbc-auth:
        # invitations.invitation_status_code), not the secret one row holds
        not ends_with_any(tokens[:-1], vocab.metadata_suffixes))
    # a hash whose qualifier names a public subject (repo_name_hash) is of that subject
    of_public = bool(bare) and bare[-1] in _HASH_HEADS and any(
        t in vocab.hashed_subjects for t in tokens[:-1])
    if (bare and tokens[-1] == bare[-1] and secret_row and not of_public
            and (base is None or base.confidence == "low")):
        # a `value` in a tokens table is the token (warehouse: macaroons.key), and so is any
        # name whose head noun is one (a `lookup_hash` in an api_keys table)
        return Classification("credential", "high",
                              f"name token '{bare[-1]}' in table '{context.table}'")
    if base is None:
        verifier = bare[-1] in _HASH_HEADS and not of_public if bare else False
        # a hash in a stored file's row is its checksum (opentakserver: data_packages.hash)
        checksum = bool(bare) and bare[-1] in _HASH_HEADS and context.file is not None
        if bare and tokens[-1] == bare[-1] and not of_public and (
                (verifier and context.credential_sibling)
                or (context.expiry and context.owner and not checksum)):
            # a `code` that expires and belongs to a user is a one-time code; a hash next to a
            # salt is a verifier (cinder: transfers.crypt_hash). A coupon's code is neither.
            strength = 1
            evidence.append(f"name token '{bare[-1]}'")
        elif said and (said == authenticates or (
                not ends_with_any(tokens, vocab.metadata_suffixes)
                and tokens[-1] not in vocab.about_suffixes)):  # a title describes it
            # a comment about tokens over a `serial` describes what the serial belongs to
            # (privacyidea: challenge.serial, "the token's serial"), unless it says the value
            # logs someone in (baselayer: tokens.id, "used for authenticating as a User")
            strength = 1
        else:
            return None
    if context.key_value and tokens == ("value",) and not context.secret_table:
        return None  # a settings store's value, no settings table's: its key says what it is
    boosts = []
    if secret_row and not any("in table" in e for e in evidence):
        boosts.append(f"table '{context.table}'")
    if context.expiry and context.expiry != column.column:
        boosts.append(f"sibling '{context.expiry}'")
    # A user's bare `key` is most often a key of the user's records (calibre-web:
    # bookmark.bookmark_key; merou: user_metadata.data_key): the owner backs it only beside an
    # expiry, as a visit key (pagure: pagure_user_visit.visit_key).
    # A user's signature proves the user wrote the row (lvfs: hsi_reports.signature, a PKCS#7
    # signature of the uploaded report, labelled none); it logs nobody in.
    if (context.owner and context.owner != column.column
            and (context.expiry or (base and tokens[-1] not in ("key", "keys")
                                    and not contains_any(tokens, vocab.audit_seals)))):
        boosts.append(f"sibling '{context.owner}' (foreign key to {context.owner_target})")
    if (context.credential_sibling and context.credential_sibling != column.column
            and bare and bare[-1] in _HASH_HEADS and not of_public):
        # a hash next to a salt or a password verifies it; other names gain nothing from it
        boosts.append(f"sibling '{context.credential_sibling}'")
    # A unique token is a lookup value, but a unique key is usually a business key.
    if (column.unique or column.index) and (bare or base) and tokens[-1:] != ("key",):
        boosts.append("unique" if column.unique else "indexed")
    if said:
        boosts.append(f"{where} says '{said.replace('_', ' ')}'")
        if idents & vocab.json_types:
            # the comment of a JSON column lists what it keeps (gns3-server:
            # llm_model_configs.config, "Config fields: provider, base_url, model, api_key")
            boosts.append(f"a {sorted(idents & vocab.json_types)[0]} column: the {where} "
                          "lists what it keeps")
    body = (material_body(name, column.type, vocab)
            if base is not None and base.confidence == "medium" else None)
    if public and base is not None and not body:
        # a certificate or public key the comment calls public is still key material
        # (LABELING.md; dstack: users.ssh_public_key, "SSH public key")
        return Classification(base.category, "low", f"{base.reason}, but the comment says "
                              f"'{public.replace('_', ' ')}'")
    if (base is not None and base.confidence == "medium"
            and contains_any(normalize(name), vocab.material)):
        held = _key_holder(column, context)
        if held:
            return Classification("credential", "high", f"{base.reason}, {held}")
        if body:
            # the body itself, public or not (LABELING.md: certificates and public keys are
            # key material; keylime: registrarmain.mtls_cert is String(2048), tatu:
            # authorities.user_pub_key is Text)
            return Classification("credential", "high", f"{base.reason} on {body}: the "
                                  "certificate or key itself, key material whether public or "
                                  "not")
    if strength >= 3:
        return base  # the name already convinces; more evidence would only lengthen messages
    if strength == 1 and not boosts:
        return None  # a guess (a bare `key`) with nothing to back it is not worth a word
    strength = min(3, strength + len(boosts))
    if "public" in normalize(name):
        strength = min(strength, 2)  # key material, but nothing secret: a table adds no secrecy
    evidence += boosts
    return Classification("credential", CONFIDENCE_OF[strength],
                          ", ".join(evidence))


def _quotes_table(context: Context) -> bool:
    """Does some evidence for a column of this table name the table? Then two tables whose
    contexts are otherwise alike cannot share a verdict (node_history's and port_history's
    `user` are each their own table's record)."""
    return bool(context.secret_table or context.config or context.person_table
                or context.audit or context.identity_table or context.message_table
                or context.identifier_table or context.session_table)


def classify_columns(columns: Sequence[Column], vocab: Vocabulary | None = None
                     ) -> tuple[Column, ...]:
    """Every column with category, confidence and evidence filled in, judged with its table."""
    vocab = vocab or load_vocabulary()
    by_table: dict[str, list[Column]] = {}
    for column in columns:
        by_table.setdefault(column.table, []).append(column)
    # Does the repository keep accounts of its own? (nova and cinder keep none: their users
    # live in Keystone.) A password alone says nothing: manila's security_services.password
    # logs the share server into a directory, and manila keeps no accounts.
    people = any(set(normalize(c.column)) & {"email", "username"} for c in columns)
    # A string user_id cannot point at users keyed by number (privacyidea's user_id is the
    # person's ID in an LDAP or SQL user store; ckan's users have text keys, so its don't).
    numbered = people and not any(
        c.primary_key and text_types(type_idents(c.type), vocab)
        and is_person_table(table, c.class_name, vocab)
        for table, cols in by_table.items() for c in cols)
    stamped = audit_stamps(columns)
    contexts = {table: table_context(table, cols[0].class_name, cols, vocab,
                                     no_people=not people, numbered_people=numbered,
                                     stamps={c.column for c in cols if c.key in stamped})
                for table, cols in by_table.items()}
    # How the repository labels similar fields: a labelled sf_refresh makes an unlabelled
    # ns_refresh, which the name alone only guesses at, a likely credential.
    labelled: dict[tuple[str, ...], Column] = {}
    for column in columns:
        if column.labels:
            labelled.setdefault(core_tokens(column.column, vocab), column)
    # Thousands of columns share a few dozen names (id, created_at) and tables share contexts:
    # one verdict per (column facts, context); the table's name only where evidence quotes it.
    # A shape is hashed once per table, and columns key their verdict on its number: hashing
    # the whole context again for each of thousands of columns cost more than judging them.
    shape_ids: dict[tuple[Context, str], int] = {}
    shapes = {table: shape_ids.setdefault(
                  (dataclasses.replace(c, table=""), table if _quotes_table(c) else ""),
                  len(shape_ids))
              for table, c in contexts.items()}
    verdicts: dict[tuple[object, ...], Classification | None] = {}

    def judge(column: Column, twins: bool = True) -> Column:
        key = (column.attribute, column.column, column.type, column.unique, column.index,
               column.doc, column.comment, column.foreign_key, column.primary_key,
               column.sealed_by, shapes[column.table])
        if key not in verdicts:
            verdicts[key] = classify_in_context(column, contexts[column.table], vocab)
        found = verdicts[key]
        if twins and labelled and not column.labels:
            found = _like_labelled(column, found, labelled, vocab)
        if found is None and column.category is None:
            return column
        return dataclasses.replace(
            column,
            category=found.category if found else None,
            confidence=found.confidence if found else None,
            evidence=found.reason if found else None,
        )

    judged = {c.key: judge(c) for c in columns if c.history_of is None}
    _carry_keys(judged)
    out = []
    for column in columns:
        original = judged.get((column.history_of, column.column)) if column.history_of else None
        if column.history_of is None:
            out.append(judged[column.key])
        elif original is None:  # a history table's bookkeeping columns: judged in their table
            out.append(judge(column, twins=False))
        else:
            # A history table keeps every past value of the columns it copies, so a copy is
            # what its original is: person_version.name is a person's name although
            # person_version, among transaction ids, looks like no person table.
            out.append(dataclasses.replace(
                column, category=original.category, confidence=original.confidence,
                evidence=original.evidence and f"history copy of {original.table}."
                                               f"{original.column}: {original.evidence}"))
    return tuple(out)


def _carry_keys(judged: dict[tuple[str, str], Column]) -> None:
    """A foreign key to a column that holds a credential holds the same value: pagure's
    tokens_acls.token_id points at tokens.id, the API token itself. Only where the name said
    nothing (a key to a person's id stays what its own name says)."""
    for key, column in list(judged.items()):
        target = column.foreign_key
        if column.category is not None or not target or "." not in target:
            continue
        table, _, name = target.rpartition(".")
        held = judged.get((table.rsplit(".", 1)[-1], name))
        if held is None or held.category != "credential" or held.confidence is None:
            continue
        judged[key] = dataclasses.replace(
            column, category="credential", confidence=held.confidence,
            evidence=f"foreign key to {target}, which holds a credential ({held.evidence}): "
                     "the same value")


def _like_labelled(column: Column, found: Classification | None,
                   labelled: Mapping[tuple[str, ...], Column],
                   vocab: Vocabulary) -> Classification | None:
    if found is not None and (found.category != "credential" or found.confidence != "low"):
        return found
    if flag_or_scalar(type_idents(column.type), vocab):
        return found
    twin = labelled.get(core_tokens(column.column, vocab))
    if twin is None or twin.key == column.key:
        return found
    by_name = found or classify(column.attribute or column.column, column.type, vocab)
    if by_name is None or by_name.category != "credential":
        return found
    # "likely a credential too" (issue 9): flagged here; in a diff, MR003 blocks it for the
    # labelled twin (reviewer.checks.unlabeled_sensitive.masked_twin), as for a masked one
    return Classification("credential", "medium",
                          f"{by_name.reason}, like labelled '{twin.qualname}'")


def classify_column(column: Column, vocab: Vocabulary | None = None,
                    context: Context | None = None) -> Column:
    """The column with ``category``/``confidence``/``evidence`` filled in (None when not
    sensitive)."""
    found = classify_in_context(column, context, vocab)
    return dataclasses.replace(
        column,
        category=found.category if found else None,
        confidence=found.confidence if found else None,
        evidence=found.reason if found else None,
    )

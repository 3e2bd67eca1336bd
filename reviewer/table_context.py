"""What a column's table says about it: the evidence one table gives all its columns.

A reviewer reads a column with its row: a `value` in a `tokens` table is the token, a `code`
beside `expires_at` and a foreign key to a user is a one-time code, a name in an
organisations table is nobody's. ``table_context`` gathers that evidence once per table, as a
``Context`` that ``reviewer.classifier`` quotes in its verdicts.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from reviewer.name_verdicts import (
    Match,
    classify,
    name_matches,
    scalars,
    text_types,
    type_idents,
)
from reviewer.types import Column
from reviewer.vocabulary import (
    Vocabulary,
    contains_any,
    ends_with_any,
    load_vocabulary,
    normalize,
    snake_norm,
    words,
)


@dataclass(frozen=True, slots=True)
class Context:
    """What a column's table says about it, in the words a reviewer would quote."""

    table: str = ""
    secret_table: bool = False  # the table's (or class's) name says its rows are secrets
    expiry: str | None = None  # a sibling that says the row expires: expires_at, burned
    grant: str | None = None  # a sibling that says the row is an OAuth grant: redirect_uri
    file: str | None = None  # a sibling that describes a stored file: filename, mime_type
    owner: str | None = None  # a sibling foreign key to a person: user_id -> users.id
    owner_target: str | None = None
    credential_sibling: str | None = None  # a sibling named like a credential: salt
    key_value: bool = False  # the table has both `key` and `value`
    # the value column of a key/value pair: `value` beside `key` or `name`, or one qualified
    # like its key (app_settings_value beside app_settings_name)
    kv_value: str | None = None
    config: bool = False  # ... and is an application's own configuration, not a thing's options
    audit: bool = False  # its rows record what happened: an audit log, a history
    org_table: bool = False  # its rows are organisations, teams, projects
    mailbox_table: bool = False  # its rows are organisations whose addresses are their own
    person_table: bool = False  # its rows are people: users, accounts, members
    personal: bool = False  # a person table, or contact siblings (email, phone, city)
    no_people: bool = False  # the repository has no table of people at all
    # no table of people here is keyed by a string, so a string user_id names someone elsewhere
    numbered_people: bool = False
    author: str | None = None  # a sibling that says who wrote the row
    visit: str | None = None  # a sibling that records a person's visit: ip, user_agent
    identity_table: bool = False  # its rows are a person's accounts at external providers
    handles: frozenset[str] = frozenset()  # siblings that name a person: actor, owner
    message_table: bool = False  # its rows are sent e-mails or messages
    delivery_table: bool = False  # its rows are events delivered to subscribers (webhooks)
    session_table: bool = False  # its rows are server-side sessions
    session_key: str | None = None  # a sibling that holds the session's id: session_id
    activity: str | None = None  # a sibling that records the row's last use: last_seen
    private_half: str | None = None  # a sibling that holds a private key: the row is a key pair
    public_half: str | None = None  # a sibling that holds a certificate: tls.certificate
    account: str | None = None  # a string user_id, no foreign key, no table of users: Keystone's
    scoped: bool = False  # a sibling names the project (tenant) the row belongs to
    network: str | None = None  # a sibling that describes a network: cidr, gateway
    located: str | None = None  # a sibling that places the row's address on a map: geoip_info
    # (column, sibling): a sibling says the column's value is encrypted (decrypt_method, or
    # properties_data_encrypted for properties_data)
    sealed: tuple[tuple[str, str], ...] = ()
    identifier_table: str | None = None  # its head noun is a person's identifier: user_names
    # a sibling other than the key that could hold the row's secret: a bare token, key, value
    secret_sibling: bool = False
    # keys named for what they open beside a secret of that name (api_key beside api_secret):
    # each is the pair's identifier
    key_ids: frozenset[str] = frozenset()
    # (words of a stem, sibling): a sibling that names a postal part of what the stem names
    # (private_address_zip_code for private_address), so the stem is a postal address
    postal_parts: tuple[tuple[tuple[str, ...], str], ...] = ()


def is_person_table(table: str, class_name: str | None, vocab: Vocabulary) -> bool:
    # timesketch's userprofile is a profile table as much as user_profile is
    return any((tokens := words(name, vocab)[0]) and tokens[-1] in vocab.person_tables
               and not ends_with_any(tokens, vocab.machine_person_tables)
               for name in (table, class_name or ""))


def table_context(table: str, class_name: str | None, columns: Sequence[Column],
                  vocab: Vocabulary | None = None, *, no_people: bool = False,
                  numbered_people: bool = False,
                  stamps: Collection[str] = frozenset()) -> Context:
    """The evidence one table gives all its columns (computed once per table).

    ``stamps``: columns the repository's base class gives every table (``audit_stamps``);
    they say who touched a row, not that a person's record is in it.
    """
    vocab = vocab or load_vocabulary()
    names = {snake_norm(c.column): c for c in columns}
    # expires_at as written, or a date or time named for the expiry (expiry_datetime)
    expiry = next((c.column for n, c in names.items() if n in vocab.expiry_siblings
                   or (n.split("_", 1)[0] in vocab.expiry_heads
                       and scalars(type_idents(c.type), vocab))), None)
    owner = next((c for c in columns if c.foreign_key and _person_fk(c.foreign_key, vocab)),
                 None)
    # a salt is a low guess alone, but next to a hash it says what the hash verifies; a
    # credential that is an id (a Keystone trust_id) is redeemed, never verified by a hash
    cred = next((c.column for c in columns if not c.primary_key
                 and (found := classify(c.column, c.type, vocab)) is not None
                 and found.category == "credential" and normalize(c.column)[-1:] != ("id",)
                 and (found.confidence == "high" or normalize(c.column)[-1:] == ("salt",))),
                None)
    author = _sibling({n: c for n, c in names.items() if c.column not in stamps},
                      vocab.author_siblings)
    own = normalize(table)
    network = _sibling(names, vocab.network_siblings)
    # a load balancer's pool member sits on a subnet: a machine (octavia: member.ip_address
    # and .name beside .subnet_id; neutron-lbaas: lbaas_members.address)
    person_table = is_person_table(table, class_name, vocab) and network is None
    handles = frozenset(n for n, c in names.items()
                        if (found := classify(c.column, c.type, vocab)) is not None
                        and found.category == "direct_identifier")
    private_half = next((c.column for c in columns
                         if contains_any(normalize(c.column), vocab.private_halves)
                         and (found := classify(c.column, c.type, vocab)) is not None
                         and found.category == "credential" and found.confidence == "high"),
                        None)
    scoped = any(n in vocab.tenant_scopes for n in names)
    account = next((c.column for n, c in names.items()
                    if no_people and (n in vocab.external_account_names
                                      or (scoped and n in vocab.scoped_account_names))
                    and not c.foreign_key and not c.primary_key
                    and text_types(type_idents(c.type), vocab)),
                   None)
    return Context(
        table=table,
        config=_config_table(table, class_name, vocab, _package_words(columns)),
        audit=_heads(table, class_name, vocab.audit_tables),
        org_table=contains_any(own, vocab.org_tables),
        mailbox_table=_heads(table, class_name, vocab.mailbox_tables),
        person_table=person_table,
        personal=person_table or any(n in vocab.personal_siblings for n in names),
        no_people=no_people,
        numbered_people=numbered_people,
        author=author,
        secret_table=_secret_table(table, class_name, vocab),
        expiry=expiry,
        grant=_sibling(names, vocab.grant_siblings),
        file=_sibling(names, vocab.file_siblings),
        owner=owner.column if owner else None,
        owner_target=owner.foreign_key if owner else None,
        credential_sibling=cred,
        key_value=("key" in names or "name" in names) and "value" in names,
        kv_value=_kv_value(names),
        visit=_sibling(names, vocab.visit_siblings),
        identity_table=_heads(table, class_name, vocab.identity_tables),
        handles=handles,
        message_table=_heads(table, class_name, vocab.message_tables),
        delivery_table=_heads(table, class_name, vocab.delivery_tables),
        session_table=(_heads(table, class_name, vocab.session_tables)
                       and not _heads(table, class_name, vocab.recorded_sessions)),
        session_key=_sibling(names, vocab.session_ids),
        activity=_sibling(names, vocab.activity_siblings),
        private_half=private_half,
        public_half=_sibling(names, vocab.public_halves),
        account=account,
        scoped=scoped,
        network=network,
        located=next((c.column for n, c in names.items()
                      if vocab.address_locators & set(n.split("_"))), None),
        sealed=_sealed(names, vocab),
        identifier_table=_identifier_head(table, vocab),
        key_ids=_key_ids(names, vocab),
        postal_parts=_postal_parts(names, vocab),
        secret_sibling=cred is not None or any(
            not c.primary_key and normalize(c.column)[-1:] and normalize(c.column)[-1]
            in vocab.bare_secrets for c in columns),
    )


def _sibling(names: Mapping[str, Column], words: Collection[str]) -> str | None:
    """The first column whose normalised name is one of ``words``, as its table writes it."""
    return next((c.column for n, c in names.items() if n in words), None)


def _postal_parts(names: Mapping[str, Column], vocab: Vocabulary
                  ) -> tuple[tuple[tuple[str, ...], str], ...]:
    """(words of the stem, the sibling) for each sibling named stem + a postal part whose stem
    is a column too: private_address_zip_code beside private_address."""
    out = []
    for name, column in names.items():
        for part in vocab.postal_parts:
            stem = name.removesuffix("_" + part)
            if stem != name and stem in names:
                out.append((normalize(stem), column.column))
    return tuple(sorted(out))


def _key_ids(names: Mapping[str, Column], vocab: Vocabulary) -> frozenset[str]:
    """api_key beside api_secret (consumer_key beside consumer_secret, access_key beside
    secret_key): the key names the pair, the secret authenticates it."""
    found = set()
    # the secret may be kept hashed (gpustack: api_keys.access_key beside hashed_secret_key)
    kept = {_unhashed(n) for n in names}
    for name in names.keys() & vocab.key_ids:
        stem = name.removesuffix("_key").removesuffix("key")
        if kept & {f"{stem}_secret", f"{stem}secret", "secret_key", f"secret_{name}"}:
            found.add(name)
    return frozenset(found)


def _unhashed(name: str) -> str:
    """``hashed_secret_key``, ``secret_key_hash``, ``secret_key_digest``: ``secret_key``."""
    for affix in ("hashed_", "encrypted_"):
        name = name.removeprefix(affix)
    for affix in ("_hashed", "_hash", "_digest", "_encrypted"):
        name = name.removesuffix(affix)
    return name


def _sealed(names: Mapping[str, Column], vocab: Vocabulary) -> tuple[tuple[str, str], ...]:
    """Columns a sibling says are stored encrypted: the row's value or data beside a
    decrypt_method or an encrypted flag; any column beside a flag named after it."""
    out = []
    flag = _sibling(names, vocab.sealing_flags)
    for n, c in names.items():
        named = names.get(f"{n}_encrypted")
        if named is not None:
            out.append((c.column, named.column))
        elif flag is not None and n in vocab.sealed_names and not c.foreign_key:
            out.append((c.column, flag))
    return tuple(out)


def _identifier_head(table: str, vocab: Vocabulary) -> str | None:
    """`prohibited_user_names`: the table's rows are a person's identifiers (the entry)."""
    tokens = normalize(table)
    found = [m for m in name_matches(tokens, vocab) if m.end == len(tokens)
             and m.term.category == "direct_identifier" and m.term.confidence == "high"]
    return "_".join(max(found, key=Match.sort_key).term.tokens) if found else None


def _secret_table(table: str, class_name: str | None, vocab: Vocabulary) -> bool:
    """`api_tokens`, `macaroons`, `user_recovery_codes`, `totp_codes`: rows that are secrets, by
    the head noun of the table's (or class's) name, a [context] secret table, a sure credential
    entry, or a bare secret (`code`) named for a credential kind (`totp`). The
    negatives hold here too: `translation_keys` and `idempotency_keys` hold no keys."""
    for name in (table, class_name or ""):
        tokens = words(name, vocab)[0]  # `usertokens` as well as `user_tokens`
        if (not tokens or contains_any(tokens, vocab.negative_phrases)
                or ends_with_any(tokens, vocab.recorded_sessions)):
            continue
        if ends_with_any(tokens, vocab.secret_tables):
            return True
        found = name_matches(tokens, vocab)
        if any(m.end == len(tokens) and m.term.category == "credential"
               and m.term.confidence == "high" and not m.term.configured for m in found):
            return True
        # a bare secret named for a credential kind is that credential: skyvern's totp_codes
        if len(tokens) > 1 and tokens[-1] in vocab.bare_secrets and any(
                m.end == len(tokens) - 1 and m.term.category == "credential"
                and m.term.confidence == "high" and not m.term.configured for m in found):
            return True
    return False


def _kv_value(names: Mapping[str, Column]) -> str | None:
    """The value column of the table's key/value pair, if it has one."""
    for name, col in names.items():
        if name == "value" or name.endswith("_value"):
            stem = name[:-len("value")]
            if f"{stem}key" in names or f"{stem}name" in names:
                return col.column
    return None


def _package_words(columns: Sequence[Column]) -> frozenset[str]:
    """The directories the table's model file sits in, as words: a table named after the
    application's package (rhodecode/model/db.py's `rhodecode_settings`) is its own."""
    return frozenset(snake_norm(part) for c in columns[:1]
                     for part in c.path.split("/")[:-1] if part)


def _config_table(table: str, class_name: str | None, vocab: Vocabulary,
                  packages: frozenset[str] = frozenset()) -> bool:
    """The application's own configuration (`settings`, `rhodecode_settings` in the package
    `rhodecode`), or an integration's (`resolverconfig`), not a thing's (`bios_settings`)."""
    for name in (table, class_name or ""):
        tokens = words(name, vocab)[0]
        for head in vocab.config_tables:
            if tokens[-len(head):] == head:
                owners = tokens[:-len(head)]
                if (not owners or set(owners) & vocab.config_owners
                        or "_".join(owners) in packages):
                    return True
    return False


def _heads(table: str, class_name: str | None, phrases: Sequence[tuple[str, ...]]) -> bool:
    """Does the table's (or class's) head noun say what its rows are? `api_tokens` holds
    tokens; `token_info` holds information about them."""
    for name in (table, class_name or ""):
        tokens = normalize(name)
        if ends_with_any(tokens, phrases):
            return True
    return False


def _person_fk(target: str, vocab: Vocabulary) -> bool:
    table = target.rsplit(".", 1)[0] if "." in target else target
    tokens = normalize(table)
    return bool(tokens) and (tokens[-1] in vocab.person_tables
                             or "_".join(tokens) in vocab.person_tables)


def audit_stamps(columns: Sequence[Column], share: float = 0.8, least: int = 5
                 ) -> frozenset[tuple[str, str]]:
    """(table, column) of the columns one base class or mixin gives (nearly) every table.

    BC's Modern Engagement Tools stamps ``created_by`` and ``updated_by`` on all 60 tables from
    its base model: an engagement's consent message is the organisation's page, not a
    participant's prose, though its row names the staff member who last edited it.
    """
    tables = {c.table for c in columns if c.history_of is None}
    carriers: dict[tuple[str, str], set[str]] = {}
    for c in columns:
        if c.declared_in and c.history_of is None:
            carriers.setdefault((c.declared_in, c.column), set()).add(c.table)
    if len(tables) < least:
        return frozenset()
    return frozenset((t, column) for (_, column), held in carriers.items()
                     if len(held) >= max(least, share * len(tables)) for t in held)

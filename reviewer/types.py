"""The core value types. Every module passes these around; none of them mutates one.

Derive new values with ``dataclasses.replace``.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from reviewer.codes import RuleAction, Severity
Side = Literal["RIGHT", "LEFT"]
Source = Literal["deterministic", "ai"]
Category = Literal["credential", "direct_identifier", "quasi_identifier", "financial", "free_text"]
Confidence = Literal["high", "medium", "low"]
# "snake_case", "flask-sqlalchemy", or a template of the class name: "{class_snake}s"
TableNaming = str
FailOn = Literal["error", "warning", "never"]
AiMode = Literal["auto", "on", "off"]

CATEGORIES: tuple[Category, ...] = (
    "credential",
    "direct_identifier",
    "quasi_identifier",
    "financial",
    "free_text",
)


@dataclass(frozen=True, slots=True)
class Exemption:
    """A written reason why a labelled column needs no masking rule."""

    table: str
    column: str
    reason: str
    path: str
    line: int
    origin: Literal["pragma", "config"]


@dataclass(frozen=True, slots=True)
class Column:
    """One physical column of one concrete table, as read from source (never imported)."""

    table: str
    column: str  # the DB column name, which is what masking rules name
    class_name: str | None  # None for Core ``Table(...)`` columns
    attribute: str | None
    path: str  # repo-relative, POSIX separators; where the declaring statement is
    line: int  # first line of the declaring statement
    type: str | None  # the type expression as written, e.g. "String(255)"
    nullable: bool
    unique: bool
    primary_key: bool
    labels: tuple[str, ...] = ()  # configured dotted label names found in the declaration
    exemption: Exemption | None = None
    declared_in: str | None = None  # mixin / base class that declares it, when not class_name
    category: Category | None = None
    confidence: Confidence | None = None
    # What a reviewer reads besides the name (the classifier's evidence, never data values)
    index: bool = False
    foreign_key: str | None = None  # "users.id", as written in ForeignKey(...)
    doc: str | None = None  # doc= / comment= of the declaration
    comment: str | None = None  # source comments on the declaration or right above it
    evidence: str | None = None  # why the classifier chose category/confidence, for messages
    history_of: str | None = None  # the table whose history table this is (SQLAlchemy-Continuum)
    # "BlockDocument.encrypt_data: encrypt_fernet(...), line 1073": its class's own method
    # writes it encrypted
    sealed_by: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.column)

    @property
    def qualname(self) -> str:
        """``Class.attribute`` for mapped columns, ``table.column`` for Core ones."""
        if self.class_name and self.attribute:
            return f"{self.class_name}.{self.attribute}"
        return f"{self.table}.{self.column}"

    @property
    def sensitive(self) -> bool:
        return bool(self.labels)


# how the code uses a key: keeps it in the blob or row, or looks it up
KeyUse = Literal["stores", "reads", "declares"]  # declares: a class typing the blob


@dataclass(frozen=True, slots=True)
class StoredKey:
    """A literal key the repository's code keeps in a column's blob (``reviewer.blob_keys``),
    where the code first does: ``info.get('ipmi_password')`` reads it, ``props['k'] = v``
    stores it; or a field of a class that types the blob (``reviewer.declared_keys``), where
    the class declares it."""

    key: str
    use: KeyUse
    path: str
    line: int


ValueKind = Literal["generator", "hasher", "verifier", "client_ip", "user_agent", "copy"]


@dataclass(frozen=True, slots=True)
class ValueSource:
    """How the repository's code makes or checks a column's value (``reviewer.value_sources``),
    where it first does: written from a secret generator (``os.urandom()``) or a password
    hasher, read by a verifier (``pyotp.TOTP()``), written from the client's IP address or
    user agent, or a copy of a person's identifier (``user.email``). ``source`` is what the
    code calls or reads, as it spells it."""

    kind: ValueKind
    source: str
    path: str
    line: int


DeclarationKind = Literal["secret_type", "input_only", "names_list", "scrubbed"]


@dataclass(frozen=True, slots=True)
class Declaration:
    """Where the repository's own code declares a column secret (``reviewer.declared_secrets``):
    a schema field of the same name typed ``SecretStr`` or marked ``load_only=True``, a
    redaction list naming it, a scrub function clearing it. ``declared`` is how the code says
    it, short (``UserCreate.api_key: SecretStr``, ``SECRET_KEYS lists 'password'``)."""

    kind: DeclarationKind
    declared: str
    path: str
    line: int


@dataclass(frozen=True, slots=True)
class Classification:
    """The classifier's verdict on a column (``reviewer.classifier``). Here, with the other
    values, so that a check can quote a cached verdict without importing the classifier."""

    category: Category
    confidence: Confidence
    reason: str  # e.g. "name token 'secret'"


@dataclass(frozen=True, slots=True)
class ScanError:
    """Something the scanner could not read or resolve. Always blocks (MR007)."""

    path: str
    line: int
    message: str


@dataclass(frozen=True, slots=True)
class Inventory:
    columns: tuple[Column, ...]
    errors: tuple[ScanError, ...] = ()
    # pragma exemptions as written, including ones that match no labelled column
    exemptions: tuple[Exemption, ...] = ()
    files: tuple[str, ...] = ()  # model files that were scanned
    mapped_classes: int = 0
    # by_key() is asked for by every check; built once (a fresh value gets a fresh index)
    _index: dict[tuple[str, str], Column] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def by_key(self) -> Mapping[tuple[str, str], Column]:
        if not self._index and self.columns:
            self._index.update((c.key, c) for c in self.columns)
        return self._index

    def tables(self) -> frozenset[str]:
        return frozenset(c.table for c in self.columns)


@dataclass(frozen=True, slots=True)
class Rule:
    """One entry of ``masking_rules.json``. ``line`` is 0 for a rule we suggest."""

    table: str
    column: str
    strategy: str
    value: object = None
    note: str | None = None
    line: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.column)

    @property
    def masks(self) -> bool:
        """``keep`` copies the column as it is: a decision not to mask, never masking."""
        return self.strategy != "keep"

    def entry(self) -> dict[str, object]:
        """The JSON object as it belongs in the rules file."""
        out: dict[str, object] = {
            "table": self.table,
            "column": self.column,
            "strategy": self.strategy,
        }
        if self.value is not None:
            out["value"] = self.value
        if self.note is not None:
            out["note"] = self.note
        return out


@dataclass(frozen=True, slots=True)
class RulesError:
    """A problem in the rules file itself; ``line``/``col`` are 1-based."""

    path: str
    line: int
    col: int
    message: str


# A rule whose column is "*" masks every column of its table that has no rule of its own.
TABLE_WIDE = "*"


class RuleIndex(Mapping[tuple[str, str], Rule]):
    """Rules by (table, column); a table-wide rule answers for every column of its table.

    Iterating yields the keys as written (``("audit_log", "*")`` included), so listings and
    diffs show the rules themselves; looking a column up finds its own rule first.
    """

    __slots__ = ("_exact",)

    def __init__(self, rules: Iterable[Rule]) -> None:
        self._exact: dict[tuple[str, str], Rule] = {r.key: r for r in rules}

    def __getitem__(self, key: tuple[str, str]) -> Rule:
        found = self._exact.get(key)
        if found is not None:
            return found
        return self._exact[(key[0], TABLE_WIDE)]

    def __contains__(self, key: object) -> bool:
        if key in self._exact:
            return True
        return isinstance(key, tuple) and len(key) == 2 and (key[0], TABLE_WIDE) in self._exact

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self._exact)

    def __len__(self) -> int:
        return len(self._exact)


@dataclass(frozen=True, slots=True)
class RulesFile:
    path: str
    rules: tuple[Rule, ...] = ()
    errors: tuple[RulesError, ...] = ()
    exists: bool = True
    _index: RuleIndex | None = field(
        default=None, init=False, compare=False, hash=False, repr=False
    )

    def by_key(self) -> RuleIndex:
        if self._index is None:
            object.__setattr__(self, "_index", RuleIndex(self.rules))
        assert self._index is not None
        return self._index


@dataclass(frozen=True, slots=True)
class SimilarField:
    """A column elsewhere that resembles the one a finding is about."""

    table: str
    column: str
    class_name: str | None
    attribute: str | None
    path: str
    line: int
    labels: tuple[str, ...]
    rule: Rule | None
    score: float

    @property
    def qualname(self) -> str:
        if self.class_name and self.attribute:
            return f"{self.class_name}.{self.attribute}"
        return f"{self.table}.{self.column}"


# the line and column numbers a message quotes: "at line 12, column 5", "(app/db.py:3)"
_QUOTED_LINES = re.compile(r"(\bline |\bcolumn |\.py:)\d+")


@dataclass(frozen=True, slots=True)
class Finding:
    code: str  # stable, e.g. "MR001"; the name comes from reviewer.codes
    severity: Severity
    message: str
    path: str
    line: int
    table: str | None = None
    column: str | None = None
    class_name: str | None = None
    attribute: str | None = None
    side: Side = "RIGHT"
    col: int | None = None  # 1-based column inside the line, when known (rules file errors)
    rule: Rule | None = None  # the exact entry to add, remove or replace
    action: RuleAction | None = None
    similar: tuple[SimilarField, ...] = ()
    source: Source = "deterministic"
    in_hunk: bool | None = None  # None outside a diff review
    introduced: bool = True  # False: it was already there at the base of the diff
    category: Category | None = None
    confidence: Confidence | None = None
    evidence: str | None = None  # the classifier's evidence for category/confidence
    dismissed: str | None = None  # AI's reason for calling a heuristic warning a false positive
    baselined: bool = False  # known debt recorded by `reviewer baseline`; never blocks
    blocks: bool = False  # stamped by the gate (``fail-on``); formatters only count it

    @property
    def name(self) -> str:
        from reviewer.codes import CODES

        return CODES[self.code].name

    @property
    def fingerprint(self) -> str:
        """Stable across line moves: covers path, table, column and kind, never the line. A
        finding of no column is told apart by its message, with the line and column numbers
        it quotes left out ("syntax error at line 2399, column 40", "app/db.py:12"): a pull
        request that only moves a broken line introduces nothing."""
        parts = [self.code, self.path, self.table or "", self.column or ""]
        if self.table is None and self.column is None:
            parts.append(_QUOTED_LINES.sub(r"\1#", self.message))
        # surrogatepass: an undecodable byte in a file name must not crash the fingerprint
        digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
        return digest[:16]


@dataclass(frozen=True, slots=True)
class ConfigExemption:
    table: str
    column: str
    reason: str
    line: int  # line of the entry in the config file, for messages


@dataclass(frozen=True, slots=True)
class ExternalColumn:
    """A column an external (installed, not in the repository) base or mixin contributes."""

    attribute: str
    name: str  # DB column name
    type: str | None = None
    nullable: bool = True
    primary_key: bool = False
    unique: bool = False
    labels: tuple[str, ...] = ()
    # ``unless = "__uuid_primary_key__"``: absent from a class whose attribute is true
    # (coaster's UuidMixin.uuid is a synonym of id there, not a column): ColumnBuilder.flag
    unless: str | None = None
    index: bool = False
    # what the package says the column holds (its doc=, or the declaration's own reading of
    # the package): evidence for the classifier, as a repository column's doc= is
    doc: str | None = None
    # of a table factory's column (ExternalClass.parameters), its name when a parameter its
    # attribute names is not given: join_model's "{model_1.__tablename__[:-1]}_id"
    otherwise: str | None = None
    # "tokens.id", as ForeignKey(...) says it (a table factory's: a template): a key to a
    # credential holds the same value (classifier._carry_keys)
    foreign_key: str | None = None


@dataclass(frozen=True, slots=True)
class ExternalTable:
    """A table a package maps itself, in the metadata of a declarative base it exports: an
    application whose models derive from that base creates it with them
    (``Base.metadata.create_all()``), though no file of the repository declares it (libres'
    ``reservations`` beside OneGov's ``Resource(ORMBase, ...)``)."""

    name: str
    # the package's class that maps it, e.g. "Reservation"; None for a Core Table() (Flask-
    # Security's roles_users, which FsModels.set_db_info() makes)
    class_name: str | None
    columns: tuple[ExternalColumn, ...] = ()
    # of kind "subclass-tables", the table that also takes the columns written in the body of
    # the class deriving from the declaration (core.sr.ht's <name>_subscription)
    body: bool = False


# "history": a mixin that gives every table deriving from it a <table>_history copy, as
# SQLAlchemy's versioned_history example does (bcgov's sql-versioning packages it)
# "passthrough": a function that returns the value it is given first, as typing.cast does
# (coaster's with_roles(mapped_column(...), read={...})): the wrapped call is the column
# "subclass-tables": a class whose metaclass maps tables for each class deriving from it,
# named after that class ({class_snake} in ExternalTable.name), the class itself mapping none
# (core.sr.ht's Webhook: UserWebhook brings user_webhook_subscription and _delivery)
ExternalKind = Literal["mixin", "declarative-base", "history", "passthrough", "subclass-tables",
                       "table-factory"]


@dataclass(frozen=True, slots=True)
class ExternalClass:
    """What a class outside the repository contributes to the models that derive from it:
    from the config (``external-bases``), the installed package's source, or a declaration
    shipped in ``reviewer/external_bases/``."""

    name: str  # qualified name as the application imports it
    kind: ExternalKind = "mixin"
    columns: tuple[ExternalColumn, ...] = ()
    # the table a table mixin brings; {class} / {class_lower} / {class_snake} in it: derived
    # from the name of each class deriving from it, as a declared_attr __tablename__
    # (externals.tablename_expr)
    tablename: str | None = None
    source: str = ""  # where the declaration comes from, for messages
    # an installed class that names the table in a way the reader cannot evaluate: where
    # ("acme.storage, line 12"); its subclasses block rather than fall back to table-naming
    tablename_unread: str | None = None
    # a class attribute a subclass gets from a type argument it gives this base, as coaster's
    # IdMixin.__init_subclass__ sets __uuid_primary_key__ from BaseMixin[UUID, ...]:
    # (attribute, the argument's index, the qualified names that make it true)
    sets: tuple[tuple[str, int, tuple[str, ...]], ...] = ()
    # a declarative base's package's own tables, created with any application deriving from it;
    # of kind "subclass-tables", the tables made for each class deriving from it
    tables: tuple[ExternalTable, ...] = ()
    # of kind "table-factory" (a function that maps a table per call: baselayer's join_model),
    # its parameters in order; `tablename` and the columns' names are templates of them
    # ("{join_table}", "{model_1.__tablename__[:-1]}_id"), and a column `unless` one is given
    # as True is absent
    parameters: tuple[str, ...] = ()

    @property
    def adds_nothing(self) -> bool:
        """No column and no table of its own (``columns = []``): what a call of it builds, or a
        class deriving from it gets, is none."""
        return not self.columns and self.tablename is None and not self.tables


@dataclass(frozen=True, slots=True)
class Config:
    """``[tool.masking-reviewer]``, with defaults filled in."""

    root: str  # absolute path of the repository
    models: tuple[str, ...] | None = None  # None: auto-detect files that import SQLAlchemy
    rules: str = "masking_rules.json"
    labels: tuple[str, ...] = ("ColumnVisibility.MASKED", "ColumnVisibility.PRIVATE")
    table_naming: TableNaming | None = None
    exemptions: tuple[ConfigExemption, ...] = ()
    severity: tuple[tuple[str, Severity], ...] = ()  # per-code overrides
    fail_on: FailOn = "error"
    select: tuple[str, ...] | None = None  # codes to report; None: all
    ignore: tuple[str, ...] = ()  # codes never reported
    ai: AiMode = "auto"
    model: str | None = None  # None: reviewer.constants.DEFAULT_MODEL
    baseline: str | None = None
    # classifier vocabulary extensions: category -> extra name tokens / names
    sensitive_names: tuple[tuple[Category, tuple[str, ...]], ...] = ()
    ignore_names: tuple[str, ...] = ()
    external_bases: tuple[ExternalClass, ...] = ()  # `external-bases`: declared by the user
    # `external-instances`: an object from outside -> what it is an instance of
    # ("init.App.get_db()" -> "flask_sqlalchemy.SQLAlchemy()")
    external_instances: tuple[tuple[str, str], ...] = ()
    path: str | None = None  # the file the configuration was read from, if any
    # (table, column) -> the first exemption naming it; built on first lookup, since every
    # check asks for every column
    _exemption_index: dict[tuple[str, str], ConfigExemption] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def exemption(self, key: tuple[str, str]) -> ConfigExemption | None:
        if not self.exemptions:
            return None
        if not self._exemption_index:
            for e in self.exemptions:
                self._exemption_index.setdefault((e.table, e.column), e)
        return self._exemption_index.get(key)

    def severity_for(self, code: str, default: Severity) -> Severity:
        for c, sev in self.severity:
            if c == code:
                return sev
        return default


ChangeKind = Literal[
    "column-added",
    "column-removed",
    "column-labelled",
    "column-unlabelled",
    "rule-added",
    "rule-removed",
    "rule-changed",
]


@dataclass(frozen=True, slots=True)
class Change:
    """What a diff did to masking coverage, finding or not (e.g. a label added with its rule)."""

    kind: ChangeKind
    table: str
    column: str
    path: str
    line: int
    detail: str = ""


@dataclass(frozen=True, slots=True)
class AiUsage:
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    cost_usd: float = 0.0
    calls: int = 0  # 0 when every verdict came from the cache


@dataclass(frozen=True, slots=True)
class Review:
    """Everything a formatter needs: findings plus what was (and was not) analysed.

    Formatters render a Review; they never decide anything.
    """

    findings: tuple[Finding, ...]
    blocking: bool
    rules_path: str = "masking_rules.json"
    base: str | None = None  # commit sha of the diff base, None for a full-repo check
    head: str | None = None  # commit sha analysed, None for an uncommitted working tree
    exemptions: tuple[Exemption, ...] = ()  # every exemption in force, with its reason
    files_analysed: tuple[str, ...] = ()
    files_skipped: tuple[tuple[str, str], ...] = ()  # (path, why)
    notices: tuple[str, ...] = ()  # visible notes, e.g. "AI review skipped: no API key"
    ai_usage: AiUsage | None = None
    columns_total: int = 0
    columns_labelled: int = 0
    rules_total: int = 0
    changes: tuple[Change, ...] = ()  # only for a diff review

    @property
    def new_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.introduced and not f.baselined)

    @property
    def old_findings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.introduced or f.baselined)

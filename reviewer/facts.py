"""What one Python file declares, as plain frozen values: the scanner's output and the cache's
input. Free of libcst on purpose: a warm run loads these from JSON and must not pay libcst's
~230 ms import for a parser it never calls (``reviewer.scanner`` is imported only on a miss).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal

TablenameKind = Literal["none", "literal", "declared", "computed"]

# A string computed from constants, as an expression tree the resolver evaluates across modules:
#   ("lit", text) | ("ref", dotted name) | ("cat", (part, ...)) | ("clsname",)  (cls.__name__)
#   ("call", dotted callee, (arg, ...)) | ("meth", method, receiver, (arg, ...))
#   ("pct", "%s template", (arg, ...)) | ("maybe", expr): a name if it evaluates, else a type
#   ("clstable",): cls.__tablename__ | ("unknown",): a local the scanner could not follow
#   ("clsattr", name): cls.<name>, a class attribute | ("clscall", name, (arg, ...)):
#   cls.<name>(...), a classmethod; both looked up along the MRO of the class being mapped
#   ("pattern", text): a compiled regular expression (shipped declarations' {class_snake})
#   ("index", n, (expr,)) | ("slice", (start, stop), (expr,)): name[0], name[1:]
#   ("lambda", param, body): a re.sub replacement function, whose body reads the match only
#   as ("group", param, n): param.group(n)
# Tuples all the way down, so facts stay hashable and a cache round trip compares equal.
StrExpr = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class CallFacts:
    """A call such as ``mapped_column("email_address", String(320), info=...)``."""

    callee: str  # dotted source text of the callee, "" when it is not a dotted name
    line: int
    name: str | None = None  # literal DB name: first positional string or name=
    name_error: bool = False  # a name was given but is not a string literal
    type: str | None = None
    nullable: bool | None = None  # only a literal True/False counts
    primary_key: bool = False
    unique: bool = False
    key: str | None = None
    labels: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()  # dotted names used as argument values (label constants?)
    inner: CallFacts | None = None  # the wrapped call in column_property(Column(...))
    args: tuple[CallFacts, ...] = ()  # positional call arguments (Core Table columns)
    first_string: str | None = None  # Table("name", ...)
    end_line: int = 0
    reflected: bool = False  # Table(..., autoload_with=engine): columns come from the DB
    name_expr: StrExpr | None = None  # a first positional argument computed from constants
    # Evidence for the classifier, read only on column calls: index=True, the doc=/comment=
    # texts, and the source comments on (or right above) the call's lines.
    index: bool = False
    doc: str | None = None
    note: str | None = None
    # relationship(secondary=...) unless viewonly: ("table", "name") for a literal table name,
    # ("name", "dotted.name") for the Table object; SQLAlchemy-Continuum versions that table
    secondary: tuple[str, str] | None = None
    # ``*expr`` positional arguments, as written, but those spelling a column call inside
    # (``*[Column(...)]``: the scanner's safety net reports those calls): a Table given one
    # holds columns the reader cannot see
    starred: tuple[str, ...] = ()
    # SQLModel's ``Field(sa_column_kwargs={"name": ...})``: the DB name it gives, as an
    # expression (("unknown",) when it cannot be one); a Field's positional is its default
    sa_name: StrExpr | None = None


@dataclass(frozen=True, slots=True)
class AnnFacts:
    """``Mapped[Optional[str]]``: wrapper "Mapped", inner "str", optional."""

    wrapper: str
    inner: str
    optional: bool
    alias: str | None = None  # dotted name of the inner type; maybe an Annotated alias


@dataclass(frozen=True, slots=True)
class Stmt:
    """A class-body statement that may declare a column."""

    attribute: str
    line: int
    end_line: int
    annotation: AnnFacts | None = None
    call: CallFacts | None = None  # None for an annotation-only attribute
    decorators: tuple[str, ...] = ()  # set for functions (declared_attr)
    labels: tuple[str, ...] = ()  # labels anywhere in the statement, annotation included
    type_checking: bool = False  # under ``if TYPE_CHECKING:`` (never runs)
    # ``cast(T, Column(...))``: the call around ``call``, read through only when the inventory
    # resolves it to typing.cast (else ``call`` is read as this call)
    through: CallFacts | None = None
    # dotted callees of the calls inside the value but its outermost one (lambdas left out,
    # "" for a callee that is no dotted name): what a wrapper the inventory cannot see through
    # may hand back as the attribute. Not kept under a call spelled Column/mapped_column.
    nested: tuple[str, ...] = ()
    # a value that is no call but may evaluate to one inside it (``a if c else b``, ``x or y``,
    # ``[...][0]``): what it is, for the message; ``call`` is None then
    expr: str | None = None
    # a declared_attr returning ``cls.helper()``, a classmethod or staticmethod of the same
    # class body that returns one call: the helper's name (``call`` is what it returns). A
    # subclass that binds the name changes the column, which the inventory checks
    via: str | None = None
    # ``Label = make_label(__tablename__)``: the call's one argument, given alone and by
    # position, as a string expression: what a class factory's parameter is bound to
    lone_arg: StrExpr | None = None
    # bound in a branch of an ``if`` only the running configuration decides (flask-shop:
    # ``if Config.USE_REDIS: description = PropsItem(...)`` after ``description = Column(...)``)
    conditional: bool = False
    # earlier bindings of the name that such a branch may leave in place, oldest first: when
    # this one builds no column, the latest of them that does is the table's column
    alternatives: tuple[Stmt, ...] = ()
    # ``content_type = content_type.with_variant(...)``: a method of the value the same name
    # was bound to before; the callee of the call that made that value (``types.LargeBinary``)
    receiver: str | None = None


@dataclass(frozen=True, slots=True)
class ColRef:
    """``id = BaseMixin.id`` in a class body: an attribute bound to another class's attribute,
    which is that class's column object when the class is unmapped (a mixin)."""

    attribute: str
    target: str  # dotted source text: "BaseMixin.id", "mixins.Audited.id"
    line: int
    end_line: int
    annotation: AnnFacts | None = None  # ``id: Mapped[int] = BaseMixin.id``


@dataclass(frozen=True, slots=True)
class ClassFacts:
    name: str
    line: int
    bases: tuple[str, ...]  # dotted source text, "" for anything else
    stmts: tuple[Stmt, ...] = ()
    names: tuple[str, ...] = ()  # every attribute the body binds, columns or not
    tablename: str | None = None
    tablename_kind: TablenameKind = "none"
    tablename_line: int = 0
    abstract: bool = False
    table: CallFacts | None = None  # __table__ = Table(...)
    table_line: int = 0
    table_error: bool = False  # __table__ = something we cannot read
    decorators: tuple[str, ...] = ()  # dotted callee of each class decorator
    # a computed __tablename__, or what a declared_attr __tablename__ returns
    tablename_expr: StrExpr | None = None
    # class keywords with literal values, as source text: (("table", "True"),) for SQLModel
    keywords: tuple[tuple[str, str], ...] = ()
    made: tuple[MadeClass, ...] = ()  # classes its declared_attrs build with type(...)
    versioned: VersionedFacts | None = None  # __versioned__ = {...}: history table
    # __table__ = select(...)...: the class maps a query; the callee at the root of the chain
    table_query: str | None = None
    table_ref: str | None = None  # __table__ = a_table: a name bound to a Table(...)
    # self.<attribute> = <an encrypting call>(...) in a method: (attribute, "Class.method:
    # callee(...)", line). The class's own code stores that attribute encrypted.
    sealed_writes: tuple[tuple[str, str, int], ...] = ()
    # What a declared_attr reads through cls from this class: attributes bound once to a
    # string expression (("unknown",) for a name bound in a way ``names`` does not show), and
    # the classmethods/staticmethods that return one, as (name, parameters but cls, returned)
    str_attrs: tuple[tuple[str, StrExpr], ...] = ()
    str_methods: tuple[tuple[str, tuple[str, ...], StrExpr], ...] = ()
    col_refs: tuple[ColRef, ...] = ()  # ``id = BaseMixin.id``
    # ``cls.__tablename__ = <expr>`` in its ``__init_subclass__``: it renames the table of every
    # subclass (bitcart's plugin prefix). (line, the attributes the enclosing
    # ``if hasattr(cls, "NAME"):`` tests require, "?" for any other condition, the value as a
    # string expression of ``cls`` or None)
    subclass_tablenames: tuple[tuple[int, tuple[str, ...], StrExpr | None], ...] = ()
    # mapping-time hooks of the body that build tables (SQLAlchemy's versioned-rows recipe):
    # (hook, its line, what it builds: "Table(...) at line 80, in _history_mapper()", ()), or
    # (hook, line, "", names it calls that are no function of this file, for the inventory)
    table_hooks: tuple[tuple[str, int, str, tuple[str, ...]], ...] = ()
    # A metaclass's ``__new__`` that puts names of its module among the bases it gives
    # ``type.__new__``/``super().__new__`` (``new_bases.append(Base)``): the names, as written
    injects: tuple[str, ...] = ()
    # ``class Membership(UuidMixin, BaseMixin[UUID, Account])``: each base's type arguments as
    # dotted names ("" for a string or another expression), in the order of ``bases``; and
    # ``__uuid_primary_key__ = True``: the body's dunder attributes bound to a literal bool
    type_args: tuple[tuple[str, ...], ...] = ()
    flags: tuple[tuple[str, bool], ...] = ()
    # What the methods of a class that wraps SQLAlchemy bind on ``self`` (eNMS's Database:
    # ``self.base = declarative_base(...)``, ``self.Column = init_column``): (attribute, what
    # it is, as a name resolvable in the class's module: "declarative_base()" for a call's
    # result, "Column" for a name or for an inner function that hands its arguments on to it).
    # Read only in modules that make a declarative base on ``self`` (reviewer.bodies.SELF_MADE).
    self_attrs: tuple[tuple[str, str], ...] = ()
    # functions of the body that return a plain value, a literal or a collection built in them
    # (fence's _get_issuer_to_idp(), called in the body: `ISSUER_TO_IDP = ...()`): no column
    value_helpers: tuple[str, ...] = ()

    def binds(self, name: str) -> bool:
        """Does the class body bind ``name`` (so ``cls.<name>`` stops at this class)?"""
        return name in self.names or any(a == name for a, _ in self.str_attrs)


@dataclass(frozen=True, slots=True)
class VersionedFacts:
    """``__versioned__ = {...}`` in a class body: SQLAlchemy-Continuum (and its fork
    sqlalchemy-history) give the class's table a history table, ``<table>_version`` unless
    ``"table_name"`` says otherwise, holding a copy of every column but the ``"exclude"``d
    ones. Every old value of a secret lives on there, so it needs masking like the original."""

    line: int
    table_name: str | None = None  # the "table_name" option, a %-pattern such as "%s_history"
    exclude: tuple[str, ...] = ()  # attribute names left out ("include" already subtracted)
    problem: str | None = None  # why the options cannot be read (the table then blocks)
    # "history_meta": SQLAlchemy's versioned_history example instead (a base of kind
    # "history"): <table>_history with version and changed; the first versioned table of a
    # hierarchy (root) gains a version column too
    recipe: Literal["continuum", "history_meta"] = "continuum"
    root: bool = False


# A base of a class made by type() that is the class being mapped itself: ``(cls,)``, which
# blocks (SQLAlchemy would run the declared_attr again on the new subclass, endlessly)
SELF_BASE = "<cls>"


@dataclass(frozen=True, slots=True)
class MadeClass:
    """``type(f"{cls.__name__}Event", (Event, Base), {"__tablename__": ..., "x": Column()})``
    in a declared_attr (or in a classmethod one calls): SQLAlchemy runs it once for every
    mapped class that inherits the declared_attr, so the inventory makes one class per such
    subclass from this template, evaluating the names with that subclass's ``cls``. At module
    level (ModuleFacts.made) the same template makes one class, with no ``cls``."""

    attribute: str  # the declared_attr SQLAlchemy evaluates: the first class to bind it wins
    line: int
    end_line: int
    name_expr: StrExpr | None  # the class name, as a string expression; None: not one
    # The namespace as a class body: bases as written (SELF_BASE for cls), one Stmt per entry,
    # __tablename__ (tablename_expr evaluated per subclass); the name is left empty.
    body: ClassFacts
    problem: str | None = None  # why the namespace cannot be read (then it blocks)
    # ``return Meta("VersionedBase", (object,), {...})`` in a function: the callee, a class of
    # the repository the resolver judges as a metaclass (None: type() or a class statement)
    maker: str | None = None
    # ``def make_label(table): class Label(Base): __tablename__ = f"{table}_labels" ...``: the
    # function's first parameter, when it is the only one the class reads and it reads it only
    # to build names (__tablename__, a column's name, a ForeignKey's target, a constraint's):
    # a call that gives it as a string makes a class the inventory can read (problem says why
    # the class alone cannot be). None for any other function.
    bind: str | None = None
    uses: int = 0  # with bind: how often the module names the function besides its def


@dataclass(frozen=True, slots=True)
class ImportFacts:
    local: str  # the name bound in this module
    module: str  # as written, without the leading dots
    name: str | None  # None for ``import a.b [as c]``
    level: int = 0  # leading dots of a relative import
    # ``a.b`` of ``import a.b``, which binds only ``a`` (module): where the code runs from shows
    # in the dotted name (modern-paste's app/models import ``util.cryptography`` from app/)
    dotted: str = ""


@dataclass(frozen=True, slots=True)
class AliasFacts:
    """``Secret = Annotated[str, mapped_column(...)]``."""

    name: str
    line: int
    inner: str
    optional: bool
    call: CallFacts | None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FactoryFacts:
    """A column preset defined in the repository: ``def secret_column(*args, **kwargs):
    return mapped_column(*args, String(64), info=..., **kwargs)`` or ``SecretColumn =
    functools.partial(mapped_column, String(64), info=...)``. Inlined at each call when the
    returned call's own arguments are literals, or its parameters feed only arguments that
    neither name nor label the column (``sa.DateTime(timezone=timezone)``, ``doc=doc``); a
    parameter that does blocks."""

    name: str
    line: int
    call: CallFacts  # what it returns (for a partial: the partial's target with its arguments)
    star_args: bool  # the call site's positional arguments are passed through
    star_kwargs: bool  # the call site's keyword arguments are passed through
    star_first: bool  # *args come first, so a leading string at the call site is the name
    uses_params: bool  # a parameter feeds an argument: no Table(...) wrapper to read through
    # a parameter feeds what names or labels the column (the first positional argument, name=,
    # key=, info=) or a starred argument that is no passthrough: no column preset to inline
    shaped_by_params: bool = True
    # the parameter the preset passes first to the column, so that each call names its column
    # by the literal it gives there (DiracX's ``def enum_column(name, enum_type, **kwargs):
    # return mapped_column(name, Enum(enum_type, ...), **kwargs)``); None: the preset's own
    name_param: str | None = None


LateKind = Literal["attribute", "setattr", "type"]


# an argument of a module-level call as written: ("str", text) for a string literal, ("name",
# dotted) for a dotted name, ("bool", "True"/"False") for a literal bool, ("items", "A() b")
# for a list or tuple of calls and names (each call's callee with "()"), ("other", "") else
CallArg = tuple[str, str]


@dataclass(frozen=True, slots=True)
class ModuleCall:
    """A call at module level given arguments, each as written:
    ``GroupUser = join_model("group_users", Group, User, composite_pk=True)``. A package's
    function given a mapped class or a MetaData may build tables or columns
    (ColumnBuilder.package_call); a declared table factory's are read from its arguments
    (table_factories)."""

    line: int
    target: str  # the name or attribute the call is bound to, "" for none
    callee: str
    args: tuple[CallArg, ...]
    keywords: tuple[tuple[str, CallArg], ...]
    starred: bool = False  # *args or **kwargs: what it is given cannot be read

    @property
    def given(self) -> tuple[str, ...]:
        """The dotted names it is given, in order."""
        return tuple(text for kind, text in (*self.args, *(a for _, a in self.keywords))
                     if kind == "name")


@dataclass(frozen=True, slots=True)
class LateFacts:
    """Mapping after the class statement, at module level: ``User.ssn = Column(...)``,
    ``setattr(User, "ssn", Column(...))``, or a class made by ``type("X", (Base,), {...})``."""

    kind: LateKind
    line: int
    end_line: int
    target: str  # the class as written ("User"); for type(), the new class's literal name or ""
    attribute: str | None = None  # None: not a literal (setattr with a computed name)
    call: CallFacts | None = None  # the value, when it is a call
    bases: tuple[str, ...] = ()  # type(): the dotted names of its bases
    through: CallFacts | None = None  # as Stmt.through: cast(T, Column(...))
    nested: tuple[str, ...] = ()  # as Stmt.nested
    expr: str | None = None  # as Stmt.expr: ``User.x = a if c else Column(...)``


@dataclass(frozen=True, slots=True)
class ModuleFacts:
    imports: tuple[ImportFacts, ...] = ()
    classes: tuple[ClassFacts, ...] = ()
    tables: tuple[CallFacts, ...] = ()  # module-level calls that may be Core Table(...)
    aliases: tuple[AliasFacts, ...] = ()
    # NAME = {...}: the labels in its value, and the names it refers to (maybe more constants)
    consts: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    instances: tuple[tuple[str, str], ...] = ()  # NAME = callee(...) at module level
    strings: tuple[str, ...] = ()  # module-level string constants
    pragmas: tuple[tuple[int, str], ...] = ()  # (line, reason) of every exemption pragma
    errors: tuple[tuple[int, str], ...] = ()
    imports_sqlalchemy: bool = False
    names: tuple[str, ...] = ()  # every module-level binding
    bindings: tuple[tuple[str, str], ...] = ()  # NAME = dotted.name (an alias of that object)
    # NAME = callee(kw=dotted.name, ...): (NAME, kw, dotted.name), e.g. declarative_base(cls=X)
    instance_args: tuple[tuple[str, str, str], ...] = ()
    exports: tuple[str, ...] | None = None  # __all__ when it is a literal list; None: not set
    str_consts: tuple[tuple[str, StrExpr], ...] = ()  # NAME = a string built from constants
    # def NAME(params): return <string expression>
    str_funcs: tuple[tuple[str, tuple[str, ...], StrExpr], ...] = ()
    rebound: tuple[str, ...] = ()  # classes a later module-level assignment rebinds
    # NAME = a if test else b at module level: (NAME, line). Neither branch is evaluated, so a
    # class deriving from NAME blocks; the pair says why (kotaemon: a base a setting chooses)
    chosen: tuple[tuple[str, int], ...] = ()
    # `registry, engine, Base = init_db()` at module level: (NAME, line, callee or ""). The
    # reader does not follow which element a name gets, so a class deriving from it blocks
    unpacked: tuple[tuple[str, int, str], ...] = ()
    # def NAME(...): every return is `return callee(...)`: (NAME, (callee, ...)); a method of
    # a local the function made by a call is "maker().method"
    returns: tuple[tuple[str, tuple[str, ...]], ...] = ()
    late: tuple[LateFacts, ...] = ()
    factories: tuple[FactoryFacts, ...] = ()
    made: tuple[MadeClass, ...] = ()  # X = type("X", (Base,), {...}) at module level
    table_bindings: tuple[tuple[str, int], ...] = ()  # NAME = Table(...): (NAME, its line)
    # def NAME(...): class C(...): ...; return C -- each call makes a class from the same
    # statement (flexget's versioned_base()): attribute NAME, line and end_line the def's, body
    # C as read at module level, problem why the function cannot be read as only that
    returned: tuple[MadeClass, ...] = ()
    # try: from pkg import Mixin / except ImportError: class Mixin: ... -- the handler's class,
    # which runs only where the import fails: the import is what is read (classes leaves it out)
    standins: tuple[ClassFacts, ...] = ()
    standin_imports: tuple[ImportFacts, ...] = ()  # ... / except ImportError: from x import Mixin
    # def NAME at module level: (NAME, its first line, why `X = NAME(...)` cannot be read as
    # the one call it returns, or None)
    functions: tuple[tuple[str, int, str | None], ...] = ()
    # def NAME at module level whose returns give only what its own calls made (a call, a
    # local it binds, None): (NAME, every callee it calls as written, "" for a call on what
    # another call made)
    expressions: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # Column(...)/mapped_column(...) calls outside everything the inventory reads (a Table's
    # arguments, a class body's statements, a late mapping) and outside what it skips knowingly
    # (function bodies, lambdas): (line, callee as written, where it is, for the message, the
    # index- or constraint-spelled call it is inside as written, or ""). The inventory blocks on
    # those that resolve to SQLAlchemy's, unless inside SQLAlchemy's Index or a constraint
    # (a column reference in its expression), so none vanishes. Last, the module-level class
    # whose method it is in when the callee is ``self.<attribute>`` (eNMS's ``self.Column``
    # relay), else "": the callee is an attribute of that class's instance.
    strays: tuple[tuple[int, str, str, str, str], ...] = ()
    # map_imperatively(...)/mapper(...) in a function or method body onto a table that is no
    # Table(...) call and no query (keylime: cls.db_table, built column by column at run time):
    # (line, callee as written, "().name" when its receiver is no dotted name, the table argument
    # as written, the module-level class whose body holds the call, "" for none)
    opaque_mappings: tuple[tuple[int, str, str, str], ...] = ()
    # every call at module level given arguments (``add_primary_relationship(Account, ...)``)
    module_calls: tuple[ModuleCall, ...] = ()
    # def NAME at module level that builds a view's table from a query it is given (the Views
    # recipe, reviewer.view_functions): a class mapped on its result owns no column
    views: tuple[str, ...] = ()


# A call spelled like a column: Column(...), sa.Column(...), db.mapped_column(...), by the
# callee's last name (COLUMN_CALLEES, the scanner's hot path) or its whole dotted text
COLUMN_CALLEES = frozenset({"Column", "mapped_column"})
# ...and the calls that build a relationship, never a column
RELATIONSHIP_CALLEES = frozenset({"relationship", "relation"})
COLUMN_CALL = re.compile(rf"(?:\w+\.)*(?:{'|'.join(sorted(COLUMN_CALLEES))})")

# Calls spelled like an index or a constraint, by the callee's last name: a column-spelled
# call inside one (`Index("ix", "domain", postgresql_where=Column("verified"))`) refers to a
# column in its expression; SQLAlchemy adds no column to any table for it. The inventory
# leaves it out only when the callee resolves to SQLAlchemy's (reviewer.columns); the scanner
# notes the innermost one a stray is inside (reviewer.bodies.SpelledColumns)
INDEX_MAKERS = frozenset({
    "Index", "CheckConstraint", "UniqueConstraint", "PrimaryKeyConstraint",
    "ForeignKeyConstraint", "ExcludeConstraint",
})


# How ClassFacts.self_attrs spells a name the method imports itself: "module:name" (no dotted
# name has a colon), resolved from that module, not from the file's own bindings
IMPORTED = ":"

# Flask before 1.0 redirected `flask.ext.<name>` to the `flask_<name>` package; before Flask
# 0.8, extensions themselves shipped in the `flaskext` namespace package (Flask-SQLAlchemy up
# to 0.15 was `flaskext.sqlalchemy`). Code of those eras imports them so.
FLASK_EXT_PACKAGES = ("flask.ext", "flaskext")
_FLASK_EXT_PREFIXES = tuple(f"{package}." for package in FLASK_EXT_PACKAGES)


def flask_ext(module: str) -> str:
    """``flask.ext.sqlalchemy`` and ``flaskext.sqlalchemy`` -> ``flask_sqlalchemy``."""
    for prefix in _FLASK_EXT_PREFIXES:
        if module.startswith(prefix) and len(module) > len(prefix):
            head, _, rest = module[len(prefix):].partition(".")
            return f"flask_{head}" + (f".{rest}" if rest else "")
    return module


# sqlmodel is selected too, only so that its models are reported as unreadable, never skipped
_SQLA_IMPORT = re.compile(
    r"^\s*(?:from|import)\s+(?:sqlalchemy|flask_sqlalchemy|sqlmodel|gino"
    rf"|(?:{'|'.join(map(re.escape, FLASK_EXT_PACKAGES))})"
    r"(?:\.sqlalchemy|\s+import\s+(?:\(\s*)?(?:\w+\s*,\s*)*sqlalchemy))\b",
    re.MULTILINE,
)


def unread_error(facts: ModuleFacts) -> tuple[int, str] | None:
    """Why a whole file could not be read (it does not parse, its bytes do not decode), as
    (line, message); None when it was read. Such a file's facts hold its error and nothing
    else, so every name looked up in it is missing."""
    if facts.errors and not (facts.imports or facts.classes or facts.names or facts.tables):
        return facts.errors[0]
    return None


def mentions_sqlalchemy(text: str) -> bool:
    """Cheap pre-check before parsing: does any line import sqlalchemy or flask_sqlalchemy
    (also by its old names ``flask.ext.sqlalchemy`` and ``flaskext.sqlalchemy``), or GINO?"""
    return ("sqlalchemy" in text or "sqlmodel" in text or "gino" in text) and (
        _SQLA_IMPORT.search(text) is not None)


# --------------------------------------------------------------------------- JSON
# Positional arrays, not objects: half the bytes and twice as fast to load as dataclasses.asdict
# output, which matters because a warm run is mostly JSON decoding.


# One encoder per class, fields in slot order (what the decoders below unpack). A generic
# getattr-over-__slots__ walk cost ~170 ms on a cold 500-model scan; this is ~5x cheaper.


def _enc_call(c: CallFacts | None) -> list[Any] | None:
    if c is None:
        return None
    return [c.callee, c.line, c.name, c.name_error, c.type, c.nullable, c.primary_key, c.unique,
            c.key, list(c.labels), list(c.refs), _enc_call(c.inner),
            [_enc_call(a) for a in c.args], c.first_string, c.end_line, c.reflected, c.name_expr,
            c.index, c.doc, c.note, None if c.secondary is None else list(c.secondary),
            list(c.starred)]


def _enc_ann(a: AnnFacts | None) -> list[Any] | None:
    return None if a is None else [a.wrapper, a.inner, a.optional, a.alias]


def _enc_stmt(s: Stmt) -> list[Any]:
    return [s.attribute, s.line, s.end_line, _enc_ann(s.annotation),
            _enc_call(s.call), list(s.decorators), list(s.labels), s.type_checking,
            _enc_call(s.through), list(s.nested), s.expr, s.via, s.lone_arg, s.receiver]


def _enc_class(c: ClassFacts) -> list[Any]:
    return [c.name, c.line, list(c.bases), [_enc_stmt(s) for s in c.stmts], list(c.names),
            c.tablename, c.tablename_kind, c.tablename_line, c.abstract, _enc_call(c.table),
            c.table_line, c.table_error, list(c.decorators), c.tablename_expr,
            [list(k) for k in c.keywords],
            [_enc_made(m) for m in c.made],
            None if c.versioned is None else [c.versioned.line, c.versioned.table_name,
                                              list(c.versioned.exclude), c.versioned.problem],
            c.table_query, c.table_ref, [list(w) for w in c.sealed_writes],
            [[name, expr] for name, expr in c.str_attrs],
            [[name, list(params), expr] for name, params, expr in c.str_methods],
            [[r.attribute, r.target, r.line, r.end_line, _enc_ann(r.annotation)]
             for r in c.col_refs],
            [[line, list(guards), expr] for line, guards, expr in c.subclass_tablenames],
            [[h, n, w, list(o)] for h, n, w, o in c.table_hooks], list(c.injects),
            [list(a) for a in c.type_args], [list(f) for f in c.flags],
            [list(a) for a in c.self_attrs], list(c.value_helpers)]


def _enc_made(m: MadeClass) -> list[Any]:
    return [m.attribute, m.line, m.end_line, m.name_expr, _enc_class(m.body), m.problem,
            m.maker, m.bind, m.uses]


def facts_to_json(facts: ModuleFacts) -> list[Any]:
    return [
        [[i.local, i.module, i.name, i.level, i.dotted] for i in facts.imports],
        [_enc_class(c) for c in facts.classes],
        [_enc_call(c) for c in facts.tables],
        [[a.name, a.line, a.inner, a.optional, _enc_call(a.call), list(a.labels)]
         for a in facts.aliases],
        [[name, list(labels), list(refs)] for name, labels, refs in facts.consts],
        [[local, callee] for local, callee in facts.instances],
        list(facts.strings),
        [[line, reason] for line, reason in facts.pragmas],
        [[line, message] for line, message in facts.errors],
        facts.imports_sqlalchemy,
        list(facts.names),
        [list(b) for b in facts.bindings],
        [list(a) for a in facts.instance_args],
        None if facts.exports is None else list(facts.exports),
        [[name, expr] for name, expr in facts.str_consts],
        [[name, list(params), expr] for name, params, expr in facts.str_funcs],
        list(facts.rebound),
        [[name, list(callees)] for name, callees in facts.returns],
        [[x.kind, x.line, x.end_line, x.target, x.attribute, _enc_call(x.call), list(x.bases),
          _enc_call(x.through), list(x.nested), x.expr]
         for x in facts.late],
        [[f.name, f.line, _enc_call(f.call), f.star_args, f.star_kwargs, f.star_first,
          f.uses_params, f.shaped_by_params, f.name_param] for f in facts.factories],
        [_enc_made(m) for m in facts.made],
        [[name, line] for name, line in facts.table_bindings],
        [_enc_made(m) for m in facts.returned],
        [_enc_class(c) for c in facts.standins],
        [[i.local, i.module, i.name, i.level, i.dotted] for i in facts.standin_imports],
        [[name, line, problem] for name, line, problem in facts.functions],
        [list(stray) for stray in facts.strays],
        [[name, list(callees)] for name, callees in facts.expressions],
        [list(m) for m in facts.opaque_mappings],
        [[a.line, a.target, a.callee, [list(x) for x in a.args],
          [[k, list(x)] for k, x in a.keywords], a.starred] for a in facts.module_calls],
        [[name, line] for name, line in facts.chosen],
        [[name, line, callee] for name, line, callee in facts.unpacked],
        list(facts.views),
    ]


def _tuples(d: Any) -> Any:
    """JSON arrays back into the tuples a StrExpr is made of."""
    return tuple(_tuples(x) for x in d) if isinstance(d, list) else d


def _call(d: Any) -> CallFacts | None:
    if d is None:
        return None
    (callee, line, name, name_error, type_, nullable, pk, unique, key, labels, refs, inner, args,
     first_string, end_line, reflected, name_expr, index, doc, note, secondary, starred) = d
    return CallFacts(
        str(callee), int(line), name, bool(name_error), type_, nullable, bool(pk), bool(unique),
        key, tuple(labels) if labels else (), tuple(refs) if refs else (),
        _call(inner) if inner else None,
        tuple(c for c in map(_call, args) if c is not None) if args else (), first_string,
        int(end_line), bool(reflected), _tuples(name_expr), bool(index), doc, note,
        None if secondary is None else (str(secondary[0]), str(secondary[1])),
        tuple(map(str, starred)),
    )


def _ann(d: Any) -> AnnFacts | None:
    return None if d is None else AnnFacts(str(d[0]), str(d[1]), bool(d[2]), d[3])


def _stmt(d: Any) -> Stmt:
    (attribute, line, end_line, ann, call, decorators, labels, type_checking, through, nested,
     expr, via, lone_arg, receiver) = d
    return Stmt(str(attribute), int(line), int(end_line), _ann(ann), _call(call),
                tuple(decorators), tuple(labels), bool(type_checking), _call(through),
                tuple(nested), expr, via, _tuples(lone_arg) if lone_arg is not None else None,
                receiver=receiver)


def _class(d: Any) -> ClassFacts:
    (name, line, bases, stmts, names, tablename, tablename_kind, tablename_line, abstract, table,
     table_line, table_error, decorators, tablename_expr, keywords, made, versioned,
     table_query, table_ref, sealed, str_attrs, str_methods, col_refs, renames,
     table_hooks, injects, type_args, flags, self_attrs, value_helpers) = d
    return ClassFacts(
        str(name), int(line), tuple(bases), tuple(map(_stmt, stmts)), tuple(names), tablename,
        tablename_kind, int(tablename_line), bool(abstract), _call(table), int(table_line),
        bool(table_error), tuple(decorators), _tuples(tablename_expr),
        tuple((str(k), str(v)) for k, v in keywords),
        tuple(map(_made, made)),
        None if versioned is None else VersionedFacts(
            int(versioned[0]), versioned[1], tuple(map(str, versioned[2])), versioned[3]),
        table_query, table_ref, tuple((str(a), str(w), int(n)) for a, w, n in sealed),
        tuple((str(n), _tuples(e)) for n, e in str_attrs),
        tuple((str(n), tuple(ps), _tuples(e)) for n, ps, e in str_methods),
        tuple(ColRef(str(a), str(t), int(n), int(e), _ann(ann))
              for a, t, n, e, ann in col_refs),
        tuple((int(n), tuple(map(str, g)), _tuples(e)) for n, g, e in renames),
        tuple((str(h), int(n), str(w), tuple(map(str, o))) for h, n, w, o in table_hooks),
        tuple(map(str, injects)),
        tuple(tuple(map(str, a)) for a in type_args),
        tuple((str(n), bool(v)) for n, v in flags),
        tuple((str(a), str(t)) for a, t in self_attrs),
        tuple(map(str, value_helpers)),
    )


def _made(d: Any) -> MadeClass:
    attribute, line, end_line, expr, body, problem, maker, bind, uses = d
    return MadeClass(str(attribute), int(line), int(end_line), _tuples(expr), _class(body),
                     problem, maker, bind, int(uses))


def facts_from_json(data: Any) -> ModuleFacts:
    """Rebuild facts from the cache. Raises KeyError/TypeError/ValueError on a bad entry."""
    (imports, classes, tables, aliases, consts, instances, strings, pragmas_, errors,
     imports_sqlalchemy, names, bindings, instance_args, exports, str_consts, str_funcs,
     rebound, returns, late, factories, made, table_bindings, returned, standins,
     standin_imports, functions, strays, expressions, opaque_mappings, module_calls, chosen,
     unpacked, views) = data
    return ModuleFacts(
        imports=tuple(ImportFacts(str(a), str(b), c, int(d), str(e)) for a, b, c, d, e in imports),
        classes=tuple(map(_class, classes)),
        tables=tuple(c for c in map(_call, tables) if c is not None),
        aliases=tuple(
            AliasFacts(str(a[0]), int(a[1]), str(a[2]), bool(a[3]), _call(a[4]), tuple(a[5]))
            for a in aliases
        ),
        consts=tuple((str(n), tuple(ls), tuple(rs)) for n, ls, rs in consts),
        instances=tuple((str(n), str(c)) for n, c in instances),
        strings=tuple(strings),
        pragmas=tuple((int(n), str(r)) for n, r in pragmas_),
        errors=tuple((int(n), str(m)) for n, m in errors),
        imports_sqlalchemy=bool(imports_sqlalchemy),
        names=tuple(names),
        bindings=tuple((str(a), str(b)) for a, b in bindings),
        instance_args=tuple((str(a), str(b), str(c)) for a, b, c in instance_args),
        exports=None if exports is None else tuple(exports),
        str_consts=tuple((str(n), _tuples(e)) for n, e in str_consts),
        str_funcs=tuple((str(n), tuple(ps), _tuples(e)) for n, ps, e in str_funcs),
        rebound=tuple(rebound),
        returns=tuple((str(n), tuple(cs)) for n, cs in returns),
        late=tuple(LateFacts(k, int(a), int(b), str(t), at, _call(c), tuple(bs), _call(th),
                             tuple(ns), ex)
                   for k, a, b, t, at, c, bs, th, ns, ex in late),
        factories=tuple(
            FactoryFacts(str(n), int(ln), c, bool(sa), bool(sk), bool(sf), bool(up), bool(nm),
                         None if np is None else str(np))
            for n, ln, cd, sa, sk, sf, up, nm, np in factories if (c := _call(cd)) is not None
        ),
        made=tuple(map(_made, made)),
        table_bindings=tuple((str(n), int(ln)) for n, ln in table_bindings),
        returned=tuple(map(_made, returned)),
        standins=tuple(map(_class, standins)),
        standin_imports=tuple(ImportFacts(str(a), str(b), c, int(d), str(e))
                              for a, b, c, d, e in standin_imports),
        functions=tuple((str(n), int(ln), p) for n, ln, p in functions),
        strays=tuple((int(n), str(c), str(w), str(i), str(o)) for n, c, w, i, o in strays),
        expressions=tuple((str(n), tuple(map(str, cs))) for n, cs in expressions),
        opaque_mappings=tuple((int(n), str(c), str(t), str(o)) for n, c, t, o in opaque_mappings),
        module_calls=tuple(
            ModuleCall(int(ln), str(t), str(c), tuple((str(k), str(v)) for k, v in a),
                       tuple((str(n), (str(k), str(v))) for n, (k, v) in kw), bool(s))
            for ln, t, c, a, kw, s in module_calls),
        chosen=tuple((str(n), int(ln)) for n, ln in chosen),
        unpacked=tuple((str(n), int(ln), str(c)) for n, ln, c in unpacked),
        views=tuple(map(str, views)),
    )

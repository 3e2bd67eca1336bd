"""The history tables SQLAlchemy-Continuum builds for ``__versioned__`` classes, added once
every model is read (they copy each table's final columns): beside each versioned table, beside
the association table of each of its many-to-many relationships, and the transaction table they
share. Likewise the ``<table>_history`` tables of SQLAlchemy's versioned_history example, for
classes deriving from a base declared of kind "history" (bcgov's sql-versioning)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from reviewer.resolution import tail
from reviewer.types import Column

if TYPE_CHECKING:
    from reviewer.columns import ColumnBuilder
    from reviewer.facts import CallArg, ModuleCall, ModuleFacts, VersionedFacts

# SQLAlchemy-Continuum's default "table_name" option: the history table of "users"
_HISTORY_NAME = "%s_version"
# SQLAlchemy-Continuum and its fork sqlalchemy-history
_PACKAGES = ("sqlalchemy_continuum", "sqlalchemy_history")


@dataclass(frozen=True, slots=True)
class Versioning:
    """What the application's ``make_versioned(...)`` calls configure, as far as they change
    the tables: ``user_cls`` (``"User"`` unless given; None for ``user_cls=None``, or when
    the calls disagree or cannot be read) gives the transaction table a ``user_id`` keyed to
    that class's primary key, and the ``PropertyModTrackerPlugin`` adds a ``<column>_mod``
    flag beside every copied column but the key. ``path``/``line``: the first call."""

    user_cls: str | None = None
    mod_tracker: bool = False
    path: str = ""
    line: int = 0


def _continuum(builder: ColumnBuilder, path: str, name: str, leaf: str) -> bool:
    """Does ``name`` resolve to SQLAlchemy-Continuum's (or its fork's) ``leaf``?"""
    qual = builder.resolver.qual(path, name) or ""
    return qual.partition(".")[0] in _PACKAGES and tail(qual) == leaf


def _user_cls(arg: CallArg | None) -> str | None:
    if arg is None:
        return "User"  # make_versioned's default
    kind, text = arg
    if kind == "str":
        return text
    return text.rsplit(".", 1)[-1] if kind == "name" and text != "None" else None


def versioning(builder: ColumnBuilder) -> Versioning:
    """The ``make_versioned(...)`` calls at module level in the files read so far: the
    application calls it before its models are declared, so in a module they import (where
    ``db`` or the base lives) or in one of them. None read: nothing is added."""
    resolver = builder.resolver
    calls: list[tuple[str, ModuleFacts, ModuleCall]] = []
    for path in resolver.pool.loaded():
        facts = resolver.facts(path)
        if facts is None:
            continue
        calls += [(path, facts, call) for call in facts.module_calls
                  if tail(call.callee) == "make_versioned"
                  and _continuum(builder, path, call.callee, "make_versioned")]
    if not calls:
        return Versioning()
    users = {_user_cls(dict(call.keywords).get("user_cls")) for _, _, call in calls}
    tracker = False
    for path, facts, call in calls:
        kind, items = dict(call.keywords).get("plugins", ("other", ""))
        for item in items.split() if kind == "items" else ():
            # a plugin bound to a module-level name first: `tracker = PropertyModTrackerPlugin()`
            made = next((callee for local, callee in reversed(facts.instances)
                         if local == item), None)
            callee = made or (item[:-2] if item.endswith("()") else None)
            tracker = tracker or (callee is not None and _continuum(
                builder, path, callee, "PropertyModTrackerPlugin"))
    path, _, first = calls[0]
    return Versioning(users.pop() if len(users) == 1 else None, tracker, path, first.line)


def _secondary_table(builder: ColumnBuilder, path: str, secondary: tuple[str, str]
                     ) -> str | None:
    """The table a relationship's ``secondary=`` names: a literal, or a ``Table(...)``
    bound to a module-level name (here or imported)."""
    kind, value = secondary
    if kind == "table":
        return value.rsplit(".", 1)[-1]  # "schema.table": the key has no schema
    found = builder.module_table(path, value)
    return builder.table_name(*found) if found is not None else None


def add_history_tables(builder: ColumnBuilder) -> None:
    """The history tables SQLAlchemy-Continuum builds: beside each versioned table, and
    beside the association table of each of its many-to-many relationships. A history
    table copies every column the table has by now (single-table subclasses' included),
    nullable unless part of the key, with the labels and pragma exemptions of the column
    it copies, and adds the transaction bookkeeping columns. The copies point at the
    original's line, so the finding for a copy sits where the column is declared. The
    transaction table they share is added too, unless the repository maps its own, with
    the ``user_id`` and the ``_mod`` flags the application's ``make_versioned(...)`` asks
    for (``versioning``)."""
    by_table: dict[str, list[Column]] = {}
    for col in builder.columns:
        by_table.setdefault(col.table, []).append(col)
    readable = sorted((path, options.line) for _t, _c, path, options, _s in builder.histories
                      if options.problem is None and options.recipe == "continuum")
    versioned = versioning(builder) if readable else Versioning()
    if readable and "transaction" not in by_table:
        # the one table of transactions every history row points at (who wrote, from where)
        path, line = readable[0]
        for name, type_, primary_key in (("id", "BigInteger", True),
                                         ("remote_addr", "String(50)", False),
                                         ("issued_at", "DateTime", False)):
            builder.columns.append(Column("transaction", name, "Transaction", name, path,
                                          line, type_, nullable=not primary_key,
                                          unique=False, primary_key=primary_key))
        _transaction_user(builder, versioned)
    associations: set[str] = set()
    for table, class_name, path, options, secondaries in builder.histories:
        if options.problem is not None:
            builder.error(path, options.line,
                          f"class {class_name}: __versioned__ gives the table {table!r} a "
                          f"history table, but {options.problem}")
            builder.blocked.add(table)
            continue
        history = (options.table_name or _HISTORY_NAME).replace("%s", table)
        if options.recipe == "history_meta":
            _copy_history_meta(builder, by_table.get(table, []), table, history, class_name,
                               path, options)
            continue
        _copy(builder,
              [c for c in by_table.get(table, ()) if c.attribute not in options.exclude],
              history, f"{class_name}Version", path, options.line, versioned.mod_tracker)
        for where, line, secondary in secondaries:
            association = _secondary_table(builder, where, secondary)
            if association is None:
                builder.error(where, line,
                              f"class {class_name} is __versioned__, so SQLAlchemy-Continuum "
                              "keeps a history of this relationship's association table, but "
                              f"secondary={secondary[1]} cannot be found as a Table(...) "
                              "bound to a module-level name; pass the table name as a "
                              "string, or bind the Table(...) at module level")
                continue
            if association not in associations:
                associations.add(association)
                # the manager's own pattern: a class's "table_name" is not asked here
                _copy(builder, by_table.get(association, []),
                      _HISTORY_NAME.replace("%s", association), None, where, line)


def _copy_columns(builder: ColumnBuilder, columns: Sequence[Column], history: str,
                  class_name: str | None, keep_nullable: bool = False) -> None:
    """A table's columns copied into its history table, never unique, nullable unless part
    of the key (SQLAlchemy-Continuum) or as the original (``keep_nullable``: the
    versioned_history example's ``Table.to_metadata``), with the exemptions of the column
    each copies."""
    for col in columns:
        exemption = col.exemption
        if exemption is not None:
            exemption = replace(exemption, table=history)
            builder.exemptions.append(exemption)
        builder.columns.append(replace(
            col, table=history, class_name=class_name if col.class_name else None,
            nullable=col.nullable if col.primary_key or keep_nullable else True, unique=False,
            exemption=exemption, history_of=col.history_of or col.table,
        ))


def _transaction_user(builder: ColumnBuilder, versioned: Versioning) -> None:
    """The transaction's ``user_id``: the user class's primary key's type, keyed to it. A
    class the inventory does not map (an ``ImproperlyConfigured`` at run time) adds none."""
    if versioned.user_cls is None:
        return
    key = next((c for c in builder.columns if c.primary_key
                and c.class_name == versioned.user_cls and c.history_of is None), None)
    if key is None:
        return
    builder.columns.append(Column(
        "transaction", "user_id", "Transaction", "user_id", versioned.path, versioned.line,
        key.type, nullable=True, unique=False, primary_key=False, index=True,
        foreign_key=f"{key.table}.{key.column}"))


def _copy(builder: ColumnBuilder, columns: Sequence[Column], history: str,
          class_name: str | None, path: str, line: int, mod_tracker: bool = False) -> None:
    """A table's columns copied into its history table, and the bookkeeping columns; with
    the ``PropertyModTrackerPlugin``, a model's table (never an association table) gets a
    ``<column>_mod`` flag for each column but the key, set when a version changes it."""
    _copy_columns(builder, columns, history, class_name)
    if mod_tracker and class_name is not None:
        builder.columns.extend(Column(
            history, f"{col.column}_mod", class_name,
            f"{col.attribute}_mod" if col.attribute else None, path, line, "Boolean",
            nullable=False, unique=False, primary_key=False)
            for col in columns if not col.primary_key)
    for name, primary_key in (("transaction_id", True), ("end_transaction_id", False),
                              ("operation_type", False)):
        builder.columns.append(Column(
            history, name, class_name, name if class_name else None, path, line,
            "BigInteger" if name != "operation_type" else "SmallInteger",
            nullable=not primary_key and name != "operation_type", unique=False,
            primary_key=primary_key, index=True,
        ))


def _copy_history_meta(builder: ColumnBuilder, columns: Sequence[Column], table: str,
                       history: str, class_name: str, path: str,
                       options: VersionedFacts) -> None:
    """SQLAlchemy's versioned_history example (``_history_mapper``): the table's columns
    copied into ``<table>_history`` with its ``version`` (part of the key) and ``changed``;
    the first versioned table of a hierarchy gains ``version`` itself (``replace_existing``:
    one the model declares stays). A joined subclass's history table copies its own table
    only, as the example does."""
    _copy_columns(builder, columns, history, f"{class_name}History", keep_nullable=True)
    for name, type_, primary_key in (("version", "Integer", True),
                                     ("changed", "DateTime", False)):
        builder.columns.append(Column(history, name, f"{class_name}History", None, path,
                                      options.line, type_, nullable=not primary_key,
                                      unique=False, primary_key=primary_key))
    if options.root and not any(c.column == "version" for c in columns):
        builder.columns.append(Column(table, "version", class_name, "version", path,
                                      options.line, "Integer", nullable=False, unique=False,
                                      primary_key=False))

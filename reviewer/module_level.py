"""What a model file builds outside its class statements, for ``ColumnBuilder``: Core
``Table(...)`` calls and the calls given to them, columns added to a mapped class after its
statement (``User.ssn = Column(...)``), stand-ins for an import that fails, classes mapped at
run time onto tables the reader cannot see, and a package's function handed a mapped class.
It also holds what every column the builder makes shares: its exemption pragma and the
evidence the classifier reads besides name and type."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from reviewer.constants import EXTERNAL_NAME
from reviewer.externals import CONFIG_KEY
from reviewer.facts import CallFacts, StrExpr
from reviewer.resolution import ClassNode, is_sqla, tail
from reviewer.table_factories import factory_table
from reviewer.table_names import TableNames
from reviewer.types import Column, Exemption

if TYPE_CHECKING:
    from reviewer.facts import ClassFacts, LateFacts

# what an external-bases key may name (config.py's schema)
_QUALIFIED = re.compile(EXTERNAL_NAME)
# what a Flask-SQLAlchemy object serves besides its Model: SQLAlchemy's constructs
_FLASK_SQLALCHEMY_NAMES = frozenset({
    "Model", "Column", "relationship", "ForeignKey", "Table", "String", "Integer", "Text",
    "Boolean", "DateTime", "backref", "column_property", "mapped_column",
})
DECLARE_DIRECTLY = ("declare the column with mapped_column(...) or Column(...) directly in the "
                     "class body (typing.cast(T, Column(...)) is read too)")


def none_entry(qual: str | None, kind: str | None = None) -> str | None:
    """``builds_none_entry`` for a callee already qualified (None: not resolved)."""
    if qual is None or not _QUALIFIED.fullmatch(qual) or qual.startswith("functools.partial"):
        # "functools.partial()" would say that no partial anywhere builds a column
        return None
    kind_field = f'kind = "{kind}", ' if kind else ""
    return f'"{qual}" = {{ {kind_field}columns = [] }}'


@dataclass(slots=True)
class ModuleLevel(TableNames):
    columns: list[Column] = field(default_factory=list)
    attached: set[tuple[str, int]] = field(default_factory=set)
    exemptions: list[Exemption] = field(default_factory=list)
    mapped: int = 0
    # (table, path, line, what maps it): every table a class or Table(...) owns
    owned: list[tuple[str, str, int, str]] = field(default_factory=list)
    blocked: set[str] = field(default_factory=set)  # tables with a column already reported
    # a package's table factories (table_factories): the (file, line) of each call read, and
    # the table of the class each binds to a name
    factory_calls: set[tuple[str, int]] = field(default_factory=set)
    factory_tables: dict[tuple[str, str], str] = field(default_factory=dict)

    def exemption(self, path: str, line: int, end_line: int, table: str, column: str
                  ) -> Exemption | None:
        facts = self.resolver.facts(path)
        for pline, reason in facts.pragmas if facts else ():
            if line <= pline <= max(line, end_line):
                self.attached.add((path, pline))
                exemption = Exemption(table, column, reason, path, pline, "pragma")
                self.exemptions.append(exemption)
                return exemption
        return None

    def call_column(self, path: str, table: str, name: str, call: CallFacts, *,
                    class_name: str | None, attribute: str | None, line: int, end_line: int,
                    labels: set[str]) -> Column:
        """The Column a ``Column(...)`` call read outside a class body makes (a Core table's,
        or one added to a mapped class after its statement)."""
        return Column(
            table=table,
            column=name,
            class_name=class_name,
            attribute=attribute,
            path=path,
            line=line,
            type=call.type,
            nullable=call.nullable if call.nullable is not None else not call.primary_key,
            unique=call.unique,
            primary_key=call.primary_key,
            labels=self.in_label_order(labels),
            exemption=self.exemption(path, line, end_line, table, name),
            **column_evidence(call),
        )

    def core_columns(self, path: str, table: str, call: CallFacts, class_name: str | None
                     ) -> Iterable[Column]:
        if call.starred:
            self.blocked.add(table)
            self.error(path, call.line,
                       f"Table({table!r}) is given *{call.starred[0]}, whose columns "
                       "masking-reviewer cannot read without running the code, so a labelled "
                       "one would pass unchecked; pass each Column(...) to Table(...) directly")
        for given in call.args:
            read = self.table_arg(path, table, given)
            if read is None:
                continue
            arg, preset_labels = read
            name = arg.name or self.resolver.string(path, arg.name_expr)
            if name is None:
                self.blocked.add(table)
                self.error(path, arg.line,
                           f"a Column in Table({table!r}) has a name the reviewer cannot "
                           "compute from the source; give it a string literal or a module "
                           "constant as its first argument")
                continue
            yield self.call_column(
                path, table, name, arg, class_name=class_name,
                attribute=(arg.key or name) if class_name else None, line=arg.line,
                end_line=arg.end_line, labels=self.labels_for(path, arg) | preset_labels)

    def table_arg(self, path: str, table: str, arg: CallFacts
                  ) -> tuple[CallFacts, set[str]] | None:
        """The column a call given to ``Table(...)`` adds, with the labels a preset carries: a
        Column(...) (of SQLAlchemy or a subclass), or a repository preset returning one
        (osparc-simcore's ``column_created_datetime()``), inlined. None when it adds no column:
        SQLAlchemy's constraints and indexes, what builds none. Anything else may return a
        column the reader cannot see, so the table blocks rather than lose it."""
        q = self.callee_qual(path, arg.callee)
        if q is not None and is_sqla(q) and tail(q) == "Column":
            return arg, set()
        inlined = self.inline_factory(path, arg)
        if inlined is not None:
            return inlined
        if q is not None and is_sqla(q):
            return None
        why = self.unclassified(path, arg)
        if why is None:
            return None
        self.blocked.add(table)
        shown = f"{why[0]}(...)" if why[0] else "a call"
        reason = self.preset_naming(path, arg) or why[1]
        entry = self.builds_none_entry(path, why[0])
        declare = (f", or, if it adds none, declare it in [tool.masking-reviewer.{CONFIG_KEY}]: "
                   f"{entry}" if entry else "")
        self.error(path, arg.line,
                   f"Table({table!r}) is given {shown} ({reason}), which may return a column "
                   "masking-reviewer cannot read, so a labelled one would pass unchecked; pass "
                   "Column(...) to Table(...) directly, or have the function only return "
                   "Column(...) with a literal name" + declare)
        return None

    def builds_none_entry(self, path: str, callee: str, kind: str | None = None) -> str | None:
        """The external-bases entry saying a package's callable builds no column
        (``"pkg.helper" = { columns = [] }``), or with ``kind`` what kind of callable it is,
        when the callee is a qualified name outside the repository; else None."""
        return none_entry(self.resolver.qual(path, callee) if callee else None, kind)

    def instance_entry(self, qual: str) -> str | None:
        """For ``pkg.get_db().Column`` or ``pkg.get_db().Model``, an object from outside whose
        attributes are a Flask-SQLAlchemy's: the `external-instances` entry that says it is
        one (GeoHealthCheck's ``DB = App.get_db()``), as advice; else None."""
        obj, _, attribute = qual.rpartition(".")
        if attribute not in _FLASK_SQLALCHEMY_NAMES or not _QUALIFIED.fullmatch(obj):
            return None
        return (f"if {obj} is a Flask-SQLAlchemy, say so in [tool.masking-reviewer."
                f'external-instances]: "{obj}" = "flask_sqlalchemy.SQLAlchemy()"')

    def preset_naming(self, path: str, call: CallFacts) -> str | None:
        """Why a repository column preset cannot be inlined at this call: it names or labels the
        column from its parameters (``def fk(name): return Column(name, ...)``); None
        otherwise."""
        ref = self.resolver.resolve(path, call.callee)
        facts = self.resolver.facts(ref.path) if ref.path and ref.name else None
        preset = next((f for f in reversed(facts.factories if facts else ())
                       if f.name == ref.name), None)
        if preset is None or not preset.shaped_by_params:
            return None
        return (f"{ref.name}() at {ref.path}:{preset.line} names or labels the column from its "
                "parameters, so each call may add a different one")

    def package_call(self, path: str, line: int, callee: str, given: Sequence[str]) -> None:
        """A package's function called at module level with a mapped class or a MetaData
        (coaster's ``add_primary_relationship(Account, "primary_email", AccountEmail, ...)``
        builds an association table) may build tables or columns the reader cannot see: it
        blocks, unless it is SQLAlchemy's, the standard library's, or declared to build none."""
        if (path, line) in self.factory_calls:
            return  # a table factory's call, read (table_factories)
        ref = self.resolver.resolve(path, callee)
        if ref.kind != "external" or ref.qual.startswith("functools.") or self.unclassified(
                path, CallFacts(callee, line)) is None:
            return  # functools.partial(Model, ...) makes a callable, not a table
        schema = next((n for n in given if tail(n).lower() == "metadata" or (
            (found := self.resolver.resolve(path, n)).kind == "class"
            and (node := self.resolver.class_node(found.path, found.name)) is not None
            and node.declarative)), None)
        if schema is None:
            return
        what = "the MetaData" if tail(schema).lower() == "metadata" else "the mapped class"
        entry = self.builds_none_entry(path, callee)
        self.error(path, line,
                   f"{callee}(...) ({ref.qual}, from the package "
                   f"{ref.qual.split('.', 1)[0]!r}) is given "
                   f"{what} {schema}, so it may build tables or columns masking-reviewer "
                   "cannot see, and a labelled one would pass unchecked; declare them in a "
                   "class body or a Table(...)"
                   + (f", or, if it builds none, declare it in [tool.masking-reviewer."
                      f"{CONFIG_KEY}]: {entry}" if entry else ""))

    def runtime_mapper(self, node: ClassNode) -> tuple[str, int, str, str] | None:
        """Where a repository class ``node`` derives from (itself included), or its metaclass,
        maps classes at run time onto a table the reader cannot see, in a method of its body
        (keylime's models derive from ``PersistableModel``, whose metaclass builds each table
        with ``Table(cls.table_name, metadata)`` and ``append_column`` and maps it with
        ``map_imperatively``): (path, line, callee, table as written) of the first such
        mapping, else None."""
        seen: set[int] = set()
        pending: list[ClassNode] = [node]
        while pending:
            for cls in self.resolver.full_mro(pending.pop()):
                if not isinstance(cls, ClassNode) or id(cls) in seen:
                    continue
                seen.add(id(cls))
                found = self.resolver.named_metaclass(cls)
                if found is not None:
                    pending.append(found)
                facts = self.resolver.facts(cls.path)
                for line, callee, table, owner in facts.opaque_mappings if facts else ():
                    if owner == cls.facts.name and self.sqla_mapper(cls.path, callee):
                        return cls.path, line, callee, table
        return None

    def sqla_mapper(self, path: str, callee: str) -> bool:
        """``map_imperatively`` is only SQLAlchemy's registry method; a ``mapper`` is
        SQLAlchemy's only when it resolves to it (buildbot has a config mapper of its own)."""
        if tail(callee) == "map_imperatively":
            return True
        q = None if callee.startswith("().") else self.resolver.qual(path, callee)
        return q is not None and is_sqla(q)

    def opaque_mapping(self, path: str, line: int, callee: str, table: str) -> None:
        """A class mapped in a function onto a table the reader cannot see (keylime's model
        layer maps ``cls.db_table``, which its metaclass builds with ``Table(cls.table_name,
        metadata)`` and ``append_column`` at run time): SQLAlchemy's mapper blocks, since the
        table's columns would pass unchecked."""
        if not self.sqla_mapper(path, callee):
            return
        shown = f"{callee.removeprefix('().')}(...)"
        self.error(path, line,
                   f"{shown} maps a class onto {table}, a table built at run time that "
                   "masking-reviewer cannot read, so a labelled column in it would pass "
                   "unchecked; map the class onto a Table(\"name\", metadata, Column(...), ...) "
                   "written out (at module level, or in the call), or declare the model as a "
                   "declarative class")

    def read_table(self, path: str, call: CallFacts, attribute: str | None,
                   mixin: bool = False) -> None:
        """A Core ``Table(...)`` at module level, or in a class body (``attribute``:
        ``Model.users``, where it is bound; ``mixin``: in an unmapped class): its columns, or
        why they cannot be read. A call that is no table but is given SQLAlchemy columns
        blocks, where nothing else reads it (a mapped class's statements are stmt_column's):
        where the columns end up is not known."""
        found = self.table_call(path, call)
        if isinstance(found, str):
            self.error(path, call.line, found)
            return
        if found is None:
            given = next((a for a in call.args if a.callee and (
                q := self.resolver.qual(path, a.callee)) is not None and is_sqla(q)
                and tail(q) == "Column"), None)
            if given is not None and attribute is not None and mixin and (
                self.unclassified(path, call) is not None
            ):
                self.error(path, call.line,
                           f"{attribute}: {call.callee or 'the call'}(...) is given "
                           f"{given.callee}(...) (line {given.line}), and masking-reviewer "
                           "cannot tell whether it builds a table from it, so a labelled column "
                           "would pass unchecked; build the table with SQLAlchemy's Table(...), "
                           "or a function that only returns Table(*args, **kwargs)")
            elif given is not None and attribute is None:
                self.error(path, call.line,
                           f"{call.callee or 'a call'}(...) is given {given.callee}(...) (line "
                           f"{given.line}), and masking-reviewer does not read it as a "
                           "Table(...), so that column belongs to no table it reads and a "
                           "labelled one would pass unchecked; build the table with "
                           "SQLAlchemy's Table(...), or a function that only returns "
                           "Table(*args, **kwargs)")
            return
        call = found
        for ref in call.refs:
            q = self.resolver.qual(path, ref)
            if q is not None and is_sqla(q) and q.endswith((".Column()", ".mapped_column()")):
                self.error(path, call.line,
                           f"Table(...) is given the column object {ref} built elsewhere, "
                           "which masking-reviewer cannot read as this table's column; declare "
                           "it inline with Column(...)")
        table = self.table_name(path, call)
        if table is None and call.reflected:
            self.reflected(path, call, None)
            return
        if table is None:
            names = _refs(call.name_expr) if call.name_expr is not None else []
            # a name built from a parameter or an attribute is often one table per value
            # (WGDashboard's f"{dbName}_restrict_access" per WireGuard configuration): a
            # literal would not be the fix there, and no masking rule can name such tables
            per_value = (f"; it is built from {', '.join(f'`{n}`' for n in names)}, which the "
                         "source does not fix: where the code makes one such table per value "
                         "at run time (per tenant or configuration), no masking rule can name "
                         "them, so mask them outside masking_rules.json and leave the file "
                         "out of `models` knowingly (its columns then go unchecked)"
                         ) if names else ""
            self.error(path, call.line, "Table(...) name cannot be computed from the source "
                       "(only literals, module constants, f-strings, + and simple helper "
                       "functions are read); write the table name as a literal" + per_value)
            return
        self.mapped += 1
        self.reflected(path, call, table)
        if not call.reflected:
            owner = f"Table({table!r})" + (f" (bound to {attribute})" if attribute else "")
            self.owned.append((table, path, call.line, owner))
        self.columns.extend(self.core_columns(path, table, call, None))

    def standin(self, path: str, cls: ClassFacts, importer: str | None = None,
                local: str | None = None) -> None:
        """``try: from pkg import Mixin`` / ``except ImportError: class Mixin: ...`` (or ``from
        .compat import Mixin``, in ``importer`` as ``local``): the import
        is read, as it is what runs where the package is installed. A stand-in that maps
        nothing (``pass``, plain values, methods) changes no table and is left out. One that
        declares columns or a table, or derives from anything but builtins, maps something
        different where the package is missing: reading either class alone would silently
        drop the other's columns, so it blocks (fail closed) rather than pick one."""
        mapping = [s for s in cls.stmts if not s.type_checking and self.columnish(path, s)]
        bases = [b for b in cls.bases if b not in ("object", "")
                 and self.resolver.resolve(path, b).qual.partition(".")[0] != "builtins"]
        if not mapping and not bases and not cls.col_refs and cls.table is None and (
            cls.table_ref is None and cls.tablename_kind == "none"
        ):
            return
        what = (f"declares the column {mapping[0].attribute} (line {mapping[0].line})"
                if mapping else f"derives from {bases[0]}" if bases
                else f"binds {cls.col_refs[0].attribute} = {cls.col_refs[0].target}"
                if cls.col_refs else "declares a table")
        ref = self.resolver.resolve(importer or path, local or cls.name)
        imported = ref.qual if ref.kind == "external" else local or cls.name
        via = f" (imported in {importer} as {local})" if importer else ""
        self.error(path, cls.line,
                   f"class {cls.name}{via} stands in for the imported {imported} where the "
                   f"import fails (except ImportError), and {what}, so which columns are mapped "
                   "depends on whether the package is installed; masking-reviewer reads the "
                   "import. Move what the stand-in maps into a class of your own outside the "
                   "try statement, or make the stand-in map nothing (class "
                   f"{cls.name}: pass)")

    def late_mapping(self, path: str, late: LateFacts) -> None:
        """``User.ssn = Column(...)`` or ``setattr(User, "ssn", Column(...))`` after the class:
        SQLAlchemy adds the column to the mapped class's table, and so does the reader. A
        class made by ``type(...)`` from a mapped base cannot be read: it blocks."""
        if late.kind == "type":
            # inside a function the bases are often locals (`cls`): unknown blocks too
            if any(not base or self.maybe_mapped_base(path, base) for base in late.bases):
                self.error(path, late.line,
                           f"type({late.target or '...'!r}, ...) creates a mapped class at run "
                           "time, so masking-reviewer cannot read its columns; write it as a "
                           "class statement")
            return
        call = self.uncast(path, late.through) or late.call
        column = self.column_call(path, call) if call is not None else None
        if column is None or call is None:
            self.late_other(path, late, call)  # a relationship, a property: no column
            return
        what = (f"{late.target}.{late.attribute}" if late.kind == "attribute"
                else f"setattr({late.target}, ...)")
        if late.attribute is None:
            self.error(path, late.line,
                       f"{what} adds a column under a name computed at run time, so it cannot "
                       "be read; give setattr a literal attribute name or declare the column "
                       "in the class body")
            return
        ref = self.resolver.resolve(path, late.target)
        node = self.resolver.class_node(ref.path, ref.name) if ref.kind == "class" else None
        # the class a table factory's call maps (GroupUser = join_model(...)) is its name
        table = factory_table(self, ref) if node is None else None
        owner = late.target
        if table is None:
            if node is None or not node.mapped:
                self.error(path, late.line,
                           f"{what} adds a column to {late.target}, which is not a mapped class "
                           "masking-reviewer can read, so the column cannot be checked; declare "
                           "it in the class body")
                return
            table, owner = self.table_of(node), node.facts.name
            if table is None:
                return
        name, name_error = self.column_name(path, column)
        if name_error:
            self.error(path, late.line,
                       f"{what}: the column name cannot be computed from the source; write the "
                       "DB column name as a literal or a module constant")
            return
        column_name = name or late.attribute
        self.columns.append(self.call_column(
            path, table, column_name, column, class_name=owner,
            attribute=late.attribute, line=late.line, end_line=late.end_line,
            labels=self.labels_for(path, call)))

    def late_other(self, path: str, late: LateFacts, call: CallFacts | None) -> None:
        """What a mapped class is given after its statement that is no column call: blocks
        when it may still be a column (a call the reader cannot classify, or one handed a
        column), as in the class body."""
        if late.attribute is not None and late.attribute.startswith("__"):
            return
        ref = self.resolver.resolve(path, late.target)
        node = self.resolver.class_node(ref.path, ref.name) if ref.kind == "class" else None
        if node is None or not node.mapped:
            return  # Base.query = session.query_property(): no table's column
        what = (f"{late.target}.{late.attribute}" if late.kind == "attribute"
                else f"setattr({late.target}, ...)")
        if call is None:
            builder = self.nested_builder(path, late.nested, broad=True)
            if builder is not None:
                self.error(path, late.line,
                           f"{what}: {late.expr} calls {builder}, so its value may be a column "
                           "masking-reviewer cannot read, and a labelled one would pass "
                           "unchecked; " + DECLARE_DIRECTLY)
            return
        why = self.unclassified(path, call)
        if why is not None:
            shown = f"{why[0]}(...)" if why[0] else "the call"
            self.error(path, late.line,
                       f"{what}: cannot resolve {shown} ({why[1]}), so masking-reviewer cannot "
                       "tell whether it adds a column, and a labelled one would pass "
                       "unchecked; " + DECLARE_DIRECTLY)
            return
        builder = self.handed_column(path, call, late.nested)
        if builder is not None:
            self.error(path, late.line,
                       f"{what}: {call.callee}(...) is given {builder}, and masking-reviewer "
                       "cannot tell whether it returns a column from it, so a labelled one "
                       "would pass unchecked; " + DECLARE_DIRECTLY)

    def reflected(self, path: str, call: CallFacts, table: str | None) -> None:
        if call.reflected:
            shown = "..." if table is None else repr(table)
            self.error(path, call.line,
                       f"Table({shown}) is reflected from the database "
                       "(autoload_with), so its columns are not in the source and their labels "
                       "cannot be checked; declare the columns explicitly")


def column_evidence(*calls: CallFacts | None) -> dict[str, Any]:
    """What the classifier reads besides name and type: index, foreign key, doc, comments."""
    found = [c for c in calls if c is not None]
    fk = next((a.first_string for c in found for a in c.args
               if a.callee.rsplit(".", 1)[-1] == "ForeignKey" and a.first_string), None)
    return {
        "index": any(c.index for c in found),
        "foreign_key": fk,
        "doc": next((c.doc for c in found if c.doc), None),
        "comment": next((c.note for c in found if c.note), None),
    }


def _refs(expr: StrExpr) -> list[str]:
    """The names a string expression reads (``dbName`` of ``f"{dbName}_deleted"``), in order,
    each once; not those inside a call, whose helper the message does not describe."""
    found: list[str] = []
    if expr[0] == "ref":
        found.append(str(expr[1]))
    elif expr[0] == "cat":
        for part in expr[1]:
            found.extend(n for n in _refs(part) if n not in found)
    return found

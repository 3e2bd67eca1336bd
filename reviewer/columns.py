"""Column building: turn resolved classes into one ``Column`` per physical column of every
concrete table (mixins expanded, single-table inheritance folded, type() templates and class
factories made, external bases' columns placed, labels and exemption pragmas attached), plus
the errors for what cannot be read. What a model file builds outside its class statements
(Core tables, late columns, stand-ins, run-time mappers) is ``module_level``'s, its base."""

from __future__ import annotations

import itertools
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from reviewer import factory_calls
from reviewer.column_calls import REF_KINDS, first_clause, harmless
from reviewer.externals import CONFIG_KEY, distribution_hint, entry_toml, shipped_mismatch
from reviewer.facts import (
    INDEX_MAKERS,
    RELATIONSHIP_CALLEES,
    CallFacts,
    StrExpr,
    VersionedFacts,
)
from reviewer.module_level import DECLARE_DIRECTLY, ModuleLevel, column_evidence, none_entry
from reviewer.resolution import (
    ClassNode,
    is_sqla,
    tail,
)
from reviewer.types import Column, ExternalClass, ExternalColumn

if TYPE_CHECKING:
    from reviewer.facts import (
        ClassFacts,
        ColRef,
        MadeClass,
        Stmt,
    )


@dataclass(frozen=True, slots=True)
class _Bound:
    """What ``Other.attr`` in a class body is: a column (a class-body statement of ``owner``
    or a declared external class's), none, an attribute of something that is not a class the
    reviewer reads ("unreadable"), or of a repository class with a base it cannot read, that
    may bind it ("unknown")."""

    kind: Literal["column", "none", "unreadable", "unknown"]
    name: str = ""  # Other, as written, for messages
    attr: str = ""
    why: str = ""
    owner: ClassNode | None = None
    stmt: Stmt | None = None
    external: ExternalClass | None = None


@dataclass(slots=True)
class ColumnBuilder(ModuleLevel):
    # (file, base): a file whose models derive from an unreadable base of another file is
    # told so once, where its own models are (a pull request changing it sees why)
    told: set[tuple[str, int]] = field(default_factory=set)
    _making: int = 0  # how deep type() templates are being expanded inside each other
    # class factories (factory_calls): each function's class alone, until every use is read;
    # the call sites read so far, as (file, line), and how many per (file, function)
    templates: list[tuple[str, MadeClass, ClassNode]] = field(default_factory=list)
    factory_sites: set[tuple[str, int]] = field(default_factory=set)
    factory_uses: dict[tuple[str, str], int] = field(default_factory=dict)
    # every table with a history table: (table, class, path, __versioned__ options, and the
    # class's relationship(secondary=...) as (path, line, secondary), whose tables get one too)
    histories: list[tuple[str, str, str, VersionedFacts,
                          tuple[tuple[str, int, tuple[str, str]], ...]]] = field(
        default_factory=list)
    # a declared base that brings its package's own tables (ExternalClass.tables): its
    # qualified name -> the first class deriving from it (path, line) and the declaration
    package_bases: dict[str, tuple[str, int, ExternalClass]] = field(default_factory=dict)

    # ----------------------------------------------------------------- columns

    def stmt_column(self, node: ClassNode, stmt: Stmt, table: str, owner: ClassNode,
                    bound_as: str | None = None) -> Column | None:
        """``bound_as``: the name the statement binds in ``node``'s body, when the column is
        mapped under another (``stmt.attribute``), for messages."""
        path = node.path
        where = f"{node.facts.name}.{bound_as or stmt.attribute}"
        if stmt.type_checking:
            return None  # never runs; the else branch (if any) was kept instead
        if stmt.decorators and stmt.through is None and not any(
            (q := self.resolver.qual(path, d)) is not None and "declared_attr" in q
            for d in stmt.decorators
        ):
            return None  # a method; one whose decorator is given a column has `through`
        if stmt.via is not None:
            # cls.helper() runs on the mapped class: a class before the helper's in its MRO
            # that binds the name gives the column instead, which is not read
            before = itertools.takewhile(lambda c: c is not node, self.mro(owner))
            shadow = next((c for c in before if stmt.via in c.facts.names), None)
            if shadow is not None:
                self.blocked.add(table)
                self.error(path, stmt.line,
                           f"{where}: the declared_attr returns cls.{stmt.via}(), which "
                           f"{shadow.facts.name} ({shadow.path}:{shadow.facts.line}) binds "
                           f"again, so the column {owner.facts.name} gets is not the one "
                           "masking-reviewer reads, and a labelled one would pass unchecked; "
                           + DECLARE_DIRECTLY)
                return None
        wrapped = stmt.through is not None  # with_roles(mapped_column(...)): a column given
        wrapper = self.uncast(path, stmt.through)
        if wrapper is not None:
            stmt = replace(stmt, call=wrapper, through=None)  # read as the call it is
        if stmt.call is not None and self.table_call(path, stmt.call) is not None:
            return None  # a Core table bound in the class body: model_file reads it
        if stmt.expr is not None:
            builder = self.nested_builder(path, stmt.nested, broad=True)
            if builder is not None:
                self.blocked.add(table)
                self.error(path, stmt.line,
                           f"{where}: {stmt.expr} calls {builder}, so its value may be a "
                           "column masking-reviewer cannot read, and a labelled one would pass "
                           "unchecked; " + DECLARE_DIRECTLY)
            return None
        call: CallFacts | None = None
        preset_labels: set[str] = set()
        if stmt.call is not None:
            call = self.column_call(path, stmt.call) or self.shared_column(path, stmt.call)
            if call is None:
                inlined = self.inline_factory(path, stmt.call)
                if inlined is not None:
                    call, preset_labels = inlined
            if call is None and not stmt.call.callee and self.sqlalchemy_expression(
                    path, stmt.nested):
                return None  # faraday: _host_ip_query = select([Host.ip]).where(text(...))
            if call is None and self.factory_class(node, stmt):
                return None  # Label = make_label(__tablename__): a table of its own
            if call is None and stmt.call.callee in node.facts.value_helpers:
                return None  # ISSUER_TO_IDP = _get_issuer_to_idp(), a dict the body builds
            if call is None and self.body_type(path, stmt):
                return None  # content_type = content_type.with_variant(...): still a type
            if call is None:
                # The safety net: a call the reader cannot classify may build a column it
                # cannot see (a factory, a partial, a re-export it failed to follow), and a
                # labelled one would pass unchecked. Unreadable blocks; it is never dropped.
                why = self.unclassified(path, stmt.call)
                if why is None and stmt.nested:
                    # it builds no column itself, but may hand back one it is given:
                    # copy.copy(Column(...)), a cast the reader cannot resolve to typing's
                    builder = self.handed_column(path, stmt.call, stmt.nested)
                    if builder is not None:
                        self.blocked.add(table)
                        self.error(path, stmt.line,
                                   f"{where}: {stmt.call.callee}(...) is given {builder}, and "
                                   "masking-reviewer cannot tell whether it returns a column "
                                   "from it, so a labelled one would pass unchecked; "
                                   + DECLARE_DIRECTLY)
                        return None
                if why is not None:
                    self.blocked.add(table)
                    shown = f"{why[0]}(...)" if why[0] else "the call"
                    q = self.resolver.qual(path, why[0]) if why[0] else None
                    if wrapped:
                        # it is given a column: "builds none" would drop it; say what reads it
                        entry = none_entry(q, kind="passthrough")
                        declare = (f"; if it returns the column it is given, declare it in "
                                   f"[tool.masking-reviewer.{CONFIG_KEY}]: {entry}"
                                   if entry else "")
                    else:
                        entry = none_entry(q)
                        declare = (f" or declare it in [tool.masking-reviewer.{CONFIG_KEY}]: "
                                   f"{entry}" if entry else "")
                        instance = self.instance_entry(q) if q is not None else None
                        if instance is not None:
                            declare += f"; {instance}"
                    self.error(path, stmt.line,
                               f"{where}: cannot resolve {shown} "
                               f"({why[1]}), so masking-reviewer cannot tell whether it builds a "
                               "column, and a labelled one would pass unchecked; declare the "
                               "column with mapped_column(...) or Column(...) in the class body, "
                               "or, if it builds no column, define it outside the mapped class"
                               + declare)
                return None
        annotation = stmt.annotation
        mapped_ann = False
        if annotation is not None:
            ann_q = self.resolver.qual(path, annotation.wrapper)
            mapped_ann = ann_q is not None and tail(ann_q) in ("Mapped",) and is_sqla(ann_q)
        if call is None and not mapped_ann:
            return None
        alias = self.alias_for(path, annotation.alias if annotation else None)
        alias_call = alias[1].call if alias else None
        if alias_call is not None and alias is not None:
            q = self.resolver.qual(alias[0], alias_call.callee)
            if not (q and is_sqla(q) and tail(q) == "mapped_column"):
                alias_call = None
        call_name, name_error = self.column_name(path, call) if call else (None, False)
        if name_error:
            self.blocked.add(table)
            self.error(path, stmt.line,
                       f"{where}: the column name cannot be computed "
                       "from the source; write the DB column name as a literal or a module "
                       "constant")
            return None
        labels = set(stmt.labels) | self.labels_for(path, stmt.call) | preset_labels
        if alias is not None:
            labels |= set(alias[1].labels) | self.labels_for(alias[0], alias_call)
        name = call_name or (alias_call.name if alias_call else None)
        nullable: bool | None = call.nullable if call else None
        if nullable is None and alias_call is not None:
            nullable = alias_call.nullable
        primary_key = bool((call and call.primary_key) or (alias_call and alias_call.primary_key))
        unique = bool((call and call.unique) or (alias_call and alias_call.unique))
        if nullable is None:
            if primary_key:
                nullable = False
            elif mapped_ann and annotation is not None:
                nullable = annotation.optional or bool(alias and alias[1].optional)
            else:
                nullable = True
        type_text = (call.type if call else None) or (alias_call.type if alias_call else None)
        if type_text is None and annotation is not None:
            type_text = alias[1].inner if alias else annotation.inner
        return self.built_column(
            node, owner, stmt, path, table, name or stmt.attribute,
            type_text=type_text, nullable=nullable, unique=unique, primary_key=primary_key,
            labels=labels, evidence=(call, alias_call),
        )

    def shared_column(self, path: str, call: CallFacts) -> CallFacts | None:
        """``Parent.__table__.c.get("start_date", Column(DateTime))``: SQLAlchemy's recipe for
        single-table subclasses that declare the same column (faraday's ``Vulnerability`` and
        ``VulnerabilityWeb`` each declare ``service_id`` so): the parent's table column if it
        has it, else the ``Column(...)`` given, which SQLAlchemy adds to that table. Either way
        the table has that column, so the given one is read."""
        if not _TABLE_COLUMN_GET.fullmatch(call.callee) or len(call.args) != 1:
            return None
        return self.column_call(path, call.args[0])

    def built_column(
        self, node: ClassNode, owner: ClassNode, stmt: Stmt, path: str, table: str,
        column: str, *, type_text: str | None, nullable: bool, unique: bool,
        primary_key: bool, labels: Collection[str], evidence: tuple[CallFacts | None, ...],
    ) -> Column:
        """One Column from a class-body statement: every mapping style (declarative,
        SQLModel) names the same fields the same way here."""
        return Column(
            table=table,
            column=column,
            class_name=owner.facts.name,
            attribute=stmt.attribute,
            path=path,
            line=stmt.line,
            type=type_text,
            nullable=nullable,
            unique=unique,
            primary_key=primary_key,
            labels=self.in_label_order(labels),
            exemption=self.exemption(path, stmt.line, stmt.end_line, table, column),
            declared_in=node.facts.name if node is not owner else None,
            sealed_by=next((f"{facts.name}.{where}, line {line}"
                            for facts in (owner.facts, node.facts)
                            for attribute, where, line in facts.sealed_writes
                            if attribute == stmt.attribute), None),
            **column_evidence(*evidence),
        )

    # ----------------------------------------------------------------- files

    def model_file(self, path: str) -> None:
        facts = self.resolver.facts(path)
        if facts is None:
            self.error(path, 1, "cannot read the file; check it exists and is UTF-8 text")
            return
        for line, message in facts.errors:
            self.error(path, line, message)
        for call in facts.tables:
            self.read_table(path, call, None)
        for cls in facts.classes:
            node = self.resolver.class_node(path, cls.name)
            mixin = node is None or not node.mapped
            for stmt in cls.stmts:  # tables built in a class body, mapped or not (buildbot)
                if stmt.call is not None and not stmt.type_checking:
                    self.read_table(path, stmt.call, f"{cls.name}.{stmt.attribute}", mixin)
            self.model_class(path, cls)
        for line, callee, where, within, instance_of in facts.strays:
            q = self.resolver.qual(path, callee) if not instance_of else self.instance_qual(
                path, instance_of, callee.partition(".")[2])
            if within and (w := self.resolver.qual(path, within)) is not None and is_sqla(
                w
            ) and tail(w) in INDEX_MAKERS:
                continue  # a column named in an index's or constraint's expression
            if q is not None and is_sqla(q) and tail(q) in ("Column", "mapped_column"):
                self.error(path, line,
                           f"{callee}(...) builds a column {where}, so a labelled one would "
                           "pass unchecked; pass it straight to a Table(...) assigned to a name, "
                           "or declare it in a mapped class's body")
        for line, callee, table, _owner in facts.opaque_mappings:
            self.opaque_mapping(path, line, callee, table)
        for standin in facts.standins:
            self.standin(path, standin)
        for imp in facts.standin_imports:
            target = self.resolver.import_target(path, imp.module, imp.level)
            node = self.resolver.class_node(target, imp.name) if target and imp.name else None
            if node is not None:  # a repository class; a package's is the package's concern
                self.standin(node.path, node.facts, path, imp.local)
        for late in facts.late:
            self.late_mapping(path, late)
        for made in facts.made:
            self.made_class(path, made)
        for module_call in facts.module_calls:
            if module_call.given:
                self.package_call(path, module_call.line, module_call.callee, module_call.given)
        for made in facts.returned:  # a function's class: mapped once even if never called
            node = self.resolver.class_node(path, f"{made.attribute}()")
            if node is not None and node.facts is made.body:
                if made.bind is not None and made.problem is not None:
                    self.templates.append((path, made, node))  # factory_templates decides
                else:
                    self.model_node(node)

    def factory_class(self, node: ClassNode, stmt: Stmt) -> bool:
        """``Label = make_label(__tablename__)`` in ``node``'s body: the class the call makes,
        read once per class statement (a mixin's call runs once, however many classes
        inherit it); False when the call is no class factory the reader can bind."""
        callee = stmt.call.callee if stmt.call is not None else ""
        found = factory_calls.template(self.resolver, node.path, callee)
        if found is None:
            return False
        path, template = found
        made = factory_calls.instance(self.resolver, node, stmt, template)
        if made is None:
            if (table := self.table_of(node)) is not None:
                self.blocked.add(table)
            self.error(node.path, stmt.line,
                       f"{node.facts.name}.{stmt.attribute}: {callee}(...) makes a "
                       "mapped class from its argument, which masking-reviewer cannot evaluate "
                       "from the source, so the table it maps cannot be checked; pass the "
                       "table's name alone: a string literal, a module constant or "
                       "__tablename__")
            return True
        if (node.path, stmt.line) not in self.factory_sites:
            self.factory_sites.add((node.path, stmt.line))
            key = (path, made.attribute)
            self.factory_uses[key] = self.factory_uses.get(key, 0) + 1
            self.made_class(path, made, node, where=(
                f"{made.attribute}(...) called in "
                f"{node.facts.name}.{stmt.attribute} ({node.path}:{stmt.line})"))
        return True

    def factory_templates(self, files: Sequence[str]) -> None:
        """A class factory's class alone, its parameter unknown, blocks where the function is
        defined unless every use of the function was a call read as the class it makes."""
        for path, made, node in self.templates:
            read = self.factory_uses.get((path, made.attribute), 0)
            imported = factory_calls.imported_elsewhere(self.resolver, files, path,
                                                        made.attribute)
            if read and read == made.uses and not imported:
                continue
            unread = made.uses - read
            readable = (f"call in a mapped class's body that passes the name alone (Label = "
                        f"{made.attribute}(__tablename__))")
            node.problem = f"{node.problem}; " + (
                "another file imports the function" if imported else
                f"no file the reader reads calls it, and the one use it reads is a {readable}"
                if not made.uses else
                f"{unread} of its {made.uses} uses in this file "
                f"{'is' if unread == 1 else 'are'} no {readable}, which is what the reader "
                "reads")
            self.model_node(node)

    def maybe_instance(self, path: str, spelled: str) -> bool:
        """Is the base written ``db.Model`` with ``db`` imported by ``from x import db``, so
        that ``db`` may be an object (a Flask-SQLAlchemy) rather than a module?"""
        head, dot, _ = spelled.partition(".")
        facts = self.resolver.facts(path)
        imp = next((i for i in reversed(facts.imports) if i.local == head), None) \
            if dot and facts is not None else None
        return imp is not None and imp.name is not None

    def unknown_external(self, qual: str, mapped_elsewhere: bool,
                         instance_like: bool = False) -> str:
        """The rest of the MR007 message for a base none of the sources knows, ending in the
        exact `external-bases` entry that reads it: a mixin's when another base maps the class,
        else a declarative base's (nothing else would map it)."""
        # a placeholder column, not `columns = []`: pasted as printed, an empty list would be
        # accepted and drop every column the base adds; the configuration refuses "..."
        placeholder = ExternalClass(
            name=qual, kind="mixin" if mapped_elsewhere else "declarative-base",
            columns=(ExternalColumn(attribute="...", name="...", type="..."),))
        entry = (f"[tool.masking-reviewer.{CONFIG_KEY}]: {entry_toml(placeholder, None)}, "
                 "filling in \"...\": one { attribute, type } in columns for each column it "
                 "adds (columns = [] if it adds none)")
        package = distribution_hint(qual)
        refused = self.resolver.externals.installed.refused.get(qual)
        if refused is not None:
            return (f"is {qual} from the package {package!r}, outside the repository; {refused}"
                    " while SQLAlchemy maps each subclass, so it makes tables that are not in "
                    "the source, and masking-reviewer never runs that code; no declaration of it "
                    "ships with masking-reviewer. Declare it in " + entry + ", or with kind = "
                    "\"history\" and columns = [] when it copies each table into "
                    "<table>_history as SQLAlchemy's versioned_history example does")
        mismatch = shipped_mismatch(qual)
        if mismatch is not None:
            return (f"is {qual} from the package {package!r}, outside the repository; "
                    f"{mismatch}, so the columns it adds cannot be read. Install a release "
                    f"they cover where the reviewer runs, or declare it in {entry}")
        if "()" not in qual:
            head = qual.split(".", 1)[0]
            # seafevents: the top directory is the package, imported by the checkout's name
            checkout = (f". If the repository itself is the package {head!r} (its top directory "
                        f"has an __init__.py), check it out in a directory named {head!r}, as "
                        "Python imports it by that name."
                        if "__init__.py" in self.resolver.file_set and "." in qual else "")
            # Shopyo: `from init import db`, the Flask-SQLAlchemy of the project installing it
            instance = self.instance_entry(qual) if instance_like else None
            return (f"is {qual} from the package {package!r}, outside the repository; it is "
                    "not installed where masking-reviewer runs and no declaration of it ships "
                    "with masking-reviewer, so the columns it adds cannot be read. Install the "
                    f"package where the reviewer runs, or declare it in {entry}"
                    + (f"; or, {instance}" if instance else "") + checkout)
        shown = f"what {qual} returns" if qual.endswith("()") else qual
        hint = ""
        callee = qual[:-2]
        if qual.endswith("()") and callee in self.resolver.externals.configured:
            hint = (f"; \"{callee}\" in the configuration declares the function as called in a "
                    "class body, not the base its call returns")
        instance = self.instance_entry(qual)
        return (f"is {shown}, made by a call into the package {package!r}, outside the "
                "repository; masking-reviewer does not run the package's code and no "
                "declaration of it ships with masking-reviewer, so the columns it adds cannot be "
                f"read. Declare it in {entry}{hint}" + (f"; or, {instance}" if instance else ""))

    def maps_something(self, mro: list[ClassNode]) -> bool:
        """Would the classes declare a column if they were mapped? A plain class holding only
        a ``__tablename__`` (Kallithea keeps ``class Notification(object): __tablename__ =
        'notifications'`` for a dropped table) has nothing to check, so nothing to block."""
        return any(c.facts.col_refs or any(
            not s.type_checking and self.columnish(c.path, s) for s in c.facts.stmts)
            for c in mro)

    def declare_hint(self, node: ClassNode, owner: ClassNode) -> str:
        """How to declare the base ``node`` reaches ``owner`` through, under the name the
        user's external-bases entry takes (the module that binds it). Only for a base the
        reader cannot follow in the repository itself: a base from a package has its own
        entry to write (the error at ``owner`` names it), and declaring the class that
        derives from it would drop the columns the class declares."""
        if any(b in owner.external_quals for b in owner.bad_bases):
            return ""
        for base in node.facts.bases:
            ref = self.resolver.resolve(node.path, base) if base else None
            parent = self.resolver.class_node(ref.path, ref.name) \
                if ref is not None and ref.kind == "class" else None
            if parent is not None and owner in self.mro(parent):
                qual = self.resolver.repo_qual(node.path, base)
                if qual is not None:
                    return ("; or declare it in external-bases with the columns it adds, "
                            f'"{qual}" = {{ kind = "declarative-base", columns = [] }} when it '
                            "adds none")
        return ""

    def model_class(self, path: str, cls: ClassFacts) -> None:
        node = self.resolver.class_node(path, cls.name)
        if node is None or node.facts is not cls:
            return  # shadowed by a later class of the same name
        self.model_node(node)

    def model_node(self, node: ClassNode) -> None:
        path, cls = node.path, node.facts
        mro = self.mro(node)
        for brings in (c.external for c in mro):
            if brings is not None and brings.tables and brings.kind != "subclass-tables":
                earliest = self.package_bases.get(brings.name)
                if earliest is None or (path, cls.line) < earliest[:2]:
                    self.package_bases[brings.name] = (path, cls.line, brings)
        # `table=True` is SQLModel's own marker of a table model (kotaemon: `class
        # User(_base_user, table=True)` over a base a setting chooses)
        looks_mapped = (node.declarative or cls.tablename_kind != "none"
                        or cls.table is not None or ("table", "True") in cls.keywords)
        unsupported = [b for c in mro for b in c.unsupported_bases]
        if unsupported:
            self.error(path, cls.line,
                       f"class {cls.name} derives from {unsupported[0]}, which masking-reviewer "
                       "does not read, so its columns cannot be checked; leave the file out of "
                       "`models` knowingly, or declare the model with SQLAlchemy")
            return
        bad = [(c, b) for c in mro for b in c.bad_bases]
        if bad and (looks_mapped or any(self.columnish(path, s) for s in cls.stmts)):
            for owner, base in bad:
                qual = owner.external_quals.get(base)
                if qual == "builtins.None":
                    declared = self.resolver.repo_qual(owner.path, base)
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} is bound to "
                               "None by the module that defines it, so the code must rebind it "
                               f"when it runs (a function's `global {base}`, say), and which "
                               "class it is, and its columns, cannot be read; bind the base at "
                               "module level (`Base = declarative_base()`)" + (
                                   f', or declare it in external-bases: "{declared}" = '
                                   '{ kind = "declarative-base", columns = [] } when it adds '
                                   "no column" if declared else ""))
                    continue
                if qual is not None and qual.startswith("builtins.None."):
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} is an attribute "
                               f"of {base.split('.')[0]!r}, which its module binds to None, so "
                               "the code must rebind it when it runs (a function's `global "
                               f"{base.split('.')[0]}`, say), and which class it is, and its "
                               "columns, cannot be read; bind the base at module level (`db = "
                               "SQLAlchemy()`, `Base = declarative_base()`), or declare it in "
                               "[tool.masking-reviewer.external-bases]")
                    continue
                maker = self.resolver.unfollowed_call(owner.path, base) if qual is None \
                    else None
                if maker is not None:
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} comes from "
                               f"{maker[0]}, so its columns cannot be read; " + (
                                   maker[1] or "have the function only return the call that "
                                   "makes the base (declarative_base(...), SQLAlchemy(...)) or "
                                   "define one class and return it, or bind the base at module "
                                   "level (Base = declarative_base(...))"))
                    continue
                unparsed = self.resolver.unparsed(owner.path, base) if qual is None \
                    else None
                if unparsed is not None:
                    where, (line, why) = unparsed
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} comes from "
                               f"{where}, which masking-reviewer could not parse "
                               f"({where}:{line}: {first_clause(why)}), so its columns cannot "
                               f"be read; fix {where} so it parses as Python 3 (the reviewer "
                               "reads the base's module, it never imports it)")
                    continue
                chosen = self.resolver.chosen_at(owner.path, base) if qual is None else None
                if chosen is not None:
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} is chosen when "
                               f"the module runs, by the conditional expression at "
                               f"{chosen[0]}:{chosen[1]} (`... if ... else ...`), which "
                               "masking-reviewer does not evaluate, so which columns the class "
                               "gets cannot be read; derive the model from a class the source "
                               "names, such as the default the expression falls back to")
                    continue
                unpacked = self.resolver.unpacked_at(owner.path, base) if qual is None \
                    else None
                if unpacked is not None:
                    where, at, callee = unpacked
                    declared = self.resolver.repo_qual(owner.path, base)
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} is unpacked "
                               f"from {f'the result of {callee}()' if callee else 'a value'} at "
                               f"{where}:{at} (`..., {base.split('.')[0]} = ...`), which "
                               "masking-reviewer does not follow, so its columns cannot be "
                               "read; bind the base by itself at module level (`Base = "
                               "declarative_base()`)" + (
                                   f', or declare it in external-bases: "{declared}" = '
                                   '{ kind = "declarative-base", columns = [] } when it adds '
                                   "no column" if declared else ""))
                    continue
                if qual is None or self.resolver.top_level_in_repo(qual):
                    self.error(owner.path, owner.facts.line,
                               f"class {owner.facts.name}: base class {base!r} cannot be found "
                               "in the repository and is not a known SQLAlchemy base, so its "
                               "columns cannot be read; make sure the module defining it is "
                               "committed")
                    continue
                self.error(owner.path, owner.facts.line,
                           f"class {owner.facts.name}: base class {base!r} "
                           + self.unknown_external(
                               qual, mapped_elsewhere=node.declarative,
                               instance_like=self.maybe_instance(owner.path, base)))
            first = bad[0][0]  # the nearest class in the MRO whose bases cannot be read
            if first is not node and first.path != path and (path, id(first)) not in self.told:
                self.told.add((path, id(first)))
                self.error(path, cls.line,
                           f"class {cls.name} derives from {first.facts.name} "
                           f"({first.path}:{first.facts.line}), whose bases cannot be read (see "
                           "the error there), so the columns of the classes of this file that "
                           "derive from it cannot be read either" + self.declare_hint(node, first))
            return
        if not node.mapped and (runtime := self.runtime_mapper(node)) is not None:
            where, at, mapper, onto = runtime
            self.error(path, cls.line,
                       f"class {cls.name} derives from classes whose code maps classes at run "
                       f"time onto a table masking-reviewer cannot read "
                       f"({mapper.removeprefix('().')}(...) onto {onto} at {where}:{at}), so "
                       "if it is a model, its columns would pass unchecked; declare the model "
                       "as a declarative class or a Table(...) written out, or leave this file "
                       "out of `models` knowingly if the class maps no table")
            return
        # the class a function returns blocks itself only as a table, not as a base or mixin
        problems = [c for c in mro if c.problem is not None and (
            c is not node or node.mapped or cls.tablename_kind != "none" or cls.table is not None)]
        if problems and (looks_mapped or any(self.columnish(path, s) for s in cls.stmts)):
            owner = problems[0]
            what = "it" if owner is node else f"its base {owner.facts.name}"
            self.error(path, cls.line,
                       f"class {cls.name}: {what} is the class {owner.problem}, so its columns "
                       "cannot be read; define the class at module level, or have the function "
                       "only define the class and return it")
            return
        if node.sqlmodel and dict(cls.keywords).get("table", "True") not in ("True", "False"):
            self.error(path, cls.line,
                       f"class {cls.name}: table={dict(cls.keywords)['table']} is not a literal, "
                       "so whether SQLModel maps it to a table cannot be read; write table=True "
                       "(or leave it out for a model that is not a table)")
            return
        tables_maker = next((c.external for c in mro[1:] if c.external is not None
                             and c.external.kind == "subclass-tables"), None)
        if tables_maker is not None and not node.mapped:
            self.subclass_tables(node, tables_maker)
            return
        if not node.mapped:
            if not node.declarative and not cls.abstract and (cls.table is not None or (
                cls.tablename_kind == "literal" and self.maps_something(mro)
            )):
                # A table with no mapping we recognise (a declarative base, @registry.mapped,
                # SQLModel table=True). Passing it by would be a silent hole in the gate.
                self.error(path, cls.line,
                           f"class {cls.name} declares a table but is not mapped in a way "
                           "masking-reviewer can read (a declarative base, @registry.mapped, "
                           "SQLModel with table=True), so its columns cannot be checked; derive "
                           "it from your DeclarativeBase, or leave the file out of `models` "
                           "knowingly")
            return
        gino_parent = next((c for c in mro[1:] if c.mapped), None) if node.gino else None
        if gino_parent is not None:
            # GINO maps no inheritance: every class with a __tablename__ on its MRO gets a new
            # Table of all the columns on its MRO, an inherited __tablename__ included, which
            # SQLAlchemy refuses as a second table of that name (gino/declarative.py,
            # Model._init_table). Read as SQLAlchemy inheritance, columns would be misplaced.
            self.error(path, cls.line,
                       f"class {cls.name} derives from the GINO model {gino_parent.facts.name}, "
                       "which is a table itself; GINO does not map inheritance the way "
                       "SQLAlchemy does, so masking-reviewer cannot tell which table holds "
                       f"the columns of {cls.name}; share columns through a base without "
                       "__tablename__ (GINO's abstract model) or a mixin instead")
            return
        self.mapped += 1
        self.table_hooks(node, mro)
        table = self.table_of(node)
        if table is None:
            return
        parent = next((c for c in mro[1:] if c.mapped), None)
        if (parent is None or self.table_of(parent) != table) and not (
            cls.table is not None and cls.table.reflected
        ):
            self.owned.append((table, path, cls.line, f"class {cls.name}"))
            # __versioned__ is looked up like any attribute: a versioned base versions this too
            history = next(((c.path, c.facts.versioned) for c in mro
                            if c.facts.versioned is not None), None)
            if any(c.external is not None and c.external.kind == "history" for c in mro):
                # sql_versioning.Versioned: its hook copies the table as SQLAlchemy maps it.
                # It wins over a __versioned__ beside it, which is then that hook's option, not
                # SQLAlchemy-Continuum's (sbc-auth's User: `class User(Versioned, BaseModel)`
                # with `__versioned__ = {"exclude": [...]}`, for a branch of sql-versioning; its
                # migrations keep the excluded columns in users_history, so all are copied)
                history = (path, VersionedFacts(cls.line, "%s_history",
                                                recipe="history_meta", root=parent is None))
            if history is not None:
                self.histories.append((table, cls.name, *history,
                                       self.secondaries(mro, history[1].exclude)))
        for owner, made in self.made_templates(node, mro):
            self.made_class(owner.path, made, node, owner.facts.name, table)
        if cls.table is not None:
            self.reflected(path, cls.table, table)
            self.columns.extend(self.core_columns(path, table, cls.table, cls.name))
            return
        found = self.module_table(path, cls.table_ref) if cls.table_ref is not None else None
        if found is not None:
            # the table's own file may be no model file: read its columns from here too (the
            # inventory keeps one column per key)
            self.reflected(found[0], found[1], table)
            self.columns.extend(self.core_columns(found[0], table, found[1], cls.name))
            return
        # First class in the MRO that binds a name wins, exactly as attribute lookup does.
        seen: set[str] = set()
        for ancestor in mro:
            if ancestor is not node and ancestor.mapped:
                seen.update(ancestor.facts.names)  # already in the parent's table
                for grand in self.mro(ancestor)[1:]:
                    seen.update(grand.facts.names)
                continue
            if ancestor.external is not None:
                self.columns.extend(self.external_columns(node, ancestor.external, table, seen))
            if not ancestor.sqlmodel:  # there `x: str = Other.attr` is a pydantic default
                for ref in ancestor.facts.col_refs:
                    if ref.attribute not in seen:
                        self.columns.extend(self.ref_columns(node, ancestor, ref, table))
            for stmt in ancestor.facts.stmts:
                if stmt.attribute in seen:
                    continue
                # a binding a configuration may skip leaves the earlier ones possible: the
                # column any of them builds may be in the table (fail closed)
                for option in (stmt, *reversed(stmt.alternatives)):
                    if ancestor.sqlmodel or (node.sqlmodel and (
                        ancestor.fields or self.plain_field(ancestor, option)
                    )):
                        col = self.sqlmodel_column(ancestor, option, table, node)
                    elif self.is_composite(ancestor.path, option):
                        self.columns.extend(
                            self.composite_columns(ancestor, option, table, node))
                        break
                    else:
                        col = self.stmt_column(ancestor, option, table, node)
                    if col is not None:
                        self.columns.append(col)
                        break
            seen.update(ancestor.facts.names)

    def ref_columns(self, node: ClassNode, ancestor: ClassNode, col_ref: ColRef, table: str
                    ) -> list[Column]:
        """``id = BaseMixin.id`` in ``ancestor`` (``node`` or one of its unmapped bases): an
        unmapped class's attribute is the Column (or mapped_column, or what its declared_attr
        returns) itself, which SQLAlchemy maps under the new name as if declared there; a
        mapped class's is an InstrumentedAttribute, which maps no column (a synonym). Either
        way the name hides whatever column of that name the bases would have added."""
        attribute, line = col_ref.attribute, col_ref.line
        where = f"{ancestor.facts.name}.{attribute} = {col_ref.target}"
        bound = self.bound(ancestor.path, col_ref.target, frozenset())
        if bound.kind == "unreadable":
            # an enum member, a constant, a function's attribute ...: harmless unless the
            # name hides a column the class would inherit
            hidden = self.inherited(node, ancestor, attribute)
            if hidden is not None:
                self.blocked.add(table)
                self.error(ancestor.path, line,
                           f"{where}: {bound.name} is not a class masking-reviewer can read "
                           f"({bound.why}), and {attribute} hides the column "
                           f"{hidden}.{attribute} the class would otherwise inherit, so which "
                           "column the table has cannot be told and a labelled one would pass "
                           "unchecked; import the class from the repository, or declare the "
                           "column with mapped_column(...) or Column(...) in the class body")
            return []
        if bound.kind == "unknown":
            self.blocked.add(table)
            self.error(ancestor.path, line,
                       f"{where}: {bound.name}.{bound.attr} may be bound by a base "
                       f"masking-reviewer cannot read ({bound.why}), so whether it is a column "
                       "cannot be told and a labelled one would pass unchecked; declare the "
                       "column with mapped_column(...) or Column(...) in the class body")
            return []
        if bound.external is not None:
            return [replace(col, attribute=attribute,
                            column=attribute if col.column == bound.attr else col.column)
                    for col in self.external_columns(node, bound.external, table, set())
                    if col.attribute == bound.attr]
        owner, stmt = bound.owner, bound.stmt
        if owner is None or stmt is None:
            return []  # a mapped class's attribute, a constant, a method, an enum member ...
        # The column keeps the original declaration's line, like a column a mixin adds: its
        # labels and exemption pragma are written there, so a finding points where they are
        # fixed (the alias statement holds neither). SQLAlchemy reads the annotation of the
        # name being mapped: the alias's own, else the original's only under the same name.
        annotation = col_ref.annotation or (
            stmt.annotation if attribute == stmt.attribute else None)
        renamed = replace(stmt, attribute=attribute, annotation=annotation)
        column = (self.sqlmodel_column(owner, renamed, table, node) if owner.sqlmodel
                  else self.stmt_column(owner, renamed, table, node, bound_as=stmt.attribute))
        return [] if column is None else [column]

    def bound(self, path: str, target: str, visiting: frozenset[str]) -> _Bound:
        """What ``Other.attr`` (``target``, written in ``path``) is, first binding in Other's
        MRO wins, following ``attr = Another.attr`` there too."""
        name, _, attr = target.rpartition(".")
        ref = self.resolver.resolve(path, name)
        other = self.resolver.class_node(ref.path, ref.name) if ref.kind == "class" else None
        if other is None:
            declared = (self.resolver.externals.find(ref.qual)
                        if ref.kind == "external" and not harmless(ref.qual) else None)
            if declared is not None:
                return _Bound("column", attr=attr, external=declared)
            return _Bound("unreadable", name, attr, REF_KINDS.get(ref.kind, "not a class"))
        if other.mapped:
            return _Bound("none")  # an InstrumentedAttribute: no column of this table
        unread: str | None = None  # a base before this class in the MRO that may bind attr
        for ancestor in self.mro(other):
            facts = ancestor.facts  # a declared external class binds its columns' names
            if not facts.binds(attr):
                unread = unread or next(iter((*ancestor.bad_bases,
                                              *ancestor.unsupported_bases)), None)
                continue
            if unread is not None:
                break
            if ancestor.external is not None:
                return _Bound("column", attr=attr, external=ancestor.external)
            chained = next((r for r in facts.col_refs if r.attribute == attr), None)
            key = f"{ancestor.path}:{facts.name}.{attr}"
            if chained is not None and key not in visiting:
                return self.bound(ancestor.path, chained.target, visiting | {key})
            stmt = next((s for s in facts.stmts if s.attribute == attr and not s.type_checking),
                        None)
            return _Bound("column" if stmt else "none", attr=attr, owner=ancestor, stmt=stmt)
        problem = next((c.problem for c in self.mro(other) if c.problem), None)
        if unread is None and problem is None:
            return _Bound("none")  # from SQLAlchemy's own bases (metadata, registry ...)
        return _Bound("unknown", name, attr,
                      f"{unread!r} cannot be resolved" if unread else f"the class {problem}")

    def inherited(self, node: ClassNode, ancestor: ClassNode, attribute: str) -> str | None:
        """The class after ``ancestor`` in ``node``'s MRO (up to a mapped parent, whose columns
        are its own table's) whose column ``attribute`` would land in the table, if any."""
        mro = self.mro(node)
        for later in mro[mro.index(ancestor) + 1:]:
            if later.mapped:
                return None
            if later.external is not None and any(
                c.attribute == attribute for c in later.external.columns
            ):
                return later.facts.name
            if attribute in later.facts.names:
                binds = [s for s in later.facts.stmts if s.attribute == attribute]
                refs = [r for r in later.facts.col_refs if r.attribute == attribute]
                if refs or any(self.columnish(later.path, s) or (
                    s.call is not None and self.column_call(later.path, s.call) is not None
                ) for s in binds):
                    return later.facts.name
                return None
        return None

    def made_templates(self, node: ClassNode, mro: list[ClassNode]
                       ) -> list[tuple[ClassNode, MadeClass]]:
        """The type() templates SQLAlchemy runs for this mapped class: those of the declared_attrs
        it inherits from mixins (or declares), first binding wins; a mapped parent's were run
        for the parent and are not run again."""
        seen: set[str] = set()
        found: list[tuple[ClassNode, MadeClass]] = []
        for ancestor in mro:
            if ancestor is not node and ancestor.mapped:
                seen.update(ancestor.facts.names)
                for grand in self.mro(ancestor)[1:]:
                    seen.update(grand.facts.names)
                continue
            found.extend((ancestor, m) for m in ancestor.facts.made if m.attribute not in seen)
            seen.update(ancestor.facts.names)
        return found

    def made_class(self, path: str, made: MadeClass, sub: ClassNode | None = None,
                   owner: str = "", table: str | None = None, where: str | None = None
                   ) -> None:
        """The class ``type(...)`` makes, read like a class statement: in ``owner``'s
        declared_attr, the one it makes for the mapped class ``sub`` (its name and
        ``__tablename__`` evaluated with ``cls`` = sub, whose table is ``table``); at module
        level (no ``sub``), the one class. Its columns, its bases' included, go in its own
        table, or in its mapped base's under single-table inheritance."""
        from reviewer.facts import SELF_BASE  # not at import: review and the warm path skip facts

        where = where or (f"type(...) in {owner}.{made.attribute}" if sub is not None
                          else "type(...)")
        for_sub = f" for {sub.facts.name}" if sub is not None else ""
        clsname = sub.facts.name if sub is not None else None
        if not any(not base or base == SELF_BASE or self.maybe_mapped_base(path, base)
                   for base in made.body.bases):
            return  # type("Kind", (enum.Enum,), {...}): not a model
        if made.problem is not None:
            self.error(path, made.line,
                       f"{where} makes a mapped class{' for every subclass' if sub else ''}, "
                       f"but {made.problem}")
            return
        if SELF_BASE in made.body.bases:
            # SQLAlchemy would run the declared_attr again for the new subclass, and again ...
            self.error(path, made.line,
                       f"{where} makes a subclass of cls itself while cls is being mapped, which "
                       "masking-reviewer cannot read (and SQLAlchemy recurses on); derive the "
                       "made class from a base class instead")
            return
        if made.body.table_ref is not None:
            if not self.core_table(path, made.body.table_ref):
                self.error(path, made.line,
                           f"{where} maps __table__ = {made.body.table_ref}, which is not a "
                           "Table(...) masking-reviewer can read, so its columns cannot be "
                           "checked; assign a module-level Table(\"name\", metadata, ...)")
            return  # a Core table: its columns are read where the Table(...) is built
        name = self.resolver.string(path, made.name_expr, clsname=clsname, clstable=table)
        if name is None or not name.isidentifier():
            self.error(path, made.line,
                       f"{where} makes a class{for_sub} whose name cannot be "
                       "computed from the source (only literals, module constants, "
                       "cls.__name__, cls.__tablename__, f-strings, + and str methods are); "
                       "build the name from those, or write the class as a class statement")
            return
        body = made.body
        if body.tablename_kind == "computed":
            tablename = self.resolver.string(path, body.tablename_expr, clsname=clsname,
                                             clstable=table)
            if tablename is None:
                self.error(path, made.line,
                           f"{where}: the __tablename__ of the class it makes{for_sub} cannot "
                           "be computed from the source (only literals, module constants, "
                           "cls.__name__, cls.__tablename__, f-strings, + and str methods "
                           "are); build it from those")
                return
            body = replace(body, tablename=tablename, tablename_kind="literal")
        if self._making >= _MAX_MADE_DEPTH:
            # a made class that inherits the mixin making it: Python would recurse forever too
            self.error(path, made.line,
                       f"{where} makes classes that make classes again, "
                       f"{_MAX_MADE_DEPTH} levels deep; write the classes as class statements")
            return
        facts = replace(body, name=name, line=made.line)
        self._making += 1
        try:
            self.model_node(self.resolver.made_node(path, facts, sub))
        finally:
            self._making -= 1

    def composite_columns(self, node: ClassNode, stmt: Stmt, table: str, owner: ClassNode
                          ) -> Iterable[Column]:
        """``composite(mapped_column("x1"), mapped_column())``: the columns declared inside.
        An unnamed one takes the name of the composite class's field at its position, and a
        mapped_column's nullability follows that field's annotation, as SQLAlchemy does."""
        path, call = node.path, stmt.call
        assert call is not None
        fields = self.composite_fields(path, stmt)
        index = 0
        for arg in call.args:
            q = self.callee_qual(path, arg.callee)
            if not (q and is_sqla(q) and tail(q) in ("Column", "mapped_column")):
                continue
            field = fields[index] if fields is not None and index < len(fields) else None
            index += 1
            name, name_error = self.column_name(path, arg)
            name = name or (field[0] if field else None)
            if name is None or name_error:
                self.blocked.add(table)
                self.error(path, arg.line,
                           f"{node.facts.name}.{stmt.attribute}: a column of this composite() "
                           "has no name the reviewer can read (its class's fields are not in "
                           "the repository); name it: mapped_column(\"db_name\")")
                continue
            nullable = arg.nullable
            if nullable is None:
                nullable = (field[1] if field is not None and tail(q) == "mapped_column"
                            else not arg.primary_key)
            labels = self.labels_for(path, arg)
            yield Column(
                table=table, column=name, class_name=owner.facts.name, attribute=stmt.attribute,
                path=path, line=arg.line, type=arg.type, nullable=nullable, unique=arg.unique,
                primary_key=arg.primary_key,
                labels=self.in_label_order(labels),
                exemption=self.exemption(path, arg.line, arg.end_line, table, name),
                declared_in=node.facts.name if node is not owner else None,
                **column_evidence(arg),
            )

    def composite_fields(self, path: str, stmt: Stmt) -> list[tuple[str, bool]] | None:
        """(name, optional) of the composite class's annotated fields, in order."""
        ann = stmt.annotation
        name = ann.alias if ann is not None and ann.alias else (
            stmt.call.refs[0] if stmt.call is not None and stmt.call.refs else None)
        if not name:
            return None
        ref = self.resolver.resolve(path, name)
        node = self.resolver.class_node(ref.path, ref.name) if ref.kind == "class" else None
        if node is None:
            return None
        return [(s.attribute, s.annotation.optional) for s in node.facts.stmts
                if s.annotation is not None and not s.type_checking]

    def plain_field(self, node: ClassNode, stmt: Stmt) -> bool:
        """``created_at: Optional[datetime] = Field(sa_type=UTCDateTime, ...)`` in a plain
        mixin of a SQLModel table class (gpustack's TimestampsMixin): pydantic collects the
        annotations of every class in the MRO, so SQLModel maps the field as a column."""
        if node.declarative or node.external is not None or stmt.annotation is None or (
            stmt.call is None
        ):
            return False
        q = self.callee_qual(node.path, stmt.call.callee)
        return q is not None and q.startswith("sqlmodel.") and tail(q) == "Field"

    def field_name(self, node: ClassNode, expr: StrExpr) -> str | None:
        """The column name ``Field(sa_column_kwargs={"name": ...})`` in ``node``'s body
        gives (``expr``, CallFacts.sa_name), None when it cannot be computed. A bare name
        there is the class's own attribute before a module's (gpustack: ``"name":
        __created_at_name__``)."""
        own = set(node.facts.names)

        def scoped(expr: StrExpr) -> StrExpr:
            if expr[0] == "ref" and expr[1] in own:
                return ("clsattr", expr[1])
            if expr[0] == "cat":
                return ("cat", tuple(scoped(e) for e in expr[1]))
            return expr
        return self.resolver.string(node.path, scoped(expr), owner=node)

    def sqlmodel_column(self, node: ClassNode, stmt: Stmt, table: str, owner: ClassNode
                        ) -> Column | None:
        """A field of a SQLModel table class, as SQLModel's get_column_from_field maps it:
        every annotated field but relationships, ClassVars and private attributes; the column
        of ``Field(sa_column=Column(...))`` as given; otherwise the field name, ``sa_type`` or
        the annotation, ``primary_key``/``unique``/``nullable`` from Field(), and nullable when
        the annotation admits None."""
        path = node.path
        ann = stmt.annotation
        if stmt.type_checking or stmt.decorators or ann is None or stmt.attribute.startswith("_"):
            return None
        wrapper_q = self.resolver.qual(path, ann.wrapper) if ann.wrapper else None
        if (wrapper_q or ann.wrapper).rsplit(".", 1)[-1] == "ClassVar" or ann.inner.startswith(
            ("ClassVar", "typing.ClassVar")
        ):
            return None
        call = stmt.call
        q = self.callee_qual(path, call.callee) if call is not None else None
        if call is not None and q is not None and tail(q) == "Relationship":
            return None
        labels = set(stmt.labels) | self.labels_for(path, call)
        field = call if call is not None and q is not None and q.startswith("sqlmodel.") \
            and tail(q) == "Field" else None
        column_call = field.inner if field is not None else None
        if column_call is not None:
            cq = self.callee_qual(path, column_call.callee)
            if not (cq and is_sqla(cq) and tail(cq) == "Column"):
                column_call = None
        if column_call is not None:  # sa_column=Column(...): used as is
            name = column_call.name or stmt.attribute
            primary_key = column_call.primary_key
            nullable = (column_call.nullable if column_call.nullable is not None
                        else not primary_key)
            unique, type_text = column_call.unique, column_call.type or ann.inner
        else:
            name = stmt.attribute
            if field is not None and field.sa_name is not None:
                given = self.field_name(node, field.sa_name)
                if given is None:
                    self.blocked.add(table)
                    self.error(path, stmt.line,
                               f"{node.facts.name}.{stmt.attribute}: the column name "
                               "sa_column_kwargs gives cannot be computed from the source; "
                               "write the DB column name as a literal or a constant")
                    return None
                name = given
            primary_key = bool(field and field.primary_key)
            nullable = not primary_key and ann.optional
            if field is not None and field.nullable is not None:
                nullable = field.nullable
            unique = bool(field and field.unique)
            type_text = (field.type if field is not None else None) or ann.inner
        return self.built_column(
            node, owner, stmt, path, table, name,
            type_text=type_text, nullable=nullable, unique=unique, primary_key=primary_key,
            labels=labels, evidence=(field, column_call),
        )

    def subclass_tables(self, node: ClassNode, maker: ExternalClass) -> None:
        """The tables a declared class's metaclass maps for ``node``, a class deriving from it
        (core.sr.ht's Webhook: ``class UserWebhook(CeleryWebhook)`` brings
        user_webhook_subscription and user_webhook_delivery), named after ``node``; the
        columns written in ``node``'s own body go in the table declared ``body``, as the
        metaclass moves them there. The columns sit at the class statement."""
        path, cls = node.path, node.facts
        short = maker.name.rsplit(".", 1)[-1]
        for declared in maker.tables:
            table = self.class_template(path, declared.name, cls.name)
            # the configuration requires `class` of this kind (externals.table_names_problem)
            class_name = self.class_template(path, declared.class_name or "", cls.name)
            if table is None or class_name is None:
                self.error(path, cls.line,
                           f"class {cls.name} derives from {short}, which maps a table for it "
                           f"named {declared.name!r}, but that gives no table name the reviewer "
                           "accepts, so its columns cannot be checked; give the class a "
                           "shorter name")
                continue
            self.mapped += 1
            self.owned.append((table, path, cls.line, f"class {cls.name}"))
            self.columns.extend(self.declared_column(c, table, class_name, path, cls.line,
                                                     declared_in=short)
                                for c in declared.columns)
            if declared.body:
                for stmt in cls.stmts:
                    col = self.stmt_column(node, stmt, table, node)
                    if col is not None:
                        self.columns.append(replace(col, class_name=class_name))

    def external_columns(self, owner: ClassNode, declared: ExternalClass, table: str,
                         seen: set[str]) -> Iterable[Column]:
        """The columns a base from outside the repository adds, placed on the class that
        inherits them (their own source is not in the repository)."""
        cls = owner.facts
        for col in declared.columns:
            if col.attribute in seen or (col.unless and self.flag(owner, col.unless)):
                continue
            yield self.declared_column(col, table, cls.name, owner.path, cls.line,
                                       declared_in=declared.name.rsplit(".", 1)[-1])

    def declared_column(self, col: ExternalColumn, table: str, class_name: str | None, path: str,
                        line: int, declared_in: str | None = None) -> Column:
        """A column a declaration names (a base's, or a package's own table's), placed at
        ``path:line`` in the repository, with the configured labels among its own."""
        return Column(
            table=table,
            column=col.name,
            class_name=class_name,
            attribute=col.attribute,
            path=path,
            line=line,
            type=col.type,
            nullable=col.nullable,
            unique=col.unique,
            primary_key=col.primary_key,
            index=col.index,
            doc=col.doc,
            foreign_key=col.foreign_key,
            labels=self.in_label_order(col.labels),
            declared_in=declared_in,
        )

    def flag(self, owner: ClassNode, attribute: str) -> bool:
        """A class attribute's truth on ``owner`` (ExternalColumn.unless): the first class of
        its MRO to bind it to a literal bool in its body, or to give a declared base a type
        argument that sets it (``BaseMixin[UUID, Account]``: ExternalClass.sets)."""
        for node in self.mro(owner):
            if node.external is not None:
                continue
            flags = dict(node.facts.flags)
            if attribute in flags:
                return flags[attribute]
            for base, args in zip(node.facts.bases, node.facts.type_args, strict=False):
                q = self.resolver.qual(node.path, base) if args else None
                declared = self.resolver.externals.declared(q) if q else None
                for name, index, values in declared.sets if declared else ():
                    if name == attribute and index < len(args) and args[index]:
                        return (self.resolver.qual(node.path, args[index])
                                or args[index]) in values
        return False

    def table_hooks(self, node: ClassNode, mro: list[ClassNode]) -> None:
        """A hook SQLAlchemy runs while it maps the class that builds tables (SQLAlchemy's
        versioned-rows recipe: a ``<table>_history`` copy of every column) blocks the class:
        those tables are not in the source, and the reviewer never runs the code. A
        ``__declare_last__`` etc. is looked up like any attribute (the first class to bind it
        wins); every ``__init_subclass__`` above the class may run (through super())."""
        cls = node.facts
        # one error per class that owns hooks: lear's Versioned builds its copies in both
        # __declare_first__ and __declare_last__, and one entry declares the class
        found: dict[int, tuple[ClassNode, list[str]]] = {}
        for hook in _MAPPING_HOOKS:
            owners = mro[1:] if hook == "__init_subclass__" else [
                next((c for c in mro if hook in c.facts.names), None)]
            for owner in owners:
                if owner is None:
                    continue
                for name, line, what, others in owner.facts.table_hooks:
                    if name != hook:
                        continue
                    does = f"builds {what}" if what else self.hook_helper(owner.path, others)
                    if does:
                        found.setdefault(id(owner), (owner, []))[1].append(
                            f"{owner.facts.name}.{hook} ({owner.path}:{line}) {does}")
        for owner, hooks in found.values():
            self.error(node.path, cls.line,
                       f"class {cls.name}: {', and '.join(hooks)}{',' if len(hooks) > 1 else ''}"
                       " while SQLAlchemy maps the class, so the tables it makes are not in "
                       "the source (the versioned-rows recipe makes a <table>_history copy of "
                       "every column) and a labelled column copied into one would pass "
                       "unchecked; masking-reviewer never runs that code. Declare each table "
                       "it makes as a mapped class or Table(...) in the models, and have the "
                       "hook use it instead of building it"
                       + self.history_entry(owner) + self.continuum_entry(owner, mro))

    def history_entry(self, owner: ClassNode) -> str:
        """The other way out for a hook that is the versioned-rows recipe: declaring the
        mixin of kind "history" (which wins over its code) makes the reviewer add the copies
        itself. Recognising the recipe from its code would be a guess, since applications
        adapt it (notifications-api's drops ``changed``); the user has read it and can say."""
        module = self.resolver.module_of(owner.path)
        if module is None:
            return ""
        entry = f'"{module}.{owner.facts.name}" = {{ kind = "history", columns = [] }}'
        return (f"; or, when it is that recipe, declare the class in "
                f"[tool.masking-reviewer.{CONFIG_KEY}]: {entry}, and the reviewer adds each "
                "<table>_history copy itself (every column, plus version and changed)")

    def continuum_entry(self, owner: ClassNode, mro: list[ClassNode]) -> str:
        """A third way out, for a class versioned the SQLAlchemy-Continuum way as well: the
        reviewer already builds the ``<table>_version`` copies of a ``__versioned__`` class,
        so a hook that is a work-alike of Continuum (bcgov's sql-versioning-alt, in lear's
        own repository) builds nothing more, and declaring its class as adding nothing (an
        entry wins over the repository's code) says so."""
        module = self.resolver.module_of(owner.path)
        if module is None or not any(c.facts.versioned is not None
                                     and c.facts.versioned.recipe == "continuum" for c in mro):
            return ""
        entry = f'"{module}.{owner.facts.name}" = {{ columns = [] }}'
        return ("; or, when the hook builds the <table>_version copies of this __versioned__ "
                "class that SQLAlchemy-Continuum would (which the reviewer builds itself), "
                f"declare the class in [tool.masking-reviewer.{CONFIG_KEY}]: {entry}")

    def hook_helper(self, path: str, names: Sequence[str]) -> str:
        """The first function or class of another file of the repository that a mapping-time
        hook calls: code the scanner did not follow, which may build tables, so it blocks.
        Packages (sqlalchemy.event, ...) and builtins are not the repository's: "" for none."""
        for name in names:
            ref = self.resolver.resolve(path, name)
            facts = self.resolver.facts(ref.path) if ref.kind == "other" else None
            if facts is not None and any(n == ref.name for n, _p, _e in facts.str_funcs):
                continue  # returns a string built from its arguments (a table-name helper)
            if (ref.kind in ("other", "class") and ref.path != path) or ref.kind == "missing":
                where = f" of {ref.path}" if ref.path and ref.path != path else ""
                return f"calls {name}(){where}, which may build tables,"
        return ""

    def secondaries(self, mro: list[ClassNode], exclude: tuple[str, ...]
                    ) -> tuple[tuple[str, int, tuple[str, str]], ...]:
        """The class's many-to-many relationships (first class to bind a name wins), whose
        association tables SQLAlchemy-Continuum versions too, unless excluded or viewonly."""
        found: list[tuple[str, int, tuple[str, str]]] = []
        bound: set[str] = set()
        for ancestor in mro:
            for stmt in ancestor.facts.stmts:
                call = stmt.call
                if (stmt.attribute not in bound and stmt.attribute not in exclude
                        and call is not None and call.secondary is not None
                        and tail(call.callee) in RELATIONSHIP_CALLEES):
                    found.append((ancestor.path, call.line, call.secondary))
            bound.update(ancestor.facts.names)
        return tuple(found)

    def instance_qual(self, path: str, cls: str, attribute: str) -> str | None:
        """The qualified name of ``self.<attribute>`` in a method of the class ``cls`` when it
        is an external object (Resolver.qual for an instance's attribute)."""
        ref = self.resolver.instance(path, "self", cls, attribute, 0)
        return ref.qual if ref.kind == "external" else None

    def empty_tables(self) -> None:
        """A table needs a primary key, so one with no column read means the reader missed
        them all (an unread base, a construct it does not know): that must block."""
        read = {c.table for c in self.columns} | self.blocked
        for table, path, line, owner in self.owned:
            if table not in read:
                self.error(path, line,
                           f"{owner} maps the table {table!r}, but masking-reviewer read none of "
                           "its columns, so a labelled one would pass unchecked; declare them "
                           "with mapped_column(...) or Column(...) in the class body or its "
                           "mixins (a table always has at least a primary key)")


_MAX_MADE_DEPTH = 4
# what SQLAlchemy runs while mapping a class (the scanner records those that build tables)
_MAPPING_HOOKS = ("__mapper_cls__", "__declare_first__", "__declare_last__", "__init_subclass__")

# Parent.__table__.c.get(name, Column(...)) and .columns.get: a table's column, or the default
_TABLE_COLUMN_GET = re.compile(r"[A-Za-z_][\w.]*\.__table__\.(?:c|columns)\.get")

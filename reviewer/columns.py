"""Column building: turn resolved classes and Core tables into one ``Column`` per physical
column of every concrete table (mixins expanded, single-table inheritance folded, labels and
exemption pragmas attached), plus the errors for what cannot be read."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from reviewer.resolution import ClassNode, Resolver, is_sqla, linearise, tail
from reviewer.types import Column, Config, Exemption, ScanError

if TYPE_CHECKING:
    from reviewer.facts import AliasFacts, CallFacts, ClassFacts, Stmt


def to_snake_case(name: str) -> str:
    """``NetSuiteConnection`` -> ``net_suite_connection``; ``HTTPRequest`` -> ``http_request``."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def flask_table_name(name: str) -> str:
    """Flask-SQLAlchemy 3's automatic ``__tablename__`` (``camel_to_snake_case``)."""
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


@dataclass(slots=True)
class ColumnBuilder:
    resolver: Resolver
    config: Config
    columns: list[Column] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    attached: set[tuple[str, int]] = field(default_factory=set)
    exemptions: list[Exemption] = field(default_factory=list)
    mapped: int = 0
    _tables: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _mros: dict[int, list[ClassNode]] = field(default_factory=dict)

    def mro(self, node: ClassNode) -> list[ClassNode]:
        key = id(node)
        if key not in self._mros:
            self._mros[key] = linearise(node)
        return self._mros[key]

    def error(self, path: str, line: int, message: str) -> None:
        err = ScanError(path, max(line, 1), message)
        if err not in self.errors:
            self.errors.append(err)

    # ----------------------------------------------------------------- tables

    def table_of(self, node: ClassNode) -> str | None:
        key = (node.path, node.facts.name)
        if key not in self._tables:
            self._tables[key] = self._table_of(node)
        return self._tables[key]

    def _table_of(self, node: ClassNode) -> str | None:
        cls = node.facts
        if cls.table is not None:
            if cls.table.first_string is None:
                self.error(node.path, cls.table_line,
                           f"{cls.name}.__table__: the table name is not a string literal; "
                           "write Table(\"name\", metadata, ...)")
            return cls.table.first_string
        if cls.table_error:
            self.error(node.path, cls.table_line,
                       f"{cls.name}.__table__ is not a Table(...) call the reviewer can read; "
                       "assign Table(\"name\", metadata, Column(...), ...) directly")
            return None
        if cls.tablename_kind == "literal":
            return cls.tablename
        if cls.tablename_kind == "computed":
            self.error(node.path, cls.tablename_line,
                       f"{cls.name}.__tablename__ is computed; the reviewer reads source and "
                       "cannot evaluate it. Assign a string literal")
            return None
        mro = self.mro(node)
        parent = next((c for c in mro[1:] if c.mapped), None)
        # Flask-SQLAlchemy 3 names a subclass's own table when it declares a primary key.
        flask_joined = self.config.table_naming == "flask-sqlalchemy" and any(
            s.call is not None and s.call.primary_key and not s.type_checking
            for s in cls.stmts
        )
        if parent is not None and cls.tablename_kind != "declared" and not flask_joined:
            return self.table_of(parent)  # single-table inheritance
        for ancestor in mro[1:]:
            kind = ancestor.facts.tablename_kind
            if kind == "literal":
                return ancestor.facts.tablename
            if kind == "computed":
                self.error(ancestor.path, ancestor.facts.tablename_line,
                           f"{ancestor.facts.name}.__tablename__ is computed; assign a string "
                           "literal, or use a declared_attr and set table-naming")
                return None
            if kind == "declared":
                break
        naming = self.config.table_naming
        if naming == "snake_case":
            return to_snake_case(cls.name)
        if naming == "flask-sqlalchemy":
            return flask_table_name(cls.name)
        self.error(node.path, cls.line,
                   f"class {cls.name} has no literal __tablename__, so its table name is "
                   "computed at import time; set table-naming = \"snake_case\" or "
                   "\"flask-sqlalchemy\" in [tool.masking-reviewer], or give the class a "
                   "__tablename__")
        return None

    # ----------------------------------------------------------------- columns

    def labels_for(self, path: str, *calls: CallFacts | None) -> set[str]:
        found: set[str] = set()
        for call in calls:
            if call is None:
                continue
            found.update(call.labels)
            found.update(self.const_labels(path, call.refs, depth=0))
            if call.inner is not None:
                found.update(self.labels_for(path, call.inner))
        return found

    def const_labels(self, path: str, refs: Sequence[str], depth: int) -> set[str]:
        """Labels held by module constants the names refer to, following constants of
        constants (``SECRET_INFO = {**BASE_INFO}``) a few levels deep."""
        found: set[str] = set()
        if depth > 4:
            return found
        for ref in refs:
            r = self.resolver.resolve(path, ref)
            if r.kind != "const":
                continue
            facts = self.resolver.facts(r.path)
            for name, labels, inner_refs in facts.consts if facts else ():
                if name == r.name:
                    found.update(labels)
                    found.update(self.const_labels(r.path, inner_refs, depth + 1))
        return found

    def alias_for(self, path: str, name: str | None) -> tuple[str, AliasFacts] | None:
        if not name:
            return None
        ref = self.resolver.resolve(path, name)
        if ref.kind != "alias":
            return None
        facts = self.resolver.facts(ref.path)
        for alias in facts.aliases if facts else ():
            if alias.name == ref.name:
                return ref.path, alias
        return None

    def column_call(self, path: str, call: CallFacts) -> CallFacts | None:
        """The Column/mapped_column call a statement declares, or None if it is no column."""
        q = self.resolver.qual(path, call.callee) if call.callee else None
        if q is None:
            return None
        if is_sqla(q) and tail(q) in ("Column", "mapped_column"):
            return call
        if is_sqla(q) and tail(q) in ("column_property", "deferred") and call.inner:
            inner_q = self.resolver.qual(path, call.inner.callee)
            if inner_q and is_sqla(inner_q) and tail(inner_q) in ("Column", "mapped_column"):
                return call.inner
        return None

    def stmt_column(self, node: ClassNode, stmt: Stmt, table: str, owner: ClassNode
                    ) -> Column | None:
        path = node.path
        if stmt.type_checking:
            return None  # never runs; the else branch (if any) was kept instead
        if stmt.decorators and not any(
            (q := self.resolver.qual(path, d)) is not None and "declared_attr" in q
            for d in stmt.decorators
        ):
            return None
        call: CallFacts | None = None
        if stmt.call is not None:
            call = self.column_call(path, stmt.call)
            if call is None:
                q = self.resolver.qual(path, stmt.call.callee) if stmt.call.callee else None
                ann_q = (self.resolver.qual(path, stmt.annotation.wrapper)
                         if stmt.annotation else None)
                mapped = ann_q is not None and tail(ann_q) == "Mapped"
                # A call into the repository's own code (a column factory, a partial) may
                # build a column we cannot see; a labelled one would pass unchecked.
                factory = not mapped and bool(stmt.call.callee) and (
                    q == "functools.partial()"
                    or (q is None and self.resolver.resolve(path, stmt.call.callee).kind == "other")
                )
                if ((q is None and mapped) or factory) and not stmt.decorators:
                    self.error(path, stmt.line,
                               f"{node.facts.name}.{stmt.attribute}: cannot resolve "
                               f"{stmt.call.callee or 'the call'}(...); declare the column with "
                               "mapped_column(...) or Column(...) so it can be read statically")
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
        if call is not None and call.name_error:
            self.error(path, stmt.line,
                       f"{node.facts.name}.{stmt.attribute}: the column name is not a string "
                       "literal; write the DB column name as a literal")
            return None
        labels = set(stmt.labels) | self.labels_for(path, stmt.call)
        if alias is not None:
            labels |= set(alias[1].labels) | self.labels_for(alias[0], alias_call)
        name = (call.name if call else None) or (alias_call.name if alias_call else None)
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
        column = name or stmt.attribute
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
            labels=tuple(lb for lb in self.config.labels if lb in labels),
            exemption=self.exemption(path, stmt.line, stmt.end_line, table, column),
            declared_in=node.facts.name if node is not owner else None,
        )

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

    def core_columns(self, path: str, table: str, call: CallFacts, class_name: str | None
                     ) -> Iterable[Column]:
        for arg in call.args:
            q = self.resolver.qual(path, arg.callee) if arg.callee else None
            if not (q and is_sqla(q) and tail(q) == "Column"):
                continue
            if arg.name is None:
                self.error(path, arg.line,
                           f"a Column in Table({table!r}) has no literal name; "
                           "give it a string literal as its first argument")
                continue
            yield Column(
                table=table,
                column=arg.name,
                class_name=class_name,
                attribute=(arg.key or arg.name) if class_name else None,
                path=path,
                line=arg.line,
                type=arg.type,
                nullable=arg.nullable if arg.nullable is not None else not arg.primary_key,
                unique=arg.unique,
                primary_key=arg.primary_key,
                labels=tuple(lb for lb in self.config.labels
                             if lb in self.labels_for(path, arg)),
                exemption=self.exemption(path, arg.line, arg.end_line, table, arg.name),
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
            q = self.resolver.qual(path, call.callee)
            if not (q and is_sqla(q) and tail(q) == "Table"):
                continue
            if call.first_string is None:
                self.error(path, call.line, "Table(...) name is not a string literal; write the "
                           "table name as a literal")
                continue
            self.mapped += 1
            self.reflected(path, call)
            self.columns.extend(self.core_columns(path, call.first_string, call, None))
        for cls in facts.classes:
            self.model_class(path, cls)

    def reflected(self, path: str, call: CallFacts) -> None:
        if call.reflected:
            self.error(path, call.line,
                       f"Table({call.first_string!r}) is reflected from the database "
                       "(autoload_with), so its columns are not in the source and their labels "
                       "cannot be checked; declare the columns explicitly")

    def columnish(self, path: str, stmt: Stmt) -> bool:
        """Does the statement use SQLAlchemy's column machinery (so its class is a model)?"""
        names = [stmt.call.callee] if stmt.call else []
        if stmt.annotation is not None:
            names.append(stmt.annotation.wrapper)
        for name in names:
            q = self.resolver.qual(path, name) if name else None
            if q and is_sqla(q) and tail(q) in (
                "Column", "mapped_column", "column_property", "deferred", "Mapped"
            ):
                return True
        return False

    def model_class(self, path: str, cls: ClassFacts) -> None:
        node = self.resolver.class_node(path, cls.name)
        if node is None or node.facts is not cls:
            return  # shadowed by a later class of the same name
        mro = self.mro(node)
        looks_mapped = node.declarative or cls.tablename_kind != "none" or cls.table is not None
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
                self.error(owner.path, owner.facts.line,
                           f"class {owner.facts.name}: base class {base!r} cannot be found in "
                           "the repository and is not a known SQLAlchemy base, so its columns "
                           "cannot be read; make sure the module defining it is committed")
            return
        if not node.mapped:
            if not node.declarative and not cls.abstract and (
                cls.tablename_kind == "literal" or cls.table is not None
            ):
                # A table with no declarative base we recognise: registry.mapped decorators,
                # imperative mapping, SQLModel. Passing it by would be a silent hole in the gate.
                self.error(path, cls.line,
                           f"class {cls.name} declares a table but is not mapped through a "
                           "declarative base masking-reviewer can read (registry.mapped, "
                           "imperative mapping and SQLModel are not supported), so its columns "
                           "cannot be checked; derive it from your DeclarativeBase, or leave the "
                           "file out of `models` knowingly")
            return
        self.mapped += 1
        table = self.table_of(node)
        if table is None:
            return
        if cls.table is not None:
            self.reflected(path, cls.table)
            self.columns.extend(self.core_columns(path, table, cls.table, cls.name))
            return
        # First class in the MRO that binds a name wins, exactly as attribute lookup does.
        seen: set[str] = set()
        for ancestor in mro:
            if ancestor is not node and ancestor.mapped:
                seen.update(ancestor.facts.names)  # already in the parent's table
                for grand in self.mro(ancestor)[1:]:
                    seen.update(grand.facts.names)
                continue
            for stmt in ancestor.facts.stmts:
                if stmt.attribute in seen:
                    continue
                col = self.stmt_column(ancestor, stmt, table, node)
                if col is not None:
                    self.columns.append(col)
            seen.update(ancestor.facts.names)

"""Which table a mapped class's columns land in: its ``__table__``, its ``__tablename__``
(a literal, a computed string, a ``declared_attr`` evaluated for the class, an outside base's
declared name), single-table and joined inheritance, the configured ``table-naming``, and a
base's ``__init_subclass__`` renaming it; ``MR007`` with what to write when it cannot be told.
The base of ``columns.ColumnBuilder``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from reviewer.column_calls import ColumnCalls
from reviewer.dependency_pins import FlaskPins, Naming
from reviewer.externals import CONFIG_KEY, entry_toml, tablename_expr
from reviewer.resolution import (
    ClassNode,
    flask_table_name,
    is_sqla,
    linearise,
    old_flask_table_name,
    tail,
    to_snake_case,
)
from reviewer.types import ScanError

# SQLAlchemy functions whose result a class can be mapped against (``__table__ = ...``) that
# build no table: select(...)... and join(a, b)
_MAPPED_QUERIES = frozenset({"select", "join", "outerjoin"})
# What a declared_attr __tablename__ may be built from, for the message when it is not
_DECLARED_NAMES = (
    "one return of literals, module constants, f-strings, +, %, str methods, helper "
    "functions, cls.__name__, and the string attributes and one-return classmethods or "
    "staticmethods of the class read through cls"
)


def _reads_class(expr: Any) -> bool:
    """Does a string expression read more of ``cls`` than its name (then no naming convention
    gives the table's name)? Nodes and their argument lists are both tuples."""
    if not isinstance(expr, tuple):
        return False
    return (bool(expr) and expr[0] in ("clsattr", "clscall", "clstable")) or any(
        _reads_class(part) for part in expr
    )


@dataclass(slots=True)
class TableNames(ColumnCalls):
    errors: list[ScanError] = field(default_factory=list)
    _tables: dict[int, str | None] = field(default_factory=dict)  # by id(ClassNode)
    _mros: dict[int, list[ClassNode]] = field(default_factory=dict)
    # classes mapped against a query (or sharing the table of one): no table, and no error
    _queried: set[int] = field(default_factory=set)
    # which Flask-SQLAlchemy releases the repository's pins install (dependency_pins): read
    # once, the first time a Flask-SQLAlchemy model has no table name of its own, so that an
    # inventory depends on the pin files only where they decide a name
    read_pins: Callable[[], FlaskPins] = FlaskPins
    _pins: FlaskPins | None = None

    def mro(self, node: ClassNode) -> list[ClassNode]:
        key = id(node)
        if key not in self._mros:
            self._mros[key] = linearise(node)
        return self._mros[key]

    def flask_pins(self) -> FlaskPins:
        if self._pins is None:
            self._pins = self.read_pins()
        return self._pins

    def _flask_names(self, node: ClassNode, naming: Naming) -> bool:
        """Does Flask-SQLAlchemy of this naming name the class in its metaclass, over whatever
        its bases would name it? 2.0: the class's own body declares a primary key column;
        2.1 (and 2.2): that, or the first of its bases with no table name of its own has a
        primary key column (flask_sqlalchemy's ``_should_set_tablename``); 2.3 on: never."""
        if naming == "2.3":
            return False
        if any(s.call is not None and s.call.primary_key and not s.type_checking
               and not s.decorators for s in node.facts.stmts):
            return True
        if naming == "2.0":
            return False
        for base in node.bases:
            line = self.mro(base)
            if base.mapped or any(c.facts.tablename_kind != "none" or c.facts.table is not None
                                  for c in line):
                return False  # hasattr(base, "__tablename__"): the base names the table
            if any(s.call is not None and s.call.primary_key for c in line
                   for s in c.facts.stmts):
                return True
        return False

    def error(self, path: str, line: int, message: str) -> None:
        err = ScanError(path, max(line, 1), message)
        if err not in self.errors:
            self.errors.append(err)

    def table_of(self, node: ClassNode) -> str | None:
        # every ClassNode lives as long as the resolver, so its id is never reused
        key = id(node)
        if key not in self._tables:
            name = self._table_of(node)
            self._tables[key] = self._renamed(node, name) if name is not None else None
        return self._tables[key]

    def _renamed(self, node: ClassNode, name: str) -> str | None:
        """The table name after the ``cls.__tablename__ = ...`` of a base's
        ``__init_subclass__`` (``f"plugin_{cls.TABLE_PREFIX}_{cls.__tablename__}"`` under
        ``if hasattr(cls, "TABLE_PREFIX"):``), which runs for every subclass before SQLAlchemy
        reads the name; None (and MR007) when what it does cannot be told."""
        cls = node.facts
        if cls.table is not None or cls.table_ref is not None or cls.table_query is not None:
            return name  # __table__ is mapped as it is; __tablename__ is not read
        mro = self.mro(node)
        found = [(a, line, expr, guards) for a in mro[1:] if a.external is None
                 for line, guards, expr in a.facts.subclass_tablenames
                 if all(g == "__tablename__" or g == "?" or self._binds(node, g)
                        for g in guards)]
        if not found:
            return name
        owner, line, expr, guards = found[0]
        where = f"{owner.facts.name}.__init_subclass__ ({owner.path}:{line})"
        parent = next((c for c in mro[1:] if c.mapped), None)
        problem = None
        if "?" in guards:
            problem = ("under a condition masking-reviewer cannot evaluate (it reads `if "
                       "hasattr(cls, \"NAME\"):`)")
        elif expr is None:
            problem = ("to a value masking-reviewer cannot evaluate (it reads literals, f-strings "
                       "and + of cls.__tablename__, cls.__name__ and class attributes)")
        elif len({id(a) for a, *_ in found}) > 1 or len(found) > 1:
            problem = "more than once along its bases"
        elif parent is not None and "__tablename__" not in cls.names:
            problem = (f"although it shares the table of {parent.facts.name} (single-table "
                       "inheritance)")
        renamed = None if problem else self.resolver.string(
            owner.path, expr, clsname=cls.name, clstable=name, owner=node)
        if renamed is None:
            self.error(node.path, cls.line,
                       f"class {cls.name}: its table name ({name}) is set again by {where} "
                       + (problem or "to a value masking-reviewer cannot evaluate")
                       + ", so the table its columns are in cannot be told; assign the final "
                       "name as this class's __tablename__ and drop the rename, or make it a "
                       "plain `if hasattr(cls, \"NAME\"):` test and an f-string of "
                       "cls.__tablename__ and class attributes")
        return renamed

    def _binds(self, node: ClassNode, name: str) -> bool:
        """Does ``hasattr(cls, name)`` hold for the class: a repository class along its MRO
        binds the name, or an outside class declares it as a column?"""
        return any(
            entry.facts.binds(name) if entry.external is None
            else any(c.attribute == name for c in entry.external.columns)
            for entry in self.mro(node))

    def class_template(self, path: str, template: str, clsname: str) -> str | None:
        """A name written as a template of the class name (``{class}``, ``{class_lower}``,
        ``{class_snake}``: ``table-naming``, a declared table's ``name`` or ``class``) for the
        class ``clsname``; a template without a field is that name itself. None when the name
        is longer than any the reader accepts."""
        expr = tablename_expr(template)
        return template if expr is None else self.resolver.string(path, expr, clsname=clsname)

    def _table_of(self, node: ClassNode) -> str | None:
        cls = node.facts
        if cls.table is not None:
            name = self.table_name(node.path, cls.table)
            if name is None:
                self.error(node.path, cls.table_line,
                           f"{cls.name}.__table__: the table name cannot be computed from the "
                           "source; write Table(\"name\", metadata, ...) with a literal or a "
                           "module constant")
            return name
        if cls.table_query is not None and self._query(node.path, cls.table_query):
            # mapped against a SELECT or a join of other tables, or a view built on one:
            # their columns, none of its own
            self._queried.add(id(node))
            return None
        if cls.table_ref is not None:
            found = self.module_table(node.path, cls.table_ref)
            if found is None:
                self.error(node.path, cls.table_line,
                           f"{cls.name}.__table__ = {cls.table_ref} is not a Table(...) bound to "
                           "a module-level name the reviewer can find, so its columns cannot "
                           "be checked; assign Table(\"name\", metadata, ...) to a module-level "
                           "name, here or in a module imported by name")
                return None
            return self.table_name(*found)
        if cls.table_error or cls.table_query is not None:
            self.error(node.path, cls.table_line,
                       f"{cls.name}.__table__ is not a Table(...) call the reviewer can read; "
                       "assign Table(\"name\", metadata, Column(...), ...) directly")
            return None
        if cls.tablename_kind == "literal":
            return cls.tablename
        if cls.tablename_kind == "computed":
            name = self.resolver.string(node.path, cls.tablename_expr)
            if name is None:
                self.error(node.path, cls.tablename_line,
                           f"{cls.name}.__tablename__ is computed in a way the reviewer cannot "
                           "evaluate from the source (only literals, module constants, "
                           "f-strings, + and simple helper functions are); assign a string "
                           "literal")
            return name
        pins = (self.flask_pins() if node.flask and "__abstract__" not in cls.names
                else FlaskPins())
        legacy = {n: self._flask_names(node, n) for n in pins.namings} if pins.legacy else {}
        if legacy and all(legacy.values()):
            return old_flask_table_name(cls.name)
        name = self._table_by_bases(node)
        if any(legacy.values()):
            snake = old_flask_table_name(cls.name)
            if name != snake:
                given = repr(name) if name else "a name masking-reviewer cannot tell"
                by = "; ".join(f"{n} names it {snake!r}" if legacy[n]
                               else f"{n} leaves it to its bases, {given}" for n in legacy)
                self.error(node.path, cls.line,
                           f"class {cls.name} has no __tablename__, and the Flask-SQLAlchemy "
                           f"releases the repository pins ({', '.join(pins.where)}) "
                           f"name its table differently ({by}); give the class a literal "
                           "__tablename__")
                return None
        return name

    def _query(self, path: str, callee: str, depth: int = 0) -> bool:
        """Does calling ``callee`` make a query to map a class against: SQLAlchemy's
        ``select``, ``join`` or ``outerjoin``; a repository function whose every return is a
        chain of methods on such a call, or on a call of another such function (storyboard's
        ``__table__ = _story_build_summary_query()``, a ``select(...)...alias()``); or one
        that builds a view's table from the query it is given (reviewer.view_functions)?"""
        ref = self.resolver.resolve(path, callee)
        if ref.kind == "external":
            return is_sqla(ref.qual) and tail(ref.qual) in _MAPPED_QUERIES
        facts = self.resolver.facts(ref.path) if ref.kind == "other" and ref.path else None
        if facts is None or "." in ref.name or depth > 3:
            return False
        if ref.name in facts.views:
            return True
        chains = next((cs for name, cs in reversed(facts.returns) if name == ref.name), ())
        return bool(chains) and all(
            self._query(ref.path, chain.partition("()")[0], depth + 1) for chain in chains)

    def _table_by_bases(self, node: ClassNode) -> str | None:
        """The table of a class with no ``__table__`` or ``__tablename__`` of its own: its
        parent's (single-table), one its bases' naming or table-naming derives (joined), or
        None with an MR007."""
        cls = node.facts
        mro = self.mro(node)
        parent = next((c for c in mro[1:] if c.mapped), None)
        own_key = any(s.call is not None and s.call.primary_key and not s.type_checking
                      for c in (cls, *(b.facts for b in node.injected)) for s in c.stmts)
        # A subclass that declares its own primary key gets a table of its own (joined
        # inheritance) when its name comes from a function of the class: Flask-SQLAlchemy 3's
        # naming, or a declared_attr __tablename__ SQLAlchemy runs again for every subclass
        # (kotti: Content(Node) with id = Column(ForeignKey(Node.id), primary_key=True) maps
        # "contents"); single-table subclasses declare none
        joined = own_key and (self.config.table_naming == "flask-sqlalchemy" or any(
            a.facts.tablename_kind == "declared" and a.external is None for a in mro[1:]))
        if parent is not None and "__tablename__" not in cls.names and own_key:
            # A table name an outside base derives from each subclass (advanced-alchemy's
            # CommonTableAttributes) is run for a subclass of a mapped class too, and names its
            # own table when it declares its own primary key: joined inheritance. (Single-table
            # children declare none; from 1.9 advanced-alchemy returns None for them anyway.)
            derived = next((a for a in mro[1:] if a.external is not None
                            and a.facts.tablename_kind == "declared"), None)
            name = self.resolver.string(derived.path, derived.facts.tablename_expr,
                                        clsname=cls.name, owner=node) if derived else None
            if name is not None:
                return name
        if parent is not None and cls.tablename_kind != "declared" and not joined:
            if own_key and "__tablename__" not in cls.names:
                # SQLAlchemy refuses a primary key on a subclass that shares its parent's
                # table, so this one maps its own, named by whatever names the application's
                # tables (Flask-SQLAlchemy: commandment's SCEPPayload(Payload) is
                # "scep_payload")
                self.error(node.path, cls.line,
                           f"class {cls.name} declares its own primary key but no "
                           "__tablename__, so it maps a table of its own beside "
                           f"{parent.facts.name}'s (joined-table inheritance), named at import "
                           "time; set table-naming = \"flask-sqlalchemy\" (or \"snake_case\", "
                           "or a template of the class name) in [tool.masking-reviewer], or "
                           "give the class a __tablename__")
                return None
            shared = self.table_of(parent)  # single-table inheritance
            if shared is None and id(parent) in self._queried:
                self._queried.add(id(node))
            elif shared is None:
                # the parent's MR007 is at the parent: a pull request that adds a column here
                # touches only this file, and must see why it is not checked (nextgisweb's
                # Resource subclasses, named by the metaclass of Resource)
                made = self._metaclass_note(node)
                self.error(node.path, cls.line,
                           f"class {cls.name} declares no table of its own, so its columns go to "
                           f"the table of {parent.facts.name} ({parent.path}:{parent.facts.line})"
                           ", whose name masking-reviewer cannot tell, and a labelled column "
                           "here would pass unchecked"
                           + (f"; {made}, so give each class a literal __tablename__" if made
                              else f"; give {parent.facts.name} a __tablename__ it can read"))
            return shared
        declared_by: ClassNode | None = None  # the declared_attr __tablename__ that failed
        for ancestor in mro:
            kind = ancestor.facts.tablename_kind
            if joined and ancestor is not node and ancestor.mapped and kind != "declared":
                continue  # a mapped parent's own name is its table's, not this subclass's
            if kind == "literal" and ancestor is not node:
                return ancestor.facts.tablename
            if kind == "computed" and ancestor is not node:
                name = self.resolver.string(ancestor.path, ancestor.facts.tablename_expr)
                if name is None:
                    self.error(ancestor.path, ancestor.facts.tablename_line,
                               f"{ancestor.facts.name}.__tablename__ is computed in a way the "
                               "reviewer cannot evaluate; assign a string literal, or use a "
                               "declared_attr and set table-naming")
                return name
            if kind == "declared":
                # `return cls.__name__.lower()` and the like, evaluated for this class
                name = self.resolver.string(ancestor.path, ancestor.facts.tablename_expr,
                                            clsname=cls.name, owner=node)
                if name is not None:
                    return name
                declared_by = ancestor
                break
        if declared_by is not None and declared_by.external is not None:
            # table-naming speaks for the application's own classes, not for how a package
            # names the tables of its mixins: falling back to it would be a guess
            ext = declared_by.external
            self.error(node.path, cls.line,
                       f"class {cls.name} takes its table name from the __tablename__ of "
                       f"{ext.name} ({ext.tablename_unread}), which masking-reviewer cannot "
                       "evaluate from the package's source, and table-naming does not apply to "
                       "a package's own naming; give the class a literal __tablename__, or "
                       f"declare the name in [tool.masking-reviewer.{CONFIG_KEY}]: "
                       f"{entry_toml(ext, '...')}, the table's name for \"...\" ({{class}}, "
                       "{class_lower} or {class_snake} in it for a name derived from the "
                       "class) and the columns as read from the package's source")
            return None
        if node.sqlmodel and declared_by is None:
            # SQLModel's own default __tablename__; an application base's declared_attr
            # replaces it (eigent's AbstractModel names tables in snake_case)
            return cls.name.lower()
        naming = self.config.table_naming
        if naming == "snake_case":
            return to_snake_case(cls.name)
        if naming == "flask-sqlalchemy":
            return flask_table_name(cls.name)
        if naming is not None:  # a template of the class name, checked by load_config
            name = self.class_template(node.path, naming, cls.name)
            if name is None:  # longer than any table name the reader accepts
                self.error(node.path, cls.line,
                           f"class {cls.name}: table-naming {naming!r} gives it no table name "
                           "the reviewer accepts; give the class a literal __tablename__")
            return name
        if declared_by is not None:
            where = declared_by.facts
            self.error(node.path, cls.line,
                       f"class {cls.name} takes its table name from the declared_attr "
                       f"{where.name}.__tablename__ ({declared_by.path}:{where.tablename_line}), "
                       "which the reviewer cannot evaluate from the source (it "
                       f"evaluates {_DECLARED_NAMES}); build the name from those, or give "
                       "the class a literal __tablename__"
                       + ("" if _reads_class(where.tablename_expr) else
                          "; when the declared_attr only converts the class name, set "
                          "table-naming in [tool.masking-reviewer] instead: \"snake_case\", "
                          "\"flask-sqlalchemy\", or a template of the class name such as "
                          "\"{class_snake}s\""))
            return None
        made = self._metaclass_note(node)
        if made:
            # a naming convention would be a guess: the metaclass may name it from anything
            self.error(node.path, cls.line,
                       f"class {cls.name} has no literal __tablename__, and {made}; give the "
                       "class and each of its subclasses a literal __tablename__")
            return None
        self.error(node.path, cls.line,
                   f"class {cls.name} has no literal __tablename__, so its table name is "
                   "computed at import time; set table-naming = \"snake_case\" or "
                   "\"flask-sqlalchemy\" in [tool.masking-reviewer], or give the class a "
                   "__tablename__")
        return None

    def _metaclass_note(self, node: ClassNode) -> str | None:
        """'its metaclass ResourceMeta (path:line), which masking-reviewer does not run, may
        set its table name and columns' when a repository class along the MRO names a
        metaclass of the repository (nextgisweb: ``class Resource(Base,
        metaclass=ResourceMeta)``, whose ``__new__`` sets ``__tablename__`` from the class's
        ``identity`` and adds an ``id`` column), else None."""
        for cls in self.mro(node):
            if cls.external is not None:
                continue
            found = self.resolver.named_metaclass(cls)
            if found is not None:
                where = f"{found.facts.name} ({found.path}:{found.facts.line})"
                whose = (f"its metaclass {where}" if cls is node
                         else f"{where}, the metaclass of {cls.facts.name}")
                return (f"{whose}, which masking-reviewer does not run, may set its table name "
                        "and columns")
        return None

"""Per-file extraction: what one Python file declares, read with libcst and never imported.

The facts are deliberately unresolved (callees and bases stay as written, e.g. ``mc`` or
``db.Column``): resolving them needs other files, which ``reviewer.resolution`` does. That
keeps one file's facts a pure function of its text and the configured labels, so they can be
cached by content hash as JSON.

Only libcst reads the code: the host interpreter's ``ast`` is never used, because its grammar
depends on the Python that runs the tool (PEP 695 parses on 3.12 and not on 3.11), and the
same repository must read the same under every supported Python.

This module reads the module level (imports, bindings, tables, loops, what is mapped after a
class statement) and holds the safety net (stray_columns); reviewer.class_body reads the class
statements, reviewer.nested_classes decides which class statements nested in a class body are
read, and reviewer.module_functions reads what a module-level function makes.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Sequence

import libcst as cst

from reviewer.bodies import (
    Assigned,
    Builds,
    FunctionMappings,
    FunctionTables,
    Returns,
    SpelledColumns,
    TypeCalls,
    assigned_counts,
    body_calls,
    closure_calls,
    column_spelled,
    method_name,
    nested_calls,
    returned_calls,
    uncast,
    unmemoised,
)
from reviewer.calls import COLUMN_WRAPPERS, Extractor
from reviewer.class_body import (
    TABLE_HOOKS,
    WRAPPING_VALUES,
    ClassReader,
    ModuleCallable,
    call_parts,
    is_type_checking,
    module_callables,
)
from reviewer.facts import (
    COLUMN_CALL,
    FLASK_EXT_PACKAGES,
    AliasFacts,
    AnnFacts,
    CallArg,
    CallFacts,
    ClassFacts,
    FactoryFacts,
    ImportFacts,
    LateFacts,
    MadeClass,
    ModuleCall,
    ModuleFacts,
    Stmt,
    StrExpr,
    TablenameKind,
    flask_ext,
    mentions_sqlalchemy,
)
from reviewer.module_functions import (
    base_problem,
    class_function,
    factory_function,
    metaclass_function,
    returned_call_args,
)
from reviewer.nested_classes import readable_nested
from reviewer.node_positions import Positions
from reviewer.py_versions import live_branch, version_names
from reviewer.source_text import decode_source, parse_module, pragmas, syntax_error
from reviewer.str_exprs import bind_call, bind_made, body_strings, str_expr, str_function
from reviewer.syntax import (
    block_body,
    blocks_of,
    dotted,
    expr_code,
    ident,
    literal_str,
    literal_strings,
    param_names,
    refs_in,
    statements,
)
from reviewer.view_functions import selectable_view

__all__ = [
    "AliasFacts", "AnnFacts", "CallFacts", "ClassFacts", "ImportFacts", "ModuleFacts", "Stmt",
    "TablenameKind", "mentions_sqlalchemy", "scan_source",
]


class _ModuleBuilder:
    def __init__(self, ex: Extractor, *, type_calls: bool,
                 callables: dict[str, ModuleCallable]) -> None:
        self.ex = ex
        self.imports: list[ImportFacts] = []
        self.classes: list[ClassFacts] = []
        self.standins: list[ClassFacts] = []  # class statements standing in for an import
        self.standin_imports: list[ImportFacts] = []  # and imports standing in for one
        self.functions: list[tuple[str, int, str | None]] = []
        self.expressions: list[tuple[str, tuple[str, ...]]] = []
        self.tables: list[CallFacts] = []
        self.aliases: list[AliasFacts] = []
        self.consts: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        self.instances: list[tuple[str, str]] = []
        self.errors: list[tuple[int, str]] = []
        self.names: list[str] = []
        self.late: list[LateFacts] = []
        self.factories: list[FactoryFacts] = []
        self.bindings: list[tuple[str, str]] = []
        self.instance_args: list[tuple[str, str, str]] = []
        self.exports: tuple[str, ...] | None = None
        self.str_consts: list[tuple[str, StrExpr]] = []
        self.str_funcs: list[tuple[str, tuple[str, ...], StrExpr]] = []
        self.rebound: list[str] = []
        self.chosen: list[tuple[str, int]] = []
        self.unpacked: list[tuple[str, int, str]] = []
        self.returns: list[tuple[str, tuple[str, ...]]] = []
        # module-level functions read as the Views recipe, by name: the def Python keeps
        self.views: dict[str, cst.FunctionDef] = {}
        self.made: list[MadeClass] = []
        self.returned: list[MadeClass] = []
        self.table_bindings: list[tuple[str, int]] = []
        self.defs: dict[str, cst.FunctionDef] = {}  # the module's functions, as far as read
        # ids of the nodes the facts hold, which the inventory reads or blocks on: the safety
        # net (stray_columns) leaves the column calls in them out
        self.consumed: set[int] = set()
        self.read_nested: set[int] = set()  # ids of the nested class statements read as classes
        self.type_checking = 0  # inside `if TYPE_CHECKING:` at module level: nothing there runs
        self.hoisted: set[int] = set()  # ids of the class statements of functions read as classes
        self.strays: list[tuple[int, str, str, str, str]] = []
        self.type_calls = type_calls  # does the text call type() at all (else skip the search)
        self.opaque_mappings: list[tuple[int, str, str, str]] = []
        self.module_calls: list[ModuleCall] = []
        self.class_reader = ClassReader(ex, self.errors, self.late, self.instances, callables,
                                        type_calls)

    def module_body(self, body: Sequence[cst.BaseStatement]) -> None:
        for stmt, small in statements(body):
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                self.import_(small)
            elif isinstance(small, cst.Expr) and (bound := public_bindings(small.value)):
                # atpublic's `public(Model=declarative_base())` binds Model in the module (and
                # exports it): mailman's models all derive from a base bound so
                self.exports = None
                for target, value in bound:
                    self.names.append(target)
                    self.module_binding(target, value)
                    if isinstance(value, cst.Call):
                        self.instances.append((target, dotted(value.func) or ""))
            elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)):
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and (
                    isinstance(small.value.func, cst.Name)
                ) and (run := self.defs.get(ident(small.value.func.value))) is not None:
                    self.run_globals(run)
                self.module_assign(small)
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and (
                    (dotted(small.value.func) or "").startswith("__all__.")
                ):
                    self.exports = None  # __all__.extend(...): no longer a known list
            elif isinstance(small, cst.AugAssign) and dotted(small.target) == "__all__":
                self.exports = None  # __all__ += ...
            elif isinstance(stmt, cst.ClassDef) and self.type_checking:
                # a class for the type checker only (onegov's `PayableBase(Base, Payable)`
                # in pay/types.py) is never defined, so SQLAlchemy maps nothing of it
                self.names.append(ident(stmt.name.value))
            elif isinstance(stmt, cst.ClassDef):
                name = ident(stmt.name.value)
                self.names.append(name)
                self.classes.append(self.class_reader.class_(stmt))
                for inner, node in readable_nested(stmt, name):
                    self.classes.append(dataclasses.replace(self.class_reader.class_(node),
                                                            name=inner))
                    self.read_nested.add(id(node))
            elif isinstance(stmt, cst.If) and (
                live := live_branch(stmt, self.ex.versions)
            ) is not None:
                self.module_body(live)  # if six.PY2: ... else: ...: what Python 3 runs
            elif isinstance(stmt, cst.If):
                # Imports and definitions under if/else (TYPE_CHECKING, other version checks).
                guarded = is_type_checking(stmt.test)
                self.type_checking += guarded
                self.module_body(block_body(stmt.body))
                self.type_checking -= guarded
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.module_body(block_body(orelse.body))
                elif isinstance(orelse, cst.If):
                    self.module_body([orelse])
            elif isinstance(stmt, (cst.Try, cst.TryStar)):
                self.module_try(stmt)
            elif isinstance(stmt, (cst.With, cst.Match)):
                for block in blocks_of(stmt):  # every block that may run, as for if/else
                    self.module_body(block)
            elif isinstance(stmt, cst.For):
                self.module_loop(stmt)
            elif isinstance(stmt, cst.While):
                self.opaque_loop(stmt)
            elif isinstance(stmt, cst.FunctionDef):
                self.names.append(ident(stmt.name.value))
                self.defs[ident(stmt.name.value)] = stmt
                self.nested_types(stmt)
                helper = str_function(stmt, versions=self.ex.versions)
                if helper is not None:
                    self.str_funcs.append((ident(stmt.name.value), *helper))
                # what a call returns, read from what a memoising function makes on a miss
                read = unmemoised(stmt)
                finder = Returns()
                read.body.visit(finder)
                counts = assigned_counts(read)
                made = returned_calls(read, finder.values, counts)
                if made:
                    self.returns.append((ident(stmt.name.value), made))
                    self.instance_args.extend(returned_call_args(read, finder.values))
                elif closure := closure_calls(read, finder.values):
                    # "f()": what calling what f returns returns (column_calls reads it)
                    self.returns.append((f"{ident(stmt.name.value)}()", closure))
                calls = body_calls(read, finder.values, counts)
                if calls is not None:
                    self.expressions.append((ident(stmt.name.value), calls))
                self.functions.append((ident(stmt.name.value), self.class_reader.first_line(stmt),
                                       base_problem(read, finder, self.ex.pos)))
                if (factory := factory_function(stmt, self.ex)) is not None:
                    self.factories.append(factory)
                if selectable_view(stmt):
                    self.views[ident(stmt.name.value)] = stmt
                else:  # a later def of the name is the one calls reach
                    self.views.pop(ident(stmt.name.value), None)
                # in this order: reading a class may record errors and late facts too
                for returned in (class_function(stmt, finder.values, self.class_reader),
                                 metaclass_function(stmt, self.class_reader)):
                    if returned is not None:
                        self.returned.append(returned)
                self.hoist_classes(stmt, finder)

    def count_uses(self, module: cst.Module) -> None:
        """How often the module names each class factory whose class a call can bind
        (MadeClass.bind), besides its def: the inventory reads the class at each call it can
        evaluate, and the class alone only when some use is not one of those."""
        names = {m.attribute for m in self.returned if m.bind}
        counter = _NameCounter(names)
        module.visit(counter)
        self.returned = [
            dataclasses.replace(m, uses=counter.counts[m.attribute] - counter.defs[m.attribute])
            if m.bind else m for m in self.returned]

    def module_try(self, stmt: cst.Try | cst.TryStar) -> None:
        """Every block that may run, as for if/else, except the stand-in an import fallback
        binds: after ``try: from flask_dance... import Mixin`` / ``except ImportError: Mixin =
        BaseException``, the import is what runs where the package is installed, so the
        handler's ``Mixin = ...`` must not hide it (the resolver prefers a binding)."""
        mark = len(self.imports)
        self.module_body(block_body(stmt.body))
        imported = {i.local for i in self.imports[mark:]}
        for handler in stmt.handlers:
            marks = (len(self.bindings), len(self.instances), len(self.consts),
                     len(self.classes), len(self.imports))
            self.module_body(block_body(handler.body))
            if imported and _catches_import_error(handler):
                self.bindings[marks[0]:] = [b for b in self.bindings[marks[0]:]
                                            if b[0] not in imported]
                self.instances[marks[1]:] = [b for b in self.instances[marks[1]:]
                                             if b[0] not in imported]
                self.consts[marks[2]:] = [b for b in self.consts[marks[2]:]
                                          if b[0] not in imported]
                # `class Mixin: pass` as the stand-in: the import is read too; the class is
                # kept apart, so that one declaring columns blocks (ColumnBuilder.standin)
                self.standins.extend(c for c in self.classes[marks[3]:] if c.name in imported)
                self.classes[marks[3]:] = [c for c in self.classes[marks[3]:]
                                           if c.name not in imported]
                # `from .compat import Mixin` as the stand-in: the same (a star import is not
                # a stand-in for one name, and stays one more place names come from)
                shadow = [i for i in self.imports[marks[4]:]
                          if i.local in imported and i.local != "*"]
                self.standin_imports.extend(shadow)
                self.imports[marks[4]:] = [i for i in self.imports[marks[4]:]
                                           if i not in shadow]
        for extra in (stmt.orelse, stmt.finalbody):
            if extra is not None:
                self.module_body(block_body(extra.body))

    def module_loop(self, stmt: cst.For) -> None:
        """``for entity in ("user", "group"): Table(f"{entity}_roles", ...)``: a loop over a
        literal tuple of strings is unrolled, its body read once per value with the loop
        variable (and the strings the body builds from it) put in place. Any other loop that
        builds tables or classes blocks."""
        values = literal_strings(stmt.iter)
        body = block_body(stmt.body)
        finder = Builds()
        stmt.body.visit(finder)
        if not finder.found:
            return  # builds nothing the inventory reads
        if values is None or not isinstance(stmt.target, cst.Name) or finder.classes or (
            finder.loops or stmt.asynchronous is not None
        ):
            self.opaque_loop(stmt, finder)
            return
        var = ident(stmt.target.value)
        counter = Assigned()
        stmt.body.visit(counter)
        for value in values:
            env = body_strings(body, None, counter.counts, {var: ("lit", value)})
            marks = (len(self.tables), len(self.late), len(self.made))
            self.module_body(body)
            self.tables[marks[0]:] = [bind_call(c, env) for c in self.tables[marks[0]:]]
            self.late[marks[1]:] = [
                dataclasses.replace(x, call=bind_call(x.call, env) if x.call else None)
                for x in self.late[marks[1]:]
            ]
            self.made[marks[2]:] = [bind_made(m, env) for m in self.made[marks[2]:]]

    def opaque_loop(self, stmt: cst.For | cst.While, finder: Builds | None = None) -> None:
        """A module-level loop the reader cannot unroll: what it builds would be lost, so it
        blocks at the loop's line if it builds tables, columns or classes."""
        if finder is None:
            finder = Builds()
            stmt.body.visit(finder)
        if not finder.found:
            return
        kind = "for" if isinstance(stmt, cst.For) else "while"
        self.consumed.add(id(stmt))  # it blocks: what it builds is accounted for
        self.errors.append((
            self.ex.pos.line(stmt),
            f"a {kind} loop at module level builds {finder.found[0]}, which masking-reviewer "
            "cannot read (it unrolls only `for name in (\"a\", \"b\"):` loops over literal "
            "strings, with no class statement or other loop in them); write the tables or "
            "classes out one by one, or loop over a literal tuple of strings",
        ))

    def class_imports(self) -> None:
        """``try: from app.influx import get_info`` in a class body, then ``info = get_info()``
        there: the name is resolved as if imported at module level (the resolver knows no
        class scope), unless the module binds it itself, which then wins outside the class."""
        bound = {*self.names, *(i.local for i in self.imports)}
        mark = len(self.imports)
        for small in self.class_reader.imports:
            self.import_(small)
        self.imports[mark:] = [i for i in self.imports[mark:]
                               if i.local not in bound and i.local != "*"]

    def stray_columns(self, body: Sequence[cst.BaseStatement], owner: str | None = None,
                      read: bool = True) -> None:
        """The safety net: every column-spelled call of the module is accounted for, so none
        can vanish without an MR007. Those the facts hold (a Table's arguments, a late
        mapping, an alias) are the inventory's; a class body's assignments are its class's
        (mapped, a mixin, or a Core Table the inventory reads); function bodies run later, if
        ever, and are left out knowingly, but for the Table(...) calls they build
        (function_tables, function_mappings). Any other is recorded as a stray. ``owner``: the
        class whose body this is; ``read``: whether the class reader reads that body (it
        reads a class nested in a class only as nested_classes.readable_nested allows)."""
        for stmt, small in statements(body):
            node = small if small is not None else stmt
            if isinstance(stmt, cst.FunctionDef) and id(stmt) not in self.consumed:
                self.function_classes(stmt, owner)
                continue
            if id(node) in self.consumed or id(stmt) in self.consumed:
                continue
            if isinstance(stmt, cst.ClassDef):
                name = ident(stmt.name.value)
                inner = name if owner is None else f"{owner}.{name}"
                self.stray_columns(block_body(stmt.body), inner,
                                   (read and owner is None) or id(stmt) in self.read_nested)
            elif isinstance(stmt, cst.If):
                self.stray_columns(block_body(stmt.body), owner, read)
                if isinstance(stmt.orelse, cst.Else):
                    self.stray_columns(block_body(stmt.orelse.body), owner, read)
                elif isinstance(stmt.orelse, cst.If):
                    self.stray_columns([stmt.orelse], owner, read)
            elif isinstance(stmt, (cst.Try, cst.TryStar, cst.With, cst.Match)):
                for block in blocks_of(stmt):
                    self.stray_columns(block, owner, read)
            elif isinstance(stmt, (cst.For, cst.While)):
                if owner is None or not read:  # a class body's loop blocks (class_body)
                    self.stray_columns(block_body(stmt.body), owner, read)
            elif small is not None and _discarded_column(small):
                continue
            elif small is not None and not (read and owner is not None and _class_reads(small)):
                finder = SpelledColumns(self.consumed)
                small.visit(finder)
                for call, outer, within in finder.found:
                    self.strays.append((self.ex.pos.line(call), dotted(call.func) or "",
                                        _stray_where(outer, owner, read), within, ""))

    def run_globals(self, function: cst.FunctionDef) -> None:
        """FlexMeasures' data/config.py binds ``db = None``, then calls ``init_db()`` at module
        level, whose ``global db, Base`` and ``db = SQLAlchemy(...)`` rebind them while the
        module is imported: the function's top-level assignments to its globals are read as
        the module's, after what it bound before the call."""
        top = list(statements(block_body(function.body)))
        declared = _globals(top)
        for _, small in top:
            if isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                small.targets[0].target, cst.Name
            ) and ident(small.targets[0].target.value) in declared:
                self.module_assign(small)

    def hoist_classes(self, function: cst.FunctionDef, returns: Returns) -> None:
        """deckhand's ``def __build_tables(...): global BASE; BASE = declarative_base();
        class Bucket(BASE, DeckhandBase): ...``: class statements of a module-level
        function's own body (not a block's), when the function returns none of them and
        every base they name is a module-level name, a global the function binds at its top
        level or a class hoisted before them, are read as the module's classes, with those
        global bindings: the classes SQLAlchemy maps when the function runs. Any other class
        statement in a function stays unread, and its column calls block (function_classes)."""
        # most functions define no class, and walking every one would cost a cold scan
        if not self.ex.pos.holds(function, cst.ClassDef) or _factory_classes(
            function, returns.values
        ):
            return  # a class factory's class: class_function reads it
        top = list(statements(block_body(function.body)))
        declared = _globals(top)
        local = set(param_names(function.params, starred=True))
        bound: list[cst.Assign] = []
        hoisted: list[cst.ClassDef] = []
        for stmt, small in top:
            if isinstance(small, cst.Assign):
                names = {ident(t.target.value) for t in small.targets
                         if isinstance(t.target, cst.Name)}
                if names & declared and len(small.targets) == 1:
                    bound.append(small)
                local |= names - declared
            elif isinstance(stmt, cst.ClassDef):
                name = ident(stmt.name.value)
                bases = [dotted(a.value) for a in stmt.bases]
                if any(b is None or b.split(".")[0] in local for b in bases) or not bases:
                    return
                hoisted.append(stmt)
                local.discard(name)
        if not hoisted:
            return
        for small in bound:
            self.module_assign(small)
        for stmt in hoisted:
            self.names.append(ident(stmt.name.value))
            self.classes.append(self.class_reader.class_(stmt))
            self.hoisted.add(id(stmt))

    def function_classes(self, function: cst.FunctionDef, owner: str | None = None) -> None:
        """Class statements in a function's body map when the function runs (deckhand's
        ``__build_tables`` defines every model there, on a base it makes there): their
        column calls are strays, so that none passes unread. The one class a module-level
        function defines and returns is a class factory's, which ``class_function`` reads; a
        method's is read by nothing (cabotage's continuum plugin builds its ``activity``
        table in ``ActivityFactory.create_class``), so its columns are strays too. ``owner``:
        the class whose method it is."""
        if not self.ex.pos.holds(function, cst.ClassDef):
            return
        finder = Returns()
        function.body.visit(finder)
        factory = set() if owner else _factory_classes(function, finder.values)
        classes = _ClassStatements()
        function.body.visit(classes)
        name = ident(function.name.value)
        kind, runs = ("method", f"{owner}.{name}") if owner else ("function", name)
        for cls, outer in classes.found:
            if factory & {id(cls), *outer} or self.hoisted & set(outer):
                continue
            if id(cls) in self.hoisted:  # read as a module's class: checked as one
                self.stray_columns(block_body(cls.body), ident(cls.name.value))
                continue
            where = (f"in the class {ident(cls.name.value)}, defined inside the {kind} "
                     f"{runs}(), where masking-reviewer does not read class statements "
                     f"(SQLAlchemy maps such a class only when the {kind} runs)")
            for _stmt, small in statements(block_body(cls.body)):
                if small is None:
                    continue
                spelled = SpelledColumns(self.consumed)
                small.visit(spelled)
                for call, enclosing, within in spelled.found:
                    if enclosing.rsplit(".", 1)[-1] == "Table":
                        continue  # a table the function builds: function_tables reads it
                    self.strays.append((self.ex.pos.line(call), dotted(call.func) or "",
                                        where, within, ""))

    def import_(self, small: cst.Import | cst.ImportFrom) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                full = flask_ext(dotted(alias.name) or "")
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports.append(ImportFacts(ident(alias.asname.name.value), full, None))
                else:
                    head = full.split(".")[0]
                    self.imports.append(ImportFacts(head, head, None,
                                                    dotted=full if full != head else ""))
            return
        module = flask_ext(dotted(small.module) or "") if small.module is not None else ""
        level = len(small.relative)
        if isinstance(small.names, cst.ImportStar):
            self.imports.append(ImportFacts("*", module or "", "*", level))
            return
        for alias in small.names:
            name = dotted(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = ident(alias.asname.name.value)
            if module in FLASK_EXT_PACKAGES and not level:  # `from flask.ext import sqlalchemy`
                self.imports.append(ImportFacts(local, flask_ext(f"{module}.{name}"), None))
                continue
            self.imports.append(ImportFacts(local, module or "", name, level))

    def module_assign(self, small: cst.Assign | cst.AnnAssign | cst.Expr) -> None:
        ex = self.ex
        target: str | None = None
        value: cst.BaseExpression | None = None
        if isinstance(small, cst.Assign):
            if len(small.targets) == 1:
                target = dotted(small.targets[0].target)
                value = uncast(small.value)
            elif dotted(small.value) is not None:
                # `Base = TimestampedBase = None` (Assembl's lib/sqla.py): each name is that
                # object. Only a name's value is shared so; a call's (a Table) is one object
                # the reader would otherwise count twice.
                for t in small.targets:
                    name = dotted(t.target)
                    if name is not None and "." not in name:
                        self.names.append(name)
                        self.module_binding(name, small.value)
            for t in small.targets:
                if isinstance(t.target, (cst.Tuple, cst.List)):
                    self.unpack(t.target, small)
        elif isinstance(small, cst.AnnAssign):
            target = dotted(small.target)
            value = uncast(small.value)
        else:
            value = small.value
        if target is not None and "." not in target:
            self.names.append(target)
        if value is None:
            return
        if target is not None and dotted(value) == target:
            return  # doorman's `relationship = relationship`: the name stays what it was
        if target is not None and "." not in target:
            if self.decorate(target, value):
                return
            if any(c.name == target for c in self.classes):
                # `class ModelBase: ...` then `ModelBase = declarative_base(cls=ModelBase)`
                self.rebound.append(target)
            self.module_binding(target, value)
            if isinstance(value, cst.IfExp):  # `_base = A if setting else B`
                self.chosen.append((target, ex.pos.line(small)))
        if isinstance(value, cst.Call):
            callee = dotted(value.func) or ""
            if target is not None and "." not in target:
                self.instances.append((target, callee))
                if column_spelled(value):
                    # SHARED = Column(...): a column object, which a class or Table given it
                    # blocks on (ClassReader.shared_column, ColumnBuilder.read_table)
                    self.consumed.add(id(value))
            self.late_mapping(small, target, value, callee)
            if callee and value.args:
                self.module_calls.append(ModuleCall(
                    ex.pos.line(value), target or "", callee,
                    tuple(_call_arg(a.value) for a in value.args
                          if a.keyword is None and not a.star),
                    tuple((a.keyword.value, _call_arg(a.value)) for a in value.args
                          if a.keyword is not None),
                    any(a.star for a in value.args)))
            positional = [a.value for a in value.args if a.keyword is None and not a.star]
            if callee.rsplit(".", 1)[-1] == "Table" or (
                # make_table("users", meta, Column(...)): maybe a Table under another name;
                # the inventory reads it as one, or blocks (unless a late mapping holds it)
                id(value) not in self.consumed and any(map(column_spelled, positional))
            ):
                self.tables.append(ex.call(value))
                self.consumed.update(id(a) for a in positional if isinstance(a, cst.Call))
                if target is not None and "." not in target:
                    self.table_bindings.append((target, self.tables[-1].line))
            if target is not None and "." not in target and callee.rsplit(".", 1)[-1] == "partial":
                self.partial_preset(target, value)
        elif target is not None and "." in target and type(value) in WRAPPING_VALUES:
            self.late_expr(small, target, value)
        alias = self.annotated_alias(target, value, small)
        if alias is not None:
            self.consumed.add(id(value))
            self.aliases.append(alias)
            return
        if target is not None and "." not in target:
            found = ex.labels_in(value, small)
            refs: tuple[str, ...] = ()
            if isinstance(value, (cst.Dict, cst.Name, cst.Attribute)) or (
                isinstance(value, cst.Call) and dotted(value.func) == "dict"
            ):
                refs = tuple(dict.fromkeys(refs_in(value)))
            if found or refs:
                self.consts.append((target, found, refs))

    def unpack(self, target: cst.Tuple | cst.List, small: cst.Assign) -> None:
        """``registry, engine, session, Base = init_db()``: names bound by unpacking."""
        callee = dotted(small.value.func) or "" if isinstance(small.value, cst.Call) else ""
        for element in target.elements:
            if isinstance(element.value, cst.Name):
                name = ident(element.value.value)
                self.names.append(name)
                self.unpacked.append((name, self.ex.pos.line(small), callee))

    def decorate(self, target: str, value: cst.BaseExpression) -> bool:
        """``Base = as_declarative(bind=engine)(Base)``: a decorator factory's result applied
        to a class of this module by hand, which is what an ``@as_declarative(...)`` line
        does (cms applies it outside TYPE_CHECKING, for pyright). The class keeps its name
        and gains the decorator. ``X = f(X)`` stays a rebinding: f may be a function of the
        repository that returns another class (``declarative_base(cls=X)`` inside it)."""
        if not (isinstance(value, cst.Call) and isinstance(value.func, cst.Call)
                and len(value.args) == 1):
            return False
        arg = value.args[0]
        decorator = dotted(value.func.func)
        if arg.keyword is not None or arg.star or dotted(arg.value) != target or not decorator:
            return False
        for i in reversed(range(len(self.classes))):
            cls = self.classes[i]
            if cls.name == target:
                self.classes[i] = dataclasses.replace(
                    cls, decorators=(decorator, *cls.decorators))
                return True
        return False

    def partial_preset(self, target: str, value: cst.Call) -> None:
        """``SecretColumn = partial(mapped_column, String(64), info=...)``."""
        positional = [a for a in value.args if a.keyword is None and not a.star]
        if not positional or any(a.star for a in value.args):
            return
        func = positional[0].value
        rest = [a for a in value.args if a is not positional[0]]
        call = self.ex.call(value.with_changes(func=func, args=rest))
        line = self.ex.pos.line(value)
        self.factories.append(FactoryFacts(
            target, line, dataclasses.replace(call, line=line, end_line=self.ex.pos.end_line(
                value)), True, True, False, False, False,
        ))

    def late_mapping(self, small: cst.BaseSmallStatement, target: str | None, value: cst.Call,
                     callee: str) -> None:
        """Columns attached after the class statement, and classes made by type(): the
        inventory reads them or blocks, never skips them."""
        pos = self.ex.pos
        line, end = pos.line(small), pos.end_line(small)
        if target is not None and "." in target:  # User.ssn = Column(...)
            self.consumed.add(id(value))
            owner, attr = target.rsplit(".", 1)
            self.late.append(LateFacts("attribute", line, end, owner, attr,
                                       *self.late_call(value, end)))
            return
        positional = [a.value for a in value.args if a.keyword is None and not a.star]
        if callee == "setattr" and len(positional) == 3:
            obj = dotted(positional[0])
            third = positional[2]
            if obj is not None and isinstance(third, cst.Call):
                self.consumed.add(id(value))
                self.late.append(LateFacts(
                    "setattr", line, end, obj, literal_str(positional[1]),
                    *self.late_call(third, end),
                ))
        elif callee == "type" and len(positional) == 3 and len(value.args) == 3 and isinstance(
            positional[1], (cst.Tuple, cst.List)
        ):
            bases = tuple(dotted(e.value) or "" for e in positional[1].elements)
            self.consumed.add(id(value))  # read as a class statement, or blocks
            made = self.class_reader.made_class(value, bases, None, {}, "")
            if made.problem is None:
                self.made.append(made)  # read like a class statement
                return
            name = literal_str(positional[0]) or ""
            self.late.append(LateFacts("type", line, end, name, bases=bases))

    def late_call(self, value: cst.Call, end: int
                  ) -> tuple[CallFacts, tuple[str, ...], CallFacts | None, tuple[str, ...]]:
        """LateFacts' call, bases, through and nested for a call assigned after the class, read
        as in a class body."""
        nested, inner = call_parts(value)
        if isinstance(inner, cst.Call):
            return self.ex.call(inner, end), (), self.ex.call(value, end), nested
        return self.ex.call(value, end), (), None, nested

    def late_expr(self, small: cst.BaseSmallStatement, target: str,
                  value: cst.BaseExpression) -> None:
        """``User.x = a if c else Column(...)``: blocks where a call in it may be a column."""
        nested = nested_calls(value)
        if nested:
            self.consumed.add(id(value))
            owner, attr = target.rsplit(".", 1)
            pos = self.ex.pos
            self.late.append(LateFacts("attribute", pos.line(small), pos.end_line(small), owner,
                                       attr, nested=nested, expr=WRAPPING_VALUES[type(value)]))

    def nested_types(self, stmt: cst.FunctionDef) -> None:
        """``type("X", (Event, db.Model), {...})`` inside a function or a declared_attr
        (one mapped class per subclass, made when the mapper runs): recorded like a module
        level type() so that it blocks rather than vanish."""
        if not self.type_calls:
            return
        finder = TypeCalls()
        stmt.body.visit(finder)
        for call, bases, _nested in finder.found:
            self.class_reader.late_type(call, bases)

    def function_mappings(self, module: cst.Module) -> None:
        """``map_imperatively(Server, Table("servers", meta, autoload_with=engine))`` inside a
        function or a method (a mapper setup that runs when it does): the table is recorded
        like a module-level one, so that it is read, or blocks when its columns cannot be seen
        (reflected); a table argument that is no Table(...) and no query is kept as opaque, for
        the inventory to block on when the call is SQLAlchemy's."""
        finder = FunctionMappings()
        module.visit(finder)
        self.tables.extend(self.ex.call(call) for call in finder.tables)
        code = self.ex.code
        self.opaque_mappings.extend(
            (self.ex.pos.line(call), dotted(call.func) or f"().{method_name(call.func)}",
             star + code(table), owner)
            for call, table, owner, star in finder.opaque)

    def function_tables(self, module: cst.Module) -> None:
        """Tables with columns written out in a function or method body (FunctionTables),
        recorded like module-level ones unless function_mappings has them already."""
        finder = FunctionTables(frozenset(map(id, self.views.values())))
        module.visit(finder)
        known = {(c.line, c.callee) for c in self.tables}
        for call in finder.tables:
            facts = self.ex.call(call)
            appended = finder.appended.get(id(call), ())
            if appended:  # t = Table(...); t.append_column(Column(...)): one more argument
                facts = dataclasses.replace(
                    facts, args=facts.args + tuple(self.ex.call(c) for c in appended))
            if (facts.line, facts.callee) not in known:
                self.tables.append(facts)
        for column, how, function, lands in finder.unplaced:
            callee = dotted(column.func) or ""
            owner = function.partition(".")[0] if "." in function else ""
            self.strays.append((
                self.ex.pos.line(column), callee,
                f"{how} in {function}(), which adds it at run time to a {lands} "
                "masking-reviewer cannot tell from the source", "",
                owner if callee.startswith("self.") else ""))

    def module_binding(self, target: str, value: cst.BaseExpression) -> None:
        """What the resolver follows through a module-level name: ``Base = db.Model``, the
        keyword arguments of ``Base = declarative_base(cls=Mixin)``, ``__all__``, and strings
        computed from constants (``TABLE = f"{PREFIX}users"``)."""
        name = dotted(value)
        if name is not None:
            self.bindings.append((target, name))
            return
        if target == "__all__":
            items = value.elements if isinstance(value, (cst.List, cst.Tuple)) else None
            names = [literal_str(e.value) for e in items or () if isinstance(e, cst.Element)]
            self.exports = (
                tuple(n for n in names if n is not None)
                if items is not None and None not in names else None
            )
            return
        if isinstance(value, cst.Call):
            for arg in value.args:
                kw = arg.keyword.value if arg.keyword is not None else None
                ref = dotted(arg.value)
                if kw == "model_classes" and ref is None:  # Gino(model_classes=(A, B))
                    ref = self.ex.code(arg.value)
                if kw is not None and ref is not None:
                    self.instance_args.append((target, kw, ref))
            if not value.args:
                return  # db = SQLAlchemy(): no string in it
        expr = str_expr(value)
        if expr is not None:
            self.str_consts.append((target, expr))

    def annotated_alias(
        self, target: str | None, value: cst.BaseExpression, small: cst.BaseSmallStatement
    ) -> AliasFacts | None:
        if target is None or not isinstance(value, cst.Subscript):
            return None
        wrapper = dotted(value.value) or ""
        if wrapper.rsplit(".", 1)[-1] != "Annotated" or len(value.slice) < 2:
            return None
        parts = [e.slice.value for e in value.slice if isinstance(e.slice, cst.Index)]
        inner, optional = self.ex.strip_optional(parts[0])
        call: CallFacts | None = None
        for part in parts[1:]:
            if isinstance(part, cst.Call):
                call = self.ex.call(part)
                break
        return AliasFacts(
            name=target,
            line=self.ex.pos.line(small),
            inner=inner if isinstance(inner, str) else expr_code(inner),
            optional=optional,
            call=call,
            labels=self.ex.labels_in(value, small),
        )


def public_bindings(value: cst.BaseExpression) -> list[tuple[str, cst.BaseExpression]]:
    """``public(Model=declarative_base(), VERSION=...)``: the names atpublic's ``public`` (or a
    project's own, as Mailman's ``mailman.public``) binds at module level, with their values;
    none for any other call, or one with a positional argument (``@public`` as a function)."""
    if not (isinstance(value, cst.Call) and value.args
            and (dotted(value.func) or "").rsplit(".", 1)[-1] == "public"
            and all(a.keyword is not None and not a.star for a in value.args)):
        return []
    return [(ident(a.keyword.value), a.value) for a in value.args if a.keyword is not None]


def _import_aliases(body: Sequence[cst.BaseStatement]) -> dict[str, str]:
    """Renaming imports at module level (under if/try/with/match too): local name -> what it
    stands for."""
    aliases: dict[str, str] = {}
    for stmt, small in statements(body):
        if isinstance(small, (cst.Import, cst.ImportFrom)) and not isinstance(
            small.names, cst.ImportStar
        ):
            module = dotted(small.module) if isinstance(small, cst.ImportFrom) and small.module \
                else None
            for alias in small.names:
                if alias.asname is None or not isinstance(alias.asname.name, cst.Name):
                    continue
                name = dotted(alias.name) or ""
                target = f"{module}.{name}" if module else name
                aliases[ident(alias.asname.name.value)] = flask_ext(target)
        elif isinstance(stmt, cst.If):
            aliases.update(_import_aliases(block_body(stmt.body)))
            orelse = stmt.orelse
            if isinstance(orelse, cst.Else):
                aliases.update(_import_aliases(block_body(orelse.body)))
            elif isinstance(orelse, cst.If):
                aliases.update(_import_aliases([orelse]))
        elif isinstance(stmt, (cst.Try, cst.TryStar, cst.With, cst.Match)):
            # every block the module body reads, so a renamed import there is read too
            for block in blocks_of(stmt):
                aliases.update(_import_aliases(block))
    return aliases


def _module_strings(body: Sequence[cst.BaseStatement]) -> set[str]:
    """Names bound to a string literal at module level (``NAME = "audit"``)."""
    found: set[str] = set()
    for _stmt, small in statements(body):
        if isinstance(small, cst.Assign) and literal_str(small.value) is not None:
            found.update(ident(t.target.value) for t in small.targets
                         if isinstance(t.target, cst.Name))
    return found


def scan_source(text: str, labels: Sequence[str]) -> ModuleFacts:
    """Extract one file's facts. Never raises for bad content: errors land in ``.errors``."""
    text, problem = decode_source(text)
    if problem is not None:
        return ModuleFacts(errors=(problem,))
    try:
        module = parse_module(text)
    except cst.ParserSyntaxError as exc:
        return ModuleFacts(errors=(syntax_error(text, exc),), pragmas=pragmas(text))
    except (RecursionError, ValueError, TypeError, MemoryError) as exc:
        return ModuleFacts(
            errors=((1, f"cannot parse: {type(exc).__name__}; simplify the file so it parses"),),
            pragmas=pragmas(text),
        )
    try:
        positions = Positions(module, text)
        strings = _module_strings(module.body)
        extractor = Extractor(positions, text, tuple(labels), strings)
        extractor.aliases = _import_aliases(module.body)
        extractor.versions = version_names(module.body)
        callables = (module_callables(module, positions)
                     if any(hook in text for hook in TABLE_HOOKS) else {})
        builder = _ModuleBuilder(extractor, type_calls="type(" in text,
                                 callables=callables)
        builder.module_body(module.body)
        if any(m.bind for m in builder.returned):
            builder.count_uses(module)
        if "map_imperatively" in text or "mapper(" in text:
            builder.function_mappings(module)
        if _INDENTED_TABLE.search(text) or _ATTRIBUTE_COLUMN.search(text) or (
            ".append_column(" in text or "setattr(" in text
        ):
            builder.function_tables(module)
        builder.class_imports()
        if "olumn" in text:
            builder.stray_columns(module.body)
    except (RecursionError, AttributeError, ValueError, TypeError, IndexError, KeyError) as exc:
        # A construct the extractor does not handle must block, never crash the whole gate.
        message = f"the reviewer could not read this file ({type(exc).__name__}: {exc}); "
        return ModuleFacts(errors=((1, message + "please report it"),), pragmas=pragmas(text))
    imports_sqlalchemy = any(
        (i.module or (i.name or "")).split(".")[0]
        in ("sqlalchemy", "flask_sqlalchemy", "sqlmodel", "gino")
        and i.level == 0
        for i in builder.imports
    )
    return ModuleFacts(
        imports=tuple(builder.imports),
        classes=tuple(builder.classes),
        tables=tuple(builder.tables),
        aliases=tuple(builder.aliases),
        table_bindings=tuple(builder.table_bindings),
        consts=tuple(builder.consts),
        instances=tuple(builder.instances),
        strings=tuple(sorted(strings)),
        pragmas=pragmas(text),
        errors=tuple(builder.errors),
        imports_sqlalchemy=imports_sqlalchemy,
        names=tuple(dict.fromkeys(builder.names)),
        bindings=tuple(builder.bindings),
        instance_args=tuple(builder.instance_args),
        exports=builder.exports,
        str_consts=tuple(builder.str_consts),
        str_funcs=tuple(builder.str_funcs),
        rebound=tuple(dict.fromkeys(builder.rebound)),
        chosen=tuple(builder.chosen),
        unpacked=tuple(builder.unpacked),
        returns=tuple(builder.returns),
        views=tuple(builder.views),
        late=tuple(builder.late),
        factories=tuple(builder.factories),
        made=tuple(builder.made),
        returned=tuple(builder.returned),
        standins=tuple(builder.standins),
        standin_imports=tuple(builder.standin_imports),
        functions=tuple(builder.functions),
        expressions=tuple(builder.expressions),
        strays=tuple(builder.strays),
        opaque_mappings=tuple(builder.opaque_mappings),
        module_calls=tuple(builder.module_calls),
    )


def _class_reads(small: cst.BaseSmallStatement) -> bool:
    """Does the class reader hold this class-body statement as a possible column (a call, or
    a value wrapping calls, bound to a name; an unpacking or chained assignment)?"""
    if isinstance(small, cst.Assign) and len(small.targets) != 1:
        return True
    if not isinstance(small, (cst.Assign, cst.AnnAssign)):
        return False
    target = small.targets[0].target if isinstance(small, cst.Assign) else small.target
    if isinstance(target, (cst.Tuple, cst.List)):
        return True
    return isinstance(target, cst.Name) and (
        small.value is None or isinstance(small.value, cst.Call)
        or type(small.value) in WRAPPING_VALUES)


def _discarded_column(small: cst.BaseSmallStatement) -> bool:
    """A statement that only builds a column, or wraps one in deferred(...) or
    column_property(...), and keeps nothing (CodeGra.de's ``orm.deferred(db.Column('comment',
    ...))`` under Work's assigned ``comment``): Python drops the value, and no table gets it."""
    if not isinstance(small, cst.Expr) or not isinstance(small.value, cst.Call):
        return False
    call = small.value
    while ((dotted(call.func) or "").rsplit(".", 1)[-1] in COLUMN_WRAPPERS and call.args
           and isinstance(call.args[0].value, cst.Call)):
        call = call.args[0].value
    return COLUMN_CALL.fullmatch(dotted(call.func) or "") is not None


def _stray_where(outer: str, owner: str | None, read: bool) -> str:
    """Where a stray column call is, for the MR007."""
    inside = f"inside {outer}(...) " if outer else ""
    if owner is None:
        return (f"{inside}at module level, where masking-reviewer does not read it as any "
                "table's column" if outer else
                "at module level, outside any Table(...) or class masking-reviewer reads")
    if not read:
        return (f"{inside}in the class {owner}, which is nested in a class body, where "
                "masking-reviewer reads a class only when its __tablename__ is a string "
                "literal and its bases name nothing that body binds")
    return (f"{inside}in a statement of the body of class {owner} that masking-reviewer does "
            "not read as a column declaration")


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception",
                            "BaseException"})


# a Table( call on an indented line: what FunctionTables looks for (and class bodies' tables)
_INDENTED_TABLE = re.compile(r"^[ \t]+.*\bTable\(", re.MULTILINE)
# `cls.enabled = Column(...)` in a function: a column set on a class at run time
_ATTRIBUTE_COLUMN = re.compile(r"^[ \t]+[\w.]*\w\.\w+[ \t]*=[ \t]*[\w.]*olumn\(", re.MULTILINE)


def _globals(top: Sequence[tuple[cst.BaseStatement, cst.BaseSmallStatement | None]]
             ) -> set[str]:
    """The names a function's top-level ``global`` statements declare (``statements`` of its
    body): what its assignments to them bind in the module."""
    return {ident(n.name.value) for _, small in top if isinstance(small, cst.Global)
            for n in small.names}


def _factory_classes(function: cst.FunctionDef,
                     returns: Sequence[cst.BaseExpression | None]) -> set[int]:
    """The ids of the class statements of a function's own body that it returns by name: a
    class factory's class, which module_functions.class_function reads."""
    returned = {ident(v.value) for v in returns if isinstance(v, cst.Name)}
    return {id(s) for s, _ in statements(block_body(function.body))
            if isinstance(s, cst.ClassDef) and ident(s.name.value) in returned}


class _ClassStatements(cst.CSTVisitor):
    """Every class statement in a function's body, at any depth (nested functions and
    classes too), each with the ids of the class statements around it."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.ClassDef, tuple[int, ...]]] = []
        self.outer: list[int] = []

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.found.append((node, tuple(self.outer)))
        self.outer.append(id(node))
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.outer.pop()


class _NameCounter(cst.CSTVisitor):
    def __init__(self, names: set[str]) -> None:
        self.names = names
        self.counts = dict.fromkeys(names, 0)
        self.defs = dict.fromkeys(names, 0)

    def visit_Name(self, node: cst.Name) -> None:
        if node.value in self.names:
            self.counts[node.value] += 1

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        if node.name.value in self.names:
            self.defs[node.name.value] += 1


def _catches_import_error(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """``except ImportError:`` (or a tuple naming it, a broader class, or a bare except)."""
    if handler.type is None:
        return True
    kinds = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) \
        else [handler.type]
    names = [dotted(k) or "" for k in kinds]
    return any(n.rsplit(".", 1)[-1] in _IMPORT_ERRORS for n in names)


def _call_arg(node: cst.BaseExpression) -> CallArg:
    """An argument as written (facts.ModuleCall). A list or tuple of names and calls is kept
    as its items, a call as its callee with ``()``: ``plugins=[FlaskPlugin(), tracker]`` is
    ``("items", "FlaskPlugin() tracker")``."""
    text = literal_str(node)
    if text is not None:
        return ("str", text)
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return ("bool", node.value)
    name = dotted(node)
    if name is not None:
        return ("name", name)
    if isinstance(node, (cst.List, cst.Tuple)):
        items = [_item(e.value) if isinstance(e, cst.Element) else None for e in node.elements]
        if None not in items:
            return ("items", " ".join(i for i in items if i is not None))
    return ("other", "")


def _item(node: cst.BaseExpression) -> str | None:
    """A list item as _call_arg keeps it: a dotted name, or a call's callee with ``()``."""
    if isinstance(node, cst.Call):
        callee = dotted(node.func)
        return f"{callee}()" if callee is not None else None
    return dotted(node)

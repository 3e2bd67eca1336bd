"""What one class statement declares, as ``ClassFacts``: its columns (assigned, annotated,
declared_attr), ``__tablename__`` and ``__table__``, ``__versioned__``, the classes ``type()``
makes in its methods (templates read once per mapped subclass), the tables its mapping-time
hooks may make, and the attributes its methods write encrypted. A ``type(name, bases, ns)``
call is read here too, as the class statement it stands for."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from reviewer.bodies import (
    SEALING,
    Builds,
    Returns,
    SealedWrites,
    SelfAttrs,
    SelfCalls,
    TypeCalls,
    column_spelled,
    injected_bases,
    nested_calls,
    returns_plain_value,
)
from reviewer.calls import COLUMN_FACTORIES, NON_TYPE_ARGS, Extractor
from reviewer.facts import (
    COLUMN_CALL,
    RELATIONSHIP_CALLEES,
    SELF_BASE,
    AnnFacts,
    CallFacts,
    ClassFacts,
    ColRef,
    LateFacts,
    MadeClass,
    Stmt,
    StrExpr,
    TablenameKind,
    VersionedFacts,
)
from reviewer.node_positions import Positions
from reviewer.py_versions import live_body, live_branch
from reviewer.str_exprs import (
    bind_locals,
    class_strings,
    local_strings,
    str_expr,
    str_function,
    surely_str,
)
from reviewer.syntax import (
    block_body,
    blocks_of,
    cast_value,
    dotted,
    expr_code,
    ident,
    literal_bool,
    literal_str,
    literal_strings,
    param_names,
    refs_in,
    statements,
    uncall,
)


class ClassReader:
    """Reads class statements, and the classes ``type()`` calls make, as ClassFacts. What a
    class cannot show goes to the module's own lists, in source order with the module's
    entries: ``errors`` (MR007) and ``late`` (a ``type()`` call that blocks when its bases are
    mapped); ``instances`` are the module's ``name = call(...)`` bindings read so far, which
    tell a class attribute bound to a column object built at module level."""

    def __init__(self, ex: Extractor, errors: list[tuple[int, str]], late: list[LateFacts],
                 instances: list[tuple[str, str]], callables: dict[str, ModuleCallable],
                 type_calls: bool) -> None:
        self.ex = ex
        self.errors = errors
        self.late = late
        self.instances = instances
        # module-level functions, for the mapping-time hooks of classes (filled only when the
        # text names a hook): name -> (the names it calls, what it builds and where, or None)
        self.callables = callables
        self.type_calls = type_calls  # does the text call type() at all (else skip the search)
        # imports in class bodies: the names they bind are what the body's calls name (the
        # scanner keeps those no module-level binding shadows, as module imports)
        self.imports: list[cst.Import | cst.ImportFrom] = []

    def class_(self, node: cst.ClassDef) -> ClassFacts:
        bases = tuple(_base_name(a.value) for a in node.bases if a.keyword is None)
        type_args = tuple(_type_args(a.value) for a in node.bases if a.keyword is None)
        state = _ClassState(helpers=_helpers(block_body(node.body)),
                            methods=_methods(block_body(node.body)), owner=node.name.value)
        # a class body's names are its own: neither an enclosing class's nor a nested one's
        outer, self.ex.class_aliases = self.ex.class_aliases, {}
        try:
            self.class_body(block_body(node.body), state, type_checking=False)
        finally:
            self.ex.class_aliases = outer
        # Under `if TYPE_CHECKING: ... else: ...` only the else branch runs: keep one per name.
        chosen: dict[str, Stmt] = {}
        for stmt in state.stmts:
            prev = chosen.get(stmt.attribute)
            if prev is None or (prev.type_checking and not stmt.type_checking):
                labels = prev.labels if prev is not None else ()
                chosen[stmt.attribute] = _with_labels(stmt, self.ex.labels, labels)
            elif stmt.type_checking or prev.type_checking:
                chosen[stmt.attribute] = _with_labels(prev, self.ex.labels, stmt.labels)
            elif stmt.conditional:
                # the branch may not run, so the earlier binding may be the one mapped
                earlier = (*prev.alternatives, dataclasses.replace(prev, alternatives=()))
                chosen[stmt.attribute] = dataclasses.replace(stmt, alternatives=earlier)
            else:
                if stmt.call is not None and stmt.call.callee.startswith(f"{stmt.attribute}."):
                    # `x = x.with_variant(...)`: a method of what x was; keep what made that
                    receiver = prev.receiver or (
                        prev.call.callee if prev.call is not None else None)
                    stmt = dataclasses.replace(stmt, receiver=receiver)
                chosen[stmt.attribute] = stmt  # a later plain assignment wins, as at runtime
        for name, line, branch in state.rebound:
            prev = chosen.get(name)
            if prev is not None and not prev.type_checking and prev.line < line and not branch:
                # zeeguu: `correct = db.Column(...)`, then `@property def correct(self)`: the
                # class binds the property, and SQLAlchemy never sees the column. A method in
                # a branch that may not run leaves the column possible (fail closed).
                del chosen[name]
        refs: dict[str, ColRef] = {}
        for ref in state.col_refs:
            refs.pop(ref.attribute, None)
            refs[ref.attribute] = ref
        for attribute, ref in list(refs.items()):  # whichever binding runs last wins
            if attribute in chosen and chosen[attribute].line >= ref.line:
                del refs[attribute]
            elif attribute in chosen and not chosen[attribute].type_checking:
                del chosen[attribute]
        made = list(state.made)
        for method, template, call, made_bases in state.pending:
            caller = state.callers.get(method)
            if caller is None:  # a classmethod no declared_attr calls: when it runs is unknown
                self.late_type(call, made_bases)
            else:
                made.append(dataclasses.replace(template, attribute=caller))
        str_attrs, str_methods = class_strings(block_body(node.body), state.names,
                                               self.ex.versions)
        return ClassFacts(
            type_args=type_args if any(type_args) else (),
            flags=tuple(state.flags),
            value_helpers=tuple(state.value_helpers),
            subclass_tablenames=tuple(state.subclass_tablenames),
            str_attrs=str_attrs,
            str_methods=str_methods,
            sealed_writes=tuple(state.sealed),
            self_attrs=tuple(state.self_attrs),
            made=tuple(made),
            decorators=tuple(dotted(uncall(d.decorator)) or "" for d in node.decorators),
            tablename_expr=state.tablename_expr,
            name=ident(node.name.value),
            line=self.first_line(node),
            bases=bases,
            stmts=tuple(chosen.values()),
            col_refs=tuple(refs.values()),
            names=tuple(dict.fromkeys(state.names)),
            tablename=state.tablename,
            tablename_kind=state.tablename_kind,
            tablename_line=state.tablename_line,
            abstract=state.abstract,
            table=state.table,
            table_line=state.table_line,
            table_error=state.table_error,
            table_query=state.table_query,
            table_ref=state.table_ref,
            versioned=state.versioned,
            table_hooks=tuple(state.table_hooks),
            injects=state.injects,
            keywords=tuple(
                (a.keyword.value, expr_code(a.value)) for a in node.keywords
                if a.keyword is not None
            ),
        )

    def first_line(self, node: cst.ClassDef | cst.FunctionDef) -> int:
        return self.ex.pos.line(node.decorators[0] if node.decorators else node)

    def class_body(
        self, body: Sequence[cst.BaseStatement], state: _ClassState, *, type_checking: bool
    ) -> None:
        ex = self.ex
        declared = -1  # state.stmts' length after the previous statement declared a column
        for stmt, small in statements(body):
            if (isinstance(small, cst.Expr) and declared == len(state.stmts)
                    and (text := literal_str(small.value)) is not None):
                # a string right after the column documents it (Sphinx attribute docstrings:
                # invenio-accounts' sid_s """Serialized Session ID. ...""")
                _document(state, text)
            declared = -1
            if isinstance(stmt, cst.If) and (live := live_branch(stmt, ex.versions)) is not None:
                self.class_body(live, state, type_checking=type_checking)  # what Python 3 runs
                continue
            if isinstance(stmt, cst.If):
                guarded = is_type_checking(stmt.test)
                start, rebound = len(state.stmts), len(state.rebound)
                self.class_body(
                    block_body(stmt.body), state, type_checking=guarded or type_checking
                )
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.class_body(block_body(orelse.body), state, type_checking=type_checking)
                elif isinstance(orelse, cst.If):
                    self.class_body([orelse], state, type_checking=type_checking)
                if not guarded:  # either branch may be the one that runs
                    state.stmts[start:] = [dataclasses.replace(s, conditional=True)
                                           for s in state.stmts[start:]]
                    _in_branch(state.rebound, rebound)
                continue
            if isinstance(stmt, (cst.Try, cst.TryStar, cst.With)):
                # every block that may run is read, as for if/else
                rebound = len(state.rebound)
                for block in blocks_of(stmt):
                    self.class_body(block, state, type_checking=type_checking)
                _in_branch(state.rebound, rebound)  # the block may stop before the method
                continue
            if isinstance(stmt, (cst.For, cst.While)):
                finder = Builds(COLUMN_FACTORIES)
                stmt.body.visit(finder)
                if finder.found and not type_checking:
                    kind = "for" if isinstance(stmt, cst.For) else "while"
                    self.errors.append((
                        ex.pos.line(stmt),
                        f"a {kind} loop in a class body builds {finder.found[0]}, which "
                        "masking-reviewer cannot read, so a labelled column would pass "
                        "unchecked; declare each column in the class body",
                    ))
                continue
            if isinstance(stmt, cst.FunctionDef):
                self.function(stmt, state, type_checking)
                continue
            if isinstance(stmt, cst.ClassDef):
                if not type_checking:
                    state.names.append(ident(stmt.name.value))
                    state.rebound.append((ident(stmt.name.value), self.first_line(stmt), False))
                continue
            target: cst.BaseExpression | None = None
            value: cst.BaseExpression | None = None
            ann: cst.Annotation | None = None
            if isinstance(small, cst.Assign):
                if len(small.targets) != 1:
                    for t in small.targets:
                        name = dotted(t.target)
                        if name and not type_checking:
                            state.names.append(name)
                    if not type_checking and any(
                            dotted(t.target) == "__tablename__" for t in small.targets):
                        # eNMS: `__tablename__ = type = class_type = "credential"`
                        _tablename(state, small.value, ex.pos.line(small), _body_str)
                    self.unpacked(small, small.value, state, "a chained assignment",
                                  type_checking)
                    continue
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign):
                target, value, ann = small.target, small.value, small.annotation
            else:
                if isinstance(small, (cst.Import, cst.ImportFrom)) and not type_checking:
                    self.imports.append(small)
                continue
            if not isinstance(target, cst.Name):
                if isinstance(target, (cst.Tuple, cst.List)) and value is not None:
                    self.unpacked(small, value, state, "an unpacking assignment", type_checking)
                continue
            attr = ident(target.value)
            if attr.startswith("__") and not attr.endswith("__") and state.owner.strip("_"):
                # Python mangles a private name, and declarative maps it so mangled:
                # CodeGra.de's Permission.__name is the column `name` of _Permission__name
                attr = f"_{state.owner.lstrip('_')}{attr}"
            # `id: int` alone binds nothing (abilian's BaseMixin above IdMixin's Column), so
            # it hides no column of a base; `id: Mapped[int]` alone is a column
            binds = value is not None or ann is None or ex.annotation(ann.annotation) is not None
            if not type_checking and binds:  # an `if TYPE_CHECKING:` body never runs
                state.names.append(attr)
                alias = dotted(value) if isinstance(value, (cst.Name, cst.Attribute)) else None
                if alias is not None and ann is None:
                    ex.class_aliases[attr] = ex.unalias(alias)
                else:
                    ex.class_aliases.pop(attr, None)
                if attr in TABLE_HOOKS and value is not None:
                    self.table_hook(attr, ex.pos.line(small), value, state)
            line, end_line = ex.pos.line(small), ex.pos.end_line(small)
            if attr == "__tablename__":
                if value is not None:  # `__tablename__: str` alone names nothing (abilian-sbe)
                    _tablename(state, value, line, _body_str)
                continue
            if attr == "__abstract__":
                state.abstract = value is not None and literal_bool(value) is True
                continue
            if attr == "__versioned__" and value is not None and not type_checking:
                state.versioned = _versioned(value, line)
                continue
            if attr == "__table__" and value is None:
                continue  # `__table__: ClassVar[sa.Table]`: a type declaration, not a table
            if attr == "__table__":
                state.table_line = line
                if isinstance(value, cst.Call) and (dotted(value.func) or "").endswith("Table"):
                    state.table = ex.call(value, end_line)
                elif (query := _query_root(value)) is not None:
                    state.table_query = query
                elif isinstance(value, (cst.Name, cst.Attribute)) and dotted(value):
                    state.table_ref = dotted(value)  # a Table(...) bound elsewhere
                else:
                    state.table_error = True
                continue
            if attr.startswith("__"):
                flag = literal_bool(value) if value is not None else None
                if attr.endswith("__") and flag is not None and not type_checking:
                    state.flags.append((attr, flag))  # __uuid_primary_key__ = True
                continue
            annotation = ex.annotation(ann.annotation) if ann is not None else None
            if annotation is None and ann is not None:
                # `email: str = Field(...)`: a field of SQLModel (pydantic) models
                annotation = ex.plain_annotation(ann.annotation)
            if value is None and annotation is None:
                continue
            if isinstance(value, cst.Name) and value.value == "None" and (
                    annotation is not None and annotation.wrapper):
                # `created_at: Mapped[Optional[datetime]] = None` is a column: declarative
                # reads a None value as no value at all (evidently's projects table). Any
                # other plain value (`= "x"`) leaves the attribute unmapped, as before.
                value = None
            through: CallFacts | None = None
            nested: tuple[str, ...] = ()
            expr: str | None = None
            if isinstance(value, cst.Call) and _called(value, "declared_attr") and (
                    not type_checking):
                if self.declared_attr_call(attr, value, state, line, end_line, annotation):
                    declared = len(state.stmts)
                continue
            if isinstance(value, cst.Call):
                nested, inner = call_parts(value)
                if isinstance(inner, cst.Call):
                    through, value = ex.call(value, end_line), inner
                elif inner is not None:
                    self.shared_column(attr, inner, line)  # cast(T, SHARED_COLUMN)
            elif value is not None and type(value) in WRAPPING_VALUES:
                nested = nested_calls(value)
                expr = WRAPPING_VALUES[type(value)] if nested else None
            call = ex.call(value, end_line) if isinstance(value, cst.Call) else None
            if isinstance(value, cst.Attribute) and not type_checking and (
                (ref := dotted(value)) is not None
            ):
                state.col_refs.append(ColRef(attr, ref, line, end_line, annotation))
            if value is not None and call is None:
                self.shared_column(attr, value, line)
                if (annotation is None or annotation.wrapper) and expr is None:
                    continue  # a plain `is_active: bool = True` is still a SQLModel field
            labels = _merge_labels(
                ex.labels, call.labels if call else (), ex.labels_in(ann, small)
            )
            lone = None
            if call is not None and isinstance(value, cst.Call) and len(value.args) == 1 and (
                value.args[0].keyword is None and not value.args[0].star
                and not isinstance(value.args[0].value, cst.Call)
                and not COLUMN_CALL.fullmatch(call.callee)
            ):
                lone = str_expr(value.args[0].value)  # make_label(__tablename__)
            state.stmts.append(
                Stmt(attr, line, end_line, annotation, call, (), labels, type_checking,
                     through, nested, expr, lone_arg=lone)
            )
            declared = len(state.stmts)

    def unpacked(self, small: cst.Assign | cst.AnnAssign, value: cst.BaseExpression,
                 state: _ClassState, what: str, type_checking: bool) -> None:
        """``a, b = Column(...), Column(...)`` or ``a = b = Column(...)``: SQLAlchemy maps what
        the names end up bound to, which the inventory does not work out; a call in the value
        that may build a column blocks there (Stmt.expr), anything else is no column."""
        calls = ((dotted(value.func) or "",) if isinstance(value, cst.Call) else ())
        nested = tuple(dict.fromkeys((*calls, *nested_calls(value))))
        targets = ([t.target for t in small.targets] if isinstance(small, cst.Assign)
                   else [small.target])
        names = [n for t in targets for n in _target_names(t)]
        if nested and names:
            pos = self.ex.pos
            state.stmts.append(Stmt(names[0], pos.line(small), pos.end_line(small),
                                    type_checking=type_checking, nested=nested, expr=what))

    def shared_column(self, attr: str, value: cst.BaseExpression, line: int) -> None:
        """``token = SHARED_COLUMN``: a column object built elsewhere cannot be read here, and
        skipping it would let a labelled column pass unchecked."""
        name = dotted(value)
        callee = dict(self.instances).get(name or "")
        if callee is None or callee.rsplit(".", 1)[-1] not in COLUMN_FACTORIES:
            return
        self.errors.append((
            line,
            f"{attr} is assigned the column object {name} built at module level, which "
            "masking-reviewer cannot read as this class's column; declare it inline with "
            "mapped_column(...) or Column(...)",
        ))

    def declared_attr_call(self, attr: str, value: cst.Call, state: _ClassState, line: int,
                           end_line: int, annotation: AnnFacts | None) -> bool:
        """``_title = declared_attr(__title)``, the decorator called on a function of the body
        (funnel's FrozenAttributionMixin, which then deletes the name): SQLAlchemy maps what
        the function returns for each class, so it is read as ``@declared_attr def _title``
        would be when the function is a classmethod or staticmethod returning one call;
        anything else blocks. True when a statement was recorded."""
        args = value.args
        target = dotted(args[0].value) if len(args) == 1 and not args[0].keyword and (
            not args[0].star) else None
        ret = state.helpers.get(target or "")
        if ret is None:
            shown = f"declared_attr({target})" if target else "declared_attr(...)"
            self.errors.append((
                line,
                f"{attr} = {shown}: SQLAlchemy maps what the function returns, which "
                "masking-reviewer cannot read (it reads a classmethod or staticmethod of the "
                "class body that returns one call), so a labelled column would pass "
                "unchecked; decorate a method with @declared_attr instead",
            ))
            return False
        call, through, nested = self.returned_call(ret, end_line)
        state.stmts.append(Stmt(
            attr, line, end_line, annotation, call, (dotted(value.func) or "",),
            _merge_labels(self.ex.labels, call.labels, self.ex.labels_in(value, value)),
            False, through, nested))
        return True

    def returned_call(self, ret: cst.Call, end_line: int
                      ) -> tuple[CallFacts, CallFacts | None, tuple[str, ...]]:
        """What a declared_attr's function returns, as a statement's call: the call itself,
        or the value inside ``cast(T, ...)``/``wrapper(Column(...))`` with the wrapper kept as
        ``through`` (call_parts); and the callees nested in it."""
        nested, inner = call_parts(ret)
        if isinstance(inner, cst.Call):
            return self.ex.call(inner, end_line), self.ex.call(ret, end_line), nested
        return self.ex.call(ret, end_line), None, nested

    def function(self, stmt: cst.FunctionDef, state: _ClassState, type_checking: bool) -> None:
        ex = self.ex
        attr = ident(stmt.name.value)
        decorators = tuple(dotted(uncall(d.decorator)) or "" for d in stmt.decorators)
        tails = {d.split(".")[-1] for d in decorators}
        declared = bool(tails & DECLARED)
        if not type_checking:  # under TYPE_CHECKING the class never binds it
            state.names.append(attr)
            if attr == "__init_subclass__" and stmt.params.params:
                self.subclass_tablenames(stmt.body, ident(stmt.params.params[0].name.value),
                                         (), state)
            if attr in TABLE_HOOKS:
                self.table_hook(attr, self.first_line(stmt), stmt, state)
            if attr == "__new__":
                state.injects = injected_bases(stmt)
            self.class_types(stmt, state, attr, declared, "classmethod" in tails)
            if self.ex.any_sealing and SEALING.search(ex.pos.text(stmt)):
                self.sealed_writes(stmt, state, decorators)
            if self.ex.any_self_made:
                self.self_attrs(stmt, state, decorators)
        if not declared:
            if not type_checking:
                if not decorators and returns_plain_value(stmt):
                    state.value_helpers.append(attr)
                before = len(state.stmts)
                self.decorator_column(stmt, state, attr, decorators)
                if len(state.stmts) == before:
                    state.rebound.append((attr, self.first_line(stmt), False))
            return
        first = self.first_line(stmt)
        if attr == "__tablename__":
            state.tablename_kind = "declared"
            state.tablename_line = first
            helper = str_function(stmt, self_param=True, versions=ex.versions)
            state.tablename_expr = helper[1] if helper is not None else None
            return
        returned = str_function(stmt, self_param=True, versions=ex.versions)
        if returned is not None and surely_str(returned[1]):
            # a string is no column: SQLAlchemy sets it on the class (yubiauth's
            # AttributeHolder._discriminator returns cls.__name__.lower())
            return
        finder = Returns()
        stmt.body.visit(finder)
        values = [v for v in finder.values if v is not None]
        calls = [v for v in values if isinstance(v, cst.Call)]
        annotation = ex.annotation(stmt.returns.annotation) if stmt.returns else None
        end_line = ex.pos.end_line(stmt)
        if not calls or len(calls) < len(values) or (len(calls) > 1 and not _same_columns(
            [ex.call(c) for c in calls]
        ) and not all(
            (dotted(c.func) or "").rsplit(".", 1)[-1] in RELATIONSHIP_CALLEES for c in calls
        )):
            # `return Column(A) if c else None`, or branches returning different things: the
            # column SQLAlchemy gets depends on the class, which the inventory does not work out
            # (a container is never a column: `__table_args__` returns tuples; nor is any of
            # several relationships: lingvodoc's ParentMixin.parent sets remote_side only when
            # the parent is the class itself)
            nested = tuple(dict.fromkeys(
                n for v in values for n in (
                    (dotted(v.func) or "", *nested_calls(v)) if isinstance(v, cst.Call)
                    else nested_calls(v) if type(v) in WRAPPING_VALUES else ()
                )
            ))
            if nested and not attr.startswith("__"):
                state.stmts.append(Stmt(
                    attr, first, end_line, annotation, None, decorators, (), type_checking,
                    nested=nested, expr="a declared_attr returning "
                    + ("one of several values" if len(values) > 1 else "an expression")))
            return
        ret = calls[-1]
        via = _helper_called(ret, stmt, state.helpers)
        if via is not None:
            ret = state.helpers[via]  # SQLAlchemy maps what the helper returns
        call, through, nested = self.returned_call(ret, end_line)
        labels = _merge_labels(ex.labels, call.labels, ex.labels_in(stmt.returns, stmt))
        state.stmts.append(
            Stmt(attr, first, end_line, annotation, call, decorators, labels, type_checking,
                 through, nested, via=via)
        )

    def decorator_column(self, stmt: cst.FunctionDef, state: _ClassState, attr: str,
                         decorators: tuple[str, ...]) -> None:
        """``@aggregated('followers', Column(Integer))``: a decorator given a column that
        SQLAlchemy maps under the method's name (SQLAlchemy-Utils' aggregated is a declared_attr
        returning it). Read as that column wrapped in the decorator's call, so it stands when
        the decorator is declared to return what it is given, and blocks otherwise."""
        for decorator in stmt.decorators:
            wrapper = decorator.decorator
            if not isinstance(wrapper, cst.Call):
                continue
            given = [a.value for a in wrapper.args if column_spelled(a.value)]
            if given and isinstance(given[-1], cst.Call):
                end_line = self.ex.pos.end_line(stmt)
                state.stmts.append(Stmt(
                    attr, self.first_line(stmt), end_line, None,
                    self.ex.call(given[-1], end_line), decorators,
                    self.ex.labels_in(decorator, stmt), False, self.ex.call(wrapper, end_line)))
                return

    def subclass_tablenames(self, body: cst.BaseSuite, cls: str, guards: tuple[str, ...],
                            state: _ClassState) -> None:
        """``cls.__tablename__ = ...`` in ``__init_subclass__``, with the ``hasattr(cls, ...)``
        tests it runs under ("?" for any other condition or loop)."""
        def record(small: cst.CSTNode, guards: tuple[str, ...]) -> None:
            targets = ([t.target for t in small.targets] if isinstance(small, cst.Assign) else
                       [small.target] if isinstance(small, (cst.AnnAssign, cst.AugAssign))
                       else [])
            if any(dotted(t) == f"{cls}.__tablename__" for t in targets):
                value = getattr(small, "value", None)
                expr = str_expr(value, cls) if isinstance(small, (
                    cst.Assign, cst.AnnAssign)) and value is not None else None
                state.subclass_tablenames.append((self.ex.pos.line(small), guards, expr))

        for stmt in block_body(body):
            if isinstance(stmt, cst.SimpleStatementLine):
                for small in stmt.body:
                    record(small, guards)
            elif isinstance(stmt, cst.If):
                test = stmt.test
                guard = "?"
                if (isinstance(test, cst.Call) and dotted(test.func) == "hasattr"
                        and len(test.args) == 2 and dotted(test.args[0].value) == cls
                        and isinstance(test.args[1].value, cst.SimpleString)):
                    name = test.args[1].value.evaluated_value
                    guard = name if isinstance(name, str) else "?"
                self.subclass_tablenames(stmt.body, cls, (*guards, guard), state)
                if stmt.orelse is not None:
                    orelse = stmt.orelse
                    self.subclass_tablenames(
                        orelse.body if isinstance(orelse, cst.Else) else cst.IndentedBlock(
                            body=[orelse]), cls, (*guards, "?"), state)
            elif not isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
                # a loop, try, with or match: whether and how often it assigns is unknown
                todo: list[cst.CSTNode] = [stmt]
                while todo:
                    node = todo.pop()
                    if isinstance(node, (cst.Assign, cst.AnnAssign, cst.AugAssign)):
                        record(node, (*guards, "?"))
                    elif not isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Lambda)):
                        todo.extend(node.children)

    def table_hook(self, attr: str, line: int, node: cst.CSTNode, state: _ClassState) -> None:
        """``__mapper_cls__``, ``__declare_first__``/``__declare_last__`` or
        ``__init_subclass__`` in a class body (defined, or bound to a function): code SQLAlchemy
        runs while it maps each class. When it (or a module-level function it calls, in this
        file) builds a table, a column, a mapper or a class, the tables it makes are not in the
        source: SQLAlchemy's versioned-rows recipe copies every column of the table into
        ``<table>_history`` so. So is a method of the class it calls or hands on through
        ``cls``/``self`` (NextGIS Web's ``event.listen(cls, "mapper_configured",
        cls.__mapper_configured)``, which builds the versioning tables). Calls into other
        modules are not followed."""
        calls = _Calls(self.ex.pos)
        node.visit(calls)
        methods, followed = list(calls.methods), {attr}
        while methods:
            method = methods.pop(0)
            body = state.methods.get(method)
            if body is None or method in followed:
                continue
            followed.add(method)
            inner = _Calls(self.ex.pos)
            body.visit(inner)
            calls.names.extend(inner.names)
            calls.callees.extend(inner.callees)
            calls.builds.extend(inner.builds)
            methods.extend(inner.methods)
        if isinstance(node, cst.Name):
            if node.value == "None":
                return  # __mapper_cls__ = None: no hook
            calls.callees.append(ident(node.value))  # __mapper_cls__ = versioned_mapper
        pending, seen = list(calls.names), set(calls.names)
        # what it builds, a table first (the message shows the table, not the mapper call)
        found = [(build, "") for build in calls.builds]
        # what it calls that is no function of this file: followed by the inventory, which
        # resolves imports (a helper in another module blocks; sqlalchemy.event does not)
        others = [name for name in calls.callees if name not in self.callables]
        while pending:
            name = pending.pop(0)
            called = self.callables.get(name)
            if called is None:
                continue
            names, callees, builds = called
            found.extend((build, f", in {name}()") for build in builds)
            others.extend(c for c in callees if c not in self.callables)
            pending.extend(sorted(names - seen))
            seen |= names
        if found:
            (callee, at), where = min(
                found, key=lambda f: f[0][0].removesuffix("(...)").rsplit(".", 1)[-1]
                not in _TABLE_MAKERS)
            state.table_hooks.append((attr, line, f"{callee} at line {at}{where}", ()))
        elif others:
            state.table_hooks.append((attr, line, "", tuple(dict.fromkeys(others))))

    def sealed_writes(self, stmt: cst.FunctionDef, state: _ClassState,
                      decorators: tuple[str, ...]) -> None:
        params = stmt.params.params
        if not params or {"staticmethod", "classmethod"} & set(decorators):
            return
        finder = SealedWrites(ident(params[0].name.value))
        stmt.body.visit(finder)
        where = f"{ident(stmt.name.value)}: "
        for attribute, callee, node in finder.found:
            state.sealed.append((attribute, f"{where}{callee}(...)", self.ex.pos.line(node)))

    def self_attrs(self, stmt: cst.FunctionDef, state: _ClassState,
                   decorators: tuple[str, ...]) -> None:
        params = stmt.params.params
        if not params or {"staticmethod", "classmethod"} & set(decorators):
            return
        self_name = ident(params[0].name.value)
        finder = SelfAttrs(self_name, frozenset(
            param_names(stmt.params, starred=True) - {self_name}))
        stmt.body.visit(finder)
        state.self_attrs.extend(finder.found)

    def class_types(self, stmt: cst.FunctionDef, state: _ClassState, attr: str,
                    declared: bool, classmethod: bool) -> None:
        """``type(...)`` in a method of a class body. In a declared_attr, or in a classmethod a
        declared_attr of the same class calls as ``cls.method(...)``, it is a template read
        once per mapped subclass (MadeClass); anywhere else it is a late type() that blocks
        when its bases are mapped."""
        if not self.type_calls:
            return
        params = (*stmt.params.posonly_params, *stmt.params.params)
        self_name = ident(params[0].name.value) if params and (declared or classmethod) else None
        # if six.PY2: ... else: ...: only what Python 3 runs
        body = live_body(block_body(stmt.body), self.ex.versions)
        if declared and self_name is not None:
            calls = SelfCalls(self_name)
            for part in body:
                part.visit(calls)
            for method in calls.found:
                state.callers.setdefault(method, attr)
        finder = TypeCalls()
        for part in body:
            part.visit(finder)
        if not finder.found:
            return
        env = local_strings(stmt, self_name, self.ex.versions) if self_name is not None else {}
        for call, bases, nested in finder.found:
            if nested or self_name is None:  # in a lambda or inner function: runs who knows when
                self.late_type(call, bases)
                continue
            made = self.made_class(call, bases, self_name, env, attr)
            if declared:
                state.made.append(made)
            else:
                state.pending.append((attr, made, call, bases))

    def made_class(self, call: cst.Call, bases: tuple[str, ...], self_name: str | None,
                   env: Mapping[str, StrExpr], attr: str) -> MadeClass:
        """One type(name, bases, namespace) call as a class template."""
        pos = self.ex.pos
        line, end_line = pos.line(call), pos.end_line(call)
        name_node, _bases, ns = (a.value for a in call.args)
        name_expr = str_expr(name_node, self_name)
        state = _ClassState()
        problem: str | None = None
        entries: list[tuple[str, cst.BaseExpression]] = []
        if isinstance(ns, cst.Dict):
            for element in ns.elements:
                if not isinstance(element, cst.DictElement):  # **other
                    problem = ("its namespace unpacks **..., whose entries cannot be read; write "
                               "them out in the dict literal")
                    continue
                key = literal_str(element.key)
                if key is None or not key.isidentifier():
                    problem = ("a key of its namespace is not a string literal; write every "
                               "attribute name as a literal")
                    continue
                entries.append((ident(key), element.value))
        elif isinstance(ns, cst.Call) and dotted(ns.func) == "dict" and all(
            a.keyword is not None for a in ns.args
        ):
            entries = [(ident(a.keyword.value), a.value) for a in ns.args if a.keyword]
        else:
            problem = ("its namespace is not a dict literal, so the attributes it maps cannot be "
                       "read; pass the dict literal {...} to type() directly")
        def computed(v: cst.BaseExpression | None) -> StrExpr | None:
            expr = str_expr(v, self_name) if v is not None else None
            return bind_locals(expr, env) if expr is not None else None

        for key, value in entries:
            state.names.append(key)
            if key == "__tablename__":
                _tablename(state, value, line, computed)
            elif key == "__abstract__":
                state.abstract = literal_bool(value) is True
            elif key == "__table__":
                state.table_line = line
                if isinstance(value, cst.Call) and (dotted(value.func) or "").endswith("Table"):
                    state.table = self.ex.call(value)
                elif dotted(value) is not None:
                    state.table_ref = dotted(value)
                else:
                    state.table_error = True
            elif key.startswith("__"):
                continue
            elif isinstance(value, cst.Call):
                facts = self.ex.call(value)
                state.stmts.append(Stmt(key, facts.line, facts.end_line, None, facts, (),
                                        facts.labels, False))
            else:
                self.shared_column(key, value, line)
        body = ClassFacts(
            name="", line=line,
            bases=tuple(SELF_BASE if b == self_name else b for b in bases),
            stmts=tuple(state.stmts), names=tuple(dict.fromkeys(state.names)),
            tablename=state.tablename, tablename_kind=state.tablename_kind,
            tablename_line=state.tablename_line, abstract=state.abstract, table=state.table,
            table_line=state.table_line, table_error=state.table_error,
            tablename_expr=state.tablename_expr, table_ref=state.table_ref,
        )
        return MadeClass(attr, line, end_line,
                         bind_locals(name_expr, env) if name_expr is not None else None,
                         body, problem)

    def late_type(self, call: cst.Call, bases: tuple[str, ...]) -> None:
        pos = self.ex.pos
        name = literal_str(call.args[0].value) or ""
        self.late.append(LateFacts("type", pos.line(call), pos.end_line(call), name, bases=bases))


DECLARED = frozenset({"declared_attr", "directive", "cascading"})  # decorators SQLAlchemy runs


@dataclass(slots=True)
class _ClassState:
    owner: str = ""  # the class's name, which Python puts in front of its private names
    stmts: list[Stmt] = field(default_factory=list)
    flags: list[tuple[str, bool]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    tablename: str | None = None
    tablename_kind: TablenameKind = "none"
    tablename_line: int = 0
    abstract: bool = False
    table: CallFacts | None = None
    table_line: int = 0
    table_error: bool = False
    table_query: str | None = None
    table_ref: str | None = None
    tablename_expr: StrExpr | None = None
    versioned: VersionedFacts | None = None
    made: list[MadeClass] = field(default_factory=list)
    # classmethods' type() templates, until we know which declared_attr calls them
    pending: list[tuple[str, MadeClass, cst.Call, tuple[str, ...]]] = field(default_factory=list)
    callers: dict[str, str] = field(default_factory=dict)  # cls.method(...) -> declared_attr
    sealed: list[tuple[str, str, int]] = field(default_factory=list)
    self_attrs: list[tuple[str, str]] = field(default_factory=list)
    col_refs: list[ColRef] = field(default_factory=list)
    # names a method or a nested class binds again after a column: (name, line, in a branch)
    rebound: list[tuple[str, int, bool]] = field(default_factory=list)
    value_helpers: list[str] = field(default_factory=list)  # ClassFacts.value_helpers
    subclass_tablenames: list[tuple[int, tuple[str, ...], StrExpr | None]] = field(
        default_factory=list)
    table_hooks: list[tuple[str, int, str, tuple[str, ...]]] = field(default_factory=list)
    injects: tuple[str, ...] = ()  # what a metaclass's __new__ adds to the bases it makes
    # the body's classmethods and staticmethods that only return a call: name -> that call
    helpers: dict[str, cst.Call] = field(default_factory=dict)
    # the body's methods, by name (a table hook follows those it hands on through cls/self)
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)


def _in_branch(rebound: list[tuple[str, int, bool]], start: int) -> None:
    """The bindings from ``start`` on may not run: they leave the column they rebind possible."""
    rebound[start:] = [(name, line, True) for name, line, _ in rebound[start:]]


def _methods(body: Sequence[cst.BaseStatement]) -> dict[str, cst.FunctionDef]:
    """The methods a class body defines at its top, by name (the last of a name wins, as the
    class binds it): plain, class and static methods only. ``cls.domain_name`` of a
    ``declared_attr`` is the class's column, read as such, not code a hook runs (mailu's
    ``Email.__declare_last__`` listens on it)."""
    found: dict[str, cst.FunctionDef] = {}
    for stmt, _small in statements(body):
        if isinstance(stmt, cst.FunctionDef):
            name = ident(stmt.name.value)
            found.pop(name, None)
            if {(dotted(uncall(d.decorator)) or "").rsplit(".", 1)[-1] for d in stmt.decorators
                } <= {"classmethod", "staticmethod"}:
                found[name] = stmt
    return found


def _helpers(body: Sequence[cst.BaseStatement]) -> dict[str, cst.Call]:
    """The classmethods and staticmethods defined at the top of a class body (not under an
    ``if``, so always bound) whose body is one ``return <call>`` (a docstring aside) using
    none of their parameters: what ``cls.helper()`` returns, whichever class calls it. A
    name bound twice is left out (which binding a declared_attr sees is not read)."""
    found: dict[str, cst.Call] = {}
    bound: list[str] = []
    for stmt, small in statements(body):
        names = ([ident(stmt.name.value)] if isinstance(stmt, cst.FunctionDef) else
                 [dotted(t.target) or "" for t in small.targets]
                 if isinstance(small, cst.Assign) else
                 [dotted(small.target) or ""] if isinstance(small, cst.AnnAssign) else [])
        bound.extend(names)
        if not isinstance(stmt, cst.FunctionDef) or not {
            (dotted(d.decorator) or "") for d in stmt.decorators
        } & {"classmethod", "staticmethod"} or len(stmt.decorators) != 1:
            continue
        body_stmts = [s for s in block_body(stmt.body)
                      if not (isinstance(s, cst.SimpleStatementLine) and len(s.body) == 1
                              and isinstance(s.body[0], cst.Expr)
                              and literal_str(s.body[0].value) is not None)]
        if len(body_stmts) != 1 or not isinstance(body_stmts[0], cst.SimpleStatementLine):
            continue
        ret = body_stmts[0].body[0] if len(body_stmts[0].body) == 1 else None
        if not isinstance(ret, cst.Return) or not isinstance(ret.value, cst.Call):
            continue
        params = stmt.params
        names_in = param_names(params)
        if isinstance(params.star_arg, cst.Param) or params.star_kwarg is not None or any(
            r.split(".", 1)[0] in names_in for r in refs_in(ret.value)
        ):
            continue
        found[ident(stmt.name.value)] = ret.value
    return {name: call for name, call in found.items() if bound.count(name) == 1}


def _helper_called(ret: cst.Call, stmt: cst.FunctionDef, helpers: Mapping[str, cst.Call]
                   ) -> str | None:
    """``return cls.helper()`` in a declared_attr whose first parameter is ``cls``, with no
    arguments, the helper one of ``helpers``: its name."""
    params = stmt.params.params
    func = ret.func
    if (not params or ret.args or not isinstance(func, cst.Attribute)
            or not isinstance(func.value, cst.Name)
            or func.value.value != params[0].name.value):
        return None
    name = ident(func.attr.value)
    return name if name in helpers else None


def _body_str(value: cst.BaseExpression | None) -> StrExpr | None:
    """A class body's computed ``__tablename__`` as a string expression (no ``cls`` in it)."""
    return str_expr(value) if value is not None else None


def _tablename(state: _ClassState, value: cst.BaseExpression | None, line: int,
               computed: Callable[[cst.BaseExpression | None], StrExpr | None]) -> None:
    """A ``__tablename__`` in a class body or a ``type()`` template's dict: a literal, None
    (no table), or an expression the resolver evaluates later."""
    literal = literal_str(value) if value is not None else None
    if literal is not None:
        state.tablename, state.tablename_kind = literal, "literal"
    elif isinstance(value, cst.Name) and value.value == "None":
        state.tablename_kind = "none"
    else:
        state.tablename_kind = "computed"
        state.tablename_expr = computed(value)
    state.tablename_line = line


def _with_labels(stmt: Stmt, order: Sequence[str], extra: Sequence[str]) -> Stmt:
    if not extra:
        return stmt
    return dataclasses.replace(stmt, labels=_merge_labels(order, stmt.labels, extra))


def _merge_labels(labels: Sequence[str], *groups: Sequence[str]) -> tuple[str, ...]:
    found = {x for g in groups for x in g}
    return tuple(label for label in labels if label in found)


def _called(call: cst.Call, name: str) -> bool:
    """Is the callee spelled ``name`` or ``something.name``? (Cheaper than dotted(): asked of
    every call in every class body.)"""
    func = call.func
    return (isinstance(func, cst.Name) and func.value == name) or (
        isinstance(func, cst.Attribute) and func.attr.value == name)


def _base_name(node: cst.BaseExpression) -> str:
    """A base as the resolver names it: ``db.Model``, ``BaseMixin`` for ``BaseMixin[UUID]``,
    ``TruncateString()`` for a call (the class it returns, whatever its arguments: the
    function's class blocks where a parameter shapes it); "" for any other expression."""
    node = _unsubscript(node)
    if isinstance(node, cst.Call) and not any(a.star for a in node.args):
        callee = dotted(node.func)
        return f"{callee}()" if callee else ""
    return dotted(node) or ""


def _type_args(node: cst.BaseExpression) -> tuple[str, ...]:
    """``BaseMixin[UUID, "Account"]``: ("UUID", ""); no subscript: ()."""
    if not isinstance(node, cst.Subscript):
        return ()
    return tuple(dotted(e.slice.value) or "" if isinstance(e.slice, cst.Index) else ""
                 for e in node.slice)


def _unsubscript(node: cst.BaseExpression) -> cst.BaseExpression:
    """``Generic[T]`` -> ``Generic``."""
    return node.value if isinstance(node, cst.Subscript) else node


def _query_root(node: cst.BaseExpression | None) -> str | None:
    """``select(...).select_from(...).alias()`` -> ``select``: the dotted callee that starts a
    chain of method calls (None for anything else). A class whose ``__table__`` is a query or
    a join maps other tables and owns no column; the column builder checks the callee."""
    if not isinstance(node, cst.Call):
        return None
    while isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Call):
        node = node.func.value
    return dotted(node.func)


def is_type_checking(test: cst.BaseExpression) -> bool:
    """``TYPE_CHECKING`` under any module alias: laniakea imports ``typing as T`` and declares
    a backref's type under ``if T.TYPE_CHECKING:`` (archive_suites.debug_suite)."""
    name = dotted(test)
    return name is not None and (name == "TYPE_CHECKING" or name.endswith(".TYPE_CHECKING"))


def _document(state: _ClassState, text: str) -> None:
    """Give the last column statement its attribute docstring, unless doc= already says."""
    last = state.stmts[-1]
    if last.call is not None and not last.call.doc:
        doc = " ".join(text.split())[:300]
        state.stmts[-1] = dataclasses.replace(last, call=dataclasses.replace(last.call, doc=doc))


def _versioned(value: cst.BaseExpression, line: int) -> VersionedFacts | None:
    """The options of ``__versioned__ = {...}`` that shape the history table; None for
    ``__versioned__ = None`` (no history: SQLAlchemy-Continuum would not even start)."""
    if isinstance(value, cst.Name) and value.value == "None":
        return None
    entries: list[tuple[str | None, cst.BaseExpression]] = []
    if isinstance(value, cst.Dict) and all(isinstance(e, cst.DictElement)
                                           for e in value.elements):
        entries = [(literal_str(e.key), e.value) for e in value.elements
                   if isinstance(e, cst.DictElement)]
    elif isinstance(value, cst.Call) and dotted(value.func) == "dict" and all(
        a.keyword is not None for a in value.args
    ):
        entries = [(a.keyword.value, a.value) for a in value.args if a.keyword is not None]
    else:
        return VersionedFacts(line, problem="its value is not a dict literal, so the history "
                              "table's name and columns cannot be read; write the options as "
                              "a literal {...}")
    options = dict(entries)
    if None in options:
        return VersionedFacts(line, problem="a key of its options is not a string literal; "
                              "write every option name as a literal")
    pattern: str | None = None
    if "table_name" in options:
        pattern = literal_str(options["table_name"])
        if pattern is None or pattern.count("%s") != 1 or "%" in pattern.replace("%s", ""):
            return VersionedFacts(line, problem="its \"table_name\" is not a literal pattern "
                                  "with one %s, so the history table's name cannot be read")
    lists = {}
    for key in ("exclude", "include"):
        if key in options:
            names = literal_strings(options[key])
            if names is None:
                return VersionedFacts(line, problem=f"its \"{key}\" is not a literal list of "
                                      "attribute names, so the history table's columns cannot "
                                      "be read")
            lists[key] = names
    include = set(lists.get("include", ()))
    exclude = tuple(n for n in lists.get("exclude", ()) if n not in include)
    return VersionedFacts(line, pattern, exclude)


# A value that may evaluate to a call made inside it: SQLAlchemy maps the attribute if that is a
# column. Containers are not here: a list or dict of columns is not mapped.
WRAPPING_VALUES: dict[type[cst.CSTNode], str] = {
    cst.IfExp: "a conditional expression",
    cst.BooleanOperation: "an and/or expression",
    cst.Subscript: "a subscript",
    cst.NamedExpr: "an assignment expression",
}


def _same_columns(calls: Sequence[CallFacts]) -> bool:
    """Do several returns of a declared_attr build the same column but for its arguments
    (``return Column(ForeignKey("parent.id"), primary_key=True)`` under a mapped parent, else
    ``return Column(Integer, primary_key=True)``): Column or mapped_column each time, with the
    same DB name and labels?"""
    def name_of(c: CallFacts) -> object:
        expr = c.name_expr
        if expr is not None and expr[0] == "maybe":  # a first argument: a name or a type?
            inner = expr[1]
            if inner[0] == "ref" and inner[1] == c.type:
                return None  # Column(Integer, ...): the type
            if inner[0] == "call" and str(inner[1]).rsplit(".", 1)[-1] in NON_TYPE_ARGS:
                return None  # Column(ForeignKey(...), ...)
        return (c.name, expr)

    return all(COLUMN_CALL.fullmatch(c.callee) for c in calls) and len({
        (name_of(c), tuple(sorted(c.labels)), tuple(r for r in c.refs if r != c.type))
        for c in calls  # refs: a constant that holds a label, or the column type
    }) == 1


def _target_names(target: cst.BaseExpression) -> list[str]:
    """The plain names an assignment target binds: ``a``, ``a, (b, *c)``."""
    if isinstance(target, cst.Name):
        return [ident(target.value)]
    if isinstance(target, cst.StarredElement):
        return _target_names(target.value)
    if isinstance(target, (cst.Tuple, cst.List)):
        return [n for e in target.elements for n in _target_names(e.value)]
    return []


def call_parts(call: cst.Call) -> tuple[tuple[str, ...], cst.BaseExpression | None]:
    """What a call assigned as an attribute holds besides itself: the callees inside it (none
    under a call spelled like a column: its arguments are configuration) and, for ``cast(T,
    value)`` or ``wrapper(Column(...), ...)``, the value it may hand back."""
    nested = () if COLUMN_CALL.fullmatch(dotted(call.func) or "") else nested_calls(call)
    return nested, _cast_value(call)


def _cast_value(call: cst.Call) -> cst.BaseExpression | None:
    """``cast(T, value)``: the value; ``with_roles(mapped_column(...), read={...})``, a call
    no SQLAlchemy construct is spelled like given a column call first: that call. Whether the
    callee is typing.cast or a function declared to return what it is given (external kind
    "passthrough") is the inventory's to resolve (ColumnCalls.uncast); any other callee is
    read as the call it is."""
    callee = (dotted(call.func) or "").rsplit(".", 1)[-1]
    if callee == "cast" and (cast_arg := cast_value(call)) is not None:
        return cast_arg
    if callee in _COLUMN_WRAPPERS:
        return None
    value: cst.BaseExpression = call
    # with_roles(immutable(mapped_column(...)), ...): down the first arguments to the column
    while isinstance(value, cst.Call) and value.args and value.args[0].keyword is None and (
        not value.args[0].star and isinstance(value.args[0].value, cst.Call)
    ):
        value = value.args[0].value
        name = dotted(value.func) or ""
        if COLUMN_CALL.fullmatch(name):
            return value
        if name.rsplit(".", 1)[-1] in _COLUMN_WRAPPERS:
            return None
    return None


# SQLAlchemy's constructs that take a column first and are read as themselves (CallFacts.inner)
_COLUMN_WRAPPERS = frozenset({
    "column_property", "deferred", "synonym", "query_expression", "composite", "Column",
    "mapped_column", "cast",
})


# What SQLAlchemy runs while it maps a class, which can make tables of its own
TABLE_HOOKS = frozenset({
    "__mapper_cls__", "__declare_first__", "__declare_last__", "__init_subclass__",
})
# Calls that make a table (by the callee's last name), and those besides that make a column or
# a mapped class
_TABLE_MAKERS = frozenset({"Table", "to_metadata", "tometadata"})
_MAKES_TABLES = frozenset({
    "Table", "to_metadata", "tometadata", "append_column", "Column", "mapped_column", "mapper",
    "map_imperatively",
})


# a module-level function: the names it uses, those it calls (or passes on), what it builds
ModuleCallable = tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, int], ...]]


class _Calls(cst.CSTVisitor):
    """The plain names a piece of code calls or passes on (``__mapper_cls__ = my_mapper``), and
    its first call that makes a table, a column, a mapper or a class (``type(name, bases,
    ns)``, ``type.__new__(type, ...)``), with its line."""

    def __init__(self, pos: Positions) -> None:
        self.pos = pos
        self.names: list[str] = []
        self.callees: list[str] = []  # called by plain name, or passed on as a plain name
        self.builds: list[tuple[str, int]] = []
        # `cls.x(...)`, or `cls.x` handed to a mapping event: a method of the class, maybe
        self.methods: list[str] = []

    def visit_Name(self, node: cst.Name) -> None:
        self.names.append(ident(node.value))

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)  # `x.listen`: `listen` is no module-level name
        return False

    def visit_Arg(self, node: cst.Arg) -> bool:
        if isinstance(node.value, cst.Name):
            self.callees.append(ident(node.value.value))  # event.listen(cls, "x", helper)
        node.value.visit(self)  # a keyword is no name either
        return False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Name):
            self.callees.append(ident(node.func.value))
        self.methods.extend(_own_method(node.func))
        if any(literal_str(a.value) in _MAPPING_EVENTS for a in node.args):
            # event.listen(cls, "mapper_configured", cls.__mapper_configured): it runs while
            # the class is mapped (an attribute's "set" listener runs on a write, not here)
            self.methods.extend(m for a in node.args for m in _own_method(a.value))
        callee = dotted(node.func) or ""
        last = callee.rsplit(".", 1)[-1]
        if (not self.builds or last in _TABLE_MAKERS) and (
            last in _MAKES_TABLES or (callee == "type" and len(node.args) == 3)
            or callee == "type.__new__"
        ):
            self.builds.append((f"{callee}(...)", self.pos.line(node)))


# mapper and class events SQLAlchemy fires while it maps a class
_MAPPING_EVENTS = frozenset({
    "instrument_class", "after_mapper_constructed", "before_mapper_configured",
    "mapper_configured", "before_configured", "after_configured", "class_instrument",
})


def _own_method(node: cst.BaseExpression) -> tuple[str, ...]:
    """``cls.x`` / ``self.x``: the name of a method of the class, maybe."""
    if isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name) and (
        node.value.value in ("cls", "self")
    ):
        return (ident(node.attr.value),)
    return ()


class ModuleCallables(cst.CSTVisitor):
    """Module-level functions (under if/try/with too), not methods or nested functions."""

    def __init__(self, pos: Positions) -> None:
        self.pos = pos
        self.found: dict[str, ModuleCallable] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        calls = _Calls(self.pos)
        node.body.visit(calls)
        self.found[ident(node.name.value)] = (frozenset(calls.names), tuple(calls.callees),
                                              tuple(calls.builds))
        return False


def module_callables(module: cst.Module, pos: Positions) -> dict[str, ModuleCallable]:
    finder = ModuleCallables(pos)
    module.visit(finder)
    return finder.found

"""What a function defined at module level makes, read from its body for the module's facts:
a column preset (``def f(**kw): return Column(...)``), the one call a base factory returns
(``def make_base(): return declarative_base(cls=Mixin)``) with its keyword arguments, or why
that call cannot stand for it, and the class it defines and returns or makes through a
metaclass. Each reads one ``def``; the scanner calls them in source order and keeps what they
return."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence

import libcst as cst

from reviewer.bodies import Returns, returned_values, top_calls
from reviewer.calls import COLUMN_WRAPPERS, Extractor
from reviewer.class_body import DECLARED, ClassReader
from reviewer.facts import INDEX_MAKERS, FactoryFacts, MadeClass
from reviewer.node_positions import Positions
from reviewer.str_exprs import str_expr
from reviewer.syntax import (
    block_body,
    dotted,
    ident,
    literal_str,
    param_names,
    refs_in,
    single_binding,
    statements,
    uncall,
)


def factory_function(stmt: cst.FunctionDef, ex: Extractor) -> FactoryFacts | None:
    """``def f(*args, **kwargs): return Column(...)``: a preset the inventory may inline."""
    body = _simple_body(stmt)
    if not body or not isinstance(body[-1], cst.Return):
        return None
    ret = body[-1].value
    if not isinstance(ret, cst.Call):
        return None
    params = stmt.params
    names = param_names(params)
    star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
    starstar = params.star_kwarg.name.value if params.star_kwarg is not None else None
    # `kwargs["mysql_character_set"] = "utf8"` before the return (buildbot's Table
    # wrapper): a keyword the returned call is given on top of the caller's; a local bound
    # once before it (PasarGuard's `fk_kwargs = {...}` given to the ForeignKey) is read where
    # the return uses it, so what feeds the local feeds that argument
    added: list[tuple[str, cst.BaseExpression]] = []
    bound: dict[str, cst.BaseExpression] = {}
    for small in body[:-1]:
        kv = _kwarg_set(small, starstar)
        local = _local_binding(small, {*names, star, starstar, *bound}) if kv is None else None
        if kv is not None:
            added.append((kv[0], _substituted(kv[1], bound)))
        elif local is not None:
            bound[local[0]] = _substituted(local[1], bound)
        else:
            return None
    line, end_line = ex.pos.line(ret), ex.pos.end_line(ret)
    ret = _substituted(ret, bound)
    # n6's `def col(*args, **kwargs): return column_property(Column(*args, **kwargs),
    # active_history=True)`: the passthrough is read on the wrapped call; whether the wrapper
    # is SQLAlchemy's column_property is the resolver's to say (column_calls.inline_factory)
    outer, ret = ret, _wrapped(ret)
    if added and outer is not ret:
        return None  # kwargs[...] set for the wrapped call: not read
    if added:
        ret = outer = ret.with_changes(args=[
            *ret.args, *(cst.Arg(value=v, keyword=cst.Name(k)) for k, v in added)])
    star_args = any(a.star == "*" and dotted(a.value) == star for a in ret.args) and bool(star)
    star_kwargs = bool(starstar) and any(
        a.star == "**" and dotted(a.value) == starstar for a in ret.args)
    plain = [a for a in ret.args if not a.star]
    unpacked = any(a.star and dotted(a.value) not in (star, starstar)
                   for a in (*ret.args, *(outer.args if outer is not ret else ())))
    if outer is not ret:
        # the wrapper's own arguments (active_history=True) must not come from the caller
        plain = [*plain, *(a for a in outer.args[1:] if not a.star)]

    def fed(args: Sequence[cst.Arg], sets: Sequence[tuple[str, cst.BaseExpression]]) -> bool:
        """Does a parameter feed one of ``args``, one of the keywords ``sets`` before the
        return, or an argument unpacked other than as the passthrough?"""
        given = {*names, star, starstar} - {None}
        return unpacked or any({r.split(".", 1)[0] for r in refs_in(v)} & given
                               for v in (*(a.value for a in args), *(v for _k, v in sets)))

    first = next((a for a in ret.args if a.keyword is None), None)
    # the preset's first parameter passed as the column's name: each call names its column by
    # the literal it gives first, which the inventory reads at the call (inline_factory)
    name_param = _name_param(stmt.params, first) if outer is ret and not star else None
    # what names the column or labels it: a parameter there makes each call a different
    # column; one that only feeds a type's or a foreign key's arguments, doc= or the like does
    # not. A call first is the column's type, not its name (hypothesis/lms's
    # `def varchar_enum(enum, ...): return mapped_column(sa.Enum(enum, ...), ...)`)
    naming = [a for a in plain if (
        a is first and name_param is None and not isinstance(a.value, cst.Call)) or (
        a.keyword is not None and a.keyword.value in _SHAPING_KEYWORDS)]
    uses = fed(plain, added)
    shaped_by_params = fed(naming, [(k, v) for k, v in added if k in _SHAPING_KEYWORDS]) or (
        outer is ret and _wrapper(ret)  # the caller's arguments reach the wrapper itself
    ) or (star_args and bool(params.params))  # `def f(name, *args)`: the call's first is no *args
    if name_param is not None:
        # read without the name, so that its type is what follows (the call gives the name)
        outer = outer.with_changes(args=[a for a in outer.args if a is not first])
    return FactoryFacts(
        ident(stmt.name.value), ex.pos.line(stmt),
        dataclasses.replace(ex.call(outer), line=line, end_line=end_line), star_args,
        star_kwargs, first is not None and first.star == "*", uses, shaped_by_params,
        name_param,
    )


def _name_param(params: cst.Parameters, first: cst.Arg | None) -> str | None:
    """The preset's first parameter when the returned call is given it first, as is
    (``def enum_column(name, enum_type, **kwargs): return mapped_column(name, Enum(enum_type),
    **kwargs)``), else None. Given also where it names or labels the column (``key=name``),
    the preset stays shaped by its parameters."""
    positional = [*params.posonly_params, *params.params]
    if not positional or first is None or first.star or not isinstance(first.value, cst.Name):
        return None
    name = ident(positional[0].name.value)
    return name if first.value.value == name else None


def _wrapped(ret: cst.Call) -> cst.Call:
    """The call a ``column_property(...)``/``deferred(...)`` return wraps when the caller's
    arguments reach only it (``column_property(Column(*args, **kwargs), ...)``), else
    ``ret`` itself."""
    first = ret.args[0] if ret.args else None
    if not _wrapper(ret) or first is None or first.keyword or any(a.star for a in ret.args) \
            or not isinstance(first.value, cst.Call):
        return ret
    return first.value


def _wrapper(call: cst.Call) -> bool:
    return (dotted(call.func) or "").rsplit(".", 1)[-1] in COLUMN_WRAPPERS


def _simple_body(stmt: cst.FunctionDef) -> list[cst.BaseSmallStatement | None] | None:
    """The small statements of a function's body past its docstrings, when each is one (no
    ``if``, loop or nested ``def``), else None."""
    if any(not isinstance(s, cst.SimpleStatementLine) for s in block_body(stmt.body)):
        return None
    return [small for _s, small in statements(block_body(stmt.body))
            if not (isinstance(small, cst.Expr) and literal_str(small.value) is not None)]


# why a class a function makes cannot stand for every call (class_function, metaclass_function)
_SHAPED_BY = ("the class reads the parameter {used!r} where it shapes the table or its "
              "columns, so each call may map something different")


def base_problem(stmt: cst.FunctionDef, finder: Returns, pos: Positions) -> str | None:
    """Why ``Base = make_base()`` cannot be read as the one call make_base returns
    (resolution.function_result), else None: anything that may change which base a call
    makes, or what the base brings along (its cls=, model_class=, metaclass=), would
    otherwise be read as that call alone, and a mixin's columns lost without a word."""
    values = finder.values
    if not values:
        return None
    if finder.loop is not None:
        return f"it runs a loop (line {_line_within(pos, finder.loop)})"
    if not _same(values):
        lines = ", ".join(str(pos.line(r)) for r in finder.returns if r.value is not None)
        return (f"it returns different things from {len(values)} return statements "
                f"(lines {lines})")
    value = returned_values(stmt, values[:1])[0]
    if isinstance(value, cst.Name) and value.value in top_calls(stmt):
        return f"it binds {value.value} to a call and uses it again before returning it"
    call = value if isinstance(value, cst.Call) else None
    for arg in call.args if call is not None else ():
        if arg.star and call is not None:
            shown = cst.Module([]).code_for_node(arg.value)
            return (f"it passes {arg.star}{shown} to the call it returns (line "
                    f"{_line_within(pos, call)})")
        if arg.keyword is not None and arg.keyword.value in _BASE_ARGS and (
            dotted(arg.value) is None
        ):
            return (f"it passes {arg.keyword.value}= an expression (line "
                    f"{_line_within(pos, arg)})")
    return None


def returned_call_args(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None]
                       ) -> list[tuple[str, str, str]]:
    """``def make_base(): return declarative_base(cls=Mixin)`` (or ``Base = ...; return
    Base``): the keyword arguments of the one returned call, kept like those of ``Base =
    declarative_base(cls=Mixin)`` under the function's name, so that a base the function
    makes brings its mixin along. Returns that all return the same call count as one;
    different ones are base_problem's."""
    values = returned_values(stmt, returns)
    if len(values) > 1 and _same(values):
        values = values[:1]
    if len(values) != 1 or not isinstance(call := values[0], cst.Call):
        return []
    name = ident(stmt.name.value)
    args: list[tuple[str, str, str]] = []
    for arg in call.args:
        ref = dotted(arg.value)
        if arg.keyword is not None and ref is not None:
            args.append((name, arg.keyword.value, ref))
    return args


def class_function(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None],
                   reader: ClassReader) -> MadeClass | None:
    """``def versioned_base(plugin): @as_declarative(...) class VersionedBase: ...; return
    VersionedBase``: every call makes a class from the same statement, so a name bound to
    a call is read as that class (a declarative base, a mixin, a model). Only a body that
    defines the one class and returns it is read; anything else the function does could
    change the class, so it is kept as the problem that blocks its subclasses."""
    body = [(s, small) for s, small in statements(block_body(stmt.body))
            if not (isinstance(small, cst.Expr) and literal_str(small.value) is not None)]
    classes = {ident(s.name.value): s for s, _ in body if isinstance(s, cst.ClassDef)}
    returned = [v.value for v in returns if isinstance(v, cst.Name)]
    name = next((n for n in returned if ident(n) in classes), None)
    if name is None or stmt.asynchronous is not None:
        return None
    wrapped = next((d for d in (dotted(uncall(d.decorator)) or "?" for d in stmt.decorators)
                    if d.rsplit(".", 1)[-1] not in ("cache", "lru_cache")), None)
    node = classes[ident(name)]
    pos = reader.ex.pos
    problem: str | None = None
    names = param_names(stmt.params, starred=True)
    last = body[-1][1] if body else None
    others = [small or s for s, small in body[:-1]
              if s is not node and not isinstance(small, cst.Pass)]
    if wrapped is not None:
        problem = f"it is decorated with {wrapped}, which may change what a call returns"
    elif len(returns) != 1 or not (
        isinstance(last, cst.Return) and last.value is not None
        and dotted(last.value) == ident(name)
    ):
        problem = ("it does not end in its one return of the class, so which class a "
                   "call returns cannot be read")
    elif others:
        at = _line_within(pos, others[0])
        problem = ("it does more than define the class and return it"
                   f"{f' (line {at})' if at else ''}, which could change the class")
    elif (used := _params_used(node, names)) is not None:
        problem = _SHAPED_BY.format(used=used)
        bind = _bound_param(node, names)
        positional = [*stmt.params.posonly_params, *stmt.params.params]
        if bind is not None and positional and ident(positional[0].name.value) == bind:
            return MadeClass(
                ident(stmt.name.value), reader.first_line(stmt), pos.end_line(stmt),
                ("lit", ident(name)), reader.class_(node), problem, bind=bind,
            )
    return MadeClass(
        ident(stmt.name.value), reader.first_line(stmt), pos.end_line(stmt),
        ("lit", ident(name)), reader.class_(node), problem,
    )


def metaclass_function(stmt: cst.FunctionDef, reader: ClassReader) -> MadeClass | None:
    """``def versioned_base(plugin, version): return Meta("VersionedBase", (object,),
    {"plugin": plugin})``: a class made by calling a class of the repository with a name,
    bases and a namespace, which is a class statement with ``metaclass=Meta`` when Meta is
    a metaclass (the resolver decides, from Meta's facts). Only a function whose whole body
    is that one return is read; what the namespace holds is read like a type() template's."""
    body = _simple_body(stmt)
    if body is None or len(body) != 1 or not isinstance(ret := body[0], cst.Return) or (
        stmt.asynchronous is not None or stmt.decorators
    ):
        return None
    call = ret.value
    if not isinstance(call, cst.Call) or len(call.args) != 3 or any(
        a.keyword is not None or a.star for a in call.args
    ) or not isinstance(call.args[1].value, (cst.Tuple, cst.List)):
        return None
    maker = dotted(call.func)
    if maker is None or maker == "type":
        return None  # type(...) in a function is a late class (scanner's nested_types)
    bases = tuple(dotted(e.value) or "" for e in call.args[1].value.elements)
    made = reader.made_class(call, bases, None, {}, ident(stmt.name.value))
    names = param_names(stmt.params)
    problem = made.problem
    shaping = [e.value for e in call.args[2].value.elements
               if isinstance(e, cst.DictElement) and not isinstance(e.value, cst.Name)
               ] if isinstance(call.args[2].value, cst.Dict) else []
    used = next((r.split(".", 1)[0] for part in (call.args[1].value, *shaping)
                 for r in refs_in(part) if r.split(".", 1)[0] in names), None)
    if problem is None and used is not None:
        problem = _SHAPED_BY.format(used=used)
    return dataclasses.replace(
        made, line=reader.first_line(stmt), end_line=reader.ex.pos.end_line(stmt),
        body=dataclasses.replace(made.body, name=literal_str(call.args[0].value) or ident(
            stmt.name.value), keywords=(("metaclass", maker),)),
        problem=problem, maker=maker)


# keyword arguments of Column(...) / mapped_column(...) that name the column or carry its labels
_SHAPING_KEYWORDS = frozenset({"name", "key", "info"})

# keyword arguments of declarative_base() / SQLAlchemy() that bring columns along
_BASE_ARGS = frozenset({"cls", "model_class", "metaclass"})


def _kwarg_set(small: cst.BaseSmallStatement | None, kwargs: str | None
               ) -> tuple[str, cst.BaseExpression] | None:
    """``kwargs["key"] = value`` on the function's ``**kwargs``: (key, value); else None."""
    if kwargs is None or not isinstance(small, cst.Assign) or len(small.targets) != 1:
        return None
    target = small.targets[0].target
    if not (isinstance(target, cst.Subscript) and dotted(target.value) == kwargs
            and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index)):
        return None
    key = literal_str(target.slice[0].slice.value)
    return (key, small.value) if key is not None and key.isidentifier() else None


def _local_binding(small: cst.BaseSmallStatement | None, taken: set[str | None]
                   ) -> tuple[str, cst.BaseExpression] | None:
    """``name = value`` (or ``name: T = value``) binding a new local name: (name, value);
    else None, and so is a name bound again or one of the parameters rebound."""
    bound = single_binding(small)
    if bound is None or not isinstance(bound[0], cst.Name) or bound[0].value in taken:
        return None
    return bound[0].value, bound[1]


class _Substitute(cst.CSTTransformer):
    """Each use of a local as a value replaced by the expression bound to it; a keyword's
    name and an attribute's name are no uses."""

    def __init__(self, bound: dict[str, cst.BaseExpression]) -> None:
        super().__init__()
        self.bound = bound

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name
                   ) -> cst.BaseExpression:
        return self.bound.get(original_node.value, updated_node)

    def leave_Arg(self, original_node: cst.Arg, updated_node: cst.Arg) -> cst.Arg:
        return updated_node.with_changes(keyword=original_node.keyword)

    def leave_Attribute(self, original_node: cst.Attribute, updated_node: cst.Attribute
                        ) -> cst.Attribute:
        return updated_node.with_changes(attr=original_node.attr)


def _substituted(node: cst.CSTNodeT, bound: dict[str, cst.BaseExpression]) -> cst.CSTNodeT:
    if not bound or not {r.split(".", 1)[0] for r in refs_in(node)} & set(bound):
        return node
    return cst.ensure_type(node.visit(_Substitute(bound)), type(node))


def _line_within(pos: Positions, node: cst.CSTNode) -> int:
    """The line of a node, or of the first node inside it that has one (0: none does)."""
    line = pos.line(node)
    for child in node.children if not line else ():
        line = _line_within(pos, child)
        if line:
            break
    return line


def _same(values: Sequence[cst.BaseExpression | None]) -> bool:
    """Do all these returns return the same expression, as written?"""
    first = values[0] if values else None
    return all(v is first or (v is not None and first is not None and v.deep_equals(first))
               for v in values[1:])


def _bound_param(node: cst.ClassDef, params: set[str]) -> str | None:
    """The one parameter a class statement reads, when it reads it only to build names the
    inventory evaluates per call (MLRun's ``make_label(table)``: ``__tablename__ =
    f"{table}_labels"``, ``ForeignKey(f"{table}.id")``, a constraint's name): in
    ``__tablename__``, a column call's first argument, a ForeignKey's arguments, or a
    constraint's or index's in ``__table_args__``. None when it reads another parameter, or
    reads this one anywhere else (a type's length, info=, a base): each call could then map
    something the names do not show."""
    if any(set(_heads(part)) & params for part in (*node.decorators, *node.bases,
                                                       *node.keywords)):
        return None
    read: set[str] = set()
    for stmt, small in statements(block_body(node.body)):
        if isinstance(stmt, cst.FunctionDef):
            if {(dotted(uncall(d.decorator)) or "").rsplit(".", 1)[-1]
                    for d in stmt.decorators} & DECLARED and set(_heads(stmt)) & params:
                return None
            continue  # a method runs later, on instances
        if not isinstance(small, (cst.Assign, cst.AnnAssign)):
            if set(_heads(small if small is not None else stmt)) & params:
                return None
            continue
        value = small.value
        targets = small.targets if isinstance(small, cst.Assign) else [small]
        if value is None:
            continue
        names = {dotted(t.target) for t in targets}
        if names == {"__tablename__"}:
            if str_expr(value) is None and set(_heads(value)) & params:
                return None
            read.update(set(_heads(value)) & params)
            continue
        for part, allowed in _name_parts(value, names == {"__table_args__"}):
            found = set(_heads(part)) & params
            if found and not allowed:
                return None
            read.update(found)
    return next(iter(read)) if len(read) == 1 else None


def _name_parts(value: cst.BaseExpression, table_args: bool, top: bool = True
                ) -> Iterator[tuple[cst.CSTNode, bool]]:
    """The parts of a class-body value, each with whether a parameter may be read there: the
    arguments of a ForeignKey, the column call's own first argument when it is a string
    expression (not a type's: ``Column(String(size))``), and in ``__table_args__`` a
    constraint's or index's arguments."""
    if isinstance(value, cst.Call):
        callee = (dotted(value.func) or "").rsplit(".", 1)[-1]
        if callee == "ForeignKey" or (table_args and callee in INDEX_MAKERS):
            yield value, True
            return
        yield value.func, False
        for index, arg in enumerate(value.args):
            if top and index == 0 and arg.keyword is None and not arg.star and (
                not table_args and isinstance(arg.value, _NAME_EXPRS)
                and str_expr(arg.value) is not None
            ):  # Column(f"{table}_id", ...)
                yield arg, True
            else:
                yield from _name_parts(arg.value, table_args, top=False)
        return
    if isinstance(value, (cst.Tuple, cst.List)) and table_args:
        for element in value.elements:
            yield from _name_parts(element.value, table_args, top=False)
        return
    yield value, False


_NAME_EXPRS = (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString,
               cst.BinaryOperation, cst.Name)


def _heads(node: cst.CSTNode) -> list[str]:
    return [ref.split(".", 1)[0] for ref in refs_in(node)]


def _params_used(node: cst.ClassDef, params: set[str]) -> str | None:
    """The first parameter of the enclosing function a class statement reads where it could
    shape a column: in its decorators, bases, a column call, ``__tablename__``, a declared_attr.
    ``_plugin = plugin`` (a plain value the call passes) and other methods (which run later,
    on instances) do not."""
    if not params:
        return None
    parts: list[cst.CSTNode] = [*node.decorators, *node.bases, *node.keywords]
    for stmt, small in statements(block_body(node.body)):
        if isinstance(stmt, cst.FunctionDef) and not {
            (dotted(uncall(d.decorator)) or "").rsplit(".", 1)[-1] for d in stmt.decorators
        } & DECLARED:
            continue
        if isinstance(small, (cst.Assign, cst.AnnAssign)):
            targets = small.targets if isinstance(small, cst.Assign) else [small]
            plain = isinstance(small.value, cst.Name) and not any(
                (dotted(t.target) or "__").startswith("__") for t in targets)
            if not plain:  # the attribute's own name is no read
                parts.extend(p for p in (small.value, getattr(small, "annotation", None))
                             if p is not None)
            continue
        parts.append(small if small is not None else stmt)
    for part in parts:
        for ref in refs_in(part):
            if ref.split(".", 1)[0] in params:
                return ref.split(".", 1)[0]
    return None


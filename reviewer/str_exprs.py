"""Strings computed from constants, as the ``StrExpr`` trees of reviewer.facts that the resolver
evaluates across modules: a table or column name built from literals, names, f-strings, ``%``,
``+`` and calls; a string helper function; a class's string attributes and methods; the locals
of a function or an unrolled loop."""

from __future__ import annotations

import dataclasses
import string
from collections.abc import Mapping, Sequence

import libcst as cst

from reviewer.bodies import Assigned, ClassBound
from reviewer.facts import CallFacts, MadeClass, StrExpr
from reviewer.py_versions import live_body
from reviewer.syntax import block_body, dotted, ident, single_binding, statements


def str_expr(node: cst.BaseExpression, self_name: str | None = None) -> StrExpr | None:
    """A string built from literals, names, f-strings, ``+`` and calls, as a tree for the
    resolver to evaluate; None for anything else. ``self_name`` is the ``cls`` of a
    declared_attr, whose ``cls.__name__`` is the class being mapped."""
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return ("lit", value) if isinstance(value, str) else None
    if isinstance(node, cst.FormattedString):
        parts: list[StrExpr] = []
        for part in node.parts:
            if isinstance(part, cst.FormattedStringText):
                if "\\" in part.value and "r" not in node.prefix.lower():
                    return None  # escapes: rare in a name, and not worth decoding here
                parts.append(("lit", part.value.replace("{{", "{").replace("}}", "}")))
            elif isinstance(part, cst.FormattedStringExpression):
                # {name:s} is the string itself (timesketch: f"{self.__name__:s}Label"); any
                # other spec pads, truncates or converts
                spec = part.format_spec
                plain = not spec or (len(spec) == 1 and isinstance(spec[0], cst.FormattedStringText)
                                     and spec[0].value == "s")
                if not plain or part.conversion not in (None, "s"):
                    return None
                sub = str_expr(part.expression, self_name)
                if sub is None:
                    return None
                parts.append(sub)
        return ("cat", tuple(parts))
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Modulo):
        template = str_expr(node.left, self_name)
        items = (
            [e.value for e in node.right.elements] if isinstance(node.right, cst.Tuple)
            else [node.right]
        )
        values = [str_expr(v, self_name) for v in items]
        if template is None or template[0] != "lit" or any(v is None for v in values):
            return None
        return ("pct", template[1], tuple(v for v in values if v is not None))
    if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
        left, right = str_expr(node.left, self_name), str_expr(node.right, self_name)
        return ("cat", (left, right)) if left is not None and right is not None else None
    if isinstance(node, (cst.Name, cst.Attribute)):
        name = dotted(node)
        if name is None:
            return None
        if self_name is not None and name == f"{self_name}.__name__":
            return ("clsname",)
        if self_name is not None and name == f"{self_name}.__tablename__":
            return ("clstable",)
        attr = name.removeprefix(f"{self_name}.") if self_name is not None else name
        if attr != name and _class_visible(attr):
            return ("clsattr", attr)  # cls.__flavor__: looked up on the class being mapped
        return ("ref", name)
    if isinstance(node, cst.Subscript):
        return _subscript(node, self_name)
    if isinstance(node, cst.Lambda):
        return _replacement(node, self_name)
    if isinstance(node, cst.Call):
        group = _match_group(node)
        if group is not None:
            return group
        if (isinstance(node.func, cst.Attribute) and node.func.attr.value == "format"
                and isinstance(node.func.value, (cst.SimpleString, cst.ConcatenatedString))):
            return _literal_format(node.func.value, node.args, self_name)
        if any(a.keyword is not None or a.star for a in node.args):
            return None
        args: list[StrExpr] = []
        for arg in node.args:
            sub = str_expr(arg.value, self_name)
            if sub is None:
                return None
            args.append(sub)
        func = node.func
        if (self_name is not None and isinstance(func, cst.Attribute)
                and isinstance(func.value, cst.Name) and func.value.value == self_name
                and _class_visible(func.attr.value)):
            return ("clscall", func.attr.value, tuple(args))  # cls._prefix("x"): a classmethod
        if isinstance(func, cst.Attribute):
            receiver = str_expr(func.value, self_name)
            if receiver is not None and receiver[0] != "ref":
                return ("meth", func.attr.value, receiver, tuple(args))
        callee = dotted(func)
        return ("call", callee, tuple(args)) if callee is not None else None
    return None


def _subscript(node: cst.Subscript, self_name: str | None) -> StrExpr | None:
    """``name[0]`` or ``name[1:]``: an index or a plain slice of constant integers."""
    inner = str_expr(node.value, self_name)
    if inner is None or len(node.slice) != 1:
        return None
    item = node.slice[0].slice
    if isinstance(item, cst.Index):
        at = _integer(item.value)
        return ("index", at, (inner,)) if at is not None else None
    if isinstance(item, cst.Slice) and item.step is None:
        bounds = [_integer(b) if b is not None else None for b in (item.lower, item.upper)]
        if any(b is None and given is not None
               for b, given in zip(bounds, (item.lower, item.upper), strict=True)):
            return None
        return ("slice", (bounds[0], bounds[1]), (inner,))
    return None


def _integer(node: cst.BaseExpression) -> int | None:
    if isinstance(node, cst.Integer):
        return int(node.evaluated_value)
    if (isinstance(node, cst.UnaryOperation) and isinstance(node.operator, cst.Minus)
            and isinstance(node.expression, cst.Integer)):
        return -int(node.expression.evaluated_value)
    return None


def _match_group(node: cst.Call) -> StrExpr | None:
    """``m.group(1)`` of a match object, the only thing a replacement function reads."""
    func = node.func
    if not (isinstance(func, cst.Attribute) and func.attr.value == "group"
            and isinstance(func.value, cst.Name) and len(node.args) <= 1
            and all(a.keyword is None and not a.star for a in node.args)):
        return None
    at = _integer(node.args[0].value) if node.args else 0
    return ("group", func.value.value, at) if at is not None and at >= 0 else None


def _replacement(node: cst.Lambda, self_name: str | None) -> StrExpr | None:
    """``lambda m: "_" + m.group(0).lower()``, the replacement function of a ``re.sub`` that
    snake-cases a class name (Root the Box's declared_attr)."""
    params = node.params
    if (len(params.params) != 1 or params.posonly_params or params.kwonly_params
            or params.star_arg is not cst.MaybeSentinel.DEFAULT or params.star_kwarg):
        return None
    body = str_expr(node.body, self_name)
    return ("lambda", params.params[0].name.value, body) if body is not None else None


def _literal_format(template: cst.SimpleString | cst.ConcatenatedString,
                    args: Sequence[cst.Arg], self_name: str | None) -> StrExpr | None:
    """``"{0:s}_label".format(cls.__tablename__)``: the literal's pieces and the arguments its
    fields name, in order. A field is ``{}``, ``{0}`` or ``{name}``, with no spec or ``:s`` (the
    string itself); a conversion, another spec (padding, truncation) or an attribute or index
    (``{0.__class__}``) needs the objects themselves, so the whole string is unknown."""
    text = template.evaluated_value
    if not isinstance(text, str) or any(a.star for a in args):
        return None
    positional = [a.value for a in args if a.keyword is None]
    named = {a.keyword.value: a.value for a in args if a.keyword is not None}
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError:  # an unmatched brace: format() raises
        return None
    parts: list[StrExpr] = []
    auto: bool | None = None  # "{}" numbers fields itself; mixing it with "{0}" raises
    counter = 0
    for literal, field, spec, conversion in fields:
        if literal:
            parts.append(("lit", literal))
        if field is None:
            continue
        if conversion is not None or spec not in ("", "s"):
            return None
        if field == "" or field.isdigit():
            if auto is not None and auto != (field == ""):
                return None
            auto = field == ""
            index = counter if auto else int(field)
            counter += 1
            if index >= len(positional):
                return None
            value = positional[index]
        elif field.isidentifier() and field in named:
            value = named[field]
        else:
            return None
        sub = str_expr(value, self_name)
        if sub is None:
            return None
        parts.append(sub)
    return ("cat", tuple(parts))


def _class_visible(attr: str) -> bool:
    """Can ``cls.<attr>`` be looked up by this name? Not ``cls.__x``: Python mangles it to
    ``cls._Owner__x`` after the class whose code reads it."""
    return "." not in attr and not (attr.startswith("__") and not attr.endswith("__")) and (
        attr not in _TYPE_NAMES)


# What every class has without its body binding it (cls.__module__, cls.__doc__, ...): the
# facts do not hold these, so they are never looked up as class attributes
_TYPE_NAMES = frozenset(dir(type)) | {"__module__", "__qualname__", "__doc__", "__dict__",
                                      "__annotations__", "__weakref__", "__firstlineno__",
                                      "__static_attributes__", "__type_params__"}


def surely_str(expr: StrExpr) -> bool:
    """A string whatever the names in it are bound to: literals and the class's name or table
    name, joined, %-formatted or passed through str methods; a call or a name could be
    anything (a ``Column``)."""
    kind = expr[0]
    if kind in ("lit", "clsname", "clstable", "pct"):
        return True
    if kind == "cat":
        return all(surely_str(part) for part in expr[1])
    return kind == "meth" and surely_str(expr[2])


def str_function(stmt: cst.FunctionDef, self_param: bool = False,
                 versions: Mapping[str, str | bool] | None = None
                 ) -> tuple[tuple[str, ...], StrExpr] | None:
    """``def prefixed(name): return f"{PREFIX}{name}"``: its parameters and the returned string
    expression, when the body (past a docstring) is that return, after at most a few plain
    ``local = <string expression>`` statements (put in place of the locals, in order, which is
    exact for code that runs straight through). Of ``if six.PY2: ... else: ...`` only what
    Python 3 runs is read (``versions``: what such a test may read, from py_versions)."""
    body = live_body(block_body(stmt.body), versions or {})
    if body and isinstance(body[0], cst.SimpleStatementLine) and len(body[0].body) == 1:
        first = body[0].body[0]
        if isinstance(first, cst.Expr) and isinstance(
            first.value, (cst.SimpleString, cst.ConcatenatedString)
        ):
            body = body[1:]
    smalls = [small for line in body if isinstance(line, cst.SimpleStatementLine)
              for small in line.body]
    if not smalls or len(body) > _MAX_LOCALS or any(
        not isinstance(line, cst.SimpleStatementLine) for line in body
    ):
        return None
    *assigns, ret = smalls
    if not isinstance(ret, cst.Return) or ret.value is None:
        return None
    params = tuple(ident(p.name.value) for p in (*stmt.params.posonly_params, *stmt.params.params))
    self_name = params[0] if self_param and params else None
    env: dict[str, StrExpr] = {}
    for small in assigns:
        bound = single_binding(small)
        if bound is None:
            return None
        target, value = bound
        if not isinstance(target, cst.Name) or target.value == self_name:
            return None
        local = str_expr(value, self_name)
        if local is None:
            return None
        env[ident(target.value)] = bind_locals(local, env)
    expr = str_expr(ret.value, self_name)
    return (params, bind_locals(expr, env)) if expr is not None else None


_MAX_LOCALS = 8  # a string helper is a line or two; a longer body is not one


_UNKNOWN: StrExpr = ("unknown",)


# the class-body statements ClassBound binds from without descending into them
_COUNTED_WHOLE = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr)

# Calls whose result is a column, a relationship or a descriptor, never a string: their
# attributes are not kept as class strings (most attributes of a model are these)
_NOT_STRINGS = frozenset({
    "relationship", "relation", "mapped_column", "column_property", "deferred", "synonym",
    "composite", "association_proxy", "backref", "query_expression", "dynamic_loader",
})


def class_strings(body: Sequence[cst.BaseStatement], names: Sequence[str],
                  versions: Mapping[str, str | bool] | None = None) -> tuple[
    tuple[tuple[str, StrExpr], ...], tuple[tuple[str, tuple[str, ...], StrExpr], ...]
]:
    """What ``cls.<name>`` and ``cls.<name>(...)`` may read from this class: its attributes
    bound once at the top of the body to a string expression, and its classmethods and
    staticmethods that return one (their parameters, ``cls`` left out). A name bound some
    other way the facts' ``names`` do not show (``a, b = ...``) is kept as unknown, so a lookup
    never passes it for a base's attribute of the same name. Of ``if six.PY2: ... else: ...``
    at the top of the body only what Python 3 runs is read (``versions``, from py_versions)."""
    body = live_body(body, versions or {})
    counter = ClassBound()
    for stmt in body:
        # The statements the counter stops at are handed to it directly: a libcst visit costs
        # ~40 us even when it goes no deeper, and a model file has thousands of them.
        if isinstance(stmt, (cst.FunctionDef, cst.ClassDef)):
            counter.on_visit(stmt)
        elif isinstance(stmt, cst.SimpleStatementLine):
            for part in stmt.body:
                if isinstance(part, _COUNTED_WHOLE):
                    counter.on_visit(part)
                else:
                    part.visit(counter)
        else:
            stmt.visit(counter)
    counts = counter.counts
    env: dict[str, StrExpr] = {name: _UNKNOWN for name in counts}
    attrs: dict[str, StrExpr] = {}
    methods: list[tuple[str, tuple[str, ...], StrExpr]] = []
    for stmt, small in statements(body):
        if isinstance(stmt, cst.FunctionDef):
            name = ident(stmt.name.value)
            kinds = [dotted(d.decorator) for d in stmt.decorators]
            if counts.get(name) != 1 or kinds not in (["classmethod"], ["staticmethod"]):
                continue
            bound = kinds == ["classmethod"]
            helper = str_function(stmt, self_param=bound, versions=versions)
            if helper is not None and (helper[0] or not bound):
                methods.append((name, helper[0][1:] if bound else helper[0], helper[1]))
            continue
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        else:
            continue
        if not isinstance(target, cst.Name) or counts.get(ident(target.value)) != 1:
            continue
        name = ident(target.value)
        expr = str_expr(value)
        if expr is None or (expr[0] == "call" and (
            str(expr[1]).rpartition(".")[2] in _NOT_STRINGS
            or str(expr[1]).rpartition(".")[2][:1].isupper()
        )):
            continue
        # a bare name in a class body is the class's own when the body bound it first
        attrs[name] = env[name] = bind_locals(expr, env)
    known = set(names)
    for name in counts:
        if name not in known and name not in attrs:
            attrs[name] = _UNKNOWN
    return tuple(attrs.items()), tuple(methods)


def local_strings(stmt: cst.FunctionDef, self_name: str,
                  versions: Mapping[str, str | bool] | None = None) -> dict[str, StrExpr]:
    """The function's locals as string expressions: ``name = cls.__name__`` bound once at the
    top level of the body is followed; every other local (and parameter) is unknown, so it is
    never mistaken for a module constant of the same name. Of ``if six.PY2: ... else: ...``
    at that top level only what Python 3 runs counts (``versions``, from py_versions)."""
    body = live_body(block_body(stmt.body), versions or {})
    counter = Assigned()
    for part in body:
        part.visit(counter)
    params = stmt.params
    env = {ident(p.name.value): _UNKNOWN
           for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    env.pop(self_name, None)
    return body_strings(body, self_name, counter.counts, env)


def body_strings(body: Sequence[cst.BaseStatement], self_name: str | None,
                 counts: Mapping[str, int], env: dict[str, StrExpr]) -> dict[str, StrExpr]:
    """``env`` plus the names a body binds, as string expressions: one bound once at its top
    level is followed (``name = cls.__name__``), any other one is unknown."""
    env = dict(env)
    for _stmt, small in statements(body):
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            continue
        name = ident(small.targets[0].target.value)
        if counts.get(name) != 1 or name in env:
            continue
        expr = str_expr(small.value, self_name)
        env[name] = bind_locals(expr, env) if expr is not None else _UNKNOWN
    for name in counts:
        env.setdefault(name, _UNKNOWN)
    return env


def bind_call(call: CallFacts, env: Mapping[str, StrExpr]) -> CallFacts:
    """A call read in an unrolled loop, with the loop's strings put in its name expressions."""
    return dataclasses.replace(
        call,
        name_expr=bind_locals(call.name_expr, env) if call.name_expr is not None else None,
        inner=bind_call(call.inner, env) if call.inner is not None else None,
        args=tuple(bind_call(a, env) for a in call.args),
    )


def bind_made(made: MadeClass, env: Mapping[str, StrExpr]) -> MadeClass:
    body = made.body
    body = dataclasses.replace(
        body,
        tablename_expr=(bind_locals(body.tablename_expr, env)
                        if body.tablename_expr is not None else None),
        stmts=tuple(dataclasses.replace(s, call=bind_call(s.call, env) if s.call else None)
                    for s in body.stmts),
        table=bind_call(body.table, env) if body.table is not None else None,
    )
    name_expr = bind_locals(made.name_expr, env) if made.name_expr is not None else None
    return dataclasses.replace(made, name_expr=name_expr, body=body)


def bind_locals(expr: StrExpr, env: Mapping[str, StrExpr]) -> StrExpr:
    """A string expression with the function's locals put in place of their names."""
    kind = expr[0]
    if kind == "ref":
        head, _, rest = str(expr[1]).partition(".")
        if head in env:
            return _UNKNOWN if rest else env[head]
        return expr
    if kind == "call":
        callee = str(expr[1])
        args = tuple(bind_locals(a, env) for a in expr[2])
        head, _, method = callee.rpartition(".")
        if head in env:  # name.lower(): a method of a local string
            return ("meth", method, env[head], args)
        if callee.partition(".")[0] in env:
            return _UNKNOWN
        return ("call", callee, args)
    if kind == "cat":
        return ("cat", tuple(bind_locals(e, env) for e in expr[1]))
    if kind == "meth":
        return ("meth", expr[1], bind_locals(expr[2], env),
                tuple(bind_locals(a, env) for a in expr[3]))
    if kind == "clscall":
        return ("clscall", expr[1], tuple(bind_locals(a, env) for a in expr[2]))
    if kind == "pct":
        return ("pct", expr[1], tuple(bind_locals(a, env) for a in expr[2]))
    if kind == "maybe":
        return ("maybe", bind_locals(expr[1], env))
    if kind in ("index", "slice"):
        return (kind, expr[1], tuple(bind_locals(a, env) for a in expr[2]))
    if kind == "lambda":  # its parameter shadows a local of the same name
        return ("lambda", expr[1], bind_locals(expr[2], {k: v for k, v in env.items()
                                                         if k != expr[1]}))
    return expr

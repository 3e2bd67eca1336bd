"""What a function, class or loop body does, found by walking it: what a function returns,
how often each name is bound, the ``type(...)`` calls and reflected tables in it, the
attributes a method writes encrypted, whether a loop builds tables, columns or classes."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

import libcst as cst

from reviewer.facts import COLUMN_CALLEES, IMPORTED, INDEX_MAKERS, flask_ext
from reviewer.syntax import (
    block_body,
    cast_value,
    dotted,
    ident,
    literal_method,
    param_names,
    statements,
)

# A call that encrypts: encrypt_fernet(...), cipher.encrypt(...), box.seal(...). Hashing is not
# here: conda-store's sha256 = datastructure_hash(spec) is a checksum, not a secret.
SEALING = re.compile(r"encrypt|fernet|\bseal|_seal", re.IGNORECASE)
# A module whose class makes a declarative base on ``self`` (eNMS: ``self.base =
# declarative_base(...)`` in Database.__init__; skylines of 2013: ``self.db = SQLAlchemy(self)``
# in its Flask application class): only there are methods read for SelfAttrs.
SELF_MADE = re.compile(
    r"\bself\.\w+\s*=\s*[\w.]*\b(?:declarative_base|registry|SQLAlchemy)\(")


class Returns(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: list[cst.BaseExpression | None] = []
        self.returns: list[cst.Return] = []  # the statements, whose lines the values lack
        self.loop: cst.For | cst.While | None = None  # the first loop of the function itself

    def visit_Return(self, node: cst.Return) -> bool:
        self.values.append(node.value)
        self.returns.append(node)
        return False

    def visit_For(self, node: cst.For) -> bool:
        self.loop = self.loop or node
        return True

    def visit_While(self, node: cst.While) -> bool:
        self.loop = self.loop or node
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # a nested function's returns are not this one's

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


class _NameUses(cst.CSTVisitor):
    """How often a name appears in a function (``x.name`` is not the name)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.count = 0

    def visit_Name(self, node: cst.Name) -> bool:
        self.count += node.value == self.name
        return False

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        node.value.visit(self)
        return False


def returned_values(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None]
                    ) -> Sequence[cst.BaseExpression | None]:
    """What every return of a function (``returns``, from Returns) returns. ``Base =
    declarative_base(); return Base`` is ``return declarative_base()`` when the name appears
    nowhere else in the function but to configure the base's MetaData
    (``Base.metadata.naming_convention = ...``, which adds no column)."""
    if len(returns) == 1 and isinstance(ret := returns[0], cst.Name) and (
        call := top_calls(stmt).get(ret.value)
    ) is not None:
        uses = _NameUses(ret.value)
        stmt.body.visit(uses)
        if uses.count - _metadata_settings(stmt, ret.value) == 2:  # bound once, returned once
            return [call]
        chained = _rebound_chain(stmt, ret.value)
        if chained is not None and uses.count == 2 * chained[1]:
            return [chained[0]]
    return returns


def _metadata_settings(stmt: cst.FunctionDef, name: str) -> int:
    """How many top-level statements of a function only set an attribute of ``name``'s
    MetaData, to a value that does not read ``name`` (cloudkitty's ``get_base``: ``base =
    declarative_base()``, ``base.metadata.naming_convention = NAMING_CONVENTION``,
    ``return base``): constraint names and a schema, never a column; or give the base a query
    property (relengapi's ``b.query = _QueryProperty(dbname)``, the ``Base.query =
    session.query_property()`` of SQLAlchemy's docs), which SQLAlchemy never maps."""
    prefix = f"{name}.metadata."
    count = 0
    for _s, small in statements(block_body(stmt.body)):
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1):
            continue
        target = dotted(small.targets[0].target) or ""
        query = target == f"{name}.query" and _query_property(small.value)
        if target.startswith(prefix) or query:
            reads = _NameUses(name)
            small.value.visit(reads)
            count += reads.count == 0
    return count


def _query_property(value: cst.BaseExpression) -> bool:
    """``session.query_property()``, ``_QueryProperty(db)``: a call of something named a
    query property."""
    callee = dotted(value.func) if isinstance(value, cst.Call) else None
    return callee is not None and callee.rsplit(".", 1)[-1].replace("_", "").lower().endswith(
        "queryproperty")


def unmemoised(stmt: cst.FunctionDef) -> cst.FunctionDef:
    """What a function that memoises its result makes on a miss, as a function of its own:
    relengapi's ``declarative_base(dbname)`` is ``try: return _bases[dbname]`` / ``except
    KeyError: _bases[dbname] = b = declarative_base(); b.query = ...; return b``, and every
    call returns the base its handler makes for that key. Read as the handler's body, the
    stores into the cache dropped; any other function is returned as it is."""
    body = [s for s, small in statements(block_body(stmt.body))
            if not (isinstance(small, cst.Expr) and isinstance(small.value, cst.SimpleString))]
    tried = body[0] if len(body) == 1 else None
    if not isinstance(tried, cst.Try) or len(tried.handlers) != 1 or tried.orelse or (
        tried.finalbody
    ):
        return stmt
    handler = tried.handlers[0]
    hit = list(statements(block_body(tried.body)))
    if len(hit) != 1 or not isinstance(ret := hit[0][1], cst.Return) or not isinstance(
        cached := ret.value, cst.Subscript
    ) or handler.type is None or dotted(handler.type) != "KeyError" or handler.name:
        return stmt
    lines: list[cst.BaseStatement] = []
    stored = False
    for line in block_body(handler.body):
        if isinstance(line, cst.SimpleStatementLine) and len(line.body) == 1 and isinstance(
            assign := line.body[0], cst.Assign
        ):
            kept = [t for t in assign.targets if not t.target.deep_equals(cached)]
            stored = stored or len(kept) < len(assign.targets)
            if not kept:
                continue  # `_bases[dbname] = b` after `b = declarative_base()`
            line = line.with_changes(body=[assign.with_changes(targets=kept)])
        lines.append(line)
    if not stored:
        return stmt
    return stmt.with_changes(body=cst.IndentedBlock(body=lines))


def _rebound_chain(stmt: cst.FunctionDef, name: str) -> tuple[cst.Call, int] | None:
    """``prop = hybrid_property(get, set)``, then ``prop = prop.comparator(cmp)``, at the
    top level of a function: the one call they make (``hybrid_property(get, set).comparator(
    cmp)``) and how many statements bind the name; None for any other binding of it."""
    made: cst.Call | None = None
    count = 0
    for _s, small in statements(block_body(stmt.body)):
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)
                and small.targets[0].target.value == name):
            continue
        value = small.value
        count += 1
        if made is None and isinstance(value, cst.Call):
            made = value
        elif made is not None and isinstance(value, cst.Call) and isinstance(
            value.func, cst.Attribute
        ) and isinstance(value.func.value, cst.Name) and value.func.value.value == name:
            made = value.with_changes(func=value.func.with_changes(value=made))
        else:
            return None
    return (made, count) if made is not None and count > 1 else None


def _configured(stmt: cst.FunctionDef, name: str) -> str | None:
    """``prop = hybrid_property(get, set)``; ``prop.comparator(cmp)``; ``return prop``: the
    callee of the one call that made what the function returns, when the name is otherwise
    only the receiver of method calls made for their effect (which configure the object, not
    change its kind); None otherwise."""
    made: str | None = None
    calls = 0
    for _s, small in statements(block_body(stmt.body)):
        if isinstance(small, cst.Assign) and any(
            isinstance(t.target, cst.Name) and t.target.value == name for t in small.targets
        ):
            if made is not None or len(small.targets) != 1 or not isinstance(
                small.value, cst.Call
            ):
                return None
            made = dotted(small.value.func)
        elif isinstance(small, cst.Expr) and isinstance(call := small.value, cst.Call) and (
            isinstance(call.func, cst.Attribute) and isinstance(call.func.value, cst.Name)
            and call.func.value.value == name
        ):
            calls += 1
    if made is None or not calls:
        return None
    uses = _NameUses(name)
    stmt.body.visit(uses)
    return made if uses.count == 2 + calls else None


def chained_callee(call: cst.Call) -> str | None:
    """``hybrid_property().comparator`` for ``hybrid_property(get, set).comparator(cmp)``: a
    method of what a call made, named as returned_calls names one; None when the callee is
    no such chain."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and isinstance(func.value, cst.Call)):
        return None
    inner = dotted(func.value.func) or chained_callee(func.value)
    return f"{inner}().{func.attr.value}" if inner is not None else None


def assigned_counts(stmt: cst.FunctionDef) -> dict[str, int]:
    """How often a function's body binds each name (read once, for every reader of it)."""
    counter = Assigned()
    stmt.body.visit(counter)
    return counter.counts


class _AllCalls(cst.CSTVisitor):
    """Every call in a function body, nested functions and lambdas included, by callee as
    written; a method of a local the function binds is a call on what that local was made
    of: "" (``query = select(...); query = query.where(...)``)."""

    def __init__(self, locals_: frozenset[str]) -> None:
        self.locals = locals_
        self.callees: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        callee = dotted(node.func) or ""
        if callee.split(".", 1)[0] in self.locals and "." in callee:
            callee = ""
        self.callees.append(callee)
        return True


def body_calls(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None],
               counts: Mapping[str, int]) -> tuple[str, ...] | None:
    """What a function may hand back is made by one of its calls: every callee it calls, as
    written ("" for a call on what another call made), when each of its returns gives a call's
    result, a name the function binds itself, or None; else None (a return of a module-level
    name, an attribute or a parameter hands back something made elsewhere). ``counts``: how
    often the function binds each name (``assigned_counts``)."""
    params = param_names(stmt.params)
    locals_ = frozenset(n for n in counts if n not in params)
    for value in returns:
        if value is None or isinstance(value, cst.Call):
            continue
        if isinstance(value, cst.Name) and (value.value == "None" or value.value in locals_):
            continue
        return None
    finder = _AllCalls(locals_)
    stmt.body.visit(finder)
    return tuple(dict.fromkeys(finder.callees))


def top_calls(stmt: cst.FunctionDef) -> dict[str, cst.Call]:
    """``name = f(...)`` at the top level of a function: name -> the call."""
    return {target.value: small.value for _s, small in statements(block_body(stmt.body))
            if isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(target := small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)}


# A display makes an object of a builtin type: what `return dict(...)` would return
_DISPLAYS: dict[type[cst.CSTNode], str] = {
    cst.Dict: "dict", cst.DictComp: "dict", cst.List: "list", cst.ListComp: "list",
    cst.Tuple: "tuple", cst.Set: "set", cst.SetComp: "set", cst.SimpleString: "str",
    cst.ConcatenatedString: "str", cst.FormattedString: "str", cst.Integer: "int",
    cst.Float: "float",
}


# names that are values, not bindings
_CONSTANTS = ("None", "True", "False")
# typing's cast as code spells it (SQLAlchemy's `sa.cast(expression, Type)` builds a SQL
# expression; a bare `cast` imported from sqlalchemy and returned by a module function would be
# read as its type, which no model uses as a base or a database)
_TYPING_CASTS = frozenset({"cast", "t.cast", "typing.cast", "typing_extensions.cast"})


def uncast(value: cst.BaseExpression | None) -> cst.BaseExpression | None:
    """``return t.cast(types.MyDb, SQLAlchemy(...))`` returns the call it is given (CodeGra.de's
    ``make_db``), and ``Base = t.cast(t.Any, declarative_base(...))`` binds it (Deepchecks'
    model bases): typing.cast only tells the type checker what it is."""
    if (isinstance(value, cst.Call) and (dotted(value.func) or "") in _TYPING_CASTS
            and isinstance(inner := cast_value(value), cst.Call)):
        return inner
    return value


def display_kind(node: cst.BaseExpression) -> str | None:
    """``{...}`` is a ``dict`` (no column, whatever it holds: SQLAlchemy maps no dict)."""
    return _DISPLAYS.get(type(node))


def top_values(stmt: cst.FunctionDef) -> dict[str, cst.BaseExpression]:
    """``name = <value>`` at the top level of a function: name -> the value."""
    return {target.value: small.value for _s, small in statements(block_body(stmt.body))
            if isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(target := small.targets[0].target, cst.Name)}


def returned_calls(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None],
                   counts: Mapping[str, int]) -> tuple[str, ...]:
    """The callee of every ``return callee(...)`` of a function, when all its returns are such
    calls (``def _dependency_relation(kind): return orm.relationship(...)``); else (). A
    method of a local the function binds once to a call, ``prop = hybrid_property(...);
    return prop.comparator(...)``, is ``hybrid_property().comparator``: a call on what that
    made. ``counts``: how often the function binds each name (``assigned_counts``)."""
    values = [uncast(v) for v in returned_values(stmt, returns)]
    top: dict[str, cst.Call] | None = None
    names: list[str | None] = []
    displays: dict[str, str] | None = None
    for value in values:
        callee = (dotted(value.func) or chained_callee(value)) if isinstance(
            value, cst.Call) else None
        if isinstance(value, cst.Name) and value.value not in _CONSTANTS:
            if displays is None:  # `info = {...}` bound once, filled in, returned
                displays = {n: kind for n, v in top_values(stmt).items()
                            if counts.get(n) == 1 and (kind := display_kind(v)) is not None}
            if value.value in displays:
                names.append(displays[value.value])
                continue
            if (made := _configured(stmt, value.value)) is not None:
                names.append(made)
                continue
        if value is not None and (kind := display_kind(value)) is not None:
            names.append(kind)  # `return {...}` makes a dict as `return dict(...)` does
            continue
        if callee and callee in counts and (chosen := _chosen_names(stmt, callee, counts)):
            names.extend(chosen)  # `klass = A` or `klass = B`, then `return klass(...)`
            continue
        head, dot, rest = (callee or "").partition(".")
        if dot and top is None:
            top = top_calls(stmt)
        if dot and top is not None and head in top:
            made = dotted(top[head].func) if counts.get(head) == 1 else None
            callee = f"{made}().{rest}" if made else None  # a local: never a module name
        names.append(callee)
    found = [n for n in names if n]
    return tuple(dict.fromkeys(found)) if found and len(found) == len(names) else ()


class _Bindings(cst.CSTVisitor):
    """The values a function binds to one name (nested functions and classes left out), and
    how many annotations bind it without a value."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.values: list[cst.BaseExpression | None] = []
        self.bare = 0

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            if isinstance(target.target, cst.Name) and target.target.value == self.name:
                self.values.append(node.value if len(node.targets) == 1 else None)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if isinstance(node.target, cst.Name) and node.target.value == self.name:
            if node.value is None:
                self.bare += 1
            else:
                self.values.append(node.value)
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def _bound_values(stmt: cst.FunctionDef, name: str, counts: Mapping[str, int]
                  ) -> list[cst.BaseExpression | None] | None:
    """Every value a function binds the local ``name`` to (None for one of several targets),
    when assignments are all that bind it (an annotation alone binds nothing); None for a
    parameter, a name never assigned, or one a loop, a ``with``, a walrus or an augmented
    assignment binds too. ``counts``: ``assigned_counts``."""
    if name in param_names(stmt.params, starred=True):
        return None
    finder = _Bindings(name)
    stmt.body.visit(finder)
    if not finder.values or len(finder.values) + finder.bare != counts.get(name):
        return None
    return finder.values


def _chosen_names(stmt: cst.FunctionDef, name: str, counts: Mapping[str, int]
                  ) -> list[str] | None:
    """The names a local is bound to when every binding of it gives a (dotted) name, in any
    branch: OneGov's ``klass = TranslationMarkup`` / ``klass = TranslationString``, so
    ``return klass(...)`` makes one of those; None when any binding is something else."""
    values = _bound_values(stmt, name, counts)
    if values is None:
        return None
    chosen = [dotted(v) if v is not None else None for v in values]
    found = [c for c in chosen if c]
    return list(dict.fromkeys(found)) if len(found) == len(chosen) else None


def closure_calls(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None]
                  ) -> tuple[str, ...]:
    """What calling the function a function returns returns: ``def dict_property_factory(
    attribute): def factory(key=None): return dict_property(attribute, key); return factory``
    makes ``meta_property = dict_property_factory("meta")``, and ``meta_property(...)`` is a
    ``dict_property(...)`` (OneGov Cloud). The callees of every return of the nested def
    (``returned_calls``), when each return of the function is the name of a def at the top
    of its body (the last of its overloads); else ()."""
    nested = {s.name.value: s for s in block_body(stmt.body) if isinstance(s, cst.FunctionDef)}
    if not returns or not all(isinstance(v, cst.Name) and v.value in nested for v in returns):
        return ()
    made: list[str] = []
    for value in returns:
        assert isinstance(value, cst.Name)
        inner = nested[value.value]
        finder = Returns()
        inner.body.visit(finder)
        calls = returned_calls(inner, finder.values, assigned_counts(inner))
        if not calls:
            return ()
        # a name imported inside the functions (openFEC's `from webservices.common.models
        # import db`, against a circular import) is spelled out as the module's
        local = {**_local_imports(stmt), **_local_imports(inner)}
        made.extend(f"{local[head]}{dot}{rest}" if head in local else c
                    for c in calls for head, dot, rest in [c.partition(".")])
    return tuple(dict.fromkeys(made))


def _local_imports(stmt: cst.FunctionDef) -> dict[str, str]:
    """The names the top level of a function's body binds by ``from pkg.mod import name``
    (absolute imports only), each to its dotted origin."""
    bound: dict[str, str] = {}
    for _stmt, small in statements(block_body(stmt.body)):
        if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None \
                or isinstance(small.names, cst.ImportStar):
            continue
        module = dotted(small.module)
        for alias in small.names:
            name = dotted(alias.name)
            local = alias.asname.name if alias.asname is not None else None
            key = local.value if isinstance(local, cst.Name) else name
            if module and name and key:
                bound[key] = f"{module}.{name}"
    return bound


class _NewCalls(cst.CSTVisitor):
    """``X.__new__(mcs, name, bases, namespace)`` calls of a function (nested functions and
    classes left out), and the list methods called on each local: what a metaclass's
    ``__new__`` makes its class of."""

    def __init__(self) -> None:
        self.bases: list[cst.BaseExpression] = []
        self.grown: dict[str, list[cst.BaseExpression]] = {}  # local -> what it is given

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if isinstance(func, cst.Attribute) and func.attr.value == "__new__" and len(
            positional
        ) >= 3:
            self.bases.append(positional[2])
        elif isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name) and (
            func.attr.value in ("append", "insert", "extend")
        ) and positional:
            self.grown.setdefault(func.value.value, []).append(positional[-1])
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        if isinstance(node.target, cst.Name) and isinstance(node.operator, cst.AddAssign):
            self.grown.setdefault(node.target.value, []).append(node.value)
        return True

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.grown.setdefault(target.target.value, []).append(node.value)
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False


def injected_bases(stmt: cst.FunctionDef) -> tuple[str, ...]:
    """A metaclass's ``__new__``: the names of its module it puts among the bases it hands
    ``type.__new__`` or ``super().__new__`` (``new_bases.append(Base)`` ... ``tuple(new_bases)``,
    ``bases + (Base,)``), so every class the metaclass makes derives from them. The names the
    function binds itself (its parameters, loop variables, locals) stand for the bases it was
    given or what it computes, and are left out; so is under which condition it adds a name."""
    finder = _NewCalls()
    stmt.body.visit(finder)
    if not finder.bases:
        return ()
    counter = Assigned()
    stmt.body.visit(counter)
    bound = set(counter.counts) | param_names(stmt.params, starred=True)
    found: list[str] = []
    seen: set[str] = set()

    def collect(node: cst.BaseExpression) -> None:
        if isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                collect(element.value)
        elif isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.Add):
            collect(node.left)
            collect(node.right)
        elif isinstance(node, cst.Call) and dotted(node.func) in ("tuple", "list") and (
            len(node.args) == 1 and not node.args[0].keyword
        ):
            collect(node.args[0].value)
        elif (name := dotted(node)) is not None:
            head = name.partition(".")[0]
            if head not in bound:
                found.append(name)
            elif "." not in name and name not in seen:  # a local list: what it was given
                seen.add(name)
                for given in finder.grown.get(name, ()):
                    collect(given)

    for bases in finder.bases:
        collect(bases)
    return tuple(dict.fromkeys(found))


class TypeCalls(cst.CSTVisitor):
    """Every ``type(name, (bases...), namespace)`` call in a subtree, and whether it sits in a
    nested function or lambda (which runs at some other time than the function itself)."""

    def __init__(self) -> None:
        self.found: list[tuple[cst.Call, tuple[str, ...], bool]] = []
        self.depth = 0

    def visit_Call(self, node: cst.Call) -> bool:
        positional = [a.value for a in node.args if a.keyword is None and not a.star]
        if (isinstance(node.func, cst.Name) and node.func.value == "type"
                and len(node.args) == 3 and len(positional) == 3
                and isinstance(positional[1], (cst.Tuple, cst.List))):
            bases = tuple(dotted(e.value) or "" for e in positional[1].elements)
            self.found.append((node, bases, self.depth > 0))
        return True

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        self.depth += 1
        return True

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self.depth -= 1


class FunctionMappings(cst.CSTVisitor):
    """What the classes mapped inside functions are mapped onto: ``map_imperatively(cls,
    table)`` or ``mapper(cls, table)`` in a function or method body (the mapper runs when the
    function does). The table argument, written in the call or bound to a local name of the
    function, is a ``Table(...)`` call (``tables``: read like a module-level one, a reflected
    one blocking), a query (``.subquery()``, ``select(...)``, a join: no table of its own), or
    something else (``opaque``: keylime's ``map_imperatively(cls.db_mapping, cls.db_table)``,
    whose table its metaclass builds column by column at run time). A table reflected only to
    probe the database (is it migrated?) maps nothing, so only mapped tables count."""

    def __init__(self) -> None:
        self.tables: list[cst.Call] = []
        # (the map call, its table argument, the module-level class whose body holds it or "",
        # the argument's star: "*" or "**" when it is unpacked, else "")
        self.opaque: list[tuple[cst.Call, cst.BaseExpression, str, str]] = []
        self.scopes: list[dict[str, cst.BaseExpression]] = []  # per enclosing function
        self.classes: list[str] = []  # the enclosing class statements, outermost first

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.classes.append(ident(node.name.value))
        return True

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self.classes.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.scopes.append({})
        return True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.scopes.pop()

    def visit_Assign(self, node: cst.Assign) -> bool:
        if self.scopes:
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.scopes[-1][ident(target.target.value)] = node.value
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        if not self.scopes or _callee_tail(node) not in ("map_imperatively", "mapper"):
            return True
        table = next((a.value for a in node.args if a.keyword is not None
                      and a.keyword.value == "local_table"), None)
        positional = [a for a in node.args if a.keyword is None and not a.star]
        if table is None and len(positional) > 1:
            table = positional[1].value
        owner = self.classes[0] if self.classes else ""
        # map_imperatively(*args), or **kwargs and no table written: what it maps is not in
        # the call (**kwargs may hold local_table=)
        starred = next((a for a in node.args if a.star == "*"), None) or (
            next((a for a in node.args if a.star == "**"), None) if table is None else None)
        if starred is not None:
            self.opaque.append((node, starred.value, owner, starred.star))
            return True
        if table is None:
            return True  # no table of its own: inheritance onto the parent's
        value = self._local(table)
        if isinstance(value, cst.Call) and _callee_tail(value) == "Table":
            if all(value is not t for t in self.tables):  # one table mapped twice is one
                self.tables.append(value)
        elif not _query(value):
            self.opaque.append((node, table, owner, ""))
        return True

    def _local(self, expr: cst.BaseExpression) -> cst.BaseExpression:
        """What a local name of the enclosing functions is bound to (its last binding before
        the call), else the expression itself."""
        if isinstance(expr, cst.Name):
            for scope in reversed(self.scopes):
                if ident(expr.value) in scope:
                    return scope[ident(expr.value)]
        return expr


class FunctionTables(cst.CSTVisitor):
    """``def create_a_model(metadata): return Table("alarm", metadata, Column(...), ...)``:
    a ``Table(...)`` with columns written out, built in a function or method body (monasca-api
    builds its whole schema so). Calling the function defines the table, so it is read like a
    module-level one. A table with no column written out is left to FunctionMappings (one that
    is mapped) or is a probe (``Table(name, meta, autoload_with=engine)``); a class statement
    inside a function is read as a class (module_functions.class_function), not here.

    ``x.append_column(Column(...))`` (or of a name the function bound to ``Column(...)``) in
    the function that bound ``x = Table(...)`` adds the column to that table (``appended``, by
    the table call); anywhere else in a function it
    adds one to a table built elsewhere at run time (balrog's base class appends
    ``data_version`` to every subclass's ``self.t``), which cannot be told. So does
    ``setattr(cls, name, Column(...))`` or ``cls.name = Column(...)`` in a function: it maps a
    column onto a class it is given at run time (eNMS adds its configured properties so).
    ``unplaced`` holds each such column call with how it is given, the function and what it
    lands in, for an MR007. The functions ``skip`` holds (by id) are left out: a view's table
    a function copies from the query it is given (reviewer.view_functions) is no table."""

    def __init__(self, skip: frozenset[int] = frozenset()) -> None:
        self.skip = skip
        self.tables: list[cst.Call] = []
        self.appended: dict[int, list[cst.Call]] = {}  # by id() of the Table(...) call
        # (column call, how it is given, the function, what it lands in)
        self.unplaced: list[tuple[cst.Call, str, str, str]] = []
        self.depth = 0
        # per function: its name, the names it binds to Table(...) and to Column(...), and
        # the classes it defines (a column it sets on one is the class reader's: class_function)
        self._scopes: list[tuple[str, dict[str, cst.Call], dict[str, cst.Call], set[str]]] = []
        self._classes: list[str] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.depth += 1
        name = ident(node.name.value)
        owner = self._classes[-1] if self._classes and self.depth == 1 else None
        self._scopes.append((f"{owner}.{name}" if owner else name, {}, {}, set()))
        return id(node) not in self.skip  # leave_FunctionDef runs either way

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self.depth -= 1
        self._scopes.pop()

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._classes.append(ident(node.name.value))  # leave_ClassDef runs either way
        if self.depth:
            self._scopes[-1][3].add(ident(node.name.value))
        return self.depth == 0

    def leave_ClassDef(self, original_node: cst.ClassDef) -> None:
        self._classes.pop()

    def visit_Assign(self, node: cst.Assign) -> None:
        value = node.value
        if not self.depth or not isinstance(value, cst.Call):
            return
        # `col = Column(...)` then `t.append_column(col)`: the column it appends
        bound = (self._scopes[-1][1] if _callee_tail(value) == "Table"
                 else self._scopes[-1][2] if column_spelled(value) else None)
        if bound is None:
            return
        for target in node.targets:
            name = dotted(target.target)
            if name is not None:
                bound[name] = value
            if isinstance(target.target, cst.Attribute) and column_spelled(value) and (
                not self._defined_here(target.target)
            ):  # `cls.enabled = Column(...)`: set on a class at run time
                self.unplaced.append((value, f"given to {name or '<expression>'} = ...",
                                      self._scopes[-1][0], "class"))

    def visit_Call(self, node: cst.Call) -> bool:
        if not self.depth:
            return True
        tail = _callee_tail(node)
        if tail == "Table" and any(
            a.keyword is None and not a.star and column_spelled(a.value) for a in node.args
        ):
            self.tables.append(node)
            return False
        given = node.args[0].value if node.args else None
        function, bound, columns, _classes = self._scopes[-1]
        column = columns.get(given.value) if isinstance(given, cst.Name) else given
        if tail == "append_column" and isinstance(node.func, cst.Attribute) and isinstance(
            column, cst.Call
        ) and column_spelled(column):
            receiver = dotted(node.func.value) or "<expression>"
            table = bound.get(receiver)
            if table is None:
                self.unplaced.append((column, f"given to {receiver}.append_column(...)",
                                      function, "table"))
            else:
                if id(table) not in self.appended and table not in self.tables:
                    self.tables.append(table)
                self.appended.setdefault(id(table), []).append(column)
            return False
        if tail == "setattr" and isinstance(node.func, cst.Name) and len(node.args) == 3:
            value = node.args[2].value
            column = columns.get(value.value) if isinstance(value, cst.Name) else value
            if isinstance(column, cst.Call) and column_spelled(column) and not self._defined_here(
                node.args[0].value
            ):
                receiver = dotted(node.args[0].value) or "<expression>"
                self.unplaced.append((column, f"given to setattr({receiver}, ...)", function,
                                      "class"))
                return False
        return True

    def _defined_here(self, target: cst.BaseExpression) -> bool:
        """Is ``target`` (``Local.token``, ``Local``) a class the function defines itself?"""
        while isinstance(target, cst.Attribute):
            target = target.value
        return isinstance(target, cst.Name) and ident(target.value) in self._scopes[-1][3]


def method_name(func: cst.BaseExpression) -> str:
    """``registry().map_imperatively``: the attribute called, when the receiver is no name."""
    return ident(func.attr.value) if isinstance(func, cst.Attribute) else ""


def _callee_tail(call: cst.Call) -> str:
    return (dotted(call.func) or method_name(call.func)).rsplit(".", 1)[-1]


# What a class mapped onto a query is mapped onto: select(...), a join, or .subquery() and the
# like of one (sbc-pay maps a dataclass onto a rollup subquery in a task)
_QUERIES = frozenset({"select", "subquery", "alias", "cte", "join", "outerjoin", "union",
                      "union_all", "lateral"})


def _query(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.Call) and _callee_tail(expr) in _QUERIES


class SelfCalls(cst.CSTVisitor):
    """The methods a function calls on its ``cls``: ``cls._make_history()``."""

    def __init__(self, self_name: str) -> None:
        self.self_name = self_name
        self.found: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute) and dotted(func.value) == self.self_name:
            self.found.append(ident(func.attr.value))
        return True


class SealedWrites(cst.CSTVisitor):
    """``self.data = await encrypt_fernet(session, data)``: attributes a method assigns the
    result of an encrypting call to (the call anywhere in the value: ``f.encrypt(x).decode()``).
    Nested functions and classes have their own ``self``."""

    def __init__(self, self_name: str) -> None:
        self.self_name = self_name
        self.found: list[tuple[str, str, cst.CSTNode]] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        attributes = [ident(t.target.attr.value) for t in node.targets
                      if isinstance(t.target, cst.Attribute)
                      and dotted(t.target.value) == self.self_name]
        if attributes:
            calls = _Callees()
            node.value.visit(calls)
            callee = next((c for c in calls.found
                           if SEALING.search(c.rsplit(".", 1)[-1])), None)
            if callee is not None:
                self.found.extend((a, callee, node) for a in attributes)
        return False


class SelfAttrs(cst.CSTVisitor):
    """What a method binds on ``self`` (ClassFacts.self_attrs): ``self.base =
    declarative_base(...)`` is ("base", "declarative_base()"), ``self.Text = Text`` is ("Text",
    "Text"), and ``self.Column = init_column``, where ``init_column`` is a function of the
    method that hands its arguments on (``return Column(column_type, *args, **kwargs)``), is
    ("Column", "Column"). A name the method imports itself is spelled from its module:
    ``from flask.ext.sqlalchemy import SQLAlchemy; self.db = SQLAlchemy(self)`` is ("db",
    "flask_sqlalchemy:SQLAlchemy()") (skylines of 2013). Anything else bound, or a name the
    method binds itself (a parameter, a local), is ("name", ""): not known, since the names are
    resolved in the module. Nested functions and classes have their own ``self``."""

    def __init__(self, self_name: str, params: frozenset[str]) -> None:
        self.self_name = self_name
        self.local = set(params)  # names the method binds: not the module's
        # names the method imports: local -> (module, the name imported from it, "" for a module)
        self.imported: dict[str, tuple[str, str]] = {}
        self.bound: list[tuple[str, str]] = []
        self.relays: dict[str, str] = {}  # inner function -> the callee it hands its arguments to

    @property
    def found(self) -> list[tuple[str, str]]:
        out = []
        for attr, made in self.bound:
            name = re.split(r"[.(]", made, maxsplit=1)[0]
            if name in self.imported:
                module, imported = self.imported[name]
                after = made[len(name):]
                out.append((attr, f"{module}{IMPORTED}{imported}{after}" if imported
                            else f"{module}{IMPORTED}{after.removeprefix('.')}"))
            else:
                out.append((attr, "" if name in self.local else made))
        return out

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        names = () if isinstance(node.names, cst.ImportStar) else node.names
        module = flask_ext(dotted(node.module) or "") if node.module is not None else ""
        for alias in names:
            name = dotted(alias.name) or ""
            local = ident(alias.asname.name.value) if isinstance(
                alias.asname, cst.AsName) and isinstance(alias.asname.name, cst.Name) else name
            if node.relative or not module or not name:
                self.local.add(local)  # a relative import: not followed, not known
            else:
                self.imported[local] = (module, name)
        return False

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            full = flask_ext(dotted(alias.name) or "")
            if isinstance(alias.asname, cst.AsName) and isinstance(alias.asname.name, cst.Name):
                self.imported[ident(alias.asname.name.value)] = (full, "")
            else:
                self.imported[full.split(".")[0]] = (full.split(".")[0], "")  # `import a.b`
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        relayed = _relayed(node)
        name = ident(node.name.value)
        if relayed:
            self.relays[name] = relayed
        else:
            self.relays.pop(name, None)
            self.local.add(name)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.local.add(ident(node.name.value))
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_Assign(self, node: cst.Assign) -> bool:
        for t in node.targets:
            if isinstance(t.target, cst.Attribute) and dotted(t.target.value) == self.self_name:
                self.bound.append((ident(t.target.attr.value), self._made(node.value)))
            elif isinstance(t.target, cst.Name):
                self.local.add(ident(t.target.value))
        return False

    def _made(self, value: cst.BaseExpression) -> str:
        if isinstance(value, cst.Call):
            callee = dotted(value.func)
            return f"{callee}()" if callee else ""
        name = dotted(value) or ""
        return self.relays.get(name, name)


def _relayed(node: cst.FunctionDef) -> str | None:
    """The callee a function hands its arguments on to, when its last statement returns a call
    of its own parameters in their order, its ``*args`` and ``**kwargs`` after them."""
    body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
    last = body[-1] if body else None
    small = last.body[0] if isinstance(last, cst.SimpleStatementLine) and last.body else None
    if not isinstance(small, cst.Return) or not isinstance(small.value, cst.Call):
        return None
    params = node.params
    expected = [ident(p.name.value) for p in (*params.posonly_params, *params.params)]
    if isinstance(params.star_arg, cst.Param):
        expected.append("*" + ident(params.star_arg.name.value))
    if params.star_kwarg is not None:
        expected.append("**" + ident(params.star_kwarg.name.value))
    given = [f"{a.star}{a.value.value}" if isinstance(a.value, cst.Name) and not a.keyword
             else "?" for a in small.value.args]
    return dotted(small.value.func) if given == expected else None


class _Callees(cst.CSTVisitor):
    """The dotted callee of every call in an expression, outermost first."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        name = dotted(node.func)
        if name is None and isinstance(node.func, cst.Attribute):
            name = ident(node.func.attr.value)  # f.encrypt(x) on a call: Fernet(k).encrypt
        if name:
            self.found.append(name)
        return True


class Assigned(cst.CSTVisitor):
    """How often each local name is bound in a function body, by any statement."""

    def __init__(self) -> None:
        self.counts: dict[str, int] = {}

    def _bind(self, target: cst.CSTNode) -> None:
        if isinstance(target, cst.Name):
            name = ident(target.value)
            self.counts[name] = self.counts.get(name, 0) + 1
        elif isinstance(target, (cst.Tuple, cst.List)):
            for element in target.elements:
                self._bind(element.value)
        elif isinstance(target, cst.StarredElement):
            self._bind(target.value)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> bool:
        self._bind(node.target)
        return True

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        self._bind(node.target)
        return True

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._bind(node.target)
        return True

    def visit_For(self, node: cst.For) -> bool:
        self._bind(node.target)
        return True

    def visit_AsName(self, node: cst.AsName) -> bool:
        self._bind(node.name)
        return True

    def visit_NamedExpr(self, node: cst.NamedExpr) -> bool:
        self._bind(node.target)
        return True


# Not nested_classes._Bound, which errs wide to stay safe: these counts decide class_strings
class ClassBound(Assigned):
    """How often each name is bound in a class body (its methods and classes by their
    definition, not what their own bodies bind). Every class body of every model file is
    counted, so the values of its statements are not walked: descending into each
    ``Column(...)`` call doubled the time of a cold check. A walrus inside a class-body value
    (``x = (y := ...)``) is therefore not counted."""

    def visit_Assign(self, node: cst.Assign) -> bool:
        for target in node.targets:
            self._bind(target.target)
        return False

    def visit_AnnAssign(self, node: cst.AnnAssign) -> bool:
        if node.value is not None:  # `__flavor__: str` alone binds nothing
            self._bind(node.target)
        return False

    def visit_AugAssign(self, node: cst.AugAssign) -> bool:
        self._bind(node.target)
        return False

    def visit_Expr(self, node: cst.Expr) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self._bind(node.name)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self._bind(node.name)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


# What a module-level loop may build that the inventory reads
_BUILDERS = frozenset({"Table", "type", "Column", "mapped_column", "setattr",
                       "map_imperatively"})


def nested_calls(node: cst.BaseExpression) -> tuple[str, ...]:
    """The dotted callees of the calls inside ``node`` but ``node`` itself ("" for a callee
    that is no dotted name). A lambda's body runs later, if ever, so it is left out."""
    finder = _NestedCalls(node)
    node.visit(finder)
    return tuple(dict.fromkeys(finder.found))


class _NestedCalls(cst.CSTVisitor):
    def __init__(self, outer: cst.CSTNode) -> None:
        self.outer = outer
        self.found: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        if node is not self.outer:
            self.found.append(dotted(node.func) or literal_method(node.func))
        return True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


class Builds(cst.CSTVisitor):
    """Does a subtree build a table, a column or a class (what a loop must not hide)?"""

    def __init__(self, builders: frozenset[str] = frozenset()) -> None:
        self.builders = builders or _BUILDERS
        self.found: list[str] = []
        self.classes = False
        self.loops = False  # a loop inside: unrolled, nested loops multiply (a hang, 1000^3)

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.classes = True
        self.found.append("class statements")
        return False

    def visit_For(self, node: cst.For) -> bool:
        self.loops = True
        return True

    def visit_While(self, node: cst.While) -> bool:
        self.loops = True
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        name = (dotted(node.func) or "").rsplit(".", 1)[-1]
        if (name == "type" and len(node.args) != 3) or (
            # setattr(obj, name, value): only a value made by a call can be a column
            name == "setattr" and (len(node.args) != 3 or not isinstance(node.args[2].value,
                                                                          cst.Call))
        ):
            return True
        if name in self.builders:
            self.found.append(f"{name}(...)")
        return True


def column_spelled(node: cst.BaseExpression) -> bool:
    """``Column(...)``, ``sa.Column(...)``, ``db.mapped_column(...)``, by spelling
    (facts.COLUMN_CALLEES): what the safety net of the scanner accounts for
    (reviewer.scanner.stray_columns)."""
    return isinstance(node, cst.Call) and (
        (dotted(node.func) or "").rsplit(".", 1)[-1] in COLUMN_CALLEES)


def holds_column_call(node: cst.BaseExpression) -> bool:
    """Is there a column-spelled call in ``node`` (lambdas and functions left out)?"""
    finder = SpelledColumns(set())
    node.visit(finder)
    return bool(finder.found)


class SpelledColumns(cst.CSTVisitor):
    """The column-spelled calls in a subtree, each with the callee of the call it is an
    argument of ("" at the top) and of the innermost index- or constraint-spelled call it is
    inside ("" if none), leaving out what runs later if ever (function bodies, lambdas) and the
    subtrees in ``skip`` (by id: what the facts already hold)."""

    def __init__(self, skip: set[int]) -> None:
        self.skip = skip
        self.found: list[tuple[cst.Call, str, str]] = []
        self.outer: list[str] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        return id(node) not in self.skip and super().on_visit(node)

    def visit_Call(self, node: cst.Call) -> bool:
        if column_spelled(node):
            within = next((o for o in reversed(self.outer)
                           if o.rsplit(".", 1)[-1] in INDEX_MAKERS), "")
            self.found.append((node, self.outer[-1] if self.outer else "", within))
            return False  # its arguments are its configuration
        self.outer.append(dotted(node.func) or "an expression")
        return True

    def leave_Call(self, original_node: cst.Call) -> None:
        if self.outer and id(original_node) not in self.skip and not column_spelled(
            original_node
        ):
            self.outer.pop()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False  # the caller walks class statements itself


def returns_plain_value(stmt: cst.FunctionDef) -> bool:
    """Does every return of the function give a literal, a collection, or a local name bound
    only to one (fence: ``issuer_to_idp = {}`` ... ``return issuer_to_idp``)? Such a value is
    no column, whatever the function reads to fill it."""
    finder = Returns()
    stmt.body.visit(finder)
    if not finder.values:
        return False
    counts = assigned_counts(stmt)

    def plain(value: cst.BaseExpression | None) -> bool:
        if value is None or display_kind(value) is not None:
            return True
        if not isinstance(value, cst.Name):
            return False
        if value.value in _CONSTANTS:
            return True
        values = _bound_values(stmt, ident(value.value), counts)
        return values is not None and all(
            v is not None and display_kind(v) is not None for v in values)

    return all(plain(v) for v in finder.values)

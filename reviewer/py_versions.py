"""Python 2/3 compatibility tests the reader decides for Python 3 (``six.PY2``,
``sys.version_info[0] == 2``, ``sys.version_info >= (3,)``), so that of ``if six.PY2: ... else:
...`` only the branch Python 3 runs is read: a name bound in both is then bound once, as it is
when the code runs. A test that depends on anything else (a minor version, a setting) is left
undecided, and both branches are read as before."""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import libcst as cst

from reviewer.syntax import block_body, blocks_of, dotted, ident, statements

# What a module-level name may stand for, by where it was imported from
_SIX_MODULES = frozenset({"six", "django.utils.six", "sqlalchemy.util.compat.six"})
_FLAGS = {"PY2": False, "PY3": True}


def version_names(body: Sequence[cst.BaseStatement]) -> dict[str, str | bool]:
    """The module-level names a version test may read: ``"six"``, ``"sys"``,
    ``"sys.version_info"`` for what they stand for, and True/False for a flag imported from six
    (``from six import PY2``) or bound once to a test decided here (``PY3 =
    sys.version_info[0] == 3``). Imports under if/try/with are seen too, as the module body
    reads them."""
    names: dict[str, str | bool] = {}
    bound: dict[str, int] = {}
    _collect(body, names, bound)
    return {name: value for name, value in names.items() if bound.get(name, 0) <= 1}


def _collect(body: Sequence[cst.BaseStatement], names: dict[str, str | bool],
             bound: dict[str, int]) -> None:
    for stmt, small in statements(body):
        if isinstance(small, cst.Import):
            for alias in small.names:
                full = dotted(alias.name) or ""
                local = (ident(alias.asname.name.value) if alias.asname is not None
                         and isinstance(alias.asname.name, cst.Name) else None)
                if full in ("six", "sys") and local is None:
                    names[full] = full
                elif local is not None and (full in _SIX_MODULES or full == "sys"):
                    names[local] = "six" if full in _SIX_MODULES else "sys"
        elif isinstance(small, cst.ImportFrom) and not isinstance(small.names, cst.ImportStar):
            module = dotted(small.module) if small.module is not None and not small.relative \
                else None
            for alias in small.names:
                name = dotted(alias.name) or ""
                local = (ident(alias.asname.name.value) if alias.asname is not None
                         and isinstance(alias.asname.name, cst.Name) else name)
                if module is not None and f"{module}.{name}" in _SIX_MODULES:
                    names[local] = "six"  # from django.utils import six
                elif module is not None and (module in _SIX_MODULES or module == "six.moves") \
                        and name in _FLAGS:
                    names[local] = _FLAGS[name]
                elif module == "sys" and name == "version_info":
                    names[local] = "sys.version_info"
        elif isinstance(small, cst.Assign) and len(small.targets) == 1 and isinstance(
                small.targets[0].target, cst.Name):
            target = ident(small.targets[0].target.value)
            bound[target] = bound.get(target, 0) + 1
            decided = py3_value(small.value, names)
            if decided is not None:
                names[target] = decided
        elif isinstance(stmt, cst.If):
            decided = py3_value(stmt.test, names)
            for block in _branches(stmt, decided):
                _collect(block, names, bound)
        elif isinstance(stmt, (cst.Try, cst.TryStar, cst.With, cst.Match)):
            for block in blocks_of(stmt):
                _collect(block, names, bound)


def _branches(stmt: cst.If, decided: bool | None) -> list[Sequence[cst.BaseStatement]]:
    """The blocks of an if statement that may run: the one a decided test picks, else all."""
    orelse = stmt.orelse
    other: Sequence[cst.BaseStatement] = (
        block_body(orelse.body) if isinstance(orelse, cst.Else)
        else [orelse] if isinstance(orelse, cst.If) else []
    )
    if decided is None:
        return [block_body(stmt.body), other]
    return [block_body(stmt.body) if decided else other]


def live_branch(stmt: cst.If, names: Mapping[str, str | bool]
                ) -> Sequence[cst.BaseStatement] | None:
    """The statements Python 3 runs of an if statement whose test is decided here (an
    ``elif`` as a one-statement block); None when the test is not one."""
    decided = py3_value(stmt.test, names)
    return None if decided is None else _branches(stmt, decided)[0]


def live_body(body: Sequence[cst.BaseStatement], names: Mapping[str, str | bool]
              ) -> list[cst.BaseStatement]:
    """``body`` with every decided if statement at its top level replaced by the statements of
    the branch Python 3 runs (the original nodes, so their positions are kept)."""
    out: list[cst.BaseStatement] = []
    for stmt in body:
        live = live_branch(stmt, names) if isinstance(stmt, cst.If) and names else None
        if live is None:
            out.append(stmt)
        else:
            out.extend(live_body(live, names))
    return out


def py3_value(test: cst.BaseExpression, names: Mapping[str, str | bool]) -> bool | None:
    """The truth of ``test`` under every Python 3, when it is a version test; else None."""
    if not names:
        return None
    if isinstance(test, cst.UnaryOperation) and isinstance(test.operator, cst.Not):
        inner = py3_value(test.expression, names)
        return None if inner is None else not inner
    if isinstance(test, cst.BooleanOperation):
        left, right = py3_value(test.left, names), py3_value(test.right, names)
        stop = isinstance(test.operator, cst.Or)  # the value that decides either way
        if stop in (left, right):
            return stop
        return None if left is None or right is None else not stop
    if isinstance(test, (cst.Name, cst.Attribute)):
        found = _canonical(test, names)
        if isinstance(found, bool):
            return found
        if isinstance(found, str) and found.startswith("six."):
            return _FLAGS.get(found.removeprefix("six."))
        return None
    if isinstance(test, cst.Comparison) and len(test.comparisons) == 1:
        target = test.comparisons[0]
        return _compare(test.left, target.operator, target.comparator, names)
    return None


def _canonical(node: cst.BaseExpression, names: Mapping[str, str | bool]) -> str | bool | None:
    name = dotted(node)
    if name is None:
        return None
    head, dot, rest = name.partition(".")
    found = names.get(head)
    if isinstance(found, bool):
        return found if not dot else None
    return f"{found}{dot}{rest}" if found is not None else None


# The comparisons a version test may use: what each computes, and the operator that reads
# the same test from the other side
_OPS: dict[type[cst.BaseCompOp], tuple[Callable[[Any, Any], bool], type[cst.BaseCompOp]]] = {
    cst.LessThan: (operator.lt, cst.GreaterThan),
    cst.GreaterThan: (operator.gt, cst.LessThan),
    cst.LessThanEqual: (operator.le, cst.GreaterThanEqual),
    cst.GreaterThanEqual: (operator.ge, cst.LessThanEqual),
    cst.Equal: (operator.eq, cst.Equal),
    cst.NotEqual: (operator.ne, cst.NotEqual),
}


def _compare(left: cst.BaseExpression, op: cst.BaseCompOp, right: cst.BaseExpression,
             names: Mapping[str, str | bool]) -> bool | None:
    kind = _version_side(left, names)
    if kind is None:  # (3,) <= sys.version_info: the same test read from the other side
        kind = _version_side(right, names)
        if kind is None or type(op) not in _OPS:
            return None
        left, right, op = right, left, _OPS[type(op)][1]()
    if type(op) not in _OPS:
        return None
    if kind == "major":  # sys.version_info[0], sys.version_info.major: 3
        value = _int(right)
        return None if value is None else _apply(op, (3,), (value,))
    if not isinstance(right, cst.Tuple):
        return None
    values = [_int(e.value) for e in right.elements]
    ints = [v for v in values if v is not None]
    if not ints or len(ints) != len(values):
        return None
    if ints[0] != 3:
        return _apply(op, (3,), (ints[0],))
    if any(ints[1:]):  # (3, 12): depends on the minor version
        return None
    # (3,) or (3, 0): every Python 3's version_info (3, minor, micro, ...) is greater
    return _apply(op, (1,), (0,))


def _version_side(node: cst.BaseExpression, names: Mapping[str, str | bool]) -> str | None:
    if isinstance(node, cst.Subscript) and len(node.slice) == 1:
        index = node.slice[0].slice
        if (_canonical(node.value, names) == "sys.version_info" and isinstance(index, cst.Index)
                and _int(index.value) == 0):
            return "major"
        return None
    found = _canonical(node, names) if isinstance(node, (cst.Name, cst.Attribute)) else None
    if found == "sys.version_info.major":
        return "major"
    return "tuple" if found == "sys.version_info" else None


def _int(node: cst.BaseExpression) -> int | None:
    return int(node.value) if isinstance(node, cst.Integer) and node.value.isdigit() else None


def _apply(op: cst.BaseCompOp, left: tuple[int, ...], right: tuple[int, ...]) -> bool:
    return _OPS[type(op)][0](left, right)

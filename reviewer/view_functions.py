"""A module-level function that builds a view's table from a query it is given: the Views
recipe of SQLAlchemy's wiki, which applications copy (c2corg_v6_api's ``ext/sqa_view.py``)::

    def view(name, schema, metadata, selectable):
        t = Table(name, MetaData(), schema=schema)
        for c in selectable.c:
            t.append_column(Column(c.name, c.type, primary_key=c.primary_key))
        return t

A class mapped on what it returns (``__table__ = view("routes_for_outings", ...)``) maps a
database view: every column is a copy of one the query selects from the tables it reads, and
the table sits on a throwaway ``MetaData()`` (or is a ``table()`` clause), so ``create_all``
never makes it. Its rows are those tables' rows, masked where they are, so the class owns no
column to check. Read from the syntax alone: anything else in the function that builds a
column, or a table on a metadata the function is given, and it is no view."""

from __future__ import annotations

import libcst as cst

from reviewer.bodies import column_spelled
from reviewer.syntax import block_body, dotted, param_names, single_binding, statements

# What a selectable's columns are reached by: .c and .columns (every release),
# .selected_columns and .exported_columns (1.4 and later)
_COLUMN_SETS = frozenset({"c", "columns", "selected_columns", "exported_columns"})
# What makes the view's table: Table(name, MetaData(), ...) or the table(name) clause
_TABLES = frozenset({"Table", "table", "TableClause"})


def selectable_view(stmt: cst.FunctionDef) -> bool:
    """Is ``stmt`` the Views recipe: one table bound at the top of the body, on a fresh
    ``MetaData()`` or a ``table()`` clause, given no column; columns only appended to it in
    loops over a parameter's column set, each named by the loop variable's ``.name`` or
    ``.key``; and every return that table?"""
    params = set(param_names(stmt.params))
    top = statements(block_body(stmt.body))
    bound = [(target.value, value) for _s, small in top
             if (pair := single_binding(small)) is not None
             and isinstance(target := pair[0], cst.Name)
             and isinstance(value := pair[1], cst.Call) and _tail(value) in _TABLES]
    if len(bound) != 1 or not _fresh(bound[0][1]):
        return False
    table = bound[0][0]
    finder = _Uses(table, params)
    stmt.body.visit(finder)
    return (finder.copied and not finder.other and bool(finder.returns)
            and all(isinstance(r, cst.Name) and r.value == table for r in finder.returns))


def _fresh(call: cst.Call) -> bool:
    """Given no column, and, for ``Table``, a ``MetaData(...)`` made right there."""
    positional = [a.value for a in call.args if a.keyword is None and not a.star]
    if any(a.star for a in call.args) or any(map(column_spelled, positional)):
        return False
    if _tail(call) != "Table":
        return len(positional) == 1
    metadata = positional[1] if len(positional) > 1 else next(
        (a.value for a in call.args if a.keyword is not None and a.keyword.value == "metadata"),
        None)
    return isinstance(metadata, cst.Call) and _tail(metadata) == "MetaData"


def _tail(call: cst.Call) -> str:
    """The last name of a dotted callee (``sa.Table`` -> ``Table``), "" for any other."""
    return (dotted(call.func) or "").rsplit(".", 1)[-1]


class _Uses(cst.CSTVisitor):
    """The column calls of a function body: each copied from a loop variable over a
    parameter's column set into ``table`` (``copied``), or anything else (``other``)."""

    def __init__(self, table: str, params: set[str]) -> None:
        self.table = table
        self.params = params
        self.loops: list[str] = []  # loop variables over a parameter's column set, innermost last
        self.copied = False
        self.other = False
        self.returns: list[cst.BaseExpression | None] = []

    def _opaque(self, node: cst.CSTNode) -> bool:
        self.other = True  # a nested function or class may run anywhere, with anything
        return False

    visit_FunctionDef = visit_Lambda = visit_ClassDef = _opaque

    def visit_Return(self, node: cst.Return) -> bool:
        self.returns.append(node.value)
        return True

    def visit_For(self, node: cst.For) -> bool:
        it = node.iter
        if (isinstance(node.target, cst.Name) and isinstance(it, cst.Attribute)
                and it.attr.value in _COLUMN_SETS and isinstance(it.value, cst.Name)
                and it.value.value in self.params):
            self.loops.append(node.target.value)
        else:
            self.loops.append("")
        return True

    def leave_For(self, original_node: cst.For) -> None:
        self.loops.pop()

    def visit_Call(self, node: cst.Call) -> bool:
        callee = dotted(node.func) or ""
        if column_spelled(node):
            self.other = True  # a column outside append_column(...) in a copying loop
            return False
        if callee == f"{self.table}.append_column":
            column = node.args[0].value if len(node.args) == 1 else None
            if (self.loops and self.loops[-1] and isinstance(column, cst.Call)
                    and column_spelled(column) and column.args and column.args[0].keyword is None
                    and dotted(column.args[0].value) in (f"{self.loops[-1]}.name",
                                                          f"{self.loops[-1]}.key")):
                self.copied = True
                return False
            self.other = True
            return False
        if (callee.endswith("._make_proxy") and self.loops and self.loops[-1]
                and callee == f"{self.loops[-1]}._make_proxy"
                and any(dotted(a.value) == self.table for a in node.args)):
            self.copied = True  # the wiki's older form: c._make_proxy(t)
            return False
        return True

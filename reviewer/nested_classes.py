"""Class statements nested in a class body (``class Handler: class AdminUser(db.Model):
__tablename__ = "admin_users"``): which of them the reader reads, as the class
``Handler.AdminUser``, and what the enclosing body binds, which decides it. Those not read
are left to the scanner's safety net: their column calls block as strays."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

import libcst as cst

from reviewer.syntax import block_body, dotted, ident, literal_str, refs_in, statements


def readable_nested(outer: cst.ClassDef, prefix: str) -> Iterator[tuple[str, cst.ClassDef]]:
    """The class statements directly in ``outer``'s body, and in theirs, that are read as
    classes (``prefix`` is ``outer``'s qualified name): each with its qualified name, in
    source order, an outer class before those nested in it. A nested class is read when
    that reading is exact: its bases, keywords and decorators (evaluated in the enclosing
    body) name nothing that body binds, so they mean what they mean at module level; its own
    body sees the module, not the enclosing class, as the reader reads it; and its table name
    is a literal (a naming convention would work from ``__name__``, which is not the
    qualified name kept here). Any other stays unread, and its columns block as strays
    (``scanner.stray_columns``)."""
    body = block_body(outer.body)
    nested = [stmt for stmt, _small in statements(body) if isinstance(stmt, cst.ClassDef)]
    if not nested:
        return  # most classes: walking the body for what it binds cost a cold check 40 %
    bound = _class_bound(body)
    for stmt in nested:
        name = f"{prefix}.{ident(stmt.name.value)}"
        if _literal_tablename(stmt) and not any(
            "*" in bound or ref.split(".", 1)[0] in bound
            for part in (*stmt.decorators, *stmt.bases, *stmt.keywords)
            for ref in refs_in(part)
        ):
            yield name, stmt
        yield from readable_nested(stmt, name)


# Not bodies.ClassBound: a missed name misreads a base, so this errs wide (values, imports)
class _Bound(cst.CSTVisitor):
    """The names a class body binds in its own scope (not in its functions or classes)."""

    def __init__(self) -> None:
        self.names: set[str] = set()

    def _target(self, node: cst.CSTNode) -> None:
        if isinstance(node, cst.Name):
            self.names.add(node.value)
        elif isinstance(node, (cst.Tuple, cst.List)):
            for element in node.elements:
                self._target(element.value)
        elif isinstance(node, cst.StarredElement):
            self._target(node.value)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            self._target(target.target)

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._target(node.target)

    def visit_AugAssign(self, node: cst.AugAssign) -> None:
        self._target(node.target)

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        self._target(node.target)

    def visit_For(self, node: cst.For) -> None:
        self._target(node.target)

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None:
            self._target(node.asname.name)

    def visit_ExceptHandler(self, node: cst.ExceptHandler) -> None:
        if node.name is not None:
            self._target(node.name.name)

    def visit_ImportAlias(self, node: cst.ImportAlias) -> None:
        bound = node.asname.name if node.asname is not None else node.name
        self.names.add((dotted(bound) or "").split(".", 1)[0])

    def visit_ImportStar(self, node: cst.ImportStar) -> None:
        self.names.add("*")

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        self.names.add(node.name.value)
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_MatchAs(self, node: cst.MatchAs) -> None:
        if node.name is not None:
            self._target(node.name)

    def visit_MatchStar(self, node: cst.MatchStar) -> None:
        if node.name is not None:
            self._target(node.name)


def _class_bound(body: Sequence[cst.BaseStatement]) -> set[str]:
    """What a class body binds; with a ``from x import *`` in it, ``"*"``: anything."""
    finder = _Bound()
    for stmt in body:
        stmt.visit(finder)
    return finder.names


def _literal_tablename(node: cst.ClassDef) -> bool:
    """Does the class body assign ``__tablename__`` a string literal (and nothing else)?"""
    values = [small.value for _stmt, small in statements(block_body(node.body))
              if isinstance(small, (cst.Assign, cst.AnnAssign)) and any(
                  dotted(t) == "__tablename__"
                  for t in ([x.target for x in small.targets] if isinstance(small, cst.Assign)
                            else [small.target]))]
    return bool(values) and all(v is not None and literal_str(v) is not None for v in values)

"""What a libcst node spells on its own, with no other statement to look at: identifiers and
dotted names, literals, the labels an expression references, a block's statements. Every part
of the reader (reviewer.scanner and the modules it uses) reads nodes through these."""

from __future__ import annotations

import dataclasses
import functools
import unicodedata
from collections.abc import Iterable, Mapping, Sequence

import libcst as cst


def ident(name: str) -> str:
    """An identifier as Python binds it: NFKC-normalised while parsing (PEP 3131), so a
    full-width (U+FF53 U+FF53 U+FF4E) attribute is the column ``ssn`` at run time."""
    return name if name.isascii() else unicodedata.normalize("NFKC", name)


def dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return ident(node.value)
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{ident(node.attr.value)}" if head else None
    return None


def literal_str(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _getattr_name(node: cst.Call) -> str | None:
    """``getattr(ColumnVisibility, "PRIVATE")`` -> ``ColumnVisibility.PRIVATE``."""
    if not (isinstance(node.func, cst.Name) and node.func.value == "getattr"):
        return None
    if len(node.args) < 2 or any(a.keyword is not None or a.star for a in node.args[:2]):
        return None
    head, attr = dotted(node.args[0].value), literal_str(node.args[1].value)
    if head is None or attr is None or not attr.isidentifier():
        return None
    return f"{head}.{ident(attr)}"


_CONSTANTS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)


def is_constant(node: cst.BaseExpression) -> bool:
    return isinstance(node, _CONSTANTS) or (
        isinstance(node, cst.Name) and node.value in ("True", "False", "None")
    )


def refs_in(node: cst.CSTNode) -> list[str]:
    """Every maximal dotted name (``a.b.c``, not also ``a.b``) inside an expression."""
    if isinstance(node, (cst.Name, cst.Attribute)):
        text = dotted(node)
        if text is not None:
            return [] if text in ("True", "False", "None") else [text]
    if isinstance(node, cst.Call):
        name = _getattr_name(node)
        if name is not None:
            return [name]
    if isinstance(node, _CONSTANTS):
        return []
    if isinstance(node, cst.Arg):  # the keyword of f(k=v) names a parameter, not a value
        return refs_in(node.value)
    if isinstance(node, cst.Param):
        return [r for part in (node.annotation, node.default) if part is not None
                for r in refs_in(part)]
    out: list[str] = []
    for child in node.children:
        out.extend(refs_in(child))
    return out


# Fields that hold only punctuation and whitespace: no name can be inside them.
_NO_NAMES = frozenset({
    "lpar", "rpar", "lbrace", "rbrace", "lbracket", "rbracket", "comma", "equal", "colon",
    "dot", "semicolon", "star", "operator", "asynchronous",
})


@functools.cache
def _name_fields(cls: type[cst.CSTNode]) -> tuple[str, ...]:
    """The fields of a node class that may hold names, in declaration order."""
    return tuple(f.name for f in dataclasses.fields(cls)
                 if f.name not in _NO_NAMES and not f.name.startswith("whitespace"))


def _dotted_names(node: cst.CSTNode, out: set[str]) -> None:
    """Every maximal dotted name in a subtree, and ``getattr(X, "Y")`` as ``X.Y``: what a label
    reference can be. A direct walk over the node fields: libcst's visitor machinery costs
    ~5x more for the same nodes (it is built to rewrite trees)."""
    kind = type(node)
    if kind is cst.Name:
        out.add(ident(node.value))  # type: ignore[attr-defined]
        return
    if kind is cst.Attribute:
        text = dotted(node)  # type: ignore[arg-type]
        if text is not None:
            out.add(text)  # the chain is one name; its parts are not labels themselves
            return
    elif kind is cst.Call:
        name = _getattr_name(node)  # type: ignore[arg-type]
        if name is not None:
            out.add(name)
    for field_name in _name_fields(kind):
        value = getattr(node, field_name)
        if isinstance(value, cst.CSTNode):
            _dotted_names(value, out)
        elif isinstance(value, (tuple, list)):
            for item in value:
                if isinstance(item, cst.CSTNode):
                    _dotted_names(item, out)


def find_labels(
    node: cst.CSTNode | None, labels: Sequence[str], aliases: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    if node is None or not labels:
        return ()
    names: set[str] = set()
    _dotted_names(node, names)
    found: set[str] = set()
    for text in names:
        head, dot, rest = text.partition(".")
        if aliases and head in aliases:  # `from app.vis import ColumnVisibility as CV`
            text = aliases[head] + dot + rest
        for label in labels:
            if text == label or text.endswith("." + label):
                found.add(label)
    return tuple(label for label in labels if label in found)


_EMPTY_MODULE = cst.Module(body=[])


def expr_code(node: cst.CSTNode) -> str:
    """Source text of a (small) expression, with its own parentheses."""
    if type(node) is cst.Name and not node.lpar:
        return node.value.strip()  # `int`, `str`
    return _EMPTY_MODULE.code_for_node(node).strip()


def statements(body: Sequence[cst.BaseStatement]) -> Iterable[
    tuple[cst.BaseStatement, cst.BaseSmallStatement | None]
]:
    """Each statement, and each small statement of a ``a = 1; b = 2`` line on its own."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                yield stmt, small
        else:
            yield stmt, None


def param_names(params: cst.Parameters, *, starred: bool = False) -> set[str]:
    """The names a function's parameters bind: those given by position or keyword, and with
    ``starred`` its ``*args`` and ``**kwargs`` too."""
    named = {ident(p.name.value)
             for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    if starred:
        named.update(ident(p.name.value) for p in (params.star_arg, params.star_kwarg)
                     if isinstance(p, cst.Param))
    return named


def block_body(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return block.body
    if isinstance(block, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=block.body)]
    return []


def uncall(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.func if isinstance(node, cst.Call) else node


def literal_strings(node: cst.BaseExpression) -> list[str] | None:
    """``("user", "group")``: the strings of a literal tuple, list or set; else None."""
    if not isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return None
    values = [literal_str(e.value) if isinstance(e, cst.Element) else None
              for e in node.elements]
    strs = [v for v in values if v is not None]
    return strs if len(strs) == len(values) else None


def blocks_of(stmt: cst.Try | cst.TryStar | cst.With | cst.Match
              ) -> list[Sequence[cst.BaseStatement]]:
    """The statement lists of a try (body, handlers, else, finally), a with, or a match's
    cases."""
    if isinstance(stmt, cst.With):
        return [block_body(stmt.body)]
    if isinstance(stmt, cst.Match):
        return [block_body(case.body) for case in stmt.cases]
    blocks = [block_body(stmt.body), *(block_body(h.body) for h in stmt.handlers)]
    for extra in (stmt.orelse, stmt.finalbody):
        if extra is not None:
            blocks.append(block_body(extra.body))
    return blocks


def cast_value(call: cst.Call) -> cst.BaseExpression | None:
    """``cast(T, value)``'s value: the second of exactly two positional arguments, else None
    (whose ``cast`` it is, typing's or SQLAlchemy's, is the caller's to judge)."""
    args = call.args
    if len(args) == 2 and not any(a.keyword is not None or a.star for a in args):
        return args[1].value
    return None


def literal_method(func: cst.BaseExpression) -> str:
    """``str.join`` for ``", ".join(...)``: a method of a string literal is str's (Beaker's
    ``_field_fmt = ", ".join(...)`` in a mapped class); "" for any other callee that is no
    dotted name."""
    if isinstance(func, cst.Attribute) and isinstance(
            func.value, (cst.SimpleString, cst.ConcatenatedString, cst.FormattedString)):
        return f"str.{func.attr.value}"
    return ""


def single_binding(small: cst.BaseSmallStatement | None
                   ) -> tuple[cst.BaseExpression, cst.BaseExpression] | None:
    """``target = value`` or ``target: T = value`` with one target: (target, value); else
    None (a chained or augmented assignment, a bare annotation, any other statement)."""
    if isinstance(small, cst.Assign) and len(small.targets) == 1:
        return small.targets[0].target, small.value
    if isinstance(small, cst.AnnAssign) and small.value is not None:
        return small.target, small.value
    return None

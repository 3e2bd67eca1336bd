"""Per-file extraction: what one Python file declares, read with libcst and never imported.

The facts are deliberately unresolved (callees and bases stay as written, e.g. ``mc`` or
``db.Column``): resolving them needs other files, which ``reviewer.resolution`` does. That
keeps one file's facts a pure function of its text and the configured labels, so they can be
cached by content hash as JSON.

Only libcst reads the code: the host interpreter's ``ast`` is never used, because its grammar
depends on the Python that runs the tool (PEP 695 parses on 3.12 and not on 3.11), and the
same repository must read the same under every supported Python.

Positions: libcst's ``PositionProvider`` costs ~2.5x the parse itself, so ``_Spans`` records
only what the facts need (statements and calls) during one plain code generation pass, as token
offsets that are turned into line numbers afterwards (~0.3x the parse).
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from reviewer.facts import (
    FLASK_EXT_PACKAGES,
    SELF_BASE,
    AliasFacts,
    AnnFacts,
    CallFacts,
    ClassFacts,
    ColRef,
    FactoryFacts,
    ImportFacts,
    LateFacts,
    MadeClass,
    ModuleFacts,
    Stmt,
    StrExpr,
    TablenameKind,
    VersionedFacts,
    mentions_sqlalchemy,
)
from reviewer.source_text import (
    NEWLINE,
    decode_source,
    parse_module,
    pragmas,
    source_note,
    split_lines,
    syntax_error,
)

__all__ = [
    "AliasFacts", "AnnFacts", "CallFacts", "ClassFacts", "ImportFacts", "ModuleFacts", "Stmt",
    "TablenameKind", "find_labels", "mentions_sqlalchemy", "scan_source",
]

_OPTIONAL_WRAPPERS = ("Optional", "typing.Optional", "t.Optional")
_UNION_WRAPPERS = ("Union", "typing.Union", "t.Union")
# Positional arguments of Column()/mapped_column() that are not the column type.
_NON_TYPE_ARGS = frozenset(
    {"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "UniqueConstraint",
     "FetchedValue", "DefaultClause", "Index"}
)


# --------------------------------------------------------------------------- helpers


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


def _query_root(node: cst.BaseExpression | None) -> str | None:
    """``select(...).select_from(...).alias()`` -> ``select``: the dotted callee that starts a
    chain of method calls (None for anything else). A class whose ``__table__`` is a query or
    a join maps other tables and owns no column; the column builder checks the callee."""
    if not isinstance(node, cst.Call):
        return None
    while isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Call):
        node = node.func.value
    return dotted(node.func)


def _literal_str(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


def _getattr_name(node: cst.Call) -> str | None:
    """``getattr(ColumnVisibility, "PRIVATE")`` -> ``ColumnVisibility.PRIVATE``."""
    if not (isinstance(node.func, cst.Name) and node.func.value == "getattr"):
        return None
    if len(node.args) < 2 or any(a.keyword is not None or a.star for a in node.args[:2]):
        return None
    head, attr = dotted(node.args[0].value), _literal_str(node.args[1].value)
    if head is None or attr is None or not attr.isidentifier():
        return None
    return f"{head}.{ident(attr)}"


_CONSTANTS = (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float, cst.Imaginary)


def _is_constant(node: cst.BaseExpression) -> bool:
    return isinstance(node, _CONSTANTS) or (
        isinstance(node, cst.Name) and node.value in ("True", "False", "None")
    )


def _refs(node: cst.CSTNode) -> list[str]:
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
        return _refs(node.value)
    if isinstance(node, cst.Param):
        return [r for part in (node.annotation, node.default) if part is not None
                for r in _refs(part)]
    out: list[str] = []
    for child in node.children:
        out.extend(_refs(child))
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


def _merge_labels(labels: Sequence[str], *groups: Sequence[str]) -> tuple[str, ...]:
    found = {x for g in groups for x in g}
    return tuple(label for label in labels if label in found)


# --------------------------------------------------------------------------- positions


# The nodes whose lines and text the facts use. Recording every node is what makes
# PositionProvider slow.
_SPANNED = frozenset({
    cst.Call, cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr, cst.ClassDef, cst.FunctionDef,
    cst.Decorator, cst.Return, cst.Subscript, cst.For, cst.While,
})


class _NoSpan:
    __slots__ = ()

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


_NO_SPAN = _NoSpan()


class _Span:
    __slots__ = ("node", "spans", "start", "tokens")

    def __init__(self, node: cst.CSTNode, tokens: list[str],
                 spans: dict[cst.CSTNode, tuple[int, int]]) -> None:
        self.node, self.tokens, self.spans = node, tokens, spans
        self.start = 0

    def __enter__(self) -> None:
        self.start = len(self.tokens)

    def __exit__(self, *exc: object) -> None:
        self.spans[self.node] = (self.start, len(self.tokens))


class _SpanState(CodegenState):
    """Code generation that notes, for the spanned nodes, which tokens they produced.

    Lines are counted once at the end from the tokens (counting them as they are added would
    double the cost of the pass)."""

    __slots__ = ("spans",)

    def __init__(self, module: cst.Module) -> None:
        super().__init__(default_indent=module.default_indent,
                         default_newline=module.default_newline)
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}

    def record_syntactic_position(
        self, node: cst.CSTNode, *, start_node: cst.CSTNode | None = None,
        end_node: cst.CSTNode | None = None,
    ) -> Any:
        if type(node) in _SPANNED:
            return _Span(node, self.tokens, self.spans)
        return _NO_SPAN




class _Positions:
    """Lines and text of spanned nodes, computed on first use: a module that declares no class,
    table or alias never pays for the code generation pass."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.crlf = "\r" in text
        self.tokens: list[str] = []
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}
        self.newlines: list[int] = []
        self.ready = False

    def _compute(self) -> None:
        state = _SpanState(self.module)
        self.module._codegen(state)
        self.tokens = state.tokens
        self.spans = state.spans
        if self.crlf:
            counts: Iterable[int] = (len(NEWLINE.findall(t)) for t in self.tokens)
        else:
            counts = (t.count("\n") for t in self.tokens)
        # newlines[i]: line breaks in the tokens before token i
        self.newlines = list(itertools.accumulate(counts, initial=0))
        self.ready = True

    def line(self, node: cst.CSTNode) -> int:
        if not self.ready:
            self._compute()
        span = self.spans.get(node)
        return 1 + self.newlines[span[0]] if span else 0

    def end_line(self, node: cst.CSTNode) -> int:
        if not self.ready:
            self._compute()
        span = self.spans.get(node)
        if span is None:
            return 0
        start, end = span
        # libcst drops the module's last newline token after the fact when the file has none,
        # so the last statement's span can end one past the tokens
        end = min(end, len(self.tokens))
        # a block ends with its last line's newline; the statement ends on that line
        while end > start and self.tokens[end - 1] in ("", "\n", "\r\n", "\r"):
            end -= 1
        trailing = 0
        if end > start and self.tokens[end - 1].endswith(("\n", "\r")):
            trailing = 1
        return max(1 + self.newlines[end] - trailing, 1 + self.newlines[start])

    def text(self, node: cst.CSTNode) -> str:
        if not self.ready:
            self._compute()
        span = self.spans.get(node)
        if span is None:
            return self.module.code_for_node(node).strip()
        return "".join(self.tokens[span[0] : span[1]]).strip()


# --------------------------------------------------------------------------- extraction


class _Extractor:
    def __init__(self, positions: _Positions, text: str, labels: tuple[str, ...],
                 strings: set[str]) -> None:
        self.pos = positions
        self.labels = labels
        self.strings = strings
        self.aliases: dict[str, str] = {}
        self.lines = split_lines(text)  # for the comments around a column (classifier evidence)
        # Walking a CST subtree costs ~100x a substring test; most statements carry no label.
        self.tokens = tuple({label.rsplit(".", 1)[-1] for label in labels})
        self.any_token = any(t in text for t in self.tokens)
        # the same economy for the encrypting calls methods write columns through
        self.any_sealing = _SEALING.search(text) is not None

    def may_have_labels(self, scope: cst.CSTNode) -> bool:
        if not self.any_token:
            return False
        text = self.pos.text(scope)
        return any(t in text for t in self.tokens)

    def labels_in(self, node: cst.CSTNode | None, scope: cst.CSTNode | None = None
                  ) -> tuple[str, ...]:
        """Labels referenced in an expression; ``scope`` (a spanned node around it, or the
        node itself) is searched as text first."""
        if node is None or not self.labels:
            return ()
        if not self.may_have_labels(scope if scope is not None else node):
            return ()
        return find_labels(node, self.labels, self.aliases)

    def code(self, node: cst.CSTNode) -> str:
        return self.pos.text(node)

    def call(self, node: cst.Call, end_line: int = 0) -> CallFacts:
        callee = dotted(node.func) or ""
        name: str | None = None
        name_error = False
        type_text: str | None = None
        nullable: bool | None = None
        primary_key = unique = indexed = False
        key: str | None = None
        docs: list[str] = []
        refs: list[str] = []
        inner: CallFacts | None = None
        args: list[CallFacts] = []
        first_string: str | None = None
        name_expr: StrExpr | None = None
        reflected = viewonly = False
        secondary: tuple[str, str] | None = None
        is_table = callee.rsplit(".", 1)[-1] == "Table"
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for index, arg in enumerate(positional):
            value = arg.value
            text = _literal_str(value)
            if index == 0 and text is not None:
                name = first_string = text
                continue
            if index == 0 and (
                is_table
                or isinstance(value, (cst.FormattedString, cst.BinaryOperation))
                or (isinstance(value, cst.Call) and isinstance(value.func, cst.Attribute)
                    and isinstance(value.func.value, (cst.SimpleString, cst.FormattedString)))
                or (isinstance(value, cst.Name) and value.value in self.strings)
            ):
                # A name computed from constants; the resolver evaluates it across modules.
                name_expr = str_expr(value)
                if name_expr is None:
                    name_error = True
                continue
            if index == 0 and isinstance(value, (cst.Name, cst.Attribute, cst.Call)):
                # NAME_FROM_ELSEWHERE / prefixed("x"), or a type: the resolver tells which
                maybe = str_expr(value)
                name_expr = ("maybe", maybe) if maybe is not None else None
            if isinstance(value, cst.Call):
                facts = self.call(value)
                args.append(facts)
                if inner is None:
                    inner = facts
                tail = facts.callee.rsplit(".", 1)[-1]
                if type_text is None and tail not in _NON_TYPE_ARGS:
                    type_text = self.pos.text(value)
                continue
            ref = dotted(value)
            if ref is not None:
                refs.append(ref)
                if type_text is None:
                    type_text = ref
        for arg in node.args:
            if arg.keyword is None:
                continue
            kw = arg.keyword.value
            value = arg.value
            if not _is_constant(value):
                # info={"visibility": PRIVATE} where PRIVATE is a constant holding a label
                refs.extend(_refs(value))
            if kw == "name":
                literal = _literal_str(value)
                if literal is not None:
                    name = literal
                else:
                    expr = str_expr(value)
                    # name=X is a name whatever X is: never mistaken for a type below
                    name_expr = ("cat", (expr,)) if expr is not None else None
                    name_error = expr is None
            elif kw == "nullable":
                nullable = _literal_bool(value)
            elif kw == "primary_key":
                primary_key = _literal_bool(value) is True
            elif kw == "unique":
                unique = _literal_bool(value) is True
            elif kw == "index":
                indexed = _literal_bool(value) is True
            elif kw in ("doc", "comment"):
                literal = _literal_str(value)
                if literal:
                    docs.append(literal)
            elif kw == "key":
                key = _literal_str(value)
            elif kw in ("type_", "sa_type"):  # sa_type: SQLModel's Field(sa_type=...)
                type_text = self.code(value)
            elif kw == "sa_column" and isinstance(value, cst.Call) and inner is None:
                inner = self.call(value)  # SQLModel's Field(sa_column=Column(...))
            elif kw in ("autoload_with", "autoload"):
                reflected = True
            elif kw == "secondary":
                literal = _literal_str(value)
                ref = dotted(value)
                secondary = (("table", literal) if literal is not None
                             else ("name", ref) if ref is not None else None)
            elif kw == "viewonly":
                viewonly = _literal_bool(value) is True
        line = self.pos.line(node)
        return CallFacts(
            callee=callee,
            line=line,
            name=name,
            name_error=name_error,
            type=type_text,
            nullable=nullable,
            primary_key=primary_key,
            unique=unique,
            key=key,
            labels=self.labels_in(node),
            refs=tuple(dict.fromkeys(refs)),
            inner=inner,
            args=tuple(args),
            first_string=first_string,
            end_line=end_line or self.pos.end_line(node) or line,
            reflected=reflected,
            name_expr=name_expr,
            index=indexed,
            doc=" ".join(docs) or None,
            note=(source_note(self.lines, line, end_line or line)
                  if callee.rsplit(".", 1)[-1] in _COLUMN_FACTORIES else None),
            secondary=None if viewonly else secondary,
        )

    def annotation(self, node: cst.BaseExpression) -> AnnFacts | None:
        quoted = _literal_str(node)
        if quoted is not None:  # a: "Mapped[int]"
            try:
                node = cst.parse_expression(quoted)
            except cst.ParserSyntaxError:
                return None
        if not isinstance(node, cst.Subscript):
            return None
        wrapper = dotted(node.value)
        if wrapper is None or len(node.slice) != 1 or wrapper in _OPTIONAL_WRAPPERS:
            return None  # Optional[X] wraps no Mapped; plain_annotation reads it
        element = node.slice[0].slice
        if not isinstance(element, cst.Index):
            return None
        inner, optional = self.strip_optional(element.value)
        return AnnFacts(
            wrapper=wrapper,
            inner=_expr_code(inner) if not isinstance(inner, str) else inner,
            optional=optional,
            alias=dotted(inner) if not isinstance(inner, str) else None,
        )

    def plain_annotation(self, node: cst.BaseExpression) -> AnnFacts:
        """``str | None`` -> wrapper "", inner "str", optional."""
        quoted = _literal_str(node)
        if quoted is not None:
            try:
                node = cst.parse_expression(quoted)
            except cst.ParserSyntaxError:
                return AnnFacts(wrapper="", inner=quoted, optional=False)
        inner, optional = self.strip_optional(node)
        return AnnFacts(
            wrapper="",
            inner=inner if isinstance(inner, str) else _expr_code(inner),
            optional=optional,
            alias=dotted(inner) if not isinstance(inner, str) else None,
        )

    def strip_optional(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression | str, bool]:
        """``Optional[X]``, ``X | None``, ``Union[X, None]`` -> (X, True)."""
        text = _literal_str(node)
        if text is not None:  # Mapped["str | None"]
            parts = [p.strip() for p in text.split("|")]
            if "None" in parts:
                return " | ".join(p for p in parts if p != "None"), True
            m = re.fullmatch(r"(?:typing\.)?Optional\[(.*)\]", text.strip())
            return (m.group(1), True) if m else (text, False)
        if isinstance(node, cst.BinaryOperation) and isinstance(node.operator, cst.BitOr):
            left, right = node.left, node.right
            if isinstance(right, cst.Name) and right.value == "None":
                return self.strip_optional(left)[0], True
            if isinstance(left, cst.Name) and left.value == "None":
                return self.strip_optional(right)[0], True
            return node, False
        if isinstance(node, cst.Subscript):
            wrapper = dotted(node.value)
            elements = [
                e.slice.value for e in node.slice if isinstance(e.slice, cst.Index)
            ]
            if wrapper in _OPTIONAL_WRAPPERS and len(elements) == 1:
                return elements[0], True
            if wrapper in _UNION_WRAPPERS:
                rest = [e for e in elements if not (isinstance(e, cst.Name) and e.value == "None")]
                if len(rest) == 1 and len(rest) < len(elements):
                    return rest[0], True
        return node, False


_EMPTY_MODULE = cst.Module(body=[])


def _expr_code(node: cst.CSTNode) -> str:
    """Source text of a (small) expression, with its own parentheses."""
    if type(node) is cst.Name and not node.lpar:
        return node.value.strip()  # `int`, `str`
    return _EMPTY_MODULE.code_for_node(node).strip()


def _document(state: _ClassState, text: str) -> None:
    """Give the last column statement its attribute docstring, unless doc= already says."""
    last = state.stmts[-1]
    if last.call is not None and not last.call.doc:
        doc = " ".join(text.split())[:300]
        state.stmts[-1] = dataclasses.replace(last, call=dataclasses.replace(last.call, doc=doc))


def _statements(body: Sequence[cst.BaseStatement]) -> Iterable[
    tuple[cst.BaseStatement, cst.BaseSmallStatement | None]
]:
    """Each statement, and each small statement of a ``a = 1; b = 2`` line on its own."""
    for stmt in body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                yield stmt, small
        else:
            yield stmt, None


def _is_type_checking(test: cst.BaseExpression) -> bool:
    return dotted(test) in ("TYPE_CHECKING", "typing.TYPE_CHECKING", "t.TYPE_CHECKING")


def _block_body(block: cst.BaseSuite) -> Sequence[cst.BaseStatement]:
    if isinstance(block, cst.IndentedBlock):
        return block.body
    if isinstance(block, cst.SimpleStatementSuite):
        return [cst.SimpleStatementLine(body=block.body)]
    return []


class _ModuleBuilder:
    def __init__(self, ex: _Extractor) -> None:
        self.ex = ex
        self.imports: list[ImportFacts] = []
        self.classes: list[ClassFacts] = []
        self.standins: list[ClassFacts] = []  # class statements standing in for an import
        self.standin_imports: list[ImportFacts] = []  # and imports standing in for one
        self.functions: list[tuple[str, int, str | None]] = []
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
        self.returns: list[tuple[str, tuple[str, ...]]] = []
        self.made: list[MadeClass] = []
        self.returned: list[MadeClass] = []
        self.table_bindings: list[tuple[str, int]] = []
        self.type_calls = True  # does the text call type() at all (else skip the search)
        # module-level functions, for the mapping-time hooks of classes (filled only when the
        # text names a hook): name -> (the names it calls, what it builds and where, or None)
        self.callables: dict[str, _Callable] = {}
        self.autoload = True  # does the text mention autoload at all (else skip the search)

    def module_body(self, body: Sequence[cst.BaseStatement]) -> None:
        for stmt, small in _statements(body):
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                self.import_(small)
            elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)):
                self.module_assign(small)
                if isinstance(small, cst.Expr) and isinstance(small.value, cst.Call) and (
                    (dotted(small.value.func) or "").startswith("__all__.")
                ):
                    self.exports = None  # __all__.extend(...): no longer a known list
            elif isinstance(small, cst.AugAssign) and dotted(small.target) == "__all__":
                self.exports = None  # __all__ += ...
            elif isinstance(stmt, cst.ClassDef):
                name = ident(stmt.name.value)
                self.names.append(name)
                self.classes.append(self.class_(stmt))
            elif isinstance(stmt, cst.If):
                # Imports and definitions under if/else (TYPE_CHECKING, version checks).
                self.module_body(_block_body(stmt.body))
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.module_body(_block_body(orelse.body))
                elif isinstance(orelse, cst.If):
                    self.module_body([orelse])
            elif isinstance(stmt, (cst.Try, cst.TryStar)):
                self.module_try(stmt)
            elif isinstance(stmt, (cst.With, cst.Match)):
                for block in _blocks(stmt):  # every block that may run, as for if/else
                    self.module_body(block)
            elif isinstance(stmt, cst.For):
                self.module_loop(stmt)
            elif isinstance(stmt, cst.While):
                self.opaque_loop(stmt)
            elif isinstance(stmt, cst.FunctionDef):
                self.names.append(ident(stmt.name.value))
                self.nested_types(stmt)
                self.nested_reflected(stmt)
                helper = str_function(stmt)
                if helper is not None:
                    self.str_funcs.append((ident(stmt.name.value), *helper))
                finder = _Returns()
                stmt.body.visit(finder)
                made = returned_calls(stmt, finder.values)
                if made:
                    self.returns.append((ident(stmt.name.value), made))
                    self.returned_call_args(stmt, finder.values)
                self.functions.append((ident(stmt.name.value), self.first_line(stmt),
                                       self.base_problem(stmt, finder)))
                self.factory_function(stmt)
                self.class_function(stmt, finder.values)

    def module_try(self, stmt: cst.Try | cst.TryStar) -> None:
        """Every block that may run, as for if/else, except the stand-in an import fallback
        binds: after ``try: from flask_dance... import Mixin`` / ``except ImportError: Mixin =
        BaseException``, the import is what runs where the package is installed, so the
        handler's ``Mixin = ...`` must not hide it (the resolver prefers a binding)."""
        mark = len(self.imports)
        self.module_body(_block_body(stmt.body))
        imported = {i.local for i in self.imports[mark:]}
        for handler in stmt.handlers:
            marks = (len(self.bindings), len(self.instances), len(self.consts),
                     len(self.classes), len(self.imports))
            self.module_body(_block_body(handler.body))
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
                self.module_body(_block_body(extra.body))

    def module_loop(self, stmt: cst.For) -> None:
        """``for entity in ("user", "group"): Table(f"{entity}_roles", ...)``: a loop over a
        literal tuple of strings is unrolled, its body read once per value with the loop
        variable (and the strings the body builds from it) put in place. Any other loop that
        builds tables or classes blocks."""
        values = _literal_strings(stmt.iter)
        body = _block_body(stmt.body)
        finder = _Builds()
        stmt.body.visit(finder)
        if not finder.found:
            return  # builds nothing the inventory reads
        if values is None or not isinstance(stmt.target, cst.Name) or finder.classes or (
            finder.loops or stmt.asynchronous is not None
        ):
            self.opaque_loop(stmt, finder)
            return
        var = ident(stmt.target.value)
        counter = _Assigned()
        stmt.body.visit(counter)
        for value in values:
            env = _body_strings(body, None, counter.counts, {var: ("lit", value)})
            marks = (len(self.tables), len(self.late), len(self.made))
            self.module_body(body)
            self.tables[marks[0]:] = [_bind_call(c, env) for c in self.tables[marks[0]:]]
            self.late[marks[1]:] = [
                dataclasses.replace(x, call=_bind_call(x.call, env) if x.call else None)
                for x in self.late[marks[1]:]
            ]
            self.made[marks[2]:] = [_bind_made(m, env) for m in self.made[marks[2]:]]

    def opaque_loop(self, stmt: cst.For | cst.While, finder: _Builds | None = None) -> None:
        """A module-level loop the reader cannot unroll: what it builds would be lost, so it
        blocks at the loop's line if it builds tables, columns or classes."""
        if finder is None:
            finder = _Builds()
            stmt.body.visit(finder)
        if not finder.found:
            return
        kind = "for" if isinstance(stmt, cst.For) else "while"
        self.errors.append((
            self.ex.pos.line(stmt),
            f"a {kind} loop at module level builds {finder.found[0]}, which masking-reviewer "
            "cannot read (it unrolls only `for name in (\"a\", \"b\"):` loops over literal "
            "strings, with no class statement or other loop in them); write the tables or "
            "classes out one by one, or loop over a literal tuple of strings",
        ))

    def import_(self, small: cst.Import | cst.ImportFrom) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                full = flask_ext(dotted(alias.name) or "")
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports.append(ImportFacts(ident(alias.asname.name.value), full, None))
                else:
                    head = full.split(".")[0]
                    self.imports.append(ImportFacts(head, head, None))
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
                value = small.value
        elif isinstance(small, cst.AnnAssign):
            target = dotted(small.target)
            value = small.value
        else:
            value = small.value
        if target is not None and "." not in target:
            self.names.append(target)
        if value is None:
            return
        if target is not None and "." not in target:
            if any(c.name == target for c in self.classes):
                # `class ModelBase: ...` then `ModelBase = declarative_base(cls=ModelBase)`
                self.rebound.append(target)
            self.module_binding(target, value)
        if isinstance(value, cst.Call):
            callee = dotted(value.func) or ""
            if target is not None and "." not in target:
                self.instances.append((target, callee))
            if callee.rsplit(".", 1)[-1] == "Table":
                self.tables.append(ex.call(value))
                if target is not None and "." not in target:
                    self.table_bindings.append((target, self.tables[-1].line))
            self.late_mapping(small, target, value, callee)
            if target is not None and "." not in target and callee.rsplit(".", 1)[-1] == "partial":
                self.partial_preset(target, value)
        elif target is not None and "." in target and type(value) in _WRAPPING_VALUES:
            self.late_expr(small, target, value)
        alias = self.annotated_alias(target, value, small)
        if alias is not None:
            self.aliases.append(alias)
            return
        if target is not None and "." not in target:
            found = ex.labels_in(value, small)
            refs: tuple[str, ...] = ()
            if isinstance(value, (cst.Dict, cst.Name, cst.Attribute)) or (
                isinstance(value, cst.Call) and dotted(value.func) == "dict"
            ):
                refs = tuple(dict.fromkeys(_refs(value)))
            if found or refs:
                self.consts.append((target, found, refs))

    def factory_function(self, stmt: cst.FunctionDef) -> None:
        """``def f(*args, **kwargs): return Column(...)``: a preset the inventory may inline."""
        body = [small for _s, small in _statements(_block_body(stmt.body))
                if not (isinstance(small, cst.Expr) and _literal_str(small.value) is not None)]
        compound = [s for s in _block_body(stmt.body) if not isinstance(
            s, cst.SimpleStatementLine)]
        if compound or len(body) != 1 or not isinstance(body[0], cst.Return):
            return
        ret = body[0].value
        if not isinstance(ret, cst.Call):
            return
        params = stmt.params
        names = {ident(p.name.value) for p in (*params.posonly_params, *params.params,
                                               *params.kwonly_params)}
        star = params.star_arg.name.value if isinstance(params.star_arg, cst.Param) else None
        starstar = params.star_kwarg.name.value if params.star_kwarg is not None else None
        star_args = any(a.star == "*" and dotted(a.value) == star for a in ret.args) and bool(star)
        star_kwargs = bool(starstar) and any(
            a.star == "**" and dotted(a.value) == starstar for a in ret.args)
        plain = [a for a in ret.args if not a.star]
        uses = (bool(names) and any(set(_refs(a.value)) & names for a in plain)) or any(
            a.star and dotted(a.value) not in (star, starstar) for a in ret.args)
        first = next((a for a in ret.args if a.keyword is None), None)
        self.factories.append(FactoryFacts(
            ident(stmt.name.value), self.ex.pos.line(stmt), self.ex.call(ret), star_args,
            star_kwargs, first is not None and first.star == "*", uses,
        ))

    def base_problem(self, stmt: cst.FunctionDef, finder: _Returns) -> str | None:
        """Why ``Base = make_base()`` cannot be read as the one call make_base returns
        (resolution.function_result), else None: anything that may change which base a call
        makes, or what the base brings along (its cls=, model_class=, metaclass=), would
        otherwise be read as that call alone, and a mixin's columns lost without a word."""
        values = finder.values
        if not values:
            return None
        pos = self.ex.pos
        if finder.loop is not None:
            return f"it runs a loop (line {_line_within(pos, finder.loop)})"
        if not _same(values):
            lines = ", ".join(str(_line_within(pos, v)) for v in values if v is not None)
            return (f"it returns different things from {len(values)} return statements "
                    f"(lines {lines})")
        value = returned_values(stmt, values[:1])[0]
        if isinstance(value, cst.Name) and value.value in _top_calls(stmt):
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

    def returned_call_args(self, stmt: cst.FunctionDef,
                           returns: Sequence[cst.BaseExpression | None]) -> None:
        """``def make_base(): return declarative_base(cls=Mixin)`` (or ``Base = ...; return
        Base``): the keyword arguments of the one returned call, kept like those of ``Base =
        declarative_base(cls=Mixin)`` under the function's name, so that a base the function
        makes brings its mixin along. Returns that all return the same call count as one;
        different ones are base_problem's."""
        values = returned_values(stmt, returns)
        if len(values) > 1 and _same(values):
            values = values[:1]
        if len(values) != 1 or not isinstance(call := values[0], cst.Call):
            return
        name = ident(stmt.name.value)
        for arg in call.args:
            ref = dotted(arg.value)
            if arg.keyword is not None and ref is not None:
                self.instance_args.append((name, arg.keyword.value, ref))

    def class_function(self, stmt: cst.FunctionDef,
                       returns: Sequence[cst.BaseExpression | None]) -> None:
        """``def versioned_base(plugin): @as_declarative(...) class VersionedBase: ...; return
        VersionedBase``: every call makes a class from the same statement, so a name bound to
        a call is read as that class (a declarative base, a mixin, a model). Only a body that
        defines the one class and returns it is read; anything else the function does could
        change the class, so it is kept as the problem that blocks its subclasses."""
        body = [(s, small) for s, small in _statements(_block_body(stmt.body))
                if not (isinstance(small, cst.Expr) and _literal_str(small.value) is not None)]
        classes = {ident(s.name.value): s for s, _ in body if isinstance(s, cst.ClassDef)}
        returned = [v.value for v in returns if isinstance(v, cst.Name)]
        name = next((n for n in returned if ident(n) in classes), None)
        if name is None or stmt.asynchronous is not None:
            return
        wrapped = next((d for d in (dotted(_uncall(d.decorator)) or "?" for d in stmt.decorators)
                        if d.rsplit(".", 1)[-1] not in ("cache", "lru_cache")), None)
        node = classes[ident(name)]
        pos = self.ex.pos
        problem: str | None = None
        params = stmt.params
        names = {ident(p.name.value) for p in (*params.posonly_params, *params.params,
                                               *params.kwonly_params)}
        names.update(ident(p.name.value) for p in (params.star_arg, params.star_kwarg)
                     if isinstance(p, cst.Param))
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
            problem = (f"the class reads the parameter {used!r} where it shapes the table or "
                       "its columns, so each call may map something different")
        self.returned.append(MadeClass(
            ident(stmt.name.value), self.first_line(stmt), pos.end_line(stmt),
            ("lit", ident(name)), self.class_(node), problem,
        ))

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
                value)), True, True, False, False,
        ))

    def late_mapping(self, small: cst.BaseSmallStatement, target: str | None, value: cst.Call,
                     callee: str) -> None:
        """Columns attached after the class statement, and classes made by type(): the
        inventory reads them or blocks, never skips them."""
        pos = self.ex.pos
        line, end = pos.line(small), pos.end_line(small)
        if target is not None and "." in target:  # User.ssn = Column(...)
            owner, attr = target.rsplit(".", 1)
            self.late.append(LateFacts("attribute", line, end, owner, attr,
                                       *self.late_call(value, end)))
            return
        positional = [a.value for a in value.args if a.keyword is None and not a.star]
        if callee == "setattr" and len(positional) == 3:
            obj = dotted(positional[0])
            third = positional[2]
            if obj is not None and isinstance(third, cst.Call):
                self.late.append(LateFacts(
                    "setattr", line, end, obj, _literal_str(positional[1]),
                    *self.late_call(third, end),
                ))
        elif callee == "type" and len(positional) == 3 and len(value.args) == 3 and isinstance(
            positional[1], (cst.Tuple, cst.List)
        ):
            bases = tuple(dotted(e.value) or "" for e in positional[1].elements)
            made = self.made_class(value, bases, None, {}, "")
            if made.problem is None:
                self.made.append(made)  # read like a class statement
                return
            name = _literal_str(positional[0]) or ""
            self.late.append(LateFacts("type", line, end, name, bases=bases))

    def late_call(self, value: cst.Call, end: int
                  ) -> tuple[CallFacts, tuple[str, ...], CallFacts | None, tuple[str, ...]]:
        """LateFacts' call, bases, through and nested for a call assigned after the class, read
        as in a class body."""
        nested, inner = _call_parts(value)
        if isinstance(inner, cst.Call):
            return self.ex.call(inner, end), (), self.ex.call(value, end), nested
        return self.ex.call(value, end), (), None, nested

    def late_expr(self, small: cst.BaseSmallStatement, target: str,
                  value: cst.BaseExpression) -> None:
        """``User.x = a if c else Column(...)``: blocks where a call in it may be a column."""
        nested = _nested_calls(value)
        if nested:
            owner, attr = target.rsplit(".", 1)
            pos = self.ex.pos
            self.late.append(LateFacts("attribute", pos.line(small), pos.end_line(small), owner,
                                       attr, nested=nested, expr=_WRAPPING_VALUES[type(value)]))

    def nested_types(self, stmt: cst.FunctionDef) -> None:
        """``type("X", (Event, db.Model), {...})`` inside a function or a declared_attr
        (one mapped class per subclass, made when the mapper runs): recorded like a module
        level type() so that it blocks rather than vanish."""
        if not self.type_calls:
            return
        finder = _TypeCalls()
        stmt.body.visit(finder)
        for call, bases, _nested in finder.found:
            self.late_type(call, bases)

    def nested_reflected(self, stmt: cst.FunctionDef) -> None:
        """``map_imperatively(Server, Table("servers", meta, autoload_with=engine))`` inside a
        function (a mapper setup that maps classes onto reflected tables): the table is
        recorded like a module level one, so that its invisible columns block rather than
        vanish."""
        if not self.autoload:
            return
        finder = _ReflectedTables()
        stmt.body.visit(finder)
        self.tables.extend(self.ex.call(call) for call in finder.found)

    def late_type(self, call: cst.Call, bases: tuple[str, ...]) -> None:
        pos = self.ex.pos
        name = _literal_str(call.args[0].value) or ""
        self.late.append(LateFacts("type", pos.line(call), pos.end_line(call), name, bases=bases))

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
        if declared and self_name is not None:
            calls = _SelfCalls(self_name)
            stmt.body.visit(calls)
            for method in calls.found:
                state.callers.setdefault(method, attr)
        finder = _TypeCalls()
        stmt.body.visit(finder)
        if not finder.found:
            return
        env = _local_strings(stmt, self_name) if self_name is not None else {}
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
                key = _literal_str(element.key)
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
        for key, value in entries:
            state.names.append(key)
            if key == "__tablename__":
                literal = _literal_str(value)
                if literal is not None:
                    state.tablename, state.tablename_kind = literal, "literal"
                elif isinstance(value, cst.Name) and value.value == "None":
                    state.tablename_kind = "none"
                else:
                    state.tablename_kind = "computed"
                    expr = str_expr(value, self_name)
                    state.tablename_expr = _bind_locals(expr, env) if expr is not None else None
                state.tablename_line = line
            elif key == "__abstract__":
                state.abstract = _literal_bool(value) is True
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
                         _bind_locals(name_expr, env) if name_expr is not None else None,
                         body, problem)

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
            names = [_literal_str(e.value) for e in items or () if isinstance(e, cst.Element)]
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
            inner=inner if isinstance(inner, str) else _expr_code(inner),
            optional=optional,
            call=call,
            labels=self.ex.labels_in(value, small),
        )

    def class_(self, node: cst.ClassDef) -> ClassFacts:
        bases = tuple(dotted(_unsubscript(a.value)) or "" for a in node.bases if a.keyword is None)
        state = _ClassState()
        self.class_body(_block_body(node.body), state, type_checking=False)
        # Under `if TYPE_CHECKING: ... else: ...` only the else branch runs: keep one per name.
        chosen: dict[str, Stmt] = {}
        for stmt in state.stmts:
            prev = chosen.get(stmt.attribute)
            if prev is None or (prev.type_checking and not stmt.type_checking):
                labels = prev.labels if prev is not None else ()
                chosen[stmt.attribute] = _with_labels(stmt, self.ex.labels, labels)
            elif stmt.type_checking or prev.type_checking:
                chosen[stmt.attribute] = _with_labels(prev, self.ex.labels, stmt.labels)
            else:
                chosen[stmt.attribute] = stmt  # a later plain assignment wins, as at runtime
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
        str_attrs, str_methods = _class_strings(_block_body(node.body), state.names)
        return ClassFacts(
            subclass_tablenames=tuple(state.subclass_tablenames),
            str_attrs=str_attrs,
            str_methods=str_methods,
            sealed_writes=tuple(state.sealed),
            made=tuple(made),
            decorators=tuple(dotted(_uncall(d.decorator)) or "" for d in node.decorators),
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
            keywords=tuple(
                (a.keyword.value, _expr_code(a.value)) for a in node.keywords
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
        for stmt, small in _statements(body):
            if (isinstance(small, cst.Expr) and declared == len(state.stmts)
                    and (text := _literal_str(small.value)) is not None):
                # a string right after the column documents it (Sphinx attribute docstrings:
                # invenio-accounts' sid_s """Serialized Session ID. ...""")
                _document(state, text)
            declared = -1
            if isinstance(stmt, cst.If):
                guarded = _is_type_checking(stmt.test)
                self.class_body(
                    _block_body(stmt.body), state, type_checking=guarded or type_checking
                )
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.class_body(_block_body(orelse.body), state, type_checking=type_checking)
                elif isinstance(orelse, cst.If):
                    self.class_body([orelse], state, type_checking=type_checking)
                continue
            if isinstance(stmt, (cst.Try, cst.TryStar, cst.With)):
                # every block that may run is read, as for if/else
                for block in _blocks(stmt):
                    self.class_body(block, state, type_checking=type_checking)
                continue
            if isinstance(stmt, (cst.For, cst.While)):
                finder = _Builds(_COLUMN_FACTORIES)
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
                    self.unpacked(small, small.value, state, "a chained assignment",
                                  type_checking)
                    continue
                target, value = small.targets[0].target, small.value
            elif isinstance(small, cst.AnnAssign):
                target, value, ann = small.target, small.value, small.annotation
            else:
                continue
            if not isinstance(target, cst.Name):
                if isinstance(target, (cst.Tuple, cst.List)) and value is not None:
                    self.unpacked(small, value, state, "an unpacking assignment", type_checking)
                continue
            attr = ident(target.value)
            if not type_checking:  # an `if TYPE_CHECKING:` body never runs
                state.names.append(attr)
                if attr in _TABLE_HOOKS and value is not None:
                    self.table_hook(attr, ex.pos.line(small), value, state)
            line, end_line = ex.pos.line(small), ex.pos.end_line(small)
            if attr == "__tablename__":
                literal = _literal_str(value) if value is not None else None
                if literal is not None:
                    state.tablename, state.tablename_kind = literal, "literal"
                elif isinstance(value, cst.Name) and value.value == "None":
                    state.tablename_kind = "none"
                else:
                    state.tablename_kind = "computed"
                    state.tablename_expr = str_expr(value) if value is not None else None
                state.tablename_line = line
                continue
            if attr == "__abstract__":
                state.abstract = value is not None and _literal_bool(value) is True
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
                continue
            annotation = ex.annotation(ann.annotation) if ann is not None else None
            if annotation is None and ann is not None:
                # `email: str = Field(...)`: a field of SQLModel (pydantic) models
                annotation = ex.plain_annotation(ann.annotation)
            if value is None and annotation is None:
                continue
            through: CallFacts | None = None
            nested: tuple[str, ...] = ()
            expr: str | None = None
            if isinstance(value, cst.Call):
                nested, inner = _call_parts(value)
                if isinstance(inner, cst.Call):
                    through, value = ex.call(value, end_line), inner
                elif inner is not None:
                    self.shared_column(attr, inner, line)  # cast(T, SHARED_COLUMN)
            elif value is not None and type(value) in _WRAPPING_VALUES:
                nested = _nested_calls(value)
                expr = _WRAPPING_VALUES[type(value)] if nested else None
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
            state.stmts.append(
                Stmt(attr, line, end_line, annotation, call, (), labels, type_checking,
                     through, nested, expr)
            )
            declared = len(state.stmts)

    def unpacked(self, small: cst.Assign | cst.AnnAssign, value: cst.BaseExpression,
                 state: _ClassState, what: str, type_checking: bool) -> None:
        """``a, b = Column(...), Column(...)`` or ``a = b = Column(...)``: SQLAlchemy maps what
        the names end up bound to, which the inventory does not work out; a call in the value
        that may build a column blocks there (Stmt.expr), anything else is no column."""
        calls = ((dotted(value.func) or "",) if isinstance(value, cst.Call) else ())
        nested = tuple(dict.fromkeys((*calls, *_nested_calls(value))))
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
        if callee is None or callee.rsplit(".", 1)[-1] not in _COLUMN_FACTORIES:
            return
        self.errors.append((
            line,
            f"{attr} is assigned the column object {name} built at module level, which "
            "masking-reviewer cannot read as this class's column; declare it inline with "
            "mapped_column(...) or Column(...)",
        ))

    def function(self, stmt: cst.FunctionDef, state: _ClassState, type_checking: bool) -> None:
        ex = self.ex
        attr = ident(stmt.name.value)
        decorators = tuple(dotted(_uncall(d.decorator)) or "" for d in stmt.decorators)
        tails = {d.split(".")[-1] for d in decorators}
        declared = bool(tails & _DECLARED)
        if not type_checking:  # under TYPE_CHECKING the class never binds it
            state.names.append(attr)
            if attr == "__init_subclass__" and stmt.params.params:
                self.subclass_tablenames(stmt.body, ident(stmt.params.params[0].name.value),
                                         (), state)
            if attr in _TABLE_HOOKS:
                self.table_hook(attr, self.first_line(stmt), stmt, state)
            self.class_types(stmt, state, attr, declared, "classmethod" in tails)
            if self.ex.any_sealing and _SEALING.search(ex.pos.text(stmt)):
                self.sealed_writes(stmt, state, decorators)
        if not declared:
            return
        first = self.first_line(stmt)
        if attr == "__tablename__":
            state.tablename_kind = "declared"
            state.tablename_line = first
            helper = str_function(stmt, self_param=True)
            state.tablename_expr = helper[1] if helper is not None else None
            return
        finder = _Returns()
        stmt.body.visit(finder)
        values = [v for v in finder.values if v is not None]
        calls = [v for v in values if isinstance(v, cst.Call)]
        annotation = ex.annotation(stmt.returns.annotation) if stmt.returns else None
        end_line = ex.pos.end_line(stmt)
        if not calls or len(calls) < len(values) or (len(calls) > 1 and not _same_columns(
            [ex.call(c) for c in calls]
        )):
            # `return Column(A) if c else None`, or branches returning different things: the
            # column SQLAlchemy gets depends on the class, which the inventory does not work out
            # (a container is never a column: `__table_args__` returns tuples)
            nested = tuple(dict.fromkeys(
                n for v in values for n in (
                    (dotted(v.func) or "", *_nested_calls(v)) if isinstance(v, cst.Call)
                    else _nested_calls(v) if type(v) in _WRAPPING_VALUES else ()
                )
            ))
            if nested and not attr.startswith("__"):
                state.stmts.append(Stmt(
                    attr, first, end_line, annotation, None, decorators, (), type_checking,
                    nested=nested, expr="a declared_attr returning "
                    + ("one of several values" if len(values) > 1 else "an expression")))
            return
        ret = calls[-1]
        through: CallFacts | None = None
        nested, inner = _call_parts(ret)
        if isinstance(inner, cst.Call):
            through, ret = ex.call(ret, end_line), inner
        call = ex.call(ret, end_line)
        labels = _merge_labels(ex.labels, call.labels, ex.labels_in(stmt.returns, stmt))
        state.stmts.append(
            Stmt(attr, first, end_line, annotation, call, decorators, labels, type_checking,
                 through, nested)
        )

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

        for stmt in _block_body(body):
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
        ``<table>_history`` so. Calls into other modules are not followed."""
        calls = _Calls(self.ex.pos)
        node.visit(calls)
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
        finder = _SealedWrites(ident(params[0].name.value))
        stmt.body.visit(finder)
        where = f"{ident(stmt.name.value)}: "
        for attribute, callee, node in finder.found:
            state.sealed.append((attribute, f"{where}{callee}(...)", self.ex.pos.line(node)))


# keyword arguments of declarative_base() / SQLAlchemy() that bring columns along
_BASE_ARGS = frozenset({"cls", "model_class", "metaclass"})
_COLUMN_FACTORIES = frozenset({"Column", "mapped_column", "column_property", "deferred"})
_DECLARED = frozenset({"declared_attr", "directive", "cascading"})  # decorators SQLAlchemy runs
# A call that encrypts: encrypt_fernet(...), cipher.encrypt(...), box.seal(...). Hashing is not
# here: conda-store's sha256 = datastructure_hash(spec) is a checksum, not a secret.
_SEALING = re.compile(r"encrypt|fernet|\bseal|_seal", re.IGNORECASE)


@dataclass(slots=True)
class _ClassState:
    stmts: list[Stmt] = field(default_factory=list)
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
    col_refs: list[ColRef] = field(default_factory=list)
    subclass_tablenames: list[tuple[int, tuple[str, ...], StrExpr | None]] = field(
        default_factory=list)
    table_hooks: list[tuple[str, int, str, tuple[str, ...]]] = field(default_factory=list)


def _with_labels(stmt: Stmt, order: Sequence[str], extra: Sequence[str]) -> Stmt:
    if not extra:
        return stmt
    return Stmt(
        stmt.attribute, stmt.line, stmt.end_line, stmt.annotation, stmt.call, stmt.decorators,
        _merge_labels(order, stmt.labels, extra), stmt.type_checking,
    )


def _unsubscript(node: cst.BaseExpression) -> cst.BaseExpression:
    """``Generic[T]`` -> ``Generic``."""
    return node.value if isinstance(node, cst.Subscript) else node


def _uncall(node: cst.BaseExpression) -> cst.BaseExpression:
    return node.func if isinstance(node, cst.Call) else node


_FLASK_EXT_PREFIXES = tuple(f"{package}." for package in FLASK_EXT_PACKAGES)


def flask_ext(module: str) -> str:
    """``flask.ext.sqlalchemy`` and ``flaskext.sqlalchemy`` -> ``flask_sqlalchemy``."""
    for prefix in _FLASK_EXT_PREFIXES:
        if module.startswith(prefix) and len(module) > len(prefix):
            head, _, rest = module[len(prefix):].partition(".")
            return f"flask_{head}" + (f".{rest}" if rest else "")
    return module


def _import_aliases(body: Sequence[cst.BaseStatement]) -> dict[str, str]:
    """Renaming imports at module level (under if/try/with/match too): local name -> what it
    stands for."""
    aliases: dict[str, str] = {}
    for stmt, small in _statements(body):
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
            aliases.update(_import_aliases(_block_body(stmt.body)))
            orelse = stmt.orelse
            if isinstance(orelse, cst.Else):
                aliases.update(_import_aliases(_block_body(orelse.body)))
            elif isinstance(orelse, cst.If):
                aliases.update(_import_aliases([orelse]))
        elif isinstance(stmt, (cst.Try, cst.TryStar, cst.With, cst.Match)):
            # every block the module body reads, so a renamed import there is read too
            for block in _blocks(stmt):
                aliases.update(_import_aliases(block))
    return aliases


def _module_strings(body: Sequence[cst.BaseStatement]) -> set[str]:
    """Names bound to a string literal at module level (``NAME = "audit"``)."""
    found: set[str] = set()
    for _stmt, small in _statements(body):
        if isinstance(small, cst.Assign) and _literal_str(small.value) is not None:
            found.update(ident(t.target.value) for t in small.targets
                         if isinstance(t.target, cst.Name))
    return found


# --------------------------------------------------------------------------- entry point


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
        positions = _Positions(module, text)
        strings = _module_strings(module.body)
        extractor = _Extractor(positions, text, tuple(labels), strings)
        extractor.aliases = _import_aliases(module.body)
        builder = _ModuleBuilder(extractor)
        builder.type_calls = "type(" in text
        builder.autoload = "autoload" in text
        if any(hook in text for hook in _TABLE_HOOKS):
            builder.callables = _module_callables(module, positions)
        builder.module_body(module.body)
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
        returns=tuple(builder.returns),
        late=tuple(builder.late),
        factories=tuple(builder.factories),
        made=tuple(builder.made),
        returned=tuple(builder.returned),
        standins=tuple(builder.standins),
        standin_imports=tuple(builder.standin_imports),
        functions=tuple(builder.functions),
    )


# --------------------------------------------------------------------------- string expressions


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
    if isinstance(node, cst.Call):
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


def str_function(stmt: cst.FunctionDef, self_param: bool = False
                 ) -> tuple[tuple[str, ...], StrExpr] | None:
    """``def prefixed(name): return f"{PREFIX}{name}"``: its parameters and the returned string
    expression, when the body (past a docstring) is that return, after at most a few plain
    ``local = <string expression>`` statements (put in place of the locals, in order, which is
    exact for code that runs straight through)."""
    body = list(_block_body(stmt.body))
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
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target, value = small.targets[0].target, small.value
        elif isinstance(small, cst.AnnAssign) and small.value is not None:
            target, value = small.target, small.value
        else:
            return None
        if not isinstance(target, cst.Name) or target.value == self_name:
            return None
        local = str_expr(value, self_name)
        if local is None:
            return None
        env[ident(target.value)] = _bind_locals(local, env)
    expr = str_expr(ret.value, self_name)
    return (params, _bind_locals(expr, env)) if expr is not None else None


_MAX_LOCALS = 8  # a string helper is a line or two; a longer body is not one


class _Returns(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: list[cst.BaseExpression | None] = []
        self.loop: cst.For | cst.While | None = None  # the first loop of the function itself

    def visit_Return(self, node: cst.Return) -> bool:
        self.values.append(node.value)
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


def _line_within(pos: _Positions, node: cst.CSTNode) -> int:
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


def _params_used(node: cst.ClassDef, params: set[str]) -> str | None:
    """The first parameter of the enclosing function a class statement reads where it could
    shape a column: in its decorators, bases, a column call, ``__tablename__``, a declared_attr.
    ``_plugin = plugin`` (a plain value the call passes) and other methods (which run later,
    on instances) do not."""
    if not params:
        return None
    parts: list[cst.CSTNode] = [*node.decorators, *node.bases, *node.keywords]
    for stmt, small in _statements(_block_body(node.body)):
        if isinstance(stmt, cst.FunctionDef) and not {
            (dotted(_uncall(d.decorator)) or "").rsplit(".", 1)[-1] for d in stmt.decorators
        } & _DECLARED:
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
        for ref in _refs(part):
            if ref.split(".", 1)[0] in params:
                return ref.split(".", 1)[0]
    return None


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
    """What every return of a function (``returns``, from _Returns) returns. ``Base =
    declarative_base(); return Base`` is ``return declarative_base()`` when the name appears
    nowhere else in the function."""
    if len(returns) == 1 and isinstance(ret := returns[0], cst.Name) and (
        call := _top_calls(stmt).get(ret.value)
    ) is not None:
        uses = _NameUses(ret.value)
        stmt.body.visit(uses)
        if uses.count == 2:  # bound once, returned once
            return [call]
    return returns


def _top_calls(stmt: cst.FunctionDef) -> dict[str, cst.Call]:
    """``name = f(...)`` at the top level of a function: name -> the call."""
    return {target.value: small.value for _s, small in _statements(_block_body(stmt.body))
            if isinstance(small, cst.Assign) and len(small.targets) == 1
            and isinstance(target := small.targets[0].target, cst.Name)
            and isinstance(small.value, cst.Call)}


def returned_calls(stmt: cst.FunctionDef, returns: Sequence[cst.BaseExpression | None]
                   ) -> tuple[str, ...]:
    """The callee of every ``return callee(...)`` of a function, when all its returns are such
    calls (``def _dependency_relation(kind): return orm.relationship(...)``); else (). A
    method of a local the function binds once to a call, ``prop = hybrid_property(...);
    return prop.comparator(...)``, is ``hybrid_property().comparator``: a call on what that
    made."""
    values = returned_values(stmt, returns)
    top: dict[str, cst.Call] | None = None
    counts: dict[str, int] | None = None
    names: list[str | None] = []
    for value in values:
        callee = dotted(value.func) if isinstance(value, cst.Call) else None
        head, dot, rest = (callee or "").partition(".")
        if dot and top is None:
            top = _top_calls(stmt)
        if dot and top is not None and head in top:
            if counts is None:
                counter = _Assigned()
                stmt.body.visit(counter)
                counts = counter.counts
            made = dotted(top[head].func) if counts.get(head) == 1 else None
            callee = f"{made}().{rest}" if made else None  # a local: never a module name
        names.append(callee)
    found = [n for n in names if n]
    return tuple(dict.fromkeys(found)) if found and len(found) == len(names) else ()


class _TypeCalls(cst.CSTVisitor):
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


class _ReflectedTables(cst.CSTVisitor):
    """The ``Table(..., autoload_with=...)`` (or ``autoload=``) calls in a subtree that a class
    is mapped onto: passed to ``map_imperatively``/``mapper`` directly or through a local
    name. A table reflected only to probe the database (is it migrated?) maps nothing."""

    def __init__(self) -> None:
        self.reflected: list[cst.Call] = []
        self.bound: dict[str, list[cst.Call]] = {}  # local name -> reflected Table calls
        self.mapped_args: list[cst.BaseExpression] = []

    @property
    def found(self) -> list[cst.Call]:
        direct = {id(a) for a in self.mapped_args}
        named = {dotted(a) for a in self.mapped_args}
        via_name = {id(c) for name, calls in self.bound.items() if name in named for c in calls}
        return [c for c in self.reflected if id(c) in direct or id(c) in via_name]

    def visit_Assign(self, node: cst.Assign) -> bool:
        if isinstance(node.value, cst.Call) and _reflected_table(node.value):
            for target in node.targets:
                name = dotted(target.target)
                if name is not None:
                    self.bound.setdefault(name, []).append(node.value)
        return True

    def visit_Call(self, node: cst.Call) -> bool:
        if _reflected_table(node):
            self.reflected.append(node)
        if (dotted(node.func) or "").rsplit(".", 1)[-1] in ("map_imperatively", "mapper"):
            self.mapped_args.extend(a.value for a in node.args)
        return True


def _reflected_table(node: cst.Call) -> bool:
    return (dotted(node.func) or "").rsplit(".", 1)[-1] == "Table" and any(
        a.keyword is not None and a.keyword.value in ("autoload_with", "autoload")
        for a in node.args
    )


class _SelfCalls(cst.CSTVisitor):
    """The methods a function calls on its ``cls``: ``cls._make_history()``."""

    def __init__(self, self_name: str) -> None:
        self.self_name = self_name
        self.found: list[str] = []

    def visit_Call(self, node: cst.Call) -> bool:
        func = node.func
        if isinstance(func, cst.Attribute) and dotted(func.value) == self.self_name:
            self.found.append(ident(func.attr.value))
        return True


class _SealedWrites(cst.CSTVisitor):
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
                           if _SEALING.search(c.rsplit(".", 1)[-1])), None)
            if callee is not None:
                self.found.extend((a, callee, node) for a in attributes)
        return False


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


class _Assigned(cst.CSTVisitor):
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


_UNKNOWN: StrExpr = ("unknown",)


class _ClassBound(_Assigned):
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


# the class-body statements _ClassBound binds from without descending into them
_COUNTED_WHOLE = (cst.Assign, cst.AnnAssign, cst.AugAssign, cst.Expr)

# Calls whose result is a column, a relationship or a descriptor, never a string: their
# attributes are not kept as class strings (most attributes of a model are these)
_NOT_STRINGS = frozenset({
    "relationship", "relation", "mapped_column", "column_property", "deferred", "synonym",
    "composite", "association_proxy", "backref", "query_expression", "dynamic_loader",
})


def _class_strings(body: Sequence[cst.BaseStatement], names: Sequence[str]) -> tuple[
    tuple[tuple[str, StrExpr], ...], tuple[tuple[str, tuple[str, ...], StrExpr], ...]
]:
    """What ``cls.<name>`` and ``cls.<name>(...)`` may read from this class: its attributes
    bound once at the top of the body to a string expression, and its classmethods and
    staticmethods that return one (their parameters, ``cls`` left out). A name bound some
    other way the facts' ``names`` do not show (``a, b = ...``) is kept as unknown, so a lookup
    never passes it for a base's attribute of the same name."""
    counter = _ClassBound()
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
    for stmt, small in _statements(body):
        if isinstance(stmt, cst.FunctionDef):
            name = ident(stmt.name.value)
            kinds = [dotted(d.decorator) for d in stmt.decorators]
            if counts.get(name) != 1 or kinds not in (["classmethod"], ["staticmethod"]):
                continue
            bound = kinds == ["classmethod"]
            helper = str_function(stmt, self_param=bound)
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
        attrs[name] = env[name] = _bind_locals(expr, env)
    known = set(names)
    for name in counts:
        if name not in known and name not in attrs:
            attrs[name] = _UNKNOWN
    return tuple(attrs.items()), tuple(methods)


def _local_strings(stmt: cst.FunctionDef, self_name: str) -> dict[str, StrExpr]:
    """The function's locals as string expressions: ``name = cls.__name__`` bound once at the
    top level of the body is followed; every other local (and parameter) is unknown, so it is
    never mistaken for a module constant of the same name."""
    counter = _Assigned()
    stmt.body.visit(counter)
    params = stmt.params
    env = {ident(p.name.value): _UNKNOWN
           for p in (*params.posonly_params, *params.params, *params.kwonly_params)}
    env.pop(self_name, None)
    return _body_strings(_block_body(stmt.body), self_name, counter.counts, env)


def _body_strings(body: Sequence[cst.BaseStatement], self_name: str | None,
                  counts: Mapping[str, int], env: dict[str, StrExpr]) -> dict[str, StrExpr]:
    """``env`` plus the names a body binds, as string expressions: one bound once at its top
    level is followed (``name = cls.__name__``), any other one is unknown."""
    env = dict(env)
    for _stmt, small in _statements(body):
        if not (isinstance(small, cst.Assign) and len(small.targets) == 1
                and isinstance(small.targets[0].target, cst.Name)):
            continue
        name = ident(small.targets[0].target.value)
        if counts.get(name) != 1 or name in env:
            continue
        expr = str_expr(small.value, self_name)
        env[name] = _bind_locals(expr, env) if expr is not None else _UNKNOWN
    for name in counts:
        env.setdefault(name, _UNKNOWN)
    return env


def _versioned(value: cst.BaseExpression, line: int) -> VersionedFacts | None:
    """The options of ``__versioned__ = {...}`` that shape the history table; None for
    ``__versioned__ = None`` (no history: SQLAlchemy-Continuum would not even start)."""
    if isinstance(value, cst.Name) and value.value == "None":
        return None
    entries: list[tuple[str | None, cst.BaseExpression]] = []
    if isinstance(value, cst.Dict) and all(isinstance(e, cst.DictElement)
                                           for e in value.elements):
        entries = [(_literal_str(e.key), e.value) for e in value.elements
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
        pattern = _literal_str(options["table_name"])
        if pattern is None or pattern.count("%s") != 1 or "%" in pattern.replace("%s", ""):
            return VersionedFacts(line, problem="its \"table_name\" is not a literal pattern "
                                  "with one %s, so the history table's name cannot be read")
    lists = {}
    for key in ("exclude", "include"):
        if key in options:
            names = _literal_strings(options[key])
            if names is None:
                return VersionedFacts(line, problem=f"its \"{key}\" is not a literal list of "
                                      "attribute names, so the history table's columns cannot "
                                      "be read")
            lists[key] = names
    include = set(lists.get("include", ()))
    exclude = tuple(n for n in lists.get("exclude", ()) if n not in include)
    return VersionedFacts(line, pattern, exclude)


def _literal_strings(node: cst.BaseExpression) -> list[str] | None:
    """``("user", "group")``: the strings of a literal tuple, list or set; else None."""
    if not isinstance(node, (cst.Tuple, cst.List, cst.Set)):
        return None
    values = [_literal_str(e.value) if isinstance(e, cst.Element) else None
              for e in node.elements]
    strs = [v for v in values if v is not None]
    return strs if len(strs) == len(values) else None


def _bind_call(call: CallFacts, env: Mapping[str, StrExpr]) -> CallFacts:
    """A call read in an unrolled loop, with the loop's strings put in its name expressions."""
    return dataclasses.replace(
        call,
        name_expr=_bind_locals(call.name_expr, env) if call.name_expr is not None else None,
        inner=_bind_call(call.inner, env) if call.inner is not None else None,
        args=tuple(_bind_call(a, env) for a in call.args),
    )


def _bind_made(made: MadeClass, env: Mapping[str, StrExpr]) -> MadeClass:
    body = made.body
    body = dataclasses.replace(
        body,
        tablename_expr=(_bind_locals(body.tablename_expr, env)
                        if body.tablename_expr is not None else None),
        stmts=tuple(dataclasses.replace(s, call=_bind_call(s.call, env) if s.call else None)
                    for s in body.stmts),
        table=_bind_call(body.table, env) if body.table is not None else None,
    )
    name_expr = _bind_locals(made.name_expr, env) if made.name_expr is not None else None
    return dataclasses.replace(made, name_expr=name_expr, body=body)


# What a module-level loop may build that the inventory reads
_BUILDERS = frozenset({"Table", "type", "Column", "mapped_column", "setattr",
                       "map_imperatively"})


_IMPORT_ERRORS = frozenset({"ImportError", "ModuleNotFoundError", "Exception",
                            "BaseException"})


def _catches_import_error(handler: cst.ExceptHandler | cst.ExceptStarHandler) -> bool:
    """``except ImportError:`` (or a tuple naming it, a broader class, or a bare except)."""
    if handler.type is None:
        return True
    kinds = [e.value for e in handler.type.elements] if isinstance(handler.type, cst.Tuple) \
        else [handler.type]
    names = [dotted(k) or "" for k in kinds]
    return any(n.rsplit(".", 1)[-1] in _IMPORT_ERRORS for n in names)


def _blocks(stmt: cst.Try | cst.TryStar | cst.With | cst.Match
            ) -> list[Sequence[cst.BaseStatement]]:
    """The statement lists of a try (body, handlers, else, finally), a with, or a match's
    cases."""
    if isinstance(stmt, cst.With):
        return [_block_body(stmt.body)]
    if isinstance(stmt, cst.Match):
        return [_block_body(case.body) for case in stmt.cases]
    blocks = [_block_body(stmt.body), *(_block_body(h.body) for h in stmt.handlers)]
    for extra in (stmt.orelse, stmt.finalbody):
        if extra is not None:
            blocks.append(_block_body(extra.body))
    return blocks


# A value that may evaluate to a call made inside it: SQLAlchemy maps the attribute if that is a
# column. Containers are not here: a list or dict of columns is not mapped.
_WRAPPING_VALUES: dict[type[cst.CSTNode], str] = {
    cst.IfExp: "a conditional expression",
    cst.BooleanOperation: "an and/or expression",
    cst.Subscript: "a subscript",
    cst.NamedExpr: "an assignment expression",
}
_COLUMN_CALL = re.compile(r"(?:\w+\.)*(?:Column|mapped_column)")


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
            if inner[0] == "call" and str(inner[1]).rsplit(".", 1)[-1] in _NON_TYPE_ARGS:
                return None  # Column(ForeignKey(...), ...)
        return (c.name, expr)

    return all(_COLUMN_CALL.fullmatch(c.callee) for c in calls) and len({
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


def _call_parts(call: cst.Call) -> tuple[tuple[str, ...], cst.BaseExpression | None]:
    """What a call assigned as an attribute holds besides itself: the callees inside it (none
    under a call spelled like a column: its arguments are configuration) and, for ``cast(T,
    value)``, the value."""
    nested = () if _COLUMN_CALL.fullmatch(dotted(call.func) or "") else _nested_calls(call)
    return nested, _cast_value(call)


def _cast_value(call: cst.Call) -> cst.BaseExpression | None:
    """``cast(T, value)``: the value (whether the callee is typing.cast is the inventory's to
    resolve)."""
    args = call.args
    if ((dotted(call.func) or "").rsplit(".", 1)[-1] != "cast" or len(args) != 2
            or any(a.keyword is not None or a.star for a in args)):
        return None
    return args[1].value


def _nested_calls(node: cst.BaseExpression) -> tuple[str, ...]:
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
            self.found.append(dotted(node.func) or "")
        return True

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False


# What SQLAlchemy runs while it maps a class, which can make tables of its own
_TABLE_HOOKS = frozenset({
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
_Callable = tuple[frozenset[str], tuple[str, ...], tuple[tuple[str, int], ...]]


class _Calls(cst.CSTVisitor):
    """The plain names a piece of code calls or passes on (``__mapper_cls__ = my_mapper``), and
    its first call that makes a table, a column, a mapper or a class (``type(name, bases,
    ns)``, ``type.__new__(type, ...)``), with its line."""

    def __init__(self, pos: _Positions) -> None:
        self.pos = pos
        self.names: list[str] = []
        self.callees: list[str] = []  # called by plain name, or passed on as a plain name
        self.builds: list[tuple[str, int]] = []

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
        callee = dotted(node.func) or ""
        last = callee.rsplit(".", 1)[-1]
        if (not self.builds or last in _TABLE_MAKERS) and (
            last in _MAKES_TABLES or (callee == "type" and len(node.args) == 3)
            or callee == "type.__new__"
        ):
            self.builds.append((f"{callee}(...)", self.pos.line(node)))


class _Callables(cst.CSTVisitor):
    """Module-level functions (under if/try/with too), not methods or nested functions."""

    def __init__(self, pos: _Positions) -> None:
        self.pos = pos
        self.found: dict[str, _Callable] = {}

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        calls = _Calls(self.pos)
        node.body.visit(calls)
        self.found[ident(node.name.value)] = (frozenset(calls.names), tuple(calls.callees),
                                              tuple(calls.builds))
        return False


def _module_callables(module: cst.Module, pos: _Positions) -> dict[str, _Callable]:
    finder = _Callables(pos)
    module.visit(finder)
    return finder.found


class _Builds(cst.CSTVisitor):
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


def _bind_locals(expr: StrExpr, env: Mapping[str, StrExpr]) -> StrExpr:
    """A string expression with the function's locals put in place of their names."""
    kind = expr[0]
    if kind == "ref":
        head, _, rest = str(expr[1]).partition(".")
        if head in env:
            return _UNKNOWN if rest else env[head]
        return expr
    if kind == "call":
        callee = str(expr[1])
        args = tuple(_bind_locals(a, env) for a in expr[2])
        head, _, method = callee.rpartition(".")
        if head in env:  # name.lower(): a method of a local string
            return ("meth", method, env[head], args)
        if callee.partition(".")[0] in env:
            return _UNKNOWN
        return ("call", callee, args)
    if kind == "cat":
        return ("cat", tuple(_bind_locals(e, env) for e in expr[1]))
    if kind == "meth":
        return ("meth", expr[1], _bind_locals(expr[2], env),
                tuple(_bind_locals(a, env) for a in expr[3]))
    if kind == "clscall":
        return ("clscall", expr[1], tuple(_bind_locals(a, env) for a in expr[2]))
    if kind == "pct":
        return ("pct", expr[1], tuple(_bind_locals(a, env) for a in expr[2]))
    if kind == "maybe":
        return ("maybe", _bind_locals(expr[1], env))
    return expr

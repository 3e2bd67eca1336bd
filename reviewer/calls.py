"""One call or annotation read as its facts: ``Column(...)``, ``Table(...)``,
``relationship(...)`` as ``CallFacts`` (its names, type, keywords, the labels it references,
the comments around a column), ``Mapped[...]`` and plain annotations as ``AnnFacts``."""

from __future__ import annotations

import re

import libcst as cst

from reviewer.bodies import SEALING, SELF_MADE, holds_column_call
from reviewer.facts import AnnFacts, CallFacts, StrExpr
from reviewer.node_positions import Positions
from reviewer.source_text import source_note, split_lines
from reviewer.str_exprs import str_expr
from reviewer.syntax import (
    dotted,
    expr_code,
    find_labels,
    is_constant,
    literal_bool,
    literal_method,
    literal_str,
    refs_in,
)

_OPTIONAL_WRAPPERS = ("Optional", "typing.Optional", "t.Optional")
_UNION_WRAPPERS = ("Union", "typing.Union", "t.Union")
# Positional arguments of Column()/mapped_column() that are not the column type.
NON_TYPE_ARGS = frozenset(
    {"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "UniqueConstraint",
     "FetchedValue", "DefaultClause", "Index"}
)


COLUMN_FACTORIES = frozenset({"Column", "mapped_column", "column_property", "deferred"})
# what maps only the column it is given: column_property(Column(...)), deferred(Column(...))
COLUMN_WRAPPERS = frozenset({"column_property", "deferred"})


class Extractor:
    def __init__(self, positions: Positions, text: str, labels: tuple[str, ...],
                 strings: set[str]) -> None:
        self.pos = positions
        self.labels = labels
        self.strings = strings
        self.aliases: dict[str, str] = {}
        # names the class body being read binds to another name before using them
        # (heatflask: `Column = db_sql.Column` in the class, then `id = Column(Integer, ...)`)
        self.class_aliases: dict[str, str] = {}
        # what a Python 2/3 test (six.PY2, sys.version_info) may read (py_versions)
        self.versions: dict[str, str | bool] = {}
        self.lines = split_lines(text)  # for the comments around a column (classifier evidence)
        # Walking a CST subtree costs ~100x a substring test; most statements carry no label.
        self.tokens = tuple({label.rsplit(".", 1)[-1] for label in labels})
        self.any_token = any(t in text for t in self.tokens)
        # the same economy for the encrypting calls methods write columns through
        self.any_sealing = SEALING.search(text) is not None
        self.any_self_made = SELF_MADE.search(text) is not None

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

    def unalias(self, name: str) -> str:
        """``name`` with a class-body alias of its first part replaced by what it stands for."""
        head, dot, rest = name.partition(".")
        found = self.class_aliases.get(head)
        return f"{found}{dot}{rest}" if found is not None else name

    def call(self, node: cst.Call, end_line: int = 0) -> CallFacts:
        callee = self.unalias(dotted(node.func) or literal_method(node.func))
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
            text = literal_str(value)
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
                if type_text is None and tail not in NON_TYPE_ARGS:
                    type_text = self.pos.text(value)
                continue
            ref = dotted(value)
            if ref is not None:
                refs.append(ref)
                if type_text is None:
                    type_text = ref
        for kw, value in _keywords(node):
            if not is_constant(value):
                # info={"visibility": PRIVATE} where PRIVATE is a constant holding a label
                refs.extend(refs_in(value))
            if kw == "name":
                literal = literal_str(value)
                if literal is not None:
                    name = literal
                else:
                    expr = str_expr(value)
                    # name=X is a name whatever X is: never mistaken for a type below
                    name_expr = ("cat", (expr,)) if expr is not None else None
                    name_error = expr is None
            elif kw == "nullable":
                nullable = literal_bool(value)
            elif kw == "primary_key":
                primary_key = literal_bool(value) is True
            elif kw == "unique":
                unique = literal_bool(value) is True
            elif kw == "index":
                indexed = literal_bool(value) is True
            elif kw in ("doc", "comment"):
                literal = literal_str(value)
                if literal:
                    docs.append(literal)
            elif kw == "key":
                key = literal_str(value)
            elif kw in ("type_", "sa_type"):  # sa_type: SQLModel's Field(sa_type=...)
                type_text = self.code(value)
            elif kw == "sa_column" and isinstance(value, cst.Call) and inner is None:
                inner = self.call(value)  # SQLModel's Field(sa_column=Column(...))
            elif kw in ("autoload_with", "autoload"):
                reflected = True
            elif kw == "secondary":
                literal = literal_str(value)
                ref = dotted(value)
                secondary = (("table", literal) if literal is not None
                             else ("name", ref) if ref is not None else None)
            elif kw == "viewonly":
                viewonly = literal_bool(value) is True
        starred = tuple(self.code(a.value) for a in node.args
                        if a.star == "*" and not holds_column_call(a.value))
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
                  if callee.rsplit(".", 1)[-1] in COLUMN_FACTORIES else None),
            secondary=None if viewonly else secondary,
            starred=starred,
            sa_name=_sa_name(node),
        )

    def annotation(self, node: cst.BaseExpression) -> AnnFacts | None:
        quoted = literal_str(node)
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
            inner=expr_code(inner) if not isinstance(inner, str) else inner,
            optional=optional,
            alias=dotted(inner) if not isinstance(inner, str) else None,
        )

    def plain_annotation(self, node: cst.BaseExpression) -> AnnFacts:
        """``str | None`` -> wrapper "", inner "str", optional."""
        quoted = literal_str(node)
        if quoted is not None:
            try:
                node = cst.parse_expression(quoted)
            except cst.ParserSyntaxError:
                return AnnFacts(wrapper="", inner=quoted, optional=False)
        inner, optional = self.strip_optional(node)
        return AnnFacts(
            wrapper="",
            inner=inner if isinstance(inner, str) else expr_code(inner),
            optional=optional,
            alias=dotted(inner) if not isinstance(inner, str) else None,
        )

    def strip_optional(self, node: cst.BaseExpression) -> tuple[cst.BaseExpression | str, bool]:
        """``Optional[X]``, ``X | None``, ``Union[X, None]`` -> (X, True)."""
        text = literal_str(node)
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


def _keywords(node: cst.Call) -> list[tuple[str, cst.BaseExpression]]:
    """A call's keyword arguments, with the literal keys of SQLModel's
    ``Field(sa_column_kwargs={"nullable": False})``, which SQLModel passes to the Column it
    makes (gpustack's TimestampsMixin constrains its columns so)."""
    pairs: list[tuple[str, cst.BaseExpression]] = []
    for arg in node.args:
        if arg.keyword is None:
            continue
        pairs.append((arg.keyword.value, arg.value))
        if arg.keyword.value == "sa_column_kwargs" and isinstance(arg.value, cst.Dict):
            pairs.extend((key, element.value) for element in arg.value.elements
                         if isinstance(element, cst.DictElement)
                         and (key := literal_str(element.key)) in _COLUMN_KWARGS)
    return pairs


# what a Column takes by keyword that the facts keep (CallFacts); its name is _sa_name's
_COLUMN_KWARGS = frozenset({"nullable", "primary_key", "unique", "index", "doc", "comment"})


def _sa_name(node: cst.Call) -> StrExpr | None:
    """The column name ``Field(sa_column_kwargs={"name": ...})`` gives, as an expression."""
    kwargs = next((a.value for a in node.args if a.keyword is not None
                   and a.keyword.value == "sa_column_kwargs"), None)
    if kwargs is None:
        return None
    if not isinstance(kwargs, cst.Dict):
        return ("unknown",)  # a dict built elsewhere may name the column
    for element in kwargs.elements:
        if not isinstance(element, cst.DictElement):
            return ("unknown",)  # **more
        if literal_str(element.key) == "name":
            text = literal_str(element.value)
            return ("lit", text) if text is not None else (str_expr(element.value)
                                                           or ("unknown",))
    return None

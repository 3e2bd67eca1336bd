"""Per-file extraction: what one Python file declares, read with libcst and never imported.

The facts are deliberately unresolved (callees and bases stay as written, e.g. ``mc`` or
``db.Column``): resolving them needs other files, which ``reviewer.resolution`` does. That
keeps one file's facts a pure function of its text and the configured labels, so they can be
cached by content hash as JSON.

Positions: libcst's ``PositionProvider`` costs ~4x the parse itself on a 10,000-line app, and
``QualifiedNameProvider`` ~15x, so line numbers come from the stdlib ``ast`` parse of the same
text (a C parser, ~5x faster than libcst's), aligned statement by statement with the CST.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

import libcst as cst

from reviewer.facts import (
    AliasFacts,
    AnnFacts,
    CallFacts,
    ClassFacts,
    ImportFacts,
    ModuleFacts,
    Stmt,
    TablenameKind,
    mentions_sqlalchemy,
)

__all__ = [
    "AliasFacts", "AnnFacts", "CallFacts", "ClassFacts", "ImportFacts", "ModuleFacts", "Stmt",
    "TablenameKind", "find_labels", "mentions_sqlalchemy", "pragmas", "scan_source",
    "split_lines",
]

_PRAGMA = re.compile(r"#\s*masking:\s*exempt\b(?:\s*--\s*(?P<reason>.*))?", re.IGNORECASE)
_OPTIONAL_WRAPPERS = ("Optional", "typing.Optional", "t.Optional")
_UNION_WRAPPERS = ("Union", "typing.Union", "t.Union")
# Positional arguments of Column()/mapped_column() that are not the column type.
_NON_TYPE_ARGS = frozenset(
    {"ForeignKey", "Sequence", "Identity", "Computed", "CheckConstraint", "UniqueConstraint",
     "FetchedValue", "DefaultClause", "Index"}
)


# --------------------------------------------------------------------------- helpers


def dotted(node: cst.BaseExpression) -> str | None:
    if isinstance(node, cst.Name):
        return node.value
    if isinstance(node, cst.Attribute):
        head = dotted(node.value)
        return f"{head}.{node.attr.value}" if head else None
    return None


def _literal_str(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _literal_bool(node: cst.BaseExpression) -> bool | None:
    if isinstance(node, cst.Name) and node.value in ("True", "False"):
        return node.value == "True"
    return None


class _LabelFinder(cst.CSTVisitor):
    def __init__(self, labels: Sequence[str], aliases: Mapping[str, str]) -> None:
        self.labels = labels
        self.aliases = aliases
        self.found: set[str] = set()

    def _check(self, text: str) -> None:
        head, dot, rest = text.partition(".")
        if head in self.aliases:  # `from app.vis import ColumnVisibility as CV`: CV.PRIVATE
            text = self.aliases[head] + dot + rest
        for label in self.labels:
            if text == label or text.endswith("." + label):
                self.found.add(label)

    def visit_Attribute(self, node: cst.Attribute) -> bool:
        text = dotted(node)
        if text is not None:
            self._check(text)
            return False  # the chain is one name; its parts are not labels themselves
        return True

    def visit_Name(self, node: cst.Name) -> bool:
        self._check(node.value)
        return False


def find_labels(
    node: cst.CSTNode | None, labels: Sequence[str], aliases: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    if node is None or not labels:
        return ()
    finder = _LabelFinder(labels, aliases or {})
    node.visit(finder)
    return tuple(label for label in labels if label in finder.found)


def _merge_labels(labels: Sequence[str], *groups: Sequence[str]) -> tuple[str, ...]:
    found = {x for g in groups for x in g}
    return tuple(label for label in labels if label in found)


# --------------------------------------------------------------------------- extraction


class _Extractor:
    def __init__(
        self, module: cst.Module, text: str, labels: tuple[str, ...], strings: set[str]
    ) -> None:
        self.module = module
        self.labels = labels
        self.strings = strings
        self.aliases: dict[str, str] = {}
        self.lines = split_lines(text)
        # Walking a CST subtree costs ~100x a substring test; most statements carry no label.
        self.tokens = tuple({label.rsplit(".", 1)[-1] for label in labels})
        self.any_token = any(t in text for t in self.tokens)

    def may_have_labels(self, node: ast.AST) -> bool:
        if not self.any_token:
            return False
        start = getattr(node, "lineno", None)
        end = getattr(node, "end_lineno", None)
        if start is None or end is None:
            return True
        segment = "\n".join(self.lines[start - 1 : end])
        return any(t in segment for t in self.tokens)

    def labels_in(self, node: cst.CSTNode | None, twin: ast.AST | None) -> tuple[str, ...]:
        """Labels referenced in an expression. ``twin`` is the same expression in the ast.

        The ast twin is searched when there is one: walking it costs a fraction of a libcst
        visitor, and both trees hold the same names.
        """
        if node is None or not self.labels:
            return ()
        if twin is None:
            return find_labels(node, self.labels, self.aliases)
        if not self.may_have_labels(twin):
            return ()
        found: set[str] = set()
        for sub in ast.walk(twin):
            if isinstance(sub, (ast.Attribute, ast.Name)):
                text = _ast_dotted(sub)
                if text is None:
                    continue
                head, dot, rest = text.partition(".")
                if head in self.aliases:
                    text = self.aliases[head] + dot + rest
                for label in self.labels:
                    if text == label or text.endswith("." + label):
                        found.add(label)
        return tuple(label for label in self.labels if label in found)

    def segment(self, twin: ast.AST | None, node: cst.CSTNode) -> str:
        """Source text of an expression, sliced by the ast's offsets (cheaper than codegen)."""
        start = getattr(twin, "lineno", None)
        end = getattr(twin, "end_lineno", None)
        col = getattr(twin, "col_offset", None)
        end_col = getattr(twin, "end_col_offset", None)
        if start is None or end is None or col is None or end_col is None:
            return self.code(node)
        if start == end:
            line = self.lines[start - 1]
            if line.isascii():
                return str(line[col:end_col])
        raw = "\n".join(self.lines[start - 1 : end]).encode("utf-8")
        last = len(raw) - len(self.lines[end - 1].encode("utf-8")) + end_col
        return raw[col:last].decode("utf-8", errors="replace")

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node).strip()

    def call(self, node: cst.Call, line_node: ast.AST | None, end_line: int = 0) -> CallFacts:
        line = getattr(line_node, "lineno", 0)
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
        reflected = False
        ast_args: list[ast.expr] = list(line_node.args) if isinstance(line_node, ast.Call) else []
        positional = [a for a in node.args if a.keyword is None and not a.star]
        for index, arg in enumerate(positional):
            value = arg.value
            sub_ast = ast_args[index] if index < len(ast_args) else None
            text = _literal_str(value)
            if index == 0 and text is not None:
                name = first_string = text
                continue
            if index == 0 and isinstance(value, cst.FormattedString):
                name_error = True
                continue
            if index == 0 and isinstance(value, cst.Name) and value.value in self.strings:
                name_error = True
                continue
            if isinstance(value, cst.Call):
                facts = self.call(value, sub_ast, getattr(sub_ast, "end_lineno", 0) or 0)
                args.append(facts)
                if inner is None:
                    inner = facts
                tail = facts.callee.rsplit(".", 1)[-1]
                if type_text is None and tail not in _NON_TYPE_ARGS:
                    type_text = self.segment(sub_ast, value)
                continue
            ref = dotted(value)
            if ref is not None:
                refs.append(ref)
                if type_text is None:
                    type_text = ref
        ast_keywords = [k for k in getattr(line_node, "keywords", []) if k.arg is not None]
        for arg in node.args:
            if arg.keyword is None:
                continue
            kw = arg.keyword.value
            value = arg.value
            twin = next((k.value for k in ast_keywords if k.arg == kw), None)
            if twin is not None and not isinstance(twin, ast.Constant):
                # info={"visibility": PRIVATE} where PRIVATE is a constant holding a label
                refs.extend(_ast_refs(twin))
            if kw == "name":
                literal = _literal_str(value)
                if literal is None:
                    name_error = True
                else:
                    name = literal
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
            elif kw == "type_":
                type_text = self.code(value)  # rare: codegen is fine
            elif kw in ("autoload_with", "autoload"):
                reflected = True
            if twin is None:
                ref = dotted(value)
                if ref is not None:
                    refs.append(ref)
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
            labels=self.labels_in(node, line_node),
            refs=tuple(dict.fromkeys(refs)),
            inner=inner,
            args=tuple(args),
            first_string=first_string,
            end_line=end_line or getattr(line_node, "end_lineno", 0) or line,
            reflected=reflected,
            index=indexed,
            doc=" ".join(docs) or None,
            note=(source_note(self.lines, line, end_line or line)
                  if callee.rsplit(".", 1)[-1] in _COLUMN_FACTORIES else None),
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
        if wrapper is None or len(node.slice) != 1:
            return None
        element = node.slice[0].slice
        if not isinstance(element, cst.Index):
            return None
        inner, optional = self.strip_optional(element.value)
        return AnnFacts(
            wrapper=wrapper,
            inner=self.code(inner) if not isinstance(inner, str) else inner,
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


def _align(cst_body: Sequence[cst.BaseStatement], ast_body: Sequence[ast.stmt]) -> Iterator[
    tuple[cst.BaseStatement, cst.BaseSmallStatement | None, ast.stmt]
]:
    """Pair each CST statement with its ast twin: (statement, small statement or None, ast)."""
    i = 0
    for stmt in cst_body:
        if isinstance(stmt, cst.SimpleStatementLine):
            for small in stmt.body:
                if i < len(ast_body):
                    yield stmt, small, ast_body[i]
                i += 1
        else:
            if i < len(ast_body):
                yield stmt, None, ast_body[i]
            i += 1


def _first_line(node: ast.stmt) -> int:
    decorators = getattr(node, "decorator_list", None)
    if decorators:
        return int(decorators[0].lineno)
    return node.lineno


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
        self.tables: list[CallFacts] = []
        self.aliases: list[AliasFacts] = []
        self.consts: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = []
        self.instances: list[tuple[str, str]] = []
        self.errors: list[tuple[int, str]] = []
        self.names: list[str] = []

    def module_body(self, body: Sequence[cst.BaseStatement], tree: Sequence[ast.stmt]) -> None:
        for stmt, small, node in _align(body, tree):
            if isinstance(small, (cst.Import, cst.ImportFrom)):
                self.import_(small)
            elif isinstance(small, (cst.Assign, cst.AnnAssign, cst.Expr)):
                self.module_assign(small, node)
            elif isinstance(stmt, cst.ClassDef) and isinstance(node, ast.ClassDef):
                self.names.append(stmt.name.value)
                self.classes.append(self.class_(stmt, node))
            elif isinstance(stmt, cst.If) and isinstance(node, ast.If):
                # Imports and definitions under if/else (TYPE_CHECKING, version checks).
                self.module_body(_block_body(stmt.body), node.body)
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.module_body(_block_body(orelse.body), node.orelse)
                elif isinstance(orelse, cst.If):
                    self.module_body([orelse], node.orelse)
            elif isinstance(stmt, cst.Try) and isinstance(node, ast.Try):
                self.module_body(_block_body(stmt.body), node.body)
                for handler, ast_handler in zip(stmt.handlers, node.handlers, strict=False):
                    self.module_body(_block_body(handler.body), ast_handler.body)
            elif isinstance(stmt, cst.FunctionDef):
                self.names.append(stmt.name.value)

    def import_(self, small: cst.Import | cst.ImportFrom) -> None:
        if isinstance(small, cst.Import):
            for alias in small.names:
                full = dotted(alias.name) or ""
                if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                    self.imports.append(ImportFacts(alias.asname.name.value, full, None))
                else:
                    head = full.split(".")[0]
                    self.imports.append(ImportFacts(head, head, None))
            return
        module = dotted(small.module) if small.module is not None else ""
        level = len(small.relative)
        if isinstance(small.names, cst.ImportStar):
            self.imports.append(ImportFacts("*", module or "", "*", level))
            return
        for alias in small.names:
            name = dotted(alias.name) or ""
            local = name
            if alias.asname is not None and isinstance(alias.asname.name, cst.Name):
                local = alias.asname.name.value
            self.imports.append(ImportFacts(local, module or "", name, level))

    def module_assign(self, small: cst.BaseSmallStatement, node: ast.stmt) -> None:
        ex = self.ex
        target: str | None = None
        value: cst.BaseExpression | None = None
        ast_value: ast.expr | None = None
        if isinstance(small, cst.Assign) and len(small.targets) == 1:
            target = dotted(small.targets[0].target)
            value = small.value
            ast_value = node.value if isinstance(node, ast.Assign) else None
        elif isinstance(small, cst.AnnAssign):
            target = dotted(small.target)
            value = small.value
            ast_value = node.value if isinstance(node, ast.AnnAssign) else None
        elif isinstance(small, cst.Expr):
            value = small.value
            ast_value = node.value if isinstance(node, ast.Expr) else None
        if target is not None and "." not in target:
            self.names.append(target)
        if value is None:
            return
        if isinstance(value, cst.Call):
            callee = dotted(value.func) or ""
            if target is not None and "." not in target:
                self.instances.append((target, callee))
            if callee.rsplit(".", 1)[-1] == "Table":
                self.tables.append(ex.call(value, ast_value))
        alias = self.annotated_alias(target, value, node)
        if alias is not None:
            self.aliases.append(alias)
            return
        if target is not None and "." not in target:
            twin = getattr(node, "value", None)
            found = ex.labels_in(value, twin)
            refs: tuple[str, ...] = ()
            if isinstance(twin, (ast.Dict, ast.Name, ast.Attribute)) or (
                isinstance(twin, ast.Call) and _ast_dotted(twin.func) == "dict"
            ):
                refs = tuple(dict.fromkeys(_ast_refs(twin)))
            if found or refs:
                self.consts.append((target, found, refs))

    def annotated_alias(
        self, target: str | None, value: cst.BaseExpression, node: ast.stmt
    ) -> AliasFacts | None:
        if target is None or not isinstance(value, cst.Subscript):
            return None
        wrapper = dotted(value.value) or ""
        if wrapper.rsplit(".", 1)[-1] != "Annotated" or len(value.slice) < 2:
            return None
        parts = [e.slice.value for e in value.slice if isinstance(e.slice, cst.Index)]
        ast_parts: list[ast.expr] = []
        ast_value = getattr(node, "value", None)
        if isinstance(ast_value, ast.Subscript) and isinstance(ast_value.slice, ast.Tuple):
            ast_parts = list(ast_value.slice.elts)
        inner, optional = self.ex.strip_optional(parts[0])
        call: CallFacts | None = None
        for index, part in enumerate(parts[1:], start=1):
            if isinstance(part, cst.Call):
                call = self.ex.call(part, ast_parts[index] if index < len(ast_parts) else None)
                break
        return AliasFacts(
            name=target,
            line=node.lineno,
            inner=inner if isinstance(inner, str) else self.ex.code(inner),
            optional=optional,
            call=call,
            labels=self.ex.labels_in(value, getattr(node, "value", None)),
        )

    def class_(self, node: cst.ClassDef, tree: ast.ClassDef) -> ClassFacts:
        bases = tuple(dotted(_unsubscript(a.value)) or "" for a in node.bases if a.keyword is None)
        state = _ClassState()
        self.class_body(_block_body(node.body), tree.body, state, type_checking=False)
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
        return ClassFacts(
            name=node.name.value,
            line=_first_line(tree),
            bases=bases,
            stmts=tuple(chosen.values()),
            names=tuple(dict.fromkeys(state.names)),
            tablename=state.tablename,
            tablename_kind=state.tablename_kind,
            tablename_line=state.tablename_line,
            abstract=state.abstract,
            table=state.table,
            table_line=state.table_line,
            table_error=state.table_error,
        )

    def class_body(
        self,
        body: Sequence[cst.BaseStatement],
        tree: Sequence[ast.stmt],
        state: _ClassState,
        *,
        type_checking: bool,
    ) -> None:
        ex = self.ex
        for stmt, small, node in _align(body, tree):
            if isinstance(stmt, cst.If) and isinstance(node, ast.If):
                guarded = _is_type_checking(stmt.test)
                self.class_body(
                    _block_body(stmt.body), node.body, state, type_checking=guarded or type_checking
                )
                orelse = stmt.orelse
                if isinstance(orelse, cst.Else):
                    self.class_body(
                        _block_body(orelse.body), node.orelse, state, type_checking=type_checking
                    )
                elif isinstance(orelse, cst.If):
                    self.class_body([orelse], node.orelse, state, type_checking=type_checking)
                continue
            if isinstance(stmt, cst.FunctionDef) and isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef)
            ):
                self.function(stmt, node, state, type_checking)
                continue
            if isinstance(stmt, cst.ClassDef):
                state.names.append(stmt.name.value)
                continue
            target: cst.BaseExpression | None = None
            value: cst.BaseExpression | None = None
            ann: cst.Annotation | None = None
            ast_value: ast.expr | None = None
            if isinstance(small, cst.Assign) and isinstance(node, ast.Assign):
                if len(small.targets) != 1:
                    for t in small.targets:
                        name = dotted(t.target)
                        if name:
                            state.names.append(name)
                    continue
                target, value, ast_value = small.targets[0].target, small.value, node.value
            elif isinstance(small, cst.AnnAssign) and isinstance(node, ast.AnnAssign):
                target, value, ann = small.target, small.value, small.annotation
                ast_value = node.value
            else:
                continue
            if not isinstance(target, cst.Name):
                continue
            attr = target.value
            state.names.append(attr)
            line, end_line = node.lineno, node.end_lineno or node.lineno
            if attr == "__tablename__":
                literal = _literal_str(value) if value is not None else None
                if literal is not None:
                    state.tablename, state.tablename_kind = literal, "literal"
                elif isinstance(value, cst.Name) and value.value == "None":
                    state.tablename_kind = "none"
                else:
                    state.tablename_kind = "computed"
                state.tablename_line = line
                continue
            if attr == "__abstract__":
                state.abstract = value is not None and _literal_bool(value) is True
                continue
            if attr == "__table__":
                state.table_line = line
                if isinstance(value, cst.Call) and (dotted(value.func) or "").endswith("Table"):
                    state.table = ex.call(value, ast_value, end_line)
                else:
                    state.table_error = True
                continue
            if attr.startswith("__"):
                continue
            annotation = ex.annotation(ann.annotation) if ann is not None else None
            if value is None and annotation is None:
                continue
            call = ex.call(value, ast_value, end_line) if isinstance(value, cst.Call) else None
            if value is not None and call is None:
                self.shared_column(attr, value, line)
                continue
            labels = _merge_labels(
                ex.labels,
                call.labels if call else (),
                ex.labels_in(ann, node.annotation if isinstance(node, ast.AnnAssign) else None),
            )
            state.stmts.append(
                Stmt(attr, line, end_line, annotation, call, (), labels, type_checking)
            )

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

    def function(
        self,
        stmt: cst.FunctionDef,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        state: _ClassState,
        type_checking: bool,
    ) -> None:
        ex = self.ex
        attr = stmt.name.value
        state.names.append(attr)
        decorators = tuple(dotted(_uncall(d.decorator)) or "" for d in stmt.decorators)
        if not any(d.split(".")[-1] in ("declared_attr", "directive", "cascading")
                   for d in decorators):
            return
        if attr == "__tablename__":
            state.tablename_kind = "declared"
            state.tablename_line = _first_line(node)
            return
        ret_cst: cst.Call | None = None
        ret_ast: ast.expr | None = None
        for _line, small, ast_stmt in _align(_block_body(stmt.body), node.body):
            if (
                isinstance(small, cst.Return)
                and isinstance(ast_stmt, ast.Return)
                and isinstance(small.value, cst.Call)
            ):
                ret_cst, ret_ast = small.value, ast_stmt.value
        if ret_cst is None:
            return
        annotation = ex.annotation(stmt.returns.annotation) if stmt.returns else None
        end_line = node.end_lineno or node.lineno
        call = ex.call(ret_cst, ret_ast, end_line)
        labels = _merge_labels(
            ex.labels, call.labels, ex.labels_in(stmt.returns, node.returns)
        )
        state.stmts.append(
            Stmt(attr, _first_line(node), end_line, annotation, call, decorators, labels,
                 type_checking)
        )


_COLUMN_FACTORIES = frozenset({"Column", "mapped_column", "column_property", "deferred"})


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


def _ast_dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _ast_refs(node: ast.AST) -> list[str]:
    """Every maximal dotted name (``a.b.c``, not also ``a.b``) inside an expression."""
    if isinstance(node, (ast.Attribute, ast.Name)):
        text = _ast_dotted(node)
        if text is not None:
            return [text]
    out: list[str] = []
    for child in ast.iter_child_nodes(node):
        out.extend(_ast_refs(child))
    return out


def _import_aliases(body: Sequence[ast.stmt]) -> dict[str, str]:
    """Renaming imports at module level (under if/try too): local name -> what it stands for."""
    aliases: dict[str, str] = {}
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                if alias.asname and alias.name != "*":
                    target = alias.name if isinstance(node, ast.Import) else (
                        f"{node.module}.{alias.name}" if node.module else alias.name
                    )
                    aliases[alias.asname] = target
        elif isinstance(node, ast.If):
            aliases.update(_import_aliases(node.body))
            aliases.update(_import_aliases(node.orelse))
        elif isinstance(node, ast.Try):
            aliases.update(_import_aliases(node.body))
            for handler in node.handlers:
                aliases.update(_import_aliases(handler.body))
    return aliases

def pragmas(text: str) -> tuple[tuple[int, str], ...]:
    if "masking" not in text:
        return ()
    found: list[tuple[int, str]] = []
    for number, line in enumerate(split_lines(text), start=1):
        m = _PRAGMA.search(line)
        if m:
            found.append((number, (m.group("reason") or "").strip()))
    return tuple(found)


_NEWLINE = re.compile(r"\r\n|\r|\n")
_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
# Tool directives, not prose about the column (the exemption pragma is read on its own).
_DIRECTIVE = re.compile(r"^(?:masking:|noqa|type:|pragma|pylint|fmt:|mypy|ruff)", re.IGNORECASE)


def _comment_of(line: str) -> str | None:
    if "#" not in line:
        return None
    at = _STRING.sub(lambda m: "_" * len(m.group(0)), line).find("#")
    if at < 0:
        return None
    text = line[at + 1:].strip()
    return None if not text or _DIRECTIVE.match(text) else text


def source_note(lines: Sequence[str], line: int, end_line: int) -> str | None:
    """The comments a reader sees with a column: on its own lines, and the comment block
    right above it (``# one-time code e-mailed to the user``)."""
    found: list[str] = []
    above = line - 2
    while above >= 0 and lines[above].lstrip().startswith("#"):
        text = _comment_of(lines[above])
        if text:
            found.insert(0, text)
        above -= 1
    for number in range(line, min(end_line, len(lines)) + 1):
        text = _comment_of(lines[number - 1])
        if text:
            found.append(text)
    return " ".join(found)[:300] or None


def split_lines(text: str) -> list[str]:
    """Lines as Python counts them; str.splitlines also breaks on form feeds and the like,
    which would shift every line number after a ^L page break."""
    return _NEWLINE.split(text)


def scan_source(text: str, labels: Sequence[str]) -> ModuleFacts:
    """Extract one file's facts. Never raises for bad content: errors land in ``.errors``."""
    text = text.removeprefix("\ufeff")  # a UTF-8 BOM is legal Python but not valid in str
    # Python's own parser first: it is fast, and it names the line and column where the
    # syntax error is (libcst reports where it gave up, often lines later).
    try:
        tree = ast.parse(text)
    except SyntaxError as exc:
        line = exc.lineno or 1
        where = f"line {line}" + (f", column {exc.offset}" if exc.offset else "")
        return ModuleFacts(
            errors=((line, f"syntax error at {where}: {exc.msg}; fix the file so it parses"),),
            pragmas=pragmas(text),
        )
    except (ValueError, RecursionError) as exc:
        return ModuleFacts(errors=((1, f"cannot parse: {exc}"),), pragmas=pragmas(text))
    try:
        module = cst.parse_module(text)
    except cst.ParserSyntaxError as exc:
        return ModuleFacts(
            errors=((exc.raw_line, f"syntax error: {exc.message}; fix the file so it parses"),),
            pragmas=pragmas(text),
        )
    except (RecursionError, ValueError, TypeError) as exc:
        return ModuleFacts(errors=((1, f"cannot parse: {exc}"),), pragmas=pragmas(text))
    strings = {
        t.id
        for n in tree.body
        if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
        and isinstance(n.value.value, str)
        for t in n.targets
        if isinstance(t, ast.Name)
    }
    extractor = _Extractor(module, text, tuple(labels), strings)
    extractor.aliases = _import_aliases(tree.body)
    builder = _ModuleBuilder(extractor)
    try:
        builder.module_body(module.body, tree.body)
    except (RecursionError, AttributeError, ValueError, TypeError, IndexError, KeyError) as exc:
        # A construct the extractor does not handle must block, never crash the whole gate.
        message = f"the reviewer could not read this file ({type(exc).__name__}: {exc}); "
        return ModuleFacts(errors=((1, message + "please report it"),), pragmas=pragmas(text))
    imports_sqlalchemy = any(
        (i.module or (i.name or "")).split(".")[0] in ("sqlalchemy", "flask_sqlalchemy", "sqlmodel")
        and i.level == 0
        for i in builder.imports
    )
    return ModuleFacts(
        imports=tuple(builder.imports),
        classes=tuple(builder.classes),
        tables=tuple(builder.tables),
        aliases=tuple(builder.aliases),
        consts=tuple(builder.consts),
        instances=tuple(builder.instances),
        strings=tuple(sorted(strings)),
        pragmas=pragmas(text),
        errors=tuple(builder.errors),
        imports_sqlalchemy=imports_sqlalchemy,
        names=tuple(dict.fromkeys(builder.names)),
    )

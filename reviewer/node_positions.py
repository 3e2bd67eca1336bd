"""Lines and text of the nodes one file's facts use.

libcst's ``PositionProvider`` costs ~2.5x the parse itself, so ``_SpanState`` records only
what the facts need (statements and calls) during one plain code generation pass, as token
offsets that are turned into line numbers afterwards (~0.3x the parse).
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Iterable
from typing import Any

import libcst as cst
from libcst._nodes.internal import CodegenState

from reviewer.source_text import NEWLINE

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


class Positions:
    """Lines and text of spanned nodes, computed on first use: a module that declares no class,
    table or alias never pays for the code generation pass."""

    def __init__(self, module: cst.Module, text: str) -> None:
        self.module = module
        self.crlf = "\r" in text
        self.tokens: list[str] = []
        self.spans: dict[cst.CSTNode, tuple[int, int]] = {}
        self.newlines: list[int] = []
        self.starts: dict[type[cst.CSTNode], list[int]] = {}  # kind -> sorted span starts
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

    def holds(self, node: cst.CSTNode, kind: type[cst.CSTNode]) -> bool:
        """Whether a spanned node of ``kind`` starts inside ``node`` (a class statement in a
        function's body), by the spans alone: no walk of the node."""
        if not self.ready:
            self._compute()
        span = self.spans.get(node)
        if span is None:
            return False
        starts = self.starts.get(kind)
        if starts is None:
            starts = self.starts[kind] = sorted(
                start for n, (start, _end) in self.spans.items() if type(n) is kind)
        at = bisect.bisect_right(starts, span[0])
        return at < len(starts) and starts[at] < span[1]

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

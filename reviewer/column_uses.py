"""Where the repository's code uses a model's column: which column ``x.attr`` is, the files
read for it and how, shared by the readers of code evidence (``reviewer.blob_keys``: the keys
kept in a blob; ``reviewer.value_sources``: how a column's value is made and checked).

What is read: the repository's own Python source, as auto-detection sees it (no tests, no
vendored packages) and no migrations (``selection.code_files``). Each reader first searches a
file as text for lines that could hold a use; only a file with one is parsed, with the
standard library's ``ast`` (never imported or executed), and only the functions holding those
lines (``pieces``). A file that does not parse, or nests deeper than ``MAX_NESTING``, gives no
evidence: evidence only ever adds, and the gate reads the model files itself. What each file
holds is cached by its content (``FileStore``), so a warm pull request reads and parses only
the files it changed. The readers of one classification share one pass over the files
(``CodeFiles``): each file is listed, identified and read once, whatever each reader makes of
it.

What ties a use to a column, as a reviewer would accept it (``ColumnIndex.resolve``):

- the receiver names the model: ``node.driver_info`` or ``task.node.driver_info`` for class
  ``Node``, ``target.properties`` for ``VolumeTarget`` (a run of the class's or table's
  words); ``self.x`` / ``cls.x`` inside a class of that name (the model itself, or another
  layer's class of the same name);
- or the attribute's name has several words and only one table has it
  (``x.driver_internal_info``), and the receiver names no model (``job.x`` for ``PrintJob``
  says it is some other model's).
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import itertools
import json
import re
import sys
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from reviewer.cache import JsonStore, digest_key, files_fingerprint, identify
from reviewer.constants import INVENTORY_CACHE_ENTRIES, MAX_NESTING, OLDEST_PYTHON
from reviewer.files import UnreadableFile, too_deep
from reviewer.selection import code_files
from reviewer.sources import SourceTree
from reviewer.types import Column
from reviewer.vocabulary import normalize

ColumnKey = tuple[str, str]
SELF = frozenset({"self", "cls"})
T = TypeVar("T")

@dataclass(frozen=True, slots=True)
class _Asked:
    key: ColumnKey
    names: tuple[tuple[str, ...], ...]  # the words of its class's and its table's names


def _names(column: Column) -> tuple[tuple[str, ...], ...]:
    return tuple(dict.fromkeys(t for t in (normalize(column.class_name or ""),
                                           normalize(column.table)) if t))


def _run_of(words: tuple[str, ...], name: tuple[str, ...]) -> bool:
    n = len(words)
    return any(name[i:i + n] == words for i in range(len(name) - n + 1))


class ColumnIndex:
    """Which of the columns asked about an ``x.attr`` is, given the receiver's name;
    ``columns`` is the whole inventory (which table has which attribute, which names are
    models)."""

    def __init__(self, asked: Sequence[Column], columns: Sequence[Column],
                 unique_min_words: int,
                 views: Mapping[tuple[str, str], str] | None = None) -> None:
        """``views``: (class, attribute) of a property or method that returns a column of the
        class decoded, and that column's attribute: ``x.view`` is a use of the column."""
        self.asked = tuple(asked)
        self.views = dict(sorted((views or {}).items()))
        self.viewed = frozenset(view for _, view in self.views)
        viewing: dict[tuple[str, str], list[str]] = {}
        for (owner, view), of in self.views.items():
            viewing.setdefault((owner, of), []).append(view)
        self._shape: str | None = None
        self.by_attr: dict[str, list[_Asked]] = {}
        self.by_class: dict[str, dict[str, ColumnKey]] = {}
        names: dict[tuple[str | None, str], tuple[tuple[str, ...], ...]] = {}
        for c in asked:
            attr = c.attribute or c.column
            model = names.get((c.class_name, c.table)) or names.setdefault(
                (c.class_name, c.table), _names(c))
            self.by_attr.setdefault(attr, []).append(_Asked(c.key, model))
            if c.class_name:
                self.by_class.setdefault(c.class_name, {})[attr] = c.key
                for view in viewing.get((c.class_name, attr), ()):
                    self.by_attr.setdefault(view, []).append(_Asked(c.key, model))
        tables: dict[str, set[str]] = {}
        for c in columns:
            if c.history_of is None:
                tables.setdefault(c.attribute or c.column, set()).add(c.table)
                if (c.class_name, c.table) not in names:
                    names[(c.class_name, c.table)] = _names(c)
        self.models = {n for model in names.values() for n in model}
        self._named: dict[tuple[str, ...], bool] = {}
        self._resolved: dict[tuple[str, str | None], ColumnKey | None] = {}
        def one_table(attr: str) -> bool:
            if attr in self.viewed:  # a view, unless a column elsewhere has its name
                return attr not in tables
            return len(tables.get(attr, ())) == 1

        self.unique = frozenset(
            a for a, found in self.by_attr.items()
            if len(found) == 1 and one_table(a) and len(normalize(a)) >= unique_min_words)

    def resolve(self, attr: str, receiver: str | None) -> ColumnKey | None:
        asked = (attr, receiver)
        if asked not in self._resolved:
            self._resolved[asked] = self._resolve(attr, receiver)
        return self._resolved[asked]

    def _resolve(self, attr: str, receiver: str | None) -> ColumnKey | None:
        found = self.by_attr.get(attr)
        if not found:
            return None
        words = normalize(receiver) if receiver else ()
        if words:
            exact = [b for b in found if words in b.names]
            named = exact or [b for b in found if any(_run_of(words, n) for n in b.names)]
            if len(named) == 1:
                return named[0].key
            if named:
                return None  # it names two models that both have the attribute
        if attr in self.unique and not self._names_a_model(words):
            return found[0].key
        return None

    def _names_a_model(self, words: tuple[str, ...]) -> bool:
        if words not in self._named:
            self._named[words] = bool(words) and any(_run_of(words, n) for n in self.models)
        return self._named[words]

    def shape(self) -> str:
        """What the index is, for a cache key: the columns asked about, in order (a class
        name two tables share maps an attribute to the later one), the attributes only one
        table has, the models' names. The rest follows from them by the code, which the key
        holds too: one row per column, not its names over again (half the text, a fifth
        of the time of sorting the index itself)."""
        if self._shape is None:
            self._shape = json.dumps([[(c.table, c.column, c.attribute, c.class_name)
                                       for c in self.asked],
                                      sorted(self.unique), sorted(self.models),
                                      sorted(self.views.items())])
        return self._shape


def receiver(node: ast.expr, owner: str | None) -> str | None:
    """The name a receiver goes by: ``printer`` of ``printer.x``, ``node`` of
    ``task.node.x``, the class ``self`` is in."""
    if isinstance(node, ast.Name):
        return owner if node.id in SELF else node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def word_before(text: str, end: int) -> str | None:
    """The identifier that ends at ``end`` (spaces before ``end`` skipped), if any."""
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end] or None




CALLED = re.compile(r"\b(\w+)\s*\(")
CLASS = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
_NEWLINE = re.compile(r"\n")


def line_numbers(text: str, offsets: Sequence[int]) -> list[int]:
    """The (sorted, distinct) lines of ``text`` that hold these character offsets."""
    if not offsets:
        return []
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    return sorted({bisect.bisect_left(newlines, o) + 1 for o in offsets})


class CodeFiles:
    """The code files of ``tree`` the readers read, listed, identified and read once for all
    of them: one pass over the files per classification, however many readers ask (each
    keeps its own read function and its own store). The text of a file read for one reader
    is kept for the next, until the classification drops this object."""

    def __init__(self, tree: SourceTree) -> None:
        self.tree = tree
        self.paths = code_files(tree.files())
        self._ids: dict[str, str | None] | None = None
        self._texts: dict[str, str | UnreadableFile | None] = {}

    @classmethod
    def of(cls, tree: SourceTree | CodeFiles) -> CodeFiles:
        return tree if isinstance(tree, CodeFiles) else cls(tree)

    def ids(self) -> Mapping[str, str | None]:
        """Each file's content id; a file that cannot be read is left out."""
        if self._ids is None:
            self._ids = {}
            for path in self.paths:
                with contextlib.suppress(UnreadableFile):
                    self._ids[path] = identify(self.tree, path)
        return self._ids

    def prefetch(self, paths: Sequence[str]) -> None:
        """A commit's files: load these in one go, not the whole commit on the first read."""
        prefetch = getattr(self.tree, "prefetch", None)
        if prefetch is not None:
            prefetch([p for p in paths if p not in self._texts])

    def read(self, path: str) -> str | None:
        """The file's text (None when missing); raises UnreadableFile as the tree does."""
        if path not in self._texts:
            try:
                self._texts[path] = self.tree.read(path)
            except UnreadableFile as exc:
                self._texts[path] = exc
        text = self._texts[path]
        if isinstance(text, UnreadableFile):
            raise text
        return text


def read_code(tree: SourceTree | CodeFiles, read: Callable[[str, str], list[T]],
              store: FileStore[T] | None) -> Iterator[tuple[str, list[T]]]:
    """What ``read(text, path)`` finds in each code file of ``tree``, in path order; with a
    ``store``, what each file holds is kept by its content id: a pull request that changes
    three files reads and parses three. Give the readers of one classification one
    ``CodeFiles``, and they share the listing, the ids and the texts."""
    files = CodeFiles.of(tree)
    known = store.load() if store is not None else {}
    seen: dict[tuple[str, str], list[T]] = {}
    ids: Mapping[str, str | None] = {}
    if store is not None:
        ids = files.ids()
        files.prefetch([p for p, cid in ids.items() if (p, cid) not in known])
    for path in files.paths:
        if store is not None and path not in ids:
            continue  # unreadable: evidence only, the gate reads the model files itself
        cid = ids.get(path)
        try:
            if cid is not None and (path, cid) in known:
                found = known[path, cid]
            else:
                text = files.read(path)
                found = [] if text is None else read(text, path)
        except UnreadableFile:
            continue  # evidence only: the gate reads (and blocks on) the model files itself
        if cid is not None:
            seen[path, cid] = found
        yield path, found
    if store is not None and not seen.keys() <= known.keys():
        # the other side of a pull request keeps its versions of the files it changed
        older = [k for k in known if k not in seen][:len(seen)]
        store.save({**{k: known[k] for k in older}, **seen})


class Placed(Protocol):
    """A piece of code evidence: of a kind, at a place."""

    @property
    def kind(self) -> str: ...
    @property
    def path(self) -> str: ...
    @property
    def line(self) -> int: ...


P = TypeVar("P", bound=Placed)


def first_of_each_kind(found: Iterator[tuple[str, list[tuple[ColumnKey, P]]]]
                       ) -> dict[ColumnKey, tuple[P, ...]]:
    """Each column's evidence, one of each kind: the first place the code shows it (by path,
    then line), in that order; ``found`` is what ``read_code`` yields."""
    first: dict[ColumnKey, dict[str, P]] = {}
    for _, pieces in found:
        for column, piece in pieces:
            kinds = first.setdefault(column, {})
            prev = kinds.get(piece.kind)
            if prev is None or (piece.path, piece.line) < (prev.path, prev.line):
                kinds[piece.kind] = piece
    return {column: tuple(sorted(kinds.values(), key=lambda p: (p.path, p.line, p.kind)))
            for column, kinds in first.items()}


class FileStore(Generic[T]):
    """What each code file holds for one reader and one set of columns, by the file's content
    id: one JSON entry, keyed on ``shape`` (the columns asked about, the inventory's model
    names) and the code of ``modules``. Each thing found is stored as ``encode`` makes it and
    read back by ``decode`` (given the file's path), which raises ValueError or TypeError on
    a malformed one: then the whole entry is a miss (the cache may come from an untrusted
    run)."""

    def __init__(self, kind: str, modules: tuple[str, ...], shape: str,
                 encode: Callable[[T], list[object]],
                 decode: Callable[[str, list[object]], T]) -> None:
        code = files_fingerprint(("column_uses.py", "name_verdicts.py", "vocabulary.py",
                                  "vocabulary.toml", "selection.py", *modules))
        self.key = None if code is None else digest_key(kind, code, shape)
        self.store = JsonStore(kind, max_entries=INVENTORY_CACHE_ENTRIES)
        self.encode, self.decode = encode, decode

    def load(self) -> dict[tuple[str, str], list[T]]:
        """What each version of a file holds, by (path, content id); {} if malformed."""
        data = None if self.key is None else self.store.load(self.key)
        out: dict[tuple[str, str], list[T]] = {}
        try:
            for path, cid, rows in (data or {}).get("files", []):
                if not (isinstance(path, str) and isinstance(cid, str)):
                    return {}
                out[path, cid] = [self.decode(path, row) for row in rows]
        except (TypeError, ValueError):
            return {}
        return out

    def save(self, seen: Mapping[tuple[str, str], list[T]]) -> None:
        if self.key is not None:
            self.store.store(self.key, {"files": [
                [path, cid, [self.encode(found) for found in founds]]
                for (path, cid), founds in sorted(seen.items())]})


def pieces(text: str, lines: Sequence[int],
           path: str) -> list[tuple[ast.Module, str | None]]:
    """The code to walk for uses on ``lines``: each function holding one parsed alone (a
    10,000-line module costs its few functions, not the whole parse), with the class it is a
    method of; else the whole file. A function that did not parse alone may be a bad cut:
    the whole file decides, and when it does not parse either, the functions that did still
    count."""
    if not lines:
        return []
    cut = _functions(text, lines, path)
    if cut is None or None in (piece for piece, _ in cut):
        module = parse(text, path)
        if module is not None or cut is None:
            return [] if module is None else [(module, None)]
    return [(piece, owner) for piece, owner in cut or () if piece is not None]


_TRIPLE = re.compile(r"\"\"\"|'''")
_DEF = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]")
_CLASS_AT = re.compile(r"[ \t]*class[ \t]+(\w+)")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _code(line: str) -> bool:
    """A line that starts a statement or a block (not blank, a comment, or a closing bracket
    of a statement begun above)."""
    stripped = line.strip()
    return bool(stripped) and stripped[0] not in "#)]}"


def _functions(text: str, lines: Sequence[int],
               path: str) -> list[tuple[ast.Module | None, str | None]] | None:
    """Each function that holds one of ``lines``, parsed alone (None when it does not parse)
    and numbered as in the file, with the class it is a method of; None when a line is
    outside any function, or a function's text is not plain enough to cut out (a string at
    column 0): then the caller parses the whole file."""
    source = text.splitlines(keepends=True)
    # where a line starts, and the triple quotes before it: a def inside a docstring's
    # example is no function (an odd count of either kind before it says so)
    offsets = list(itertools.accumulate(map(len, source), initial=0))
    quotes = [(m.start(), m.group()) for m in _TRIPLE.finditer(text)]
    spans: dict[int, int] = {}
    for line in lines:
        start = _enclosing(source, line - 1, _DEF)
        if start is None:
            return None
        before = quotes[:bisect.bisect_left(quotes, (offsets[start], ""))]
        if any(sum(q == kind for _, q in before) % 2 for kind in ('"""', "'''")):
            return None
        if start not in spans:
            depth = _indent(source[start])
            end = start + 1
            for k in range(start + 1, len(source)):
                if _code(source[k]) and _indent(source[k]) <= depth:
                    break
                end = k + 1
            spans[start] = end
        if not start < line - 1 < spans[start]:
            return None
    out = []
    for start, end in spans.items():
        depth = _indent(source[start])
        body = []
        for raw in source[start:end]:
            if not raw.strip():
                body.append("\n")
            elif raw[:depth].strip(" \t"):
                return None  # a line less indented than the def: inside a string
            else:
                body.append(raw[depth:])
        piece = parse("".join(body), path)
        if piece is not None:
            ast.increment_lineno(piece, start)
        owner = _enclosing(source, start, _CLASS_AT)
        found = None if owner is None else _CLASS_AT.match(source[owner])
        out.append((piece, found.group(1) if found else None))
    return out


def _enclosing(source: Sequence[str], index: int, block: re.Pattern[str]) -> int | None:
    """The nearest line above ``index`` that opens a ``block`` (a def, a class) holding it,
    through the blocks between (an ``if``, a nested def); None when module code (a statement at
    column 0) or, looking for a def, a class body comes first."""
    limit = _indent(source[index])
    for j in range(index - 1, -1, -1):
        line = source[j]
        depth = _indent(line)
        if depth >= limit or not _code(line):
            continue
        if block.match(line):
            return j
        if depth == 0 or (block is _DEF and _CLASS_AT.match(line)):
            return None
        limit = depth
    return None


def parse(text: str, path: str) -> ast.Module | None:
    """The code's syntax tree, in the grammar of the oldest supported Python on every host:
    one repository gives the same evidence under 3.10 and 3.13. The standard library's
    parser takes ``feature_version`` for that; the one thing it still lets through on 3.12+
    is PEP 701's f-strings, refused here as 3.10 refuses them. PEP 695's type parameters
    and ``type`` statements, which say nothing of a column, are read without them
    (``without_type_params``), so a 3.12 codebase (OneGov, Dify) still gives evidence."""
    if too_deep(text, MAX_NESTING, quotes="\"'") is not None:
        return None
    module = _parsed(text, path)
    if module is None:
        plain = without_type_params(text)
        module = None if plain is None else _parsed(plain, path)
        text = plain or text
    if module is None:
        return None
    if sys.version_info >= (3, 12) and _FSTRING.search(text) and _newer_fstrings(module, text):
        return None
    return module


def _parsed(text: str, path: str) -> ast.Module | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in someone else's strings
            return ast.parse(text, filename=path, feature_version=OLDEST_PYTHON)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None


_TYPE_STATEMENT = re.compile(r"^([ \t]*)type[ \t]+(\w+)[ \t]*(\[[^\n]*?\])?[ \t]*=", re.M)
_PARAMETRISED = re.compile(r"^[ \t]*(?:async[ \t]+)?(?:def|class)[ \t]+\w+(?=\[)", re.M)


def without_type_params(text: str) -> str | None:
    """``text`` without PEP 695's syntax, line for line: ``type Alias[T] = X`` becomes
    ``Alias = X``, ``class C[T: B](Base):`` ``class C(Base):`` and ``def f[T](x)``
    ``def f(x)``; None when there is none, or a parameter list spans lines."""
    out, at, changed = [], 0, False
    for m in _PARAMETRISED.finditer(text):
        start = m.end()
        depth, end = 0, start
        while end < len(text):
            char = text[end]
            depth += (char in "([{") - (char in ")]}")
            end += 1
            if depth == 0 or char == "\n":
                break
        if depth != 0 or "\n" in text[start:end]:
            return None
        out += [text[at:start]]
        at, changed = end, True
    out.append(text[at:])
    plain = "".join(out)
    plain, aliases = _TYPE_STATEMENT.subn(r"\1\2 =", plain)
    return plain if changed or aliases else None


_FSTRING = re.compile(r"(?i)(?<![\w])[rb]?f[rb]?['\"]")


def _newer_fstrings(module: ast.Module, text: str) -> bool:
    """An f-string only 3.12 reads: its own quote inside it, or a backslash or a comment in a
    replacement field."""
    for node in ast.walk(module):
        if isinstance(node, ast.JoinedStr):
            segment = ast.get_source_segment(text, node) or ""
            body = segment.lstrip("rRbBfFuU")
            quote = body[:3] if body[:3] in ('"""', "'''") else body[:1]
            inner = re.sub(r"\\.", "", body[len(quote):len(body) - len(quote)], flags=re.S)
            if quote and quote in inner:
                return True
        elif isinstance(node, ast.FormattedValue):
            field = ast.get_source_segment(text, node.value) or ""
            if "\\" in field or "#" in field:
                return True
    return False


def scopes(module: ast.Module, lines: Sequence[int], owner: str | None,
           skip: Callable[[str], bool] | None = None
           ) -> Iterator[tuple[list[ast.AST], str | None, list[str]]]:
    """The nodes of each function that holds one of ``lines`` (all of them: a name's every
    binding decides whether it is an alias), and of the module's and class bodies' statements
    that hold one; without those of the functions and classes inside, which come apart.
    With the class ``self`` is in, and the function's parameters. A function whose name
    ``skip`` accepts is left out, with what it holds."""

    def touched(node: ast.AST) -> bool:
        low = getattr(node, "lineno", None)
        if low is None:
            return True
        i = bisect.bisect_left(lines, low)
        return i < len(lines) and lines[i] <= getattr(node, "end_lineno", low)

    todo: list[tuple[ast.AST, str | None]] = [(module, owner)]
    while todo:
        scope, owner = todo.pop()
        params: list[str] = []
        function = isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef))
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = scope.args
            params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs,
                                      *filter(None, (a.vararg, a.kwarg)))]
        inner = scope.name if isinstance(scope, ast.ClassDef) else owner
        nodes: list[ast.AST] = []
        stack = [n for n in ast.iter_child_nodes(scope) if function or touched(n)]
        while stack:
            node = stack.pop()
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if touched(node) and (skip is None or isinstance(node, ast.ClassDef)
                                      or not skip(node.name)):
                    todo.append((node, inner))
                continue
            nodes.append(node)
            stack.extend(ast.iter_child_nodes(node))
        yield nodes, inner, params

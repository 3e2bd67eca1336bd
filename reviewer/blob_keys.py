"""The literal keys a repository's code keeps in a blob column: a JSON, dict, pickle or text
column whose name says nothing (ironic's ``nodes.driver_info``), read from the code that
uses it (``info = node.driver_info or {}`` ... ``info.get('ipmi_password')``).

A security reviewer finds the BMC password in ``driver_info`` that way; the classifier
(``classify_inventory``) then judges the column by the keys it holds.

What is read: the repository's own Python source, as auto-detection sees it (no tests, no
vendored packages) and no migrations. Each file is first searched as text for a use that could
be a column's (``node.driver_info``, ``self.x`` in a class named like the model,
``Node(driver_info={``); only a file with one is parsed, with the standard library's ``ast``
(never imported or executed), and only the functions holding those lines are walked. A file
that does not parse, or nests deeper than ``MAX_NESTING``, gives no evidence: this only ever
adds evidence, and the gate reads the model files itself. What each file holds is cached by
its content (``use_cache``), so a warm pull request reads and parses only the files it changed.

What ties a use to a column, as a reviewer would accept it:

- the receiver names the model: ``node.driver_info`` or ``task.node.driver_info`` for class
  ``Node``, ``target.properties`` for ``VolumeTarget`` (a run of the class's or table's
  words); ``self.x`` / ``cls.x`` inside a class of that name (the model itself, or another
  layer's class of the same name);
- or the attribute's name has several words and only one table has it
  (``x.driver_internal_info``), and the receiver names no model (``job.x`` for ``PrintJob``
  says it is some other model's);
- a local name that every assignment in its function binds to such a use
  (``info = node.driver_info or {}``, ``dict(node.driver_info)``, ``.copy()``).

What counts as a key: a string literal that looks like a key (a word, dots and dashes
allowed) in a subscript (``e['k']``, stored or read), ``e.get('k')``, ``e.pop('k')``,
``e.setdefault('k', ...)``, ``e.update({'k': ...})`` / ``e.update(k=...)``, a dict literal or
``dict(k=...)`` assigned to the attribute, or passed for it to the model's constructor
(``Node(driver_info={...})``).
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
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reviewer.cache import JsonStore, digest_key, files_fingerprint, identify
from reviewer.classifier import normalize
from reviewer.constants import INVENTORY_CACHE_ENTRIES, MAX_NESTING, OLDEST_PYTHON
from reviewer.files import UnreadableFile, too_deep
from reviewer.selection import code_files
from reviewer.sources import SourceTree
from reviewer.types import Column, StoredKey

ColumnKey = tuple[str, str]
_Use = Literal["stores", "reads"]

# What a key looks like: quoting one in a message or a prompt must never carry prose.
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")
_READ_METHODS = frozenset({"get", "pop"})
_SELF = frozenset({"self", "cls"})


@dataclass(frozen=True, slots=True)
class _Blob:
    key: ColumnKey
    names: tuple[tuple[str, ...], ...]  # the words of its class's and its table's names


def _names(column: Column) -> tuple[tuple[str, ...], ...]:
    return tuple(dict.fromkeys(t for t in (normalize(column.class_name or ""),
                                           normalize(column.table)) if t))


def _run_of(words: tuple[str, ...], name: tuple[str, ...]) -> bool:
    n = len(words)
    return any(name[i:i + n] == words for i in range(len(name) - n + 1))


class _Index:
    """Which blob column an ``x.attr`` is, given the receiver's name."""

    def __init__(self, blobs: Sequence[Column], columns: Sequence[Column],
                 unique_min_words: int) -> None:
        self.by_attr: dict[str, list[_Blob]] = {}
        self.by_class: dict[str, dict[str, ColumnKey]] = {}
        names: dict[tuple[str | None, str], tuple[tuple[str, ...], ...]] = {}
        for c in blobs:
            attr = c.attribute or c.column
            model = names.get((c.class_name, c.table)) or names.setdefault(
                (c.class_name, c.table), _names(c))
            self.by_attr.setdefault(attr, []).append(_Blob(c.key, model))
            if c.class_name:
                self.by_class.setdefault(c.class_name, {})[attr] = c.key
        tables: dict[str, set[str]] = {}
        for c in columns:
            if c.history_of is None:
                tables.setdefault(c.attribute or c.column, set()).add(c.table)
                if (c.class_name, c.table) not in names:
                    names[(c.class_name, c.table)] = _names(c)
        self.models = {n for model in names.values() for n in model}
        self._named: dict[tuple[str, ...], bool] = {}
        self._resolved: dict[tuple[str, str | None], ColumnKey | None] = {}
        self.unique = frozenset(
            a for a, found in self.by_attr.items()
            if len(found) == 1 and len(tables.get(a, ())) == 1
            and len(normalize(a)) >= unique_min_words)

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

    def patterns(self) -> tuple[re.Pattern[str], re.Pattern[str]]:
        names = "|".join(map(re.escape, sorted(self.by_attr)))
        # anchored on a literal character: an alternation tried at every word is slow
        return re.compile(rf"\.({names})\b"), re.compile(r"=[ \t]*(?:\{|dict\()")

    def hits(self, text: str, uses: re.Pattern[str], fills: re.Pattern[str]) -> list[int]:
        """The lines of ``text`` where a use could be a column's, by its text alone: the
        receiver before ``.attr`` resolves (``self`` to a class the file defines), or the
        file calls the model's constructor with ``attr={``. Only these files are parsed, and
        only the functions holding these lines are walked."""
        offsets: list[int] = []
        classes: list[str] | None = None
        for m in uses.finditer(text):
            name, attr = _word_before(text, m.start()), m.group(1)
            if name in _SELF:
                if classes is None:
                    classes = _CLASS.findall(text)
                if any(self.resolve(attr, c) for c in classes):
                    offsets.append(m.start())
            elif self.resolve(attr, name) is not None:
                offsets.append(m.start())
        called: set[str] | None = None
        for m in fills.finditer(text):
            attr = _word_before(text, m.start())
            if attr not in self.by_attr:
                continue
            if called is None:  # the models this file calls, found once
                called = set(_CALLED.findall(text)) & self.by_class.keys()
            if any(attr in self.by_class[cls] for cls in called):
                offsets.append(m.start())
        if not offsets:
            return []
        newlines = [m.start() for m in _NEWLINE.finditer(text)]
        return sorted({bisect.bisect_left(newlines, o) + 1 for o in offsets})


def _word_before(text: str, end: int) -> str | None:
    """The identifier that ends at ``end`` (spaces before ``end`` skipped), if any."""
    while end > 0 and text[end - 1] in " \t":
        end -= 1
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):
        start -= 1
    return text[start:end] or None


_CALLED = re.compile(r"\b(\w+)\s*\(")
_CLASS = re.compile(r"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
_NEWLINE = re.compile(r"\n")


def stored_keys(tree: SourceTree, blobs: Sequence[Column], columns: Sequence[Column], *,
                unique_min_words: int, use_cache: bool = False
                ) -> dict[ColumnKey, tuple[StoredKey, ...]]:
    """The keys the code keeps in each of ``blobs`` (the columns asked about), each at its
    first use, ordered by where that is; ``columns`` is the whole inventory (which table has
    which attribute, which names are models).

    With ``use_cache``, what each file holds is kept by its content id, for these columns and
    this code: a pull request that changes three files reads and parses three."""
    if not blobs:
        return {}
    index = _Index(blobs, columns, unique_min_words)
    uses, fills = index.patterns()
    store = _FileStore(index) if use_cache else None
    known = store.load() if store is not None else {}
    seen: dict[tuple[str, str], list[tuple[ColumnKey, StoredKey]]] = {}
    first: dict[ColumnKey, dict[str, StoredKey]] = {}
    paths = code_files(tree.files())
    ids: dict[str, str | None] = {}
    if store is not None:
        for path in paths:
            with contextlib.suppress(UnreadableFile):
                ids[path] = identify(tree, path)
        prefetch = getattr(tree, "prefetch", None)
        if prefetch is not None:  # a commit's files: load only those not known already
            prefetch([p for p, cid in ids.items() if (p, cid) not in known])
    for path in paths:
        if store is not None and path not in ids:
            continue  # unreadable: evidence only, the gate reads the model files itself
        cid = ids.get(path)
        try:
            if cid is not None and (path, cid) in known:
                found = known[path, cid]
            else:
                text = tree.read(path)
                found = [] if text is None else _read(index, text, uses, fills, path)
        except UnreadableFile:
            continue  # evidence only: the gate reads (and blocks on) the model files itself
        if cid is not None:
            seen[path, cid] = found
        for column, stored in found:
            keys = first.setdefault(column, {})
            prev = keys.get(stored.key)
            if prev is None or (stored.path, stored.line) < (prev.path, prev.line):
                keys[stored.key] = stored
    if store is not None and not seen.keys() <= known.keys():
        # the other side of a pull request keeps its versions of the files it changed
        older = [k for k in known if k not in seen][:len(seen)]
        store.save({**{k: known[k] for k in older}, **seen})
    return {column: tuple(sorted(keys.values(), key=lambda k: (k.path, k.line, k.key)))
            for column, keys in first.items()}


class _FileStore:
    """What each code file holds for one set of blob columns, by the file's content id: one
    JSON entry, keyed on the columns asked about, the inventory's model names and this code.
    A malformed entry is a miss (the cache may come from an untrusted run)."""

    def __init__(self, index: _Index) -> None:
        code = files_fingerprint(("blob_keys.py", "classifier.py", "vocabulary.toml",
                                  "selection.py"))
        shape = json.dumps([sorted((a, sorted((list(b.key), [list(n) for n in b.names])
                                              for b in found))
                                   for a, found in index.by_attr.items()),
                            sorted((c, sorted(a.items())) for c, a in index.by_class.items()),
                            sorted(index.unique), sorted(index.models)])
        self.key = None if code is None else digest_key("stored-keys", code, shape)
        self.store = JsonStore("stored-keys", max_entries=INVENTORY_CACHE_ENTRIES)

    def load(self) -> dict[tuple[str, str], list[tuple[ColumnKey, StoredKey]]]:
        """What each version of a file holds, by (path, content id); {} if malformed."""
        data = None if self.key is None else self.store.load(self.key)
        out: dict[tuple[str, str], list[tuple[ColumnKey, StoredKey]]] = {}
        try:
            for path, cid, rows in (data or {}).get("files", []):
                found: list[tuple[ColumnKey, StoredKey]] = []
                for table, column, key, use, line in rows:
                    if use not in ("stores", "reads") or not all(
                            isinstance(v, str) for v in (path, cid, table, column, key)
                    ) or not _KEY.fullmatch(key) or type(line) is not int:
                        return {}
                    found.append(((table, column), StoredKey(key, use, path, line)))
                out[path, cid] = found
        except (TypeError, ValueError):
            return {}
        return out

    def save(self, seen: Mapping[tuple[str, str], list[tuple[ColumnKey, StoredKey]]]) -> None:
        if self.key is not None:
            self.store.store(self.key, {"files": [
                [path, cid, [[*column, k.key, k.use, k.line] for column, k in found]]
                for (path, cid), found in sorted(seen.items())]})


def _read(index: _Index, text: str, uses: re.Pattern[str], fills: re.Pattern[str],
          path: str) -> list[tuple[ColumnKey, StoredKey]]:
    """The uses in one file: the lines the text search finds, then each function holding one
    parsed alone (a 10,000-line module costs its few functions, not the whole parse), else
    the whole file."""
    lines = index.hits(text, uses, fills)
    if not lines:
        return []
    reader = _Reader(index, path)
    pieces = _functions(text, lines, path)
    if pieces is None or None in (piece for piece, _ in pieces):
        # a function that did not parse alone may be a bad cut: the whole file decides, and
        # when it does not parse either, the functions that did still count
        module = _parse(text, path)
        if module is not None or pieces is None:
            return [] if module is None else list(reader.module(module, lines, None))
    return [found for piece, owner in pieces if piece is not None
            for found in reader.module(piece, lines, owner)]


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
        piece = _parse("".join(body), path)
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


def _parse(text: str, path: str) -> ast.Module | None:
    """The code's syntax tree, in the grammar of the oldest supported Python on every host:
    one repository gives the same evidence under 3.10 and 3.13. The standard library's
    parser takes ``feature_version`` for that; the one thing it still lets through on 3.12+
    is PEP 701's f-strings, refused here as 3.10 refuses them."""
    if too_deep(text, MAX_NESTING, quotes="\"'") is not None:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escapes in someone else's strings
            module = ast.parse(text, filename=path, feature_version=OLDEST_PYTHON)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return None
    if sys.version_info >= (3, 12) and _FSTRING.search(text) and _newer_fstrings(module, text):
        return None
    return module


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


def _key(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _KEY.fullmatch(
            node.value):
        return node.value
    return None


def _dict_keys(node: ast.expr) -> list[tuple[str, int]]:
    """The literal keys of ``{'k': ...}`` or ``dict(k=...)``."""
    if isinstance(node, ast.Dict):
        return [(k, node.lineno) for key in node.keys if (k := _key(key)) is not None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return [(kw.arg, node.lineno) for kw in node.keywords
                if kw.arg is not None and _KEY.fullmatch(kw.arg)]
    return []


def _scopes(module: ast.Module, lines: Sequence[int], owner: str | None
            ) -> Iterator[tuple[list[ast.AST], str | None, list[str]]]:
    """The nodes of each function that holds one of ``lines`` (all of them: a name's every
    binding decides whether it is an alias), and of the module's and class bodies' statements
    that hold one; without those of the functions and classes inside, which come apart.
    With the class ``self`` is in, and the function's parameters."""

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
                if touched(node):
                    todo.append((node, inner))
                continue
            nodes.append(node)
            stack.extend(ast.iter_child_nodes(node))
        yield nodes, inner, params


class _Reader:
    def __init__(self, index: _Index, path: str) -> None:
        self.index = index
        self.path = path

    def module(self, module: ast.Module, lines: Sequence[int],
               outer: str | None) -> Iterator[tuple[ColumnKey, StoredKey]]:
        """The uses in ``module``; ``outer`` is the class its code is in (a method cut out)."""
        for nodes, owner, params in _scopes(module, lines, outer):
            aliases = self._aliases(nodes, owner, params)
            for node in nodes:
                yield from self._uses(node, owner, aliases)

    def _receiver(self, node: ast.expr, owner: str | None) -> str | None:
        if isinstance(node, ast.Name):
            return owner if node.id in _SELF else node.id
        if isinstance(node, ast.Attribute):
            return node.attr
        return None

    def _blob(self, node: ast.expr, owner: str | None,
              aliases: Mapping[str, ColumnKey]) -> ColumnKey | None:
        """The column ``node`` is the blob of: ``node.driver_info``, an alias of it, or a
        copy (``... or {}``, ``dict(...)``, ``copy.deepcopy(...)``, ``.copy()``)."""
        if isinstance(node, ast.Attribute):
            return self.index.resolve(node.attr, self._receiver(node.value, owner))
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._blob(node.values[0], owner, aliases)
        if isinstance(node, ast.Call) and not node.keywords:
            func = node.func
            if (isinstance(func, ast.Attribute) and func.attr == "copy" and not node.args):
                return self._blob(func.value, owner, aliases)
            if len(node.args) == 1 and (
                    (isinstance(func, ast.Name) and func.id == "dict")
                    or (isinstance(func, ast.Attribute) and func.attr in ("copy", "deepcopy"))):
                return self._blob(node.args[0], owner, aliases)
        return None

    def _aliases(self, nodes: Sequence[ast.AST], owner: str | None,
                 params: Sequence[str]) -> dict[str, ColumnKey]:
        """Names every binding in the scope sets to the same blob; a name bound any other way
        (a parameter, a loop, another value) is not one."""
        bound: dict[str, ColumnKey | None] = dict.fromkeys(params)
        simple: set[int] = set()
        for node in nodes:
            if (isinstance(node, ast.Assign) and len(node.targets) == 1
                    and isinstance(node.targets[0], ast.Name)):
                simple.add(id(node.targets[0]))
                name = node.targets[0].id
                found = self._blob(node.value, owner, {})
                if name in bound and bound[name] != found:
                    bound[name] = None
                else:
                    bound.setdefault(name, found)
        for node in nodes:
            if (isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))
                    and id(node) not in simple):
                bound[node.id] = None  # a loop, `with ... as`, `+=`, an annotation, `:=`
        return {name: key for name, key in bound.items() if key is not None}

    def _found(self, column: ColumnKey, key: str, use: _Use,
               line: int) -> tuple[ColumnKey, StoredKey]:
        return column, StoredKey(key, use, self.path, line)

    def _uses(self, node: ast.AST, owner: str | None,
              aliases: Mapping[str, ColumnKey]) -> Iterator[tuple[ColumnKey, StoredKey]]:
        if isinstance(node, ast.Subscript):
            key = _key(node.slice)
            column = None if key is None else self._blob(node.value, owner, aliases)
            if key is not None and column is not None:
                use: _Use = "stores" if isinstance(node.ctx, ast.Store) else "reads"
                yield self._found(column, key, use, node.lineno)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            method = node.func.attr
            if method in _READ_METHODS or method == "setdefault":
                key = _key(node.args[0]) if node.args else None
                column = None if key is None else self._blob(node.func.value, owner, aliases)
                if key is not None and column is not None:
                    yield self._found(column, key,
                                      "reads" if method in _READ_METHODS else "stores",
                                      node.lineno)
            elif method == "update":
                column = self._blob(node.func.value, owner, aliases)
                if column is not None:
                    keys = [k for arg in node.args[:1] for k in _dict_keys(arg)]
                    keys += [(kw.arg, node.lineno) for kw in node.keywords
                             if kw.arg is not None and _KEY.fullmatch(kw.arg)]
                    for key, line in keys:
                        yield self._found(column, key, "stores", line)
            yield from self._constructed(node, node.func.attr)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            yield from self._constructed(node, node.func.id)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    column = self._blob(target, owner, aliases)
                    if column is not None:
                        for key, line in _dict_keys(node.value):
                            yield self._found(column, key, "stores", line)

    def _constructed(self, node: ast.Call,
                     callee: str) -> Iterator[tuple[ColumnKey, StoredKey]]:
        """``Node(driver_info={...})``: the model's constructor fills the blob."""
        attrs = self.index.by_class.get(callee)
        if not attrs:
            return
        for kw in node.keywords:
            column = attrs.get(kw.arg) if kw.arg is not None else None
            if column is not None:
                for key, line in _dict_keys(kw.value):
                    yield self._found(column, key, "stores", line)

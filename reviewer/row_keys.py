"""The literal keys a repository's code stores in, or looks up from, the rows of a key/value
table: a model with a key column beside a value column (privacyidea's ``TokenInfo`` with
``Key`` and ``Value``), whose value is a secret under some keys and a harmless setting under
others. A security reviewer reads which keys the code writes; the classifier
(``classify_inventory``) then judges the value column by them.

What counts as a key, for a model ``M`` whose key column's attribute is ``key``:

- ``M(key="k", ...)``: the constructor with a literal key (stored);
- ``row.key = "k"`` where ``row`` is bound to ``M(...)`` in the same function (stored);
- ``....filter_by(key="k")`` on a query whose chain names ``M`` (``M.query``,
  ``session.query(M)``), and ``M.key == "k"`` (looked up);
- one level through a function: a function or method that does one of the above with one
  of its own parameters (``def add_info(self, key, value): ... M(key=key, value=value)``)
  passes on the literal it is called with there (``self.add_info("api_token", t)``), when
  only one function of that kind (a module function, a method) has that name in the
  repository: a name defined twice gives nothing.

A literal is a string constant that looks like a key, or a name the same file binds once to
one (``CHAP_SECRET_KEY = "PURE_TARGET_CHAP_SECRET"``, a class's ``EMAIL_KEY``).

What is read, and how, is ``reviewer.blob_keys``'s: the repository's own source less tests,
vendored packages and migrations; a file is first searched as text for the model's name (or
the passing function's), and only a file with one is parsed with ``ast`` in the oldest
supported grammar (never imported or executed), only the functions holding those lines where
they can be cut out. What each file holds is cached by its content (``use_cache``).
"""

from __future__ import annotations

import ast
import bisect
import contextlib
import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from reviewer.blob_keys import _KEY, _functions, _parse
from reviewer.cache import JsonStore, digest_key, files_fingerprint, identify
from reviewer.classifier import Vocabulary, _type_idents, normalize
from reviewer.constants import INVENTORY_CACHE_ENTRIES
from reviewer.files import UnreadableFile
from reviewer.selection import code_files
from reviewer.sources import SourceTree
from reviewer.types import Column, StoredKey

ColumnKey = tuple[str, str]
_Use = Literal["stores", "reads"]
_Kind = Literal["function", "method"]
_SELF = frozenset({"self", "cls"})


@dataclass(frozen=True, slots=True)
class KeyValue:
    """A key/value model: its class, its key column's attribute, its value column."""

    class_name: str
    key_attr: str
    value: ColumnKey


@dataclass(frozen=True, slots=True)
class _Passer:
    """A function that stores or looks up a row by one of its parameters."""

    name: str
    kind: _Kind
    position: int  # of the parameter among those a call passes (self left out); -1: by name
    param: str
    value: ColumnKey
    use: _Use
    owner: str | None  # a method's class


@dataclass(frozen=True, slots=True)
class _Call:
    """A call by name, with its literal arguments (None where not a literal)."""

    name: str
    kind: _Kind
    receiver: str | None  # a method's: `self`, `token` (token.add_info), `Setting` (Setting())
    line: int
    args: tuple[str | None, ...]
    keywords: tuple[tuple[str, str], ...]


def key_value_rows(columns: Sequence[Column], vocab: Vocabulary) -> list[KeyValue]:
    """The key/value models of the inventory: a value column (``value``, ``mt_value``) beside
    a key column with the same words before it (``key``, ``mt_key``), in a mapped class whose
    name no other table's class has (a name the code could mean either by gives nothing)."""
    tables: dict[str, set[str]] = {}
    by_table: dict[str, list[Column]] = {}
    for c in columns:
        if c.history_of is None and c.class_name:
            tables.setdefault(c.class_name, set()).add(c.table)
            by_table.setdefault(c.table, []).append(c)
    out = []
    for cols in by_table.values():
        words = {c.column: normalize(c.attribute or c.column) for c in cols}
        for value in cols:
            tokens = words[value.column]
            if (not tokens or tokens[-1] not in vocab.row_value_words or value.primary_key
                    or value.foreign_key
                    or _type_idents(value.type) & (vocab.flag_types | vocab.scalar_types)
                    or len(tables[value.class_name or ""]) != 1):
                continue
            keys = sorted((c for c in cols if c is not value
                           and words[c.column][:-1] == tokens[:-1] and words[c.column][-1:]
                           and words[c.column][-1] in vocab.row_key_words),
                          key=lambda c: (words[c.column][-1] != "key", c.column))
            if keys:
                out.append(KeyValue(value.class_name or "", keys[0].attribute or keys[0].column,
                                    value.key))
    return out


def row_keys(tree: SourceTree, rows: Sequence[KeyValue], *, min_words: int = 2,
             use_cache: bool = False) -> dict[ColumnKey, tuple[StoredKey, ...]]:
    """The keys the code stores in or looks up from each of ``rows``' value columns, each
    at its first use, ordered by where that is."""
    models = {r.class_name: r for r in rows}
    if not models:
        return {}
    paths = code_files(tree.files())
    store = _Store("row-keys", json.dumps(sorted(
        [r.class_name, r.key_attr, *r.value] for r in rows))) if use_cache else None
    texts: dict[str, str] = {}
    ids: dict[str, str | None] = {}

    def text_of(path: str) -> str | None:
        if path not in texts:
            text = tree.read(path)
            texts[path] = text or ""
        return texts[path]

    if store is not None:
        for path in paths:
            with contextlib.suppress(UnreadableFile):
                ids[path] = identify(tree, path)
        paths = [p for p in paths if p in ids]  # unreadable: evidence only
    mention = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(models)))})\b")

    def direct(path: str) -> _Direct:
        text = text_of(path)
        return _read_direct(models, text, mention, path) if text else _Direct((), ())

    found: list[tuple[ColumnKey, StoredKey]] = []
    passers: list[_Passer] = []
    for _, facts in _each(paths, tree, ids, store, direct, _Direct.decode):
        found += facts.keys
        passers += facts.passers
    names = sorted({p.name for p in passers})
    if names:
        calls_store = _Store("row-calls", json.dumps(names)) if use_cache else None
        called = re.compile(rf"\b(?:{'|'.join(map(re.escape, names))})\s*\(")

        def calls(path: str) -> _Calls:
            text = text_of(path)
            return _read_calls(set(names), text, called, path) if text else _Calls((), ())

        defined: dict[tuple[str, str], int] = {}
        made: list[tuple[str, _Call]] = []
        for path, held in _each(paths, tree, ids, calls_store, calls, _Calls.decode):
            for name, kind in held.defs:
                defined[name, kind] = defined.get((name, kind), 0) + 1
            made += [(path, c) for c in held.calls]
        usable: dict[tuple[str, str], dict[ColumnKey, _Passer]] = {}
        for p in passers:
            if defined.get((p.name, p.kind)) == 1:
                by_value = usable.setdefault((p.name, p.kind), {})
                if p.value not in by_value or p.use == "stores":  # stores, and looks up
                    by_value[p.value] = p
        for path, call in made:
            for passer in usable.get((call.name, call.kind), {}).values():
                if call.kind == "method" and not _receives(call, passer, min_words):
                    continue
                key = dict(call.keywords).get(passer.param) or (
                    call.args[passer.position] if 0 <= passer.position < len(call.args)
                    else None)
                if key is not None:
                    found.append((passer.value, StoredKey(key, passer.use, path, call.line)))
    first: dict[ColumnKey, dict[str, StoredKey]] = {}
    for column, stored in found:
        keys = first.setdefault(column, {})
        prev = keys.get(stored.key)
        if prev is None or (stored.path, stored.line) < (prev.path, prev.line):
            keys[stored.key] = stored
    return {column: tuple(sorted(keys.values(), key=lambda k: (k.path, k.line, k.key)))
            for column, keys in first.items()}


def _receives(call: _Call, passer: _Passer, min_words: int) -> bool:
    """Is ``call`` one of the method's? Its name is defined once in the repository, but a
    one-word name (``get``, ``set``) is also a dict's or a library's: then the receiver must
    be ``self``/``cls`` or name the method's class (``Setting().set``, ``token.add`` in
    ``TokenClass``)."""
    if len(normalize(passer.name)) >= min_words or call.receiver in _SELF:
        return True
    if call.receiver is None or passer.owner is None:
        return False
    words, owner = normalize(call.receiver), normalize(passer.owner)
    return bool(words) and any(owner[i:i + len(words)] == words
                               for i in range(len(owner) - len(words) + 1))


# --------------------------------------------------------------------------- per-file facts


@dataclass(frozen=True, slots=True)
class _Direct:
    keys: tuple[tuple[ColumnKey, StoredKey], ...]
    passers: tuple[_Passer, ...]

    def encode(self) -> object:
        return [[[*c, k.key, k.use, k.line] for c, k in self.keys],
                [[p.name, p.kind, p.position, p.param, *p.value, p.use, p.owner]
                 for p in self.passers]]

    @staticmethod
    def decode(path: str, data: object) -> _Direct:
        keys, passers = _pair(data)
        out = []
        for table, column, key, use, line in keys:
            _check(key, use, line, table, column)
            out.append(((table, column), StoredKey(key, use, path, line)))
        made = []
        for name, kind, position, param, table, column, use, owner in passers:
            _check(name, use, position, table, column, param)
            if kind not in ("function", "method") or not (owner is None
                                                           or isinstance(owner, str)):
                raise ValueError(kind)
            made.append(_Passer(name, kind, position, param, (table, column), use, owner))
        return _Direct(tuple(out), tuple(made))


@dataclass(frozen=True, slots=True)
class _Calls:
    defs: tuple[tuple[str, _Kind], ...]
    calls: tuple[_Call, ...]

    def encode(self) -> object:
        return [[list(d) for d in self.defs],
                [[c.name, c.kind, c.receiver, c.line, list(c.args),
                  [list(k) for k in c.keywords]] for c in self.calls]]

    @staticmethod
    def decode(path: str, data: object) -> _Calls:
        defs, calls = _pair(data)
        out_defs: list[tuple[str, _Kind]] = []
        for name, kind in defs:
            if not isinstance(name, str) or kind not in ("function", "method"):
                raise ValueError(name)
            out_defs.append((name, kind))
        out = []
        for name, kind, receiver, line, args, keywords in calls:
            if (not isinstance(name, str) or kind not in ("function", "method")
                    or not (receiver is None or isinstance(receiver, str))
                    or type(line) is not int
                    or not all(a is None or (isinstance(a, str) and _KEY.fullmatch(a))
                               for a in args)
                    or not all(isinstance(k, str) and isinstance(v, str) and _KEY.fullmatch(v)
                               for k, v in keywords)):
                raise ValueError(name)
            out.append(_Call(name, kind, receiver, line, tuple(args),
                             tuple((k, v) for k, v in keywords)))
        return _Calls(tuple(out_defs), tuple(out))


def _pair(data: object) -> tuple[list[Any], list[Any]]:
    if not (isinstance(data, list) and len(data) == 2 and all(
            isinstance(part, list) and all(isinstance(row, list) for row in part)
            for part in data)):
        raise ValueError(data)
    return data[0], data[1]


def _check(key: object, use: object, line: object, *names: object) -> None:
    """A cached row as this code writes it, or ValueError (the cache may come from an
    untrusted run: a key quoted in a message must look like one)."""
    if (not isinstance(key, str) or not _KEY.fullmatch(key) or use not in ("stores", "reads")
            or type(line) is not int or not all(isinstance(n, str) for n in names)):
        raise ValueError(key)


class _Store:
    """What each code file holds, by its content id, for one question (the models asked
    about, or the passing functions' names) and this code; a malformed entry is a miss."""

    def __init__(self, kind: str, shape: str) -> None:
        code = files_fingerprint(("row_keys.py", "blob_keys.py", "selection.py"))
        self.key = None if code is None else digest_key(kind, code, shape)
        self.store = JsonStore(kind, max_entries=INVENTORY_CACHE_ENTRIES)

    def load(self) -> dict[tuple[str, str], object]:
        data = None if self.key is None else self.store.load(self.key)
        try:
            return {(path, cid): facts for path, cid, facts in (data or {}).get("files", [])
                    if isinstance(path, str) and isinstance(cid, str)}
        except (TypeError, ValueError, AttributeError):
            return {}

    def save(self, seen: Mapping[tuple[str, str], object]) -> None:
        if self.key is not None:
            self.store.store(self.key, {"files": [[path, cid, facts] for (path, cid), facts
                                                  in sorted(seen.items())]})


_Facts = TypeVar("_Facts", _Direct, _Calls)


def _each(paths: Sequence[str], tree: SourceTree, ids: Mapping[str, str | None],
          store: _Store | None, compute: Callable[[str], _Facts],
          decode: Callable[[str, object], _Facts]) -> Iterator[tuple[str, _Facts]]:
    """Each file's facts: from the store when its content is known, else computed. The
    store keeps what this run saw, and as many of the other versions it held (the other side
    of a pull request keeps its versions of the files it changed)."""
    known = store.load() if store is not None else {}
    prefetch = getattr(tree, "prefetch", None)
    if store is not None and prefetch is not None:  # a commit's files: load only those unknown
        prefetch([p for p in paths if (p, ids.get(p)) not in known])
    seen: dict[tuple[str, str], object] = {}
    for path in paths:
        cid = ids.get(path)
        facts: _Facts | None = None
        if cid is not None and (path, cid) in known:
            with contextlib.suppress(TypeError, ValueError):
                facts = decode(path, known[path, cid])
        if facts is None:
            try:
                facts = compute(path)
            except UnreadableFile:
                continue  # evidence only: the gate reads (and blocks on) the model files
        if cid is not None:
            seen[path, cid] = facts.encode()
        yield path, facts
    if store is not None and not seen.keys() <= known.keys():
        older = [k for k in known if k not in seen][:len(seen)]
        store.save({**{k: known[k] for k in older}, **seen})


# ---------------------------------------------------------------------------------- reading

_NEWLINE = re.compile(r"\n")
_CONSTANT = re.compile(
    r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*=[ \t]*(['\"])([A-Za-z_][A-Za-z0-9_.-]{0,63})\2[ \t]*(?:#.*)?$",
    re.MULTILINE)
_ASSIGNED = re.compile(r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def _lines(text: str, pattern: re.Pattern[str]) -> list[int]:
    offsets = [m.start() for m in pattern.finditer(text)]
    if not offsets:
        return []
    newlines = [m.start() for m in _NEWLINE.finditer(text)]
    return sorted({bisect.bisect_left(newlines, o) + 1 for o in offsets})


def _constants(text: str) -> dict[str, str]:
    """Upper-case names the file binds once, to a literal that looks like a key."""
    assigned: dict[str, int] = {}
    for m in _ASSIGNED.finditer(text):
        assigned[m.group(1)] = assigned.get(m.group(1), 0) + 1
    return {m.group(1): m.group(3) for m in _CONSTANT.finditer(text)
            if assigned.get(m.group(1)) == 1}


def _pieces(text: str, lines: Sequence[int], path: str
            ) -> list[tuple[ast.Module, str | None]]:
    """The functions holding ``lines``, each parsed alone with the class it is a method of;
    the whole file when they cannot be cut out (as ``blob_keys`` reads a file)."""
    pieces = _functions(text, lines, path)
    if pieces is None or None in (piece for piece, _ in pieces):
        module = _parse(text, path)
        if module is not None or pieces is None:
            return [] if module is None else [(module, None)]
    return [(piece, owner) for piece, owner in pieces if piece is not None]


@dataclass(frozen=True, slots=True)
class _Scope:
    """A function's own nodes (those of functions inside it come apart), with what a call
    to it passes: its kind and parameters (``self`` left out)."""

    name: str | None  # None: module or class code, or a function inside a function
    kind: _Kind
    params: tuple[str, ...]  # positional, in order
    keyword_only: tuple[str, ...]
    owner: str | None
    nodes: tuple[ast.AST, ...]


def _scopes(module: ast.Module, owner: str | None) -> Iterator[_Scope]:
    """Every scope of ``module``; a function cut out of a class (``owner``) is its method."""
    todo: list[tuple[ast.AST, str | None, str]] = [(module, owner, "module")]
    while todo:
        scope, cls, role = todo.pop()
        name: str | None = None
        kind: _Kind = "function"
        params: list[str] = []
        keyword_only: list[str] = []
        if isinstance(scope, (ast.FunctionDef, ast.AsyncFunctionDef)):
            a = scope.args
            params = [p.arg for p in (*a.posonlyargs, *a.args)]
            keyword_only = [p.arg for p in a.kwonlyargs]
            if role == "method":
                kind = "method"
                if not any(isinstance(d, ast.Name) and d.id == "staticmethod"
                           for d in scope.decorator_list):
                    params = params[1:]
            if role in ("function", "method"):
                name = scope.name
        inner = {"module": "method" if owner else "function", "class": "method"}.get(
            role, "nested")
        nodes: list[ast.AST] = []
        stack = list(ast.iter_child_nodes(scope))
        while stack:
            node = stack.pop()
            if isinstance(node, ast.ClassDef):
                todo.append((node, node.name, "class"))
            elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                todo.append((node, cls, inner))
            else:
                nodes.append(node)
                stack.extend(ast.iter_child_nodes(node))
        yield _Scope(name, kind, tuple(params), tuple(keyword_only), cls, tuple(nodes))


def _named(node: ast.expr) -> str | None:
    """The name a callee or receiver is spelled with: ``M`` and ``models.M`` are ``M``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


class _Literals:
    """What a key argument is: a literal that looks like a key, a constant of the file bound
    to one, or one of the function's parameters."""

    def __init__(self, constants: Mapping[str, str]) -> None:
        self.constants = constants

    def literal(self, node: ast.expr | None) -> str | None:
        if isinstance(node, ast.Constant):
            value = node.value
            return value if isinstance(value, str) and _KEY.fullmatch(value) else None
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and (node.value.id in _SELF or node.value.id[:1].isupper())):
            return self.constants.get(node.attr)  # self.EMAIL_KEY, Token.EMAIL_KEY
        return None


def _read_direct(models: Mapping[str, KeyValue], text: str, mention: re.Pattern[str],
                 path: str) -> _Direct:
    """The keys one file stores in or looks up from the models' rows, and its functions
    that do so with a parameter."""
    lines = _lines(text, mention)
    if not lines:
        return _Direct((), ())
    literals = _Literals(_constants(text))
    keys: list[tuple[ColumnKey, StoredKey]] = []
    passers: list[_Passer] = []
    for piece, owner in _pieces(text, lines, path):
        for scope in _scopes(piece, owner):
            for model, use, arg, line in _row_uses(models, scope):
                key = literals.literal(arg)
                value = models[model].value
                if key is not None:
                    keys.append((value, StoredKey(key, use, path, line)))
                elif scope.name is not None and isinstance(arg, ast.Name):
                    position = (scope.params.index(arg.id) if arg.id in scope.params
                                else -1 if arg.id in scope.keyword_only else None)
                    if position is not None:
                        passers.append(_Passer(scope.name, scope.kind, position, arg.id,
                                               value, use, scope.owner))
    return _Direct(tuple(keys), tuple(dict.fromkeys(passers)))


def _row_uses(models: Mapping[str, KeyValue], scope: _Scope
              ) -> Iterator[tuple[str, _Use, ast.expr, int]]:
    """Where the scope gives a model's key column a value: (model, use, the value, line)."""
    rows: dict[str, str | None] = {}  # names bound to a new row of a model, in every binding
    for node in scope.nodes:
        if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(
                node.targets[0], ast.Name):
            name = node.targets[0].id
            made = _named(node.value.func) if isinstance(node.value, ast.Call) else None
            model = made if made in models else None
            rows[name] = model if rows.get(name, model) == model else None
    for node in scope.nodes:
        if isinstance(node, ast.Call):
            callee = _named(node.func)
            if callee is not None and callee in models:
                for kw in node.keywords:
                    if kw.arg == models[callee].key_attr:
                        yield callee, "stores", kw.value, node.lineno
            elif callee == "filter_by" and isinstance(node.func, ast.Attribute):
                named = _models_in(models, node.func.value)
                if len(named) == 1:
                    [model] = named
                    for kw in node.keywords:
                        if kw.arg == models[model].key_attr:
                            yield model, "reads", kw.value, node.lineno
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                        and (model := rows.get(target.value.id)) is not None
                        and target.attr == models[model].key_attr):
                    yield model, "stores", node.value, node.lineno
        elif (isinstance(node, ast.Compare) and len(node.ops) == 1
              and isinstance(node.ops[0], ast.Eq)):
            left, right = node.left, node.comparators[0]
            for column, other in ((left, right), (right, left)):
                model = _column_of(models, column)
                if model is not None:
                    yield model, "reads", other, node.lineno


def _column_of(models: Mapping[str, KeyValue], node: ast.expr) -> str | None:
    """``M.key`` (or ``models.M.key``): the model whose key column it is."""
    if isinstance(node, ast.Attribute):
        model = _named(node.value)
        if model is not None and model in models and node.attr == models[model].key_attr:
            return model
    return None


def _models_in(models: Mapping[str, KeyValue], node: ast.expr) -> set[str]:
    """The models a query chain names: ``M.query``, ``session.query(M)``, ``select(M)``."""
    found: set[str] = set()
    stack: list[ast.expr] = [node]
    while stack:
        node = stack.pop()
        name = _named(node)
        if name is not None and name in models:
            found.add(name)
        if isinstance(node, ast.Attribute):
            stack.append(node.value)
        elif isinstance(node, ast.Call):
            stack.append(node.func)
            stack.extend(a for a in node.args if isinstance(a, (ast.Name, ast.Attribute)))
    return found


def _read_calls(names: set[str], text: str, called: re.Pattern[str], path: str) -> _Calls:
    """The functions of ``names`` one file defines (by kind), and its calls to them with
    their literal arguments."""
    defs: list[tuple[str, _Kind]] = [(m.group(2), "method" if m.group(1) else "function")
                                     for m in _DEF.finditer(text) if m.group(2) in names]
    lines = _lines(text, called)
    if not lines:
        return _Calls(tuple(defs), ())
    literals = _Literals(_constants(text))
    imported: dict[str, bool] = {}

    def module_name(name: str) -> bool:
        # `attributes.add_info(...)` calls a module's function; `token.add_info(...)` a method
        if name not in imported:
            imported[name] = name[:1].islower() and re.search(
                rf"^[ \t]*(?:from[ \t]+[\w.]+[ \t]+)?import[ \t][^\n]*\b{re.escape(name)}\b",
                text, re.MULTILINE) is not None
        return imported[name]

    calls: list[_Call] = []
    for piece, owner in _pieces(text, lines, path):
        for scope in _scopes(piece, owner):
            for node in scope.nodes:
                if not isinstance(node, ast.Call):
                    continue
                func = node.func
                kind: _Kind
                receiver: str | None = None
                if isinstance(func, ast.Name) and func.id in names:
                    kind = "function"
                elif isinstance(func, ast.Attribute) and func.attr in names:
                    value = func.value
                    kind = ("function" if isinstance(value, ast.Name)
                            and value.id not in _SELF and module_name(value.id)
                            else "method")
                    receiver = _named(value.func if isinstance(value, ast.Call) else value)
                else:
                    continue
                args: list[str | None] = []
                for arg in node.args:
                    if isinstance(arg, ast.Starred):
                        break  # the positions after it are unknown
                    args.append(literals.literal(arg))
                keywords = tuple((kw.arg, key) for kw in node.keywords if kw.arg is not None
                                 and (key := literals.literal(kw.value)) is not None)
                calls.append(_Call(_named(func) or "", kind, receiver, node.lineno, tuple(args),
                                   keywords))
    return _Calls(tuple(defs), tuple(calls))

"""The literal keys a repository's code keeps in a blob column: a JSON, dict, pickle or text
column whose name says nothing (ironic's ``nodes.driver_info``), read from the code that
uses it (``info = node.driver_info or {}`` ... ``info.get('ipmi_password')``).

A security reviewer finds the BMC password in ``driver_info`` that way; the classifier
(``classify_inventory``) then judges the column by the keys it holds.

The files read, how, and what ties a use to a column are ``reviewer.column_uses``'s; a
local name that every assignment in its function binds to such a use is one too
(``info = node.driver_info or {}``, ``dict(node.driver_info)``, ``.copy()``).

What counts as a key: a string literal that looks like a key (a word, dots and dashes
allowed) in a subscript (``e['k']``, stored or read; ``e['a']['k']`` is the key ``a.k``),
``e.get('k')``, ``e.pop('k')``, ``e.setdefault('k', ...)``, ``e.update({'k': ...})`` /
``e.update(k=...)``, a dict literal or ``dict(k=...)`` assigned to the attribute, or passed for
it to the model's constructor (``Node(driver_info={...})``).

A descriptor in a model's class body that keeps an attribute under a key of the blob stores
that key too: SQLAlchemy's ``author = index_property("fields", "author")``
(``sqlalchemy.ext.indexable``; the key a literal or a module constant), and a factory named
for the column, whose key is the attribute's name unless a literal says otherwise (OneGov's
``gever_password = meta_property()``, where ``meta_property = dict_property_factory('meta')``
keeps it in ``organisations.meta``). The class names the model, or one of its bases does
(a payment provider's subclass mapped onto its parent's table).
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence

from reviewer.column_uses import (
    CALLED,
    CLASS,
    SELF,
    CodeFiles,
    ColumnIndex,
    ColumnKey,
    FileStore,
    line_numbers,
    parse,
    pieces,
    read_code,
    receiver,
    scopes,
    word_before,
)
from reviewer.files import UnreadableFile
from reviewer.sources import SourceTree
from reviewer.types import Column, KeyUse, StoredKey

# What a key looks like: quoting one in a message or a prompt must never carry prose. A key may
# start with digits before its first letter (c2cgeoportal's tech_data["2fa_totp_secret"]).
KEY = re.compile(r"(?=[0-9]*[A-Za-z_])[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")
_READ_METHODS = frozenset({"get", "pop"})


# `x = index_property(...)` or `x: T = meta_property(...)` in a class body; the group is the
# word before `_property`: `index`, or the blob column a factory is named for
_DESCRIPTOR = re.compile(r"^[ \t]+\w+[ \t]*(?::[^=\n]*)?=[ \t]*(?:[\w.]*\.)?([A-Za-z]\w*?)_property"
                         r"[ \t]*\(", re.M)
_INDEXABLE = "index"


def _patterns(index: ColumnIndex) -> tuple[re.Pattern[str], re.Pattern[str]]:
    names = "|".join(map(re.escape, sorted(index.by_attr)))
    # anchored on a literal character: an alternation tried at every word is slow
    return re.compile(rf"\.({names})\b"), re.compile(r"=[ \t]*(?:\{|dict\()")


def _hits(index: ColumnIndex, text: str, uses: re.Pattern[str],
          fills: re.Pattern[str]) -> tuple[list[int], list[int]]:
    """The lines of ``text`` where a use could be a column's, by its text alone: the
    receiver before ``.attr`` resolves (``self`` to a class the file defines), the file
    calls the model's constructor with ``attr={``, or a class-body descriptor names the
    blob (those lines also apart: only a file with one has its classes walked). Only these
    files are parsed, and only the functions holding these lines are walked."""
    offsets: list[int] = []
    classes: list[str] | None = None
    for m in uses.finditer(text):
        name, attr = word_before(text, m.start()), m.group(1)
        if name in SELF:
            if classes is None:
                classes = CLASS.findall(text)
            if any(index.resolve(attr, c) for c in classes):
                offsets.append(m.start())
        elif index.resolve(attr, name) is not None:
            offsets.append(m.start())
    called: set[str] | None = None
    for m in fills.finditer(text):
        attr = word_before(text, m.start())
        if attr not in index.by_attr:
            continue
        if called is None:  # the models this file calls, found once
            called = set(CALLED.findall(text)) & index.by_class.keys()
        if any(attr in index.by_class[cls] for cls in called):
            offsets.append(m.start())
    described = line_numbers(text, [m.start(1) for m in _DESCRIPTOR.finditer(text)
                                    if m.group(1) == _INDEXABLE or m.group(1) in index.by_attr])
    return sorted({*line_numbers(text, offsets), *described}), described


def stored_keys(tree: SourceTree | CodeFiles, blobs: Sequence[Column], columns: Sequence[Column], *,
                unique_min_words: int, use_cache: bool = False
                ) -> dict[ColumnKey, tuple[StoredKey, ...]]:
    """The keys the code keeps in each of ``blobs`` (the columns asked about), each at its
    first use, ordered by where that is; ``columns`` is the whole inventory (which table has
    which attribute, which names are models).

    With ``use_cache``, what each file holds is kept by its content id, for these columns and
    this code: a pull request that changes three files reads and parses three."""
    if not blobs:
        return {}
    files = CodeFiles.of(tree)
    index = ColumnIndex(blobs, columns, unique_min_words, decoded_views(files, blobs))
    uses, fills = _patterns(index)
    store = FileStore("stored-keys", ("blob_keys.py",), index.shape(), encode_stored,
                      decode_stored) if use_cache else None
    first: dict[ColumnKey, dict[str, StoredKey]] = {}
    for _, found in read_code(files, lambda text, path: _read(index, text, uses, fills, path),
                              store):
        for column, stored in found:
            keys = first.setdefault(column, {})
            prev = keys.get(stored.key)
            if prev is None or (stored.path, stored.line) < (prev.path, prev.line):
                keys[stored.key] = stored
    return {column: tuple(sorted(keys.values(), key=lambda k: (k.path, k.line, k.key)))
            for column, keys in first.items()}


_LOADS_SELF = re.compile(r"\bloads\([ \t]*self\.")
_DECODERS = frozenset({"loads"})


def decoded_views(files: CodeFiles, blobs: Sequence[Column]) -> dict[tuple[str, str], str]:
    """The properties and methods of a blob's class that return it decoded: dify's
    ``ExternalKnowledgeApis.settings_dict`` returns ``json.loads(self.settings) if
    self.settings else None``, and the code reads ``api.settings_dict.get("api_key")``. Each
    as (class, view) and the blob's attribute; read from the files that declare the blobs,
    parsed only when their text decodes an attribute of ``self``."""
    of_class: dict[str, set[str]] = {}
    for c in blobs:
        if c.class_name:
            of_class.setdefault(c.class_name, set()).add(c.attribute or c.column)
    views: dict[tuple[str, str], str] = {}
    for path in sorted({c.path for c in blobs if c.class_name}):
        try:
            text = files.read(path)
        except UnreadableFile:
            continue
        if text is None or _LOADS_SELF.search(text) is None:
            continue
        module = parse(text, path)
        for cls in () if module is None else ast.walk(module):
            if isinstance(cls, ast.ClassDef) and cls.name in of_class:
                for node in cls.body:
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        attr = _decoded(node)
                        if attr in of_class[cls.name]:
                            views[cls.name, node.name] = attr
    return views


def _decoded(function: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
    """The attribute of ``self`` every return of ``function`` decodes (a return of None or
    an empty literal aside: ``json.loads(self.x) if self.x else {}``), for a function taking
    ``self`` alone."""
    a = function.args
    if len(a.args) != 1 or a.vararg or a.kwonlyargs or a.kwarg or a.posonlyargs:
        return None
    found: set[str] = set()
    todo: list[ast.AST] = list(function.body)
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        if isinstance(node, ast.Return):
            values = [node.value] if node.value is not None else []
            values = [v.body if isinstance(v, ast.IfExp) and _nothing(v.orelse) else v
                      for v in values]
            for value in values:
                attr = _loads_self(value)
                if attr is None and not _nothing(value):
                    return None
                if attr is not None:
                    found.add(attr)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return found.pop() if len(found) == 1 else None


def _loads_self(node: ast.expr) -> str | None:
    """``json.loads(self.x)`` (any module's ``loads``, with any keywords): ``x``."""
    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
            and node.func.attr in _DECODERS and len(node.args) == 1):
        arg = node.args[0]
        if (isinstance(arg, ast.Attribute) and isinstance(arg.value, ast.Name)
                and arg.value.id == "self"):
            return arg.attr
    return None


def _nothing(node: ast.expr) -> bool:
    """None, or an empty dict, list or tuple literal."""
    return (isinstance(node, ast.Constant) and node.value is None) or (
        isinstance(node, (ast.Dict, ast.List, ast.Tuple)) and not (
            node.keys if isinstance(node, ast.Dict) else node.elts))


def encode_stored(found: tuple[ColumnKey, StoredKey]) -> list[object]:
    (table, column), k = found
    return [table, column, k.key, k.use, k.line]


def decode_stored(path: str, row: list[object]) -> tuple[ColumnKey, StoredKey]:
    """A row of the per-file store; ValueError when malformed (an untrusted cache)."""
    table, column, key, use, line = row
    if not (isinstance(table, str) and isinstance(column, str) and isinstance(key, str)
            and KEY.fullmatch(key) and type(line) is int) or use not in ("stores", "reads"):
        raise ValueError(row)
    return (table, column), StoredKey(key, "stores" if use == "stores" else "reads", path, line)


def _read(index: ColumnIndex, text: str, uses: re.Pattern[str], fills: re.Pattern[str],
          path: str) -> list[tuple[ColumnKey, StoredKey]]:
    """The uses in one file: the functions holding the lines the text search finds."""
    lines, described = _hits(index, text, uses, fills)
    reader = _Reader(index, path, frozenset(described))
    return [found for piece, owner in pieces(text, lines, path)
            for found in reader.module(piece, lines, owner)]


def _key(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and KEY.fullmatch(
            node.value):
        return node.value
    return None


def _base_name(node: ast.expr) -> str | None:
    """The class a base expression names: ``PaymentProvider[StripePayment]`` is
    ``PaymentProvider``, ``orm.Base`` is ``Base``."""
    if isinstance(node, ast.Subscript):
        node = node.value
    if isinstance(node, ast.Attribute):
        return node.attr
    return node.id if isinstance(node, ast.Name) else None


def _descriptor(call: ast.Call, attribute: str | None,
                constants: Mapping[str, str]) -> tuple[str, str] | None:
    """The blob attribute and the key a class-body descriptor keeps its value under."""
    func = call.func
    name = func.attr if isinstance(func, ast.Attribute) else (
        func.id if isinstance(func, ast.Name) else "")
    word = name.removesuffix("_property")
    if word == name or not word:
        return None
    given = {kw.arg: kw.value for kw in call.keywords if kw.arg}
    if word == _INDEXABLE:  # index_property(attr_name, index, ...)
        blob = _key(call.args[0]) if call.args else _key(given.get("attr_name"))
        at = call.args[1] if len(call.args) > 1 else given.get("index")
        key = constants.get(at.id) if isinstance(at, ast.Name) else _key(at)
        return (blob, key) if blob and key else None
    at = given.get("key") or (call.args[0] if call.args else None)
    given_none = at is None or (isinstance(at, ast.Constant) and at.value is None)
    key = attribute if given_none else _key(at)
    return (word, key) if key and KEY.fullmatch(key) else None


def _dict_keys(node: ast.expr) -> list[tuple[str, int]]:
    """The literal keys of ``{'k': ...}`` or ``dict(k=...)``."""
    if isinstance(node, ast.Dict):
        return [(k, node.lineno) for key in node.keys if (k := _key(key)) is not None]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "dict":
        return [(kw.arg, node.lineno) for kw in node.keywords
                if kw.arg is not None and KEY.fullmatch(kw.arg)]
    return []


class _Reader:
    def __init__(self, index: ColumnIndex, path: str, described: frozenset[int]) -> None:
        """``described``: the lines where a class-body descriptor may name a blob."""
        self.index = index
        self.path = path
        self.described = described

    def module(self, module: ast.Module, lines: Sequence[int],
               outer: str | None) -> Iterator[tuple[ColumnKey, StoredKey]]:
        """The uses in ``module``; ``outer`` is the class its code is in (a method cut out)."""
        for nodes, owner, params in scopes(module, lines, outer):
            aliases = self._aliases(nodes, owner, params)
            for node in nodes:
                yield from self._uses(node, owner, aliases)
        if self.described:
            yield from self._descriptors(module)

    def _descriptors(self, module: ast.Module) -> Iterator[tuple[ColumnKey, StoredKey]]:
        """The keys class-body descriptors keep in a blob (the module's docstring)."""
        constants = {t.id: v for node in module.body if isinstance(node, ast.Assign)
                     for t in node.targets if isinstance(t, ast.Name)
                     if (v := _key(node.value)) is not None}
        for cls in ast.walk(module):
            if not isinstance(cls, ast.ClassDef):
                continue
            models = [cls.name, *filter(None, map(_base_name, cls.bases))]
            for node in cls.body:
                if (isinstance(node, (ast.Assign, ast.AnnAssign))
                        and node.lineno in self.described and isinstance(node.value, ast.Call)):
                    targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                    names = [t.id for t in targets if isinstance(t, ast.Name)]
                    found = _descriptor(node.value, names[0] if names else None, constants)
                    column = found and next(
                        filter(None, (self.index.resolve(found[0], m) for m in models)), None)
                    if found and column:
                        yield self._found(column, found[1], "stores", node.lineno)

    def _blob(self, node: ast.expr, owner: str | None,
              aliases: Mapping[str, ColumnKey]) -> ColumnKey | None:
        """The column ``node`` is the blob of: ``node.driver_info``, an alias of it, or a
        copy (``... or {}``, ``dict(...)``, ``copy.deepcopy(...)``, ``.copy()``)."""
        if isinstance(node, ast.Attribute):
            return self.index.resolve(node.attr, receiver(node.value, owner))
        if isinstance(node, ast.Name):
            return aliases.get(node.id)
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            return self._blob(node.values[0], owner, aliases)
        if isinstance(node, ast.Call) and not node.keywords:
            func = node.func
            if (isinstance(func, ast.Attribute) and not node.args
                    and func.attr in self.index.viewed):
                # a method returning the blob decoded (ColumnIndex's views)
                found = self.index.resolve(func.attr, receiver(func.value, owner))
                if found is not None:
                    return found
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

    def _found(self, column: ColumnKey, key: str, use: KeyUse,
               line: int) -> tuple[ColumnKey, StoredKey]:
        return column, StoredKey(key, use, self.path, line)

    def _uses(self, node: ast.AST, owner: str | None,
              aliases: Mapping[str, ColumnKey]) -> Iterator[tuple[ColumnKey, StoredKey]]:
        if isinstance(node, ast.Subscript):
            key, inner = _key(node.slice), node.value
            # a key inside a key is the blob's too, named by its path: open-event-server reads
            # the BigBlueButton password at stream.extra['response']['moderatorPW']
            while key is not None and isinstance(inner, ast.Subscript):
                outer = _key(inner.slice)
                key = None if outer is None else f"{outer}.{key}"
                inner = inner.value
            column = None if key is None else self._blob(inner, owner, aliases)
            if key is not None and column is not None and KEY.fullmatch(key):
                use: KeyUse = "stores" if isinstance(node.ctx, ast.Store) else "reads"
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
                             if kw.arg is not None and KEY.fullmatch(kw.arg)]
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

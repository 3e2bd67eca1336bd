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
  repository: a name defined twice gives nothing. A one-word name (``set``, ``get``) is a
  dict's or a library's too: a method's calls count only on ``self``/``cls`` or a receiver
  that names its class (``Setting().set("k", v)``), a function's only in its own file.

A literal is a string constant that looks like a key (``blob_keys``' rule), or an upper-case
name the same file binds once to one (``CHAP_SECRET_KEY = "PURE_TARGET_CHAP_SECRET"``, a
class's ``EMAIL_KEY``).

What is read, and how, is ``reviewer.column_uses``': the repository's own source less tests,
vendored packages and migrations; a file is first searched as text for the model's name (or,
in a second pass, the passing functions'), and only a file with one is parsed (never imported
or executed), only the functions holding those lines where they can be cut out. What each
file holds is cached by its content (``use_cache``), per pass.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from reviewer.blob_keys import KEY, decode_stored, encode_stored
from reviewer.column_uses import (
    SELF,
    CodeFiles,
    ColumnKey,
    FileStore,
    line_numbers,
    pieces,
    read_code,
)
from reviewer.name_verdicts import flag_or_scalar, type_idents
from reviewer.sources import SourceTree
from reviewer.types import Column, KeyUse, StoredKey
from reviewer.vocabulary import Vocabulary, normalize

_Kind = Literal["function", "method"]


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
    use: KeyUse
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


@dataclass(frozen=True, slots=True)
class _Def:
    """A function or method the file defines with one of the passing functions' names."""

    name: str
    kind: _Kind


_Direct = tuple[ColumnKey, StoredKey] | _Passer
_Indirect = _Call | _Def


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
                    or flag_or_scalar(type_idents(value.type), vocab)
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


def row_keys(tree: SourceTree | CodeFiles, rows: Sequence[KeyValue], *, min_words: int = 2,
             use_cache: bool = False) -> dict[ColumnKey, tuple[StoredKey, ...]]:
    """The keys the code stores in or looks up from each of ``rows``' value columns, each
    at its first use, ordered by where that is. ``min_words``: a method name with fewer
    words needs a receiver that names its class."""
    models = {r.class_name: r for r in rows}
    if not models:
        return {}
    files = CodeFiles.of(tree)  # both passes read each file once
    # a call, an attribute or a query's argument (M(, M.key, query(M)); not an annotation
    mention = re.compile(rf"\b(?:{'|'.join(map(re.escape, sorted(models)))})\b[ \t]*[(.),]")
    shape = repr(sorted((r.class_name, r.key_attr, r.value) for r in rows))
    store = FileStore("row-keys", ("row_keys.py", "blob_keys.py"), shape, _encode_direct,
                      _decode_direct) if use_cache else None
    found: list[tuple[ColumnKey, StoredKey]] = []
    passers: list[tuple[str, _Passer]] = []  # with the file that defines it
    for where, facts in read_code(
            files, lambda text, path: _read_direct(models, text, mention, path), store):
        for fact in facts:
            if isinstance(fact, _Passer):
                passers.append((where, fact))
            else:
                found.append(fact)
    names = sorted({p.name for _, p in passers})
    if names:
        called = re.compile(rf"\b(?:{'|'.join(map(re.escape, names))})\s*\(")
        calls_store = FileStore("row-calls", ("row_keys.py", "blob_keys.py"), repr(names),
                                _encode_indirect, _decode_indirect) if use_cache else None
        defined: dict[tuple[str, str], int] = {}
        made: list[tuple[str, _Call]] = []
        for path, facts2 in read_code(
                files, lambda text, path: _read_calls(set(names), text, called, path),
                calls_store):
            for fact2 in facts2:
                if isinstance(fact2, _Def):
                    defined[fact2.name, fact2.kind] = defined.get((fact2.name, fact2.kind), 0) + 1
                else:
                    made.append((path, fact2))
        usable: dict[tuple[str, str], dict[ColumnKey, tuple[str, _Passer]]] = {}
        for where, p in passers:
            if defined.get((p.name, p.kind)) == 1:
                by_value = usable.setdefault((p.name, p.kind), {})
                if p.value not in by_value or p.use == "stores":  # stores, and looks up
                    by_value[p.value] = (where, p)
        for path, call in made:
            for where, passer in usable.get((call.name, call.kind), {}).values():
                if not _receives(call, passer, min_words, path == where):
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


def _receives(call: _Call, passer: _Passer, min_words: int, same_file: bool) -> bool:
    """Is ``call`` one of the passing function's? Its name is defined once in the
    repository, but a one-word name (``get``, ``set``) is also a dict's or a library's: then
    a method's receiver must be ``self``/``cls`` or name its class (``Setting().set``,
    ``token.add`` in ``TokenClass``), and a function must be called in its own file (the
    ``get`` of another file may be ``requests.get``)."""
    if len(normalize(passer.name)) >= min_words:
        return True
    if call.kind == "function":
        return same_file
    if call.receiver in SELF:
        return True
    if call.receiver is None or passer.owner is None:
        return False
    words, owner = normalize(call.receiver), normalize(passer.owner)
    return bool(words) and any(owner[i:i + len(words)] == words
                               for i in range(len(owner) - len(words) + 1))


# --------------------------------------------------------------------- the per-file stores


def _encode_direct(fact: _Direct) -> list[object]:
    if isinstance(fact, _Passer):
        return ["passer", fact.name, fact.kind, fact.position, fact.param, *fact.value,
                fact.use, fact.owner]
    return ["key", *encode_stored(fact)]


def _decode_direct(path: str, row: list[object]) -> _Direct:
    """A row of the per-file store; ValueError when malformed (an untrusted cache)."""
    if row[:1] == ["key"]:
        return decode_stored(path, row[1:])
    tag, name, kind, position, param, table, column, use, owner = row
    if not (tag == "passer" and all(isinstance(v, str) for v in (name, param, table, column))
            and type(position) is int and (owner is None or isinstance(owner, str))
            and kind in ("function", "method") and use in ("stores", "reads")):
        raise ValueError(row)
    return _Passer(str(name), "function" if kind == "function" else "method", position,
                   str(param), (str(table), str(column)), "stores" if use == "stores" else "reads",
                   owner if isinstance(owner, str) else None)


def _encode_indirect(fact: _Indirect) -> list[object]:
    if isinstance(fact, _Def):
        return ["def", fact.name, fact.kind]
    return ["call", fact.name, fact.kind, fact.receiver, fact.line, list(fact.args),
            [list(k) for k in fact.keywords]]


def _decode_indirect(path: str, row: list[object]) -> _Indirect:
    """A row of the per-file store; ValueError when malformed (an untrusted cache)."""
    if row[:1] == ["def"]:
        _, name, kind = row
        if not isinstance(name, str) or kind not in ("function", "method"):
            raise ValueError(row)
        return _Def(name, "function" if kind == "function" else "method")
    tag, name, kind, receiver, line, args, keywords = row
    if not (tag == "call" and isinstance(name, str) and kind in ("function", "method")
            and (receiver is None or isinstance(receiver, str)) and type(line) is int
            and isinstance(args, list) and isinstance(keywords, list)):
        raise ValueError(row)
    literals = tuple(a if isinstance(a, str) and KEY.fullmatch(a) else None for a in args)
    if any(a is not None and lit is None for a, lit in zip(args, literals, strict=True)):
        raise ValueError(row)
    named: list[tuple[str, str]] = []
    for pair in keywords:
        if not (isinstance(pair, list) and len(pair) == 2 and isinstance(pair[0], str)
                and isinstance(pair[1], str) and KEY.fullmatch(pair[1])):
            raise ValueError(row)
        named.append((pair[0], pair[1]))
    return _Call(name, "function" if kind == "function" else "method",
                 receiver if isinstance(receiver, str) else None, line, literals, tuple(named))


# ---------------------------------------------------------------------------------- reading

_CONSTANT = re.compile(
    r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*=[ \t]*(['\"])([A-Za-z_][A-Za-z0-9_.-]{0,63})\2[ \t]*(?:#.*)?$",
    re.MULTILINE)
_ASSIGNED = re.compile(r"^[ \t]*([A-Z][A-Z0-9_]*)[ \t]*(?::[^=\n]*)?=(?!=)", re.MULTILINE)
_DEF = re.compile(r"^([ \t]*)(?:async[ \t]+)?def[ \t]+(\w+)", re.MULTILINE)


def _lines(text: str, pattern: re.Pattern[str]) -> list[int]:
    return line_numbers(text, [m.start() for m in pattern.finditer(text)])


def _constants(text: str) -> dict[str, str]:
    """Upper-case names the file binds once, to a literal that looks like a key."""
    assigned: dict[str, int] = {}
    for m in _ASSIGNED.finditer(text):
        assigned[m.group(1)] = assigned.get(m.group(1), 0) + 1
    return {m.group(1): m.group(3) for m in _CONSTANT.finditer(text)
            if assigned.get(m.group(1)) == 1}


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
            return value if isinstance(value, str) and KEY.fullmatch(value) else None
        if isinstance(node, ast.Name):
            return self.constants.get(node.id)
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and (node.value.id in SELF or node.value.id[:1].isupper())):
            return self.constants.get(node.attr)  # self.EMAIL_KEY, Token.EMAIL_KEY
        return None


def _read_direct(models: Mapping[str, KeyValue], text: str, mention: re.Pattern[str],
                 path: str) -> list[_Direct]:
    """The keys one file stores in or looks up from the models' rows, and its functions
    that do so with a parameter."""
    if not any(name in text for name in models):  # a substring search: most files go here
        return []
    lines = _lines(text, mention)
    if not lines:
        return []
    literals = _Literals(_constants(text))
    keys: list[tuple[ColumnKey, StoredKey]] = []
    passers: list[_Passer] = []
    for piece, owner in pieces(text, lines, path):
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
    return [*keys, *dict.fromkeys(passers)]


def _row_uses(models: Mapping[str, KeyValue], scope: _Scope
              ) -> Iterator[tuple[str, KeyUse, ast.expr, int]]:
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


def _read_calls(names: set[str], text: str, called: re.Pattern[str],
                path: str) -> list[_Indirect]:
    """The functions of ``names`` one file defines (by kind), and its calls to them with
    their literal arguments."""
    if not any(name in text for name in names):  # a substring search: most files go here
        return []
    defs: list[_Indirect] = [_Def(m.group(2), "method" if m.group(1) else "function")
                             for m in _DEF.finditer(text) if m.group(2) in names]
    lines = _lines(text, called)
    if not lines:
        return defs
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
    for piece, owner in pieces(text, lines, path):
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
                            and value.id not in SELF and module_name(value.id)
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
    return [*defs, *calls]

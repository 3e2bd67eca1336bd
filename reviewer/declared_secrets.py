"""What the repository's own code declares secret: the evidence a security reviewer reads in
the API schemas and the redaction code around the models, when a column's name says little.

What counts, by kind (the words are vocabulary.toml's ``[declared]``):

- **secret_type**: a class field annotated with a secret type (pydantic's ``SecretStr``,
  ``SecretBytes``; prefect's ``DatabricksCredentials.token: Optional[SecretStr]``);
- **input_only**: a class field built with ``load_only=True`` (marshmallow: read in, never
  dumped back, as a password is);
- **names_list**: a module or class constant whose name says it lists secret names
  (``SMTPSERVER_SECRET_KEYS = {"password", "private_key_password"}``, privacyidea), bound to
  a literal list of strings. Such lists hide more than secrets (mistral's
  ``_sensitive_attributes`` holds workflow ``input`` and ``output``, manila's
  ``fields_to_redact`` a grantee's ``access_to``, jupyterhub's ``SCRUB_PARAM_KEYS`` the OAuth
  ``state``): the classifier lets one only confirm a name that already reads as a credential;
- **scrubbed**: a scrub function that loops over a literal list of names it rewrites (aodh's
  ``from_db_model_scrubbed``: ``for field in ('ok_actions', 'alarm_actions', ...)``), or sets
  an attribute of its typed parameter to None (dstack's
  ``_remove_fleet_spec_sensitive_info(spec: FleetSpec)``).

What ties a declaration to a column, conservatively:

- a schema field: the schema class is the model or mirrors it (its name holds the model's
  class or table words: ``UserCreate`` for ``User``) and exactly one such model has the
  attribute; or only one table has the attribute, its name has several words, and the class
  names no model (``ColumnIndex.unique``);
- a listed name: the columns of exactly that name, unless the name is generic (``value``,
  ``session``: a log-redaction list names what a value is in a request, not a column);
- a scrubbed parameter: its type's name is the model's words then words of one of the model's
  columns (``FleetSpec``: ``fleets.spec``; ``JobSpec``: ``jobs.job_spec_data``), one column.

Not ``repr=False``, ``exclude=True`` or ``write_only`` alone: the development corpus uses them
for timestamps, flags and array payloads. Files are chosen, parsed (``ast``, never imported
or executed) and cached as ``reviewer.column_uses`` does for the other code evidence.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property

from reviewer.column_uses import (
    CodeFiles,
    ColumnIndex,
    ColumnKey,
    FileStore,
    first_of_each_kind,
    line_numbers,
    pieces,
    read_code,
)
from reviewer.sources import SourceTree
from reviewer.types import Declaration, DeclarationKind
from reviewer.vocabulary import DeclaredWords, normalize

_KINDS: tuple[DeclarationKind, ...] = ("secret_type", "input_only", "names_list", "scrubbed")
# How a declaration is quoted: names, dots, quotes and a colon; never prose.
_SAID = re.compile(r"[A-Za-z_][A-Za-z0-9_.()\[\]' :=,\-]{0,199}")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_\-.]{0,79}")
_MAX_NAMES = 200  # a literal list longer than this is data, not a redaction list


@dataclass(frozen=True, slots=True)
class _Model:
    key: ColumnKey
    attr: str
    names: tuple[tuple[str, ...], ...]  # the words of its class's and its table's names
    words: tuple[str, ...]  # the words of the column's attribute


def declared_secrets(tree: SourceTree | CodeFiles, index: ColumnIndex, words: DeclaredWords, *,
                     use_cache: bool = False) -> dict[ColumnKey, tuple[Declaration, ...]]:
    """Where the code declares each of the columns ``index`` asks about secret: per column,
    the first place of each kind, ordered by where that is."""
    if not index.asked:
        return {}
    prefilter = _Prefilter(words)
    store = FileStore("declared-secrets", ("declared_secrets.py",), index.shape(),
                      _encode, _decode) if use_cache else None
    reader = _Reader(index, words)
    return first_of_each_kind(read_code(
        tree, lambda text, path: reader.read(prefilter, text, path), store))


def _encode(found: tuple[ColumnKey, Declaration]) -> list[object]:
    (table, column), d = found
    return [table, column, d.kind, d.declared, d.line]


def _decode(path: str, row: list[object]) -> tuple[ColumnKey, Declaration]:
    """A row of the per-file store; ValueError when malformed (an untrusted cache)."""
    table, column, kind, declared, line = row
    for k in _KINDS:
        if kind == k and isinstance(table, str) and isinstance(column, str) and isinstance(
                declared, str) and _SAID.fullmatch(declared) and type(line) is int:
            return (table, column), Declaration(k, declared, path, line)
    raise ValueError(row)


class _Prefilter:
    """The spellings a declaration needs, searched in a file's text before any parse: a
    secret type, an input-only keyword set to True, an assignment to a name holding a secrecy
    word, a def of a name holding a scrub word (the words confirmed on the name after)."""

    def __init__(self, words: DeclaredWords) -> None:
        def spelled(found: frozenset[str]) -> str:
            return "|".join(map(re.escape, sorted(found)))

        # one pass over the text for any of the words; the line of each hit is then matched
        # (each word in its three usual cases: a case-blind search costs twice the time)
        named = words.list_secrecy_words | words.scrub_words
        self.words = re.compile(spelled(
            words.secret_types | words.input_only_keywords
            | {w for n in named for w in (n, n.upper(), n.capitalize())}))
        self.marks = re.compile(
            rf"\b(?:{spelled(words.secret_types)})\b"
            rf"|\b(?:{spelled(words.input_only_keywords)})[ \t]*=[ \t]*True\b")
        self.assigned = re.compile(
            r"[ \t]*(\w+)[ \t]*(?::[^=\n]*)?=[^=]")
        self.defined = re.compile(r"[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)")


def _words(name: str) -> set[str]:
    return set(normalize(name))


class _Reader:
    def __init__(self, index: ColumnIndex, words: DeclaredWords) -> None:
        self.index = index
        self.words = words
        self.path = ""

    # --- the columns asked about, with their words: made when a file first declares
    # something (most files declare nothing, and every run has thousands of columns)

    @cached_property
    def models(self) -> list[_Model]:
        return [_Model(c.key, c.attribute or c.column,
                       tuple(dict.fromkeys(t for t in (normalize(c.class_name or ""),
                                                        normalize(c.table)) if t)),
                       normalize(c.attribute or c.column)) for c in self.index.asked]

    @cached_property
    def by_attr(self) -> dict[str, list[_Model]]:
        out: dict[str, list[_Model]] = {}
        for m in self.models:
            out.setdefault(m.attr, []).append(m)
        return out

    @cached_property
    def by_name(self) -> dict[str, list[ColumnKey]]:
        out: dict[str, list[ColumnKey]] = {}
        for m in self.models:
            out.setdefault(m.attr.lower(), []).append(m.key)
        return out

    # --- which lines to parse ------------------------------------------------------------

    def _lines(self, prefilter: _Prefilter, text: str) -> list[int]:
        w = self.words
        offsets: list[int] = []
        end = -1
        for hit in prefilter.words.finditer(text):
            if hit.start() < end:
                continue  # a line already looked at
            start = text.rfind("\n", 0, hit.start()) + 1
            end = text.find("\n", hit.end())
            end = len(text) if end < 0 else end
            line = text[start:end]
            if prefilter.marks.search(line):
                offsets.append(start)
                continue
            assigned = prefilter.assigned.match(line)
            if assigned:
                named = _words(assigned.group(1))
                if named & w.list_secrecy_words and named & w.list_name_words:
                    offsets.append(start)
                    continue
            defined = prefilter.defined.match(line)
            if defined and _words(defined.group(1)) & w.scrub_words:
                # the line after the def: inside the function, so it is parsed alone
                offsets.append(min(end + 1, len(text) - 1) if end < len(text) else start)
        return line_numbers(text, offsets)

    def read(self, prefilter: _Prefilter, text: str,
             path: str) -> list[tuple[ColumnKey, Declaration]]:
        lines = self._lines(prefilter, text)
        if not lines:
            return []
        self.path = path
        out: list[tuple[ColumnKey, Declaration]] = []
        for piece, owner in pieces(text, lines, path):
            out.extend(self._walk(piece, owner))
        return out

    # --- the walk ------------------------------------------------------------------------

    def _walk(self, node: ast.AST, owner: str | None
              ) -> Iterator[tuple[ColumnKey, Declaration]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from self._class(child)
                yield from self._walk(child, child.name)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if _words(child.name) & self.words.scrub_words:
                    yield from self._scrub(child)
                yield from self._walk(child, owner)
            else:
                if isinstance(child, (ast.Assign, ast.AnnAssign)):
                    yield from self._names_list(child)
                yield from self._walk(child, owner)

    def _found(self, column: ColumnKey, kind: DeclarationKind, said: str,
               line: int) -> tuple[ColumnKey, Declaration]:
        if not _SAID.fullmatch(said):
            said = said[:197] + "..." if _SAID.fullmatch(said[:197] + "...") else kind
        return column, Declaration(kind, said, self.path, line)

    # --- schema fields -------------------------------------------------------------------

    def _class(self, node: ast.ClassDef) -> Iterator[tuple[ColumnKey, Declaration]]:
        for stmt in node.body:
            target = stmt.target if isinstance(stmt, ast.AnnAssign) else (
                stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1
                else None)
            if not isinstance(target, ast.Name):
                continue
            said: tuple[str, DeclarationKind] | None = None
            if isinstance(stmt, ast.AnnAssign):
                typed = self._secret_type(stmt.annotation)
                if typed is not None:
                    said = (f"{node.name}.{target.id}: {typed}", "secret_type")
            value = stmt.value if isinstance(stmt, (ast.Assign, ast.AnnAssign)) else None
            if said is None and isinstance(value, ast.Call):
                for kw in value.keywords:
                    if kw.arg in self.words.input_only_keywords and isinstance(
                            kw.value, ast.Constant) and kw.value.value is True:
                        said = (f"{node.name}.{target.id}: {kw.arg}=True", "input_only")
            if said is None:
                continue
            column = self._schema_column(node.name, target.id)
            if column is not None:
                text, kind = said
                yield self._found(column, kind, text, stmt.lineno)

    def _secret_type(self, annotation: ast.expr) -> str | None:
        for sub in ast.walk(annotation):
            name = sub.id if isinstance(sub, ast.Name) else (
                sub.attr if isinstance(sub, ast.Attribute) else None)
            if name in self.words.secret_types:
                return name
        return None

    def _schema_column(self, schema: str, attr: str) -> ColumnKey | None:
        """The column a schema's field is: the model the schema mirrors has the attribute, or
        only one table has the several-word attribute and the schema names no model."""
        found = self.by_attr.get(attr)
        if not found:
            return None
        words = normalize(schema)
        mirrored = [m for m in found if any(n and _run(n, words) for n in m.names)]
        if len(mirrored) == 1:
            return mirrored[0].key
        if mirrored:
            return None
        if attr in self.index.unique and not any(
                n and _run(n, words) for n in self.index.models):
            return found[0].key
        return None

    # --- lists of secret names -----------------------------------------------------------

    def _names_list(self, node: ast.Assign | ast.AnnAssign
                    ) -> Iterator[tuple[ColumnKey, Declaration]]:
        targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        if len(targets) != 1 or not isinstance(targets[0], ast.Name) or node.value is None:
            return
        name = targets[0].id
        named = _words(name)
        if not (named & self.words.list_secrecy_words and named & self.words.list_name_words):
            return
        yield from self._listed(_literal_names(node.value), name, "lists", node.lineno)

    def _listed(self, names: Sequence[str] | None, by: str, verb: str, line: int,
                kind: DeclarationKind = "names_list"
                ) -> Iterator[tuple[ColumnKey, Declaration]]:
        for listed in names or ():
            if listed.lower() in self.words.generic_names or not _NAME.fullmatch(listed):
                continue
            for column in self.by_name.get(listed.lower(), ()):
                yield self._found(column, kind, f"{by} {verb} '{listed}'", line)

    # --- scrub functions -----------------------------------------------------------------

    def _scrub(self, function: ast.FunctionDef | ast.AsyncFunctionDef
               ) -> Iterator[tuple[ColumnKey, Declaration]]:
        a = function.args
        typed = {p.arg: _type_name(p.annotation) for p in (*a.posonlyargs, *a.args,
                                                           *a.kwonlyargs)}
        for node in ast.walk(function):
            if isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
                yield from self._listed(_literal_names(node.iter), f"{function.name}()",
                                        "scrubs", getattr(node.iter, "lineno", function.lineno),
                                        "scrubbed")
            elif isinstance(node, ast.Assign) and _is_none(node.value):
                for target in node.targets:
                    path = _attribute_path(target)
                    if path is None or typed.get(path[0]) is None:
                        continue
                    type_name = typed[path[0]] or ""
                    column = self._typed_column(type_name)
                    if column is not None:
                        cleared = ".".join(path[1:])
                        yield self._found(
                            column, "scrubbed",
                            f"{function.name}() clears {type_name}.{cleared}", node.lineno)

    def _typed_column(self, type_name: str) -> ColumnKey | None:
        """The column a scrubbed parameter's type is: the model's words, then words of one
        of its columns (``FleetSpec``: ``fleets.spec``)."""
        words = normalize(type_name)
        found = []
        for m in self.models:
            for n in m.names:
                rest = words[len(n):]
                if n and words[:len(n)] == n and rest and set(rest) <= set(m.words):
                    found.append(m.key)
                    break
        return found[0] if len(set(found)) == 1 else None


def _run(words: tuple[str, ...], name: tuple[str, ...]) -> bool:
    """``words`` appear together, in order, in ``name``."""
    n = len(words)
    return any(name[i:i + n] == words for i in range(len(name) - n + 1))


def _literal_names(node: ast.expr) -> list[str] | None:
    """The strings of a literal list, tuple or set (or ``frozenset({...})``); None when
    anything in it is not a string constant."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in (
            "frozenset", "set", "tuple", "list") and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    if not isinstance(node, (ast.List, ast.Tuple, ast.Set)) or len(node.elts) > _MAX_NAMES:
        return None
    out = []
    for elt in node.elts:
        if not (isinstance(elt, ast.Constant) and isinstance(elt.value, str)):
            return None
        out.append(elt.value)
    return out


def _type_name(annotation: ast.expr | None) -> str | None:
    """``FleetSpec`` of ``spec: FleetSpec`` (or ``models.FleetSpec``, ``"FleetSpec"``)."""
    if isinstance(annotation, ast.Name):
        return annotation.id
    if isinstance(annotation, ast.Attribute):
        return annotation.attr
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str) and (
            annotation.value.isidentifier()):
        return annotation.value
    return None


def _attribute_path(node: ast.expr) -> list[str] | None:
    """``spec``, ``configuration``, ``ssh_key`` of ``spec.configuration.ssh_key``."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name) or not parts:
        return None
    return [node.id, *reversed(parts)]


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None

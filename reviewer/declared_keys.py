"""The keys a blob column's declared structure holds, read from the classes of the repository
that type it.

GPUStack keeps a cluster's Kubernetes options as ``Column(pydantic_column_type(K8sOptions))``,
and ``K8sOptions.image_credentials`` is a list of ``ImageCredential``, whose ``password`` is a
container registry's. A security reviewer opens the class to see what the JSON holds; this
reads each class the column's type names, the fields its body annotates (``name: T``, its
bases' too), and the classes those fields are typed by in turn: each field is a key
(``image_credentials.password``) at the line that declares it, judged like a key the code
keeps in the blob (``reviewer.code_verdicts.by_stored_key``).

A class is found by its name among the repository's module-level classes, and a module-level
alias (``ProviderConfigType = Union[Ai360Config, ...]``) stands for the classes it names. A
name defined more than once gives the fields of each: the reader does not follow imports here,
and a blob's class is rarely defined twice.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence

from reviewer.column_uses import CodeFiles, ColumnKey, FileStore, parse, read_code
from reviewer.files import UnreadableFile
from reviewer.types import Column, StoredKey

# A class named in a type's arguments: pydantic_column_type(K8sOptions, exclude_none=True);
# a name in capitals is a constant (String(MAX_LENGTH))
_CLASS = re.compile(r"\b([A-Z][A-Za-z0-9_]*[a-z][A-Za-z0-9_]*)\b")
# typing's and SQLAlchemy's own names, and constants, which no repository class shadows here
_NOT_CLASSES = frozenset({
    "True", "False", "None", "Optional", "List", "Dict", "Union", "Sequence", "Mapping",
    "Set", "FrozenSet", "Tuple", "Annotated", "Literal", "Any", "Type", "ClassVar", "Iterable",
    "JSON", "JSONB", "Text", "String", "Integer", "Column", "LargeBinary", "PickleType",
})
# type wrappers whose class is an enumeration: a choice, never a structure with fields
_CHOICE = re.compile(r"Enum|Choice|Flag")
_HEADER = re.compile(r"^(?:class[ \t]+(\w+)|(\w+)[ \t]*(?::[^=\n]*)?=[^=])", re.M)
_DEPTH = 4  # classes within classes; deeper structures are rare and their names say enough
_MOST = 200  # keys per column


def declared_classes(column: Column) -> frozenset[str]:
    """The classes a column's type is given as its structure, as a positional argument
    (``Pydantic(ReceivedEvent)``, ``pydantic_column_type(List[ProviderModel])``); none for
    an enumeration's type, nor a class a lambda or a keyword names (funnel's
    ``TSVectorType('message_text', hltext=lambda: Comment.message_html)``)."""
    text = column.type or ""
    if "(" not in text or _CHOICE.search(text.split("(", 1)[0]):
        return frozenset()
    module = parse(text.strip(), column.path)  # the oldest supported grammar, on any host
    expr = module.body[0] if module is not None and len(module.body) == 1 else None
    call = expr.value if isinstance(expr, ast.Expr) else None
    if not isinstance(call, ast.Call):
        return frozenset()
    return frozenset(n for arg in call.args if _typing(arg) for n in _named(arg)
                     if _CLASS.fullmatch(n))


def declared_keys(files: CodeFiles, blobs: Sequence[Column], *, use_cache: bool = False
                  ) -> dict[ColumnKey, tuple[StoredKey, ...]]:
    """The fields each of ``blobs`` holds by the classes its type names, each at the line
    that declares it; a column whose classes the repository does not define holds none."""
    asked = {c.key: named for c in blobs if (named := declared_classes(c))}
    if not asked:
        return {}
    store = FileStore("class-headers", ("declared_keys.py",), "headers", _encode, _decode) \
        if use_cache else None
    where: dict[str, list[str]] = {}
    for path, found in read_code(files, _headers, store):
        for name in found:
            where.setdefault(name, []).append(path)
    structures = _Structures(files, where)
    out: dict[ColumnKey, tuple[StoredKey, ...]] = {}
    for key, named in asked.items():
        keys: dict[str, StoredKey] = {}
        for name in sorted(named):
            for stored in structures.fields(name, "", frozenset(), 0):
                keys.setdefault(stored.key, stored)
                if len(keys) >= _MOST:
                    break
        if keys:
            out[key] = tuple(sorted(keys.values(), key=lambda k: (k.path, k.line, k.key)))
    return out


def _headers(text: str, path: str) -> list[str]:
    """The names a file defines at module level as a class or binds as an alias."""
    return sorted({m.group(1) or m.group(2) for m in _HEADER.finditer(text)
                   if (m.group(1) or m.group(2) or "")[:1].isupper()})


def _encode(name: str) -> list[object]:
    return [name]


def _decode(path: str, row: list[object]) -> str:
    if len(row) != 1 or not isinstance(row[0], str):
        raise ValueError(f"not a class header: {row!r}")
    return row[0]


class _Structures:
    """The repository's module-level classes and aliases by name, parsed when asked."""

    def __init__(self, files: CodeFiles, where: dict[str, list[str]]) -> None:
        self.files = files
        self.where = where
        self.modules: dict[str, ast.Module | None] = {}

    def definitions(self, name: str) -> Iterator[tuple[str, ast.stmt]]:
        for path in self.where.get(name, ()):
            module = self.module(path)
            for stmt in module.body if module is not None else ():
                defines = (stmt.name == name if isinstance(stmt, ast.ClassDef)
                           else isinstance(stmt, (ast.Assign, ast.AnnAssign))
                           and name in _targets(stmt))
                if defines:
                    yield path, stmt

    def module(self, path: str) -> ast.Module | None:
        if path not in self.modules:
            try:
                text = self.files.read(path)
            except UnreadableFile:
                text = None
            self.modules[path] = None if text is None else parse(text, path)
        return self.modules[path]

    def fields(self, name: str, prefix: str, seen: frozenset[str], depth: int
               ) -> Iterator[StoredKey]:
        """The keys class (or alias) ``name`` declares, under ``prefix``."""
        if depth > _DEPTH or name in seen:
            return
        seen = seen | {name}
        for path, stmt in self.definitions(name):
            if isinstance(stmt, (ast.Assign, ast.AnnAssign)):  # an alias: what it names
                value = stmt.value
                for other in _named(value) if value is not None and _typing(value) else ():
                    yield from self.fields(other, prefix, seen, depth)
                continue
            if not isinstance(stmt, ast.ClassDef) or _mapped(stmt):
                continue  # a model's attributes are its table's, not the blob's
            for base in stmt.bases:
                for other in _named(base):
                    yield from self.fields(other, prefix, seen, depth + 1)
            for item in stmt.body:
                if not (isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)):
                    continue
                key = f"{prefix}{item.target.id}"
                inner = [n for n in _named(item.annotation) if n in self.where]
                if not inner:
                    yield StoredKey(key, "declares", path, item.lineno)
                # a field typed by a class holds that class's fields, and its own name only
                # says what they are together (image_pull_secret: a reference to a secret)
                for other in inner:
                    yield from self.fields(other, f"{key}.", seen, depth + 1)


def _typing(node: ast.expr) -> bool:
    """A type as typing spells one: ``X``, ``mod.X``, ``Optional[List[X]]``, ``X | Y``;
    not a call, a lambda or a literal."""
    if isinstance(node, (ast.Name, ast.Attribute)):
        return True
    if isinstance(node, ast.Subscript):
        inner = node.slice
        items = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return _typing(node.value) and all(
            _typing(i) or isinstance(i, ast.Constant) for i in items)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _typing(node.left) and _typing(node.right)
    return isinstance(node, ast.Constant) and isinstance(node.value, str)  # 'Forward'


def _mapped(cls: ast.ClassDef) -> bool:
    """A mapped model (a ``__tablename__``, a ``Mapped[...]`` attribute): its attributes are
    columns and relationships of its own table."""
    for item in cls.body:
        if isinstance(item, ast.Assign) and {"__tablename__", "__table__"} & _targets(item):
            return True
        if isinstance(item, ast.AnnAssign) and "Mapped" in _named(item.annotation):
            return True
    return False


def _targets(stmt: ast.Assign | ast.AnnAssign) -> set[str]:
    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
    return {t.id for t in targets if isinstance(t, ast.Name)}


def _named(node: ast.expr) -> list[str]:
    """The classes an annotation or a base names: ``Optional[List[ImageCredential]]``."""
    names = [n.id for n in ast.walk(node) if isinstance(n, ast.Name)]
    names += [n.attr for n in ast.walk(node) if isinstance(n, ast.Attribute)]
    names += [c.value for c in ast.walk(node)  # a quoted forward reference
              if isinstance(c, ast.Constant) and isinstance(c.value, str)
              and c.value.isidentifier()]
    return [n for n in names if n[:1].isupper() and n not in _NOT_CLASSES]

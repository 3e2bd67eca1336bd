"""Cross-file resolution: turn per-file facts into one ``Column`` per physical column.

Names are resolved the way Python would bind them: module-level imports (absolute and
relative, followed into any file of the repository), local definitions, and instances such as
``db = SQLAlchemy()``. Class hierarchies are linearised (C3, like Python's MRO) so that mixin
columns land in exactly the tables SQLAlchemy would put them in.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal

from reviewer.cache import FactsCache, InventoryCache, RecordingTree, cache_key, text_digest
from reviewer.constants import SCAN_PARALLEL_MIN_FILES
from reviewer.files import UnreadableFile
from reviewer.sources import SourceTree
from reviewer.types import Column, Config, Exemption, Inventory, ScanError

if TYPE_CHECKING:
    # Only a cache miss builds from facts; a warm run never needs these classes at runtime.
    from reviewer.facts import AliasFacts, CallFacts, ClassFacts, ModuleFacts, Stmt

_MAX_DEPTH = 30  # bound on import chains, so a cycle can never hang the gate

RefKind = Literal[
    "external", "class", "alias", "const", "module", "other", "unresolved", "missing"
]
_HARMLESS_MODULES = ("builtins", "typing", "typing_extensions", "abc", "enum", "dataclasses",
                     "collections")
_BUILTIN_BASES = frozenset({"object", "Exception", "dict", "list", "str", "int"})


def to_snake_case(name: str) -> str:
    """``NetSuiteConnection`` -> ``net_suite_connection``; ``HTTPRequest`` -> ``http_request``."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def flask_table_name(name: str) -> str:
    """Flask-SQLAlchemy 3's automatic ``__tablename__`` (``camel_to_snake_case``)."""
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


@lru_cache(maxsize=256)
def _glob_regex(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out))


def glob_match(path: str, pattern: str) -> bool:
    return _glob_regex(pattern.lstrip("./") if pattern.startswith("./") else pattern).fullmatch(
        path
    ) is not None


_VENDORED_PARTS = frozenset({"site-packages", "node_modules", "__pycache__"})


def _is_vendored(path: str, venvs: Sequence[str]) -> bool:
    """Installed packages, e.g. an untracked virtualenv in a directory that is not a git repo."""
    parts = PurePosixPath(path).parts
    return bool(_VENDORED_PARTS.intersection(parts)) or any(
        path.startswith(v + "/") for v in venvs
    )


def _is_test_file(path: str) -> bool:
    p = PurePosixPath(path)
    return (
        "tests" in p.parts[:-1]
        or "test" in p.parts[:-1]
        or p.name.startswith("test_")
        or p.name.endswith("_test.py")
        or p.name == "conftest.py"
    )


@dataclass(frozen=True, slots=True)
class _Ref:
    kind: RefKind
    path: str = ""
    name: str = ""
    qual: str = ""  # fully qualified name, for externals


@dataclass(slots=True)
class _ClassNode:
    path: str
    facts: ClassFacts
    bases: list[_ClassNode] = field(default_factory=list)
    root: bool = False  # class Base(DeclarativeBase): the registry, not a table
    declarative: bool = False
    mapped: bool = False
    bad_bases: list[str] = field(default_factory=list)
    unsupported_bases: list[str] = field(default_factory=list)  # e.g. sqlmodel.SQLModel


def _scan_job(args: tuple[str, tuple[str, ...]]) -> ModuleFacts:
    from reviewer.scanner import scan_source

    return scan_source(args[0], args[1])


class _Repo:
    def __init__(self, tree: SourceTree, config: Config, use_cache: bool) -> None:
        self.tree = tree
        self.config = config
        self.labels = tuple(config.labels)
        self.cache = FactsCache() if use_cache else None
        self.files = tree.files()
        self.file_set = set(self.files)
        self._facts: dict[str, ModuleFacts | None] = {}
        self._modules: dict[str, list[str]] | None = None
        self._classes: dict[tuple[str, str], _ClassNode | None] = {}
        self._resolving: set[tuple[str, str]] = set()
        self._resolved: dict[tuple[str, str], _Ref] = {}

    # ----------------------------------------------------------------- facts

    def load(self, paths: Sequence[str], jobs: int | None) -> None:
        """Scan many files up front, in parallel when it pays off."""
        todo: list[tuple[str, str, str]] = []
        for path in paths:
            if path in self._facts:
                continue
            try:
                text = self.tree.read(path)
            except UnreadableFile as exc:
                from reviewer.facts import ModuleFacts

                # A FIFO, device or oversized file named like a model blocks (MR007).
                self._facts[path] = ModuleFacts(errors=((1, exc.message),))
                continue
            if text is None:
                self._facts[path] = None
                continue
            key = cache_key(text, self.labels)
            cached = self.cache.get(key) if self.cache else None
            if cached is not None:
                self._facts[path] = cached
            else:
                todo.append((path, text, key))
        workers = jobs if jobs is not None else (os.cpu_count() or 1)
        results: list[ModuleFacts] | None = None
        if workers > 1 and len(todo) >= SCAN_PARALLEL_MIN_FILES:
            from concurrent.futures import ProcessPoolExecutor
            from concurrent.futures.process import BrokenProcessPool

            try:
                with ProcessPoolExecutor(max_workers=workers) as pool:
                    results = list(
                        pool.map(_scan_job, [(t, self.labels) for _, t, _ in todo], chunksize=4)
                    )
            except (OSError, BrokenProcessPool):
                results = None  # no processes allowed here (sandbox, limits): scan in-process
        if results is None and todo:
            # Imported here, not at the top: libcst costs ~230 ms and a warm run never parses.
            from reviewer.scanner import scan_source

            results = [scan_source(t, self.labels) for _, t, _ in todo]
        for (path, _text, key), facts in zip(todo, results or [], strict=True):
            self._facts[path] = facts
            if self.cache:
                self.cache.put(key, facts)

    def facts(self, path: str) -> ModuleFacts | None:
        if path not in self._facts:
            self.load([path], jobs=1)
        return self._facts[path]

    # ----------------------------------------------------------------- modules

    def module_index(self) -> dict[str, list[str]]:
        """Dotted module name -> paths, for every importable name a file could have."""
        if self._modules is None:
            index: dict[str, list[str]] = {}
            packages = {str(PurePosixPath(f).parent) for f in self.files
                        if f.endswith("/__init__.py") or f == "__init__.py"}
            for path in self.files:
                if not path.endswith(".py"):
                    continue
                parts = list(PurePosixPath(path).with_suffix("").parts)
                if parts[-1] == "__init__":
                    parts = parts[:-1]
                if not parts:
                    continue
                # The package root is the first directory upwards without an __init__.py.
                start = len(parts) - 1
                while start > 0 and "/".join(parts[:start]) in packages:
                    start -= 1
                names = {".".join(parts), ".".join(parts[start:])}
                # Namespace packages (no __init__.py) can be imported from any sys.path root:
                # accept every dotted suffix of two or more parts. Single names are left to
                # real roots so that `import enum` never lands on some app/enum.py.
                names.update(".".join(parts[i:]) for i in range(len(parts) - 1))
                for name in names:
                    if name:
                        index.setdefault(name, []).append(path)
            self._modules = index
        return self._modules

    def find_module(self, module: str, from_path: str) -> str | None:
        """The file an absolute import names. In a monorepo holding two apps with the same
        package name, the copy nearest the importing file wins, as its sys.path would."""
        candidates = self.module_index().get(module)
        if not candidates:
            return None
        if len(candidates) == 1:
            return candidates[0]
        here = PurePosixPath(from_path).parts

        def shared(path: str) -> int:
            n = 0
            for a, b in zip(here, PurePosixPath(path).parts, strict=False):
                if a != b:
                    break
                n += 1
            return n

        return max(candidates, key=lambda p: (shared(p), -len(p)))

    def relative_module(self, from_path: str, module: str, level: int) -> str | None:
        parts = list(PurePosixPath(from_path).parent.parts)
        if level > 1:
            if level - 1 > len(parts):
                return None
            parts = parts[: len(parts) - (level - 1)]
        parts += [p for p in module.split(".") if p]
        base = "/".join(parts)
        for candidate in (f"{base}.py", f"{base}/__init__.py" if base else "__init__.py"):
            if candidate in self.file_set:
                return candidate
        return None

    # ----------------------------------------------------------------- names

    def resolve(self, path: str, name: str, depth: int = 0) -> _Ref:
        key = (path, name)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(path, name, depth)
            if depth == 0:
                self._resolved[key] = found
        return found

    def _resolve(self, path: str, name: str, depth: int) -> _Ref:
        if depth > _MAX_DEPTH or not name:
            return _Ref("unresolved", path, name, name)
        facts = self.facts(path)
        if facts is None:
            return _Ref("missing", path, name, name)
        head, _, rest = name.partition(".")
        for cls in reversed(facts.classes):
            if cls.name == head:
                return _Ref("class", path, head) if not rest else _Ref("other", path, name)
        for alias in facts.aliases:
            if alias.name == head and not rest:
                return _Ref("alias", path, head)
        for const, _labels, _refs in facts.consts:
            if const == head and not rest:
                return _Ref("const", path, head)
        for local, callee in reversed(facts.instances):
            if local == head:
                made = self.resolve(path, callee, depth + 1) if callee else _Ref("other")
                if made.kind == "external":
                    qual = f"{made.qual}()" + (f".{rest}" if rest else "")
                    return _Ref("external", qual=qual)
                return _Ref("other", path, name)
        for imp in reversed(facts.imports):
            if imp.local != head:
                continue
            if imp.name is None:
                return self.resolve_module(imp.module, rest, depth, path)
            target: str | None
            full = f"{imp.name}.{rest}" if rest else imp.name
            if imp.level:
                target = self.relative_module(path, imp.module, imp.level)
                if target is None:
                    # `from . import sub` inside a namespace package (no __init__.py)
                    sub = self.relative_module(
                        path, f"{imp.module}.{imp.name}".lstrip("."), imp.level
                    )
                    if sub is not None:
                        return self.resolve_in_module(sub, rest, depth + 1)
                    return _Ref("missing", path, name,
                                f"{'.' * imp.level}{imp.module}.{imp.name}")
            else:
                target = self.find_module(imp.module, path)
            if target is None:
                return self.resolve_module(f"{imp.module}.{imp.name}", rest, depth, path)
            target_facts = self.facts(target)
            if target_facts is not None and imp.name in target_facts.names:
                return self.resolve(target, full, depth + 1)
            sub = self.relative_module(target, imp.name, 1) if target.endswith(
                "__init__.py") else None
            if sub is not None:
                return self.resolve_in_module(sub, rest, depth + 1)
            if target_facts is not None and any(
                i.local == imp.name for i in target_facts.imports
            ):
                return self.resolve(target, full, depth + 1)
            return _Ref("missing", target, imp.name, f"{imp.module}.{imp.name}")
        for imp in facts.imports:
            if imp.name == "*":
                star = (
                    self.relative_module(path, imp.module, imp.level)
                    if imp.level else self.find_module(imp.module, path)
                )
                if star is not None:
                    found = self.resolve(star, name, depth + 1)
                    if found.kind not in ("unresolved", "missing"):
                        return found
                else:
                    return _Ref("external", qual=f"{imp.module}.{name}")
        if head in facts.names:
            return _Ref("other", path, name)
        if head in _BUILTIN_BASES:
            return _Ref("external", qual=f"builtins.{name}")
        return _Ref("unresolved", path, name, name)

    def resolve_in_module(self, path: str, rest: str, depth: int) -> _Ref:
        return self.resolve(path, rest, depth) if rest else _Ref("module", path)

    def resolve_module(self, module: str, rest: str, depth: int, from_path: str) -> _Ref:
        parts = module.split(".") + ([p for p in rest.split(".") if p] if rest else [])
        for k in range(len(parts), 0, -1):
            target = self.find_module(".".join(parts[:k]), from_path)
            if target is not None:
                return self.resolve_in_module(target, ".".join(parts[k:]), depth + 1)
        return _Ref("external", qual=".".join(parts))

    def qual(self, path: str, name: str) -> str | None:
        """The qualified name of an external (non-repository) object, else None."""
        ref = self.resolve(path, name)
        return ref.qual if ref.kind == "external" else None

    # ----------------------------------------------------------------- classes

    def class_node(self, path: str, name: str) -> _ClassNode | None:
        key = (path, name)
        if key in self._classes:
            return self._classes[key]
        facts = self.facts(path)
        cls = next((c for c in reversed(facts.classes) if c.name == name), None) if facts else None
        if cls is None or key in self._resolving:
            return None
        self._resolving.add(key)
        node = _ClassNode(path, cls)
        for base in cls.bases:
            ref = self.resolve(path, base) if base else _Ref("unresolved", path, base)
            if ref.kind == "class":
                parent = self.class_node(ref.path, ref.name)
                if parent is None:
                    node.bad_bases.append(base)
                    continue
                node.bases.append(parent)
                if parent.declarative:
                    node.declarative = True
            elif ref.kind == "external":
                kind = _external_base_kind(ref.qual)
                if kind == "root-parent":
                    node.root = node.declarative = True
                elif kind == "mapped-base":
                    node.declarative = True
                elif kind == "unsupported":
                    node.unsupported_bases.append(ref.qual or base)
                elif kind == "unknown":
                    node.bad_bases.append(base or "<expression>")
            else:
                node.bad_bases.append(base or "<expression>")
        node.mapped = node.declarative and not node.root and not cls.abstract
        self._resolving.discard(key)
        self._classes[key] = node
        return node


def _external_base_kind(
    qual: str,
) -> Literal["root-parent", "mapped-base", "harmless", "unsupported", "unknown"]:
    tail = qual.rsplit(".", 1)[-1]
    top = qual.split(".", 1)[0]
    if top in ("sqlalchemy", "flask_sqlalchemy"):
        if tail in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
            return "root-parent"
        if qual.endswith(("declarative_base()", ".generate_base()", "SQLAlchemy().Model")):
            return "mapped-base"
        return "harmless"
    if top in _HARMLESS_MODULES:
        return "harmless"
    if top == "sqlmodel":
        return "unsupported"  # its Field() columns are not read: never let them pass silently
    return "unknown"


def _mro(node: _ClassNode) -> list[_ClassNode]:
    """C3 linearisation; on an inconsistent hierarchy fall back to depth-first order."""
    def merge(seqs: list[list[_ClassNode]]) -> list[_ClassNode] | None:
        out: list[_ClassNode] = []
        seqs = [list(s) for s in seqs if s]
        while seqs:
            for seq in seqs:
                head = seq[0]
                if not any(head in s[1:] for s in seqs):
                    break
            else:
                return None
            out.append(head)
            seqs = [[c for c in s if c is not head] for s in seqs]
            seqs = [s for s in seqs if s]
        return out

    @cache
    def lin(n: int) -> tuple[int, ...]:
        cls = by_id[n]
        merged = merge([[by_id[i] for i in lin(id(b))] for b in cls.bases] + [list(cls.bases)])
        if merged is None:
            seen: list[_ClassNode] = []
            stack = list(reversed(cls.bases))
            while stack:
                c = stack.pop()
                if c not in seen:
                    seen.append(c)
                    stack.extend(reversed(c.bases))
            merged = seen
        return (n, *(id(c) for c in merged))

    by_id: dict[int, _ClassNode] = {}
    stack = [node]
    while stack:
        c = stack.pop()
        if id(c) not in by_id:
            by_id[id(c)] = c
            stack.extend(c.bases)
    return [by_id[i] for i in lin(id(node))]


@dataclass(slots=True)
class _Builder:
    repo: _Repo
    config: Config
    columns: list[Column] = field(default_factory=list)
    errors: list[ScanError] = field(default_factory=list)
    attached: set[tuple[str, int]] = field(default_factory=set)
    exemptions: list[Exemption] = field(default_factory=list)
    mapped: int = 0
    _tables: dict[tuple[str, str], str | None] = field(default_factory=dict)
    _mros: dict[int, list[_ClassNode]] = field(default_factory=dict)

    def mro(self, node: _ClassNode) -> list[_ClassNode]:
        key = id(node)
        if key not in self._mros:
            self._mros[key] = _mro(node)
        return self._mros[key]

    def error(self, path: str, line: int, message: str) -> None:
        err = ScanError(path, max(line, 1), message)
        if err not in self.errors:
            self.errors.append(err)

    # ----------------------------------------------------------------- tables

    def table_of(self, node: _ClassNode) -> str | None:
        key = (node.path, node.facts.name)
        if key not in self._tables:
            self._tables[key] = self._table_of(node)
        return self._tables[key]

    def _table_of(self, node: _ClassNode) -> str | None:
        cls = node.facts
        if cls.table is not None:
            if cls.table.first_string is None:
                self.error(node.path, cls.table_line,
                           f"{cls.name}.__table__: the table name is not a string literal; "
                           "write Table(\"name\", metadata, ...)")
            return cls.table.first_string
        if cls.table_error:
            self.error(node.path, cls.table_line,
                       f"{cls.name}.__table__ is not a Table(...) call the reviewer can read; "
                       "assign Table(\"name\", metadata, Column(...), ...) directly")
            return None
        if cls.tablename_kind == "literal":
            return cls.tablename
        if cls.tablename_kind == "computed":
            self.error(node.path, cls.tablename_line,
                       f"{cls.name}.__tablename__ is computed; the reviewer reads source and "
                       "cannot evaluate it. Assign a string literal")
            return None
        mro = self.mro(node)
        parent = next((c for c in mro[1:] if c.mapped), None)
        # Flask-SQLAlchemy 3 names a subclass's own table when it declares a primary key.
        flask_joined = self.config.table_naming == "flask-sqlalchemy" and any(
            s.call is not None and s.call.primary_key and not s.type_checking
            for s in cls.stmts
        )
        if parent is not None and cls.tablename_kind != "declared" and not flask_joined:
            return self.table_of(parent)  # single-table inheritance
        for ancestor in mro[1:]:
            kind = ancestor.facts.tablename_kind
            if kind == "literal":
                return ancestor.facts.tablename
            if kind == "computed":
                self.error(ancestor.path, ancestor.facts.tablename_line,
                           f"{ancestor.facts.name}.__tablename__ is computed; assign a string "
                           "literal, or use a declared_attr and set table-naming")
                return None
            if kind == "declared":
                break
        naming = self.config.table_naming
        if naming == "snake_case":
            return to_snake_case(cls.name)
        if naming == "flask-sqlalchemy":
            return flask_table_name(cls.name)
        self.error(node.path, cls.line,
                   f"class {cls.name} has no literal __tablename__, so its table name is "
                   "computed at import time; set table-naming = \"snake_case\" or "
                   "\"flask-sqlalchemy\" in [tool.masking-reviewer], or give the class a "
                   "__tablename__")
        return None

    # ----------------------------------------------------------------- columns

    def labels_for(self, path: str, *calls: CallFacts | None) -> set[str]:
        found: set[str] = set()
        for call in calls:
            if call is None:
                continue
            found.update(call.labels)
            found.update(self.const_labels(path, call.refs, depth=0))
            if call.inner is not None:
                found.update(self.labels_for(path, call.inner))
        return found

    def const_labels(self, path: str, refs: Sequence[str], depth: int) -> set[str]:
        """Labels held by module constants the names refer to, following constants of
        constants (``SECRET_INFO = {**BASE_INFO}``) a few levels deep."""
        found: set[str] = set()
        if depth > 4:
            return found
        for ref in refs:
            r = self.repo.resolve(path, ref)
            if r.kind != "const":
                continue
            facts = self.repo.facts(r.path)
            for name, labels, inner_refs in facts.consts if facts else ():
                if name == r.name:
                    found.update(labels)
                    found.update(self.const_labels(r.path, inner_refs, depth + 1))
        return found

    def alias_for(self, path: str, name: str | None) -> tuple[str, AliasFacts] | None:
        if not name:
            return None
        ref = self.repo.resolve(path, name)
        if ref.kind != "alias":
            return None
        facts = self.repo.facts(ref.path)
        for alias in facts.aliases if facts else ():
            if alias.name == ref.name:
                return ref.path, alias
        return None

    def column_call(self, path: str, call: CallFacts) -> CallFacts | None:
        """The Column/mapped_column call a statement declares, or None if it is no column."""
        q = self.repo.qual(path, call.callee) if call.callee else None
        if q is None:
            return None
        if _is_sqla(q) and _tail(q) in ("Column", "mapped_column"):
            return call
        if _is_sqla(q) and _tail(q) in ("column_property", "deferred") and call.inner:
            inner_q = self.repo.qual(path, call.inner.callee)
            if inner_q and _is_sqla(inner_q) and _tail(inner_q) in ("Column", "mapped_column"):
                return call.inner
        return None

    def stmt_column(self, node: _ClassNode, stmt: Stmt, table: str, owner: _ClassNode
                    ) -> Column | None:
        path = node.path
        if stmt.type_checking:
            return None  # never runs; the else branch (if any) was kept instead
        if stmt.decorators and not any(
            (q := self.repo.qual(path, d)) is not None and "declared_attr" in q
            for d in stmt.decorators
        ):
            return None
        call: CallFacts | None = None
        if stmt.call is not None:
            call = self.column_call(path, stmt.call)
            if call is None:
                q = self.repo.qual(path, stmt.call.callee) if stmt.call.callee else None
                ann_q = (self.repo.qual(path, stmt.annotation.wrapper)
                         if stmt.annotation else None)
                mapped = ann_q is not None and _tail(ann_q) == "Mapped"
                # A call into the repository's own code (a column factory, a partial) may
                # build a column we cannot see; a labelled one would pass unchecked.
                factory = not mapped and bool(stmt.call.callee) and (
                    q == "functools.partial()"
                    or (q is None and self.repo.resolve(path, stmt.call.callee).kind == "other")
                )
                if ((q is None and mapped) or factory) and not stmt.decorators:
                    self.error(path, stmt.line,
                               f"{node.facts.name}.{stmt.attribute}: cannot resolve "
                               f"{stmt.call.callee or 'the call'}(...); declare the column with "
                               "mapped_column(...) or Column(...) so it can be read statically")
                return None
        annotation = stmt.annotation
        mapped_ann = False
        if annotation is not None:
            ann_q = self.repo.qual(path, annotation.wrapper)
            mapped_ann = ann_q is not None and _tail(ann_q) in ("Mapped",) and _is_sqla(ann_q)
        if call is None and not mapped_ann:
            return None
        alias = self.alias_for(path, annotation.alias if annotation else None)
        alias_call = alias[1].call if alias else None
        if alias_call is not None and alias is not None:
            q = self.repo.qual(alias[0], alias_call.callee)
            if not (q and _is_sqla(q) and _tail(q) == "mapped_column"):
                alias_call = None
        if call is not None and call.name_error:
            self.error(path, stmt.line,
                       f"{node.facts.name}.{stmt.attribute}: the column name is not a string "
                       "literal; write the DB column name as a literal")
            return None
        labels = set(stmt.labels) | self.labels_for(path, stmt.call)
        if alias is not None:
            labels |= set(alias[1].labels) | self.labels_for(alias[0], alias_call)
        name = (call.name if call else None) or (alias_call.name if alias_call else None)
        nullable: bool | None = call.nullable if call else None
        if nullable is None and alias_call is not None:
            nullable = alias_call.nullable
        primary_key = bool((call and call.primary_key) or (alias_call and alias_call.primary_key))
        unique = bool((call and call.unique) or (alias_call and alias_call.unique))
        if nullable is None:
            if primary_key:
                nullable = False
            elif mapped_ann and annotation is not None:
                nullable = annotation.optional or bool(alias and alias[1].optional)
            else:
                nullable = True
        type_text = (call.type if call else None) or (alias_call.type if alias_call else None)
        if type_text is None and annotation is not None:
            type_text = alias[1].inner if alias else annotation.inner
        column = name or stmt.attribute
        return Column(
            table=table,
            column=column,
            class_name=owner.facts.name,
            attribute=stmt.attribute,
            path=path,
            line=stmt.line,
            type=type_text,
            nullable=nullable,
            unique=unique,
            primary_key=primary_key,
            labels=tuple(lb for lb in self.config.labels if lb in labels),
            exemption=self.exemption(path, stmt.line, stmt.end_line, table, column),
            declared_in=node.facts.name if node is not owner else None,
        )

    def exemption(self, path: str, line: int, end_line: int, table: str, column: str
                  ) -> Exemption | None:
        facts = self.repo.facts(path)
        for pline, reason in facts.pragmas if facts else ():
            if line <= pline <= max(line, end_line):
                self.attached.add((path, pline))
                exemption = Exemption(table, column, reason, path, pline, "pragma")
                self.exemptions.append(exemption)
                return exemption
        return None

    def core_columns(self, path: str, table: str, call: CallFacts, class_name: str | None
                     ) -> Iterable[Column]:
        for arg in call.args:
            q = self.repo.qual(path, arg.callee) if arg.callee else None
            if not (q and _is_sqla(q) and _tail(q) == "Column"):
                continue
            if arg.name is None:
                self.error(path, arg.line,
                           f"a Column in Table({table!r}) has no literal name; "
                           "give it a string literal as its first argument")
                continue
            yield Column(
                table=table,
                column=arg.name,
                class_name=class_name,
                attribute=(arg.key or arg.name) if class_name else None,
                path=path,
                line=arg.line,
                type=arg.type,
                nullable=arg.nullable if arg.nullable is not None else not arg.primary_key,
                unique=arg.unique,
                primary_key=arg.primary_key,
                labels=tuple(lb for lb in self.config.labels
                             if lb in self.labels_for(path, arg)),
                exemption=self.exemption(path, arg.line, arg.end_line, table, arg.name),
            )

    # ----------------------------------------------------------------- files

    def model_file(self, path: str) -> None:
        facts = self.repo.facts(path)
        if facts is None:
            self.error(path, 1, "cannot read the file; check it exists and is UTF-8 text")
            return
        for line, message in facts.errors:
            self.error(path, line, message)
        for call in facts.tables:
            q = self.repo.qual(path, call.callee)
            if not (q and _is_sqla(q) and _tail(q) == "Table"):
                continue
            if call.first_string is None:
                self.error(path, call.line, "Table(...) name is not a string literal; write the "
                           "table name as a literal")
                continue
            self.mapped += 1
            self.reflected(path, call)
            self.columns.extend(self.core_columns(path, call.first_string, call, None))
        for cls in facts.classes:
            self.model_class(path, cls)

    def reflected(self, path: str, call: CallFacts) -> None:
        if call.reflected:
            self.error(path, call.line,
                       f"Table({call.first_string!r}) is reflected from the database "
                       "(autoload_with), so its columns are not in the source and their labels "
                       "cannot be checked; declare the columns explicitly")

    def columnish(self, path: str, stmt: Stmt) -> bool:
        """Does the statement use SQLAlchemy's column machinery (so its class is a model)?"""
        names = [stmt.call.callee] if stmt.call else []
        if stmt.annotation is not None:
            names.append(stmt.annotation.wrapper)
        for name in names:
            q = self.repo.qual(path, name) if name else None
            if q and _is_sqla(q) and _tail(q) in (
                "Column", "mapped_column", "column_property", "deferred", "Mapped"
            ):
                return True
        return False

    def model_class(self, path: str, cls: ClassFacts) -> None:
        node = self.repo.class_node(path, cls.name)
        if node is None or node.facts is not cls:
            return  # shadowed by a later class of the same name
        mro = self.mro(node)
        looks_mapped = node.declarative or cls.tablename_kind != "none" or cls.table is not None
        unsupported = [b for c in mro for b in c.unsupported_bases]
        if unsupported:
            self.error(path, cls.line,
                       f"class {cls.name} derives from {unsupported[0]}, which masking-reviewer "
                       "does not read, so its columns cannot be checked; leave the file out of "
                       "`models` knowingly, or declare the model with SQLAlchemy")
            return
        bad = [(c, b) for c in mro for b in c.bad_bases]
        if bad and (looks_mapped or any(self.columnish(path, s) for s in cls.stmts)):
            for owner, base in bad:
                self.error(owner.path, owner.facts.line,
                           f"class {owner.facts.name}: base class {base!r} cannot be found in "
                           "the repository and is not a known SQLAlchemy base, so its columns "
                           "cannot be read; make sure the module defining it is committed")
            return
        if not node.mapped:
            if not node.declarative and not cls.abstract and (
                cls.tablename_kind == "literal" or cls.table is not None
            ):
                # A table with no declarative base we recognise: registry.mapped decorators,
                # imperative mapping, SQLModel. Passing it by would be a silent hole in the gate.
                self.error(path, cls.line,
                           f"class {cls.name} declares a table but is not mapped through a "
                           "declarative base masking-reviewer can read (registry.mapped, "
                           "imperative mapping and SQLModel are not supported), so its columns "
                           "cannot be checked; derive it from your DeclarativeBase, or leave the "
                           "file out of `models` knowingly")
            return
        self.mapped += 1
        table = self.table_of(node)
        if table is None:
            return
        if cls.table is not None:
            self.reflected(path, cls.table)
            self.columns.extend(self.core_columns(path, table, cls.table, cls.name))
            return
        # First class in the MRO that binds a name wins, exactly as attribute lookup does.
        seen: set[str] = set()
        for ancestor in mro:
            if ancestor is not node and ancestor.mapped:
                seen.update(ancestor.facts.names)  # already in the parent's table
                for grand in self.mro(ancestor)[1:]:
                    seen.update(grand.facts.names)
                continue
            for stmt in ancestor.facts.stmts:
                if stmt.attribute in seen:
                    continue
                col = self.stmt_column(ancestor, stmt, table, node)
                if col is not None:
                    self.columns.append(col)
            seen.update(ancestor.facts.names)

    def finish(self, files: Sequence[str]) -> Inventory:
        for path in files:
            facts = self.repo.facts(path)
            for pline, reason in facts.pragmas if facts else ():
                if (path, pline) not in self.attached:
                    self.exemptions.append(Exemption("", "", reason, path, pline, "pragma"))
        unique: dict[tuple[str, str], Column] = {}
        for col in sorted(self.columns, key=lambda c: (c.path, c.line, c.table, c.column)):
            prev = unique.get(col.key)
            if prev is None:
                unique[col.key] = col
            elif set(col.labels) - set(prev.labels):
                merged = tuple(lb for lb in self.config.labels
                               if lb in prev.labels or lb in col.labels)
                unique[col.key] = replace(prev, labels=merged)
        columns = tuple(sorted(unique.values(), key=lambda c: (c.path, c.line, c.table, c.column)))
        exemptions = tuple(dict.fromkeys(
            sorted(self.exemptions, key=lambda e: (e.path, e.line, e.table, e.column))
        ))
        errors = tuple(sorted(self.errors, key=lambda e: (e.path, e.line, e.message)))
        return Inventory(columns, errors, exemptions, tuple(files), self.mapped)


def _is_sqla(qual: str) -> bool:
    return qual.split(".", 1)[0] in ("sqlalchemy", "flask_sqlalchemy")


def _tail(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]


def _auto_candidates(files: Sequence[str]) -> list[str]:
    """The files auto-detection reads: Python source that is neither a test nor vendored."""
    venvs = [str(PurePosixPath(f).parent) for f in files if f.endswith("pyvenv.cfg")]
    return [f for f in files
            if f.endswith(".py") and not _is_test_file(f) and not _is_vendored(f, venvs)]


def _select(repo: _Repo, jobs: int | None) -> list[str]:
    config = repo.config
    if config.models is not None:
        return [f for f in repo.files if any(glob_match(f, g) for g in config.models)]
    candidates: list[str] = []
    # Models that only import a base or `db` from a sibling module (`from . import db`) never
    # name sqlalchemy; missing them would pass the gate silently, so classes that might be
    # models get a second look once their bases can be resolved.
    maybe: list[str] = []
    from reviewer.facts import mentions_sqlalchemy

    for path in _auto_candidates(repo.files):
        try:
            text = repo.tree.read(path)
        except UnreadableFile:
            candidates.append(path)  # unknown content must fail closed: load() says why
            continue
        if text is None:
            continue
        if mentions_sqlalchemy(text):
            candidates.append(path)
        elif "class " in text and ("Column" in text or "Mapped" in text):
            maybe.append(path)
    repo.load(candidates, jobs)
    selected = []
    for path in candidates:
        facts = repo.facts(path)
        if facts is None:
            continue
        if facts.imports_sqlalchemy or facts.errors:
            selected.append(path)  # a file we cannot parse is kept: it must fail closed
    repo.load(maybe, jobs)
    for path in maybe:
        facts = repo.facts(path)
        if facts is not None and any(
            (node := repo.class_node(path, cls.name)) is not None and node.declarative
            for cls in facts.classes
        ):
            selected.append(path)
    return sorted(selected)


def _digest(tree: SourceTree, path: str) -> str | None:
    try:
        return text_digest(tree.read(path))
    except UnreadableFile as exc:
        return f"unreadable: {exc.message}"


def select_model_files(tree: SourceTree, config: Config) -> list[str]:
    """The files the gate scans: ``models`` globs, else every non-test file using SQLAlchemy."""
    return _select(_Repo(tree, config, use_cache=True), jobs=None)


def build_inventory(
    tree: SourceTree,
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    paths: Sequence[str] | None = None,
) -> Inventory:
    """Every column of every concrete table in the model files. Never raises for content."""
    if not use_cache:
        return _build(tree, config, use_cache=False, jobs=jobs, paths=paths)
    files = tree.files()
    # The files that decide the selection go into the key itself, so the base and the head of
    # a diff (same file list, different models) get entries of their own. Anything else the
    # resolution read (mixins outside the globs) is recorded in the entry and verified.
    if paths is not None:
        present = set(files)
        keyed = sorted({PurePosixPath(p).as_posix() for p in paths} & present)
    elif config.models is not None:
        keyed = [f for f in files if any(glob_match(f, g) for g in config.models)]
    else:
        keyed = _auto_candidates(files)
    digests = {path: _digest(tree, path) for path in keyed}
    key = InventoryCache.key(
        files,
        # the label is only in messages about explicit paths ("not found in <label>")
        [config.models, config.labels, config.table_naming,
         None if paths is None else [list(paths), tree.label], sorted(digests.items())],
    )
    if key is None:
        return _build(tree, config, use_cache=True, jobs=jobs, paths=paths)
    cache = InventoryCache()
    found = cache.get(key, tree)
    if found is not None:
        return found
    recording = RecordingTree(tree)
    inventory = _build(recording, config, use_cache=True, jobs=jobs, paths=paths)
    others = {p: d for p, d in recording.reads.items() if p not in digests}
    cache.put(key, others, inventory)
    return inventory


def _build(
    tree: SourceTree,
    config: Config,
    *,
    use_cache: bool,
    jobs: int | None,
    paths: Sequence[str] | None,
) -> Inventory:
    repo = _Repo(tree, config, use_cache)
    builder = _Builder(repo, config)
    if paths is not None:
        files = sorted(dict.fromkeys(PurePosixPath(p).as_posix() for p in paths))
        for path in files:
            if path not in repo.file_set:
                builder.error(path, 1, f"not found in {tree.label}")
        files = [p for p in files if p in repo.file_set]
    else:
        files = _select(repo, jobs)
    repo.load(files, jobs)
    for path in files:
        try:
            builder.model_file(path)
        except (RecursionError, AttributeError, ValueError, TypeError, IndexError, KeyError) as exc:
            # A hierarchy the resolver does not handle must block, never crash the gate.
            builder.error(path, 1, f"the reviewer could not resolve this file "
                          f"({type(exc).__name__}: {exc}); please report it")
    return builder.finish(files)

"""Name and base resolution across the repository's files.

Names are resolved the way Python would bind them: module-level imports (absolute and
relative, followed into any file of the repository), local definitions, and instances such as
``db = SQLAlchemy()``. Class hierarchies are linearised (C3, like Python's MRO) so that mixin
columns land in exactly the tables SQLAlchemy would put them in.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal

from reviewer.facts_pool import FactsPool

if TYPE_CHECKING:
    from reviewer.facts import ClassFacts

_MAX_DEPTH = 30  # bound on import chains, so a cycle can never hang the gate

RefKind = Literal[
    "external", "class", "alias", "const", "module", "other", "unresolved", "missing"
]
_HARMLESS_MODULES = ("builtins", "typing", "typing_extensions", "abc", "enum", "dataclasses",
                     "collections")
_BUILTIN_BASES = frozenset({"object", "Exception", "dict", "list", "str", "int"})

@dataclass(frozen=True, slots=True)
class Ref:
    kind: RefKind
    path: str = ""
    name: str = ""
    qual: str = ""  # fully qualified name, for externals


@dataclass(slots=True)
class ClassNode:
    path: str
    facts: ClassFacts
    bases: list[ClassNode] = field(default_factory=list)
    root: bool = False  # class Base(DeclarativeBase): the registry, not a table
    declarative: bool = False
    mapped: bool = False
    bad_bases: list[str] = field(default_factory=list)
    unsupported_bases: list[str] = field(default_factory=list)  # e.g. sqlmodel.SQLModel


class Resolver:
    """What a dotted name in a file refers to, and the class graph of the models."""

    def __init__(self, pool: FactsPool) -> None:
        self.pool = pool
        self.facts = pool.facts
        self.files = pool.files
        self.file_set = pool.file_set
        self._modules: dict[str, list[str]] | None = None
        self._classes: dict[tuple[str, str], ClassNode | None] = {}
        self._resolving: set[tuple[str, str]] = set()
        self._resolved: dict[tuple[str, str], Ref] = {}

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

    def resolve(self, path: str, name: str, depth: int = 0) -> Ref:
        key = (path, name)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(path, name, depth)
            if depth == 0:
                self._resolved[key] = found
        return found

    def _resolve(self, path: str, name: str, depth: int) -> Ref:
        if depth > _MAX_DEPTH or not name:
            return Ref("unresolved", path, name, name)
        facts = self.facts(path)
        if facts is None:
            return Ref("missing", path, name, name)
        head, _, rest = name.partition(".")
        for cls in reversed(facts.classes):
            if cls.name == head:
                return Ref("class", path, head) if not rest else Ref("other", path, name)
        for alias in facts.aliases:
            if alias.name == head and not rest:
                return Ref("alias", path, head)
        for const, _labels, _refs in facts.consts:
            if const == head and not rest:
                return Ref("const", path, head)
        for local, callee in reversed(facts.instances):
            if local == head:
                made = self.resolve(path, callee, depth + 1) if callee else Ref("other")
                if made.kind == "external":
                    qual = f"{made.qual}()" + (f".{rest}" if rest else "")
                    return Ref("external", qual=qual)
                return Ref("other", path, name)
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
                    return Ref("missing", path, name,
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
            return Ref("missing", target, imp.name, f"{imp.module}.{imp.name}")
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
                    return Ref("external", qual=f"{imp.module}.{name}")
        if head in facts.names:
            return Ref("other", path, name)
        if head in _BUILTIN_BASES:
            return Ref("external", qual=f"builtins.{name}")
        return Ref("unresolved", path, name, name)

    def resolve_in_module(self, path: str, rest: str, depth: int) -> Ref:
        return self.resolve(path, rest, depth) if rest else Ref("module", path)

    def resolve_module(self, module: str, rest: str, depth: int, from_path: str) -> Ref:
        parts = module.split(".") + ([p for p in rest.split(".") if p] if rest else [])
        for k in range(len(parts), 0, -1):
            target = self.find_module(".".join(parts[:k]), from_path)
            if target is not None:
                return self.resolve_in_module(target, ".".join(parts[k:]), depth + 1)
        return Ref("external", qual=".".join(parts))

    def qual(self, path: str, name: str) -> str | None:
        """The qualified name of an external (non-repository) object, else None."""
        ref = self.resolve(path, name)
        return ref.qual if ref.kind == "external" else None

    # ----------------------------------------------------------------- classes

    def class_node(self, path: str, name: str) -> ClassNode | None:
        key = (path, name)
        if key in self._classes:
            return self._classes[key]
        facts = self.facts(path)
        cls = next((c for c in reversed(facts.classes) if c.name == name), None) if facts else None
        if cls is None or key in self._resolving:
            return None
        self._resolving.add(key)
        node = ClassNode(path, cls)
        for base in cls.bases:
            ref = self.resolve(path, base) if base else Ref("unresolved", path, base)
            if ref.kind == "class":
                parent = self.class_node(ref.path, ref.name)
                if parent is None:
                    node.bad_bases.append(base)
                    continue
                node.bases.append(parent)
                if parent.declarative:
                    node.declarative = True
            elif ref.kind == "external":
                kind = external_base_kind(ref.qual)
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


def external_base_kind(
    qual: str,
) -> Literal["root-parent", "mapped-base", "harmless", "unsupported", "unknown"]:
    last = qual.rsplit(".", 1)[-1]
    top = qual.split(".", 1)[0]
    if top in ("sqlalchemy", "flask_sqlalchemy"):
        if last in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
            return "root-parent"
        if qual.endswith(("declarative_base()", ".generate_base()", "SQLAlchemy().Model")):
            return "mapped-base"
        return "harmless"
    if top in _HARMLESS_MODULES:
        return "harmless"
    if top == "sqlmodel":
        return "unsupported"  # its Field() columns are not read: never let them pass silently
    return "unknown"


def linearise(node: ClassNode) -> list[ClassNode]:
    """C3 linearisation; on an inconsistent hierarchy fall back to depth-first order."""
    def merge(seqs: list[list[ClassNode]]) -> list[ClassNode] | None:
        out: list[ClassNode] = []
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
            seen: list[ClassNode] = []
            stack = list(reversed(cls.bases))
            while stack:
                c = stack.pop()
                if c not in seen:
                    seen.append(c)
                    stack.extend(reversed(c.bases))
            merged = seen
        return (n, *(id(c) for c in merged))

    by_id: dict[int, ClassNode] = {}
    stack = [node]
    while stack:
        c = stack.pop()
        if id(c) not in by_id:
            by_id[id(c)] = c
            stack.extend(c.bases)
    return [by_id[i] for i in lin(id(node))]



def is_sqla(qual: str) -> bool:
    return qual.split(".", 1)[0] in ("sqlalchemy", "flask_sqlalchemy")


def tail(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]

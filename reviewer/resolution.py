"""Name and base resolution across the repository's files.

Names are resolved the way Python would bind them: module-level imports (absolute and
relative, followed into any file of the repository), local definitions, and instances such as
``db = SQLAlchemy()``. Class hierarchies are linearised (C3, like Python's MRO) so that mixin
columns land in exactly the tables SQLAlchemy would put them in.
"""

from __future__ import annotations

import builtins
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Literal, TypeGuard, TypeVar

from reviewer.externals import Externals, canonical, tablename_expr
from reviewer.facts import IMPORTED, ModuleFacts, unread_error
from reviewer.facts_pool import FactsPool
from reviewer.sources import root_package

if TYPE_CHECKING:
    from reviewer.facts import ClassFacts, ImportFacts, StrExpr
    from reviewer.types import ExternalClass

_MAX_DEPTH = 30  # bound on import chains, so a cycle can never hang the gate
# Bound on a computed name: real table and class names are a few dozen characters, and a
# chain like "x".replace("x", "x" * 10) repeated in a hostile file would otherwise ask for
# terabytes. Longer is "cannot evaluate" (MR007 at its line), never a crash.
MAX_COMPUTED_NAME = 1024

RefKind = Literal[
    "external", "class", "alias", "const", "module", "other", "unresolved", "missing"
]
# The same on every supported Python: modules removed in 3.12 and 3.13 still count.
STDLIB = frozenset(sys.stdlib_module_names) | {
    "distutils", "asynchat", "asyncore", "imp", "smtpd", "aifc", "audioop", "cgi", "cgitb",
    "chunk", "crypt", "imghdr", "mailcap", "msilib", "nis", "nntplib", "ossaudiodev", "pipes",
    "sndhdr", "spwd", "sunau", "telnetlib", "uu", "xdrlib", "lib2to3",
}
_HARMLESS_MODULES = ("builtins", "typing", "typing_extensions", "abc", "enum", "dataclasses",
                     "collections")
# The same on every supported Python: the builtins added in 3.11-3.13 count everywhere.
_BUILTINS = frozenset(dir(builtins)) | {
    "BaseExceptionGroup", "ExceptionGroup", "PythonFinalizationError", "EncodingWarning",
    "aiter", "anext",
    # Python 2's text type, in code that also parses as Python 3 (rootthebox's 2014-2019
    # declared_attr returns unicode(name[0].lower() + re.sub(...)))
    "unicode",
}

@dataclass(frozen=True, slots=True)
class Ref:
    kind: RefKind
    path: str = ""
    name: str = ""
    qual: str = ""  # fully qualified name, for externals
    # an external star import's name, assumed (its module's contents are unknown), not read
    assumed: bool = False


@dataclass(slots=True)
class ClassNode:
    path: str
    facts: ClassFacts
    bases: list[ClassNode] = field(default_factory=list)
    root: bool = False  # class Base(DeclarativeBase): the registry, not a table
    declarative: bool = False
    mapped: bool = False
    abstract: bool = False  # derives from AbstractConcreteBase: maps no table itself
    bad_bases: list[str] = field(default_factory=list)
    unsupported_bases: list[str] = field(default_factory=list)  # e.g. sqlmodel.SQLModel
    # base as written -> qualified name, for bad bases that come from outside the repository
    external_quals: dict[str, str] = field(default_factory=dict)
    external: ExternalClass | None = None  # a class outside the repository, declared
    sqlmodel: bool = False  # derives from sqlmodel.SQLModel: a table only with table=True
    # derives from pydantic.BaseModel: its annotated names are pydantic fields, which a
    # SQLModel table class deriving from it maps as columns (gpustack's ModelSource)
    fields: bool = False
    gino: bool = False  # derives from a GINO db.Model: a table only with a __tablename__
    # the class a repository function returns that cannot be read as that function's only
    # doing: "versioned_base() (app/db.py:12) returns, but ..."; its subclasses block
    problem: str | None = None
    # the bases its metaclass's __new__ adds to every class it makes (Resolver.injected_bases),
    # its own or inherited: Python runs that __new__ for each subclass too
    injects: tuple[str, tuple[str, ...]] | None = None
    # the bases an inherited metaclass put in front of its own: their columns are its own
    injected: list[ClassNode] = field(default_factory=list)
    flask: bool = False  # derives from a Flask-SQLAlchemy db.Model (its automatic names)


class Resolver:
    """What a dotted name in a file refers to, and the class graph of the models."""

    def __init__(self, pool: FactsPool) -> None:
        self.pool = pool
        self.facts = pool.facts
        self.files = pool.files
        self.file_set = pool.file_set
        self._modules: dict[str, list[str]] | None = None
        self._module_of: dict[str, str] = {}  # path -> its name from its package root
        self._names_of: dict[str, set[str]] = {}  # path -> every name it is imported by
        self._prefixes: frozenset[str] | None = None
        self._classes: dict[tuple[str, str], ClassNode | None] = {}
        self._resolving: set[tuple[str, str]] = set()
        self._resolved: dict[tuple[str, str], Ref] = {}
        self.externals = Externals(pool.config.external_bases,
                                   instances=pool.config.external_instances)
        # the last part of every configured name: most names resolved are none of them
        self._declared_heads = {q.rsplit(".", 1)[-1] for q in self.externals.configured}
        self._external_nodes: dict[str, ClassNode] = {}
        self._tops: set[str] | None = None
        self._path_roots: dict[str, str | None] = {}  # path_root's, per importing file
        self._full_mros: dict[int, list[ClassNode | str]] = {}

    # ----------------------------------------------------------------- modules

    def module_index(self) -> dict[str, list[str]]:
        """Dotted module name -> paths, for every importable name a file could have."""
        if self._modules is None:
            index: dict[str, list[str]] = {}
            prefixes: set[str] = set()
            packages = {str(PurePosixPath(f).parent) for f in self.files
                        if f.endswith("/__init__.py") or f == "__init__.py"}
            # a repository whose top directory is a package is imported under that
            # directory's name (seafevents: `from seafevents.db import Base` in events/)
            top = root_package(self.pool.tree, self.file_set)
            if top is not None and top not in _READ_LIBRARIES:
                index[top] = ["__init__.py"]
                prefixes.add(f"{top}.")
            else:
                top = None
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
                if top is not None:  # under a regular package, a plain directory is too
                    names.add(f"{top}.{'.'.join(parts)}")
                self._module_of[path] = ".".join(parts[start:])
                # the packages a missing submodule would be looked for in: the top directory,
                # and the package root (never a mere suffix such as `sqlalchemy.models`)
                prefixes.update(f"{parts[i]}." for i in {0, start}
                                if i < len(parts) - 1 and parts[i] not in _READ_LIBRARIES)
                # Namespace packages (no __init__.py) can be imported from any sys.path root:
                # accept every dotted suffix of two or more parts. Single names are left to
                # real roots so that `import enum` never lands on some app/enum.py.
                names.update(".".join(parts[i:]) for i in range(len(parts) - 1))
                # the libraries the reader interprets are never the repository's own modules:
                # a package named like one whose parents have no __init__.py (zaqar's
                # storage/sqlalchemy/), or a vendored copy (bazarr's libs/sqlalchemy/), would
                # shadow them and hide every Table() and Column() that imports them
                names = {n for n in names if n.split(".", 1)[0] not in _READ_LIBRARIES}
                self._names_of[path] = {n for n in names if n}
                for name in self._names_of[path]:
                    index.setdefault(name, []).append(path)
            self._modules = index
            self._prefixes = frozenset(prefixes)
        return self._modules

    def module_of(self, path: str) -> str | None:
        """The dotted name ``path`` is imported by from its package root:
        ``dbgpt.storage.metadata.db_manager`` for packages/dbgpt-core/src/dbgpt/...py."""
        self.module_index()
        return self._module_of.get(path)

    def declared_here(self, path: str, head: str) -> str | None:
        """``pkg.module.Name`` when the configuration declares the name ``head`` bound in
        ``path`` (by any name the module is imported by) in external-bases."""
        if head not in self._declared_heads:
            return None
        self.module_index()
        return next((f"{m}.{head}" for m in sorted(self._names_of.get(path, ()))
                     if f"{m}.{head}" in self.externals.configured), None)

    def repo_qual(self, path: str, name: str) -> str | None:
        """The name an external-bases entry declares ``name`` (as written in ``path``) by: the
        module where it is bound, followed through imports, and the name there."""
        spelled = None  # the module as the last absolute import spells it (`app.db`)
        for _ in range(_MAX_DEPTH):
            facts = self.facts(path)
            head, _, rest = name.partition(".")
            imp = next((i for i in reversed(facts.imports) if i.local == head), None) \
                if facts is not None else None
            if imp is None or imp.name is None:
                break
            target = self.import_target(path, imp.module, imp.level)
            if target is None:
                return None
            spelled = None if imp.level else imp.module
            path, name = target, f"{imp.name}.{rest}" if rest else imp.name
        module = spelled or self.module_of(path)
        return f"{module}.{name}" if module else None

    def find_module(self, module: str, from_path: str) -> str | None:
        """The file an absolute import names. In a monorepo holding two apps with the same
        package name, the copy nearest the importing file wins, as its sys.path would."""
        candidates = self.module_index().get(module)
        if not candidates and "." not in module and module not in STDLIB:
            root = self.path_root(from_path)
            candidates = [f for f in (f"{root}/{module}.py", f"{root}/{module}/__init__.py")
                          if f in self.file_set] if root is not None else []
        if not candidates:
            return None
        # a package beats a module of the same name beside it, as Python's finder has it
        # (flowintel: app/__init__.py holds `db`; app.py beside it runs the server)
        candidates = [c for c in candidates
                      if not (c.endswith(".py") and f"{c[:-3]}/__init__.py" in candidates)]
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

    def path_root(self, from_path: str) -> str | None:
        """The package directory the code of ``from_path`` is run from, on sys.path though it
        holds an __init__.py, when the file or the packages around it import a module by its
        name from there: queue-management's models in api/app/ import ``app.models.theq``
        and ``qsystem`` (api/qsystem.py), run from api/. A single name is looked for there
        only then: a package's own ``celery.py`` is no ``import celery``."""
        if from_path not in self._path_roots:
            self._path_roots[from_path] = self._path_root(from_path)
        return self._path_roots[from_path]

    def _path_root(self, from_path: str) -> str | None:
        here = PurePosixPath(from_path).parent
        importers = [from_path, *(f"{d}/__init__.py" for d in (here, *here.parents)
                                  if str(d) != ".")]
        for importer in importers:
            facts = self.facts(importer) if importer in self.file_set else None
            for imp in facts.imports if facts is not None else ():
                module = imp.dotted or imp.module
                parts = module.split(".")
                if imp.level or len(parts) < 2:
                    continue
                for found in self.module_index().get(module, ()):
                    inner = PurePosixPath(found)
                    depth = len(parts) + (inner.name == "__init__.py")
                    root = inner.parents[depth - 1] if depth <= len(inner.parents) else None
                    if root is not None and str(root) != "." and (
                        root == here or root in here.parents
                    ) and f"{root}/__init__.py" in self.file_set:
                        return str(root)
        return None

    def import_target(self, from_path: str, module: str, level: int) -> str | None:
        """The repository file an import statement in ``from_path`` names: ``module`` relative
        to it (``level`` leading dots) or absolute; None outside the repository."""
        if level:
            return self.relative_module(from_path, module, level)
        return self.find_module(module, from_path) if module else None

    def relative_module(self, from_path: str, module: str, level: int) -> str | None:
        parts = list(PurePosixPath(from_path).parent.parts)
        if level > 1:
            if level - 1 > len(parts):
                return None
            parts = parts[: len(parts) - (level - 1)]
        parts += [p for p in module.split(".") if p]
        base = "/".join(parts)
        for candidate in (f"{base}/__init__.py" if base else "__init__.py", f"{base}.py"):
            if candidate in self.file_set or self.pool.through_link(candidate):
                return candidate
        return None

    # ----------------------------------------------------------------- names

    def resolve(self, path: str, name: str, depth: int = 0) -> Ref:
        key = (path, name)
        found = self._resolved.get(key)
        if found is None:
            found = self._resolve(path, name, depth)
            if found.kind == "external":
                # an object a package makes at import time: `invenio_db.db` is a SQLAlchemy()
                qual = canonical(found.qual, self.externals.instances)
                if qual != found.qual:
                    found = Ref("external", found.path, found.name, qual)
            if depth == 0:
                self._resolved[key] = found
        return found

    def _resolve(self, path: str, name: str, depth: int) -> Ref:
        if depth > _MAX_DEPTH or not name:
            return Ref("unresolved", path, name, name)
        facts = self.facts(path)
        if facts is None:
            return Ref("missing", path, name, name)
        if name.endswith("()"):
            # class DataTable(TruncateString("name"), Base): a base made by a call in the class
            # statement (ClassReader) is what the call returns, as for `Base = make_base()`
            return self.instance(path, name, name[:-2], "", depth)
        if IMPORTED in name:  # imported by the method that binds it (SelfAttrs)
            module, _, rest = name.partition(IMPORTED)
            return self.resolve_module(module, rest, depth, path, len(module.split(".")))
        head, _, rest = name.partition(".")
        declared = self.declared_here(path, head)
        if declared is not None:
            # the user's external-bases entry for a name of the repository wins over its code
            # (a base the reviewer cannot follow: db-gpt's Model = create_model(db))
            return Ref("external", path, name, f"{declared}.{rest}" if rest else declared)
        for cls in reversed(facts.classes):
            if cls.name == head and head not in facts.rebound:
                return Ref("class", path, head) if not rest else Ref("other", path, name)
        for alias in facts.aliases:
            if alias.name == head and not rest:
                return Ref("alias", path, head)
        binding = next((t for n, t in reversed(facts.bindings) if n == head), None)
        const = False
        for const_name, labels, _refs in facts.consts:
            if const_name == head and not rest:
                if labels or binding is None:
                    return Ref("const", path, head)
                const = True
        for local, callee in reversed(facts.instances):
            if local == head:
                return self.instance(path, head, callee, rest, depth)
        if binding is not None:
            # `Base = db.Model`, `Column = sqlalchemy.Column`: the name is that object. A
            # constant of constants (`X = OTHER`) stays a constant for its labels.
            bound = self.resolve(path, f"{binding}.{rest}" if rest else binding, depth + 1)
            if const and bound.kind in ("other", "unresolved", "missing"):
                return Ref("const", path, head)
            return bound
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
                return self.resolve_module(f"{imp.module}.{imp.name}", rest, depth, path,
                                           module_parts=imp.module.count(".") + 1)
            target_facts = self.facts(target)
            # What the module binds wins over a submodule of the same name: after
            # `from .db import db` in a package's __init__, `pkg.db` is the object. A package
            # whose __init__ imports its own submodule (`from . import mixins`, CodeGra.de's
            # cg_sqlalchemy_helpers) binds that submodule: the import names nothing else.
            if target_facts is not None and (
                imp.name in target_facts.names
                or any(i.local == imp.name for i in target_facts.imports
                       if i is not imp or target != path)
            ):
                return self.resolve(target, full, depth + 1)
            sub = self.relative_module(target, imp.name, 1) if target.endswith(
                "__init__.py") else None
            if sub is not None:
                return self.resolve_in_module(sub, rest, depth + 1)
            if target_facts is not None and any(i.name == "*" for i in target_facts.imports):
                found = self.resolve(target, full, depth + 1)
                if found.kind not in ("unresolved", "missing"):
                    return found
            return Ref("missing", target, imp.name, f"{imp.module}.{imp.name}")
        # python-future's `from builtins import *` heads every module of flexget's 2016-19
        # history: an external star import whose contents are unknown does not hide what the
        # module binds itself (`def versioned_base(...)` below it)
        star = self.star(path, facts.imports, name, depth, assume=head not in facts.names)
        if star is not None:
            return star
        if head in facts.names:
            return Ref("other", path, name)
        if head in _BUILTINS:
            return Ref("external", qual=f"builtins.{name}")
        return Ref("unresolved", path, name, name)

    def star(self, path: str, imports: Sequence[ImportFacts], name: str, depth: int,
             assume: bool = True) -> Ref | None:
        """A name bound by ``from m import *``. The repository's own modules are searched
        first (their names are known, and a later star import wins); an external module's
        contents are not, so the last external star import is assumed to supply the name
        (unless ``assume`` is False). A guess a repository module makes from its own
        external star import yields to one this module makes: ruqqus's models import
        ``sqlalchemy`` * and then a helper module that star-imports ``werkzeug.security``,
        and Column is SQLAlchemy's."""
        head = name.partition(".")[0]
        external: Ref | None = None
        relayed: Ref | None = None
        for imp in reversed(imports):
            if imp.name != "*":
                continue
            target = self.import_target(path, imp.module, imp.level)
            if target is None:
                if external is None and not imp.level and assume:
                    external = Ref("external", qual=f"{imp.module}.{name}", assumed=True)
                continue
            exported = self.facts(target)
            if head.startswith("_") or (
                exported is not None and exported.exports is not None
                and head not in exported.exports
            ):
                continue
            found = self.resolve(target, name, depth + 1)
            if found.assumed:
                relayed = relayed or found
            elif found.kind not in ("unresolved", "missing"):
                return found
        return external or (relayed if assume else None)

    def instance(self, path: str, local: str, callee: str, rest: str, depth: int) -> Ref:
        """``local = callee(...)``: an instance of an external class is named by what made it
        (``flask_sqlalchemy.SQLAlchemy().Model``), and so is an instance of a repository
        class deriving from one (``class AppSQLAlchemy(SQLAlchemy)``) unless it overrides
        the attribute. The Ref keeps where the instance is bound, for its keyword arguments."""
        made = self.resolve(path, callee, depth + 1) if callee else Ref("other")
        if made.kind == "other" and made.path and "." not in made.name:
            made = self.function_result(made, depth)
            if made.kind == "class":
                return made if not rest else Ref("other", path, f"{local}.{rest}")
            if made.kind == "external":  # named by the function: its keyword arguments
                return Ref("external", made.path, made.name,
                           f"{made.qual}()" + (f".{rest}" if rest else ""))
        if made.kind == "class":
            attr, _, after = rest.partition(".")
            # what the class's own methods bind on self comes first: the instance attribute
            # hides the base's (skylines of 2013: `class SkyLines(Flask)` binds `self.db =
            # SQLAlchemy(self)`, and `db = app.db`)
            if attr and (bound := self.self_attr(made, attr)):
                if bound.endswith("()"):
                    return self.instance(made.path, f"{local}.{attr}", bound[:-2], after,
                                         depth + 1)
                return self.resolve(made.path, f"{bound}.{after}" if after else bound,
                                    depth + 1)
            ancestor = self.external_ancestor(made.path, made.name, set())
            if ancestor is not None and attr not in ancestor[1]:
                made = Ref("external", qual=ancestor[0])
        if made.kind == "external":
            qual = f"{made.qual}()" + (f".{rest}" if rest else "")
            return Ref("external", path, local, qual)
        return Ref("other", path, f"{local}.{rest}" if rest else local)

    def self_attr(self, cls: Ref, attribute: str) -> str | None:
        """What the methods of the repository class ``cls`` bind ``self.<attribute>`` to, when
        they bind it once and the class body does not (ClassFacts.self_attrs): an instance's
        attribute (eNMS's ``db.base``, ``db.Column`` of ``db = Database()``)."""
        facts = self.facts(cls.path)
        found = next((c for c in reversed(facts.classes) if c.name == cls.name),
                     None) if facts else None
        if found is None or attribute in found.names:
            return None
        bound = {made for name, made in found.self_attrs if name == attribute}
        return bound.pop() if len(bound) == 1 and "" not in bound else None

    def function_result(self, func: Ref, depth: int) -> Ref:
        """What a call of the repository function ``func`` returns, when the facts say: the
        class it defines and returns (``Ref("class", path, "name()")``, see class_node), or
        the one external call it returns (``return declarative_base(cls=Mixin)``: that call's
        result, its keyword arguments kept under the function's name); else ``func``."""
        facts = self.facts(func.path)
        if facts is None:
            return func
        cls = next((m for m in reversed(facts.returned) if m.attribute == func.name), None)
        if cls is not None and (cls.maker is None or self.injected_bases(
            func.path, cls.maker) is not None
        ):  # a class it defines, or one a metaclass that adds a base makes (Meta("X", ...))
            return Ref("class", func.path, f"{func.name}()")
        if next((p for n, _, p in reversed(facts.functions) if n == func.name), None):
            return func  # more than its one returned call decides the base (unfollowed_call)
        callees = next((cs for name, cs in reversed(facts.returns) if name == func.name), ())
        if len(callees) == 1 and self.class_maker(func.path, callees[0]):
            return func  # a class built at run time, not an instance (unfollowed_call)
        if len(callees) == 1 and "()." not in callees[0]:  # not a method of a local
            made = self.resolve(func.path, callees[0], depth + 1)
            if made.kind == "external":
                return Ref("external", func.path, func.name, made.qual)
        return func

    def unparsed(self, path: str, name: str) -> tuple[str, tuple[int, str]] | None:
        """Where the lookup of ``name`` stopped at a file that could not be read at all (a
        syntax error, undecodable bytes): that file and its (line, error); None otherwise."""
        ref = self.resolve(path, name)
        if ref.kind not in ("missing", "unresolved") or not ref.path:
            return None
        facts = self.facts(ref.path)
        error = unread_error(facts) if facts is not None else None
        return (ref.path, error) if error is not None else None

    def chosen_at(self, path: str, name: str) -> tuple[str, int] | None:
        """When ``name`` (as written in ``path``) is bound at module level to a conditional
        expression (``_base = import_dotted_string(setting) if hasattr(...) else BaseUser``):
        where, as (path, line); the reader evaluates neither branch."""
        found = self._module_binding(path, name)
        if found is None:
            return None
        where, facts, local = found
        return next(((where, line) for bound, line in reversed(facts.chosen)
                     if bound == local), None)

    def unpacked_at(self, path: str, name: str) -> tuple[str, int, str] | None:
        """When ``name`` (as written in ``path``) is bound at module level by unpacking
        (``registry, engine, Base = init_db()``): where, and the callee ("" for another
        value), as (path, line, callee); the reader does not follow which element it gets."""
        found = self._module_binding(path, name)
        if found is None:
            return None
        where, facts, local = found
        return next(((where, line, callee) for bound, line, callee in reversed(facts.unpacked)
                     if bound == local), None)

    def _module_binding(self, path: str, name: str) -> tuple[str, ModuleFacts, str] | None:
        """The module that binds ``name`` (as written in ``path``) to something the reader
        does not classify, its facts, and the local name there (``db`` of ``db.Model``)."""
        ref = self.resolve(path, name)
        facts = self.facts(ref.path) if ref.kind == "other" and ref.path else None
        if facts is None or not ref.path:
            return None
        return ref.path, facts, ref.name.partition(".")[0]

    def unfollowed_call(self, path: str, name: str) -> tuple[str, str] | None:
        """When ``name`` is ``Base = make_base(...)`` (or an attribute of such a name), or the
        call itself (``make_base()``, as a class statement names it), and make_base is a
        function of the repository that function_result could not follow: what
        it is and why, for the MR007
        ("make_base() (app/db.py:3), which ... because it runs a loop (line 5)"), and what to
        do about it ("" for the usual advice); else None."""
        if name.endswith("()"):  # a call in the bases: `class Token(db.declarative_base("x"))`
            func = self.resolve(path, name[:-2])
        else:
            ref = self.resolve(path, name)
            local = ref.name.partition(".")[0]  # `db.Model` after `db = make_db()`: db
            facts = self.facts(ref.path) if ref.kind == "other" and ref.path else None
            callee = next((c for bound, c in reversed(facts.instances) if bound == local),
                          None) if facts else None
            func = self.resolve(ref.path, callee) if callee else Ref("other")
        where = self.facts(func.path) if func.kind == "other" and func.path else None
        found = next((f for f in reversed(where.functions) if f[0] == func.name),
                     None) if where and "." not in func.name else None
        if where is None or found is None:
            return None
        _, line, problem = found
        callees = next((cs for n, cs in reversed(where.returns) if n == func.name), ())
        if problem is None and len(callees) == 1 and self.class_maker(func.path, callees[0]):
            problem = f"it builds the class at run time with {callees[0]}(...)"
        fix = ""
        meta = self.metaclass(func.path, callees[0]) if problem is None and len(
            callees) == 1 else None
        if meta is not None:
            problem = (f"it makes the class with the metaclass {callees[0]} ({meta.path}:"
                       f"{meta.facts.line}), which puts no declarative base masking-reviewer "
                       "can name among the bases of the classes it makes")
            fix = (f"derive {callees[0]} from SQLAlchemy's DeclarativeMeta, or have its "
                   "__new__ add the declarative base by name (new_bases.append(Base), bases + "
                   "(Base,)) before it calls type.__new__, or derive the models from the base")
        if problem is None:
            problem = (f"it returns {callees[0]}(...), which masking-reviewer does not read "
                       "as a declarative base when a function returns it" if len(callees) == 1
                       else "what it returns is neither one call nor a class it defines and "
                       "returns")
        return (f"{func.name}() ({func.path}:{line}), which masking-reviewer cannot follow "
                f"because {problem}"), fix

    def metaclass(self, path: str, name: str) -> ClassNode | None:
        """The class ``name`` (as written in ``path``) when it is a metaclass of the repository
        (it derives from ``type``), else None."""
        ref = self.resolve(path, name)
        node = self.class_node(ref.path, ref.name) if ref.kind == "class" else None
        return node if node is not None and "builtins.type" in self.full_mro(node) else None

    def named_class(self, path: str, name: str) -> ClassNode | None:
        """The repository class ``name`` (as written in ``path``), else None."""
        ref = self.resolve(path, name)
        return self.class_node(ref.path, ref.name) if ref.kind == "class" else None

    def named_metaclass(self, node: ClassNode) -> ClassNode | None:
        """The repository class that ``node``'s class statement names as ``metaclass=``,
        whatever it derives from (one deriving from abc.ABCMeta is a metaclass too), else
        None."""
        meta = dict(node.facts.keywords).get("metaclass")
        return self.named_class(node.path, meta) if meta else None

    def class_maker(self, path: str, callee: str) -> bool:
        """Does ``callee(...)`` build a class at run time: ``type(...)`` or a declarative
        metaclass (``DeclarativeMeta("Base", (object,), {})``)?"""
        if "()." in callee:
            return False
        ref = self.resolve(path, callee)
        return (ref.kind == "external" and ref.qual == "builtins.type") or (
            self.declarative_meta(path, callee))

    def external_ancestor(self, path: str, name: str, seen: set[tuple[str, str]]
                          ) -> tuple[str, set[str]] | None:
        """The first external, non-builtin base of a repository class (depth first), with the
        attribute names the repository classes on the way define."""
        if (path, name) in seen or len(seen) > _MAX_DEPTH:
            return None
        seen.add((path, name))
        facts = self.facts(path)
        cls = next((c for c in reversed(facts.classes) if c.name == name), None) if facts else None
        if cls is None:
            return None
        for base in cls.bases:
            ref = self.resolve(path, base) if base else Ref("unresolved")
            if ref.kind == "external" and not ref.qual.startswith("builtins."):
                return ref.qual, set(cls.names)
            if ref.kind == "class":
                found = self.external_ancestor(ref.path, ref.name, seen)
                if found is not None:
                    return found[0], found[1] | set(cls.names)
        return None

    def resolve_in_module(self, path: str, rest: str, depth: int) -> Ref:
        return self.resolve(path, rest, depth) if rest else Ref("module", path)

    def resolve_module(self, module: str, rest: str, depth: int, from_path: str,
                       module_parts: int = 0) -> Ref:
        """``module`` imported (then ``rest`` looked up in it). Its first ``module_parts``
        parts are the module the import statement names, so all but the last of them are
        packages: ``from sqlalchemy.orm import X`` cannot mean a plain ``sqlalchemy.py`` of
        the repository (Python refuses a submodule of a module), and such a file does not
        shadow the installed package."""
        parts = module.split(".") + ([p for p in rest.split(".") if p] if rest else [])
        for k in range(len(parts), 0, -1):
            target = self.find_module(".".join(parts[:k]), from_path)
            if target is not None:
                if k < module_parts and not target.endswith("__init__.py"):
                    break
                found = self.resolve_in_module(target, ".".join(parts[k:]), depth + 1)
                if found.kind in ("missing", "unresolved") and k < len(parts) and (
                        self.namespace_package(target)):
                    # `__path__ = extend_path(__path__, __name__)`: the rest of the package
                    # is another distribution's (abilian-sbe's abilian.core is abilian-core's)
                    return Ref("external", qual=".".join(parts))
                return found
        if f"{parts[0]}." in self.package_prefixes():
            # `from app.helpers import x` where app/ is the repository's package but
            # app/helpers.py is not there: a missing file, not some installed package
            return Ref("missing", from_path, ".".join(parts), ".".join(parts))
        return Ref("external", qual=".".join(parts))

    def namespace_package(self, path: str) -> bool:
        """Is ``path`` a pkgutil-style namespace package's ``__init__.py``, which other
        distributions add modules to (``__path__ = extend_path(__path__, __name__)``)?"""
        facts = self.facts(path) if path.endswith("__init__.py") else None
        return facts is not None and any(
            call.target == "__path__" and call.callee.rsplit(".", 1)[-1] == "extend_path"
            for call in facts.module_calls)

    def package_prefixes(self) -> frozenset[str]:
        """``"app."`` for every top-level package name the repository's modules live under."""
        self.module_index()
        return self._prefixes or frozenset()

    def qual(self, path: str, name: str) -> str | None:
        """The qualified name of an external (non-repository) object, else None."""
        ref = self.resolve(path, name)
        return ref.qual if ref.kind == "external" else None

    # ----------------------------------------------------------------- strings

    def string(self, path: str, expr: StrExpr | None, clsname: str | None = None,
               clstable: str | None = None, owner: ClassNode | None = None) -> str | None:
        """Evaluate a string expression from the facts (a table or column name built from
        constants, helper functions and a declared_attr's ``cls.__name__``,
        ``cls.__tablename__`` and, with ``owner`` the class being mapped, the class attributes
        and classmethods it reads through ``cls``); None when any part of it cannot be known
        without running the code."""
        cls = _Cls(clsname, clstable, owner)
        value = self._string(path, expr, {}, cls, 0) if expr is not None else None
        return value if isinstance(value, str) else None

    def _string(self, path: str, expr: StrExpr, env: dict[str, str],
                cls: _Cls, depth: int) -> str | _Pattern | None:
        found = self._string_unbounded(path, expr, env, cls, depth)
        return None if isinstance(found, str) and len(found) > MAX_COMPUTED_NAME else found

    def _string_unbounded(self, path: str, expr: StrExpr, env: dict[str, str],
                          cls: _Cls, depth: int) -> str | _Pattern | None:
        if depth > _MAX_DEPTH:
            return None
        kind = expr[0]
        if kind == "lit":
            return str(expr[1])
        if kind == "clsname":
            return cls.name
        if kind == "clstable":
            return cls.table
        if kind == "clsattr":
            return (self._member_string(cls.owner, str(expr[1]), cls, depth)
                    if cls.owner else None)
        if kind == "unknown":
            return None
        if kind == "pattern":  # a compiled expression of a shipped declaration's tablename
            return _Pattern(str(expr[1])) if expr[1] in _KNOWN_PATTERNS else None
        if kind == "maybe":
            return self._string(path, expr[1], env, cls, depth + 1)
        if kind == "cat":
            parts = [self._string(path, e, env, cls, depth + 1) for e in expr[1]]
            strs = [x for x in parts if _plain(x)]
            return "".join(strs) if len(strs) == len(parts) else None
        if kind == "group":  # m.group(n), bound only while a replacement function runs
            return env.get(_group_key(str(expr[1]), int(expr[2])))
        if kind == "lambda":
            return self._replacement(path, str(expr[1]), expr[2], env, cls, depth)
        if kind == "ref":
            return self._string_ref(path, str(expr[1]), env, depth)
        args = [self._string(path, e, env, cls, depth + 1) for e in expr[-1]]
        if any(a is None for a in args):
            return None
        if kind == "pct":
            template = str(expr[1])
            strs = [a for a in args if isinstance(a, str) and not isinstance(a, _Pattern)]
            # "%s" only: a conversion like "%(x)s" or "%d" needs objects the facts do not hold
            if len(strs) != len(args) or not _PERCENT.fullmatch(template) or (
                template.replace("%%", "").count("%s") != len(strs)
            ):
                return None
            return template % tuple(strs)
        if kind == "meth":
            receiver = self._string(path, expr[2], env, cls, depth + 1)
            return _apply(str(expr[1]), receiver, args)
        if kind in ("index", "slice"):
            return _item(args[0], expr[1]) if _plain(args[0]) else None
        if kind == "clscall":
            return self._class_call(str(expr[1]), args, cls, depth)
        if kind != "call":
            return None
        callee = str(expr[1])
        head, _, method = callee.rpartition(".")
        if head and (method in _STR_METHODS or method == "sub"):
            receiver = self._string_ref(path, head, env, depth)
            if receiver is not None:
                return _apply(method, receiver, args)
        ref = self.resolve(path, callee)
        if ref.kind == "external":
            return _external_call(ref.qual, args)
        facts = self.facts(ref.path) if ref.kind == "other" else None
        for name, params, body in reversed(facts.str_funcs if facts else ()):
            if name == ref.name and len(params) == len(args):
                strs = [a for a in args if isinstance(a, str)]
                if len(strs) != len(args):
                    return None
                bound = dict(zip(params, strs, strict=True))
                return self._string(ref.path, body, bound, _Cls(), depth + 1)
        return None

    def _replacement(self, path: str, param: str, body: StrExpr, env: dict[str, str],
                     cls: _Cls, depth: int) -> _Replacement:
        """A ``lambda m: ...`` replacement function, run by ``re.sub`` on each match."""
        def replace(match: re.Match[str]) -> str:
            groups = {_group_key(param, n): g or "" for n, g in
                      enumerate((match.group(0), *match.groups()))}
            value = self._string(path, body, {**env, **groups}, cls, depth + 1)
            if not _plain(value):
                raise _Unknown
            return str(value)
        return _Replacement(replace)

    def string_function(self, path: str, callee: str) -> bool:
        """Is ``callee`` a function of the repository that certainly returns a string
        (``return "owner_" + table``), not one that may return a type (``return Text()``)?"""
        ref = self.resolve(path, callee)
        facts = self.facts(ref.path) if ref.kind == "other" else None
        return any(name == ref.name and _certainly_str(body)
                   for name, _params, body in (facts.str_funcs if facts else ()))

    def _class_call(self, name: str, args: list[str | _Pattern | None], cls: _Cls,
                    depth: int) -> str | None:
        """``cls.<name>(args)``: the classmethod (or staticmethod) the class being mapped
        finds first along its MRO, run with ``cls`` still that class."""
        where = self.class_member(cls.owner, name) if cls.owner else None
        strs = [a for a in args if isinstance(a, str) and not isinstance(a, _Pattern)]
        if where is None or len(strs) != len(args):
            return None
        for method, params, body in where.facts.str_methods:
            if method == name and len(params) == len(strs):
                bound = dict(zip(params, strs, strict=True))
                value = self._string(where.path, body, bound, cls, depth + 1)
                return value if isinstance(value, str) and not isinstance(value, _Pattern) \
                    else None
        return None

    def class_member(self, node: ClassNode, name: str) -> ClassNode | None:
        """The class that ``node.<name>`` is read from at runtime: the first along its MRO
        whose body binds the name (a subclass's ``__flavor__`` before its base's). None when
        no repository class does, or when a class from outside the repository, whose
        attributes the facts do not hold, comes first."""
        for entry in self.full_mro(node):
            if isinstance(entry, str) and _lacks(entry, name):
                continue
            if not isinstance(entry, ClassNode) or entry.external is not None:
                return None
            if entry.facts.binds(name):
                return entry
        return None

    def full_mro(self, node: ClassNode) -> list[ClassNode | str]:
        """C3 linearisation of ``node`` with every base outside the repository kept in its
        place, as its qualified name (``object`` left out: it is last anyway); [] when the
        hierarchy is inconsistent or a base cannot be found."""
        key = id(node)
        found = self._full_mros.get(key)
        if found is None:
            self._full_mros[key] = []  # a cycle reads as "unknown"
            found = self._full_mros[key] = self._full_mro(node)
        return found

    def _full_mro(self, node: ClassNode) -> list[ClassNode | str]:
        heads: list[ClassNode | str] = []
        seqs: list[list[ClassNode | str]] = []
        for base in node.facts.bases:
            ref = self.resolve(node.path, base) if base else Ref("unresolved")
            if ref.kind == "class":
                parent = self.class_node(ref.path, ref.name)
                if parent is None:
                    return []
                heads.append(parent)
                seqs.append(self.full_mro(parent))
                if not seqs[-1]:
                    return []
            elif ref.kind == "external" and ref.qual != "builtins.object":
                heads.append(ref.qual)
                seqs.append([ref.qual])
            elif ref.kind != "external":
                return []
        merged = _c3_merge([*seqs, heads])
        return [node, *merged] if merged is not None else []

    def _string_ref(self, path: str, name: str, env: dict[str, str], depth: int
                    ) -> str | _Pattern | None:
        if name in env:
            return env[name]
        head, _, attr = name.rpartition(".")
        if head:
            held = self._class_constant(path, head, attr, depth)
            if held is not None:
                return held
        ref = self.resolve(path, name)
        if ref.kind == "external" and ref.name and ref.qual.endswith("()"):
            pass  # PATTERN = re.compile(...): an instance, and a constant too
        elif ref.kind not in ("const", "other") or "." in ref.name:
            return None
        facts = self.facts(ref.path)
        for const, expr in reversed(facts.str_consts if facts else ()):
            if const == ref.name:
                return self._string(ref.path, expr, {}, _Cls(), depth + 1)
        for local, target in reversed(facts.bindings if facts else ()):
            if local == ref.name:
                return self._string_ref(ref.path, target, {}, depth + 1)
        return None

    def _class_constant(self, path: str, head: str, attr: str, depth: int
                        ) -> str | _Pattern | None:
        """``Holder.ATTR``, a string attribute of a plain class of the repository that holds
        constants (mlrun: ``__tablename__ = EventFieldType.MODEL_ENDPOINTS``). A class with
        a base from outside the repository (an Enum, whose members are no strings) is not
        read."""
        ref = self.resolve(path, head)
        node = self.class_node(ref.path, ref.name) if ref.kind == "class" else None
        if node is None or not all(isinstance(e, ClassNode) and e.external is None
                                   for e in self.full_mro(node)):
            return None
        return self._member_string(node, attr, _Cls(), depth)

    def _member_string(self, node: ClassNode, attr: str, cls: _Cls, depth: int
                       ) -> str | _Pattern | None:
        """The string attribute ``attr`` that ``node`` finds first along its MRO, with
        ``cls`` the class being mapped (cls.__flavor__) or none (Holder.ATTR)."""
        where = self.class_member(node, attr)
        found = dict(where.facts.str_attrs).get(attr) if where is not None else None
        if where is None or found is None:
            return None
        # a class body's names are its module's: evaluated there, with no locals
        return self._string(where.path, found, {}, cls, depth + 1)

    # ----------------------------------------------------------------- classes

    def class_node(self, path: str, name: str) -> ClassNode | None:
        key = (path, name)
        if key in self._classes:
            return self._classes[key]
        facts = self.facts(path)
        cls = next((c for c in reversed(facts.classes) if c.name == name), None) if facts else None
        made = next((m for m in reversed(facts.returned) if f"{m.attribute}()" == name),
                    None) if facts and name.endswith("()") else None
        if made is not None and (made.maker is None or self.metaclass(path, made.maker)):
            cls = made.body  # the class the function returns (function_result)
        if cls is None or key in self._resolving:
            return None
        self._resolving.add(key)
        node = self._node(path, cls)
        if made is not None and made.problem is not None:
            node.problem = f"{made.attribute}() ({path}:{made.line}) returns, but {made.problem}"
        self._resolving.discard(key)
        self._classes[key] = node
        return node

    def made_node(self, path: str, cls: ClassFacts, owner: ClassNode | None) -> ClassNode:
        """The class a type() template in ``path`` makes for the mapped class ``owner`` (the
        ``cls`` it was run with; None at module level): resolved like a class statement of
        that file."""
        made_for = f"{owner.path}:{owner.facts.name}" if owner is not None else cls.line
        key = (path, f"{cls.name}<{made_for}>")
        node = self._classes.get(key)
        if node is None:
            node = self._classes[key] = self._node(path, cls)
        return node

    def _node(self, path: str, cls: ClassFacts) -> ClassNode:
        node = ClassNode(path, cls)
        registry_mapped = False
        for decorator in cls.decorators:
            q = self.qual(path, decorator) if decorator else None
            if q is not None and is_sqla(q) and tail(q) in (
                "as_declarative", "as_declarative_base"
            ):
                node.root = node.declarative = True  # @as_declarative(): the base itself
            if q is not None and is_sqla(q) and tail(q) in ("mapped", "mapped_as_dataclass"):
                registry_mapped = True  # @reg.mapped: this class only, not its subclasses
        metaclass = dict(cls.keywords).get("metaclass")
        injected = self.injected_bases(path, metaclass, named=True) \
            if metaclass is not None else None
        if injected is not None:
            # Meta("VersionedBase", (object,), {...}) whose __new__ adds Base to the bases of
            # the classes it makes: the class stands in for Base (not mapped itself, as
            # declarative_base()'s class is not) and every subclass is mapped on Base
            for base in injected[1]:
                self._base(node, injected[0], base)
            node.root = node.root or node.declarative
            node.injects = injected
        for base in cls.bases:
            self._base(node, path, base)
        if metaclass is None:
            self._inherited_injects(node)
        if (metaclass is not None and not node.declarative
                and self.declarative_meta(path, metaclass)):
            # class Base(metaclass=DeclarativeMeta): the base itself. A subclass of a base
            # that already maps names one too and is mapped as any other (kotti:
            # Node(Base, metaclass=NodeMeta), NodeMeta deriving DeclarativeMeta and ABCMeta):
            # it inherits the registry, and SQLAlchemy maps every class that has one
            node.root = node.declarative = True
        node.mapped = (
            node.declarative and not node.root and not cls.abstract and not node.abstract
        )
        if node.sqlmodel:  # the others are pydantic models, not tables
            node.mapped = node.mapped and ("table", "True") in cls.keywords
        if registry_mapped and not cls.abstract:
            node.mapped = True
        if node.gino:
            # GINO's ModelType makes a table of a class exactly when __tablename__ is found on
            # its MRO (a mixin's counts), and ignores __abstract__; without one the class is
            # abstract, a holder of columns for its subclasses (gino/declarative.py,
            # Model._init_table). An own __table__ is used as is.
            node.mapped = node.declarative and not node.root and any(
                "__tablename__" in c.facts.names or c.facts.tablename_kind != "none"
                or (c is node and (cls.table is not None or cls.table_ref is not None
                                   or cls.table_query is not None or cls.table_error))
                for c in linearise(node))
        return node

    def _inherited_injects(self, node: ClassNode) -> None:
        """A subclass of a class whose metaclass adds bases gets them too, in front of its
        own, as the metaclass's ``__new__`` runs for it (abilian's EntityMeta puts
        ``_EntityInherit``, whose declared_attr ``id`` gives every entity its joined table,
        before the bases of each ``class Attachment(Entity)``). Under which condition it adds
        them is not read, so a base that already derives from one gets it again in front:
        its columns are then the subclass's own, as when the condition holds."""
        injected = next((b.injects for b in node.bases if b.injects is not None), None)
        if injected is None:
            return
        node.injects = injected
        own = node.bases[:]
        node.bases.clear()
        for base in injected[1]:
            self._base(node, injected[0], base)
        node.injected = [b for b in node.bases if b not in own]
        node.bases[:] = node.injected + own

    def _base(self, node: ClassNode, path: str, base: str) -> None:
        """One base of a class, as written in ``path``: what the class inherits from it."""
        ref = self.resolve(path, base) if base else Ref("unresolved", path, base)
        if ref.kind == "class":
            parent = self.class_node(ref.path, ref.name)
            if parent is None:
                node.bad_bases.append(base)
                return
            node.bases.append(parent)
            if parent.declarative:
                node.declarative = True
            node.sqlmodel = node.sqlmodel or parent.sqlmodel
            node.fields = node.fields or parent.fields
            node.flask = node.flask or parent.flask
            node.gino = node.gino or parent.gino
        elif ref.kind == "external" and (ref.qual == "builtins.None"
                                         or ref.qual.startswith("builtins.None.")):
            # `db = None` at module level, rebound by a function (`global db`) when the app
            # starts: docassemble's 2017-2022 `class UserModel(db.Model, UserMixin)`, and
            # Assembl's `Base = None`, bound by configure_engine(). The base is whatever the
            # code binds later: unreadable, unless external-bases declares it
            node.bad_bases.append(base)
            node.external_quals[base] = ref.qual
        elif ref.kind == "external" and self.externals.declares(ref.qual):
            self.external_base(node, base, ref.qual)
            declared = self.externals.find(ref.qual)
            if ref.qual.endswith("()") and declared is not None and (
                    declared.kind == "declarative-base"):
                # `Base = pkg.make_base(cls=Mixin)`: a factory declared to return a declarative
                # base may hand its cls= to declarative_base() (sqlalchemy-helpers before 2.0
                # does), so the mixin is read as a base of every model, as made_base reads
                # declarative_base's; a factory that ignores it only costs extra columns
                made = self.made_base(ref)
                if made is not None:
                    node.bases.append(made)
        elif ref.kind == "external":
            kind = external_base_kind(ref.qual)
            if kind == "root-parent":
                node.root = node.declarative = True
            elif kind == "mapped-base":
                node.declarative = True
                node.flask = ref.qual.startswith("flask_sqlalchemy.")
                made = self.made_base(ref)
                if made is not None:
                    node.bases.append(made)
            elif kind == "abstract":
                node.abstract = True
            elif kind == "sqlmodel":
                node.sqlmodel = node.declarative = True
            elif kind == "pydantic":
                node.fields = True
            elif kind == "gino-base":
                node.gino = node.declarative = True
                given = self.gino_model_classes(ref)
                if given is not None:
                    node.unsupported_bases.append(given)
            elif kind == "unsupported":
                node.unsupported_bases.append(ref.qual or base)
            elif kind == "unknown":
                self.external_base(node, base, ref.qual)
        else:
            node.bad_bases.append(base or "<expression>")

    def gino_model_classes(self, ref: Ref) -> str | None:
        """``Gino(model_classes=...)`` builds db.Model from other bases, which may add
        columns: how it was written, to block on; None when it is not given."""
        facts = self.facts(ref.path) if ref.path and ref.name else None
        given = [value for local, kw, value in facts.instance_args
                 if local == ref.name and kw == "model_classes"] if facts else []
        return f"{ref.name}.Model built with model_classes={given[-1]}" if given else None

    def declarative_meta(self, path: str, name: str) -> bool:
        """Is the metaclass SQLAlchemy's DeclarativeMeta (or a repository class deriving from
        it), which maps every subclass of the class it is given to?"""
        ref = self.resolve(path, name)
        qual = ref.qual if ref.kind == "external" else None
        if ref.kind == "class":
            ancestor = self.external_ancestor(ref.path, ref.name, set())
            qual = ancestor[0] if ancestor is not None else None
        return qual is not None and is_sqla(qual) and tail(qual) in (
            "DeclarativeMeta", "DefaultMeta")

    def injected_bases(self, path: str, name: str, *, named: bool = False
                       ) -> tuple[str, tuple[str, ...]] | None:
        """The metaclass ``name`` (as written in ``path``) when it is a class of the repository
        deriving from ``type`` whose ``__new__`` puts names of its module among the bases of
        every class it makes (ClassFacts.injects): that file and those names; else None. The
        first ``__new__`` along the metaclass's MRO is the one Python runs. A class ``named``
        in ``metaclass=`` is one whatever it derives from (abilian's ``EntityMeta(BaseMeta)``,
        ``BaseMeta = db.Model.__class__``)."""
        node = self.metaclass(path, name) if not named else self.named_class(path, name)
        if node is None or self.declarative_meta(path, name):
            return None
        # a base the reader cannot find (BaseMeta) leaves no MRO, but the class's own __new__
        # is the first one all the same
        for cls in self.full_mro(node) or ([node] if named else []):
            if isinstance(cls, ClassNode) and "__new__" in cls.facts.names:
                return (cls.path, cls.facts.injects) if cls.facts.injects else None
        return None

    def made_base(self, ref: Ref) -> ClassNode | None:
        """The base that ``declarative_base(cls=Mixin)`` or ``SQLAlchemy(model_class=Mixin)``
        makes: a registry root whose own base is the mixin, so the mixin's columns land in
        every model, as SQLAlchemy copies them. None when no such argument is given."""
        if not ref.path or not ref.name:
            return None
        key = (ref.path, f"{ref.name}()")
        if key in self._classes:
            return self._classes[key]
        facts = self.facts(ref.path)
        given = [(kw, value) for local, kw, value in facts.instance_args if local == ref.name
                 and kw in ("cls", "model_class")] if facts else []
        if not given:
            self._classes[key] = None
            return None
        from reviewer.facts import ClassFacts

        kw, value = given[-1]
        node = ClassNode(ref.path, ClassFacts(name=ref.name, line=0, bases=()), root=True,
                         declarative=True)
        self._classes[key] = node
        target = self.resolve(ref.path, value)
        if value == ref.name:  # declarative_base(cls=ModelBase) rebinding ModelBase
            target = Ref("class", ref.path, value)
        parent = self.class_node(target.path, target.name) if target.kind == "class" else None
        if parent is not None:
            node.bases.append(parent)
        elif target.kind != "external" or external_base_kind(target.qual) == "unknown":
            node.bad_bases.append(f"{kw}={value}")
        return node

    def external_base(self, node: ClassNode, base: str, qual: str) -> None:
        """A base from outside the repository: declared (config, installed source, shipped
        data) or unknown, in which case the class cannot be read."""
        declared = self.externals.find(qual)
        if declared is None:
            node.bad_bases.append(base or "<expression>")
            node.external_quals[base or "<expression>"] = qual
            return
        if declared.kind == "declarative-base":
            node.declarative = True
        if declared.adds_nothing and declared.tablename_unread is None and (
            declared.kind != "history"
        ):
            return
        ext = self._external_nodes.get(qual)
        if ext is None:
            from reviewer.facts import ClassFacts  # a warm run never builds classes

            names = tuple(c.attribute for c in declared.columns)
            derived = tablename_expr(declared.tablename) if declared.tablename else None
            if declared.tablename_unread is not None:
                derived = ("unknown",)  # a declared_attr that names no table it can evaluate
            facts = ClassFacts(
                name=qual.rsplit(".", 1)[-1], line=0, bases=(), names=names,
                tablename=None if derived else declared.tablename,
                # "flask_dance_{class_lower}": evaluated for each subclass, as a declared_attr
                tablename_kind="declared" if derived else
                "literal" if declared.tablename else "none",
                tablename_expr=derived,
            )
            ext = self._external_nodes[qual] = ClassNode("", facts, external=declared)
        node.bases.append(ext)

    def top_level_in_repo(self, qual: str) -> bool:
        """Is the first part of ``qual`` a package or module of the repository (so the name is
        a missing file of the repository, not a third-party package)?"""
        if self._tops is None:
            # the roots modules are imported from (the top directory, package roots, a
            # module's root), never a suffix the index also accepts: fence's
            # fence/resources/userdatamodel/ is no `userdatamodel` package
            self.module_index()
            self._tops = {p.rstrip(".") for p in self.package_prefixes()}
            self._tops.update(name.split(".", 1)[0] for name in self._module_of.values())
            self._tops -= _READ_LIBRARIES
        parts = qual.split(".")
        if parts[0] not in self._tops:
            return False
        # in a namespace package (abilian's `__path__ = extend_path(...)`), a module the
        # repository lacks is another distribution's
        deepest = next((found for k in range(len(parts) - 1, 0, -1)
                        if (found := self.find_module(".".join(parts[:k]), "")) is not None),
                       None)
        return deepest is None or not self.namespace_package(deepest)


@dataclass(frozen=True, slots=True)
class _Cls:
    """What ``cls`` is while a name is evaluated: the class being mapped (``owner``), its
    name and table; all None outside a declared_attr."""

    name: str | None = None
    table: str | None = None
    owner: ClassNode | None = None


# What SQLAlchemy's and Flask-SQLAlchemy's base classes bind besides dunders and _sa_ names
_LIBRARY_NAMES = frozenset({"metadata", "registry", "query", "query_class",
                            "type_annotation_map"})


def _lacks(qual: str, name: str) -> bool:
    """Is ``name`` surely not an attribute of the SQLAlchemy base class ``qual`` (so a lookup
    through ``cls`` goes on past it, to a mixin listed after ``Base``)? Their own names are
    dunders, ``_sa_`` internals and a few public ones; any other class outside the
    repository could bind anything."""
    return (qual.split(".", 1)[0] in ("sqlalchemy", "flask_sqlalchemy")
            and not name.startswith(("__", "_sa_")) and name not in _LIBRARY_NAMES)


_Entry = TypeVar("_Entry", ClassNode, "ClassNode | str")


def _c3_merge(seqs: list[list[_Entry]]) -> list[_Entry] | None:
    """Python's C3 merge; None when there is no consistent order. A repository class is the
    same only as itself; a class outside the repository is its qualified name, equal wherever
    it appears."""
    def same(a: ClassNode | str, b: ClassNode | str) -> bool:
        return a == b if isinstance(a, str) or isinstance(b, str) else a is b

    out: list[_Entry] = []
    seqs = [list(s) for s in seqs if s]
    while seqs:
        for seq in seqs:
            head = seq[0]
            if not any(same(head, c) for s in seqs for c in s[1:]):
                break
        else:
            return None
        out.append(head)
        seqs = [[c for c in s if not same(c, head)] for s in seqs]
        seqs = [s for s in seqs if s]
    return out


def _certainly_str(expr: StrExpr) -> bool:
    """A string expression whose value is a string whatever its names hold: a literal, a
    ``%`` template, a concatenation with a string in it, a str method of one."""
    kind = expr[0]
    if kind in ("lit", "pct"):
        return True
    if kind == "cat":
        return any(_certainly_str(e) for e in expr[1])
    return kind == "meth" and expr[1] in _STR_METHODS and _certainly_str(expr[2])


class _Pattern(str):
    """A compiled regular expression, known by its pattern text."""


class _Replacement(str):
    """A replacement function for ``re.sub``; as a string it is empty, and never used as one."""

    fn: Callable[[re.Match[str]], str]

    def __new__(cls, fn: Callable[[re.Match[str]], str]) -> _Replacement:
        made = super().__new__(cls, "")
        made.fn = fn
        return made


class _Unknown(Exception):
    """A replacement function met a value it cannot know."""


def _plain(value: str | None) -> TypeGuard[str]:
    """A string value, not a compiled pattern or a replacement function standing in for one."""
    return isinstance(value, str) and not isinstance(value, (_Pattern, _Replacement))


def _group_key(param: str, n: int) -> str:
    return f"{param}.group({n})"  # not an identifier, so never a local's name


def _item(value: str | None, at: int | tuple[int | None, int | None]) -> str | None:
    if value is None:
        return None
    if isinstance(at, int):
        return value[at] if -len(value) <= at < len(value) else None
    return value[at[0]:at[1]]


_STR_METHODS = frozenset({
    "lower", "upper", "title", "capitalize", "casefold", "strip", "lstrip", "rstrip", "replace",
    "removeprefix", "removesuffix", "format",
})
# Regular expressions that turn a class name into a table name in real code. Only these are
# ever run: a pattern from the code under review could be written to backtrack for hours.
_KNOWN_PATTERNS = frozenset({
    r"(?<!^)(?=[A-Z])", r"([A-Z]+)([A-Z][a-z])", r"([a-z\d])([A-Z])", r"([a-z0-9])([A-Z])",
    r"(.)([A-Z][a-z]+)", r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"(?<=[a-z0-9])(?=[A-Z])",
    r"(?<!^)([A-Z])", r"([A-Z])", r"(?<=[a-z])(?=[A-Z])",
})
_FORMAT_FIELD = re.compile(r"\{\d*\}")
_PERCENT = re.compile(r"(?:[^%]|%%|%s)*")


def _apply(method: str, receiver: str | _Pattern | None, args: list[str | _Pattern | None]
           ) -> str | None:
    if (isinstance(receiver, _Pattern) and method == "sub" and len(args) == 2
            and isinstance(args[0], _Replacement) and _plain(args[1])):
        try:
            return re.sub(receiver, args[0].fn, str(args[1]))
        except _Unknown:
            return None
    strs = [a for a in args if _plain(a)]
    if receiver is None or len(strs) != len(args) or isinstance(receiver, _Replacement):
        return None
    if isinstance(receiver, _Pattern):
        return re.sub(receiver, strs[0], strs[1]) if method == "sub" and len(strs) == 2 else None
    # every input is at most MAX_COMPUTED_NAME long, but one call can still multiply it
    if method == "replace" and len(strs) >= 2:
        hits = receiver.count(strs[0]) if strs[0] else len(receiver) + 1
        if len(receiver) + hits * len(strs[1]) > MAX_COMPUTED_NAME:
            return None
    if method == "format" and len(receiver) + receiver.count("{") * sum(map(len, strs)) > (
            MAX_COMPUTED_NAME):
        return None
    if method == "format":
        # positional fields only: "{0.__class__}" and friends reach into objects
        if "{" in _FORMAT_FIELD.sub("", receiver.replace("{{", "").replace("}}", "")):
            return None
        try:
            return receiver.format(*strs)
        except (IndexError, ValueError):
            return None
    if method not in _STR_METHODS:
        return None
    try:
        result = getattr(str, method)(receiver, *strs)
    except (TypeError, ValueError):
        return None
    return result if isinstance(result, str) else None


def _external_call(qual: str, args: list[str | _Pattern | None]) -> str | _Pattern | None:
    if qual == "re.compile" and len(args) == 1 and args[0] in _KNOWN_PATTERNS:
        return _Pattern(str(args[0]))
    if qual == "re.sub" and len(args) == 3 and args[0] in _KNOWN_PATTERNS:
        return _apply("sub", _Pattern(str(args[0])), args[1:])
    if qual in ("builtins.str", "builtins.unicode") and len(args) == 1 and isinstance(
            args[0], str):
        return str(args[0])
    word = args[0] if len(args) == 1 and not isinstance(args[0], _Pattern) else None
    if word is not None and qual == "inflection.underscore":
        return to_snake_case(word).replace("-", "_")
    if word is not None and qual == "flask_sqlalchemy.model.camel_to_snake_case":
        return flask_table_name(word)
    return None


def to_snake_case(name: str) -> str:
    """``NetSuiteConnection`` -> ``net_suite_connection``; ``HTTPRequest`` -> ``http_request``."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


def flask_table_name(name: str) -> str:
    """Flask-SQLAlchemy 3's automatic ``__tablename__`` (``camel_to_snake_case``)."""
    name = re.sub(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))", r"_\1", name)
    return name.lower().lstrip("_")


def old_flask_table_name(name: str) -> str:
    """Flask-SQLAlchemy 2.0-2.2's automatic ``__tablename__``: each run of capitals before a
    lowercase letter or digit starts a word (``OAuthUser`` -> ``o_auth_user``)."""
    def join(match: re.Match[str]) -> str:
        word = match.group()
        return f"_{word[:-1]}_{word[-1]}".lower() if len(word) > 1 else f"_{word.lower()}"
    return re.sub(r"([A-Z]+)(?=[a-z0-9])", join, name).lstrip("_")


# GINO's Gino class, as its extensions re-export it (gino.ext.starlette is gino_starlette,
# whose Gino only adds a mixin of classmethods to db.Model)
_GINO = re.compile(r"^gino(?:\.api|\.ext\.(?:starlette|aiohttp|sanic|tornado|quart))?\.Gino\(\)")
# what GINO's declared_attr is imported as outside a Gino instance
_GINO_DECLARED = frozenset({"gino.declared_attr", "gino.declarative.declared_attr"})


def gino_qual(qual: str) -> str | None:
    """``gino.ext.starlette.Gino().Column`` -> ``sqlalchemy.Column``: a Gino instance serves
    SQLAlchemy's ``__all__`` (Column, String, ForeignKey, Table, ...) and its own
    declared_attr, which is used like SQLAlchemy's. ``gino.Gino().Model`` stays itself; None
    for anything else."""
    if qual in _GINO_DECLARED:
        return "sqlalchemy.orm.declared_attr"
    match = _GINO.match(qual)
    if match is None:
        return None
    rest = qual[match.end():]
    if rest == ".Model":
        return "gino.Gino().Model"
    if rest == ".declared_attr":
        return "sqlalchemy.orm.declared_attr"
    return f"sqlalchemy{rest}" if rest.startswith(".") else None


def external_base_kind(
    qual: str,
) -> Literal[
    "root-parent", "mapped-base", "abstract", "harmless", "unsupported", "unknown", "sqlmodel",
    "gino-base", "pydantic",
]:
    gino = gino_qual(qual)
    if gino == "gino.Gino().Model":
        return "gino-base"
    qual = gino or qual
    last = qual.rsplit(".", 1)[-1]
    top = qual.split(".", 1)[0]
    if top in ("sqlalchemy", "flask_sqlalchemy"):
        if last in ("DeclarativeBase", "DeclarativeBaseNoMeta"):
            return "root-parent"
        if qual.endswith(("declarative_base()", ".generate_base()", "SQLAlchemy().Model")):
            return "mapped-base"
        if last == "AbstractConcreteBase":
            return "abstract"
        return "harmless"
    if top in _HARMLESS_MODULES:
        return "harmless"
    if top == "sqlmodel":
        return "sqlmodel" if last == "SQLModel" else "harmless"
    if qual in ("pydantic.BaseModel", "pydantic.main.BaseModel"):
        return "pydantic"
    return "unknown"


def linearise(node: ClassNode) -> list[ClassNode]:
    """C3 linearisation; on an inconsistent hierarchy fall back to depth-first order."""
    @cache
    def lin(n: int) -> tuple[int, ...]:
        cls = by_id[n]
        merged = _c3_merge([[by_id[i] for i in lin(id(b))] for b in cls.bases]
                           + [list(cls.bases)])
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



# The top-level packages whose names the reader interprets itself (is_sqla, the SQLModel base).
_READ_LIBRARIES = frozenset({"sqlalchemy", "flask_sqlalchemy", "sqlmodel"})

# SQLModel re-exports SQLAlchemy's schema, types and functions at its top level (bisheng:
# `from sqlmodel import Column` in `Field(sa_column=Column('metadata', ...))`); these are the
# names it defines itself.
_SQLMODEL_OWN = frozenset({
    "SQLModel", "Field", "Relationship", "Session", "AutoString", "UTCDateTime", "select", "col",
    "main", "orm", "sql", "Discriminator", "Tag",
})


def is_sqla(qual: str) -> bool:
    top = qual.split(".", 1)[0]
    if top == "gino":
        return (gino_qual(qual) or "").startswith("sqlalchemy.")
    if top == "sqlmodel":
        parts = qual.split(".")
        return len(parts) == 2 and parts[1].removesuffix("()") not in _SQLMODEL_OWN
    return top in ("sqlalchemy", "flask_sqlalchemy")


def tail(qual: str) -> str:
    return qual.rsplit(".", 1)[-1]

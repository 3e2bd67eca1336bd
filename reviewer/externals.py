"""Bases and mixins that live outside the repository: what they contribute to a model.

Three sources, the first that knows a class wins:

1. the user's ``external-bases`` configuration (a declaration they own);
2. the installed package's source, when it is importable where the tool runs: the file is
   located on ``sys.path`` by walking the directories (``importlib.util.find_spec`` would import
   the parent packages) and read with the same scanner; nothing is imported or executed;
3. declarations shipped as data in ``reviewer/external_bases/*.toml``, written by us from reading
   the packages' source, with the release range each holds for (like type stubs).

Anything else stays unknown, and a model deriving from it is ``MR007``.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from reviewer.table_factories import declaration_problem
from reviewer.types import ExternalClass, ExternalColumn, ExternalKind, ExternalTable

if TYPE_CHECKING:
    from reviewer.facts import ModuleFacts, Stmt, StrExpr

CONFIG_KEY = "external-bases"
_MAX_SOURCE_BYTES = 2_000_000  # an installed module larger than this is not read
_MAX_DEPTH = 8  # bases of bases followed inside an installed package


@dataclass(frozen=True, slots=True)
class _Declaration:
    distribution: str
    versions: str
    cls: ExternalClass


def column_from_data(data: Mapping[str, Any]) -> ExternalColumn:
    """One column of a declaration (data file or config): ``attribute`` (or ``name``) is
    required; ``nullable`` defaults to true, as ``Column()`` does."""
    attribute = str(data.get("attribute") or data["name"])
    return ExternalColumn(
        attribute=attribute,
        name=str(data.get("name") or attribute),
        type=cast("str | None", data.get("type")),
        nullable=bool(data.get("nullable", not data.get("primary-key", False))),
        primary_key=bool(data.get("primary-key", False)),
        unique=bool(data.get("unique", False)),
        labels=tuple(data.get("labels", ())),
        unless=cast("str | None", data.get("unless")),
        index=bool(data.get("index", False)),
        doc=cast("str | None", data.get("doc")),
        otherwise=cast("str | None", data.get("otherwise")),
        foreign_key=cast("str | None", data.get("foreign-key")),
    )


# advanced-alchemy's CommonTableAttributes (and Flask-SQLAlchemy 3, which also strips a
# leading "_"): ``table_name_regexp.sub(r"_\1", cls.__name__).lower()``
_SNAKE_PATTERN = r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))"
_CLASS_SNAKE: StrExpr = ("meth", "lower", ("meth", "sub", ("pattern", _SNAKE_PATTERN),
                                           (("lit", r"_\1"), ("clsname",))), ())

# A declared table name may be derived from the name of each class that derives from the
# declaration, as a declared_attr __tablename__ does (Flask-Dance's OAuthConsumerMixin:
# f"flask_dance_{cls.__name__.lower()}"): "flask_dance_{class_lower}".
TABLENAME_FIELDS: dict[str, StrExpr] = {
    "class": ("clsname",),  # cls.__name__
    "class_lower": ("meth", "lower", ("clsname",), ()),  # cls.__name__.lower()
    "class_snake": _CLASS_SNAKE,  # HTTPRequestLog -> http_request_log
}
_TABLENAME_PART = re.compile(r"\{([^{}]*)\}|([^{}]+)|([{}])")


_PLACEHOLDERS = ("...", "\u2026")  # what MR007's suggested entries leave to the user


def tablename_problem(template: str) -> str | None:
    """What is wrong with a declared ``tablename``, else None."""
    if template.strip() in _PLACEHOLDERS:
        # MR007's suggestion leaves the table name to the user: copied as printed, every
        # subclass would map to a table literally named "..."
        return ("tablename \"...\" is the placeholder MR007 printed: write the table name the "
                "package gives each class deriving from it, e.g. \"flask_dance_{class_lower}\"")
    for m in _TABLENAME_PART.finditer(template):
        if m.group(3) is not None:
            return (f"tablename {template!r} has an unmatched {m.group(3)!r}; a table name "
                    "derived from the class name takes {class}, {class_lower} or "
                    "{class_snake}, e.g. \"flask_dance_{class_lower}\"")
        if m.group(1) is not None and m.group(1) not in TABLENAME_FIELDS:
            return (f"tablename {template!r} has the unknown field {{{m.group(1)}}}; the "
                    "fields are {class} (the name of each class deriving from it), "
                    "{class_lower} (that name lowercased) and {class_snake} (that name in "
                    "snake_case, HTTPRequestLog -> http_request_log), e.g. "
                    "\"flask_dance_{class_lower}\"")
    return None


def _table_templates(entry: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The names of a declaration that may derive from the class name, with their keys: its
    ``tablename``, and of kind "subclass-tables" each table's name and class."""
    found = [("tablename", str(entry.get("tablename", "")))]
    if entry.get("kind") == "subclass-tables":
        found += [(f"tables[{i}].{key}", str(t[key]))
                  for i, t in enumerate(entry.get("tables", ())) for key in ("name", "class")]
    return found


def table_names_problem(entry: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """What is wrong with a declaration's table names (``tablename``; of kind
    "subclass-tables", its tables' names and classes; of kind "table-factory", its templates):
    (key, the value written, what), else None."""
    if entry.get("kind") == "table-factory":
        return declaration_problem(entry)
    if entry.get("kind") == "subclass-tables" and not entry.get("tables"):
        return ("tables", "subclass-tables",
                'kind "subclass-tables" needs the tables the class makes for each class '
                'deriving from it: tables = [{ name = "{class_snake}_...", class = '
                '"{class}...", columns = [...] }]')
    for i, t in enumerate(entry.get("tables", ()) if entry.get("kind") == "subclass-tables"
                          else ()):
        if "class" not in t:
            return (f"tables[{i}].class", str(t.get("name", "")),
                    'each table of kind "subclass-tables" names the class that maps it, a '
                    'template of the deriving class\'s name: class = "{class}..."')
    for key, template in _table_templates(entry):
        problem = tablename_problem(template)
        if problem is not None:
            return key, template, problem
    return None


def column_problem(column: Mapping[str, Any]) -> tuple[str, str] | None:
    """The key of a declared column still holding MR007's ``"..."`` placeholder, and what
    to write there, else None."""
    for key in ("attribute", "name", "type"):
        if str(column.get(key, "")).strip() not in _PLACEHOLDERS:
            continue
        # copied as printed, the entry would declare a column literally named "...": the
        # columns the package's class really adds would still go unchecked
        if key == "type":
            return key, ("type \"...\" is the placeholder MR007 printed: write the column's "
                         "type as the package declares it, e.g. \"String(255)\", or leave "
                         "type out")
        return key, (f"{key} \"...\" is the placeholder MR007 printed: write the "
                     f"{'attribute' if key == 'attribute' else 'database name'} of a column "
                     "the package's class adds (one { attribute, type } in columns for each "
                     "column it adds), or write columns = [] if it adds none")
    return None


def tablename_expr(template: str) -> StrExpr | None:
    """A declared ``tablename`` with fields, as the string expression a declared_attr
    ``__tablename__`` would be read as (evaluated per subclass); None for a literal name."""
    if tablename_problem(template) is not None:
        return None  # a literal name from an installed package's source, braces and all
    parts: list[StrExpr] = []
    for m in _TABLENAME_PART.finditer(template):
        parts.append(TABLENAME_FIELDS[m.group(1)] if m.group(1) is not None
                     else ("lit", m.group(0)))
    return ("cat", tuple(parts)) if any(p[0] != "lit" for p in parts) else None


def _compiled(expr: StrExpr, consts: Mapping[str, StrExpr]) -> StrExpr:
    """``re.compile("...").sub(...)``, or ``NAME.sub(...)`` with ``NAME = re.compile("...")``
    a module constant, as a ``("pattern", text)`` receiver (advanced-alchemy's
    ``table_name_regexp``), all the way down ``expr``."""
    def pattern(receiver: StrExpr) -> StrExpr | None:
        if receiver[:2] == ("call", "re.compile") and len(receiver[2]) == 1 and (
                receiver[2][0][0] == "lit"):
            return ("pattern", receiver[2][0][1])
        return None

    if expr[:2] == ("meth", "sub"):
        found = pattern(expr[2])
        if found is not None:
            return ("meth", "sub", found, tuple(_compiled(a, consts) for a in expr[3]))
    if expr[0] == "call" and str(expr[1]).endswith(".sub"):
        const = consts.get(str(expr[1])[:-4])
        found = pattern(const) if const is not None else None
        if found is not None:
            return ("meth", "sub", found, tuple(_compiled(a, consts) for a in expr[2]))
    return tuple(_compiled(e, consts) if isinstance(e, tuple) and e and isinstance(e[0], str)
                 else tuple(_compiled(x, consts) for x in e) if isinstance(e, tuple) else e
                 for e in expr)


def _tablename_template(expr: StrExpr) -> str | None:
    """An installed class's declared_attr ``__tablename__`` as a declared ``tablename``, when it
    is built from literals and the class name only (``f"flask_dance_{cls.__name__.lower()}"``,
    ``"flask_dance_{}".format(cls.__name__.lower())``,
    ``re.compile(PATTERN).sub(r"_\\1", cls.__name__).lower()``); else None."""
    for name, field in TABLENAME_FIELDS.items():
        if expr == field:
            return f"{{{name}}}"
    kind = expr[0]
    if kind == "lit":
        text = str(expr[1])
        return None if "{" in text or "}" in text else text
    parts = [_tablename_template(e) for e in expr[-1]] if kind in ("cat", "meth") else []
    strs = [p for p in parts if p is not None]
    if len(strs) != len(parts):
        return None
    if kind == "cat":
        return "".join(strs)
    if kind == "meth" and expr[1] == "format" and expr[2][0] == "lit":
        pieces = str(expr[2][1]).split("{}")
        if len(pieces) != len(strs) + 1 or any("{" in p or "}" in p for p in pieces):
            return None
        return "".join(p + s for p, s in zip(pieces, [*strs, ""], strict=True))
    return None


def class_from_data(name: str, data: Mapping[str, Any], source: str) -> ExternalClass:
    return ExternalClass(
        name=name,
        kind=cast(ExternalKind, data.get("kind", "mixin")),
        columns=tuple(column_from_data(c) for c in data.get("columns", ())),
        tablename=cast("str | None", data.get("tablename")),
        source=source,
        sets=tuple((str(d["attribute"]), int(d.get("type-argument", 0)),
                    tuple(map(str, d["values"]))) for d in data.get("sets", ())),
        tables=tuple(ExternalTable(name=str(t["name"]),
                                   class_name=str(t["class"]) if "class" in t else None,
                                   columns=tuple(column_from_data(c) for c in t["columns"]),
                                   body=bool(t.get("body", False)))
                     for t in data.get("tables", ())),
        parameters=tuple(map(str, data.get("parameters", ()))),
    )


def _toml_str(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string


def entry_toml(cls: ExternalClass, tablename: str | None) -> str:
    """``cls`` as the one-line `external-bases` entry that declares it (class_from_data's
    inverse), for a message to print: what the package's source gave, to be kept as is."""
    fields = ['kind = "declarative-base"'] if cls.kind == "declarative-base" else []
    if tablename is not None:
        fields.append(f"tablename = {_toml_str(tablename)}")
    columns = []
    for c in cls.columns:
        parts = [f"attribute = {_toml_str(c.attribute)}"]
        if c.name != c.attribute:
            parts.append(f"name = {_toml_str(c.name)}")
        if c.type is not None:
            parts.append(f"type = {_toml_str(c.type)}")
        if c.nullable == c.primary_key:  # column_from_data's default is the other one
            parts.append(f"nullable = {str(c.nullable).lower()}")
        if c.primary_key:
            parts.append("primary-key = true")
        if c.unique:
            parts.append("unique = true")
        if c.labels:
            parts.append(f"labels = [{', '.join(map(_toml_str, c.labels))}]")
        columns.append(f"{{ {', '.join(parts)} }}")
    fields.append(f"columns = [{', '.join(columns)}]")
    return f"{_toml_str(cls.name)} = {{ {', '.join(fields)} }}"


@cache
def _data_files() -> tuple[dict[str, Any], ...]:
    # only the resolver reads these (a cache miss): a warm run never imports the parser
    from reviewer.cache import load_toml

    folder = resources.files("reviewer").joinpath("external_bases")
    return tuple(
        load_toml(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".toml")
    )


@cache
def shipped_instances() -> dict[str, str]:
    """Objects a package creates at import time, e.g. ``invenio_db.db`` -> what it is an
    instance of (``flask_sqlalchemy.SQLAlchemy()``), so ``db.Column`` is a column."""
    return {name: str(item["is"]) for data in _data_files()
            for item in data.get("instances", ()) for name in item["names"]}


@cache
def table_packages() -> tuple[str, ...]:
    """The import packages of the shipped declarations that map a table by themselves (a
    declarative base or a class with columns): a file that only derives from one of them may
    name neither SQLAlchemy nor a column."""
    return tuple(sorted({name.split(".", 1)[0] for name, found in shipped().items()
                         if any(d.cls.kind in ("declarative-base", "subclass-tables")
                                or d.cls.columns for d in found)}))


def canonical(qual: str, instances: Mapping[str, str]) -> str:
    """``invenio_db.db.Column`` -> ``flask_sqlalchemy.SQLAlchemy().Column``; ``instances``:
    the objects known to be instances (``Externals.instances``)."""
    if not instances or qual in shipped():
        return qual  # declared itself: `invenio_db.db.Timestamp` is a mixin, not a db attribute
    parts = qual.split(".")
    for k in range(len(parts) - 1, 0, -1):
        made = instances.get(".".join(parts[:k]))
        if made is not None:
            return ".".join([made, *parts[k:]])
    return qual


@cache
def shipped() -> dict[str, tuple[_Declaration, ...]]:
    """Qualified name -> the shipped declarations of it (one per release range)."""
    found: dict[str, list[_Declaration]] = {}
    for data in _data_files():
        distribution = str(data["distribution"])
        for item in data.get("classes", ()):
            versions = str(item.get("versions", ""))
            problem = table_names_problem(item)
            if problem is not None:  # our own data: the tests read every file
                raise ValueError(f"{distribution} {item['names'][0]}: {problem[2]}")
            for name in item["names"]:
                source = f"masking-reviewer's declaration for {distribution} {versions}".rstrip()
                found.setdefault(name, []).append(
                    _Declaration(distribution, versions, class_from_data(name, item, source))
                )
    return {k: tuple(v) for k, v in found.items()}


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(x) for x in re.findall(r"\d+", version.split("+")[0])[:4])


def _range_start(spec: str) -> tuple[int, ...]:
    """``>=0.7.1,<0.26`` -> (0, 7, 1): where a release range starts, to order ranges by."""
    return _version_key(spec.split(",")[0])


def version_matches(spec: str, version: str) -> bool:
    """``>=1.0,<2`` against an installed version; enough of PEP 440 for release ranges."""
    have = _version_key(version)
    for clause in filter(None, (c.strip() for c in spec.split(","))):
        m = re.fullmatch(r"(>=|<=|==|<|>)\s*([\w.]+)", clause)
        if m is None:
            return False
        op, want = m.group(1), _version_key(m.group(2))
        width = max(len(have), len(want))
        a, b = have + (0,) * (width - len(have)), want + (0,) * (width - len(want))
        if not {">=": a >= b, "<=": a <= b, "==": a == b, "<": a < b, ">": a > b}[op]:
            return False
    return True


@cache
def installed_version(distribution: str) -> str | None:
    """The version of an installed distribution, from its metadata (nothing is imported)."""
    from importlib import metadata  # ~15 ms; only a cold build with an external base pays it

    try:
        return metadata.version(distribution)
    except (metadata.PackageNotFoundError, ValueError, OSError):
        return None


def from_shipped(qual: str) -> ExternalClass | None:
    """The shipped declaration for the installed release; the newest one when the package is
    not installed (the reviewer usually runs without the application's dependencies); none
    when the installed release is outside every declared range, which fails closed
    (``shipped_mismatch`` says why): an older release's columns are not the newest one's."""
    declarations = shipped().get(qual)
    if not declarations:
        return None
    version = installed_version(declarations[0].distribution)
    if version is not None:
        return next((d.cls for d in declarations if version_matches(d.versions, version)), None)
    return max(declarations, key=lambda d: _range_start(d.versions)).cls


def shipped_mismatch(qual: str) -> str | None:
    """Why the shipped declarations of ``qual`` do not apply, for an MR007 message: the
    installed release is outside every range they cover. None when one applies or none ships."""
    declarations = shipped().get(qual)
    if not declarations or from_shipped(qual) is not None:
        return None
    distribution = declarations[0].distribution
    ranges = "; ".join(sorted({d.versions for d in declarations}, key=_range_start))
    return (f"masking-reviewer's declarations of it cover {distribution} {ranges}, and the "
            f"installed {distribution} {installed_version(distribution)} is outside them")


# --------------------------------------------------------------------------- installed source


def _search_path() -> list[Path]:
    """The directories Python would import from (zip files and the like are skipped)."""
    out: list[Path] = []
    for entry in sys.path:
        path = Path(entry or os.getcwd())
        if path.is_dir() and path not in out:
            out.append(path)
    return out


def locate_module(module: str, search: Sequence[Path] | None = None) -> Path | None:
    """The source file of ``module`` on the search path, found without importing anything."""
    parts = module.split(".")
    if not all(p.isidentifier() for p in parts):
        return None
    for root in search if search is not None else _search_path():
        base = root.joinpath(*parts)
        for candidate in (base / "__init__.py", base.with_suffix(".py")):  # a package wins
            try:
                if candidate.is_file() and candidate.stat().st_size <= _MAX_SOURCE_BYTES:
                    return candidate
            except OSError:
                continue
    return None


class InstalledReader:
    """Reads classes of installed packages with the scanner, following their bases within the
    package (relative and absolute imports), never importing them."""

    def __init__(self, search: Sequence[Path] | None = None) -> None:
        self.search = list(search) if search is not None else None
        self._facts: dict[Path, ModuleFacts | None] = {}
        self.read: set[Path] = set()
        # why an installed class was not read as a mixin, by the name asked for: its hook
        # that builds tables while SQLAlchemy maps each subclass ("path, line N: what")
        self.refused: dict[str, str] = {}
        self._refusal: str | None = None

    def facts(self, path: Path) -> ModuleFacts | None:
        if path not in self._facts:
            from reviewer.scanner import scan_source

            try:
                text = path.read_text(encoding="utf-8", errors="surrogateescape")
            except OSError:
                self._facts[path] = None
                return None
            self.read.add(path)
            facts = scan_source(text, ())
            self._facts[path] = None if facts.errors else facts
        return self._facts[path]

    def find(self, qual: str) -> ExternalClass | None:
        module, _, name = qual.rpartition(".")
        self._refusal = None
        found = self._class(module, name, 0)
        if found is None:
            if self._refusal is not None:
                self.refused[qual] = self._refusal
            return None
        path, declarative, columns, tablename = found
        return ExternalClass(
            name=qual, kind="declarative-base" if declarative else "mixin",
            columns=tuple(columns.values()),
            tablename=tablename if isinstance(tablename, str) else None,
            source=f"the installed source {path}",
            tablename_unread=tablename.where if isinstance(tablename, _Unread) else None,
        )

    def _class(self, module: str, name: str, depth: int
               ) -> tuple[Path, bool, dict[str, ExternalColumn], str | _Unread | None] | None:
        if depth > _MAX_DEPTH or not module:
            return None
        path = locate_module(module, self.search)
        facts = self.facts(path) if path is not None else None
        if path is None or facts is None:
            return None
        cls = next((c for c in reversed(facts.classes) if c.name == name), None)
        if cls is None:
            # re-exported: `from .client_mixin import OAuth2ClientMixin` in a package __init__
            origin = self._import_target(module, path, facts, name)
            return self._class(*origin, depth + 1) if origin else None
        builds = [(hook, line, what) for hook, line, what, _others in cls.table_hooks if what]
        if builds:
            # it builds tables while SQLAlchemy maps each subclass (sql_versioning's Versioned:
            # a <table>_history copy): read as a mixin, those tables would vanish unchecked
            hook, line, what = builds[0]
            self._refusal = f"its {hook} ({path}, line {line}) builds {what}"
            return None
        columns: dict[str, ExternalColumn] = {}
        declarative = False
        # The class's own __tablename__ wins over its bases'; one that cannot be turned into a
        # declared tablename is kept as unread: falling back to the application's table-naming
        # would be a guess at the package's naming, and rules would then name the wrong table.
        own: str | _Unread | None = cls.tablename if cls.tablename_kind == "literal" else None
        if cls.tablename_kind in ("declared", "computed"):
            own = (_tablename_template(_compiled(cls.tablename_expr, dict(facts.str_consts)))
                   if cls.tablename_expr else None) \
                or _Unread(f"{module}, line {cls.tablename_line}")
        tablename: str | _Unread | None = None
        for base in reversed(cls.bases):
            if not base or base in ("object", "Generic") or base.startswith("typing."):
                continue
            head, _, rest = base.partition(".")
            local = next((c for c in facts.classes if c.name == base), None)
            if local is not None:
                target: tuple[str, str] | None = (module, base)
            else:
                target = self._import_target(module, path, facts, head)
                if target is not None and rest:
                    target = (f"{target[0]}.{target[1]}", rest) if "." not in rest else None
            if target is None:
                return None  # a base we cannot follow: unknown, not "no columns"
            if target[0].split(".")[0] in _HARMLESS_TOPS:
                declarative = declarative or target[1] in _DECLARATIVE_ROOTS
                continue
            inherited = self._class(*target, depth + 1)
            if inherited is None:
                return None
            declarative = declarative or inherited[1]
            columns.update(inherited[2])
            tablename = inherited[3] or tablename
        for stmt in cls.stmts:
            column = _column(stmt)
            if column is not None:
                columns[stmt.attribute] = column
        return path, declarative, columns, own if own is not None else tablename

    @staticmethod
    def _import_target(module: str, path: Path, facts: ModuleFacts, local: str
                       ) -> tuple[str, str] | None:
        for imp in reversed(facts.imports):
            if imp.local != local or imp.name is None:
                continue
            source = imp.module
            if imp.level:
                package = module.split(".") if path.name == "__init__.py" else \
                    module.split(".")[:-1]
                if imp.level - 1 > len(package):
                    return None
                package = package[: len(package) - (imp.level - 1)]
                source = ".".join([*package, *filter(None, [imp.module])])
            return source, imp.name
        return None


@dataclass(frozen=True, slots=True)
class _Unread:
    """An installed class's ``__tablename__`` the reader cannot evaluate, and where it is."""

    where: str


_HARMLESS_TOPS = frozenset({"builtins", "typing", "typing_extensions", "abc", "enum",
                            "dataclasses", "collections", "sqlalchemy", "flask_sqlalchemy"})


_DECLARATIVE_ROOTS = frozenset({"DeclarativeBase", "DeclarativeBaseNoMeta"})


def _column(stmt: Stmt) -> ExternalColumn | None:
    """A Column/mapped_column statement of an installed class, as a declaration."""
    if stmt.type_checking or stmt.call is None:
        return None
    call = stmt.call
    if call.callee.rsplit(".", 1)[-1] in ("cast",) and call.inner is not None:
        call = call.inner  # flask-security: active = cast(bool, Column(Boolean(), ...))
    if stmt.decorators and not any("declared_attr" in d for d in stmt.decorators):
        return None
    if call.callee.rsplit(".", 1)[-1] == "orm_insert_sentinel":
        # a real, nullable Integer column (advanced-alchemy's _sentinel, "sa_orm_sentinel")
        return ExternalColumn(attribute=stmt.attribute, name=call.name or stmt.attribute,
                              type="Integer", nullable=True)
    if call.callee.rsplit(".", 1)[-1] not in ("Column", "mapped_column"):
        return None
    nullable = call.nullable
    if nullable is None:
        nullable = not call.primary_key
        ann = stmt.annotation
        if ann is not None and ann.wrapper.rsplit(".", 1)[-1] == "Mapped" and not call.primary_key:
            nullable = ann.optional
    return ExternalColumn(
        attribute=stmt.attribute, name=call.name or stmt.attribute,
        type=call.type or (stmt.annotation.inner if stmt.annotation else None),
        nullable=nullable, primary_key=call.primary_key, unique=call.unique, index=call.index,
        doc=call.doc,
    )


# --------------------------------------------------------------------------- lookup


class Externals:
    """One lookup per inventory build: config, then installed source, then shipped data."""

    def __init__(self, configured: Iterable[ExternalClass],
                 search: Sequence[Path] | None = None,
                 instances: Iterable[tuple[str, str]] = ()) -> None:
        self.configured = {c.name: c for c in configured}
        # object -> what it is an instance of: ours, and the user's `external-instances`,
        # which win
        self.instances = {**shipped_instances(), **dict(instances)}
        self.installed = InstalledReader(search)
        self._found: dict[str, ExternalClass | None] = {}

    def declares(self, qual: str) -> bool:
        """Is there a declaration of exactly this name (config or shipped)? Cheap."""
        return qual in self.configured or qual in shipped()

    def package_table(self, qual: str) -> str | None:
        """The table a package maps for its own class ``qual`` (``baselayer.app.models.User``:
        ``users``), from a declaration of a base in the same module that lists it in
        ``tables``; None when no declaration does."""
        module, _, name = qual.rpartition(".")
        for declared, cls in [*((c.name, c) for c in self.configured.values()),
                              *((n, d.cls) for n, ds in shipped().items() for d in ds)]:
            if declared.rpartition(".")[0] == module:
                found = next((t.name for t in cls.tables if t.class_name == name), None)
                if found is not None:
                    return found
        return None

    def declared(self, qual: str) -> ExternalClass | None:
        """The configured or shipped declaration of exactly this name, if any."""
        return self.configured.get(qual) or from_shipped(qual)

    def find(self, qual: str) -> ExternalClass | None:
        if qual not in self._found:
            installed = None if qual in self.configured else self.installed.find(qual)
            ours = from_shipped(qual) if installed is not None else None
            if installed is not None and installed.tablename_unread is not None:
                # the installed source names its tables in a way the reader cannot follow
                # (advanced-alchemy 1.9's single-table branches); our declaration of that
                # release knows the name
                installed = ours or installed
            if installed is not None and ours is not None and ours.tables:
                # the package's own tables are in other modules of it, which the installed
                # class does not name; our declaration of that release lists them
                installed = replace(installed, tables=ours.tables)
            self._found[qual] = (
                self.configured.get(qual) or installed or from_shipped(qual)
            )
        return self._found[qual]

    @property
    def read_installed(self) -> bool:
        """Did any answer come from outside the repository's own text and our data? Such an
        inventory depends on the environment, so it must not be cached by repository content."""
        return any(c is not None and c.source.startswith("the installed source")
                   for c in self._found.values())


def distribution_hint(qual: str) -> str:
    """The import package a qualified name comes from, for messages."""
    return qual.split(".", 1)[0]

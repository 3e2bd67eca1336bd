"""Replay real commits through ``reviewer diff``: what a user would see on real pull requests.

    python benchmarks/replay.py [--project NAME]... [--cap N] [--mirrors DIR] [--json OUT]
                                [--no-write] [--verbose] [--held-out] [--show-heldout]
                                [--adopted]
    python benchmarks/replay.py --list-unlabelled OUT.csv [--project NAME]...

For each project of ``benchmarks/real_world/projects.toml``, the commits reachable from the pin
that add or change model columns (``git log --no-merges -G'<regex>'`` on the model files,
``models`` plus ``history`` globs; the regex: a ``Column(``/``mapped_column(``/``Field(`` call
or an annotation-only ``name: Mapped[...]`` line), newest first, at most ``--cap`` per project
(default: the project's ``replay-cap``, else 30; the held-out projects replay deeper), each
stand for one pull request. For each, a throwaway git repository in a temp dir gets two
commits: the parent's files, then the commit's (every Python file of the repository, as a
checkout has them, ``exclude`` left out; ``--extract-only``: only those under ``extract``),
plus the project's ``.masking-reviewer.toml`` and an empty ``masking_rules.json``, as a team
adopting the tool starts, and ``reviewer diff --base <parent> --format json --no-ai`` runs on
it. With ``--adopted``, a team that adopted the tool before the commit: both commits hold a
``masking_rules.json`` with a rule for every column of the parent the labels call sensitive
(the reviewer's default strategy for the label's category), so ``MR004`` and ``MR003``'s
masked twin have the team's masking to compare with.

The truth about each pull request comes from the diff text, not from the reviewer: the columns
a commit adds are read from its ``+`` lines (a ``Column``/``mapped_column``/``Field``
declaration, a SQLModel field, or a SQLAlchemy 2.0 column declared by its annotation alone in a
mapped class or mixin body, ``name: Mapped[Optional[str]]``, but not a relationship's
``Mapped["User"]``/``Mapped[list["Item"]]``/``Mapped[<a mapped class of the file>]`` nor one
under ``if TYPE_CHECKING:`` nor a type hint of a class mapped to a Table it is given, whose
name the same file's ``-`` lines do not declare, and whose table did not have it before in a
file the commit removes lines from: a moved column is not added), their table from the
enclosing class's ``__tablename__``, ``Table("name", ...)`` or the configured table naming. A
commit also adds the columns whose lines it leaves alone when it gives them new keys: every
column of a table it renames, and the SQLAlchemy-Continuum history copy (``<table>_version``)
of every column of a class it makes ``__versioned__``. Each added column takes its label from
``real_world/labels/<project>.csv`` by (table, column), else from
``real_world/replay_labels.csv`` (columns dropped or renamed since the pin, labelled blind by
LABELING.md: ``--list-unlabelled`` lists them WITHOUT running the reviewer, so they can be
labelled before anyone sees its output).

Reported per split (development and held-out apart), per project:

- pull requests replayed; runs with ``MR007`` anywhere in the head (the gate is red on them)
  and runs where the change introduced one;
- added credential columns: how many, flagged (any finding on the column: ``MR003``/``MR004``),
  flagged at error severity (which blocks with the default ``fail-on``), and not read (no
  finding and the reviewer did not even see the column added);
- harmless-only pull requests (they add a column, and every column they add or rewrite is
  ``none``): how
  many got any new warning or error, and how many got noise: a new warning or error that is
  neither an ``MR007`` (the reader's failure, counted apart) nor about a column labelled
  sensitive (a change that adds an ``encrypted`` flag beside a stored secret rightly raises
  the secret's own finding); how many the gate blocked, how many were blocked by a finding
  the change introduced, and how many by noise. The
  gate also blocks on the base's own gaps (a credential column nobody masked yet); a team that
  adopts the tool records those with ``reviewer baseline`` first, and then only the findings a
  change introduces block: "blocked: new" is what such a team sees.

Without ``--project``, only the development split is replayed; ``--held-out`` adds the
held-out one: its aggregates, each ``cohort`` apart too, but no project's own row. Per-pull-
request evidence is printed with ``--verbose`` for the development split only.
``--show-heldout`` adds the held-out projects' own rows and evidence, to the output and to
the results file (only after tuning is frozen). Results go to
``benchmarks/results/replay-<date>.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import datetime as dt
import importlib
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.real_world import (  # noqa: E402
    CORPUS,
    DEFAULT_MIRRORS,
    EMPTY_RULES,
    LABEL_HEADER,
    LABELS,
    REPO,
    RESULTS,
    SPLITS,
    SYMLINK,
    LabelRow,
    Project,
    cohorts_of,
    git,
    has_commit,
    labels_for,
    load_labels,
    load_projects,
    machine_meta,
    matches_any,
    measured,
    reviewer_env,
    to_toml,
    tree_files,
    tree_links,
)
from reviewer.types import Category, Classification, Rule  # noqa: E402

REPLAY_LABELS = CORPUS / "replay_labels.csv"
# the last branch: an annotation-only 2.0 column, `name: Mapped[str]` (POSIX classes: git's regex)
DEFAULT_REGEX = (r"Column\(|mapped_column\(|Field\("
                 r"|^[[:space:]]+[[:alnum:]_]+[[:space:]]*:[[:space:]]*[\"']?([[:alnum:]_.]+\.)?"
                 r"Mapped\[[^=]*$")
DEFAULT_CAP = 30
GIT_ENV = {
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "replay",
    "GIT_AUTHOR_EMAIL": "replay@example.invalid",
    "GIT_COMMITTER_NAME": "replay",
    "GIT_COMMITTER_EMAIL": "replay@example.invalid",
    "GIT_AUTHOR_DATE": "2024-01-01T00:00:00+0000",
    "GIT_COMMITTER_DATE": "2024-01-01T00:00:00+0000",
}


# ---------------------------------------------------------------------------- commits


@dataclass(frozen=True, slots=True)
class Commit:
    sha: str
    parent: str | None
    date: str
    subject: str


def pathspecs(globs: Iterable[str]) -> list[str]:
    return [f":(glob){g}" for g in globs]


def select_commits(git_dir: Path, tip: str, globs: Sequence[str], regex: str = DEFAULT_REGEX,
                   cap: int = DEFAULT_CAP) -> list[Commit]:
    """Non-merge commits reachable from ``tip`` whose diff of the model files adds or removes
    a line matching ``regex``, newest first, at most ``cap``."""
    out = git(git_dir, "log", "--no-merges", f"-G{regex}", f"-n{cap}",
              "--format=%H%x00%P%x00%cs%x00%s", tip, "--", *pathspecs(globs))
    commits = []
    for line in out.decode("utf-8", errors="replace").splitlines():
        sha, parents, date, subject = line.split("\0", 3)
        commits.append(Commit(sha, parents.split()[0] if parents else None, date, subject))
    return commits


# ---------------------------------------------------------------------------- added columns

_CALL = r"(?:[A-Za-z_][\w.]*\.)?(?:Column|mapped_column|Field)\("
# the ORM's wrappers of a column: `output = deferred(Column(Text))` (Empire)
_WRAPPER = r"(?:[A-Za-z_][\w.]*\.)?(?:deferred|column_property)\("
# `name = Column(`, `name: Mapped[...] = mapped_column(`, `name: str = Field(`
_ASSIGNED = re.compile(
    rf"^(\s*)([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*(?:{_WRAPPER}\s*)?{_CALL}(.*)$")
# a wrapper whose column starts on a later line: `output = deferred(` / `Column(...))`
_WRAPPED = re.compile(rf"^\s*([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*{_WRAPPER}\s*(?:#.*)?$")
# a Core column inside Table(...): `Column("name", ...)` / `sa.Column('name', ...)`
_CORE = re.compile(r"""^(\s*)(?:[A-Za-z_][\w.]*\.)?Column\(\s*["']([^"']+)["']""")
# SQLModel's Field(sa_column=Column("name", ...)): the column's own name
_SA_COLUMN_NAME = re.compile(
    r"""\bsa_column\s*=\s*(?:[A-Za-z_][\w.]*\.)?Column\(\s*["']([^"']+)["']""")
_OPEN_COLUMN = re.compile(r"^\s*(?:[A-Za-z_][\w.]*\.)?Column\(\s*(?:#.*)?$")
_DB_NAME = re.compile(r"""^\s*["']([^"']+)["']""")
_NAME_KW = re.compile(r"""\bname\s*=\s*["']([^"']+)["']""")
_CLASS = re.compile(r"^(\s*)class\s+([A-Za-z_]\w*)\s*(\(([^)]*)\))?\s*:")


def class_header(lines: Sequence[str], i: int) -> tuple[int, str, str, int] | None:
    """(indent, name, bases, index of the header's last line) of a class statement starting
    at ``lines[i]``, its bases spread over several lines too (timesketch:
    ``class SigmaRule(`` / ``LabelMixin, ...`` / ``):``). Bases with a call in them
    (``metaclass=M(...)``) are not read here."""
    if not lines[i].lstrip().startswith("class"):
        return None
    text, end = logical_line(lines, i, limit=30)
    m = _CLASS.match(text)
    if m is None:
        return None
    return _indent(lines[i]), m.group(2), " ".join((m.group(4) or "").split()), end
# `__tablename__ = type = "worker"` (eNMS): one literal bound to more names than one
_TABLENAME = re.compile(
    r"""^\s*__tablename__\s*(?::[^=]*)?=\s*(?:\w+\s*=\s*)*["']([^"']+)["']""")
_TABLE_CALL = re.compile(r"""Table\(\s*["']([^"']+)["']""")
_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


@dataclass(frozen=True, slots=True)
class Added:
    """A column a commit adds, as read from the diff text (the replay's ground truth)."""

    path: str
    line: int  # in the commit's version of the file
    class_name: str | None
    table: str  # "?Class" when the table cannot be told from the text (a mixin, say)
    column: str
    text: str
    changed: bool = False  # the declaration was rewritten, the column was there before

    @property
    def key(self) -> tuple[str, str]:
        return (self.table, self.column)


def to_snake_case(name: str) -> str:
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


# replay-naming "sqlmodel-<naming>": the application's SQLModel base names its table=True
# classes by <naming> through a declared_attr (eigent's AbstractModel: snake_case), where
# SQLModel's own default is the lower-cased class name
_SQLMODEL_NAMING = "sqlmodel-"


def _sqlmodel_named(naming: str | None) -> bool:
    return naming is not None and naming.startswith(_SQLMODEL_NAMING)


def table_for_class(name: str, naming: str | None) -> str | None:
    if naming is not None:
        naming = naming.removeprefix(_SQLMODEL_NAMING)
    if naming in ("snake_case", "flask-sqlalchemy"):
        return to_snake_case(name)
    if naming == "lowercase":
        return name.lower()
    if naming == "lowercase-plural":  # tacker's TackerBaseV1: cls.__name__.lower() + 's'
        return name.lower() + "s"
    if naming is not None and "{" in naming:  # a template, as table-naming takes (kotti)
        return naming.format(**{"class": name, "class_lower": name.lower(),
                                "class_snake": to_snake_case(name)})
    return None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def enclosing_class(lines: Sequence[str], index: int) -> tuple[int, str, str] | None:
    """(line index, name, bases) of the class whose body holds ``lines[index]``."""
    depth = _indent(lines[index])
    for i in range(index - 1, -1, -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#"):
            continue
        header = class_header(lines, i)
        if header and header[0] < depth:
            return i, header[1], header[2]
        if _indent(text) < depth and not text.lstrip().startswith(("@", ")", "]", "}")):
            depth = _indent(text)
            if depth == 0 and not header:
                return None
    return None


_TABLENAME_CONST = re.compile(r"^\s*__tablename__\s*(?::[^=]*)?=\s*([A-Z_][A-Z0-9_]*)\s*$")
_TABLENAME_FUNC = re.compile(r"^\s*def\s+__tablename__\s*\(")
_RETURN_LITERAL = re.compile(r"""^\s*return\s+["']([^"']+)["']\s*$""")
_ABSTRACT = re.compile(r"^\s*__abstract__\s*(?::[^=]*)?=\s*True\b")
_DECLARATIVE = re.compile(r"\b(DeclarativeBase|DeclarativeBaseNoMeta|declarative_base)\b")


def class_table(lines: Sequence[str], start: int, naming: str | None, name: str,
                bases: str) -> str:
    """The class's table: ``__tablename__`` (a literal, a module constant, or a
    ``declared_attr`` returning a literal), SQLModel's default, the configured naming; or
    ``?Class`` for an abstract class, a declarative base or a mixin (no table of its own)."""
    depth = _indent(lines[start])
    header = class_header(lines, start)
    body = []
    for text in lines[(header[3] if header else start) + 1:]:
        if text.strip() and _indent(text) <= depth and not text.lstrip().startswith("#"):
            break
        body.append(text)
    for i, text in enumerate(body):
        m = _TABLENAME.match(text)
        if m:
            return m.group(1)
        m = _TABLENAME_CONST.match(text)
        if m:
            const = re.compile(rf"""^{m.group(1)}\s*(?::[^=]*)?=\s*["']([^"']+)["']""")
            found = next((c.group(1) for line in lines if (c := const.match(line))), None)
            if found:
                return found
        if _TABLENAME_FUNC.match(text):
            for later in body[i + 1:i + 6]:
                r = _RETURN_LITERAL.match(later)
                if r:
                    return r.group(1)
    if any(_ABSTRACT.match(text) for text in body) or _DECLARATIVE.search(bases):
        return f"?{name}"
    if "table=True" in bases:
        if _sqlmodel_named(naming):
            return table_for_class(name, naming) or name.lower()
        return name.lower()  # SQLModel's default table name
    if schema_class(lines, bases) or _sqlmodel_named(naming):
        # a pydantic or SQLModel schema: the project's naming never applies; where SQLModel
        # names every table, a class without table=True maps none
        return f"?{name}"
    if bases.strip() in ("", "object"):
        return f"?{name}"  # a mixin: its columns land in the tables of its subclasses
    return table_for_class(name, naming) or f"?{name}"


# the names a file binds to pydantic's BaseModel or SQLModel: applications name their own
# declarative base BaseModel too (mage-ai, openrelik-server, timesketch)
_SCHEMA_IMPORT = re.compile(
    r"^from\s+(?:pydantic|sqlmodel)(?:\.[\w.]+)?\s+import\s+(\([^)]*\)|[^\n]*)", re.M)
_SCHEMA_NAME = re.compile(r"\b(BaseModel|SQLModel)\b(?:\s+as\s+(\w+))?")


# per file (the lines object, kept alive here so that its id is not reused): its schema base
# names and its class headers by name, which class_table asks for once per column
_FILE_FACTS: dict[int, tuple[Sequence[str], frozenset[str], dict[str, str]]] = {}


def _file_facts(lines: Sequence[str]) -> tuple[frozenset[str], dict[str, str]]:
    """``pydantic.BaseModel``, ``sqlmodel.SQLModel`` and the names the file imports them as;
    the bases of each class the file declares, by name."""
    found = _FILE_FACTS.get(id(lines))
    if found is None or found[0] is not lines:
        names = {"pydantic.BaseModel", "sqlmodel.SQLModel"}
        for m in _SCHEMA_IMPORT.finditer("\n".join(lines)):
            names |= {n.group(2) or n.group(1) for n in _SCHEMA_NAME.finditer(m.group(1))}
        classes = {}
        for i, text in enumerate(lines):
            if text.lstrip().startswith("class") and (header := class_header(lines, i)):
                classes.setdefault(header[1], header[2])
        if len(_FILE_FACTS) > 16:
            _FILE_FACTS.clear()
        found = _FILE_FACTS[id(lines)] = (lines, frozenset(names), classes)
    return found[1], found[2]


def schema_class(lines: Sequence[str], bases: str, depth: int = 0) -> bool:
    """Whether a class with these bases is a pydantic model or a SQLModel without
    ``table=True``, following bases declared in the same file (eigent's ``ChatStepIn``,
    ``ConfigCreate``; full-stack-fastapi-template's ``UserCreate(UserBase)``): it maps no
    table, whatever naming the project's mapped classes take."""
    names = [b.strip() for b in bases.split(",") if b.strip() and "=" not in b]
    if not names or depth > 5 or "table=True" in bases.replace(" ", ""):
        return False
    schemas, classes = _file_facts(lines)
    for base in names:
        if base in schemas:
            continue
        parent = classes.get(base)
        if parent is None or not schema_class(lines, parent, depth + 1):
            return False
    return True


_LEADING_STRING = re.compile(r"""\s*["']([^"']+)["']""")


def core_table(lines: Sequence[str], index: int) -> str | None:
    """The ``Table("name", ...)`` call a Core column line sits in: the nearest one above it,
    however long the call (osparc-simcore's run to 150 lines), up to the statement at the left
    margin that opens it."""
    for i in range(index, -1, -1):
        if i < index and lines[i][:1] not in ("", " ", "\t", "\n", "#", ")", "]"):
            m = _TABLE_CALL.search(lines[i])
            if m or "Table(" not in lines[i]:
                return m.group(1) if m else None
            # the name on a later line, past comments (osparc-simcore's services_meta_data)
            for later in lines[i + 1:index]:
                if later.strip() and not later.strip().startswith("#"):
                    name = _LEADING_STRING.match(later)
                    return name.group(1) if name else None
            return None
        m = _TABLE_CALL.search(lines[i])
        if m:
            return m.group(1)
        if i + 1 < len(lines) and _TABLE_CALL.search(lines[i] + lines[i + 1].strip()):
            m2 = _TABLE_CALL.search(lines[i] + lines[i + 1].strip())
            return m2.group(1) if m2 else None
    return None


def top_level(args: str) -> str:
    """The call's own arguments, nested calls' arguments blanked (``ForeignKey(name=...)``)."""
    out, depth = [], 0
    for ch in args:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                break
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def declared_name(line: str) -> tuple[str, str] | None:
    """(attribute or "", DB column name) declared on this line, if it starts a column."""
    m = _ASSIGNED.match(line)
    if m:
        attribute, rest = m.group(2), top_level(m.group(3))
        db = _DB_NAME.match(rest) or _NAME_KW.search(rest) or _SA_COLUMN_NAME.search(m.group(3))
        return attribute, db.group(1) if db else attribute
    m = _CORE.match(line)
    if m:
        return "", m.group(2)
    return None


_RETURN_CALL = re.compile(rf"^(\s*)return\s+{_CALL}(.*)$")
_DEF = re.compile(r"^\s*def\s+([A-Za-z_]\w*)\s*\(")


def declared_attr_column(lines: Sequence[str], index: int) -> tuple[str, str] | None:
    """(attribute, DB column name) of a mixin's ``declared_attr`` column, when
    ``lines[index]`` is the ``return Column(...)`` of ``@declared_attr def name(cls):``."""
    m = _RETURN_CALL.match(lines[index])
    if m is None:
        return None
    depth = len(m.group(1))
    for i in range(index - 1, -1, -1):
        text = lines[i]
        if not text.strip() or _indent(text) >= depth:
            continue  # the function's docstring and comments
        d = _DEF.match(text)
        if d is None:
            return None  # a return under an `if`, or outside a function
        above = i - 1
        while above >= 0 and lines[above].lstrip().startswith("@"):
            if "declared_attr" in lines[above]:
                whole = _RETURN_CALL.match(statement(lines, index))
                rest = top_level(whole.group(2) if whole else m.group(2))
                db = _DB_NAME.match(rest) or _NAME_KW.search(rest)
                return d.group(1), db.group(1) if db else d.group(1)
            above -= 1
        return None
    return None


_ANNOTATED = re.compile(r"^(\s+)([A-Za-z_]\w*)\s*:\s*([^=#]+?)\s*(?:=\s*(.*))?$")


def sqlmodel_field(line: str) -> tuple[str, str] | None:
    """A SQLModel field without a call, ``name: str`` or ``name: bool = True``: in a table
    class (or a base one inherits) it is a column."""
    m = _ANNOTATED.match(line)
    if m is None or m.group(2).startswith("__") or m.group(2) == "model_config":
        return None
    annotation, value = m.group(3), (m.group(4) or "").strip()
    if re.match(r"(typing\.)?(ClassVar|Mapped)\b|list\[|List\[", annotation):
        return None
    if value.startswith(("Relationship(", "Field(", "Column(")):
        return None  # a relationship; the calls are read by declared_name
    return m.group(2), m.group(2)


_MAPPED_ONLY = re.compile(r"""^(\s*)([A-Za-z_]\w*)\s*:\s*(["']?)(?:[A-Za-z_][\w.]*\.)?"""
                          r"Mapped\[(.*)\]\3\s*(?:#.*)?$")
# the inner type of a relationship: a collection, or a forward reference to a (mapped) class
_COLLECTION = re.compile(r"(?:typing\.)?(?:list|List|set|Set|Sequence|Collection|Iterable"
                         r"|WriteOnlyCollection|DynamicMapped)\[(.*)\]$")
_OPTIONAL_INNER = re.compile(r"^(?:typing\.)?(?:Optional|Union)\[(.*)\]$")


def mapped_annotation(line: str, classes: Collection[str] = ()) -> tuple[str, str] | None:
    """(attribute, column) of a SQLAlchemy 2.0 column declared by its annotation alone,
    ``name: Mapped[str]`` / ``name: Mapped[Optional[int]]`` (no value: ``= mapped_column(...)``
    is ``declared_name``'s, ``= relationship(...)`` no column). A ``Mapped`` of a collection
    (``Mapped[list["Item"]]``) or of a class (``Mapped["User"]``, or one of ``classes``, the
    mapped classes of the file) is a relationship's annotation, not a column."""
    m = _MAPPED_ONLY.match(line)
    if m is None or m.group(2).startswith("__"):
        return None
    end = _annotation_end(line)
    if end is not None and "=" in line[end:].split("#")[0]:
        # `orders: Mapped[List[Order]] = []` (freqtrade's unmapped LocalTrade): the greedy
        # match ran into a value, so this is an assignment, not an annotation alone
        return None
    inner, quoted = m.group(4).strip(), False
    while True:
        if len(inner) > 1 and inner[0] == inner[-1] and inner[0] in "\"'":
            inner, quoted = inner[1:-1].strip(), True
            continue
        opt = _OPTIONAL_INNER.match(inner)
        parts = [p.strip() for p in top_level_split(opt.group(1) if opt else inner,
                                                    "," if opt else "|")]
        rest = [p for p in parts if p != "None"]
        if len(rest) == 1 and (opt or len(parts) > 1):
            inner = rest[0]
            continue
        break
    collection = _COLLECTION.match(inner)
    if collection is not None:  # list["Item"] is a relationship's, list[str] an ARRAY column
        element = collection.group(1).strip().strip("\"'")
        return None if element in classes or re.fullmatch(r"[A-Z]\w*", element) else (
            m.group(2), m.group(2))
    if inner in classes:
        return None
    if quoted and re.fullmatch(r"[A-Z]\w*", inner):
        return None  # a forward reference to a class: a relationship's
    return m.group(2), m.group(2)


def _annotation_end(line: str) -> int | None:
    """Where the ``Mapped[...]`` of ``line`` closes (the index after its ``]``)."""
    start = line.find("Mapped[")
    depth = 0
    for i in range(start + len("Mapped"), len(line)) if start >= 0 else ():
        depth += {"[": 1, "]": -1}.get(line[i], 0)
        if depth == 0:
            return i + 1
    return None


def top_level_split(text: str, sep: str) -> list[str]:
    """``text`` split at ``sep`` outside brackets."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == sep and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    return [*parts, text[start:]]


def mapped_classes(lines: Sequence[str], naming: str | None) -> set[str]:
    """The classes of a file that have a table (what a ``Mapped[X]`` relationship points at)."""
    found = set()
    for i in range(len(lines)):
        header = class_header(lines, i)
        if header and "Enum" not in header[2] and not class_table(
                lines, i, naming, header[1], header[2]).startswith("?"):
            found.add(header[1])
    return found


_EXPLICIT_TABLE = re.compile(r"^\s+__table__\s*=")


def explicit_table(lines: Sequence[str], start: int) -> bool:
    """The class at ``lines[start]`` is mapped to a Table it is given (``__table__ = ...``)."""
    depth = _indent(lines[start])
    for text in lines[start + 1:]:
        if text.strip() and _indent(text) <= depth and not text.lstrip().startswith(("#", ")")):
            return False
        if _EXPLICIT_TABLE.match(text):
            return True
    return False


def in_class_body(lines: Sequence[str], index: int) -> bool:
    """``lines[index]`` is a statement of a class body itself, not one under an ``if``
    (``if TYPE_CHECKING:``), a ``def`` or a nested block of it."""
    depth = _indent(lines[index])
    for i in range(index - 1, -1, -1):
        text = lines[i]
        if not text.strip() or text.lstrip().startswith("#") or _indent(text) >= depth:
            continue
        if text.lstrip().startswith((")", "]", "}")):
            continue  # the end of a class header spread over lines
        header = class_header(lines, i)
        return header is not None and header[0] < depth
    return False


def parse_added_lines(diff: str) -> dict[str, tuple[list[tuple[int, str]], list[str]]]:
    """Per file: the added lines with their new line numbers, and the removed lines."""
    files: dict[str, tuple[list[tuple[int, str]], list[str]]] = {}
    path: str | None = None
    new_line = 0
    for raw in diff.splitlines():
        if raw.startswith("+++ "):
            path = raw[6:] if raw.startswith("+++ b/") else None
            if path is not None:
                files.setdefault(path, ([], []))
            continue
        if raw.startswith("--- ") or raw.startswith("diff --git"):
            continue
        m = _HUNK.match(raw)
        if m:
            new_line = int(m.group(1))
            continue
        if path is None:
            continue
        if raw.startswith("+"):
            files[path][0].append((new_line, raw[1:]))
            new_line += 1
        elif raw.startswith("-"):
            files[path][1].append(raw[1:])
        elif raw.startswith(" "):
            new_line += 1
    return files


def enclosing_field(lines: Sequence[str], index: int, limit: int = 15) -> tuple[int, str] | None:
    """(index, attribute) of the ``name: T = Field(`` statement whose argument line
    ``lines[index]`` is, if it is one."""
    indent = len(lines[index]) - len(lines[index].lstrip())
    for i in range(index - 1, max(-1, index - limit), -1):
        text = lines[i]
        if not text.strip() or len(text) - len(text.lstrip()) >= indent:
            continue
        m = _ASSIGNED.match(text)
        if m is None or logical_line(lines, i, limit)[1] < index:
            return None
        return i, m.group(2)
    return None


def statement(lines: Sequence[str], index: int, limit: int = 15) -> str:
    """The logical line starting at ``lines[index]``: joined until its brackets close."""
    return logical_line(lines, index, limit)[0]


def logical_line(lines: Sequence[str], index: int, limit: int) -> tuple[str, int]:
    """``statement`` and the index of the last line it joined."""
    parts, depth, end = [], 0, index
    for end in range(index, min(index + limit, len(lines))):
        text = lines[end]
        code = re.sub(r"""(["'])(?:\\.|(?!\1).)*\1""", '""', text.split("#", 1)[0])
        depth += sum(code.count(c) for c in "([{") - sum(code.count(c) for c in ")]}")
        parts.append(text.strip())
        if depth <= 0:
            break
    return " ".join(parts), end


def subclasses_with_tables(lines: Sequence[str], name: str, naming: str | None,
                           depth: int = 0) -> list[tuple[str, str]]:
    """(class, table) of the classes in this file that inherit ``name`` and have a table."""
    out: list[tuple[str, str]] = []
    if depth > 5:
        return out
    for i in range(len(lines)):
        header = class_header(lines, i)
        if not header or not re.search(rf"\b{re.escape(name)}\b", header[2]):
            continue
        child = header[1]
        table = class_table(lines, i, naming, child, header[2])
        if table.startswith("?"):
            out += subclasses_with_tables(lines, child, naming, depth + 1)
        else:
            out.append((child, table))
    return out


def added_columns(diff: str, read_new: Any, naming: str | None,
                  read_old: Any = None) -> list[Added]:
    """The columns a diff adds or rewrites (``changed``: a ``-`` line of the same file
    declared the same name). ``read_new(path)`` gives the file's new text; with
    ``read_old(path)`` (the parent's text), a column whose table already had it in a file the
    diff removes lines from counts as ``changed`` too: moved (a models module split in two,
    a renamed file), not added; a rewritten column of a table that had another name before
    counts as added (a new key, which no rule of the old name covers).

    A column declared in a class without a table (a mixin, a SQLModel base) counts once per
    class of the same file that inherits it and has a table; in a SQLModel schema class that no
    table inherits (``UserCreate``) it is no column at all. A mixin's ``@declared_attr``
    function returning a column declares the column named after the function.
    """
    out: list[Added] = []
    for path, (plus, minus) in parse_added_lines(diff).items():
        lines = (read_new(path) or "").splitlines()
        sqlmodel = "SQLModel" in "\n".join(lines)

        def decl_of(text: str, sqlmodel: bool = sqlmodel) -> tuple[str, str] | None:
            return declared_name(text) or (sqlmodel_field(text) if sqlmodel else None)

        def mixin_decl(index: int, lines: list[str] = lines) -> tuple[str, str] | None:
            return declared_attr_column(lines, index) if 0 <= index < len(lines) else None

        classes: set[str] | None = None

        def mapped_decl(index: int, lines: list[str] = lines) -> tuple[str, str] | None:
            nonlocal classes
            if not 0 <= index < len(lines) or "Mapped[" not in lines[index]:
                return None
            if classes is None:
                classes = mapped_classes(lines, naming)
            found = mapped_annotation(statement(lines, index), classes)
            return found if found and in_class_body(lines, index) else None

        gone = [d for text in minus if (d := decl_of(text))]
        removed = {d[1] for d in gone} | {d[0] for d in gone if d[0]}
        removed |= {d[0] for text in minus if (d := mapped_annotation(text))}
        removed |= {m.group(1) for text in minus if (m := _WRAPPED.match(text))}
        def spread_core(index: int, lines: list[str] = lines) -> tuple[str, str] | None:
            # `sa.Column(` alone, its name on the next line (LinOTP's Core Tables before black)
            if not 0 <= index < len(lines) or not _OPEN_COLUMN.match(lines[index]):
                return None
            return decl_of(statement(lines, index))

        candidates = [(n, text) for n, text in plus
                      if decl_of(text) or mixin_decl(n - 1) or mapped_decl(n - 1)
                      or spread_core(n - 1)]
        seen: set[tuple[str, str]] = set()
        for n, text in candidates:
            index = n - 1
            full = statement(lines, index) if 0 <= index < len(lines) else text
            only = mapped_decl(index)
            decl = decl_of(full) or decl_of(text) or mixin_decl(index) or only
            if decl is None or (sqlmodel_field(text) and not in_class_body(lines, index)):
                continue  # an annotated parameter or local of a method is no field
            if decl[0] == "sa_column":
                # the `sa_column=Column(...)` line of a Field(...) spread over lines (bisheng):
                # the column is the field's, named by the Column's literal if it has one
                field_at = enclosing_field(lines, index)
                if field_at is None:
                    continue
                index, name = field_at
                decl = (name, decl[1] if decl[1] != "sa_column" else name)
            attribute, column = decl
            changed = column in removed or bool(attribute and attribute in removed)
            targets: list[tuple[str | None, str]] = []
            if not 0 <= index < len(lines):
                targets = [(None, "?")]
            elif not attribute:
                targets = [(None, core_table(lines, index) or "?")]
            else:
                found = enclosing_class(lines, index)
                if found is None:
                    targets = [(None, core_table(lines, index) or "?")]
                else:
                    start, class_name, bases = found
                    table = class_table(lines, start, naming, class_name, bases)
                    if table.startswith("?"):
                        targets = list(subclasses_with_tables(lines, class_name, naming))
                        if not targets and "table=True" not in bases and (
                                schema_class(lines, bases)
                                or _sqlmodel_named(naming)
                                or (sqlmodel and "SQLModel" in bases + "".join(lines[:start]))):
                            continue  # a pydantic schema, not a table
                        targets = targets or [(class_name, table)]
                    else:
                        targets = [(class_name, table)]
                    if decl is only and (all(t.startswith("?") for _c, t in targets)
                                         or explicit_table(lines, start)):
                        # a type hint: the class is mapped imperatively or from a Core
                        # Table (ckan's `id: Mapped[str]` beside map_imperatively), whose
                        # columns are the Table's own lines
                        continue
            for class_name, table in targets:
                if (table, column) in seen:
                    continue  # the Field's line and its sa_column line name one column
                seen.add((table, column))
                out.append(Added(path, index + 1, class_name, table, column, full[:200],
                                 changed))
    if read_old is None:
        return out
    before = declared_before(diff, read_old, naming)
    tables_before = {table for table, _column in before}
    # A renamed table's columns are new keys: the rules of the old name no longer cover them,
    # so they count as added even where their lines were only rewritten. Only a name the
    # diff itself writes as a literal counts: a name the text guesses from a naming rule
    # may belong to another class than before (prefect's mixins became models).
    named = named_by_diff(diff)
    out = [replace(a, changed=True) if not a.changed and a.key in before
           else replace(a, changed=False) if a.changed and a.table in named
           and a.table not in tables_before
           else a for a in out]
    return out + added_without_lines(diff, read_new, read_old, naming, {a.key for a in out})


_OLD_PATH = re.compile(r"^--- a/(.+)$", re.M)
_NEW_PATH = re.compile(r"^\+\+\+ b/(.+)$", re.M)
_VERSIONED = re.compile(r"^\s+__versioned__\s*=")
_LITERAL_TABLE = re.compile(
    r"""(?:__tablename__\s*=\s*(?:\w+\s*=\s*)*|\bTable\(\s*)["'](\w+)["']""")


def named_by_diff(diff: str, path: str | None = None) -> set[str]:
    """The table names the diff's ``+`` lines write as literals (``__tablename__ = "x"``,
    ``Table("x", ...)``), in one file or in all."""
    return {m.group(1) for p, (plus, _minus) in parse_added_lines(diff).items()
            if path is None or p == path for _n, line in plus
            for m in _LITERAL_TABLE.finditer(line)}


def _declared(text: str, naming: str | None) -> list[Added]:
    """Every column a whole file declares, with its table (read as a diff adding the file)."""
    lines = text.splitlines()
    whole = ("--- /dev/null\n+++ b/f\n"
             f"@@ -0,0 +1,{len(lines)} @@\n" + "".join(f"+{line}\n" for line in lines))
    return added_columns(whole, lambda _p: text, naming)


def added_without_lines(diff: str, read_new: Any, read_old: Any, naming: str | None,
                        have: set[tuple[str, str]]) -> list[Added]:
    """Columns a diff adds without touching their lines: every column of a table that had
    another name before in the same file (``__tablename__`` or ``Table("...")`` renamed: new
    keys, which no rule of the old name covers), and the SQLAlchemy-Continuum history copy
    (``<table>_version``) of every column of a class the diff makes ``__versioned__``."""
    out: list[Added] = []
    added_lines = parse_added_lines(diff)
    for path in dict.fromkeys(_NEW_PATH.findall(diff)):
        text = read_new(path)
        if not text:
            continue
        now = [replace(a, path=path) for a in _declared(text, naming)
               if not a.table.startswith("?")]
        old = read_old(path)
        old_tables = {a.table for a in _declared(old, naming)} if old else set()
        named = named_by_diff(diff, path)
        fresh = [a for a in now if old and a.table in named and a.table not in old_tables]
        lines = text.splitlines()
        for n, line in added_lines.get(path, ([], []))[0]:
            found = enclosing_class(lines, n - 1) if _VERSIONED.match(line) else None
            if found is not None:
                fresh += [replace(a, table=f"{a.table}_version") for a in now
                          if a.class_name == found[1]]
        for a in fresh:
            if a.key not in have:
                have.add(a.key)
                out.append(replace(a, changed=False))
    return out


def declared_in_tree(git_dir: Path, commit: str, globs: Sequence[str], naming: str | None,
                     cache: dict[str, set[tuple[str, str]]]) -> set[tuple[str, str]]:
    """(table, column) declared by every model file of ``commit`` (``globs``), each blob read
    once across the commits of a project (``cache``, by blob sha)."""
    # ls-tree takes no glob pathspecs: the whole listing, filtered here
    listing = git(git_dir, "ls-tree", "-r", "--full-tree", commit).decode("utf-8", "replace")
    keys: set[tuple[str, str]] = set()
    for line in listing.splitlines():
        meta, _tab, path = line.partition("\t")
        kind_sha = meta.split()
        if len(kind_sha) < 3 or kind_sha[1] != "blob" or not matches_any(path, globs):
            continue
        sha = kind_sha[2]
        if sha not in cache:
            try:
                text = git(git_dir, "cat-file", "blob", sha).decode("utf-8", "replace")
            except RuntimeError:
                text = ""  # listed, not held (a partial mirror): nothing it declares is known
            cache[sha] = {a.key for a in _declared(text, naming)}
        keys |= cache[sha]
    return keys


def declared_before(diff: str, read_old: Any, naming: str | None) -> set[tuple[str, str]]:
    """(table, column) declared in the parent's version of the files the diff removes from
    ("?Class" for a table the text cannot name)."""
    keys: set[tuple[str, str]] = set()
    for path in dict.fromkeys(_OLD_PATH.findall(diff)):
        text = read_old(path)
        if not text:
            continue
        lines = text.splitlines()
        whole = (f"--- a/{path}\n+++ b/{path}\n@@ -0,0 +1,{len(lines)} @@\n"
                 + "".join(f"+{line}\n" for line in lines))
        keys |= {a.key for a in added_columns(whole, lambda _p, t=text: t, naming)}
    return keys


# ---------------------------------------------------------------------------- labels


def label_index(project: str, pin_labels: Sequence[LabelRow] | None,
                replay_labels: Sequence[LabelRow]) -> dict[tuple[str, str], LabelRow]:
    index: dict[tuple[str, str], LabelRow] = {}
    for r in replay_labels:
        if r.project == project:
            index[r.key] = r
    for r in pin_labels or ():
        index[r.key] = r  # the pin's labels win: they were set with the whole schema in view
    return index


# ---------------------------------------------------------------------------- replaying


def _git_repo(root: Path, *args: str, input: bytes | None = None,
              env: Mapping[str, str] | None = None) -> str:
    proc = subprocess.run(["git", "-C", str(root), *args], input=input, capture_output=True,
                          check=False, env={**os.environ, **GIT_ENV, **(env or {})})
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace')}")
    return proc.stdout.decode().strip()


class ThrowawayRepo:
    """A git repo whose objects come from the mirror (alternates): commits are built from
    filtered trees without writing a single source file."""

    def __init__(self, root: Path, mirror: Path, project: Project, whole: bool = True) -> None:
        self.root = root
        self.mirror = mirror
        self.project = project
        self.whole = whole  # every .py file, as a checkout has them (the code evidence reads them)
        _git_repo(root, "init", "--quiet")
        alternates = root / ".git" / "objects" / "info" / "alternates"
        alternates.write_text(str((mirror / "objects").resolve()) + "\n", encoding="utf-8")
        config = to_toml(project.reviewer_config(history=True))
        (root / ".masking-reviewer.toml").write_text(config, encoding="utf-8")
        self.extra = {
            ".masking-reviewer.toml": _git_repo(root, "hash-object", "-w", "--stdin",
                                                input=config.encode()),
            "masking_rules.json": _git_repo(root, "hash-object", "-w", "--stdin",
                                            input=EMPTY_RULES.encode()),
        }
        self.index = root / ".git" / "replay-index"
        # each commit's files, listed once: --adopted builds the pull request twice, the
        # second time with the rules the first one's base gave
        self._files: dict[str, list[tuple[str, str]]] = {}
        self._links: dict[str, list[tuple[str, str]]] = {}
        self._present: dict[str, bool] = {}  # blob -> whether the mirror holds it

    def tree(self, commit: str) -> str:
        entries = self._files.get(commit)
        if entries is None:
            listed = [(sha, path) for sha, path in tree_files(self.mirror, commit, self.project,
                                                              self.whole)
                      if path != self.project.licence_file]
            absent = self._absent([sha for sha, _ in listed])
            # a snapshot may list its largest files without them (lear's NAICS data
            # migrations): no model code, and git cannot build a tree naming a missing blob
            entries = self._files[commit] = [(sha, path) for sha, path in listed
                                             if sha not in absent]
        lines = [f"100644 blob {sha}\t{path}" for sha, path in entries]
        lines += [f"{SYMLINK} blob {sha}\t{path}" for sha, path in self._link_entries(commit)]
        lines += [f"100644 blob {sha}\t{path}" for path, sha in self.extra.items()]
        env = {"GIT_INDEX_FILE": str(self.index)}
        _git_repo(self.root, "read-tree", "--empty", env=env)
        _git_repo(self.root, "update-index", "--index-info",
                  input=("\n".join(lines) + "\n").encode(), env=env)
        return _git_repo(self.root, "write-tree", env=env)

    def _absent(self, shas: Sequence[str]) -> set[str]:
        """The blobs of ``shas`` the mirror does not hold, asked once each."""
        unknown = sorted({sha for sha in shas if sha not in self._present})
        if unknown:
            out = _git_repo(self.mirror, "cat-file", "--batch-check",
                            input=("\n".join(unknown) + "\n").encode())
            missing = {line.split()[0] for line in out.splitlines() if line.endswith(" missing")}
            self._present.update((sha, sha not in missing) for sha in unknown)
        return {sha for sha in shas if not self._present[sha]}

    def _link_entries(self, commit: str) -> list[tuple[str, str]]:
        links = self._links.get(commit)
        if links is None:
            links = self._links[commit] = tree_links(self.mirror, commit, self.project,
                                                     self.whole)
        return links

    def pull_request(self, parent: str, commit: str) -> tuple[str, str]:
        base = _git_repo(self.root, "commit-tree", self.tree(parent), "-m", f"base {parent}")
        head = _git_repo(self.root, "commit-tree", self.tree(commit), "-p", base, "-m",
                         f"head {commit}")
        _git_repo(self.root, "update-ref", "refs/heads/main", head)
        _git_repo(self.root, "symbolic-ref", "HEAD", "refs/heads/main")
        return base, head


def preload_reviewer() -> None:
    """Import the reviewer once in this process, so that every forked run starts warm.

    A run is a forked child that calls ``reviewer.cli.main(argv)``: the same entry point as
    the ``reviewer`` command, without paying Python's start-up and the imports (~0.3 s of
    CPU) a few hundred times. Each run still gets a process of its own: no state is shared.
    """
    sys.path.insert(0, str(REPO))
    for module in ("reviewer.cli", "reviewer.commands", "reviewer.review", "reviewer.gitdiff",
                   "reviewer.formatters", "libcst", "jsonschema", "unidiff"):
        with contextlib.suppress(ImportError):
            importlib.import_module(module)


@dataclass(frozen=True, slots=True)
class Task:
    """One replayed pull request, as a forked child runs it."""

    key: int
    project: Project
    git_dir: Path
    parent: str
    commit: str
    # the child's own throwaway repository goes here, in a directory of its own and named
    # like the repository's clone; the output and error files go beside that directory
    workdir: Path
    cache_dir: str
    whole: bool = True
    # --adopted: the label of each (table, column), for the rules a team that adopted the tool
    # would have at the base; None: an empty rules file, as a team adopting it starts
    masked: Mapping[tuple[str, str], str] | None = None

    @property
    def output(self) -> Path:
        return self.workdir.parent.with_suffix(".json")

    @property
    def errors(self) -> Path:
        return self.workdir.parent.with_suffix(".err")


def _child(task: Task) -> int:
    """Build the two-commit repository and run ``reviewer diff`` on it (in the child)."""
    task.workdir.mkdir(parents=True)
    repo = ThrowawayRepo(task.workdir, task.git_dir, task.project, task.whole)
    base, _ = repo.pull_request(task.parent, task.commit)
    os.chdir(task.workdir)
    os.environ.clear()
    os.environ.update({**reviewer_env(task.cache_dir), **GIT_ENV})
    if task.masked is not None:
        rules = adopted_rules(task.workdir, base, task.masked)
        repo.extra["masking_rules.json"] = _git_repo(task.workdir, "hash-object", "-w",
                                                     "--stdin", input=rules.encode())
        base, _ = repo.pull_request(task.parent, task.commit)
    from reviewer.cli import main as reviewer_main

    return reviewer_main(["diff", "--root", str(task.workdir), "--base", base, "--format",
                          "json", "--no-ai", "--output", str(task.output)])


# the labels of LABELING.md as the reviewer's categories: the rule a team writes for each
LABEL_CATEGORY: Mapping[str, Category] = {
    "credential": "credential", "pii_direct": "direct_identifier",
    "pii_quasi": "quasi_identifier", "free_text": "free_text",
}


def adopted_rules(root: Path, base: str, labels: Mapping[tuple[str, str], str]) -> str:
    """The rules file of a team that adopted the tool before this pull request: a rule for
    every column of the base the labels call sensitive, with the reviewer's own default
    strategy for its category (what ``reviewer fix`` writes). Only columns the reviewer
    reads at the base get one, so no rule is stale before the change."""
    from reviewer.config import load_config
    from reviewer.policy import default_rule
    from reviewer.review import snapshot
    from reviewer.rules_store import add_rules
    from reviewer.sources import GitTree

    tree = GitTree(root, base)
    snap = snapshot(tree, load_config(str(root), tree))
    rules: dict[tuple[str, str], Rule] = {}
    for column in snap.inventory.columns:
        category = LABEL_CATEGORY.get(labels.get(column.key, "none"))
        if category is not None and column.key not in rules:
            rules[column.key] = default_rule(
                column, Classification(category, "high", "the team's label"))
    return add_rules(EMPTY_RULES, list(rules.values()), path="masking_rules.json")


def run_tasks(tasks: Sequence[Task], jobs: int) -> dict[int, tuple[int, str]]:
    """Run every task in a forked child, ``jobs`` at a time: key -> (exit code, stderr)."""
    preload_reviewer()
    pending = list(tasks)
    running: dict[int, Task] = {}
    done: dict[int, tuple[int, str]] = {}
    while pending or running:
        while pending and len(running) < max(1, jobs):
            task = pending.pop(0)
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:  # the child: never returns into the parent's code
                code = 3
                try:
                    fd = os.open(task.errors, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
                    os.dup2(fd, 2)
                    devnull = os.open(os.devnull, os.O_WRONLY)
                    os.dup2(devnull, 1)
                    code = _child(task)
                except BaseException as exc:  # report, never return into the parent's loop
                    print(f"replay child failed: {type(exc).__name__}: {exc}", file=sys.stderr)
                finally:
                    sys.stderr.flush()
                    os._exit(code)
            running[pid] = task
        pid, status = os.wait()
        task = running.pop(pid)
        err = task.errors.read_text(encoding="utf-8", errors="replace").strip() \
            if task.errors.exists() else ""
        done[task.key] = (os.waitstatus_to_exitcode(status), err)
    return done


@dataclass(slots=True)
class AddedResult:
    path: str
    line: int
    table: str
    column: str
    label: str | None  # None: nobody labelled it yet
    seen: bool  # the reviewer reported the column added (or a finding on it)
    findings: list[dict[str, Any]] = field(default_factory=list)  # code, severity, category...
    changed: bool = False  # rewritten, not added: counts for "harmless-only", not as added

    @property
    def flagged(self) -> bool:
        return any(f["code"] in ("MR003", "MR004") for f in self.findings)

    @property
    def error(self) -> bool:
        return any(f["code"] in ("MR003", "MR004") and f["severity"] == "error"
                   for f in self.findings)


@dataclass(slots=True)
class PullRequest:
    project: str
    split: str
    commit: str
    date: str
    subject: str
    status: str  # "ok" or "failed: ..."
    blocking: bool = False  # the gate's verdict: pre-existing gaps of the base block too
    blocking_new: bool = False  # an error the change introduced: the verdict with a baseline
    blocking_new_noise: bool = False  # ... of them, by noise (see the module docstring)
    mr007: int = 0  # MR007 findings in the head
    mr007_new: int = 0  # of them, introduced by the change
    warnings: int = 0  # introduced findings of severity warning or error
    warnings_noise: int = 0
    added: list[AddedResult] = field(default_factory=list)
    new_findings: list[dict[str, Any]] = field(default_factory=list)  # introduced, any code

    @property
    def harmless_only(self) -> bool:
        """It adds columns, and every column it adds or rewrites is harmless."""
        return (any(not a.changed for a in self.added)
                and all(a.label == "none" for a in self.added))


def _finding_brief(f: Mapping[str, Any]) -> dict[str, Any]:
    brief = {k: f.get(k) for k in ("code", "severity", "category", "confidence", "introduced",
                                   "table", "column", "path", "line", "message")}
    # the similar fields the finding showed, and how each was masked (--adopted)
    brief["similar"] = [{"field": f"{s.get('class')}.{s.get('attribute')}",
                         "strategy": (s.get("rule") or {}).get("strategy"),
                         "score": s.get("score")} for s in f.get("similar") or ()]
    return brief


def judge_pull_request(pr: PullRequest, added: Sequence[Added], doc: Mapping[str, Any],
                       labels: Mapping[tuple[str, str], LabelRow]) -> None:
    findings = list(doc.get("findings", []))
    new = [f for f in findings if f.get("introduced") and not f.get("baselined")]
    pr.blocking = bool(doc.get("blocking"))
    pr.mr007 = sum(1 for f in findings if f["code"] == "MR007")
    pr.mr007_new = sum(1 for f in new if f["code"] == "MR007")
    pr.warnings = sum(1 for f in new if f["severity"] in ("warning", "error"))
    noise = {id(f) for f in new if f["code"] != "MR007" and not (
        (label := labels.get((f.get("table"), f.get("column")))) and label.label != "none")}
    pr.warnings_noise = sum(1 for f in new if id(f) in noise
                            and f["severity"] in ("warning", "error"))
    pr.new_findings = [_finding_brief(f) | {"noise": id(f) in noise} for f in new]
    errors = [f for f in new if f["severity"] == "error"
              and f.get("source", "deterministic") == "deterministic"]
    pr.blocking_new = bool(errors)
    pr.blocking_new_noise = any(id(f) in noise for f in errors)
    changed = {(c["table"], c["column"]) for c in doc.get("changes", [])
               if c["kind"] == "column-added"}
    changed_at = {(c["path"], c["line"]) for c in doc.get("changes", [])
                  if c["kind"] == "column-added"}
    for a in added:
        on = [f for f in new if f.get("code") != "MR007" and (
            (f.get("path"), f.get("line")) == (a.path, a.line)
            or (f.get("table"), f.get("column")) == a.key)]
        label = labels.get(a.key)
        pr.added.append(AddedResult(
            a.path, a.line, a.table, a.column, label.label if label else None,
            seen=bool(on) or a.key in changed or (a.path, a.line) in changed_at,
            findings=[_finding_brief(f) for f in on], changed=a.changed,
        ))


@dataclass(slots=True)
class Planned:
    """A project's pull requests, read from its history before anything runs."""

    project: Project
    status: str
    prs: list[PullRequest] = field(default_factory=list)
    added: list[list[Added]] = field(default_factory=list)  # per pull request
    parents: list[str] = field(default_factory=list)
    labels: dict[tuple[str, str], LabelRow] = field(default_factory=dict)

    @property
    def unlabelled(self) -> list[Added]:
        return [a for added in self.added for a in added if a.key not in self.labels]


def plan_project(project: Project, mirrors: Path, cap: int, regex: str,
                 replay_labels: Sequence[LabelRow], labels_dir: Path = LABELS) -> Planned:
    """Select the commits and read, from the diff text alone, the columns each one adds."""
    git_dir = project.git_dir(mirrors)
    if not has_commit(git_dir, project.commit):
        return Planned(project, f"skipped: no mirror/pin at {git_dir}")
    globs = [*project.models, *project.history]
    naming = project.replay_naming or project.config.get("table-naming")
    plan = Planned(project, "ok", labels=label_index(
        project.name, labels_for(project.name, labels_dir), replay_labels))
    declared_cache: dict[str, set[tuple[str, str]]] = {}
    for c in select_commits(git_dir, project.commit, globs, regex, cap):
        if c.parent is None:
            continue
        diff = git(git_dir, "diff", "--no-color", "--no-ext-diff", "-U0", "--no-renames",
                   c.parent, c.sha, "--", *pathspecs(globs)).decode("utf-8", "replace")

        def read_new(path: str, sha: str = c.sha) -> str | None:
            try:
                return git(git_dir, "show", f"{sha}:{path}").decode("utf-8", "replace")
            except RuntimeError:
                return None

        def read_old(path: str, sha: str = c.parent) -> str | None:
            return read_new(path, sha)

        added = [a for a in added_columns(diff, read_new, naming, read_old)
                 if matches_any(a.path, globs)]
        if any(not a.changed for a in added):
            # a column some model file of the parent already declares is no new key, though
            # the diff leaves that file alone (lear copied legal-api's models into a shared
            # package and kept them)
            before = declared_in_tree(git_dir, c.parent, globs, naming, declared_cache)
            added = [replace(a, changed=True) if not a.changed and a.key in before else a
                     for a in added]
        plan.added.append(added)
        plan.parents.append(c.parent)
        plan.prs.append(PullRequest(project.name, project.split, c.sha, c.date, c.subject,
                                    "ok"))
    return plan


def project_cap(project: Project, cap: int | None) -> int:
    """Commits replayed for ``project``: ``--cap`` when given, else its ``replay-cap``."""
    if cap is not None:
        return cap
    return project.replay_cap or DEFAULT_CAP


def caps_text(caps: Mapping[str, int]) -> str:
    """``cap 30 commits per project``, with the projects that differ named."""
    counts = list(caps.values())
    common = max(sorted(set(counts)), key=counts.count) if counts else DEFAULT_CAP
    other = ", ".join(f"{name} {n}" for name, n in caps.items() if n != common)
    return f"cap {common} commits per project" + (f" ({other})" if other else "")


def replay(plans: Sequence[Planned], mirrors: Path, jobs: int, whole: bool = True,
           adopted: bool = False) -> None:
    """Run every planned pull request through ``reviewer diff`` and judge it."""
    with tempfile.TemporaryDirectory(prefix="mr-replay-") as tmp:
        cache = str(Path(tmp, "cache"))
        tasks: list[Task] = []
        where: dict[int, tuple[Planned, int]] = {}
        for plan in plans:
            if plan.status != "ok":
                continue
            masked = {k: r.label for k, r in plan.labels.items()} if adopted else None
            for i, pr in enumerate(plan.prs):
                key = len(tasks)
                where[key] = (plan, i)
                tasks.append(Task(key, plan.project, plan.project.git_dir(mirrors),
                                  plan.parents[i], pr.commit,
                                  Path(tmp, f"pr{key}", plan.project.checkout), cache, whole,
                                  masked))
        done = run_tasks(tasks, jobs)
        for task in tasks:
            plan, i = where[task.key]
            pr = plan.prs[i]
            code, err = done[task.key]
            doc = None
            if code in (0, 1) and task.output.exists():
                try:
                    doc = json.loads(task.output.read_text(encoding="utf-8"))
                except json.JSONDecodeError:
                    doc = None
            if doc is None:
                pr.status = f"failed: exit {code}: {err[-300:]}"
                continue
            judge_pull_request(pr, plan.added[i], doc, plan.labels)


# ---------------------------------------------------------------------------- reporting


@dataclass(frozen=True, slots=True)
class Summary:
    name: str
    prs: int
    failed: int
    mr007_runs: int
    mr007_new: int
    blocked: int
    blocked_new: int
    cred_added: int
    cred_flagged: int
    cred_error: int
    cred_not_read: int
    harmless: int
    harmless_warned: int
    harmless_warned_noise: int
    harmless_blocked: int
    harmless_blocked_new: int
    harmless_blocked_new_noise: int
    unlabelled: int


def summarise(name: str, prs: Sequence[PullRequest]) -> Summary:
    ok = [p for p in prs if p.status == "ok"]
    creds = [a for p in ok for a in p.added if a.label == "credential" and not a.changed]
    harmless = [p for p in ok if p.harmless_only]
    return Summary(
        name=name, prs=len(prs), failed=len(prs) - len(ok),
        mr007_runs=sum(1 for p in ok if p.mr007), mr007_new=sum(1 for p in ok if p.mr007_new),
        blocked=sum(1 for p in ok if p.blocking),
        blocked_new=sum(1 for p in ok if p.blocking_new),
        cred_added=len(creds), cred_flagged=sum(1 for a in creds if a.flagged),
        cred_error=sum(1 for a in creds if a.error),
        cred_not_read=sum(1 for a in creds if not a.seen),
        harmless=len(harmless), harmless_warned=sum(1 for p in harmless if p.warnings),
        harmless_warned_noise=sum(1 for p in harmless if p.warnings_noise),
        harmless_blocked=sum(1 for p in harmless if p.blocking),
        harmless_blocked_new=sum(1 for p in harmless if p.blocking_new),
        harmless_blocked_new_noise=sum(1 for p in harmless if p.blocking_new_noise),
        unlabelled=sum(1 for p in ok for a in p.added if a.label is None),
    )


def _frac(n: int, d: int) -> str:
    return f"{n}/{d} ({100 * n / d:.0f} %)" if d else "0/0"


def split_summaries(split: str, projects: Sequence[Project], prs: Sequence[PullRequest],
                    show_heldout: bool = False) -> list[Summary]:
    """The summary rows of ``split``: one per project, then the split's, then each named
    cohort's ("held-out B", "development C": batches added blind later) unless one cohort is
    the whole split. A held-out project's own row is left out unless ``show_heldout``: its
    aggregates are what is reported, and a project's row is detail enough to tune on."""
    in_split = [p for p in projects if p.split == split]
    per_project = split != "held-out" or show_heldout
    rows = [summarise(p.name, [x for x in prs if x.project == p.name])
            for p in in_split if per_project]
    rows.append(summarise(f"**{split}**", [x for x in prs if x.split == split]))
    rows += [summarise(f"**{c}**", [x for x in prs if x.project in {
        p.name for p in in_split if p.group == c}])
        for c in cohorts_of(split, (p.group for p in in_split))]
    return rows


def summary_table(rows: Sequence[Summary]) -> str:
    lines = [
        "| project | PRs | MR007 runs (new) | blocked: gate / new | credential cols added | "
        "flagged | flagged, blocking | not read | harmless-only PRs | warned | "
        "warned: noise | blocked: gate | blocked: new | blocked: new, noise | "
        "unlabelled cols |",
        "| --- |" + " ---: |" * 14,
    ]
    for s in rows:
        lines.append(
            f"| {s.name} | {s.prs}{f' ({s.failed} failed)' if s.failed else ''} | "
            f"{s.mr007_runs} ({s.mr007_new}) | {s.blocked} / {s.blocked_new} | {s.cred_added} | "
            f"{_frac(s.cred_flagged, s.cred_added)} | {_frac(s.cred_error, s.cred_added)} | "
            f"{s.cred_not_read} | {s.harmless} | {_frac(s.harmless_warned, s.harmless)} | "
            f"{_frac(s.harmless_warned_noise, s.harmless)} | "
            f"{_frac(s.harmless_blocked, s.harmless)} | "
            f"{_frac(s.harmless_blocked_new, s.harmless)} | "
            f"{_frac(s.harmless_blocked_new_noise, s.harmless)} | {s.unlabelled} |"
        )
    return "\n".join(lines)


def pr_details(prs: Sequence[PullRequest]) -> str:
    out = []
    for p in prs:
        interesting = [a for a in p.added
                       if a.label == "credential" and not a.changed and not a.error]
        noisy = p.harmless_only and (p.warnings_noise or p.blocking_new_noise)
        if p.status != "ok":
            out.append(f"{p.project} {p.commit[:10]} {p.subject[:60]}: {p.status}")
            continue
        if not interesting and not noisy:
            continue
        out.append(f"{p.project} {p.commit[:10]} {p.date} {p.subject[:70]}")
        for a in interesting:
            how = ", ".join(f"{f['code']} {f['severity']} {f['category']}/{f['confidence']}"
                            for f in a.findings) or ("not flagged" if a.seen else "not read")
            out.append(f"  credential {a.table}.{a.column} ({a.path}:{a.line}): {how}")
        if noisy:
            for f in p.new_findings:
                if f.get("noise") and f["severity"] in ("warning", "error"):
                    out.append(f"  harmless-only PR, {f['code']} {f['severity']}: {f['message']}")
    return "\n".join(out)


def write_unlabelled(path: Path, project_of: Mapping[int, str],
                     rows: Sequence[Added]) -> int:
    """A labels CSV to fill in (label empty); one row per (project, table, column)."""
    seen: set[tuple[str, str, str]] = set()
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(LABEL_HEADER)
        for i, a in enumerate(rows):
            key = (project_of[i], a.table, a.column)
            if key in seen:
                continue
            seen.add(key)
            w.writerow([project_of[i], a.path, a.table, a.column, "", "", a.text[:120]])
    return len(seen)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--project", action="append", metavar="NAME")
    parser.add_argument("--held-out", action="store_true",
                        help="also measure the held-out split (its aggregates only; details "
                             "need --show-heldout); without --project, only development is "
                             "measured")
    parser.add_argument("--cap", type=int, default=None,
                        help="commits per project, newest first (default: the project's "
                             f"replay-cap in projects.toml, else {DEFAULT_CAP})")
    parser.add_argument("--regex", default=DEFAULT_REGEX,
                        help="git log -G regex on the model files (default: %(default)s)")
    parser.add_argument("--labels", type=Path, default=LABELS, metavar="DIR")
    parser.add_argument("--replay-labels", type=Path, default=REPLAY_LABELS, metavar="CSV")
    parser.add_argument("--list-unlabelled", type=Path, metavar="OUT",
                        help="write the added columns nobody labelled to OUT and stop; the "
                             "reviewer is not run, so they can be labelled blind")
    parser.add_argument("--json", type=Path, metavar="OUT",
                        help="results file (default: benchmarks/results/replay-DATE.json)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="per pull request: credential columns not blocked, noisy "
                             "harmless PRs (development split only)")
    parser.add_argument("--show-heldout", action="store_true",
                        help="held-out projects' own summary rows, and their --verbose "
                             "details: only after tuning is frozen")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--adopted", action="store_true",
                        help="a team that adopted the tool: the base's rules file masks every "
                             "column the labels call sensitive (default: an empty rules file, "
                             "as a team adopting it starts)")
    parser.add_argument("--extract-only", action="store_true",
                        help="the throwaway repositories hold only each project's `extract` "
                             "paths, not all its Python files: no code evidence beyond them "
                             "(the figures before they held every file)")
    args = parser.parse_args(argv)

    projects = measured(load_projects(), args.project, args.held_out)
    replay_labels = load_labels(args.replay_labels) if args.replay_labels.is_file() else []
    started = time.perf_counter()
    caps = {p.name: project_cap(p, args.cap) for p in projects}
    plans = [plan_project(p, args.mirrors, caps[p.name], args.regex, replay_labels, args.labels)
             for p in projects]
    if args.list_unlabelled is not None:
        rows = [(plan.project.name, a) for plan in plans for a in plan.unlabelled]
        n = write_unlabelled(args.list_unlabelled, {i: name for i, (name, _) in enumerate(rows)},
                             [a for _, a in rows])
        print(f"{n} added column(s) without a label written to {args.list_unlabelled}")
        return 0
    replay(plans, args.mirrors, args.jobs, not args.extract_only, args.adopted)
    meta = machine_meta() | {"seconds": round(time.perf_counter() - started, 1),
                             "cap": caps, "regex": args.regex,
                             "rules": "adopted" if args.adopted else "empty",
                             "trees": "extract" if args.extract_only else "whole"}
    print(f"masking-reviewer {meta['reviewer_commit']}, {meta['date']}, {meta['seconds']} s, "
          f"{caps_text(caps)}, rules {meta['rules']}\n")
    all_prs: list[PullRequest] = []
    for plan in plans:
        if plan.status != "ok":
            print(f"{plan.project.name}: {plan.status}")
        all_prs += plan.prs
    summaries = []
    for split in SPLITS:
        rows = split_summaries(split, projects, all_prs, args.show_heldout)
        summaries += rows
        print(f"\n{split}\n\n{summary_table(rows)}")
    if args.verbose:
        for split in SPLITS:
            if split == "held-out" and not args.show_heldout:
                print("\n(held-out details are not shown: --show-heldout, only after tuning is "
                      "frozen)")
                continue
            print(f"\n{split}: credential columns not blocked, noisy harmless PRs\n")
            print(pr_details([x for x in all_prs if x.split == split]) or "  none")
    if not args.no_write:
        kind = "replay-adopted" if args.adopted else "replay"
        # to the minute: a replay is run in parts (development, then held-out), and a second
        # part of the same day overwrote the first
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H%M")
        out = args.json or RESULTS / f"{kind}-{stamp}.json"
        shown = {s for s in SPLITS if s == "development" or args.show_heldout}
        doc = {**meta, "summaries": [asdict(s) for s in summaries],
               "pull_requests": [asdict(x) for x in all_prs if x.split in shown]}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

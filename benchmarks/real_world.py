"""How well masking-reviewer reads real applications: the reader benchmark of issue 8.

    python benchmarks/real_world.py [--project NAME]... [--mirrors DIR] [--json OUT]
                                    [--verbose] [--keep DIR] [--no-write]

For every project of ``benchmarks/real_world/projects.toml`` it materialises the pinned tree
from the project's bare mirror (``--mirrors``, default /work/.mirror) into a temp dir outside
the repository (only the Python files under ``extract``, plus the licence), writes the
project's masking-reviewer configuration there and runs ``reviewer scan --format json
--no-cache`` on it, as a fresh subprocess of the masking-reviewer checkout this script lives in.
Per project it reports:

- files scanned, mapped classes and tables, columns found;
- ``MR007`` errors, split by the hand triage in ``real_world/mr007_triage.toml`` into
  *valid code* (the reader's failure: SQLAlchemy maps it) and *unreadable* (genuinely not
  readable statically). An error nobody has triaged yet counts as valid code;
- the columns found against the independent count in ``real_world/labels/<project>.csv``
  (one row per physical column, from SQLAlchemy's runtime metadata or a hand count):
  matched, missing (in the labels, not found) and extra (found, not in the labels) pairs of
  ``(table, column)``. Without a labels file the comparison is ``n/a``.

A missing mirror or pin is skipped with a note, never a crash. Results go to
``benchmarks/results/real-world-<date>.json`` (``--no-write`` to skip, ``--json OUT`` for
another path). ``--keep DIR`` leaves the materialised trees in DIR/<project>/<repository name>
for debugging (``reviewer scan --root DIR/<project>/<repository name>``). Deterministic: same
checkout, same figures.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import posixpath
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from reviewer.selection import glob_match

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CORPUS = HERE / "real_world"
PROJECTS = CORPUS / "projects.toml"
LABELS = CORPUS / "labels"
TRIAGE = CORPUS / "mr007_triage.toml"
RESULTS = HERE / "results"
DEFAULT_MIRRORS = Path("/work/.mirror")
SPLITS = ("development", "held-out")
LABEL_VALUES = ("credential", "pii_direct", "pii_quasi", "free_text", "none")
LABEL_HEADER = ("project", "path", "table", "column", "label", "public", "note")

Pair = tuple[str, str]


# ---------------------------------------------------------------------------- the corpus


@dataclass(frozen=True, slots=True)
class Project:
    name: str
    repo: str
    mirror: str
    commit: str
    licence: str
    licence_file: str
    split: str
    models: tuple[str, ...]
    extract: tuple[str, ...]
    exclude: tuple[str, ...] = ()
    config: Mapping[str, Any] = field(default_factory=dict)
    history: tuple[str, ...] = ()  # where the models lived before (replay only)
    replay_cap: int | None = None  # commits replayed when --cap is not given (replay only)
    # how the replay's text reading names a class's table when the class does not say and
    # the reviewer's table-naming does not fit ("lowercase": timesketch's declared_attr
    # returns cls.__name__.lower(); "lowercase-plural": tacker's, cls.__name__.lower() + 's');
    # replay only: the reviewer reads that declared_attr itself
    replay_naming: str | None = None
    # which blind batch a project came in, reported apart: held-out "A" (the first four) and "B"
    # (added when A had been measured so often that its aggregates began to steer); development
    # "C" (labelled blind and measured once before it joined development)
    cohort: str | None = None

    @property
    def group(self) -> str:
        """The row the benchmarks report the project in besides its split's own."""
        return f"{self.split} {self.cohort}" if self.cohort else self.split

    @property
    def checkout(self) -> str:
        """The directory a clone gets, named after the repository as ``git clone`` names it:
        what a package at the top of the repository is imported by (seafevents)."""
        return self.repo.rsplit("/", 1)[-1]

    def git_dir(self, mirrors: Path) -> Path:
        """``<mirrors>/<mirror>/repo``, the fetch tool's bare repository, or the ``.git`` in it
        when the snapshot came as a clone with a work tree (digitalmarketplace-api)."""
        repo = mirrors / self.mirror / "repo"
        return repo / ".git" if (repo / ".git").is_dir() else repo

    def reviewer_config(self, history: bool = False) -> dict[str, Any]:
        """The .masking-reviewer.toml keys: the project's config, ``models`` filled in
        (with the ``history`` globs too when replaying old commits)."""
        models = [*self.models, *(self.history if history else ())]
        return {"models": models, **dict(self.config)}


def cohorts_of(split: str, groups: Iterable[str]) -> list[str]:
    """The named cohorts of ``split`` reported apart, given the groups of its projects: none
    when one cohort is the whole split."""
    present = set(groups)
    return sorted(present - {split}) if len(present) > 1 else []


def load_projects(path: Path = PROJECTS) -> list[Project]:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for name, p in data.get("projects", {}).items():
        if p.get("split") not in SPLITS:
            raise ValueError(f"{path}: project {name}: split must be one of {SPLITS}")
        out.append(Project(
            name=name,
            repo=p["repo"],
            mirror=p["mirror"],
            commit=p["commit"],
            licence=p["licence"],
            licence_file=p["licence-file"],
            split=p["split"],
            models=tuple(p["models"]),
            extract=tuple(p["extract"]),
            exclude=tuple(p.get("exclude", ())),
            config=dict(p.get("config", {})),
            history=tuple(p.get("history", ())),
            replay_cap=_replay_cap(path, name, p.get("replay-cap")),
            replay_naming=p.get("replay-naming"),
            cohort=p.get("cohort"),
        ))
    return out


def _replay_cap(path: Path, name: str, value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{path}: project {name}: replay-cap must be a positive integer")
    return value


def select_projects(projects: Sequence[Project], names: Sequence[str] | None) -> list[Project]:
    if not names:
        return list(projects)
    known = {p.name: p for p in projects}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise SystemExit(f"unknown project(s): {', '.join(unknown)}; known: "
                         f"{', '.join(sorted(known))}")
    return [known[n] for n in names]


def measured(projects: Sequence[Project], names: Sequence[str] | None,
             held_out: bool) -> list[Project]:
    """The projects a classifier or replay run measures: those named, else the development
    split, and the held-out one only when asked for (``--held-out``). Tuning runs many times;
    the held-out figures are read once the tuning is done, so they must not come along."""
    if names:
        return select_projects(projects, names)
    return [p for p in projects if held_out or p.split != "held-out"]


def matches_any(path: str, globs: Iterable[str]) -> bool:
    """The same glob semantics as the reviewer's `models` (one implementation of them)."""
    return any(glob_match(path, g) for g in globs)


# ---------------------------------------------------------------------------- toml writer


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in
                               value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def to_toml(data: Mapping[str, Any], prefix: str = "") -> str:
    """Enough TOML for a configuration: scalars, arrays, tables and arrays of tables."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    arrays: list[tuple[str, list[Mapping[str, Any]]]] = []
    for key, value in data.items():
        qkey = f"{prefix}.{json.dumps(key)}" if prefix else json.dumps(key)
        if isinstance(value, dict):
            tables.append((qkey, value))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            arrays.append((qkey, value))
        else:
            lines.append(f"{json.dumps(key)} = {_toml_value(value)}")
    for qkey, table in tables:
        lines += ["", f"[{qkey}]", to_toml(table, qkey).rstrip("\n")]
    for qkey, items in arrays:
        for item in items:
            lines += ["", f"[[{qkey}]]", to_toml(item, qkey).rstrip("\n")]
    return "\n".join(line for line in lines) + "\n"


# ---------------------------------------------------------------------------- materialise


def git(git_dir: Path, *args: str, input: bytes | None = None) -> bytes:
    proc = subprocess.run(["git", f"--git-dir={git_dir}", *args], input=input,
                          capture_output=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout


def has_commit(git_dir: Path, commit: str) -> bool:
    if not git_dir.is_dir():
        return False
    proc = subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "-e", f"{commit}^{{commit}}"],
                          capture_output=True, check=False)
    return proc.returncode == 0


def tree_files(git_dir: Path, commit: str, project: Project,
               whole: bool = False) -> list[tuple[str, str]]:
    """(blob sha, path) of the files to materialise: .py under ``extract``, the licence and
    the dependency pins at the root (which Flask-SQLAlchemy names the tables: dependency_pins);
    with ``whole``, every .py file of the repository (as a checkout has them: the code that
    uses the models, which the classifier's code evidence reads), ``exclude`` still left out."""
    chosen = [(sha, path) for mode, sha, path in _ls_tree(git_dir, commit, project, whole)
              if mode != SYMLINK and (path == project.licence_file or (
                  path.endswith(".py") and not matches_any(path, project.exclude)))]
    taken = {path for _sha, path in chosen}
    return chosen + [(sha, path) for sha, path in _root_pins(git_dir, commit)
                     if path not in taken]


PIN_FILES = re.compile(r"^(requirements[^/]*\.txt|setup\.py|setup\.cfg|pyproject\.toml|"
                       r"poetry\.lock|uv\.lock|pdm\.lock|Pipfile\.lock)$")


def _root_pins(git_dir: Path, commit: str) -> list[tuple[str, str]]:
    """(blob sha, name) of the files at the repository's root that pin its dependencies."""
    return [(sha, name) for mode, sha, name in _blobs(git(git_dir, "ls-tree", "-z", commit))
            if mode != SYMLINK and PIN_FILES.match(name)]


def tree_links(git_dir: Path, commit: str, project: Project,
               whole: bool = False) -> list[tuple[str, str]]:
    """(blob sha, path) of the symlinks among them, as a checkout has them: ooni's services
    reach their shared package through a symlinked directory (`exclude` still left out)."""
    return [(sha, path) for mode, sha, path in _ls_tree(git_dir, commit, project, whole)
            if mode == SYMLINK and not matches_any(path, project.exclude)]


SYMLINK = "120000"


def _ls_tree(git_dir: Path, commit: str, project: Project,
             whole: bool) -> list[tuple[str, str, str]]:
    return _blobs(git(git_dir, "ls-tree", "-r", "-z", "--full-tree", commit,
                      *(() if whole else ("--", *project.extract, project.licence_file))))


def _blobs(out: bytes) -> list[tuple[str, str, str]]:
    """(mode, sha, path) of the blobs a ``git ls-tree -z`` lists."""
    entries = []
    for entry in out.decode("utf-8", errors="surrogateescape").split("\0"):
        if not entry:
            continue
        meta, path = entry.split("\t", 1)
        mode, kind, sha = meta.split()
        if kind == "blob":
            entries.append((mode, sha, path))
    return entries


def read_blobs(git_dir: Path, shas: Sequence[str]) -> dict[str, bytes]:
    """One ``git cat-file --batch`` for all blobs; a blob missing from the mirror is left out."""
    if not shas:
        return {}
    out = git(git_dir, "cat-file", "--batch", input="".join(f"{s}\n" for s in shas).encode())
    blobs: dict[str, bytes] = {}
    pos = 0
    for sha in shas:
        end = out.index(b"\n", pos)
        header = out[pos:end].decode()
        pos = end + 1
        if header.endswith(" missing"):
            continue
        size = int(header.split()[2])
        blobs[sha] = out[pos:pos + size]
        pos += size + 1
    return blobs


def materialise(git_dir: Path, commit: str, project: Project, dest: Path,
                whole: bool = False) -> list[str]:
    """Write the project's files at ``commit`` under ``dest``; returns the paths written.
    ``whole``: every .py file of the repository, not only ``extract`` (``tree_files``)."""
    files = tree_files(git_dir, commit, project, whole)
    links = tree_links(git_dir, commit, project, whole)
    blobs = read_blobs(git_dir, sorted({sha for sha, _ in [*files, *links]}))
    written = []
    for sha, path in files:
        if sha not in blobs:
            continue
        target = dest / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(blobs[sha])
        written.append(path)
    for sha, path in links:
        link = os.fsdecode(blobs.get(sha, b""))
        inside = posixpath.normpath(posixpath.join(posixpath.dirname(path), link))
        if not link or posixpath.isabs(link) or inside == ".." or inside.startswith("../"):
            continue  # the temp dir is not the repository: a link out of it stays out
        (dest / path).parent.mkdir(parents=True, exist_ok=True)
        (dest / path).symlink_to(link)
    return written


EMPTY_RULES = '{"version": 1, "rules": []}\n'


def write_reviewer_files(dest: Path, project: Project) -> None:
    """The configuration the project needs and an empty rules file, as an adopter starts."""
    (dest / ".masking-reviewer.toml").write_text(to_toml(project.reviewer_config()),
                                                 encoding="utf-8")
    (dest / "masking_rules.json").write_text(EMPTY_RULES, encoding="utf-8")


def reviewer_env(cache_dir: str | None = None) -> dict[str, str]:
    """Run the reviewer of this checkout, whatever is installed, with no AI and no colour."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("ANTHROPIC_API_KEY", None)
    env["NO_COLOR"] = "1"
    if cache_dir:
        env["MASKING_REVIEWER_CACHE_DIR"] = cache_dir
    return env


@dataclass(frozen=True, slots=True)
class ScanRun:
    exit_code: int
    doc: dict[str, Any] | None  # the scan JSON, None when the run failed
    stderr: str
    seconds: float


def run_scan(root: Path) -> ScanRun:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer", "scan", "--root", str(root), "--format", "json",
         "--no-cache"],
        capture_output=True, text=True, env=reviewer_env(), cwd=root, check=False,
    )
    seconds = time.perf_counter() - start
    doc = None
    if proc.returncode in (0, 1):
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError:
            doc = None
    return ScanRun(proc.returncode, doc, proc.stderr.strip(), seconds)


@contextmanager
def workdir(keep: Path | None, name: str, checkout: str) -> Iterator[Path]:
    """An empty directory named ``checkout``, as a clone is: in ``keep/name``, or in a
    temporary directory."""
    if keep is not None:
        shutil.rmtree(keep / name, ignore_errors=True)
        path = keep / name / checkout
        path.mkdir(parents=True)
        yield path
        return
    with tempfile.TemporaryDirectory(prefix=f"mr-real-{name}-") as tmp:
        path = Path(tmp, checkout)
        path.mkdir()
        yield path


# ---------------------------------------------------------------------------- labels


@dataclass(frozen=True, slots=True)
class LabelRow:
    project: str
    path: str
    table: str
    column: str
    label: str
    public: str
    note: str

    @property
    def key(self) -> Pair:
        return (self.table, self.column)


def load_labels(path: Path) -> list[LabelRow]:
    """A labels CSV (``project,path,table,column,label,public,note``); checks every row."""
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [h for h in LABEL_HEADER if h not in (reader.fieldnames or ())]
        if missing:
            raise ValueError(f"{path}: header lacks {', '.join(missing)}")
        rows = []
        for n, r in enumerate(reader, start=2):
            label = (r["label"] or "").strip()
            if label not in LABEL_VALUES:
                raise ValueError(f"{path}:{n}: label {label!r} is not one of {LABEL_VALUES}")
            rows.append(LabelRow(
                project=(r["project"] or "").strip(), path=(r["path"] or "").strip(),
                table=(r["table"] or "").strip(), column=(r["column"] or "").strip(),
                label=label, public=(r["public"] or "").strip(), note=(r["note"] or "").strip(),
            ))
    return rows


def labels_for(project: str, directory: Path = LABELS) -> list[LabelRow] | None:
    path = directory / f"{project}.csv"
    return load_labels(path) if path.is_file() else None


@dataclass(frozen=True, slots=True)
class Comparison:
    matched: tuple[Pair, ...]
    missing: tuple[Pair, ...]  # in the independent count, not found by the reader
    extra: tuple[Pair, ...]  # found by the reader, not in the independent count

    @property
    def expected(self) -> int:
        return len(self.matched) + len(self.missing)

    @property
    def coverage(self) -> float | None:
        return len(self.matched) / self.expected if self.expected else None


def compare(found: Iterable[Pair], expected: Iterable[Pair]) -> Comparison:
    f, e = set(found), set(expected)
    return Comparison(tuple(sorted(f & e)), tuple(sorted(e - f)), tuple(sorted(f - e)))


# ---------------------------------------------------------------------------- MR007 triage


@dataclass(frozen=True, slots=True)
class Triage:
    project: str
    path: str
    line: int
    verdict: str  # "valid" (the reader should read it) or "unreadable"
    construct: str
    why: str
    match: str = ""  # substring of the message, when several errors share a line


def load_triage(path: Path = TRIAGE) -> list[Triage]:
    if not path.is_file():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    out = []
    for n, e in enumerate(data.get("error", []), start=1):
        if e.get("verdict") not in ("valid", "unreadable"):
            raise ValueError(f"{path}: entry {n}: verdict must be 'valid' or 'unreadable'")
        out.append(Triage(e["project"], e["path"], int(e["line"]), e["verdict"],
                          e.get("construct", ""), e.get("why", ""), e.get("match", "")))
    return out


def triage_of(project: str, error: Mapping[str, Any], triage: Sequence[Triage]) -> Triage | None:
    for t in triage:
        if (t.project == project and t.path == error.get("path") and t.line == error.get("line")
                and (not t.match or t.match in str(error.get("message", "")))):
            return t
    return None


@dataclass(frozen=True, slots=True)
class ErrorSplit:
    valid: int  # triaged valid code
    unreadable: int  # triaged genuinely unreadable
    untriaged: int  # counted as valid code until someone reads it
    # told in a model's file that its base's error (reported in another file) stops it too:
    # one construct the reader fails on, counted once, at the base
    derived: int = 0

    @property
    def on_valid_code(self) -> int:
        return self.valid + self.untriaged


# columns.py's message for the models of a file whose base (elsewhere) cannot be read
DERIVED = re.compile(r"^class \w+ derives from \w+ \([^()]+:\d+\), whose bases cannot be read")


def split_errors(project: str, errors: Sequence[Mapping[str, Any]],
                 triage: Sequence[Triage]) -> ErrorSplit:
    verdicts = Counter(
        "derived" if DERIVED.match(str(e.get("message", "")))
        else (t.verdict if (t := triage_of(project, e, triage)) else "untriaged")
        for e in errors)
    return ErrorSplit(verdicts["valid"], verdicts["unreadable"], verdicts["untriaged"],
                      verdicts["derived"])


# ---------------------------------------------------------------------------- measuring


@dataclass(slots=True)
class ProjectResult:
    project: str
    split: str
    commit: str
    status: str  # "ok", "skipped: ...", "failed: ..."
    files: int = 0  # model files matched by `models`
    python_files: int = 0  # .py files materialised
    classes: int = 0
    tables: int = 0
    columns: int = 0
    mr007: int = 0
    mr007_valid: int = 0
    mr007_unreadable: int = 0
    mr007_untriaged: int = 0
    expected: int | None = None  # columns in the independent count
    matched: int | None = None
    missing: list[Pair] = field(default_factory=list)
    silent: list[Pair] = field(default_factory=list)  # missing with no MR007 on their table
    extra: list[Pair] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)  # each with its triage verdict
    seconds: float = 0.0

    @property
    def coverage(self) -> float | None:
        return self.matched / self.expected if self.expected and self.matched is not None else None


# A labelled column a third-party base adds: its path names the package's module
SITE_PACKAGES = "site-packages:"


def _installed_module(path: str) -> str | None:
    """``site-packages:pkg/sub.py`` -> ``pkg.sub`` (``pkg/__init__.py`` -> ``pkg``)."""
    if not path.startswith(SITE_PACKAGES):
        return None
    module = path[len(SITE_PACKAGES):].removesuffix(".py").removesuffix("/__init__")
    return module.replace("/", ".")


def _names_module_class(message: str, module: str) -> bool:
    """Does an error name a class defined at the top of ``module`` (``module.Name``, not
    ``module.sub.Name``), or a function of its package called in the repository with the
    repository's models (``coaster.sqlalchemy.add_primary_relationship``, whose association
    table is labelled at ``site-packages:coaster/sqlalchemy/functions.py``)?"""
    if re.search(rf"(?<![\w.]){re.escape(module)}\.[A-Za-z_]\w*(?![\w.])", message):
        return True
    package = module.split(".", 1)[0]
    return re.search(rf"\((?:{re.escape(package)})(?:\.\w+)+, from the package "
                     rf"'{re.escape(package)}'\) is given", message) is not None


_TABLENAME = re.compile(r"""^\s+__tablename__\s*=\s*['"]([^'"]+)['"]""", re.M)
# a SQLModel table model whose bases the reader could not read (kotaemon: `class
# Conversation(_base_conv, table=True)`)
_SQLMODEL_TABLE = re.compile(r"\s*class\s+(\w+)\s*\(.*\btable\s*=\s*True\b")


def tables_blocked_at(root: Path, errors: Sequence[Mapping[str, Any]]) -> set[str]:
    """The tables named (``__tablename__ = "..."``) in the bodies of the class statements
    MR007 points at: a class that blocks blocks its own table, even when every column it has
    comes from mixins in other files (websauna's models, mapped at run time, declare only
    ``__tablename__`` over mixin columns). A SQLModel ``table=True`` class without one names
    its table after itself, lowered."""
    tables: set[str] = set()
    files: dict[str, list[str] | None] = {}  # each file read once, however many errors it has
    for e in errors:
        path, line = e.get("path"), e.get("line")
        if not isinstance(path, str) or not isinstance(line, int) or line < 1:
            continue
        if path not in files:
            try:
                files[path] = (root / path).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError):
                files[path] = None
        lines = files[path]
        if lines is None:
            continue
        # the error may point at the first decorator of the class statement
        while line <= len(lines) and lines[line - 1].lstrip().startswith("@"):
            line += 1
        head = lines[line - 1] if line <= len(lines) else ""
        if not head.lstrip().startswith("class "):
            continue
        indent = len(head) - len(head.lstrip())
        body = []
        for text in lines[line:]:
            if text.strip() and len(text) - len(text.lstrip()) <= indent:
                break
            body.append(text)
        named = _TABLENAME.findall("\n".join(body))
        sqlmodel = _SQLMODEL_TABLE.match(head)
        if not named and sqlmodel:
            named = [sqlmodel.group(1).lower()]  # SQLModel's default: the class name, lowered
        tables.update(named)
    return tables


_HOOK_FILE = re.compile(r"^class [\w.]+: [\w.]+ \(([^()\s]+\.py):\d+\) ")
# a repository helper that builds tables when it runs (OneGov's associated()): its MR007 sits
# on each class attribute that calls it and names the helper's file
_HELPER_FILE = re.compile(r"\(\w+\(\) in ([^()\s]+\.py) calls \w+\(\.\.\.\) when it runs, "
                          r"and masking-reviewer reads code but never runs it")


def silent_misses(missing: Sequence[Pair], labels: Sequence[LabelRow],
                  errors: Sequence[Mapping[str, Any]],
                  blocked_tables: Iterable[str] = ()) -> list[Pair]:
    """The missing columns nothing blocks on: no MR007 in any file their table's labels name
    nor on the class statement that names the table (``blocked_tables``) nor naming the
    file of a mapping hook or of a helper that builds tables when it runs (the tables they
    build are declared there), and, for a table
    with columns a third-party base adds (labelled at the package's ``site-packages:`` path)
    and none found, no MR007 naming a class of that module (the reader reports an unknown base
    on the model that derives from it, in the repository, and reads none of that model's
    columns; a table with some columns found was read, so its missing ones were not blocked by
    such an error).

    A column the reader misses behind an MR007 fails closed; one missing without any error is
    the silent pass the tool must never produce.
    """
    messages = [str(e.get("message", "")) for e in errors]
    # a mapping hook's MR007 sits on each class it runs for and names the hook's own file,
    # where the tables it builds are declared (NextGIS Web's versioning tables)
    blocked_paths = {e.get("path") for e in errors} | {
        m.group(1) for msg in messages if "while SQLAlchemy maps the class" in msg
        for m in [_HOOK_FILE.search(msg)] if m is not None} | {
        m.group(1) for msg in messages for m in [_HELPER_FILE.search(msg)] if m is not None}
    paths_of: dict[str, set[str]] = {}
    for r in labels:
        paths_of.setdefault(r.table, set()).add(r.path)

    missing_set = set(missing)
    unread = {r.table for r in labels} - {r.table for r in labels if r.key not in missing_set}

    named = set(blocked_tables)

    def blocked(table: str) -> bool:
        if table in named and table in unread:
            return True
        paths = paths_of.get(table, set())
        modules = {m for p in paths if (m := _installed_module(p)) is not None}
        return bool(paths & blocked_paths) or (table in unread and any(
            _names_module_class(msg, m) for m in modules for msg in messages))

    return [m for m in missing if not blocked(m[0])]


def scan_columns(doc: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(doc.get("columns", []))


def measure(project: Project, mirrors: Path, triage: Sequence[Triage],
            keep: Path | None = None, labels_dir: Path = LABELS) -> ProjectResult:
    result = ProjectResult(project.name, project.split, project.commit, "ok")
    git_dir = project.git_dir(mirrors)
    if not git_dir.is_dir():
        result.status = f"skipped: no mirror at {git_dir}"
        return result
    if not has_commit(git_dir, project.commit):
        result.status = f"skipped: pin {project.commit[:12]} not in {git_dir}"
        return result
    with workdir(keep, project.name, project.checkout) as root:
        written = materialise(git_dir, project.commit, project, root)
        write_reviewer_files(root, project)
        run = run_scan(root)
        blocked_tables = tables_blocked_at(root, run.doc.get("errors", []) if run.doc else [])
    result.python_files = sum(1 for p in written if p.endswith(".py"))
    result.files = sum(1 for p in written if matches_any(p, project.models))
    result.seconds = round(run.seconds, 2)
    if run.doc is None:
        result.status = f"failed: exit {run.exit_code}: {run.stderr[-500:]}"
        return result
    columns = scan_columns(run.doc)
    errors = list(run.doc.get("errors", []))
    result.classes = len({(c.get("path"), c["class"]) for c in columns if c.get("class")})
    result.tables = len({c["table"] for c in columns})
    found = {(c["table"], c["column"]) for c in columns}
    result.columns = len(found)
    split = split_errors(project.name, errors, triage)
    result.mr007 = len(errors)
    result.mr007_valid, result.mr007_unreadable = split.valid, split.unreadable
    result.mr007_untriaged = split.untriaged
    for e in errors:
        t = triage_of(project.name, e, triage)
        result.errors.append({**e, "verdict": t.verdict if t else "untriaged",
                              "construct": t.construct if t else ""})
    labels = labels_for(project.name, labels_dir)
    if labels is not None:
        comparison = compare(found, (r.key for r in labels))
        result.expected, result.matched = comparison.expected, len(comparison.matched)
        result.missing, result.extra = list(comparison.missing), list(comparison.extra)
        result.silent = silent_misses(comparison.missing, labels, errors, blocked_tables)
    return result


# ---------------------------------------------------------------------------- reporting


def reviewer_commit() -> str:
    """The masking-reviewer code measured: the last commit that changed ``reviewer/`` (a
    commit of main once landed), ``+dirty`` when reviewer/ has uncommitted changes."""
    def run(*args: str) -> str:
        return subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True,
                              check=False).stdout.strip()
    sha = run("log", "-1", "--format=%h", "--abbrev=10", "--", "reviewer") or "unknown"
    dirty = run("status", "--porcelain", "--", "reviewer")
    return f"{sha}+dirty" if dirty else sha


def _pct(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f} %"


def reader_table(results: Sequence[ProjectResult]) -> str:
    head = ("| project | split | model files | classes | tables | columns | MR007 | "
            "on valid code | unreadable | untriaged | labelled columns | found | missing | "
            "missing, no MR007 | extra | coverage |")
    lines = [head, "|" + " --- |" * 2 + " ---: |" * 14]
    for r in results:
        if r.status != "ok":
            lines.append(f"| {r.project} | {r.split} | {r.status} |" + " |" * 13)
            continue
        exp = "n/a" if r.expected is None else str(r.expected)
        found = "n/a" if r.matched is None else str(r.matched)
        miss = "n/a" if r.expected is None else str(len(r.missing))
        silent = "n/a" if r.expected is None else str(len(r.silent))
        extra = "n/a" if r.expected is None else str(len(r.extra))
        lines.append(
            f"| {r.project} | {r.split} | {r.files} | {r.classes} | {r.tables} | {r.columns} | "
            f"{r.mr007} | {r.mr007_valid + r.mr007_untriaged} | {r.mr007_unreadable} | "
            f"{r.mr007_untriaged} | {exp} | {found} | {miss} | {silent} | {extra} | "
            f"{_pct(r.coverage)} |"
        )
    ok = [r for r in results if r.status == "ok"]
    labelled = [r for r in ok if r.expected is not None]
    total_exp = sum(r.expected or 0 for r in labelled)
    total_match = sum(r.matched or 0 for r in labelled)
    lines.append(
        f"| **all** | | {sum(r.files for r in ok)} | {sum(r.classes for r in ok)} | "
        f"{sum(r.tables for r in ok)} | {sum(r.columns for r in ok)} | "
        f"{sum(r.mr007 for r in ok)} | "
        f"{sum(r.mr007_valid + r.mr007_untriaged for r in ok)} | "
        f"{sum(r.mr007_unreadable for r in ok)} | {sum(r.mr007_untriaged for r in ok)} | "
        f"{total_exp if labelled else 'n/a'} | {total_match if labelled else 'n/a'} | "
        f"{sum(len(r.missing) for r in labelled) if labelled else 'n/a'} | "
        f"{sum(len(r.silent) for r in labelled) if labelled else 'n/a'} | "
        f"{sum(len(r.extra) for r in labelled) if labelled else 'n/a'} | "
        f"{_pct(total_match / total_exp if total_exp else None)} |"
    )
    return "\n".join(lines)


def details(results: Sequence[ProjectResult]) -> str:
    out = []
    for r in results:
        if r.status != "ok":
            continue
        valid = [e for e in r.errors if e["verdict"] != "unreadable"]
        if valid:
            out.append(f"\n{r.project}: MR007 on valid code ({len(valid)})")
            out += [f"  {e['path']}:{e['line']}: [{e['verdict']}] {e['message']}" for e in valid]
        if r.missing:
            out.append(f"\n{r.project}: missing columns ({len(r.missing)}; silent: no MR007 "
                       "on their table)")
            silent = set(r.silent)
            out += [f"  {t}.{c}{'  (silent)' if (t, c) in silent else ''}" for t, c in r.missing]
        if r.extra:
            out.append(f"\n{r.project}: extra columns, not in the labels ({len(r.extra)})")
            out += [f"  {t}.{c}" for t, c in r.extra]
    return "\n".join(out)


def write_json(path: Path, results: Sequence[ProjectResult], meta: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {**meta, "projects": [asdict(r) | {"coverage": r.coverage} for r in results]}
    path.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")


def machine_meta() -> dict[str, Any]:
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short=10", "HEAD"],
                          capture_output=True, text=True, check=False).stdout.strip()
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "reviewer_commit": reviewer_commit(),
        "checkout": head,
        "python": sys.version.split()[0],
        "cpus": os.cpu_count(),
        "load_average": [round(x, 2) for x in load],
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS,
                        help="directory of bare mirrors, <mirror>/repo (default: %(default)s)")
    parser.add_argument("--project", action="append", metavar="NAME",
                        help="only this project (repeatable)")
    parser.add_argument("--json", type=Path, metavar="OUT",
                        help="results file (default: benchmarks/results/real-world-DATE.json)")
    parser.add_argument("--no-write", action="store_true", help="write no results file")
    parser.add_argument("--verbose", "-v", action="store_true",
                        help="list MR007 on valid code and missing/extra columns")
    parser.add_argument("--keep", type=Path, metavar="DIR",
                        help="materialise into DIR/<project>/<repository name> and leave it there")
    parser.add_argument("--labels", type=Path, default=LABELS, metavar="DIR",
                        help="labels directory, <project>.csv (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2, help="projects measured at once (2)")
    args = parser.parse_args(argv)

    projects = select_projects(load_projects(), args.project)
    triage = load_triage()
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(
            lambda p: measure(p, args.mirrors, triage, args.keep, args.labels), projects))
    meta = machine_meta() | {"seconds": round(time.perf_counter() - started, 1)}
    print(f"masking-reviewer {meta['reviewer_commit']}, {meta['date']}, Python {meta['python']}, "
          f"load {meta['load_average'][0]}, {meta['seconds']} s\n")
    print(reader_table(results))
    for r in results:
        if r.status.startswith("failed"):
            print(f"\n{r.project}: {r.status}", file=sys.stderr)
    if args.verbose:
        print(details(results))
    if not args.no_write:
        out = args.json or RESULTS / f"real-world-{dt.date.today().isoformat()}.json"
        write_json(out, results, meta)
        print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

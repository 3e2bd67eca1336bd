"""Which files the gate reads: the ``models`` globs, else every non-test, non-vendored Python
file that uses SQLAlchemy (plus files whose classes derive from a model base found there)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from reviewer.files import UnreadableFile

if TYPE_CHECKING:
    from reviewer.resolution import Resolver
    from reviewer.sources import SourceTree
    from reviewer.types import Config


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
    return _in_test_dir(path) or _is_test_module(path)


def _in_test_dir(path: str) -> bool:
    parts = PurePosixPath(path).parts[:-1]
    return "tests" in parts or "test" in parts


def _is_test_module(path: str) -> bool:
    name = PurePosixPath(path).name
    return name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def auto_candidates(files: Sequence[str]) -> list[str]:
    """The files auto-detection reads: Python source that is neither a test nor vendored."""
    venvs = [str(PurePosixPath(f).parent) for f in files if f.endswith("pyvenv.cfg")]
    return [f for f in files
            if f.endswith(".py") and not _is_test_file(f) and not _is_vendored(f, venvs)]


# Directories of schema migrations: they copy columns, they do not use them.
_MIGRATIONS = frozenset({"migrations", "alembic", "migrate_repo"})


def code_files(files: Sequence[str]) -> list[str]:
    """The files whose code the classifier reads for evidence (``reviewer.blob_keys``): the
    repository's Python source, less tests, vendored packages and migrations."""
    return [f for f in auto_candidates(files)
            if not _MIGRATIONS.intersection(PurePosixPath(f).parts[:-1])]


def select(repo: Resolver, jobs: int | None) -> list[str]:
    """The model files of the repository the resolver reads."""
    pool = repo.pool
    config = pool.config
    if config.models is not None:
        return [f for f in repo.files if any(glob_match(f, g) for g in config.models)]
    candidates: list[str] = []
    # Models that only import a base or `db` from a sibling module (`from . import db`) never
    # name sqlalchemy; missing them would pass the gate silently, so classes that might be
    # models get a second look once their bases can be resolved.
    maybe: list[str] = []
    # Selecting reads facts: a cache miss. A warm run imports this module only for the globs
    # and the candidates that key its inventory, so the resolver stays unimported.
    from reviewer.column_calls import columnish_text
    from reviewer.externals import table_packages
    from reviewer.facts import mentions_sqlalchemy

    for path in auto_candidates(repo.files):
        try:
            text = pool.tree.read(path)
        except UnreadableFile:
            candidates.append(path)  # unknown content must fail closed: load() says why
            continue
        if text is None:
            continue
        if mentions_sqlalchemy(text):
            candidates.append(path)
        elif "class " in text and ("Column" in text or "Mapped" in text or any(
                top in text for top in table_packages())):
            # `class Tag(UUIDAuditBase): pass` maps a table of the base's columns alone
            maybe.append(path)
    pool.load(candidates, jobs)
    selected = []
    for path in candidates:
        facts = repo.facts(path)
        if facts is None:
            continue
        if facts.imports_sqlalchemy or facts.errors:
            selected.append(path)  # a file we cannot parse is kept: it must fail closed
    pool.load(maybe, jobs)
    for path in maybe:
        facts = repo.facts(path)
        if facts is not None and any(
            (node := repo.class_node(path, cls.name)) is not None and (
                node.declarative
                # a model whose base cannot be resolved must block, not go unread
                or (bool(node.bad_bases) and any(columnish_text(s) for s in cls.stmts))
            )
            for cls in facts.classes
        ):
            selected.append(path)
    return sorted(selected + imported_from_test_dirs(repo, selected, jobs))


def imported_from_test_dirs(repo: Resolver, selected: list[str], jobs: int | None) -> list[str]:
    """Modules of a tests/ directory that the selected model files import, and that use
    SQLAlchemy themselves: application code, not tests (LVFS keeps its firmware-test feature
    in lvfs/tests/, and lvfs/firmware/models.py imports the Test model from
    lvfs/tests/models.py). Leaving them out would drop their tables silently. Test modules by
    name (test_*.py, *_test.py, conftest.py) stay out."""
    from reviewer.facts import mentions_sqlalchemy

    found: list[str] = []
    seen = set(selected)
    queue = list(selected)
    while queue:
        importer = queue.pop()
        facts = repo.facts(importer)
        if facts is None:
            continue
        for imp in facts.imports:
            path = imported_file(repo, importer, imp.module, imp.name, imp.level)
            if path is None or path in seen or not _in_test_dir(path) or _is_test_module(path):
                continue
            seen.add(path)
            try:
                text = repo.pool.tree.read(path)
            except UnreadableFile:
                text = None
            if text is None or not mentions_sqlalchemy(text):
                continue
            repo.pool.load([path], jobs)
            imported = repo.facts(path)
            if imported is not None and imported.imports_sqlalchemy:
                found.append(path)
                queue.append(path)
    return found


def imported_file(repo: Resolver, importer: str, module: str, name: str | None,
                  level: int) -> str | None:
    """The repository file an import statement reads: ``from pkg.tests.models import Test``
    and ``from pkg.tests import models`` both name pkg/tests/models.py."""
    if name and name != "*":
        submodule = repo.import_target(importer, f"{module}.{name}" if module else name, level)
        if submodule is not None:
            return submodule
    return repo.import_target(importer, module, level)


def select_model_files(tree: SourceTree, config: Config) -> list[str]:
    """The files the gate scans: ``models`` globs, else every non-test file using SQLAlchemy."""
    from reviewer.facts_pool import FactsPool
    from reviewer.resolution import Resolver

    return select(Resolver(FactsPool(tree, config, use_cache=True)), jobs=None)

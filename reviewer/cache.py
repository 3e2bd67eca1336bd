"""Scan results cached as JSON: per-file facts by content hash, and whole inventories.

JSON and never pickle: in CI the cache directory may be restored from an untrusted run, and
loading a pickle would execute whatever that run put there. A bad or unreadable entry is a
cache miss; an unwritable directory means no caching. Neither ever fails the gate.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import fields
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from reviewer.constants import (
    CACHE_DIR_ENV,
    CACHE_SCHEMA,
    INVENTORY_CACHE_ENTRIES,
    TOML_CACHE_ENTRIES,
    TOOL_NAME,
)
from reviewer.files import UnreadableFile
from reviewer.sources import GitTree, SourceTree
from reviewer.types import CATEGORIES, Column, Exemption, Inventory, ScanError

if TYPE_CHECKING:
    from reviewer.facts import ModuleFacts


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / TOOL_NAME


# The code whose output is cached. Its bytes are part of every scan and inventory key, so an
# edited resolver can never be answered with what the old one computed, bump or no bump.
_CACHED_CODE = (
    "facts.py", "scanner.py", "class_body.py", "calls.py", "str_exprs.py", "bodies.py",
    "syntax.py", "node_positions.py", "source_text.py", "tab_error.py", "facts_pool.py",
    "selection.py", "resolution.py", "columns.py", "column_calls.py", "inventory.py", "cache.py",
    "externals.py", "py_versions.py", "nested_classes.py", "module_functions.py", "table_names.py",
    "history_tables.py", "module_level.py", "package_tables.py", "table_factories.py",
    "dependency_pins.py", "view_functions.py",
)


@cache
def code_fingerprint() -> str | None:
    """Hash of the scanner and resolver sources; None when they cannot be read (a zipped or
    frozen install), in which case whole inventories are not cached at all."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in _CACHED_CODE:
            digest.update((here / name).read_bytes())
        # the shipped declarations of external bases decide columns too
        for data in sorted((here / "external_bases").glob("*.toml")):
            digest.update(data.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


@cache
def files_fingerprint(names: tuple[str, ...]) -> str | None:
    """Hash of these files of this package (code or shipped data); None when one cannot be
    read (a zipped or frozen install): then whatever they decide is not cached."""
    here = Path(__file__).parent
    digest = hashlib.sha256()
    try:
        for name in names:
            raw = (here / name).read_bytes()
            digest.update(f"{name}\0{len(raw)}:".encode())
            digest.update(raw)
    except OSError:
        return None
    return digest.hexdigest()


def cache_key(text: str, labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(f"scan-v{CACHE_SCHEMA}\0{code_fingerprint() or ''}\0".encode())
    digest.update("\0".join(labels).encode("utf-8"))
    digest.update(b"\0\0")
    digest.update(text.encode("utf-8", errors="surrogatepass"))
    return digest.hexdigest()


def text_digest(text: str | None) -> str | None:
    """Content hash of a file as a tree returned it; None stays None (the file was missing)."""
    if text is None:
        return None
    return hashlib.sha256(text.encode("utf-8", errors="surrogatepass")).hexdigest()


def content_id(tree: SourceTree, path: str, text: str | None = None) -> str | None:
    """What identifies a file's content in ``tree``; None when the file is missing. ``text``,
    when the caller has just read the file, saves reading it again.

    In a commit, git's own blob id: ``ls-tree`` has already listed it, so a warm diff reads
    and hashes neither commit's files. Elsewhere, the hash of the text. The two never match
    each other (a cache entry built from a commit serves only commits), which costs a rebuild
    at worst and never trusts a hash we computed as if git had."""
    inner = tree.tree if isinstance(tree, RecordingTree) else tree
    if isinstance(inner, GitTree):
        oid = inner.blob_id(path)
        return None if oid is None else f"git:{oid}"
    return text_digest(tree.read(path) if text is None else text)


def identify(tree: SourceTree, path: str) -> str | None:
    """``content_id``, recorded as a read when ``tree`` records its reads."""
    if isinstance(tree, RecordingTree):
        return tree.identify(path)
    return content_id(tree, path)


def digest_key(kind: str, *parts: str) -> str:
    """A cache key over ``parts``; each is length-prefixed, so no two part lists collide."""
    digest = hashlib.sha256(f"{kind}-v{CACHE_SCHEMA}".encode())
    for part in parts:
        raw = part.encode("utf-8", errors="surrogatepass")
        digest.update(f"\0{len(raw)}:".encode())
        digest.update(raw)
    return digest.hexdigest()


class JsonStore:
    """A directory of ``<sha256>.json`` files, two-level fan-out like git's objects.

    Every entry repeats the schema and its own key, so a stale or misplaced file is a miss.
    """

    def __init__(
        self, kind: str, root: Path | None = None, *, max_entries: int | None = None
    ) -> None:
        self.root = (root or cache_dir()) / kind
        self.max_entries = max_entries  # None: unbounded (small per-file entries)
        self._writable = True

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json"

    def load(self, key: str) -> dict[str, Any] | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("schema") != CACHE_SCHEMA:
            return None
        if data.get("key") != key:
            return None
        if self.max_entries is not None:
            with contextlib.suppress(OSError):
                os.utime(self._path(key))  # least recently *used* is what gets pruned
        return data

    def store(self, key: str, body: Mapping[str, object]) -> None:
        if not self._writable:
            return
        path = self._path(key)
        payload = json.dumps(
            {"schema": CACHE_SCHEMA, "key": key, **body}, separators=(",", ":")
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            self._writable = False
            return
        if self.max_entries is not None:
            self._prune(self.max_entries)

    def _prune(self, keep: int) -> None:
        """Drop the least recently used entries beyond ``keep``; a race with another run is
        harmless (a pruned entry is a miss)."""
        entries: list[tuple[float, Path]] = []
        with contextlib.suppress(OSError):
            for sub in self.root.iterdir():
                for entry in sub.glob("*.json"):
                    with contextlib.suppress(OSError):
                        entries.append((entry.stat().st_mtime, entry))
        entries.sort(reverse=True)
        for _, stale in entries[keep:]:
            with contextlib.suppress(OSError):
                stale.unlink()


def toml_parser() -> Any:
    """The TOML parser module (tomllib, or tomli before 3.11), imported where a document is
    really parsed: a warm run reads its TOML back as JSON and never pays for it."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    return tomllib


def load_toml(text: str) -> dict[str, Any]:
    return dict(toml_parser().loads(text))


def parsed_toml(text: str, parse: Callable[[str], dict[str, Any]] = load_toml
                ) -> dict[str, Any]:
    """``parse(text)`` (a TOML parser), kept as JSON keyed by the text itself.

    tomllib takes ~5 ms over the shipped vocabulary on every run; json reads it back in
    ~0.1 ms, and a warm run never imports tomllib. A document is stored only when JSON gives
    back exactly what the parser said (no dates, no NaN); a parse error is raised as
    ``parse`` raises it, every time, and never stored."""
    store = JsonStore("toml", max_entries=TOML_CACHE_ENTRIES)
    key = digest_key("toml", text)
    found = store.load(key)
    if found is not None and isinstance(found.get("document"), dict):
        document: dict[str, Any] = found["document"]
        return document
    document = parse(text)
    try:
        exact = json.loads(json.dumps(document)) == document
    except (TypeError, ValueError, RecursionError):
        exact = False
    if exact:
        store.store(key, {"document": document})
    return document


class FactsCache:
    """One file's ``ModuleFacts``, keyed by ``cache_key`` (its text and the labels)."""

    def __init__(self, root: Path | None = None) -> None:
        self.store = JsonStore("scan", root)

    def get(self, key: str) -> ModuleFacts | None:
        data = self.store.load(key)
        if data is None:
            return None
        from reviewer.facts import facts_from_json  # not needed when the inventory hits

        try:
            return facts_from_json(data["facts"])
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None

    def put(self, key: str, facts: ModuleFacts) -> None:
        from reviewer.facts import facts_to_json

        self.store.store(key, {"facts": facts_to_json(facts)})


# --------------------------------------------------------------------------- inventories
# Positional arrays again: a warm run rebuilds ~5,000 columns from this, and decoding is most
# of its own time.


def _exemption_to_json(e: Exemption) -> list[object]:
    return [e.table, e.column, e.reason, e.path, e.line, e.origin]


def _exemption_from_json(d: Any) -> Exemption:
    table, column, reason, path, line, origin = d
    if origin not in ("pragma", "config"):
        raise ValueError(f"bad exemption origin {origin!r}")
    return Exemption(str(table), str(column), str(reason), str(path), int(line), origin)


_FIXED = 10  # table .. primary_key: always stored; the optional tail is trimmed
_CONFIDENCES = (None, "high", "medium", "low")


def codec_signature() -> str:
    """What shapes a cached row besides this module's code: the fields, in order, of every
    type rebuilt positionally from one, and the values checked on the way in. types.py is
    not part of the code fingerprint, so reordering a Column field must change the key here,
    or a warm run would pour old rows into the wrong fields."""
    shapes = [[f.name for f in fields(t)] for t in (Column, Exemption, ScanError)]
    return json.dumps([shapes, list(CATEGORIES), list(_CONFIDENCES)])


def inventory_to_json(inventory: Inventory) -> list[object]:
    """Columns as rows: ``path`` as an index into a table of paths, and the optional tail
    (labels, exemption, declared_in, category, confidence, the classifier's evidence, the
    table a history copy copies, the encrypting write) cut after its last non-default value.
    A third less to read and decode than full rows, on every warm run."""
    paths: dict[str, int] = {}
    columns: list[list[object]] = []
    for c in inventory.columns:
        row: list[object] = [
            c.table, c.column, c.class_name, c.attribute, paths.setdefault(c.path, len(paths)),
            c.line, c.type, c.nullable, c.unique, c.primary_key,
            list(c.labels), _exemption_to_json(c.exemption) if c.exemption else None,
            c.declared_in, c.category, c.confidence,
            c.index or None, c.foreign_key, c.doc, c.comment, c.evidence, c.history_of,
            c.sealed_by,
        ]
        while len(row) > _FIXED and row[-1] in (None, []):
            row.pop()
        columns.append(row)
    return [
        list(paths),
        columns,
        [[e.path, e.line, e.message] for e in inventory.errors],
        [_exemption_to_json(e) for e in inventory.exemptions],
        list(inventory.files),
        inventory.mapped_classes,
    ]


@cache
def _column_draft() -> type | None:
    """A plain (not frozen) twin of ``Column`` with the same slots in the same order, or
    None when ``Column`` is not a plain frozen, slotted dataclass.

    A frozen dataclass's ``__init__`` sets each of its 20 fields through
    ``object.__setattr__``; filling the twin and then making it a ``Column`` (the layouts are
    identical, so CPython allows the ``__class__`` assignment) costs a quarter of that, and
    this is most of a warm run's decode (~10 ms at 9,000 columns). The result is an ordinary,
    frozen ``Column``; a probe checks the trick field by field, else rows go through
    ``Column(...)``."""
    import dataclasses

    shape = dataclasses.fields(Column)
    if hasattr(Column, "__post_init__") or "__slots__" not in vars(Column) or any(
        f.default is dataclasses.MISSING and f.default_factory is not dataclasses.MISSING
        for f in shape
    ):
        return None
    draft = dataclasses.make_dataclass(
        "_DraftColumn",
        [(f.name, object) if f.default is dataclasses.MISSING
         else (f.name, object, dataclasses.field(default=f.default)) for f in shape],
        slots=True, eq=False, repr=False,  # filled and retyped at once: __init__ only
    )
    values: list[Any] = [f"probe-{n}" for n in range(len(shape))]
    try:
        probe = draft(*values)
        probe.__class__ = Column
        if probe != Column(*values) or [getattr(probe, f.name) for f in shape] != values:
            return None
    except (TypeError, AttributeError):
        return None
    return draft


def inventory_from_json(data: Any) -> Inventory:
    """Rebuild an inventory; raises ValueError/TypeError/KeyError/IndexError on a malformed
    entry. Fields are not converted one by one: that would cost a third of the decode and
    catch nothing the schema/key check and the shape checks here do not already reject."""
    paths, raw_columns, raw_errors, raw_exemptions, files, mapped = data
    if not all(isinstance(p, str) for p in paths):
        raise ValueError("bad path table")
    columns: list[Column] = []
    draft = _column_draft()
    for row in raw_columns:
        if not _FIXED <= len(row) <= _FIXED + 12:
            raise ValueError("bad column row")
        row[4] = paths[row[4]]
        if len(row) > _FIXED:
            row[10] = tuple(row[10])
            if len(row) > 11 and row[11] is not None:
                row[11] = _exemption_from_json(row[11])
            # None is a category too: a later field (a foreign key, a doc) keeps the tail
            if (len(row) > 13 and row[13] is not None and row[13] not in CATEGORIES) or (
                len(row) > 14 and row[14] not in _CONFIDENCES
            ):
                raise ValueError("bad category or confidence")
            if len(row) > 15:
                row[15] = bool(row[15])
        if draft is None:
            columns.append(Column(*row))
        else:
            column = draft(*row)
            column.__class__ = Column
            columns.append(column)
    return Inventory(
        columns=tuple(columns),
        errors=tuple(ScanError(str(p), int(n), str(m)) for p, n, m in raw_errors),
        exemptions=tuple(map(_exemption_from_json, raw_exemptions)),
        files=tuple(str(f) for f in files),
        mapped_classes=int(mapped),
    )


class RecordingTree:
    """A tree that remembers the content hash of every file read through it, so an inventory
    built from it can later be checked against exactly the files that went into it."""

    def __init__(self, tree: SourceTree) -> None:
        self.tree = tree
        self.reads: dict[str, str | None] = {}

    @property
    def label(self) -> str:
        return self.tree.label

    @property
    def package_name(self) -> str | None:
        return self.tree.package_name

    def files(self) -> list[str]:
        return self.tree.files()

    def prefetch(self, paths: Sequence[str]) -> None:
        inner = getattr(self.tree, "prefetch", None)
        if inner is not None:
            inner(paths)

    def identify(self, path: str) -> str | None:
        """``content_id``, recorded as a read: what is known of the file from its id alone (a
        per-file cache entry) is as much an input as what is read from its text."""
        if path not in self.reads:
            try:
                self.reads[path] = content_id(self.tree, path)
            except UnreadableFile as exc:
                self.reads[path] = f"unreadable: {exc.message}"
                raise
        return self.reads[path]

    def read(self, path: str) -> str | None:
        try:
            text = self.tree.read(path)
        except UnreadableFile as exc:
            self.reads.setdefault(path, f"unreadable: {exc.message}")
            raise
        if path not in self.reads:
            self.reads[path] = content_id(self.tree, path, text)
        return text


class InventoryCache:
    """Whole resolved inventories.

    The key covers what decides which files are read (the file list, the inventory-relevant
    config); the entry lists every file the build read with its hash, verified on lookup.
    Any difference, or any unreadable entry, is a miss and the inventory is rebuilt.
    """

    def __init__(self, root: Path | None = None, kind: str = "inventory") -> None:
        # Each entry is a whole inventory (~0.5 MB for 500 models): keep the recent ones only.
        self.store = JsonStore(kind, root, max_entries=INVENTORY_CACHE_ENTRIES)

    @staticmethod
    def key(files: Sequence[str], parts: Sequence[object]) -> str | None:
        """None when the resolver's code cannot be fingerprinted: then there is no key."""
        code = code_fingerprint()
        if code is None:
            return None
        digest = hashlib.sha256()
        digest.update(f"inventory-v{CACHE_SCHEMA}\0{code}\0{codec_signature()}\0".encode())
        digest.update(json.dumps(list(parts)).encode("utf-8", errors="surrogatepass"))
        digest.update(b"\0\0")
        digest.update("\0".join(files).encode("utf-8", errors="surrogatepass"))
        return digest.hexdigest()

    def get(self, key: str, tree: SourceTree) -> Inventory | None:
        found = self.lookup(key, tree)
        return None if found is None else found[0]

    def lookup(
        self, key: str, tree: SourceTree
    ) -> tuple[Inventory, dict[str, str | None]] | None:
        """The inventory and the verified reads it was built from (for an entry derived from
        it, which must be checked against the same files)."""
        # Decoding allocates ~100,000 containers, none of them in a cycle; the collector's
        # passes over them are pure cost (~10% of the decode).
        enabled = gc.isenabled()
        gc.disable()
        try:
            return self._get(key, tree)
        finally:
            if enabled:
                gc.enable()

    def _get(
        self, key: str, tree: SourceTree
    ) -> tuple[Inventory, dict[str, str | None]] | None:
        data = self.store.load(key)
        if data is None:
            return None
        try:
            reads: dict[str, str | None] = {}
            for path, digest in data["reads"]:
                if not isinstance(path, str) or content_id(tree, path) != digest:
                    return None
                reads[path] = digest
            return inventory_from_json(data["inventory"]), reads
        except UnreadableFile:
            return None  # rebuilt, so the file gets its MR007
        except (ValueError, KeyError, TypeError, AttributeError, IndexError):
            return None

    def put(self, key: str, reads: Mapping[str, str | None], inventory: Inventory) -> None:
        self.store.store(
            key, {"reads": sorted(reads.items()), "inventory": inventory_to_json(inventory)}
        )

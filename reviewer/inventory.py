"""The inventory: every column of every concrete table in the model files, built from the
selected files' facts (``selection`` -> ``facts_pool`` -> ``resolution`` -> ``columns``) and
cached whole, keyed by the files that decide it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from reviewer.cache import InventoryCache, RecordingTree, content_id, digest_key
from reviewer.files import UnreadableFile
from reviewer.selection import auto_candidates, glob_match
from reviewer.sources import SourceTree, root_package
from reviewer.types import Column, Config, Exemption, Inventory

if TYPE_CHECKING:
    from reviewer.columns import ColumnBuilder


def _digest(tree: SourceTree, path: str) -> str | None:
    try:
        return content_id(tree, path)
    except UnreadableFile as exc:
        return f"unreadable: {exc.message}"


@dataclass(frozen=True, slots=True)
class Refinement:
    """A pure function of an inventory (the classifier), cached beside the inventory.

    ``key`` must cover everything besides the inventory that shapes the result: the code
    that computes it, its data files and the configuration it reads. None (that code cannot
    be fingerprinted) means no caching of the result."""

    key: str | None
    # the inventory, the tree it came from (for evidence in code outside the model files:
    # what it reads there is recorded and verified with the entry), and whether to use caches
    apply: Callable[[Inventory, SourceTree, bool], Inventory]
    # the files of the tree (from its file list) the refinement may read besides the
    # inventory's: their contents go into the entry's key, so the base and the head of a
    # pull request that changes one of them keep an entry each
    reads: Callable[[Sequence[str]], Sequence[str]] | None = None


def build_inventory(
    tree: SourceTree,
    config: Config,
    *,
    use_cache: bool = True,
    jobs: int | None = None,
    paths: Sequence[str] | None = None,
    refine: Refinement | None = None,
) -> Inventory:
    """Every column of every concrete table in the model files, passed through ``refine``
    when given. Never raises for content.

    The refined inventory has an entry of its own, keyed on the inventory's key and
    ``refine.key``, and verified against the same files; a warm run then decodes one entry
    and refines nothing. A change to the refinement alone (a config's ``sensitive-names``)
    still finds the plain inventory and only refines it again."""
    if not use_cache:
        return _refined(_build(tree, config, use_cache=False, jobs=jobs, paths=paths)[0],
                        refine, tree, use_cache)
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
        keyed = auto_candidates(files)
    digests = {path: _digest(tree, path) for path in keyed}
    key = InventoryCache.key(
        files,
        # the label is only in messages about explicit paths ("not found in <label>")
        # the package name changes what an import names when the root is a package
        [config.models, config.labels, config.table_naming, repr(config.external_bases),
         repr(config.external_instances), root_package(tree, files),
         None if paths is None else [list(paths), tree.label], sorted(digests.items())],
    )
    if key is None:
        return _refined(_build(tree, config, use_cache=True, jobs=jobs, paths=paths)[0],
                        refine, tree, use_cache)
    refined_cache = refined_key = None
    read: dict[str, str | None] = {}
    if refine is not None and refine.key is not None:
        refined_cache = InventoryCache(kind="refined")
        read = {p: digests[p] if p in digests else _digest(tree, p)
                for p in (refine.reads(files) if refine.reads else ())}
        refined_key = digest_key("refined", key, refine.key, json.dumps(sorted(
            (p, d) for p, d in read.items() if p not in digests)))
        hit = refined_cache.get(refined_key, tree)
        if hit is not None:
            return hit
    cache = InventoryCache()
    found = cache.lookup(key, tree)
    if found is not None:
        inventory, others = found
    else:
        recording = RecordingTree(tree)
        inventory, environment = _build(
            recording, config, use_cache=True, jobs=jobs, paths=paths)
        if environment:
            # it read installed packages: not a function of the repository alone
            return _refined(inventory, refine, tree, True)
        others = {p: d for p, d in recording.reads.items() if p not in digests}
        cache.put(key, others, inventory)
    if refine is None:
        return inventory
    recording = RecordingTree(tree)
    result = refine.apply(inventory, recording, True)
    if refined_cache is not None and refined_key is not None:
        # what the refinement read besides (and its key does not hold): verified with the
        # entry, like the build's reads
        refined_cache.put(refined_key, {**others, **{
            p: d for p, d in recording.reads.items() if p not in digests and p not in read}},
            result)
    return result


def _refined(inventory: Inventory, refine: Refinement | None, tree: SourceTree,
             use_cache: bool) -> Inventory:
    return inventory if refine is None else refine.apply(inventory, tree, use_cache)


def _build(
    tree: SourceTree,
    config: Config,
    *,
    use_cache: bool,
    jobs: int | None,
    paths: Sequence[str] | None,
) -> tuple[Inventory, bool]:
    """The inventory, and whether it depends on installed packages outside the repository."""
    # Only a cache miss builds: a warm run never imports the resolver (~3 ms of start-up).
    from reviewer.columns import ColumnBuilder
    from reviewer.dependency_pins import flask_pins
    from reviewer.facts_pool import FactsPool
    from reviewer.history_tables import add_history_tables
    from reviewer.package_tables import add_package_tables
    from reviewer.resolution import Resolver
    from reviewer.selection import select
    from reviewer.table_factories import read_calls

    repo = Resolver(FactsPool(tree, config, use_cache))
    builder = ColumnBuilder(repo, config)
    builder.read_pins = partial(flask_pins, repo.files, partial(_read_or_none, tree))
    if paths is not None:
        files = sorted(dict.fromkeys(PurePosixPath(p).as_posix() for p in paths))
        for path in files:
            if path not in repo.file_set:
                builder.error(path, 1, f"not found in {tree.label}")
        files = [p for p in files if p in repo.file_set]
    else:
        files = select(repo, jobs)
    repo.pool.load(files, jobs)
    for read in (read_calls, ColumnBuilder.model_file):
        for path in files:
            try:
                read(builder, path)
            except (RecursionError, AttributeError, ValueError, TypeError, IndexError,
                    KeyError) as exc:
                # A hierarchy the resolver does not handle must block, never crash the gate.
                builder.error(path, 1, f"the reviewer could not resolve this file "
                              f"({type(exc).__name__}: {exc}); please report it")
    builder.factory_templates(files)
    add_history_tables(builder)
    add_package_tables(builder)
    builder.empty_tables()
    return _finish(builder, files), repo.externals.read_installed


def _finish(builder: ColumnBuilder, files: Sequence[str]) -> Inventory:
    """One column per (table, column), labels merged across duplicate declarations, and every
    pragma that attached to no column kept as a stray exemption."""
    for path in files:
        facts = builder.resolver.facts(path)
        for pline, reason in facts.pragmas if facts else ():
            if (path, pline) not in builder.attached:
                builder.exemptions.append(Exemption("", "", reason, path, pline, "pragma"))
    unique: dict[tuple[str, str], Column] = {}
    for col in sorted(builder.columns, key=lambda c: (c.path, c.line, c.table, c.column)):
        prev = unique.get(col.key)
        if prev is None:
            unique[col.key] = col
            continue
        if prev.class_name is None and col.class_name is not None and (
            (prev.path, prev.line) == (col.path, col.line)
        ):
            # a Core Table's column that a class maps (__table__ = t): named by the class
            prev, col = col, prev
            unique[col.key] = prev
        if set(col.labels) - set(prev.labels):
            merged = builder.in_label_order({*prev.labels, *col.labels})
            unique[col.key] = replace(prev, labels=merged)
    columns = tuple(sorted(unique.values(), key=lambda c: (c.path, c.line, c.table, c.column)))
    exemptions = tuple(dict.fromkeys(
        sorted(builder.exemptions, key=lambda e: (e.path, e.line, e.table, e.column))
    ))
    errors = tuple(sorted(builder.errors, key=lambda e: (e.path, e.line, e.message)))
    return Inventory(columns, errors, exemptions, tuple(files), builder.mapped)


def _read_or_none(tree: SourceTree, path: str) -> str | None:
    """A pin file's text; one that cannot be read says nothing of the pins (the model files'
    own reads are where an unreadable file blocks)."""
    try:
        return tree.read(path)
    except UnreadableFile:
        return None

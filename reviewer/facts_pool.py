"""The facts of every file a scan touches: read once, from the cache or by parsing (in
parallel on a cold run), and kept for the resolver and the builder to share."""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from reviewer.cache import FactsCache, cache_key
from reviewer.constants import SCAN_PARALLEL_MIN_FILES
from reviewer.files import UnreadableFile
from reviewer.sources import SourceTree
from reviewer.types import Config

if TYPE_CHECKING:
    # Only a cache miss builds from facts; a warm run never needs these classes at runtime.
    from reviewer.facts import ModuleFacts


def _scan_job(args: tuple[str, tuple[str, ...]]) -> ModuleFacts:
    from reviewer.scanner import scan_source

    return scan_source(args[0], args[1])


class FactsPool:
    def __init__(self, tree: SourceTree, config: Config, use_cache: bool) -> None:
        self.tree = tree
        self.config = config
        self.labels = tuple(config.labels)
        self.cache = FactsCache() if use_cache else None
        self.files = tree.files()
        self.file_set = set(self.files)
        self._facts: dict[str, ModuleFacts | None] = {}

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

"""The facts of every file a scan touches: read once, from the cache or by parsing (in
parallel on a cold run), and kept for the resolver and the builder to share."""

from __future__ import annotations

import functools
import gc
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from reviewer.cache import FactsCache, cache_key
from reviewer.constants import SCAN_PARALLEL_MIN_BYTES
from reviewer.files import OutsideRepository, UnreadableFile
from reviewer.sources import SourceTree
from reviewer.types import Config

if TYPE_CHECKING:
    # Only a cache miss builds from facts; a warm run never needs these classes at runtime.
    from reviewer.facts import ModuleFacts

_Job = tuple[str, str, str]  # (path, text, cache key)


class FactsPool:
    def __init__(self, tree: SourceTree, config: Config, use_cache: bool) -> None:
        self.tree = tree
        self.config = config
        self.labels = tuple(config.labels)
        self.cache = FactsCache() if use_cache else None
        self.files = tree.files()
        self.file_set = set(self.files)
        self._facts: dict[str, ModuleFacts | None] = {}
        self._linked: dict[str, bool] = {}
        self.forked_scans = 0  # files a worker process scanned (the rest: this process)

    def load(self, paths: Sequence[str], jobs: int | None) -> None:
        """Scan many files up front, in parallel when it pays off."""
        todo: list[_Job] = []
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
        if not todo:
            return
        if jobs is None:
            # a worker costs a fork and the transfer of its results: not worth it for a few files
            big = sum(len(text) for _, text, _ in todo) >= SCAN_PARALLEL_MIN_BYTES
            workers = _idle_cpus() if big else 1
        else:
            workers = jobs
        workers = min(workers, len(todo))
        # Imported here, not at the top: libcst costs ~230 ms and a warm run never parses.
        from reviewer.scanner import scan_source

        with _no_gc():
            scanned: dict[int, ModuleFacts] = {}
            if workers > 1:
                scanned, by_workers = _scan_forked(todo, self.labels, self.cache, workers)
                self.forked_scans += by_workers
            for index, (path, text, key) in enumerate(todo):
                facts = scanned.get(index)
                if facts is None:  # scanned here: no worker, or a worker that failed
                    facts = scan_source(text, self.labels)
                    if self.cache:
                        self.cache.put(key, facts)
                self._facts[path] = facts

    def through_link(self, path: str) -> bool:
        """Is ``path`` a file the tree reaches through a symlinked directory of the
        repository? The list holds the link, not the files under it; the tree follows it,
        never out of the repository (a link that leaves it reads as no file: the import is
        then unresolved, and a model class on it blocks)."""
        found = self._linked.get(path)
        if found is None:
            parts = path.split("/")
            found = any("/".join(parts[:cut]) in self.file_set for cut in range(1, len(parts)))
            if found:
                try:
                    found = self.tree.read(path) is not None
                except (UnreadableFile, OutsideRepository):
                    found = False
            self._linked[path] = found
        return found

    def loaded(self) -> list[str]:
        """The files whose facts have been read so far, by path."""
        return sorted(p for p, f in self._facts.items() if f is not None)

    def facts(self, path: str) -> ModuleFacts | None:
        if path not in self._facts:
            self.load([path], jobs=1)
        return self._facts[path]


# --------------------------------------------------------------------------- parallel scan
# Worker processes are forked from this one after libcst and the scanner are imported, so
# they start at once and share those pages (one import, not one per worker; the tree's
# memory stays near one process's), and this process scans too instead of waiting. Files are
# handed out one at a time from a pipe, largest first, so a worker that gets less CPU on a
# busy machine simply takes fewer of them. Where fork is unavailable or unsafe (Windows,
# macOS), everything is scanned in this process.
_CAN_FORK = hasattr(os, "fork") and sys.platform.startswith("linux")
# Work units written to the job pipe before any reader exists: at most one page, which every
# pipe holds (PIPE_BUF), so the write can never block.
_MAX_UNITS = 1024
_UNIT = 4  # bytes per unit number


def _idle_cpus() -> int:
    """The CPUs this process may use, or 1 when other work keeps them more than busy.

    There a worker gets no core to itself: Linux shares CPU time between sessions
    (autogroups), not processes, so two processes of one run split one share. Measured on 2
    CPUs at a load average of ~3: a 500-model scan took as long with a worker as without,
    and the worker's fork and result transfer cost ~10 % more CPU. The bar is high (twice the
    CPUs) so that a benchmark's own back-to-back runs never push a quiet machine over it."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    try:
        busy = os.getloadavg()[0] >= 2 * cpus
    except (AttributeError, OSError):
        busy = False
    return 1 if busy else cpus


class _no_gc:
    """Scanning allocates hundreds of thousands of short-lived, acyclic CST nodes: reference
    counting frees them, and the cyclic collector, run again and again meanwhile (with full
    collections over the growing heap of facts), only adds ~13 % to a scan."""

    def __enter__(self) -> None:
        self.was_enabled = gc.isenabled()
        gc.disable()

    def __exit__(self, *exc: object) -> None:
        if self.was_enabled:
            gc.enable()


def _scan_forked(
    todo: Sequence[_Job], labels: tuple[str, ...], cache: FactsCache | None, workers: int
) -> tuple[dict[int, ModuleFacts], int]:
    """Scan ``todo`` with this process and ``workers - 1`` forked ones: the facts by index
    in ``todo``, and how many the workers scanned. Whatever a worker did not deliver (it could
    not start, or died) is missing, and the caller scans it itself."""
    import pickle
    import threading

    if not _CAN_FORK or threading.active_count() > 1:
        # A fork copies only the calling thread: a lock another thread holds (imports,
        # I/O) would stay locked in the worker forever. Such a host scans in one process.
        return {}, 0
    _dumps(None)  # import pickle's helpers here, not in each worker
    from reviewer.scanner import scan_source

    order = sorted(range(len(todo)), key=lambda i: -len(todo[i][1]))
    size = -(-len(order) // _MAX_UNITS)
    units = [order[at:at + size] for at in range(0, len(order), size)]
    try:
        jobs_r, jobs_w = os.pipe()
    except OSError:
        return {}, 0
    try:
        os.write(jobs_w, b"".join(n.to_bytes(_UNIT, "little") for n in range(len(units))))
    finally:
        os.close(jobs_w)  # every reader sees the end once the units are taken

    def take() -> Iterator[int]:
        while len(raw := os.read(jobs_r, _UNIT)) == _UNIT:
            yield from units[int.from_bytes(raw, "little")]

    def scan(index: int) -> ModuleFacts:
        _path, text, key = todo[index]
        facts = scan_source(text, labels)
        if cache is not None:
            cache.put(key, facts)
        return facts

    children: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
    for _ in range(workers - 1):
        try:
            res_r, res_w = os.pipe()
            pid = os.fork()
        except OSError:
            break  # no more processes allowed (limits, sandbox): fewer workers
        if pid == 0:  # the worker: scan what it takes, stream (index, facts) records back
            code = 1
            try:
                gc.disable()
                os.close(res_r)
                with os.fdopen(res_w, "wb") as out:
                    for index in take():
                        blob = _dumps((index, scan(index)))
                        out.write(len(blob).to_bytes(4, "little") + blob)
                code = 0
            finally:  # whatever failed, the parent rescans what did not arrive
                os._exit(code)  # never run the parent's exit handlers or flush its buffers
        os.close(res_w)
        children.append((pid, res_r))

    # The results arrive while this process scans; a reader per worker keeps its pipe from
    # filling up, which would stall the worker until this process finished its own share.
    streams: list[list[bytes]] = [[] for _ in children]

    def drain(fd: int, sink: list[bytes]) -> None:
        with os.fdopen(fd, "rb") as fh:
            sink.append(fh.read())

    readers = [threading.Thread(target=drain, args=(fd, sink), daemon=True)
               for (_, fd), sink in zip(children, streams, strict=True)]
    for reader in readers:
        reader.start()
    found: dict[int, ModuleFacts] = {}
    by_workers = 0
    try:
        for index in take():
            found[index] = scan(index)
    finally:
        os.close(jobs_r)
        for reader in readers:
            reader.join()
        for pid, _ in children:
            os.waitpid(pid, 0)
    for sink in streams:
        data = b"".join(sink)
        at = 0
        while at + 4 <= len(data):
            length = int.from_bytes(data[at:at + 4], "little")
            if at + 4 + length > len(data):
                break  # a worker that died mid-record: the rest is rescanned
            # our own worker's bytes, never read from disk (the cache is JSON for that reason)
            index, facts = pickle.loads(data[at + 4:at + 4 + length])  # noqa: S301
            found[index] = facts
            by_workers += 1
            at += 4 + length
    return found, by_workers


def _dumps(value: object) -> bytes:
    """Pickle for the worker-to-parent stream only (never stored: the cache is JSON). The
    facts classes pickle as their constructor arguments, ~3x cheaper than the default state
    protocol of a frozen slots dataclass."""
    import io
    import pickle

    buf = io.BytesIO()
    pickler = pickle.Pickler(buf, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _reducers()
    pickler.dump(value)
    return buf.getvalue()


@functools.cache
def _reducers() -> dict[type, Callable[[Any], Any]]:
    import copyreg
    from operator import attrgetter

    from reviewer import facts

    table: dict[type, Callable[[Any], Any]] = dict(copyreg.dispatch_table)
    for cls in (facts.CallFacts, facts.AnnFacts, facts.Stmt, facts.ClassFacts,
                facts.ImportFacts, facts.AliasFacts, facts.FactoryFacts, facts.LateFacts,
                facts.ModuleFacts):
        get = attrgetter(*cls.__slots__)  # the fields, in the constructor's order

        def reduce(obj: Any, cls: type = cls, get: Any = get) -> tuple[Any, ...]:
            return cls, get(obj)

        table[cls] = reduce
    return table

"""The cold-run scan in several processes: the same facts as one process, whatever happens to a
worker, and the cache filled by whoever scanned a file."""

from __future__ import annotations

import os
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

import reviewer.scanner
from reviewer.facts_pool import FactsPool
from reviewer.sources import MemoryTree
from reviewer.types import Config

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="workers are forked on Linux only")

VIS = "import enum\nclass ColumnVisibility(enum.Enum):\n    MASKED = 1\n    PRIVATE = 2\n"
LABELS = ("ColumnVisibility.MASKED", "ColumnVisibility.PRIVATE")


def _model(i: int) -> str:
    # sizes differ, so the largest-first order and the hand-out differ from the path order
    extra = "".join(f"    c{j} = Column(String({j + 1}))\n" for j in range(i % 7))
    return textwrap.dedent(f"""\
        from sqlalchemy import Column, Integer, String, Text
        from app.base import Base
        from app.vis import ColumnVisibility

        class T{i}(Base):
            __tablename__ = "t{i}"
            id = Column(Integer, primary_key=True)
            secret = Column(Text, info={{"v": ColumnVisibility.PRIVATE}})  # token {i}
        """) + extra


FILES = {f"app/m{i:02}.py": _model(i) for i in range(30)}
PATHS = sorted(FILES)


def _pool(tmp_path: Path, use_cache: bool = False) -> FactsPool:
    tree = MemoryTree({"app/vis.py": VIS, **FILES})
    return FactsPool(tree, Config(root=str(tmp_path), labels=LABELS), use_cache=use_cache)


def _facts(pool: FactsPool) -> list[object]:
    return [pool.facts(p) for p in PATHS]


def _serial(tmp_path: Path) -> list[object]:
    pool = _pool(tmp_path)
    pool.load(PATHS, jobs=1)
    assert pool.forked_scans == 0
    return _facts(pool)


def test_workers_scan_part_of_the_files_and_the_facts_equal_one_process(
    tmp_path: Path,
) -> None:
    pool = _pool(tmp_path)
    pool.load(PATHS, jobs=3)
    assert 0 < pool.forked_scans <= len(PATHS)
    assert _facts(pool) == _serial(tmp_path)
    assert pool.facts("app/m07.py").classes[0].stmts[1].labels == ("ColumnVisibility.PRIVATE",)


def test_each_file_is_cached_once_by_whichever_process_scanned_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path / "cache"))
    cold = _pool(tmp_path, use_cache=True)
    cold.load(PATHS, jobs=2)
    assert cold.forked_scans > 0
    assert len(list((tmp_path / "cache" / "scan").rglob("*.json"))) == len(PATHS)
    warm = _pool(tmp_path, use_cache=True)
    warm.load(PATHS, jobs=2)
    assert warm.forked_scans == 0  # nothing left to scan
    assert _facts(warm) == _facts(cold)


def test_a_worker_that_dies_mid_scan_loses_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    real = reviewer.scanner.scan_source
    died = tmp_path / "died"

    def dies_in_a_worker(text: str, labels: tuple[str, ...]) -> object:
        if os.getpid() != parent:
            died.touch()
            os._exit(9)  # as a crash or the OOM killer would, holding the file it took
        time.sleep(0.01)  # pace this process, so the worker surely takes a file first
        return real(text, labels)

    monkeypatch.setattr(reviewer.scanner, "scan_source", dies_in_a_worker)
    pool = _pool(tmp_path)
    pool.load(PATHS, jobs=2)
    monkeypatch.undo()
    assert died.exists()
    assert pool.forked_scans == 0
    assert _facts(pool) == _serial(tmp_path)


def test_no_processes_allowed_scans_everything_here(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refused() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refused)
    pool = _pool(tmp_path)
    pool.load(PATHS, jobs=2)
    monkeypatch.undo()
    assert pool.forked_scans == 0
    assert _facts(pool) == _serial(tmp_path)


def test_a_host_running_threads_is_never_forked(tmp_path: Path) -> None:
    # a forked worker would inherit whatever lock the other thread holds at that moment
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        pool = _pool(tmp_path)
        pool.load(PATHS, jobs=2)
    finally:
        release.set()
        other.join()
    assert pool.forked_scans == 0
    assert _facts(pool) == _serial(tmp_path)

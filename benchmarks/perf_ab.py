"""The cold and warm check of this checkout against another commit's, interleaved (A/B).

    python benchmarks/perf_ab.py --against main [--models 500,2000] [--shape adoption]
                                 [--runs 5]

``perf.py`` measures one checkout; a change worth a few percent of the cold check is smaller
than what other work on a shared machine does to two runs taken minutes apart. Here every
round runs the reference (``schema_test.py``), then the check of each side (``--against``'s
``reviewer`` package, exported to a temporary directory and put first on ``PYTHONPATH``, and
this checkout's), the sides' order swapped every round, so a burst of load falls on both
alike. Each side's ratio is its median over the reference's median; the cold check runs on a
fresh cache directory every time, as in ``perf.py``. Results go to
``benchmarks/results/perf-ab-<date>T<HHMM>-<shape>-<models>.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate_app import BASE_BRANCH, SHAPES, generate  # noqa: E402
from benchmarks.perf import RESULTS, Case, _checkout, _load, _reviewer, _run_once, machine  # noqa: E402


def _export(rev: str, into: Path) -> str:
    """``rev``'s reviewer package under ``into``; its short commit id."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=HERE.parent, check=True,
                         capture_output=True, text=True).stdout.strip()
    archive = subprocess.run(["git", "archive", sha, "reviewer"], cwd=HERE.parent, check=True,
                             capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return sha


def _timed(case: Case, app: Path, cache_root: Path,
           pythonpath: str | None) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + sys of the process tree) of one run."""
    cache = Path(tempfile.mkdtemp(dir=cache_root)) if case.cold else cache_root / case.name
    saved = os.environ.get("PYTHONPATH")
    try:
        if pythonpath:
            os.environ["PYTHONPATH"] = pythonpath
        else:
            os.environ.pop("PYTHONPATH", None)
        run = _run_once(case, app, cache)
    finally:
        if saved is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = saved
        if case.cold:
            shutil.rmtree(cache, ignore_errors=True)
    if run.code != case.expect_exit:
        raise SystemExit(f"{case.name} exited {run.code}: {run.tail}")
    return run.seconds, run.cpu_seconds


def measure(app: Path, runs: int,
            sides: dict[str, str | None]) -> dict[str, list[tuple[float, float]]]:
    """Every case of every side ``runs`` times, round-robin, the sides' order swapped each
    round; one untimed run of each first (bytecode, the warm cases' cache)."""
    rv = _reviewer()
    reference = Case("reference", (sys.executable, "schema_test.py"), BASE_BRANCH)
    checks = [Case(kind, (*rv, "check", "-C", str(app)), BASE_BRANCH, cold=kind == "cold")
              for kind in ("cold", "warm")]
    times: dict[str, list[tuple[float, float]]] = {"reference": []}
    _checkout(app, BASE_BRANCH)
    with tempfile.TemporaryDirectory(prefix="mr-ab-cache-") as tmp:
        caches = {side: Path(tmp) / side for side in sides}
        for cache in caches.values():
            cache.mkdir()
        _timed(reference, app, Path(tmp), None)
        for side, path in sides.items():
            for case in checks:
                times[f"{case.name} {side}"] = []
                _timed(case, app, caches[side], path)
        order = list(sides)
        for n in range(runs):
            times["reference"].append(_timed(reference, app, Path(tmp), None))
            for side in order if n % 2 == 0 else order[::-1]:
                for case in checks:
                    times[f"{case.name} {side}"].append(
                        _timed(case, app, caches[side], sides[side]))
    return times


def table(times: dict[str, list[tuple[float, float]]]) -> str:
    """Median wall-clock and CPU time of each case, and each one's ratio to the reference's
    (CPU time moves less with other work on the machine than wall-clock time does)."""
    ref = [statistics.median(t[i] for t in times["reference"]) for i in (0, 1)]
    rows = ["| case | median | ratio to reference | CPU | CPU ratio | runs (s) |",
            "| --- | ---: | ---: | ---: | ---: | --- |"]
    for name, got in times.items():
        wall, cpu = (statistics.median(t[i] for t in got) for i in (0, 1))
        rows.append(f"| {name} | {wall * 1000:.0f} ms | {wall / ref[0]:.3f}x "
                    f"| {cpu * 1000:.0f} ms | {cpu / ref[1]:.3f}x | "
                    + ", ".join(f"{t:.3f}" for t, _ in got) + " |")
    return "\n".join(rows)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", required=True, metavar="REV",
                        help="the commit to compare with (e.g. main)")
    parser.add_argument("--models", default="500", help="comma-separated sizes (default 500)")
    parser.add_argument("--shape", choices=SHAPES, default="adoption")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument("--no-write", action="store_true", help="do not write results JSON")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="mr-ab-") as tmp:
        against = Path(tmp) / "against"
        against.mkdir()
        base_sha = _export(args.against, against)
        this = machine()["reviewer_commit"]
        sides: dict[str, str | None] = {f"at {base_sha}": str(against), f"at {this}": None}
        for models in (int(n) for n in args.models.split(",")):
            app = Path(tmp) / f"app-{models}"
            generate(app, models, pr=True, shape=args.shape)
            load = [_load()]
            times = measure(app, args.runs, sides)
            load.append(_load())
            text = table(times)
            print(f"\n{models:,} models ({args.shape}), load {load[0]} -> {load[1]}:\n{text}")
            if not args.no_write:
                RESULTS.mkdir(parents=True, exist_ok=True)
                now = dt.datetime.now(dt.timezone.utc)
                out = RESULTS / f"perf-ab-{now:%Y-%m-%dT%H%M}-{args.shape}-{models}.json"
                out.write_text(json.dumps({
                    "taken_at": now.isoformat(timespec="seconds"), "models": models,
                    "shape": args.shape, "runs": args.runs, "sides": list(sides),
                    "machine": machine(), "load_average_1m": {"before": load[0],
                                                              "after": load[1]},
                    "wall_and_cpu_s": times, "table": text}, indent=2) + "\n", encoding="utf-8")
                print(f"wrote {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

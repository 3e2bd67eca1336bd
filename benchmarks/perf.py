"""Wall-clock benchmark of masking-reviewer against an import-based schema test.

    python benchmarks/perf.py [--models 500] [--runs 7] [--app DIR] [--no-write]

Every case runs as a fresh subprocess ``--runs`` times; the table reports the median. The
reference is ``schema_test.py`` in the generated app: it imports every model with real
SQLAlchemy and walks ``Base.metadata``, which is what a team's schema test does today (run
with plain ``python``, not pytest, so the reference is not inflated by pytest's start-up).

Targets (from the issue): check cold <= 1.0x the reference, check warm <= 0.1x, diff warm on
a 3-file PR <= 0.3x, ``reviewer --help`` < 150 ms.

Results go to ``benchmarks/results/perf-<date>.json`` with the machine they were taken on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# run as a script (python benchmarks/perf.py): make the repo root importable like in the tests
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate_app import BASE_BRANCH, PR_BRANCH, generate  # noqa: E402


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    argv: tuple[str, ...]
    branch: str  # which branch of the app is checked out while it runs
    cold: bool = False  # a fresh, empty cache directory for every run
    warmup: int = 1
    expect_exit: int = 0
    limit_ratio: float | None = None  # max median / reference median
    limit_seconds: float | None = None  # max median, absolute


@dataclass(frozen=True, slots=True)
class Result:
    name: str
    command: str
    runs: int
    median_s: float
    min_s: float
    max_s: float
    times_s: tuple[float, ...]
    exit_codes: tuple[int, ...]
    ratio: float | None  # median / reference median
    target: str
    passed: bool | None  # None: no target for this case
    notes: tuple[str, ...] = field(default=())


def _reviewer() -> tuple[str, ...]:
    """The installed console script, which is what users run; else ``python -m reviewer``."""
    script = shutil.which("reviewer", path=str(Path(sys.executable).parent))
    return (script,) if script else (sys.executable, "-m", "reviewer")


def cases(app: Path) -> list[Case]:
    rv = _reviewer()
    root = ("-C", str(app))
    return [
        Case("reference: import + walk metadata", (sys.executable, "schema_test.py"), BASE_BRANCH),
        Case("reviewer check (cold)", (*rv, "check", *root), BASE_BRANCH,
             cold=True, warmup=0, limit_ratio=1.0),
        Case("reviewer check (warm)", (*rv, "check", *root), BASE_BRANCH,
             limit_ratio=0.1),
        # the PR adds an unlabelled client_secret, so the diff review blocks (exit 1)
        Case("reviewer diff, 3-file PR (warm)",
             (*rv, "diff", *root, "--base", BASE_BRANCH, "--no-ai"), PR_BRANCH,
             expect_exit=1, limit_ratio=0.3),
        Case("reviewer --help", (*rv, "--help"), BASE_BRANCH, limit_seconds=0.150),
        Case("python -c 'import reviewer.cli'", (sys.executable, "-c", "import reviewer.cli"),
             BASE_BRANCH),
    ]


# Installed packages run from bytecode (pip compiles on install; an editable install writes
# it on first import). A sandbox or CI image may set PYTHONDONTWRITEBYTECODE, which makes every
# run recompile every module, the reviewer's and the reference app's alike: that measures
# the compiler, not the tool. --no-bytecode keeps the environment's setting.
BYTECODE_ENV = "PYTHONDONTWRITEBYTECODE"


def _env(cache_dir: Path, keep_bytecode_env: bool = False) -> dict[str, str]:
    env = dict(os.environ)
    if not keep_bytecode_env:
        env.pop(BYTECODE_ENV, None)
    env["MASKING_REVIEWER_CACHE_DIR"] = str(cache_dir)
    env.pop("ANTHROPIC_API_KEY", None)  # the benchmark measures the deterministic path only
    env.pop("GITHUB_ACTIONS", None)
    return env


def _run_once(
    case: Case, app: Path, cache_dir: Path, keep_bytecode_env: bool = False
) -> tuple[float, int, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        case.argv, cwd=app, env=_env(cache_dir, keep_bytecode_env), capture_output=True,
        text=True, check=False,
    )
    elapsed = time.perf_counter() - start
    return elapsed, proc.returncode, (proc.stderr or proc.stdout)[-400:]


def _checkout(app: Path, branch: str) -> None:
    subprocess.run(["git", "checkout", "-q", branch], cwd=app, check=True, capture_output=True)


def measure(
    case: Case, app: Path, runs: int, cache_root: Path, keep_bytecode_env: bool = False
) -> tuple[list[float], list[int], str]:
    _checkout(app, case.branch)
    shared = cache_root / case.name.replace(" ", "_").replace("/", "_")
    times: list[float] = []
    codes: list[int] = []
    tail = ""
    for i in range(case.warmup + runs):
        cache = Path(tempfile.mkdtemp(dir=cache_root)) if case.cold else shared
        elapsed, code, tail = _run_once(case, app, cache, keep_bytecode_env)
        if i >= case.warmup:
            times.append(elapsed)
            codes.append(code)
        if case.cold:
            shutil.rmtree(cache, ignore_errors=True)
    return times, codes, tail


def _target(case: Case) -> str:
    if case.limit_ratio is not None:
        return f"<= {case.limit_ratio:g}x reference"
    if case.limit_seconds is not None:
        return f"< {case.limit_seconds * 1000:.0f} ms"
    return ""


def run(
    app: Path, runs: int, only: Sequence[str] = (), keep_bytecode_env: bool = False
) -> list[Result]:
    """Run the reference, then every case (or those whose name contains one of ``only``)."""
    results: list[Result] = []
    reference: float | None = None
    chosen = [c for i, c in enumerate(cases(app))
              if i == 0 or not only or any(o in c.name for o in only)]
    with tempfile.TemporaryDirectory(prefix="mr-perf-cache-") as tmp:
        for case in chosen:
            times, codes, tail = measure(case, app, runs, Path(tmp), keep_bytecode_env)
            median = statistics.median(times)
            if reference is None:
                reference = median
            ratio = median / reference
            passed: bool | None = None
            if case.limit_ratio is not None:
                passed = ratio <= case.limit_ratio
            elif case.limit_seconds is not None:
                passed = median < case.limit_seconds
            notes: tuple[str, ...] = ()
            if any(code != case.expect_exit for code in codes):
                # a crash that exits fast would look like a great result: never hide it
                passed = False if passed is not None else None
                notes = (f"unexpected exit codes {sorted(set(codes))} "
                         f"(expected {case.expect_exit}): {tail.strip()}",)
            results.append(Result(
                name=case.name,
                command=" ".join(Path(case.argv[0]).name if i == 0 else a
                                 for i, a in enumerate(case.argv)).replace(str(app), "APP"),
                runs=len(times),
                median_s=round(median, 4),
                min_s=round(min(times), 4),
                max_s=round(max(times), 4),
                times_s=tuple(round(t, 4) for t in times),
                exit_codes=tuple(codes),
                ratio=round(ratio, 3),
                target=_target(case),
                passed=passed,
                notes=notes,
            ))
            print(f"  {case.name}: median {median * 1000:.0f} ms", file=sys.stderr)
    return results


def markdown(results: Sequence[Result]) -> str:
    rows = ["| case | median | ratio to reference | target | met |",
            "| --- | ---: | ---: | --- | --- |"]
    for r in results:
        met = {True: "yes", False: "**no**", None: ""}[r.passed]
        rows.append(f"| {r.name} | {r.median_s * 1000:.0f} ms | {r.ratio:.3f}x | {r.target} "
                    f"| {met} |")
    notes = [f"- {r.name}: {n}" for r in results for n in r.notes]
    return "\n".join(rows + (["", *notes] if notes else []))


def _git_sha() -> str | None:
    proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE,
                          capture_output=True, text=True, check=False)
    dirty = subprocess.run(["git", "status", "--porcelain", "--", "reviewer"], cwd=HERE,
                           capture_output=True, text=True, check=False).stdout.strip()
    sha = proc.stdout.strip()
    return (f"{sha}+dirty" if dirty else sha) or None


def _load() -> float | None:
    # other work on a shared machine inflates every median; record it next to the numbers
    return round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None


def machine() -> dict[str, object]:
    import sqlalchemy

    return {
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": platform.platform(),
        "sqlalchemy": sqlalchemy.__version__,
        "reviewer_commit": _git_sha(),
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark masking-reviewer (median of N).")
    parser.add_argument("--models", type=int, default=500)
    parser.add_argument("--runs", type=int, default=7, help="timed runs per case (default 7)")
    parser.add_argument("--app", type=Path,
                        help="an app made by generate_app.py --pr (default: a fresh temp one)")
    parser.add_argument("--results", type=Path, default=RESULTS,
                        help="directory for perf-<date>.json (default: benchmarks/results)")
    parser.add_argument("--no-write", action="store_true", help="do not write results JSON")
    parser.add_argument("--case", action="append", default=[], metavar="TEXT",
                        help="only cases whose name contains TEXT (repeatable); the reference "
                             "always runs. Implies --no-write")
    parser.add_argument("--no-bytecode", action="store_true",
                        help=f"keep {BYTECODE_ENV} from the environment (default: unset it, "
                             "so runs use cached bytecode like an installed package)")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")

    with tempfile.TemporaryDirectory(prefix="mr-perf-app-") as tmp:
        app = args.app
        lines = None
        if app is None:
            app = Path(tmp) / "app"
            _, lines = generate(app, args.models, pr=True)
        elif not (app / "schema_test.py").is_file():
            parser.error(f"{app} was not made by benchmarks/generate_app.py --pr")
        print(f"app: {app} ({args.models} models), {args.runs} runs per case", file=sys.stderr)
        load_before = _load()
        results = run(app, args.runs, args.case, args.no_bytecode)
        load_after = _load()

    table = markdown(results)
    print(table)
    if not args.no_write and not args.case:
        args.results.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.timezone.utc)
        out = args.results / f"perf-{now:%Y-%m-%d}.json"
        payload = {
            "taken_at": now.isoformat(timespec="seconds"),
            "models": args.models,
            "model_lines": lines,
            "runs": args.runs,
            "machine": machine(),
            "bytecode_cached": not (args.no_bytecode and os.environ.get(BYTECODE_ENV)),
            "load_average_1m": {"before": load_before, "after": load_after},
            "results": [asdict(r) for r in results],
            "table": table,
        }
        out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {out}", file=sys.stderr)
    return 0 if all(r.passed is not False for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())

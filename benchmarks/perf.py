"""Wall-clock benchmark of masking-reviewer against an import-based schema test.

    python benchmarks/perf.py [--models 500] [--shape mixed|adoption] [--runs 7] [--app DIR]
    python benchmarks/perf.py --shape adoption --models 200,500,2000,5000 --runs 3

Every case runs as a fresh subprocess ``--runs`` times; the table reports the median, of
wall-clock time and of CPU time (user + sys of the whole process tree, parse workers
included), each with its ratio to the reference's. The runs are interleaved (reference, cold
check, warm check, ... then again), so a burst of load from other work on a shared machine
falls on all of them alike; the cases on the PR branch run after the others, so switching
branches never makes the reference recompile the files the branches change. The
reference is ``schema_test.py`` in the generated app: it imports every model with real
SQLAlchemy and walks ``Base.metadata``, which is what a team's schema test does today (run
with plain ``python``, not pytest, so the reference is not inflated by pytest's start-up).

Targets (from the issues): check cold <= 1.0x the reference, check warm <= 0.1x, diff warm on
a 3-file PR <= 0.3x, ``reviewer --help`` < 150 ms, peak memory <= the reference's, and a
16,000-entry baseline adds < 0.5 s to a warm check. Several sizes at once (a comma-separated
``--models``) also give a scaling table: time per model at each size.

Peak memory comes from one extra, untimed run per case that samples the process tree every
10 ms: the largest single process's high-water RSS, and the PSS summed over the tree (which
counts a cold run's parse workers too, shared pages once).

Results go to ``benchmarks/results/perf-<date>T<HHMM>[-<shape>-<models>].json`` with the machine
they were taken on.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results"
# run as a script (python benchmarks/perf.py): make the repo root importable like in the tests
sys.path.insert(0, str(HERE.parent))

from benchmarks.generate_app import BASE_BRANCH, PR_BRANCH, SHAPES, generate  # noqa: E402

BASELINE_ENTRIES = 16_000
BASELINE_CONFIG = "perf-baseline.toml"  # written into the app, untracked, for one case
BASELINE_FILE = "perf-baseline.json"


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
    # max median minus the named case's median (what this case adds to that one)
    limit_added: tuple[str, float] | None = None
    memory_target: bool = False  # peak memory must not exceed the reference's


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
    peak_rss_mb: float | None = None  # the largest single process's peak RSS (one run)
    tree_pss_mb: float | None = None  # peak PSS of the whole process tree (the same run)
    cpu_s: float | None = None  # median user + sys CPU time of the process tree
    cpu_ratio: float | None = None  # cpu_s / the reference's cpu_s
    cpu_times_s: tuple[float, ...] = ()


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
             cold=True, warmup=0, limit_ratio=1.0, memory_target=True),
        Case("reviewer check (warm)", (*rv, "check", *root), BASE_BRANCH,
             limit_ratio=0.1, memory_target=True),
        # the PR adds an unlabelled client_secret, so the diff review blocks (exit 1)
        Case("reviewer diff, 3-file PR (warm)",
             (*rv, "diff", *root, "--base", BASE_BRANCH, "--no-ai"), PR_BRANCH,
             expect_exit=1, limit_ratio=0.3, memory_target=True),
        Case(f"reviewer check (warm), {BASELINE_ENTRIES:,}-entry baseline",
             (*rv, "check", *root, "--config", BASELINE_CONFIG), BASE_BRANCH,
             limit_added=("reviewer check (warm)", 0.5)),
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


@dataclass(frozen=True, slots=True)
class Run:
    seconds: float
    cpu_seconds: float  # user + sys of the process and every descendant it waited for
    code: int
    tail: str  # the end of its output, for a note when the exit code is unexpected
    memory: tuple[float, float] | None  # sampled: (largest process VmHWM, tree PSS) in MB


def _run_once(
    case: Case, app: Path, cache_dir: Path, keep_bytecode_env: bool = False,
    sample: bool = False,
) -> Run:
    """One run; when ``sample``, also the peak memory in MB: of the largest single process
    (VmHWM), and of the whole process tree (PSS)."""
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        proc = subprocess.Popen(case.argv, cwd=app, env=_env(cache_dir, keep_bytecode_env),
                                stdout=out, stderr=subprocess.STDOUT)
        sampler = _TreeSampler(proc.pid) if sample else None
        # wait4, not wait: its rusage counts the workers the process reaped, as `time` does
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        memory = sampler.stop() if sampler else None
        out.seek(0)
        tail = out.read().decode("utf-8", errors="replace")[-400:]
    return Run(elapsed, usage.ru_utime + usage.ru_stime, proc.returncode, tail, memory)


class _TreeSampler:
    """Samples a process and all its descendants every 10 ms, keeping two peaks: the largest
    single process's high-water RSS (VmHWM), and the PSS summed over the tree.

    Not ``wait4``'s ``ru_maxrss``: a child started by fork or vfork inherits the parent's
    high-water mark. PSS for the sum: forked workers share most pages with their parent, and
    summing RSS would count those once per worker."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.hwm_kb = 0
        self.tree_kb = 0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._done.is_set():
            pids = _tree(self.pid)
            self.hwm_kb = max([self.hwm_kb, *(_status_kb(p, "VmHWM:") for p in pids)])
            self.tree_kb = max(self.tree_kb, sum(_pss_kb(p) for p in pids))
            self._done.wait(0.01)

    def stop(self) -> tuple[float, float]:
        self._done.set()
        self._thread.join()
        return round(self.hwm_kb / 1024, 1), round(self.tree_kb / 1024, 1)


def _status_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith(field):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        try:
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children", encoding="ascii") as fh:
                    todo += [int(c) for c in fh.read().split()]
        except OSError:
            continue  # gone already
    return out


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _checkout(app: Path, branch: str) -> None:
    subprocess.run(["git", "checkout", "-q", branch], cwd=app, check=True, capture_output=True)


@dataclass(slots=True)
class Measured:
    times: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    memory: tuple[float, float] | None = None  # (largest process, tree) in MB
    tail: str = ""


def measure_all(
    chosen: Sequence[Case], app: Path, runs: int, cache_root: Path,
    keep_bytecode_env: bool = False, memory: bool = True,
) -> list[Measured]:
    """Every case ``runs`` times, round-robin within each branch (see the module docstring);
    then, untimed, one run per case that samples memory (sampling costs a little CPU)."""
    got = [Measured() for _ in chosen]

    def once(i: int, sample: bool = False) -> Run:
        case = chosen[i]
        shared = cache_root / "".join(ch if ch.isalnum() else "_" for ch in case.name)
        cache = Path(tempfile.mkdtemp(dir=cache_root)) if case.cold else shared
        try:
            return _run_once(case, app, cache, keep_bytecode_env, sample)
        finally:
            if case.cold:
                shutil.rmtree(cache, ignore_errors=True)

    for branch in dict.fromkeys(c.branch for c in chosen):
        group = [i for i, c in enumerate(chosen) if c.branch == branch]
        _checkout(app, branch)
        for i in group:
            for _ in range(chosen[i].warmup):
                once(i)
        for _ in range(runs):
            for i in group:
                run = once(i)
                got[i].times.append(run.seconds)
                got[i].cpu.append(run.cpu_seconds)
                got[i].codes.append(run.code)
                got[i].tail = run.tail
        if memory:
            for i in group:
                got[i].memory = once(i, sample=True).memory
    return got


def write_baseline_fixture(app: Path, entries: int = BASELINE_ENTRIES) -> None:
    """A config naming a baseline of ``entries`` recorded gaps, for the baseline case.

    The entries are shaped like ``reviewer baseline`` writes them; none matches a finding of
    the app, so the case measures loading and matching, not what the baseline hides."""
    # an explicit --config file holds the keys at its top level, like .masking-reviewer.toml
    pyproject = (app / "pyproject.toml").read_text(encoding="utf-8")
    table = pyproject.split("[tool.masking-reviewer]\n", 1)[1]
    (app / BASELINE_CONFIG).write_text(f'{table}baseline = "{BASELINE_FILE}"\n',
                                       encoding="utf-8")
    rows = [
        {"fingerprint": f"{n:016x}", "code": "MR001", "path": f"app/models/legacy_{n // 10}.py",
         "table": f"legacy_{n // 10}", "column": f"column_{n % 10}",
         "message": f"Legacy{n // 10}.column_{n % 10} is marked PRIVATE, but masking_rules.json "
                    f"has no rule for legacy_{n // 10}.column_{n % 10}."}
        for n in range(entries)
    ]
    (app / BASELINE_FILE).write_text(
        json.dumps({"version": 1, "entries": rows}, indent=2) + "\n", encoding="utf-8")
    exclude = app / ".git" / "info" / "exclude"  # keep `git status` of the app clean
    with exclude.open("a", encoding="utf-8") as fh:
        fh.write(f"{BASELINE_CONFIG}\n{BASELINE_FILE}\n")


def _target(case: Case) -> str:
    if case.limit_ratio is not None:
        return f"<= {case.limit_ratio:g}x reference"
    if case.limit_seconds is not None:
        return f"< {case.limit_seconds * 1000:.0f} ms"
    if case.limit_added is not None:
        return f"adds < {case.limit_added[1] * 1000:.0f} ms"
    return ""


def run(
    app: Path, runs: int, only: Sequence[str] = (), keep_bytecode_env: bool = False,
    memory: bool = True,
) -> list[Result]:
    """Run the reference, then every case (or those whose name contains one of ``only``)."""
    results: list[Result] = []
    reference: Result | None = None
    chosen = [c for i, c in enumerate(cases(app))
              if i == 0 or not only or any(o in c.name for o in only)]
    if any(c.limit_added for c in chosen):
        write_baseline_fixture(app)
    with tempfile.TemporaryDirectory(prefix="mr-perf-cache-") as tmp:
        measured = measure_all(chosen, app, runs, Path(tmp), keep_bytecode_env, memory)
        for case, got in zip(chosen, measured, strict=True):
            times, codes = got.times, got.codes
            median = statistics.median(times)
            ratio = median / (reference.median_s if reference else median)
            cpu = statistics.median(got.cpu)
            ref_cpu = reference.cpu_s if reference and reference.cpu_s else cpu
            passed: bool | None = None
            notes: tuple[str, ...] = ()
            if case.limit_ratio is not None:
                passed = ratio <= case.limit_ratio
            elif case.limit_seconds is not None:
                passed = median < case.limit_seconds
            elif case.limit_added is not None:
                other = next((r for r in results if r.name == case.limit_added[0]), None)
                if other is not None:
                    added = median - other.median_s
                    passed = added < case.limit_added[1]
                    notes += (f"adds {added * 1000:.0f} ms to {other.name}",)
            rss, tree = got.memory or (None, None)
            if case.memory_target and reference is not None and rss is not None:
                mem_ok = rss <= (reference.peak_rss_mb or 0) and (
                    tree is None or tree <= (reference.tree_pss_mb or 0))
                passed = (passed is not False) and mem_ok
                if not mem_ok:
                    notes += (f"peak memory above the reference's ({rss} MB largest process, "
                              f"{tree} MB tree PSS)",)
            if any(code != case.expect_exit for code in codes):
                # a crash that exits fast would look like a great result: never hide it
                passed = False if passed is not None else None
                notes += (f"unexpected exit codes {sorted(set(codes))} "
                          f"(expected {case.expect_exit}): {got.tail.strip()}",)
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
                peak_rss_mb=rss,
                tree_pss_mb=tree,
                cpu_s=round(cpu, 4),
                cpu_ratio=round(cpu / ref_cpu, 3) if ref_cpu else None,
                cpu_times_s=tuple(round(t, 4) for t in got.cpu),
            ))
            if reference is None:
                reference = results[0]
            print(f"  {case.name}: median {median * 1000:.0f} ms, CPU {cpu * 1000:.0f} ms, "
                  f"peak {_mb(rss)}", file=sys.stderr)
    return results


def _mb(value: float | None) -> str:
    return "" if value is None else f"{value:.0f} MB"


def markdown(results: Sequence[Result]) -> str:
    rows = ["| case | median | ratio to reference | CPU (user+sys) | CPU ratio | peak RSS "
            "| tree PSS | target | met |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for r in results:
        met = {True: "yes", False: "**no**", None: ""}[r.passed]
        cpu = "" if r.cpu_s is None else f"{r.cpu_s * 1000:.0f} ms"
        cpu_ratio = "" if r.cpu_ratio is None else f"{r.cpu_ratio:.3f}x"
        rows.append(f"| {r.name} | {r.median_s * 1000:.0f} ms | {r.ratio:.3f}x | {cpu} "
                    f"| {cpu_ratio} | {_mb(r.peak_rss_mb)} | {_mb(r.tree_pss_mb)} "
                    f"| {r.target} | {met} |")
    notes = [f"- {r.name}: {n}" for r in results for n in r.notes]
    return "\n".join(rows + (["", *notes] if notes else []))


# The cases whose time should grow with the app; --help and the bare import do not.
SCALING_CASES = ("reference: import + walk metadata", "reviewer check (cold)",
                 "reviewer check (warm)", "reviewer diff, 3-file PR (warm)")


# The tiny app whose times are what every run pays whatever the size: the smallest that
# generate_app.py makes (its PR branch touches 3 model files).
FIXED_MODELS = 3


def scaling_markdown(
    by_size: Sequence[tuple[int, Sequence[Result]]], fixed: Sequence[Result] = (),
) -> str:
    """Time per model at each size, and the marginal time per model between sizes.

    Linear work shows as a flat row; quadratic work as a row that grows with the size. The
    first table includes what every run pays once (start-up, imports), which weighs most on
    the smallest app; ``fixed`` (the same cases on a ``FIXED_MODELS``-model app, f) adds, under
    each case, the time per model above that fixed cost, (t(n) - t(f)) / (n - f), which is
    flat for linear work. The second table divides only what each step up in size added."""
    sizes = [n for n, _ in by_size]
    rows = ["| case | " + " | ".join(f"{n:,} models" for n in sizes)
            + " | spread (max/min - 1) |",
            "| --- |" + " ---: |" * (len(sizes) + 1)]
    steps = list(itertools.pairwise(sizes))
    marginal = ["| case | " + " | ".join(f"{a:,} → {b:,}" for a, b in steps)
                + " | spread (max/min - 1) |",
                "| --- |" + " ---: |" * (len(steps) + 1)]
    cpu_rows = rows[:2]
    cpu_marginal = marginal[:2]
    for name in SCALING_CASES:
        for wall, table, steps_table in ((True, rows, marginal),
                                         (False, cpu_rows, cpu_marginal)):
            medians: list[float | None] = []
            for _, results in by_size:
                found = next((r for r in results if r.name == name), None)
                medians.append(None if found is None else
                               found.median_s if wall else found.cpu_s)
            if all(m is None for m in medians):
                continue
            per_model = [None if m is None else m / n * 1000
                         for m, n in zip(medians, sizes, strict=True)]
            table.append(_scaling_row(name, per_model))
            base = next((r for r in fixed if r.name == name), None)
            t1 = None if base is None else base.median_s if wall else base.cpu_s
            if t1 is not None:
                above = [None if m is None or n <= FIXED_MODELS
                         else (m - t1) / (n - FIXED_MODELS) * 1000
                         for m, n in zip(medians, sizes, strict=True)]
                table.append(_scaling_row(
                    f"{name}, above the {FIXED_MODELS}-model run ({t1 * 1000:.0f} ms)", above))
            per_step = [None if a is None or b is None else (b - a) / (nb - na) * 1000
                        for (a, b), (na, nb) in zip(itertools.pairwise(medians), steps,
                                                    strict=True)]
            steps_table.append(_scaling_row(name, per_step))
    return "\n".join([
        *rows, "", "Marginal time per model (what each step up in size added):", "", *marginal,
        "", "CPU time (user + sys, process tree) per model, less sensitive to other load:", "",
        *cpu_rows, "", "Marginal CPU time per model:", "", *cpu_marginal,
    ])


def _scaling_row(name: str, values: Sequence[float | None]) -> str:
    known = [v for v in values if v is not None]
    cells = [f"{v:.2f} ms" if v is not None else "" for v in values]
    spread = f"{(max(known) / min(known) - 1) * 100:.0f}%" if known and min(known) > 0 else ""
    return f"| {name} | " + " | ".join(cells) + f" | {spread} |"


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
    parser.add_argument("--models", default="500",
                        help="mapped classes; a comma-separated list runs every size and adds "
                             "a scaling table (default 500)")
    parser.add_argument("--shape", choices=SHAPES, default="mixed",
                        help="the generated app: mixed (default) or adoption (issue 10)")
    parser.add_argument("--no-memory", action="store_true",
                        help="skip the extra untimed run per case that samples tree memory")
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
    try:
        sizes = [int(n) for n in str(args.models).split(",")]
    except ValueError:
        parser.error("--models must be a number or a comma-separated list of numbers")
    if args.app is not None and len(sizes) > 1:
        parser.error("--app takes one size")

    by_size: list[tuple[int, list[Result]]] = []
    load_before = _load()
    fixed: list[Result] = []
    if len(sizes) > 1 and FIXED_MODELS not in sizes:
        # What every run pays whatever the size (start-up, imports, the reference's
        # interpreter): the scaling cases on a tiny app, subtracted in the per-model table.
        fixed, _, _ = _one_size(args, parser, FIXED_MODELS, only=SCALING_CASES)
    for models in sizes:
        results, lines, load = _one_size(args, parser, models)
        by_size.append((models, results))
        table = markdown(results)
        print(f"\n{models:,} models ({args.shape}):\n{table}" if len(sizes) > 1 else table)
        print(f"\nload average (1 min) {load[0]} before, {load[1]} after; "
              f"{os.cpu_count()} CPUs; commit {_git_sha()}")
        if not args.no_write and not args.case:
            _write(args, models, lines, load, results, table, several=len(sizes) > 1)
    if len(sizes) > 1:
        fixed = fixed or next((rs for n, rs in by_size if n == FIXED_MODELS), [])
        scaling = scaling_markdown(by_size, fixed)
        print(f"\nTime per model ({args.shape}):\n{scaling}")
        if not args.no_write and not args.case:
            _write_scaling(args, sizes, scaling, (load_before, _load()))
    return 0 if all(r.passed is not False for _, rs in by_size for r in rs) else 1


def _one_size(
    args: argparse.Namespace, parser: argparse.ArgumentParser, models: int,
    only: Sequence[str] | None = None,
) -> tuple[list[Result], int | None, tuple[float | None, float | None]]:
    with tempfile.TemporaryDirectory(prefix="mr-perf-app-") as tmp:
        app = args.app
        lines = None
        if app is None:
            app = Path(tmp) / "app"
            _, lines = generate(app, models, pr=True, shape=args.shape)
        elif not (app / "schema_test.py").is_file():
            parser.error(f"{app} was not made by benchmarks/generate_app.py --pr")
        print(f"app: {app} ({models} models, {args.shape}), {args.runs} runs per case",
              file=sys.stderr)
        load_before = _load()
        if only is not None:  # the fixed-cost run: these cases, no memory sampling
            results = run(app, args.runs, only, args.no_bytecode, memory=False)
        else:
            results = run(app, args.runs, args.case, args.no_bytecode, not args.no_memory)
        return results, lines, (load_before, _load())


def _write(
    args: argparse.Namespace, models: int, lines: int | None,
    load: tuple[float | None, float | None], results: Sequence[Result], table: str,
    several: bool,
) -> None:
    args.results.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc)
    suffix = f"-{args.shape}-{models}" if several or args.shape != "mixed" else ""
    out = args.results / f"perf-{now:%Y-%m-%dT%H%M}{suffix}.json"  # never over an earlier run
    payload = {
        "taken_at": now.isoformat(timespec="seconds"),
        "models": models,
        "shape": args.shape,
        "model_lines": lines,
        "runs": args.runs,
        "machine": machine(),
        "bytecode_cached": not (args.no_bytecode and os.environ.get(BYTECODE_ENV)),
        "load_average_1m": {"before": load[0], "after": load[1]},
        "results": [asdict(r) for r in results],
        "table": table,
    }
    out.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


def _write_scaling(
    args: argparse.Namespace, sizes: Sequence[int], table: str,
    load: tuple[float | None, float | None],
) -> None:
    now = dt.datetime.now(dt.timezone.utc)
    out = args.results / f"scaling-{now:%Y-%m-%dT%H%M}-{args.shape}.json"
    out.write_text(json.dumps({
        "taken_at": now.isoformat(timespec="seconds"), "shape": args.shape,
        "sizes": list(sizes), "runs": args.runs, "machine": machine(),
        "load_average_1m": {"before": load[0], "after": load[1]}, "table": table,
    }, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())

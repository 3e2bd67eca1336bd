"""The benchmark's synthetic app: importable, of the requested size, complete, deterministic.

Small N only: the benchmark itself (benchmarks/perf.py) is never run as a timed test.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate_app import MODELS_PACKAGE, PR_BRANCH, main
from tests.gitrepo import isolate_git

COUNT_MAPPERS = (
    "import app.models\n"
    "from app.models.base import Base\n"
    "print(len(Base.registry.mappers), len(Base.metadata.tables))\n"
)


def _python(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=False
    )


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, check=True
    ).stdout


def _tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.parts
    }


@pytest.fixture(autouse=True)
def _isolated_git(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate_git(monkeypatch)


@pytest.mark.parametrize(
    ("models", "modules", "mappers", "tables"),
    [
        # 10 classes per module; one in five modules adds a Core association table
        pytest.param(23, 3, 23, 24, id="partial last module"),
        pytest.param(40, 4, 40, 41, id="whole modules"),
        pytest.param(3, 1, 3, 3, id="smallest app the --pr branch can touch"),
    ],
)
def test_generated_app_imports_with_requested_size(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], models: int, modules: int,
    mappers: int, tables: int,
) -> None:
    out = tmp_path / "app"
    assert main(["--models", str(models), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    lines = sum(
        p.read_text(encoding="utf-8").count("\n") for p in (out / MODELS_PACKAGE).glob("*.py")
    )
    assert printed.startswith(f"{models} models in {modules} modules, {lines} lines of model code")

    proc = _python(out, "-c", COUNT_MAPPERS)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.split() == [str(mappers), str(tables)]

    # the reference schema test agrees the rules file is complete
    schema = _python(out, "schema_test.py")
    assert schema.returncode == 0, schema.stdout + schema.stderr
    assert _git(out, "status", "--porcelain") == ""


def test_same_seed_same_app_other_seed_other_app(tmp_path: Path) -> None:
    main(["--models", "25", "--out", str(tmp_path / "a")])
    main(["--models", "25", "--out", str(tmp_path / "b")])
    main(["--models", "25", "--out", str(tmp_path / "c"), "--seed", "8"])
    assert _tree(tmp_path / "a") == _tree(tmp_path / "b")
    assert _tree(tmp_path / "a") != _tree(tmp_path / "c")


def test_rules_cover_exactly_the_labelled_columns(tmp_path: Path) -> None:
    out = tmp_path / "app"
    main(["--models", "60", "--out", str(out)])
    script = (
        "import json, app.models\n"
        "from app.models.base import Base\n"
        "print(json.dumps(sorted([t.name, c.name] for t in Base.metadata.tables.values()\n"
        "    for c in t.columns if 'visibility' in c.info)))\n"
    )
    proc = _python(out, "-c", script)
    assert proc.returncode == 0, proc.stderr
    labelled = json.loads(proc.stdout)
    rules = json.loads((out / "masking_rules.json").read_text(encoding="utf-8"))["rules"]
    assert sorted([r["table"], r["column"]] for r in rules) == labelled
    assert len(labelled) > 10  # the benchmark is meaningless without labelled columns


def test_pr_branch_touches_three_model_files(tmp_path: Path) -> None:
    out = tmp_path / "app"
    main(["--models", "30", "--out", str(out), "--pr"])
    assert _git(out, "branch", "--show-current").strip() == PR_BRANCH
    changed = _git(out, "diff", "--name-only", "main", PR_BRANCH).split()
    assert changed == [
        "app/models/billing.py",
        "app/models/crm.py",
        "app/models/hr.py",
        "masking_rules.json",
    ]
    diff = _git(out, "diff", "main", PR_BRANCH)
    assert '+      "column": "recovery_email",' in diff.splitlines()
    added = [line for line in diff.splitlines() if line.startswith("+") and "client_secret" in line]
    assert len(added) == 1 and "info=" not in added[0]  # the secret nobody labelled
    proc = _python(out, "-c", COUNT_MAPPERS)
    assert proc.stdout.split()[0] == "31"  # one new integration class


def test_adoption_shape_yields_one_weak_strategy_per_model(tmp_path: Path) -> None:
    """Issue 10's app: the findings are many and legitimate, one MR008 per model."""
    from reviewer.cli import main as reviewer_main

    out = tmp_path / "app"
    assert main(["--models", "23", "--out", str(out), "--shape", "adoption", "--pr"]) == 0
    _git(out, "checkout", "-q", "main")
    proc = _python(out, "-c", COUNT_MAPPERS)
    assert proc.stdout.split() == ["23", "23"]  # no mixins, no association tables
    assert _python(out, "schema_test.py").returncode == 0
    report = tmp_path / "report.json"
    code = reviewer_main(["check", "-C", str(out), "--no-cache", "-f", "json", "-o", str(report)])
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"]
    assert code == 0
    assert {(f["code"], f["column"]) for f in findings} == {("MR008", "client_secret")}
    assert len({f["table"] for f in findings}) == len(findings) == 23
    source = (out / MODELS_PACKAGE / "billing.py").read_text(encoding="utf-8")
    # NOT NULL comes from the annotation alone, as the app writes it
    assert "    client_secret: Mapped[str] = mapped_column(\n        String(255), info=" in source


def test_refuses_a_non_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="is not empty"):
        main(["--models", "5", "--out", str(tmp_path)])
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


@pytest.mark.slow
def test_perf_harness_runs_every_case_with_the_expected_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The harness end to end on a tiny app: one run per case, no timing asserted.

    Catches what makes a benchmark silently lie: a renamed CLI flag or a crash exits fast.
    """
    from benchmarks.perf import main as perf_main

    perf_main(["--models", "12", "--runs", "1", "--results", str(tmp_path / "results")])
    [written] = (tmp_path / "results").glob("perf-*.json")
    # stamped to the minute, so a second run of the day never overwrites a recorded one
    assert re.fullmatch(r"perf-\d{4}-\d\d-\d\dT\d{4}\.json", written.name), written.name
    data = json.loads(written.read_text(encoding="utf-8"))
    assert [(r["name"], r["exit_codes"]) for r in data["results"]] == [
        ("reference: import + walk metadata", [0]),
        ("reviewer check (cold)", [0]),
        ("reviewer check (warm)", [0]),
        ("reviewer diff, 3-file PR (warm)", [1]),
        ("reviewer check (warm), 16,000-entry baseline", [0]),
        ("reviewer --help", [0]),
        ("python -c 'import reviewer.cli'", [0]),
    ]
    # Notes are measurements, not failures: on a 12-model app a forked scan worker can make a
    # cold run's memory exceed the reference's, depending on the machine (it failed CI once).
    # The baseline case always says what it added (less than nothing, within noise, on a busy
    # machine: it failed once so); no case may say anything else.
    notes = {r["name"]: r["notes"] for r in data["results"]}
    assert [re.fullmatch(r"adds -?\d+ ms to reviewer check \(warm\)", n) is not None
            for n in notes.pop("reviewer check (warm), 16,000-entry baseline")] == [True]
    assert all(re.fullmatch(r"peak memory above the reference's \(.*\)", n)
               for case_notes in notes.values() for n in case_notes), notes
    assert data["results"][0]["ratio"] == 1.0
    assert data["machine"]["cpu_count"] and data["models"] == 12
    assert capsys.readouterr().out.startswith("| case | median | ratio to reference |")


def _timed(name: str, seconds: float) -> Any:
    from benchmarks.perf import Result

    return Result(name=name, command="x", runs=1, median_s=seconds, min_s=seconds,
                  max_s=seconds, times_s=(seconds,), exit_codes=(0,), ratio=None, target="",
                  passed=None, cpu_s=seconds / 2)


def test_scaling_table_subtracts_the_fixed_cost_of_a_tiny_app() -> None:
    """A warm check costing 100 ms of start-up plus 0.2 ms per model reads as 0.70 and 0.40
    ms per model at 200 and 500 models raw, and as a flat 0.20 ms above the fixed cost."""
    from benchmarks.perf import FIXED_MODELS, scaling_markdown

    def warm(n: int) -> Any:
        return _timed("reviewer check (warm)", 0.100 + 0.0002 * n)

    table = scaling_markdown([(200, [warm(200)]), (500, [warm(500)])],
                             fixed=[warm(FIXED_MODELS)])
    rows = [line for line in table.splitlines() if line.startswith("| reviewer check (warm)")]
    assert rows[:2] == [
        "| reviewer check (warm) | 0.70 ms | 0.40 ms | 75% |",
        "| reviewer check (warm), above the 3-model run (101 ms) | 0.20 ms | 0.20 ms | 0% |",
    ]
    # and the CPU table the same way (CPU here is half the wall time)
    assert "| reviewer check (warm), above the 3-model run (50 ms) | 0.10 ms | 0.10 ms | 0% |" \
        in rows
    # without a tiny app, no such row
    assert "above the" not in scaling_markdown([(200, [warm(200)]), (500, [warm(500)])])

"""What each command may import: start-up matters, and check/scan never pay for the AI or
GitHub clients."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample_app"
HEAVY = ("anthropic", "github", "jinja2", "unidiff", "pydantic")

PROBE = f"""
import contextlib, io, json, sys
from reviewer.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    code = main(sys.argv[1:])
print(json.dumps({{"code": code, "loaded": [m for m in {HEAVY!r} if m in sys.modules]}}))
"""


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        pytest.param(["--help"], 0, id="help"),
        pytest.param(["check", "--root", str(SAMPLE), "--no-cache"], 0, id="check, cold"),
        pytest.param(["check", "--root", str(SAMPLE)], 0, id="check, warm"),
        pytest.param(["scan", "--root", str(SAMPLE), "-f", "json"], 0, id="scan"),
    ],
)
def test_check_and_scan_never_import_the_ai_or_github_clients(argv: list[str], code: int) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv], capture_output=True, text=True, check=True,
    )
    assert json.loads(proc.stdout) == {"code": code, "loaded": []}


# A warm check reads the classified inventory from the cache: the parser, the resolver, the
# classifier and the similarity index are for a miss or for a finding to suggest a rule for.
WARM_UNUSED = ("libcst", "reviewer.facts", "reviewer.resolution", "reviewer.columns",
               "reviewer.column_calls", "reviewer.facts_pool", "reviewer.classifier",
               "reviewer.name_verdicts", "reviewer.table_context", "reviewer.similar")


def test_a_warm_check_with_nothing_to_suggest_imports_no_parser_resolver_or_classifier() -> None:
    argv = ["check", "--root", str(SAMPLE)]
    probe = PROBE.replace(repr(HEAVY), repr(WARM_UNUSED))
    cold = subprocess.run([sys.executable, "-c", probe, *argv],
                          capture_output=True, text=True, check=True)
    assert json.loads(cold.stdout)["code"] == 0
    assert "reviewer.classifier" in json.loads(cold.stdout)["loaded"]  # the probe sees them
    warm = subprocess.run([sys.executable, "-c", probe, *argv],
                          capture_output=True, text=True, check=True)
    assert json.loads(warm.stdout) == {"code": 0, "loaded": []}

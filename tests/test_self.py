"""The tool runs on its own repository: the root config points the gate at the sample app."""

from __future__ import annotations

from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.config import load_config
from reviewer.sources import WorktreeTree

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "fixtures" / "sample_app"


def test_reviewer_check_passes_on_this_repository(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--root", str(ROOT)]) == 0
    out = capsys.readouterr().out
    assert "0 blocking, 0 warnings" in out
    assert "4 exemptions in force" in out


def test_root_config_exempts_exactly_what_the_sample_app_does() -> None:
    ours = load_config(str(ROOT), WorktreeTree(ROOT))
    app = load_config(str(SAMPLE), WorktreeTree(SAMPLE))
    assert [(e.table, e.column, e.reason) for e in ours.exemptions] == [
        (e.table, e.column, e.reason) for e in app.exemptions
    ]
    assert (ours.labels, ours.table_naming) == (app.labels, app.table_naming)

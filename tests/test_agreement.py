"""Agreement between two blind labellings (benchmarks/agreement.py): the ceiling of issue 9."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.agreement import (
    Agreement,
    RowsDiffer,
    cohen_kappa,
    main,
    overlap,
    pair_rows,
    table,
)
from benchmarks.real_world import LabelRow

HEADER = "project,path,table,column,label,public,note\n"


def row(column: str, label: str, note: str = "", table: str = "users") -> LabelRow:
    return LabelRow("magnum", "app/models.py", table, column, label, "", note)


def pairs(*labels: tuple[str, str]) -> list[tuple[LabelRow, LabelRow]]:
    return [(row(f"c{i}", a), row(f"c{i}", b)) for i, (a, b) in enumerate(labels)]


@pytest.mark.parametrize("labels, expected", [
    pytest.param([("credential", "credential"), ("none", "none")], 1.0, id="identical"),
    # observed 0.5; chance: both say credential 1/4, both none 1/4: 0.5; kappa 0
    pytest.param([("credential", "credential"), ("credential", "none"),
                  ("none", "credential"), ("none", "none")], 0.0, id="chance level"),
    # observed 0.75; chance 0.5 * 0.25 + 0.5 * 0.75 = 0.5; kappa 0.5
    pytest.param([("credential", "credential"), ("credential", "none"),
                  ("none", "none"), ("none", "none")], 0.5, id="half way"),
    pytest.param([("none", "none")] * 3, 1.0, id="one label everywhere"),
    pytest.param([], None, id="no rows"),
])
def test_cohen_kappa(labels: list[tuple[str, str]], expected: float | None) -> None:
    assert cohen_kappa(pairs(*labels)) == expected


def test_overlap_scores_the_second_labeller_against_the_first() -> None:
    got = overlap(pairs(("credential", "credential"), ("credential", "none"),
                        ("credential", "pii_direct"), ("none", "credential"),
                        ("none", "none")), frozenset({"credential"}))
    assert (got.first, got.second, got.both) == (3, 2, 1)
    assert got.precision == 0.5
    assert got.recall == pytest.approx(1 / 3)
    assert got.f1 == pytest.approx(2 * 1 / (3 + 2))


def test_rows_are_paired_by_path_table_and_column_in_any_order() -> None:
    first = [row("password", "credential"), row("name", "pii_direct")]
    second = [row("name", "pii_quasi"), row("password", "credential")]
    got = pair_rows(first, second)
    assert [(a.column, a.label, b.label) for a, b in got] == [
        ("password", "credential", "credential"), ("name", "pii_direct", "pii_quasi")]


@pytest.mark.parametrize("second, message", [
    pytest.param([row("password", "credential")], "list different columns, e.g. users.name",
                 id="a row missing"),
    pytest.param([row("password", "credential"), row("name", "none"), row("name", "none")],
                 "second labels list users.name twice", id="a row twice"),
])
def test_labellings_of_different_columns_are_refused(second: list[LabelRow],
                                                     message: str) -> None:
    with pytest.raises(RowsDiffer, match=message):
        pair_rows([row("password", "credential"), row("name", "none")], second)


def test_the_table_has_a_row_per_project_and_a_total_per_split() -> None:
    a = Agreement("magnum", tuple(pairs(("credential", "credential"), ("none", "none"))))
    b = Agreement("nova", tuple(pairs(("credential", "none"), ("none", "none"))))
    c = Agreement("rucio", tuple(pairs(("none", "none"))), held_out=True)
    lines = table([a, b, c]).splitlines()
    assert lines[2] == ("| magnum | development | 2 | 1.000 | 1.000 | 1 / 1 / 1 | "
                        "1.000 / 1.000 | 1.000 | 1.000 |")
    assert lines[3] == ("| nova | development | 2 | 0.500 | 0.000 | 1 / 0 / 0 | - / 0.000 | "
                        "0.000 | 0.000 |")
    assert lines[4].startswith("| rucio | held-out | 1 | 1.000 |")
    assert lines[5].startswith("| **all development** | development | 4 | 0.750 | 0.500 | "
                               "2 / 1 / 1 | 1.000 / 0.500 |")
    assert lines[6].startswith("| **all** |  | 5 | 0.800 |")  # one held-out project: no total
    assert len(lines) == 7


def _write(directory: Path, project: str, rows: list[tuple[str, str, str]]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = HEADER + "".join(f"{project},m.py,t,{c},{label},,{note}\n" for c, label, note in rows)
    (directory / f"{project}.csv").write_text(text, encoding="utf-8")


def test_main_reports_projects_with_a_second_labelling_and_their_disagreements(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first, "magnum", [("password", "credential", "hash"), ("ref_id", "credential",
                                                                  "grants access")])
    _write(second, "magnum", [("password", "credential", ""), ("ref_id", "none", "an ID")])
    _write(first, "nova", [("host", "none", "")])  # no second labelling: not reported
    assert main(["--labels", str(first), "--second", str(second), "--disagreements"]) == 0
    out = capsys.readouterr().out
    assert "| magnum | development | 2 | 0.500 |" in out and "nova" not in out
    assert "magnum t.ref_id: first credential (grants access); second none (an ID)" in out


def test_held_out_disagreements_are_never_listed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first, "rucio", [("secret", "credential", "x")])
    _write(second, "rucio", [("secret", "none", "y")])
    assert main(["--labels", str(first), "--second", str(second), "--disagreements"]) == 0
    out = capsys.readouterr().out
    assert "rucio: held-out, not listed" in out and "secret" not in out


@pytest.mark.parametrize("second_rows, message", [
    pytest.param([("other", "none", "")], "list different columns", id="different rows"),
    pytest.param(None, "no second labelling", id="nothing to compare"),
])
def test_main_refuses_what_it_cannot_compare_with_exit_2(
        tmp_path: Path, capsys: pytest.CaptureFixture[str],
        second_rows: list[tuple[str, str, str]] | None, message: str) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _write(first, "magnum", [("password", "credential", "")])
    second.mkdir()
    if second_rows is not None:
        _write(second, "magnum", second_rows)
    assert main(["--labels", str(first), "--second", str(second)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err

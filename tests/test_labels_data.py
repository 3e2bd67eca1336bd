"""The hand-labelled real-world corpus (benchmarks/real_world/labels/*.csv) is well-formed.

The classifier benchmark trusts these files as ground truth, so a malformed row, a typo in a
label or a duplicated column would silently skew every figure measured against them.
"""

from __future__ import annotations

import csv
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

REAL_WORLD = Path(__file__).resolve().parent.parent / "benchmarks" / "real_world"
LABELS_DIR = REAL_WORLD / "labels"
HEADER = ["project", "path", "table", "column", "label", "public", "note"]
LABELS = {"credential", "pii_direct", "pii_quasi", "free_text", "none"}
LABEL_FILES = sorted(LABELS_DIR.glob("*.csv"))


def _rows(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader)
        rows = [dict(zip(header, r, strict=False)) | {"_width": str(len(r))} for r in reader]
    return header, rows


def _project_names(doc: dict[str, Any]) -> set[str]:
    """Project names from projects.toml, whichever of the usual TOML shapes it uses."""
    section = doc.get("projects", doc.get("project", doc))
    if isinstance(section, list):
        return {str(p["name"]) for p in section if isinstance(p, dict) and "name" in p}
    return {k for k, v in section.items() if isinstance(v, dict)}


def test_the_corpus_has_label_files() -> None:
    assert LABEL_FILES, f"no labels CSV under {LABELS_DIR}"


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_labels_csv_is_well_formed(path: Path) -> None:
    header, rows = _rows(path)
    assert header == HEADER
    assert rows, f"{path.name} has no rows"
    assert _row_problems(rows, lambda project: None if project == path.stem
                         else f"project {project!r} in {path.name}") == []


def _row_problems(rows: list[dict[str, str]],
                  project_problem: Callable[[str], str | None]) -> list[str]:
    """What is wrong with each row of a labels file: its width, project, names and label."""
    problems = []
    for line, row in enumerate(rows, start=2):
        if row["_width"] != str(len(HEADER)):
            problems.append(f"line {line}: {row['_width']} fields, expected {len(HEADER)}")
            continue
        if (wrong := project_problem(row["project"])) is not None:
            problems.append(f"line {line}: {wrong}")
        if not (row["path"] and row["table"] and row["column"]):
            problems.append(f"line {line}: empty path, table or column")
        if row["label"] not in LABELS:
            problems.append(f"line {line}: unknown label {row['label']!r}")
        if row["public"] not in {"", "public"}:
            problems.append(f"line {line}: public must be empty or 'public'")
        if row["public"] and row["label"] != "credential":
            problems.append(f"line {line}: only credential key material can be 'public'")
    return problems


@pytest.mark.parametrize("path", LABEL_FILES, ids=lambda p: p.stem)
def test_each_column_is_labelled_once(path: Path) -> None:
    _, rows = _rows(path)
    counts = Counter((r["project"], r["table"], r["column"]) for r in rows)
    assert [key for key, n in counts.items() if n > 1] == []


def test_label_files_name_projects_of_the_corpus() -> None:
    projects_toml = REAL_WORLD / "projects.toml"
    if not projects_toml.exists():
        pytest.skip("benchmarks/real_world/projects.toml is not on main yet")
    names = _project_names(tomllib.loads(projects_toml.read_text(encoding="utf-8")))
    assert {p.stem for p in LABEL_FILES} - names == set()


def test_replay_labels_are_well_formed() -> None:
    """benchmarks/real_world/replay_labels.csv labels the columns replayed commits added that
    the pinned trees no longer have; the replay benchmark trusts it as the labels do (a merge
    left conflict markers in it once, and nothing noticed)."""
    path = REAL_WORLD / "replay_labels.csv"
    header, rows = _rows(path)
    assert header == HEADER
    names = _project_names(tomllib.loads((REAL_WORLD / "projects.toml").read_text(
        encoding="utf-8")))
    problems = _row_problems(rows, lambda project: None if project in names
                             else f"project {project!r} is not in projects.toml")
    counts = Counter((r["project"], r["path"], r["table"], r["column"]) for r in rows)
    problems += [f"labelled twice: {key}" for key, n in counts.items() if n > 1]
    assert problems == []

"""The docs say what the code does: generated README sections and ARCHITECTURE.md stay true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def test_readme_generated_sections_are_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"],
        capture_output=True, text=True, check=False, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr


def test_readme_quick_start_has_exactly_the_two_commands() -> None:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"```console\n(.+?)\n```", quick)
    assert commands == [
        "python -m pip install . && reviewer demo",
        "python -m pip install -e '.[test]' && python -m pytest",
    ]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci  # CI runs the README's test command verbatim


def _architecture_paths() -> list[str]:
    text = (ROOT / "ARCHITECTURE.md").read_text(encoding="utf-8")
    cells = re.findall(r"^\| (`[^|]+`) \|", text, re.M)
    return [p for cell in cells for p in re.findall(r"`([^`]+)`", cell)]


@pytest.mark.parametrize("path", _architecture_paths())
def test_architecture_names_only_modules_that_exist(path: str) -> None:
    path = path.split(" ")[0]  # "prompts/ (top level)" style notes
    target = ROOT / path if path.startswith("prompts/") else ROOT / "reviewer" / path
    assert target.exists(), f"ARCHITECTURE.md names {path}, which does not exist"


def test_per_code_docs_are_generated_from_the_code_and_in_sync() -> None:
    from reviewer.codedocs import DOCS, pages
    from reviewer.codes import CODES

    assert set(DOCS) == set(CODES)  # every code has its long documentation
    on_disk = {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
               for p in (ROOT / "docs" / "codes").glob("*.md")}
    assert on_disk == pages()
    assert sorted(on_disk) == sorted([f"docs/codes/{c}.md" for c in CODES]
                                     + ["docs/codes/README.md"])

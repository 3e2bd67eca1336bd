"""The warm path stays cheap: what it must not import, and caches that never change a verdict."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        # libcst costs ~230 ms to import; only a cache miss needs the parser.
        pytest.param("reviewer.review", "libcst", id="review does not import libcst"),
        pytest.param("reviewer.inventory", "libcst", id="inventory does not import libcst"),
        pytest.param("reviewer.cache", "libcst", id="cache does not import libcst"),
    ],
)
def test_import_does_not_load(module: str, heavy: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}, sys; print({heavy!r} in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert proc.stdout.strip() == "False"

"""Files that ship with the tool: prompts and the sample app.

In a source checkout they live at the repository's top level (``prompts/``,
``fixtures/sample_app``); an installed wheel carries them under ``reviewer/_data``.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _find(installed: str, checkout: str) -> Path:
    for candidate in (_PACKAGE / "_data" / installed, _PACKAGE.parent / checkout):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(
        f"masking-reviewer is installed without its {installed!r} data; reinstall the package"
    )


def prompts_dir() -> Path:
    return _find("prompts", "prompts")


def sample_app_dir() -> Path:
    return _find("sample_app", "fixtures/sample_app")

"""Optional dependencies: which extra brings what, and the exact line to install a missing one.

The core (``pip install masking-reviewer``) runs every local command. Posting to GitHub needs
the ``github`` extra (PyGithub, with cryptography and PyNaCl) and the AI layer the ``ai`` extra
(anthropic, pydantic): about 80 MB that ``check`` and ``diff`` never use.
"""

from __future__ import annotations

import importlib.util

from reviewer.constants import TOOL_NAME

# extra -> the import names it provides
EXTRAS: dict[str, tuple[str, ...]] = {
    "github": ("github", "tenacity"),
    "ai": ("anthropic", "pydantic", "tenacity"),
}


def missing(extra: str, needed_for: str) -> str | None:
    """None when ``extra`` is installed, else one line saying exactly what to install."""
    absent = [name for name in EXTRAS[extra] if importlib.util.find_spec(name) is None]
    if not absent:
        return None
    return (f"{needed_for} needs the '{extra}' extra, which is not installed (missing: "
            f"{', '.join(absent)}). Install it with: pip install '{TOOL_NAME}[{extra}]'")

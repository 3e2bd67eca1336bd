"""``$GITHUB_OUTPUT`` and ``$GITHUB_STEP_SUMMARY`` writers."""

from __future__ import annotations

import secrets
from collections.abc import Sequence

from reviewer.constants import MAX_STEP_SUMMARY_BYTES
from reviewer.files import write_output

_SUMMARY_CUT = "\n\n…(job summary truncated at GitHub's 1 MiB limit)\n"


def write_outputs(path: str | None, values: Sequence[tuple[str, str]]) -> None:
    """Append step outputs; multi-line values use the heredoc form with a random delimiter."""
    if not path:
        return
    lines: list[str] = []
    for name, value in values:
        if "\n" in value or "\r" in value:
            delim = f"ghadelimiter_{secrets.token_hex(8)}"
            lines.append(f"{name}<<{delim}\n{value}\n{delim}\n")
        else:
            lines.append(f"{name}={value}\n")
    write_output(path, "".join(lines), append=True)


def fit_summary(text: str, limit: int = MAX_STEP_SUMMARY_BYTES) -> str:
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    room = limit - len(_SUMMARY_CUT.encode("utf-8"))
    return data[:room].decode("utf-8", errors="ignore") + _SUMMARY_CUT


def write_summary(path: str | None, text: str) -> None:
    if not path:
        return
    write_output(path, fit_summary(text if text.endswith("\n") else text + "\n"), append=True)

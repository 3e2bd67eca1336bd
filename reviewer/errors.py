"""Errors that end a run with exit code 2 (misuse, config or git problems)."""

from __future__ import annotations


class UsageError(Exception):
    """Bad invocation, configuration or git state. Rendered as one line, never a traceback."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None) -> None:
        self.message = message
        self.path = path
        self.line = line
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.path:
            where = f"{self.path}:{self.line}: " if self.line else f"{self.path}: "
        return f"{where}{self.message}"

"""Where a file first mixes tabs and spaces ambiguously, for the MR007 message.

libcst's tokenizer reports such a file (Python 2 era code, often) at line 1. The standard
library's tabnanny finds the line from tokens alone. It is the host's tokenizer, which the
reader otherwise never uses (its grammar follows the running Python): here it only places an
error libcst has already found, and anything it cannot tokenize leaves the position to libcst.
"""

from __future__ import annotations

import io
import tabnanny
import tokenize


def tab_error(text: str) -> tuple[int, int, str] | None:
    """(line, column, what) of the first TabError, or None when tabnanny finds none."""
    try:
        tabnanny.process_tokens(tokenize.generate_tokens(io.StringIO(text).readline))
    except tabnanny.NannyNag as nag:
        return nag.get_lineno(), 1, "inconsistent use of tabs and spaces in indentation"
    except (SyntaxError, tokenize.TokenError, ValueError, RecursionError):
        return None
    return None

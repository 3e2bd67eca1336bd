"""Where a tokenizer error libcst reports at line 1 really is, for the MR007 message: a file
that first mixes tabs and spaces ambiguously, or holds a Python 2 octal literal (``0755``).

libcst's tokenizer reports such a file (Python 2 era code, often) at line 1. The standard
library's tabnanny finds the tab error from tokens alone, and CPython's parser stops at the
octal. Both are the host's, which the reader otherwise never uses (its grammar follows the
running Python): here they only place an error libcst has already found, and anything they
cannot place leaves the position to libcst.
"""

from __future__ import annotations

import ast
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


def cpython_line(text: str) -> int:
    """The line CPython's parser stops at; 0 when it parses, or fails without a line."""
    try:
        ast.parse(text)
    except SyntaxError as exc:
        return exc.lineno or 0
    except (ValueError, RecursionError, MemoryError):
        return 0
    return 0

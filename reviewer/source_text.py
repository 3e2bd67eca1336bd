"""A model file's text as Python reads it: its encoding, its lines and comments, the
exemption pragmas in them, and the syntax errors that stop it from parsing (worded as CPython
words them, at the line CPython points to).

Nothing here knows about SQLAlchemy: the scanner reads the parsed module."""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence

import libcst as cst
from libcst._nodes.base import CSTNode

__all__ = ["NEWLINE", "decode_source", "parse_module", "pragmas", "source_note", "split_lines",
           "syntax_error"]

_PRAGMA = re.compile(r"#\s*masking:\s*exempt\b(?:\s*--\s*(?P<reason>.*))?", re.IGNORECASE)
NEWLINE = re.compile(r"\r\n|\r|\n")


def pragmas(text: str) -> tuple[tuple[int, str], ...]:
    if "masking" not in text:
        return ()
    found: list[tuple[int, str]] = []
    for number, line in enumerate(split_lines(text), start=1):
        m = _PRAGMA.search(line)
        if m:
            found.append((number, (m.group("reason") or "").strip()))
    return tuple(found)


_STRING = re.compile(r"'(?:[^'\\\n]|\\.)*'|\"(?:[^\"\\\n]|\\.)*\"")
# Tool directives, not prose about the column (the exemption pragma is read on its own).
_DIRECTIVE = re.compile(r"^(?:masking:|noqa|type:|pragma|pylint|fmt:|mypy|ruff)", re.IGNORECASE)


def _comment_of(line: str) -> str | None:
    if "#" not in line:
        return None
    at = _STRING.sub(lambda m: "_" * len(m.group(0)), line).find("#")
    if at < 0:
        return None
    text = line[at + 1:].strip()
    return None if not text or _DIRECTIVE.match(text) else text


def source_note(lines: Sequence[str], line: int, end_line: int) -> str | None:
    """The comments a reader sees with a column: on its own lines, and the comment block
    right above it (``# one-time code e-mailed to the user``)."""
    found: list[str] = []
    above = line - 2
    while above >= 0 and lines[above].lstrip().startswith("#"):
        text = _comment_of(lines[above])
        if text:
            found.insert(0, text)
        above -= 1
    for number in range(line, min(end_line, len(lines)) + 1):
        text = _comment_of(lines[number - 1])
        if text:
            found.append(text)
    return " ".join(found)[:300] or None


def split_lines(text: str) -> list[str]:
    """Lines as Python counts them; str.splitlines also breaks on form feeds and the like,
    which would shift every line number after a ^L page break."""
    return NEWLINE.split(text)


# --------------------------------------------------------------------------- decoding

# PEP 263: a coding declaration in a comment on line 1 or 2 (line 2 only after a comment or
# blank first line).
_CODING = re.compile(rb"^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)")
_BLANK_OR_COMMENT = re.compile(rb"^[ \t\f]*(?:[#\r\n]|$)")
_UNDECODABLE = re.compile(r"[\udc80-\udcff]")


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based (line, column) of a character offset."""
    line = 1 + len(NEWLINE.findall(text, 0, index))
    start = max(text.rfind("\n", 0, index), text.rfind("\r", 0, index)) + 1
    return line, index - start + 1


def decode_source(text: str) -> tuple[str, tuple[int, str] | None]:
    """The text as Python would read the file: (text, None), or ("", (line, message)).

    Trees hand files over decoded as UTF-8 with ``surrogateescape``, so the original bytes can
    be recovered here and decoded as the file's PEP 263 declaration says.
    """
    text = text.removeprefix("\ufeff")  # a UTF-8 BOM is legal Python but not valid in str
    head = text[:400]
    if "coding" in head:
        raw_lines = head.encode("utf-8", "surrogateescape").splitlines()[:2]
        for number, raw in enumerate(raw_lines, start=1):
            m = _CODING.match(raw)
            if m is None:
                if not _BLANK_OR_COMMENT.match(raw):
                    break
                continue
            name = m.group(1).decode("ascii", "replace")
            try:
                codec = codecs.lookup(name).name
            except LookupError:
                return "", (number, f"unknown encoding {name!r} in the coding declaration; "
                                    "declare an encoding Python knows, or save the file as "
                                    "UTF-8 and remove the declaration")
            if codec == "utf-8":
                break
            data = text.encode("utf-8", "surrogateescape")
            try:
                return data.decode(codec), None
            except UnicodeDecodeError as exc:
                good = data[: exc.start].decode(codec, "replace")
                line, col = _position(good, len(good))
                return "", (line, f"the file is not valid {codec} (its coding declaration) at "
                                  f"line {line}, column {col}; fix the bytes there or the "
                                  "declaration")
            break
    bad = _UNDECODABLE.search(text)
    if bad is not None:
        line, col = _position(text, bad.start())
        byte = ord(bad.group()) - 0xDC00
        return "", (line, f"the file is not valid UTF-8 (byte 0x{byte:02x} at line {line}, "
                          f"column {col}) and declares no other encoding; save it as UTF-8 or "
                          "add a PEP 263 coding comment such as '# -*- coding: latin-1 -*-'")
    nul = text.find("\0")
    if nul >= 0:
        line, col = _position(text, nul)
        return "", (line, f"the file contains a NUL byte at line {line}, column {col}, so it is "
                          "binary or corrupt, not Python source; fix it or leave it out of "
                          "`models`")
    return text, None


# --------------------------------------------------------------------------- syntax errors

_OPEN = {"(": ")", "[": "]", "{": "}"}
_CLOSE = {v: k for k, v in _OPEN.items()}
_STRING_START = re.compile(r"(?i)(?:[rbuf]|br|rb|fr|rf|t|tr|rt)?('''|\"\"\"|'|\")")
_LIBCST_AT = re.compile(r"error at (\d+):(\d+)")
_TOKEN = re.compile(r"\w+|\S")


def _bracket_error(text: str) -> tuple[int, int, str] | None:
    """Unbalanced brackets and unterminated strings, as CPython words them.

    A small scanner of its own (comments, strings, brackets), so the message and position do
    not depend on the tokenizer of the Python that runs the tool."""
    stack: list[tuple[str, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == "#":
            end = NEWLINE.search(text, i)
            i = end.start() if end else n
            continue
        if ch.isalpha() or ch in "\"'":
            m = _STRING_START.match(text, i)
            if m is None or (i > 0 and (text[i - 1].isalnum() or text[i - 1] == "_")):
                j = i + 1
                while j < n and (text[j].isalnum() or text[j] == "_"):
                    j += 1
                i = j
                continue
            quote = m.group(1)
            j = m.end()
            while True:
                if j >= n:
                    line, col = _position(text, m.start(1))
                    kind = "triple-quoted string literal" if len(quote) == 3 else "string literal"
                    last = _position(text, n)[0]
                    return line, col, f"unterminated {kind} (detected at line {last})"
                c = text[j]
                if c == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    j += len(quote)
                    break
                if len(quote) == 1 and c in "\r\n":
                    line, col = _position(text, m.start(1))
                    return line, col, f"unterminated string literal (detected at line {line})"
                j += 1
            i = j
            continue
        if ch in _OPEN:
            stack.append((ch, i))
        elif ch in _CLOSE:
            if not stack:
                line, col = _position(text, i)
                return line, col, f"unmatched {ch!r}"
            opener, at = stack.pop()
            if _OPEN[opener] != ch:
                line, col = _position(text, i)
                open_line = _position(text, at)[0]
                where = "" if open_line == line else f" on line {open_line}"
                return line, col, (f"closing parenthesis {ch!r} does not match opening "
                                   f"parenthesis {opener!r}{where}")
        i += 1
    if stack:
        opener, at = stack[-1]
        line, col = _position(text, at)
        return line, col, f"{opener!r} was never closed"
    return None


_COMPOUND = re.compile(
    r"\s*(?:async\s+)?(?:class|def|if|elif|else|for|while|with|try|except|finally|match|case)\b"
)


# What only Python 2 accepts, read off a line that failed to parse: such a file is no broken
# Python 3 file but an old one (adhocracy: `lambda (k, v): ...`, `YES = 1L`)
_PYTHON2 = (
    (re.compile(r"^\s*print\s+[\"'\w%]"), "a print statement"),
    (re.compile(r"^\s*except\s+[\w.]+\s*,"), "'except X, e:'"),
    (re.compile(r"^\s*raise\s+[\w.]+\s*,"), "'raise X, message'"),
    (re.compile(r"\blambda\s*\("), "a tuple parameter"),
    (re.compile(r"(?<![\w.])\d+[lL]\b"), "a long integer literal"),
    (re.compile(r"^\s*exec\s+[\"'\w]"), "an exec statement"),
    (re.compile(r"<>"), "the <> operator"),
    (re.compile(r"(?<![\w.])[uU][rR][\"']"), "a ur'' string"),
    # 0755, never 00 (a valid zero)
    (re.compile(r"(?<![\w.])0\d*[1-9]\d*(?![\w.])"), "an octal literal without 0o"),
)


_STRING_BODY = re.compile(r"""(["'])((?:\\.|(?!\1).)*)\1""")


def _code_only(line: str) -> str:
    """The line with string contents blanked and the comment dropped, columns kept: a `<>`
    inside a string is no operator."""
    blank = _STRING_BODY.sub(lambda m: m.group(1) + " " * len(m.group(2)) + m.group(1), line)
    return blank.split("#", 1)[0]


def _python2(lines: list[str], candidates: tuple[int, ...]) -> tuple[int, int, str] | None:
    for line in candidates:
        if 1 <= line <= len(lines):
            code = _code_only(lines[line - 1])
            for pattern, what in _PYTHON2:
                m = pattern.search(code)
                if m is not None:
                    col = m.start() + 1 + (len(m.group()) - len(m.group().lstrip()))
                    return line, col, what
    return None


def syntax_error(text: str, exc: cst.ParserSyntaxError) -> tuple[int, str]:
    lines = split_lines(text)
    m = _LIBCST_AT.search(exc.message)
    if "tabs and spaces" in exc.message:
        from reviewer.tab_error import tab_error  # tokenize: only a broken file pays for it

        found = tab_error(text)
    else:
        # a tokenizer error (an octal 0755, a backquote) carries no position: CPython's own
        # parser says where
        if m:
            at = int(m.group(1))
        else:
            from reviewer.tab_error import cpython_line  # only a broken file pays for it

            at = cpython_line(text)
        old = _python2(lines, (at, at - 1) if at > 1 else (at,))
        if old is not None:
            line, col, what = old
            return line, (f"syntax error at line {line}, column {col}: {what} is Python 2, and "
                          "masking-reviewer reads Python 3; port the file so it parses")
        found = _bracket_error(text)
    if found is not None:
        line, col, what = found
        return line, f"syntax error at line {line}, column {col}: {what}; fix the file so it parses"
    line, col0 = (int(m.group(1)), int(m.group(2))) if m else (exc.raw_line, exc.raw_column)
    line = min(max(line, 1), len(lines))
    token = _TOKEN.search(lines[line - 1], col0)
    if token is not None and lines[line - 1][: token.start()].strip():
        what, col = f"invalid syntax near {token.group()!r}", token.start() + 1
    else:
        # The parser stopped at the start of a line: the statement before it is unfinished
        # (a missing ':' or operand), and that is where CPython points too.
        prev = line - 1 if token is not None or line > 1 else line
        while prev > 1 and (not lines[prev - 1].strip()
                            or lines[prev - 1].lstrip().startswith("#")):
            prev -= 1
        line = max(prev, 1)
        col = len(lines[line - 1].rstrip()) + 1
        expected = re.split(r"expected (?:one of )?", exc.message, maxsplit=1)[-1].split(", ")
        what = ("expected ':'" if ":" in expected and _COMPOUND.match(lines[line - 1])
                else "invalid syntax at the end of the line")
    return line, f"syntax error at line {line}, column {col}: {what}; fix the file so it parses"


# Every node libcst builds re-checks its own fields in __post_init__ (-> _validate), which a
# tree fresh from the parser passes by construction: ~10 % of a file's scan. libcst says as
# much ("PERF: ... avoid validating the tree when parsing a file", libcst/_nodes/base.py).
# Skipped only while parsing, and only while __post_init__ does nothing but validate: should
# a libcst release give it another job, the check below turns this off by itself.
_VALIDATE = CSTNode.__dict__.get("__post_init__")
_SKIP_VALIDATION = getattr(getattr(_VALIDATE, "__code__", None), "co_names", None) == (
    "_validate",
)


def _no_validation(self: CSTNode) -> None:
    return None


def parse_module(text: str) -> cst.Module:
    if not _SKIP_VALIDATION:
        return cst.parse_module(text)
    CSTNode.__post_init__ = _no_validation  # type: ignore[method-assign]
    try:
        return cst.parse_module(text)
    finally:
        CSTNode.__post_init__ = _VALIDATE  # type: ignore[method-assign,assignment]

"""Output that reaches a CI log: repository content can never become a workflow command.

The Actions runner reads every line the job prints, splitting on ``\\r`` as well as ``\\n``
and ignoring leading whitespace; a line that then starts with ``::`` (or the older ``##[``)
is a command (``::add-mask::``, ``::stop-commands::``, forged annotations). Names, paths,
reasons and payload fields are PR-controlled, so there are exactly two ways out:

* ``guard`` escapes any line that would start a command (``\\::warning …``): installed on
  stdout and stderr for the whole run by ``guarded_streams``, and applied to ``--output``
  files, so no writer in the code base has to remember it;
* ``command`` is the only way to print a real workflow command, with its properties and
  message encoded as GitHub specifies.

``one_line`` keeps content on its line in the text formats: line breaks and control
characters become visible escapes. Text the stream cannot encode is replaced, never fatal.
"""

from __future__ import annotations

import dataclasses
import io
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from typing import Any, ClassVar, TextIO, TypeVar

T = TypeVar("T")

# What the runner would take for the start of a command, after its own whitespace trim.
_COMMAND_START = re.compile(r"^(\s*)(::|##\[)", re.MULTILINE)
_LINE_BREAKS = re.compile(r"(\r\n|\r|\n)")
# C0/C1 controls but tab (line breaks included), and the Unicode line/paragraph separators.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")


def guard(text: str) -> str:
    """``text`` with every line (``\\r``, ``\\n`` or ``\\r\\n`` ended) that would start a
    workflow command escaped by a leading backslash. Idempotent."""
    parts = _LINE_BREAKS.split(text)
    # parts alternates line, separator, line, ...: only the lines are looked at.
    for i in range(0, len(parts), 2):
        if "::" in parts[i] or "##[" in parts[i]:
            parts[i] = _COMMAND_START.sub(r"\1\\\2", parts[i], count=1)
    return "".join(parts)


def _visible(match: re.Match[str]) -> str:
    ch = match.group()
    return {"\n": "\\n", "\r": "\\r"}.get(ch, f"\\x{ord(ch):02x}" if ord(ch) < 256 else
                                          f"\\u{ord(ch):04x}")


def one_line(text: str) -> str:
    """Content for one line of text output: line breaks and controls shown as escapes, lone
    surrogates (undecodable bytes, bad JSON escapes) as ``\\udcxx``."""
    return _CONTROL.sub(_visible, text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def encodable(text: str) -> str:
    """Lone surrogates (undecodable bytes, bad JSON escapes) replaced by U+FFFD: every
    encoder and every consumer of our JSON accepts the result."""
    return _SURROGATE.sub("\ufffd", text)


def one_line_all(value: T) -> T:
    """``one_line`` applied to every string inside a tree of frozen dataclasses, tuples and
    dicts: the single choke point of a text renderer."""
    return _Scrubber(_CONTROL, one_line).walk(value)  # type: ignore[no-any-return]


def encodable_all(value: T) -> T:
    """``encodable`` applied to every string in a tree, for the structured formats."""
    return _Scrubber(_SURROGATE, encodable).walk(value)  # type: ignore[no-any-return]


class _Scrubber:
    """Rebuilds only what changes: a review with nothing to fix (nearly every one) comes
    back as the same object, at the cost of one regex search per string."""

    _fields: ClassVar[dict[type, tuple[str, ...]]] = {}  # init field names per dataclass

    def __init__(self, needs: re.Pattern[str], fix: Callable[[str], str]) -> None:
        self.needs = needs
        self.fix = fix
        self._done: dict[int, Any] = {}  # id -> result: shared rules and fields walk once

    def _str(self, value: str) -> str:
        return self.fix(value) if self.needs.search(value) else value

    def walk(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._str(value)
        known = self._done.get(id(value))
        if known is not None:
            return known
        result = self._walk(value)
        self._done[id(value)] = result  # the tree keeps ``value`` alive: ids stay unique
        return result

    def _walk(self, value: Any) -> Any:
        if isinstance(value, tuple | list):
            items = [self._str(v) if v.__class__ is str else self.walk(v) for v in value]
            if all(a is b for a, b in zip(items, value, strict=True)):
                return value
            return type(value)(items) if isinstance(value, list) else tuple(items)
        if isinstance(value, dict):
            pairs = [(self.walk(k), self.walk(v)) for k, v in value.items()]
            if all(a is k and b is v for (a, b), (k, v) in zip(pairs, value.items(),
                                                               strict=True)):
                return value
            return dict(pairs)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            names = self._fields.get(type(value))
            if names is None:
                names = tuple(f.name for f in dataclasses.fields(value) if f.init)
                self._fields[type(value)] = names
            changes = {}
            for name in names:
                old = getattr(value, name)
                if old is None or isinstance(old, int | float):
                    continue
                # strings inline: a review holds thousands, and this is every text run
                new = self._str(old) if old.__class__ is str else self.walk(old)
                if new is not old:
                    changes[name] = new
            return dataclasses.replace(value, **changes) if changes else value
        return value


# --- workflow commands ---------------------------------------------------------------------


def escape_data(value: str) -> str:
    """Escaping for the message part, after ``::`` (GitHub's toolkit ``escapeData``)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escaping for ``key=value`` properties (GitHub's toolkit ``escapeProperty``)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def format_command(name: str, message: str, **properties: str) -> str:
    props = ",".join(f"{k}={escape_property(v)}" for k, v in properties.items())
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def command(name: str, message: str, **properties: str) -> None:
    """Print one real workflow command (``::notice title=…::…``) on stdout."""
    write_trusted(format_command(name, message, **properties) + "\n")


def write_trusted(text: str) -> None:
    """Write lines built only by ``format_command``/``escape_*`` past the guard."""
    out = sys.stdout
    if isinstance(out, GuardedStream):
        out.flush()
        out.raw.write(_encodable(text, out.raw))
        out.raw.flush()
    else:
        out.write(text)
        out.flush()


# --- the streams ---------------------------------------------------------------------------


def _encodable(text: str, stream: TextIO) -> str:
    encoding = getattr(stream, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        return text.encode(encoding, errors="replace").decode(encoding, errors="replace")
    except LookupError:
        pass
    return text


class GuardedStream(io.TextIOBase):
    """A text stream that passes whole lines through ``guard`` to ``raw``.

    A line is held until it ends (or the stream is flushed), so a command cannot be split
    across two ``write`` calls.
    """

    def __init__(self, raw: TextIO) -> None:
        super().__init__()
        self.raw = raw
        self._pending = ""

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.raw, "encoding", None) or "utf-8"

    def isatty(self) -> bool:
        return self.raw.isatty()

    def fileno(self) -> int:
        return self.raw.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        data = self._pending + text
        cut = max(data.rfind("\n"), data.rfind("\r"))
        if cut < 0:
            self._pending = data
        else:
            # A "\r" at the very end may be the first half of "\r\n": keep it with the rest.
            if data.endswith("\r"):
                cut = data.rfind("\n", 0, len(data) - 1)
            if cut < 0:
                self._pending = data
            else:
                self._pending = data[cut + 1 :]
                self.raw.write(_encodable(guard(data[: cut + 1]), self.raw))
        return len(text)

    def flush(self) -> None:
        if self._pending:
            self.raw.write(_encodable(guard(self._pending), self.raw))
            self._pending = ""
        self.raw.flush()


@contextmanager
def guarded_streams() -> Iterator[None]:
    """Route stdout and stderr through ``GuardedStream`` for the duration of a run."""
    old_out, old_err = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = GuardedStream(old_out), GuardedStream(old_err)
    try:
        yield
    finally:
        for stream in (sys.stdout, sys.stderr):
            with suppress(OSError, ValueError):
                stream.flush()
        sys.stdout, sys.stderr = old_out, old_err

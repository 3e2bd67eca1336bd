"""Every file the reviewer opens on disk: inside the repository, regular, bounded.

A pull request controls the repository, so any path in it can be a symlink out of it, a FIFO
that blocks a reader forever, a device that never ends or gigabytes of text. Every path is
therefore resolved and must stay under the repository root; only regular files are opened,
without blocking; and no read takes more than ``MAX_FILE_BYTES``. Writes go to the resolved
path, in place, so a symlink cannot carry them out of the repository either.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath

from reviewer.constants import MAX_FILE_BYTES
from reviewer.errors import UsageError


class UnreadableFile(UsageError):
    """The file exists but cannot be read safely: a FIFO, a device, too large, no permission.

    Where the file is under review (rules, models) callers turn this into a blocking finding;
    anywhere else it ends the run with exit 2.
    """


class OutsideRepository(UsageError):
    """A path that leaves the repository root: ``..``, an absolute path or a symlink."""


def size_limit(limit: int = MAX_FILE_BYTES) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit} bytes"


def resolve_inside(root: str | Path, path: str, *, what: str = "path") -> Path:
    """The real location of ``path`` (relative to ``root``); raise if it leaves ``root``."""
    if PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute():
        raise OutsideRepository(
            f"{what} is an absolute path; give it relative to the repository root", path=path
        )
    base = Path(os.path.realpath(root))
    real = Path(os.path.realpath(base / path))
    if real != base and base not in real.parents:
        how = "through a symlink to" if ".." not in PurePosixPath(path).parts else "to"
        raise OutsideRepository(
            f"{what} leads outside the repository ({how} {real}); the reviewer reads and "
            "writes only files inside it",
            path=path,
        )
    return real


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode):
        return "a character device"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    if exc.errno == errno.ELOOP:
        return "too many levels of symbolic links"
    return (exc.strerror or type(exc).__name__).lower()


def read_file(real: str | Path, display: str, *, limit: int = MAX_FILE_BYTES) -> bytes | None:
    """The bytes of one regular file, or None when it does not exist.

    Opened non-blocking (a FIFO cannot hang the run) and checked with ``fstat`` before a
    byte is read; never more than ``limit`` bytes are read.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0))
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as exc:
        raise UnreadableFile(f"cannot be read: {_os_reason(exc)}", path=display) from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile(
                f"is {_kind(info.st_mode)}; the reviewer reads regular files only", path=display
            )
        if info.st_size > limit:
            raise UnreadableFile(_too_large(info.st_size, limit), path=display)
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UnreadableFile(f"cannot be read: {_os_reason(exc)}", path=display) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise UnreadableFile(_too_large(len(data), limit), path=display)
    return data


def _too_large(size: int, limit: int) -> str:
    return (
        f"is {size:,} bytes, over the {size_limit(limit)} limit on files the reviewer "
        "reads; nothing in it was checked"
    )


def read_in_repo(root: str | Path, path: str, *, what: str = "file") -> bytes | None:
    """``read_file`` of ``root/path`` after checking that it stays inside ``root``."""
    return read_file(resolve_inside(root, path, what=what), path)


def write_in_repo(root: str | Path, path: str, data: bytes, *, what: str = "file") -> None:
    """Write ``data`` to ``root/path`` in place (mode and links kept), never outside ``root``."""
    real = resolve_inside(root, path, what=what)
    try:
        info = os.stat(real)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise UsageError(f"cannot write: {_os_reason(exc)}", path=path) from None
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise UsageError(f"cannot write: it is {_kind(info.st_mode)}", path=path)
    if not real.parent.is_dir():
        raise UsageError(
            f"cannot write: the directory {PurePosixPath(path).parent} does not exist", path=path
        )
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(real, flags | getattr(os, "O_CLOEXEC", 0), 0o666)
    except OSError as exc:
        raise UsageError(f"cannot write: {_os_reason(exc)}", path=path) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
    except OSError as exc:
        raise UsageError(f"cannot write: {_os_reason(exc)}", path=path) from None


def write_output(path: str | Path, text: str, *, append: bool = False) -> None:
    """A file the user or the runner named (``--output``, ``$GITHUB_OUTPUT``): written as
    asked, with text that cannot be encoded replaced, and any OS error a usage error."""
    try:
        with open(path, "a" if append else "w", encoding="utf-8", errors="replace") as fh:
            fh.write(text)
    except OSError as exc:
        raise UsageError(f"cannot write {path}: {exc.strerror or exc}") from None


# --- text -------------------------------------------------------------------------------------

BOM = "\ufeff"
# What surrogateescape makes of bytes that are not UTF-8 (and nothing else produces).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")


def decode(data: bytes) -> str:
    """UTF-8 with invalid bytes kept as lone surrogates, so nothing is lost and a reader can
    point at the first bad byte (``encoding_problem``). A BOM is kept as text."""
    return data.decode("utf-8", errors="surrogateescape")


def encode(text: str) -> bytes:
    return text.encode("utf-8", errors="surrogateescape")


def encoding_problem(text: str) -> tuple[int, int, str] | None:
    """(line, col, message) when ``text`` (from ``decode``) is not UTF-8 text, else None."""
    if text.startswith(("\udcff\udcfe", "\udcfe\udcff")):
        return 1, 1, (
            "the file is UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8"
        )
    bad = _ESCAPED_BYTE.search(text)
    nul = text.find("\0")
    if bad is None and nul < 0:
        return None
    offset = bad.start() if bad is not None else nul
    if bad is not None and 0 <= nul < offset:
        offset, bad = nul, None
    line = text.count("\n", 0, offset) + 1
    col = offset - text.rfind("\n", 0, offset)
    if bad is None:
        return line, col, (
            "the file contains a NUL byte: it is binary or UTF-16, not UTF-8 text; save it as UTF-8"
        )
    byte = ord(text[offset]) - 0xDC00
    return line, col, (
        f"not valid UTF-8 (byte 0x{byte:02x}); save the file as UTF-8 (it may be Latin-1 or "
        "another legacy encoding)"
    )


def require_text(text: str, path: str) -> str:
    """``text`` when it is UTF-8; otherwise a usage error at the first bad byte."""
    problem = encoding_problem(text)
    if problem is not None:
        line, col, message = problem
        raise UsageError(f"{message} (col {col})", path=path, line=line)
    return text


def too_deep(text: str, limit: int, *, quotes: str = '"') -> int | None:
    """The offset where brackets nest deeper than ``limit``, outside strings; else None.

    Recursive parsers (json, tomllib, ours) overflow the stack thousands of levels down, so
    a depth is checked before they run.
    """
    if text.count("[") + text.count("{") <= limit:
        return None
    alternatives = [r'"(?:[^"\\\n]|\\.)*"' if q == '"' else rf"{q}[^{q}\n]*{q}" for q in quotes]
    token = re.compile("|".join([*alternatives, r"[\[\]{}]"]))
    depth = 0
    for match in token.finditer(text):
        ch = match.group()
        if ch in "[{":
            depth += 1
            if depth > limit:
                return match.start()
        elif ch in "]}":
            depth = max(depth - 1, 0)
    return None


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def keep_style(old: bytes | None, new: str) -> bytes:
    """``new`` encoded the way ``old`` was: its BOM and its CRLF line endings kept."""
    if old is None:
        return encode(new)
    if old.startswith(b"\xef\xbb\xbf") and not new.startswith(BOM):
        new = BOM + new
    if b"\r\n" in old and "\r\n" not in new:
        new = new.replace("\n", "\r\n")
    return encode(new)


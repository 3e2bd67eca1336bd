"""Per-file scan results, cached by content hash as JSON.

JSON and never pickle: in CI the cache directory may be restored from an untrusted run, and
loading a pickle would execute whatever that run put there. A bad or unreadable entry is a
cache miss; an unwritable directory means no caching. Neither ever fails the gate.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from reviewer.constants import CACHE_DIR_ENV, CACHE_SCHEMA, TOOL_NAME
from reviewer.facts import ModuleFacts, facts_from_json, facts_to_json


def cache_dir() -> Path:
    explicit = os.environ.get(CACHE_DIR_ENV)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / TOOL_NAME


def cache_key(text: str, labels: Sequence[str]) -> str:
    digest = hashlib.sha256()
    digest.update(f"scan-v{CACHE_SCHEMA}\0".encode())
    digest.update("\0".join(labels).encode("utf-8"))
    digest.update(b"\0\0")
    digest.update(text.encode("utf-8", errors="surrogateescape"))
    return digest.hexdigest()


class FactsCache:
    """A directory of ``<sha256>.json`` files, two-level fan-out like git's objects."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = (root or cache_dir()) / "scan"
        self._writable = True

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key[2:]}.json"

    def get(self, key: str) -> ModuleFacts | None:
        try:
            data = json.loads(self._path(key).read_text(encoding="utf-8"))
            if data.get("schema") != CACHE_SCHEMA or data.get("key") != key:
                return None
            return facts_from_json(data["facts"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None

    def put(self, key: str, facts: ModuleFacts) -> None:
        if not self._writable:
            return
        path = self._path(key)
        payload = json.dumps(
            {"schema": CACHE_SCHEMA, "key": key, "facts": facts_to_json(facts)},
            separators=(",", ":"),
        )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            # Write then rename, so a concurrent reader never sees half a file.
            fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as fh:
                    fh.write(payload)
                os.replace(tmp, path)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError:
            self._writable = False

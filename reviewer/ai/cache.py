"""Verdicts cached on disk, so a re-push with no relevant change makes no API call.

The key covers the model, the prompt version, the deterministic fingerprints and a hash of
the exact rendered prompts: any change the model could see produces a new key.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

_SCHEMA = 1
_SUBDIR = "ai"


def cache_key(
    *, model: str, prompt_version: int, fingerprints: Iterable[str], system: str, user: str
) -> str:
    content = hashlib.sha256(f"{system}\x1e{user}".encode()).hexdigest()
    material = json.dumps(
        [_SCHEMA, model, prompt_version, sorted(set(fingerprints)), content],
        separators=(",", ":"),
    )
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]


def _path(cache_dir: Path, key: str) -> Path:
    return cache_dir / _SUBDIR / f"{key}.json"


def load(cache_dir: Path | None, key: str) -> object | None:
    """The cached raw answer, or None; a corrupt or foreign file is a miss, never an error."""
    if cache_dir is None:
        return None
    try:
        data = json.loads(_path(cache_dir, key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("schema") != _SCHEMA or data.get("key") != key:
        return None
    return data.get("answer")


def store(cache_dir: Path | None, key: str, model: str, answer: object) -> None:
    if cache_dir is None:
        return
    target = _path(cache_dir, key)
    payload = json.dumps(
        {"schema": _SCHEMA, "key": key, "model": model, "answer": answer},
        indent=1,
        sort_keys=True,
    )
    # A cache that cannot be written only costs a call next time.
    with contextlib.suppress(OSError):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(payload)
            os.replace(tmp, target)  # atomic: concurrent runs never read half a file
        except OSError:
            Path(tmp).unlink(missing_ok=True)
            raise

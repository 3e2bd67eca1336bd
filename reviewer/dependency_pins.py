"""Which Flask-SQLAlchemy the repository runs, from the pins in its own files, as far as the
automatic table names depend on it. Before 2.3 the extension names a class in its metaclass,
over any ``declared_attr`` ``__tablename__`` a mixin gives (EVE SRP's ``AutoName`` lowercases,
but ``OAuthUser`` with its own primary key is ``o_auth_user``); 2.0 and 2.1 differ in when
(2.0: the class declares a primary key column itself; 2.1 also when the first of its bases with
no table name has one). From 2.3 the ``declared_attr`` wins.

Only what says which release is installed counts: a lock file's version, else an exact pin or
an upper bound below 2.3 in ``requirements*.txt``, ``setup.py``, ``setup.cfg`` or
``pyproject.toml`` at the repository's root. A lower bound alone installs the newest release,
as does no pin at all."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from reviewer.cache import load_toml

Naming = Literal["2.0", "2.1", "2.3"]
_ALL: tuple[Naming, ...] = ("2.0", "2.1", "2.3")
_NAME = re.compile(r"^flask[-_.]sqlalchemy$", re.IGNORECASE)
# `Flask-SQLAlchemy == 2.0`, `flask_sqlalchemy<=2.1,>=2.0` inside a string or on a line; the
# name whole (pylint-flask-sqlalchemy is another package)
_SPEC = re.compile(r"(?<![\w.-])flask[-_.]sqlalchemy\s*(?:\[[^\]]*\])?\s*"
                   r"((?:[<>=!~]=?\s*[\d.*]+\s*,?\s*)+)", re.IGNORECASE)
_POETRY = re.compile(r'\s*flask[-_.]sqlalchemy\s*=\s*"([^"]+)"', re.IGNORECASE)
_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")


@dataclass(frozen=True, slots=True)
class FlaskPins:
    """The naming behaviours the pins allow, and where they are (``path:line``)."""

    namings: tuple[Naming, ...] = ("2.3",)
    where: tuple[str, ...] = ()

    @property
    def legacy(self) -> bool:
        return self.namings != ("2.3",)


def flask_pins(files: Sequence[str], read: Callable[[str], str | None]) -> FlaskPins:
    """What the root's lock file, or else its pins, say of Flask-SQLAlchemy."""
    root = [f for f in files if "/" not in f]
    for lock in _LOCKS:
        if lock in root and (version := _locked(lock, read(lock) or "")) is not None:
            return FlaskPins((_naming(version),), (lock,))
    namings: set[Naming] = set()
    where: list[str] = []
    for path in sorted(root):
        if not (path.startswith("requirements") and path.endswith(".txt")) and path not in (
                "setup.py", "setup.cfg", "pyproject.toml"):
            continue
        for number, line in enumerate((read(path) or "").splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            specs = [match.group(1) for match in _SPEC.finditer(line)]
            poetry = _POETRY.match(line) if path == "pyproject.toml" else None
            if poetry is not None:  # `flask-sqlalchemy = "2.1"` is Poetry's exact pin
                spec = poetry.group(1)
                specs.append(spec if spec[0] in "<>=!~" else f"=={spec}")
            for naming in map(_installed, specs):
                if naming != "2.3":
                    namings.add(naming)
                    where.append(f"{path}:{number}")
    return FlaskPins(tuple(n for n in _ALL if n in namings), tuple(where)) if namings else (
        FlaskPins())


def _locked(name: str, text: str) -> str | None:
    """The version a lock file installs, if it lists Flask-SQLAlchemy."""
    try:
        if name == "Pipfile.lock":
            data = json.loads(text)
            for section in ("default", "develop"):
                for package, entry in (data.get(section) or {}).items():
                    if _NAME.match(package) and isinstance(entry, dict):
                        return str(entry.get("version", "")).lstrip("=") or None
            return None
        for package in load_toml(text).get("package", ()):
            if isinstance(package, dict) and _NAME.match(str(package.get("name", ""))):
                return str(package.get("version", "")) or None
    except (ValueError, AttributeError, TypeError):
        return None
    return None


def _installed(spec: str) -> Naming:
    """The naming of the release a specifier installs: the exact one it pins, else the newest
    under its upper bound (pip takes the newest it may), else the newest of all."""
    clauses = re.findall(r"([<>=!~]=?)\s*([\d.*]+)", spec)
    exact = [v for op, v in clauses if op in ("==", "===")]
    if exact:
        return _naming(exact[0])
    uppers = [(_key(v), op == "<=") for op, v in clauses if op in ("<", "<=")]
    if not uppers:
        return "2.3"
    bound, inclusive = min(uppers)
    # the newest release under the bound: 2.0, 2.1 or 2.2 (whose naming is 2.1's), or later
    newest = max((r for r in ((2, 0), (2, 1), (2, 2), (2, 3))
                  if r < bound or (inclusive and r <= bound)), default=(2, 0))
    return _naming(".".join(map(str, newest)))


def _key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", version)[:3]) or (0,)


def _naming(version: str) -> Naming:
    key = _key(version)
    return "2.0" if key < (2, 1) else "2.1" if key < (2, 3) else "2.3"

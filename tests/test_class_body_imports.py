"""An import in a class body binds its name for the body's statements (mycodo's ``class Misc:
try: from app.influx import get_info; info = get_info() ...``), and a repository function that
returns a dict or list display (or a local bound once to one, filled in, returned) builds no
column: a class attribute bound to its result is read as no column rather than blocking. What
the reader still cannot tell keeps blocking.
"""

from __future__ import annotations

import re

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config, Inventory
from tests.test_scanner import PRIV, VIS

HEAD = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase
from app.vis import ColumnVisibility
class Base(DeclarativeBase):
    pass
"""  # line 6 is the first after it

HELPERS = """\
from sqlalchemy import Column, String
from app.vis import ColumnVisibility


def get_info():
    info = {"host": None, "port": None}
    try:
        info["host"] = read_host()
    except OSError:
        pass
    return info


def defaults():
    return {"retention": "autogen"}


def secret_column(*args, **kwargs):
    return Column(*args, String(64), info={"v": ColumnVisibility.PRIVATE}, **kwargs)


def unknown():
    return read_host()
"""

# (table, column, line, labels)
Row = tuple[str, str, int, tuple[str, ...]]


def _scan(models: str) -> Inventory:
    files = {"app/vis.py": VIS, "app/helpers.py": HELPERS, "app/models.py": models}
    config = Config(root="/repo", models=("app/models.py",))
    return build_inventory(MemoryTree(files), config, use_cache=False)


READ_CASES = [
    pytest.param(
        HEAD + """\
class Misc(Base):
    __tablename__ = "misc"
    id = Column(Integer, primary_key=True)
    host_default = "localhost"
    try:
        from app.helpers import get_info
        info = get_info()
        if info["host"]:
            host_default = info["host"]
    except Exception:
        pass
    host = Column(String(36), default=host_default)
""",
        [("misc", "host", 17, ()), ("misc", "id", 8, ())],
        id="a function imported in a try in the class body, returning a dict it fills in",
    ),
    pytest.param(
        HEAD + """\
class Misc(Base):
    __tablename__ = "misc"
    id = Column(Integer, primary_key=True)
    from app.helpers import defaults
    settings = defaults()
""",
        [("misc", "id", 8, ())],
        id="a function imported in the class body, returning a dict display",
    ),
    pytest.param(
        HEAD + """\
class Account(Base):
    __tablename__ = "accounts"
    from app.helpers import secret_column
    id = Column(Integer, primary_key=True)
    api_key = secret_column("api_key")
""",
        [("accounts", "api_key", 10, (PRIV,)), ("accounts", "id", 9, ())],
        id="a column preset imported in the class body is read as the column it builds",
    ),
]


@pytest.mark.parametrize(("models", "expected"), READ_CASES)
def test_reads(models: str, expected: list[Row]) -> None:
    inventory = _scan(models)
    assert inventory.errors == ()
    assert sorted((c.table, c.column, c.line, c.labels) for c in inventory.columns) == expected


BLOCK_CASES = [
    pytest.param(
        HEAD + """\
class Misc(Base):
    __tablename__ = "misc"
    id = Column(Integer, primary_key=True)
    from app.helpers import unknown
    value = unknown()
""",
        10, r"^Misc\.value: cannot resolve unknown\(\.\.\.\) \(a function or object of the "
            r"repository, not a class\), so masking-reviewer cannot tell whether it builds a "
            r"column",
        id="a function imported in the class body that returns an unknown call still blocks",
    ),
    pytest.param(
        HEAD + """\
def get_info():
    return None
class Misc(Base):
    __tablename__ = "misc"
    id = Column(Integer, primary_key=True)
    if False:
        from app.nowhere import get_info
    info = get_info()
""",
        13, r"^Misc\.info: cannot resolve get_info\(\.\.\.\) \(a function or object of the "
            r"repository, not a class\)",
        id="a module-level binding of the name wins over the class body's import",
    ),
]


@pytest.mark.parametrize(("models", "line", "message"), BLOCK_CASES)
def test_blocks(models: str, line: int, message: str) -> None:
    inventory = _scan(models)
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)]
    assert re.search(message, inventory.errors[0].message), inventory.errors[0].message

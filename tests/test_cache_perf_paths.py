"""The warm path stays cheap: what it must not import, and caches that never change a verdict."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config, Inventory


@pytest.mark.parametrize(
    ("module", "heavy"),
    [
        # libcst costs ~230 ms to import; only a cache miss needs the parser.
        pytest.param("reviewer.review", "libcst", id="review does not import libcst"),
        pytest.param("reviewer.inventory", "libcst", id="inventory does not import libcst"),
        pytest.param("reviewer.cache", "libcst", id="cache does not import libcst"),
    ],
)
def test_import_does_not_load(module: str, heavy: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-c", f"import {module}, sys; print({heavy!r} in sys.modules)"],
        capture_output=True, text=True, check=True,
    )
    assert proc.stdout.strip() == "False"


# ------------------------------------------------------------------ whole-inventory cache

VIS = "import enum\nclass ColumnVisibility(enum.Enum):\n    MASKED = 1\n    PRIVATE = 2\n"
MODEL = """\
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from app.common.mixins import Secretive
class Base(DeclarativeBase):
    pass
class Conn(Secretive, Base):
    __tablename__ = "conns"
    id: Mapped[int] = mapped_column(primary_key=True)
"""
MIXIN = """\
from sqlalchemy.orm import Mapped, mapped_column
from app.vis import ColumnVisibility
class Secretive:
    secret: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
"""
FILES = {"app/vis.py": VIS, "app/models/conn.py": MODEL, "app/common/mixins.py": MIXIN}
GLOBS = ("app/models/*.py",)
PRIV = "ColumnVisibility.PRIVATE"
MASK = "ColumnVisibility.MASKED"


def _columns(inventory: Inventory) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(c.table, c.column, c.labels) for c in inventory.columns]


def _build(files: dict[str, str], config: Config, cache: Path,
           monkeypatch: pytest.MonkeyPatch) -> Inventory:
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(cache))
    return build_inventory(MemoryTree(files), config)


def test_warm_inventory_needs_no_per_file_facts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    cold = _build(FILES, config, tmp_path, monkeypatch)
    shutil.rmtree(tmp_path / "scan")
    assert _build(FILES, config, tmp_path, monkeypatch) == cold
    # answered from the inventory entry alone: no file was scanned again
    assert not (tmp_path / "scan").exists()
    assert _columns(cold) == [("conns", "secret", (PRIV,)), ("conns", "id", ())]


@pytest.mark.parametrize(
    ("files", "config", "expected"),
    [
        pytest.param(
            {**FILES, "app/common/mixins.py": MIXIN.replace("PRIVATE", "MASKED")},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (MASK,)), ("conns", "id", ())],
            id="a mixin outside the model globs changes",
        ),
        pytest.param(
            {**FILES, "app/models/conn.py": MODEL + "    token: Mapped[str]\n"},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (PRIV,)), ("conns", "id", ()), ("conns", "token", ())],
            id="a model file changes",
        ),
        pytest.param(
            {**FILES, "app/models/more.py": MODEL.replace("Conn", "More").replace("conns", "m")
             .replace("class Base(DeclarativeBase):\n    pass\n", "from app.models.conn "
                      "import Base\n")},
            Config(root="/r", models=GLOBS),
            [("conns", "secret", (PRIV,)), ("m", "secret", (PRIV,)), ("conns", "id", ()),
             ("m", "id", ())],
            id="a new file matches the globs",
        ),
        pytest.param(
            {k: v for k, v in FILES.items() if k != "app/common/mixins.py"},
            Config(root="/r", models=GLOBS),
            None,  # the base cannot be found: the inventory must now carry an error
            id="the mixin file is deleted",
        ),
        pytest.param(
            FILES, Config(root="/r", models=GLOBS, labels=(MASK,)),
            [("conns", "secret", ()), ("conns", "id", ())],
            id="the configured labels change",
        ),
        pytest.param(
            FILES, Config(root="/r"),
            [("conns", "secret", (PRIV,)), ("conns", "id", ())],
            id="models globs removed: auto-detection",
        ),
    ],
)
def test_inventory_cache_follows_every_input(
    files: dict[str, str], config: Config, expected: list[tuple[str, str, tuple[str, ...]]] | None,
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:
    _build(FILES, Config(root="/r", models=GLOBS), tmp_path, monkeypatch)
    warm = _build(files, config, tmp_path, monkeypatch)
    assert warm == build_inventory(MemoryTree(files), config, use_cache=False)
    if expected is None:
        assert [e.message.split(":")[0] for e in warm.errors] == ["class Conn"]
    else:
        assert warm.errors == ()
        assert _columns(warm) == expected


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda text: text[: len(text) // 2], id="truncated"),
        pytest.param(lambda text: "[]", id="not an object"),
        pytest.param(lambda text: text.replace('"reads":[', '"reads":[["app/x.py",1,2],'),
                     id="malformed read record"),
        pytest.param(lambda text: text.replace('"inventory":[[[', '"inventory":[[[1,'),
                     id="malformed column"),
        pytest.param(lambda text: text.replace('"conns"', '"forged"', 1)
                     .replace('"schema":', '"schema":-1,"x":'), id="other schema"),
        pytest.param(lambda text: text.replace(PRIV, "ColumnVisibility.NOPE").replace(
            '"reads":[[', '"reads":[["app/ghost.py","0"],['), id="a read that no longer matches"),
    ],
)
def test_damaged_inventory_entry_is_a_miss(
    damage: Callable[[str], str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    cold = _build(FILES, config, tmp_path, monkeypatch)
    (entry,) = (tmp_path / "inventory").rglob("*.json")
    entry.write_text(damage(entry.read_text()))
    assert _build(FILES, config, tmp_path, monkeypatch) == cold


def test_use_cache_false_ignores_the_inventory_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = Config(root="/r", models=GLOBS)
    _build(FILES, config, tmp_path, monkeypatch)
    (entry,) = (tmp_path / "inventory").rglob("*.json")
    entry.write_text(entry.read_text().replace(PRIV, MASK))  # a poisoned but well-formed entry
    assert _columns(build_inventory(MemoryTree(FILES), config, use_cache=False)) == [
        ("conns", "secret", (PRIV,)), ("conns", "id", ())
    ]

"""What the code-evidence tests share (blob_keys, value_sources, row_keys, declared_secrets):
a fixture repository of one models file and the code around it, read and judged as the
reviewer reads and judges it."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.inventory import build_inventory
from reviewer.review import classify_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Column, Config, Inventory
from reviewer.vocabulary import load_vocabulary

# (table, column) -> (category, confidence, evidence)
Judged = dict[tuple[str, str], tuple[str | None, str | None, str | None]]


@dataclass(frozen=True)
class EvidenceApp:
    models_path: str  # the configuration's `models`
    models: str
    extra: Mapping[str, str] = field(default_factory=dict)  # other files it always has

    def files(self, **code: str) -> dict[str, str]:
        """The app's files and ``code``, each keyword a path with ``__`` for ``/``
        (``clinic__visits`` is ``clinic/visits.py``)."""
        files = {self.models_path: self.models, **self.extra}
        files.update({path.replace("__", "/") + ".py": textwrap.dedent(text)
                      for path, text in code.items()})
        return files

    def inventory(self, tree: MemoryTree) -> Inventory:
        inventory = build_inventory(tree, Config(root="/repo", models=(self.models_path,)),
                                    use_cache=False)
        assert not inventory.errors
        return inventory

    def judged(self, files: dict[str, str], shown: Callable[[Column], bool]) -> Judged:
        """The ``shown`` columns as the classifier judges them with the code of ``files``."""
        tree = MemoryTree(files)
        inventory = classify_inventory(self.inventory(tree), load_vocabulary(), tree)
        return {c.key: (c.category, c.confidence, c.evidence) for c in inventory.columns
                if shown(c)}


def scanned(root: Path, capsys: pytest.CaptureFixture[str], table: str,
            column: str) -> dict[str, tuple[object, ...]]:
    """One column as `reviewer scan --format json` reports it."""
    main(["scan", "--format", "json", "--root", str(root)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return {f"{c['table']}.{c['column']}": (c["category"], c["confidence"], c["evidence"])
            for c in json.loads(out)["columns"] if c["table"] == table
            and c["column"] == column}

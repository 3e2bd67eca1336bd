"""Helpers for a project's own test suite.

Static mode, one line in a schema test (reads the code, never imports it)::

    from reviewer.testing import assert_masking_gate

    def test_every_sensitive_column_is_masked() -> None:
        assert_masking_gate(".")

Runtime mode, for teams that build columns dynamically (a loop, a factory, a plugin), where
reading source cannot see every column: walk the imported ``MetaData`` instead::

    from reviewer.testing import assert_metadata_masked

    def test_runtime_schema_is_masked() -> None:
        assert_metadata_masked(Base.metadata, "masking_rules.json")

Both apply the same gate as ``reviewer check``. SQLAlchemy is imported only inside the runtime
functions: it is a dependency of the project under test, not of masking-reviewer.
"""

from __future__ import annotations

import enum
import json
import os
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from reviewer.constants import DEFAULT_LABELS
from reviewer.errors import UsageError
from reviewer.types import Column, Config, ConfigExemption, Finding, Inventory

if TYPE_CHECKING:
    import sqlalchemy

    from reviewer.vocabulary import Vocabulary

__all__ = [
    "DEFAULT_LABELS",
    "RUNTIME_PATH",
    "assert_masking_gate",
    "assert_metadata_masked",
    "check_metadata",
    "format_findings",
]

RUNTIME_PATH = "<runtime>"  # where a column lives when no mapped class (module) is known

# (table, column, reason), the same three keys as [[tool.masking-reviewer.exemptions]]
ExemptionSpec: TypeAlias = "tuple[str, str, str] | ConfigExemption"

_ACTION_WORDS = {"add": "add to", "remove": "remove from", "replace": "replace in"}


def format_findings(findings: Sequence[Finding], rules_path: str) -> str:
    """One block per finding: ``path:line code name message`` and the exact entry to change."""
    out: list[str] = []
    for f in findings:
        where = f"{f.path}:{f.line}" if f.line else f.path
        out.append(f"{where}: {f.code} {f.name} {f.message}")
        if f.rule is not None and f.action is not None:
            entry = json.dumps(f.rule.entry(), ensure_ascii=False)
            out.append(f"    {_ACTION_WORDS[f.action]} {rules_path}: {entry}")
    return "\n".join(out)


def _blocking(findings: Iterable[Finding], config: Config) -> list[Finding]:
    from reviewer.gate import is_blocking

    return [f for f in findings if is_blocking((f,), config)]


def _fail(findings: Sequence[Finding], config: Config, rules_path: str, where: str) -> None:
    blocking = _blocking(findings, config)
    if not blocking:
        return
    noun = "finding" if len(blocking) == 1 else "findings"
    head = f"masking gate failed for {where}: {len(blocking)} blocking {noun}"
    raise AssertionError(f"{head}\n{format_findings(blocking, rules_path)}")


def assert_masking_gate(
    root: str | os.PathLike[str] = ".", *, config_path: str | None = None
) -> None:
    """Run ``reviewer check`` on ``root``; raise AssertionError listing every blocking finding.

    ``config_path`` is relative to ``root`` (default: .masking-reviewer.toml, then
    pyproject.toml). Severity overrides, ``fail-on`` and the baseline apply as in the CLI.

    A configuration or git problem is reported as an AssertionError too (with file and line),
    so a schema test fails with a readable message instead of a traceback.
    """
    from reviewer.config import load_config
    from reviewer.review import run_check
    from reviewer.sources import WorktreeTree

    path = Path(root).resolve()
    if not path.is_dir():
        raise AssertionError(f"masking gate: {path} is not a directory")
    tree = WorktreeTree(path)
    try:
        config = load_config(str(path), tree, config_path)
        review = run_check(str(path), config, tree=tree)
    except UsageError as exc:
        raise AssertionError(f"masking gate could not run on {path}: {exc}") from None
    _fail(review.findings, config, review.rules_path, str(path))


# --- runtime mode -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Owner:
    """The mapped class behind a table, as far as the imported registry can tell."""

    class_name: str
    path: str
    attributes: dict[str, str]  # DB column name -> attribute name
    declared_in: dict[str, str]  # DB column name -> mixin that declares it


def _label_names(value: object) -> set[str]:
    """The dotted names a ``column.info`` value can be written as in source."""
    if isinstance(value, enum.Enum):
        cls = type(value)
        return {
            f"{cls.__name__}.{value.name}",
            f"{cls.__qualname__}.{value.name}",
            f"{cls.__module__}.{cls.__qualname__}.{value.name}",
        }
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple | set | frozenset):
        return set().union(*(_label_names(v) for v in value)) if value else set()
    return set()


def _labels_of(info: dict[object, object], labels: Sequence[str]) -> tuple[str, ...]:
    names: set[str] = set()
    for value in info.values():
        names |= _label_names(value)
    return tuple(label for label in labels if label in names)


def _display_path(module_name: str, root: Path) -> str:
    module = sys.modules.get(module_name)
    file = getattr(module, "__file__", None)
    if not file:
        return RUNTIME_PATH
    resolved = Path(file).resolve()
    try:
        return resolved.relative_to(root).as_posix()
    except ValueError:
        return resolved.as_posix()


def _owners(metadata: sqlalchemy.MetaData, root: Path) -> dict[str, _Owner]:
    """table name -> owning mapped class, for every mapper whose table is in ``metadata``."""
    from sqlalchemy.orm import mapperlib
    from sqlalchemy.orm.exc import UnmappedColumnError

    # No public API maps a MetaData back to its mapped classes; without the registry the
    # columns are still checked, only reported at "<runtime>".
    all_registries = getattr(mapperlib, "_all_registries", None)
    if all_registries is None:
        return {}
    owners: dict[str, _Owner] = {}
    preferred: set[str] = set()
    for registry in list(all_registries()):
        for mapper in list(registry.mappers):
            table = mapper.local_table
            if getattr(table, "metadata", None) is not metadata:
                continue
            name = str(getattr(table, "name", ""))
            # single-table inheritance: the base class owns the table
            is_base = mapper.inherits is None
            if name in preferred or (name in owners and not is_base):
                continue
            cls = mapper.class_
            attributes: dict[str, str] = {}
            declared_in: dict[str, str] = {}
            for column in table.columns:
                try:
                    attr = mapper.get_property_by_column(column).key
                except UnmappedColumnError:
                    continue  # excluded from the mapping: the finding names the DB column
                attributes[column.name] = attr
                for klass in cls.__mro__[1:]:
                    if attr in vars(klass) and "__mapper__" not in vars(klass):
                        declared_in[column.name] = klass.__name__
                        break
            owners[name] = _Owner(
                cls.__name__, _display_path(cls.__module__, root), attributes, declared_in
            )
            if is_base:
                preferred.add(name)
    return owners


def _type_text(column: sqlalchemy.Column[object]) -> str:
    from sqlalchemy.exc import CompileError

    try:
        return str(column.type)
    except CompileError:  # some custom types only render against a real dialect
        return type(column.type).__name__


def _runtime_inventory(
    metadata: sqlalchemy.MetaData, labels: Sequence[str], root: Path
) -> Inventory:
    owners = _owners(metadata, root)
    columns: list[Column] = []
    for table in sorted(metadata.tables.values(), key=lambda t: t.name):
        owner = owners.get(table.name)
        for col in table.columns:
            columns.append(
                Column(
                    table=table.name,
                    column=col.name,
                    class_name=owner.class_name if owner else None,
                    attribute=owner.attributes.get(col.name) if owner else None,
                    path=owner.path if owner else RUNTIME_PATH,
                    line=0,
                    type=_type_text(col),
                    nullable=bool(col.nullable),
                    unique=bool(col.unique),
                    primary_key=bool(col.primary_key),
                    labels=_labels_of(dict(col.info), labels),
                    declared_in=owner.declared_in.get(col.name) if owner else None,
                )
            )
    files = sorted({c.path for c in columns})
    return Inventory(
        columns=tuple(columns), files=tuple(files), mapped_classes=len(metadata.tables)
    )


def _config_exemptions(exemptions: Sequence[ExemptionSpec]) -> tuple[ConfigExemption, ...]:
    out: list[ConfigExemption] = []
    for i, ex in enumerate(exemptions, start=1):
        if isinstance(ex, ConfigExemption):
            out.append(ex)
            continue
        if not (isinstance(ex, tuple) and len(ex) == 3 and all(isinstance(p, str) for p in ex)):
            raise UsageError(
                f"exemption #{i} must be (table, column, reason) strings or a ConfigExemption, "
                f"got {ex!r}"
            )
        table, column, reason = ex
        out.append(ConfigExemption(table, column, reason.strip(), line=i))
    return tuple(out)


def _runtime_config(
    rules_path: Path, labels: Sequence[str], exemptions: Sequence[ExemptionSpec]
) -> Config:
    return Config(
        root=str(rules_path.parent),
        rules=rules_path.name,
        labels=tuple(labels),
        exemptions=_config_exemptions(exemptions),
        path="check_metadata(exemptions=...)",
    )


def _classified(inventory: Inventory, config: Config) -> tuple[Inventory, Vocabulary]:
    from reviewer.review import classify_inventory
    from reviewer.vocabulary import load_vocabulary

    vocab = load_vocabulary(config)
    return classify_inventory(inventory, vocab), vocab


def _findings(
    metadata: sqlalchemy.MetaData,
    rules_path: str | os.PathLike[str],
    labels: Sequence[str],
    exemptions: Sequence[ExemptionSpec],
) -> tuple[list[Finding], Config, str]:
    import sqlalchemy

    from reviewer.review import Snapshot, check_findings
    from reviewer.rules import load_rules
    from reviewer.sources import WorktreeTree

    if not isinstance(metadata, sqlalchemy.MetaData):
        raise UsageError(
            f"check_metadata() needs a sqlalchemy.MetaData (e.g. Base.metadata), "
            f"got {type(metadata).__name__}"
        )
    if isinstance(labels, str) or not labels:
        raise UsageError("labels must be a non-empty sequence of dotted names")
    path = Path(rules_path).resolve()
    config = _runtime_config(path, labels, exemptions)
    inventory, vocab = _classified(_runtime_inventory(metadata, labels, path.parent), config)
    rules = load_rules(WorktreeTree(path.parent), path.name)
    # check_findings runs every whole-snapshot check (reviewer.checks), with the same
    # suggested entries as `reviewer check`: one gate, whichever way the inventory was built.
    snap = Snapshot(RUNTIME_PATH, inventory, rules, lambda: vocab)
    return check_findings(snap, config), config, rules.path


def check_metadata(
    metadata: sqlalchemy.MetaData,
    rules_path: str | os.PathLike[str],
    *,
    labels: Sequence[str] = DEFAULT_LABELS,
    exemptions: Sequence[ExemptionSpec] = (),
) -> list[Finding]:
    """Every gate finding for an imported ``MetaData``, in the gate's order.

    Labels come from ``column.info`` values: an enum member ``ColumnVisibility.PRIVATE``
    counts as the dotted name ``"ColumnVisibility.PRIVATE"``. Columns are located at the
    module file of their mapped class (line 0), or ``<runtime>`` for Core tables.
    """
    return _findings(metadata, rules_path, labels, exemptions)[0]


def assert_metadata_masked(
    metadata: sqlalchemy.MetaData,
    rules_path: str | os.PathLike[str],
    *,
    labels: Sequence[str] = DEFAULT_LABELS,
    exemptions: Sequence[ExemptionSpec] = (),
) -> None:
    """Raise AssertionError listing every blocking finding of :func:`check_metadata`."""
    try:
        findings, config, shown = _findings(metadata, rules_path, labels, exemptions)
    except UsageError as exc:
        raise AssertionError(f"masking gate could not run: {exc}") from None
    _fail(findings, config, shown, f"{type(metadata).__name__} ({len(metadata.tables)} tables)")


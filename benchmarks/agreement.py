#!/usr/bin/env python3
"""How far two blind labellers agree: the ceiling of any classifier measured against one of them.

Issue 9 scores the classifier against one engineer's blind labels per project. LABELING.md leaves
judgement calls, so a second engineer, who saw neither the first labels nor the classifier,
labelled some development projects again from their source: ``real_world/labels_second/
<project>.csv``, the same rows as ``labels/<project>.csv``.

Per project and in total:

- rows compared, the share with the same label, and Cohen's kappa over the five labels;
- credentials: how many each labeller called credentials and how many both did, the second
  labeller's precision and recall against the first, and their F1 (which is symmetric: swap the
  labellers and precision and recall swap);
- sensitive (credential, pii_direct, pii_quasi): the same F1.

``--disagreements`` lists the rows where they differ about credentials or sensitivity, with both
notes. To see the classifier against the second labels, run
``classifier_real.py --labels real_world/labels_second --project NAME``.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.real_world import (  # noqa: E402
    LABEL_VALUES,
    LABELS,
    LabelRow,
    labels_for,
    load_labels,
    load_projects,
)

SECOND = HERE / "real_world" / "labels_second"
CREDENTIAL = frozenset({"credential"})
SENSITIVE = frozenset({"credential", "pii_direct", "pii_quasi"})

Pair = tuple[LabelRow, LabelRow]


class RowsDiffer(ValueError):
    """The two files do not label the same columns, so they cannot be compared."""


def pair_rows(first: Sequence[LabelRow], second: Sequence[LabelRow]) -> list[Pair]:
    """Join the two labellings row by row on (path, table, column); both must list the same
    columns once each."""
    def index(rows: Sequence[LabelRow], which: str) -> dict[tuple[str, str, str], LabelRow]:
        out: dict[tuple[str, str, str], LabelRow] = {}
        for r in rows:
            key = (r.path, r.table, r.column)
            if key in out:
                raise RowsDiffer(f"the {which} labels list {r.table}.{r.column} twice")
            out[key] = r
        return out

    a, b = index(first, "first"), index(second, "second")
    if a.keys() != b.keys():
        only = sorted(a.keys() - b.keys())[:3] or sorted(b.keys() - a.keys())[:3]
        raise RowsDiffer("the two labellings list different columns, e.g. "
                         + ", ".join(f"{t}.{c} ({p})" for p, t, c in only))
    return [(a[k], b[k]) for k in a]


def cohen_kappa(pairs: Sequence[Pair]) -> float | None:
    """Agreement beyond what two labellers with these label frequencies reach by chance."""
    n = len(pairs)
    if not n:
        return None
    observed = sum(1 for x, y in pairs if x.label == y.label) / n
    first = Counter(x.label for x, _ in pairs)
    second = Counter(y.label for _, y in pairs)
    expected = sum(first[v] * second[v] for v in LABEL_VALUES) / (n * n)
    return 1.0 if expected == 1 else (observed - expected) / (1 - expected)


@dataclass(frozen=True, slots=True)
class Overlap:
    """How two labellers split the rows on one yes/no question (is it a credential?)."""

    both: int
    first_only: int
    second_only: int

    @property
    def first(self) -> int:
        return self.both + self.first_only

    @property
    def second(self) -> int:
        return self.both + self.second_only

    @property
    def precision(self) -> float | None:
        """The second labeller's, against the first."""
        return self.both / self.second if self.second else None

    @property
    def recall(self) -> float | None:
        return self.both / self.first if self.first else None

    @property
    def f1(self) -> float | None:
        total = self.first + self.second
        return 2 * self.both / total if total else None


def overlap(pairs: Iterable[Pair], positive: frozenset[str]) -> Overlap:
    both = first_only = second_only = 0
    for x, y in pairs:
        a, b = x.label in positive, y.label in positive
        both += a and b
        first_only += a and not b
        second_only += b and not a
    return Overlap(both, first_only, second_only)


@dataclass(frozen=True, slots=True)
class Agreement:
    project: str
    pairs: tuple[Pair, ...]
    held_out: bool = False  # its rows are never listed: nobody reads held-out labels

    @property
    def same(self) -> float | None:
        n = len(self.pairs)
        return sum(1 for x, y in self.pairs if x.label == y.label) / n if n else None

    @property
    def kappa(self) -> float | None:
        return cohen_kappa(self.pairs)

    @property
    def credential(self) -> Overlap:
        return overlap(self.pairs, CREDENTIAL)

    @property
    def sensitive(self) -> Overlap:
        return overlap(self.pairs, SENSITIVE)


def _f(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def table(rows: Sequence[Agreement]) -> str:
    """A row per project, a total per split of several projects, and one for all when both
    splits are there."""
    lines = [
        "| project | split | rows | same label | Cohen's kappa | credentials: first / second / "
        "both | credential P / R (second vs first) | credential F1 | sensitive F1 |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    totals = []
    for held_out in (False, True):
        part = [r for r in rows if r.held_out == held_out]
        if len(part) > 1:
            totals.append(Agreement(f"all {_split(held_out)}", tuple(p for r in part
                                                                     for p in r.pairs),
                                    held_out))
    if len({r.held_out for r in rows}) > 1:
        totals.append(Agreement("all", tuple(p for r in rows for p in r.pairs)))
    for r in [*rows, *totals]:
        c = r.credential
        total = r in totals
        name = f"**{r.project}**" if total else r.project
        split = "" if r.project == "all" else _split(r.held_out)
        lines.append(
            f"| {name} | {split} | {len(r.pairs)} | {_f(r.same)} | {_f(r.kappa)} | "
            f"{c.first} / {c.second} / {c.both} | {_f(c.precision)} / {_f(c.recall)} | "
            f"{_f(c.f1)} | {_f(r.sensitive.f1)} |")
    return "\n".join(lines)


def _split(held_out: bool) -> str:
    return "held-out" if held_out else "development"


def disagreements(rows: Sequence[Agreement]) -> str:
    out = []
    for r in rows:
        if r.held_out:
            out.append(f"  {r.project}: held-out, not listed")
            continue
        for x, y in r.pairs:
            if (x.label in SENSITIVE) != (y.label in SENSITIVE) or (
                    (x.label == "credential") != (y.label == "credential")):
                out.append(f"  {r.project} {x.table}.{x.column}: first {x.label} "
                           f"({x.note or 'no note'}); second {y.label} ({y.note or 'no note'})")
    return "\n".join(out)


def compare_project(project: str, first_dir: Path, second_dir: Path,
                    held_out: bool = False) -> Agreement | None:
    second_path = second_dir / f"{project}.csv"
    if not second_path.is_file():
        return None
    first = labels_for(project, first_dir)
    if first is None:
        raise RowsDiffer(f"{second_path}: no first labelling of {project} in {first_dir}")
    try:
        return Agreement(project, tuple(pair_rows(first, load_labels(second_path))), held_out)
    except RowsDiffer as e:
        raise RowsDiffer(f"{second_path}: {e}") from None


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--labels", type=Path, default=LABELS, help="the first labelling")
    ap.add_argument("--second", type=Path, default=SECOND, help="the second labelling")
    ap.add_argument("--disagreements", action="store_true",
                    help="list the rows the labellers disagree on (credential or sensitive)")
    args = ap.parse_args(argv)
    rows = []
    try:
        for p in sorted(load_projects(), key=lambda p: p.name):
            got = compare_project(p.name, args.labels, args.second, p.split == "held-out")
            if got is not None:
                rows.append(got)
    except (RowsDiffer, ValueError) as e:
        print(f"agreement: {e}", file=sys.stderr)
        return 2
    if not rows:
        print(f"agreement: no second labelling in {args.second}", file=sys.stderr)
        return 2
    print(table(rows))
    if args.disagreements:
        print("\nDisagreements (credential or sensitive):")
        print(disagreements(rows) or "  none")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Precision and recall of the classifier on the labelled columns of real applications.

    python benchmarks/classifier_real.py [--project NAME]... [--mirrors DIR] [--json OUT]
                                         [--no-write] [--held-out] [--show-heldout]

Each project of ``benchmarks/real_world/projects.toml`` is materialised at its pin and scanned
with ``reviewer scan --format json`` as ``real_world.py`` does, so the classifier sees the
columns as the reader sees them in the real repository: name, attribute, type, table, class
and sibling columns. Every Python file of the repository is materialised (``exclude`` left
out), as a checkout has them, because the classifier also reads the code that uses a blob
column for the keys it keeps there (``reviewer.blob_keys``); ``--extract-only`` materialises
only the ``extract`` paths, as before that evidence. Scanned columns are joined to the rows of
``real_world/labels/<project>.csv`` by ``(table, column)``.

What counts (the classifier's output is a category and a confidence per column):

- **flagged as credential**: category ``credential`` at any confidence. Any confidence is what
  makes ``reviewer diff`` report a new unlabelled column (``MR003``). **Blocking** is the
  stricter ``credential`` at ``high`` confidence, which ``MR003`` raises to an error; its recall
  is reported beside.
- **flagged as sensitive**: category ``credential``, ``direct_identifier``,
  ``quasi_identifier`` or ``financial``, at any confidence. A label is sensitive when it is
  ``credential``, ``pii_direct`` or ``pii_quasi`` (``LABELING.md``); ``free_text`` is neither
  side of the sensitive score (predicted ``free_text`` counts as not sensitive) but shows in
  the confusion table.
- **not read**: a labelled column the reader did not find. It counts as a miss (predicted
  ``none``) in the end-to-end figures, and the classifier-only figures leave it out, so a
  reader gap and a classifier gap can be told apart.

Development and held-out projects (``split`` in projects.toml) are reported apart, and each
held-out ``cohort`` apart again. Without ``--project``, only the development split is
measured: the held-out one needs ``--held-out`` (tuning runs many times; the held-out figures
are read once the tuning is done, so they must not come along). The
evidence for each miss and false positive is printed for the development split only;
``--show-heldout`` prints it for held-out projects too: only after tuning is frozen, since
reading held-out misclassifications while tuning makes the held-out figures worthless.
Results go to ``benchmarks/results/classifier-real-<date>.json``; held-out misclassifications
are written there only with ``--show-heldout``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from benchmarks.real_world import (  # noqa: E402
    DEFAULT_MIRRORS,
    LABELS,
    RESULTS,
    SPLITS,
    LabelRow,
    Project,
    cohorts_of,
    has_commit,
    labels_for,
    load_projects,
    machine_meta,
    materialise,
    measured,
    run_scan,
    workdir,
    write_reviewer_files,
)

SENSITIVE_LABELS = frozenset({"credential", "pii_direct", "pii_quasi"})
SENSITIVE_CATEGORIES = frozenset({"credential", "direct_identifier", "quasi_identifier",
                                  "financial"})
NOT_READ = "not read"
PREDICTIONS = ("credential", "direct_identifier", "quasi_identifier", "financial", "free_text",
               "none", NOT_READ)
LABELS_ORDER = ("credential", "pii_direct", "pii_quasi", "free_text", "none")


@dataclass(frozen=True, slots=True)
class Judged:
    """One labelled column and what the classifier said about it."""

    project: str
    split: str
    table: str
    column: str
    label: str
    category: str  # a category, "none", or NOT_READ
    confidence: str | None
    type: str | None = None
    path: str = ""
    line: int = 0
    evidence: str = ""  # the classifier's reason, when the scan output carries one
    note: str = ""

    @property
    def read(self) -> bool:
        return self.category != NOT_READ


@dataclass(frozen=True, slots=True)
class Score:
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)


def score(rows: Iterable[Judged], truth: Any, flagged: Any) -> Score:
    tp = fp = fn = 0
    for r in rows:
        t, f = truth(r), flagged(r)
        tp += t and f
        fp += f and not t
        fn += t and not f
    return Score(tp, fp, fn)


def is_credential(r: Judged) -> bool:
    return r.label == "credential"


def flags_credential(r: Judged) -> bool:
    return r.category == "credential"


def blocks_credential(r: Judged) -> bool:
    return r.category == "credential" and r.confidence == "high"


def is_sensitive(r: Judged) -> bool:
    return r.label in SENSITIVE_LABELS


def flags_sensitive(r: Judged) -> bool:
    return r.category in SENSITIVE_CATEGORIES


def _evidence(row: Mapping[str, Any]) -> str:
    for key in ("evidence", "reason", "why"):
        value = row.get(key)
        if value:
            return value if isinstance(value, str) else json.dumps(value)
    return ""


def judge(project: Project, labels: Sequence[LabelRow],
          columns: Sequence[Mapping[str, Any]]) -> list[Judged]:
    """Join labels to scanned columns by (table, column); the first scanned row wins."""
    seen: dict[tuple[str, str], Mapping[str, Any]] = {}
    for c in columns:
        seen.setdefault((c["table"], c["column"]), c)
    out = []
    for lab in labels:
        c = seen.get(lab.key)
        if c is None:
            out.append(Judged(project.name, project.split, lab.table, lab.column, lab.label,
                              NOT_READ, None, path=lab.path, note=lab.note))
            continue
        out.append(Judged(
            project.name, project.split, lab.table, lab.column, lab.label,
            c.get("category") or "none", c.get("confidence"), type=c.get("type"),
            path=c.get("path", ""), line=int(c.get("line") or 0), evidence=_evidence(c),
            note=lab.note,
        ))
    return out


@dataclass(slots=True)
class ProjectRun:
    project: str
    split: str
    status: str
    judged: list[Judged] = field(default_factory=list)
    group: str = ""  # the split, or "held-out B" for a cohort of it (Project.group)


def run_project(project: Project, mirrors: Path, labels_dir: Path = LABELS,
                whole: bool = True) -> ProjectRun:
    labels = labels_for(project.name, labels_dir)
    if labels is None:
        return ProjectRun(project.name, project.split, "skipped: no labels file yet")
    git_dir = project.git_dir(mirrors)
    if not has_commit(git_dir, project.commit):
        return ProjectRun(project.name, project.split, f"skipped: no mirror/pin at {git_dir}")
    with workdir(None, project.name, project.checkout) as root:
        materialise(git_dir, project.commit, project, root, whole)
        write_reviewer_files(root, project)
        run = run_scan(root)
    if run.doc is None:
        return ProjectRun(project.name, project.split,
                          f"failed: exit {run.exit_code}: {run.stderr[-300:]}")
    return ProjectRun(project.name, project.split, "ok",
                      judge(project, labels, run.doc.get("columns", [])), project.group)


# ---------------------------------------------------------------------------- reporting


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


@dataclass(frozen=True, slots=True)
class SplitFigures:
    split: str
    projects: tuple[str, ...]
    columns: int
    not_read: int
    credentials: int
    credential: Score  # end to end: not read = miss
    credential_read: Score  # classifier only: read columns
    blocking: Score
    sensitive: Score
    sensitive_read: Score

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"split": self.split, "projects": list(self.projects),
                               "columns": self.columns, "not_read": self.not_read,
                               "credentials": self.credentials}
        for name in ("credential", "credential_read", "blocking", "sensitive",
                     "sensitive_read"):
            s: Score = getattr(self, name)
            out[name] = {"tp": s.tp, "fp": s.fp, "fn": s.fn, "precision": s.precision,
                         "recall": s.recall, "f1": s.f1}
        return out


def groups(runs: Sequence[ProjectRun]) -> list[str]:
    """The rows reported: each split, then each named cohort of it, unless it is the whole split."""
    out: list[str] = []
    for split in SPLITS:
        if not any(r.split == split for r in runs):
            continue  # not measured (the held-out split without --held-out)
        out.append(split)
        # only measured projects name a cohort: one skipped (no labels yet) has no figures
        out += cohorts_of(split, (r.group for r in runs if r.split == split and r.status == "ok"))
    return out


def _in(group: str, run: ProjectRun) -> bool:
    return group in (run.split, run.group)


def figures(split: str, runs: Sequence[ProjectRun]) -> SplitFigures:
    """Figures of a split, or of one cohort of it ("held-out B")."""
    rows = [j for r in runs if _in(split, r) for j in r.judged]
    read = [j for j in rows if j.read]
    return SplitFigures(
        split=split,
        projects=tuple(r.project for r in runs if _in(split, r) and r.status == "ok"),
        columns=len(rows),
        not_read=len(rows) - len(read),
        credentials=sum(1 for j in rows if is_credential(j)),
        credential=score(rows, is_credential, flags_credential),
        credential_read=score(read, is_credential, flags_credential),
        blocking=score(rows, is_credential, blocks_credential),
        sensitive=score(rows, is_sensitive, flags_sensitive),
        sensitive_read=score(read, is_sensitive, flags_sensitive),
    )


def figures_table(all_figures: Sequence[SplitFigures]) -> str:
    lines = [
        "| split | projects | labelled columns | not read | credentials | credential P | "
        "credential R | credential R (blocking) | sensitive P | sensitive R | sensitive F1 | "
        "classifier only: credential P / R | sensitive P / R / F1 |",
        "| --- | --- |" + " ---: |" * 11,
    ]
    for f in all_figures:
        c, b, s = f.credential, f.blocking, f.sensitive
        cr, sr = f.credential_read, f.sensitive_read
        lines.append(
            f"| {f.split} | {', '.join(f.projects) or 'none'} | {f.columns} | {f.not_read} | "
            f"{f.credentials} | {_f(c.precision)} | {_f(c.recall)} | {_f(b.recall)} | "
            f"{_f(s.precision)} | {_f(s.recall)} | {_f(s.f1)} | "
            f"{_f(cr.precision)} / {_f(cr.recall)} | "
            f"{_f(sr.precision)} / {_f(sr.recall)} / {_f(sr.f1)} |"
        )
    return "\n".join(lines)


def confusion(rows: Sequence[Judged]) -> Counter[tuple[str, str]]:
    return Counter((j.label, j.category) for j in rows)


def confusion_table(split: str, rows: Sequence[Judged]) -> str:
    counts = confusion(rows)
    lines = [f"Confusion, {split} (rows: label; columns: classifier category)", "",
             "| label | " + " | ".join(PREDICTIONS) + " | total |",
             "| --- |" + " ---: |" * (len(PREDICTIONS) + 1)]
    for label in LABELS_ORDER:
        cells = [counts[(label, p)] for p in PREDICTIONS]
        lines.append(f"| {label} | " + " | ".join(map(str, cells)) + f" | {sum(cells)} |")
    return "\n".join(lines)


def mistakes(rows: Sequence[Judged]) -> list[tuple[str, Judged]]:
    """Credential and sensitive misses and false positives, with what kind each one is."""
    out = []
    for j in rows:
        if is_credential(j) and not flags_credential(j):
            out.append(("credential missed" + (" (not read)" if not j.read else ""), j))
        elif flags_credential(j) and not is_credential(j):
            out.append(("false credential", j))
        elif is_sensitive(j) and not flags_sensitive(j):
            out.append(("sensitive missed" + (" (not read)" if not j.read else ""), j))
        elif flags_sensitive(j) and not is_sensitive(j):
            out.append(("false sensitive", j))
        elif is_credential(j) and not blocks_credential(j):
            out.append(("credential not blocking", j))
    return sorted(out, key=lambda m: (m[0], m[1].project, m[1].table, m[1].column))


def describe(kind: str, j: Judged) -> str:
    got = j.category if j.category in ("none", NOT_READ) else f"{j.category}/{j.confidence}"
    where = f"{j.path}:{j.line}" if j.line else j.path
    parts = [f"{kind}: {j.project} {j.table}.{j.column} [{j.type or '?'}] label={j.label} "
             f"got={got} ({where})"]
    if j.evidence:
        parts.append(f"evidence: {j.evidence}")
    if j.note:
        parts.append(f"label note: {j.note}")
    return "  " + "; ".join(parts)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirrors", type=Path, default=DEFAULT_MIRRORS)
    parser.add_argument("--project", action="append", metavar="NAME")
    parser.add_argument("--held-out", action="store_true",
                        help="also measure the held-out split (its aggregates only; details "
                             "need --show-heldout); without --project, only development is "
                             "measured")
    parser.add_argument("--json", type=Path, metavar="OUT",
                        help="results file (default: benchmarks/results/classifier-real-DATE.json)")
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--show-heldout", action="store_true",
                        help="also print held-out misclassifications: only after tuning is "
                             "frozen")
    parser.add_argument("--labels", type=Path, default=LABELS, metavar="DIR",
                        help="labels directory, <project>.csv (default: %(default)s)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--extract-only", action="store_true",
                        help="materialise only each project's `extract` paths (its model "
                             "packages), not all its Python files: no code evidence beyond "
                             "them (the figures before reviewer.blob_keys)")
    args = parser.parse_args(argv)

    projects = measured(load_projects(), args.project, args.held_out)
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        runs = list(pool.map(lambda p: run_project(p, args.mirrors, args.labels,
                                                   not args.extract_only), projects))
    meta = machine_meta() | {"seconds": round(time.perf_counter() - started, 1)}
    print(f"masking-reviewer {meta['reviewer_commit']}, {meta['date']}, {meta['seconds']} s\n")
    for r in runs:
        if r.status != "ok":
            print(f"{r.project}: {r.status}")
    reported = groups(runs)
    all_figures = [figures(g, runs) for g in reported]
    print("\n" + figures_table(all_figures))
    for group in reported:
        rows = [j for r in runs if _in(group, r) for j in r.judged]
        if rows:
            print("\n" + confusion_table(group, rows))
    shown = [s for s in SPLITS if s == "development" or args.show_heldout]
    for split in shown:
        rows = [j for r in runs if r.split == split for j in r.judged]
        found = mistakes(rows)
        print(f"\nMisclassified, {split} ({len(found)}):")
        print("\n".join(describe(kind, j) for kind, j in found) or "  none")
    if "held-out" not in shown:
        print("\n(held-out misclassifications are not shown: --show-heldout, only after tuning "
              "is frozen)")
    if not args.no_write:
        out = args.json or RESULTS / f"classifier-real-{dt.date.today().isoformat()}.json"
        doc = {**meta, "splits": [f.as_dict() for f in all_figures],
               "confusion": {g: {f"{a} -> {b}": n for (a, b), n in sorted(confusion(
                   [j for r in runs if _in(g, r) for j in r.judged]).items())}
                   for g in reported},
               "skipped": {r.project: r.status for r in runs if r.status != "ok"},
               "misclassified": {s: [asdict(j) | {"kind": k} for k, j in mistakes(
                   [j for r in runs if r.split == s for j in r.judged])] for s in shown}}
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps(doc, indent=2) + "\n", encoding="utf-8")
        print(f"\nresults: {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

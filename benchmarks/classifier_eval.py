"""Precision, recall and F1 of the classifier on the labelled corpus, against a naive baseline.

    python benchmarks/classifier_eval.py [fixtures/classifier_corpus.csv]

Prints Markdown: one table for the classifier, one for the baseline (exact substring matching
on secret|token|key|password|email|phone|name), then every name the classifier got wrong.

Honest history of the corpus, since the same person wrote it and the vocabulary: rows 2-435
were labelled before the classifier existed, so scores on them are in-sample. Rows 436-543 were
written afterwards as a held-out check and scored before any vocabulary change (credential
P 0.966 / R 0.757, all sensitive P 0.981 / R 0.722, F1 0.832); the misses then taught the
vocabulary datastore URLs, one-time codes, kek/dek and a few identifiers. Score a fresh,
untouched file to see real-world performance.
"""

from __future__ import annotations

import csv
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from reviewer.name_verdicts import classify
from reviewer.types import CATEGORIES
from reviewer.vocabulary import load_vocabulary

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "classifier_corpus.csv"
SENSITIVE = "all sensitive"

_BASELINE = re.compile(r"secret|token|key|password|email|phone|name")
_BASELINE_CATEGORY = {"secret": "credential", "token": "credential", "key": "credential",
                      "password": "credential", "email": "direct_identifier",
                      "phone": "direct_identifier", "name": "direct_identifier"}


@dataclass(frozen=True, slots=True)
class Row:
    name: str
    type: str
    expected: str


@dataclass(frozen=True, slots=True)
class Score:
    label: str
    tp: int
    fp: int
    fn: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def load(path: Path) -> list[Row]:
    with path.open(newline="", encoding="utf-8") as fh:
        return [Row(r["name"], r["type"], r["expected"]) for r in csv.DictReader(fh)]


def ours(row: Row) -> str:
    found = classify(row.name, row.type or None, VOCAB)
    return found.category if found else "none"


def baseline(row: Row) -> str:
    m = _BASELINE.search(row.name.lower())
    return _BASELINE_CATEGORY[m.group(0)] if m else "none"


def scores(rows: Sequence[Row], predicted: Sequence[str]) -> list[Score]:
    pairs = list(zip(rows, predicted, strict=True))
    out = []
    for cat in CATEGORIES:
        tp = sum(1 for r, p in pairs if r.expected == cat and p == cat)
        fp = sum(1 for r, p in pairs if r.expected != cat and p == cat)
        fn = sum(1 for r, p in pairs if r.expected == cat and p != cat)
        out.append(Score(cat, tp, fp, fn))
    # "sensitive": expected and predicted both non-none, whatever the category
    tp = sum(1 for r, p in pairs if r.expected != "none" and p != "none")
    fp = sum(1 for r, p in pairs if r.expected == "none" and p != "none")
    fn = sum(1 for r, p in pairs if r.expected != "none" and p == "none")
    out.append(Score(SENSITIVE, tp, fp, fn))
    return out


def table(title: str, rows: Sequence[Row], predict: Callable[[Row], str]) -> str:
    predicted = [predict(r) for r in rows]
    lines = [f"### {title}", "", "| category | precision | recall | F1 | TP | FP | FN |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for s in scores(rows, predicted):
        lines.append(f"| {s.label} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} "
                     f"| {s.tp} | {s.fp} | {s.fn} |")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    rows = load(Path(args[0]) if args else CORPUS)
    counts = {c: sum(1 for r in rows if r.expected == c) for c in (*CATEGORIES, "none")}
    print(f"Corpus: {len(rows)} columns; " + ", ".join(f"{c} {n}" for c, n in counts.items()))
    print()
    print(table("masking-reviewer classifier", rows, ours))
    print()
    print(table("naive baseline (substring secret|token|key|password|email|phone|name)",
                rows, baseline))
    print()
    wrong = [(r, ours(r)) for r in rows if ours(r) != r.expected]
    print(f"### Misclassified by the classifier ({len(wrong)})")
    print()
    print("| name | type | expected | predicted |")
    print("| --- | --- | --- | --- |")
    for r, p in wrong:
        print(f"| `{r.name}` | `{r.type}` | {r.expected} | {p} |")
    return 0


VOCAB = load_vocabulary()

if __name__ == "__main__":
    raise SystemExit(main())

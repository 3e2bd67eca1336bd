"""Precision and recall of the AI layer on hand-written PR stories.

    python benchmarks/ai_eval.py             # needs ANTHROPIC_API_KEY; else prints "skipped"
    python benchmarks/ai_eval.py --measure   # prompt size per case, offline

Each case in ``benchmarks/ai_cases/*.json`` is a PR: changed model hunks, the head columns
(``candidate: true`` for the ones the PR touched), the rules of labelled columns, which
labelled fields are similar to which candidate, deterministic findings, and the expected
answer: which candidates the model should flag and which warnings it should dismiss. The
cases mix credentials with unusual names (``signing_pem``, ``erp_passphrase``,
``sf_refresh``) with harmless look-alikes (``token_type``, ``key_prefix``, ``public_key``,
``password_changed_at``). Scores are for the AI layer alone, never the deterministic gate.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reviewer.ai import AiRequest, estimate_tokens, render_request, review_with_ai
from reviewer.ai.schema import tool_definition
from reviewer.constants import DEFAULT_MODEL
from reviewer.types import Column, Finding, Inventory, Rule, SimilarField

CASES = Path(__file__).resolve().parent / "ai_cases"
Key = tuple[str, str]


@dataclass(frozen=True, slots=True)
class Case:
    name: str
    request: AiRequest
    expected_flagged: frozenset[Key]
    expected_dismissed: frozenset[Key]


def _column(raw: dict[str, Any]) -> Column:
    return Column(
        table=raw["table"],
        column=raw["column"],
        class_name=raw.get("class_name"),
        attribute=raw["column"] if raw.get("class_name") else None,
        path=raw["path"],
        line=int(raw["line"]),
        type=raw.get("type"),
        nullable=bool(raw.get("nullable", True)),
        unique=bool(raw.get("unique", False)),
        primary_key=bool(raw.get("primary_key", False)),
        labels=tuple(raw.get("labels", ())),
    )


def load_case(path: Path) -> Case:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    columns = tuple(_column(c) for c in data["columns"])
    by_key = {c.key: c for c in columns}
    rules = {
        (r["table"], r["column"]): Rule(r["table"], r["column"], r["strategy"], r.get("value"))
        for r in data["rules"]
    }
    similar: list[tuple[Key, tuple[SimilarField, ...]]] = []
    for entry in data["similar"]:
        fields = []
        for table, column, score in entry["like"]:
            other = by_key[(table, column)]
            fields.append(
                SimilarField(
                    table=table,
                    column=column,
                    class_name=other.class_name,
                    attribute=other.attribute,
                    path=other.path,
                    line=other.line,
                    labels=other.labels,
                    rule=rules.get((table, column)),
                    score=float(score),
                )
            )
        similar.append(((entry["table"], entry["column"]), tuple(fields)))
    findings = tuple(
        Finding(
            code=f["code"],
            severity=f["severity"],
            message=f"{f['table']}.{f['column']}: heuristic finding",
            path=by_key[(f["table"], f["column"])].path,
            line=by_key[(f["table"], f["column"])].line,
            table=f["table"],
            column=f["column"],
        )
        for f in data["findings"]
    )
    request = AiRequest(
        hunks=tuple((h["path"], h["diff"]) for h in data["hunks"]),
        candidates=tuple(
            c for c, raw in zip(columns, data["columns"], strict=True) if raw.get("candidate")
        ),
        findings=findings,
        similar=tuple(similar),
        inventory=Inventory(columns=columns, files=tuple(h["path"] for h in data["hunks"])),
    )
    return Case(
        name=data["name"],
        request=request,
        expected_flagged=frozenset((t, c) for t, c in data["expected_flagged"]),
        expected_dismissed=frozenset((t, c) for t, c in data["expected_dismissed"]),
    )


def prompt_tokens(case: Case) -> int:
    """Estimated input tokens of the request: system + review prompt + tool schema."""
    rendered = render_request(case.request)
    return estimate_tokens(rendered.system + rendered.user + json.dumps(tool_definition()))


def _ratio(num: int, den: int) -> str:
    return f"{num / den:.2f}" if den else "n/a"


def measure(cases: Sequence[Case]) -> int:
    print("| case | candidates | hunks | est. input tokens |")
    print("| --- | --- | --- | --- |")
    for case in cases:
        r = case.request
        print(f"| {case.name} | {len(r.candidates)} | {len(r.hunks)} | {prompt_tokens(case)} |")
    return 0


def evaluate(cases: Sequence[Case], model: str, api_key: str) -> int:
    tp = fp = fn = dtp = dfp = dfn = 0
    cost = 0.0
    tokens = 0
    for case in cases:
        outcome = review_with_ai(case.request, model=model, api_key=api_key)
        # Columns with a deterministic error are already blocked, and review_with_ai skips
        # a repeat of their code: they are not the model's job, so they are not scored.
        covered = {
            (f.table or "", f.column or "") for f in case.request.findings if f.severity == "error"
        }
        expected = case.expected_flagged - covered
        flagged = {(f.table or "", f.column or "") for f in outcome.findings} - covered
        by_fp = {f.fingerprint: (f.table or "", f.column or "") for f in case.request.findings}
        dismissed = {by_fp[fp_] for fp_, _ in outcome.dismissals if fp_ in by_fp}
        tp += len(flagged & expected)
        fp += len(flagged - expected)
        fn += len(expected - flagged)
        dtp += len(dismissed & case.expected_dismissed)
        dfp += len(dismissed - case.expected_dismissed)
        dfn += len(case.expected_dismissed - dismissed)
        if outcome.usage is not None:
            cost += outcome.usage.cost_usd
            tokens += outcome.usage.input_tokens + outcome.usage.cache_read_tokens
        wrong = sorted(flagged ^ expected)
        print(f"- {case.name}: flagged {sorted(flagged)}; wrong {wrong}; notices {outcome.notices}")
    print(f"\nflags: precision {_ratio(tp, tp + fp)}, recall {_ratio(tp, tp + fn)}")
    print(f"dismissals: precision {_ratio(dtp, dtp + dfp)}, recall {_ratio(dtp, dtp + dfn)}")
    print(f"input tokens {tokens}, estimated cost ${cost:.4f} ({model})")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--measure", action="store_true", help="print prompt sizes, offline")
    parser.add_argument("--model", default=os.environ.get("MASKING_REVIEWER_MODEL", DEFAULT_MODEL))
    parser.add_argument("cases", nargs="*", type=Path, help="case files (default: all)")
    args = parser.parse_args(argv)
    paths = args.cases or sorted(CASES.glob("*.json"))
    cases = [load_case(p) for p in paths]
    if args.measure:
        return measure(cases)
    api_key = os.environ.get("ANTHROPIC_API_KEY")
    if not api_key:
        print("skipped: no ANTHROPIC_API_KEY")
        return 0
    return evaluate(cases, args.model, api_key)


if __name__ == "__main__":
    sys.exit(main())

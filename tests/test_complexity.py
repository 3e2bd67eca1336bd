"""Complexity, pinned by counting work rather than timing it.

An app where every model yields a finding (issue 10: one MR008 per model) made the gate
quadratic: each finding scanned every column for similar fields. These tests count what a
finding costs (name tokenisations, similarity scores) at two sizes; a quadratic path makes
the count per finding grow with the app and fails. The counts come from wrapping the
module's own functions, so any path that scores or indexes columns is counted.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from reviewer import similar
from reviewer.errors import UsageError
from reviewer.name_verdicts import ruled_out
from reviewer.review import Snapshot, check_findings, classify_inventory
from reviewer.similar import SimilarIndex
from reviewer.types import Column, Config, Inventory, Rule, RulesFile, SimilarField
from reviewer.vocabulary import load_vocabulary

PRIVATE = ("ColumnVisibility.PRIVATE",)
MASKED = ("ColumnVisibility.MASKED",)
PLAIN = ("status", "amount_cents", "currency", "description", "quantity", "is_active", "code",
         "title", "external_ref", "priority", "effective_on", "closed_at", "ratio", "region",
         "version_no")


def adoption_app(models: int) -> tuple[Inventory, RulesFile]:
    """Issue 10's app: an id, a NOT NULL PRIVATE client_secret masked with null, a MASKED
    e-mail and 15 plain columns per model."""
    columns: list[Column] = []
    rules: list[Rule] = []
    for n in range(models):
        cls, table = f"Model{n}Connection" if n % 3 == 0 else f"Model{n}", f"model_{n}"
        path = f"app/models/m{n // 10}.py"

        def add(name: str, type_: str, labels: tuple[str, ...] = (), *, nullable: bool = True,
                pk: bool = False, cls: str = cls, table: str = table, path: str = path) -> None:
            columns.append(Column(table, name, cls, name, path, len(columns) + 1, type_,
                                  nullable, False, pk, labels))

        add("id", "Integer", nullable=False, pk=True)
        add("client_secret", "String(255)", PRIVATE, nullable=False)
        add("email", "String(255)", MASKED)
        for name in PLAIN:
            add(name, "String(40)")
        rules += [Rule(table, "client_secret", "null"), Rule(table, "email", "fake_email")]
    return Inventory(columns=tuple(columns), mapped_classes=models), RulesFile(
        "masking_rules.json", tuple(rules))


@dataclass
class Counter:
    tokenised: int = 0  # core_tokens calls: indexing a column, or scoring a pair (twice)
    scored: int = 0  # similarity calls

    def per(self, n: int) -> tuple[float, float]:
        return self.tokenised / n, self.scored / n


@pytest.fixture
def counter(monkeypatch: pytest.MonkeyPatch) -> Iterator[Counter]:
    seen = Counter()

    def counting(fn: Callable[..., Any], attr: str) -> Callable[..., Any]:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            setattr(seen, attr, getattr(seen, attr) + 1)
            return fn(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(similar, "core_tokens", counting(similar.core_tokens, "tokenised"))
    monkeypatch.setattr(similar, "similarity", counting(similar.similarity, "scored"))
    yield seen


def _check(models: int) -> tuple[Snapshot, list[Any]]:
    vocab = load_vocabulary()
    inventory, rules = adoption_app(models)
    snap = Snapshot("memory", classify_inventory(inventory, vocab), rules, lambda: vocab)
    return snap, check_findings(snap, Config(root="."))


# Budgets per finding, far below what a scan of the inventory costs even at the small size.
# Indexing tokenises each labelled column once (2 per model here); a query scores at most
# `limit` per candidate group and per sibling suffix.
TOKENISED_PER_FINDING = 12
SCORED_PER_FINDING = 8


def test_each_weak_strategy_finding_costs_the_same_at_any_size(counter: Counter) -> None:
    costs = {}
    for models in (60, 480):
        counter.tokenised = counter.scored = 0
        _, findings = _check(models)
        assert [f.code for f in findings] == ["MR008"] * models
        # the finding carries its suggested rule: the enrichment did run
        assert {(f.rule.strategy if f.rule else None) for f in findings} == {"static"}
        costs[models] = counter.per(len(findings))
    small, large = costs[60], costs[480]
    assert large[0] <= TOKENISED_PER_FINDING and large[1] <= SCORED_PER_FINDING, costs
    assert large[0] <= small[0] * 1.1 and large[1] <= small[1] * 1.1, costs


def test_the_count_catches_a_scan_per_finding(counter: Counter) -> None:
    """The measure itself: the pre-index path (a scan of every column per finding) fails it."""
    inventory, rules = adoption_app(60)
    by_key = rules.by_key()
    targets = [c for c in inventory.columns if c.column == "client_secret"]
    for target in targets:
        _full_scan(target, inventory, by_key, 3)
    tokenised, scored = counter.per(len(targets))
    assert tokenised > TOKENISED_PER_FINDING and scored > SCORED_PER_FINDING


def test_bare_findings_never_touch_the_similarity_index(counter: Counter) -> None:
    """The base side of a diff only needs fingerprints: no similar fields, no suggestions."""
    vocab = load_vocabulary()
    inventory, rules = adoption_app(50)
    snap = Snapshot("base", classify_inventory(inventory, vocab), rules, lambda: vocab)
    findings = check_findings(snap, Config(root="."), bare=True)
    assert len(findings) == 50 and all(f.rule is None for f in findings)
    assert (counter.tokenised, counter.scored) == (0, 0)


def test_a_suggestion_is_worked_out_once_per_column(counter: Counter) -> None:
    snap, _ = _check(30)
    before = (counter.tokenised, counter.scored)
    column = snap.inventory.by_key()[("model_7", "client_secret")]
    assert snap.suggestion(column) == snap.suggestion(column)
    assert (counter.tokenised, counter.scored) == before  # answered from the memo


# --- the index answers exactly what a full scan answers ----------------------------------

TOKENS = ("client", "secret", "token", "api", "key", "email", "id", "refresh", "hash",
          "count", "name", "phone", "status")
PREFIXES = ("", "", "", "sf_", "netsuite_", "okta_")
CLASSES = ("SalesforceConnection", "NetSuiteConnection", "OktaApp", "Partner", "User",
           "BillingAccount", "HubSpotConnection", "Invoice", None)
TYPES = ("String(255)", "Text", "Integer", "Boolean", None, "EncryptedType(String)", "JSONB")


def _random_inventory(rng: random.Random, size: int) -> tuple[Inventory, RulesFile]:
    columns: list[Column] = []
    rules: list[Rule] = []
    seen: set[tuple[str, str]] = set()
    while len(columns) < size:
        cls = rng.choice(CLASSES)
        table = (cls or "core_table").lower() + rng.choice(("", "s", "_v2"))
        name = rng.choice(PREFIXES) + "_".join(rng.sample(TOKENS, rng.randint(1, 3)))
        if (table, name) in seen:
            continue
        seen.add((table, name))
        labels = rng.choice(((), (), PRIVATE, MASKED))
        columns.append(Column(table, name, cls, name if cls else None, "m.py", len(columns) + 1,
                              rng.choice(TYPES), rng.random() < 0.5, False, rng.random() < 0.05,
                              labels))
        if rng.random() < 0.4:
            rules.append(Rule(table, name, rng.choice(("null", "hash", "fake_email"))))
    return Inventory(columns=tuple(columns)), RulesFile("r.json", tuple(rules))


def _full_scan(target: Column, inventory: Inventory, by_key: Any, limit: int,
               ) -> tuple[SimilarField, ...]:
    """The scan the index replaced, kept as the reference it must agree with."""
    vocab = load_vocabulary()
    if target.primary_key or ruled_out(target.column, vocab):
        return ()
    scored = []
    links = similar.links_of(inventory)
    for col in inventory.columns:
        rule = by_key.get(col.key)
        if col.key == target.key or (not col.labels and (rule is None or rule.strategy == "keep")):
            continue
        score = similar.similarity(target, col, vocab, links=links)
        if score > 0:
            scored.append((score, col))
    scored.sort(key=lambda sc: (-sc[0], sc[1].qualname, sc[1].table))
    return tuple(
        SimilarField(c.table, c.column, c.class_name, c.attribute, c.path, c.line, c.labels,
                     by_key.get(c.key), s)
        for s, c in scored[:max(limit, 0)]
    )


@pytest.mark.parametrize("seed", [pytest.param(s, id=f"seed {s}") for s in range(6)])
def test_index_agrees_with_a_full_scan(seed: int) -> None:
    rng = random.Random(seed)
    inventory, rules = _random_inventory(rng, 160)
    index = SimilarIndex(inventory, rules)
    by_key = rules.by_key()
    compared = 0
    for target in inventory.columns:
        for limit in (1, 3, 5):
            expected = _full_scan(target, inventory, by_key, limit)
            assert index.query(target, limit=limit) == expected, (target, limit)
            compared += bool(expected)
    assert compared > 100  # the random app has plenty of look-alikes to rank


# --- baselines: thousands of entries, positions only for an error -----------------------


def _baseline_text(entries: int, bad: int | None = None) -> str:
    import json

    rows: list[dict[str, object]] = [
        {"fingerprint": f"{n:016x}", "code": "MR001", "path": "app/models.py",
         "table": f"t{n}", "column": "secret", "message": f"T{n}.secret has no rule."}
        for n in range(entries)
    ]
    if bad is not None:
        rows[bad]["code"] = "MR007"
    return json.dumps({"version": 1, "entries": rows}, indent=2) + "\n"


def test_a_valid_baseline_is_read_without_positions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Positions cost a pure-Python decode of the whole file (and were once a line count per
    entry, 20 s for 16,000 entries): a valid baseline never asks for them."""
    from reviewer import baseline, json_positions
    from reviewer.baseline import load_baseline
    from reviewer.sources import MemoryTree

    calls = []
    real = json_positions.decode_with_positions
    monkeypatch.setattr(json_positions, "decode_with_positions",
                        lambda text: calls.append(1) or real(text))
    # nor the depth check, a Python scan of every token: a valid baseline is 3 levels deep
    depth_checked = []
    real_depth = baseline.too_deep
    monkeypatch.setattr(baseline, "too_deep",
                        lambda *a, **k: depth_checked.append(1) or real_depth(*a, **k))
    tree = MemoryTree({"b.json": _baseline_text(16_000)})
    assert len(load_baseline(tree, "b.json").entries) == 16_000
    assert (calls, depth_checked) == ([], [])
    # a bad entry is still reported on its own line: 3 lines of header, then 8 per entry
    tree = MemoryTree({"b.json": _baseline_text(300, bad=299)})
    with pytest.raises(UsageError, match=r"entry 300: MR007 findings cannot be baselined") as e:
        load_baseline(tree, "b.json")
    assert (e.value.path, e.value.line, calls) == ("b.json", 4 + 8 * 299, [1])


"""Orchestration: files -> inventory -> findings -> Review.

``run_check`` judges one snapshot: every check in ``reviewer.checks`` that reads a whole
snapshot. ``run_diff`` judges what a change did: it builds the inventory of the base and of the
head, runs the same checks on the head, adds what the checks with a ``change`` part say about
the columns the change added or changed (MR003, MR004, MR009), anchors every finding to a line
of the parsed diff and marks which ones the change introduced. ``reviewer.gate`` then says
which are reported and which block.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from reviewer import gate
from reviewer.cache import digest_key, files_fingerprint
from reviewer.checks import CHECKS
from reviewer.checks.base import label_words
from reviewer.codes import CODES
from reviewer.inventory import Refinement, build_inventory
from reviewer.rules import load_rules
from reviewer.selection import code_files
from reviewer.sources import GitTree, SourceTree, WorktreeTree
from reviewer.types import (
    AiUsage,
    Change,
    Classification,
    Column,
    Config,
    Finding,
    Inventory,
    Review,
    Rule,
    RulesFile,
    Side,
    SimilarField,
)

if TYPE_CHECKING:
    from reviewer.gitdiff import DiffIndex
    from reviewer.similar import SimilarIndex
    from reviewer.vocabulary import Vocabulary

# The classifier, the vocabulary and the similarity index are imported where they are first
# used: a warm check whose classified inventory comes from the cache and that has nothing to
# suggest needs none of them (~6 ms of start-up).


@dataclass(frozen=True, slots=True)
class Snapshot:
    """One side of a review: what the models declare and what the rules say."""

    tree_label: str
    inventory: Inventory  # columns carry category/confidence from the classifier
    rules: RulesFile
    # The vocabulary, loaded on first use: with the classified inventory cached, a warm check
    # with nothing to suggest never needs it (reading it is ~6 ms of vocabulary.toml).
    load_vocab: Callable[[], Vocabulary]
    # Built on first use and kept: the similarity index, and each column's suggestion. The
    # base side of a diff never asks, so it never pays for them.
    _index: list[SimilarIndex] = field(
        default_factory=list, init=False, compare=False, hash=False, repr=False
    )
    _suggestions: dict[Column, tuple[tuple[SimilarField, ...], Rule]] = field(
        default_factory=dict, init=False, compare=False, hash=False, repr=False
    )

    def classification(self, column: Column) -> Classification | None:
        if column.category is None or column.confidence is None:
            return None
        # The evidence travels with the column, so messages can quote it ("name token
        # 'code', sibling 'expires_at', unique").
        return Classification(column.category, column.confidence, column.evidence or "")

    @property
    def vocab(self) -> Vocabulary:
        return self.load_vocab()

    def similar_index(self) -> SimilarIndex:
        if not self._index:
            from reviewer.similar import SimilarIndex

            self._index.append(SimilarIndex(self.inventory, self.rules, self.vocab))
        return self._index[0]

    def suggestion(self, column: Column) -> tuple[tuple[SimilarField, ...], Rule]:
        """The similar fields that inform a column's rule, and the rule they suggest; worked
        out once per column, whoever asks (a check, the diff review, the AI layer)."""
        found = self._suggestions.get(column)
        if found is None:
            from reviewer.similar import suggest_rule

            similar = self.similar_index().query(column)
            found = self._suggestions[column] = (
                similar, suggest_rule(column, self.classification(column), similar))
        return found

    def suggest(self, column: Column) -> Rule:
        return self.suggestion(column)[1]


def snapshot(
    tree: SourceTree,
    config: Config,
    *,
    rules_tree: SourceTree | None = None,
    use_cache: bool = True,
    paths: Sequence[str] | None = None,
) -> Snapshot:
    vocab = partial(_load_vocabulary, config)
    inventory = build_inventory(tree, config, use_cache=use_cache, paths=paths,
                                refine=classification(config, vocab))
    rules = load_rules(rules_tree or tree, config.rules)
    return Snapshot(tree.label, inventory, rules, vocab)


def _load_vocabulary(config: Config) -> Vocabulary:
    from reviewer.vocabulary import load_vocabulary

    return load_vocabulary(config)  # memoised by the config's names


# What decides a verdict besides the inventory: the classifier's code, every module of ours it
# imports (tests/test_classified_cache.py fails when it imports one not listed here), and the
# shipped words. The config's words and the interpreter go into the key beside them.
CLASSIFIER_INPUTS = (
    "classifier.py", "name_verdicts.py", "table_context.py", "vocabulary.py", "code_verdicts.py",
    "types.py", "cache.py", "vocabulary.toml", "review.py",
    # the keys the code keeps in blobs, how it makes and checks values, and what it reads
    "blob_keys.py", "value_sources.py", "value_exports.py", "value_text.py",
    "declared_secrets.py", "column_uses.py", "selection.py", "declared_keys.py",
    "files.py", "constants.py", "sources.py",
    # the keys the code stores in key/value rows
    "row_keys.py",
)


def classification(config: Config, vocab: Callable[[], Vocabulary]) -> Refinement:
    """The classifier as a refinement of the inventory, cached beside it: a warm run then
    decodes the classified columns instead of judging ~10,000 of them again."""
    code = files_fingerprint(CLASSIFIER_INPUTS)
    key = None if code is None else digest_key(
        "classified", code, sys.version,
        json.dumps([config.sensitive_names, config.ignore_names]))
    return Refinement(key, lambda inventory, tree, cached: classify_inventory(
        inventory, vocab(), tree, use_cache=cached), reads=code_files)


def classify_inventory(inventory: Inventory, vocab: Vocabulary,
                       tree: SourceTree | None = None, *, use_cache: bool = False) -> Inventory:
    """Fill in every column's category, confidence and evidence (static and runtime modes);
    with the source ``tree``, also by the keys its code keeps in blob columns and in the rows
    of key/value tables (what each file holds cached by its content, with ``use_cache``)."""
    from reviewer.classifier import classify_columns
    from reviewer.code_verdicts import (
        keyed_blob,
        open_to_code,
        structured_blob,
        with_declarations,
        with_stored_keys,
        with_value_sources,
    )
    from reviewer.column_uses import CodeFiles, ColumnIndex
    from reviewer.row_keys import key_value_rows, row_keys

    columns = classify_columns(inventory.columns, vocab)
    if tree is None:
        return replace(inventory, columns=columns)
    # one pass over the code files for every reader: each file listed, identified and read
    # once, whatever each reader then makes of it
    files = CodeFiles(tree)
    blobs = [c for c in inventory.columns if keyed_blob(c, vocab)]
    if blobs:
        from reviewer.blob_keys import stored_keys

        found = stored_keys(files, blobs, inventory.columns,
                            unique_min_words=vocab.unique_attribute_min_words,
                            use_cache=use_cache)
        if found:
            columns = with_stored_keys(columns, found, vocab)
    structured = [c for c in inventory.columns if structured_blob(c, vocab)]
    if structured:
        from reviewer.declared_keys import declared_keys

        typed = declared_keys(files, structured, use_cache=use_cache)
        if typed:
            columns = with_stored_keys(columns, typed, vocab)
    # asked once, of one index: what value sources and row keys raise later is only ever
    # raised again, and both readers tie a use to a column alike
    valued = ColumnIndex([c for c in columns if open_to_code(c, vocab)], inventory.columns,
                         vocab.unique_attribute_min_words)
    if valued.asked and vocab.values is not None:
        from reviewer.value_sources import value_sources

        made = value_sources(files, valued, vocab.values, use_cache=use_cache)
        if made:
            columns = with_value_sources(columns, made, vocab)
    rows = key_value_rows(inventory.columns, vocab)
    if rows:
        stored = row_keys(files, rows, min_words=vocab.unique_attribute_min_words,
                          use_cache=use_cache)
        columns = with_stored_keys(columns, stored, vocab,
                                   {row.value: row.key_attr for row in rows})
    if valued.asked and vocab.declared is not None:
        from reviewer.declared_secrets import declared_secrets

        declared = declared_secrets(files, valued, vocab.declared, use_cache=use_cache)
        if declared:
            columns = with_declarations(columns, declared, vocab)
    return replace(inventory, columns=columns)


def enrich(snap: Snapshot, findings: Iterable[Finding]) -> list[Finding]:
    """Attach the exact entry to add (and the similar fields, for codes that show them), or
    the one to replace a weak entry with; what each code gets is said in ``reviewer.codes``.

    Detection yields bare findings; this runs once, on the side whose findings are shown.
    The base side of a diff is judged only for fingerprints and never enriched.
    """
    columns, rules = snap.inventory.by_key(), snap.rules.by_key()
    out: list[Finding] = []
    for f in findings:
        code = CODES[f.code]
        column = columns.get((f.table, f.column)) if f.table and f.column else None
        if column is None or code.rule_action not in ("add", "replace"):
            out.append(f)
            continue
        similar, better = snap.suggestion(column)
        if code.rule_action == "add":
            out.append(replace(f, rule=better, action="add",
                               similar=similar if code.shows_similar else f.similar))
            continue
        current = rules.get(column.key)
        changed = current is None or better.strategy != current.strategy
        out.append(replace(f, rule=better if changed else None,
                           action="replace" if changed else None))
    return out


def rules_unreadable(rules: RulesFile) -> bool:
    return bool(rules.errors) and not rules.rules


def check_findings(snap: Snapshot, config: Config, *, bare: bool = False) -> list[Finding]:
    """Every check that judges a whole snapshot (``reviewer.checks``); ``bare`` skips the
    suggested rules and similar fields (enough for fingerprints)."""
    findings = [f for check in CHECKS if check.snapshot is not None
                for f in check.snapshot(snap, config)]
    if rules_unreadable(snap.rules):
        # "there is no rule for X" is not true then, only unknown: the MR006 already blocks,
        # and thirty MR001s would bury it
        findings = [f for f in findings if not CODES[f.code].needs_rules]
    return findings if bare else enrich(snap, findings)


def run_check(
    root: str,
    config: Config,
    *,
    tree: SourceTree | None = None,
    rules_tree: SourceTree | None = None,
    use_cache: bool = True,
) -> Review:
    """The gate over the whole repository."""
    tree = tree or WorktreeTree(root)
    snap = snapshot(tree, config, rules_tree=rules_tree, use_cache=use_cache)
    findings = _apply_baseline(check_findings(snap, config), tree, config)
    head = tree.rev if isinstance(tree, GitTree) else None
    return _review(snap, config, findings, base=None, head=head)


def _review(
    snap: Snapshot,
    config: Config,
    findings: Sequence[Finding],
    *,
    base: str | None,
    head: str | None,
    changes: tuple[Change, ...] = (),
    notices: tuple[str, ...] = (),
    files_skipped: tuple[tuple[str, str], ...] = (),
) -> Review:
    ordered = gate.stamp_blocks(sorted(gate.selected(findings, config), key=_order), config)
    # A partial review says so: files the scanner could not read are listed as skipped too.
    unreadable = tuple(dict.fromkeys(
        (e.path, "could not be read (MR007); its columns were not checked")
        for e in snap.inventory.errors
    ))
    files_skipped = (*unreadable, *files_skipped)
    labelled = sum(1 for c in snap.inventory.columns if c.labels)
    if snap.inventory.columns and not labelled:
        notices = (no_labels_notice(config), *notices)
    return Review(
        findings=ordered,
        blocking=any(f.blocks for f in ordered),
        rules_path=snap.rules.path,
        base=base,
        head=head,
        exemptions=gate.exemptions_in_force(snap.inventory, config),
        files_analysed=snap.inventory.files,
        files_skipped=files_skipped,
        notices=notices,
        columns_total=len(snap.inventory.columns),
        columns_labelled=labelled,
        rules_total=len(snap.rules.rules),
        changes=changes,
    )


def no_labels_notice(config: Config) -> str:
    """A tree where nothing carries a label is checked on classifier evidence alone: say so,
    and say which labels were looked for, since a mistyped ``labels`` setting looks the same."""
    looked = ", ".join(config.labels) or "(none configured)"
    return (f"no column carries a configured label (looked for: {looked}); only columns the "
            f"classifier is sure are credentials are checked. Label your sensitive columns, or "
            f"set `labels` in [tool.masking-reviewer] (a label may also name a column type, "
            f"e.g. an encrypted type); `reviewer init` proposes rules")


_SEVERITY_ORDER = {"error": 0, "warning": 1, "note": 2}


def _order(f: Finding) -> tuple[object, ...]:
    return (not f.introduced, _SEVERITY_ORDER[f.severity], f.path, f.line, f.code, f.table or "",
            f.column or "")


def _apply_baseline(
    findings: Sequence[Finding], tree: SourceTree, config: Config
) -> list[Finding]:
    if not config.baseline:
        return list(findings)
    from reviewer.baseline import apply_baseline, load_baseline

    return list(apply_baseline(findings, load_baseline(tree, config.baseline)))


# --- diff review -----------------------------------------------------------------------------


def _changed_columns(base: Inventory, head: Inventory) -> tuple[list[Column], list[Column]]:
    """(added, changed) head columns; 'changed' means its declaration says something new."""
    before = base.by_key()
    added: list[Column] = []
    changed: list[Column] = []
    for column in head.columns:
        old = before.get(column.key)
        if old is None:
            added.append(column)
        elif (old.labels, old.type, old.nullable, old.unique, old.exemption) != (
            column.labels,
            column.type,
            column.nullable,
            column.unique,
            column.exemption,
        ):
            changed.append(column)
    return added, changed


def diff_changes(base: Snapshot, head: Snapshot) -> tuple[Change, ...]:
    """A plain account of what the change did to coverage, for the summary and JSON."""
    out: list[Change] = []
    before, after = base.inventory.by_key(), head.inventory.by_key()
    for key, column in after.items():
        old = before.get(key)
        if old is None:
            out.append(Change("column-added", *key, column.path, column.line, column.qualname))
        if column.labels and (old is None or not old.labels):
            out.append(Change("column-labelled", *key, column.path, column.line,
                              label_words(column.labels)))
        if old is not None and old.labels and not column.labels:
            out.append(Change("column-unlabelled", *key, column.path, column.line))
    # A file that no longer parses has not dropped its columns; MR007 already says what broke.
    # Inherited columns (TenantModel.id) are declared elsewhere, so go by table.
    unreadable = {e.path for e in head.inventory.errors}
    hidden = {c.table for c in base.inventory.columns if c.path in unreadable}
    for key, old in before.items():
        if key not in after and old.table not in hidden:
            out.append(Change("column-removed", *key, old.path, old.line, old.qualname))
    rules_before, rules_after = base.rules.by_key(), head.rules.by_key()
    for key, rule in rules_after.items():
        prior = rules_before.get(key)
        if prior is None:
            out.append(Change("rule-added", *key, head.rules.path, rule.line, rule.strategy))
        elif prior.entry() != rule.entry():
            out.append(Change("rule-changed", *key, head.rules.path, rule.line,
                              f"{prior.strategy} → {rule.strategy}"))
    for key, rule in rules_before.items():
        if key not in rules_after:
            out.append(Change("rule-removed", *key, base.rules.path, rule.line, rule.strategy))
    return tuple(out)


def review_findings(
    base: Snapshot, head: Snapshot, config: Config
) -> Iterator[Finding]:
    """MR003 / MR004 / MR009 (each check with a ``change`` part) for the columns this change
    added or changed, column by column."""
    if rules_unreadable(head.rules):
        return
    added, changed = _changed_columns(base.inventory, head.inventory)
    judges = [check.change for check in CHECKS if check.change is not None]
    for column in [*added, *changed]:
        for judge in judges:
            yield from judge(head, column, config)


def _anchor(f: Finding, diff: DiffIndex, base: Snapshot, head: Snapshot) -> Finding:
    """Put the finding on a line of the diff, so that a review comment can sit on it.

    The head-side declaration when the change touched it; else, for what exists only at the
    base (a dropped or renamed column, a removed rule), the base-side line; else the rule's
    line in the rules file when the change touched that. A finding no hunk covers keeps its
    head-side position with ``in_hunk`` false.
    """
    if f.path and diff.in_hunk(f.path, f.line, f.side):
        return replace(f, in_hunk=True)
    key = (f.table, f.column) if f.table and f.column else None
    if key is not None:
        for where in _alternatives(f, key, diff, base, head):
            path, line, side = where
            if diff.in_hunk(path, line, side):
                moved = replace(f, path=path, line=line, side=side, in_hunk=True)
                old = base.inventory.by_key().get(key)
                if f.code == "MR002" and old is not None and path == old.path:
                    moved = replace(moved, class_name=old.class_name, attribute=old.attribute)
                return moved
    return replace(f, in_hunk=False)


def _alternatives(
    f: Finding, key: tuple[str, str], diff: DiffIndex, base: Snapshot, head: Snapshot
) -> Iterator[tuple[str, int, Side]]:
    """Other lines the finding could be told on, best first."""
    old = base.inventory.by_key().get(key)
    if f.code == "MR002" and old is not None:
        yield old.path, old.line, "LEFT"  # the column this rule was written for
    new_rule = head.rules.by_key().get(key)
    if new_rule is not None and new_rule.line:
        yield head.rules.path, new_rule.line, "RIGHT"
    old_rule = base.rules.by_key().get(key)
    if old_rule is not None and old_rule.line and new_rule is None:
        yield base.rules.path, old_rule.line, "LEFT"  # the rule this change removed


@dataclass(frozen=True, slots=True)
class AiOptions:
    """How the optional Claude layer runs for one review."""

    mode: str  # "auto" | "on" | "off"; auto means on when an API key is present
    model: str
    api_key: str | None
    base_url: str | None = None
    cache_dir: str | None = None

    @classmethod
    def from_env(
        cls, config: Config, *, mode: str | None, model: str | None, use_cache: bool = True
    ) -> AiOptions:
        """Flags beat config; the key and endpoint come from the environment, and verdicts
        are cached next to the scan cache."""
        from reviewer.cache import cache_dir
        from reviewer.constants import DEFAULT_MODEL

        return cls(
            mode=mode or config.ai,
            model=model or config.model or DEFAULT_MODEL,
            api_key=os.environ.get("ANTHROPIC_API_KEY") or None,
            base_url=os.environ.get("ANTHROPIC_BASE_URL") or None,
            cache_dir=str(cache_dir()) if use_cache else None,
        )


def run_diff(
    root: str,
    config: Config,
    *,
    base: str,
    head: str | None,
    use_cache: bool = True,
    ai: AiOptions | None = None,
) -> tuple[Review, DiffIndex]:
    """Review what ``head`` (a commit, or None for the working tree) changed since ``base``.

    ``base`` must already be the merge-base sha (``reviewer.gitdiff.resolve_base``).
    """
    from reviewer.gitdiff import read_diff

    diff = read_diff(root, base, head)
    base_tree = GitTree(root, base)
    head_tree: SourceTree = GitTree(root, head) if head else WorktreeTree(root)
    base_snap = snapshot(base_tree, config, use_cache=use_cache)
    head_snap = snapshot(head_tree, config, use_cache=use_cache)

    # A file the change only renamed still holds the same old gaps: compare under the new name.
    renames = diff.renames()
    before = {
        replace(f, path=renames.get(f.path, f.path)).fingerprint
        for f in check_findings(base_snap, config, bare=True)
    }
    findings = [*check_findings(head_snap, config),
                *enrich(head_snap, review_findings(base_snap, head_snap, config))]
    findings = [replace(f, introduced=f.fingerprint not in before) for f in findings]
    # Known debt is what the base recorded: a PR cannot baseline its own new gap away.
    findings = _apply_baseline(findings, base_tree, config)
    notices: tuple[str, ...] = ()
    usage = None
    if ai is not None and ai.mode != "off":
        findings, notices, usage = _with_ai(findings, diff, base_snap, head_snap, config, ai)
    anchored = [_anchor(f, diff, base_snap, head_snap) for f in findings]
    review = _review(
        head_snap,
        config,
        anchored,
        base=base,
        head=head_tree.rev if isinstance(head_tree, GitTree) else None,
        changes=diff_changes(base_snap, head_snap),
        files_skipped=_changed_but_not_models(diff, head_snap),
        notices=notices,
    )
    return replace(review, ai_usage=usage), diff


def _changed_but_not_models(diff: DiffIndex, head: Snapshot) -> tuple[tuple[str, str], ...]:
    """Changed Python files this review did not read, so nobody mistakes silence for a pass."""
    models = set(head.inventory.files)
    return tuple(
        (f.new_path, "changed, but not a model file (see `models` in the configuration)")
        for f in diff.files
        if f.new_path and f.new_path.endswith(".py") and f.new_path not in models
        and f.status != "deleted"
    )


def _with_ai(
    findings: list[Finding],
    diff: DiffIndex,
    base: Snapshot,
    head: Snapshot,
    config: Config,
    ai: AiOptions,
) -> tuple[list[Finding], tuple[str, ...], AiUsage | None]:
    """Ask Claude about the touched columns. It may add warnings and dismiss warnings only."""
    if not ai.api_key:
        why = "AI review skipped: no API key (set ANTHROPIC_API_KEY)"
        return findings, ((why,) if ai.mode == "on" else ()), None
    from reviewer.extras import missing

    lacking = missing("ai", "The AI review")
    if lacking:
        return findings, (f"AI review skipped: {lacking}",), None
    from reviewer import ai as ai_layer

    if not ai_layer.should_call(diff.changed_paths(), head.inventory.files, head.rules.path):
        return findings, ("AI review skipped: no model file or rules file changed",), None
    added, changed = _changed_columns(base.inventory, head.inventory)
    candidates = tuple([*added, *changed])
    request = ai_layer.AiRequest(
        hunks=tuple((p, diff.hunk_text(p)) for p in sorted(diff.changed_paths())
                    if p in set(head.inventory.files)),
        candidates=candidates,
        findings=tuple(findings),
        similar=tuple((c.key, head.suggestion(c)[0]) for c in candidates),
        inventory=head.inventory,
    )
    budget, budget_notice = _ai_retry_budget()
    outcome = ai_layer.review_with_ai(
        request,
        model=ai.model,
        api_key=ai.api_key,
        base_url=ai.base_url,
        cache_dir=Path(ai.cache_dir) if ai.cache_dir else None,
        max_total_seconds=budget,
    )
    merged = merge_ai(findings, outcome.findings, outcome.dismissals)
    notices = [*budget_notice, *outcome.notices]
    if outcome.dropped:
        # Dropped items are either unknown/untouched columns or dismissals of findings the
        # AI may not clear (errors); one count covers both, so the wording must too.
        notices.append(f"AI review: {outcome.dropped} suggestion(s) dropped because they named "
                       f"no column this change touched or a finding the AI may not dismiss")
    return merged, tuple(notices), outcome.usage




def _ai_retry_budget() -> tuple[float, tuple[str, ...]]:
    """The total retry budget; the env var lets CI (and tests) give up sooner than 30 s."""
    import math
    import os

    from reviewer.constants import AI_RETRY_ENV, AI_RETRY_TOTAL_SECONDS

    raw = os.environ.get(AI_RETRY_ENV)
    if not raw:
        return AI_RETRY_TOTAL_SECONDS, ()
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not math.isfinite(seconds) or seconds <= 0:
        return AI_RETRY_TOTAL_SECONDS, (
            f"{AI_RETRY_ENV}={raw!r} is not a positive number of seconds; the AI review "
            f"used the default of {AI_RETRY_TOTAL_SECONDS:g} s",
        )
    return seconds, ()


def merge_ai(
    findings: Sequence[Finding], extra: Iterable[Finding], dismissals: Iterable[tuple[str, str]]
) -> list[Finding]:
    """Fold the AI layer's output in: it adds, it never removes or hides.

    A dismissal only attaches the AI's opinion (``dismissed``) to a heuristic warning, which
    is still shown, commented and counted: the AI read an untrusted diff, so it gets no lever
    to silence a finding. One comment per column: an AI finding on a column that already has
    one merges into it (its reason joins a heuristic warning's message) instead of adding a
    second comment.
    """
    dismissed = dict(dismissals)
    merged = [
        replace(f, dismissed=dismissed[f.fingerprint])
        if f.fingerprint in dismissed and f.severity == "warning" and f.source == "deterministic"
        else f
        for f in findings
    ]
    at: dict[tuple[str | None, str | None], int] = {}
    for i, f in enumerate(merged):
        if f.table is not None and f.column is not None:
            at.setdefault((f.table, f.column), i)
    for f in extra:
        where = at.get((f.table, f.column))
        if where is None:
            at[(f.table, f.column)] = len(merged)
            merged.append(replace(f, severity="warning", source="ai", introduced=True))
            continue
        present = merged[where]
        opinion = f.message[f.message.find(_AI_OPINION):] if _AI_OPINION in f.message else ""
        if present.severity == "warning" and present.source == "deterministic" and opinion:
            merged[where] = replace(present, message=f"{present.message} {opinion}")
    return merged


# How an AI finding's message quotes the model (reviewer.ai.validate): kept when it merges.
_AI_OPINION = "AI review ("

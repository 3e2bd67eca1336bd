"""``reviewer init``: from no configuration to a gate that passes, or says what needs a human.

It finds the model files and the table naming itself, writes the configuration (into
``[tool.masking-reviewer]`` of an existing ``pyproject.toml``, appended so the rest of the file
is untouched, else ``.masking-reviewer.toml``) and writes or extends the rules file with a rule
for every labelled column and every column the classifier is sure about, each with its
category's safe strategy. What it cannot decide it lists instead of guessing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import PurePosixPath

from reviewer.config import find_raw_config
from reviewer.constants import CONFIG_FILE
from reviewer.errors import UsageError
from reviewer.facts import FLASK_EXT_PACKAGES
from reviewer.files import decode, encode, read_in_repo, require_text, resolve_inside, write_in_repo
from reviewer.sources import SourceTree
from reviewer.types import Classification, Column, Config, Rule, TableNaming

PYPROJECT = "pyproject.toml"
DEFAULT_RULES = "masking_rules.json"
# An existing rules file under one of these names is extended rather than a second one made.
_RULES_CANDIDATES = (DEFAULT_RULES, "masking_rules.yaml", "masking_rules.yml")


@dataclass(frozen=True, slots=True)
class Proposed:
    """One rule ``init`` adds, and why."""

    rule: Rule
    why: str  # "labelled PRIVATE" / "credential (high confidence): name token `password`"


@dataclass(frozen=True, slots=True)
class InitPlan:
    config: Config
    config_path: str  # relative to the root
    config_old: str | None  # None: the file does not exist yet
    config_new: str
    rules_old: str | None
    rules_new: str
    added: tuple[Proposed, ...]
    undecided: tuple[str, ...]  # what a human must look at, one sentence each


def plan_init(root: str) -> InitPlan:
    """Everything ``init`` would write, computed without writing anything."""
    from reviewer.review import snapshot
    from reviewer.sources import WorktreeTree

    tree = WorktreeTree(root)
    existing, _, _ = find_raw_config(tree)
    if existing is not None:
        raise UsageError(
            "this repository is already configured; init changes nothing. Edit the "
            "configuration, or run `reviewer fix` to add missing rules",
            path=existing,
        )
    models = _model_globs(tree, root)
    naming, naming_note = _table_naming(tree, root, models)
    rules_path = next((p for p in _RULES_CANDIDATES if tree.read(p) is not None), DEFAULT_RULES)
    config = Config(root=root, models=models, table_naming=naming, rules=rules_path)
    # The three scans (selection, table naming, the plan) share one per-file facts cache,
    # so each model file is parsed once.
    snap = snapshot(tree, config, use_cache=True)
    undecided: list[str] = [naming_note] if naming_note else []
    undecided += [f"{e.path}:{e.line}: cannot be read: {e.message}"
                  for e in snap.inventory.errors]
    have = snap.rules.by_key()
    added: list[Proposed] = []
    for column in snap.inventory.columns:
        if column.key in have or column.exemption is not None:
            continue
        classification = snap.classification(column)
        if column.labels:
            why = "labelled " + " and ".join(lab.rsplit(".", 1)[-1] for lab in column.labels)
        elif classification is not None and classification.confidence == "high":
            evidence = f": {classification.reason}" if classification.reason else ""
            why = f"{classification.category.replace('_', ' ')} (high confidence){evidence}"
        else:
            # Low-confidence guesses would bury the real questions; `reviewer report` has them.
            if classification is not None and classification.confidence == "medium":
                undecided.append(_needs_human(column, classification.category,
                                              classification.confidence, rules_path))
            continue
        added.append(Proposed(_safe_rule(column, classification), why))
    from reviewer.rules_store import add_rules

    rules_old = _read_exact(root, rules_path)
    rules_new = add_rules(rules_old, [p.rule for p in added], path=rules_path)
    config_path, config_old, config_new = _config_text(tree, config)
    return InitPlan(config, config_path, config_old, config_new, rules_old, rules_new,
                    tuple(added), tuple(undecided))


def _safe_rule(column: Column, classification: Classification | None) -> Rule:
    from reviewer.policy import default_rule

    return replace(default_rule(column, classification), line=0)


def _needs_human(column: Column, category: str, confidence: str, rules_path: str) -> str:
    return (f"{column.path}:{column.line}: {column.qualname} may be a "
            f"{category.replace('_', ' ')} ({confidence} confidence): add a rule to "
            f"{rules_path}, label it, or list it in `ignore-names`")


def _model_globs(tree: SourceTree, root: str) -> tuple[str, ...]:
    from reviewer.inventory import build_inventory
    from reviewer.selection import select_model_files

    probe = Config(root=root)
    files = select_model_files(tree, probe)
    if not files:
        raise UsageError(
            "found no SQLAlchemy models (no Python file outside tests imports SQLAlchemy). "
            "Run init at the root of the repository that declares them"
        )
    # Only files that declare tables (or cannot be read) belong to `models`; a module that
    # merely creates the engine or `db` is read anyway when a model imports from it.
    inventory = build_inventory(tree, probe, use_cache=True)
    declaring = {c.path for c in inventory.columns} | {e.path for e in inventory.errors}
    chosen = [f for f in files if f in declaring] or files
    dirs = sorted({str(PurePosixPath(f).parent) for f in chosen})
    return tuple(f"{d}/*.py" if d != "." else "*.py" for d in dirs)


def _table_naming(
    tree: SourceTree, root: str, models: tuple[str, ...]
) -> tuple[TableNaming | None, str | None]:
    """Literal ``__tablename__`` everywhere needs no setting; Flask-SQLAlchemy's automatic names
    are recognised from its import; anything else is left for a human, not guessed."""
    from reviewer.inventory import build_inventory

    inventory = build_inventory(tree, Config(root=root, models=models), use_cache=True)
    if not any("table-naming" in e.message for e in inventory.errors):
        return None, None
    texts = (tree.read(f) or "" for f in tree.files() if f.endswith(".py"))
    if any("flask_sqlalchemy" in t or any(p in t for p in FLASK_EXT_PACKAGES) for t in texts):
        return "flask-sqlalchemy", None
    return None, ("some models have no literal __tablename__ and no Flask-SQLAlchemy naming "
                  "was found: set `table-naming` (\"snake_case\" or \"flask-sqlalchemy\") in "
                  "the configuration to match how your base class names tables")


def _config_text(tree: SourceTree, config: Config) -> tuple[str, str | None, str]:
    lines = ["models = [" + ", ".join(json.dumps(g) for g in config.models or ()) + "]",
             f"rules = {json.dumps(config.rules)}"]
    if config.table_naming:
        lines.append(f"table-naming = {json.dumps(config.table_naming)}")
    body = "\n".join(lines) + "\n"
    pyproject = _read_exact(config.root, PYPROJECT)
    if pyproject is None:
        return CONFIG_FILE, None, "# masking-reviewer: written by `reviewer init`\n" + body
    nl = "\r\n" if "\r\n" in pyproject else "\n"
    sep = "" if pyproject.endswith(("\n", "\r\n")) or not pyproject else nl
    table = f"{nl}[tool.masking-reviewer]{nl}" + body.replace("\n", nl)
    return PYPROJECT, pyproject, pyproject + sep + table


def _read_exact(root: str, rel: str) -> str | None:
    """The file as written, line endings included; inside the repository, or a usage error."""
    data = read_in_repo(root, rel)
    return None if data is None else require_text(decode(data), rel)


def apply_plan(root: str, plan: InitPlan) -> None:
    """Write the rules first: a config pointing at a rules file that is not there yet would
    leave the repository red if the second write failed."""
    for rel, text in ((plan.config.rules, plan.rules_new), (plan.config_path, plan.config_new)):
        real = resolve_inside(root, rel)
        real.parent.mkdir(parents=True, exist_ok=True)
        # The text already carries the file's own line endings; never through a symlink out.
        write_in_repo(root, rel, encode(text))


def render_plan(plan: InitPlan, *, dry_run: bool) -> str:
    verb = "would write" if dry_run else "wrote"
    out = [f"{verb} {plan.config_path}: [tool.masking-reviewer]"
           if plan.config_path == PYPROJECT else f"{verb} {plan.config_path}"]
    out.append(f"  models = {list(plan.config.models or ())}")
    if plan.config.table_naming:
        out.append(f"  table-naming = {plan.config.table_naming!r}")
    state = "extended" if plan.rules_old is not None else "created"
    if dry_run:
        state = "would extend" if plan.rules_old is not None else "would create"
    out.append(f"{state} {plan.config.rules}: {len(plan.added)} rule(s)")
    for p in plan.added:
        r = p.rule
        value = f" ({json.dumps(r.value)})" if r.value is not None else ""
        out.append(f"  {r.table}.{r.column} → {r.strategy}{value}   [{p.why}]")
    if plan.undecided:
        out.append(f"needs a human ({len(plan.undecided)}):")
        out += [f"  {u}" for u in plan.undecided]
    out.append("next: `reviewer check` (it passes, or lists exactly what is left), then commit "
               "the configuration and the rules file together")
    return "\n".join(out) + "\n"

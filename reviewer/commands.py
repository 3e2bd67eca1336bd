"""One handler per subcommand. Each returns the exit code; none of them decides findings."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from reviewer.config import load_config
from reviewer.constants import EXIT_FINDINGS, EXIT_OK
from reviewer.errors import UsageError
from reviewer.sources import WorktreeTree, is_git_repo, run_git
from reviewer.types import Config, Finding, Review


def repo_root(path: str) -> str:
    """An explicit ``--root`` is the project; by default, the git checkout we are in."""
    p = Path(path).resolve()
    if not p.is_dir():
        raise UsageError(f"not a directory: {path}")
    if path == "." and is_git_repo(p):
        return run_git(p, "rev-parse", "--show-toplevel").strip()
    return str(p)


def _setup(args: argparse.Namespace) -> tuple[str, Config]:
    root = repo_root(args.root)
    return root, _overrides(load_config(root, WorktreeTree(root), args.config), args)


def _overrides(config: Config, args: argparse.Namespace) -> Config:
    """Command-line ``--select``/``--ignore``/``--fail-on`` replace their config keys."""
    from reviewer.codes import parse_codes
    from reviewer.config import checked_selection

    changes: dict[str, object] = {}
    for key in ("select", "ignore"):
        raw = getattr(args, key, None)
        if raw is None:
            continue
        try:
            changes[key] = checked_selection(
                key, parse_codes(p for p in raw.split(",") if p.strip()))
        except ValueError as exc:
            raise UsageError(f"--{key}: {exc}") from None
    if getattr(args, "fail_on", None) is not None:
        changes["fail_on"] = args.fail_on
    return replace(config, **changes) if changes else config  # type: ignore[arg-type]


def _emit(text: str, args: argparse.Namespace) -> None:
    from reviewer.files import write_output
    from reviewer.logsafe import guard, write_trusted

    # Workflow commands are the point of `-f github`, built escaped by its formatter; any
    # other output may be pasted into a log, so no line of it may start one.
    trusted = getattr(args, "format", None) == "github"
    if getattr(args, "output", None):
        write_output(args.output, text if trusted else guard(text))
    elif trusted:
        write_trusted(text)
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def _render(review: Review, args: argparse.Namespace) -> str:
    from reviewer import __version__
    from reviewer.formatters import render

    mode = getattr(args, "color", "auto")
    if mode == "auto":
        color = not getattr(args, "output", None) and sys.stdout.isatty()
        color = color and "NO_COLOR" not in os.environ
    else:
        color = mode == "always"
    if args.format == "sarif":
        from reviewer.formatters.sarif import omitted_note

        note = omitted_note(review)
        if note:
            print(f"reviewer: {note}", file=sys.stderr)
    return render(review, args.format, color=color and args.format == "text",
                  quiet=getattr(args, "quiet", False), tool_version=__version__)


def _exit(review: Review, args: argparse.Namespace) -> int:
    if getattr(args, "exit_zero", False):
        return EXIT_OK
    return EXIT_FINDINGS if review.blocking else EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    from reviewer.review import run_check

    root, config = _setup(args)
    review = run_check(root, config, use_cache=not args.no_cache)
    _emit(_render(review, args), args)
    return _exit(review, args)


def cmd_scan(args: argparse.Namespace) -> int:
    from reviewer.formatters.scan import render_scan_json, render_scan_text
    from reviewer.gate import with_exemptions
    from reviewer.review import snapshot

    root, config = _setup(args)
    paths = [_relative(root, p) for p in args.paths] or None
    snap = snapshot(WorktreeTree(root), config, use_cache=not args.no_cache, paths=paths)
    inventory = with_exemptions(snap.inventory, config)
    render = render_scan_json if args.format == "json" else render_scan_text
    _emit(render(inventory, snap.rules), args)
    return EXIT_FINDINGS if inventory.errors else EXIT_OK


def _relative(root: str, path: str) -> str:
    p = Path(path).resolve()
    try:
        return p.relative_to(root).as_posix()
    except ValueError as exc:
        raise UsageError(f"{path} is outside the repository {root}") from exc


def cmd_diff(args: argparse.Namespace) -> int:
    from reviewer.ranges import pick_range, unreviewed_notice
    from reviewer.review import AiOptions, run_diff

    root, config = _setup(args)
    picked = pick_range(root, base=args.base, head=args.head, worktree=args.worktree,
                        staged=args.staged, pushed=args.pushed)
    ai = AiOptions.from_env(config, mode=args.ai, model=args.model, use_cache=not args.no_cache)
    review, _ = run_diff(root, config, base=picked.base, head=picked.head,
                         use_cache=not args.no_cache, ai=ai)
    notices = list(picked.notices)
    # Commits are what gets pushed and what CI sees, so they are what `diff` reviews; the
    # uncommitted work beside them is named, never silently ignored.
    if not (args.worktree or args.staged or args.pushed or args.head):
        left_out = unreviewed_notice(root, config, review.files_analysed, review.rules_path)
        if left_out:
            notices.append(left_out)
    if notices:
        review = replace(review, notices=(*review.notices, *notices))
    _emit(_render(review, args), args)
    return _exit(review, args)


def cmd_fix(args: argparse.Namespace) -> int:
    from reviewer.files import decode, encode, read_in_repo, require_text, write_in_repo
    from reviewer.fix import unified_diff
    from reviewer.review import run_check
    from reviewer.rules import EMPTY_RULES_FILE
    from reviewer.rules_store import edit_rules, parse_store
    from reviewer.sources import MemoryTree

    root, config = _setup(args)
    use_cache = not args.no_cache
    raw = read_in_repo(root, config.rules, what="rules file")
    # Bytes in, bytes out: line endings, a BOM and every byte not touched stay as written.
    old = None if raw is None else require_text(decode(raw), config.rules)
    if args.base:
        if old is None:
            raise UsageError(
                f"{config.rules} does not exist yet; run `reviewer fix` without --base first "
                "to create it with the rules the labelled columns need"
            )
        from reviewer.gitdiff import resolve_base
        from reviewer.review import run_diff

        review, _ = run_diff(root, config, base=resolve_base(root, args.base), head=None,
                             use_cache=use_cache)
    else:
        # No rules file yet: judge against an empty one, so every labelled column gets its rule.
        rules_tree = None if old is not None else MemoryTree(
            {config.rules: EMPTY_RULES_FILE}, label="working tree"
        )
        review = run_check(root, config, rules_tree=rules_tree, use_cache=use_cache)
    from reviewer.codes import CODES

    fixable = [f for f in review.findings if f.rule and CODES[f.code].fixable]
    add = [f.rule for f in fixable if f.rule and f.action == "add"]
    remove = [f.rule for f in fixable if f.rule and f.action == "remove"]
    new = edit_rules(old, add, remove, path=config.rules)
    fixed = {id(f) for f in fixable if f.action in ("add", "remove")}
    left = [f for f in review.findings
            if f.severity == "error" and not f.baselined and id(f) not in fixed]
    if new == (old or ""):
        print(f"{config.rules}: nothing to fix", file=sys.stderr)
        return _unfixed(left)
    if args.dry_run:
        sys.stdout.write(unified_diff(config.rules, old or "", new))
        return EXIT_OK
    write_in_repo(root, config.rules, encode(new), what="rules file")
    before = set(parse_store(old, config.rules).by_key()) if old else set()
    after = set(parse_store(new, config.rules).by_key())
    created = " (created it)" if old is None else ""
    print(f"{config.rules}: added {len(after - before)} rule(s), removed "
          f"{len(before - after)} stale rule(s){created}", file=sys.stderr)
    return _unfixed(left)


def _unfixed(findings: list[Finding]) -> int:
    """What ``fix`` cannot repair still blocks: say which, and exit 1 as ``check`` would."""
    if not findings:
        return EXIT_OK
    print(f"{len(findings)} blocking finding(s) need a fix by hand:", file=sys.stderr)
    for f in findings:
        print(f"  {f.path}:{f.line}: {f.code} {f.message}", file=sys.stderr)
    return EXIT_FINDINGS


def cmd_init(args: argparse.Namespace) -> int:
    from reviewer.init import apply_plan, plan_init, render_plan

    root = repo_root(args.root)
    plan = plan_init(root)
    if not args.dry_run:
        apply_plan(root, plan)
    sys.stdout.write(render_plan(plan, dry_run=args.dry_run))
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from reviewer.gate import with_exemptions
    from reviewer.manifest import build_manifest, render_manifest_json, render_manifest_markdown
    from reviewer.review import snapshot

    root, config = _setup(args)
    snap = snapshot(WorktreeTree(root), config, use_cache=not args.no_cache)
    manifest = build_manifest(with_exemptions(snap.inventory, config), snap.rules)
    if args.format == "json":
        _emit(render_manifest_json(manifest), args)
    else:
        _emit(render_manifest_markdown(manifest), args)
    return EXIT_OK


def cmd_baseline(args: argparse.Namespace) -> int:
    from reviewer.baseline import (
        BASELINE_FILE,
        dump_baseline,
        load_baseline,
        prune_baseline,
        write_baseline,
    )
    from reviewer.files import keep_style, read_in_repo, write_in_repo
    from reviewer.review import run_check

    root, config = _setup(args)
    target = config.baseline or BASELINE_FILE
    # Judge without the old baseline so every current gap is seen.
    review = run_check(root, replace(config, baseline=None), use_cache=not args.no_cache)
    old = read_in_repo(root, target, what="baseline file")
    if args.prune:
        current = load_baseline(WorktreeTree(root), target)
        kept = prune_baseline(current, review.findings)
        text = dump_baseline(kept)
        dropped = len(current.entries) - len(kept.entries)
        write_in_repo(root, target, keep_style(old, text), what="baseline file")
        print(f"{target}: pruned {dropped} fixed entr{'y' if dropped == 1 else 'ies'}, "
              f"{len(kept.entries)} left", file=sys.stderr)
        return EXIT_OK
    text = write_baseline(review.findings)
    write_in_repo(root, target, keep_style(old, text), what="baseline file")
    count = len(json.loads(text).get("entries", []))
    print(f"{target}: recorded {count} known gap(s). Set `baseline = \"{target}\"` in "
          f"[tool.masking-reviewer] so only new gaps block.", file=sys.stderr)
    return EXIT_OK


def cmd_github(args: argparse.Namespace) -> int:
    from reviewer.extras import missing

    lacking = missing("github", "reviewer github")
    if lacking:
        raise UsageError(lacking)
    from reviewer.github.command import run

    return run(args)


def cmd_explain(args: argparse.Namespace) -> int:
    from reviewer.codedocs import page_markdown, pages
    from reviewer.codes import lookup

    if args.code is None:
        sys.stdout.write(pages()["docs/codes/README.md"])
        return EXIT_OK
    code = lookup(args.code)
    if code is None:
        from reviewer.codes import CODES

        raise UsageError(f"unknown code {args.code!r}; known: {', '.join(CODES)} "
                         "(`reviewer explain` lists them)")
    sys.stdout.write(page_markdown(code))
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from reviewer.demo import run_demo

    return run_demo()


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "check": cmd_check,
    "scan": cmd_scan,
    "diff": cmd_diff,
    "fix": cmd_fix,
    "init": cmd_init,
    "report": cmd_report,
    "baseline": cmd_baseline,
    "github": cmd_github,
    "explain": cmd_explain,
    "demo": cmd_demo,
}


def dispatch(args: argparse.Namespace) -> int:
    return HANDLERS[args.command](args)

"""Command line: ``reviewer check|scan|diff|fix|init|report|baseline|github|explain|demo``.

Only argparse and the standard library are imported at start-up, so ``reviewer --help``
stays fast; each command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence

from reviewer import __version__
from reviewer.constants import DEFAULT_MODEL, EXIT_INTERNAL, EXIT_USAGE

FORMATS = ("text", "json", "sarif", "github", "markdown")

EPILOG = """\
exit codes: 0 nothing blocks, 1 findings block merging, 2 misuse / config / git error,
3 internal error (the gate fails closed).
"""


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-C", "--root", default=".", metavar="DIR",
                   help="the repository to review (default: the current directory)")
    p.add_argument("--config", metavar="FILE",
                   help="read settings from FILE, not .masking-reviewer.toml / pyproject.toml")
    p.add_argument("--no-cache", action="store_true",
                   help="do not read or write the per-file scan cache")


def _output(p: argparse.ArgumentParser, formats: Sequence[str] = FORMATS) -> None:
    p.add_argument("-f", "--format", choices=formats, default=formats[0],
                   help=f"output format (default: {formats[0]})")
    p.add_argument("-o", "--output", metavar="FILE", help="write the output to FILE, not stdout")


def _gate_options(p: argparse.ArgumentParser) -> None:
    """The conventions of ruff, semgrep and bandit; each flag has a matching config key."""
    p.add_argument("--select", metavar="CODES",
                   help="only report these codes or names, comma-separated, e.g. MR001,MR002 "
                        "(default: config `select`, else all; MR006 and MR007 are always kept)")
    p.add_argument("--ignore", metavar="CODES",
                   help="never report these codes or names, comma-separated "
                        "(default: config `ignore`)")
    p.add_argument("--fail-on", choices=("error", "warning", "never"),
                   help="which severities block (default: config `fail-on`, else error)")
    p.add_argument("--exit-zero", action="store_true",
                   help="exit 0 even when findings block (misuse and crashes still exit 2 and 3)")
    p.add_argument("-q", "--quiet", action="store_true",
                   help="text format: print the findings only, nothing when there are none")
    p.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the text format (default: auto, i.e. on a terminal unless "
                        "NO_COLOR is set)")


def _ai(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument("--ai", dest="ai", action="store_const", const="on",
                       help="ask Claude for judgement (needs ANTHROPIC_API_KEY and the `ai` extra)")
    group.add_argument("--no-ai", dest="ai", action="store_const", const="off",
                       help="never call the AI layer")
    p.add_argument("--model", help=f"Claude model for --ai (default: config `model`, else "
                                   f"{DEFAULT_MODEL})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Check that every sensitive SQLAlchemy column has a masking rule.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("check", help="the gate: every labelled column has a rule (exit 1 if not)",
                       epilog=EPILOG)
    _common(p)
    _output(p)
    _gate_options(p)

    p = sub.add_parser("scan", help="list the columns the models declare, as read statically")
    _common(p)
    _output(p, ("text", "json"))
    p.add_argument("paths", nargs="*", metavar="PATH", help="only these model files")

    p = sub.add_parser("diff", help="review what the current branch changed (before you push)",
                       epilog=EPILOG)
    _common(p)
    _output(p)
    _gate_options(p)
    p.add_argument("--base", metavar="REF",
                   help="compare against merge-base(REF, HEAD) (default: origin/main, "
                        "origin/master, main or master)")
    p.add_argument("--head", metavar="REF",
                   help="review this commit instead of HEAD (compared with merge-base(base, REF))")
    p.add_argument("--worktree", action="store_true",
                   help="review the working tree, uncommitted changes included, not HEAD")
    p.add_argument("--staged", action="store_true",
                   help="review what is staged for the next commit, against HEAD "
                        "(the commit-stage hook)")
    p.add_argument("--pushed", action="store_true",
                   help="review exactly the range being pushed, from pre-commit's "
                        "PRE_COMMIT_FROM_REF/PRE_COMMIT_TO_REF (the pre-push hook)")
    _ai(p)

    p = sub.add_parser("fix", help="add the missing rules to masking_rules.json, drop stale ones")
    _common(p)
    p.add_argument("--base", metavar="REF",
                   help="also add rules for unlabelled sensitive columns this branch introduced")
    p.add_argument("--dry-run", action="store_true", help="print a unified diff, write nothing")

    p = sub.add_parser("init", help="adopt on an existing codebase: write the configuration "
                       "and a rule for every column that needs one")
    p.add_argument("-C", "--root", default=".", metavar="DIR",
                   help="the repository to set up (default: the current directory)")
    p.add_argument("--dry-run", action="store_true",
                   help="print what would be written, write nothing")

    p = sub.add_parser("report", help="the masking manifest: what is masked, how, and what is not")
    _common(p)
    _output(p, ("markdown", "json"))

    p = sub.add_parser("baseline", help="record today's gaps as known debt so only new ones block")
    _common(p)
    p.add_argument("--prune", action="store_true", help="drop baseline entries that are fixed")

    p = sub.add_parser("github", help="run as the GitHub Action (reads the Actions environment; "
                                      "needs the `github` extra)")
    _common(p)
    _ai(p)
    p.add_argument("--fail-on", choices=("error", "warning", "never"),
                   help="which severities fail the check (default: the action input "
                        "`fail-on`, then config `fail-on`, else error)")
    p.add_argument("--no-comment", action="store_true", help="do not post review comments")
    p.add_argument("--sarif", metavar="FILE", help="also write SARIF to FILE")

    p = sub.add_parser("explain", help="print the documentation of a finding code")
    p.add_argument("code", nargs="?", metavar="CODE",
                   help="a code or name, e.g. MR001 or missing-rule (default: list every code)")

    sub.add_parser("demo", help="tell the story on the bundled sample app, in a temp git repo")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # A run is short, and what it builds (the inventory, the findings) is acyclic frozen
    # values that reference counting frees. The cyclic collector would only walk that heap
    # again and again: its full collections made a warm 5,000-model diff cost 2.8x a
    # 2,000-model one instead of 2.4x (BENCHMARKS.md). Paused for the run, restored for a
    # caller such as a test suite.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _main(argv)
    finally:
        if collecting:
            gc.enable()


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on misuse and 0 after --help
        return int(exc.code or 0)

    from reviewer.logsafe import guarded_streams

    # Every byte printed from here on reaches CI logs through one guard (reviewer.logsafe).
    with guarded_streams():
        return _run(args)


def _run(args: argparse.Namespace) -> int:
    from reviewer import commands
    from reviewer.errors import UsageError
    from reviewer.logsafe import one_line

    try:
        return commands.dispatch(args)
    except UsageError as exc:
        print(f"reviewer: error: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the gate must fail closed, never pass on a crash
        if os.environ.get("MASKING_REVIEWER_DEBUG"):
            raise
        print(
            f"reviewer: internal error: {type(exc).__name__}: {one_line(str(exc))}\n"
            "The gate fails closed. Re-run with MASKING_REVIEWER_DEBUG=1 for a traceback and "
            "report it.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL

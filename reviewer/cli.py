"""Command line: ``reviewer check|scan|diff|fix|report|baseline|github|demo``.

Only argparse and the standard library are imported at start-up, so ``reviewer --help``
stays fast; each command imports what it needs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from reviewer import __version__
from reviewer.constants import EXIT_USAGE


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reviewer",
        description="Check that every sensitive SQLAlchemy column has a masking rule.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("check", help="the gate: every labelled column has a rule (exit 1 if not)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on misuse, 0 on --help
        return int(exc.code or 0)
    print("reviewer: not implemented yet", file=sys.stderr)
    return EXIT_USAGE

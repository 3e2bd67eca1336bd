"""Where rules live: ``masking_rules.json`` or a YAML masking profile; the extension decides.

Every reader and writer of rules goes through here, so ``check``, ``fix`` and ``init`` treat
both stores alike and each keeps its own formatting.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath

from reviewer.types import Rule, RulesFile

YAML_SUFFIXES = (".yaml", ".yml")


def is_yaml(path: str) -> bool:
    return PurePosixPath(path).suffix.lower() in YAML_SUFFIXES


def parse_store(text: str, path: str) -> RulesFile:
    if is_yaml(path):
        from reviewer.rules_yaml import parse_yaml_rules

        return parse_yaml_rules(text, path)
    from reviewer.rules import parse_rules

    return parse_rules(text, path)


def edit_rules(
    text: str | None, add: Sequence[Rule], remove: Sequence[Rule], *, path: str
) -> str:
    """``text`` with ``add`` added and ``remove`` removed; ``None`` text creates the file."""
    if is_yaml(path):
        from reviewer.errors import UsageError
        from reviewer.rules_yaml import add_yaml_rules

        if remove:
            keys = ", ".join(f"{r.table}.{r.column}" for r in remove)
            raise UsageError(f"remove the stale rule(s) {keys} by hand: fix only adds rules to "
                             f"a YAML profile, so that its comments and layout stay yours",
                             path=path)
        return add_yaml_rules(text, add, path=path)
    from reviewer.fix import edit_rules_text

    return edit_rules_text(text, add, remove, path=path)


def add_rules(text: str | None, add: Sequence[Rule], *, path: str) -> str:
    return edit_rules(text, add, (), path=path)

"""Every check, one module each; the gate and the diff review run the ones listed here.

Adding a check is one module (its detection and its examples, ``reviewer.checks.base``) and
one line in ``CHECKS``; ``ARCHITECTURE.md`` says what else a new code needs.
"""

from __future__ import annotations

from reviewer.checks import (
    invalid_exemption,
    invalid_rules,
    label_mismatch,
    missing_rule,
    parse_error,
    quasi_identifier,
    stale_rule,
    unlabeled_sensitive,
    weak_strategy,
)
from reviewer.checks.base import Check

# In the order they run, which is the order their findings are listed before sorting (and
# the order the AI layer is shown them): what the gate cannot read first.
CHECKS: tuple[Check, ...] = (
    parse_error.CHECK,  # MR007
    invalid_rules.CHECK,  # MR006
    missing_rule.CHECK,  # MR001
    stale_rule.CHECK,  # MR002
    invalid_exemption.CHECK,  # MR005
    unlabeled_sensitive.CHECK,  # MR003
    weak_strategy.CHECK,  # MR008
    quasi_identifier.CHECK,  # MR009
    label_mismatch.CHECK,  # MR004
)

BY_CODE: dict[str, Check] = {c.code: c for c in CHECKS}

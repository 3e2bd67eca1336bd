"""What each code says about its findings lives on the code, not in lists around the tool."""

from __future__ import annotations

import pytest

from reviewer.baseline import NEVER_BASELINE
from reviewer.codes import CODES


def _codes(attribute: str) -> list[str]:
    return [c.code for c in CODES.values() if getattr(c, attribute)]


@pytest.mark.parametrize(
    ("attribute", "expected"),
    [
        # `reviewer fix` adds the rule these suggest, and removes stale ones
        pytest.param("fixable", ["MR001", "MR002", "MR003", "MR004"], id="fixable"),
        # "no rule for X" is only unknown while the rules file cannot be read
        pytest.param("needs_rules", ["MR001", "MR003", "MR004"], id="needs rules"),
        pytest.param("shows_similar", ["MR003", "MR004"], id="shows similar fields"),
        # a blind spot may never be recorded as debt: it would hide every later gap
        pytest.param("baselineable", ["MR001", "MR002", "MR003", "MR004", "MR005", "MR008",
                                      "MR009"], id="baselineable"),
    ],
)
def test_code_attributes(attribute: str, expected: list[str]) -> None:
    assert _codes(attribute) == expected


def test_the_baseline_rejects_exactly_the_codes_that_cannot_be_baselined() -> None:
    assert sorted(NEVER_BASELINE) == ["MR006", "MR007"]


@pytest.mark.parametrize(
    ("code", "scope"),
    [
        pytest.param("MR001", ("check", "diff"), id="a missing rule, anywhere"),
        pytest.param("MR004", ("diff",), id="label mismatch: only what a change touched"),
        pytest.param("MR009", ("diff",), id="quasi-identifier note: only a change"),
    ],
)
def test_scope(code: str, scope: tuple[str, ...]) -> None:
    assert CODES[code].scope == scope

"""The shape of the model's answer: one forced tool call, validated with pydantic.

The JSON schema sent to the API is generated from the same pydantic models that validate
the answer, so what we ask for and what we accept cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from reviewer.strategies import STRATEGIES
from reviewer.types import Category, Confidence

TOOL_NAME = "report_masking_review"
TOOL_DESCRIPTION = (
    "Report which candidate columns need a masking label and rule, and which heuristic "
    "warnings are false positives. Call exactly once."
)

# Literal types cannot be built from a runtime dict for mypy, so the enum is injected into
# the schema instead and checked again on validation.
_STRATEGY_NAMES = tuple(STRATEGIES)


class FlaggedColumn(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    table: str = Field(min_length=1, max_length=200)
    column: str = Field(min_length=1, max_length=200)
    category: Category
    confidence: Confidence
    reason: str = Field(max_length=4000)
    strategy: str = Field(json_schema_extra={"enum": list(_STRATEGY_NAMES)})


class Dismissal(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    fingerprint: str = Field(min_length=1, max_length=64)
    reason: str = Field(max_length=4000)


class Envelope(BaseModel):
    """The top level only; items are validated one by one so one bad item drops alone."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    flagged: list[dict[str, Any]] = Field(default_factory=list)
    dismissals: list[dict[str, Any]] = Field(default_factory=list)


class AnswerSchema(BaseModel):
    """Only used to publish the input schema of the tool."""

    flagged: list[FlaggedColumn]
    dismissals: list[Dismissal]


def tool_definition() -> dict[str, object]:
    return {
        "name": TOOL_NAME,
        "description": TOOL_DESCRIPTION,
        "input_schema": AnswerSchema.model_json_schema(),
    }


def strategy_known(name: str) -> bool:
    return name in STRATEGIES

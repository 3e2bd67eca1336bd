"""One batched call to the Anthropic Messages API, with one retry layer (tenacity).

The SDK's own retries are off (``max_retries=0``) so retries are not stacked, and the
whole exchange is bounded by a total time budget. ``anthropic`` is imported here only,
lazily, so ``import reviewer.ai`` stays cheap for runs that never call the model.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, cast

from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception,
    stop_before_delay,
)

from reviewer.constants import AI_MAX_TOKENS, AI_PRICE_PER_MTOK, AI_TIMEOUT_SECONDS
from reviewer.types import AiUsage

if TYPE_CHECKING:
    from anthropic.types import (
        Message,
        MessageParam,
        TextBlockParam,
        ToolChoiceToolParam,
        ToolParam,
    )

_BACKOFF_START = 0.5
_BACKOFF_MAX = 20.0
_RETRY_AFTER_MAX = 60.0
_MIN_ATTEMPT_SECONDS = 1.0
# A wrong ANTHROPIC_BASE_URL or a down API refuses at once: three quick tries (~1.5 s of
# backoff) tell a blip from an outage without making a local user wait.
_CONNECT_ATTEMPTS = 3


class AiCallError(Exception):
    """The call failed for good; ``str()`` is a short reason fit for a notice. ``usage`` is
    set when tokens were spent anyway (a truncated answer)."""

    def __init__(self, reason: str, usage: AiUsage | None = None) -> None:
        super().__init__(reason)
        self.usage = usage


TRUNCATED = (
    "the answer was cut off at the {limit}-token limit (stop_reason max_tokens), so it was "
    "not used"
)
MALFORMED = "the API sent a response that is not a valid Messages API answer"


@dataclass(frozen=True, slots=True)
class ModelAnswer:
    tool_input: object | None  # None: the model did not call the tool
    usage: AiUsage
    attempts: int


def _status(exc: BaseException) -> int | None:
    import anthropic

    if isinstance(exc, anthropic.APIStatusError):
        return exc.status_code
    return None


def _retryable(exc: BaseException) -> bool:
    import anthropic

    if isinstance(exc, anthropic.APIConnectionError):  # includes APITimeoutError
        return True
    status = _status(exc)
    return status is not None and (status == 429 or status >= 500)


def _refused(exc: BaseException | None) -> bool:
    """Nothing answered at all (refused, no route, bad host): not worth the whole budget."""
    import anthropic

    return isinstance(exc, anthropic.APIConnectionError) and not isinstance(
        exc, anthropic.APITimeoutError
    )


def _stop(max_total_seconds: float) -> Callable[[RetryCallState], bool]:
    by_time = stop_before_delay(max_total_seconds)

    def stop(state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome is not None else None
        if _refused(exc) and state.attempt_number >= _CONNECT_ATTEMPTS:
            return True
        return bool(by_time(state))

    return stop


def _retry_after(exc: BaseException | None) -> float | None:
    import anthropic

    if not isinstance(exc, anthropic.APIStatusError):
        return None
    value = exc.response.headers.get("retry-after")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        return None  # an HTTP date: rare from this API; fall back to backoff
    return min(max(seconds, 0.0), _RETRY_AFTER_MAX)


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome is not None else None
    hinted = _retry_after(exc)
    if hinted is not None:
        return hinted
    backoff = min(_BACKOFF_START * float(2 ** (state.attempt_number - 1)), _BACKOFF_MAX)
    return backoff * (0.5 + random.random() / 2)  # noqa: S311 - jitter, not security


def cost_usd(usage: AiUsage) -> float:
    p = AI_PRICE_PER_MTOK
    total = (
        usage.input_tokens * p["input"]
        + usage.output_tokens * p["output"]
        + usage.cache_read_tokens * p["cache_read"]
        + usage.cache_write_tokens * p["cache_write"]
    )
    return round(total / 1_000_000, 6)


def short_reason(exc: BaseException) -> str:
    import anthropic

    status = _status(exc)
    if isinstance(exc, anthropic.APITimeoutError):
        return "the API timed out"
    if isinstance(exc, anthropic.APIConnectionError):
        return "could not connect to the API"
    if status == 429:
        return "rate limited (HTTP 429)"
    if status == 529:
        return "the API is overloaded (HTTP 529)"
    if status is not None:
        return f"HTTP {status} from the API"
    return type(exc).__name__


def _usage(message: Message, model: str) -> AiUsage:
    u = message.usage
    usage = AiUsage(
        model=model,
        input_tokens=u.input_tokens,
        output_tokens=u.output_tokens,
        cache_read_tokens=u.cache_read_input_tokens or 0,
        cache_write_tokens=u.cache_creation_input_tokens or 0,
        calls=1,
    )
    return replace(usage, cost_usd=cost_usd(usage))


def call_model(
    *,
    system: str,
    user: str,
    tool: dict[str, object],
    model: str,
    api_key: str,
    base_url: str | None,
    max_total_seconds: float,
) -> ModelAnswer:
    """Send one forced tool call; raise AiCallError with a short reason on failure."""
    import anthropic

    client = anthropic.Anthropic(
        api_key=api_key,
        base_url=base_url,  # None lets the SDK read ANTHROPIC_BASE_URL
        max_retries=0,
        timeout=AI_TIMEOUT_SECONDS,
    )
    tool_name = str(tool["name"])
    deadline = time.monotonic() + max_total_seconds

    system_blocks: list[TextBlockParam] = [
        # Static, so the API can serve it from the prompt cache on every PR.
        {"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}
    ]
    tools: list[ToolParam] = [
        {
            "name": tool_name,
            "description": str(tool["description"]),
            "input_schema": cast("dict[str, object]", tool["input_schema"]),
        }
    ]
    messages: list[MessageParam] = [{"role": "user", "content": user}]
    choice: ToolChoiceToolParam = {"type": "tool", "name": tool_name}

    def _attempt() -> Message:
        # Each attempt gets only what is left of the budget, so a hung request cannot
        # stretch the whole exchange past max_total_seconds.
        remaining = max(deadline - time.monotonic(), _MIN_ATTEMPT_SECONDS)
        return client.messages.create(
            model=model,
            max_tokens=AI_MAX_TOKENS,
            system=system_blocks,
            messages=messages,
            tools=tools,
            tool_choice=choice,
            timeout=min(AI_TIMEOUT_SECONDS, remaining),
        )

    retrying = Retrying(
        retry=retry_if_exception(_retryable),
        wait=_wait,
        stop=_stop(max_total_seconds),
        reraise=True,
    )
    try:
        message: Message = retrying(_attempt)
        attempts = retrying.statistics.get("attempt_number", 1)
        # The body is the API's (or whatever answers at ANTHROPIC_BASE_URL): a shape the SDK
        # could not parse is a failed call, not a crash.
        usage = _usage(message, model)
        stop_reason = message.stop_reason
        blocks = [(b.type, getattr(b, "name", None), getattr(b, "input", None))
                  for b in message.content]
    except anthropic.AnthropicError as exc:
        raise AiCallError(short_reason(exc)) from exc
    except (ValueError, TypeError, AttributeError, KeyError) as exc:
        raise AiCallError(MALFORMED) from exc
    finally:
        client.close()
    if stop_reason == "max_tokens":
        # A cut-off tool call may still parse, minus the items that did not fit: using it
        # would silently drop findings, and caching it would repeat that on every push.
        raise AiCallError(TRUNCATED.format(limit=AI_MAX_TOKENS), usage)
    tool_input: object | None = None
    for kind, name, payload in blocks:
        if kind == "tool_use" and name == tool_name:
            tool_input = payload
            break
    return ModelAnswer(tool_input=tool_input, usage=usage, attempts=attempts)

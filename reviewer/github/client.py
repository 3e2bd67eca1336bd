"""PyGithub, with exactly one retry layer (tenacity) and tokens kept out of every message.

PyGithub's own urllib3 retry is switched off (``retry=None``): stacking two retry layers
multiplies waits and hides which one gave up.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import requests
from github import Auth, Github, GithubException
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_delay

from reviewer.constants import GITHUB_RETRY_TOTAL_SECONDS

T = TypeVar("T")

DEFAULT_API_URL = "https://api.github.com"
RETRY_TOTAL_ENV = "MASKING_REVIEWER_GITHUB_RETRY_TOTAL"
MAX_WAIT_ENV = "MASKING_REVIEWER_GITHUB_MAX_WAIT"
WRITE_INTERVAL_ENV = "MASKING_REVIEWER_GITHUB_WRITE_INTERVAL"


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """Bounds on retrying; tests shrink these through the environment or directly."""

    total_seconds: float = GITHUB_RETRY_TOTAL_SECONDS
    max_wait: float = 60.0  # cap on one wait, whatever Retry-After says
    # PyGithub's pacing of content-creating requests keeps us under the secondary limit
    write_interval: float = 1.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> RetryPolicy:
        def num(name: str, default: float) -> float:
            raw = environ.get(name)
            if raw is None or raw == "":
                return default
            try:
                return max(0.0, float(raw))
            except ValueError:
                return default

        return cls(
            total_seconds=num(RETRY_TOTAL_ENV, GITHUB_RETRY_TOTAL_SECONDS),
            max_wait=num(MAX_WAIT_ENV, 60.0),
            write_interval=num(WRITE_INTERVAL_ENV, 1.0),
        )


class GithubApiError(Exception):
    """A GitHub call that failed for good. The message never contains the token."""

    def __init__(self, message: str, status: int | None = None) -> None:
        self.status = status
        super().__init__(message)

    @property
    def permission_denied(self) -> bool:
        return self.status in (401, 403)


def connect(api_url: str, token: str, *, policy: RetryPolicy, per_page: int = 100) -> Github:
    return Github(
        base_url=api_url.rstrip("/") or DEFAULT_API_URL,
        auth=Auth.Token(token),
        retry=None,
        per_page=per_page,
        timeout=30,
        seconds_between_requests=None,
        seconds_between_writes=policy.write_interval or None,
    )


def _message(exc: GithubException) -> str:
    data = exc.data
    if isinstance(data, dict):
        return str(data.get("message") or "")
    return str(data or "")


def is_secondary_rate_limit(exc: BaseException) -> bool:
    return (
        isinstance(exc, GithubException)
        and exc.status == 403
        and "secondary rate limit" in _message(exc).lower()
    )


def is_retryable(exc: BaseException) -> bool:
    if isinstance(exc, (requests.ConnectionError, requests.Timeout)):
        return True
    if not isinstance(exc, GithubException):
        return False
    if exc.status >= 500 or exc.status == 429:
        return True
    if exc.status == 403:
        # only a rate limit is worth waiting for; a permission 403 will not change
        msg = _message(exc).lower()
        return "secondary rate limit" in msg or msg.startswith("api rate limit exceeded")
    return False


def server_wait(exc: BaseException, now: float | None = None) -> float | None:
    """Seconds the server asked us to wait, from Retry-After or x-ratelimit-reset."""
    if not isinstance(exc, GithubException):
        return None
    headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
    retry_after = headers.get("retry-after")
    if retry_after is not None:
        try:
            return max(0.0, float(retry_after))
        except ValueError:
            pass
    reset = headers.get("x-ratelimit-reset")
    if reset is not None and headers.get("x-ratelimit-remaining", "0") == "0":
        try:
            return max(0.0, float(reset) - (time.time() if now is None else now))
        except ValueError:
            pass
    return None


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    def wait(state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        asked = server_wait(exc) if exc else None
        backoff = min(2.0 ** (state.attempt_number - 1), 30.0)
        chosen = asked if asked is not None else backoff
        if is_secondary_rate_limit(exc or Exception()) and asked is None:
            chosen = max(chosen, 60.0)  # GitHub's advice when it gives no header
        elapsed = state.seconds_since_start or 0.0
        remaining = max(0.0, policy.total_seconds - elapsed)
        return min(chosen, policy.max_wait, remaining)

    return wait


def describe(exc: BaseException, token: str | None = None) -> str:
    """One line for a failed call, with the token scrubbed just in case a server echoed it."""
    if isinstance(exc, GithubException):
        text = f"HTTP {exc.status}: {_message(exc) or type(exc).__name__}"
        errors = exc.data.get("errors") if isinstance(exc.data, dict) else None
        if errors:
            text += f" ({'; '.join(map(str, errors))})"
    else:
        text = f"{type(exc).__name__}: {exc}"
    return redact(text, token)


def redact(text: str, token: str | None) -> str:
    if token:
        text = text.replace(token, "***")
    env_token = os.environ.get("GITHUB_TOKEN")
    if env_token:
        text = text.replace(env_token, "***")
    return text


def call(fn: Callable[[], T], policy: RetryPolicy, *, what: str, token: str | None = None) -> T:
    """Run one GitHub call with bounded retries; raise ``GithubApiError`` when it fails."""
    retrying = Retrying(
        retry=retry_if_exception(is_retryable),
        stop=stop_after_delay(policy.total_seconds),
        wait=_wait(policy),
        reraise=True,
    )
    try:
        return retrying(fn)
    except GithubException as exc:
        raise GithubApiError(f"{what}: {describe(exc, token)}", exc.status) from None
    except (requests.RequestException, OSError) as exc:
        raise GithubApiError(f"{what}: {describe(exc, token)}") from None


_NEXT_RE = re.compile(r'<([^>]+)>;\s*rel="next"')

JsonObject = dict[str, Any]


class Rest:
    """Plain REST calls through PyGithub's requester, each with ``call``'s bounded retries.

    PyGithub brings the authentication, the base URL, the pacing of writes and typed errors;
    the answers stay plain JSON. Its objects would fetch an item again whenever code reads a
    field the listing left out (``in_reply_to_id`` of a top-level comment, say): one GET per
    comment already on the pull request. Listings here carry everything we need, so a run
    costs a fixed number of requests plus one per extra page.
    """

    def __init__(self, gh: Github, policy: RetryPolicy, token: str | None) -> None:
        self.requester = gh.requester
        self.per_page = gh.per_page
        self.policy = policy
        self.token = token
        self.count = 0  # requests attempted, retries included (BENCHMARKS.md, tests)

    def raw(self, verb: str, url: str, *, body: Any = None,
            params: dict[str, Any] | None = None) -> tuple[Any, Any]:
        """One request, no retry, PyGithub's exceptions: (headers, JSON)."""
        self.count += 1
        return self.requester.requestJsonAndCheck(verb, url, parameters=params, input=body)

    def _do(self, verb: str, url: str, what: str, *, body: Any = None,
            params: dict[str, Any] | None = None) -> tuple[Any, Any]:
        return call(lambda: self.raw(verb, url, body=body, params=params), self.policy,
                    what=what, token=self.token)

    def get(self, url: str, what: str) -> Any:
        return self._do("GET", url, what)[1]

    def list(self, url: str, what: str) -> list[JsonObject]:
        """Every item of a listing, following ``Link: rel="next"`` page by page."""
        items: list[JsonObject] = []
        next_url: str | None = url
        params: dict[str, Any] | None = {"per_page": self.per_page}
        while next_url:
            headers, page = self._do("GET", next_url, what, params=params)
            items.extend(page or [])
            link = {k.lower(): v for k, v in (headers or {}).items()}.get("link", "")
            m = _NEXT_RE.search(link)
            next_url, params = (m.group(1), None) if m else (None, None)
        return items

    def write(self, verb: str, url: str, what: str, body: Any = None) -> Any:
        return self._do(verb, url, what, body=body)[1]


def create_idempotently(
    post: Callable[[], T], find: Callable[[], T | None], policy: RetryPolicy, *, what: str,
    token: str | None = None,
) -> T:
    """``call(post)``, except that after a failure that may still have taken effect on the
    server (a 5xx, a dropped connection, a timeout) it first looks for what the POST would
    have created, and returns that instead of posting twice. A 429 or a secondary rate
    limit means GitHub refused the request, so those are retried without looking."""
    state = {"ambiguous": False}

    def attempt() -> T:
        if state["ambiguous"]:
            found = find()
            if found is not None:
                return found
        try:
            return post()
        except GithubException as exc:
            state["ambiguous"] = exc.status >= 500
            raise
        except (requests.ConnectionError, requests.Timeout):
            state["ambiguous"] = True
            raise

    return call(attempt, policy, what=what, token=token)

"""The GitHub Actions environment and the ``pull_request`` event payload, as typed values."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from reviewer.constants import MAX_NESTING
from reviewer.errors import UsageError
from reviewer.files import decode, line_of, read_file, require_text, too_deep
from reviewer.github.client import DEFAULT_API_URL


@dataclass(frozen=True, slots=True)
class ActionsEnv:
    event_name: str | None
    event_path: str | None
    repository: str | None
    api_url: str
    token: str | None = field(repr=False)  # never in a repr, a log line or a traceback
    step_summary: str | None
    output: str | None
    workspace: str | None
    runner_temp: str | None
    inputs: tuple[tuple[str, str], ...] = ()  # INPUT_* variables, name lowercased

    def input(self, name: str) -> str | None:
        """An action input by its action.yml name (``fail-on``), None when unset or empty."""
        key = name.replace("-", "_").lower()
        for k, v in self.inputs:
            if k == key:
                return v.strip() or None
        return None


def read_env(environ: Mapping[str, str]) -> ActionsEnv:
    """``INPUT_GITHUB_TOKEN`` (the action's ``github-token`` input) wins over ``GITHUB_TOKEN``."""
    inputs = tuple(
        sorted(
            (k[len("INPUT_"):].replace("-", "_").lower(), v)
            for k, v in environ.items()
            if k.startswith("INPUT_")
        )
    )
    token = environ.get("INPUT_GITHUB_TOKEN") or environ.get("GITHUB_TOKEN") or None
    return ActionsEnv(
        event_name=environ.get("GITHUB_EVENT_NAME") or None,
        event_path=environ.get("GITHUB_EVENT_PATH") or None,
        repository=environ.get("GITHUB_REPOSITORY") or None,
        api_url=environ.get("GITHUB_API_URL") or DEFAULT_API_URL,
        token=token,
        step_summary=environ.get("GITHUB_STEP_SUMMARY") or None,
        output=environ.get("GITHUB_OUTPUT") or None,
        workspace=environ.get("GITHUB_WORKSPACE") or None,
        runner_temp=environ.get("RUNNER_TEMP") or None,
        inputs=inputs,
    )


@dataclass(frozen=True, slots=True)
class PullRequestEvent:
    number: int
    head_sha: str
    base_sha: str
    repository: str  # owner/name of the base repository, where comments go
    head_repository: str | None  # differs for pull requests from forks

    @property
    def from_fork(self) -> bool:
        return self.head_repository is not None and self.head_repository != self.repository


def _get(data: Any, *keys: str) -> Any:
    for key in keys:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def load_pull_request(path: str, fallback_repository: str | None = None) -> PullRequestEvent:
    """Parse ``$GITHUB_EVENT_PATH``; a malformed payload is a usage error naming the field."""
    # The runner's own file, but its content is the pull request's: read it like any other
    # hostile input (no FIFO hang, capped, UTF-8 checked, nesting bounded).
    raw = read_file(path, path)
    if raw is None:
        raise UsageError("cannot read the event payload: no such file", path=path)
    text = require_text(decode(raw), path)
    deep = too_deep(text, MAX_NESTING)
    if deep is not None:
        raise UsageError(f"event payload is not valid JSON: nested deeper than {MAX_NESTING} "
                         "levels", path=path, line=line_of(text, deep))
    try:
        data = json.loads(text.removeprefix("\ufeff"))
    except json.JSONDecodeError as exc:
        raise UsageError(f"event payload is not valid JSON: {exc.msg}", path=path,
                         line=exc.lineno) from None
    number = _get(data, "pull_request", "number") or _get(data, "number")
    head = _get(data, "pull_request", "head", "sha")
    base = _get(data, "pull_request", "base", "sha")
    repo = _get(data, "repository", "full_name") or _get(
        data, "pull_request", "base", "repo", "full_name") or fallback_repository
    for name, value in (("pull_request.number", number), ("pull_request.head.sha", head),
                        ("pull_request.base.sha", base), ("repository.full_name", repo)):
        if not value:
            raise UsageError(f"event payload has no {name}; is this a pull_request event?",
                             path=path)
    if not isinstance(number, int):
        raise UsageError("event payload: pull_request.number is not an integer", path=path)
    return PullRequestEvent(
        number=number,
        head_sha=str(head),
        base_sha=str(base),
        repository=str(repo),
        head_repository=_get(data, "pull_request", "head", "repo", "full_name"),
    )

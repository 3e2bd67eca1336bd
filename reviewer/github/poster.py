"""Post a ``Review`` to a pull request, idempotently, within a fixed request budget.

One run = at most one review (``event: COMMENT``, ``commit_id`` = the analysed head) plus one
summary issue comment edited in place. Every comment carries a hidden fingerprint marker, so a
re-run posts only what is new, deletes comments whose finding is gone (or marks them resolved
when someone replied), and never duplicates anything.

Requests go through ``client.Rest`` as plain JSON: a run costs about ten requests plus one per
extra page of a listing, however many comments the pull request already has (BENCHMARKS.md).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, TypeVar

from github import Github

from reviewer.constants import (
    MAX_COMMENT_CHARS,
    MAX_INLINE_COMMENTS,
    REVIEW_MARKER,
    SUMMARY_MARKER,
)
from reviewer.github import render
from reviewer.github.client import (
    GithubApiError,
    JsonObject,
    Rest,
    RetryPolicy,
    call,
    create_idempotently,
)
from reviewer.types import Finding, Review

T = TypeVar("T")

DEFAULT_BOT_LOGIN = "github-actions[bot]"
SummaryAction = Literal["created", "updated", "unchanged", "skipped"]


@dataclass(frozen=True, slots=True)
class PostResult:
    inline: int = 0  # inline comments created by this run
    in_body: int = 0  # findings written into the review body
    already_posted: int = 0  # findings skipped because a marker for them exists
    deleted: int = 0
    resolved: int = 0
    review_id: int | None = None
    summary: SummaryAction = "skipped"
    head_moved_to: str | None = None
    notices: tuple[str, ...] = ()
    requests: int = 0  # REST requests this run made, retries included


@dataclass(frozen=True, slots=True)
class Plan:
    inline: tuple[Finding, ...]
    in_body: tuple[Finding, ...]
    already_posted: int
    capped: bool
    fixed: tuple[JsonObject, ...]
    replied: frozenset[int] = field(default_factory=frozenset)


class _Writes:
    """Turns the first permission 403 on a write into a notice and stops further writes."""

    def __init__(self, policy: RetryPolicy, token: str | None) -> None:
        self.policy = policy
        self.token = token
        self.denied: str | None = None

    def __call__(self, fn: Callable[[], T], what: str,
                 find: Callable[[], T | None] | None = None) -> T | None:
        """Run one write; with ``find``, a retry first looks for what a failed try created."""
        if self.denied:
            return None
        try:
            if find is not None:
                return create_idempotently(fn, find, self.policy, what=what, token=self.token)
            return call(fn, self.policy, what=what, token=self.token)
        except GithubApiError as exc:
            if exc.permission_denied:
                self.denied = (
                    f"Inline comments were skipped: the token cannot write to this pull request "
                    f"({exc}). This is expected for pull requests from forks; the check result, "
                    "the annotations and the job summary still report every finding."
                )
                return None
            raise


def _login(item: Mapping[str, Any]) -> str | None:
    user = item.get("user")
    return user.get("login") if isinstance(user, dict) else None


def viewer_login(rest: Rest) -> str:
    """Whose comments are ours. GITHUB_TOKEN cannot read /user, and then it is the Actions bot."""
    try:
        user = rest.get("/user", "GET /user")
    except GithubApiError:
        return DEFAULT_BOT_LOGIN
    return str(user.get("login") or DEFAULT_BOT_LOGIN) if isinstance(user, dict) \
        else DEFAULT_BOT_LOGIN


def _ours(author: str | None, login: str) -> bool:
    return author is not None and author.lower() == login.lower()


def plan(
    review: Review,
    existing: Sequence[JsonObject],
    review_bodies: Sequence[str],
    login: str,
    *,
    cap: int = MAX_INLINE_COMMENTS,
) -> Plan:
    """Decide what to post and what to clean up, from what is already on the PR."""
    posted: dict[str, JsonObject] = {}
    for c in existing:
        if c.get("in_reply_to_id") is None and _ours(_login(c), login):
            for fp in render.FP_RE.findall(c.get("body") or ""):
                posted[fp] = c
    in_bodies = {fp for body in review_bodies for fp in render.FP_RE.findall(body)}
    current = {f.fingerprint for f in review.findings}

    # An AI dismissal is a note on the comment, never a reason to withhold it.
    wanted = list(review.new_findings)
    fresh = [f for f in wanted if f.fingerprint not in posted and f.fingerprint not in in_bodies]
    anchorable = [f for f in fresh if f.in_hunk and f.line >= 1]
    inline = anchorable[:cap]
    inline_fps = {f.fingerprint for f in inline}
    in_body = [f for f in fresh if f.fingerprint not in inline_fps]
    replied = frozenset(int(c["in_reply_to_id"]) for c in existing
                        if c.get("in_reply_to_id") is not None)
    fixed = tuple(c for fp, c in posted.items() if fp not in current)
    return Plan(
        inline=tuple(inline),
        in_body=tuple(in_body),
        already_posted=len(wanted) - len(fresh),
        capped=len(anchorable) > cap,
        fixed=fixed,
        replied=replied,
    )


def post_review(
    gh: Github,
    repo_name: str,
    number: int,
    review: Review,
    *,
    head_sha: str,
    base_sha: str,
    policy: RetryPolicy,
    token: str | None = None,
    extra_notices: Sequence[str] = (),
) -> PostResult:
    """Post ``review`` (analysed at ``head_sha``) to pull request ``number``.

    Raises ``GithubApiError`` when GitHub keeps failing after retries; a read-only token is
    not an error but a notice in the result.
    """
    rest = Rest(gh, policy, token)
    pull_url = f"/repos/{repo_name}/pulls/{number}"
    issue_url = f"/repos/{repo_name}/issues/{number}"

    pr = rest.get(pull_url, f"GET pull #{number}")
    now = _head(pr)
    if now != head_sha:
        return _moved(head_sha, now, rest.count)
    if pr.get("state") != "open":
        return PostResult(notices=(f"Nothing was posted: pull request #{number} is "
                                   f"{pr.get('state')}.",), requests=rest.count)
    login = viewer_login(rest)
    existing = rest.list(f"{pull_url}/comments", "list review comments")
    bodies = [r.get("body") or "" for r in rest.list(f"{pull_url}/reviews", "list reviews")
              if _ours(_login(r), login)]
    issue_comments = rest.list(f"{issue_url}/comments", "list issue comments")
    todo = plan(review, existing, bodies, login)

    # Analysis took time: if someone pushed meanwhile, our line numbers describe old code.
    now = _head(rest.get(pull_url, f"GET pull #{number}"))
    if now != head_sha:
        return _moved(head_sha, now, rest.count)

    writes = _Writes(policy, token)
    notices: list[str] = []
    review_id: int | None = None
    inline_done = 0
    body_done = 0
    if todo.inline or todo.in_body:
        review_id, inline_done, body_done, note = _create_review(
            rest, pull_url, review, todo, head_sha, base_sha, writes, login
        )
        if note:
            notices.append(note)

    deleted = resolved = 0
    for c in todo.fixed:
        fp = render.FP_RE.findall(c.get("body") or "")[0]
        url = f"/repos/{repo_name}/pulls/comments/{c['id']}"
        if c["id"] in todo.replied:
            body = render.resolved_body(c.get("body") or "", fp, head_sha)
            if writes(_write(rest, "PATCH", url, {"body": body}), f"PATCH comment {c['id']}"):
                resolved += 1
        elif writes(_write(rest, "DELETE", url), f"DELETE comment {c['id']}"):
            deleted += 1

    summary: SummaryAction = "skipped"
    if writes.denied is None:
        summary = _summary(
            rest, repo_name, issue_url, issue_comments, login, review, head_sha, base_sha,
            resolved=deleted + resolved, notices=[*extra_notices, *notices],
            wanted=bool(review.new_findings) or bool(todo.fixed), writes=writes,
        )
    if writes.denied:
        notices.append(writes.denied)
    return PostResult(
        inline=inline_done,
        in_body=body_done,
        already_posted=todo.already_posted,
        deleted=deleted,
        resolved=resolved,
        review_id=review_id,
        summary=summary,
        notices=tuple(notices),
        requests=rest.count,
    )


def _head(pr: Any) -> str:
    head = pr.get("head") if isinstance(pr, dict) else None
    return str(head.get("sha")) if isinstance(head, dict) else ""


def _write(rest: Rest, verb: str, url: str, body: Any = None) -> Callable[[], bool]:
    """One write attempt, for ``_Writes`` to retry; True once it succeeded."""
    def do() -> bool:
        rest.raw(verb, url, body=body)
        return True

    return do


def _moved(analysed: str, now: str, requests: int) -> PostResult:
    return PostResult(
        head_moved_to=now,
        notices=(
            f"Nothing was posted: the pull request head moved from {analysed[:12]} to "
            f"{now[:12]} while this run was analysing. The run for {now[:12]} will comment.",
        ),
        requests=requests,
    )


def _with_marker(body: str) -> tuple[str, str]:
    """The review body with a marker unique to this POST, and the marker."""
    marker = REVIEW_MARKER.format(token=uuid.uuid4().hex)
    return body[: MAX_COMMENT_CHARS - len(marker) - 1] + "\n" + marker, marker


def _post_review(rest: Rest, pull_url: str, writes: _Writes, login: str, payload: JsonObject,
                 what: str) -> JsonObject | None:
    """Create the review; a retry after an ambiguous failure first looks for it by marker."""
    body, marker = _with_marker(str(payload["body"]))
    payload = {**payload, "body": body}

    def post() -> JsonObject:
        return dict(rest.raw("POST", f"{pull_url}/reviews", body=payload)[1])

    def find() -> JsonObject | None:
        for r in rest.list(f"{pull_url}/reviews", "list reviews (did the failed POST land?)"):
            if marker in (r.get("body") or "") and _ours(_login(r), login):
                return r
        return None

    return writes(post, what, find=find)


def _create_review(
    rest: Rest, pull_url: str, review: Review, todo: Plan, head: str, base: str,
    writes: _Writes, login: str,
) -> tuple[int | None, int, int, str | None]:
    comments = [
        {"path": f.path, "line": f.line, "side": f.side,
         "body": render.inline_body(f, review.rules_path)}
        for f in todo.inline
    ]
    body, included = render.review_body(
        review, head=head, base=base, inline_count=len(comments), in_body=todo.in_body,
        capped=todo.capped, cap=MAX_INLINE_COMMENTS,
    )
    payload: JsonObject = {"commit_id": head, "body": body, "event": "COMMENT",
                           "comments": comments}
    try:
        created = _post_review(rest, pull_url, writes, login, payload, "POST review")
    except GithubApiError as exc:
        if exc.status != 422 or not comments:
            raise
        # Our anchors came from the local diff; if GitHub's diff disagrees, retrying the same
        # request cannot help. Fall back to one review with everything in the body.
        everything = (*todo.inline, *todo.in_body)
        body, included = render.review_body(
            review, head=head, base=base, inline_count=0, in_body=everything,
            capped=False, cap=MAX_INLINE_COMMENTS,
        )
        payload = {**payload, "body": body, "comments": []}
        created = _post_review(rest, pull_url, writes, login, payload,
                               "POST review (body only)")
        note = (f"GitHub rejected the inline anchors ({exc}); all findings went into the "
                "review body instead.")
        return (_id(created), 0, len(included) if created else 0, note)
    if created is None:
        return None, 0, 0, None
    return _id(created), len(comments), len(included), None


def _id(item: JsonObject | None) -> int | None:
    return int(item["id"]) if item and item.get("id") is not None else None


def _summary(
    rest: Rest, repo_name: str, issue_url: str, issue_comments: Sequence[JsonObject],
    login: str, review: Review, head: str, base: str, *, resolved: int,
    notices: Sequence[str], wanted: bool, writes: _Writes,
) -> SummaryAction:
    body = render.summary_comment(review, head=head, base=base, resolved=resolved,
                                  notices=notices)
    mine = [c for c in issue_comments
            if SUMMARY_MARKER in (c.get("body") or "") and _ours(_login(c), login)]
    if mine:
        current = mine[0]
        if (current.get("body") or "").strip() == body.strip():
            return "unchanged"
        url = f"/repos/{repo_name}/issues/comments/{current['id']}"
        done = writes(_write(rest, "PATCH", url, {"body": body}),
                      f"PATCH issue comment {current['id']}")
        return "updated" if done else "skipped"
    if not wanted:
        return "skipped"  # a clean PR that never had findings gets no comment at all
    def find() -> bool | None:
        # None of ours existed a moment ago, so one now is what the failed POST created.
        for c in rest.list(f"{issue_url}/comments", "list issue comments (did the POST land?)"):
            if SUMMARY_MARKER in (c.get("body") or "") and _ours(_login(c), login):
                return True
        return None

    created = writes(_write(rest, "POST", f"{issue_url}/comments", {"body": body}),
                     "POST issue comment", find=find)
    return "created" if created is not None else "skipped"

"""Post a ``Review`` to a pull request, idempotently.

One run = at most one review (``event: COMMENT``, ``commit_id`` = the analysed head) plus one
summary issue comment edited in place. Every comment carries a hidden fingerprint marker, so a
re-run posts only what is new, deletes comments whose finding is gone (or marks them resolved
when someone replied), and never duplicates anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, TypeVar

from github import Github
from github.IssueComment import IssueComment
from github.PullRequest import PullRequest
from github.PullRequestComment import PullRequestComment
from github.Repository import Repository

from reviewer.constants import MAX_INLINE_COMMENTS, SUMMARY_MARKER
from reviewer.github import render
from reviewer.github.client import GithubApiError, RetryPolicy, call
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


@dataclass(frozen=True, slots=True)
class Plan:
    inline: tuple[Finding, ...]
    in_body: tuple[Finding, ...]
    already_posted: int
    capped: bool
    fixed: tuple[PullRequestComment, ...]
    replied: frozenset[int] = field(default_factory=frozenset)


class _Writes:
    """Turns the first permission 403 on a write into a notice and stops further writes."""

    def __init__(self, policy: RetryPolicy, token: str | None) -> None:
        self.policy = policy
        self.token = token
        self.denied: str | None = None

    def __call__(self, fn: Callable[[], T], what: str) -> T | None:
        if self.denied:
            return None
        try:
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


def viewer_login(gh: Github, policy: RetryPolicy, token: str | None) -> str:
    """Whose comments are ours. GITHUB_TOKEN cannot read /user, and then it is the Actions bot."""
    try:
        return call(lambda: gh.get_user().login, policy, what="GET /user", token=token)
    except GithubApiError:
        return DEFAULT_BOT_LOGIN


def _ours(author: str | None, login: str) -> bool:
    return author is not None and author.lower() == login.lower()


def plan(
    review: Review,
    existing: Sequence[PullRequestComment],
    review_bodies: Sequence[str],
    login: str,
    *,
    cap: int = MAX_INLINE_COMMENTS,
) -> Plan:
    """Decide what to post and what to clean up, from what is already on the PR."""
    posted: dict[str, PullRequestComment] = {}
    for c in existing:
        if c.in_reply_to_id is None and _ours(c.user.login if c.user else None, login):
            for fp in render.FP_RE.findall(c.body or ""):
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
    replied = frozenset(c.in_reply_to_id for c in existing if c.in_reply_to_id is not None)
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

    def read(fn: Callable[[], T], what: str) -> T:
        return call(fn, policy, what=what, token=token)

    repo: Repository = read(lambda: gh.get_repo(repo_name), f"GET repo {repo_name}")
    pr: PullRequest = read(lambda: repo.get_pull(number), f"GET pull #{number}")
    if pr.head.sha != head_sha:
        return _moved(head_sha, pr.head.sha)
    if pr.state != "open":
        return PostResult(notices=(f"Nothing was posted: pull request #{number} is {pr.state}.",))
    login = viewer_login(gh, policy, token)
    existing = read(lambda: list(pr.get_review_comments()), "list review comments")
    bodies = [r.body or "" for r in read(lambda: list(pr.get_reviews()), "list reviews")
              if _ours(r.user.login if r.user else None, login)]
    issue_comments = read(lambda: list(pr.get_issue_comments()), "list issue comments")
    todo = plan(review, existing, bodies, login)

    # Analysis took time: if someone pushed meanwhile, our line numbers describe old code.
    latest: PullRequest = read(lambda: repo.get_pull(number), f"GET pull #{number}")
    if latest.head.sha != head_sha:
        return _moved(head_sha, latest.head.sha)

    writes = _Writes(policy, token)
    notices: list[str] = []
    review_id: int | None = None
    inline_done = 0
    body_done = 0
    if todo.inline or todo.in_body:
        commit = read(lambda: repo.get_commit(head_sha), f"GET commit {head_sha[:12]}")
        review_id, inline_done, body_done, note = _create_review(
            pr, commit, review, todo, head_sha, base_sha, writes
        )
        if note:
            notices.append(note)

    deleted = resolved = 0
    for c in todo.fixed:
        fp = render.FP_RE.findall(c.body or "")[0]
        if c.id in todo.replied:
            body = render.resolved_body(c.body or "", fp, head_sha)
            if writes(_edit_review_comment(c, body), f"PATCH comment {c.id}"):
                resolved += 1
        elif writes(_delete_review_comment(c), f"DELETE comment {c.id}"):
            deleted += 1

    summary: SummaryAction = "skipped"
    if writes.denied is None:
        summary = _summary(
            pr, issue_comments, login, review, head_sha, base_sha,
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
    )


def _edit_review_comment(c: PullRequestComment, body: str) -> Callable[[], bool]:
    def do() -> bool:
        c.edit(body)
        return True

    return do


def _delete_review_comment(c: PullRequestComment) -> Callable[[], bool]:
    def do() -> bool:
        c.delete()
        return True

    return do


def _edit_issue_comment(c: IssueComment, body: str) -> Callable[[], bool]:
    def do() -> bool:
        c.edit(body)
        return True

    return do


def _moved(analysed: str, now: str) -> PostResult:
    return PostResult(
        head_moved_to=now,
        notices=(
            f"Nothing was posted: the pull request head moved from {analysed[:12]} to "
            f"{now[:12]} while this run was analysing. The run for {now[:12]} will comment.",
        ),
    )


def _create_review(
    pr: PullRequest, commit: object, review: Review, todo: Plan, head: str, base: str,
    writes: _Writes,
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
    try:
        created = writes(
            lambda: pr.create_review(commit=commit, body=body, event="COMMENT",  # type: ignore[arg-type]
                                     comments=comments),  # type: ignore[arg-type]
            "POST review",
        )
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
        created = writes(
            lambda: pr.create_review(commit=commit, body=body, event="COMMENT",  # type: ignore[arg-type]
                                     comments=[]),
            "POST review (body only)",
        )
        note = (f"GitHub rejected the inline anchors ({exc}); all findings went into the "
                "review body instead.")
        return (created.id if created else None, 0, len(included) if created else 0, note)
    if created is None:
        return None, 0, 0, None
    return created.id, len(comments), len(included), None


def _summary(
    pr: PullRequest, issue_comments: Sequence[IssueComment], login: str, review: Review,
    head: str, base: str, *, resolved: int, notices: Sequence[str], wanted: bool,
    writes: _Writes,
) -> SummaryAction:
    body = render.summary_comment(review, head=head, base=base, resolved=resolved,
                                  notices=notices)
    mine = [c for c in issue_comments
            if SUMMARY_MARKER in (c.body or "") and _ours(c.user.login if c.user else None, login)]
    if mine:
        current = mine[0]
        if (current.body or "").strip() == body.strip():
            return "unchanged"
        done = writes(_edit_issue_comment(current, body), f"PATCH issue comment {current.id}")
        return "updated" if done else "skipped"
    if not wanted:
        return "skipped"  # a clean PR that never had findings gets no comment at all
    created = writes(lambda: pr.create_issue_comment(body), "POST issue comment")
    return "created" if created is not None else "skipped"


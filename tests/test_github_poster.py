"""The poster against a fake GitHub speaking real HTTP to the real PyGithub client.

Reviews are built by hand so these tests pin the posting behaviour alone: what is anchored
inline, what goes to the body, what a re-run does, and how failures are survived.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace

import pytest
from github import Github, GithubException

from reviewer.constants import MAX_COMMENT_CHARS, MAX_INLINE_COMMENTS, SUMMARY_MARKER
from reviewer.github import render
from reviewer.github.client import RetryPolicy, connect, is_retryable, server_wait
from reviewer.github.event import read_env
from reviewer.github.poster import PostResult, post_review
from reviewer.types import Finding, Review, Rule, SimilarField
from tests.fake_github import (
    READ_ONLY_MESSAGE,
    SECONDARY_LIMIT_MESSAGE,
    FakeGitHub,
    hunks_from_patch,
)

HEAD = "a" * 40
BASE = "b" * 40
TOKEN = "ghs_secretTokenValue0123456789"
PATH = "app/models/netsuite.py"

# A new 80-line file: GitHub accepts RIGHT-side comments on lines 1-80 and nothing else.
PATCH = (
    f"diff --git a/{PATH} b/{PATH}\nnew file mode 100644\n--- /dev/null\n+++ b/{PATH}\n"
    "@@ -0,0 +1,80 @@\n" + "".join(f"+line {i}\n" for i in range(1, 81))
)
FAST = RetryPolicy(total_seconds=10.0, max_wait=0.01, write_interval=0.0)


def finding(n: int, *, line: int | None = None, in_hunk: bool = True,
            message: str | None = None) -> Finding:
    column = f"secret_{n}"
    return Finding(
        code="MR003",
        severity="error",
        message=message or f"NetSuiteConnection.{column} looks like a credential and has no "
        "label and no masking rule.",
        path=PATH,
        line=line if line is not None else n + 1,
        table="netsuite_connection",
        column=column,
        class_name="NetSuiteConnection",
        attribute=column,
        rule=Rule("netsuite_connection", column, "null"),
        action="add",
        similar=(SimilarField(
            table="salesforce_connection", column="client_secret",
            class_name="SalesforceConnection", attribute="client_secret",
            path="app/models/salesforce.py", line=12, labels=("ColumnVisibility.PRIVATE",),
            rule=Rule("salesforce_connection", "client_secret", "null", line=4), score=0.9,
        ),),
        in_hunk=in_hunk,
    )


def make_review(*findings: Finding) -> Review:
    return Review(findings=findings, blocking=bool(findings), base=BASE, head=HEAD,
                  columns_total=10, columns_labelled=4, rules_total=4)


@pytest.fixture
def fake() -> Iterator[FakeGitHub]:
    with FakeGitHub(head_sha=HEAD, base_sha=BASE, hunks=hunks_from_patch(PATCH),
                    token=TOKEN) as server:
        yield server


def client(fake: FakeGitHub, per_page: int = 100) -> Github:
    return connect(fake.base_url, TOKEN, policy=FAST, per_page=per_page)


def post(fake: FakeGitHub, review: Review, per_page: int = 100) -> PostResult:
    gh = client(fake, per_page)
    try:
        return post_review(gh, "acme/shop", fake.number, review, head_sha=HEAD, base_sha=BASE,
                           policy=FAST, token=TOKEN)
    finally:
        gh.close()


def writes(fake: FakeGitHub) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in fake.state.requests if r.method != "GET"]


def fps(bodies: list[str]) -> list[str]:
    return [fp for body in bodies for fp in render.FP_RE.findall(body)]


def test_first_run_posts_one_review_with_anchored_comments_and_a_summary(fake: FakeGitHub) -> None:
    inside, outside = finding(1, line=5), finding(2, line=200, in_hunk=False)
    result = post(fake, make_review(inside, outside))

    assert result == PostResult(inline=1, in_body=1, review_id=result.review_id,
                                summary="created", requests=len(fake.state.requests))
    assert result.requests == 8
    posted = [r.body for r in fake.calls("POST", "/reviews")]
    assert len(posted) == 1
    assert posted[0]["event"] == "COMMENT"
    assert posted[0]["commit_id"] == HEAD
    assert [{k: c[k] for k in ("path", "line", "side")} for c in posted[0]["comments"]] == [
        {"path": PATH, "line": 5, "side": "RIGHT"}
    ]
    assert all("position" not in c for c in posted[0]["comments"])
    comment = posted[0]["comments"][0]["body"]
    assert "NetSuiteConnection.secret_1 looks like a credential" in comment
    assert "SalesforceConnection.client_secret (PRIVATE) → null" in comment
    assert '```json\n{\n  "table": "netsuite_connection",\n  "column": "secret_1",\n' in comment
    assert "`reviewer fix`" in comment
    assert comment.rstrip().endswith(f"<!-- masking-reviewer:fp={inside.fingerprint} -->")
    # the finding that cannot anchor is in the body, with its own marker
    assert fps([posted[0]["body"]]) == [outside.fingerprint]
    assert [c["body"].startswith(SUMMARY_MARKER) for c in fake.state.issue_comments] == [True]
    assert 422 not in fake.statuses()


def test_rerun_with_the_same_findings_posts_nothing_new(fake: FakeGitHub) -> None:
    review = make_review(finding(1), finding(2), finding(3, line=500, in_hunk=False))
    post(fake, review)
    before = len(fake.state.requests)

    again = post(fake, review)

    assert again.inline == 0 and again.in_body == 0
    assert again.already_posted == 3
    assert again.summary == "unchanged"
    assert writes(fake)[-1:] == [("POST", "/repos/acme/shop/issues/7/comments")]
    assert all(r.method == "GET" for r in fake.state.requests[before:])
    assert len(fake.state.review_comments) == 2
    assert len(fake.state.issue_comments) == 1


@pytest.mark.parametrize(
    ("with_reply", "expected_method", "left"),
    [
        pytest.param(False, "DELETE", 1, id="fixed finding without replies: comment deleted"),
        pytest.param(True, "PATCH", 3, id="fixed finding with a reply: comment marked resolved"),
    ],
)
def test_fixed_finding_cleans_up_its_comment(
    fake: FakeGitHub, with_reply: bool, expected_method: str, left: int
) -> None:
    fixed, kept = finding(1), finding(2)
    post(fake, make_review(fixed, kept))
    ours = {render.FP_RE.findall(c["body"])[0]: c for c in fake.state.review_comments}
    if with_reply:
        fake.add_review_comment("Why null and not static?", path=PATH, line=2, login="dev",
                                user_type="User", in_reply_to_id=ours[fixed.fingerprint]["id"])

    result = post(fake, make_review(kept))

    fixed_id = ours[fixed.fingerprint]["id"]
    assert (expected_method, f"/repos/acme/shop/pulls/comments/{fixed_id}") in writes(fake)
    assert len(fake.state.review_comments) == left
    assert (result.deleted, result.resolved) == ((0, 1) if with_reply else (1, 0))
    if with_reply:
        edited = next(c for c in fake.state.review_comments if c["id"] == fixed_id)
        assert f"✅ resolved in {HEAD[:12]}" in edited["body"]
        assert edited["body"].startswith("~~")
        assert render.FP_RE.findall(edited["body"]) == []  # so a comeback is posted afresh
    # the summary is the same comment, edited in place
    assert len(fake.state.issue_comments) == 1
    assert "1 earlier finding resolved" in fake.state.issue_comments[0]["body"]
    assert [m for m, p in writes(fake) if "/issues/comments/" in p] == ["PATCH"]


def test_more_than_the_inline_cap_go_to_the_body_and_are_not_reposted(fake: FakeGitHub) -> None:
    many = [finding(n) for n in range(1, 36)]  # lines 2..36, all inside the hunk

    first = post(fake, make_review(*many))
    second = post(fake, make_review(*many), per_page=7)  # forces five pages of comments

    assert (first.inline, first.in_body) == (MAX_INLINE_COMMENTS, 5)
    review = fake.state.reviews[0]
    assert fps([review["body"]]) == [f.fingerprint for f in many[30:]]
    assert f"past the {MAX_INLINE_COMMENTS}-comment limit" in review["body"]
    assert (second.inline, second.in_body, second.already_posted) == (0, 0, 35)
    assert len(fake.state.reviews) == 1
    pages = [r.query.get("page", ["1"])[0] for r in fake.calls("GET", "/pulls/7/comments")]
    assert pages[-5:] == ["1", "2", "3", "4", "5"]


def test_head_moved_while_analysing_posts_nothing(fake: FakeGitHub) -> None:
    fake.move_head_after_first_get("c" * 40)

    result = post(fake, make_review(finding(1)))

    assert result.head_moved_to == "c" * 40
    assert result.notices == (
        f"Nothing was posted: the pull request head moved from {HEAD[:12]} to "
        f"{'c' * 12} while this run was analysing. The run for {'c' * 12} will comment.",
    )
    assert writes(fake) == []


def test_read_only_token_is_a_notice_not_a_crash_and_is_not_retried(fake: FakeGitHub) -> None:
    fake.state.read_only = True

    result = post(fake, make_review(finding(1)))

    assert result.inline == 0 and result.summary == "skipped"
    assert len(result.notices) == 1
    assert result.notices[0].startswith("Inline comments were skipped: the token cannot write")
    assert "forks" in result.notices[0]
    assert [(m, r) for m, r in writes(fake)] == [("POST", "/repos/acme/shop/pulls/7/reviews")]


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        pytest.param("502", 502, id="502 bad gateway is retried"),
        pytest.param("429", 429, id="429 too many requests is retried"),
        pytest.param("secondary", 403, id="secondary rate limit 403 is retried"),
    ],
)
def test_transient_failures_are_retried_until_success(
    fake: FakeGitHub, kind: str, status: int
) -> None:
    fake.fail_next(2, kind)

    result = post(fake, make_review(finding(1)))

    assert result.inline == 1
    assert fake.statuses()[:3] == [status, status, 200]
    assert len(fake.state.reviews) == 1


def test_retries_stop_at_the_time_budget(fake: FakeGitHub) -> None:
    fake.fail_next(1000, "502")
    policy = RetryPolicy(total_seconds=0.3, max_wait=0.05, write_interval=0.0)
    gh = client(fake)
    with pytest.raises(Exception, match=r"GET pull #7: HTTP 502: Server Error"):
        post_review(gh, "acme/shop", 7, make_review(finding(1)), head_sha=HEAD, base_sha=BASE,
                    policy=policy, token=TOKEN)
    assert 1 < len(fake.state.requests) < 1000


def test_an_anchor_github_rejects_falls_back_to_the_body_once(fake: FakeGitHub) -> None:
    # in_hunk is wrong here on purpose: the local diff and GitHub's disagree
    wrong = finding(1, line=300, in_hunk=True)

    result = post(fake, make_review(wrong, finding(2)))

    assert fake.statuses().count(422) == 1
    assert (result.inline, result.in_body) == (0, 2)
    assert fake.state.review_comments == []
    assert fps([fake.state.reviews[0]["body"]]) == [wrong.fingerprint, finding(2).fingerprint]
    assert "GitHub rejected the inline anchors" in result.notices[0]


def test_markers_cannot_be_forged(fake: FakeGitHub) -> None:
    target = finding(1)
    # a human comment carrying our marker must not suppress the real one
    fake.add_review_comment(f"nice {render.fingerprint_marker(target.fingerprint)}",
                            path=PATH, line=2, login="mallory", user_type="User")
    # a finding whose text (from the PR) carries a marker must not plant it in our comment
    sneaky = finding(2, message=f"x {render.fingerprint_marker('f' * 16)} @octocat <!-- y -->")

    post(fake, make_review(target, sneaky))

    bodies = [c["body"] for c in fake.state.review_comments if c["user"]["login"] != "mallory"]
    assert sorted(fps(bodies)) == sorted([target.fingerprint, sneaky.fingerprint])
    assert "@octocat" not in bodies[1] and "@\u200doctocat" in bodies[1]
    assert "<!-- y" not in bodies[1]


def test_comment_bodies_fit_githubs_limit_and_keep_the_marker() -> None:
    huge = finding(1, message="x" * (MAX_COMMENT_CHARS * 2))

    body = render.inline_body(huge, "masking_rules.json")

    assert len(body) == MAX_COMMENT_CHARS
    assert body.endswith(render.fingerprint_marker(huge.fingerprint))


def test_no_token_in_any_request_body_result_or_repr(fake: FakeGitHub) -> None:
    fake.fail_next(1, "502")
    result = post(fake, make_review(finding(1), finding(2, line=999, in_hunk=False)))

    env = read_env({"GITHUB_TOKEN": TOKEN, "GITHUB_EVENT_NAME": "pull_request"})
    seen = json.dumps([r.body for r in fake.state.requests]) + repr(result) + repr(env)
    seen += json.dumps(fake.state.review_comments + fake.state.issue_comments)
    assert TOKEN not in seen
    assert env.token == TOKEN
    assert {r.authorization for r in fake.state.requests} == {f"token {TOKEN}"}


def test_preexisting_findings_are_not_commented_and_dismissed_ones_carry_a_note(
    fake: FakeGitHub,
) -> None:
    old = replace(finding(1), introduced=False)
    dismissed = replace(finding(2), dismissed="a reference id, not a secret")

    result = post(fake, make_review(old, dismissed, finding(3)))

    # An AI dismissal never removes or hides a comment (issue 11): it adds a note.
    assert (result.inline, result.in_body) == (2, 0)
    bodies = [c["body"] for c in fake.state.review_comments]
    assert sorted(fps(bodies)) == sorted([finding(2).fingerprint, finding(3).fingerprint])
    assert sum("(AI review: likely a false positive: a reference id, not a secret)" in b
               for b in bodies) == 1
    assert "1 finding already existed before this pull request" in (
        fake.state.issue_comments[0]["body"]
    )


def api_error(status: int, message: str, headers: dict[str, str] | None = None
              ) -> GithubException:
    return GithubException(status, {"message": message}, headers or {})


@pytest.mark.parametrize(
    ("exc", "retry"),
    [
        pytest.param(api_error(502, "Server Error"), True, id="502"),
        pytest.param(api_error(503, "Unavailable"), True, id="503"),
        pytest.param(api_error(429, "Too Many Requests"), True, id="429"),
        pytest.param(api_error(403, SECONDARY_LIMIT_MESSAGE), True, id="secondary limit 403"),
        pytest.param(api_error(403, "API rate limit exceeded for installation"), True,
                     id="primary limit 403"),
        pytest.param(api_error(403, READ_ONLY_MESSAGE), False, id="permission 403: never"),
        pytest.param(api_error(422, "Unprocessable Entity"), False, id="422: never"),
        pytest.param(api_error(404, "Not Found"), False, id="404: never"),
        pytest.param(ValueError("bug"), False, id="our own bug: never"),
    ],
)
def test_which_failures_are_retried(exc: BaseException, retry: bool) -> None:
    assert is_retryable(exc) is retry


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        pytest.param({"Retry-After": "7"}, 7.0, id="Retry-After seconds"),
        pytest.param({"retry-after": "0"}, 0.0, id="header names are case-insensitive"),
        pytest.param({"x-ratelimit-remaining": "0", "x-ratelimit-reset": "1030"}, 30.0,
                     id="x-ratelimit-reset when the budget is spent"),
        pytest.param({"x-ratelimit-remaining": "12", "x-ratelimit-reset": "1030"}, None,
                     id="reset ignored while budget remains"),
        pytest.param({}, None, id="no header: exponential backoff decides"),
    ],
)
def test_server_asked_wait(headers: dict[str, str], expected: float | None) -> None:
    assert server_wait(api_error(429, "slow down", headers), now=1000.0) == expected


def test_retry_waits_honour_the_cap_from_the_environment() -> None:
    policy = RetryPolicy.from_env({"MASKING_REVIEWER_GITHUB_RETRY_TOTAL": "3",
                                   "MASKING_REVIEWER_GITHUB_MAX_WAIT": "0.5",
                                   "MASKING_REVIEWER_GITHUB_WRITE_INTERVAL": "nonsense"})
    assert policy == RetryPolicy(total_seconds=3.0, max_wait=0.5, write_interval=1.0)


def test_a_closed_pull_request_gets_no_comments(fake: FakeGitHub) -> None:
    fake.state.pulls[7].state = "closed"

    result = post(fake, make_review(finding(1)))

    assert result.notices == ("Nothing was posted: pull request #7 is closed.",)
    assert writes(fake) == []


@pytest.mark.parametrize(
    "status",
    [
        pytest.param(502, id="502 after the review was created: found, not re-posted"),
        pytest.param(504, id="504 gateway timeout after the review was created"),
    ],
)
def test_a_review_post_that_took_effect_is_never_posted_twice(
    fake: FakeGitHub, status: int
) -> None:
    fake.fail_after_effect("POST", "/pulls/7/reviews", status=status)

    result = post(fake, make_review(finding(1), finding(2, line=300, in_hunk=False)))

    assert len(fake.state.reviews) == 1
    assert [r.status for r in fake.calls("POST", "/pulls/7/reviews")] == [status]
    assert result.review_id == fake.state.reviews[0]["id"]
    assert (result.inline, result.in_body) == (1, 1)
    # The retry looked for the review (by its unique marker) instead of posting again.
    after = fake.state.requests[[r.method for r in fake.state.requests].index("POST") + 1]
    assert (after.method, after.path) == ("GET", "/repos/acme/shop/pulls/7/reviews")
    assert re.search(r"<!-- masking-reviewer:review=[0-9a-f]{32} -->",
                     fake.state.reviews[0]["body"])
    assert [c["body"].startswith(SUMMARY_MARKER) for c in fake.state.issue_comments] == [True]


def test_a_review_post_that_failed_before_taking_effect_is_posted_again(
    fake: FakeGitHub,
) -> None:
    fake.fail_next_matching("POST", "/pulls/7/reviews", 1, "502")

    post(fake, make_review(finding(1)))

    assert [r.status for r in fake.calls("POST", "/pulls/7/reviews")] == [502, 200]
    assert len(fake.state.reviews) == 1


def test_a_rate_limited_review_post_is_retried_without_looking(fake: FakeGitHub) -> None:
    # A 429 means GitHub refused the request: nothing to look for.
    fake.fail_next_matching("POST", "/pulls/7/reviews", 1, "429")

    post(fake, make_review(finding(1)))

    methods = [(r.method, r.path.rsplit("/", 1)[-1]) for r in fake.state.requests]
    i = methods.index(("POST", "reviews"))
    assert methods[i:i + 2] == [("POST", "reviews"), ("POST", "reviews")]
    assert len(fake.state.reviews) == 1


def test_a_forged_review_marker_from_someone_else_is_not_taken_for_ours(
    fake: FakeGitHub,
) -> None:
    # The marker is random per POST, and only a review by our login counts.
    fake.fail_after_effect("POST", "/pulls/7/reviews")
    fake.state.reviews.append({"id": 1, "user": {"login": "mallory"}, "state": "COMMENTED",
                               "body": "<!-- masking-reviewer:review=" + "0" * 32 + " -->"})

    result = post(fake, make_review(finding(1)))

    assert result.review_id == fake.state.reviews[1]["id"]
    assert len(fake.state.reviews) == 2


def test_a_summary_comment_post_that_took_effect_is_never_posted_twice(
    fake: FakeGitHub,
) -> None:
    fake.fail_after_effect("POST", "/issues/7/comments")

    result = post(fake, make_review(finding(1)))

    assert result.summary == "created"
    assert [r.status for r in fake.calls("POST", "/issues/7/comments")] == [502]
    assert [c["body"].startswith(SUMMARY_MARKER) for c in fake.state.issue_comments] == [True]

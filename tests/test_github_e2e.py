"""``reviewer github`` as the Actions runner starts it: a subprocess with the runner's
environment, a real git repository (the Ledgerly sample app plus a pull request), and the
fake GitHub API over real HTTP.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.constants import SUMMARY_MARKER
from reviewer.github import render
from tests.fake_github import (
    FakeGitHub,
    actions_env,
    hunks_from_git,
    read_outputs,
    write_pr_event,
)
from tests.gitrepo import GitRepo

TOKEN = "ghs_e2eSecretToken_0123456789abcdef"
MODELS = "ledgerly/models/integrations.py"
NEW_MODEL = '''

class XeroConnection(Base):
    """Xero sync, added by this pull request."""

    __tablename__ = "xero_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_name: Mapped[Optional[str]] = mapped_column(String(255))
    client_secret: Mapped[Optional[str]] = mapped_column(Text)
    webhook_secret: Mapped[Optional[str]] = mapped_column(Text, info=PRIVATE_INFO)
'''


def fingerprint(code: str, path: str, table: str, column: str) -> str:
    return hashlib.sha256("\x1f".join([code, path, table, column]).encode()).hexdigest()[:16]


@dataclass
class PR:
    repo: GitRepo
    base: str
    head: str
    fake: FakeGitHub
    env: dict[str, str]
    tmp: Path

    def line_of(self, text: str) -> int:
        lines = (self.repo.root / MODELS).read_text(encoding="utf-8").splitlines()
        return next(i for i, line in enumerate(lines, 1) if text in line)

    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reviewer", "github", "--no-ai", *args],
            cwd=self.repo.root, env={**self.env, **env}, capture_output=True, text=True,
            check=False, timeout=120,
        )

    def outputs(self) -> dict[str, str]:
        return read_outputs(str(self.tmp / "github_output"))

    def summary(self) -> str:
        return (self.tmp / "step_summary.md").read_text(encoding="utf-8")


@pytest.fixture
def pr(sample_app: GitRepo, tmp_path: Path) -> Iterator[PR]:
    base = sample_app.head()
    sample_app.git("checkout", "--quiet", "-b", "feature")
    with open(sample_app.root / MODELS, "a", encoding="utf-8") as fh:
        fh.write(NEW_MODEL)
    # The PR also tries to switch its own gate off; config is read from the base, so it can't.
    pyproject = sample_app.root / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            'table-naming = "snake_case"\n', 'table-naming = "snake_case"\nfail-on = "never"\n'
        ),
        encoding="utf-8",
    )
    head = sample_app.commit("Add Xero connection")
    runner = tmp_path / "runner"
    runner.mkdir()
    event = write_pr_event(str(runner / "event.json"), number=7, head=head, base=base)
    with FakeGitHub(head_sha=head, base_sha=base, hunks=hunks_from_git(
            str(sample_app.root), base, head), token=TOKEN) as fake:
        env = actions_env(fake, workspace=str(sample_app.root), event_path=event,
                          tmp=str(runner))
        env["GITHUB_TOKEN"] = TOKEN
        yield PR(sample_app, base, head, fake, env, runner)


def test_pull_request_run_gates_annotates_and_posts_inline(pr: PR) -> None:
    proc = pr.run()

    assert proc.returncode == 1, proc.stderr  # fail-on = "never" in the PR's own config: ignored
    webhook_line = pr.line_of("webhook_secret:")
    secret_line = pr.line_of("client_secret: Mapped[Optional[str]] = mapped_column(Text)")
    assert f"::error file={MODELS},line={webhook_line}" in proc.stdout
    outputs = pr.outputs()
    assert outputs["blocking"] == "true"
    assert int(outputs["findings-count"]) >= 2
    assert outputs["sarif-file"] == ""
    assert "webhook_secret" in pr.summary()

    (review,) = [r.body for r in pr.fake.calls("POST", "/pulls/7/reviews")]
    assert review["event"] == "COMMENT" and review["commit_id"] == pr.head
    anchors = {(c["path"], c["line"], c["side"]) for c in review["comments"]}
    assert (MODELS, webhook_line, "RIGHT") in anchors
    assert (MODELS, secret_line, "RIGHT") in anchors
    by_line = {c["line"]: c["body"] for c in review["comments"]}
    assert render.FP_RE.findall(by_line[webhook_line]) == [
        fingerprint("MR001", MODELS, "xero_connections", "webhook_secret")
    ]
    assert '"column": "webhook_secret"' in by_line[webhook_line]
    assert "SalesforceConnection.client_secret" in by_line[secret_line]
    assert 422 not in pr.fake.statuses()
    assert [c["body"].startswith(SUMMARY_MARKER) for c in pr.fake.state.issue_comments] == [True]
    everything = proc.stdout + proc.stderr + pr.summary() + json.dumps(pr.fake.state.reviews)
    assert TOKEN not in everything


def test_rerun_posts_no_duplicates(pr: PR) -> None:
    first = pr.run()
    comments = len(pr.fake.state.review_comments)

    second = pr.run()

    assert (first.returncode, second.returncode) == (1, 1)
    assert len(pr.fake.calls("POST", "/pulls/7/reviews")) == 1
    assert len(pr.fake.state.review_comments) == comments
    assert len(pr.fake.state.issue_comments) == 1
    assert "skipped" in second.stderr and "already posted" in second.stderr


def test_fork_with_read_only_token_still_fails_and_reports(pr: PR) -> None:
    pr.fake.state.read_only = True

    proc = pr.run()

    assert proc.returncode == 1
    assert "::error file=" in proc.stdout
    assert "::notice title=masking-reviewer::Inline comments were skipped" in proc.stdout
    assert "Inline comments were skipped" in pr.summary()
    assert pr.fake.state.review_comments == []
    assert "Traceback" not in proc.stderr


def test_head_moved_during_analysis_posts_nothing_and_still_gates(pr: PR) -> None:
    pr.fake.move_head_after_first_get("d" * 40)

    proc = pr.run()

    assert proc.returncode == 1
    assert [r.method for r in pr.fake.state.requests if r.method != "GET"] == []
    assert f"head moved from {pr.head[:12]} to {'d' * 12}" in proc.stderr


def test_fail_on_never_input_passes_but_still_posts(pr: PR) -> None:
    proc = pr.run(INPUT_FAIL_ON="never")

    assert proc.returncode == 0, proc.stderr
    assert pr.outputs()["blocking"] == "false"
    assert len(pr.fake.calls("POST", "/pulls/7/reviews")) == 1


def test_sarif_input_writes_the_file_and_the_output(pr: PR) -> None:
    proc = pr.run(INPUT_SARIF="true")

    assert proc.returncode == 1
    path = pr.outputs()["sarif-file"]
    assert path == str(pr.tmp / "masking-reviewer.sarif")
    assert json.loads(Path(path).read_text(encoding="utf-8"))["version"] == "2.1.0"


def test_other_events_run_the_full_check_and_say_why_there_are_no_comments(pr: PR) -> None:
    # Outside a PR there is no base to trust: the commit's own config (fail-on = "never" here)
    # applies, and the workflow's input overrides it.
    proc = pr.run(GITHUB_EVENT_NAME="push", INPUT_FAIL_ON="error")

    assert proc.returncode == 1
    assert "Inline review needs a pull_request event" in pr.summary()
    assert pr.fake.state.requests == []


@pytest.mark.parametrize(
    ("setup", "env", "message"),
    [
        pytest.param("bad-json", {}, r"event\.json:1: event payload is not valid JSON",
                     id="malformed event payload"),
        pytest.param("unknown-head", {}, r"not in the local clone; .*fetch-depth: 0",
                     id="head commit missing from a shallow clone"),
        pytest.param("none", {"INPUT_COMMENT": "yes"},
                     r"action input 'comment' must be 'true' or 'false', got 'yes'",
                     id="bad boolean input"),
        pytest.param("none", {"INPUT_FAIL_ON": "sometimes"},
                     r"action input 'fail-on' must be error, warning or never",
                     id="bad fail-on input"),
    ],
)
def test_misuse_exits_2_with_one_clear_line(
    pr: PR, setup: str, env: dict[str, str], message: str
) -> None:
    event = Path(pr.env["GITHUB_EVENT_PATH"])
    if setup == "bad-json":
        event.write_text("{not json", encoding="utf-8")
    elif setup == "unknown-head":
        write_pr_event(str(event), number=7, head="e" * 40, base=pr.base)

    proc = pr.run(**env)

    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert re.search(message, proc.stderr), proc.stderr
    assert pr.fake.state.requests == []


# --- the request budget ------------------------------------------------------------------------

BUDGET = 12  # REST requests per run, plus one per extra page of a listing


def seed_busy_pull_request(pr: PR, count: int = 200) -> None:
    """A busy PR: reviewers' comments, replies, other bots, and a human quoting our marker."""
    for i in range(count):
        kind = i % 4
        if kind == 0:
            pr.fake.add_review_comment(f"nit {i}: rename this?", path=MODELS, line=10,
                                       login="alice", user_type="User")
        elif kind == 1:
            parent = pr.fake.state.review_comments[-1]["id"]
            pr.fake.add_review_comment(f"done ({i})", path=MODELS, line=10, login="dev",
                                       user_type="User", in_reply_to_id=parent)
        elif kind == 2:
            pr.fake.add_review_comment(f"coverage dropped {i}", path=MODELS, line=12,
                                       login="codecov[bot]")
        else:
            forged = fingerprint("MR001", MODELS, "xero_connections", "webhook_secret")
            pr.fake.add_review_comment(f"<!-- masking-reviewer:fp={forged} --> {i}",
                                       path=MODELS, line=12, login="mallory", user_type="User")


def extra_pages(pr: PR) -> int:
    return sum(1 for r in pr.fake.state.requests
               if r.method == "GET" and r.query.get("page", ["1"])[0] != "1")


@pytest.mark.parametrize(
    ("fail", "expected"),
    [
        pytest.param(False, [
            ("GET", "/pulls/7"), ("GET", "/user"),
            ("GET", "/pulls/7/comments"), ("GET", "/pulls/7/comments"),
            ("GET", "/pulls/7/reviews"), ("GET", "/issues/7/comments"), ("GET", "/pulls/7"),
            ("POST", "/pulls/7/reviews"), ("POST", "/issues/7/comments"),
        ], id="200 existing comments"),
        pytest.param(True, [
            ("GET", "/pulls/7"), ("GET", "/user"),
            ("GET", "/pulls/7/comments"), ("GET", "/pulls/7/comments"),
            ("GET", "/pulls/7/reviews"), ("GET", "/issues/7/comments"), ("GET", "/pulls/7"),
            ("POST", "/pulls/7/reviews"), ("GET", "/pulls/7/reviews"),
            ("POST", "/issues/7/comments"),
        ], id="200 existing comments and a 502 after the review was created"),
    ],
)
def test_request_budget_does_not_grow_with_existing_comments(
    pr: PR, fail: bool, expected: list[tuple[str, str]]
) -> None:
    seed_busy_pull_request(pr, 200)
    existing = len(pr.fake.state.review_comments)
    if fail:
        pr.fake.fail_after_effect("POST", "/pulls/7/reviews", status=502)

    proc = pr.run()

    assert proc.returncode == 1, proc.stderr
    calls = [(r.method, r.path.removeprefix("/repos/acme/shop")) for r in pr.fake.state.requests]
    assert calls == expected
    assert len(calls) <= BUDGET + extra_pages(pr)
    assert extra_pages(pr) == 1  # 200 comments at 100 a page
    assert len(pr.fake.state.reviews) == 1
    assert len(pr.fake.state.review_comments) > existing
    # Nothing of the humans' was touched, the forged markers included.
    assert not [r for r in pr.fake.state.requests if r.method in ("PATCH", "DELETE")]
    assert f"{len(calls)} GitHub API request(s)" in proc.stderr


@pytest.mark.parametrize("where", [pytest.param(("GET", "/pulls/7"), id="the pull request"),
                                   pytest.param(("POST", "/pulls/7/reviews"), id="the review")])
def test_a_malformed_api_answer_is_a_notice_and_the_gate_stands(
    pr: PR, where: tuple[str, str]
) -> None:
    """A proxy's HTML page instead of JSON: posting fails visibly, the exit code is the gate."""
    pr.fake.malformed_next_matching(*where, b"<html>502 Bad Gateway</html>")
    proc = pr.run()
    assert proc.returncode == 1, proc.stderr  # the gate, not 3
    assert "internal error" not in proc.stdout + proc.stderr
    # Something was said about posting (what depends on which call broke), and no review
    # went out on a reply the client could not read.
    assert re.search(r"^::notice title=masking-reviewer::(Posting the review failed|Nothing "
                     r"was posted)", proc.stdout, re.M), proc.stdout

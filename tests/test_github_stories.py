"""End-to-end stories for ``reviewer github``: the Ledgerly sample app in a real git repo, a
pull request made of real commits, the command run as the Actions runner starts it (a
subprocess), and the fake GitHub API over real HTTP recording every request.

Each story pins what a reviewer on the pull request sees: the exit code (the gate), the
inline comments and their anchors, the review body, the summary comment and the job summary.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reviewer.constants import SUMMARY_MARKER
from reviewer.github import render
from reviewer.types import Finding
from tests.fake_github import FakeGitHub, actions_env, hunks_from_git, write_pr_event
from tests.gitrepo import GitRepo

TOKEN = "ghs_storiesSecretToken_0123456789abcdef"
NUMBER = 7
AUTH = "ledgerly/models/auth.py"
MIXINS = "ledgerly/models/mixins.py"
INTEGRATIONS = "ledgerly/models/integrations.py"
BILLING = "ledgerly/models/billing.py"
TYPES = "ledgerly/types.py"
RULES = "masking_rules.json"
PYPROJECT = "pyproject.toml"


def fp(code: str, path: str, table: str, column: str) -> str:
    """The fingerprint as the product defines it: code, path, table, column; never the line."""
    return Finding(code=code, severity="error", message="", path=path, line=1, table=table,
                   column=column).fingerprint


class Lab:
    """A sample-app repository, its pull request, and a fake GitHub that follows its head."""

    def __init__(self, repo: GitRepo, runner: Path, fake: FakeGitHub) -> None:
        self.repo = repo
        self.runner = runner
        self.fake = fake
        self.base = repo.head()
        self.head = self.base
        self.event = str(runner / "event.json")
        self.env = actions_env(fake, workspace=str(repo.root), event_path=self.event,
                               tmp=str(runner))
        self.env["GITHUB_TOKEN"] = TOKEN

    # -- editing the code --------------------------------------------------------------------
    def edit(self, path: str, old: str, new: str) -> None:
        text = (self.repo.root / path).read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{old!r} must occur exactly once in {path}"
        self.repo.write(path, text.replace(old, new))

    def append(self, path: str, text: str) -> None:
        with open(self.repo.root / path, "a", encoding="utf-8") as fh:
            fh.write(text)

    def add_rule(self, table: str, column: str, strategy: str) -> None:
        data = json.loads((self.repo.root / RULES).read_text(encoding="utf-8"))
        data["rules"].append({"table": table, "column": column, "strategy": strategy})
        self.repo.write(RULES, json.dumps(data, indent=2) + "\n")

    def line_of(self, path: str, text: str) -> int:
        lines = (self.repo.root / path).read_text(encoding="utf-8").splitlines()
        (line,) = [i for i, content in enumerate(lines, 1) if text in content]
        return line

    # -- main and the pull request -----------------------------------------------------------
    def commit_on_main(self, message: str) -> str:
        self.base = self.repo.commit(message)
        self.head = self.base
        return self.base

    def open_pr(self) -> None:
        self.repo.git("checkout", "--quiet", "-b", "feature")

    def push(self, message: str) -> str:
        """Commit to the PR branch; GitHub's view (head, diff, event) follows the push."""
        self.head = self.repo.commit(message)
        pull = self.fake.state.pulls[NUMBER]
        pull.head_sha = self.head
        pull.base_sha = self.base
        self.fake.state.hunks = hunks_from_git(str(self.repo.root), self.base, self.head)
        write_pr_event(self.event, number=NUMBER, head=self.head, base=self.base)
        return self.head

    # -- running and reading -----------------------------------------------------------------
    def run(self, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
        proc = subprocess.run(
            [sys.executable, "-m", "reviewer", "github", "--no-ai", *args],
            cwd=self.repo.root, env={**self.env, **env}, capture_output=True, text=True,
            check=False, timeout=120,
        )
        assert "Traceback" not in proc.stderr, proc.stderr
        return proc

    def cli(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reviewer", *args], cwd=self.repo.root, env=self.env,
            capture_output=True, text=True, check=False, timeout=120,
        )

    def posted_reviews(self) -> list[dict[str, Any]]:
        """Bodies of the review POSTs GitHub accepted."""
        return [r.body for r in self.fake.calls("POST", f"/pulls/{NUMBER}/reviews")
                if r.status == 200]

    def anchors(self, review: dict[str, Any]) -> list[tuple[str, int, str]]:
        return [(c["path"], c["line"], c["side"]) for c in review["comments"]]

    def job_summary(self) -> str:
        return (self.runner / "step_summary.md").read_text(encoding="utf-8")

    def writes(self) -> list[tuple[str, str, int]]:
        return [(r.method, r.path, r.status) for r in self.fake.state.requests
                if r.method != "GET"]


@pytest.fixture
def lab(sample_app: GitRepo, tmp_path: Path) -> Iterator[Lab]:
    runner = tmp_path / "runner"
    runner.mkdir()
    head = sample_app.head()
    with FakeGitHub(head_sha=head, base_sha=head, hunks={}, token=TOKEN,
                    number=NUMBER) as fake:
        yield Lab(sample_app, runner, fake)


def fps(body: str) -> list[str]:
    return render.FP_RE.findall(body)


# --- 1. a newly labelled column without a rule ------------------------------------------------

URL_BODY = """\
**🔴 MR001 `missing-rule`**

WebhookEndpoint.url is marked PRIVATE, but masking_rules.json has no rule for \
webhook_endpoints.url.

To fix, add to masking_rules.json:

```json
{
  "table": "webhook_endpoints",
  "column": "url",
  "strategy": "static",
  "value": "masked"
}
```

or run `reviewer fix` to apply every suggested entry.

<!-- masking-reviewer:fp=""" + fp("MR001", AUTH, "webhook_endpoints", "url") + " -->\n"


def label_webhook_url(lab: Lab) -> None:
    lab.edit(AUTH, "url: Mapped[str] = mapped_column(sa.Text)",
             "url: Mapped[str] = mapped_column(sa.Text, info=PRIVATE_INFO)")


def test_newly_labelled_column_without_a_rule_gets_one_inline_comment(lab: Lab) -> None:
    lab.open_pr()
    label_webhook_url(lab)
    lab.push("Webhook URLs carry customer tokens in the query string")

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    (review,) = lab.posted_reviews()
    assert review["commit_id"] == lab.head
    assert lab.anchors(review) == [(AUTH, lab.line_of(AUTH, "url: Mapped[str]"), "RIGHT")]
    (comment,) = review["comments"]
    assert comment["body"] == URL_BODY
    assert len(fps(comment["body"])) == 1
    assert fps(review["body"]) == []
    assert (f"::error file={AUTH},line={lab.line_of(AUTH, 'url: Mapped[str]')},"
            "title=MR001 missing-rule::WebhookEndpoint.url is marked PRIVATE") in proc.stdout
    assert [c["body"].startswith(SUMMARY_MARKER) for c in lab.fake.state.issue_comments] == [True]


# --- 2. a mixin column fans out to every table that inherits it -------------------------------


def test_labelling_a_mixin_column_comments_once_per_inheriting_table(lab: Lab) -> None:
    lab.open_pr()
    lab.edit(MIXINS, "return mapped_column(sa.DateTime(timezone=True))",
             'return mapped_column(sa.DateTime(timezone=True), '
             'info={"visibility": ColumnVisibility.MASKED})')
    lab.push("Audit timestamps reveal when a person was active")

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    (review,) = lab.posted_reviews()
    # The declaration starts at its decorator, the line above the def, for both tables.
    line = lab.line_of(MIXINS, "def last_modified_at(cls)") - 1
    assert lab.anchors(review) == [(MIXINS, line, "RIGHT"), (MIXINS, line, "RIGHT")]
    got = sorted(fp_ for c in review["comments"] for fp_ in fps(c["body"]))
    assert got == sorted([fp("MR001", MIXINS, "contact", "last_modified_at"),
                          fp("MR001", MIXINS, "users", "last_modified_at")])
    bodies = "\n".join(c["body"] for c in review["comments"])
    assert '"table": "users"' in bodies and '"table": "contact"' in bodies


# --- 3. the fix is pushed: the gate passes and the old comments are cleaned up ----------------


def test_rerun_after_the_fix_cleans_up_and_edits_the_summary_in_place(lab: Lab) -> None:
    lab.open_pr()
    label_webhook_url(lab)
    lab.edit(AUTH, 'label: Mapped[str] = mapped_column(String(100))',
             'label: Mapped[str] = mapped_column(String(100), info=PRIVATE_INFO)')
    first_head = lab.push("Label webhook URL and API key label")
    first = lab.run()
    assert first.returncode == 1, first.stderr
    posted = {fps(c["body"])[0]: c for c in lab.fake.state.review_comments}
    url_fp = fp("MR001", AUTH, "webhook_endpoints", "url")
    label_fp = fp("MR001", AUTH, "api_keys", "label")
    assert sorted(posted) == sorted([url_fp, label_fp])
    # A human answered one comment: that thread is kept (marked resolved), the other deleted.
    lab.fake.add_review_comment("Static is fine, we never call these in staging.", path=AUTH,
                                line=posted[url_fp]["line"], login="dev",
                                in_reply_to_id=posted[url_fp]["id"], user_type="User")
    (summary_before,) = lab.fake.state.issue_comments
    first_writes = lab.writes()
    fix = lab.cli("fix")
    assert fix.returncode == 0, fix.stderr
    second_head = lab.push("Add the masking rules")
    assert second_head != first_head

    second = lab.run()

    assert second.returncode == 0, second.stdout + second.stderr
    assert len(lab.posted_reviews()) == 1  # nothing new to say, so no second review
    url_id, label_id = posted[url_fp]["id"], posted[label_fp]["id"]
    summary_id = summary_before["id"]
    second_writes = lab.writes()[len(first_writes):]
    assert sorted(second_writes[:2]) == [
        ("DELETE", f"/repos/acme/shop/pulls/comments/{label_id}", 204),
        ("PATCH", f"/repos/acme/shop/pulls/comments/{url_id}", 200),
    ]
    assert second_writes[2:] == [
        ("PATCH", f"/repos/acme/shop/issues/comments/{summary_id}", 200),
    ]
    kept = {c["id"]: c for c in lab.fake.state.review_comments}
    assert label_id not in kept
    assert kept[url_id]["body"].startswith(
        f"~~**🔴 MR001 `missing-rule`**~~ ✅ resolved in {second_head[:12]}\n")
    assert render.RESOLVED_RE.findall(kept[url_id]["body"]) == [url_fp]
    assert fps(kept[url_id]["body"]) == []
    (summary,) = lab.fake.state.issue_comments
    assert summary["id"] == summary_id
    assert summary["body"].startswith(SUMMARY_MARKER + "\n## ✅ masking-reviewer")
    assert "✅ 2 earlier findings resolved." in summary["body"]
    assert f"Reviewed `{second_head[:12]}`" in summary["body"]


# --- 4. a transient 502 on the review POST ----------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "status"),
    [
        pytest.param("502", 502, id="bad gateway"),
        pytest.param("429", 429, id="rate limited"),
        pytest.param("secondary", 403, id="secondary rate limit 403"),
    ],
)
def test_a_transient_failure_on_the_review_post_is_retried_and_posts_once(
    lab: Lab, kind: str, status: int
) -> None:
    lab.open_pr()
    label_webhook_url(lab)
    lab.push("Label webhook URL")
    lab.fake.fail_next_matching("POST", f"/pulls/{NUMBER}/reviews", 1, kind)

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    statuses = [r.status for r in lab.fake.calls("POST", f"/pulls/{NUMBER}/reviews")]
    assert statuses == [status, 200]
    assert len(lab.fake.state.reviews) == 1
    assert [fps(c["body"]) for c in lab.fake.state.review_comments] == [
        [fp("MR001", AUTH, "webhook_endpoints", "url")]
    ]
    assert "Posting the review failed" not in proc.stderr


# --- 5. a finding outside the diff goes to the review body, never to a rejected anchor -------


def test_finding_in_an_untouched_file_goes_to_the_review_body_without_a_422(lab: Lab) -> None:
    lab.open_pr()
    # Labelling a shared column type labels every column of that type, in files the PR
    # never touched: GitHub would reject an inline comment on those lines.
    lab.edit(TYPES, 'Currency = Annotated[str, mapped_column(String(3), default="USD")]',
             'Currency = Annotated[str, mapped_column(String(3), default="USD", '
             'info={"visibility": ColumnVisibility.MASKED})]')
    lab.push("Currency is commercially sensitive")

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    assert 422 not in lab.fake.statuses()
    (review,) = lab.posted_reviews()
    assert review["comments"] == []
    wanted = fp("MR001", BILLING, "invoice", "currency")
    assert fps(review["body"]) == [wanted]
    line = lab.line_of(BILLING, "currency: Mapped[Currency]")
    assert (f"🔴 MR001 <code>missing-rule</code> at {BILLING}:{line}") in review["body"]
    assert "1 finding could not be placed on a line of this diff:" in review["body"]


# --- 6. more findings than inline comments allowed --------------------------------------------


def many_secrets_model(count: int) -> str:
    columns = "".join(
        f"    {'token' if n % 2 else 'secret'}_{n:02d}_secret: Mapped[Optional[str]] = "
        "mapped_column(Text)\n"
        for n in range(1, count + 1)
    )
    return (
        "\n\nclass VaultMirror(Base):\n"
        '    __tablename__ = "vault_mirrors"\n\n'
        "    id: Mapped[int] = mapped_column(primary_key=True)\n" + columns
    )


def test_past_thirty_findings_the_rest_go_to_the_review_body(lab: Lab) -> None:
    lab.open_pr()
    lab.append(INTEGRATIONS, many_secrets_model(35))
    lab.push("Mirror the vault")

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    assert 422 not in lab.fake.statuses()
    (review,) = lab.posted_reviews()
    assert len(review["comments"]) == 30
    inline_columns = [lab.line_of(INTEGRATIONS, f"_{n:02d}_secret:") for n in range(1, 31)]
    assert lab.anchors(review) == [(INTEGRATIONS, line, "RIGHT") for line in inline_columns]
    body_fps = fps(review["body"])
    assert len(body_fps) == 5
    assert len(set(body_fps) | {fps(c["body"])[0] for c in review["comments"]}) == 35
    assert "5 findings could not be placed on a line of this diff or went past the " \
           "30-comment limit:" in review["body"]
    for n in range(31, 36):
        assert f"_{n:02d}_secret" in review["body"]


# --- 7. a baseline: old debt is listed, only new gaps block -----------------------------------

BASELINE = ".masking-reviewer-baseline.json"


def label_api_key_label(lab: Lab) -> None:
    lab.edit(AUTH, 'label: Mapped[str] = mapped_column(String(100))',
             'label: Mapped[str] = mapped_column(String(100), info=PRIVATE_INFO)')


def touch_without_gaps(lab: Lab) -> None:
    lab.edit(AUTH, "class WebhookEndpoint(Base, TimestampMixin):\n",
             'class WebhookEndpoint(Base, TimestampMixin):\n    """Where we POST events."""\n\n')


@pytest.mark.parametrize(
    ("change", "use_baseline", "code", "inline"),
    [
        pytest.param(label_api_key_label, True, 1, [fp("MR001", AUTH, "api_keys", "label")],
                     id="new gap blocks; the baselined one is only listed"),
        pytest.param(touch_without_gaps, True, 0, [],
                     id="no new gap passes although the old gap remains"),
        # Without the baseline the same old gap blocks: the baseline is what lets it through.
        pytest.param(touch_without_gaps, False, 1, [], id="without a baseline the old gap blocks"),
    ],
)
def test_baseline_lets_only_new_gaps_block(
    lab: Lab, change: Any, use_baseline: bool, code: int, inline: list[str]
) -> None:
    label_webhook_url(lab)
    lab.commit_on_main("Label webhook URL (rule to follow)")
    if use_baseline:
        made = lab.cli("baseline")
        assert made.returncode == 0, made.stderr
        assert "recorded 1 known gap(s)" in made.stderr
        lab.edit(PYPROJECT, 'table-naming = "snake_case"\n',
                 f'table-naming = "snake_case"\nbaseline = "{BASELINE}"\n')
        lab.commit_on_main("Adopt masking-reviewer with today's gaps as known debt")
    lab.open_pr()
    change(lab)
    lab.push("The pull request")

    proc = lab.run()

    assert proc.returncode == code, proc.stdout + proc.stderr
    posted = [fp_ for c in lab.fake.state.review_comments for fp_ in fps(c["body"])]
    assert posted == inline
    old = fp("MR001", AUTH, "webhook_endpoints", "url")
    summary = lab.job_summary()
    if use_baseline:
        debt = summary.split("### Known debt (1 baselined finding, not blocking)", 1)[1]
        line = lab.line_of(AUTH, "url: Mapped[str]")
        assert debt.startswith(
            "\n\n| code | severity | location | message | entry |\n"
            "| --- | --- | --- | --- | --- |\n"
            f"| `MR001` missing-rule | 🔴 error | `{AUTH}:{line}` | WebhookEndpoint.url is marked "
            "PRIVATE, but masking_rules.json has no rule for webhook_endpoints.url. | add "
            '`{"table": "webhook_endpoints", "column": "url", "strategy": "static", '
            '"value": "masked"}` |\n'
        )
        assert old not in json.dumps(lab.fake.state.reviews)
    else:
        assert "Known debt" not in summary
    headline = "## ❌ masking-reviewer blocks merging" if code else "## ✅ masking-reviewer passes"
    assert summary.startswith(headline + "\n")


# --- 8. the pull request cannot change the rules it is judged by ------------------------------


def test_config_comes_from_the_base_so_a_pr_cannot_unlabel_everything(lab: Lab) -> None:
    lab.open_pr()
    lab.edit(PYPROJECT, 'table-naming = "snake_case"\n',
             'table-naming = "snake_case"\nlabels = ["Nothing.AT_ALL"]\n')
    label_webhook_url(lab)
    lab.push("Label webhook URL and quietly switch the labels off")

    proc = lab.run()

    assert proc.returncode == 1, proc.stderr
    (review,) = lab.posted_reviews()
    line = lab.line_of(AUTH, "url: Mapped[str]")
    assert lab.anchors(review) == [(AUTH, line, "RIGHT")]
    assert review["comments"][0]["body"] == URL_BODY
    assert f"::error file={AUTH},line={line},title=MR001 missing-rule::" in proc.stdout


def test_a_pr_cannot_baseline_its_own_new_gap(lab: Lab) -> None:
    lab.edit(PYPROJECT, 'table-naming = "snake_case"\n',
             f'table-naming = "snake_case"\nbaseline = "{BASELINE}"\n')
    lab.commit_on_main("Adopt masking-reviewer")
    made = lab.cli("baseline")
    assert made.returncode == 0, made.stderr
    lab.commit_on_main("Empty baseline")
    lab.open_pr()
    label_webhook_url(lab)
    # The PR records its own gap as "known debt": the baseline it is judged by is the base's.
    made = lab.cli("baseline")
    assert made.returncode == 0 and "recorded 1 known gap(s)" in made.stderr, made.stderr
    lab.push("Label webhook URL and baseline it")

    proc = lab.run()

    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert [fps(c["body"]) for c in lab.fake.state.review_comments] == [
        [fp("MR001", AUTH, "webhook_endpoints", "url")]
    ]


# --- README artifacts ---------------------------------------------------------------------------


def test_readme_artifacts_match_a_fresh_capture() -> None:
    script = Path(__file__).resolve().parent.parent / "scripts" / "capture_readme_artifacts.py"

    proc = subprocess.run([sys.executable, str(script), "--check"], capture_output=True,
                          text=True, check=False, timeout=300)

    assert (proc.returncode, proc.stderr) == (0, "")


def test_github_down_for_good_still_fails_the_gate_and_reports(lab: Lab) -> None:
    lab.open_pr()
    label_webhook_url(lab)
    lab.push("Label webhook URL")
    lab.fake.fail_next_matching("POST", f"/pulls/{NUMBER}/reviews", 10_000, "502")

    proc = lab.run(MASKING_REVIEWER_GITHUB_RETRY_TOTAL="0.5")

    assert proc.returncode == 1, proc.stderr
    assert lab.fake.state.reviews == []
    notice = ("::notice title=masking-reviewer::Posting the review failed: POST review: "
              "HTTP 502: Server Error. The check result and the job summary are still complete.")
    assert notice in proc.stdout.splitlines()
    assert "WebhookEndpoint.url is marked PRIVATE" in lab.job_summary()


# --- the adoption pull request: no configuration at the base yet -------------------------

CONFIG_START = "# The repository runs its own gate"


def _strip_config(lab: Lab) -> str:
    """Remove [tool.masking-reviewer] from the sample app's pyproject; return the original."""
    original = (lab.repo.root / PYPROJECT).read_text(encoding="utf-8")
    start = original.index("[tool.masking-reviewer]")
    lab.repo.write(PYPROJECT, original[:start])
    return original


def test_the_first_pull_request_is_checked_with_the_configuration_it_adds(lab: Lab) -> None:
    original = _strip_config(lab)
    lab.commit_on_main("Before adopting masking-reviewer")
    lab.open_pr()
    lab.repo.write(PYPROJECT, original)
    lab.push("Adopt masking-reviewer")

    proc = lab.run()

    assert proc.returncode == 0, proc.stdout + proc.stderr
    notice = ("The base branch has no masking-reviewer configuration yet, so this pull request "
              "is checked with the one it adds (pyproject.toml at the head).")
    assert notice in lab.job_summary()
    assert notice in proc.stdout  # the log and annotations say it too


def test_the_adoption_pull_request_cannot_switch_its_own_gate_off(lab: Lab) -> None:
    original = _strip_config(lab)
    lab.commit_on_main("Before adopting masking-reviewer")
    lab.open_pr()
    weakened = original.replace(
        'table-naming = "snake_case"',
        'table-naming = "snake_case"\nfail-on = "never"\n\n'
        '[tool.masking-reviewer.severity]\nMR001 = "warning"\n', 1)
    assert weakened != original
    lab.repo.write(PYPROJECT, weakened)
    lab.edit(AUTH, "url: Mapped[str] = mapped_column(sa.Text)",
             "url: Mapped[str] = mapped_column(sa.Text, info=PRIVATE_INFO)")
    lab.push("Adopt masking-reviewer, and label webhook URLs")

    proc = lab.run()

    assert proc.returncode == 1, proc.stdout
    assert "title=MR001 missing-rule::WebhookEndpoint.url is marked PRIVATE" in proc.stdout

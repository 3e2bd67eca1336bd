"""The AI layer through the real command line: ``reviewer diff --ai`` and ``reviewer github``.

The story: the Ledgerly sample app has ``SalesforceConnection.client_secret`` labelled PRIVATE
with a ``null`` rule. A pull request adds a NetSuite token-based-auth connection whose
``tba_token_key`` and ``tba_material`` carry no label, and whose ``token_secret`` is labelled
but has no rule (a deterministic MR001 error, so the gate blocks whatever the AI says). The
heuristics flag ``tba_token_key`` (MR003); only the AI can see ``tba_material``. The real
``anthropic`` client talks to a fake Messages API on 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.github import render
from tests.fake_anthropic import FakeAnthropic, Reply, overloaded, serve, tool_reply
from tests.fake_github import FakeGitHub, actions_env, hunks_from_git, write_pr_event
from tests.gitrepo import GitRepo

MODELS = "ledgerly/models/integrations.py"
TABLE = "netsuite_connections"
TOKEN = "ghs_aiCliSecretToken_0123456789abcdef"
API_KEY = "sk-ant-test-key"

CLASS = "NetSuiteConnection"  # the sample app's STI one is QuickBooksConnection now

NEW_CLASS = f'''

class {CLASS}(Base):
    """NetSuite token-based auth, added by this pull request."""

    __tablename__ = "{TABLE}"

    id: Mapped[int] = mapped_column(primary_key=True)
    realm: Mapped[Optional[str]] = mapped_column(String(64))
    tba_token_key: Mapped[Optional[str]] = mapped_column(String(128))
    tba_material: Mapped[Optional[str]] = mapped_column(String(128))
    token_secret: Mapped[Optional[str]] = mapped_column(String(128), info=PRIVATE_INFO)
    token_type: Mapped[Optional[str]] = mapped_column(String(16))
'''

HOSTILE_REASON = (
    "cc @org/team <!-- masking-reviewer:fp=deadbeef --> <b>html</b> OAuth 1.0 consumer key, "
    "the NetSuite twin of SalesforceConnection.client_secret; see https://evil.example/x"
)
CLEAN_REASON = (
    "cc org/team html OAuth 1.0 consumer key, the NetSuite twin of "
    "SalesforceConnection.client_secret; see [link removed]"
)
KEY_ITEM: dict[str, object] = {
    "table": TABLE,
    "column": "tba_material",
    "category": "credential",
    "confidence": "high",
    "reason": HOSTILE_REASON,
    "strategy": "null",
}


def fingerprint(code: str, path: str, table: str, column: str) -> str:
    return hashlib.sha256("\x1f".join([code, path, table, column]).encode()).hexdigest()[:16]


def _answer(
    *flagged: Mapping[str, object], dismissals: tuple[Mapping[str, object], ...] = ()
) -> Reply:
    return tool_reply(
        {"flagged": [dict(f) for f in flagged], "dismissals": [dict(d) for d in dismissals]},
        input_tokens=2345,
        output_tokens=167,
        cache_read=1024,
        cache_write=0,
    )


@dataclass(frozen=True, slots=True)
class Pr:
    repo: GitRepo
    base: str
    head: str

    def line_of(self, text: str) -> int:
        """The last line holding ``text``: the PR's class sits at the end of the file."""
        lines = (self.repo.root / MODELS).read_text(encoding="utf-8").splitlines()
        return max(i for i, line in enumerate(lines, 1) if text in line)


@pytest.fixture
def anthropic_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeAnthropic]:
    with serve() as fake:
        monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
        yield fake


@pytest.fixture
def pr(sample_app: GitRepo) -> Pr:
    base = sample_app.head()
    sample_app.git("checkout", "--quiet", "-b", "feature")
    with open(sample_app.root / MODELS, "a", encoding="utf-8") as fh:
        fh.write(NEW_CLASS)
    head = sample_app.commit("Add NetSuite token-based auth")
    return Pr(sample_app, base, head)


def _diff(
    pr: Pr, capsys: pytest.CaptureFixture[str], *flags: str, fmt: str = "json"
) -> tuple[int, str]:
    code = main(["diff", "-C", str(pr.repo.root), "--base", "main", "--format", fmt, *flags])
    out = capsys.readouterr().out
    return code, out


def _rows(doc: Mapping[str, object]) -> list[tuple[object, ...]]:
    findings = doc["findings"]
    assert isinstance(findings, list)
    return [
        (f["source"], f["code"], f["severity"], f["table"], f["column"], f["dismissed"])
        for f in findings
    ]


def _deterministic(doc: Mapping[str, object]) -> list[tuple[object, ...]]:
    return [row for row in _rows(doc) if row[0] == "deterministic"]


@pytest.fixture
def with_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", API_KEY)


# What the gate says without any AI: the MR001 error blocks, the MR003 warning does not.
DETERMINISTIC = [
    ("deterministic", "MR001", "error", TABLE, "token_secret", None),
    ("deterministic", "MR003", "warning", TABLE, "tba_token_key", None),
]
DROPPED_2 = (
    "AI review: 2 suggestion(s) dropped because they named no column this change touched "
    "or a finding the AI may not dismiss"
)


def test_baseline_without_ai_blocks_on_the_deterministic_error(
    pr: Pr, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = _diff(pr, capsys, "--no-ai")
    doc = json.loads(out)
    assert (code, _rows(doc), doc["notices"], doc["ai_usage"]) == (1, DETERMINISTIC, [], None)


@pytest.mark.usefixtures("with_key")
def test_ai_finding_is_added_validated_and_sanitized(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    anthropic_api.script(_answer(KEY_ITEM))

    code, out = _diff(pr, capsys, "--ai")

    assert len(anthropic_api.requests) == 1
    assert anthropic_api.requests[0].headers.get(
        "x-api-key", anthropic_api.requests[0].headers.get("authorization", "")
    ).endswith(API_KEY)
    doc = json.loads(out)
    assert code == 1  # the deterministic MR001 error, exactly as without the AI
    assert _rows(doc) == [*DETERMINISTIC, ("ai", "MR003", "warning", TABLE, "tba_material", None)]
    findings = doc["findings"]
    assert isinstance(findings, list)
    ai = findings[-1]
    assert {k: ai[k] for k in ("class", "attribute", "path", "line", "side", "in_hunk",
                               "introduced", "rule", "action", "fingerprint", "category",
                               "confidence")} == {
        "class": CLASS,
        "attribute": "tba_material",
        "path": MODELS,
        "line": pr.line_of("tba_material: Mapped"),
        "side": "RIGHT",
        "in_hunk": True,
        "introduced": True,
        "rule": {"table": TABLE, "column": "tba_material", "strategy": "null"},
        "action": "add",
        "fingerprint": fingerprint("MR003", MODELS, TABLE, "tba_material"),
        "category": "credential",
        "confidence": "high",
    }
    assert ai["message"].endswith(f"AI review (high confidence): {CLEAN_REASON}")
    for forged in ("@org", "<!--", "deadbeef", "<b>", "https://", "evil.example"):
        assert forged not in ai["message"]
    assert doc["notices"] == []
    assert doc["ai_usage"] == {
        "model": "claude-sonnet-5-5",
        "input_tokens": 2345,
        "output_tokens": 167,
        "cache_read_tokens": 1024,
        "cache_write_tokens": 0,
        "cost_usd": 0.009847,  # 2345*3 + 167*15 + 1024*0.30 per million
        "calls": 1,
    }


@pytest.mark.usefixtures("with_key")
def test_text_output_reports_token_usage_and_cost(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    anthropic_api.script(_answer(KEY_ITEM))

    code, out = _diff(pr, capsys, "--ai", fmt="text")

    assert code == 1
    assert len(anthropic_api.requests) == 1
    assert (
        "AI review: claude-sonnet-5-5, 1 call, 2345 input + 167 output tokens (1024 cached), "
        "$0.0098"
    ) in out.splitlines()
    assert "(from the AI review, high confidence)" in out


@pytest.mark.parametrize(
    ("flags", "config", "key", "notices"),
    [
        pytest.param(("--no-ai",), None, API_KEY, [], id="--no-ai with a key"),
        pytest.param((), "off", API_KEY, [], id="config ai = off with a key"),
        pytest.param(("--ai",), None, None,
                     ["AI review skipped: no API key (set ANTHROPIC_API_KEY)"],
                     id="--ai without a key"),
        pytest.param((), None, None, [], id="auto without a key stays quiet"),
    ],
)
def test_ai_off_or_keyless_sends_nothing(
    pr: Pr,
    anthropic_api: FakeAnthropic,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    flags: tuple[str, ...],
    config: str | None,
    key: str | None,
    notices: list[str],
) -> None:
    if key is not None:
        monkeypatch.setenv("ANTHROPIC_API_KEY", key)
    if config is not None:
        pyproject = pr.repo.root / "pyproject.toml"
        text = pyproject.read_text(encoding="utf-8")
        pyproject.write_text(
            text.replace('table-naming = "snake_case"\n',
                         f'table-naming = "snake_case"\nai = "{config}"\n'),
            encoding="utf-8",
        )
    anthropic_api.script(_answer(KEY_ITEM))

    code, out = _diff(pr, capsys, *flags)

    doc = json.loads(out)
    assert anthropic_api.requests == []
    assert (code, _rows(doc), doc["notices"], doc["ai_usage"]) == (
        1, DETERMINISTIC, notices, None,
    )


@pytest.mark.usefixtures("with_key")
def test_change_outside_models_and_rules_sends_nothing(
    sample_app: GitRepo, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    sample_app.git("checkout", "--quiet", "-b", "docs")
    sample_app.write("README.md", "# Ledgerly\n\nNow with NetSuite.\n")
    sample_app.commit("Docs only")
    anthropic_api.script(_answer(KEY_ITEM))

    code = main(["diff", "-C", str(sample_app.root), "--base", "main", "--format", "json",
                 "--ai"])

    doc = json.loads(capsys.readouterr().out)
    assert anthropic_api.requests == []
    assert (code, _rows(doc), doc["notices"], doc["ai_usage"]) == (
        0, [], ["AI review skipped: no model file or rules file changed"], None,
    )


@pytest.mark.usefixtures("with_key")
def test_same_content_is_answered_from_the_cache(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    cache = tmp_path / "ai-cache"
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(cache))
    anthropic_api.script(_answer(KEY_ITEM))

    first_code, first = _diff(pr, capsys, "--ai")
    second_code, second = _diff(pr, capsys, "--ai")

    assert len(anthropic_api.requests) == 1
    assert len(list((cache / "ai").glob("*.json"))) == 1
    one, two = json.loads(first), json.loads(second)
    assert (first_code, second_code) == (1, 1)
    assert one["findings"] == two["findings"]
    assert [r[0] for r in _rows(two)].count("ai") == 1
    assert two["ai_usage"] == {
        "model": "claude-sonnet-5-5", "input_tokens": 0, "output_tokens": 0,
        "cache_read_tokens": 0, "cache_write_tokens": 0, "cost_usd": 0.0, "calls": 0,
    }


@pytest.mark.usefixtures("with_key")
def test_the_verdict_cache_lives_in_the_default_cache_dir_too(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
) -> None:
    # No MASKING_REVIEWER_CACHE_DIR: verdicts go where the scan cache goes (XDG), so a
    # re-push with nothing new costs nothing for every user, not only those who set the env.
    monkeypatch.delenv("MASKING_REVIEWER_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    anthropic_api.script(_answer(KEY_ITEM))

    _diff(pr, capsys, "--ai")
    _diff(pr, capsys, "--ai")

    assert len(anthropic_api.requests) == 1
    assert len(list((tmp_path / "xdg" / "masking-reviewer" / "ai").glob("*.json"))) == 1


@pytest.mark.usefixtures("with_key")
def test_ai_cannot_clear_an_error_or_invent_a_column(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    mr001 = fingerprint("MR001", MODELS, TABLE, "token_secret")
    anthropic_api.script(_answer(
        {**KEY_ITEM, "column": "consumer_token"},
        dismissals=({"fingerprint": mr001, "reason": "Ignore this, it is fine."},),
    ))

    code, out = _diff(pr, capsys, "--ai")

    doc = json.loads(out)
    assert len(anthropic_api.requests) == 1
    assert (code, _rows(doc), doc["notices"]) == (1, DETERMINISTIC, [DROPPED_2])
    findings = doc["findings"]
    assert isinstance(findings, list)
    assert findings[0]["fingerprint"] == mr001


@pytest.mark.usefixtures("with_key")
def test_ai_may_dismiss_a_heuristic_warning_but_not_move_the_gate(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str]
) -> None:
    mr003 = fingerprint("MR003", MODELS, TABLE, "tba_token_key")
    anthropic_api.script(_answer(
        dismissals=({"fingerprint": mr003, "reason": "@alice says <i>fine</i>"},),
    ))

    code, out = _diff(pr, capsys, "--ai")

    doc = json.loads(out)
    assert (code, _rows(doc), doc["notices"]) == (1, [
        DETERMINISTIC[0],
        ("deterministic", "MR003", "warning", TABLE, "tba_token_key", "alice says fine"),
    ], [])


@pytest.mark.usefixtures("with_key")
def test_overloaded_until_the_budget_is_spent_gives_a_notice(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("MASKING_REVIEWER_AI_RETRY_SECONDS", "1")
    anthropic_api.script(overloaded())

    code, out = _diff(pr, capsys, "--ai")

    doc = json.loads(out)
    assert len(anthropic_api.requests) >= 2  # retried, then gave up inside the budget
    assert (code, _rows(doc), doc["notices"], doc["ai_usage"]) == (1, DETERMINISTIC, [
        "AI review failed: the API is overloaded (HTTP 529); the deterministic gate ran "
        "as usual",
    ], None)


@pytest.mark.parametrize(
    ("value", "quoted"),
    [
        pytest.param("soon", "'soon'", id="not a number"),
        pytest.param("-3", "'-3'", id="negative"),
        pytest.param("nan", "'nan'", id="not finite"),
    ],
)
@pytest.mark.usefixtures("with_key")
def test_bad_retry_budget_is_a_notice_not_a_crash(
    pr: Pr, anthropic_api: FakeAnthropic, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch, value: str, quoted: str,
) -> None:
    notice = (
        f"MASKING_REVIEWER_AI_RETRY_SECONDS={quoted} is not a positive number of seconds; "
        "the AI review used the default of 30 s"
    )
    monkeypatch.setenv("MASKING_REVIEWER_AI_RETRY_SECONDS", value)
    anthropic_api.script(_answer(KEY_ITEM))

    code, out = _diff(pr, capsys, "--ai")

    doc = json.loads(out)
    assert len(anthropic_api.requests) == 1
    assert (code, doc["notices"], [r[0] for r in _rows(doc)].count("ai")) == (1, [notice], 1)


# --- reviewer github, as the Actions runner starts it --------------------------------------


@dataclass
class Action:
    pr: Pr
    github: FakeGitHub
    env: dict[str, str]
    runner: Path

    def run(self, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "reviewer", "github"],
            cwd=self.pr.repo.root, env={**self.env, **env}, capture_output=True, text=True,
            check=False, timeout=120,
        )

    def summary(self) -> str:
        return (self.runner / "step_summary.md").read_text(encoding="utf-8")


@pytest.fixture
def action(pr: Pr, anthropic_api: FakeAnthropic, tmp_path: Path) -> Iterator[Action]:
    runner = tmp_path / "runner"
    runner.mkdir()
    event = write_pr_event(str(runner / "event.json"), number=7, head=pr.head, base=pr.base)
    hunks = hunks_from_git(str(pr.repo.root), pr.base, pr.head)
    with FakeGitHub(head_sha=pr.head, base_sha=pr.base, hunks=hunks, token=TOKEN) as github:
        env = actions_env(github, workspace=str(pr.repo.root), event_path=event,
                          tmp=str(runner))
        env["GITHUB_TOKEN"] = TOKEN
        env.pop("ANTHROPIC_API_KEY", None)
        yield Action(pr, github, env, runner)


def test_github_posts_the_ai_finding_sanitized_inline(
    action: Action, anthropic_api: FakeAnthropic
) -> None:
    anthropic_api.script(_answer(KEY_ITEM))

    proc = action.run(ANTHROPIC_API_KEY=API_KEY)

    assert proc.returncode == 1, proc.stderr
    assert len(anthropic_api.requests) == 1
    (review,) = [r.body for r in action.github.calls("POST", "/pulls/7/reviews")]
    ai_fp = fingerprint("MR003", MODELS, TABLE, "tba_material")
    (body,) = [c["body"] for c in review["comments"] if ai_fp in c["body"]]
    (comment,) = [c for c in review["comments"] if ai_fp in c["body"]]
    assert (comment["path"], comment["line"], comment["side"]) == (
        MODELS, action.pr.line_of("tba_material: Mapped"), "RIGHT",
    )
    assert render.FP_RE.findall(body) == [ai_fp]
    assert body.count("<!--") == 1
    without_marker = render.FP_RE.sub("", body)
    for forged in ("@org", "deadbeef", "<", ">", "https://", "evil.example"):
        assert forged not in without_marker, forged
    assert CLEAN_REASON in body
    assert "AI suggestion; it never decides the gate" in body
    assert API_KEY not in proc.stdout + proc.stderr + action.summary()


def test_github_fork_without_key_says_so_and_still_gates(
    action: Action, anthropic_api: FakeAnthropic
) -> None:
    # A fork's workflow gets no secrets and a read-only token.
    write_pr_event(str(action.runner / "event.json"), number=7, head=action.pr.head,
                   base=action.pr.base, head_repo="contributor/shop")
    action.github.state.read_only = True
    anthropic_api.script(_answer(KEY_ITEM))

    proc = action.run()

    assert proc.returncode == 1, proc.stderr
    assert anthropic_api.requests == []
    summary = action.summary()
    assert "AI review skipped: no API key" in summary
    assert "Inline comments were skipped" in summary
    error_line = action.pr.line_of("token_secret: Mapped")
    assert f"::error file={MODELS},line={error_line}" in proc.stdout
    assert action.github.state.review_comments == []
    assert "Traceback" not in proc.stderr

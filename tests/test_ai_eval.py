"""The AI evaluation harness: offline paths, and scoring against the fake Messages API."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from benchmarks.ai_eval import CASES, load_case, main, prompt_tokens
from tests.fake_anthropic import FakeAnthropic, serve, tool_reply

LOOKALIKES = load_case(CASES / "lookalikes.json")
NETSUITE = load_case(CASES / "netsuite_three_files.json")
UNUSUAL = load_case(CASES / "unusual_names.json")


def _flag(table: str, column: str) -> dict[str, object]:
    return {
        "table": table,
        "column": column,
        "category": "credential",
        "confidence": "high",
        "reason": "Like the labelled twin.",
        "strategy": "null",
    }


@pytest.fixture
def fake() -> Iterator[FakeAnthropic]:
    with serve() as server:
        yield server


def test_skipped_without_a_key(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 0
    assert capsys.readouterr().out == "skipped: no ANTHROPIC_API_KEY\n"


def test_three_file_pr_prompt_is_under_the_token_target() -> None:
    assert len(NETSUITE.request.hunks) == 3
    assert prompt_tokens(NETSUITE) < 8000


def test_cases_name_only_real_candidates() -> None:
    # An expected answer outside the candidates could never be produced: a broken case.
    for case in (LOOKALIKES, NETSUITE, UNUSUAL):
        keys = {c.key for c in case.request.candidates}
        assert case.expected_flagged <= keys, case.name
        assert case.expected_dismissed <= keys, case.name


def test_scores_against_fake_api(
    fake: FakeAnthropic, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-test")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", fake.url)
    key_prefix = next(f for f in LOOKALIKES.request.findings if f.column == "key_prefix")
    fake.script(
        # cases run in file-name order: lookalikes, netsuite_three_files, unusual_names
        tool_reply({"flagged": [], "dismissals": [
            {"fingerprint": key_prefix.fingerprint, "reason": "A display prefix."}]}),
        tool_reply({"flagged": [
            _flag("netsuite_connections", "consumer_key"),
            _flag("netsuite_connections", "sf_refresh"),
            _flag("users", "recovery_email"),
            _flag("payment_providers", "erp_passphrase"),
            _flag("netsuite_connections", "token_type"),  # a false positive
        ], "dismissals": []}),
        tool_reply({"flagged": [_flag("sage_connections", "signing_pem")], "dismissals": []}),
    )
    assert main([]) == 0
    out = capsys.readouterr().out
    assert len(fake.requests) == 3
    assert "flags: precision 0.83, recall 0.83" in out  # 5 right, 1 wrong, shared_phrase missed
    assert "dismissals: precision 1.00, recall 0.50" in out  # public_key not dismissed

"""The AI layer's pure parts: sanitizing, redaction, when to call, rules, cache keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.ai import should_call
from reviewer.ai.cache import cache_key, load, store
from reviewer.ai.prompt import prompts_dir, redact_diff, redact_line
from reviewer.ai.sanitize import sanitize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("ping @alice now", "ping alice now", id="user mention"),
        pytest.param("cc @acme/security-team", "cc acme/security-team", id="team mention"),
        pytest.param(
            "a <!-- masking-reviewer:fp=0123456789abcdef --> b", "a b", id="forged marker"
        ),
        pytest.param("a <!-- masking-reviewer:summary", "a", id="unterminated comment"),
        pytest.param("<script>x</script>y", "xy", id="html tags"),
        pytest.param("see [here](http://e.example/a)", "see here", id="markdown link"),
        pytest.param("go to https://e.example/a?b=c", "go to [link removed]", id="bare url"),
        pytest.param("www.e.example now", "[link removed] now", id="www url"),
        pytest.param("bell\x07 and\u202e rtl", "bell and rtl", id="control characters"),
        pytest.param("a\n\n## b", "a ## b", id="newlines collapse to one line"),
        pytest.param("run `rm -rf`", "run 'rm -rf'", id="backticks cannot open code spans"),
        pytest.param("1 < 2 > 0", "1 2 0", id="stray angle brackets"),
        pytest.param("x" * 600, "x" * 499 + "…", id="capped at 500 characters"),
    ],
)
def test_sanitize(text: str, expected: str) -> None:
    assert sanitize(text) == expected


@pytest.mark.parametrize(
    ("diff", "expected"),
    [
        pytest.param(
            '+    x = Column(String, default="s3cr3t")',
            '+    x = Column(String, default="<redacted>")',
            id="default",
        ),
        pytest.param(
            "+    x = Column(Text, server_default=text('now()'))",
            '+    x = Column(Text, server_default=text("<redacted>"))',
            id="server default single quotes",
        ),
        pytest.param(
            '-    y = f"{a[\'b\']}" + rb"\\x00"',
            '-    y = f"<redacted>" + rb"<redacted>"',
            id="prefixed strings keep identifiers",
        ),
        pytest.param(
            '+    z = "a\\"b"  # the "real" one',
            '+    z = "<redacted>"  # the "<redacted>" one',
            id="escaped quote and quoted text in a comment",
        ),
        pytest.param(
            '+    doc = """first\n+    sk_live_secret\n+    """\n+    n = 1',
            '+    doc = "<redacted>\n+<redacted>\n+"\n+    n = 1',
            id="triple quoted across lines",
        ),
        pytest.param(
            "+    # don't leak it",
            "+    # don't leak it",
            id="apostrophe in a comment is not a string",
        ),
        pytest.param(
            '+    __tablename__ = "users"\n+    e = "users2"',
            '+    __tablename__ = "users"\n+    e = "<redacted>"',
            id="known table name kept",
        ),
        pytest.param(
            "@@ -1 +1 @@ def f(\"x\"):\n+a = 'b'",
            "@@ -1 +1 @@ def f(\"x\"):\n+a = \"<redacted>\"",
            id="hunk header untouched",
        ),
    ],
)
def test_redact_diff(diff: str, expected: str) -> None:
    assert redact_diff(diff, frozenset({"users"})) == expected


def test_redact_line_in_type_expression() -> None:
    assert redact_line("Enum('gold', 'silver', name='tier')") == (
        'Enum("<redacted>", "<redacted>", name="<redacted>")'
    )


@pytest.mark.parametrize(
    ("changed", "expected"),
    [
        pytest.param(["app/models/user.py"], True, id="model file"),
        pytest.param(["./app/models/user.py"], True, id="dot-slash path"),
        pytest.param(["masking_rules.json"], True, id="rules file"),
        pytest.param(["README.md", "app/views.py"], False, id="nothing relevant"),
        pytest.param([], False, id="empty diff"),
    ],
)
def test_should_call(changed: list[str], expected: bool) -> None:
    assert should_call(changed, ["app/models/user.py"], "masking_rules.json") is expected


def test_cache_key_changes_with_every_input() -> None:
    base = {"model": "m", "prompt_version": 1, "fingerprints": ["a"], "system": "s", "user": "u"}
    key = cache_key(**base)  # type: ignore[arg-type]
    assert cache_key(**{**base, "fingerprints": ["a", "a"]}) == key  # type: ignore[arg-type]
    for name, value in [("model", "m2"), ("prompt_version", 2), ("fingerprints", ["b"]),
                        ("system", "s2"), ("user", "u2")]:
        assert cache_key(**{**base, name: value}) != key, name  # type: ignore[arg-type]


def test_cache_round_trip_and_foreign_file(tmp_path: Path) -> None:
    store(tmp_path, "k1", "m", {"flagged": [], "dismissals": []})
    assert load(tmp_path, "k1") == {"flagged": [], "dismissals": []}
    assert load(tmp_path, "k2") is None
    (tmp_path / "ai" / "k2.json").write_text('{"schema": 1, "key": "other"}', encoding="utf-8")
    assert load(tmp_path, "k2") is None
    assert load(None, "k1") is None


def test_prompts_found_in_the_source_checkout() -> None:
    assert prompts_dir() == Path(__file__).resolve().parent.parent / "prompts"


def test_importing_the_ai_layer_does_not_import_anthropic() -> None:
    code = "import sys, reviewer.ai; print('anthropic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

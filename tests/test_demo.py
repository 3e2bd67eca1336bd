"""`reviewer demo` is the README's first command: it must tell the whole story and exit 0."""

from __future__ import annotations

import subprocess
import sys


def test_demo_tells_the_netsuite_story() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "reviewer", "demo"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    out = proc.stdout
    assert proc.returncode == 0, out + proc.stderr
    assert "Traceback" not in proc.stderr
    # main passes, the PR blocks with the exact entry, the comment is shown, fix makes it pass
    assert out.count("(exit 0)") >= 3
    assert "MR003 unlabeled-sensitive NetSuiteConnection.client_secret" in out
    assert '{"table": "netsuite_connections", "column": "client_secret", "strategy": "null"}' in out
    assert "similar: SalesforceConnection.client_secret (PRIVATE) → null" in out
    assert "(exit 1)" in out
    assert "<!-- masking-reviewer:fp=" in out
    assert "masking_rules.json: added 1 rule(s), removed 0 stale rule(s)" in out
    assert out.rstrip().endswith(
        "The story held: the gate passed on main, blocked the gap, and passed after the fix.")

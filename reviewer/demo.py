"""``reviewer demo``: the problem statement's story, told on the bundled sample app.

1. ``main``: Ledgerly's models and masking_rules.json agree; the gate passes.
2. A pull request adds ``NetSuiteConnection.client_secret`` with no label and no rule, while
   ``SalesforceConnection.client_secret`` is PRIVATE and masked with ``null``.
3. ``reviewer diff`` blocks it and prints the exact entry, then the PR comment as GitHub would
   show it; ``reviewer fix`` writes the entry and the gate passes again.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from reviewer.resources import sample_app_dir

MODEL_FILE = "ledgerly/models/integrations.py"

NETSUITE = '''

class NetSuiteConnection(Base):
    """Token-based auth for NetSuite ERP: invoices and payments sync both ways."""

    __tablename__ = "netsuite_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(index=True)
    realm: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(128))
    client_secret: Mapped[Optional[str]] = mapped_column(Text)
    token_type: Mapped[Optional[str]] = mapped_column(String(16))
'''

_ENV = {
    "GIT_AUTHOR_NAME": "Dana Developer",
    "GIT_AUTHOR_EMAIL": "dana@ledgerly.example",
    "GIT_COMMITTER_NAME": "Dana Developer",
    "GIT_COMMITTER_EMAIL": "dana@ledgerly.example",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=repo,
        env={**os.environ, **_ENV},
        check=True,
        capture_output=True,
    )


def _reviewer(repo: Path, *args: str) -> tuple[int, str]:
    """Run the CLI in-process and capture what a user would see."""
    from reviewer.cli import main

    out = io.StringIO()
    with redirect_stdout(out), redirect_stderr(out):
        code = main([*args, "--root", str(repo)])
    return code, out.getvalue()


def _say(text: str = "") -> None:
    sys.stdout.write(text + "\n")


def _show(repo: Path, args: Sequence[str]) -> int:
    _say(f"$ reviewer {' '.join(args)}")
    code, text = _reviewer(repo, *args)
    for line in text.rstrip("\n").splitlines():
        _say(f"  {line}" if line else "")
    _say(f"  (exit {code})")
    return code


def build_story(where: Path) -> Path:
    """The sample app in a git repo: ``main`` passes, branch ``add-netsuite`` adds the gap."""
    repo = where / "ledgerly"
    shutil.copytree(sample_app_dir(), repo)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Ledgerly 3.14: Salesforce and HubSpot integrations")
    _git(repo, "checkout", "-q", "-b", "add-netsuite")
    path = repo / MODEL_FILE
    path.write_text(path.read_text(encoding="utf-8") + NETSUITE, encoding="utf-8")
    _git(repo, "commit", "-q", "-am", "Add NetSuite token-based auth connection")
    return repo


def run_demo() -> int:
    with tempfile.TemporaryDirectory(prefix="masking-reviewer-demo-") as tmp:
        os.environ.setdefault("MASKING_REVIEWER_CACHE_DIR", str(Path(tmp, "cache")))
        repo = build_story(Path(tmp))
        _say("masking-reviewer demo: Ledgerly, an accounts-receivable SaaS")
        _say(f"(a throwaway git repo in {repo})\n")

        _say("1. On main, every labelled column has a masking rule:")
        _git(repo, "checkout", "-q", "main")
        ok_main = _show(repo, ["check"]) == 0
        _git(repo, "checkout", "-q", "add-netsuite")

        _say("\n2. A pull request adds NetSuiteConnection with an unlabelled client_secret.")
        _say("   SalesforceConnection.client_secret is PRIVATE and masked with null.")
        blocked = _show(repo, ["diff", "--base", "main", "--no-ai"]) == 1

        _say("\n3. On the pull request, the inline review comment reads:\n")
        _say(_pr_comment(repo))
        _say()

        _say("4. The author applies the exact entry:")
        _show(repo, ["fix", "--base", "main", "--dry-run"])
        _show(repo, ["fix", "--base", "main"])
        _git(repo, "commit", "-q", "-am", "Mask the NetSuite client secret")
        _say("$ git commit -am 'Mask the NetSuite client secret'")
        passes = _show(repo, ["diff", "--base", "main", "--no-ai"]) == 0

        story_held = ok_main and blocked and passes
        _say("\nThe story held: the gate passed on main, blocked the gap, and passed after the fix."
             if story_held else "\nThe demo did not go as expected; see the output above.")
        return 0 if story_held else 1


def _pr_comment(repo: Path) -> str:
    from reviewer.config import load_config
    from reviewer.gitdiff import resolve_base
    from reviewer.github.render import inline_body
    from reviewer.review import run_diff
    from reviewer.sources import WorktreeTree

    root = str(repo)
    config = load_config(root, WorktreeTree(root))
    review, _ = run_diff(root, config, base=resolve_base(root, "main"), head="HEAD")
    inline = [f for f in review.findings if f.introduced and f.in_hunk]
    if not inline:
        return "(no inline comment)"
    body = inline_body(inline[0], review.rules_path)
    return "\n".join(f"   > {line}".rstrip() for line in body.splitlines())

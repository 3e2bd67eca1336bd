"""Capture what a pull request author sees, for the README, from a real run.

The NetSuite story: the Ledgerly sample app on ``main``, a pull request that adds
``NetSuiteConnection`` with an unlabelled ``client_secret``, and ``reviewer github`` run as
the Actions runner starts it against the fake GitHub API from the test suite. Writes:

    docs/inline-comment.md  the inline review comment on ``client_secret``, exactly as posted
    docs/job-summary.md     the exact ``$GITHUB_STEP_SUMMARY`` content
    docs/annotations.txt    the workflow commands printed to stdout

    python scripts/capture_readme_artifacts.py          # rewrite docs/
    python scripts/capture_readme_artifacts.py --check  # exit 1 if docs/ is out of date

Git identities and dates are fixed, so commit shas (and every file) are the same on each run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_APP = ROOT / "fixtures" / "sample_app"
DOCS = ROOT / "docs"
MODELS = "ledgerly/models/integrations.py"
TOKEN = "ghs_readmeCaptureToken_0123456789abcdef"  # noqa: S105 - the fake server's token
NETSUITE = '''

class NetSuiteConnection(Base):
    __tablename__ = "netsuite_connections"

    id: Mapped[int] = mapped_column(primary_key=True)
    realm: Mapped[Optional[str]] = mapped_column(String(64))
    client_secret: Mapped[Optional[str]] = mapped_column(Text)
'''
UNLABELLED_DECLARATION = "client_secret: Mapped[Optional[str]] = mapped_column(Text)\n"


@dataclass(frozen=True, slots=True)
class Artifacts:
    inline_comment: str
    job_summary: str
    annotations: str

    def files(self) -> dict[str, str]:
        return {
            "inline-comment.md": self.inline_comment,
            "job-summary.md": self.job_summary,
            "annotations.txt": self.annotations,
        }


class CaptureError(Exception):
    """The story did not go as the README says it does."""


def _git(root: Path, env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=False)
    if proc.returncode != 0:
        raise CaptureError(f"git {' '.join(args)} failed: {proc.stderr.strip()}")
    return proc.stdout.strip()


def _commit(root: Path, env: dict[str, str], message: str) -> str:
    _git(root, env, "add", "--all")
    _git(root, env, "commit", "--quiet", "--no-gpg-sign", "-m", message)
    return _git(root, env, "rev-parse", "HEAD")


def capture(workdir: Path) -> Artifacts:
    # The fake server and the git helpers live with the tests; they are the same ones the
    # end-to-end tests use, so the README shows what those tests pin.
    sys.path.insert(0, str(ROOT))
    from tests.fake_github import FakeGitHub, actions_env, hunks_from_git, write_pr_event
    from tests.gitrepo import GIT_ENV

    git_env = {**os.environ, **GIT_ENV}
    repo = workdir / "ledgerly"
    shutil.copytree(SAMPLE_APP, repo)
    _git(repo, git_env, "-c", "init.defaultBranch=main", "init", "--quiet")
    base = _commit(repo, git_env, "Ledgerly 3.14")
    _git(repo, git_env, "checkout", "--quiet", "-b", "feature")
    with open(repo / MODELS, "a", encoding="utf-8") as fh:
        fh.write(NETSUITE)
    head = _commit(repo, git_env, "Add NetSuite connection")
    secret_line = (repo / MODELS).read_text(encoding="utf-8").splitlines(keepends=True).index(
        "    " + UNLABELLED_DECLARATION) + 1

    runner = workdir / "runner"
    runner.mkdir()
    event = write_pr_event(str(runner / "event.json"), number=7, head=head, base=base)
    with FakeGitHub(head_sha=head, base_sha=base, hunks=hunks_from_git(str(repo), base, head),
                    token=TOKEN) as fake:
        env = actions_env(fake, workspace=str(repo), event_path=event, tmp=str(runner))
        env.update(GIT_ENV)
        env["GITHUB_TOKEN"] = TOKEN
        env["MASKING_REVIEWER_CACHE_DIR"] = str(workdir / "cache")
        env.pop("ANTHROPIC_API_KEY", None)
        proc = subprocess.run(
            [sys.executable, "-m", "reviewer", "github", "--no-ai"], cwd=repo, env=env,
            capture_output=True, text=True, check=False, timeout=300,
        )
        if proc.returncode != 1:
            raise CaptureError(f"expected the gate to fail (exit 1), got {proc.returncode}:\n"
                               f"{proc.stderr}")
        comments = [c for r in fake.calls("POST", "/pulls/7/reviews") if r.status == 200
                    for c in r.body["comments"]]
    on_secret = [c["body"] for c in comments if (c["path"], c["line"]) == (MODELS, secret_line)]
    if len(on_secret) != 1:
        raise CaptureError(f"expected one inline comment on {MODELS}:{secret_line}, got "
                           f"{len(on_secret)} of {len(comments)} posted")
    return Artifacts(
        inline_comment=on_secret[0],
        job_summary=(runner / "step_summary.md").read_text(encoding="utf-8"),
        annotations=proc.stdout,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true",
                        help="exit 1 if the files in docs/ differ from a fresh capture")
    args = parser.parse_args(argv)
    try:
        with tempfile.TemporaryDirectory(prefix="mr-readme-") as tmp:
            artifacts = capture(Path(tmp))
    except CaptureError as exc:
        print(f"capture_readme_artifacts: {exc}", file=sys.stderr)
        return 1
    stale = [name for name, text in artifacts.files().items()
             if not (DOCS / name).exists()
             or (DOCS / name).read_text(encoding="utf-8") != text]
    if args.check:
        for name in stale:
            print(f"docs/{name} is out of date; run scripts/capture_readme_artifacts.py",
                  file=sys.stderr)
        return 1 if stale else 0
    DOCS.mkdir(exist_ok=True)
    for name, text in artifacts.files().items():
        (DOCS / name).write_text(text, encoding="utf-8")
    print(f"wrote {', '.join(f'docs/{n}' for n in artifacts.files())}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

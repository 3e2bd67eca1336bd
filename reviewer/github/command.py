"""``reviewer github``: the GitHub Action's entry point.

On a ``pull_request`` event it reviews ``head.sha`` against the merge-base with ``base.sha``
using local git (the same path as ``reviewer diff``), reading its own configuration from the
base commit so a pull request cannot switch off its own gate. Then it reports three ways:
workflow-command annotations (stdout), the job summary, and, when the token can write, one
review with inline comments plus a summary comment. The exit code is the gate and nothing
else: posting problems become notices, never a green check.

Action inputs arrive as ``INPUT_*`` variables (set through ``env:`` in action.yml); command
line flags win over them. The token is ``INPUT_GITHUB_TOKEN``, else ``GITHUB_TOKEN``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from reviewer.config import load_config
from reviewer.constants import EXIT_FINDINGS, EXIT_INTERNAL, EXIT_OK, EXIT_USAGE
from reviewer.errors import UsageError
from reviewer.github.client import GithubApiError, RetryPolicy, connect, redact
from reviewer.github.event import ActionsEnv, PullRequestEvent, load_pull_request, read_env
from reviewer.github.outputs import write_outputs, write_summary
from reviewer.logsafe import command, one_line, write_trusted
from reviewer.sources import GitTree, WorktreeTree, git, run_git
from reviewer.types import AiMode, Config, FailOn, Review

if TYPE_CHECKING:
    from reviewer.review import AiOptions

SARIF_NAME = "masking-reviewer.sarif"
PR_EVENTS = ("pull_request",)


@dataclass(frozen=True, slots=True)
class GithubArgs:
    """What ``reviewer github`` was asked to do; None means "take the action input"."""

    root: str | None = None
    config: str | None = None
    fail_on: FailOn | None = None
    comment: bool | None = None
    sarif: str | None = None  # a file to write SARIF to
    ai: AiMode | None = None
    model: str | None = None
    use_cache: bool = True

    @classmethod
    def from_namespace(cls, ns: argparse.Namespace) -> GithubArgs:
        return cls(
            root=getattr(ns, "root", None),
            config=getattr(ns, "config", None),
            fail_on=getattr(ns, "fail_on", None),
            comment=False if getattr(ns, "no_comment", False) else None,
            sarif=getattr(ns, "sarif", None),
            ai=getattr(ns, "ai", None),
            model=getattr(ns, "model", None),
            use_cache=not getattr(ns, "no_cache", False),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Arguments and action inputs merged and validated."""

    root: str
    config: str | None
    fail_on: FailOn | None
    comment: bool
    sarif: str | None
    ai: AiMode | None
    model: str | None
    use_cache: bool


def _bool_input(env: ActionsEnv, name: str, default: bool) -> bool:
    raw = env.input(name)
    if raw is None:
        return default
    if raw.lower() in ("true", "false"):
        return raw.lower() == "true"
    raise UsageError(f"action input {name!r} must be 'true' or 'false', got {raw!r}")


def settings(args: GithubArgs, env: ActionsEnv) -> Settings:
    fail_on = args.fail_on or env.input("fail-on")
    if fail_on is not None and fail_on not in ("error", "warning", "never"):
        raise UsageError(f"action input 'fail-on' must be error, warning or never, got {fail_on!r}")
    sarif = args.sarif
    if sarif is None and _bool_input(env, "sarif", False):
        sarif = str(Path(env.runner_temp or args.root or env.workspace or ".", SARIF_NAME))
    root = args.root if args.root not in (None, ".") else (env.workspace or ".")
    return Settings(
        root=str(Path(root).resolve()),
        config=args.config or env.input("config"),
        fail_on=cast("FailOn | None", fail_on),
        comment=args.comment if args.comment is not None else _bool_input(env, "comment", True),
        sarif=sarif,
        ai=args.ai,
        model=args.model or env.input("model"),
        use_cache=args.use_cache,
    )


def run(args: GithubArgs | argparse.Namespace, environ: Mapping[str, str] | None = None) -> int:
    """The action: exit 0 clean, 1 blocking findings, 2 misuse, 3 internal error."""
    if isinstance(args, argparse.Namespace):
        args = GithubArgs.from_namespace(args)
    env = read_env(os.environ if environ is None else environ)
    try:
        return _run(args, env)
    except UsageError as exc:
        message = redact(str(exc), env.token)
        print(f"reviewer github: error: {one_line(message)}", file=sys.stderr)
        command("error", message, title="masking-reviewer")
        return EXIT_USAGE
    except Exception as exc:  # a crash must fail the job, token scrubbed
        message = redact(f"{type(exc).__name__}: {exc}", env.token)
        print(f"reviewer github: internal error: {one_line(message)}", file=sys.stderr)
        command("error", f"{message} (the gate fails closed)",
                title="masking-reviewer internal error")
        return EXIT_INTERNAL


def _log(message: str) -> None:
    print(f"reviewer github: {one_line(message)}", file=sys.stderr)


def _ensure_commit(root: str, sha: str, what: str) -> None:
    if git(root, "cat-file", "-e", f"{sha}^{{commit}}").returncode != 0:
        raise UsageError(
            f"the {what} commit {sha[:12]} is not in the local clone; check out with "
            "actions/checkout and `fetch-depth: 0` so both sides of the pull request exist"
        )


def _config(root: str, tree: GitTree | WorktreeTree, s: Settings) -> Config:
    config = load_config(root, tree, s.config)
    if s.fail_on is not None:
        config = replace(config, fail_on=s.fail_on)
    if s.model is not None:
        config = replace(config, model=s.model)
    return config


def _gate(review: Review, fail_on: FailOn | None) -> int:
    if fail_on == "never":
        return EXIT_OK
    return EXIT_FINDINGS if review.blocking else EXIT_OK


def _run(args: GithubArgs, env: ActionsEnv) -> int:
    s = settings(args, env)
    if not Path(s.root).is_dir():
        raise UsageError(f"not a directory: {s.root}")
    notices: list[str] = []
    pr: PullRequestEvent | None = None
    if env.event_name in PR_EVENTS:
        if not env.event_path:
            raise UsageError("GITHUB_EVENT_PATH is not set; run inside GitHub Actions")
        pr = load_pull_request(env.event_path, env.repository)
        review = _review_pull_request(pr, s)
    else:
        from reviewer.review import run_check

        config = _config(s.root, WorktreeTree(s.root), s)
        review = run_check(s.root, config, use_cache=s.use_cache)
        notices.append(
            f"Inline review needs a pull_request event (this run was triggered by "
            f"{env.event_name or 'something other than GitHub Actions'}); this is the full "
            "check of the repository."
        )

    from reviewer import __version__
    from reviewer.formatters import render

    # Annotations first: they reach the PR even if everything after this fails.
    annotations = render(review, "github")
    if annotations:
        write_trusted(annotations if annotations.endswith("\n") else annotations + "\n")
    code = _gate(review, s.fail_on)

    sarif_path = ""
    if s.sarif:
        _write_sarif(s, render(review, "sarif", tool_version=__version__))
        sarif_path = s.sarif
        from reviewer.formatters.sarif import omitted_note

        capped = omitted_note(review)
        if capped:
            notices.append(capped)

    if pr is not None:
        notices += _post(pr, review, env, s)
    # The review's own notices (AI skipped or failed) are in the summary already; they go to
    # the log and the annotations too.
    for n in [*review.notices, *notices]:
        _log(n)
        command("notice", n, title="masking-reviewer")

    summary = render(review, "markdown", tool_version=__version__)
    if notices:
        summary += "\n" + "\n".join(f"> [!NOTE]\n> {n}\n" for n in notices)
    write_summary(env.step_summary, summary)
    write_outputs(env.output, (
        ("blocking", "true" if code == EXIT_FINDINGS else "false"),
        ("findings-count", str(len(review.new_findings))),
        ("sarif-file", sarif_path),
    ))
    _log(f"{len(review.new_findings)} new finding(s); "
         f"{'blocking' if code == EXIT_FINDINGS else 'not blocking'}")
    return code


def _write_sarif(s: Settings, text: str) -> None:
    """An explicit ``--sarif`` is the user's choice; the default file under the repository
    root (no ``RUNNER_TEMP``) is ours, and must not follow a planted symlink out of it."""
    from reviewer.files import write_in_repo, write_output

    target = Path(s.sarif or SARIF_NAME)
    # The directory is resolved, never the file itself: that may be the planted symlink.
    inside = os.path.realpath(target.parent) == os.path.realpath(s.root)
    if inside and target.name == SARIF_NAME:
        write_in_repo(s.root, SARIF_NAME, text.encode("utf-8", errors="replace"),
                      what="SARIF file")
        return
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create the directory for {target}: {exc.strerror}") from None
    write_output(target, text)


def _review_pull_request(pr: PullRequestEvent, s: Settings) -> Review:
    _ensure_commit(s.root, pr.head_sha, "head")
    _ensure_commit(s.root, pr.base_sha, "base")
    from reviewer.review import run_diff

    merge_base = run_git(s.root, "merge-base", pr.base_sha, pr.head_sha).strip()
    # The base decides the rules of the game: a PR cannot edit its own gate away.
    base_tree = GitTree(s.root, pr.base_sha)
    first = _first_configuration(base_tree, s)
    if first:
        config = _adopting_config(_config(s.root, GitTree(s.root, pr.head_sha), s), s)
    else:
        config = _config(s.root, base_tree, s)
    review, _ = run_diff(s.root, config, base=merge_base, head=pr.head_sha,
                         use_cache=s.use_cache, ai=_ai_options(config, s))
    if first:
        where = config.path or "the defaults"
        review = replace(review, notices=(
            f"The base branch has no masking-reviewer configuration yet, so this pull request "
            f"is checked with the one it adds ({where} at the head). From the next pull "
            f"request on, the base branch's configuration applies.",
            *review.notices))
    return review


def _first_configuration(base: GitTree, s: Settings) -> bool:
    """True when the base commit has no configuration at all: the adoption pull request."""
    from reviewer.config import find_raw_config

    if s.config:
        return base.read(s.config) is None
    return find_raw_config(base)[0] is None


def _adopting_config(config: Config, s: Settings) -> Config:
    """The head's configuration, minus what would let a pull request weaken its own gate:
    it cannot set `fail-on` (only the action input can) nor downgrade an error code."""
    from reviewer.codes import CODES

    kept = tuple((code, sev) for code, sev in config.severity
                 if sev == "error" or code not in CODES or CODES[code].severity != "error")
    return replace(config, fail_on=s.fail_on or "error", severity=kept)


def _ai_options(config: Config, s: Settings) -> AiOptions:
    """Forks get no secrets: with no key the summary says the AI review was skipped."""
    from reviewer.review import AiOptions

    ai = AiOptions.from_env(config, mode=s.ai, model=s.model, use_cache=s.use_cache)
    # In CI a missing key is always worth a visible line, even in "auto" mode.
    return replace(ai, mode="on") if ai.mode == "auto" else ai


def _post(pr: PullRequestEvent, review: Review, env: ActionsEnv, s: Settings) -> list[str]:
    """Post the review; every problem here is a notice, because the exit code is the gate."""
    if not s.comment:
        return ["Inline comments are turned off (input `comment: false`)."]
    if not env.token:
        return ["Inline comments were skipped: no GitHub token (set input `github-token`)."]
    from reviewer.github.poster import post_review

    policy = RetryPolicy.from_env(os.environ)
    gh = connect(env.api_url, env.token, policy=policy)
    try:
        result = post_review(
            gh, pr.repository, pr.number, review, head_sha=pr.head_sha, base_sha=pr.base_sha,
            policy=policy, token=env.token,
        )
    except GithubApiError as exc:
        return [f"Posting the review failed: {redact(str(exc), env.token)}. The check result "
                "and the job summary are still complete."]
    finally:
        gh.close()
    _log(f"posted {result.inline} inline comment(s), {result.in_body} in the review body, "
         f"skipped {result.already_posted} already posted, deleted {result.deleted}, "
         f"marked {result.resolved} resolved; summary comment {result.summary}; "
         f"{result.requests} GitHub API request(s)")
    return list(result.notices)

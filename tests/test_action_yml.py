"""action.yml and the repo's own workflow: inputs reach the program only through ``env:``,
and the step's ``run:`` command, run the way the runner runs it, agrees with the CLI.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.fake_github import FakeGitHub, actions_env, hunks_from_git, read_outputs, write_pr_event
from tests.gitrepo import GitRepo
from tests.test_github_e2e import MODELS, NEW_MODEL

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
WORKFLOW = yaml.safe_load((REPO / ".github/workflows/masking-review.yml").read_text(
    encoding="utf-8"))
TOKEN = "ghs_actionYmlToken_0123456789"
EXPR = re.compile(r"\$\{\{\s*([^}]+?)\s*\}\}")


def review_step() -> dict[str, Any]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("id") == "review"]
    return dict(step)


def evaluate(value: str, context: Mapping[str, str]) -> str:
    """The runner's ``${{ }}`` substitution, for the plain lookups action.yml uses."""
    return EXPR.sub(lambda m: context[m.group(1)], value)


def input_env_name(name: str) -> str:
    return "ANTHROPIC_API_KEY" if name == "anthropic-api-key" else (
        "INPUT_" + name.upper().replace("-", "_"))


def test_action_is_a_thin_composite_that_installs_and_runs_reviewer_github() -> None:
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert 'pip install' in steps[1]["run"] and '"$ACTION_PATH"' in steps[1]["run"]
    assert steps[1]["env"] == {"ACTION_PATH": "${{ github.action_path }}"}
    assert review_step()["run"].strip() == "reviewer github"


@pytest.mark.parametrize("step", [pytest.param(i, id=f"step {i}") for i in range(3)])
def test_no_expression_is_interpolated_into_a_script(step: int) -> None:
    run = ACTION["runs"]["steps"][step].get("run", "")
    assert "${{" not in run


def test_every_input_reaches_the_review_step_through_env_only() -> None:
    env = review_step()["env"]
    assert sorted(ACTION["inputs"]) == sorted(
        ["github-token", "anthropic-api-key", "model", "config", "fail-on", "comment", "sarif"]
    )
    assert env == {input_env_name(n): f"${{{{ inputs.{n} }}}}" for n in ACTION["inputs"]}
    assert ACTION["inputs"]["github-token"]["default"] == "${{ github.token }}"
    assert ACTION["inputs"]["comment"]["default"] == "true"
    assert ACTION["inputs"]["sarif"]["default"] == "false"


def test_outputs_come_from_the_review_step() -> None:
    assert {k: v["value"] for k, v in ACTION["outputs"].items()} == {
        name: f"${{{{ steps.review.outputs.{name} }}}}"
        for name in ("blocking", "findings-count", "sarif-file")
    }


def test_the_repos_own_workflow_is_minimal_and_safe() -> None:
    on = WORKFLOW[True] if True in WORKFLOW else WORKFLOW["on"]  # YAML 1.1 reads `on` as True
    assert list(on) == ["pull_request"]  # never pull_request_target with a head checkout
    assert WORKFLOW["permissions"] == {"contents": "read", "pull-requests": "write"}
    assert WORKFLOW["concurrency"] == {
        "group": "masking-review-${{ github.event.pull_request.number }}",
        "cancel-in-progress": True,
    }
    job = WORKFLOW["jobs"]["review"]
    assert job["permissions"]["security-events"] == "write"
    checkout, action, upload = job["steps"]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0
    assert action["uses"] == "./"
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "${{ steps.masking.outputs.sarif-file }}"


@pytest.fixture
def runner(sample_app: GitRepo, tmp_path: Path) -> Iterator[tuple[FakeGitHub, dict[str, str]]]:
    base = sample_app.head()
    sample_app.git("checkout", "--quiet", "-b", "feature")
    with open(sample_app.root / MODELS, "a", encoding="utf-8") as fh:
        fh.write(NEW_MODEL)
    head = sample_app.commit("Add Xero connection")
    tmp = tmp_path / "runner"
    tmp.mkdir()
    event = write_pr_event(str(tmp / "event.json"), number=7, head=head, base=base)
    with FakeGitHub(head_sha=head, base_sha=base, token=TOKEN,
                    hunks=hunks_from_git(str(sample_app.root), base, head)) as fake:
        env = actions_env(fake, workspace=str(sample_app.root), event_path=event, tmp=str(tmp))
        yield fake, env


def run_step(env: dict[str, str], with_: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    """Run the review step as the runner would: defaults, ``with:``, then ``env:``."""
    inputs = {name: str(spec.get("default", "")) for name, spec in ACTION["inputs"].items()}
    inputs.update(with_)
    context = {"github.token": TOKEN, "github.action_path": str(REPO)}
    context.update({f"inputs.{k}": evaluate(v, context) for k, v in inputs.items()})
    step = review_step()
    step_env = {k: evaluate(v, context) for k, v in step["env"].items()}
    path = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=env["GITHUB_WORKSPACE"],
        env={**env, **step_env, "PATH": path}, capture_output=True, text=True, check=False,
        timeout=120,
    )


def test_running_the_step_reviews_the_pull_request(runner: tuple[FakeGitHub, dict[str, str]]
                                                   ) -> None:
    fake, env = runner

    proc = run_step(env, {"sarif": "true", "fail-on": "error"})

    assert proc.returncode == 1, proc.stderr
    outputs = read_outputs(env["GITHUB_OUTPUT"])
    assert outputs["blocking"] == "true"
    assert outputs["sarif-file"] == str(Path(env["RUNNER_TEMP"], "masking-reviewer.sarif"))
    assert len(fake.calls("POST", "/pulls/7/reviews")) == 1
    assert {r.authorization for r in fake.state.requests} == {f"token {TOKEN}"}
    assert TOKEN not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("with_", "message"),
    [
        pytest.param({"fail-on": "sometimes"}, "action input 'fail-on' must be", id="fail-on"),
        pytest.param({"comment": "nope"}, "action input 'comment' must be", id="comment"),
        pytest.param({"sarif": "maybe"}, "action input 'sarif' must be", id="sarif"),
    ],
)
def test_the_cli_reads_the_inputs_the_action_defines(
    runner: tuple[FakeGitHub, dict[str, str]], with_: dict[str, str], message: str
) -> None:
    fake, env = runner

    proc = run_step(env, with_)

    assert proc.returncode == 2
    assert message in proc.stderr
    assert fake.state.requests == []


def test_comment_false_input_turns_posting_off(runner: tuple[FakeGitHub, dict[str, str]]
                                               ) -> None:
    fake, env = runner

    proc = run_step(env, {"comment": "false"})

    assert proc.returncode == 1, proc.stderr
    assert fake.state.requests == []
    assert "Inline comments are turned off" in proc.stdout

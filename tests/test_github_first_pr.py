"""The adoption pull request: the base has no configuration yet, so the head's is used (and
said so), but a pull request can never use that to weaken its own gate."""

from __future__ import annotations

from tests.test_github_stories import AUTH, PYPROJECT, Lab
from tests.test_github_stories import lab as _lab  # noqa: F401  (the `lab` fixture)

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

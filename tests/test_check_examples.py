"""Every check's examples, run through the real CLI: the documentation is tested code.

Each check module in ``reviewer/checks/`` carries VALID and INVALID examples (in the manner of
Fixit's ``LintRule``). A valid example gives no finding of its check's code; an invalid one
gives exactly the findings it lists, in the order the output lists them. A change example is
reviewed with ``reviewer diff`` against a base that lacks ``models.py``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from reviewer.checks import BY_CODE, CHECKS
from reviewer.checks.base import EXAMPLE_MODELS, Check, Example, example_files
from reviewer.cli import main
from reviewer.codes import CODES
from tests.gitrepo import make_repo


def _params() -> list[object]:
    out: list[object] = []
    for check in CHECKS:
        for kind, examples in (("valid", check.valid), ("invalid", check.invalid)):
            out += [pytest.param(check, kind, ex, id=f"{check.code}-{kind}-{i}")
                    for i, ex in enumerate(examples)]
    return out


def _write(root: Path, example: Example, *, with_models: bool) -> None:
    for name, text in example_files(example).items():
        if with_models or name != EXAMPLE_MODELS:
            (root / name).write_text(text, encoding="utf-8")


def run_example(tmp_path: Path, example: Example, capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The findings ``reviewer check`` (or ``diff``) prints for ``example``, as
    ``path:line: CODE``, in output order."""
    root = tmp_path / "repo"
    root.mkdir()
    argv = ["--format", "json", "--no-cache", "--root", str(root)]
    if example.change:
        repo = make_repo(root)
        _write(root, example, with_models=False)
        repo.commit("base: everything but the models")
        repo.branch("base")
        _write(root, example, with_models=True)
        repo.commit("the change under review")
        argv = ["diff", "--base", "base", "--no-ai", *argv]
    else:
        _write(root, example, with_models=True)
        argv = ["check", *argv]
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    findings = json.loads(out)["findings"]
    assert code == (1 if any(f["blocks"] for f in findings) else 0), err
    return [f"{f['path']}:{f['line']}: {f['code']}" for f in findings]


@pytest.mark.parametrize(("check", "kind", "example"), _params())
def test_example(
    check: Check, kind: str, example: Example, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    found = run_example(tmp_path, example, capsys)
    if kind == "valid":
        assert not [f for f in found if f.endswith(f" {check.code}")], found
    else:
        assert found == list(example.expect)


def test_every_code_is_one_check_with_both_kinds_of_example() -> None:
    assert [c.code for c in CHECKS if c.code in CODES] == [c.code for c in CHECKS]
    assert sorted(BY_CODE) == sorted(CODES) and len(BY_CODE) == len(CHECKS)
    for check in CHECKS:
        assert check.valid and check.invalid, check.code
        assert check.snapshot is not None or check.change is not None, check.code
        for example in check.invalid:
            # every invalid example shows its own code, written as the text output starts it
            assert any(e.endswith(f" {check.code}") for e in example.expect), example.title
            assert all(re.fullmatch(r"[\w./-]+:\d+: MR\d{3}", e) for e in example.expect)


def test_a_check_whose_scope_is_diff_only_has_no_snapshot_part() -> None:
    # codes.Code.scope says where a code is reported; the checks must agree with it.
    for check in CHECKS:
        scope = CODES[check.code].scope
        assert (check.snapshot is not None) == ("check" in scope), check.code
        assert all(ex.change for ex in (*check.valid, *check.invalid)) or "check" in scope


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: c.code)
def test_explain_shows_every_example_of_the_check(
    check: Check, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["explain", check.code]) == 0
    page = capsys.readouterr().out
    for kind, examples in (("Flagged", check.invalid), ("Passes", check.valid)):
        for example in examples:
            assert f"### {kind}: {example.title}\n" in page
            assert all(f"`{e}`" in page for e in example.expect)
    assert example.models.splitlines()[-1] in page


@pytest.mark.parametrize(("model", "ends"), [
    pytest.param("from sqlalchemy import Column\nclass User(Base:\n    pass\n",
                 r"; fix the file so it parses\. "
                 r"The gate fails closed until this file can be read\.",
                 id="reader clause gets its full stop"),
    pytest.param("from sqlalchemy import Column\nclass A(Base):\n    x = Column(\n",
                 r"[^.]\. The gate fails closed until this file can be read\.",
                 id="never two stops"),
])
def test_mr007_message_reads_as_sentences(
    model: str, ends: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "models.py").write_text(model, encoding="utf-8")
    (tmp_path / "masking_rules.json").write_text("{}", encoding="utf-8")
    main(["check", "--format", "json", "--no-cache", "--root", str(tmp_path)])
    (finding,) = [f for f in json.loads(capsys.readouterr().out)["findings"]
                  if f["code"] == "MR007"]
    assert re.search(ends + "$", finding["message"]), finding["message"]

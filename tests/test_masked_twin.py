"""A credential the repository already masks under the same name blocks in a diff (MR003 error):
the team's own decision about that name is evidence a reviewer accepts beside the name's.

Modelled on tacker, whose subscription tables added `authentication` (the callback's
credentials) one after another; only the first was ever read with the whole schema in view.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import make_repo

BASE = '''\
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class VnfLcmSubscription(Base):
    __tablename__ = "vnf_lcm_subscriptions"
    id = Column(Integer, primary_key=True)
    {twin} = Column(Text)
'''

ADDED = '''

class FmSubscription(Base):
    __tablename__ = "fm_subscriptions"
    id = Column(Integer, primary_key=True)
    authentication = Column(Text)
'''


def _rules(*rules: dict[str, str]) -> str:
    return json.dumps({"version": 1, "rules": list(rules)}, indent=2) + "\n"


@pytest.mark.parametrize(("twin", "rule", "severity", "masks"), [
    pytest.param("authentication", {"strategy": "null"}, "error",
                 "VnfLcmSubscription.authentication", id="masked under the same name: blocks"),
    pytest.param("authentication", None, "warning", None,
                 id="the same name unmasked: a warning"),
    pytest.param("authentication", {"strategy": "keep", "note": "test callbacks only"},
                 "warning", None, id="keep is a decision not to mask: a warning"),
    pytest.param("subscription_authentication", {"strategy": "null"}, "warning", None,
                 id="a masked name that only overlaps: a warning"),
])
def test_a_credential_masked_elsewhere_under_its_name_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], twin: str,
        rule: dict[str, str] | None, severity: str, masks: str | None) -> None:
    repo = make_repo(tmp_path / "app")
    repo.write("app/models.py", BASE.format(twin=twin))
    rules = [{"table": "vnf_lcm_subscriptions", "column": twin, **rule}] if rule else []
    repo.write("masking_rules.json", _rules(*rules))
    repo.commit("subscriptions")
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.write("app/models.py", BASE.format(twin=twin) + ADDED)
    repo.commit("fault management subscriptions")

    code = main(["diff", "--root", str(repo.root), "--base", "main", "--format", "json",
                 "--no-ai"])
    doc = json.loads(capsys.readouterr().out)
    (found,) = [f for f in doc["findings"]
                if f["introduced"] and f["column"] == "authentication"
                and f["table"] == "fm_subscriptions"]
    assert (found["code"], found["severity"], found["line"]) == ("MR003", severity, 16)
    if masks is None:
        assert "same name" not in found["message"]
        assert found["evidence"] == "name token 'authentication'"
    else:
        assert f"and {masks} of the same name is masked), but" in found["message"]
        assert found["evidence"] == (
            f"name token 'authentication'; the repository masks {masks} of the same name")
    assert code == (1 if severity == "error" else 0)

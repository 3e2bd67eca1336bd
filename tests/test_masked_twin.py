"""A credential the repository already masks or labels under the same name blocks in a diff
(MR003 error): the team's own decision about that name is evidence a reviewer accepts beside
the name's.

Modelled on tacker, whose subscription tables added `authentication` (the callback's
credentials) one after another; only the first was ever read with the whole schema in view.
A bare `authentication` now blocks on its own name, so the cases use `dsn`, a word that only
warns alone, to show what the repository's own decision adds.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.cli import main
from tests.gitrepo import make_repo

VISIBILITY = '''\
import enum


class ColumnVisibility(enum.Enum):
    PRIVATE = "private"
'''

BASE = '''\
from sqlalchemy import Column, Integer, Text
from sqlalchemy.orm import declarative_base

from app.visibility import ColumnVisibility

Base = declarative_base()


class {base_class}(Base):
    __tablename__ = "{base_table}"
    id = Column(Integer, primary_key=True)
    {twin}
'''

ADDED = '''

class {added_class}(Base):
    __tablename__ = "{added_table}"
    id = Column(Integer, primary_key=True)
    {added} = Column(Text)
'''

PRIVATE = 'info={"visibility": ColumnVisibility.PRIVATE}'
TWIN = "VnfLcmSubscription.dsn"
NAME = "name token 'dsn'"
ALONE = f"confidence: {NAME}), but"  # the name's evidence, and nothing after it


@dataclass(frozen=True)
class Case:
    twin: str  # the column declared at the base
    rule: dict[str, str] | None  # its rule at the base
    severity: str  # of the MR003 on the added column
    told: str  # in its message
    evidence: str
    added: str = "dsn"
    classes: tuple[str, str] = ("VnfLcmSubscription", "FmSubscription")


CASES = [
    pytest.param(Case("dsn = Column(Text)", {"strategy": "null"}, "error",
                      f", and {TWIN} of the same name is masked with null), but",
                      f"{NAME}; the repository masks {TWIN} of the same name"),
                 id="masked under the same name: blocks"),
    pytest.param(Case(f"dsn = Column(Text, {PRIVATE})", None, "error",
                      f", and {TWIN} of the same name is labelled PRIVATE), but",
                      f"{NAME}; the repository labels {TWIN} of the same name"),
                 id="labelled under the same name, no rule yet: blocks"),
    pytest.param(Case("dsn = Column(Text)", None, "warning", ALONE, NAME),
                 id="the same name unmasked: a warning"),
    pytest.param(Case("dsn = Column(Text)",
                      {"strategy": "keep", "note": "test callbacks only"}, "warning", ALONE,
                      NAME),
                 id="keep is a decision not to mask: a warning"),
    pytest.param(Case("subscription_dsn = Column(Text)", {"strategy": "null"},
                      "warning", ALONE, NAME),
                 id="a masked name that only overlaps: a warning"),
    pytest.param(Case(f"sf_refresh = Column(Text, {PRIVATE})", None, "error",
                      "(medium confidence: name token 'refresh', like labelled "
                      "'SalesforceConnection.sf_refresh'), but",
                      "name token 'refresh', like labelled 'SalesforceConnection.sf_refresh'",
                      added="ns_refresh",
                      classes=("SalesforceConnection", "NetSuiteConnection")),
                 id="the classifier's evidence names the labelled sibling already: said once"),
    pytest.param(Case(f"sf_refresh = Column(Text, {PRIVATE})", None, "warning",
                      "(medium confidence: name token 'refresh', like labelled "
                      "'VnfLcmSubscription.sf_refresh'), but",
                      "name token 'refresh', like labelled 'VnfLcmSubscription.sf_refresh'",
                      added="ns_refresh"),
                 id="a low-confidence word labelled on a model of another role: a warning"),
]


def _table(cls: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in cls).lstrip("_") + "s"


@pytest.mark.parametrize("case", CASES)
def test_a_credential_masked_elsewhere_under_its_name_blocks(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], case: Case) -> None:
    base_class, added_class = case.classes
    base = BASE.format(base_class=base_class, base_table=_table(base_class), twin=case.twin)
    repo = make_repo(tmp_path / "app")
    repo.write("app/visibility.py", VISIBILITY)
    repo.write("app/models.py", base)
    column = case.twin.split(" = ")[0]
    rules = [{"table": _table(base_class), "column": column, **case.rule}] if case.rule else []
    repo.write("masking_rules.json",
               json.dumps({"version": 1, "rules": rules}, indent=2) + "\n")
    repo.commit("subscriptions")
    repo.git("checkout", "--quiet", "-b", "feature")
    repo.write("app/models.py", base + ADDED.format(
        added_class=added_class, added_table=_table(added_class), added=case.added))
    repo.commit("fault management subscriptions")

    code = main(["diff", "--root", str(repo.root), "--base", "main", "--format", "json",
                 "--no-ai"])
    doc = json.loads(capsys.readouterr().out)
    (found,) = [f for f in doc["findings"] if f["introduced"] and f["column"] == case.added]
    assert (found["code"], found["severity"], found["line"], found["table"]) == (
        "MR003", case.severity, 18, _table(added_class))
    assert case.told in found["message"]
    assert found["evidence"] == case.evidence
    assert found["blocks"] is (case.severity == "error")
    # a labelled column with no rule at the base blocks on its own (MR001)
    assert code == (1 if found["blocks"] or (PRIVATE in case.twin and not case.rule) else 0)

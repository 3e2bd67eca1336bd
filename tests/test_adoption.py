"""Adopting the gate on a codebase with no labels, no rules and no configuration.

The fixture, Certdesk (``fixtures/unlabelled_app``), is a certificate service in the shape of a
typical Flask-SQLAlchemy app: users with passwords, API keys, CA and certificate private keys,
and not one ``ColumnVisibility`` label. Every test drives the real CLI in a real git repo.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.init import plan_init
from reviewer.strategies import STRATEGIES
from tests.gitrepo import GitRepo, make_repo

APP = Path(__file__).resolve().parent.parent / "fixtures" / "unlabelled_app"
SECRET_STRATEGIES = {"null", "empty", "static", "random"}
# What the classifier is sure are credentials in Certdesk (the fixture's ground truth).
CREDENTIALS = {
    ("users", "password"),
    ("api_tokens", "api_key"),
    ("authorities", "private_key"),
    ("certificates", "private_key"),
}


@pytest.fixture
def certdesk(tmp_path: Path) -> GitRepo:
    root = tmp_path / "certdesk"
    shutil.copytree(APP, root)
    repo = make_repo(root)
    repo.commit("Certdesk 2.3")
    return repo


def run(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main([*args, "--root", str(repo.root)] if args[0] != "demo" else list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def findings(repo: GitRepo, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[
        dict[str, object]]]:
    code, out, _ = run(repo, capsys, *args, "--format", "json")
    return code, list(json.loads(out)["findings"])


def test_the_whole_adoption_journey(certdesk: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # 1. No configuration and no rules: the gate does not pass.
    code, out, _ = run(certdesk, capsys, "check")
    assert code == 1
    assert "MR006" in out and "masking_rules.json not found" in out

    # 2. init: the gate passes, and every credential the classifier knows has a safe rule.
    code, out, _ = run(certdesk, capsys, "init")
    assert code == 0
    assert "wrote pyproject.toml: [tool.masking-reviewer]" in out
    assert "users.password → null   [credential (high confidence)" in out
    code, out, _ = run(certdesk, capsys, "check")
    assert code == 0, out
    assert "0 blocking" in out and "— passes" in out
    rules = json.loads((certdesk.root / "masking_rules.json").read_text())["rules"]
    by_key = {(r["table"], r["column"]): r["strategy"] for r in rules}
    assert set(by_key) >= CREDENTIALS
    assert {by_key[k] for k in CREDENTIALS} <= SECRET_STRATEGIES
    certdesk.commit("Adopt masking-reviewer")

    # 3. A later commit adds an unlabelled api_secret: diff blocks with the exact rule.
    certdesk.branch("feature")
    certdesk.checkout("feature")
    models = certdesk.root / "certdesk/models/notifications.py"
    models.write_text(models.read_text().replace(
        "    active = Column(Boolean, default=True)\n",
        "    active = Column(Boolean, default=True)\n    api_secret = Column(String(128))\n"))
    certdesk.commit("Notifications can sign their webhook calls")
    code, found = findings(certdesk, capsys, "diff", "--base", "main", "--no-ai")
    assert code == 1
    [mr003] = [f for f in found if f["code"] == "MR003"]
    assert (mr003["table"], mr003["column"], mr003["severity"]) == (
        "notifications", "api_secret", "error")
    assert mr003["rule"] == {"table": "notifications", "column": "api_secret", "strategy": "null"}
    assert mr003["introduced"] is True

    # 4. report lists every rule, each exactly once.
    certdesk.checkout("main")
    code, out, _ = run(certdesk, capsys, "report", "--format", "json")
    manifest = json.loads(out)
    listed = [(c["table"], c["column"]) for c in manifest["columns"] + manifest["quasi_identifiers"]
              if c["strategy"] is not None]
    assert sorted(listed) == sorted(by_key)


def test_init_dry_run_writes_nothing_and_prints_the_same_plan(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    before = (certdesk.root / "pyproject.toml").read_bytes()
    code, dry, _ = run(certdesk, capsys, "init", "--dry-run")
    assert code == 0
    assert (certdesk.root / "pyproject.toml").read_bytes() == before
    assert not (certdesk.root / "masking_rules.json").exists()
    assert certdesk.git("status", "--porcelain") == ""
    code, real, _ = run(certdesk, capsys, "init")
    assert dry.replace("would create", "created").replace("would write", "wrote") == real


def test_init_keeps_pyproject_byte_for_byte_and_appends_its_table(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = certdesk.root / "pyproject.toml"
    original = path.read_bytes().replace(b"\n", b"\r\n")  # a Windows checkout
    path.write_bytes(original)
    assert run(certdesk, capsys, "init")[0] == 0
    written = path.read_bytes()
    assert written.startswith(original)
    assert written[len(original):] == (
        b'\r\n[tool.masking-reviewer]\r\nmodels = ["certdesk/models/*.py"]\r\n'
        b'rules = "masking_rules.json"\r\n'
    )


def test_init_without_pyproject_writes_its_own_file(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    certdesk.delete("pyproject.toml")
    certdesk.commit("no packaging metadata")
    code, out, _ = run(certdesk, capsys, "init")
    assert code == 0
    assert "wrote .masking-reviewer.toml" in out
    assert (certdesk.root / ".masking-reviewer.toml").read_text().endswith(
        'models = ["certdesk/models/*.py"]\nrules = "masking_rules.json"\n')
    assert run(certdesk, capsys, "check")[0] == 0


def test_init_on_a_configured_repository_exits_2_and_changes_nothing(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(certdesk, capsys, "init")[0] == 0
    certdesk.commit("adopt")
    code, out, err = run(certdesk, capsys, "init")
    assert code == 2
    assert out == ""
    assert "pyproject.toml: this repository is already configured" in err
    assert certdesk.git("status", "--porcelain") == ""


def test_init_extends_an_existing_rules_file_without_touching_its_entries(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = ('{\n    "version": 1,\n    "rules": [\n'
            '        {"table": "users", "column": "password", "strategy": "static",'
            ' "value": "x"}\n    ]\n}\n')
    certdesk.write("masking_rules.json", mine)
    code, out, _ = run(certdesk, capsys, "init")
    assert code == 0
    text = (certdesk.root / "masking_rules.json").read_text()
    assert text.startswith(mine.split("\n    ]")[0])  # the user's entry, byte for byte
    assert "users.password" not in out  # it already had a rule
    assert "extended masking_rules.json" in out


def test_init_lists_what_it_could_not_decide(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(certdesk, capsys, "init", "--dry-run")
    assert code == 0
    assert "needs a human (2):" in out
    assert ("certdesk/models/certificates.py:11: Authority.owner may be a direct identifier "
            "(medium confidence)") in out
    # a notification's recipients are people (LABELING.md: lists of recipients too)
    assert ("certdesk/models/notifications.py:12: Notification.recipients may be a direct "
            "identifier (medium confidence)") in out
    assert "Role.description" not in out  # a low-confidence guess: `reviewer report` has it


# --- check on a barely labelled repository ------------------------------------------------------

EMPTY_RULES = '{"version": 1, "rules": []}\n'
# api_key is NOT NULL and unique: `null` would be MR008, one placeholder would collide.
SAFE = {key: "random" if key == ("api_tokens", "api_key") else "null" for key in CREDENTIALS}
CONFIG = '\n[tool.masking-reviewer]\nmodels = ["certdesk/models/*.py"]\n'


@pytest.mark.parametrize(
    ("extra_config", "rules", "code", "codes"),
    [
        pytest.param("", EMPTY_RULES, 1, {"MR003"},
                     id="unlabelled credentials with no rule block"),
        pytest.param(
            "", '{"version": 1, "rules": ['
            + ", ".join(f'{{"table": "{t}", "column": "{c}", "strategy": "{s}"}}'
                        for (t, c), s in sorted(SAFE.items())) + "]}\n",
            0, set(), id="a rule for each clears them"),
        pytest.param(
            "".join(f'[[tool.masking-reviewer.exemptions]]\ntable = "{t}"\ncolumn = "{c}"\n'
                    f'reason = "test data only"\n' for t, c in sorted(CREDENTIALS)),
            EMPTY_RULES, 0, set(), id="an exemption with a reason clears them"),
        pytest.param('[tool.masking-reviewer.severity]\nMR003 = "warning"\n', EMPTY_RULES, 0,
                     {"MR003"}, id="a severity override makes them warnings"),
    ],
)
def test_check_holds_unlabelled_credentials_to_the_gate(
    certdesk: GitRepo,
    capsys: pytest.CaptureFixture[str],
    extra_config: str,
    rules: str,
    code: int,
    codes: set[str],
) -> None:
    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG + extra_config)
    certdesk.write("masking_rules.json", rules)
    got, found = findings(certdesk, capsys, "check")
    assert got == code
    assert {f["code"] for f in found} == codes
    if codes:
        assert {(f["table"], f["column"]) for f in found} == CREDENTIALS


def test_mr003_in_check_can_be_baselined(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG
                    + 'baseline = ".masking-reviewer-baseline.json"\n')
    certdesk.write("masking_rules.json", EMPTY_RULES)
    assert run(certdesk, capsys, "baseline")[0] == 0
    entries = json.loads((certdesk.root / ".masking-reviewer-baseline.json").read_text())
    assert {(e["table"], e["column"]) for e in entries["entries"]} == CREDENTIALS
    code, found = findings(certdesk, capsys, "check")
    assert code == 0
    assert all(f["baselined"] for f in found if f["code"] == "MR003")


def test_the_test_helper_fails_on_unlabelled_credentials(certdesk: GitRepo) -> None:
    from reviewer.testing import assert_masking_gate

    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG)
    certdesk.write("masking_rules.json", EMPTY_RULES)
    with pytest.raises(AssertionError, match=r"4 blocking findings\n.*MR003") as info:
        assert_masking_gate(certdesk.root)
    assert ('add to masking_rules.json: {"table": "users", "column": "password", '
            '"strategy": "null"}') in str(info.value)


def test_a_tree_without_labels_says_which_labels_it_looked_for(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG + 'labels = ["Vault", "Sensitive"]\n')
    certdesk.write("masking_rules.json", EMPTY_RULES)
    _, out, _ = run(certdesk, capsys, "check")
    assert ("notice: no column carries a configured label (looked for: Vault, Sensitive)"
            in out)


def test_strategies_named_safe_for_secrets_exist() -> None:
    assert set(STRATEGIES) >= SECRET_STRATEGIES


def test_fix_adds_the_rules_for_unlabelled_credentials(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG)
    certdesk.write("masking_rules.json", EMPTY_RULES)
    assert run(certdesk, capsys, "fix")[0] == 0
    rules = json.loads((certdesk.root / "masking_rules.json").read_text())["rules"]
    assert {(r["table"], r["column"]): r["strategy"] for r in rules} == SAFE
    assert run(certdesk, capsys, "check")[0] == 0


@pytest.mark.parametrize(
    ("type_expr", "imports"),
    [
        pytest.param("Vault(255)", "from certdesk.types import Vault\n",
                     id="an app's own encrypted TypeDecorator"),
        pytest.param("EncryptedType(String, SECRET_KEY)",
                     "from sqlalchemy_utils import EncryptedType\nSECRET_KEY = 'k'\n",
                     id="sqlalchemy-utils EncryptedType"),
    ],
)
def test_a_label_can_name_a_column_type(
    certdesk: GitRepo, capsys: pytest.CaptureFixture[str], type_expr: str, imports: str
) -> None:
    label = type_expr.split("(", 1)[0]
    path = certdesk.root / "pyproject.toml"
    path.write_text(path.read_text() + CONFIG + f'labels = ["{label}"]\n')
    certdesk.write("masking_rules.json", EMPTY_RULES)
    certdesk.write("certdesk/types.py", "class Vault:\n    pass\n")
    models = certdesk.root / "certdesk/models/notifications.py"
    models.write_text(imports + models.read_text().replace(
        "    active = Column(Boolean, default=True)\n",
        f"    active = Column(Boolean, default=True)\n    smtp_login = Column({type_expr})\n"))
    code, found = findings(certdesk, capsys, "check")
    assert code == 1
    [mr001] = [f for f in found if f["code"] == "MR001"]
    assert (mr001["table"], mr001["column"]) == ("notifications", "smtp_login")
    assert f"is marked {label}" in str(mr001["message"])


# --- init picks the table naming from how the models import Flask-SQLAlchemy ---------------------

NAMELESS_MODEL = """\
db = SQLAlchemy()


class BillItem(db.Model):
    id = db.Column(db.Integer, primary_key=True)
"""
PLAIN_DECLARATIVE = """\
from sqlalchemy import Column, Integer
from sqlalchemy.orm import declarative_base

Base = declarative_base()


class BillItem(Base):
    id = Column(Integer, primary_key=True)
"""


@pytest.mark.parametrize(("source", "naming"), [
    pytest.param("from flask_sqlalchemy import SQLAlchemy\n" + NAMELESS_MODEL,
                 "flask-sqlalchemy", id="flask_sqlalchemy"),
    pytest.param("from flask.ext.sqlalchemy import SQLAlchemy\n" + NAMELESS_MODEL,
                 "flask-sqlalchemy", id="flask.ext.sqlalchemy (Flask before 1.0)"),
    pytest.param("from flaskext.sqlalchemy import SQLAlchemy\n" + NAMELESS_MODEL,
                 "flask-sqlalchemy", id="flaskext.sqlalchemy (Flask before 0.8)"),
    pytest.param(PLAIN_DECLARATIVE, None, id="plain declarative: left for a human"),
])
def test_init_picks_flask_sqlalchemy_naming_from_its_import(
    tmp_path: Path, source: str, naming: str | None
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(source)
    plan = plan_init(str(tmp_path))
    assert plan.config.table_naming == naming
    if naming is None:
        assert any("no Flask-SQLAlchemy naming was found" in u for u in plan.undecided)
    else:
        assert f'table-naming = "{naming}"' in plan.config_new

"""The keys the code stores in a key/value table's rows, and what the classifier makes of them.

The fixture is a small door-access service written for these tests: badges keep what they
know in key/value rows (``BadgeInfo`` with ``Key``/``Value``), the site keeps its settings
as rows (``SiteSetting`` with ``key``/``value``), card readers keep options (``opt_key`` /
``opt_value``), and doors have a ``key`` that is no key/value row. Code around the models
stores and looks up rows the ways real services do (the constructor, ``filter_by``, a
comparison, a helper that builds the row from its parameter).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.review import classify_inventory
from reviewer.row_keys import KeyValue, key_value_rows, row_keys
from reviewer.sources import MemoryTree
from reviewer.vocabulary import load_vocabulary
from tests.code_evidence import EvidenceApp, Judged
from tests.gitrepo import GitRepo, isolate_git, make_repo

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Badge(Base):
    __tablename__ = "badges"
    id = Column(Integer, primary_key=True)
    label = Column(String(80))


class BadgeInfo(Base):
    __tablename__ = "badge_info"
    id = Column(Integer, primary_key=True)
    badge_id = Column(Integer, ForeignKey("badges.id"))
    Key = Column(String(255))
    Value = Column(Text)


class SiteSetting(Base):
    __tablename__ = "site_settings"
    id = Column(Integer, primary_key=True)
    key = Column(String(64), unique=True)
    value = Column(Text)


class ReaderOption(Base):
    __tablename__ = "reader_options"
    id = Column(Integer, primary_key=True)
    opt_key = Column(String(64))
    opt_value = Column(String(255))
    opt_count = Column(Integer)


class Door(Base):
    __tablename__ = "doors"
    id = Column(Integer, primary_key=True)
    key = Column(String(64))
    floor = Column(Integer)
'''


APP = EvidenceApp("doors/models.py", MODELS)
_files = APP.files
_inventory = APP.inventory


def test_a_key_value_table_is_a_value_beside_a_key_with_the_same_words_before_it() -> None:
    rows = key_value_rows(_inventory(MemoryTree(_files())).columns, load_vocabulary())
    assert sorted(rows, key=lambda r: r.value) == [
        KeyValue("BadgeInfo", "Key", ("badge_info", "Value")),
        KeyValue("ReaderOption", "opt_key", ("reader_options", "opt_value")),
        KeyValue("SiteSetting", "key", ("site_settings", "value")),
    ]


def _keys(files: dict[str, str]) -> list[tuple[str, str, str, str, str, int]]:
    tree = MemoryTree(files)
    rows = key_value_rows(_inventory(tree).columns, load_vocabulary())
    found = row_keys(tree, rows, min_words=2)
    return [(table, column, k.key, k.use, k.path, k.line)
            for (table, column), keys in sorted(found.items()) for k in keys]


BADGES = '''\
from doors.models import BadgeInfo


class BadgeService:
    EMAIL_KEY = "holder_email"

    def add_info(self, key, value):
        self.session.add(BadgeInfo(badge_id=self.badge.id, Key=key, Value=value))

    def enrol(self, secret, email):
        self.add_info("enrolment_secret", secret)
        self.add_info(self.EMAIL_KEY, email)
'''


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(
            {"doors__api": '''\
                from doors import models

                def create(badge, pin):
                    return models.BadgeInfo(badge_id=badge.id, Key="door_pin", Value=pin)
                '''},
            [("badge_info", "Value", "door_pin", "stores", "doors/api.py", 4)],
            id="the constructor with a literal key"),
        pytest.param(
            {"doors__lookup": '''\
                from doors.models import BadgeInfo, SiteSetting

                def holder(session, badge):
                    row = session.query(BadgeInfo).filter_by(badge_id=badge.id,
                                                             Key="holder_phone").first()
                    smtp = SiteSetting.query.filter_by(key="smtp_password").one()
                    return row, smtp
                '''},
            [("badge_info", "Value", "holder_phone", "reads", "doors/lookup.py", 4),
             ("site_settings", "value", "smtp_password", "reads", "doors/lookup.py", 6)],
            id="filter_by on a query that names the model"),
        pytest.param(
            {"doors__lookup": '''\
                from doors.models import ReaderOption, SiteSetting

                def options(session):
                    a = session.query(ReaderOption).filter(ReaderOption.opt_key == "wiegand_bits")
                    b = session.query(SiteSetting).filter("api_token" == SiteSetting.key)
                    return a, b
                '''},
            [("reader_options", "opt_value", "wiegand_bits", "reads", "doors/lookup.py", 4),
             ("site_settings", "value", "api_token", "reads", "doors/lookup.py", 5)],
            id="a comparison on the key column, either way round"),
        pytest.param(
            {"doors__db": '''\
                from doors import models

                def save_secret(session, value):
                    row = models.SiteSetting()
                    row.key = "ldap_bind_password"
                    row.value = value
                    session.add(row)
                '''},
            [("site_settings", "value", "ldap_bind_password", "stores", "doors/db.py", 5)],
            id="a new row's key set by assignment"),
        pytest.param(
            {"doors__badges": BADGES},
            [("badge_info", "Value", "enrolment_secret", "stores", "doors/badges.py", 11),
             ("badge_info", "Value", "holder_email", "stores", "doors/badges.py", 12)],
            id="one level through a method, a class constant for a key"),
        pytest.param(
            {"doors__settings": '''\
                from doors.models import SiteSetting

                SMTP_KEY = "smtp_password"

                def put_setting(session, key, value=None):
                    session.add(SiteSetting(key=key, value=value))

                def configure(session, form):
                    put_setting(session, "site_name", form.name)
                    put_setting(session, key=SMTP_KEY, value=form.smtp)
                '''},
            [("site_settings", "value", "site_name", "stores", "doors/settings.py", 9),
             ("site_settings", "value", "smtp_password", "stores", "doors/settings.py", 10)],
            id="one level through a module function, by position and by name"),
        pytest.param(
            {"doors__badges": BADGES,
             "doors__admin": '''\
                 from doors import badges

                 def grant(service, badge):
                     service.add_info("granted_by", "admin")
                     badges.add_info(badge, "colour")
                 '''},
            [("badge_info", "Value", "granted_by", "stores", "doors/admin.py", 4),
             ("badge_info", "Value", "enrolment_secret", "stores", "doors/badges.py", 11),
             ("badge_info", "Value", "holder_email", "stores", "doors/badges.py", 12)],
            id="a method called on any receiver; a module's function is not the method"),
        pytest.param(
            {"doors__badges": BADGES,
             "doors__readers": '''\
                 class ReaderService:
                     def add_info(self, key, value):
                         self.log[key] = value

                     def boot(self):
                         self.add_info("firmware", "1.2")
                 '''},
            [],
            id="a name two methods have gives nothing"),
        pytest.param(
            {"doors__settings": '''\
                from doors.models import SiteSetting

                class SettingStore:
                    def set(self, key, value):
                        SiteSetting(key=key, value=value)

                def use(cache, backend):
                    cache.set("session_token", 1)
                    SettingStore().set("theme", "dark")
                    backend.set("motd", "hi")
                '''},
            [("site_settings", "value", "theme", "stores", "doors/settings.py", 9)],
            id="a one-word method needs a receiver that names its class"),
        pytest.param(
            {"doors__store": '''\
                from doors.models import SiteSetting

                def put(key, value):
                    SiteSetting(key=key, value=value)

                def seed():
                    put("site_name", "Lobby")
                ''',
             "doors__sync": '''\
                from requests import put

                def push(url):
                    put("api_token", url)
                '''},
            [("site_settings", "value", "site_name", "stores", "doors/store.py", 7)],
            id="a one-word function counts in its own file only"),
        pytest.param(
            {"doors__api": '''\
                from doors.models import BadgeInfo, Door

                def create(badge, key, spec):
                    BadgeInfo(Key=key, Value=1)
                    BadgeInfo(Key=spec["name"], Value=2)
                    BadgeInfo(Key="pin_" + badge.id, Value=3)
                    Door(key="master_password")
                    return Door.key == "service_password"
                '''},
            [],
            id="a key that is no literal, and another model's key column"),
        pytest.param(
            {"tests__test_badges": "from doors.models import BadgeInfo\n"
                                   "def test_it():\n    BadgeInfo(Key='api_token')\n",
             "doors__migrations__versions__0001":
                 "from doors.models import BadgeInfo\n"
                 "def upgrade():\n    BadgeInfo(Key='api_token')\n"},
            [],
            id="tests and migrations are not read"),
    ],
)
def test_row_keys(code: dict[str, str],
                  expected: list[tuple[str, str, str, str, str, int]]) -> None:
    assert _keys(_files(**code)) == expected


def _judged(files: dict[str, str]) -> Judged:
    return APP.judged(files, lambda c: c.column in ("Value", "value", "opt_value"))


# a settings table's name says nothing of its values (classifier: config_tables)
_NOTHING = {
    ("badge_info", "Value"): (None, None, None),
    ("site_settings", "value"): (None, None, None),
    ("reader_options", "opt_value"): (None, None, None),
}


@pytest.mark.parametrize(
    ("code", "changed"),
    [
        pytest.param({}, {}, id="no code, no evidence"),
        pytest.param(
            {"doors__badges": BADGES},
            {("badge_info", "Value"): (
                "credential", "high", "the code stores a row with Key 'enrolment_secret': "
                "doors/badges.py:11")},
            id="a secret's key makes the value a credential"),
        pytest.param(
            {"doors__api": '''\
                from doors.models import BadgeInfo, ReaderOption

                def f(badge):
                    BadgeInfo(Key="holder_email", Value=badge.email)
                    BadgeInfo(Key="colour", Value="red")
                    ReaderOption(opt_key="reader_certificate", opt_value="...")
                '''},
            {("badge_info", "Value"): (
                "direct_identifier", "high", "the code stores a row with Key 'holder_email': "
                "doors/api.py:4"),
             ("reader_options", "opt_value"): (
                "credential", "medium", "the code stores a row with opt_key "
                "'reader_certificate': doors/api.py:6")},
            id="an e-mail key makes a direct identifier; a medium key gives medium"),
        pytest.param(
            {"doors__lookup": '''\
                from doors.models import SiteSetting

                def smtp():
                    return SiteSetting.query.filter_by(key="smtp_password").one().value
                '''},
            {("site_settings", "value"): (
                "credential", "high",
                "the code looks up a row with key 'smtp_password': doors/lookup.py:4")},
            id="a settings table the code keeps a password in blocks"),
        pytest.param(
            {"doors__api": '''\
                from doors.models import SiteSetting

                def f():
                    SiteSetting(key="site_name", value="Lobby")
                    SiteSetting(key="theme", value="dark")
                '''},
            {},
            id="harmless keys change nothing"),
    ],
)
def test_the_classifier_judges_a_value_by_the_keys_of_its_rows(
        code: dict[str, str],
        changed: dict[tuple[str, str], tuple[str | None, str | None, str | None]]) -> None:
    assert _judged(_files(**code)) == {**_NOTHING, **changed}


class _CountingTree(MemoryTree):
    def __init__(self, files: dict[str, str]) -> None:
        super().__init__(files)
        self.reads: list[str] = []

    def read(self, path: str) -> str | None:
        self.reads.append(path)
        return super().read(path)


@pytest.mark.parametrize("use_cache", [pytest.param(False, id="no cache"),
                                       pytest.param(True, id="per-file stores, cold")])
def test_one_classification_reads_each_code_file_once(
        use_cache: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # six passes over the code: blob keys, value sources (the helpers each file exports,
    # then the uses), row keys (the rows, then the calls of the functions that store them) and
    # declarations; the files are read for all at once
    from reviewer import blob_keys, declared_secrets, value_sources
    from reviewer import row_keys as row_keys_module
    from reviewer.column_uses import read_code

    passes: list[str] = []
    for module in (blob_keys, value_sources, row_keys_module, declared_secrets):
        def counted(*args: object, name: str = module.__name__, **kwargs: object) -> object:
            passes.append(name.rsplit(".", 1)[-1])
            return read_code(*args, **kwargs)  # type: ignore[arg-type]
        monkeypatch.setattr(module, "read_code", counted)
    files = _files(doors__badges=BADGES)
    tree = _CountingTree(files)
    judged = classify_inventory(_inventory(MemoryTree(files)), load_vocabulary(), tree,
                                use_cache=use_cache)
    assert judged.by_key()[("badge_info", "Value")].evidence == (
        "the code stores a row with Key 'enrolment_secret': doors/badges.py:11")
    assert sorted(passes) == ["blob_keys", "declared_secrets", "row_keys", "row_keys",
                              "value_sources", "value_sources"]
    # with the stores, each file is also read once for its content id
    assert sorted(tree.reads) == sorted(["doors/badges.py", "doors/models.py"]
                                        * (2 if use_cache else 1))


def test_the_ai_prompt_carries_the_key_evidence() -> None:
    from reviewer.ai import AiRequest, render_request

    tree = MemoryTree(_files(doors__badges=BADGES))
    inventory = classify_inventory(_inventory(tree), load_vocabulary(), tree)
    column = inventory.by_key()[("badge_info", "Value")]
    hunk = "@@ -20,0 +21,1 @@ class BadgeInfo(Base):\n+    Value = Column(Text)\n"
    rendered = render_request(AiRequest(hunks=(("doors/models.py", hunk),),
                                        candidates=(column,), findings=(), similar=(),
                                        inventory=inventory))
    assert ("classifier: credential, high confidence (the code stores a row with Key "
            "'enrolment_secret': doors/badges.py:11)") in rendered.user


# ------------------------------------------------------------------ through the CLI, cached

RULES = json.dumps({"version": 1, "rules": []})


@pytest.fixture
def doors(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "doors")
    for path, text in _files(doors__badges=BADGES.replace("enrolment_secret", "colour")
                             .replace("self.EMAIL_KEY", '"issued"')).items():
        repo.write(path, text)
    repo.write(".masking-reviewer.toml", 'models = ["doors/models.py"]\n')
    repo.write("masking_rules.json", RULES)
    repo.commit("doors")
    return repo


def _diff(root: Path, capsys: pytest.CaptureFixture[str], fmt: str = "json") -> tuple[int, str]:
    code = main(["diff", "-C", str(root), "--base", "main", "--no-ai", "--format", fmt])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, out


def test_a_pull_request_that_stores_a_secret_in_badge_rows_is_blocked(
        doors: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # the pull request adds key/value rows for visitors, and a helper (one level) that
    # stores each visitor's door password there: the new Value column's MR003 blocks
    doors.branch("feature")
    doors.checkout("feature")
    doors.write("doors/models.py", MODELS + textwrap.dedent('''\


        class VisitorInfo(Base):
            __tablename__ = "visitor_info"
            id = Column(Integer, primary_key=True)
            Key = Column(String(255))
            Value = Column(Text)
        '''))
    doors.write("doors/visitors.py", textwrap.dedent('''\
        from doors.models import VisitorInfo


        def add_visitor_info(session, key, value):
            session.add(VisitorInfo(Key=key, Value=value))


        def register(session, pin):
            add_visitor_info(session, "door_password", pin)
        '''))
    doors.commit("Visitors get a door password")
    code, out = _diff(doors.root, capsys)
    [mr003] = [f for f in json.loads(out)["findings"] if f["code"] == "MR003"]
    assert code == 1
    assert (mr003["table"], mr003["column"], mr003["severity"], mr003["line"]) == (
        "visitor_info", "Value", "error", 49)
    assert mr003["evidence"] == ("the code stores a row with Key 'door_password': "
                                 "doors/visitors.py:9")
    assert "the code stores a row with Key 'door_password': doors/visitors.py:9" in _diff(
        doors.root, capsys, "markdown")[1]


def test_a_warm_run_sees_a_key_stored_outside_the_model_files(
        doors: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    def scan() -> tuple[object, ...]:
        main(["scan", "--format", "json", "--root", str(doors.root)])
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        [value] = [(c["category"], c["confidence"], c["evidence"])
                   for c in json.loads(out)["columns"]
                   if (c["table"], c["column"]) == ("badge_info", "Value")]
        return value

    assert scan() == (None, None, None)
    assert scan() == (None, None, None)
    doors.write("doors/badges.py", BADGES)  # not a model file: it stores the enrolment secret
    assert scan() == ("credential", "high", "the code stores a row with Key "
                      "'enrolment_secret': doors/badges.py:11")


def test_a_warm_diff_reads_only_the_files_the_pull_request_changed(
        doors: GitRepo, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # what each file holds is kept by its content: the head side of the diff reads the one
    # file the pull request changed, and a second diff reads nothing
    from reviewer import row_keys as module

    read: list[str] = []
    real = module._read_direct
    monkeypatch.setattr(module, "_read_direct", lambda models, text, mention, path:
                        read.append(path) or real(models, text, mention, path))
    doors.branch("feature")
    doors.checkout("feature")
    doors.write("doors/badges.py", BADGES)
    doors.commit("Badges keep their enrolment secret")

    def diff() -> list[tuple[str, str]]:
        return [(f["code"], f["evidence"]) for f in json.loads(_diff(doors.root, capsys)[1])[
            "findings"] if f["column"] == "Value"]

    assert diff() == [("MR003", "the code stores a row with Key 'enrolment_secret': "
                                "doors/badges.py:11")]
    assert sorted(read) == ["doors/badges.py", "doors/badges.py", "doors/models.py"]
    assert diff() == [("MR003", "the code stores a row with Key 'enrolment_secret': "
                                "doors/badges.py:11")]
    assert len(read) == 3

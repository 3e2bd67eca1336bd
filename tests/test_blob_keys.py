"""The keys the code keeps in a blob column, and what the classifier makes of them.

The fixture is a small print-fleet service written for these tests: printers keep how to
reach them in a JSON blob, storage targets keep their connection properties, jobs keep their
settings pickled. Code around the models reads and writes keys the ways real services do
(an alias of the blob, ``.get``, subscripts, a dict assigned, the model's constructor).
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reviewer.blob_keys import stored_keys
from reviewer.cli import main
from reviewer.code_verdicts import keyed_blob
from reviewer.column_uses import without_type_params
from reviewer.review import classify_inventory
from reviewer.selection import code_files
from reviewer.sources import MemoryTree
from reviewer.types import Column, StoredKey
from reviewer.vocabulary import load_vocabulary
from tests.code_evidence import EvidenceApp, Judged, scanned
from tests.gitrepo import GitRepo, isolate_git, make_repo

MODELS = '''\
from sqlalchemy import JSON, Column, ForeignKey, Integer, PickleType, String, Text
from sqlalchemy.orm import DeclarativeBase

from fleet.db_types import JsonEncodedDict


class Base(DeclarativeBase):
    pass


class Printer(Base):
    __tablename__ = "printers"
    id = Column(Integer, primary_key=True)
    name = Column(String(80))
    control_info = Column(JsonEncodedDict)
    properties = Column(JSON)
    extra = Column(JSON)
    notes = Column(Text)


class StorageTarget(Base):
    __tablename__ = "storage_targets"
    id = Column(Integer, primary_key=True)
    printer_id = Column(Integer, ForeignKey("printers.id"))
    properties = Column(JSON)


class PrintJob(Base):
    __tablename__ = "print_jobs"
    id = Column(Integer, primary_key=True)
    settings = Column(PickleType)
    title = Column(String(200))
'''

DB_TYPES = '''\
from sqlalchemy.types import Text, TypeDecorator


class JsonEncodedDict(TypeDecorator):
    impl = Text
'''


APP = EvidenceApp("fleet/models.py", MODELS, {"fleet/db_types.py": DB_TYPES})
_files = APP.files
_inventory = APP.inventory


def _keys(files: dict[str, str]) -> list[tuple[str, str, str, str, str, int]]:
    tree = MemoryTree(files)
    inventory = _inventory(tree)
    vocab = load_vocabulary()
    blobs = [c for c in inventory.columns if keyed_blob(c, vocab)]
    found = stored_keys(tree, blobs, inventory.columns, unique_min_words=2)
    return [(table, column, k.key, k.use, k.path, k.line)
            for (table, column), keys in sorted(found.items()) for k in keys]


SNMP = '''\
def parse_connection(printer):
    info = printer.control_info or {}
    host = info.get('snmp_host')
    password = info.get('snmp_password', '')
    return host, password
'''


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(
            {"fleet__drivers__snmp": SNMP},
            [("printers", "control_info", "snmp_host", "reads", "fleet/drivers/snmp.py", 3),
             ("printers", "control_info", "snmp_password", "reads", "fleet/drivers/snmp.py",
              4)],
            id="an alias of the blob read with get"),
        pytest.param(
            {"fleet__storage": '''\
                def attach(task):
                    for target in task.storage_targets:
                        secret = target.properties['chap_secret']
                    task.printer.properties['location_hint'] = 'lobby'
                '''},
            [("printers", "properties", "location_hint", "stores", "fleet/storage.py", 4),
             ("storage_targets", "properties", "chap_secret", "reads", "fleet/storage.py", 3)],
            id="a one-word attribute goes to the model its receiver names"),
        pytest.param(
            {"fleet__images": '''\
                def unpack(image, printer):
                    image.properties['password'] = None
                    printer.properties.get('password')
                '''},
            [("printers", "properties", "password", "reads", "fleet/images.py", 3)],
            id="the same attribute of an object that is no model is not the column"),
        pytest.param(
            {"fleet__meetings": '''\
                def join_url(printer):
                    meeting = printer.extra['response']['meetingID']
                    return meeting, printer.extra['response']['moderatorPW']
                '''},
            [("printers", "extra", "response", "reads", "fleet/meetings.py", 2),
             ("printers", "extra", "response.meetingID", "reads", "fleet/meetings.py", 2),
             ("printers", "extra", "response.moderatorPW", "reads", "fleet/meetings.py", 3)],
            id="a key inside a key is the blob's too, by its path (open-event-server: "
               "BigBlueButton's moderatorPW in video_streams.extra)"),
        pytest.param(
            {"fleet__conductor": '''\
                def refresh(conn):
                    conn.control_info.setdefault('api_token', 'x')
                    conn.control_info.update({'snmp_port': 161}, snmp_user='u')
                '''},
            [("printers", "control_info", "api_token", "stores", "fleet/conductor.py", 2),
             ("printers", "control_info", "snmp_port", "stores", "fleet/conductor.py", 3),
             ("printers", "control_info", "snmp_user", "stores", "fleet/conductor.py", 3)],
            id="a several-word attribute only one table has, whatever the receiver"),
        pytest.param(
            {"fleet__jobs": '''\
                def rename(job, target):
                    job.control_info['api_token'] = 'x'
                    target.control_info['api_token'] = 'x'
                '''},
            [],
            id="unless the receiver names another model"),
        pytest.param(
            {"fleet__objects__printer": '''\
                class Printer:
                    def set_contact(self, email):
                        self.extra['admin_email'] = email

                class Scanner:
                    def set_contact(self, email):
                        self.extra['admin_email'] = email
                '''},
            [("printers", "extra", "admin_email", "stores", "fleet/objects/printer.py", 3)],
            id="self inside a class named like the model, not another class"),
        pytest.param(
            {"fleet__api": '''\
                from fleet import models

                def create(printer, data):
                    printer.extra = {'contact_phone': data['phone'], **data}
                    printer.control_info = dict(snmp_password=data['pw'])
                    return models.PrintJob(title='t', settings={'webhook_secret': 's'})
                '''},
            [("print_jobs", "settings", "webhook_secret", "stores", "fleet/api.py", 6),
             ("printers", "control_info", "snmp_password", "stores", "fleet/api.py", 5),
             ("printers", "extra", "contact_phone", "stores", "fleet/api.py", 4)],
            id="a dict assigned to the attribute or given to the constructor"),
        pytest.param(
            {"fleet__aliases": '''\
                def merge(printer, other, rows):
                    info = printer.control_info
                    info = other.settings
                    info.get('snmp_password')
                    copied = dict(printer.control_info)
                    copied['snmp_community'] = 'public'
                    for props in rows:
                        props['snmp_password'] = 1
                    props = printer.properties
                '''},
            [("printers", "control_info", "snmp_community", "stores", "fleet/aliases.py",
              6)],
            id="a name bound to two things or by a loop is no alias; a copy is"),
        pytest.param(
            {"fleet__scripts": (
                "import sys\n"
                "def usage(printer):\n"
                '    text = """\n'
                "Usage: fleet\n"
                '"""\n'
                "    return printer.extra.get('api_token')\n"
                "if __name__ == '__main__':\n"
                "    sys.exit(printer.control_info['snmp_password'])\n")},
            [("printers", "control_info", "snmp_password", "reads", "fleet/scripts.py", 8),
             ("printers", "extra", "api_token", "reads", "fleet/scripts.py", 6)],
            id="module code, and a function with a string at column 0: the whole file parsed"),
        pytest.param(
            {"fleet__objects__printer": '''\
                class Printer:
                    @property
                    def contact(self):
                        def pick(key):
                            return self.extra.get(key)

                        return pick('x') or self.extra.get('admin_email')

                def helper(printer):
                    return printer.extra['api_token']
                '''},
            [("printers", "extra", "admin_email", "reads", "fleet/objects/printer.py", 7),
             ("printers", "extra", "api_token", "reads", "fleet/objects/printer.py", 10)],
            id="methods and functions cut out alone keep their class and lines"),
        pytest.param(
            {"fleet__runtime": '''\
                """Runtime helpers.

                Example:

                    def get_token(printer):
                        return printer.extra.get("api_token")
                """

                def name(printer):
                    return printer.extra.get("display_name")
                '''},
            [("printers", "extra", "display_name", "reads", "fleet/runtime.py", 10)],
            id="a function in a docstring's example is not code"),
        pytest.param(
            {"fleet__modern": (
                "def first[T](printer: T) -> T:\n"
                "    printer.extra['api_token'] = 1\n"
                "def label(printer):\n"
                "    return f\"{printer.extra[\"owner_email\"]}\"\n"
                "def fine(printer):\n"
                "    return f\"{printer.extra['region']!r:>10}\"\n")},
            [("printers", "extra", "api_token", "stores", "fleet/modern.py", 2),
             ("printers", "extra", "region", "reads", "fleet/modern.py", 6)],
            id="a 3.12 f-string gives no evidence, under every Python; a type parameter "
               "does not hide any"),
        pytest.param(
            {"fleet__typed": (
                "from typing import Any\n"
                "if TYPE_CHECKING:\n"
                "    type Settings = dict[str, Any]\n"
                "type Pair[T] = tuple[T, T]\n"
                "class Driver[T: dict[str, Any], *Ts](Base):\n"
                "    def connect(self, printer):\n"
                "        return printer.extra['snmp_password']\n"
                "async def poll[T](printer: T) -> T:\n"
                "    printer.extra['poll_token'] = 1\n")},
            [("printers", "extra", "snmp_password", "reads", "fleet/typed.py", 7),
             ("printers", "extra", "poll_token", "stores", "fleet/typed.py", 9)],
            id="a file with PEP 695 type statements and parameters is read without them, "
               "line for line (onegov: type DeadlineUnit = Literal[...])"),
        pytest.param(
            {"fleet__laser": '''\
                from fleet.models import Printer
                from fleet.props import extra_property, notes_property

                class LaserPrinter(Printer):
                    snmp_password: str = extra_property()
                    toner = extra_property('toner_level', default=0)
                    colour = extra_property(key=None)
                    size = column_property(select(1))

                    def pages(self):
                        return extra_property()
                '''},
            [("printers", "extra", "snmp_password", "stores", "fleet/laser.py", 5),
             ("printers", "extra", "toner_level", "stores", "fleet/laser.py", 6),
             ("printers", "extra", "colour", "stores", "fleet/laser.py", 7)],
            id="a descriptor factory named for the blob keeps its attribute's name, or the "
               "literal key given (onegov: gever_password = meta_property()); the subclass's "
               "base names the model"),
        pytest.param(
            {"fleet__views": '''\
                from sqlalchemy.ext.indexable import index_property
                from fleet.models import StorageTarget

                OWNER = "owner_email"

                class Target(StorageTarget):
                    owner = index_property("properties", OWNER)
                    region = sqlalchemy.ext.indexable.index_property("properties", "region")
                    first = index_property("properties", 0)
                    other = index_property("nowhere", "key")
                '''},
            [("storage_targets", "properties", "owner_email", "stores", "fleet/views.py", 7),
             ("storage_targets", "properties", "region", "stores", "fleet/views.py", 8)],
            id="SQLAlchemy's index_property keeps the key given, a literal or a module "
               "constant (tracim: author = index_property('fields', AUTHOR_FIELD))"),
        pytest.param(
            {"tests__test_snmp": "def test_it(printer):\n    printer.extra['api_token'] = 1\n",
             "fleet__migrations__versions__0001_init":
                 "def upgrade(printer):\n    printer.extra['api_token'] = 1\n",
             "fleet__broken": "def f(printer:\n    printer.extra['api_token'] = 1\n"},
            [],
            id="tests, migrations and a file that does not parse are not read"),
    ],
)
def test_stored_keys(code: dict[str, str],
                     expected: list[tuple[str, str, str, str, str, int]]) -> None:
    assert _keys(_files(**code)) == expected


@pytest.mark.parametrize(
    ("type_", "keyed"),
    [
        pytest.param("JSON", True, id="JSON"),
        pytest.param("dict[str, Any]", True,
                     id="a Mapped[dict[...]], JSON by its registry's type_annotation_map "
                        "(onegov: organisations.meta)"),
        pytest.param("LongText", True,
                     id="a project's long text type (dify: external_knowledge_apis.settings)"),
        pytest.param("list[str]", False, id="negative: a list is no keyed data"),
        pytest.param("Integer", False, id="negative: a number"),
    ],
)
def test_which_column_types_hold_keyed_data(type_: str, keyed: bool) -> None:
    column = Column("organisations", "meta", "Organisation", "meta", "org/models.py", 9,
                    type_, nullable=True, unique=False, primary_key=False)
    assert keyed_blob(column, load_vocabulary()) is keyed


VIEWS_APP = EvidenceApp("fleet/models.py", MODELS.replace(
    "    notes = Column(Text)\n", '''\
    notes = Column(Text)

    @property
    def extra_dict(self):
        try:
            return json.loads(self.notes) if self.notes else None
        except ValueError:
            return None

    def load_notes(self):
        return json.loads(self.notes, strict=False)

    def notes_for(self, name):
        return json.loads(self.notes)[name]

    @property
    def notes_or_default(self):
        return json.loads(self.notes) if self.notes else self.default
''').replace("from sqlalchemy import", "import json\nfrom sqlalchemy import"),
    {"fleet/db_types.py": DB_TYPES})


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        pytest.param(
            "def connect(printer):\n    return printer.extra_dict.get('snmp_password')\n",
            [("printers", "notes", "snmp_password", "reads", "fleet/drivers.py", 2)],
            id="a property returning the blob decoded (dify: ExternalKnowledgeApis."
               "settings_dict)"),
        pytest.param(
            "def connect(printer):\n    return printer.load_notes()['api_token']\n",
            [("printers", "notes", "api_token", "reads", "fleet/drivers.py", 2)],
            id="a method returning the blob decoded"),
        pytest.param(
            "def connect(printer):\n"
            "    a = printer.notes_for('x')['api_token']\n"
            "    return printer.notes_or_default['api_key']\n",
            [],
            id="negative: a method taking arguments, or a property returning something else "
               "too, is no view of the blob"),
    ],
)
def test_a_view_decoding_the_blob_is_the_blob(
        code: str, expected: list[tuple[str, str, str, str, str, int]]) -> None:
    tree = MemoryTree(VIEWS_APP.files(fleet__drivers=code))
    inventory = VIEWS_APP.inventory(tree)
    vocab = load_vocabulary()
    blobs = [c for c in inventory.columns if keyed_blob(c, vocab)]
    found = stored_keys(tree, blobs, inventory.columns, unique_min_words=2)
    assert [(table, column, k.key, k.use, k.path, k.line)
            for (table, column), keys in sorted(found.items()) for k in keys] == expected


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        pytest.param("type X = int\n", "X = int\n", id="a type statement is an assignment"),
        pytest.param("class C[T](B):\n    pass\n", "class C(B):\n    pass\n",
                     id="a class's type parameters go"),
        pytest.param("x = 1\n", None, id="negative: nothing to take out"),
        pytest.param("class C[\n    T,\n](B):\n    pass\n", None,
                     id="negative: parameters over several lines are not cut"),
    ],
)
def test_pep_695_syntax_is_taken_out_line_for_line(text: str, plain: str | None) -> None:
    assert without_type_params(text) == plain


def test_the_files_read_are_the_source_less_tests_vendored_and_migrations() -> None:
    assert code_files([
        "app/models.py", "app/views.py", "app/tests/test_views.py", "test_app.py",
        "app/migrations/versions/001.py", "alembic/env.py", "venv/pyvenv.cfg",
        "venv/lib/site.py", "README.md", "app/conftest.py",
    ]) == ["app/models.py", "app/views.py"]


def _judged(files: dict[str, str]) -> Judged:
    return APP.judged(files, lambda c: c.column not in ("id", "printer_id", "name", "title"))


_NOBODYS = ", but nobody's record: no author or owner among the siblings"
_NOTHING = {
    ("printers", "control_info"): (None, None, None),
    ("printers", "properties"): (
        "free_text", "low", "JSON blob 'propertie' of type 'JSON' may hold user data" + _NOBODYS),
    ("printers", "extra"): (
        "free_text", "low", "JSON blob 'extra' of type 'JSON' may hold user data" + _NOBODYS),
    ("printers", "notes"): ("free_text", "low", "name token 'notes'" + _NOBODYS),
    ("storage_targets", "properties"): (
        "free_text", "low", "JSON blob 'propertie' of type 'JSON' may hold user data" + _NOBODYS),
    ("print_jobs", "settings"): (None, None, None),
}


@pytest.mark.parametrize(
    ("code", "changed"),
    [
        pytest.param({}, {}, id="no code, no evidence"),
        pytest.param(
            {"fleet__drivers__snmp": SNMP},
            {("printers", "control_info"): (
                "credential", "high", "the code reads key 'snmp_password' from it: "
                "fleet/drivers/snmp.py:4")},
            id="a password key makes the blob a credential"),
        pytest.param(
            {"fleet__api": '''\
                def create(printer, job):
                    printer.extra['admin_email'] = 'a@example.com'
                    printer.extra['password_policy'] = 'strict'
                    job.settings['snmp_key'] = 'k'
                    printer.properties['owner_name'] = 'n'
                '''},
            {("printers", "extra"): (
                "direct_identifier", "high", "the code stores key 'admin_email' in it: "
                "fleet/api.py:2")},
            id="an e-mail key makes a direct identifier; a policy, a guess or a name do not"),
        pytest.param(
            {"fleet__api": '''\
                def create(printer):
                    printer.properties['contact_email'] = 'a@example.com'
                    printer.properties['auth_key'] = 'k'
                '''},
            {("printers", "properties"): (
                "credential", "medium", "the code stores key 'auth_key' in it: "
                "fleet/api.py:3")},
            id="a credential outranks a person; a medium key gives medium"),
        pytest.param(
            {"fleet__login": '''\
                def enable_2fa(printer):
                    if "2fa_totp_secret" not in printer.control_info:
                        printer.control_info["2fa_totp_secret"] = make_secret()
                '''},
            {("printers", "control_info"): (
                "credential", "high", "the code stores key '2fa_totp_secret' in it: "
                "fleet/login.py:3")},
            id="a key may start with digits (c2cgeoportal: user.tech_data['2fa_totp_secret'])"),
        pytest.param(
            {"fleet__images": "def f(image):\n    image.properties['password'] = 1\n",
             "tests__test_api": "def test(printer):\n    printer.extra['password'] = 1\n"},
            {},
            id="an unrelated object's attribute and a test file change nothing"),
        pytest.param(
            {"fleet__laser": '''\
                from fleet.models import Printer

                class LaserPrinter(Printer):
                    snmp_password = extra_property()
                '''},
            {("printers", "extra"): (
                "credential", "high", "the code stores key 'snmp_password' in it: "
                "fleet/laser.py:4")},
            id="a descriptor keeping a password in the blob makes it a credential (onegov: "
               "organisations.meta)"),
        pytest.param(
            {"fleet__map": "def place(printer):\n    return printer.extra['coordinates']\n"},
            {},
            id="negative: a place's coordinates are no person's whereabouts in a blob "
               "(onegov: directory_entries.content)"),
        pytest.param(
            {"fleet__grid": "def pnl(printer):\n    return printer.extra['position_pnl_quote']\n"},
            {},
            id="negative: a word that is a person's only in a person's row says nothing in a "
               "blob (hummingbot: executors.custom_info['position_pnl_quote'])"),
        pytest.param(
            {"fleet__certs": '''\
                def describe(printer):
                    printer.extra["header"]["isCertificateIssued"] = True
                    printer.control_info["snmp"]["password"] = "p"
                '''},
            {("printers", "control_info"): (
                "credential", "high", "the code stores key 'snmp.password' in it: "
                "fleet/certs.py:3")},
            id="a nested key is named by its leaf: a flag under a header is no certificate "
               "(STRR: application.application_json), a password under snmp is a password"),
    ],
)
def test_the_classifier_judges_a_blob_by_its_keys(
        code: dict[str, str],
        changed: dict[tuple[str, str], tuple[str | None, str | None, str | None]]) -> None:
    assert _judged(_files(**code)) == {**_NOTHING, **changed}


def test_no_source_tree_means_no_code_evidence() -> None:
    # reviewer.testing's runtime mode classifies a MetaData: there is no code to read
    tree = MemoryTree(_files(fleet__drivers__snmp=SNMP))
    inventory = classify_inventory(_inventory(tree), load_vocabulary())
    assert inventory.by_key()[("printers", "control_info")].category is None


def test_a_key_is_recorded_where_the_code_first_uses_it() -> None:
    tree = MemoryTree(_files(
        fleet__b="def f(printer):\n    printer.extra['api_token'] = 1\n",
        fleet__a="def f(printer):\n    x = 1\n    printer.extra.get('api_token')\n"))
    inventory = _inventory(tree)
    extra = [c for c in inventory.columns if c.key == ("printers", "extra")]
    found = stored_keys(tree, extra, inventory.columns, unique_min_words=2)
    assert found == {("printers", "extra"): (StoredKey("api_token", "reads", "fleet/a.py", 3),)}


# ------------------------------------------------------------------ through the CLI, cached

RULES = json.dumps({"version": 1, "rules": []})


@pytest.fixture
def fleet(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "fleet")
    for path, text in _files(fleet__drivers__snmp=SNMP.replace("snmp_password", "snmp_port")
                             ).items():
        repo.write(path, text)
    repo.write(".masking-reviewer.toml", 'models = ["fleet/models.py"]\n')
    repo.write("masking_rules.json", RULES)
    repo.commit("fleet")
    return repo


def _scan(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[object, ...]]:
    return scanned(root, capsys, "printers", "control_info")


def test_a_warm_run_sees_a_key_added_outside_the_model_files(
        fleet: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert _scan(fleet.root, capsys) == {"printers.control_info": (None, None, None)}
    assert _scan(fleet.root, capsys) == {"printers.control_info": (None, None, None)}
    fleet.write("fleet/drivers/snmp.py", SNMP)  # not a model file: the driver reads a password
    assert _scan(fleet.root, capsys) == {"printers.control_info": (
        "credential", "high",
        "the code reads key 'snmp_password' from it: fleet/drivers/snmp.py:4")}


def test_the_ai_prompt_carries_the_key_evidence() -> None:
    from reviewer.ai import AiRequest, render_request

    tree = MemoryTree(_files(fleet__drivers__snmp=SNMP))
    inventory = classify_inventory(_inventory(tree), load_vocabulary(), tree)
    column = inventory.by_key()[("printers", "control_info")]
    hunk = "@@ -13,0 +14,1 @@ class Printer(Base):\n+    control_info = Column(JsonEncodedDict)\n"
    rendered = render_request(AiRequest(hunks=(("fleet/models.py", hunk),),
                                        candidates=(column,), findings=(), similar=(),
                                        inventory=inventory))
    assert ("classifier: credential, high confidence (the code reads key 'snmp_password' "
            "from it: fleet/drivers/snmp.py:4)") in rendered.user


def test_a_pull_request_adding_a_blob_and_its_password_is_blocked(
        fleet: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # the base has no panel_info; the pull request adds it and a driver that keeps the
    # panel's admin password in it: the MR003 blocks, and its evidence says why
    fleet.branch("feature")
    fleet.checkout("feature")
    fleet.write("fleet/models.py", MODELS.replace(
        "    notes = Column(Text)\n", "    notes = Column(Text)\n"
        "    panel_info = Column(JsonEncodedDict)\n"))
    fleet.write("fleet/drivers/panel.py", textwrap.dedent('''\
        def unlock(printer, password):
            printer.panel_info['admin_password'] = password
        '''))
    fleet.commit("Printers remember their control panel's admin login")
    code = main(["diff", "-C", str(fleet.root), "--base", "main", "--no-ai", "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    [mr003] = [f for f in json.loads(out)["findings"] if f["code"] == "MR003"]
    assert code == 1
    assert (mr003["table"], mr003["column"], mr003["severity"], mr003["line"]) == (
        "printers", "panel_info", "error", 19)
    assert mr003["evidence"] == ("the code stores key 'admin_password' in it: "
                                 "fleet/drivers/panel.py:2")
    main(["diff", "-C", str(fleet.root), "--base", "main", "--no-ai", "--format", "markdown"])
    assert "the code stores key 'admin_password' in it: fleet/drivers/panel.py:2" in (
        capsys.readouterr().out)


def test_a_history_copy_is_judged_as_the_blob_it_copies() -> None:
    # SQLAlchemy-Continuum keeps every past value of a versioned blob in its history table
    files = _files(fleet__drivers__snmp=SNMP)
    files["fleet/models.py"] = MODELS.replace(
        '    __tablename__ = "printers"\n',
        '    __tablename__ = "printers"\n    __versioned__ = {}\n')
    judged = _judged(files)
    assert judged[("printers_version", "control_info")] == (
        "credential", "high", "history copy of printers.control_info: the code reads key "
        "'snmp_password' from it: fleet/drivers/snmp.py:4")
    assert judged[("printers", "control_info")] == (
        "credential", "high", "the code reads key 'snmp_password' from it: "
        "fleet/drivers/snmp.py:4")



def test_a_warm_diff_of_a_pull_request_that_changes_code_judges_nothing_again(
        fleet: GitRepo, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    # base and head differ only in a driver the classifier reads: each keeps its own entry
    # (they used to take turns overwriting one, so every warm diff judged both sides again)
    from reviewer import blob_keys, classifier

    judged: list[int] = []
    parsed: list[str] = []
    real_judge, real_read = classifier.classify_columns, blob_keys._read
    monkeypatch.setattr(classifier, "classify_columns",
                        lambda *a, **k: judged.append(1) or real_judge(*a, **k))
    monkeypatch.setattr(blob_keys, "_read",
                        lambda index, text, uses, fills, path: parsed.append(path)
                        or real_read(index, text, uses, fills, path))
    fleet.branch("feature")
    fleet.checkout("feature")
    fleet.write("fleet/drivers/snmp.py", SNMP)
    fleet.commit("The driver reads the SNMP password")

    def diff() -> list[tuple[str, str]]:
        main(["diff", "-C", str(fleet.root), "--base", "main", "--no-ai", "--format", "json"])
        return [(f["code"], f["evidence"]) for f in json.loads(capsys.readouterr().out)[
            "findings"] if f["column"] == "control_info"]

    assert diff() == [("MR003", "the code reads key 'snmp_password' from it: "
                                "fleet/drivers/snmp.py:4")]
    # the base reads every file; the head only the driver it changed
    assert (len(judged), sorted(parsed)) == (2, ["fleet/db_types.py", "fleet/drivers/snmp.py",
                                                 "fleet/drivers/snmp.py", "fleet/models.py"])
    assert diff() == [("MR003", "the code reads key 'snmp_password' from it: "
                                "fleet/drivers/snmp.py:4")]
    assert (len(judged), len(parsed)) == (2, 4)

"""How the code makes and checks a column's value, and what the classifier makes of it.

The fixture is a small clinic-booking service written for these tests: patients sign in to a
portal with a password and a TOTP app, visits are booked from a browser, kiosks in the lobby
pair with a random code. The column names say nothing on purpose (``random``, ``options``,
``auth``, ``booked_from``): the code around the models says what they hold, the
ways real services write it (``os.urandom(10).hex()``, a same-file hashing helper, the model's
constructor, a column default, ``pyotp.TOTP(patient.options)``, ``request.remote_addr``).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.code_verdicts import open_to_code
from reviewer.column_uses import ColumnIndex
from reviewer.review import classify_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config, ValueSource
from reviewer.value_sources import value_sources
from reviewer.vocabulary import load_vocabulary
from tests.code_evidence import EvidenceApp, Judged, scanned
from tests.gitrepo import GitRepo, isolate_git, make_repo

MODELS = '''\
import secrets

from sqlalchemy import BigInteger, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Patient(Base):
    __tablename__ = "patients"
    id = Column(Integer, primary_key=True)
    options = Column(Text)
    auth = Column(String(255))
    checksum = Column(String(64))
    public_id = Column(String(40))


class Visit(Base):
    __tablename__ = "visits"
    id = Column(Integer, primary_key=True)
    patient_id = Column(Integer, ForeignKey("patients.id"))
    random = Column(String(20))
    booked_from = Column(String(45))
    booked_via = Column(String(255))
    marker = Column(String(16), default=lambda: secrets.token_hex(8))
    counterpart = Column(String(80))


class Kiosk(Base):
    __tablename__ = "kiosks"
    id = Column(Integer, primary_key=True)
    random = Column(String(20))
    session_ver = Column(String(16))
    prefix = Column(String(8))
    otp_serial = Column(String(16))
    unlock_key = Column(Integer)
    serial_number = Column(BigInteger)


class Signup(Base):
    __tablename__ = "signups"
    id = Column(Integer, primary_key=True)
    email = Column(String(255))
'''


APP = EvidenceApp("clinic/models.py", MODELS)
_files = APP.files
_inventory = APP.inventory


def _judged(files: dict[str, str]) -> Judged:
    return APP.judged(files, lambda c: c.column not in ("id", "patient_id"))


# what the names alone say: nothing, but a warning for `auth` and the column default
# in the model file itself
_NOTHING: Judged = {
    ("patients", "options"): (None, None, None),
    ("patients", "auth"): ("credential", "medium", "name token 'auth'"),
    ("patients", "checksum"): (None, None, None),
    ("patients", "public_id"): (None, None, None),
    ("visits", "random"): (None, None, None),
    ("visits", "booked_from"): (None, None, None),
    ("visits", "booked_via"): (None, None, None),
    ("visits", "marker"): (
        "credential", "high", "written from secrets.token_hex(): clinic/models.py:27"),
    ("visits", "counterpart"): (None, None, None),
    ("kiosks", "random"): (None, None, None),
    ("kiosks", "session_ver"): (None, None, None),
    ("kiosks", "prefix"): (None, None, None),
    ("kiosks", "unlock_key"): (None, None, None),
    ("kiosks", "serial_number"): (None, None, None),
    ("kiosks", "otp_serial"): (None, None, None),
    ("signups", "email"): ("direct_identifier", "high", "name token 'email'"),
}


def _credential(where: str, verb: str = "written from") -> tuple[str, str, str]:
    return ("credential", "high", f"{verb} {where}")


@pytest.mark.parametrize(
    ("code", "changed"),
    [
        pytest.param({}, {}, id="no code: only the column default in the model file"),
        pytest.param(
            {"clinic__visits": '''\
                import os

                def open_visit(visit):
                    visit.random = os.urandom(10).hex()
                '''},
            {("visits", "random"): _credential("os.urandom(): clinic/visits.py:4")},
            id="written from os.urandom, through .hex()"),
        pytest.param(
            {"clinic__helper": '''\
                import secrets

                def generate_string(n):
                    return "".join(secrets.choice("abcdef") for _ in range(n))
                ''',
             "clinic__codes": '''\
                from clinic.helper import generate_string

                class Codes:
                    @staticmethod
                    def new_code(n):
                        return generate_string(n)

                class Labels:
                    @staticmethod
                    def new_code(n):
                        return str(n)
                ''',
             "clinic__visits": '''\
                from clinic.codes import Codes, Labels

                def open_visit(visit):
                    visit.random = Codes.new_code(16)
                    visit.booked_via = Labels.new_code(4)
                '''},
            {("visits", "random"): _credential("secrets.choice() via Codes.new_code(): "
                                               "clinic/visits.py:4")},
            id="a class's method returning another file's secret helper, called on the class "
               "(dify: site.code = Site.generate_code(16)); another class's method of the "
               "same name is not it"),
        pytest.param(
            {"clinic__kiosks": '''\
                import os
                import struct

                def arm(kiosk):
                    kiosk.unlock_key = struct.unpack("I", os.urandom(4))[0] & 0x7FFFFFFF
                    kiosk.serial_number = int.from_bytes(os.urandom(8), "big")
                '''},
            {("kiosks", "unlock_key"): _credential("os.urandom(): clinic/kiosks.py:5")},
            id="a whole number named as a key and drawn from os.urandom is the secret "
               "(skylines: users.recover_key); a random serial number is not one"),
        pytest.param(
            {"clinic__helper": '''\
                import secrets
                import string

                def generate_string(n):
                    result = ""
                    for _ in range(n):
                        result += secrets.choice(string.ascii_letters)
                    return result

                def stamp(n):
                    result = str(n)
                    result += secrets.choice(string.ascii_letters)
                    return result
                ''',
             "clinic__visits": '''\
                from clinic.helper import generate_string, stamp

                def open_visit(visit):
                    visit.random = generate_string(16)
                    visit.booked_via = stamp(4)
                '''},
            {("visits", "random"): _credential("secrets.choice() via generate_string(): "
                                               "clinic/visits.py:4")},
            id="a string started empty and grown from a secret generator is a secret "
               "(dify: generate_string); one started from anything else is not only one"),
        pytest.param(
            {"clinic__dbutils": '''\
                import hashlib
                import os

                def anonymize_db(db):
                    for patient in db.query(Patient):
                        patient.checksum = hashlib.sha256(os.urandom(32)).hexdigest()
                        for visit in patient.visits:
                            visit.random = os.urandom(10).hex()

                def _scrambleVisits(visits):
                    for visit in visits:
                        visit.booked_via = os.urandom(4).hex()

                def open_visit(visit):
                    visit.random = os.urandom(10).hex()
                '''},
            {("visits", "random"): _credential("os.urandom(): clinic/dbutils.py:15")},
            id="the project's anonymiser writes stand-ins: not evidence (lvfs's anonymize_db)"),
        pytest.param(
            {"clinic__visits": '''\
                from binascii import hexlify
                from os import urandom

                def open_visit(visit):
                    visit.random = hexlify(urandom(10)).decode("ascii")
                '''},
            {("visits", "random"): _credential("os.urandom(): clinic/visits.py:5")},
            id="a from-import, hexlify and decode"),
        pytest.param(
            {"clinic__visits": '''\
                import secrets

                from clinic import models

                def book(patient, token=None):
                    code = None
                    if patient:
                        code = secrets.token_urlsafe(16)
                    return models.Visit(patient_id=patient.id,
                                        random=code)
                '''},
            {("visits", "random"): _credential("secrets.token_urlsafe(): clinic/visits.py:10")},
            id="a local name set only from a generator (or None), given to the constructor"),
        pytest.param(
            {"clinic__pairing": '''\
                import random
                import secrets
                import string

                def pair(visit):
                    alphabet = string.ascii_letters
                    visit.random = "".join(random.SystemRandom().choice(alphabet)
                                           for _ in range(12))

                def pair_again(visit):
                    visit.random = f"kiosk_{secrets.token_hex(6)}"
                '''},
            {("visits", "random"): _credential(
                "random.SystemRandom(): clinic/pairing.py:7")},
            id="joined from SystemRandom's choices; a constant prefix keeps a secret"),
        pytest.param(
            {"clinic__portal": '''\
                from passlib.context import CryptContext

                pwd_context = CryptContext(schemes=["argon2"])

                def _hash(secret):
                    return pwd_context.hash(secret)

                def enrol(patient, password):
                    hashed = _hash(password)
                    patient.auth = hashed
                '''},
            {("patients", "auth"): ("credential", "high", (
                "name token 'auth', written from pwd_context.hash() via _hash(): "
                "clinic/portal.py:10"))},
            id="a same-file helper that returns a password hash"),
        pytest.param(
            {"clinic__utils": '''\
                from random import SystemRandom

                def base36encode(number):
                    alphabet = "0123456789abcdefghijklmnopqrstuvwxyz"
                    out = ""
                    while number:
                        number, i = divmod(number, 36)
                        out = alphabet[i] + out
                    return out

                def random_long_key():
                    return base36encode(SystemRandom().randint(10**15, 10**16))
                ''',
             "clinic__visits": '''\
                from .utils import random_long_key

                def open_visit(visit):
                    visit.random = random_long_key()
                '''},
            {("visits", "random"): _credential(
                "random.SystemRandom() via random_long_key(): clinic/visits.py:4")},
            id="a helper another file exports, through the repository's own base36encode"),
        pytest.param(
            {"clinic__keys": '''\
                import base64
                import os

                def make_key():
                    return base64.urlsafe_b64encode(os.urandom(128)).decode("utf-8")

                def make_private_key():
                    return make_key()[:8]

                def make_public_key():
                    return make_key()[:8]
                ''',
             "clinic__kiosks": '''\
                from clinic import keys

                def pair(kiosk, visit):
                    kiosk.random = keys.make_private_key()
                    visit.random = keys.make_public_key()
                '''},
            {("kiosks", "random"): _credential(
                "os.urandom() via make_private_key(): clinic/kiosks.py:4")},
            id="a module's helper calling a helper of its own; a public key is shown"),
        pytest.param(
            {"clinic__tokens": "import secrets\n\ndef token():\n"
                               "    return secrets.token_hex(8)\n",
             "clinic__labels": "def token():\n    return 'visit'\n",
             "clinic__visits": '''\
                from clinic.labels import token

                def open_visit(visit):
                    visit.random = token()
                '''},
            {},
            id="the helper the import names, not another file's helper of the same name"),
        pytest.param(
            {"clinic__portal": '''\
                import os

                from flask import request

                class Client:
                    def get(self):
                        return request.remote_addr

                    def token(self):
                        return os.urandom(8).hex()

                    def book(self, visit, form):
                        visit.booked_from = form.get()
                        visit.random = self.token()
                '''},
            {("visits", "random"): _credential(
                "os.urandom() via token(): clinic/portal.py:14")},
            id="a one-word method is the helper on self only, not on any receiver"),
        pytest.param(
            {"clinic__portal": '''\
                import pyotp
                from passlib.hash import argon2

                def check(patient, password, code):
                    seed = patient.options
                    if not argon2.verify(password, patient.auth):
                        return False
                    return pyotp.TOTP(seed).verify(code)
                '''},
            {("patients", "options"): _credential("pyotp.TOTP(): clinic/portal.py:8", "read by"),
             ("patients", "auth"): ("credential", "high", (
                 "name token 'auth', read by argon2.verify(): clinic/portal.py:6"))},
            id="read by verifiers, directly and through a local name"),
        pytest.param(
            {"clinic__portal": '''\
                import hmac
                from werkzeug.security import check_password_hash

                def check(patient, visit, given):
                    check_password_hash(given, patient.auth)
                    return hmac.compare_digest(visit.random.encode(), given)
                '''},
            {("visits", "random"): _credential(
                "hmac.compare_digest(): clinic/portal.py:6", "read by")},
            id="only the argument a verifier checks against is the stored value"),
        pytest.param(
            {"clinic__signup": '''\
                import secrets

                def same_signup(signup, form):
                    return secrets.compare_digest(signup.email, form["email"])
                '''},
            {},
            id="an e-mail compared in constant time is still an e-mail (Magpie)"),
        pytest.param(
            {"clinic__signup": '''\
                from passlib.hash import argon2

                def remember(signup, address):
                    signup.email = argon2.hash(address)
                '''},
            {},
            id="an e-mail hashed for recovery is still an e-mail (tildes: email_address_hash)"),
        pytest.param(
            {"clinic__web": '''\
                from flask import request

                def book(visit):
                    visit.booked_from = request.headers.get(
                        "X-Forwarded-For", request.remote_addr).split(",")[0].strip()
                    visit.booked_via = str(request.user_agent)[:255]
                '''},
            {("visits", "booked_from"): (
                "direct_identifier", "high", "written from request.headers['X-Forwarded-For'],"
                " the client's IP address: clinic/web.py:4"),
             ("visits", "booked_via"): (
                 "quasi_identifier", "high", "written from request.user_agent, the client's "
                 "user agent: clinic/web.py:6")},
            id="request metadata: the client's address and user agent"),
        pytest.param(
            {"clinic__handover": '''\
                from clinic.models import Visit

                def hand_over(visit, current_user, settings, clinic):
                    visit.counterpart = settings.email
                    visit.counterpart = clinic.username
                    previous = current_user.userid
                    return Visit(counterpart=previous)
                '''},
            {("visits", "counterpart"): (
                "direct_identifier", "medium", "a copy of current_user.userid: "
                "clinic/handover.py:7")},
            id="a copy of a person's identifier; not of a setting's or a clinic's"),
        pytest.param(
            {"clinic__visits": '''\
                import random
                import uuid

                def open_visit(visit, kiosk, printer):
                    visit.random = uuid.uuid4().hex
                    visit.booked_via = str(random.random())
                    kiosk.random = random.choice("abcdef")
                    printer.random = f"{uuid.uuid4()}"
                '''},
            {},
            id="uuid4 and random.random are not secret generators"),
        pytest.param(
            {"clinic__kiosks": '''\
                import secrets

                def pair(kiosk, badge):
                    kiosk.random = secrets.token_hex(4)
                    badge.random = secrets.token_hex(4)
                '''},
            {("kiosks", "random"): _credential("secrets.token_hex(): clinic/kiosks.py:4")},
            id="a token written to another model's same-named column is that model's"),
        pytest.param(
            {"clinic__scans": '''\
                import hashlib
                import os
                import secrets

                def store(patient, visit, content, directory):
                    patient.checksum = hashlib.sha256(content).hexdigest()
                    visit.random = os.path.join(directory, secrets.token_hex(4))
                    visit.booked_via = f"{visit.id}-{secrets.token_hex(4)}.pdf"
                    visit.booked_from = hashlib.sha256(request.remote_addr).hexdigest()
                '''},
            {},
            id="a checksum of content, a random file name, a hashed address are none"),
        pytest.param(
            {"clinic__tokens": '''\
                import hashlib
                import os
                import secrets

                def issue(patient, kiosk):
                    token = secrets.token_urlsafe(32)
                    patient.checksum = hashlib.sha256(token.encode()).hexdigest()
                    patient.public_id = secrets.token_urlsafe(8)
                    kiosk.session_ver = os.urandom(8).hex()
                    kiosk.prefix = "".join(secrets.choice("abcdef") for _ in range(8))
                    kiosk.otp_serial = secrets.token_hex(8)
                    return token
                '''},
            {("patients", "checksum"): _credential(
                "secrets.token_urlsafe(): clinic/tokens.py:7")},
            id="a hash of a secret is a secret; a random id, nonce, key prefix or serial is not"),
        pytest.param(
            {"tests__test_visits": "import os\ndef test(visit):\n"
                                   "    visit.random = os.urandom(4).hex()\n",
             "clinic__broken": "import os\ndef f(visit:\n    visit.random = os.urandom(4)\n",
             "clinic__migrations__versions__0001":
                 "import os\ndef upgrade(visit):\n    visit.random = os.urandom(4).hex()\n"},
            {},
            id="tests, migrations and a file that does not parse give nothing"),
    ],
)
def test_the_classifier_judges_a_column_by_how_its_value_is_made(
        code: dict[str, str], changed: Judged) -> None:
    assert _judged(_files(**code)) == {**_NOTHING, **changed}


def test_each_kind_is_recorded_where_the_code_first_uses_it() -> None:
    tree = MemoryTree(_files(
        clinic__b="import os\ndef f(visit):\n    visit.random = os.urandom(4).hex()\n",
        clinic__a="import hmac\ndef f(visit, x):\n    y = 1\n"
                  "    return hmac.compare_digest(x, visit.random)\n"))
    inventory = _inventory(tree)
    vocab = load_vocabulary()
    asked = [c for c in inventory.columns if c.key == ("visits", "random")]
    assert all(open_to_code(c, vocab) for c in asked)
    assert vocab.values is not None
    found = value_sources(tree, ColumnIndex(asked, inventory.columns, 2), vocab.values)
    assert found == {("visits", "random"): (
        ValueSource("verifier", "hmac.compare_digest()", "clinic/a.py", 4),
        ValueSource("generator", "os.urandom()", "clinic/b.py", 3))}


def test_what_each_file_holds_is_kept_by_its_content(monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer import value_sources as module

    web = ("from flask import request\n\ndef book(visit):\n"
           "    visit.booked_from = request.headers['X-Real-IP']\n")
    tree = MemoryTree(_files(clinic__web=web))
    inventory = _inventory(tree)
    vocab = load_vocabulary()
    words = vocab.values
    assert words is not None
    asked = [c for c in inventory.columns if open_to_code(c, vocab)]
    parsed: list[str] = []
    real_read = module._read
    monkeypatch.setattr(module, "_read", lambda *a: parsed.append(a[-1]) or real_read(*a))

    def found() -> dict[tuple[str, str], tuple[ValueSource, ...]]:
        return value_sources(tree, ColumnIndex(asked, inventory.columns, 2), words,
                             use_cache=True)

    expected = {
        ("visits", "booked_from"): (
            ValueSource("client_ip", "request.headers['X-Real-IP']", "clinic/web.py", 4),),
        ("visits", "marker"): (
            ValueSource("generator", "secrets.token_hex()", "clinic/models.py", 27),)}
    assert (found(), sorted(parsed)) == (expected, ["clinic/models.py", "clinic/web.py"])
    assert (found(), len(parsed)) == (expected, 2)  # read back: nothing parsed again


# ------------------------------------------------------------------ through the CLI, cached

RULES = json.dumps({"version": 1, "rules": []})


@pytest.fixture
def clinic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "clinic")
    for path, text in _files().items():
        repo.write(path, text)
    repo.write("clinic/visits.py", "def open_visit(visit):\n    visit.random = 'x'\n")
    repo.write(".masking-reviewer.toml", 'models = ["clinic/models.py"]\n')
    repo.write("masking_rules.json", RULES)
    repo.commit("clinic")
    return repo


def _scan(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, tuple[object, ...]]:
    return scanned(root, capsys, "visits", "random")


def test_a_warm_scan_sees_a_generator_added_outside_the_model_files(
        clinic: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert _scan(clinic.root, capsys) == {"visits.random": (None, None, None)}
    assert _scan(clinic.root, capsys) == {"visits.random": (None, None, None)}
    clinic.write("clinic/visits.py", "import os\n\ndef open_visit(visit):\n"
                                     "    visit.random = os.urandom(10).hex()\n")
    assert _scan(clinic.root, capsys) == {"visits.random": (
        "credential", "high", "written from os.urandom(): clinic/visits.py:4")}


def test_a_warm_scan_sees_a_helper_change_in_a_file_that_writes_no_column(
        clinic: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    clinic.write("clinic/visits.py", "from clinic.codes import fresh\n\n"
                                     "def open_visit(visit):\n    visit.random = fresh()\n")
    clinic.write("clinic/codes.py", "import os\n\ndef fresh():\n    return 'walk-in'\n")
    assert _scan(clinic.root, capsys) == {"visits.random": (None, None, None)}
    clinic.write("clinic/codes.py", "import os\n\ndef fresh():\n"
                                    "    return os.urandom(10).hex()\n")
    assert _scan(clinic.root, capsys) == {"visits.random": (
        "credential", "high", "written from os.urandom() via fresh(): clinic/visits.py:4")}


def test_a_pull_request_writing_a_session_secret_is_blocked(
        clinic: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # the pull request adds a column whose name says nothing and the code that fills it with
    # a session secret: MR003 blocks, and its evidence says why, in JSON and in markdown
    clinic.branch("feature")
    clinic.checkout("feature")
    clinic.write("clinic/models.py", MODELS.replace(
        "    counterpart = Column(String(80))\n",
        "    counterpart = Column(String(80))\n    nonce_b = Column(String(32))\n"))
    clinic.write("clinic/sessions.py", "import secrets\n\ndef start(visit):\n"
                                       "    visit.nonce_b = secrets.token_bytes(16).hex()\n")
    clinic.commit("Visits keep a per-session secret")
    code = main(["diff", "-C", str(clinic.root), "--base", "main", "--no-ai",
                 "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    # (the marker's default made it a credential before: old debt, not this change's)
    [mr003] = [f for f in json.loads(out)["findings"] if f["code"] == "MR003"
               and f["introduced"]]
    assert code == 1
    assert (mr003["table"], mr003["column"], mr003["severity"], mr003["line"]) == (
        "visits", "nonce_b", "error", 29)
    assert mr003["evidence"] == "written from secrets.token_bytes(): clinic/sessions.py:4"
    main(["diff", "-C", str(clinic.root), "--base", "main", "--no-ai", "--format", "markdown"])
    assert "written from secrets.token_bytes(): clinic/sessions.py:4" in capsys.readouterr().out


def test_the_ai_prompt_carries_the_value_evidence() -> None:
    from reviewer.ai import AiRequest, render_request

    tree = MemoryTree(_files(clinic__portal="import pyotp\n\ndef check(patient, code):\n"
                                            "    return pyotp.TOTP(patient.options).now()\n"))
    inventory = classify_inventory(_inventory(tree), load_vocabulary(), tree)
    column = inventory.by_key()[("patients", "options")]
    hunk = "@@ -13,0 +14,1 @@ class Patient(Base):\n+    options = Column(Text)\n"
    rendered = render_request(AiRequest(hunks=(("clinic/models.py", hunk),),
                                        candidates=(column,), findings=(), similar=(),
                                        inventory=inventory))
    assert ("classifier: credential, high confidence (read by pyotp.TOTP(): "
            "clinic/portal.py:4)") in rendered.user


def test_ignore_names_keeps_a_column_out_of_the_value_evidence() -> None:
    # the repository said `random` holds no data: the code's generator does not overrule it
    tree = MemoryTree(_files(clinic__visits="import os\ndef f(visit):\n"
                                            "    visit.random = os.urandom(4).hex()\n"))
    config = Config(root="/repo", models=("clinic/models.py",), ignore_names=("random",))
    inventory = classify_inventory(_inventory(tree), load_vocabulary(config), tree)
    assert [(c.key, c.category) for c in inventory.columns if c.column == "random"] == [
        (("visits", "random"), None), (("kiosks", "random"), None)]


def test_a_helper_in_a_package_beats_a_module_of_its_name() -> None:
    # Python's finder takes clinic/helpers/__init__.py over clinic/helpers.py
    files = {**_files(clinic__visits=(
        "from .helpers import make_code\n\n"
        "def open_visit(visit):\n"
        "    visit.random = make_code()\n")),
        "clinic/helpers/__init__.py": (
            "import secrets\n\ndef make_code():\n    return secrets.token_urlsafe(16)\n"),
        "clinic/helpers.py": "import os\n\ndef make_code():\n    return os.urandom(8).hex()\n"}
    assert _judged(files)[("visits", "random")] == _credential(
        "secrets.token_urlsafe() via make_code(): clinic/visits.py:4")

"""What the repository's own code declares secret, and what the classifier makes of it.

The fixture is a small library-lending service written for these tests: members sign in with
a recovery lookup code, branches post notifications to hook URLs, exports run from a JSON spec
that may carry a storage token. The column names say little on purpose (``lookup``, ``hooks``,
``spec``, ``relay_address``): the code around the models says they are secret, the ways real
services say it (a pydantic ``SecretStr`` on the model's create schema, marshmallow's
``load_only=True``, a redaction list, a scrub function clearing its typed parameter, a
``..._scrubbed`` method looping over the names it rewrites).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.code_verdicts import open_to_code
from reviewer.column_uses import ColumnIndex
from reviewer.declared_secrets import declared_secrets
from reviewer.review import classify_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Declaration
from reviewer.vocabulary import load_vocabulary
from tests.code_evidence import EvidenceApp, Judged
from tests.gitrepo import GitRepo, isolate_git, make_repo

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "members"
    id = Column(Integer, primary_key=True)
    lookup = Column(String(64))
    lookup_iv = Column(String(32))
    badge_authorization = Column(String(64))
    shelf = Column(String(40))


class Branch(Base):
    __tablename__ = "branches"
    id = Column(Integer, primary_key=True)
    hooks = Column(Text)
    relay_address = Column(String(255))
    relay_key = Column(String(64))
    shelf = Column(String(40))
    data = Column(Text)


class Export(Base):
    __tablename__ = "exports"
    id = Column(Integer, primary_key=True)
    member_id = Column(Integer, ForeignKey("members.id"))
    spec = Column(Text)


class Courier(Base):
    __tablename__ = "couriers"
    id = Column(Integer, primary_key=True)
    phone = Column(String(40))
'''


APP = EvidenceApp("lending/models.py", MODELS)
_files = APP.files
_inventory = APP.inventory


def _judged(files: dict[str, str]) -> Judged:
    return APP.judged(files, lambda c: c.column not in ("id", "member_id"))


# what the names alone say
_NOTHING: Judged = {
    ("members", "lookup"): (None, None, None),
    ("members", "lookup_iv"): (None, None, None),
    ("members", "badge_authorization"): ("credential", "medium", "name token 'authorization'"),
    ("members", "shelf"): (None, None, None),
    ("couriers", "phone"): ("direct_identifier", "high", "name token 'phone'"),
    ("branches", "hooks"): (None, None, None),
    ("branches", "relay_address"): (None, None, None),
    ("branches", "relay_key"): (None, None, None),
    ("branches", "shelf"): (None, None, None),
    ("branches", "data"): ("free_text", "low", "blob name 'data' may hold user data"),
    ("exports", "spec"): (None, None, None),
}


def _declared(said: str) -> tuple[str, str, str]:
    return ("credential", "high", f"declared secret by the code: {said}")


@pytest.mark.parametrize(
    ("code", "changed"),
    [
        pytest.param({}, {}, id="no code: the names say nothing"),
        pytest.param(
            {"lending__schemas": '''\
                from pydantic import BaseModel, SecretStr

                class MemberCreate(BaseModel):
                    shelf: str
                    lookup: SecretStr
                '''},
            {("members", "lookup"): _declared(
                "MemberCreate.lookup: SecretStr: lending/schemas.py:5")},
            id="SecretStr on the model's create schema"),
        pytest.param(
            {"lending__schemas": '''\
                from typing import Optional

                import pydantic

                class MemberUpdate(pydantic.BaseModel):
                    lookup: Optional[pydantic.SecretBytes] = None
                '''},
            {("members", "lookup"): _declared(
                "MemberUpdate.lookup: SecretBytes: lending/schemas.py:6")},
            id="Optional[pydantic.SecretBytes] on the update schema"),
        pytest.param(
            {"lending__api": '''\
                from marshmallow import Schema, fields

                class MemberSchema(Schema):
                    shelf = fields.String()
                    lookup = fields.String(required=True, load_only=True)
                '''},
            {("members", "lookup"): _declared(
                "MemberSchema.lookup: load_only=True: lending/api.py:5")},
            id="marshmallow load_only=True on the model's schema"),
        pytest.param(
            {"lending__settings": '''\
                from pydantic import SecretStr
                from pydantic_settings import BaseSettings

                class MailRelay(BaseSettings):
                    relay_address: SecretStr
                '''},
            {("branches", "relay_address"): _declared(
                "MailRelay.relay_address: SecretStr: lending/settings.py:5")},
            id="SecretStr on a several-word name only one table has"),
        pytest.param(
            {"lending__settings": '''\
                from pydantic import BaseModel, SecretStr

                class CatalogueCredentials(BaseModel):
                    lookup: SecretStr
                    shelf: SecretStr

                class MemberBranchLink(BaseModel):
                    shelf: SecretStr
                '''},
            {},
            id="negative: SecretStr on an unrelated class's one-word name, or on a schema "
               "that mirrors two models with that name"),
        pytest.param(
            {"lending__schemas": '''\
                from dataclasses import dataclass, field

                from pydantic import BaseModel, Field

                class MemberRead(BaseModel):
                    lookup: str = Field(repr=False, exclude=True)

                @dataclass
                class BranchRow:
                    hooks: str = field(repr=False)
                '''},
            {},
            id="negative: repr=False and exclude=True alone declare nothing"),
        pytest.param(
            {"lending__log": '''\
                SENSITIVE_FIELDS = frozenset({
                    # the badge's credential, and the recovery lookup code
                    "badge_authorization",
                    "lookup",
                })
                '''},
            {("members", "badge_authorization"): (
                "credential", "high", "name token 'authorization', declared secret by the code: "
                "SENSITIVE_FIELDS lists 'badge_authorization': lending/log.py:1")},
            id="a redaction list confirms a name that reads as a credential; it makes "
               "none of a name that says nothing"),
        pytest.param(
            {"lending__audit": '''\
                class Report:
                    SensitiveKeys: list[str] = ["shelf", "badge_authorization"]
                '''},
            {("members", "badge_authorization"): (
                "credential", "high", "name token 'authorization', declared secret by the code: "
                "SensitiveKeys lists 'badge_authorization': lending/audit.py:2")},
            id="a class constant spelled in CamelCase, annotated"),
        pytest.param(
            {"lending__settings": '''\
                hidden_attribs = ("relay_key", "relay_address", "shelf")
                '''},
            {("branches", "relay_key"): _declared(
                "hidden_attribs lists 'relay_key': lending/settings.py:1")},
            id="a list of hidden attributes confirms a name that reads as a credential only "
               "weakly (arm: hidden_attribs lists PB_KEY, IFTTT_KEY)"),
        pytest.param(
            {"lending__log": '''\
                class Audit:
                    _REDACTED_KEYS = ("data", "shelf", "value", "lookup_iv")
                    EXPORT_FIELDS = ("lookup", "hooks")
                    SECRET_KEYS = ("badge_authorization", some_name)
                '''},
            {},
            id="negative: generic words, an IV the vocabulary rules out, a name that says "
               "nothing, a list not of secrets, a list that is not all literals"),
        pytest.param(
            {"lending__api": '''\
                class BranchView:
                    @classmethod
                    def from_row_scrubbed(cls, row):
                        data = row.as_dict()
                        for field in ("hooks", "unknown"):
                            data[field] = [cls._strip(h) for h in data[field]]
                        return cls(**data)
                '''},
            {("branches", "hooks"): _declared(
                "from_row_scrubbed() scrubs 'hooks': lending/api.py:5")},
            id="a scrub method loops over the names it rewrites"),
        pytest.param(
            {"lending__tickets": '''\
                class Ticket:
                    def redact_data(self):
                        for info in ("phone", "relay_address", "hooks"):
                            self.snapshot[f"submitter_{info}"] = "[redacted]"
                '''},
            {("branches", "hooks"): _declared(
                "redact_data() scrubs 'hooks': lending/tickets.py:3")},
            id="a redacted phone number or address stays personal data, no credential, even "
               "where its table says nothing of whose (onegov: Ticket.redact_data scrubs name, "
               "address, phone; subscribers.address)"),
        pytest.param(
            {"lending__exports": '''\
                from lending.specs import ExportSpec, ReportSpec

                def _remove_export_spec_sensitive_info(spec: ExportSpec):
                    if spec.target is not None:
                        spec.target.token = None

                def _remove_report_sensitive_info(spec: ReportSpec, other):
                    spec.token = None
                    other.spec = None
                '''},
            {("exports", "spec"): _declared(
                "_remove_export_spec_sensitive_info() clears ExportSpec.target.token: "
                "lending/exports.py:5")},
            id="a scrub function clears what its typed parameter holds; an unrelated type "
               "and an untyped parameter say nothing"),
        pytest.param(
            {"tests__test_log": 'SENSITIVE_FIELDS = ("lookup",)\n',
             "lending__migrations__versions__a1_init":
                 'SENSITIVE_FIELDS = ("hooks",)\n',
             "lending__broken": 'SENSITIVE_FIELDS = ("relay_address",\n'},
            {},
            id="tests, migrations and a file that does not parse give nothing"),
    ],
)
def test_the_classifier_judges_a_column_by_what_the_code_declares(
        code: dict[str, str], changed: Judged) -> None:
    assert _judged(_files(**code)) == {**_NOTHING, **changed}


def test_each_kind_is_recorded_where_the_code_first_declares_it() -> None:
    tree = MemoryTree(_files(
        lending__b='SENSITIVE_FIELDS = ("lookup",)\n',
        lending__a="from pydantic import BaseModel, SecretStr\n\n"
                   "class MemberCreate(BaseModel):\n    lookup: SecretStr\n",
        lending__c='SECRET_NAMES = ["lookup"]\n'))
    inventory = _inventory(tree)
    vocab = load_vocabulary()
    asked = [c for c in inventory.columns if c.key == ("members", "lookup")]
    assert all(open_to_code(c, vocab) for c in asked)
    assert vocab.declared is not None
    found = declared_secrets(tree, ColumnIndex(asked, inventory.columns, 2), vocab.declared)
    assert found == {("members", "lookup"): (
        Declaration("secret_type", "MemberCreate.lookup: SecretStr", "lending/a.py", 4),
        Declaration("names_list", "SENSITIVE_FIELDS lists 'lookup'", "lending/b.py", 1))}


def test_what_each_file_declares_is_kept_by_its_content(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from reviewer import declared_secrets as module

    tree = MemoryTree(_files(lending__log='SENSITIVE_FIELDS = ("lookup",)\n',
                             lending__plain="def f():\n    return 1\n"))
    inventory = _inventory(tree)
    vocab = load_vocabulary()
    words = vocab.declared
    assert words is not None
    asked = [c for c in inventory.columns if open_to_code(c, vocab)]
    parsed: list[str] = []
    real_read = module._Reader.read

    def read(self: module._Reader, prefilter: object, text: str, path: str) -> object:
        parsed.append(path)
        return real_read(self, prefilter, text, path)  # type: ignore[arg-type]

    monkeypatch.setattr(module._Reader, "read", read)

    def found() -> dict[tuple[str, str], tuple[Declaration, ...]]:
        return declared_secrets(tree, ColumnIndex(asked, inventory.columns, 2), words,
                                use_cache=True)

    expected = {("members", "lookup"): (
        Declaration("names_list", "SENSITIVE_FIELDS lists 'lookup'", "lending/log.py", 1),)}
    assert (found(), sorted(parsed)) == (
        expected, ["lending/log.py", "lending/models.py", "lending/plain.py"])
    assert (found(), len(parsed)) == (expected, 3)  # read back: nothing read again


# ------------------------------------------------------------------ through the CLI

RULES = json.dumps({"version": 1, "rules": []})


@pytest.fixture
def lending(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    isolate_git(monkeypatch)
    repo = make_repo(tmp_path / "lending")
    for path, text in _files().items():
        repo.write(path, text)
    repo.write(".masking-reviewer.toml", 'models = ["lending/models.py"]\n')
    repo.write("masking_rules.json", RULES)
    repo.commit("lending")
    return repo


def test_a_pull_request_adding_a_column_its_schema_calls_secret_is_blocked(
        lending: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    # the pull request adds a column whose name says little and the API schema that types it
    # SecretStr: MR003 blocks, and its evidence says why, in JSON and in markdown
    lending.branch("feature")
    lending.checkout("feature")
    lending.write("lending/models.py", MODELS.replace(
        "    shelf = Column(String(40))\n\n\nclass Branch",
        "    shelf = Column(String(40))\n"
        "    courier = Column(String(80))\n\n\nclass Branch"))
    lending.write("lending/schemas.py", "from pydantic import BaseModel, SecretStr\n\n\n"
                                        "class MemberCreate(BaseModel):\n"
                                        "    courier: SecretStr\n")
    lending.commit("Members keep a courier secret")
    code = main(["diff", "-C", str(lending.root), "--base", "main", "--no-ai",
                 "--format", "json"])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    mr003 = {f["column"]: f for f in json.loads(out)["findings"] if f["code"] == "MR003"
             and f["introduced"]}
    assert code == 1
    assert (mr003["courier"]["table"], mr003["courier"]["severity"],
            mr003["courier"]["line"]) == ("members", "error", 16)
    assert mr003["courier"]["evidence"] == (
        "declared secret by the code: MemberCreate.courier: SecretStr: lending/schemas.py:5")
    main(["diff", "-C", str(lending.root), "--base", "main", "--no-ai", "--format", "markdown"])
    assert ("declared secret by the code: MemberCreate.courier: SecretStr: "
            "lending/schemas.py:5") in capsys.readouterr().out


def test_the_ai_prompt_carries_the_declaration() -> None:
    from reviewer.ai import AiRequest, render_request

    tree = MemoryTree(_files(lending__log='SENSITIVE_FIELDS = ("badge_authorization",)\n'))
    inventory = classify_inventory(_inventory(tree), load_vocabulary(), tree)
    column = inventory.by_key()[("members", "badge_authorization")]
    hunk = ("@@ -13,0 +14,1 @@ class Member(Base):\n"
            "+    badge_authorization = Column(String(64))\n")
    rendered = render_request(AiRequest(hunks=(("lending/models.py", hunk),),
                                        candidates=(column,), findings=(), similar=(),
                                        inventory=inventory))
    assert ("classifier: credential, high confidence (name token 'authorization', "
            "declared secret by the code: "
            "SENSITIVE_FIELDS lists 'badge_authorization': lending/log.py:1)") in rendered.user

"""Every `external-bases` entry an MR007 message suggests leads the user to a declaration
that clears that MR007: a base's entry holds a placeholder column the configuration refuses
until it is filled in (pasted as printed, `columns = []` would drop every column the base
adds, a silent pass); a function's `columns = []` is accepted as printed.
Also the bases made by a call into a package (`BASE = get_base()`), declared by that
spelling or shipped (sqlalchemy-helpers).
"""

from __future__ import annotations

import json
import re
import sys
import textwrap
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.config import load_config
from reviewer.errors import UsageError
from reviewer.sources import WorktreeTree

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib

PYPROJECT = '[tool.masking-reviewer]\nmodels = ["app/**/*.py"]\n'
# the entry a message prints: up to the "}" it ends with (its columns may hold inline tables)
SUGGESTED = re.compile(r"\[tool\.masking-reviewer\.external-bases\]: "
                       r"(\"[^\"]+\" = \{ .*? \})(?=, filling in|, the table's|\. |$)")
# what a base's suggested entry leaves to the user, and a column to fill it in with: a
# credential, so the gate has a finding to show for it once it is read
PLACEHOLDER = '{ attribute = "...", type = "..." }'
FILLED = '{ attribute = "api_secret_key", type = "String(64)" }'
PLACEHOLDER_COLUMNS = r"columns = \[\{ attribute = \"\.\.\.\", type = \"\.\.\.\" \}\] \}"
PLACEHOLDER_TAIL = (r", filling in \"\.\.\.\": one \{ attribute, type \} in columns for each "
                    r"column it adds \(columns = \[\] if it adds none\)")

MIXIN = """\
    from sqlalchemy import Column, Integer
    from sqlalchemy.orm import DeclarativeBase
    from acme_billing.mixins import StripeMixin
    class Base(DeclarativeBase):
        pass
    class Customer(Base, StripeMixin):
        __tablename__ = "customers"
        id = Column(Integer, primary_key=True)
    """

BASE_SUGGESTIONS = [
    pytest.param(
        {"app/models.py": MIXIN},
        r"class Customer: base class 'StripeMixin' is acme_billing\.mixins\.StripeMixin from "
        r"the package 'acme_billing', outside the repository; it is not installed where "
        r"masking-reviewer runs and no declaration of it ships with masking-reviewer, so the "
        r"columns it adds cannot be read\. Install the package where the reviewer runs, or "
        r"declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"acme_billing\.mixins\.StripeMixin\" = \{ " + PLACEHOLDER_COLUMNS + PLACEHOLDER_TAIL,
        ("app/models.py", 6),
        [("customers", "api_secret_key"), ("customers", "id")],
        id="class: a mixin beside the app's own base is declared a mixin",
    ),
    pytest.param(
        {"app/models.py": """\
            from sqlalchemy import Column, Integer
            from shared_lib.db import Model
            class Customer(Model):
                __tablename__ = "customers"
                id = Column(Integer, primary_key=True)
            """},
        r"class Customer: base class 'Model' is shared_lib\.db\.Model from the package "
        r"'shared_lib', .*declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"shared_lib\.db\.Model\" = \{ kind = \"declarative-base\", "
        + PLACEHOLDER_COLUMNS + PLACEHOLDER_TAIL,
        ("app/models.py", 3),
        [("customers", "api_secret_key"), ("customers", "id")],
        id="class: the only base is declared a declarative base",
    ),
    pytest.param(
        {"app/models.py": """\
            from sqlalchemy import Column, Integer
            import shared_lib.db as shared
            class Customer(shared.Model):
                __tablename__ = "customers"
                id = Column(Integer, primary_key=True)
            """},
        r"class Customer: base class 'shared\.Model' is shared_lib\.db\.Model from the package "
        r"'shared_lib', .*: \"shared_lib\.db\.Model\" = "
        r"\{ kind = \"declarative-base\", " + PLACEHOLDER_COLUMNS + r", .*",
        ("app/models.py", 3),
        [("customers", "api_secret_key"), ("customers", "id")],
        id="module attribute: named by its module",
    ),
    pytest.param(
        {"app/database.py": "from acme_db import get_base\nBASE = get_base()\n",
         "app/models.py": """\
            from sqlalchemy import Column, Integer, String
            from app.database import BASE
            class User(BASE):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                password = Column(String(128))
            """},
        r"class User: base class 'BASE' is what acme_db\.get_base\(\) returns, made by a call "
        r"into the package 'acme_db', outside the repository; masking-reviewer does not run "
        r"the package's code and no declaration of it ships with masking-reviewer, so the "
        r"columns it adds cannot be read\. Declare it in "
        r"\[tool\.masking-reviewer\.external-bases\]: \"acme_db\.get_base\(\)\" = "
        r"\{ kind = \"declarative-base\", " + PLACEHOLDER_COLUMNS + PLACEHOLDER_TAIL,
        ("app/models.py", 3),
        [("users", "api_secret_key"), ("users", "id"), ("users", "password")],
        id="factory call: BASE = get_base() in another module",
    ),
    pytest.param(
        {"app/models.py": """\
            import acme_db.orm
            from sqlalchemy import Column, Integer, String
            class AuditMixin:
                created_by = Column(String(64))
            Base = acme_db.orm.make_base(cls=AuditMixin)
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """},
        r"class User: base class 'Base' is what acme_db\.orm\.make_base\(\) returns, .*"
        r": \"acme_db\.orm\.make_base\(\)\" = \{ kind = \"declarative-base\", "
        + PLACEHOLDER_COLUMNS + r", .*",
        ("app/models.py", 6),
        [("users", "api_secret_key"), ("users", "created_by"), ("users", "id")],
        id="factory call through a module, with cls=: the mixin is read as declarative_base's",
    ),
    pytest.param(
        {"app/models.py": """\
            import acme_db
            from sqlalchemy import Column, Integer
            def get_base():
                return acme_db.make_base()
            Base = get_base()
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """},
        r"class User: base class 'Base' is what acme_db\.make_base\(\) returns, .*"
        r": \"acme_db\.make_base\(\)\" = \{ kind = \"declarative-base\", "
        + PLACEHOLDER_COLUMNS + r", .*",
        ("app/models.py", 6),
        [("users", "api_secret_key"), ("users", "id")],
        id="factory call returned by a function of the repository",
    ),
    pytest.param(
        {"app/models.py": """\
            import acme_db
            from sqlalchemy import Column, Integer
            db = acme_db.Database()
            class User(db.Model):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """},
        r"class User: base class 'db\.Model' is acme_db\.Database\(\)\.Model, made by a call "
        r"into the package 'acme_db', .*: \"acme_db\.Database\(\)\.Model\" = "
        r"\{ kind = \"declarative-base\", " + PLACEHOLDER_COLUMNS + r", .*",
        ("app/models.py", 4),
        [("users", "api_secret_key"), ("users", "id")],
        id="an attribute of an object a package's class makes",
    ),
]

FUNCTION_SUGGESTIONS = [
    pytest.param(
        {"app/models.py": """\
            import acme_audit
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import DeclarativeBase
            class Base(DeclarativeBase):
                pass
            class Invoice(Base):
                __tablename__ = "invoices"
                id = Column(Integer, primary_key=True)
                history = acme_audit.versioned("invoice")
            """},
        r"Invoice\.history: cannot resolve acme_audit\.versioned\(\.\.\.\) .*"
        r": \"acme_audit\.versioned\" = \{ columns = \[\] \}",
        ("app/models.py", 9),
        [("invoices", "id")],
        id="a package's function called in a class body",
    ),
    pytest.param(
        {"app/models.py": """\
            import acme_audit
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import DeclarativeBase
            audit = acme_audit.Auditor()
            class Base(DeclarativeBase):
                pass
            class Invoice(Base):
                __tablename__ = "invoices"
                id = Column(Integer, primary_key=True)
                history = audit.versioned("invoice")
            """},
        r"Invoice\.history: cannot resolve audit\.versioned\(\.\.\.\) .*"
        r": \"acme_audit\.Auditor\(\)\.versioned\" = \{ columns = \[\] \}",
        ("app/models.py", 10),
        [("invoices", "id")],
        id="a method of a package's object called in a class body",
    ),
]


def write(root: Path, files: dict[str, str], pyproject: str) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text))
    (root / "pyproject.toml").write_text(pyproject)
    (root / "masking_rules.json").write_text('{"version": 1, "rules": []}\n')


def scan(root: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    code = main(["scan", "--format", "json", "--no-cache", "--root", str(root)])
    doc: dict[str, object] = json.loads(capsys.readouterr().out)
    assert code == 0
    return doc


def mr007(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--format", "json", "--no-cache", "--root", str(root)])
    doc = json.loads(capsys.readouterr().out)
    return code, [f"{f['path']}:{f['line']}: {f['message']}" for f in doc["findings"]
                  if f["code"] == "MR007"]


def findings(root: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, list[str]]:
    code = main(["check", "--format", "json", "--no-cache", "--root", str(root)])
    doc = json.loads(capsys.readouterr().out)
    return code, [f"{f['path']}:{f['line']}: {f['code']} {f['table']}.{f['column']}"
                  for f in doc["findings"]]


def suggested(root: Path, files: dict[str, str], message: str, where: tuple[str, int],
              capsys: pytest.CaptureFixture[str]) -> str:
    """The entry the one MR007 for ``files`` prints, after checking the message."""
    write(root, files, PYPROJECT)
    code, errors = mr007(root, capsys)
    assert code == 1
    (error,) = errors
    path, line, text = error.split(":", 2)
    assert (path, int(line)) == where
    text = text.strip()
    assert re.fullmatch(message + r"\. The gate fails closed until this file can be read\.",
                        text), text
    found = SUGGESTED.search(text)
    assert found is not None, text
    return found.group(1)


def declare(root: Path, entry: str) -> None:
    pyproject = f"{PYPROJECT}\n[tool.masking-reviewer.external-bases]\n{entry}\n"
    tomllib.loads(pyproject)  # the entry is TOML
    (root / "pyproject.toml").write_text(pyproject)


@pytest.mark.parametrize(("files", "message", "where", "columns"), BASE_SUGGESTIONS)
def test_the_suggested_base_entry_is_refused_until_its_columns_are_filled_in(
    files: dict[str, str], message: str, where: tuple[str, int],
    columns: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    entry = suggested(tmp_path, files, message, where, capsys)
    assert entry.count(PLACEHOLDER) == 1, entry

    # pasted as printed: `columns = []` would have been accepted and dropped every column the
    # base adds; the placeholder is a usage error naming the entry's line (line 5)
    declare(tmp_path, entry)
    assert main(["check", "--no-cache", "--root", str(tmp_path)]) == 2
    qual = re.escape(entry.split('"')[1])
    assert re.fullmatch(
        rf"reviewer: error: pyproject\.toml:5: bad value for key 'external-bases\.{qual}\."
        r"columns\[0\]\.attribute': attribute \"\.\.\.\" is the placeholder MR007 printed: "
        r"write the attribute of a column the package's class adds \(one \{ attribute, type \} "
        r"in columns for each column it adds\), or write columns = \[\] if it adds none\n",
        capsys.readouterr().err)

    # filled in, the column is read into the model's table and checked like the app's own
    declare(tmp_path, entry.replace(PLACEHOLDER, FILLED))
    load_config(str(tmp_path), WorktreeTree(tmp_path))
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == columns  # type: ignore[attr-defined]
    code, found = findings(tmp_path, capsys)
    assert code == 1
    assert [f for f in found if f.endswith(".api_secret_key")] == [
        f"{where[0]}:{where[1]}: MR003 {columns[0][0]}.api_secret_key"]


@pytest.mark.parametrize(("files", "message", "where", "columns"), FUNCTION_SUGGESTIONS)
def test_the_suggested_function_entry_is_accepted_as_printed_and_clears_the_mr007(
    files: dict[str, str], message: str, where: tuple[str, int],
    columns: list[tuple[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    # a function called in a class body is declared to build no column: the message says
    # to do so only if it builds none, and there is nothing to fill in
    entry = suggested(tmp_path, files, message, where, capsys)
    assert '"..."' not in entry
    declare(tmp_path, entry)
    load_config(str(tmp_path), WorktreeTree(tmp_path))
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == columns  # type: ignore[attr-defined]


def test_declaring_the_factory_itself_does_not_declare_the_base_it_returns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # "acme_db.get_base" is the function called in a class body; its call's result is another
    # name, and the message says which
    files = BASE_SUGGESTIONS[3].values[0]
    write(tmp_path, files, PYPROJECT + '\n[tool.masking-reviewer.external-bases]\n'
          '"acme_db.get_base" = { kind = "declarative-base", columns = [] }\n')
    code, errors = mr007(tmp_path, capsys)
    assert code == 1
    (error,) = errors
    assert re.search(r": \"acme_db\.get_base\(\)\" = \{ kind = \"declarative-base\", "
                     + PLACEHOLDER_COLUMNS + PLACEHOLDER_TAIL + r"; "
                     r"\"acme_db\.get_base\" in the configuration declares the function as "
                     r"called in a class body, not the base its call returns\. ", error), error


@pytest.mark.parametrize("name", [
    pytest.param("pkg.make_base()", id="a call"),
    pytest.param("pkg.Database().Model", id="an attribute of a call's result"),
    pytest.param("pkg.orm.make_base()", id="a call through a module"),
])
def test_a_call_is_a_valid_external_bases_key(name: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.masking-reviewer.external-bases]\n"{name}" = {{ columns = [] }}\n')
    config = load_config(str(tmp_path), WorktreeTree(tmp_path))
    assert [c.name for c in config.external_bases] == [name]


@pytest.mark.parametrize("name", [
    pytest.param("pkg()", id="a bare call"),
    pytest.param("pkg().Model", id="a module called"),
    pytest.param("pkg.make_base(cls=Mixin)", id="a call with arguments"),
    pytest.param("pkg.make_base()()", id="a call called"),
])
def test_other_calls_are_bad_external_bases_keys(name: str, tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.masking-reviewer.external-bases]\n"{name}" = {{ columns = [] }}\n')
    with pytest.raises(UsageError, match=r"bad value for key 'external-bases'"):
        load_config(str(tmp_path), WorktreeTree(tmp_path))


ATTRIBUTE_LEFT = (r"attribute \"\.\.\.\" is the placeholder MR007 printed: write the "
                  r"attribute of a column the package's class adds \(one \{ attribute, type \} "
                  r"in columns for each column it adds\), or write columns = \[\] if it adds "
                  r"none")
NAME_LEFT = (r"name \"\.\.\.\" is the placeholder MR007 printed: write the database name of a "
             r"column the package's class adds \(.*\), or write columns = \[\] if it adds none")
TYPE_LEFT = (r"type \"\.\.\.\" is the placeholder MR007 printed: write the column's type as the "
             r"package declares it, e\.g\. \"String\(255\)\", or leave type out")
HEADER = "[tool.masking-reviewer.external-bases]\n"

PLACEHOLDER_CASES = [
    pytest.param(HEADER + '"acme.Mixin" = { columns = [{ attribute = "...", type = "Text" }] }\n',
                 "acme.Mixin.columns[0].attribute", 2, ATTRIBUTE_LEFT,
                 id="the attribute left as printed"),
    pytest.param(HEADER + '"acme.Mixin" = { columns = [{ name = "...", type = "Text" }] }\n',
                 "acme.Mixin.columns[0].name", 2, NAME_LEFT,
                 id="a database name written as the placeholder"),
    pytest.param(HEADER + '"acme.Mixin" = { columns = [{ attribute = "key", type = "..." }] }\n',
                 "acme.Mixin.columns[0].type", 2, TYPE_LEFT,
                 id="the attribute filled in, the type left as printed"),
    pytest.param(HEADER + '"acme.Mixin" = { columns = [{ attribute = "\u2026" }] }\n',
                 "acme.Mixin.columns[0].attribute", 2, ATTRIBUTE_LEFT,
                 id="the one-character ellipsis"),
    pytest.param(HEADER + '"acme.Mixin" = { columns = [{ attribute = " ... " }] }\n',
                 "acme.Mixin.columns[0].attribute", 2, ATTRIBUTE_LEFT,
                 id="the placeholder padded with spaces"),
    pytest.param(HEADER + '"acme.Mixin" = { columns = [\n'
                 '    { attribute = "api_key", type = "String(64)" },\n'
                 '    { attribute = "...", type = "..." },\n'
                 "] }\n",
                 "acme.Mixin.columns[1].attribute", 4, ATTRIBUTE_LEFT,
                 id="a second column pasted in and left: its own line"),
    pytest.param('[tool.masking-reviewer.external-bases."acme.Mixin"]\n'
                 'columns = [{ attribute = "api_key", type = "..." }]\n',
                 "acme.Mixin.columns[0].type", 2, TYPE_LEFT,
                 id="the entry written as a table of its own"),
    pytest.param(HEADER + '# MR007 printed: "acme.Mixin" = { columns = [{ attribute = "...", '
                 'type = "..." }] }\n'
                 '"acme.Base" = { kind = "declarative-base", columns = [] }\n'
                 '"acme.Mixin" = { columns = [{ attribute = "...", type = "Text" }] }\n',
                 "acme.Mixin.columns[0].attribute", 4, ATTRIBUTE_LEFT,
                 id="the line is the entry's, not a comment's above it"),
]


@pytest.mark.parametrize(("declared", "key", "line", "message"), PLACEHOLDER_CASES)
def test_a_column_placeholder_left_in_external_bases_is_a_usage_error_at_its_line(
    declared: str, key: str, line: int, message: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    (tmp_path / "pyproject.toml").write_text(declared)
    assert main(["check", "--no-cache", "--root", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert re.fullmatch(rf"reviewer: error: pyproject\.toml:{line}: bad value for key "
                        rf"'external-bases\.{re.escape(key)}': {message}\n", err), err


@pytest.mark.parametrize(("declared", "columns"), [
    pytest.param('"acme.Mixin" = { columns = [] }', [],
                 id="columns = [] written for a mixin that adds none"),
    pytest.param('"acme.Mixin" = { columns = [{ attribute = "_key", name = "api_key", '
                 'type = "Enum(...)" }] }', [("_key", "api_key", "Enum(...)")],
                 id="a filled-in column whose type text holds ..."),
])
def test_a_filled_in_or_deliberately_empty_entry_is_accepted(
    declared: str, columns: list[tuple[str, str, str]], tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(HEADER + declared + "\n")
    (mixin,) = load_config(str(tmp_path), WorktreeTree(tmp_path)).external_bases
    assert [(c.attribute, c.name, c.type) for c in mixin.columns] == columns


# sqlalchemy-helpers (reviewer/external_bases/sqlalchemy_helpers.toml), not installed here:
# read from the shipped declaration, no configuration needed
HELPERS_CASES = [
    pytest.param(
        {"app/database.py": "from sqlalchemy_helpers import get_base\nBASE = get_base()\n"},
        "from app.database import BASE", "BASE", [("users", "id"), ("users", "password")],
        id="BASE = get_base(), as mirrormanager2 declares it",
    ),
    pytest.param(
        {"app/database.py": "import sqlalchemy_helpers.manager as m\nBASE = m.get_base()\n"},
        "from app.database import BASE", "BASE", [("users", "id"), ("users", "password")],
        id="get_base() from its module",
    ),
    pytest.param(
        {"app/database.py": """\
            from sqlalchemy import Column, String
            from sqlalchemy_helpers import get_base
            class Mixin:
                updated_by = Column(String(64))
            BASE = get_base(cls=Mixin)
            """},
        "from app.database import BASE", "BASE",
        [("users", "id"), ("users", "password"), ("users", "updated_by")],
        id="get_base(cls=Mixin): the mixin's column too (declarative_base's before 2.0)",
    ),
    pytest.param(
        {}, "from sqlalchemy_helpers import Base", "Base",
        [("users", "id"), ("users", "password")],
        id="its Base class, which get_base() is deprecated for",
    ),
    pytest.param(
        {}, "from sqlalchemy_helpers.aio import Base", "Base",
        [("users", "id"), ("users", "password")],
        id="the asyncio module's Base, as webhook-to-fedora-messaging declares it",
    ),
]


@pytest.mark.parametrize(("files", "imports", "base", "columns"), HELPERS_CASES)
def test_sqlalchemy_helpers_bases_are_read_without_configuration(
    files: dict[str, str], imports: str, base: str, columns: list[tuple[str, str]],
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    models = (f"from sqlalchemy import Column, Integer, String\n{imports}\n"
              f"class User({base}):\n    __tablename__ = \"users\"\n"
              "    id = Column(Integer, primary_key=True)\n    password = Column(String(128))\n")
    write(tmp_path, {**files, "app/models.py": models}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == columns  # type: ignore[attr-defined]


def test_another_factory_of_sqlalchemy_helpers_still_blocks(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # only the declared names are read: a function it does not ship stays unknown
    write(tmp_path, {"app/models.py": """\
        from sqlalchemy import Column, Integer
        from sqlalchemy_helpers import make_base
        Base = make_base()
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        """}, PYPROJECT)
    code, errors = mr007(tmp_path, capsys)
    assert code == 1
    assert [e.split(": ", 1)[0] for e in errors] == ["app/models.py:4"]
    assert "\"sqlalchemy_helpers.make_base()\" = { kind = \"declarative-base\"" in errors[0]


INSTALLED_MIXIN = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.ext.declarative import declared_attr
def _table_name(cls):
    return "acme_" + cls.__name__.lower()
class TokenMixin:
    @declared_attr
    def __tablename__(cls):
        return _table_name(cls)
    id = Column(Integer, primary_key=True)
    provider = Column("provider_name", String(50), nullable=False)
    token = Column(String(255), unique=True, nullable=True)
"""


def test_following_the_suggested_tablename_entry_keeps_the_installed_columns(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # an installed mixin whose __tablename__ the reader cannot evaluate: the entry printed
    # carries the columns read from its source, so declaring the name loses none of them
    site = tmp_path / "site-packages" / "acme_dance"
    site.mkdir(parents=True)
    (site / "__init__.py").write_text("")
    (site / "storage.py").write_text(INSTALLED_MIXIN)
    monkeypatch.syspath_prepend(str(tmp_path / "site-packages"))
    root = tmp_path / "repo"
    write(root, {"app/models.py": """\
        from sqlalchemy import Column, Integer
        from sqlalchemy.orm import DeclarativeBase
        from acme_dance.storage import TokenMixin
        class Base(DeclarativeBase):
            pass
        class GitHubToken(TokenMixin, Base):
            user_id = Column(Integer)
        """}, PYPROJECT)
    code, errors = mr007(root, capsys)
    assert code == 1
    (error,) = errors
    assert error.startswith("app/models.py:6: class GitHubToken takes its table name"), error
    found = SUGGESTED.search(error)
    assert found is not None, error
    assert found.group(1) == (
        '"acme_dance.storage.TokenMixin" = { tablename = "...", columns = ['
        '{ attribute = "id", type = "Integer", primary-key = true }, '
        '{ attribute = "provider", name = "provider_name", type = "String(50)", '
        'nullable = false }, '
        '{ attribute = "token", type = "String(255)", unique = true }] }')
    # copied as printed, the placeholder is refused, naming its line (exit 2): no table "..."
    unedited = f"{PYPROJECT}\n[tool.masking-reviewer.external-bases]\n{found.group(1)}\n"
    (root / "pyproject.toml").write_text(unedited)
    with pytest.raises(UsageError, match=r'tablename "\.\.\." is the placeholder MR007 printed'):
        load_config(str(root), WorktreeTree(root))
    entry = found.group(1).replace('"..."', '"acme_{class_lower}"')  # the user's part
    pyproject = f"{PYPROJECT}\n[tool.masking-reviewer.external-bases]\n{entry}\n"
    tomllib.loads(pyproject)
    (root / "pyproject.toml").write_text(pyproject)
    load_config(str(root), WorktreeTree(root))
    _, errors = mr007(root, capsys)
    assert errors == []
    doc = scan(root, capsys)
    assert sorted((c["table"], c["column"], c["nullable"], c["unique"])  # type: ignore[index]
                  for c in doc["columns"]) == [  # type: ignore[attr-defined]
        ("acme_githubtoken", "id", False, False),
        ("acme_githubtoken", "provider_name", False, False),
        ("acme_githubtoken", "token", True, True),
        ("acme_githubtoken", "user_id", True, False)]


def test_papyrus_geo_interface_adds_no_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/papyrus.toml, not installed here: c2cgeoportal's FullTextSearch
    write(tmp_path, {"app/models.py": """\
        from papyrus.geo_interface import GeoInterface
        from sqlalchemy import Column, Integer, Unicode
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class FullTextSearch(GeoInterface, Base):
            __tablename__ = "tsearch"
            id = Column(Integer, primary_key=True)
            label = Column(Unicode)
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == [  # type: ignore[attr-defined]
        ("tsearch", "id"), ("tsearch", "label")]


@pytest.mark.parametrize("body", [
    pytest.param("title = translation_hybrid(title_translations)", id="translation-hybrid"),
    pytest.param("fts_type_title = TranslationString('Attendees', domain='onegov.feriennet')",
                 id="translation-string"),
])
def test_shipped_i18n_helpers_add_no_column(
    body: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/sqlalchemy_utils.toml and translationstring.toml, neither
    # installed here: OneGov Cloud's archived_results.title and attendees.fts_type_title
    write(tmp_path, {"app/models.py": f"""\
        from sqlalchemy import Column, Integer
        from sqlalchemy.dialects.postgresql import HSTORE
        from sqlalchemy.orm import declarative_base
        from sqlalchemy_utils import TranslationHybrid
        from translationstring import TranslationString
        Base = declarative_base()
        translation_hybrid = TranslationHybrid(current_locale="de_CH", default_locale="de_CH")
        class ArchivedResult(Base):
            __tablename__ = "archived_results"
            id = Column(Integer, primary_key=True)
            title_translations = Column(HSTORE)
            {body}
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == [  # type: ignore[attr-defined]
        ("archived_results", "id"), ("archived_results", "title_translations")]


def test_declaring_a_run_time_table_helper_unblocks_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # OneGov Cloud's associated(): the MR007 names the entry, and the entry clears it
    files = {
        "app/__init__.py": "",
        "app/associable.py": """\
            from sqlalchemy import Column, ForeignKey, Table
            from sqlalchemy.orm import declared_attr, relationship
            def associated(associated_cls, attribute_name):
                def descriptor(cls):
                    name = f"{associated_cls.__tablename__}_for_{cls.__tablename__}"
                    table = Table(name, cls.metadata,
                                  Column("owner_id", ForeignKey(f"{cls.__tablename__}.id")),
                                  Column("file_id", ForeignKey("files.id")))
                    return relationship(associated_cls, secondary=table)
                return declared_attr(descriptor)
            """,
        "app/models.py": """\
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            from app.associable import associated
            Base = declarative_base()
            class File(Base):
                __tablename__ = "files"
                id = Column(Integer, primary_key=True)
            class Vote(Base):
                __tablename__ = "votes"
                id = Column(Integer, primary_key=True)
                files = associated(File, "files")
            """,
    }
    config = '[tool.masking-reviewer]\nmodels = ["app/models.py"]\n'
    write(tmp_path, files, config)
    code, errors = mr007(tmp_path, capsys)
    assert code == 1
    assert len(errors) == 1 and errors[0].startswith("app/models.py:11: Vote.files: ")
    assert ('declare it in [tool.masking-reviewer.external-bases]: '
            '"app.associable.associated" = { columns = [] }') in errors[0]
    write(tmp_path, files, config + '[tool.masking-reviewer.external-bases]\n'
          '"app.associable.associated" = { columns = [] }\n')
    assert mr007(tmp_path, capsys) == (0, [])


def test_passlib_crypt_context_adds_no_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/passlib.toml, passlib not installed here: Beaker's
    # User._password_context, a CryptContext in the mapped class that hashes the password
    write(tmp_path, {"app/models.py": """\
        import passlib.context
        from passlib.context import CryptContext
        from sqlalchemy import Column, Integer, Unicode
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class User(Base):
            __tablename__ = "tg_user"
            _password_context = passlib.context.CryptContext(schemes=["pbkdf2_sha512"])
            _legacy_context = CryptContext(schemes=["hex_sha1"])
            id = Column(Integer, primary_key=True)
            password = Column(Unicode(128))
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == [  # type: ignore[attr-defined]
        ("tg_user", "id"), ("tg_user", "password")]


def test_libres_orm_base_brings_libres_own_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/libres.toml, libres not installed here (so its newest declared
    # release, 1.2.0): OneGov's Resource derives from libres' ORMBase beside its own mixins,
    # and creates libres' own reservation tables with it. They sit at the first class
    # deriving from the base; a table the repository maps itself ("allocations") is its own.
    write(tmp_path, {"app/models.py": """\
        from libres.db.models import ORMBase
        from libres.db.models.base import ORMBase as Base
        from sqlalchemy import Column, Integer, JSON
        class Resource(ORMBase):
            __tablename__ = "resources"
            id = Column(Integer, primary_key=True)
            content = Column(JSON)
        class Allocation(Base):
            __tablename__ = "allocations"
            id = Column(Integer, primary_key=True)
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    columns = doc["columns"]  # type: ignore[index]
    assert sorted((c["table"], c["column"]) for c in columns  # type: ignore[attr-defined]
                  if c["table"] in ("allocations", "resources")) == [
        ("allocations", "id"), ("resources", "content"), ("resources", "id")]
    reservations = [c for c in columns if c["table"] == "reservations"]  # type: ignore[attr-defined]
    assert [c["column"] for c in reservations] == [
        "created", "data", "email", "end", "id", "modified", "quota", "resource", "session_id",
        "start", "status", "target", "target_type", "timezone", "token", "type"]
    email = next(c for c in reservations if c["column"] == "email")
    assert (email["path"], email["line"], email["class"], email["type"]) == (
        "app/models.py", 4, "Reservation", "Unicode(254)")
    assert sorted({c["table"] for c in columns}) == [  # type: ignore[attr-defined]
        "allocations", "reservation_blockers", "reservations", "reserved_slots", "resources"]


def test_baselayer_base_names_tables_adds_columns_and_brings_its_own_tables(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/baselayer.toml and conesearch_alchemy.toml (SkyPortal): a class
    # on baselayer's Base gets id, created_at and modified and the table cls.__name__.lower()
    # + "s"; conesearch-alchemy's Point adds ra and dec; the access-control objects a model
    # assigns to read/update are no columns; baselayer's own tables (users, tokens, ...) come
    # with the first class deriving from Base.
    write(tmp_path, {"app/models.py": """\
        import conesearch_alchemy as ca
        import sqlalchemy as sa
        from baselayer.app.models import AccessibleIfUserMatches, Base, CustomUserAccessControl
        class Galaxy(Base, ca.Point):
            read = update = AccessibleIfUserMatches("owner")
            delete = CustomUserAccessControl(lambda cls, user: None)
            name = sa.Column(sa.String, nullable=False)
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    columns = scan(tmp_path, capsys)["columns"]  # type: ignore[index]
    assert sorted((c["column"], c["line"]) for c in columns  # type: ignore[attr-defined]
                  if c["table"] == "galaxys") == [
        ("created_at", 4), ("dec", 4), ("id", 4), ("modified", 4), ("name", 7), ("ra", 4)]
    assert sorted({c["table"] for c in columns}) == [  # type: ignore[attr-defined]
        "acls", "associations", "codes", "cronjobruns", "galaxys", "nonces", "partials",
        "role_acls", "roles", "token_acls", "tokens", "user_acls", "user_roles", "users",
        "usersocialauths"]
    token = next(c for c in columns  # type: ignore[attr-defined]
                 if (c["table"], c["column"]) == ("tokens", "id"))
    assert (token["path"], token["line"], token["class"], token["type"]) == (
        "app/models.py", 4, "Token", "String")


JOIN_MODELS = """\
    import sqlalchemy as sa
    from baselayer.app.models import Base, User, join_model
    class Group(Base):
        name = sa.Column(sa.String)
    class Obj(Base):
        id = sa.Column(sa.String, primary_key=True)
    class ObjTagOption(Base):
        name = sa.Column(sa.String)
    GroupUser = join_model("group_users", Group, User)
    GroupUser.admin = sa.Column(sa.Boolean, nullable=False, default=False)
    ObjTag = join_model("obj_tags", Obj, ObjTagOption, new_name="ObjTag")
    GroupObjTag = join_model("group_obj_tags", Group, ObjTag, column_2="tag_id",
                             composite_pk=True)
    join_model("group_obj_tag_options", Group, ObjTagOption)
    """


def test_baselayer_join_model_maps_a_table_at_each_call(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/baselayer.toml, kind "table-factory" (SkyPortal's 57 join
    # tables): the table is the first argument, each model adds its table's name less its last
    # letter plus "_id" unless column_1/column_2 names it, composite_pk=True drops the id; the
    # bound name is the class (a later column joins its table), a join model's own table
    # serves the next call, and a call bound to no name maps its table all the same
    write(tmp_path, {"app/models.py": JOIN_MODELS}, PYPROJECT)
    assert mr007(tmp_path, capsys)[1] == []
    columns = scan(tmp_path, capsys)["columns"]  # type: ignore[index]
    got = sorted((c["table"], c["column"], c["line"], c["class"])  # type: ignore[index]
                 for c in columns if c["table"] in (  # type: ignore[index]
                     "group_users", "obj_tags", "group_obj_tags", "group_obj_tag_options"))
    assert got == [
        ("group_obj_tag_options", "created_at", 14, None),
        ("group_obj_tag_options", "group_id", 14, None),
        ("group_obj_tag_options", "id", 14, None),
        ("group_obj_tag_options", "modified", 14, None),
        ("group_obj_tag_options", "objtagoption_id", 14, None),
        ("group_obj_tags", "created_at", 12, "GroupObjTag"),
        ("group_obj_tags", "group_id", 12, "GroupObjTag"),
        ("group_obj_tags", "modified", 12, "GroupObjTag"),
        ("group_obj_tags", "tag_id", 12, "GroupObjTag"),
        ("group_users", "admin", 10, "GroupUser"),
        ("group_users", "created_at", 9, "GroupUser"),
        ("group_users", "group_id", 9, "GroupUser"),
        ("group_users", "id", 9, "GroupUser"),
        ("group_users", "modified", 9, "GroupUser"),
        ("group_users", "user_id", 9, "GroupUser"),
        ("obj_tags", "created_at", 11, "ObjTag"),
        ("obj_tags", "id", 11, "ObjTag"),
        ("obj_tags", "modified", 11, "ObjTag"),
        ("obj_tags", "obj_id", 11, "ObjTag"),
        ("obj_tags", "objtagoption_id", 11, "ObjTag"),
    ]


@pytest.mark.parametrize(("source", "expected"), [
    pytest.param(
        'ARGS = ("group_users", Group, User); GroupUser = join_model(*ARGS)\n',
        "app/models.py:6: join_model(...) (baselayer.app.models.join_model, a function that "
        "maps a table at each call): it is given *args or **kwargs, whose values cannot be "
        "read, so the table it maps cannot be read; pass the table's name and the models as "
        "written literals and names. The gate fails closed until this file can be read.",
        id="arguments unpacked from a tuple"),
    pytest.param(
        'GroupUser = join_model(table_for("group"), Group, User)\n',
        "app/models.py:6: join_model(...) (baselayer.app.models.join_model, a function that "
        "maps a table at each call): join_table is not a string the reader can evaluate (a "
        "literal or a module constant), so the table it maps cannot be read; pass the table's "
        "name and the models as written literals and names. The gate fails closed until "
        "this file can be read.",
        id="a table name computed by a call"),
    pytest.param(
        'GroupUser = join_model("group_users", Group, Plain)\n',
        "app/models.py:6: join_model(...) (baselayer.app.models.join_model, a function that "
        "maps a table at each call): model_2 = Plain is no mapped class whose table the reader "
        "knows, so the table it maps cannot be read; pass the table's name and the models as "
        "written literals and names. The gate fails closed until this file can be read.",
        id="a model that maps no table"),
    pytest.param(
        'GroupUser = join_model("group_users", Group, User, composite_pk=COMPOSITE)\n',
        "app/models.py:6: join_model(...) (baselayer.app.models.join_model, a function that "
        "maps a table at each call): composite_pk is not a literal True or False (it decides "
        "whether the table has 'id'), so the table it maps cannot be read; pass the table's "
        "name and the models as written literals and names. The gate fails closed until this "
        "file can be read.",
        id="composite_pk not a literal"),
])
def test_a_join_model_call_the_reader_cannot_follow_blocks(
    source: str, expected: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path, {"app/models.py": """\
        import sqlalchemy as sa
        from baselayer.app.models import Base, User, join_model
        class Group(Base):
            name = sa.Column(sa.String)
        class Plain: pass
        """ + source}, PYPROJECT)
    assert mr007(tmp_path, capsys)[1] == [expected]


def test_coaster_add_primary_relationship_maps_the_primary_table(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/coaster.toml (funnel, lastuser): a call bound to no name maps
    # "<parent>_<child>_primary" with both keys and coaster's timestamps
    write(tmp_path, {"app/models.py": """\
        from coaster.sqlalchemy import add_primary_relationship
        from sqlalchemy import Column, ForeignKey, Integer
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class User(Base):
            __tablename__ = "user"
            id = Column(Integer, primary_key=True)
        class UserEmail(Base):
            __tablename__ = "user_email"
            id = Column(Integer, primary_key=True)
            user_id = Column(Integer, ForeignKey("user.id"))
        add_primary_relationship(User, "primary_email", UserEmail, "user", "user_id")
        """}, PYPROJECT)
    assert mr007(tmp_path, capsys)[1] == []
    columns = scan(tmp_path, capsys)["columns"]  # type: ignore[index]
    assert sorted((c["column"], c["line"], c["primary_key"])  # type: ignore[index]
                  for c in columns if c["table"] == "user_user_email_primary") == [  # type: ignore[index]
        ("created_at", 12, False), ("updated_at", 12, False), ("user_email_id", 12, False),
        ("user_id", 12, True)]


def test_an_installed_libres_keeps_the_tables_its_declaration_lists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # where libres is installed, ORMBase is read from its source, which names none of the
    # tables other modules of libres map on it: our declaration of the release lists them
    from reviewer import externals

    site = tmp_path / "site-packages"
    package = site / "libres" / "db" / "models"
    package.mkdir(parents=True)
    for init in (site / "libres", site / "libres" / "db"):
        (init / "__init__.py").write_text("")
    (package / "__init__.py").write_text("from .base import ORMBase\n")
    (package / "base.py").write_text(
        "from sqlalchemy.orm import DeclarativeBase\n\n\nclass ORMBase(DeclarativeBase):\n"
        "    pass\n")
    meta = site / "libres-1.2.0.dist-info"
    meta.mkdir()
    (meta / "METADATA").write_text("Metadata-Version: 2.1\nName: libres\nVersion: 1.2.0\n")
    monkeypatch.syspath_prepend(str(site))
    externals.installed_version.cache_clear()
    root = tmp_path / "repo"
    write(root, {"app/models.py": """\
        from libres.db.models import ORMBase
        from sqlalchemy import Column, Integer
        class Resource(ORMBase):
            __tablename__ = "resources"
            id = Column(Integer, primary_key=True)
        """}, PYPROJECT)
    try:
        assert mr007(root, capsys)[1] == []
        doc = scan(root, capsys)
    finally:
        externals.installed_version.cache_clear()
    assert sorted({c["table"] for c in doc["columns"]}) == [  # type: ignore[attr-defined]
        "allocations", "reservation_blockers", "reservations", "reserved_slots", "resources"]


def _booking_base(columns: str) -> str:
    """The configuration of a team's in-house package whose base brings a `bookings` table
    with ``columns`` (TOML inline tables)."""
    return PYPROJECT + (
        '[tool.masking-reviewer.external-bases."acme_booking.db.BookingBase"]\n'
        'kind = "declarative-base"\ncolumns = []\n'
        f'tables = [{{ name = "bookings", class = "Booking", columns = [\n  {columns} ] }}]\n')


def test_package_tables_declared_in_config(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a team declares what its in-house package's base brings; a class that does not derive
    # from the base brings nothing
    files = {"app/models.py": """\
        from sqlalchemy import Column, Integer
        from acme_booking.db import BookingBase
        from sqlalchemy.orm import declarative_base
        Base = declarative_base()
        class Room(Base):
            __tablename__ = "rooms"
            id = Column(Integer, primary_key=True)
        class Desk(BookingBase):
            __tablename__ = "desks"
            id = Column(Integer, primary_key=True)
        """}
    write(tmp_path, files, _booking_base(
        '{ attribute = "id", type = "Integer", primary-key = true },\n'
        '  { attribute = "guest_email", type = "String(254)", nullable = false }'))
    assert mr007(tmp_path, capsys) == (0, [])
    doc = scan(tmp_path, capsys)
    assert [(c["table"], c["column"], c["path"], c["line"], c["class"], c["nullable"])
            for c in doc["columns"]  # type: ignore[attr-defined]
            if c["table"] == "bookings"] == [
        ("bookings", "guest_email", "app/models.py", 8, "Booking", False),
        ("bookings", "id", "app/models.py", 8, "Booking", False)]


def test_package_table_columns_keep_only_the_configured_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # as a declared base's columns do: a label the configuration does not name marks nothing
    files = {"app/models.py": """\
        from sqlalchemy import Column, Integer
        from acme_booking.db import BookingBase
        class Desk(BookingBase):
            __tablename__ = "desks"
            id = Column(Integer, primary_key=True)
        """}
    write(tmp_path, files, _booking_base(
        '{ attribute = "guest_email", type = "String(254)", '
        'labels = ["Acme.SECRET", "ColumnVisibility.PRIVATE"] }'))
    doc = scan(tmp_path, capsys)
    assert [(c["table"], c["column"], c["labels"])
            for c in doc["columns"]  # type: ignore[attr-defined]
            if c["table"] == "bookings"] == [
        ("bookings", "guest_email", ["ColumnVisibility.PRIVATE"])]


def test_turbogears_session_query_property_adds_no_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # reviewer/external_bases/turbogears.toml, TurboGears not installed here: Beaker's base
    write(tmp_path, {"app/models.py": """\
        from sqlalchemy import Column, Integer, Unicode
        from sqlalchemy.ext.declarative import declarative_base
        from turbogears.database import metadata, session
        class MappedObject(object):
            query = session.query_property()
        DeclarativeMappedObject = declarative_base(cls=MappedObject, metadata=metadata)
        class Arch(DeclarativeMappedObject):
            __tablename__ = "arch"
            id = Column(Integer, primary_key=True)
            arch = Column(Unicode(20), unique=True)
        """}, PYPROJECT)
    _, errors = mr007(tmp_path, capsys)
    assert errors == []
    doc = scan(tmp_path, capsys)
    assert sorted((c["table"], c["column"])  # type: ignore[index]
                  for c in doc["columns"]) == [  # type: ignore[attr-defined]
        ("arch", "arch"), ("arch", "id")]


GEOHEALTHCHECK = {
    "app/db.py": """\
        from helpers.singleton import App
        DB = App.get_db()
        """,
    "app/models.py": """\
        from app.db import DB
        class User(DB.Model):
            __tablename__ = "user"
            id = DB.Column(DB.Integer, primary_key=True)
            password = DB.Column(DB.String(255), nullable=False)
        """,
}
INSTANCE_ENTRY = re.compile(r'\[tool\.masking-reviewer\.external-instances\]: ("[^"]+" = "[^"]+")')


SHOPYO = {
    "app/shopyo_auth/models.py": """\
        from init import db
        class User(db.Model):
            __tablename__ = "users"
            id = db.Column(db.Integer, primary_key=True)
            password = db.Column(db.String(128), nullable=False)
        """,
}


@pytest.mark.parametrize(("files", "where", "entry", "table"), [
    pytest.param(GEOHEALTHCHECK, "app/models.py:2",
                 '"helpers.singleton.App.get_db()" = "flask_sqlalchemy.SQLAlchemy()"', "user",
                 id="GeoHealthCheck: DB = App.get_db(), a Flask-SQLAlchemy App.init() makes, "
                    "from a module the reviewer cannot follow"),
    pytest.param(SHOPYO, "app/shopyo_auth/models.py:2",
                 '"init.db" = "flask_sqlalchemy.SQLAlchemy()"', "users",
                 id="Shopyo's default packages: from init import db, the Flask-SQLAlchemy of "
                    "the project that installs them"),
])
def test_an_object_from_outside_said_to_be_a_flask_sqlalchemy_reads_its_models(
    files: dict[str, str], where: str, entry: str, table: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str]
) -> None:
    # An external-bases entry reads db.Model, never db.Column(...): the MR007 says how to name
    # what the object is, and pasted, the models are read.
    write(tmp_path, files, PYPROJECT)
    code, errors = mr007(tmp_path, capsys)
    assert code == 1
    assert [e.split(": ", 1)[0] for e in errors] == [where]
    found = INSTANCE_ENTRY.search(errors[0])
    assert found is not None, errors[0]
    assert found.group(1) == entry
    write(tmp_path, files, PYPROJECT + f"[tool.masking-reviewer.external-instances]\n{entry}\n")
    assert mr007(tmp_path, capsys) == (1, [])  # the gate still blocks the unmasked password
    doc = scan(tmp_path, capsys)
    assert [(c["table"], c["column"], c["line"])  # type: ignore[index]
            for c in doc["columns"]] == [  # type: ignore[attr-defined]
        (table, "id", 4), (table, "password", 5)]


@pytest.mark.parametrize("value", [
    pytest.param('"flask sqlalchemy"', id="not a qualified name"),
    pytest.param('["flask_sqlalchemy.SQLAlchemy()"]', id="not a string"),
])
def test_a_bad_external_instance_is_a_usage_error(value: str, tmp_path: Path) -> None:
    write(tmp_path, GEOHEALTHCHECK, PYPROJECT + "[tool.masking-reviewer.external-instances]\n"
          f'"helpers.singleton.App.get_db()" = {value}\n')
    with pytest.raises(UsageError, match=r"^pyproject\.toml:4: bad value for key "
                       r"'external-instances\.helpers\.singleton\.App\.get_db\(\)': "):
        load_config(str(tmp_path), WorktreeTree(tmp_path))

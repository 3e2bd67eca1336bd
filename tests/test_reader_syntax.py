"""The reader reads every syntax libcst parses, the same under every Python the tool supports,
and files the way Python decodes them (PEP 263 declarations, NFKC identifiers).

Each construct has a case that reads and a broken variant that blocks (MR007) at its line with
a message that says what to do.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.config import load_config
from reviewer.inventory import build_inventory
from reviewer.sources import WorktreeTree
from tests.test_scanner import MASK, PRIV, scan, src

READ_CASES = [
    pytest.param(
        src("""\
            type FeeBasisPoints = int
            type Pair[T] = tuple[T, T]
            class Fee(Base):
                __tablename__ = "fees"
                id: Mapped[int] = mapped_column(primary_key=True)
                iban: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
            """),
        [("fees", "id", ()), ("fees", "iban", (PRIV,))],
        id="PEP 695 type aliases (3.12 syntax) read under any Python",
    ),
    pytest.param(
        src("""\
            class Repo[T]:
                def get[K](self, key: K) -> T | None: ...
            class Account(Base):
                __tablename__ = "accounts"
                id: Mapped[int] = mapped_column(primary_key=True)
                token: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
            """),
        [("accounts", "id", ()), ("accounts", "token", (MASK,))],
        id="PEP 695 generic classes and functions",
    ),
    pytest.param(
        src("""\
            def kind(x):
                match x:
                    case {"type": t}:
                        return t
                    case _:
                        return None
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                ssn = Column(String, info={"v": ColumnVisibility.PRIVATE})
                def describe(self):
                    match self.id:
                        case 1:
                            return "first"
            """),
        [("users", "id", ()), ("users", "ssn", (PRIV,))],
        id="match statements in a function and a method",
    ),
    pytest.param(
        src("""\
            try:
                import orjson as json
            except ImportError, ModuleNotFoundError:
                import json
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                pin = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """),
        [("users", "id", ()), ("users", "pin", (PRIV,))],
        id="PEP 758 except without parentheses (3.14 syntax)",
    ),
    pytest.param(
        src("""\
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                \uff53\uff53\uff4e = Column(String, info={"v": ColumnVisibility.PRIVATE})
                e\u0301mail: Mapped[str] = mapped_column(String)
            """),
        [("users", "id", ()), ("users", "ssn", (PRIV,)), ("users", "\u00e9mail", ())],
        id="identifiers are NFKC-normalised as Python does: full-width ssn is ssn",
    ),
    pytest.param(
        src("""\
            SECRET = {"v": getattr(ColumnVisibility, "MASKED")}
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                pin = Column(String, info={"v": getattr(ColumnVisibility, "PRIVATE")})
                otp: Mapped[str] = mapped_column(info=SECRET)
                note = Column(String, info={"v": getattr(ColumnVisibility, "NAME")})
            """),
        [("users", "id", ()), ("users", "pin", (PRIV,)), ("users", "otp", (MASK,)),
         ("users", "note", ())],
        id="a label written getattr(ColumnVisibility, 'PRIVATE') is a label",
    ),
    pytest.param(
        src("""\
            from typing import ClassVar
            class File(Base):
                __table__: ClassVar[Table]
                __tablename__ = "files"
                id = Column(Integer, primary_key=True)
            """),
        [("files", "id", ())],
        id="an annotation-only __table__: ClassVar[Table] declares a type, not a table",
    ),
]


@pytest.mark.parametrize(("text", "expected"), READ_CASES)
def test_syntax_reads(text: str, expected: list[tuple[str, str, tuple[str, ...]]]) -> None:
    inventory = scan({"app/m.py": text})
    assert inventory.errors == ()
    assert [(c.table, c.column, c.labels) for c in inventory.columns] == expected


SYNTAX_ERRORS = [
    pytest.param("class User(Base):\n    id = (\n", 7, 10, r"'\(' was never closed",
                 id="bracket never closed"),
    pytest.param("x = [1, 2)\n", 6, 10, r"closing parenthesis '\)' does not match opening "
                 r"parenthesis '\['", id="mismatched bracket"),
    pytest.param("x = 1\ny = 2)\n", 7, 6, r"unmatched '\)'", id="unmatched closing bracket"),
    pytest.param("x = 'abc\n", 6, 5, r"unterminated string literal \(detected at line 6\)",
                 id="unterminated string"),
    pytest.param('x = 1\ndoc = """never\nends\n', 7, 7,
                 r"unterminated triple-quoted string literal \(detected at line 9\)",
                 id="unterminated triple-quoted string"),
    pytest.param("class User(Base)\n    pass\n", 6, 17, r"expected ':'", id="missing colon"),
    pytest.param("x = 1 +\n\n# more\ny = 2\n", 6, 8, r"invalid syntax at the end of the line",
                 id="missing operand"),
    pytest.param("x = 1\nclass class User(Base):\n    pass\n", 7, 7,
                 r"invalid syntax near 'class'", id="keyword where a name belongs"),
    pytest.param("x = f'{1!}'\ntype X = int\n", 6, 11, r"invalid syntax near \"'\"",
                 id="bad f-string conversion; a later 3.12 statement is not the problem"),
    pytest.param("class User(Base):\n        id = 1\n\tname = 2\n", 8, 1,
                 r"inconsistent use of tabs and spaces in indentation",
                 id="tabs and spaces mixed (Python 2 era code): the line, not line 1"),
]


PYTHON2_ERRORS = [
    pytest.param("tags = sorted(t.items(), key=lambda (k, v): (v, k))\n", 6, 30,
                 "a tuple parameter", id="lambda with a tuple parameter (adhocracy)"),
    pytest.param("class Vote(object):\n    # not voted yet\n\n    YES = 1L\n", 9, 11,
                 "a long integer literal",
                 id="long literal two lines below where the parser gave up (adhocracy)"),
    pytest.param("def f():\n    print 'hello'\n", 7, 5, "a print statement",
                 id="print statement"),
    pytest.param("def f():\n    raise ValueError, 'no'\n", 7, 5,
                 "'raise X, message'", id="raise X, message"),
    pytest.param("ok = a <> b\n", 6, 8, "the <> operator", id="<> operator"),
    pytest.param("class Repo(object):\n    def make(self):\n        makedirs(path, 0755)\n",
                 8, 24, "an octal literal without 0o",
                 id="octal 0755, a tokenizer error libcst places nowhere (beaker, 2019)"),
]


@pytest.mark.parametrize(("body", "line", "column", "what"), PYTHON2_ERRORS)
def test_python2_is_named(body: str, line: int, column: int, what: str) -> None:
    inventory = scan({"app/m.py": src(body)})
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/m.py", line)
    assert error.message == (
        f"syntax error at line {line}, column {column}: {what} is Python 2, and "
        "masking-reviewer reads Python 3; port the file so it parses")


def test_python2_lookalikes_inside_strings_are_plain_syntax_errors() -> None:
    inventory = scan({"app/m.py": src("x = '<> print 1L' +  # lambda (k, v)\n")})
    (error,) = inventory.errors
    assert error.message == (
        "syntax error at line 6, column 37: invalid syntax at the end of the line; fix the "
        "file so it parses")


@pytest.mark.parametrize(("body", "line", "column", "what"), SYNTAX_ERRORS)
def test_syntax_errors_are_positioned(body: str, line: int, column: int, what: str) -> None:
    inventory = scan({"app/m.py": src(body)})
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/m.py", line)
    assert re.fullmatch(
        rf"syntax error at line {line}, column {column}: ({what}); fix the file so it parses",
        error.message,
    ), error.message


LATIN1_MODEL = (
    "# -*- coding: latin-1 -*-\n"
    "from sqlalchemy import Column, Integer, String\n"
    "from sqlalchemy.orm import DeclarativeBase\n"
    "class Base(DeclarativeBase):\n"
    "    pass\n"
    "class Kunde(Base):\n"
    "    __tablename__ = 'kunden'\n"
    "    id = Column(Integer, primary_key=True)\n"
    "    stra\u00dfe = Column(String, comment='Stra\u00dfe und Hausnummer')\n"
)


def _write(root: Path, files: dict[str, bytes]) -> None:
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


ENCODING_CASES = [
    pytest.param(LATIN1_MODEL.encode("latin-1"), [("kunden", "id"), ("kunden", "stra\u00dfe")],
                 None, id="latin-1 file with a PEP 263 declaration reads"),
    pytest.param(LATIN1_MODEL.replace("latin-1", "cp1252").encode("cp1252"),
                 [("kunden", "id"), ("kunden", "stra\u00dfe")], None,
                 id="declaration on line 1 with an alias name (cp1252)"),
    pytest.param(("#!/usr/bin/env python\n" + LATIN1_MODEL).encode("latin-1"),
                 [("kunden", "id"), ("kunden", "stra\u00dfe")], None,
                 id="declaration on line 2 after a shebang"),
    pytest.param(LATIN1_MODEL.replace("# -*- coding: latin-1 -*-\n", "# plain\n")
                 .encode("latin-1"), [],
                 (9, r"^the file is not valid UTF-8 \(byte 0xdf at line 9, column 9\) and "
                     r"declares no other encoding; save it as UTF-8 or add a PEP 263 coding "
                     r"comment"),
                 id="latin-1 bytes without a declaration block at the first bad byte"),
    pytest.param(LATIN1_MODEL.replace("latin-1", "klingon").encode("latin-1"), [],
                 (1, r"^unknown encoding 'klingon' in the coding declaration"),
                 id="unknown encoding in the declaration"),
    pytest.param(LATIN1_MODEL.replace("latin-1", "ascii").encode("latin-1"), [],
                 (9, r"^the file is not valid ascii \(its coding declaration\) at line 9, "
                     r"column 9; fix the bytes there or the declaration"),
                 id="bytes that contradict the declaration"),
    pytest.param(b"from sqlalchemy import Column\n\x00\x01\x02\xff\xfe binary", [],
                 (2, r"^the file is not valid UTF-8 \(byte 0xff"),
                 id="a binary file named .py"),
    pytest.param(b"from sqlalchemy import Column\nx = 1\x00\n", [],
                 (2, r"^the file contains a NUL byte at line 2, column 6, so it is binary"),
                 id="a NUL byte in otherwise valid UTF-8"),
]


@pytest.mark.parametrize(("data", "columns", "error"), ENCODING_CASES)
def test_file_encodings(data: bytes, columns: list[tuple[str, str]],
                        error: tuple[int, str] | None, tmp_path: Path) -> None:
    _write(tmp_path, {"app/models.py": data})
    tree = WorktreeTree(tmp_path)
    inventory = build_inventory(tree, load_config(str(tmp_path), tree), use_cache=False)
    assert [(c.table, c.column) for c in inventory.columns] == columns
    if error is None:
        assert inventory.errors == ()
    else:
        (found,) = inventory.errors
        assert (found.path, found.line) == ("app/models.py", error[0])
        assert re.search(error[1], found.message), found.message


def test_an_undecodable_model_blocks_through_the_cli_instead_of_crashing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, {
        "app/models.py": LATIN1_MODEL.replace("# -*- coding: latin-1 -*-\n", "# plain\n")
        .encode("latin-1"),
        "app/ok.py": LATIN1_MODEL.encode("latin-1"),
    })
    code = main(["scan", "--format", "json", "--no-cache", "--root", str(tmp_path)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    assert code == 1
    doc = json.loads(out)
    assert [(e["path"], e["line"]) for e in doc["errors"]] == [("app/models.py", 9)]
    assert {(c["table"], c["column"]) for c in doc["columns"]} == {
        ("kunden", "id"), ("kunden", "stra\u00dfe")}


def test_the_reader_never_uses_the_host_grammar() -> None:
    """The stdlib ``ast`` parses with the grammar of the Python that runs the tool; the reader
    must not, or one repository reads differently under 3.11 and 3.12."""
    reader = Path(__file__).resolve().parent.parent / "reviewer"
    offenders = []
    for path in sorted(reader.glob("*.py")):
        if path.name == "tab_error.py":  # only places an error libcst found (its docstring)
            continue
        text = path.read_text()
        if path.name == "column_uses.py":
            # evidence from the code around the models (ast is 20x libcst's speed there):
            # every parse pinned to the oldest supported grammar, on every host
            # (tests/test_blob_keys.py asserts the same evidence under each Python)
            assert re.findall(r"ast\.parse\([^)]*\)", text) == [
                "ast.parse(text, filename=path, feature_version=OLDEST_PYTHON)"]
            assert "compile(" not in text.replace("re.compile(", "")
            continue
        if path.name in ("blob_keys.py", "value_sources.py", "row_keys.py",
                         "declared_secrets.py", "declared_keys.py"):
            # they walk the trees column_uses parses, and parse nothing themselves
            assert "ast.parse(" not in text
            assert "compile(" not in text.replace("re.compile(", "")
            continue
        if re.search(r"^\s*(import ast\b|from ast import|import tokenize|from tokenize)", text,
                     re.MULTILINE) or re.search(r"(?<![.\w])compile\(", text):
            offenders.append(path.name)
    assert offenders == []


def test_a_312_fixture_reads_the_same_as_its_311_twin() -> None:
    """The same models with and without 3.12+ syntax around them give the same inventory."""
    modern = textwrap.dedent("""\
        type UserId = int
        class Cache[K, V]:
            pass
        try:
            pass
        except KeyError, ValueError:
            pass
    """)
    models = src("""\
        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            pin = Column(String, info={"v": ColumnVisibility.PRIVATE})
        """)
    plain = scan({"app/m.py": models})
    with_modern = scan({"app/m.py": models + modern})
    assert plain.errors == with_modern.errors == ()
    assert plain.columns == with_modern.columns


# ------------------------------------------------- a base or mixin in a file that does not parse

UNPARSED_DB = (
    "from sqlalchemy.orm import declarative_base\n"   # 1
    "BASE = declarative_base()\n"                      # 2
    "def legacy(s):\n"                                 # 3
    "    if not s:\n"                                  # 4
    "        raise ValueError, 'empty'\n"              # 5: Python 2 only
)
UNPARSED_MODELS = (
    "from sqlalchemy import Column, Integer, String\n"  # 1
    "from app.db import BASE\n"                         # 2
    "class Usage(BASE):\n"                              # 3
    "    __tablename__ = 'usage'\n"                     # 4
    "    id = Column(Integer, primary_key=True)\n"      # 5
    "    secret = Column(String(50))\n"                 # 6
    "class Config(BASE):\n"                             # 7
    "    __tablename__ = 'configs'\n"                   # 8
    "    key = Column(String(50), primary_key=True)\n"  # 9
)
PARSED_DB = UNPARSED_DB.replace("ValueError, 'empty'", "ValueError('empty')")


def _unparsed(where: str, line: int, column: int, what: str, base: str = "BASE") -> str:
    return (rf"base class '{base}' comes from {re.escape(where)}, which masking-reviewer could "
            rf"not parse \({re.escape(where)}:{line}: syntax error at line {line}, column "
            rf"{column}: {what}\), so its columns cannot be read; fix {re.escape(where)} so it "
            r"parses as Python 3 \(the reviewer reads the base's module, it never imports it\)$")


PY2_RAISE = "'raise X, message' is Python 2, and masking-reviewer reads Python 3"
UNPARSED_BASES = [
    pytest.param(
        {"app/db.py": UNPARSED_DB, "app/models.py": UNPARSED_MODELS},
        [("app/models.py", 3, r"^class Usage: " + _unparsed("app/db.py", 5, 9, PY2_RAISE))
         , ("app/models.py", 7, r"^class Config: " + _unparsed("app/db.py", 5, 9, PY2_RAISE))],
        id="Python 2 raise E, msg in the base's module: every class names that file and line",
    ),
    pytest.param(
        {"app/__init__.py": "from app.db import *\nVERSION = 1\nraise ImportError, 'py2'\n",
         "app/db.py": PARSED_DB,
         "app/models.py": UNPARSED_MODELS.replace("from app.db import", "from app import")},
        [("app/models.py", 3, r"^class Usage: " + _unparsed(
            "app/__init__.py", 3, 1, PY2_RAISE)),
         ("app/models.py", 7, r"^class Config: " + _unparsed(
             "app/__init__.py", 3, 1, PY2_RAISE))],
        id="the package that re-exports the base does not parse: that file is named",
    ),
    pytest.param(
        {"app/db.py": PARSED_DB,
         "app/mixins.py": "from sqlalchemy import Column, String\n"
                          "class Audited(object):\n"
                          "    who = Column(String(50))\n"
                          "    def check(self):\n"
                          "        raise ValueError, self.who\n",
         "app/models.py": UNPARSED_MODELS.replace("(BASE)", "(BASE, Audited)", 1)
         .replace("from app.db import BASE\n", "from app.db import BASE\n"
                  "from app.mixins import Audited\n")},
        [("app/models.py", 4, r"^class Usage: " + _unparsed(
            "app/mixins.py", 5, 9, PY2_RAISE, base="Audited"))],
        id="a mixin whose module does not parse names that module",
    ),
]


@pytest.mark.parametrize(("files", "expected"), UNPARSED_BASES)
def test_a_base_whose_module_does_not_parse_names_that_file_and_line(
    files: dict[str, str], expected: list[tuple[str, int, str]]
) -> None:
    inventory = scan(files, models=("app/models.py",))
    assert [(e.path, e.line) for e in inventory.errors] == [(p, n) for p, n, _ in expected]
    for error, (_p, _n, message) in zip(inventory.errors, expected, strict=True):
        assert re.search(message, error.message), error.message
    assert all("cannot be found in the repository" not in e.message for e in inventory.errors)


def test_an_undecodable_base_module_is_named_with_its_encoding_error() -> None:
    inventory = scan({"app/db.py": "# -*- coding: klingon -*-\n" + UNPARSED_DB,
                      "app/models.py": UNPARSED_MODELS}, models=("app/models.py",))
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", 3),
                                                            ("app/models.py", 7)]
    assert re.search(r"^class Usage: base class 'BASE' comes from app/db\.py, which "
                     r"masking-reviewer could not parse \(app/db\.py:1: unknown encoding "
                     r"'klingon' in the coding declaration\), so its columns cannot be read",
                     inventory.errors[0].message), inventory.errors[0].message


def test_a_column_imported_from_a_module_that_does_not_parse_names_it() -> None:
    inventory = scan({
        "app/compat.py": "from sqlalchemy import Column as _Column\nColumn = _Column\n"
                         "raise ImportError, 'py2'\n",
        "app/models.py": "from sqlalchemy import Integer, String\n"
                         "from sqlalchemy.orm import DeclarativeBase\n"
                         "from app.compat import Column\n"
                         "class Base(DeclarativeBase):\n"
                         "    pass\n"
                         "class Usage(Base):\n"
                         "    __tablename__ = 'usage'\n"
                         "    id = Column(Integer, primary_key=True)\n"
                         "    secret = Column(String(50))\n",
    }, models=("app/models.py",))
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", 8),
                                                            ("app/models.py", 9)]
    assert re.search(r"^Usage\.id: cannot resolve Column\(\.\.\.\) \(imported from "
                     r"app/compat\.py, which masking-reviewer could not parse: "
                     r"app/compat\.py:3: syntax error at line 3, column 1: 'raise X, message' "
                     r"is Python 2, and masking-reviewer reads Python 3; fix it so it parses\), "
                     r"so masking-reviewer cannot tell",
                     inventory.errors[0].message), inventory.errors[0].message


def test_a_base_that_is_nowhere_still_says_so() -> None:
    inventory = scan({"app/models.py": UNPARSED_MODELS.replace("from app.db import BASE\n",
                                                               "from app.gone import BASE\n")},
                     models=("app/models.py",))
    assert [e.line for e in inventory.errors] == [3, 7]
    assert all(re.search(r"base class 'BASE' cannot be found in the repository", e.message)
               for e in inventory.errors)

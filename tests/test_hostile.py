"""Hostile input through the real CLI: paths that leave the repository, special files, huge
files, bad encodings, deep nesting and OS errors, and the files `fix` and `baseline` write.

Every case runs in a fresh git repository and must: exit with the expected code (never 3),
say what went wrong and where, change nothing outside the repository and nothing inside it
but the file the command was asked to write. Cases that could hang run in a child process
under a timeout.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from reviewer.cli import main
from reviewer.constants import MAX_FILE_BYTES
from tests.gitrepo import make_repo
from tests.hostile import (
    CONFIG,
    FIFO,
    MODEL,
    RULES,
    Content,
    Link,
    Project,
    build,
    changed,
    modes_bind_root,
    run_cli,
    run_obeying_modes,
    run_subprocess,
    snapshot,
)

DEEP_JSON = "[" * 5000 + "]" * 5000
UNLABELLED_RULES = '{"version": 1, "rules": []}\n'
BIG = b"# " + b"x" * (MAX_FILE_BYTES + 10) + b"\n"
PRIVATE = '{"visibility": ColumnVisibility.PRIVATE}'
LITERALS_300 = "(" + ", ".join(f'"v{i}"' for i in range(300)) + ")"

LINKED_BASE = "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n"
LINKED_MODEL = MODEL.replace(
    "from sqlalchemy.orm import declarative_base\n\nBase = declarative_base()\n",
    "from .shared.base import Base\n",
)


@dataclass(frozen=True)
class Case:
    layout: dict[str, Content]
    argv: list[str]
    code: int
    says: str  # regex over stdout + stderr
    writes: frozenset[str] = field(default_factory=frozenset)  # repo files it may change
    hangs: bool = False  # could block forever if done wrong: run in a child process


def case(layout: dict[str, Content], argv: list[str], code: int, says: str, *, id: str,
         writes: tuple[str, ...] = (), hangs: bool = False) -> object:
    return pytest.param(Case(layout, argv, code, says, frozenset(writes), hangs), id=id)


CASES = [
    # --- 1. stay inside the repository ------------------------------------------------------
    case({"masking_rules.json": Link("{outside}/rules.json")}, ["check"], 2,
         r"masking_rules\.json: file leads outside the repository \(through a symlink",
         id="rules file symlinked outside the repo is refused"),
    case({".masking-reviewer.toml": 'rules = "../outside/rules.json"\n'}, ["check"], 2,
         r"\.masking-reviewer\.toml:1: 'rules' goes up with '\.\.'",
         id="rules path with .. in config is refused"),
    case({".masking-reviewer.toml": 'rules = "/etc/passwd"\n'}, ["check"], 2,
         r"\.masking-reviewer\.toml:1: 'rules' is an absolute path",
         id="absolute rules path in config is refused"),
    case({"app/stolen.py": Link("{outside}/secret.py")}, ["check"], 2,
         r"app/stolen\.py: file leads outside the repository",
         id="model file symlinked outside the repo is refused"),
    case({"app/zero.py": Link("/dev/zero")}, ["check"], 2,
         r"app/zero\.py: file leads outside the repository \(through a symlink to /dev/zero\)",
         id="model file symlinked to /dev/zero is refused", hangs=True),
    case({".masking-reviewer.toml": Link("{outside}/rules.json")}, ["check"], 2,
         r"\.masking-reviewer\.toml: file leads outside the repository",
         id="config symlinked outside the repo is refused"),
    case({}, ["check", "--config", "/etc/hostname"], 2,
         r"/etc/hostname: file is an absolute path",
         id="--config outside the repo is refused"),
    case({".masking-reviewer-baseline.json": Link("{outside}/baseline.json")}, ["baseline"], 2,
         r"baseline file leads outside the repository",
         id="baseline through a symlink to outside is refused"),
    case({".masking-reviewer.toml": 'baseline = "../../x.json"\n'}, ["baseline"], 2,
         r"'baseline' goes up with '\.\.'",
         id="baseline path two levels up is refused"),
    case({"masking_rules.json": Link("{outside}/rules.json")}, ["fix"], 2,
         r"rules file leads outside the repository",
         id="fix through a symlinked rules file is refused"),
    case({".masking-reviewer.toml": 'rules = "../outside/rules.json"\n'}, ["fix"], 2,
         r"'rules' goes up with '\.\.'",
         id="fix of a rules file outside the repo is refused"),
    case({"masking_rules.json": Link("app/../masking_rules.real.json"),
          "masking_rules.real.json": RULES}, ["check"], 0, r"passes",
         id="a symlink that stays inside the repo is followed"),
    # ooni's services reach their shared base through `common -> ../../../../common/src/common`
    case({"app/__init__.py": "", "app/models.py": LINKED_MODEL, "lib/db/__init__.py": "",
          "lib/db/base.py": LINKED_BASE, "app/shared": Link("../lib/db")}, ["check"], 0,
         r"passes", id="a base class under a symlinked directory inside the repo is read"),
    case({"app/__init__.py": "", "app/models.py": LINKED_MODEL, "app/shared": Link("{outside}")},
         ["check"], 1,
         r"app/models\.py:\d+: MR007 .*base class 'Base' cannot be found in the repository",
         id="a base class under a symlinked directory outside the repo blocks"),
    # special files: never a hang, never a silent drop
    case({"app/pipe.py": FIFO}, ["check"], 1,
         r"app/pipe\.py:1: MR007 .*is a FIFO \(named pipe\); the reviewer reads regular files",
         id="model file that is a FIFO blocks as MR007", hangs=True),
    case({"masking_rules.json": FIFO}, ["check"], 1,
         r"masking_rules\.json:1:1: MR006 .*is a FIFO",
         id="rules file that is a FIFO blocks as MR006", hangs=True),
    case({".masking-reviewer.toml": FIFO}, ["check"], 2,
         r"\.masking-reviewer\.toml: is a FIFO",
         id="config file that is a FIFO is refused", hangs=True),
    case({"masking_rules.json": None, "masking_rules.json/x": "{}"}, ["check"], 1,
         r"masking_rules\.json:1:1: MR006 .*is a directory",
         id="rules path that is a directory blocks as MR006"),
    case({".masking-reviewer.toml": None, ".masking-reviewer.toml/x": "x"}, ["check"], 2,
         r"\.masking-reviewer\.toml: is a directory",
         id="config path that is a directory is refused"),
    case({".masking-reviewer-baseline.json/x": "x"}, ["baseline"], 2,
         r"\.masking-reviewer-baseline\.json: is a directory",
         id="baseline path that is a directory is refused"),
    case({"app/huge.py": BIG}, ["check"], 1,
         r"app/huge\.py:1: MR007 .*over the 16 MiB limit",
         id="model file over the size cap blocks naming the cap"),
    case({"masking_rules.json": b'{"version": 1, "rules": []}' + b" " * MAX_FILE_BYTES}, ["check"],
         1, r"masking_rules\.json:1:1: MR006 .*over the 16 MiB limit",
         id="rules file over the size cap blocks naming the cap"),
    # --- 3. errors name the file -------------------------------------------------------------
    case({"masking_rules.json": '{"version": 1, "rules": [{"table": "users", "column": "é"}]}'
          .encode("latin-1")}, ["check"], 1,
         r"masking_rules\.json:1:\d+: MR006 .*not valid UTF-8 \(byte 0xe9\)",
         id="latin-1 rules file is MR006 at the byte"),
    case({"masking_rules.json": RULES.encode("utf-16")}, ["check"], 1,
         r"masking_rules\.json:1:1: MR006 .*UTF-16",
         id="UTF-16 rules file is MR006"),
    case({"masking_rules.json": b"\x00\x01\x02binary"}, ["check"], 1,
         r"masking_rules\.json:1:1: MR006 .*NUL byte",
         id="binary rules file is MR006"),
    case({"masking_rules.json": b'{"version": 1, "rules": [\xff\xfe]}'}, ["check"], 1,
         r"masking_rules\.json:1:26: MR006 .*not valid UTF-8 \(byte 0xff\)",
         id="invalid UTF-8 rules file is MR006 at the byte"),
    case({"masking_rules.json": DEEP_JSON}, ["check"], 1,
         r"masking_rules\.json:1:201: MR006 .*nested deeper than 200 levels",
         id="rules JSON nested 5000 deep is MR006"),
    case({"masking_rules.json": RULES.replace('"email"', '"em\\ud800ail"')}, ["check"], 1,
         r"masking_rules\.json:2:\d+: MR006 .*unpaired surrogate \\ud800",
         id="lone surrogate escape in a rules entry is MR006"),
    case({".masking-reviewer.toml": 'models = ["app/**/*.py"]\n# caf\xe9\n'.encode("latin-1")},
         ["check"], 2, r"\.masking-reviewer\.toml:2: not valid UTF-8 \(byte 0xe9\)",
         id="latin-1 config is refused at its line"),
    case({".masking-reviewer.toml": CONFIG.encode("utf-16")}, ["check"], 2,
         r"\.masking-reviewer\.toml:1: the file is UTF-16",
         id="UTF-16 config is refused"),
    case({".masking-reviewer.toml": "x = " + "[" * 3000 + "]" * 3000 + "\n"}, ["check"], 2,
         r"\.masking-reviewer\.toml:1: not valid TOML: nested deeper than 200 levels",
         id="TOML nested 3000 deep is refused"),
    case({".masking-reviewer.toml": 'baseline = "debt.json"\n', "debt.json": b"\xff\xfe{"},
         ["check"], 2, r"debt\.json:1: the file is UTF-16",
         id="UTF-16 baseline is refused"),
    case({".masking-reviewer.toml": 'baseline = "debt.json"\n', "debt.json": b'{"v": "\xe9"}'},
         ["check"], 2, r"debt\.json:1: not valid UTF-8",
         id="latin-1 baseline is refused"),
    case({".masking-reviewer.toml": 'baseline = "debt.json"\n', "debt.json": DEEP_JSON},
         ["check"], 2, r"debt\.json:1: not valid JSON: nested deeper than 200 levels",
         id="baseline nested 5000 deep is refused"),
    case({"app/legacy.py": "# caf\xe9\n".encode("latin-1") + MODEL.replace("users", "legacy")
          .encode()}, ["check"], 1, r"app/legacy\.py:\d+: MR007",
         id="latin-1 model file without a coding line blocks as MR007"),
    # --- 5. no silent passes (the reader's constructs, through the whole CLI) -----------------
    case({"app/models.py": MODEL + f"\n\nsetattr(User, \"ssn\", Column(String, info={PRIVATE}))\n"},
         ["check"], 1, r"app/models\.py:17: MR001 .*users\.ssn",
         id="setattr(Model, ...) after the class is read"),
    case({"app/models.py": MODEL + f"\n\nUser.ssn = Column(String, info={PRIVATE})\n"},
         ["check"], 1, r"app/models\.py:17: MR001 .*users\.ssn",
         id="Model.x = Column(...) after the class is read"),
    case({"app/models.py": MODEL + '\n\nEvil = type("Evil", (Base,), {"__tablename__": "evil", '
          f'"id": Column(Integer, primary_key=True), "ssn": Column(String, info={PRIVATE})}})\n'},
         ["check"], 1, r"app/models\.py:17: MR001 .*evil\.ssn",
         id="type(...) creating a mapped class is read"),
    case({"app/models.py": MODEL + '\n\nNS = {"__tablename__": "evil"}\n'
          'Evil = type("Evil", (Base,), NS)\n'},
         ["check"], 1, r"app/models\.py:18: MR007 .*type\('Evil', \.\.\.\) creates a mapped class",
         id="type(...) creating a mapped class from a namespace it cannot read blocks at its line"),
    # nested loops over literal strings would be unrolled 300^3 times: refused at the outer loop
    case({"app/models.py": MODEL + "\n\nfrom sqlalchemy import Table\n"
          + "".join("    " * depth + f"for {var} in {LITERALS_300}:\n"
                    for depth, var in enumerate("abc"))
          + "            Table(a + b + c, Base.metadata, Column('id', Integer))\n"},
         ["check"], 1, r"app/models\.py:\d+: MR007 .*a for loop at module level builds Table",
         id="nested literal loops building tables block, never hang", hangs=True),
    # a computed name that would take terabytes: refused at its line, never a MemoryError
    case({"app/models.py": MODEL + '\n\nNAME = "x"' + '.replace("x", "xxxxxxxxxx")' * 12 + "\n\n"
          "class Bomb(Base):\n    __tablename__ = NAME\n"
          "    id = Column(Integer, primary_key=True)\n"},
         ["check"], 1, r"app/models\.py:\d+: MR007 .*Bomb\.__tablename__ is computed in a way",
         id="a name computed to terabytes blocks at its line", hangs=True),
    case({"app/models.py": MODEL + f"    \uff53\uff53\uff4e = Column(String, info={PRIVATE})\n"},
         ["check"], 1, r"app/models\.py:15: MR001 .*users\.ssn",
         id="a full-width attribute is read as its NFKC name"),
    case({"app/models.py": MODEL + '    ssn = Column(String, info={"visibility": '
          'getattr(ColumnVisibility, "PRIVATE")})\n'},
         ["check"], 1, r"app/models\.py:15: MR001 .*users\.ssn",
         id="getattr(ColumnVisibility, 'PRIVATE') is a label"),
    case({"app/legacy.py": ("# -*- coding: latin-1 -*-\n# caf\xe9\n" + MODEL.replace(
          "users", "legacy")).encode("latin-1")}, ["check"], 1,
         r"app/legacy\.py:16: MR001 .*legacy\.email",
         id="a latin-1 model file with a PEP 263 line is read"),
    # --- 2. keep what the user wrote ---------------------------------------------------------
    case({"masking_rules.json": UNLABELLED_RULES.replace("\n", "\r\n").encode()}, ["fix"], 0,
         r"added 1 rule", writes=("masking_rules.json",), id="fix keeps CRLF"),
    case({"masking_rules.json": b"\xef\xbb\xbf" + UNLABELLED_RULES.encode()}, ["fix"], 0,
         r"added 1 rule", writes=("masking_rules.json",), id="fix keeps a BOM"),
    case({"masking_rules.json": None}, ["fix"], 0, r"added 1 rule\(s\), removed 0 stale rule\(s\) "
         r"\(created it\)", writes=("masking_rules.json",),
         id="fix with no rules file creates it with the missing rule"),
    case({"masking_rules.json": None}, ["fix", "--base", "HEAD"], 2,
         r"masking_rules\.json does not exist yet; run `reviewer fix` without --base first",
         id="fix --base with no rules file says why it cannot"),
    case({"masking_rules.json": b'{"version": 1, "rules": [\xe9]}'}, ["fix"], 2,
         r"masking_rules\.json:1: not valid UTF-8 \(byte 0xe9\)",
         id="fix refuses a latin-1 rules file without touching it"),
    case({".masking-reviewer-baseline.json": b'\xef\xbb\xbf{"version": 1, "entries": []}\r\n',
          "masking_rules.json": UNLABELLED_RULES}, ["baseline"], 0, r"recorded 1 known gap",
         writes=(".masking-reviewer-baseline.json",), id="baseline keeps BOM and CRLF"),
]


def _snap_all(project: Project) -> dict[str, str]:
    return snapshot(project.root.parent)


@pytest.mark.parametrize("c", CASES)
def test_hostile_input(c: Case, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = build(tmp_path, c.layout)
    before = _snap_all(project)
    if c.hangs:
        code, output = run_subprocess(project, c.argv)
    else:
        code, output = run_cli(project, c.argv, capsys)
    assert "Traceback" not in output and "internal error" not in output, output
    assert (code, bool(re.search(c.says, output))) == (c.code, True), output
    allowed = {f"repo/{p}" for p in c.writes}
    assert changed(before, _snap_all(project)) <= allowed


def test_fix_keeps_crlf_bom_and_every_byte_it_did_not_touch(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    original = b"\xef\xbb\xbf" + UNLABELLED_RULES.replace("\n", "\r\n").encode()
    project = build(tmp_path, {"masking_rules.json": original})
    assert run_cli(project, ["fix"], capsys)[0] == 0
    data = (project.root / "masking_rules.json").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf{")
    assert b"\n" not in data.replace(b"\r\n", b"")
    rules = json.loads(data.decode("utf-8-sig"))["rules"]
    assert rules == [{"table": "users", "column": "email", "strategy": "fake_email"}]
    assert run_cli(project, ["check"], capsys)[0] == 0


def test_fix_creates_a_missing_rules_file_that_passes_the_gate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = build(tmp_path, {"masking_rules.json": None})
    assert run_cli(project, ["check"], capsys)[0] == 1
    assert run_cli(project, ["fix"], capsys)[0] == 0
    doc = json.loads((project.root / "masking_rules.json").read_text(encoding="utf-8"))
    assert doc["rules"] == [{"table": "users", "column": "email", "strategy": "fake_email"}]
    assert run_cli(project, ["check"], capsys) == (0, run_cli(project, ["check"], capsys)[1])
    assert "passes" in run_cli(project, ["check"], capsys)[1]


def test_baseline_prune_keeps_crlf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = build(tmp_path, {"masking_rules.json": UNLABELLED_RULES})
    assert run_cli(project, ["baseline"], capsys)[0] == 0
    path = project.root / ".masking-reviewer-baseline.json"
    path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    (project.root / "masking_rules.json").write_text(RULES, encoding="utf-8")
    code, output = run_cli(project, ["baseline", "--prune"], capsys)
    assert (code, "pruned 1 fixed entry, 0 left" in output) == (0, True), output
    assert path.read_bytes() == b'{\r\n  "version": 1,\r\n  "entries": []\r\n}\r\n'


@pytest.mark.parametrize(
    ("target", "argv", "code", "says"),
    [
        pytest.param("masking_rules.json", ["check"], 1,
                     r"masking_rules\.json:1:1: MR006 .*permission denied", id="unreadable rules"),
        pytest.param(".masking-reviewer.toml", ["check"], 2,
                     r"\.masking-reviewer\.toml: cannot be read: permission denied",
                     id="unreadable config"),
        pytest.param("app/models.py", ["check"], 1, r"app/models\.py:1: MR007 .*permission denied",
                     id="unreadable model file"),
    ],
)
def test_permission_denied(target: str, argv: list[str], code: int, says: str, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    as_root = modes_bind_root()
    if as_root is None:
        pytest.skip("root reads every file, and setpriv is not here to drop that override")
    project = build(tmp_path)
    (project.root / target).chmod(0)
    try:
        got, output = (run_obeying_modes(project, argv) if as_root
                       else run_cli(project, argv, capsys))
    finally:
        (project.root / target).chmod(0o644)
    assert (got, bool(re.search(says, output))) == (code, True), output


def test_fix_on_a_read_only_rules_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    as_root = modes_bind_root()
    if as_root is None:
        pytest.skip("root writes read-only files, and setpriv is not here to drop that override")
    project = build(tmp_path, {"masking_rules.json": UNLABELLED_RULES})
    (project.root / "masking_rules.json").chmod(0o444)
    code, output = (run_obeying_modes(project, ["fix"]) if as_root
                    else run_cli(project, ["fix"], capsys))
    assert code == 2
    assert "masking_rules.json: cannot write: permission denied" in output


def test_diff_reads_a_base_under_a_symlinked_directory_of_each_commit(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`reviewer diff` reads both commits through git: the symlinked package is followed
    there too, so a new PRIVATE column is the missing rule it is, not an unreadable class."""
    repo = make_repo(tmp_path / "repo")
    for rel, text in {"app/__init__.py": "", "app/models.py": LINKED_MODEL,
                      "lib/db/__init__.py": "", "lib/db/base.py": LINKED_BASE,
                      "masking_rules.json": RULES, ".masking-reviewer.toml": CONFIG}.items():
        repo.write(rel, text)
    (repo.root / "app" / "shared").symlink_to("../lib/db")
    repo.commit("app on a shared base")
    repo.branch("feature")
    repo.checkout("feature")
    repo.write("app/models.py", LINKED_MODEL + "    api_key = Column(String, info="
               '{"visibility": ColumnVisibility.PRIVATE})\n')
    repo.commit("api key")

    code = main(["diff", "-C", str(repo.root), "--base", "main", "--format", "json", "--no-ai"])
    out, err = capsys.readouterr()
    assert err == "", err
    doc = json.loads(out)

    assert [(f["code"], f["table"], f["column"], f["path"], f["line"])
            for f in doc["findings"]] == [("MR001", "users", "api_key", "app/models.py", 13)]
    assert code == 1


def test_scan_outside_git_reads_a_base_under_a_symlinked_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Outside a git checkout the files are walked: the symlinked directory is listed as git
    lists it, never walked into (no column read twice, no loop), and followed by the import."""
    root = tmp_path / "tree"
    for rel, text in {"app/__init__.py": "", "app/models.py": LINKED_MODEL,
                      "lib/db/__init__.py": "", "lib/db/base.py": LINKED_BASE,
                      "masking_rules.json": RULES,
                      ".masking-reviewer.toml": 'models = ["**/*.py"]\n'}.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    (root / "app" / "shared").symlink_to("../lib/db")
    (root / "app" / "loop").symlink_to("..")

    code = main(["scan", "-C", str(root), "--no-cache", "--format", "json"])
    out, err = capsys.readouterr()

    assert (code, err) == (0, "")
    doc = json.loads(out)
    assert [(c["path"], c["table"], c["column"]) for c in doc["columns"]] == [
        ("app/models.py", "users", "id"), ("app/models.py", "users", "email")]
    assert doc["errors"] == []

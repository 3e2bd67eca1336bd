"""Which Flask-SQLAlchemy a repository runs, from its pins (reviewer.dependency_pins), and the
table names that follow: before 2.3 the extension names a class that declares a primary key
itself over a mixin's ``declared_attr`` (2.1 also one whose first unnamed base has a primary
key); from 2.3 the ``declared_attr`` wins. The names were checked against Flask-SQLAlchemy 2.1
and 2.3.2 on SQLAlchemy 1.3 (and 2.0's source): EVE SRP's models, whose ``setup.py`` pins
2.0 and ``requirements.txt`` 2.1, and abilian-core's, locked at 2.1."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from reviewer.dependency_pins import FlaskPins, flask_pins
from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config


@pytest.mark.parametrize(("files", "expected"), [
    pytest.param({"requirements.txt": "Flask==0.10.1\nFlask-SQLAlchemy==2.1\n"},
                 FlaskPins(("2.1",), ("requirements.txt:2",)), id="an exact pin"),
    pytest.param({"setup.py": "install_requires=[\n    'Flask-SQLAlchemy == 2.0',\n]\n",
                  "requirements.txt": "flask_sqlalchemy==2.1\n"},
                 FlaskPins(("2.0", "2.1"), ("requirements.txt:1", "setup.py:2")),
                 id="two files pinning two releases: both are possible (EVE SRP)"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\nflask-sqlalchemy = "<=2.1"\n',
                  "poetry.lock": '[[package]]\nname = "flask-sqlalchemy"\nversion = "2.1"\n'},
                 FlaskPins(("2.1",), ("poetry.lock",)),
                 id="a lock file says what is installed (abilian-core)"),
    pytest.param({"pyproject.toml": '[tool.poetry.dependencies]\nflask-sqlalchemy = "<=2.1"\n'},
                 FlaskPins(("2.1",), ("pyproject.toml:2",)),
                 id="an upper bound installs the newest release under it"),
    pytest.param({"setup.cfg": "install_requires =\n    Flask-SQLAlchemy<2.1\n"},
                 FlaskPins(("2.0",), ("setup.cfg:2",)), id="an exclusive upper bound"),
    pytest.param({"Pipfile.lock": '{"default": {"flask-sqlalchemy": {"version": "==2.0"}}}'},
                 FlaskPins(("2.0",), ("Pipfile.lock",)), id="a Pipfile lock"),
    pytest.param({"requirements.txt": "Flask-SQLAlchemy>=2.0\n"}, FlaskPins(),
                 id="a lower bound alone installs the newest release"),
    pytest.param({"requirements.txt": "Flask-SQLAlchemy<3\n"}, FlaskPins(),
                 id="negative: an upper bound above 2.3"),
    pytest.param({"requirements.txt": "# Flask-SQLAlchemy==2.1\nFlask-SQLAlchemy==3.1.1\n"},
                 FlaskPins(), id="negative: a commented-out pin"),
    pytest.param({"requirements_dev.txt": "pylint-flask-sqlalchemy==0.2.0\n"}, FlaskPins(),
                 id="negative: another package whose name ends so (funnel's dev pins)"),
    pytest.param({"app/requirements.txt": "Flask-SQLAlchemy==2.1\n"}, FlaskPins(),
                 id="negative: only the repository's root pins it"),
    pytest.param({}, FlaskPins(), id="negative: no pin at all"),
])
def test_flask_sqlalchemy_pins(files: dict[str, str], expected: FlaskPins) -> None:
    assert flask_pins(sorted(files), files.get) == expected


MODELS = textwrap.dedent("""\
    from flask_sqlalchemy import SQLAlchemy
    from sqlalchemy.ext.declarative import declared_attr
    db = SQLAlchemy()
    class AutoID(object):
        id = db.Column(db.Integer, primary_key=True)
    class AutoName(object):
        @declared_attr
        def __tablename__(cls):
            return cls.__name__.lower()
    class Entity(db.Model, AutoID, AutoName):
        type_ = db.Column(db.String(50))
    class OAuthUser(Entity):
        id = db.Column(db.Integer, db.ForeignKey("entity.id"), primary_key=True)
        access_token = db.Column(db.String(100))
    class APIKey(db.Model, AutoID, AutoName):
        key = db.Column(db.String(64))
    """)


@pytest.mark.parametrize(("pins", "expected", "errors"), [
    pytest.param({}, {"entity", "oauthuser", "apikey"}, [],
                 id="no pin: the newest release leaves the name to the mixin"),
    pytest.param({"requirements.txt": "Flask-SQLAlchemy==2.0\n"},
                 {"entity", "o_auth_user", "apikey"}, [],
                 id="2.0 names a class that declares its own primary key"),
    pytest.param({"requirements.txt": "Flask-SQLAlchemy==2.1\n"},
                 {"entity", "o_auth_user", "api_key"}, [],
                 id="2.1 also a class whose first unnamed base has one"),
    pytest.param({"requirements.txt": "Flask-SQLAlchemy==2.1\n",
                  "setup.py": "install_requires=['Flask-SQLAlchemy==2.0']\n"},
                 {"entity", "o_auth_user"},
                 [(15, "class APIKey has no __tablename__, and the Flask-SQLAlchemy releases "
                       "the repository pins (requirements.txt:1, setup.py:1) name its table "
                       "differently (2.0 leaves it to its bases, 'apikey'; 2.1 names it "
                       "'api_key'); give the class a literal __tablename__")],
                 id="pins of two releases that name a table differently: it blocks"),
])
def test_pinned_flask_sqlalchemy_names_tables_as_that_release(
    pins: dict[str, str], expected: set[str], errors: list[tuple[int, str]]
) -> None:
    inventory = build_inventory(MemoryTree({"app/models.py": MODELS, **pins}),
                                Config(root="/repo", models=("app/models.py",)),
                                use_cache=False)
    assert [(e.line, e.message) for e in inventory.errors] == errors
    assert {c.table for c in inventory.columns} == expected


def test_a_cached_inventory_follows_the_pins_it_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pins are read while the inventory is built, where a Flask-SQLAlchemy model's name
    depends on them, so the cached entry is verified against them; a repository with no such
    model does not depend on its pin files at all."""
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(tmp_path))
    config = Config(root="/repo", models=("app/models.py",))

    def tables(files: dict[str, str]) -> set[str]:
        return {c.table for c in build_inventory(MemoryTree(files), config).columns}

    old = {"app/models.py": MODELS, "requirements.txt": "Flask-SQLAlchemy==2.0\n"}
    assert tables(old) == {"entity", "o_auth_user", "apikey"}
    assert tables({**old, "requirements.txt": "Flask-SQLAlchemy==3.1.1\n"}) == {
        "entity", "oauthuser", "apikey"}
    plain = {"app/models.py": "from sqlalchemy.orm import DeclarativeBase\n"
                              "class Base(DeclarativeBase):\n    pass\n",
             "requirements.txt": "Flask-SQLAlchemy==2.0\n"}
    build_inventory(MemoryTree(plain), config)
    entries = [json.loads(p.read_text()) for p in (tmp_path / "inventory").rglob("*.json")]
    reads = [{path for path, _digest in e["reads"]} for e in entries]
    assert sorted("requirements.txt" in r for r in reads) == [False, True]

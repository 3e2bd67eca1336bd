"""The static inventory, construct by construct, on small in-memory repositories."""

from __future__ import annotations

import json
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

from reviewer.cache import cache_dir
from reviewer.constants import CACHE_SCHEMA
from reviewer.inventory import build_inventory
from reviewer.resolution import to_snake_case
from reviewer.selection import select_model_files
from reviewer.sources import MemoryTree
from reviewer.types import Column, Config, Exemption, Inventory, ScanError, TableNaming

PRIV = "ColumnVisibility.PRIVATE"
MASK = "ColumnVisibility.MASKED"

# Five lines every model file starts with, so the line numbers below read as "6 = first line
# after the header".
HEAD = """\
from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from app.vis import ColumnVisibility
class Base(DeclarativeBase):
    pass
"""
VIS = "import enum\nclass ColumnVisibility(enum.Enum):\n    MASKED = 1\n    PRIVATE = 2\n"


@dataclass(frozen=True, slots=True)
class Row:
    table: str
    column: str
    class_name: str | None
    attribute: str | None
    line: int
    labels: tuple[str, ...] = ()
    nullable: bool = True
    path: str = "app/m.py"
    declared_in: str | None = None


def row(c: Column) -> Row:
    return Row(c.table, c.column, c.class_name, c.attribute, c.line, c.labels, c.nullable,
               c.path, c.declared_in)


def src(body: str) -> str:
    return HEAD + textwrap.dedent(body)


def scan(files: dict[str, str], naming: TableNaming | None = None,
         models: tuple[str, ...] | None = None) -> Inventory:
    tree = MemoryTree({"app/vis.py": VIS, **files})
    return build_inventory(tree, Config(root="/repo", table_naming=naming, models=models),
                           use_cache=False)


# commandment's profile payloads (Flask-SQLAlchemy): a subclass of a class with a literal
# __tablename__ declares its own primary key, so it maps a table of its own; the single-table
# child below it declares none
_JOINED_PAYLOADS = textwrap.dedent("""\
    from flask_sqlalchemy import SQLAlchemy
    db = SQLAlchemy()
    class Payload(db.Model):
        __tablename__ = "payloads"
        id = db.Column(db.Integer, primary_key=True)
    class SCEPPayload(Payload):
        id = db.Column(db.Integer, db.ForeignKey("payloads.id"), primary_key=True)
        challenge = db.Column(db.String)
    class PEMPayload(SCEPPayload):
        __mapper_args__ = {"polymorphic_identity": "pem"}
    """)


CASES = [
    pytest.param(
        {"app/m.py": src("""\
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = mapped_column(String(320), info={"v": ColumnVisibility.MASKED})
                nick: Mapped[str | None] = mapped_column(String(50))
                bio: Mapped[str] = mapped_column(Text, nullable=True)
            """)},
        None,
        [Row("users", "id", "User", "id", 8, nullable=False),
         Row("users", "email", "User", "email", 9, (MASK,), nullable=False),
         Row("users", "nick", "User", "nick", 10),
         Row("users", "bio", "User", "bio", 11)],
        id="2.0 mapped_column: label in info, X | None nullable, explicit nullable= wins",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from typing import Optional
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                born: Mapped[Optional[str]]
                seen: Mapped["int | None"]
                kind: Mapped[str]
                code: "Mapped[Optional[str]]"
            """)},
        None,
        [Row("users", "id", "User", "id", 9, nullable=False),
         Row("users", "born", "User", "born", 10),
         Row("users", "seen", "User", "seen", 11),
         Row("users", "kind", "User", "kind", 12, nullable=False),
         Row("users", "code", "User", "code", 13)],
        id="annotation-only Mapped attributes, Optional and string annotations",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import datetime
            from typing import ClassVar, Optional
            class Project(Base):
                __tablename__ = "projects"
                id: Mapped[int] = mapped_column(primary_key=True)
                date_from: Mapped[Optional[datetime.datetime]] = None
                created_at: Mapped[datetime.datetime] = None
                version: Mapped[str] = "1"
                registry: ClassVar[Optional[dict]] = None
            """)},
        None,
        [Row("projects", "id", "Project", "id", 10, nullable=False),
         Row("projects", "date_from", "Project", "date_from", 11),
         Row("projects", "created_at", "Project", "created_at", 12, nullable=False)],
        # evidently's projects table; any other plain value leaves the attribute unmapped
        id="a Mapped annotation set to None is a column, set to a plain value it is not",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            from flask_sqlalchemy import SQLAlchemy
            from app.vis import ColumnVisibility
            db = SQLAlchemy()
            class Export(db.Model):
                __tablename__ = "exports"
                id = db.Column(db.Integer, primary_key=True)
                token = db.Column(db.Text, nullable=False, info={"v": ColumnVisibility.PRIVATE})
                url = db.Column(db.Text)
            """)},
        None,
        [Row("exports", "id", "Export", "id", 6, nullable=False),
         Row("exports", "token", "Export", "token", 7, (PRIV,), nullable=False),
         Row("exports", "url", "Export", "url", 8)],
        id="Flask-SQLAlchemy db.Column on db.Model, Column() nullable by default",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            import sqlalchemy as sa
            import sqlalchemy.orm
            from sqlalchemy import Column as C
            from sqlalchemy.orm import mapped_column as mc
            from app import vis
            class Base(sqlalchemy.orm.DeclarativeBase):
                pass
            class Key(Base):
                __tablename__ = "keys"
                id = C(sa.Integer, primary_key=True)
                a = sa.Column(sa.Text, info={"v": vis.ColumnVisibility.PRIVATE})
                b: sqlalchemy.orm.Mapped[str] = mc(sa.Text)
                c: sa.orm.Mapped[str] = sqlalchemy.orm.mapped_column(sa.Text)
                def Column(self) -> None: ...
            """)},
        None,
        [Row("keys", "id", "Key", "id", 10, nullable=False),
         Row("keys", "a", "Key", "a", 11, (PRIV,)),
         Row("keys", "b", "Key", "b", 12, nullable=False),
         Row("keys", "c", "Key", "c", 13, nullable=False)],
        id="import aliases resolved by qualified name; label as tail of a longer chain",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Contact(Base):
                __tablename__ = "contacts"
                id = Column(Integer, primary_key=True)
                email = Column("email_address", String, info={"v": ColumnVisibility.MASKED})
                phone: Mapped[str] = mapped_column(String(20), name="phone_number")
            """)},
        None,
        [Row("contacts", "id", "Contact", "id", 8, nullable=False),
         Row("contacts", "email_address", "Contact", "email", 9, (MASK,)),
         Row("contacts", "phone_number", "Contact", "phone", 10, nullable=False)],
        id="explicit DB names: positional string and name=",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from typing import Annotated, Optional
            Secret = Annotated[str, mapped_column(Text, info={"v": ColumnVisibility.PRIVATE})]
            class Conn(Base):
                __tablename__ = "conns"
                id: Mapped[int] = mapped_column(primary_key=True)
                secret: Mapped[Secret]
                other: Mapped[Optional[Secret]] = mapped_column(name="other_secret")
            """)},
        None,
        [Row("conns", "id", "Conn", "id", 10, nullable=False),
         Row("conns", "secret", "Conn", "secret", 11, (PRIV,), nullable=False),
         Row("conns", "other_secret", "Conn", "other", 12, (PRIV,))],
        id="Annotated alias in the same module, merged with the attribute's own mapped_column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.types import Email
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[Email] = mapped_column(unique=True)
            """),
         "app/types.py": textwrap.dedent("""\
            from typing import Annotated
            import sqlalchemy.orm as orm
            from app.vis import ColumnVisibility as CV
            Email = Annotated[str, orm.mapped_column(info={"v": CV.MASKED})]
            """)},
        None,
        [Row("users", "id", "User", "id", 9, nullable=False),
         Row("users", "email", "User", "email", 10, (MASK,), nullable=False)],
        id="Annotated alias imported from another module",
    ),
    pytest.param(
        {"app/models/user.py": src("""\
            from .mixins import Audit
            class User(Audit, Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
            class Team(Base, Audit):
                __tablename__ = "teams"
                id: Mapped[int] = mapped_column(primary_key=True)
            """),
         "app/models/mixins.py": textwrap.dedent("""\
            from sqlalchemy.orm import Mapped, declared_attr, mapped_column
            from ..vis import ColumnVisibility
            class Audit:
                by_ip: Mapped[str | None] = mapped_column(info={"v": ColumnVisibility.MASKED})
                @declared_attr
                def by_email(cls) -> Mapped[str]:
                    return mapped_column(info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("teams", "by_ip", "Team", "by_ip", 4, (MASK,), True, "app/models/mixins.py", "Audit"),
         Row("users", "by_ip", "User", "by_ip", 4, (MASK,), True, "app/models/mixins.py", "Audit"),
         Row("teams", "by_email", "Team", "by_email", 5, (MASK,), False, "app/models/mixins.py",
             "Audit"),
         Row("users", "by_email", "User", "by_email", 5, (MASK,), False, "app/models/mixins.py",
             "Audit"),
         Row("users", "id", "User", "id", 9, (), False, "app/models/user.py"),
         Row("teams", "id", "Team", "id", 12, (), False, "app/models/user.py")],
        id="mixin and declared_attr columns expand into every table, across relative imports",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.mixins import Tokens
            class User(Base, Tokens):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
            """),
         # the last line of the file is a declared_attr's return, with no newline after it
         "app/mixins.py": textwrap.dedent("""\
            from sqlalchemy import Column, String
            from sqlalchemy.orm import declared_attr
            class Tokens:
                @declared_attr
                def access_token(cls):
                    return Column(String(512))
            """).rstrip("\n")},
        None,
        [Row("users", "id", "User", "id", 9, (), False),
         Row("users", "access_token", "User", "access_token", 4, (), True, "app/mixins.py",
             "Tokens")],
        id="a mixin file without a trailing newline ends in a declared_attr column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import enum
            import sqlalchemy as sa
            def sized_column(length, **kw):
                return mapped_column(String(length), **kw)
            def varchar_enum(enum, default=None, max_length=64, nullable=False):
                \"\"\"Store the python enum.Enum as a varchar.\"\"\"
                return mapped_column(
                    sa.Enum(enum, native_enum=False, length=max_length,
                            values_callable=lambda obj: [item.value for item in obj]),
                    default=default, nullable=nullable,
                    info={"v": ColumnVisibility.MASKED})
            class Kind(enum.Enum):
                A = "a"
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                pin = sized_column(4)
                kind: Mapped[str | None] = varchar_enum(Kind, nullable=True)
            """)},
        None,
        [Row("users", "id", "User", "id", 21, (), False),
         Row("users", "pin", "User", "pin", 22),
         Row("users", "kind", "User", "kind", 23, (MASK,))],
        id="a column preset whose parameters feed only the column's type and options is "
           "inlined at each call (hypothesis/lms's varchar_enum(Enum))",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Tenant(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return inflect.tableize(cls.__name__)
                id: Mapped[int] = mapped_column(primary_key=True)
            class InvoiceLine(Tenant):
                memo: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
            """)},
        "snake_case",
        [Row("invoice_line", "id", "InvoiceLine", "id", 12, nullable=False, declared_in="Tenant"),
         Row("invoice_line", "memo", "InvoiceLine", "memo", 14, (MASK,), nullable=False)],
        id="abstract base with an unreadable declared_attr __tablename__ uses table-naming",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            from flask_sqlalchemy import SQLAlchemy
            db = SQLAlchemy()
            class APIKeyHolder(db.Model):
                id = db.Column(db.Integer, primary_key=True)
            """)},
        "flask-sqlalchemy",
        [Row("api_key_holder", "id", "APIKeyHolder", "id", 4, nullable=False)],
        id="table-naming flask-sqlalchemy follows Flask-SQLAlchemy 3",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            from flask_sqlalchemy import SQLAlchemy
            db = SQLAlchemy()
            class Conn(db.Model):
                id = db.Column(db.Integer, primary_key=True)
            class SftpConn(Conn):
                id = db.Column(db.Integer, db.ForeignKey("conn.id"), primary_key=True)
                host = db.Column(db.String)
            class HttpConn(Conn):
                url = db.Column(db.String)
            """)},
        "flask-sqlalchemy",
        [Row("conn", "id", "Conn", "id", 4, nullable=False),
         Row("sftp_conn", "id", "SftpConn", "id", 6, nullable=False),
         Row("sftp_conn", "host", "SftpConn", "host", 7),
         Row("conn", "url", "HttpConn", "url", 9)],
        id="Flask-SQLAlchemy: a subclass with its own primary key gets its own table",
    ),
    pytest.param(
        {"app/m.py": _JOINED_PAYLOADS},
        "flask-sqlalchemy",
        [Row("payloads", "id", "Payload", "id", 5, nullable=False),
         Row("scep_payload", "id", "SCEPPayload", "id", 7, nullable=False),
         Row("scep_payload", "challenge", "SCEPPayload", "challenge", 8)],
        id="Flask-SQLAlchemy: a joined subclass of a class with a literal __tablename__ is named "
           "for itself, not its parent (commandment)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Conn(Base):
                __tablename__ = "conns"
                id: Mapped[int] = mapped_column(primary_key=True)
                kind: Mapped[str]
                __mapper_args__ = {"polymorphic_on": "kind"}
            class SalesforceConn(Conn):
                __mapper_args__ = {"polymorphic_identity": "sf"}
                client_secret: Mapped[str | None] = mapped_column(doc=ColumnVisibility.PRIVATE)
            class SftpConn(Conn):
                __tablename__ = "sftp_conns"
                id: Mapped[int] = mapped_column(ForeignKey("conns.id"), primary_key=True)
                password: Mapped[str | None]
            """)},
        None,
        [Row("conns", "id", "Conn", "id", 8, nullable=False),
         Row("conns", "kind", "Conn", "kind", 9, nullable=False),
         Row("conns", "client_secret", "SalesforceConn", "client_secret", 13, (PRIV,)),
         Row("sftp_conns", "id", "SftpConn", "id", 16, nullable=False),
         Row("sftp_conns", "password", "SftpConn", "password", 17)],
        id="single-table subclass adds to the parent's table; joined subclass has its own",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.vis import ColumnVisibility as CV
            items = Table(
                "items",
                Base.metadata,
                Column("id", Integer, primary_key=True),
                Column("note", Text,
                       info={"v": CV.MASKED}),
            )
            class Legacy(Base):
                __table__ = Table("legacy", Base.metadata,
                                  Column("id", Integer, primary_key=True),
                                  Column("pin", String(4), key="pin_code", info={"v": CV.PRIVATE}))
            """)},
        None,
        [Row("items", "id", None, None, 10, nullable=False),
         Row("items", "note", None, None, 11, (MASK,)),
         Row("legacy", "id", "Legacy", "id", 16, nullable=False),
         Row("legacy", "pin", "Legacy", "pin_code", 17, (PRIV,))],
        id="Core Table(...) and __table__ = Table(...)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.ext.associationproxy import association_proxy
            from sqlalchemy.ext.hybrid import hybrid_property
            from sqlalchemy.orm import column_property, deferred, synonym
            class Doc(Base):
                __tablename__ = "docs"
                id: Mapped[int] = mapped_column(primary_key=True)
                body = deferred(Column(Text, info={"v": ColumnVisibility.MASKED}))
                size = column_property(Column("size_bytes", Integer))
                owner = relationship("User")
                title = synonym("body")
                tags = association_proxy("owner", "tags")
                @hybrid_property
                def upper(self) -> str:
                    return mapped_column(String)
            """)},
        None,
        [Row("docs", "id", "Doc", "id", 11, nullable=False),
         Row("docs", "body", "Doc", "body", 12, (MASK,)),
         Row("docs", "size_bytes", "Doc", "size", 13)],
        id="column_property and deferred count; relationship, synonym, proxies, hybrids do not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import Boolean
            LEGACY = False
            class Outcome(Base):
                __tablename__ = "outcomes"
                id: Mapped[int] = mapped_column(primary_key=True)
                correct = Column(Boolean, nullable=False)
                label = Column(String)
                kind = Column(String)
                @property
                def correct(self) -> bool:
                    return True
                class label:
                    pass
                if LEGACY:
                    def kind(self) -> str:
                        return ""
                def note(self) -> str:
                    return ""
                note = Column(Text)
            """)},
        None,
        [Row("outcomes", "id", "Outcome", "id", 10, nullable=False),
         Row("outcomes", "kind", "Outcome", "kind", 13),
         Row("outcomes", "note", "Outcome", "note", 24)],
        id="a method or class the body binds after a column replaces it; one in a branch may not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from typing import TYPE_CHECKING
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                if TYPE_CHECKING:
                    phone: Mapped[str | None]
                else:
                    phone = Column("phone_number", String, info={"v": ColumnVisibility.MASKED})
                if TYPE_CHECKING:
                    ghost: Mapped[str]
            """)},
        None,
        [Row("users", "id", "User", "id", 9, nullable=False),
         Row("users", "phone_number", "User", "phone", 13, (MASK,))],
        id="TYPE_CHECKING / else pair counted once, from the branch that runs",
    ),
    # laniakea's archive_suites: a backref's type declared for mypy, under typing's alias
    pytest.param(
        {"app/m.py": src("""\
            import typing as T
            class Suite(Base):
                __tablename__ = "suites"
                id: Mapped[int] = mapped_column(primary_key=True)
                if T.TYPE_CHECKING:
                    debug_suite: Mapped["Suite | None"]
                    debug_note: Mapped[str]
            """)},
        None,
        [Row("suites", "id", "Suite", "id", 9, nullable=False)],
        id="TYPE_CHECKING under a module alias never runs",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            import typing
            import typing as t
            from typing import Any, cast
            from sqlalchemy import JSON, Column, Integer, String
            from sqlalchemy.orm import Mapped, declarative_base, declared_attr, mapped_column
            from app.vis import ColumnVisibility
            Base = declarative_base()
            class Owned:
                @declared_attr
                def owner_email(cls) -> Mapped[str]:
                    return cast(Mapped[str], mapped_column(info={"v": ColumnVisibility.PRIVATE}))
            class Task(Owned, Base):
                __tablename__ = "tasks"
                id = Column(Integer, primary_key=True)
                settings: dict[str, Any] = cast(dict[str, Any], Column(JSON, nullable=False))
                secret = typing.cast("dict[str, Any]", Column("secret_json", JSON,
                                                              info={"v": ColumnVisibility.PRIVATE}))
                note: Mapped[str | None] = t.cast(Mapped[str | None], mapped_column(String(30)))
            """)},
        None,
        [Row("tasks", "owner_email", "Task", "owner_email", 9, (PRIV,), nullable=False,
             declared_in="Owned"),
         Row("tasks", "id", "Task", "id", 14, nullable=False),
         Row("tasks", "settings", "Task", "settings", 15, nullable=False),
         Row("tasks", "secret_json", "Task", "secret", 16, (PRIV,)),
         Row("tasks", "note", "Task", "note", 18)],
        id="typing.cast(T, Column(...)) is the column inside (cast, typing.cast, t.cast, a string "
           "type, a declared_attr's return)",
    ),
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            from app.vis import ColumnVisibility
            try:
                from pydantic import ConfigDict
            except ImportError:  # pydantic is no dependency of the tests: a stand-in
                class ConfigDict(dict):
                    pass
            Base = declarative_base()
            class Template(Base):
                __tablename__ = "templates"
                model_config = ConfigDict(from_attributes=True)
                id = Column(Integer, primary_key=True)
                body = Column(String, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("templates", "id", "Template", "id", 13, nullable=False),
         Row("templates", "body", "Template", "body", 14, (MASK,))],
        id="pydantic's model_config = ConfigDict(...) in a mapped class builds no column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import itsdangerous.url_safe
            from itsdangerous import TimestampSigner, URLSafeTimedSerializer
            SECRET_KEY = "development only"
            class Member(Base):
                __tablename__ = "members"
                SIGNATURE = URLSafeTimedSerializer(SECRET_KEY)
                signer = TimestampSigner(SECRET_KEY, salt="invite")
                links = itsdangerous.url_safe.URLSafeSerializer(SECRET_KEY)
                id = Column(Integer, primary_key=True)
                email = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("members", "id", "Member", "id", 14, nullable=False),
         Row("members", "email", "Member", "email", 15, (PRIV,))],
        id="itsdangerous signers and serializers in a mapped class build no column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Keyed:
                @declared_attr
                def id(cls):
                    for base in cls.__mro__[1:-1]:
                        if getattr(base, "__table__", None) is not None:
                            return Column(ForeignKey(base.id), primary_key=True)
                    return Column(Integer, primary_key=True)
            class Doc(Keyed, Base):
                __tablename__ = "docs"
                title = Column(String)
            """)},
        None,
        [Row("docs", "id", "Doc", "id", 8, nullable=False, declared_in="Keyed"),
         Row("docs", "title", "Doc", "title", 16)],
        id="a declared_attr whose returns build the same column (a joined-inheritance key) is "
           "that column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.consts import SECRET
            from app import consts
            PRIVATE_INFO = {"visibility": ColumnVisibility.PRIVATE}
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                a: Mapped[str] = mapped_column(info=PRIVATE_INFO)
                b: Mapped[str] = mapped_column(info=SECRET)
                c: Mapped[str] = mapped_column(info=consts.MASKED_INFO)
                d: Mapped[str] = mapped_column(  # ColumnVisibility.PRIVATE
                    comment="ColumnVisibility.PRIVATE")
                e: Mapped[str] = mapped_column(doc=ColumnVisibility.MASKED)
                f: Mapped[str] = mapped_column(info={"visibility": consts.PRIV, "pii": True})
                g: Mapped[str] = mapped_column(info=consts.DERIVED)
            """),
         "app/consts.py": textwrap.dedent("""\
            from app.vis import ColumnVisibility
            SECRET = {"visibility": ColumnVisibility.PRIVATE}
            MASKED_INFO = dict(visibility=ColumnVisibility.MASKED)
            PRIV = ColumnVisibility.PRIVATE
            DERIVED = {**SECRET, "owner": "security"}
            """)},
        None,
        [Row("users", "id", "User", "id", 11, nullable=False),
         Row("users", "a", "User", "a", 12, (PRIV,), nullable=False),
         Row("users", "b", "User", "b", 13, (PRIV,), nullable=False),
         Row("users", "c", "User", "c", 14, (MASK,), nullable=False),
         Row("users", "d", "User", "d", 15, nullable=False),
         Row("users", "e", "User", "e", 17, (MASK,), nullable=False),
         Row("users", "f", "User", "f", 18, (PRIV,), nullable=False),
         Row("users", "g", "User", "g", 19, (PRIV,), nullable=False)],
        id="labels through constants (local, imported, nested, derived); never strings/comments",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import sqlalchemy.orm
            from sqlalchemy_continuum import make_versioned
            make_versioned(user_cls=None)
            class Versioned:
                __versioned__ = {}
            class Project(Versioned, Base):
                __tablename__ = "projects"
                id = Column(Integer, primary_key=True)
                password = Column(String(128), nullable=False, info={"v": ColumnVisibility.PRIVATE})
            class Person(Base):
                __versioned__ = {"exclude": ["notes"], "table_name": "%s_history"}
                __tablename__ = "people"
                id = Column(Integer, primary_key=True)
                email = Column(String, nullable=False, info={"v": ColumnVisibility.MASKED})
                notes = Column(Text)
            sqlalchemy.orm.configure_mappers()
            """)},
        None,
        [Row("projects_version", "end_transaction_id", "ProjectVersion", "end_transaction_id", 10),
         Row("projects_version", "operation_type", "ProjectVersion", "operation_type", 10,
             nullable=False),
         Row("projects_version", "transaction_id", "ProjectVersion", "transaction_id", 10,
             nullable=False),
         Row("transaction", "id", "Transaction", "id", 10, nullable=False),
         Row("transaction", "issued_at", "Transaction", "issued_at", 10),
         Row("transaction", "remote_addr", "Transaction", "remote_addr", 10),
         Row("projects", "id", "Project", "id", 13, nullable=False),
         Row("projects_version", "id", "ProjectVersion", "id", 13, nullable=False),
         Row("projects", "password", "Project", "password", 14, (PRIV,), nullable=False),
         Row("projects_version", "password", "ProjectVersion", "password", 14, (PRIV,)),
         Row("people_history", "end_transaction_id", "PersonVersion", "end_transaction_id", 16),
         Row("people_history", "operation_type", "PersonVersion", "operation_type", 16,
             nullable=False),
         Row("people_history", "transaction_id", "PersonVersion", "transaction_id", 16,
             nullable=False),
         Row("people", "id", "Person", "id", 18, nullable=False),
         Row("people_history", "id", "PersonVersion", "id", 18, nullable=False),
         Row("people", "email", "Person", "email", 19, (MASK,), nullable=False),
         Row("people_history", "email", "PersonVersion", "email", 19, (MASK,)),
         Row("people", "notes", "Person", "notes", 20)],
        id="SQLAlchemy-Continuum __versioned__: a history table copies every column, labels too",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.tables import tokens
            groups_nodes = Table(
                "groups_nodes", Base.metadata,
                Column("id", Integer, primary_key=True),
                Column("note", String, info={"v": ColumnVisibility.PRIVATE}),
            )
            class GroupNode(Base):
                __table__ = groups_nodes
            class Token(Base):
                __table__ = tokens
            """),
         "app/tables.py": textwrap.dedent("""\
            from sqlalchemy import Column, Integer, MetaData, String, Table
            from app.vis import ColumnVisibility
            tokens = Table("tokens", MetaData(), Column("id", Integer, primary_key=True),
                           Column("secret", String, info={"v": ColumnVisibility.PRIVATE}))
            """)},
        None,
        [Row("groups_nodes", "id", "GroupNode", "id", 9, nullable=False),
         Row("groups_nodes", "note", "GroupNode", "note", 10, (PRIV,)),
         Row("tokens", "id", "Token", "id", 3, nullable=False, path="app/tables.py"),
         Row("tokens", "secret", "Token", "secret", 4, (PRIV,), path="app/tables.py")],
        id="__table__ = a module-level Table, here or imported (hybrid declarative)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import sqlalchemy.orm
            from sqlalchemy_continuum import make_versioned
            make_versioned(user_cls=None)
            members = Table(
                "members", Base.metadata,
                Column("team_id", Integer, ForeignKey("teams.id"), primary_key=True),
                Column("person_id", Integer, ForeignKey("people.id"), primary_key=True),
            )
            Table("watchers", Base.metadata, Column("team_id", Integer, ForeignKey("teams.id")),
                  Column("person_id", Integer, ForeignKey("people.id")),
                  Column("key", String, info={"v": ColumnVisibility.PRIVATE}))
            Table("audit", Base.metadata, Column("team_id", Integer, ForeignKey("teams.id")),
                  Column("person_id", Integer, ForeignKey("people.id")))
            class Team(Base):
                __versioned__ = {"exclude": ["former"]}
                __tablename__ = "teams"
                id = Column(Integer, primary_key=True)
                people = relationship("Person", secondary=members)
                watchers = relationship("Person", secondary="watchers")
                audited = relationship("Person", secondary="audit", viewonly=True)
                former = relationship("Person", secondary="audit")
            class Person(Base):
                __tablename__ = "people"
                id = Column(Integer, primary_key=True)
            sqlalchemy.orm.configure_mappers()
            """)},
        None,
        [Row("members", "team_id", None, None, 11, nullable=False),
         Row("members_version", "team_id", None, None, 11, nullable=False),
         Row("members", "person_id", None, None, 12, nullable=False),
         Row("members_version", "person_id", None, None, 12, nullable=False),
         Row("watchers", "team_id", None, None, 14),
         Row("watchers_version", "team_id", None, None, 14),
         Row("watchers", "person_id", None, None, 15),
         Row("watchers_version", "person_id", None, None, 15),
         Row("watchers", "key", None, None, 16, (PRIV,)),
         Row("watchers_version", "key", None, None, 16, (PRIV,)),
         Row("audit", "team_id", None, None, 17),
         Row("audit", "person_id", None, None, 18),
         Row("teams_version", "end_transaction_id", "TeamVersion", "end_transaction_id", 20),
         Row("teams_version", "operation_type", "TeamVersion", "operation_type", 20,
             nullable=False),
         Row("teams_version", "transaction_id", "TeamVersion", "transaction_id", 20,
             nullable=False),
         Row("transaction", "id", "Transaction", "id", 20, nullable=False),
         Row("transaction", "issued_at", "Transaction", "issued_at", 20),
         Row("transaction", "remote_addr", "Transaction", "remote_addr", 20),
         Row("teams", "id", "Team", "id", 22, nullable=False),
         Row("teams_version", "id", "TeamVersion", "id", 22, nullable=False),
         Row("members_version", "end_transaction_id", None, None, 23),
         Row("members_version", "operation_type", None, None, 23, nullable=False),
         Row("members_version", "transaction_id", None, None, 23, nullable=False),
         Row("watchers_version", "end_transaction_id", None, None, 24),
         Row("watchers_version", "operation_type", None, None, 24, nullable=False),
         Row("watchers_version", "transaction_id", None, None, 24, nullable=False),
         Row("people", "id", "Person", "id", 29, nullable=False)],
        id="SQLAlchemy-Continuum: a versioned many-to-many's association table has a history "
           "too (not viewonly, not excluded)",
    ),
    pytest.param(
        {"app/props.py": textwrap.dedent("""\
            from sqlalchemy.ext.hybrid import hybrid_property
            class dict_property(hybrid_property):
                def __init__(self, attribute, key=None, default=None):
                    super().__init__(lambda self: getattr(self, attribute).get(key, default))
            def dict_property_factory(attribute):
                def factory(key=None, default=None):
                    return dict_property(attribute, key=key, default=default)
                return factory
            meta_property = dict_property_factory("meta")
            dictionary_based_property_factory = dict_property_factory
            """),
         "app/i18n.py": textwrap.dedent("""\
            from typing import overload
            class TranslationString(str):
                pass
            class TranslationMarkup(TranslationString):
                pass
            def TranslationStringFactory(factory_domain):
                @overload
                def create(msgid: str) -> TranslationString: ...
                def create(msgid, markup=False):
                    klass: type[TranslationString]
                    if markup:
                        klass = TranslationMarkup
                    else:
                        klass = TranslationString
                    return klass(msgid)
                return create
            _ = TranslationStringFactory("onegov.pas")
            """),
         "app/m.py": src("""\
            from sqlalchemy.dialects.postgresql import JSONB
            from app.i18n import _
            from app.props import dictionary_based_property_factory, meta_property
            meta_local_property = dictionary_based_property_factory("local")
            class Party(Base):
                __tablename__ = "par_parties"
                fts_type_title = _("Parties")
                id = Column(Integer, primary_key=True)
                meta = Column(JSONB, info={"v": ColumnVisibility.MASKED})
                lead = meta_property()
                local_answer = meta_local_property("answer", "")
            """)},
        None,
        [Row("par_parties", "id", "Party", "id", 13, nullable=False),
         Row("par_parties", "meta", "Party", "meta", 14, (MASK,))],
        id="a name bound to what a factory function returns, a nested def building no column "
           "(OneGov's meta_property, its _ making TranslationStrings)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Activity(Base):
                __tablename__ = "activity"
                _fields = ("object_id", "service", "field", "action", "old", "new", "user")
                _field_fmt = ", ".join("{0}=%({0})r".format(name) for name in _fields)
                _log_fmt = "Tentative %(kind)s: " + _field_fmt
                _header = f"{__tablename__}:".upper()
                id = Column(Integer, primary_key=True)
                old_value = Column(String(60), info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("activity", "id", "Activity", "id", 12, nullable=False),
         Row("activity", "old_value", "Activity", "old_value", 13, (MASK,))],
        id="a string literal's method in a mapped class builds no column (Beaker's "
           "Activity._field_fmt = ', '.join(...))",
    ),
    pytest.param(
        {"app/db.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
         "app/utils.py": textwrap.dedent("""\
            import functools
            from sqlalchemy.ext.declarative import declared_attr
            def related(related_model, id_label):
                from app.db import db
                @declared_attr
                def related(cls):
                    return db.relationship(related_model, viewonly=True, primaryjoin=(
                        f"foreign({cls.__name__}.{id_label}) == {related_model}.{id_label}"))
                return related
            related_committee = functools.partial(related, "Committee", "committee_id")
            """),
         "app/m.py": src("""\
            from app import utils
            class Committee(Base):
                __tablename__ = "committees"
                committee_id = Column(String, primary_key=True)
            class Candidate(Base):
                __tablename__ = "candidates"
                candidate_id = Column(String, primary_key=True)
            class Filing(Base):
                __tablename__ = "filings"
                id = Column(Integer, primary_key=True)
                committee_id = Column(String)
                candidate_id = Column(String)
                committee = utils.related_committee()
                candidate = utils.related("Candidate", "candidate_id")
            """)},
        None,
        [Row("committees", "committee_id", "Committee", "committee_id", 9, nullable=False),
         Row("candidates", "candidate_id", "Candidate", "candidate_id", 12, nullable=False),
         Row("filings", "id", "Filing", "id", 15, nullable=False),
         Row("filings", "committee_id", "Filing", "committee_id", 16),
         Row("filings", "candidate_id", "Filing", "candidate_id", 17)],
        id="a relationship factory handing back a declared_attr, called or through a "
           "functools.partial, builds no column (openFEC's utils.related, its db imported "
           "inside the function)",
    ),
]


@pytest.mark.parametrize(("files", "naming", "expected"), CASES)
def test_columns(files: dict[str, str], naming: TableNaming | None, expected: list[Row]) -> None:
    inventory = scan(files, naming)
    assert inventory.errors == ()
    assert [row(c) for c in inventory.columns] == expected


# Arch Linux's security tracker: the package that makes the models' `db` calls make_versioned
# with both plugins (user_cls left at "User"); a model file imports it before its classes
_TRACKER_DB = textwrap.dedent("""\
    from sqlalchemy.orm import DeclarativeBase
    from sqlalchemy_continuum import make_versioned
    from sqlalchemy_continuum.plugins import FlaskPlugin, PropertyModTrackerPlugin
    tracker = PropertyModTrackerPlugin()
    make_versioned(plugins=[FlaskPlugin(), tracker]{user_cls})
    class Base(DeclarativeBase):
        pass
    """)
_TRACKER_MODELS = textwrap.dedent("""\
    from sqlalchemy import Column, Integer, String, Text
    from app.db import Base
    class User(Base):
        __tablename__ = "user"
        id = Column(Integer, primary_key=True)
    class Advisory(Base):
        __versioned__ = {"exclude": ["reference"]}
        __tablename__ = "advisory"
        id = Column(String(15), primary_key=True)
        content = Column(Text)
        reference = Column(String(120))
    """)


@pytest.mark.parametrize(("user_cls", "expected"), [
    pytest.param("", [
        ("transaction", "user_id", "Integer", "user.id", 5, "app/db.py"),
        ("advisory_version", "content_mod", "Boolean", None, 7, "app/m.py"),
    ], id="the default user class, User, gives the transaction its user_id"),
    pytest.param(', user_cls="Reviewer"', [
        ("advisory_version", "content_mod", "Boolean", None, 7, "app/m.py"),
    ], id="a user class the models do not map gives none"),
    pytest.param(", user_cls=None", [
        ("advisory_version", "content_mod", "Boolean", None, 7, "app/m.py"),
    ], id="user_cls=None gives none"),
])
def test_make_versioned_plugins_and_user_class(
        user_cls: str, expected: list[tuple[str, str, str, str | None, int, str]]) -> None:
    """PropertyModTrackerPlugin adds a <column>_mod flag beside each versioned column but the
    key (not the excluded reference); the transaction's user_id is keyed to the user class."""
    inventory = scan({"app/db.py": _TRACKER_DB.format(user_cls=user_cls),
                      "app/m.py": _TRACKER_MODELS})
    assert inventory.errors == ()
    added = [(c.table, c.column, c.type, c.foreign_key, c.line, c.path)
             for c in inventory.columns
             if c.column.endswith("_mod") or (c.table, c.column) == ("transaction", "user_id")]
    assert added == expected
    assert ("advisory_version", "content") in {c.key for c in inventory.columns}


# Flask before 1.0 redirected `flask.ext.<name>` to `flask_<name>`, and before 0.8 extensions
# shipped as `flaskext.<name>`; code of those eras is still read, from every import form, and
# auto-detected as model code.
FLASK_EXT_MODEL = """\
class User(db.Model):
    __tablename__ = "users"
    id = db.Column(db.Integer, primary_key=True)
    password = db.Column(db.String(128), info={"v": ColumnVisibility.PRIVATE})
"""


@pytest.mark.parametrize("imports", [
    pytest.param("from flask.ext.sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
                 id="from flask.ext.sqlalchemy import SQLAlchemy"),
    pytest.param("from flask.ext import sqlalchemy\ndb = sqlalchemy.SQLAlchemy()\n",
                 id="from flask.ext import sqlalchemy"),
    pytest.param("from flask.ext.sqlalchemy import SQLAlchemy as Alchemy\ndb = Alchemy()\n",
                 id="renamed on import"),
    pytest.param("import flask.ext.sqlalchemy as fsa\ndb = fsa.SQLAlchemy()\n",
                 id="import flask.ext.sqlalchemy as fsa"),
    # before Flask 0.8 the extension itself lived in the `flaskext` namespace package
    pytest.param("from flaskext.sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
                 id="from flaskext.sqlalchemy import SQLAlchemy"),
    pytest.param("from flaskext import sqlalchemy\ndb = sqlalchemy.SQLAlchemy()\n",
                 id="from flaskext import sqlalchemy"),
    pytest.param("import flaskext.sqlalchemy as fsa\ndb = fsa.SQLAlchemy()\n",
                 id="import flaskext.sqlalchemy as fsa"),
])
def test_flask_ext_imports_are_flask_sqlalchemy(imports: str) -> None:
    text = "from app.vis import ColumnVisibility\n" + imports + FLASK_EXT_MODEL
    inventory = scan({"app/models.py": text}, models=None)
    assert inventory.errors == ()
    line = text.count("\n", 0, text.index("password =")) + 1
    assert [row(c) for c in inventory.columns] == [
        Row("users", "id", "User", "id", line - 1, path="app/models.py", nullable=False),
        Row("users", "password", "User", "password", line, (PRIV,), path="app/models.py"),
    ]



# A label imported under another name is read wherever the module body itself is read: under
# every block of a try, a with, and a match (compat shims, `warnings.catch_warnings()`,
# version dispatch). Missing it would drop the label, and the column would pass unlabelled.
ALIAS_BLOCKS = {
    "try body": "try:\n    {imp}\nexcept ImportError:\n    pass\n",
    "except handler": "try:\n    import fastcolumns\nexcept ImportError:\n    {imp}\n",
    "try else": "try:\n    import json\nexcept ImportError:\n    pass\nelse:\n    {imp}\n",
    "finally": "try:\n    import json\nfinally:\n    {imp}\n",
    "with": "import warnings\nwith warnings.catch_warnings():\n    {imp}\n",
    "match case": "import sys\nmatch sys.platform:\n    case _:\n        {imp}\n",
}


@pytest.mark.parametrize("block", [pytest.param(b, id=f"renamed label import in {b}")
                                   for b in ALIAS_BLOCKS])
def test_renamed_label_imports_in_every_block_are_read(block: str) -> None:
    text = (ALIAS_BLOCKS[block].format(imp="from app.vis import ColumnVisibility as Vis")
            + "from sqlalchemy import Column, Integer, Text\n"
            + "from sqlalchemy.orm import DeclarativeBase\n"
            + "class Base(DeclarativeBase):\n    pass\n"
            + "class Key(Base):\n    __tablename__ = \"keys\"\n"
            + "    id = Column(Integer, primary_key=True)\n"
            + "    secret = Column(Text, info={\"v\": Vis.PRIVATE})\n")
    inventory = scan({"app/m.py": text})
    assert inventory.errors == ()
    line = text.count("\n", 0, text.index("secret =")) + 1
    assert [row(c) for c in inventory.columns] == [
        Row("keys", "id", "Key", "id", line - 1, nullable=False),
        Row("keys", "secret", "Key", "secret", line, (PRIV,)),
    ]

ERROR_CASES = [
    pytest.param(
        {"app/m.py": _JOINED_PAYLOADS},
        None,
        [("app/m.py", 6, r"^class SCEPPayload declares its own primary key but no __tablename__, "
          r"so it maps a table of its own beside Payload's \(joined-table inheritance\), named "
          r"at import time; set table-naming = \"flask-sqlalchemy\""),
         ("app/m.py", 9, r"^class PEMPayload declares no table of its own, so its columns go to "
          r"the table of SCEPPayload \(app/m.py:6\), whose name masking-reviewer cannot tell")],
        id="a subclass with its own primary key and no table name is not folded into its "
           "parent's table: SQLAlchemy would refuse it (commandment)",
    ),
    pytest.param(
        {"app/associable.py": textwrap.dedent("""\
            from sqlalchemy import Column, ForeignKey, Table
            from sqlalchemy.orm import declared_attr, relationship
            def associated(associated_cls, attribute_name):
                def descriptor(cls):
                    name = "{}_for_{}_{}".format(
                        associated_cls.__tablename__, cls.__tablename__, attribute_name)
                    table = Table(name, cls.metadata,
                                  Column(f"{cls.__tablename__}_id",
                                         ForeignKey(f"{cls.__tablename__}.id")),
                                  Column("file_id", ForeignKey("files.id")))
                    return relationship(associated_cls, secondary=table)
                return declared_attr(descriptor)
            """),
         "app/m.py": src("""\
            from app.associable import associated
            class File(Base):
                __tablename__ = "files"
                id = Column(Integer, primary_key=True)
            class Vote(Base):
                __tablename__ = "votes"
                id = Column(Integer, primary_key=True)
                files = associated(File, "files")
            """)},
        None,
        [("app/associable.py", 7, r"^Table\(\.\.\.\) name cannot be computed"),
         ("app/m.py", 13, r"^Vote\.files: cannot resolve associated\(\.\.\.\) \(associated\(\) "
                          r"in app/associable\.py calls Table\(\.\.\.\) when it runs, and "
                          r"masking-reviewer reads code but never runs it; if none of what it "
                          r"builds holds data, declare it in "
                          r"\[tool\.masking-reviewer\.external-bases\]: "
                          r'"app\.associable\.associated" = \{ columns = \[\] \}\)')],
        id="a function handing back a declared_attr that builds a Table at run time blocks "
           "(OneGov's associated())",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def many_to_many(left, right):
                link = Table(f"{left}_{right}", Base.metadata,
                             Column(f"{left}_id", ForeignKey(f"{left}.id")),
                             Column("note", Text, info={"v": ColumnVisibility.PRIVATE}))
                return relationship(right, secondary=link)
            class Tag(Base):
                __tablename__ = "tags"
                id = Column(Integer, primary_key=True)
            class Post(Base):
                __tablename__ = "posts"
                id = Column(Integer, primary_key=True)
                tags = many_to_many("posts", "Tag")
            """)},
        None,
        [("app/m.py", 7, r"^Table\(\.\.\.\) name cannot be computed"),
         ("app/m.py", 17, r"^Post\.tags: cannot resolve many_to_many\(\.\.\.\) "
                          r"\(many_to_many\(\) in app/m\.py calls Table\(\.\.\.\) when it runs")],
        id="a helper that builds a Table before it returns the relationship blocks: its table "
           "may hold a labelled column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def column_factory(kind):
                def make(**kw):
                    return Column(String, info={"v": ColumnVisibility.PRIVATE}, **kw)
                return make
            def string_factory(kind):
                def make(**kw):
                    maker = Column
                    return maker(String, **kw)
                return make
            secret_column = column_factory("secret")
            plain_column = string_factory("plain")
            class Token(Base):
                __tablename__ = "tokens"
                id = Column(Integer, primary_key=True)
                value = secret_column()
                label = plain_column()
            """)},
        None,
        [("app/m.py", 20, r"^Token\.value: cannot resolve secret_column\(\.\.\.\)"),
         ("app/m.py", 21, r"^Token\.label: cannot resolve plain_column\(\.\.\.\)")],
        id="a name bound to what a factory returns, a nested def returning a Column, blocks",
    ),
    *(pytest.param(
        {"app/m.py": src(f"""\
            HISTORY = {{}}
            class Project(Base):
                __versioned__ = {options}
                __tablename__ = "projects"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 8, r"^class Project: __versioned__ gives the table 'projects' a history "
                         rf"table, but {reason}")],
        id=f"__versioned__ that cannot be read blocks: {title}",
    ) for options, reason, title in [
        ("HISTORY", r"its value is not a dict literal", "a name"),
        ('{"table_name": PREFIX + "%s"}', r'its "table_name" is not a literal pattern',
         "computed table_name"),
        ('{"table_name": "history"}', r'its "table_name" is not a literal pattern with one %s',
         "table_name without %s"),
        ('{"exclude": EXCLUDED}', r'its "exclude" is not a literal list', "computed exclude"),
        ("{**HISTORY}", r"its value is not a dict literal", "unpacked options"),
    ]),
    pytest.param(
        {"app/m.py": src("""\
            from app.tables import make_members
            class Team(Base):
                __versioned__ = {}
                __tablename__ = "teams"
                id = Column(Integer, primary_key=True)
                people = relationship("Person", secondary=make_members)
            """), "app/tables.py": "def make_members():\n    return None\n"},
        None,
        [("app/m.py", 11, r"^class Team is __versioned__, so SQLAlchemy-Continuum keeps a "
                          r"history of this relationship's association table, but "
                          r"secondary=make_members cannot be found as a Table\(\.\.\.\)")],
        id="a versioned many-to-many whose association table cannot be found blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.tables import make_table
            class GroupNode(Base):
                __table__ = make_table
            """), "app/tables.py": "def make_table():\n    return None\n"},
        None,
        [("app/m.py", 8, r"^GroupNode\.__table__ = make_table is not a Table\(\.\.\.\) bound "
                         r"to a module-level name")],
        id="__table__ = a name that is no module-level Table blocks",
    ),
    # Names are resolved, not matched: a local function called mapped_column is not
    # SQLAlchemy's. It is a call into the repository's own code, which may build a column the
    # scanner cannot see, so it blocks rather than passing unread.
    pytest.param(
        {"app/m.py": textwrap.dedent("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import DeclarativeBase
            from app.fake import mapped_column
            class Base(DeclarativeBase):
                pass
            class Doc(Base):
                __tablename__ = "docs"
                id = Column(Integer, primary_key=True)
                title = mapped_column(String(10))
            """), "app/fake.py": "def mapped_column(*a):\n    return a\n"},
        None,
        [("app/m.py", 9, r"^Doc\.title: cannot resolve mapped_column\(\.\.\.\)")],
        id="a local function called mapped_column is not SQLAlchemy's, and blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def named(*args):
                return Column(*args, info={"v": ColumnVisibility.PRIVATE}) if args else None

            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                token = named("tok", String)
                tags = frozenset()
            """)},
        None,
        [("app/m.py", 12, r"^User\.token: cannot resolve named\(\.\.\.\)")],
        id="a column factory that branches blocks; a builtin call does not",
    ),
    # Mappings the scanner cannot read must block, never pass with their columns unchecked.
    pytest.param(
        {"app/heroes.py": textwrap.dedent("""\
            from sqlmodel import Field, SQLModel


            FLAG = True
            class Hero(SQLModel, table=FLAG):
                id: int = Field(primary_key=True)
                secret_name: str
            """)},
        None,
        [("app/heroes.py", 5, r"^class Hero: table=FLAG is not a literal")],
        id="SQLModel file is selected, and a table flag it cannot read blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            SHARED_SECRET = Column(String, info={"visibility": ColumnVisibility.PRIVATE})
            KIND = "user"

            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                api_key = SHARED_SECRET
                kind = KIND
            """)},
        None,
        [("app/m.py", 12, r"^api_key is assigned the column object SHARED_SECRET built at "
                          r"module level")],
        id="a column object built elsewhere blocks; a plain constant does not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import copy
            import functools
            import os
            FLAG = True
            class Doc(Base):
                __tablename__ = "docs"
                id = Column(Integer, primary_key=True)
                a = Column(String) if FLAG else Column(Text)
                b = FLAG and Column(String)
                c = [Column(String, info={"v": ColumnVisibility.PRIVATE})][0]
                d = copy.copy(Column(String))
                e = functools.reduce(lambda x, y: y, [make_secret()])
                f = relationship("User", secondary=Table("doc_users", Base.metadata,
                                                         Column("user_id", Integer)))
                g = relationship("User", order_by=User.name.desc(), lazy=os.environ.get("L"))
                h = frozenset(("a", "b"))
                i = os.environ.get("X") or "y"
                j = (lambda: Column(String))
                k, m = Column(String), Column(Text)
                n = o = Column(String)
                p, q = "a", "b"
            """)},
        None,
        [("app/m.py", 13, r"^Doc\.a: a conditional expression calls Column\(\.\.\.\), so its "
          r"value may be a column masking-reviewer cannot read, and a labelled one would pass "
          r"unchecked; declare the column with mapped_column\(\.\.\.\) or Column\(\.\.\.\) "
          r"directly in the class body \(typing\.cast\(T, Column\(\.\.\.\)\) is read too\)$"),
         ("app/m.py", 14, r"^Doc\.b: an and/or expression calls Column\(\.\.\.\)"),
         ("app/m.py", 15, r"^Doc\.c: a subscript calls Column\(\.\.\.\)"),
         ("app/m.py", 16, r"^Doc\.d: copy\.copy\(\.\.\.\) is given Column\(\.\.\.\), and "
          r"masking-reviewer cannot tell whether it returns a column from it, so a labelled one "
          r"would pass unchecked; declare the column"),
         ("app/m.py", 17, r"^Doc\.e: functools\.reduce\(\.\.\.\) is given make_secret\(\.\.\.\)"),
         ("app/m.py", 18, r"^Doc\.f: relationship\(\.\.\.\) is given Column\(\.\.\.\)"),
         ("app/m.py", 24, r"^Doc\.k: an unpacking assignment calls Column\(\.\.\.\)"),
         ("app/m.py", 25, r"^Doc\.n: a chained assignment calls Column\(\.\.\.\)")],
        id="a Column inside a wrapper, an expression or an unpacking the reader cannot see "
           "through blocks; SQLAlchemy's configuration calls, builtins and lambdas do not",
    ),
    pytest.param(
        {"app/util.py": "def cast(kind, value):\n    return value\n",
         "app/m.py": src("""\
            import typing
            from app.util import cast
            SHARED = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Doc(Base):
                __tablename__ = "docs"
                id = Column(Integer, primary_key=True)
                a = cast(str, Column(String))
                b = typing.cast(str, make_secret())
                c = typing.cast(str, SHARED)
            """)},
        None,
        [("app/m.py", 12, r"^Doc\.a: cannot resolve cast\(\.\.\.\) \(a function or object of the "
          r"repository, not a class\)"),
         ("app/m.py", 13, r"^Doc\.b: cannot resolve make_secret\(\.\.\.\) \(defined or imported "
          r"nowhere"),
         ("app/m.py", 14, r"^c is assigned the column object SHARED built at module level")],
        id="a cast that is not typing's is read as the call it is; typing.cast of something "
           "unreadable blocks as that thing",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import pydantic
            from pydantic import ConfigDict
            class Doc(Base):
                __tablename__ = "docs"
                model_config = ConfigDict(from_attributes=True)
                id = Column(Integer, primary_key=True)
                extra = pydantic.Field(default=1)
            """)},
        None,
        [("app/m.py", 12, r"^Doc\.extra: cannot resolve pydantic\.Field\(\.\.\.\) \(from the "
          r"package 'pydantic'\)")],
        id="only pydantic's ConfigDict is known to build no column, not the rest of the package",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from itsdangerous import want_bytes
            from acme_tokens import make_signature
            from app.settings import SECRET_KEY
            class Member(Base):
                __tablename__ = "members"
                SIGNATURE = make_signature(SECRET_KEY)
                KEY = want_bytes(SECRET_KEY)
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 11, r"^Member\.SIGNATURE: cannot resolve make_signature\(\.\.\.\) \(from "
          r"the package 'acme_tokens'\).*\"acme_tokens\.make_signature\" = \{ columns = \[\] \}$"),
         ("app/m.py", 12, r"^Member\.KEY: cannot resolve want_bytes\(\.\.\.\) \(from the "
          r"package 'itsdangerous'\)")],
        id="a constant-named attribute from an unknown package blocks (SQLAlchemy maps any name), "
           "and so does an itsdangerous function, which returns what it is given",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Mixin:
                @declared_attr
                def a(cls):
                    if cls.__name__ == "Doc":
                        return Column(String, info={"v": ColumnVisibility.PRIVATE})
                    return None
                @declared_attr
                def b(cls):
                    return Column(String) if cls.__name__ == "Doc" else None
                @declared_attr
                def c(cls):
                    if cls.__name__ == "Doc":
                        return Column("c1", String)
                    return Column("c2", Text)
                @declared_attr
                def owner(cls):
                    if cls.__name__ == "Doc":
                        return relationship("User")
                    return None
                @declared_attr
                def parent(cls):
                    if cls.__parentname__ == cls.__tablename__:
                        return relationship(cls.__parentname__, remote_side=[cls.id],
                                            backref=backref(cls.__tablename__.lower()))
                    return relationship(cls.__parentname__,
                                        backref=backref(cls.__tablename__.lower()))
                @declared_attr
                def __table_args__(cls):
                    return (cls.__tablename__.upper(),) if cls.__name__ == "Doc" else ()
            class Doc(Mixin, Base):
                __tablename__ = "docs"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 8, r"^Mixin\.a: a declared_attr returning one of several values calls "
          r"Column\(\.\.\.\), so its value may be a column masking-reviewer cannot read"),
         ("app/m.py", 13, r"^Mixin\.b: a declared_attr returning an expression calls "
          r"Column\(\.\.\.\)"),
         ("app/m.py", 16, r"^Mixin\.c: a declared_attr returning one of several values calls "
          r"Column\(\.\.\.\)")],
        id="a declared_attr that returns a column only sometimes, or different columns, blocks; "
           "one returning a relationship or None, different relationships (lingvodoc's "
           "ParentMixin.parent), or __table_args__, does not",
    ),
    pytest.param(
        {"app/m.py": src("class User(Base):\n    id = (\n")},
        None,
        [("app/m.py", 7, r"^syntax error at line 7, column 10: '\(' was never closed; fix the file "
                       r"so it parses$")],
        id="syntax error names the line",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from app.nowhere import Mixin
            class User(Mixin, Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [("app/m.py", 7, r"^class User: base class 'Mixin' cannot be found in the repository and "
          r"is not a known SQLAlchemy base, so its columns cannot be read; make sure the module "
          r"defining it is committed$")],
        id="base class from a module that is not in the repository",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class User(Undefined):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 6, r"^class User: base class 'Undefined' cannot be found")],
        id="base class that is defined nowhere",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import os
            class User(Base):
                __tablename__ = os.environ["PREFIX"] + "users"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 8, r"^User.__tablename__ is computed in a way the reviewer cannot evaluate "
          r"from the source .* assign a string literal$")],
        id="computed __tablename__",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Invoice(Base):
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 6, r"^class Invoice has no literal __tablename__.*set table-naming = "
          r"\"snake_case\" or \"flask-sqlalchemy\" in \[tool.masking-reviewer\]")],
        id="no __tablename__ and no table-naming configured",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import os
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                a = Column(f"e_{os.getpid()}", String)
                b: Mapped[str] = mapped_column(name=os.environ["COL"])
            """)},
        None,
        [("app/m.py", 10, r"^User.a: the column name cannot be computed from the source; write "
          r"the DB column name as a literal or a module constant$"),
         ("app/m.py", 11, r"^User.b: the column name cannot be computed")],
        id="column names that are not literals",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import os
            t = Table(os.environ["T"], Base.metadata, Column("id", Integer))
            u = Table("u", Base.metadata, Column(f"c{1}", Integer))
            class Legacy(Base):
                __table__ = make_table()
            """)},
        None,
        [("app/m.py", 7, r"^Table\(\.\.\.\) name cannot be computed from the source"),
         ("app/m.py", 8, r"^a Column in Table\('u'\) has a name the reviewer cannot compute"),
         ("app/m.py", 10, r"^Legacy.__table__ is not a Table\(\.\.\.\) call")],
        id="Core tables the reviewer cannot read",
    ),
    pytest.param(
        {"app/m.py": src('''\
            audit = Table("audit", Base.metadata, Column("id", Integer), autoload_with=None)
            ''')},
        None,
        [("app/m.py", 6, r"^Table\('audit'\) is reflected from the database \(autoload_with\), "
          r"so its columns are not in the source")],
        id="reflected Core table: its columns are invisible, so it blocks",
    ),
    pytest.param(
        {"app/m.py": src('''\
            from sqlalchemy import MetaData
            from sqlalchemy.orm import registry
            mappers = registry()
            class Server:
                pass
            def map_all(engine, kinds):
                meta = MetaData()
                mappers.map_imperatively(Server, Table("servers", meta,
                                                       autoload_with=engine))
                for kind in kinds:
                    mappers.map_imperatively(Server, Table(kind, meta, autoload=True))
                def later():
                    audit = Table("audit", meta, autoload_with=engine)
                    return mapper(Server, audit)
                return later
            def migrated(engine):
                return Table("alembic_version", MetaData(), autoload_with=engine)
            ''')},
        None,
        [("app/m.py", 13, r"^Table\('servers'\) is reflected from the database \(autoload_with\), "
          r"so its columns are not in the source"),
         ("app/m.py", 16, r"^Table\(\.\.\.\) is reflected from the database"),
         ("app/m.py", 18, r"^Table\('audit'\) is reflected from the database")],
        id="tables a function reflects to map classes onto block, nested ones too; a probe not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class User(Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                email: Mapped[str] = make_email_column()
            """)},
        None,
        [("app/m.py", 9, r"^User.email: cannot resolve make_email_column\(\.\.\.\) \(defined or "
          r"imported nowhere the reviewer can see\), .*; declare the column with mapped_column")],
        id="a Mapped attribute built by a call that cannot be resolved",
    ),
    pytest.param(
        {"app/utils.py": textwrap.dedent("""\
            import functools
            from sqlalchemy import Column, String
            from sqlalchemy.ext.declarative import declared_attr
            def secret(length):
                @declared_attr
                def secret(cls):
                    return Column(String(length))
                return secret
            api_secret = functools.partial(secret, 64)
            """),
         "app/m.py": src("""\
            from app import utils
            class Client(Base):
                __tablename__ = "clients"
                id = Column(Integer, primary_key=True)
                secret = utils.api_secret()
            """)},
        None,
        [("app/m.py", 10, r"^Client.secret: cannot resolve utils.api_secret\(\.\.\.\) \(a "
          r"functools.partial of secret\(\) in app/utils.py\), .*define it outside the mapped "
          r"class$")],
        id="a functools.partial of a factory whose declared_attr returns a Column blocks, and "
           "no entry saying every partial builds none is offered",
    ),
    pytest.param(
        {"db.py": "from sqlalchemy.orm import relationship\n",
         "app/utils.py": textwrap.dedent("""\
            from sqlalchemy.ext.declarative import declared_attr
            def related(related_model):
                @declared_attr
                def related(cls):
                    return db.relationship(related_model)
                return related
            """),
         "app/m.py": src("""\
            from app import utils
            class Filing(Base):
                __tablename__ = "filings"
                id = Column(Integer, primary_key=True)
                committee = utils.related("Committee")
            """)},
        None,
        [("app/m.py", 10, r"^Filing.committee: cannot resolve utils.related\(\.\.\.\)")],
        id="a factory's declared_attr calling db.relationship with db bound nowhere blocks, "
           "though a top-level db.py binds a relationship",
    ),
]


@pytest.mark.parametrize(("files", "naming", "expected"), ERROR_CASES)
def test_errors(
    files: dict[str, str], naming: TableNaming | None, expected: list[tuple[str, int, str]]
) -> None:
    assert_errors(scan(files, naming), expected)


def assert_errors(inventory: Inventory, expected: list[tuple[str, int, str]]) -> None:
    """The errors are at these places, in this order, each message matching its pattern."""
    assert [(e.path, e.line) for e in inventory.errors] == [(p, n) for p, n, _ in expected]
    for error, (_, _, pattern) in zip(inventory.errors, expected, strict=True):
        assert re.search(pattern, error.message), error.message


# Classes mapped at run time, in a function or a method: onto a Table(...) written out (read
# like a module-level one), onto a query (no table), or onto a table the reader cannot see
LAYER = """\
from abc import ABC, ABCMeta
from sqlalchemy import Table
from sqlalchemy.orm import registry
mappers = registry()
class ModelMeta(ABCMeta):
    def process_schema(cls):
        table = Table(cls.table_name, mappers.metadata)
        for column in cls.make_columns():
            table.append_column(column)
        cls.db_table = table
        mappers.map_imperatively(cls.db_mapping, cls.db_table)
class Model(ABC, metaclass=ModelMeta):
    pass
class Helper:
    pass
"""

RUNTIME_MAPPING_CASES = [
    pytest.param(
        {"app/base.py": LAYER, "app/models/session.py": textwrap.dedent("""\
            from sqlalchemy import String
            from app.base import Helper, Model
            class Session(Model):
                @classmethod
                def _schema(cls):
                    cls._persist_as("sessions")
                    cls._field("token", String(64))
            class Cache(Helper):
                pass
            """)},
        [("app/models/session.py", 3,
          r"^class Session derives from classes whose code maps classes at run time onto a "
          r"table masking-reviewer cannot read \(mappers\.map_imperatively\(\.\.\.\) onto "
          r"cls\.db_table at app/base\.py:11\), so if it is a model, its columns would pass "
          r"unchecked; declare the model as a declarative class")],
        id="a model layer whose metaclass maps each class onto a table it builds (keylime)",
    ),
    pytest.param(
        {"app/models/m.py": src("""\
            from sqlalchemy.orm import registry
            mappers = registry()
            class Server:
                pass
            def setup(table):
                mappers.map_imperatively(Server, table)
            """)},
        [("app/models/m.py", 11,
          r"^mappers\.map_imperatively\(\.\.\.\) maps a class onto table, a table built at "
          r"run time that masking-reviewer cannot read")],
        id="a function mapping a class onto a table it is given blocks at the call",
    ),
    pytest.param(
        {"app/models/m.py": src("""\
            from sqlalchemy.orm import registry
            mappers = registry()
            def setup(spec, options):
                mappers.map_imperatively(*spec)
                mappers.map_imperatively(Base, **options)
            """)},
        [("app/models/m.py", 9,
          r"^mappers\.map_imperatively\(\.\.\.\) maps a class onto \*spec, a table built at "
          r"run time"),
         ("app/models/m.py", 10,
          r"^mappers\.map_imperatively\(\.\.\.\) maps a class onto \*\*options, a table")],
        id="arguments unpacked where the table would be block at the call",
    ),
    pytest.param(
        {"app/models/m.py": src("""\
            from dataclasses import dataclass
            from sqlalchemy import func, select
            from sqlalchemy.orm import registry
            def rollup(session):
                totals = select(func.sum(1).label("n")).subquery()
                @dataclass
                class Rollup:
                    n: int
                registry().map_imperatively(Rollup, totals, primary_key=[totals.c.n])
            """), "app/models/cfg.py": textwrap.dedent("""\
            from app.models.mapping import mapper, schema
            def load(settings):
                schema().mapper(dict, settings)
                return mapper(dict, settings)
            """), "app/models/mapping.py": "def mapper(kind, values):\n    return kind(values)\n"
                                      "def schema():\n    return None\n"},
        [],
        id="a dataclass mapped onto a subquery (sbc-pay), mappers that are not SQLAlchemy's",
    ),
]


@pytest.mark.parametrize(("files", "expected"), RUNTIME_MAPPING_CASES)
def test_classes_mapped_at_run_time_onto_unreadable_tables_block(
    files: dict[str, str], expected: list[tuple[str, int, str]]
) -> None:
    assert_errors(scan(files, models=("app/models/*.py",)), expected)


def test_a_table_a_function_writes_out_to_map_a_class_onto_is_read() -> None:
    inventory = scan({"app/m.py": src("""\
        from sqlalchemy import MetaData
        from sqlalchemy.orm import registry
        mappers = registry()
        class Server:
            pass
        def setup(options):
            meta = MetaData()
            servers = Table("servers", meta, Column("id", Integer, primary_key=True),
                            Column("password", String(64), info={"v": ColumnVisibility.PRIVATE}))
            mappers.map_imperatively(Server, servers, **options)
            mappers.map_imperatively(Server, local_table=servers)
        """)})
    assert inventory.errors == ()
    assert [(c.table, c.column, c.line, c.labels) for c in inventory.columns] == [
        ("servers", "id", 13, ()),
        ("servers", "password", 14, ("ColumnVisibility.PRIVATE",)),
    ]


def test_one_bad_file_does_not_stop_the_others() -> None:
    inventory = scan({
        "app/a.py": src("class A(Base):\n    __tablename__ = 'a'\n    x = (\n"),
        "app/b.py": src("class B(Base):\n    __tablename__ = 'b'\n    id = Column(Integer)\n"),
    })
    assert [(e.path, e.line) for e in inventory.errors] == [("app/a.py", 8)]
    assert [c.key for c in inventory.columns] == [("b", "id")]
    assert inventory.files == ("app/a.py", "app/b.py")


def test_paths_restrict_the_scan_and_missing_paths_are_errors() -> None:
    files = {
        "app/a.py": src("class A(Base):\n    __tablename__ = 'a'\n    id = Column(Integer)\n"),
        "app/b.py": src("class B(Base):\n    __tablename__ = 'b'\n    id = Column(Integer)\n"),
    }
    tree = MemoryTree({"app/vis.py": VIS, **files})
    inventory = build_inventory(tree, Config(root="/r"), use_cache=False,
                                paths=["app/b.py", "app/gone.py"])
    assert [c.key for c in inventory.columns] == [("b", "id")]
    assert inventory.errors == (ScanError("app/gone.py", 1, "not found in memory"),)
    assert inventory.files == ("app/b.py",)


def test_pragma_exemptions() -> None:
    inventory = scan({
        "app/m.py": src("""\
            from app.mixins import Audit
            class User(Base, Audit):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
                password_hash: Mapped[str] = mapped_column(
                    String(60),  # masking: exempt -- bcrypt, cost 12
                    info={"v": ColumnVisibility.PRIVATE},
                )
                pin: Mapped[str] = mapped_column(doc=ColumnVisibility.PRIVATE)  # masking: exempt
            # masking: exempt -- left behind after a column was deleted
            """),
        "app/mixins.py": textwrap.dedent("""\
            from sqlalchemy.orm import Mapped, mapped_column
            class Audit:
                ip: Mapped[str]  # masking: exempt -- office NAT address only
            """),
    })
    by_key = inventory.by_key()
    assert by_key[("users", "password_hash")].exemption == Exemption(
        "users", "password_hash", "bcrypt, cost 12", "app/m.py", 11, "pragma")
    assert by_key[("users", "pin")].exemption == Exemption(
        "users", "pin", "", "app/m.py", 14, "pragma")
    assert by_key[("users", "ip")].exemption == Exemption(
        "users", "ip", "office NAT address only", "app/mixins.py", 3, "pragma")
    assert inventory.exemptions == (
        Exemption("users", "password_hash", "bcrypt, cost 12", "app/m.py", 11, "pragma"),
        Exemption("users", "pin", "", "app/m.py", 14, "pragma"),
        Exemption("", "", "left behind after a column was deleted", "app/m.py", 15, "pragma"),
        Exemption("users", "ip", "office NAT address only", "app/mixins.py", 3, "pragma"),
    )


def test_column_details() -> None:
    inventory = scan({"app/m.py": src("""\
        class Key(Base):
            __tablename__ = "keys"
            id = Column(Integer, primary_key=True)
            user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
            prefix: Mapped[str] = mapped_column(String(12), unique=True)
            secret = Column(Text, nullable=False)
            status = Column(Enum("offen", "geschloß", name="état"), comment="Zustand")
            body = Column(
                "body_text", Text(
                    length=4000),
            )
        """)})
    assert [(c.column, c.type, c.nullable, c.unique, c.primary_key)
            for c in inventory.columns] == [
        ("id", "Integer", False, False, True),
        ("user_id", "int", False, False, False),
        ("prefix", "String(12)", False, True, False),
        ("secret", "Text", False, False, False),
        # type text is sliced by the ast's UTF-8 byte offsets: non-ASCII lines must not shift it
        ("status", 'Enum("offen", "geschloß", name="état")', True, False, False),
        ("body_text", "Text(\n            length=4000)", True, False, False),
    ]
    assert inventory.mapped_classes == 1


def test_column_evidence_for_the_classifier() -> None:
    inventory = scan({"app/m.py": src("""\
        class LoginCode(Base):
            __tablename__ = "login_codes"
            id = Column(Integer, primary_key=True)
            user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
            # six digits, e-mailed to the user
            # (valid for ten minutes)
            code = Column(String(6), doc="sent by mail")  # see "mailer.py" for #format
            digest = mapped_column(String(64), comment="sha256", unique=True)  # noqa: E501
            note = Column(Text)  # masking: exempt -- public

        notes = Table(
            "notes", Base.metadata,
            Column("author_id", Integer, ForeignKey("users.id")),  # who wrote it
        )
        """)})
    assert [(c.column, c.index, c.foreign_key, c.doc, c.comment)
            for c in inventory.columns] == [
        ("id", False, None, None, None),
        ("user_id", True, "users.id", None, None),
        ("code", False, None, "sent by mail",
         'six digits, e-mailed to the user (valid for ten minutes) see "mailer.py" for #format'),
        # tool directives (noqa, the exemption pragma) are not prose about the column
        ("digest", False, None, "sha256", None),
        ("note", False, None, None, None),
        ("author_id", False, "users.id", None, "who wrote it"),
    ]


@pytest.mark.parametrize(
    ("files", "models", "expected"),
    [
        pytest.param(
            {"app/models.py": "import sqlalchemy\n", "app/util.py": "import os\n",
             "app/doc.py": "# we moved off sqlalchemy in 2020\n",
             "app/s.py": "x = 'from sqlalchemy import Column'\n",
             "tests/test_models.py": "import sqlalchemy\n", "app/test_x.py": "import sqlalchemy\n",
             "app/x_test.py": "import sqlalchemy\n", "conftest.py": "import sqlalchemy\n",
             "app/legacy.py": "from flask_sqlalchemy import SQLAlchemy\n",
             "app/broken.py": "from sqlalchemy import (\n", "README.md": "import sqlalchemy\n",
             "venv/pyvenv.cfg": "", "venv/lib/x.py": "import sqlalchemy\n",
             "lib/site-packages/y.py": "import sqlalchemy\n"},
            None,
            ["app/broken.py", "app/legacy.py", "app/models.py"],
            id="default: non-test, non-vendored files that import sqlalchemy; unparsable ones kept",
        ),
        pytest.param(
            {"app/ext.py": "from flask_sqlalchemy import SQLAlchemy\ndb = SQLAlchemy()\n",
             "app/reports.py": "from app.ext import db\nclass R(db.Model):\n"
                               "    id = db.Column(db.Integer, primary_key=True)\n",
             "app/forms.py": "class Form:\n    Column = 1\n"},
            None,
            ["app/ext.py", "app/reports.py"],
            id="default: models that reach SQLAlchemy only through a sibling module's db",
        ),
        pytest.param(
            {"lvfs/firmware/models.py": "from sqlalchemy import Column\n"
                                        "from lvfs.tests.models import Test\n",
             "lvfs/tests/models.py": "from sqlalchemy import Column\nfrom lvfs import db\n",
             "lvfs/tests/utils.py": "from sqlalchemy import func\n",
             "lvfs/vendors/models.py": "import sqlalchemy\nfrom ..tests import shared\n",
             "lvfs/tests/shared.py": "from sqlalchemy import Column\n",
             "lvfs/tests/routes_test.py": "from sqlalchemy import Column\n",
             "lvfs/vendors/routes.py": "from lvfs.tests.routes_test import helper\n",
             "lvfs/tests/__init__.py": ""},
            None,
            ["lvfs/firmware/models.py", "lvfs/tests/models.py", "lvfs/tests/shared.py",
             "lvfs/vendors/models.py"],
            id="default: a tests/ module the models import is application code (lvfs); "
               "test modules by name stay out",
        ),
        pytest.param(
            {"app/models.py": "", "app/a/b/models.py": "", "app/a/other.py": "",
             "lib/models.py": ""},
            ("app/**/models.py",),
            ["app/a/b/models.py", "app/models.py"],
            id="models globs support **",
        ),
    ],
)
def test_select_model_files(
    files: dict[str, str], models: tuple[str, ...] | None, expected: list[str]
) -> None:
    assert select_model_files(MemoryTree(files), Config(root="/r", models=models)) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        pytest.param("User", "user", id="one word"),
        pytest.param("NetSuiteConnection", "net_suite_connection", id="camel case"),
        pytest.param("HTTPRequestLog", "http_request_log", id="leading acronym"),
        pytest.param("OAuth2Token", "o_auth2_token", id="digits stay with their word"),
    ],
)
def test_to_snake_case(name: str, expected: str) -> None:
    assert to_snake_case(name) == expected


# ------------------------------------------------------------------------------- cache

CACHE_FILES = {
    "app/m.py": src("""\
        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            token: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
        """),
}


def _cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache: Path,
            labels: tuple[str, ...] = (MASK, PRIV), use_cache: bool = True) -> Inventory:
    monkeypatch.setenv("MASKING_REVIEWER_CACHE_DIR", str(cache))
    tree = MemoryTree({"app/vis.py": VIS, **CACHE_FILES})
    return build_inventory(tree, Config(root=str(tmp_path), labels=labels), use_cache=use_cache)


def test_cache_is_json_and_a_warm_run_equals_a_cold_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cold = _cached(tmp_path, monkeypatch, cache)
    entries = sorted((cache / "scan").rglob("*.json"))
    # the model file, and vis.py: its `class ColumnVisibility` earns it a look as a maybe-model
    assert len(entries) == 2
    assert len(list((cache / "inventory").rglob("*.json"))) == 1
    assert json.loads(entries[0].read_text())["schema"] == CACHE_SCHEMA
    assert _cached(tmp_path, monkeypatch, cache) == cold
    # labels are part of the key: a config change is never answered from a stale entry
    only_masked = _cached(tmp_path, monkeypatch, cache, labels=(MASK,))
    assert only_masked.by_key()[("users", "token")].labels == ()


def test_corrupt_cache_entry_is_a_miss(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    cold = _cached(tmp_path, monkeypatch, cache)
    for entry in cache.rglob("*.json"):
        entry.write_text('{"schema": ' + str(CACHE_SCHEMA) + ', "key": "x", "facts": [1, 2]}')
    assert _cached(tmp_path, monkeypatch, cache) == cold


def test_unwritable_cache_is_skipped_silently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    inventory = _cached(tmp_path, monkeypatch, blocker / "cache")
    assert inventory.errors == ()
    assert [c.key for c in inventory.columns] == [("users", "id"), ("users", "token")]


def test_use_cache_false_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    _cached(tmp_path, monkeypatch, cache, use_cache=False)
    assert not cache.exists()


def test_parallel_scan_equals_sequential() -> None:
    files = {
        f"app/m{i:02}.py": src(f"""\
            class T{i}(Base):
                __tablename__ = "t{i}"
                id = Column(Integer, primary_key=True)
                secret = Column(Text, info={{"v": ColumnVisibility.PRIVATE}})
            """)
        for i in range(45)
    }
    tree = MemoryTree({"app/vis.py": VIS, **files})
    config = Config(root="/r")
    parallel = build_inventory(tree, config, use_cache=False, jobs=2)
    assert parallel == build_inventory(tree, config, use_cache=False, jobs=1)
    assert len(parallel.columns) == 90


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        pytest.param({"MASKING_REVIEWER_CACHE_DIR": "/c/explicit", "XDG_CACHE_HOME": "/c/xdg"},
                     "/c/explicit", id="explicit directory wins"),
        pytest.param({"XDG_CACHE_HOME": "/c/xdg"}, "/c/xdg/masking-reviewer",
                     id="XDG cache home"),
        pytest.param({}, "/home/dev/.cache/masking-reviewer", id="home directory fallback"),
    ],
)
def test_cache_dir(env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("MASKING_REVIEWER_CACHE_DIR", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", "/home/dev")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert cache_dir() == Path(expected)


def test_mixins_outside_the_model_globs_are_followed() -> None:
    # The joined subclass re-uses no parent column but gains its own mixin; the parent's mixin
    # stays in the parent's table, as SQLAlchemy does it.
    inventory = scan(
        {
            "app/models/conn.py": src("""\
                from app.common.mixins import Stamped, Secretive
                class Conn(Stamped, Base):
                    __tablename__ = "conns"
                    id: Mapped[int] = mapped_column(primary_key=True)
                class Sftp(Secretive, Conn):
                    __tablename__ = "sftp"
                    id: Mapped[int] = mapped_column(ForeignKey("conns.id"), primary_key=True)
                """),
            "app/common/mixins.py": textwrap.dedent("""\
                import datetime
                from sqlalchemy.orm import Mapped, mapped_column
                from app.vis import ColumnVisibility
                class Stamped:
                    at: Mapped[datetime.datetime]
                class Secretive:
                    secret: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
                """),
        },
        models=("app/models/*.py",),
    )
    assert inventory.errors == ()
    assert inventory.files == ("app/models/conn.py",)
    assert [row(c) for c in inventory.columns] == [
        Row("conns", "at", "Conn", "at", 5, (), False, "app/common/mixins.py", "Stamped"),
        Row("sftp", "secret", "Sftp", "secret", 7, (PRIV,), False, "app/common/mixins.py",
            "Secretive"),
        Row("conns", "id", "Conn", "id", 9, (), False, "app/models/conn.py"),
        Row("sftp", "id", "Sftp", "id", 12, (), False, "app/models/conn.py"),
    ]
    assert inventory.mapped_classes == 2


def test_line_numbers_survive_crlf_bom_and_form_feeds() -> None:
    text = "\ufeff" + src("""\
        \f
        class User(Base):  # after a ^L page break, as Emacs users write
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            pin = Column(Text, info={"v": ColumnVisibility.PRIVATE})  # masking: exempt -- test
        """).replace("\n", "\r\n")
    inventory = scan({"app/m.py": text})
    assert [(c.column, c.line, c.labels) for c in inventory.columns] == [
        ("id", 9, ()), ("pin", 10, (PRIV,)),
    ]
    pin = inventory.by_key()[("users", "pin")]
    assert pin.exemption is not None and pin.exemption.line == 10


def test_monorepo_twin_packages_resolve_to_the_nearest_copy() -> None:
    mixin = (
        "from sqlalchemy.orm import Mapped, mapped_column\n"
        "from vis import ColumnVisibility\n"
        "class Audit:\n"
        "    by: Mapped[str] = mapped_column({})\n"
    )
    app = (
        "from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column\n"
        "from shop.mixins import Audit\n"
        "class Base(DeclarativeBase):\n    pass\n"
        "class Order(Audit, Base):\n"
        "    __tablename__ = 'orders'\n"
        "    id: Mapped[int] = mapped_column(primary_key=True)\n"
    )
    inventory = scan({
        "services/a/shop/mixins.py": mixin.format('info={"v": ColumnVisibility.PRIVATE}'),
        "services/a/shop/models.py": app,
        "services/b/shop/mixins.py": mixin.format(""),
        "services/b/shop/models.py": app.replace("orders", "orders_b"),
    })
    assert [(c.table, c.column, c.path, c.labels) for c in inventory.columns
            if c.column == "by"] == [
        ("orders", "by", "services/a/shop/mixins.py", (PRIV,)),
        ("orders_b", "by", "services/b/shop/mixins.py", ()),
    ]

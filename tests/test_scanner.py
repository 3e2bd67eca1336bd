"""The static inventory, construct by construct, on small in-memory repositories."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Column, Config, Inventory, TableNaming

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
            """)},
        None,
        [Row("users", "id", "User", "id", 9, nullable=False),
         Row("users", "born", "User", "born", 10),
         Row("users", "seen", "User", "seen", 11),
         Row("users", "kind", "User", "kind", 12, nullable=False)],
        id="annotation-only Mapped attributes, Optional and string annotations",
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
        {"app/m.py": textwrap.dedent("""\
            from sqlalchemy import String
            from sqlalchemy.orm import DeclarativeBase, Mapped
            from app.fake import mapped_column
            class Base(DeclarativeBase):
                pass
            class Doc(Base):
                __tablename__ = "docs"
                id: Mapped[int]
                title = mapped_column(String(10))
            """), "app/fake.py": "def mapped_column(*a):\n    return a\n"},
        None,
        [Row("docs", "id", "Doc", "id", 8, nullable=False)],
        id="a local function called mapped_column is not SQLAlchemy's",
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
            from sqlalchemy.orm import declared_attr
            class Tenant(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return cls.__name__.lower()
                id: Mapped[int] = mapped_column(primary_key=True)
            class InvoiceLine(Tenant):
                memo: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
            """)},
        "snake_case",
        [Row("invoice_line", "id", "InvoiceLine", "id", 12, nullable=False, declared_in="Tenant"),
         Row("invoice_line", "memo", "InvoiceLine", "memo", 14, (MASK,), nullable=False)],
        id="abstract base with declared_attr __tablename__ uses table-naming snake_case",
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
            """),
         "app/consts.py": textwrap.dedent("""\
            from app.vis import ColumnVisibility
            SECRET = {"visibility": ColumnVisibility.PRIVATE}
            MASKED_INFO = dict(visibility=ColumnVisibility.MASKED)
            """)},
        None,
        [Row("users", "id", "User", "id", 11, nullable=False),
         Row("users", "a", "User", "a", 12, (PRIV,), nullable=False),
         Row("users", "b", "User", "b", 13, (PRIV,), nullable=False),
         Row("users", "c", "User", "c", 14, (MASK,), nullable=False),
         Row("users", "d", "User", "d", 15, nullable=False),
         Row("users", "e", "User", "e", 17, (MASK,), nullable=False)],
        id="labels through module constants, local and imported; strings and comments never count",
    ),
]


@pytest.mark.parametrize(("files", "naming", "expected"), CASES)
def test_columns(files: dict[str, str], naming: TableNaming | None, expected: list[Row]) -> None:
    inventory = scan(files, naming)
    assert inventory.errors == ()
    assert [row(c) for c in inventory.columns] == expected

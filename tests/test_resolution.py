"""What the resolver follows across modules, construct by construct: bases through aliases and
instances, re-exports, names computed from constants, and the safety net for what it cannot
classify. Each construct has a case read correctly (CASES, also imported for real by
test_inventory_differential) and a broken variant that blocks with a message naming the fix
(ERROR_CASES)."""

from __future__ import annotations

import re
import textwrap

import pytest

from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Config, ExternalClass, TableNaming
from tests.test_scanner import MASK, PRIV, VIS, Row, assert_errors, row, scan, src

D = textwrap.dedent
FSA = "from flask_sqlalchemy import SQLAlchemy\n"
V = "from app.vis import ColumnVisibility\n"
# the models of an application whose class binds its Flask-SQLAlchemy on self (skylines of 2013)
APP_DB_MODELS = V + D("""\
    from app.application import db
    class User(db.Model):
        __tablename__ = "users"
        id = db.Column(db.Integer, primary_key=True)
        password = db.Column(db.String(128), info={"v": ColumnVisibility.PRIVATE})
    """)

# MLRun's models: make_label(table) defines and returns class Label, its table and foreign key
# named from the parameter; each mapped class's body calls it (lines 19, 23)
_FACTORY = """\
from sqlalchemy import UniqueConstraint
def make_label(table):
    class Label(Base):
        __tablename__ = f"{table}_labels"
        __table_args__ = (UniqueConstraint("name", "parent", name=f"_{table}_labels_uc"),)
        id = Column(Integer, primary_key=True)
        name = Column(String(255))
        value = Column(String(255), info={"v": ColumnVisibility.PRIVATE})
        parent = Column(Integer, ForeignKey(f"{table}.id"))
    return Label
class Run(Base):
    __tablename__ = "runs"
    id = Column(Integer, primary_key=True)
    Label = make_label(__tablename__)
class Project(Base):
    __tablename__ = "projects"
    id = Column(Integer, primary_key=True)
    Label = make_label("projects")
"""
_FACTORY_CLASS = (r"^class Label: it is the class make_label\(\) \(app/m\.py:7\) returns, but the "
                  r"class reads the parameter 'table' where it shapes the table or its columns, "
                  r"so each call may map something different")

# funnel's FrozenAttributionMixin: the declared_attr decorator called on a classmethod, whose
# name the body then deletes (line 12)
_DECLARED_ATTR_CALL = """\
from sqlalchemy.orm import declared_attr, declarative_mixin
@declarative_mixin
class FrozenMixin:
    @classmethod
    def __title(cls):
        return mapped_column("title", String, nullable=True)
    _title = declared_attr(__title)
    del __title
class Membership(FrozenMixin, Base):
    __tablename__ = "memberships"
    id = Column(Integer, primary_key=True)
"""

CASES = [
    # ------------------------------------------------------------------ bases
    pytest.param(
        # CodeGra.de: cg_sqlalchemy_helpers' __init__ imports its own submodule `mixins` and
        # makes the db through typing.cast; the models name both through the package
        {"cg/__init__.py": D("""\
            import typing as t
            from flask_sqlalchemy import SQLAlchemy
            from . import mixins
            def make_db():
                return t.cast("MyDb", SQLAlchemy(session_options={"autoflush": False}))
            """),
         "cg/mixins.py": D("""\
            from sqlalchemy import Column, DateTime, Integer
            class IdMixin:
                id = Column(Integer, primary_key=True)
            class TimestampMixin:
                created_at = Column(DateTime)
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, String
            import cg
            from cg import mixins
            db = cg.make_db()
            Base = db.Model
            class Runner(Base, mixins.TimestampMixin, mixins.IdMixin):
                __tablename__ = "runner"
                secret = Column(String(64), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("runner", "id", "Runner", "id", 3, nullable=False, path="cg/mixins.py",
             declared_in="IdMixin"),
         Row("runner", "created_at", "Runner", "created_at", 5, path="cg/mixins.py",
             declared_in="TimestampMixin"),
         Row("runner", "secret", "Runner", "secret", 9, (PRIV,))],
        id="a package's __init__ importing its own submodule binds it, and a db made "
           "through typing.cast is the one it casts (CodeGra.de)",
    ),
    pytest.param(
        # Deepchecks Monitoring: both model bases are module-level typing.casts of
        # declarative_base(cls=...), one of them annotated
        {"app/base.py": D("""\
            import typing as t
            from sqlalchemy.orm import declarative_base
            class BaseClass:
                @classmethod
                def where(cls, **kwargs):
                    return kwargs
            Base = t.cast(t.Any, declarative_base(cls=BaseClass))
            """),
         "app/public.py": D("""\
            import typing
            from sqlalchemy import MetaData
            from sqlalchemy.orm import declarative_base
            from app.base import BaseClass
            PublicBase: typing.Any = typing.cast(
                typing.Any, declarative_base(cls=BaseClass, metadata=MetaData()))
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app.base import Base
            from app.public import PublicBase
            class SlackInstallation(Base):
                __tablename__ = "slack_installations"
                id = Column(Integer, primary_key=True)
                access_token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class User(PublicBase):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                api_secret_hash = Column(String)
            """)},
        None,
        [Row("slack_installations", "access_token", "SlackInstallation", "access_token", 8,
             (PRIV,)),
         Row("slack_installations", "id", "SlackInstallation", "id", 7, nullable=False),
         Row("users", "api_secret_hash", "User", "api_secret_hash", 12),
         Row("users", "id", "User", "id", 11, nullable=False)],
        id="a model base bound to typing.cast(T, declarative_base(...)) is the base it casts "
           "(Deepchecks Monitoring)",
    ),
    pytest.param(
        # CodeGra.de's Permission.__name, hidden behind a property; Python mangles the name
        {"app/m.py": src("""\
            class Permission(Base):
                __tablename__ = "permission"
                id = Column(Integer, primary_key=True)
                __name = Column("name", String, info={"v": ColumnVisibility.MASKED})
                __code = Column(String)
            """)},
        None,
        [Row("permission", "id", "Permission", "id", 8, nullable=False),
         Row("permission", "name", "Permission", "_Permission__name", 9, (MASK,)),
         Row("permission", "_Permission__code", "Permission", "_Permission__code", 10)],
        id="a private attribute is a column under its mangled name (CodeGra.de's "
           "Permission.__name)",
    ),
    pytest.param(
        # CodeGra.de's Work body: `comment = db.Column(...)`, then a stray statement that
        # builds another column and keeps nothing
        {"app/m.py": src("""\
            from sqlalchemy import orm
            class Work(Base):
                __tablename__ = "work"
                id = Column(Integer, primary_key=True)
                comment = Column(String, info={"v": ColumnVisibility.PRIVATE})
                orm.deferred(Column("comment", String, default=None))
                Column("ghost", String)
            """)},
        None,
        [Row("work", "id", "Work", "id", 9, nullable=False),
         Row("work", "comment", "Work", "comment", 10, (PRIV,))],
        id="a statement that builds a column and keeps nothing adds none (CodeGra.de's Work)",
    ),
    pytest.param(
        {"app/db.py": FSA + "db = SQLAlchemy()\nBaseModel = db.Model\n",
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app.db import BaseModel
            class User(BaseModel):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                email = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("users", "id", "User", "id", 6, nullable=False),
         Row("users", "email", "User", "email", 7, (PRIV,))],
        id="base through an alias: BaseModel = db.Model",
    ),
    pytest.param(
        # flowintel: the package app/ holds `db`; app.py beside it starts the server. Python's
        # finder takes the package, for a relative import and an absolute one alike
        {"app.py": "from app import create_app\napp = create_app()\n",
         "app/__init__.py": FSA + "db = SQLAlchemy()\ndef create_app():\n    return None\n",
         "app/db_class/__init__.py": "",
         "app/db_class/db.py": V + D("""\
            from .. import db
            class User(db.Model):
                __tablename__ = "user"
                id = db.Column(db.Integer, primary_key=True)
                api_key = db.Column(db.String(60), info={"v": ColumnVisibility.PRIVATE})
            """),
         "app/notes.py": V + D("""\
            from app import db
            class Note(db.Model):
                __tablename__ = "note"
                id = db.Column(db.Integer, primary_key=True)
            """)},
        None,
        [Row("user", "id", "User", "id", 5, nullable=False, path="app/db_class/db.py"),
         Row("user", "api_key", "User", "api_key", 6, (PRIV,), path="app/db_class/db.py"),
         Row("note", "id", "Note", "id", 5, nullable=False, path="app/notes.py")],
        id="a package beats a module of the same name beside it (flowintel's app/ and app.py)",
    ),
    pytest.param(
        # yubiauth's AttributeHolder: a declared_attr returning the class's name in lower case
        # names a backref; SQLAlchemy sets the string on the class, no column
        {"app/db.py": "from sqlalchemy.orm import declarative_base\nBase = declarative_base()\n",
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.ext.declarative import declared_attr
            from app.db import Base
            class AttributeHolder:
                @declared_attr
                def _discriminator(cls):
                    return cls.__name__.lower()
            class User(AttributeHolder, Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                auth = Column(String(128), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("users", "id", "User", "id", 11, nullable=False),
         Row("users", "auth", "User", "auth", 12, (PRIV,))],
        id="a declared_attr returning a string maps no column (yubiauth: cls.__name__.lower())",
    ),
    pytest.param(
        # doorman's database.py re-exports what models.py imports from it, and binds
        # `relationship = relationship`, a name to itself: still SQLAlchemy's, no column
        {"app/db.py": D("""\
            from sqlalchemy import Column
            from sqlalchemy.orm import declarative_base, relationship
            Base = declarative_base()
            Column = Column
            relationship = relationship
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import ForeignKey, Integer, String
            from app.db import Base, Column, relationship
            class Node(Base):
                __tablename__ = "node"
                id = Column(Integer, primary_key=True)
                node_key = Column(String, info={"v": ColumnVisibility.PRIVATE})
                logs = relationship("ResultLog")
            """)},
        None,
        [Row("node", "id", "Node", "id", 6, nullable=False),
         Row("node", "node_key", "Node", "node_key", 7, (PRIV,))],
        id="a name bound to itself stays what it was: relationship = relationship",
    ),
    pytest.param(
        # eNMS wraps SQLAlchemy in its own Database class: __init__ binds self.base to a
        # declarative base, a method binds self.Column to an inner function that hands its
        # arguments on to Column, and the models derive from db.base of `db = Database()`
        {"app/database.py": D("""\
            from sqlalchemy import Column, String, Text
            from sqlalchemy.orm import DeclarativeMeta, declarative_base
            class Database:
                def __init__(self):
                    self.configure_columns()
                    self.base = declarative_base(metaclass=self.create_metabase())
                def create_metabase(self):
                    class SubDeclarativeMeta(DeclarativeMeta):
                        pass
                    return SubDeclarativeMeta
                def configure_columns(self):
                    self.SmallString = String(255)
                    self.LargeString = Text
                    def init_column(column_type, *args, **kwargs):
                        if "default" not in kwargs:
                            kwargs["default"] = ""
                        return Column(column_type, *args, **kwargs)
                    self.Column = init_column
            db = Database()
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Integer
            from app.database import db
            class AbstractBase(db.base):
                __abstract__ = True
            class Credential(AbstractBase):
                __tablename__ = type = class_type = "credential"
                id = db.Column(Integer, primary_key=True)
                password = db.Column(db.SmallString, info={"v": ColumnVisibility.PRIVATE})
                private_key = db.Column(db.LargeString)
            """)},
        None,
        [Row("credential", "id", "Credential", "id", 8, nullable=False),
         Row("credential", "password", "Credential", "password", 9, (PRIV,)),
         Row("credential", "private_key", "Credential", "private_key", 10)],
        id="a base and a column constructor an instance's methods bind on self: db.base, "
           "db.Column of db = Database() (eNMS); a chained __tablename__",
    ),
    pytest.param(
        # skylines of 2013: the Flask application class binds its Flask-SQLAlchemy on self,
        # from an import of the method's own, and the models use `db = app.db`
        {"app/application.py": D("""\
            from flask import Flask
            class Site(Flask):
                def __init__(self):
                    super().__init__(__name__)
                    self.config["SQLALCHEMY_DATABASE_URI"] = "sqlite://"
                    self.add_sqlalchemy()
                def add_sqlalchemy(self):
                    from flask_sqlalchemy import SQLAlchemy
                    self.db = SQLAlchemy(self)
            app = Site()
            db = app.db
            """),
         "app/m.py": APP_DB_MODELS},
        None,
        [Row("users", "id", "User", "id", 5, nullable=False),
         Row("users", "password", "User", "password", 6, (PRIV,))],
        id="a Flask application class's own method binds db on self (skylines of 2013)",
    ),
    pytest.param(
        {"app/db.py": FSA + D("""\
            from flask_sqlalchemy.model import DefaultMeta
            db = SQLAlchemy()
            BaseModel: DefaultMeta = db.Model
            """),
         "app/m.py": V + D("""\
            from app.db import BaseModel, db
            class User(BaseModel):
                __tablename__ = "users"
                id = db.Column(db.Integer, primary_key=True)
                email = db.Column(db.String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("users", "id", "User", "id", 5, nullable=False),
         Row("users", "email", "User", "email", 6, (PRIV,))],
        id="base through an annotated alias: BaseModel: DefaultMeta = db.Model",
    ),
    pytest.param(
        {"app/__init__.py": FSA + "db_sql = SQLAlchemy()\n",
         "app/m.py": V + D("""\
            from . import db_sql
            class Users(db_sql.Model):
                __tablename__ = "users"
                Column = db_sql.Column
                String = db_sql.String
                Integer = db_sql.Integer
                id = Column(Integer, primary_key=True, autoincrement=False)
                access_token = Column(String(), info={"v": ColumnVisibility.PRIVATE})
                class Meta:
                    Column = None
                Column = db_sql.deferred
                avatar = Column(db_sql.Column(String()))
            """)},
        None,
        [Row("users", "id", "Users", "id", 8, nullable=False),
         Row("users", "access_token", "Users", "access_token", 9, (PRIV,)),
         Row("users", "avatar", "Users", "avatar", 13)],
        id="a class body's own alias of the column constructor: Column = db_sql.Column "
           "(heatflask), its later rebinding, a nested class's names kept apart",
    ),
    pytest.param(
        {"app/ext.py": D("""\
            import flask_sqlalchemy
            class AppSQLAlchemy(flask_sqlalchemy.SQLAlchemy):
                def init_app(self, app):
                    super().init_app(app)
            db = AppSQLAlchemy()
            """),
         "app/m.py": V + D("""\
            from app.ext import db
            class Account(db.Model):
                __tablename__ = "accounts"
                id = db.Column(db.Integer, primary_key=True)
                iban = db.Column(db.String(34), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("accounts", "id", "Account", "id", 5, nullable=False),
         Row("accounts", "iban", "Account", "iban", 6, (PRIV,))],
        id="db = AppSQLAlchemy() where the subclass of flask_sqlalchemy.SQLAlchemy is in the repo",
    ),
    pytest.param(
        {"app/base.py": V + D("""\
            from sqlalchemy import Column, Integer, MetaData, String
            from sqlalchemy.orm import declarative_base
            class ModelBase:
                id = Column(Integer, primary_key=True)
                created_by = Column(String, info={"v": ColumnVisibility.MASKED})
            metadata = MetaData()
            Model = declarative_base(cls=ModelBase, metadata=metadata)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app.base import Model
            class Note(Model):
                __tablename__ = "notes"
                body = Column(String)
            class Tag(Model):
                __tablename__ = "tags"
            """)},
        None,
        [Row("notes", "id", "Note", "id", 5, nullable=False, path="app/base.py",
             declared_in="ModelBase"),
         Row("tags", "id", "Tag", "id", 5, nullable=False, path="app/base.py",
             declared_in="ModelBase"),
         Row("notes", "created_by", "Note", "created_by", 6, (MASK,), path="app/base.py",
             declared_in="ModelBase"),
         Row("tags", "created_by", "Tag", "created_by", 6, (MASK,), path="app/base.py",
             declared_in="ModelBase"),
         Row("notes", "body", "Note", "body", 5)],
        id="declarative_base(cls=Mixin, metadata=...): the mixin's columns land in every table",
    ),
    pytest.param(
        {"app/db.py": D("""\
            import sqlalchemy
            from sqlalchemy.orm import declarative_base
            __all__ = ["ModelBase", "metadata"]
            class ModelBase:
                id = sqlalchemy.Column(sqlalchemy.Integer, primary_key=True)
            metadata = sqlalchemy.MetaData()
            ModelBase = declarative_base(cls=ModelBase, metadata=metadata)
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Text
            from app import db
            class Classifier(db.ModelBase):
                __tablename__ = "trove_classifiers"
                classifier = Column(Text, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("trove_classifiers", "id", "Classifier", "id", 5, nullable=False, path="app/db.py",
             declared_in="ModelBase"),
         Row("trove_classifiers", "classifier", "Classifier", "classifier", 6, (MASK,))],
        id="class ModelBase, then ModelBase = declarative_base(cls=ModelBase): the later binding",
    ),
    pytest.param(
        {"app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import as_declarative, declared_attr
            @as_declarative()
            class Base:
                @declared_attr
                def __tablename__(cls):
                    return cls.__name__.lower()
                id = Column(Integer, primary_key=True)
            class Customer(Base):
                phone = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("customer", "id", "Customer", "id", 9, nullable=False, declared_in="Base"),
         Row("customer", "phone", "Customer", "phone", 11, (PRIV,))],
        id="@as_declarative() base with a declared_attr __tablename__ and a base column",
    ),
    pytest.param(
        {"app/db/base.py": D("""\
            import typing
            from sqlalchemy import Column, Integer, MetaData
            from sqlalchemy.ext.declarative import as_declarative
            metadata = MetaData()
            class Base:
                id = Column(Integer, primary_key=True)
            if not typing.TYPE_CHECKING:
                Base = as_declarative(metadata=metadata)(Base)
            """),
         "app/db/admin.py": V + D("""\
            from sqlalchemy import Column, Unicode
            from .base import Base
            class Admin(Base):
                __tablename__ = "admins"
                authentication = Column(Unicode, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("admins", "id", "Admin", "id", 6, nullable=False, path="app/db/base.py",
             declared_in="Base"),
         Row("admins", "authentication", "Admin", "authentication", 6, (MASK,),
             path="app/db/admin.py")],
        id="Base = as_declarative(...)(Base) by hand, as the @ line does (cms)",
    ),
    pytest.param(
        {"app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import registry
            mapper_registry = registry()
            Base = mapper_registry.generate_base()
            class Card(Base):
                __tablename__ = "cards"
                id = Column(Integer, primary_key=True)
                pan = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("cards", "id", "Card", "id", 8, nullable=False),
         Row("cards", "pan", "Card", "pan", 9, (PRIV,))],
        id="registry().generate_base()",
    ),
    pytest.param(
        {"app/db.py": FSA + V + D("""\
            from sqlalchemy import Column, String
            class AuditedModel:
                changed_by = Column(String, info={"v": ColumnVisibility.MASKED})
            db = SQLAlchemy(model_class=AuditedModel)
            """),
         "app/m.py": D("""\
            from app.db import db
            class Invoice(db.Model):
                __tablename__ = "invoices"
                id = db.Column(db.Integer, primary_key=True)
            """)},
        None,
        [Row("invoices", "changed_by", "Invoice", "changed_by", 5, (MASK,), path="app/db.py",
             declared_in="AuditedModel"),
         Row("invoices", "id", "Invoice", "id", 4, nullable=False)],
        id="SQLAlchemy(model_class=Mixin): the model class's columns land in every table",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.ext.declarative import AbstractConcreteBase
            class Note(AbstractConcreteBase, Base):
                body: Mapped[str] = mapped_column(Text)
            class UserNote(Note):
                __tablename__ = "user_notes"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("user_notes", "body", "UserNote", "body", 8, nullable=False, declared_in="Note"),
         Row("user_notes", "id", "UserNote", "id", 11, nullable=False)],
        id="AbstractConcreteBase maps no table itself; its concrete subclass does",
    ),
    # ------------------------------------------------------------------ bases functions return
    pytest.param(
        {"app/schema.py": D('''\
            from sqlalchemy import Column, DateTime, MetaData
            from sqlalchemy.orm import DeclarativeMeta, as_declarative
            metadata = MetaData()
            class ToolMeta(DeclarativeMeta):
                """Keeps which tool owns each table."""
            def tool_base(tool, schema_version):
                """A base per tool, every one on the same metadata."""
                @as_declarative(metaclass=ToolMeta, metadata=metadata)
                class ToolBase:
                    _tool = tool
                    _schema_version = schema_version
                    added = Column(DateTime)
                return ToolBase
            '''),
         "app/feeds.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app import schema
            Base = schema.tool_base("feeds", 2)
            class FeedLogin(Base):
                __tablename__ = "feed_logins"
                id = Column(Integer, primary_key=True)
                cookie = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """),
         "app/seen.py": D("""\
            from sqlalchemy import Column, Integer, String
            from app.schema import tool_base
            SeenBase = tool_base("seen", 1)
            class SeenTitle(SeenBase):
                __tablename__ = "seen_titles"
                id = Column(Integer, primary_key=True)
                title = Column(String)
            """)},
        None,
        [Row("feed_logins", "id", "FeedLogin", "id", 7, nullable=False, path="app/feeds.py"),
         Row("feed_logins", "cookie", "FeedLogin", "cookie", 8, (PRIV,), path="app/feeds.py"),
         Row("feed_logins", "added", "FeedLogin", "added", 12, path="app/schema.py",
             declared_in="ToolBase"),
         Row("seen_titles", "id", "SeenTitle", "id", 6, nullable=False, path="app/seen.py"),
         Row("seen_titles", "title", "SeenTitle", "title", 7, path="app/seen.py"),
         Row("seen_titles", "added", "SeenTitle", "added", 12, path="app/schema.py",
             declared_in="ToolBase")],
        id="Base = module.tool_base(...): a function returns an @as_declarative class",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def audited_base():
                class Audited(Base):
                    __abstract__ = True
                    changed_by: Mapped[str | None] = mapped_column(
                        info={"v": ColumnVisibility.MASKED})
                return Audited
            AuditedBase = audited_base()
            class Invoice(AuditedBase):
                __tablename__ = "invoices"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("invoices", "id", "Invoice", "id", 15, nullable=False),
         Row("invoices", "changed_by", "Invoice", "changed_by", 9, (MASK,),
             declared_in="Audited")],
        id="a function returns an abstract subclass of the DeclarativeBase",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def stamp_mixin():
                class Stamp:
                    stamped_by = Column(String, info={"v": ColumnVisibility.PRIVATE})
                return Stamp
            Stamp = stamp_mixin()
            class Upload(Base, Stamp):
                __tablename__ = "uploads"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [Row("uploads", "id", "Upload", "id", 13, nullable=False),
         Row("uploads", "stamped_by", "Upload", "stamped_by", 8, (PRIV,), declared_in="Stamp")],
        id="a mixin a function returns brings its columns",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def audit_model():
                class AuditEntry(Base):
                    __tablename__ = "audit_entries"
                    id = Column(Integer, primary_key=True)
                    actor_ip = Column(String, info={"v": ColumnVisibility.PRIVATE})
                return AuditEntry
            AuditEntry = audit_model()
            """)},
        None,
        [Row("audit_entries", "id", "AuditEntry", "id", 9, nullable=False),
         Row("audit_entries", "actor_ip", "AuditEntry", "actor_ip", 10, (PRIV,))],
        id="a mapped class a function defines and returns is read",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            class Owned:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            def make_base():
                return declarative_base(cls=Owned)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app.db import make_base
            Base = make_base()
            class Folder(Base):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 5, nullable=False, path="app/db.py",
             declared_in="Owned"),
         Row("folders", "owner_email", "Folder", "owner_email", 6, (MASK,), path="app/db.py",
             declared_in="Owned"),
         Row("folders", "name", "Folder", "name", 6)],
        id="a function returning declarative_base(cls=Mixin): the mixin's columns land",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            from sqlalchemy import Column, Integer, MetaData, String
            from sqlalchemy.orm import declarative_base
            class Owned:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            def make_base(schema):
                \"\"\"One base per schema.\"\"\"
                Base = declarative_base(cls=Owned, metadata=MetaData(schema=schema))
                return Base
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app import db
            Base = db.make_base("crm")
            class Folder(Base):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 5, nullable=False, path="app/db.py",
             declared_in="Owned"),
         Row("folders", "owner_email", "Folder", "owner_email", 6, (MASK,), path="app/db.py",
             declared_in="Owned"),
         Row("folders", "name", "Folder", "name", 6)],
        id="Base = declarative_base(cls=Mixin) in a function that returns Base",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            NAMING = {"pk": "pk_%(table_name)s"}
            class Owned:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            def get_base():
                base = declarative_base(cls=Owned)
                base.metadata.naming_convention = NAMING
                return base
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app.db import get_base
            Base = get_base()
            class Folder(Base):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 6, nullable=False, path="app/db.py",
             declared_in="Owned"),
         Row("folders", "owner_email", "Folder", "owner_email", 7, (MASK,), path="app/db.py",
             declared_in="Owned"),
         Row("folders", "name", "Folder", "name", 6)],
        id="a base function that sets its MetaData's naming convention before returning it "
           "(cloudkitty)",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.ext import declarative
            class Owned:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            _bases = {}
            def declarative_base(dbname):
                \"\"\"One base per database, made once.\"\"\"
                try:
                    return _bases[dbname]
                except KeyError:
                    _bases[dbname] = b = declarative.declarative_base(cls=Owned)
                    b.query = _QueryProperty(dbname)
                    return b
            class _QueryProperty:
                def __init__(self, dbname):
                    self.dbname = dbname
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app import db
            class Folder(db.declarative_base("crm")):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 5, nullable=False, path="app/db.py",
             declared_in="Owned"),
         Row("folders", "owner_email", "Folder", "owner_email", 6, (MASK,), path="app/db.py",
             declared_in="Owned"),
         Row("folders", "name", "Folder", "name", 5)],
        id="a base function that memoises one base per key and gives it a query property "
           "(relengapi)",
    ),
    pytest.param(
        {"app/__init__.py": D("""\
            def public(thing=None, **kws):
                mdict = __import__("sys")._getframe(1).f_globals
                mdict.update(kws)
                return thing
            """),
         "app/db.py": V + D("""\
            from app import public
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.ext.declarative import declarative_base
            class ModelMeta:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            public(Model=declarative_base(cls=ModelMeta))
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app import public
            from app.db import Model
            @public
            class Folder(Model):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 6, nullable=False, path="app/db.py",
             declared_in="ModelMeta"),
         Row("folders", "owner_email", "Folder", "owner_email", 7, (MASK,), path="app/db.py",
             declared_in="ModelMeta"),
         Row("folders", "name", "Folder", "name", 7)],
        id="a base bound by public(Model=declarative_base(...)), atpublic's idiom (mailman)",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            import os
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            class Owned:
                id = Column(Integer, primary_key=True)
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            def make_base():
                if os.environ.get("APP_LEGACY"):
                    return declarative_base(cls=Owned)
                return declarative_base(cls=Owned)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app.db import make_base
            Base = make_base()
            class Folder(Base):
                __tablename__ = "folders"
                name = Column(String)
            """)},
        None,
        [Row("folders", "id", "Folder", "id", 6, nullable=False, path="app/db.py",
             declared_in="Owned"),
         Row("folders", "owner_email", "Folder", "owner_email", 7, (MASK,), path="app/db.py",
             declared_in="Owned"),
         Row("folders", "name", "Folder", "name", 6)],
        id="a base function whose returns all return the same declarative_base(cls=Mixin)",
    ),
    pytest.param(
        {"app/props.py": D("""\
            from sqlalchemy.ext.hybrid import hybrid_property
            def upper_property(attr):
                def getter(self):
                    return (getattr(self, attr) or "").upper()
                def setter(self, value):
                    setattr(self, attr, value)
                prop = hybrid_property(getter, setter)
                return prop.expression(lambda cls: getattr(cls, attr))
            """),
         "app/m.py": src("""\
            from app.props import upper_property
            class Release(Base):
                __tablename__ = "releases"
                id = Column(Integer, primary_key=True)
                _code = Column("code", String, info={"v": ColumnVisibility.PRIVATE})
                code = upper_property("_code")
            """)},
        None,
        [Row("releases", "id", "Release", "id", 9, nullable=False),
         Row("releases", "code", "Release", "_code", 10, (PRIV,))],
        id="a function returning a method of the hybrid_property it made builds no column",
    ),
    pytest.param(
        {"app/props.py": D("""\
            from sqlalchemy.ext.hybrid import hybrid_property
            def _getter(attr):
                return lambda self: (getattr(self, attr) or "").upper()
            def rebound_property(attr):
                prop = hybrid_property(_getter(attr))
                prop = prop.expression(lambda cls: getattr(cls, attr))
                return prop
            def configured_property(attr):
                prop = hybrid_property(_getter(attr))
                prop.expression(lambda cls: getattr(cls, attr))
                return prop
            def chained_property(attr):
                return hybrid_property(_getter(attr)).expression(lambda cls: getattr(cls, attr))
            """),
         "app/m.py": src("""\
            from app.props import chained_property, configured_property, rebound_property
            class Release(Base):
                __tablename__ = "releases"
                id = Column(Integer, primary_key=True)
                _code = Column("code", String, info={"v": ColumnVisibility.PRIVATE})
                code = rebound_property("_code")
                _label = Column("label", String)
                label = configured_property("_label")
                _slug = Column("slug", String)
                slug = chained_property("_slug")
            """)},
        None,
        [Row("releases", "id", "Release", "id", 9, nullable=False),
         Row("releases", "code", "Release", "_code", 10, (PRIV,)),
         Row("releases", "label", "Release", "_label", 12),
         Row("releases", "slug", "Release", "_slug", 14)],
        id="a hybrid_property helper that rebinds, configures or chains what it made builds no "
           "column (flexget's quality_property, 2011-2019)",
    ),
    pytest.param(
        {"app/__init__.py": "",
         "app/db.py": D("""\
            from builtins import *
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            schemas = {}
            class PluginMeta(type):
                \"\"\"Classes deriving from a plugin_base() class are mapped on Base.\"\"\"
                def __new__(mcs, name, bases, ns):
                    new_bases = []
                    for base in bases:
                        if base.__name__ == "PluginBase":
                            schemas.setdefault(base.plugin, []).append(ns["__tablename__"])
                            new_bases.append(Base)
                            class mcs(type(Base), mcs):
                                pass
                        else:
                            new_bases.append(base)
                    return type.__new__(mcs, name, tuple(new_bases), ns)
            def plugin_base(plugin, version):
                \"\"\"A stand-in for Base that records which plugin owns each table.\"\"\"
                return PluginMeta("PluginBase", (object,), {"plugin": plugin, "version": version})
            class Audited:
                changed_by = Column(Integer)
            """),
         "app/m.py": V + D("""\
            from builtins import *
            from sqlalchemy import Column, Integer, String
            from app import db
            from app.db import Audited, plugin_base
            Base = plugin_base("accounts", 3)
            Old = db.plugin_base("legacy", 1)
            class Account(Base):
                __tablename__ = "accounts"
                id = Column(Integer, primary_key=True)
                api_key = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Login(Old, Audited):
                __tablename__ = "logins"
                id = Column(Integer, primary_key=True)
                cookie = Column(String, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("accounts", "id", "Account", "id", 10, nullable=False),
         Row("accounts", "api_key", "Account", "api_key", 11, (PRIV,)),
         Row("logins", "id", "Login", "id", 14, nullable=False),
         Row("logins", "cookie", "Login", "cookie", 15, (MASK,)),
         Row("logins", "changed_by", "Login", "changed_by", 23, path="app/db.py",
             declared_in="Audited")],
        id="a metaclass that puts the declarative base under every class it makes, called in a "
           "function (flexget's versioned_base, 2013-2020; python-future's star import)",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy.orm import DeclarativeBase
            class Base(DeclarativeBase):
                pass
            class OnBase(type):
                def __new__(mcs, name, bases, ns):
                    if not bases:  # the stand-in itself
                        return super().__new__(mcs, name, bases, ns)
                    kept = tuple(b for b in bases if not isinstance(b, OnBase))
                    class mcs(type(Base), OnBase):
                        pass
                    return super().__new__(mcs, name, kept + (Base,), ns)
            class Model(metaclass=OnBase):
                pass
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app.db import Model
            class Card(Model):
                __tablename__ = "cards"
                id = Column(Integer, primary_key=True)
                pan = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("cards", "id", "Card", "id", 6, nullable=False),
         Row("cards", "pan", "Card", "pan", 7, (PRIV,))],
        id="class Model(metaclass=M) where M's __new__ returns super().__new__ with bases + "
           "(Base,)",
    ),
    # ------------------------------------------------------------------ re-exports
    pytest.param(
        {"app/sql/__init__.py": "from sqlalchemy import *\nfrom sqlalchemy.orm import *\n",
         "app/m.py": V + D("""\
            from app import sql
            class Base(sql.DeclarativeBase):
                pass
            class Patient(Base):
                __tablename__ = "patients"
                id = sql.Column(sql.Integer, primary_key=True)
                ssn = sql.Column(sql.String(11), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("patients", "id", "Patient", "id", 7, nullable=False),
         Row("patients", "ssn", "Patient", "ssn", 8, (PRIV,))],
        id="pkg.sql.Column where the in-repo package star-imports sqlalchemy",
    ),
    pytest.param(
        {"app/helpers/security.py": D("""\
            import hmac
            from secrets import *
            def generate_hash(value):
                return hmac.new(token_bytes(16), value.encode(), "md5").hexdigest()
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import *
            from sqlalchemy.orm import DeclarativeBase
            from app.helpers.security import *
            class Base(DeclarativeBase):
                pass
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                mfa_secret = Column(String(16), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("users", "id", "User", "id", 9, nullable=False),
         Row("users", "mfa_secret", "User", "mfa_secret", 10, (PRIV,))],
        id="star imports: sqlalchemy's here beats a helper's relayed star import of another "
           "package (ruqqus)",
    ),
    pytest.param(
        {"app/compat.py": D("""\
            import sqlalchemy
            from sqlalchemy import orm as _orm
            Column = sqlalchemy.Column
            String = sqlalchemy.String
            Integer = sqlalchemy.Integer
            mapped_column = _orm.mapped_column
            _private = sqlalchemy.Column
            __all__ = ["Column", "String"]
            __all__ += ["Integer"]
            __all__.append("mapped_column")
            """),
         "app/lib/__init__.py": "from app.compat import *\n",
         "app/m.py": V + D("""\
            import app.lib
            from sqlalchemy.orm import DeclarativeBase
            class Base(DeclarativeBase):
                pass
            class Lead(Base):
                __tablename__ = "leads"
                id = app.lib.Column(app.lib.Integer, primary_key=True)
                email = app.lib.mapped_column(app.lib.String, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("leads", "id", "Lead", "id", 8, nullable=False),
         Row("leads", "email", "Lead", "email", 9, (MASK,))],
        id="module attributes (Column = sqlalchemy.Column) and __all__, via a package star import",
    ),
    pytest.param(
        {"app/models/__init__.py": "from .db import db\nfrom .user import User\n",
         "app/models/db.py": FSA + "db = SQLAlchemy()\n",
         "app/models/user.py": V + D("""\
            from app.models import db
            class User(db.Model):
                __tablename__ = "users"
                id = db.Column(db.Integer, primary_key=True)
                otp_secret = db.Column(db.String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("users", "id", "User", "id", 5, nullable=False, path="app/models/user.py"),
         Row("users", "otp_secret", "User", "otp_secret", 6, (PRIV,),
             path="app/models/user.py")],
        id="from pkg import db: the package's `from .db import db` wins over the submodule",
    ),
    pytest.param(
        {"svc/db/sqlalchemy/api.py": "def get_session():\n    return None\n",
         "svc/db/sqlalchemy/models.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            BASE = declarative_base()
            class Volume(BASE):
                __tablename__ = "volumes"
                id = Column(Integer, primary_key=True)
                host = Column(String, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("volumes", "id", "Volume", "id", 7, nullable=False,
             path="svc/db/sqlalchemy/models.py"),
         Row("volumes", "host", "Volume", "host", 8, (MASK,), path="svc/db/sqlalchemy/models.py")],
        id="a repository directory named sqlalchemy does not hide the real sqlalchemy.orm",
    ),
    # ------------------------------------------------------------------ names from constants
    pytest.param(
        {"app/names.py": D("""\
            PREFIX = "crm_"
            SCHEMA = "sales"
            EMAIL = "email_address"
            def prefixed(name):
                \"\"\"The app's table prefix.\"\"\"
                return f"{PREFIX}{name}"
            """),
         "app/m.py": src("""\
            from sqlalchemy import BigInteger
            from app.names import EMAIL, PREFIX, SCHEMA, prefixed
            class User(Base):
                __tablename__ = PREFIX + "users"
                __table_args__ = {"schema": SCHEMA}
                id = Column(Integer, primary_key=True)
                email = Column(EMAIL, String, info={"v": ColumnVisibility.MASKED})
            class Org(Base):
                __tablename__ = f"{PREFIX}orgs"
                id: Mapped[int] = mapped_column(primary_key=True)
                vat: Mapped[str] = mapped_column(name=PREFIX + "vat_id")
                iban: Mapped[str] = mapped_column(prefixed("iban"), String(34))
                big = Column(BigInteger().with_variant(Integer, "sqlite"), nullable=False)
            roles = Table(prefixed("roles_permissions"), Base.metadata,
                          Column(EMAIL, String, info={"v": ColumnVisibility.PRIVATE}))
            """)},
        None,
        [Row("crm_users", "id", "User", "id", 11, nullable=False),
         Row("crm_users", "email_address", "User", "email", 12, (MASK,)),
         Row("crm_orgs", "id", "Org", "id", 15, nullable=False),
         Row("crm_orgs", "crm_vat_id", "Org", "vat", 16, nullable=False),
         Row("crm_orgs", "crm_iban", "Org", "iban", 17, nullable=False),
         Row("crm_orgs", "big", "Org", "big", 18, nullable=False),
         Row("crm_roles_permissions", "email_address", None, None, 20, (PRIV,))],
        id="table and column names from constants, f-strings, + and a helper in another module",
    ),
    pytest.param(
        {"app/util.py": 'import re\nCAMEL_TO_SNAKE = re.compile(r"(?<!^)(?=[A-Z])")\n',
         "app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            from app.util import CAMEL_TO_SNAKE
            class Root(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    \"\"\"Snake case of the class name.\"\"\"
                    return CAMEL_TO_SNAKE.sub("_", cls.__name__).lower()
                id: Mapped[int] = mapped_column(primary_key=True)
            class FlowRunState(Root):
                token: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
            class Other(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return "t_" + cls.__name__.upper()
            class Thing(Other):
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("flow_run_state", "id", "FlowRunState", "id", 14, nullable=False,
             declared_in="Root"),
         Row("flow_run_state", "token", "FlowRunState", "token", 16, (PRIV,), nullable=False),
         Row("t_THING", "id", "Thing", "id", 23, nullable=False)],
        id="declared_attr __tablename__ with a known regex transform, .lower(), .upper(), +",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import re
            from sqlalchemy.orm import declarative_base, declared_attr
            class _DatabaseObject:
                @declared_attr
                def __tablename__(self):
                    \"\"\"Converts name from camel case to snake case\"\"\"
                    name = self.__name__
                    return name[0].lower() + re.sub(
                        r"([A-Z])", lambda letter: "_" + letter.group(0).lower(), name[1:]
                    )
                id = Column(Integer, primary_key=True)
            DatabaseObject = declarative_base(cls=_DatabaseObject)
            class WallOfSheep(DatabaseObject):
                preimage = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Box(DatabaseObject):
                name = Column(String)
            class Tail(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return re.sub(r"([A-Z])", lambda m: m.group()[-1], cls.__name__[-3:])
            class CapsLock(Tail):
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("wall_of_sheep", "id", "WallOfSheep", "id", 16, nullable=False,
             declared_in="_DatabaseObject"),
         Row("wall_of_sheep", "preimage", "WallOfSheep", "preimage", 19, (PRIV,)),
         Row("box", "id", "Box", "id", 16, nullable=False, declared_in="_DatabaseObject"),
         Row("box", "name", "Box", "name", 21),
         Row("ock", "id", "CapsLock", "id", 28, nullable=False)],
        id="declared_attr __tablename__: name[0], name[1:] and a re.sub replacement lambda "
           "(rootthebox: _DatabaseObject)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from flask_sqlalchemy.model import camel_to_snake_case
            from sqlalchemy.orm import declared_attr
            APP = "crm"
            class Named(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return camel_to_snake_case(cls.__name__)
            class HTTPRequestLog(Named):
                id: Mapped[int] = mapped_column(primary_key=True)
            class Contact(Base):
                __tablename__ = "%s_contacts" % APP
                id: Mapped[int] = mapped_column(primary_key=True)
                mail: Mapped[str] = mapped_column("{}_mail".format(APP))
            """)},
        None,
        [Row("http_request_log", "id", "HTTPRequestLog", "id", 15, nullable=False),
         Row("crm_contacts", "id", "Contact", "id", 18, nullable=False),
         Row("crm_contacts", "crm_mail", "Contact", "mail", 19, nullable=False)],
        id="flask_sqlalchemy camel_to_snake_case, %-formatting and str.format",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Editioned:
                __stem__ = None
                __edition__ = None
                @classmethod
                def _edition_prefix(cls):
                    return cls.__edition__.lower() + "_"
                @classmethod
                def _prefixed(cls, stem):
                    \"\"\"The table name for this edition.\"\"\"
                    return cls._edition_prefix() + stem
                @declared_attr
                def __tablename__(cls):
                    return cls._prefixed(cls.__stem__)
            class OrderBase(Editioned):
                __stem__ = "orders"
                id = Column(Integer, primary_key=True)
                email = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class RetailOrder(OrderBase, Base):
                __edition__ = "Retail"
            class TradeOrder(OrderBase, Base):
                __edition__ = "Trade"
            """)},
        None,
        [Row("retail_orders", "id", "RetailOrder", "id", 22, nullable=False,
             declared_in="OrderBase"),
         Row("retail_orders", "email", "RetailOrder", "email", 23, (PRIV,),
             declared_in="OrderBase"),
         Row("trade_orders", "id", "TradeOrder", "id", 22, nullable=False,
             declared_in="OrderBase"),
         Row("trade_orders", "email", "TradeOrder", "email", 23, (PRIV,),
             declared_in="OrderBase")],
        id="declared_attr __tablename__ from classmethods and class attributes read through "
           "cls: one mixin mapped once per edition, the subclass's attribute over the base's",
    ),
    pytest.param(
        {"app/mixins.py": D("""\
            from sqlalchemy.orm import declared_attr
            SCHEMA = "crm"
            class Tenanted:
                region: str = "eu"
                suffix = region + "_v2"
                @staticmethod
                def _join(left, right):
                    sep = "__"
                    return left + sep + right
                @classmethod
                def _stem(cls):
                    name = cls.__name__.lower()
                    return f"{SCHEMA}_{name}"
                @declared_attr
                def __tablename__(cls):
                    return cls._join(cls._stem(), cls.suffix)
            """),
         "app/m.py": src("""\
            from app.mixins import Tenanted
            SCHEMA = "not_this_one"
            class Invoice(Tenanted, Base):
                id: Mapped[int] = mapped_column(primary_key=True)
            class Refund(Tenanted, Base):
                suffix = "us"
                @classmethod
                def _stem(cls):
                    return SCHEMA
                id: Mapped[int] = mapped_column(primary_key=True)
                iban: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("crm_invoice__eu_v2", "id", "Invoice", "id", 9, nullable=False),
         Row("not_this_one__us", "id", "Refund", "id", 15, nullable=False),
         Row("not_this_one__us", "iban", "Refund", "iban", 16, (MASK,), nullable=False)],
        id="cls.method() and cls.attribute across modules: a staticmethod and a classmethod "
           "with locals, each evaluated in its own module; a subclass overrides both",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Prefixed:
                @classmethod
                def _prefix(cls):
                    return "app_"
                @declared_attr.directive
                def __tablename__(cls):
                    return cls._prefix() + cls.__name__.lower()
            class Account(Base, Prefixed):
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("app_account", "id", "Account", "id", 15, nullable=False)],
        id="cls._prefix() from a mixin listed after Base: SQLAlchemy's base binds no such name",
    ),
    # ------------------------------------------------------------------ the safety net
    pytest.param(
        {"app/types.py": D("""\
            from sqlalchemy import Column
            from sqlalchemy.orm import relationship
            class EncryptedColumn(Column):
                inherit_cache = True
            class Registry:
                pass
            def peers(name):
                \"\"\"A read-only relationship, built the same way for several attributes.\"\"\"
                if name:
                    return relationship("Wallet", viewonly=True)
                return relationship("Wallet", viewonly=True, uselist=False)
            """),
         "app/m.py": src("""\
            import logging
            from sqlalchemy.ext.hybrid import hybrid_property
            from app.types import EncryptedColumn, Registry, peers
            class Wallet(Base):
                __tablename__ = "wallets"
                log = logging.getLogger(__name__)
                kinds = frozenset({"a", "b"})
                registry_ = Registry()
                id: Mapped[int] = mapped_column(primary_key=True)
                seed = EncryptedColumn(String, info={"v": ColumnVisibility.PRIVATE})
                owner_id = Column(ForeignKey("wallets.id"))
                owner = relationship("Wallet")
                siblings = peers("siblings")
            """)},
        None,
        [Row("wallets", "id", "Wallet", "id", 14, nullable=False),
         Row("wallets", "seed", "Wallet", "seed", 15, (PRIV,)),
         Row("wallets", "owner_id", "Wallet", "owner_id", 16)],
        id="known non-columns pass: stdlib, builtins, repo classes, relationship, a helper "
           "returning relationship(); a Column subclass is a column",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy.orm import DeclarativeMeta, registry
            mapper_registry = registry()
            class Meta(DeclarativeMeta):
                pass
            class Base(metaclass=DeclarativeMeta):
                __abstract__ = True
                registry = mapper_registry
                metadata = mapper_registry.metadata
                __init__ = mapper_registry.constructor
            class OtherBase(metaclass=Meta):
                __abstract__ = True
                registry = registry()
                metadata = registry.metadata
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app.db import Base, OtherBase
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
                email = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Audit(OtherBase):
                __tablename__ = "audit"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [Row("users", "id", "User", "id", 6, nullable=False),
         Row("users", "email", "User", "email", 7, (PRIV,)),
         Row("audit", "id", "Audit", "id", 10, nullable=False)],
        id="class Base(metaclass=DeclarativeMeta), and a metaclass deriving from it",
    ),
    pytest.param(
        {"app/m.py": V + D("""\
            import abc
            from sqlalchemy import Column, ForeignKey, Integer, String
            from sqlalchemy.orm import DeclarativeMeta, declarative_base
            Base = declarative_base()
            class NodeMeta(DeclarativeMeta, abc.ABCMeta):
                pass
            class Node(Base, metaclass=NodeMeta):
                __tablename__ = "nodes"
                id = Column(Integer, primary_key=True)
                api_key = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Document(Node):
                __tablename__ = "documents"
                id = Column(Integer, ForeignKey("nodes.id"), primary_key=True)
            """)},
        None,
        [Row("nodes", "id", "Node", "id", 10, nullable=False),
         Row("nodes", "api_key", "Node", "api_key", 11, (PRIV,)),
         Row("documents", "id", "Document", "id", 14, nullable=False)],
        id="a mapped class that names a metaclass deriving from DeclarativeMeta is mapped, "
           "not a new base (kotti: Node(Base, metaclass=NodeMeta))",
    ),
    pytest.param(
        {"app/sqla.py": D("""\
            from sqlalchemy.orm import declared_attr
            class KottiBase:
                @declared_attr
                def __tablename__(cls):
                    from app.util import camel_case_to_name
                    return "{}s".format(camel_case_to_name(cls.__name__))
            """),
         "app/util.py": D("""\
            import re
            def camel_case_to_name(text):
                return re.sub(r"([a-z])([A-Z])", r"\\1_\\2", text).lower()
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, ForeignKey, Integer, String
            from sqlalchemy.orm import declarative_base
            from app.sqla import KottiBase
            Base = declarative_base(cls=KottiBase)
            class Node(Base):
                id = Column(Integer, primary_key=True)
            class TagLink(Base):
                id = Column(Integer, primary_key=True)
                token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        "{class_snake}s",
        [Row("nodes", "id", "Node", "id", 7, nullable=False),
         Row("tag_links", "id", "TagLink", "id", 9, nullable=False),
         Row("tag_links", "token", "TagLink", "token", 10, (PRIV,))],
        id="table-naming as a template of the class name, for a declared_attr that adds to a "
           "conversion the reviewer cannot run (kotti: \"{}s\".format(camel_case_to_name(...)))",
    ),
    pytest.param(
        {"app/m.py": V + D("""\
            from sqlalchemy import Column, ForeignKey, Integer, String
            from sqlalchemy.orm import declarative_base, declared_attr
            class Named:
                @declared_attr
                def __tablename__(cls):
                    return cls.__name__.lower() + "s"
            Base = declarative_base(cls=Named)
            class Node(Base):
                id = Column(Integer, primary_key=True)
                type = Column(String(30))
                __mapper_args__ = {"polymorphic_on": type, "polymorphic_identity": "node"}
            class Content(Node):
                id = Column(ForeignKey(Node.id), primary_key=True)
                owner = Column(String, info={"v": ColumnVisibility.PRIVATE})
                __mapper_args__ = {"polymorphic_identity": "content"}
            """)},
        None,
        [Row("contents", "id", "Content", "id", 14, nullable=False),
         Row("contents", "owner", "Content", "owner", 15, (PRIV,)),
         Row("nodes", "id", "Node", "id", 10, nullable=False),
         Row("nodes", "type", "Node", "type", 11)],
        id="a declared_attr __tablename__ runs again for a subclass that declares its own "
           "primary key: joined inheritance (kotti's Content(Node))",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import contextlib
            with contextlib.suppress(ImportError):
                class Card(Base):
                    __tablename__ = "cards"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    try:
                        pan: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
                    except ValueError:
                        pass
                    else:
                        cvv: Mapped[str | None] = mapped_column(
                            info={"v": ColumnVisibility.PRIVATE})
                    with contextlib.suppress(KeyError):
                        holder: Mapped[str] = mapped_column(info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [Row("cards", "id", "Card", "id", 10, nullable=False),
         Row("cards", "pan", "Card", "pan", 12, (PRIV,), nullable=False),
         Row("cards", "cvv", "Card", "cvv", 16, (PRIV,)),
         Row("cards", "holder", "Card", "holder", 19, (MASK,), nullable=False)],
        id="columns and classes under try/except/else and with blocks are read",
    ),
    pytest.param(
        {"app/props.py": D("""\
            class PropsItem:
                def __init__(self, name, default=None):
                    self.name, self.default = name, default
                def __get__(self, obj, objtype=None):
                    return self.default
            """),
         "app/m.py": src("""\
            import os
            from app.props import PropsItem
            class Product(Base):
                __tablename__ = "products"
                id: Mapped[int] = mapped_column(primary_key=True)
                description = Column(Text, info={"v": ColumnVisibility.PRIVATE})
                if os.environ.get("SHOP_USE_REDIS"):
                    description = PropsItem("description")
                title = Column(Text)
                if os.environ.get("SHOP_LEGACY"):
                    title = Column(String(80))
            """)},
        None,
        [Row("products", "id", "Product", "id", 10, nullable=False),
         Row("products", "description", "Product", "description", 11, (PRIV,)),
         Row("products", "title", "Product", "title", 16)],
        id="a column an if the configuration decides may rebind to no column is still read; "
           "one it rebinds to another column reads the later (flask-shop's PropsItem)",
    ),
    # ------------------------------------------------------------------ classes made by type()
    pytest.param(
        {"app/m.py": src("""\
            import typing
            from sqlalchemy import Index
            from sqlalchemy.orm import declared_attr
            class Model(Base):
                __abstract__ = True
                id: Mapped[int] = mapped_column(primary_key=True)
            class AuditEntry:
                action: Mapped[str] = mapped_column(String(40))
                actor_ip: Mapped[str | None] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
                if typing.TYPE_CHECKING:
                    id: Mapped[int]
                    subject_id: Mapped[int]
                @declared_attr
                def reviewer_email(cls) -> Mapped[str | None]:
                    return mapped_column(String(320), info={"v": ColumnVisibility.MASKED})
            class HasAuditTrail:
                @declared_attr
                def audit_entries(cls):
                    entry = type(
                        f"{cls.__name__}AuditEntry",
                        (AuditEntry, Model),
                        {
                            "__tablename__": f"{cls.__tablename__}_audit",
                            "__table_args__": (Index(f"ix_{cls.__tablename__}_audit", "action"),),
                            "subject_id": mapped_column(ForeignKey(f"{cls.__tablename__}.id"),
                                                        nullable=False),
                            "subject": relationship(cls, back_populates="audit_entries"),
                            "note": mapped_column(Text, info={"v": ColumnVisibility.PRIVATE}),
                        },
                    )
                    return relationship(entry, back_populates="subject")
            class Customer(HasAuditTrail, Model):
                __tablename__ = "customers"
            class Invoice(HasAuditTrail, Base):
                __tablename__ = "invoices"
                number: Mapped[str] = mapped_column(primary_key=True)
                id: Mapped[int] = mapped_column(unique=True)
            """)},
        None,
        [Row("customers", "id", "Customer", "id", 11, nullable=False, declared_in="Model"),
         Row("invoices", "number", "Invoice", "number", 41, nullable=False),
         Row("invoices", "id", "Invoice", "id", 42, nullable=False),
         *[Row(f"{t}_audit", c, f"{k}AuditEntry", c, n, lb, nullable=nl, declared_in=d)
           for t, k in (("customers", "Customer"), ("invoices", "Invoice"))
           for c, n, lb, nl, d in (
               ("id", 11, (), False, "Model"),
               ("action", 13, (), False, "AuditEntry"),
               ("actor_ip", 14, (PRIV,), True, "AuditEntry"),
               ("reviewer_email", 18, (MASK,), True, "AuditEntry"),
               ("subject_id", 30, (), False, None),
               ("note", 33, (PRIV,), True, None))]],
        id="type() in a mixin's declared_attr: one class and table per mapped subclass, named "
           "from cls.__name__ and cls.__tablename__, with its bases' columns",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            SUFFIX = "_notes"
            class NoteBase:
                id: Mapped[int] = mapped_column(primary_key=True)
                body: Mapped[str] = mapped_column(Text, info={"v": ColumnVisibility.PRIVATE})
            class HasNotes:
                @classmethod
                def _note_class(cls):
                    name = cls.__name__
                    table = name.lower() + SUFFIX
                    return type(name + "Note", (NoteBase, Base), dict(
                        __tablename__=table,
                        author_email=mapped_column(String(320),
                                                   info={"v": ColumnVisibility.MASKED}),
                        parent_id=mapped_column(ForeignKey(cls.__tablename__ + ".id")),
                    ))
                @declared_attr
                def notes(cls):
                    return relationship(cls._note_class())
            class Ticket(HasNotes, Base):
                __tablename__ = "tickets"
                id: Mapped[int] = mapped_column(primary_key=True)
                kind: Mapped[str] = mapped_column(String(20))
                __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "ticket"}
            class UrgentTicket(Ticket):
                __mapper_args__ = {"polymorphic_identity": "urgent"}
            class Draft(HasNotes, Base):
                __tablename__ = "drafts"
                id: Mapped[int] = mapped_column(primary_key=True)
                notes = None
            """)},
        None,
        [Row("tickets", "id", "Ticket", "id", 27, nullable=False),
         Row("tickets", "kind", "Ticket", "kind", 28, nullable=False),
         Row("drafts", "id", "Draft", "id", 34, nullable=False),
         Row("ticket_notes", "id", "TicketNote", "id", 9, nullable=False,
             declared_in="NoteBase"),
         Row("ticket_notes", "body", "TicketNote", "body", 10, (PRIV,), nullable=False,
             declared_in="NoteBase"),
         Row("ticket_notes", "author_email", "TicketNote", "author_email", 18, (MASK,)),
         Row("ticket_notes", "parent_id", "TicketNote", "parent_id", 20)],
        id="type() in a classmethod a declared_attr calls, with locals, + and dict(...); not "
           "again for a subclass of a mapped class, nor where a class binds the name itself",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Comment:
                id: Mapped[int] = mapped_column(primary_key=True)
                comment: Mapped[str] = mapped_column(Text, info={"v": ColumnVisibility.PRIVATE})
            class CommentMixin:
                @declared_attr
                def comments(self):
                    class_name = f"{self.__name__:s}Comment"
                    self.Comment = type(class_name, (Comment, Base), dict(
                        __tablename__=f"{self.__tablename__!s:s}_comment",
                        parent_id=mapped_column(ForeignKey(f"{self.__tablename__:s}.id")),
                    ))
                    return relationship(self.Comment)
            class Sketch(CommentMixin, Base):
                __tablename__ = "sketch"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("sketch_comment", "id", "SketchComment", "id", 8, nullable=False,
             declared_in="Comment"),
         Row("sketch_comment", "comment", "SketchComment", "comment", 9, (PRIV,),
             nullable=False, declared_in="Comment"),
         Row("sketch_comment", "parent_id", "SketchComment", "parent_id", 16),
         Row("sketch", "id", "Sketch", "id", 21, nullable=False)],
        id="type() named with the format spec :s, the string itself (timesketch's annotation "
           "mixins)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Link(Base):
                __tablename__ = "links"
                id: Mapped[int] = mapped_column(primary_key=True)
                kind: Mapped[str]
                __mapper_args__ = {"polymorphic_on": "kind"}
            class HasLink:
                @declared_attr
                def link_id(cls):
                    made = type(f"{cls.__name__}Link", (Link,), {
                        "__tablename__": None,
                        "__mapper_args__": {"polymorphic_identity": cls.__name__.lower()},
                        "target_url": mapped_column(String, info={"v": ColumnVisibility.PRIVATE}),
                    })
                    return mapped_column(ForeignKey(made.id))
            class Page(HasLink, Base):
                __tablename__ = "pages"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("links", "id", "Link", "id", 9, nullable=False),
         Row("links", "kind", "Link", "kind", 10, nullable=False),
         Row("links", "target_url", "PageLink", "target_url", 18, (PRIV,)),
         Row("pages", "link_id", "Page", "link_id", 13, declared_in="HasLink"),
         Row("pages", "id", "Page", "id", 23, nullable=False)],
        id="type() with __tablename__ None: single-table inheritance into its mapped base",
    ),
    pytest.param(
        {"six.py": "PY2 = False\nPY3 = True\n",  # a stand-in for the six package
         "app/m.py": src("""\
            import six
            from sqlalchemy.orm import declared_attr
            class Label:
                id: Mapped[int] = mapped_column(primary_key=True)
                label: Mapped[str] = mapped_column(Text, info={"v": ColumnVisibility.PRIVATE})
            class LabelMixin:
                @declared_attr
                def labels(self):
                    if six.PY2:
                        class_name = b"{0:s}Label".format(self.__name__)
                    else:
                        class_name = "{0:s}Label".format(self.__name__)
                    self.Label = type(class_name, (Label, Base), dict(
                        __tablename__="{0:s}_label".format(self.__tablename__),
                        parent_id=mapped_column(ForeignKey("{0:s}.id".format(self.__tablename__))),
                    ))
                    return relationship(self.Label)
            class Sketch(LabelMixin, Base):
                __tablename__ = "sketch"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("sketch_label", "id", "SketchLabel", "id", 9, nullable=False, declared_in="Label"),
         Row("sketch_label", "label", "SketchLabel", "label", 10, (PRIV,), nullable=False,
             declared_in="Label"),
         Row("sketch_label", "parent_id", "SketchLabel", "parent_id", 20),
         Row("sketch", "id", "Sketch", "id", 25, nullable=False)],
        id="type() named by str.format with :s, under if six.PY2/else: the Python 3 branch "
           "(timesketch's annotation mixins before 2023)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import sys
            from sqlalchemy.orm import declared_attr
            if sys.version_info[0] == 2:
                SUFFIX = b"_notes"
                class Legacy(Base):
                    __tablename__ = "legacy"
                    id: Mapped[int] = mapped_column(primary_key=True)
            else:
                SUFFIX = "_notes"
            def owner_column(table):
                if sys.version_info < (3,):
                    prefix = b"owner_"
                else:
                    prefix = "owner_"
                return prefix + table
            class Note:
                id: Mapped[int] = mapped_column(primary_key=True)
                if sys.version_info >= (3,):
                    body: Mapped[str] = mapped_column(Text, info={"v": ColumnVisibility.MASKED})
                else:
                    body: Mapped[str] = mapped_column(Text)
                    legacy_body: Mapped[str] = mapped_column(Text)
            class HasNotes:
                @declared_attr
                def notes(cls):
                    if sys.version_info.major < 3:
                        name = cls.__name__.encode() + b"Note"
                    elif sys.version_info >= (3, 0):
                        name = "{owner}{kind}".format(kind="Note", owner=cls.__name__)
                    made = type(name, (Note, Base), {
                        "__tablename__": "%s%s" % (cls.__tablename__, SUFFIX),
                        "owner": mapped_column(owner_column("id"), String),
                    })
                    return relationship(made)
            class Ticket(HasNotes, Base):
                __tablename__ = "tickets"
                id: Mapped[int] = mapped_column(primary_key=True)
            class Named:
                if sys.version_info < (3,):
                    PREFIX = b"app_"
                else:
                    PREFIX = "app_"
                @declared_attr
                def __tablename__(cls):
                    return cls.PREFIX + cls.__name__.lower()
            class Invoice(Named, Base):
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("app_invoice", "id", "Invoice", "id", 52, nullable=False),
         Row("tickets_notes", "id", "TicketNote", "id", 22, nullable=False, declared_in="Note"),
         Row("tickets_notes", "body", "TicketNote", "body", 24, (MASK,), nullable=False,
             declared_in="Note"),
         Row("tickets_notes", "owner_id", "TicketNote", "owner", 37),
         Row("tickets", "id", "Ticket", "id", 42, nullable=False)],
        id="sys.version_info tests at module level, in class bodies, a string helper and a "
           "declared_attr: only what Python 3 runs; str.format with keyword fields, %s",
    ),
    # -------------------------------- a class attribute bound to another class's attribute
    pytest.param(
        {"app/m.py": src("""\
            class BaseMixin:
                id = Column(Integer, primary_key=True)
                secret = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Entity(Base, BaseMixin):
                __tablename__ = "entities"
                id = BaseMixin.id
                name = Column(String)
            """)},
        None,
        [Row("entities", "id", "Entity", "id", 7, nullable=False, declared_in="BaseMixin"),
         Row("entities", "secret", "Entity", "secret", 8, (PRIV,), declared_in="BaseMixin"),
         Row("entities", "name", "Entity", "name", 12)],
        id="id = BaseMixin.id: the mixin's column re-bound under its own name (zou)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Contact:
                email: Mapped[str] = mapped_column(
                    String, info={"v": ColumnVisibility.PRIVATE})
                @declared_attr
                def api_token(cls):
                    return Column(String, info={"v": ColumnVisibility.MASKED})
            class Person(Base, Contact):
                __tablename__ = "people"
                id: Mapped[int] = mapped_column(primary_key=True)
                backup_email = Contact.email
                token_copy = Contact.api_token
            """)},
        None,
        [Row("people", "email", "Person", "email", 8, (PRIV,), nullable=False,
             declared_in="Contact"),
         Row("people", "api_token", "Person", "api_token", 10, (MASK,), declared_in="Contact"),
         Row("people", "id", "Person", "id", 15, nullable=False),
         Row("people", "backup_email", "Person", "backup_email", 8, (PRIV,),
             declared_in="Contact"),  # no Mapped[str] here: nullable, as SQLAlchemy maps it
         Row("people", "token_copy", "Person", "token_copy", 10, (MASK,),
             declared_in="Contact")],
        id="a labelled mapped_column and declared_attr of a mixin bound under a new name: "
           "one more column, the mixin's labels and line",
    ),
    pytest.param(
        {"app/mixins.py": D("""\
            from sqlalchemy import Column, Integer, String
            from app.vis import ColumnVisibility
            class Audited:
                id = Column(Integer, primary_key=True)
                signer = Column("signed_by", String, info={"v": ColumnVisibility.PRIVATE})
            """),
         "app/m.py": src("""\
            import app.mixins
            from app import mixins
            class Report(Base, mixins.Audited):
                __tablename__ = "reports"
                id = mixins.Audited.id
                signer = app.mixins.Audited.signer
            """)},
        None,
        [Row("reports", "id", "Report", "id", 4, nullable=False, path="app/mixins.py",
             declared_in="Audited"),
         Row("reports", "signed_by", "Report", "signer", 5, (PRIV,), path="app/mixins.py",
             declared_in="Audited")],
        id="module.Mixin.attr through a module import, explicit DB name kept",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from typing import Optional
            class Contact:
                email: Mapped[str] = mapped_column(String)
                phone: Mapped[Optional[str]] = mapped_column(
                    String, info={"v": ColumnVisibility.PRIVATE})
            class Person(Base, Contact):
                __tablename__ = "people"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = Contact.email
                mobile: Mapped[str] = Contact.phone
            """)},
        None,
        [Row("people", "id", "Person", "id", 13, nullable=False),
         Row("people", "email", "Person", "email", 8, nullable=False, declared_in="Contact"),
         Row("people", "phone", "Person", "phone", 9, (PRIV,), declared_in="Contact"),
         Row("people", "mobile", "Person", "mobile", 9, (PRIV,), nullable=False,
             declared_in="Contact")],
        id="the annotation SQLAlchemy reads: the original's under the same name, the alias's "
           "own under a new one",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Tokened:
                token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Noted:
                note = Column(String, info={"v": ColumnVisibility.MASKED})
            class Key(Base, Tokened, Noted):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                token = Column(String)
                token = Tokened.token
                note = Noted.note
                note = Column(Text)
            """)},
        None,
        [Row("keys", "id", "Key", "id", 12, nullable=False),
         Row("keys", "token", "Key", "token", 7, (PRIV,), declared_in="Tokened"),
         Row("keys", "note", "Key", "note", 16)],
        id="the last binding in the class body wins, a column or Mixin.attr",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Audited:
                signer = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Signed:
                signer = Audited.signer
            class Report(Base):
                __tablename__ = "reports"
                id = Column(Integer, primary_key=True)
                signer = Signed.signer
            """)},
        None,
        [Row("reports", "id", "Report", "id", 12, nullable=False),
         Row("reports", "signer", "Report", "signer", 7, (PRIV,), declared_in="Audited")],
        id="Signed.signer where Signed binds signer = Audited.signer: followed to the column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Stamped(Base):
                __abstract__ = True
                id = Column(Integer, primary_key=True)
                note = Column(Text, info={"v": ColumnVisibility.MASKED})
            class Invoice(Stamped):
                __tablename__ = "invoices"
                note = Stamped.note
            """)},
        None,
        [Row("invoices", "id", "Invoice", "id", 8, nullable=False, declared_in="Stamped"),
         Row("invoices", "note", "Invoice", "note", 9, (MASK,), declared_in="Stamped")],
        id="note = Abstract.note: an __abstract__ base's column re-bound",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import enum
            class Kind(enum.Enum):
                A = 1
                B = enum.auto()
            class Limits:
                MAX = 10
                def clamp(self, n):
                    return min(n, self.MAX)
            class Account(Base):
                __tablename__ = "accounts"
                id = Column(Integer, primary_key=True)
                secret = Column(String, info={"v": ColumnVisibility.PRIVATE})
                owner = relationship("Owner")
            class Owner(Base):
                __tablename__ = "owners"
                id = Column(Integer, primary_key=True)
                account_id = Column(ForeignKey("accounts.id"))
                default_kind = Kind.A
                other_kind = Kind.B
                max_len = Limits.MAX
                clamp = Limits.clamp
                metadata_ref = Base.metadata
                account_secret = Account.secret
                account_owner = Account.owner
            """)},
        None,
        [Row("accounts", "id", "Account", "id", 16, nullable=False),
         Row("accounts", "secret", "Account", "secret", 17, (PRIV,)),
         Row("owners", "id", "Owner", "id", 21, nullable=False),
         Row("owners", "account_id", "Owner", "account_id", 22)],
        id="enum members, constants, methods and a mapped class's attributes (a synonym) "
           "build no column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Secretive:
                secret = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Account(Base):
                __tablename__ = "accounts"
                id = Column(Integer, primary_key=True)
                secret = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Profile(Base, Secretive):
                __tablename__ = "profiles"
                id = Column(Integer, primary_key=True)
                secret = Account.secret
            """)},
        None,
        [Row("accounts", "id", "Account", "id", 10, nullable=False),
         Row("accounts", "secret", "Account", "secret", 11, (PRIV,)),
         Row("profiles", "id", "Profile", "id", 14, nullable=False)],
        id="a mapped class's attribute hides the mixin's column: no column, as SQLAlchemy maps",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import DateTime, select, text
            from sqlalchemy.orm import declared_attr
            class Employee(Base):
                __tablename__ = "employee"
                id = Column(Integer, primary_key=True)
                kind = Column(String(20))
                __mapper_args__ = {"polymorphic_on": kind}
            class Engineer(Employee):
                __mapper_args__ = {"polymorphic_identity": "engineer"}
                @declared_attr
                def start_date(cls):
                    return Employee.__table__.c.get("start_date", Column(DateTime))
                _managers = select(Employee.id).where(text("employee.kind = 'manager'")).limit(5)
            class Manager(Employee):
                __mapper_args__ = {"polymorphic_identity": "manager"}
                @declared_attr
                def start_date(cls):
                    return Employee.__table__.c.get("start_date", Column(DateTime))
            """)},
        None,
        [Row("employee", "id", "Employee", "id", 10, nullable=False),
         Row("employee", "kind", "Employee", "kind", 11),
         Row("employee", "start_date", "Engineer", "start_date", 15)],
        id="single-table subclasses sharing a column through Parent.__table__.c.get(name, "
           "Column(...)), SQLAlchemy's recipe (faraday); a query as a class attribute is none",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import func, select, table, text
            from sqlalchemy.orm import column_property
            def count_of(parent, children, where=None, use_column_property=True):
                \"\"\"A deferred count of a parent's children (faraday's helpers).\"\"\"
                query = (select(func.count(text(f"{children}.id")))
                         .select_from(table(children))
                         .where(text(f"{children}.{parent}_id = {parent}.id")))
                if where is not None:
                    query = query.where(where)
                if use_column_property:
                    return column_property(query.scalar_subquery(), deferred=True)
                return query
            def newest(kind):
                latest = select(func.max(text("created"))).where(text(f"kind = '{kind}'"))
                return column_property(latest.scalar_subquery())
            class Parent(Base):
                __tablename__ = "parent"
                id = Column(Integer, primary_key=True)
                child_count = count_of("parent", "child")
                newest_child = newest("child")
            """)},
        None,
        [Row("parent", "id", "Parent", "id", 23, nullable=False)],
        id="helpers that build a read-only SQL property with column_property(select(...)) "
           "make no column (faraday)",
    ),    pytest.param(
        {"app/sqlalchemy.py": D("""\
            import json
            from sqlalchemy.types import TypeDecorator, VARCHAR
            class JSONEncodedDict(TypeDecorator):
                impl = VARCHAR
            """),
         "app/models.py": V + D("""\
            from sqlalchemy import String
            from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
            from app.sqlalchemy import JSONEncodedDict
            class SystemModel(DeclarativeBase):
                pass
            class PluginSetting(SystemModel):
                __tablename__ = "plugin_settings"
                name: Mapped[str] = mapped_column(String, primary_key=True)
                value = mapped_column(JSONEncodedDict, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("plugin_settings", "name", "PluginSetting", "name", 9, nullable=False,
             path="app/models.py"),
         Row("plugin_settings", "value", "PluginSetting", "value", 10, (PRIV,),
             path="app/models.py")],
        id="a plain sqlalchemy.py of the app's own does not shadow sqlalchemy.orm: a module has "
           "no submodules (meltano)",
    ),
    pytest.param(
        {"app/schemas/__init__.py": "from .constants import (\n    EventFieldType,\n)\n",
         "app/schemas/constants.py": D("""\
            class EventFieldType:
                MODEL_ENDPOINTS = "model_endpoints"
                UID = "uid"
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer, String
            from sqlalchemy.orm import declarative_base
            from app.schemas import EventFieldType
            Base = declarative_base()
            class ModelEndpointsBaseTable:
                __tablename__ = EventFieldType.MODEL_ENDPOINTS
                uid = Column(EventFieldType.UID, String(40), primary_key=True)
            class ModelEndpointsTable(Base, ModelEndpointsBaseTable):
                pass
            """)},
        None,
        [Row("model_endpoints", "uid", "ModelEndpointsTable", "uid", 7, nullable=False,
             path="app/m.py", declared_in="ModelEndpointsBaseTable")],
        id="a table and a column named by a plain class's constants (mlrun: EventFieldType)",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY)},
        None,
        [Row("runs", "id", "Run", "id", 18, nullable=False),
         Row("projects", "id", "Project", "id", 22, nullable=False),
         *(Row(f"{t}_labels", c, "Label", c, line, labels, nullable)
           for t in ("runs", "projects")
           for c, line, labels, nullable in (("id", 11, (), False), ("name", 12, (), True),
                                             ("value", 13, (PRIV,), True),
                                             ("parent", 14, (), True)))],
        id="a class factory called in mapped classes' bodies with __tablename__ or a literal: "
           "one table per call",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import MetaData
            def create_all(metadata):
                create_alarm_model(metadata)
                Repository(metadata)
            def create_alarm_model(metadata=None):
                return Table("alarm", metadata,
                             Column("id", String(36)),
                             Column("link", String(512), info={"v": ColumnVisibility.PRIVATE}))
            def probe(engine):
                return Table("alarm", MetaData(), autoload_with=engine)
            class Repository:
                def __init__(self, metadata):
                    self.tokens = Table("tokens", metadata, Column("token", String(36)))
            create_all(Base.metadata)
            """)},
        None,
        [Row("alarm", "id", None, None, 12),
         Row("alarm", "link", None, None, 13, (PRIV,)),
         Row("tokens", "token", None, None, 18)],
        id="Table(...) with columns written out in a function or a method (monasca-api's "
           "create_*_model(metadata)); a reflected probe adds none",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def make_local():
                class Local:
                    pass
                return Local
            class Rules:
                def __init__(self, metadata):
                    self.table = Table("rules", metadata,
                                       Column("rule_id", Integer, primary_key=True))
                    self.table.append_column(
                        Column("api_key", String(64), info={"v": ColumnVisibility.PRIVATE}))
            class UserRoles:
                def __init__(self, metadata):
                    roles = Table("user_roles", metadata)
                    roles.append_column(Column("username", String(100), primary_key=True))
                    role = Column("role", String(50), info={"v": ColumnVisibility.MASKED})
                    roles.append_column(role)
            Rules(Base.metadata)
            UserRoles(Base.metadata)
            """)},
        None,
        [Row("rules", "rule_id", None, None, 13, nullable=False),
         Row("rules", "api_key", None, None, 15, (PRIV,)),
         Row("user_roles", "username", None, None, 19, nullable=False),
         Row("user_roles", "role", None, None, 20, (MASK,))],
        id="x.append_column(Column(...)) in the method that bound x = Table(...) is that "
           "table's column (balrog's AUSTable subclasses)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Database:
                def configure_associations(self, metadata):
                    setattr(
                        self,
                        "pool_device_table",
                        Table(
                            "pool_device_association",
                            metadata,
                            Column("pool_id", Integer, primary_key=True),
                            Column("secret", String(64), info={"v": ColumnVisibility.PRIVATE}),
                        ),
                    )
            Database().configure_associations(Base.metadata)
            """)},
        None,
        [Row("pool_device_association", "pool_id", None, None, 14, nullable=False),
         Row("pool_device_association", "secret", None, None, 15, (PRIV,))],
        id="a method's Table(...) call that opens its own line is read like any other "
           "(eNMS's setattr(self, ..., Table(...)))",
    ),
    pytest.param(
        {"app/m.py": src(_DECLARED_ATTR_CALL)},
        None,
        [Row("memberships", "title", "Membership", "_title", 12, declared_in="FrozenMixin"),
         Row("memberships", "id", "Membership", "id", 16, nullable=False)],
        id="_title = declared_attr(__title) on a classmethod of the body (funnel's "
           "FrozenAttributionMixin): the column it returns",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import validates
            def TruncateString(*fields):
                class TruncateStringMixin:
                    @validates(*fields)
                    def validate_string_field_length(self, key, value):
                        return value
                return TruncateStringMixin
            class DataSchema(TruncateString("name"), Base):
                __tablename__ = "data_schema"
                id = Column(Integer, primary_key=True)
                name = Column(String(255))
            """)},
        None,
        [Row("data_schema", "id", "DataSchema", "id", 15, nullable=False),
         Row("data_schema", "name", "DataSchema", "name", 16)],
        id="a mixin a function returns, called in the class statement (querybook's "
           "TruncateString(\"name\")): its arguments feed only a method's decorator",
    ),
]


# Cases whose imports are not installed here, so the differential test cannot build them.
STATIC_CASES = [
    pytest.param(
        # n6's OrgConfigUpdateRequest: a CHECK constraint's text made by str.format from a helper
        # of another package; a string's method makes a string, whatever it is given
        {"app/m.py": src("""\
            from n6lib.common_helpers import ascii_only
            NEW = "new"
            class Request(Base):
                __tablename__ = "requests"
                __CHECK_SQL = "status in ('{new}')".format(new=ascii_only(NEW))
                CHECK_SQL = ", ".join([ascii_only(NEW)])
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [Row("requests", "id", "Request", "id", 12, nullable=False)],
        id="a string's method hands back a string, whatever call it is given (n6)",
    ),
    pytest.param(
        # abilian-core's entities.py: EntityMeta puts _EntityInherit, whose declared_attr id is
        # a key to entity.id, in front of the bases of every entity but Entity itself, so each
        # subclass maps a table of its own (named by Flask-SQLAlchemy) holding its columns
        {"app/entities.py": src("""\
            from sqlalchemy import ForeignKey
            from sqlalchemy.orm import declared_attr
            BaseMeta = Base.__class__
            class IdMixin:
                id = Column(Integer, primary_key=True)
            class BaseMixin(IdMixin):
                id: int
            class _EntityInherit:
                @declared_attr
                def id(cls):
                    return Column(Integer, ForeignKey("entity.id"), primary_key=True)
            class EntityMeta(BaseMeta):
                def __new__(mcs, classname, bases, d):
                    if classname != "Entity":
                        if not any(issubclass(b, _EntityInherit) for b in bases):
                            bases = (_EntityInherit,) + bases
                            d["id"] = _EntityInherit.id
                    return BaseMeta.__new__(mcs, classname, bases, d)
            class Entity(BaseMixin, Base, metaclass=EntityMeta):
                __tablename__ = "entity"
                name = Column(String)
            """),
         "app/m.py": V + D("""\
            from sqlalchemy import Column, String
            from app.entities import Entity
            class Attachment(Entity):
                description = Column(String, info={"v": ColumnVisibility.MASKED})
            """)},
        "flask-sqlalchemy",
        # the condition is not read, so Entity takes the mixin's id too (the column is
        # there either way)
        [Row("entity", "id", "Entity", "id", 14, nullable=False, path="app/entities.py",
             declared_in="_EntityInherit"),
         Row("entity", "name", "Entity", "name", 26, path="app/entities.py"),
         Row("attachment", "id", "Attachment", "id", 14, nullable=False,
             path="app/entities.py", declared_in="_EntityInherit"),
         Row("attachment", "description", "Attachment", "description", 5, (MASK,))],
        id="a metaclass that adds a mixin to the bases of every class it makes does so for "
           "each subclass too: abilian's EntityMeta and _EntityInherit",
    ),
    pytest.param(
        # rootthebox's libs/BotManager.py of 2014-2019: Python 2 code that parses as Python 3,
        # its table name wrapped in unicode(); the differential test's Python 3 has no unicode
        {"app/m.py": src("""\
            import re
            from sqlalchemy.orm import declarative_base, declared_attr
            class _BotDatabaseObject(object):
                @declared_attr
                def __tablename__(self):
                    name = self.__name__
                    return unicode(
                        name[0].lower() +
                        re.sub(r'([A-Z])',
                               lambda letter: "_" + letter.group(0).lower(), name[1:])
                    )
                id = Column(Integer, primary_key=True)
            BotDatabaseObject = declarative_base(cls=_BotDatabaseObject)
            class MarkedBot(BotDatabaseObject):
                wall_name = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [Row("marked_bot", "id", "MarkedBot", "id", 17, nullable=False,
             declared_in="_BotDatabaseObject"),
         Row("marked_bot", "wall_name", "MarkedBot", "wall_name", 20, (PRIV,))],
        id="unicode(...) of a declared_attr __tablename__ is the string (Python 2's str)",
    ),
    pytest.param(
        {"zaqar/storage/sqlalchemy/__init__.py": "",
         "zaqar/storage/sqlalchemy/tables.py": D("""\
            import sqlalchemy as sa
            metadata = sa.MetaData()
            Pools = sa.Table("Pools", metadata,
                             sa.Column("name", sa.String(64), primary_key=True),
                             sa.Column("uri", sa.String(255), nullable=False))
            """)},
        None,
        [Row("Pools", "name", None, None, 4, nullable=False,
             path="zaqar/storage/sqlalchemy/tables.py"),
         Row("Pools", "uri", None, None, 5, nullable=False,
             path="zaqar/storage/sqlalchemy/tables.py")],
        id="a package named sqlalchemy under parents without __init__.py is no SQLAlchemy "
           "(zaqar)",
    ),
    pytest.param(
        {"libs/sqlalchemy/__init__.py": "from .schema import Column, Table\n",
         "libs/sqlalchemy/schema.py": "class Column: ...\nclass Table: ...\n",
         "app/tables.py": D("""\
            import sqlalchemy as sa
            metadata = sa.MetaData()
            history = sa.Table("history", metadata,
                               sa.Column("id", sa.Integer, primary_key=True))
            """)},
        None,
        [Row("history", "id", None, None, 4, nullable=False, path="app/tables.py")],
        id="a vendored copy of sqlalchemy does not hide the installed one (bazarr's libs/)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import inflection
            from sqlalchemy.orm import declared_attr
            class Named(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return inflection.underscore(cls.__name__)
            class OAuthClientToken(Named):
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [Row("o_auth_client_token", "id", "OAuthClientToken", "id", 14, nullable=False)],
        id="inflection.underscore(cls.__name__) in a declared_attr __tablename__",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from flask_security.models.fsqla import FsUserMixin
            from vendor.kinds import Kind
            class Login(Base):
                __tablename__ = "logins"
                id = Column(Integer, primary_key=True)
                password = FsUserMixin.password
                kind = Kind.ADMIN
            """)},
        None,
        [Row("logins", "id", "Login", "id", 10, nullable=False),
         Row("logins", "password", "Login", "password", 8, nullable=False,
             declared_in="FsUserMixin")],
        id="Mixin.attr of a declared external mixin is its column; an unknown package's "
           "attribute that hides no column is none",
    ),
]


BARE_ANNOTATION = {"app/m.py": src("""\
    class IdMixin:
        id = Column(Integer, primary_key=True)
    class BaseMixin(IdMixin):
        id: int
        name = Column(String)
    class Entity(BaseMixin, Base):
        __tablename__ = "entity"
        __allow_unmapped__ = True
    """)}


def test_a_bare_tablename_annotation_names_no_table() -> None:
    """abilian-sbe's ``PostAttachment(BaseContent)`` says ``__tablename__: str`` alone: no
    name, so its columns go to its parent's table (single-table inheritance)."""
    inventory = scan({"app/m.py": src("""\
        class Doc(Base):
            __tablename__ = "docs"
            id = Column(Integer, primary_key=True)
            kind = Column(String)
            __mapper_args__ = {"polymorphic_on": kind, "polymorphic_identity": "doc"}
        class Attachment(Doc):
            __tablename__: str
            __mapper_args__ = {"polymorphic_identity": "attachment"}
            post_id = Column(Integer)
        """)})
    assert inventory.errors == ()
    assert [(c.table, c.column, c.class_name) for c in inventory.columns] == [
        ("docs", "id", "Doc"), ("docs", "kind", "Doc"), ("docs", "post_id", "Attachment")]


def test_a_class_defined_for_the_type_checker_only_maps_nothing() -> None:
    """onegov's pay/types.py declares ``class PayableBase(Base, Payable)`` under ``if
    TYPE_CHECKING:``, for annotations: the class is never defined, so it is no model (it was
    an MR007 for its missing table name)."""
    inventory = scan({"app/m.py": src("""\
        from typing import TYPE_CHECKING
        class Payable:
            if TYPE_CHECKING:
                __tablename__: str
        if TYPE_CHECKING:
            class PayableBase(Base, Payable):
                pass
        class Invoice(Payable, Base):
            __tablename__ = "invoices"
            id = Column(Integer, primary_key=True)
        """)})
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == [("invoices", "id")]


def test_a_bare_annotation_hides_no_column_of_a_base() -> None:
    """abilian's ``BaseMixin`` says ``id: int`` above ``IdMixin``'s Column: an annotation
    without a value binds nothing, so SQLAlchemy maps the Column (a `Mapped[int]` alone would
    be a column itself)."""
    inventory = scan(BARE_ANNOTATION)
    assert inventory.errors == ()
    assert sorted(map(row, inventory.columns), key=repr) == [
        Row("entity", "id", "Entity", "id", 7, nullable=False, declared_in="IdMixin"),
        Row("entity", "name", "Entity", "name", 10, declared_in="BaseMixin")]


@pytest.mark.parametrize(("files", "naming", "expected"), [*CASES, *STATIC_CASES])
def test_columns(files: dict[str, str], naming: TableNaming | None, expected: list[Row]) -> None:
    inventory = scan(files, naming)
    assert inventory.errors == ()
    assert sorted(map(row, inventory.columns), key=repr) == sorted(expected, key=repr)


FIX = r"declare the column with mapped_column\(\.\.\.\) or Column\(\.\.\.\) in the class body"

ERROR_CASES = [
    pytest.param(
        {"app/database.py": D("""\
            from sqlalchemy.ext.declarative import declarative_base
            Base = declarative_base()
            class Database:
                def __init__(self, Base):
                    self.base = Base
                    self.marker = declarative_base()
            db = Database(object)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.database import db
            class Credential(db.base):
                __tablename__ = "credential"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 3, r"^class Credential: base class 'db\.base' cannot be found")],
        id="broken: an instance attribute bound to a method's parameter blocks, though the "
           "module binds a base of the same name",
    ),
    pytest.param(
        {"app/database.py": D("""\
            from sqlalchemy.ext.declarative import declarative_base
            class Database:
                def __init__(self, legacy):
                    self.base = declarative_base()
                    if legacy:
                        self.base = make_legacy_base()
                def columns(self):
                    def column(*args):
                        return Column(*args, default="")
                    self.Column = column
            db = Database(False)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.database import db
            class Credential(db.base):
                __tablename__ = "credential"
                id = Column(Integer, primary_key=True)
                password = db.Column(Integer)
            """)},
        None,
        [("app/m.py", 3, r"^class Credential: base class 'db\.base' cannot be found")],
        id="broken: an instance attribute its methods bind to two things blocks (which one the "
           "models get is decided at run time)",
    ),
    pytest.param(
        {"app/m.py": D(f"""\
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            class {"Long" * 260}(Base):
                id = Column(Integer, primary_key=True)
            """)},
        "{class}s",
        [("app/m.py", 4, r"^class (Long)+: table-naming '\{class\}s' gives it no table name "
          r"the reviewer accepts; give the class a literal __tablename__$")],
        id="broken: a table-naming template that names a table longer than any accepted blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class AUSTable:
                def __init__(self, metadata):
                    self.t = self.table
                    self.t.append_column(Column("data_version", Integer, nullable=False))
                    token = Column("token", String(64))
                    self.t.append_column(token)
            class Rules(AUSTable):
                def __init__(self, metadata):
                    self.table = Table("rules", metadata,
                                       Column("rule_id", Integer, primary_key=True))
                    AUSTable.__init__(self, metadata)
            Rules(Base.metadata)
            """)},
        None,
        [("app/m.py", 9, r"^Column\(\.\.\.\) builds a column given to self\.t\.append_column"
          r"\(\.\.\.\) in AUSTable\.__init__\(\), which adds it at run time to a table "
          r"masking-reviewer cannot tell from the source, so a labelled one would pass "
          r"unchecked; pass it straight to a Table\(\.\.\.\) assigned to a name, or declare it "
          r"in a mapped class's body$"),
         ("app/m.py", 10, r"^Column\(\.\.\.\) builds a column given to self\.t\.append_column"
          r"\(\.\.\.\) in AUSTable\.__init__\(\)")],
        id="x.append_column(Column(...)) in a function that did not bind x = Table(...) blocks: "
           "which table gets the column is decided at run time (balrog's AUSTable)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declarative_base
            from app.report import ReportColumn
            PROPERTIES = {"device": {"enable_secret": {"type": "str"}}}
            class Report:
                def __init__(self):
                    self.Column = ReportColumn
                def add(self, target):
                    setattr(target, "total", self.Column("total"))
            class Database:
                def __init__(self):
                    self.base = declarative_base()
                    self.Column = Column
                def configure_associations(self, metadata, associations):
                    for name, association in associations.items():
                        setattr(
                            self,
                            f"{name}_table",
                            Table(
                                f"{name}_association",
                                metadata,
                                Column(association["column"], Integer, primary_key=True),
                            ),
                        )
                def set_custom_properties(self, table):
                    for property, values in PROPERTIES.get(table.__tablename__, {}).items():
                        column = self.Column(String(64))
                        setattr(table, property, column)
                def set_flag(self, table):
                    table.enabled = Column(Boolean)
                def update(self, row, values):
                    for key, value in values.items():
                        setattr(row, key, value)
            """)},
        None,
        [("app/m.py", 23, r"^Table\(\.\.\.\) name cannot be computed from the source"),
         ("app/m.py", 31, r"^self\.Column\(\.\.\.\) builds a column given to setattr\(table, "
          r"\.\.\.\) in Database\.set_custom_properties\(\), which adds it at run time to a "
          r"class masking-reviewer cannot tell from the source, so a labelled one would pass "
          r"unchecked; pass it straight to a Table\(\.\.\.\) assigned to a name, or declare it "
          r"in a mapped class's body$"),
         ("app/m.py", 34, r"^Column\(\.\.\.\) builds a column given to table\.enabled = "
          r"\.\.\. in Database\.set_flag\(\), which adds it at run time to a class")],
        id="a function that sets a column on a class it is given blocks, and so does a table "
           "it names at run time: eNMS's custom properties (self.Column, the instance's "
           "Column) and association tables; another library's column passes",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def with_flag(cls):
                cls.enabled = Column(Boolean, default=False)
                return cls
            """)},
        None,
        [("app/m.py", 7, r"^Column\(\.\.\.\) builds a column given to cls\.enabled = \.\.\. in "
          r"with_flag\(\), which adds it at run time to a class masking-reviewer cannot tell")],
        id="a function that sets a column as an attribute of a class it is given blocks",
    ),
    # ------------------------------------------------------------------ bases
    pytest.param(
        {"app/db.py": "BaseModel = db.Model\n",
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.db import BaseModel
            class User(BaseModel):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 3, r"^class User: base class 'BaseModel' cannot be found in the repository "
          r".*; make sure the module defining it is committed$")],
        id="broken: alias of an instance that is defined nowhere",
    ),
    pytest.param(
        {"app/__init__.py": "", "app/resources/__init__.py": "",
         "app/resources/gen3models/__init__.py": "",
         "app/resources/gen3models/user.py": "def sync(user):\n    return user\n",
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from gen3models import Base
            class Client(Base):
                __tablename__ = "client"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 3, r"^class Client: base class 'Base' is gen3models\.Base from the package "
          r"'gen3models', outside the repository; it is not installed where masking-reviewer "
          r"runs")],
        id="a package's base is outside the repository though a directory of it has the "
           "package's name (fence's fence/resources/userdatamodel/ beside `from userdatamodel "
           "import Base`): it said to commit the module",
    ),
    pytest.param(
        {"app/db.py": D("""\
            def create_model(manager):
                class CRUDMixin:
                    manager = None
                class _NewModel(CRUDMixin, manager.Model):
                    __abstract__ = True
                return _NewModel
            Model = create_model(None)
            """),
         "app/flow.py": D("""\
            from sqlalchemy import Column, Integer, String
            from app.db import Model
            class FlowEntity(Model):
                __tablename__ = "flows"
                id = Column(Integer, primary_key=True)
            class VariablesEntity(Model):
                __tablename__ = "variables"
                value = Column(String)
            """),
         "app/share.py": D("""\
            from sqlalchemy import Column, String
            from app.db import Model
            class ShareLink(Model):
                __tablename__ = "share_links"
                token = Column(String, primary_key=True)
            """)},
        None,
        [("app/db.py", 4, r"^class _NewModel: base class 'CRUDMixin' cannot be found"),
         ("app/db.py", 4, r"^class _NewModel: base class 'manager.Model' cannot be found"),
         ("app/flow.py", 3, r"^class FlowEntity derives from _NewModel \(app/db.py:4\), whose "
          r"bases cannot be read \(see the error there\), so the columns of the classes of this "
          r"file that derive from it cannot be read either; or declare it in external-bases "
          r'with the columns it adds, "app.db.Model" = \{ kind = "declarative-base", columns = '
          r"\[\] \} when it adds none$"),
         ("app/share.py", 3, r"^class ShareLink derives from _NewModel \(app/db.py:4\)")],
        id="broken: models of other files deriving from an unreadable base are told in their "
           "own file, once per file (db-gpt)",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy import Column, Integer
            from vendor_lib import VendorModel
            class Base(VendorModel):
                id = Column(Integer, primary_key=True)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, String
            from app.db import Base
            class User(Base):
                __tablename__ = "users"
                email = Column(String)
            """)},
        None,
        [("app/db.py", 3, r"^class Base: base class 'VendorModel' is vendor_lib.VendorModel "),
         ("app/m.py", 3, r"^class User derives from Base \(app/db.py:3\), whose bases cannot "
          r"be read \(see the error there\), so the columns of the classes of this file that "
          r"derive from it cannot be read either$")],
        id="broken: a base from a package is declared by its own entry, not the repository's "
           "class that derives from it (which has columns of its own)",
    ),
    pytest.param(
        {"app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            from vendor_lib import VendorMixin
            Model = declarative_base(cls=VendorMixin)
            class User(Model):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 1, r"^class Model: base class 'cls=VendorMixin' cannot be found")],
        id="broken: declarative_base(cls=...) from outside the repository",
    ),
    # ------------------------------------------------------------------ bases functions return
    pytest.param(
        {"app/schema.py": D("""\
            from sqlalchemy import Column, String
            from sqlalchemy.orm import as_declarative
            def tool_base(tool):
                @as_declarative()
                class ToolBase:
                    _tool = tool
                ToolBase.token = Column(String)
                return ToolBase
            """),
         "app/feeds.py": D("""\
            from sqlalchemy import Column, Integer
            from app import schema
            Base = schema.tool_base("feeds")
            class FeedLogin(Base):
                __tablename__ = "feed_logins"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/feeds.py", 4, r"^class FeedLogin: its base ToolBase is the class tool_base\(\) "
          r"\(app/schema\.py:3\) returns, but it does more than define the class and return it "
          r"\(line 7\), which could change the class, so its columns cannot be read; define the "
          r"class at module level, or have the function only define the class and return it$")],
        id="broken: a base function that changes its class after defining it blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def prefixed_base(prefix):
                class Prefixed(Base):
                    __abstract__ = True
                    note = Column(String, name=prefix + "_note")
                return Prefixed
            Model = prefixed_base("crm")
            class Lead(Model):
                __tablename__ = "leads"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 12, r"^class Lead: its base Prefixed is the class prefixed_base\(\) "
          r"\(app/m\.py:6\) returns, but the class reads the parameter 'prefix' where it shapes "
          r"the table or its columns, so each call may map something different, so its columns "
          r"cannot be read")],
        id="broken: a parameter in a column of the class a function returns blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def named_model(name):
                class Named(Base):
                    __tablename__ = name
                    id = Column(Integer, primary_key=True)
                return Named
            """)},
        None,
        [("app/m.py", 7, r"^class Named: it is the class named_model\(\) \(app/m\.py:6\) "
          r"returns, but the class reads the parameter 'name' where it shapes the table or its "
          r"columns, so each call may map something different; no file the reader reads calls "
          r"it, and the one use it reads is a call in a mapped class's body that passes the "
          r"name alone \(Label = named_model\(__tablename__\)\), so its columns cannot be "
          r"read; define the class at module level")],
        id="broken: a mapped class a function returns, its __tablename__ a parameter, blocks",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY + 'Extra = make_label("extras")\n')},
        None,
        [("app/m.py", 8, _FACTORY_CLASS + r"; 1 of its 3 uses in this file is no call in a mapped "
          r"class's body that passes the name alone \(Label = make_label\(__tablename__\)\), "
          r"which is what the reader reads, so its columns cannot be read")],
        id="broken: a class factory also called at module level blocks at its class",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY.replace('"projects")', "compute())"))},
        None,
        [("app/m.py", 8, _FACTORY_CLASS + r"; 1 of its 2 uses"),
         ("app/m.py", 23, r"^Project\.Label: make_label\(\.\.\.\) makes a mapped class from its "
          r"argument, which masking-reviewer cannot evaluate from the source, so the table it "
          r"maps cannot be checked; pass the table's name alone")],
        id="broken: a class factory given a name the reader cannot evaluate blocks at the call "
           "and at its class",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY.replace('ColumnVisibility.PRIVATE}', 'table}'))},
        None,
        [("app/m.py", 8, _FACTORY_CLASS + r", so its columns cannot be read"),
         ("app/m.py", 19, r"^Run\.Label: cannot resolve make_label\(\.\.\.\)"),
         ("app/m.py", 23, r"^Project\.Label: cannot resolve make_label\(\.\.\.\)")],
        id="broken: a class factory whose parameter labels a column is read at no call",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY.replace("name = Column(String(255))",
                                          "name = Column(String(table))"))},
        None,
        [("app/m.py", 8, _FACTORY_CLASS + r", so its columns cannot be read"),
         ("app/m.py", 19, r"^Run\.Label: cannot resolve make_label\(\.\.\.\)"),
         ("app/m.py", 23, r"^Project\.Label: cannot resolve make_label\(\.\.\.\)")],
        id="broken: a class factory whose parameter is read in a column's type is read at no "
           "call",
    ),
    pytest.param(
        {"app/m.py": src(_FACTORY),
         "app/o.py": src(D("""\
            from app.m import make_label
            class Other(Base):
                __tablename__ = "others"
                id = Column(Integer, primary_key=True)
                Label = make_label(__tablename__)
            """))},
        None,
        [("app/m.py", 8, _FACTORY_CLASS + r"; another file imports the function, so its columns "
          r"cannot be read")],
        id="broken: a class factory another file imports blocks at its class",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def create_model(name, metadata=None):
                return Table(name, metadata, Column("id", String(36)))
            """)},
        None,
        [("app/m.py", 7, r"^Table\(\.\.\.\) name cannot be computed from the source")],
        id="broken: Table(...) in a function, named by its parameter, blocks",
    ),
    pytest.param(
        {"app/m.py": src(_DECLARED_ATTR_CALL.replace("declared_attr(__title)",
                                                     "declared_attr(make_title)"))},
        None,
        [("app/m.py", 12, r"^_title = declared_attr\(make_title\): SQLAlchemy maps what the "
          r"function returns, which masking-reviewer cannot read")],
        id="broken: declared_attr(...) called on a function the reader cannot read blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from acme_links.sqlalchemy import add_primary_relationship
            from sqlalchemy_continuum import version_class
            import searchable
            class Account(Base):
                __tablename__ = "accounts"
                id = Column(Integer, primary_key=True)
            add_primary_relationship(Account, "primary_email", Account, "account", "account_id")
            AccountVersion = version_class(Account)
            searchable.make_searchable(Base.metadata)
            searchable.configure(options={"language": "english"})
            """)},
        None,
        [("app/m.py", 12, r"^add_primary_relationship\(\.\.\.\) "
          r"\(acme_links\.sqlalchemy\.add_primary_relationship, from the package "
          r"'acme_links'\) is "
          r"given the mapped class Account, so it may build tables or columns masking-reviewer "
          r"cannot see, and a labelled one would pass unchecked; declare them in a class body "
          r"or a Table\(\.\.\.\), or, if it builds none, declare it in "
          r"\[tool\.masking-reviewer\.external-bases\]: "
          r"\"acme_links\.sqlalchemy\.add_primary_relationship\" = \{ columns = \[\] \}$"),
         ("app/m.py", 14, r"^searchable\.make_searchable\(\.\.\.\) .* is given the MetaData "
          r"Base\.metadata, so it may build tables")],
        id="broken: a package's function called at module level with a model or the MetaData "
           "blocks, unless it is declared to build none (SQLAlchemy-Continuum's version_class)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class OldBase(Base):
                __abstract__ = True
            def pick_base(legacy):
                class NewBase(Base):
                    __abstract__ = True
                if legacy:
                    return OldBase
                return NewBase
            Model = pick_base(False)
            class Lead(Model):
                __tablename__ = "leads"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 15, r"^class Lead: its base NewBase is the class pick_base\(\) "
          r"\(app/m\.py:8\) returns, but it does not end in its one return of the class, so "
          r"which class a call returns cannot be read")],
        id="broken: a base function that may return another class blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import functools
            from app.registry import remember
            @functools.cache
            def cached_base():
                class Cached(Base):
                    __abstract__ = True
                return Cached
            @remember
            def remembered_base():
                class Remembered(Base):
                    __abstract__ = True
                return Remembered
            class Lead(cached_base()):
                __tablename__ = "leads"
                id = Column(Integer, primary_key=True)
            CachedBase = cached_base()
            class Note(CachedBase):
                __tablename__ = "notes"
                id = Column(Integer, primary_key=True)
            Model = remembered_base()
            class Card(Model):
                __tablename__ = "cards"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 26, r"^class Card: its base Remembered is the class remembered_base\(\) "
          r"\(app/m\.py:13\) returns, but it is decorated with remember, which may change what "
          r"a call returns")],
        id="broken: a base function under a decorator blocks (functools.cache does not, "
           "called in the class statement or bound to a name first)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            def prefixed_base(prefix):
                class Prefixed(Base):
                    __abstract__ = True
                    note = Column(String, name=prefix + "_note")
                return Prefixed
            class Lead(prefixed_base("crm")):
                __tablename__ = "leads"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 11, r"^class Lead: its base Prefixed is the class prefixed_base\(\) "
          r"\(app/m\.py:6\) returns, but the class reads the parameter 'prefix' where it shapes "
          r"the table or its columns, so each call may map something different")],
        id="broken: a base called in the class statement, its class shaped by the argument, "
           "blocks",
    ),
    pytest.param(
        {"app/db.py": V + D("""\
            from sqlalchemy import Column, String
            from sqlalchemy.orm import declarative_base
            class Owned:
                owner_email = Column(String, info={"v": ColumnVisibility.MASKED})
            class Plain:
                pass
            def make_base(legacy=False):
                if legacy:
                    return declarative_base(cls=Plain)
                return declarative_base(cls=Owned)
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.db import make_base
            Base = make_base()
            class Folder(Base):
                __tablename__ = "folders"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 4, r"^class Folder: base class 'Base' comes from make_base\(\) "
          r"\(app/db\.py:8\), which masking-reviewer cannot follow because it returns different "
          r"things from 2 return statements \(lines 10, 11\), so its columns cannot be read; "
          r"have the function only return the call that makes the base "
          r"\(declarative_base\(\.\.\.\), SQLAlchemy\(\.\.\.\)\) or define one class and "
          r"return it, or bind the base at module level \(Base = declarative_base\(\.\.\.\)\)$")],
        id="broken: a base function with a conditional return blocks (Owned's column was lost)",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy import Column, String
            from sqlalchemy.orm import declarative_base
            from app.mixins import MIXINS
            def make_base():
                \"\"\"The app's base, with every mixin.\"\"\"
                bases = []
                for mixin in MIXINS:
                    bases.append(mixin)
                return declarative_base(cls=tuple(bases))
            def kwargs_base(**options):
                return declarative_base(**options)
            def picked_base(mixins):
                return declarative_base(cls=mixins[0])
            def registry_base():
                from sqlalchemy.orm import registry
                reg = registry()
                return reg.generate_base()
            def query_base():
                base = declarative_base()
                base.query = None
                return base
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app import db
            from app.mixins import MIXINS
            Base = db.make_base()
            Kw = db.kwargs_base(cls=MIXINS[0])
            Picked = db.picked_base(MIXINS)
            Reg = db.registry_base()
            Query = db.query_base()
            class A(Base):
                __tablename__ = "a"
                id = Column(Integer, primary_key=True)
            class B(Kw):
                __tablename__ = "b"
                id = Column(Integer, primary_key=True)
            class C(Picked):
                __tablename__ = "c"
                id = Column(Integer, primary_key=True)
            class D(Reg):
                __tablename__ = "d"
                id = Column(Integer, primary_key=True)
            class E(Query):
                __tablename__ = "e"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 9, r"^class A: base class 'Base' comes from make_base\(\) \(app/db\.py:4\), "
          r"which masking-reviewer cannot follow because it runs a loop \(line 7\), so its "),
         ("app/m.py", 12, r"^class B: base class 'Kw' comes from kwargs_base\(\) "
          r"\(app/db\.py:10\), which masking-reviewer cannot follow because it passes "
          r"\*\*options to the call it returns \(line 11\), so its "),
         ("app/m.py", 15, r"^class C: base class 'Picked' comes from picked_base\(\) "
          r"\(app/db\.py:12\), which masking-reviewer cannot follow because it passes cls= an "
          r"expression \(line 13\), so its "),
         ("app/m.py", 18, r"^class D: base class 'Reg' comes from registry_base\(\) "
          r"\(app/db\.py:14\), which masking-reviewer cannot follow because it returns "
          r"registry\(\)\.generate_base\(\.\.\.\), which masking-reviewer does not read as a "
          r"declarative base when a function returns it, so its "),
         ("app/m.py", 21, r"^class E: base class 'Query' comes from query_base\(\) "
          r"\(app/db\.py:18\), which masking-reviewer cannot follow because it binds base to a "
          r"call and uses it again before returning it, so its ")],
        id="broken: a base function with a loop, **kwargs, a cls= expression, a method of a "
           "local, or a base it changes blocks, naming the function, its line and why",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            _bases = {}
            def memo_base(dbname):
                try:
                    return _bases[dbname]
                except KeyError:
                    _bases[dbname] = b = declarative_base()
                    b.id = Column(Integer, primary_key=True)
                    return b
            def picked_base(dbname):
                try:
                    return _bases[dbname]
                except LookupError:
                    _bases[dbname] = b = declarative_base()
                    return b
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app import db
            class A(db.memo_base("crm")):
                __tablename__ = "a"
                name = Column(Integer)
            class B(db.picked_base("crm")):
                __tablename__ = "b"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/db.py", 9, r"^Column\(\.\.\.\) builds a column given to b\.id = \.\.\. in "
          r"memo_base\(\), which adds it at run time"),
         ("app/m.py", 3, r"^class A: base class 'db\.memo_base\(\)' comes from memo_base\(\) "
          r"\(app/db\.py:4\), which masking-reviewer cannot follow because it binds b to a call "
          r"and uses it again before returning it, so its columns cannot be read; have the "),
         ("app/m.py", 6, r"^class B: base class 'db\.picked_base\(\)' comes from picked_base\(\) "
          r"\(app/db\.py:11\), which masking-reviewer cannot follow because it returns "
          r"different things from 2 return statements \(lines 13, 16\), so its ")],
        id="broken: a memoised base function that adds a column to the base, or catches more "
           "than a missing key, blocks naming the function, in the class statement too",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy.orm import DeclarativeMeta
            class AppMeta(DeclarativeMeta):
                \"\"\"The app's metaclass.\"\"\"
            def meta_base():
                return DeclarativeMeta("Base", (object,), {})
            def app_meta_base():
                return AppMeta("Base", (object,), {})
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.db import app_meta_base, meta_base
            Base = meta_base()
            AppBase = app_meta_base()
            class A(Base):
                __tablename__ = "a"
                id = Column(Integer, primary_key=True)
            class B(AppBase):
                __tablename__ = "b"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 5, r"^class A: base class 'Base' comes from meta_base\(\) \(app/db\.py:4\), "
          r"which masking-reviewer cannot follow because it builds the class at run time with "
          r"DeclarativeMeta\(\.\.\.\), so its columns cannot be read; have the function "),
         ("app/m.py", 8, r"^class B: base class 'AppBase' comes from app_meta_base\(\) "
          r"\(app/db\.py:6\), which masking-reviewer cannot follow because it builds the class "
          r"at run time with AppMeta\(\.\.\.\), so its ")],
        id="broken: a base function calling a declarative metaclass blocks, naming the function",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy import Column, Integer
            from app.registry import BASES
            class PickBase(type):
                def __new__(mcs, name, bases, ns):
                    chosen = BASES[ns.get("__kind__", "default")]
                    class mcs(type(chosen), mcs):
                        pass
                    return type.__new__(mcs, name, (chosen,), ns)
            def kind_base():
                return PickBase("KindBase", (object,), {})
            def sized_base(size):
                return PickBase("SizedBase", (object,), {"id": Column(Integer(size))})
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.db import kind_base, sized_base
            Base = kind_base()
            Sized = sized_base(8)
            class A(Base):
                __tablename__ = "a"
                id = Column(Integer, primary_key=True)
            class B(Sized):
                __tablename__ = "b"
            """)},
        None,
        [("app/m.py", 5, r"^class A: base class 'Base' comes from kind_base\(\) \(app/db\.py:9\), "
          r"which masking-reviewer cannot follow because it makes the class with the metaclass "
          r"PickBase \(app/db\.py:3\), which puts no declarative base masking-reviewer can name "
          r"among the bases of the classes it makes, so its columns cannot be read; derive "
          r"PickBase from SQLAlchemy's DeclarativeMeta, or have its __new__ add the declarative "
          r"base by name \(new_bases\.append\(Base\), bases \+ \(Base,\)\) before it calls "
          r"type\.__new__, or derive the models from the base$"),
         ("app/m.py", 8, r"^class B: base class 'Sized' comes from sized_base\(\) "
          r"\(app/db\.py:11\), which masking-reviewer cannot follow because it makes the class "
          r"with the metaclass PickBase \(app/db\.py:3\), which puts no declarative base ")],
        id="broken: a base function calling a metaclass that adds no base it names blocks, "
           "naming the metaclass and what to write",
    ),
    pytest.param(
        {"app/db.py": D("""\
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            class OnBase(type):
                def __new__(mcs, name, bases, ns):
                    if bases == (object,):
                        return type.__new__(mcs, name, bases, ns)
                    class mcs(type(Base), mcs):
                        pass
                    return type.__new__(mcs, name, (Base,), ns)
            def sized_base(size):
                return OnBase("Sized", (object,), {"id": Column(Integer(size))})
            def spread_base(extra):
                return OnBase("Spread", (object,), {**extra})
            """),
         "app/m.py": D("""\
            from sqlalchemy import Column, Integer
            from app.db import sized_base, spread_base
            Base = sized_base(8)
            Spread = spread_base({})
            class A(Base):
                __tablename__ = "a"
                name = Column(Integer)
            class B(Spread):
                __tablename__ = "b"
                name = Column(Integer)
            """)},
        None,
        [("app/m.py", 5, r"^class A: its base Sized is the class sized_base\(\) \(app/db\.py:11\) "
          r"returns, but the class reads the parameter 'size' where it shapes the table or its "
          r"columns, so each call may map something different, so its columns cannot be read"),
         ("app/m.py", 8, r"^class B: its base Spread is the class spread_base\(\) "
          r"\(app/db\.py:13\) returns, but its namespace unpacks \*\*\.\.\., whose entries "
          r"cannot be read; write them out in the dict literal, so its columns cannot be read")],
        id="broken: a metaclass that adds the base, called with a namespace that reads a "
           "parameter or unpacks **, blocks the classes deriving from what it made",
    ),
    pytest.param(
        {"app/ext.py": FSA + D("""\
            from app.models_base import ModelBase, LegacyBase
            def make_db(legacy=False):
                if legacy:
                    return SQLAlchemy(model_class=LegacyBase)
                return SQLAlchemy(model_class=ModelBase)
            db = make_db()
            """),
         "app/models_base.py": "class ModelBase:\n    pass\nclass LegacyBase:\n    pass\n",
         "app/m.py": D("""\
            from app.ext import db
            class User(db.Model):
                __tablename__ = "users"
                id = db.Column(db.Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 2, r"^class User: base class 'db\.Model' comes from make_db\(\) "
          r"\(app/ext\.py:3\), which masking-reviewer cannot follow because it returns different "
          r"things from 2 return statements \(lines 5, 6\), so its columns cannot be read")],
        id="broken: db.Model of a db = make_db() that returns different SQLAlchemy() calls",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.ext.hybrid import hybrid_property
            def secret_column():
                column = Column(String, info={"v": ColumnVisibility.PRIVATE})
                return column._copy()
            def maybe_column(attr, secret):
                prop = hybrid_property(lambda self: getattr(self, attr))
                if secret:
                    prop = Column(String, info={"v": ColumnVisibility.PRIVATE})
                return prop.setter(None)
            class Login(Base):
                __tablename__ = "logins"
                id = Column(Integer, primary_key=True)
                password = secret_column()
                token = maybe_column("x", True)
            """)},
        None,
        [("app/m.py", 18, r"^Login\.password: cannot resolve secret_column\(\.\.\.\)"),
         ("app/m.py", 19, r"^Login\.token: cannot resolve maybe_column\(\.\.\.\)")],
        id="broken: a function returning a method of a Column it made (or of a local it may "
           "rebind) blocks",
    ),
    # ------------------------------------------------------------------ re-exports
    pytest.param(
        {"app/sql/__init__.py": "from .types import *\n",
         "app/sql/types.py": "from sqlalchemy import Integer\n",
         "app/m.py": src("""\
            from app import sql
            class Patient(Base):
                __tablename__ = "patients"
                id = Column(Integer, primary_key=True)
                ssn = sql.Column(sql.String(11), info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [("app/m.py", 10, r"^Patient\.ssn: cannot resolve sql\.Column\(\.\.\.\) \(defined or "
          r"imported nowhere the reviewer can see\), .*; " + FIX)],
        id="broken: a star-import chain that never binds Column blocks (the empty-and-green app)",
    ),
    pytest.param(
        {"app/helpers/security.py": "import hmac\nfrom werkzeug.security import *\n",
         "app/m.py": V + D("""\
            from sqlalchemy import Integer, String
            from sqlalchemy.orm import DeclarativeBase
            from app.helpers.security import *
            class Base(DeclarativeBase):
                pass
            class User(Base):
                __tablename__ = "users"
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 9, r"^User\.id: cannot resolve Column\(\.\.\.\) \(from the package "
          r"'werkzeug'\)")],
        id="broken: a name only a helper's star import of another package may supply blocks",
    ),
    pytest.param(
        {"app/__init__.py": "",
         "app/m.py": D("""\
            from app import sql
            class User(sql.Model):
                id = sql.Column(sql.Integer, primary_key=True)
            class Helper(sql.Thing):
                size = 3
            """)},
        None,
        [("app/m.py", 2, r"^class User: base class 'sql\.Model' cannot be found in the "
          r"repository .*; make sure the module defining it is committed$")],
        id="broken: a model file naming no sqlalchemy, on an unresolvable base, is selected "
           "and blocks",
    ),
    pytest.param(
        {"app/compat.py": "import sqlalchemy\nColumn = sqlalchemy.Column\n__all__ = []\n",
         "app/m.py": src("""\
            from app.compat import *
            class Lead(Base):
                __tablename__ = "leads"
                id: Mapped[int] = mapped_column(primary_key=True)
                email = Colum(String, info={"v": ColumnVisibility.MASKED})
            """)},
        None,
        [("app/m.py", 10, r"^Lead\.email: cannot resolve Colum\(\.\.\.\) .*" + FIX)],
        id="broken: a name __all__ does not export is not imported by a star import",
    ),
    # ------------------------------------------------------------------ names from constants
    pytest.param(
        {"app/m.py": src("""\
            import os
            def prefixed(name):
                prefix = os.environ["PREFIX"]
                return prefix + name
            roles = Table(prefixed("roles"), Base.metadata, Column("id", Integer))
            """)},
        None,
        [("app/m.py", 10, r"^Table\(\.\.\.\) name cannot be computed from the source \(only "
          r"literals, module constants, f-strings, \+ and simple helper functions are read\); "
          r"write the table name as a literal$")],
        id="broken: a helper whose local is read from the environment cannot name a table",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import sqlalchemy
            class Configuration:
                def create_tables(self, db_name=None):
                    if db_name is None:
                        db_name = self.name
                    self.peers = sqlalchemy.Table(
                        f"{db_name}_restrict_access", self.metadata,
                        sqlalchemy.Column("private_key", sqlalchemy.String(255)))
            """)},
        None,
        [("app/m.py", 11, r"^Table\(\.\.\.\) name cannot be computed from the source \(only "
          r"literals, module constants, f-strings, \+ and simple helper functions are read\); "
          r"write the table name as a literal; it is built from `db_name`, which the source "
          r"does not fix: where the code makes one such table per value at run time \(per "
          r"tenant or configuration\), no masking rule can name them, so mask them outside "
          r"masking_rules\.json and leave the file out of `models` knowingly \(its columns "
          r"then go unchecked\)$")],
        id="broken: a table named per configuration at run time (WGDashboard's peers)",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import re
            from sqlalchemy.orm import declared_attr
            EVIL = re.compile(r"(a+)+$")
            class Root(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return EVIL.sub("_", cls.__name__)
                id: Mapped[int] = mapped_column(primary_key=True)
            class Thing(Root):
                pass
            """)},
        None,
        [("app/m.py", 15, r"^class Thing takes its table name from the declared_attr "
          r"Root\.__tablename__ \(app/m\.py:11\), which the reviewer cannot evaluate from the "
          r"source \(it evaluates .*\); .* give the class a literal __tablename__; when the "
          r"declared_attr only converts the class name, set table-naming in "
          r"\[tool\.masking-reviewer\] instead: \"snake_case\"")],
        id="broken: a regex the reviewer does not know is never run; table-naming is asked for",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import re
            from sqlalchemy.orm import declared_attr
            class Root(Base):
                __abstract__ = True
                @declared_attr.directive
                def __tablename__(cls) -> str:
                    return re.sub(r"([A-Z])", lambda m: m.group(0).zfill(9), cls.__name__)
                id: Mapped[int] = mapped_column(primary_key=True)
            class Thing(Root):
                pass
            """)},
        None,
        [("app/m.py", 14, r"^class Thing takes its table name from the declared_attr "
          r"Root\.__tablename__ \(app/m\.py:10\), which the reviewer cannot evaluate")],
        id="broken: a replacement lambda doing what the reviewer cannot run leaves it unknown",
    ),
    # ------------------------------------------------------------------ the safety net
    pytest.param(
        {"app/m.py": src("""\
            import functools
            import vendor_columns
            from app.helpers import build
            def secret(label):
                return mapped_column(String, info={"v": label})
            def maybe(flag):
                if flag:
                    return relationship("Account")
                return None
            class Account(Base):
                __tablename__ = "accounts"
                id: Mapped[int] = mapped_column(primary_key=True)
                a = make_secret(info={"v": ColumnVisibility.PRIVATE})
                b = vendor_columns.secret_column()
                c = build()
                d = functools.partial(Column, String)()
                e = registry_thing["x"](String)
                f = secret(ColumnVisibility.PRIVATE)
                g = maybe(True)
            """)},
        None,
        [("app/m.py", 18, r"^Account\.a: cannot resolve make_secret\(\.\.\.\) \(defined or "
          r"imported nowhere the reviewer can see\), so masking-reviewer cannot tell whether it "
          r"builds a column, and a labelled one would pass unchecked; " + FIX +
          r", or, if it builds no column, define it outside the mapped class$"),
         ("app/m.py", 19, r"^Account\.b: cannot resolve vendor_columns\.secret_column\(\.\.\.\) "
          r"\(from the package 'vendor_columns'\)"),
         ("app/m.py", 20, r"^Account\.c: cannot resolve build\(\.\.\.\) \(imported from a module "
          r"that is not in the repository\)"),
         ("app/m.py", 21, r"^Account\.d: cannot resolve the call \(its callee is an expression"),
         ("app/m.py", 22, r"^Account\.e: cannot resolve the call \(its callee is an expression"),
         ("app/m.py", 23, r"^Account\.f: cannot resolve secret\(\.\.\.\) \(a function or object of "
          r"the repository, not a class\)")],
        # g = maybe(True) is read: a relationship or None, all maybe ever makes, is no column
        id="broken: calls the reader cannot classify block at their line, never dropped",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class IssSubPairToUser(Base):
                __tablename__ = "iss_sub_pair_to_user"
                id: Mapped[int] = mapped_column(primary_key=True)
                def _get_issuer_to_idp():
                    issuer_to_idp = {}
                    for issuer in config["ALLOWLIST"]:
                        issuer_to_idp[issuer] = lookup(issuer)
                    return issuer_to_idp
                ISSUER_TO_IDP = _get_issuer_to_idp()
                del _get_issuer_to_idp
                def _secret():
                    made = make_secret()
                    return made
                secret = _secret()
                def _given(value):
                    return value
                token = _given(mapped_column(String))
                def _rebound(rows):
                    found = {}
                    for found in rows:
                        pass
                    return found
                last = _rebound([])
            """)},
        None,
        [("app/m.py", 19, r"^IssSubPairToUser\.secret: cannot resolve _secret\(\.\.\.\) "),
         ("app/m.py", 22, r"^IssSubPairToUser\.token: _given\(\.\.\.\) is given "
          r"mapped_column\(\.\.\.\)|^IssSubPairToUser\.token: cannot resolve _given"),
         ("app/m.py", 28, r"^IssSubPairToUser\.last: cannot resolve _rebound\(\.\.\.\) ")],
        id="a function of the class body that returns a collection it builds, called in the "
           "body, is no column (fence: ISSUER_TO_IDP = _get_issuer_to_idp()); one returning "
           "what it calls, what it is given, or a name a loop rebinds still blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import types
            from sqlalchemy.dialects.mysql import MEDIUMBLOB
            class ContentBlock(Base):
                __tablename__ = "content_blocks"
                id = Column(Integer, primary_key=True)
                content_type = types.LargeBinary()
                content_type = content_type.with_variant(MEDIUMBLOB, "mysql")
                content = Column(content_type, nullable=False)
                made = make_type()
                other = made.with_variant(MEDIUMBLOB, "mysql")
            """)},
        None,
        [("app/m.py", 14, r"^ContentBlock\.made: cannot resolve make_type\(\.\.\.\) "),
         ("app/m.py", 15, r"^ContentBlock\.other: cannot resolve made\.with_variant\(\.\.\.\) ")],
        id="a method of a SQLAlchemy type the class body bound makes a type, no column "
           "(opentaxii: content_type.with_variant(MEDIUMBLOB, 'mysql')); of anything else "
           "it still blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            import sqlalchemy
            from sqlalchemy.orm import declared_attr
            class Employee(Base):
                __tablename__ = "employee"
                id = Column(Integer, primary_key=True)
            class Engineer(Employee):
                @declared_attr
                def start_date(cls):
                    return Employee.__table__.c.get("start_date")
                badge = getattr(sqlalchemy, "Column")(String)
                code = Column(String).copy()
            """)},
        None,
        [("app/m.py", 12, r"^Engineer\.start_date: cannot resolve Employee\.__table__\.c\.get"),
         ("app/m.py", 15, r"^Engineer\.badge: cannot resolve the call \(its callee is an "
          r"expression"),
         ("app/m.py", 16, r"^Engineer\.code: cannot resolve the call \(its callee is an "
          r"expression")],
        id="broken: a table column looked up with no Column to fall back on, a builtin's "
           "call, a column's method: each blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy import select, text
            from sqlalchemy.orm import column_property, deferred
            SHARED = Column(String)
            def sneaky():
                c = Column(String)
                c.info["v"] = "hidden"
                return column_property(c)
            def passthrough(x):
                return column_property(x)
            def from_module():
                return deferred(SHARED)
            class Parent(Base):
                __tablename__ = "parent"
                id = Column(Integer, primary_key=True)
                a = sneaky()
                b = passthrough(Column(String))
                c = from_module()
            """)},
        None,
        [("app/m.py", 20, r"^Parent\.a: cannot resolve sneaky\(\.\.\.\)"),
         ("app/m.py", 21, r"^Parent\.b: cannot resolve passthrough\(\.\.\.\)"),
         ("app/m.py", 22, r"^Parent\.c: cannot resolve from_module\(\.\.\.\)")],
        id="broken: column_property of a Column the helper makes, is given or takes from the "
           "module: each blocks",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Event:
                id: Mapped[int] = mapped_column(primary_key=True)
                ip: Mapped[str] = mapped_column(info={"v": ColumnVisibility.PRIVATE})
            def table_for(cls):
                return REGISTRY[cls]
            class HasEvents:
                @declared_attr
                def events(cls):
                    ns = {"__tablename__": "events_" + cls.__tablename__}
                    return relationship(type(f"{cls.__name__}Event", (Event, Base), ns))
                @declared_attr
                def logs(cls):
                    return relationship(type(cls.naming(), (Event, Base), {"__tablename__": "x"}))
                @declared_attr
                def marks(cls):
                    return relationship(type(f"{cls.__name__}Mark", (Event, Base),
                                             {"__tablename__": table_for(cls)}))
                @declared_attr
                def copies(cls):
                    return relationship(type(f"{cls.__name__}Copy", (cls,), {}))
                @declared_attr
                def extras(cls):
                    return relationship(type(f"{cls.__name__}Extra", (Event, Base),
                                             {**SHARED, "__tablename__": "extras"}))
                @declared_attr
                def later(cls):
                    return lambda: type("Later", (Event, Base), {"__tablename__": "later"})
                @classmethod
                def orphan(cls):
                    return type("Orphan", (Event, Base), {"__tablename__": "orphan"})
                def sneaky(self):
                    return type("Made", (self.__class__,), {})
            class User(HasEvents, Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [("app/m.py", 16, r"^type\(\.\.\.\) in HasEvents\.events makes a mapped class for every "
          r"subclass, but its namespace is not a dict literal, so the attributes it maps cannot "
          r"be read; pass the dict literal \{\.\.\.\} to type\(\) directly$"),
         ("app/m.py", 19, r"^type\(\.\.\.\) in HasEvents\.logs makes a class for User whose name "
          r"cannot be computed from the source \(only literals, module constants, "
          r"cls\.__name__, cls\.__tablename__, f-strings, \+ and str methods are\); build the "
          r"name from those, or write the class as a class statement$"),
         ("app/m.py", 22, r"^type\(\.\.\.\) in HasEvents\.marks: the __tablename__ of the class it "
          r"makes for User cannot be computed from the source"),
         ("app/m.py", 26, r"^type\(\.\.\.\) in HasEvents\.copies makes a subclass of cls itself "
          r"while cls is being mapped, which masking-reviewer cannot read \(and SQLAlchemy "
          r"recurses on\); derive the made class from a base class instead$"),
         ("app/m.py", 29, r"^type\(\.\.\.\) in HasEvents\.extras makes a mapped class for every "
          r"subclass, but its namespace unpacks \*\*\.\.\., whose entries cannot be read"),
         ("app/m.py", 33, r"^type\('Later', \.\.\.\) creates a mapped class at run time, so "
          r"masking-reviewer cannot read its columns; write it as a class statement$"),
         ("app/m.py", 36, r"^type\('Orphan', \.\.\.\) creates a mapped class at run time"),
         ("app/m.py", 38, r"^type\('Made', \.\.\.\) creates a mapped class at run time")],
        id="broken: type() made classes whose namespace, name or table cannot be read, made "
           "in a lambda, a classmethod no declared_attr calls or a plain method: they block",
    ),
    pytest.param(
        {"app/m.py": D("""\
            import enum
            from baselayer.app.models import Base
            from pyramid_sqlalchemy import BaseObject
            from somepkg import Thing
            from flask_login import UserMixin
            class Tile(Base):
                @classmethod
                def partition(cls, name):
                    return type(f"Tile_{name}", (Base,), {"__tablename__": "tiles_" + name})
                @classmethod
                def mirror(cls):
                    return type("Mirror", (BaseObject,), {"__tablename__": "mirrors"})
                @classmethod
                def other(cls):
                    return type("Other", (Thing,), {})
                @classmethod
                def kind(cls):
                    return type("Kind", (enum.Enum,), {"A": 1})
                @classmethod
                def login(cls):
                    return type("Login", (UserMixin,), {})
            """)},
        None,
        [("app/m.py", 9, r"^type\('\.\.\.', \.\.\.\) creates a mapped class at run time, so "
          r"masking-reviewer cannot read its columns; write it as a class statement$"),
         ("app/m.py", 12, r"^type\('Mirror', \.\.\.\) creates a mapped class at run time")],
        id="broken: type() in a classmethod on a package's declarative base blocks; on enum.Enum, "
           "a mixin declared to add nothing or a package's class nothing declares (a marshmallow "
           "schema's base) not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            def owner_column(table):
                return "owner_" + table
            def sized(table):
                return String(len(table))
            class HasOwner:
                @declared_attr
                def owner(cls):
                    return mapped_column(owner_column(cls.__tablename__), String,
                                         info={"v": ColumnVisibility.PRIVATE})
            class Ticket(HasOwner, Base):
                __tablename__ = "tickets"
                id: Mapped[int] = mapped_column(primary_key=True)
                other = mapped_column(owner_column(__tablename__), String)
                fine = mapped_column(owner_column("x"), String)
                code = mapped_column(sized(__tablename__))
            """)},
        None,
        [("app/m.py", 12, r"^HasOwner\.owner: the column name cannot be computed from the "
          r"source; write the DB column name as a literal or a module constant$"),
         ("app/m.py", 19, r"^Ticket\.other: the column name cannot be computed")],
        id="broken: a string helper of the repository names the column from what cannot be "
           "known (cls.__tablename__, a class-body name): it blocks, never read as a type; a "
           "helper that returns a type does not",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Account(Base):
                __tablename__ = "accounts"
                id: Mapped[int] = mapped_column(primary_key=True)
                for _name in ("iban", "bic"):
                    vars()[_name] = Column(String, info={"v": ColumnVisibility.PRIVATE})
                while False:
                    pin = mapped_column(String)
            """)},
        None,
        [("app/m.py", 9, r"^a for loop in a class body builds Column\(\.\.\.\), which "
          r"masking-reviewer cannot read"),
         ("app/m.py", 11, r"^a while loop in a class body builds mapped_column\(\.\.\.\)")],
        id="broken: a loop in a class body that builds columns blocks, though the class has "
           "other columns",
    ),
    pytest.param(
        {"app/m.py": src("""\
            class Ledger(Base):
                __tablename__ = "ledger"
                for _name in ("iban", "bic"):
                    locals()[_name] = Column(String)
            audit = Table("audit", Base.metadata, *[Column(n, String) for n in ("a", "b")])
            """)},
        None,
        [("app/m.py", 6, r"^class Ledger maps the table 'ledger', but masking-reviewer read none "
          r"of its columns, so a labelled one would pass unchecked; declare them with "
          r"mapped_column\(\.\.\.\) or Column\(\.\.\.\) in the class body or its mixins"),
         ("app/m.py", 8, r"^a for loop in a class body builds Column\(\.\.\.\), which "
          r"masking-reviewer cannot read, so a labelled column would pass unchecked; declare "
          r"each column in the class body$"),
         ("app/m.py", 10, r"^Column\(\.\.\.\) builds a column inside Table\(\.\.\.\) at module "
          r"level, where masking-reviewer does not read it as any table's column"),
         ("app/m.py", 10, r"^Table\('audit'\) maps the table 'audit', but masking-reviewer read "
          r"none of its columns")],
        id="broken: a mapped table with no readable column blocks, and so does the loop",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from sqlalchemy.orm import declared_attr
            class Event:
                id: Mapped[int] = mapped_column(primary_key=True)
            class HasEvents:
                @declared_attr
                def events(cls):
                    return relationship(type(f"{cls.__name__:>12}Event", (Event, Base),
                                             {"__tablename__": "events"}))
            class User(HasEvents, Base):
                __tablename__ = "users"
                id: Mapped[int] = mapped_column(primary_key=True)
            """)},
        None,
        [("app/m.py", 12, r"^type\(\.\.\.\) in HasEvents\.events makes a class for User whose "
          r"name cannot be computed from the source")],
        id="broken: a type() name with a format spec that pads is not guessed",
    ),
    # -------------------------------- a class attribute bound to another class's attribute
    pytest.param(
        {"app/m.py": src("""\
            from vendor.defaults import Defaults
            class Tokened:
                token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Key(Base, Tokened):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                token = Defaults.token
            """)},
        None,
        [("app/m.py", 12, r"^Key\.token = Defaults\.token: Defaults is not a class "
          r"masking-reviewer can read \(from a package outside the repository, not declared\), "
          r"and token hides the column Tokened\.token the class would otherwise inherit, .*"
          r"declare the column with mapped_column\(\.\.\.\) or Column\(\.\.\.\) in the "
          r"class body$")],
        id="broken: an unreadable class's attribute hides a labelled mixin column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from vendor.defaults import Defaults
            class Tokened:
                token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            class Shared:
                token = Defaults.token
            class Key(Base, Tokened):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                token = Shared.token
            """)},
        None,
        [("app/m.py", 14, r"^Key\.token = Shared\.token: Defaults is not a class "
          r"masking-reviewer can read \(from a package outside the repository, not declared\), "
          r"and token hides the column Tokened\.token the class would otherwise inherit")],
        id="broken: a repository class's attribute bound to an unreadable class's hides a "
           "labelled mixin column",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from vendor.mixins import VendorMixin
            class Shared(VendorMixin):
                pass
            class Key(Base):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                token = Shared.token
            """)},
        None,
        [("app/m.py", 12, r"^Key\.token = Shared\.token: Shared\.token may be bound by a base "
          r"masking-reviewer cannot read \('VendorMixin' cannot be resolved\), so whether it "
          r"is a column cannot be told")],
        id="broken: a repository class's attribute that may come from an unreadable base",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from vendor.mixins import VendorMixin
            class Local:
                token = Column(String)
            class Shared(VendorMixin, Local):
                pass
            class Key(Base):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                token = Shared.token
            """)},
        None,
        [("app/m.py", 14, r"^Key\.token = Shared\.token: Shared\.token may be bound by a base "
          r"masking-reviewer cannot read \('VendorMixin' cannot be resolved\)")],
        id="broken: an unreadable base comes before the class binding the attribute in the MRO",
    ),
    pytest.param(
        {"app/m.py": src("""\
            from vendor.columns import secret_column
            class Tokens:
                token = secret_column()
            class Key(Base):
                __tablename__ = "keys"
                id = Column(Integer, primary_key=True)
                api_token = Tokens.token
            """)},
        None,
        [("app/m.py", 8, r"^Tokens\.token: cannot resolve secret_column\(\.\.\.\)")],
        id="broken: a mixin attribute built by a call the reader cannot classify",
    ),
    pytest.param(
        {"app/m.py": D("""\
            import enum
            from sqlalchemy import Column, Integer
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            class Kind(enum.Enum):
                EVENTS = "events"
            class Event(Base):
                __tablename__ = Kind.EVENTS
                id = Column(Integer, primary_key=True)
            """)},
        None,
        [("app/m.py", 8, r"^Event\.__tablename__ is computed in a way the reviewer cannot "
          r"evaluate")],
        id="broken: an Enum member is no string, so a table named by one is not read",
    ),
    pytest.param(
        {"app/base_models.py": D("""\
            from sqlmodel import Field, SQLModel
            class BaseUser(SQLModel):
                id: int | None = Field(default=None, primary_key=True)
                password: str
            """),
         "app/models.py": D("""\
            import app.base_models as base_models
            from app.settings import settings
            from app.utils import import_dotted_string
            from sqlmodel import SQLModel
            _base_user = (
                import_dotted_string(settings.TABLE_USER)
                if hasattr(settings, "TABLE_USER")
                else base_models.BaseUser
            )
            class User(_base_user, table=True):
                \"\"\"User table\"\"\"
            """)},
        None,
        [("app/models.py", 10, r"^class User: base class '_base_user' is chosen when the module "
          r"runs, by the conditional expression at app/models\.py:5 \(`\.\.\. if \.\.\. else "
          r"\.\.\.`\), which masking-reviewer does not evaluate, so which columns the class gets "
          r"cannot be read; derive the model from a class the source names")],
        id="broken: a SQLModel table=True class over a base a setting chooses blocks, though "
           "its body declares nothing (kotaemon's User)",
    ),
    pytest.param(
        {"app/bootstrap.py": D("""\
            from sqlalchemy import create_engine
            from sqlalchemy.orm import registry
            def init_db():
                mapper_registry = registry()
                engine = create_engine("sqlite://")
                NewBase = mapper_registry.generate_base()
                return mapper_registry, engine, NewBase
            sqlalchemy_registry, engine, Base = init_db()
            """),
         "app/models.py": V + D("""\
            from sqlalchemy import Column, Integer, String
            from app.bootstrap import Base
            class User(Base):
                __tablename__ = "user"
                id = Column(Integer, primary_key=True)
                renew_password_token = Column(String, info={"v": ColumnVisibility.PRIVATE})
            """)},
        None,
        [("app/models.py", 4, r"^class User: base class 'Base' is unpacked from the result of "
          r"init_db\(\) at app/bootstrap\.py:8 \(`\.\.\., Base = \.\.\.`\), which "
          r"masking-reviewer does not follow, so its columns cannot be read; bind the base by "
          r"itself at module level \(`Base = declarative_base\(\)`\), or declare it in "
          r"external-bases: \"app\.bootstrap\.Base\" = \{ kind = \"declarative-base\", "
          r"columns = \[\] \} when it adds no column$")],
        id="broken: a base unpacked from a function's returned tuple blocks, naming the entry "
           "that declares it (JARR's bootstrap)",
    ),
    pytest.param(
        {"app/resource.py": D("""\
            import sqlalchemy as sa
            from sqlalchemy import orm
            from app.env import Base
            class ResourceMeta(orm.DeclarativeMeta):
                def __new__(cls, name, bases, nspc):
                    nspc.setdefault("__tablename__", nspc["identity"])
                    return super().__new__(cls, name, bases, nspc)
            class Resource(Base, metaclass=ResourceMeta):
                identity = "resource"
                id = sa.Column(sa.Integer, primary_key=True)
                cls = sa.Column(sa.Unicode)
            """),
         "app/env.py": D("""\
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            """),
         "app/wmsclient.py": D("""\
            import sqlalchemy as sa
            from app.resource import Resource
            class Connection(Resource):
                identity = "wmsclient_connection"
                url = sa.Column(sa.Unicode)
                password = sa.Column(sa.Unicode)
            """)},
        None,
        [("app/resource.py", 8, r"^class Resource has no literal __tablename__, and its metaclass "
          r"ResourceMeta \(app/resource\.py:4\), which masking-reviewer does not run, may set "
          r"its table name and columns; give the class and each of its subclasses a literal "
          r"__tablename__$"),
         ("app/wmsclient.py", 3, r"^class Connection declares no table of its own, so its "
          r"columns go to the table of Resource \(app/resource\.py:8\), whose name "
          r"masking-reviewer cannot tell, and a labelled column here would pass unchecked; "
          r"ResourceMeta \(app/resource\.py:4\), the metaclass of Resource, .* so give each "
          r"class a literal __tablename__$")],
        id="broken: a subclass of a class a metaclass of the repository names blocks in its own "
           "file, where a pull request adds its password (nextgisweb's Resource subclasses)",
    ),
    pytest.param(
        {"app/m.py": D("""\
            from sqlalchemy import Column, Integer, Unicode
            from app.db import Base
            class Node(Base):
                __tablename__ = make_name()
                id = Column(Integer, primary_key=True)
            """),
         "app/db.py": D("""\
            from sqlalchemy.orm import declarative_base
            Base = declarative_base()
            """),
         "app/docs.py": D("""\
            from sqlalchemy import Column, Unicode
            from app.m import Node
            class Document(Node):
                secret = Column(Unicode)
            """)},
        None,
        [("app/docs.py", 3, r"^class Document declares no table of its own, so its columns go "
          r"to the table of Node \(app/m\.py:3\), whose name masking-reviewer cannot tell, and "
          r"a labelled column here would pass unchecked; give Node a __tablename__ it can "
          r"read$"),
         ("app/m.py", 4, r"^Node\.__tablename__ is computed in a way the reviewer cannot "
          r"evaluate")],
        id="broken: a single-table child of a class whose table name cannot be read blocks too",
    ),
]


@pytest.mark.parametrize(("files", "naming", "expected"), ERROR_CASES)
def test_errors(
    files: dict[str, str], naming: TableNaming | None, expected: list[tuple[str, int, str]]
) -> None:
    assert_errors(scan(files, naming), expected)


# A mixin whose declared_attr __tablename__ reads the class being mapped through cls, and one
# class mapping it (line 16). Each case breaks one piece, so the name can no longer be known
# from the source: it blocks at the mapped class, naming the declared_attr (line 13).
def _editioned(tablename: str, order: str, bases: str = "Editioned, Base",
               extra: str = "") -> dict[str, str]:
    return {"app/m.py": src(D("""\
        import os
        from sqlalchemy.orm import declared_attr
        class Editioned:
            __edition__ = None
            @classmethod
            def _prefixed(cls, stem):
                return cls.__edition__.lower() + "_" + stem
            @declared_attr
            def __tablename__(cls):
                return {tablename}
        class Order({bases}):
            id = Column(Integer, primary_key=True)
        """).format(tablename=tablename, bases=bases)
        + textwrap.indent(D(order), "    ") + D(extra))}


NOT_EVALUATED = (r"^class Order takes its table name from the declared_attr "
                 r"Editioned\.__tablename__ \(app/m\.py:13\), which the reviewer cannot "
                 r"evaluate from the source \(it evaluates one return of literals, module "
                 r"constants, f-strings, \+, %, str methods, helper functions, cls\.__name__, "
                 r"and the string attributes and one-return classmethods or staticmethods of "
                 r"the class read through cls\); build the name from those, or give the class "
                 r"a literal __tablename__")
# only where the declared_attr may be a naming convention: it reads no more of cls than its
# name, or could not be read at all
HINT = (r"; when the declared_attr only converts the class name, set table-naming in "
        r"\[tool\.masking-reviewer\] instead: \"snake_case\", \"flask-sqlalchemy\", or a "
        r"template of the class name such as \"\{class_snake\}s\"")


@pytest.mark.parametrize(("files", "hint"), [
    pytest.param(_editioned('cls._prefixed("orders")', ""), False,
                 id="the base's None is all the class has"),
    pytest.param(_editioned('cls._prefixed("orders")', '__edition__ = os.environ["ED"]\n'),
                 False, id="an attribute read from the environment"),
    pytest.param(_editioned('cls._prefixed("orders")', """\
        if os.environ.get("ED"):
            __edition__ = "Retail"
        else:
            __edition__ = "Trade"
        """), False, id="an attribute bound in both branches of an if"),
    pytest.param(_editioned('cls._prefixed("orders")', '__edition__, kind = "Retail", "x"\n'),
                 False, id="an attribute bound by unpacking"),
    pytest.param(_editioned('cls.__ed + "_orders"', '__ed = "retail"\n'), True,
                 id="a private name, which Python mangles per class (read as no class member)"),
    pytest.param(_editioned('cls._prefixed(stem="orders")', '__edition__ = "Retail"\n'), True,
                 id="a keyword argument (the return is not read at all)"),
    pytest.param(_editioned("cls._prefixed()", '__edition__ = "Retail"\n'), False,
                 id="a classmethod called with too few arguments"),
    pytest.param(_editioned("cls._plain()", """\
        __edition__ = "Retail"
        def _plain(self):
            return "orders"
        """), False, id="a plain method, which cls cannot call"),
    pytest.param(_editioned('cls._prefixed("orders")', """\
        __edition__ = "Retail"
        @classmethod
        def _prefixed(cls, stem):
            if stem:
                return "x_" + stem
            return stem
        """), False, id="the subclass's override is more than a return, the base's is not used"),
    pytest.param(_editioned("cls._loop()", """\
        @classmethod
        def _loop(cls):
            return cls._loop()
        """), False, id="a classmethod that calls itself"),
    pytest.param(_editioned('cls._prefixed(cls.__tablename__)', '__edition__ = "Retail"\n'),
                 False, id="cls.__tablename__ while the table name is being computed"),
    pytest.param(_editioned('cls._prefixed("orders")', "", bases="Mixin, Editioned, Base",
                            extra="""\
        class Mixin:
            __edition__ = os.environ["ED"]
        """), False, id="a mixin earlier in the MRO binds the attribute unreadably"),
])
def test_class_members_that_cannot_be_evaluated_block(files: dict[str, str], hint: bool) -> None:
    inventory = scan(files)
    assert [(e.path, e.line) for e in inventory.errors] == [("app/m.py", 16)]
    expected = NOT_EVALUATED + (HINT if hint else "") + "$"
    assert re.search(expected, inventory.errors[0].message), inventory.errors[0].message
    assert inventory.columns == ()


def test_a_class_from_outside_the_repository_ahead_in_the_mro_blocks() -> None:
    """vendor.Mixin is declared (it adds no column), but what it binds is unknown: it might
    define _prefixed itself, so the name Editioned's classmethod would give is not trusted."""
    files = _editioned('cls._prefixed("orders")', '__edition__ = "Retail"\n',
                       bases="Mixin, Editioned, Base", extra="from vendor import Mixin\n")
    tree = MemoryTree({"app/vis.py": VIS, **files})
    config = Config(root="/repo", external_bases=(ExternalClass("vendor.Mixin"),))
    inventory = build_inventory(tree, config, use_cache=False)
    assert [(e.path, e.line) for e in inventory.errors] == [("app/m.py", 16)]
    assert re.search(NOT_EVALUATED + "$", inventory.errors[0].message)


def test_a_base_unpacked_from_a_call_reads_once_declared() -> None:
    """The entry the unpacked base's MR007 names (JARR's bootstrap) is honoured: the models'
    columns are read, labels and all."""
    files = {k: v for k, v in next(
        c.values[0] for c in ERROR_CASES if "JARR" in str(c.id)).items()}
    tree = MemoryTree({"app/vis.py": VIS, **files})
    config = Config(root="/repo", external_bases=(
        ExternalClass("app.bootstrap.Base", kind="declarative-base"),))
    inventory = build_inventory(tree, config, use_cache=False)
    assert inventory.errors == ()
    assert [(c.table, c.column, c.labels) for c in inventory.columns] == [
        ("user", "id", ()), ("user", "renew_password_token", (PRIV,))]


# A declared_attr that binds its suffix in both branches of a version test: the made table is
# named by the branch Python 3 runs, and a test the reader cannot decide for every Python 3
# leaves the suffix unknown, which blocks at the type() call (line 15).
def _versioned(imports: str, test: str) -> dict[str, str]:
    return {"app/m.py": src(f"""\
        from sqlalchemy.orm import declared_attr
        {imports}
        class Note:
            id: Mapped[int] = mapped_column(primary_key=True)
        class HasNotes:
            @declared_attr
            def notes(cls):
                if {test}:
                    suffix = "_if"
                else:
                    suffix = "_else"
                made = type(cls.__name__ + "Note", (Note, Base),
                            {{"__tablename__": cls.__tablename__ + suffix}})
                return relationship(made)
        class Page(HasNotes, Base):
            __tablename__ = "pages"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)}


VERSION_TESTS = [
    pytest.param("import six", "six.PY3", "pages_if", id="six.PY3"),
    pytest.param("import six", "six.PY2", "pages_else", id="six.PY2"),
    pytest.param("import six", "not six.PY2", "pages_if", id="not six.PY2"),
    pytest.param("import six as compat", "compat.PY2", "pages_else", id="import six as compat"),
    pytest.param("from django.utils import six", "six.PY3", "pages_if",
                 id="django.utils.six.PY3"),
    pytest.param("from six import PY2", "PY2", "pages_else", id="from six import PY2"),
    pytest.param("from six import PY3 as IS_PY3", "IS_PY3", "pages_if",
                 id="from six import PY3 as IS_PY3"),
    pytest.param("import sys", "sys.version_info[0] == 2", "pages_else",
                 id="sys.version_info[0] == 2"),
    pytest.param("import sys", "sys.version_info[0] >= 3", "pages_if",
                 id="sys.version_info[0] >= 3"),
    pytest.param("import sys", "sys.version_info.major < 3", "pages_else",
                 id="sys.version_info.major < 3"),
    pytest.param("import sys", "sys.version_info >= (3,)", "pages_if",
                 id="sys.version_info >= (3,)"),
    pytest.param("import sys", "sys.version_info < (3, 0)", "pages_else",
                 id="sys.version_info < (3, 0)"),
    pytest.param("import sys", "sys.version_info > (2, 7)", "pages_if",
                 id="sys.version_info > (2, 7)"),
    pytest.param("import sys", "(3,) <= sys.version_info", "pages_if",
                 id="(3,) <= sys.version_info"),
    pytest.param("from sys import version_info", "version_info[0] != 3", "pages_else",
                 id="from sys import version_info"),
    pytest.param("import sys; PY3 = sys.version_info[0] == 3", "PY3", "pages_if",
                 id="a module flag bound to a version test"),
    pytest.param("import six, sys", "six.PY2 or sys.version_info < (3,)", "pages_else",
                 id="or of two version tests"),
    pytest.param("import six; DEBUG = bool(1)", "six.PY2 and DEBUG", "pages_else",
                 id="and with a version test that is false"),
    # undecided: both branches bind the suffix, as today
    pytest.param("import sys", "sys.version_info >= (3, 8)", None, id="a minor version"),
    pytest.param("import six; DEBUG = bool(1)", "six.PY3 and DEBUG", None,
                 id="and with a setting"),
    pytest.param("", "six.PY3", None, id="six not imported"),
    pytest.param("from app.compat import PY3", "PY3", None,
                 id="a flag imported from another module"),
    pytest.param("import sys; PY3 = True; PY3 = sys.version_info[0] == 3", "PY3", None,
                 id="a module flag bound twice"),
    pytest.param("import sys", "sys.version_info[1] == 2", None, id="version_info[1]"),
]


@pytest.mark.parametrize(("imports", "test", "table"), VERSION_TESTS)
def test_a_version_test_the_reader_decides_reads_the_python_3_branch(
    imports: str, test: str, table: str | None
) -> None:
    inventory = scan(_versioned(imports, test))
    if table is None:
        assert [(e.path, e.line) for e in inventory.errors] == [("app/m.py", 17)]
        assert re.match(r"^type\(\.\.\.\) in HasNotes\.notes: the __tablename__ of the class it "
                        r"makes for Page cannot be computed from the source",
                        inventory.errors[0].message), inventory.errors[0].message
        return
    assert inventory.errors == ()
    assert sorted({c.table for c in inventory.columns}) == ["pages", table]


FORMAT_ERRORS = [
    pytest.param('"{0:>8}Note".format(cls.__name__)', id="a padding spec"),
    pytest.param('"{0!r}Note".format(cls.__name__)', id="a conversion"),
    pytest.param('"{0.__name__}Note".format(cls)', id="an attribute field"),
    pytest.param('"{0[0]}Note".format(cls.__name__)', id="an index field"),
    pytest.param('"{}{0}Note".format(cls.__name__)', id="automatic and manual numbering mixed"),
    pytest.param('"{1}Note".format(cls.__name__)', id="a field past the arguments"),
    pytest.param('"{owner}Note".format(name=cls.__name__)', id="a keyword not passed"),
    pytest.param('"{0}Note".format(*NAMES)', id="unpacked arguments"),
    pytest.param('"{0}Note}".format(cls.__name__)', id="an unmatched brace"),
    pytest.param('"%dNote" % cls.__name__', id="%d"),
]


@pytest.mark.parametrize("name", FORMAT_ERRORS)
def test_a_format_the_reader_cannot_evaluate_names_no_class(name: str) -> None:
    inventory = scan({"app/m.py": src(f"""\
        from sqlalchemy.orm import declared_attr
        class Note:
            id: Mapped[int] = mapped_column(primary_key=True)
        class HasNotes:
            @declared_attr
            def notes(cls):
                made = type({name}, (Note, Base), {{"__tablename__": "notes"}})
                return relationship(made)
        class Page(HasNotes, Base):
            __tablename__ = "pages"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)})
    assert [(e.path, e.line) for e in inventory.errors] == [("app/m.py", 12)]
    assert re.match(r"^type\(\.\.\.\) in HasNotes\.notes makes a class for Page whose name cannot "
                    r"be computed from the source", inventory.errors[0].message), (
        inventory.errors[0].message)


APP_DB_IMPORTS = [
    pytest.param("from flask.ext.sqlalchemy import SQLAlchemy", "SQLAlchemy(self)", True,
                 id="flask.ext.sqlalchemy, Flask before 1.0"),
    # the module is only read for such bindings when the text says SQLAlchemy(...) (SELF_MADE)
    pytest.param("from flask_sqlalchemy import SQLAlchemy as FSA", "FSA(self)", False,
                 id="imported under another name: not looked for, blocks"),
    pytest.param("import flask_sqlalchemy as fsa", "fsa.SQLAlchemy(self)", True,
                 id="the module under another name"),
    pytest.param("import flask_sqlalchemy", "flask_sqlalchemy.SQLAlchemy(self)", True,
                 id="the module"),
    pytest.param("from .extensions import make_db", "make_db(self)", False,
                 id="a relative import is not followed: blocks"),
]


@pytest.mark.parametrize(("imports", "made", "read"), APP_DB_IMPORTS)
def test_an_application_method_binds_db_on_self_from_its_own_import(
        imports: str, made: str, read: bool) -> None:
    """skylines of 2013: `db = app.db`, where the Flask application class binds `self.db` in
    a method that imports Flask-SQLAlchemy itself; what cannot be followed blocks."""
    inventory = scan({
        "app/application.py": D(f"""\
            from flask import Flask
            class Site(Flask):
                def add_sqlalchemy(self):
                    {imports}
                    self.db = {made}
            app = Site()
            db = app.db
            """),
        "app/m.py": APP_DB_MODELS})
    if read:
        assert inventory.errors == ()
        assert [(c.table, c.column, c.labels) for c in inventory.columns] == [
            ("users", "id", ()), ("users", "password", (PRIV,))]
    else:
        assert [(e.path, e.line) for e in inventory.errors] == [("app/m.py", 3)]
        assert inventory.columns == ()


# seafevents: the repository's top directory is the package `seafevents` (its __init__.py at
# the root); the models import their base by the package's name
_ROOT_PACKAGE = {
    "__init__.py": "",
    "db.py": D("""\
        from sqlalchemy.orm import DeclarativeBase
        class Base(DeclarativeBase):
            pass
        """),
    "webhook/__init__.py": "",
    "webhook/models.py": D("""\
        from sqlalchemy import Column, Integer, String
        from seafevents.db import Base
        class Webhooks(Base):
            __tablename__ = "webhooks"
            id = Column(Integer, primary_key=True)
            settings = Column(String(1024))
        """),
    "stats/models.py": D("""\
        from sqlalchemy import Column, Integer
        from seafevents.db import Base
        class Traffic(Base):
            __tablename__ = "traffic"
            id = Column(Integer, primary_key=True)
        """),
}


@pytest.mark.parametrize(("files", "package", "read"), [
    pytest.param(_ROOT_PACKAGE, "seafevents", True,
                 id="the root package imported by its directory's name reads (seafevents)"),
    pytest.param(_ROOT_PACKAGE, "seafevents_master", False,
                 id="checked out under another name: the import leaves the repository, blocks"),
    pytest.param({k: v for k, v in _ROOT_PACKAGE.items() if k != "__init__.py"}, "seafevents",
                 False, id="a top directory without __init__.py is no package: blocks"),
])
def test_a_repository_whose_root_is_a_package(
        files: dict[str, str], package: str, read: bool) -> None:
    tree = MemoryTree(files, package_name=package)
    inventory = build_inventory(tree, Config(root="/repo"), use_cache=False)
    if read:
        assert inventory.errors == ()
        assert [(c.path, c.table, c.column) for c in inventory.columns] == [
            ("stats/models.py", "traffic", "id"),
            ("webhook/models.py", "webhooks", "id"),
            ("webhook/models.py", "webhooks", "settings")]
    else:
        assert [(e.path, e.line) for e in inventory.errors] == [
            ("stats/models.py", 3), ("webhook/models.py", 3)]
        message = inventory.errors[0].message
        assert "seafevents.db.Base from the package 'seafevents'" in message
        hint = ("If the repository itself is the package 'seafevents' (its top directory has an "
                "__init__.py), check it out in a directory named 'seafevents'")
        assert (hint in message) == ("__init__.py" in files)


# queue-management: api/ holds an __init__.py, but the app runs from inside it, so its modules
# import `qsystem` (api/qsystem.py) and `app.models...` (api/app/models/...) by those names
_RUN_FROM_PACKAGE = {
    "api/__init__.py": "",
    "api/qsystem.py": D("""\
        from flask_sqlalchemy import SQLAlchemy
        db = SQLAlchemy()
        """),
    "api/app/__init__.py": "",
    "api/app/models/__init__.py": "from app.models.base import Base\n",
    "api/app/models/base.py": D("""\
        from qsystem import db
        class Base(db.Model):
            __abstract__ = True
        """),
    "api/app/models/citizen.py": D("""\
        from qsystem import db
        from app.models import Base
        class Citizen(Base):
            __tablename__ = "citizen"
            citizen_id = db.Column(db.Integer, primary_key=True)
            notification_email = db.Column(db.String(100))
        """),
}


@pytest.mark.parametrize(("files", "read"), [
    pytest.param(_RUN_FROM_PACKAGE, True,
                 id="a module beside the packages the code imports from a package directory "
                    "reads (queue-management's qsystem)"),
    pytest.param({**_RUN_FROM_PACKAGE,
                  "api/app/models/__init__.py": "from .base import Base\n"}, False,
                 id="without an import rooted there, a bare name stays outside the "
                    "repository: blocks"),
    pytest.param({**_RUN_FROM_PACKAGE, "api/util/__init__.py": "", "api/util/slugs.py": "",
                  "api/app/models/__init__.py": "import util.slugs\nfrom .base import Base\n"},
                 True,
                 id="a plain `import util.slugs` rooted there is the same evidence "
                    "(modern-paste's app/models)"),
    pytest.param({**_RUN_FROM_PACKAGE, "api/logging.py": "db = None\n",
                  "api/app/models/base.py": D("""\
                      from logging import db
                      class Base(db.Model):
                          __abstract__ = True
                      """)}, False,
                 id="a standard library name is never looked for there: blocks"),
])
def test_a_package_directory_the_code_runs_from(files: dict[str, str], read: bool) -> None:
    config = Config(root="/repo", models=("api/app/models/*.py",))
    inventory = build_inventory(MemoryTree(files), config, use_cache=False)
    if read:
        assert inventory.errors == ()
        assert [(c.table, c.column) for c in inventory.columns] == [
            ("citizen", "citizen_id"), ("citizen", "notification_email")]
    else:
        assert inventory.columns == ()
        assert [(e.path, e.line) for e in inventory.errors][:1] == [
            ("api/app/models/base.py", 2)]

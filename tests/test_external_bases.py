"""Bases and mixins from outside the repository: read from the installed package's source,
from the declarations shipped in reviewer/external_bases/, or from the user's `external-bases`
configuration. Still unknown, they block (MR007) with a message naming the package and the
config key that resolves it.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from reviewer.classifier import classify_columns
from reviewer.cli import main
from reviewer.config import load_config
from reviewer.constants import EXTERNAL_NAME
from reviewer.errors import UsageError
from reviewer.externals import (
    class_from_data,
    installed_version,
    locate_module,
    shipped,
    tablename_problem,
    version_matches,
)
from reviewer.inventory import build_inventory
from reviewer.sources import MemoryTree, WorktreeTree
from reviewer.table_factories import declaration_problem
from reviewer.types import Config, ExternalClass, ExternalColumn, Inventory, TableNaming

HEAD = """\
from sqlalchemy import Column, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
class Base(DeclarativeBase):
    pass
"""


def scan(body: str, config: Config | None = None, extra: dict[str, str] | None = None
         ) -> Inventory:
    files = {"app/models.py": HEAD + textwrap.dedent(body), **(extra or {})}
    return build_inventory(MemoryTree(files), config or Config(root="/repo"), use_cache=False)


def cols(inventory: Inventory) -> list[tuple[str, str, str | None, bool, str | None, int]]:
    return [(c.table, c.column, c.attribute, c.nullable, c.declared_in, c.line)
            for c in inventory.columns]


SHIPPED_CASES = [
    pytest.param(
        """\
        from authlib.integrations.sqla_oauth2 import OAuth2ClientMixin
        class Client(Base, OAuth2ClientMixin):
            __tablename__ = "oauth2_client"
            id: Mapped[int] = mapped_column(primary_key=True)
        """,
        [("oauth2_client", "client_id", "client_id", True, "OAuth2ClientMixin", 6),
         ("oauth2_client", "client_secret", "client_secret", True, "OAuth2ClientMixin", 6),
         ("oauth2_client", "client_id_issued_at", "client_id_issued_at", False,
          "OAuth2ClientMixin", 6),
         ("oauth2_client", "client_secret_expires_at", "client_secret_expires_at", False,
          "OAuth2ClientMixin", 6),
         ("oauth2_client", "client_metadata", "_client_metadata", True, "OAuth2ClientMixin", 6),
         ("oauth2_client", "id", "id", False, None, 8)],
        id="authlib OAuth2ClientMixin adds client_secret to the app's table",
    ),
    pytest.param(
        """\
        from authlib.integrations.sqla_oauth2 import tokens_mixins as tm
        class Token(Base, tm.OAuth2TokenMixin):
            __tablename__ = "tokens"
            id = Column(Integer, primary_key=True)
            scope = Column(String(255))
        """,
        [("tokens", "client_id", "client_id", True, "OAuth2TokenMixin", 6),
         ("tokens", "token_type", "token_type", True, "OAuth2TokenMixin", 6),
         ("tokens", "access_token", "access_token", False, "OAuth2TokenMixin", 6),
         ("tokens", "refresh_token", "refresh_token", True, "OAuth2TokenMixin", 6),
         ("tokens", "issued_at", "issued_at", False, "OAuth2TokenMixin", 6),
         ("tokens", "access_token_revoked_at", "access_token_revoked_at", False,
          "OAuth2TokenMixin", 6),
         ("tokens", "refresh_token_revoked_at", "refresh_token_revoked_at", False,
          "OAuth2TokenMixin", 6),
         ("tokens", "expires_in", "expires_in", False, "OAuth2TokenMixin", 6),
         ("tokens", "id", "id", False, None, 8),
         ("tokens", "scope", "scope", True, None, 9)],
        id="authlib token mixin through a module alias; the class's own scope wins",
    ),
    pytest.param(
        """\
        from authlib.integrations.sqla_oauth2.tokens_mixins import TokenMixin
        class OAuth2Token(Base, TokenMixin):
            __tablename__ = "oauth2_tokens"
            id = Column(Integer, primary_key=True)
            access_token = Column(String(255), nullable=False)
        """,
        [("oauth2_tokens", "id", "id", False, None, 8),
         ("oauth2_tokens", "access_token", "access_token", False, None, 9)],
        id="authlib's TokenMixin interface, as tokens_mixins imports it, adds no columns "
           "(anchore-engine)",
    ),
    pytest.param(
        """\
        from authlib.flask.oauth2.sqla import OAuth2TokenMixin
        class OAuthToken(Base, OAuth2TokenMixin):
            __tablename__ = "oauth_token"
            id = Column(Integer, primary_key=True)
        """,
        [("oauth_token", "client_id", "client_id", True, "OAuth2TokenMixin", 6),
         ("oauth_token", "token_type", "token_type", True, "OAuth2TokenMixin", 6),
         ("oauth_token", "access_token", "access_token", False, "OAuth2TokenMixin", 6),
         ("oauth_token", "refresh_token", "refresh_token", True, "OAuth2TokenMixin", 6),
         ("oauth_token", "scope", "scope", True, "OAuth2TokenMixin", 6),
         ("oauth_token", "revoked", "revoked", True, "OAuth2TokenMixin", 6),
         ("oauth_token", "issued_at", "issued_at", False, "OAuth2TokenMixin", 6),
         ("oauth_token", "expires_in", "expires_in", False, "OAuth2TokenMixin", 6),
         ("oauth_token", "id", "id", False, None, 8)],
        id="authlib's old authlib.flask.oauth2.sqla token mixin (viaduct, Authlib 0.8): "
           "releases v0.6 to v0.14.3",
    ),
    pytest.param(
        """\
        import six
        class RallyBase(six.Iterator):
            created_at = Column(String(32))
        class Task(Base, RallyBase):
            __tablename__ = "tasks"
            id = Column(Integer, primary_key=True)
        """,
        [("tasks", "created_at", "created_at", True, "RallyBase", 7),
         ("tasks", "id", "id", False, None, 10)],
        id="six.Iterator is object on Python 3 and adds no columns (rally's RallyBase until "
           "2018)",
    ),
    pytest.param(
        """\
        from sqlalchemy_fulltext import FullText
        class Story(FullText, Base):
            __tablename__ = "stories"
            __fulltext_columns__ = ("title", "description")
            id = Column(Integer, primary_key=True)
            title = Column(String(255))
            description = Column(Text)
        """,
        [("stories", "id", "id", False, None, 9),
         ("stories", "title", "title", True, None, 10),
         ("stories", "description", "description", True, None, 11)],
        id="SQLAlchemy-FullText-Search's FullText indexes the class's own columns and adds none "
           "(StoryBoard's stories)",
    ),
    pytest.param(
        """\
        from social_sqlalchemy.storage import SQLAlchemyCodeMixin, SQLAlchemyMixin
        class Code(Base, SQLAlchemyMixin, SQLAlchemyCodeMixin):
            __tablename__ = "social_auth_code"
            verified = Column(Boolean)
        """,
        [("social_auth_code", "id", "id", False, "SQLAlchemyCodeMixin", 6),
         ("social_auth_code", "email", "email", True, "SQLAlchemyCodeMixin", 6),
         ("social_auth_code", "code", "code", True, "SQLAlchemyCodeMixin", 6),
         ("social_auth_code", "verified", "verified", True, None, 8)],
        id="python-social-auth's SQLAlchemy code mixin brings the e-mail and its validation "
           "code (assembl: social_auth_code)",
    ),
    pytest.param(
        """\
        from authlib.oidc.core import AuthorizationCodeMixin
        class AuthorizationCode(Base, AuthorizationCodeMixin):
            __tablename__ = "authorization_code"
            id = Column(Integer, primary_key=True)
            nonce = Column(String(255))
        """,
        [("authorization_code", "id", "id", False, None, 8),
         ("authorization_code", "nonce", "nonce", True, None, 9)],
        id="authlib's OpenID Connect code interface adds no columns (canaille's "
           "AuthorizationCode)",
    ),
    pytest.param(
        """\
        from starlette.authentication import SimpleUser
        class User(Base, SimpleUser):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            username = Column(String(255), unique=True)
        """,
        [("users", "id", "id", False, None, 8),
         ("users", "username", "username", True, None, 9)],
        id="starlette's SimpleUser sets username per instance and adds no columns (RomM's User)",
    ),
    pytest.param(
        """\
        from oslo_db.sqlalchemy import models
        class NovaBase(models.TimestampMixin, models.ModelBase):
            pass
        class Service(Base, NovaBase, models.SoftDeleteMixin):
            __tablename__ = "services"
            id = Column(Integer, primary_key=True)
        """,
        [("services", "created_at", "created_at", True, "TimestampMixin", 8),
         ("services", "updated_at", "updated_at", True, "TimestampMixin", 8),
         ("services", "deleted_at", "deleted_at", True, "SoftDeleteMixin", 8),
         ("services", "deleted", "deleted", True, "SoftDeleteMixin", 8),
         ("services", "id", "id", False, None, 10)],
        id="oslo.db ModelBase (no columns), TimestampMixin and SoftDeleteMixin",
    ),
    pytest.param(
        """\
        from oslo.db.sqlalchemy import models
        class AppBase(models.ModelBase, models.TimestampMixin):
            pass
        class Stack(Base, AppBase, models.SoftDeleteMixin):
            __tablename__ = "stack"
            id = Column(String(36), primary_key=True)
        """,
        [("stack", "created_at", "created_at", True, "TimestampMixin", 8),
         ("stack", "updated_at", "updated_at", True, "TimestampMixin", 8),
         ("stack", "deleted_at", "deleted_at", True, "SoftDeleteMixin", 8),
         ("stack", "deleted", "deleted", True, "SoftDeleteMixin", 8),
         ("stack", "id", "id", False, None, 10)],
        id="oslo.db under its old oslo.db namespace package (before 2.0)",
    ),
    pytest.param(
        """\
        from oslo.db.sqlalchemy import models as oslo_models
        class Zone(Base, oslo_models.ModelBase, oslo_models.TimestampMixin):
            __tablename__ = "zones"
            id = Column(Integer, primary_key=True)
        """,
        [("zones", "created_at", "created_at", True, "TimestampMixin", 6),
         ("zones", "updated_at", "updated_at", True, "TimestampMixin", 6),
         ("zones", "id", "id", False, None, 8)],
        id="oslo.db old namespace through a module alias",
    ),
    pytest.param(
        """\
        import sqlalchemy as sa
        from neutron_lib.db import model_base
        class IPsecPeerCidr(model_base.BASEV2):
            __tablename__ = "ipsecpeercidrs"
            cidr = sa.Column(sa.String(32), primary_key=True)
        class IPsecSiteConnection(model_base.BASEV2, model_base.HasId,
                                  model_base.HasProject):
            psk = sa.Column(sa.String(255), nullable=False)
        """,
        [("ipsecpeercidrs", "cidr", "cidr", False, None, 9),
         ("ipsecsiteconnections", "id", "id", False, "HasId", 10),
         ("ipsecsiteconnections", "project_id", "project_id", True, "HasProject", 10),
         ("ipsecsiteconnections", "psk", "psk", False, None, 12)],
        id="neutron-lib BASEV2 names each table after its class, plural; HasId, HasProject",
    ),
    pytest.param(
        """\
        import sqlalchemy as sa
        from neutron.db import model_base
        from neutron.db import models_v2
        class IPsecSiteConnection(model_base.BASEV2, models_v2.HasId,
                                  models_v2.HasTenant):
            psk = sa.Column(sa.String(255), nullable=False)
        class BgpPeer(model_base.BASEV2, model_base.HasId, model_base.HasProject,
                      model_base.HasStatusDescription):
            password = sa.Column(sa.String(255))
        """,
        [("ipsecsiteconnections", "id", "id", False, "HasId", 8),
         ("ipsecsiteconnections", "tenant_id", "tenant_id", True, "HasTenant", 8),
         ("ipsecsiteconnections", "psk", "psk", False, None, 10),
         ("bgppeers", "id", "id", False, "HasId", 11),
         ("bgppeers", "project_id", "project_id", True, "HasProject", 11),
         ("bgppeers", "status", "status", False, "HasStatusDescription", 11),
         ("bgppeers", "status_description", "status_description", True,
          "HasStatusDescription", 11),
         ("bgppeers", "password", "password", True, None, 13)],
        id="neutron's own model base before neutron-lib (neutron-vpnaas 2013, "
           "neutron-dynamic-routing 2016)",
    ),
    pytest.param(
        """\
        from sqlalchemy import Text
        from mautrix.util.db import Base as MautrixBase
        class Puppet(MautrixBase):
            __tablename__ = "puppet"
            id = Column(Integer, primary_key=True)
            access_token = Column(Text, nullable=True)
        """,
        [("puppet", "id", "id", False, None, 9),
         ("puppet", "access_token", "access_token", True, None, 10)],
        id="mautrix's db Base is a declarative base with no columns (mautrix-telegram)",
    ),
    pytest.param(
        """\
        from flask_login import UserMixin
        class User(UserMixin, Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        """,
        [("users", "id", "id", False, None, 8)],
        id="Flask-Login UserMixin adds no columns",
    ),
    pytest.param(
        """\
        from sqlalchemy_serializer import SerializerMixin
        class User(Base, SerializerMixin):
            __tablename__ = "user"
            id = Column(Integer, primary_key=True)
        """,
        [("user", "id", "id", False, None, 8)],
        id="SQLAlchemy-serializer's SerializerMixin adds no columns (HiddifyPanel)",
    ),
    pytest.param(
        """\
        from flask_user import UserMixin
        class User(Base, UserMixin):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        """,
        [("users", "id", "id", False, None, 8)],
        id="Flask-User UserMixin adds no columns",
    ),
    pytest.param(
        """\
        from docassemble_flask_user import UserMixin
        class UserModel(Base, UserMixin):
            __tablename__ = "user"
            id = Column(Integer, primary_key=True)
            otp_secret = Column(String(255))
        """,
        [("user", "id", "id", False, None, 8),
         ("user", "otp_secret", "otp_secret", True, None, 9)],
        id="docassemble's Flask-User fork: UserMixin adds no columns (docassemble)",
    ),
    pytest.param(
        """\
        from invenio_db import db
        class Role(db.Model, db.Timestamp):
            __tablename__ = "accounts_role"
            id = db.Column(db.Integer, primary_key=True)
        """,
        [("accounts_role", "created", "created", False, "Timestamp", 6),
         ("accounts_role", "updated", "updated", False, "Timestamp", 6),
         ("accounts_role", "id", "id", False, None, 8)],
        id="invenio-db's db.Model is a declarative base and db.Timestamp a mixin",
    ),
    pytest.param(
        """\
        from invenio_db import db
        from invenio_drafts_resources.records import DraftMetadataBase, ParentRecordMixin
        from invenio_records.models import RecordMetadataBase
        from invenio_records_resources.records import FileRecordModelMixin
        class RDMParentMetadata(db.Model, RecordMetadataBase):
            __tablename__ = "rdm_parents_metadata"
        class RDMDraftMetadata(db.Model, DraftMetadataBase, ParentRecordMixin):
            __tablename__ = "rdm_drafts_metadata"
            __parent_record_model__ = RDMParentMetadata
        class RDMFileDraftMetadata(db.Model, RecordMetadataBase, FileRecordModelMixin):
            __tablename__ = "rdm_drafts_files"
            __record_model_cls__ = RDMDraftMetadata
        """,
        [("rdm_parents_metadata", "created", "created", False, "RecordMetadataBase", 9),
         ("rdm_parents_metadata", "updated", "updated", False, "RecordMetadataBase", 9),
         ("rdm_parents_metadata", "id", "id", False, "RecordMetadataBase", 9),
         ("rdm_parents_metadata", "json", "json", True, "RecordMetadataBase", 9),
         ("rdm_parents_metadata", "version_id", "version_id", False, "RecordMetadataBase", 9),
         ("rdm_drafts_metadata", "created", "created", False, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "updated", "updated", False, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "id", "id", False, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "json", "json", True, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "version_id", "version_id", False, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "fork_version_id", "fork_version_id", True,
          "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "expires_at", "expires_at", True, "DraftMetadataBase", 11),
         ("rdm_drafts_metadata", "parent_id", "parent_id", True, "ParentRecordMixin", 11),
         ("rdm_drafts_metadata", "index", "index", True, "ParentRecordMixin", 11),
         ("rdm_drafts_files", "created", "created", False, "RecordMetadataBase", 14),
         ("rdm_drafts_files", "updated", "updated", False, "RecordMetadataBase", 14),
         ("rdm_drafts_files", "id", "id", False, "RecordMetadataBase", 14),
         ("rdm_drafts_files", "json", "json", True, "RecordMetadataBase", 14),
         ("rdm_drafts_files", "version_id", "version_id", False, "RecordMetadataBase", 14),
         ("rdm_drafts_files", "key", "key", False, "FileRecordModelMixin", 14),
         ("rdm_drafts_files", "record_id", "record_id", False, "FileRecordModelMixin", 14),
         ("rdm_drafts_files", "object_version_id", "object_version_id", True,
          "FileRecordModelMixin", 14)],
        id="InvenioRDM's record bases: invenio-records' RecordMetadataBase, invenio-drafts-"
           "resources' draft base and parent mixin, invenio-records-resources' file mixin "
           "(invenio-rdm-records)",
    ),
    pytest.param(
        """\
        from invenio_db import db
        from invenio_records.models import Timestamp
        from invenio_records_resources.records.models import RecordFileBase
        class Collection(db.Model, Timestamp):
            __tablename__ = "collections_collection"
            id = db.Column(db.Integer, primary_key=True)
        class RDMFileRecord(db.Model, RecordFileBase):
            __tablename__ = "rdm_records_files"
        """,
        [("collections_collection", "created", "created", False, "Timestamp", 8),
         ("collections_collection", "updated", "updated", False, "Timestamp", 8),
         ("collections_collection", "id", "id", False, None, 10),
         ("rdm_records_files", "created", "created", False, "RecordFileBase", 11),
         ("rdm_records_files", "updated", "updated", False, "RecordFileBase", 11),
         ("rdm_records_files", "id", "id", False, "RecordFileBase", 11),
         ("rdm_records_files", "json", "json", True, "RecordFileBase", 11),
         ("rdm_records_files", "version_id", "version_id", False, "RecordFileBase", 11),
         ("rdm_records_files", "key", "key", False, "RecordFileBase", 11),
         ("rdm_records_files", "record_id", "record_id", False, "RecordFileBase", 11),
         ("rdm_records_files", "object_version_id", "object_version_id", True,
          "RecordFileBase", 11)],
        id="invenio-records' own Timestamp mix-in (to 3.x) and invenio-records-resources' "
           "RecordFileBase (to 0.14.0) (invenio-rdm-records' history)",
    ),
    pytest.param(
        """\
        from flask_sqlalchemy import SQLAlchemy
        from sqlalchemy_mixins import AllFeaturesMixin, TimestampsMixin
        db = SQLAlchemy()
        class BaseModel(db.Model, AllFeaturesMixin):
            __abstract__ = True
        class User(BaseModel):
            __tablename__ = "user"
            id = db.Column(db.Integer(), primary_key=True)
            private_key = db.Column(db.String(2048))
        class Cycle(BaseModel, TimestampsMixin):
            __tablename__ = "cycle"
            id = db.Column(db.Integer(), primary_key=True)
        """,
        [("user", "id", "id", False, None, 12),
         ("user", "private_key", "private_key", True, None, 13),
         ("cycle", "created_at", "created_at", False, "TimestampsMixin", 14),
         ("cycle", "updated_at", "updated_at", False, "TimestampsMixin", 14),
         ("cycle", "id", "id", False, None, 16)],
        id="sqlalchemy-mixins: AllFeaturesMixin adds no column, TimestampsMixin its two (PyGrid)",
    ),
    pytest.param(
        """\
        from sqlalchemy_utils import Timestamp
        class Page(Base, Timestamp):
            __tablename__ = "pages"
            id = Column(Integer, primary_key=True)
        """,
        [("pages", "created", "created", False, "Timestamp", 6),
         ("pages", "updated", "updated", False, "Timestamp", 6),
         ("pages", "id", "id", False, None, 8)],
        id="sqlalchemy-utils Timestamp (installed here: read from its source)",
    ),
    pytest.param(
        """\
        from sqlalchemy_utils import generic_relationship
        class AuditEvent(Base):
            __tablename__ = "audit_events"
            id = Column(Integer, primary_key=True)
            object_type = Column(String)
            object_id = Column(Integer)
            object = generic_relationship(object_type, object_id)
        """,
        [("audit_events", "id", "id", False, None, 8),
         ("audit_events", "object_type", "object_type", True, None, 9),
         ("audit_events", "object_id", "object_id", True, None, 10)],
        id="sqlalchemy-utils generic_relationship builds no column (digitalmarketplace-api)",
    ),
    pytest.param(
        """\
        from sqlalchemy_utils import aggregated
        class Group(Base):
            __tablename__ = "groups"
            id = Column(Integer, primary_key=True)
            @aggregated("followers", Column(Integer, default=0, nullable=False))
            def follower_count(self):
                return func.count("1")
        """,
        [("groups", "id", "id", False, None, 8),
         ("groups", "follower_count", "follower_count", False, None, 9)],
        id="sqlalchemy-utils @aggregated maps the column it is given under the method's name "
           "(open-event-server)",
    ),
    pytest.param(
        """\
        from uuid import UUID
        from coaster.sqlalchemy import (BaseScopedIdNameMixin, CoordinatesMixin, ModelBase,
                                        NoIdMixin, RoleMixin, relationship, with_roles)
        class Model(ModelBase, DeclarativeBase):
            pass
        class Venue(CoordinatesMixin, BaseScopedIdNameMixin[UUID, "User"], Model):
            __tablename__ = "venue"
            address: Mapped[str | None]
            project = with_roles(relationship("Project"), read={"all"})
        class Saved(NoIdMixin, RoleMixin, Model):
            __tablename__ = "saved"
            user_id: Mapped[int] = mapped_column(primary_key=True)
        """,
        [("venue", "latitude", "latitude", True, "CoordinatesMixin", 10),
         ("venue", "longitude", "longitude", True, "CoordinatesMixin", 10),
         ("venue", "id", "id", False, "BaseScopedIdNameMixin", 10),
         ("venue", "created_at", "created_at", False, "BaseScopedIdNameMixin", 10),
         ("venue", "updated_at", "updated_at", False, "BaseScopedIdNameMixin", 10),
         ("venue", "url_id", "url_id", False, "BaseScopedIdNameMixin", 10),
         ("venue", "name", "name", False, "BaseScopedIdNameMixin", 10),
         ("venue", "title", "title", False, "BaseScopedIdNameMixin", 10),
         ("venue", "address", "address", True, None, 12),
         ("saved", "created_at", "created_at", False, "NoIdMixin", 14),
         ("saved", "updated_at", "updated_at", False, "NoIdMixin", 14),
         ("saved", "user_id", "user_id", False, None, 16)],
        id="coaster (hasgeek/funnel): ModelBase adds nothing; the Base*Mixin columns, generic "
           "argument or not; with_roles(relationship(...)) builds no column",
    ),
    pytest.param(
        """\
        from flask_lastuser.sqlalchemy import ProfileBase, TeamBase2, UserBase2
        class User(UserBase2, Base):
            pass
        class Organization(ProfileBase, Base):
            __tablename__ = "organization"
            contact_email = Column(String(254), unique=True)
        class Team(TeamBase2, Base):
            pass
        """,
        [("user", "id", "id", False, "UserBase2", 6),
         ("user", "created_at", "created_at", False, "UserBase2", 6),
         ("user", "updated_at", "updated_at", False, "UserBase2", 6),
         ("user", "userid", "userid", False, "UserBase2", 6),
         ("user", "username", "username", True, "UserBase2", 6),
         ("user", "fullname", "fullname", False, "UserBase2", 6),
         ("user", "email", "email", True, "UserBase2", 6),
         ("user", "lastuser_token", "lastuser_token", True, "UserBase2", 6),
         ("user", "lastuser_token_type", "lastuser_token_type", True, "UserBase2", 6),
         ("user", "lastuser_token_scope", "lastuser_token_scope", True, "UserBase2", 6),
         ("user", "userinfo", "userinfo", True, "UserBase2", 6),
         ("user", "status", "status", False, "UserBase2", 6),
         ("organization", "status", "status", False, "ProfileBase", 8),
         ("organization", "id", "id", False, "ProfileBase", 8),
         ("organization", "created_at", "created_at", False, "ProfileBase", 8),
         ("organization", "updated_at", "updated_at", False, "ProfileBase", 8),
         ("organization", "name", "name", False, "ProfileBase", 8),
         ("organization", "title", "title", False, "ProfileBase", 8),
         ("organization", "userid", "userid", False, "ProfileBase", 8),
         ("organization", "contact_email", "contact_email", True, None, 10),
         ("team", "id", "id", False, "TeamBase2", 11),
         ("team", "created_at", "created_at", False, "TeamBase2", 11),
         ("team", "updated_at", "updated_at", False, "TeamBase2", 11),
         ("team", "userid", "userid", False, "TeamBase2", 11),
         ("team", "orgid", "orgid", False, "TeamBase2", 11),
         ("team", "title", "title", False, "TeamBase2", 11),
         ("team", "owners", "owners", False, "TeamBase2", 11),
         ("team", "members", "members", False, "TeamBase2", 11)],
        id="Flask-Lastuser (hasgeek/boxoffice): UserBase2 and TeamBase2 name their tables "
           "('user', 'team'), ProfileBase is coaster's BaseNameMixin with status and userid",
    ),
    pytest.param(
        """\
        from flask_security import RoleMixin, SQLAlchemyUserDatastore, UserMixin
        class Role(Base, RoleMixin):
            __tablename__ = "roles"
            id = Column(Integer, primary_key=True)
        class User(Base, UserMixin):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
        user_datastore = SQLAlchemyUserDatastore(None, User, Role)
        """,
        [("roles", "id", "id", False, None, 8),
         ("users", "id", "id", False, None, 11)],
        id="Flask-Security's user datastore is given the mapped classes and builds no table "
           "(cloudify-manager)",
    ),
    pytest.param(
        """\
        from userdatamodel import Base as UserBase
        class UpstreamRefreshToken(UserBase):
            __tablename__ = "upstream_refresh_token"
            id = Column(Integer, primary_key=True)
            refresh_token = Column(String)
        """,
        [("upstream_refresh_token", "id", "id", False, None, 8),
         ("upstream_refresh_token", "refresh_token", "refresh_token", True, None, 9)],
        id="userdatamodel's Base, fence's declarative base, adds no column",
    ),
    pytest.param(
        """\
        from pyramid_sqlalchemy import BaseObject
        from pyramid_sqlalchemy.meta import BaseObject as MetaBase
        class User(BaseObject):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            email = Column(String)
        class AccessCode(MetaBase):
            __tablename__ = "access_codes"
            id = Column(Integer, primary_key=True)
            code = Column(String)
        """,
        [("users", "id", "id", False, None, 9),
         ("users", "email", "email", True, None, 10),
         ("access_codes", "id", "id", False, None, 13),
         ("access_codes", "code", "code", True, None, 14)],
        id="pyramid_sqlalchemy's BaseObject, Yith Library's declarative base, adds no column",
    ),
    pytest.param(
        """\
        from ras_common_utils.ras_database.base import Base as RasBase
        class Respondent(RasBase):
            __tablename__ = "respondent"
            id = Column(Integer, primary_key=True)
            email_address = Column(String)
        """,
        [("respondent", "id", "id", False, None, 8),
         ("respondent", "email_address", "email_address", True, None, 9)],
        id="ras-common-utils' Base, ras-party's declarative base of 2017-18, adds no column",
    ),
    pytest.param(
        """\
        from colanderalchemy import SQLAlchemySchemaNode
        class Book(Base):
            __tablename__ = "books"
            document_id = Column(Integer, primary_key=True)
            author = Column(String(100))
        schema_book = SQLAlchemySchemaNode(
            Book, includes=["document_id", "author"],
            overrides={"document_id": {"missing": None}})
        """,
        [("books", "document_id", "document_id", False, None, 8),
         ("books", "author", "author", True, None, 9)],
        id="ColanderAlchemy's SQLAlchemySchemaNode given a mapped class builds a schema, no "
           "column (c2corg_v6_api)",
    ),
    pytest.param(
        """\
        from sqlalchemy_i18n import Translatable, translation_base
        class Project(Base, Translatable):
            __tablename__ = "project"
            id = Column(Integer, primary_key=True)
        class ProjectTranslation(translation_base(Project)):
            __tablename__ = "project_translation"
            name = Column(String(255))
        """,
        [("project", "id", "id", False, None, 8),
         ("project_translation", "locale", "locale", False, "translation_base()", 9),
         ("project_translation", "name", "name", True, None, 11)],
        id="SQLAlchemy-i18n: Translatable adds no column, translation_base() the locale "
           "(osm-tasking-manager2)",
    ),
]


@pytest.mark.parametrize(("body", "expected"), SHIPPED_CASES)
def test_external_bases_add_their_columns(
    body: str, expected: list[tuple[str, str, str | None, bool, str | None, int]]
) -> None:
    inventory = scan(body)
    assert inventory.errors == ()
    assert sorted(cols(inventory), key=lambda c: (c[5], expected.index(c))) == expected


def test_coaster_uuid_mixin_and_columns_through_with_roles() -> None:
    """coaster's UuidMixin adds a `uuid` column unless the class has a UUID primary key, which
    coaster's IdMixin sets from the type argument of `BaseMixin[UUID, ...]` (ExternalClass.sets)
    or the class sets as `__uuid_primary_key__` (then `uuid` is a synonym of `id`: no column);
    with_roles(...), immutable(...) and cached(...) return the column they are given (kind
    "passthrough"), so the column is read through them, while a wrapper nobody declared still
    blocks."""
    inventory = scan("""\
        from uuid import UUID
        from coaster.sqlalchemy import BaseMixin, ModelBase, UuidMixin, immutable, with_roles
        from coaster.sqlalchemy import cached
        from acme import audited
        class Model(ModelBase, DeclarativeBase):
            pass
        class MembershipMixin(UuidMixin, BaseMixin[UUID, "User"]):
            pass
        class Membership(MembershipMixin, Model):
            __tablename__ = "membership"
        class Account(UuidMixin, BaseMixin[int, "Account"], Model):
            __tablename__ = "account"
        class Legacy(UuidMixin, BaseMixin, Model):
            __tablename__ = "legacy"
            __uuid_primary_key__ = True
        class Preferences(BaseMixin[int, "User"], Model):
            __tablename__ = "preferences"
            by_email: Mapped[bool] = with_roles(mapped_column(default=True), rw={"owner"})
            by_phone: Mapped[bool] = with_roles(immutable(mapped_column()), read={"owner"})
            by_sms: Mapped[bool] = audited(mapped_column(default=True))
            session_count = cached(mapped_column(Integer, default=0))
        """)
    assert [(e.line, e.message.split(":", 1)[0]) for e in inventory.errors] == [
        (24, "Preferences.by_sms")]
    assert inventory.errors[0].message.endswith(
        "; if it returns the column it is given, declare it in "
        '[tool.masking-reviewer.external-bases]: "acme.audited" = '
        '{ kind = "passthrough", columns = [] }')
    columns = {(c.table, c.column) for c in inventory.columns}
    assert {c for t, c in columns if t == "membership"} == {"id", "created_at", "updated_at"}
    assert {c for t, c in columns if t == "account"} == {"uuid", "id", "created_at", "updated_at"}
    assert {c for t, c in columns if t == "legacy"} == {"id", "created_at", "updated_at"}
    assert {c for t, c in columns if t == "preferences"} == {
        "id", "created_at", "updated_at", "by_email", "by_phone", "session_count"}


def test_an_instance_of_a_class_deriving_from_a_declared_columnless_base_builds_none() -> None:
    """ichnaea keeps a colander schema instance as a class attribute: a class of the repository
    deriving from a base declared to add no columns makes no column when called; one deriving
    from an undeclared package's class still blocks."""
    inventory = scan("""\
        import colander
        import formkit
        class ValidWifiSchema(colander.MappingSchema):
            pass
        class ValidFormSchema(formkit.Form):
            pass
        class WifiShard(Base):
            __tablename__ = "wifi_shard_0"
            mac = Column(String(12), primary_key=True)
            _valid_schema = ValidWifiSchema()
            _valid_form = ValidFormSchema()
        """)
    assert [(e.line, e.message[:67]) for e in inventory.errors] == [
        (15, "WifiShard._valid_form: cannot resolve ValidFormSchema(...) (a class")]
    assert [(c.table, c.column) for c in inventory.columns] == [("wifi_shard_0", "mac")]


def test_a_passthrough_given_a_column_where_the_reader_does_not_read_through_blocks() -> None:
    """Declared to return what it is given, with_roles(...) builds no column of its own; given
    a column where the reader does not look through it (a Table's argument), it blocks rather
    than count as a call that builds none."""
    inventory = scan("""\
        from sqlalchemy import Table
        from coaster.sqlalchemy import with_roles
        t = Table("t", Base.metadata, Column("id", Integer),
                  with_roles(Column("secret", String), read={"owner"}))
        """)
    assert [(e.line, e.message[:65]) for e in inventory.errors] == [
        (8, "Table('t') is given with_roles(...) (declared to return what it i")]
    assert [(c.table, c.column) for c in inventory.columns] == [("t", "id")]


def test_flask_security_fsqla_v3_user_mixin_has_its_columns() -> None:
    inventory = scan("""\
        from flask_security import UserMixin, RoleMixin
        from flask_security.models import fsqla_v3 as fsqla
        class User(Base, fsqla.FsUserMixin):
            __tablename__ = "user"
        class Role(Base, RoleMixin):
            __tablename__ = "role"
            id = Column(Integer, primary_key=True)
        """)
    assert inventory.errors == ()
    user = {c.column for c in inventory.columns if c.table == "user"}
    assert {"email", "password", "tf_totp_secret", "fs_uniquifier", "us_phone_number",
            "fs_webauthn_user_handle", "mf_recovery_codes"} <= user
    assert [c.column for c in inventory.columns if c.table == "role"] == ["id"]
    user_line = next(c.line for c in inventory.columns if c.table == "user")
    # the association table FsModels.set_db_info(db) makes, called in the app factory
    assert [(c.table, c.column, c.class_name, c.line, c.foreign_key)
            for c in inventory.columns if c.table == "roles_users"] == [
        ("roles_users", "role_id", None, user_line, "role.id"),
        ("roles_users", "user_id", None, user_line, "user.id"),
    ]


def test_a_roles_users_table_of_the_application_replaces_flask_securitys() -> None:
    inventory = scan("""\
        from sqlalchemy import ForeignKey, Table
        from flask_security.models import fsqla_v3 as fsqla
        roles_users = Table("roles_users", Base.metadata,
                            Column("id", Integer, primary_key=True),
                            Column("user_id", Integer, ForeignKey("user.id")),
                            Column("role_id", Integer, ForeignKey("role.id")))
        class User(Base, fsqla.FsUserMixin):
            __tablename__ = "user"
        """)
    assert inventory.errors == ()
    assert [(c.column, c.line) for c in inventory.columns if c.table == "roles_users"] == [
        ("id", 8), ("user_id", 9), ("role_id", 10)]


def test_a_credential_from_an_external_mixin_is_reported_with_its_category(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent("""\
        from authlib.integrations.sqla_oauth2 import OAuth2ClientMixin
        class Client(Base, OAuth2ClientMixin):
            __tablename__ = "oauth2_client"
            id: Mapped[int] = mapped_column(primary_key=True)
        """))
    code = main(["scan", "--format", "json", "--no-cache", "--root", str(tmp_path)])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    secret = next(c for c in doc["columns"] if c["column"] == "client_secret")
    assert (secret["table"], secret["path"], secret["line"], secret["category"],
            secret["confidence"], secret["labels"]) == (
        "oauth2_client", "app/models.py", 6, "credential", "high", [])


UNKNOWN = """\
    from acme_billing.mixins import StripeMixin
    class Customer(Base, StripeMixin):
        __tablename__ = "customers"
        id = Column(Integer, primary_key=True)
    """


def test_an_unknown_external_base_blocks_naming_the_package_and_the_config_key() -> None:
    inventory = scan(UNKNOWN)
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 6)
    assert re.fullmatch(
        r"class Customer: base class 'StripeMixin' is acme_billing\.mixins\.StripeMixin from "
        r"the package 'acme_billing', outside the repository; it is not installed where "
        r"masking-reviewer runs and no declaration of it ships with masking-reviewer, so the "
        r"columns it adds cannot be read\. Install the package where the reviewer runs, or "
        r"declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"acme_billing\.mixins\.StripeMixin\" = "
        r"\{ columns = \[\{ attribute = \"\.\.\.\", type = \"\.\.\.\" \}\] \}, filling in "
        r"\"\.\.\.\": one \{ attribute, type \} in columns for each column it adds "
        r"\(columns = \[\] if it adds none\)",
        error.message,
    ), error.message


CONFIG_CASES = [
    pytest.param(
        '[tool.masking-reviewer.external-bases]\n'
        '"acme_billing.mixins.StripeMixin" = { columns = [] }\n',
        [("customers", "id", None, ())],
        id="declared as adding no columns",
    ),
    pytest.param(
        '[tool.masking-reviewer.external-bases."acme_billing.mixins.StripeMixin"]\n'
        'columns = [\n'
        '  { name = "stripe_secret_key", type = "String(64)", labels = '
        '["ColumnVisibility.PRIVATE"] },\n'
        '  { attribute = "_cust", name = "stripe_customer_id", nullable = false },\n'
        ']\n',
        [("customers", "stripe_customer_id", "StripeMixin", ()),
         ("customers", "stripe_secret_key", "StripeMixin", ("ColumnVisibility.PRIVATE",)),
         ("customers", "id", None, ())],
        id="declared columns, with a label",
    ),
]


def test_a_declared_columns_doc_index_and_foreign_key_reach_the_classifier(tmp_path: Path) -> None:
    # what the package says a column holds is evidence, as a repository column's doc= is
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(UNKNOWN))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.masking-reviewer.external-bases."acme_billing.mixins.StripeMixin"]\n'
        'columns = [{ name = "code", type = "String(32)", index = true, '
        'doc = "the one-time code mailed to the customer" }, '
        '{ name = "code_ref", foreign-key = "customers.code" }]\n')
    tree = WorktreeTree(tmp_path)
    inventory = build_inventory(tree, load_config(str(tmp_path), tree), use_cache=False)
    code = next(c for c in inventory.columns if c.column == "code")
    assert (code.doc, code.index) == ("the one-time code mailed to the customer", True)
    judged = {c.column: c for c in classify_columns(inventory.columns)}
    assert (judged["code"].category, judged["code"].confidence, judged["code"].evidence) == (
        "credential", "high", "indexed, doc says 'one time'")
    # a declared foreign key to it holds the same value
    assert (judged["code_ref"].foreign_key, judged["code_ref"].category,
            judged["code_ref"].evidence) == (
        "customers.code", "credential", "foreign key to customers.code, which holds a "
        "credential (indexed, doc says 'one time'): the same value")


@pytest.mark.parametrize(("pyproject", "expected"), CONFIG_CASES)
def test_the_config_key_resolves_an_unknown_base(
    pyproject: str, expected: list[tuple[str, str, str | None, tuple[str, ...]]],
    tmp_path: Path,
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(UNKNOWN))
    (tmp_path / "pyproject.toml").write_text(pyproject)
    tree = WorktreeTree(tmp_path)
    inventory = build_inventory(tree, load_config(str(tmp_path), tree), use_cache=False)
    assert inventory.errors == ()
    assert [(c.table, c.column, c.declared_in, c.labels) for c in inventory.columns] == expected


HELPER = """\
import acme_audit
class Invoice(Base):
    __tablename__ = "invoices"
    id: Mapped[int] = mapped_column(primary_key=True)
    history = acme_audit.versioned("invoice")
"""


def test_an_external_call_in_a_model_blocks_naming_the_config_key_that_declares_it() -> None:
    inventory = scan(HELPER)
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 9)
    assert re.fullmatch(
        r"Invoice\.history: cannot resolve acme_audit\.versioned\(\.\.\.\) \(from the package "
        r"'acme_audit'\), so masking-reviewer cannot tell whether it builds a column, and a "
        r"labelled one would pass unchecked; declare the column with mapped_column\(\.\.\.\) or "
        r"Column\(\.\.\.\) in the class body, or, if it builds no column, define it outside the "
        r"mapped class or declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"acme_audit\.versioned\" = \{ columns = \[\] \}",
        error.message,
    ), error.message


def test_a_decorator_given_a_column_blocks_unless_declared_to_return_it() -> None:
    """An unknown decorator handed a Column(...) may map it under the method's name, as
    SQLAlchemy-Utils' @aggregated does: it blocks where the decorator is, naming the entry."""
    inventory = scan("""\
        from acme_counts import counted
        class Group(Base):
            __tablename__ = "groups"
            id = Column(Integer, primary_key=True)
            @counted("followers", Column(Integer))
            def follower_count(self):
                return 1
        """)
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 9)
    assert error.message.startswith(
        "Group.follower_count: cannot resolve counted(...) (from the package 'acme_counts')")
    assert '"acme_counts.counted" = { kind = "passthrough"' in error.message, error.message
    assert [(c.table, c.column) for c in inventory.columns] == [("groups", "id")]


@pytest.mark.parametrize(("declared", "errors"), [
    pytest.param('"acme_audit.versioned" = { columns = [] }', 0,
                 id="declared as building no column: read"),
    pytest.param('"acme_audit.versioned" = { columns = [{ name = "v" }] }', 1,
                 id="declared with columns: a call's columns cannot be placed, it still blocks"),
    pytest.param('"acme_audit.other" = { columns = [] }', 1,
                 id="another name declared: still blocks"),
])
def test_the_config_key_declares_an_external_call_builds_no_column(
    declared: str, errors: int, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + HELPER)
    (tmp_path / "pyproject.toml").write_text(
        f"[tool.masking-reviewer.external-bases]\n{declared}\n")
    tree = WorktreeTree(tmp_path)
    inventory = build_inventory(tree, load_config(str(tmp_path), tree), use_cache=False)
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", 9)] * errors
    assert [(c.table, c.column) for c in inventory.columns] == [("invoices", "id")]


@pytest.mark.parametrize(("pyproject", "message"), [
    pytest.param('[tool.masking-reviewer.external-bases]\n"Mixin" = { columns = [] }\n',
                 r"bad value for key 'external-bases'", id="a name that is not qualified"),
    pytest.param('[tool.masking-reviewer.external-bases]\n"a.Mixin" = { }\n',
                 r"bad value for key 'external-bases\.a\.Mixin': 'columns' is a required",
                 id="no columns key"),
    pytest.param('[tool.masking-reviewer.external-bases]\n'
                 '"a.Mixin" = { columns = [{ type = "Text" }] }\n',
                 r"bad value for key 'external-bases\.a\.Mixin\.columns\[0\]'",
                 id="a column without a name"),
    pytest.param('[tool.masking-reviewer.external-bases."a.link"]\nkind = "table-factory"\n'
                 'parameters = ["t"]\ntablename = "{t}"\ncolumns = [{ name = "{x}_id" }]\n',
                 r"^pyproject\.toml:5: bad value for key 'external-bases\.a\.link\.columns': "
                 r"'\{x\}_id' names "
                 r"'x', which is not one of the function's parameters \(t\)$",
                 id="a table factory's column template naming no parameter"),
])
def test_bad_external_base_config_is_a_usage_error(pyproject: str, message: str,
                                                  tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(pyproject)
    tree = WorktreeTree(tmp_path)
    with pytest.raises(UsageError, match=message):
        load_config(str(tmp_path), tree)


# ----------------------------------------------------------------------------- installed source

SITE = {
    "acme_auth/__init__.py": "from .mixins import ApiKeyMixin as ApiKeyMixin\n"
                             "raise RuntimeError('imported!')\n",
    "acme_auth/base.py": (
        "from sqlalchemy import Column, DateTime\n"
        "class Stamped:\n"
        "    created_at = Column(DateTime, nullable=False)\n"
    ),
    "acme_auth/mixins.py": (
        "from sqlalchemy import Column, String\n"
        "from sqlalchemy.orm import Mapped, mapped_column\n"
        "from .base import Stamped\n"
        "class ApiKeyMixin(Stamped):\n"
        "    api_secret = Column(String(64))\n"
        "    key_id: Mapped[str] = mapped_column('key_ref', String(16), unique=True)\n"
    ),
}
APP = """\
    from acme_auth import ApiKeyMixin
    class Key(ApiKeyMixin, Base):
        __tablename__ = "keys"
        id = Column(Integer, primary_key=True)
    """


def _site(tmp_path: Path, files: dict[str, str]) -> Path:
    site = tmp_path / "site-packages"
    for rel, text in files.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return site


def test_an_installed_package_is_read_from_its_source_without_importing_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(_site(tmp_path, SITE)))
    inventory = scan(APP)
    assert "acme_auth" not in sys.modules
    assert inventory.errors == ()
    assert [(c.column, c.attribute, c.nullable, c.unique, c.declared_in)
            for c in inventory.columns] == [
        ("api_secret", "api_secret", True, False, "ApiKeyMixin"),
        ("created_at", "created_at", False, False, "ApiKeyMixin"),
        ("key_ref", "key_id", False, True, "ApiKeyMixin"),
        ("id", "id", False, False, None),
    ]


def test_an_installed_base_whose_own_base_cannot_be_followed_stays_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = {**SITE, "acme_auth/mixins.py": SITE["acme_auth/mixins.py"].replace(
        "from .base import Stamped", "from vendor_x import Stamped")}
    monkeypatch.syspath_prepend(str(_site(tmp_path, broken)))
    inventory = scan(APP)
    (error,) = inventory.errors
    assert re.search(r"base class 'ApiKeyMixin' is acme_auth\.ApiKeyMixin from the package "
                     r"'acme_auth'.*external-bases", error.message), error.message


def test_installed_source_agrees_with_sqlalchemy(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Differential: the app imported for real, its installed mixin included."""
    site = _site(tmp_path, {**SITE, "acme_auth/__init__.py": SITE["acme_auth/__init__.py"]
                            .replace("raise RuntimeError('imported!')\n", "")})
    monkeypatch.syspath_prepend(str(site))
    inventory = scan(APP)
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(HEAD + textwrap.dedent(APP))
    walk = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from app.models import Base\n"
        "print(json.dumps({t.name: {c.name: [c.nullable, c.primary_key, bool(c.unique)] "
        "for c in t.columns} for t in Base.metadata.tables.values()}, sort_keys=True))\n"
    )
    proc = subprocess.run([sys.executable, "-B", "-c", walk, str(tmp_path), str(site)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    static = {"keys": {c.column: [c.nullable, c.primary_key, c.unique]
                       for c in inventory.columns}}
    assert static == json.loads(proc.stdout)


def test_a_class_stand_in_for_an_installed_mixin_agrees_with_sqlalchemy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Differential: where the package is installed, SQLAlchemy maps the import's columns,
    not the stand-in's (none)."""
    site = _site(tmp_path, {**SITE, "acme_auth/__init__.py": SITE["acme_auth/__init__.py"]
                            .replace("raise RuntimeError('imported!')\n", "")})
    monkeypatch.syspath_prepend(str(site))
    app_src = textwrap.dedent("""\
        try:
            from acme_auth import ApiKeyMixin
        except ImportError:
            class ApiKeyMixin:
                pass
        """) + textwrap.dedent(APP).replace("from acme_auth import ApiKeyMixin\n", "")
    inventory = scan(app_src)
    assert inventory.errors == ()
    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(HEAD + app_src)
    walk = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from app.models import Base\n"
        "print(json.dumps({t.name: sorted(c.name for c in t.columns) "
        "for t in Base.metadata.tables.values()}, sort_keys=True))\n"
    )
    proc = subprocess.run([sys.executable, "-B", "-c", walk, str(tmp_path), str(site)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == {"keys": sorted(c.column for c in inventory.columns)}
    assert json.loads(proc.stdout) == {"keys": ["api_secret", "created_at", "id", "key_ref"]}


def test_locate_module_walks_the_search_path_without_imports(tmp_path: Path) -> None:
    site = _site(tmp_path, SITE)
    assert locate_module("acme_auth", [site]) == site / "acme_auth" / "__init__.py"
    assert locate_module("acme_auth.mixins", [site]) == site / "acme_auth" / "mixins.py"
    assert locate_module("acme_auth.nope", [site]) is None
    assert locate_module("../etc", [site]) is None
    assert "acme_auth" not in sys.modules


def test_locate_module_takes_a_package_over_a_module_of_its_name(tmp_path: Path) -> None:
    # Python's finder checks for the package directory first
    (tmp_path / "acme_db").mkdir()
    (tmp_path / "acme_db" / "__init__.py").write_text("class Model:\n    pass\n")
    (tmp_path / "acme_db.py").write_text("raise SystemExit\n")
    assert locate_module("acme_db", [tmp_path]) == tmp_path / "acme_db" / "__init__.py"


# ----------------------------------------------------------------------------- shipped data


@pytest.mark.parametrize(("spec", "version", "expected"), [
    pytest.param(">=0.15", "1.3.2", True, id="open range"),
    pytest.param(">=0.15,<1.6.0", "1.6.0", False, id="upper bound excluded"),
    pytest.param(">=0.15,<1.6.0", "1.5.2", True, id="inside"),
    pytest.param(">=5.0", "4.9.9", False, id="below"),
    pytest.param(">=1.0", "18.1.0.dev3", True, id="dev release"),
])
def test_version_ranges(spec: str, version: str, expected: bool) -> None:
    assert version_matches(spec, version) is expected


def test_every_shipped_declaration_is_well_formed() -> None:
    declarations = shipped()
    assert len(declarations) >= 30
    for name, found in declarations.items():
        assert re.fullmatch(EXTERNAL_NAME, name), name  # what a config key may be
        for d in found:
            assert d.distribution and re.fullmatch(r"(?:[<>=]=?[\d.]+,?)+", d.versions), name
            assert isinstance(d.cls, ExternalClass)
            attrs = [c.attribute for c in d.cls.columns]
            assert len(attrs) == len(set(attrs)), name
            assert all(isinstance(c, ExternalColumn) and c.name for c in d.cls.columns)


# ----------------------------------------------------------------------------- Flask-Dance and
# table names derived from the class name

DANCE_CASES = [
    pytest.param(
        """\
        try:
            from flask_dance.consumer.backend.sqla import OAuthConsumerMixin
        except ImportError as e:
            try:
                from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
            except ImportError as e:
                OAuthConsumerMixin = BaseException
        class OAuth(OAuthConsumerMixin, Base):
            provider_user_id = Column(String(256))
            user_id = Column(Integer)
        """,
        [("flask_dance_oauth", "id", "id", False, "OAuthConsumerMixin", 12),
         ("flask_dance_oauth", "provider", "provider", False, "OAuthConsumerMixin", 12),
         ("flask_dance_oauth", "created_at", "created_at", False, "OAuthConsumerMixin", 12),
         ("flask_dance_oauth", "token", "token", False, "OAuthConsumerMixin", 12),
         ("flask_dance_oauth", "provider_user_id", "provider_user_id", True, None, 13),
         ("flask_dance_oauth", "user_id", "user_id", True, None, 14)],
        id="nested try/except import with a BaseException fallback: the import is read",
    ),
    pytest.param(
        """\
        try:
            from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
        except ImportError:
            class OAuthConsumerMixin:
                \"\"\"Flask-Dance is optional.\"\"\"
        class OAuth(OAuthConsumerMixin, Base):
            provider_user_id = Column(String(256))
        """,
        [("flask_dance_oauth", "id", "id", False, "OAuthConsumerMixin", 10),
         ("flask_dance_oauth", "provider", "provider", False, "OAuthConsumerMixin", 10),
         ("flask_dance_oauth", "created_at", "created_at", False, "OAuthConsumerMixin", 10),
         ("flask_dance_oauth", "token", "token", False, "OAuthConsumerMixin", 10),
         ("flask_dance_oauth", "provider_user_id", "provider_user_id", True, None, 11)],
        id="a class statement as the ImportError stand-in: the import is read",
    ),
    pytest.param(
        """\
        from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
        class GitHubToken(OAuthConsumerMixin, Base):
            pass
        class Token(OAuthConsumerMixin, Base):
            __tablename__ = "oauth_tokens"
        """,
        [("flask_dance_githubtoken", "id", "id", False, "OAuthConsumerMixin", 6),
         ("flask_dance_githubtoken", "provider", "provider", False, "OAuthConsumerMixin", 6),
         ("flask_dance_githubtoken", "created_at", "created_at", False,
          "OAuthConsumerMixin", 6),
         ("flask_dance_githubtoken", "token", "token", False, "OAuthConsumerMixin", 6),
         ("oauth_tokens", "id", "id", False, "OAuthConsumerMixin", 8),
         ("oauth_tokens", "provider", "provider", False, "OAuthConsumerMixin", 8),
         ("oauth_tokens", "created_at", "created_at", False, "OAuthConsumerMixin", 8),
         ("oauth_tokens", "token", "token", False, "OAuthConsumerMixin", 8)],
        id="one table per subclass, named from it; a subclass's own __tablename__ wins",
    ),
    pytest.param(
        """\
        from flask_dance.consumer.storage import sqla
        from sqlalchemy.orm import declared_attr
        class AppMixin:
            @declared_attr
            def __tablename__(cls):
                return "app_" + cls.__name__.lower()
        class Token(AppMixin, sqla.OAuthConsumerMixin, Base):
            pass
        """,
        [("app_token", "id", "id", False, "OAuthConsumerMixin", 11),
         ("app_token", "provider", "provider", False, "OAuthConsumerMixin", 11),
         ("app_token", "created_at", "created_at", False, "OAuthConsumerMixin", 11),
         ("app_token", "token", "token", False, "OAuthConsumerMixin", 11)],
        id="a repository mixin earlier in the MRO names the table",
    ),
]


@pytest.mark.parametrize(("body", "expected"), DANCE_CASES)
def test_flask_dance_token_mixin_names_each_subclass_table(
    body: str, expected: list[tuple[str, str, str | None, bool, str | None, int]]
) -> None:
    inventory = scan(body)
    assert inventory.errors == ()
    assert sorted(cols(inventory), key=lambda c: (c[5], expected.index(c))) == expected


def test_ziggurat_foundations_mixins_bring_their_own_tables() -> None:
    """ziggurat_foundations' mixins name their tables themselves (Magpie's users, groups,
    resources and OAuth identities are these tables); a resource subclass shares `resources`
    (single-table inheritance on resource_type)."""
    inventory = scan("""\
        from ziggurat_foundations.models.base import BaseModel
        from ziggurat_foundations.models.external_identity import ExternalIdentityMixin
        from ziggurat_foundations.models.group import GroupMixin
        from ziggurat_foundations.models.resource import ResourceMixin
        from ziggurat_foundations.models.user import UserMixin
        from ziggurat_foundations.models.user_group import UserGroupMixin
        class Group(GroupMixin, Base):
            terms = Column(String(2048))
        class UserGroup(UserGroupMixin, Base):
            pass
        class Resource(ResourceMixin, Base):
            pass
        class Service(Resource):
            __mapper_args__ = {"polymorphic_identity": "service"}
            url = Column(String(1024))
        class User(UserMixin, Base):
            pass
        class ExternalIdentity(ExternalIdentityMixin, Base):
            pass
        class NetworkToken(BaseModel, Base):
            __tablename__ = "network_tokens"
            id = Column(Integer, primary_key=True)
            token = Column(String, nullable=False, unique=True)
        """)
    assert inventory.errors == ()
    by_table: dict[str, set[tuple[str, str | None]]] = {}
    for c in inventory.columns:
        by_table.setdefault(c.table, set()).add((c.column, c.declared_in))
    assert by_table == {table: set(columns) for table, columns in {
        "groups": [("id", "GroupMixin"), ("group_name", "GroupMixin"),
                   ("description", "GroupMixin"), ("member_count", "GroupMixin"),
                   ("terms", None)],
        "users_groups": [("group_id", "UserGroupMixin"), ("user_id", "UserGroupMixin")],
        "resources": [("resource_id", "ResourceMixin"), ("parent_id", "ResourceMixin"),
                      ("ordering", "ResourceMixin"), ("resource_name", "ResourceMixin"),
                      ("resource_type", "ResourceMixin"), ("owner_group_id", "ResourceMixin"),
                      ("owner_user_id", "ResourceMixin"), ("url", None)],
        "users": [("id", "UserMixin"), ("user_name", "UserMixin"),
                  ("user_password", "UserMixin"), ("email", "UserMixin"),
                  ("status", "UserMixin"), ("security_code", "UserMixin"),
                  ("last_login_date", "UserMixin"), ("registered_date", "UserMixin"),
                  ("security_code_date", "UserMixin")],
        "external_identities": [
            ("external_id", "ExternalIdentityMixin"),
            ("external_user_name", "ExternalIdentityMixin"),
            ("local_user_id", "ExternalIdentityMixin"),
            ("provider_name", "ExternalIdentityMixin"),
            ("access_token", "ExternalIdentityMixin"), ("alt_token", "ExternalIdentityMixin"),
            ("token_secret", "ExternalIdentityMixin")],
        "network_tokens": [("id", None), ("token", None)],
    }.items()}


@pytest.mark.parametrize("fallback", [
    pytest.param("StripeMixin = object", id="bound to object"),
    pytest.param("StripeMixin = None", id="bound to None"),
    pytest.param("StripeMixin = make_stub()", id="bound to a call"),
])
@pytest.mark.parametrize("handler", [
    pytest.param("except ImportError:", id="except ImportError"),
    pytest.param("except (ModuleNotFoundError, ImportError) as exc:", id="a tuple"),
    pytest.param("except Exception:", id="except Exception"),
    pytest.param("except:", id="bare except"),
])
def test_an_import_fallback_does_not_hide_an_unknown_base(fallback: str, handler: str) -> None:
    """The stand-in runs only where the package is missing; where it is installed the import
    runs, and its columns are unknown: blocking, not read as a class without columns."""
    inventory = scan(f"""\
        try:
            from acme_billing.mixins import StripeMixin
        {handler}
            {fallback}
        class Customer(Base, StripeMixin):
            __tablename__ = "customers"
            id = Column(Integer, primary_key=True)
        """)
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 9)
    assert re.match(r"class Customer: base class 'StripeMixin' is acme_billing\.mixins\."
                    r"StripeMixin from the package 'acme_billing'", error.message), error.message


STANDIN_CASES = [
    pytest.param("class StripeMixin:\n    pass", 10, id="class Mixin: pass"),
    pytest.param('class StripeMixin(object):\n    """Billing is optional."""\n'
                 '    provider = "none"\n    def charge(self, amount):\n        return None',
                 13, id="(object), a docstring, a plain value and a method"),
    pytest.param("class StripeMixin(Exception):\n    pass", 10, id="a builtin base"),
]


@pytest.mark.parametrize(("standin", "line"), STANDIN_CASES)
@pytest.mark.parametrize("handler", [
    pytest.param("except ImportError:", id="except ImportError"),
    pytest.param("except (ModuleNotFoundError, ImportError):", id="a tuple"),
    pytest.param("except:", id="bare except"),
])
def test_a_class_stand_in_does_not_hide_an_unknown_base(standin: str, line: int,
                                                        handler: str) -> None:
    """The class statement form of the fallback above: the import is read, so the unknown
    package still blocks instead of the stand-in passing as a mixin without columns."""
    inventory = scan(
        f"try:\n    from acme_billing.mixins import StripeMixin\n{handler}\n"
        + textwrap.indent(standin, "    ") + "\n"
        + 'class Customer(Base, StripeMixin):\n    __tablename__ = "customers"\n'
        + "    id = Column(Integer, primary_key=True)\n")
    assert inventory.columns == ()
    assert [(e.path, e.line) for e in inventory.errors] == [("app/models.py", line)]
    assert re.match(r"class Customer: base class 'StripeMixin' is acme_billing\.mixins\."
                    r"StripeMixin from the package 'acme_billing'", inventory.errors[0].message)


STANDIN_FIX = (r", so which columns are mapped depends on whether the package is installed; "
               r"masking-reviewer reads the import\. Move what the stand-in maps into a class of "
               r"your own outside the try statement, or make the stand-in map nothing \(class "
               r"OAuthConsumerMixin: pass\)$")


@pytest.mark.parametrize(("standin", "what"), [
    pytest.param("    token = Column(String(255))", r"declares the column token \(line 10\)",
                 id="a column"),
    pytest.param("    @declared_attr\n    def user_id(cls):\n"
                 "        return Column(Integer)", r"declares the column user_id \(line 10\)",
                 id="a declared_attr column"),
    pytest.param("    token: Mapped[str]", r"declares the column token \(line 10\)",
                 id="a Mapped annotation"),
    pytest.param("    __tablename__ = \"oauth\"", r"declares a table", id="a table name"),
])
def test_a_class_stand_in_that_maps_something_blocks(standin: str, what: str) -> None:
    """Where Flask-Dance is installed its mixin's columns are mapped, where it is missing the
    stand-in's: two schemas, so neither is read alone (the import still is, for its table)."""
    inventory = scan(textwrap.dedent("""\
        from sqlalchemy.orm import declared_attr
        try:
            from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
        except ImportError:
            class OAuthConsumerMixin:
        """) + textwrap.indent(standin, "    ") + "\n" + textwrap.dedent("""\
        class OAuth(OAuthConsumerMixin, Base):
            provider_user_id = Column(String(256))
        """))
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 9)
    assert re.fullmatch(r"class OAuthConsumerMixin stands in for the imported flask_dance\."
                        r"consumer\.storage\.sqla\.OAuthConsumerMixin where the import fails "
                        r"\(except ImportError\), and " + what + STANDIN_FIX, error.message), \
        error.message
    assert {c.column for c in inventory.columns} == {
        "id", "provider", "created_at", "token", "provider_user_id"}


@pytest.mark.parametrize(("compat", "errors"), [
    pytest.param("class OAuthConsumerMixin:\n    pass\n", [], id="an inert stand-in: no finding"),
    pytest.param("from sqlalchemy import Column, String\nclass OAuthConsumerMixin:\n"
                 "    token = Column(String)\n",
                 [("app/compat.py", 2, r"class OAuthConsumerMixin \(imported in app/models\.py as "
                   r"OAuthConsumerMixin\) stands in for the imported flask_dance\.consumer\."
                   r"storage\.sqla\.OAuthConsumerMixin where the import fails \(except "
                   r"ImportError\), and declares the column token \(line 3\)" + STANDIN_FIX)],
                 id="a stand-in with a column blocks at its own line"),
])
@pytest.mark.parametrize("form", [
    pytest.param("from app.compat import OAuthConsumerMixin", id="absolute"),
    pytest.param("from .compat import OAuthConsumerMixin", id="relative"),
])
def test_an_imported_stand_in_does_not_hide_the_import(
    compat: str, errors: list[tuple[str, int, str]], form: str
) -> None:
    """``except ImportError: from .compat import Mixin``: as for a class statement there, the
    try's import is read (it lost Flask-Dance's token column and named the table o_auth)."""
    inventory = scan(f"""\
        try:
            from flask_dance.consumer.storage.sqla import OAuthConsumerMixin
        except ImportError:
            {form}
        class OAuth(OAuthConsumerMixin, Base):
            provider_user_id = Column(String(256))
        """, Config(root="/repo", table_naming="snake_case"), {"app/compat.py": compat})
    assert [(e.path, e.line) for e in inventory.errors] == [(p, n) for p, n, _ in errors]
    for error, (_, _, pattern) in zip(inventory.errors, errors, strict=True):
        assert re.fullmatch(pattern, error.message), error.message
    assert sorted((c.table, c.column) for c in inventory.columns) == [
        ("flask_dance_oauth", c) for c in
        ("created_at", "id", "provider", "provider_user_id", "token")]


def test_a_version_fallback_between_sqlalchemy_imports_still_reads() -> None:
    inventory = scan("""\
        try:
            from sqlalchemy.orm import declarative_base
        except ImportError:
            from sqlalchemy.ext.declarative import declarative_base
        Legacy = declarative_base()
        class Note(Legacy):
            __tablename__ = "notes"
            id = Column(Integer, primary_key=True)
        """)
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == [("notes", "id")]


@pytest.mark.parametrize(("body", "what"), [
    pytest.param('__tablename__ = "invoices"\n        id = Column(Integer, primary_key=True)',
                 r"declares the column id \(line 10\)", id="a model"),
    pytest.param("__abstract__ = True", r"derives from Base", id="a repository base"),
])
def test_a_class_stand_in_deriving_from_a_repository_class_blocks(body: str, what: str) -> None:
    """A stand-in model: its table exists only where the package is missing."""
    inventory = scan("try:\n    from acme_billing.models import Invoice\nexcept ImportError:\n"
                     f"    class Invoice(Base):\n        {body}\n")
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 8)
    assert re.fullmatch(r"class Invoice stands in for the imported acme_billing\.models\.Invoice "
                        r"where the import fails \(except ImportError\), and " + what
                        + STANDIN_FIX.replace("OAuthConsumerMixin", "Invoice"), error.message)
    assert inventory.columns == ()


DERIVED_CONFIG = """\
[tool.masking-reviewer.external-bases."acme_billing.mixins.StripeMixin"]
tablename = {tablename}
columns = [{{ name = "stripe_secret_key" }}]
"""


@pytest.mark.parametrize(("tablename", "own", "expected"), [
    pytest.param('"stripe_{class_lower}"', "", "stripe_customer",
                 id="{class_lower}: the subclass's name lowercased"),
    pytest.param('"{class}Stripe"', "", "CustomerStripe", id="{class}: the name as written"),
    pytest.param('"{class}_{class_lower}"', "", "Customer_customer", id="both fields"),
    pytest.param('"stripe_accounts"', "", "stripe_accounts", id="a literal name"),
    pytest.param('"stripe_{class_lower}"', '__tablename__ = "customers"', "customers",
                 id="the subclass's own __tablename__ wins"),
])
def test_a_declared_tablename_may_be_derived_from_the_class_name(
    tablename: str, own: str, expected: str, tmp_path: Path
) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(f"""\
        from acme_billing.mixins import StripeMixin
        class Customer(Base, StripeMixin):
            {own}
            id = Column(Integer, primary_key=True)
        """))
    (tmp_path / "pyproject.toml").write_text(DERIVED_CONFIG.format(tablename=tablename))
    tree = WorktreeTree(tmp_path)
    inventory = build_inventory(tree, load_config(str(tmp_path), tree), use_cache=False)
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == [
        (expected, "stripe_secret_key"), (expected, "id")]


@pytest.mark.parametrize(("tablename", "message"), [
    pytest.param('"stripe_{cls}"', r"tablename 'stripe_\{cls\}' has the unknown field \{cls\}; "
                 r"the fields are \{class\} \(the name of each class deriving from it\), "
                 r"\{class_lower\} \(that name lowercased\) and \{class_snake\} \(that name "
                 r"in snake_case, HTTPRequestLog -> http_request_log\), e\.g\. "
                 r"\"flask_dance_\{class_lower\}\"",
                 id="an unknown field"),
    pytest.param('"stripe_{class_lower"', r"tablename 'stripe_\{class_lower' has an unmatched "
                 r"'\{'; a table name derived from the class name takes \{class\}, "
                 r"\{class_lower\} or \{class_snake\}", id="an unclosed brace"),
    pytest.param('"stripe_{}"', r"tablename 'stripe_\{\}' has the unknown field \{\};",
                 id="an empty field"),
    pytest.param('"stripe}"', r"tablename 'stripe\}' has an unmatched '\}';",
                 id="a stray closing brace"),
])
def test_a_malformed_derived_tablename_is_a_usage_error_at_its_line(
    tablename: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(DERIVED_CONFIG.format(tablename=tablename))
    tree = WorktreeTree(tmp_path)
    with pytest.raises(UsageError, match=r"bad value for key 'external-bases\.acme_billing\."
                       r"mixins\.StripeMixin\.tablename': " + message) as info:
        load_config(str(tmp_path), tree)
    assert info.value.line == 2


DANCE_SITE = {
    "acme_dance/__init__.py": "raise RuntimeError('imported!')\n",
    "acme_dance/storage.py": (
        "from sqlalchemy import JSON, Column, Integer, String\n"
        "from sqlalchemy.ext.declarative import declared_attr\n"
        "class TokenMixin:\n"
        "    @declared_attr\n"
        "    def __tablename__(cls):\n"
        "        return {returns}\n"
        "    id = Column(Integer, primary_key=True)\n"
        "    provider = Column(String(50), nullable=False)\n"
        "    token = Column(JSON, nullable=False)\n"
    ),
}
DANCE_APP = """\
    from acme_dance.storage import TokenMixin
    class GitHubToken(TokenMixin, Base):
        user_id = Column(Integer)
    """


@pytest.mark.parametrize("returns", [
    pytest.param('f"acme_{cls.__name__.lower()}"', id="an f-string"),
    pytest.param('"acme_{}".format(cls.__name__.lower())', id="str.format"),
    pytest.param('"acme_" + cls.__name__.lower()', id="concatenation"),
])
def test_an_installed_declared_attr_tablename_names_each_subclass(
    returns: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = {**DANCE_SITE, "acme_dance/storage.py":
            DANCE_SITE["acme_dance/storage.py"].replace("{returns}", returns)}
    monkeypatch.syspath_prepend(str(_site(tmp_path, site)))
    inventory = scan(DANCE_APP)
    assert "acme_dance" not in sys.modules
    assert inventory.errors == ()
    assert [(c.table, c.column, c.declared_in) for c in inventory.columns] == [
        ("acme_githubtoken", "id", "TokenMixin"),
        ("acme_githubtoken", "provider", "TokenMixin"),
        ("acme_githubtoken", "token", "TokenMixin"),
        ("acme_githubtoken", "user_id", None),
    ]


def test_installed_declared_attr_tablename_agrees_with_sqlalchemy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Differential: SQLAlchemy runs the declared_attr for each subclass."""
    site = _site(tmp_path, {
        "acme_dance/__init__.py": "",
        "acme_dance/storage.py": DANCE_SITE["acme_dance/storage.py"].replace(
            "{returns}", '"acme_{}".format(cls.__name__.lower())'),
    })
    monkeypatch.syspath_prepend(str(site))
    app = textwrap.dedent(DANCE_APP) + (
        "class Token(TokenMixin, Base):\n"
        "    __tablename__ = 'tokens'\n"
    )
    inventory = scan(app)
    assert inventory.errors == ()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(app))
    walk = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from app.models import Base\n"
        "print(json.dumps({t.name: sorted(c.name for c in t.columns) "
        "for t in Base.metadata.tables.values()}, sort_keys=True))\n"
    )
    proc = subprocess.run([sys.executable, "-B", "-c", walk, str(tmp_path), str(site)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    static: dict[str, list[str]] = {}
    for c in inventory.columns:
        static.setdefault(c.table, []).append(c.column)
    assert {t: sorted(c) for t, c in static.items()} == json.loads(proc.stdout)


UNREAD_FIX = (r", which masking-reviewer cannot evaluate from the package's source, and "
              r"table-naming does not apply to a package's own naming; give the class a literal "
              r"__tablename__, or declare the name in \[tool\.masking-reviewer\.external-bases\]: "
              r"\"acme_dance\.storage\.TokenMixin\" = \{ tablename = \"\.\.\.\", columns = \["
              r"\{ attribute = \"id\", type = \"Integer\", primary-key = true \}, "
              r"\{ attribute = \"provider\", type = \"String\(50\)\", nullable = false \}, "
              r"\{ attribute = \"token\", type = \"JSON\", nullable = false \}\] \}, the "
              r"table's name for \"\.\.\.\" \(\{class\}, \{class_lower\} or \{class_snake\} in "
              r"it for a name derived from the class\) and the columns as read from the "
              r"package's source$")
UNREAD_HELPER = "def _table_name(cls):\n    return 'acme_' + cls.__name__.lower()\n"


@pytest.mark.parametrize("naming", [
    pytest.param(None, id="no table-naming"),
    pytest.param("snake_case", id="table-naming snake_case"),
    pytest.param("flask-sqlalchemy", id="table-naming flask-sqlalchemy"),
])
@pytest.mark.parametrize(("returns", "helper", "where"), [
    pytest.param("_table_name(cls)", UNREAD_HELPER, 6, id="a helper function"),
    pytest.param("PREFIX + cls.__name__.lower()", "PREFIX = 'acme_'\n", 5,
                 id="a module constant"),
    pytest.param('"acme_%s" % cls.__name__', "", 4, id="%-formatting"),
])
def test_an_installed_tablename_the_reader_cannot_evaluate_blocks(
    returns: str, helper: str, where: int, naming: TableNaming | None, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not a fallback to table-naming: that is the application's convention, not the
    package's (see the differential below, where the two differ)."""
    storage = DANCE_SITE["acme_dance/storage.py"].replace("{returns}", returns)
    storage = storage.replace("class TokenMixin:", helper + "class TokenMixin:")
    monkeypatch.syspath_prepend(str(_site(tmp_path, {**DANCE_SITE,
                                                     "acme_dance/storage.py": storage})))
    inventory = scan(DANCE_APP, Config(root="/repo", table_naming=naming))
    assert "acme_dance" not in sys.modules
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 6)
    assert re.fullmatch(r"class GitHubToken takes its table name from the __tablename__ of "
                        rf"acme_dance\.storage\.TokenMixin \(acme_dance\.storage, line {where}\)"
                        + UNREAD_FIX, error.message), error.message


def test_the_same_mixin_in_the_repository_takes_table_naming() -> None:
    """The contrast, on purpose: a repository declared_attr the reader cannot evaluate is
    named by table-naming, because the user sets table-naming for their own classes (the MR007
    without it says: set it when the declared_attr only converts the class name). A package's
    naming is not the user's to vouch for, so the installed case above blocks."""
    storage = DANCE_SITE["acme_dance/storage.py"].replace("{returns}", "_table_name(cls)")
    storage = storage.replace("class TokenMixin:", UNREAD_HELPER + "class TokenMixin:")
    inventory = scan(DANCE_APP.replace("from acme_dance.storage", "from app.storage"),
                     Config(root="/repo", table_naming="snake_case"),
                     {"app/storage.py": storage})
    assert inventory.errors == ()
    assert {c.table for c in inventory.columns} == {"git_hub_token"}


@pytest.mark.parametrize(("own", "config", "expected"), [
    pytest.param("    __tablename__ = 'github_tokens'\n", "", "github_tokens",
                 id="the subclass's own __tablename__"),
    pytest.param("", '"acme_dance.storage.TokenMixin" = { tablename = "acme_{class_lower}", '
                 'columns = [{ attribute = "token" }] }\n', "acme_githubtoken",
                 id="an external-bases declaration"),
])
def test_an_unread_installed_tablename_is_resolved_by_a_name_the_user_writes(
    own: str, config: str, expected: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    storage = DANCE_SITE["acme_dance/storage.py"].replace("{returns}", "_table_name(cls)")
    storage = storage.replace("class TokenMixin:", UNREAD_HELPER + "class TokenMixin:")
    monkeypatch.syspath_prepend(str(_site(tmp_path, {**DANCE_SITE,
                                                     "acme_dance/storage.py": storage})))
    repo = tmp_path / "repo"  # the site-packages beside it is no part of the repository
    (repo / "app").mkdir(parents=True)
    (repo / "app" / "models.py").write_text(
        HEAD + textwrap.dedent(DANCE_APP).replace("(TokenMixin, Base):\n",
                                                  "(TokenMixin, Base):\n" + own))
    (repo / "pyproject.toml").write_text(
        "[tool.masking-reviewer]\ntable-naming = \"snake_case\"\n"
        "[tool.masking-reviewer.external-bases]\n" + config)
    tree = WorktreeTree(repo)
    inventory = build_inventory(tree, load_config(str(repo), tree), use_cache=False)
    assert inventory.errors == ()
    assert {c.table for c in inventory.columns} == {expected}


def test_an_installed_class_own_tablename_wins_over_its_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """As in Python's MRO: an installed mixin naming its table literally is not overridden by
    the unreadable declared_attr of the base it derives from."""
    storage = DANCE_SITE["acme_dance/storage.py"].replace("{returns}", "_table_name(cls)")
    storage = storage.replace("class TokenMixin:", UNREAD_HELPER + "class TokenMixin:") + (
        "class NamedTokenMixin(TokenMixin):\n"
        "    __tablename__ = 'acme_tokens'\n"
    )
    monkeypatch.syspath_prepend(str(_site(tmp_path, {**DANCE_SITE,
                                                     "acme_dance/storage.py": storage})))
    inventory = scan(DANCE_APP.replace("import TokenMixin", "import NamedTokenMixin")
                     .replace("(TokenMixin, Base)", "(NamedTokenMixin, Base)"))
    assert inventory.errors == ()
    assert {c.table for c in inventory.columns} == {"acme_tokens"}


def test_the_table_naming_guess_for_an_unread_installed_tablename_would_be_wrong(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Differential: SQLAlchemy runs the package's declared_attr and names the table
    acme_githubtoken; snake_case would have said git_hub_token, so rules written for it would
    mask a table that does not exist while the real one is copied."""
    storage = DANCE_SITE["acme_dance/storage.py"].replace("{returns}", "_table_name(cls)")
    site = _site(tmp_path, {"acme_dance/__init__.py": "", "acme_dance/storage.py":
                            storage.replace("class TokenMixin:",
                                            UNREAD_HELPER + "class TokenMixin:")})
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(DANCE_APP))
    walk = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from app.models import Base\n"
        "print(json.dumps(sorted(Base.metadata.tables)))\n"
    )
    proc = subprocess.run([sys.executable, "-B", "-c", walk, str(tmp_path), str(site)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout) == ["acme_githubtoken"]
    monkeypatch.syspath_prepend(str(site))
    inventory = scan(DANCE_APP, Config(root="/repo", table_naming="snake_case"))
    assert [(e.line, e.message.split(" (")[0]) for e in inventory.errors] == [
        (6, "class GitHubToken takes its table name from the __tablename__ of "
            "acme_dance.storage.TokenMixin")]


def test_every_shipped_derived_tablename_is_well_formed() -> None:
    derived = {name: d.cls.tablename for name, found in shipped().items() for d in found
               if d.cls.tablename and "{" in d.cls.tablename and d.cls.kind != "table-factory"}
    snake = {f"advanced_alchemy.base.{name}": "{class_snake}" for name in (
        "CommonTableAttributes", "DefaultBase", "UUIDBase", "UUIDAuditBase", "UUIDv6Base",
        "UUIDv6AuditBase", "UUIDv7Base", "UUIDv7AuditBase", "NanoIDBase", "NanoIDAuditBase",
        "BigIntBase", "BigIntAuditBase", "IdentityBase", "IdentityAuditBase")}
    snake.update({f"{module}{name}": "{class_snake}" for name in (
        "CommonTableAttributes", "UUIDBase", "UUIDAuditBase", "BigIntBase", "BigIntAuditBase")
        for module in ("litestar.contrib.sqlalchemy.base.", "litestar.plugins.sqlalchemy.")})
    assert derived == {
        "flask_dance.consumer.backend.sqla.OAuthConsumerMixin": "flask_dance_{class_lower}",
        "flask_dance.consumer.storage.sqla.OAuthConsumerMixin": "flask_dance_{class_lower}",
        "neutron_lib.db.model_base.BASEV2": "{class_lower}s",
        "neutron_lib.db.model_base.NeutronBaseV2": "{class_lower}s",
        "neutron.db.model_base.BASEV2": "{class_lower}s",
        "neutron.db.model_base.NeutronBaseV2": "{class_lower}s",
        "baselayer.app.models.Base": "{class_lower}s",
        **snake,
    }
    assert all(tablename_problem(t) is None for t in derived.values())


# ----------------------------------------------------------------------------- advanced-alchemy
# Shipped declarations (reviewer/external_bases/advanced_alchemy.toml). The package is not
# installed here, so the newest declarations answer.

AA_CASES = [
    pytest.param(
        """\
        from typing import Any
        from advanced_alchemy.base import SQLQuery
        class Model(SQLQuery):
            __abstract__ = True
            def __init_subclass__(cls, **kwargs: Any) -> None:
                cls.registered = True
                super().__init_subclass__(**kwargs)
        class Store(Model):
            __tablename__ = "stores"
            id: Mapped[str] = mapped_column(String, primary_key=True)
            api_token: Mapped[str | None]
        """,
        [("stores", "id", "id", False, None, 14),
         ("stores", "api_token", "api_token", True, None, 15)],
        id="SQLQuery: a declarative base that adds no column and names no table",
    ),
    pytest.param(
        """\
        from advanced_alchemy.base import UUIDAuditBase
        class HTTPRequestLog(UUIDAuditBase):
            client_secret: Mapped[str]
        """,
        [("http_request_log", "created_at", "created_at", False, "UUIDAuditBase", 6),
         ("http_request_log", "id", "id", False, "UUIDAuditBase", 6),
         ("http_request_log", "sa_orm_sentinel", "_sentinel", True, "UUIDAuditBase", 6),
         ("http_request_log", "updated_at", "updated_at", False, "UUIDAuditBase", 6),
         ("http_request_log", "client_secret", "client_secret", False, None, 7)],
        id="UUIDAuditBase: snake_case table, UUID key, the sa_orm_sentinel column, audit columns",
    ),
    pytest.param(
        """\
        from advanced_alchemy.base import BigIntBase
        from advanced_alchemy.mixins import SlugKey, UniqueMixin
        class APIKey(BigIntBase, SlugKey, UniqueMixin):
            label: Mapped[str | None]
        """,
        [("api_key", "id", "id", False, "BigIntBase", 7),
         ("api_key", "slug", "slug", False, "SlugKey", 7),
         ("api_key", "label", "label", True, None, 8)],
        id="BigIntBase has no sentinel; SlugKey adds slug; UniqueMixin adds nothing",
    ),
    pytest.param(
        """\
        from advanced_alchemy import base
        class OAuthAccount(base.UUIDv7Base):
            access_token: Mapped[str]
        class Setting(base.DefaultBase):
            __tablename__ = "settings"
            name: Mapped[str] = mapped_column(primary_key=True)
        """,
        [("o_auth_account", "id", "id", False, "UUIDv7Base", 6),
         ("o_auth_account", "sa_orm_sentinel", "_sentinel", True, "UUIDv7Base", 6),
         ("o_auth_account", "access_token", "access_token", False, None, 7),
         ("settings", "name", "name", False, None, 10)],
        id="through the module; DefaultBase adds no column and an own __tablename__ wins",
    ),
    pytest.param(
        """\
        from advanced_alchemy.mixins import AuditColumns, UUIDPrimaryKey
        from advanced_alchemy.mixins.nanoid import NanoIDPrimaryKey
        class Document(UUIDPrimaryKey, AuditColumns, Base):
            __tablename__ = "documents"
        class Share(NanoIDPrimaryKey, Base):
            __tablename__ = "shares"
        """,
        [("documents", "created_at", "created_at", False, "AuditColumns", 7),
         ("documents", "id", "id", False, "UUIDPrimaryKey", 7),
         ("documents", "sa_orm_sentinel", "_sentinel", True, "UUIDPrimaryKey", 7),
         ("documents", "updated_at", "updated_at", False, "AuditColumns", 7),
         ("shares", "id", "id", False, "NanoIDPrimaryKey", 9),
         ("shares", "sa_orm_sentinel", "_sentinel", True, "NanoIDPrimaryKey", 9)],
        id="the mixins on the application's own DeclarativeBase",
    ),
    pytest.param(
        """\
        from advanced_alchemy.base import create_registry, orm_registry
        from sqlalchemy.orm import DeclarativeBase as DB
        Legacy = orm_registry.generate_base()
        class Old(Legacy):
            __tablename__ = "old"
            id: Mapped[int] = mapped_column(primary_key=True)
        @orm_registry.mapped
        class Plain:
            __tablename__ = "plain"
            id: Mapped[int] = mapped_column(primary_key=True)
        class Own(DB):
            registry = create_registry()
        class Item(Own):
            __tablename__ = "items"
            id: Mapped[int] = mapped_column(primary_key=True)
        """,
        [("old", "id", "id", False, None, 10),
         ("plain", "id", "id", False, None, 14),
         ("items", "id", "id", False, None, 19)],
        id="orm_registry and create_registry() are SQLAlchemy registries",
    ),
    pytest.param(
        """\
        import uuid
        from sqlalchemy import ForeignKey
        from advanced_alchemy.base import UUIDBase
        class Employee(UUIDBase):
            kind: Mapped[str]
            __mapper_args__ = {"polymorphic_on": "kind"}
        class Manager(Employee):
            __mapper_args__ = {"polymorphic_identity": "manager"}
            reports: Mapped[int | None]
        class Engineer(Employee):
            id: Mapped[uuid.UUID] = mapped_column(ForeignKey("employee.id"), primary_key=True)
        class Intern(Employee):
            __tablename__ = None
            mentor: Mapped[str | None]
        """,
        [("employee", "id", "id", False, "UUIDBase", 8),
         ("employee", "sa_orm_sentinel", "_sentinel", True, "UUIDBase", 8),
         ("employee", "kind", "kind", False, None, 9),
         ("employee", "reports", "reports", True, None, 13),
         ("engineer", "id", "id", False, None, 15),
         ("employee", "mentor", "mentor", True, None, 18)],
        id="single-table children fold into the parent; an own primary key is a joined table",
    ),
]


AA_CASES += [
    pytest.param(
        """\
        from advanced_alchemy.extensions.litestar import base, mixins
        from litestar.contrib.sqlalchemy.base import BigIntAuditBase
        from litestar.plugins.sqlalchemy import UUIDBase
        class Tag(base.UUIDv7Base, mixins.SlugKey):
            pass
        class Job(BigIntAuditBase):
            pass
        class User(UUIDBase):
            password_hash: Mapped[str]
        """,
        [("tag", "id", "id", False, "UUIDv7Base", 8),
         ("tag", "sa_orm_sentinel", "_sentinel", True, "UUIDv7Base", 8),
         ("tag", "slug", "slug", False, "SlugKey", 8),
         ("job", "created_at", "created_at", False, "BigIntAuditBase", 10),
         ("job", "id", "id", False, "BigIntAuditBase", 10),
         ("job", "updated_at", "updated_at", False, "BigIntAuditBase", 10),
         ("user", "id", "id", False, "UUIDBase", 12),
         ("user", "sa_orm_sentinel", "_sentinel", True, "UUIDBase", 12),
         ("user", "password_hash", "password_hash", False, None, 13)],
        id="re-exported by the framework extensions and by Litestar",
    ),
]


@pytest.mark.parametrize(("body", "expected"), AA_CASES)
def test_advanced_alchemy_bases_and_mixins(
    body: str, expected: list[tuple[str, str, str | None, bool, str | None, int]]
) -> None:
    inventory = scan(body)
    assert inventory.errors == ()
    assert cols(inventory) == expected


def test_a_model_file_that_only_imports_advanced_alchemy_is_read() -> None:
    """No sqlalchemy import and no column in the file: the base's columns still make a table."""
    tree = MemoryTree({"app/models.py": "from advanced_alchemy.base import UUIDAuditBase\n"
                                        "class Tag(UUIDAuditBase):\n"
                                        "    pass\n"})
    inventory = build_inventory(tree, Config(root="/repo"), use_cache=False)
    assert inventory.errors == ()
    assert [(c.path, c.table, c.column) for c in inventory.columns] == [
        ("app/models.py", "tag", "created_at"), ("app/models.py", "tag", "id"),
        ("app/models.py", "tag", "sa_orm_sentinel"), ("app/models.py", "tag", "updated_at")]


def test_an_unknown_advanced_alchemy_name_blocks_naming_the_config_key() -> None:
    inventory = scan("""\
        from advanced_alchemy.base import TenantBase
        class Invoice(TenantBase):
            __tablename__ = "invoices"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 6)
    assert re.fullmatch(
        r"class Invoice: base class 'TenantBase' is advanced_alchemy\.base\.TenantBase from the "
        r"package 'advanced_alchemy', outside the repository; it is not installed where "
        r"masking-reviewer runs and no declaration of it ships with masking-reviewer, so the "
        r"columns it adds cannot be read\. Install the package where the reviewer runs, or "
        r"declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"advanced_alchemy\.base\.TenantBase\" = \{ kind = \"declarative-base\", "
        r"columns = \[\{ attribute = \"\.\.\.\", type = \"\.\.\.\" \}\] \}, filling in "
        r"\"\.\.\.\": one \{ attribute, type \} in columns for each column it adds "
        r"\(columns = \[\] if it adds none\)", error.message), error.message


def test_an_undeclared_class_of_a_declared_package_s_submodule_blocks() -> None:
    """The package ships declarations, but not for this name (a table mixin in a submodule
    the declarations do not list): the model blocks, it never reads as the repository's own
    columns alone."""
    inventory = scan("""\
        from authlib.integrations.sqla_oauth2.tokens_mixins import OAuth2RefreshTokenMixin
        class Refresh(OAuth2RefreshTokenMixin, Base):
            __tablename__ = "refresh"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 6)
    assert re.match(
        r"class Refresh: base class 'OAuth2RefreshTokenMixin' is "
        r"authlib\.integrations\.sqla_oauth2\.tokens_mixins\.OAuth2RefreshTokenMixin from the "
        r"package 'authlib', outside the repository; it is not installed "
        r"where masking-reviewer runs and no declaration of it ships", error.message
    ), error.message


def _dist_info(site: Path, name: str, version: str) -> None:
    info = site / f"{name.replace('-', '_')}-{version}.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")


@pytest.fixture
def fresh_versions() -> Iterator[None]:
    installed_version.cache_clear()  # the installed release is read once per process
    yield
    installed_version.cache_clear()


@pytest.mark.parametrize(("version", "expected"), [
    pytest.param("0.5.0", [("docs", "id"), ("docs", "sa_orm_sentinel"),
                           ("full", "id"), ("full", "sa_orm_sentinel")],
                 id="0.5: the sentinel is on UUIDPrimaryKey"),
    pytest.param("0.7.0", [("docs", "id"), ("full", "id"), ("full", "sa_orm_sentinel")],
                 id="0.7.0: the sentinel is on SentinelColumn, which only the bases derive from"),
    pytest.param("1.11.0", [("docs", "id"), ("docs", "sa_orm_sentinel"),
                            ("full", "id"), ("full", "sa_orm_sentinel")],
                 id="1.11: UUIDPrimaryKey derives from SentinelMixin"),
])
def test_the_installed_advanced_alchemy_release_picks_its_declaration(
    version: str, expected: list[tuple[str, str]], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch, fresh_versions: None
) -> None:
    site = tmp_path / "site-packages"
    _dist_info(site, "advanced-alchemy", version)  # metadata only: no source to read
    monkeypatch.syspath_prepend(str(site))
    inventory = scan("""\
        from advanced_alchemy.base import UUIDBase, UUIDPrimaryKey
        class Doc(UUIDPrimaryKey, Base):
            __tablename__ = "docs"
        class Full(UUIDBase):
            pass
        """)
    assert inventory.errors == ()
    assert [(c.table, c.column) for c in inventory.columns] == expected


def test_an_installed_release_outside_every_declared_range_blocks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_versions: None
) -> None:
    """advanced-alchemy 0.0.9 predates the releases our declarations cover: its columns may be
    neither 0.1's nor the newest's, so the class blocks instead of reading as the newest."""
    site = tmp_path / "site-packages"
    _dist_info(site, "advanced-alchemy", "0.0.9")  # metadata only: no source to read
    monkeypatch.syspath_prepend(str(site))
    inventory = scan("""\
        from advanced_alchemy.base import UUIDPrimaryKey
        class Doc(UUIDPrimaryKey, Base):
            __tablename__ = "docs"
        """)
    assert inventory.columns == ()
    (error,) = inventory.errors
    assert (error.path, error.line) == ("app/models.py", 6)
    assert re.match(
        r"class Doc: base class 'UUIDPrimaryKey' is advanced_alchemy\.base\.UUIDPrimaryKey from "
        r"the package 'advanced_alchemy', outside the repository; masking-reviewer's "
        r"declarations of it cover advanced-alchemy >=0\.1,<0\.7; ==0\.7\.0; >=0\.7\.1,<0\.26; "
        r">=0\.26, and the installed advanced-alchemy 0\.0\.9 is outside them, so the columns "
        r"it adds cannot be read\. Install a release they cover where the reviewer runs, or "
        r"declare it in \[tool\.masking-reviewer\.external-bases\]: "
        r"\"advanced_alchemy\.base\.UUIDPrimaryKey\" = \{ columns = ", error.message), error.message


# A stand-in for advanced-alchemy written by us, shaped like its 1.9+ base.py: the table name
# comes from a declared_attr with single-table branches the reader cannot evaluate.
AA_STANDIN = {
    "advanced_alchemy/__init__.py": "",
    "advanced_alchemy/mixins.py": (
        "import uuid\n"
        "from sqlalchemy.orm import Mapped, declared_attr, mapped_column, orm_insert_sentinel\n"
        "class SentinelMixin:\n"
        "    @declared_attr\n"
        "    def _sentinel(cls) -> Mapped[int]:\n"
        "        return orm_insert_sentinel(name='sa_orm_sentinel')\n"
        "class UUIDPrimaryKey(SentinelMixin):\n"
        "    id: Mapped[uuid.UUID] = mapped_column(default=uuid.uuid4, primary_key=True)\n"
    ),
    "advanced_alchemy/base.py": (
        "import re\n"
        "from sqlalchemy import MetaData\n"
        "from sqlalchemy.orm import DeclarativeBase, declared_attr, registry\n"
        "from advanced_alchemy.mixins import UUIDPrimaryKey\n"
        "table_name_regexp = re.compile(r'((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))')\n"
        "orm_registry = registry(metadata=MetaData())\n"
        "class CommonTableAttributes:\n"
        "    @declared_attr.directive\n"
        "    @classmethod\n"
        "    def __tablename__(cls):\n"
        "        if '__tablename__' in cls.__dict__:\n"
        "            return cls.__dict__['__tablename__']\n"
        "        for parent in cls.__mro__[1:]:\n"
        "            if 'polymorphic_on' in getattr(parent, '__mapper_args__', {}):\n"
        "                return None\n"
        "        return table_name_regexp.sub(r'_\\1', cls.__name__).lower()\n"
        "class AdvancedDeclarativeBase(DeclarativeBase):\n"
        "    registry = orm_registry\n"
        "    __abstract__ = True\n"
        "class UUIDBase(UUIDPrimaryKey, CommonTableAttributes, AdvancedDeclarativeBase):\n"
        "    __abstract__ = True\n"
        "class SQLQuery(AdvancedDeclarativeBase):\n"
        "    __abstract__ = True\n"
    ),
}
AA_APP = """\
    from advanced_alchemy.base import SQLQuery, UUIDBase
    class HTTPRequestLog(UUIDBase):
        api_key: Mapped[str]
    class Employee(UUIDBase):
        kind: Mapped[str]
        __mapper_args__ = {"polymorphic_on": "kind", "polymorphic_identity": "e"}
    class Manager(Employee):
        __mapper_args__ = {"polymorphic_identity": "m"}
        reports: Mapped[int | None]
    class Store(SQLQuery):
        __tablename__ = "stores"
        id: Mapped[int] = mapped_column(primary_key=True)
        secret: Mapped[str | None]
    """
AA_COLUMNS = [
    ("http_request_log", "id", False, True), ("http_request_log", "sa_orm_sentinel", True, False),
    ("http_request_log", "api_key", False, False),
    ("employee", "id", False, True), ("employee", "sa_orm_sentinel", True, False),
    ("employee", "kind", False, False), ("employee", "reports", True, False),
    ("stores", "id", False, True), ("stores", "secret", True, False),
]


def test_an_installed_advanced_alchemy_the_reader_cannot_follow_falls_back_to_the_shipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fresh_versions: None
) -> None:
    site = _site(tmp_path, {**AA_STANDIN,
                            "advanced_alchemy/__init__.py": "raise RuntimeError('imported!')\n"})
    _dist_info(site, "advanced-alchemy", "1.11.0")
    monkeypatch.syspath_prepend(str(site))
    inventory = scan(AA_APP)
    assert "advanced_alchemy" not in sys.modules
    assert inventory.errors == ()
    assert [(c.table, c.column, c.nullable, c.primary_key) for c in inventory.columns] == \
        AA_COLUMNS


def test_advanced_alchemy_declarations_agree_with_sqlalchemy(tmp_path: Path) -> None:
    """Differential: the shipped declarations (the reader runs without the package) against
    SQLAlchemy importing the app on the stand-in."""
    inventory = scan(AA_APP)
    assert inventory.errors == ()
    site = _site(tmp_path, AA_STANDIN)
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(HEAD + textwrap.dedent(AA_APP))
    walk = (
        "import json, sys; sys.path[:0] = [sys.argv[1], sys.argv[2]]\n"
        "from app import models\n"
        "tables = {c.__table__ for c in vars(models).values() if hasattr(c, '__table__')}\n"
        "print(json.dumps(sorted([t.name, c.name, bool(c.nullable), bool(c.primary_key)] "
        "for t in tables for c in t.columns)))\n"
    )
    proc = subprocess.run([sys.executable, "-B", "-c", walk, str(tmp_path), str(site)],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert sorted(map(list, AA_COLUMNS)) == json.loads(proc.stdout)
    assert sorted([c.table, c.column, c.nullable, c.primary_key]
                  for c in inventory.columns) == json.loads(proc.stdout)


ACME_SNAKE = {
    "acme_models/__init__.py": "raise RuntimeError('imported!')\n",
    "acme_models/base.py": (
        "import re\n"
        "from sqlalchemy.orm import Mapped, declared_attr, orm_insert_sentinel\n"
        "NAME_RE = re.compile('((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))')\n"
        "class Tabled:\n"
        "    @declared_attr.directive\n"
        "    def __tablename__(cls) -> str:\n"
        "        return {returns}\n"
        "    @declared_attr\n"
        "    def _sentinel(cls) -> Mapped[int]:\n"
        "        return orm_insert_sentinel(name='sa_orm_sentinel')\n"
    ),
}


@pytest.mark.parametrize(("returns", "expected", "message"), [
    pytest.param("NAME_RE.sub(r'_\\1', cls.__name__).lower()",
                 [("user_api_key", "sa_orm_sentinel", "_sentinel"),
                  ("user_api_key", "id", "id")], None,
                 id="a module constant's compiled pattern, and an insert sentinel"),
    pytest.param("re.compile('((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))')"
                 ".sub(r'_\\1', cls.__name__).lower()",
                 [("user_api_key", "sa_orm_sentinel", "_sentinel"),
                  ("user_api_key", "id", "id")], None, id="compiled in the expression"),
    pytest.param("cls.__name__.lower() if cls.__dict__ else None", [],
                 r"class UserAPIKey takes its table name from the __tablename__ of "
                 r"acme_models\.base\.Tabled \(acme_models\.base, line 5\), which "
                 r"masking-reviewer cannot evaluate from the package's source, .*"
                 r"\"acme_models\.base\.Tabled\" = \{ tablename = \"\.\.\.\", columns = \["
                 r"\{ attribute = \"_sentinel\", name = \"sa_orm_sentinel\", type = \"Integer\" "
                 r"\}\] \}, the table's name for \"\.\.\.\" \(\{class\}, \{class_lower\} or "
                 r"\{class_snake\} in it for a name derived from the class\) and the columns as "
                 r"read from the package's source$",
                 id="a name it cannot derive from the class name blocks: MR007 naming where"),
])
def test_an_installed_declared_attr_tablename_from_a_compiled_pattern(
    returns: str, expected: list[tuple[str, str, str]], message: str | None, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    site = {**ACME_SNAKE, "acme_models/base.py":
            ACME_SNAKE["acme_models/base.py"].replace("{returns}", returns)}
    monkeypatch.syspath_prepend(str(_site(tmp_path, site)))
    inventory = scan("""\
        from acme_models.base import Tabled
        class UserAPIKey(Tabled, Base):
            id: Mapped[int] = mapped_column(primary_key=True)
        """)
    assert "acme_models" not in sys.modules
    assert [(c.table, c.column, c.attribute) for c in inventory.columns] == expected
    if message is None:
        assert inventory.errors == ()
    else:
        (error,) = inventory.errors
        assert error.line == 6 and re.match(message, error.message), error.message


def test_a_declared_history_base_gives_each_table_its_history_copy() -> None:
    """`kind = "history"`: a base that copies each table into <table>_history as SQLAlchemy's
    versioned_history example does, declared by the user for their own packaged copy of it:
    the copies keep the labels' and originals' lines, and the first table gains a version."""
    config = Config(root="/repo", external_bases=(
        ExternalClass("acme_audit.Versioned", kind="history", source="pyproject.toml"),))
    inventory = scan("""\
        from acme_audit import Versioned
        class Card(Versioned, Base):
            __tablename__ = "cards"
            id: Mapped[int] = mapped_column(primary_key=True)
            pan: Mapped[str] = mapped_column(String(19))
        """, config)
    assert inventory.errors == ()
    assert [(c.table, c.column, c.nullable, c.primary_key, c.line, c.history_of)
            for c in inventory.columns] == [
        ("cards", "version", False, False, 6, None),
        ("cards_history", "changed", True, False, 6, None),
        ("cards_history", "version", False, True, 6, None),
        ("cards", "id", False, True, 8, None),
        ("cards_history", "id", False, True, 8, "cards"),
        ("cards", "pan", False, False, 9, None),
        ("cards_history", "pan", False, False, 9, "cards"),
    ]


def test_a_history_base_wins_over_a_versioned_option_beside_it() -> None:
    """sbc-auth's User derives from sql_versioning.Versioned and sets `__versioned__ =
    {"exclude": [...]}` (an option of a branch of sql-versioning): the history is the base's
    <table>_history copy of every column, never SQLAlchemy-Continuum's <table>_version and
    transaction tables, which the database does not have."""
    inventory = scan("""\
        from sql_versioning import Versioned
        class User(Versioned, Base):
            __tablename__ = "users"
            __versioned__ = {"exclude": ["login_time"]}
            id: Mapped[int] = mapped_column(primary_key=True)
            login_time: Mapped[str] = mapped_column(String(30))
        """)
    assert inventory.errors == ()
    assert sorted((c.table, c.column) for c in inventory.columns) == [
        ("users", "id"), ("users", "login_time"), ("users", "version"),
        ("users_history", "changed"), ("users_history", "id"), ("users_history", "login_time"),
        ("users_history", "version"),
    ]


# A mixin whose __init_subclass__ copies every subclass's table, as SQLAlchemy's
# versioned_history example does (cut to the shape the reader looks at).
HISTORY_HOOK = """\
from sqlalchemy import Column, Integer, event


def _history_mapper(local_mapper):
    table = local_mapper.local_table.to_metadata(
        local_mapper.local_table.metadata, name=local_mapper.local_table.name + "_history")
    table.append_column(Column("version", Integer, primary_key=True))


class Versioned:
    def __init_subclass__(cls):
        @event.listens_for(cls, "after_mapper_constructed")
        def _constructed(mapper, class_):
            _history_mapper(mapper)
"""


@pytest.mark.parametrize(("package", "tables", "message"), [
    pytest.param("acme_hist", [], r"class Card: base class 'Versioned' is acme_hist\.Versioned "
                 r"from the package 'acme_hist', outside the repository; its __init_subclass__ "
                 r"\(.*acme_hist/__init__\.py, line 11\) builds "
                 r"local_mapper\.local_table\.to_metadata\(\.\.\.\).* while SQLAlchemy maps "
                 r"each subclass, .*kind = \"history\"",
                 id="an unknown one blocks, naming the hook and the kind to declare"),
    pytest.param("sql_versioning", ["cards", "cards_history"], None,
                 id="the shipped declaration of sql-versioning wins over its installed source"),
])
def test_an_installed_mixin_that_builds_tables_is_not_read_as_a_plain_mixin(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, tables: list[str],
    message: str | None,
) -> None:
    """Read as a mixin, the installed source adds no column and the history tables its hook
    makes as SQLAlchemy maps each subclass would vanish, the copies of secrets unchecked."""
    site = _site(tmp_path, {f"{package}/__init__.py": HISTORY_HOOK})
    _dist_info(site, package.replace("_", "-"), "0.1.0")
    monkeypatch.syspath_prepend(str(site))
    inventory = scan(f"""\
        from {package} import Versioned
        class Card(Versioned, Base):
            __tablename__ = "cards"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)
    assert sorted({c.table for c in inventory.columns}) == tables
    if message is None:
        assert inventory.errors == ()
    else:
        (error,) = inventory.errors
        assert re.search(message, error.message), error.message


# db-gpt: the models' base is a class a function makes from a parameter's property, which the
# reviewer cannot follow. It blocks, in the base's file and in each model file; an entry of
# external-bases under the name the models import declares it, and they are read.
UNFOLLOWED_BASE = {
    "dbgpt/__init__.py": "",
    "dbgpt/storage/__init__.py": "from dbgpt.storage.db_manager import Model\n",
    "dbgpt/storage/db_manager.py": textwrap.dedent("""\
        from sqlalchemy.orm import declarative_base
        class DatabaseManager:
            def __init__(self):
                self._base = declarative_base()
            @property
            def Model(self):
                return self._base
        db = DatabaseManager()
        def create_model(manager):
            class CRUDMixin:
                pass
            class _NewModel(CRUDMixin, manager.Model):
                __abstract__ = True
            return _NewModel
        Model = create_model(db)
        """),
    "serve/flow.py": textwrap.dedent("""\
        from sqlalchemy import Column, Integer, String
        from dbgpt.storage import Model
        class VariablesEntity(Model):
            __tablename__ = "dbgpt_serve_variables"
            id = Column(Integer, primary_key=True)
            value = Column(String(512))
        """),
}


@pytest.mark.parametrize(
    ("declared", "errors", "columns"),
    [
        pytest.param(
            {}, [("dbgpt/storage/db_manager.py", 12), ("dbgpt/storage/db_manager.py", 12),
                 ("serve/flow.py", 3)], [],
            id="undeclared: blocks where the base is and where its models are"),
        pytest.param(
            {"dbgpt.storage.db_manager.Model": {"kind": "declarative-base", "columns": []}},
            [], [("dbgpt_serve_variables", "id"), ("dbgpt_serve_variables", "value")],
            id="declared under the module that binds it"),
        pytest.param(
            {"dbgpt.storage.Model": {"kind": "declarative-base", "columns": []}},
            [], [("dbgpt_serve_variables", "id"), ("dbgpt_serve_variables", "value")],
            id="declared under the package that re-exports it"),
    ],
)
def test_an_external_bases_entry_declares_a_base_of_the_repository_it_cannot_follow(
    declared: dict[str, dict[str, object]], errors: list[tuple[str, int]],
    columns: list[tuple[str, str]],
) -> None:
    config = Config(root="/repo", external_bases=tuple(
        class_from_data(name, data, "pyproject.toml") for name, data in declared.items()))
    inventory = build_inventory(MemoryTree(UNFOLLOWED_BASE), config, use_cache=False)
    assert [(e.path, e.line) for e in inventory.errors] == errors
    assert [(c.table, c.column) for c in inventory.columns] == columns
    if errors:
        # the model file's error names the entry that declares what its models derive from
        assert inventory.errors[-1].message.endswith(
            'or declare it in external-bases with the columns it adds, '
            '"dbgpt.storage.db_manager.Model" = { kind = "declarative-base", columns = [] } '
            "when it adds none")


# ------------------------------------------------------------------- tables made per subclass

SRHT_MODELS = """\
import sqlalchemy as sa
from srht.database import Base
from srht.oauth import ExternalUserMixin
class User(Base, ExternalUserMixin):
    pass
"""

SRHT_WEBHOOKS = """\
import sqlalchemy as sa
from srht.webhook import Event
from srht.webhook.celery import CeleryWebhook
class RepoWebhook(CeleryWebhook):
    events = [Event("repo:post-update", "data:read")]
    repo_id = sa.Column(sa.Integer, sa.ForeignKey("repository.id"))
"""


def test_core_srht_webhook_subclass_brings_its_subscription_and_delivery_tables() -> None:
    """core.sr.ht's WebhookMeta maps <name>_subscription and <name>_delivery for each class
    deriving from Webhook, moving the class body's columns into the subscription; the
    webhook class maps no table of its own. Before the declaration, both tables (the
    subscriber's URL, every payload sent) were silently missing: no MR007, no column."""
    inventory = build_inventory(
        MemoryTree({"gitsrht/types.py": SRHT_MODELS, "gitsrht/webhooks.py": SRHT_WEBHOOKS}),
        Config(root="/repo", models=("gitsrht/*.py",)), use_cache=False)
    assert inventory.errors == ()
    found = [(c.table, c.column, c.class_name, c.path, c.line, c.nullable, c.declared_in)
             for c in inventory.columns if "webhook" in c.table]
    subscription = [("repo_webhook_subscription", name, "RepoWebhookSubscription",
                     "gitsrht/webhooks.py", 4, nullable, "CeleryWebhook")
                    for name, nullable in (("id", False), ("created", False), ("url", False),
                                           ("events", False), ("user_id", True),
                                           ("token_id", True))]
    delivery = [("repo_webhook_delivery", name, "RepoWebhookDelivery", "gitsrht/webhooks.py",
                 4, nullable, "CeleryWebhook")
                for name, nullable in (("id", False), ("uuid", False), ("created", False),
                                       ("event", False), ("url", False), ("payload", False),
                                       ("payload_headers", False), ("response", True),
                                       ("response_status", False), ("response_headers", True),
                                       ("subscription_id", False))]
    body = [("repo_webhook_subscription", "repo_id", "RepoWebhookSubscription",
             "gitsrht/webhooks.py", 6, True, None)]
    assert sorted(found) == sorted(subscription + body + delivery)
    assert {c.table for c in inventory.columns} == {
        "user", "repo_webhook_subscription", "repo_webhook_delivery"}
    assert {c.column for c in inventory.columns if c.table == "user"} == {
        "id", "created", "updated", "username", "email", "user_type", "url", "location", "bio",
        "suspension_notice", "oauth_token", "oauth_token_expires", "oauth_token_scopes",
        "oauth_revocation_token"}


SUBCLASS_TABLES_CONFIG = """\
[tool.masking-reviewer.external-bases]
"acme_hooks.Hook" = {{ kind = "subclass-tables", columns = [], tables = [{tables}] }}
"""


@pytest.mark.parametrize(("tables", "message"), [
    pytest.param("", r"'external-bases\.acme_hooks\.Hook\.tables': kind \"subclass-tables\" "
                 r"needs the tables the class makes for each class deriving from it",
                 id="no tables"),
    pytest.param('{ name = "{cls}_log", class = "{class}Log", columns = [] }',
                 r"'external-bases\.acme_hooks\.Hook\.tables\[0\]\.name': tablename "
                 r"'\{cls\}_log' has the unknown field \{cls\}", id="an unknown field in a name"),
    pytest.param('{ name = "{class_snake}_log", class = "{class}Log}", columns = [] }',
                 r"'external-bases\.acme_hooks\.Hook\.tables\[0\]\.class': tablename "
                 r"'\{class\}Log\}' has an unmatched '\}'", id="a stray brace in a class"),
    pytest.param('{ name = "{class_snake}_log", columns = [] }',
                 r"'external-bases\.acme_hooks\.Hook\.tables\[0\]\.class': each table of kind "
                 r"\"subclass-tables\" names the class that maps it",
                 id="a table without its class"),
])
def test_a_malformed_subclass_tables_declaration_is_a_usage_error_at_its_line(
    tables: str, message: str, tmp_path: Path
) -> None:
    (tmp_path / "pyproject.toml").write_text(SUBCLASS_TABLES_CONFIG.format(tables=tables))
    with pytest.raises(UsageError, match="bad value for key " + message) as info:
        load_config(str(tmp_path), WorktreeTree(tmp_path))
    assert info.value.line == 2


def test_a_configured_subclass_tables_declaration_names_each_subclass_table(
    tmp_path: Path
) -> None:
    """The user's own declaration of a metaclass that maps a table per subclass: the table
    holds the labelled column of the subclass body, which then needs its rule."""
    config = SUBCLASS_TABLES_CONFIG.format(
        tables='{ name = "audit_{class_lower}", class = "{class}Audit", body = true, '
               'columns = [{ attribute = "id", type = "Integer", primary-key = true }] }')
    files = {
        "pyproject.toml": config + '[tool.masking-reviewer]\nmodels = ["app/*.py"]\n',
        "masking_rules.json": '{"version": 1, "rules": []}\n',
        "app/hooks.py": (
            "import sqlalchemy as sa\n"
            "from acme_hooks import Hook\n"
            "from app.labels import ColumnVisibility\n"
            "class Payment(Hook):\n"
            "    card = sa.Column(sa.String, info={'visibility': ColumnVisibility.MASKED})\n"
        ),
        "app/labels.py": "import enum\nclass ColumnVisibility(enum.Enum):\n    MASKED = 1\n",
    }
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    inventory = build_inventory(WorktreeTree(tmp_path), load_config(str(tmp_path),
                                WorktreeTree(tmp_path)), use_cache=False)
    assert inventory.errors == ()
    assert [(c.table, c.column, c.class_name, c.line, c.labels) for c in inventory.columns] == [
        ("audit_payment", "id", "PaymentAudit", 4, ()),
        ("audit_payment", "card", "PaymentAudit", 5, ("ColumnVisibility.MASKED",)),
    ]


def test_a_subclass_table_name_longer_than_the_reader_accepts_blocks() -> None:
    """A name the template gives past the reader's limit is no table it can check: MR007 at
    the class, never the template itself taken for the table's name."""
    name = "Repo" + "X" * 1100 + "Webhook"
    inventory = build_inventory(
        MemoryTree({"gitsrht/webhooks.py": SRHT_WEBHOOKS.replace("RepoWebhook", name)}),
        Config(root="/repo", models=("gitsrht/*.py",)), use_cache=False)
    assert inventory.columns == ()
    assert [(e.path, e.line) for e in inventory.errors] == [("gitsrht/webhooks.py", 4)] * 2
    assert all(f"class {name} derives from CeleryWebhook, which maps a table for it named "
               in e.message and "give the class a shorter name" in e.message
               for e in inventory.errors)


@pytest.mark.parametrize(("entry", "problem"), [
    pytest.param({"kind": "table-factory", "tablename": "{t}", "columns": []},
                 ("parameters", "table-factory", 'kind "table-factory" needs the function\'s '
                  "parameters, in order: parameters = [...]"), id="no parameters"),
    pytest.param({"kind": "table-factory", "parameters": ["t"], "columns": []},
                 ("tablename", "table-factory", 'kind "table-factory" needs the table\'s name: '
                  'tablename = "{parameter}"'), id="no tablename"),
    pytest.param({"kind": "table-factory", "parameters": ["t", "a"], "tablename": "{t}",
                  "columns": [{"attribute": "{b.__tablename__}_id"}]},
                 ("columns", "{b.__tablename__}_id", "'{b.__tablename__}_id' names 'b', which "
                  "is not one of the function's parameters (t, a)"),
                 id="a field that is no parameter"),
    pytest.param({"kind": "table-factory", "parameters": ["t"], "tablename": "{t.name}",
                  "columns": []},
                 ("tablename", "{t.name}", "'{t.name}' has a field that is not {parameter}, "
                  "{parameter.__tablename__} or either with a slice such as [:-1]"),
                 id="a field the templates do not know"),
    pytest.param({"kind": "table-factory", "parameters": ["t"], "tablename": "{t}",
                  "columns": [{"attribute": "id", "unless": "composite"}]},
                 ("columns", "composite",
                  "unless = 'composite' is not one of the function's parameters"),
                 id="unless names no parameter"),
    pytest.param({"kind": "table-factory", "parameters": ["t", "a"], "tablename": "{t}",
                  "columns": [{"attribute": "{a.__tablename__[:-1]}_id"}]},
                 None, id="well formed"),
])
def test_a_table_factory_declaration_is_checked(entry: dict[str, object],
                                                problem: tuple[str, str, str] | None) -> None:
    assert declaration_problem(entry) == problem


NAMESPACE_FILES = {
    "abilian/__init__.py": "from pkgutil import extend_path\n"
                           "__path__ = extend_path(__path__, __name__)\n",
    "abilian/sbe/__init__.py": "",
    "abilian/sbe/models.py": textwrap.dedent("""\
        from sqlalchemy import Column, Text
        from abilian.core.entities import Entity
        class WikiPage(Entity):
            __tablename__ = "wiki_page"
            body_src = Column(Text)
        """),
}


@pytest.mark.parametrize(("init", "declared", "expected"), [
    pytest.param(NAMESPACE_FILES["abilian/__init__.py"], True,
                 [("wiki_page", "id"), ("wiki_page", "body_src")],
                 id="a pkgutil namespace package: the module it lacks is a package's, declared"),
    pytest.param(NAMESPACE_FILES["abilian/__init__.py"], False,
                 "class WikiPage: base class 'Entity' is abilian.core.entities.Entity from the "
                 "package 'abilian', outside the repository",
                 id="a pkgutil namespace package: undeclared, the package's base blocks as one"),
    pytest.param("", False,
                 "class WikiPage: base class 'Entity' cannot be found in the repository",
                 id="a plain package: the module it lacks is a missing file"),
])
def test_a_namespace_package_shares_its_name_with_other_distributions(
    init: str, declared: bool, expected: str | list[tuple[str, str]]
) -> None:
    """abilian-sbe's ``abilian/__init__.py`` extends ``__path__``: abilian-core, installed
    beside it, provides ``abilian.core``, which the repository does not hold."""
    entity = ExternalClass("abilian.core.entities.Entity", kind="declarative-base", columns=(
        ExternalColumn("id", "id", "Integer", nullable=False, primary_key=True),),
        source="pyproject.toml")
    config = Config(root="/repo", models=("abilian/sbe/models.py",),
                    external_bases=(entity,) if declared else ())
    files = {**NAMESPACE_FILES, "abilian/__init__.py": init}
    inventory = build_inventory(MemoryTree(files), config, use_cache=False)
    if isinstance(expected, list):
        assert inventory.errors == ()
        assert [(c.table, c.column) for c in inventory.columns] == expected
    else:
        (error,) = inventory.errors
        assert (error.path, error.line) == ("abilian/sbe/models.py", 3)
        assert error.message.startswith(expected), error.message

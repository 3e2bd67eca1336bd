"""The fields a blob's declared structure holds, and what the classifier makes of them.

The fixture is a small GPU-cluster service written for these tests, shaped like GPUStack: a
cluster keeps its worker and Kubernetes options as JSON through a type decorator that takes
the pydantic class of what it stores, and the classes live beside the models.
"""

from __future__ import annotations

import pytest

from reviewer.column_uses import CodeFiles
from reviewer.declared_keys import declared_classes, declared_keys
from reviewer.review import classify_inventory
from reviewer.sources import MemoryTree
from reviewer.types import Column
from reviewer.vocabulary import load_vocabulary
from tests.code_evidence import EvidenceApp, Judged

MODELS = '''\
from sqlalchemy import JSON, Column, Enum, Integer, String
from sqlalchemy.orm import DeclarativeBase

from farm.json_types import pydantic_column_type
from farm.options import ClusterState, K8sOptions, ProviderConfig, WorkerConfig


class Base(DeclarativeBase):
    pass


class Cluster(Base):
    __tablename__ = "clusters"
    id = Column(Integer, primary_key=True)
    name = Column(String(80))
    state = Column(Enum(ClusterState))
    worker_config = Column(pydantic_column_type(WorkerConfig))
    k8s_options = Column(pydantic_column_type(K8sOptions, exclude_none=True))
    provider = Column(pydantic_column_type(ProviderConfig))
    labels = Column(JSON)
'''

JSON_TYPES = '''\
from sqlalchemy.types import JSON, TypeDecorator


def pydantic_column_type(pydantic_type, exclude_none=False):
    class PydanticJSONType(TypeDecorator):
        impl = JSON()
    return PydanticJSONType
'''

APP = EvidenceApp("farm/models.py", MODELS, {"farm/json_types.py": JSON_TYPES})

# farm/options.py, line by line as the evidence quotes it
OPTIONS = '''\
import enum
from typing import List, Optional, Union

from pydantic import BaseModel


class ClusterState(enum.Enum):
    READY = "ready"


class ImageCredential(BaseModel):
    registry: str
    username: Optional[str] = None
    password: Optional[str] = None


class SecretReference(BaseModel):
    name: str
    namespace: str


class K8sOptions(BaseModel):
    image_credentials: Optional[List[ImageCredential]] = None
    image_pull_secret: Optional[SecretReference] = None
    node_selector: Optional[dict] = None


class SensitiveConfig(BaseModel):
    huggingface_token: Optional[str] = None


class WorkerConfig(SensitiveConfig):
    port: int = 10150
    log_level: str = "info"


class OpenAIConfig(BaseModel):
    api_key: str
    base_url: str


class OllamaConfig(BaseModel):
    base_url: str


ProviderConfig = Union[OpenAIConfig, OllamaConfig]
'''


def _judged(options: str) -> Judged:
    return APP.judged(APP.files(farm__options=options),
                      lambda c: c.column in ("worker_config", "k8s_options", "provider"))


NOTHING: Judged = {("clusters", c): (None, None, None)
                   for c in ("worker_config", "k8s_options", "provider")}


@pytest.mark.parametrize(("options", "expected"), [
    pytest.param(OPTIONS, {
        ("clusters", "worker_config"): (
            "credential", "high", "the class that types it declares field "
            "'huggingface_token': farm/options.py:29"),
        ("clusters", "k8s_options"): (
            "credential", "high", "the class that types it declares field "
            "'image_credentials.password': farm/options.py:14"),
        ("clusters", "provider"): (
            "credential", "high", "the class that types it declares field 'api_key': "
            "farm/options.py:38"),
    }, id="a token a base declares, a password in a list of classes, a key in one class of "
          "an alias's union (gpustack: clusters.worker_config, clusters.k8s_options, "
          "model_providers.config)"),
    pytest.param(OPTIONS.replace("    password: Optional[str] = None\n", "")
                        .replace("huggingface_token", "cache_dir")
                        .replace("    api_key: str\n", ""), NOTHING,
                 id="negative: a field typed by a class is judged by that class's fields, not "
                    "its own name (image_pull_secret: a reference to a secret)"),
    pytest.param("", NOTHING, id="negative: classes the repository does not define give "
                                 "nothing"),
])
def test_the_classifier_judges_a_blob_by_its_declared_fields(options: str,
                                                             expected: Judged) -> None:
    assert _judged(options) == expected


@pytest.mark.parametrize(("type_", "classes"), [
    pytest.param("pydantic_column_type(K8sOptions, exclude_none=True)", {"K8sOptions"},
                 id="the class a type decorator is given"),
    pytest.param("Pydantic(List[ReceivedEvent])", {"ReceivedEvent"},
                 id="inside a typing generic (prefect: Pydantic(...))"),
    pytest.param("Enum(ClusterState)", set(), id="an enumeration's type has no fields"),
    pytest.param("EnumText(InstallPermission, length=16)", set(),
                 id="nor a project's own enumeration type (dify: EnumText)"),
    pytest.param("JSON", set(), id="a plain JSON type names none"),
    pytest.param("String(MAX_LENGTH)", set(), id="a size constant is no class"),
    pytest.param("TSVectorType('message_text', hltext=lambda: Comment.message_html)", set(),
                 id="nor a class a lambda names (funnel: comment.search_vector)"),
])
def test_which_types_name_the_class_of_what_they_hold(type_: str, classes: set[str]) -> None:
    column = Column("clusters", "options", "Cluster", "options", "farm/models.py", 1, type_,
                    nullable=True, unique=False, primary_key=False)
    assert declared_classes(column) == classes


def test_classes_that_name_each_other_end() -> None:
    cyclic = OPTIONS + (
        "\n\nclass Node(BaseModel):\n    parent: Optional['Node'] = None\n"
        "    children: List['Node'] = []\n    label: str = ''\n")
    models = MODELS.replace("    labels = Column(JSON)\n",
                            "    tree = Column(pydantic_column_type(Node))\n")
    app = EvidenceApp("farm/models.py", models, {"farm/json_types.py": JSON_TYPES})
    tree = MemoryTree(app.files(farm__options=cyclic))
    inventory = app.inventory(tree)
    found = declared_keys(CodeFiles(tree), [c for c in inventory.columns if c.column == "tree"])
    assert [k.key for k in found[("clusters", "tree")]] == ["label"]
    judged = classify_inventory(inventory, load_vocabulary(), tree).by_key()
    assert judged[("clusters", "tree")].category is None


def test_a_model_and_an_alias_to_a_call_hold_no_fields() -> None:
    # warehouse: releases.dynamic is ARRAY(DynamicFieldsEnum), DynamicFieldsEnum = ENUM(...);
    # a field typed by a mapped model names its table's columns, never the blob's
    options = OPTIONS.replace(
        "ProviderConfig = Union[OpenAIConfig, OllamaConfig]",
        "ProviderConfig = make_union(OpenAIConfig)",
    ).replace(
        "class WorkerConfig(SensitiveConfig):",
        "class Owner(Base):\n    __tablename__ = 'owners'\n    password: str = ''\n\n\n"
        "class WorkerConfig(BaseModel):\n    owner: Optional[Owner] = None",
    )
    judged = APP.judged(APP.files(farm__options=options),
                        lambda c: c.column in ("worker_config", "provider"))
    assert judged == {("clusters", "worker_config"): (None, None, None),
                      ("clusters", "provider"): (None, None, None)}

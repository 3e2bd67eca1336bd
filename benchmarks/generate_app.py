"""Generate a deterministic synthetic SQLAlchemy application for the performance benchmark.

    python benchmarks/generate_app.py --models 500 --out /tmp/app [--pr] [--seed 7]

The app looks like a real one rather than a loop of identical classes: ~10 mapped classes
per module, 1.x ``Column`` modules next to 2.0 ``Mapped``/``mapped_column`` ones, mixins
(one of them declares a labelled column, so one declaration expands to many tables), Core
association tables, and labelled columns with a complete ``masking_rules.json``. It also
writes ``schema_test.py``, the import-based schema test a team runs today; the benchmark
uses it as the reference point.

With ``--pr`` a branch is created that touches three model files: one gains a labelled
column plus its rule, one gains an unlabelled ``client_secret``, one gains a plain column.

``--shape adoption`` is the app where findings are many (issue 10): every model has an id, a
PRIVATE ``client_secret: Mapped[str]`` masked with ``null``, a MASKED e-mail and 15 plain
columns, so every model yields one legitimate MR008 (NOT NULL masked with null), the way a
first adoption or a big refactor does. The default ``mixed`` shape is the one above.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

MODELS_PACKAGE = "app/models"
PR_BRANCH = "pr-three-files"
BASE_BRANCH = "main"
CLASSES_PER_MODULE = 10

DOMAINS = (
    "billing", "crm", "hr", "inventory", "shipping", "support", "marketing", "payroll",
    "identity", "audit", "catalog", "orders", "pricing", "tax", "warehouse", "fleet",
    "projects", "timesheet", "legal", "compliance", "procurement", "vendors", "assets",
    "facilities", "training", "recruiting", "benefits", "expenses", "treasury", "ledger",
    "reporting", "analytics", "messaging", "notifications", "scheduling", "bookings",
    "loyalty", "reviews", "content", "media", "search", "integrations", "webhooks", "sso",
    "devices", "telemetry", "surveys", "donations", "grants", "events",
)
NOUNS = (
    "Account", "Contact", "Invoice", "Payment", "Order", "Shipment", "Ticket", "Note",
    "Profile", "Address", "Device", "Session", "Document", "Approval", "Allocation",
    "Batch", "Budget", "Campaign", "Contract", "Credential", "Entry", "Export", "Import",
    "Job", "Ledger", "License", "Member", "Message", "Period", "Plan", "Policy",
    "Request", "Schedule", "Setting", "Snapshot", "Subscription", "Task", "Template",
    "Transfer", "Visit",
)
INTEGRATIONS = ("Salesforce", "HubSpot", "Zendesk", "Stripe", "Slack", "Jira", "Workday",
                "Okta", "Xero", "Shopify", "Twilio", "Intercom", "Marketo", "Gusto")


@dataclass(frozen=True, slots=True)
class Kind:
    """A column shape: how it is typed in each style and, when sensitive, its label and rule."""

    name: str
    sa_type: str  # the SQLAlchemy type expression
    py_type: str  # the Mapped[...] annotation
    label: str | None = None  # "MASKED" / "PRIVATE"
    strategy: str | None = None
    unique: bool = False
    nullable: bool = True
    # NOT NULL said with nullable=False; else left to the annotation (Mapped[str], 2.0 style)
    spelled_not_null: bool = True


PLAIN = (
    Kind("status", 'String(20)', "str", nullable=False),
    Kind("amount_cents", "Integer", "int", nullable=False),
    Kind("currency", "String(3)", "str"),
    Kind("description", "Text", "str | None"),
    Kind("quantity", "Integer", "int"),
    Kind("is_active", "Boolean", "bool", nullable=False),
    # not `code`: in a Credential or Session model that is rightly a credential (MR003)
    Kind("slug", "String(32)", "str", unique=True, nullable=False),
    Kind("title", "String(200)", "str"),
    Kind("external_ref", "String(64)", "str | None"),
    Kind("priority", "SmallInteger", "int"),
    Kind("effective_on", "Date", "date | None"),
    Kind("closed_at", "DateTime", "datetime | None"),
    Kind("ratio", "Numeric(10, 4)", "Decimal"),
    Kind("region", "String(40)", "str"),
    Kind("version_no", "Integer", "int", nullable=False),
    Kind("settings_json", "JSON", "dict[str, str] | None"),
)
SENSITIVE = (
    Kind("email", "String(255)", "str", "MASKED", "fake_email", unique=True),
    Kind("phone", "String(32)", "str | None", "MASKED", "fake_phone"),
    Kind("full_name", "String(120)", "str", "MASKED", "fake_name"),
    Kind("street_address", "String(255)", "str | None", "MASKED", "fake_address"),
    Kind("date_of_birth", "Date", "date | None", "MASKED", "generalize"),
    Kind("api_token", "String(128)", "str | None", "PRIVATE", "null"),
    Kind("password_hash", "String(255)", "str | None", "PRIVATE", "null"),
    Kind("tax_id", "String(32)", "str | None", "PRIVATE", "hash"),
    Kind("iban", "String(34)", "str | None", "PRIVATE", "null"),
)
SECRET = Kind("client_secret", "String(255)", "str | None", "PRIVATE", "null")
CLIENT_ID = Kind("client_id", "String(255)", "str", nullable=False)
# The adoption shape: NOT NULL (``Mapped[str]``) yet masked with null, one MR008 per model.
ADOPTION_SECRET = Kind("client_secret", "String(255)", "str", "PRIVATE", "null", nullable=False,
                       spelled_not_null=False)
ADOPTION_EMAIL = Kind("email", "String(255)", "str | None", "MASKED", "fake_email")
ADOPTION_PLAIN = 15
SHAPES = ("mixed", "adoption")
CONTACT_MIXIN_COLUMN = "contact_email"


@dataclass(slots=True)
class ModelClass:
    name: str
    table: str
    columns: list[Kind]
    mixins: list[str]


@dataclass(slots=True)
class Module:
    name: str
    modern: bool  # 2.0 Mapped/mapped_column style, else 1.x Column
    sa_alias: bool  # 1.x style written as ``sa.Column`` instead of ``Column``
    classes: list[ModelClass] = field(default_factory=list)
    association: str | None = None  # a Core Table linking the first two classes


@dataclass(slots=True)
class App:
    modules: list[Module]
    rules: list[dict[str, str]]


def _camel(word: str) -> str:
    return "".join(part.capitalize() for part in word.split("_"))


def _snake(name: str) -> str:
    out = [f"_{ch.lower()}" if ch.isupper() else ch for ch in name]
    return "".join(out).lstrip("_")


def plan(models: int, seed: int, shape: str = "mixed") -> App:
    """Decide every module, class and column; everything after this is rendering."""
    if shape == "adoption":
        return _plan_adoption(models, seed)
    rng = random.Random(seed)  # reproducible test data; S311 is off for benchmarks/
    n_modules = max(1, -(-models // CLASSES_PER_MODULE))
    modules: list[Module] = []
    rules: list[dict[str, str]] = []
    made = 0
    for m in range(n_modules):
        domain = DOMAINS[m % len(DOMAINS)] + (f"_{m // len(DOMAINS)}" if m >= len(DOMAINS) else "")
        module = Module(name=domain, modern=m % 2 == 0, sa_alias=m % 4 == 1)
        count = min(CLASSES_PER_MODULE, models - made)
        nouns = rng.sample(NOUNS, count)
        for i, noun in enumerate(nouns):
            if i == count - 1 and m % 3 == 0:
                # an integration connection, the shape the diff reviewer compares against
                vendor = INTEGRATIONS[(m // 3) % len(INTEGRATIONS)]
                cls_name = f"{_camel(domain)}{vendor}Connection"
                columns = [CLIENT_ID, SECRET, *rng.sample(PLAIN, 3)]
            else:
                cls_name = f"{_camel(domain)}{noun}"
                columns = rng.sample(PLAIN, rng.randint(5, 8))
                if rng.random() < 0.45:
                    columns += rng.sample(SENSITIVE, rng.randint(1, 2))
                rng.shuffle(columns)
            mixins: list[str] = []
            if rng.random() < 0.5:
                mixins.append("TimestampMixin")
            if rng.random() < 0.12:
                mixins.append("ContactMixin")
            cls = ModelClass(cls_name, _snake(cls_name), columns, mixins)
            module.classes.append(cls)
            for kind in columns:
                if kind.label:
                    rules.append(_rule(cls.table, kind.name, kind.strategy or "null"))
            if "ContactMixin" in mixins:
                rules.append(_rule(cls.table, CONTACT_MIXIN_COLUMN, "fake_email"))
        if m % 5 == 2 and len(module.classes) >= 2:
            module.association = f"{domain}_links"
        made += count
        modules.append(module)
    return App(modules, rules)


def _plan_adoption(models: int, seed: int) -> App:
    """Uniform models, all in the 2.0 style: no mixins or association tables, so the only
    findings are the one MR008 per model."""
    rng = random.Random(seed)
    modules: list[Module] = []
    rules: list[dict[str, str]] = []
    made = 0
    for m in range(max(1, -(-models // CLASSES_PER_MODULE))):
        domain = DOMAINS[m % len(DOMAINS)] + (f"_{m // len(DOMAINS)}" if m >= len(DOMAINS) else "")
        module = Module(name=domain, modern=True, sa_alias=False)
        count = min(CLASSES_PER_MODULE, models - made)
        for noun in rng.sample(NOUNS, count):
            columns = [ADOPTION_SECRET, ADOPTION_EMAIL, *rng.sample(PLAIN, ADOPTION_PLAIN)]
            cls = ModelClass(f"{_camel(domain)}{noun}", _snake(f"{_camel(domain)}{noun}"),
                             columns, [])
            module.classes.append(cls)
            rules += [_rule(cls.table, k.name, k.strategy or "null") for k in columns if k.label]
        made += count
        modules.append(module)
    return App(modules, rules)


def _rule(table: str, column: str, strategy: str) -> dict[str, str]:
    return {"table": table, "column": column, "strategy": strategy}


def _kwargs(kind: Kind) -> list[str]:
    out: list[str] = []
    if kind.unique:
        out.append("unique=True")
    if not kind.nullable and kind.spelled_not_null:
        out.append("nullable=False")
    if kind.label:
        out.append(f'info={{"visibility": ColumnVisibility.{kind.label}}}')
    return out


def _column_line(kind: Kind, module: Module, attr: str | None = None) -> str:
    name = attr or kind.name
    args = ", ".join([kind.sa_type, *_kwargs(kind)])
    if module.modern:
        lhs = f"    {name}: Mapped[{kind.py_type}] = mapped_column("
    else:
        lhs = f"    {name} = {'sa.' if module.sa_alias else ''}Column("
        if module.sa_alias:
            args = ", ".join([f"sa.{kind.sa_type}", *_kwargs(kind)])
    line = f"{lhs}{args})"
    if len(line) <= 99:
        return line
    # wrapped the way black would, so line numbers behave like a formatted codebase
    return f"{lhs}\n        {args}\n    )"


def _class_lines(cls: ModelClass, module: Module) -> list[str]:
    bases = ", ".join([*cls.mixins, "Base"])
    lines = ["", f"class {cls.name}({bases}):"]
    lines += [f'    """{cls.name} records kept by the {module.name} service."""', ""]
    lines += [f'    __tablename__ = "{cls.table}"', ""]
    if module.modern:
        lines.append("    id: Mapped[int] = mapped_column(primary_key=True)")
    else:
        pre = "sa." if module.sa_alias else ""
        lines.append(f"    id = {pre}Column({pre}Integer, primary_key=True)")
    lines += [_column_line(kind, module) for kind in cls.columns]
    lines += ["", "    def __repr__(self) -> str:"]
    lines += [f'        return f"<{cls.name} {{self.id}}>"', ""]
    return lines


def render_module(module: Module) -> str:
    lines = [f'"""{_camel(module.name)} models."""', "", "from __future__ import annotations", ""]
    if module.modern:
        lines += [
            "from datetime import date, datetime",
            "from decimal import Decimal",
            "",
            "from sqlalchemy import (",
            "    JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric,",
            "    SmallInteger, String, Table, Text,",
            ")",
            "from sqlalchemy.orm import Mapped, mapped_column",
        ]
    elif module.sa_alias:
        lines += ["import sqlalchemy as sa"]
    else:
        lines += [
            "from sqlalchemy import (",
            "    JSON, Boolean, Column, Date, DateTime, ForeignKey, Integer, Numeric,",
            "    SmallInteger, String, Table, Text,",
            ")",
        ]
    lines += ["", "from app.models.base import ("]
    lines += ["    Base, ColumnVisibility, ContactMixin, TimestampMixin,", ")"]
    lines += ["", "__all__ = ["]
    lines += [f'    "{c.name}",' for c in module.classes]
    lines += ["]", ""]
    for cls in module.classes:
        lines += _class_lines(cls, module)
    if module.association:
        left, right = module.classes[0], module.classes[1]
        pre = "sa." if module.sa_alias else ""
        lines += [
            "",
            f"{module.association} = {pre}Table(",
            f'    "{module.association}",',
            "    Base.metadata,",
            f'    {pre}Column("{left.table}_id", {pre}ForeignKey("{left.table}.id"),'
            " primary_key=True),",
            f'    {pre}Column("{right.table}_id", {pre}ForeignKey("{right.table}.id"),'
            " primary_key=True),",
            ")",
            "",
        ]
    return "\n".join(lines).rstrip("\n") + "\n"


BASE_MODULE = '''"""Declarative base, the visibility labels and shared mixins."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import DateTime, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class ColumnVisibility(enum.Enum):
    """How far a column's values may travel outside production."""

    PUBLIC = "public"
    MASKED = "masked"
    PRIVATE = "private"


class Base(DeclarativeBase):
    pass


class TimestampMixin:
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.now())
    updated_at: Mapped[datetime | None] = mapped_column(DateTime, onupdate=func.now())


class ContactMixin:
    contact_email: Mapped[str | None] = mapped_column(
        String(255), info={"visibility": ColumnVisibility.MASKED}
    )
'''

SCHEMA_TEST = '''"""The import-based schema test: what a team runs today before masking-reviewer.

Imports every model with SQLAlchemy, walks Base.metadata and checks each labelled column
against masking_rules.json (and each rule against the real columns).
"""

from __future__ import annotations

import importlib
import json
import pkgutil
import sys

import app.models
from app.models.base import Base, ColumnVisibility

LABELS = {ColumnVisibility.MASKED, ColumnVisibility.PRIVATE}


def main() -> int:
    for info in pkgutil.iter_modules(app.models.__path__):
        importlib.import_module(f"app.models.{info.name}")
    with open("masking_rules.json", encoding="utf-8") as fh:
        rules = {(r["table"], r["column"]) for r in json.load(fh)["rules"]}
    columns = set()
    problems = []
    for table in Base.metadata.tables.values():
        for column in table.columns:
            columns.add((table.name, column.name))
            if column.info.get("visibility") in LABELS and (table.name, column.name) not in rules:
                problems.append(f"missing rule: {table.name}.{column.name}")
    problems += [f"stale rule: {t}.{c}" for t, c in sorted(rules - columns)]
    print(f"{len(Base.metadata.tables)} tables, {len(columns)} columns, {len(rules)} rules")
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
'''

PYPROJECT = '''[project]
name = "synthetic-app"
version = "0.0.0"
requires-python = ">=3.10"
dependencies = ["sqlalchemy>=2.0"]

[tool.masking-reviewer]
models = ["app/models/*.py"]
rules = "masking_rules.json"
labels = ["ColumnVisibility.MASKED", "ColumnVisibility.PRIVATE"]
'''


def _rules_json(rules: list[dict[str, str]]) -> str:
    ordered = sorted(rules, key=lambda r: (r["table"], r["column"]))
    return json.dumps({"version": 1, "rules": ordered}, indent=2) + "\n"


def _git(out: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=bench", "-c", "user.email=bench@example.invalid",
         "-c", "commit.gpgsign=false", *args],
        cwd=out, check=True, capture_output=True,
    )


def write_app(app: App, out: Path) -> int:
    """Write the files; return the number of lines in model files."""
    pkg = out / MODELS_PACKAGE
    pkg.mkdir(parents=True, exist_ok=True)
    (out / "app" / "__init__.py").write_text("", encoding="utf-8")
    init = ['"""Every model module, imported so the mappers are configured together."""', ""]
    init += [f"from app.models import {m.name}  # noqa: F401" for m in app.modules]
    (pkg / "__init__.py").write_text("\n".join(init) + "\n", encoding="utf-8")
    (pkg / "base.py").write_text(BASE_MODULE, encoding="utf-8")
    lines = BASE_MODULE.count("\n") + len(init)
    for module in app.modules:
        text = render_module(module)
        (pkg / f"{module.name}.py").write_text(text, encoding="utf-8")
        lines += text.count("\n")
    (out / "masking_rules.json").write_text(_rules_json(app.rules), encoding="utf-8")
    (out / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    (out / "schema_test.py").write_text(SCHEMA_TEST, encoding="utf-8")
    (out / ".gitignore").write_text("__pycache__/\n", encoding="utf-8")
    return lines


def _insert_after_class_columns(text: str, class_name: str, new_line: str) -> str:
    """Put ``new_line`` after the last column of ``class_name`` (before its ``__repr__``)."""
    start = text.index(f"class {class_name}(")
    anchor = text.index("\n\n    def __repr__", start)
    return text[:anchor] + "\n" + new_line + text[anchor:]


def make_pr(app: App, out: Path) -> list[str]:
    """Create PR_BRANCH touching three model files; return their repo-relative paths."""
    _git(out, "checkout", "-q", "-b", PR_BRANCH)
    picks = [app.modules[i * len(app.modules) // 3] for i in range(3)]
    touched: list[str] = []
    rules = list(app.rules)
    for n, module in enumerate(picks):
        rel = f"{MODELS_PACKAGE}/{module.name}.py"
        path = out / rel
        cls = module.classes[0]
        text = path.read_text(encoding="utf-8")
        if n == 1:
            # a new integration whose secret nobody labelled, next to labelled siblings
            unlabelled = Kind("client_secret", "String(255)", "str | None")
            name = f"{_camel(module.name)}NetSuiteConnection"
            new = ModelClass(name, _snake(name), [CLIENT_ID, unlabelled], [])
            text += "\n" + "\n".join(_class_lines(new, module)).rstrip("\n") + "\n"
        else:
            if n == 0:
                kind = Kind("recovery_email", "String(255)", "str | None", "PRIVATE",
                            "fake_email")
                rules.append(_rule(cls.table, kind.name, "fake_email"))
            else:
                kind = Kind("retry_count", "Integer", "int")
            text = _insert_after_class_columns(text, cls.name, _column_line(kind, module))
        path.write_text(text, encoding="utf-8")
        touched.append(rel)
    (out / "masking_rules.json").write_text(_rules_json(rules), encoding="utf-8")
    _git(out, "add", "-A")
    _git(out, "commit", "-q", "-m", "Add recovery email, an integration secret, retry count")
    return touched


def generate(
    out: Path, models: int, *, seed: int = 7, pr: bool = False, shape: str = "mixed"
) -> tuple[App, int]:
    if out.exists() and any(out.iterdir()):
        raise SystemExit(f"generate_app: {out} is not empty; choose an empty or new directory")
    out.mkdir(parents=True, exist_ok=True)
    app = plan(models, seed, shape)
    lines = write_app(app, out)
    _git(out, "init", "-q", "-b", BASE_BRANCH)
    _git(out, "add", "-A")
    _git(out, "commit", "-q", "-m", f"Synthetic app: {models} models")
    if pr:
        make_pr(app, out)
    return app, lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--models", type=int, default=500, help="mapped classes (default 500)")
    parser.add_argument("--out", type=Path, required=True, help="new or empty directory")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pr", action="store_true",
                        help=f"also create branch {PR_BRANCH} touching 3 model files")
    parser.add_argument("--shape", choices=SHAPES, default="mixed",
                        help="mixed (default) or adoption: one MR008 per model (issue 10)")
    args = parser.parse_args(argv)
    if args.models < 3:
        parser.error("--models must be at least 3")
    app, lines = generate(args.out, args.models, seed=args.seed, pr=args.pr, shape=args.shape)
    classes = sum(len(m.classes) for m in app.modules)
    print(f"{classes} models in {len(app.modules)} modules, {lines} lines of model code, "
          f"{len(app.rules)} rules -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

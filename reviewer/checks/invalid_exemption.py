"""MR005 invalid-exemption: an exemption with no reason, naming no column, on an unlabelled
column, or next to a rule for the same column."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from reviewer.checks.base import Check, Example, config_exemptions, needs_masking, severity
from reviewer.types import Config, Finding

if TYPE_CHECKING:
    from reviewer.review import Snapshot


def detect(snap: Snapshot, config: Config) -> Iterator[Finding]:
    inventory, rules = snap.inventory, snap.rules
    columns = inventory.by_key()
    have = rules.by_key()
    candidates = [*inventory.exemptions, *config_exemptions(config)]
    seen: set[tuple[str, int]] = set()
    for ex in candidates:
        if (ex.path, ex.line) in seen and ex.origin == "pragma":
            continue  # a mixin pragma is expanded into every table; judge the statement once
        column = columns.get((ex.table, ex.column))
        problem = None
        if column is None:
            if ex.origin == "pragma" and not ex.table:
                problem = "this `# masking: exempt` pragma is not on a column declaration"
            else:
                problem = (
                    f"the exemption names {ex.table}.{ex.column}, but no model declares that "
                    f"column"
                )
        elif not ex.reason:
            problem = (
                f"the exemption for {column.qualname} has no reason; write why masking is "
                f"unnecessary: `# masking: exempt -- <reason>`"
            )
        elif not needs_masking(column):
            problem = (
                f"{column.qualname} is exempted but not labelled sensitive; remove the "
                f"exemption, or label the column if it is sensitive"
            )
        elif column.key in have:
            problem = (
                f"{column.qualname} has both an exemption and a rule in {rules.path}; keep one"
            )
        if problem is None:
            continue
        seen.add((ex.path, ex.line))
        yield Finding(
            "MR005",
            severity(config, "MR005"),
            message=problem + ".",
            path=ex.path,
            line=ex.line,
            table=ex.table or None,
            column=ex.column or None,
            class_name=column.class_name if column else None,
            attribute=column.attribute if column else None,
        )


def _users(column: str) -> str:
    return f'''\
from sqlalchemy import Integer, String
from sqlalchemy.orm import DeclarativeBase, mapped_column

from app.visibility import ColumnVisibility


class Base(DeclarativeBase):
    pass


PRIVATE = {{"visibility": ColumnVisibility.PRIVATE}}


class User(Base):
    __tablename__ = "users"
    id = mapped_column(Integer, primary_key=True)
    {column}
'''


HASH = "password_hash = mapped_column(String(60), info=PRIVATE)"

CHECK = Check(
    "MR005",
    snapshot=detect,
    valid=(
        Example(
            "the pragma says why the column needs no masking",
            models=_users(HASH + "  # masking: exempt -- bcrypt hashes of throwaway passwords"),
        ),
    ),
    invalid=(
        Example(
            "an exemption without a reason cannot be reviewed",
            models=_users(HASH + "  # masking: exempt"),
            expect=("models.py:17: MR005",),
        ),
        Example(
            "an exemption in the configuration for a column no model declares",
            models=_users(HASH + "  # masking: exempt -- bcrypt hashes of throwaway passwords"),
            config='''\
[[tool.masking-reviewer.exemptions]]
table = "users"
column = "pasword_hash"
reason = "bcrypt hashes of throwaway passwords"
''',
            expect=("pyproject.toml:6: MR005",),
        ),
        Example(
            "an exemption on a column nothing marks sensitive hides a missing label",
            models=_users("nickname = mapped_column(String)  # masking: exempt -- public"),
            expect=("models.py:17: MR005",),
        ),
    ),
)

"""What every check shares: the ``Check`` record, its examples, and how a finding is made.

A check is one module in ``reviewer/checks/``: a detection function that yields bare findings
of one code, and the valid and invalid examples that document it (in the manner of Fixit's
``LintRule.VALID`` / ``INVALID``). ``tests/test_check_examples.py`` runs every example through
the real CLI, and ``reviewer.codedocs`` prints them in the code's page, so the documentation
is tested code. Checks never decide whether a finding blocks: that is ``reviewer.gate``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from reviewer.codes import CODES, Severity
from reviewer.types import Column, Config, ConfigExemption, Exemption, Finding

if TYPE_CHECKING:
    from collections.abc import Callable

    from reviewer.review import Snapshot

    # The whole snapshot: ``reviewer check``, and the head of a diff.
    SnapshotDetect = Callable[[Snapshot, Config], Iterator[Finding]]
    # One column a diff added or changed, on the head snapshot.
    ChangeDetect = Callable[[Snapshot, Column, Config], Iterator[Finding]]


EXAMPLE_MODELS = "models.py"
EXAMPLE_RULES = "masking_rules.json"
EXAMPLE_CONFIG = "pyproject.toml"
NO_RULES = '{"version": 1, "rules": []}\n'


@dataclass(frozen=True, slots=True)
class Example:
    """A repository small enough to read at a glance: ``models.py``, ``masking_rules.json``
    and the body of ``[tool.masking-reviewer]`` (``models = ["models.py"]`` is implied).

    With ``change``, it is reviewed as a change (``reviewer diff``) that adds ``models.py``
    to a base holding everything else. ``expect`` lists every finding an invalid example
    gives, as the text output starts its line: ``"models.py:6: MR001"``; a valid example
    gives no finding of its check's code.
    """

    title: str
    models: str
    rules: str | None = NO_RULES  # None: there is no masking_rules.json
    config: str = ""
    change: bool = False
    expect: tuple[str, ...] = ()


def example_files(example: Example) -> dict[str, str]:
    """The files an example is made of: what the test writes and what the docs show."""
    config = f'[tool.masking-reviewer]\nmodels = ["{EXAMPLE_MODELS}"]\n'
    if example.config:
        config += "\n" + example.config
    files = {EXAMPLE_MODELS: example.models, EXAMPLE_RULES: example.rules,
             EXAMPLE_CONFIG: config}
    return {name: text for name, text in files.items() if text is not None}


@dataclass(frozen=True, slots=True)
class Check:
    """One finding code's detection and its examples; ``reviewer.checks.CHECKS`` lists them.

    ``snapshot`` judges the whole repository (and the head of a diff); ``change`` judges one
    column a diff added or changed. A check has one or both.
    """

    code: str
    valid: tuple[Example, ...]
    invalid: tuple[Example, ...]
    snapshot: SnapshotDetect | None = None
    change: ChangeDetect | None = None


# --- findings and exemptions, as every check needs them ---------------------------------------


def severity(config: Config, code: str) -> Severity:
    return config.severity_for(code, CODES[code].severity)


def column_finding(config: Config, code: str, column: Column, message: str) -> Finding:
    """A finding anchored on a column's declaring statement (head side)."""
    return finding_on(column, code, severity(config, code), message)


def finding_on(column: Column, code: str, sev: Severity, message: str) -> Finding:
    """The anchor and identity of a column finding come from the inventory, never elsewhere."""
    return Finding(
        code=code,
        severity=sev,
        message=message,
        path=column.path,
        line=column.line,
        table=column.table,
        column=column.column,
        class_name=column.class_name,
        attribute=column.attribute,
        category=column.category,
        confidence=column.confidence,
        evidence=column.evidence,
    )


def label_words(labels: Iterable[str]) -> str:
    """``("ColumnVisibility.PRIVATE",)`` -> ``PRIVATE``: how a reviewer would say it."""
    return " and ".join(label.rsplit(".", 1)[-1] for label in labels)


def _as_exemption(e: ConfigExemption, config: Config) -> Exemption:
    return Exemption(e.table, e.column, e.reason, config.path or "pyproject.toml", e.line,
                     "config")


def config_exemptions(config: Config) -> tuple[Exemption, ...]:
    return tuple(_as_exemption(e, config) for e in config.exemptions)


def exemption_for(column: Column, config: Config) -> Exemption | None:
    if column.exemption is not None:
        return column.exemption
    # Called for every column by several checks: a dict lookup, and an Exemption only for a
    # match.
    found = config.exemption(column.key)
    return None if found is None else _as_exemption(found, config)


def is_sure_credential(column: Column) -> bool:
    """An unlabelled column the classifier calls a credential with high confidence is held to
    the same standard as a labelled one: a rule or an exemption, else the gate blocks (MR003).
    A repository with no labels at all must not be green while its secrets go unmasked."""
    return column.category == "credential" and column.confidence == "high"


def needs_masking(column: Column) -> bool:
    """Labelled sensitive, or an unlabelled high-confidence credential."""
    return bool(column.labels) or is_sure_credential(column)


def covered(snap: Snapshot, column: Column, config: Config) -> bool:
    """Labelled, ruled or exempted: a changed column someone has already decided about."""
    return bool(column.labels or column.key in snap.rules.by_key()
                or exemption_for(column, config))

from __future__ import annotations

from dataclasses import replace

import pytest

from reviewer.name_verdicts import classify
from reviewer.policy import default_rule, quasi_identifier_note, weak_strategy
from reviewer.types import Column, Rule


def col(qualname: str, type_expr: str | None = "String(255)", *, nullable: bool = True,
        unique: bool = False, primary_key: bool = False) -> Column:
    class_name, attribute = qualname.split(".")
    table = {"NetSuiteConnection": "netsuite_connections", "User": "users"}[class_name]
    return Column(table=table, column=attribute, class_name=class_name, attribute=attribute,
                  path="app/models.py", line=9, type=type_expr, nullable=nullable,
                  unique=unique, primary_key=primary_key)


SECRET = "NetSuiteConnection.client_secret looks like a credential (name 'client_secret') "
NS = "NetSuiteConnection.client_secret"


@pytest.mark.parametrize(
    ("column", "strategy", "note", "expected"),
    [
        pytest.param(col(NS), "hash", None,
                     SECRET + "but is masked with 'hash', which keeps values linkable across "
                     "copies and lets a leaked hash be matched; use 'null' instead",
                     id="hash on a credential"),
        pytest.param(col(NS), "keep", "sandbox keys only", SECRET
                     + "but is masked with 'keep', which copies the secret unchanged; "
                     "use 'null' instead", id="keep on a credential, even with a note"),
        pytest.param(col(NS), "redact", None, SECRET
                     + "but is masked with 'redact', which keeps telling prefixes and suffixes "
                     "such as sk_live_; use 'null' instead", id="redact on a credential"),
        pytest.param(col(NS), "shred", None, SECRET
                     + "but is masked with 'shred', which leaves a realistic-looking value that "
                     "can be mistaken for a usable one; use 'null' instead",
                     id="shred on a credential"),
        pytest.param(col(NS), "fake_text", None, SECRET
                     + "but is masked with 'fake_text', which leaves a realistic-looking value "
                     "that can be mistaken for a usable one; use 'null' instead",
                     id="any strategy not safe for credentials"),
        pytest.param(col(NS, nullable=False), "hash", None, SECRET
                     + "but is masked with 'hash', which keeps values linkable across copies "
                     "and lets a leaked hash be matched; use 'static' with value 'masked' "
                     "instead", id="credential advice respects NOT NULL"),
        pytest.param(col(NS, nullable=False), "null", None,
                     "NetSuiteConnection.client_secret is NOT NULL, so strategy 'null' will make "
                     "the masked copy fail to load; use 'static' with value 'masked' instead",
                     id="null on NOT NULL"),
        pytest.param(col("User.login_count", "Integer", nullable=False), "null", None,
                     "User.login_count is NOT NULL, so strategy 'null' will make the masked "
                     "copy fail to load; use 'random' instead",
                     id="null on NOT NULL integer: a text placeholder would not fit"),
        pytest.param(col("User.email", nullable=False), "null", None,
                     "User.email is NOT NULL, so strategy 'null' will make the masked copy fail "
                     "to load; use 'fake_email' instead", id="null on NOT NULL email"),
        pytest.param(col("User.username", unique=True), "fake_name", None,
                     "User.username is unique=True, but 'fake_name' can give two rows the same "
                     "value, so the masked copy will fail the unique constraint; use 'hash' "
                     "instead", id="non-unique fake on a unique column"),
        pytest.param(col("User.email", unique=True), "static", None,
                     "User.email is unique=True, but 'static' can give two rows the same value, "
                     "so the masked copy will fail the unique constraint; use 'fake_email' "
                     "instead", id="static on a unique email"),
        pytest.param(col(NS, unique=True), "static", None,
                     "NetSuiteConnection.client_secret is unique=True, but 'static' can give two "
                     "rows the same value, so the masked copy will fail the unique constraint; "
                     "use 'random' instead", id="static on a unique credential"),
        pytest.param(col("User.plan"), "keep", None,
                     "User.plan uses 'keep' without a note; add a \"note\" saying why copying it "
                     "unchanged is safe, or mask it with 'null'", id="keep without note"),
        pytest.param(col("User.plan"), "keep", "   ",
                     "User.plan uses 'keep' without a note; add a \"note\" saying why copying it "
                     "unchanged is safe, or mask it with 'null'", id="blank note is no note"),
    ],
)
def test_weak_strategy(column: Column, strategy: str, note: str | None, expected: str) -> None:
    rule = Rule(column.table, column.column, strategy, note=note)
    assert weak_strategy(rule, column, classify(column.column, column.type)) == expected


@pytest.mark.parametrize(
    ("column", "strategy", "note"),
    [
        pytest.param(col(NS), "null", None, id="null on a nullable credential"),
        pytest.param(col(NS, nullable=False), "static", None, id="static on NOT NULL secret"),
        pytest.param(col(NS, nullable=False, unique=True), "random", None,
                     id="random on a unique NOT NULL secret"),
        pytest.param(col("User.id", "Integer", nullable=False, primary_key=True), "null", None,
                     id="primary key is not judged on NOT NULL"),
        pytest.param(col("User.email", unique=True), "fake_email", None,
                     id="fake_email keeps uniqueness"),
        pytest.param(col("User.plan"), "keep", "plan names are public", id="keep with note"),
        pytest.param(col(NS), "nonsense", None, id="unknown strategy is a schema error"),
    ],
)
def test_strong_strategy(column: Column, strategy: str, note: str | None) -> None:
    rule = Rule(column.table, column.column, strategy, note=note)
    assert weak_strategy(rule, column, classify(column.column, column.type)) is None


def test_weak_strategy_uses_column_category_without_classification() -> None:
    labelled = replace(col("User.plan"), category="credential", confidence="high")
    assert weak_strategy(Rule("users", "plan", "hash"), labelled, None) == (
        "User.plan looks like a credential but is masked with 'hash', which keeps values "
        "linkable across copies and lets a leaked hash be matched; use 'null' instead"
    )


TAIL = ("; combined with other fields it can single a person out. Consider 'generalize' "
        "(birthdate to year, postcode to prefix, coordinates to a coarse grid).")


@pytest.mark.parametrize(
    ("column", "strategy", "expected"),
    [
        pytest.param(col("User.birth_date", "Date"), "keep",
                     "User.birth_date looks like a quasi-identifier (name 'birth_date') and is "
                     "copied unchanged" + TAIL, id="kept birthdate"),
        pytest.param(col("User.postal_code"), "hash",
                     "User.postal_code looks like a quasi-identifier (name 'postal_code') and is "
                     "hashed, which keeps every distinct value" + TAIL, id="hashed postcode"),
        pytest.param(col("User.postal_code"), None,
                     "User.postal_code looks like a quasi-identifier (name 'postal_code') and is "
                     "copied unmasked (no rule)" + TAIL, id="no rule at all"),
        pytest.param(col("User.postal_code"), "generalize", None, id="already generalized"),
        pytest.param(col("User.postal_code"), "null", None, id="removed"),
        pytest.param(col("User.email"), "keep", None, id="not a quasi-identifier"),
    ],
)
def test_quasi_identifier_note(column: Column, strategy: str | None,
                               expected: str | None) -> None:
    rule = Rule(column.table, column.column, strategy) if strategy else None
    assert quasi_identifier_note(column, rule, classify(column.column, column.type)) == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param(col(NS), Rule("netsuite_connections", "client_secret", "null"),
                     id="nullable secret"),
        pytest.param(col(NS, nullable=False),
                     Rule("netsuite_connections", "client_secret", "static", value="masked"),
                     id="NOT NULL secret"),
        pytest.param(col("User.id", "Integer", nullable=False, primary_key=True),
                     Rule("users", "id", "null"), id="primary key left to the caller"),
    ],
)
def test_default_rule(column: Column, expected: Rule) -> None:
    assert default_rule(column, classify(column.column, column.type)) == expected

from __future__ import annotations

from dataclasses import replace

import pytest

from reviewer.name_verdicts import classify
from reviewer.similar import core_tokens, find_similar, similarity, suggest_rule
from reviewer.types import Classification, Column, Inventory, Rule, RulesFile, SimilarField

PRIVATE = ("ColumnVisibility.PRIVATE",)
MASKED = ("ColumnVisibility.MASKED",)


def col(qualname: str, table: str, type_expr: str | None = "String(255)", *,
        labels: tuple[str, ...] = (), nullable: bool = True, unique: bool = False,
        line: int = 10, column: str | None = None) -> Column:
    class_name, attribute = qualname.split(".")
    return Column(table=table, column=column or attribute, class_name=class_name,
                  attribute=attribute, path="app/models/integrations.py", line=line,
                  type=type_expr, nullable=nullable, unique=unique, primary_key=False,
                  labels=labels)


SF_SECRET = col("SalesforceConnection.client_secret", "salesforce_connections",
                labels=PRIVATE, line=14)
SF_REFRESH = col("SalesforceConnection.refresh_token", "salesforce_connections", "Text",
                 labels=PRIVATE, line=15)
SF_URL = col("SalesforceConnection.instance_url", "salesforce_connections", line=16)
OKTA_SECRET = col("OktaApp.okta_client_secret", "okta_apps", labels=MASKED, line=40)
API_CLIENT_SECRET = col("ApiClient.client_secret", "api_clients", line=60)  # neither: no signal
PARTNER_SECRET = col("Partner.client_secret_enc", "partners", "Text", labels=PRIVATE,
                     line=70)
PARTNER_COUNT = col("Partner.client_secret_count", "partners", "Integer", labels=PRIVATE,
                    line=71)
USER_EMAIL = col("User.email", "users", labels=PRIVATE, unique=True, line=5)
NS_SECRET = col("NetSuiteConnection.client_secret", "netsuite_connections", line=22)

INVENTORY = Inventory(columns=(SF_SECRET, SF_REFRESH, SF_URL, OKTA_SECRET, API_CLIENT_SECRET,
                               PARTNER_SECRET, PARTNER_COUNT, USER_EMAIL, NS_SECRET))
RULES = RulesFile(path="masking_rules.json", rules=(
    Rule("salesforce_connections", "client_secret", "null", line=3),
    Rule("salesforce_connections", "refresh_token", "null", line=4),
    Rule("okta_apps", "okta_client_secret", "static", value="redacted", line=5),
    Rule("partners", "client_secret_enc", "hash", line=6),
    Rule("users", "email", "fake_email", line=7),
))


def field(c: Column, rule: Rule | None, score: float) -> SimilarField:
    return SimilarField(table=c.table, column=c.column, class_name=c.class_name,
                        attribute=c.attribute, path=c.path, line=c.line, labels=c.labels,
                        rule=rule, score=score)


@pytest.mark.parametrize(
    ("name", "tokens"),
    [
        pytest.param("sf_client_secret", ("client", "secret"), id="vendor prefix stripped"),
        pytest.param("netsuite_client_secret", ("client", "secret"), id="netsuite"),
        pytest.param("stripe", ("stripe",), id="never strips the whole name"),
        pytest.param("api_key", ("api", "key"), id="api is not a vendor"),
    ],
)
def test_core_tokens(name: str, tokens: tuple[str, ...]) -> None:
    assert core_tokens(name) == tokens


def test_netsuite_secret_finds_the_salesforce_one_first() -> None:
    rules = RULES.by_key()
    assert find_similar(NS_SECRET, INVENTORY, RULES) == (
        # same name, sibling *Connection model
        field(SF_SECRET, rules[SF_SECRET.key], 1.0),
        # same name once the vendor prefix goes, but an unrelated model
        field(OKTA_SECRET, rules[OKTA_SECRET.key], 0.85),
        # two of three tokens shared, compatible type; the Integer count is not comparable and
        # the unlabelled, unmasked ApiClient.client_secret informs nothing
        field(PARTNER_SECRET, rules[PARTNER_SECRET.key], 0.467),
    )


@pytest.mark.parametrize(
    ("target", "limit", "expected"),
    [
        pytest.param(SF_SECRET, 3, ["OktaApp.okta_client_secret", "Partner.client_secret_enc"],
                     id="never the target itself"),
        pytest.param(NS_SECRET, 1, ["SalesforceConnection.client_secret"], id="limit"),
        pytest.param(NS_SECRET, 0, [], id="limit zero"),
        pytest.param(col("Invoice.total_cents", "invoices", "Integer"), 3, [],
                     id="nothing alike"),
        pytest.param(col("NetSuiteConnection.refresh_token", "netsuite_connections", "Text"), 3,
                     ["SalesforceConnection.refresh_token"], id="refresh token sibling"),
        # `id` shares only a generic token with `tax_id`; a primary key resembles nothing.
        pytest.param(replace(col("XeroConnection.id", "xero_connections", "Integer"),
                             primary_key=True, nullable=False), 3, [], id="primary key"),
        pytest.param(col("NetSuiteConnection.client_secret_id", "netsuite_connections",
                         "Integer"), 3, [], id="negative list: a reference to a secret"),
        pytest.param(col("Partner.secret_count_id", "partners", "Integer"), 3, [],
                     id="only generic tokens in common"),
    ],
)
def test_find_similar_selection(target: Column, limit: int, expected: list[str]) -> None:
    assert [f.qualname for f in find_similar(target, INVENTORY, RULES, limit=limit)] == expected


def test_similarity_needs_a_compatible_type() -> None:
    # A number cannot hold what a labelled text column holds, whatever its name.
    assert similarity(replace(NS_SECRET, type="Integer"), SF_SECRET) == 0.0
    assert similarity(replace(NS_SECRET, type=None), SF_SECRET) == 1.0


USER_NAME = col("User.name", "users", labels=PRIVATE, line=6)
TAG_NAME = col("Tag.name", "tags", line=80)
ORG = col("Org.owner_user_id", "orgs", "Integer", line=90)
ORG_NAME = col("Org.name", "orgs", line=91)
LEGACY_TOKEN = col("LegacyImport.api_token", "legacy_imports", line=95)


@pytest.mark.parametrize(
    ("target", "inventory", "rules", "expected"),
    [
        pytest.param(TAG_NAME, Inventory(columns=(USER_NAME, TAG_NAME)), RulesFile(path="r.json"),
                     [], id="the same generic word on an unrelated model is no resemblance"),
        pytest.param(ORG_NAME,
                     Inventory(columns=(USER_NAME, replace(ORG, foreign_key="users.id"),
                                        ORG_NAME)),
                     RulesFile(path="r.json"), [],
                     id="a generic word on a model joined by a foreign key: the owner's name "
                        "is not the org's"),
        pytest.param(col("SalesforceConnection.name", "sf_connections", line=93),
                     Inventory(columns=(col("NetSuiteConnection.name", "ns_connections",
                                            labels=PRIVATE, line=94),)),
                     RulesFile(path="r.json"), ["NetSuiteConnection.name"],
                     id="a generic word on a sibling model"),
        pytest.param(col("PolicyCondition.key", "policy_conditions", line=96),
                     Inventory(columns=(col("Token.key_enc", "tokens", line=7),)),
                     RulesFile(path="r.json", rules=(Rule("tokens", "key_enc", "null"),)), [],
                     id="a low-confidence word on an unrelated model (privacyidea)"),
        pytest.param(col("Export.api_token", "exports", line=98),
                     Inventory(columns=(LEGACY_TOKEN,
                                        col("Upload.api_token", "uploads", labels=PRIVATE, line=3),
                                        replace(col("Export.upload_id", "exports", "Integer",
                                                    line=97), foreign_key="uploads.id"))),
                     RulesFile(path="r.json", rules=(
                         Rule("legacy_imports", "api_token", "null"),)),
                     ["Upload.api_token", "LegacyImport.api_token"],
                     id="a model joined by a foreign key ranks first"),
        pytest.param(col("Contact.name", "contacts", line=97),
                     Inventory(columns=(replace(USER_NAME, declared_in="PersonMixin"),)),
                     RulesFile(path="r.json"), [],
                     id="a generic word: only one of the two comes from the mixin"),
        pytest.param(col("Vendor.api_token", "vendors", line=99),
                     Inventory(columns=(LEGACY_TOKEN,)),
                     RulesFile(path="r.json", rules=(
                         Rule("legacy_imports", "api_token", "keep", note="test data"),)),
                     [], id="a keep rule is not masking: it says nothing"),
        pytest.param(col("Vendor.api_token", "vendors", line=99),
                     Inventory(columns=(LEGACY_TOKEN,)),
                     RulesFile(path="r.json", rules=(
                         Rule("legacy_imports", "api_token", "null"),)),
                     ["LegacyImport.api_token"],
                     id="a meaningful name on an unrelated model"),
    ],
)
def test_similar_in_name_and_role(target: Column, inventory: Inventory, rules: RulesFile,
                                  expected: list[str]) -> None:
    assert [f.qualname for f in find_similar(target, inventory, rules)] == expected


def _cls(name: str, type_expr: str | None = None) -> Classification | None:
    return classify(name, type_expr)


@pytest.mark.parametrize(
    ("column", "similar", "expected"),
    [
        pytest.param(NS_SECRET, find_similar(NS_SECRET, INVENTORY, RULES),
                     Rule("netsuite_connections", "client_secret", "null"),
                     id="copies the sibling's null"),
        pytest.param(replace(NS_SECRET, nullable=False), find_similar(NS_SECRET, INVENTORY, RULES),
                     Rule("netsuite_connections", "client_secret", "static", value="redacted"),
                     id="NOT NULL: null is weak, next similar static rule copied with its value"),
        pytest.param(NS_SECRET, (field(PARTNER_SECRET, RULES.by_key()[PARTNER_SECRET.key], 0.5),),
                     Rule("netsuite_connections", "client_secret", "null"),
                     id="hash is weak for a secret: category default"),
        pytest.param(replace(NS_SECRET, nullable=False), (),
                     Rule("netsuite_connections", "client_secret", "static", value="masked"),
                     id="no similar, NOT NULL secret: static placeholder"),
        pytest.param(replace(NS_SECRET, nullable=False, unique=True), (),
                     Rule("netsuite_connections", "client_secret", "random"),
                     id="NOT NULL unique secret: random"),
        pytest.param(NS_SECRET,
                     (field(SF_SECRET, Rule("salesforce_connections", "client_secret", "keep",
                                            note="test sandbox only"), 1.0),),
                     Rule("netsuite_connections", "client_secret", "null"),
                     id="keep is never copied"),
        pytest.param(col("Contact.email", "contacts", unique=True),
                     find_similar(col("Contact.email", "contacts"), INVENTORY, RULES),
                     Rule("contacts", "email", "fake_email"),
                     id="email copies fake_email"),
    ],
)
def test_suggest_rule(column: Column, similar: tuple[SimilarField, ...], expected: Rule) -> None:
    assert suggest_rule(column, _cls(column.column, column.type), similar) == expected


@pytest.mark.parametrize(
    ("column", "expected"),
    [
        pytest.param(col("Contact.work_email", "contacts"), "fake_email", id="email"),
        pytest.param(col("Contact.email_address", "contacts"), "fake_email",
                     id="email address is an email first"),
        pytest.param(col("Contact.first_name", "contacts"), "fake_name", id="name"),
        pytest.param(col("Contact.mobile_phone", "contacts"), "fake_phone", id="phone"),
        pytest.param(col("Contact.street_address", "contacts"), "fake_address", id="address"),
        pytest.param(col("Login.ip_address", "logins"), "hash", id="ip is not postal"),
        pytest.param(col("User.username", "users", unique=True), "hash",
                     id="unique name: fake_name collides, hash keeps it unique"),
        pytest.param(col("User.birth_date", "users", "Date"), "generalize", id="quasi"),
        pytest.param(col("Ticket.body", "tickets", "Text"), "shred", id="free text"),
        pytest.param(col("Card.iban", "cards"), "null", id="financial"),
        pytest.param(col("Thing.widget", "things"), "null", id="uncategorised labelled column"),
    ],
)
def test_suggest_rule_category_defaults(column: Column, expected: str) -> None:
    assert suggest_rule(column, _cls(column.column, column.type), ()).strategy == expected


def test_mr004_never_calls_keep_masking() -> None:
    from reviewer.checks.label_mismatch import message

    kept = field(SF_SECRET, Rule("salesforce_connections", "client_secret", "keep",
                                 note="sandbox"), 1.0)
    assert message(NS_SECRET, (kept,), "masking_rules.json") == (
        "NetSuiteConnection.client_secret is not labelled and masking_rules.json has no rule "
        "for netsuite_connections.client_secret, but similar fields are: "
        "SalesforceConnection.client_secret is PRIVATE and copied unmasked (keep).")

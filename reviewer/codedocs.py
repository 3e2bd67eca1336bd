"""The long documentation of every finding code: why it matters, how to fix it, an example.

One source for three readers: the generated pages in ``docs/codes/`` (``scripts/update_readme.py``
writes them, a test keeps them in sync), ``reviewer explain CODE``, and the SARIF rules that
GitHub code scanning shows next to an alert (``help`` and ``properties.security-severity``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.codes import CODES, Code
from reviewer.constants import PROJECT_URL

DOCS_DIR = "docs/codes"


@dataclass(frozen=True, slots=True)
class CodeDoc:
    why: str  # why the finding matters, in a sentence or three
    fix: str  # what to do about it
    example: str  # a small Python or JSON snippet that triggers it
    example_lang: str
    # GitHub code scanning's scale: 9.0+ critical, 7.0 high, 4.0 medium, 0.1 low.
    security_severity: str


DOCS: dict[str, CodeDoc] = {
    "MR001": CodeDoc(
        why="The column is marked sensitive in the model, so it holds something that must not "
            "reach a developer database, yet the masking job has no rule for it and copies the "
            "production value as is.",
        fix="Add the entry the finding prints to `masking_rules.json` (or run `reviewer fix`). "
            "If the column truly needs no masking (a bcrypt hash, say), exempt it with a "
            "written reason: `# masking: exempt -- <reason>` on the column, or an "
            "`[[tool.masking-reviewer.exemptions]]` entry.",
        example='class User(Base):\n    __tablename__ = "users"\n    totp_secret = '
                'mapped_column(String, info={"visibility": ColumnVisibility.PRIVATE})\n'
                "# masking_rules.json has no rule for users.totp_secret",
        example_lang="python",
        security_severity="8.0",
    ),
    "MR002": CodeDoc(
        why="A rule that names a column no model declares masks nothing. Usually the column was "
            "renamed or the rule has a typo, and then the real column is copied unmasked.",
        fix="Point the rule at the column's current DB name (the finding suggests the closest "
            "match), or remove it if the column is gone; `reviewer fix` removes stale rules.",
        example='{"table": "customers", "column": "emial", "strategy": "fake_email"}',
        example_lang="json",
        security_severity="8.0",
    ),
    "MR003": CodeDoc(
        why="The column's name, type, constraints, comments, table or siblings say credential, "
            "personal data or free text, but it carries no label and no rule, so nothing masks "
            "it. The finding quotes that evidence (\"name token 'code', sibling 'expires_at', "
            "sibling 'user_id' (foreign key to users.id)\"). High-confidence credentials are "
            "errors; low-confidence guesses are notes; the rest are warnings.",
        fix="Label the column in the model and add the printed rule, or add the rule alone. If "
            "the evidence misleads (e.g. `token_type`), list the name in `ignore-names`, or "
            "exempt the column with a reason.",
        example="class NetSuiteConnection(Base):\n    __tablename__ = \"netsuite_connections\"\n"
                "    client_secret = mapped_column(Text)  # no label, no rule",
        example_lang="python",
        security_severity="7.0",
    ),
    "MR004": CodeDoc(
        why="A field with the same meaning elsewhere in the code base is labelled or masked, "
            "and this one is not: the same secret is protected in one table and copied in "
            "another.",
        fix="Label and mask it the way the similar field listed in the finding is, or add its "
            "name to `ignore-names` if the two only look alike.",
        example="# SalesforceConnection.client_secret is PRIVATE and masked with null;\n"
                "# HubspotConnection.client_secret has neither.",
        example_lang="python",
        security_severity="5.0",
    ),
    "MR005": CodeDoc(
        why="An exemption is a decision not to mask, and it has to say why. One without a "
            "reason, for a column that does not exist, on an unlabelled column, or next to a "
            "rule for the same column cannot be reviewed.",
        fix="Write the reason (`# masking: exempt -- <reason>`), fix the table or column name, "
            "or remove the exemption.",
        example='password_hash = mapped_column(String(60), info=PRIVATE_INFO)'
                '  # masking: exempt',
        example_lang="python",
        security_severity="5.0",
    ),
    "MR006": CodeDoc(
        why="If the rules file cannot be read, no column is known to be masked; the gate fails "
            "closed rather than guess.",
        fix="Fix the file at the line and column the finding names. The JSON Schema ships in "
            "the package (`reviewer/schemas/masking_rules.schema.json`); point your editor at "
            "it with a top-level `\"$schema\"` key.",
        example='{"version": 1, "rules": [{"table": "users", "column": "email",}]}',
        example_lang="json",
        security_severity="6.0",
    ),
    "MR007": CodeDoc(
        why="masking-reviewer reads models statically and never imports them. When a model "
            "file cannot be parsed, or a class or column cannot be resolved (an unknown base "
            "class, no literal `__tablename__`, a column factory), its columns cannot be "
            "checked, and the gate fails closed instead of passing them unread.",
        fix="Fix the syntax error, set `table-naming` in the configuration, make the base class "
            "importable from a file `models` covers, or declare the column directly. The "
            "message names the exact construct.",
        example="class Invoice(Base):  # no __tablename__ and no table-naming configured\n"
                "    memo = mapped_column(Text, info=PRIVATE_INFO)",
        example_lang="python",
        security_severity="6.0",
    ),
    "MR008": CodeDoc(
        why="Some strategies leak or break the copy: a realistic fake, a hash or a partial mask "
            "of a credential can be mistaken for a usable secret or keeps telling prefixes; "
            "`null` on a NOT NULL column or a non-unique fake on a unique column makes the "
            "masked dump fail to load; `keep` without a note cannot be reviewed.",
        fix="Use the strategy the finding suggests (for secrets: `null`, `static` or `random`), "
            "or add a `note` to a `keep` rule saying why copying the value is safe.",
        example='{"table": "api_keys", "column": "secret", "strategy": "hash"}',
        example_lang="json",
        security_severity="6.0",
    ),
    "MR009": CodeDoc(
        why="A birthdate, postcode or similar field is harmless alone, but copied at full "
            "resolution and combined with others it can single a person out.",
        fix="Reduce its resolution with `generalize` (birthdate to year, postcode to prefix), "
            "or raise its severity if your policy requires it.",
        example='{"table": "customer", "column": "date_of_birth", "strategy": "keep", '
                '"note": "needed for age checks"}',
        example_lang="json",
        security_severity="3.0",
    ),
}


def help_uri(code: str) -> str:
    """The generated page for ``code`` in the project's repository (it exists: a test checks)."""
    return f"{PROJECT_URL}/blob/main/{DOCS_DIR}/{code}.md"


def page_markdown(code: Code) -> str:
    """``docs/codes/MR00N.md``, also what ``reviewer explain`` prints and SARIF's help."""
    doc = DOCS[code.code]
    return (
        f"# {code.code} `{code.name}`\n\n"
        f"Default severity: **{code.severity}** (change it with "
        f"`[tool.masking-reviewer.severity] {code.code} = \"...\"`; select or ignore it with "
        f"`--select`/`--ignore` or the `select`/`ignore` keys).\n\n"
        f"{code.summary}\n\n"
        f"## Why it matters\n\n{doc.why}\n\n"
        f"## How to fix it\n\n{doc.fix}\n\n"
        f"## Example\n\n```{doc.example_lang}\n{doc.example}\n```\n"
    )


def page_text(code: Code) -> str:
    """Plain text of the same page, for SARIF's ``help.text``."""
    doc = DOCS[code.code]
    return (
        f"{code.code} {code.name} (default severity: {code.severity})\n\n{code.summary}\n\n"
        f"Why it matters: {doc.why}\n\nHow to fix it: {doc.fix}\n"
    )


def pages() -> dict[str, str]:
    """Every generated page: path relative to the repository root -> content."""
    out = {f"{DOCS_DIR}/{c.code}.md": page_markdown(c) for c in CODES.values()}
    index = ["# Finding codes", "", "Generated from `reviewer/codes.py` and "
             "`reviewer/codedocs.py` by `scripts/update_readme.py`; do not edit by hand.", "",
             "| code | name | default severity | meaning |", "| --- | --- | --- | --- |"]
    index += [f"| [{c.code}]({c.code}.md) | `{c.name}` | {c.severity} | {c.summary} |"
              for c in CODES.values()]
    out[f"{DOCS_DIR}/README.md"] = "\n".join(index) + "\n"
    return out

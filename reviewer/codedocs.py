"""The long documentation of every finding code: why it matters, how to fix it, and the
examples its check module carries (``reviewer/checks/``), which the test suite runs.

One source for three readers: the generated pages in ``docs/codes/`` (``scripts/update_readme.py``
writes them, a test keeps them in sync), ``reviewer explain CODE``, and the SARIF rules that
GitHub code scanning shows next to an alert (``help`` and ``properties.security-severity``).
"""

from __future__ import annotations

from dataclasses import dataclass

from reviewer.checks import BY_CODE
from reviewer.checks.base import EXAMPLE_CONFIG, EXAMPLE_RULES, Example, example_files
from reviewer.codes import CODES, Code
from reviewer.constants import PROJECT_URL

DOCS_DIR = "docs/codes"


@dataclass(frozen=True, slots=True)
class CodeDoc:
    why: str  # why the finding matters, in a sentence or three
    fix: str  # what to do about it
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
        security_severity="8.0",
    ),
    "MR002": CodeDoc(
        why="A rule that names a column no model declares masks nothing. Usually the column was "
            "renamed or the rule has a typo, and then the real column is copied unmasked.",
        fix="Point the rule at the column's current DB name (the finding suggests the closest "
            "match), or remove it if the column is gone; `reviewer fix` removes stale rules.",
        security_severity="8.0",
    ),
    "MR003": CodeDoc(
        why="The column's name, type, constraints, comments, table or siblings say credential, "
            "personal data or free text, but it carries no label and no rule, so nothing masks "
            "it. The finding quotes that evidence (\"name token 'code', sibling 'expires_at', "
            "sibling 'user_id' (foreign key to users.id)\"). High-confidence credentials are "
            "errors, and so, in a diff, is a credential the repository already masks or "
            "labels under the same name (a second `authentication` when the first is masked); "
            "low-confidence guesses, and free text short of high confidence, are notes; the "
            "rest are warnings.",
        fix="Label the column in the model and add the printed rule, or add the rule alone. If "
            "the evidence misleads (e.g. `token_type`), list the name in `ignore-names`, or "
            "exempt the column with a reason.",
        security_severity="7.0",
    ),
    "MR004": CodeDoc(
        why="A field with the same meaning elsewhere in the code base is labelled or masked, "
            "and this one is not: the same secret is protected in one table and copied in "
            "another.",
        fix="Label and mask it the way the similar field listed in the finding is, or add its "
            "name to `ignore-names` if the two only look alike. A generic word (`name`, `key`, "
            "`data`) resembles only a field of a model of the same role: a sibling by class "
            "name (`SalesforceConnection` ~ `NetSuiteConnection`) or one from the same mixin; "
            "a foreign key between the two tables is not enough.",
        security_severity="5.0",
    ),
    "MR005": CodeDoc(
        why="An exemption is a decision not to mask, and it has to say why. One without a "
            "reason, for a column that does not exist, on an unlabelled column, or next to a "
            "rule for the same column cannot be reviewed.",
        fix="Write the reason (`# masking: exempt -- <reason>`), fix the table or column name, "
            "or remove the exemption.",
        security_severity="5.0",
    ),
    "MR006": CodeDoc(
        why="If the rules file cannot be read, no column is known to be masked; the gate fails "
            "closed rather than guess.",
        fix="Fix the file at the line and column the finding names. The JSON Schema ships in "
            "the package (`reviewer/schemas/masking_rules.schema.json`); point your editor at "
            "it with a top-level `\"$schema\"` key.",
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
        security_severity="6.0",
    ),
    "MR008": CodeDoc(
        why="Some strategies leak or break the copy: a realistic fake, a hash or a partial mask "
            "of a credential can be mistaken for a usable secret or keeps telling prefixes; "
            "`null` on a NOT NULL column or a non-unique fake on a unique column makes the "
            "masked dump fail to load; `keep` without a note cannot be reviewed.",
        fix="Use the strategy the finding suggests (for secrets: `null`, `static` or `random`), "
            "or add a `note` to a `keep` rule saying why copying the value is safe.",
        security_severity="6.0",
    ),
    "MR009": CodeDoc(
        why="A birthdate, postcode or similar field is harmless alone, but copied at full "
            "resolution and combined with others it can single a person out.",
        fix="Reduce its resolution with `generalize` (birthdate to year, postcode to prefix), "
            "or raise its severity if your policy requires it.",
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
        f"{examples_markdown(code)}"
    )


def examples_markdown(code: Code) -> str:
    """The check's examples, flagged first, each file as the test writes it; a file the
    previous example on the page already showed is not repeated."""
    check = BY_CODE[code.code]
    detect = check.snapshot or check.change
    assert detect is not None
    module = detect.__module__.replace(".", "/") + ".py"
    out = [f"## Examples\n\nFrom `{module}`; the test suite runs every one "
           f"(`tests/test_check_examples.py`). Each is a repository of `models.py`, "
           f"`masking_rules.json` and a `pyproject.toml` whose `[tool.masking-reviewer]` "
           f"says `models = [\"models.py\"]` (shown when it says more).\n"]
    shown: dict[str, str] = {}
    for kind, examples in (("Flagged", check.invalid), ("Passes", check.valid)):
        for example in examples:
            out.append(f"### {kind}: {example.title}\n")
            if example.change:
                out.append("Reviewed as a change (`reviewer diff`) that adds `models.py`.\n")
            out += _files_markdown(example, shown)
            if example.expect:
                out.append("Reported: " + ", ".join(f"`{e}`" for e in example.expect) + "\n")
    return "\n".join(out)


_LANG = {".py": "python", ".json": "json", ".toml": "toml"}


def _files_markdown(example: Example, shown: dict[str, str]) -> list[str]:
    out = [] if example.rules is not None else [f"No `{EXAMPLE_RULES}`.\n"]
    for name, text in example_files(example).items():
        if name == EXAMPLE_CONFIG and not example.config:
            continue  # only `models = ["models.py"]`, which the introduction says
        if shown.get(name) == text:
            out.append(f"`{name}`: as above.\n")
            continue
        shown[name] = text
        lang = _LANG[name[name.rindex("."):]]
        out.append(f"`{name}`:\n\n```{lang}\n{text.rstrip()}\n```\n")
    return out


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
    index = ["# Finding codes", "", "Generated from `reviewer/codes.py`, `reviewer/codedocs.py` "
             "and the checks in `reviewer/checks/` by `scripts/update_readme.py`; do not edit "
             "by hand.", "", codes_table("")]
    out[f"{DOCS_DIR}/README.md"] = "\n".join(index) + "\n"
    return out


def codes_table(prefix: str = f"{DOCS_DIR}/") -> str:
    """The Markdown table of codes (the README's, and the index page's with ``prefix=""``),
    generated so the docs cannot drift from the code."""
    rows = ["| code | name | default severity | meaning | examples |",
            "| --- | --- | --- | --- | --- |"]
    for c in CODES.values():
        check = BY_CODE[c.code]
        examples = f"{len(check.invalid)} flagged, {len(check.valid)} passing"
        rows.append(f"| [{c.code}]({prefix}{c.code}.md) | `{c.name}` | {c.severity} | "
                    f"{c.summary} | [{examples}]({prefix}{c.code}.md#examples) |")
    return "\n".join(rows)

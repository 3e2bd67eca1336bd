"""``[tool.masking-reviewer]`` in pyproject.toml, or the same keys in .masking-reviewer.toml.

Configuration is read through a ``SourceTree`` so that CI can read it from the *base* commit:
a pull request cannot switch off its own gate by editing the config.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import PurePosixPath, PureWindowsPath
from typing import Any, cast

from reviewer.codes import Severity
from reviewer.constants import CONFIG_FILE, CONFIG_TABLE, EXTERNAL_NAME, MAX_NESTING
from reviewer.errors import UsageError
from reviewer.files import line_of, require_text, too_deep
from reviewer.sources import SourceTree
from reviewer.types import CATEGORIES, Category, Config, ConfigExemption, ExternalClass

_STR_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
# one column an external base, mixin or package table declares
_EXTERNAL_COLUMN = {
    "type": "object",
    "additionalProperties": False,
    "anyOf": [{"required": ["name"]}, {"required": ["attribute"]}],
    "properties": {
        "name": {"type": "string", "minLength": 1},
        "attribute": {"type": "string", "minLength": 1},
        "type": {"type": "string"},
        "nullable": {"type": "boolean"},
        "primary-key": {"type": "boolean"},
        "unique": {"type": "boolean"},
        "index": {"type": "boolean"},
        "doc": {"type": "string"},
        "labels": _STR_LIST,
        # a class attribute (`__uuid_primary_key__`), or a table factory's parameter
        "unless": {"type": "string", "pattern": r"^\w+$"},
        "otherwise": {"type": "string", "minLength": 1},
        "foreign-key": {"type": "string", "minLength": 1},
    },
}

# The schema is the single source of truth for which keys exist and their types.
CONFIG_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "models": _STR_LIST,
        "rules": {"type": "string", "minLength": 1},
        "labels": {**_STR_LIST, "minItems": 1},
        # "snake_case", "flask-sqlalchemy" or a template of the class name; _table_naming
        "table-naming": {"type": "string", "minLength": 1},
        "exemptions": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["table", "column", "reason"],
                "properties": {
                    "table": {"type": "string", "minLength": 1},
                    "column": {"type": "string", "minLength": 1},
                    "reason": {"type": "string"},
                },
            },
        },
        # An object from outside the repository -> the class it is an instance of, so that
        # its attributes are that class's: GeoHealthCheck's `DB = App.get_db()` is a
        # Flask-SQLAlchemy, and `DB.Column(...)` a column.
        "external-instances": {
            "type": "object",
            "propertyNames": {"pattern": f"^{EXTERNAL_NAME}$"},
            "additionalProperties": {"type": "string", "pattern": f"^{EXTERNAL_NAME}$"},
        },
        "severity": {
            "type": "object",
            "propertyNames": {"pattern": "^MR[0-9]{3}$"},
            "additionalProperties": {"enum": ["error", "warning", "note"]},
        },
        "fail-on": {"enum": ["error", "warning", "never"]},
        "select": _STR_LIST,
        "ignore": _STR_LIST,
        "ai": {"enum": ["auto", "on", "off"]},
        "model": {"type": "string", "minLength": 1},
        "baseline": {"type": "string", "minLength": 1},
        "sensitive-names": {
            "type": "object",
            "additionalProperties": False,
            "properties": {c: _STR_LIST for c in CATEGORIES},
        },
        "ignore-names": _STR_LIST,
        # What a base class or mixin from outside the repository adds to the models deriving
        # from it: qualified name as imported -> {kind, tablename, columns}. `columns = []`
        # also declares that a function from outside, called in a model's body, builds none.
        # A base made by a call is named by the call: `Base = pkg.make_base()` is
        # "pkg.make_base()", `db = pkg.Database()`'s `db.Model` is "pkg.Database().Model".
        "external-bases": {
            "type": "object",
            "propertyNames": {"pattern": f"^{EXTERNAL_NAME}$"},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["columns"],
                "properties": {
                    "kind": {"enum": ["mixin", "declarative-base", "history", "passthrough",
                                      "subclass-tables", "table-factory"]},
                    "tablename": {"type": "string", "minLength": 1},
                    # of kind "table-factory" (a function mapping a table per call), its
                    # parameters in order, which tablename and the columns' names are
                    # templates of
                    "parameters": _STR_LIST,
                    "columns": {"type": "array", "items": _EXTERNAL_COLUMN},
                    # a declarative base's package's own tables: every application deriving
                    # from the base creates them with its metadata (libres' reservations), a
                    # Core table without `class`; of kind "subclass-tables", those made for
                    # each class deriving from it, their names (and `class`, required there)
                    # templates of its name, `body` the one its own columns go in
                    "tables": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["name", "columns"],
                            "properties": {
                                "name": {"type": "string", "minLength": 1},
                                "class": {"type": "string", "minLength": 1},
                                "columns": {"type": "array", "items": _EXTERNAL_COLUMN},
                                "body": {"type": "boolean"},
                            },
                        },
                    },
                    "sets": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "additionalProperties": False,
                            "required": ["attribute", "values"],
                            "properties": {
                                "attribute": {"type": "string", "pattern": r"^__\w+__$"},
                                "type-argument": {"type": "integer", "minimum": 0},
                                "values": _STR_LIST,
                            },
                        },
                    },
                },
            },
        },
    },
}


def _line_of(text: str, key: str) -> int | None:
    pattern = re.compile(rf"^\s*\"?{re.escape(key)}\"?\s*=", re.MULTILINE)
    m = pattern.search(text)
    return text.count("\n", 0, m.start()) + 1 if m else None


def _exemption_line(text: str, table: str, column: str) -> int:
    """The line of an exemption entry: its ``column = "..."`` after its ``table = "..."``."""
    t = re.search(rf"table\s*=\s*[\"']{re.escape(table)}[\"']", text)
    start = t.start() if t else 0
    c = re.compile(rf"column\s*=\s*[\"']{re.escape(column)}[\"']").search(text, start)
    if c is None:
        return _line_of(text, "exemptions") or 1
    return text.count("\n", 0, c.start()) + 1


def _key_path(error_path: Any) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in error_path]
    return ".".join(parts).replace(".[", "[")


def _validate_cached(data: Mapping[str, Any], path: str, text: str) -> None:
    """``_validate``, skipped when this exact text at this path was valid before.

    jsonschema costs ~70 ms to import, most of a warm run's budget. Only a pass is
    remembered: an invalid config is validated again, so its message is always fresh.
    """
    from reviewer.cache import JsonStore, digest_key

    schema = json.dumps(CONFIG_SCHEMA, sort_keys=True)
    key = digest_key("config", schema, path, text)
    store = JsonStore("config")
    entry = store.load(key)
    if entry is not None and entry.get("valid") is True:
        return
    _validate(data, path, text)
    store.store(key, {"valid": True})


def _validate(data: Mapping[str, Any], path: str, text: str) -> None:
    import jsonschema  # lazy: only paid for when there is a config to check

    validator = jsonschema.Draft202012Validator(CONFIG_SCHEMA)
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.path)))
    if not errors:
        return
    err = errors[0]
    if err.validator == "additionalProperties" and not err.path:
        unknown = sorted(set(data) - set(CONFIG_SCHEMA["properties"]))
        key = unknown[0]
        known = ", ".join(sorted(CONFIG_SCHEMA["properties"]))
        raise UsageError(
            f"unknown key {key!r} in [{_table_name(path)}]; known keys: {known}",
            path=path,
            line=_line_of(text, key),
        )
    key = _key_path(err.path) or "(table)"
    top = str(err.path[0]) if err.path else ""
    # an entry of a table (`"pkg.get_db()" = ...` under [...external-instances]) is on its own
    # line, which names it
    entry = _line_of(text, str(err.path[1])) if len(err.path) > 1 else None
    raise UsageError(
        f"bad value for key {key!r}: {err.message}", path=path,
        line=entry or _line_of(text, top),
    )


TABLE_NAMINGS = ("snake_case", "flask-sqlalchemy")


def _table_naming(data: Mapping[str, Any], path: str, text: str) -> str | None:
    """``table-naming``: one of TABLE_NAMINGS, or a template of the class name for a project
    whose own function adds to the converted name (kotti: ``"{}s".format(
    camel_case_to_name(cls.__name__))`` is ``"{class_snake}s"``)."""
    naming: str | None = data.get("table-naming")
    if naming is None or naming in TABLE_NAMINGS:
        return naming
    from reviewer.externals import tablename_expr

    if tablename_expr(naming) is None:  # a bad template, or one with no field: one name for all
        raise UsageError(
            f"bad value for key 'table-naming': {naming!r} is neither \"snake_case\" nor "
            "\"flask-sqlalchemy\" nor a template of the class name; a template takes "
            "{class}, {class_lower} or {class_snake} (HTTPRequestLog -> http_request_log), "
            "e.g. \"{class_snake}s\"",
            path=path, line=_line_of(text, "table-naming"))
    return naming


def _external_bases(data: dict[str, Any], path: str, text: str
                    ) -> tuple[ExternalClass, ...]:
    declared = sorted(data.get("external-bases", {}).items())
    if not declared:
        return ()
    # imported for a declaration only: most configurations have none, and a warm run then
    # never loads the external bases' module
    from reviewer.externals import class_from_data, column_problem, table_names_problem

    for name, entry in declared:
        found_problem = table_names_problem(entry)
        if found_problem is not None:
            key, value, problem = found_problem
            at = text.find(value)
            line = line_of(text, at) if at >= 0 else _line_of(text, "external-bases")
            raise UsageError(f"bad value for key 'external-bases.{name}.{key}': {problem}",
                             path=path, line=line)
        for i, column in enumerate(entry["columns"]):
            found = column_problem(column)
            if found is not None:
                key, problem = found
                raise UsageError(
                    f"bad value for key 'external-bases.{name}.columns[{i}].{key}': {problem}",
                    path=path, line=_placeholder_line(text, name, key, column[key]))
    return tuple(class_from_data(name, entry, f"{path} [{_table_name(path)}.external-bases]")
                 for name, entry in declared)


def _placeholder_line(text: str, name: str, key: str, value: str) -> int | None:
    """The line of ``key = "..."`` in the entry of ``name``: the first after the entry's key
    (a comment or another entry before it may hold "..." too), written ``"name" = {`` or as
    a table, ``[...external-bases."name"]``."""
    entry = re.compile(rf"^[ \t]*(?:[^\n\"'#]*\.[ \t]*)?[\"']{re.escape(name)}[\"'][ \t]*[=\].]",
                       re.MULTILINE).search(text)
    start = entry.start() if entry else 0
    m = re.compile(rf"\b{re.escape(key)}\s*=\s*[\"']{re.escape(value)}[\"']").search(text, start)
    return line_of(text, m.start()) if m else _line_of(text, "external-bases")


def _table_name(path: str) -> str:
    return "top level" if path.endswith(CONFIG_FILE) else f"tool.{CONFIG_TABLE}"


def _parse_toml(text: str | None, path: str) -> dict[str, Any]:
    text = require_text(text or "", path)
    deep = too_deep(text, MAX_NESTING, quotes="\"'")
    if deep is not None:
        raise UsageError(
            f"not valid TOML: nested deeper than {MAX_NESTING} levels", path=path,
            line=line_of(text, deep),
        )
    from reviewer.cache import parsed_toml, toml_parser

    try:
        return parsed_toml(text)
    except RecursionError:
        raise UsageError("not valid TOML: nested too deeply", path=path) from None
    except ValueError as exc:
        if not isinstance(exc, toml_parser().TOMLDecodeError):
            raise
        m = re.search(r"line (\d+)", str(exc))
        raise UsageError(
            f"not valid TOML: {exc}", path=path, line=int(m.group(1)) if m else None
        ) from exc


def find_raw_config(
    tree: SourceTree, explicit: str | None = None
) -> tuple[str | None, str, dict[str, Any]]:
    """Locate the configuration: (path, text, table). An explicit path must exist."""
    if explicit:
        text = tree.read(explicit)
        if text is None:
            raise UsageError(f"config file not found in {tree.label}", path=explicit)
        data = _parse_toml(text, explicit)
        if PurePosixPath(explicit).name == "pyproject.toml":
            data = data.get("tool", {}).get(CONFIG_TABLE, {})
        return explicit, text, data
    text = tree.read(CONFIG_FILE)
    if text is not None:
        return CONFIG_FILE, text, _parse_toml(text, CONFIG_FILE)
    text = tree.read("pyproject.toml")
    if text is not None:
        table = _parse_toml(text, "pyproject.toml").get("tool", {}).get(CONFIG_TABLE)
        if table is not None:
            if not isinstance(table, dict):
                raise UsageError(f"[tool.{CONFIG_TABLE}] must be a table", path="pyproject.toml")
            return "pyproject.toml", text, table
    return None, "", {}


def _inside_repository(value: str, key: str, path: str, text: str) -> None:
    """``rules`` and ``baseline`` name files the reviewer reads and writes: in the repo only."""
    p = PurePosixPath(value.replace("\\", "/"))
    if p.is_absolute() or PureWindowsPath(value).is_absolute():
        problem = "is an absolute path"
    elif ".." in p.parts:
        problem = "goes up with '..'"
    else:
        return
    raise UsageError(
        f"{key!r} {problem} ({value!r}); it must name a file inside the repository, "
        "relative to its root",
        path=path,
        line=_line_of(text, key),
    )


def _codes(items: list[str], key: str, path: str, text: str) -> tuple[str, ...]:
    from reviewer.codes import parse_codes

    try:
        return checked_selection(key, parse_codes(items))
    except ValueError as exc:
        raise UsageError(f"bad value for key {key!r}: {exc}", path=path,
                         line=_line_of(text, key)) from None


def checked_selection(key: str, codes: tuple[str, ...]) -> tuple[str, ...]:
    """``ignore`` may not name a code the gate always reports; raises ValueError."""
    from reviewer.codes import ALWAYS_REPORTED

    if key == "ignore":
        for code in codes:
            if code in ALWAYS_REPORTED:
                raise ValueError(f"{code} cannot be ignored: when the models or the rules "
                                 "cannot be read, the gate fails closed")
    return codes


def load_config(root: str, tree: SourceTree, explicit: str | None = None) -> Config:
    """Read and validate the configuration; raise ``UsageError`` naming file and key."""
    path, text, data = find_raw_config(tree, explicit)
    if path is None:
        return Config(root=root)
    _validate_cached(data, path, text)
    exemptions = tuple(
        ConfigExemption(
            table=e["table"],
            column=e["column"],
            reason=e["reason"].strip(),
            line=_exemption_line(text, e["table"], e["column"]),
        )
        for e in data.get("exemptions", [])
    )
    sensitive = tuple(
        (cast(Category, cat), tuple(names))
        for cat, names in sorted(data.get("sensitive-names", {}).items())
    )
    severity = tuple(
        (code, cast(Severity, sev)) for code, sev in sorted(data.get("severity", {}).items())
    )
    models = data.get("models")
    for key in ("rules", "baseline"):
        if key in data:
            _inside_repository(data[key], key, path, text)
    select = data.get("select")
    return Config(
        root=root,
        models=tuple(models) if models is not None else None,
        rules=data.get("rules", "masking_rules.json"),
        labels=tuple(data.get("labels", Config.__dataclass_fields__["labels"].default)),
        table_naming=_table_naming(data, path, text),
        exemptions=exemptions,
        severity=severity,
        fail_on=data.get("fail-on", "error"),
        select=None if select is None else _codes(select, "select", path, text),
        ignore=_codes(data.get("ignore", ()), "ignore", path, text),
        ai=data.get("ai", "auto"),
        model=data.get("model"),
        baseline=data.get("baseline"),
        sensitive_names=sensitive,
        ignore_names=tuple(data.get("ignore-names", ())),
        external_bases=_external_bases(data, path, text),
        external_instances=tuple(sorted(data.get("external-instances", {}).items())),
        path=path,
    )

"""Tables a package's function maps at each call, read from the call's arguments.

baselayer's ``GroupUser = join_model("group_users", Group, User)`` maps a class on the table
``group_users`` with an ``id``, baselayer's timestamps and one foreign key per model, named
``group_id`` and ``user_id`` after the models' tables. The function's declaration (kind
"table-factory" in ``reviewer/external_bases/``) lists its parameters and writes the table's
and the columns' names as templates of them:

- ``{join_table}``: the argument, a string literal or a module constant;
- ``{model_1.__tablename__}``: the table of the mapped class given;
- either with a slice, ``{model_1.__tablename__[:-1]}`` (``groups`` -> ``group``).

A column whose name needs a parameter the call does not give takes its ``otherwise`` name
(join_model's ``column_1=None`` means ``{model_1.__tablename__[:-1]}_id``), and a column
``unless`` a parameter is given as True is absent (``composite_pk=True`` drops the ``id``).
Whatever the reader cannot evaluate blocks the call, as any package call given a mapped
class does. The name bound to the call is the mapped class: a column added to it later
(``GroupUser.admin = sa.Column(...)``) is read into the table (``factory_table``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from reviewer.types import ExternalClass, ExternalColumn

if TYPE_CHECKING:
    from reviewer.columns import ColumnBuilder
    from reviewer.facts import CallArg, ModuleCall
    from reviewer.module_level import ModuleLevel
    from reviewer.resolution import Ref

_FIELD = re.compile(r"\{(\w+)(\.__tablename__)?(?:\[(-?\d*):(-?\d*)\])?\}")
_BRACES = re.compile(r"[{}]")


class _Unknown(Exception):
    """A template's argument the reader cannot evaluate: why."""


def template_problem(template: str, parameters: tuple[str, ...]) -> str | None:
    """What is wrong with a table factory's template, else None (the shipped data is read by
    the tests, and a user's declaration by the config loader)."""
    for m in _FIELD.finditer(template):
        if m.group(1) not in parameters:
            return (f"{template!r} names {m.group(1)!r}, which is not one of the function's "
                    f"parameters ({', '.join(parameters) or 'none declared'})")
    if _BRACES.search(_FIELD.sub("", template)):
        return (f"{template!r} has a field that is not {{parameter}}, "
                "{parameter.__tablename__} or either with a slice such as [:-1]")
    return None


def declaration_problem(entry: Mapping[str, Any]) -> tuple[str, str, str] | None:
    """What is wrong with a "table-factory" declaration, else None: (the key, the value
    written there, what), as externals.table_names_problem reports it."""
    parameters = tuple(map(str, entry.get("parameters") or ()))
    if not parameters:
        return ("parameters", "table-factory", 'kind "table-factory" needs the function\'s '
                "parameters, in order: parameters = [...]")
    tablename = str(entry.get("tablename") or "")
    if not tablename:
        return ("tablename", "table-factory", 'kind "table-factory" needs the table\'s name: '
                'tablename = "{parameter}"')
    templates = [("tablename", tablename)]
    for column in entry.get("columns") or ():
        templates += [("columns", str(column.get(k))) for k in (
            "attribute", "name", "otherwise", "foreign-key") if column.get(k)]
        unless = column.get("unless")
        if unless and unless not in parameters:
            return ("columns", str(unless),
                    f"unless = {unless!r} is not one of the function's parameters")
    return next(((key, t, p) for key, t in templates
                 if (p := template_problem(t, parameters)) is not None), None)


def declared(builder: ModuleLevel, qual: str) -> ExternalClass | None:
    """The table-factory declaration of a package's function, if it has one: only a
    declaration can say so (the installed source is never read for it, which would also make
    every inventory with a package call depend on the environment, and never cached)."""
    found = builder.resolver.externals.declared(qual)
    return found if found is not None and found.kind == "table-factory" else None


def _bound(made: ExternalClass, call: ModuleCall) -> dict[str, CallArg]:
    if call.starred:
        raise _Unknown("it is given *args or **kwargs, whose values cannot be read")
    if len(call.args) > len(made.parameters):
        raise _Unknown(f"it is given {len(call.args)} positional arguments, more than the "
                       f"{len(made.parameters)} parameters declared")
    given = dict(zip(made.parameters, call.args, strict=False))
    for keyword, arg in call.keywords:
        if keyword not in made.parameters:
            raise _Unknown(f"its keyword {keyword!r} is none of the declared parameters")
        given[keyword] = arg
    return given


def _value(builder: ColumnBuilder, path: str, parameter: str, arg: CallArg,
           table: bool) -> str:
    kind, text = arg
    if table:
        if kind != "name":
            raise _Unknown(f"{parameter} is not a class")
        ref = builder.resolver.resolve(path, text)
        node = builder.resolver.class_node(ref.path, ref.name) if ref.kind == "class" else None
        name = (builder.table_of(node) if node is not None and node.mapped
                else factory_table(builder, ref) or (
                    builder.resolver.externals.package_table(ref.qual)
                    if ref.kind == "external" else None))
        if name is None:
            raise _Unknown(f"{parameter} = {text} is no mapped class whose table the reader "
                           "knows")
        return name
    value = text if kind == "str" else (
        builder.resolver.string(path, ("ref", text)) if kind == "name" else None)
    if value is None:
        raise _Unknown(f"{parameter} is not a string the reader can evaluate (a literal or a "
                       "module constant)")
    return value


def _render(builder: ColumnBuilder, path: str, template: str,
            given: Mapping[str, CallArg]) -> str | None:
    """The template with the call's arguments; None when a parameter it names is not given."""
    if any(m.group(1) not in given for m in _FIELD.finditer(template)):
        return None

    def field(m: re.Match[str]) -> str:
        value = _value(builder, path, m.group(1), given[m.group(1)], bool(m.group(2)))
        if m.group(3) is None and m.group(4) is None:
            return value
        start = int(m.group(3)) if m.group(3) else None
        stop = int(m.group(4)) if m.group(4) else None
        return value[start:stop]

    return _FIELD.sub(field, template)


def _column_name(builder: ColumnBuilder, path: str, column: ExternalColumn,
                 given: Mapping[str, CallArg]) -> str:
    name = _render(builder, path, column.attribute, given)
    if name is None and column.otherwise is not None:
        name = _render(builder, path, column.otherwise, given)
    if name is None:
        raise _Unknown(f"the column {column.attribute!r} needs an argument the call does not "
                       "give")
    return name


def _dropped(column: ExternalColumn, given: Mapping[str, CallArg]) -> bool:
    """Is the column absent, its ``unless`` parameter given as True?"""
    if not column.unless or column.unless not in given:
        return False
    kind, text = given[column.unless]
    if kind != "bool":
        raise _Unknown(f"{column.unless} is not a literal True or False (it decides whether "
                       f"the table has {column.attribute!r})")
    return text == "True"


def read_calls(builder: ColumnBuilder, path: str) -> None:
    """Each table factory's call at module level in ``path``: its table, read before any
    file's later additions to the class a bound call maps (``GroupUser.admin = ...``)."""
    facts = builder.resolver.facts(path)
    for call in facts.module_calls if facts else ():
        if "." in call.target:
            continue  # bound to an attribute: no class to follow (ModuleLevel.package_call)
        ref = builder.resolver.resolve(path, call.callee)
        made = declared(builder, ref.qual) if ref.kind == "external" else None
        if made is not None:
            builder.factory_calls.add((path, call.line))
            build(builder, path, call, ref.qual, made)


def build(builder: ColumnBuilder, path: str, call: ModuleCall, qual: str,
          made: ExternalClass) -> None:
    """The table ``call`` maps, or why it cannot be read."""
    line = call.line
    where = f"{call.callee}(...) ({qual}, a function that maps a table at each call)"
    try:
        given = _bound(made, call)
        table = _render(builder, path, made.tablename or "", given)
        if table is None:
            raise _Unknown("the table's name needs an argument the call does not give")
        columns = [(c, _column_name(builder, path, c, given),
                    c.foreign_key and _render(builder, path, c.foreign_key, given))
                   for c in made.columns if not _dropped(c, given)]
    except _Unknown as why:
        builder.error(path, line, f"{where}: {why}, so the table it maps cannot be read; "
                      "pass the table's name and the models as written literals and names")
        return
    if call.target:
        builder.factory_tables[(path, call.target)] = table
    for column, name, key in columns:
        # the declared column, named and keyed for this call
        builder.columns.append(builder.declared_column(
            replace(column, attribute=name, name=name, foreign_key=key or None),
            table, call.target or None, path, line))


def factory_table(builder: ModuleLevel, ref: Ref) -> str | None:
    """The table of the class a table factory's call bound to the name ``ref`` resolves to
    maps (here, or imported), when the reader has read the call."""
    if ref.kind == "class" or not ref.path or not ref.name:
        return None
    return builder.factory_tables.get((ref.path, ref.name.rsplit(".", 1)[-1]))

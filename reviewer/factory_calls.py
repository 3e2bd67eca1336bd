"""Classes a module-level function makes from its argument, read at each call.

MLRun's models bind ``Label = make_label(__tablename__)`` in a mapped class's body, where
``make_label(table)`` defines ``class Label(Base)`` with ``__tablename__ = f"{table}_labels"``
and ``ForeignKey(f"{table}.id")`` and returns it: one table per call. The scanner keeps such a
function's class as a template (``MadeClass.bind``: the one parameter it reads, only to build
names) and counts how often its module names the function (``MadeClass.uses``). Here a call
that gives the parameter as a string the reader can evaluate becomes the class it makes. The
class alone, read once with the parameter unknown, still blocks unless every use of the
function is such a call and no other selected file imports it: a use the reader cannot read
could map a table nobody checks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from reviewer.str_exprs import bind_made

if TYPE_CHECKING:
    from reviewer.facts import MadeClass, Stmt
    from reviewer.resolution import ClassNode, Resolver


def template(resolver: Resolver, path: str, callee: str) -> tuple[str, MadeClass] | None:
    """The class factory a callee names, with the file that defines it, when its class can
    be bound per call; else None."""
    if not callee:
        return None
    ref = resolver.resolve(path, callee)
    if ref.kind != "other" or not ref.path or not ref.name or "." in ref.name:
        return None
    facts = resolver.facts(ref.path)
    made = next((m for m in reversed(facts.returned) if m.attribute == ref.name),
                None) if facts else None
    if made is None or made.bind is None or made.maker is not None:
        return None
    return ref.path, made


def instance(resolver: Resolver, node: ClassNode, stmt: Stmt, made: MadeClass
             ) -> MadeClass | None:
    """The class ``stmt`` (``Label = make_label(__tablename__)`` in ``node``'s body) makes
    from the factory's class ``made`` (template's), its parameter bound to the argument's
    value; None when the argument is not given alone or cannot be evaluated from the source."""
    arg, bind = stmt.lone_arg, made.bind
    if arg is None or bind is None:
        return None
    if arg == ("ref", "__tablename__"):
        value = _own_tablename(resolver, node, stmt.line)
    else:
        value = resolver.string(node.path, arg)
    if value is None:
        return None
    return replace(bind_made(made, {bind: ("lit", value)}), problem=None)


def _own_tablename(resolver: Resolver, node: ClassNode, line: int) -> str | None:
    """``__tablename__`` as the class body has bound it by ``line``."""
    cls = node.facts
    if cls.tablename_line >= line:
        return None
    if cls.tablename_kind == "literal":
        return cls.tablename
    if cls.tablename_kind == "computed":
        return resolver.string(node.path, cls.tablename_expr)
    return None


def imported_elsewhere(resolver: Resolver, files: Sequence[str], path: str, name: str) -> bool:
    """Does a selected file other than ``path`` import the function ``name`` from it, or the
    module itself (whose attribute it could then call)?"""
    for other in files:
        facts = resolver.facts(other) if other != path else None
        for imp in facts.imports if facts else ():
            target = resolver.import_target(other, imp.module, imp.level)
            if target == path and (imp.name is None or imp.name in (name, "*")):
                return True
            if imp.name is not None:
                sub = f"{imp.module}.{imp.name}" if imp.module else imp.name
                module = resolver.import_target(other, sub, imp.level)
                if module == path:
                    return True
    return False

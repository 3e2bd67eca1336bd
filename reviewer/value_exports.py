"""The helpers each file of the repository exports that return a value source (hasjob's
``utils.random_long_key``, Dify's ``Site.generate_code``): which one an import names, for
``reviewer.value_sources``, and how they are kept in its per-file store."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass

from reviewer.types import ValueKind
from reviewer.value_text import alternation, on_import_line

KINDS: tuple[ValueKind, ...] = ("generator", "hasher", "verifier", "client_ip", "user_agent",
                                "copy")
# What a source's name looks like: quoting one in a message or a prompt must never carry prose.
SOURCE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.()\[\]\-' ]{0,159}")


@dataclass(frozen=True, slots=True)
class Made:
    """What a value is made from (or checked by): the kind of source and the call's name."""

    kind: ValueKind
    name: str


def encode_export(found: tuple[str, Made]) -> list[object]:
    name, s = found
    return [name, s.kind, s.name]


def decode_export(path: str, row: list[object]) -> tuple[str, Made]:
    """A row of the exported helpers' store; ValueError when malformed (an untrusted cache)."""
    name, kind, source = row
    for k in KINDS:
        if kind == k and isinstance(name, str) and all(
                part.isidentifier() for part in name.split(".", 1)) and isinstance(
                source, str) and SOURCE_NAME.fullmatch(source):
            return name, Made(k, source)
    raise ValueError(row)


class Exports:
    """The module-level helpers each file of the repository exports: which one an import
    names (``from ..utils import random_long_key``, ``from hasjob import utils``)."""

    def __init__(self, found: Iterable[tuple[str, list[tuple[str, Made]]]]) -> None:
        self.by_path = {path: dict(helpers) for path, helpers in found if helpers}
        self.names = frozenset(n for helpers in self.by_path.values() for n in helpers)
        self.called = re.compile(rf"\b(?:{alternation(self.names)})\b") if self.names else None
        rows = sorted([p, n, s.kind, s.name] for p, hs in self.by_path.items()
                      for n, s in hs.items())
        # what the second pass's store is keyed on: a helper changed anywhere changes what a
        # file that imports it holds, though that file did not change
        self.key = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:16] if rows else ""

    def calls_in(self, text: str) -> list[int]:
        """Where ``text`` names an exported helper, its import lines aside."""
        return [] if self.called is None else [
            m.start() for m in self.called.finditer(text) if not on_import_line(text, m.start())]

    def with_more(self, found: Iterable[tuple[str, list[tuple[str, Made]]]]) -> Exports:
        """These exports and those ``found`` (a later round, which knows more of a file)."""
        more = {path: helpers for path, helpers in found if helpers}
        return Exports([*((p, list(hs.items())) for p, hs in self.by_path.items()
                           if p not in more), *more.items()])

    def resolve(self, path: str, dotted: str) -> Made | None:
        """The helper ``dotted`` (``..utils.random_long_key`` as the importing file at
        ``path`` spells it after its imports) is: a relative import exactly; an absolute one
        by the end of the path (``hasjob.utils``: ``**/hasjob/utils.py``), when every file
        that ends so agrees. A class's method is named with its class
        (``models.model.Site.generate_code``)."""
        name = dotted.rpartition(".")[2]
        method = ".".join(dotted.rsplit(".", 2)[-2:])
        if method in self.names and method != dotted:
            name = method
        if name not in self.names:
            return None
        head = dotted[:len(dotted) - len(name)]  # "..utils." of "..utils.x", "." of ".x"
        module = head[:-1] if head.strip(".") else head
        if not module:
            return None
        relative = module.startswith(".")
        level = len(module) - len(module.lstrip("."))
        parts = [p for p in module.lstrip(".").split(".") if p]
        if relative:
            package = path.split("/")[:-1]
            if level - 1 > len(package):
                return None
            stem = "/".join([*package[:len(package) - level + 1], *parts])
            for candidate in (f"{stem}/__init__.py" if stem else "__init__.py", f"{stem}.py"):
                found = self.by_path.get(candidate, {}).get(name)
                if found is not None:
                    return found
            return None
        stem = "/".join(parts)
        ends = (f"{stem}.py", f"{stem}/__init__.py")
        agreed = {hs[name] for p, hs in self.by_path.items() if name in hs and any(
            p == e or p.endswith("/" + e) for e in ends)}
        return agreed.pop() if len(agreed) == 1 else None

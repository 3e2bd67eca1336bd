"""What a file's text alone says about the sources of a column's value, before anything is
parsed (``reviewer.value_sources``): where a secret generator, a hasher, a verifier, a
request's address or user agent, or a copied identifier may be, and what the file's imported
names stand for."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from reviewer.column_uses import SELF, word_before
from reviewer.name_verdicts import classify
from reviewer.vocabulary import ValueWords, load_vocabulary, normalize


def last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


class Prefilter:
    """Where a file's text can hold a source or a verifier, by its text alone: a call spelled
    as the vocabulary spells it (``os.urandom``), or by a name the file imports for it
    (``from os import urandom``: ``urandom``); a request attribute (``.remote_addr``); a
    header's name in quotes; ``.hash(`` / ``.verify(`` after a hasher's word on the line. A
    file none of whose words could be one is not searched further (``quick``)."""

    def __init__(self, words: ValueWords) -> None:
        self.calls = (*words.generators, *words.hashers, *words.client_ip_calls,
                      *(n for n, _ in words.verifiers))
        attrs = (*words.client_ip_attributes, *words.user_agent_attributes)
        methods = words.hash_methods | words.verify_methods
        headers = words.client_ip_headers | words.user_agent_headers
        anywhere = {last(n) for n in (*self.calls, *attrs)} | methods
        quoted = rf"['\"](?i:{alternation(headers)})['\"]"
        self.quick = re.compile(rf"\b(?:{alternation(anywhere)})\b|{quoted}")
        self.fixed = (rf"\b(?:{alternation(self.calls)})\b|\.(?:{alternation(attrs)})\b"
                      rf"|{quoted}")
        self.methods = re.compile(rf"\.(?:{alternation(methods)})\(")
        self.hasher = re.compile(rf"(?i:{alternation(words.hasher_words)})")
        self.person = re.compile(rf"(?:{alternation(words.person_words)})\w*\.(\w+)\b"
                                 r"(?![ \t]*[(=])")
        self._scanned: dict[str, tuple[str, dict[str, str], list[int]]] = {}

    def sources(self, text: str, path: str) -> tuple[dict[str, str], list[int]]:
        """The file's imports and where a source or a verifier may be in it (both passes ask:
        the file is scanned once)."""
        known = self._scanned.get(path)
        if known is not None and known[0] == text:
            return known[1], known[2]
        imports = imports_of(text)
        found = self.offsets(text, imports) if self.quick.search(text) else []
        self._scanned[path] = (text, imports, found)
        return imports, found

    def offsets(self, text: str, imports: Mapping[str, str]) -> list[int]:
        """Where a source or a verifier may be, in a file ``quick`` found a word of one in."""
        local = [name for name, qualified in imports.items()
                 if matches(qualified, self.calls)]
        pattern = self.fixed if not local else (
            rf"{self.fixed}|\b(?:{alternation(local)})\b")
        found = [m.start() for m in re.finditer(pattern, text)
                 if not on_import_line(text, m.start())]
        for m in self.methods.finditer(text):  # .hash( after a hasher's word on its line
            if self.hasher.search(text, text.rfind("\n", 0, m.start()) + 1, m.start()):
                found.append(m.start())
        return found

    def copies(self, text: str, words: ValueWords) -> list[int]:
        """Where a person's identifier may be copied: ``user.email``, ``current_user.userid``."""
        return [m.start() for m in self.person.finditer(text)
                if copied(m.group(1), word_before(text, m.start(1) - 1), words)]


def alternation(names: Iterable[str]) -> str:
    return "|".join(map(re.escape, sorted(names)))


_IMPORT_LINE = re.compile(r"[ \t]*(?:from|import)[ \t]")


def on_import_line(text: str, at: int) -> bool:
    """Is offset ``at`` on an import statement's line (a name imported, not used)?"""
    return _IMPORT_LINE.match(text, text.rfind("\n", 0, at) + 1) is not None


_IMPORT_FROM = re.compile(r"^[ \t]*from[ \t]+([\w.]+)[ \t]+import[ \t]+(\([^)]*\)|[^\n#;]+)",
                          re.MULTILINE)
_IMPORT = re.compile(r"^[ \t]*import[ \t]+([\w.]+)[ \t]+as[ \t]+(\w+)", re.MULTILINE)


def imports_of(text: str) -> dict[str, str]:
    """What each imported name of the file stands for: ``urandom`` is ``os.urandom`` after
    ``from os import urandom`` (read from the text, wherever the import is)."""
    out: dict[str, str] = {}
    for m in _IMPORT_FROM.finditer(text):
        # "from . import utils" is ".utils", "from .. import utils" "..utils"
        module = m.group(1) if m.group(1).endswith(".") else m.group(1) + "."
        for part in m.group(2).strip("() \t\n").split(","):
            bits = part.split()
            if len(bits) == 1 and bits[0].isidentifier():
                out[bits[0]] = module + bits[0]
            elif len(bits) == 3 and bits[1] == "as" and bits[2].isidentifier():
                out[bits[2]] = module + bits[0]
    for m in _IMPORT.finditer(text):
        out[m.group(2)] = m.group(1)
    return out


def matches(name: str, entries: Sequence[str]) -> str | None:
    """The entry ``name`` is (see vocabulary.toml's [values]), if any."""
    for entry in entries:
        if name == entry or name.endswith("." + entry):
            return entry
        head, _, tail = entry.partition(".")
        if tail and name.split(".")[0] == head and last(name) == last(entry):
            return entry
    return None


def copied(attr: str, of: str | None, words: ValueWords) -> bool:
    """``of.attr`` is a person's identifier: ``user.email``, ``current_user.userid``. The
    shipped names decide (not the configuration's), so what a file holds is the same for
    every configuration."""
    if of is None or of in SELF or not set(normalize(of)) & words.person_words:
        return False
    if "_".join(normalize(attr)) in words.copied_attributes:
        return True
    found = classify(attr, None, load_vocabulary())
    return found is not None and found.category == "direct_identifier" and (
        found.confidence == "high")

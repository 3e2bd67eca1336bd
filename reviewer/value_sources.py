"""How the repository's code makes and checks a column's value: the evidence a security reviewer
reads when a column's name says nothing (calibre-web's ``remote_auth_token.auth_token`` is
``hexlify(os.urandom(16))``; privacyidea's ``authcache.authentication`` is read by
``argon2.verify``; warehouse's ``releases.uploaded_via`` is ``request.user_agent``).

What counts, by kind (the names are vocabulary.toml's ``[values]``):

- **generator**: written from a secret generator (``secrets.token_*``, ``os.urandom``,
  ``random.SystemRandom``, ``pyotp.random_base32``, key generation), through simple wrappers
  (a method of it: ``.hex()``, ``.decode()``, ``.private_bytes()``; ``hexlify``,
  ``b64encode``, ``str()``, a hash, an f-string, ``''.join(...)``);
- **hasher**: written from a password hasher (``generate_password_hash``, ``bcrypt.hashpw``,
  passlib's or argon2's ``.hash()``, ``hashlib.pbkdf2_hmac``, a KDF's ``.derive()``);
- **verifier**: read by a verifier (``check_password_hash(x.col, ...)``,
  ``pyotp.TOTP(x.col)``, ``hmac.compare_digest``, passlib's ``.verify(..., x.col)``);
- **client_ip** / **user_agent**: written from the request's client address or user agent;
- **copy**: written as a copy of a person's identifier (``user.email``, ``user.userid``: the
  receiver's name has a person word, the attribute is a direct identifier by the shipped
  names or one of ``copied_attributes``).

A write is ``obj.col = EXPR``, ``Model(col=EXPR)``, or the column's ``default=`` in its class;
EXPR may be a local name every assignment of which in its function is such an EXPR (or
None), or a call of a helper every return of which is one: a function of the same file
(``auth_hash = _hash_password(password)``, through other helpers of that file:
funnel's ``make_private_key()`` returns ``make_key()[:8]``), or a module-level function
another file of the repository exports (hasjob's ``default=random_long_key``, imported from
``..utils``). A helper whose name says its value is shown (``public_words``:
``make_public_key``) makes nothing secret. A read is the column (``x.col``, or a local name
bound only to it) as the verifier's argument. Which column ``x.col`` is, and how files are
chosen, parsed and cached, is ``reviewer.column_uses``'s, as for ``reviewer.blob_keys``.

Cost: two passes over the code. The first lists each file's exported helpers
(``reviewer.value_exports``), parsing only the files whose text names a source (the text
prefilter of ``reviewer.value_text``) and only their functions holding one;
it is kept per file by content, as the second pass's findings are. The second parses a file
only when its text names a source, a verifier, a copied identifier or an exported helper, and
then only the functions holding those lines and the functions calling a helper found in them.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Mapping, Sequence

from reviewer.column_uses import (
    SELF,
    CodeFiles,
    ColumnIndex,
    ColumnKey,
    FileStore,
    first_of_each_kind,
    line_numbers,
    pieces,
    read_code,
    receiver,
    scopes,
)
from reviewer.sources import SourceTree
from reviewer.types import ValueSource
from reviewer.value_exports import KINDS, SOURCE_NAME, Exports, Made, decode_export, encode_export
from reviewer.value_text import Prefilter, alternation, copied, matches
from reviewer.vocabulary import ValueWords, normalize

# the modules whose code decides what the per-file stores hold
_CODE = ("value_sources.py", "value_exports.py", "value_text.py")
_LONGEST = 120  # a receiver spelled longer is cut (a name is quoted, never a paragraph)

# Functions that keep what a value is while encoding it. A hash keeps a secret a secret (a
# token's lookup hash is a credential), but not an IP address (a hash of one is an
# analytics id, which is something else).
_ENCODERS = frozenset({
    "str", "bytes", "hexlify", "b2a_hex", "b64encode", "urlsafe_b64encode",
    "standard_b64encode", "b32encode", "b16encode", "b85encode", "encodebytes", "ip_address",
    # the same bytes as a number: struct.unpack("I", os.urandom(4))[0], int.from_bytes(...)
    "unpack", "from_bytes", "int",
})
_JOINS = frozenset({"join", "format"})  # on a string constant
_HASHES = frozenset({
    "md5", "sha1", "sha224", "sha256", "sha384", "sha512", "sha3_256", "sha3_512", "blake2b",
    "blake2s", "new",
})
# Methods that keep a client's address or user agent what it is (a secret keeps through any).
_STRING_METHODS = frozenset({
    "strip", "lstrip", "rstrip", "split", "rsplit", "lower", "upper", "decode", "encode",
    "replace", "partition", "rpartition",
})
_DEFAULTS = frozenset({"default", "insert_default"})
_MAX_DEPTH = 12
_CHAIN = 4  # helpers calling helpers of the same file, as deep as real code goes (funnel: 2)


def value_sources(tree: SourceTree | CodeFiles, index: ColumnIndex, words: ValueWords, *,
                  use_cache: bool = False) -> dict[ColumnKey, tuple[ValueSource, ...]]:
    """How the code makes or checks each of the columns ``index`` asks about: per column, the
    first place of each kind, ordered by where that is."""
    if not index.asked:
        return {}
    files = CodeFiles.of(tree)
    prefilter = Prefilter(words)
    exports = Exports(read_code(
        files, lambda text, path: _exported(words, prefilter, text, path, None),
        FileStore("value-helpers", _CODE, "exported", encode_export,
                  decode_export) if use_cache else None))
    if exports.names:
        # a helper that returns another file's helper (dify: Site.generate_code() returns
        # libs.helper.generate_string(n)); one more round, over the files calling one
        first = exports
        exports = first.with_more(read_code(
            files, lambda text, path: _exported(words, prefilter, text, path, first),
            FileStore("value-helpers-2", _CODE, f"exported|{first.key}",
                      encode_export, decode_export) if use_cache else None))
    store = FileStore("value-sources", _CODE,
                      f"{index.shape()}|{exports.key}", _encode, _decode) if use_cache else None
    return first_of_each_kind(read_code(
        files, lambda text, path: _read(index, words, prefilter, exports, text, path), store))


def _encode(found: tuple[ColumnKey, ValueSource]) -> list[object]:
    (table, column), s = found
    return [table, column, s.kind, s.source, s.line]


def _decode(path: str, row: list[object]) -> tuple[ColumnKey, ValueSource]:
    """A row of the per-file store; ValueError when malformed (an untrusted cache)."""
    table, column, kind, source, line = row
    for k in KINDS:
        if kind == k and isinstance(table, str) and isinstance(column, str) and isinstance(
                source, str) and SOURCE_NAME.fullmatch(source) and type(line) is int:
            return (table, column), ValueSource(k, source, path, line)
    raise ValueError(row)


def _exported(words: ValueWords, prefilter: Prefilter, text: str, path: str,
              exports: Exports | None) -> list[tuple[str, Made]]:
    """The module-level functions of a file that return a source, and the methods of its
    classes, by class (``Site.generate_code``): what another file can import (hasjob's
    ``utils.random_long_key``). With ``exports``, what other files export is known too
    (a second round, over the files that call one)."""
    called = [] if exports is None else exports.calls_in(text)
    if exports is not None and not called:
        return []  # the first round read it, and the second knows nothing more of it
    if prefilter.quick.search(text) is None and not called:
        return []
    imports, sourced = prefilter.sources(text, path)
    if not sourced and not called:
        return []
    sources = _Sources(words, path, imports, exports)
    lines = line_numbers(text, [*sourced, *called])
    sources.learn(text, lines, pieces(text, lines, path))
    return sorted((sources.owners.get(name, "") + name, found)
                  for name, found in sources.helpers.items()
                  if name in sources.top_level or name in sources.owners)


def _read(index: ColumnIndex, words: ValueWords, prefilter: Prefilter, exports: Exports,
          text: str, path: str) -> list[tuple[ColumnKey, ValueSource]]:
    quick = prefilter.quick.search(text) is not None
    copies = prefilter.copies(text, words)
    called = exports.calls_in(text)
    if not (quick or copies or called):
        return []  # most files: not worth finding their imports
    imports, sourced = prefilter.sources(text, path)
    offsets = sourced + copies + called
    if not offsets:
        return []
    lines = line_numbers(text, offsets)
    reader = _Reader(index, words, path, imports, exports)
    parsed = pieces(text, lines, path)
    more = reader.learn(text, line_numbers(text, sourced), parsed)
    if set(more) - set(lines):
        # the functions that call a helper of this file (or name it: default=helper) too
        lines = sorted({*lines, *more})
        parsed = pieces(text, lines, path)
    return [found for piece, owner in parsed for found in reader.module(piece, lines, owner)]


class _Sources:
    """What an expression of one file is made from, and the file's helpers."""

    def __init__(self, words: ValueWords, path: str, imports: Mapping[str, str],
                 exports: Exports | None) -> None:
        self.words = words
        self.path = path
        self.imports = imports
        self.exports = exports
        self.helpers: dict[str, Made] = {}
        self.top_level: set[str] = set()  # the helpers another file can import
        self.owners: dict[str, str] = {}  # a helper that is a class's method: "Class."

    # --- names ---------------------------------------------------------------------------

    def _dotted(self, node: ast.expr) -> str | None:
        """``os.urandom`` of ``os.urandom``, with the file's imports applied to its head."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.imports.get(node.id, node.id))
        return ".".join(reversed(parts))

    def _words_of(self, node: ast.expr) -> set[str]:
        """The words of every name in a receiver (``argon2.using(rounds=R)``: argon2, using)."""
        out: set[str] = set()
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name):
                out.update(normalize(self.imports.get(sub.id, sub.id).replace(".", "_")))
            elif isinstance(sub, ast.Attribute):
                out.update(normalize(sub.attr))
        return out

    def _requestish(self, node: ast.expr) -> bool:
        return bool(self._words_of(node) & self.words.request_words)

    # --- helpers: functions of this file that return a source ----------------------------

    def learn(self, text: str, lines: Sequence[int],
              parsed: Sequence[tuple[ast.Module, str | None]]) -> list[int]:
        """Learn the helpers among the functions of ``parsed`` holding one of ``lines`` (where
        a source is spelled), then those that call one (funnel: ``make_private_key()``
        returns ``make_key()[:8]``); the lines that name a helper."""
        for piece, owner in parsed:
            self._learn_helpers(piece, lines, text, owner)
        seen: set[int] = set(lines)
        for _ in range(_CHAIN):
            new = sorted(set(self._naming(text)) - seen)
            if not new:
                break
            seen.update(new)
            before = len(self.helpers)
            for piece, owner in pieces(text, new, self.path):
                self._learn_helpers(piece, new, text, owner)
            if len(self.helpers) == before:
                break
        return self._naming(text)

    def _naming(self, text: str) -> list[int]:
        """The lines of ``text`` that name one of the helpers learnt so far."""
        if not self.helpers:
            return []
        called = re.compile(rf"\b(?:{alternation(self.helpers)})\b")
        return line_numbers(text, [m.start() for m in called.finditer(text)])

    def _learn_helpers(self, module: ast.Module, lines: Sequence[int], text: str,
                       owner: str | None = None) -> None:
        """``owner``: the class ``module`` is a method of, when it is one cut out."""
        methods = {id(f): c.name for c in module.body if isinstance(c, ast.ClassDef)
                   for f in c.body if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef))}
        for node in ast.walk(module):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and any(
                    node.lineno <= line <= (node.end_lineno or node.lineno) for line in lines
            ) and node.name not in self.helpers and not (
                    set(normalize(node.name)) & self.words.public_words):
                found = self._returns(node)
                if found is not None:
                    self.helpers[node.name] = found
                    if _starts_line(text, node.lineno):
                        self.top_level.add(node.name)
                    elif id(node) in methods or (owner and node in module.body):
                        self.owners[node.name] = f"{methods.get(id(node), owner)}."

    def _returns(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> Made | None:
        """What every return of ``function`` is, when each is the same kind of source."""
        nodes = list(_own_nodes(function))
        bound = _bindings(nodes, function)
        found: Made | None = None
        for node in nodes:
            if isinstance(node, ast.Return):
                if node.value is None:
                    return None
                source = self.source(node.value, bound)
                if source is None or (found is not None and found.kind != source.kind):
                    return None
                found = found or source
        return found

    # --- what an expression is made from -------------------------------------------------

    def source(self, node: ast.expr, bound: Mapping[str, list[ast.expr] | None],
               depth: int = 0) -> Made | None:
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        if isinstance(node, ast.Call):
            return self._call(node, bound, depth)
        if isinstance(node, ast.Name):
            values = bound.get(node.id)
            if not values:
                return None
            found = [self.source(v, {**bound, node.id: None}, depth) for v in values
                     if not _none(v)]
            if not found or None in found or len({f.kind for f in found if f}) != 1:
                return None
            return found[0]
        if isinstance(node, ast.Attribute):
            return self._attribute(node, bound, depth)
        if isinstance(node, ast.Subscript):
            header = _constant(node.slice)
            if header is not None:
                return self._header(header, node.value)
            return self.source(node.value, bound, depth)  # request.access_route[0], ip[:45]
        if isinstance(node, ast.JoinedStr):
            return self._secret_parts(
                [v.value for v in node.values if isinstance(v, ast.FormattedValue)],
                bound, depth)
        if isinstance(node, ast.BinOp) and isinstance(node.op, (
                ast.Add, ast.Mod, ast.BitAnd, ast.BitOr, ast.BitXor)):
            # a secret number masked with a constant keeps its random bits (SkyLines:
            # struct.unpack("I", os.urandom(4))[0] & 0x7FFFFFFF)
            return self._secret_parts([node.left, node.right], bound, depth)
        if isinstance(node, ast.BoolOp):
            return self._first(node.values, bound, depth)
        if isinstance(node, ast.IfExp):
            branches = [b for b in (node.body, node.orelse) if not _none(b)]
            found = [self.source(b, bound, depth) for b in branches]
            return found[0] if found and None not in found else None
        if isinstance(node, ast.Await):
            return self.source(node.value, bound, depth)
        if isinstance(node, (ast.GeneratorExp, ast.ListComp)):
            return self._first((node.elt,), bound, depth, secret=True)
        return None

    def _secret_parts(self, parts: Sequence[ast.expr],
                      bound: Mapping[str, list[ast.expr] | None], depth: int) -> Made | None:
        """A string built of a secret and constants (``f"pat_{token}"``) is the secret; with
        anything else in it (a date, a directory: a random file name) it is not only one."""
        found = [None if isinstance(p, ast.Constant) else self.source(p, bound, depth)
                 for p in parts]
        secrets = [f for f in found if f is not None and f.kind in ("generator", "hasher")]
        if not secrets or any(f is None and not isinstance(p, ast.Constant)
                              for p, f in zip(parts, found, strict=True)):
            return None
        return secrets[0]

    def _first(self, nodes: Iterator[ast.expr] | Sequence[ast.expr],
               bound: Mapping[str, list[ast.expr] | None], depth: int, *,
               secret: bool = False) -> Made | None:
        """The first source among ``nodes``; with ``secret``, only a secret counts (a string
        built around an IP address is no longer only one)."""
        for n in nodes:
            found = self.source(n, bound, depth)
            if found is not None and (not secret or found.kind in ("generator", "hasher")):
                return found
        return None

    def _call(self, node: ast.Call, bound: Mapping[str, list[ast.expr] | None],
              depth: int) -> Made | None:
        words = self.words
        func = node.func
        name = self._dotted(func)
        if name is not None:
            for kind, entries in (("generator", words.generators), ("hasher", words.hashers),
                                  ("client_ip", words.client_ip_calls)):
                entry = matches(name, entries)
                if entry is not None:
                    return Made(kind, f"{entry}()")  # type: ignore[arg-type]
        short = func.attr if isinstance(func, ast.Attribute) else (
            func.id if isinstance(func, ast.Name) else None)
        if isinstance(func, ast.Attribute):
            inner = self.source(func.value, bound, depth)
            if inner is not None and (inner.kind in ("generator", "hasher")
                                      or func.attr in _STRING_METHODS):
                return inner  # os.urandom(8).hex(), kdf.derive(...), ip.strip()
            if func.attr in words.hash_methods and self._words_of(func.value) & (
                    words.hasher_words):
                return Made("hasher", f"{_spelled(func.value)}.{func.attr}()")
            if func.attr == "get" and node.args:
                header = _constant(node.args[0])
                if header is not None:
                    return self._header(header, func.value)
        if short is not None and short in self.helpers and (
                isinstance(func, ast.Name) or len(normalize(short)) > 1
                or (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and func.value.id in SELF)):
            # a method is known by its name alone when the name says what it does
            # (scrypt_manager.derive_source_filesystem_id()): not a one-word get() or make()
            return _via(self.helpers[short], short)
        imported = self._imported(func, name)
        if imported is not None:
            called = short or ""
            if (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                    and self.exports is not None
                    and f"{func.value.id}.{func.attr}" in self.exports.names):
                called = f"{func.value.id}.{func.attr}"  # "via Site.generate_code()"
            return _via(imported, called)
        args = [*node.args, *(kw.value for kw in node.keywords)]
        if short in _JOINS:
            # "".join(secrets.choice(alphabet) for _ in range(n)), "{}".format(token); not
            # os.path.join(directory, random_name)
            if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Constant):
                return self._secret_parts(args, bound, depth)
            return None
        if short in _ENCODERS or (short in _HASHES and name is not None) or (
                short is not None and short != "encode" and short.lower().endswith("encode")):
            # hasjob's own base36encode(SystemRandom().randint(...)) keeps a secret too
            return self._first(args, bound, depth, secret=short in _HASHES)
        return None

    def _imported(self, func: ast.expr, dotted: str | None) -> Made | None:
        """The helper of another file ``func`` calls, named through an import of this one
        (``random_long_key()``, ``utils.random_long_key()``)."""
        if self.exports is None or dotted is None:
            return None
        head = func
        while isinstance(head, ast.Attribute):
            head = head.value
        if not (isinstance(head, ast.Name) and head.id in self.imports):
            return None
        return self.exports.resolve(self.path, dotted)

    def _attribute(self, node: ast.Attribute, bound: Mapping[str, list[ast.expr] | None],
                   depth: int) -> Made | None:
        words = self.words
        spelled = _spelled(node)
        for kind, attrs in (("client_ip", words.client_ip_attributes),
                            ("user_agent", words.user_agent_attributes)):
            for attr in attrs:
                if spelled.endswith("." + attr) and self._requestish(node):
                    return Made(kind, spelled)  # type: ignore[arg-type]
        if copied(node.attr, receiver(node.value, None), words):
            return Made("copy", spelled)
        if node.attr == "string":  # request.user_agent.string
            inner = self.source(node.value, bound, depth)
            if inner is not None and inner.kind == "user_agent":
                return inner
        return None

    def _header(self, header: str, of: ast.expr) -> Made | None:
        """``request.headers.get('User-Agent')``, ``environ['REMOTE_ADDR']``."""
        key = header.lower()
        for kind, headers in (("client_ip", self.words.client_ip_headers),
                              ("user_agent", self.words.user_agent_headers)):
            if key in headers:
                return Made(kind, f"{_spelled(of)}['{header}']")  # type: ignore[arg-type]
        return None



class _Reader(_Sources):
    """Where a file's code writes or checks a column, and with what."""

    def __init__(self, index: ColumnIndex, words: ValueWords, path: str,
                 imports: Mapping[str, str], exports: Exports | None) -> None:
        super().__init__(words, path, imports, exports)
        self.index = index

    # --- which column a node is ----------------------------------------------------------

    def _column(self, node: ast.expr, owner: str | None,
                bound: Mapping[str, list[ast.expr] | None], depth: int = 0) -> ColumnKey | None:
        """The column ``node`` is: ``x.col``, an encoding of it (``x.col.encode()``), or a
        local name bound only to it."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Attribute):
            return self.index.resolve(node.attr, receiver(node.value, owner))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and (
                node.func.attr in ("encode", "decode")):
            return self._column(node.func.value, owner, bound, depth + 1)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and (
                node.func.id in ("str", "bytes")) and len(node.args) == 1:
            return self._column(node.args[0], owner, bound, depth + 1)
        if isinstance(node, ast.Name):
            values = bound.get(node.id)
            if not values:
                return None
            found = {self._column(v, owner, {**bound, node.id: None}, depth + 1)
                     for v in values}
            return found.pop() if len(found) == 1 else None
        return None

    # --- uses ----------------------------------------------------------------------------

    def module(self, module: ast.Module, lines: Sequence[int],
               outer: str | None) -> Iterator[tuple[ColumnKey, ValueSource]]:
        for nodes, owner, params in scopes(module, lines, outer, skip=self._anonymiser):
            bound = _bindings(nodes, None, params)
            for node in nodes:
                yield from self._uses(node, owner, bound)

    def _anonymiser(self, function: str) -> bool:
        """``anonymize_db``: the project's own anonymiser, whose writes are stand-ins."""
        stems = self.words.masking_functions
        return any(word.startswith(stems) for word in normalize(function))

    def _found(self, column: ColumnKey, source: Made,
               line: int) -> tuple[ColumnKey, ValueSource]:
        name = source.name
        if len(name) > _LONGEST:
            name = name[:_LONGEST - 3] + "..."
        return column, ValueSource(source.kind, name, self.path, line)

    def _uses(self, node: ast.AST, owner: str | None,
              bound: Mapping[str, list[ast.expr] | None]
              ) -> Iterator[tuple[ColumnKey, ValueSource]]:
        if isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute):
                    column = self.index.resolve(target.attr, receiver(target.value, owner))
                    source = None if column is None else self.source(node.value, bound)
                    if column is not None and source is not None:
                        yield self._found(column, source, node.lineno)
                elif isinstance(target, ast.Name) and owner is not None:
                    yield from self._default(target.id, owner, node.value, bound)
        elif isinstance(node, ast.Call):
            yield from self._constructed(node, bound)
            yield from self._verified(node, owner, bound)

    def _constructed(self, node: ast.Call, bound: Mapping[str, list[ast.expr] | None]
                     ) -> Iterator[tuple[ColumnKey, ValueSource]]:
        """``Model(col=EXPR)``: the model's constructor writes the column."""
        func = node.func
        callee = func.id if isinstance(func, ast.Name) else (
            func.attr if isinstance(func, ast.Attribute) else None)
        attrs = self.index.by_class.get(callee or "")
        if not attrs:
            return
        for kw in node.keywords:
            column = attrs.get(kw.arg) if kw.arg is not None else None
            source = None if column is None else self.source(kw.value, bound)
            if column is not None and source is not None:
                yield self._found(column, source, kw.value.lineno)

    def _default(self, attr: str, owner: str, value: ast.expr,
                 bound: Mapping[str, list[ast.expr] | None]
                 ) -> Iterator[tuple[ColumnKey, ValueSource]]:
        """``token = Column(String, default=lambda: secrets.token_urlsafe())`` in the model's
        class: the column's default makes its value."""
        column = self.index.by_class.get(owner, {}).get(attr)
        if column is None or not isinstance(value, ast.Call):
            return
        for kw in value.keywords:
            if kw.arg not in _DEFAULTS:
                continue
            made = kw.value
            source = self.source(made.body, bound) if isinstance(made, ast.Lambda) else (
                self.source(ast.Call(func=made, args=[], keywords=[]), bound)
                if isinstance(made, (ast.Name, ast.Attribute)) else None)
            if source is not None and source.kind in ("generator", "hasher"):
                yield self._found(column, source, kw.value.lineno)

    def _verified(self, node: ast.Call, owner: str | None,
                  bound: Mapping[str, list[ast.expr] | None]
                  ) -> Iterator[tuple[ColumnKey, ValueSource]]:
        """``pyotp.TOTP(x.col)``, ``argon2.verify(password, x.col)``: the column is what the
        verifier checks against."""
        func = node.func
        name = self._dotted(func)
        verifier: tuple[str, tuple[int, ...]] | None = None
        if name is not None:
            for entry, reads in self.words.verifiers:
                if matches(name, (entry,)):
                    verifier = (f"{entry}()", reads)
                    break
        if verifier is None and isinstance(func, ast.Attribute) and (
                func.attr in self.words.verify_methods
                and self._words_of(func.value) & self.words.hasher_words):
            verifier = (f"{_spelled(func.value)}.{func.attr}()", ())
        if verifier is None:
            return
        spelled, reads = verifier
        args = [*node.args, *(kw.value for kw in node.keywords)]
        for i in reads or (0, 1):
            column = self._column(args[i], owner, bound) if i < len(args) else None
            if column is not None:
                yield self._found(column, Made("verifier", spelled), node.lineno)


def _spelled(node: ast.expr) -> str:
    """How the code spells a receiver, short: ``request.headers``, ``argon2.using(...)``."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_spelled(node.value)}.{node.attr}"
    if isinstance(node, ast.Call):
        return f"{_spelled(node.func)}(...)"
    return "..."


def _constant(node: ast.expr) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and SOURCE_NAME.fullmatch(
            node.value):
        return node.value
    return None


def _via(helper: Made, called: str) -> Made:
    """What a call of a helper is: its source, through the helper the code calls (funnel's
    ``os.urandom() via make_private_key()``, not every helper between)."""
    return Made(helper.kind, f"{helper.name.split(' via ')[0]} via {called}()")


def _starts_line(text: str, line: int) -> bool:
    """Line ``line`` of ``text`` is not indented: a def there is the module's own."""
    start = 0
    for _ in range(line - 1):
        start = text.find("\n", start) + 1
        if not start:
            return False
    return text[start:start + 1] not in (" ", "\t")


def _none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None


def _own_nodes(function: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function, without those of the functions and classes inside it."""
    stack = list(ast.iter_child_nodes(function))
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        yield node
        stack.extend(ast.iter_child_nodes(node))


def _bindings(nodes: Sequence[ast.AST],
              function: ast.FunctionDef | ast.AsyncFunctionDef | None,
              params: Sequence[str] = ()) -> dict[str, list[ast.expr] | None]:
    """What each local name is bound to: the values of its plain assignments (``x = ...``);
    None for a name also bound any other way (a parameter, a loop, ``with ... as``). A name
    started empty and grown with ``+=`` is what it is grown with (dify's ``generate_string``:
    ``result = ""``, then ``result += secrets.choice(letters)`` in a loop)."""
    if function is not None:
        a = function.args
        params = [p.arg for p in (*a.posonlyargs, *a.args, *a.kwonlyargs,
                                  *filter(None, (a.vararg, a.kwarg)))]
    bound: dict[str, list[ast.expr] | None] = dict.fromkeys(params)
    simple: set[int] = set()
    for node in nodes:
        if (isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if len(targets) == 1 and isinstance(targets[0], ast.Name):
                simple.add(id(targets[0]))
                name = targets[0].id
                if name not in bound:
                    bound[name] = []
                values = bound[name]
                if values is not None:
                    values.append(node.value)
    grown: dict[str, list[ast.expr]] = {}
    for node in nodes:
        if (isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add)
                and isinstance(node.target, ast.Name)):
            simple.add(id(node.target))
            grown.setdefault(node.target.id, []).append(node.value)
    for node in nodes:
        if (isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del))
                and id(node) not in simple):
            bound[node.id] = None
    for name, parts in grown.items():
        values = bound.get(name)
        bound[name] = (parts if values is not None and all(_empty(v) for v in values)
                       else None)
    return bound


def _empty(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in ("", b"")

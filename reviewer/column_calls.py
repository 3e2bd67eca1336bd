"""What a call or a name of the facts means for columns once the resolver has followed it:
the table or column name a call gives, the labels it carries (through module constants too),
whether its callee builds a column (a SQLAlchemy construct, a repository preset to inline, a
cast to see through, or something unknown that must block), which bases map their
subclasses, which names are module-level ``Table(...)`` calls. Queries only, nothing recorded:
``columns.ColumnBuilder``, which builds the columns and reports the errors, derives from
``ColumnCalls``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from reviewer.calls import COLUMN_WRAPPERS
from reviewer.externals import CONFIG_KEY
from reviewer.facts import COLUMN_CALL, CallFacts
from reviewer.resolution import STDLIB, Ref, Resolver, external_base_kind, is_sqla, tail
from reviewer.types import Config

if TYPE_CHECKING:
    from reviewer.facts import AliasFacts, Stmt


# why a name the reader resolved is not a class it reads, for messages
REF_KINDS = {"unresolved": "defined or imported nowhere the reviewer can see",
             "missing": "imported from a module that is not in the repository",
             "external": "from a package outside the repository, not declared"}


def first_clause(message: str) -> str:
    """A scanner error without its own advice ("; fix the file so it parses"), to quote."""
    return message.split("; ", 1)[0]


# What typing.cast(T, value) returns: the value itself
_CASTS = frozenset({"typing.cast", "typing_extensions.cast"})

# SQLAlchemy constructs that build a table column (or hold one they are given)
_BUILDS_COLUMNS = frozenset({
    "Column", "mapped_column", "column_property", "deferred", "composite", "MappedColumn",
})
# what builds a column or a table inside a function a repository function hands back
_HIDDEN_BUILDERS = frozenset({"Column", "mapped_column", "Table", "MappedColumn"})
# what maps the expression it is given: a column only when given one
# what makes a query or a SQL expression (func.count and the like besides)
_QUERY_BUILDERS = frozenset({"select", "exists", "text", "literal_column", "case", "cast",
                             "and_", "or_", "not_", "union", "union_all"})
_COLUMNISH = frozenset({"Column", "mapped_column", "column_property", "deferred", "Mapped"})


def _stmt_names(stmt: Stmt) -> list[str]:
    names = [stmt.call.callee] if stmt.call and stmt.call.callee else []
    if stmt.annotation is not None:
        names.append(stmt.annotation.wrapper)
    return names


def columnish_text(stmt: Stmt) -> bool:
    """``x = Column(...)``, ``x = sql.mapped_column(...)``, ``x: Mapped[int]``, by spelling."""
    return any(tail(name) in _COLUMNISH for name in _stmt_names(stmt))


def harmless(qual: str) -> bool:
    """Builds no column: SQLAlchemy's other constructs, the standard library, builtins."""
    top = qual.split(".", 1)[0]
    return is_sqla(qual) or top in STDLIB or top == "builtins"


def _builds_none(qual: str, wrappers: bool = False) -> bool:
    """Harmless, and not one of SQLAlchemy's column builders; with ``wrappers``,
    column_property and deferred pass too: they map only what they are given."""
    builders = _BUILDS_COLUMNS - COLUMN_WRAPPERS if wrappers else _BUILDS_COLUMNS
    return harmless(qual) and not (is_sqla(qual) and tail(qual) in builders)


@dataclass(slots=True)
class ColumnCalls:
    resolver: Resolver
    config: Config
    # the factories whose closures are being judged (builds_no_column), against a cycle
    _judging: set[tuple[str, str]] = field(default_factory=set)

    def table_name(self, path: str, call: CallFacts) -> str | None:
        """``Table("users", ...)``, or a name computed from constants: ``Table(PREFIX + "x")``,
        ``Table(prefixed("roles"), ...)``."""
        return call.first_string or self.resolver.string(path, call.name_expr)

    def column_name(self, path: str, call: CallFacts) -> tuple[str | None, bool]:
        """The DB name a Column(...) call gives, and whether a name was given that cannot be
        computed. A first argument that is a name or a call is the column name when it
        evaluates to a string, else the column type (``Column(NAME, ...)``,
        ``Column(prefixed("x"), ...)`` vs ``Column(String, ...)``, ``Column(Text(), ...)``)."""
        if call.name is not None or call.name_error:
            return call.name, call.name_error
        if call.name_expr is None:
            return None, False
        name = self.resolver.string(path, call.name_expr)
        if name is not None:
            return name, False
        inner = call.name_expr[1] if call.name_expr[0] == "maybe" else None
        if inner is not None and inner[0] == "call" and self.resolver.string_function(
                path, str(inner[1])):
            # Column(owner_column(cls.__tablename__), ...): a helper that returns a string
            # names the column even when its argument cannot be known; never a type
            return None, True
        return None, call.name_expr[0] != "maybe"

    def in_label_order(self, labels: Collection[str]) -> tuple[str, ...]:
        """The configured labels among ``labels``, in the configuration's order, so a column's
        labels read the same however its statement spelled them."""
        return tuple(lb for lb in self.config.labels if lb in labels)

    def labels_for(self, path: str, *calls: CallFacts | None) -> set[str]:
        found: set[str] = set()
        for call in calls:
            if call is None:
                continue
            found.update(call.labels)
            found.update(self.const_labels(path, call.refs, depth=0))
            if call.inner is not None:
                found.update(self.labels_for(path, call.inner))
        return found

    def const_labels(self, path: str, refs: Sequence[str], depth: int) -> set[str]:
        """Labels held by module constants the names refer to, following constants of
        constants (``SECRET_INFO = {**BASE_INFO}``) a few levels deep."""
        found: set[str] = set()
        if depth > 4:
            return found
        for ref in refs:
            r = self.resolver.resolve(path, ref)
            if r.kind != "const":
                continue
            facts = self.resolver.facts(r.path)
            for name, labels, inner_refs in facts.consts if facts else ():
                if name == r.name:
                    found.update(labels)
                    found.update(self.const_labels(r.path, inner_refs, depth + 1))
        return found

    def alias_for(self, path: str, name: str | None) -> tuple[str, AliasFacts] | None:
        if not name:
            return None
        ref = self.resolver.resolve(path, name)
        if ref.kind != "alias":
            return None
        facts = self.resolver.facts(ref.path)
        for alias in facts.aliases if facts else ():
            if alias.name == ref.name:
                return ref.path, alias
        return None

    def column_call(self, path: str, call: CallFacts) -> CallFacts | None:
        """The Column/mapped_column call a statement declares, or None if it is no column."""
        q = self.callee_qual(path, call.callee)
        if q is None:
            return None
        if is_sqla(q) and tail(q) in ("Column", "mapped_column"):
            return call
        if is_sqla(q) and tail(q) in ("column_property", "deferred") and call.inner:
            inner_q = self.resolver.qual(path, call.inner.callee)
            if inner_q and is_sqla(inner_q) and tail(inner_q) in ("Column", "mapped_column"):
                return call.inner
        return None

    def callee_qual(self, path: str, callee: str) -> str | None:
        """The external name of what a call makes: the callee itself, or for a repository
        class, the external class it derives from (``class EncryptedColumn(Column)``)."""
        if not callee:
            return None
        ref = self.resolver.resolve(path, callee)
        if ref.kind == "external":
            return ref.qual
        if ref.kind == "class":
            ancestor = self.resolver.external_ancestor(ref.path, ref.name, set())
            return ancestor[0] if ancestor is not None else None
        return None

    def unclassified(self, path: str, call: CallFacts) -> tuple[str, str] | None:
        """Why a call assigned in a mapped class might build a column the reviewer cannot see,
        or None when it is known not to: a SQLAlchemy construct (relationship, synonym ...),
        the standard library, a builtin, or a repository class that derives from nothing
        external. Anything else could hide a labelled column, so it must block."""
        if not call.callee:
            return "", "its callee is an expression, not a name"
        ref = self.resolver.resolve(path, call.callee)
        if ref.kind == "class":
            q = self.callee_qual(path, call.callee)
            if q is None or harmless(q):
                return None
            declared = self.resolver.externals.declared(q)
            if declared is not None and declared.kind == "mixin" and declared.adds_nothing:
                return None  # ichnaea's ValidWifiShardSchema(colander.MappingSchema)()
            return call.callee, f"a class deriving from {q}"
        if ref.kind == "other" and (built := self.hidden_builder(ref.path, ref.name)) and (
                self._returns_none(ref.path, self._returned(ref.path, ref.name))):
            qual = self.resolver.repo_qual(path, call.callee)
            entry = (f'; if none of what it builds holds data, declare it in '
                     f'[tool.masking-reviewer.{CONFIG_KEY}]: "{qual}" = {{ columns = [] }}'
                     if qual else "")
            return call.callee, (f"{ref.name}() in {ref.path} calls {built}(...) when it runs, "
                                 "and masking-reviewer reads code but never runs it" + entry)
        if ref.kind == "other" and self.builds_no_column(ref.path, ref.name):
            return None
        if ref.kind != "external":
            unparsed = self.resolver.unparsed(path, call.callee)
            if unparsed is not None:
                where, (line, why) = unparsed
                return call.callee, (f"imported from {where}, which masking-reviewer could not "
                                      f"parse: {where}:{line}: {first_clause(why)}; fix it so "
                                      "it parses")
            what = {**REF_KINDS, "other": "a function or object of the repository, not a class"}
            return call.callee, what.get(ref.kind, "not a column construct")
        if ref.qual.startswith("functools.partial"):
            wrapped = self.partial_of(ref)
            if wrapped is not None and wrapped.kind == "other" and self.builds_no_column(
                    wrapped.path, wrapped.name):
                return None  # a partial of a relationship factory is one
            where = (f" of {wrapped.name}() in {wrapped.path}"
                     if wrapped is not None and wrapped.path else "")
            return call.callee, f"a functools.partial{where}"
        if harmless(ref.qual):
            return None
        declared = self.resolver.externals.declared(ref.qual)
        if declared is not None and declared.kind == "passthrough" and call.inner is not None \
                and (COLUMN_CALL.fullmatch(call.inner.callee)
                     or self.unclassified(path, call.inner) is not None):
            # what it returns is the call it is given, where the reader does not read through
            return call.callee, (f"declared to return what it is given, here "
                                 f"{call.inner.callee or 'a call'}(...)")
        if declared is not None and declared.adds_nothing:
            # `"pkg.helper" = { columns = [] }`: the user (or a shipped declaration) says it
            # builds none (pydantic's ConfigDict is a TypedDict: calling it makes a plain dict,
            # which SQLAlchemy never maps). Only an exact qualified name counts, so another
            # callee of the same package still blocks.
            return None
        return call.callee, f"from the package {ref.qual.split('.', 1)[0]!r}"

    def body_type(self, path: str, stmt: Stmt) -> bool:
        """Is ``stmt`` a method of a SQLAlchemy type its class body bound the name to before,
        which makes a type and never a column? OpenTAXII's ``content_type =
        types.LargeBinary()`` then ``content_type = content_type.with_variant(MEDIUMBLOB,
        "mysql")``, given to a ``Column`` below."""
        if stmt.receiver is None:
            return False
        q = self.callee_qual(path, stmt.receiver)
        return q is not None and is_sqla(q) and _builds_none(q)

    def partial_of(self, ref: Ref) -> Ref | None:
        """What the module-level ``NAME = functools.partial(function, ...)`` that ``ref`` is
        calls, resolved where the partial is made (the scanner keeps each such partial as a
        preset calling the function); None when not known."""
        facts = self.resolver.facts(ref.path) if ref.path and ref.name else None
        made = next((f for f in reversed(facts.factories) if f.name == ref.name),
                    None) if facts else None
        return self.resolver.resolve(ref.path, made.call.callee) \
            if made is not None and made.call.callee else None

    def inline_factory(self, path: str, call: CallFacts) -> tuple[CallFacts, set[str]] | None:
        """A repository column preset (a function returning Column/mapped_column, or a
        functools.partial of one) applied at this call: the preset's arguments plus what the
        call passes through *args/**kwargs, and the labels the preset carries."""
        ref = self.resolver.resolve(path, call.callee)
        if not ref.path or not ref.name or "." in ref.name:
            return None
        facts = self.resolver.facts(ref.path)
        preset = next((f for f in reversed(facts.factories if facts else ())
                       if f.name == ref.name), None)
        if preset is None or preset.shaped_by_params:
            return None
        inner = preset.call
        q = self.callee_qual(ref.path, inner.callee)
        if q and is_sqla(q) and tail(q) in COLUMN_WRAPPERS and inner.inner is not None:
            inner = inner.inner  # column_property(Column(*args, **kwargs), ...)
            q = self.callee_qual(ref.path, inner.callee)
        if not (q and is_sqla(q) and tail(q) in ("Column", "mapped_column")):
            return None
        kwargs, args = preset.star_kwargs, preset.star_args
        name = inner.name
        if preset.name_param is not None:
            # the literal the call gives first (or by the parameter's name, name="...")
            name = call.first_string if call.first_string is not None else (
                call.name if preset.name_param == "name" else None)
            if name is None:
                return None  # a computed name: the call blocks as an unknown callee
        elif kwargs and call.name is not None and call.first_string is None:
            name = call.name  # name="..."
        elif args and preset.star_first and call.first_string is not None:
            name = call.first_string
        merged = replace(
            inner,
            line=call.line,
            end_line=call.end_line,
            name=name,
            name_expr=None if name is not None else inner.name_expr,
            nullable=call.nullable if kwargs and call.nullable is not None else inner.nullable,
            primary_key=inner.primary_key or (kwargs and call.primary_key),
            unique=inner.unique or (kwargs and call.unique),
            type=inner.type or (call.type if args else None),
            labels=tuple(dict.fromkeys((*inner.labels, *call.labels))),
        )
        return merged, self.labels_for(ref.path, inner)

    def table_call(self, path: str, call: CallFacts) -> CallFacts | str | None:
        """What a call means as a Core table: the ``Table(...)`` call to read (SQLAlchemy's,
        a subclass of it, or a repository function passing its arguments through to it, as
        buildbot's ``def Table(*args, **kwargs): kwargs[...] = ...; return sa.Table(*args,
        **kwargs)``, read as the call it makes), why a repository function that returns a
        Table cannot be read so (then the table blocks), or None: no table."""
        q = self.callee_qual(path, call.callee)
        if q is not None:
            return call if is_sqla(q) and tail(q) == "Table" else None
        ref = self.resolver.resolve(path, call.callee)
        facts = self.resolver.facts(ref.path) if ref.kind == "other" and ref.path else None
        if facts is None or "." in ref.name:
            return None
        callees = next((cs for name, cs in reversed(facts.returns) if name == ref.name), ())
        made = [c for c in callees if (q := self.callee_qual(ref.path, c)) is not None
                and is_sqla(q) and tail(q) == "Table"]
        if not made:
            return None
        line = next((n for name, n, _p in reversed(facts.functions) if name == ref.name), 0)
        preset = next((f for f in reversed(facts.factories) if f.name == ref.name), None)
        inner = preset.call if preset is not None else None
        why: str | None = None
        if preset is None or inner is None or inner.callee not in made or len(callees) != 1:
            why = (f"it does more than return {made[0]}(*args, **kwargs) (only "
                   "kwargs[\"key\"] = value before the return is read)")
        elif preset.uses_params:
            why = f"it passes {made[0]}(...) its parameters other than as *args and **kwargs"
        elif not (preset.star_args and preset.star_first):
            why = f"it does not pass its positional arguments (*args) first to {made[0]}(...)"
        elif inner.args or inner.first_string or inner.name_expr or inner.name_error:
            why = f"it passes {made[0]}(...) positional arguments of its own"
        if why is not None or inner is None or preset is None:
            return (f"{call.callee}(...) calls {ref.name}() ({ref.path}:{line}), which returns "
                    f"{made[0]}(...), but masking-reviewer cannot follow it because {why}, so "
                    "the table's columns cannot be checked; have the function only return "
                    f"{made[0]}(*args, **kwargs), or call SQLAlchemy's Table(...) directly")
        return replace(
            call,
            reflected=inner.reflected or (preset.star_kwargs and call.reflected),
            labels=tuple(dict.fromkeys((*inner.labels, *call.labels))),
        )

    def nested_builder(self, path: str, nested: Sequence[str], *, broad: bool) -> str | None:
        """The first call inside a value, ``X(...)``, that may build a column, or None. A
        SQLAlchemy construct (relationship, synonym, column_property of a select ...) holds
        what it is given as configuration, so only a column construct in it counts; anything
        else may return what it is given (``broad``), so every call it is not known to build
        no column counts too."""
        for callee in nested:
            if not callee:
                if broad:
                    return "a call whose callee is an expression"
                continue
            shown = f"{callee}(...)"
            q = self.callee_qual(path, callee)
            if q is not None and is_sqla(q):
                if tail(q) in _BUILDS_COLUMNS:
                    return shown
                continue
            if tail(callee) in _COLUMNISH and q is None:
                return shown  # spelled like a column, resolved to nothing known
            probe = CallFacts(callee, 0)
            if self.inline_factory(path, probe) is not None:
                return shown
            if broad and self.unclassified(path, probe) is not None:
                return shown
        return None

    def handed_column(self, path: str, call: CallFacts, nested: Sequence[str]) -> str | None:
        """The call inside ``call(...)`` that may build a column ``call`` hands back: any the
        reader does not know to build none, unless ``call`` is a SQLAlchemy construct (which
        keeps what it is given as configuration)."""
        q = self.callee_qual(path, call.callee)
        if q is not None and q.startswith("builtins.str."):
            # a string's method makes a string or its parts, whatever it is given (n6's
            # `__CHECK_CONSTRAINT_SQL_TEXT = "...".format(new=ascii_alphanum_...(...))`)
            return None
        return self.nested_builder(path, nested, broad=q is None or not is_sqla(q))

    def uncast(self, path: str, through: CallFacts | None) -> CallFacts | None:
        """The call a value is read as when ``through`` wraps it: ``through`` itself unless it
        is typing.cast or a function declared to return what it is given (then None: the
        wrapped call stands)."""
        if through is None:
            return None
        if self.resolver.qual(path, through.callee) in _CASTS:
            return None
        wrapper: CallFacts | None = through  # with_roles(immutable(mapped_column(...)))
        while wrapper is not None and not COLUMN_CALL.fullmatch(wrapper.callee):
            q = self.resolver.qual(path, wrapper.callee)
            declared = self.resolver.externals.declared(q) if q is not None else None
            if declared is None or declared.kind != "passthrough":
                return through
            wrapper = wrapper.inner
        return None

    def builds_no_column(self, path: str, function: str) -> bool:
        """A repository function every return of which calls something known to build no
        column, e.g. ``return orm.relationship(...)``. A method of an object the function made
        (``hybrid_property().comparator``) is judged by what made it: a SQLAlchemy construct's
        methods return constructs of the same kind, and a Column's still build a column.
        Not when it builds a column or a table in a function it hands back
        (``hidden_builder``), and, for a name bound to what a factory returns, judged by what
        that returned function returns (``_closure_made``)."""
        callees = self._returned(path, function)
        if not callees and (made := self._returned(path, f"{function}()")):
            # a factory that returns a function of its own: in a class body what it returns
            # is that function, a method or (as a declared_attr) what the function returns
            # for the class (openFEC: related() hands back a declared_attr returning
            # relationship(...)); either way a column only if that function makes one
            returned = [self.callee_qual(path, c) or self._absolute_qual(path, c)
                        for c in (m.partition("().")[0] for m in made)]
            return all(q is not None and _builds_none(q) for q in returned) and \
                self.hidden_builder(path, function) is None
        if not callees and (closure := self._closure_made(path, function)) is not None:
            # meta_property = dict_property_factory("meta"): each call the closure returns
            # is judged as if the class body made it (a repository class deriving from no
            # external one builds none); a factory reached again through its own closure
            # (a cycle) is not known to build none
            where, callees = closure
            if (path, function) in self._judging:
                return False
            self._judging.add((path, function))
            try:
                return all(self._makes_none(where, c.partition("().")[0]) for c in callees)
            finally:
                self._judging.discard((path, function))
        if self._returns_none(path, callees):
            return self.hidden_builder(path, function) is None
        # a helper that builds a query or a SQL expression, maybe as a read-only property
        # (faraday's _make_generic_count_property: column_property(select(func.count(...))
        # ...), deferred=True)): with no Column(...) among all it calls and only what those
        # calls made returned, what it wraps in column_property is no column
        quals = self._quals(path, [c for c in self._body_calls(path, function) or () if c])
        if quals is None or not all(_builds_none(q, wrappers=True) for q in quals):
            return False
        # column_property(X) maps a column when X is one: X must be what a query builder made
        wraps = any(is_sqla(q) and tail(q) in COLUMN_WRAPPERS for q in quals)
        return not wraps or any(is_sqla(q) and (tail(q) in _QUERY_BUILDERS or ".func." in q)
                                for q in quals)

    def _absolute_qual(self, path: str, callee: str) -> str | None:
        """The external name of ``pkg.mod.name.attr`` spelled from the module down, as a name
        imported inside a function is (``bodies.closure_calls``): resolved in the repository
        module the longest such prefix names. The prefix is dotted: a bare ``db.relationship``
        whose ``db`` the module never binds is no import of some top-level ``db.py``."""
        parts = callee.split(".")
        for cut in range(len(parts) - 1, 1, -1):
            target = self.resolver.import_target(path, ".".join(parts[:cut]), 0)
            if target is not None:
                ref = self.resolver.resolve(target, ".".join(parts[cut:]))
                return ref.qual if ref.kind == "external" else None
        return None

    def _returned(self, path: str, function: str) -> tuple[str, ...]:
        """The callees every return of a repository function calls (facts ``returns``)."""
        facts = self.resolver.facts(path)
        return next((cs for name, cs in reversed(facts.returns if facts else ())
                     if name == function), ())

    def _body_calls(self, path: str, function: str) -> tuple[str, ...] | None:
        """Every callee a repository function calls, nested functions included (facts
        ``expressions``), or None when its returns hand back something made elsewhere."""
        facts = self.resolver.facts(path)
        return next((cs for name, cs in reversed(facts.expressions if facts else ())
                     if name == function), None)

    def _returns_none(self, path: str, callees: Sequence[str]) -> bool:
        """Every return of a repository function calls something that builds no column
        (``return orm.relationship(...)``, ``return declared_attr(descriptor)``)."""
        returned = self._quals(path, [c.partition("().")[0] for c in callees])
        return returned is not None and all(_builds_none(q) for q in returned)

    def hidden_builder(self, path: str, function: str) -> str | None:
        """A column or table a repository function builds beside what it returns, where the
        reader does not look: in a function it hands back, as OneGov's ``associated()``
        returns ``declared_attr(descriptor)``, whose ``descriptor(cls)`` makes ``Table(name,
        cls.metadata, Column(...), ...)`` named at run time, or before it returns
        ``relationship(..., secondary=table)``. The callee as written, or None."""
        return next((c for c in self._body_calls(path, function) or ()
                     if c and (q := self.callee_qual(path, c)) is not None
                     and is_sqla(q) and tail(q) in _HIDDEN_BUILDERS), None)

    def _makes_none(self, path: str, callee: str) -> bool:
        """A call of ``callee`` in ``path`` builds no column: no SQLAlchemy column builder,
        and nothing unclassified (as in a class body)."""
        q = self.callee_qual(path, callee)
        if q is not None and is_sqla(q) and not _builds_none(q):
            return False
        return self.unclassified(path, CallFacts(callee, 0)) is None

    def _closure_made(self, path: str, name: str) -> tuple[str, tuple[str, ...]] | None:
        """When ``name`` is bound at module level to what a repository function returns, and
        that is a function of its own (``closure_calls``): the function's module and what
        calling it returns, as written there."""
        facts = self.resolver.facts(path)
        callee = next((c for bound, c in reversed(facts.instances) if bound == name),
                      None) if facts and "." not in name else None
        ref = self.resolver.resolve(path, callee) if callee else None
        if ref is not None and ref.kind == "const" and (named := self.resolver.facts(ref.path)):
            # `dictionary_based_property_factory = dict_property_factory`: another name for it
            bound = next((t for n, t in reversed(named.bindings) if n == ref.name), None)
            ref = self.resolver.resolve(ref.path, bound) if bound else None
        if ref is None or ref.kind != "other" or not ref.path or "." in ref.name:
            return None
        made = self._returned(ref.path, f"{ref.name}()")  # scanner: what `f()` returns
        return (ref.path, made) if made else None

    def sqlalchemy_expression(self, path: str, nested: Sequence[str]) -> bool:
        """Are the calls in an expression whose own callee is no name (a method of what a call
        made: ``select(...).where(...)``) all SQLAlchemy constructs other than a column's?
        A method of a query or an expression makes a query or an expression again, never a
        column. The chained calls between them have no name either; a builtin or anything
        else named keeps the expression unread (``getattr(sa, "Column")(Integer)``)."""
        quals = self._quals(path, [n for n in nested if n])
        return quals is not None and all(is_sqla(q) and _builds_none(q) for q in quals)

    def _quals(self, path: str, callees: Sequence[str]) -> list[str] | None:
        """What each callee is outside the repository; None when there are none, or when one
        is not known (a repository function, a name defined nowhere)."""
        quals = [q for c in callees if (q := self.callee_qual(path, c)) is not None]
        return quals if quals and len(quals) == len(callees) else None

    def mapped_base(self, path: str, base: str) -> bool:
        """Does a base make its subclasses mapped (a declarative base or model)?"""
        ref = self.resolver.resolve(path, base)
        if ref.kind == "class":
            node = self.resolver.class_node(ref.path, ref.name)
            return node is not None and node.declarative
        return ref.kind == "external" and external_base_kind(ref.qual) in (
            "root-parent", "mapped-base", "sqlmodel")

    def columnish(self, path: str, stmt: Stmt) -> bool:
        """Does the statement use SQLAlchemy's column machinery (so its class is a model)?
        Spelled like it is enough: under a base that cannot be resolved, ``sql.Column`` may
        be unresolvable too, and the class must still block rather than vanish."""
        return columnish_text(stmt) or any(
            (q := self.resolver.qual(path, name)) is not None and is_sqla(q)
            and tail(q) in _COLUMNISH
            for name in _stmt_names(stmt)
        )

    def core_table(self, path: str, name: str) -> bool:
        """Is the name a ``Table(...)`` built at module level (here or in another module)?"""
        ref = self.resolver.resolve(path, name)
        if ref.kind == "external":
            return is_sqla(ref.qual) and tail(ref.qual) == "Table()"
        if ref.kind == "other":  # through a repository wrapper (module_table)
            return self.module_table(path, name) is not None
        if ref.kind != "const":  # a Table holding a label is a constant too
            return False
        facts = self.resolver.facts(ref.path)
        callee = next((c for local, c in reversed(facts.instances if facts else ())
                       if local == ref.name), None)
        q = self.resolver.qual(ref.path, callee) if callee else None
        return q is not None and is_sqla(q) and tail(q) == "Table"

    def maybe_mapped_base(self, path: str, base: str) -> bool:
        """A base that makes a class mapped, or one that may: unresolved, or a package's
        declarative base that a declaration or the installed source speaks for (SkyPortal's
        partitions, ``type(..., (Base, Mixin), {...})`` in a classmethod on baselayer's Base,
        were read as no class at all). A package's class nothing speaks for is left out:
        ``type()`` builds marshmallow schemas on those far more often than models."""
        if self.mapped_base(path, base):
            return True
        ref = self.resolver.resolve(path, base)
        if ref.kind in ("unresolved", "missing"):
            return True
        if ref.kind != "external" or external_base_kind(ref.qual) != "unknown":
            return False
        found = self.resolver.externals.find(ref.qual)
        return found is not None and found.kind == "declarative-base"

    def is_composite(self, path: str, stmt: Stmt) -> bool:
        if stmt.call is None or stmt.type_checking:
            return False
        q = self.callee_qual(path, stmt.call.callee)
        return q is not None and is_sqla(q) and tail(q) == "composite"

    def module_table(self, path: str, name: str) -> tuple[str, CallFacts] | None:
        """The ``Table(...)`` call a module-level name is bound to (here or imported), with the
        file it is in."""
        ref = self.resolver.resolve(path, name)
        table = ref.kind == "const" or (ref.kind == "external" and tail(ref.qual) == "Table()")
        # `users = tables.Table(...)` through a repository wrapper resolves to the function's
        # result, a name of the repository: read as the Table(...) call it makes
        wrapped = ref.kind == "other" and bool(ref.path) and "." not in ref.name
        facts = self.resolver.facts(ref.path) if table or wrapped else None
        line = dict(facts.table_bindings).get(ref.name) if facts else None
        call = next((c for c in facts.tables if c.line == line), None) if facts else None
        if call is not None and wrapped:
            found = self.table_call(ref.path, call)
            call = found if isinstance(found, CallFacts) else None
        return (ref.path, call) if call is not None else None

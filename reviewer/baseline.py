"""The baseline file: known gaps recorded once, so a repo can adopt the gate today.

Findings matching an entry are marked ``baselined`` and never block; anything new still
does. Entries match by ``Finding.fingerprint`` (code, path, table, column; never the line),
so moving a model around a file does not resurrect its debt.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace

from reviewer.codes import CODES
from reviewer.constants import MAX_NESTING
from reviewer.errors import UsageError
from reviewer.files import line_of, require_text, too_deep
from reviewer.sources import SourceTree
from reviewer.types import Finding

BASELINE_FILE = ".masking-reviewer-baseline.json"
BASELINE_VERSION = 1

# MR006 (broken rules file) and MR007 (unreadable model) mean the gate cannot see. A
# baselined blind spot would silently hide every later gap behind it, so these always
# block and a baseline that lists them is rejected.
NEVER_BASELINE = frozenset(c.code for c in CODES.values() if not c.baselineable)

_FIELDS = ("fingerprint", "code", "path", "table", "column", "message")
_OPTIONAL = frozenset({"table", "column"})


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    fingerprint: str
    code: str
    path: str
    table: str | None
    column: str | None
    message: str  # for humans reading the file; matching uses the fingerprint only

    def to_json(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in _FIELDS}


@dataclass(frozen=True, slots=True)
class Baseline:
    entries: tuple[BaselineEntry, ...] = ()

    def fingerprints(self) -> frozenset[str]:
        return frozenset(e.fingerprint for e in self.entries)


def can_baseline(finding: Finding) -> bool:
    """Only deterministic blocking findings are debt worth recording; warnings never block
    and AI findings never decide the gate, so baselining them would only add noise."""
    return (
        finding.severity == "error"
        and finding.source == "deterministic"
        and finding.code not in NEVER_BASELINE
    )


def entry_for(finding: Finding) -> BaselineEntry:
    return BaselineEntry(
        fingerprint=finding.fingerprint,
        code=finding.code,
        path=finding.path,
        table=finding.table,
        column=finding.column,
        message=finding.message,
    )


def _sorted(entries: Sequence[BaselineEntry]) -> tuple[BaselineEntry, ...]:
    unique = {e.fingerprint: e for e in entries}
    return tuple(
        sorted(
            unique.values(),
            key=lambda e: (e.path, e.code, e.table or "", e.column or "", e.fingerprint),
        )
    )


def dump_baseline(baseline: Baseline) -> str:
    """Stable, sorted, pretty JSON with a trailing newline, so re-runs diff cleanly."""
    doc = {
        "version": BASELINE_VERSION,
        "entries": [e.to_json() for e in _sorted(baseline.entries)],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def write_baseline(findings: Sequence[Finding]) -> str:
    return dump_baseline(Baseline(_sorted([entry_for(f) for f in findings if can_baseline(f)])))


def apply_baseline(findings: Sequence[Finding], baseline: Baseline) -> tuple[Finding, ...]:
    known = baseline.fingerprints()
    return tuple(
        replace(f, baselined=True) if can_baseline(f) and f.fingerprint in known else f
        for f in findings
    )


def prune_baseline(baseline: Baseline, findings: Sequence[Finding]) -> Baseline:
    """Drop entries whose finding is gone (fixed debt must not come back unnoticed)."""
    current = frozenset(f.fingerprint for f in findings if can_baseline(f))
    return Baseline(tuple(e for e in baseline.entries if e.fingerprint in current))


# --- loading ---------------------------------------------------------------------------


def _entry_line(text: str, index: int) -> int:
    """The line of element ``index`` of the top-level ``entries`` array (1 if unknown).

    Only for an error message: a valid baseline of thousands of entries is read with the C
    decoder and never pays for positions."""
    from reviewer.json_positions import JsonArray, JsonObject, LineIndex, decode_with_positions

    root = decode_with_positions(text)
    member = root.get("entries") if isinstance(root, JsonObject) else None
    if member is None or not isinstance(member.value, JsonArray):
        return 1
    items = member.value.items
    return LineIndex(text)(items[index].start)[0] if index < len(items) else 1


class _BadEntry(Exception):
    """An entry's problem, before its line is known."""


_FIX = f"regenerate it with `reviewer baseline` (default file: {BASELINE_FILE})"


def _entry(raw: object, where: str) -> BaselineEntry:
    if not isinstance(raw, dict):
        raise _BadEntry(f"{where} must be an object; {_FIX}")
    unknown = sorted(set(raw) - set(_FIELDS))
    if unknown:
        raise _BadEntry(f"{where} has unknown key {unknown[0]!r}; {_FIX}")
    values: dict[str, str | None] = {}
    for name in _FIELDS:
        if name not in raw:
            raise _BadEntry(f"{where} is missing {name!r}; {_FIX}")
        value = raw[name]
        if value is None and name in _OPTIONAL:
            values[name] = None
        elif isinstance(value, str) and value:
            values[name] = value
        else:
            kind = "a non-empty string or null" if name in _OPTIONAL else "a non-empty string"
            raise _BadEntry(f"{where}: {name!r} must be {kind}; {_FIX}")
    entry = BaselineEntry(
        fingerprint=str(values["fingerprint"]),
        code=str(values["code"]),
        path=str(values["path"]),
        table=values["table"],
        column=values["column"],
        message=str(values["message"]),
    )
    if entry.code in NEVER_BASELINE:
        raise _BadEntry(
            f"{where}: {entry.code} findings cannot be baselined (the gate cannot see past "
            "them); delete this entry and fix the cause"
        )
    return entry


def load_baseline(tree: SourceTree, path: str) -> Baseline:
    """The baseline at ``path`` in ``tree``; a missing file is an empty baseline."""
    text = tree.read(path)
    if text is None:
        return Baseline()
    require_text(text, path)
    # The depth check scans every token in Python (0.4 s for 16,000 entries), and a valid
    # baseline is three levels deep by its shape: so it runs only when something is wrong,
    # first, so that a too-deep file is still reported as that.
    try:
        return _load(text, path)
    except (json.JSONDecodeError, RecursionError, UsageError) as exc:
        deep = too_deep(text, MAX_NESTING)
        if deep is not None:
            raise UsageError(
                f"not valid JSON: nested deeper than {MAX_NESTING} levels; {_FIX}", path=path,
                line=line_of(text, deep),
            ) from None
        if isinstance(exc, json.JSONDecodeError):
            raise UsageError(f"not valid JSON: {exc.msg}; {_FIX}", path=path,
                             line=exc.lineno) from exc
        if isinstance(exc, RecursionError):
            raise UsageError(f"not valid JSON: nested too deep; {_FIX}", path=path,
                             line=1) from None
        raise


def _load(text: str, path: str) -> Baseline:
    doc = json.loads(text.removeprefix("\ufeff"))  # a BOM kept by an editor is fine
    if not isinstance(doc, dict):
        raise UsageError(f"must be a JSON object; {_FIX}", path=path, line=1)
    if doc.get("version") != BASELINE_VERSION:
        raise UsageError(
            f"unsupported version {doc.get('version')!r} (expected {BASELINE_VERSION}); {_FIX}",
            path=path,
            line=1,
        )
    unknown = sorted(set(doc) - {"version", "entries"})
    if unknown:
        raise UsageError(f"unknown key {unknown[0]!r}; {_FIX}", path=path, line=1)
    raw_entries = doc.get("entries")
    if not isinstance(raw_entries, list):
        raise UsageError(f"'entries' must be a list; {_FIX}", path=path, line=1)
    entries = []
    for n, raw in enumerate(raw_entries):
        try:
            entries.append(_entry(raw, f"entry {n + 1}"))
        except _BadEntry as exc:
            raise UsageError(str(exc), path=path, line=_entry_line(text, n)) from None
    return Baseline(tuple(entries))

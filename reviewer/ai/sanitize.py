"""Make model text safe to post on GitHub.

Model text is attacker-influenced (the diff it read is untrusted), so it must not ping
people, forge our hidden markers, smuggle links or break the Markdown it is embedded in.
"""

from __future__ import annotations

import re

from reviewer.constants import AI_MAX_REASON_CHARS

# An unterminated comment is stripped to the end: a dangling "<!--" hides the rest of a
# rendered GitHub comment, markers included.
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>?")
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_URL = re.compile(r"\b(?:[a-z][a-z0-9+.-]*://|www\.)\S+", re.IGNORECASE)
# GitHub mentions: @user, @org/team. The lookbehind keeps e-mail-like "a@b" out of it
# only when preceded by a word char; we still neutralise those by dropping the "@".
_MENTION = re.compile(r"@([A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:/[A-Za-z0-9_.-]+)?)")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_SPACES = re.compile(r"\s+")


def sanitize(text: str, limit: int = AI_MAX_REASON_CHARS) -> str:
    """One line of plain text: no mentions, HTML, markers, links or control characters."""
    out = _CONTROL.sub("", text)
    out = _HTML_COMMENT.sub("", out)
    out = _HTML_TAG.sub("", out)
    out = _MD_LINK.sub(r"\1", out)
    out = _URL.sub("[link removed]", out)
    out = _MENTION.sub(r"\1", out)
    # Whatever survives of "<", ">" or "`" could still open a tag or a code span.
    out = out.replace("<", "").replace(">", "").replace("`", "'")
    out = _SPACES.sub(" ", out).strip()
    if len(out) > limit:
        out = out[: limit - 1].rstrip() + "…"
    return out

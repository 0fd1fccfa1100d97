"""Untrusted chat text made plain: no control or direction-changing characters, bounded length.

Markup is not this module's job: the TUI draws chat text as plain `Text` (never parsed as
Rich/Textual markup) and escapes it wherever a markup string is unavoidable.
"""

from __future__ import annotations

import re
import unicodedata

ELLIPSIS = "…"
# Explicit bidi embeddings, overrides and isolates can reverse what follows them on screen.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SPACES = re.compile(r"\s+")
NAME_LIMIT = 25  # Twitch display names are at most 25 characters


def _plain_char(char: str) -> str:
    if char in _BIDI_CONTROLS:
        return ""
    category = unicodedata.category(char)
    if category in ("Cc", "Zl", "Zp"):  # control characters, line and paragraph separators
        return " "
    if category in ("Cs", "Co", "Cn"):  # lone surrogates, private use, unassigned
        return ""
    return char


def clean_text(text: str, limit: int) -> str:
    """One line of plain text, whitespace collapsed, at most `limit` characters (an ellipsis
    marks a cut)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    plain = "".join(_plain_char(c) for c in unicodedata.normalize("NFC", text))
    plain = _SPACES.sub(" ", plain).strip()
    if len(plain) <= limit:
        return plain
    return plain[: limit - 1].rstrip() + ELLIPSIS


def clean_name(name: str, fallback: str = "") -> str:
    """A display name: clean_text within NAME_LIMIT, or `fallback` when nothing is left."""
    cleaned = clean_text(name, NAME_LIMIT) if name else ""
    if not cleaned and fallback:
        return clean_text(fallback, NAME_LIMIT)
    return cleaned

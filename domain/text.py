"""What text the service accepts: normalised to NFC, without control characters, bidirectional
overrides, byte-order marks or line separators (a name that reads differently from what it holds,
or that breaks a log line or a spreadsheet row). Free text (reasons, findings) may span lines."""

from __future__ import annotations

import unicodedata

from domain.errors import InvalidValue

#: Bidirectional embeddings, overrides, isolates and marks; the byte-order mark; line and paragraph separators.
INVISIBLE = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\ufeff\u2028\u2029")
LINE_BREAKS = frozenset("\n\r\t")


def offending(text: str, *, multiline: bool = False) -> str | None:
    """The first character ``text`` may not hold (None when it is acceptable)."""
    for ch in text:
        if ch in INVISIBLE or unicodedata.category(ch) == "Cs":
            return ch
        if unicodedata.category(ch) == "Cc" and not (multiline and ch in LINE_BREAKS):
            return ch
    return None


def clean_text(text: str, *, field: str, multiline: bool = False) -> str:
    """``text`` in NFC; InvalidValue naming ``field`` when it holds a control or invisible formatting character."""
    bad = offending(text, multiline=multiline)
    if bad is not None:
        raise InvalidValue(
            f"{field} holds the control or formatting character U+{ord(bad):04X}",
            field=field,
            rule="no-control-characters",
        )
    return unicodedata.normalize("NFC", text)

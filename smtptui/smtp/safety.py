"""The one text-safety rule: outside text never drives a terminal (controls, bidi, invisibles)."""

from __future__ import annotations

import re

#: Code points that could move the cursor, rewrite the screen, set a title or the clipboard
#: (C0 but TAB, DEL, C1: ESC, CSI, OSC...), reorder what is shown (bidi embeddings,
#: overrides, isolates, marks), hide text (zero-width characters, word joiner, BOM, soft
#: hyphen, tags: every "Cf" format character of Unicode 15.1), break a line where none was
#: sent (U+2028, U+2029) or show as blank (the Hangul fillers).
_DANGEROUS = (
    "\x00-\x08\x0a-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
)
_FIND = re.compile(f"[{_DANGEROUS}]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x100:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def visible(text: str) -> str:
    """``text`` with every dangerous code point written as an escape (``\\x1b``, ``\\u202e``).

    Applied to all text from outside (server replies, certificate fields, DNS names, file
    names, profile fields, arguments) before it reaches a terminal, a file or JSON.
    """
    return _FIND.sub(_escape, text) if _FIND.search(text) else text


def is_dangerous(char: str) -> bool:
    """True for a code point that `visible` escapes."""
    return _FIND.match(char) is not None

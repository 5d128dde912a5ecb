"""The one text-safety rule: outside text never drives a terminal (controls, bidi, invisibles)."""

from __future__ import annotations

import re
from typing import Any

#: Code points that could move the cursor, rewrite the screen, set a title or the clipboard
#: (C0 but TAB, DEL, C1: ESC, CSI, OSC...), reorder what is shown (bidi embeddings,
#: overrides, isolates, marks), hide text (zero-width characters, word joiner, BOM, soft
#: hyphen, tags: every "Cf" format character of Unicode 15.1), break a line where none was
#: sent (U+2028, U+2029) or show as blank (the Hangul fillers); and lone surrogates, which
#: is how Python carries the undecodable bytes of a file name or an environment variable
#: (U+DC80-U+DCFF): written out with "surrogateescape" they become raw 8-bit bytes again
#: (0x9B is CSI on an 8-bit terminal), and with "strict" they raise UnicodeEncodeError.
_DANGEROUS = (
    "\x00-\x08\x0a-\x1f\x7f-\x9f"
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f"
    "\ud800-\udfff"
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


def kind_of(char: str) -> str:
    """What a dangerous code point is, in a few words for an error message ("the control
    character U+001B", "the invisible character U+202E", "a byte that is not UTF-8")."""
    code = ord(char)
    if 0xD800 <= code <= 0xDFFF:
        return "a byte that is not UTF-8"
    if code < 0x20 or 0x7F <= code <= 0x9F or code in (0x2028, 0x2029):
        return f"the control character U+{code:04X}"
    return f"the invisible character U+{code:04X}"


def _escape_json(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000  # JSON has no \U: a surrogate pair, as json.dumps writes one
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def escape_json(text: str) -> str:
    """JSON text with every dangerous code point left raw by ``json.dumps(...,
    ensure_ascii=False)`` (C1, DEL, bidi, zero-width, U+2028/2029...) written as a ``\\uXXXX``
    escape: the same JSON value, but as safe to print on a terminal as the text form.

    Only for valid JSON text (where such code points can only stand inside strings).
    """
    return _FIND.sub(_escape_json, text) if _FIND.search(text) else text


def visible_strings(value: Any) -> Any:
    """``value`` (dicts, lists and tuples of strings, numbers, booleans, None) with every
    string, keys included, passed through `visible`."""
    if isinstance(value, str):
        return visible(value)
    if isinstance(value, dict):
        return {visible_strings(key): visible_strings(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [visible_strings(item) for item in value]
    return value


def visible_json(value: Any) -> str:
    """``value`` as one line of JSON, as safe to print as the text form: every string passes
    `visible` and no dangerous code point is left raw in the JSON text (`escape_json`).

    The one writer of JSON meant for a terminal, a file or a pipe (``--json``, ``smtptui
    mx --json``, the result object kept in history).
    """
    import json  # only the JSON writers need it

    return escape_json(json.dumps(visible_strings(value), ensure_ascii=False))

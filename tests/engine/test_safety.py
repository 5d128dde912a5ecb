"""The one text-safety rule: every code point that could drive a terminal comes out escaped."""

from __future__ import annotations

import sys
import unicodedata

import pytest

from smtptui.smtp.safety import is_dangerous, visible

#: What an attacker reaches for, and what each must become.
TABLE = [
    ("\x1b[2J", "\\x1b[2J"),  # ESC: clear the screen
    ("\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),  # OSC 0: the window title
    ("\x1b]52;c;ZXZpbA==\x07", "\\x1b]52;c;ZXZpbA==\\x07"),  # OSC 52: the clipboard
    ("\x9b31m", "\\x9b31m"),  # C1 CSI
    ("\x9d0;t\x9c", "\\x9d0;t\\x9c"),  # C1 OSC and ST
    ("a\x00b\x7fc", "a\\x00b\\x7fc"),  # NUL and DEL
    ("line\rover", "line\\x0dover"),  # CR rewrites the line
    ("two\nlines", "two\\x0alines"),
    ("\u202egnp.exe", "\\u202egnp.exe"),  # RIGHT-TO-LEFT OVERRIDE
    ("\u2066x\u2069", "\\u2066x\\u2069"),  # isolates
    ("\u200f\u200e", "\\u200f\\u200e"),  # marks
    ("pay\u200bpal", "pay\\u200bpal"),  # ZERO WIDTH SPACE
    ("\u2060\ufeff", "\\u2060\\ufeff"),  # word joiner, BOM
    ("a\u2028b\u2029c", "a\\u2028b\\u2029c"),  # line and paragraph separators
    ("\U000e0041", "\\U000e0041"),  # a tag character
    ("soft\u00adhyphen", "soft\\xadhyphen"),
    ("\u3164", "\\u3164"),  # a Hangul filler shows as blank
    ("\udc9b2J", "\\udc9b2J"),  # a byte that was not UTF-8 (0x9B: CSI on an 8-bit terminal)
]


@pytest.mark.parametrize("text, shown", TABLE)
def test_dangerous_code_points_are_escaped(text: str, shown: str) -> None:
    assert visible(text) == shown


@pytest.mark.parametrize("text", ["250 2.0.0 Ok: queued as 4Xyz", "Grüße, 日本語, émoji 📬",
                                  "tab\tstays", "back\\slash", ""])
def test_ordinary_text_is_unchanged(text: str) -> None:
    assert visible(text) is text or visible(text) == text


def test_every_control_and_format_character_is_covered() -> None:
    """Against this Python's Unicode database: every Cc (but TAB), Cf, Zl, Zp, and Cs: a
    lone surrogate is how Python carries an undecodable byte of a file name or variable,
    which "surrogateescape" writes out raw again."""
    missed = [f"U+{code:04X}" for code in range(sys.maxunicode + 1)
              if (unicodedata.category(chr(code)) in ("Cc", "Cf", "Zl", "Zp", "Cs")
                  and chr(code) != "\t" and not is_dangerous(chr(code)))]
    assert missed == []


def test_what_is_made_visible_prints_even_where_only_ascii_would() -> None:
    """The escapes are ASCII: the output encodes strictly as UTF-8 (no surrogate left)."""
    for text, _shown in TABLE:
        visible(text).encode("utf-8")

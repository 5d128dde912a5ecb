"""Outside text for the output-path tests: what an attacker sends, and how to find it raw."""

from __future__ import annotations

import json
from typing import Any

from smtptui.smtp.safety import is_dangerous

#: One string of everything a hostile server, certificate, resolver or file reaches for:
#: OSC 0 (the window title), OSC 52 (a clipboard write), ESC CSI, C1 CSI, DEL, a bidi
#: override and an isolate, zero-width characters, the line and paragraph separators.
HOSTILE = ("\x1b]0;pwned\x07|\x1b]52;c;aGk=\x07|\x1b[2J|\x9b31m|\x7f|\u202eevil|\u2066x\u2069|"
           "pay\u200bpal\ufeff|a\u2028b\u2029c")
#: How its start looks once made visible.
SHOWN = "\\x1b]0;pwned\\x07|\\x1b]52;c;aGk=\\x07"


def raw_points(text: str) -> list[str]:
    """The dangerous code points (`is_dangerous`) in ``text``, line breaks between lines
    aside: empty when the text is as safe to print as smtptui promises."""
    return [f"U+{ord(char):04X}" for line in text.split("\n") for char in line
            if is_dangerous(char)]


def json_strings(line: str) -> list[str]:
    """Every string (keys too) in one JSON line, decoded."""
    found: list[str] = []
    stack: list[Any] = [json.loads(line)]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, dict):
            found.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return found


def assert_json_lines_safe(out: str) -> None:
    """Each line: valid JSON, no dangerous code point raw in it, none in any decoded string
    either (text fields pass `visible`)."""
    for line in out.splitlines():
        assert raw_points(line) == [], line
        assert all(raw_points(text) == [] for text in json_strings(line)), line

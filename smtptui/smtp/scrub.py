"""Secret scrubbing: every form of a password that could come back is masked before text leaves.

A secret is masked in each form it may take on the way back: as given, in base64, inside
the AUTH responses built from it (PLAIN, LOGIN, XOAUTH2, CRAM-MD5's digest), and as typed
by hand (a typed `AUTH PLAIN ...` or an answer to 334, decoded too). A form of at least
`MIN_ANYWHERE` characters is masked wherever it appears, also across the lines of one reply
(an echo split over two lines). A shorter form would also match ordinary words, so it is
masked only where it stands alone, as a whole word between non-alphanumeric characters.
"""

from __future__ import annotations

import binascii
import re

from smtptui.smtp.replies import Reply

#: What a server repeats at the start of each line of a reply: an enhanced code, spaces.
_LEAD = re.compile(r"(?:[245]\.\d{1,3}\.\d{1,3}(?=\s|$))?\s*")
#: The shortest form masked inside other text; a shorter one only as a word of its own.
MIN_ANYWHERE = 4
MASK = "[redacted]"


def b64(text: str | bytes) -> str:
    """Base64 of UTF-8 text (or of bytes), as AUTH sends it."""
    import base64  # AUTH only: a session without it never loads base64 (nor struct)

    data = text.encode("utf-8") if isinstance(text, str) else text
    return base64.b64encode(data).decode("ascii")


def decoded(text: str) -> str | None:
    """The text a base64 answer carries, if it is base64 of UTF-8 at all."""
    import base64

    try:
        return base64.b64decode(text.strip(), validate=True).decode("utf-8")
    except (binascii.Error, ValueError):
        return None


def _lead(line: str) -> int:
    """Where a line's own text starts, after what a server repeats on every line."""
    match = _LEAD.match(line)
    return match.end() if match else 0


class Scrubber:
    """The secrets of one session, and the masking of them in any text."""

    def __init__(self) -> None:
        self._forms: set[str] = set()
        self._pattern: re.Pattern[str] | None = None

    def __bool__(self) -> bool:
        return bool(self._forms)

    def add(self, *forms: str) -> None:
        """Mask these exact forms from now on (empty ones are ignored)."""
        fresh = {form for form in forms if form and form.strip()} - self._forms
        if fresh:
            self._forms |= fresh
            self._pattern = None

    def add_secret(self, secret: str) -> None:
        """A password or token: itself and its base64."""
        self.add(secret, b64(secret))

    def add_typed(self, payload: str) -> None:
        """A credential typed by hand (an AUTH initial response or an answer to 334): the
        line, and what it decodes to, each NUL-separated part of it (PLAIN) included."""
        payload = payload.strip()
        self.add(payload)
        text = decoded(payload)
        if text:
            self.add(text, *text.split("\x00"))

    def _compiled(self) -> re.Pattern[str]:
        if self._pattern is None:
            long = sorted((f for f in self._forms if len(f) >= MIN_ANYWHERE), key=len,
                          reverse=True)
            short = sorted((f for f in self._forms if len(f) < MIN_ANYWHERE), key=len,
                           reverse=True)
            parts = [re.escape(f) for f in long]
            parts += [rf"(?<![^\W_]){re.escape(f)}(?![^\W_])" for f in short]
            self._pattern = re.compile("|".join(parts))
        return self._pattern

    def clean(self, text: str) -> str:
        """``text`` with every form masked."""
        if not self._forms or not text:
            return text
        return self._compiled().sub(MASK, text)

    def clean_lines(self, lines: tuple[str, ...]) -> tuple[str, ...]:
        """Lines masked one by one and also as one text, so that a form split over two lines
        is masked too: the lines are joined without what a server repeats at the start of
        each (an enhanced status code, spaces) or leaves at the end (spaces)."""
        if not self._forms:
            return lines
        cores = [(_lead(line), len(line.rstrip())) for line in lines]
        joined = "".join(line[start:end] for line, (start, end) in zip(lines, cores,
                                                                         strict=True))
        spans = [match.span() for match in self._compiled().finditer(joined)]
        out = []
        offset = 0
        for line, (start, end) in zip(lines, cores, strict=True):
            length = max(end - start, 0)
            cuts = [(start + max(lo, offset) - offset, start + min(hi, offset + length) - offset)
                    for lo, hi in spans if lo < offset + length and hi > offset]
            offset += length
            for lo, hi in reversed(cuts):
                line = line[:lo] + MASK + line[hi:]
            out.append(self.clean(line))
        return tuple(out)

    def clean_reply(self, reply: Reply) -> Reply:
        """The reply with every form masked, in its text and in its raw lines."""
        if not self._forms:
            return reply
        lines = self.clean_lines(reply.lines)
        if lines == reply.lines and not any(self.clean(raw) != raw for raw in reply.raw):
            return reply
        raw = []
        for index, text in enumerate(reply.raw):
            line = reply.lines[index] if index < len(reply.lines) else None
            if line is not None and text.endswith(line):  # code and separator, then the text
                raw.append(text[: len(text) - len(line)] + lines[index])
            else:
                raw.append(self.clean(text))
        return Reply(reply.code, lines, tuple(raw))

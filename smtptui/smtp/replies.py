"""SMTP reply parsing (RFC 5321 §4.2): multiline replies, enhanced status codes, size caps."""

from __future__ import annotations

import re

from smtptui.smtp.errors import RemoteProtocolError
from smtptui.smtp.record import record
from smtptui.smtp.safety import visible

#: RFC 5321 §4.5.3.1.5 allows 512 octets per reply line; real servers overshoot, so allow 8x.
MAX_LINE = 4096
#: A whole reply (all its lines) may not exceed this many octets ...
MAX_REPLY_BYTES = 65536
#: ... nor this many lines (a 10,000-line reply is a hostile server, not a capability list).
MAX_REPLY_LINES = 512

_ENHANCED = re.compile(r"^([245])\.(\d{1,3})\.(\d{1,3})(?=[\s:]|$)")  # "2.0.0:" (OpenSMTPD)
#: What an SMTP-inspecting firewall (Cisco PIX/ASA "fixup smtp") puts in place of the text of a
#: reply it masks, the space after the code included ("220*****0*2***"): read as a last line.
MASK = "*"


@record(frozen=True)
class Reply:
    """One complete server reply: a three-digit code and its text lines."""

    code: int
    lines: tuple[str, ...]
    raw: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The reply's text, lines joined by newlines (code and separators removed)."""
        return "\n".join(self.lines)

    @property
    def enhanced(self) -> str | None:
        """The RFC 3463 enhanced status code of the first line ("5.7.1"), when present."""
        return enhanced_code(self.code, self.lines[0]) if self.lines else None

    @property
    def positive(self) -> bool:
        """True for 2xx and 3xx replies."""
        return 200 <= self.code < 400

    @property
    def transient(self) -> bool:
        """True for 4xx replies."""
        return 400 <= self.code < 500

    @property
    def permanent(self) -> bool:
        """True for 5xx replies."""
        return self.code >= 500

    @property
    def quirks(self) -> tuple[str, ...]:
        """What is odd in the reply's form but was read all the same, in words (shown as info
        lines: a quirk is never passed over silently)."""
        found = []
        if any(raw[3:4] == MASK for raw in self.raw):
            found.append(f"no space after the reply code {self.code}: its text is masked with "
                         "asterisks, as an SMTP-inspecting firewall (Cisco PIX/ASA \"fixup "
                         "smtp\") masks it; the line was read as the reply's last line")
        elif any(_masked(text) for text in self.lines):
            found.append("the reply's text is masked with asterisks, as an SMTP-inspecting "
                         "firewall (Cisco PIX/ASA \"fixup smtp\") masks it: such a firewall may "
                         "refuse or rewrite ESMTP commands (EHLO, STARTTLS, AUTH)")
        return tuple(found)

    def __str__(self) -> str:
        return "\n".join(self.raw) if self.raw else f"{self.code} {self.text}"


def _masked(text: str) -> bool:
    """Mostly asterisks: a text an SMTP-inspecting firewall masked."""
    stripped = text.replace(" ", "")
    return len(stripped) >= 8 and stripped.count(MASK) >= 0.8 * len(stripped)


def enhanced_code(code: int, text: str) -> str | None:
    """The enhanced status code at the start of a reply line's text, when its class agrees
    with the reply code's first digit (RFC 3463 §2: "250 5.1.1 x" has none)."""
    match = _ENHANCED.match(text.strip())
    if match and match.group(1) == str(code)[0]:
        return ".".join(match.groups())
    return None


def _decode(line: bytes) -> str:
    """Server text is data: decode leniently (bytes that are not UTF-8 kept as \\xNN) and make
    control characters visible, so no error message or diagnosis quoting it carries them."""
    return visible(line.decode("utf-8", errors="backslashreplace"))


class ReplyParser:
    """Incremental reply reader: ``feed(bytes)`` then ``replies()`` (sans-IO, h11 style)."""

    def __init__(self) -> None:
        self._buffer = bytearray()
        self._lines: list[tuple[str, str]] = []  # (text, raw) of the reply being read
        self._code: int | None = None
        self._size = 0
        self._ready: list[Reply] = []
        self.bare_lf_lines = 0  # lines ended by LF alone (RFC 5321 §2.3.8 requires CRLF)

    def feed(self, data: bytes) -> None:
        """Take bytes from the wire; raise RemoteProtocolError on a malformed reply."""
        self._buffer += data
        while True:
            end = self._buffer.find(b"\n")
            if end < 0:
                if len(self._buffer) > MAX_LINE:
                    raise RemoteProtocolError(
                        f"reply line longer than {MAX_LINE} octets with no end of line"
                    )
                return
            line = bytes(self._buffer[: end + 1])
            del self._buffer[: end + 1]
            if len(line) > MAX_LINE + 2:
                raise RemoteProtocolError(f"reply line longer than {MAX_LINE} octets")
            if not line.endswith(b"\r\n"):
                self.bare_lf_lines += 1
            self._take_line(line.rstrip(b"\r\n"))

    def _take_line(self, line: bytes) -> None:
        raw = _decode(line)
        if len(line) < 3 or not line[:3].isdigit():
            raise RemoteProtocolError(f"malformed reply line (no three-digit code): {raw!r}")
        code = int(line[:3])
        if not 200 <= code <= 599:
            raise RemoteProtocolError(f"reply code {code} is outside 2xx-5xx: {raw!r}")
        sep = line[3:4]
        if sep == MASK.encode():  # the firewall masked the space too: a last line (Reply.quirks)
            line = line[:3] + b" " + line[3:]
        elif sep not in (b"", b" ", b"-"):
            raise RemoteProtocolError(f"malformed reply line (bad separator): {raw!r}")
        if self._code is not None and code != self._code:
            raise RemoteProtocolError(
                f"reply code changed within one reply ({self._code} then {code}): {raw!r}"
            )
        self._code = code
        self._size += len(line)
        self._lines.append((_decode(line[4:]), raw))
        if len(self._lines) > MAX_REPLY_LINES or self._size > MAX_REPLY_BYTES:
            raise RemoteProtocolError(
                f"reply exceeds {MAX_REPLY_LINES} lines or {MAX_REPLY_BYTES} octets"
            )
        if sep != b"-":
            texts = tuple(text for text, _ in self._lines)
            raws = tuple(r for _, r in self._lines)
            self._ready.append(Reply(code, texts, raws))
            self._lines, self._code, self._size = [], None, 0

    def replies(self) -> list[Reply]:
        """Return and forget the complete replies read so far."""
        ready, self._ready = self._ready, []
        return ready

    def next_reply(self) -> Reply | None:
        """Return and forget the oldest complete reply read so far (None: none is complete)."""
        return self._ready.pop(0) if self._ready else None

    def unfinished(self) -> list[str]:
        """The lines of the reply being read that have come so far, and a line that never got
        its end (shown when the reply never ends)."""
        lines = [raw for _, raw in self._lines]
        if self._buffer:
            lines.append(_decode(bytes(self._buffer).rstrip(b"\r")))
        return lines

    @property
    def partial(self) -> bool:
        """True when part of a reply (a line or continuation lines) is waiting for more bytes."""
        return bool(self._buffer) or bool(self._lines)

    def discard(self) -> int:
        """Drop everything buffered (before a TLS hand-shake); return how many octets went."""
        dropped = len(self._buffer) + sum(len(r) for _, r in self._lines)
        self._buffer.clear()
        self._lines, self._code, self._size = [], None, 0
        dropped += sum(len(str(r)) for r in self._ready)
        self._ready = []
        return dropped

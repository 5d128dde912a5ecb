"""The message on the wire: CRLF-normalised, dot-stuffed; its scan (8-bit, NUL, size, lines)."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator
from typing import Protocol

from smtptui.smtp.errors import InputError
from smtptui.smtp.record import record

CHUNK = 1024 * 1024
#: RFC 5321 §4.5.3.1.6: a text line is at most 998 octets plus CRLF.
MAX_TEXT_LINE = 998


@record(frozen=True)
class MessageFacts:
    """What a scan of the message found: sizes, 8-bit bytes, long lines, line count."""

    wire_size: int  # octets of the DATA payload as sent, dot-stuffed, without the final ".\r\n"
    eight_bit: bool
    long_lines: int  # lines over 998 octets
    lines: int
    stuffed: int = 0  # dots doubled by dot-stuffing
    eight_bit_headers: bool = False  # 8-bit bytes before the first empty line (RFC 6532)
    raw_size: int = 0  # octets of the message as read (a file changed since shows here...)
    crc32: int = 0  # ... or here: what is sent must be what was checked
    nul: bool = False  # NUL bytes: binary content, which only BDAT with BINARYMIME carries

    @property
    def size(self) -> int:
        """The size RFC 1870 §3 declares in SIZE=: CRLF line ends, no doubled dots."""
        return self.wire_size - self.stuffed


def _normalise(data: bytes) -> bytes:
    """Every CRLF, bare CR and bare LF becomes LF (CRLF is restored after dot-stuffing)."""
    if b"\r" not in data:  # the usual LF file: memchr, instead of two passes that find nothing
        return data
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


#: A line that starts with a dot, in the LF form. `re` finds this two-octet literal at about
#: twice the speed of bytes.count/replace, whose search steps a few octets at a time through
#: text where LF comes every line (docs/performance.md).
_LINE_DOT = re.compile(rb"\n\.")
#: Dots looked at one at a time (memchr) before the regular expression takes over a chunk.
_FEW_DOTS = 64


def _line_dots(text: bytes) -> list[int]:
    """Where the dots that begin a line (after an LF) are. While a chunk's dots are few (a
    base64 attachment has none, the benchmark's text one a line in 500), memchr finds each
    dot and the octet before it is looked at; once it has proved to hold many (prose, a dot a
    sentence), the regular expression does the rest at ~0.4 ms a MiB."""
    marks: list[int] = []
    at = text.find(b".", 1)
    for _ in range(_FEW_DOTS):
        if at < 0:
            return marks
        if text[at - 1] == 0x0A:
            marks.append(at)
        at = text.find(b".", at + 1)
    if at >= 0:
        marks.extend(found.start() + 1 for found in _LINE_DOT.finditer(text, at - 1))
    return marks


def _stuffed(text: bytes) -> tuple[bytes, int]:
    """``text`` with a dot added after every LF that a dot follows, and how many were added."""
    marks = _line_dots(text)
    if not marks:
        return text, 0
    view = memoryview(text)  # slices without copies; join copies once
    return b".".join([view[a:b] for a, b in zip([0, *marks], [*marks, len(text)],
                                                strict=True)]), len(marks)


def _long_lines(text: bytes, start: int, end: int) -> int:
    """How many lines longer than 998 octets lie between ``start`` (a line start) and the LF
    at ``end``: a window of 999 octets holding no LF is such a line, and a window holding
    one skips every line up to its last LF, so a chunk takes ~1,100 searches a MiB, at C
    speed (a split into lines made ~13,000 objects a MiB)."""
    long = 0
    window = MAX_TEXT_LINE + 1
    while start < end:
        found = text.rfind(b"\n", start, start + window if start + window <= end else end + 1)
        if found < 0:
            long += 1
            found = text.find(b"\n", start)
        start = found + 1
    return long


class DataEncoder:
    """Incremental DATA encoder: feed chunks, get wire bytes; no end-of-data sequence leaks.

    ``stuff=False`` is BDAT's form (RFC 3030): line ends normalised to CRLF, no dot-stuffing
    and no end-of-data line (the chunk sizes say where the message ends)."""

    def __init__(self, *, stuff: bool = True) -> None:
        self._stuff = stuff
        self._carry_cr = False
        self._line_start = True
        self._empty = True
        self.stuffed = 0  # dots added so far

    def feed(self, chunk: bytes) -> bytes:
        """Encode one chunk of the message; a trailing CR is held until the next chunk."""
        return self.feed_text(chunk).replace(b"\n", b"\r\n")

    def feed_text(self, chunk: bytes) -> bytes:
        """The same, with LF line ends: each LF becomes CRLF on the wire (one octet more)."""
        if not chunk:
            return b""
        if self._carry_cr:
            chunk = b"\r" + chunk
            self._carry_cr = False
        if chunk.endswith(b"\r"):
            chunk = chunk[:-1]
            self._carry_cr = True
            if not chunk:
                return b""
        text = _normalise(chunk)
        if self._stuff:
            text, added = _stuffed(text)
            self.stuffed += added
            if self._line_start and text.startswith(b"."):
                text = b"." + text
                self.stuffed += 1
        self._line_start = text.endswith(b"\n")
        self._empty = False
        return text

    def finish(self) -> bytes:
        """The rest: a held CR as a line end, a CRLF if the last line had none, then ".\r\n"."""
        tail = b""
        if self._carry_cr:
            tail = b"\r\n"
            self._carry_cr = False
            self._line_start = True
        elif not self._line_start and not self._empty:
            tail = b"\r\n"
        return tail + b".\r\n" if self._stuff else tail


class MessageBody(Protocol):
    """A message to send, read chunk by chunk (a file streamed from disk, or bytes)."""

    @property
    def label(self) -> str: ...

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]: ...

    def scan(self, allow_binary: bool = False) -> MessageFacts: ...

    def wire_chunks(self) -> Iterator[bytes]: ...


def scan(chunks: Iterable[bytes], label: str, *, from_file: bool = True,
         allow_binary: bool = False) -> MessageFacts:
    """One streaming pass: refuse empty files and (unless ``allow_binary``: BDAT may carry
    them as BINARYMIME) NUL bytes; measure what SIZE= and the checks need."""
    encoder = DataEncoder()
    size = lines = long_lines = current = 0
    eight_bit = False
    raw_total = crc = 0
    nul = False
    headers = _HeaderWatch()
    for chunk in chunks:
        raw_total += len(chunk)
        crc = zlib.crc32(chunk, crc)
        if b"\x00" in chunk and allow_binary:
            nul = True
        elif b"\x00" in chunk:
            offset = raw_total - len(chunk) + chunk.index(b"\x00")
            raise InputError(
                f"{label}: contains a NUL byte at offset {offset} "
                "(not text; SMTP DATA cannot carry it; --chunking can, as BINARYMIME, where "
                "the server offers it)"
            )
        if not eight_bit and not chunk.isascii():
            eight_bit = True
        text = encoder.feed_text(chunk)
        headers.feed(text)
        # The line count: bytes.count looks at every octet, replace finds a one-octet needle
        # with memchr (~0.2 ms a MiB against ~0.4, the copy included).
        breaks = len(text.replace(b"\n", b"\r\n")) - len(text)
        size += len(text) + breaks
        if not breaks:
            current += len(text)
            continue
        # Line statistics at C speed: the line the chunk ends, the whole lines inside it, and
        # the start of the next.
        first_end, last_end = text.find(b"\n"), text.rfind(b"\n")
        long_lines += (current + first_end > MAX_TEXT_LINE) + _long_lines(
            text, first_end + 1, last_end)
        current = len(text) - last_end - 1
        lines += breaks
    if raw_total == 0 and from_file:
        raise InputError(f"{label}: the message file is empty")
    tail = encoder.finish()[:-3]  # the line end the encoder adds, without ".\r\n"
    size += len(tail)
    if tail:
        lines += 1
        if current > MAX_TEXT_LINE:
            long_lines += 1
    return MessageFacts(size, eight_bit, long_lines, lines, encoder.stuffed, headers.eight_bit,
                        raw_total, crc, nul)


def wire_chunks(chunks: Iterable[bytes]) -> Iterator[bytes]:
    """The DATA payload as sent: normalised, dot-stuffed, ending in exactly CRLF.CRLF."""
    encoder = DataEncoder()
    for chunk in chunks:
        out = encoder.feed(chunk)
        if out:
            yield out
    yield encoder.finish()



class _HeaderWatch:
    """Whether the header section (up to the first empty line) holds 8-bit bytes, fed the
    LF-form text chunk by chunk."""

    def __init__(self) -> None:
        self.eight_bit = False
        self._done = False
        self._last = b"\n"  # the message starts at a line start

    def feed(self, text: bytes) -> None:
        if self._done or not text:
            return
        seen = self._last + text
        end = seen.find(b"\n\n")
        head = seen if end < 0 else seen[:end]
        self.eight_bit = self.eight_bit or not head.isascii()
        self._done = end >= 0
        self._last = text[-1:]

"""The message on its way out: encoded chunk by chunk, its first lines kept, its bytes counted."""

from __future__ import annotations

import zlib

from smtptui.smtp.data import DataEncoder, MessageFacts
from smtptui.smtp.transcript import MessagePreview

#: How many lines of the message the transcript shows before folding the rest.
SHOWN_MESSAGE_LINES = 40


class MessageStream:
    """One DATA transfer: wire bytes (CRLF, dot-stuffed) for each chunk read, the lines the
    transcript shows, and the size and CRC-32 of what was read, to set against the scan.
    ``bdat``: for BDAT chunks (CRLF, no dot-stuffing, no final dot); ``binary``: BINARYMIME,
    the bytes unchanged."""

    def __init__(self, shown: int = SHOWN_MESSAGE_LINES, *, bdat: bool = False,
                 binary: bool = False) -> None:
        self._encoder = DataEncoder(stuff=not bdat)
        self._binary = binary  # BINARYMIME: the bytes as they are, no line-end changes
        self._preview = MessagePreview(shown)
        self.octets = 0
        self.crc = 0

    @property
    def shown(self) -> int:
        """The lines shown so far."""
        return self._preview.shown

    def chunk(self, raw: bytes) -> tuple[bytes, list[bytes]]:
        """The wire form of a chunk of the message, and the lines it finished to show."""
        self.octets += len(raw)
        self.crc = zlib.crc32(raw, self.crc)
        data = raw if self._binary else self._encoder.feed(raw)
        return data, self._preview.take(data, last=False)

    def end(self) -> tuple[bytes, list[bytes]]:
        """The end of the message and the final dot, and the last lines to show."""
        tail = b"" if self._binary else self._encoder.finish()
        return tail, self._preview.take(tail, last=True)

    def changed_since(self, facts: MessageFacts) -> str:
        """How the message read differs from the one scanned ("" when it is the same)."""
        if (self.octets, self.crc) == (facts.raw_size, facts.crc32):
            return ""
        if self.octets != facts.raw_size:
            return f"it is now {self.octets:,} octets, {facts.raw_size:,} when checked"
        return "its content changed, at the same size"

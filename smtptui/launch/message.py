"""The message to send: a .eml file streamed from disk, or a composed message in memory."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from smtptui.smtp import data
from smtptui.smtp.data import CHUNK, MessageFacts
from smtptui.smtp.errors import InputError


class MessageSource:
    """A message to send: a file streamed from disk, or bytes composed in memory."""

    def __init__(self, *, path: Path | None = None, data: bytes | None = None) -> None:
        if (path is None) == (data is None):
            raise ValueError("give exactly one of path or data")
        self.path = path
        self._data = data
        self._facts: MessageFacts | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MessageSource:
        """Open-check a .eml file now, so a missing or unreadable file is input error 1."""
        p = Path(path)
        if not p.exists():
            raise InputError(f"message file {str(p)!r} does not exist")
        if p.is_dir():
            raise InputError(f"message file {str(p)!r} is a directory")
        if not p.is_file():  # a FIFO would block the open; a pipe cannot be read twice
            raise InputError(f"message file {str(p)!r} is not a regular file (a pipe, socket "
                             "or device): save the message to a file first")
        try:
            with p.open("rb"):
                pass
        except OSError as exc:
            raise InputError(f"message file {str(p)!r} cannot be read: {exc.strerror}") from None
        return cls(path=p)

    def __eq__(self, other: object) -> bool:
        """The same file, or the same bytes."""
        if not isinstance(other, MessageSource):
            return NotImplemented
        return (self.path, self._data) == (other.path, other._data)

    __hash__ = None  # type: ignore[assignment]

    @property
    def label(self) -> str:
        """How the message is named in the transcript."""
        return str(self.path) if self.path else "composed test message"

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The raw message, chunk by chunk (memory does not grow with the message)."""
        if self._data is not None:
            for i in range(0, len(self._data), size):
                yield self._data[i : i + size]
            return
        assert self.path is not None
        try:
            with self.path.open("rb") as fh:
                while chunk := fh.read(size):
                    yield chunk
        except OSError as exc:
            raise InputError(f"message file {str(self.path)!r}: {exc.strerror}") from None

    def scan(self, allow_binary: bool = False) -> MessageFacts:
        """Sizes, 8-bit bytes, long lines and line count (one streaming pass, then kept)."""
        if self._facts is None:
            self._facts = data.scan(self.chunks(), self.label, from_file=self.path is not None,
                                    allow_binary=allow_binary)
        return self._facts

    def wire_chunks(self) -> Iterator[bytes]:
        """The DATA payload as sent: normalised, dot-stuffed, ending in exactly CRLF.CRLF."""
        return data.wire_chunks(self.chunks())

"""The message to send: a .eml file or standard input streamed from disk, or a composed message
(in memory, with --attach files streamed from disk as base64); --header edits on the way out."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from typing import IO, TYPE_CHECKING, BinaryIO

from smtptui.smtp import data
from smtptui.smtp.data import CHUNK, MessageFacts
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import record

if TYPE_CHECKING:
    from pathlib import Path

    from smtptui.launch.headers import HeaderEdit

#: Octets of a file encoded per base64 chunk: 57 octets make one 76-character line (RFC 2045
#: §6.8), and 18,396 lines about 1 MiB.
_B64_READ = 57 * 18396


@record(frozen=True)
class Base64File:
    """An attached file: its content as base64 lines of 76 characters (CRLF), read from disk
    each time the message is read (a file changed since the scan fails its checksum)."""

    path: Path


#: A composed message: literal octets and attached files, in order.
Piece = bytes | Base64File


class MessageSource:
    """A message to send: a file streamed from disk (a .eml, or standard input spooled to a
    private file), or bytes composed in memory (attached files streamed from disk); header
    edits (--header, --add-header) applied to its header section as it is read."""

    def __init__(self, *, path: Path | None = None, data: bytes | None = None,
                 pieces: Sequence[Piece] | None = None, spool: IO[bytes] | None = None,
                 edits: Sequence[HeaderEdit] = ()) -> None:
        if sum(x is not None for x in (path, data, pieces, spool)) != 1:
            raise ValueError("give exactly one of path, data, pieces or spool")
        self.path = path
        self._data = data
        self._pieces = tuple(pieces) if pieces is not None else None
        self._spool = spool
        self.edits = tuple(edits)
        self._facts: MessageFacts | None = None

    @classmethod
    def from_file(cls, path: str | os.PathLike[str]) -> MessageSource:
        """Open-check a .eml file now, so a missing or unreadable file is input error 1."""
        return cls(path=check_file(path, "message file", "save the message to a file first, "
                                   "or pass it on standard input (--eml -)"))

    @classmethod
    def from_stdin(cls, stream: BinaryIO, *, tty: bool = False) -> MessageSource:
        """Standard input (``--eml -``), read once, to its end, into a private temporary file
        (mode 0600, without a name on Linux, gone when the run ends): the scan and the send
        read the same octets from there, in flat memory whatever the message's size."""
        if tty:
            raise InputError("--eml -: standard input is a terminal; pipe the message in "
                             "(smtptui run ... --eml - < message.eml)")
        import tempfile

        spool = None
        try:
            spool = tempfile.TemporaryFile(prefix="smtptui-stdin-")  # noqa: SIM115 - kept open
            while chunk := stream.read(CHUNK):
                spool.write(chunk)
            spool.flush()
            size = spool.tell()
        except OSError as exc:
            if spool is not None:
                spool.close()
            where = "spooling standard input" if spool is not None else "making a spool file"
            raise InputError(f"--eml -: {where} failed: {exc.strerror or exc} (the spool goes "
                             f"to $TMPDIR, {tempfile.gettempdir()})") from None
        if size == 0:
            spool.close()
            raise InputError("--eml -: standard input is empty: no message to send")
        return cls(spool=spool)

    def with_edits(self, edits: Sequence[HeaderEdit]) -> MessageSource:
        """The same message with these header edits (the source is shared, not copied)."""
        return MessageSource(path=self.path, data=self._data, pieces=self._pieces,
                             spool=self._spool, edits=(*self.edits, *edits))

    def __eq__(self, other: object) -> bool:
        """The same file, the same bytes, the same stream, the same edits."""
        if not isinstance(other, MessageSource):
            return NotImplemented
        return ((self.path, self._data, self._pieces, self._spool, self.edits)
                == (other.path, other._data, other._pieces, other._spool, other.edits))

    __hash__ = None  # type: ignore[assignment]

    @property
    def label(self) -> str:
        """How the message is named in the transcript."""
        if self.path:
            return str(self.path)
        return "standard input" if self._spool is not None else "composed test message"

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        """The raw message, chunk by chunk (memory does not grow with the message)."""
        if not self.edits:
            return self._raw_chunks(size)
        from smtptui.launch.headers import edited

        return edited(self._raw_chunks(size), self.edits, self.label)

    def _raw_chunks(self, size: int) -> Iterator[bytes]:
        """The message as stored: the file, the spool, the bytes or the composed pieces."""
        if self._spool is not None:
            yield from _spooled(self._spool, size)
            return
        if self._pieces is not None:
            for piece in self._pieces:
                yield from _base64(piece.path) if isinstance(piece, Base64File) else (piece,)
            return
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
            _prime_allocator()
            self._facts = data.scan(self.chunks(), self.label, from_file=self.path is not None,
                                    allow_binary=allow_binary)
        return self._facts

    def wire_chunks(self) -> Iterator[bytes]:
        """The DATA payload as sent: normalised, dot-stuffed, ending in exactly CRLF.CRLF."""
        return data.wire_chunks(self.chunks())


_primed = False


def _prime_allocator() -> None:
    """Free one block of 4 MiB, once a process: glibc's malloc then raises its mmap and trim
    thresholds (mallopt(3), "dynamic mmap threshold") and keeps the chunks' buffers of 1 MiB
    in its heap for reuse, where it would map and unmap each one and fault every page in
    afresh: ~16,000 page faults fewer for a 25 MB message, ~15 ms of system time, the same
    peak memory (docs/performance.md). The block is never written to (calloc of fresh pages);
    other allocators take it as one more allocation."""
    global _primed
    if not _primed:
        _primed = True
        bytes(4 * CHUNK)


def check_file(path: str | os.PathLike[str], what: str, hint: str = "save it to a file first"
               ) -> Path:
    """A regular file that can be opened for reading now, or InputError naming ``what``."""
    from pathlib import Path  # only for a file: a composed message's run never needs pathlib

    p = Path(path)
    if not p.exists():
        raise InputError(f"{what} {str(p)!r} does not exist")
    if p.is_dir():
        raise InputError(f"{what} {str(p)!r} is a directory")
    if not p.is_file():  # a FIFO would block the open; a pipe cannot be read twice
        raise InputError(f"{what} {str(p)!r} is not a regular file (a pipe, socket "
                         f"or device): {hint}")
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise InputError(f"{what} {str(p)!r} cannot be read: {exc.strerror}") from None
    return p


def _spooled(spool: IO[bytes], size: int) -> Iterator[bytes]:
    """The spool from its start; pread, so that no reader moves another's offset."""
    offset, fd = 0, spool.fileno()
    while chunk := os.pread(fd, size, offset):
        offset += len(chunk)
        yield chunk


def _base64(path: Path) -> Iterator[bytes]:
    """A file as base64 lines of 76 characters ending in CRLF (RFC 2045 §6.8)."""
    import base64

    try:
        with path.open("rb") as fh:
            while chunk := fh.read(_B64_READ):
                while len(chunk) % 57 and (more := fh.read(57 - len(chunk) % 57)):
                    chunk += more  # a short read inside the file: keep whole lines
                yield base64.encodebytes(chunk).replace(b"\n", b"\r\n")
    except OSError as exc:
        raise InputError(f"attached file {str(path)!r}: {exc.strerror}") from None

"""Transcript events (sent, received, info, error, progress, pending) and the message preview."""

from __future__ import annotations

from typing import Any

from smtptui.smtp.record import field, record
from smtptui.smtp.replies import Reply
from smtptui.smtp.safety import visible, visible_json

__all__ = ["Event", "MessagePreview", "Pending", "Progress", "Rejected", "StageTiming", "visible"]

#: Markers as swaks prints them.
MARKERS = {
    ("send", False): "->",
    ("recv", False): "<-",
    ("send", True): "~>",
    ("recv", True): "<~",
    ("info", False): "===",
    ("error", False): "***",
}


@record(frozen=True)
class Event:
    """One transcript line: ``kind`` is send, recv, info or error; ``t`` is seconds since start."""

    t: float
    kind: str
    stage: str
    text: str
    tls: bool = False
    reply: Reply | None = field(default=None, repr=False, compare=False)  # a received line's
    keyword: str = ""  # an explanation of an EHLO keyword: the keyword (in --json too)

    @property
    def marker(self) -> str:
        """The swaks-style direction marker of this line."""
        return MARKERS.get((self.kind, self.tls if self.kind in ("send", "recv") else False), "===")

    def to_json(self) -> str:
        """One JSON object: {"t", "kind", "stage", "text"} (and "tls" for lines inside TLS),
        as safe to print as the text form (`visible_json`)."""
        obj: dict[str, Any] = {"t": round(self.t, 6), "kind": self.kind, "stage": self.stage,
                               "text": self.text}
        if self.tls:
            obj["tls"] = True
        if self.keyword:
            obj["keyword"] = self.keyword
        return visible_json(obj)


@record(frozen=True)
class Progress:
    """DATA transfer progress: octets sent of the total, and seconds since the DATA began."""

    t: float
    sent: int
    total: int
    elapsed: float


@record(frozen=True)
class Pending:
    """The next command the session will send (known before it is sent; editable in step mode)."""

    t: float
    stage: str
    line: str


@record(frozen=True)
class StageTiming:
    """How long a stage took, from its command (or the connect) to the end of its reply."""

    t: float
    stage: str
    seconds: float


@record
class Rejected:
    """A recipient the server refused, with the reply that refused it."""

    address: str
    code: int
    text: str


class MessagePreview:
    """The first lines of the message as sent, for the transcript: bounded in lines shown and
    in memory kept, whatever the message (a line over 998 octets is shown cut, with a count
    of what was left out). Lines end in CRLF; chunk boundaries may fall anywhere."""

    #: RFC 5322 §2.1.1: a line is at most 998 characters; longer ones are shown cut here.
    CUT = 998

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.shown = 0  # lines shown (returned by take) so far
        self._head = bytearray()  # the current line's first octets (at most CUT + 3)
        self._length = 0  # the current line's octets so far, its pending CR not counted
        self._cr = False  # the previous chunk ended in a CR: the next one may finish a CRLF

    def take(self, chunk: bytes, last: bool) -> list[bytes]:
        """Lines finished by `chunk` still to show (``last``: `chunk` ends the data); the
        terminating "." is never one of them. A cut line ends in "… [N more octets on this
        line]"."""
        out: list[bytes] = []
        if self.shown >= self.limit:
            return out
        end = len(chunk)
        pos = 0
        if self._cr:
            self._cr = False
            if chunk[:1] == b"\n":
                self._finish(out, last and end == 1)
                pos = 1
            else:
                self._add(b"\r", 0, 1)
        while self.shown + len(out) < self.limit:
            found = chunk.find(b"\r\n", pos)
            if found < 0:
                break
            self._add(chunk, pos, found)
            pos = found + 2
            self._finish(out, last and pos == end)
        if self.shown + len(out) >= self.limit:  # the rest will never be shown
            self.shown += len(out)
            return out
        if chunk.endswith(b"\r") and pos < end:
            self._add(chunk, pos, end - 1)
            self._cr = True
        else:
            self._add(chunk, pos, end)
        if last and (self._length or self._cr):  # data not ending in CRLF: its last line
            if self._cr:
                self._add(b"\r", 0, 1)
                self._cr = False
            self._finish(out, False)
        self.shown += len(out)
        return out

    def _add(self, data: bytes, start: int, stop: int) -> None:
        """Octets ``data[start:stop]`` of the current line; only the first CUT + 3 are kept
        (3 to see whether a UTF-8 character runs across the cut)."""
        room = self.CUT + 3 - len(self._head)
        if room > 0:
            self._head += data[start:min(stop, start + room)]
        self._length += stop - start

    def _finish(self, out: list[bytes], final: bool) -> None:
        """The current line ended: show it (cut if long) unless it is the final ".", which
        only ``final`` (the end of the data) can be."""
        head, length = bytes(self._head), self._length
        self._head.clear()
        self._length = 0
        if final and head == b".":
            return
        if length <= self.CUT:
            out.append(head)
            return
        head = head[:_cut_point(head, self.CUT)]
        rest = length - len(head)
        out.append(head + f"… [{rest} more octet{'' if rest == 1 else 's'} on this line]"
                   .encode())


def _cut_point(head: bytes, cut: int) -> int:
    """``cut``, or a little less so a valid UTF-8 character is not split (other bytes, such as
    Latin-1 text, are cut where they fall). ``head`` holds at least cut + 1 octets."""
    for back in range(1, 4):
        byte = head[cut - back]
        if byte < 0x80:
            return cut
        if byte >= 0xC0:  # a lead byte: does its character run across the cut?
            need = 2 if byte < 0xE0 else 3 if byte < 0xF0 else 4
            if need <= back:
                return cut
            try:
                head[cut - back:cut - back + need].decode("utf-8")
            except UnicodeDecodeError:
                return cut
            return cut - back
    return cut

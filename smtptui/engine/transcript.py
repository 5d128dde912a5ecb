"""Transcript events (sent, received, info, error, progress, result) and their plain-text form."""

from __future__ import annotations

from typing import Any

from smtptui.engine.record import asdict, field, record

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

    @property
    def marker(self) -> str:
        """The swaks-style direction marker of this line."""
        return MARKERS.get((self.kind, self.tls if self.kind in ("send", "recv") else False), "===")

    def to_json(self) -> str:
        """One JSON object: {"t", "kind", "stage", "text"} (and "tls" for lines inside TLS)."""
        import json  # only --json needs it

        obj: dict[str, Any] = {"t": round(self.t, 6), "kind": self.kind, "stage": self.stage,
                               "text": self.text}
        if self.tls:
            obj["tls"] = True
        return json.dumps(obj, ensure_ascii=False)


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


@record
class Result:
    """The outcome of one session, as `smtptui run` reports it and --json prints it last."""

    exit_code: int = 0
    outcome: str = "delivered"  # delivered | stopped | failed
    stage: str = ""  # the stage the session ended in (the failing one on failure)
    error: str = ""
    host: str = ""
    port: int = 0
    address: str = ""  # the peer address actually used
    local_address: str = ""
    accepted: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    last_reply: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    tls: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, list[str]] = field(default_factory=dict)
    capabilities_before_tls: dict[str, list[str]] = field(default_factory=dict)
    diagnosis: dict[str, str] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    t: float = 0.0

    def to_json(self) -> str:
        """The closing {"kind": "result", ...} object of --json output."""
        import json

        obj = {"t": round(self.t, 6), "kind": "result"} | asdict(self)
        obj["t"] = round(self.t, 6)
        return json.dumps(obj, ensure_ascii=False)


def visible(text: str) -> str:
    """Make control characters visible (server text is data; never let it drive the terminal)."""
    out = []
    for ch in text:
        code = ord(ch)
        if code < 0x20 and ch != "\t" or code == 0x7F or 0x80 <= code < 0xA0:
            out.append(f"\\x{code:02x}")
        else:
            out.append(ch)
    return "".join(out)


class MessagePreview:
    """The first lines of the message, for the transcript (bounded, whatever the message)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.shown = 0
        self._buffer = b""

    def take(self, chunk: bytes, last: bool) -> list[bytes]:
        """Complete lines of `chunk` still to show; the terminating "." is never one of them."""
        if self.shown >= self.limit:
            return []
        self._buffer = (self._buffer + chunk)[:65536]
        *complete, self._buffer = self._buffer.split(b"\r\n")
        if last and complete and complete[-1] == b".":
            complete.pop()
        lines = complete[: self.limit - self.shown]
        self.shown += len(lines)
        return lines

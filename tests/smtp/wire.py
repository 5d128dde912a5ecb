"""An SmtpClient driven in memory against literal bytes (h11's ConnectionPair habit).

``Wire(plan)`` holds a client; ``server(b"...")`` feeds it what a server sends, ``sends()``
takes the wire bytes of the command the client proposes now, ``events()`` the transcript
lines it said, and ``message()`` streams its message through it and returns the DATA bytes.
No socket, no event loop: every byte is checked as it would cross the wire.
"""

from __future__ import annotations

from smtptui.smtp.client import Action, Send, SendMessage, SmtpClient
from smtptui.smtp.data import scan
from smtptui.smtp.plan import SessionPlan, Timeouts
from smtptui.smtp.transcript import Event

MESSAGE = b"Subject: t\r\n\r\nhello\r\n"


class Body:
    """A message in memory, as launch.message.MessageSource offers one."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.label = "test message"

    def chunks(self, size: int = 7) -> list[bytes]:
        return [self.data[i:i + size] for i in range(0, len(self.data), size)] or [b""]

    def scan(self, allow_binary: bool = False):  # type: ignore[no-untyped-def]
        return scan(self.chunks(), self.label, from_file=False, allow_binary=allow_binary)

    def wire_chunks(self) -> list[bytes]:  # pragma: no cover - not used by the client
        return []


def plan(**changes: object) -> SessionPlan:
    """A checked plan for client.example talking to mx.example.net."""
    values: dict[str, object] = dict(host="mx.example.net", sender="a@example.com",
                                     recipients=["b@example.net"], helo="client.example",
                                     tls="off", timeouts=Timeouts.all(30.0),
                                     message=Body(MESSAGE))
    values.update(changes)
    made = SessionPlan(**values)  # type: ignore[arg-type]
    made.validate()
    return made


class Wire:
    """One client on an in-memory wire."""

    def __init__(self, session_plan: SessionPlan | None = None, *, stepping: bool = False,
                 connect: bool = True) -> None:
        self.plan = session_plan or plan()
        message = self.plan.message
        facts = message.scan(self.plan.chunking) if message is not None else None
        self.client = SmtpClient(self.plan, facts, stepping=stepping)
        self.said: list[Event] = []
        if connect:
            self.client.connected()

    @property
    def action(self) -> Action:
        return self.client.next_action()

    def server(self, data: bytes) -> None:
        """What the server sends (b"": it closes the connection)."""
        self.client.receive_data(data)

    def sends(self) -> bytes:
        """The wire bytes of the command the client proposes now."""
        action = self.action
        assert isinstance(action, Send), action
        return self.client.send(action)

    def to_data(self) -> None:
        """After the EHLO reply: MAIL, RCPT (one recipient) and DATA sent one at a time, each
        answered (250, 250, 354): the client is to send the message."""
        for reply in (b"250 ok\r\n", b"250 ok\r\n", b"354 go\r\n"):
            self.sends()
            self.server(reply)

    def message(self) -> bytes:
        """Stream the plan's message; the DATA bytes, final dot included (and QUIT after it,
        where the client pipelines it: one write, as the runner writes them)."""
        action = self.action
        assert isinstance(action, SendMessage), action
        body = self.plan.message
        assert body is not None
        out = b"".join(self.client.message_chunk(chunk) for chunk in body.chunks())
        return out + self.client.message_end() + self.client.take_pipelined()

    def events(self, kind: str | None = None) -> list[Event]:
        """Every transcript line said so far (of one kind)."""
        self.said += [item for item in self.client.take() if isinstance(item, Event)]
        return [e for e in self.said if kind is None or e.kind == kind]

    def texts(self, kind: str | None = None) -> list[str]:
        return [e.text for e in self.events(kind)]

    def all_text(self) -> str:
        """Everything the client said, and its verdict, as one text (to look for secrets)."""
        verdict = self.client.verdict
        return "\n".join([*self.texts(), verdict.error, str(verdict.reply or "")])

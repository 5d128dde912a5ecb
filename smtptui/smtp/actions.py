"""What the SMTP client tells its runner: the actions to take, and how the session ended.

An action says what to do now (wait for a reply, send a command, ask the user, get the
password, hand-shake TLS, stream the message, close); `Answered` says a reply came (the
runner times stages with it); `Verdict` is how the session ended, filled in as it goes.
"""

from __future__ import annotations

from typing import TypeVar

from smtptui.smtp.record import field, record
from smtptui.smtp.replies import Reply
from smtptui.smtp.transcript import Rejected
from smtptui.smtp.vocabulary import EXIT_OK, Outcome, Stage


@record(frozen=True)
class Wait:
    """Read: a reply is due in this stage within ``timeout`` seconds."""

    stage: Stage
    timeout: float


@record(frozen=True)
class Send:
    """Send this command (``data`` is its wire form); ``shown`` is what the transcript says."""

    stage: Stage
    line: str
    data: bytes = field(repr=False)
    shown: str = ""
    expects_reply: bool = True  # False for a message line typed by hand after DATA
    #: A pipelined group (RFC 2920): every (stage, line) sent in this one write, in order.
    group: tuple[tuple[Stage, str], ...] = ()


@record(frozen=True)
class AskUser:
    """Step mode: the user decides (step, edit, run, run to, type, stop); ``line`` is the next
    command as shown, or "" when there is none to send."""

    stage: Stage
    line: str


@record(frozen=True)
class NeedSecret:
    """AUTH is next: the runner gets the password (or token) of ``user`` from its source."""

    stage: Stage
    user: str


@record(frozen=True)
class StartTLS:
    """Discard what arrived after the 220, then hand-shake TLS for ``server_name``."""

    stage: Stage
    server_name: str


@record(frozen=True)
class SendMessage:
    """Stream the message through `message_chunk()`, then `message_end()`."""

    stage: Stage
    total: int  # octets on the wire, the final ".\r\n" included


@record(frozen=True)
class Close:
    """The session is over: close the connection."""

    stage: Stage


Action = Wait | Send | AskUser | NeedSecret | StartTLS | SendMessage | Close
A = TypeVar("A", Wait, Send, AskUser, NeedSecret, StartTLS, SendMessage, Close)


@record(frozen=True)
class Answered:
    """A reply to a command came (the runner times the stage with it)."""

    stage: Stage
    reply: Reply


@record
class Verdict:
    """How the session ended, filled in as it goes."""

    exit_code: int = EXIT_OK
    outcome: Outcome = Outcome.STOPPED
    stage: str = ""
    error: str = ""
    kind: str = ""  # a Failure, or "partial" when some recipients were refused
    reply: Reply | None = None
    accepted: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_replies: list[Reply] = field(default_factory=list)
    waited: bool = False  # abandoned while a reply was awaited (diagnosed as a time-out)
    #: What came before, for the diagnosis: (stage, code) of every reply, in order.
    history: list[tuple[str, int]] = field(default_factory=list)
    #: ... and (stage, reply) of the refusals among them (4xx and 5xx), the first few kept.
    refusals: list[tuple[str, Reply]] = field(default_factory=list)

    def heard(self, stage: str, reply: Reply) -> None:
        """Note a reply to a command in the session's history."""
        self.history.append((stage, reply.code))
        if reply.code >= 400 and len(self.refusals) < MAX_REFUSALS_KEPT:
            self.refusals.append((stage, reply))


#: A session refused more often than this is summed up by its history's codes.
MAX_REFUSALS_KEPT = 32

"""The sans-IO session: replies in, the next action out (h11 style); all transitions here."""

from __future__ import annotations

from smtptui.smtp import commands
from smtptui.smtp.capabilities import Capabilities, helo_capabilities, parse_ehlo
from smtptui.smtp.envelope import start_mail
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.record import field, record
from smtptui.smtp.replies import Reply
from smtptui.smtp.transcript import Rejected

#: swaks' exit codes, by the stage a session failed in.
EXIT_CODES = {
    "connect": 2, "banner": 21, "ehlo": 22, "helo": 22, "mail": 23, "rcpt": 24,
    "data": 25, "dot": 26, "auth": 28, "starttls": 29, "tls": 29, "ehlo-tls": 32,
}
EXIT_OK, EXIT_USAGE, EXIT_CONNECT, EXIT_CLOSED = 0, 1, 2, 6
#: The user abandoned the session (ctrl+c in `smtptui run`, x in the app): 128 + SIGINT.
EXIT_INTERRUPTED = 130


@record(frozen=True)
class Send:
    """Send one command line; its reply decides what comes next."""

    stage: str
    line: str
    shown: str | None = None  # what the transcript shows instead (a credential, redacted)
    limit: int = commands.MAX_COMMAND  # octets with CRLF: 512, or 12,288 for an answer to 334


@record(frozen=True)
class SendData:
    """Stream the message, then wait for the reply to the final dot."""

    stage: str = "dot"


@record(frozen=True)
class StartTLS:
    """Hand-shake TLS now (after 220 to STARTTLS); buffered plaintext is discarded first."""

    stage: str = "tls"


@record(frozen=True)
class Await:
    """Nothing to send: the session waits for a reply in this stage."""

    stage: str


@record(frozen=True)
class Close:
    """The session is over: close the connection."""

    stage: str


Action = Send | SendData | StartTLS | Await | Close


@record
class Note:
    """Something the session has to say: kind is "info" or "error"."""

    kind: str
    stage: str
    text: str


@record
class Outcome:
    """How the session ended, filled in as it goes."""

    exit_code: int = EXIT_OK
    outcome: str = "delivered"
    stage: str = ""
    error: str = ""
    kind: str = ""  # failure kind, for the diagnosis (reply, 8bit, size, norcpt, ...)
    reply: Reply | None = None
    accepted: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    rejected_replies: list[Reply] = field(default_factory=list)


class Session:
    """One SMTP client session as a state machine; knows its next command before it is sent."""

    def __init__(self, plan: SessionPlan, auth: object | None = None) -> None:
        self.plan = plan
        self.auth = auth  # an AuthExchange (smtptui.smtp.auth), when AUTH is to be done
        self.outcome = Outcome()
        self.caps: Capabilities | None = None
        self.caps_before_tls: Capabilities | None = None
        self.tls_active = plan.tls == "implicit"
        self.notes: list[Note] = []
        self._next: Action = Await("banner")
        self._rcpt_index = 0
        self._cancelled_auth = False

    # -- what the driver asks ------------------------------------------------------------

    def next_action(self) -> Action:
        """The next thing to do; Await while a reply is outstanding."""
        return self._next

    def take_notes(self) -> list[Note]:
        """Return and forget what the session said since the last call."""
        notes, self.notes = self.notes, []
        return notes

    @property
    def stage(self) -> str:
        """The stage the session is in now."""
        return self._next.stage

    def sent(self, action: Action) -> None:
        """The driver did `action`; from now on the session waits for its reply."""
        if isinstance(action, Send | SendData):
            self._next = Await(action.stage)

    def tls_started(self) -> None:
        """The TLS hand-shake succeeded: forget the capabilities and say EHLO again."""
        self.tls_active = True
        self.caps_before_tls, self.caps = self.caps, None
        self._next = Send("ehlo-tls", f"EHLO {self.plan.helo}")

    def connected(self) -> None:
        """The TCP (or implicit TLS) connection is up."""
        if self.plan.quit_after == "connect":
            self._stop("connect", "stopped after connecting (--quit-after connect)")
            self._next = Close("connect")
        else:
            self._next = Await("banner")

    def fail(self, stage: str, kind: str, error: str, exit_code: int | None = None,
             reply: Reply | None = None) -> None:
        """A failure seen by the driver (time-out, close, TLS error, a 421 nobody asked for):
        the session ends."""
        self._record_failure(stage, kind, error, exit_code, reply)
        self._next = Close(stage)

    # -- replies -------------------------------------------------------------------------

    def receive(self, reply: Reply) -> None:
        """Take the reply to the outstanding stage and decide the next action."""
        stage = self._next.stage
        handler = _HANDLERS.get(stage)
        if stage == "quit" or handler is None:
            self._next = Close(stage)
            return
        if reply.code == 421 and stage != "quit":
            self._record_failure(stage, "reply", _said(reply), reply=reply)
            self.notes.append(Note("info", stage, "421: the server is closing the channel"))
            self._next = Close(stage)
            return
        handler(self, reply)

    def _banner(self, reply: Reply) -> None:
        if reply.code != 220:
            self._quit_failed("banner", reply)
        elif self.plan.quit_after == "banner":
            self._quit_stopped("banner")
        else:
            self._next = Send("ehlo", f"EHLO {self.plan.helo}")

    def _ehlo(self, reply: Reply) -> None:
        stage = self._next.stage
        if reply.code == 250:
            self.caps = parse_ehlo(reply)
            self._after_greeting(stage)
        elif stage == "ehlo-tls":
            self._quit_failed("ehlo-tls", reply)
        else:
            self.notes.append(Note("info", "ehlo", "EHLO refused: falling back to HELO"))
            self._next = Send("helo", f"HELO {self.plan.helo}")

    def _helo(self, reply: Reply) -> None:
        if reply.code != 250:
            self._quit_failed("helo", reply)
            return
        self.caps = helo_capabilities(reply)
        self._after_greeting("helo")

    def _after_greeting(self, stage: str) -> None:
        assert self.caps is not None
        plan = self.plan
        if not self.tls_active and plan.tls in ("starttls", "required"):
            if self.caps.has("STARTTLS"):
                self._next = Send("starttls", "STARTTLS")
                return
            if plan.tls == "required":
                self._record_failure("starttls", "tls-unavailable",
                                     "STARTTLS is required but the server does not offer it")
                self._quit()
                return
            self.notes.append(Note("info", stage, "the server does not offer STARTTLS: "
                                                  "the session continues in plaintext"))
        self._after_tls_point()

    def _starttls(self, reply: Reply) -> None:
        if reply.code == 220:
            self._next = StartTLS()
            return
        if self.plan.tls == "required":
            self._quit_failed("starttls", reply, kind="tls-unavailable")
            return
        self.notes.append(Note("info", "starttls", "STARTTLS refused: the session continues "
                                                   "in plaintext (use --tls required to stop)"))
        self._after_tls_point()

    def _after_tls_point(self) -> None:
        """TLS is up, refused or not wanted: stop if asked to by now, else AUTH or MAIL."""
        quit_after = self.plan.quit_after
        if quit_after == "tls" and not self.tls_active:
            self._stop("tls", "stopped where TLS would have begun (--quit-after tls); this "
                       "session has no TLS")
            self._quit()
        elif quit_after in ("ehlo", "tls"):
            self._quit_stopped(quit_after)
        elif self.auth is not None:
            self._start_auth()
        elif quit_after == "auth":  # no AUTH configured: stop where it would have been
            self._stop("auth", "stopped before MAIL (--quit-after auth; no AUTH was asked for)")
            self._quit()
        else:
            self._start_mail()

    def _start_auth(self) -> None:
        from smtptui.smtp.auth import AuthExchange

        assert isinstance(self.auth, AuthExchange) and self.caps is not None
        problem = self.auth.check(self.caps, self.tls_active)
        if problem:
            kind, text = problem
            self._record_failure("auth", kind, text)
            self._quit()
            return
        line, shown = self.auth.first_line()
        self._next = Send("auth", line, shown)

    def _auth(self, reply: Reply) -> None:
        from smtptui.smtp.auth import AuthExchange

        assert isinstance(self.auth, AuthExchange)
        if self._cancelled_auth:  # the answer to "*": RFC 4954 §4 says 501; anything ends it
            self._quit()
            return
        if reply.code == 334:
            answer = self.auth.answer(reply)
            if answer is None:
                self._record_failure("auth", "auth-rounds", "the server kept challenging "
                                     f"after the {self.auth.mechanism} exchange was complete")
                self._next = Send("auth", "*")  # RFC 4954 §4: cancel the exchange
                self._cancelled_auth = True
                return
            self._next = Send("auth", answer[0], answer[1], commands.MAX_AUTH_RESPONSE)
            return
        if reply.code == 235:
            self.notes.append(Note("info", "auth", f"authenticated as {self.auth.user}"))
            if self.plan.quit_after == "auth":
                self._quit_stopped("auth")
            else:
                self._start_mail()
            return
        self._quit_failed("auth", reply)

    def _start_mail(self) -> None:
        assert self.caps is not None
        plan = self.plan
        facts = plan.message.scan() if plan.message is not None else None
        start = start_mail(plan.sender, plan.recipients, facts, self.caps)
        self.notes.extend(Note("info", "mail", note) for note in start.notes)
        if start.error:
            self._record_failure("mail", start.kind, start.error)
            self._quit()
            return
        self._next = Send("mail", start.line)

    def _mail(self, reply: Reply) -> None:
        if reply.code != 250:
            self._quit_failed("mail", reply)
            return
        if self.plan.quit_after == "mail":
            self._quit_stopped("mail")
            return
        self._rcpt_index = 0
        self._next = Send("rcpt", commands.rcpt_to(self.plan.recipients[0]))

    def _rcpt(self, reply: Reply) -> None:
        address = self.plan.recipients[self._rcpt_index]
        if reply.code in (250, 251):
            self.outcome.accepted.append(address)
        else:
            self.outcome.rejected.append(Rejected(address, reply.code, reply.text))
            self.outcome.rejected_replies.append(reply)
            first = reply.lines[0] if reply.lines else ""
            self.notes.append(Note("error", "rcpt", f"recipient {address} refused: "
                                   f"{reply.code} {first}"))
        self._rcpt_index += 1
        if self._rcpt_index < len(self.plan.recipients):
            self._next = Send("rcpt", commands.rcpt_to(self.plan.recipients[self._rcpt_index]))
            return
        if not self.outcome.accepted:
            self._record_failure("rcpt", "norcpt", "no recipient was accepted: no DATA sent",
                                 reply=reply)
            self._next = Send("rset", "RSET")
            return
        if self.outcome.rejected:
            self.outcome.kind = "partial"
        if self.plan.quit_after == "rcpt":
            self._quit_stopped("rcpt")
        else:
            self._next = Send("data", "DATA")

    def _rset(self, reply: Reply) -> None:
        self._quit()

    def _data(self, reply: Reply) -> None:
        if reply.code != 354:
            self._quit_failed("data", reply)
        elif self.plan.quit_after == "data":
            # RFC 5321 offers no way back from 354 but the message or a close.
            self._stop("data", "stopped after DATA (--quit-after data): closing without a message")
            self._next = Close("data")
        else:
            self._next = SendData()

    def _dot(self, reply: Reply) -> None:
        if reply.code != 250:
            self._quit_failed("dot", reply)
            return
        self.outcome.reply = reply
        if self.plan.quit_after == "dot":
            self.outcome.outcome = "delivered"
        self._quit()

    # -- endings ---------------------------------------------------------------------------

    def _quit(self) -> None:
        self._next = Send("quit", "QUIT")

    def _stop(self, stage: str, text: str) -> None:
        self.outcome.outcome = "stopped"
        self.outcome.stage = stage
        self.notes.append(Note("info", stage, text))

    def _quit_stopped(self, stage: str) -> None:
        self._stop(stage, f"stopped after {stage} (--quit-after {stage})")
        self._quit()

    def _quit_failed(self, stage: str, reply: Reply, kind: str = "reply") -> None:
        self._record_failure(stage, kind, _said(reply), reply=reply)
        self._quit()

    def _record_failure(self, stage: str, kind: str, error: str, exit_code: int | None = None,
                        reply: Reply | None = None) -> None:
        out = self.outcome
        if out.outcome == "failed":  # keep the first failure: it is the cause
            return
        if stage == "quit" and out.outcome in ("delivered", "stopped"):
            # The transaction was over (or stopped as asked): a bad QUIT undoes nothing.
            self.notes.append(Note("info", stage, f"{error} (after the session's end)"))
            return
        out.outcome, out.stage, out.kind, out.error = "failed", stage, kind, error
        out.reply = reply
        out.exit_code = exit_code if exit_code is not None else EXIT_CODES.get(stage, EXIT_CLOSED)
        self.notes.append(Note("error", stage, error))


def _said(reply: Reply) -> str:
    first = reply.lines[0] if reply.lines else ""
    return f"the server answered {reply.code} {first}".rstrip()


_HANDLERS = {
    "banner": Session._banner,
    "ehlo": Session._ehlo,
    "ehlo-tls": Session._ehlo,
    "helo": Session._helo,
    "starttls": Session._starttls,
    "auth": Session._auth,
    "mail": Session._mail,
    "rcpt": Session._rcpt,
    "rset": Session._rset,
    "data": Session._data,
    "dot": Session._dot,
}

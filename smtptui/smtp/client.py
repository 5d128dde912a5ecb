"""The sans-IO SMTP client (h11 style): bytes in, events out; an action in, bytes out.

Every protocol decision lives here, as the answer to one input: the reply to a command, a
reply nobody asked for (set aside; a 421 ends the session), the STARTTLS discard, a refusal
in the middle of the message, a time-out or a close (harmless at QUIT), the user's step,
edit, run, run-to, typed command, stop and abandon. The runner only does what `next_action()`
says (wait, send, hand-shake, stream the message, ask the user, fetch the password, close)
and reports back; it holds no protocol decision of its own.

Misuse raises LocalProtocolError and moves the client to its ERROR state: sending a command
that was not proposed, a hand-shake nobody asked for, an input from the user while none is
awaited. A server that misbehaves is a failure of the session (RemoteProtocolError never
escapes). No text leaves this module unscrubbed: every event and every failure passes the
session's secret scrubber.
"""

from __future__ import annotations

from typing import NoReturn

from smtptui.smtp import commands
from smtptui.smtp.actions import (
    A,
    Action,
    Answered,
    AskUser,
    Close,
    NeedSecret,
    Send,
    SendMessage,
    StartTLS,
    Verdict,
    Wait,
)
from smtptui.smtp.auth import AuthExchange, choose_mechanism, typed_secret, typed_shown
from smtptui.smtp.capabilities import Capabilities, helo_capabilities, parse_ehlo
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.envelope import FORCED, Envelope, rcpt_line, start_mail
from smtptui.smtp.errors import LocalProtocolError, RemoteProtocolError
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.replies import Reply, ReplyParser
from smtptui.smtp.scrub import Scrubber
from smtptui.smtp.stream import MessageStream
from smtptui.smtp.transcript import Event, Pending, Rejected
from smtptui.smtp.vocabulary import (
    EXIT_CLOSED,
    EXIT_CONNECT,
    EXIT_INTERRUPTED,
    EXIT_OK,
    EXIT_USAGE,
    STAGES,
    EventKind,
    Failure,
    Outcome,
    Stage,
    TlsMode,
    order,
)

#: Replies nobody asked for that are shown and set aside before the session gives up on them.
MAX_UNSOLICITED = 10
#: RFC 5321 §4.5.3.1.6: a text line of the message is at most 998 octets without its CRLF.
MAX_MESSAGE_LINE = 998

Item = Event | Pending | Answered


class SmtpClient:
    """One SMTP client session as a state machine; it knows its next command before it is
    sent. ``facts`` is the message's scan (needed for MAIL FROM's parameters); ``stepping``
    holds every command for the user."""

    def __init__(self, plan: SessionPlan, facts: MessageFacts | None = None, *,
                 stepping: bool = False) -> None:
        self.plan = plan
        self.facts = facts
        self.stepping = stepping
        self.verdict = Verdict()
        self.caps: Capabilities | None = None
        self.caps_before_tls: Capabilities | None = None
        self.tls_active = plan.tls == TlsMode.IMPLICIT
        self.scrubber = Scrubber()
        self.auth: AuthExchange | None = None
        self.mechanism = ""
        self.authenticated = False
        self.errored = False
        self._parser = ReplyParser()
        self._items: list[Item] = []
        self._next: Action = Wait(Stage.CONNECT, plan.timeouts.connect)
        self._planned: Action | None = None  # the plan's next step, while the user holds it
        self._run_until = ""
        self._rcpt_index = 0
        self._cancelled_auth = False
        self._unsolicited = 0
        self._bare_lf_noted = False
        self._manual_line = ""  # the typed command awaiting its reply, and its verb
        self._manual_verb = ""
        self._challenged = False  # the last reply to a typed command was 334
        self._typing_message = False  # a typed DATA was answered 354: lines are message lines
        self._stream = MessageStream()
        self._pending: list[Stage] | None = None  # a pipelined group's replies still due
        self._chunking = False  # the message goes in BDAT chunks
        self._binary = False  # ... as BINARYMIME
        self._empty_dot = False  # a lone "." after a pipelined DATA with no recipient
        self._lmtp_waiting: list[str] = []  # LMTP: recipients whose reply to the dot is due
        self._lmtp_delivered: list[str] = []
        self._xclient_index = 0
        self._last_chunk_sent = False
        self._rcpts_sent = 0  # RCPT commands sent in this transaction (a group sends them all)
        self._pipelined = b""  # QUIT, to go in the final dot's write (take_pipelined)
        self._part_in_flight = False  # a BDAT chunk or the dot handed out, its write not done
        self._quit_sent = False  # ... and it went: the dot's reply, then QUIT's, are due

    # -- what the runner asks ----------------------------------------------------------------

    def next_action(self) -> Action:
        """What to do now."""
        return self._next

    def take(self) -> list[Item]:
        """Return and forget what the session said since the last call."""
        items, self._items = self._items, []
        return items

    @property
    def stage(self) -> Stage:
        """The stage the session is in now."""
        return self._next.stage

    @property
    def where(self) -> Stage:
        """The plan's stage: where the session is, a typed command under way aside."""
        action = self._next
        if action.stage is Stage.MANUAL and self._planned is not None:
            return self._planned.stage
        return action.stage

    @property
    def closed(self) -> bool:
        """True once the session is over."""
        return isinstance(self._next, Close)

    def peek(self) -> str | None:
        """The next command line the session will send, if it is one the user may see."""
        planned = self._planned if isinstance(self._next, AskUser) else self._next
        return planned.line if isinstance(planned, Send) and not planned.shown else None

    # -- inputs from the runner --------------------------------------------------------------

    def connected(self) -> None:
        """The TCP (or implicit TLS) connection is up."""
        self._expect(Wait, Stage.CONNECT, "connected()")
        if self.plan.quit_after == "connect":
            self._stop(Stage.CONNECT, "stopped after connecting (--quit-after connect)")
            self._next = Close(Stage.CONNECT)
        else:
            self._wait(Stage.BANNER)

    def connect_failed(self, kind: Failure, text: str, stage: Stage = Stage.CONNECT) -> None:
        """The connection could not be made (refused, timed out), or its implicit TLS failed
        (``stage`` tls)."""
        self._expect(Wait, Stage.CONNECT, "connect_failed()")
        exit_code = EXIT_USAGE if kind is Failure.INPUT else None
        self._fail(stage, kind, text, EXIT_CONNECT if stage is Stage.CONNECT else exit_code)

    def receive_data(self, data: bytes) -> None:
        """Bytes from the server (b"" at the end of the stream)."""
        if self.errored:
            raise LocalProtocolError("the client is in its ERROR state")
        self._part_in_flight = False
        if not data:
            self._eof()
            return
        try:
            self._parser.feed(data)
        except RemoteProtocolError as exc:
            self._show_unfinished()
            self._fail(self.where, Failure.PROTOCOL, f"protocol error from the server: {exc}")
            return
        self._take_replies()

    def timed_out(self) -> None:
        """Nothing (or not enough) came within the time-out of the current wait; while no
        command is outstanding: the server kept sending past the command time-out."""
        self._part_in_flight = False
        action = self._next
        if isinstance(action, Wait):
            stage = action.stage
            self._show_unfinished()
            if stage is Stage.QUIT:  # the transaction is over: a silent QUIT undoes nothing
                self._info(stage, f"no reply to QUIT within {action.timeout:g} s; closing")
                self._next = Close(stage)
                return
            what = "banner" if stage is Stage.BANNER else "reply"
            partial = " (part of a reply came, then nothing)" if self._parser.partial else ""
            where = "to the typed command" if stage is Stage.MANUAL else f"in stage {stage}"
            self._fail(self.where, Failure.TIMEOUT, f"no {what} within {action.timeout:g} s "
                       f"{where}{partial}")
        elif not isinstance(action, Close):
            where = self.where
            self._fail(where, Failure.PROTOCOL, "protocol error from the server: it "
                       f"keeps sending replies nobody asked for (still sending after "
                       f"{self.plan.timeouts.command:g} s, before {where.upper()}); "
                       "giving up")

    def send(self, action: Send) -> bytes:
        """The wire bytes of the proposed command (or pipelined group); from now on its reply
        (their replies, in order) is awaited."""
        if action is not self._next and action != self._next:
            self._misuse(f"send(): {action.line!r} is not the command the session proposed")
        for stage, line in action.group or ((action.stage, action.shown or action.line),):
            self._items.append(Event(0.0, EventKind.SEND, stage, self.scrubber.clean(line),
                                     self.tls_active))
        self._unsolicited = 0
        if not action.expects_reply:  # a message line typed by hand: the next one, please
            self._resume()
            return action.data
        if action.stage is Stage.MANUAL:
            self._manual_line = action.line
            self._manual_verb = action.line.split(" ", 1)[0].split(":", 1)[0].upper()
            self._wait(Stage.MANUAL, self._manual_timeout())
        elif action.group:
            self._pending = [stage for stage, _ in action.group[1:]]
            self._rcpts_sent += sum(stage is Stage.RCPT for stage, _ in action.group)
            self._wait(action.stage)
        else:
            self._rcpts_sent += action.stage is Stage.RCPT
            self._wait(action.stage)
        point = self._send_point(action)
        if point and point == self.plan.drop_after_send:
            self._drop(action.stage, f"dropped the connection as soon as {point.upper()} was "
                       f"sent (--drop-after-send {point})")
        return action.data

    def write_failed(self, detail: str) -> None:
        """The connection broke (or stalled past its time-out) while a command was sent."""
        what = "the typed command" if self.stage is Stage.MANUAL else self.stage.upper()
        self._fail(self.where, Failure.CLOSED, f"the connection broke while sending {what}"
                   + (f": {detail}" if detail else ""), EXIT_CLOSED)

    def secret(self, value: str) -> None:
        """The password (or token) for AUTH, from its source."""
        action = self._expect(NeedSecret, Stage.AUTH, "secret()")
        self.auth = AuthExchange(action.user, value, self.mechanism, self.scrubber)
        line, shown = self.auth.first_line()
        self._propose(Stage.AUTH, line, shown or "")

    def secret_unavailable(self, text: str) -> None:
        """The password source failed (no such variable, the command failed, no terminal)."""
        self._expect(NeedSecret, Stage.AUTH, "secret_unavailable()")
        self._record_failure(Stage.AUTH, Failure.INPUT, text, EXIT_USAGE)
        self._quit()

    # -- TLS -----------------------------------------------------------------------------------

    def tls_begin(self, discarded: int) -> None:
        """The runner dropped ``discarded`` octets its transport held; the hand-shake begins."""
        self._expect(StartTLS, Stage.TLS, "tls_begin()")
        dropped = discarded + self._parser.discard()
        if dropped:
            self._error(Stage.TLS, f"discarded {dropped} octets the server sent after its 220 "
                        "and before the TLS hand-shake (possible STARTTLS injection)")

    def tls_started(self, dropped_during: int = 0) -> None:
        """The hand-shake succeeded: forget the capabilities and say EHLO again."""
        self._expect(StartTLS, Stage.TLS, "tls_started()")
        if dropped_during:
            self._error(Stage.TLS, f"discarded {dropped_during} octets that came in plaintext "
                        "during the TLS hand-shake (possible STARTTLS injection)")
        self.tls_active = True
        self.caps_before_tls, self.caps = self.caps, None
        self._propose(Stage.EHLO_TLS, f"EHLO {self.plan.helo}")

    def tls_failed(self, kind: Failure, text: str) -> None:
        """The hand-shake failed (a certificate, a protocol version, a close)."""
        self._expect(StartTLS, Stage.TLS, "tls_failed()")
        self._fail(Stage.TLS, kind, text)

    # -- the message -----------------------------------------------------------------------

    def message_chunk(self, chunk: bytes, last: bool = False) -> bytes:
        """The wire form of the next piece of the message: dot-stuffed with CRLF line ends
        for DATA; for BDAT a whole "BDAT n" command with its octets (``last``: the message's
        last chunk, "BDAT n LAST"). b"" when the session ended instead (the file changed
        since it was checked)."""
        return b"".join(self.message_parts(chunk, last))

    def message_parts(self, chunk: bytes, last: bool = False) -> tuple[bytes, ...]:
        """message_chunk()'s bytes as the pieces they are made of: the chunk's encoded
        octets, after their "BDAT n" command line for BDAT; () when the session ended. A
        transport writes them one after the other, so that no joined copy of a chunk is
        made (BDAT then needs no more memory than DATA)."""
        action = self._expect(SendMessage, None, "message_chunk()")
        if b"\x00" in chunk and not self._binary:
            self._message_changed("it now holds a NUL byte")
            return ()
        data, lines = self._stream.chunk(chunk)
        if not self._chunking:
            self._show_message_lines(lines)
            return (data,) if data else ()
        if last:
            changed = self._changed()
            if changed:
                self._message_changed(changed)
                return ()
            tail, more = self._stream.end()
            lines = lines + more
        else:
            tail = b""
        command = f"BDAT {len(data) + len(tail)}" + (" LAST" if last else "")
        self._items.append(Event(0.0, EventKind.SEND, Stage.BDAT, command, self.tls_active))
        self._show_message_lines(lines)
        if last:
            self._hidden_lines_note(action)
            self._lmtp_waiting = list(self.verdict.accepted)
            self._last_chunk_sent = True
        self._wait(Stage.BDAT)
        point = "dot" if last else ""
        if point and point == self.plan.drop_after_send:
            self._drop(Stage.BDAT, "dropped the connection as soon as the last chunk was sent "
                       "(--drop-after-send dot)")
        self._part_in_flight = True
        return tuple(part for part in (command.encode("ascii") + b"\r\n", data, tail) if part)

    def message_end(self) -> bytes:
        """The end of the message and the final dot; b"" when the message is not the one that
        was checked (its size or checksum changed): then nothing more is sent."""
        action = self._expect(SendMessage, Stage.DOT, "message_end()")
        changed = self._changed()
        if changed:
            self._message_changed(changed)
            return b""
        tail, lines = self._stream.end()
        self._show_message_lines(lines)
        self._hidden_lines_note(action)
        self._items.append(Event(0.0, EventKind.SEND, Stage.DOT, ".", self.tls_active))
        self._lmtp_waiting = list(self.verdict.accepted)
        self._wait(Stage.DOT)
        if self.plan.drop_after_send == "dot":
            self._drop(Stage.DOT, "dropped the connection as soon as the final dot was sent "
                       "(--drop-after-send dot)")
        elif self._quit_with_dot():
            self._items.append(Event(0.0, EventKind.SEND, Stage.QUIT, "QUIT", self.tls_active))
            self._pipelined, self._quit_sent = commands.command_line("QUIT"), True
        self._part_in_flight = True
        return tail

    def take_pipelined(self) -> bytes:
        """The command bytes to write together with what `message_end()` returned: QUIT,
        where it is pipelined after the final dot (b"" when nothing is). RFC 2920 §3.1 lets
        QUIT end the group that the message content begins (its §4 example does so), which
        saves the round trip a QUIT sent after the dot's reply would cost; the replies, the
        dot's and then QUIT's, are read and checked in that order, as before."""
        data, self._pipelined = self._pipelined, b""
        return data

    def _quit_with_dot(self) -> bool:
        """Pipeline QUIT with the final dot: the server offers PIPELINING, the plan pipelines,
        and QUIT is what follows the dot's reply whatever it says (not in step mode, where
        QUIT is a step of its own; not for LMTP's replies per recipient; not when the plan
        closes without QUIT after the dot)."""
        plan, caps = self.plan, self.caps
        return (plan.pipeline and caps is not None and caps.has("PIPELINING")
                and not self.stepping and plan.protocol != "lmtp" and plan.drop_after != "dot")

    def _changed(self) -> str:
        """How the message read differs from the one scanned ("" when it is the same)."""
        return self._stream.changed_since(self.facts) if self.facts is not None else ""

    def _hidden_lines_note(self, action: SendMessage) -> None:
        facts, stream = self.facts, self._stream
        total = facts.lines if facts is not None else stream.shown
        if total > stream.shown:
            octets = facts.wire_size if facts is not None else action.total - 3
            self._info(Stage.DOT, f"[{total - stream.shown} more lines of the message not "
                       f"shown; {octets} octets in all]")

    def message_failed(self, kind: Failure, text: str) -> None:
        """The server stopped reading the message, or the connection broke, before the dot:
        while the message is sent, or while the write of what the client last handed out (a
        BDAT chunk, the final dot) did not finish."""
        if not self._part_in_flight:
            self._expect(SendMessage, None, "message_failed()")
        self._part_in_flight = False
        exit_code = {Failure.DATA_BROKEN: EXIT_CLOSED, Failure.MESSAGE_CHANGED: EXIT_USAGE,
                     Failure.INPUT: EXIT_USAGE}.get(kind)
        self._fail(Stage.DOT, kind, text + "; a message cut off before its final dot is not "
                   "delivered", exit_code)

    # -- the user (step mode) ----------------------------------------------------------------

    def step(self, replacement: str = "") -> None:
        """Send the next command (``replacement``: as edited by the user)."""
        self._expect(AskUser, None, "step()")
        planned = self._planned
        self._planned = None
        if isinstance(planned, Send) and replacement and planned.group:
            self._error(planned.stage, "a pipelined group is sent as it is: it cannot be "
                        "edited (--no-pipeline sends one command at a time)")
            self._hold(planned)
            return
        if isinstance(planned, Send) and replacement and not planned.shown:
            challenged = planned.stage is Stage.AUTH and not planned.line.upper().startswith(
                "AUTH")
            limit = commands.MAX_AUTH_RESPONSE if challenged else commands.MAX_COMMAND
            try:
                data = commands.command_line(replacement, limit)
            except LocalProtocolError as exc:
                self._error(planned.stage, str(exc))
                self._hold(planned)
                return
            secret = typed_secret(replacement, challenged)
            if secret:
                self.scrubber.add_typed(secret)
            planned = Send(planned.stage, replacement, data,
                           typed_shown(replacement, challenged) or "")
        if planned is None:  # nothing planned (a typed message awaits its lines or its dot)
            self._hold(None)
            return
        self._typing_message = False  # after a typed DATA: the profile's message goes instead
        self._next = planned

    def run(self) -> None:
        """Stop holding: the session runs to its end (after a typed DATA, with the profile's
        message)."""
        self.stepping = False
        if isinstance(self._next, AskUser):
            if self._typing_message and self._planned is not None:
                self._typing_message = False
            self._resume()

    def run_to(self, stage: str) -> None:
        """Run without holding until the commands of ``stage`` are done."""
        self._run_until = stage if stage in STAGES else ""
        if isinstance(self._next, AskUser):
            self._resume()

    def manual(self, line: str) -> None:
        """A command typed by the user, sent instead of the plan's (which waits); after a typed
        DATA answered 354, a line of the message (a lone "." ends it)."""
        self._expect(AskUser, None, "manual()")
        if self._typing_message:
            self._message_line(line)
            return
        limit = commands.MAX_AUTH_RESPONSE if self._challenged else commands.MAX_COMMAND
        try:
            data = commands.command_line(line, limit)
        except LocalProtocolError as exc:
            self._error(Stage.MANUAL, str(exc))
            self._hold(self._planned)  # the user's turn again, the plan unchanged
            return
        secret = typed_secret(line, self._challenged)
        if secret:
            self.scrubber.add_typed(secret)
        self._next = Send(Stage.MANUAL, line, data, typed_shown(line, self._challenged) or "")

    def stop(self) -> None:
        """The user ends the session at a step: nothing more is sent."""
        stage = self.stage
        self._expect(AskUser, None, "stop()")
        if self.verdict.outcome is not Outcome.FAILED:
            self.verdict.outcome, self.verdict.stage = Outcome.STOPPED, stage
            self.verdict.exit_code, self.verdict.kind = EXIT_OK, Failure.ABANDONED
            self.verdict.error = "session stopped by the user"
            self._error(stage, "session stopped by the user")
        self._next = Close(stage)

    def abandon(self, waited: float = 0.0) -> None:
        """The user gave up on the session while it waited (ctrl+c, x): it ends now."""
        self._part_in_flight = False
        action = self._next
        stage = action.stage
        why = "session abandoned by the user"
        if isinstance(action, Wait):
            self.verdict.waited = True
            why += f" after waiting {waited:.1f} s for the {_awaited(stage)}"
            if stage is Stage.DOT:  # RFC 5321 §4.1.1.4: the reply to the dot decides
                why += ("; the message was sent in full, so the server may still deliver it "
                        "(its reply to the final dot never came)")
        if not isinstance(action, Close):
            self._fail(stage, Failure.ABANDONED, why, EXIT_INTERRUPTED)

    # -- replies -----------------------------------------------------------------------------

    def _take_replies(self) -> None:
        while isinstance(self._next, Wait | Send | AskUser | NeedSecret | SendMessage):
            reply = self._parser.next_reply()
            if reply is None:
                return
            self._on_reply(self.scrubber.clean_reply(reply))

    def _on_reply(self, reply: Reply) -> None:
        action = self._next
        if isinstance(action, Wait) and action.stage is not Stage.CONNECT:
            stage = action.stage
            self._show(stage, reply)
            self.verdict.heard(stage.value, reply)
            self._items.append(Answered(stage, reply))
            if reply.code == 421 and stage is not Stage.QUIT:  # RFC 5321 §3.8
                if stage is Stage.RCPT:  # that recipient has its answer; the rest, none
                    self._count_recipient(self.plan.recipients[self._rcpt_index], reply)
                    self._rcpt_index += 1
                self._record_failure(stage, Failure.REPLY, _said(reply), reply=reply)
                self._info(stage, "421: the server is closing the channel")
                self._next = Close(stage)
            elif stage is Stage.MANUAL:
                self._manual_reply(reply)
            elif self._pending is not None:
                self._group_reply(stage, reply)
            else:
                _HANDLERS[stage](self, reply)
        elif isinstance(action, SendMessage):
            self._show(action.stage, reply)
            self.verdict.heard(action.stage.value, reply)
            self._fail(action.stage, Failure.REPLY, _said(reply) + " in the middle of the "
                       "message and stopped taking it", reply=reply)
        else:
            self._unsolicited_reply(self.where, reply)

    def _unsolicited_reply(self, stage: Stage, reply: Reply) -> None:
        """A reply nobody asked for (sent between commands): shown and set aside."""
        if reply.code == 421:  # RFC 5321 §3.8: the server is closing the channel
            self._info(stage, "the server sent 421 between commands: it is closing the channel")
            self._show(stage, reply)
            first = reply.lines[0] if reply.lines else ""
            self._fail(stage, Failure.REPLY, f"the server closed the channel before "
                       f"{stage.upper()} was sent: 421 {first}".rstrip(), reply=reply)
            return
        self._unsolicited += 1
        if self._unsolicited > MAX_UNSOLICITED:
            self._fail(stage, Failure.PROTOCOL, "protocol error from the server: it keeps "
                       "sending replies nobody asked for (more than "
                       f"{MAX_UNSOLICITED} before {stage.upper()}); giving up")
            return
        self._info(stage, "unsolicited reply (not an answer to any command), ignored:")
        self._show(stage, reply)

    def _eof(self) -> None:
        action = self._next
        self._show_unfinished()
        if isinstance(action, Close):
            return
        if action.stage is Stage.QUIT:
            self._info(Stage.QUIT, "the server closed the connection")
            self._next = Close(Stage.QUIT)
        elif isinstance(action, Wait):
            during = ("while the typed command awaited its reply" if action.stage is Stage.MANUAL
                      else f"during stage {action.stage}")
            self._fail(self.where, Failure.CLOSED, f"the server closed the connection {during}",
                       EXIT_CLOSED)
        elif isinstance(action, SendMessage):
            self._fail(Stage.DOT, Failure.DATA_BROKEN, "the server closed the connection in the "
                       "middle of the message; a message cut off before its final dot is not "
                       "delivered", EXIT_CLOSED)
        else:
            where = self.where
            self._fail(where, Failure.CLOSED, "the server closed the connection before "
                       f"{where.upper()} was sent", EXIT_CLOSED)

    def _greeting(self) -> str:
        """The greeting command of this protocol: LHLO (LMTP), HELO (plain SMTP) or EHLO."""
        verb = {"lmtp": "LHLO", "smtp": "HELO"}.get(self.plan.protocol, "EHLO")
        return f"{verb} {self.plan.helo}"

    def _banner(self, reply: Reply) -> None:
        if reply.code != 220:
            self._quit_failed(Stage.BANNER, reply)
        elif not self._stopped_after("banner", Stage.BANNER):
            stage = Stage.HELO if self.plan.protocol == "smtp" else Stage.EHLO
            self._propose(stage, self._greeting())

    def _ehlo(self, reply: Reply) -> None:
        stage = self.stage
        if reply.code == 250:
            self.caps = parse_ehlo(reply)
            for quirk in self.caps.quirks:
                self._info(stage, quirk)
            if stage is Stage.EHLO_XCLIENT:
                self._after_xclient()
            else:
                self._after_greeting(stage)
        elif stage is not Stage.EHLO or self.plan.protocol == "lmtp":  # LMTP has no HELO
            self._quit_failed(stage, reply)
        else:
            self._info(Stage.EHLO, "EHLO refused: falling back to HELO")
            self._propose(Stage.HELO, f"HELO {self.plan.helo}")

    def _helo(self, reply: Reply) -> None:
        if reply.code != 250:
            self._quit_failed(Stage.HELO, reply)
            return
        self.caps = helo_capabilities(reply)
        self._after_greeting(Stage.HELO)

    def _after_greeting(self, stage: Stage) -> None:
        assert self.caps is not None
        plan = self.plan
        if stage in (Stage.EHLO, Stage.HELO) and self._stopped_after("ehlo", stage):
            return  # the first EHLO, before any STARTTLS: "just show me the EHLO"
        if not self.tls_active and plan.tls in (TlsMode.STARTTLS, TlsMode.REQUIRED):
            if self.caps.has("STARTTLS"):
                self._propose(Stage.STARTTLS, "STARTTLS")
                return
            if plan.tls == TlsMode.REQUIRED:
                self._record_failure(Stage.STARTTLS, Failure.TLS_UNAVAILABLE,
                                     "STARTTLS is required but the server does not offer it")
                self._quit()
                return
            self._info(stage, "the server does not offer STARTTLS: the session continues in "
                       "plaintext")
        self._after_tls_point()

    def _starttls(self, reply: Reply) -> None:
        if reply.code == 220:
            self._next = StartTLS(Stage.TLS, self.plan.tls_name or self.plan.host)
            return
        if self.plan.tls == TlsMode.REQUIRED:
            self._quit_failed(Stage.STARTTLS, reply, kind=Failure.TLS_UNAVAILABLE)
            return
        self._info(Stage.STARTTLS, "STARTTLS refused: the session continues in plaintext (use "
                   "--tls required to stop)")
        self._after_tls_point()

    def _after_tls_point(self) -> None:
        """TLS is up, refused or not wanted: stop if asked to by now, else XCLIENT, AUTH or
        MAIL."""
        plan = self.plan
        if self.verdict.outcome is Outcome.DELIVERED:  # a typed STARTTLS after the delivery
            self._quit()
        elif "tls" in (plan.quit_after, plan.drop_after) and not self.tls_active:
            self._stop(Stage.TLS, "stopped where TLS would have begun (--quit-after tls); this "
                       "session has no TLS")
            self._quit() if plan.quit_after else self._drop(Stage.TLS, "")
        elif not self._stopped_after("tls", Stage.TLS):
            self._after_xclient()

    def _after_xclient(self) -> None:
        """The next XCLIENT command, if any is left; then AUTH or MAIL."""
        if self._xclient_index < len(self.plan.xclient):
            self._start_xclient()
        elif self.plan.auth_user and not self.authenticated:
            self._start_auth()
        elif "auth" in (self.plan.quit_after, self.plan.drop_after):
            # No AUTH configured: stop where it would have been.
            self._stopped_after("auth", Stage.AUTH, "stopped before MAIL (no AUTH was asked "
                                "for)")
        else:
            self._start_mail()

    def _start_xclient(self) -> None:
        """XCLIENT (Postfix's XCLIENT_README): only where offered, and (for the --xclient-*
        attributes) only with attributes the server advertises; --force sends it anyway."""
        assert self.caps is not None
        attributes, checked = self.plan.xclient[self._xclient_index]
        offered = {name.upper() for name in self.caps.params("XCLIENT")}
        problem = ""
        if not self.caps.has("XCLIENT"):
            problem = "the server does not offer XCLIENT"
        elif checked:
            names = [word.split("=", 1)[0].upper() for word in attributes.split()]
            missing = [name for name in names if name not in offered]
            if missing:
                problem = (f"the server does not advertise the XCLIENT attribute"
                           f"{'s' if len(missing) > 1 else ''} {' '.join(missing)} (it "
                           f"offers {' '.join(sorted(offered)) or 'none'})")
        if problem and not self.plan.force:
            self._record_failure(Stage.XCLIENT, Failure.XCLIENT, problem + ": nothing was "
                                 "sent (--force sends it anyway)")
            self._quit()
            return
        if problem:
            self._info(Stage.XCLIENT, f"{FORCED}{problem}")
        self._propose(Stage.XCLIENT, f"XCLIENT {attributes}")

    def _xclient(self, reply: Reply) -> None:
        """A 2xx (Postfix greets again with 220): the session starts over, EHLO again."""
        if reply.code // 100 != 2:
            self._quit_failed(Stage.XCLIENT, reply)
            return
        self._xclient_index += 1
        self.caps = None
        self._reset_envelope()
        if not self._stopped_after("xclient", Stage.XCLIENT):
            self._propose(Stage.EHLO_XCLIENT, self._greeting())

    def _start_auth(self) -> None:
        assert self.caps is not None
        plan = self.plan
        mechanism, problem = choose_mechanism(plan.auth_mech, self.caps.auth_mechanisms,
                                              self.tls_active, plan.allow_plaintext_auth,
                                              plan.force)
        if problem is not None:
            self._record_failure(Stage.AUTH, problem[0], problem[1])
            self._quit()
            return
        if plan.auth_mech and plan.auth_mech.upper() not in self.caps.auth_mechanisms:
            self._info(Stage.AUTH, f"{FORCED}the server does not offer AUTH {mechanism}")
        self.mechanism = mechanism
        if self.auth is None:
            self._next = NeedSecret(Stage.AUTH, plan.auth_user)
        else:  # the password is known already (a second AUTH after a typed EHLO)
            line, shown = self.auth.first_line()
            self._propose(Stage.AUTH, line, shown or "")

    def _auth(self, reply: Reply) -> None:
        assert self.auth is not None
        if self._cancelled_auth:  # the answer to "*": RFC 4954 §4 says 501; anything ends it
            self._quit()
            return
        if reply.code == 334:
            answer = self.auth.answer(reply)
            if answer is None:
                self._record_failure(Stage.AUTH, Failure.AUTH_ROUNDS, "the server kept "
                                     "challenging after the "
                                     f"{self.auth.mechanism} exchange was complete")
                self._cancelled_auth = True
                self._propose(Stage.AUTH, "*")  # RFC 4954 §4: cancel the exchange
                return
            self._propose(Stage.AUTH, answer[0], answer[1], commands.MAX_AUTH_RESPONSE)
            return
        if reply.code == 235:
            self.authenticated = True
            self._info(Stage.AUTH, f"authenticated as {self.auth.user}")
            self._after_auth()
            return
        self._quit_failed(Stage.AUTH, reply)

    def _after_auth(self) -> None:
        if not self._stopped_after("auth", Stage.AUTH):
            self._start_mail()

    def _envelope(self) -> Envelope:
        plan = self.plan
        return Envelope(force=plan.force, tls_active=self.tls_active,
                        chunking=self._chunking, requiretls=plan.requiretls,
                        dsn_ret=plan.dsn_ret, dsn_envid=plan.dsn_envid,
                        dsn_notify=plan.dsn_notify, dsn_orcpt=plan.dsn_orcpt)

    def _start_mail(self) -> None:
        """MAIL FROM (with the parameters the message needs), alone or, where PIPELINING is
        offered, in one group with every RCPT and DATA (RFC 2920 §3.1: DATA ends a group)."""
        assert self.caps is not None
        plan, caps = self.plan, self.caps
        self._rcpt_index = self._rcpts_sent = 0
        self._chunking = plan.chunking and (caps.has("CHUNKING") or plan.force)
        if plan.chunking and not caps.has("CHUNKING"):
            self._info(Stage.MAIL, (FORCED + "the server does not offer CHUNKING (RFC 3030)")
                       if plan.force else "the server does not offer CHUNKING (RFC 3030): the "
                       "message goes with DATA")
        start = start_mail(plan.sender, plan.recipients, self.facts, caps, self._envelope())
        for note in start.notes:
            self._info(Stage.MAIL, note)
        if start.error:
            self._record_failure(Stage.MAIL, Failure(start.kind), start.error)
            self._quit()
            return
        self._binary = start.binary
        self._stream = MessageStream(bdat=self._chunking, binary=self._binary)
        group = [(Stage.MAIL, start.line)]
        if not self._stops_at("mail"):
            group += [(Stage.RCPT, self._rcpt_line(address)) for address in plan.recipients]
            if not self._stops_at("rcpt") and not self._chunking:
                group.append((Stage.DATA, "DATA"))
        if plan.pipeline and caps.has("PIPELINING") and len(group) > 1:
            self._propose_group(group)
        else:
            self._propose(Stage.MAIL, start.line)

    def _rcpt_line(self, address: str) -> str:
        assert self.caps is not None
        return rcpt_line(address, self.caps, self._envelope())

    def _mail(self, reply: Reply) -> None:
        if reply.code != 250:
            self._quit_failed(Stage.MAIL, reply)
            return
        if self._stopped_after("mail", Stage.MAIL):
            return
        self._rcpt_index = 0
        self._propose(Stage.RCPT, self._rcpt_line(self.plan.recipients[0]))

    def _rcpt(self, reply: Reply) -> None:
        self._count_recipient(self.plan.recipients[self._rcpt_index], reply)
        self._rcpt_index += 1
        self._after_rcpt(reply)

    def _count_recipient(self, address: str, reply: Reply) -> None:
        verdict = self.verdict
        if reply.code in (250, 251):
            verdict.accepted.append(address)
            return
        verdict.rejected.append(Rejected(address, reply.code, reply.text))
        verdict.rejected_replies.append(reply)
        first = reply.lines[0] if reply.lines else ""
        self._error(Stage.RCPT, f"recipient {address} refused: {reply.code} {first}")

    def _unanswered_recipients(self, why: str) -> None:
        """The session ends in RCPT: every recipient still without an answer is listed, as
        sent but unanswered, or not tried (code 0: no reply said so)."""
        recipients = self.plan.recipients
        for index in range(self._rcpt_index, len(recipients)):
            sent = index < self._rcpts_sent
            self.verdict.rejected.append(Rejected(recipients[index], 0, (
                "no reply" if sent else "not tried") + f" (the session ended: {why})"))
        self._rcpt_index = len(recipients)

    def _after_rcpt(self, reply: Reply | None) -> None:
        """The next recipient, or DATA once every one was tried (RSET if none was accepted)."""
        verdict = self.verdict
        if self._rcpt_index < len(self.plan.recipients):
            self._propose(Stage.RCPT, self._rcpt_line(self.plan.recipients[self._rcpt_index]))
            return
        if not verdict.accepted:
            self._record_failure(Stage.RCPT, Failure.NO_RECIPIENT,
                                 "no recipient was accepted: no DATA sent", reply=reply)
            self._propose(Stage.RSET, "RSET")
            return
        if verdict.rejected:
            verdict.kind = Failure.PARTIAL
        if self._stopped_after("rcpt", Stage.RCPT):
            return
        if self._chunking:
            self._start_chunks()
        else:
            self._propose(Stage.DATA, "DATA")

    def _group_reply(self, stage: Stage, reply: Reply) -> None:
        """One reply of a pipelined group, in the order the commands went (RFC 2920 §3.1: a
        client checks every status; a DATA accepted after every RCPT failed gets a lone dot)."""
        assert self._pending is not None
        verdict = self.verdict
        if stage is Stage.MAIL and reply.code != 250:
            self._record_failure(Stage.MAIL, Failure.REPLY, _said(reply), reply=reply)
        elif stage is Stage.RCPT:
            self._count_recipient(self.plan.recipients[self._rcpt_index], reply)
            self._rcpt_index += 1
        elif stage is Stage.DATA:
            self._pending = None
            failed = verdict.outcome is Outcome.FAILED
            if failed or not verdict.accepted:
                if not failed:
                    last = verdict.rejected_replies[-1] if verdict.rejected_replies else None
                    self._record_failure(Stage.RCPT, Failure.NO_RECIPIENT, "no recipient was "
                                         "accepted", reply=last)
                if reply.code == 354:
                    self._empty_dot = True
                    self._propose(Stage.DOT, ".")
                else:
                    self._quit()
                return
            if verdict.rejected:
                verdict.kind = Failure.PARTIAL
            self._data(reply)
            return
        if self._pending:
            self._wait(self._pending.pop(0))
            return
        self._pending = None  # a group without DATA: stopped after MAIL or RCPT, or BDAT next
        if verdict.outcome is Outcome.FAILED:
            self._quit()
        elif stage is Stage.MAIL:
            self._stopped_after("mail", Stage.MAIL)
        else:
            self._rcpt_index = len(self.plan.recipients)
            self._after_rcpt(reply)

    def _rset(self, reply: Reply) -> None:
        self._quit()

    def _quit_reply(self, reply: Reply) -> None:
        self._next = Close(Stage.QUIT)

    def _data(self, reply: Reply) -> None:
        plan = self.plan
        if reply.code != 354:
            self._quit_failed(Stage.DATA, reply)
        elif "data" in (plan.quit_after, plan.drop_after):
            # RFC 5321 offers no way back from 354 but the message or a close.
            flag = "--quit-after" if plan.quit_after else "--drop-after"
            self._stop(Stage.DATA, f"stopped after DATA ({flag} data): closing without a "
                       "message")
            self._next = Close(Stage.DATA)
        else:
            total = (self.facts.wire_size + 3) if self.facts is not None else 0
            self._next = SendMessage(Stage.DOT, total)

    def _start_chunks(self) -> None:
        total = self.facts.size if self.facts is not None else 0
        self._next = SendMessage(Stage.BDAT, total)

    def _bdat(self, reply: Reply) -> None:
        """A chunk's reply; the LAST chunk's is the message's (LMTP: per recipient)."""
        if self._last_chunk_sent:
            self._dot(reply)
        elif reply.code // 100 != 2:
            self._quit_failed(Stage.BDAT, reply)
        else:
            self._start_chunks()

    def _dot(self, reply: Reply) -> None:
        verdict = self.verdict
        if self._empty_dot:  # the lone dot after DATA with no recipient: nothing was sent
            self._quit()
            return
        if self.plan.protocol == "lmtp" and self._lmtp_waiting:
            self._lmtp_reply(reply)
            return
        if reply.code != 250:
            self._quit_failed(Stage.DOT, reply)
            return
        if verdict.outcome is not Outcome.FAILED:
            verdict.outcome, verdict.stage = Outcome.DELIVERED, ""
        verdict.reply = reply
        if not self._stopped_after("dot", Stage.DOT, delivered=True):
            self._quit()

    def _lmtp_reply(self, reply: Reply) -> None:
        """LMTP (RFC 2033 §4.2): after the message, one reply per accepted recipient."""
        verdict = self.verdict
        address = self._lmtp_waiting.pop(0)
        if reply.code // 100 == 2:
            self._lmtp_delivered.append(address)
        else:
            verdict.rejected.append(Rejected(address, reply.code, reply.text))
            verdict.rejected_replies.append(reply)
            first = reply.lines[0] if reply.lines else ""
            self._error(Stage.DOT, f"recipient {address} refused after the message: "
                        f"{reply.code} {first}")
        if self._lmtp_waiting:
            self._wait(Stage.DOT)
            return
        verdict.accepted = list(self._lmtp_delivered)
        verdict.reply = reply
        if not verdict.accepted:
            self._quit_failed(Stage.DOT, reply)
            return
        if verdict.rejected:
            verdict.kind = Failure.PARTIAL
        if verdict.outcome is not Outcome.FAILED:
            verdict.outcome, verdict.stage = Outcome.DELIVERED, ""
        if not self._stopped_after("dot", Stage.DOT, delivered=True):
            self._quit()

    # -- stop points -------------------------------------------------------------------------

    def _stops_at(self, point: str) -> bool:
        """Whether the session is told to stop at this point, in any of the three ways."""
        plan = self.plan
        return point in (plan.quit_after, plan.drop_after, plan.drop_after_send)

    def _stopped_after(self, point: str, stage: Stage, text: str = "",
                       delivered: bool = False) -> bool:
        """Stop here if told to: QUIT (--quit-after) or close (--drop-after); False else."""
        plan = self.plan
        if plan.drop_after == point:
            if not delivered:
                self._stop(stage, text or f"stopped after {point} (--drop-after {point})")
            self._drop(stage, "closing without QUIT (--drop-after)")
            return True
        if plan.quit_after == point:
            if not delivered:
                self._stop(stage, text or f"stopped after {point} (--quit-after {point})")
            self._quit()
            return True
        return False

    def _drop(self, stage: Stage, text: str) -> None:
        """Close the connection now, without QUIT (--drop-after, --drop-after-send)."""
        if text:
            self._info(stage, text)
        if self.verdict.outcome is not Outcome.FAILED and not self.verdict.stage \
                and self.verdict.outcome is not Outcome.DELIVERED:
            self.verdict.stage = stage
        self._next = Close(stage)

    @staticmethod
    def _send_point(action: Send) -> str:
        """The stop point reached once ``action`` is sent (for --drop-after-send)."""
        stage = action.group[-1][0] if action.group else action.stage
        if stage is Stage.AUTH and not action.line.upper().startswith("AUTH"):
            return ""
        return {Stage.EHLO: "ehlo", Stage.HELO: "ehlo", Stage.STARTTLS: "tls",
                Stage.XCLIENT: "xclient", Stage.AUTH: "auth", Stage.MAIL: "mail",
                Stage.RCPT: "rcpt", Stage.DATA: "data"}.get(stage, "")


    # -- typed commands ----------------------------------------------------------------------

    def _manual_timeout(self) -> float:
        stage = {"MAIL": "mail", "RCPT": "rcpt", "DATA": "data"}.get(self._manual_verb, "")
        return self.plan.timeouts.for_stage(stage or "manual")

    def _manual_reply(self, reply: Reply) -> None:
        """A typed command's reply: shown; the plan follows what the command did, where it
        did what the plan's own command would have done at this point."""
        verb, code = self._manual_verb, reply.code
        self._challenged = code == 334
        planned = self._planned
        at = planned.stage if planned is not None else None
        in_transaction = at in (Stage.RCPT, Stage.DATA, Stage.RSET) or isinstance(
            planned, SendMessage)
        if verb == "QUIT":
            self._info(Stage.MANUAL, "the QUIT you typed ended the session")
            self._next = Close(Stage.QUIT)
        elif verb == "RCPT":
            self._typed_recipient(reply)
        elif code >= 300 and not (verb == "DATA" and code == 354):
            self._resume()  # refused (or a challenge): the plan is where it was
        elif verb in ("EHLO", "HELO"):
            self.caps = parse_ehlo(reply) if verb == "EHLO" else helo_capabilities(reply)
            self._reset_envelope()  # RFC 5321 §4.1.4: a new greeting ends any transaction
            if at in (Stage.EHLO, Stage.HELO, Stage.EHLO_TLS):
                self._planned = None
                self._after_greeting(Stage.EHLO_TLS if self.tls_active else Stage.EHLO)
            else:
                self._restart_transaction(in_transaction)
        elif verb == "STARTTLS" and code == 220:
            self._planned = None
            self._next = StartTLS(Stage.TLS, self.plan.tls_name or self.plan.host)
        elif verb == "AUTH" and code == 235:
            self.authenticated = True
            self._info(Stage.AUTH, "authenticated (by the AUTH you typed)")
            if at is Stage.AUTH:
                self._planned = None
                self._after_auth()
            else:
                self._resume()
        elif verb == "MAIL":
            self._planned = None
            self._reset_envelope()
            self._after_rcpt(None)
        elif verb == "DATA":
            self._typing_message = True
            self._info(Stage.MANUAL, "type the message, a line at a time; a line holding only "
                       "\".\" ends it (s sends the profile's message instead)")
            total = (self.facts.wire_size + 3) if self.facts is not None else 0
            self._hold(SendMessage(Stage.DOT, total) if self.facts is not None else None)
        elif verb == "RSET":
            self._reset_envelope()
            self._restart_transaction(in_transaction)
        else:
            self._resume()

    def _restart_transaction(self, in_transaction: bool) -> None:
        """The envelope was reset: a transaction under way starts again at MAIL."""
        if in_transaction:
            self._planned = None
            self._start_mail()
        else:
            self._resume()

    def _typed_recipient(self, reply: Reply) -> None:
        """A typed RCPT: counted like a planned one; the plan skips it if it was its next."""
        typed = self._typed_address()
        if reply.code == 334 or not 200 <= reply.code < 600:
            self._resume()
            return
        recipients = self.plan.recipients
        expected = recipients[self._rcpt_index] if self._rcpt_index < len(recipients) else None
        self._count_recipient(typed or "(typed)", reply)
        if expected is not None and typed.lower() == expected.lower():
            self._rcpt_index += 1
            self._planned = None
            self._after_rcpt(reply)
        else:
            self._resume()

    def _typed_address(self) -> str:
        line = self._manual_line
        inside = line[line.find("<") + 1: line.find(">")] if "<" in line and ">" in line else ""
        return inside or line.partition(":")[2].strip()

    def _message_line(self, line: str) -> None:
        """A message line typed by hand: dot-stuffed where it starts with ".", said so; a
        lone "." ends the message and its reply is awaited as the planned dot's is."""
        if line == ".":
            self._typing_message = False
            self._planned = None
            self._next = Send(Stage.DOT, ".", b".\r\n")
            return
        bad = next((ch for ch in line if ch in "\r\n\x00"), None)
        if bad is not None:
            self._error(Stage.DOT, f"a message line cannot hold {bad!r}; it was not sent")
            self._hold(self._planned)
            return
        wire = ("." + line) if line.startswith(".") else line
        data = wire.encode("utf-8") + b"\r\n"
        if len(data) - 2 > MAX_MESSAGE_LINE:
            self._error(Stage.DOT, f"the line is {len(data) - 2} octets; RFC 5321 §4.5.3.1.6 "
                        f"allows {MAX_MESSAGE_LINE}: it was not sent")
            self._hold(self._planned)
            return
        if wire != line:
            self._info(Stage.DOT, "a line that starts with \".\" is sent with the dot doubled "
                       "(dot-stuffing, RFC 5321 §4.5.2); the server removes it again")
        self._next = Send(Stage.DOT, wire, data, expects_reply=False)

    def _reset_envelope(self) -> None:
        """RSET (or a new EHLO, RFC 5321 §4.1.4): no transaction; recipients start over."""
        self._rcpts_sent = 0
        verdict = self.verdict
        verdict.accepted.clear()
        verdict.rejected.clear()
        verdict.rejected_replies.clear()
        if verdict.kind == Failure.PARTIAL:
            verdict.kind = ""
        self._rcpt_index = 0
        self._typing_message = False

    # -- proposing and holding ---------------------------------------------------------------

    def _propose(self, stage: Stage, line: str, shown: str = "",
                 limit: int = commands.MAX_COMMAND) -> None:
        """The plan's next command: sent at once, or held for the user in step mode."""
        try:
            data = commands.command_line(line, limit)
        except LocalProtocolError as exc:  # a planned line is checked before the session
            self._fail(stage, Failure.INPUT, str(exc), EXIT_USAGE)
            return
        self._next = Send(stage, line, data, shown)
        if self._held(stage):
            self._hold(self._next)

    def _propose_group(self, group: list[tuple[Stage, str]]) -> None:
        """A pipelined group (RFC 2920): one write, one step for the user."""
        try:
            data = b"".join(commands.command_line(line) for _, line in group)
        except LocalProtocolError as exc:
            self._fail(group[0][0], Failure.INPUT, str(exc), EXIT_USAGE)
            return
        recipients = sum(stage is Stage.RCPT for stage, _ in group)
        shown = group[0][1] + (f" + {recipients} RCPT" if recipients else "") + (
            " + DATA" if group[-1][0] is Stage.DATA else "") + " (pipelined)"
        self._next = Send(Stage.MAIL, group[0][1], data, shown if len(group) > 1 else "",
                          group=tuple(group))
        if self._held(Stage.MAIL):
            self._hold(self._next)

    def _held(self, stage: Stage) -> bool:
        if not self.stepping:
            return False
        if self._run_until:
            if order(stage) <= order(self._run_until):
                return False
            self._run_until = ""
        return True

    def _hold(self, planned: Action | None) -> None:
        """Ask the user; ``planned`` is what a step will do."""
        self._planned = planned
        if isinstance(planned, Send):
            stage, line = planned.stage, planned.shown or planned.line
        elif isinstance(planned, SendMessage):
            stage, line = Stage.DOT, "(the profile's message, then the final dot)"
        else:
            stage, line = Stage.DOT, ""
        self._next = AskUser(stage, line)
        self._items.append(Pending(0.0, stage, line))

    def _resume(self) -> None:
        """Back to the plan after a typed command (or when the user stops holding)."""
        planned, self._planned = self._planned, None
        if self._typing_message:
            self._hold(planned)
        elif planned is None:
            self._hold(None)
        elif isinstance(planned, Send) and self._held(planned.stage):
            self._hold(planned)
        else:
            self._next = planned

    def _wait(self, stage: Stage, timeout: float | None = None) -> None:
        self._next = Wait(stage, self.plan.timeouts.for_stage(stage.value)
                          if timeout is None else timeout)

    def _expect(self, kind: type[A], stage: Stage | None, what: str) -> A:
        """The current action, which must be of this kind (and stage): else misuse."""
        action = self._next
        if self.errored or not isinstance(action, kind) or (stage is not None
                                                            and action.stage is not stage):
            self._misuse(f"{what} while the session is at {type(action).__name__}"
                         f"({action.stage})")
        return action

    def _misuse(self, text: str) -> NoReturn:
        """We were used wrongly: the ERROR state, and LocalProtocolError (h11's split)."""
        self.errored = True
        raise LocalProtocolError(text)

    # -- what the session says ---------------------------------------------------------------

    def _show(self, stage: Stage, reply: Reply) -> None:
        tls = self.tls_active
        for raw in reply.raw:
            self._items.append(Event(0.0, EventKind.RECV, stage, raw, tls, reply=reply))
        if self._parser.bare_lf_lines and not self._bare_lf_noted:
            self._bare_lf_noted = True
            self._info(stage, "the server ends its reply lines with a bare LF, not CRLF (RFC "
                       "5321 §2.3.8 requires CRLF): smtptui reads them, stricter clients may "
                       "not")
        for quirk in reply.quirks:
            self._info(stage, quirk)

    def _show_unfinished(self) -> None:
        """The lines of a reply that never ended, so the transcript shows all that came."""
        lines = tuple(self._parser.unfinished())
        if lines:  # code 0: a reply with no last line has no code yet
            self._show(self.stage, self.scrubber.clean_reply(Reply(0, (), lines)))

    def _show_message_lines(self, lines: list[bytes]) -> None:
        for line in lines:
            text = line.decode("utf-8", "replace")
            self._items.append(Event(0.0, EventKind.SEND, Stage.DOT,
                                     self.scrubber.clean(text), self.tls_active))

    def _info(self, stage: Stage, text: str) -> None:
        self._items.append(Event(0.0, EventKind.INFO, stage, self.scrubber.clean(text)))

    def _error(self, stage: Stage, text: str) -> None:
        self._items.append(Event(0.0, EventKind.ERROR, stage, self.scrubber.clean(text)))

    # -- endings -----------------------------------------------------------------------------

    def _quit(self) -> None:
        if self._quit_sent:  # pipelined with the final dot: its reply comes next
            self._wait(Stage.QUIT)
        else:
            self._propose(Stage.QUIT, "QUIT")

    def _stop(self, stage: Stage, text: str) -> None:
        self.verdict.outcome = Outcome.STOPPED
        self.verdict.stage = stage
        self._info(stage, text)

    def _quit_stopped(self, stage: Stage) -> None:
        self._stop(stage, f"stopped after {stage} (--quit-after {stage})")
        self._quit()

    def _quit_failed(self, stage: Stage, reply: Reply, kind: Failure = Failure.REPLY) -> None:
        self._record_failure(stage, kind, _said(reply), reply=reply)
        self._quit()

    def _fail(self, stage: Stage, kind: Failure, error: str, exit_code: int | None = None,
              reply: Reply | None = None) -> None:
        """A failure that ends the session at once: nothing more is sent."""
        self._record_failure(stage, kind, error, exit_code, reply)
        self._next = Close(stage)

    def _message_changed(self, how: str) -> None:
        self._fail(Stage.DOT, Failure.MESSAGE_CHANGED, f"the message file changed after it was "
                   f"checked ({how}): the final dot was not sent, so nothing is delivered",
                   EXIT_USAGE)

    def _record_failure(self, stage: Stage, kind: Failure, error: str,
                        exit_code: int | None = None, reply: Reply | None = None) -> None:
        verdict = self.verdict
        error = self.scrubber.clean(error)
        if verdict.outcome is Outcome.FAILED:  # keep the first failure: it is the cause
            return
        if stage is Stage.QUIT and verdict.outcome in (Outcome.DELIVERED, Outcome.STOPPED):
            # The transaction was over (or stopped as asked): a bad QUIT undoes nothing.
            self._info(stage, f"{error} (after the session's end)")
            return
        if stage is Stage.RCPT and kind is not Failure.NO_RECIPIENT:
            self._unanswered_recipients(error)
        verdict.outcome, verdict.stage, verdict.kind, verdict.error = (
            Outcome.FAILED, stage.value, kind, error)
        verdict.reply = reply
        verdict.exit_code = exit_code if exit_code is not None else STAGES[stage].exit_code
        self._error(stage, error)


def _said(reply: Reply) -> str:
    first = reply.lines[0] if reply.lines else ""
    return f"the server answered {reply.code} {first}".rstrip()


def _awaited(stage: Stage) -> str:
    """What a wait in ``stage`` was for, in words."""
    return {Stage.BANNER: "greeting", Stage.DOT: "reply to the final dot",
            Stage.MANUAL: "reply to the typed command"}.get(stage, f"reply to {stage.upper()}")


_HANDLERS = {
    Stage.BANNER: SmtpClient._banner,
    Stage.EHLO: SmtpClient._ehlo,
    Stage.EHLO_TLS: SmtpClient._ehlo,
    Stage.HELO: SmtpClient._helo,
    Stage.STARTTLS: SmtpClient._starttls,
    Stage.AUTH: SmtpClient._auth,
    Stage.MAIL: SmtpClient._mail,
    Stage.RCPT: SmtpClient._rcpt,
    Stage.RSET: SmtpClient._rset,
    Stage.DATA: SmtpClient._data,
    Stage.DOT: SmtpClient._dot,
    Stage.BDAT: SmtpClient._bdat,
    Stage.XCLIENT: SmtpClient._xclient,
    Stage.EHLO_XCLIENT: SmtpClient._ehlo,
    Stage.QUIT: SmtpClient._quit_reply,
}

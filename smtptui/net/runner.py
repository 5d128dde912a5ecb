"""Runs a Session over a Connection: the event stream, stage time-outs, stepping and control."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smtptui.net import tls as tlsmod
from smtptui.net.report import build_result
from smtptui.net.stepping import Stepping
from smtptui.net.transfer import MessageTransfer
from smtptui.net.transport import Conn, ConnectionClosed, Opener
from smtptui.smtp.auth import scrub_reply
from smtptui.smtp.commands import command_line
from smtptui.smtp.errors import LocalProtocolError, RemoteProtocolError
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.replies import Reply, ReplyParser
from smtptui.smtp.session import (
    EXIT_CLOSED,
    EXIT_CONNECT,
    EXIT_INTERRUPTED,
    Await,
    Close,
    Send,
    SendData,
    Session,
    StartTLS,
)
from smtptui.smtp.transcript import Event, Result, StageTiming, visible

if TYPE_CHECKING:  # ssl loads only when a session uses TLS
    import ssl

Emit = Callable[[object], None]

#: Replies nobody asked for that are shown and set aside before the session gives up on them.
MAX_UNSOLICITED = 10


class Runner(Stepping, MessageTransfer):
    """Drives one session to its end; `emit` receives Event, Pending, Progress, StageTiming."""

    def __init__(self, plan: SessionPlan, emit: Emit, *, stepping: bool = False,
                 auth: object | None = None, resolver: object | None = None,
                 opener: Opener | None = None, t0: float | None = None) -> None:
        self.plan = plan
        self.session = Session(plan, auth)
        self._emit = emit
        self._stepping = stepping
        self._run_until = ""
        self._controls: Any = None  # an asyncio.Queue of Control, made on first use
        self._opener = opener  # None: the asyncio driver
        self._parser = ReplyParser()
        self._conn: Conn | None = None
        self._t0 = time.monotonic() if t0 is None else t0  # times are seconds since this
        self._stage_started = time.monotonic()
        self._timings: dict[str, float] = {}
        self._tls_facts: dict[str, object] = {}
        self._pending_unsolicited: list[Reply] = []
        self._resolver = resolver  # for the reverse-DNS check; None: that check is skipped
        self._banner = ""
        self._checks: list[dict[str, object]] = []
        self._bare_lf_noted = False

    # -- control from a UI (same event loop) -----------------------------------------------

    # -- the run ---------------------------------------------------------------------------

    def _now(self) -> float:
        return time.monotonic() - self._t0

    def _say(self, kind: str, stage: str, text: str, tls: bool = False) -> None:
        self._emit(Event(self._now(), kind, stage, text, tls))

    def _flush_notes(self) -> None:
        for note in self.session.take_notes():
            self._say(note.kind, note.stage, note.text)

    async def run(self) -> Result:
        """Connect, converse, close; never raises for anything the server does."""
        try:
            await self._converse()
            await self._local_checks()
        except BaseException as exc:
            if _cancelled(exc):
                stage = self.session.stage
                why = "session abandoned by the user"
                if isinstance(self.session.next_action(), Await) and stage == "dot":
                    # RFC 5321 §4.1.1.4: the reply to the dot decides, and none came.
                    why += ("; the message was sent in full, so the server may still deliver "
                            "it (its reply to the final dot never came)")
                self.session.fail(stage, "abandoned", why, EXIT_INTERRUPTED)  # said once
            raise
        finally:
            self._flush_notes()
            if self._conn is not None:
                self._conn.abort()
        return self.result()

    async def _converse(self) -> None:
        plan = self.plan
        context = tlsmod.make_context(plan.verify, plan.ca_file) if plan.tls != "off" else None
        if context is not None and not plan.verify:
            self._say("info", "connect", "TLS certificate verification is OFF (--no-verify)")
        if not await self._connect(context):
            return
        while True:
            self._flush_notes()
            action = self.session.next_action()
            if isinstance(action, Close):
                break
            if isinstance(action, Await):
                if not await self._await_reply(action.stage):
                    break
            elif isinstance(action, Send):
                if not await self._send(action):
                    break
            elif isinstance(action, SendData):
                if not await self._send_message():
                    break
            elif isinstance(action, StartTLS):
                assert context is not None
                if not await self._start_tls(context):
                    break

    async def _connect(self, context: ssl.SSLContext | None) -> bool:
        plan, session = self.plan, self.session
        target = plan.address or plan.host
        where = f"[{target}]:{plan.port}" if ":" in target else f"{target}:{plan.port}"
        label = f" ({plan.label})" if plan.label else ""
        self._say("info", "connect", f"Trying {where}{label}...")
        implicit = context if plan.tls == "implicit" else None
        try:
            opener = self._opener
            if opener is None:
                from smtptui.net.asyncio_transport import Connection

                opener = Connection.open
            started = time.monotonic()  # the connect alone: not TLS set-up, not a walk's DNS
            self._conn = await opener(target, plan.port, plan.timeouts.connect, implicit,
                                      plan.tls_name or plan.host)
        except TimeoutError:
            session.fail("connect", "timeout", f"no answer from {where} within "
                         f"{plan.timeouts.connect:g} s (a firewall may be dropping the packets)",
                         EXIT_CONNECT)
            return False
        except ConnectionRefusedError:
            session.fail("connect", "refused", f"connection to {where} refused", EXIT_CONNECT)
            return False
        except OSError as exc:
            if tlsmod.is_tls_error(exc):
                session.fail("tls", "tls", tlsmod.why_not_verified(exc))
                return False
            session.fail("connect", "connect", f"cannot connect to {where}: "
                         f"{exc.strerror or exc}", EXIT_CONNECT)
            return False
        end = self._conn.endpoint
        self._timings["connect"] = time.monotonic() - started
        self._emit(StageTiming(self._now(), "connect", self._timings["connect"]))
        self._say("info", "connect", f"Connected to {end.address} port {end.port} "
                  f"from {end.local_address} port {end.local_port}")
        if implicit is not None:
            self._tls_up(context is not None and plan.verify)
        self._stage_started = time.monotonic()
        session.connected()
        return True

    def _tls_up(self, verified: bool) -> None:
        assert self._conn is not None
        self._tls_facts = tlsmod.describe(self._conn.ssl_object, verified,
                                          server_name=self.plan.tls_name or self.plan.host)
        for line in tlsmod.summary_lines(self._tls_facts):
            self._say("info", "tls", line)

    async def _await_reply(self, stage: str) -> bool:
        reply = await self._read_reply(stage)
        if reply is None:
            return False
        if stage == "banner":
            self._banner = reply.raw[0] if reply.raw else ""
        self._record_timing(stage)
        self.session.receive(reply)
        return True

    async def _read_reply(self, stage: str) -> Reply | None:
        """Read one reply within the stage's time-out; report and fail the session otherwise."""
        assert self._conn is not None
        session = self.session
        timeout = self.plan.timeouts.for_stage(stage)
        deadline = time.monotonic() + timeout
        while True:
            replies = self._replies()
            if replies:
                for extra in replies[1:]:  # anything beyond one reply was not asked for
                    self._parser_pushback(extra)
                self._show_reply(stage, replies[0])
                return replies[0]
            try:
                data = await self._conn.read(max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                self._show_unfinished(stage)
                if stage == "quit":  # the transaction is over: a silent QUIT undoes nothing
                    self._say("info", "quit", f"no reply to QUIT within {timeout:g} s; closing")
                    return None
                what = "banner" if stage == "banner" else "reply"
                partial = " (part of a reply came, then nothing)" if self._parser.partial else ""
                session.fail(stage, "timeout", f"no {what} within {timeout:g} s in stage "
                             f"{stage}{partial}")
                return None
            if not data:
                if stage == "quit":
                    self._say("info", "quit", "the server closed the connection")
                    return None
                session.fail(stage, "closed", f"the server closed the connection during "
                             f"stage {stage}", EXIT_CLOSED)
                return None
            try:
                self._parser.feed(data)
            except RemoteProtocolError as exc:
                self._show_unfinished(stage)
                session.fail(stage, "protocol", f"protocol error from the server: {exc}")
                return None

    def _replies(self) -> list[Reply]:
        """The complete replies read so far, with any echo of the AUTH secret masked."""
        return [scrub_reply(reply, self.session.auth) for reply in self._parser.replies()]

    def _show_unfinished(self, stage: str) -> None:
        """The lines of a reply that never ended, so the transcript shows all that came."""
        lines = tuple(self._parser.unfinished())
        if lines:  # code 0: a reply with no last line has no code yet
            self._show_reply(stage, scrub_reply(Reply(0, (), lines), self.session.auth))

    def _parser_pushback(self, reply: Reply) -> None:
        self._pending_unsolicited.append(reply)

    def _show_reply(self, stage: str, reply: Reply) -> None:
        tls = self.session.tls_active
        for raw in reply.raw:
            self._say("recv", stage, visible(raw), tls)
        if self.plan.explain and reply.code:
            from smtptui.knowledge.codes import explain_reply

            for item in explain_reply(reply):
                self._say("info", stage, f"{item.code}: {item.summary} ({item.reference})")
        if self._parser.bare_lf_lines and not self._bare_lf_noted:
            self._bare_lf_noted = True
            self._say("info", stage, "the server ends its reply lines with a bare LF, not CRLF "
                      "(RFC 5321 §2.3.8 requires CRLF): smtptui reads them, stricter clients "
                      "may not")

    def _record_timing(self, stage: str) -> None:
        now = time.monotonic()
        seconds = now - self._stage_started
        self._timings[stage] = self._timings.get(stage, 0.0) + seconds
        self._emit(StageTiming(self._now(), stage, seconds))

    async def _drop_unsolicited(self, stage: str) -> bool:
        """Replies nobody asked for (sent between commands) are shown and set aside.

        Bytes that arrived while no command was outstanding are read first, so that they are
        never taken for the answer to the next command. False when the session must end: a
        421, bytes that are not SMTP, or a server that keeps talking (more than
        MAX_UNSOLICITED replies, or still sending after the command time-out).
        """
        assert self._conn is not None
        extra, self._pending_unsolicited = self._pending_unsolicited, []
        deadline = time.monotonic() + self.plan.timeouts.command
        try:
            while len(extra) <= MAX_UNSOLICITED and self._conn.has_unread:
                if time.monotonic() > deadline:
                    break
                self._parser.feed(await self._conn.read(self.plan.timeouts.command))
                extra += self._replies()
        except RemoteProtocolError as exc:
            self.session.fail(stage, "protocol", f"protocol error from the server: {exc}")
            return False
        for reply in extra[:MAX_UNSOLICITED]:
            if reply.code == 421:  # RFC 5321 §3.8: the server is closing the channel
                self._say("info", stage, "the server sent 421 between commands: it is closing "
                          "the channel")
                self._show_reply(stage, reply)
                first = reply.lines[0] if reply.lines else ""
                self.session.fail(stage, "reply", f"the server closed the channel before "
                                  f"{stage.upper()} was sent: 421 {first}".rstrip(), reply=reply)
                return False
            self._say("info", stage, "unsolicited reply (not an answer to any command), ignored:")
            self._show_reply(stage, reply)
        if len(extra) > MAX_UNSOLICITED or time.monotonic() > deadline:
            self.session.fail(stage, "protocol", "protocol error from the server: it keeps "
                              "sending replies nobody asked for (more than "
                              f"{MAX_UNSOLICITED} before {stage.upper()}); giving up")
            return False
        return True

    async def _send(self, action: Send) -> bool:
        assert self._conn is not None
        if not await self._drop_unsolicited(action.stage):
            return False
        gated = await self._gate(action)
        if gated is None:
            return False
        if not await self._drop_unsolicited(action.stage):  # what came while the user thought
            return False
        if self.session.next_action() != action:  # a manual command ended the session
            return not isinstance(self.session.next_action(), Close)
        try:
            data = command_line(gated.line, gated.limit)
        except LocalProtocolError as exc:
            self._say("error", action.stage, str(exc))
            if self._stepping:
                return True  # the user may edit it again
            self.session.fail(action.stage, "input", str(exc), 1)
            return False
        self._say("send", action.stage, gated.shown or gated.line, self.session.tls_active)
        self._stage_started = time.monotonic()
        try:
            await self._conn.write(data, self.plan.timeouts.command)
        except (TimeoutError, ConnectionClosed, OSError):
            self.session.fail(action.stage, "closed", "the connection broke while sending "
                              f"{action.stage.upper()}", EXIT_CLOSED)
            return False
        self.session.sent(action)
        return True

    async def _start_tls(self, context: ssl.SSLContext) -> bool:
        assert self._conn is not None
        dropped = self._conn.discard_buffered() + self._parser.discard()
        dropped += sum(len(line) + 2 for r in self._pending_unsolicited for line in r.raw)
        self._pending_unsolicited = []
        if dropped:
            self._say("error", "tls", f"discarded {dropped} octets the server sent after its 220 "
                      "and before the TLS hand-shake (possible STARTTLS injection)")
        name = self.plan.tls_name or self.plan.host
        self._stage_started = time.monotonic()
        try:
            await self._conn.start_tls(context, name, self.plan.timeouts.command)
        except TimeoutError:
            self.session.fail("tls", "timeout", "the TLS hand-shake timed out")
            return False
        except (ConnectionClosed, OSError) as exc:
            if tlsmod.is_tls_error(exc):
                self.session.fail("tls", "tls", tlsmod.why_not_verified(exc))
                return False
            why = str(exc) or "the server closed the connection"  # a bare ConnectionResetError
            self.session.fail("tls", "closed", f"the connection broke during the TLS "
                              f"hand-shake: {why}")
            return False
        self._record_timing("tls")
        self._tls_up(self.plan.verify)
        self.session.tls_started()
        return True

    def result(self) -> Result:
        """The Result of the session so far (final once run() returned)."""
        conn = self._conn
        return build_result(
            self.session, self.plan, conn.endpoint if conn is not None else None,
            conn.first_bytes if conn is not None else b"", self._timings, self._tls_facts,
            self._checks, self._now())

    async def _local_checks(self) -> None:
        """Banner name and delay, and (with a resolver) our address's reverse DNS."""
        from smtptui.net.checks import local_checks

        if self._conn is None:
            return
        args = (self.plan.helo, self._banner, self.plan.host, self._timings.get("banner"),
                self._conn.endpoint.local_address, self._resolver)
        # Only the reverse-DNS look-up blocks; without a resolver there is none to wait for.
        checks = (await self._conn.offload(local_checks, *args) if self._resolver is not None
                  else local_checks(*args))
        self._checks = [check.as_dict() for check in checks]


def _cancelled(exc: BaseException) -> bool:
    """True for asyncio's cancellation (only possible when asyncio is in use at all)."""
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)

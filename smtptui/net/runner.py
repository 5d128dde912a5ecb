"""Runs an SmtpClient over a connection: waits, time-outs and moving bytes; no protocol decisions.

The loop asks the client what to do (`next_action()`), does it, and reports what happened;
every decision (what a reply means, whether to go on, what to say) is the client's. The
runner's own words are about I/O only: where it connects, how long things took, the TLS
facts of a hand-shake, how fast the message went.
"""

from __future__ import annotations

import contextlib
import socket
import sys
import time
from collections.abc import Awaitable, Callable, Iterator
from typing import TYPE_CHECKING, Any

from smtptui.net import tls as tlsmod
from smtptui.net.result import Result, build_result
from smtptui.net.transport import Conn, ConnectionClosed, Dial, Driver
from smtptui.smtp.client import (
    Answered,
    AskUser,
    Close,
    NeedSecret,
    Send,
    SendMessage,
    SmtpClient,
    StartTLS,
    Wait,
)
from smtptui.smtp.errors import SmtpTuiError
from smtptui.smtp.plan import SessionPlan, Timeouts
from smtptui.smtp.record import record, replace
from smtptui.smtp.transcript import Event, Progress, StageTiming
from smtptui.smtp.vocabulary import EventKind, Failure, Stage, TlsMode

if TYPE_CHECKING:  # the checks load when a greeting came, datetime only when TLS is used
    from smtptui.net.checks import Check
    from smtptui.net.tls_facts import TlsFacts

Emit = Callable[[object], None]
#: Where AUTH gets its password: called with the user name when AUTH is reached; raises
#: InputError when the source cannot give one.
SecretSource = Callable[[str], Awaitable[str]]


@record(frozen=True)
class Control:
    """A user's instruction to a stepping session: step, run, run_to, manual or stop."""

    verb: str
    text: str = ""


class Runner:
    """Drives one session to its end; `emit` receives Event, Pending, Progress, StageTiming."""

    def __init__(self, plan: SessionPlan, emit: Emit, *, stepping: bool = False,
                 secrets: SecretSource | None = None, resolver: Any = None,
                 driver: Driver | None = None, t0: float | None = None) -> None:
        self.plan = plan
        self.client = SmtpClient(plan, stepping=stepping)
        self._emit = emit
        self._secrets = secrets
        self._resolver = resolver  # for the reverse-DNS check; None: that check is skipped
        self._driver = driver  # None: the asyncio transport
        self._controls: Any = None  # an asyncio.Queue of Control, made on first use
        self._conn: Conn | None = None
        self._t0 = time.monotonic() if t0 is None else t0  # times are seconds since this
        self._stage_started = time.monotonic()
        self._wait: Wait | None = None
        self._deadline = 0.0
        self._drain_since: float | None = None
        self._timings: dict[str, float] = {}
        self._tls_facts: TlsFacts | None = None
        self._banner = ""
        self._checks: list[Check] = []
        self._tls_dropped = 0  # plaintext octets the last hand-shake's set-up dropped
        self._chunks: Iterator[bytes] | None = None  # the message being sent, chunk by chunk
        self._lookahead: bytes | None = None  # the chunk after the current (BDAT's LAST)
        self._message_sent = 0
        self._message_started = 0.0

    # -- control from a UI (same event loop) -------------------------------------------------

    def control(self, verb: str, text: str = "") -> None:
        """step [replacement line] | run | run_to STAGE | manual LINE | stop: taken the next
        time the session holds a command for the user."""
        if self._controls is None:
            import asyncio

            self._controls = asyncio.Queue()
        self._controls.put_nowait(Control(verb, text))

    def peek(self) -> str | None:
        """The next command line the session will send, if it is waiting to send one."""
        return self.client.peek()

    # -- the run -----------------------------------------------------------------------------

    def _now(self) -> float:
        return time.monotonic() - self._t0

    def _say(self, kind: EventKind, stage: Stage, text: str, tls: bool = False) -> None:
        self._emit(Event(self._now(), kind, stage, text, tls))

    def _flush(self) -> None:
        """Pass on what the client said, stamped with the time; time the stages answered."""
        for item in self.client.take():
            if isinstance(item, Answered):
                self._answered(item)
            else:
                self._emit(replace(item, t=self._now()))

    def _answered(self, item: Answered) -> None:
        seconds = time.monotonic() - self._stage_started
        stage = item.stage.value
        self._timings[stage] = self._timings.get(stage, 0.0) + seconds
        if item.stage is Stage.BANNER:
            self._banner = item.reply.raw[0] if item.reply.raw else ""
        self._emit(StageTiming(self._now(), stage, seconds))

    async def run(self) -> Result:
        """Connect, converse, close; never raises for anything the server does."""
        try:
            await self._converse()
            await self._local_checks()
        except BaseException as exc:
            if _cancelled(exc):
                waited = time.monotonic() - self._stage_started
                self.client.abandon(waited)
            raise
        finally:
            self._flush()
            if self._conn is not None:
                self._conn.abort()
        return self.result()

    async def _converse(self) -> None:
        plan, client = self.plan, self.client
        if plan.message is not None and plan.quit_after not in ("connect", "banner"):
            client.facts = await self._driver_of().offload(plan.message.scan)
        if not await self._connect():
            return
        while True:
            self._flush()
            action = client.next_action()
            if isinstance(action, Close):
                break
            if isinstance(action, Wait):
                await self._read(action)
            elif isinstance(action, Send):
                await self._send(action)
            elif isinstance(action, AskUser):
                await self._ask_user()
            elif isinstance(action, NeedSecret):
                await self._fetch_secret(action)
            elif isinstance(action, StartTLS):
                await self._start_tls(action)
            elif isinstance(action, SendMessage):
                await self._send_message(action)

    def _driver_of(self) -> Driver:
        if self._driver is None:
            from smtptui.net.asyncio_transport import Connection

            self._driver = Connection
        assert self._driver is not None
        return self._driver

    async def _connect(self) -> bool:
        plan, client = self.plan, self.client
        target = plan.address or plan.host
        if plan.socket_path:
            where = f"UNIX socket {plan.socket_path}"
        else:
            where = f"[{target}]:{plan.port}" if ":" in target else f"{target}:{plan.port}"
        label = f" ({plan.label})" if plan.label else ""
        only = f", IPv{plan.ip_version} only" if plan.ip_version else ""
        self._say(EventKind.INFO, Stage.CONNECT, f"Trying {where}{label}{only}...")
        if plan.tls != TlsMode.OFF and not plan.verify:
            self._say(EventKind.INFO, Stage.CONNECT,
                      "TLS certificate verification is OFF (--no-verify)")
        legacy = tlsmod.legacy_note(plan.tls_protocol, plan.tls_cipher)
        if legacy and plan.tls != TlsMode.OFF:
            self._say(EventKind.INFO, Stage.CONNECT, legacy)
        if plan.helo and not _qualified(plan.helo):
            self._say(EventKind.INFO, Stage.CONNECT, f"the HELO name {plan.helo} is not a "
                      "fully qualified domain name (RFC 5321 §4.1.1.1 asks for one, or an "
                      "address literal): some servers refuse or score it down; --helo NAME")
        mismatch = self._wrong_family(target)
        if mismatch:
            client.connect_failed(Failure.CONNECT, mismatch)
            return False
        started = time.monotonic()  # the connect alone: not TLS set-up, not a walk's DNS
        try:
            self._conn = await self._driver_of().open(target, plan.port, plan.timeouts.connect,
                                                      self._dial())
        except TimeoutError:
            client.connect_failed(Failure.TIMEOUT, f"no answer from {where} within "
                                  f"{plan.timeouts.connect:g} s (a firewall may be dropping "
                                  "the packets)")
            return False
        except ConnectionRefusedError:
            client.connect_failed(Failure.REFUSED, f"connection to {where} refused")
            return False
        except OSError as exc:
            if isinstance(exc, socket.gaierror):  # the name, not the network
                client.connect_failed(Failure.UNRESOLVED, f"the host name {target} does not "
                                      f"resolve ({exc.strerror or exc})")
            else:
                client.connect_failed(Failure.CONNECT, f"cannot connect to {where}: "
                                      f"{exc.strerror or exc}")
            return False
        end = self._conn.endpoint
        self._timings["connect"] = time.monotonic() - started
        self._emit(StageTiming(self._now(), "connect", self._timings["connect"]))
        if plan.socket_path:
            self._say(EventKind.INFO, Stage.CONNECT, f"Connected to {where}")
        else:
            self._say(EventKind.INFO, Stage.CONNECT, f"Connected to {end.address} port "
                      f"{end.port} from {end.local_address} port {end.local_port}")
        if plan.proxy is not None and not await self._send_proxy():
            return False
        if plan.tls == TlsMode.IMPLICIT:
            failure = await self._handshake(plan.tls_name or plan.host, plan.timeouts.connect)
            if failure is not None:
                kind, text = failure
                if kind is Failure.TIMEOUT:
                    text = (f"the TLS hand-shake (implicit TLS) timed out after "
                            f"{plan.timeouts.connect:g} s: the server took the connection but "
                            "did not answer the hand-shake; it may not speak TLS on this port "
                            "(try --tls starttls)")
                client.connect_failed(kind, text, Stage.TLS)
                return False
        self._stage_started = time.monotonic()
        client.connected()
        return True

    def _dial(self) -> Dial:
        plan = self.plan
        return Dial(plan.ip_version, plan.local_address, plan.local_port, plan.socket_path)

    def _wrong_family(self, target: str) -> str:
        """Why a fixed address (direct mode's MX address) cannot be reached over the one IP
        version asked for (-4, -6, or the local address's); "" when it can."""
        plan = self.plan
        version = plan.ip_version or (6 if ":" in plan.local_address else
                                      4 if plan.local_address else 0)
        if not version or plan.socket_path or not plan.address:
            return ""
        from smtptui.smtp.iplit import ip_literal

        address = ip_literal(target)
        if address is None or address.version == version:
            return ""
        why = f"-{plan.ip_version}" if plan.ip_version else \
            f"--local-interface {plan.local_address}"
        return f"{target} is an IPv{address.version} address: {why} connects over IPv{version} only"

    async def _send_proxy(self) -> bool:
        """The PROXY header, the connection's first octets (before the greeting, before implicit
        TLS); the server answers nothing. False (the session failed, exit 36) when it cannot be
        sent."""
        from smtptui.net.proxy import proxy_header, shown

        assert self._conn is not None and self.plan.proxy is not None
        header = proxy_header(self.plan.proxy)
        self._say(EventKind.SEND, Stage.PROXY, shown(self.plan.proxy, header))
        try:
            await self._conn.write(header, self.plan.timeouts.connect)
        except (TimeoutError, ConnectionClosed, OSError) as exc:
            why = str(exc) if not isinstance(exc, TimeoutError) else (
                f"not taken within {self.plan.timeouts.connect:g} s")
            self.client.connect_failed(Failure.PROXY, f"the PROXY header could not be sent: "
                                       f"{why or 'the connection closed'}", Stage.PROXY)
            return False
        return True

    async def _handshake(self, server_name: str, timeout: float
                         ) -> tuple[Failure, str] | None:
        """TLS over the connection; its facts shown; the failure (kind, words) if it fails.

        The certificate must name ``server_name`` (over a UNIX socket: --tls-verify-target's
        name, or none). SNI sends --tls-sni's name when given, else that name; when the two
        differ OpenSSL checks the chain and the name is checked here, after the hand-shake
        and before anything is sent over it. A certificate that fails verification is read
        again over a second connection, without verification, to show what it says."""
        assert self._conn is not None
        plan = self.plan
        verified = plan.tls_name if plan.socket_path else server_name
        if plan.verify and not verified:
            return Failure.TLS, ("over a UNIX socket there is no server name to check the "
                                 "certificate against: --tls-verify-target NAME, or "
                                 "--no-verify")
        sni = plan.tls_sni or verified or None
        name_here = plan.verify and sni != verified
        self._stage_started = time.monotonic()
        try:
            context = tlsmod.make_context(plan.verify, plan.ca_file, cert=plan.tls_cert,
                                          key=plan.tls_key, protocol=plan.tls_protocol,
                                          cipher=plan.tls_cipher)
            if name_here:
                context.check_hostname = False  # the chain is still verified (CERT_REQUIRED)
            dropped = await self._conn.start_tls(context, sni, timeout)
        except SmtpTuiError as exc:  # a CA file that cannot be used
            return Failure.INPUT, str(exc)
        except TimeoutError:
            return Failure.TIMEOUT, "the TLS hand-shake timed out"
        except (ConnectionClosed, OSError) as exc:
            if tlsmod.is_tls_error(exc):
                words = tlsmod.why_not_verified(exc)
                if tlsmod.is_verification_error(exc) and await self._show_unverified():
                    words = words.removesuffix(tlsmod.SEE_IT)
                return Failure.TLS, words
            why = str(exc) or "the server closed the connection"  # a bare ConnectionResetError
            return Failure.CLOSED, f"the connection broke during the TLS hand-shake: {why}"
        seconds = time.monotonic() - self._stage_started
        self._timings["tls"] = seconds
        self._emit(StageTiming(self._now(), "tls", seconds))
        ssl_object = self._conn.ssl_object
        mismatch = (name_here and ssl_object is not None
                    and not tlsmod.names_match(tlsmod.peer_names(ssl_object), verified))
        facts = tlsmod.describe(ssl_object, plan.verify and not mismatch, server_name=verified)
        if facts is not None and mismatch:
            facts = replace(facts, unverified=f"it does not name {verified}")
        self._tls_facts = facts
        for line in facts.summary_lines() if facts is not None else ():
            self._say(EventKind.INFO, Stage.TLS, line)
        if plan.tls_sni:
            self._say(EventKind.INFO, Stage.TLS, f"SNI sent: {plan.tls_sni}" + (
                f" (the certificate is checked against {verified})" if name_here else ""))
        if plan.tls_cert:
            self._say(EventKind.INFO, Stage.TLS, f"client certificate {plan.tls_cert}: "
                      "presented if the server asked for one")
        if mismatch:
            return Failure.TLS, (f"name mismatch: the certificate does not name {verified} "
                                 f"(SNI sent: {sni})")
        self._tls_dropped = dropped
        return None

    async def _show_unverified(self) -> bool:
        """After a verification failure: the certificate read again over a second connection
        whose hand-shake does not verify (STARTTLS: the greeting, EHLO and STARTTLS again),
        nothing sent over TLS, closed at once; its subject, names, issuer and dates shown
        (made visible, as every certificate's text). True when they were shown."""
        plan = self.plan
        self._say(EventKind.INFO, Stage.TLS, "reading the certificate again without "
                  "verification, over a second connection (nothing is sent over its TLS)")
        limit = min(plan.timeouts.connect, plan.timeouts.command, PROBE_TIMEOUT)
        again = plan.copy(verify=False, quit_after="connect" if plan.tls == TlsMode.IMPLICIT
                          else "tls", drop_after="", drop_after_send="", message=None,
                          auth_user="", xclient=(), timeouts=Timeouts.all(limit))
        probe = _Probe(again, lambda _item: None, driver=self._driver_of(), t0=self._t0)
        await probe.run()
        facts = probe.tls_facts
        if facts is None or not facts.subject:
            self._say(EventKind.INFO, Stage.TLS, "the certificate could not be read again: "
                      f"{probe.client.verdict.error or 'no TLS hand-shake'}")
            return False
        facts = replace(facts, unverified="verification failed; read again without it")
        for line in facts.summary_lines()[1:]:  # not the second connection's cipher
            self._say(EventKind.INFO, Stage.TLS, line)
        self._tls_facts = facts
        return True

    async def _start_tls(self, action: StartTLS) -> None:
        assert self._conn is not None
        client = self.client
        client.tls_begin(self._conn.discard_buffered())
        self._flush()
        failure = await self._handshake(action.server_name, self.plan.timeouts.command)
        if failure is None:
            client.tls_started(self._tls_dropped)
        else:
            client.tls_failed(*failure)

    async def _read(self, action: Wait) -> None:
        """One read within what is left of the wait's time-out."""
        assert self._conn is not None
        if action is not self._wait:  # a new wait: its time-out starts now
            self._wait, self._deadline = action, time.monotonic() + action.timeout
        try:
            data = await self._conn.read(max(0.0, self._deadline - time.monotonic()))
        except TimeoutError:
            self.client.timed_out()
            return
        if not data and self._conn.closed_why:  # a TLS alert (TLS 1.3's client certificate)
            self._say(EventKind.ERROR, action.stage, self._conn.closed_why)
        self.client.receive_data(data)

    async def _drained(self) -> bool:
        """Bytes that came while no command was outstanding go to the client first (it sets
        aside replies nobody asked for, or ends on a 421); True when any did. A server still
        sending after the command time-out is reported to the client as a time-out."""
        assert self._conn is not None
        if not self._conn.has_unread:
            self._drain_since = None
            return False
        now = time.monotonic()
        if self._drain_since is None:
            self._drain_since = now
        elif now - self._drain_since > self.plan.timeouts.command:
            self.client.timed_out()
            return True
        try:
            data = await self._conn.read(self.plan.timeouts.command)
        except TimeoutError:
            return False
        self.client.receive_data(data)
        return True

    async def _send(self, action: Send) -> None:
        assert self._conn is not None
        if await self._drained():
            return  # the client decides again, with what came
        data = self.client.send(action)
        self._flush()
        self._stage_started = time.monotonic()
        try:
            await self._conn.write(data, self.plan.timeouts.command)
        except (TimeoutError, ConnectionClosed, OSError) as exc:
            self.client.write_failed(str(exc) if not isinstance(exc, TimeoutError) else "")

    async def _ask_user(self) -> None:
        if self._controls is None:
            import asyncio

            self._controls = asyncio.Queue()
        self._flush()
        control = await self._controls.get()
        client = self.client
        if control.verb == "step":
            client.step(control.text)
        elif control.verb == "run":
            client.run()
        elif control.verb == "run_to":
            client.run_to(control.text)
        elif control.verb == "manual":
            client.manual(control.text)
        elif control.verb == "stop":
            client.stop()

    async def _fetch_secret(self, action: NeedSecret) -> None:
        if self._secrets is None:
            self.client.secret_unavailable("AUTH needs a password: --password-env VAR or "
                                           "--password-command CMD")
            return
        try:
            value = await self._secrets(action.user)
        except SmtpTuiError as exc:
            self.client.secret_unavailable(str(exc))
            return
        self.client.secret(value)

    async def _send_message(self, action: SendMessage) -> None:
        """The next piece of the message through the client: a chunk (DATA), or one BDAT
        command with its chunk; the end of the message and the final dot when none is left.
        The transcript shows the message's first lines."""
        assert self._conn is not None
        client, bdat = self.client, action.stage is Stage.BDAT
        if self._chunks is None:  # the transfer begins
            message = self.plan.message
            if message is None:
                client.message_failed(Failure.INPUT, "there is no message to send")
                return
            self._chunks = iter(message.chunks(self.plan.chunk_size) if bdat
                                else message.chunks())
            self._lookahead = next(self._chunks, None)
            self._message_sent, self._message_started = 0, time.monotonic()
            self._stage_started = self._message_started
        chunk, last, pipelined = self._lookahead, False, b""
        try:
            if chunk is None:
                last = True
                parts = (client.message_parts(b"", last=True) if bdat
                         else _nonempty(client.message_end()))
                pipelined = client.take_pipelined()  # QUIT, in the same write as the dot
            else:
                self._lookahead = next(self._chunks, None)
                last = bdat and self._lookahead is None
                parts = client.message_parts(chunk, last=last)
        except SmtpTuiError as exc:  # the file went away or cannot be read any more
            client.message_failed(Failure.MESSAGE_CHANGED, str(exc))
            return
        if not parts:
            return  # the session ended (the file changed), or the chunk encoded to nothing
        self._flush()
        if bdat:
            self._stage_started = time.monotonic()  # each chunk's reply is timed on its own
        written = await self._write_part(parts, self.plan.timeouts.block, action.total,
                                         last=last, pipelined=pipelined)
        if last and written:
            self._chunks = None
            elapsed = time.monotonic() - self._message_started
            rate = self._message_sent / elapsed / 1e6 if elapsed > 0 else 0.0
            self._say(EventKind.INFO, action.stage, f"message sent: {self._message_sent} "
                      f"octets in {elapsed:.2f} s ({rate:.1f} MB/s)")

    async def _write_part(self, parts: tuple[bytes, ...], timeout: float, total: int,
                          last: bool = False, pipelined: bytes = b"") -> int:
        """Write one part of the message, in its pieces (and a command pipelined after its
        end); a reply that came meanwhile goes to the client (a refusal in the middle of the
        message ends it). Returns the message's octets written."""
        assert self._conn is not None
        client, sent, size = self.client, self._message_sent, sum(map(len, parts))
        try:
            first, *more = _coalesced((*parts, pipelined) if pipelined else parts)
            await self._conn.write(first, timeout, *more)
        except TimeoutError:
            if not await self._explained():
                client.message_failed(Failure.DATA_STALLED, f"the server stopped reading the "
                                      f"message after {sent:,} of {total:,} octets (nothing "
                                      f"more taken in {timeout:g} s)")
            return 0
        except (ConnectionClosed, OSError) as exc:
            if not await self._explained():
                client.message_failed(Failure.DATA_BROKEN, f"the connection broke while "
                                      f"sending the message (within octets {sent:,}-"
                                      f"{sent + size:,} of {total:,}): {exc}")
            return 0
        self._message_sent += size
        self._emit(Progress(self._now(), self._message_sent, total,
                            time.monotonic() - self._message_started))
        if not last and self._conn.has_unread:  # bytes are there: the read returns at once
            with contextlib.suppress(TimeoutError, OSError, ConnectionClosed):
                client.receive_data(await self._conn.read(timeout))
        return size

    async def _explained(self) -> bool:
        """Did the server say why it stopped taking the message (552 too big, 554 policy)?
        One bounded read; the client takes any reply for the session's failure."""
        assert self._conn is not None
        action = self.client.next_action()
        try:
            if self._conn.has_unread:
                self.client.receive_data(await self._conn.read(1.0))
        except (TimeoutError, OSError, ConnectionClosed):
            return False
        return self.client.next_action() is not action

    @property
    def tls_facts(self) -> TlsFacts | None:
        """What the TLS hand-shake established (None before one, or without TLS)."""
        return self._tls_facts

    def result(self) -> Result:
        """The Result of the session so far (final once run() returned)."""
        conn = self._conn
        return build_result(
            self.client, self.plan, conn.endpoint if conn is not None else None,
            conn.first_bytes if conn is not None else b"", self._timings, self._tls_facts,
            self._checks, self._now())

    async def _local_checks(self) -> None:
        """Banner name and delay, and (with a resolver) our address's reverse DNS."""
        from smtptui.net.checks import local_checks

        if self._conn is None:
            return
        if self.plan.socket_path:  # no host name or IP address to hold anything against
            from smtptui.net.checks import Check, banner_delay_check

            why = "not checked: connected over a UNIX-domain socket"
            self._checks = [Check("banner-name", None, f"{why} (no host name)"),
                            banner_delay_check(self._timings.get("banner")),
                            Check("reverse-dns", None, f"{why} (no IP address)")]
            return
        args = (self.plan.helo, self._banner, self.plan.host, self._timings.get("banner"),
                self._conn.endpoint.local_address, self._resolver)
        # Only the reverse-DNS look-up blocks; without a resolver there is none to wait for.
        checks = (await self._driver_of().offload(local_checks, *args)
                  if self._resolver is not None else local_checks(*args))
        self._checks = checks


#: The longest wait for each step of the second connection that reads a certificate again.
PROBE_TIMEOUT = 30.0


class _Probe(Runner):
    """A second connection that only reads the certificate: its hand-shake (unverified: the
    plan says so) ends the session before anything is sent over TLS."""

    async def _start_tls(self, action: StartTLS) -> None:
        assert self._conn is not None
        self.client.tls_begin(self._conn.discard_buffered())
        failure = await self._handshake(action.server_name, self.plan.timeouts.command)
        self.client.tls_failed(*(failure or (Failure.TLS, "closed after the hand-shake")))


def _qualified(name: str) -> bool:
    """A fully qualified domain name (a dot, not at the end only) or an address literal."""
    return "." in name.rstrip(".") or name.startswith("[")


def _cancelled(exc: BaseException) -> bool:
    """True for asyncio's cancellation (only possible when asyncio is in use at all)."""
    asyncio = sys.modules.get("asyncio")
    return asyncio is not None and isinstance(exc, asyncio.CancelledError)


def _nonempty(data: bytes) -> tuple[bytes, ...]:
    """One piece to write, or none."""
    return (data,) if data else ()


#: Neighbouring pieces of a write joined while together no larger: a short message, its
#: BDAT command line and QUIT go in one segment, and no large chunk is copied.
_JOIN_UP_TO = 64 * 1024


def _coalesced(pieces: tuple[bytes, ...]) -> list[bytes]:
    """The pieces, small neighbours joined (at most _JOIN_UP_TO octets each join)."""
    out: list[bytes] = []
    for piece in pieces:
        if out and len(out[-1]) + len(piece) <= _JOIN_UP_TO:
            out[-1] += piece
        else:
            out.append(piece)
    return out

"""Streaming the message after 354: chunks to the wire, progress, a bounded preview."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from smtptui.net.transport import ConnectionClosed
from smtptui.smtp.errors import LocalProtocolError, RemoteProtocolError
from smtptui.smtp.session import EXIT_CLOSED, SendData
from smtptui.smtp.transcript import MessagePreview, Progress, visible

if TYPE_CHECKING:
    from smtptui.net.transport import Conn
    from smtptui.smtp.plan import SessionPlan
    from smtptui.smtp.replies import ReplyParser
    from smtptui.smtp.session import Session

#: How many lines of the message the transcript shows before folding the rest.
SHOWN_MESSAGE_LINES = 40


class MessageTransfer:
    """Mixed into the Runner, which provides the session, the connection and the transcript."""

    plan: SessionPlan
    session: Session
    _conn: Conn | None
    _parser: ReplyParser
    _replies: Any
    _show_reply: Any
    _stage_started: float
    _emit: Any
    _now: Any
    _say: Any

    async def _send_message(self) -> bool:
        """Stream the message; the transcript shows its first lines and folds the rest."""
        assert self._conn is not None
        plan, session = self.plan, self.session
        message = plan.message
        if message is None:
            raise LocalProtocolError("no message to send")
        facts = message.scan()
        tls = session.tls_active
        total = facts.wire_size + 3
        sent = 0
        started = time.monotonic()
        self._stage_started = started
        timeout = plan.timeouts.block
        preview = MessagePreview(SHOWN_MESSAGE_LINES)
        chunks = message.wire_chunks()
        chunk = next(chunks)
        try:
            while chunk:
                following = next(chunks, b"")
                for line in preview.take(chunk, last=not following):
                    self._say("send", "dot", visible(line.decode("utf-8", "replace")), tls)
                await self._conn.write(chunk, timeout)
                sent += len(chunk)
                self._emit(Progress(self._now(), sent, total, time.monotonic() - started))
                if following and self._conn.has_unread and await self._refused_midway():
                    return False  # a reply before the dot: the server will take no more
                chunk = following
        except TimeoutError:
            if await self._refused_midway():
                return False
            session.fail("dot", "data-stalled", f"the server stopped reading the message after "
                         f"{sent:,} of {total:,} octets (nothing more taken in {timeout:g} s); "
                         "a message cut off before its final dot is not delivered")
            return False
        except (ConnectionClosed, OSError) as exc:
            if await self._refused_midway():
                return False
            session.fail("dot", "data-broken", f"the connection broke while sending the message "
                         f"(within octets {sent:,}-{sent + len(chunk):,} of {total:,}): {exc}; "
                         "a message cut off before its final dot is not delivered", EXIT_CLOSED)
            return False
        if facts.lines > preview.shown:
            hidden = facts.lines - preview.shown
            self._say("info", "dot", f"[{hidden} more lines of the message not shown; "
                      f"{facts.wire_size} octets in all]")
        self._say("send", "dot", ".", tls)
        elapsed = time.monotonic() - started
        rate = total / elapsed / 1e6 if elapsed > 0 else 0.0
        self._say("info", "dot", f"message sent: {total} octets in {elapsed:.2f} s "
                  f"({rate:.1f} MB/s)")
        session.sent(SendData())
        return True

    async def _refused_midway(self) -> bool:
        """Did the server, before it stopped reading or hung up, say why (552 too big, 554
        policy...)? Then that reply is shown and is the session's failure."""
        assert self._conn is not None
        try:
            while self._conn.has_unread:
                self._parser.feed(await self._conn.read(1.0))
        except (RemoteProtocolError, TimeoutError, OSError, ConnectionClosed):
            pass
        replies = self._replies()
        if not replies:
            return False
        reply = replies[0]
        self._show_reply("dot", reply)
        first = reply.lines[0] if reply.lines else ""
        self.session.fail("dot", "reply", f"the server answered {reply.code} {first}".rstrip()
                          + " in the middle of the message and stopped taking it", reply=reply)
        return True

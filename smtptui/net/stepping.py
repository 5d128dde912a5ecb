"""Step mode: the user's hold on a running session (step, edit, run to, type a command, stop)."""

from __future__ import annotations

from typing import Any

from smtptui.net.transport import ConnectionClosed
from smtptui.smtp.auth import typed_shown
from smtptui.smtp.commands import MAX_AUTH_RESPONSE, MAX_COMMAND, command_line
from smtptui.smtp.errors import LocalProtocolError
from smtptui.smtp.record import record
from smtptui.smtp.session import EXIT_CLOSED, Close, Send
from smtptui.smtp.transcript import Pending

#: Stage order, for "run to a stage" in step mode.
ORDER = ("connect", "banner", "ehlo", "helo", "starttls", "tls", "ehlo-tls", "auth", "mail",
         "rcpt", "rset", "data", "dot", "quit")


@record(frozen=True)
class Control:
    """A user's instruction to a stepping session: step, run, run_to, manual or stop."""

    verb: str
    text: str = ""


class Stepping:
    """Mixed into the Runner, which provides the session, the connection and the transcript.

    Instructions arrive from a UI on the same event loop through `control()`; before each
    command the gate waits for one (while stepping) and obeys it.
    """

    _controls: Any
    _stepping: bool
    _run_until: str
    _challenged = False  # the last reply to a typed command was 334: an AUTH exchange is open

    def control(self, verb: str, text: str = "") -> None:
        """step [replacement line] | run | run_to STAGE | manual LINE | stop."""
        self._queue().put_nowait(Control(verb, text))

    def _queue(self) -> Any:
        if self._controls is None:
            import asyncio

            self._controls = asyncio.Queue()
        return self._controls

    def peek(self) -> str | None:
        """The next command line the session will send, if it is waiting to send one."""
        action = self.session.next_action()
        return action.line if isinstance(action, Send) and action.shown is None else None

    async def _gate(self, action: Send) -> Send | None:
        """In step mode, wait for the user; returns the (maybe replaced) command or None."""
        while self._stepping:
            if self._run_until:
                if ORDER.index(action.stage) <= ORDER.index(self._run_until):
                    return action
                self._run_until = ""
            self._emit(Pending(self._now(), action.stage, action.shown or action.line))
            control = await self._queue().get()
            if control.verb == "run":
                self._stepping = False
            elif control.verb == "run_to":
                self._run_until = control.text if control.text in ORDER else ""
            elif control.verb == "step":
                if control.text and action.shown is None:
                    return Send(action.stage, control.text, typed_shown(control.text, False),
                                action.limit)
                return action
            elif control.verb == "manual":
                await self._manual(action.stage, control.text)
                if isinstance(self.session.next_action(), Close):  # it ended the session
                    return None
            elif control.verb == "stop":
                self.session.fail(action.stage, "abandoned", "session stopped by the user", 0)
                self.session.outcome.outcome = "stopped"
                return None
        return action

    async def _manual(self, stage: str, line: str) -> None:
        """A command typed by the user, outside the plan: sent, its reply shown, plan unchanged."""
        try:
            data = command_line(line, MAX_AUTH_RESPONSE if self._challenged else MAX_COMMAND)
        except LocalProtocolError as exc:
            self._say("error", stage, str(exc))
            return
        assert self._conn is not None
        if not await self._drop_unsolicited(stage):  # what came while the user typed
            return
        self._say("send", "manual", typed_shown(line, self._challenged) or line,
                  self.session.tls_active)
        try:
            await self._conn.write(data, self.plan.timeouts.command)
        except (TimeoutError, ConnectionClosed, OSError):
            self.session.fail(stage, "closed", "the connection broke while sending the manual "
                              "command", EXIT_CLOSED)
            return
        reply = await self._read_reply("manual")
        if reply is None:
            self.session.fail(stage, "closed", "no reply to the manual command", EXIT_CLOSED)
        self._challenged = reply is not None and reply.code == 334

"""One workbench session's bookkeeping (runner, phase, clock, result): no widgets in here."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smtptui.tui.widgets.stepbar import Status

if TYPE_CHECKING:  # the engine is imported when the first session starts
    from smtptui.launch import Launch, Prompt
    from smtptui.net.result import Result
    from smtptui.net.runner import Runner
    from smtptui.net.walk import Walk
    from smtptui.smtp.transcript import Event
    from smtptui.store.profiles import Profile

#: What the status line calls each phase.
PHASE_WORDS = {"empty": "choose a profile", "ready": "ready", "busy": "working",
               "waiting": "your turn", "done": "done"}

#: The status line's TLS state before the session has a say.
PLANNED_TLS = {"off": "off", "starttls": "if offered", "required": "required",
               "implicit": "implicit"}


class SessionState:
    """The current session: ``phase`` is empty, ready, busy, waiting (for the user) or done.

    Every time shown comes from ``clock`` (seconds; tests pass a fixed one). A session that is
    abandoned gets a new ``token``, so late events from its cancelled runner are ignored.
    """

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.phase = "empty"
        self.runner: Runner | Walk | None = None
        self.result: Result | None = None
        self.token: object = object()
        self.t0 = self.mark = 0.0
        self.elapsed: float | None = None
        self._seen: tuple[object, object] = (None, None)
        self._lines = 0
        self._queued = 0

    def reset(self) -> None:
        """No session (a profile was opened, or none is)."""
        self.abandon()
        self.runner = self.result = self.elapsed = None

    def abandon(self) -> None:
        """Ignore whatever the running session still says."""
        self.token = object()

    def start(self, launch: Launch, emit: Callable[[object], None],
              controls: tuple[tuple[str, str], ...], prompt: Prompt | None = None
              ) -> tuple[Runner | Walk, object]:
        """A new stepping runner (a Walk of the MX hosts in direct mode) with ``controls``
        queued; returns it and its token."""
        from smtptui.launch import start

        self.abandon()
        token = self.token

        def guarded(item: object) -> None:
            if self.token is token:
                emit(item)

        self.runner = start(launch, guarded, stepping=True, prompt=prompt)
        self.phase = "busy"
        self._queued = 0
        for verb, text in controls:
            self.control(verb, text)
        self.result = None
        self.t0 = self.mark = self.clock()
        self.elapsed = 0.0
        self._seen = (None, None)
        self._lines = 0
        return self.runner, token

    def control(self, verb: str, text: str = "") -> None:
        """Pass an instruction to the runner (it takes one after each Pending it reports).

        While it waits for the user, the instruction is taken at once; otherwise it is queued
        and the next Pending is not a wait for the user.
        """
        if self.runner is not None:
            self.runner.control(verb, text)
            if self.phase != "waiting":
                self._queued += 1

    def waits_for_user(self) -> bool:
        """On a Pending: does the runner wait for the user, or take a queued instruction?"""
        if self._queued:
            self._queued -= 1
            return False
        return True

    def now(self) -> float:
        """Seconds since the session started (0 when none did)."""
        return self.clock() - self.t0 if self.runner is not None else 0.0

    def stamp(self, event: Event) -> Event:
        """The event with its time from the clock; a command sent starts a new latency."""
        from smtptui.smtp.transcript import Event

        now = self.clock()
        if event.kind == "send" or self._lines == 0:
            self.mark = now
        self._lines += 1
        return Event(now - self.t0, event.kind, event.stage, event.text, event.tls)

    def latency(self) -> float:
        """Seconds since the last command (or the last finished stage)."""
        now = self.clock()
        seconds, self.mark = now - self.mark, now
        return seconds

    def tick(self) -> bool:
        """Update the elapsed time while a session runs; True if it changed."""
        if self.phase in ("busy", "waiting"):
            self.elapsed = self.clock() - self.t0
            return True
        return False

    def status(self, profile: Profile | None, scrub: Callable[[str], str]) -> Status:
        """What the step bar's status line shows."""
        state = PHASE_WORDS[self.phase]
        if self.phase == "done" and self.result is not None:
            state = f"{self.result.outcome_words}, exit {self.result.exit_code}"
        target = route = tls = ""
        if profile is not None:
            target = scrub(profile.target)
            route = "smart host" if profile.mode == "smarthost" else "MX"
            tls = PLANNED_TLS.get(profile.tls, profile.tls)
        runner = self.runner
        if runner is not None:
            route = runner.plan.label or route
            if runner.client.tls_active:
                facts = runner.result().tls
                tls = str(facts.get("version", "on")) + ("" if facts.get("verified")
                                                         else " unverified")
            elif runner.client.caps is not None:
                tls = "none"
        return Status(state, target, route, tls, self.elapsed)

    def wait_seconds(self, stage: str = "") -> float | None:
        """The time-out of the reply the session waits for now (None: it waits for none);
        after the line that says it connected (``stage`` connect): the greeting's."""
        from smtptui.smtp.actions import Wait

        if self.runner is None:
            return None
        if stage == "connect":
            return self.runner.plan.timeouts.banner
        action = self.runner.client.next_action()
        return action.timeout if isinstance(action, Wait) else None

    def message_lines(self) -> int | None:
        """How many lines the session's message has (the transcript keeps only the first)."""
        runner = self.runner
        message = runner.plan.message if runner is not None else None
        return message.scan().lines if message is not None else None

    def inspector_facts(self, force: bool = False) -> dict[str, Any] | None:
        """Arguments for CapabilityInspector.show() when the capabilities changed, else None."""
        runner = self.runner
        if runner is None:
            return None
        session = runner.client
        if not force and (session.caps, session.caps_before_tls) == self._seen:
            return None
        self._seen = (session.caps, session.caps_before_tls)
        plan = runner.plan
        # As the client has them: before TLS (None without STARTTLS) and the latest reply
        # (None between the hand-shake and the EHLO inside TLS).
        return {"caps_before": session.caps_before_tls, "caps_after": session.caps,
                "message_facts": plan.message.scan() if plan.message is not None else None,
                "tls_facts": runner.result().tls, "tls_active": session.tls_active,
                "sender": plan.sender, "recipients": plan.recipients}

    def finish(self, result: Result) -> list[tuple[str, str]]:
        """Record the result; the closing lines for the transcript, as (kind, text)."""
        self.result = result
        self.elapsed = self.clock() - self.t0
        where = f" in stage {result.stage}" if result.stage else ""
        if result.outcome == "failed":  # why is on the *** line above: not said twice
            lines = [("error", f"failed{where} (exit code {result.exit_code})")]
        else:
            lines = [("info", f"{result.outcome_words}{where} (exit code {result.exit_code}); "
                              "ctrl+r runs it again")]
        for key in ("cause", "explanation", "next_step"):
            if result.diagnosis.get(key):
                lines.append(("info", f"{key.replace('_', ' ')}: {result.diagnosis[key]}"))
        return lines

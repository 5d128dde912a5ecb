"""The workbench App: layout, key bindings, and the wiring of widgets to the session worker."""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import App, ComposeResult
from textual.containers import Horizontal, Vertical

from smtptui.smtp.errors import SmtpTuiError
from smtptui.store.profiles import BrokenProfile, Profile, ProfileError, ProfileStore
from smtptui.tui.actions import ProfileActions, ViewActions
from smtptui.tui.bindings import (
    FOOTER_PRIORITY,
    FOOTER_PRIORITY_IDLE,
    SmtpTuiCommands,
    app_bindings,
)
from smtptui.tui.session import SessionState
from smtptui.tui.startup import LazyHistory, collect_after_start, rest_collector, width_classes
from smtptui.tui.widgets.data_progress import DataProgress
from smtptui.tui.widgets.explain import ExplainPanel
from smtptui.tui.widgets.inspector import CapabilityInspector
from smtptui.tui.widgets.keybar import KeyBar
from smtptui.tui.widgets.sidebar import Sidebar
from smtptui.tui.widgets.stepbar import StagePicker, StepBar, activity
from smtptui.tui.widgets.transcript import TranscriptView

if TYPE_CHECKING:  # the engine is imported when the first session starts
    from smtptui.launch import Launch
    from smtptui.net.result import Result

#: Actions on the session or its transcript, and printable keys: off while in the sidebar.
NOT_IN_SIDEBAR = {"step", "run", "run_to", "stop", "edit", "manual", "save", "copy_command",
                  "toggle_raw", "toggle_fold", "profiles", "toggle_inspector", "toggle_explain",
                  "leave"}
ON_HIGHLIGHTED = {"profile_edit", "profile_duplicate", "profile_delete", "history"}


class SmtpTuiApp(ProfileActions, ViewActions, App[int]):
    """Profiles on the left, the live transcript in the centre, the EHLO inspector on the right;
    under them, the panel that explains the selected line or diagnoses the session.

    ``clock`` gives every time shown (tests pass a fixed one); ``scrub`` filters every text
    shown (tests mask port numbers with it); ``history`` (a History) records each run;
    ``after_start`` is called once the first screen has been painted.
    """

    CSS_PATH = "app.tcss"
    TITLE = "smtptui"
    COMMANDS = App.COMMANDS | {SmtpTuiCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = app_bindings()

    def __init__(self, profiles_dir: Path, *, open_profile: str | None = None,
                 clock: Callable[[], float] | None = None,
                 scrub: Callable[[str], str] | None = None, history: Any = None,
                 after_start: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.after_start = after_start
        self.store = ProfileStore(profiles_dir)
        self.open_profile = open_profile
        self.scrub = scrub or (lambda text: text)
        self._scrub_given = scrub  # the transcript skips a filter that changes nothing
        self.history = history
        self.profile: Profile | None = None
        self.session = SessionState(clock or time.monotonic)
        #: The panes the app talks to most (made here, laid out by compose).
        self.sidebar = Sidebar(id="sidebar")
        self.stepbar = StepBar(id="stepbar")
        self.transcript = TranscriptView(id="transcript")
        self.explain = ExplainPanel(id="explain")

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(id="main"):
            yield self.sidebar
            with Vertical(id="centre"):
                yield self.stepbar
                yield self.transcript
                yield DataProgress(id="data-progress")
            yield CapabilityInspector(id="inspector")
        yield self.explain
        yield KeyBar(self._footer_priority, id="footer")

    def _footer_priority(self) -> dict[str, int]:
        """The key bar's ranks: the session's keys while it runs; else run again and copy."""
        return FOOTER_PRIORITY if self.phase in ("busy", "waiting") else FOOTER_PRIORITY_IDLE

    @property
    def phase(self) -> str:
        """empty, ready, busy, waiting (for the user) or done."""
        return self.session.phase

    def on_mount(self) -> None:
        # The width's class now, before the screen's styles are first applied: otherwise the
        # first Resize sets it, and every widget is styled and laid out a second time.
        self.screen.update_classes(width_classes(self.size.width, self.HORIZONTAL_BREAKPOINTS),
                                   update=False)
        self.sidebar.scrub = self.explain.scrub = self.scrub
        self.transcript.scrub = self._scrub_given
        if self.after_start is not None:
            self.call_after_refresh(self.after_start)
        self.set_interval(0.2, self._tick)
        items = self.reload_profiles(self.open_profile)
        chosen = [i for i in items if isinstance(i, Profile) and i.name == self.open_profile]
        if chosen:
            self.open(chosen[0])
        else:
            self._set_phase("empty")
            self.sidebar.list.focus()

    def reload_profiles(self, select: str | None = None) -> list[Profile | BrokenProfile]:
        """Read the profiles folder again and show it in the sidebar."""
        try:
            items = self.store.load_all()
        except ProfileError as exc:
            self.notify(str(exc), severity="error", markup=False)
            items = []
        self.sidebar.set_items(items, select)
        return items

    # -- state shown -----------------------------------------------------------------------

    def _set_phase(self, phase: str) -> None:
        self.session.phase = phase
        self.stepbar.set_status(self.session.status(self.profile, self.scrub))
        self.refresh_bindings()

    def _tick(self) -> None:
        if self.session.tick():
            self.stepbar.set_status(self.session.status(self.profile, self.scrub))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        focused = self.focused
        if action in NOT_IN_SIDEBAR and focused is not None \
                and self.sidebar in focused.ancestors_with_self:
            return False
        phase = self.phase
        if action in ("step", "run", "run_to", "manual"):
            return phase in ("ready", "waiting")
        if action == "edit":
            return phase == "waiting"
        if action == "stop":
            return phase in ("busy", "waiting")
        if action == "restart":
            return self.profile is not None and phase != "ready"
        if action == "save":
            return self.transcript.line_count > 0
        if action == "copy_command":
            return self.profile is not None
        if action in ON_HIGHLIGHTED:
            return self.sidebar.highlighted is not None
        return True

    # -- profiles --------------------------------------------------------------------------

    @on(Sidebar.Chosen)
    def _chosen(self, event: Sidebar.Chosen) -> None:
        self.open(event.item)

    def open(self, item: Profile | BrokenProfile) -> None:
        """Make ``item`` the current profile (a broken one shows its error instead)."""
        self.close_profile()
        if isinstance(item, BrokenProfile):
            self._say("error", f"profile {item.name} is broken: {item.message}")
            return
        self.profile = item
        self._say("info", f"profile {item.name}: {item.target}; s steps, r runs to the end")
        self._set_phase("ready")
        self.transcript.focus()

    def close_profile(self) -> None:
        """No current profile; a running session is abandoned."""
        self._abandon()
        self.session.reset()
        self.profile = None
        self.transcript.clear()
        self.explain.result = None
        self.query_one(CapabilityInspector).clear()
        self.stepbar.set_activity(None)
        self.stepbar.set_pending(None)
        self._set_phase("empty")

    def notify(self, message: str, *, title: str = "", **options: Any) -> None:
        """Every notification of the app passes the one text rule: it quotes profile and
        file names, hosts, errors (a file name or a reply may hold an escape sequence)."""
        from smtptui.smtp.safety import visible

        super().notify(visible(message), title=visible(title), **options)

    def _say(self, kind: str, text: str) -> None:
        """A line of smtptui's own (kind info or error) in the transcript."""
        self.transcript.add_line(self.session.now(), kind, "app", text,
                                 marker="***" if kind == "error" else "===")

    # -- the session -----------------------------------------------------------------------

    def _start(self, *controls: tuple[str, str]) -> None:
        """Start a session from the profile: its checks and message scan run in the session
        worker; the password is asked for when the session reaches AUTH."""
        profile = self.profile
        if profile is None:
            return
        self._abandon()
        self.transcript.clear()
        self.explain.result = None
        self.query_one(CapabilityInspector).clear()
        self._set_phase("busy")
        self.stepbar.set_activity("checking the profile and its message")
        self.run_session(profile, controls)

    @work(exclusive=True, group="session", exit_on_error=False)
    async def run_session(self, profile: Profile, controls: tuple[tuple[str, str], ...]
                          ) -> None:
        """The session, in a worker: the screen never waits for the disk or the network."""
        from smtptui.launch import from_profile, prepare

        def prepared() -> Launch:
            launch = from_profile(profile)
            prepare(launch)
            return launch

        try:
            launch = await asyncio.to_thread(prepared)
        except SmtpTuiError as exc:
            self._say("error", str(exc))
            self.notify(str(exc), title="cannot start", severity="error", markup=False)
            self.stepbar.set_activity(None)
            self._set_phase("ready")
            return
        runner, token = self.session.start(launch, self._on_item, controls,
                                           prompt=self._ask_password)
        self.stepbar.set_activity(f"connecting ({launch.plan.timeouts.connect:g} s max)")
        try:
            result = await runner.run()
        except asyncio.CancelledError:
            if self.session.token is token:
                self._finish(runner.result())
            raise
        except Exception as exc:  # a bug: say so, and leave the screen usable
            result = runner.result()
            if self.session.token is token:
                self._say("error", f"internal error: {type(exc).__name__}: {exc}")
        if self.session.token is token:
            self._finish(result)

    async def _ask_password(self, user: str) -> str | None:
        """The password prompt, when the session reaches AUTH (None: cancelled)."""
        from smtptui.tui.screens.password import PasswordPrompt

        target = self.scrub(self.profile.target) if self.profile is not None else ""
        self.stepbar.set_activity("waiting for the password")
        secret: str | None = await self.push_screen_wait(PasswordPrompt(user, target))
        return secret

    def _abandon(self) -> None:
        """Forget the running session; its worker is cancelled (the socket closes at once)."""
        self.session.abandon()
        self.workers.cancel_group(self, "session")

    def _on_item(self, item: object) -> None:
        """One report from the runner (called in the worker, on the app's event loop)."""
        from smtptui.smtp.transcript import Event, Pending, Progress, StageTiming

        if isinstance(item, Event):
            if item.stage == "dot" and item.text == "." and item.kind == "send":
                self.query_one(DataProgress).display = False
            self.transcript.add_event(self.session.stamp(item))
            doing = activity(item.kind, item.stage, item.text)
            if doing is not None and self.phase == "busy":
                seconds = self.session.wait_seconds(item.stage)  # how long the wait may last
                self.stepbar.set_activity(doing if seconds is None
                                          else f"{doing} ({seconds:g} s max)")
        elif isinstance(item, StageTiming):
            self.transcript.add_latency(item.stage, self.session.latency())
        elif isinstance(item, Progress):
            self.query_one(DataProgress).show_progress(item)
            self.transcript.set_data_size(item.total, self.session.message_lines())
        elif isinstance(item, Pending) and self.session.waits_for_user():
            self.stepbar.set_pending(item.line, item.stage)
            self._set_phase("waiting")
        self._update_inspector()

    def _update_inspector(self, force: bool = False) -> None:
        facts = self.session.inspector_facts(force)
        if facts is not None:
            self.query_one(CapabilityInspector).show(
                facts.pop("caps_before"), facts.pop("caps_after"), facts.pop("message_facts"),
                facts.pop("tls_facts"), **facts)

    def _finish(self, result: Result) -> None:
        for kind, text in self.session.finish(result):
            self._say(kind, text)
        self.explain.result = result
        self.stepbar.set_activity(None)
        self.stepbar.set_pending(None)
        self.stepbar.end()
        self.query_one(DataProgress).display = False
        self._update_inspector(force=True)
        self._set_phase("done")
        if self.history is not None and self.profile is not None:
            try:
                self.history.record(self.profile.name, self.transcript.plain_lines(),
                                    result.to_json())
            except (SmtpTuiError, OSError) as exc:
                self.notify(f"the run was not kept in the history: {exc}", severity="warning",
                            markup=False)

    def _control(self, verb: str, text: str = "") -> None:
        if self.session.runner is not None and self.phase == "waiting":
            self.session.control(verb, text)
            self.stepbar.set_pending(None)
            self._set_phase("busy")

    # -- session actions -------------------------------------------------------------------

    def action_step(self) -> None:
        """Send the next command (the first step connects)."""
        self._start() if self.phase == "ready" else self._control("step")

    def action_run(self) -> None:
        """Run the session to its end."""
        self._start(("run", "")) if self.phase == "ready" else self._control("run")

    def action_run_to(self) -> None:
        """Pick a stage, then run until it is done."""
        def chosen(stage: str | None) -> None:
            if stage is not None:
                self._start(("run_to", stage)) if self.phase == "ready" \
                    else self._control("run_to", stage)

        self.push_screen(StagePicker(), chosen)

    def action_stop(self) -> None:
        """Stop: at a step, end the session; while the server is awaited, abandon it at once."""
        if self.phase == "waiting":
            self._control("stop")
        elif self.phase == "busy":
            self.workers.cancel_group(self, "session")

    def action_edit(self) -> None:
        """Edit the next command in the step bar before it is sent."""
        self.stepbar.begin("edit")

    def action_manual(self) -> None:
        """Type any command, as in telnet (the first one connects)."""
        if self.phase == "ready":
            self._start()
        self.stepbar.begin("manual")

    @on(TranscriptView.Selected, "#transcript")
    def _selected(self, event: TranscriptView.Selected) -> None:
        self.explain.line = event.line

    @on(StepBar.Submitted)
    def _submitted(self, event: StepBar.Submitted) -> None:
        if not event.manual:
            self._control("step", event.line)
            self.transcript.focus()
        elif self.session.runner is not None and self.phase in ("busy", "waiting"):
            self.session.control("manual", event.line)
            self._set_phase("busy")

    @on(StepBar.Cancelled)
    def _cancelled(self) -> None:
        self.transcript.focus()

    def action_restart(self) -> None:
        """Start the session again from the connection."""
        self._start()


def run_app(profiles_dir: Path | None, demo: bool) -> int:
    """Run the workbench (`smtptui`), or the demo on an embedded server (`smtptui --demo`).

    The garbage collector rests until the first screen is up: the start-up makes tens of
    thousands of objects that all live on, and collecting among them only delays the screen.
    """
    rest_collector()
    if demo:
        from smtptui.tui.demo import DEMO_PROFILE, DemoServer

        server = DemoServer().listen()  # its port and profiles; it answers after the first
        try:  # screen, and connections made before then wait in its listen queue

            def after_start() -> None:
                collect_after_start()
                server.serve()

            app = SmtpTuiApp(server.profiles_dir, open_profile=DEMO_PROFILE,
                             history=LazyHistory(server.profiles_dir.parent / "history"),
                             after_start=after_start)
            app.run()
            return app.return_code or 0
        finally:
            server.stop()
    from smtptui.store.profiles import default_profiles_dir, seed_examples

    directory = profiles_dir or default_profiles_dir()
    try:
        seed_examples(directory, warn=lambda text: print(f"smtptui: warning: {text}",
                                                         file=sys.stderr))
    except ProfileError as exc:
        print(f"smtptui: {exc}")
        return 1
    app = SmtpTuiApp(directory, history=LazyHistory(), after_start=collect_after_start)
    app.run()
    return app.return_code or 0

"""The explain panel and the transcript's cursor: a relay refused, diagnosed and explained."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.pilot import Pilot

from smtptui.knowledge.codes import explain_code, explain_enhanced
from smtptui.net.result import Result
from smtptui.smtp.transcript import Event
from smtptui.tui import app as app_module
from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.bindings import app_bindings
from smtptui.tui.demo import DemoServer
from smtptui.tui.widgets.explain import ExplainPanel
from smtptui.tui.widgets.transcript import TranscriptView
from smtptui.tui.widgets.transcript_rows import SelectedLine
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import SIZE, aio, make_profiles, scrub, until


async def relay_denied(peer: Peer) -> None:
    """A server that refuses to relay: 550 5.7.1 at RCPT, then RSET and QUIT."""
    await peer.reply("220 mx.test.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250-mx.test.example")
    await peer.reply("250-SIZE 10240000")
    await peer.reply("250 ENHANCEDSTATUSCODES")
    await peer.expect("MAIL FROM:<a@example.com>")
    await peer.reply("250 2.1.0 Ok")
    await peer.expect("RCPT TO:<b@example.net>")
    await peer.reply("550 5.7.1 Relaying denied")
    while (line := await peer.readline()) is not None:
        if line.upper().startswith(b"QUIT"):
            await peer.reply("221 2.0.0 Bye")
            return
        await peer.reply("250 2.0.0 Ok")


async def select(pilot: Pilot[Any], app: SmtpTuiApp,
                 wanted: Callable[[SelectedLine], bool]) -> None:
    """Press up until the transcript's selected line is the one wanted."""
    for _ in range(app.transcript.cursor + 1):
        line = app.transcript.selected
        if line is not None and wanted(line):
            await pilot.pause()
            return
        await pilot.press("up")
    raise AssertionError("no such line in the transcript")


def cursor_in_view(view: TranscriptView) -> bool:
    """Is the whole of the selected row on screen (a long row wraps to several lines)?"""
    top = round(view.scroll_y)
    lines = view.screen_lines_of(view.cursor)
    return top <= lines.start and lines.stop <= top + view.scrollable_content_region.height


@aio
async def test_a_refused_relay_is_diagnosed_and_each_line_explained(tmp_path: Path,
                                                                   scripted: Any) -> None:
    server = scripted(relay_denied)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the refused session")
        await pilot.pause()
        panel = app.explain
        assert panel.display and panel.region.height >= 5
        # After the session: the diagnosis, its cause and its next step.
        assert panel.heading == "Diagnosis"
        assert "✗ Relaying denied" in panel.text
        assert "Confidence: decided (decided by the reply's codes and words)" in panel.text
        assert "Side at fault: the sending account" in " ".join(panel.text.split())
        assert "Next step: Authenticate (AUTH)" in panel.text
        assert "send to the recipient domain's own MX" in panel.text
        assert "Local checks" in panel.text and "banner name" in panel.text
        # The refusal itself: 550 and 5.7.1, each in plain words with its reference.
        await select(pilot, app, lambda line: line.text.startswith("550 5.7.1"))
        assert cursor_in_view(app.transcript)
        text = " ".join(panel.text.split())
        basic, enhanced = explain_code(550), explain_enhanced("5.7.1")
        assert basic is not None and enhanced is not None
        assert panel.heading == "Explain: 550 5.7.1"
        assert f"550 Mailbox unavailable — {basic.summary} (RFC 5321 §4.2.3)" in text
        assert f"5.7.1 Delivery not authorized — {enhanced.summary} (RFC 3463 §3.8)" in text
        assert "<- 550 5.7.1 Relaying denied" in text
        # A command the client sent: what it means.
        await select(pilot, app, lambda line: line.text.startswith("MAIL FROM"))
        assert cursor_in_view(app.transcript)
        text = " ".join(panel.text.split())
        assert panel.heading == "Explain: MAIL FROM"
        assert "envelope sender" in text and "(RFC 5321 §4.1.1.2)" in text
        assert "SIZE= The message's size in octets" in text and "(RFC 1870 §6)" in text
        # A capability line of the EHLO reply: the code, and the keyword's meaning.
        await select(pilot, app, lambda line: line.text == "250-SIZE 10240000")
        assert "SIZE The largest message the server accepts" in " ".join(panel.text.split())
        # end: back to the last line, and to the diagnosis.
        await pilot.press("end")
        assert app.transcript.cursor == app.transcript.visible_text().count("\n")
        assert panel.heading == "Diagnosis"


@aio
async def test_the_panel_key_footer_palette_and_help(tmp_path: Path, scripted: Any) -> None:
    from smtptui.tui.screens.help import HelpScreen

    server = scripted(relay_denied)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    assert any(b.id == "app.toggle_explain" and b.key == "d" and b.show
               for b in app_bindings())
    async with app.run_test(size=SIZE) as pilot:
        footer_keys = {binding.key for (_, binding, enabled, _) in
                       app.active_bindings.values() if binding.show and enabled}
        assert "d" in footer_keys
        await pilot.pause()
        tall = app.transcript.size.height
        assert tall >= 12  # 80x24: the transcript stays usable under the panel
        await pilot.press("d")
        assert not app.explain.display and app.transcript.size.height > tall
        await pilot.press("d")
        assert app.explain.display and app.transcript.size.height == tall
        # tab moves into the panel (it grows on a narrow screen), shift+tab back.
        await pilot.press("tab")
        assert app.focused is app.explain and app.explain.size.height > 6
        await pilot.press("d")  # hiding the panel gives the focus back to the transcript
        assert app.focused is app.transcript and not app.explain.display
        await pilot.press("d", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        entries = app.screen.entries
        assert ("Main screen", "d", "Explain: Show or hide the panel that explains the "
                "selected line and diagnoses a failed session (tab moves into it to scroll)"
                ) in entries
        assert any(group == "Transcript" and key == "↑" for group, key, _ in entries)
        await pilot.press("escape", "ctrl+p", *"explain")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: not app.explain.display, "the palette's toggle")


class ViewHost(App[None]):
    """The transcript view and the explain panel alone, wired as the app wires them."""

    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

    def compose(self) -> ComposeResult:
        yield TranscriptView(id="transcript")
        yield ExplainPanel(id="explain")

    def on_transcript_view_selected(self, message: TranscriptView.Selected) -> None:
        self.query_one(ExplainPanel).line = message.line


def add(view: TranscriptView, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        view.add_event(Event(n / 1000, "recv" if n % 2 else "send", "manual", f"line {n}"))


@aio
async def test_the_cursor_follows_new_lines_only_from_the_last_line() -> None:
    app = ViewHost()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        view.focus()
        add(view, 50)
        await pilot.pause()
        assert view.cursor == 49 and cursor_in_view(view)
        add(view, 10, 50)
        await pilot.pause()
        assert view.cursor == 59 and cursor_in_view(view)  # on the last line: it follows
        await pilot.press("up", "up")
        assert view.selected is not None and view.selected.text == "line 57"
        add(view, 10, 60)
        await pilot.pause()
        assert view.selected.text == "line 57" and cursor_in_view(view)  # it stays put
        await pilot.press("home")
        assert view.cursor == 0 and round(view.scroll_y) == 0
        await pilot.press("pagedown")
        assert view.cursor > 1 and cursor_in_view(view)
        await pilot.press("pageup")
        assert view.cursor == 0
        await pilot.press("end")
        add(view, 5, 70)
        await pilot.pause()
        assert view.selected is not None and view.selected.text == "line 74"
        assert cursor_in_view(view)
        panel = app.query_one(ExplainPanel)
        assert panel.line == view.selected
        await pilot.click(TranscriptView, offset=(20, 2))  # the mouse works too
        assert view.cursor == round(view.scroll_y) + 2 and panel.line == view.selected


@aio
async def test_the_cursor_moves_through_100000_lines() -> None:
    app = ViewHost()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        view.focus()
        add(view, 100_000)
        await pilot.pause()
        await pilot.press("home", "down", "down")
        assert view.selected is not None and view.selected.text == "line 2"
        assert "line 2" in view.render_line(2).text
        await pilot.press("end", "up")
        assert view.selected is not None and view.selected.text == "line 99998"
        await pilot.press("pageup")
        shown = [view.render_line(y).text for y in range(view.size.height)]
        assert any(f"line {view.cursor}" in row for row in shown)


@aio
async def test_folding_the_message_keeps_the_cursor_on_it() -> None:
    app = ViewHost()
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(TranscriptView)
        view.focus()
        view.add_event(Event(0, "send", "data", "DATA"))
        view.add_event(Event(0, "recv", "data", "354 go ahead"))
        for n in range(10):
            view.add_event(Event(0, "send", "dot", f"body line {n}"))
        view.add_event(Event(0, "send", "dot", "."))
        view.add_event(Event(0, "recv", "dot", "250 2.0.0 queued"))
        await pilot.pause()
        view.fold = False
        await pilot.pause()
        await pilot.press("down", "down", "down")
        assert view.selected is not None and view.selected.text == "body line 2"
        assert "A line of the message" in app.query_one(ExplainPanel).text
        view.fold = True
        await pilot.pause()
        assert view.selected is not None and view.selected.kind == "fold"
        assert "f unfolds it" in app.query_one(ExplainPanel).text


class PanelHost(App[None]):
    CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

    def compose(self) -> ComposeResult:
        yield ExplainPanel(id="explain")


@aio
async def test_a_continuation_line_and_server_text_that_looks_like_markup() -> None:
    app = PanelHost()
    async with app.run_test(size=SIZE) as pilot:
        panel = app.query_one(ExplainPanel)
        panel.line = SelectedLine("recv", "rcpt", "550-5.7.1 [bold]Relaying[/] denied \\x1b",
                                  "<-")
        await pilot.pause()
        assert panel.heading == "Explain: 550 5.7.1"
        assert "<- 550-5.7.1 [bold]Relaying[/] denied \\x1b" in panel.text
        panel.line = SelectedLine("info", "app", "[red]not markup[/red]", "===")
        await pilot.pause()
        assert "=== [red]not markup[/red]" in panel.text
        panel.result = Result(exit_code=24, outcome="failed", diagnosis={
            "cause": "[b]Cause[/b]", "explanation": "why", "next_step": "do this"},
            checks=[{"name": "banner-delay", "ok": False, "text": "slow [i]banner[/i]"}])
        await pilot.pause()
        assert panel.heading == "Diagnosis"
        assert "✗ [b]Cause[/b]\nwhy\nNext step: do this" in panel.text
        assert "✗ banner delay: slow [i]banner[/i]" in panel.text
        panel.line = None
        panel.result = None
        await pilot.pause()
        assert "the selected line is explained here" in panel.text


# --- snapshots: the demo's refused recipient (fixed clock, ports and delays masked) ------------


def _refused_app(demo: DemoServer) -> SmtpTuiApp:
    def masked(text: str) -> str:  # the composed message's size varies with its Message-ID
        return re.sub(r"SIZE=\d+", "SIZE=NNN", scrub(text))

    return SmtpTuiApp(demo.profiles_dir, open_profile="demo-unknown-user", clock=lambda: 0.0,
                      scrub=masked)


async def _refused(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, SmtpTuiApp)
    await pilot.press("r")
    await until(pilot, lambda: app.phase == "done", "the refused session")
    await pilot.pause()


async def _refused_then_the_550_line(pilot: Pilot[Any]) -> None:
    await _refused(pilot)
    app = pilot.app
    assert isinstance(app, SmtpTuiApp)
    await select(pilot, app, lambda line: line.text.startswith("550 5.1.1"))


def test_snapshot_80x24_diagnosis_of_a_refused_recipient(snap_compare: Any,
                                                        demo: DemoServer) -> None:
    assert snap_compare(_refused_app(demo), terminal_size=(80, 24), run_before=_refused)


def test_snapshot_120x40_the_refusal_explained(snap_compare: Any, demo: DemoServer) -> None:
    assert snap_compare(_refused_app(demo), terminal_size=(120, 40),
                        run_before=_refused_then_the_550_line)

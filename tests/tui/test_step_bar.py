"""The step bar through Pilot: what a running session waits for, the status line at 80x24
and 120x40, and the run-to list's own keys."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Footer

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.widgets.stepbar import StagePicker
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import SIZE, aio, make_profiles, until


def visible_line(app: SmtpTuiApp, selector: str) -> str:
    """One line of a widget as it is on the screen (cut to the widget's width)."""
    strip = app.stepbar.query_one(selector).render_line(0)
    return "".join(segment.text for segment in strip).rstrip()


def step_line(app: SmtpTuiApp) -> str:
    """The step bar's first line: its label, then the next command or what is going on."""
    return f"{visible_line(app, '#step-label').strip()} {visible_line(app, '#step-value').strip()}"


@aio
async def test_a_running_session_says_which_reply_it_waits_for(tmp_path: Path,
                                                               scripted: Any) -> None:
    held = {"MAIL": threading.Event(), "final dot": threading.Event()}

    async def hold(peer: Peer, what: str, answer: str) -> None:
        while not held[what].is_set():
            await peer.sleep(0.02)
        await peer.reply(answer)

    async def slow_server(peer: Peer) -> None:
        await peer.reply("220 test ESMTP")
        await peer.expect("EHLO")
        await peer.reply("250 test")
        await peer.expect("MAIL")
        await hold(peer, "MAIL", "250 ok")
        await peer.expect("RCPT")
        await peer.reply("250 ok")
        await peer.expect("DATA")
        await peer.reply("354 go ahead")
        await peer.read_data()
        await hold(peer, "final dot", "250 queued")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(slow_server)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: step_line(app) == "now waiting for the reply to MAIL (10 s "
                    "max)", "the wait for MAIL's reply shown, and how long it may last")
        assert "EHLO" not in step_line(app)  # nothing stale from the first step
        held["MAIL"].set()
        await until(pilot, lambda: step_line(app) == "now waiting for the final dot's reply (10 s "
                    "max)", "the wait for the final reply shown")
        held["final dot"].set()
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        await pilot.pause()
        assert step_line(app) == "next (nothing to send)"


@aio
async def test_stepping_shows_the_next_command_then_the_wait(tmp_path: Path,
                                                            smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.phase == "waiting", "the banner")
        await pilot.pause()
        assert step_line(app) == "next EHLO client.example"


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@aio
async def test_the_status_line_keeps_the_outcome_and_the_target(tmp_path: Path, smtpd: Any,
                                                                certs: Any,
                                                                size: tuple[int, int]) -> None:
    server = smtpd(tls_context=certs.good_context())
    make_profiles(tmp_path, server.port, tls="required", ca_file=str(certs.ca_file))
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=size) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        await pilot.pause()
        shown = visible_line(app, "#step-status")
        assert shown.startswith(" delivered, exit 0 ")
        assert f"127.0.0.1:{server.port}" in shown, shown
        assert "…" not in shown  # nothing of the important part cut short
        assert "· smart host" in shown or "·" not in shown  # the rest whole, or left out


@aio
async def test_the_run_to_list_shows_its_own_keys(tmp_path: Path, smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, StagePicker)
        hint = str(picker.query_one("#stage-picker-hint").render())
        assert hint == "↑↓ move   enter: run to it   escape: cancel"
        # Its own key bar covers the main screen's: only the list's keys are shown.
        footer = picker.query_one(Footer)
        assert footer.region.bottom == SIZE[1]
        shown = {binding.action for (_, binding, _, _) in picker.active_bindings.values()
                 if binding.show}
        assert "dismiss_none" in shown and "step" not in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, StagePicker)

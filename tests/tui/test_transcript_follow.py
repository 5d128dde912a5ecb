"""The transcript follows to its last line on every run: after ctrl+r then r (or t), the last
line is in sight every time (half the runs stopped scrolled at an earlier RCPT while the status
already said delivered)."""

from __future__ import annotations

from typing import Any

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.demo import DEMO_PROFILE, DemoServer
from smtptui.tui.widgets.stepbar import StagePicker
from tests.tui.apphelp import aio, lines_of, until

RUNS = 10


def last_line_in_sight(app: SmtpTuiApp) -> tuple[bool, str]:
    """Is the transcript's last line on the screen? (and the screen, to say why not)"""
    last = list(app.transcript.plain_lines())[-1]
    text = last.split(None, 2)[2]  # "   0.123 === text" -> "text"
    shown = lines_of(app, app.transcript)
    words = text[:24]
    return any(words in line for line in shown[-6:]), "\n".join(shown)


async def settle(pilot: Any) -> None:
    for _ in range(3):
        await pilot.pause()


@aio
async def test_ctrl_r_then_r_always_shows_the_last_line(demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE)
    async with app.run_test(size=(80, 24)) as pilot:
        for run in range(RUNS):
            await pilot.press("ctrl+r" if run else "s")
            await until(pilot, lambda: app.phase == "waiting", "the banner")
            await pilot.press("r")
            await until(pilot, lambda: app.phase == "done", "the end of the run")
            await settle(pilot)
            seen, screen = last_line_in_sight(app)
            assert seen, f"run {run + 1}: the last line is out of sight:\n{screen}"
            assert app.transcript.scroll_y == app.transcript.max_scroll_y
    assert len(demo.messages) == RUNS


@aio
async def test_ctrl_r_then_t_always_shows_the_last_line(demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE)
    async with app.run_test(size=(80, 24)) as pilot:
        for run in range(RUNS):
            await pilot.press("ctrl+r" if run else "s")
            await until(pilot, lambda: app.phase == "waiting", "the banner")
            await pilot.press("t")
            await until(pilot, lambda: isinstance(app.screen, StagePicker), "the stage list")
            await pilot.press("down", "down", "down", "down", "enter")  # ... MAIL, RCPT
            await until(pilot, lambda: app.phase == "waiting"
                        and app.stepbar.pending == "DATA", "the stop after RCPT")
            await settle(pilot)
            seen, screen = last_line_in_sight(app)
            assert seen, f"run {run + 1}: the last line is out of sight:\n{screen}"

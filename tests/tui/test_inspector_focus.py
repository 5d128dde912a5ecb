"""The inspector toggled with `i`: when it goes, the focus comes back to the transcript (so the
arrows move through the transcript again, and `r`, `s` and the rest apply)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from smtptui.tui.app import SmtpTuiApp
from tests.tui.apphelp import aio, make_profiles, until


@aio
async def test_at_80x24_the_focus_comes_back_to_the_transcript(tmp_path: Path,
                                                                smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the session")
        await pilot.press("i")  # the inspector takes the centre's place
        await pilot.pause()
        table = app.query_one("#caps-table", DataTable)
        assert app.focused is table  # its keywords, under the arrows
        await pilot.press("down")
        await pilot.press("i")
        await pilot.pause()
        assert app.focused is app.transcript
        assert app.transcript.region.width > 0


@aio
async def test_at_120x40_hiding_the_inspector_gives_the_focus_back(tmp_path: Path,
                                                                  smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the session")
        await pilot.pause()
        table = app.query_one("#caps-table", DataTable)
        await pilot.click(table)
        await pilot.pause()
        assert app.focused is table
        await pilot.press("i")
        await pilot.pause()
        assert not table.display or not app.query_one("#inspector").display \
            or app.query_one("#inspector").region.width == 0
        assert app.focused is app.transcript
        await pilot.press("i")  # back on the side: the focus stays in the transcript
        await pilot.pause()
        assert app.focused is app.transcript

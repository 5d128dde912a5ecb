"""The Footer's keys: the ones that apply now, the most important kept when space is short."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.binding import Binding

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.bindings import FOOTER_PRIORITY
from smtptui.tui.screens.help import HelpScreen
from smtptui.tui.widgets.keybar import KeyBar, fit, key_width, shown_keys
from tests.tui.apphelp import aio, make_profiles, until


def footer_text(app: SmtpTuiApp) -> str:
    """The footer line as the user reads it."""
    return app.query_one(KeyBar).render().plain


def test_fit_leaves_out_the_least_important_keys_first_and_keeps_the_order() -> None:
    bindings = [(Binding(key, action, label), True) for key, action, label in (
        ("s", "step", "Step"), ("c", "copy_command", "Copy"), ("d", "toggle_explain", "Explain"),
        ("question_mark", "help", "Help"), ("q", "leave", "Quit"))]
    display = {"s": "s", "c": "c", "d": "d", "question_mark": "?", "q": "q"}
    keys = shown_keys(bindings, lambda binding: display[binding.key])
    total = sum(map(key_width, keys))
    assert [k.action for k in fit(keys, total, FOOTER_PRIORITY)] == [k.action for k in keys]
    assert [k.display for k in fit(keys, total - 1, FOOTER_PRIORITY)] == ["s", "c", "d", "?", "q"]
    assert [k.display for k in fit(keys, total - 2, FOOTER_PRIORITY)] == ["s", "d", "?", "q"]
    narrow = fit(keys, 20, FOOTER_PRIORITY)
    assert [k.display for k in narrow] == ["s", "?", "q"]


@aio
async def test_at_80_columns_the_footer_keeps_the_keys_that_matter(tmp_path: Path,
                                                                   smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(80, 24)) as pilot:
        ready = footer_text(app)
        for label in ("s Step", "r Run", "? Help", "q Quit", "^p palette"):
            assert label in ready
        await pilot.press("s")
        await until(pilot, lambda: app.phase == "waiting", "the banner")
        await pilot.pause()
        waiting = footer_text(app)
        assert len(waiting) == 80
        for label in ("s Step", "r Run", "x Stop", "e Edit", "m Manual", "d Explain", "? Help",
                      "q Quit", "^p palette"):
            assert label in waiting, label
        assert "c Copy" not in waiting  # left out here; still in the help and the palette


@aio
async def test_a_wide_footer_shows_every_key_and_a_click_presses_one(tmp_path: Path,
                                                                     smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.phase == "waiting", "the banner")
        await pilot.pause()
        text = footer_text(app)
        for label in ("s Step", "x Stop", "c Copy", "v Raw", "i EHLO", "p Profiles", "? Help"):
            assert label in text, label
        await pilot.click(KeyBar, offset=(text.index("? Help") + 2, 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


@aio
async def test_at_60_columns_a_finished_session_keeps_restart_and_copy(tmp_path: Path,
                                                                       smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(60, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        await pilot.pause()
        done = footer_text(app)
        assert len(done) == 60
        for label in ("^r Restart", "c Copy", "? Help", "q Quit", "^p palette"):
            assert label in done, (label, done)
        await pilot.press("ctrl+r")  # and while it runs, the session's own keys come first
        await until(pilot, lambda: app.phase == "waiting", "the banner")
        await pilot.pause()
        waiting = footer_text(app)
        for label in ("s Step", "r Run", "x Stop", "e Edit", "m Manual"):
            assert label in waiting, (label, waiting)


@aio
async def test_the_palette_finds_the_inspector_by_ehlo(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p", *"ehlo")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert app.query_one("#main").has_class("-inspector")  # shown, at 80x24

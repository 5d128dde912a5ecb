"""The profiles folder through Pilot: files changed by hand read again (f5), and broken files,
which the app never changes or deletes, explained when asked to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.bindings import app_bindings
from smtptui.tui.screens.confirm import Confirm
from tests.tui.apphelp import SIZE, aio, make_profiles

BROKEN = 'name = "bad"\nport = "twenty-five"\n'


def notices(app: SmtpTuiApp) -> list[str]:
    """Keep every notification the app shows (their text), from now on."""
    said: list[str] = []
    show = app.notify

    def notify(message: str, **options: Any) -> None:
        said.append(message)
        show(message, **options)

    app.notify = notify  # type: ignore[method-assign]
    return said


@aio
async def test_f5_reads_profiles_changed_by_hand_and_keeps_the_cursor(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    assert any(b.id == "app.profiles_reload" and b.key == "f5" for b in app_bindings())
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        said = notices(app)
        await pilot.press("down")
        assert app.sidebar.highlighted is not None and app.sidebar.highlighted.name == "beta"
        # By hand: a new profile, one broken, one changed.
        (tmp_path / "aardvark.toml").write_text('name = "aardvark"\nhost = "mx.example.net"\n')
        (tmp_path / "alpha.toml").write_text(BROKEN)
        beta = tmp_path / "beta.toml"
        beta.write_text(beta.read_text().replace("port = 2525", "port = 2526"))
        await pilot.press("f5")
        await pilot.pause()
        shown = [app.sidebar.option_text(i) for i in range(app.sidebar.list.option_count)]
        assert shown[0] == "SMART aardvark\nmx.example.net:25"
        assert shown[1].startswith("BROKEN alpha\n") and "port" in shown[1]
        assert shown[2] == "SMART beta\n127.0.0.1:2526"
        highlighted = app.sidebar.highlighted
        assert highlighted is not None and highlighted.name == "beta"  # the cursor stayed
        assert said[-1] == "profiles folder read again: 2 profiles; broken: alpha"
    assert (tmp_path / "alpha.toml").read_text() == BROKEN  # never written over


@aio
async def test_f5_takes_the_changes_of_the_open_profile_before_it_runs(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        alpha = tmp_path / "alpha.toml"
        alpha.write_text(alpha.read_text().replace("port = 2525", "port = 2526"))
        await pilot.press("f5")
        await pilot.pause()
        assert app.profile is not None and app.profile.port == 2526
        assert app.focused is app.transcript


@aio
async def test_the_palette_reloads_the_folder(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        (tmp_path / "gamma.toml").write_text('name = "gamma"\nhost = "mx.example.net"\n')
        await pilot.press("ctrl+p", *"reload the folder")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert [item.name for item in app.sidebar.items] == ["alpha", "beta", "gamma"]


@aio
async def test_delete_and_duplicate_on_a_broken_profile_say_why_not(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(BROKEN)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        said = notices(app)
        assert app.sidebar.highlighted is not None and app.sidebar.highlighted.name == "bad"
        await pilot.press("delete")
        await pilot.pause()
        assert not isinstance(app.screen, Confirm)
        assert said[-1].startswith("bad is broken: smtptui never deletes a file it cannot "
                                   "read; remove or fix it by hand, then f5")
        assert "port" in said[-1]
        await pilot.press("ctrl+d")
        await pilot.pause()
        assert said[-1].startswith("bad is broken: it cannot be duplicated")
    assert [p.name for p in tmp_path.iterdir()] == ["bad.toml"]
    assert (tmp_path / "bad.toml").read_text() == BROKEN

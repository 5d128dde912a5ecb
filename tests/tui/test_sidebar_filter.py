"""The profiles sidebar in the pick -> run -> read loop: the filter starts fresh and is cleared
when a profile is opened; an empty list says so; each entry keeps its badge on the name's line
and the port that tells two profiles apart."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtptui.store.profiles import Profile, ProfileStore
from smtptui.tui.app import SmtpTuiApp
from tests.tui.apphelp import SIZE, aio, lines_of, make_profiles, until


@aio
async def test_opening_a_profile_clears_the_filter(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"alpha", "enter")
        assert app.profile is not None and app.profile.name == "alpha"
        assert app.sidebar.list.filter_text == ""
        assert [item.name for item in app.sidebar.shown] == ["alpha", "beta"]
        assert "type to filter" in str(app.sidebar.query_one("#profile-filter").render())
        await pilot.press("p", *"beta", "enter")  # it was "alphabeta": an empty list
        assert app.profile.name == "beta"
        assert app.focused is app.transcript
        await pilot.press("r")  # a run, not an r in the filter
        await until(pilot, lambda: app.phase == "done", "the run")
        assert app.sidebar.list.filter_text == ""
    assert len(server.messages) == 1


@aio
async def test_p_starts_a_fresh_filter(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("p", *"bet")
        assert [item.name for item in app.sidebar.shown] == ["beta"]
        await pilot.press("shift+tab")  # away from the list, the filter left as it was
        await pilot.pause()
        assert app.focused is not app.sidebar.list
        await pilot.press("p")
        await pilot.pause()
        assert app.focused is app.sidebar.list
        assert app.sidebar.list.filter_text == ""
        assert [item.name for item in app.sidebar.shown] == ["alpha", "beta"]
        await pilot.press(*"al", "enter")
        assert app.profile is not None and app.profile.name == "alpha"


@aio
async def test_an_empty_list_says_that_no_profile_matches(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"zzz")
        assert app.sidebar.shown == [] and app.sidebar.highlighted is None
        assert app.sidebar.list.option_count == 1
        said = app.sidebar.option_text(0)
        assert "no profile matches" in said and "zzz" in said
        await pilot.press("enter")  # nothing to open
        assert app.profile is None and app.phase == "empty"
        await pilot.press("backspace", "backspace", "backspace")
        assert [item.name for item in app.sidebar.shown] == ["alpha", "beta"]
        assert "no profile matches" not in app.sidebar.option_text(0)


def _store(folder: Path, *profiles: Profile) -> None:
    store = ProfileStore(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for profile in profiles:
        store.save(profile)


@aio
async def test_at_80x24_each_entry_keeps_its_badge_and_its_port(tmp_path: Path) -> None:
    common: dict[str, Any] = {"sender": "a@example.com", "recipients": ["b@example.net"]}
    _store(tmp_path,
           Profile(name="relay-submission-with-login", host="smtp.mail.example-provider.net",
                   port=587, **common),
           Profile(name="relay-submission-plain", host="smtp.mail.example-provider.net",
                   port=25, **common),
           Profile(name="direct-to-the-recipients-mx", mode="direct", port=2525, **common))
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        rows = [row.strip() for row in lines_of(app, app.sidebar.list)][:6]
        names, targets = rows[0::2], rows[1::2]
        assert [name.split()[0] for name in names] == ["MX", "SMART", "SMART"], rows
        assert names[0].startswith("MX direct-to"), rows  # the badge and the name: one line
        assert names[1].startswith("SMART relay-sub") and names[1].endswith("…"), rows
        assert targets[0].endswith("port 2525"), rows
        assert targets[1].endswith(":25") and targets[2].endswith(":587"), rows
        assert "…" in targets[1]  # the host gives way, not the port

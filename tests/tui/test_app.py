"""The workbench app through Pilot, against real loopback servers: every flow a user has."""

from __future__ import annotations

import asyncio
import shlex
import stat
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.demo import DEMO_PROFILE, DemoServer
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import (
    MESSAGE,
    SIZE,
    aio,
    make_profiles,
    scrub,
    text_of,
    until,
)


@aio
async def test_choosing_a_profile_in_the_sidebar(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert app.profile is None and app.focused is app.sidebar.list
        assert app.sidebar.option_text(0) == f"SMART alpha\n127.0.0.1:{server.port}"
        await pilot.press("down", "enter")
        assert app.profile is not None and app.profile.name == "beta"
        assert "profile beta: 127.0.0.1" in text_of(app)
        assert app.focused is app.transcript
        await pilot.press("p", "a", "l")  # p goes to the list; typing filters it
        assert [item.name for item in app.sidebar.shown] == ["alpha"]
        await pilot.press("enter")
        assert app.profile.name == "alpha"


@aio
async def test_stepping_through_a_whole_session(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        sent: list[str] = []
        while app.phase != "done":
            await pilot.press("s")
            await until(pilot, lambda: app.phase in ("waiting", "done"), "a step")
            if app.stepbar.pending:
                sent.append(app.stepbar.pending)
        assert sent == ["EHLO client.example", "MAIL FROM:<a@example.com>",
                        "RCPT TO:<b@example.net>", "DATA", "QUIT"]
        assert app.session.result is not None and app.session.result.exit_code == 0
        assert "delivered (exit code 0)" in text_of(app)
    [message] = server.messages
    assert message.mail_from == "a@example.com"
    assert message.rcpt_tos == ["b@example.net"]
    assert message.helo == "client.example"
    assert message.data == MESSAGE


@aio
async def test_running_to_the_end(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        text = text_of(app)
        assert "->  QUIT" in text and "<-  221" in text
    assert [m.data for m in server.messages] == [MESSAGE]


@aio
async def test_running_to_a_chosen_stage(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("t")
        await pilot.press("down", "down", "down", "enter")  # ehlo, starttls, auth, mail
        await until(pilot, lambda: app.phase == "waiting", "the stop after MAIL")
        assert app.stepbar.pending == "RCPT TO:<b@example.net>"
        assert "<-  250" in text_of(app).split("MAIL FROM")[-1]
        await pilot.press("x")  # stop, politely: no QUIT, nothing delivered
        await until(pilot, lambda: app.phase == "done")
        assert app.session.result is not None and app.session.result.outcome == "stopped"
    assert server.messages == []


@aio
async def test_abandoning_a_server_that_never_answers(tmp_path: Path, scripted: Any) -> None:
    async def silent(peer: Peer) -> None:
        await peer.sleep(30)  # connected, but no banner

    server = scripted(silent)
    make_profiles(tmp_path, server.port, timeout=300.0)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: "Connected to" in text_of(app), "the connection")
        assert app.phase == "busy"
        await pilot.press("x")
        await until(pilot, lambda: app.phase == "done", "the abandon")
        assert "session abandoned by the user" in text_of(app)
        assert app.session.result is not None and app.session.result.outcome == "failed"
        await pilot.press("q")  # the screen still answers


@aio
async def test_editing_the_next_command(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.phase == "waiting", "EHLO pending")
        await pilot.press("e")
        assert app.focused is app.stepbar.input
        assert app.stepbar.input.value == "EHLO client.example"
        await pilot.press("ctrl+u", *"EHLO edited.example", "enter")
        await until(pilot, lambda: app.stepbar.pending == "MAIL FROM:<a@example.com>")
        assert "->  EHLO edited.example" in text_of(app)
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
    [message] = server.messages
    assert message.helo == "edited.example"


@aio
async def test_a_manual_command_and_its_reply(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")  # connects, and opens the command line
        assert app.focused is app.stepbar.input
        await pilot.press(*"NOOP", "enter")
        await until(pilot, lambda: "<-  250" in text_of(app).split("NOOP")[-1], "NOOP reply")
        await until(pilot, lambda: app.phase == "waiting")
        assert app.stepbar.pending == "EHLO client.example"  # the plan is unchanged
        await pilot.press("escape")
        assert app.focused is app.transcript
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
    assert [m.data for m in server.messages] == [MESSAGE]


@aio
async def test_a_broken_profile_is_shown_as_broken(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text('name = "bad"\nport = "twenty-five"\n')
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        prompts = [app.sidebar.option_text(i) for i in range(app.sidebar.list.option_count)]
        [broken] = [p for p in prompts if "BROKEN" in p]
        assert "bad" in broken and "port" in broken
        await pilot.press(*(["down"] * prompts.index(broken)), "enter")
        assert app.profile is None
        assert "profile bad is broken" in text_of(app)
        assert app.check_action("step", ()) is False


@aio
async def test_copying_the_session_as_a_command_line(tmp_path: Path, smtpd: Any,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("c")
        line = app.clipboard
    words = shlex.split(line)
    assert words[:4] == ["smtptui", "run", "--server", f"127.0.0.1:{server.port}"]
    from smtptui.main import main

    assert await asyncio.to_thread(main, words[1:]) == 0  # the copied line does the same
    [message] = server.messages
    assert (message.mail_from, message.rcpt_tos, message.data) == (
        "a@example.com", ["b@example.net"], MESSAGE)


@aio
async def test_a_copied_password_command_is_not_shown_on_screen(tmp_path: Path,
                                                                smtpd: Any) -> None:
    command = "printf %s 'S3cr3t-Pa55'"
    make_profiles(tmp_path, smtpd().port, auth_user="alice",
                  password_source=f"command:{command}")
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("c")
        await pilot.pause()
        [notice] = [note.message for note in app._notifications]
        assert command in shlex.split(app.clipboard)  # the clipboard can run it as it is
        assert "S3cr3t" not in notice and "--password-command '[command not shown]'" in notice


@aio
async def test_saving_the_transcript(tmp_path: Path, smtpd: Any,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    server = smtpd()
    make_profiles(tmp_path / "profiles", server.port)
    monkeypatch.chdir(tmp_path)
    app = SmtpTuiApp(tmp_path / "profiles", open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        await pilot.press("ctrl+s")
    [saved] = tmp_path.glob("smtptui-alpha-*.txt")
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    text = saved.read_text()
    assert "->  EHLO client.example" in text and "->  Subject: hi" in text


@aio
async def test_the_command_palette_runs_actions(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"session: run to the end")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await until(pilot, lambda: app.phase == "done", "the palette's run")
    assert len(server.messages) == 1


@aio
async def test_deleting_a_profile_asks_first(tmp_path: Path) -> None:
    make_profiles(tmp_path, 2525)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("delete", "n")
        assert (tmp_path / "alpha.toml").exists()
        await pilot.press("delete", "y")
        assert not (tmp_path / "alpha.toml").exists()
        assert [item.name for item in app.sidebar.items] == ["beta"]


def test_snapshot_80x24_after_a_demo_session(snap_compare: Any, demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE, clock=lambda: 0.0,
                     scrub=scrub)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_run_to_the_end)


def test_snapshot_120x40_after_a_demo_session(snap_compare: Any, demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE, clock=lambda: 0.0,
                     scrub=scrub)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_run_to_the_end)


async def _run_to_the_end(pilot: Pilot[Any]) -> None:
    app = pilot.app
    assert isinstance(app, SmtpTuiApp)
    await pilot.press("r")
    await until(pilot, lambda: app.phase == "done", "the demo session")
    await pilot.pause()


@aio
async def test_keys_can_be_remapped_by_their_ids(tmp_path: Path, smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        app.set_keymap({"app.run": "g"})
        await pilot.press("g")
        await until(pilot, lambda: app.phase == "done", "the remapped run")
    assert len(server.messages) == 1


@aio
async def test_the_demo_refuses_unknown_users(demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile="demo-unknown-user")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        assert "<-  550 5.1.1 <unknown.user@example.net>" in text_of(app)
        assert app.session.result is not None and app.session.result.exit_code == 24
    assert demo.messages == []


@aio
async def test_a_long_filter_stays_readable_at_80x24(tmp_path: Path, smtpd: Any) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*"alphabetical-order")
        await pilot.pause()
        label = app.sidebar.query_one("#profile-filter")
        shown = str(label.render())
        assert shown.startswith("filter: …") and shown.endswith("-order"), shown  # the end
        assert len(shown) <= label.content_region.width  # one line, nothing wrapped away
        assert app.sidebar.list.filter_text == "alphabetical-order"

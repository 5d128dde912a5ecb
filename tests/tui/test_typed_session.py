"""The workbench as a telnet you can trust: a whole session typed by hand, typed QUIT and RSET,
the password asked for only at AUTH, partial deliveries said, and how long a wait may last."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.screens.password import PasswordPrompt
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import SIZE, aio, make_profiles, until
from tests.tui.test_app import text_of


async def typed(pilot: Any, app: SmtpTuiApp, line: str) -> None:
    """Type one line in the step bar's command line (m opens it) and send it."""
    if app.focused is not app.stepbar.input:
        await pilot.press("m")
    await until(pilot, lambda: app.focused is app.stepbar.input, "the command line")
    await pilot.press(*line, "enter") if line else await pilot.press("enter")


@aio
async def test_a_whole_session_typed_by_hand_delivers_exactly_that_message(tmp_path: Path,
                                                                           smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")  # connects, and opens the command line
        for line, reply in (("EHLO typed.example", "<-  250 HELP"),
                            ("MAIL FROM:<me@example.com>", "<-  250 OK"),
                            ("RCPT TO:<you@example.net>", "<-  250 OK"),
                            ("DATA", "<-  354")):
            await typed(pilot, app, line)
            await until(pilot, lambda r=reply, sent=line: r in text_of(app).split(sent)[-1],
                        line)
            await until(pilot, lambda: app.phase == "waiting", "the next line")
        for line in ("Subject: typed by hand", "", ".a line that starts with a dot", "bye"):
            await typed(pilot, app, line)
            await until(pilot, lambda: app.phase == "waiting", "the next message line")
        await typed(pilot, app, ".")
        await until(pilot, lambda: "queued" in text_of(app).lower()
                    or "250" in text_of(app).split("->  .")[-1], "the reply to the dot")
        await until(pilot, lambda: app.phase == "waiting", "QUIT offered")
        await typed(pilot, app, "QUIT")
        await until(pilot, lambda: app.phase == "done", "the end")
        shown = text_of(app)
        assert "..a line that starts with a dot" in shown  # the stuffing is visible
        assert "dot doubled" in shown
    [message] = server.messages
    assert message.mail_from == "me@example.com" and message.rcpt_tos == ["you@example.net"]
    assert message.data == (b"Subject: typed by hand\r\n\r\n.a line that starts with a dot\r\n"
                            b"bye\r\n")
    assert app.session.result is not None and app.session.result.outcome == "delivered"


def recorder(lines: list[bytes]):  # type: ignore[no-untyped-def]
    """A server that records every line the client sends and answers 250 (221 to QUIT)."""

    async def handler(peer: Peer) -> None:
        await peer.reply("220 record.example ESMTP")
        while (line := await peer.readline(timeout=20)) is not None:
            lines.append(line)
            if line.upper().startswith(b"QUIT"):
                await peer.reply("221 bye")
                return
            await peer.reply("250 record.example" if line[:4].upper() in (b"EHLO", b"HELO")
                             else "250 ok")
    return handler


@aio
async def test_a_typed_quit_ends_the_session(tmp_path: Path, scripted: Any) -> None:
    lines: list[bytes] = []
    server = scripted(recorder(lines))
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("m")
        await typed(pilot, app, "QUIT")
        await until(pilot, lambda: app.phase == "done", "the end")
    assert lines == [b"QUIT\r\n"]  # no EHLO sent into the closed connection afterwards


@aio
async def test_a_typed_rset_resets_the_envelope(tmp_path: Path, scripted: Any) -> None:
    lines: list[bytes] = []
    server = scripted(recorder(lines))
    make_profiles(tmp_path, server.port, recipients=["b@example.net", "c@example.net"])
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.stepbar.pending == "EHLO client.example")
        await pilot.press("s")
        await until(pilot, lambda: (app.stepbar.pending or "").startswith("MAIL"))
        await pilot.press("s")
        await until(pilot, lambda: (app.stepbar.pending or "").startswith("RCPT"), "RCPT")
        await typed(pilot, app, "RSET")
        await until(pilot, lambda: (app.stepbar.pending or "").startswith("MAIL"), "MAIL again")
        await pilot.press("escape")
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
        assert app.session.result is not None
        assert app.session.result.accepted == ["b@example.net", "c@example.net"]
    verbs = [line.split(b" ")[0].split(b":")[0].rstrip(b"\r\n") for line in lines]
    assert verbs[:5] == [b"EHLO", b"MAIL", b"RSET", b"MAIL", b"RCPT"]


@aio
async def test_the_password_is_asked_for_only_when_auth_is_reached(tmp_path: Path,
                                                                   smtpd: Any) -> None:
    """No TLS here and no consent to plaintext AUTH: the session can never log in, so no
    prompt (it used to ask before connecting)."""
    server = smtpd(auth={"alice": "pw"})
    make_profiles(tmp_path, server.port, auth_user="alice", password_source="prompt")
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
        assert not any(isinstance(screen, PasswordPrompt) for screen in app.screen_stack)
        assert app.session.result is not None and app.session.result.exit_code == 28


@aio
async def test_a_partial_delivery_says_so_on_the_status_line(tmp_path: Path,
                                                             scripted: Any) -> None:
    async def picky(peer: Peer) -> None:
        await peer.reply("220 picky.example ESMTP")
        await peer.expect("EHLO")
        await peer.reply("250 picky.example")
        await peer.expect("MAIL")
        await peer.reply("250 ok")
        await peer.expect("RCPT")
        await peer.reply("250 ok")
        await peer.expect("RCPT")
        await peer.reply("550 5.1.1 no such user")
        await peer.expect("DATA")
        await peer.reply("354 go")
        await peer.read_data()
        await peer.reply("250 queued")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(picky)
    make_profiles(tmp_path, server.port, recipients=["b@example.net", "nobody@example.net"])
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
        assert app.stepbar.status.state == "delivered to 1 of 2, exit 0"
        assert "delivered to 1 of 2" in text_of(app)


@aio
async def test_while_waiting_the_screen_says_how_long_it_will_wait(tmp_path: Path,
                                                                  scripted: Any) -> None:
    async def silent(peer: Peer) -> None:
        await peer.sleep(30)

    server = scripted(silent)
    make_profiles(tmp_path, server.port, timeout=45.0)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: "Connected to" in text_of(app), "the connection")
        assert app.stepbar.activity == "waiting for the greeting (45 s max)"
        await pilot.press("x")
        await until(pilot, lambda: app.phase == "done", "the abandon")
        result = app.session.result
        assert result is not None and result.diagnosis.get("code") == "banner-timeout"
        assert "waiting" in result.error and "greeting" in result.error

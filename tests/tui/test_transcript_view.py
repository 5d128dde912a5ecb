"""The transcript through Pilot: TLS marks, secrets, folding, raw view, markup, size, progress."""

from __future__ import annotations

import base64
import gc
import re
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult

from smtptui.smtp.transcript import Event
from smtptui.tui import app as app_module
from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.demo import DEMO_PROFILE, DemoServer
from smtptui.tui.widgets.transcript import DataProgress, TranscriptView
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import (
    MESSAGE,
    SIZE,
    aio,
    make_profiles,
    text_of,
    until,
)


@aio
async def test_data_progress_and_abandoning_a_stuck_transfer(tmp_path: Path,
                                                             scripted: Any) -> None:
    async def stuck_in_data(peer: Peer) -> None:
        await peer.reply("220 test ESMTP")
        for command, answer in (("EHLO", "250 test"), ("MAIL", "250 ok"), ("RCPT", "250 ok"),
                                ("DATA", "354 go ahead")):
            await peer.expect(command)
            await peer.reply(answer)
        await peer.stall()  # reads nothing more: the client's writes block

    server = scripted(stuck_in_data)
    make_profiles(tmp_path, server.port, timeout=300.0)
    big = b"Subject: big\r\n\r\n" + b"x" * 998 + b"\r\n"
    (tmp_path / "message.eml").write_bytes(big * 8000)  # 8 MB: more than any buffer
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        progress = app.query_one(DataProgress)
        await until(pilot, lambda: progress.display and "octets" in progress.summary,
                    "the progress bar")
        sent, _, total = progress.summary.partition(" / ")
        assert 0 < int(sent.replace(",", "")) < int(total.split()[0].replace(",", ""))
        await pilot.press("x")
        await until(pilot, lambda: app.phase == "done", "the abandon")
        assert not progress.display
        assert "session abandoned by the user" in text_of(app)


@aio
async def test_lines_inside_tls_are_marked(tmp_path: Path, smtpd: Any, certs: Any) -> None:
    server = smtpd(tls_context=certs.good_context())
    make_profiles(tmp_path, server.port, tls="required", ca_file=str(certs.ca_file))
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        text = text_of(app)
        assert "->  STARTTLS" in text and "~>  EHLO client.example" in text
        assert "<~  250" in text and "~>  QUIT" in text
        assert "TLS TLSv1" in str(app.stepbar.query_one("#step-status").render())
        inspector = app.query_one("#inspector")
        facts = inspector.tls_facts
        assert facts is not None and facts.verified is True
    [message] = server.messages
    assert message.tls and message.data == MESSAGE


@aio
async def test_auth_asks_for_the_password_and_never_shows_it(tmp_path: Path, smtpd: Any,
                                                            certs: Any) -> None:
    server = smtpd(tls_context=certs.good_context(), auth={"alice": "s3cret-pw"})
    make_profiles(tmp_path, server.port, tls="required", ca_file=str(certs.ca_file),
                  auth_user="alice", auth_mech="PLAIN", password_source="prompt")
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause(0.2)
        await pilot.press(*"s3cret-pw", "enter")
        await until(pilot, lambda: app.phase == "done")
        text = text_of(app)
        assert "~>  AUTH PLAIN" in text and "authenticated as alice" in text
        saved = "\n".join(app.transcript.plain_lines())
        secret = base64.b64encode(b"\0alice\0s3cret-pw").decode()
        for shown in (text, saved):
            assert "s3cret" not in shown and secret not in shown
    assert [a.success for a in server.auth_attempts] == [True]
    assert [m.auth_login for m in server.messages] == ["alice"]


@aio
async def test_raw_view_and_folding_the_message(demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        folded = text_of(app)
        assert "▸ message: 20 lines" in folded and "Hello Bob" not in folded
        await pilot.press("f")
        assert "Hello Bob, hello Carol," in text_of(app)
        await pilot.press("v")
        raw = text_of(app).splitlines()
        assert any(re.fullmatch(r" +\d+\.\d{3} ->  DATA", line) for line in raw)


@aio
async def test_a_big_message_is_summarised_with_its_real_line_count(tmp_path: Path,
                                                                    smtpd: Any) -> None:
    server = smtpd()
    make_profiles(tmp_path, server.port)
    body = b"".join(b"line %05d of the body\r\n" % n for n in range(6000))
    message = b"Subject: big\r\n\r\n" + body  # 6,002 lines; the transcript keeps 40
    (tmp_path / "message.eml").write_bytes(message)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        [summary] = [line.strip() for line in text_of(app).splitlines() if "message:" in line]
        wire = len(message) + len(b".\r\n")
        assert summary == (f"▸ message: 6,002 lines, {wire:,} octets on the wire; "
                           "first 40 shown (f to unfold)")
        # Selected, it is shown whole in the explain panel (a narrow screen cuts the row).
        rows = text_of(app).splitlines()
        app.transcript.move_cursor(next(n for n, row in enumerate(rows) if "message:" in row))
        await pilot.pause()
        assert summary in app.explain.text
    assert [m.data for m in server.messages] == [message]


@aio
async def test_server_text_is_never_markup(tmp_path: Path, scripted: Any) -> None:
    async def hostile(peer: Peer) -> None:
        await peer.reply("220 [bold red]evil[/] \x1b[2J banner")
        await peer.expect("EHLO")
        await peer.reply("250 ok")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(hostile)
    make_profiles(tmp_path, server.port, quit_after="ehlo")
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(100, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        view = app.transcript
        shown = [view.render_line(y).text for y in range(view.size.height)]
        assert any("220 [bold red]evil[/] \\x1b[2J banner" in line for line in shown)


@aio
async def test_works_without_colour(demo: DemoServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE)
    async with app.run_test(size=SIZE) as pilot:
        assert app.no_color
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done")
        assert "250 2.0.0 OK: queued" in text_of(app)


@aio
async def test_a_huge_transcript_stays_bounded_and_scrollable() -> None:
    view = TranscriptView(id="transcript", max_lines=100_000)

    class Host(App[None]):
        CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

        def compose(self) -> ComposeResult:
            yield view

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        for n in range(250_000):
            view.add_event(Event(n / 1000, "recv" if n % 2 else "send", "manual", f"line {n}"))
        await pilot.pause()
        assert view.line_count <= 100_000 and view.dropped >= 150_000
        view.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        last = view.render_line(view.size.height - 1).text
        assert "line 249999" in last
        view.scroll_home(animate=False, immediate=True)
        await pilot.pause()
        assert "line" in view.render_line(0).text


@aio
async def test_a_huge_transcript_gives_the_garbage_collector_nothing_to_scan() -> None:
    # A full collection scans every tracked object and freezes the screen meanwhile: the
    # lines must not be such objects, or scrolling 100,000 lines stalls every few seconds.
    view = TranscriptView(id="transcript")

    class Host(App[None]):
        CSS_PATH = Path(app_module.__file__).with_name("app.tcss")

        def compose(self) -> ComposeResult:
            yield view

    def add(first: int, count: int) -> None:
        for n in range(first, first + count):  # each DATA part: 100 lines out of 200
            stage, kind = ("dot", "send") if n % 200 >= 100 else ("rcpt", "recv")
            view.add_event(Event(n / 1000, kind, stage, f"line {n}"))
            view.add_latency("rcpt", 0.002)

    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        add(0, 10_000)
        await pilot.pause()
        gc.collect()
        before = len(gc.get_objects())
        add(10_000, 30_000)
        await pilot.pause()
        gc.collect()
        assert view.line_count == 40_000
        assert len(gc.get_objects()) - before < 1_000  # the 150 DATA parts, the screen's rows

"""The transcript gets the width it needs: a reply or a note is read whole, wrapped under its
time and marker (no sideways scrolling, so the time column never scrolls away); the inspector's
width follows the terminal's; a refused reply is printed once."""

from __future__ import annotations

import re
from typing import Any

import pytest

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.demo import DEMO_PROFILE, DemoServer
from tests.tui.apphelp import aio, lines_of, until

TIME = re.compile(r"^ +\d+\.\d{3} ")


def unwrapped(app: SmtpTuiApp) -> list[str]:
    """The transcript's screen lines joined back into rows: a line that starts with a time
    starts a row, a line with a blank gutter continues the one above (its text after the
    gutter)."""
    rows: list[str] = []
    for line in lines_of(app, app.transcript):
        line = line[:-1]  # the scroll bar's column
        if TIME.match(line) or line.lstrip().startswith(("▸", "▾")):
            rows.append(line.rstrip())
        elif line.strip():
            assert rows and line[:18].strip() == "", line  # under the text, never the time
            rows[-1] += line[18:].rstrip() if rows[-1].endswith(" ") else " " + line[18:].rstrip()
    return rows


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@aio
async def test_a_reply_or_a_note_is_read_whole(demo: DemoServer, size: tuple[int, int]) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile="demo-unknown-user")
    async with app.run_test(size=size) as pilot:
        await pilot.press("s")
        await until(pilot, lambda: app.phase == "waiting", "the banner")
        await pilot.press("d", "s")  # the explain panel away: more of the transcript in sight
        await until(pilot, lambda: app.stepbar.pending.startswith("MAIL"), "EHLO done")
        await pilot.pause()
        rows = " ".join(unwrapped(app))
        assert re.search(r"=== Connected to 127\.0\.0\.1 port \d+ from 127\.0\.0\.1 port \d+",
                         rows), rows
        assert "=== the server does not offer STARTTLS: the session continues in plaintext" \
            in rows, rows
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the refusal")
        await pilot.press("home")
        await pilot.pause()
        for _ in range(40):
            if "550 5.1.1" in " ".join(lines_of(app, app.transcript)):
                break
            await pilot.press("down")
        await pilot.pause()
        rows = " ".join(unwrapped(app))
        reply = "550 5.1.1 <unknown.user@example.net>: Recipient address rejected: User unknown"
        assert reply in rows, rows
        assert rows.count("Recipient address rejected") == 1, rows  # printed once
        assert "recipient unknown.user@example.net refused: see the reply above" in rows
        # The saved transcript keeps the engine's words, as `smtptui run` prints them.
        saved = "\n".join(app.transcript.plain_lines())
        assert f"refused: {reply}" in saved


@aio
async def test_nothing_scrolls_sideways_and_the_time_column_stays(demo: DemoServer) -> None:
    app = SmtpTuiApp(demo.profiles_dir, open_profile="demo-unknown-user")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the refusal")
        await pilot.press("right", "right", "right", "end")
        app.transcript.scroll_right(animate=False, immediate=True)
        await pilot.pause()
        assert app.transcript.scroll_x == 0 and app.transcript.max_scroll_x == 0
        shown = [line for line in lines_of(app, app.transcript) if line.strip()]
        assert TIME.match(shown[0]), shown
        for line in shown:
            assert TIME.match(line) or line[:18].strip() == "", line
        await pilot.press("v")  # the raw view wraps the same way, under its own time column
        await pilot.pause()
        shown = [line for line in lines_of(app, app.transcript) if line.strip()]
        for line in shown:
            assert re.match(r"^ +\d+\.\d{3} ", line) or line[:13].strip() == "", line


@aio
async def test_the_inspector_width_follows_the_terminal(demo: DemoServer) -> None:
    widths: dict[int, tuple[int, int]] = {}
    for size in ((120, 40), (160, 40), (200, 50)):
        app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE)
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            widths[size[0]] = (app.query_one("#inspector").region.width,
                               app.transcript.region.width)
    assert widths[120][0] < widths[160][0] < widths[200][0], widths
    assert widths[200][0] >= 50, widths  # not stuck at 38, wrapping every verdict
    assert widths[120][1] >= 60, widths  # the transcript first: it was 56 at 120 columns
    assert widths[200][1] >= 100, widths


def test_wrapping_keeps_every_character_and_each_line_fits() -> None:
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rich.cells import cell_len

    from smtptui.tui.widgets.transcript_rows import wrap_starts

    @settings(max_examples=300, deadline=None)
    @given(st.text(alphabet=st.sampled_from("ab cd-<>@.:日本é "), max_size=200),
           st.integers(min_value=1, max_value=60))
    def check(text: str, width: int) -> None:
        starts = wrap_starts(text, width)
        assert starts[0] == 0 and list(starts) == sorted(set(starts))
        pieces = [text[a:b] for a, b in zip(starts, (*starts[1:], len(text)), strict=True)]
        assert "".join(pieces) == text
        for piece in pieces:
            # A line fits; only the spaces where it breaks may run past the edge, unseen.
            assert cell_len(piece.rstrip(" ")) <= max(width, 2), (piece, width)

    check()
    reply = "550 5.1.1 <unknown.user@example.net>: Recipient address rejected: User unknown"
    starts = wrap_starts(reply, 40)
    assert [reply[a:b] for a, b in zip(starts, (*starts[1:], len(reply)), strict=True)] == [
        "550 5.1.1 <unknown.user@example.net>: ", "Recipient address rejected: User unknown"]


@aio
async def test_a_multi_line_refusal_is_printed_once_too(tmp_path: Any, scripted: Any) -> None:
    from tests.fixtures.scripted import Peer
    from tests.tui.apphelp import make_profiles

    async def refusing(peer: Peer) -> None:
        await peer.reply("220 test.example ESMTP")
        for command, answers in (("EHLO", ["250 test.example"]), ("MAIL", ["250 ok"]),
                                 ("RCPT", ["550-5.1.1 The email account that you tried to "
                                           "reach does not exist.",
                                           "550 5.1.1 Please try double-checking it."])):
            await peer.expect(command)
            for answer in answers:
                await peer.reply(answer)
        while (line := await peer.readline()) is not None:
            quit_ = line.strip().upper() == b"QUIT"
            await peer.reply("221 bye" if quit_ else "250 ok")
            if quit_:
                return

    server = scripted(refusing)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the refusal")
        shown = app.transcript.visible_text()
        assert shown.count("The email account that you tried to reach") == 1, shown
        assert "recipient b@example.net refused: see the reply above" in shown

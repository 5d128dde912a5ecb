"""EHLO keywords on a narrow screen, through Pilot against a real loopback server: the
inspector's column stays readable, and every keyword is explained or said to be unknown, in
the inspector and in the explain panel."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import DataTable

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.widgets.inspector import CapabilityInspector
from tests.fixtures.scripted import Peer
from tests.tui.apphelp import SIZE, aio, make_profiles, text_of, until

GREETING = ("mail.example.com Hello client.example [127.0.0.1], pleased to meet you; this "
            "server is run by the example corporation and logs every connection")


async def long_greeting(peer: Peer) -> None:
    """A whole session; the EHLO reply has a long first line, HELP and an unknown XFOO."""
    await peer.reply("220 mail.example.com ESMTP")
    for command, answers in (("EHLO", [f"250-{GREETING}", "250-SIZE 10240000", "250-8BITMIME",
                                       "250-XFOO bar", "250 HELP"]),
                             ("MAIL", ["250 ok"]), ("RCPT", ["250 ok"]), ("DATA", ["354 go"])):
        await peer.expect(command)
        for answer in answers:
            await peer.reply(answer)
    await peer.read_data()
    await peer.reply("250 queued")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def rows(app: SmtpTuiApp) -> dict[str, list[str]]:
    """The narrow table's rows: keyword -> the lines of its cell."""
    table = app.query_one("#caps-table", DataTable)
    cells = [str(table.get_row_at(i)[0]).splitlines() for i in range(table.row_count)]
    return {lines[0].split()[0]: lines for lines in cells}


@aio
async def test_a_session_shown_while_the_inspector_was_hidden_keeps_its_column(
        tmp_path: Path, scripted: Any) -> None:
    server = scripted(long_greeting)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the first session")
        await pilot.press("i")  # shown in the centre's place (80x24), then hidden again
        await pilot.pause()
        await pilot.press("i", "ctrl+r")
        await until(pilot, lambda: app.phase == "waiting", "the second session's banner")
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the second session")
        await pilot.press("i")
        await pilot.pause()
        inspector = app.query_one(CapabilityInspector)
        table = app.query_one("#caps-table", DataTable)
        [column] = table.columns.values()
        assert column.width == inspector.size.width - 4 > 40
        assert rows(app)["SIZE"][:2] == ["SIZE 10240000",
                                         "✓ max 10.2 MB; this message 0.1 kB: fits"]
        assert rows(app)["STARTTLS"][0] == "STARTTLS (not offered)"
        # The long greeting does not push the table down: a line or two, the rest cut short.
        summary = str(inspector.query_one("#caps-summary").render())
        assert summary == "EHLO reply from mail.example.com Hello client.e…: 4 keywords, 1 unknown"
    assert len(server.connections) == 2


@aio
async def test_every_keyword_is_explained_or_said_to_be_unknown(tmp_path: Path,
                                                                scripted: Any) -> None:
    server = scripted(long_greeting)
    make_profiles(tmp_path, server.port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the session")
        await pilot.press("i")
        await pilot.pause()
        table = rows(app)
        assert table["HELP"][1] == "· not used; try it in manual mode"
        assert table["XFOO"][1] == "? not known to smtptui"
        for keyword, lines in table.items():  # a second line for each: never the bare name
            assert len(lines) >= 2 and lines[1].strip(), keyword
        # In the explain panel: each line of the EHLO reply, selected in the transcript.
        await pilot.press("i")
        lines = text_of(app).splitlines()
        said: dict[str, str] = {}
        for keyword in ("mail.example.com", "SIZE", "XFOO", "HELP"):
            [row] = [n for n, line in enumerate(lines) if f"<-  250-{keyword}" in line
                     or f"<-  250 {keyword}" in line]
            app.transcript.move_cursor(row)
            await pilot.pause()
            said[keyword] = app.explain.text
        assert said["SIZE"].startswith("Explain: 250 SIZE")
        assert said["HELP"].startswith("Explain: 250 HELP")
        assert "HELP The server answers the HELP command" in said["HELP"]
        assert "(RFC 5321 §4.1.1.8)" in said["HELP"]
        assert said["XFOO"].startswith("Explain: 250 XFOO")
        assert "XFOO Unknown keyword: a private (X) extension smtptui does not know" in said[
            "XFOO"]
        assert said["mail.example.com"].startswith("Explain: 250\n")  # the greeting: no keyword


def test_the_inspector_and_the_transcript_word_an_expiry_alike() -> None:
    """One wording (it read "EXPIRED 1 days ago" here and "EXPIRED today" in the CLI)."""
    from datetime import UTC, datetime

    from smtptui.net.tls_facts import TlsFacts
    from smtptui.tui.widgets.inspector import tls_lines

    for days, words in ((-1, "EXPIRED today"), (-2, "EXPIRED 1 day ago"),
                        (-9, "EXPIRED 8 days ago"), (1, "1 day left"), (30, "30 days left")):
        facts = TlsFacts(version="TLSv1.3", cipher="X", subject="CN=x",
                         not_before=datetime(2026, 1, 1, tzinfo=UTC),
                         not_after=datetime(2026, 12, 1, tzinfo=UTC), days_left=days)
        valid = dict((label, value) for label, value, _ in tls_lines(facts))["valid"]
        assert valid.startswith("2026-01-01 to 2026-12-01") and f"({words})" in valid
        if days < 0:
            assert f"certificate {words}: verification would fail" in facts.summary_lines()

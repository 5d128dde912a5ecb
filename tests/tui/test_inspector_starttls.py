"""The inspector between the STARTTLS hand-shake and the EHLO inside TLS: the keywords it shows
came before TLS, and it says that the EHLO inside TLS is still to come; it never judges the
plaintext list as if it had come inside TLS (a false "STARTTLS offered again inside TLS",
seen on real Postfix and Exim while stepping)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Static

from smtptui.knowledge.keywords import EHLO_IN_TLS_TO_COME, assess, starttls_notes
from smtptui.net.tls_facts import TlsFacts
from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.replies import ReplyParser
from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.widgets.inspector import CapabilityInspector
from tests.tui.apphelp import aio, make_profiles, until

PLAIN = b"250-mx.example.net\r\n250-SIZE 10240000\r\n250-STARTTLS\r\n250 AUTH PLAIN LOGIN\r\n"
INSIDE = b"250-mx.example.net\r\n250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN\r\n"
TLS_FACTS = TlsFacts(version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384", verified=True)


def caps_of(data: bytes) -> Any:
    parser = ReplyParser()
    parser.feed(data)
    (reply,) = parser.replies()
    return parse_ehlo(reply)


def by_keyword(rows: list[Any]) -> dict[str, Any]:
    return {row.keyword: row for row in rows}


def test_the_notes_tell_the_three_moments_apart() -> None:
    plain, inside = caps_of(PLAIN), caps_of(INSIDE)
    assert starttls_notes(None, plain, False) == []  # no STARTTLS so far
    assert starttls_notes(plain, None, True) == [EHLO_IN_TLS_TO_COME]
    assert "STARTTLS no longer offered (as expected inside TLS)" in starttls_notes(plain, inside,
                                                                                  True)
    assert starttls_notes(None, inside, True) == []  # TLS from the first byte: no STARTTLS


def test_the_plaintext_list_is_not_judged_as_if_it_came_inside_tls() -> None:
    rows = by_keyword(assess(caps_of(PLAIN), None, False, starttls_done=True))
    assert "again inside TLS" not in rows["STARTTLS"].session
    assert rows["STARTTLS"].level == "ok" and "used" in rows["STARTTLS"].session
    assert "in clear" not in rows["AUTH"].session and rows["AUTH"].level == "info"
    # Inside TLS from the start (implicit TLS), STARTTLS offered is still worth a warning.
    implicit = by_keyword(assess(caps_of(PLAIN), None, True))
    assert implicit["STARTTLS"].level == "warn"


class Host(App[None]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()
        self.args, self.kwargs = args, kwargs

    def compose(self) -> ComposeResult:
        yield CapabilityInspector()

    def on_mount(self) -> None:
        self.query_one(CapabilityInspector).show(*self.args, **self.kwargs)


def cells(app: App[Any]) -> str:
    table = app.query_one("#caps-table", DataTable)
    return "\n".join(" | ".join(map(str, table.get_row_at(i))) for i in range(table.row_count))


def notes(app: App[Any]) -> str:
    return "\n".join(str(widget.render()) for widget in app.query("#caps-notes Static"))


@aio
async def test_the_inspector_says_the_ehlo_inside_tls_is_to_come() -> None:
    app = Host(caps_of(PLAIN), None, None, TLS_FACTS, tls_active=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        shown = cells(app) + notes(app)
        assert "again inside TLS" not in shown
        assert "no STARTTLS so far" not in shown
        assert EHLO_IN_TLS_TO_COME in notes(app)
        summary = str(app.query_one("#caps-summary", Static).render())
        assert "before TLS" in summary


@aio
async def test_stepping_through_starttls_against_a_real_server(tmp_path: Path, smtpd: Any,
                                                               certs: Any) -> None:
    server = smtpd(tls_context=certs.good_context())
    make_profiles(tmp_path, server.port, tls="starttls", ca_file=str(certs.ca_file))
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        for pending in ("EHLO client.example", "STARTTLS", "EHLO client.example"):
            await pilot.press("s")
            await until(pilot, lambda p=pending: app.phase == "waiting"  # type: ignore[misc]
                        and app.stepbar.pending == p, f"waiting to send {pending}")
        await pilot.pause()
        assert "~>" not in app.transcript.visible_text().split("STARTTLS")[-1]  # not sent yet
        shown = cells(app) + notes(app)
        assert "again inside TLS" not in shown and "no STARTTLS so far" not in shown
        assert EHLO_IN_TLS_TO_COME in notes(app)
        await pilot.press("s")  # the EHLO inside TLS
        await until(pilot, lambda: app.stepbar.pending.startswith("MAIL"), "MAIL pending")
        await pilot.pause()
        assert "STARTTLS no longer offered" in notes(app)
        assert EHLO_IN_TLS_TO_COME not in notes(app)
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
    assert len(server.messages) == 1


@aio
async def test_tls_from_the_first_byte_has_no_ehlo_to_come(tmp_path: Path, smtpd: Any,
                                                           certs: Any) -> None:
    server = smtpd(tls_context=certs.good_context(), implicit_tls=True)
    make_profiles(tmp_path, server.port, tls="implicit", ca_file=str(certs.ca_file))
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
        await pilot.pause()
        assert EHLO_IN_TLS_TO_COME not in notes(app)
        assert "no STARTTLS so far" in notes(app)
        table = app.query_one("#caps-table", DataTable)
        rows = [" ".join(map(str, table.get_row_at(i))) for i in range(table.row_count)]
        [starttls] = [row for row in rows if row.startswith("STARTTLS")]
        assert "already encrypted" in starttls
    assert len(server.messages) == 1


@aio
async def test_the_inspector_sets_the_profile_s_extensions_against_a_real_server(
        tmp_path: Path, smtpd: Any) -> None:
    """A profile that asks for CHUNKING, against aiosmtpd (which offers no CHUNKING): the
    inspector says the message goes by DATA instead, before anything is sent."""
    server = smtpd()
    make_profiles(tmp_path, server.port, chunking=True)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("s")  # connect: the greeting, EHLO pending
        await until(pilot, lambda: app.stepbar.pending.startswith("EHLO"), "EHLO pending")
        await pilot.press("s")
        await until(pilot, lambda: app.stepbar.pending.startswith("MAIL"), "MAIL pending")
        await pilot.pause()
        rows = cells(app)
        assert "not offered: the message goes by DATA instead of BDAT" in rows
        assert "one command at a time" in rows  # aiosmtpd offers no PIPELINING
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end")
    assert len(server.messages) == 1

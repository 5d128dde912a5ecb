"""The modal screens and the capability inspector, each in a tiny host app, through Pilot."""

from __future__ import annotations

import asyncio
import functools
import html
import re
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import DataTable, Footer, Input, Select, Static, TextArea

from smtptui.net.tls_facts import TlsFacts
from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.replies import ReplyParser
from smtptui.store.history import History
from smtptui.store.profiles import Profile, ProfileStore, load_file
from smtptui.tui.screens.confirm import Confirm
from smtptui.tui.screens.editor import ProfileEditor
from smtptui.tui.screens.help import HelpScreen
from smtptui.tui.screens.history import HistoryScreen, TranscriptViewer
from smtptui.tui.screens.password import PasswordPrompt
from smtptui.tui.widgets.inspector import CapabilityInspector
from tests.engine.test_capabilities import SEED_EHLO

SIZE = (80, 24)


def aio(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in a fresh event loop (pytest sees the wrapped signature's fixtures)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


class Host(App[None]):
    """Pushes one screen on mount and keeps what it was dismissed with."""

    BINDINGS = [
        Binding("s", "step", "Step"),
        Binding("r", "run", "Run to the end"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, make: Callable[[], Screen[Any]]) -> None:
        super().__init__()
        self.make = make
        self.results: list[Any] = []

    def compose(self) -> ComposeResult:
        yield Static("host")
        yield Footer()

    def on_mount(self) -> None:
        self.push_screen(self.make(), self.results.append)


def screen_text(app: App[Any]) -> str:
    """The screen as plain text (from Textual's own SVG export)."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return html.unescape("".join(re.sub(r"<[^>]+>", "", t) for t in texts)).replace("\xa0", " ")


def static_text(widget: Widget) -> str:
    content = widget.content if isinstance(widget, Static) else ""
    return content.plain if isinstance(content, Text) else str(content)


def caps_of(data: bytes):
    parser = ReplyParser()
    parser.feed(data)
    (reply,) = parser.replies()
    return parse_ehlo(reply)


# --- the profile editor ------------------------------------------------------------------------


async def type_into(pilot: Any, widget_id: str, text: str, clear: bool = True) -> None:
    widget = pilot.app.screen.query_one(widget_id)
    widget.focus()
    await pilot.pause()
    if clear and isinstance(widget, Input):
        widget.value = ""
    await pilot.press(*text)
    await pilot.pause()


@aio
async def test_editor_shows_a_bad_port_inline_and_saves_nothing(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        await type_into(pilot, "#field-name", "relay")
        await type_into(pilot, "#field-port", "99999")
        error = editor.query_one("#error-port", Static)
        assert static_text(error) == "must be an integer 1-65535"
        assert error.has_class("-shown")
        assert "must be an integer 1-65535" in screen_text(app)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor  # not saved, still open
        assert "Not saved" in static_text(editor.query_one("#editor-status", Static))
        assert not (tmp_path / "profiles").exists() or not list((tmp_path / "profiles").iterdir())
        # Fixing it clears the message as it is typed.
        await type_into(pilot, "#field-port", "587")
        assert not editor.query_one("#error-port", Static).has_class("-shown")


@aio
async def test_editor_checks_addresses_as_typed(tmp_path: Path) -> None:
    app = Host(lambda: ProfileEditor(ProfileStore(tmp_path)))
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#field-sender", "<me@example.org>")
        message = static_text(app.screen.query_one("#error-sender", Static))
        assert message.startswith("write the address without < >")


@aio
async def test_editor_saves_a_new_profile_through_the_store(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        await type_into(pilot, "#field-name", "Office relay")
        await type_into(pilot, "#field-host", "smtp.example.net")
        await type_into(pilot, "#field-port", "587")
        await type_into(pilot, "#field-sender", "me@example.org")
        recipients = editor.query_one("#field-recipients", TextArea)
        recipients.text = "bob@example.net\ncarol@example.net\n"
        editor.query_one("#field-tls", Select).value = "required"
        editor.query_one("#field-password_source-kind", Select).value = "env"
        await pilot.pause()
        await type_into(pilot, "#field-password_source-arg", "SMTP_PASSWORD")
        await type_into(pilot, "#field-auth_user", "me")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not editor
    (saved,) = app.results
    assert isinstance(saved, Profile) and saved.path == tmp_path / "office-relay.toml"
    on_disk = load_file(tmp_path / "office-relay.toml")
    assert (on_disk.name, on_disk.host, on_disk.port) == ("Office relay", "smtp.example.net", 587)
    assert on_disk.recipients == ["bob@example.net", "carol@example.net"]
    assert on_disk.tls == "required"
    assert on_disk.password_source == "env:SMTP_PASSWORD"
    assert "password =" not in (tmp_path / "office-relay.toml").read_text()


@aio
async def test_editor_cancel_writes_nothing(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    store.save(Profile(name="relay", host="old.example.net", sender="a@example.org"))
    before = (tmp_path / "profiles" / "relay.toml").read_bytes()
    app = Host(lambda: ProfileEditor(store, store.get("relay")))
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#field-host", "new.example.net")
        await pilot.press("escape")  # asks first (tests/tui/test_editor_fields.py)
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
    assert app.results == [None]
    assert (tmp_path / "profiles" / "relay.toml").read_bytes() == before
    assert [p.name for p in (tmp_path / "profiles").glob("*.toml")] == ["relay.toml"]


@aio
async def test_editor_renames_and_keeps_comments(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    (tmp_path / "relay.toml").write_text('# our relay\nname = "relay"\nhost = "a.example.net"\n'
                                         'sender = "me@example.org"\n'
                                         'recipients = ["bob@example.net"]\n')
    app = Host(lambda: ProfileEditor(store, store.get("relay")))
    async with app.run_test(size=SIZE) as pilot:
        await type_into(pilot, "#field-name", "relay two")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert [p.name for p in tmp_path.glob("*.toml")] == ["relay-two.toml"]
    text = (tmp_path / "relay-two.toml").read_text()
    assert "# our relay" in text and 'name = "relay two"' in text


@aio
async def test_editor_shows_a_store_error_and_keeps_the_form(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="taken", host="a.example.net"))
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        await type_into(pilot, "#field-name", "Taken")
        await type_into(pilot, "#field-host", "b.example.net")
        editor.query_one("#field-recipients", TextArea).text = "bob@example.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor
        status = static_text(editor.query_one("#editor-status", Static))
        assert "already" in status and status.startswith("Not saved")
        assert editor.query_one("#field-host", Input).value == "b.example.net"
    assert app.results == []
    assert load_file(tmp_path / "taken.toml").host == "a.example.net"


# --- password, confirm, help -----------------------------------------------------------------


@aio
async def test_password_prompt_returns_the_password_and_shows_only_bullets() -> None:
    app = Host(lambda: PasswordPrompt("alice", "smtp.example.net:587"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"hunter2")
        await pilot.pause()
        shown = app.export_screenshot()
        assert "hunter2" not in shown and "hunter2" not in screen_text(app)
        assert "•••••••" in screen_text(app)
        assert "alice" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
    assert app.results == ["hunter2"]


@aio
async def test_password_prompt_escape_gives_none() -> None:
    app = Host(lambda: PasswordPrompt())
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(*"secret", "escape")
        await pilot.pause()
    assert app.results == [None]


@aio
async def test_confirm_keys() -> None:
    answers = []
    for key in ("y", "enter", "n", "escape"):
        app = Host(lambda: Confirm("Delete the profile 'relay [b]x[/b]'?", yes="Delete"))
        async with app.run_test(size=SIZE) as pilot:
            assert "Delete the profile 'relay [b]x[/b]'?" in screen_text(app)  # no markup
            await pilot.press(key)
            await pilot.pause()
        answers.extend(app.results)
    assert answers == [True, False, False, False]  # only y says yes; enter is the safe no


@aio
async def test_help_lists_the_app_bindings_and_closes() -> None:
    app = Host(HelpScreen)
    async with app.run_test(size=SIZE) as pilot:
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        listed = {key: what for _, key, what in help_screen.entries}
        assert (listed["s"], listed["r"], listed["?"]) == ("Step", "Run to the end", "Help")
        assert listed["^q"].startswith("Quit")
        assert listed["^p"] == "Command palette: every action by name"
        text = screen_text(app)
        assert "Run to the end" in text and "Command palette" in text
        await pilot.press("q")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


@aio
async def test_help_with_a_given_list() -> None:
    app = Host(lambda: HelpScreen([("s", "send the next command"), ("x", "stop")]))
    async with app.run_test(size=SIZE) as pilot:
        assert [e[1:] for e in app.screen.entries] == [("s", "send the next command"),
                                                       ("x", "stop")]
        await pilot.press("escape")
        await pilot.pause()
    assert app.results == [None]


# --- history -------------------------------------------------------------------------------


@aio
async def test_history_lists_runs_and_opens_one_read_only(tmp_path: Path) -> None:
    history = History(tmp_path)
    history.record("relay", ["-> EHLO a", "<- 250 ok"], '{"outcome": "failed", "exit_code": 24}',
                   when=datetime(2024, 1, 1, 9, 0, tzinfo=UTC))
    history.record("relay", ["-> EHLO b", "<- 250 fine"],
                   '{"outcome": "delivered", "exit_code": 0}',
                   when=datetime(2024, 1, 2, 9, 0, tzinfo=UTC))
    app = Host(lambda: HistoryScreen("relay", history))
    async with app.run_test(size=SIZE) as pilot:
        screen = app.screen
        assert isinstance(screen, HistoryScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        assert [str(c) for c in table.get_row_at(0)[1:3]] == ["delivered", "0"]
        await pilot.press("enter")
        await pilot.pause()
        viewer = app.screen
        assert isinstance(viewer, TranscriptViewer)
        area = viewer.query_one(TextArea)
        assert area.read_only and "<- 250 fine" in area.text
        await pilot.press(*"typing")
        assert "typing" not in area.text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen


@aio
async def test_history_without_runs(tmp_path: Path) -> None:
    app = Host(lambda: HistoryScreen("never-ran", History(tmp_path)))
    async with app.run_test(size=SIZE):
        assert "No past runs" in screen_text(app)


# --- the capability inspector ----------------------------------------------------------------

TLS_FACTS = TlsFacts(
    version="TLSv1.3", cipher="TLS_AES_256_GCM_SHA384", subject="CN=mx.example.net",
    issuer="O=Example CA", sans=("DNS:mx.example.net",),
    not_before=datetime(2024, 1, 1, tzinfo=UTC), not_after=datetime(2026, 1, 1, tzinfo=UTC),
    days_left=200, verified=True)


class InspectorHost(App[None]):
    def __init__(self, before: Any, after: Any, facts: Any, tls: Any) -> None:
        super().__init__()
        self.args = (before, after, facts, tls)

    def compose(self) -> ComposeResult:
        yield CapabilityInspector()

    def on_mount(self) -> None:
        self.query_one(CapabilityInspector).show(*self.args)


SEVEN_BIT = MessageFacts(wire_size=2_500_000, eight_bit=False, long_lines=0,
                         lines=40)


def seed_host() -> InspectorHost:
    return InspectorHost(None, caps_of(SEED_EHLO + b""), SEVEN_BIT, None)


@aio
async def test_inspector_shows_the_seed_sample_with_meanings_and_unknowns() -> None:
    unusual = SEED_EHLO.replace(b"250 OK\r\n", b"250-X-FROBNICATE on\r\n250 OK\r\n")
    app = InspectorHost(None, caps_of(unusual), SEVEN_BIT, None)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        table = app.query_one("#caps-table", DataTable)
        rows = {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)]
                for i in range(table.row_count)}
        for keyword in ("TURN", "SIZE", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
                        "8BITMIME", "BINARYMIME", "CHUNKING", "VRFY", "X-EXPS", "AUTH",
                        "X-LINK2STATE", "XEXCH50"):
            assert keyword in rows
            assert not rows[keyword][3].startswith("unknown"), keyword
        assert rows["AUTH"][1] == "GSSAPI NTLM LOGIN"
        assert rows["AUTH"][2].startswith("! usable: LOGIN")
        assert rows["X-FROBNICATE"][3].startswith("unknown keyword")
        assert rows["X-FROBNICATE"][2] == "? not known to smtptui"
        assert rows["STARTTLS"][1] == "(not offered)"
        text = screen_text(app)
        assert "1 unknown" in text and "mail.example.com Hello" in text
        assert "swap client and server roles" in text  # the first row's meaning, in full
        # Moving down shows the next keyword in full below the table.
        table.focus()
        await pilot.press("down")
        await pilot.pause()
        assert "RFC 1870" in static_text(app.query_one("#caps-detail", Static))


@aio
async def test_inspector_starttls_difference_and_certificate() -> None:
    before = caps_of(b"250-mx.example.net\r\n250-SIZE 10240000\r\n250 STARTTLS\r\n")
    after = caps_of(b"250-mx.example.net\r\n250-SIZE 10240000\r\n250 AUTH PLAIN LOGIN\r\n")
    app = InspectorHost(before, after, SEVEN_BIT, TLS_FACTS)
    async with app.run_test(size=(100, 40)) as pilot:
        await pilot.pause()
        diff = static_text(app.query_one("#caps-diff", Static))
        assert "AUTH offered only after TLS (PLAIN LOGIN)" in diff
        tls = static_text(app.query_one("#caps-tls", Static))
        assert "TLSv1.3" in tls and "CN=mx.example.net" in tls
        assert "2024-01-01 to 2026-01-01 (200 days left)" in tls
        assert "verified  ✓ yes" in tls
        table = app.query_one("#caps-table", DataTable)
        starttls = [r for r in map(table.get_row_at, range(table.row_count))
                    if str(r[0]) == "STARTTLS"][0]
        assert "already encrypted" in str(starttls[2])


@aio
async def test_inspector_unverified_and_server_text_is_not_markup() -> None:
    hostile = caps_of(b"250-[bold red]evil[/]\x1b[2J\r\n250 X-[link=x]Y[/link] [b]p\r\n")
    app = InspectorHost(None, hostile, None, TlsFacts(version="TLSv1.2", cipher="X"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[bold red]evil[/]\\x1b[2J" in text
        assert "NO: verification was turned off" in static_text(app.query_one("#caps-tls"))


@aio
async def test_inspector_narrow_panel_wraps_keyword_and_verdict() -> None:
    app = InspectorHost(None, caps_of(SEED_EHLO), SEVEN_BIT, None)
    async with app.run_test(size=(40, 24)) as pilot:
        await pilot.pause()
        table = app.query_one("#caps-table", DataTable)
        assert len(table.columns) == 1
        first = str(table.get_row_at(0)[0])
        assert first.startswith("TURN\n! a security risk")


@aio
async def test_inspector_keeps_the_highlighted_keyword_when_refreshed() -> None:
    caps = caps_of(SEED_EHLO)
    app = InspectorHost(None, caps, SEVEN_BIT, None)
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one("#caps-table", DataTable)
        table.focus()
        await pilot.press("down", "down", "down")
        await pilot.pause()
        app.query_one(CapabilityInspector).show(None, caps, SEVEN_BIT, None)
        await pilot.pause()
        assert str(table.get_row_at(table.cursor_row)[0]) == "PIPELINING"
        assert static_text(app.query_one("#caps-detail", Static)).startswith("PIPELINING")


@aio
async def test_inspector_empty_state() -> None:
    app = InspectorHost(None, None, None, None)
    async with app.run_test(size=SIZE):
        assert "No EHLO reply yet" in screen_text(app)


# --- snapshots (80x24; nothing in them moves: no clock, no cursor) -----------------------------


def test_snapshot_capability_inspector(snap_compare: Any) -> None:
    before = caps_of(b"250-mx.example.net\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n"
                     b"250 STARTTLS\r\n")
    after = caps_of(b"250-mx.example.net\r\n250-SIZE 10240000\r\n250-8BITMIME\r\n"
                    b"250-AUTH PLAIN LOGIN\r\n250-X-FROBNICATE on\r\n250 ENHANCEDSTATUSCODES\r\n")
    assert snap_compare(InspectorHost(before, after, SEVEN_BIT, TLS_FACTS), terminal_size=SIZE)


def test_snapshot_capability_inspector_seed(snap_compare: Any) -> None:
    assert snap_compare(seed_host(), terminal_size=SIZE)


def test_snapshot_help_screen(snap_compare: Any) -> None:
    assert snap_compare(Host(HelpScreen), terminal_size=SIZE)

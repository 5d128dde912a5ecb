"""The profile editor checks each field as it is left, with the rules `smtptui run` applies
when a session starts (in its words); escape asks before it throws typed changes away; keys
typed or pasted in one burst with a Tab land in the right fields."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import Input, Static, TextArea

from smtptui.launch.checked_plan import plan_from_profile
from smtptui.smtp.errors import InputError
from smtptui.store.profiles import Profile, ProfileStore
from smtptui.tui.screens.confirm import Confirm
from smtptui.tui.screens.editor import ProfileEditor
from tests.tui.test_screens import SIZE, Host, aio, static_text


def error_of(editor: Any, name: str) -> str:
    label = editor.query_one(f"#error-{name}", Static)
    return static_text(label) if label.has_class("-shown") else ""


def cli_words(**fields: Any) -> str:
    """What a session start (`smtptui run NAME`, the app's first step) says of a profile."""
    profile = Profile(**{"name": "relay", "host": "smtp.example.net", "sender": "a@example.org",
                         "recipients": ["b@example.net"], **fields})
    with pytest.raises(InputError) as refused:
        plan_from_profile(profile)
    return str(refused.value)


async def fill(pilot: Any, widget_id: str, text: str) -> None:
    """Focus a field, replace what it holds by ``text`` (typed), and stay in it."""
    widget = pilot.app.screen.query_one(widget_id)
    widget.focus()
    await pilot.pause()
    if isinstance(widget, Input):
        widget.value = ""
    elif isinstance(widget, TextArea):
        widget.text = ""
    await pilot.press(*text)
    await pilot.pause()


@aio
async def test_each_field_is_checked_with_the_cli_rules_as_it_is_left(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=(100, 40)) as pilot:
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        await fill(pilot, "#field-name", "relay")
        await fill(pilot, "#field-sender", "foo")
        assert error_of(editor, "sender") == ""  # not while it is being typed
        await pilot.press("tab")
        await pilot.pause()
        assert error_of(editor, "sender") == cli_words(sender="foo")
        assert "is not a valid mail address" in error_of(editor, "sender")
        await fill(pilot, "#field-recipients", "@example.net")
        await pilot.press("tab")
        await pilot.pause()
        assert error_of(editor, "recipients") == cli_words(recipients=["@example.net"])
        await fill(pilot, "#field-eml", "missing.eml")
        await pilot.press("tab")
        await pilot.pause()
        assert "does not exist" in error_of(editor, "eml")
        assert str(tmp_path / "missing.eml") in error_of(editor, "eml")  # next to the profile
        editor.query_one("#field-host", Input).focus()  # left empty, in smart-host mode
        await pilot.pause()
        await pilot.press("tab")
        await pilot.pause()
        assert error_of(editor, "host") == cli_words(host="")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is editor and not list(tmp_path.glob("*.toml"))
        status = static_text(editor.query_one("#editor-status", Static))
        assert status == "Not saved: 4 fields to fix (first: Host)."
        # Fixed, each message goes as it is typed.
        await fill(pilot, "#field-sender", "me@example.org")
        assert error_of(editor, "sender") == ""
        await fill(pilot, "#field-host", "smtp.example.net")
        assert error_of(editor, "host") == ""
        (tmp_path / "message.eml").write_bytes(b"Subject: hi\r\n\r\nhello\r\n")
        await fill(pilot, "#field-eml", "message.eml")
        await fill(pilot, "#field-recipients", "bob@example.net")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not editor
    [saved] = app.results
    assert saved.sender == "me@example.org" and saved.recipients == ["bob@example.net"]
    plan_from_profile(saved)  # what the editor let through, a session starts with


@aio
async def test_direct_mode_needs_no_host(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="relay", host="", mode="direct", sender="a@example.org",
                       recipients=["b@example.net"]))
    app = Host(lambda: ProfileEditor(store, store.get("relay")))
    async with app.run_test(size=(100, 40)) as pilot:
        editor = app.screen
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is not editor
    assert app.results[0].mode == "direct"


@aio
async def test_escape_asks_before_throwing_typed_changes_away(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="relay", host="old.example.net", sender="a@example.org",
                       recipients=["b@example.net"]))
    before = (tmp_path / "relay.toml").read_bytes()
    app = Host(lambda: ProfileEditor(store, store.get("relay")))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        await fill(pilot, "#field-host", "new.example.net")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("n")  # keep editing: nothing lost
        await pilot.pause()
        assert app.screen is editor
        assert editor.query_one("#field-host", Input).value == "new.example.net"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")  # throw them away
        await pilot.pause()
        assert app.screen is not editor
    assert app.results == [None]
    assert (tmp_path / "relay.toml").read_bytes() == before


@aio
async def test_escape_without_changes_closes_at_once(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="relay", host="old.example.net"))
    app = Host(lambda: ProfileEditor(store, store.get("relay")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("tab", "tab")  # moving about changes nothing
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, (Confirm, ProfileEditor))
    assert app.results == [None]


def burst(app: Any, text: str) -> None:
    """Keys as a terminal delivers a fast typist's or a paste's: all at once, no pause."""
    for char in text:
        key = "tab" if char == "\t" else char
        app.post_message(events.Key(key, char))


@aio
async def test_keys_typed_in_one_burst_with_a_tab_land_in_the_right_fields(
        tmp_path: Path) -> None:
    app = Host(lambda: ProfileEditor(ProfileStore(tmp_path)))
    async with app.run_test(size=(100, 40)) as pilot:
        editor = app.screen
        editor.query_one("#field-host", Input).focus()
        await pilot.pause()
        burst(app, "mail.example.net\t2525\thelo.example.org\tme@example.org")
        for _ in range(5):
            await pilot.pause()
        values = {name: editor.query_one(f"#field-{name}", Input).value
                  for name in ("host", "port", "helo", "sender")}
        assert values == {"host": "mail.example.net", "port": "2525",
                          "helo": "helo.example.org", "sender": "me@example.org"}


@aio
async def test_a_paste_with_tabs_fills_one_field_after_another(tmp_path: Path) -> None:
    app = Host(lambda: ProfileEditor(ProfileStore(tmp_path)))
    async with app.run_test(size=(100, 40)) as pilot:
        editor = app.screen
        editor.query_one("#field-host", Input).focus()
        await pilot.pause()
        app.post_message(events.Paste("mail.example.net\t587\thelo.example.org"))
        for _ in range(5):
            await pilot.pause()
        values = {name: editor.query_one(f"#field-{name}", Input).value
                  for name in ("host", "port", "helo")}
        assert values == {"host": "mail.example.net", "port": "587",
                          "helo": "helo.example.org"}
        assert app.screen.focused is editor.query_one("#field-helo", Input)
        name = editor.query_one("#field-name", Input)
        name.focus()
        await pilot.pause()
        app.post_message(events.Paste("relay"))  # no TAB: an ordinary paste, once
        await pilot.pause()
        assert name.value == "relay"

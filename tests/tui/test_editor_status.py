"""The profile editor's status line through Pilot: a "Not saved" message follows the fields
as they are fixed, instead of staying after the problem is gone."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static, TextArea

from smtptui.store.profiles import Profile, ProfileStore
from smtptui.tui.screens.editor import ProfileEditor
from tests.tui.test_screens import SIZE, Host, aio, static_text, type_into


def status_of(editor: ProfileEditor) -> str:
    return static_text(editor.query_one("#editor-status", Static))


@aio
async def test_the_not_saved_message_follows_the_fields_being_fixed(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "profiles")
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        await type_into(pilot, "#field-name", "relay")
        await type_into(pilot, "#field-host", "smtp.example.net")
        editor.query_one("#field-recipients", TextArea).text = "bob@example.net"
        await type_into(pilot, "#field-port", "99999")
        await type_into(pilot, "#field-sender", "<me@example.org>")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status_of(editor) == "Not saved: 2 fields to fix (first: Port)."
        await type_into(pilot, "#field-port", "587")
        assert status_of(editor) == "Not saved: 1 field to fix (first: Sender)."
        assert editor.query_one("#editor-status").has_class("-error")
        await type_into(pilot, "#field-sender", "me@example.org")
        assert status_of(editor) == "Every field is valid now; ctrl+s saves."
        assert not editor.query_one("#editor-status").has_class("-error")
        await type_into(pilot, "#field-port", "x")  # broken again: said again
        assert status_of(editor) == "Not saved: 1 field to fix (first: Port)."


@aio
async def test_a_store_error_on_a_field_goes_when_that_field_changes(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="taken", host="a.example.net"))
    app = Host(lambda: ProfileEditor(store))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        await type_into(pilot, "#field-name", "Taken")
        await type_into(pilot, "#field-host", "b.example.net")
        editor.query_one("#field-recipients", TextArea).text = "bob@example.net"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert status_of(editor).startswith("Not saved") and "already" in status_of(editor)
        await type_into(pilot, "#field-host", "c.example.net")  # another field: still true
        assert status_of(editor).startswith("Not saved")
        await type_into(pilot, "#field-name", "fresh")
        assert status_of(editor) == "ctrl+s: save   escape: cancel   tab: next field"

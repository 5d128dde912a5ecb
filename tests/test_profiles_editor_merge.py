"""The profile editor through Pilot: a save writes only the fields changed in the form, so a
hand edit made to the file while the form was open survives (docs/profiles.md, Saving)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from smtptui.store.profiles import ProfileStore
from smtptui.tui.screens.editor import ProfileEditor
from tests.tui.test_screens import SIZE, Host, aio, static_text, type_into

RELAY = """# the relay
name = "Relay"
host = "relay.example"
recipients = ["postmaster@relay.example"]
port = 25
timeout = 0.1234567
notes = "orig"
"""


def carol_edits(path: Path, port: str) -> None:
    """A colleague edits the file by hand while the form is open."""
    text = path.read_text().replace("port = 25", f"port = {port}  # Carol")
    path.write_text(text.replace('notes = "orig"', 'notes = "Carol was here"\nextra = 1'))


@aio
async def test_a_hand_edit_made_while_the_editor_is_open_survives_its_save(
        tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(RELAY)
    store = ProfileStore(tmp_path)
    app = Host(lambda: ProfileEditor(store, store.get("Relay")))
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, ProfileEditor)
        carol_edits(path, "2525")
        await type_into(pilot, "#field-helo", "probe.example.com")
        await pilot.press("ctrl+s")
        await pilot.pause()
    text = path.read_text()
    assert 'helo = "probe.example.com"' in text
    assert "port = 2525  # Carol" in text and 'notes = "Carol was here"' in text
    assert "extra = 1" in text and "timeout = 0.1234567" in text
    [saved] = app.results
    assert saved is not None and saved.port == 2525


@aio
async def test_a_field_changed_in_the_form_and_in_the_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "relay.toml"
    path.write_text(RELAY)
    store = ProfileStore(tmp_path)
    app = Host(lambda: ProfileEditor(store, store.get("Relay")))
    async with app.run_test(size=SIZE) as pilot:
        editor = app.screen
        assert isinstance(editor, ProfileEditor)
        carol_edits(path, "2525")
        before = path.read_bytes()
        await type_into(pilot, "#field-port", "587")
        await pilot.press("ctrl+s")
        await pilot.pause()
        status = static_text(editor.query_one("#editor-status", Static))
        assert status.startswith("Not saved") and "port" in status
        assert app.screen is editor  # still open: the user's change is not lost either
    assert path.read_bytes() == before

"""The app against a server with a hostile certificate: its transcript, the inspector's
certificate facts, the saved transcript and the history file hold nothing raw."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from smtptui.store.history import History
from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.widgets.inspector import CapabilityInspector
from tests.fixtures.scripted import Peer, standard
from tests.reliability.outside import raw_points
from tests.tui.apphelp import aio, make_profiles, text_of, until

CERT_HOSTILE = "\x1b]0;pwned\x07|\x1b]52;c;aGk=\x07|\x9b2J|\u202eevil\u200b|\u2028"
SHOWN = "\\x1b]0;pwned\\x07|\\x1b]52;c;aGk=\\x07|\\x9b2J|\\u202eevil\\u200b|\\u2028"


@aio
async def test_certificate_fields_in_the_app_transcript_inspector_and_files(
        tmp_path: Path, scripted: Any, certs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    context = certs.hostile_context(CERT_HOSTILE)

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=("250-test.example", "250 STARTTLS"), tls=context)

    server = scripted(handler)
    make_profiles(tmp_path / "profiles", server.port, tls="required", verify=False)
    monkeypatch.chdir(tmp_path)
    app = SmtpTuiApp(tmp_path / "profiles", open_profile="alpha",
                     history=History(tmp_path / "history"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("r")
        await until(pilot, lambda: app.phase == "done", "the end of the session")
        text = text_of(app)
        assert raw_points(text) == [] and f"CN=cn{SHOWN}" in text
        await pilot.press("i")
        await pilot.pause()
        inspector = app.query_one(CapabilityInspector)
        content = inspector.query_one("#caps-tls", Static).content
        tls = getattr(content, "plain", str(content))
        assert raw_points(tls) == [] and f"CN=cn{SHOWN}" in tls
        await pilot.press("i", "ctrl+s")
        await pilot.pause()
    [saved] = tmp_path.glob("smtptui-alpha-*.txt")
    saved_text = saved.read_text(encoding="utf-8")
    assert raw_points(saved_text) == [] and f"CN=cn{SHOWN}" in saved_text
    [kept] = (tmp_path / "history").glob("alpha_*/*.log")
    kept_text = kept.read_text(encoding="utf-8")
    assert raw_points(kept_text) == [] and f"CN=cn{SHOWN}" in kept_text


@aio
async def test_the_sidebar_shows_a_hostile_host_visibly(tmp_path: Path) -> None:
    """A profile file's host with a bidi override (refused when run, but shown in the list
    first) and a name with a zero-width joiner (allowed in names): shown escaped."""
    (tmp_path / "relay.toml").write_text('name = "relay\u200d"\nhost = "\u202eevil.example"\n')
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=(80, 24)):
        shown = app.sidebar.option_text(0)
        assert raw_points(shown) == []
        assert shown == "SMART relay\\u200d\n\\u202eevil.example:25"


@aio
async def test_every_notification_of_the_app_is_visible(tmp_path: Path) -> None:
    """Notifications quote profile and file names, paths and errors: the app's notify
    passes them all through the text rule (an OSError naming a path, say)."""
    app = SmtpTuiApp(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        app.notify(f"not saved: {OSError(13, 'Permission denied', CERT_HOSTILE)}",
                   title="\u202eeliforp", markup=False)
        await pilot.pause()
        [note] = list(app._notifications)
        assert raw_points(note.message + note.title) == []
        assert "\\x1b]0;pwned" in note.message and note.title == "\\u202eeliforp"

"""Helpers for the workbench's Pilot tests: profiles on a loopback server, waiting, masking."""

from __future__ import annotations

import asyncio
import functools
import re
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from smtptui.store.profiles import Profile, ProfileStore
from smtptui.tui.app import SmtpTuiApp

SIZE = (80, 24)
MESSAGE = b"From: <a@example.com>\r\nTo: <b@example.net>\r\nSubject: hi\r\n\r\nhello\r\n"


def aio(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async test in a fresh event loop."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


async def until(pilot: Pilot[Any], ready: Callable[[], bool], what: str = "") -> None:
    """Let the app work until ``ready()`` (a guard against hanging, not a timed assertion)."""
    for _ in range(600):
        if ready():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"never happened: {what}")


def scrub(text: str) -> str:
    """Mask what changes from run to run: port numbers, transfer rates, the banner's delay."""
    text = re.sub(r"(127\.0\.0\.1):\d+", r"\1:PORT", text)
    text = re.sub(r"port \d+", "port PORT", text)
    text = re.sub(r"came after [\d.]+ s", "came after 0.00 s", text)
    return re.sub(r"in [\d.]+ s \([\d.]+ MB/s\)", "in 0.00 s (0.0 MB/s)", text)


def make_profiles(folder: Path, port: int, **changes: Any) -> ProfileStore:
    """A store with "alpha" (a whole session to 127.0.0.1:port) and "beta" (the same)."""
    store = ProfileStore(folder)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "message.eml").write_bytes(MESSAGE)
    for name in ("alpha", "beta"):
        fields: dict[str, Any] = {
            "name": name, "host": "127.0.0.1", "port": port, "helo": "client.example",
            "sender": "a@example.com", "recipients": ["b@example.net"], "eml": "message.eml",
            "tls": "off", "timeout": 10.0}
        fields.update(changes)
        store.save(Profile(**fields))
    return store


def text_of(app: SmtpTuiApp) -> str:
    return app.transcript.visible_text()



def screen_lines(app: Any) -> list[str]:
    """The screen as the user reads it: one string per row (as composed, after a refresh)."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def lines_of(app: Any, widget: Any) -> list[str]:
    """The rows of the screen that ``widget`` covers, cut to its columns."""
    region = widget.region
    return [line[region.x:region.right] for line in screen_lines(app)[region.y:region.bottom]]

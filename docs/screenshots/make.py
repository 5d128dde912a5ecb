"""Make the SVG screenshots of docs/usage.md: real sessions against the demo server, via Pilot.

Run from the repository: ``python docs/screenshots/make.py``. Every SVG in this folder is
written again by Textual itself (``App.save_screenshot``). Nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from smtptui.tui.demo import DEMO_PROFILE, DemoServer
from smtptui.store.history import History
from smtptui.tui.app import SmtpTuiApp

HERE = Path(__file__).resolve().parent
WIDE, NARROW = (120, 40), (80, 24)
Script = Callable[[Pilot[Any], SmtpTuiApp], Awaitable[None]]


async def settle(pilot: Pilot[Any], app: SmtpTuiApp, *phases: str) -> None:
    """Let the session work until it is in one of ``phases``."""
    for _ in range(400):
        if app.phase in phases:
            await pilot.pause(0.2)
            return
        await pilot.pause(0.05)
    raise RuntimeError(f"the app never reached {phases}; it is {app.phase}")


async def finished(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("r")
    await settle(pilot, app, "done")


async def stepping(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("s")
    await settle(pilot, app, "waiting")
    await pilot.press("s")
    await pilot.pause(0.2)
    await settle(pilot, app, "waiting")


async def editing(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await stepping(pilot, app)
    await pilot.press("e", "ctrl+u", *"MAIL FROM:<someone.else@example.com>")
    await pilot.pause(0.2)


async def manual(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("m", *"NOOP", "enter")
    await settle(pilot, app, "waiting")
    await pilot.press(*"VRFY bob", "enter")
    await pilot.pause(0.3)
    await settle(pilot, app, "waiting")
    await pilot.press(*"HELP")


async def unfolded_raw(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await finished(pilot, app)
    await pilot.press("f", "v")
    await pilot.pause(0.2)


async def run_to(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("t")
    await pilot.pause(0.2)
    await pilot.press("down", "down", "down", "down")


async def refused(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("p", *"unknown", "enter", "r")
    await settle(pilot, app, "done")


async def explained(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await refused(pilot, app)
    for _ in range(app.transcript.cursor):
        line = app.transcript.selected
        if line is not None and line.text.startswith("550 "):
            break
        await pilot.press("up")


async def narrow_inspector(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await finished(pilot, app)
    await pilot.press("i")


async def sidebar(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("p", *"demo-u")


async def help_screen(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("question_mark")


async def palette(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("ctrl+p", *"session")
    await pilot.pause(0.5)


async def editor(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("p", "ctrl+e")


async def delete(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await pilot.press("p", "down", "delete")


async def history(pilot: Pilot[Any], app: SmtpTuiApp) -> None:
    await finished(pilot, app)
    await pilot.press("ctrl+r")
    await settle(pilot, app, "waiting")
    await pilot.press("x")
    await settle(pilot, app, "done")
    await pilot.press("ctrl+o")


SHOTS: dict[str, tuple[tuple[int, int], Script]] = {
    "main-120x40": (WIDE, finished),
    "main-80x24": (NARROW, finished),
    "stepping": (WIDE, stepping),
    "edit": (WIDE, editing),
    "manual": (WIDE, manual),
    "raw-unfolded": (WIDE, unfolded_raw),
    "run-to": (WIDE, run_to),
    "refused": (WIDE, refused),
    "explain": (WIDE, explained),
    "diagnosis-80x24": (NARROW, refused),
    "inspector-80x24": (NARROW, narrow_inspector),
    "sidebar": (NARROW, sidebar),
    "help": (WIDE, help_screen),
    "palette": (WIDE, palette),
    "editor": (WIDE, editor),
    "delete": (NARROW, delete),
    "history": (WIDE, history),
}


def fixed_port() -> int:
    """2525 when it is free (stable pictures), else any free port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio's listener
        try:
            probe.bind(("127.0.0.1", 2525))
        except OSError:
            return 0
    return 2525


async def shoot(name: str, size: tuple[int, int], script: Script) -> Path:
    with DemoServer(port=fixed_port()) as demo:
        app = SmtpTuiApp(demo.profiles_dir, open_profile=DEMO_PROFILE,
                         history=History(demo.profiles_dir.parent / "history"))
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.2)
            await script(pilot, app)
            await pilot.pause(0.3)
            return Path(app.save_screenshot(f"{name}.svg", str(HERE)))


async def main(names: list[str]) -> None:
    for name in names or list(SHOTS):
        size, script = SHOTS[name]
        path = await shoot(name, size, script)
        print(path.relative_to(HERE.parent.parent))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1:]))

"""The first screen needs neither the engine's session machinery nor tomlkit: they are
imported when first used, so that `smtptui` opens fast."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

#: Modules that the first screen must not import (each costs start-up time).
NOT_AT_START = ("tomlkit", "json", "smtptui.net.runner", "smtptui.smtp.client",
                "smtptui.smtp.transcript", "smtptui.store.history", "smtptui.knowledge.lines",
                "smtptui.knowledge.keywords", "textual.widgets._data_table",
                "textual.widgets._progress_bar", "aiosmtpd")


def test_the_first_screen_imports_only_what_it_shows(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import asyncio, sys
        from pathlib import Path
        from smtptui.store.profiles import seed_examples
        from smtptui.tui.app import SmtpTuiApp
        from smtptui.tui.startup import LazyHistory

        async def main():
            seed_examples(Path({str(tmp_path)!r}))
            app = SmtpTuiApp(Path({str(tmp_path)!r}), history=LazyHistory())
            async with app.run_test(size=(120, 40)) as pilot:
                await pilot.pause()
                assert "seed-walkthrough" in app.sidebar.option_text(2)
                await pilot.press("ctrl+q")
            print(" ".join(sorted(m for m in {NOT_AT_START!r} if m in sys.modules)))

        asyncio.run(main())
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_history_is_made_when_first_used(tmp_path: Path) -> None:
    from smtptui.tui.startup import LazyHistory

    history = LazyHistory(tmp_path)
    history.record("alpha", ["   0.000 === hello"], '{"outcome": "delivered", "exit_code": 0}')
    [entry] = history.list("alpha")
    assert "hello" in history.read(entry)

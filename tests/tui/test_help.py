"""The help screen of the workbench: every key, grouped by where it applies, readable whole at
80x24 and 120x40 (descriptions wrap; nothing needs a sideways scroll)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.screens.help import HelpScreen
from tests.tui.apphelp import aio, make_profiles


def help_lines(screen: HelpScreen) -> list[str]:
    """The help text as laid out in its box, line by line."""
    text = screen.query_one("#help-text", Static)
    lines = [text.render_line(y) for y in range(text.size.height)]
    return ["".join(segment.text for segment in strip).rstrip() for strip in lines]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@aio
async def test_help_lists_every_key_grouped_and_whole(tmp_path: Path, smtpd: Any,
                                                      size: tuple[int, int]) -> None:
    make_profiles(tmp_path, smtpd().port)
    app = SmtpTuiApp(tmp_path, open_profile="alpha")
    async with app.run_test(size=size) as pilot:
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, HelpScreen)
        groups: dict[str, dict[str, str]] = {}
        for group, key, what in screen.entries:
            groups.setdefault(group, {})[key] = what
        # Each key under where it applies, so that "esc" and "⏎" say where they do what.
        assert list(groups)[0] == "Anywhere"
        assert groups["Profiles list"]["⏎"] == "Open"
        assert groups["Profiles list"]["esc"].startswith("Back")
        assert groups["Step bar (editing)"]["esc"].startswith("Cancel")
        assert groups["Main screen"]["x, esc"].startswith("Stop")
        assert groups["Main screen"]["s, ⏎"].startswith("Step")
        assert groups["Anywhere"]["f5"].startswith("Reload")
        # The keys that Textual's own widgets provide are listed too.
        assert "←, →" not in groups["Transcript"]  # long lines wrap: nothing to scroll to
        assert groups["Main screen"]["tab, shift+tab"].startswith("Move the focus")
        assert groups["Step bar (editing)"]["⏎"].startswith("Send")
        assert groups["Run-to list (t)"]["⏎"].startswith("Run until")
        assert groups["Run-to list (t)"]["esc"] == "Cancel"
        # Laid out in the box: headings, and every description whole (wrapped if need be).
        box = screen.query_one("#help-box")
        assert box.outer_size.width == min(size[0], 100)
        scroll = screen.query_one("#help-scroll")
        assert scroll.max_scroll_x == 0  # nothing hidden to the right
        lines = help_lines(screen)
        text = " ".join(" ".join(line.split()) for line in lines)
        for heading in groups:
            assert heading in lines
        stop = "Stop: Stop the session now (a stuck server is abandoned at once)"
        assert stop in text
        assert "Profiles: Go to the profiles list (type to filter, enter to open)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)

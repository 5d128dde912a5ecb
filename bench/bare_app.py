"""The baseline of the TUI start-up benchmark: a bare Textual app painting one label."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import Label

MARKER = "bare textual app ready"


class BareApp(App[None]):
    """One Label, nothing else."""

    def compose(self) -> ComposeResult:
        yield Label(MARKER)


if __name__ == "__main__":
    BareApp().run()

"""DataProgress: the progress bar of a DATA transfer (octets sent, the total, the rate)."""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from smtptui.engine.transcript import Progress


class DataProgress(Horizontal):
    """The progress of a DATA transfer: a bar, the octets sent of the total, and the rate."""

    #: At most this many screen updates a second, however small the chunks.
    RATE = 20

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._last = 0.0
        self.summary = ""

    def compose(self) -> ComposeResult:
        yield Label("DATA", id="data-progress-title")
        yield ProgressBar(show_eta=False, id="data-progress-bar")
        yield Label("", id="data-progress-label")

    def show_progress(self, item: Progress) -> None:
        """Show one Progress report (shown while the transfer runs, hidden at its end)."""
        done = item.sent >= item.total
        self.display = not done
        now = time.monotonic()
        if done or now - self._last < 1 / self.RATE:
            return
        self._last = now
        self.query_one(ProgressBar).update(total=item.total or 1, progress=item.sent)
        rate = f"{item.sent / item.elapsed / 1e6:.1f} MB/s" if item.elapsed > 0 else ""
        self.summary = f"{item.sent:,} / {item.total:,} octets {rate}"
        self.query_one("#data-progress-label", Label).update(Text(self.summary))

"""DataProgress: the progress bar of a DATA transfer (octets sent, the total, the rate)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Horizontal
from textual.widgets import Label

if TYPE_CHECKING:
    from textual.widgets import ProgressBar

    from smtptui.smtp.transcript import Progress


class DataProgress(Horizontal):
    """The progress of a DATA transfer: a bar, the octets sent of the total, and the rate.

    Hidden until a transfer reports progress; its bar and labels are built then, so that a
    start-up (and every session without a long DATA part) does without them.
    """

    #: At most this many screen updates a second, however small the chunks.
    RATE = 20

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.display = False
        self._last = 0.0
        self.summary = ""
        self._bar: ProgressBar | None = None
        self._label: Label | None = None

    def _parts(self) -> tuple[ProgressBar, Label]:
        """The bar and the label, built on the first report."""
        if self._bar is None or self._label is None:
            from textual.widgets import ProgressBar

            self._bar = ProgressBar(show_eta=False, id="data-progress-bar")
            self._label = Label("", id="data-progress-label")
            self.mount(Label("DATA", id="data-progress-title"), self._bar, self._label)
        return self._bar, self._label

    def show_progress(self, item: Progress) -> None:
        """Show one Progress report (shown while the transfer runs, hidden at its end)."""
        done = item.sent >= item.total
        self.display = not done
        now = time.monotonic()
        if done or now - self._last < 1 / self.RATE:
            return
        self._last = now
        bar, label = self._parts()
        bar.update(total=item.total or 1, progress=item.sent)
        rate = f"{item.sent / item.elapsed / 1e6:.1f} MB/s" if item.elapsed > 0 else ""
        self.summary = f"{item.sent:,} / {item.total:,} octets {rate}"
        label.update(Text(self.summary))

"""The transcript's rows in memory: one Entry per line, DataBlocks that fold (no UI here)."""

from __future__ import annotations

from smtptui.engine.transcript import Event
from smtptui.tui.line_explain import SelectedLine

#: A DATA part longer than this many lines is folded to one summary line.
FOLD_MIN_LINES = 6


class Entry:
    """One transcript line, as kept in memory (small: slots, shared strings)."""

    __slots__ = ("block", "kind", "latency", "marker", "stage", "t", "text", "tls")

    def __init__(self, event: Event, block: DataBlock | None = None) -> None:
        self.t = event.t
        self.kind = event.kind
        self.stage = event.stage
        self.text = event.text.expandtabs(8)
        self.tls = event.tls
        self.marker = event.marker
        self.block = block
        self.latency: float | None = None

    def raw(self) -> str:
        """The line as `smtptui run` prints it."""
        return f"{self.t:8.3f} {self.marker:<3} {self.text}"


class DataBlock:
    """The message lines of one DATA transfer, which fold to a summary line."""

    __slots__ = ("closed", "entries", "octets", "start_row")

    def __init__(self) -> None:
        self.entries: list[Entry] = []
        self.octets: int | None = None
        self.closed = False
        self.start_row = 0

    @property
    def foldable(self) -> bool:
        """Long enough to fold."""
        return len(self.entries) > FOLD_MIN_LINES

    def summary(self, folded: bool) -> str:
        """The summary line's text."""
        size = f", {self.octets:,} octets on the wire" if self.octets is not None else ""
        more = "" if self.closed else " so far"
        if folded:
            return f"▸ message: {len(self.entries)} lines{more}{size} (f to unfold)"
        return f"▾ message: {len(self.entries)} lines{more}{size} (f to fold)"


Row = Entry | DataBlock


def selected_line(row: Row, folded: bool) -> SelectedLine:
    """What the Selected message says about a row."""
    if isinstance(row, DataBlock):
        return SelectedLine("fold", "dot", row.summary(folded))
    return SelectedLine(row.kind, row.stage, row.text, row.marker)


def latency_text(seconds: float | None) -> str:
    """At most five columns: 2.6ms, 48ms, 1.2s, 300s."""
    if seconds is None:
        return ""
    if seconds < 0.0095:
        return f"{seconds * 1000:.1f}ms"
    if seconds < 0.9995:
        return f"{seconds * 1000:.0f}ms"
    if seconds < 9.95:
        return f"{seconds:.1f}s"
    return f"{seconds:.0f}s"

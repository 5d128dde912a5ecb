"""The transcript view: a virtualised, bounded log of the session with a direction gutter."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.cache import LRUCache
from textual.containers import Horizontal
from textual.geometry import Size
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Label, ProgressBar

from smtptui.engine.transcript import Event, Progress

#: A DATA part longer than this many lines is folded to one summary line.
FOLD_MIN_LINES = 6
#: The most lines kept; beyond it the oldest tenth is dropped (memory stays bounded).
MAX_LINES = 200_000
_TIME_WIDTH = 14  # "%7.3f", the latency column and spaces


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


class TranscriptView(ScrollView, can_focus=True):
    """Each line with its time, a direction marker and colours; server text is plain text.

    ``raw`` shows the interleaved form `smtptui run` prints; ``fold`` folds long DATA parts.
    ``scrub`` (a text filter) is applied to every line shown, e.g. to mask port numbers.
    """

    COMPONENT_CLASSES = {
        "transcript--time", "transcript--send", "transcript--recv", "transcript--info",
        "transcript--error", "transcript--marker-send", "transcript--marker-recv",
        "transcript--marker-info", "transcript--marker-error", "transcript--tls",
        "transcript--latency", "transcript--fold",
    }

    raw: var[bool] = var(False)
    fold: var[bool] = var(True)

    def __init__(self, *, max_lines: int = MAX_LINES, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.max_lines = max_lines
        self.scrub: Callable[[str], str] | None = None
        self._entries: list[Entry] = []
        self._rows: list[Row] = []
        self._block: DataBlock | None = None
        self._last_block: DataBlock | None = None
        self._by_stage: dict[str, Entry] = {}
        self._width = 0
        self._cache: LRUCache[int, Strip] = LRUCache(1024)
        self._flush_pending = False
        self._follow = True
        self._scroll_target: int | None = None
        self.dropped = 0

    # -- what the app calls ---------------------------------------------------------------

    @property
    def line_count(self) -> int:
        """How many lines the transcript holds (folded ones included)."""
        return len(self._entries)

    def clear(self) -> None:
        """Forget everything (a new session)."""
        self._entries.clear()
        self._rows.clear()
        self._block = self._last_block = None
        self._by_stage.clear()
        self._width = 0
        self.dropped = 0
        self._cache.clear()
        self._follow = True
        self.scroll_to(0, 0, animate=False)
        self._schedule_flush()

    def add_event(self, event: Event) -> None:
        """Append one line; the message lines of a DATA transfer form a foldable block."""
        in_data = (event.stage == "dot" and event.kind in ("send", "info")
                   and not (event.kind == "send" and event.text == "."))
        if self._block is not None and not in_data:
            self._block.closed = True
            self._block = None
        if in_data and event.kind == "send" and self._block is None:
            self._block = self._last_block = DataBlock()
        block = self._block if in_data else None
        entry = Entry(event, block)
        self._entries.append(entry)
        self._by_stage[entry.stage] = entry
        self._width = max(self._width, _TIME_WIDTH + 4 + cell_len(entry.text))
        if block is None:
            self._rows.append(entry)
        else:
            block.entries.append(entry)
            self._retail_block(block)
        if len(self._entries) > self.max_lines:
            self._prune()
        self._schedule_flush()

    def add_latency(self, stage: str, seconds: float) -> None:
        """Show how long a stage took, on its last line."""
        entry = self._by_stage.get(stage)
        if entry is None:
            return
        entry.latency = seconds
        self._cache.clear()
        self._schedule_flush()

    def set_data_size(self, octets: int) -> None:
        """The size of the message on the wire, for the DATA summary line."""
        if self._last_block is not None and self._last_block.octets != octets:
            self._last_block.octets = octets
            if self.fold and self._last_block.foldable:
                self._cache.clear()
                self._schedule_flush()

    def plain_lines(self) -> Iterator[str]:
        """Every line in the raw form (folded ones too), for saving."""
        for entry in self._entries:
            yield entry.raw()

    def visible_text(self) -> str:
        """The rows as shown now, as plain text (for tests and screen readers)."""
        return "\n".join(self._row_text(row).plain for row in self._rows)

    # -- the model -------------------------------------------------------------------------

    def _retail_block(self, block: DataBlock) -> None:
        """Lay out the open block again at the tail of the rows."""
        if len(block.entries) == 1:
            block.start_row = len(self._rows)
        else:
            del self._rows[block.start_row:]
        self._rows.extend(self._block_rows(block))
        for y in range(block.start_row, len(self._rows)):
            self._cache.discard(y)

    def _block_rows(self, block: DataBlock) -> list[Row]:
        if not block.foldable:
            return list(block.entries)
        return [block] if self.fold else [block, *block.entries]

    def _rebuild(self) -> None:
        rows: list[Row] = []
        seen: set[int] = set()
        for entry in self._entries:
            block = entry.block
            if block is None:
                rows.append(entry)
            elif id(block) not in seen:
                seen.add(id(block))
                block.start_row = len(rows)
                rows.extend(self._block_rows(block))
        self._rows = rows
        self._cache.clear()

    def _prune(self) -> None:
        drop = max(1, self.max_lines // 10)
        del self._entries[:drop]
        self.dropped += drop
        first = self._entries[0] if self._entries else None
        if first is not None and first.block is not None:
            del first.block.entries[: first.block.entries.index(first)]
        self._rebuild()

    def watch_fold(self, fold: bool) -> None:
        self._rebuild()
        block = self._last_block
        if not fold and block is not None and block.foldable:
            self._follow = False
            self._scroll_target = block.start_row
        self._schedule_flush()

    def watch_raw(self) -> None:
        self._cache.clear()
        self._schedule_flush()

    # -- refresh ---------------------------------------------------------------------------

    def _schedule_flush(self) -> None:
        if not self._flush_pending:
            self._flush_pending = True
            self.call_later(self._flush)

    def _flush(self) -> None:
        self._flush_pending = False
        self.virtual_size = Size(self._width, len(self._rows))
        if self._scroll_target is not None:
            self.scroll_to(y=self._scroll_target, animate=False)
            self._scroll_target = None
        elif self._follow:
            self.scroll_end(animate=False, x_axis=False)
        self.refresh()

    def on_resize(self) -> None:
        self._cache.clear()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self._follow = new_value >= self.max_scroll_y

    # -- rendering -------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"transcript--{name}", partial=True)

    def _clean(self, text: str) -> str:
        return self.scrub(text) if self.scrub is not None else text

    def _row_text(self, row: Row) -> Text:
        if isinstance(row, DataBlock):
            text = Text(" " * (_TIME_WIDTH + 4), no_wrap=True, end="")
            text.append(row.summary(self.fold), self._style("fold"))
            return text
        if self.raw:
            return Text(self._clean(row.raw()), no_wrap=True, end="")
        kind = row.kind if row.kind in ("send", "recv", "error") else "info"
        text = Text(no_wrap=True, end="")
        text.append(f"{row.t:7.3f} ", self._style("time"))
        text.append(f"{_latency(row.latency):>5} ", self._style("latency"))
        marker = self._style(f"marker-{kind}")
        if row.tls:
            marker += self._style("tls")
        text.append(f"{row.marker:<3}", marker)
        text.append(" ")
        text.append(self._clean(row.text), self._style(kind))
        return text

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        strip = self._cache.get(index)
        if strip is None:
            row = self._rows[index]
            text = self._row_text(row)
            text.stylize_before(base)
            strip = Strip(text.render(self.app.console), text.cell_len)
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)


def _latency(seconds: float | None) -> str:
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

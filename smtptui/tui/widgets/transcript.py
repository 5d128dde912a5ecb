"""TranscriptView: the session's lines, virtualised and bounded, with a gutter and a cursor."""

from __future__ import annotations

from array import array
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from smtptui.tui.widgets.data_progress import DataProgress
from smtptui.tui.widgets.transcript_rows import (
    FOLD_MIN_LINES,
    KIND,
    LATENCY,
    MARKER,
    TEXT,
    TLS,
    SelectedLine,
    T,
    TranscriptLines,
    latency_text,
    raw_text,
    selected_line,
    selected_summary,
)

if TYPE_CHECKING:
    from smtptui.smtp.transcript import Event

__all__ = ["FOLD_MIN_LINES", "MAX_LINES", "DataProgress", "TranscriptView"]
#: The most lines kept; beyond it the oldest tenth is dropped (memory stays bounded).
MAX_LINES = 200_000
#: The painted rows kept for scrolling back and forth.
CACHED_ROWS = 256
_TIME_WIDTH = 14  # "%7.3f", the latency column and spaces


class TranscriptView(ScrollView, can_focus=True):
    """Each line with its time, a direction marker and colours; server text is plain text.

    ``raw`` shows the interleaved form `smtptui run` prints; ``fold`` folds long DATA parts.
    ``scrub`` (a text filter) is applied to every line shown, e.g. to mask port numbers.
    A cursor selects one line (the keys move it and the view follows it); on the last line it
    follows new lines. Each time it lands on another line, a Selected message says which.
    """

    HELP_GROUP = "Transcript"
    BINDINGS = [
        Binding(key, action, label, show=False, id=f"transcript.{name}")
        for key, action, label, name in (
            ("up", "cursor(-1)", "Select the line above", "cursor_up"),
            ("down", "cursor(1)", "Select the line below", "cursor_down"),
            ("pageup", "cursor_page(-1)", "Select a page up", "cursor_page_up"),
            ("pagedown", "cursor_page(1)", "Select a page down", "cursor_page_down"),
            ("home", "cursor_home", "Select the first line", "cursor_home"),
            ("end", "cursor_end", "Select the last line (it follows new lines)", "cursor_end"),
        )
    ]

    class Selected(Message):
        """The cursor is on another line (``line`` is None when the transcript is empty)."""

        def __init__(self, view: TranscriptView, line: SelectedLine | None) -> None:
            super().__init__()
            self.view = view
            self.line = line

        @property
        def control(self) -> TranscriptView:
            """The view whose cursor moved."""
            return self.view

    COMPONENT_CLASSES = {
        "transcript--time", "transcript--send", "transcript--recv", "transcript--info",
        "transcript--error", "transcript--marker-send", "transcript--marker-recv",
        "transcript--marker-info", "transcript--marker-error", "transcript--tls",
        "transcript--latency", "transcript--fold", "transcript--cursor",
    }

    raw: var[bool] = var(False)
    fold: var[bool] = var(True)

    def __init__(self, *, max_lines: int = MAX_LINES, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.scrub: Callable[[str], str] | None = None
        self._model = TranscriptLines(max_lines)
        # Row -> (scroll_x, width, the strip as painted): a few screens' worth, because a
        # painted Strip carries a dozen objects the garbage collector has to scan.
        self._cache: LRUCache[int, tuple[int, int, Strip]] = LRUCache(CACHED_ROWS)
        self._flush_pending = False
        self._follow = True
        self._scroll_target: int | None = None
        self._cursor: int | None = None  # None: on the last row, following new ones
        self._cursor_row: int | None = None  # the row under a cursor that does not follow
        self._selected: SelectedLine | None = None

    # -- what the app calls ---------------------------------------------------------------

    @property
    def max_lines(self) -> int:
        """The most lines kept."""
        return self._model.max_lines

    @property
    def dropped(self) -> int:
        """How many of the oldest lines were dropped to keep at most max_lines."""
        return self._model.dropped

    @property
    def line_count(self) -> int:
        """How many lines the transcript holds (folded ones included)."""
        return len(self._model.lines)

    @property
    def row_count(self) -> int:
        """How many rows the view has (a folded block is one)."""
        return len(self._model.rows)

    @property
    def _rows(self) -> array[int]:
        return self._model.rows

    def clear(self) -> None:
        """Forget everything (a new session)."""
        self._model.clear()
        self._cache.clear()
        self._follow = True
        self._cursor = self._cursor_row = None
        self.scroll_to(0, 0, animate=False)
        self._schedule_flush()

    def add_event(self, event: Event) -> None:
        """Append one line; the message lines of a DATA transfer form a foldable block."""
        self.add_line(event.t, event.kind, event.stage, event.text, event.tls, event.marker)

    def add_line(self, t: float, kind: str, stage: str, text: str, tls: bool = False,
                 marker: str = "===") -> None:
        """Append one line (what add_event does, from the fields of an Event)."""
        changed = self._model.add(t, kind, stage, text, tls, marker, self.fold)
        if changed.pruned:
            self._cache.clear()
            self._relocate(0)
        elif changed.relaid_from is not None:
            for y in range(changed.relaid_from, len(self._rows)):
                self._cache.discard(y)
            if self._cursor is not None and self._cursor >= changed.relaid_from:
                self._relocate(changed.relaid_from)
        elif changed.repaint is not None:
            self._cache.discard(changed.repaint)
        self._schedule_flush()

    def add_latency(self, stage: str, seconds: float) -> None:
        """Show how long a stage took, on its last line."""
        if self._model.set_latency(stage, seconds):
            self._cache.clear()
            self._schedule_flush()

    def set_data_size(self, octets: int, lines: int | None = None) -> None:
        """The size of the message on the wire and its number of lines (the transcript keeps
        only its first lines), for the DATA summary line."""
        block = self._model.last_block
        if block is not None and (block.octets, block.total) != (octets, lines):
            block.octets, block.total = octets, lines
            if block.foldable:
                self._cache.clear()
                self._schedule_flush()

    def plain_lines(self) -> Iterator[str]:
        """Every line in the raw form (folded ones too), for saving."""
        for line in self._model.lines:
            yield raw_text(line)

    def visible_text(self) -> str:
        """The rows as shown now, as plain text (for tests and screen readers)."""
        return "\n".join(self._row_text(row).plain for row in self._rows)

    @property
    def cursor(self) -> int:
        """The row under the cursor (-1 when there is none)."""
        return len(self._rows) - 1 if self._cursor is None else self._cursor

    @property
    def selected(self) -> SelectedLine | None:
        """The line under the cursor."""
        index = self.cursor
        if index < 0:
            return None
        row = self._rows[index]
        if row < 0:
            return selected_summary(self._model.block_of(row), self.fold)
        model = self._model
        return selected_line(model.line(row), model.line(row - 1) if row > model.dropped
                             else None)

    def move_cursor(self, row: int, *, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped); on the last row it follows new lines."""
        last = len(self._rows) - 1
        if last < 0:
            return
        row = max(0, min(row, last))
        if row == self.cursor:
            if scroll:
                self._show_cursor()
            return
        if row == last:
            self._cursor = self._cursor_row = None
        else:
            self._cursor, self._cursor_row = row, self._rows[row]
        self.virtual_size = self._virtual_size()
        if scroll:
            self._show_cursor()
        self.refresh()
        self._report()

    def action_cursor(self, lines: int) -> None:
        """Move the cursor this many lines (negative: up)."""
        self.move_cursor(self.cursor + lines)

    def action_cursor_page(self, pages: int) -> None:
        """Move the cursor this many pages (negative: up)."""
        self.move_cursor(self.cursor + pages * max(1, self.scrollable_content_region.height - 1))

    def action_cursor_home(self) -> None:
        """The first line."""
        self.move_cursor(0)

    def action_cursor_end(self) -> None:
        """The last line: the cursor follows new lines again."""
        self.move_cursor(len(self._rows) - 1)
        self._follow = True

    # -- the rows changed -----------------------------------------------------------------

    def _virtual_size(self) -> Size:
        return Size(_TIME_WIDTH + 4 + self._model.width, len(self._rows))

    def _relocate(self, start: int) -> None:
        """Find the cursor's row again after the rows changed from ``start`` on: a line folded
        away puts it on its summary line; a line dropped, on the first line."""
        if self._cursor_row is None:
            return
        found = self._model.find(self._cursor_row, start)
        if found >= len(self._rows) - 1:
            self._cursor = self._cursor_row = None
        else:
            self._cursor, self._cursor_row = found, self._rows[found]

    def watch_fold(self, fold: bool) -> None:
        self._model.relayout(fold)
        self._cache.clear()
        self._relocate(0)
        block = self._model.last_block
        if not fold and block is not None and block.foldable:
            self._follow = False
            self._scroll_target = block.start_row
            if block.start_row < len(self._rows) - 1:
                self._cursor, self._cursor_row = block.start_row, block.row
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
        self.virtual_size = self._virtual_size()
        if self._scroll_target is not None:
            self.scroll_to(y=self._scroll_target, animate=False)
            self._scroll_target = None
        elif self._follow:
            self.scroll_end(animate=False, x_axis=False)
        self.refresh()
        self._report()

    def _report(self) -> None:
        """Post Selected when the line under the cursor is another one."""
        selected = self.selected
        if selected != self._selected:
            self._selected = selected
            self.post_message(self.Selected(self, selected))

    def _show_cursor(self) -> None:
        """Scroll just enough for the cursor's row to be in view."""
        row, top = self.cursor, round(self.scroll_y)
        height = max(1, self.scrollable_content_region.height)
        if self._cursor is None and self._follow:
            self.scroll_end(animate=False, x_axis=False, immediate=True)
        elif row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + height:
            self.scroll_to(y=row - height + 1, animate=False, immediate=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self.call_after_refresh(self._show_cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None:
            self.move_cursor(offset.y + round(self.scroll_y), scroll=False)

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

    def _row_text(self, row: int) -> Text:
        if row < 0:
            text = Text(" " * (_TIME_WIDTH + 4), no_wrap=True, end="")
            text.append(self._model.block_of(row).summary(self.fold), self._style("fold"))
            return text
        line = self._model.line(row)
        if self.raw:
            return Text(self._clean(raw_text(line)), no_wrap=True, end="")
        kind = line[KIND]
        if kind not in ("send", "recv", "error"):
            kind = "info"
        text = Text(no_wrap=True, end="")
        text.append(f"{line[T]:7.3f} ", self._style("time"))
        text.append(f"{latency_text(line[LATENCY]):>5} ", self._style("latency"))
        marker = self._style(f"marker-{kind}")
        if line[TLS]:
            marker += self._style("tls")
        text.append(f"{line[MARKER]:<3}", marker)
        text.append(" ")
        text.append(self._clean(line[TEXT]), self._style(kind))
        return text

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        base = self.rich_style
        if index >= len(self._rows):
            return Strip.blank(width, base)
        if index == self.cursor:
            return self._cursor_line(index, scroll_x, width, base)
        cached = self._cache.get(index)
        if cached is not None and cached[0] == scroll_x and cached[1] == width:
            return cached[2]
        text = self._row_text(self._rows[index])
        text.stylize_before(base)
        strip = Strip(text.render(self.app.console), text.cell_len).crop_extend(
            scroll_x, scroll_x + width, base).apply_offsets(scroll_x, index)
        self._cache[index] = (scroll_x, width, strip)
        return strip

    def _cursor_line(self, index: int, scroll_x: int, width: int, base: Style) -> Strip:
        """The row under the cursor, highlighted across the whole width (never cached)."""
        cursor = self._style("cursor")
        if self.app.no_color:
            cursor += Style(reverse=True)
        text = self._row_text(self._rows[index])
        text.stylize_before(base)
        text.stylize(cursor)
        strip = Strip(text.render(self.app.console), text.cell_len)
        return strip.crop_extend(scroll_x, scroll_x + width, base + cursor).apply_offsets(
            scroll_x, index)

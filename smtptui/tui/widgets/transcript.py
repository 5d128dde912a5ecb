"""TranscriptView: the session's lines, virtualised and bounded, with a gutter and a cursor."""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from itertools import accumulate
from typing import TYPE_CHECKING, cast

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
    STAGE,
    TEXT,
    TLS,
    SelectedLine,
    T,
    TranscriptLines,
    latency_text,
    raw_text,
    selected_line,
    selected_summary,
    wrap_starts,
)

if TYPE_CHECKING:
    from smtptui.smtp.transcript import Event

__all__ = ["FOLD_MIN_LINES", "MAX_LINES", "DataProgress", "TranscriptView"]
#: The most lines kept; beyond it the oldest tenth is dropped (memory stays bounded).
MAX_LINES = 200_000
#: The painted rows kept for scrolling back and forth.
CACHED_ROWS = 256
_TIME_WIDTH = 14  # "%7.3f", the latency column and spaces
#: The columns before a line's text: the time, the latency, the marker (gutter view); the
#: time and the marker (raw view, as `smtptui run` prints them).
GUTTER, RAW_GUTTER = _TIME_WIDTH + 4, 13
#: The narrowest text column: below it the lines are cut rather than wrapped to nothing.
MIN_TEXT_WIDTH = 8
#: How much longer the ``scrub`` filter may make a line (tests mask numbers with it).
_SCRUB_SLACK = 8


class TranscriptView(ScrollView, can_focus=True):
    """Each line with its time, a direction marker and colours; server text is plain text.

    A line longer than the view wraps under its time and marker (at a space when it can), so
    a reply or a note is read whole and the time column never scrolls away; nothing scrolls
    sideways. ``raw`` shows the interleaved form `smtptui run` prints (wrapped the same way);
    ``fold`` folds long DATA parts. ``scrub`` (a text filter) is applied to every line shown,
    e.g. to mask port numbers.

    A cursor selects one line (the keys move it and the view follows it); on the last line it
    follows new lines, and so does the view while it is at the end (scrolled away by the
    mouse, it stays put until it is back at the end). Each time the cursor lands on another
    line, a Selected message says which.
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
        # Row -> (width, the row's screen lines as painted): a few screens' worth, because a
        # painted Strip carries a dozen objects the garbage collector has to scan.
        self._cache: LRUCache[int, tuple[int, list[Strip]]] = LRUCache(CACHED_ROWS)
        # Where each row starts among the screen lines (a row wraps to one or more of them);
        # the last entry is the number of screen lines. Rows from ``_measured`` on are not
        # measured yet (they are, before anything is drawn or scrolled).
        self._starts: array[int] = array("q", [0])
        self._measured = 0
        self._text_width = 0  # the width the rows were measured for
        # (width, raw view) -> (lines dropped then, each line's screen lines at that width)
        self._heights: dict[tuple[int, bool], tuple[int, array[int]]] = {}
        self._flush_pending = False
        self._follow = True  # the view stays at the end as lines come
        self._scrolling = False  # a scroll of our own is being made: it decides nothing
        self._scroll_target: int | None = None  # a row to bring to the top at the next flush
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
    def screen_line_count(self) -> int:
        """How many screen lines the rows take, wrapped at the view's width."""
        self._layout()
        return self._starts[-1]

    def screen_lines_of(self, row: int) -> range:
        """The screen lines (counted from the top of the whole transcript) that a row takes."""
        self._layout()
        return range(self._starts[row], self._starts[row + 1])

    @property
    def following(self) -> bool:
        """Does the view stay at the end as new lines come?"""
        return self._follow

    @property
    def _rows(self) -> array[int]:
        return self._model.rows

    def clear(self) -> None:
        """Forget everything (a new session)."""
        self._model.clear()
        self._cache.clear()
        self._heights.clear()
        self._remeasure(0)
        self._follow = True
        self._scroll_target = None
        self._cursor = self._cursor_row = None
        self.virtual_size = self._virtual_size()
        self._scroll_self(0)
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
            self._remeasure(0)
            self._relocate(0)
        elif changed.relaid_from is not None:
            for y in range(changed.relaid_from, len(self._rows)):
                self._cache.discard(y)
            self._remeasure(changed.relaid_from)
            if self._cursor is not None and self._cursor >= changed.relaid_from:
                self._relocate(changed.relaid_from)
        elif changed.repaint is not None:
            self._cache.discard(changed.repaint)
            self._remeasure(changed.repaint)  # the summary grew: it may wrap to more lines
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
                self._remeasure(block.start_row)
                self._schedule_flush()

    def plain_lines(self) -> Iterator[str]:
        """Every line in the raw form (folded ones too), for saving."""
        for line in self._model.lines:
            yield raw_text(line)

    def visible_text(self) -> str:
        """The rows as shown now, one line each (unwrapped), as plain text (for tests and
        screen readers)."""
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
        """Put the cursor on ``row`` (clamped); on the last row it follows new lines, and the
        view with it; on any other, the view stays where the cursor is."""
        last = len(self._rows) - 1
        if last < 0:
            return
        row = max(0, min(row, last))
        self._follow = row == last
        if row == self.cursor:
            if scroll:
                self._show_cursor()
            return
        if row == last:
            self._cursor = self._cursor_row = None
        else:
            self._cursor, self._cursor_row = row, self._rows[row]
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
        """The last line: the cursor, and the view, follow new lines again."""
        self.move_cursor(len(self._rows) - 1)

    # -- the rows changed -----------------------------------------------------------------

    def _gutter_width(self) -> int:
        return RAW_GUTTER if self.raw else GUTTER

    def _wrap_width(self) -> int:
        """The text column's width: the view's, less the gutter (0 before it has a size)."""
        width = self.scrollable_content_region.width
        return max(width - self._gutter_width(), MIN_TEXT_WIDTH) if width > 0 else 0

    def _remeasure(self, row: int) -> None:
        """Rows from ``row`` on are to be measured again."""
        self._measured = min(self._measured, row)

    def _layout(self) -> None:
        """Measure the rows not measured yet (all of them when the width changed): how many
        screen lines each wraps to."""
        width = self._wrap_width() or 80
        if width != self._text_width:
            self._text_width = width
            self._measured = 0
            self._cache.clear()
            if self.is_mounted:  # the screen lines changed: the scroll bar and the end too
                self._schedule_flush()
        rows, starts = self._rows, self._starts
        if self._measured == len(rows) and len(starts) == len(rows) + 1:
            return
        start = min(self._measured, len(starts) - 1)
        del starts[start + 1:]
        model = self._model
        dropped, fold = model.dropped, self.fold
        lines = self._line_heights(width)
        heights = [lines[row - dropped] if row >= 0
                   else len(wrap_starts(model.block_of(row).summary(fold), width))
                   for row in rows[start:]]
        accumulated = accumulate(heights, initial=starts[start])
        next(accumulated)
        starts.extend(accumulated)
        self._measured = len(rows)

    def _line_heights(self, width: int) -> array[int]:
        """How many screen lines each line wraps to at ``width`` in this view (gutter or raw),
        kept for the last two (width, view) pairs: folding and unfolding, or switching views
        and back, measure nothing again."""
        raw = self.raw
        key = (width, raw)
        model = self._model
        kept = self._heights.get(key)
        if kept is None or kept[0] > model.dropped:
            kept = (model.dropped, array("i"))
            if len(self._heights) >= 2:
                self._heights.pop(next(iter(self._heights)))
            self._heights[key] = kept
        was_dropped, heights = kept
        if model.dropped > was_dropped:  # lines dropped from the front: drop theirs too
            del heights[:model.dropped - was_dropped]
            self._heights[key] = kept = (model.dropped, heights)
        lines, cells = model.lines, model.cells
        if len(heights) >= len(lines):
            return heights
        clean = self._clean

        def height(index: int) -> int:
            line = lines[index]
            text = cast(str, line[TEXT])
            if not raw and line[KIND] == "error" and index > 0:
                text = _without_the_reply_above(text, lines, index)
            return len(wrap_starts(clean(text), width))

        # A line within the width takes one screen line (with room for a scrub that lengthens
        # it a little); only the others are wrapped to be measured.
        fits = width - (_SCRUB_SLACK if self.scrub is not None else 0)
        heights.extend(1 if cells[index] <= fits else height(index)
                       for index in range(len(heights), len(lines)))
        return heights

    def _row_at(self, y: int) -> int:
        """The row shown on screen line ``y`` (of all of them), clamped to the rows."""
        return max(0, min(bisect_right(self._starts, y) - 1, len(self._rows) - 1))

    def _virtual_size(self) -> Size:
        self._layout()
        return Size(self._gutter_width() + self._text_width, self._starts[-1])

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
        self._remeasure(0)
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
        self._remeasure(0)
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
            self._scroll_self(self._starts[min(self._scroll_target, len(self._starts) - 1)])
            self._scroll_target = None
        elif self._follow:
            self._scroll_self(self.max_scroll_y)
        self.refresh()
        self._report()

    def _scroll_self(self, y: float) -> None:
        """Scroll to screen line ``y`` now, without taking it for the user's scrolling."""
        self._scrolling = True
        try:
            self.scroll_to(x=0, y=y, animate=False, immediate=True, force=True)
        finally:
            self._scrolling = False
        # The scroll bar may not be shown yet (the lines that need it just came): it takes
        # its position now, or it would show the top when it appears.
        self.vertical_scrollbar.position = self.scroll_y

    def _report(self) -> None:
        """Post Selected when the line under the cursor is another one."""
        selected = self.selected
        if selected != self._selected:
            self._selected = selected
            self.post_message(self.Selected(self, selected))

    def _show_cursor(self) -> None:
        """Scroll just enough for the cursor's row to be in view (to the end, following)."""
        self.virtual_size = self._virtual_size()
        if self._cursor is None and self._follow:
            self._scroll_self(self.max_scroll_y)
            return
        row, top = self.cursor, round(self.scroll_y)
        if row < 0:
            return
        height = max(1, self.scrollable_content_region.height)
        first, after = self._starts[row], self._starts[row + 1]
        if first < top:
            self._scroll_self(first)
        elif after > top + height:
            self._scroll_self(max(first, after - height))

    def on_resize(self) -> None:
        # The rows wrap anew at the new width: keep the same row at the top (or the end, or
        # the cursor, in view).
        top = self._row_at(round(self.scroll_y)) if len(self._rows) else 0
        self._cache.clear()
        self.virtual_size = self._virtual_size()
        if not self._follow and self._cursor is None:
            self._scroll_self(self._starts[top])
        self.call_after_refresh(self._show_cursor)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is not None and len(self._rows):
            self._layout()
            y = offset.y + round(self.scroll_y)
            if y < self._starts[-1]:
                self.move_cursor(self._row_at(y), scroll=False)

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._cache.clear()

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if not self._scrolling:  # the user's scrolling (the wheel, the scroll bar)
            self._follow = self._cursor is None and new_value >= self.max_scroll_y

    # -- rendering -------------------------------------------------------------------------

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"transcript--{name}", partial=True)

    def _clean(self, text: str) -> str:
        return self.scrub(text) if self.scrub is not None else text

    def _body(self, row: int) -> tuple[str, str]:
        """A row's text after the gutter, and its kind (for its style)."""
        if row < 0:
            return self._model.block_of(row).summary(self.fold), "fold"
        model = self._model
        line = model.line(row)
        kind = line[KIND]
        text = cast(str, line[TEXT])
        if self.raw:
            return self._clean(text), ""
        if kind == "error" and row > model.dropped:
            text = _without_the_reply_above(text, model.lines, row - model.dropped)
        return self._clean(text), kind if kind in ("send", "recv", "error") else "info"

    def _gutter(self, row: int) -> Text:
        """What a row shows before its text: its time, latency and marker."""
        if row < 0:
            return Text(" " * self._gutter_width(), end="")
        line = self._model.line(row)
        if self.raw:
            return Text(f"{line[T]:8.3f} {line[MARKER]:<3} ", end="")
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
        return text

    def _row_text(self, row: int) -> Text:
        """A row whole, on one line (unwrapped)."""
        text = self._gutter(row)
        body, kind = self._body(row)
        text.append(body, self._style(kind) if kind else "")
        return text

    def _row_strips(self, index: int, width: int, base: Style, cursor: Style | None) -> list[Strip]:
        """Row ``index`` painted: one strip per screen line it wraps to."""
        row = self._rows[index]
        gutter = self._gutter(row)
        body, kind = self._body(row)
        style = self._style(kind) if kind else Style()
        starts = wrap_starts(body, self._text_width)
        blank = " " * gutter.cell_len
        first = self._starts[index] if index < len(self._starts) else 0
        strips = []
        for number, start in enumerate(starts):
            end = starts[number + 1] if number + 1 < len(starts) else len(body)
            text = gutter.copy() if number == 0 else Text(blank, end="")
            text.append(body[start:end], style)
            text.stylize_before(base)
            fill = base
            if cursor is not None:
                text.stylize(cursor)
                fill = base + cursor
            strip = Strip(text.render(self.app.console), text.cell_len)
            strips.append(strip.crop_extend(0, width, fill).apply_offsets(0, first + number))
        return strips

    def render_line(self, y: int) -> Strip:
        self._layout()
        index = round(self.scroll_y) + y
        width = self.size.width
        base = self.rich_style
        if index >= self._starts[-1] or not len(self._rows):
            return Strip.blank(width, base)
        row = self._row_at(index)
        part = index - self._starts[row]
        if row == self.cursor:
            cursor = self._style("cursor")
            if self.app.no_color:
                cursor += Style(reverse=True)
            strips = self._row_strips(row, width, base, cursor)
            return strips[min(part, len(strips) - 1)]
        cached = self._cache.get(row)
        if cached is None or cached[0] != width:
            cached = (width, self._row_strips(row, width, base, None))
            self._cache[row] = cached
        strips = cached[1]
        return strips[min(part, len(strips) - 1)]


#: How far back a note looks for the reply it repeats (the lines of one reply).
_REPLY_LINES = 50


def _without_the_reply_above(text: str, lines: Sequence[tuple[object, ...]], index: int) -> str:
    """An error note (``lines[index]``) that repeats a line of the reply just above it
    (``recipient X refused: 550 5.1.1 ...``) says "see the reply above" instead: the refusal
    is read once. A multi-line reply counts as its lines (``550-`` read as ``550 ``)."""
    note = lines[index]
    stage = note[STAGE]
    for back in range(index - 1, max(index - 1 - _REPLY_LINES, -1), -1):
        above = lines[back]
        reply = above[TEXT]
        if above[KIND] != "recv" or above[STAGE] != stage or not isinstance(reply, str):
            break
        if reply[3:4] == "-":
            reply = reply[:3] + " " + reply[4:]
        if reply and text.endswith(": " + reply):
            return text[: len(text) - len(reply)] + "see the reply above"
    return text

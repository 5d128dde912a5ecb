"""The transcript's lines in memory: flat tuples the garbage collector ignores, the DATA
blocks that fold, and the rows they make (no UI here).

A line is a plain tuple of atoms (float, str, bool, int, None), indexed by the constants
below. CPython stops tracking such tuples in its garbage collector, so 100,000 lines add
nothing to the cost of a full collection (objects of a class, even with ``__slots__``, would
all be scanned on every one). Rows refer to lines by their absolute number (counting the
lines dropped from the front), and to a block's summary line by ``-1 - block.number``.
"""

from __future__ import annotations

from array import array
from typing import Final, NamedTuple

from rich.cells import cell_len, get_character_cell_size

from smtptui.smtp.safety import visible

#: A DATA part longer than this many lines is folded to one summary line.
FOLD_MIN_LINES = 6

#: Indexes into a line tuple (Final, so a type checker reads each field's own type).
T: Final = 0
KIND: Final = 1
STAGE: Final = 2
TEXT: Final = 3
TLS: Final = 4
MARKER: Final = 5
LATENCY: Final = 6
BLOCK: Final = 7
#: (t, kind, stage, text, tls, marker, latency or None, block number or -1)
Line = tuple[float, str, str, str, bool, str, "float | None", int]
NO_BLOCK = -1


def make_line(t: float, kind: str, stage: str, text: str, tls: bool, marker: str,
              block: int = NO_BLOCK) -> Line:
    """One line as kept in memory (tabs expanded, as the screen shows them), its text made
    visible: whatever made it, it is shown, copied and saved as such."""
    return (t, kind, stage, visible(text).expandtabs(8), tls, marker, None, block)


def with_latency(line: Line, seconds: float) -> Line:
    """The same line with the latency of its stage."""
    return (line[T], line[KIND], line[STAGE], line[TEXT], line[TLS], line[MARKER], seconds,
            line[BLOCK])


def raw_text(line: Line) -> str:
    """The line as `smtptui run` prints it."""
    return f"{line[T]:8.3f} {line[MARKER]:<3} {line[TEXT]}"


class SelectedLine(NamedTuple):
    """The transcript line under the cursor: kind is send, recv, info, error, or fold (the
    summary of a folded message)."""

    kind: str
    stage: str
    text: str
    marker: str = ""
    continued: bool = False  # a reply line that follows another line of the same reply


class DataBlock:
    """The message lines of one DATA transfer (consecutive lines), which fold to a summary."""

    __slots__ = ("closed", "count", "first", "number", "octets", "sent", "start_row", "total")

    def __init__(self, number: int, first: int) -> None:
        self.number = number
        self.first = first  # the absolute number of its first line
        self.count = 0  # its lines in the transcript (the engine's notes among them)
        self.sent = 0  # the message lines among them (the engine keeps only the first ones)
        self.total: int | None = None  # the message's real number of lines, once known
        self.octets: int | None = None
        self.closed = False
        self.start_row = 0

    @property
    def row(self) -> int:
        """The row value of its summary line."""
        return -1 - self.number

    @property
    def foldable(self) -> bool:
        """Long enough to fold."""
        return self.count > FOLD_MIN_LINES

    def summary(self, folded: bool) -> str:
        """The summary line's text: the message's lines (all of them, when the app knows the
        total), its size on the wire, and how many of its lines the transcript kept."""
        size = f", {self.octets:,} octets on the wire" if self.octets is not None else ""
        lines = self.total if self.total is not None else self.sent
        more = "" if self.closed or self.total is not None else " so far"
        kept = f"; first {self.sent:,} shown" if lines > self.sent else ""
        if folded:
            return f"▸ message: {lines:,} lines{more}{size}{kept} (f to unfold)"
        return f"▾ message: {lines:,} lines{more}{size}{kept} (f to fold)"


class Changed(NamedTuple):
    """What adding a line did to the rows, for the view's cursor and its painted rows."""

    relaid_from: int | None = None  # rows from here on were laid out again
    repaint: int | None = None  # this row's text changed (a block's line count)
    pruned: bool = False  # the oldest lines were dropped: every row moved


class TranscriptLines:
    """The lines (at most ``max_lines``; past it the oldest tenth is dropped), the DATA blocks,
    and the rows shown: every line, except the lines of a folded block, which shows as its
    summary line."""

    def __init__(self, max_lines: int) -> None:
        self.max_lines = max_lines
        self.clear()

    def clear(self) -> None:
        """No lines."""
        self.lines: list[Line] = []  # lines[i] is line number self.dropped + i
        self.cells: array[int] = array("i")  # cells[i]: the width of lines[i]'s text
        # Each row: a line number, or -1 - n for block n's summary line (machine integers:
        # no object per row).
        self.rows: array[int] = array("q")
        self.blocks: dict[int, DataBlock] = {}  # in the order of their lines
        self.last_block: DataBlock | None = None
        self.width = 0  # the widest line's text, in cells
        self.dropped = 0
        self._block: DataBlock | None = None  # the block being sent
        self._next_block = 0
        self._by_stage: dict[str, int] = {}  # the last line number of each stage

    def line(self, number: int) -> Line:
        """The line of this number (counting the dropped ones)."""
        return self.lines[number - self.dropped]

    def block_of(self, row: int) -> DataBlock:
        """The block whose summary line this row is."""
        return self.blocks[-1 - row]

    def add(self, t: float, kind: str, stage: str, text: str, tls: bool, marker: str,
            fold: bool) -> Changed:
        """Append one line; the message lines of a DATA transfer form a foldable block."""
        in_data = stage == "dot" and kind in ("send", "info") and not (
            kind == "send" and text == ".")
        block = self._block
        if block is not None and not in_data:
            block.closed = True
            block = self._block = None
        number = self.dropped + len(self.lines)
        if in_data and block is None and kind == "send":
            block = self._block = self.last_block = DataBlock(self._next_block, number)
            self.blocks[block.number] = block
            self._next_block += 1
        line = make_line(t, kind, stage, text, tls, marker,
                         block.number if block is not None else NO_BLOCK)
        self.lines.append(line)
        self._by_stage[stage] = number
        cells = cell_len(line[TEXT])
        self.cells.append(cells)
        self.width = max(self.width, cells)
        changed = Changed()
        if block is None:
            self.rows.append(number)
        else:
            block.count += 1
            block.sent += kind == "send"
            changed = self._grow_block(block, number, fold)
        if len(self.lines) > self.max_lines:
            self._prune(fold)
            return Changed(pruned=True)
        return changed

    def _grow_block(self, block: DataBlock, number: int, fold: bool) -> Changed:
        """A line was added to the open block (at the tail of the rows): lay it out."""
        rows = self.rows
        if block.count == 1:
            block.start_row = len(rows)
        if block.count <= FOLD_MIN_LINES:  # not foldable (yet): its lines are rows
            rows.append(number)
            return Changed()
        if block.count == FOLD_MIN_LINES + 1:  # just became foldable: a summary line
            del rows[block.start_row:]
            rows.append(block.row)
            if not fold:
                rows.extend(range(block.first, number + 1))
            return Changed(relaid_from=block.start_row)
        if not fold:
            rows.append(number)
        return Changed(repaint=block.start_row)  # the summary's count changed

    def set_latency(self, stage: str, seconds: float) -> bool:
        """Give the last line of ``stage`` its latency; False if there is no such line."""
        index = self._by_stage.get(stage, -1) - self.dropped
        if index < 0:
            return False
        self.lines[index] = with_latency(self.lines[index], seconds)
        return True

    def relayout(self, fold: bool) -> None:
        """Lay every row out again (the fold changed, or lines were dropped)."""
        rows: array[int] = array("q")
        number = self.dropped
        for block in self.blocks.values():
            rows.extend(range(number, block.first))
            block.start_row = len(rows)
            number = block.first + block.count
            if block.foldable:
                rows.append(block.row)
                if fold:
                    continue
            rows.extend(range(block.first, number))
        rows.extend(range(number, self.dropped + len(self.lines)))
        self.rows = rows

    def find(self, wanted: int, start: int) -> int:
        """The row showing ``wanted`` (a row value) from ``start`` on: itself, else its block's
        summary line (folded away), else ``start`` (dropped)."""
        candidates = [wanted]
        if wanted >= self.dropped:
            block_number = self.line(wanted)[BLOCK]
            if block_number != NO_BLOCK:
                candidates.append(-1 - block_number)
        for candidate in candidates:
            try:
                return self.rows.index(candidate, start)
            except ValueError:
                continue
        return start

    def _prune(self, fold: bool) -> None:
        drop = max(1, self.max_lines // 10)
        del self.lines[:drop]
        del self.cells[:drop]
        self.dropped += drop
        for number, block in list(self.blocks.items()):
            end = block.first + block.count
            if end <= self.dropped:
                del self.blocks[number]
                if block is self.last_block:
                    self.last_block = self._block = None
            elif block.first < self.dropped:
                block.count = end - self.dropped
                block.first = self.dropped
        self.relayout(fold)


def selected_line(line: Line, previous: Line | None = None) -> SelectedLine:
    """What the Selected message says about a line (``previous``: the line before it)."""
    continued = (previous is not None and line[KIND] == "recv" and previous[KIND] == "recv"
                 and previous[STAGE] == line[STAGE] and previous[TEXT][3:4] == "-")
    return SelectedLine(line[KIND], line[STAGE], line[TEXT], line[MARKER], continued)


def selected_summary(block: DataBlock, folded: bool) -> SelectedLine:
    """What the Selected message says about a block's summary line."""
    return SelectedLine("fold", "dot", block.summary(folded))


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


def wrap_starts(text: str, width: int) -> tuple[int, ...]:
    """Where each screen line of ``text`` starts when it is wrapped at ``width`` cells: after
    the last space that lets a line fit, else (a word longer than the line) mid-word.

    ``(0,)`` for a text that fits. Line i is ``text[starts[i]:starts[i + 1]]`` (the last one
    runs to the end); a space where a line breaks ends that line, unseen.
    """
    width = max(width, 1)
    if len(text) <= width and (text.isascii() or cell_len(text) <= width):
        return (0,)
    starts = [0]
    start, end = 0, len(text)
    ascii_text = text.isascii()
    while True:
        if ascii_text:
            cut = start + width
        else:  # the most characters from ``start`` that fit in ``width`` cells (at least one)
            cells, cut = 0, start
            while cut < end:
                cells += get_character_cell_size(text[cut])
                if cells > width:
                    break
                cut += 1
            cut = max(cut, start + 1)
        if cut >= end:
            return tuple(starts)
        space = text.rfind(" ", start + 1, cut + 1)
        start = space + 1 if space > start else cut
        starts.append(start)

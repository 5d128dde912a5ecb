"""CapabilityInspector: the EHLO keywords as a table set against this session, the STARTTLS
difference and the TLS certificate's facts."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Static

from smtptui.net.tls_facts import TlsFacts, expiry_words

if TYPE_CHECKING:  # the table, the meanings and the engine's types come with the first EHLO
    from textual.widgets import DataTable

    from smtptui.knowledge.keywords import CapsLike, Row
    from smtptui.smtp.data import MessageFacts

#: A glyph per level, so that the verdict reads without colour (NO_COLOR) too.
MARKS = {"ok": "✓", "info": "·", "warn": "!", "bad": "✗", "unknown": "?"}
STYLES = {"ok": "green", "info": "", "warn": "yellow", "bad": "bold red",
          "unknown": "magenta italic"}
_PARAMS_WIDTH = 24
#: The summary shows at most this much of the greeting (the transcript has all of it).
_GREETING_WIDTH = 32
#: Below this width the table shows only the keyword and the verdict.
NARROW = 60


def visible(text: str) -> str:
    """Server text with its control characters made visible (the engine's rule)."""
    from smtptui.smtp.transcript import visible as engine_visible

    return engine_visible(text)


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def verdict_text(row: Row) -> Text:
    """The "this session" cell: the level's glyph, then the verdict (plain, never markup)."""
    style = STYLES.get(row.level, "")
    words = row.session or ("not offered" if not row.offered else "")
    if not words and row.level == "info":
        return Text("")
    return Text(f"{MARKS.get(row.level, '·')} {words}".rstrip(), style=style)


def tls_lines(facts: TlsFacts | None) -> list[tuple[str, str, str]]:
    """The certificate's facts as (label, value, level) lines; empty when there is no TLS."""
    if facts is None:
        return []
    lines = [("protocol", f"{facts.version} {facts.cipher}".strip(), "info")]
    if facts.subject:
        lines.append(("subject", facts.subject, "info"))
    if facts.issuer:
        lines.append(("issuer", facts.issuer, "info"))
    if facts.sans:
        lines.append(("names", ", ".join(facts.sans), "info"))
    if facts.not_before is not None and facts.not_after is not None:
        days = facts.days_left
        span = f"{facts.not_before.date()} to {facts.not_after.date()}"
        level = "info"
        if days is not None:
            span += f" ({expiry_words(days)})"
            level = "bad" if days < 0 else "warn" if days < 14 else "ok"
        lines.append(("valid", span, level))
    if facts.verified:
        lines.append(("verified", "yes: the chain and the host name were checked", "ok"))
    else:
        why = facts.unverified or (
            "verification was turned off for this session (verify = false / --no-verify)")
        lines.append(("verified", f"NO: {why}", "bad"))
    return lines


#: The table's column headings, wide and narrow.
WIDE_COLUMNS = ("Keyword", "Parameters", "This session", "Meaning")
NARROW_COLUMN = "Keyword: this session"
NO_STARTTLS = "  no STARTTLS so far"
NO_TLS = "  no TLS so far"


def _narrow_width(width: int) -> int:
    """The narrow table's one column: the panel less the cell padding and the scroll bar."""
    return max(width - 4, 16)


class CapsPlaceholder(Widget):
    """What the inspector shows before any EHLO reply, drawn as the table and the notes would
    draw it (an empty table's headings, then the notes' headings): one widget instead of a
    table and six others, which are built with the first reply."""

    COMPONENT_CLASSES = {"caps--header"}
    DEFAULT_CSS = """
    CapsPlaceholder {
        height: 1fr;
    }
    CapsPlaceholder > .caps--header {
        text-style: bold;
        background: $panel;
        color: $foreground;
    }
    CapsPlaceholder:ansi > .caps--header {
        background: ansi_bright_blue;
        color: ansi_default;
    }
    """

    def render(self) -> Text:
        width = self.size.width
        header = self.get_component_rich_style("caps--header")
        header_fill = header + Style(bold=False)
        text = Text(no_wrap=True, end="")
        if width < NARROW:
            text.append(f" {NARROW_COLUMN:<{_narrow_width(width)}} ", header)
        else:
            for title in WIDE_COLUMNS:
                text.append(f" {title} ", header)
        if text.cell_len < width:  # the header row's background runs to the edge
            text.append(" " * (width - text.cell_len), header_fill)
        # The notes, with their panel's padding (one column) before each line.
        text.append("\n\n\n ")
        text.append("Before and after STARTTLS", "bold")
        text.append("\n ")
        text.append(NO_STARTTLS, "dim")
        text.append("\n\n ")
        text.append("TLS certificate", "bold")
        text.append("\n ")
        text.append(NO_TLS, "dim")
        return text


class CapabilityInspector(Widget):
    """What the server's EHLO reply means for this session; call show() with the latest facts."""

    DEFAULT_CSS = """
    CapabilityInspector {
        height: 1fr;
        layout: vertical;
    }
    CapabilityInspector > #caps-summary {
        height: auto;
        padding: 0 1;
    }
    CapabilityInspector > #caps-table {
        height: auto;
        max-height: 60%;
    }
    CapabilityInspector > #caps-notes {
        height: 1fr;
        padding: 0 1;
    }
    CapabilityInspector .caps-heading {
        text-style: bold;
        margin-top: 1;
    }
    """

    def __init__(self, *, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows: list[Row] = []
        self.diff_lines: list[str] = []
        self.tls_facts: TlsFacts | None = None
        self._shown = False
        self._has_pair = False
        self._pending = False  # TLS is up, the EHLO inside TLS is still to come
        self._greeting = ""
        self._narrow = False
        self._width = -1  # the width the table was last laid out for
        self._highlighted = ""
        self._state = "placeholder"  # then building, then built (with the first EHLO reply)

    def compose(self) -> ComposeResult:
        yield Static(Text("No EHLO reply yet: step or run a session."), id="caps-summary")
        yield CapsPlaceholder(id="caps-placeholder")

    def _build(self) -> None:
        """Replace the placeholder by the table and the notes (for the first EHLO reply); they
        are drawn once they are mounted."""
        from textual.widgets import DataTable

        self._state = "building"
        self.query_one(CapsPlaceholder).remove()
        mounting = self.mount(
            DataTable(id="caps-table", cursor_type="row"),
            VerticalScroll(Static(id="caps-detail"),
                           Static(Text("Before and after STARTTLS"), classes="caps-heading"),
                           Static(id="caps-diff"),
                           Static(Text("TLS certificate"), classes="caps-heading"),
                           Static(id="caps-tls"), id="caps-notes"))

        async def built() -> None:
            await mounting
            self._state = "built"
            self._render_all()

        self.call_next(built)

    def on_mount(self) -> None:
        if self._shown:
            self._build()

    def on_resize(self) -> None:
        """A narrow inspector (a side panel) shows one wrapped column: keyword, then verdict.
        Its column is as wide as the panel: laid out again when the width changes (also
        after a session shown while the panel was hidden, at no width at all)."""
        narrow = self.size.width < NARROW
        changed = narrow != self._narrow or (narrow and self.size.width != self._width)
        if changed and self._state == "built":
            self._render_all()

    def show(self, caps_before: CapsLike | None, caps_after: CapsLike | None,
             message_facts: MessageFacts | None, tls_facts: TlsFacts | None, *,
             tls_active: bool | None = None, sender: str = "",
             recipients: Sequence[str] = (), uses: Collection[str] = ()) -> None:
        """Show a session's capabilities: ``caps_before`` is the EHLO reply before STARTTLS
        (None when there was no STARTTLS), ``caps_after`` the latest reply (inside TLS after
        STARTTLS; None between the hand-shake and the EHLO inside TLS). A lone reply may come
        as either.

        ``tls_active`` defaults to "there are TLS facts"; ``sender`` and ``recipients`` let
        SMTPUTF8 and LIMITS be set against the session's addresses; ``uses`` names the
        extensions the session's plan asks for (SessionPlan.extensions). With TLS up, a reply
        before STARTTLS and none after it, the keywords are judged as they came (before TLS)
        and the notes say that the EHLO inside TLS is still to come.
        """
        current = caps_after if caps_after is not None else caps_before
        active = tls_facts is not None if tls_active is None else tls_active
        self.rows, self.diff_lines, self._greeting = [], [], ""
        self._pending = False
        if current is not None:
            from smtptui.knowledge.keywords import assess, ehlo_in_tls_pending, starttls_notes
            from smtptui.smtp.capabilities import Capabilities

            self._pending = ehlo_in_tls_pending(caps_before, caps_after, active)
            self.rows = assess(current, message_facts, active and not self._pending,
                               sender=sender, recipients=recipients,
                               starttls_done=self._pending, uses=uses)
            self.diff_lines = starttls_notes(caps_before, caps_after, active)
            if isinstance(current, Capabilities):
                self._greeting = current.greeting
        self._has_pair = caps_before is not None and caps_after is not None
        self.tls_facts = tls_facts
        self._shown = current is not None
        if not self.is_mounted:
            return  # on_mount shows it
        if self._state == "built":
            self._render_all()
        elif self._state == "placeholder" and self._shown:
            self._build()

    def clear(self) -> None:
        """Back to the empty state (a new session is starting)."""
        self.show(None, None, None, None)

    def _render_all(self) -> None:
        self._width = self.size.width
        self._narrow = self._width < NARROW
        summary = self.query_one("#caps-summary", Static)
        if not self._shown:
            summary.update(Text("No EHLO reply yet: step or run a session."))
        else:
            unknown = sum(1 for r in self.rows if r.level == "unknown")
            offered = sum(1 for r in self.rows if r.offered)
            text = Text("EHLO reply before TLS" if self._pending else "EHLO reply")
            if self._greeting:
                text.append(" from ")
                text.append(_clip(visible(self._greeting), _GREETING_WIDTH), style="bold")
            text.append(f": {offered} keyword{'s' if offered != 1 else ''}")
            if unknown:
                text.append(f", {unknown} unknown", style=STYLES["unknown"])
            summary.update(text)
        from textual.widgets import DataTable

        table = self.query_one("#caps-table", DataTable)
        keys = [row.keyword for row in self.rows]
        was = self._highlighted if self._highlighted in keys else None
        table.clear(columns=True)
        if self._narrow:
            self._render_narrow(table)
        else:
            self._render_wide(table)
        if was is not None:  # keep the user's place when the facts are refreshed
            table.move_cursor(row=keys.index(was), animate=False)
        self._render_detail(self.rows[keys.index(was)] if was is not None
                            else self.rows[0] if self.rows else None)
        self.query_one("#caps-diff", Static).update(self._diff_text())
        self.query_one("#caps-tls", Static).update(self._tls_text())

    def _render_narrow(self, table: DataTable[Text]) -> None:
        width = _narrow_width(self.size.width)
        table.add_column(NARROW_COLUMN, key="keyword", width=width)
        for row in self.rows:
            cell = Text(visible(row.keyword), style="bold" if row.offered else "dim")
            cell.append(" " + _clip(visible(row.params), max(width - len(row.keyword) - 1, 4))
                        if row.params else "" if row.offered else " (not offered)", style="dim")
            verdict = verdict_text(row)
            if not verdict:  # nothing to say for this session: what the keyword is, then
                verdict = Text(f"· {row.meaning}", style="dim")
            cell.append("\n")
            cell.append_text(verdict)
            table.add_row(cell, key=row.keyword, height=None)

    def _render_wide(self, table: DataTable[Text]) -> None:
        for title, key in zip(WIDE_COLUMNS, ("keyword", "params", "session", "meaning"),
                              strict=True):
            table.add_column(title, key=key)
        for row in self.rows:
            keyword = Text(visible(row.keyword), style="bold" if row.offered else "dim")
            params = Text(_clip(visible(row.params), _PARAMS_WIDTH) if row.offered
                          else "(not offered)", style="" if row.offered else "dim")
            meaning = Text(row.meaning, style=STYLES["unknown"] if not row.known else "")
            table.add_row(keyword, params, verdict_text(row), meaning, key=row.keyword)

    def _render_detail(self, row: Row | None) -> None:
        detail = self.query_one("#caps-detail", Static)
        if row is None:
            detail.update(Text(""))
            return
        text = Text(visible(row.keyword), style="bold")
        if row.params:
            text.append(" " + visible(row.params))
        text.append(f"\n  {row.meaning}")
        if row.reference:
            text.append(f" ({row.reference})", style="dim")
        if row.session:
            text.append("\n  ")
            text.append_text(verdict_text(row))
        detail.update(text)

    def _diff_text(self) -> Text:
        if self.diff_lines:
            text = Text()
            for index, line in enumerate(self.diff_lines):
                text.append(("\n" if index else "") + "  " + visible(line))
            return text
        if self._has_pair:
            return Text("  the same keywords before and after STARTTLS")
        return Text("  no STARTTLS so far", style="dim")

    def _tls_text(self) -> Text:
        lines = tls_lines(self.tls_facts)
        if not lines:
            return Text(NO_TLS, style="dim")
        text = Text()
        for index, (label, value, level) in enumerate(lines):
            text.append(("\n" if index else "") + f"  {label:<9} ")
            mark = f"{MARKS[level]} " if level in ("ok", "warn", "bad") else ""
            text.append(mark + visible(value), style=STYLES.get(level, ""))
        return text

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Show the highlighted keyword in full below the table."""
        event.stop()
        key = event.row_key.value
        for row in self.rows:
            if row.keyword == key:
                self._highlighted = row.keyword
                self._render_detail(row)
                return

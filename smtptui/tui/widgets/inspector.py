"""CapabilityInspector: the EHLO keywords as a table set against this session, the STARTTLS
difference and the TLS certificate's facts."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Static

from smtptui.engine.capabilities import Capabilities
from smtptui.engine.message import MessageFacts
from smtptui.engine.transcript import visible
from smtptui.tui.capability_meanings import CapsLike, Row, assess, diff

#: A glyph per level, so that the verdict reads without colour (NO_COLOR) too.
MARKS = {"ok": "✓", "info": "·", "warn": "!", "bad": "✗", "unknown": "?"}
STYLES = {"ok": "green", "info": "", "warn": "yellow", "bad": "bold red",
          "unknown": "magenta italic"}
_PARAMS_WIDTH = 24
#: Below this width the table shows only the keyword and the verdict.
NARROW = 60


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def verdict_text(row: Row) -> Text:
    """The "this session" cell: the level's glyph, then the verdict (plain, never markup)."""
    style = STYLES.get(row.level, "")
    words = row.session or ("not offered" if not row.offered else "")
    if not words and row.level == "info":
        return Text("")
    return Text(f"{MARKS.get(row.level, '·')} {words}".rstrip(), style=style)


def tls_lines(facts: Mapping[str, Any] | None) -> list[tuple[str, str, str]]:
    """The certificate's facts as (label, value, level) lines; empty when there is no TLS."""
    if not facts:
        return []
    lines = [("protocol", f"{facts.get('version', '')} {facts.get('cipher', '')}".strip(), "info")]
    for label, key in (("subject", "subject"), ("issuer", "issuer")):
        if facts.get(key):
            lines.append((label, str(facts[key]), "info"))
    if facts.get("sans"):
        lines.append(("names", ", ".join(str(s) for s in facts["sans"]), "info"))
    if facts.get("not_after"):
        days = facts.get("days_left")
        span = f"{str(facts.get('not_before', ''))[:10]} to {str(facts['not_after'])[:10]}"
        level = "info"
        if isinstance(days, int):
            if days < 0:
                span += f" (EXPIRED {-days} days ago)"
                level = "bad"
            else:
                span += f" ({days} days left)"
                level = "warn" if days < 14 else "ok"
        lines.append(("valid", span, level))
    if facts.get("verified"):
        lines.append(("verified", "yes: the chain and the host name were checked", "ok"))
    else:
        why = facts.get("why_not") or facts.get("error") or (
            "verification was turned off for this session (verify = false / --no-verify)")
        lines.append(("verified", f"NO: {why}", "bad"))
    return lines


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
        self.tls_facts: dict[str, Any] = {}
        self._shown = False
        self._has_pair = False
        self._greeting = ""
        self._narrow = False
        self._width = 0
        self._highlighted = ""

    def compose(self) -> ComposeResult:
        yield Static(Text("No EHLO reply yet: step or run a session."), id="caps-summary")
        yield DataTable(id="caps-table", cursor_type="row")
        with VerticalScroll(id="caps-notes"):
            yield Static(id="caps-detail")
            yield Static(Text("Before and after STARTTLS"), classes="caps-heading")
            yield Static(id="caps-diff")
            yield Static(Text("TLS certificate"), classes="caps-heading")
            yield Static(id="caps-tls")

    def on_mount(self) -> None:
        self._render_all()

    def on_resize(self) -> None:
        """A narrow inspector (a side panel) shows one wrapped column: keyword, then verdict."""
        narrow = self.size.width < NARROW
        if narrow != self._narrow or (narrow and self.size.width != self._width):
            self._narrow = narrow
            self._width = self.size.width
            self._render_all()

    def show(self, caps_before: CapsLike | None, caps_after: CapsLike | None,
             message_facts: MessageFacts | None, tls_facts: Mapping[str, Any] | None, *,
             tls_active: bool | None = None, sender: str = "",
             recipients: Sequence[str] = ()) -> None:
        """Show a session's capabilities: before and after STARTTLS (either may be None).

        ``tls_active`` defaults to "there are TLS facts"; ``sender`` and ``recipients`` let
        SMTPUTF8 and LIMITS be set against the session's addresses.
        """
        current = caps_after if caps_after is not None else caps_before
        active = bool(tls_facts) if tls_active is None else tls_active
        self.rows = assess(current, message_facts, active, sender=sender, recipients=recipients)
        self.diff_lines = diff(caps_before, caps_after)
        self._has_pair = caps_before is not None and caps_after is not None
        self.tls_facts = dict(tls_facts or {})
        self._shown = current is not None
        self._greeting = current.greeting if isinstance(current, Capabilities) else ""
        if self.is_mounted:
            self._render_all()

    def clear(self) -> None:
        """Back to the empty state (a new session is starting)."""
        self.show(None, None, None, None)

    def _render_all(self) -> None:
        summary = self.query_one("#caps-summary", Static)
        if not self._shown:
            summary.update(Text("No EHLO reply yet: step or run a session."))
        else:
            unknown = sum(1 for r in self.rows if r.level == "unknown")
            offered = sum(1 for r in self.rows if r.offered)
            text = Text("EHLO reply")
            if self._greeting:
                text.append(" from ")
                text.append(visible(self._greeting), style="bold")
            text.append(f": {offered} keyword{'s' if offered != 1 else ''}")
            if unknown:
                text.append(f", {unknown} unknown", style=STYLES["unknown"])
            summary.update(text)
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
        width = max(self.size.width - 4, 16)  # the cell padding and the scroll bar
        table.add_column("Keyword: this session", key="keyword", width=width)
        for row in self.rows:
            cell = Text(visible(row.keyword), style="bold" if row.offered else "dim")
            cell.append(" " + _clip(visible(row.params), max(width - len(row.keyword) - 1, 4))
                        if row.params else "" if row.offered else " (not offered)", style="dim")
            verdict = verdict_text(row)
            if verdict:
                cell.append("\n")
                cell.append_text(verdict)
            table.add_row(cell, key=row.keyword, height=None)

    def _render_wide(self, table: DataTable[Text]) -> None:
        table.add_column("Keyword", key="keyword")
        table.add_column("Parameters", key="params")
        table.add_column("This session", key="session")
        table.add_column("Meaning", key="meaning")
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
            return Text("  no TLS so far", style="dim")
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

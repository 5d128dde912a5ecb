"""HistoryScreen: a profile's past runs, newest first; TranscriptViewer opens one read-only."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import DataTable, Footer, Static, TextArea

from smtptui.store.history import History, HistoryEntry, HistoryError

_OUTCOME_STYLES = {"delivered": "green", "partial": "yellow", "stopped": "yellow",
                   "failed": "bold red"}
#: How the history list words an outcome ("partial": delivered to some recipients only).
_OUTCOME_WORDS = {"partial": "delivered to some"}

_BOX_CSS = """
    {name} {{
        align: center middle;
    }}
    {name} > Vertical {{
        width: 100;
        max-width: 100%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }}
    {name} .history-hint {{
        height: 1;
        color: $text-muted;
    }}
"""


def when(entry: HistoryEntry) -> str:
    """The run's time in the local time zone, to the second."""
    return entry.timestamp.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z").strip()


class TranscriptViewer(ModalScreen[None]):
    """One saved transcript, read-only and scrollable (the text is shown as plain text)."""

    DEFAULT_CSS = _BOX_CSS.format(name="TranscriptViewer") + """
    TranscriptViewer #viewer-text {
        height: 1fr;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Back", id="viewer.close"),
        Binding("q", "close", "Back", show=False, id="viewer.quit"),
    ]

    def __init__(self, title: str, text: str) -> None:
        from smtptui.smtp.safety import visible

        super().__init__()
        self.title_text = visible(title)
        # A file kept by an older smtptui, or edited since, may hold anything: each line is
        # made visible here, where it reaches the screen.
        self.text = "\n".join(visible(line) for line in text.split("\n"))

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = self.title_text
            yield TextArea(self.text, read_only=True, soft_wrap=False, show_line_numbers=True,
                           id="viewer-text")
            yield Static(Text("escape or q: back   arrows, PgUp/PgDn, Home/End: move"),
                         classes="history-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#viewer-text", TextArea).focus()

    def action_close(self) -> None:
        """Back to the list of runs."""
        self.dismiss(None)


class HistoryScreen(ModalScreen[None]):
    """The past runs of one profile; enter opens the highlighted run, escape closes."""

    DEFAULT_CSS = _BOX_CSS.format(name="HistoryScreen") + """
    HistoryScreen #history-table {
        height: 1fr;
    }
    HistoryScreen #history-message {
        height: auto;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="history.close"),
        Binding("q", "close", "Close", show=False, id="history.quit"),
    ]

    def __init__(self, profile_name: str, history: History | None = None) -> None:
        super().__init__()
        self.profile_name = profile_name
        self.history = history
        self.entries: list[HistoryEntry] = []

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Past runs of {self.profile_name}"
            yield Static(id="history-message")
            table: DataTable[Text] = DataTable(id="history-table", cursor_type="row")
            table.add_column("When", key="when")
            table.add_column("Outcome", key="outcome")
            table.add_column("Exit code", key="code")
            table.add_column("File", key="file")
            yield table
            yield Static(Text("enter: open   escape or q: close"), classes="history-hint")
        yield Footer()

    def on_mount(self) -> None:
        message = self.query_one("#history-message", Static)
        try:
            history = self.history if self.history is not None else History()
            self.entries = history.list(self.profile_name)
            self.history = history
        except HistoryError as exc:
            message.update(Text(str(exc), style="bold red"))
            return
        if not self.entries:
            message.update(Text("No past runs of this profile yet."))
        else:
            count = len(self.entries)
            message.update(Text(f"{count} run{'s' if count != 1 else ''}, newest first"))
        table = self.query_one("#history-table", DataTable)
        for index, entry in enumerate(self.entries):
            table.add_row(Text(when(entry)),
                          Text(_OUTCOME_WORDS.get(entry.outcome, entry.outcome),
                               style=_OUTCOME_STYLES.get(entry.outcome, "")),
                          Text(str(entry.exit_code), justify="right"),
                          Text(entry.path.name, style="dim"), key=str(index))
        table.focus()

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        """Open the chosen run read-only."""
        event.stop()
        self.open_entry(int(str(event.row_key.value)))

    def open_entry(self, index: int) -> None:
        """Open run number ``index`` (0 is the newest) in a read-only viewer."""
        entry = self.entries[index]
        assert self.history is not None
        try:
            text = self.history.read(entry)
        except HistoryError as exc:
            self.query_one("#history-message", Static).update(Text(str(exc), style="bold red"))
            return
        outcome = _OUTCOME_WORDS.get(entry.outcome, entry.outcome)
        title = f"{self.profile_name}: {when(entry)}, {outcome}, exit code {entry.exit_code}"
        self.app.push_screen(TranscriptViewer(title, text))

    def action_close(self) -> None:
        """Back to the workbench."""
        self.dismiss(None)

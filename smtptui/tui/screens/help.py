"""HelpScreen: every key binding of the app, grouped by where it applies (escape or q closes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Static

#: A help entry: (where it applies, key as shown, what it does).
Entry = tuple[str, str, str]


def _own_bindings(node_type: type, *, textual_too: bool) -> list[Binding]:
    """The BINDINGS a class and its bases declare (textual's own bases only if asked)."""
    found: list[Binding] = []
    for cls in node_type.__mro__:
        declared = cls.__dict__.get("BINDINGS")
        if not declared:
            continue
        if not textual_too and cls.__module__.split(".")[0] == "textual":
            continue
        found.extend(Binding.make_bindings(declared))
    return found


def _group(node: DOMNode) -> str:
    title = getattr(node, "HELP_GROUP", None)
    if isinstance(title, str) and title:
        return title
    if isinstance(node, App):
        return "Everywhere"
    if isinstance(node, Screen):
        return "Main screen"
    return type(node).__name__


def collect_bindings(app: App[object], screen: Screen[object] | None) -> list[Entry]:
    """Every binding the app declares: its own, the screen's and its widgets', deduplicated.

    A widget class may set ``HELP_GROUP = "Sidebar"`` to name its group.
    """
    entries: list[Entry] = []
    seen: set[tuple[str, str, str]] = set()

    def add(node: DOMNode, bindings: Iterable[Binding]) -> None:
        group = _group(node)
        for binding in bindings:
            if binding.system:
                continue
            key = app.get_key_display(binding)
            what = binding.description or binding.action.replace("_", " ")
            if binding.tooltip and binding.tooltip != what:
                what = f"{what}: {binding.tooltip}"
            if (group, key, binding.action) in seen:
                continue
            seen.add((group, key, binding.action))
            entries.append((group, key, what))

    add(app, _own_bindings(type(app), textual_too=True))
    if app.ENABLE_COMMAND_PALETTE:
        add(app, [Binding(app.COMMAND_PALETTE_BINDING, "command_palette", "Command palette: "
                          "every action by name")])
    if screen is not None:
        add(screen, _own_bindings(type(screen), textual_too=False))
        for widget in screen.walk_children():
            add(widget, _own_bindings(type(widget), textual_too=False))
    return entries


class HelpScreen(ModalScreen[None]):
    """The key bindings, from a given list or read from the app and the screen below."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help-box {
        width: 76;
        max-width: 100%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-table {
        height: 1fr;
    }
    HelpScreen #help-hint {
        height: 1;
        color: $text-muted;
    }
    """

    BINDINGS = [
        Binding("escape", "close", "Close", id="help.close"),
        Binding("q", "close", "Close", show=False, id="help.quit"),
    ]

    def __init__(self, bindings: Sequence[tuple[str, str]] | Sequence[Entry] | None = None
                 ) -> None:
        super().__init__()
        self._given = list(bindings) if bindings is not None else None
        self.entries: list[Entry] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box") as box:
            box.border_title = "Keys"
            table: DataTable[Text] = DataTable(id="help-table", cursor_type="row",
                                               zebra_stripes=True)
            table.add_column("Key", key="key")
            table.add_column("What it does", key="what")
            table.add_column("Where", key="where")
            yield table
            yield Static(Text("escape or q: close   ↑↓ PgUp PgDn: scroll"), id="help-hint")
        yield Footer()

    def on_mount(self) -> None:
        if self._given is not None:
            self.entries = [e if len(e) == 3 else ("", e[0], e[1]) for e in self._given]
        else:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 else None
            self.entries = collect_bindings(self.app, below)
        table = self.query_one("#help-table", DataTable)
        for index, (group, key, what) in enumerate(self.entries):
            table.add_row(Text(key, style="bold"), Text(what), Text(group, style="dim"),
                          key=str(index))
        table.focus()

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss(None)


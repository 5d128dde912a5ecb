"""HelpScreen: every key binding of the app, grouped by where it applies (escape or q closes)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Static

#: A help entry: (where it applies, keys as shown, what it does).
Entry = tuple[str, str, str]
#: The group of an App's bindings unless it says otherwise (HELP_GROUP, HELP_GROUPS).
ANYWHERE = "Anywhere"
#: The widest the key column gets; longer keys wrap.
KEY_WIDTH = 12


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


def _group(node: object) -> str:
    """Where a node's (or a class's) bindings apply: its HELP_GROUP, else a default."""
    title = getattr(node, "HELP_GROUP", None)
    if isinstance(title, str) and title:
        return title
    if isinstance(node, App):
        return ANYWHERE
    if isinstance(node, Screen):
        return "Main screen"
    return node.__name__ if isinstance(node, type) else type(node).__name__


def collect_bindings(app: App[object], screen: Screen[object] | None) -> list[Entry]:
    """Every binding the app declares: its own, the screen's and its widgets', grouped by
    where they apply; the keys of one action in one group are listed together.

    A widget class may set ``HELP_GROUP = "Sidebar"`` to name its group. The App may set
    ``HELP_GROUP`` (its bindings' group), ``HELP_GROUPS`` (action -> group, for the ones that
    apply elsewhere), ``HELP_CLASSES`` (screens or widgets not on the screen now whose
    bindings are listed too) and ``HELP_EXTRAS`` ((group, keys, what it does) for keys that
    Textual's own widgets provide). The "Anywhere" group comes first.
    """
    merged: dict[tuple[str, str, str], list[str]] = {}
    app_groups: dict[str, str] = getattr(app, "HELP_GROUPS", {})

    def add(group: str, bindings: Iterable[Binding], per_action: dict[str, str]) -> None:
        for binding in bindings:
            if binding.system:
                continue
            key = app.get_key_display(binding)
            what = binding.description or binding.action.replace("_", " ")
            if binding.tooltip and binding.tooltip != what:
                what = f"{what}: {binding.tooltip}"
            keys = merged.setdefault((per_action.get(binding.action, group), binding.action,
                                      what), [])
            if key not in keys:
                keys.append(key)

    add(_group(app), _own_bindings(type(app), textual_too=True), app_groups)
    if app.ENABLE_COMMAND_PALETTE:
        add(ANYWHERE, [Binding(app.COMMAND_PALETTE_BINDING, "command_palette",
                               "Command palette: every action by name")], {})
    if screen is not None:
        add(_group(screen), _own_bindings(type(screen), textual_too=False), {})
        for widget in screen.walk_children():
            add(_group(widget), _own_bindings(type(widget), textual_too=False), {})
    for group, keys, what in getattr(app, "HELP_EXTRAS", ()):
        shown = [app.get_key_display(Binding(key, "")) for key in keys]
        merged[(group, "", what)] = shown
    for node_type in getattr(app, "HELP_CLASSES", ()):
        add(_group(node_type), _own_bindings(node_type, textual_too=False), {})
    entries = [(group, ", ".join(keys), what) for (group, _, what), keys in merged.items()]
    order = [ANYWHERE] + list(dict.fromkeys(group for group, _, _ in entries))
    return sorted(entries, key=lambda entry: order.index(entry[0]))


def help_body(entries: Sequence[Entry]) -> RenderableType:
    """The entries under a heading per group, keys on the left, what they do wrapped."""
    width = min(max((len(key) for _, key, _ in entries), default=1), KEY_WIDTH)
    parts: list[RenderableType] = []
    group: str | None = None
    table: Table | None = None
    for where, key, what in entries:
        if table is None or where != group:
            group = where
            if where:
                parts.append(Text(("\n" if parts else "") + where, style="bold underline"))
            table = Table.grid(padding=(0, 2), expand=True)
            table.add_column(width=width, style="bold")
            table.add_column(ratio=1, overflow="fold")
            parts.append(table)
        table.add_row(Text(key), Text(what))
    return Group(*parts)


class HelpScreen(ModalScreen[None]):
    """The key bindings, from a given list or read from the app and the screen below."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > #help-box {
        width: 100;
        max-width: 100%;
        height: 90%;
        border: thick $accent;
        background: $surface;
        padding: 0 1;
    }
    HelpScreen #help-scroll {
        height: 1fr;
        scrollbar-size-vertical: 1;
    }
    HelpScreen #help-text {
        height: auto;
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
            with VerticalScroll(id="help-scroll"):
                yield Static(id="help-text")
            yield Static(Text("escape or q: close   ↑↓ PgUp PgDn: scroll"), id="help-hint")
        yield Footer()

    def on_mount(self) -> None:
        if self._given is not None:
            self.entries = [e if len(e) == 3 else ("", e[0], e[1]) for e in self._given]
        else:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 else None
            self.entries = collect_bindings(self.app, below)
        self.query_one("#help-text", Static).update(help_body(self.entries))
        self.query_one("#help-scroll").focus()

    def action_close(self) -> None:
        """Back to where help was opened."""
        self.dismiss(None)

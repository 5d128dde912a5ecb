"""KeyBar: the bindings that apply now, drawn as Textual's compact Footer draws them, on one
line by one widget, keeping the most important ones when they do not all fit."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class Key(NamedTuple):
    """One key shown: what it does, how it is drawn, and whether it works now."""

    action: str
    key: str
    display: str
    description: str
    enabled: bool


def shown_keys(bindings: Iterable[tuple[Binding, bool]],
               key_display: Callable[[Binding], str]) -> list[Key]:
    """The bindings to show, one per action (its first key), in the order given."""
    keys: list[Key] = []
    seen: set[str] = set()
    for binding, enabled in bindings:
        if not binding.show or binding.action in seen:
            continue
        seen.add(binding.action)
        keys.append(Key(binding.action, binding.key, key_display(binding), binding.description,
                        enabled))
    return keys


def key_width(key: Key) -> int:
    """Columns taken by a key and its description, and the space after it."""
    return len(key.display) + (1 + len(key.description) if key.description else 0) + 1


def fit(keys: list[Key], width: int, priority: dict[str, int]) -> list[Key]:
    """The keys that fit in ``width`` columns: the least important ones (the highest number
    in ``priority``, then the rightmost) are left out first; the order stays the same.
    The last key needs no space after it."""
    kept = list(keys)
    total = sum(map(key_width, kept))
    while kept and total - 1 > width:
        worst = max(range(len(kept)),
                    key=lambda i: (priority.get(kept[i].action, len(priority) // 2), i))
        total -= key_width(kept.pop(worst))
    return kept


class KeyBar(Widget, can_focus=False):
    """The keys that apply now, as Textual's compact Footer shows them (key, description, and
    the command palette's key on the right), drawn by one widget without a child per key.

    When they do not all fit, keys are left out by ``priority`` (action -> rank, 0 is the most
    important; actions not listed rank in the middle; or a function that gives it now);
    every binding stays in the help screen and the command palette. A click on a key presses
    it.
    """

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"keybar--key", "keybar--description", "keybar--item",
                         "keybar--separator"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--item {
            background: $footer-item-background;
        }
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        & > .keybar--separator {
            color: $foreground 20%;
            background: $footer-item-background;
        }
    }
    """

    def __init__(self, priority: dict[str, int] | Callable[[], dict[str, int]] | None = None,
                 *, id: str | None = None) -> None:
        super().__init__(id=id)
        #: action -> rank, or a function giving it now (the ranks may follow the app's state).
        self.priority = priority or {}
        self._regions: list[tuple[int, int, Key]] = []

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if screen is self.screen:
            self.refresh()

    def keys(self) -> tuple[list[Key], Key | None]:
        """The keys that apply now, and the command palette's key (None without it)."""
        active = self.screen.active_bindings
        app = self.app
        keys = shown_keys(((binding, enabled) for _, binding, enabled, _ in active.values()),
                          app.get_key_display)
        palette = None
        if app.ENABLE_COMMAND_PALETTE and app.COMMAND_PALETTE_BINDING in active:
            _, binding, enabled, _ = active[app.COMMAND_PALETTE_BINDING]
            palette = Key(binding.action, binding.key, app.get_key_display(binding),
                          binding.description, enabled)
            keys = [k for k in keys if k.key != binding.key]
        return keys, palette

    def render(self) -> Text:
        keys, palette = self.keys()
        width = self.size.width
        room = width - (key_width(palette) + 1 if palette is not None else 0)
        priority = self.priority() if callable(self.priority) else self.priority
        shown = fit(keys, room, priority)
        style = self.get_component_rich_style
        item = style("keybar--item")
        key_style, description_style = style("keybar--key"), style("keybar--description")
        dim = Style(dim=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._regions = []
        for index, key in enumerate(shown):
            if index:
                text.append(" ")
            start = text.cell_len
            self._append(text, key, item, key_style, description_style, dim)
            self._regions.append((start, text.cell_len, key))
        if palette is not None:  # on the right, with a space after it
            text.append(" " * max(0, width - text.cell_len - 1 - key_width(palette)))
            start = text.cell_len
            text.append("▏", style("keybar--separator"))
            self._append(text, palette, item, key_style, description_style, dim)
            self._regions.append((start, text.cell_len, palette))
            text.append(" ")
        return text

    @staticmethod
    def _append(text: Text, key: Key, item: Style, key_style: Style,
                description_style: Style, dim: Style) -> None:
        extra = item if key.enabled else item + dim
        text.append(key.display, item + key_style + (Style() if key.enabled else dim))
        if key.description:
            text.append(" " + key.description, extra + description_style
                        + (Style() if key.enabled else dim))

    def on_click(self, event: events.Click) -> None:
        """A click on a key presses it (a key that does not apply now rings the bell)."""
        for start, end, key in self._regions:
            if start <= event.x < end:
                if key.enabled:
                    self.app.simulate_key(key.key)
                else:
                    self.app.bell()
                return

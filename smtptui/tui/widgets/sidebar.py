"""The profiles sidebar: each profile with a SMART/MX badge and its target; broken ones marked."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.console import Console, ConsoleOptions, Group, RenderResult
from rich.style import Style
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from smtptui.smtp.safety import visible
from smtptui.store.profiles import BrokenProfile, Profile
from smtptui.tui.bindings import sidebar_bindings

Item = Profile | BrokenProfile
#: Besides letters and digits, the characters that filter the list when typed.
FILTER_CHARS = "-_.@:+ "


def matches(item: Item, needle: str) -> bool:
    """Does the filter text occur in the item's name or target (ignoring case)?"""
    if not needle:
        return True
    hay = item.name if isinstance(item, BrokenProfile) else f"{item.name} {item.target}"
    return needle.casefold() in hay.casefold()


def target_parts(item: Profile, scrub: Callable[[str], str]) -> tuple[str, str]:
    """Where the profile goes, as (the part that may be cut, the part always shown): the
    host and ":PORT" for a smart host; the MX domains and " port N" (when not 25) direct.
    ``scrub`` filters the text shown (whole, before it is cut in two)."""
    if item.mode == "direct":
        return scrub(item.target), scrub(f" port {item.port}") if item.port != 25 else ""
    head, colon, port = scrub(item.target).rpartition(":")
    return head, colon + port


class KeepTail:
    """One line that fits its width by cutting its head short ("smtp.exam…:587"): the tail
    (the port that tells two profiles apart) always shows."""

    def __init__(self, head: str, tail: str, style: Style | str = "") -> None:
        self.head, self.tail, self.style = head, tail, style

    @property
    def plain(self) -> str:
        """The whole line, uncut."""
        return self.head + self.tail

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        head = Text(self.head, no_wrap=True, overflow="ellipsis", end="")
        room = width - Text(self.tail).cell_len
        if head.cell_len > room:
            head.truncate(max(room, 1), overflow="ellipsis")
        line = Text(style=self.style, no_wrap=True, overflow="ellipsis")
        line.append_text(head)
        line.append(self.tail)
        yield line


class ProfileList(OptionList):
    """The list itself: typing filters it; enter chooses; keys for new/edit/duplicate/delete."""

    COMPONENT_CLASSES = {"profile--smart", "profile--mx", "profile--broken", "profile--name",
                         "profile--target", "profile--error"}

    HELP_GROUP = "Profiles list"
    BINDINGS = [
        Binding("enter", "select", "Open", id="sidebar.open"),
        *sidebar_bindings(),
        Binding("escape", "leave", "Back", tooltip="Clear the filter, or go back",
                id="sidebar.leave"),
    ]

    class FilterChanged(Message):
        """The filter text changed (typing, backspace, escape)."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.filter_text = ""

    def on_key(self, event: events.Key) -> None:
        """Printable keys filter the list; backspace takes one back."""
        if event.key == "backspace" and self.filter_text:
            self.filter_text = self.filter_text[:-1]
        elif event.character and (event.character.isalnum() or event.character in FILTER_CHARS):
            self.filter_text += event.character
        else:
            return
        event.stop()
        event.prevent_default()
        self.post_message(self.FilterChanged(self.filter_text))

    def clear_filter(self) -> bool:
        """Empty the filter (the Sidebar shows every profile again); False if it was empty."""
        if not self.filter_text:
            return False
        self.filter_text = ""
        self.post_message(self.FilterChanged(""))
        return True

    async def action_leave(self) -> None:
        """Escape: clear the filter, or (with none) go back to the transcript."""
        if not self.clear_filter():
            await self.run_action("app.focus_transcript")

    def prompt_for(self, item: Item, scrub: Callable[[str], str]) -> Group:
        """The badge and the name, then the target (BROKEN, then the error)."""
        style = self.get_component_rich_style
        # The badge and the name on one line, the name cut short if need be.
        name = Text(no_wrap=True, overflow="ellipsis")
        if isinstance(item, BrokenProfile):
            name.append("BROKEN", style("profile--broken", partial=True))
            name.append(" ")
            name.append(item.name, style("profile--name", partial=True))
            return Group(name, Text(scrub(item.message), style("profile--error", partial=True)))
        direct = item.mode == "direct"
        name.append("MX" if direct else "SMART",
                    style("profile--mx" if direct else "profile--smart", partial=True))
        name.append(" ")
        # A name or host from a file may hold a bidi override or an invisible character:
        # shown visible, as `smtptui profiles` shows them.
        name.append(visible(item.name), style("profile--name", partial=True))
        head, tail = target_parts(item, lambda text: scrub(visible(text)))
        return Group(name, KeepTail(head, tail, style("profile--target", partial=True)))

    def no_match(self, needle: str) -> Text:
        """What the list shows when the filter matches nothing."""
        text = Text("no profile matches ", style="italic")
        text.append(repr(needle), style="bold")
        text.append("\nbackspace or escape", style="dim")
        return text


class Sidebar(Vertical):
    """The saved profiles; posts Chosen when one is opened. Set items with set_items()."""

    class Chosen(Message):
        """The user opened a profile (or a broken one, to see its error)."""

        def __init__(self, item: Item) -> None:
            super().__init__()
            self.item = item

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.items: list[Item] = []
        self.shown: list[Item] = []
        self.scrub: Callable[[str], str] = lambda text: text

    def compose(self) -> ComposeResult:
        yield Static("Profiles", id="sidebar-title")
        yield Static(id="profile-filter")
        yield ProfileList(id="profile-list")

    def on_mount(self) -> None:
        self._show_filter("")

    @property
    def list(self) -> ProfileList:
        """The option list."""
        return self.query_one(ProfileList)

    @property
    def highlighted(self) -> Item | None:
        """The profile under the cursor."""
        index = self.list.highlighted
        return self.shown[index] if index is not None and index < len(self.shown) else None

    def option_text(self, index: int) -> str:
        """What the list shows for the profile at ``index``, as plain text."""
        prompt = self.list.get_option_at_index(index).prompt
        parts = prompt.renderables if isinstance(prompt, Group) else [prompt]
        return "\n".join(part.plain if isinstance(part, (Text, KeepTail)) else str(part)
                         for part in parts)

    def set_items(self, items: Sequence[Item], select: str | None = None) -> None:
        """Show these profiles (filtered as typed); put the cursor on ``select`` if given."""
        current = self.highlighted
        self.items = list(items)
        self._show_filter(self.list.filter_text)
        self._refill(select or (current.name if current is not None else None))

    def _refill(self, select: str | None) -> None:
        plist = self.list
        self.shown = [item for item in self.items if matches(item, plist.filter_text)]
        plist.clear_options()
        plist.add_options(Option(plist.prompt_for(item, self.scrub), id=f"p{index}")
                          for index, item in enumerate(self.shown))
        if not self.shown:
            if plist.filter_text and self.items:
                plist.add_option(Option(plist.no_match(self.scrub(plist.filter_text)),
                                        id="no-match", disabled=True))
            return
        names = [item.name for item in self.shown]
        plist.highlighted = names.index(select) if select in names else 0

    def clear_filter(self) -> None:
        """Show every profile again, the cursor left where it was (a fresh start for typing)."""
        plist = self.list
        if plist.filter_text:
            plist.filter_text = ""
            self._show_filter("")
            current = self.highlighted
            self._refill(current.name if current is not None else None)

    def _show_filter(self, text: str) -> None:
        label = self.query_one("#profile-filter", Static)
        if text:
            # One line: when the filter outgrows it, keep its end (where the typing is) in view.
            room = max(label.content_region.width - len("filter: …"), 1)
            shown = text if len(text) <= room + 1 else "…" + text[-room:]
            label.update(Text(f"filter: {shown}", no_wrap=True, overflow="crop"))
        elif self.items:
            label.update(Text("type to filter"))
        else:
            label.update(Text("no profiles yet: ctrl+n"))
        label.set_class(not text, "-empty")

    @on(ProfileList.FilterChanged)
    def _filter(self, event: ProfileList.FilterChanged) -> None:
        event.stop()
        self._show_filter(event.text)
        current = self.highlighted
        self._refill(current.name if current is not None else None)

    @on(OptionList.OptionSelected, "#profile-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        index = event.option_index
        if 0 <= index < len(self.shown):
            item = self.shown[index]
            if self.list.filter_text:  # done with it: the next search starts afresh
                self.list.filter_text = ""
                self._show_filter("")
                self._refill(item.name)
            self.post_message(self.Chosen(item))

"""The step bar (the next command, editable; host, TLS state, elapsed time) and the stage picker."""

from __future__ import annotations

from typing import NamedTuple

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from smtptui.smtp.vocabulary import RUN_TO

#: The stages "run to" offers, with what stopping there means.
STAGES = RUN_TO


class Status(NamedTuple):
    """What the status line shows."""

    state: str = "no profile"
    target: str = ""
    route: str = ""
    tls: str = ""
    elapsed: float | None = None


def status_text(status: Status, width: int) -> Text:
    """The status line in ``width`` columns: the state (outcome and exit code) and the target
    always; the route, the TLS state and the elapsed time while there is room (the elapsed
    time goes first, then the route, then the TLS state); a target too long is cut short."""
    parts = {"route": f" · {status.route}" if status.route and status.target else "",
             "tls": f"  TLS {status.tls}" if status.tls else "",
             "elapsed": f"  {status.elapsed:.2f} s" if status.elapsed is not None else ""}
    head = f" {status.state} "
    target = f" {status.target}" if status.target else ""
    for dropped in ("elapsed", "route", "tls"):
        if len(head) + len(target) + sum(map(len, parts.values())) <= width:
            break
        parts[dropped] = ""
    text = Text(no_wrap=True, overflow="ellipsis", end="")
    text.append(head, "bold reverse")
    text.append(target + parts["route"] + parts["tls"] + parts["elapsed"])
    text.truncate(max(width, len(head)), overflow="ellipsis")
    return text


class StatusLine(Widget):
    """The status line: the session's state, target, route, TLS state and elapsed time, fitted
    to the width it has (see status_text)."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.status = Status()

    def show(self, status: Status) -> None:
        """Show this status."""
        self.status = status
        self.refresh()

    def render(self) -> Text:
        return status_text(self.status, self.content_region.width or 80)


def activity(kind: str, stage: str, text: str) -> str | None:
    """What the session is doing after this transcript line, while nothing waits for the
    user ("waiting for the reply to MAIL"); None when the line changes nothing."""
    if kind == "info" and stage == "connect" and text.startswith("Connected to"):
        return "waiting for the greeting"
    if kind != "send":
        return None
    if stage == "dot":
        return "waiting for the final dot's reply" if text == "." else "sending the message"
    verb = text.split(" ", 1)[0].split(":", 1)[0].upper()
    if stage == "auth" or not (verb.isalpha() and len(verb) <= 12):
        verb = stage.upper()
    return f"waiting for the reply to {verb}"


class StepValue(Static):
    """The next command between edits, drawn as a disabled Input would draw it (or its
    placeholder); the Input itself is made after the first screen and shown to edit. While
    the session works on its own, what it is doing instead (``activity``)."""

    COMPONENT_CLASSES = {"step-value--placeholder", "step-value--activity"}
    PLACEHOLDER = "(nothing to send)"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.value = ""
        self.activity = False

    def show(self, value: str, activity: bool = False) -> None:
        """Show this command (the placeholder when empty), or what the session is doing."""
        self.value = value
        self.activity = activity
        self.refresh()

    def render(self) -> Text:
        if self.value and self.activity:
            return Text(self.value, self.get_component_rich_style("step-value--activity"),
                        no_wrap=True, overflow="crop", end="")
        if self.value:
            return Text(self.value, no_wrap=True, overflow="crop", end="")
        return Text(self.PLACEHOLDER, self.get_component_rich_style("step-value--placeholder"),
                    no_wrap=True, overflow="crop", end="")


class StepBar(Vertical):
    """The next command (editable in edit mode; any command in manual mode) and the status."""

    HELP_GROUP = "Step bar (editing)"
    BINDINGS = [
        Binding("escape", "cancel_edit", "Cancel", tooltip="Leave edit or manual mode",
                id="stepbar.cancel"),
    ]

    class Submitted(Message):
        """The user sent a line from the step bar: an edited next command, or a manual one."""

        def __init__(self, line: str, manual: bool) -> None:
            super().__init__()
            self.line = line
            self.manual = manual

    class Cancelled(Message):
        """The user left edit or manual mode without sending."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.mode = "view"  # view | edit | manual
        self.pending: str | None = None
        self.pending_stage = ""  # "dot": typed lines are lines of the message
        self.activity: str | None = None
        self.status = Status()
        self._label = Static("next", id="step-label")
        self._value = StepValue(id="step-value")
        self._input: Input | None = None
        self._status = StatusLine(id="step-status")

    def compose(self) -> ComposeResult:
        with Horizontal(id="step-line"):
            yield self._label
            yield self._value
        yield self._status

    def on_mount(self) -> None:
        self.call_after_refresh(lambda: self.input)  # ready before the first edit

    @property
    def input(self) -> Input:
        """The field to edit a command in (made after the first screen, hidden until then)."""
        if self._input is None:
            self._input = Input(id="step-input", select_on_focus=False)
            self._input.display = False
            self.query_one("#step-line").mount(self._input)
        return self._input

    def set_pending(self, line: str | None, stage: str = "") -> None:
        """The next command the session will send (None: nothing waits for the user); a
        command waiting for the user ends the activity shown. ``stage`` "dot": a typed DATA
        was answered 354, so a typed line is a line of the message."""
        self.pending = line
        self.pending_stage = stage
        if line is not None:
            self.activity = None
        if self.mode == "manual":
            self.input.placeholder = self._manual_hint()
        self._show_value()

    def _manual_hint(self) -> str:
        if self.pending_stage == "dot":
            return 'a line of the message; "." alone ends it (escape to leave)'
        return "any command, e.g. NOOP, VRFY user, HELP (escape to leave)"

    def set_activity(self, text: str | None) -> None:
        """What the session is doing while nothing waits for the user (None: nothing)."""
        self.activity = text
        self._show_value()

    def _show_value(self) -> None:
        if self.mode != "view":
            return
        self._label.update("now" if self.activity else "next")
        if self.activity:
            self._value.show(self.activity, activity=True)
        else:
            self._value.show(self.pending or "")

    def set_status(self, status: Status) -> None:
        """Show the session state, target, route, TLS state and elapsed time."""
        self.status = status
        self._status.show(status)

    def begin(self, mode: str) -> None:
        """Enter edit mode (the pending command) or manual mode (an empty line)."""
        self.mode = mode
        self.set_class(mode == "manual", "-manual")
        self.set_class(mode == "edit", "-edit")
        self._label.update("type" if mode == "manual" else "edit")
        field = self.input
        self._value.display = False
        field.display = True
        field.placeholder = self._manual_hint() if mode == "manual" else "the next command"
        field.value = "" if mode == "manual" else (self.pending or "")
        field.focus()
        field.cursor_position = len(field.value)

    def end(self) -> None:
        """Back to showing the next command (or what the session is doing)."""
        self.mode = "view"
        self.remove_class("-manual", "-edit")
        self.input.display = False
        self._value.display = True
        self._show_value()

    @on(Input.Submitted, "#step-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        manual = self.mode == "manual"
        if manual:  # sent as typed, as telnet would: an empty line too (a message's blank line)
            line = event.value
            self.input.value = ""
        else:
            line = event.value.strip()
            self.end()
        if line or manual:
            self.post_message(self.Submitted(line, manual))

    def action_cancel_edit(self) -> None:
        """Leave edit or manual mode."""
        if self.mode == "view":
            return
        self.end()
        self.post_message(self.Cancelled())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "cancel_edit":
            return self.mode != "view"
        return True


class StagePicker(ModalScreen[str | None]):
    """Pick the stage to run to; its own key bar says which keys apply."""

    HELP_GROUP = "Run-to list (t)"
    BINDINGS = [Binding("escape", "dismiss_none", "Cancel", id="stagepicker.cancel")]

    def compose(self) -> ComposeResult:
        from textual.widgets import Footer

        with Vertical(id="stage-picker"):
            yield Static("Run until this stage is done:", id="stage-picker-title")
            yield OptionList(*[Option(Text(f"{name:<9} {what}"), id=name)
                               for name, what in STAGES], id="stage-list")
            yield Static(Text("↑↓ move   enter: run to it   escape: cancel"),
                         id="stage-picker-hint")
        yield Footer()

    @on(OptionList.OptionSelected, "#stage-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option.id)

    def action_dismiss_none(self) -> None:
        """Close without choosing."""
        self.dismiss(None)

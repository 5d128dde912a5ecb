"""Confirm: a yes/no question as a modal screen (y: yes; n, escape or enter: no)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Footer, Static
from textual.widgets.button import ButtonVariant


class Confirm(ModalScreen[bool]):
    """Ask one question; dismissed with True (yes) or False (no)."""

    DEFAULT_CSS = """
    Confirm {
        align: center middle;
    }
    Confirm > #confirm-box {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $warning;
        background: $surface;
        padding: 1 2;
    }
    Confirm #confirm-question {
        height: auto;
        margin-bottom: 1;
    }
    Confirm #confirm-buttons {
        height: auto;
        align-horizontal: right;
    }
    Confirm #confirm-buttons Button {
        margin-left: 2;
    }
    """

    BINDINGS = [
        Binding("y", "answer(True)", "Yes", id="confirm.yes"),
        Binding("n", "answer(False)", "No", id="confirm.no"),
        # Enter is "open" in the list the question came from: a habitual press must not delete.
        Binding("enter", "answer(False)", "No", show=False, id="confirm.enter"),
        Binding("escape", "answer(False)", "No", show=False, id="confirm.escape"),
    ]

    def __init__(self, question: str, *, yes: str = "Yes", no: str = "No",
                 title: str = "") -> None:
        super().__init__()
        self.question = question
        self.title_text = title
        self.yes_label = yes
        self.no_label = no

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-box") as box:
            if self.title_text:
                box.border_title = self.title_text
            yield Static(Text(self.question), id="confirm-question")
            with Horizontal(id="confirm-buttons"):
                # Not focusable: the keys answer, so enter never means "the focused button".
                buttons: tuple[tuple[str, str, ButtonVariant], ...] = (
                    (f"{self.yes_label} (y)", "confirm-yes", "error"),
                    (f"{self.no_label} (n)", "confirm-no", "primary"))
                for label, ident, variant in buttons:
                    button = Button(label, id=ident, variant=variant)
                    button.can_focus = False
                    yield button
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        """A click on a button answers as its key would."""
        event.stop()
        self.dismiss(event.button.id == "confirm-yes")

    def action_answer(self, yes: bool) -> None:
        """Close with the answer."""
        self.dismiss(yes)

"""PasswordPrompt: a masked password input as a modal screen; the password is never shown."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Static


class PasswordPrompt(ModalScreen[str | None]):
    """Ask for a password: enter returns it, escape returns None.

    The typed text lives only in the masked Input until it is handed back; the Input is then
    emptied. Nothing here logs it, shows it or keeps it in an attribute.
    """

    DEFAULT_CSS = """
    PasswordPrompt {
        align: center middle;
    }
    PasswordPrompt > #password-box {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $accent;
        background: $surface;
        padding: 1 2;
    }
    PasswordPrompt #password-about {
        height: auto;
        margin-bottom: 1;
    }
    PasswordPrompt #password-hint {
        height: auto;
        color: $text-muted;
    }
    """

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="password.cancel")]

    def __init__(self, user: str = "", target: str = "", *, title: str = "Password") -> None:
        super().__init__()
        self.user = user
        self.target = target
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical(id="password-box") as box:
            box.border_title = self.title_text
            about = Text("Password")
            if self.user:
                about.append(" for ")
                about.append(self.user, style="bold")
            if self.target:
                about.append(" at ")
                about.append(self.target, style="bold")
            about.append(" (used for this session only, never saved):")
            yield Static(about, id="password-about")
            yield Input(password=True, id="password-input", placeholder="password")
            yield Static(Text("enter: use it   escape: cancel"), id="password-hint")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#password-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Hand the password back and forget it here."""
        event.stop()
        secret = event.value
        event.input.value = ""
        self.dismiss(secret)

    def action_cancel(self) -> None:
        """Close without a password."""
        self.query_one("#password-input", Input).value = ""
        self.dismiss(None)

"""Modal screens of the workbench: profile editor, password prompt, help, confirmation, history."""

from smtptui.tui.screens.confirm import Confirm
from smtptui.tui.screens.editor import ProfileEditor
from smtptui.tui.screens.help import HelpScreen
from smtptui.tui.screens.history import HistoryScreen, TranscriptViewer
from smtptui.tui.screens.password import PasswordPrompt

__all__ = [
    "Confirm", "HelpScreen", "HistoryScreen", "PasswordPrompt", "ProfileEditor",
    "TranscriptViewer",
]

"""The app's profile actions (new, edit, duplicate, delete, past runs) and view actions."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from smtptui.store.profiles import BrokenProfile, Profile, ProfileError
from smtptui.tui.bindings import HELP_EXTRAS, HELP_GROUPS
from smtptui.tui.widgets.stepbar import StagePicker

if TYPE_CHECKING:
    from textual.dom import DOMQuery
    from textual.screen import Screen
    from textual.widget import Widget

    from smtptui.store.profiles import ProfileStore
    from smtptui.tui.widgets.explain import ExplainPanel
    from smtptui.tui.widgets.sidebar import Sidebar
    from smtptui.tui.widgets.transcript import TranscriptView


class Workbench(Protocol):
    """What the actions need of the App they are mixed into (a type checker's view)."""

    store: ProfileStore
    profile: Profile | None
    history: Any
    sidebar: Sidebar
    transcript: TranscriptView
    explain: ExplainPanel
    focused: Widget | None
    screen: Screen[Any]

    @property
    def phase(self) -> str: ...

    def scrub(self, text: str) -> str: ...

    def open(self, item: Profile | BrokenProfile) -> None: ...

    def close_profile(self) -> None: ...

    def reload_profiles(self, select: str | None = None) -> list[Profile | BrokenProfile]: ...

    def notify(self, message: str, *, title: str = "", **options: Any) -> None: ...

    def push_screen(self, screen: Any, callback: Any = None) -> Any: ...

    def query_one(self, selector: Any, expect_type: Any = None) -> Any: ...

    def query(self, selector: Any = None) -> DOMQuery[Any]: ...

    def copy_to_clipboard(self, text: str) -> None: ...

    def exit(self, result: Any = None) -> None: ...

    def _edit(self, profile: Profile | None) -> None: ...

    def _refuse_broken(self, item: BrokenProfile, action: str) -> None: ...


class ProfileActions:
    """Mixed into the App: each action works on the profile highlighted in the sidebar."""

    history: Any

    def action_profile_new(self: Workbench) -> None:
        """Create a profile in the editor."""
        self._edit(None)

    def action_profile_edit(self: Workbench) -> None:
        """Edit the highlighted profile (a broken one says why it cannot be)."""
        item = self.sidebar.highlighted
        if isinstance(item, Profile):
            self._edit(item)
        elif item is not None:
            self.notify(f"{item.name} is broken; fix its file by hand (f5 reads the folder "
                        f"again): {item.message}", severity="warning", markup=False)

    def _edit(self: Workbench, profile: Profile | None) -> None:
        from smtptui.tui.screens.editor import ProfileEditor

        def saved(result: Profile | None) -> None:
            if result is None:
                return
            self.reload_profiles(result.name)
            if profile is not None and self.profile is not None \
                    and self.profile.name == profile.name:
                self.open(result)

        self.push_screen(ProfileEditor(self.store, profile), saved)

    def _refuse_broken(self: Workbench, item: BrokenProfile, action: str) -> None:
        """Say why a broken profile cannot be duplicated or deleted."""
        if action == "delete":
            why = "smtptui never deletes a file it cannot read; remove or fix it by hand"
        else:
            why = "it cannot be duplicated; fix its file by hand"
        self.notify(f"{item.name} is broken: {why}, then f5 reads the folder again. "
                    f"{item.message}", severity="warning", markup=False, timeout=10)

    def action_profile_duplicate(self: Workbench) -> None:
        """Copy the highlighted profile under a new name (NAME-2, NAME-3...)."""
        item = self.sidebar.highlighted
        if isinstance(item, BrokenProfile):
            self._refuse_broken(item, "duplicate")
        if not isinstance(item, Profile):
            return
        names = {i.name.casefold() for i in self.sidebar.items}
        number = 2
        while f"{item.name}-{number}".casefold() in names:
            number += 1
        try:
            copy = self.store.duplicate(item.name, f"{item.name}-{number}")
        except ProfileError as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.reload_profiles(copy.name)
        self.notify(f"duplicated as {copy.name}; ctrl+e edits it", markup=False)

    def action_profile_delete(self: Workbench) -> None:
        """Delete the highlighted profile, after a confirmation."""
        from smtptui.tui.screens.confirm import Confirm

        item = self.sidebar.highlighted
        if isinstance(item, BrokenProfile):
            self._refuse_broken(item, "delete")
        if not isinstance(item, Profile):
            return

        def answered(yes: bool | None) -> None:
            if not yes:
                return
            try:
                self.store.delete(item.name)
            except ProfileError as exc:
                self.notify(str(exc), severity="error", markup=False)
                return
            if self.profile is not None and self.profile.name == item.name:
                self.close_profile()
            self.reload_profiles()
            self.notify(f"deleted {item.name}", markup=False)

        self.push_screen(Confirm(f"Delete the profile {item.name!r} and its file?",
                                 yes="Delete", title="Delete profile"), answered)

    def action_profiles_reload(self: Workbench) -> None:
        """Read the profiles folder again (files changed by hand); the cursor stays put."""
        items = self.reload_profiles()
        broken = [item.name for item in items if isinstance(item, BrokenProfile)]
        count = len(items) - len(broken)
        text = f"profiles folder read again: {count} profile{'s' if count != 1 else ''}"
        if broken:
            text += f"; broken: {', '.join(broken)}"
        current = self.profile
        fresh = next((item for item in items if isinstance(item, Profile) and current is not None
                      and item.name == current.name), None)
        if current is not None and fresh != current:
            if fresh is not None and self.phase == "ready":
                focused = self.focused
                self.open(fresh)  # nothing run yet: take the file as it is now
                if focused is not None:
                    focused.focus()
                text += f"; {fresh.name} reopened with its changes"
            else:
                text += (f"; {current.name} changed on disk: this session keeps what it had "
                         "(enter in the list opens the file as it is now)")
        self.notify(text, title="profiles", severity="warning" if broken else "information",
                    markup=False)

    def action_history(self: Workbench) -> None:
        """The past runs of the highlighted profile, read-only."""
        from smtptui.tui.screens.history import HistoryScreen

        item = self.sidebar.highlighted
        if item is not None:
            self.push_screen(HistoryScreen(item.name, self.history))


class ViewActions:
    """Mixed into the App: the transcript's file and view, the panes, help and quitting."""

    #: For the help screen: where the App's keys apply, and the keys it cannot read itself.
    HELP_GROUP = "Main screen"
    HELP_GROUPS = HELP_GROUPS
    HELP_CLASSES = (StagePicker,)
    HELP_EXTRAS = HELP_EXTRAS

    def action_save(self: Workbench) -> None:
        """Save the transcript to a new file in the current folder (mode 0600)."""
        from smtptui.tui.export import save_transcript

        name = self.profile.name if self.profile is not None else "session"
        try:
            path = save_transcript(self.transcript.plain_lines(), Path.cwd(), name)
        except OSError as exc:
            self.notify(f"not saved: {exc}", severity="error", markup=False)
            return
        self.notify(f"transcript saved to {path}", title="saved", markup=False)

    def action_copy_command(self: Workbench) -> None:
        """Copy the session as an `smtptui run` command line (and show it)."""
        from smtptui.tui.export import run_command_line

        if self.profile is not None:
            line = run_command_line(self.profile, self.store.directory)
            self.copy_to_clipboard(line)
            shown = run_command_line(self.profile, self.store.directory, shown=True)
            self.notify(self.scrub(shown), title="copied to the clipboard", markup=False)

    def action_profiles(self: Workbench) -> None:
        """Go to the profiles list, with a fresh filter."""
        self.query_one("#main").remove_class("-no-sidebar")
        self.sidebar.clear_filter()
        self.sidebar.list.focus()

    def action_focus_transcript(self: Workbench) -> None:
        """Back to the transcript."""
        self.transcript.focus()

    def action_toggle_raw(self: Workbench) -> None:
        """Switch between the gutter view and the raw interleaved form."""
        self.transcript.raw = not self.transcript.raw

    def action_toggle_fold(self: Workbench) -> None:
        """Fold or unfold the DATA part."""
        self.transcript.fold = not self.transcript.fold

    def action_toggle_inspector(self: Workbench) -> None:
        """Show or hide the capability inspector (on a narrow screen: instead of the centre).

        Hidden, it gives the focus back to the transcript; shown in the centre's place (a
        narrow screen), it takes the focus (its keyword table, once there is one).
        """
        main = self.query_one("#main")
        main.toggle_class("-inspector")
        narrow = self.screen.has_class("-narrow")
        if main.has_class("-inspector") != narrow:  # hidden now
            self.transcript.focus()
        elif narrow:
            tables = self.query("#caps-table")
            (tables.first() if tables else self.query_one("#inspector")).focus()

    def action_toggle_explain(self: Workbench) -> None:
        """Show or hide the panel that explains the selected line and diagnoses the session."""
        panel = self.explain
        panel.display = not panel.display
        if not panel.display and self.focused is panel:
            self.transcript.focus()

    def action_toggle_sidebar(self: Workbench) -> None:
        """Show or hide the profiles sidebar."""
        self.query_one("#main").toggle_class("-no-sidebar")

    def action_help(self: Workbench) -> None:
        """Every key binding."""
        from smtptui.tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def action_leave(self: Workbench) -> None:
        """Quit the app."""
        self.exit(0)

"""Every app action once: its keys (bindings with ids) and its command palette entry."""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from textual.binding import Binding, BindingType
from textual.command import DiscoveryHit, Hit, Hits, Provider


class KeyAction(NamedTuple):
    """One app action: keys, the Footer's short label, the palette's title and help."""

    action: str
    keys: tuple[str, ...]
    label: str
    title: str
    help: str
    show: bool = True


ACTIONS: tuple[KeyAction, ...] = (
    KeyAction("step", ("s", "enter"), "Step", "session: step",
           "Send the next command (the first step connects)"),
    KeyAction("run", ("r",), "Run", "session: run to the end",
           "Send every remaining command without stopping"),
    KeyAction("run_to", ("t",), "Run to", "session: run to a stage",
           "Run until a chosen stage is done, then wait"),
    KeyAction("stop", ("x", "escape"), "Stop", "session: stop",
           "Stop the session now (a stuck server is abandoned at once)"),
    KeyAction("edit", ("e",), "Edit", "session: edit the next command",
           "Change the next command before it is sent"),
    KeyAction("manual", ("m",), "Manual", "session: manual command",
           "Type and send any command, as in telnet"),
    KeyAction("restart", ("ctrl+r",), "Restart", "session: restart",
           "Start the session again from the connection"),
    KeyAction("copy_command", ("c",), "Copy", "session: copy as command line",
           "Copy the session as an `smtptui run` command line"),
    KeyAction("save", ("ctrl+s",), "Save", "transcript: save to a file",
           "Write the transcript to a new file in the current folder (mode 0600)", False),
    KeyAction("toggle_raw", ("v",), "Raw", "transcript: toggle raw view",
           "Switch between the direction gutter and the raw interleaved form"),
    KeyAction("toggle_fold", ("f",), "Fold", "transcript: fold or unfold DATA",
           "Fold the message to one summary line, or show it", False),
    KeyAction("toggle_inspector", ("i",), "EHLO", "view: EHLO capability inspector",
           "Show or hide the EHLO capability inspector"),
    KeyAction("toggle_explain", ("d",), "Explain", "view: explain and diagnosis panel",
           "Show or hide the panel that explains the selected line and diagnoses a failed "
           "session (tab moves into it to scroll)"),
    KeyAction("toggle_sidebar", ("ctrl+b",), "Sidebar", "view: sidebar",
           "Show or hide the profiles sidebar", False),
    KeyAction("profiles", ("p",), "Profiles", "profile: switch",
           "Go to the profiles list (type to filter, enter to open)"),
    KeyAction("profile_new", ("ctrl+n",), "New", "profile: new", "Create a profile", False),
    KeyAction("profile_edit", ("ctrl+e",), "Edit", "profile: edit",
           "Edit the highlighted profile", False),
    KeyAction("profile_duplicate", ("ctrl+d",), "Duplicate", "profile: duplicate",
           "Copy the highlighted profile", False),
    KeyAction("profile_delete", ("delete",), "Delete", "profile: delete",
           "Delete the highlighted profile (asks first)", False),
    KeyAction("history", ("ctrl+o",), "Past runs", "profile: past runs",
           "The saved transcripts of the highlighted profile's runs", False),
    KeyAction("profiles_reload", ("f5",), "Reload", "profile: reload the folder",
           "Read the profiles folder again (files changed by hand)"),
    KeyAction("help", ("question_mark", "f1"), "Help", "app: help", "Every key binding"),
    KeyAction("leave", ("q",), "Quit", "app: quit", "Leave smtptui (ctrl+q works everywhere)"),
)

#: The Footer's keys while a session runs, the most important first: when they do not all
#: fit (80 columns), the last ones are left out first (they stay in the help screen and the
#: command palette). Actions not named here (the sidebar's, a screen's own) rank in the middle.
FOOTER_PRIORITY = {action: rank for rank, action in enumerate((
    "step", "run", "stop", "edit", "manual", "run_to", "help", "leave", "toggle_explain",
    "toggle_inspector", "profiles", "restart", "toggle_raw", "copy_command",
    "profiles_reload"))}

#: The same while no session runs (before one, or after it): what comes next is running it
#: (again) or copying it as a command line, so those two come before the views.
FOOTER_PRIORITY_IDLE = {action: rank for rank, action in enumerate((
    "step", "run", "restart", "copy_command", "run_to", "manual", "help", "leave",
    "toggle_explain", "toggle_inspector", "profiles", "toggle_raw", "profiles_reload"))}

#: The App's actions that apply anywhere (the help screen lists the others under "Main
#: screen"): action -> the help screen's group.
HELP_GROUPS = {action: "Anywhere" for action in (
    "help", "history", "profiles_reload", "quit", "command_palette")}

#: Keys that Textual's own widgets provide, for the help screen: (group, keys, what they do).
HELP_EXTRAS: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("Main screen", ("tab", "shift+tab"),
     "Move the focus: transcript, explain panel (to scroll it), profiles list"),
    ("Explain panel", ("up", "down", "pageup", "pagedown"), "Scroll the explanation"),
    ("Step bar (editing)", ("enter",), "Send: the edited next command, or the typed one"),
    ("Profiles list", ("up", "down"), "Move through the profiles"),
    ("Profiles list", ("typing", "backspace"),
     "Filter the list: letters, digits and - _ . @ : + (backspace takes one back)"),
    ("Run-to list (t)", ("up", "down"), "Move through the stages"),
    ("Run-to list (t)", ("enter",), "Run until the highlighted stage is done, then wait"),
)

#: The profile actions' keys live on the sidebar's list (they apply there).
SIDEBAR_ACTIONS = {"profile_new", "profile_edit", "profile_duplicate", "profile_delete"}


def app_bindings() -> list[BindingType]:
    """The App's bindings: each key with an id ("app.step", "app.step-2") for remapping."""
    bindings: list[BindingType] = []
    for spec in ACTIONS:
        if spec.action in SIDEBAR_ACTIONS:
            continue
        for index, key in enumerate(spec.keys):
            bindings.append(Binding(key, spec.action, spec.label, show=spec.show and index == 0,
                                    tooltip=spec.help,
                                    id=f"app.{spec.action}" + (f"-{index + 1}" if index else "")))
    return bindings


def sidebar_bindings() -> list[Binding]:
    """The profile list's bindings for new, edit, duplicate and delete (run on the app)."""
    return [Binding(key, f"app.{spec.action}", spec.label, tooltip=spec.help,
                    id=f"sidebar.{spec.action}")
            for spec in ACTIONS if spec.action in SIDEBAR_ACTIONS for key in spec.keys]


class SmtpTuiCommands(Provider):
    """Offers the app's actions that apply now; choosing one runs it."""

    def _applies(self, action: str) -> bool:
        return self.app.check_action(action, ()) is not False

    async def discover(self) -> Hits:
        for spec in ACTIONS:
            if self._applies(spec.action):
                yield DiscoveryHit(spec.title, partial(self.app.run_action, spec.action),
                                   help=spec.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for spec in ACTIONS:
            score = matcher.match(spec.title)
            if score > 0 and self._applies(spec.action):
                yield Hit(score, matcher.highlight(spec.title),
                          partial(self.app.run_action, spec.action), text=spec.title,
                          help=spec.help)

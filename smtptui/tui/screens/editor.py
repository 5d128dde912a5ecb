"""ProfileEditor: a form over every profile field, checked as the user types, saved by ctrl+s."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Footer, Input, Label, Select, Static, Switch, TextArea

from smtptui.smtp import record
from smtptui.store.profiles import (
    FIELDS,
    QUIT_AFTER_STAGES,
    Profile,
    ProfileError,
    ProfileStore,
    check_field,
)

#: Field -> its label in the form.
LABELS = {
    "name": "Name", "mode": "Mode", "host": "Host", "port": "Port", "helo": "HELO name",
    "sender": "Sender", "recipients": "Recipients", "eml": "Message file", "subject": "Subject",
    "body": "Body", "tls": "TLS", "verify": "Verify cert.", "ca_file": "CA file",
    "tls_cert": "Client cert.", "tls_key": "Client key", "local_interface": "From address",
    "auth_user": "Login user", "auth_mech": "Login mech.", "password_source": "Password from",
    "timeout": "Time-out (s)", "dns": "DNS server", "quit_after": "Quit after",
    "protocol": "Protocol", "pipeline": "Pipelining", "chunking": "CHUNKING",
    "chunk_size": "Chunk size", "dsn_notify": "DSN notify", "dsn_ret": "DSN return",
    "dsn_envid": "DSN env. id", "dsn_orcpt": "DSN ORCPT", "requiretls": "REQUIRETLS",
    "xclient": "XCLIENT", "notes": "Notes",
}
PLACEHOLDERS = {
    "name": "(a name for this profile)", "host": "(e.g. smtp.example.net)", "port": "(e.g. 25)",
    "helo": "(the name to give in EHLO)", "sender": "(e.g. me@example.org)",
    "eml": "(a .eml file; or subject and body below)", "subject": "(e.g. Test message)",
    "ca_file": "(system CAs; or a PEM file of a private CA)", "auth_user": "(no login)",
    "timeout": "(RFC 5321's defaults)", "dns": "(the system's resolver; or HOST[:PORT])",
    "chunk_size": "(octets per BDAT)", "dsn_notify": "(none; or NEVER, or SUCCESS,FAILURE,DELAY)",
    "dsn_ret": "(none; or FULL or HDRS)", "dsn_envid": "(none; an envelope id)",
    "tls_cert": "(none; or a PEM file, when the server asks for one)",
    "tls_key": "(in the certificate's file; or a PEM key file)",
    "local_interface": "(the system's choice; or ADDR[:PORT] of this host)",
}
TEXT_AREAS = {"recipients": 3, "body": 4, "xclient": 2, "notes": 3}
#: Yes/no fields, a switch each.
SWITCHES = ("verify", "pipeline", "chunking", "dsn_orcpt", "requiretls")
PROTOCOL_OPTIONS = [("esmtp: EHLO (HELO if refused)", "esmtp"), ("smtp: HELO only", "smtp"),
                    ("lmtp: LHLO, a reply per recipient", "lmtp")]
MODE_OPTIONS = [("smarthost: one relay host", "smarthost"),
                ("direct: the recipients' MX hosts", "direct")]
TLS_OPTIONS = [("off: plain text only", "off"), ("starttls: upgrade when offered", "starttls"),
               ("required: STARTTLS or stop", "required"),
               ("implicit: TLS from the start (465)", "implicit")]
MECHS = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")
PASSWORD_KINDS = [("nowhere (no login)", ""), ("ask when run", "prompt"),
                  ("environment variable", "env"), ("a command's output", "command")]
_KIND_HINT = {"env": "(variable name, e.g. SMTP_PASSWORD)",
              "command": "(command, e.g. pass show smtp/relay)"}
#: The status line's hint, until a save says what went wrong.
HINT = "ctrl+s: save   escape: cancel   tab: next field"
_VERIFY_WORDS = {True: "yes: check the certificate and the host name",
                 False: "no: accept any certificate (like --no-verify)"}


class FieldInput(Input):
    """A one-line field: a paste holding TABs fills this field, then the next ones, each
    part replacing what the next field held (a TAB in the paste moves on, as a typed one
    does)."""

    def _on_paste(self, event: events.Paste) -> None:
        first, tab, rest = event.text.partition("\t")
        if not tab:
            return  # Input's own handler pastes it
        event.stop()
        event.prevent_default()
        if first:
            super()._on_paste(events.Paste(first))
        screen = self.screen
        for part in rest.split("\t"):
            field = screen.focus_next()
            if isinstance(field, Input) and not field.disabled:
                field.value = part.splitlines()[0] if part.strip() else ""
                field.cursor_position = len(field.value)
            elif isinstance(field, TextArea):
                field.text = part


def _select(name: str, options: list[tuple[str, str]], value: str) -> Select[str]:
    if value not in (v for _, v in options):
        options = [*options, (value, value)]
    return Select(options, value=value, allow_blank=False, compact=True, id=f"field-{name}")


class ProfileEditor(ModalScreen[Profile | None]):
    """Edit ``profile`` (or a new one) and save it through ``store``; dismissed with the saved
    profile, or None when cancelled. Store errors are shown and the form keeps its values."""

    DEFAULT_CSS = """
    ProfileEditor {
        align: center middle;
    }
    ProfileEditor > #editor-box {
        width: 100;
        max-width: 100%;
        height: 100%;
        border: thick $accent;
        background: $surface;
    }
    ProfileEditor #editor-form {
        height: 1fr;
        padding: 0 1;
    }
    ProfileEditor .editor-row {
        height: auto;
    }
    ProfileEditor .editor-label {
        width: 15;
        padding-right: 1;
        text-align: right;
        color: $text-muted;
    }
    ProfileEditor .editor-row > Input, ProfileEditor .editor-row > Select,
    ProfileEditor .editor-row > TextArea {
        width: 1fr;
    }
    ProfileEditor #field-password_source-kind {
        width: 26;
    }
    ProfileEditor Switch {
        border: none;
        height: 1;
        padding: 0 1;
    }
    ProfileEditor #verify-words {
        width: 1fr;
        padding-left: 1;
    }
    ProfileEditor .editor-error {
        height: auto;
        padding-left: 16;
        color: $error;
        text-style: bold;
        display: none;
    }
    ProfileEditor .editor-error.-shown {
        display: block;
    }
    ProfileEditor #editor-status {
        height: auto;
        padding: 0 1;
    }
    ProfileEditor #editor-status.-error {
        color: $error;
        text-style: bold;
    }
    """

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", priority=True, id="editor.save"),
        Binding("escape", "cancel", "Cancel", id="editor.cancel"),
        # Priority: the focus moves as the App reads the key, so the keys typed after a TAB
        # in one burst (a fast typist, a paste) go to the next field, not the one left.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True,
                id="editor.next"),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False,
                priority=True, id="editor.previous"),
    ]

    def __init__(self, store: ProfileStore, profile: Profile | None = None) -> None:
        super().__init__()
        self.store = store
        self.original = profile
        self.start = profile.copy() if profile is not None else Profile(name="")
        self.errors: dict[str, str] = {}
        self._initial: dict[str, Any] = {}
        self._save_tried = False
        #: Fields the focus has left: from then on, what a session start would refuse in them
        #: is said too (not while a value is first being typed).
        self._left: set[str] = set()
        #: What the status line says went wrong: "fields" (the count of fields to fix), or
        #: the field a store error named; None when it shows the hint.
        self._status_about: str | None = None

    # --- building the form -------------------------------------------------------------------

    def _widget_for(self, name: str) -> Widget:
        value = getattr(self.start, name)
        if name == "mode":
            return _select(name, MODE_OPTIONS, value)
        if name == "tls":
            return _select(name, TLS_OPTIONS, value)
        if name == "quit_after":
            return _select(name, [("the whole session", ""),
                                  *((s, s) for s in QUIT_AFTER_STAGES)], value)
        if name == "auth_mech":
            return _select(name, [("automatic", ""), *((m, m) for m in MECHS)], value)
        if name == "protocol":
            return _select(name, PROTOCOL_OPTIONS, value)
        if name in SWITCHES:
            return Switch(value=bool(value), id=f"field-{name}")
        if name in TEXT_AREAS:
            text = "\n".join(value) if name in ("recipients", "xclient") else value
            area = TextArea(text, soft_wrap=True, compact=True, id=f"field-{name}")
            area.styles.height = TEXT_AREAS[name]
            return area
        if name in ("port", "chunk_size"):
            value = str(value)
        elif name == "timeout":
            value = "" if value is None else f"{value:g}"
        return FieldInput(value=value or "", placeholder=PLACEHOLDERS.get(name, ""),
                          compact=True, id=f"field-{name}")

    def compose(self) -> ComposeResult:
        with Vertical(id="editor-box") as box:
            box.border_title = (f"Edit profile {self.original.name}" if self.original is not None
                                else "New profile")
            if self.original is not None and self.original.path is not None:
                box.border_subtitle = str(self.original.path)
            with VerticalScroll(id="editor-form"):
                for name in FIELDS:
                    with Horizontal(classes="editor-row"):
                        yield Label(LABELS[name], classes="editor-label")
                        if name == "password_source":
                            yield from self._password_source_widgets()
                        else:
                            yield self._widget_for(name)
                        if name == "verify":  # in words too: a switch says little without colour
                            yield Static(Text(_VERIFY_WORDS[bool(self.start.verify)]),
                                         id="verify-words")
                    yield Static(id=f"error-{name}", classes="editor-error")
            yield Static(Text(HINT), id="editor-status")
        yield Footer()

    def _password_source_widgets(self) -> ComposeResult:
        kind, _, rest = self.start.password_source.partition(":")
        yield _select("password_source-kind", PASSWORD_KINDS, kind)
        yield FieldInput(value=rest, placeholder=_KIND_HINT.get(kind, ""), compact=True,
                         disabled=kind not in _KIND_HINT, id="field-password_source-arg")

    def on_mount(self) -> None:
        self._initial = {name: self._raw(name) for name in FIELDS}
        self._sync_mode()
        self.query_one("#field-name").focus()

    # --- reading and checking values -----------------------------------------------------------

    def _raw(self, name: str) -> Any:
        """The field's value as the form holds it, in the type check_field expects."""
        if name == "password_source":
            kind = self.query_one("#field-password_source-kind", Select).value
            arg = self.query_one("#field-password_source-arg", Input).value.strip()
            return f"{kind}:{arg}" if kind in _KIND_HINT else str(kind or "")
        widget = self.query_one(f"#field-{name}")
        if isinstance(widget, Switch):
            return widget.value
        if isinstance(widget, Select):
            return "" if widget.value is Select.NULL else widget.value
        if isinstance(widget, TextArea):
            if name in ("recipients", "xclient"):
                return [line.strip() for line in widget.text.splitlines() if line.strip()]
            return widget.text
        text = widget.value if isinstance(widget, Input) else ""
        if name in ("port", "chunk_size"):
            return int(text.strip()) if text.strip().isdigit() else text.strip()
        if name == "timeout":
            try:
                return float(text) if text.strip() else None
            except ValueError:
                return text
        return text

    def _check(self, name: str, *, run: bool = False) -> tuple[Any, str]:
        """(normalised value, "") or (None, the one-line problem); with ``run``, also what a
        session start would refuse in the field (see run_problem)."""
        try:
            value = check_field(name, self._raw(name))
        except ProfileError as exc:
            return None, exc.message
        problem = self.run_problem(name, value) if run else ""
        return (None, problem) if problem else (value, "")

    def _value(self, name: str, default: Any = None) -> Any:
        """A field's checked value, or ``default`` while it is not valid."""
        try:
            return check_field(name, self._raw(name))
        except ProfileError:
            return default

    def run_problem(self, name: str, value: Any) -> str:
        """What `smtptui run` (and the app's first step) would refuse in this field when a
        session starts, in the words they use; "" when nothing. The same checks: the address
        rules of RFC 5321 (smtptui.smtp.commands), the message file opened, a host for a
        smart host, a recipient."""
        from smtptui.smtp.commands import check_address, check_helo_name
        from smtptui.smtp.errors import InputError

        direct = self._value("mode") == "direct"
        profile = repr(self._value("name", "") or "")
        try:
            if name == "sender":
                check_address(value, "sender", allow_null=True)
            elif name == "recipients":
                if not value:
                    return (f"profile {profile}: direct mode needs a recipient" if direct
                            else "no recipient given")
                for address in value:
                    check_address(address, "recipient")
            elif name == "host" and not direct and not value.strip().strip("[]"):
                return f"profile {profile} has no host (smart host mode)"
            elif name == "helo" and value:
                if not value.isascii():
                    return f"HELO name {value!r} must be ASCII (use the A-label form)"
                check_helo_name(value)
            elif name == "eml" and value:
                from smtptui.launch.message import MessageSource

                MessageSource.from_file(self._eml_path(value))
        except InputError as exc:
            return str(exc)
        return ""

    def _eml_path(self, eml: str) -> Path:
        """The message file as a session will open it: a relative name from the profile's
        folder (the profiles folder, for a profile not saved yet)."""
        path = Path(eml).expanduser()
        if path.is_absolute():
            return path
        original = self.original
        folder = (original.path.parent if original is not None and original.path is not None
                  else self.store.directory)
        return Path(folder).absolute() / path

    def _show_error(self, name: str, message: str) -> None:
        label = self.query_one(f"#error-{name}", Static)
        label.update(Text(message))
        label.set_class(bool(message), "-shown")
        if message:
            self.errors[name] = message
        else:
            self.errors.pop(name, None)

    def validate_field(self, name: str) -> str:
        """Check one field now and show its message under it (when changed or after a save);
        once the field was left (or a save tried), what a session start would refuse too.
        A "Not saved" status that the change answers is updated or cleared."""
        run = name in self._left or self._save_tried
        _, message = self._check(name, run=run)
        changed = self._raw(name) != self._initial.get(name)
        self._show_error(name, message if (changed or run) else "")
        if self._status_about == "fields":
            self._fields_status()
        elif self._status_about == name:
            self._set_status(HINT, error=False)
        return message

    def _fields_status(self) -> None:
        """Say how many fields are still to fix, and the first of them (or that none is)."""
        if not self.errors:
            self._set_status("Every field is valid now; ctrl+s saves.", error=False,
                             about="fields")
            return
        first = next(name for name in FIELDS if name in self.errors)
        count = len(self.errors)
        self._set_status(f"Not saved: {count} field{'s' if count != 1 else ''} to fix "
                         f"(first: {LABELS[first]}).", error=True, about="fields")

    def _field_of(self, widget: Widget) -> str | None:
        ident = widget.id or ""
        if not ident.startswith("field-"):
            return None
        name = ident.removeprefix("field-")
        return "password_source" if name.startswith("password_source") else name

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """A field left: check it, with what a session start would refuse in it."""
        name = self._field_of(event.widget)
        if name and self._initial and self.is_attached:
            self._left.add(name)
            self.validate_field(name)

    def on_input_changed(self, event: Input.Changed) -> None:
        """Check a text field as it is typed."""
        if (name := self._field_of(event.input)) and self._initial:
            self.validate_field(name)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        """Check a multi-line field as it is typed."""
        if (name := self._field_of(event.text_area)) and self._initial:
            self.validate_field(name)

    def on_select_changed(self, event: Select.Changed) -> None:
        """Check a choice; the password source's argument only applies to env: and command:."""
        if event.select.id == "field-password_source-kind":
            arg = self.query_one("#field-password_source-arg", Input)
            kind = str(event.value) if event.value is not Select.NULL else ""
            arg.disabled = kind not in _KIND_HINT
            arg.placeholder = _KIND_HINT.get(kind, "")
        if event.select.id == "field-mode":
            self._sync_mode()
            for needs_mode in ("host", "recipients"):  # what they need depends on the mode
                if needs_mode in self._left or self._save_tried:
                    self.validate_field(needs_mode)
        if (name := self._field_of(event.select)) and self._initial:
            self.validate_field(name)

    def on_switch_changed(self, event: Switch.Changed) -> None:
        """A switch is always valid; say what it now means."""
        event.stop()
        self.query_one("#verify-words", Static).update(Text(_VERIFY_WORDS[event.value]))

    def _sync_mode(self) -> None:
        """In direct mode the host is the recipients' MX: the host field is not used."""
        direct = self.query_one("#field-mode", Select).value == "direct"
        self.query_one("#field-host", Input).disabled = direct

    # --- actions -------------------------------------------------------------------------------

    def _set_status(self, message: str, error: bool, about: str | None = None) -> None:
        status = self.query_one("#editor-status", Static)
        status.update(Text(message))
        status.set_class(error, "-error")
        self._status_about = about

    def action_save(self) -> None:
        """Check every field; if all are good, save through the store and close."""
        self._save_tried = True
        values: dict[str, Any] = {}
        for name in FIELDS:
            value, message = self._check(name, run=True)
            self._show_error(name, message)
            values[name] = value
        if self.errors:
            self._fields_status()
            first = next(name for name in FIELDS if name in self.errors)
            widget_id = ("#field-password_source-kind" if first == "password_source"
                         else f"#field-{first}")
            self.query_one(widget_id).focus()
            return
        try:
            saved = self._save(values)
        except ProfileError as exc:
            about = None
            if exc.field in LABELS and exc.path is None:
                self._show_error(exc.field, exc.message)
                about = exc.field
            self._set_status(f"Not saved: {exc}", error=True, about=about)
            return
        self.dismiss(saved)

    def _save(self, values: dict[str, Any]) -> Profile:
        original = self.original
        if original is None or original.path is None:
            # A new profile must not quietly replace one of the same name.
            for name in self.store.names():
                if name.casefold() == values["name"].casefold():
                    raise ProfileError(None, None, "name",
                                       f"a profile named {name!r} already exists")
            base = original or Profile(name=values["name"])
            return self.store.save(record.replace(base, **values))
        # Only what the user changed here: the store merges it into the file as it is now,
        # so edits made by hand while the form was open are kept (or a clash is refused).
        changed = {name: value for name, value in values.items()
                   if self._raw(name) != self._initial.get(name)}
        edited = record.replace(original, **changed)
        if edited.name == original.name:
            return self.store.save(edited)
        # A new name: save the edits under the old name, then rename (file and all).
        self.store.save(record.replace(edited, name=original.name))
        saved = self.store.rename(original.name, values["name"])
        self.original = saved
        return saved

    def changed_fields(self) -> list[str]:
        """The fields whose value differs from what the form opened with."""
        return [name for name in FIELDS if self._raw(name) != self._initial.get(name)]

    def action_cancel(self) -> None:
        """Close without saving; with typed changes, after asking."""
        changed = self.changed_fields()
        if not changed:
            self.dismiss(None)
            return
        from smtptui.tui.screens.confirm import Confirm

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        names = ", ".join(LABELS[name] for name in changed)
        self.app.push_screen(Confirm(f"Throw away the changes to {names}?", yes="Discard",
                                     no="Keep editing", title="Unsaved changes"), answered)

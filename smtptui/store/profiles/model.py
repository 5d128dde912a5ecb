"""The Profile model: one saved route and message, as a record, and its per-run overrides."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from smtptui.smtp.record import field, record, replace
from smtptui.store.profiles.validate import CHECKS, ProfileError, check_field, slugify

#: The fields saved in a profile file, in the order a new file lists them.
FIELDS = (
    "name", "mode", "host", "port", "helo", "sender", "recipients", "eml", "subject", "body",
    "tls", "verify", "ca_file", "tls_cert", "tls_key", "auth_user", "auth_mech",
    "password_source", "timeout", "dns", "local_interface", "quit_after", "protocol",
    "pipeline", "chunking", "chunk_size", "dsn_notify", "dsn_ret", "dsn_envid", "dsn_orcpt",
    "requiretls", "xclient", "notes",
)


@record
class Profile:
    """A saved session: where to connect, as whom, to whom, with which message, and how.

    ``path`` is the file the profile was loaded from or saved to (None for a new one).
    The password is never a field: ``password_source`` says where to get it at run time.
    """

    name: str
    mode: str = "smarthost"  # "smarthost" | "direct"
    host: str = ""
    port: int = 25
    helo: str = ""
    sender: str = ""
    recipients: list[str] = field(default_factory=list)
    eml: str | None = None  # a .eml path; relative to the profile file's folder
    subject: str = ""  # with body: the message composed on the fly when there is no eml
    body: str = ""
    tls: str = "starttls"  # "off" | "starttls" | "required" | "implicit"
    verify: bool = True
    ca_file: str = ""
    tls_cert: str = ""  # a client certificate (PEM); relative to the profile file's folder
    tls_key: str = ""  # its private key, if not in the same file
    auth_user: str = ""
    auth_mech: str = ""
    password_source: str = ""  # "prompt" | "env:VAR" | "command:CMD" | ""
    timeout: float | None = None  # seconds for every stage; None: RFC 5321's defaults
    dns: str = ""  # resolver "HOST[:PORT]"; "" for the system's
    local_interface: str = ""  # "ADDR" or "ADDR:PORT" ("[V6]:PORT"): where to connect from
    quit_after: str = ""  # a stage name, or "" to run the whole session
    protocol: str = "esmtp"  # smtp | esmtp | lmtp
    pipeline: bool = True  # PIPELINING where offered (RFC 2920)
    chunking: bool = False  # BDAT where offered (RFC 3030)
    chunk_size: int = 1024 * 1024
    dsn_notify: str = ""  # RFC 3461: NEVER, or SUCCESS,FAILURE,DELAY
    dsn_ret: str = ""  # FULL | HDRS
    dsn_envid: str = ""
    dsn_orcpt: bool = False
    requiretls: bool = False  # RFC 8689
    xclient: list[str] = field(default_factory=list)  # XCLIENT commands' attributes (Postfix)
    notes: str = ""
    path: Path | None = field(default=None, compare=False)
    #: The TOML text this profile came from (its comments and unknown keys, kept on save).
    document: Any = field(default=None, compare=False, repr=False)

    @property
    def slug(self) -> str:
        """The file name stem this profile is saved under (``<slug>.toml``)."""
        return slugify(self.name)

    @property
    def target(self) -> str:
        """Where the session goes, for lists: ``host:port``, or the recipients' MX."""
        if self.mode == "direct":
            domains = sorted({r.rpartition("@")[2].lower() for r in self.recipients if "@" in r})
            return f"MX of {', '.join(domains)}" if domains else "MX of the recipients' domains"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host or '(no host)'}:{self.port}"

    @classmethod
    def from_fields(cls, values: dict[str, Any], path: Path | None = None) -> Profile:
        """Build a profile from raw values (missing ones take their defaults), checking each.

        Raises ProfileError naming the first bad field (with ``path``, without a line).
        """
        checked: dict[str, Any] = {}
        for name, value in values.items():
            try:
                checked[name] = check_field(name, value)
            except ProfileError as exc:
                raise ProfileError(path, None, exc.field, exc.message) from None
        if "name" not in checked:
            raise ProfileError(path, None, "name", "is required")
        return cls(**checked, path=path)

    def to_fields(self) -> dict[str, Any]:
        """The saved fields as a dict, in file order (lists copied)."""
        return {name: copy.copy(getattr(self, name)) for name in FIELDS}

    def apply_overrides(self, **changes: Any) -> Profile:
        """A copy of this profile with ``changes`` applied, for one run (the file is untouched).

        Each value is checked as in a file; ProfileError names a bad one. A relative ``eml``,
        ``tls_cert`` or ``tls_key`` given here is taken from the current folder (as a
        command-line path is), not the profile's folder.
        """
        checked = {}
        for name, value in changes.items():
            if name not in CHECKS:
                raise ProfileError(None, None, name, "not a profile field")
            checked[name] = check_field(name, value)
        if checked.get("eml") and not Path(checked["eml"]).expanduser().is_absolute():
            checked["eml"] = str(Path(checked["eml"]).expanduser().absolute())
        for name in ("tls_cert", "tls_key"):  # from the command line: the current folder's
            if checked.get(name) and not Path(checked[name]).expanduser().is_absolute():
                checked[name] = str(Path(checked[name]).expanduser().absolute())
        checked.setdefault("recipients", list(self.recipients))
        return replace(self, **checked)

    def copy(self) -> Profile:
        """An independent copy (for an editor to change without touching this one)."""
        return replace(self, recipients=list(self.recipients), xclient=list(self.xclient))

    def check(self) -> None:
        """Check every field of this (possibly edited) profile; ProfileError names a bad one."""
        for name in FIELDS:
            try:
                normal = check_field(name, getattr(self, name))
            except ProfileError as exc:
                raise ProfileError(self.path, None, exc.field, exc.message) from None
            setattr(self, name, normal)

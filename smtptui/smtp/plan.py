"""SessionPlan: what one session will do (target, envelope, message, TLS, AUTH, time-outs)."""

from __future__ import annotations

from smtptui.smtp.commands import check_address, check_helo_name, check_text
from smtptui.smtp.data import MessageBody
from smtptui.smtp.domains import check_server_name
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import field, record, replace
from smtptui.smtp.safety import is_dangerous, kind_of, visible
from smtptui.smtp.vocabulary import QUIT_AFTER, TLS_MODES

__all__ = ["QUIT_AFTER", "TLS_MODES", "SessionPlan", "Timeouts", "parse_server"]


@record(frozen=True)
class Timeouts:
    """Per-stage time-outs in seconds; the defaults are RFC 5321 §4.5.3.2's."""

    connect: float = 60.0
    banner: float = 300.0  # initial 220 message: 5 minutes
    command: float = 300.0  # EHLO, STARTTLS, AUTH, RSET, QUIT and the like
    mail: float = 300.0  # MAIL command: 5 minutes
    rcpt: float = 300.0  # RCPT command: 5 minutes
    data: float = 120.0  # DATA initiation: 2 minutes
    block: float = 180.0  # each data block sent: 3 minutes
    dot: float = 600.0  # DATA termination: 10 minutes

    @classmethod
    def all(cls, seconds: float) -> Timeouts:
        """One value for every stage (the `--timeout` option)."""
        return cls(*([seconds] * 8))

    def for_stage(self, stage: str) -> float:
        """The time-out that applies while waiting in a stage."""
        return {
            "connect": self.connect, "banner": self.banner, "mail": self.mail,
            "rcpt": self.rcpt, "data": self.data, "dot": self.dot,
        }.get(stage, self.command)


@record
class SessionPlan:
    """Everything one session needs; built from flags or a profile, checked before connecting."""

    host: str
    sender: str
    recipients: list[str]
    port: int = 25
    helo: str = ""
    message: MessageBody | None = None
    quit_after: str = ""
    timeouts: Timeouts = field(default_factory=Timeouts)
    tls: str = "starttls"
    verify: bool = True
    ca_file: str = ""
    tls_name: str = ""  # the name to verify the certificate against (default: host)
    auth_user: str = ""
    auth_mech: str = ""
    password: str = field(default="", repr=False)
    allow_plaintext_auth: bool = False
    address: str = ""  # a fixed address to connect to (direct mode: the MX's address)
    label: str = ""  # e.g. "MX 2 of 3"
    explain: bool = False  # a line explaining each reply's codes after it (--explain)

    def validate(self) -> None:
        """Refuse bad input before any connection is opened (InputError, one clear line)."""
        check_text(self.host, "the server name")
        if not self.host:
            raise InputError("no server given")
        check_server_name(self.host)
        if not 1 <= self.port <= 65535:
            raise InputError(f"port {self.port} is out of range (1-65535)")
        check_text(self.helo, "the HELO name")
        if not self.helo or " " in self.helo:
            raise InputError(f"HELO name {self.helo!r} is not a host name")
        if not self.helo.isascii():
            raise InputError(f"HELO name {self.helo!r} must be ASCII (use the A-label form)")
        check_helo_name(self.helo)
        self.sender = check_address(self.sender, "sender", allow_null=True)
        if not self.recipients:
            raise InputError("no recipient given (--to)")
        self.recipients = [check_address(r, "recipient") for r in self.recipients]
        if self.quit_after and self.quit_after not in QUIT_AFTER:
            raise InputError(
                f"--quit-after {self.quit_after!r}: choose one of {', '.join(QUIT_AFTER)}"
            )
        if self.tls not in TLS_MODES:
            raise InputError(f"TLS mode {self.tls!r}: choose one of {', '.join(TLS_MODES)}")
        check_user_name(self.auth_user)
        if self.message is not None and self.quit_after not in ("connect", "banner"):
            self.message.scan()

    def copy(self, **changes: object) -> SessionPlan:
        """A changed copy (direct mode makes one per MX address)."""
        return replace(self, **changes)  # type: ignore[arg-type]


def check_user_name(user: str) -> None:
    """The AUTH user name (--auth-user, a profile's auth_user) is refused when it holds a
    character the transcript could only show escaped (a control character, a bidi override,
    a zero-width character: `is_dangerous`): it is printed ("authenticated as ...") and
    sent, and what is sent should be what the user reads."""
    found = next((char for char in user if is_dangerous(char) or char == "\t"), None)
    if found is not None:
        raise InputError(f"the AUTH user name (--auth-user, auth_user) '{visible(user)}' "
                         f"contains {kind_of(found)}; nothing was sent")


def parse_server(value: str, default_port: int = 25) -> tuple[str, int]:
    """HOST, HOST:PORT, [V6]:PORT or a bare IPv6 address -> (host, port)."""
    value = value.strip()
    if not value:
        raise InputError("no server given")
    if value.startswith("["):
        host, sep, rest = value[1:].partition("]")
        if not sep:
            raise InputError(f"server {value!r}: missing ']' after the IPv6 address")
        port_text = rest[1:] if rest.startswith(":") else ""
        if rest and not rest.startswith(":"):
            raise InputError(f"server {value!r}: expected ':PORT' after ']'")
    elif value.count(":") == 1:
        host, _, port_text = value.partition(":")
    else:
        host, port_text = value, ""
    if not host:
        raise InputError(f"server {value!r}: no host name")
    if value.endswith(":"):
        raise InputError(f"server {value!r}: no port after ':' (leave ':' out for port "
                         f"{default_port})")
    if port_text == "":
        return host, default_port
    if not port_text.isdigit() or not 1 <= int(port_text) <= 65535:
        raise InputError(f"server {value!r}: port {port_text!r} is not a number from 1 to 65535")
    return host, int(port_text)

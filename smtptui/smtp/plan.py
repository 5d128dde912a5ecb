"""SessionPlan: what one session will do (target, envelope, message, TLS, AUTH, time-outs)."""

from __future__ import annotations

from smtptui.smtp.commands import check_address, check_helo_name, check_text, xtext
from smtptui.smtp.data import MessageBody
from smtptui.smtp.domains import check_server_name
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import field, record, replace
from smtptui.smtp.safety import is_dangerous, kind_of, visible
from smtptui.smtp.vocabulary import (
    AUTH_MECHANISMS,
    DROP_AFTER,
    PROTOCOLS,
    QUIT_AFTER,
    TLS_MODES,
    stop_point,
)

__all__ = ["QUIT_AFTER", "TLS_MODES", "SessionPlan", "Timeouts", "parse_server"]


#: The largest BDAT chunk accepted (--chunk-size): 100 MiB.
MAX_CHUNK = 100 * 1024 * 1024


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
    force: bool = False  # send what a pre-check refuses (AUTH mechanism not offered...)
    protocol: str = "esmtp"  # smtp (HELO only), esmtp (EHLO, HELO as fall-back), lmtp
    pipeline: bool = True  # PIPELINING where offered (RFC 2920), as MTAs do; --no-pipeline
    chunking: bool = False  # BDAT where offered (RFC 3030); --chunking
    chunk_size: int = 1024 * 1024
    dsn_notify: str = ""  # RFC 3461: NEVER, or SUCCESS,FAILURE,DELAY in any combination
    dsn_ret: str = ""  # FULL | HDRS
    dsn_envid: str = ""
    dsn_orcpt: bool = False  # ORCPT=rfc822;<the recipient> on each RCPT
    requiretls: bool = False  # RFC 8689
    #: XCLIENT commands (Postfix): (attributes, checked), each sent on its own; a checked one
    #: only with attributes the server advertises (--xclient-* options), an unchecked one as
    #: given (--xclient).
    xclient: tuple[tuple[str, bool], ...] = ()
    drop_after: str = ""  # a stop point: close without QUIT after its reply (--drop-after)
    drop_after_send: str = ""  # ... or as soon as it is sent (--drop-after-send)

    def validate(self) -> None:
        """Refuse bad input before any connection is opened (InputError, one clear line)."""
        self.quit_after, self.drop_after, self.drop_after_send = (
            stop_point(self.quit_after), stop_point(self.drop_after),
            stop_point(self.drop_after_send))
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
        if self.auth_mech and self.auth_mech.upper() not in AUTH_MECHANISMS:
            raise InputError(f"--auth-mech {self.auth_mech!r}: choose one of "
                             f"{', '.join(AUTH_MECHANISMS)}")
        check_user_name(self.auth_user)
        self._validate_extensions()

    def _validate_extensions(self) -> None:
        """The protocol, the stop points, DSN's, CHUNKING's and XCLIENT's settings."""
        if self.protocol not in PROTOCOLS:
            raise InputError(f"--protocol {self.protocol!r}: choose one of "
                             f"{', '.join(PROTOCOLS)}")
        stops = [(flag, value) for flag, value in (("--quit-after", self.quit_after),
                                                   ("--drop-after", self.drop_after),
                                                   ("--drop-after-send", self.drop_after_send))
                 if value]
        if len(stops) > 1:
            raise InputError(f"{stops[0][0]} and {stops[1][0]}: give one stop point")
        for flag, value in stops:
            if flag != "--quit-after" and value not in DROP_AFTER:
                raise InputError(f"{flag} {value!r}: choose one of {', '.join(DROP_AFTER)}")
        notify = [word for word in self.dsn_notify.upper().split(",") if word]
        if notify and not (notify == ["NEVER"] or set(notify) <= {"SUCCESS", "FAILURE",
                                                                   "DELAY"}):
            raise InputError(f"--dsn-notify {self.dsn_notify!r}: NEVER, or any of SUCCESS, "
                             "FAILURE and DELAY separated by commas (RFC 3461 §4.1)")
        self.dsn_notify = ",".join(notify)
        if self.dsn_ret and self.dsn_ret.upper() not in ("FULL", "HDRS"):
            raise InputError(f"--dsn-ret {self.dsn_ret!r}: FULL or HDRS (RFC 3461 §4.3)")
        self.dsn_ret = self.dsn_ret.upper()
        if self.dsn_envid and (not self.dsn_envid.isascii() or len(xtext(self.dsn_envid)) > 100
                               or not self.dsn_envid.isprintable()):
            raise InputError("--dsn-envid: printable ASCII, at most 100 characters once "
                             "encoded as xtext (RFC 3461 §4.4)")
        if not 1 <= self.chunk_size <= MAX_CHUNK:
            raise InputError(f"--chunk-size {self.chunk_size}: from 1 to {MAX_CHUNK} octets")
        for attributes, _ in self.xclient:
            check_text(attributes, "the XCLIENT attributes")
            if not attributes.strip():
                raise InputError("--xclient: no attributes given")

    @property
    def needs_message(self) -> bool:
        """Whether the session may get as far as MAIL FROM (which needs the message's size)."""
        early = ("connect", "banner")
        return self.message is not None and not any(
            stop in early for stop in (self.quit_after, self.drop_after, self.drop_after_send))

    def copy(self, **changes: object) -> SessionPlan:
        """A changed copy (direct mode makes one per MX address)."""
        return replace(self, **changes)


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

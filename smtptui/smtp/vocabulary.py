"""The session's vocabulary: stages (one table), failure kinds, outcomes, event kinds, TLS modes."""

# No `from __future__ import annotations` here: with it, NamedTuple turns each of StageInfo's
# field annotations into a ForwardRef, which compiles its string (~2 ms of every start).
from enum import StrEnum
from typing import NamedTuple


class Stage(StrEnum):
    """Where a session is: the command awaiting its reply, or the step under way."""

    DNS = "dns"
    CONNECT = "connect"
    PROXY = "proxy"  # the PROXY protocol header, before the greeting
    BANNER = "banner"
    EHLO = "ehlo"
    HELO = "helo"
    STARTTLS = "starttls"
    TLS = "tls"
    EHLO_TLS = "ehlo-tls"
    XCLIENT = "xclient"
    EHLO_XCLIENT = "ehlo-xclient"
    AUTH = "auth"
    MAIL = "mail"
    RCPT = "rcpt"
    RSET = "rset"
    DATA = "data"
    DOT = "dot"
    BDAT = "bdat"  # a chunk of the message (RFC 3030); the LAST one's reply is the dot's
    QUIT = "quit"
    MANUAL = "manual"  # a command typed by the user, outside the plan


class StageInfo(NamedTuple):
    """One stage's row: exit code on failure (swaks' numbers), which time-out applies while
    its reply is awaited, the `--quit-after` name that stops after it, its title in plain
    words, the stage a diagnosis reads it as, what "run to" it means (if offered), and
    whether a failure there sends a direct-mode walk on to the next MX host (RFC 5321 §5.1:
    that host could not start a session)."""

    exit_code: int
    timeout: str  # a Timeouts attribute
    quit_after: str
    title: str
    diagnosed_as: str
    run_to: str = ""
    next_mx: bool = False


#: Every stage, in the order a session goes through them. Every other table derives from it.
STAGES: dict[Stage, StageInfo] = {
    Stage.DNS: StageInfo(2, "connect", "", "the DNS lookup", "dns"),
    Stage.CONNECT: StageInfo(2, "connect", "connect", "the connection", "connect",
                             next_mx=True),
    Stage.PROXY: StageInfo(36, "connect", "", "the PROXY header", "connect"),
    Stage.BANNER: StageInfo(21, "banner", "banner", "the greeting", "banner", next_mx=True),
    Stage.EHLO: StageInfo(22, "command", "ehlo", "EHLO", "ehlo",
                          "EHLO: the greeting and the capabilities"),
    Stage.HELO: StageInfo(22, "command", "", "HELO", "helo", next_mx=True),
    Stage.STARTTLS: StageInfo(29, "command", "", "STARTTLS", "starttls",
                              "STARTTLS and the TLS hand-shake"),
    Stage.TLS: StageInfo(29, "command", "tls", "the TLS hand-shake", "tls"),
    Stage.EHLO_TLS: StageInfo(32, "command", "", "EHLO inside TLS", "ehlo"),
    Stage.XCLIENT: StageInfo(33, "command", "xclient", "XCLIENT", "xclient"),
    Stage.EHLO_XCLIENT: StageInfo(34, "command", "", "EHLO after XCLIENT", "ehlo"),
    Stage.AUTH: StageInfo(28, "command", "auth", "AUTH", "auth", "AUTH: log in"),
    Stage.MAIL: StageInfo(23, "mail", "mail", "MAIL FROM", "mail", "MAIL FROM: the sender"),
    Stage.RCPT: StageInfo(24, "rcpt", "rcpt", "RCPT TO", "rcpt", "RCPT TO: every recipient"),
    Stage.RSET: StageInfo(24, "command", "", "RSET", "rcpt"),
    Stage.DATA: StageInfo(25, "data", "data", "DATA", "data",
                          "DATA, the message and the final dot"),
    Stage.DOT: StageInfo(26, "dot", "dot", "the end of the message (after the final dot)",
                         "dot"),
    Stage.BDAT: StageInfo(26, "dot", "", "a BDAT chunk of the message", "dot"),
    Stage.QUIT: StageInfo(6, "command", "", "QUIT", "quit"),
    Stage.MANUAL: StageInfo(6, "command", "", "a typed command", "mail"),
}

#: The stages a session can be told to stop after (`--quit-after`), in session order.
QUIT_AFTER: tuple[str, ...] = tuple(info.quit_after for info in STAGES.values() if info.quit_after)
#: swaks' names for the stop points (`--quit-after`, `--drop-after`), and ours for them. The
#: first EHLO is the stop point for every EHLO name: "just show me the EHLO" must not run a
#: STARTTLS hand-shake (the EHLO inside TLS is `tls`'s stop point). swaks' `proxy` (after the
#: PROXY header, which nothing answers) is `connect`: the header goes out before it stops.
STOP_NAMES: dict[str, str] = {
    "proxy": "connect",
    "helo": "ehlo", "lhlo": "ehlo", "first-helo": "ehlo", "first-ehlo": "ehlo",
    "first-lhlo": "ehlo", "starttls": "tls", "from": "mail", "to": "rcpt",
}
#: The stop points of `--drop-after` and `--drop-after-send` (swaks'): the quit-after ones.
DROP_AFTER: tuple[str, ...] = QUIT_AFTER


def stop_point(name: str) -> str:
    """A stop point's own name, from ours or swaks' (any case); unknown names unchanged."""
    name = name.strip().lower()
    return STOP_NAMES.get(name, name)


#: The stages "run to" offers in the app, with what stopping there means.
RUN_TO: tuple[tuple[str, str], ...] = tuple((stage.value, info.run_to)
                                            for stage, info in STAGES.items() if info.run_to)
def order(stage: str) -> int:
    """The position of a stage in a session (for "run to a stage")."""
    return list(STAGES).index(Stage(stage))


class Outcome(StrEnum):
    """How a session ended."""

    DELIVERED = "delivered"
    STOPPED = "stopped"
    FAILED = "failed"


class Failure(StrEnum):
    """How a session failed (the diagnosis starts from it)."""

    REPLY = "reply"  # a reply said no
    REFUSED = "refused"  # the connection was refused
    CONNECT = "connect"  # the connection failed otherwise
    UNRESOLVED = "unresolved"  # the server's host name does not resolve
    TIMEOUT = "timeout"
    CLOSED = "closed"  # the server closed the connection
    PROTOCOL = "protocol"  # the server spoke something that is not SMTP
    TLS = "tls"  # the hand-shake or the certificate
    TLS_UNAVAILABLE = "tls-unavailable"  # TLS required, not offered or refused
    SMTPUTF8 = "smtputf8"
    EIGHT_BIT = "8bit"
    SIZE = "size"
    AUTH_MECH = "auth-mech"
    AUTH_PLAINTEXT = "auth-plaintext"
    AUTH_ROUNDS = "auth-rounds"
    NO_RECIPIENT = "norcpt"
    PARTIAL = "partial"  # not a failure: some recipients were refused
    DATA_STALLED = "data-stalled"
    DATA_BROKEN = "data-broken"
    MESSAGE_CHANGED = "message-changed"  # the .eml changed between its check and its sending
    BINARY = "binary"  # NUL bytes and no BDAT with BINARYMIME to carry them
    DSN = "dsn"  # DSN asked for, not offered
    REQUIRETLS = "requiretls"  # REQUIRETLS asked for, not offered or not inside TLS
    XCLIENT = "xclient"  # XCLIENT (or one of its attributes) asked for, not offered
    PROXY = "proxy"  # the PROXY header could not be sent
    ABANDONED = "abandoned"
    INPUT = "input"
    DNS_NXDOMAIN = "dns-nxdomain"
    DNS_NOMX = "dns-nomx"
    DNS_NULLMX = "dns-nullmx"
    DNS_UNREACHABLE = "dns-unreachable"
    DNS_TEMPORARY = "dns-temporary"


class EventKind(StrEnum):
    """A transcript line: sent, received, smtptui's own information, or an error."""

    SEND = "send"
    RECV = "recv"
    INFO = "info"
    ERROR = "error"


class TlsMode(StrEnum):
    """`--tls`: never, when offered, or required; implicit is TLS from the first byte."""

    OFF = "off"
    STARTTLS = "starttls"
    REQUIRED = "required"
    IMPLICIT = "implicit"


#: The protocols (`--protocol`): HELO only, EHLO (HELO as its fall-back), LMTP (RFC 2033).
PROTOCOLS = ("smtp", "esmtp", "lmtp")

#: The AUTH mechanisms smtptui speaks (`--auth-mech`).
AUTH_MECHANISMS = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")

#: The TLS modes (`--tls`).
TLS_MODES: tuple[str, ...] = tuple(mode.value for mode in TlsMode)

#: swaks' exit codes that belong to no stage.
EXIT_OK, EXIT_USAGE, EXIT_CONNECT, EXIT_CLOSED = 0, 1, 2, 6
#: The user abandoned the session (ctrl+c in `smtptui run`, x in the app): 128 + SIGINT.
EXIT_INTERRUPTED = 130

#: The longest time-out accepted, in seconds (a socket refuses NaN and absurd values).
MAX_TIMEOUT = 86400.0

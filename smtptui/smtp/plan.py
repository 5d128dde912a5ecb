"""SessionPlan: what one session will do (target, envelope, message, TLS, AUTH, time-outs)."""

from __future__ import annotations

from smtptui.smtp.commands import check_address, check_helo_name, check_text, xtext
from smtptui.smtp.data import MessageBody
from smtptui.smtp.domains import check_server_name
from smtptui.smtp.errors import InputError
from smtptui.smtp.iplit import ip_literal
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

__all__ = ["QUIT_AFTER", "TLS_MODES", "ProxyHeader", "SessionPlan", "Timeouts", "parse_server",
           "tls_versions"]


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


#: The TLS versions --tls-protocol names (swaks' names), oldest first.
TLS_VERSIONS = ("sslv2", "sslv3", "tlsv1", "tlsv1_1", "tlsv1_2", "tlsv1_3")
#: The longest UNIX-domain socket path (Linux's sun_path holds 108 octets with the NUL).
MAX_SOCKET_PATH = 107


@record(frozen=True)
class ProxyHeader:
    """The PROXY protocol header (haproxy's proxy-protocol.txt) sent before anything else:
    version 1 (a text line) or 2 (binary), from the addresses and ports, or ``raw`` as given
    after "PROXY " (version 1) or after version 2's 12-octet signature (swaks' --proxy)."""

    version: int = 1
    source: str = ""
    source_port: int | None = None
    dest: str = ""
    dest_port: int | None = None
    family: str = ""  # swaks' --proxy-family: checked against the addresses, else inferred
    raw: str = ""

    @property
    def ipv6(self) -> bool:
        """Whether the addresses are IPv6 (TCP6, AF_INET6)."""
        return ":" in self.source


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
    # How the connection is made (swaks' transport options).
    ip_version: int = 0  # 4 or 6: only that family's addresses (-4, -6); 0: either
    local_address: str = ""  # an IP address of this host to connect from (--local-interface)
    local_port: int = 0  # the port to connect from (--local-port); 0: the system's choice
    socket_path: str = ""  # a UNIX-domain socket instead of TCP (--socket); host is its path
    proxy: ProxyHeader | None = None  # the PROXY header, the connection's first octets
    # The TLS client (swaks' names).
    tls_cert: str = ""  # a client certificate (PEM); its key in tls_key or in the same file
    tls_key: str = ""
    tls_protocol: str = ""  # the versions allowed: "tlsv1_2,tlsv1_3" or "no_tlsv1,no_tlsv1_1"
    tls_cipher: str = ""  # an OpenSSL cipher string (TLS 1.2 and older)
    tls_sni: str = ""  # the name sent as SNI (default: the name the certificate must show)

    def validate(self) -> None:
        """Refuse bad input before any connection is opened (InputError, one clear line)."""
        self.quit_after, self.drop_after, self.drop_after_send = (
            stop_point(self.quit_after), stop_point(self.drop_after),
            stop_point(self.drop_after_send))
        check_text(self.host, "the server name")
        if not self.host:
            raise InputError("no server given")
        if not self.socket_path:
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
        self._validate_transport()
        self._validate_tls_client()

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

    def _validate_transport(self) -> None:
        """The address family, the local address and port, the UNIX socket, the PROXY header."""
        if self.ip_version not in (0, 4, 6):
            raise InputError(f"IP version {self.ip_version}: 4 or 6 (-4, -6)")
        if not 0 <= self.local_port <= 65535:
            raise InputError(f"--local-port {self.local_port}: from 1 to 65535")
        if self.socket_path:
            check_text(self.socket_path, "the --socket path")
            given = [flag for flag, value in (("--local-interface", self.local_address),
                                              ("--local-port", self.local_port),
                                              ("-4/-6", self.ip_version)) if value]
            if given:
                raise InputError(f"{given[0]} with --socket: a UNIX-domain socket has no IP "
                                 "address or port")
            if self.tls in ("required", "implicit") and self.verify and not self.tls_name:
                raise InputError(f"--socket with --tls {self.tls}: a UNIX-domain socket has no "
                                 "server name to check the certificate against; give "
                                 "--tls-verify-target NAME (or --no-verify)")
            if len(self.socket_path.encode("utf-8", "surrogateescape")) > MAX_SOCKET_PATH:
                raise InputError(f"--socket: the path is longer than {MAX_SOCKET_PATH} octets, "
                                 "the most a UNIX-domain socket address holds")
        family = self.ip_version
        if self.local_address:
            local = ip_literal(self.local_address)
            if local is None or self.local_address.startswith("["):
                raise InputError(f"--local-interface '{visible(self.local_address)}': give an "
                                 "IP address of this host (no name: nothing is looked up)")
            if family and local.version != family:
                raise InputError(f"--local-interface {self.local_address} is an IPv"
                                 f"{local.version} address and -{family} asks for IPv{family}")
            family = local.version
        target = ip_literal(self.address or self.host) if not self.socket_path else None
        if family and target is not None and target.version != family:
            why = (f"-{self.ip_version}" if self.ip_version else
                   f"--local-interface {self.local_address}")
            raise InputError(f"the server {self.address or self.host} is an IPv{target.version} "
                             f"address: {why} connects over IPv{family} only")
        if self.proxy is not None:
            self.proxy = check_proxy(self.proxy)

    def _validate_tls_client(self) -> None:
        """The client certificate and key, the TLS versions, the ciphers and the SNI name."""
        given = [flag for flag, value in (
            ("--tls-cert", self.tls_cert), ("--tls-key", self.tls_key),
            ("--tls-protocol", self.tls_protocol), ("--tls-cipher", self.tls_cipher),
            ("--tls-sni", self.tls_sni)) if value]
        if given and self.tls == "off":
            raise InputError(f"{given[0]} with --tls off: this session never starts TLS")
        if self.tls_key and not self.tls_cert:
            raise InputError("--tls-key needs --tls-cert (the certificate the key belongs to)")
        check_text(self.tls_cert, "the --tls-cert file name")
        check_text(self.tls_key, "the --tls-key file name")
        if self.tls_protocol:
            tls_versions(self.tls_protocol)
            self.tls_protocol = self.tls_protocol.replace(" ", "").lower()
        if self.tls_cipher:
            check_text(self.tls_cipher, "--tls-cipher")
            if not self.tls_cipher.isascii() or not self.tls_cipher.strip():
                raise InputError(f"--tls-cipher '{visible(self.tls_cipher)}': an OpenSSL "
                                 "cipher string (ASCII), such as 'ECDHE+AESGCM'")
        if self.tls_sni:
            check_text(self.tls_sni, "--tls-sni")
            if ip_literal(self.tls_sni) is not None:
                raise InputError(f"--tls-sni {self.tls_sni}: a host name; an IP address is "
                                 "never sent as SNI (RFC 6066 §3)")
            self.tls_sni = check_server_name(self.tls_sni).rstrip(".")

    @property
    def needs_message(self) -> bool:
        """Whether the session may get as far as MAIL FROM (which needs the message's size)."""
        early = ("connect", "banner")
        return self.message is not None and not any(
            stop in early for stop in (self.quit_after, self.drop_after, self.drop_after_send))

    def copy(self, **changes: object) -> SessionPlan:
        """A changed copy (direct mode makes one per MX address)."""
        return replace(self, **changes)


def tls_versions(spec: str) -> tuple[str, str]:
    """swaks' --tls-protocol: the versions allowed ("tlsv1_2,tlsv1_3") or refused
    ("no_sslv3,no_tlsv1"), never both forms, as the (oldest, newest) names of the range they
    leave: OpenSSL takes a range, so a gap is refused. InputError says why."""
    words = [word.strip().lower() for word in spec.split(",") if word.strip()]
    where = f"--tls-protocol '{visible(spec)}'"
    if not words:
        raise InputError(f"{where}: name TLS versions, such as tlsv1_2,tlsv1_3")
    refused = [word.startswith("no_") for word in words]
    if any(refused) and not all(refused):
        raise InputError(f"{where}: give the versions allowed (tlsv1_2) or those refused "
                         "(no_tlsv1), not both (as swaks)")
    names = [word.removeprefix("no_") for word in words]
    unknown = next((name for name in names if name not in TLS_VERSIONS), None)
    if unknown is not None:
        raise InputError(f"{where}: '{visible(unknown)}' is not one of "
                         f"{', '.join(TLS_VERSIONS)} (each may be refused as no_NAME)")
    allowed = [name for name in TLS_VERSIONS if (name in names) != all(refused)]
    if not allowed:
        raise InputError(f"{where}: no TLS version is left")
    first, last = TLS_VERSIONS.index(allowed[0]), TLS_VERSIONS.index(allowed[-1])
    gap = [name for name in TLS_VERSIONS[first:last + 1] if name not in allowed]
    if gap:
        raise InputError(f"{where}: it leaves out {', '.join(gap)} in the middle; OpenSSL "
                         f"takes a range of versions ({allowed[0]} to {allowed[-1]})")
    return allowed[0], allowed[-1]


#: --proxy-family's names (swaks': TCP4/TCP6 for version 1, AF_INET/AF_INET6 for version 2).
_PROXY_FAMILIES = {"TCP4": 4, "AF_INET": 4, "TCP6": 6, "AF_INET6": 6}


def check_proxy(proxy: ProxyHeader) -> ProxyHeader:
    """The PROXY header's settings checked (InputError, one line) and normalised: the family
    inferred from the addresses (TCP4 or TCP6), both of one family, each port 0-65535; a raw
    header with no granular option."""
    if proxy.version not in (1, 2):
        raise InputError(f"--proxy-version {proxy.version}: 1 (text) or 2 (binary)")
    granular = [flag for flag, value in (
        ("--proxy-source", proxy.source), ("--proxy-source-port", proxy.source_port),
        ("--proxy-dest", proxy.dest), ("--proxy-dest-port", proxy.dest_port),
        ("--proxy-family", proxy.family)) if value not in ("", None)]
    if proxy.raw:
        if granular:
            raise InputError(f"--proxy and {granular[0]}: the raw header or its parts, not "
                             "both (as swaks)")
        if proxy.version == 1:
            check_text(proxy.raw, "--proxy")
        return proxy
    missing = [flag for flag, value in (
        ("--proxy-source", proxy.source), ("--proxy-source-port", proxy.source_port),
        ("--proxy-dest", proxy.dest), ("--proxy-dest-port", proxy.dest_port))
        if value in ("", None)]
    if missing:
        raise InputError(f"the PROXY header needs --proxy-source, --proxy-source-port, "
                         f"--proxy-dest and --proxy-dest-port (missing {', '.join(missing)})")
    addresses = []
    for flag, text in (("--proxy-source", proxy.source), ("--proxy-dest", proxy.dest)):
        address = ip_literal(text) if "%" not in text and "[" not in text else None
        if address is None:
            raise InputError(f"{flag} '{visible(text)}': an IPv4 or IPv6 address")
        addresses.append(address)
    source, dest = addresses
    if source.version != dest.version:
        raise InputError(f"--proxy-source {source} is IPv{source.version} and --proxy-dest "
                         f"{dest} is IPv{dest.version}: one PROXY header carries one family")
    for flag, port in (("--proxy-source-port", proxy.source_port),
                       ("--proxy-dest-port", proxy.dest_port)):
        if port is None or not 0 <= port <= 65535:
            raise InputError(f"{flag} {port}: from 0 to 65535")
    family = proxy.family.strip().upper()
    if family and _PROXY_FAMILIES.get(family) != source.version:
        known = [name for name, version in _PROXY_FAMILIES.items()
                 if version == source.version]
        raise InputError(f"--proxy-family '{visible(proxy.family)}': the addresses are "
                         f"IPv{source.version}, so {' or '.join(known)} (or leave it out)")
    return replace(proxy, source=str(source), dest=str(dest),
                   family="TCP6" if source.version == 6 else "TCP4")


def check_user_name(user: str) -> None:
    """The AUTH user name (--auth-user, a profile's auth_user) is refused when it holds a
    character the transcript could only show escaped (a control character, a bidi override,
    a zero-width character: `is_dangerous`): it is printed ("authenticated as ...") and
    sent, and what is sent should be what the user reads."""
    found = next((char for char in user if is_dangerous(char) or char == "\t"), None)
    if found is not None:
        raise InputError(f"the AUTH user name (--auth-user, auth_user) '{visible(user)}' "
                         f"contains {kind_of(found)}; nothing was sent")


def parse_local_interface(value: str) -> tuple[str, int]:
    """ADDR, ADDR:PORT, [V6]:PORT or a bare IPv6 address -> (address, port or 0): an IP
    address of this host to connect from (no name: nothing is looked up); InputError."""
    text = value.strip()
    if text.startswith("["):
        address, sep, rest = text[1:].partition("]")
        if not sep or (rest and not rest.startswith(":")):
            raise InputError(f"{value!r}: [IPv6]:PORT, or an address")
        port_text, colon = rest[1:], rest.startswith(":")
    elif text.count(":") == 1:
        address, _, port_text = text.partition(":")
        colon = True
    else:
        address, port_text, colon = text, "", False
    if colon and not port_text:
        raise InputError(f"{value!r}: no port after ':'")
    if port_text and (not port_text.isdigit() or not 1 <= int(port_text) <= 65535):
        raise InputError(f"{value!r}: port {port_text!r} is not a number from 1 to 65535")
    if ip_literal(address) is None or "[" in address:
        raise InputError(f"{value!r}: give an IP address of this host (no name: nothing is "
                         "looked up)")
    return address, int(port_text) if port_text else 0


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

"""The DNS resolver smtptui asks (the system's or --dns HOST[:PORT]), how it is named in
messages, and a failed look-up in words; RouteError, for a domain with no route.

dnspython is imported inside the functions that need it."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from smtptui.smtp.domains import ip_text, split_resolver
from smtptui.smtp.errors import InputError, SmtpTuiError

if TYPE_CHECKING:
    import dns.resolver

ROUTE_ERROR_KINDS = frozenset(
    {"dns-nxdomain", "dns-nomx", "dns-nullmx", "dns-unreachable", "dns-temporary"})


class RouteError(SmtpTuiError):
    """No route to the domain; ``kind`` says why, ``str()`` is one line for the user."""

    def __init__(self, kind: str, message: str, *, domain: str = "", resolver: str = "") -> None:
        if kind not in ROUTE_ERROR_KINDS:
            raise ValueError(f"unknown route error kind {kind!r}")
        super().__init__(message)
        self.kind = kind
        self.domain = domain
        self.resolver = resolver


def hostport(host: str, port: int) -> str:
    """HOST:PORT, an IPv6 address in brackets."""
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_server(server: str) -> tuple[str, int]:
    """The resolver ``server`` names -> (IP address, port); a host name is looked up once."""
    host, port = split_resolver(server)
    address = ip_text(host)
    if address is None:
        try:
            address = str(socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][4][0])
        except (OSError, UnicodeError):
            raise InputError(f"--dns {server!r}: cannot find the address of {host!r}") from None
    return address, port


def make_resolver(server: str | None, timeout: float) -> dns.resolver.Resolver:
    """A dnspython resolver: the system's (``server`` None) or ``HOST[:PORT]`` (never "")."""
    import dns.resolver

    if not timeout > 0:
        raise InputError("the DNS time-out must be more than 0 seconds")
    if server is not None:
        address, port = parse_server(server)
        resolver = dns.resolver.Resolver(configure=False)
        resolver.nameservers = [address]
        resolver.port = port
    else:
        try:
            resolver = dns.resolver.Resolver()
        except dns.resolver.NoResolverConfiguration:
            raise RouteError("dns-unreachable", "no system resolver is configured "
                             "(/etc/resolv.conf): name one with --dns HOST[:PORT]") from None
    resolver.lifetime = timeout
    resolver.timeout = min(resolver.timeout, timeout)
    return resolver


def describe_resolver(resolver: dns.resolver.Resolver) -> str:
    """The resolver's name servers as HOST:PORT, comma-separated."""
    shown = []
    for nameserver in resolver.nameservers:
        if isinstance(nameserver, str):
            port = resolver.nameserver_ports.get(nameserver, resolver.port)
            shown.append(hostport(nameserver, port))
        else:
            shown.append(str(nameserver))
    return ", ".join(shown) or "(no name server)"


def lookup_failure(exc: Exception, resolver: dns.resolver.Resolver) -> tuple[str, str]:
    """(kind, reason) for a look-up that failed other than with NXDOMAIN."""
    import dns.exception
    import dns.resolver

    where = describe_resolver(resolver)
    if isinstance(exc, dns.exception.Timeout):
        lifetime = f"{resolver.lifetime:g} s"
        return "dns-unreachable", f"no answer from the resolver {where} within {lifetime}"
    if isinstance(exc, dns.resolver.NoNameservers):
        errors = [entry[3] for entry in exc.kwargs.get("errors") or []]
        rcodes = [error for error in errors if isinstance(error, str)]
        if rcodes:
            return "dns-temporary", f"the resolver {where} answered {rcodes[0]}"
        oserrors = [error for error in errors if isinstance(error, OSError)]
        if oserrors:
            reason = oserrors[0].strerror or type(oserrors[0]).__name__
            return "dns-unreachable", f"cannot reach the resolver {where} ({reason})"
        if errors:
            return "dns-temporary", f"the resolver {where} sent an unusable answer ({errors[0]})"
    return "dns-temporary", f"the resolver {where}: {exc}"

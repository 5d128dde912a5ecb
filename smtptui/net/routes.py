"""Direct mode routes: a recipient domain's mail exchangers per RFC 5321 §5.1 and RFC 7505.

dnspython is imported inside the functions that need it, so that importing this module
(as a smart-host run does) does not load it.

Address order: for each host, IPv6 addresses (AAAA) come before IPv4 (A), as RFC 6724's
default policy and getaddrinfo() order them; ``prefer_ipv6=False`` reverses it. Within a
family the order is the one the DNS answer gave.
"""

from __future__ import annotations

import ipaddress
import random
import socket
from typing import TYPE_CHECKING, Any

from smtptui.smtp.domains import ip_text, normalize_domain, split_resolver
from smtptui.smtp.errors import InputError, SmtpTuiError
from smtptui.smtp.record import asdict, field, record, replace

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


@record
class MXHost:
    """One mail exchanger: its preference, name, addresses in walk order, TTLs and problems."""

    preference: int
    name: str
    addresses: list[str] = field(default_factory=list)
    ttl: int | None = None  # the MX record's TTL (None for an implicit MX or an address literal)
    address_ttls: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # "tag: sentence", e.g. "CNAME: ..."

    @property
    def flags(self) -> list[str]:
        """The short tags of the problems ("CNAME", "IP literal", "no address", ...)."""
        return [problem.split(":", 1)[0] for problem in self.problems]

    @property
    def shown_flags(self) -> str:
        """The flags as a table or transcript shows them: each tag once, comma-separated
        (two failed look-ups are one "lookup failed"; the problems name each)."""
        return ", ".join(dict.fromkeys(self.flags))


@record
class Route:
    """Where mail for ``domain`` goes: its hosts in walk order and the resolver that said so."""

    domain: str
    hosts: list[MXHost]
    implicit: bool = False
    resolver: str = ""  # "127.0.0.1:53" or "[::1]:53"; "" when no DNS was asked
    canonical: str | None = None  # set when the domain itself is an alias (CNAME)

    def attempts(self) -> list[tuple[MXHost, str]]:
        """(host, address) pairs in walk order; hosts without an address are skipped."""
        return [(host, address) for host in self.hosts for address in host.addresses]

    @property
    def has_ties(self) -> bool:
        """True if some hosts share a preference (their order is then random per lookup)."""
        preferences = [host.preference for host in self.hosts]
        return len(set(preferences)) != len(preferences)

    def unusable(self) -> RouteError | None:
        """The error to report when no host has an address (RFC 5321 §5.1), else None."""
        if self.attempts():
            return None
        if any("lookup failed" in host.flags for host in self.hosts):
            return RouteError("dns-temporary", f"no MX host of {self.domain} has an address "
                              "(some look-ups failed): try again later",
                              domain=self.domain, resolver=self.resolver)
        return RouteError("dns-nomx", f"no MX host of {self.domain} has an address: "
                          "the domain cannot receive mail", domain=self.domain,
                          resolver=self.resolver)

    def pinned(self, host: str) -> Route:
        """This route cut down to one host, named by its name or one of its addresses."""
        wanted = host.strip().rstrip(".").lower()
        for candidate in self.hosts:
            if wanted == candidate.name.lower() or wanted in candidate.addresses:
                return replace(self, hosts=[candidate])
        names = ", ".join(h.name for h in self.hosts) or "none"
        raise InputError(f"{host} is not an MX host of {self.domain} (its hosts: {names})")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: domain, resolver, implicit, canonical and hosts (with flags)."""
        obj = asdict(self)
        for host, shown in zip(self.hosts, obj["hosts"], strict=True):
            shown["flags"] = host.flags
        return obj


# -- the resolver --------------------------------------------------------------------


def _hostport(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def parse_server(server: str) -> tuple[str, int]:
    """The resolver ``server`` names -> (IP address, port); a host name is looked up once."""
    host, port = split_resolver(server)
    address = ip_text(host)
    if address is None:
        try:
            address = socket.getaddrinfo(host, port, type=socket.SOCK_DGRAM)[0][4][0]
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
            shown.append(_hostport(nameserver, port))
        else:
            shown.append(str(nameserver))
    return ", ".join(shown) or "(no name server)"


# -- look-ups ------------------------------------------------------------------------


def _failure(exc: Exception, resolver: dns.resolver.Resolver) -> tuple[str, str]:
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


@record
class _Addresses:
    addresses: list[str] = field(default_factory=list)
    ttls: dict[str, int] = field(default_factory=dict)
    alias: str | None = None
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)
    nxdomain: int = 0


def _lookup(resolver: dns.resolver.Resolver, name: str, prefer_ipv6: bool) -> _Addresses:
    import dns.exception
    import dns.name
    import dns.resolver

    found = _Addresses()
    qname = dns.name.from_text(name)
    for rdtype in ("AAAA", "A") if prefer_ipv6 else ("A", "AAAA"):
        try:
            answer = resolver.resolve(qname, rdtype, raise_on_no_answer=False, search=False)
        except dns.resolver.NXDOMAIN:
            found.nxdomain += 1
            continue
        except dns.exception.DNSException as exc:
            found.failures[rdtype] = _failure(exc, resolver)
            continue
        if answer.canonical_name != qname:
            found.alias = answer.canonical_name.to_text(omit_final_dot=True)
        for rdata in answer.rrset or ():
            address = str(ipaddress.ip_address(rdata.address))
            if address not in found.ttls:
                found.addresses.append(address)
                found.ttls[address] = answer.rrset.ttl
    return found


def _host(resolver: dns.resolver.Resolver, preference: int, name: str, ttl: int,
          prefer_ipv6: bool) -> MXHost:
    """Resolve one MX exchange and note what is wrong with it."""
    literal = ip_text(name)
    if literal is not None:
        return MXHost(preference, name, [literal], ttl, {}, [
            "IP literal: the MX names an address, not a host (RFC 5321 §5.1 wants a host "
            "name); used as the address"])
    found = _lookup(resolver, name, prefer_ipv6)
    host = MXHost(preference, name, found.addresses, ttl, found.ttls)
    if found.alias:
        host.problems.append(f"CNAME: {name} is an alias of {found.alias} (RFC 5321 §5.1: an "
                             "MX must not point at an alias); followed anyway")
    for rdtype, (_kind, reason) in found.failures.items():
        host.problems.append(f"lookup failed: {rdtype} {name}: {reason}")
    if not found.addresses:
        why = ("it does not exist (NXDOMAIN)" if found.nxdomain == 2 else
               "its look-ups failed" if found.failures else "it has no A or AAAA record")
        host.problems.append(f"no address: {why}; skipped in the walk")
    return host


def _literal_route(domain: str) -> Route:
    address = ip_text(domain) or ""
    return Route(domain, [MXHost(0, domain, [address], None, {}, [
        "address literal: no DNS look-up, mail goes to the address as given"])])


def _implicit(resolver: dns.resolver.Resolver, domain: str, where: str,
              prefer_ipv6: bool, canonical: str | None) -> Route:
    found = _lookup(resolver, domain, prefer_ipv6)
    if not found.addresses:
        if found.failures:
            kinds = {kind for kind, _ in found.failures.values()}
            kind = "dns-unreachable" if kinds == {"dns-unreachable"} else "dns-temporary"
            reason = "; ".join(f"{t}: {r}" for t, (_k, r) in found.failures.items())
            raise RouteError(kind, f"{domain} has no MX record and looking up its own address "
                             f"failed ({reason}): try again later", domain=domain,
                             resolver=where)
        raise RouteError("dns-nomx", f"{domain} has no MX record and no A or AAAA address: "
                         "it cannot receive mail", domain=domain, resolver=where)
    host = MXHost(0, domain, found.addresses, None, found.ttls, [
        "implicit MX: no MX record, so the domain's own address is used (RFC 5321 §5.1)"])
    host.problems += [f"lookup failed: {t} {domain}: {r}" for t, (_k, r) in found.failures.items()]
    return Route(domain, [host], True, where, canonical)


def resolve_route(domain: str, resolver: dns.resolver.Resolver, *,
                  shuffle: random.Random | None = None, prefer_ipv6: bool = True) -> Route:
    """The route to ``domain`` (RFC 5321 §5.1); raises RouteError, or InputError for a bad name.

    MX hosts are sorted by preference; hosts of equal preference are shuffled with
    ``shuffle`` (a ``random.Random``; a fresh one if None). Without MX records the domain
    itself is the implicit MX. A temporary failure never falls back to A records.
    """
    import dns.exception
    import dns.name
    import dns.resolver

    domain = normalize_domain(domain)
    if domain.startswith("["):
        return _literal_route(domain)
    rng = shuffle if shuffle is not None else random.Random()
    qname = dns.name.from_text(domain)
    try:
        answer = resolver.resolve(qname, "MX", raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        where = describe_resolver(resolver)
        raise RouteError("dns-nxdomain", f"{domain} does not exist (NXDOMAIN from {where})",
                         domain=domain, resolver=where) from None
    except dns.exception.DNSException as exc:
        kind, reason = _failure(exc, resolver)
        hint = ("check the resolver, or choose one with --dns" if kind == "dns-unreachable"
                else "try again later")
        raise RouteError(kind, f"looking up the MX of {domain} failed: {reason}; not falling "
                         f"back to A records, {hint}", domain=domain,
                         resolver=describe_resolver(resolver)) from None
    where = _hostport(str(answer.nameserver), int(answer.port))
    canonical = None
    if answer.canonical_name != qname:
        canonical = answer.canonical_name.to_text(omit_final_dot=True)
    if answer.rrset is None:
        return _implicit(resolver, domain, where, prefer_ipv6, canonical)
    ttl = answer.rrset.ttl
    records = sorted({(rd.preference, rd.exchange) for rd in answer.rrset})
    if len(records) == 1 and records[0][1] == dns.name.root:
        raise RouteError("dns-nullmx", f"{domain} publishes a null MX (RFC 7505): it accepts "
                         "no mail", domain=domain, resolver=where)
    hosts: list[MXHost] = []
    seen: set[str] = set()
    for preference in sorted({pref for pref, _ in records}):
        group = [exchange for pref, exchange in records if pref == preference]
        rng.shuffle(group)
        for exchange in group:
            name = exchange.to_text(omit_final_dot=True)
            if exchange == dns.name.root:
                hosts.append(MXHost(preference, ".", [], ttl, {}, [
                    "null MX: mixed with other MX records, which RFC 7505 forbids; skipped"]))
            elif name.lower() not in seen:
                seen.add(name.lower())
                hosts.append(_host(resolver, preference, name, ttl, prefer_ipv6))
    return Route(domain, hosts, False, where, canonical)

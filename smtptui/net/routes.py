"""Direct mode routes: a recipient domain's mail exchangers per RFC 5321 §5.1 and RFC 7505.

dnspython is imported inside the functions that need it, so that importing this module
(as a smart-host run does) does not load it.

Address order: for each host, IPv6 addresses (AAAA) come before IPv4 (A), as RFC 6724's
default policy and getaddrinfo() order them; ``prefer_ipv6=False`` reverses it. Within a
family the order is the one the DNS answer gave.

Bounds (a hostile or broken DNS answer must not make a run last for hours): at most
MAX_MX_HOSTS hosts and MAX_ADDRESSES_PER_FAMILY addresses of each family per host are
considered, and resolving one route takes at most ROUTE_TIMEOUTS DNS time-outs: one for
the MX query, one for all the address look-ups, which run in parallel (AAAA and A of every
host at once). docs/direct-mode.md says why these numbers.
"""

from __future__ import annotations

import ipaddress
import random
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from smtptui.net.host_checks import address_note, server_name_problem, unusable_address
from smtptui.net.resolver import RouteError, describe_resolver, hostport, lookup_failure
from smtptui.smtp.domains import ip_text, normalize_domain
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import asdict, field, record, replace

if TYPE_CHECKING:
    import dns.resolver

#: RFC 5321 §5.1 lets a client limit the addresses it tries (it "SHOULD try at least two");
#: Postfix tries at most 5 addresses (smtp_mx_address_limit) in at most 2 sessions
#: (smtp_mx_session_limit). A troubleshooting tool shows and walks more than an MTA tries,
#: since finding the broken host is the point, but never without end: 10 hosts cover every
#: route seen in practice (large providers publish 5 or fewer).
MAX_MX_HOSTS = 10
#: Addresses kept per host and family (so IPv4 still comes after a long IPv6 list).
MAX_ADDRESSES_PER_FAMILY = 5
#: Resolving one route takes at most this many DNS time-outs (MX, then every address at once).
ROUTE_TIMEOUTS = 2
Progress = Callable[[str], None]
#: The tags of a host's notes that are about one address, and how a route sums them up.
ADDRESS_KINDS = {"loopback": "loopback addresses (this machine)",
                 "private": "private addresses (not public: reachable only inside their own "
                            "network)"}

@record
class MXHost:
    """One mail exchanger: its preference, name, addresses in walk order, TTLs and problems."""

    preference: int
    name: str
    addresses: list[str] = field(default_factory=list)
    ttl: int | None = None  # the MX record's TTL (None for an implicit MX or an address literal)
    address_ttls: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # "tag: sentence", e.g. "CNAME: ..."
    notes: list[str] = field(default_factory=list)  # facts, not problems ("loopback: ...")

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
    notes: list[str] = field(default_factory=list)  # about the whole route (the MX cap)

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

    def address_notes(self) -> list[str]:
        """The loopback and private addresses of every host, one line per kind (allowed:
        tests and labs use them; worth a word when a public domain's DNS gives them)."""
        groups: dict[str, list[str]] = {}
        for host in self.hosts:
            for note in host.notes:
                tag, _, rest = note.partition(": ")
                if tag in ADDRESS_KINDS:
                    groups.setdefault(tag, []).append(rest.split(" ", 1)[0])
        return [f"{ADDRESS_KINDS[tag]}: {', '.join(dict.fromkeys(found))}; allowed"
                for tag, found in groups.items()]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: domain, resolver, implicit, canonical and hosts (with flags)."""
        obj = asdict(self)
        for host, shown in zip(self.hosts, obj["hosts"], strict=True):
            shown["flags"] = host.flags
        return obj


# -- look-ups ------------------------------------------------------------------------


@record
class _Addresses:
    addresses: list[str] = field(default_factory=list)
    ttls: dict[str, int] = field(default_factory=dict)
    alias: str | None = None
    failures: dict[str, tuple[str, str]] = field(default_factory=dict)
    nxdomain: int = 0
    refused: list[str] = field(default_factory=list)  # "0.0.0.0 is the unspecified address"
    notes: list[str] = field(default_factory=list)  # loopback and private addresses
    dropped: int = 0  # addresses past MAX_ADDRESSES_PER_FAMILY


def _query(resolver: dns.resolver.Resolver, qname: Any, rdtype: str, deadline: float
           ) -> tuple[str, Any]:
    """One address look-up within ``deadline`` (time.monotonic()): ("answer", answer),
    ("nxdomain", None) or ("failed", (kind, reason))."""
    import dns.exception
    import dns.resolver

    lifetime = min(float(resolver.lifetime), deadline - time.monotonic())
    if lifetime <= 0:
        return "failed", lookup_failure(dns.exception.Timeout(), resolver)
    try:
        answer = resolver.resolve(qname, rdtype, raise_on_no_answer=False, search=False,
                                  lifetime=lifetime)
    except dns.resolver.NXDOMAIN:
        return "nxdomain", None
    except dns.exception.DNSException as exc:
        return "failed", lookup_failure(exc, resolver)
    return "answer", answer


def _lookups(resolver: dns.resolver.Resolver, names: list[str], prefer_ipv6: bool,
             deadline: float, progress: Progress | None) -> dict[str, _Addresses]:
    """The addresses of every name in ``names``: all AAAA and A look-ups at once, in threads,
    each ending by ``deadline``; ``progress`` hears of each name as its look-ups end."""
    from concurrent.futures import ThreadPoolExecutor, as_completed

    import dns.exception
    import dns.name

    families = ("AAAA", "A") if prefer_ipv6 else ("A", "AAAA")
    jobs = [(name, rdtype) for name in names for rdtype in families]
    done: dict[tuple[str, str], tuple[str, Any]] = {}
    left = {name: len(families) for name in names}
    started = time.monotonic()
    pool = ThreadPoolExecutor(max_workers=max(1, min(len(jobs), 2 * MAX_MX_HOSTS)),
                              thread_name_prefix="smtptui-dns")
    try:
        futures = {pool.submit(_query, resolver, dns.name.from_text(name), rdtype, deadline):
                   (name, rdtype) for name, rdtype in jobs}
        try:  # each look-up ends by the deadline by itself; the margin is for the threads
            for future in as_completed(futures, timeout=max(0.0, deadline - started) + 0.5):
                name, rdtype = futures[future]
                done[(name, rdtype)] = future.result()
                left[name] -= 1
                if progress is not None and left[name] == 0:
                    progress(_progress_line(name, [done[(name, t)] for t in families],
                                            time.monotonic() - started))
        except TimeoutError:
            pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    late = ("failed", lookup_failure(dns.exception.Timeout(), resolver))
    return {name: _addresses(name, [(rdtype, done.get((name, rdtype), late))
                                    for rdtype in families]) for name in names}


def _progress_line(name: str, results: list[tuple[str, Any]], seconds: float) -> str:
    count = sum(len(answer.rrset) for kind, answer in results
                if kind == "answer" and answer.rrset is not None)
    failed = sum(kind == "failed" for kind, _ in results)
    what = (f"{count} address{'es' if count != 1 else ''}" if count or not failed
            else "look-ups failed")
    return f"looked up {name}: {what} ({seconds:.2f} s)"


def _addresses(name: str, results: list[tuple[str, tuple[str, Any]]]) -> _Addresses:
    """What the look-ups of one name found, with unusable addresses refused and the others
    noted when loopback or private."""
    import dns.name

    found = _Addresses()
    qname = dns.name.from_text(name)
    for rdtype, (kind, value) in results:
        if kind == "nxdomain":
            found.nxdomain += 1
            continue
        if kind == "failed":
            found.failures[rdtype] = value
            continue
        answer = value
        if answer.canonical_name != qname:
            found.alias = answer.canonical_name.to_text(omit_final_dot=True)
        kept = 0
        for rdata in answer.rrset or ():
            address = str(ipaddress.ip_address(rdata.address))
            if address in found.ttls or address in found.refused:
                continue
            why = unusable_address(address)
            if why is not None:
                found.refused.append(why)
                continue
            if kept == MAX_ADDRESSES_PER_FAMILY:
                found.dropped += 1
                continue
            kept += 1
            found.addresses.append(address)
            found.ttls[address] = answer.rrset.ttl
            note = address_note(address)
            if note is not None:
                found.notes.append(note)
    return found


def _host(preference: int, name: str, ttl: int, found: _Addresses) -> MXHost:
    """One MX exchange and what is wrong with it, from its look-ups."""
    host = MXHost(preference, name, found.addresses, ttl, found.ttls, notes=list(found.notes))
    if found.alias:
        host.problems.append(f"CNAME: {name} is an alias of {found.alias} (RFC 5321 §5.1: an "
                             "MX must not point at an alias); followed anyway")
    for rdtype, (_kind, reason) in found.failures.items():
        host.problems.append(f"lookup failed: {rdtype} {name}: {reason}")
    host.problems += [f"unusable address: {why}; refused" for why in found.refused]
    if found.dropped:
        host.notes.append(f"more addresses: {found.dropped} more not kept (at most "
                          f"{MAX_ADDRESSES_PER_FAMILY} per family and host)")
    if not found.addresses:
        why = ("it does not exist (NXDOMAIN)" if found.nxdomain == 2 else
               "its look-ups failed" if found.failures else
               "it has only unusable addresses" if found.refused else
               "it has no A or AAAA record")
        host.problems.append(f"no address: {why}; skipped in the walk")
    return host


def _literal_host(preference: int, name: str, address: str, ttl: int | None,
                  problem: str) -> MXHost:
    """An MX (or a domain) that is an address: used as such, unless it is unusable."""
    why = unusable_address(address)
    if why is not None:
        return MXHost(preference, name, [], ttl, {}, [
            problem, f"unusable address: {why}; refused",
            "no address: it has only unusable addresses; skipped in the walk"])
    note = address_note(address)
    return MXHost(preference, name, [address], ttl, {}, [problem],
                  [note] if note is not None else [])


def _literal_route(domain: str) -> Route:
    address = ip_text(domain) or ""
    return Route(domain, [_literal_host(
        0, domain, address, None,
        "address literal: no DNS look-up, mail goes to the address as given")])


def _implicit(resolver: dns.resolver.Resolver, domain: str, where: str,
              prefer_ipv6: bool, canonical: str | None, deadline: float,
              progress: Progress | None) -> Route:
    found = _lookups(resolver, [domain], prefer_ipv6, deadline, progress)[domain]
    if not found.addresses:
        if found.failures:
            kinds = {kind for kind, _ in found.failures.values()}
            kind = "dns-unreachable" if kinds == {"dns-unreachable"} else "dns-temporary"
            reason = "; ".join(f"{t}: {r}" for t, (_k, r) in found.failures.items())
            raise RouteError(kind, f"{domain} has no MX record and looking up its own address "
                             f"failed ({reason}): try again later", domain=domain,
                             resolver=where)
        if found.refused:
            raise RouteError("dns-nomx", f"{domain} has no MX record and only unusable "
                             f"addresses ({'; '.join(found.refused)}): it cannot receive mail",
                             domain=domain, resolver=where)
        raise RouteError("dns-nomx", f"{domain} has no MX record and no A or AAAA address: "
                         "it cannot receive mail", domain=domain, resolver=where)
    host = MXHost(0, domain, found.addresses, None, found.ttls, [
        "implicit MX: no MX record, so the domain's own address is used (RFC 5321 §5.1)"],
        list(found.notes))
    host.problems += [f"lookup failed: {t} {domain}: {r}" for t, (_k, r) in found.failures.items()]
    host.problems += [f"unusable address: {why}; refused" for why in found.refused]
    return Route(domain, [host], True, where, canonical)


def route_bound(resolver: dns.resolver.Resolver) -> float:
    """The longest resolving one route may take with this resolver, in seconds."""
    return ROUTE_TIMEOUTS * float(resolver.lifetime)


def resolve_route(domain: str, resolver: dns.resolver.Resolver, *,
                  shuffle: random.Random | None = None, prefer_ipv6: bool = True,
                  progress: Progress | None = None) -> Route:
    """The route to ``domain`` (RFC 5321 §5.1); raises RouteError, or InputError for a bad name.

    MX hosts are sorted by preference; hosts of equal preference are shuffled with
    ``shuffle`` (a ``random.Random``; a fresh one if None). Without MX records the domain
    itself is the implicit MX. A temporary failure never falls back to A records.

    Bounded: the MAX_MX_HOSTS most preferred hosts are considered (a note on the route says
    how many more there were); a host whose name cannot be a server name is skipped, with
    the reason, without a look-up; the address look-ups run in parallel and all end within
    `route_bound` of the start. ``progress`` (if given) hears one line per host looked up,
    from this thread.
    """
    import dns.exception
    import dns.name
    import dns.resolver

    domain = normalize_domain(domain)
    if domain.startswith("["):
        return _literal_route(domain)
    deadline = time.monotonic() + route_bound(resolver)
    rng = shuffle if shuffle is not None else random.Random()
    qname = dns.name.from_text(domain)
    try:
        answer = resolver.resolve(qname, "MX", raise_on_no_answer=False, search=False)
    except dns.resolver.NXDOMAIN:
        where = describe_resolver(resolver)
        raise RouteError("dns-nxdomain", f"{domain} does not exist (NXDOMAIN from {where})",
                         domain=domain, resolver=where) from None
    except dns.exception.DNSException as exc:
        kind, reason = lookup_failure(exc, resolver)
        hint = ("check the resolver, or choose one with --dns" if kind == "dns-unreachable"
                else "try again later")
        raise RouteError(kind, f"looking up the MX of {domain} failed: {reason}; not falling "
                         f"back to A records, {hint}", domain=domain,
                         resolver=describe_resolver(resolver)) from None
    where = hostport(str(answer.nameserver), int(answer.port or 53))
    canonical = None
    if answer.canonical_name != qname:
        canonical = answer.canonical_name.to_text(omit_final_dot=True)
    if answer.rrset is None:
        return _implicit(resolver, domain, where, prefer_ipv6, canonical, deadline, progress)
    ttl = answer.rrset.ttl
    records = sorted({(rd.preference, rd.exchange) for rd in answer.rrset})
    if len(records) == 1 and records[0][1] == dns.name.root:
        raise RouteError("dns-nullmx", f"{domain} publishes a null MX (RFC 7505): it accepts "
                         "no mail", domain=domain, resolver=where)
    chosen: list[tuple[int, Any]] = []  # (preference, exchange), in walk order, capped
    seen: set[str] = set()
    total = 0
    for preference in sorted({pref for pref, _ in records}):
        group = [exchange for pref, exchange in records if pref == preference]
        rng.shuffle(group)
        for exchange in group:
            key = exchange.to_text(omit_final_dot=True).lower()
            if exchange != dns.name.root and key in seen:
                continue
            seen.add(key)
            total += 1
            if len(chosen) < MAX_MX_HOSTS:
                chosen.append((preference, exchange))
    notes = []
    if total > len(chosen):
        notes.append(f"{domain} has {total} MX hosts: only the {len(chosen)} most preferred are "
                     f"considered (smtptui's cap of {MAX_MX_HOSTS}; RFC 5321 §5.1 lets a client "
                     "limit the addresses it tries)")
    hosts: list[MXHost | None] = []
    wanted: list[str] = []
    for preference, exchange in chosen:
        name = exchange.to_text(omit_final_dot=True)
        literal = ip_text(name)
        if exchange == dns.name.root:
            hosts.append(MXHost(preference, ".", [], ttl, {}, [
                "null MX: mixed with other MX records, which RFC 7505 forbids; skipped"]))
        elif literal is not None:
            hosts.append(_literal_host(preference, name, literal, ttl, (
                "IP literal: the MX names an address, not a host (RFC 5321 §5.1 wants a host "
                "name); used as the address")))
        elif (problem := server_name_problem(name)) is not None:
            hosts.append(MXHost(preference, name, [], ttl, {}, [
                f"bad name: {problem}; skipped in the walk, not looked up"]))
        else:
            hosts.append(None)
            wanted.append(name)
    found = _lookups(resolver, wanted, prefer_ipv6, deadline, progress) if wanted else {}
    done = [host if host is not None else _host(preference, name.to_text(omit_final_dot=True),
                                                ttl, found[name.to_text(omit_final_dot=True)])
            for host, (preference, name) in zip(hosts, chosen, strict=True)]
    return Route(domain, done, False, where, canonical, notes)

"""Local checks reported with every result: the banner's name and delay, our reverse DNS vs HELO.

``local_checks(...)`` returns one ``Check`` per item, in a fixed order: ``banner-name``,
``banner-delay``, ``reverse-dns``. ``ok`` is True (fine), False (a likely problem) or None
(a note, or not checked, with the reason in ``text``).

The reverse-DNS check asks only the resolver it is given (dnspython is imported when it
runs); with none it says "not checked" and never falls back to the system's resolver. Its
look-ups are blocking: call it from a thread (``asyncio.to_thread``) inside an event loop.
"""

from __future__ import annotations

import ipaddress
import re
from typing import TYPE_CHECKING, Any

from smtptui.smtp.iplit import ip_literal
from smtptui.smtp.record import record

if TYPE_CHECKING:
    import dns.resolver

#: A greeting slower than this suggests tar-pitting or a slow check of our address.
SLOW_BANNER = 10.0

_NAME = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)+"
                   r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?$")


@record(frozen=True)
class Check:
    """One local check: its machine name, the verdict (None: a note or not checked), one line."""

    name: str
    ok: bool | None
    text: str

    @property
    def label(self) -> str:
        """"ok", "problem" or "note", for a transcript line."""
        return {True: "ok", False: "problem", None: "note"}[self.ok]

    def as_dict(self) -> dict[str, Any]:
        """The check as a JSON-ready dict."""
        return {"name": self.name, "ok": self.ok, "text": self.text}


def local_checks(helo: str, banner_text: str, target_host: str, banner_delay: float | None,
                 local_address: str, resolver: dns.resolver.Resolver | None = None
                 ) -> list[Check]:
    """The three checks; ``banner_text`` is the greeting's first line (with or without "220")."""
    return [banner_name(banner_text, target_host), banner_delay_check(banner_delay),
            reverse_dns(local_address, helo, resolver)]


def _clean(name: str) -> str:
    return name.strip().rstrip(".").lower()


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    address = ip_literal(text)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def banner_name(banner_text: str, target_host: str) -> Check:
    """The host name the greeting gives (its first word) against the host we connected to."""
    words = re.sub(r"^\d{3}[ -]?", "", banner_text.strip()).split()
    if not banner_text.strip():
        return Check("banner-name", None, "not checked: no greeting was received")
    code = banner_text.strip()[:3]
    if code.isdigit() and code != "220":
        return Check("banner-name", None, f"not checked: the greeting was a {code} refusal, "
                     "not a 220 naming the host")
    if not words:
        return Check("banner-name", None, "the greeting gives no host name")
    given = words[0]
    name = _clean(given)
    if _address(given) is None and not _NAME.match(name):
        return Check("banner-name", None, "the greeting does not start with a fully qualified "
                     f"host name ({given!r}); RFC 5321 §4.3.1 says it should")
    target = _clean(target_host)
    if name == target or (_address(given) is not None and _address(given) == _address(target)):
        return Check("banner-name", True, f"the greeting names {name}, the host connected to")
    if _address(target) is not None and _address(given) is None:
        # Connected to an address: there is no name to hold the greeting's against (that
        # would take a DNS look-up of the greeting's name), so no mismatch to speak of.
        return Check("banner-name", None, f"not checked: connected to address {target}, not "
                     f"a name; the greeting names {name}")
    where = f"address {target}" if _address(target) is not None else target
    return Check("banner-name", None, f"the greeting names {name}, not {where}: normal behind "
                 "a load balancer, or when the name connected to is an alias; not a problem "
                 "by itself")


def banner_delay_check(seconds: float | None) -> Check:
    """How long the greeting took after the connection was made."""
    if seconds is None:
        return Check("banner-delay", None, "not checked: no greeting was received")
    if seconds > SLOW_BANNER:
        return Check("banner-delay", False, f"the greeting took {seconds:.1f} s (over "
                     f"{SLOW_BANNER:g} s): tar-pitting, or a slow DNS block-list or reverse-DNS "
                     "check of your address at the server")
    return Check("banner-delay", True, f"the greeting came after {seconds:.2f} s")


def reverse_dns(local_address: str, helo: str, resolver: dns.resolver.Resolver | None
                ) -> Check:
    """Forward-confirmed reverse DNS of our outgoing address, and whether HELO matches it."""
    address = _address(local_address)
    if address is None:
        return Check("reverse-dns", None, "not checked: our outgoing address is unknown")
    if not address.is_global:
        return Check("reverse-dns", None, f"not checked: private address {address} (receivers "
                     "see the public address it is translated to)")
    if resolver is None:
        return Check("reverse-dns", None, "not checked: no DNS resolver was given (direct mode "
                     "or --dns)")
    try:
        names = _ptr_names(address, resolver)
        confirmed = [name for name in names if _resolves_to(name, address, resolver)]
    except _LookupFailed as exc:
        return Check("reverse-dns", None, f"not checked: a look-up for {address} failed "
                     f"({exc})")
    if not names:
        return Check("reverse-dns", False, f"{address} has no reverse DNS (PTR record): many "
                     "receivers refuse mail from such addresses")
    if not confirmed:
        return Check("reverse-dns", False, f"{address} has reverse DNS {', '.join(names)}, but "
                     "that name does not resolve back to it (not forward-confirmed): many "
                     "receivers treat this as no reverse DNS")
    helo_name = _clean(helo)
    if helo_name in confirmed:
        return Check("reverse-dns", True, f"{address} <-> {helo_name}: forward-confirmed reverse "
                     "DNS, and it matches the HELO name")
    if _address(helo) is not None:
        return Check("reverse-dns", None, f"{address} <-> {confirmed[0]} (forward-confirmed); "
                     f"the HELO is an address literal ({helo.strip()}), which some receivers "
                     "refuse")
    return Check("reverse-dns", False, f"{address} <-> {confirmed[0]} (forward-confirmed), but "
                 f"the HELO name is {helo_name or '(empty)'}: many receivers reject or score "
                 f"down a HELO name that does not match; give {confirmed[0]} as the HELO name")


class _LookupFailed(Exception):
    """A look-up that got no usable answer (time-out, SERVFAIL, unreachable resolver)."""


def _query(resolver: dns.resolver.Resolver, name: Any, rdtype: str) -> list[str]:
    """The answer's records as text; [] for NXDOMAIN or no records of that type."""
    import dns.exception
    import dns.resolver

    try:
        answer = resolver.resolve(name, rdtype, search=False)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return []
    except dns.exception.Timeout:
        raise _LookupFailed("no answer from the resolver") from None
    except dns.resolver.NoNameservers:
        raise _LookupFailed("the resolver failed to answer (SERVFAIL or refused)") from None
    except dns.exception.DNSException as exc:
        raise _LookupFailed(str(exc) or type(exc).__name__) from None
    return [record.to_text() for record in answer]


def _ptr_names(address: ipaddress.IPv4Address | ipaddress.IPv6Address,
               resolver: dns.resolver.Resolver) -> list[str]:
    import dns.reversename

    return [_clean(name) for name in _query(resolver, dns.reversename.from_address(str(address)),
                                            "PTR")]


def _resolves_to(name: str, address: ipaddress.IPv4Address | ipaddress.IPv6Address,
                 resolver: dns.resolver.Resolver) -> bool:
    rdtype = "A" if address.version == 4 else "AAAA"
    return any(_address(text) == address for text in _query(resolver, name + ".", rdtype))

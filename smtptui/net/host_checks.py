"""Addresses and host names an MX record may give, checked before any connect: unusable
(unspecified, broadcast, multicast), worth a note (loopback, private), or not a name a
connect and TLS can use."""

from __future__ import annotations

import ipaddress
import re

#: A host name label that can also be a TLS server name and a connect target: letters,
#: digits, hyphens (and the underscore some real MX names carry). dnspython writes other
#: octets as escapes (``\128``), which no IDNA codec accepts.
_HOST_LABEL = re.compile(rb"[A-Za-z0-9_-]{1,63}")


def unusable_address(address: str) -> str | None:
    """Why ``address`` can never be an SMTP server's (None when it can): the unspecified
    address (0.0.0.0/8, ::), which a connect takes for this machine, broadcast, multicast."""
    ip = _unmapped(address)
    if ip.is_unspecified or (ip.version == 4 and ip in ipaddress.ip_network("0.0.0.0/8")):
        return f"{address} is the unspecified address (a connect would reach this machine)"
    if ip.version == 4 and int(ip) == 0xFFFFFFFF:
        return f"{address} is the broadcast address"
    if ip.is_multicast:
        return f"{address} is a multicast address"
    return None


def address_note(address: str) -> str | None:
    """A word on a loopback or private address: allowed (tests and labs use them), but
    worth knowing when it comes from a public domain's DNS."""
    ip = _unmapped(address)
    if ip.is_loopback:
        return f"loopback: {address} is this machine; allowed"
    if ip.is_private or ip.is_link_local:
        return f"private: {address} is not a public address (reachable only inside its own " \
               "network); allowed"
    return None


def server_name_problem(name: str) -> str | None:
    """Why an MX host name cannot be a connect target and TLS server name (None when it
    can): a label with octets other than letters, digits, hyphens (dnspython writes them as
    ``\\128``), an empty or over-long label, a name over 253 octets."""
    import dns.exception
    import dns.name

    try:
        labels = [label for label in dns.name.from_text(name).labels if label]
    except dns.exception.DNSException as exc:
        return f"not a valid DNS name ({exc})"
    if not labels:
        return "the root is not a host name"
    if sum(len(label) + 1 for label in labels) - 1 > 253:
        return "the name is longer than 253 octets"
    if any(not _HOST_LABEL.fullmatch(label) for label in labels):
        return ("a label holds octets other than letters, digits and hyphens (written \\DDD), "
                "so the name can be neither connected to nor a TLS server name")
    return None


def _unmapped(address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The address, an IPv4-mapped IPv6 one (::ffff:a.b.c.d) as the IPv4 address it is."""
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    return ip

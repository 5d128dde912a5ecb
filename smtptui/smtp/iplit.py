"""IP address literals as mail uses them: "[192.0.2.1]", "[IPv6:2001:db8::1]", "fe80::1%eth0"."""

from __future__ import annotations

import ipaddress


def ip_literal(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address if ``text`` is an IP address (bracketed, "IPv6:"-prefixed or scoped too)."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text[:5].lower() == "ipv6:":
        text = text[5:]
    try:
        return ipaddress.ip_address(text.split("%", 1)[0])
    except ValueError:
        return None

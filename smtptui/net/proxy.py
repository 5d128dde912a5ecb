"""The PROXY protocol header (haproxy's proxy-protocol.txt, versions 1 and 2), as octets.

A proxy in front of an MTA (haproxy, a load balancer) opens its connection to the MTA with
this header, the original client's address and port and its own, before any SMTP; the MTA
(Postfix's ``smtpd_upstream_proxy_protocol``, Exim's ``hosts_proxy``) takes the client's
address from it. smtptui sends it the same way, to test such an MTA without the proxy.
"""

from __future__ import annotations

import ipaddress
import struct

from smtptui.smtp.plan import ProxyHeader

#: Version 2's signature: the 12 octets every binary header starts with.
V2_SIGNATURE = b"\r\n\r\n\x00\r\nQUIT\n"
#: Version 2's command octet (version 2, command PROXY) and family octets (TCP over IPv4/6).
_V2_PROXY = 0x21
_V2_TCP4, _V2_TCP6 = 0x11, 0x21


def proxy_header(proxy: ProxyHeader) -> bytes:
    """The header's octets, from a checked ProxyHeader (SessionPlan.validate checks it)."""
    if proxy.raw:
        if proxy.version == 1:
            return b"PROXY " + proxy.raw.encode("utf-8") + b"\r\n"
        return V2_SIGNATURE + proxy.raw.encode("utf-8", "surrogateescape")
    assert proxy.source_port is not None and proxy.dest_port is not None
    if proxy.version == 1:
        name = "TCP6" if proxy.ipv6 else "TCP4"
        return (f"PROXY {name} {proxy.source} {proxy.dest} {proxy.source_port} "
                f"{proxy.dest_port}\r\n").encode("ascii")
    source = ipaddress.ip_address(proxy.source).packed
    dest = ipaddress.ip_address(proxy.dest).packed
    block = source + dest + struct.pack("!HH", proxy.source_port, proxy.dest_port)
    family = _V2_TCP6 if proxy.ipv6 else _V2_TCP4
    return V2_SIGNATURE + struct.pack("!BBH", _V2_PROXY, family, len(block)) + block


def shown(proxy: ProxyHeader, header: bytes) -> str:
    """The header as a transcript line: version 1 as the text it is, version 2 in hex (the
    text rule makes anything unprintable in a raw header visible)."""
    if proxy.version == 1:
        return header.decode("utf-8", "replace").removesuffix("\r\n")
    what = f"{proxy.family} {proxy.source}:{proxy.source_port} -> {proxy.dest}:" \
           f"{proxy.dest_port}" if not proxy.raw else "raw"
    return f"[PROXY v2 header, {len(header)} octets, {what}] {header.hex(' ')}"

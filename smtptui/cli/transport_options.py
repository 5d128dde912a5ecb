"""`smtptui run`'s transport and TLS-client options (swaks' names): -4/-6, --local-interface,
--local-port, --socket, the PROXY header, --tls-cert/-key/-protocol/-cipher/-sni."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from smtptui.smtp.errors import InputError

if TYPE_CHECKING:  # the grammar is read before any plan is made
    from smtptui.smtp.plan import ProxyHeader


def _port(text: str) -> int:
    """A port number argument (argparse type): 0-65535, checked later by who uses it."""
    try:
        return int(text, 10)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number") from None


def add_transport_options(run: argparse.ArgumentParser) -> None:
    """The options, in three help groups."""
    net = run.add_argument_group("transport (swaks' names)")
    family = net.add_mutually_exclusive_group()
    family.add_argument("-4", "--ipv4", dest="ip_version", action="store_const", const=4,
                        help="connect over IPv4 only (the server's IPv4 addresses)")
    family.add_argument("-6", "--ipv6", dest="ip_version", action="store_const", const=6,
                        help="connect over IPv6 only")
    net.add_argument("--local-interface", metavar="ADDR[:PORT]",
                     help="connect from this IP address of this host (and port): "
                     "192.0.2.7, 192.0.2.7:2525, [2001:db8::7]:2525 or a bare IPv6 address")
    net.add_argument("--local-port", "--lport", type=_port, metavar="PORT",
                     help="connect from this port (1-65535)")
    net.add_argument("--socket", metavar="PATH", help="talk to a UNIX-domain socket instead "
                     "of --server (an LMTP or SMTP server listening on a file)")
    tls = run.add_argument_group("TLS client (swaks' names)")
    tls.add_argument("--tls-cert", metavar="FILE", help="a client certificate (PEM) to present "
                     "when the server asks for one; its key in --tls-key or in the same file")
    tls.add_argument("--tls-key", metavar="FILE", help="the private key (PEM, unencrypted) of "
                     "--tls-cert")
    tls.add_argument("--tls-protocol", metavar="SPEC", help="the TLS versions allowed: "
                     "tlsv1_2,tlsv1_3 (only those) or no_tlsv1,no_tlsv1_1 (all but those); "
                     "names: sslv2, sslv3, tlsv1, tlsv1_1, tlsv1_2, tlsv1_3")
    tls.add_argument("--tls-cipher", metavar="CIPHERS", help="an OpenSSL cipher string for TLS "
                     "1.2 and older, e.g. 'ECDHE+AESGCM' (TLS 1.3 suites are not changed)")
    tls.add_argument("--tls-sni", metavar="NAME", help="the name sent as SNI (default: the "
                     "server's name); the certificate is still checked against the server's "
                     "name (or --tls-verify-target)")
    tls.add_argument("--tls-verify-target", metavar="NAME", help="check the certificate "
                     "against NAME instead of the server's name (needed with --socket)")
    proxy = run.add_argument_group("PROXY protocol (swaks' names; haproxy's proxy-protocol)")
    proxy.add_argument("--proxy-version", type=_version, metavar="1|2",
                       help="the PROXY header's version: 1 (text, the default) or 2 (binary)")
    proxy.add_argument("--proxy-source", metavar="ADDR", help="the original client's "
                       "address in the PROXY header, sent before anything else; with "
                       "--proxy-source-port, --proxy-dest and --proxy-dest-port")
    proxy.add_argument("--proxy-source-port", type=_port, metavar="PORT")
    proxy.add_argument("--proxy-dest", metavar="ADDR",
                       help="the address the original client connected to")
    proxy.add_argument("--proxy-dest-port", type=_port, metavar="PORT")
    proxy.add_argument("--proxy-family", metavar="FAMILY", help="TCP4 or TCP6 (AF_INET, "
                       "AF_INET6): optional, inferred from the addresses, checked if given")
    proxy.add_argument("--proxy", metavar="STRING", dest="proxy_raw",
                       help="a raw header: STRING sent as is after 'PROXY ' (version 1) or "
                       "after version 2's signature; instead of the options above")


def _version(text: str) -> int:
    if text.strip() not in ("1", "2"):
        raise argparse.ArgumentTypeError(f"{text!r}: 1 or 2")
    return int(text)


def transport_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The plan fields the options give (only those given), for a plan or a profile run."""
    settings: dict[str, Any] = {}
    if args.ip_version:
        settings["ip_version"] = args.ip_version
    if args.local_interface is not None:
        from smtptui.smtp.plan import parse_local_interface

        try:
            address, port = parse_local_interface(args.local_interface)
        except InputError as exc:
            raise InputError(f"--local-interface {exc}") from None
        settings["local_address"] = address
        if port:
            settings["local_port"] = port
    if args.local_port is not None:
        if "local_port" in settings and settings["local_port"] != args.local_port:
            raise InputError(f"--local-interface gives port {settings['local_port']} and "
                             f"--local-port {args.local_port}: give the port once")
        if not 1 <= args.local_port <= 65535:
            raise InputError(f"--local-port {args.local_port}: from 1 to 65535")
        settings["local_port"] = args.local_port
    if args.socket is not None:
        if not args.socket:
            raise InputError("--socket: no path given")
        settings["socket_path"] = args.socket
    for name in ("tls_cert", "tls_key", "tls_protocol", "tls_cipher", "tls_sni"):
        value = getattr(args, name)
        if value is not None:
            if not value.strip():
                raise InputError(f"--{name.replace('_', '-')}: empty")
            settings[name] = value
    if args.tls_verify_target is not None:
        settings["tls_name"] = args.tls_verify_target.strip()
        if not settings["tls_name"]:
            raise InputError("--tls-verify-target: empty")
    proxy = proxy_settings(args)
    if proxy is not None:
        settings["proxy"] = proxy
    return settings


def proxy_settings(args: argparse.Namespace) -> ProxyHeader | None:
    """The PROXY header the options describe (checked with the plan), or None."""
    parts = {"source": args.proxy_source, "source_port": args.proxy_source_port,
             "dest": args.proxy_dest, "dest_port": args.proxy_dest_port,
             "family": args.proxy_family, "raw": args.proxy_raw}
    given = {name: value for name, value in parts.items() if value is not None}
    if not given:
        if args.proxy_version is not None:
            raise InputError("--proxy-version needs the header: --proxy-source, "
                             "--proxy-source-port, --proxy-dest and --proxy-dest-port, or "
                             "--proxy")
        return None
    if "raw" in given and not given["raw"]:
        raise InputError("--proxy: empty (give the header's text after 'PROXY ')")
    from smtptui.smtp.plan import ProxyHeader

    return ProxyHeader(version=args.proxy_version or 1, **given)


def check_transport_flags(args: argparse.Namespace, *, direct: bool) -> None:
    """Options that mean nothing together are refused, not ignored (``direct``: the run's,
    a profile's included)."""
    if args.socket is not None:
        other = [flag for flag, value in (("--server", args.server), ("--direct", direct),
                                          ("--port", args.port), ("--mx", args.mx))
                 if value]
        if other:
            raise InputError(f"--socket and {other[0]}: a UNIX-domain socket is the server "
                             "(as swaks, one transport)")
    if args.tls_verify_target is not None and direct:
        raise InputError("--tls-verify-target with --direct: each MX host's certificate is "
                         "checked against that host's name")

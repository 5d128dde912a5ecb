"""`smtptui run`'s protocol options (swaks' names): pipelining, CHUNKING, DSN, LMTP, XCLIENT,
REQUIRETLS, --force, and the stop points (--quit-after, --drop-after, --drop-after-send)."""

from __future__ import annotations

import argparse
from typing import Any

from smtptui.smtp.commands import xtext
from smtptui.smtp.errors import InputError
from smtptui.smtp.vocabulary import DROP_AFTER, QUIT_AFTER, STOP_NAMES, stop_point

#: XCLIENT attributes (Postfix's XCLIENT_README), as swaks names their options.
XCLIENT_ATTRIBUTES = ("addr", "name", "port", "proto", "destaddr", "destport", "helo", "login",
                      "reverse-name")

#: swaks' --protocol values: (our protocol, TLS mode or "", default port or 0, needs AUTH).
PROTOCOL_TABLE: dict[str, tuple[str, str, int, bool]] = {
    "smtp": ("smtp", "", 25, False), "esmtp": ("esmtp", "", 25, False),
    "esmtpa": ("esmtp", "", 25, True), "esmtps": ("esmtp", "required", 25, False),
    "esmtpsa": ("esmtp", "required", 25, True), "ssmtp": ("esmtp", "implicit", 465, False),
    "ssmtpa": ("esmtp", "implicit", 465, True), "smtps": ("smtp", "implicit", 465, False),
    "lmtp": ("lmtp", "", 24, False), "lmtpa": ("lmtp", "", 24, True),
    "lmtps": ("lmtp", "required", 24, False), "lmtpsa": ("lmtp", "required", 24, True),
}

_STOPS = ", ".join(QUIT_AFTER)
_ALIASES = ", ".join(f"{swaks} = {ours}" for swaks, ours in STOP_NAMES.items())


class _XclientAttribute(argparse.Action):
    """--xclient-ATTR VALUE: one attribute of the current XCLIENT command."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        groups = list(getattr(namespace, "xclient_groups", None) or [[]])
        groups[-1] = [*groups[-1], (self.metavar or "", str(values))]
        namespace.xclient_groups = groups


class _XclientDelim(argparse.Action):
    """--xclient-delim: the attributes after it go in a further XCLIENT command."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: Any, option_string: str | None = None) -> None:
        groups = list(getattr(namespace, "xclient_groups", None) or [[]])
        if groups[-1]:
            groups.append([])
        namespace.xclient_groups = groups


def add_protocol_options(run: argparse.ArgumentParser) -> None:
    """The options, in their own help group."""
    group = run.add_argument_group("protocol (swaks' names)")
    group.add_argument("-q", "--quit", "--quit-after", dest="quit_after", type=stop_point,
                       choices=QUIT_AFTER, metavar="STAGE",
                       help=f"send QUIT after a stage: {_STOPS} (also swaks' names: "
                       f"{_ALIASES}; every EHLO name stops after the first EHLO, before any "
                       "STARTTLS)")
    group.add_argument("--da", "--drop-after", dest="drop_after", type=stop_point,
                       choices=DROP_AFTER, metavar="STAGE",
                       help="like --quit-after, but close the connection without QUIT")
    group.add_argument("--das", "--drop-after-send", dest="drop_after_send", type=stop_point,
                       choices=DROP_AFTER, metavar="STAGE",
                       help="close the connection as soon as the stage's command is sent, "
                       "without reading its reply")
    group.add_argument("--protocol", type=str.lower, choices=sorted(PROTOCOL_TABLE),
                       metavar="PROTO", help="SMTP (HELO only), ESMTP (the default), LMTP (RFC "
                       "2033: LHLO, one reply per recipient after the message, port 24), and "
                       "swaks' variants: ESMTPS/LMTPS require STARTTLS, SSMTP/SMTPS are TLS "
                       "from the first byte (port 465), an A suffix needs --auth-user")
    pipelining = group.add_mutually_exclusive_group()
    pipelining.add_argument("--pipeline", dest="pipeline", action="store_true", default=None,
                            help="PIPELINING where the server offers it (RFC 2920; the "
                            "default, as MTAs do): MAIL, every RCPT and DATA in one write")
    pipelining.add_argument("--no-pipeline", dest="pipeline", action="store_false",
                            help="one command at a time, each reply awaited")
    group.add_argument("--chunking", action="store_true", default=None,
                       help="send the message with BDAT (RFC 3030) where the server offers "
                       "CHUNKING: no dot-stuffing; BINARYMIME for NUL bytes or 8-bit bytes "
                       "without 8BITMIME")
    group.add_argument("--chunk-size", type=int, metavar="OCTETS",
                       help="with --chunking: octets of the message per BDAT (default 1048576)")
    group.add_argument("--dsn-notify", metavar="WHEN", help="DSN (RFC 3461): NOTIFY= on each "
                       "RCPT: NEVER, or SUCCESS,FAILURE,DELAY in any combination")
    group.add_argument("--dsn-ret", metavar="FULL|HDRS", help="DSN: RET= on MAIL")
    group.add_argument("--dsn-envid", metavar="ID", help="DSN: ENVID= on MAIL (xtext-encoded)")
    group.add_argument("--dsn-orcpt", action="store_true", default=None,
                       help="DSN: ORCPT=rfc822;<recipient> on each RCPT")
    group.add_argument("--requiretls", action="store_true", default=None,
                       help="REQUIRETLS on MAIL (RFC 8689): only inside TLS, where offered")
    group.add_argument("--force", action="store_true",
                       help="send what a pre-check refuses (SIZE, 8BITMIME, SMTPUTF8, DSN, "
                       "REQUIRETLS, CHUNKING, an AUTH mechanism or XCLIENT attribute not "
                       "offered), said loudly, to see whether the server enforces its limits")
    for attribute in XCLIENT_ATTRIBUTES:
        group.add_argument(f"--xclient-{attribute}", action=_XclientAttribute,
                           metavar=attribute.upper().replace("-", "_"), dest="xclient_groups",
                           help=argparse.SUPPRESS if attribute != "addr" else
                           "XCLIENT attributes (Postfix): --xclient-addr, -name, -port, "
                           "-proto, -destaddr, -destport, -helo, -login, -reverse-name; "
                           "sent together in one XCLIENT after the TLS point, then EHLO "
                           "again; only attributes the server advertises")
    group.add_argument("--xclient-delim", action=_XclientDelim, nargs=0, dest="xclient_groups",
                       help="the XCLIENT attributes after it go in a further XCLIENT command")
    group.add_argument("--xclient", action="append", metavar="ATTR=VALUE ...",
                       help="a raw XCLIENT command's attributes, sent as given, unchecked")
    group.add_argument("--xclient-no-verify", action="store_true",
                       help="send --xclient-* attributes the server does not advertise")


def protocol_settings(args: argparse.Namespace) -> dict[str, Any]:
    """The plan fields the options give (only those given), for a plan or a profile run."""
    settings: dict[str, Any] = {}
    for name in ("drop_after", "drop_after_send", "pipeline", "chunking", "chunk_size",
                 "dsn_notify", "dsn_ret", "dsn_envid", "dsn_orcpt", "requiretls"):
        value = getattr(args, name, None)
        if value is not None:
            settings[name] = value
    if args.force:
        settings["force"] = True
    if args.protocol:
        settings["protocol"] = PROTOCOL_TABLE[args.protocol][0]
    commands: list[tuple[str, bool]] = []
    for group in getattr(args, "xclient_groups", None) or []:
        if group:
            commands.append((" ".join(f"{name.upper().replace('-', '_')}={xtext(value)}"
                                      for name, value in group), not args.xclient_no_verify))
    commands += [(raw, False) for raw in args.xclient or []]
    if commands:
        settings["xclient"] = tuple(commands)
    return settings


def protocol_defaults(args: argparse.Namespace, auth_user: str) -> tuple[str, int]:
    """The TLS mode and default port that --protocol implies ("" and 0 when it implies none);
    an A variant without --auth-user is refused."""
    if not args.protocol:
        return "", 0
    _, tls, port, needs_auth = PROTOCOL_TABLE[args.protocol]
    if needs_auth and not auth_user:
        raise InputError(f"--protocol {args.protocol.upper()} authenticates: give --auth-user")
    return tls, port

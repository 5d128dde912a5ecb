"""The command-line grammar: the app by default; `run`, `mx` and `profiles` sub-commands."""

from __future__ import annotations

import argparse

from smtptui import __version__
from smtptui.cli.protocol_options import add_protocol_options
from smtptui.smtp.vocabulary import TLS_MODES


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 1 (swaks: 1 is a usage error)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"smtptui: error: {message}\n")


def _add_run(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    run = sub.add_parser("run", help="run one SMTP session without a screen (swaks-style)",
                         description="Run one SMTP session and print the transcript.")
    run.add_argument("profile", nargs="?", help="a saved profile to start from")
    run.add_argument("-s", "--server", help="HOST[:PORT] of the smart host")
    run.add_argument("-p", "--port", type=int, help="the port (default 25; 465 means implicit TLS)")
    run.add_argument("-f", "--from", dest="sender", help="envelope sender (MAIL FROM)")
    run.add_argument("-t", "--to", action="append", help="recipient; repeat or comma-separate")
    run.add_argument("--eml", help="the message to send, a .eml file (default: a test message)")
    run.add_argument("--subject", help="Subject of the composed test message")
    run.add_argument("--body", help="body of the composed test message")
    run.add_argument("--helo", help="the name to give in EHLO/HELO (default: this host's name)")
    run.add_argument("--timeout", type=float, help="one time-out in seconds for every stage "
                     "(default: RFC 5321 §4.5.3.2's per-stage values)")
    run.add_argument("--json", action="store_true", help="print JSON lines instead of text")
    run.add_argument("--brief", action="store_true",
                     help="after the transcript, only the result line (and the recipients "
                     "not accepted): no stage times, local checks, reply explanations or "
                     "diagnosis; --json is left whole")
    run.add_argument("--explain", action="store_true",
                     help="explain every reply's codes (RFC 5321, RFC 3463) after it")
    run.add_argument("--tls", choices=TLS_MODES, help="TLS mode (default: starttls; implicit "
                     "on port 465)")
    run.add_argument("--no-verify", action="store_true", help="do not verify the certificate")
    run.add_argument("--ca", metavar="FILE", help="trust this CA file as well")
    run.add_argument("--auth-user", metavar="USER", help="authenticate as USER")
    run.add_argument("--auth-mech", metavar="MECH", help="with --auth-user: PLAIN, LOGIN, "
                     "CRAM-MD5 or XOAUTH2")
    run.add_argument("--password-env", metavar="VAR", help="with --auth-user: read the "
                     "password from $VAR")
    run.add_argument("--password-command", metavar="CMD",
                     help="with --auth-user: run CMD; its output is the password")
    run.add_argument("--allow-plaintext-auth", action="store_true",
                     help="allow sending credentials without TLS")
    run.add_argument("--direct", action="store_true",
                     help="direct mode: look up the recipients' MX hosts and walk them")
    run.add_argument("--dns", metavar="HOST[:PORT]", help="the resolver (an IP address or a "
                     "host name) for direct mode's look-ups and the reverse-DNS check; "
                     "default: the system's in direct mode, none otherwise")
    run.add_argument("--mx", metavar="HOST", help="with --direct: use this one MX host only")
    add_protocol_options(run)


def make_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    parser = _Parser(prog="smtptui", description="A workbench for SMTP troubleshooting.")
    parser.add_argument("--version", action="version", version=f"smtptui {__version__}")
    parser.add_argument("--profiles", metavar="DIR", help="the profiles folder")
    parser.add_argument("--demo", action="store_true",
                        help="start a demo SMTP server on loopback and open the app on it")
    parser.add_argument("--debug", action="store_true",
                        help="let an unexpected error print its traceback (before or after "
                             "the sub-command)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    _add_run(sub)
    mx = sub.add_parser("mx", help="show the mail route (MX hosts) of a domain",
                        description="Print the MX route of DOMAIN in the order a session walks it.")
    mx.add_argument("domain")
    mx.add_argument("--dns", metavar="HOST[:PORT]", help="the resolver to ask (default: system)")
    mx.add_argument("--timeout", type=float, default=5.0, help="DNS time-out in seconds")
    mx.add_argument("--json", action="store_true", help="print one JSON object")
    profiles = sub.add_parser("profiles", help="list the saved profiles, or show one")
    profiles.add_argument("action", nargs="?", choices=("list", "show"), default="list")
    profiles.add_argument("name", nargs="?")
    for sub_parser in (sub.choices["run"], profiles):
        sub_parser.add_argument("--profiles", metavar="DIR", default=argparse.SUPPRESS,
                                help="the profiles folder (default: $SMTPTUI_PROFILES or the "
                                     "user config folder)")
    for sub_parser in sub.choices.values():
        sub_parser.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                help="let an unexpected error print its traceback")
    return parser

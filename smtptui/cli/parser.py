"""The command-line grammar: the app by default; `run`, `mx` and `profiles` sub-commands."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from smtptui import __version__
from smtptui.cli.protocol_options import add_protocol_options
from smtptui.cli.transport_options import add_transport_options
from smtptui.smtp.vocabulary import TLS_MODES

#: swaks' options of one dash and several letters: argparse would read "-tls" as "-t ls" and
#: "-stl" as "-s tl" (a server to look up), so they are refused, naming their long form.
SWAKS_SHORT = {
    "-tls": "--tls required", "-tlso": "--tls starttls", "-tlsos": "--tls starttls",
    "-tlsc": "--tls implicit", "-tlsp": "--tls-protocol", "-li": "--local-interface",
    "-lp": "--local-port", "-au": "--auth-user", "-ap": "--password-env or "
    "--password-command", "-am": "(not supported)", "-ae": "(not supported)",
    "-ao": "(not supported)", "-aos": "(not supported)", "-apt": "(not supported)",
    "-ahp": "(passwords are never shown)", "-ah": "--add-header", "-dab": "(not supported)",
    "-dabsp": "(not supported)", "-stl": "(stage times are always shown)",
    "-nih": "--brief", "-nsh": "--brief", "-nrh": "--brief", "-nth": "--brief",
    "-raw": "(not supported)", "-pp": "(not supported)", "-hr": "(not supported)",
    "-hs": "(not supported)", "-hi": "(not supported)", "-ha": "(not supported)",
    "-ndf": "(not supported)", "-nsf": "(not supported)",
}


def check_swaks_short_options(words: list[str]) -> None:
    """Refuse swaks' multi-letter one-dash options before argparse misreads them."""
    for word in words:
        if word == "--":
            return
        if word in SWAKS_SHORT:
            raise argparse.ArgumentTypeError(
                f"{word} is one of swaks' short options; smtptui takes long options only: "
                f"{SWAKS_SHORT[word]} (see docs/swaks.md)")


def _columns() -> int:
    """The terminal's width, as `shutil.get_terminal_size().columns` gives it ($COLUMNS, then
    standard output's terminal, then 80), without importing shutil (and with it fnmatch, zlib,
    bz2 and lzma: ~1.5 ms of every start, for a width only help text needs)."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns or 80


class _Parser(argparse.ArgumentParser):
    """argparse with a one-line error and exit code 1 (swaks: 1 is a usage error)."""

    def _get_formatter(self) -> argparse.HelpFormatter:
        # argparse makes a formatter for every add_argument (to check its metavar), and its
        # HelpFormatter imports shutil for the width: the same width, given (as it subtracts).
        return self.formatter_class(prog=self.prog, width=_columns() - 2)  # type: ignore[call-arg]

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"smtptui: error: {message}\n")


class _InOrder(argparse.Action):
    """Appends (option, value) to one list, so related options keep their command-line order
    (--header with --add-header; --attach with --attach-type and --attach-name)."""

    def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace,
                 values: object, option_string: str | None = None) -> None:
        items = list(getattr(namespace, self.dest, None) or [])
        items.append((self.option_strings[-1], values))
        setattr(namespace, self.dest, items)


def _add_run(run: argparse.ArgumentParser) -> None:
    run.add_argument("profile", nargs="?", help="a saved profile to start from")
    run.add_argument("-s", "--server", help="HOST[:PORT] of the smart host")
    run.add_argument("-p", "--port", type=int, help="the port (default 25; 465 means implicit TLS)")
    run.add_argument("-f", "--from", dest="sender", help="envelope sender (MAIL FROM)")
    run.add_argument("-t", "--to", action="append", help="recipient; repeat or comma-separate")
    run.add_argument("--eml", help="the message to send, a .eml file, or - for standard input "
                     "(default: a test message)")
    run.add_argument("--subject", help="Subject of the composed test message")
    run.add_argument("--body", help="body of the composed test message")
    # The message's options (issue 16), swaks' names: see docs/headless.md.
    run.add_argument("--data", metavar="-|@FILE", help="swaks' spelling of --eml: --data - "
                     "reads standard input, --data @FILE a file")
    run.add_argument("--header", dest="headers", action=_InOrder, metavar="'NAME: VALUE'",
                     help="set a header: replace the message's own, or add it (repeatable)")
    run.add_argument("--add-header", dest="headers", action=_InOrder, metavar="'NAME: VALUE'",
                     help="add a header, even if the message has one of that name (repeatable)")
    run.add_argument("--attach", dest="attach", action=_InOrder, metavar="FILE",
                     help="attach a file to the composed message (repeatable; multipart/mixed)")
    run.add_argument("--attach-type", dest="attach", action=_InOrder, metavar="TYPE",
                     help="the MIME type of every --attach after it (default: guessed from "
                     "the file name)")
    run.add_argument("--attach-name", dest="attach", action=_InOrder, metavar="NAME", nargs="?",
                     const="", help="the file name of the next --attach (none if empty)")
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
    add_transport_options(run)


def make_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The whole command-line grammar. Given ``words`` (the command line), a sub-command
    they do not name is made with its name and help only: argparse builds every sub-parser
    before it parses, and `run`'s options alone cost ~3 ms of the app's start."""
    parser = _Parser(prog="smtptui", description="A workbench for SMTP troubleshooting.",
                     allow_abbrev=False)
    parser.add_argument("--version", action="version", version=f"smtptui {__version__}")
    parser.add_argument("--profiles", metavar="DIR", help="the profiles folder")
    parser.add_argument("--demo", action="store_true",
                        help="start a demo SMTP server on loopback and open the app on it")
    parser.add_argument("--debug", action="store_true",
                        help="let an unexpected error print its traceback (before or after "
                             "the sub-command)")
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    run = sub.add_parser("run", allow_abbrev=False,
                         help="run one SMTP session without a screen (swaks-style)",
                         description="Run one SMTP session and print the transcript.")
    mx = sub.add_parser("mx", allow_abbrev=False, help="show the mail route (MX hosts) of a domain",
                        description="Print the MX route of DOMAIN in the order a session walks it.")
    profiles = sub.add_parser("profiles", allow_abbrev=False,
                              help="list the saved profiles, or show one")
    named = set(sub.choices) if words is None else set(sub.choices).intersection(words)
    if "run" in named:
        _add_run(run)
    if "mx" in named:
        mx.add_argument("domain")
        mx.add_argument("--dns", metavar="HOST[:PORT]",
                        help="the resolver to ask (default: system)")
        mx.add_argument("--timeout", type=float, default=5.0, help="DNS time-out in seconds")
        mx.add_argument("--json", action="store_true", help="print one JSON object")
    if "profiles" in named:
        profiles.add_argument("action", nargs="?", choices=("list", "show"), default="list")
        profiles.add_argument("name", nargs="?")
    for name in named & {"run", "profiles"}:
        sub.choices[name].add_argument(
            "--profiles", metavar="DIR", default=argparse.SUPPRESS,
            help="the profiles folder (default: $SMTPTUI_PROFILES or the user config folder)")
    for name in named:
        sub.choices[name].add_argument("--debug", action="store_true",
                                       default=argparse.SUPPRESS,
                                       help="let an unexpected error print its traceback")
    return parser

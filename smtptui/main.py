"""Entry point of the `smtptui` command: parse, then the app or a sub-command (lazy imports)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import IO

from smtptui.cli.parser import check_swaks_short_options, make_parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `smtptui` console script.

    Every failure the code foresees is one line and its own exit code; anything else (a
    bug, or an input nobody thought of) is caught here too: one line naming the exception,
    exit 1, and ``--debug`` (anywhere on the command line) to see the traceback instead.
    """
    words = sys.argv[1:] if argv is None else argv
    debug = "--debug" in words[:words.index("--")] if "--" in words else "--debug" in words
    try:
        check_swaks_short_options(words)
    except argparse.ArgumentTypeError as exc:
        sys.stderr.write(f"smtptui: error: {exc}\n")
        return 1
    try:
        args = make_parser(words).parse_args(argv)
        return _dispatch(args)
    except KeyboardInterrupt:
        sys.stderr.write("smtptui: interrupted\n")
        return 130
    except BrokenPipeError:  # `smtptui run ... | head`: the reader left; say nothing more
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        if debug:
            raise
        sys.stderr.write(internal_error(exc) + "\n")
        return 1


def internal_error(exc: BaseException) -> str:
    """The one line for an exception nobody foresaw: its type and message, made visible
    (it may quote outside text) and cut to a line's length, and how to see more."""
    from smtptui.smtp.safety import visible

    message = visible(str(exc))
    if len(message) > 300:
        message = message[:299] + "…"
    return (f"smtptui: internal error: {type(exc).__name__}: {message} "
            "(run again with --debug to see the traceback)")


def no_terminal(stdin: IO[str] | None, stdout: IO[str] | None) -> str:
    """Why the workbench cannot run on these streams ("" when both are a terminal)."""
    missing = [name for name, stream in (("input", stdin), ("output", stdout))
               if not _isatty(stream)]
    if not missing:
        return ""
    return (f"the workbench needs a terminal, and its {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not one: over SSH use `ssh -t HOST "
            "smtptui`; in a script or a pipe use `smtptui run` (see `smtptui run --help`)")


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return stream is not None and stream.isatty()
    except ValueError:  # a closed stream
        return False


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "run":
        from smtptui.cli.run import run

        return run(args)
    if args.command == "mx":
        from smtptui.cli.mx import run_mx

        return run_mx(args.domain, args.dns, args.timeout, args.json)
    if args.command == "profiles":
        from smtptui.cli.profiles import run_profiles

        return run_profiles(args)
    from smtptui.tui.startup import rest_collector

    rest_collector()  # the start-up makes no garbage worth collecting; resumed after it
    from smtptui.cli.profiles import profiles_dir
    from smtptui.smtp.errors import InputError

    try:  # an empty --profiles is refused, never taken for the default folder
        directory = profiles_dir(args.profiles)
    except InputError as exc:
        sys.stderr.write(f"smtptui: error: {exc}\n")
        return 1
    problem = no_terminal(sys.stdin, sys.stdout)
    if problem:  # before Textual is imported: without a terminal it would spin, drawing blind
        sys.stderr.write(f"smtptui: error: {problem}\n")
        return 1
    from smtptui.tui.app import run_app

    return run_app(directory, args.demo)

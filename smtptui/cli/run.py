"""`smtptui run`: a Launch from flags (and a profile), run it, print the transcript or JSON."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any, TextIO

from smtptui.cli.printer import Printer
from smtptui.cli.protocol_options import protocol_defaults, protocol_settings
from smtptui.cli.transport_options import check_transport_flags, transport_settings
from smtptui.launch import Launch, from_profile, prepare, start
from smtptui.launch.assemble import eml_option, message_for
from smtptui.launch.checked_plan import check_ca_file, default_helo
from smtptui.net.result import Result
from smtptui.smtp.errors import InputError, LocalProtocolError
from smtptui.smtp.plan import SessionPlan, Timeouts, parse_server
from smtptui.smtp.transcript import Event, Progress
from smtptui.smtp.vocabulary import MAX_TIMEOUT

if TYPE_CHECKING:
    from smtptui.store.profiles import Profile


def split_recipients(values: list[str] | None) -> list[str]:
    """`--to` repeats and takes comma-separated lists."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def _password_source(args: argparse.Namespace) -> tuple[str, str]:
    """The password source the flags name, and the flag (for its errors)."""
    if args.password_env:
        return f"env:{args.password_env}", "--password-env"
    if args.password_command:
        return f"command:{args.password_command}", "--password-command"
    return "", ""


def check_flags(args: argparse.Namespace, *, direct: bool, auth_user: str) -> None:
    """Options that mean nothing without another are refused, not ignored; a --dns is checked
    (without any look-up). ``direct`` and ``auth_user`` are the run's, a profile's included."""
    if args.password_env and args.password_command:
        raise InputError("--password-env and --password-command: give only one password source")
    if not auth_user:
        given = [flag for flag, value in (("--auth-mech", args.auth_mech),
                                          ("--password-env", args.password_env),
                                          ("--password-command", args.password_command))
                 if value]
        if given:
            raise InputError(f"{given[0]} needs --auth-user USER: without it no AUTH is done "
                             "and the message would go out unauthenticated")
    if args.mx is not None and not direct:
        raise InputError("--mx HOST needs --direct: it picks one MX host of the recipients' "
                         "domain (with --server, that server is the only host)")
    if args.dns is not None:
        from smtptui.smtp.domains import split_resolver

        split_resolver(args.dns)


def build_plan(args: argparse.Namespace) -> SessionPlan:
    """Flags -> a checked SessionPlan; raises InputError (exit 1) before any connection."""
    check_flags(args, direct=args.direct, auth_user=args.auth_user or "")
    transport = transport_settings(args)
    check_transport_flags(args, direct=args.direct)
    recipients = split_recipients(args.to)
    protocol_tls, protocol_port = protocol_defaults(args, args.auth_user or "")
    if args.socket:
        host, port = args.socket, protocol_port or 25
    elif args.direct:
        from smtptui.smtp.domains import group_by_domain

        if not recipients:
            raise InputError("no recipient given (--to): direct mode routes by its domain")
        host, port = next(iter(group_by_domain(recipients))), args.port or protocol_port or 25
    else:
        if not args.server:
            raise InputError("no server given (--server HOST[:PORT], or --direct)")
        default_port = args.port or protocol_port or (
            465 if (args.tls or protocol_tls) == "implicit" else 25)
        host, port = parse_server(args.server, default_port)
        if args.port:
            port = args.port
    if args.port is not None and not 1 <= args.port <= 65535:
        raise InputError(f"--port {args.port}: must be from 1 to 65535")
    tls = args.tls or protocol_tls or ("implicit" if port == 465 else "starttls")
    if args.sender is None:
        raise InputError("no sender given (--from ADDRESS; --from '' for the null sender)")
    if args.timeout is not None and not 0 < args.timeout <= MAX_TIMEOUT:  # NaN fails too
        raise InputError(f"--timeout {args.timeout:g}: give seconds, more than 0 and at most "
                         f"{MAX_TIMEOUT:g} (a day)")
    plan = SessionPlan(
        host=host, port=port, sender=args.sender.strip(), recipients=recipients,
        helo=args.helo or default_helo(), quit_after=args.quit_after or "",
        timeouts=Timeouts.all(args.timeout) if args.timeout else Timeouts(),
        tls=tls, verify=not args.no_verify, ca_file=args.ca or "",
        auth_user=args.auth_user or "", auth_mech=(args.auth_mech or "").upper(),
        allow_plaintext_auth=args.allow_plaintext_auth, **protocol_settings(args),
        **transport,
    )
    plan.validate()
    check_ca_file(plan)
    plan.message = message_for(plan, eml=eml_option(args.eml, args.data), subject=args.subject,
                               body=args.body, headers=args.headers or (),
                               attach=args.attach or ())
    plan.validate()
    return plan


def profile_overrides(args: argparse.Namespace) -> dict[str, Any]:
    """The flags the user gave, as profile fields (only those given)."""
    changes: dict[str, Any] = {}
    if args.server:  # a port only when one is given: the profile's own port stays otherwise
        host, port = parse_server(args.server, args.port or 0)
        changes.update(host=host, mode="smarthost", **({"port": port} if port else {}))
    sender = args.sender.strip() if args.sender else args.sender  # as --to is trimmed
    eml = eml_option(args.eml, args.data)
    simple = {"port": args.port, "sender": sender, "eml": eml, "helo": args.helo,
              "quit_after": args.quit_after, "timeout": args.timeout, "tls": args.tls,
              "ca_file": args.ca, "auth_user": args.auth_user, "auth_mech": args.auth_mech,
              "tls_cert": args.tls_cert, "tls_key": args.tls_key,
              "local_interface": args.local_interface,
              "dns": args.dns, "subject": args.subject, "body": args.body}
    changes.update({k: v for k, v in simple.items() if v is not None})
    if eml == "-":  # standard input is no file: _message_options reads it (and the
        changes["eml"] = None  # profile's own .eml is not even opened)
    if args.to:
        changes["recipients"] = split_recipients(args.to)
    if args.no_verify:
        changes["verify"] = False
    if args.direct:
        changes["mode"] = "direct"
    source, _ = _password_source(args)
    if source:
        changes["password_source"] = source
    return changes


def _message_options(launch: Launch, profile: Profile, args: argparse.Namespace) -> None:
    """`run NAME` with --eml -, --header, --add-header or --attach: the profile's message
    (its .eml, or composed from its subject and body) made again with them, for this run."""
    if not (args.headers or args.attach or eml_option(args.eml, args.data) == "-"):
        return
    from smtptui.store.profiles import resolve_eml

    eml = eml_option(args.eml, args.data)
    plan = launch.plan
    plan.message = message_for(plan, eml=eml if eml == "-" else resolve_eml(profile),
                               subject=profile.subject or None, body=profile.body or None,
                               headers=args.headers or (), attach=args.attach or ())
    plan.validate()


def launch_from_args(args: argparse.Namespace) -> Launch:
    """A Launch from a saved profile plus flags, or from flags alone."""
    if not args.profile:
        source, origin = _password_source(args)
        return Launch(build_plan(args), args.direct, args.dns or "", args.mx or "", source,
                      origin)
    from smtptui.cli.profiles import store_dir
    from smtptui.store.profiles import ProfileStore

    profile = ProfileStore(store_dir(args)).get(args.profile)
    profile = profile.apply_overrides(**profile_overrides(args))
    check_flags(args, direct=profile.mode == "direct", auth_user=profile.auth_user)
    check_transport_flags(args, direct=profile.mode == "direct")
    launch = from_profile(profile)
    _message_options(launch, profile, args)
    launch.plan.allow_plaintext_auth = args.allow_plaintext_auth
    transport = transport_settings(args)
    if args.socket:  # the socket instead of the profile's host
        launch.plan.host = args.socket
    for name, value in (protocol_settings(args) | transport).items():  # for this run only
        setattr(launch.plan, name, value)
    launch.plan.validate()
    launch.pin = args.mx or ""
    source, origin = _password_source(args)
    if source:
        launch.password_origin = origin
    return launch


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The whole `smtptui run` command; returns the exit code."""
    try:
        launch = launch_from_args(args)
        prepare(launch)
    except (InputError, LocalProtocolError) as exc:
        err.write(f"smtptui: error: {exc}\n")
        return 1
    printer = Printer(out, err, as_json=args.json, progress=not args.json and err.isatty(),
                      brief=args.brief)
    lines: list[str] = []
    explain = None
    if args.explain:  # the reply and keyword tables load only for --explain
        from smtptui.cli.explainer import Explainer

        explain = Explainer()

    def emit(item: object) -> None:
        if isinstance(item, Progress):
            printer.progress(item)
            return
        if not isinstance(item, Event):
            return
        for event in (item, *(explain.notes(item) if explain is not None else ())):
            printer.event(event)
            lines.append(f"{event.t:8.3f} {event.marker:<3} {event.text}")

    session = start(launch, emit, blocking=not launch.direct)
    if launch.direct:
        import asyncio

        result = asyncio.run(session.run())
    else:
        from smtptui.net.blocking_transport import drive

        result = drive(session.run())
    if result.outcome == "failed" and result.exit_code == 1:  # input found late (a password
        err.write(f"smtptui: error: {result.error}\n")  # source): said where it is looked for
    printer.result(result)
    if launch.profile_name:
        _keep_history(launch.profile_name, lines, result, err)
    return result.exit_code


def _keep_history(name: str, lines: list[str], result: Result, err: TextIO) -> None:
    from smtptui.store.history import History, HistoryError

    try:
        History().record(name, lines, result.to_json())
    except HistoryError as exc:
        err.write(f"smtptui: warning: the transcript was not kept in history: {exc}\n")

"""`smtptui run`: build a plan from flags (and a profile), run it, print the transcript or JSON."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from smtptui.engine.errors import InputError, LocalProtocolError
from smtptui.engine.message import MessageSource
from smtptui.engine.plan import SessionPlan, Timeouts, parse_server
from smtptui.engine.transcript import Event, Progress, Result
from smtptui.output import Printer, compose_message


def split_recipients(values: list[str] | None) -> list[str]:
    """`--to` repeats and takes comma-separated lists."""
    out: list[str] = []
    for value in values or []:
        out.extend(part.strip() for part in value.split(",") if part.strip())
    return out


def build_plan(args: argparse.Namespace) -> SessionPlan:
    """Flags -> a checked SessionPlan; raises InputError (exit 1) before any connection."""
    if not args.server:
        raise InputError("no server given (--server HOST[:PORT])")
    default_port = args.port or (465 if args.tls == "implicit" else 25)
    host, port = parse_server(args.server, default_port)
    if args.port:
        port = args.port
    tls = args.tls or ("implicit" if port == 465 else "starttls")
    if not args.sender and args.sender != "":
        raise InputError("no sender given (--from ADDRESS; --from '' for the null sender)")
    recipients = split_recipients(args.to)
    if args.timeout is not None and args.timeout <= 0:
        raise InputError(f"--timeout {args.timeout:g}: must be a positive number of seconds")
    plan = SessionPlan(
        host=host, port=port, sender=args.sender, recipients=recipients,
        helo=args.helo or "", quit_after=(args.quit_after or "").lower(),
        timeouts=Timeouts.all(args.timeout) if args.timeout else Timeouts(),
        tls=tls, verify=not args.no_verify, ca_file=args.ca or "",
        auth_user=args.auth_user or "", auth_mech=(args.auth_mech or "").upper(),
        allow_plaintext_auth=args.allow_plaintext_auth,
    )
    plan.validate()
    if args.eml:
        plan.message = MessageSource.from_file(args.eml)
    else:
        plan.message = MessageSource(data=compose_message(plan, args.subject, args.body))
    plan.validate()
    return plan


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """The whole `smtptui run` command; returns the exit code."""
    try:
        plan = build_plan(args)
        auth = None
        if plan.auth_user:
            from smtptui.engine.auth import make_exchange
            from smtptui.secrets import read_password

            password = read_password(args.password_env, args.password_command)
            auth = make_exchange(plan.auth_user, password, plan.auth_mech,
                                 plan.allow_plaintext_auth)
    except (InputError, LocalProtocolError) as exc:
        err.write(f"smtptui: error: {exc}\n")
        return 1
    printer = Printer(out, err, as_json=args.json, progress=not args.json and err.isatty())
    result = asyncio.run(_run(plan, printer, auth))
    printer.result(result)
    return result.exit_code


async def _run(plan: SessionPlan, printer: Printer, auth: object | None) -> Result:
    from smtptui.engine.runner import Runner

    def emit(item: object) -> None:
        if isinstance(item, Event):
            printer.event(item)
        elif isinstance(item, Progress):
            printer.progress(item)

    runner = Runner(plan, emit, auth=auth)
    return await runner.run()

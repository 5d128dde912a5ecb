"""Running `smtptui` as a user does: a subprocess, its output and exit code."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from typing import Any


@dataclass
class Run:
    code: int
    out: str
    err: str

    def events(self) -> list[dict[str, Any]]:
        return [json.loads(line) for line in self.out.splitlines() if line.strip()]

    @property
    def result(self) -> dict[str, Any]:
        last = self.events()[-1]
        assert last["kind"] == "result"
        return last


def smtptui(*args: str, timeout: float = 60, env: dict[str, str] | None = None,
            stdin: str | None = None) -> Run:
    full_env = dict(os.environ, **(env or {}))
    proc = subprocess.run([sys.executable, "-m", "smtptui", *args], capture_output=True,
                          text=True, timeout=timeout, env=full_env, input=stdin,
                          stdin=None if stdin is not None else subprocess.DEVNULL)
    return Run(proc.returncode, proc.stdout, proc.stderr)


def server_args(server: Any) -> list[str]:
    host = f"[{server.host}]" if ":" in server.host else server.host
    return ["--server", f"{host}:{server.port}", "--helo", "client.example", "--tls", "off"]


def run_in_process(*argv: str, blocking: bool = True) -> tuple[Any, list[Any]]:
    """`smtptui run ARGV` in this process on either transport (blocking sockets, as `smtptui
    run` uses, or asyncio, as the app and direct mode do): the Result and the events."""
    import asyncio

    from smtptui.cli.parser import make_parser
    from smtptui.cli.run import launch_from_args
    from smtptui.launch import prepare, start
    from smtptui.net.blocking_transport import drive
    from smtptui.smtp.transcript import Event

    launch = launch_from_args(make_parser().parse_args(["run", *argv]))
    prepare(launch)
    events: list[Any] = []
    session = start(launch, events.append, blocking=blocking)
    result = drive(session.run()) if blocking else asyncio.run(session.run())
    return result, [event for event in events if isinstance(event, Event)]

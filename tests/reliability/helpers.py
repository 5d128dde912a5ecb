"""Reliability helpers: `smtptui` in a subprocess (time limit, peak memory); a stepping Runner."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from typing import Any

from smtptui.launch.message import MessageSource
from smtptui.net.result import Result
from smtptui.net.runner import Runner
from smtptui.smtp.plan import SessionPlan, Timeouts
from smtptui.smtp.transcript import Event, Pending
from tests.cli.helpers import Run

#: The peak resident memory one `smtptui run` may reach, whatever the server sends.
MEMORY_CAP = 100 * 1024 * 1024
#: The stage time-out the fault tests give (`--timeout`), and the wall-clock bound of a run.
STAGE_TIMEOUT = "2"
HARD_LIMIT = 30.0


@dataclass
class Measured:
    """A finished run and the peak resident set size of its process, in octets."""

    run: Run
    peak_rss: int


def measured(*args: str, timeout: float = HARD_LIMIT, env: dict[str, str] | None = None
             ) -> Measured:
    """Run `python -m smtptui ARGS`; kill it and fail if it outlives `timeout` seconds.

    The peak is the child's VmHWM from /proc, read while it runs: ru_maxrss from wait4 is no
    good here, as Linux carries the forking pytest worker's RSS across exec into it.
    """
    full_env = dict(os.environ, **(env or {}))
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([sys.executable, "-m", "smtptui", *args], stdout=out,
                                stderr=err, stdin=subprocess.DEVNULL, env=full_env)
        deadline = time.monotonic() + timeout
        peak = 0
        while True:
            peak = max(peak, peak_memory(proc.pid))
            pid, status, _ = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise AssertionError(f"smtptui {' '.join(args)} still running after "
                                     f"{timeout:g} s: it hangs")
            time.sleep(0.01)
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        run = Run(code, out.read().decode("utf-8", "replace"),
                  err.read().decode("utf-8", "replace"))
    return Measured(run, peak)


def peak_memory(pid: int) -> int:
    """The process's peak resident memory so far (VmHWM), in octets; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def assert_clean_failure(run: Run, exit_code: int, stage: str) -> dict[str, Any]:
    """A failure as a user must see it: no traceback, the exit code, the stage named."""
    assert "Traceback" not in run.err, run.err
    assert run.code == exit_code, (run.code, run.out[-3000:], run.err[-2000:])
    result = run.result
    assert result["exit_code"] == exit_code
    assert result["outcome"] == "failed"
    assert result["stage"] == stage, result
    assert result["error"]
    return result


def plan_for(server: Any, message: bytes = b"Subject: t\r\n\r\nhello\r\n", **changes: Any
             ) -> SessionPlan:
    """A checked plan for an in-process Runner against a loopback test server."""
    plan = SessionPlan(host=server.host, port=server.port, sender="a@example.com",
                       recipients=["b@example.net"], helo="client.example", tls="off",
                       timeouts=Timeouts.all(float(STAGE_TIMEOUT)),
                       message=MessageSource(data=message))
    for name, value in changes.items():
        setattr(plan, name, value)
    plan.validate()
    return plan


class Stepper:
    """A Runner in step mode, driven as a user would: wait for the next command, then act."""

    def __init__(self, plan: SessionPlan) -> None:
        self.events: list[Event] = []
        self._pending: asyncio.Queue[Pending] = asyncio.Queue()
        self.runner = Runner(plan, self._emit, stepping=True)
        self.task: asyncio.Task[Result] | None = None

    def _emit(self, item: object) -> None:
        if isinstance(item, Event):
            self.events.append(item)
        elif isinstance(item, Pending):
            self._pending.put_nowait(item)

    def start(self) -> None:
        self.task = asyncio.create_task(self.runner.run())

    async def next_pending(self) -> Pending:
        """The next command the session shows before sending it."""
        return await asyncio.wait_for(self._pending.get(), HARD_LIMIT)

    async def finish(self) -> Result:
        assert self.task is not None
        return await asyncio.wait_for(self.task, HARD_LIMIT)

    def texts(self, kind: str) -> list[str]:
        return [e.text for e in self.events if e.kind == kind]

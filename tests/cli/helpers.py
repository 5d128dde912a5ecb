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

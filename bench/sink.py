"""Postfix's smtp-sink on 127.0.0.1 for the benchmarks: start, count delivered messages, stop.

smtp-sink is the one `bash tests/install.sh` unpacked from Debian's postfix package into
tests/.postfix-root (never a system one): see tests/fixtures/postfix_tree.py.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import time
from pathlib import Path
from types import TracebackType

POSTFIX_ROOT = Path(__file__).resolve().parents[1] / "tests" / ".postfix-root"
SMTP_SINK = str(POSTFIX_ROOT / "usr" / "sbin" / "smtp-sink")
#: Debian links smtp-sink with RUNPATH=/usr/lib/postfix: the tree's libraries come first.
SINK_ENV = {**os.environ, "LD_LIBRARY_PATH": str(POSTFIX_ROOT / "usr" / "lib" / "postfix")}
_COUNTER = re.compile(rb"mesg=(\d+)")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Sink:
    """`smtp-sink -c [-u nobody] 127.0.0.1:PORT 100`, its `-c` counters written to a log file.

    smtp-sink accepts every message and throws it away (no disk writes), in C, so the
    receiver is neither the bottleneck nor Python. `delivered()` reads the last `mesg=N`
    counter, which smtp-sink updates when it receives the final dot.
    """

    def __init__(self, log: Path) -> None:
        self.port = free_port()
        self.log = log
        self.cmd = [SMTP_SINK, "-c"]
        if os.geteuid() == 0:
            self.cmd += ["-u", "nobody"]  # smtp-sink refuses to run as root without -u
        self.cmd += [f"127.0.0.1:{self.port}", "100"]
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Sink:
        if not os.access(SMTP_SINK, os.X_OK):
            raise RuntimeError(f"{SMTP_SINK} not found: run `bash tests/install.sh` first (it "
                               "unpacks Debian's postfix package there, without installing it)")
        with self.log.open("wb") as out:
            self._proc = subprocess.Popen(self.cmd, stdin=subprocess.DEVNULL, stdout=out,
                                          stderr=subprocess.STDOUT, env=SINK_ENV)
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if self._proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"smtp-sink did not start: {self.log.read_bytes()!r}") from None
                time.sleep(0.05)
        # The probe connection above is a session without a message: wait until it is counted.
        self.wait_sessions(1)
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._proc is not None:
            self._proc.terminate()
            try:
                self._proc.wait(5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()

    def delivered(self) -> int:
        """Messages received so far (the last `mesg=N` counter in smtp-sink's output)."""
        found = _COUNTER.findall(self.log.read_bytes())
        return int(found[-1]) if found else 0

    def wait_delivered(self, count: int, timeout: float = 5.0) -> bool:
        """Poll until `count` messages were received; False if that did not happen in time."""
        deadline = time.monotonic() + timeout
        while self.delivered() < count:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def wait_sessions(self, count: int, timeout: float = 5.0) -> None:
        """Poll until `count` sessions ended (smtp-sink prints `sess=N` as each one ends)."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.findall(rb"sess=(\d+)", self.log.read_bytes())
            if found and int(found[-1]) >= count:
                return
            if time.monotonic() > deadline:
                return
            time.sleep(0.01)

"""Start a full-screen program in a pseudo-terminal and time how long until a text is on screen."""

from __future__ import annotations

import contextlib
import fcntl
import os
import pty
import re
import select
import signal
import struct
import tempfile
import termios
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from procstat import GNU_TIME, HAVE_GNU_TIME

#: CSI, OSC, DCS and two-byte escape sequences: what is left is the text a user reads.
_ESCAPES = re.compile(rb"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"
                      rb"|\x1bP[^\x1b]*\x1b\\|\x1b[()][A-Za-z0-9]|\x1b[@-Z\\-_=>]")


@dataclass(frozen=True, slots=True)
class ScreenTiming:
    """Seconds from spawn to the first output byte and to the marker; peak RSS in MiB; CPU
    seconds (user + system) of the whole run, the quit included (NaN without GNU time)."""

    first_output: float
    marker: float
    max_rss_mib: float
    cpu: float = float("nan")


def screen_text(output: bytes) -> str:
    """The output with every escape sequence removed."""
    return _ESCAPES.sub(b"", output).decode("utf-8", errors="replace")


def time_to_marker(cmd: Sequence[str], marker: str, *, env: dict[str, str],
                   columns: int = 120, rows: int = 40, timeout: float = 30.0,
                   quit_keys: bytes = b"\x11") -> ScreenTiming:
    """Run `cmd` in a `columns` x `rows` pty; return when `marker` is in the painted text.

    The clock starts just before the fork and stops at the read that completes the marker,
    which is when the user could see it. Then `quit_keys` (ctrl+q) is typed; a program that
    does not end within 5 s is killed with its process group. The command runs under GNU
    time, so its peak RSS and CPU time over the whole run are reported (NaN without
    /usr/bin/time).
    """
    with tempfile.NamedTemporaryFile(prefix="maxrss-") as report:
        wrapped = ([GNU_TIME, "-f", "%U %S %M", "-o", report.name, *cmd] if HAVE_GNU_TIME
                   else cmd)
        start = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:  # the child: a new session whose terminal is the pty
            try:
                os.execve(wrapped[0], list(wrapped), env)
            finally:
                os._exit(127)
        fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        output = b""
        first = found = 0.0
        try:
            while not found:
                left = start + timeout - time.perf_counter()
                if left <= 0:
                    raise TimeoutError(f"{marker!r} not on screen after {timeout:.0f} s: "
                                       f"{screen_text(output)[-500:]!r}")
                ready, _, _ = select.select([fd], [], [], left)
                if not ready:
                    continue
                try:
                    chunk = os.read(fd, 1 << 16)
                except OSError:  # EIO: the program ended and closed the terminal
                    chunk = b""
                if not chunk:
                    raise EOFError(f"the program ended: {screen_text(output)[-500:]!r}")
                now = time.perf_counter()
                first = first or now - start
                output += chunk
                if marker in screen_text(output):
                    found = now - start
        finally:
            _stop(pid, fd, quit_keys)
        words = Path(report.name).read_text().split() if HAVE_GNU_TIME else []
        rss = float(words[-1]) / 1024 if words and words[-1].isdigit() else float("nan")
        try:
            cpu = float(words[-3]) + float(words[-2])
        except (IndexError, ValueError):
            cpu = float("nan")
    return ScreenTiming(first, found, rss, cpu)


def _stop(pid: int, fd: int, quit_keys: bytes) -> None:
    """Type the quit keys, drain the output until the program ends; kill it after 5 s."""
    with contextlib.suppress(OSError):
        os.write(fd, quit_keys)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        ready, _, _ = select.select([fd], [], [], 0.05)
        if ready:
            with contextlib.suppress(OSError):
                os.read(fd, 1 << 16)
    else:
        os.killpg(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)

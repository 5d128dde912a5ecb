"""Run one child process and measure it: wall time, peak memory (max RSS), exit code."""

from __future__ import annotations

import math
import os
import subprocess
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

GNU_TIME = "/usr/bin/time"
HAVE_GNU_TIME = os.access(GNU_TIME, os.X_OK)


@dataclass(frozen=True, slots=True)
class Measurement:
    """One child's cost: wall seconds from spawn to reap, CPU seconds, max RSS in MiB, exit code.

    `cpu` (user + system) counts the child and its waited-for children (including the
    GNU time wrapper, about a millisecond); unlike `wall` it barely moves when other
    processes compete for the CPUs.
    """

    wall: float
    cpu: float
    max_rss_mib: float
    returncode: int


def measure(cmd: Sequence[str], *, stdout: int | IO[bytes] | None = subprocess.DEVNULL,
            stderr: int | IO[bytes] | None = subprocess.PIPE,
            env: dict[str, str] | None = None) -> tuple[Measurement, bytes]:
    """Spawn `cmd`, wait for it, and return its measurement and its standard error.

    The wall time runs from just before the spawn to the reap, so interpreter start-up,
    imports and exit are all counted, as a user waiting at a prompt would count them.

    Peak memory comes from GNU time (`/usr/bin/time -f %M`), which forks the command from
    its own small process. Reading ru_maxrss straight from os.wait4 here would be wrong on
    Linux: the kernel carries a process's RSS high-water mark across exec, and the child
    starts as a (v)fork of this Python process, so every child would report at least this
    benchmark's own peak (a 200 MiB parent makes `swaks --version` "use" 213 MiB). Without
    GNU time, wait4 is used and the figure is only an upper bound. Standard error is
    collected through a pipe after the child ends, so keep it small.
    """
    with tempfile.NamedTemporaryFile(prefix="maxrss-") as report:
        wrapped = [GNU_TIME, "-f", "%M", "-o", report.name, *cmd] if HAVE_GNU_TIME else cmd
        start = time.perf_counter()
        proc = subprocess.Popen(list(wrapped), stdin=subprocess.DEVNULL, stdout=stdout,
                                stderr=stderr, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read() if proc.stderr is not None else b""
        if proc.stderr is not None:
            proc.stderr.close()
        kib = float(usage.ru_maxrss)
        if HAVE_GNU_TIME:
            lines = Path(report.name).read_text().split()
            kib = float(lines[-1]) if lines and lines[-1].isdigit() else float("nan")
    cpu = usage.ru_utime + usage.ru_stime
    return Measurement(wall, cpu, kib / 1024, proc.returncode), err


def python_env(cache_dir: Path | None) -> dict[str, str]:
    """The children's environment: Python bytecode cached in `cache_dir` (None: as it is).

    An installed package normally runs from cached .pyc files. Where PYTHONDONTWRITEBYTECODE
    is set (as on some CI machines) every run would compile the sources again, so the cache
    goes to a private PYTHONPYCACHEPREFIX (nothing is written into the source tree); the
    benchmarks' warm-up runs fill it.
    """
    env = dict(os.environ)
    if cache_dir is not None:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(cache_dir)
    return env


def bytecode_note(cached: bool) -> str:
    """One line saying how the children's bytecode was handled."""
    if cached:
        return "Python bytecode: cached in a private PYTHONPYCACHEPREFIX, filled by warm-up runs"
    return ("Python bytecode: as the environment says (PYTHONDONTWRITEBYTECODE="
            + os.environ.get("PYTHONDONTWRITEBYTECODE", "") + ")")


def median(values: Sequence[float]) -> float:
    """The median (mean of the two middle values for an even count)."""
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2


def p90(values: Sequence[float]) -> float:
    """The 90th percentile, nearest-rank method (with 20 values: the 18th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]

"""Instructions per process (valgrind's callgrind): a start-up figure that load does not move.

    python bench/instructions.py [--reps 2]

Wall time on two shared cores moves with whatever else runs; the number of instructions a
process executes does not (the same total twice, on a loaded machine or an idle one). This
counts, under `valgrind --tool=callgrind`, one small message sent to Postfix's smtp-sink by
`smtptui run` with the default flags (the console script beside this interpreter), with
`--tls off`, and by swaks, and the interpreter alone with and without `site`. Instructions
are not time: Perl and Python do not execute the same number of them per millisecond (an
instruction count ratio is not a wall-time ratio; bench/headless.py measures that), but a
change to smtptui's start-up shows here, measured to the million, whatever the load.
Needs valgrind (Debian package valgrind); bytecode cached as in the other benchmarks.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from headless import SWAKS, smtptui_script
from procstat import median, python_env
from sink import SMTP_SINK, Sink

SENDER, RECIPIENT = "a@example.com", "b@example.net"
_COLLECTED = re.compile(rb"Collected : (\d+)")


def instructions(cmd: list[str], env: dict[str, str]) -> int:
    """Instructions one run of `cmd` executes (valgrind's callgrind, no output file)."""
    proc = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                           *cmd], env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, check=False)
    found = _COLLECTED.search(proc.stderr)
    if proc.returncode != 0 or not found:
        raise SystemExit(f"failed: {shlex.join(cmd)}\n{proc.stderr.decode(errors='replace')}")
    return int(found.group(1))


def main() -> int:
    """Count each contender --reps times; print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2, help="runs per contender")
    args = parser.parse_args()
    if not shutil.which("valgrind"):
        sys.stderr.write("valgrind is missing: apt-get install valgrind\n")
        return 1
    started, load = time.time(), os.getloadavg()[0]
    py, script = sys.executable, smtptui_script()
    with tempfile.TemporaryDirectory(prefix="smtptui-instr-") as tmp, \
            Sink(Path(tmp) / "smtp-sink.log") as sink:
        env = python_env(Path(tmp) / "pycache")
        server = f"127.0.0.1:{sink.port}"
        flags = ["--server", server, "--from", SENDER, "--to", RECIPIENT]
        contenders = {
            "smtptui run (default flags)": [script, "run", *flags],
            "(ref) smtptui run --tls off": [script, "run", *flags, "--tls", "off"],
            "swaks": [SWAKS, *flags, "--suppress-data"],
            "(ref) python -c pass": [py, "-c", "pass"],
            "(ref) python -S -c pass": [py, "-S", "-c", "pass"],
        }
        for cmd in contenders.values():  # warm-up: the bytecode cache
            subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, check=False)
        counts = {name: [instructions(cmd, env) for _ in range(args.reps)]
                  for name, cmd in contenders.items()}
    swaks = median(counts["swaks"])
    print(f"smtptui instruction counts, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, Python {platform.python_version()}, load average {load:.2f} "
          "(instruction counts do not depend on it)")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"receiver: {SMTP_SINK} on 127.0.0.1; bytecode cached in a private "
          "PYTHONPYCACHEPREFIX\n")
    width = max(map(len, counts))
    print(f"{'process':{width}}  {'M instructions':>14}  {'vs swaks':>8}  runs")
    for name, values in counts.items():
        print(f"{name:{width}}  {median(values) / 1e6:14.1f}  {median(values) / swaks:7.2f}x  "
              + ", ".join(f"{v / 1e6:.1f}" for v in values))
    print("\ncommand lines:")
    for name, cmd in contenders.items():
        print(f"  {name}: {shlex.join(cmd)}")
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

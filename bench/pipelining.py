"""Pipelining benchmark: a 10-recipient session over a link with 100 ms of round-trip time.

    python bench/pipelining.py [--reps 5] [--rtt 0.1] [--recipients 10]

`smtptui run` with its default flags (it pipelines where the server offers PIPELINING, and
smtp-sink does) against `swaks --pipeline` and, for reference, `smtptui run --no-pipeline`
and plain `swaks`, each sending one small message to N recipients through delay_proxy.py: a
proxy on 127.0.0.1 that delays each direction by half the RTT, chunk by chunk, in order,
in front of Postfix's smtp-sink. Wall time is spawn to reap (procstat.py); the round trips
are counted by the proxy: flights of client data that waited for the server's answer.

RFC 2920's minimum for this session: EHLO (it can only end a group), then MAIL, every RCPT
and DATA as one group, then the message with its final dot and QUIT as the last group: 3
round trips after the greeting. Runs are interleaved after one warm-up run each; every run
must exit 0 and advance smtp-sink's message counter. Loopback only.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import sys
import tempfile
import time
from pathlib import Path

from delay_proxy import DelayProxy
from headless import SWAKS, smtptui_script, table
from procstat import HAVE_GNU_TIME, bytecode_note, measure, median, python_env
from sink import SMTP_SINK, Sink

SENDER = "a@example.com"
RFC2920_MINIMUM = 3


def commands(server: str, recipients: list[str]) -> dict[str, list[str]]:
    """The contenders, in table order."""
    script, to = smtptui_script(), ",".join(recipients)
    tui = [script, "run", "--server", server, "--from", SENDER, "--to", to]
    swaks = [SWAKS, "--server", server, "--from", SENDER, "--to", to, "--suppress-data"]
    return {
        "smtptui run (default flags)": tui,
        "swaks --pipeline": [*swaks, "--pipeline"],
        "(ref) smtptui run --no-pipeline": [*tui, "--no-pipeline"],
        "(ref) swaks (no pipelining)": swaks,
    }


def main() -> int:
    """Run every contender --reps times through the proxy; print the table and verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="runs per contender")
    parser.add_argument("--rtt", type=float, default=0.1, help="round-trip time in seconds")
    parser.add_argument("--recipients", type=int, default=10, help="recipients per message")
    args = parser.parse_args()
    for path in (SWAKS, SMTP_SINK):
        if not Path(path).exists():
            sys.stderr.write(f"{path} is missing: run `bash tests/install.sh` first\n")
            return 1
    started, load_before = time.time(), os.getloadavg()
    recipients = [f"r{i}@example.net" for i in range(1, args.recipients + 1)]
    walls: dict[str, list[float]] = {}
    trips: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="smtptui-pipe-") as tmp, \
            Sink(Path(tmp) / "smtp-sink.log") as sink, \
            DelayProxy(sink.port, one_way=args.rtt / 2) as proxy:
        env = python_env(Path(tmp) / "pycache")
        server = f"127.0.0.1:{proxy.port}"
        contenders = commands(server, recipients)
        expected = sink.delivered()

        def once(name: str, cmd: list[str]) -> None:
            nonlocal expected
            result, err = measure(cmd, env=env)
            expected += 1
            if (result.returncode != 0 or not sink.wait_delivered(expected)
                    or not proxy.wait_closed(len(proxy.sessions))):
                sys.stderr.write(f"FAILED: {shlex.join(cmd)}\n  exit {result.returncode}\n"
                                 f"{err.decode(errors='replace')[-2000:]}\n")
                raise SystemExit(1)
            walls.setdefault(name, []).append(result.wall)
            trips.setdefault(name, []).append(proxy.sessions[-1].round_trips())

        for name, cmd in contenders.items():  # warm-up (fills the bytecode cache), untimed
            once(name, cmd)
        walls.clear()
        trips.clear()
        for _ in range(args.reps):
            for name, cmd in contenders.items():
                once(name, cmd)
        flights = {name: proxy.sessions[-len(contenders) + i].flights()
                   for i, name in enumerate(contenders)}
    ref = median(walls["swaks --pipeline"])
    rows = [["tool", "runs", "median s", "min s", "max s", "vs swaks --pipeline",
             "round trips"]]
    for name in contenders:
        counts = sorted(set(trips[name]))
        rows.append([name, str(len(walls[name])), f"{median(walls[name]):.3f}",
                     f"{min(walls[name]):.3f}", f"{max(walls[name]):.3f}",
                     f"{median(walls[name]) / ref:.2f}x", "/".join(map(str, counts))])
    print(f"smtptui pipelining benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, {len(os.sched_getaffinity(0))} CPUs, Python "
          f"{platform.python_version()}, load average {load_before[0]:.2f} -> "
          f"{os.getloadavg()[0]:.2f}")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"link: delay_proxy.py on 127.0.0.1, {args.rtt * 500:.0f} ms each way "
          f"({args.rtt * 1000:.0f} ms RTT), in front of {SMTP_SINK} (PIPELINING offered)")
    print(bytecode_note(True))
    print("wall time: spawn to reap" + ("" if HAVE_GNU_TIME else " (no GNU time)")
          + f"; one message to {args.recipients} recipients per process\n")
    print(table(rows) + "\n")
    print("flights of the last run (C: client to server, S: server to client; octets):")
    for name, seq in flights.items():
        print(f"  {name}: " + " ".join(f"{d}{n}" for d, n in seq))
    print("\ncommand lines:")
    for name, cmd in contenders.items():
        print(f"  {name}: {shlex.join(cmd)}")
    print()
    tui, peer = "smtptui run (default flags)", "swaks --pipeline"
    ratio = median(walls[tui]) / ref
    print(f"{'PASS' if ratio <= 1.0 else 'MISS'}  {tui}: {median(walls[tui]):.3f} s, "
          f"{ratio:.2f}x {peer}'s {ref:.3f} s (target: no slower)")
    most = max(trips[tui])
    print(f"{'PASS' if most <= RFC2920_MINIMUM else 'MISS'}  {tui}: {most} round trips after "
          f"the greeting (RFC 2920's minimum: {RFC2920_MINIMUM}); {peer}: "
          f"{max(trips[peer])}")
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

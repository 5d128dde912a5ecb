"""Headless benchmark: `smtptui run` vs smtplib vs swaks against Postfix's smtp-sink on loopback.

    python bench/headless.py [--reps 20] [--large-reps 3] [--no-huge]

One run prints three side-by-side tables (every row is one process per session; wall time
from spawn to reap, CPU time from os.wait4, peak RSS from GNU time: see procstat.py):
  (a) one small composed message per process, --reps times each: median and p90 wall time;
  (b) one 25 MB .eml (generated, ~76-character lines): wall time, MB/s, peak RSS;
  (c) the same with a 250 MB .eml, where peak memory is what matters.
Runs are interleaved (round robin) so background load hits every tool alike; one untimed
warm-up run per tool comes first. Every run must exit 0 AND advance smtp-sink's message
counter, or the benchmark stops with exit 1. smtptui's transcript goes to /dev/null (printing
it is part of its cost); swaks prints its transcript with --suppress-data (its equivalent of
smtptui folding the message body), also to /dev/null.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shlex
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from emlgen import write_eml
from procstat import (
    HAVE_GNU_TIME,
    Measurement,
    bytecode_note,
    measure,
    median,
    p90,
    python_env,
)
from sink import SMTP_SINK, Sink

HERE = Path(__file__).resolve().parent
SWAKS = "/usr/bin/swaks"
SENDER, RECIPIENT = "a@example.com", "b@example.net"
MB = 1_000_000
SMALL, LARGE, HUGE = "small", 25 * MB, 250 * MB


@dataclass
class Tool:
    """One contender: how to build its command line for a message file (None: compose one)."""

    name: str
    build: Callable[[str, Path | None], list[str]]
    delivers: bool = True
    env: dict[str, str] = field(default_factory=dict)
    runs: dict[object, list[Measurement]] = field(default_factory=dict)


def smtptui_script() -> str:
    """The installed console script next to this interpreter (not a pyenv shim)."""
    beside = Path(sys.executable).parent / "smtptui"
    return str(beside) if beside.exists() else (shutil.which("smtptui") or "smtptui")


def smtptui_cmd(prefix: list[str], server: str, eml: Path | None) -> list[str]:
    """`<prefix> run --server ... --tls off [--eml FILE]`."""
    cmd = [*prefix, "run", "--server", server, "--from", SENDER, "--to", RECIPIENT,
           "--tls", "off"]
    return cmd + (["--eml", str(eml)] if eml else [])


def make_tools() -> list[Tool]:
    """The contenders, in table order."""
    py = sys.executable
    script = smtptui_script()

    def smtplib(server: str, eml: Path | None) -> list[str]:
        cmd = [py, str(HERE / "smtplib_send.py"), "--server", server, "--from", SENDER,
               "--to", RECIPIENT]
        return cmd + (["--eml", str(eml)] if eml else [])

    def swaks(server: str, eml: Path | None) -> list[str]:
        cmd = [SWAKS, "--server", server, "--from", SENDER, "--to", RECIPIENT,
               "--suppress-data"]
        return cmd + (["--data", f"@{eml}"] if eml else [])

    return [
        Tool("smtptui run (python -m)",
             lambda server, eml: smtptui_cmd([py, "-m", "smtptui"], server, eml)),
        Tool("smtptui run (script)", lambda server, eml: smtptui_cmd([script], server, eml)),
        Tool("smtplib script", smtplib),
        Tool("swaks", swaks),
    ]


def checkout_tool(root: Path) -> Tool:
    """`smtptui run` from another checkout (say, one with a fix applied), for a before/after.

    Runs `python -c` with the checkout first on sys.path: `python -m` would import the
    package in the current directory instead, whatever PYTHONPATH says.
    """
    code = (f"import sys; sys.path.insert(0, {str(root)!r}); "
            "from smtptui.main import main; raise SystemExit(main())")
    return Tool(f"smtptui run ({root.name})",
                lambda server, eml: smtptui_cmd([sys.executable, "-c", code], server, eml))


def reference_tools() -> list[Tool]:
    """Reference rows for table (a): the interpreter alone, and everything without `site`.

    `python -S` skips site-packages and its .pth files (here: the editable-install finder
    and any other start-up hooks); smtptui's headless path needs only the standard
    library, so with PYTHONPATH set to the checkout it runs the same code without them.
    """
    py = sys.executable
    return [
        Tool("(ref) smtptui run, python -S",
             lambda server, eml: smtptui_cmd([py, "-S", "-m", "smtptui"], server, eml),
             env={"PYTHONPATH": str(HERE.parent)}),
        Tool("(ref) python -c pass", lambda server, eml: [py, "-c", "pass"], delivers=False),
        Tool("(ref) python -S -c pass", lambda server, eml: [py, "-S", "-c", "pass"],
             delivers=False),
    ]


class Bench:
    """Runs tools against one smtp-sink and checks that every session really delivered."""

    def __init__(self, sink: Sink, env: dict[str, str]) -> None:
        self.sink = sink
        self.env = env
        self.server = f"127.0.0.1:{sink.port}"
        self.expected = sink.delivered()

    def once(self, tool: Tool, eml: Path | None) -> Measurement:
        """One measured run of `tool`; raises SystemExit(1) if it did not deliver."""
        cmd = tool.build(self.server, eml)
        result, err = measure(cmd, env={**self.env, **tool.env})
        if tool.delivers:
            self.expected += 1
            if result.returncode != 0 or not self.sink.wait_delivered(self.expected):
                sys.stderr.write(f"FAILED: {shlex.join(cmd)}\n  exit {result.returncode}, "
                                 f"smtp-sink counted {self.sink.delivered()} of "
                                 f"{self.expected}\n{err.decode(errors='replace')}\n")
                raise SystemExit(1)
        return result

    def round_robin(self, tools: list[Tool], key: object, eml: Path | None, reps: int) -> None:
        """A warm-up run per tool, then `reps` measured runs each, interleaved."""
        for tool in tools:
            self.once(tool, eml)
        for _ in range(reps):
            for tool in tools:
                tool.runs.setdefault(key, []).append(self.once(tool, eml))


def import_report(server: str, env: dict[str, str]) -> list[str]:
    """What `python -X importtime -m smtptui run` imports: heavy packages, and the total."""
    cmd = [sys.executable, "-X", "importtime", "-m", "smtptui", "run", "--server", server,
           "--from", SENDER, "--to", RECIPIENT, "--tls", "off"]
    _, err = measure(cmd, env=env)
    modules: dict[str, int] = {}
    total = 0
    for line in err.decode(errors="replace").splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            total += int(match.group(1))
            modules[match.group(4)] = int(match.group(2))
    heavy = ["textual", "rich", "dns", "aiosmtpd", "tomlkit", "platformdirs", "ssl"]
    seen = ", ".join(f"{name}: {'YES' if name in modules else 'no'}" for name in heavy)
    top = sorted(((us, name) for name, us in modules.items() if name.startswith("smtptui")),
                 reverse=True)[:6]
    return [f"imports of one headless run: {len(modules)} modules, {total / 1000:.1f} ms "
            f"(sum of self times); {seen}",
            "  slowest smtptui modules (cumulative): "
            + ", ".join(f"{name} {us / 1000:.1f} ms" for us, name in top)]


def table(rows: list[list[str]]) -> str:
    """Left-aligned first column, right-aligned others."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:],
                                                                           strict=True)]
        out.append("  ".join(cells))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def small_table(tools: list[Tool]) -> str:
    """Table (a): per-process wall time for one small message."""
    ref = median([m.wall for m in tools[3].runs[SMALL]])
    rows = [["tool", "runs", "median ms", "p90 ms", "vs swaks", "cpu ms", "max RSS MiB"]]
    for tool in tools:
        walls = [m.wall for m in tool.runs[SMALL]]
        cpu = median([m.cpu for m in tool.runs[SMALL]])
        rss = max(m.max_rss_mib for m in tool.runs[SMALL])
        rows.append([tool.name, str(len(walls)), f"{median(walls) * 1000:.1f}",
                     f"{p90(walls) * 1000:.1f}", f"{median(walls) / ref:.2f}x",
                     f"{cpu * 1000:.1f}", f"{rss:.1f}"])
    return table(rows)


def large_table(tools: list[Tool], size: int) -> str:
    """Tables (b) and (c): wall time, throughput and peak memory for one large message."""
    ref = median([m.wall for m in tools[2].runs[size]])
    rows = [["tool", "runs", "median s", "MB/s", "vs smtplib", "cpu s", "max RSS MiB"]]
    for tool in tools:
        walls = [m.wall for m in tool.runs[size]]
        cpu = median([m.cpu for m in tool.runs[size]])
        rss = max(m.max_rss_mib for m in tool.runs[size])
        rows.append([tool.name, str(len(walls)), f"{median(walls):.2f}",
                     f"{size / MB / median(walls):.1f}", f"{ref / median(walls):.2f}x",
                     f"{cpu:.2f}", f"{rss:.1f}"])
    return table(rows)


def verdicts(tools: list[Tool], huge: bool) -> list[str]:
    """The issue's targets, each PASS or MISS, from the measured numbers."""
    tui, lib, swaks = tools[0], tools[2], tools[3]
    out = []

    def line(ok: bool, text: str) -> None:
        out.append(f"{'PASS' if ok else 'MISS'}  {text}")

    for t in tools[:2]:
        ratio = median([m.wall for m in t.runs[SMALL]]) / median(
            [m.wall for m in swaks.runs[SMALL]])
        line(ratio <= 1.5, f"{t.name}: small message {ratio:.2f}x swaks' median "
                           "wall time (target <= 1.5x)")
    ratio = median([m.wall for m in tui.runs[SMALL]]) / median([m.wall for m in lib.runs[SMALL]])
    out.append(f"info  {tui.name}: small message {ratio:.2f}x the smtplib script's median "
               "wall time (not a target; for reference)")
    ratio = median([m.wall for m in lib.runs[LARGE]]) / median([m.wall for m in tui.runs[LARGE]])
    line(ratio >= 1.0, f"25 MB throughput {ratio:.2f}x smtplib's (target >= 1x)")
    rss25 = max(m.max_rss_mib for m in tui.runs[LARGE])
    line(rss25 < 40, f"25 MB peak RSS {rss25:.1f} MiB (target < 40 MiB)")
    if huge:
        rss250 = max(m.max_rss_mib for m in tui.runs[HUGE])
        # 1 MiB of slack: RSS jitters by a few pages between runs.
        line(rss250 <= rss25 + 1, f"250 MB peak RSS {rss250:.1f} MiB vs {rss25:.1f} MiB for "
                                  "25 MB (target: no larger; 1 MiB tolerance)")
    return out


def main() -> int:
    """Run the three workloads and print the tables, the command lines and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="small-message runs per tool")
    parser.add_argument("--large-reps", type=int, default=3, help="25 MB runs per tool")
    parser.add_argument("--huge-reps", type=int, default=1, help="250 MB runs per tool")
    parser.add_argument("--no-huge", action="store_true", help="skip the 250 MB message")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="also run `smtptui run` from this checkout (repeatable)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (compile on every run)")
    args = parser.parse_args()
    for path in (SWAKS, SMTP_SINK):
        if not Path(path).exists():
            sys.stderr.write(f"{path} is missing: run `bash tests/install.sh` first\n")
            return 1
    started = time.time()
    load_before = os.getloadavg()
    tools = make_tools() + [checkout_tool(root.resolve()) for root in args.checkout]
    refs = reference_tools()
    with tempfile.TemporaryDirectory(prefix="smtptui-bench-") as tmp:
        tmpdir = Path(tmp)
        large, huge = tmpdir / "25mb.eml", tmpdir / "250mb.eml"
        write_eml(large, LARGE)
        if not args.no_huge:
            write_eml(huge, HUGE)
        with Sink(tmpdir / "smtp-sink.log") as sink:
            env = python_env(None if args.no_bytecode_cache else tmpdir / "pycache")
            bench = Bench(sink, env)
            bench.round_robin([*tools, *refs], SMALL, None, args.reps)
            bench.round_robin(tools, LARGE, large, args.large_reps)
            if not args.no_huge:
                bench.round_robin(tools, HUGE, huge, args.huge_reps)
            imports = import_report(bench.server, env)
            delivered = sink.delivered()
            commands = [shlex.join(t.build(bench.server, large)) for t in tools]
            sink_cmd = shlex.join(sink.cmd)
    print(f"smtptui headless benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, {platform.machine()}, {_cpus()} CPUs, Python "
          f"{platform.python_version()}, load average {load_before[0]:.2f} -> "
          f"{os.getloadavg()[0]:.2f}")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"receiver: {sink_cmd} ({delivered} messages counted, every run checked)")
    print(bytecode_note(not args.no_bytecode_cache))
    print("wall time: spawn to reap; cpu: user + system of the child (steadier under load); "
          "peak memory: "
          + ("max RSS of the command, by /usr/bin/time -f %M\n" if HAVE_GNU_TIME else
             "os.wait4 ru_maxrss (no /usr/bin/time): an UPPER BOUND, see procstat.py\n"))
    print(f"(a) one small composed message per process, {args.reps} runs each")
    print(small_table([*tools, *refs]) + "\n")
    print(f"(b) one 25 MB .eml ({LARGE:,} bytes, ~76-char lines) per process, "
          f"{args.large_reps} runs each")
    print(large_table(tools, LARGE) + "\n")
    if not args.no_huge:
        print(f"(c) one 250 MB .eml ({HUGE:,} bytes) per process, {args.huge_reps} run(s) each")
        print(large_table(tools, HUGE) + "\n")
    print("\n".join(imports) + "\n")
    print("command lines (25 MB case; the small case drops --eml / --data):")
    for tool, cmd in zip(tools, commands, strict=True):
        print(f"  {tool.name}: {cmd}")
    print()
    print("\n".join(verdicts(tools, not args.no_huge)))
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


def _cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())

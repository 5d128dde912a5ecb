"""Headless benchmark: `smtptui run` vs smtplib vs swaks (and C smtp-source) against smtp-sink.

    python bench/headless.py [--reps 20] [--large-reps 3] [--no-huge] [--no-bdat]

Every smtptui row runs the command a user types: the console script next to this interpreter
(`.venv/bin/smtptui`, what the README's first command installs) with the default flags, so
`--tls starttls` (smtp-sink offers no STARTTLS: nothing of TLS may load); a `--tls off` row is
a reference. One run prints side-by-side tables (every row is one process per session; wall
time from spawn to reap, CPU time from os.wait4, peak RSS from GNU time: see procstat.py):
  (a) one small composed message per process, --reps times each: median and p90 wall time;
  (b) one 25 MB .eml (generated, ~76-character lines): wall time, MB/s, peak RSS; Postfix's
      C `smtp-source` is the physical limit of this machine and this receiver;
  (c) the same with a 250 MB .eml, where peak memory is what matters;
  (d) `--chunking` (BDAT) with both messages, and DATA beside it, against one receiver that
      offers CHUNKING (chunking_sink.py: smtp-sink has no BDAT): their peak memory.
Runs are interleaved (round robin) so background load hits every tool alike; one untimed
warm-up run per tool comes first. Every run must exit 0 AND advance the receiver's message
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

from chunking_sink import ChunkingSink
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
from sink import POSTFIX_ROOT, SINK_ENV, SMTP_SINK, Sink

HERE = Path(__file__).resolve().parent
SWAKS = "/usr/bin/swaks"
SMTP_SOURCE = str(POSTFIX_ROOT / "usr" / "sbin" / "smtp-source")
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


def smtptui_cmd(prefix: list[str], server: str, eml: Path | None,
                extra: tuple[str, ...] = ()) -> list[str]:
    """`<prefix> run --server ... --from ... --to ... [--eml FILE]`: the default flags."""
    cmd = [*prefix, "run", "--server", server, "--from", SENDER, "--to", RECIPIENT, *extra]
    return cmd + (["--eml", str(eml)] if eml else [])


def make_tools() -> list[Tool]:
    """The contenders, in table order: smtptui's console script first (the targets' row)."""
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
        Tool("smtptui run", lambda server, eml: smtptui_cmd([script], server, eml)),
        Tool("smtptui run (python -m)",
             lambda server, eml: smtptui_cmd([py, "-m", "smtptui"], server, eml)),
        Tool("smtplib script", smtplib),
        Tool("swaks", swaks),
    ]


def smtp_source_tool() -> Tool:
    """Postfix's C client, one message from the file (it dot-stuffs and sends CRLF lines):
    how fast this machine and this receiver can go."""

    def build(server: str, eml: Path | None) -> list[str]:
        assert eml is not None
        return [SMTP_SOURCE, "-m", "1", "-f", SENDER, "-t", RECIPIENT, "-F", str(eml), server]

    return Tool("(ref) smtp-source (C)", build, env={"LD_LIBRARY_PATH":
                                                     SINK_ENV["LD_LIBRARY_PATH"]})


def chunking_tools() -> tuple[Tool, Tool]:
    """`smtptui run --chunking` (BDAT chunks of 1 MiB, the default --chunk-size), and the
    same run with DATA, against the same receiver (like for like)."""
    script = smtptui_script()
    return (Tool("smtptui run --chunking",
                 lambda server, eml: smtptui_cmd([script], server, eml, ("--chunking",))),
            Tool("smtptui run (DATA)", lambda server, eml: smtptui_cmd([script], server, eml)))


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
    """Reference rows for table (a): `--tls off` (what the old benchmark timed), and the
    interpreter alone, with and without `site` (site-packages' .pth start-up hooks)."""
    py = sys.executable
    script = smtptui_script()
    return [
        Tool("(ref) smtptui run --tls off",
             lambda server, eml: smtptui_cmd([script], server, eml, ("--tls", "off"))),
        Tool("(ref) python -c pass", lambda server, eml: [py, "-c", "pass"], delivers=False),
        Tool("(ref) python -S -c pass", lambda server, eml: [py, "-S", "-c", "pass"],
             delivers=False),
    ]


class Bench:
    """Runs tools against one smtp-sink and checks that every session really delivered."""

    def __init__(self, sink: Sink | ChunkingSink, env: dict[str, str]) -> None:
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
            if result.returncode != 0 or not _wait_delivered(self.sink, self.expected):
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


def _wait_delivered(sink: Sink | ChunkingSink, count: int, timeout: float = 5.0) -> bool:
    """Poll until the receiver counted `count` messages; False if it did not in time."""
    deadline = time.monotonic() + timeout
    while sink.delivered() < count:
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


def import_report(server: str, env: dict[str, str]) -> list[str]:
    """What the console script with the default flags imports: heavy packages, the total."""
    cmd = [sys.executable, "-X", "importtime", smtptui_script(), "run", "--server", server,
           "--from", SENDER, "--to", RECIPIENT]
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


def _walls(tool: Tool, key: object) -> list[float]:
    return [m.wall for m in tool.runs[key]]


def small_table(tools: list[Tool], swaks: Tool) -> str:
    """Table (a): per-process wall time for one small message."""
    ref = median(_walls(swaks, SMALL))
    rows = [["tool", "runs", "median ms", "p90 ms", "vs swaks", "cpu ms", "max RSS MiB"]]
    for tool in tools:
        walls = _walls(tool, SMALL)
        cpu = median([m.cpu for m in tool.runs[SMALL]])
        rss = max(m.max_rss_mib for m in tool.runs[SMALL])
        rows.append([tool.name, str(len(walls)), f"{median(walls) * 1000:.1f}",
                     f"{p90(walls) * 1000:.1f}", f"{median(walls) / ref:.2f}x",
                     f"{cpu * 1000:.1f}", f"{rss:.1f}"])
    return table(rows)


def large_table(tools: list[Tool], lib: Tool, key: object, size: int) -> str:
    """Tables (b) to (d): wall time (and its ratio to smtplib's: the target is a ratio of
    times, lower is better), throughput and peak memory for one large message."""
    ref = median(_walls(lib, key)) if key in lib.runs else float("nan")
    rows = [["tool", "runs", "median s", "MB/s", "time vs smtplib", "cpu s", "max RSS MiB"]]
    for tool in tools:
        walls = _walls(tool, key)
        cpu = median([m.cpu for m in tool.runs[key]])
        rss = max(m.max_rss_mib for m in tool.runs[key])
        rows.append([tool.name, str(len(walls)), f"{median(walls):.3f}",
                     f"{size / MB / median(walls):.1f}", f"{median(walls) / ref:.2f}x",
                     f"{cpu:.3f}", f"{rss:.1f}"])
    return table(rows)


def verdicts(tools: list[Tool], source: Tool, chunking: tuple[Tool, Tool] | None,
             huge: bool) -> list[str]:
    """Issue 17's targets, each PASS or MISS, from the measured numbers."""
    tui, lib, swaks = tools[0], tools[2], tools[3]
    out = []

    def line(ok: bool, text: str) -> None:
        out.append(f"{'PASS' if ok else 'MISS'}  {text}")

    for t in tools[:2]:
        ratio = median(_walls(t, SMALL)) / median(_walls(swaks, SMALL))
        line(ratio <= 1.2, f"{t.name}: small message, default flags, {ratio:.2f}x swaks' "
                           "median wall time (target <= 1.2x)")
    ratio = median(_walls(tui, LARGE)) / median(_walls(lib, LARGE))
    line(ratio <= 0.55, f"25 MB: {ratio:.2f}x smtplib's wall time (target <= 0.55x)")
    ratio = median(_walls(tui, LARGE)) / median(_walls(source, LARGE))
    out.append(f"info  25 MB: {ratio:.2f}x the wall time of Postfix's C smtp-source (the "
               "issue: within 2x)")
    rss25 = max(m.max_rss_mib for m in tui.runs[LARGE])
    line(rss25 <= 32, f"25 MB peak RSS {rss25:.1f} MiB (target <= 32 MiB)")
    if huge:
        rss250 = max(m.max_rss_mib for m in tui.runs[HUGE])
        # 1 MiB of slack: RSS jitters by a few pages between runs.
        line(rss250 <= rss25 + 1, f"250 MB peak RSS {rss250:.1f} MiB vs {rss25:.1f} MiB for "
                                  "25 MB (target: flat; 1 MiB tolerance)")
    if chunking is not None:
        bdat, data = chunking
        peak = max(m.max_rss_mib for runs in bdat.runs.values() for m in runs)
        ref = max(m.max_rss_mib for runs in data.runs.values() for m in runs)
        line(peak <= ref + 1, f"--chunking (BDAT) peak RSS {peak:.1f} MiB over "
                              f"{' and '.join(_size_name(k) for k in bdat.runs)} vs DATA's "
                              f"{ref:.1f} MiB to the same receiver (target: the same flat "
                              "memory; 1 MiB tolerance)")
    return out


def _size_name(key: object) -> str:
    return f"{key // MB} MB" if isinstance(key, int) else str(key)


def main() -> int:
    """Run the workloads and print the tables, the command lines and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20, help="small-message runs per tool")
    parser.add_argument("--large-reps", type=int, default=3, help="25 MB runs per tool")
    parser.add_argument("--huge-reps", type=int, default=1, help="250 MB runs per tool")
    parser.add_argument("--no-huge", action="store_true", help="skip the 250 MB message")
    parser.add_argument("--no-bdat", action="store_true", help="skip table (d), --chunking")
    parser.add_argument("--checkout", type=Path, action="append", default=[],
                        help="also run `smtptui run` from this checkout (repeatable)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (compile on every run)")
    args = parser.parse_args()
    for path in (SWAKS, SMTP_SINK, SMTP_SOURCE):
        if not Path(path).exists():
            sys.stderr.write(f"{path} is missing: run `bash tests/install.sh` first\n")
            return 1
    started = time.time()
    load_before = os.getloadavg()
    tools = make_tools() + [checkout_tool(root.resolve()) for root in args.checkout]
    refs, source = reference_tools(), smtp_source_tool()
    chunking = None if args.no_bdat else chunking_tools()
    sizes = [LARGE] if args.no_huge else [LARGE, HUGE]
    with tempfile.TemporaryDirectory(prefix="smtptui-bench-") as tmp:
        tmpdir = Path(tmp)
        emls = {size: tmpdir / f"{size // MB}mb.eml" for size in sizes}
        for size, eml in emls.items():
            write_eml(eml, size)
        with Sink(tmpdir / "smtp-sink.log") as sink:
            env = python_env(None if args.no_bytecode_cache else tmpdir / "pycache")
            bench = Bench(sink, env)
            bench.round_robin([*tools, *refs], SMALL, None, args.reps)
            bench.round_robin([*tools, source], LARGE, emls[LARGE], args.large_reps)
            if not args.no_huge:
                bench.round_robin([*tools, source], HUGE, emls[HUGE], args.huge_reps)
            imports = import_report(bench.server, env)
            delivered = sink.delivered()
            commands = [shlex.join(t.build(bench.server, emls[LARGE]))
                        for t in [*tools, source]]
            sink_cmd = shlex.join(sink.cmd)
        if chunking is not None:
            with ChunkingSink() as bdat_sink:
                bdat = Bench(bdat_sink, env)
                for size in sizes:
                    reps = args.large_reps if size == LARGE else args.huge_reps
                    bdat.round_robin(list(chunking), size, emls[size], reps)
                commands.append(shlex.join(chunking[0].build(bdat.server, emls[LARGE]))
                                + "   (against chunking_sink.py)")
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
    print(f"(a) one small composed message per process, default flags, {args.reps} runs each")
    print(small_table([*tools, *refs], tools[3]) + "\n")
    print(f"(b) one 25 MB .eml ({LARGE:,} bytes, ~76-char lines) per process, "
          f"{args.large_reps} runs each")
    print(large_table([*tools, source], tools[2], LARGE, LARGE) + "\n")
    if not args.no_huge:
        print(f"(c) one 250 MB .eml ({HUGE:,} bytes) per process, {args.huge_reps} run(s) each")
        print(large_table([*tools, source], tools[2], HUGE, HUGE) + "\n")
    if chunking is not None:
        print("(d) BDAT (--chunking, 1 MiB chunks) and DATA against chunking_sink.py (a Python "
              "receiver that offers CHUNKING; memory is the figure here, not time)")
        rows = [["message", "runs", "median s", "cpu s", "max RSS MiB"]]
        for size in sizes:
            for tool, name in zip(chunking, ("BDAT", "DATA"), strict=True):
                runs = tool.runs[size]
                rows.append([f"{name}, {size // MB} MB", str(len(runs)),
                             f"{median([m.wall for m in runs]):.3f}",
                             f"{median([m.cpu for m in runs]):.3f}",
                             f"{max(m.max_rss_mib for m in runs):.1f}"])
        print(table(rows) + "\n")
    print("\n".join(imports) + "\n")
    print("command lines (25 MB case; the small case drops --eml / --data):")
    for name, cmd in zip([t.name for t in [*tools, source]]
                         + ([chunking[0].name] if chunking else []), commands, strict=True):
        print(f"  {name}: {cmd}")
    print()
    print("\n".join(verdicts(tools, source, chunking, not args.no_huge)))
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


def _cpus() -> int:
    """CPUs this process may run on."""
    return len(os.sched_getaffinity(0))


if __name__ == "__main__":
    raise SystemExit(main())

"""TUI start-up benchmark: time to the first screen of smtptui vs a bare Textual app.

    python bench/tui_startup.py [--reps 10] [--size 120x40] [--no-demo] [--reference]
                                [--load 0 1 2]

Each app is started as a user starts it, in a pseudo-terminal of the given size, and the
clock runs from the fork until a text that only the finished first screen shows has been
written to the terminal (escape sequences stripped): for the bare app its one Label, for
the workbench a profile name in the sidebar (the profiles are read in on_mount, so the
screen is complete and usable), for `smtptui --demo` the demo's second profile (the
embedded SMTP server is up by then). Then ctrl+q is typed. Runs are interleaved, after one
untimed warm-up run each (which also seeds the example profiles). XDG folders and TMPDIR
point into a temporary directory, so nothing outside it is touched.

A reference row ("lean cli", --reference) starts the same workbench through `python -c`
with the garbage collector paused before the TUI is imported.

Issue 17's targets: the workbench's first screen at most 1.2x the bare app's, the demo's at
most 1.4x, at several load levels: `--load 0 1 2` runs every round again with that many
extra busy processes (a CPU-bound Python loop each, ended with the round) beside whatever
else the machine runs, and prints a table per level and the spread of the ratios.
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from procstat import bytecode_note, median, p90, python_env
from ptyrun import ScreenTiming, time_to_marker

HERE = Path(__file__).resolve().parent


@dataclass
class Contender:
    """An app to start, and the text that says its first screen is up."""

    name: str
    cmd: list[str]
    marker: str
    runs: list[ScreenTiming] = field(default_factory=list)
    target: float = 0.0  # the most its median may be, as a multiple of the bare app's


def smtptui_script() -> str:
    """The installed console script next to this interpreter (not a pyenv shim)."""
    beside = Path(sys.executable).parent / "smtptui"
    return str(beside) if beside.exists() else "smtptui"


#: The workbench started as `smtptui` would start it if its command line (smtptui/cli.py)
#: paused the garbage collector before importing the TUI and did not import the engine's plan
#: module for its option choices: a reference row, to show what that would save.
LEAN_START = ("import gc; gc.disable(); import argparse, sys; from pathlib import Path; "
              "from smtptui.tui.app import run_app; "
              "sys.exit(run_app(Path(sys.argv[1]), False))")


def contenders(profiles: Path, demo: bool, reference: bool) -> list[Contender]:
    """The bare app first (the reference), then the workbench, then the demo."""
    out = [
        Contender("bare Textual app (one Label)", [sys.executable, str(HERE / "bare_app.py")],
                  "bare textual app ready"),
        Contender("smtptui (workbench)", [smtptui_script(), "--profiles", str(profiles)],
                  "seed-walkthrough", target=1.2),
    ]
    if demo:
        out.append(Contender("smtptui --demo", [smtptui_script(), "--demo"],
                             "demo-unknown-user", target=1.4))
    if reference:
        out.append(Contender("(ref) workbench, lean cli", [sys.executable, "-c", LEAN_START,
                                                           str(profiles)], "seed-walkthrough"))
    return out


class BusyLoad:
    """`count` CPU-bound processes (a Python loop each) while the `with` block runs."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._procs: list[subprocess.Popen[bytes]] = []

    def __enter__(self) -> BusyLoad:
        self._procs = [subprocess.Popen([sys.executable, "-c", "while True: pass"])
                       for _ in range(self.count)]
        if self._procs:
            time.sleep(0.5)  # let them run before the first measurement
        return self

    def __exit__(self, *exc_info: object) -> None:
        for proc in self._procs:
            proc.kill()
            proc.wait()


def table(apps: list[Contender]) -> str:
    """One row per app: first byte, marker median and p90, ratio to the bare app, RSS."""
    bare = median([r.marker for r in apps[0].runs])
    cpu_bare = median([r.cpu for r in apps[0].runs])
    header = ["app", "runs", "first byte ms", "screen median ms", "screen p90 ms", "vs bare",
              "target", "cpu ms", "cpu vs bare", "max RSS MiB"]
    rows = [header]
    for app in apps:
        marks = [r.marker for r in app.runs]
        rows.append([app.name, str(len(marks)),
                     f"{median([r.first_output for r in app.runs]) * 1000:.0f}",
                     f"{median(marks) * 1000:.0f}", f"{p90(marks) * 1000:.0f}",
                     f"{median(marks) / bare:.2f}x",
                     f"<= {app.target:.1f}x" if app.target else "",
                     f"{median([r.cpu for r in app.runs]) * 1000:.0f}",
                     f"{median([r.cpu for r in app.runs]) / cpu_bare:.2f}x",
                     f"{max(r.max_rss_mib for r in app.runs):.1f}"])
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    out = []
    for n, row in enumerate(rows):
        out.append("  ".join([row[0].ljust(widths[0])]
                             + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def main() -> int:
    """Measure at each load level; print the tables, the spread and the verdicts."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10, help="timed runs per app")
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--no-demo", action="store_true", help="skip `smtptui --demo`")
    parser.add_argument("--reference", action="store_true",
                        help="add the reference row (the workbench from `python -c`)")
    parser.add_argument("--load", type=int, nargs="+", default=[0],
                        help="extra busy processes during a round, one round per value")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (compile on every run)")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    started = time.time()
    load_before = os.getloadavg()
    print(f"smtptui TUI start-up benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, {len(os.sched_getaffinity(0))} CPUs, Python "
          f"{platform.python_version()}, load average {load_before[0]:.2f} at the start")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(bytecode_note(not args.no_bytecode_cache))
    print(f"method: each app in a {columns}x{rows} pty (TERM=xterm-256color); time from fork "
          "to the first output byte, and to the read that puts the marker text on screen; "
          "cpu: user + system time of the whole run, ctrl+q typed at the marker (steadier "
          "than wall time under load)\n")
    ratios: dict[str, list[float]] = {}
    verdicts: list[str] = []
    with tempfile.TemporaryDirectory(prefix="smtptui-tui-bench-") as tmp:
        tmpdir = Path(tmp)
        env = python_env(None if args.no_bytecode_cache else tmpdir / "pycache")
        env.update(TERM="xterm-256color", TMPDIR=str(tmpdir), COLORTERM="truecolor")
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = str(tmpdir / name.lower())
        for level in args.load:
            apps = contenders(tmpdir / "profiles", not args.no_demo, args.reference)
            with BusyLoad(level):
                before = os.getloadavg()[0]
                for app in apps:  # warm-up: bytecode cache, page cache, example profiles
                    time_to_marker(app.cmd, app.marker, env=env, columns=columns, rows=rows)
                for _ in range(args.reps):
                    for app in apps:
                        app.runs.append(time_to_marker(app.cmd, app.marker, env=env,
                                                       columns=columns, rows=rows))
                after = os.getloadavg()[0]
            print(f"+{level} busy processes (load average {before:.2f} -> {after:.2f}), "
                  f"{args.reps} runs each:")
            print(table(apps) + "\n")
            bare = median([r.marker for r in apps[0].runs])
            for app in apps[1:]:
                ratio = median([r.marker for r in app.runs]) / bare
                ratios.setdefault(app.name, []).append(ratio)
                if app.target:
                    verdicts.append(f"{'PASS' if ratio <= app.target else 'MISS'}  +{level} "
                                    f"busy: {app.name} {ratio:.2f}x the bare Textual app's "
                                    f"first screen (target <= {app.target:.1f}x)")
        print("command lines and markers:")
        for app in apps:
            print(f"  {app.name}: {shlex.join(app.cmd)}   (marker {app.marker!r})")
    if len(args.load) > 1:
        print("\nspread over the load levels " + ", ".join(f"+{n}" for n in args.load) + ":")
        for name, values in ratios.items():
            print(f"  {name}: {min(values):.2f}x to {max(values):.2f}x (" + ", ".join(
                f"{v:.2f}x" for v in values) + ")")
    print("\n" + "\n".join(verdicts))
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

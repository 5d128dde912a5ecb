"""TUI start-up benchmark: time to the first screen of smtptui vs a bare Textual app.

    python bench/tui_startup.py [--reps 10] [--size 120x40] [--no-demo] [--no-reference]

Each app is started as a user starts it, in a pseudo-terminal of the given size, and the
clock runs from the fork until a text that only the finished first screen shows has been
written to the terminal (escape sequences stripped): for the bare app its one Label, for
the workbench a profile name in the sidebar (the profiles are read in on_mount, so the
screen is complete and usable), for `smtptui --demo` the demo's second profile (the
embedded SMTP server is up by then). Then ctrl+q is typed. Runs are interleaved, after one
untimed warm-up run each (which also seeds the example profiles). XDG folders and TMPDIR
point into a temporary directory, so nothing outside it is touched.

A reference row ("lean cli") starts the same workbench through `python -c` with the garbage
collector paused before the TUI is imported and without `smtptui.main`'s import of the
engine's plan module: what a leaner command line would give (--no-reference skips it).
"""

from __future__ import annotations

import argparse
import os
import platform
import shlex
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
                  "seed-walkthrough"),
    ]
    if demo:
        out.append(Contender("smtptui --demo", [smtptui_script(), "--demo"],
                             "demo-unknown-user"))
    if reference:
        out.append(Contender("(ref) workbench, lean cli", [sys.executable, "-c", LEAN_START,
                                                           str(profiles)], "seed-walkthrough"))
    return out


def main() -> int:
    """Measure, print the table and the verdict."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10, help="timed runs per app")
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--no-demo", action="store_true", help="skip `smtptui --demo`")
    parser.add_argument("--no-reference", action="store_true",
                        help="skip the reference row (the workbench with a leaner command line)")
    parser.add_argument("--no-bytecode-cache", action="store_true",
                        help="leave PYTHONDONTWRITEBYTECODE as it is (compile on every run)")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    started = time.time()
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="smtptui-tui-bench-") as tmp:
        tmpdir = Path(tmp)
        env = python_env(None if args.no_bytecode_cache else tmpdir / "pycache")
        env.update(TERM="xterm-256color", TMPDIR=str(tmpdir), COLORTERM="truecolor")
        for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
            env[name] = str(tmpdir / name.lower())
        apps = contenders(tmpdir / "profiles", not args.no_demo, not args.no_reference)
        for app in apps:  # warm-up: bytecode cache, page cache, example profiles
            time_to_marker(app.cmd, app.marker, env=env, columns=columns, rows=rows)
        for _ in range(args.reps):
            for app in apps:
                app.runs.append(time_to_marker(app.cmd, app.marker, env=env,
                                               columns=columns, rows=rows))
    bare = median([r.marker for r in apps[0].runs])
    print(f"smtptui TUI start-up benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, {len(os.sched_getaffinity(0))} CPUs, Python "
          f"{platform.python_version()}, load average {load_before[0]:.2f} -> "
          f"{os.getloadavg()[0]:.2f}")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(bytecode_note(not args.no_bytecode_cache))
    print(f"method: each app in a {columns}x{rows} pty (TERM=xterm-256color); time from fork "
          "to the first output byte, and to the read that puts the marker text on screen\n")
    header = ["app", "runs", "first byte ms", "screen median ms", "screen p90 ms", "vs bare",
              "max RSS MiB"]
    table = [header]
    for app in apps:
        marks = [r.marker for r in app.runs]
        table.append([app.name, str(len(marks)),
                      f"{median([r.first_output for r in app.runs]) * 1000:.0f}",
                      f"{median(marks) * 1000:.0f}", f"{p90(marks) * 1000:.0f}",
                      f"{median(marks) / bare:.2f}x",
                      f"{max(r.max_rss_mib for r in app.runs):.1f}"])
    widths = [max(len(r[i]) for r in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("  ".join([row[0].ljust(widths[0])]
                        + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print("\ncommand lines and markers:")
    for app in apps:
        print(f"  {app.name}: {shlex.join(app.cmd)}   (marker {app.marker!r})")
    ratio = median([r.marker for r in apps[1].runs]) / bare
    print(f"\n{'PASS' if ratio <= 1.3 else 'MISS'}  smtptui first screen {ratio:.2f}x the bare "
          "Textual app's (target <= 1.3x)")
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

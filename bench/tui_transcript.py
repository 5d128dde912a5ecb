"""Transcript benchmark: 100,000 lines into the workbench's transcript view, then scrolling.

    python bench/tui_transcript.py [--lines 100000] [--size 120x40] [--bounded 250000]

Runs the real SmtpTuiApp headless (App.run_test) at the given size, with the garbage
collector handled as `smtptui` handles it (resting during the start-up, then the start-up's
objects frozen out of later collections), focuses its TranscriptView and feeds it Events
shaped like real sessions (banner, a multiline EHLO reply, MAIL, RCPT, DATA with a 10-line
message that folds, QUIT), in batches of 1,000 with the event loop free between batches, as
a live session would. It reports:
  - the time to add the lines and the longest event-loop stall meanwhile;
  - memory: RSS growth, and the Python heap held by the lines (tracemalloc, second pass);
  - for each key that moves through the transcript (down, up, pagedown, pageup, home, end)
    and for the fold (f) and raw (v) toggles: the time from the key to the first and to the
    last row rendered, the longest stall, the garbage collector's time meanwhile (the worst
    of --rounds), and how many rows were rendered (one screen: no animation);
  - the longest garbage collection of each generation over the whole run, and what a full
    collection costs with the lines held;
  - with --bounded N: the line count and RSS after N lines in all (the view keeps at most
    MAX_LINES, dropping the oldest tenth), to show memory stays bounded.
A stall is the longest gap a 1 ms ticker on the same event loop saw: what freezes the
screen. Textual paints at most 60 frames a second, so anything under ~17 ms is one frame.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import platform
import shlex
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from statistics import median

from textual.pilot import Pilot

from smtptui.smtp.transcript import Event
from smtptui.tui.app import SmtpTuiApp
from smtptui.tui.startup import collect_after_start, rest_collector
from smtptui.tui.widgets.transcript import MAX_LINES, TranscriptView

FRAME = 1 / 60


def session_events(count: int) -> Iterator[Event]:
    """`count` transcript events cut from repeated, realistic sessions."""
    ehlo = ["250-mx.example.net Hello client.example.com [192.0.2.10]", "250-SIZE 52428800",
            "250-8BITMIME", "250-PIPELINING", "250-AUTH PLAIN LOGIN", "250-STARTTLS",
            "250-ENHANCEDSTATUSCODES", "250 SMTPUTF8"]
    session: list[tuple[str, str, str]] = [
        ("info", "connect", "Trying 192.0.2.25:25..."),
        ("recv", "banner", "220 mx.example.net ESMTP Postfix (Debian/GNU)"),
        ("send", "ehlo", "EHLO client.example.com"),
        *(("recv", "ehlo", line) for line in ehlo),
        ("send", "mail", "MAIL FROM:<alice@example.com> SIZE=1432"),
        ("recv", "mail", "250 2.1.0 Ok"),
        ("send", "rcpt", "RCPT TO:<bob@example.net>"),
        ("recv", "rcpt", "250 2.1.5 Ok"),
        ("send", "data", "DATA"),
        ("recv", "data", "354 End data with <CR><LF>.<CR><LF>"),
        *(("send", "dot", f"message line {n}: the quick brown fox jumps over the lazy dog")
          for n in range(10)),
        ("send", "dot", "."),
        ("recv", "dot", "250 2.0.0 Ok: queued as 4XyZ12abC"),
        ("send", "quit", "QUIT"),
        ("recv", "quit", "221 2.0.0 Bye"),
    ]
    t = 0.0
    for n in range(count):
        kind, stage, text = session[n % len(session)]
        t += 0.0005
        yield Event(t, kind, stage, text)


def rss_mib() -> float:
    """This process's resident set now (VmRSS), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


class GcPauses:
    """The longest garbage-collector pause per generation while installed (gc.callbacks)."""

    def __init__(self) -> None:
        self.worst = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]
        self._start = 0.0

    def _callback(self, phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            gen = info["generation"]
            pause = time.perf_counter() - self._start
            self.count[gen] += 1
            self.total[gen] += pause
            self.worst[gen] = max(self.worst[gen], pause)

    def reset(self) -> None:
        """Forget what was seen so far."""
        self.worst = [0.0, 0.0, 0.0]
        self.count = [0, 0, 0]
        self.total = [0.0, 0.0, 0.0]

    def __enter__(self) -> GcPauses:
        gc.callbacks.append(self._callback)
        return self

    def __exit__(self, *exc: object) -> None:
        gc.callbacks.remove(self._callback)

    def summary(self, during: str) -> str:
        """One line: collections and the longest pause of each generation."""
        return f"garbage collector, {during}: " + ", ".join(
            f"gen {g}: {self.count[g]} collections, longest {self.worst[g] * 1000:.1f} ms"
            for g in range(3))


PAUSES = GcPauses()


class StallMeter:
    """A 1 ms ticker on the event loop; the longest gap between its ticks is the worst stall."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _tick(self) -> None:
        last = time.perf_counter()
        while True:
            await asyncio.sleep(0.001)
            now = time.perf_counter()
            self.worst = max(self.worst, now - last)
            last = now

    def __enter__(self) -> StallMeter:
        self.worst = 0.0
        self._task = asyncio.get_running_loop().create_task(self._tick())
        return self

    def __exit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()


class CountingView:
    """Counts TranscriptView.render_line calls (rows rendered), dates the first and the last."""

    def __init__(self, view: TranscriptView) -> None:
        self.calls = 0
        self.first = self.last = 0.0
        original = view.render_line

        def counted(y: int) -> object:
            strip = original(y)
            self.last = time.perf_counter()
            if not self.calls:
                self.first = self.last
            self.calls += 1
            return strip

        view.render_line = counted  # type: ignore[method-assign]


async def feed(view: TranscriptView, pilot: Pilot[int], count: int) -> None:
    """Add `count` events in batches of 1,000, letting the loop run (and paint) between."""
    batch: list[Event] = []
    for event in session_events(count):
        batch.append(event)
        if len(batch) == 1000:
            for item in batch:
                view.add_event(item)
            batch.clear()
            await pilot.pause(0)
    for item in batch:
        view.add_event(item)
    await settle(pilot)


async def settle(pilot: Pilot[int]) -> None:
    """Wait until animations are done and the screen has painted what changed."""
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()
    await pilot.pause(FRAME)


async def timed(action: Callable[[], Awaitable[None]], pilot: Pilot[int],
                counter: CountingView) -> tuple[float, float, float, int, float]:
    """Seconds from the key to the first and last row rendered, the worst stall, rows, GC time.

    The first row rendered is the key's first visible effect (for a scroll, its first
    animation frame); the last is when the screen stopped changing. Both are 0 when
    nothing needed rendering.
    """
    counter.calls = 0
    gc_before = sum(PAUSES.total)
    with StallMeter() as meter:
        start = time.perf_counter()
        await action()
        await settle(pilot)
    gc_time = sum(PAUSES.total) - gc_before
    if not counter.calls:
        return 0.0, 0.0, meter.worst, 0, gc_time
    return counter.first - start, counter.last - start, meter.worst, counter.calls, gc_time


ACTIONS = [("end (already at the end)", "end"), ("up (from the last line)", "up"),
           ("home (to line 1)", "home"), ("down", "down"), ("pagedown", "pagedown"),
           ("pagedown again", "pagedown"), ("pageup", "pageup"),
           ("end (back to the last line)", "end"), ("f: unfold every DATA part", "f"),
           ("f: fold them again", "f"), ("v: raw view", "v"), ("v: gutter view", "v")]


async def action_table(pilot: Pilot[int], counter: CountingView, rounds: int) -> list[str]:
    """Each key in ACTIONS, `rounds` times over: median times, worst stall, median rows."""
    results: dict[str, list[tuple[float, float, float, int, float]]] = {
        name: [] for name, _ in ACTIONS}
    for _ in range(rounds):
        for name, key in ACTIONS:
            results[name].append(await timed(lambda key=key: pilot.press(key),  # type: ignore[misc]
                                             pilot, counter))
    rows = [["key on the full transcript", "first row ms", "last row ms", "worst stall ms",
             "GC ms", "rows rendered"]]
    for name, runs in results.items():
        rows.append([name, f"{median([r[0] for r in runs]) * 1000:.1f}",
                     f"{median([r[1] for r in runs]) * 1000:.1f}",
                     f"{max(r[2] for r in runs) * 1000:.1f}",
                     f"{max(r[4] for r in runs) * 1000:.1f}",
                     f"{median([float(r[3]) for r in runs]):.0f}"])
    return _table(rows)


async def bench(lines: int, size: tuple[int, int], bounded: int, rounds: int) -> list[str]:
    """Run every measurement in one headless app; the report lines."""
    out: list[str] = []
    with tempfile.TemporaryDirectory(prefix="smtptui-transcript-bench-") as tmp:
        rest_collector()
        app = SmtpTuiApp(Path(tmp), after_start=collect_after_start)
        async with app.run_test(size=size) as pilot:
            view = app.transcript
            view.focus()
            await settle(pilot)
            counter = CountingView(view)
            gc.collect()
            before = rss_mib()
            PAUSES.reset()
            with StallMeter() as meter:
                start = time.perf_counter()
                await feed(view, pilot, lines)
                added = time.perf_counter() - start
            after = rss_mib()
            out.append(f"add {lines:,} lines ({view.line_count:,} held, "
                       f"{view.row_count:,} rows shown after folding): {added:.2f} s "
                       f"({added / lines * 1e6:.1f} us a line), worst stall "
                       f"{meter.worst * 1000:.0f} ms (longest full GC "
                       f"{PAUSES.worst[2] * 1000:.0f} ms), "
                       f"RSS +{after - before:.1f} MiB "
                       f"({before:.1f} -> {after:.1f} MiB)")
            out.append("")
            out.append("each key on the full transcript (Textual's default animations on):")
            out.extend(await action_table(pilot, counter, rounds))
            out.append(f"position after the last action: scroll_y {view.scroll_y:.0f} of "
                       f"{view.max_scroll_y:.0f}")
            out.append(PAUSES.summary("adding the lines and the keys above"))
            full = time.perf_counter()
            gc.collect()
            out.append(f"one full garbage collection now, {view.line_count:,} lines held: "
                       f"{(time.perf_counter() - full) * 1000:.1f} ms "
                       f"({len(gc.get_objects()):,} objects tracked, "
                       f"{gc.get_freeze_count():,} frozen)")
            out.append("")
            view.clear()
            await settle(pilot)
            gc.collect()
            tracemalloc.start()
            await feed(view, pilot, lines)
            gc.collect()
            current, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            out.append(f"Python heap held by {lines:,} lines (tracemalloc, second pass): "
                       f"{current / 2**20:.1f} MiB now, {peak / 2**20:.1f} MiB peak "
                       f"({current / lines:.0f} bytes a line)")
            if bounded:
                view.clear()
                await settle(pilot)
                gc.collect()
                marks = []
                for total in range(bounded // 5, bounded + 1, bounded // 5):
                    await feed(view, pilot, bounded // 5)
                    gc.collect()
                    marks.append(f"{total:,} -> {view.line_count:,} held, "
                                 f"RSS {rss_mib():.1f} MiB")
                out.append(f"bounded (MAX_LINES {MAX_LINES:,}), lines added in all -> "
                           "lines held: " + "; ".join(marks))
            await pilot.press("ctrl+q")
    return out


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for n, row in enumerate(rows):
        out.append("  ".join([row[0].ljust(widths[0])]
                             + [c.rjust(w) for c, w in zip(row[1:], widths[1:], strict=True)]))
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def main() -> int:
    """Run and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--rounds", type=int, default=3, help="times each key is timed")
    parser.add_argument("--bounded", type=int, default=0,
                        help="also add this many lines in all, to show memory is bounded")
    args = parser.parse_args()
    columns, rows = (int(n) for n in args.size.lower().split("x"))
    load = os.getloadavg()[0]
    started = time.time()
    with PAUSES:
        report = asyncio.run(bench(args.lines, (columns, rows), args.bounded, args.rounds))
    report.append(PAUSES.summary("from the first line added to the end (tracemalloc on in "
                                 "the second pass)"))
    print(f"smtptui transcript benchmark, {time.strftime('%Y-%m-%d %H:%M %Z')}, "
          f"{platform.node()}, {len(os.sched_getaffinity(0))} CPUs, Python "
          f"{platform.python_version()}, load average {load:.2f} -> {os.getloadavg()[0]:.2f}")
    print(f"command: {shlex.join([Path(sys.executable).name, *sys.argv])}")
    print(f"headless App.run_test at {columns}x{rows}; frame budget {FRAME * 1000:.1f} ms\n")
    print("\n".join(report))
    print(f"\ntotal benchmark time {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

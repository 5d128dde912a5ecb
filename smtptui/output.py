"""Headless output: the live transcript (swaks markers, timings), JSON lines, progress, summary."""

from __future__ import annotations

import os
import time
from typing import TextIO

from smtptui.engine.plan import SessionPlan
from smtptui.engine.transcript import Event, Progress, Result


def compose_message(plan: SessionPlan, subject: str | None, body: str | None) -> bytes:
    """A small test message, as swaks composes one: Date, Message-ID, From, To, Subject."""
    domain = plan.helo if "." in plan.helo else "localhost.localdomain"
    when = rfc5322_date()
    lines = [
        f"Date: {when}",
        f"Message-ID: <{time.time_ns()}.{os.getpid()}.{os.urandom(4).hex()}.smtptui@{domain}>",
        f"From: <{plan.sender}>" if plan.sender else "From: <>",
        _folded("To", [f"<{r}>" for r in plan.recipients]),
        f"Subject: {subject or 'test ' + when}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "X-Mailer: smtptui",
        "",
        body if body is not None else "This is a test mailing sent by smtptui.",
        "",
    ]
    return "\r\n".join(lines).encode("utf-8")


def rfc5322_date(when: float | None = None) -> str:
    """The local time as an RFC 5322 date, e.g. "Sun, 29 Nov 2026 19:42:49 +0100"."""
    stamp = time.localtime(when)
    days = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    offset = stamp.tm_gmtoff // 60
    sign = "+" if offset >= 0 else "-"
    return (f"{days[stamp.tm_wday]}, {stamp.tm_mday:02d} {months[stamp.tm_mon - 1]} "
            f"{stamp.tm_year} {time.strftime('%H:%M:%S', stamp)} "
            f"{sign}{abs(offset) // 60:02d}{abs(offset) % 60:02d}")


def _folded(name: str, items: list[str]) -> str:
    """A header of comma-separated items, folded so no line passes 78 octets (RFC 5322 §2.1.1)."""
    lines = [f"{name}:"]
    for index, item in enumerate(items):
        piece = item + ("," if index < len(items) - 1 else "")
        if len(lines[-1]) + 1 + len(piece) > 78 and lines[-1] != f"{name}:":
            lines.append("")
        lines[-1] += " " + piece
    return "\r\n".join(lines)


class Printer:
    """Writes events as transcript lines (or JSON objects) as they happen."""

    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool, progress: bool) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json
        self.show_progress = progress
        self._last_progress = 0.0
        self._progress_shown = False

    def event(self, event: Event) -> None:
        """One transcript line, flushed at once (the transcript is live)."""
        self._clear_progress()
        if self.as_json:
            self.out.write(event.to_json() + "\n")
        else:
            self.out.write(f"{event.t:8.3f} {event.marker:<3} {event.text}\n")
        self.out.flush()

    def progress(self, item: Progress) -> None:
        """Bytes sent of the total and the rate, on a terminal's standard error only."""
        if not self.show_progress:
            return
        now = time.monotonic()
        if item.sent < item.total and now - self._last_progress < 0.2:
            return
        self._last_progress = now
        rate = item.sent / item.elapsed / 1e6 if item.elapsed > 0 else 0.0
        percent = 100 * item.sent // item.total if item.total else 100
        self.err.write(f"\r  DATA {item.sent:,} / {item.total:,} octets ({percent}%) "
                       f"{rate:.1f} MB/s ")
        self.err.flush()
        self._progress_shown = True

    def _clear_progress(self) -> None:
        if self._progress_shown:
            self.err.write("\r\x1b[K")
            self.err.flush()
            self._progress_shown = False

    def result(self, result: Result) -> None:
        """The closing summary (text) or the {"kind": "result"} object (JSON)."""
        self._clear_progress()
        if self.as_json:
            self.out.write(result.to_json() + "\n")
            self.out.flush()
            return
        for line in summary(result):
            self.out.write(f"{result.t:8.3f} {'===':<3} {line}\n")
        self.out.flush()


def summary(result: Result) -> list[str]:
    """The human summary printed after the transcript."""
    lines = []
    if result.timings:
        lines.append("stage times: " + ", ".join(f"{stage} {seconds * 1000:.1f} ms"
                                                 for stage, seconds in result.timings.items()))
    if result.rejected:
        lines.append(f"recipients accepted: {len(result.accepted)}, refused: "
                     + ", ".join(f"{r.address} ({r.code or r.text})" for r in result.rejected))
    verdict = {"delivered": "message accepted by the server", "stopped": "session stopped as asked",
               "failed": f"FAILED in stage {result.stage}: {result.error}"}[result.outcome]
    lines.append(f"result: {verdict} (exit {result.exit_code})")
    for check in result.checks:
        mark = {True: "ok", False: "PROBLEM", None: "note"}[check["ok"]]
        lines.append(f"check {check['name']} ({mark}): {check['text']}")
    if result.diagnosis:
        lines.append(f"diagnosis: {result.diagnosis.get('cause', '')}: "
                     f"{result.diagnosis.get('explanation', '')}")
        lines.append(f"next step: {result.diagnosis.get('next_step', '')}")
    return lines

"""Headless output: the live transcript (swaks markers, timings), JSON lines, progress, summary."""

from __future__ import annotations

import time
from typing import TextIO

from smtptui.net.result import Result
from smtptui.smtp.safety import visible
from smtptui.smtp.transcript import Event, Progress


class Printer:
    """Writes events as transcript lines (or JSON objects) as they happen.

    ``brief`` ends the text form with the result alone (see ``summary``); JSON is never cut.
    """

    def __init__(self, out: TextIO, err: TextIO, *, as_json: bool, progress: bool,
                 brief: bool = False) -> None:
        self.out = out
        self.err = err
        self.as_json = as_json
        self.brief = brief
        self.show_progress = progress
        self._last_progress = 0.0
        self._progress_shown = False

    def event(self, event: Event) -> None:
        """One transcript line, flushed at once (the transcript is live). Whatever made the
        line, its text passes the one text-safety rule here, where it leaves for the terminal
        (JSON: `Event.to_json` does the same)."""
        self._clear_progress()
        if self.as_json:
            self.out.write(event.to_json() + "\n")
        else:
            self.out.write(f"{event.t:8.3f} {event.marker:<3} {visible(event.text)}\n")
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
        for line in summary(result, brief=self.brief):  # it quotes replies, errors, addresses
            self.out.write(f"{result.t:8.3f} {'===':<3} {visible(line)}\n")
        self.out.flush()


def summary(result: Result, *, brief: bool = False) -> list[str]:
    """The human summary printed after the transcript; ``brief``: only the recipients not
    accepted and the result line (no stage times, checks, explanations or diagnosis)."""
    lines = []
    if result.timings and not brief:
        lines.append("stage times: " + ", ".join(f"{stage} {seconds * 1000:.1f} ms"
                                                 for stage, seconds in result.timings.items()))
    if result.rejected:
        lines.append(f"recipients accepted: {len(result.accepted)}, not accepted: "
                     + ", ".join(f"{r.address} ({r.code or r.text})" for r in result.rejected))
    accepted = (f"message accepted for {len(result.accepted)} of "
                f"{len(result.accepted) + len(result.rejected)} recipients" if result.partial
                else "message accepted by the server")
    verdict = {"delivered": accepted, "stopped": "session stopped as asked",
               "failed": f"FAILED in stage {result.stage}: {result.error}"}[result.outcome]
    lines.append(f"result: {verdict} (exit {result.exit_code})")
    if brief:
        return lines
    for check in result.checks:
        mark = {True: "ok", False: "PROBLEM", None: "note"}[check["ok"]]
        lines.append(f"check {check['name']} ({mark}): {check['text']}")
    if result.outcome == "failed" and result.last_reply:
        lines.extend(f"reply {code}: {meaning}" for code, meaning in _explained(result.last_reply))
    if result.diagnosis:
        confidence = result.diagnosis.get("confidence")
        sure = f" (confidence: {confidence})" if confidence else ""
        lines.append(f"diagnosis: {result.diagnosis.get('cause', '')}{sure}: "
                     f"{result.diagnosis.get('explanation', '')}")
        lines.append(f"next step: {result.diagnosis.get('next_step', '')}")
    return lines


def _explained(reply_text: str) -> list[tuple[str, str]]:
    """The codes of the reply that ended the session, each in one plain sentence."""
    from smtptui.knowledge.codes import explain_reply
    from smtptui.smtp.errors import RemoteProtocolError
    from smtptui.smtp.replies import ReplyParser

    parser = ReplyParser()
    try:
        parser.feed("".join(line + "\r\n" for line in reply_text.splitlines())
                    .encode("utf-8", "backslashreplace"))
    except RemoteProtocolError:  # it parsed when it came; be safe all the same
        return []
    return [(item.code, f"{item.summary} ({item.reference})")
            for reply in parser.replies()[:1] for item in explain_reply(reply)]

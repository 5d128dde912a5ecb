"""What one transcript line means: a reply's codes, a command and its parameters (no UI here)."""

from __future__ import annotations

import re

from smtptui.engine.explain import basic_title, enhanced_title, explain_code, explain_enhanced
from smtptui.tui.capability_meanings import meaning
from smtptui.tui.command_meanings import Note, explain_command
from smtptui.tui.widgets.transcript_rows import SelectedLine

#: "550-5.7.1 text", "550 5.7.1 text", "250-SIZE 1000", "220": the code, the enhanced code.
_REPLY = re.compile(r"^(\d{3})(?:[ -]|$)\s*(?:([245]\.\d{1,3}\.\d{1,3})(?=\s|$))?")

__all__ = ["NOT_A_REPLY", "SelectedLine", "explain_line", "explain_reply_line", "reply_codes"]

NOT_A_REPLY = Note("?", "Not an SMTP reply: every reply line starts with a three-digit code "
                   "(a server that is not an SMTP server, or a broken one).", "RFC 5321 §4.2")


def reply_codes(text: str) -> tuple[int | None, str | None]:
    """The basic and the enhanced code of one reply line ("550-5.7.1 x" -> (550, "5.7.1"))."""
    match = _REPLY.match(text)
    if match is None:
        return None, None
    return int(match.group(1)), match.group(2)


def explain_reply_line(text: str, stage: str = "") -> list[Note]:
    """The reply code, then its enhanced code, then (in an EHLO reply) the keyword's meaning."""
    code, enhanced = reply_codes(text)
    if code is None:
        return [NOT_A_REPLY]
    notes: list[Note] = []
    basic = explain_code(code)
    if basic is not None:
        notes.append(Note(basic.code, basic.summary, basic.reference, basic_title(code) or ""))
    if enhanced is not None:
        found = explain_enhanced(enhanced)
        if found is not None:
            notes.append(Note(found.code, found.summary, found.reference,
                              enhanced_title(enhanced) or ""))
    if stage.startswith("ehlo") and enhanced is None:
        words = text[4:].split()
        keyword = words[0].upper() if words else ""
        known = meaning(keyword) if keyword else None
        if known is not None:
            notes.append(Note(keyword, known.summary[:1].upper() + known.summary[1:] + ".",
                              known.reference))
    return notes


def explain_line(kind: str, stage: str, text: str) -> list[Note]:
    """A received line's codes, a sent line's command; nothing for smtptui's own lines."""
    if kind == "recv":
        return explain_reply_line(text, stage)
    if kind == "send":
        return explain_command(text, stage)
    return []

"""What one transcript line means: a reply's codes, a command and its parameters (no UI here)."""

from __future__ import annotations

import re

from smtptui.knowledge.codes import basic_title, enhanced_title, explain_code, explain_enhanced
from smtptui.knowledge.command_meanings import Note, explain_command
from smtptui.knowledge.keywords import describe
from smtptui.smtp.replies import enhanced_code

#: "550-5.7.1 text", "550 5.7.1 text", "250-SIZE 1000", "220": the code, then the text.
_REPLY = re.compile(r"^(\d{3})(?:[ -]|$)")
#: An EHLO keyword's form (RFC 5321 §4.1.1.1): a host name with a dot is the greeting instead.
_KEYWORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")

__all__ = ["NOT_A_REPLY", "explain_line", "explain_reply_line", "keyword_note",
           "reply_codes"]

NOT_A_REPLY = Note("?", "Not an SMTP reply: every reply line starts with a three-digit code "
                   "(a server that is not an SMTP server, or a broken one).", "RFC 5321 §4.2")


def reply_codes(text: str) -> tuple[int | None, str | None]:
    """The basic and the enhanced code of one reply line ("550-5.7.1 x" -> (550, "5.7.1"))."""
    match = _REPLY.match(text)
    if match is None:
        return None, None
    code = int(match.group(1))
    return code, enhanced_code(code, text[match.end():])


def keyword_note(rest: str, continued: bool | None = None) -> Note | None:
    """What the keyword on a line of a 250 reply to EHLO means (``rest``: the line after its
    code), or that smtptui does not know it; None on the first line (the server's name and
    greeting). ``continued`` says whether the line follows another of the same reply; when
    it is not known (None), a first word that cannot be a keyword is taken for the name."""
    words = rest.split()
    if not words or continued is False:
        return None
    if continued is None and not _KEYWORD.fullmatch(words[0]):
        return None
    summary, reference, _ = describe(words[0], words[1:])
    return Note(words[0].upper(), summary[:1].upper() + summary[1:] + ".",
                reference or "RFC 5321 §4.1.1.1")


def explain_reply_line(text: str, stage: str = "", continued: bool | None = None
                       ) -> list[Note]:
    """The reply code, then its enhanced code, then (in an EHLO reply) the keyword's meaning
    (see keyword_note for ``continued``)."""
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
    if stage.startswith("ehlo") and code == 250 and enhanced is None:
        note = keyword_note(text[4:], continued)
        if note is not None:
            notes.append(note)
    return notes


def explain_line(kind: str, stage: str, text: str, continued: bool | None = None
                 ) -> list[Note]:
    """A received line's codes, a sent line's command; nothing for smtptui's own lines.
    ``continued``: the line follows another line of the same reply (None: not known)."""
    if kind == "recv":
        return explain_reply_line(text, stage, continued)
    if kind == "send":
        return explain_command(text, stage)
    return []

"""What one transcript line means: a reply's codes, a command and its parameters (no UI here)."""

from __future__ import annotations

import re

from smtptui.knowledge.codes import (
    basic_title,
    enhanced_title,
    explain_code,
    explain_enhanced,
    find_enhanced,
)
from smtptui.knowledge.command_meanings import Note, explain_command
from smtptui.knowledge.keywords import describe
from smtptui.smtp.capabilities import PLAIN_LAST_LINES, STANDARD_KEYWORDS
from smtptui.smtp.replies import MASK, Reply

#: "550-5.7.1 text", "550 5.7.1 text", "250-SIZE 1000", "220": the code, then the text; a
#: firewall-masked line ("220*****") has its text right after the code.
_REPLY = re.compile(r"^(\d{3})(?:[ -]|$|(?=\*))")
#: An EHLO keyword's form (RFC 5321 §4.1.1.1): a host name with a dot is the greeting instead.
_KEYWORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9-]*")

__all__ = ["NOT_A_REPLY", "explain_line", "explain_reply_line", "keyword_note",
           "reply_codes"]

NOT_A_REPLY = Note("?", "Not an SMTP reply: every reply line starts with a three-digit code "
                   "(a server that is not an SMTP server, or a broken one).", "RFC 5321 §4.2")
MASKED = Note("masked", "The text of this line is masked with asterisks, as an SMTP-inspecting "
              "firewall (Cisco PIX/ASA \"fixup smtp\") masks it; smtptui reads the line all "
              "the same. Such a firewall may refuse or rewrite ESMTP commands (EHLO, STARTTLS, "
              "AUTH).", "Cisco ASA: inspect esmtp")


def reply_codes(text: str) -> tuple[int | None, str | None]:
    """The basic and the enhanced code of one reply line ("550-5.7.1 x" -> (550, "5.7.1"))."""
    match = _REPLY.match(text)
    if match is None:
        return None, None
    code = int(match.group(1))
    rest = text[match.end():]
    found = find_enhanced(Reply(code, (rest,)))
    return code, found[0] if found else None


def keyword_note(rest: str, continued: bool | None = None) -> Note | None:
    """What the keyword on a line of a 250 reply to EHLO means (``rest``: the line after its
    code), or that smtptui does not know it; None on the first line (the server's name and
    greeting). ``continued`` says whether the line follows another of the same reply; when
    it is not known (None), a first word that cannot be a keyword is taken for the name."""
    words = rest.split()
    if not words or continued is False:
        return None
    keyword, params = words[0], words[1:]
    if "=" in keyword:  # the legacy form ("AUTH=LOGIN"), merged into AUTH as the inspector does
        keyword, _, first = keyword.partition("=")
        params = ([first] if first else []) + params
        summary, reference, known = describe(keyword, params)
        if known:
            return Note(keyword.upper(), f"The legacy form ({words[0]}) of {keyword.upper()}, "
                        f"which old clients read: {summary}; merged with the {keyword.upper()} "
                        "line.", reference or "RFC 5321 §4.1.1.1")
    if continued is None and not _KEYWORD.fullmatch(keyword):
        return None
    if (len(params) >= 1 and keyword.upper() not in STANDARD_KEYWORDS
            and (keyword + params[0]).upper() in STANDARD_KEYWORDS):
        joined = (keyword + params[0]).upper()
        summary, reference, _ = describe(joined, params[1:])
        return Note(joined, f"{joined} with a stray space inside the keyword, read as one: "
                    f"{summary}.", reference or "RFC 5321 §4.1.1.1")
    summary, reference, _ = describe(keyword, params)
    return Note(keyword.upper(), summary[:1].upper() + summary[1:] + ".",
                reference or "RFC 5321 §4.1.1.1")


def explain_reply_line(text: str, stage: str = "", continued: bool | None = None
                       ) -> list[Note]:
    """The reply code, then its enhanced code, then (in an EHLO reply) the keyword's meaning
    (see keyword_note for ``continued``)."""
    code, enhanced = reply_codes(text)
    if code is None:
        return [NOT_A_REPLY]
    notes: list[Note] = []
    basic = explain_code(code, _step(stage))
    if basic is not None:
        notes.append(Note(basic.code, basic.summary, basic.reference, basic_title(code) or ""))
    if enhanced is not None:
        found = explain_enhanced(enhanced)
        if found is not None:
            notes.append(Note(found.code, found.summary, found.reference,
                              enhanced_title(enhanced) or ""))
    if stage.startswith("ehlo") and code == 250 and enhanced is None:
        rest = text[4:]
        last = text[3:4] != "-"
        if continued and last and rest.strip().upper() in PLAIN_LAST_LINES:
            notes.append(Note(rest.strip(), "Not a keyword: a plain last line, as Exchange and "
                              "IIS end their EHLO reply; smtptui does not count it.",
                              "RFC 5321 §4.1.1.1"))
        else:
            note = keyword_note(rest, continued)
            if note is not None:
                notes.append(note)
    masked = text[3:].replace(" ", "")
    if text[3:4] == MASK or (len(masked) >= 8 and masked.count(MASK) >= 0.8 * len(masked)):
        notes.append(MASKED)
    return notes


def _step(stage: str) -> str:
    """The step whose answer a line is, as explain_code reads it ("ehlo-tls" is EHLO's)."""
    return {"ehlo-tls": "ehlo", "ehlo-xclient": "ehlo", "bdat": "dot", "tls": "starttls",
            "rset": "rcpt"}.get(stage, stage)


def explain_line(kind: str, stage: str, text: str, continued: bool | None = None
                 ) -> list[Note]:
    """A received line's codes, a sent line's command; nothing for smtptui's own lines.
    ``continued``: the line follows another line of the same reply (None: not known)."""
    if kind == "recv":
        return explain_reply_line(text, stage, continued)
    if kind == "send":
        return explain_command(text, stage)
    return []

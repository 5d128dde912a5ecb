"""The composed test message (as swaks composes one): headers by RFC 5322 and RFC 2047."""

from __future__ import annotations

import binascii
import os
import re
import time

from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import SessionPlan


def compose_message(plan: SessionPlan, subject: str | None, body: str | None) -> bytes:
    """A small test message, as swaks composes one: Date, Message-ID, From, To, Subject.

    Raises InputError for a control character in the subject (a line break would inject a
    header) or in the body (line breaks and TAB excepted), or for text that is not UTF-8.
    A non-ASCII subject is written as RFC 2047 encoded-words: 8-bit header octets would need
    SMTPUTF8 (RFC 6532), while BODY=8BITMIME (RFC 6152) covers the body only.
    """
    headers, text = composed_parts(plan, subject, body)
    lines = [*headers, *text_part_headers(text), "X-Mailer: smtptui", "", text, ""]
    return "\r\n".join(lines).encode("utf-8")


def composed_parts(plan: SessionPlan, subject: str | None, body: str | None
                   ) -> tuple[list[str], str]:
    """The composed message's header lines (Date to MIME-Version, without the Content-Type of
    its text) and its text; checked as compose_message says. --attach wraps the same two."""
    if subject:
        _check_text("--subject", subject, allowed="")
    if body is not None:
        _check_text("--body", body, allowed="\t\r\n")
    domain = message_domain(plan)
    when = rfc5322_date()
    text = body if body is not None else "This is a test mailing sent by smtptui."
    headers = [
        f"Date: {when}",
        f"Message-ID: <{time.time_ns()}.{os.getpid()}.{os.urandom(4).hex()}.smtptui@{domain}>",
        from_header(plan.sender, domain),
        _folded("To", [f"<{r}>" for r in plan.recipients]),
        subject_header(subject or "test " + when),
        "MIME-Version: 1.0",
    ]
    return headers, text


def text_part_headers(text: str) -> list[str]:
    """The Content-Type (and, for 8-bit text, Content-Transfer-Encoding) of the text."""
    return ["Content-Type: text/plain; charset=utf-8",
            *([] if text.isascii() else ["Content-Transfer-Encoding: 8bit"])]


def message_domain(plan: SessionPlan) -> str:
    """The domain of the composed Message-ID (and of a null sender's From): the HELO name."""
    return plan.helo if "." in plan.helo else "localhost.localdomain"


def from_header(sender: str, domain: str) -> str:
    """The From header: the envelope sender; for the null sender (``--from ''``) the
    conventional sender of delivery reports, MAILER-DAEMON at the HELO name's domain.

    RFC 5322 §3.6.2 wants a mailbox in From (``<>`` is none: an angle-addr needs an
    addr-spec), and RFC 5321 §4.5.5 sends with the null reverse-path what MAILER-DAEMON
    sends: notifications, which is what a null-sender test usually imitates."""
    return f"From: <{sender}>" if sender else f"From: MAILER-DAEMON@{domain}"


def _check_text(flag: str, text: str, allowed: str) -> None:
    """Refuse control characters (C0, DEL, C1, U+2028/9) but ``allowed``, and non-UTF-8 text."""
    for index, ch in enumerate(text, 1):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:  # how Python keeps the bytes of an argv that is not UTF-8
            raise InputError(f"{flag}: not UTF-8 text (an undecodable byte at character "
                             f"{index}); give the text in UTF-8")
        if ch in allowed:
            continue
        if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
            name = _CONTROL_NAMES.get(code, f"U+{code:04X}")
            if flag == "--subject":
                raise InputError(f"--subject: control character {name} at character {index}: "
                                 "the subject is one header line, with no line break, TAB "
                                 "or other control character")
            if code == 0:
                raise InputError(f"--body: NUL at character {index}: SMTP DATA cannot carry it")
            raise InputError(f"--body: control character {name} at character {index}: the "
                             "body may hold line breaks and TABs, no other control character")


_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF (line feed)", 13: "CR (carriage return)",
                  0x1B: "ESC", 0x7F: "DEL", 0x85: "U+0085 (next line)",
                  0x2028: "U+2028 (line separator)", 0x2029: "U+2029 (paragraph separator)"}

#: RFC 5322 §2.1.1: header lines SHOULD be at most 78 characters; RFC 2047 §2: an
#: encoded-word is at most 75.
_LINE = 78
_WORD = 75
#: RFC 5322 §2.1.1: a line MUST be at most 998 characters, without its CRLF.
MAX_HEADER_LINE = 998
#: Octets RFC 2047 §5 (3) lets a "Q" encoded-word carry as themselves, anywhere.
_Q_SAFE = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789!*+-/")


def subject_header(subject: str) -> str:
    """The Subject header, folded at 78 characters: as is when it is plain ASCII that needs
    no encoding, else RFC 2047 encoded-words in UTF-8 (readers decode them to the same text)."""
    name = "Subject:"
    if subject.isascii() and "=?" not in subject and subject == subject.strip(" "):
        folded = _fold_plain(name, subject)
        if folded is not None:
            return folded
    return encoded_header("Subject", subject)


def encoded_header(name: str, text: str) -> str:
    """An unstructured header (RFC 5322 §3.2.5) holding ``text`` as RFC 2047 encoded-words
    in UTF-8, folded at 78 characters (the first word on the next line if the name is long)."""
    first = _LINE - len(name) - 2
    if first < 20:
        return f"{name}:\r\n " + "\r\n ".join(_encoded_words(text, first=_WORD))
    return f"{name}: " + "\r\n ".join(_encoded_words(text, first=first))


def folded_verbatim(name: str, text: str) -> str | None:
    """``Name: text`` as given, folded before runs of spaces so that lines stay within 78
    characters where the words allow (unfolding gives the text back); None when a word
    makes a line longer than RFC 5322 §2.1.1's 998."""
    pieces = re.split(r"(?<! )(?= )", text) if text else []
    lines = [f"{name}:" + (" " + pieces[0] if pieces else "")]
    for piece in pieces[1:]:
        if len(lines[-1]) + len(piece) <= _LINE:
            lines[-1] += piece
        else:
            lines.append(piece)
    if any(len(line) > MAX_HEADER_LINE for line in lines):
        return None
    return "\r\n".join(lines)


def _fold_plain(name: str, text: str) -> str | None:
    """``text`` folded before runs of spaces (unfolding gives it back); None if a word is too
    long for a 78-character line."""
    pieces = re.split(r"(?<! )(?= )", text)
    lines = [f"{name} {pieces[0]}"]
    for piece in pieces[1:]:
        if len(lines[-1]) + len(piece) <= _LINE:
            lines[-1] += piece
        else:
            lines.append(piece)
    if any(len(line) > _LINE for line in lines):
        return None
    return "\r\n".join(lines)


def _encoded_words(text: str, first: int) -> list[str]:
    """``text`` as UTF-8 encoded-words, each whole characters, the first at most ``first``
    characters long, the others at most 75. "Q" (readable) when most characters are ASCII,
    else "B". The space between two encoded-words is not part of the text (RFC 2047 §6.2)."""
    q = sum(ch.isascii() for ch in text) * 2 > len(text)
    prefix, suffix = ("=?utf-8?q?", "?=") if q else ("=?utf-8?b?", "?=")
    overhead = len(prefix) + len(suffix)
    words: list[str] = []
    budget = first
    current = b""
    for ch in text:
        candidate = current + ch.encode("utf-8")
        if current and overhead + _encoded_length(candidate, q) > budget:
            words.append(prefix + _encode(current, q) + suffix)
            budget, candidate = _WORD, ch.encode("utf-8")
        current = candidate
    words.append(prefix + _encode(current, q) + suffix)
    return words


def _encoded_length(octets: bytes, q: bool) -> int:
    if q:
        return sum(1 if b in _Q_SAFE or b == 0x20 else 3 for b in octets)
    return 4 * ((len(octets) + 2) // 3)


def _encode(octets: bytes, q: bool) -> str:
    if not q:
        return binascii.b2a_base64(octets, newline=False).decode("ascii")
    return "".join(chr(b) if b in _Q_SAFE else "_" if b == 0x20 else f"={b:02X}"
                   for b in octets)


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

"""MAIL FROM checked against the EHLO reply before it is sent: SMTPUTF8, 8BITMIME, SIZE."""

from __future__ import annotations

from smtptui.smtp import commands
from smtptui.smtp.capabilities import Capabilities
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.record import record


@record(frozen=True)
class MailStart:
    """The MAIL command to send, or why the transaction cannot begin; notes either way."""

    line: str = ""
    kind: str = ""  # the failure kind (smtputf8, 8bit, size) when it cannot begin
    error: str = ""
    notes: tuple[str, ...] = ()


def start_mail(sender: str, recipients: list[str], facts: MessageFacts | None,
               caps: Capabilities) -> MailStart:
    """The MAIL FROM line with the parameters the message needs, if the server allows them."""
    notes: list[str] = []
    utf8 = not all(commands.is_ascii(a) for a in [sender, *recipients])
    if utf8 and not caps.has("SMTPUTF8"):
        return MailStart(kind="smtputf8", error="an address is not ASCII and the server does "
                         "not offer SMTPUTF8 (RFC 6531): nothing was sent")
    if facts is not None and facts.eight_bit_headers:
        if caps.has("SMTPUTF8"):
            utf8 = True  # RFC 6531 §3.4: UTF-8 header fields need SMTPUTF8 on MAIL
        else:
            notes.append("the message has 8-bit bytes in its header, which only SMTPUTF8 "
                         "allows (RFC 6532), and the server does not offer it: it may refuse "
                         "or alter them")
    body = None
    if facts is not None and facts.eight_bit:
        if not caps.has("8BITMIME"):
            return MailStart(kind="8bit", error="the message has 8-bit bytes and the server "
                             "does not offer 8BITMIME (RFC 6152): nothing was sent",
                             notes=tuple(notes))
        body = "8BITMIME"
    size = None
    if facts is not None and caps.has("SIZE"):
        size = facts.size  # RFC 1870: without the dots that stuffing doubles
        limit = caps.size_limit
        if limit is not None and size > limit:
            return MailStart(kind="size", error=f"the message is {size} octets and the server "
                             f"accepts at most {limit} (SIZE): nothing was sent",
                             notes=tuple(notes))
    if facts is not None and facts.long_lines:
        notes.append(f"{facts.long_lines} line(s) are longer than 998 octets (RFC 5321 "
                     "§4.5.3.1.6): a server may refuse, wrap or truncate them")
    line = commands.mail_from(sender, size=size, body=body, smtputf8=utf8)
    return MailStart(line=line, notes=tuple(notes))

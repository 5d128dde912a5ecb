"""MAIL FROM and RCPT TO with their parameters, checked against the EHLO reply before sending.

SIZE (RFC 1870), BODY=8BITMIME (RFC 6152) or BINARYMIME (RFC 3030), SMTPUTF8 (RFC 6531),
REQUIRETLS (RFC 8689), and DSN's RET, ENVID, NOTIFY and ORCPT (RFC 3461). A parameter the
server did not offer is a pre-check that fails: the transaction does not begin, unless
``force`` (then it is sent as the server would get it, said loudly, to see whether the
server enforces its own limits).
"""

from __future__ import annotations

from smtptui.smtp import commands
from smtptui.smtp.capabilities import Capabilities
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.record import record


@record(frozen=True)
class Envelope:
    """What the transaction asks for beyond the addresses."""

    force: bool = False
    tls_active: bool = False
    chunking: bool = False  # BDAT will carry the message (RFC 3030)
    requiretls: bool = False
    dsn_ret: str = ""  # FULL | HDRS
    dsn_envid: str = ""
    dsn_notify: str = ""  # NEVER, or SUCCESS,FAILURE,DELAY in any combination
    dsn_orcpt: bool = False

    @property
    def dsn(self) -> bool:
        """Whether any DSN parameter is asked for."""
        return bool(self.dsn_ret or self.dsn_envid or self.dsn_notify or self.dsn_orcpt)


@record(frozen=True)
class MailStart:
    """The MAIL command to send, or why the transaction cannot begin; notes either way."""

    line: str = ""
    kind: str = ""  # the failure kind (smtputf8, 8bit, size, ...) when it cannot begin
    error: str = ""
    notes: tuple[str, ...] = ()
    binary: bool = False  # BODY=BINARYMIME: the message goes as it is, not line by line


FORCED = "sending anyway (--force): "


def start_mail(sender: str, recipients: list[str], facts: MessageFacts | None,
               caps: Capabilities, envelope: Envelope | None = None) -> MailStart:
    """The MAIL FROM line with the parameters the message needs, if the server allows them."""
    env = envelope or Envelope()
    notes: list[str] = []

    def refused(kind: str, error: str) -> MailStart | None:
        """A failed pre-check: the refusal, or (forced) a note and None."""
        if not env.force:
            return MailStart(kind=kind, error=error + ": nothing was sent", notes=tuple(notes))
        notes.append(FORCED + error)
        return None

    utf8 = not all(commands.is_ascii(a) for a in [sender, *recipients])
    if utf8 and not caps.has("SMTPUTF8"):
        stop = refused("smtputf8", "an address is not ASCII and the server does not offer "
                       "SMTPUTF8 (RFC 6531)")
        if stop:
            return stop
        utf8 = False  # sent as it is, without the parameter the server did not offer
    if facts is not None and facts.eight_bit_headers:
        if caps.has("SMTPUTF8"):
            utf8 = True  # RFC 6531 §3.4: UTF-8 header fields need SMTPUTF8 on MAIL
        else:
            notes.append("the message has 8-bit bytes in its header, which only SMTPUTF8 "
                         "allows (RFC 6532), and the server does not offer it: it may refuse "
                         "or alter them")
    body, binary = None, False
    if facts is not None and facts.nul:
        if env.chunking and caps.has("BINARYMIME"):
            body, binary = "BINARYMIME", True
        else:
            stop = refused("binary", "the message holds NUL bytes, which only BDAT with "
                           "BINARYMIME carries (RFC 3030), and the server "
                           + ("does not offer BINARYMIME" if env.chunking else
                              "would get them through DATA (use --chunking)"))
            if stop:
                return stop
    elif facts is not None and facts.eight_bit:
        if caps.has("8BITMIME"):
            body = "8BITMIME"
        elif env.chunking and caps.has("BINARYMIME"):
            body, binary = "BINARYMIME", True
        else:
            stop = refused("8bit", "the message has 8-bit bytes and the server does not "
                           "offer 8BITMIME (RFC 6152)")
            if stop:
                return stop
    size = None
    if facts is not None and caps.has("SIZE"):
        size = facts.size  # RFC 1870: without the dots that stuffing doubles
        limit = caps.size_limit
        if limit is not None and size > limit:
            stop = refused("size", f"the message is {size} octets and the server accepts at "
                           f"most {limit} (SIZE)")
            if stop:
                return stop
    params = []
    if env.requiretls:
        if not env.tls_active or not caps.has("REQUIRETLS"):
            why = ("the session is not inside TLS" if not env.tls_active
                   else "the server does not offer REQUIRETLS")
            stop = refused("requiretls", f"REQUIRETLS asked for, but {why} (RFC 8689 §4.1)")
            if stop:
                return stop
        params.append("REQUIRETLS")
    if env.dsn and not caps.has("DSN"):
        stop = refused("dsn", "DSN parameters asked for, but the server does not offer DSN "
                       "(RFC 3461)")
        if stop:
            return stop
    if env.dsn_ret or env.dsn_envid:
        if env.dsn_ret:
            params.append(f"RET={env.dsn_ret}")
        if env.dsn_envid:
            params.append(f"ENVID={commands.xtext(env.dsn_envid)}")
    if facts is not None and facts.long_lines and not binary:
        notes.append(f"{facts.long_lines} line(s) are longer than 998 octets (RFC 5321 "
                     "§4.5.3.1.6): a server may refuse, wrap or truncate them")
    line = commands.mail_from(sender, size=size, body=body, smtputf8=utf8, extra=params)
    return MailStart(line=line, notes=tuple(notes), binary=binary)


def rcpt_line(address: str, caps: Capabilities, envelope: Envelope | None = None) -> str:
    """RCPT TO with the DSN parameters asked for (NOTIFY, ORCPT; start_mail checked that DSN
    is offered, or that the transaction was forced)."""
    del caps  # the parameters are the same for every server; kept for symmetry with MAIL
    env = envelope or Envelope()
    params = []
    if env.dsn_notify:
        params.append(f"NOTIFY={env.dsn_notify}")
    if env.dsn_orcpt:
        params.append(f"ORCPT=rfc822;{commands.xtext(address)}")
    return commands.rcpt_to(address, extra=params)

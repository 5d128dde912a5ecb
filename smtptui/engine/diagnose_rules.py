"""Reply matching for diagnoses: one refusing reply -> a diagnosis id (enhanced code first)."""

from __future__ import annotations

import re
from collections.abc import Callable

from smtptui.engine.replies import Reply

# Wording, matched case-insensitively against the reply's text (all lines).
_BLOCKLIST = re.compile(
    r"\b(dnsbl|rbl|blocked using|block ?list|black ?list|deny ?list)|spamhaus|spamcop|"
    r"barracuda|sorbs\.|uceprotect|banned sending ip|(?<!not )\blisted (at|in|on|by)\b"
)
_RATE = re.compile(
    r"rate.?limit|throttl|too many (connections|concurrent|simultaneous|sessions|messages|mails|"
    r"emails)|(connection|message|sending) rate|too fast|too frequent|"
    r"(unexpected|unusual|excessive|high) volume"
)
_GREY = re.compile(r"gr[ae]y.?list")
_LATER = re.compile(r"try again later|come back later|retry later|(retry|try again) in \d+|"
                    r"temporarily (deferred|rejected)")
_RELAY = re.compile(
    r"\brelay\w*\b.{0,40}?\b(denied|not (permitted|allowed)|prohibited|refused|forbidden)|"
    r"\b(not (permitted|allowed|authori[sz]ed)|unable|cannot|can't|do(es)? not|don't|won't) "
    r"(to )?relay\b|no relaying|allowed rcpthosts"
)
_STARTTLS = re.compile(
    r"starttls|tls (is )?required|requires? (tls|encryption|a secure)|encryption (is )?required|"
    r"secure connection required|(tls|ssl) first"
)
_AUTH_REQUIRED = re.compile(
    r"auth(entication)? (is )?required|must (first )?(authenticate|log ?in)|not authenticated|"
    r"please (authenticate|log ?in)|log ?in first|not logged in|authentication needed"
)
_AUTH_FAILED = re.compile(r"auth\w* (failed|failure|unsuccessful)|invalid (credentials|login|"
                          r"password|user)|(bad|wrong|incorrect) (password|credentials)")
_RDNS = re.compile(r"reverse (dns|hostname|lookup|address)|\bptr\b|\brdns\b|"
                   r"cannot find your (reverse )?hostname|no (reverse|ptr)")
_HELO = re.compile(r"\b(hel|ehl)o\b.{0,30}(rejected|invalid|not allowed|forged|denied)|"
                   r"(invalid|bad) (hel|ehl)o|fully.qualified (host|domain)")
_QUOTA = re.compile(r"mailbox (is )?full|over ?quota|quota (exceeded|full)|exceed\w* .{0,30}quota|"
                    r"insufficient (user )?quota|mailbox (size )?limit")
_SIZE = re.compile(r"too (big|large)|size (limit|exceed)|exceeds? .{0,30}(size|limit)|"
                   r"message (is )?too long|message size")
_SENDER = re.compile(
    r"sender (address )?(rejected|refused|denied|verify failed|not allowed|invalid)|"
    r"(from|sender) address .{0,20}(rejected|not allowed|invalid)|domain of sender|"
    r"sender domain|not owned by user|send as"
)
_UNKNOWN_USER = re.compile(
    r"user unknown|unknown (user|recipient|mailbox|address)|no such (user|mailbox|recipient|"
    r"address|account)|mailbox (is )?(unavailable|not found)|(does not|doesn't|did not) exist|"
    r"recipient (address )?rejected|invalid (recipient|mailbox|address)|(user|recipient) not "
    r"found|undeliverable address|unrouteable address|not a valid (mailbox|recipient)"
)
_BAD_DOMAIN = re.compile(r"domain (not found|does not exist|unknown)|(host|domain) unknown|"
                         r"unknown (domain|host)")
_DISABLED = re.compile(r"(mailbox|account|user) (is )?(disabled|inactive|suspended|locked)")
_CONTENT = re.compile(r"spam|unsolicited|virus|malware|phish|infected|content|"
                      r"message (rejected|refused)|"
                      r"attachment|banned|junk|suspicious")


def match_reply(stage: str, reply: Reply) -> str | None:
    """The diagnosis id for one reply: enhanced code first, then basic code and wording."""
    if reply.code < 400:
        return None
    code = reply.code
    sd = reply.enhanced.split(".", 1)[1] if reply.enhanced else None  # "7.1" of "5.7.1"
    subject = sd.split(".")[0] if sd else None
    text = " ".join(reply.lines).lower()

    def loose(*subjects: str) -> bool:
        """Wording may decide when the enhanced code is absent, undefined or of these subjects."""
        return sd is None or sd == "0.0" or subject in subjects

    if _BLOCKLIST.search(text):
        return "blocklisted"
    if sd == "7.28" or _RATE.search(text):
        return "rate-limited"
    if reply.transient and _GREY.search(text):
        return "greylisted"
    if stage == "starttls":
        return "starttls-refused"
    if stage == "banner":
        if reply.permanent:
            return "connection-rejected"
        return "service-unavailable" if code == 421 else "greeting-deferred"
    if sd == "7.30":
        return "requiretls"
    if sd in ("7.10", "7.11") or code == 538 or (_STARTTLS.search(text) and loose("7", "5")):
        return "tls-required"
    found = _auth(stage, code, sd, text)
    if found:
        return found
    if _RELAY.search(text) and loose("7"):
        return "relay-denied"
    if code == 530 or (_AUTH_REQUIRED.search(text) and loose("7", "5")):
        return "auth-required"
    return _sender_checks(sd, text, loose) or _rest(stage, reply, sd, subject, text, loose)


def _auth(stage: str, code: int, sd: str | None, text: str) -> str | None:
    if code == 535 or sd == "7.8":
        return "auth-failed"
    if code == 534 or sd == "7.9":
        return "auth-too-weak"
    if code == 432 or sd == "7.12":
        return "password-transition"
    if sd == "7.13" or (stage == "auth" and _DISABLED.search(text)):
        return "account-disabled"
    if stage != "auth":
        return None
    if 400 <= code < 500:
        return "auth-temporary"
    if code == 504 or sd == "5.4" or "mechanism" in text:
        return "auth-mech-unsupported"
    if code in (500, 502, 503):
        return "auth-not-offered"
    return "auth-failed" if _AUTH_FAILED.search(text) or code == 550 else None


def _sender_checks(sd: str | None, text: str, loose: Callable[..., bool]) -> str | None:
    if re.search(r"\bdmarc\b", text) and loose("7"):
        return "dmarc-failed"
    if sd in ("7.23", "7.24") or (re.search(r"\bspf\b", text) and loose("7")):
        return "spf-failed"
    if sd in ("7.20", "7.21", "7.22") or (re.search(r"\bdkim\b", text) and loose("7")):
        return "dkim-failed"
    if sd == "7.26":
        return "sender-authentication-failed"
    if sd == "7.25" or (_RDNS.search(text) and loose("7")):
        return "reverse-dns-failed"
    return {"7.27": "sender-null-mx", "7.29": "arc-failed"}.get(sd or "")


def _rest(stage: str, reply: Reply, sd: str | None, subject: str | None, text: str,
          loose: Callable[..., bool]) -> str | None:
    code = reply.code
    if _HELO.search(text):
        return "helo-rejected"
    if sd == "2.2" or (_QUOTA.search(text) and loose("2", "3")):
        return "mailbox-full"
    if (sd in ("3.4", "2.3", "7.16") or (_SIZE.search(text) and loose("2", "3", "5"))
            or (code == 552 and sd is None and stage in ("mail", "data", "dot"))):
        return "message-too-large"
    if sd == "3.1" or (code == 452 and "storage" in text and loose("3")):
        return "server-storage-full"
    if sd == "5.3" or "too many recipients" in text:
        return "too-many-recipients"
    if sd in ("6.7", "6.8", "6.9", "6.10"):
        return "smtputf8-unsupported"
    if sd == "2.1" or (_DISABLED.search(text) and loose("2")):
        return "mailbox-disabled"
    if code in (450, 451) and stage in ("mail", "rcpt", "data", "dot") and (
            subject == "7" or (sd is None and _LATER.search(text))):
        return "greylisted"
    by_enhanced = {"1.10": "recipient-null-mx", "1.1": "unknown-recipient",
                   "1.2": "bad-recipient-domain", "1.6": "mailbox-moved",
                   "1.3": "bad-address-syntax", "1.7": "sender-rejected",
                   "1.8": "sender-rejected"}.get(sd or "")
    if by_enhanced:
        return by_enhanced
    if stage == "rcpt" and sd == "4.1" and reply.permanent:
        return "unknown-recipient"  # Exchange Online: "550 5.4.1 Recipient address rejected"
    if code == 556:
        return "recipient-null-mx"
    if code == 551:
        return "user-not-local"
    if _SENDER.search(text) and loose("1", "7"):
        return "sender-rejected"
    if stage == "rcpt" and reply.permanent and loose("1", "2"):
        if _UNKNOWN_USER.search(text):
            return "unknown-recipient"
        if _BAD_DOMAIN.search(text):
            return "bad-recipient-domain"
    if stage == "mail" and code in (550, 553, 554):
        return "sender-rejected"
    if stage in ("mail", "rcpt") and code == 501:
        return "bad-address-syntax"
    if stage in ("data", "dot") and reply.permanent and _CONTENT.search(text):
        return "content-rejected"
    return _protocol(stage, code, sd, subject)


def _protocol(stage: str, code: int, sd: str | None, subject: str | None) -> str | None:
    if stage == "ehlo" and code in (500, 502):
        return "ehlo-unsupported"
    if code == 503:
        return "bad-sequence"
    if code in (455, 555) or (stage in ("mail", "rcpt") and (code == 504 or sd == "5.4")):
        return "parameter-unsupported"
    if code in (500, 502):
        return "command-unrecognised"
    if code == 421:
        return "service-unavailable"
    if sd in ("3.2", "4.5") and code < 500:  # "system not accepting messages", congestion
        return "service-busy"
    if subject == "7" and code >= 500:
        return "policy-rejected"
    return None

"""Reply matching for diagnoses: one refusing reply -> a diagnosis id (the reply's words first)."""

from __future__ import annotations

import re
from collections.abc import Callable

from smtptui.smtp.replies import Reply

# Wording, matched case-insensitively against the reply's text (all lines), with word
# boundaries so that "rated as spam" is not a "message rate".

# A link or domain in the message on a list (Spamhaus DBL, SURBL, URIBL): the content, not you.
_LISTED_CONTENT = re.compile(
    r"\b(url|uri|link|web ?site)s?\b.{0,40}\b(listed|blocked|black ?listed|block ?listed)\b|"
    r"\b(dbl|surbl|uribl)\b"
)
# The sender address or domain on the server's (or the recipient's) own list: not your IP.
_SENDER_BLOCKED = re.compile(
    r"\b(sender|from)( email)?( address| domain)?( is)? (black|block|deny|ban)(list)?(ed)?\b|"
    r"\b(black|block|deny) ?listed (sender|from)\b|\bblocked the sender\b|"
    r"\brecipient'?s? (personal )?(block|black) ?list\b"
)
# Your IP (or its network) on a block list; a list of IP addresses may be named alone (a
# product name such as "Barracuda" may not: its content filter is not a list).
_BLOCKLIST = re.compile(
    r"\b(dnsbl|rbl)\b|\bblocked using\b|\bblock ?list|\bblack ?list|\bdeny ?list|"
    r"\bbanned sending ip\b|(?<!not )(?<!n't )(?<!never )\blisted (at|in|on|by)\b"
    r"(?! the (directory|address))|\bspamhaus\b|\bspamcop\b|\bsorbs\b|\buceprotect\b|"
    r"barracudacentral|barracuda reputation"
)
_NO_RETRY = re.compile(r"retrying will not|will not succeed|\b(do not|don't) retry\b|"
                       r"permanently (deferred|blocked|rejected)")
_RATE = re.compile(
    r"\brate.?limit|\bthrottl|\btoo many (connections|concurrent|simultaneous|sessions|"
    r"messages|mails|emails)\b|"
    r"\btoo (many|much) (\w+ )?(mail|e-?mails?|messages|recipients|rcpts?|connections|"
    r"sessions) from\b|"
    r"\b(connection|message|sending) rate\b|\btoo fast\b|\btoo frequent|"
    r"\b(unexpected|unusual|excessive|high) (volume|rate)\b"
)
_RECIPIENT_RATE = re.compile(
    r"\breceiving (mail|messages|email) at a rate\b|\bmailbox rate limit|"
    r"\b(recipient|user|mailbox) (is )?receiving too (much|many)\b"
)
_SEND_QUOTA = re.compile(
    r"\b(daily|hourly)\b.{0,30}\b(limit|quota)\b|\bsending (limit|quota)s?\b|"
    r"\bmessage (limit|quota) (exceeded|reached)\b"
)
_MAILBOX_TOO_MANY = re.compile(r"\btoo many messages in (the |this |your )?mailbox\b")
_UNAUTHENTICATED = re.compile(r"\bunauthenticated\b|\bnot authenticated\b")
_GREY = re.compile(r"\bgr[ae]y.?list")
_LATER = re.compile(r"\b(try again|come back|retry|try) later\b|\b(retry|try again) in \d+|"
                    r"temporarily (deferred|rejected)")
_SERVER_FAULT = re.compile(r"\blocal (problem|error)\b|\binternal (error|problem)\b")
_TEMP_ERROR = re.compile(r"\btemp(orary)? ?error\b|\btemperror\b|\btime.?out\b|"
                         r"\bdns\b.{0,20}\b(fail\w*|error)\b")
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
    r"sender (address )?(rejected|refused|denied|verify failed|not allowed|not permitted|"
    r"invalid)|(from|sender) address .{0,20}(rejected|not allowed|invalid)|domain of sender|"
    r"sender domain|not owned by user|send as"
)
# Amazon SES and the like: the sending identity is not verified in the sender's account.
_SENDER_UNVERIFIED = re.compile(
    r"\b(email address|identit(y|ies)|sender( address)?|domain) (is |are )?not verified\b|"
    r"\bidentities failed the check\b"
)
_ADDRESS_WORDS = re.compile(r"\b(sender|address|from|domain|mailbox)\b")
_UNKNOWN_USER = re.compile(
    r"user unknown|unknown (user|recipient|mailbox|address)|no such (user|mailbox|recipient|"
    r"address|account)|mailbox (is )?(unavailable|not found)|(does not|doesn't|did not) exist|"
    r"recipient (address )?rejected|invalid (recipient|mailbox|address)|(user|recipient) not "
    r"found|undeliverable address|unrouteable address|not a valid (mailbox|recipient)|"
    r"(does not|doesn't) have an? (\S+ )?account|(is not|isn't) listed in the directory"
)
_BAD_DOMAIN = re.compile(r"domain (not found|does not exist|unknown)|(host|domain) unknown|"
                         r"unknown (domain|host)")
_DISABLED = re.compile(r"(mailbox|account|user) (is )?(disabled|inactive|suspended|locked)")
_CONTENT = re.compile(r"spam|unsolicited|virus|malware|phish|infected|content|"
                      r"attachment|junk|suspicious")
# RFC 5321 §3.4: "551 User not local; please try <forward-path>". Only a plain address is
# taken (no braces, quotes or control characters), so it can go into a diagnosis safely.
_FORWARD = re.compile(r"\b(?:please try|try|forward(?:ed|ing)? to)\s*<([A-Za-z0-9.!#$%&'*+/=?^_`"
                      r"~-]{1,64}@[A-Za-z0-9.-]{1,253})>", re.IGNORECASE)

#: Diagnoses whose words say the condition is permanent, and what a 4xx gets instead.
_TEMPORARY_FORM = {
    "unknown-recipient": "recipient-deferred",
    "bad-recipient-domain": "recipient-deferred",
    "recipient-null-mx": "recipient-deferred",
    "mailbox-disabled": "mailbox-deferred",
    "content-rejected": "content-deferred",
    "volume-blocked": "rate-limited",
}


def forward_address(reply: Reply) -> str | None:
    """The address a 551 (or X.1.6) reply says to try instead (RFC 5321 §3.4), if it names one."""
    match = _FORWARD.search(" ".join(reply.lines))
    return match.group(1) if match else None


def match_reply(stage: str, reply: Reply) -> str | None:
    """The diagnosis id for one reply; a 4xx never gets a diagnosis that says "permanent"."""
    found = _match(stage, reply)
    if found is not None and reply.transient:
        return _TEMPORARY_FORM.get(found, found)
    return found


def _match(stage: str, reply: Reply) -> str | None:
    if reply.code < 400:
        return None
    code = reply.code
    sd = reply.enhanced.split(".", 1)[1] if reply.enhanced else None  # "7.1" of "5.7.1"
    subject = sd.split(".")[0] if sd else None
    text = " ".join(reply.lines).lower()

    def loose(*subjects: str) -> bool:
        """Wording may decide when the enhanced code is absent, undefined or of these subjects."""
        return sd is None or sd == "0.0" or subject in subjects

    found = _listing(stage, text)
    if found:
        return found
    if code == 421 and _NO_RETRY.search(text):
        return "connection-rejected"  # "Retrying will NOT succeed": not a "try later"
    found = _rate(reply, sd, text)
    if found:
        return found
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
    found = _auth(stage, code, sd, text) or _sender_checks(reply, sd, text, loose)
    if found:
        return found
    if _RELAY.search(text) and loose("7"):
        return "relay-denied"
    if code == 530 or (_AUTH_REQUIRED.search(text) and loose("7", "5")):
        return "auth-required"
    return _rest(stage, reply, sd, subject, text, loose)


def _listing(stage: str, text: str) -> str | None:
    """A list the reply names: a link in the message, the sender address, or your IP."""
    if _LISTED_CONTENT.search(text):
        return "content-rejected" if stage in ("data", "dot") else None
    if _SENDER_BLOCKED.search(text):
        return "sender-blocked"
    return "blocklisted" if _BLOCKLIST.search(text) else None


def _rate(reply: Reply, sd: str | None, text: str) -> str | None:
    """Limits on volume, with the reply's own subject first: a recipient's, an account's, yours."""
    if _RECIPIENT_RATE.search(text):
        return "recipient-rate-limited"
    if _SEND_QUOTA.search(text):
        return "sending-quota-exceeded"
    if sd == "2.2" or _MAILBOX_TOO_MANY.search(text):
        return None  # the mailbox is full, whatever else the text says
    if sd == "7.26" or _UNAUTHENTICATED.search(text):
        return None  # "rate limited because it is unauthenticated": authentication decides
    if sd != "7.28" and not _RATE.search(text):
        return None
    return "rate-limited" if reply.transient else "volume-blocked"


def _auth(stage: str, code: int, sd: str | None, text: str) -> str | None:
    """AUTH replies: 535, 534, 432 and X.7.8/9/12/13 answer AUTH only (RFC 4954 §6)."""
    if stage != "auth":
        return None
    if code == 535 or sd == "7.8":
        return "auth-failed"
    if code == 534 or sd == "7.9":
        return "auth-too-weak"
    if code == 432 or sd == "7.12":
        return "password-transition"
    if sd == "7.13" or _DISABLED.search(text):
        return "account-disabled"
    if 400 <= code < 500:
        return "auth-temporary"
    if code == 504 or sd == "5.4" or "mechanism" in text:
        return "auth-mech-unsupported"
    if code in (500, 502, 503):
        return "auth-not-offered"
    return "auth-failed" if _AUTH_FAILED.search(text) or code == 550 else None


def _sender_checks(reply: Reply, sd: str | None, text: str,
                   loose: Callable[..., bool]) -> str | None:
    spf = re.search(r"\bspf\b", text)
    dkim = re.search(r"\bdkim\b", text)
    if re.search(r"\bdmarc\b", text) and loose("7"):
        return "dmarc-failed"
    if sd == "7.26" or (loose("7") and ((spf and dkim) or
                                        (_UNAUTHENTICATED.search(text) and (spf or dkim)))):
        return "sender-authentication-failed"  # more than one check failed (RFC 7372 §3.3)
    if sd in ("7.23", "7.24") or (spf and loose("7")):
        if reply.transient and (sd == "7.24" or _TEMP_ERROR.search(text)):
            return "spf-temporary"
        return "spf-failed"
    if sd in ("7.20", "7.21", "7.22") or (dkim and loose("7")):
        return "dkim-failed"
    if sd == "7.25" or (_RDNS.search(text) and loose("7")):
        return "reverse-dns-failed"
    return {"7.27": "sender-null-mx", "7.29": "arc-failed"}.get(sd or "")


def _rest(stage: str, reply: Reply, sd: str | None, subject: str | None, text: str,
          loose: Callable[..., bool]) -> str | None:
    code = reply.code
    if _HELO.search(text):
        return "helo-rejected"
    if sd == "2.2" or ((_QUOTA.search(text) or _MAILBOX_TOO_MANY.search(text))
                       and loose("2", "3")):
        return "mailbox-full"
    if (sd in ("3.4", "2.3", "7.16") or (_SIZE.search(text) and loose("2", "3", "5"))
            or (code == 552 and sd is None and stage in ("mail", "data", "dot"))):
        return "message-too-large"
    if sd == "3.1" or (code == 452 and re.search(r"storage|disk space", text)
                       and loose("3", "4")):
        return "server-storage-full"
    if sd == "5.3" or "too many recipients" in text:
        return "too-many-recipients"
    if sd in ("6.7", "6.8", "6.9", "6.10"):
        return "smtputf8-unsupported"
    if (sd == "2.1" or (_DISABLED.search(text) and loose("2"))
            or (sd == "7.13" and stage == "rcpt")):
        return "mailbox-disabled"
    if reply.permanent and _SENDER_UNVERIFIED.search(text):
        return "sender-identity-unverified"
    if stage in ("data", "dot") and _CONTENT.search(text):
        return "content-rejected"  # a 4xx becomes content-deferred
    if code in (450, 451) and stage in ("mail", "rcpt", "data", "dot") and (
            subject == "7" or (sd is None and _LATER.search(text)
                               and not _SERVER_FAULT.search(text))):
        return "policy-deferred"
    return _addresses(stage, reply, sd, text, loose) or _protocol(stage, code, sd, subject)


def _addresses(stage: str, reply: Reply, sd: str | None, text: str,
               loose: Callable[..., bool]) -> str | None:
    code = reply.code
    if (sd == "1.6" or code == 551) and forward_address(reply):
        return "recipient-redirected"
    if sd == "1.10" and "null mx" not in text and _UNKNOWN_USER.search(text):
        return "unknown-recipient"  # Microsoft 365: "5.1.10 ... Recipient not found"
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
    if stage == "rcpt" and loose("1", "2"):
        if _UNKNOWN_USER.search(text):
            return "unknown-recipient"  # a 4xx becomes recipient-deferred
        if _BAD_DOMAIN.search(text):
            return "bad-recipient-domain"
    if stage == "mail" and code in (550, 553, 554) and _ADDRESS_WORDS.search(text):
        return "sender-rejected"
    if stage in ("mail", "rcpt") and code == 501:
        return "bad-address-syntax"
    return None


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

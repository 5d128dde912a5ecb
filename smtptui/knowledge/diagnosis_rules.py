"""Reply matching for diagnoses: one refusing reply -> a diagnosis id, how sure, whose fault.

The reply's own words come first, then its enhanced code (wherever the vendor wrote it), then
the basic code. Words are matched case-insensitively with word boundaries, in the reply's
prose: links are taken out (a link's path is no sentence) and so are addresses (a rule
looking for "recipient not found" finds it in "Recipient bob@example.org not found"). A few
rules look at the links on purpose: a block list's or a reputation service's look-up page
names what the reply is about.

`match(stage, reply, context)` returns a `Match`: the diagnosis id, the confidence
("decided": the codes and words settle it; "likely": the best reading, the words do not say
it outright; "unknown": the reply does not tell, the diagnosis names the likely causes) and
the side at fault when it differs from the id's usual side (diagnosis_texts.FAULTS).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from smtptui.knowledge import reply_wordings as w
from smtptui.knowledge.codes import find_enhanced
from smtptui.smtp.record import record
from smtptui.smtp.replies import Reply

DECIDED, LIKELY, UNKNOWN = "decided", "likely", "unknown"


@record(frozen=True)
class Match:
    """One reading of a reply: its diagnosis id, how sure it is, and whose fault (or "")."""

    code: str
    confidence: str = DECIDED
    fault: str = ""
    variant: str = ""  # another text for the same diagnosis (diagnosis_faults.VARIANTS)


@record(frozen=True)
class Context:
    """What the session knew when the reply came: what came before and what was sent."""

    refused_before: int = 0  # refusals (4xx, 5xx) earlier in the session
    direct: bool = False  # talking to the recipient domain's own MX (direct mode)
    authenticated: bool = False  # AUTH succeeded in this session
    protocol: str = "esmtp"  # esmtp, smtp (HELO only) or lmtp
    long_lines: int = 0  # lines of the message over 998 octets
    message_size: int | None = None  # octets, as SIZE= declares it; None: not known
    size_limit: int | None = None  # the EHLO reply's SIZE, in octets


NO_CONTEXT = Context()

# -- the reply in words ----------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)\S+", re.IGNORECASE)
_ADDRESS = re.compile(r"<[^<>\s]*>|\b[\w.!#$%&'*+/=?^`{|}~-]+@[\w.-]+\b|"
                      r"\[[^\[\]\s]*[.:][^\[\]\s]*\]")  # [tags] such as [TSS04] stay words
#: An enhanced status code wherever it stands ("5.7.1", "#5.7.1", "(#5.7.1)"): no prose.
_ENHANCED_TOKEN = re.compile(r"\(?#?(?<![\d.])[245]\.\d{1,3}\.\d{1,3}(?![\d]|\.\d)\)?:?")
_IP = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b|\b[xa-d*](?:\.[xa-d*]){3}\b|\*{4,}")
_SPACE = re.compile(r"\s+")


@record(frozen=True)
class Reading:
    """One reply as the rules read it: its codes, its whole text and its prose."""

    stage: str
    code: int
    enhanced: str | None  # "5.7.1", wherever the reply put it
    sd: str | None  # "7.1": subject and detail of the enhanced code
    subject: str | None  # "7"
    text: str  # every line, lower case, links and addresses kept
    prose: str  # the same without links; addresses and IP addresses as "<>"

    @property
    def transient(self) -> bool:
        return 400 <= self.code < 500

    @property
    def permanent(self) -> bool:
        return self.code >= 500

    def loose(self, *subjects: str) -> bool:
        """Wording may decide when the enhanced code is absent, undefined or of these subjects."""
        return self.sd is None or self.sd in ("0.0", "5.0") or self.subject in subjects

    def says(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.prose) is not None

    def links(self, pattern: re.Pattern[str]) -> bool:
        return pattern.search(self.text) is not None


def read(stage: str, reply: Reply) -> Reading:
    """The reply as the rules read it."""
    joined = _SPACE.sub(" ", " ".join(reply.lines)).strip()
    found = find_enhanced(reply)
    enhanced = found[0] if found else None
    sd = enhanced.split(".", 1)[1] if enhanced else None
    prose = _URL.sub(" ", joined)
    prose = _ENHANCED_TOKEN.sub(" ", prose)
    prose = _ADDRESS.sub(" <> ", prose)
    prose = _IP.sub(" <> ", prose)
    prose = _SPACE.sub(" ", prose).lower().strip()
    return Reading(stage, reply.code, enhanced, sd, sd.split(".")[0] if sd else None,
                   joined.lower(), prose)


#: Diagnoses whose words say the condition is permanent, and what a 4xx gets instead.
TEMPORARY_FORM = {
    "unknown-recipient": "recipient-deferred",
    "bad-recipient-domain": "recipient-deferred",
    "recipient-null-mx": "recipient-deferred",
    "mailbox-disabled": "mailbox-deferred",
    "content-rejected": "content-deferred",
    "volume-blocked": "rate-limited",
    "reputation-blocked": "reputation-deferred",
}
#: ... and the other way round: a 5xx is never told "this is only for now".
PERMANENT_FORM = {"reputation-deferred": "reputation-blocked", "rate-limited": "volume-blocked"}


def forward_address(reply: Reply) -> str | None:
    """The address a 551 (or X.1.6) reply says to try instead (RFC 5321 §3.4), if it names one."""
    found = w.FORWARD.search(" ".join(reply.lines))
    return found.group(1) if found else None


def size_in_reply(reply: Reply) -> int | None:
    """A size limit the reply gives in octets ("exceeds ... maximum message size (10485760)")."""
    for number in w.NUMBER.findall(" ".join(reply.lines)):
        value = int(number)
        if 10_000 <= value <= 10**11:
            return value
    return None


def match_reply(stage: str, reply: Reply, context: Context = NO_CONTEXT) -> Match | None:
    """The diagnosis of one refusing reply at ``stage``; a 4xx is never told it is permanent,
    a 5xx never that it is only for now. None for a reply that refuses nothing."""
    if reply.code < 400:
        return None
    found = _match(read(stage, reply), reply, context)
    if found is None:
        return None
    if reply.transient and found.code in TEMPORARY_FORM:
        return Match(TEMPORARY_FORM[found.code], found.confidence, found.fault)
    if reply.permanent and found.code in PERMANENT_FORM:
        return Match(PERMANENT_FORM[found.code], found.confidence, found.fault)
    return found


def _match(r: Reading, reply: Reply, context: Context) -> Match | None:
    for rule in _RULES:
        found = rule(r, reply, context)
        if found is not None:
            return found
    return None


# -- the rules, in order -------------------------------------------------------------------------


def _wrong_protocol(r: Reading, reply: Reply, context: Context) -> Match | None:
    """LMTP spoken to an SMTP server, or SMTP to an LMTP one (RFC 2033: LHLO, not EHLO)."""
    if r.stage not in ("banner", "ehlo", "helo"):
        return None
    if context.protocol != "lmtp" and r.says(w.LMTP_HINT):
        return Match("lmtp-server", DECIDED if r.stage != "banner" else LIKELY)
    if context.protocol == "lmtp" and r.stage == "ehlo" and (
            r.says(w.SMTP_HINT) or r.code in (500, 502)):
        return Match("not-lmtp", DECIDED if r.says(w.SMTP_HINT) else LIKELY)
    return None


def _lists(r: Reading, reply: Reply, context: Context) -> Match | None:
    """A block list the reply names: broken at the receiver, the sender's address on it, a
    link of the message, or your IP (its reputation: the next rule)."""
    if r.says(w.LOOKUP_BROKEN) or r.links(w.LOOKUP_BROKEN_LINK):
        sure = r.says(w.words(r"\bblocked using\b")) and (r.says(w.words(
            r"\bopen resolver\b", r"\bpublic resolver\b")) or r.links(w.LOOKUP_BROKEN_LINK))
        return Match("blocklist-lookup-broken", DECIDED if sure else LIKELY)
    if r.says(w.SENDER_VERIFY) or (r.says(w.words(r"\bverification failed for\b")) and (
            r.stage == "mail" or r.says(w.words(r"\bsender\b")))):
        return Match("sender-verify-failed")  # the callout's answer may name a list: not yours
    if r.says(w.SENDER_BLOCKED):
        domain = re.search(r"\bdomain\b", r.prose) is not None
        return Match("sender-blocked", DECIDED, "sender-domain" if domain else "")
    if r.says(w.LISTED_CONTENT):
        if r.stage in ("data", "dot"):
            return Match("content-rejected")
        return None
    if r.says(w.words(r"\bdbl\b", r"\bdomain block ?list\b")):  # a list of domains, never an IP
        if r.stage in ("data", "dot"):
            return Match("content-rejected", LIKELY)  # a domain in the message, most often
        return Match("sender-blocked", LIKELY, "sender-domain")
    if r.says(w.BLOCKLIST):
        named = r.says(w.words(r"\bblocked using\b", r"\blisted (at|in|on|by)\b",
                              r"\b(dnsbl|rbl)\b", r"\bblock ?list(ed)?\b", r"\bblack ?list",
                              r"\bbanned sending ip\b", r"\bis (in|on) \S+ list\b",
                              r"\bblocked (for|because|due)\b"))
        unsure = r.says(w.SPAMHAUS_ZONE) and not _URL.search(r.text)
        return Match("blocklisted", DECIDED if named and not unsure else LIKELY)
    return None


def _reputation(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The sending IP's (or domain's) reputation at the receiver: all its mail deferred or
    refused, whatever the message."""
    if r.sd == "7.28":
        return None  # mail flood detected: a rate (next rules)
    about_content = r.stage in ("data", "dot") and r.says(
        w.words(r"\bthis message\b", r"\bthe message\b", r"\bcontent\b", r"\blinks?\b"))
    fault = "sender-domain" if r.says(w.words(
        r"\bdomain('s)? reputation\b", r"\breputation of (the |your )?(sending |sender('s)? )?"
        r"domain\b")) else ""
    code = "reputation-deferred" if r.transient else "reputation-blocked"
    owned = r.says(w.words(r"\b(ip|sender|sending|domain)('s)? reputation\b",
                          r"\breputation of (the |your |this )?(sending |sender('s)? )?(ip|"
                          r"domain|server|mta|sender)\b", r"\bsending mta's poor reputation\b"))
    if r.says(w.REPUTATION) and (owned or not about_content):
        sure = r.says(w.words(r"\b(ip|sender|sending|domain)('s)? reputation\b",
                             r"\breputation of\b", r"\bpoor reputation\b",
                             r"\bdue to (ip )?reputation\b", r"\bbad reputation\b"))
        return Match(code, DECIDED if sure else LIKELY, fault)
    if r.links(w.LIST_LINK) and not about_content:
        return Match("blocklisted", LIKELY)  # a list's look-up page: your IP on that list
    if r.says(w.FROM_IP_REFUSED) or (r.says(w.BLOCKED_SEE) and r.links(w.IP_LINK)) or (
            r.permanent and r.says(w.NO_RETRY) and r.stage in ("banner", "ehlo", "mail")) or (
            r.links(w.REPUTATION_LINK) and r.says(w.words(r"\bblocked\b", r"\bdeferred\b"))):
        return Match(code, LIKELY, fault)
    return None


def _limits(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Connection, error, login and volume limits, with the reply's own subject first."""
    if r.code == 421 and r.says(w.NO_RETRY):
        return Match("connection-rejected", LIKELY, "sender-ip")
    if r.says(w.ERRORS):
        return Match("too-many-errors")
    if r.says(w.LOGIN_RATE):
        return Match("login-rate-limited")
    if r.says(w.CONNECTIONS):
        per_account = context.authenticated or r.says(w.words(r"\b(mailbox|account|user)\b"))
        return Match("too-many-connections", DECIDED, "sender-account" if per_account else "")
    if r.says(w.RECIPIENT_RATE):
        return Match("recipient-rate-limited")
    if r.says(w.SEND_QUOTA):
        return Match("sending-quota-exceeded")
    if r.sd == "2.2" or r.says(w.MAILBOX_TOO_MANY):
        return None  # the mailbox is full, whatever else the text says
    if r.sd == "7.26" or r.says(w.UNAUTHENTICATED):
        return None  # "rate limited because it is unauthenticated": authentication decides
    if r.sd == "7.28" or r.says(w.RATE):
        return Match("rate-limited" if r.transient else "volume-blocked")
    if r.code == 421 and context.refused_before >= 3 and not r.says(w.BUSY):
        # A 421 that gives no reason after a run of refusals: most likely the error limit.
        return Match("too-many-errors", LIKELY)
    return None


def _greylisting(r: Reading, reply: Reply, context: Context) -> Match | None:
    return Match("greylisted") if r.transient and r.says(w.GREY) else None


def _greeting_words(r: Reading, reply: Reply, context: Context) -> Match | None:
    """What any step's reply may say about the connection itself: out of step, the HELO name,
    reverse DNS, a busy or broken server."""
    if r.says(w.SYNC):
        return Match("protocol-error", DECIDED, "client")
    if r.says(w.HELO):
        return Match("helo-rejected")
    if r.says(w.RDNS) and r.loose("7", "1"):
        both = r.says(w.words(r"\bauthentication\b", r"\bspf\b", r"\bdkim\b"))
        return Match("reverse-dns-failed", LIKELY if both else DECIDED)
    if r.says(w.SERVER_WAITED):
        return Match("server-timed-out", LIKELY)
    if r.code == 421 and r.says(w.SERVER_FAULT) and r.says(w.words(r"\bconfiguration\b")):
        return Match("service-unavailable", DECIDED, "receiver")
    if r.stage == "banner" and r.says(w.BUSY) and r.transient:
        return Match("service-busy", LIKELY)
    return None


def _steps(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Replies whose step decides their meaning: STARTTLS, the greeting, EHLO."""
    if r.code == 521:
        return Match("no-mail-host")  # RFC 7504: this host never accepts mail
    if r.stage == "starttls":
        if r.code == 503 or r.says(w.words(r"\balready (running |using |in |active)",
                                          r"\btls (is )?already\b")):
            return Match("bad-sequence")
        return Match("starttls-refused", DECIDED if r.transient else LIKELY)
    if r.stage == "banner":
        if r.permanent:
            return Match("connection-rejected", LIKELY if r.says(
                w.words(r"\bpolicy\b", r"\byou\b", r"\bip\b", r"\bclient\b", r"\bhost\b",
                       r"\baccess\b", r"\breject")) else UNKNOWN,
                "sender-ip" if r.links(w.IP_LINK) else "")
        if r.code == 421:
            return Match("service-unavailable", LIKELY)
        return Match("greeting-deferred", UNKNOWN)
    if r.stage == "ehlo" and r.code in (500, 502) and not r.says(w.HELO):
        return Match("ehlo-unsupported", LIKELY)
    if r.stage in ("ehlo", "helo") and r.permanent and r.code not in (500, 501, 502, 503, 504):
        return Match("connection-rejected", LIKELY, "sender-ip" if r.links(w.IP_LINK) else "")
    if r.stage in ("ehlo", "helo") and r.code == 501:
        return Match("helo-rejected", LIKELY)
    return None


def _tls_and_auth(r: Reading, reply: Reply, context: Context) -> Match | None:
    if r.says(w.BASIC_AUTH_OFF):
        return Match("basic-auth-disabled")
    if r.sd == "7.30":
        return Match("requiretls")
    if r.sd in ("7.10", "7.11") or r.code == 538 or (r.says(w.STARTTLS) and r.loose("7", "5")):
        return Match("tls-required")
    return _auth(r) if r.stage == "auth" else None


def _auth(r: Reading) -> Match | None:
    """AUTH replies: 535, 534, 432 and X.7.8/9/12/13 answer AUTH only (RFC 4954 §6)."""
    code, sd = r.code, r.sd
    if r.says(w.BASIC_AUTH_OFF):
        return Match("basic-auth-disabled")
    if r.says(w.LOGIN_RATE):
        return Match("login-rate-limited")
    if sd == "7.13" or r.says(w.DISABLED):
        return Match("account-disabled")
    if code == 534 or sd in ("7.9", "7.14") or r.says(w.APP_PASSWORD):
        return Match("auth-too-weak", DECIDED if code == 534 and sd in (None, "7.9") and
                     not r.says(w.APP_PASSWORD) else LIKELY)
    if code == 535 or sd == "7.8":
        sure = sd == "7.8" or r.says(w.words(r"\bpassword\b", r"\bcredentials\b",
                                            r"\busername\b", r"\buser name\b",
                                            r"\bauthentication data\b"))
        return Match("auth-failed", DECIDED if sure else LIKELY)
    if code == 432 or sd == "7.12":
        return Match("password-transition")
    if 400 <= code < 500:
        return Match("auth-temporary", LIKELY)
    if code == 504 or sd == "5.4" or "mechanism" in r.prose:
        return Match("auth-mech-unsupported")
    if code in (500, 502, 503):
        return Match("auth-not-offered", LIKELY)
    if r.says(w.AUTH_FAILED) or code == 550:
        return Match("auth-failed", LIKELY)
    return None


def _sender(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The sender domain's authentication (SPF, DKIM, DMARC), its DNS, its identity."""
    prose = w.PASSED.sub(" ", r.prose)
    spf = w.SPF.search(prose) is not None
    dkim = re.search(r"\bdkim\b", prose) is not None
    if r.says(w.words(r"\bauthentication (level|requirements?)\b")) and r.loose("7"):
        return Match("sender-authentication-failed")  # Microsoft 5.7.515: SPF, DKIM and DMARC
    if re.search(r"\bdmarc\b", prose) and (r.loose("7", "1") or re.search(
            r"\bdmarc\b.{0,20}\b(fail|reject|policy|check)|\b(due to|per|by) dmarc\b", prose)):
        return Match("dmarc-failed")
    if spf and not dkim and r.says(w.SPF_FAIL) and not re.search(r"\bdmarc\b", prose):
        if r.transient and (r.sd == "7.24" or r.says(w.TEMP_ERROR)):
            return Match("spf-temporary")
        return Match("spf-failed")  # Gmail writes SPF's own failure with X.7.26 too
    if r.sd == "7.26" or (r.loose("7") and ((spf and dkim) or (
            r.says(w.UNAUTHENTICATED) and (spf or dkim)))):
        return Match("sender-authentication-failed")  # more than one check (RFC 7372 §3.3)
    if r.sd in ("7.23", "7.24") or (spf and r.says(w.SPF_FAIL)):
        if r.transient and (r.sd == "7.24" or r.says(w.TEMP_ERROR)):
            return Match("spf-temporary")
        return Match("spf-failed")
    if r.sd in ("7.20", "7.21", "7.22") or (dkim and r.loose("7")):
        return Match("dkim-failed")
    if r.sd == "7.25":
        return Match("reverse-dns-failed")
    if r.sd == "7.27":
        return Match("sender-null-mx")
    if r.sd == "7.29":
        return Match("arc-failed")
    if r.stage in ("data", "dot") and r.says(w.SENDER_AUTH) and r.loose("7"):
        return Match("sender-authentication-failed")
    if r.says(w.SENDER_UNVERIFIED):
        return Match("sender-identity-unverified")
    return None


def _access(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Relaying and logging in: what the sending account may do here."""
    explicit = r.says(w.words(r"\brelay\w*\b", r"\brcpthosts\b"))
    if r.says(w.RELAY) and (r.loose("7", "0") or explicit):
        if context.direct:  # the recipient domain's own MX does not take mail for it
            return Match("relay-denied", LIKELY, "receiver")
        return Match("relay-denied", DECIDED if explicit else LIKELY)
    if r.code == 530 or (r.says(w.AUTH_REQUIRED) and r.loose("7", "5")
                         and not (r.stage in ("data", "dot") and r.says(w.CONTENT))):
        return Match("auth-required")
    return None


def _storage(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The recipient's mailbox, the message's size and lines, the receiver's disk."""
    if r.says(w.words(r"\b(organi[sz]ation|tenant|queue) quota\b")):
        return None  # the receiver's own limit (server-error)
    if r.sd == "2.2" or ((r.says(w.QUOTA) or r.says(w.MAILBOX_TOO_MANY)) and r.loose("2", "3")):
        return Match("mailbox-full")
    if r.says(w.QUOTA) and r.stage in ("rcpt", "dot", "data"):
        return Match("mailbox-full", LIKELY)  # the words, with a code of another subject
    if r.says(w.LINE_LONG):
        return Match("line-too-long")
    if r.says(w.FORMAT):
        return Match("protocol-error", LIKELY, "format")
    too_big = (r.sd in ("3.4", "2.3", "7.16") or (r.says(w.SIZE) and r.loose("2", "3", "5"))
               or (r.code == 552 and r.sd is None and r.stage in ("mail", "data", "dot")
                   and not r.says(w.NO_SUCH) and not r.says(w.VAGUE_RECIPIENT)))
    if too_big and r.says(w.words(r"policy\b")) and not r.says(w.SIZE):
        return Match("policy-rejected", UNKNOWN, "unknown")
    if too_big:
        if context.long_lines and _small(reply, context):
            return Match("line-too-long", LIKELY)  # "too big" for a small message: its lines
        return Match("message-too-large", DECIDED if r.says(w.SIZE) or r.sd in ("3.4",)
                     else LIKELY)
    if r.sd == "3.1" and r.says(w.words(r"\berror\b")) and not r.says(w.STORAGE):
        return Match("server-error")  # "4.3.1 Temporary System Error"
    if r.sd == "3.1" or (r.code == 452 and r.says(w.STORAGE) and r.loose("3", "4")):
        return Match("server-storage-full")
    if r.sd == "5.3" or "too many recipients" in r.prose:
        return Match("too-many-recipients")
    if r.sd in ("6.7", "6.8", "6.9", "6.10"):
        return Match("smtputf8-unsupported")
    if r.sd in ("6.0", "6.1", "5.2") and r.stage in ("data", "dot") and context.long_lines:
        return Match("line-too-long", LIKELY)  # a vague format refusal of a message that has
    return None                                 # lines over RFC 5322's limit


def _small(reply: Reply, context: Context) -> bool:
    """The message is well under the limit the reply (or the EHLO reply) gives."""
    limit = size_in_reply(reply) or context.size_limit
    return (context.message_size is not None and limit is not None
            and context.message_size < limit / 2)


def _mailbox(r: Reading, reply: Reply, context: Context) -> Match | None:
    if r.says(w.DISABLED) and (r.stage == "mail" or r.says(w.words(r"\byour (account|mailbox)\b"))):
        return Match("account-disabled")  # the sending account, not a recipient's mailbox
    if r.sd == "2.1" and (r.says(w.NO_SUCH) or r.says(w.words(r"\binvalid address\b"))):
        return None  # the words say it does not exist (the address rules)
    if r.says(w.words(r"\brejected: (inactive|disabled|suspended)\b")):
        return Match("mailbox-disabled", LIKELY)
    if (r.sd == "2.1" or (r.says(w.DISABLED) and r.loose("2", "7"))
            or (r.sd == "7.13" and r.stage == "rcpt")):
        sure = r.says(w.DISABLED) or r.says(w.words(r"\bdisabled\b", r"\binactiv"))
        return Match("mailbox-disabled", DECIDED if sure or r.sd != "2.1" else LIKELY)
    return None


def _content(r: Reading, reply: Reply, context: Context) -> Match | None:
    if r.stage not in ("data", "dot"):
        return None
    if r.says(w.words(r"^\[cs\]")) or r.says(w.words(r"\bheaders?( value| field)?s? (is |are )?"
                                                     r"not allowed\b")):
        return Match("content-rejected", LIKELY)  # MailChannels' content scan; a header
    if r.says(w.CONTENT):
        sure = r.says(w.words(r"\bspam\b", r"\bvirus\b", r"\bmalware\b", r"\bcontent filter",
                             r"\bcontent\b", r"\binfected\b", r"\battachment"))
        likely_ip = r.says(w.words(r"\blikely\b", r"\bsuspicious\b", r"\bsuspected\b"))
        return Match("content-rejected", DECIDED if sure and not likely_ip else LIKELY)
    return None


def _message_refused(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The message refused after the data with no reason: the likely causes, not one."""
    if r.stage in ("data", "dot") and r.permanent and r.says(w.words(
            r"^(the )?message (is |was |has been )?(blocked|rejected|refused|not accepted|"
            r"not allowed)\b")) and len(r.prose.split()) <= 8:
        return Match("policy-rejected", UNKNOWN, "unknown")
    return None


def _deferral(r: Reading, reply: Reply, context: Context) -> Match | None:
    """A 450 or 451 that does not say why: name the likely causes, do not pick one."""
    if r.code in (450, 451, 452) and r.stage in ("mail", "rcpt", "data", "dot") and (
            (r.subject == "7" and r.code != 452) or (r.sd is None and r.says(w.LATER))
            or r.says(w.words(r"\bpolicy\b"))) and not r.says(w.SERVER_FAULT):
        return Match("policy-deferred", UNKNOWN, "unknown")
    return None


def _addresses(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The recipient's address, then the sender's."""
    code, sd = r.code, r.sd
    if (sd == "1.6" or code == 551) and forward_address(reply):
        return Match("recipient-redirected")
    if r.says(w.words(r"\bsyntax\b")) and r.stage in ("mail", "rcpt") and r.loose("1", "5"):
        return Match("bad-address-syntax")
    if r.says(w.words(r"\bsender address rejected: access denied\b")):
        return Match("sender-blocked", LIKELY)  # a local access rule refuses this sender
    if r.says(w.SENDER) and r.loose("1", "7", "3", "5"):
        domain = sd == "1.8" or r.says(w.words(r"\bdomain\b", r"\bdns\b", r"\bmx\b"))
        rights = r.says(w.words(r"\bsend ?as\b", r"\bpermissions? to send\b",
                               r"\bnot owned by user\b"))
        fault = "sender-domain" if domain else "sender-account" if rights else ""
        return Match("sender-rejected", DECIDED, fault)
    if r.says(w.words(r"\bnot an? valid (rfc ?-?5321 |rfc ?-?2?822 )?(e-?mail )?address\b",
                     r"\binvalid address syntax\b", r"\baddress syntax\b")):
        return Match("bad-address-syntax")
    if r.stage == "rcpt" and r.says(w.BAD_DOMAIN) and not r.says(w.words(r"\bsender\b")):
        return Match("bad-recipient-domain")
    if r.stage == "rcpt" or (r.stage in ("data", "dot") and r.says(w.RECIPIENT_WORDS)):
        if sd == "1.10" and "null mx" not in r.prose and r.says(w.NO_SUCH):
            return Match("unknown-recipient")  # Microsoft 365: "5.1.10 ... Recipient not found"
        if r.says(w.NO_SUCH):
            return Match("unknown-recipient")  # the words decide, whatever the code's subject
    by_enhanced = {"1.10": "recipient-null-mx", "1.1": "unknown-recipient",
                   "1.2": "bad-recipient-domain", "1.6": "mailbox-moved",
                   "1.3": "bad-address-syntax", "1.7": "bad-address-syntax",
                   "1.8": "sender-rejected"}.get(sd or "")
    if by_enhanced == "sender-rejected":
        return Match(by_enhanced, DECIDED, "sender-domain" if sd == "1.8" else "")
    if by_enhanced == "unknown-recipient" and r.says(w.words(r"\bplaceholder\b",
                                                            r"\bdefault recipient\b")):
        return Match("bad-address-syntax", LIKELY, "client", "placeholder-address")
    if by_enhanced:
        if by_enhanced == "unknown-recipient":
            sure = (r.says(w.NO_SUCH) or r.says(w.VAGUE_RECIPIENT) or r.stage == "rcpt") and not (
                r.says(w.words(r"\bpolicy\b")))
        elif by_enhanced == "mailbox-moved":
            sure = r.says(w.words(r"\bmoved\b"))
        else:
            sure = True
        return Match(by_enhanced, DECIDED if sure else LIKELY)
    if r.stage == "rcpt" and sd == "4.1" and r.permanent and r.says(w.words(
            r"\brecipient address(es)? rejected\b", r"\baccess denied\b")):
        return Match("unknown-recipient", LIKELY)  # Exchange Online: "5.4.1 ... Access denied"
    if code == 556:
        return Match("recipient-null-mx")
    if r.says(w.words(r"\bloop detected\b", r"\bmail loop\b", r"\bhop count exceeded\b",
                     r"\btoo many hops\b")):
        return Match("mail-loop")
    if code == 551 and r.says(w.words(r"\bnot local\b", r"\bforward", r"\bplease try\b")):
        return Match("user-not-local")
    after_data = r.stage in ("data", "dot") and ("<>" in r.prose or r.says(w.RECIPIENT_WORDS))
    if (r.stage == "rcpt" or after_data) and r.loose("1", "2"):
        if r.says(w.VAGUE_RECIPIENT):
            return Match("unknown-recipient", LIKELY)  # a 4xx becomes recipient-deferred
        if r.says(w.BAD_DOMAIN):
            return Match("bad-recipient-domain")
    if r.stage == "rcpt" and r.says(w.words(r"\bnot in my validrcptto\b")):
        return Match("unknown-recipient", LIKELY)
    if r.stage == "mail" and code in (550, 553, 554) and r.says(w.ADDRESS_WORDS) and not r.says(
            w.words(r"\bpolicy\b", r"\breject due\b")):
        domain = r.says(w.words(r"\bdomains?\b"))
        return Match("sender-rejected", LIKELY, "sender-domain" if domain else "")
    if r.stage == "rcpt" and r.says(w.words(r"^i cannot deliver mail for <>$")):
        return Match("relay-denied", LIKELY)  # Haraka: not a domain it takes, not relaying
    if r.stage in ("mail", "rcpt") and code == 501 and (sd not in ("5.4",) or r.says(
            w.words(r"\baddress\b")) and not r.says(w.words(r"\bparameter\b"))):
        return Match("bad-address-syntax", DECIDED if sd in ("1.3", "1.7") else LIKELY)
    return None


def _protocol(r: Reading, reply: Reply, context: Context) -> Match | None:
    code, sd, subject = r.code, r.sd, r.subject
    if r.says(w.SERVER_FAULT) or r.says(w.words(
            r"\binternal resource\b", r"\b(queue|file|disk) (\w+ )?(write )?error\b",
            r"\btemporary (local|system|server) (problem|error|failure)\b",
            r"\bsystem problem\b", r"\bresources? (temporarily )?unavailable\b",
            r"\bqq\w* failure\b", r"\bfailed to be replicated\b",
            r"\b(organi[sz]ation|tenant) queue quota\b")):
        return Match("server-error", DECIDED if r.transient else LIKELY)
    if r.stage == "data" and r.says(w.words(r"\bno (valid )?recipients?\b",
                                           r"\bvalid rcpt command must precede\b")):
        # the cause: the refused RCPT replies before it
        return Match("no-recipient-accepted", LIKELY, "", "no-recipient-said")
    if code == 503:
        if r.stage == "data" and r.says(w.RELAY):
            return Match("relay-denied", LIKELY)
        return Match("bad-sequence")
    if code in (455, 555) or (r.stage in ("mail", "rcpt") and (code == 504 or sd == "5.4")):
        return Match("parameter-unsupported")
    if code in (500, 502):
        return Match("command-unrecognised", LIKELY)
    if code == 421 and r.says(w.words(r"\b(refused|rejected|denied) (by|due to) (local )?policy\b",
                                     r"\bpolicy\b.{0,20}\b(refused|rejected|denied)\b")):
        return Match("connection-rejected", LIKELY)
    if code == 421:
        return Match("service-unavailable", LIKELY if not r.says(w.BUSY) else DECIDED)
    if (sd in ("3.2", "4.5") or r.says(w.BUSY)) and code < 500:
        return Match("service-busy", LIKELY)
    if subject == "7" and code >= 500 or (code >= 500 and r.says(w.words(
            r"\bpolicy\b", r"\badministrative prohibition\b", r"\bprohibited\b"))):
        return _policy(r, reply)
    return None


def _policy(r: Reading, reply: Reply) -> Match:
    """A refusal by local policy that does not say why: whose side only when the words name it."""
    if r.says(w.words(r"\bclient host\b", r"\byour (ip|host|server)\b")) or (
            r.stage in ("banner", "ehlo", "mail") and r.links(w.IP_LINK)):
        return Match("policy-rejected", LIKELY, "sender-ip", "policy-your-host")
    based = {"ip": "sender-ip", "domain": "sender-domain", "header": "content",
             "content": "content"}
    for word, side in based.items():
        if r.says(w.words(rf"\b{word}[- ]based\b")):
            return Match("policy-rejected", LIKELY, side)
    if r.says(w.POLICY_SUBJECT):
        return Match("policy-rejected", LIKELY, "unknown")
    return Match("policy-rejected", UNKNOWN, "unknown")


_RULES = (_wrong_protocol, _lists, _reputation, _limits, _greylisting, _greeting_words, _steps,
          _tls_and_auth, _sender, _access, _storage, _mailbox, _content, _message_refused,
          _deferral, _addresses, _protocol)


def reply_words(reply: Reply) -> str:
    """The reply's prose as the rules read it (for tests and for the explain panel)."""
    return read("", reply).prose


__all__: Sequence[str] = ("Context", "DECIDED", "LIKELY", "Match", "NO_CONTEXT", "UNKNOWN",
                          "forward_address", "match_reply", "read", "reply_words",
                          "size_in_reply")

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


def _words(*alternatives: str) -> re.Pattern[str]:
    return re.compile("|".join(alternatives))


# -- wordings ----------------------------------------------------------------------------------

# The receiver's own block list look-up failed (Spamhaus answers a query from a public
# resolver with an error code that a naive filter takes for a listing).
_LOOKUP_BROKEN = _words(
    r"\bopen resolver\b", r"\bpublic resolver\b", r"\bexcessive number of queries\b",
    r"\b(dnsbl|rbl|block ?list) (query|look-?up|check) (failed|error)\b",
    r"\bquery (was )?(refused|blocked) by\b")
_LOOKUP_BROKEN_LINK = re.compile(r"/returnc/")
# The sender's address or domain on a list (the receiver's, the recipient's own, or a DNS one
# such as Spamhaus DBL for the sender's domain): not the IP address.
_SENDER_BLOCKED = _words(
    r"\b(sender|from|envelope sender)( email)?( address| domain)?( <>)? (is )?"
    r"(black|block|deny|ban)(list)?(ed)?\b",
    r"\b(black|block|deny|ban) ?listed (sender|from)\b", r"\bblocked the sender\b",
    r"\brecipient'?s? (personal )?(block|black) ?list\b",
    r"\bsender address (<> )?blocked using\b", r"\bsender (address|domain) .{0,30}listed\b",
    r"\bmail ?from domain\b.{0,30}\blisted\b",
    r"\bbadmailfrom\b", r"\benvelope blocked\b", r"\bblocked senders?\b",
    r"\bsender (is )?on (the|a|our) (block|black|deny) ?list\b")
# A link or domain in the message on a list (Spamhaus DBL, SURBL, URIBL): the content.
_LISTED_CONTENT = _words(
    r"\b(url|uri|link|web ?site|domain in (the )?(message|body))s?\b.{0,40}"
    r"\b(listed|blocked|black ?listed|block ?listed)\b",
    r"\b(surbl|uribl)\b", r"\bdbl\b.{0,40}\b(url|uri|link|body)\b")
# Your IP (or its network) on a block list, as the reply's words say it.
_BLOCKLIST = _words(
    r"\b(dnsbl|rbl|rbls|dnsrbl)\b", r"\bblocked using\b", r"\bblock ?list", r"\bblack ?list",
    r"\bdeny ?list", r"\bbanned sending ip\b",
    r"(?<!not )(?<!n't )(?<!never )\blisted (at|in|on|by)\b(?! the (directory|address))",
    r"\bspamhaus\b", r"\bspamcop\b", r"\bsorbs\b", r"\buceprotect\b", r"\bbarracudacentral\b",
    r"\bbarracuda reputation\b", r"\bpsbl\b", r"\bbanned sender\b",
    r"\bremoval from (this|the|our) list\b", r"\bmailspike\b", r"\bivmsip\b",
    r"\b(client host|your ip|ip address|source ip|client|host|ip) (<> )?(is |has been )?"
    r"(blocked|banned) (for|because|due)\b",
    r"\bcloudmark\b.{0,40}\bblock", r"\bblock(ed)? for spam\b",
    r"\b(dynamic|residential|dial-?up|consumer)( ip)? (ip|address|range|pool|network|space)\b")
_LIST_LINK = re.compile(r"spamhaus\.org|spamcop\.net|sorbs\.net|uceprotect\.net|"
                        r"barracudacentral\.org|mailspike\.|surbl\.org|abuseat\.org")
# The sending IP's reputation at the receiver (not a public list, not the message).
_REPUTATION = _words(
    r"\breputation\b", r"\bcomplaints?\b", r"\bsenderbase\b", r"\btalos\b",
    r"\bsender score\b", r"\b(suspected |known )?spam(mer| sender| source)s?\b")
_REPUTATION_LINK = re.compile(r"ipcheck\.proofpoint\.com|proofpoint\.com/dnsbl|"
                              r"postmaster\.yahoo(inc)?\.com|sendersupport\.olc|"
                              r"csi\.cloudmark|sender\.office\.com")
_FROM_IP_REFUSED = _words(
    r"\b(all )?(messages|mails?|e-?mails?|traffic|connections) from <>\W.{0,40}?"
    r"\b(deferred|refused|rejected|blocked|not accepted|permanently|temporarily)\b",
    r"\btraffic not accepted from this ip\b", r"\bnot accepted from (this|your) ip\b",
    r"\b(from|originating from) (your|this) ip( address)?\b.{0,80}\b(blocked|deferred|"
    r"rejected|refused)\b",
    r"\bip( address)? (<> )?(has been |is )?(temporarily )?(blocked|rejected|deferred)\b",
    r"\b(spam|abuse)\b.{0,30}\bfrom (this |your |the )?ip( range| address| network)?\b")
_BLOCKED_SEE = re.compile(r"^blocked\b|\bblocked - see\b")
_IP_LINK = re.compile(r"[?&]ip=")
_NO_RETRY = _words(r"retrying will not", r"will not succeed", r"\b(do not|don't) retry\b",
                   r"permanently (deferred|blocked|rejected)")
#: A Spamhaus zone named with no link to a listing: with a look-up through a public resolver,
#: Spamhaus answers an error code that older filters take for a listing.
_SPAMHAUS_ZONE = re.compile(r"\b(zen|sbl|xbl|pbl|sbl-xbl)\.spamhaus\.org\b")
# Connection and session limits.
_CONNECTIONS = _words(
    r"\btoo many (\w+ ){0,2}(connections|sessions)\b",
    r"\b(concurrent|simultaneous|parallel) (smtp )?(connection|session)s? (limit|exceeded)",
    r"\b(connection|session) (count |concurrency )?limit (reached|exceeded|hit)\b",
    r"\bmaximum (number of )?(concurrent |simultaneous )?(connections|sessions)\b",
    r"\bconnection limit\b")
_ERRORS = _words(r"\btoo many (\w+ ){0,2}errors\b", r"\berror limit\b",
                 r"\btoo many (bad|invalid|failed|unknown|rejected|unrecogni[sz]ed) "
                 r"(commands|recipients|rcpts?)\b")
_LOGIN_RATE = _words(
    r"\btoo many (\w+ )?(login|logon|authentication|auth) (attempts|failures|requests|tries)\b",
    r"\b(login|logon|authentication) (rate|attempt) limit", r"\btoo many (logins|logons)\b")
_BUSY = _words(r"\b(too |server |system |is )busy\b", r"\boverloaded\b",
               r"\bload (is )?too high\b", r"\bnot accepting (network )?messages\b")
_RATE = _words(
    r"\brate.?limit", r"\bthrottl", r"\btoo many (messages|mails|emails)\b",
    r"\bfrequency limit", r"\btoo many recent messages\b",
    r"\bmax(imum)? (messages?|mails?|recipients?) per (connection|session)\b",
    r"\btoo (many|much) (\w+ )?(mail|e-?mails?|messages|recipients|rcpts?) from\b",
    r"\b(connection|message|sending) rate\b", r"\btoo fast\b", r"\btoo frequent",
    r"\b(unexpected|unusual|excessive|high) (volume|rate)\b")
_RECIPIENT_RATE = _words(
    r"\breceiving (mail|messages|email) at a rate\b", r"\bmailbox rate limit",
    r"\b(recipient|user|mailbox) (is )?receiving too (much|many)\b",
    r"\breceiving (mail|messages|e-?mail) too (quickly|fast)\b",
    r"\brecipient has exceeded (their |its |the )?(message )?(rate )?limit\b",
    r"\bmessages they can receive per\b")
_SEND_QUOTA = _words(
    r"\b(daily|hourly)\b.{0,30}\b(limit|quota)\b", r"\bsending (limit|quota)s?\b",
    r"\bmessage (limit|quota) (exceeded|reached)\b", r"\bmaximum sending rate\b",
    r"\b(account|user) (has )?(exceeded|reached) (its |the |their )?(\w+ )?(limit|quota)\b",
    r"\bsender has exceeded the limit\b",
    r"\b(e-?mails?|messages?) per (hour|day|minute)\b", r"\bexceeded the max(imum)? (e-?mails?|"
    r"messages?|number of (e-?mails?|messages))\b")
_MAILBOX_TOO_MANY = _words(r"\btoo many messages in (the |this |your )?mailbox\b")
_UNAUTHENTICATED = _words(r"\bunauthenticated\b", r"\bnot authenticated\b")
_GREY = _words(r"\bgr[ae]y.?list")
_LATER = _words(r"\b(try again|come back|retry|try) later\b", r"\b(retry|try again) in \d+",
                r"temporarily (deferred|rejected)")
#: The server gave up waiting for the client (Postfix's "Error: timeout exceeded").
_SERVER_WAITED = _words(r"\btime-?out exceeded\b", r"\btimeout waiting for (client|input|"
                        r"command|data)\b", r"\bidle (too long|timeout)\b",
                        r"\btoo slow\b", r"\bconnection timed out waiting\b")
_SERVER_FAULT = _words(r"\blocal (problem|error)\b",
                       r"\binternal (server |system )?(error|problem)\b",
                       r"\bresources? (temporarily )?unavailable\b",
                       r"\b(organi[sz]ation|tenant) queue quota\b",
                       r"\bbackend failure\b", r"\bconfiguration (error|problem)\b")
_TEMP_ERROR = _words(r"\btemp(orary)? ?error\b", r"\btemperror\b", r"\btime.?out\b",
                     r"\bdns\b.{0,20}\b(fail\w*|error)\b")
_RELAY = _words(
    r"\brelay\w*\b.{0,40}?\b(denied|not (permitted|allowed)|prohibited|refused|forbidden|"
    r"disallowed)",
    r"\b(not (permitted|allowed|authori[sz]ed)|unable|cannot|can't|do(es)? not|don't|won't) "
    r"(to )?relay\b", r"\bno relaying\b", r"\ballowed rcpthosts\b",
    r"(\bnot|n't) (allowed|permitted) to be relayed\b",
    r"\bdelivery (is )?not allowed to this address\b")
_STARTTLS = _words(
    r"starttls", r"\btls (is )?required\b", r"\brequires? (tls|encryption|a secure)\b",
    r"\bencryption (is )?required\b", r"\bsecure connection required\b", r"\b(tls|ssl) first\b")
_AUTH_REQUIRED = _words(
    r"\bauth(entication)? (is )?required\b", r"\bmust (first )?(authenticate|log ?in)\b",
    r"\bnot authenticated\b", r"\bplease (authenticate|log ?in)\b", r"\blog ?in first\b",
    r"\bnot logged in\b", r"\bauthentication needed\b", r"\bsmtp auth required\b",
    r"\bunauthenticated (senders?|users?|relay|sending|clients?)\b")
_BASIC_AUTH_OFF = _words(
    r"\bbasic auth(entication)? (is )?(disabled|not (allowed|supported|enabled))\b",
    r"\bsmtp ?client ?authentication (is )?disabled\b",
    r"\b(smtp )?auth(entication)? (is )?disabled (for|on) (the )?(tenant|account|mailbox|"
    r"organi[sz]ation|user)\b",
    r"\blegacy authentication\b", r"\bpassword (login|authentication|auth) (is )?"
    r"(disabled|not (allowed|supported))\b", r"\bsecurity defaults\b")
_APP_PASSWORD = _words(r"\bapplication-specific password\b", r"\bapp password\b",
                       r"\blog ?in via your web browser\b", r"\bweb ?login required\b")
_AUTH_FAILED = _words(
    r"\bauth\w* (failed|failure|unsuccessful)\b", r"\binvalid (credentials|login|password|user)",
    r"\b(bad|wrong|incorrect) (password|credentials|authentication data)\b",
    r"\b(username|user name) and password not accepted\b", r"\bcredentials (were )?rejected\b")
_RDNS = _words(r"\breverse (dns|hostname|lookup|address)\b", r"\bptr\b", r"\brdns\b",
               r"\bcannot find your (reverse )?hostname\b", r"\bno (reverse|ptr)\b")
_HELO = _words(
    r"\b(hel|ehl)o\b( command)?( name| hostname| host| argument)?\b.{0,90}?"
    r"(rejected|invalid|not allowed|forged|denied|not (matching|match)|does(n't| not) match|"
    r"mismatch|not valid|not resolv|not (a )?fqdn|must be)",
    r"\b(invalid|bad|forged|bogus) (hel|ehl)o\b", r"\bfully.qualified (host|domain)")
_QUOTA = _words(r"\bmailbox (is )?full\b", r"\bover ?quota\b",
                r"\bquota (exceeded|full|violation)\b",
                r"\bexceed\w* .{0,30}quota\b", r"\binsufficient (user )?quota\b",
                r"\bmailbox (size )?limit\b", r"\bquotaexceeded\b", r"\bmailbox .{0,20}full\b")
_LINE_LONG = _words(r"\bline (is |was )?too long\b", r"\b(line|lines) (longer|exceed\w*)\b",
                    r"\bline length\b", r"\btoo long (line|lines)\b", r"\b998\b",
                    r"\bline limit\b")
_SIZE = _words(r"\btoo (big|large)\b", r"\bsize (limit|exceed)",
               r"\bexceeds? .{0,30}(size|limit)\b",
               r"\bmessage (is )?too long\b", r"\bmessage size\b", r"\bsize of the message\b")
_STORAGE = _words(r"\bstorage\b", r"\bdisk space\b", r"\bdisk (is )?full\b")
_SENDER = _words(
    r"\bsender (address )?(is )?(rejected|refused|denied|not allowed|not permitted|invalid)",
    r"\b(from|sender) address .{0,20}(rejected|not allowed|invalid)", r"\bdomain of sender\b",
    r"\bsender domain\b", r"\bnot owned by user\b", r"\bsend ?as\b", r"\binvalid sender\b",
    r"\banti-?spoofing\b", r"\bspoof", r"\binvalid dns (mx|a)\b",
    r"\bmx or a(/aaaa)? resource record\b")
# The receiver checked the sender address with the sender domain's own server (a callout).
_SENDER_VERIFY = _words(
    r"\bsender verif\w* failed\b", r"\bsender\b.{0,60}\bcallout\b",
    r"\bcallout\b.{0,60}\bsender\b", r"\bprevious \(cached\) callout\b",
    r"\bsender address verification\b", r"\bcould not verify (the )?sender\b",
    r"\bsender address rejected: unverified address\b", r"\bunverified sender\b")
_SENDER_UNVERIFIED = _words(
    r"\b(email address|identit(y|ies)|sender( address)?|domain) (is |are )?not verified\b",
    r"\bidentities failed the check\b",
    r"\bnot (authori[sz]ed|allowed|permitted) to send (from|as|on behalf of) (that|this|the)"
    r"( email)? address\b")
_ADDRESS_WORDS = _words(r"\b(sender|address|from|domain|mailbox)\b")
# The recipient: outright non-existence first, then the vaguer wordings.
_NO_SUCH = _words(
    r"\b(user|address|recipient|mailbox|addressee) unknown\b",
    r"\bunknown (user|recipient|mailbox|address|account|local part)\b",
    r"\bno such (user|mailbox|recipient|address|account|person)\b",
    r"\b(does not|doesn't|did not) exist\b", r"\b(user|recipient|mailbox|address|account) "
    r"(was )?not found\b", r"\brecip(ient)?notfound\b", r"\bnot a valid (mailbox|recipient)\b",
    r"(does not|doesn't) have an? (\S+ )?account\b",
    r"\b(is not|isn't) listed in the directory\b", r"\bno mailbox here\b",
    r"\baddressee unknown\b", r"\bmailbox not found\b", r"\bno such (local )?user\b",
    r"\b(user|mailbox|account) (does not|doesn't) exist\b", r"\bunknown or illegal\b")
#: After the data (Yahoo refuses unknown users there), "does not exist" must be about a person.
_RECIPIENT_WORDS = _words(r"\b(user|mailbox|account|recipient|addressee|person)\b")
_VAGUE_RECIPIENT = _words(
    r"\brecipient (address )?rejected\b", r"\binvalid (recipient|mailbox|address)\b",
    r"\bmailbox (is )?unavailable\b", r"\bundeliverable address\b", r"\bunrouteable address\b",
    r"\baddress rejected\b", r"\bnot (available|hosted) here\b", r"\bnot in my validrcptto\b",
    r"\brecipient (is )?not (valid|allowed)\b", r"\bbad recipient\b", r"\bnot local\b",
    r"\brecipient (is )?(temporarily )?unavailable\b", r"\bno longer (valid|active|exists)\b",
    r"\binvalid recipient\b")
_BAD_DOMAIN = _words(r"\bdomain (\S+ )?(not found|does not exist|doesn't exist|unknown)\b",
                     r"\b(host|domain) unknown\b", r"\bunknown (domain|host)\b",
                     r"\bno such domain\b")
_DISABLED = _words(r"\b(mailbox|account|user) (is |has been |was )?(disabled|inactive|suspended|"
                   r"locked|deactivated|blocked)\b", r"\bdisabled (mailbox|account)\b")
_CONTENT = _words(r"\bspam\w*\b", r"\bunsolicited\b", r"\bvirus\b", r"\bmalware\b",
                  r"\bphish", r"\binfected\b", r"\bcontent\b", r"\battachment", r"\bjunk\b",
                  r"\bsuspicious\b", r"\bbulk\b")
_FORMAT = _words(r"\bbare (cr|lf|linefeed|carriage return)s?\b", r"\bbarelinefeed",
                 r"\b822\.?bis\b", r"\brfc ?5322\b", r"\brfc ?2822\b",
                 r"\bmessage-id\b.{0,20}\b(missing|required)\b", r"\bmalformed (message|header)",
                 r"\b(invalid|malformed|missing|duplicate|multiple|bad) (\w+ )?headers?\b",
                 r"\b(missing|no|invalid|malformed|multiple)\b.{0,30}\b(from|date|message-id|"
                 r"sender|to|subject):? header\b", r"\bheader (syntax|format)\b",
                 r"\b(from|date|message-id|sender|subject):? header\b.{0,20}\b(missing|does not "
                 r"exist|required|invalid|malformed)\b", r"\bnot rfc[- ]?\d*\s*compliant\b",
                 r"\bheaders? (are |is )?not (rfc|valid|compliant)")
_SYNC = _words(r"\bsynchroni[sz]ation\b", r"\bsent (input|commands?) (before|without waiting)",
               r"\bpipelining (not allowed|violation)\b", r"\bbefore (the |my )?greeting\b",
               r"\btalk(ed|ing)? too soon\b", r"\bearly talker\b")
_LMTP_HINT = _words(r"\blhlo\b", r"\blmtp\b")
_SMTP_HINT = _words(r"\b(use|send) (ehlo|helo)\b", r"\bnot an lmtp\b")
_POLICY_SUBJECT = _words(r"\b(recipient|sender|client|host|your) (address |access )?"
                         r"(rejected|denied|refused)\b", r"\byour access\b",
                         r"\baccess (denied|rejected)\b")
# RFC 5321 §3.4: "551 User not local; please try <forward-path>". Only a plain address is
# taken (no braces, quotes or control characters), so it can go into a diagnosis safely.
_FORWARD = re.compile(r"\b(?:please try|try|forward(?:ed|ing)? to)\s*<([A-Za-z0-9.!#$%&'*+/=?^_`"
                      r"~-]{1,64}@[A-Za-z0-9.-]{1,253})>", re.IGNORECASE)
_NUMBER = re.compile(r"(?<![\d.])(\d{5,12})(?![\d.])")
_SPF = _words(r"\bspf\b", r"\bsender policy framework\b")
_SPF_FAIL = _words(r"\bfail", r"\bnot (allowed|authori[sz]ed|permitted|designated)\b",
                   r"\bprohibited\b", r"\bviolation\b", r"\breject", r"-all\b",
                   r"\bdoes not pass\b",
                   r"\bcheck\b", r"\bsoftfail\b", r"\bhard\b")
#: "Dkim= Pass", "dmarc=pass": a check the reply says passed is not the one that failed.
_PASSED = re.compile(r"\b(spf|dkim|dmarc)\s*[=:]\s*pass\b")
_SENDER_AUTH = _words(r"\bauthentication (information|checks?|level|results)\b",
                      r"\bnot authenticated\b", r"\bunauthenticated\b",
                      r"\bfails? (to pass )?(sender )?authentication\b")

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
    found = _FORWARD.search(" ".join(reply.lines))
    return found.group(1) if found else None


def size_in_reply(reply: Reply) -> int | None:
    """A size limit the reply gives in octets ("exceeds ... maximum message size (10485760)")."""
    for number in _NUMBER.findall(" ".join(reply.lines)):
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
    if context.protocol != "lmtp" and r.says(_LMTP_HINT):
        return Match("lmtp-server", DECIDED if r.stage != "banner" else LIKELY)
    if context.protocol == "lmtp" and r.stage == "ehlo" and (
            r.says(_SMTP_HINT) or r.code in (500, 502)):
        return Match("not-lmtp", DECIDED if r.says(_SMTP_HINT) else LIKELY)
    return None


def _lists(r: Reading, reply: Reply, context: Context) -> Match | None:
    """A block list the reply names: broken at the receiver, the sender's address on it, a
    link of the message, or your IP (its reputation: the next rule)."""
    if r.says(_LOOKUP_BROKEN) or r.links(_LOOKUP_BROKEN_LINK):
        sure = r.says(_words(r"\bblocked using\b")) and (r.says(_words(
            r"\bopen resolver\b", r"\bpublic resolver\b")) or r.links(_LOOKUP_BROKEN_LINK))
        return Match("blocklist-lookup-broken", DECIDED if sure else LIKELY)
    if r.says(_SENDER_VERIFY) or (r.says(_words(r"\bverification failed for\b")) and (
            r.stage == "mail" or r.says(_words(r"\bsender\b")))):
        return Match("sender-verify-failed")  # the callout's answer may name a list: not yours
    if r.says(_SENDER_BLOCKED):
        domain = re.search(r"\bdomain\b", r.prose) is not None
        return Match("sender-blocked", DECIDED, "sender-domain" if domain else "")
    if r.says(_LISTED_CONTENT):
        if r.stage in ("data", "dot"):
            return Match("content-rejected")
        return None
    if r.says(_words(r"\bdbl\b", r"\bdomain block ?list\b")):  # a list of domains, never an IP
        if r.stage in ("data", "dot"):
            return Match("content-rejected", LIKELY)  # a domain in the message, most often
        return Match("sender-blocked", LIKELY, "sender-domain")
    if r.says(_BLOCKLIST):
        named = r.says(_words(r"\bblocked using\b", r"\blisted (at|in|on|by)\b",
                              r"\b(dnsbl|rbl)\b", r"\bblock ?list(ed)?\b", r"\bblack ?list",
                              r"\bbanned sending ip\b", r"\bis (in|on) \S+ list\b",
                              r"\bblocked (for|because|due)\b"))
        unsure = r.says(_SPAMHAUS_ZONE) and not _URL.search(r.text)
        return Match("blocklisted", DECIDED if named and not unsure else LIKELY)
    return None


def _reputation(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The sending IP's (or domain's) reputation at the receiver: all its mail deferred or
    refused, whatever the message."""
    if r.sd == "7.28":
        return None  # mail flood detected: a rate (next rules)
    about_content = r.stage in ("data", "dot") and r.says(
        _words(r"\bthis message\b", r"\bthe message\b", r"\bcontent\b", r"\blinks?\b"))
    fault = "sender-domain" if r.says(_words(
        r"\bdomain('s)? reputation\b", r"\breputation of (the |your )?(sending |sender('s)? )?"
        r"domain\b")) else ""
    code = "reputation-deferred" if r.transient else "reputation-blocked"
    owned = r.says(_words(r"\b(ip|sender|sending|domain)('s)? reputation\b",
                          r"\breputation of (the |your |this )?(sending |sender('s)? )?(ip|"
                          r"domain|server|mta|sender)\b", r"\bsending mta's poor reputation\b"))
    if r.says(_REPUTATION) and (owned or not about_content):
        sure = r.says(_words(r"\b(ip|sender|sending|domain)('s)? reputation\b",
                             r"\breputation of\b", r"\bpoor reputation\b",
                             r"\bdue to (ip )?reputation\b", r"\bbad reputation\b"))
        return Match(code, DECIDED if sure else LIKELY, fault)
    if r.links(_LIST_LINK) and not about_content:
        return Match("blocklisted", LIKELY)  # a list's look-up page: your IP on that list
    if r.says(_FROM_IP_REFUSED) or (r.says(_BLOCKED_SEE) and r.links(_IP_LINK)) or (
            r.permanent and r.says(_NO_RETRY) and r.stage in ("banner", "ehlo", "mail")) or (
            r.links(_REPUTATION_LINK) and r.says(_words(r"\bblocked\b", r"\bdeferred\b"))):
        return Match(code, LIKELY, fault)
    return None


def _limits(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Connection, error, login and volume limits, with the reply's own subject first."""
    if r.code == 421 and r.says(_NO_RETRY):
        return Match("connection-rejected", LIKELY, "sender-ip")
    if r.says(_ERRORS):
        return Match("too-many-errors")
    if r.says(_LOGIN_RATE):
        return Match("login-rate-limited")
    if r.says(_CONNECTIONS):
        per_account = context.authenticated or r.says(_words(r"\b(mailbox|account|user)\b"))
        return Match("too-many-connections", DECIDED, "sender-account" if per_account else "")
    if r.says(_RECIPIENT_RATE):
        return Match("recipient-rate-limited")
    if r.says(_SEND_QUOTA):
        return Match("sending-quota-exceeded")
    if r.sd == "2.2" or r.says(_MAILBOX_TOO_MANY):
        return None  # the mailbox is full, whatever else the text says
    if r.sd == "7.26" or r.says(_UNAUTHENTICATED):
        return None  # "rate limited because it is unauthenticated": authentication decides
    if r.sd == "7.28" or r.says(_RATE):
        return Match("rate-limited" if r.transient else "volume-blocked")
    if r.code == 421 and context.refused_before >= 3 and not r.says(_BUSY):
        # A 421 that gives no reason after a run of refusals: most likely the error limit.
        return Match("too-many-errors", LIKELY)
    return None


def _greylisting(r: Reading, reply: Reply, context: Context) -> Match | None:
    return Match("greylisted") if r.transient and r.says(_GREY) else None


def _greeting_words(r: Reading, reply: Reply, context: Context) -> Match | None:
    """What any step's reply may say about the connection itself: out of step, the HELO name,
    reverse DNS, a busy or broken server."""
    if r.says(_SYNC):
        return Match("protocol-error", DECIDED, "client")
    if r.says(_HELO):
        return Match("helo-rejected")
    if r.says(_RDNS) and r.loose("7", "1"):
        both = r.says(_words(r"\bauthentication\b", r"\bspf\b", r"\bdkim\b"))
        return Match("reverse-dns-failed", LIKELY if both else DECIDED)
    if r.says(_SERVER_WAITED):
        return Match("server-timed-out", LIKELY)
    if r.code == 421 and r.says(_SERVER_FAULT) and r.says(_words(r"\bconfiguration\b")):
        return Match("service-unavailable", DECIDED, "receiver")
    if r.stage == "banner" and r.says(_BUSY) and r.transient:
        return Match("service-busy", LIKELY)
    return None


def _steps(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Replies whose step decides their meaning: STARTTLS, the greeting, EHLO."""
    if r.code == 521:
        return Match("no-mail-host")  # RFC 7504: this host never accepts mail
    if r.stage == "starttls":
        if r.code == 503 or r.says(_words(r"\balready (running |using |in |active)",
                                          r"\btls (is )?already\b")):
            return Match("bad-sequence")
        return Match("starttls-refused", DECIDED if r.transient else LIKELY)
    if r.stage == "banner":
        if r.permanent:
            return Match("connection-rejected", LIKELY if r.says(
                _words(r"\bpolicy\b", r"\byou\b", r"\bip\b", r"\bclient\b", r"\bhost\b",
                       r"\baccess\b", r"\breject")) else UNKNOWN,
                "sender-ip" if r.links(_IP_LINK) else "")
        if r.code == 421:
            return Match("service-unavailable", LIKELY)
        return Match("greeting-deferred", UNKNOWN)
    if r.stage == "ehlo" and r.code in (500, 502) and not r.says(_HELO):
        return Match("ehlo-unsupported", LIKELY)
    if r.stage in ("ehlo", "helo") and r.permanent and r.code not in (500, 501, 502, 503, 504):
        return Match("connection-rejected", LIKELY, "sender-ip" if r.links(_IP_LINK) else "")
    if r.stage in ("ehlo", "helo") and r.code == 501:
        return Match("helo-rejected", LIKELY)
    return None


def _tls_and_auth(r: Reading, reply: Reply, context: Context) -> Match | None:
    if r.says(_BASIC_AUTH_OFF):
        return Match("basic-auth-disabled")
    if r.sd == "7.30":
        return Match("requiretls")
    if r.sd in ("7.10", "7.11") or r.code == 538 or (r.says(_STARTTLS) and r.loose("7", "5")):
        return Match("tls-required")
    return _auth(r) if r.stage == "auth" else None


def _auth(r: Reading) -> Match | None:
    """AUTH replies: 535, 534, 432 and X.7.8/9/12/13 answer AUTH only (RFC 4954 §6)."""
    code, sd = r.code, r.sd
    if r.says(_BASIC_AUTH_OFF):
        return Match("basic-auth-disabled")
    if r.says(_LOGIN_RATE):
        return Match("login-rate-limited")
    if sd == "7.13" or r.says(_DISABLED):
        return Match("account-disabled")
    if code == 534 or sd in ("7.9", "7.14") or r.says(_APP_PASSWORD):
        return Match("auth-too-weak", DECIDED if code == 534 and sd in (None, "7.9") and
                     not r.says(_APP_PASSWORD) else LIKELY)
    if code == 535 or sd == "7.8":
        sure = sd == "7.8" or r.says(_words(r"\bpassword\b", r"\bcredentials\b",
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
    if r.says(_AUTH_FAILED) or code == 550:
        return Match("auth-failed", LIKELY)
    return None


def _sender(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The sender domain's authentication (SPF, DKIM, DMARC), its DNS, its identity."""
    prose = _PASSED.sub(" ", r.prose)
    spf = _SPF.search(prose) is not None
    dkim = re.search(r"\bdkim\b", prose) is not None
    if r.says(_words(r"\bauthentication (level|requirements?)\b")) and r.loose("7"):
        return Match("sender-authentication-failed")  # Microsoft 5.7.515: SPF, DKIM and DMARC
    if re.search(r"\bdmarc\b", prose) and (r.loose("7", "1") or re.search(
            r"\bdmarc\b.{0,20}\b(fail|reject|policy|check)|\b(due to|per|by) dmarc\b", prose)):
        return Match("dmarc-failed")
    if spf and not dkim and r.says(_SPF_FAIL) and not re.search(r"\bdmarc\b", prose):
        if r.transient and (r.sd == "7.24" or r.says(_TEMP_ERROR)):
            return Match("spf-temporary")
        return Match("spf-failed")  # Gmail writes SPF's own failure with X.7.26 too
    if r.sd == "7.26" or (r.loose("7") and ((spf and dkim) or (
            r.says(_UNAUTHENTICATED) and (spf or dkim)))):
        return Match("sender-authentication-failed")  # more than one check (RFC 7372 §3.3)
    if r.sd in ("7.23", "7.24") or (spf and r.says(_SPF_FAIL)):
        if r.transient and (r.sd == "7.24" or r.says(_TEMP_ERROR)):
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
    if r.stage in ("data", "dot") and r.says(_SENDER_AUTH) and r.loose("7"):
        return Match("sender-authentication-failed")
    if r.says(_SENDER_UNVERIFIED):
        return Match("sender-identity-unverified")
    return None


def _access(r: Reading, reply: Reply, context: Context) -> Match | None:
    """Relaying and logging in: what the sending account may do here."""
    explicit = r.says(_words(r"\brelay\w*\b", r"\brcpthosts\b"))
    if r.says(_RELAY) and (r.loose("7", "0") or explicit):
        if context.direct:  # the recipient domain's own MX does not take mail for it
            return Match("relay-denied", LIKELY, "receiver")
        return Match("relay-denied", DECIDED if explicit else LIKELY)
    if r.code == 530 or (r.says(_AUTH_REQUIRED) and r.loose("7", "5")
                         and not (r.stage in ("data", "dot") and r.says(_CONTENT))):
        return Match("auth-required")
    return None


def _storage(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The recipient's mailbox, the message's size and lines, the receiver's disk."""
    if r.says(_words(r"\b(organi[sz]ation|tenant|queue) quota\b")):
        return None  # the receiver's own limit (server-error)
    if r.sd == "2.2" or ((r.says(_QUOTA) or r.says(_MAILBOX_TOO_MANY)) and r.loose("2", "3")):
        return Match("mailbox-full")
    if r.says(_QUOTA) and r.stage in ("rcpt", "dot", "data"):
        return Match("mailbox-full", LIKELY)  # the words, with a code of another subject
    if r.says(_LINE_LONG):
        return Match("line-too-long")
    if r.says(_FORMAT):
        return Match("protocol-error", LIKELY, "format")
    too_big = (r.sd in ("3.4", "2.3", "7.16") or (r.says(_SIZE) and r.loose("2", "3", "5"))
               or (r.code == 552 and r.sd is None and r.stage in ("mail", "data", "dot")
                   and not r.says(_NO_SUCH) and not r.says(_VAGUE_RECIPIENT)))
    if too_big and r.says(_words(r"policy\b")) and not r.says(_SIZE):
        return Match("policy-rejected", UNKNOWN, "unknown")
    if too_big:
        if context.long_lines and _small(reply, context):
            return Match("line-too-long", LIKELY)  # "too big" for a small message: its lines
        return Match("message-too-large", DECIDED if r.says(_SIZE) or r.sd in ("3.4",)
                     else LIKELY)
    if r.sd == "3.1" and r.says(_words(r"\berror\b")) and not r.says(_STORAGE):
        return Match("server-error")  # "4.3.1 Temporary System Error"
    if r.sd == "3.1" or (r.code == 452 and r.says(_STORAGE) and r.loose("3", "4")):
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
    if r.says(_DISABLED) and (r.stage == "mail" or r.says(_words(r"\byour (account|mailbox)\b"))):
        return Match("account-disabled")  # the sending account, not a recipient's mailbox
    if r.sd == "2.1" and (r.says(_NO_SUCH) or r.says(_words(r"\binvalid address\b"))):
        return None  # the words say it does not exist (the address rules)
    if r.says(_words(r"\brejected: (inactive|disabled|suspended)\b")):
        return Match("mailbox-disabled", LIKELY)
    if (r.sd == "2.1" or (r.says(_DISABLED) and r.loose("2", "7"))
            or (r.sd == "7.13" and r.stage == "rcpt")):
        sure = r.says(_DISABLED) or r.says(_words(r"\bdisabled\b", r"\binactiv"))
        return Match("mailbox-disabled", DECIDED if sure or r.sd != "2.1" else LIKELY)
    return None


def _content(r: Reading, reply: Reply, context: Context) -> Match | None:
    if r.stage not in ("data", "dot"):
        return None
    if r.says(_words(r"^\[cs\]")) or r.says(_words(r"\bheaders?( value| field)?s? (is |are )?"
                                                     r"not allowed\b")):
        return Match("content-rejected", LIKELY)  # MailChannels' content scan; a header
    if r.says(_CONTENT):
        sure = r.says(_words(r"\bspam\b", r"\bvirus\b", r"\bmalware\b", r"\bcontent filter",
                             r"\bcontent\b", r"\binfected\b", r"\battachment"))
        likely_ip = r.says(_words(r"\blikely\b", r"\bsuspicious\b", r"\bsuspected\b"))
        return Match("content-rejected", DECIDED if sure and not likely_ip else LIKELY)
    return None


def _message_refused(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The message refused after the data with no reason: the likely causes, not one."""
    if r.stage in ("data", "dot") and r.permanent and r.says(_words(
            r"^(the )?message (is |was |has been )?(blocked|rejected|refused|not accepted|"
            r"not allowed)\b")) and len(r.prose.split()) <= 8:
        return Match("policy-rejected", UNKNOWN, "unknown")
    return None


def _deferral(r: Reading, reply: Reply, context: Context) -> Match | None:
    """A 450 or 451 that does not say why: name the likely causes, do not pick one."""
    if r.code in (450, 451, 452) and r.stage in ("mail", "rcpt", "data", "dot") and (
            (r.subject == "7" and r.code != 452) or (r.sd is None and r.says(_LATER))
            or r.says(_words(r"\bpolicy\b"))) and not r.says(_SERVER_FAULT):
        return Match("policy-deferred", UNKNOWN, "unknown")
    return None


def _addresses(r: Reading, reply: Reply, context: Context) -> Match | None:
    """The recipient's address, then the sender's."""
    code, sd = r.code, r.sd
    if (sd == "1.6" or code == 551) and forward_address(reply):
        return Match("recipient-redirected")
    if r.says(_words(r"\bsyntax\b")) and r.stage in ("mail", "rcpt") and r.loose("1", "5"):
        return Match("bad-address-syntax")
    if r.says(_words(r"\bsender address rejected: access denied\b")):
        return Match("sender-blocked", LIKELY)  # a local access rule refuses this sender
    if r.says(_SENDER) and r.loose("1", "7", "3", "5"):
        domain = sd == "1.8" or r.says(_words(r"\bdomain\b", r"\bdns\b", r"\bmx\b"))
        rights = r.says(_words(r"\bsend ?as\b", r"\bpermissions? to send\b",
                               r"\bnot owned by user\b"))
        fault = "sender-domain" if domain else "sender-account" if rights else ""
        return Match("sender-rejected", DECIDED, fault)
    if r.says(_words(r"\bnot an? valid (rfc ?-?5321 |rfc ?-?2?822 )?(e-?mail )?address\b",
                     r"\binvalid address syntax\b", r"\baddress syntax\b")):
        return Match("bad-address-syntax")
    if r.stage == "rcpt" and r.says(_BAD_DOMAIN) and not r.says(_words(r"\bsender\b")):
        return Match("bad-recipient-domain")
    if r.stage == "rcpt" or (r.stage in ("data", "dot") and r.says(_RECIPIENT_WORDS)):
        if sd == "1.10" and "null mx" not in r.prose and r.says(_NO_SUCH):
            return Match("unknown-recipient")  # Microsoft 365: "5.1.10 ... Recipient not found"
        if r.says(_NO_SUCH):
            return Match("unknown-recipient")  # the words decide, whatever the code's subject
    by_enhanced = {"1.10": "recipient-null-mx", "1.1": "unknown-recipient",
                   "1.2": "bad-recipient-domain", "1.6": "mailbox-moved",
                   "1.3": "bad-address-syntax", "1.7": "bad-address-syntax",
                   "1.8": "sender-rejected"}.get(sd or "")
    if by_enhanced == "sender-rejected":
        return Match(by_enhanced, DECIDED, "sender-domain" if sd == "1.8" else "")
    if by_enhanced == "unknown-recipient" and r.says(_words(r"\bplaceholder\b",
                                                            r"\bdefault recipient\b")):
        return Match("bad-address-syntax", LIKELY, "client", "placeholder-address")
    if by_enhanced:
        if by_enhanced == "unknown-recipient":
            sure = (r.says(_NO_SUCH) or r.says(_VAGUE_RECIPIENT) or r.stage == "rcpt") and not (
                r.says(_words(r"\bpolicy\b")))
        elif by_enhanced == "mailbox-moved":
            sure = r.says(_words(r"\bmoved\b"))
        else:
            sure = True
        return Match(by_enhanced, DECIDED if sure else LIKELY)
    if r.stage == "rcpt" and sd == "4.1" and r.permanent and r.says(_words(
            r"\brecipient address(es)? rejected\b", r"\baccess denied\b")):
        return Match("unknown-recipient", LIKELY)  # Exchange Online: "5.4.1 ... Access denied"
    if code == 556:
        return Match("recipient-null-mx")
    if r.says(_words(r"\bloop detected\b", r"\bmail loop\b", r"\bhop count exceeded\b",
                     r"\btoo many hops\b")):
        return Match("mail-loop")
    if code == 551 and r.says(_words(r"\bnot local\b", r"\bforward", r"\bplease try\b")):
        return Match("user-not-local")
    after_data = r.stage in ("data", "dot") and ("<>" in r.prose or r.says(_RECIPIENT_WORDS))
    if (r.stage == "rcpt" or after_data) and r.loose("1", "2"):
        if r.says(_VAGUE_RECIPIENT):
            return Match("unknown-recipient", LIKELY)  # a 4xx becomes recipient-deferred
        if r.says(_BAD_DOMAIN):
            return Match("bad-recipient-domain")
    if r.stage == "rcpt" and r.says(_words(r"\bnot in my validrcptto\b")):
        return Match("unknown-recipient", LIKELY)
    if r.stage == "mail" and code in (550, 553, 554) and r.says(_ADDRESS_WORDS) and not r.says(
            _words(r"\bpolicy\b", r"\breject due\b")):
        domain = r.says(_words(r"\bdomains?\b"))
        return Match("sender-rejected", LIKELY, "sender-domain" if domain else "")
    if r.stage == "rcpt" and r.says(_words(r"^i cannot deliver mail for <>$")):
        return Match("relay-denied", LIKELY)  # Haraka: not a domain it takes, not relaying
    if r.stage in ("mail", "rcpt") and code == 501 and (sd not in ("5.4",) or r.says(
            _words(r"\baddress\b")) and not r.says(_words(r"\bparameter\b"))):
        return Match("bad-address-syntax", DECIDED if sd in ("1.3", "1.7") else LIKELY)
    return None


def _protocol(r: Reading, reply: Reply, context: Context) -> Match | None:
    code, sd, subject = r.code, r.sd, r.subject
    if r.says(_SERVER_FAULT) or r.says(_words(
            r"\binternal resource\b", r"\b(queue|file|disk) (\w+ )?(write )?error\b",
            r"\btemporary (local|system|server) (problem|error|failure)\b",
            r"\bsystem problem\b", r"\bresources? (temporarily )?unavailable\b",
            r"\bqq\w* failure\b", r"\bfailed to be replicated\b",
            r"\b(organi[sz]ation|tenant) queue quota\b")):
        return Match("server-error", DECIDED if r.transient else LIKELY)
    if r.stage == "data" and r.says(_words(r"\bno (valid )?recipients?\b",
                                           r"\bvalid rcpt command must precede\b")):
        # the cause: the refused RCPT replies before it
        return Match("no-recipient-accepted", LIKELY, "", "no-recipient-said")
    if code == 503:
        if r.stage == "data" and r.says(_RELAY):
            return Match("relay-denied", LIKELY)
        return Match("bad-sequence")
    if code in (455, 555) or (r.stage in ("mail", "rcpt") and (code == 504 or sd == "5.4")):
        return Match("parameter-unsupported")
    if code in (500, 502):
        return Match("command-unrecognised", LIKELY)
    if code == 421 and r.says(_words(r"\b(refused|rejected|denied) (by|due to) (local )?policy\b",
                                     r"\bpolicy\b.{0,20}\b(refused|rejected|denied)\b")):
        return Match("connection-rejected", LIKELY)
    if code == 421:
        return Match("service-unavailable", LIKELY if not r.says(_BUSY) else DECIDED)
    if (sd in ("3.2", "4.5") or r.says(_BUSY)) and code < 500:
        return Match("service-busy", LIKELY)
    if subject == "7" and code >= 500 or (code >= 500 and r.says(_words(
            r"\bpolicy\b", r"\badministrative prohibition\b", r"\bprohibited\b"))):
        return _policy(r, reply)
    return None


def _policy(r: Reading, reply: Reply) -> Match:
    """A refusal by local policy that does not say why: whose side only when the words name it."""
    if r.says(_words(r"\bclient host\b", r"\byour (ip|host|server)\b")) or (
            r.stage in ("banner", "ehlo", "mail") and r.links(_IP_LINK)):
        return Match("policy-rejected", LIKELY, "sender-ip", "policy-your-host")
    based = {"ip": "sender-ip", "domain": "sender-domain", "header": "content",
             "content": "content"}
    for word, side in based.items():
        if r.says(_words(rf"\b{word}[- ]based\b")):
            return Match("policy-rejected", LIKELY, side)
    if r.says(_POLICY_SUBJECT):
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

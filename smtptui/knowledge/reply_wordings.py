"""The wordings diagnoses look for in a reply's prose: one compiled pattern per condition
(block lists, rates, relaying, authentication, sizes, senders, recipients, content...),
case-insensitive alternatives with word boundaries. diagnosis_rules.py reads them."""

from __future__ import annotations

import re


def words(*alternatives: str) -> re.Pattern[str]:
    """One pattern matching any of the alternatives (the prose is lower-case already)."""
    return re.compile("|".join(alternatives))


# -- wordings ----------------------------------------------------------------------------------

# The receiver's own block list look-up failed (Spamhaus answers a query from a public
# resolver with an error code that a naive filter takes for a listing).
LOOKUP_BROKEN = words(
    r"\bopen resolver\b", r"\bpublic resolver\b", r"\bexcessive number of queries\b",
    r"\b(dnsbl|rbl|block ?list) (query|look-?up|check) (failed|error)\b",
    r"\bquery (was )?(refused|blocked) by\b")
LOOKUP_BROKEN_LINK = re.compile(r"/returnc/")
# The sender's address or domain on a list (the receiver's, the recipient's own, or a DNS one
# such as Spamhaus DBL for the sender's domain): not the IP address.
SENDER_BLOCKED = words(
    r"\b(sender|from|envelope sender)( email)?( address| domain)?( <>)? (is )?"
    r"(black|block|deny|ban)(list)?(ed)?\b",
    r"\b(black|block|deny|ban) ?listed (sender|from)\b", r"\bblocked the sender\b",
    r"\brecipient'?s? (personal )?(block|black) ?list\b",
    r"\bsender address (<> )?blocked using\b", r"\bsender (address|domain) .{0,30}listed\b",
    r"\bmail ?from domain\b.{0,30}\blisted\b",
    r"\bbadmailfrom\b", r"\benvelope blocked\b", r"\bblocked senders?\b",
    r"\bsender (is )?on (the|a|our) (block|black|deny) ?list\b")
# A link or domain in the message on a list (Spamhaus DBL, SURBL, URIBL): the content.
LISTED_CONTENT = words(
    r"\b(url|uri|link|web ?site|domain in (the )?(message|body))s?\b.{0,40}"
    r"\b(listed|blocked|black ?listed|block ?listed)\b",
    r"\b(surbl|uribl)\b", r"\bdbl\b.{0,40}\b(url|uri|link|body)\b")
# Your IP (or its network) on a block list, as the reply's words say it.
BLOCKLIST = words(
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
LIST_LINK = re.compile(r"spamhaus\.org|spamcop\.net|sorbs\.net|uceprotect\.net|"
                        r"barracudacentral\.org|mailspike\.|surbl\.org|abuseat\.org")
# The sending IP's reputation at the receiver (not a public list, not the message).
REPUTATION = words(
    r"\breputation\b", r"\bcomplaints?\b", r"\bsenderbase\b", r"\btalos\b",
    r"\bsender score\b", r"\b(suspected |known )?spam(mer| sender| source)s?\b")
REPUTATION_LINK = re.compile(r"ipcheck\.proofpoint\.com|proofpoint\.com/dnsbl|"
                              r"postmaster\.yahoo(inc)?\.com|sendersupport\.olc|"
                              r"csi\.cloudmark|sender\.office\.com")
FROM_IP_REFUSED = words(
    r"\b(all )?(messages|mails?|e-?mails?|traffic|connections) from <>\W.{0,40}?"
    r"\b(deferred|refused|rejected|blocked|not accepted|permanently|temporarily)\b",
    r"\btraffic not accepted from this ip\b", r"\bnot accepted from (this|your) ip\b",
    r"\b(from|originating from) (your|this) ip( address)?\b.{0,80}\b(blocked|deferred|"
    r"rejected|refused)\b",
    r"\bip( address)? (<> )?(has been |is )?(temporarily )?(blocked|rejected|deferred)\b",
    r"\b(spam|abuse)\b.{0,30}\bfrom (this |your |the )?ip( range| address| network)?\b")
BLOCKED_SEE = re.compile(r"^blocked\b|\bblocked - see\b")
IP_LINK = re.compile(r"[?&]ip=")
NO_RETRY = words(r"retrying will not", r"will not succeed", r"\b(do not|don't) retry\b",
                   r"permanently (deferred|blocked|rejected)")
#: A Spamhaus zone named with no link to a listing: with a look-up through a public resolver,
#: Spamhaus answers an error code that older filters take for a listing.
SPAMHAUS_ZONE = re.compile(r"\b(zen|sbl|xbl|pbl|sbl-xbl)\.spamhaus\.org\b")
# Connection and session limits.
CONNECTIONS = words(
    r"\btoo many (\w+ ){0,2}(connections|sessions)\b",
    r"\b(concurrent|simultaneous|parallel) (smtp )?(connection|session)s? (limit|exceeded)",
    r"\b(connection|session) (count |concurrency )?limit (reached|exceeded|hit)\b",
    r"\bmaximum (number of )?(concurrent |simultaneous )?(connections|sessions)\b",
    r"\bconnection limit\b")
ERRORS = words(r"\btoo many (\w+ ){0,2}errors\b", r"\berror limit\b",
                 r"\btoo many (bad|invalid|failed|unknown|rejected|unrecogni[sz]ed) "
                 r"(commands|recipients|rcpts?)\b")
LOGIN_RATE = words(
    r"\btoo many (\w+ )?(login|logon|authentication|auth) (attempts|failures|requests|tries)\b",
    r"\b(login|logon|authentication) (rate|attempt) limit", r"\btoo many (logins|logons)\b")
BUSY = words(r"\b(too |server |system |is )busy\b", r"\boverloaded\b",
               r"\bload (is )?too high\b", r"\bnot accepting (network )?messages\b")
RATE = words(
    r"\brate.?limit", r"\bthrottl", r"\btoo many (messages|mails|emails)\b",
    r"\bfrequency limit", r"\btoo many recent messages\b",
    r"\bmax(imum)? (messages?|mails?|recipients?) per (connection|session)\b",
    r"\btoo (many|much) (\w+ )?(mail|e-?mails?|messages|recipients|rcpts?) from\b",
    r"\b(connection|message|sending) rate\b", r"\btoo fast\b", r"\btoo frequent",
    r"\b(unexpected|unusual|excessive|high) (volume|rate)\b")
RECIPIENT_RATE = words(
    r"\breceiving (mail|messages|email) at a rate\b", r"\bmailbox rate limit",
    r"\b(recipient|user|mailbox) (is )?receiving too (much|many)\b",
    r"\breceiving (mail|messages|e-?mail) too (quickly|fast)\b",
    r"\brecipient has exceeded (their |its |the )?(message )?(rate )?limit\b",
    r"\bmessages they can receive per\b")
SEND_QUOTA = words(
    r"\b(daily|hourly)\b.{0,30}\b(limit|quota)\b", r"\bsending (limit|quota)s?\b",
    r"\bmessage (limit|quota) (exceeded|reached)\b", r"\bmaximum sending rate\b",
    r"\b(account|user) (has )?(exceeded|reached) (its |the |their )?(\w+ )?(limit|quota)\b",
    r"\bsender has exceeded the limit\b",
    r"\b(e-?mails?|messages?) per (hour|day|minute)\b", r"\bexceeded the max(imum)? (e-?mails?|"
    r"messages?|number of (e-?mails?|messages))\b")
MAILBOX_TOO_MANY = words(r"\btoo many messages in (the |this |your )?mailbox\b")
UNAUTHENTICATED = words(r"\bunauthenticated\b", r"\bnot authenticated\b")
GREY = words(r"\bgr[ae]y.?list")
LATER = words(r"\b(try again|come back|retry|try) later\b", r"\b(retry|try again) in \d+",
                r"temporarily (deferred|rejected)")
#: The server gave up waiting for the client (Postfix's "Error: timeout exceeded").
SERVER_WAITED = words(r"\btime-?out exceeded\b", r"\btimeout waiting for (client|input|"
                        r"command|data)\b", r"\bidle (too long|timeout)\b",
                        r"\btoo slow\b", r"\bconnection timed out waiting\b")
SERVER_FAULT = words(r"\blocal (problem|error)\b",
                       r"\binternal (server |system )?(error|problem)\b",
                       r"\bresources? (temporarily )?unavailable\b",
                       r"\b(organi[sz]ation|tenant) queue quota\b",
                       r"\bbackend failure\b", r"\bconfiguration (error|problem)\b")
TEMP_ERROR = words(r"\btemp(orary)? ?error\b", r"\btemperror\b", r"\btime.?out\b",
                     r"\bdns\b.{0,20}\b(fail\w*|error)\b")
RELAY = words(
    r"\brelay\w*\b.{0,40}?\b(denied|not (permitted|allowed)|prohibited|refused|forbidden|"
    r"disallowed)",
    r"\b(not (permitted|allowed|authori[sz]ed)|unable|cannot|can't|do(es)? not|don't|won't) "
    r"(to )?relay\b", r"\bno relaying\b", r"\ballowed rcpthosts\b",
    r"(\bnot|n't) (allowed|permitted) to be relayed\b",
    r"\bdelivery (is )?not allowed to this address\b")
STARTTLS = words(
    r"starttls", r"\btls (is )?required\b", r"\brequires? (tls|encryption|a secure)\b",
    r"\bencryption (is )?required\b", r"\bsecure connection required\b", r"\b(tls|ssl) first\b")
AUTH_REQUIRED = words(
    r"\bauth(entication)? (is )?required\b", r"\bmust (first )?(authenticate|log ?in)\b",
    r"\bnot authenticated\b", r"\bplease (authenticate|log ?in)\b", r"\blog ?in first\b",
    r"\bnot logged in\b", r"\bauthentication needed\b", r"\bsmtp auth required\b",
    r"\bunauthenticated (senders?|users?|relay|sending|clients?)\b")
BASIC_AUTH_OFF = words(
    r"\bbasic auth(entication)? (is )?(disabled|not (allowed|supported|enabled))\b",
    r"\bsmtp ?client ?authentication (is )?disabled\b",
    r"\b(smtp )?auth(entication)? (is )?disabled (for|on) (the )?(tenant|account|mailbox|"
    r"organi[sz]ation|user)\b",
    r"\blegacy authentication\b", r"\bpassword (login|authentication|auth) (is )?"
    r"(disabled|not (allowed|supported))\b", r"\bsecurity defaults\b")
APP_PASSWORD = words(r"\bapplication-specific password\b", r"\bapp password\b",
                       r"\blog ?in via your web browser\b", r"\bweb ?login required\b")
AUTH_FAILED = words(
    r"\bauth\w* (failed|failure|unsuccessful)\b", r"\binvalid (credentials|login|password|user)",
    r"\b(bad|wrong|incorrect) (password|credentials|authentication data)\b",
    r"\b(username|user name) and password not accepted\b", r"\bcredentials (were )?rejected\b")
RDNS = words(r"\breverse (dns|hostname|lookup|address)\b", r"\bptr\b", r"\brdns\b",
               r"\bcannot find your (reverse )?hostname\b", r"\bno (reverse|ptr)\b")
HELO = words(
    r"\b(hel|ehl)o\b( command)?( name| hostname| host| argument)?\b.{0,90}?"
    r"(rejected|invalid|not allowed|forged|denied|not (matching|match)|does(n't| not) match|"
    r"mismatch|not valid|not resolv|not (a )?fqdn|must be)",
    r"\b(invalid|bad|forged|bogus) (hel|ehl)o\b", r"\bfully.qualified (host|domain)")
QUOTA = words(r"\bmailbox (is )?full\b", r"\bover ?quota\b",
                r"\bquota (exceeded|full|violation)\b",
                r"\bexceed\w* .{0,30}quota\b", r"\binsufficient (user )?quota\b",
                r"\bmailbox (size )?limit\b", r"\bquotaexceeded\b", r"\bmailbox .{0,20}full\b")
LINE_LONG = words(r"\bline (is |was )?too long\b", r"\b(line|lines) (longer|exceed\w*)\b",
                    r"\bline length\b", r"\btoo long (line|lines)\b", r"\b998\b",
                    r"\bline limit\b")
SIZE = words(r"\btoo (big|large)\b", r"\bsize (limit|exceed)",
               r"\bexceeds? .{0,30}(size|limit)\b",
               r"\bmessage (is )?too long\b", r"\bmessage size\b", r"\bsize of the message\b")
STORAGE = words(r"\bstorage\b", r"\bdisk space\b", r"\bdisk (is )?full\b")
SENDER = words(
    r"\bsender (address )?(is )?(rejected|refused|denied|not allowed|not permitted|invalid)",
    r"\b(from|sender) address .{0,20}(rejected|not allowed|invalid)", r"\bdomain of sender\b",
    r"\bsender domain\b", r"\bnot owned by user\b", r"\bsend ?as\b", r"\binvalid sender\b",
    r"\banti-?spoofing\b", r"\bspoof", r"\binvalid dns (mx|a)\b",
    r"\bmx or a(/aaaa)? resource record\b")
# The receiver checked the sender address with the sender domain's own server (a callout).
SENDER_VERIFY = words(
    r"\bsender verif\w* failed\b", r"\bsender\b.{0,60}\bcallout\b",
    r"\bcallout\b.{0,60}\bsender\b", r"\bprevious \(cached\) callout\b",
    r"\bsender address verification\b", r"\bcould not verify (the )?sender\b",
    r"\bsender address rejected: unverified address\b", r"\bunverified sender\b")
SENDER_UNVERIFIED = words(
    r"\b(email address|identit(y|ies)|sender( address)?|domain) (is |are )?not verified\b",
    r"\bidentities failed the check\b",
    r"\bnot (authori[sz]ed|allowed|permitted) to send (from|as|on behalf of) (that|this|the)"
    r"( email)? address\b")
ADDRESS_WORDS = words(r"\b(sender|address|from|domain|mailbox)\b")
# The recipient: outright non-existence first, then the vaguer wordings.
NO_SUCH = words(
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
RECIPIENT_WORDS = words(r"\b(user|mailbox|account|recipient|addressee|person)\b")
VAGUE_RECIPIENT = words(
    r"\brecipient (address )?rejected\b", r"\binvalid (recipient|mailbox|address)\b",
    r"\bmailbox (is )?unavailable\b", r"\bundeliverable address\b", r"\bunrouteable address\b",
    r"\baddress rejected\b", r"\bnot (available|hosted) here\b", r"\bnot in my validrcptto\b",
    r"\brecipient (is )?not (valid|allowed)\b", r"\bbad recipient\b", r"\bnot local\b",
    r"\brecipient (is )?(temporarily )?unavailable\b", r"\bno longer (valid|active|exists)\b",
    r"\binvalid recipient\b")
BAD_DOMAIN = words(r"\bdomain (\S+ )?(not found|does not exist|doesn't exist|unknown)\b",
                     r"\b(host|domain) unknown\b", r"\bunknown (domain|host)\b",
                     r"\bno such domain\b")
DISABLED = words(r"\b(mailbox|account|user) (is |has been |was )?(disabled|inactive|suspended|"
                   r"locked|deactivated|blocked)\b", r"\bdisabled (mailbox|account)\b")
CONTENT = words(r"\bspam\w*\b", r"\bunsolicited\b", r"\bvirus\b", r"\bmalware\b",
                  r"\bphish", r"\binfected\b", r"\bcontent\b", r"\battachment", r"\bjunk\b",
                  r"\bsuspicious\b", r"\bbulk\b")
FORMAT = words(r"\bbare (cr|lf|linefeed|carriage return)s?\b", r"\bbarelinefeed",
                 r"\b822\.?bis\b", r"\brfc ?5322\b", r"\brfc ?2822\b",
                 r"\bmessage-id\b.{0,20}\b(missing|required)\b", r"\bmalformed (message|header)",
                 r"\b(invalid|malformed|missing|duplicate|multiple|bad) (\w+ )?headers?\b",
                 r"\b(missing|no|invalid|malformed|multiple)\b.{0,30}\b(from|date|message-id|"
                 r"sender|to|subject):? header\b", r"\bheader (syntax|format)\b",
                 r"\b(from|date|message-id|sender|subject):? header\b.{0,20}\b(missing|does not "
                 r"exist|required|invalid|malformed)\b", r"\bnot rfc[- ]?\d*\s*compliant\b",
                 r"\bheaders? (are |is )?not (rfc|valid|compliant)")
SYNC = words(r"\bsynchroni[sz]ation\b", r"\bsent (input|commands?) (before|without waiting)",
               r"\bpipelining (not allowed|violation)\b", r"\bbefore (the |my )?greeting\b",
               r"\btalk(ed|ing)? too soon\b", r"\bearly talker\b")
LMTP_HINT = words(r"\blhlo\b", r"\blmtp\b")
SMTP_HINT = words(r"\b(use|send) (ehlo|helo)\b", r"\bnot an lmtp\b")
POLICY_SUBJECT = words(r"\b(recipient|sender|client|host|your) (address |access )?"
                         r"(rejected|denied|refused)\b", r"\byour access\b",
                         r"\baccess (denied|rejected)\b")
# RFC 5321 §3.4: "551 User not local; please try <forward-path>". Only a plain address is
# taken (no braces, quotes or control characters), so it can go into a diagnosis safely.
FORWARD = re.compile(r"\b(?:please try|try|forward(?:ed|ing)? to)\s*<([A-Za-z0-9.!#$%&'*+/=?^_`"
                      r"~-]{1,64}@[A-Za-z0-9.-]{1,253})>", re.IGNORECASE)
NUMBER = re.compile(r"(?<![\d.])(\d{5,12})(?![\d.])")
SPF = words(r"\bspf\b", r"\bsender policy framework\b")
SPF_FAIL = words(r"\bfail", r"\bnot (allowed|authori[sz]ed|permitted|designated)\b",
                   r"\bprohibited\b", r"\bviolation\b", r"\breject", r"-all\b",
                   r"\bdoes not pass\b",
                   r"\bcheck\b", r"\bsoftfail\b", r"\bhard\b")
#: "Dkim= Pass", "dmarc=pass": a check the reply says passed is not the one that failed.
PASSED = re.compile(r"\b(spf|dkim|dmarc)\s*[=:]\s*pass\b")
SENDER_AUTH = words(r"\bauthentication (information|checks?|level|results)\b",
                      r"\bnot authenticated\b", r"\bunauthenticated\b",
                      r"\bfails? (to pass )?(sender )?authentication\b")

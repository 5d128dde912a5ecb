"""EHLO keywords in plain words, set against this session's message and TLS state (no UI here)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from smtptui.smtp.capabilities import PLAIN_LAST_LINES, Capabilities
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.record import record


@record(frozen=True)
class Meaning:
    """What one EHLO keyword means, in one line, and where it is defined."""

    summary: str
    reference: str


#: The SASL mechanisms smtptui can log in with.
SUPPORTED_AUTH = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")

_EXCHANGE = "Microsoft Exchange"

#: Upper-cased keyword -> its meaning. Private (X...) verbs name the product that defines them.
MEANINGS: dict[str, Meaning] = {
    "SIZE": Meaning("the largest message the server accepts, in octets", "RFC 1870"),
    "PIPELINING": Meaning("the client may send several commands without waiting for each reply",
                          "RFC 2920"),
    "8BITMIME": Meaning("message bodies with 8-bit bytes are accepted (BODY=8BITMIME)",
                        "RFC 6152"),
    "BINARYMIME": Meaning("binary message bodies are accepted, sent with BDAT (BODY=BINARYMIME)",
                          "RFC 3030"),
    "CHUNKING": Meaning("the message may be sent in sized BDAT chunks instead of DATA",
                        "RFC 3030"),
    "DSN": Meaning("delivery status notifications can be requested (NOTIFY=, RET=, ENVID=)",
                   "RFC 3461"),
    "ENHANCEDSTATUSCODES": Meaning("replies carry enhanced status codes such as 5.7.1",
                                   "RFC 2034"),
    "SMTPUTF8": Meaning("UTF-8 (internationalised) addresses and headers are accepted",
                        "RFC 6531"),
    "STARTTLS": Meaning("the connection can be upgraded to TLS", "RFC 3207"),
    "AUTH": Meaning("clients may log in (SMTP AUTH) with the SASL mechanisms listed", "RFC 4954"),
    "ETRN": Meaning("a client may ask the server to flush mail queued for a domain", "RFC 1985"),
    "TURN": Meaning("swap client and server roles; obsolete and unsafe, no client should use it",
                    "RFC 821"),
    "ATRN": Meaning("authenticated TURN: fetch queued mail over the same connection (ODMR)",
                    "RFC 2645"),
    "VRFY": Meaning("asks whether a mailbox exists (often disabled, or answers vaguely)",
                    "RFC 5321"),
    "EXPN": Meaning("expands a mailing list into its members (usually disabled)", "RFC 5321"),
    "HELP": Meaning("the server answers the HELP command with help text meant for a human "
                    "(some servers, aiosmtpd among them, list it)", "RFC 5321 §4.1.1.8"),
    "DELIVERBY": Meaning("a deadline for delivery can be set on a message (BY=)", "RFC 2852"),
    "MT-PRIORITY": Meaning("a transfer priority can be set on a message (MT-PRIORITY=)",
                           "RFC 6710"),
    "REQUIRETLS": Meaning("a message can demand TLS on every hop of its way (REQUIRETLS)",
                          "RFC 8689"),
    "LIMITS": Meaning("the server's limits, e.g. RCPTMAX recipients per message", "RFC 9422"),
    "FUTURERELEASE": Meaning("a message can be held and released at a later time", "RFC 4865"),
    "NO-SOLICITING": Meaning("solicitation class keywords can be given with a message (SOLICIT=)",
                             "RFC 3865"),
    "MTRK": Meaning("message tracking can be requested (MTRK=)", "RFC 3885"),
    "PRDR": Meaning("per-recipient replies after the data (each recipient may accept or not)",
                    "draft-hall-prdr"),
    "BURL": Meaning("the message may be fetched from an IMAP URL instead of sent (submission)",
                    "RFC 4468"),
    "CHECKPOINT": Meaning("an interrupted transfer can be resumed where it stopped", "RFC 1845"),
    "RRVS": Meaning("a recipient can be required to have been valid since a given date",
                    "RFC 7293"),
    "SUBMITTER": Meaning("the responsible submitter can be named (SUBMITTER=)", "RFC 4405"),
    "CONPERM": Meaning("content conversion permission can be given (CONPERM=)", "RFC 4141"),
    "CONNEG": Meaning("content negotiation with the recipients is supported", "RFC 4141"),
    "UTF8SMTP": Meaning("experimental forerunner of SMTPUTF8 (obsolete)", "RFC 5336"),
    "SEND": Meaning("deliver to a user's terminal instead of a mailbox (obsolete)", "RFC 821"),
    "SOML": Meaning("send to terminal or mailbox (obsolete)", "RFC 821"),
    "SAML": Meaning("send to terminal and mailbox (obsolete)", "RFC 821"),
    "VERB": Meaning("verbose mode: the server reports its delivery steps", "Sendmail"),
    "ONEX": Meaning("one transaction only on this connection", "Sendmail"),
    "XCLIENT": Meaning("a trusted proxy may pass on the original client's address and name",
                       "Postfix"),
    "XFORWARD": Meaning("a trusted content filter may pass on the original client's details",
                        "Postfix"),
    "XVERP": Meaning("variable envelope return paths can be requested", "Postfix"),
    "X-EXPS": Meaning("Exchange server-to-server login, like AUTH, with the mechanisms listed",
                      _EXCHANGE),
    "X-LINK2STATE": Meaning("Exchange servers swap routing topology (link state) with this verb",
                            _EXCHANGE),
    "XEXCH50": Meaning("Exchange servers relay Exchange-only message properties with this verb",
                       _EXCHANGE),
    "X-ANONYMOUSTLS": Meaning("TLS between Exchange servers of one organisation", _EXCHANGE),
    "XUSR": Meaning("the client marks the message as a user's initial submission (a verb of "
                    "Sendmail 8.9 to 8.12)", "Sendmail"),
    "XSHADOW": Meaning("Exchange shadow redundancy: a copy is kept until delivery is confirmed",
                       _EXCHANGE),
    "XSHADOWREQUEST": Meaning("Exchange shadow redundancy request between Exchange servers",
                              _EXCHANGE),
    "XRDST": Meaning("private verb between Exchange servers", _EXCHANGE),
    "XOORG": Meaning("Exchange servers name the organisation a message belongs to", _EXCHANGE),
    "XPROXY": Meaning("private proxy verb between Exchange front end and back end", _EXCHANGE),
    "XPROXYFROM": Meaning("private proxy verb between Exchange front end and back end",
                          _EXCHANGE),
    "XSESSIONPARAMS": Meaning("private verb between Exchange servers", _EXCHANGE),
}

#: Keywords that get a row even when the server does not offer them: their absence matters.
WATCHED = ("SIZE", "STARTTLS", "AUTH", "8BITMIME", "PIPELINING", "CHUNKING", "DSN", "SMTPUTF8",
           "ENHANCEDSTATUSCODES")

#: Levels of a row's verdict, from good to bad; "unknown" marks a keyword not in the table.
LEVELS = ("ok", "info", "warn", "bad", "unknown")

_MB = 1_000_000


@record(frozen=True)
class Row:
    """One keyword set against this session: what it is, and what it means for this session."""

    keyword: str
    params: str  # the parameters as advertised, space-separated ("" when none)
    meaning: str  # one line; "unknown keyword ..." when not in the table
    reference: str  # "RFC 1870", a product name, or ""
    session: str  # what this keyword means for this session ("" when nothing to say)
    level: str  # one of LEVELS
    offered: bool = True
    known: bool = True


def meaning(keyword: str) -> Meaning | None:
    """The meaning of one EHLO keyword (any case), None when it is not in the table."""
    return MEANINGS.get(keyword.upper())


#: What an EHLO keyword smtptui does not know is called, private (X...) or not.
UNKNOWN_PRIVATE = "unknown keyword: a private (X) extension smtptui does not know"
UNKNOWN = "unknown keyword: not in smtptui's table"
#: The verdict of a keyword smtptui does not know.
NOT_KNOWN = "not known to smtptui"


def describe(keyword: str, params: Sequence[str] = ()) -> tuple[str, str, bool]:
    """(meaning, reference, known) for one advertised keyword: every keyword is either
    explained (known, or Exchange's bare "OK" line) or said to be unknown."""
    known = meaning(keyword)
    if known is not None:
        return known.summary, known.reference, True
    if keyword.upper() in PLAIN_LAST_LINES and not params:
        return "not a keyword: a plain last line, as Exchange and IIS send it", "", True
    if _MASKED.fullmatch(keyword.upper()):
        return ("a keyword masked by an SMTP-inspecting firewall (Cisco ASA 'inspect esmtp' "
                "writes X's over extensions it does not let through, STARTTLS often among "
                "them)", "Cisco ASA: inspect esmtp", True)
    return (UNKNOWN_PRIVATE if keyword.upper().startswith("X") else UNKNOWN), "", False


#: A keyword an SMTP-inspecting firewall wrote X's over ("XXXXXXXA").
_MASKED = re.compile(r"X{4,}[A-Z]?")

CapsLike = Capabilities | Mapping[str, Sequence[str]]


def _keywords(caps: CapsLike | None) -> dict[str, tuple[str, ...]]:
    if caps is None:
        return {}
    if isinstance(caps, Capabilities):
        return dict(caps.keywords)
    return {str(k).upper(): tuple(str(p) for p in v) for k, v in caps.items()}


def megabytes(octets: int) -> str:
    """Octets as MB (10^6 octets); under one MB as kB, so that a small message is not "0.00"."""
    if octets < _MB:
        return f"{octets / 1000:.1f} kB"
    value = octets / _MB
    return f"{value:.2f} MB" if value < 10 else f"{value:.1f} MB"


def _size(params: tuple[str, ...], facts: MessageFacts | None) -> tuple[str, str]:
    limit = int(params[0]) if params and params[0].isdigit() else 0
    if not limit:
        text = "no fixed limit"
        if facts is not None:
            text += f"; this message {megabytes(facts.size)}"
        return text, "info"
    text = f"max {megabytes(limit)}"
    if facts is None:
        return text, "info"
    size = facts.size
    text += f"; this message {megabytes(size)}"
    if size > limit:
        return text + ": too big, not sent", "bad"
    if size > limit * 0.9:
        return text + ": fits, barely", "warn"
    return text + ": fits", "ok"


def _auth(params: tuple[str, ...], tls_active: bool) -> tuple[str, str]:
    offered = [p.upper() for p in params]
    usable = [m for m in offered if m in SUPPORTED_AUTH]
    if not offered:
        return "AUTH offered with no mechanism listed", "warn"
    if not usable:
        return (f"none usable (smtptui has {', '.join(SUPPORTED_AUTH)})", "bad")
    text = "usable: " + ", ".join(usable)
    if not tls_active:
        return text + "; before TLS: a password goes in clear", "warn"
    return text, "ok"


def _eight_bit(offered: bool, facts: MessageFacts | None) -> tuple[str, str]:
    if facts is None:
        return ("8-bit bodies accepted" if offered else "7-bit bodies only"), "info"
    if facts.eight_bit:
        if offered:
            return "message is 8-bit: sent with BODY=8BITMIME", "ok"
        return "message is 8-bit: it will not be sent", "bad"
    return "message is 7-bit: not needed", ("ok" if offered else "info")


def _limits(params: tuple[str, ...], recipients: Sequence[str]) -> tuple[str, str]:
    values = dict(p.upper().partition("=")[::2] for p in params)
    rcptmax = values.get("RCPTMAX", "")
    if rcptmax.isdigit() and recipients:
        most, count = int(rcptmax), len(recipients)
        if count > most:
            return f"{count} recipients, {most} per message: the rest get 452", "warn"
        return f"{count} recipient(s), up to {most} per message", "ok"
    return "", "info"


def _offered_verdict(keyword: str, params: tuple[str, ...], facts: MessageFacts | None,
                     tls_active: bool, recipients: Sequence[str],
                     addresses_utf8: bool, starttls_done: bool = False) -> tuple[str, str]:
    if keyword == "SIZE":
        return _size(params, facts)
    if keyword == "AUTH":
        if starttls_done:
            return "offered before TLS; the EHLO inside TLS says what is offered there", "info"
        return _auth(params, tls_active)
    if keyword == "STARTTLS":
        if starttls_done:
            return "used: TLS is up", "ok"
        if tls_active:
            return "offered again inside TLS (RFC 3207 forbids it)", "warn"
        return "offered: the session can be encrypted", "ok"
    if keyword == "8BITMIME":
        return _eight_bit(True, facts)
    if keyword == "PIPELINING":
        return "not used: one command at a time", "info"
    if keyword in ("CHUNKING", "BINARYMIME"):
        return "not used: the message goes by DATA", "info"
    if keyword == "DSN":
        return "not used: the server's default notices", "info"
    if keyword == "SMTPUTF8":
        if addresses_utf8:
            return "non-ASCII addresses: sent with SMTPUTF8", "ok"
        return "non-ASCII addresses accepted", "ok"
    if keyword == "ENHANCEDSTATUSCODES":
        return "replies carry codes like 5.7.1", "ok"
    if keyword == "LIMITS":
        return _limits(params, recipients)
    if keyword == "TURN":
        return "a security risk if really enabled", "warn"
    if keyword in ("VRFY", "EXPN", "HELP"):
        return "not used; try it in manual mode", "info"
    if keyword == "X-EXPS":
        return "Exchange to Exchange only; smtptui uses AUTH", "info"
    return "", "info"


def _absent_verdict(keyword: str, facts: MessageFacts | None, tls_active: bool,
                    addresses_utf8: bool) -> tuple[str, str]:
    if keyword == "SIZE":
        return "no size declared: a limit shows at the end", "info"
    if keyword == "STARTTLS":
        if tls_active:
            return "not needed: already encrypted", "ok"
        return "not offered: all in plain text", "warn"
    if keyword == "AUTH":
        if tls_active:
            return "not offered: no login here", "info"
        return "not offered (some offer it after STARTTLS)", "info"
    if keyword == "8BITMIME":
        return _eight_bit(False, facts)
    if keyword == "PIPELINING":
        return "one command at a time (as smtptui does)", "info"
    if keyword == "CHUNKING":
        return "DATA only (as smtptui sends it)", "info"
    if keyword == "DSN":
        return "no delivery notices can be asked for", "info"
    if keyword == "SMTPUTF8":
        if addresses_utf8:
            return "non-ASCII addresses: they will not be sent", "bad"
        return "addresses must be ASCII", "info"
    if keyword == "ENHANCEDSTATUSCODES":
        return "replies carry only 3-digit codes", "info"
    return "", "info"


def assess(caps: CapsLike | None, message_facts: MessageFacts | None, tls_active: bool, *,
           sender: str = "", recipients: Sequence[str] = (),
           starttls_done: bool = False) -> list[Row]:
    """Every advertised keyword, then the watched ones not offered, set against this session.

    ``caps`` is a Capabilities or a keyword -> parameters mapping (Result.capabilities);
    ``message_facts`` the scan of this session's message (None when not known yet).
    ``tls_active``: the reply came inside TLS. ``starttls_done``: ``caps`` is the reply from
    before STARTTLS, which has since succeeded (the EHLO inside TLS is still to come), so
    STARTTLS was used and AUTH is not judged on it.
    """
    keywords = _keywords(caps)
    if isinstance(caps, Capabilities) and not caps.esmtp:
        return [Row("HELO", "", "the server did not take EHLO: plain SMTP, no extensions",
                    "RFC 5321", "no SIZE, no STARTTLS, no AUTH in this session", "warn")]
    utf8 = not all(a.isascii() for a in (sender, *recipients))
    rows: list[Row] = []
    for keyword, params in keywords.items():
        summary, ref, known = describe(keyword, params)
        session, level = _offered_verdict(keyword, params, message_facts, tls_active,
                                          recipients, utf8, starttls_done)
        if not known:
            level = "unknown"
            session = session or NOT_KNOWN
        rows.append(Row(keyword, " ".join(params), summary, ref, session, level,
                        offered=True, known=meaning(keyword) is not None))
    if not keywords:
        return rows
    for keyword in WATCHED:
        if keyword in keywords:
            continue
        watched = MEANINGS[keyword]
        session, level = _absent_verdict(keyword, message_facts, tls_active, utf8)
        rows.append(Row(keyword, "", watched.summary, watched.reference, session, level,
                        offered=False))
    return rows


#: Between the STARTTLS hand-shake and the EHLO reply inside TLS (or when none came).
EHLO_IN_TLS_TO_COME = ("TLS is up; no EHLO reply inside TLS yet: the keywords shown came "
                       "before TLS, and the EHLO inside TLS replaces them")


def ehlo_in_tls_pending(before: CapsLike | None, after: CapsLike | None,
                        tls_active: bool) -> bool:
    """STARTTLS succeeded but no EHLO reply came inside TLS yet: ``before`` is the reply from
    before STARTTLS, ``after`` the one inside TLS (None so far)."""
    return before is not None and after is None and tls_active


def starttls_notes(before: CapsLike | None, after: CapsLike | None,
                   tls_active: bool) -> list[str]:
    """The lines under "Before and after STARTTLS": that the EHLO inside TLS is still to come,
    or what changed between the two replies; empty when there was no STARTTLS (or nothing
    changed: the caller tells the two apart by whether it has both replies).

    ``before`` is the EHLO reply before STARTTLS (None without STARTTLS); ``after`` the
    latest one (inside TLS after STARTTLS; the only one otherwise).
    """
    if ehlo_in_tls_pending(before, after, tls_active):
        return [EHLO_IN_TLS_TO_COME]
    return diff(before, after)


def diff(before: CapsLike | None, after: CapsLike | None) -> list[str]:
    """What changed between the EHLO before STARTTLS and the one after, one line each.

    Empty when there is no before-and-after pair or nothing changed.
    """
    if before is None or after is None:
        return []
    old, new = _keywords(before), _keywords(after)
    lines: list[str] = []
    for keyword, params in new.items():
        shown = f" ({' '.join(params)})" if params else ""
        if keyword not in old:
            lines.append(f"{keyword} offered only after TLS{shown}")
            continue
        before_params = old[keyword]
        if [p.upper() for p in before_params] == [p.upper() for p in params]:
            continue
        if keyword == "AUTH" or all(not p.isdigit() for p in (*before_params, *params)):
            was = {p.upper() for p in before_params}
            now = {p.upper() for p in params}
            added = [p for p in params if p.upper() not in was]
            gone = [p for p in before_params if p.upper() not in now]
            parts = []
            if added:
                parts.append(f"{' '.join(added)} added after TLS")
            if gone:
                parts.append(f"{' '.join(gone)} withdrawn after TLS")
            lines.append(f"{keyword}: " + "; ".join(parts or ["parameters reordered"]))
        else:
            lines.append(f"{keyword} changed after TLS: {' '.join(before_params) or '(none)'}"
                         f" -> {' '.join(params) or '(none)'}")
    for keyword in old:
        if keyword in new:
            continue
        if keyword == "STARTTLS":
            lines.append("STARTTLS no longer offered (as expected inside TLS)")
        else:
            lines.append(f"{keyword} offered only before TLS")
    return lines

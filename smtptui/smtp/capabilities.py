"""EHLO reply -> Capabilities: keywords and parameters, case-insensitive, legacy AUTH= merged."""

from __future__ import annotations

from smtptui.smtp.record import field, record
from smtptui.smtp.replies import Reply


@record
class Capabilities:
    """What a server advertised in its EHLO reply (RFC 5321 §4.1.1.1)."""

    greeting: str = ""
    #: Upper-cased keyword -> its parameters, in the order advertised. Unknown keywords are kept.
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Keywords seen only in a legacy form (e.g. "AUTH=LOGIN"), kept for display.
    legacy: list[str] = field(default_factory=list)
    esmtp: bool = True
    #: What was odd in the reply's form but read all the same, in words (shown as info lines).
    quirks: list[str] = field(default_factory=list)

    def has(self, keyword: str) -> bool:
        """True when the keyword was advertised (case-insensitive)."""
        return keyword.upper() in self.keywords

    def params(self, keyword: str) -> tuple[str, ...]:
        """The parameters advertised with a keyword (empty when none or absent)."""
        return self.keywords.get(keyword.upper(), ())

    @property
    def size_limit(self) -> int | None:
        """SIZE's declared maximum in octets; None if absent or 0 (no fixed limit, RFC 1870)."""
        params = self.params("SIZE")
        if not self.has("SIZE") or not params or not params[0].isdigit():
            return None
        limit = int(params[0])
        return limit or None

    @property
    def auth_mechanisms(self) -> tuple[str, ...]:
        """The AUTH mechanisms offered, upper-cased, in the server's order."""
        return tuple(m.upper() for m in self.params("AUTH"))

    def as_dict(self) -> dict[str, list[str]]:
        """A JSON-friendly copy: keyword -> list of parameters."""
        return {k: list(v) for k, v in self.keywords.items()}


#: The keywords of the IANA "SMTP Service Extensions" registry and the common private ones: a
#: keyword split by a stray space ("8BIT MIME") is joined again only when it makes one of these.
STANDARD_KEYWORDS = frozenset((
    "8BITMIME", "ATRN", "AUTH", "BINARYMIME", "BURL", "CHECKPOINT", "CHUNKING", "CONNEG",
    "CONPERM", "DELIVERBY", "DSN", "ENHANCEDSTATUSCODES", "ETRN", "EXPN", "FUTURERELEASE",
    "HELP", "LIMITS", "MT-PRIORITY", "MTRK", "NO-SOLICITING", "ONEX", "PIPELINING",
    "REQUIRETLS", "RRVS", "SIZE", "SMTPUTF8", "STARTTLS", "SUBMITTER", "TURN", "UTF8SMTP",
    "VERB", "VRFY", "XCLIENT", "XFORWARD", "X-EXPS", "X-ANONYMOUSTLS", "X-LINK2STATE",
    "XEXCH50", "XRDST", "XSHADOW", "XSHADOWREQUEST", "XOORG", "XUSR",
))
#: A last line that is a plain word, not a keyword (Exchange 2003 and IIS: "250 OK"; DavMail:
#: "250 Hello").
PLAIN_LAST_LINES = frozenset(("OK", "HELLO"))


def parse_ehlo(reply: Reply) -> Capabilities:
    """Parse a 250 EHLO reply; the first line is the greeting, each further line a keyword.

    Real servers' oddities are read and noted in ``quirks``: a plain last line ("250 OK") is
    no keyword; a keyword split by a stray space is joined when that makes a known keyword;
    legacy "AUTH=LOGIN" lines are merged into AUTH."""
    caps = Capabilities(greeting=reply.lines[0].strip() if reply.lines else "")
    last = len(reply.lines) - 1
    for index, line in enumerate(reply.lines[1:], 1):
        words = line.split()
        if not words:
            continue
        if index == last and len(words) == 1 and words[0].upper() in PLAIN_LAST_LINES:
            caps.quirks.append(f"the EHLO reply's last line {words[0]!r} is plain text, not a "
                               "keyword (Exchange and IIS end their list so)")
            continue
        if (len(words) > 1 and words[0].upper() not in STANDARD_KEYWORDS
                and (words[0] + words[1]).upper() in STANDARD_KEYWORDS):
            joined = words[0] + words[1]
            caps.quirks.append(f"the EHLO line {line.strip()!r} has a stray space inside a "
                               f"keyword: read as {joined.upper()}")
            words = [joined, *words[2:]]
        if set(words[0].upper()[:-1]) == {"X"} and len(words[0]) >= 5:
            caps.quirks.append(f"the EHLO keyword {words[0]!r} is written over with X's, as an "
                               "SMTP-inspecting firewall (Cisco ASA 'inspect esmtp') masks "
                               "an extension it does not let through")
        keyword, params = words[0], [word.lstrip("=") for word in words[1:]]
        params = [param for param in params if param]
        if "=" in keyword:
            # Legacy form, e.g. "AUTH=LOGIN" or "X-EXPS=LOGIN" (pre-RFC 2554 servers).
            base, _, first = keyword.partition("=")
            caps.legacy.append(line.strip())
            keyword, params = base, ([first] if first else []) + params
        key = keyword.upper()
        merged = list(caps.keywords.get(key, ()))
        for param in params:
            if param.upper() not in (p.upper() for p in merged):
                merged.append(param)
        caps.keywords[key] = tuple(merged)
    return caps


def helo_capabilities(reply: Reply) -> Capabilities:
    """After a HELO fall-back nothing is advertised: plain RFC 821 SMTP."""
    return Capabilities(greeting=reply.lines[0].strip() if reply.lines else "", esmtp=False)

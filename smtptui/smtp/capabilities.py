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


def parse_ehlo(reply: Reply) -> Capabilities:
    """Parse a 250 EHLO reply; the first line is the greeting, each further line a keyword."""
    caps = Capabilities(greeting=reply.lines[0].strip() if reply.lines else "")
    for line in reply.lines[1:]:
        words = line.split()
        if not words:
            continue
        keyword, params = words[0], words[1:]
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

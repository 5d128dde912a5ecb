"""Failure diagnosis: what went wrong, why, and what to do next, from the facts of a session."""

from __future__ import annotations

import re
from typing import Any

from smtptui.knowledge.codes import basic_title, enhanced_title, explain_reply
from smtptui.knowledge.diagnosis_reply_texts import REPLY_TEXTS
from smtptui.knowledge.diagnosis_rules import forward_address, match_reply
from smtptui.knowledge.diagnosis_texts import SESSION_TEXTS
from smtptui.smtp.record import record
from smtptui.smtp.replies import Reply
from smtptui.smtp.vocabulary import STAGES as STAGE_TABLE
from smtptui.smtp.vocabulary import Failure

#: The steps a session can fail in (as a diagnosis reads them), and their names in plain words.
STAGES: dict[str, str] = {stage.value: info.title for stage, info in STAGE_TABLE.items()
                          if stage.value == info.diagnosed_as}

#: The ways a session can fail (Facts.kind): every Failure but the user's own doing.
KINDS: frozenset[str] = frozenset(kind.value for kind in Failure) - {
    Failure.ABANDONED.value, Failure.INPUT.value, Failure.MESSAGE_CHANGED.value}

#: Where TLS stood when the session failed (Facts.tls): "" unknown, "off" (not asked for),
#: "not-offered" (STARTTLS missing from the EHLO reply), "refused" (STARTTLS answered with an
#: error), "active".
TLS_STATES: frozenset[str] = frozenset({"", "off", "not-offered", "refused", "active"})


@record(frozen=True)
class Facts:
    """What is known about a failed session: where it stopped, how, and what was said."""

    stage: str
    kind: str
    reply: Reply | None = None
    detail: str = ""
    rcpt_replies: tuple[Reply, ...] = ()
    first_bytes: bytes = b""
    tls: str = ""  # one of TLS_STATES
    auth_mechanisms: tuple[str, ...] | None = None  # what EHLO offered; None: not known


@record(frozen=True)
class Diagnosis:
    """A likely cause in plain words, the next step, and a stable machine id (`code`)."""

    cause: str
    explanation: str
    next_step: str
    code: str

    def as_dict(self) -> dict[str, Any]:
        """The diagnosis as a JSON-ready dict."""
        return {"code": self.code, "cause": self.cause, "explanation": self.explanation,
                "next_step": self.next_step}


def recognise_service(first_bytes: bytes) -> str | None:
    """Name the non-SMTP service that answered ("HTTP", "SSH", "TLS", "POP3", "IMAP"), if any."""
    head = first_bytes.lstrip(b"\r\n")
    if head.startswith(b"HTTP/"):
        return "HTTP"
    if head.startswith(b"SSH-"):
        return "SSH"
    if len(head) >= 2 and head[0] in (0x15, 0x16) and head[1] == 0x03:
        return "TLS"  # a TLS record (hand-shake or alert): the port wants TLS from the start
    if head.startswith(b"+OK"):
        return "POP3"
    if head.startswith((b"* OK", b"* PREAUTH", b"* BYE")):
        return "IMAP"
    return None


def diagnose(facts: Facts) -> Diagnosis | None:
    """The most likely cause of a failure; None only when nothing is known (no reply, no kind)."""
    service = recognise_service(facts.first_bytes)
    if service:
        return _make("not-smtp", facts, service=_SERVICE_WORDS[service])
    if facts.stage == "quit":
        return _make("quit-failed", facts)
    if facts.kind == "auth-plaintext":
        return _make(_PLAINTEXT_AUTH.get(facts.tls, "plaintext-auth-refused"), facts)
    if facts.kind == "auth-mech":
        if facts.auth_mechanisms:
            return _make("no-common-auth-mechanism", facts)
        return _make(_no_auth(facts), facts)
    code = _BY_KIND.get(facts.kind)
    if code is not None:
        return _make(code, facts)
    if facts.kind in ("norcpt", "partial"):
        return _recipients(facts)
    if facts.kind == "timeout":
        return _make(_timeout(facts), facts)
    if facts.kind == "closed" and not _negative(facts.reply):
        return _make(_CLOSED.get(facts.stage, "connection-closed"), facts)
    if facts.kind == "tls":
        return _make(_tls(facts.detail), facts)
    if facts.kind == "tls-unavailable":
        refused = _negative(facts.reply) or facts.stage == "starttls"
        return _make("starttls-refused" if refused else "starttls-not-offered", facts)
    if facts.reply is not None:
        return _from_reply(facts, facts.reply)
    return None


_SERVICE_WORDS = {
    "HTTP": "an HTTP (web server) response",
    "SSH": "an SSH greeting",
    "TLS": "TLS data (it expects TLS from the first byte)",
    "POP3": "a POP3 greeting",
    "IMAP": "an IMAP greeting",
}

#: Every diagnosis text, by its machine id.
DIAGNOSES: dict[str, tuple[str, str, str]] = {**SESSION_TEXTS, **REPLY_TEXTS}

_BY_KIND = {
    "dns-nxdomain": "no-such-domain",
    "dns-nomx": "no-mx",
    "dns-nullmx": "null-mx",
    "dns-unreachable": "dns-unreachable",
    "dns-temporary": "dns-temporary",
    "refused": "connection-refused",
    "connect": "connect-failed",
    "unresolved": "host-not-found",
    "binary": "binary-unsupported",
    "dsn": "dsn-unsupported",
    "requiretls": "requiretls",
    "xclient": "xclient-unavailable",
    "auth-rounds": "auth-endless",
    "protocol": "protocol-error",
    "8bit": "8bit-unsupported",
    "smtputf8": "smtputf8-unsupported",
    "size": "message-too-large",
    "data-stalled": "data-stalled",
    "data-broken": "closed-during-data",
}

#: Credentials kept back because the session had no TLS, by where TLS stood.
_PLAINTEXT_AUTH = {
    "off": "plaintext-auth-tls-off",
    "not-offered": "plaintext-auth-no-starttls",
    "refused": "plaintext-auth-starttls-refused",
}

#: No AUTH offered (or AUTH answered "not available"), by where TLS stood.
_NO_AUTH = {
    "off": "auth-not-offered-tls-off",
    "not-offered": "auth-not-offered-no-starttls",
    "refused": "auth-not-offered-starttls-refused",
    "active": "auth-not-offered-over-tls",
}


def _no_auth(facts: Facts) -> str:
    return _NO_AUTH.get(facts.tls, "auth-not-offered")

_CLOSED = {
    "banner": "closed-at-banner",
    "starttls": "closed-during-tls",
    "tls": "closed-during-tls",
    "dot": "closed-after-data",
}

_TLS_DETAILS = (
    ("tls-expired", re.compile(r"expired")),
    ("tls-not-yet-valid", re.compile(r"not yet valid|not valid yet")),
    ("tls-self-signed", re.compile(r"self[- ]signed")),
    ("tls-unknown-ca", re.compile(r"unknown ca|issuer|not trusted|untrusted|unknown authority")),
    ("tls-name-mismatch", re.compile(r"mismatch|does(n't| not) match")),
    ("tls-handshake", re.compile(r"hand-?shake|protocol version|cipher|wrong version|alert")),
)


def _negative(reply: Reply | None) -> bool:
    return reply is not None and reply.code >= 400


def _timeout(facts: Facts) -> str:
    if facts.stage == "dns":
        return "dns-temporary"
    if facts.stage == "connect":
        return "connect-timeout"
    if facts.stage == "banner":
        return "tarpit" if facts.first_bytes.strip() else "banner-timeout"
    if facts.stage in ("starttls", "tls"):
        return "tls-handshake"
    return "dot-timeout" if facts.stage == "dot" else "reply-timeout"


def _tls(detail: str) -> str:
    words = detail.lower()
    for code, pattern in _TLS_DETAILS:
        if pattern.search(words):
            return code
    return "tls-failed"


def _make(code: str, facts: Facts, service: str = "", forward: str = "") -> Diagnosis:
    cause, explanation, next_step = DIAGNOSES[code]
    values = {
        "stage": STAGES.get(facts.stage, facts.stage or "this step"),
        "service": service,
        "detail": facts.detail or "no further details",
        "forward": forward or "the address the reply names",
    }
    return Diagnosis(cause.format_map(values), explanation.format_map(values),
                     next_step.format_map(values), code)


def _recipients(facts: Facts) -> Diagnosis:
    refused = facts.rcpt_replies or ((facts.reply,) if _negative(facts.reply) else ())
    if not refused:
        generic = "no-recipient-accepted" if facts.kind == "norcpt" else "some-recipients-refused"
        return _make(generic, facts)
    each = [_from_reply(Facts("rcpt", "reply", reply), reply) for reply in refused]
    first = each[0]
    mixed = any(item.code != first.code for item in each)
    note = " Other recipients were refused for other reasons; see each RCPT reply." if mixed else ""
    if facts.kind == "norcpt":
        lead = f"The server refused every recipient ({len(refused)}), so nothing was sent. "
        return Diagnosis(first.cause, lead + first.explanation + note, first.next_step,
                         first.code)
    lead = (f"The server refused {len(refused)} recipient(s); the message goes only to "
            "those it accepted. ")
    return Diagnosis(f"Some recipients refused: {first.cause}", lead + first.explanation + note,
                     first.next_step, first.code)


def _from_reply(facts: Facts, reply: Reply) -> Diagnosis:
    code = match_reply(facts.stage, reply)
    if code == "auth-not-offered":
        code = _no_auth(facts)
    if code is not None:
        return _make(code, facts, forward=forward_address(reply) or "")
    return _fallback(facts, reply)


def _fallback(facts: Facts, reply: Reply) -> Diagnosis:
    """Any other reply, explained from the code tables (never None)."""
    if reply.transient:
        code = "temporary-failure"
    elif reply.permanent:
        code = "permanent-failure"
    else:
        code = "unexpected-reply"
    base = _make(code, facts)
    title = enhanced_title(reply.enhanced) if reply.enhanced and reply.code >= 400 else None
    title = title or basic_title(reply.code)
    cause = f"{base.cause}: {title}" if title else base.cause
    said = " ".join(f"{item.code}: {item.summary}" for item in explain_reply(reply))
    return Diagnosis(cause, f"{base.explanation} {said}".strip(), base.next_step, code)

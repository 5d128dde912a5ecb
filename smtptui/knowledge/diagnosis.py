"""Failure diagnosis: what went wrong, why, whose side it is on, how sure, and what to do next.

`diagnose(facts)` reads what a session knows when it fails (the step, how it failed, the last
reply, what came before it) and gives a `Diagnosis`: a short cause, an explanation in plain
words that ends with the side the fault is on, the next step, a stable code, the side at fault
(`fault`, one of diagnosis_faults.FAULTS) and how sure it is (`confidence`: "decided" by the
reply's codes and words, "likely", or "unknown": the reply does not tell, and the likely causes
are named instead of picking one).
"""

from __future__ import annotations

import re
from typing import Any

from smtptui.knowledge.codes import basic_title, enhanced_title, explain_reply
from smtptui.knowledge.diagnosis_faults import (
    CONFIDENCES,
    FAULT_OF,
    FAULTS,
    NOTES,
    SESSION_CONFIDENCE,
    VARIANTS,
)
from smtptui.knowledge.diagnosis_reply_texts import REPLY_TEXTS
from smtptui.knowledge.diagnosis_rules import (
    Context,
    Match,
    forward_address,
    match_reply,
    size_in_reply,
)
from smtptui.knowledge.diagnosis_texts import SESSION_TEXTS
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.record import record, replace
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
    """What is known about a failed session: where it stopped, how, what was said, and what
    came before (the session's history, as far as the diagnosis uses it)."""

    stage: str
    kind: str
    reply: Reply | None = None
    detail: str = ""
    rcpt_replies: tuple[Reply, ...] = ()
    first_bytes: bytes = b""
    tls: str = ""  # one of TLS_STATES
    auth_mechanisms: tuple[str, ...] | None = None  # what EHLO offered; None: not known
    #: (stage, code) of every reply of the session, the failing one included, in order.
    history: tuple[tuple[str, int], ...] = ()
    #: (stage, reply) of the refusals (4xx, 5xx) among them, in order.
    refusals: tuple[tuple[str, Reply], ...] = ()
    protocol: str = "esmtp"  # esmtp, smtp (HELO only) or lmtp
    direct: bool = False  # the recipient domain's own MX (direct mode), not a smart host
    authenticated: bool = False  # AUTH succeeded
    message: MessageFacts | None = None  # the message's scan: its size and long lines
    size_limit: int | None = None  # the EHLO reply's SIZE


@record(frozen=True)
class Diagnosis:
    """A likely cause in plain words, the next step, a stable machine id (`code`), the side
    the fault is on (`fault`) and how sure the diagnosis is (`confidence`)."""

    cause: str
    explanation: str
    next_step: str
    code: str
    fault: str = "unknown"
    confidence: str = "unknown"

    def as_dict(self) -> dict[str, Any]:
        """The diagnosis as a JSON-ready dict."""
        return {"code": self.code, "cause": self.cause, "explanation": self.explanation,
                "next_step": self.next_step, "fault": self.fault,
                "confidence": self.confidence}


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
        return _closed(facts)
    if facts.kind == "tls":
        return _tls_failure(facts)
    if facts.kind == "tls-unavailable":
        if facts.reply is not None and _negative(facts.reply):
            return _from_reply(replace(facts, stage="starttls"), facts.reply)
        refused = facts.stage == "starttls"
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


def _starttls_said_go(facts: Facts) -> bool:
    """The server answered STARTTLS with 220: STARTTLS fits this port, the hand-shake is next."""
    return ("starttls", 220) in facts.history


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


def _closed(facts: Facts) -> Diagnosis:
    """A close without a refusal: what came before it may say why (EHLO refused, then HELO
    met a hang-up; STARTTLS agreed, then no hand-shake)."""
    ehlo_refused = [reply for stage, reply in facts.refusals if stage == "ehlo"]
    if facts.stage == "helo" and ehlo_refused:
        found = _from_reply(Facts(stage="ehlo", kind="reply", reply=ehlo_refused[-1],
                                  protocol=facts.protocol), ehlo_refused[-1])
        if found.code in ("temporary-failure", "permanent-failure"):
            found = _make("connection-rejected", facts, confidence="likely")
        elif found.code == "ehlo-unsupported":  # "use HELO" would be no advice: it was used
            found = _make("ehlo-unsupported", replace(facts, stage="ehlo",
                                                      reply=ehlo_refused[-1]),
                          variant="ehlo-refused-helo-hung-up", confidence="likely")
            return found  # its words say the hang-up already
        return _noted(found, NOTES["helo-hung-up"])
    if facts.stage in ("tls", "starttls") and _starttls_said_go(facts):
        return _make("closed-during-tls", facts, variant="closed-after-220",
                     confidence="decided", fault="receiver")
    return _make(_CLOSED.get(facts.stage, "connection-closed"), facts)


def _tls_failure(facts: Facts) -> Diagnosis:
    """A hand-shake that failed: a certificate the client would not trust, or the hand-shake
    itself (whose fault depends on whether the server had just said 220 to STARTTLS)."""
    code = _tls(facts.detail)
    words = facts.detail.lower()
    if code not in ("tls-handshake", "tls-failed"):
        return _make(code, facts, confidence="decided")
    agreed = _starttls_said_go(facts)
    if re.search(r"closed the connection|eof", words):
        if agreed:
            return _make("closed-during-tls", facts, variant="closed-after-220",
                         confidence="decided", fault="receiver")
        return _make("closed-during-tls", facts)
    if re.search(r"not speaking tls|wrong.version|unknown.protocol|record.layer", words):
        if agreed:
            return _make("tls-handshake", facts, variant="tls-not-tls-after-220",
                         confidence="likely", fault="receiver")
        return _make("tls-handshake", facts, confidence="likely", fault="client")
    if agreed and re.search(r"alert|share no|handshake.failure|protocol.version", words):
        sure = re.search(r"internal.error|decode.error|illegal.parameter", words)
        return _make("tls-handshake", facts, variant="tls-alert-after-220",
                     confidence="decided" if sure else "likely", fault="receiver")
    return _make(code, facts)


def _tls(detail: str) -> str:
    words = detail.lower()
    for code, pattern in _TLS_DETAILS:
        if pattern.search(words):
            return code
    return "tls-failed"


def _context(facts: Facts) -> Context:
    refused = sum(1 for _, code in facts.history if code >= 400)
    if _negative(facts.reply):
        refused -= 1
    message = facts.message
    return Context(refused_before=max(refused, 0), direct=facts.direct,
                   authenticated=facts.authenticated, protocol=facts.protocol,
                   long_lines=message.long_lines if message is not None else 0,
                   message_size=message.size if message is not None else None,
                   size_limit=facts.size_limit)


def _make(code: str, facts: Facts, service: str = "", forward: str = "", *,
          confidence: str = "", fault: str = "", variant: str = "") -> Diagnosis:
    cause, explanation, next_step = VARIANTS[variant] if variant else DIAGNOSES[code]
    values = {
        "stage": STAGES.get(facts.stage, facts.stage or "this step"),
        "service": service,
        "detail": facts.detail or "no further details",
        "forward": forward or "the address the reply names",
    }
    fault = fault or FAULT_OF.get(code, "unknown")
    confidence = confidence or SESSION_CONFIDENCE.get(code, "decided")
    explanation = explanation.format_map(values)
    side = _side(fault, facts.reply is not None)
    return Diagnosis(cause.format_map(values), f"{explanation} {side}",
                     next_step.format_map(values), code, fault, confidence)


def _side(fault: str, replied: bool = True) -> str:
    if fault == "unknown":
        if replied:
            return "Whose side the fault is on, the reply does not say."
        return "Whose side the fault is on cannot be told from here."
    return f"Side at fault: {FAULTS[fault]}."


def _noted(found: Diagnosis, note: str) -> Diagnosis:
    """The diagnosis with a sentence about the session put before its explanation."""
    return Diagnosis(found.cause, f"{note} {found.explanation}", found.next_step, found.code,
                     found.fault, found.confidence)


def confidence_words(confidence: str) -> str:
    """How sure a diagnosis is, in words."""
    return CONFIDENCES.get(confidence, confidence)


def _recipients(facts: Facts) -> Diagnosis:
    last = facts.reply
    refused = facts.rcpt_replies or ((last,) if last is not None and _negative(last) else ())
    if not refused:
        generic = "no-recipient-accepted" if facts.kind == "norcpt" else "some-recipients-refused"
        return _make(generic, facts)
    stage = "dot" if facts.protocol == "lmtp" and facts.stage == "dot" else "rcpt"
    each = [_from_reply(Facts(stage, "reply", reply, direct=facts.direct,
                              authenticated=facts.authenticated, protocol=facts.protocol,
                              message=facts.message), reply) for reply in refused]
    first = each[0]
    mixed = any(item.code != first.code for item in each)
    note = " Other recipients were refused for other reasons; see each RCPT reply." if mixed else ""
    confidence = "likely" if mixed and first.confidence == "decided" else first.confidence
    if facts.kind == "norcpt":
        lead = f"The server refused every recipient ({len(refused)}), so nothing was sent. "
        return Diagnosis(first.cause, lead + first.explanation + note, first.next_step,
                         first.code, first.fault, confidence)
    lead = (f"The server refused {len(refused)} recipient(s); the message goes only to "
            "those it accepted. ")
    return Diagnosis(f"Some recipients refused: {first.cause}", lead + first.explanation + note,
                     first.next_step, first.code, first.fault, confidence)


#: Texts that fit a diagnosis better on one side or at one confidence: (code, fault or
#: confidence) -> the variant's name in diagnosis_faults.VARIANTS.
_VARIANT_OF = {("protocol-error", "client"): "protocol-error-reply",
               ("protocol-error", "format"): "protocol-error-format",
               ("relay-denied", "receiver"): "relay-denied-own-mx",
               ("unknown-recipient", "likely"): "unknown-recipient-likely"}


def _from_reply(facts: Facts, reply: Reply) -> Diagnosis:
    context = _context(facts)
    found = match_reply(facts.stage, reply, context)
    if found is None:
        return _fallback(facts, reply)
    code = found.code
    if code == "auth-not-offered":
        code = _no_auth(facts)
    made = _make(code, facts, forward=forward_address(reply) or "",
                 confidence=found.confidence, fault=found.fault,
                 variant=found.variant or _VARIANT_OF.get((code, found.fault))
                 or _VARIANT_OF.get((code, found.confidence), ""))
    return _with_notes(made, facts, reply, found, context)


def _with_notes(made: Diagnosis, facts: Facts, reply: Reply, found: Match,
                context: Context) -> Diagnosis:
    """What the session adds to a reply's diagnosis: errors before it, LMTP, the message."""
    notes = []
    if made.code == "too-many-errors" and context.refused_before:
        notes.append(NOTES["errors-before"].format(count=context.refused_before))
    if facts.protocol == "lmtp" and facts.stage == "dot":
        notes.append(NOTES["lmtp"])
    if made.code == "blocklisted" and found.confidence == "likely" and "spamhaus" in str(
            reply).lower():
        notes.append(NOTES["spamhaus-unsure"])
    if made.code == "line-too-long" and context.long_lines:
        notes.append(NOTES["long-lines"].format(count=context.long_lines))
    limit = size_in_reply(reply) if made.code == "message-too-large" else None
    if limit is not None and context.message_size is not None:
        from smtptui.knowledge.keywords import megabytes

        notes.append(NOTES["size-limit"].format(limit=limit, megabytes=megabytes(limit),
                                                size=context.message_size))
    if made.code == "bad-sequence" and _answered_at(facts, reply) in ("ehlo-tls", "ehlo-xclient"):
        # RFC 3207 §4.2 (and XCLIENT) make the client greet again: refusing that is the server's.
        notes.append(NOTES["ehlo-again"])
        made = Diagnosis(made.cause, made.explanation.replace(_side(made.fault, True),
                                                              _side("receiver")),
                         made.next_step, made.code, "receiver", "likely")
    if not notes:
        return made
    return Diagnosis(made.cause, f"{made.explanation} {' '.join(notes)}", made.next_step,
                     made.code, made.fault, made.confidence)


def _answered_at(facts: Facts, reply: Reply) -> str:
    """The exact stage the refusing reply answered ("ehlo-tls" where Facts.stage says "ehlo")."""
    for stage, refusal in reversed(facts.refusals):
        if refusal is reply or refusal == reply:
            return stage
    return facts.stage


def _fallback(facts: Facts, reply: Reply) -> Diagnosis:
    """Any other reply, explained from the code tables (never None)."""
    if reply.transient:
        code = "temporary-failure"
    elif reply.permanent:
        code = "permanent-failure"
    else:
        code = "unexpected-reply"
    base = _make(code, facts, confidence="unknown")
    title = enhanced_title(reply.enhanced) if reply.enhanced and reply.code >= 400 else None
    title = title or basic_title(reply.code)
    cause = f"{base.cause}: {title}" if title else base.cause
    said = " ".join(f"{item.code}: {item.summary}"
                    for item in explain_reply(reply, facts.stage))
    return Diagnosis(cause, f"{base.explanation} {said}".strip(), base.next_step, code,
                     base.fault, base.confidence)

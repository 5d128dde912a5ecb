"""The Result of a session: outcome, addresses, TLS facts, capabilities, checks, diagnosis."""

from __future__ import annotations

from typing import Any

from smtptui.net.transport import Endpoint
from smtptui.smtp.client import SmtpClient, Verdict
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.record import asdict, field, record
from smtptui.smtp.safety import visible_json
from smtptui.smtp.transcript import Rejected
from smtptui.smtp.vocabulary import STAGES, Failure, Outcome, Stage


@record
class Result:
    """The outcome of one session, as `smtptui run` reports it and --json prints it last."""

    exit_code: int = 0
    outcome: str = "delivered"  # delivered | stopped | failed
    stage: str = ""  # the stage the session ended in (the failing one on failure)
    error: str = ""
    host: str = ""
    port: int = 0
    address: str = ""  # the peer address actually used
    local_address: str = ""
    accepted: list[str] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    last_reply: str = ""
    timings: dict[str, float] = field(default_factory=dict)
    tls: dict[str, Any] = field(default_factory=dict)
    capabilities: dict[str, list[str]] = field(default_factory=dict)
    capabilities_before_tls: dict[str, list[str]] = field(default_factory=dict)
    diagnosis: dict[str, str] = field(default_factory=dict)
    checks: list[dict[str, Any]] = field(default_factory=list)
    attempts: list[dict[str, Any]] = field(default_factory=list)
    t: float = 0.0

    @property
    def partial(self) -> bool:
        """Delivered, but not to every recipient."""
        return self.outcome == "delivered" and bool(self.rejected)

    @property
    def outcome_words(self) -> str:
        """The outcome as the status line, the history and the summary say it: "delivered to
        1 of 2" when some recipients did not get the message."""
        if self.partial:
            return f"delivered to {len(self.accepted)} of {len(self.accepted) + len(self.rejected)}"
        return self.outcome

    def to_json(self) -> str:
        """The closing {"kind": "result", ...} object of --json output (`visible_json`: every
        string made visible, as in the text form)."""
        obj = {"t": round(self.t, 6), "kind": "result"} | asdict(self)
        obj["t"] = round(self.t, 6)
        return visible_json(obj)


def build_result(session: SmtpClient, plan: SessionPlan, end: Endpoint | None, first_bytes: bytes,
                 timings: dict[str, float], tls_facts: dict[str, Any],
                 checks: list[dict[str, Any]], t: float) -> Result:
    """Everything `smtptui run --json` reports about one session."""
    out = session.verdict
    caps = session.caps or session.caps_before_tls
    before = session.caps_before_tls if session.caps is not None else None
    return Result(
        exit_code=out.exit_code, outcome=out.outcome, stage=out.stage, error=out.error,
        host=plan.host, port=plan.port,
        address=end.address if end else (plan.address or ""),
        local_address=end.local_address if end else "",
        accepted=list(out.accepted), rejected=list(out.rejected),
        last_reply=str(out.reply) if out.reply else "",
        timings={k: round(v, 6) for k, v in timings.items()},
        tls=dict(tls_facts),
        capabilities=caps.as_dict() if caps else {},
        capabilities_before_tls=before.as_dict() if before else {},
        diagnosis=diagnosis_of(out, first_bytes, tls_state(session, plan),
                               caps.auth_mechanisms if caps else None,
                               session=session_facts(session, plan)),
        checks=list(checks),
        t=t,
    )


def tls_state(session: SmtpClient, plan: SessionPlan) -> str:
    """Where TLS stood at the end: "active", "off", "not-offered", "refused", or "" (the
    session ended before an EHLO reply said whether STARTTLS was offered)."""
    if session.tls_active:
        return "active"
    if plan.tls == "off":
        return "off"
    caps = session.caps
    if caps is None:
        return ""
    # Offered but not in effect: the server answered STARTTLS with an error (a failed
    # hand-shake ends the session in stage tls instead).
    return "refused" if caps.has("STARTTLS") else "not-offered"


def session_facts(session: SmtpClient, plan: SessionPlan) -> dict[str, Any]:
    """What the diagnosis uses of the session besides its verdict: the protocol, whether this
    is the recipient domain's own MX (direct mode), whether AUTH succeeded, the message's scan
    and the SIZE the server declared."""
    caps = session.caps or session.caps_before_tls
    return {"protocol": plan.protocol, "direct": bool(plan.address) and
            plan.label.startswith("MX "), "authenticated": session.authenticated,
            "message": session.facts, "size_limit": caps.size_limit if caps else None}


def diagnosis_of(out: Verdict, first_bytes: bytes, tls: str = "",
                 auth_mechanisms: tuple[str, ...] | None = None,
                 session: dict[str, Any] | None = None) -> dict[str, str]:
    """The diagnosis of a failed (or partly failed) session, in plain words; ``session`` (see
    session_facts) and the verdict's history are what came before the failure."""
    if out.outcome != Outcome.FAILED and out.kind != Failure.PARTIAL:
        return {}
    kind = out.kind
    if kind == Failure.ABANDONED and out.waited:  # what a time-out there would have said
        kind = Failure.TIMEOUT
    elif kind in (Failure.ABANDONED, Failure.INPUT, Failure.MESSAGE_CHANGED):
        return {}  # the user's doing, said in the error itself
    from smtptui.knowledge.diagnosis import Facts, diagnose

    stage = STAGES[Stage(out.stage)].diagnosed_as if out.stage else ""
    if kind == Failure.TLS_UNAVAILABLE and out.reply is None:
        stage = "ehlo"  # STARTTLS was never sent: the EHLO reply did not offer it
    facts = Facts(stage=stage, kind=kind, reply=out.reply, detail=out.error,
                  rcpt_replies=tuple(out.rejected_replies), first_bytes=first_bytes, tls=tls,
                  auth_mechanisms=auth_mechanisms, history=tuple(out.history),
                  refusals=tuple(out.refusals), **(session or {}))
    found = diagnose(facts)
    if found is None:
        return {"code": out.kind or "failed", "cause": "Session failed",
                "explanation": f"The session failed at {out.stage or 'its start'}: {out.error}.",
                "next_step": "Read the transcript above: the lines marked *** say what went "
                             "wrong, and the server's replies say why.",
                "fault": "unknown", "confidence": "unknown"}
    return found.as_dict()

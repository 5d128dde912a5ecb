"""The Result of a finished session: outcome, addresses, TLS facts, capabilities, diagnosis."""

from __future__ import annotations

from typing import Any

from smtptui.net.transport import Endpoint
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.session import Outcome, Session
from smtptui.smtp.transcript import Result


def build_result(session: Session, plan: SessionPlan, end: Endpoint | None, first_bytes: bytes,
                 timings: dict[str, float], tls_facts: dict[str, Any],
                 checks: list[dict[str, Any]], t: float) -> Result:
    """Everything `smtptui run --json` reports about one session."""
    out = session.outcome
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
                               caps.auth_mechanisms if caps else None),
        checks=list(checks),
        t=t,
    )


def tls_state(session: Session, plan: SessionPlan) -> str:
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


def diagnosis_of(out: Outcome, first_bytes: bytes, tls: str = "",
                 auth_mechanisms: tuple[str, ...] | None = None) -> dict[str, str]:
    """The diagnosis of a failed (or partly failed) session, in plain words."""
    if out.outcome != "failed" and out.kind != "partial":
        return {}
    if out.kind in ("abandoned", "input"):
        return {}
    from smtptui.knowledge.diagnosis import Facts, diagnose

    stage = {"ehlo-tls": "ehlo", "rset": "rcpt", "manual": "mail"}.get(out.stage, out.stage)
    if out.kind == "tls-unavailable" and out.reply is None:
        stage = "ehlo"  # STARTTLS was never sent: the EHLO reply did not offer it
    facts = Facts(stage=stage, kind=out.kind, reply=out.reply, detail=out.error,
                  rcpt_replies=tuple(out.rejected_replies), first_bytes=first_bytes, tls=tls,
                  auth_mechanisms=auth_mechanisms)
    found = diagnose(facts)
    if found is None:
        return {"code": out.kind or "failed", "cause": "Session failed",
                "explanation": f"The session failed at {out.stage or 'its start'}: {out.error}.",
                "next_step": "Read the transcript above: the lines marked *** say what went "
                             "wrong, and the server's replies say why."}
    return found.as_dict()

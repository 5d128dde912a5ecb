"""From a saved Profile (plus one-run overrides) to a SessionPlan and a session to run."""

from __future__ import annotations

from smtptui.engine.errors import InputError
from smtptui.engine.message import MessageSource
from smtptui.engine.plan import SessionPlan, Timeouts
from smtptui.output import compose_message
from smtptui.profiles import Profile, resolve_eml


def plan_from_profile(profile: Profile) -> SessionPlan:
    """A checked SessionPlan; in direct mode the host is the first recipient domain, for now."""
    host, port = profile.host.strip().strip("[]"), profile.port
    if profile.mode == "direct":
        domains = [r.rpartition("@")[2] for r in profile.recipients if "@" in r]
        if not domains:
            raise InputError(f"profile {profile.name!r}: direct mode needs a recipient")
        host = domains[0]
    elif not host:
        raise InputError(f"profile {profile.name!r} has no host (smart host mode)")
    plan = SessionPlan(
        host=host, port=port, sender=profile.sender, recipients=list(profile.recipients),
        helo=profile.helo, quit_after=profile.quit_after,
        timeouts=Timeouts.all(profile.timeout) if profile.timeout else Timeouts(),
        tls=profile.tls, verify=profile.verify, ca_file=profile.ca_file,
        auth_user=profile.auth_user, auth_mech=profile.auth_mech.upper(),
    )
    plan.validate()
    attach_message(plan, profile)
    return plan


def attach_message(plan: SessionPlan, profile: Profile) -> None:
    """The profile's .eml (relative to its file), or a composed message from subject/body."""
    eml = resolve_eml(profile)
    if eml is not None:
        plan.message = MessageSource.from_file(eml)
    else:
        plan.message = MessageSource(data=compose_message(plan, profile.subject or None,
                                                          profile.body or None))
    plan.validate()

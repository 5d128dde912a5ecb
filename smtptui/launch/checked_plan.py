"""A checked SessionPlan from a profile, and the checks the command line shares (CA file, HELO)."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

from smtptui.launch.compose import compose_message
from smtptui.launch.message import MessageSource
from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import SessionPlan, Timeouts

if TYPE_CHECKING:  # `smtptui run` without a profile imports this module for check_ca_file
    from smtptui.store.profiles import Profile


#: How a PEM certificate begins (RFC 7468 §5).
PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
#: A CA file larger than this is not read whole for the check (a system bundle is ~220 KB).
CA_FILE_CHECKED = 16 * 1024 * 1024


def check_ca_file(plan: SessionPlan) -> None:
    """An unusable CA file (missing, a folder, no certificate in it) is bad input, found
    before any connection, cheaply: the file is read, not parsed; ssl is loaded only when a
    hand-shake begins (a certificate that is there but broken is reported then)."""
    if not plan.ca_file:
        return
    where = f"CA file {plan.ca_file!r} cannot be used"
    try:
        with open(plan.ca_file, "rb") as handle:
            head = handle.read(CA_FILE_CHECKED)
    except OSError as exc:
        raise InputError(f"{where}: {exc.strerror or exc}") from None
    if PEM_CERTIFICATE not in head:
        raise InputError(f"{where}: it holds no certificate (PEM)")


def plan_from_profile(profile: Profile) -> SessionPlan:
    """A checked SessionPlan; in direct mode the host is the first recipient domain."""
    host, port = profile.host.strip().strip("[]"), profile.port
    if profile.mode == "direct":
        from smtptui.smtp.domains import group_by_domain

        if not profile.recipients:
            raise InputError(f"profile {profile.name!r}: direct mode needs a recipient")
        host = next(iter(group_by_domain(profile.recipients)))
    elif not host:
        raise InputError(f"profile {profile.name!r} has no host (smart host mode)")
    plan = SessionPlan(
        host=host, port=port, sender=profile.sender, recipients=list(profile.recipients),
        helo=profile.helo or default_helo(), quit_after=profile.quit_after,
        timeouts=Timeouts.all(profile.timeout) if profile.timeout else Timeouts(),
        tls=profile.tls, verify=profile.verify, ca_file=profile.ca_file,
        auth_user=profile.auth_user, auth_mech=profile.auth_mech.upper(),
        protocol=profile.protocol, pipeline=profile.pipeline, chunking=profile.chunking,
        chunk_size=profile.chunk_size, dsn_notify=profile.dsn_notify, dsn_ret=profile.dsn_ret,
        dsn_envid=profile.dsn_envid, dsn_orcpt=profile.dsn_orcpt,
        requiretls=profile.requiretls,
        xclient=tuple((attributes, True) for attributes in profile.xclient),
    )
    plan.validate()
    attach_message(plan, profile)
    return plan


def attach_message(plan: SessionPlan, profile: Profile) -> None:
    """The profile's .eml (relative to its file), or a composed message from subject/body."""
    from smtptui.store.profiles import resolve_eml

    eml = resolve_eml(profile)
    if eml is not None:
        plan.message = MessageSource.from_file(eml)
    else:
        plan.message = MessageSource(data=compose_message(plan, profile.subject or None,
                                                          profile.body or None))
    plan.validate()


def default_helo() -> str:
    """This machine's name, without a DNS lookup (getfqdn would ask the resolver)."""
    name = socket.gethostname() or "localhost"
    return name if "." in name else f"{name}.localdomain" if name != "localhost" else name

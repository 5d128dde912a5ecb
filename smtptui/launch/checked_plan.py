"""A checked SessionPlan from a profile, and the checks the command line shares (CA file, HELO)."""

from __future__ import annotations

import os
import socket
from typing import TYPE_CHECKING

from smtptui.launch.compose import compose_message
from smtptui.launch.message import MessageSource
from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import SessionPlan, Timeouts, parse_local_interface

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
    local_address, local_port = (parse_local_interface(profile.local_interface)
                                 if profile.local_interface else ("", 0))
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
        tls_cert=profile_file(profile, profile.tls_cert),
        tls_key=profile_file(profile, profile.tls_key),
        local_address=local_address, local_port=local_port,
    )
    plan.validate()
    attach_message(plan, profile)
    return plan


def profile_file(profile: Profile, name: str) -> str:
    """A file a profile names (its client certificate, its key): a relative name is taken
    from the profile file's folder, as its .eml is, so a profile and its files travel
    together; "" stays ""."""
    if not name:
        return ""
    from pathlib import Path  # profiles only: a run from flags needs no pathlib

    path = Path(name).expanduser()
    if path.is_absolute() or profile.path is None:
        return str(path)
    return str(profile.path.parent.absolute() / path)


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
    """This machine's name as it is, without a DNS lookup (getfqdn would ask the resolver);
    a name that is not fully qualified is said in the transcript, never made up into one."""
    return socket.gethostname() or "localhost"


#: How a PEM private key begins, whatever its kind ("BEGIN PRIVATE KEY", "BEGIN RSA PRIVATE
#: KEY", "BEGIN EC PRIVATE KEY", "BEGIN ENCRYPTED PRIVATE KEY").
PEM_KEY = b"PRIVATE KEY-----"
#: A client certificate or key file larger than this is not read whole for the check.
TLS_FILE_CHECKED = 1024 * 1024


def check_transport(plan: SessionPlan) -> None:
    """The UNIX socket, the client certificate and key, and the TLS settings, checked before
    any connection (InputError, one line). The files are read, not parsed, unless a TLS
    client option is given: then the TLS context is made once (ssl is loaded), so a bad
    cipher string, a version this OpenSSL lacks or a key that is not the certificate's is
    found before connecting."""
    if plan.socket_path:
        import stat

        try:
            mode = os.stat(plan.socket_path).st_mode
        except FileNotFoundError:
            mode = None  # no server listening there (yet): a connect failure, exit 2
        except OSError as exc:
            raise InputError(f"--socket {plan.socket_path!r}: {exc.strerror or exc}") from None
        if mode is not None and not stat.S_ISSOCK(mode):
            raise InputError(f"--socket {plan.socket_path!r} is not a UNIX-domain socket")
    if plan.tls_cert:
        head = _head(plan.tls_cert, "--tls-cert")
        if PEM_CERTIFICATE not in head:
            raise InputError(f"--tls-cert {plan.tls_cert!r} cannot be used: it holds no "
                             "certificate (PEM)")
        key_flag, key_head = ("--tls-key", _head(plan.tls_key, "--tls-key")) if plan.tls_key \
            else ("--tls-cert", head)
        key_file = plan.tls_key or plan.tls_cert
        if PEM_KEY not in key_head:
            raise InputError(f"{key_flag} {key_file!r} cannot be used: it holds no private "
                             "key (PEM)" + ("" if plan.tls_key else "; give it with --tls-key"))
        if b"ENCRYPTED PRIVATE KEY" in key_head or b"Proc-Type: 4,ENCRYPTED" in key_head:
            raise InputError(f"{key_flag} {key_file!r}: the key is encrypted, and smtptui does "
                             "not ask for its passphrase; give an unencrypted copy (openssl "
                             "pkey -in KEY -out PLAIN.key), kept private")
    if plan.tls_cert or plan.tls_protocol or plan.tls_cipher:
        from smtptui.net.tls import make_context

        make_context(plan.verify, plan.ca_file, cert=plan.tls_cert, key=plan.tls_key,
                     protocol=plan.tls_protocol, cipher=plan.tls_cipher)


def _head(path: str, flag: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read(TLS_FILE_CHECKED)
    except OSError as exc:
        raise InputError(f"{flag} {path!r} cannot be used: {exc.strerror or exc}") from None

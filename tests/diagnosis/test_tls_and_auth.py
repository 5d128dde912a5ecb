"""TLS failures and a refused login: aiosmtpd with trustme certificates, and scripted servers."""

from __future__ import annotations

import pytest

from tests.diagnosis.servers import EHLO, ENVELOPE, diagnosed, misbehaving, server_args

WITH_STARTTLS = (*EHLO[:-1], "250-STARTTLS", EHLO[-1])


@pytest.mark.parametrize("kind, trust_test_ca, code, cause, step", [
    ("expired", True, "tls-expired", "Certificate expired", "renew the certificate"),
    ("self_signed", True, "tls-self-signed", "Self-signed certificate", "public CA"),
    ("untrusted", True, "tls-unknown-ca", "Unknown certificate authority", "full certificate"),
    ("good", False, "tls-unknown-ca", "Unknown certificate authority", "CA file"),
    ("wrong_name", True, "tls-name-mismatch", "Certificate name mismatch",
     "a name the certificate lists"),
])
def test_certificate_refused(smtpd, certs, kind: str, trust_test_ca: bool, code: str,
                             cause: str, step: str) -> None:
    server = smtpd(tls_context=certs.server_context(kind))
    ca = ["--ca", str(certs.ca_file)] if trust_test_ca else []
    found = diagnosed(*server_args(server, "required"), *ENVELOPE, *ca, exit_code=29)
    assert found.code == code
    assert found.diagnosis["cause"] == cause
    assert step in found.diagnosis["next_step"]
    assert server.messages == []


def test_starttls_required_but_not_offered(scripted) -> None:
    server = scripted(misbehaving())
    found = diagnosed(*server_args(server, "required"), *ENVELOPE, exit_code=29)
    assert found.code == "starttls-not-offered"
    assert "does not list STARTTLS" in found.diagnosis["explanation"]
    assert "enable STARTTLS" in found.diagnosis["next_step"]
    assert b"MAIL" not in server.connections[0].received


def test_starttls_answered_454(scripted) -> None:
    server = scripted(misbehaving(ehlo=WITH_STARTTLS, replies={
        "STARTTLS": "454 4.7.0 TLS not available due to local problem"}))
    found = diagnosed(*server_args(server, "required"), *ENVELOPE, exit_code=29)
    assert found.code == "starttls-refused"
    assert found.diagnosis["cause"] == "STARTTLS refused"
    assert "certificate" in found.diagnosis["next_step"]
    assert b"MAIL" not in server.connections[0].received


def test_authentication_failed_over_tls(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.good_context(), auth={"alice": "right horse"})
    found = diagnosed(*server_args(server, "required"), *ENVELOPE, "--ca", str(certs.ca_file),
                      "--auth-user", "alice", "--password-env", "SMTPTUI_TEST_PASSWORD",
                      exit_code=28, env={"SMTPTUI_TEST_PASSWORD": "wrong staple"})
    assert found.code == "auth-failed"
    assert found.diagnosis["cause"] == "Authentication failed"
    assert "app password" in found.diagnosis["next_step"]
    assert [a.success for a in server.auth_attempts] == [False, False]  # JSON run, text run
    assert "wrong staple" not in found.text.out

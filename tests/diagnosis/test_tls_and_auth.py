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


# -- credentials kept back, and AUTH that is not there ------------------------------------------

AUTH = ("--auth-user", "alice", "--password-env", "SMTPTUI_TEST_PASSWORD")
PASSWORD = {"SMTPTUI_TEST_PASSWORD": "right horse"}
WITH_AUTH = (*EHLO[:-1], "250-AUTH PLAIN LOGIN", EHLO[-1])


def said_once(found) -> None:
    """The diagnosis line says each thing once, and points at no server text (none came)."""
    line = next(ln for ln in found.text.out.splitlines() if "diagnosis:" in ln)
    explanation = found.diagnosis["explanation"]
    assert line.count(explanation) == 1 and found.diagnosis["cause"] not in explanation
    assert "server's own words" not in found.diagnosis["next_step"]


@pytest.mark.parametrize("tls, ehlo, replies, code, said, advice", [
    ("off", WITH_AUTH, {}, "plaintext-auth-tls-off", "without TLS", "Turn TLS on"),
    ("starttls", WITH_AUTH, {}, "plaintext-auth-no-starttls", "does not offer STARTTLS",
     "Ask the server's administrator to enable STARTTLS"),
    ("starttls", (*WITH_AUTH[:-1], "250-STARTTLS", WITH_AUTH[-1]),
     {"STARTTLS": "454 4.7.0 TLS not available due to local problem"},
     "plaintext-auth-starttls-refused", "answered STARTTLS with an error", "Try again later"),
], ids=["tls-off", "starttls-not-offered", "starttls-454"])
def test_credentials_kept_back_say_why_and_what_to_do(scripted, tls: str, ehlo, replies,
                                                      code: str, said: str, advice: str) -> None:
    server = scripted(misbehaving(ehlo=ehlo, replies=replies))
    found = diagnosed(*server_args(server, tls), *ENVELOPE, *AUTH, exit_code=28, env=PASSWORD)
    assert found.code == code
    assert said in found.diagnosis["explanation"]
    assert found.diagnosis["next_step"].startswith(advice)
    if tls == "starttls":  # it was in use: suggesting it would be no help
        assert "--tls starttls" not in found.diagnosis["next_step"]
    said_once(found)
    assert all(b"AUTH" not in c.received for c in server.connections)


def test_no_auth_after_tls_does_not_suggest_starttls(scripted, certs) -> None:
    server = scripted(misbehaving(ehlo=WITH_STARTTLS, tls=certs.good_context()))
    found = diagnosed(*server_args(server, "required"), *ENVELOPE, "--ca", str(certs.ca_file),
                      *AUTH, exit_code=28, env=PASSWORD)
    assert found.code == "auth-not-offered-over-tls"
    assert "even over TLS" in found.diagnosis["explanation"]
    assert "STARTTLS first" not in found.diagnosis["next_step"]
    assert "587" in found.diagnosis["next_step"]
    said_once(found)


def test_a_4xx_greeting_is_not_called_a_421(scripted) -> None:
    server = scripted(misbehaving(banner="450 4.3.2 mx2 busy"))
    found = diagnosed(*server_args(server), *ENVELOPE, exit_code=21)
    assert found.code == "greeting-deferred"
    assert "421" not in found.diagnosis["explanation"]
    assert "temporary error (4xx)" in found.diagnosis["explanation"]
    assert found.diagnosis["next_step"].startswith("Try again later")

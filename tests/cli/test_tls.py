"""TLS against real TLS servers: STARTTLS, implicit TLS, verification failures, injection."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest
import trustme

from tests.cli.helpers import smtptui
from tests.fixtures.scripted import Peer

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net", "--helo", "client.example"]


def target(server) -> list[str]:
    return ["--server", f"{server.host}:{server.port}"]


def test_starttls_verified_with_private_ca(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.good_context())
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required",
                  "--ca", str(certs.ca_file), "--json")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.tls
    tls = run.result["tls"]
    assert tls["verified"] is True and tls["version"].startswith("TLS")
    assert "IP Address:127.0.0.1" in tls["sans"] and tls["days_left"] >= 0
    assert "STARTTLS" in run.result["capabilities_before_tls"]
    assert "STARTTLS" not in run.result["capabilities"]
    sent = [e for e in run.events() if e["kind"] == "send"]
    assert sent[0]["text"].startswith("EHLO") and not sent[0].get("tls")
    assert any(e["text"].startswith("MAIL FROM") and e.get("tls") for e in sent)
    text = smtptui("run", *target(server), *ENVELOPE, "--ca", str(certs.ca_file))
    assert "~>" in text.out and "<~" in text.out and "certificate verified" in text.out


@pytest.mark.parametrize("kind, words", [
    ("good", "unknown CA"),  # verification on by default: the test CA is not trusted
    ("expired", "expired"),
    ("wrong_name", "name mismatch"),
    ("self_signed", "self-signed"),
])
def test_verification_failures_exit_29(smtpd, certs, kind: str, words: str) -> None:
    server = smtpd(tls_context=certs.server_context(kind))
    ca = [] if kind == "good" else ["--ca", str(certs.ca_file)]
    run = smtptui("run", *target(server), *ENVELOPE, *ca, "--json")
    assert run.code == 29, run.out
    assert words in run.result["error"]
    assert server.messages == []


def test_a_certificate_without_key_identifiers_is_verified_as_mail_servers_verify(
        smtpd, certs) -> None:
    """A leaf without the Authority and Subject Key Identifiers (RFC 5280 asks for them;
    some private CAs leave them out) passes verification as OpenSSL's default, Postfix and
    Exim pass it, on every Python: 3.13's default context would refuse it ("Missing Authority
    Key Identifier") while 3.11's takes it."""
    server = smtpd(tls_context=certs.hostile_context("", key_ids=False))
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required",
                  "--ca", str(certs.ca_file), "--json")
    assert run.code == 0, run.out + run.err
    assert run.result["tls"]["verified"] is True
    assert len(server.messages) == 1


def test_an_intermediate_ca_alone_is_not_a_trust_anchor(smtpd, tmp_path: Path) -> None:
    """A leaf issued by an intermediate CA, with only the intermediate given as --ca: no
    chain to a root, so not verified, as OpenSSL's default and mail servers judge it, on
    every Python (3.13's default context would take the intermediate as an anchor). With
    the root it verifies."""
    root = trustme.CA()
    intermediate = root.create_child_ca()
    leaf = intermediate.issue_cert("127.0.0.1")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    leaf.configure_cert(context)  # the leaf and the intermediate, as a server sends them
    server = smtpd(tls_context=context)
    only_intermediate, root_file = tmp_path / "intermediate.pem", tmp_path / "root.pem"
    intermediate.cert_pem.write_to_path(str(only_intermediate))
    root.cert_pem.write_to_path(str(root_file))
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required",
                  "--ca", str(only_intermediate), "--json")
    assert run.code == 29, run.out
    assert "unknown CA" in run.result["error"]
    assert "root certificate as a CA file" in run.result["diagnosis"]["next_step"]
    assert server.messages == []
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required",
                  "--ca", str(root_file), "--json")
    assert run.code == 0, run.out + run.err
    assert run.result["tls"]["verified"] is True


def test_no_verify_goes_on_and_says_so(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.self_signed_context())
    run = smtptui("run", *target(server), *ENVELOPE, "--no-verify")
    assert run.code == 0, run.out
    assert "verification is OFF" in run.out and "NOT verified" in run.out


@pytest.mark.parametrize("kind, verdict", [
    ("expired", "certificate EXPIRED 1 day ago: verification would fail"),
    ("wrong_name", "certificate does NOT name 127.0.0.1: verification would fail (name "
                   "mismatch)"),
    ("good", None),
])
def test_no_verify_still_judges_the_certificate(smtpd, certs, kind: str,
                                                verdict: str | None) -> None:
    server = smtpd(tls_context=certs.server_context(kind))
    run = smtptui("run", *target(server), *ENVELOPE, "--no-verify", "--quit-after", "tls")
    assert run.code == 0, run.out
    assert "certificate subject: " in run.out and "certificate names: DNS:" in run.out
    judged = [line for line in run.out.splitlines() if "verification would fail" in line]
    assert [line.split("=== ", 1)[1] for line in judged] == ([verdict] if verdict else [])
    assert "days left)" not in run.out if kind == "expired" else "days left)" in run.out


@pytest.mark.parametrize("kind, verdict", [
    ("expired", "certificate EXPIRED 1 day ago: verification would fail"),
    ("wrong_name", "certificate does NOT name 127.0.0.1: verification would fail (name "
                   "mismatch)"),
    ("self_signed", None),
    ("untrusted", None),
])
@pytest.mark.parametrize("implicit", [False, True])
def test_a_failed_verification_still_shows_the_certificate(smtpd, certs, kind: str,
                                                           verdict: str | None,
                                                           implicit: bool) -> None:
    """Read again over a second connection without verification, nothing sent over its TLS:
    the subject, names, issuer and dates are shown, then the failure as before (exit 29)."""
    server = smtpd(tls_context=certs.server_context(kind), implicit_tls=implicit)
    mode = ["--tls", "implicit"] if implicit else []
    run = smtptui("run", *target(server), *ENVELOPE, *mode, "--ca", str(certs.ca_file),
                  "--json")
    assert run.code == 29, run.out
    texts = [e["text"] for e in run.events() if e["kind"] == "info" and e["stage"] == "tls"]
    assert any(t.startswith("certificate subject: ") for t in texts), texts
    assert any(t.startswith("certificate names: ") and "127.0.0.1" in t for t in texts) \
        or kind == "wrong_name"
    assert any(t.startswith("certificate issuer: ") for t in texts)
    assert any(t.startswith("certificate valid ") for t in texts)
    assert "certificate NOT verified (verification failed; read again without it)" in texts
    assert (verdict in texts) if verdict else True
    tls = run.result["tls"]
    assert tls["verified"] is False and tls["subject"] and tls["not_after"]
    assert "--no-verify --quit-after tls" not in run.result["error"]  # the certificate is shown
    assert server.messages == []
    # Two connections; neither sent a command after its hand-shake (the second never EHLO
    # inside TLS, the first stopped at the failure).
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert sent == ([] if implicit else ["EHLO client.example", "STARTTLS"])


def test_the_hint_stays_when_the_certificate_cannot_be_read_again(scripted, certs) -> None:
    """One connection only: the second one is refused its STARTTLS, so the failure says how
    to see the certificate, as before."""
    async def once(peer: Peer) -> None:
        await peer.reply("220 once.example")
        await peer.expect("EHLO")
        await peer.send("250-once.example\r\n250 STARTTLS\r\n")
        await peer.expect("STARTTLS")
        if len(server.connections) > 1:
            await peer.reply("454 4.7.0 not now")
            await peer.expect("QUIT")
            await peer.reply("221 bye")
            return
        await peer.reply("220 go")
        await peer.starttls(certs.server_context("wrong_name"))

    server = scripted(once)
    run = smtptui("run", *target(server), *ENVELOPE, "--ca", str(certs.ca_file), "--json")
    assert run.code == 29, run.out
    assert "--no-verify --quit-after tls" in run.result["error"]
    assert any(e["text"].startswith("the certificate could not be read again")
               for e in run.events())


def test_implicit_tls(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.good_context(), implicit_tls=True)
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "implicit",
                  "--ca", str(certs.ca_file), "--json")
    assert run.code == 0, run.out
    recv = [e for e in run.events() if e["kind"] == "recv"]
    assert recv[0]["text"].startswith("220") and recv[0]["tls"] is True


def test_implicit_tls_against_plain_server_exit_29(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "implicit", "--timeout", "5",
                  "--json")
    assert run.code == 29, run.out
    assert "not speaking TLS" in run.result["error"] or "hand-shake" in run.result["error"]


async def offer_starttls(peer: Peer) -> None:
    """Banner, EHLO answered with STARTTLS offered, and the client's STARTTLS read."""
    await peer.reply("220 x.example")
    await peer.expect("EHLO")
    await peer.reply("250-x.example")
    await peer.reply("250 STARTTLS")
    await peer.expect("STARTTLS")


async def no_starttls(peer: Peer) -> None:
    await peer.reply("220 plain.example")
    await peer.expect("EHLO")
    await peer.reply("250 plain.example")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_required_but_not_offered_fails_closed(scripted) -> None:
    server = scripted(no_starttls)
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required", "--json")
    assert run.code == 29 and "does not offer" in run.result["error"]
    assert b"MAIL" not in server.connections[0].received


async def refuses_starttls(peer: Peer) -> None:
    await offer_starttls(peer)
    await peer.reply("454 4.7.0 TLS not available due to temporary reason")
    while (line := await peer.readline()) is not None:
        if line.startswith(b"QUIT"):
            await peer.reply("221 bye")
            return
        if line.startswith(b"DATA"):
            await peer.reply("354 go")
            await peer.read_data()
        await peer.reply("250 ok")


def test_454_with_required_fails_and_with_starttls_goes_on(scripted) -> None:
    server = scripted(refuses_starttls)
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "required", "--json")
    assert run.code == 29
    assert b"MAIL" not in server.connections[0].received
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "starttls")
    assert run.code == 0 and "continues in plaintext" in run.out


def injector(certs):
    async def handler(peer: Peer) -> None:
        await offer_starttls(peer)
        # The response-injection attack: a fake reply right behind the 220, in plaintext.
        await peer.send("220 go ahead\r\n250-evil.example\r\n250 AUTH PLAIN\r\n")
        assert await peer.starttls(certs.good_context())
        await peer.expect("EHLO")
        await peer.reply("250-x.example")
        await peer.reply("250 8BITMIME")
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


def test_plaintext_injected_after_220_is_discarded(scripted, certs) -> None:
    server = scripted(injector(certs))
    run = smtptui("run", *target(server), *ENVELOPE, "--ca", str(certs.ca_file),
                  "--quit-after", "tls", "--json")
    assert run.code == 0, run.out
    errors = [e["text"] for e in run.events() if e["kind"] == "error"]
    assert any("discarded" in text and "injection" in text for text in errors)
    assert run.result["capabilities"] == {"8BITMIME": []}


async def fake_tls(peer: Peer) -> None:
    await offer_starttls(peer)
    await peer.reply("220 go ahead")
    await peer.reply("250 this is not TLS at all")
    await peer.wait_closed()


def test_tls_handshake_against_plain_server(scripted) -> None:
    run = smtptui("run", *target(scripted(fake_tls)), *ENVELOPE, "--timeout", "5", "--json")
    assert run.code == 29, run.out


def ehlo_after_tls_refused(certs):
    async def handler(peer: Peer) -> None:
        await offer_starttls(peer)
        await peer.reply("220 go ahead")
        assert await peer.starttls(certs.good_context())
        await peer.expect("EHLO")
        await peer.reply("554 5.7.0 no")
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


def test_ehlo_after_tls_refused_exit_32(scripted, certs) -> None:
    run = smtptui("run", *target(scripted(ehlo_after_tls_refused(certs))), *ENVELOPE,
                  "--ca", str(certs.ca_file))
    assert run.code == 32, run.out

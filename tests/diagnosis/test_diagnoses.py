"""Each failure a scripted loopback server can stage, as `smtptui run` diagnoses it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from tests.diagnosis.servers import ENVELOPE, diagnosed, misbehaving, server_args
from tests.fixtures.scripted import Peer

# --- connecting and the greeting ------------------------------------------------------------


def test_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens on it
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    found = diagnosed("--server", f"127.0.0.1:{port}", "--tls", "off", *ENVELOPE, exit_code=2)
    assert found.code == "connection-refused"
    assert found.diagnosis["cause"] == "Connection refused"
    assert "nothing listens on that port" in found.diagnosis["explanation"]
    assert "587" in found.diagnosis["next_step"] and "465" in found.diagnosis["next_step"]


async def silent(peer: Peer) -> None:
    await peer.wait_closed(timeout=30)


async def greets_too_late(peer: Peer) -> None:
    await peer.wait_closed(timeout=30)  # the client gives up (EOF) before the banner is due
    await peer.reply("220 late.example ESMTP")


async def drip_fed(peer: Peer) -> None:
    for piece in ("220-slow.example ", "tar", "pit", "ting ", "in ", "progress"):
        await peer.send(piece)
        await peer.sleep(0.3)
    await peer.wait_closed(timeout=30)


@pytest.mark.parametrize("handler, code, cause", [
    (silent, "banner-timeout", "No greeting from the server"),
    (greets_too_late, "banner-timeout", "No greeting from the server"),
    (drip_fed, "tarpit", "Tar-pitting"),
])
def test_banner_never_completes(scripted, handler, code: str, cause: str) -> None:
    server = scripted(handler)
    found = diagnosed(*server_args(server), *ENVELOPE, "--timeout", "1", exit_code=21)
    assert found.code == code
    assert found.diagnosis["cause"] == cause
    assert "longer" in found.diagnosis["next_step"]  # time-out
    assert "reverse DNS" in found.diagnosis["next_step"]


@pytest.mark.parametrize("banner, code, words", [
    ("554 5.7.1 Service unavailable; Client host [127.0.0.1] blocked using zen.spamhaus.org",
     "blocklisted", "block list"),
    ("421 4.7.0 mx.example.net Your IP 127.0.0.1 is listed at bl.spamcop.net, try later",
     "blocklisted", "block list"),
    ("421 4.7.0 Too many concurrent SMTP connections from this IP; try again later",
     "too-many-connections", "Too many connections"),
    ("554 5.7.1 mx.example.net ESMTP not accepting messages from you", "connection-rejected",
     "Connection rejected"),
    ("421 4.7.1 [TS03] All messages from 127.0.0.1 will be permanently deferred; Retrying "
     "will NOT succeed. See https://postmaster.yahooinc.com/error-codes",
     "reputation-deferred", "reputation"),
])
def test_refused_at_the_greeting(scripted, banner: str, code: str, words: str) -> None:
    server = scripted(misbehaving(banner=banner))
    found = diagnosed(*server_args(server), *ENVELOPE, exit_code=21)
    assert found.code == code
    assert words.lower() in found.diagnosis["cause"].lower()
    if code == "blocklisted":
        assert "request removal" in found.diagnosis["next_step"]


# --- the envelope ---------------------------------------------------------------------------


@pytest.mark.parametrize("verb, reply, exit_code, code, cause, step", [
    ("RCPT", "450 4.7.1 <b@example.net>: Recipient address rejected: Greylisted, see "
     "http://postgrey.example/help/example.net.html", 24, "greylisted", "Greylisting",
     "try again later"),
    ("RCPT", "450 4.7.1 Service unavailable, try again later", 24, "policy-deferred",
     "Temporary policy deferral", "try again later"),
    ("DOT", "451 4.7.1 Please try again later", 26, "policy-deferred",
     "Temporary policy deferral", "try again"),
    ("RCPT", "554 5.7.1 <b@example.net>: Relay access denied", 24, "relay-denied",
     "Relaying denied", "authenticate"),
    ("MAIL", "530 5.7.0 Authentication required", 23, "auth-required",
     "Authentication required", "(AUTH)"),
    ("MAIL", "550 5.7.23 <a@example.com>: Sender address rejected: SPF check failed: "
     "127.0.0.1 is not allowed to send for example.com", 23, "spf-failed", "SPF",
     "SPF record"),
    ("DOT", ("550-5.7.1 Unauthenticated email from example.com is not accepted due to",
             "550 5.7.1 domain's DMARC policy. Please contact the administrator."), 26,
     "dmarc-failed", "DMARC", "sign with DKIM"),
    ("RCPT", "550 5.1.1 <b@example.net>: Recipient address rejected: User unknown in virtual "
     "mailbox table", 24, "unknown-recipient", "Unknown recipient", "spelling"),
    ("DOT", "552 5.3.4 Error: message file too big", 26, "message-too-large",
     "Message too large", "smaller"),
    ("RCPT", "551 5.1.6 User not local; please try <c@example.org>", 24,
     "recipient-redirected", "sent elsewhere", "send to c@example.org"),
    ("RCPT", "450 4.1.1 <b@example.net>: Recipient address rejected: unverified address: "
     "Address verification in progress", 24, "recipient-deferred", "not accepted for now",
     "try again later"),
    ("DOT", ("550-5.7.26 This mail has been blocked because the sender is",
             "550-5.7.26 unauthenticated. Gmail requires all senders to authenticate with",
             "550-5.7.26 either SPF or DKIM.",
             "550-5.7.26  DKIM = did not pass",
             "550 5.7.26  SPF [example.com] with ip: [127.0.0.1] = did not pass"), 26,
     "sender-authentication-failed", "Sender authentication failed", "sign with DKIM"),
])
def test_refusals(scripted, verb: str, reply: str | tuple[str, ...], exit_code: int, code: str,
                  cause: str, step: str) -> None:
    server = scripted(misbehaving(replies={verb: reply}))
    found = diagnosed(*server_args(server), *ENVELOPE, exit_code=exit_code)
    assert found.code == code
    assert cause.lower() in found.diagnosis["cause"].lower()
    assert step.lower() in found.diagnosis["next_step"].lower()
    received = bytes(server.connections[0].received)
    assert received.endswith(b"QUIT\r\n")  # the session was ended properly


# --- the message ----------------------------------------------------------------------------


def test_over_the_advertised_size_is_stopped_before_sending(tmp_path: Path, scripted) -> None:
    eml = tmp_path / "big.eml"
    eml.write_bytes(b"Subject: big\n\n" + b"y" * 5000 + b"\n")
    server = scripted(misbehaving(ehlo=("250-test.example", "250-8BITMIME", "250 SIZE 1000")))
    found = diagnosed(*server_args(server), *ENVELOPE, "--eml", str(eml), exit_code=23)
    assert found.code == "message-too-large"
    assert "smaller" in found.diagnosis["next_step"]
    assert b"DATA" not in server.connections[0].received


def test_8bit_message_to_a_server_without_8bitmime(tmp_path: Path, scripted) -> None:
    eml = tmp_path / "accents.eml"
    eml.write_bytes("Subject: café\n\nnaïve crème brûlée\n".encode())
    server = scripted(misbehaving(ehlo=("250-test.example", "250 SIZE 100000")))
    found = diagnosed(*server_args(server), *ENVELOPE, "--eml", str(eml), exit_code=23)
    assert found.code == "8bit-unsupported"
    assert "8BITMIME" in found.diagnosis["explanation"]
    assert "quoted-printable" in found.diagnosis["next_step"]
    assert b"MAIL" not in server.connections[0].received

"""`smtptui run` against a private loopback Postfix: what lands in the Maildir is the .eml."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.helpers import Run, smtptui
from tests.fixtures.postfix import Postfix, strip_trace

SENDER = "a@example.com"
HELO = "client.example"

#: A message that exercises the DATA encoder: CRLF and bare LF mixed, lines starting with
#: dots, a lone "." line (the end of data if it were not stuffed), a ". " line, a "From "
#: line, 8-bit UTF-8 in the body, an empty line in the body, and no newline at the end.
TRICKY = (
    b"From: Alice <a@example.com>\r\n"
    b"To: <user@mail.test>\r\n"
    b"Subject: dots, line endings and 8-bit\r\n"
    b"Date: Sun, 29 Nov 2026 12:00:00 +0000\n"
    b"Message-ID: <e2e-postfix@client.example>\r\n"
    b"MIME-Version: 1.0\n"
    b"Content-Type: text/plain; charset=utf-8\r\n"
    b"Content-Transfer-Encoding: 8bit\r\n"
    b"\r\n"
    b".starts with one dot\r\n"
    b"..starts with two dots\n"
    b".\r\n"
    b"between the lone dots\n"
    b".\n"
    b". a dot and a space\r\n"
    b"From the start of a line\n"
    b"\n"
    b"Gr\xc3\xbc\xc3\x9fe, na\xc3\xafve caf\xc3\xa9 \xe2\x80\x94 \xe2\x9c\x93\r\n"
    b"..\r\n"
    b"the last line has no newline"
)


def as_stored(eml: bytes) -> bytes:
    """The .eml as Postfix stores it: every line ending LF, a final one added if missing."""
    text = eml.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    return text if text.endswith(b"\n") else text + b"\n"


def queue_id(run: Run) -> str:
    """The queue id from Postfix's reply to the final dot ("250 2.0.0 Ok: queued as ID")."""
    match = re.search(r"queued as (\w+)", run.result["last_reply"])
    assert match, run.result
    return match.group(1)


def envelope(to: str, *args: str) -> list[str]:
    return ["--from", SENDER, "--to", to, "--helo", HELO, "--tls", "off", "--timeout", "10",
            "--json", *args]


def smart_host(postfix: Postfix, to: str, *args: str) -> Run:
    return smtptui("run", "--server", f"{postfix.host}:{postfix.port}", *envelope(to, *args))


def assert_delivered(postfix: Postfix, user: str, run: Run, eml: bytes) -> None:
    """One message in ``user``'s Maildir: this run's, byte for byte the .eml."""
    assert run.code == 0, run.out + run.err
    assert run.result["accepted"] == [f"{user}@{postfix.domain}"]
    [raw] = postfix.mailbox(user)
    trace = raw[: len(raw) - len(strip_trace(raw))]
    assert trace.startswith(f"Return-Path: <{SENDER}>\n".encode())
    assert f"Delivered-To: {user}@{postfix.domain}\n".encode() in trace
    assert f"Received: from {HELO} ".encode() in trace
    assert f" id {queue_id(run)}".encode() in trace
    assert strip_trace(raw) == as_stored(eml)


@pytest.fixture
def eml(tmp_path: Path) -> Path:
    path = tmp_path / "tricky.eml"
    path.write_bytes(TRICKY)
    return path


def test_smart_host_delivers_the_eml_unchanged(postfix: Postfix, eml: Path) -> None:
    run = smart_host(postfix, f"user1@{postfix.domain}", "--eml", str(eml))
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert any(t.startswith("MAIL FROM:<a@example.com>") and "BODY=8BITMIME" in t
               for t in sent), sent
    assert_delivered(postfix, "user1", run, TRICKY)


def test_direct_mode_finds_postfix_through_mx(postfix: Postfix, eml: Path, dns_server) -> None:
    dns = dns_server({
        postfix.domain: {"MX": [(10, f"mx.{postfix.domain}.")]},
        f"mx.{postfix.domain}": {"A": [postfix.host]},
    })
    run = smtptui("run", "--direct", "--dns", dns.address, "--port", str(postfix.port),
                  *envelope(f"user2@{postfix.domain}", "--eml", str(eml)))
    assert [(a["host"], a["address"]) for a in run.result["attempts"]] == [
        (f"mx.{postfix.domain}", postfix.host)], run.result
    assert ("MX", postfix.domain) in [(t, n.rstrip(".")) for n, t in dns.queries]
    assert_delivered(postfix, "user2", run, TRICKY)


def test_unknown_recipient_is_exit_24_with_a_diagnosis(postfix: Postfix) -> None:
    mark = postfix.log_mark()
    run = smart_host(postfix, f"nosuchuser@{postfix.domain}")
    assert run.code == 24, run.out + run.err
    result = run.result
    assert result["accepted"] == []
    [rejected] = result["rejected"]
    assert rejected["address"] == f"nosuchuser@{postfix.domain}"
    assert rejected["code"] == 550 and rejected["text"].startswith("5.1.1 ")
    diagnosis = result["diagnosis"]
    assert set(diagnosis) == {"code", "cause", "explanation", "next_step", "fault",
                              "confidence"}
    assert (diagnosis["fault"], diagnosis["confidence"]) == ("recipient", "decided")
    assert "unknown recipient" in diagnosis["cause"].lower()
    assert "does not exist" in diagnosis["explanation"]
    # Postfix offers PIPELINING: DATA went in the group (RFC 2920 §3.1) and was refused;
    # no message followed it.
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert "DATA" in sent and "." not in sent
    data_reply = [e["text"] for e in run.events() if e["kind"] == "recv" and e["stage"] == "data"]
    assert data_reply and data_reply[0].startswith("554")
    line = postfix.wait_log("NOQUEUE: reject: RCPT", since=mark)
    assert f"to=<nosuchuser@{postfix.domain}>" in line and "550 5.1.1" in line


def test_unknown_recipient_one_command_at_a_time_never_sends_data(postfix: Postfix) -> None:
    run = smart_host(postfix, f"nosuchuser@{postfix.domain}", "--no-pipeline")
    assert run.code == 24, run.out + run.err
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert "DATA" not in sent and sent[-2:] == ["RSET", "QUIT"]


def test_message_over_size_limit_never_reaches_mail(postfix: Postfix, tmp_path: Path) -> None:
    big = tmp_path / "big.eml"
    body = b"x" * 76 + b"\r\n"
    big.write_bytes(b"From: a@example.com\r\nSubject: big\r\n\r\n"
                    + body * (postfix.size_limit // len(body) + 10))
    mark = postfix.log_mark()
    run = smart_host(postfix, f"user3@{postfix.domain}", "--eml", str(big))
    assert run.code == 23, run.out + run.err
    assert "SIZE" in run.result["error"] and str(postfix.size_limit) in run.result["error"]
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert not any(t.startswith(("MAIL", "RCPT", "DATA")) for t in sent), sent
    # Postfix's own account of the session: EHLO and QUIT, no MAIL, so nothing was queued.
    session = postfix.wait_log("disconnect from", since=mark)
    assert "mail=" not in session and "ehlo=1" in session, session
    assert postfix.mailbox("user3", count=0) == []

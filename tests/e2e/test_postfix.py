"""`smtptui run` against a private loopback Postfix: what lands in the Maildir is the .eml."""

from __future__ import annotations

import os
import pwd
import re
from pathlib import Path

import pytest

from tests.cli.helpers import Run, smtptui
from tests.fixtures import postfix_tree
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


def test_postfix_gets_the_pipelined_group_before_any_reply(postfix: Postfix, eml: Path) -> None:
    """PIPELINING (RFC 2920), offered by Postfix and used by default: MAIL, RCPT and DATA are
    sent before the first of their replies is read."""
    run = smart_host(postfix, f"user8@{postfix.domain}", "--eml", str(eml))
    kinds = [(e["kind"], e["stage"]) for e in run.events() if e["kind"] in ("send", "recv")]
    start = kinds.index(("send", "mail"))
    assert kinds[start:start + 4] == [("send", "mail"), ("send", "rcpt"), ("send", "data"),
                                      ("recv", "mail")]
    assert_delivered(postfix, "user8", run, TRICKY)


def test_bdat_delivers_the_eml_unchanged(postfix: Postfix, eml: Path) -> None:
    """CHUNKING (RFC 3030), which Postfix offers: the message in BDAT chunks, not stuffed."""
    run = smart_host(postfix, f"user4@{postfix.domain}", "--eml", str(eml), "--chunking",
                     "--chunk-size", "100")
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert sum(t.startswith("BDAT ") for t in sent) > 2 and sent[-1] == "QUIT"
    assert any(t.startswith("BDAT ") and t.endswith(" LAST") for t in sent)
    assert "DATA" not in sent
    assert_delivered(postfix, "user4", run, TRICKY)


def test_dsn_notify_success_makes_postfix_send_a_delivery_notification(postfix: Postfix,
                                                                       eml: Path) -> None:
    """DSN (RFC 3461) as Postfix takes it: NOTIFY=SUCCESS on the RCPT makes it report the
    delivery to the sender (its bounce daemon logs the notification)."""
    mark = postfix.log_mark()
    run = smart_host(postfix, f"user5@{postfix.domain}", "--eml", str(eml), "--dsn-notify",
                     "success,failure", "--dsn-ret", "hdrs", "--dsn-envid", "E2E-42",
                     "--dsn-orcpt")
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert any(t.endswith(" RET=HDRS ENVID=E2E-42") for t in sent), sent
    assert_delivered(postfix, "user5", run, TRICKY)
    postfix.wait_log("sender delivery status notification", since=mark)


def test_a_utf8_sender_goes_with_smtputf8(postfix: Postfix, tmp_path: Path) -> None:
    """SMTPUTF8 (RFC 6531), which Postfix offers: a UTF-8 address is delivered, not refused."""
    run = smtptui("run", "--server", f"{postfix.host}:{postfix.port}", "--from",
                  "jörg@exämple.test", "--to", f"user6@{postfix.domain}", "--helo", HELO,
                  "--tls", "off", "--timeout", "10", "--json")
    assert run.code == 0, run.out + run.err
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert any(t.startswith("MAIL FROM:<jörg@exämple.test>") and t.endswith(" SMTPUTF8")
               for t in sent), sent
    [raw] = postfix.mailbox("user6")
    assert raw.startswith("Return-Path: <jörg@exämple.test>\n".encode())


def test_xclient_sets_the_client_postfix_sees(postfix: Postfix, eml: Path) -> None:
    mark = postfix.log_mark()
    run = smart_host(postfix, f"user7@{postfix.domain}", "--eml", str(eml), "--xclient-name",
                     "relay.client.example", "--xclient-addr", "192.0.2.25")
    assert run.code == 0, run.out + run.err
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert "XCLIENT NAME=relay.client.example ADDR=192.0.2.25" in sent
    line = postfix.wait_log("client=relay.client.example[192.0.2.25]", since=mark)
    assert "192.0.2.25" in line


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


# --- the instance itself: the unpacked tree, its own accounts, loopback only ---------------


def test_the_instance_runs_from_the_unpacked_tree(postfix: Postfix) -> None:
    """Master and daemons are Debian's programs in tests/.postfix-root with the tree's
    libpostfix-*.so (never /usr/lib/postfix), daemons as smtptui-postfix: whatever MTA the
    machine has is not involved."""
    tree = f"{postfix_tree.ROOT}/"
    seen, owners = 0, set()
    for pid in postfix.pids():
        try:
            exe = os.readlink(f"/proc/{pid}/exe")
            maps = Path(f"/proc/{pid}/maps").read_text()
            owners.add(pwd.getpwuid(os.stat(f"/proc/{pid}").st_uid).pw_name)
        except OSError:  # a daemon that exited meanwhile
            continue
        libs = {line.split()[-1] for line in maps.splitlines() if "/libpostfix-" in line}
        assert exe.startswith(tree), exe
        assert libs and all(lib.startswith(tree) for lib in libs), (exe, libs)
        seen += 1
    assert seen >= 2  # master and at least one daemon
    assert postfix_tree.MAIL_OWNER in owners and owners <= {"root", postfix_tree.MAIL_OWNER}


def test_the_instance_listens_on_its_loopback_port_only(postfix: Postfix) -> None:
    assert set(postfix_tree.listeners(postfix.pids())) == {("tcp", "127.0.0.1", postfix.port)}

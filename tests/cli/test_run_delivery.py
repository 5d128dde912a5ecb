"""`smtptui run` against real receivers: aiosmtpd and Postfix's smtp-sink, byte for byte."""

from __future__ import annotations

import io
import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from smtptui.cli.printer import Printer
from smtptui.smtp.transcript import Progress
from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import standard

EML = (b"From: a@example.com\nTo: b@example.net\nSubject: hello\n\n"
       b"line one\r\n.leading dot\r\n..two dots\rbare cr\nlast line without newline")
CRLF = (b"From: a@example.com\r\nTo: b@example.net\r\nSubject: hello\r\n\r\n"
        b"line one\r\n.leading dot\r\n..two dots\r\nbare cr\r\nlast line without newline\r\n")


def test_same_eml_reaches_aiosmtpd_and_smtp_sink_byte_for_byte(tmp_path: Path, smtpd, sink
                                                              ) -> None:
    eml = tmp_path / "m.eml"
    eml.write_bytes(EML)
    server = smtpd()
    first = smtptui("run", *server_args(server), "--from", "a@example.com",
                    "--to", "b@example.net", "--eml", str(eml))
    assert first.code == 0, first.out + first.err
    second = smtptui("run", *server_args(sink), "--from", "a@example.com",
                     "--to", "b@example.net", "--eml", str(eml))
    assert second.code == 0, second.out + second.err
    (got,) = server.wait_for_messages(1)
    assert got.mail_from == "a@example.com" and got.rcpt_tos == ["b@example.net"]
    assert got.data == CRLF
    (sunk,) = sink.wait_for_messages(1)
    assert sunk.sender == "a@example.com" and sunk.recipients == ["b@example.net"]
    assert sunk.data == CRLF


def test_several_recipients_comma_and_repeat(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), "--from", "a@example.com",
                  "--to", "b@example.net,c@example.net", "--to", "d@example.org", "--json")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.rcpt_tos == ["b@example.net", "c@example.net", "d@example.org"]
    result = run.result
    assert result["accepted"] == ["b@example.net", "c@example.net", "d@example.org"]
    assert result["address"] == "127.0.0.1" and result["exit_code"] == 0


def test_composed_message_has_the_usual_headers(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), "--from", "a@example.com", "--to", "b@example.net")
    assert run.code == 0, run.err
    (got,) = server.wait_for_messages(1)
    headers = got.data.split(b"\r\n\r\n", 1)[0].decode()
    for name in ("Date:", "Message-ID:", "From: <a@example.com>", "To: <b@example.net>",
                 "Subject:"):
        assert name in headers


def test_transcript_markers_and_json_events(smtpd) -> None:
    server = smtpd()
    text = smtptui("run", *server_args(server), "--from", "a@example.com", "--to", "b@example.net")
    lines = text.out.splitlines()
    assert any(" -> " in line and "EHLO client.example" in line for line in lines)
    assert any(" <- " in line and "250" in line for line in lines)
    assert any(" === " in line and "Connected to 127.0.0.1" in line for line in lines)
    run = smtptui("run", *server_args(server), "--from", "a@example.com", "--to", "b@example.net",
                  "--json")
    events = run.events()
    assert all(set(e) >= {"t", "kind"} for e in events)
    body = [e for e in events if e["kind"] != "result"]
    assert {e["kind"] for e in body} <= {"send", "recv", "info", "error"}
    assert all(set(e) >= {"t", "kind", "stage", "text"} for e in body)
    sent = [e["text"] for e in body if e["kind"] == "send"]
    assert sent[0] == "EHLO client.example" and sent[-1] == "QUIT"
    assert [e["t"] for e in body] == sorted(e["t"] for e in body)
    assert events[-1]["kind"] == "result" and events[-1]["outcome"] == "delivered"


def test_quit_after_stages(smtpd) -> None:
    server = smtpd()
    for stage in ("banner", "ehlo", "tls", "auth", "mail", "rcpt"):
        run = smtptui("run", *server_args(server), "--from", "a@example.com",
                      "--to", "b@example.net", "--quit-after", stage, "--json")
        assert run.code == 0, run.out
        sent = [e["text"] for e in run.events() if e["kind"] == "send"]
        assert sent[-1] == "QUIT"
        assert "DATA" not in sent
        assert any(line.startswith("MAIL") for line in sent) is (stage in ("mail", "rcpt"))
        assert run.result["outcome"] == "stopped"
        if stage == "tls":  # the server offers no STARTTLS: say so, not "after tls"
            assert any("this session has no TLS" in e.get("text", "") for e in run.events())
    assert server.messages == []


def test_large_message_streams(tmp_path: Path, smtpd) -> None:
    eml = tmp_path / "big.eml"
    line = b"x" * 76 + b"\n"
    eml.write_bytes(b"Subject: big\n\n" + line * 70000)  # about 5 MB
    server = smtpd()
    run = smtptui("run", *server_args(server), "--from", "a@example.com",
                  "--to", "b@example.net", "--eml", str(eml))
    assert run.code == 0, run.err
    assert "more lines of the message not shown" in run.out
    (got,) = server.wait_for_messages(1)
    assert got.data == eml.read_bytes().replace(b"\n", b"\r\n")


def test_ipv6_loopback(scripted, ipv6_loopback) -> None:
    server = scripted(standard, host=ipv6_loopback)
    run = smtptui("run", "--server", f"[::1]:{server.port}", "--tls", "off", "--from",
                  "a@example.com", "--to", "b@example.net", "--json")
    assert run.code == 0, run.out
    assert run.result["address"] == "::1"
    assert server.connections[0].envelope.rcpt_tos == ["RCPT TO:<b@example.net>"]


def test_progress_only_on_a_terminal(tmp_path: Path, smtpd) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    err = Tty()
    printer = Printer(io.StringIO(), err, as_json=False, progress=err.isatty())
    printer.progress(Progress(1.0, 5_000_000, 10_000_000, 0.5))
    assert "5,000,000 / 10,000,000 octets (50%)" in err.getvalue()
    assert "10.0 MB/s" in err.getvalue()
    # Through a real pseudo-terminal on stderr, and never in a pipe or with --json.
    eml = tmp_path / "big.eml"
    eml.write_bytes(b"Subject: big\n\n" + (b"z" * 76 + b"\n") * 200000)
    server = smtpd()
    args = ["run", *server_args(server), "--from", "a@example.com", "--to", "b@example.net",
            "--eml", str(eml)]
    piped = smtptui(*args)
    assert piped.code == 0 and piped.err == ""
    leader, follower = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "smtptui", *args], stdout=subprocess.PIPE,
                          stderr=follower, stdin=subprocess.DEVNULL, timeout=60)
    os.close(follower)
    seen = b""
    try:
        while chunk := os.read(leader, 65536):
            seen += chunk
    except OSError:
        pass
    os.close(leader)
    assert proc.returncode == 0
    assert b"octets (100%)" in seen and b"MB/s" in seen


@pytest.mark.parametrize("smtputf8", [True, False])
def test_utf8_in_the_header_asks_for_smtputf8(smtpd, tmp_path: Path, smtputf8: bool) -> None:
    """RFC 6531 §3.4 / RFC 6532: UTF-8 header fields go with SMTPUTF8 on MAIL when offered;
    without it the message still goes (8BITMIME), with a note that it may be refused."""
    eml = tmp_path / "utf8.eml"
    eml.write_bytes("Subject: Grüße\nFrom: <a@example.com>\n\nbody\n".encode())
    server = smtpd(smtputf8=smtputf8)
    run = smtptui("run", *server_args(server), "--from", "a@example.com", "--to",
                  "b@example.net", "--eml", str(eml), "--json")
    assert run.code == 0, run.out
    (got,) = server.wait_for_messages(1)
    assert ("SMTPUTF8" in got.mail_options) is smtputf8
    assert "BODY=8BITMIME" in got.mail_options
    noted = [e for e in run.events() if "8-bit bytes in its header" in e.get("text", "")]
    assert len(noted) == (0 if smtputf8 else 1)
    assert got.data == eml.read_bytes().replace(b"\n", b"\r\n")


def test_utf8_in_the_body_only_needs_no_smtputf8(smtpd, tmp_path: Path) -> None:
    eml = tmp_path / "body.eml"
    eml.write_bytes("Subject: plain\n\nGrüße\n".encode())
    server = smtpd(smtputf8=True)
    run = smtptui("run", *server_args(server), "--from", "a@example.com", "--to",
                  "b@example.net", "--eml", str(eml))
    assert run.code == 0, run.out
    (got,) = server.wait_for_messages(1)
    assert "SMTPUTF8" not in got.mail_options and "BODY=8BITMIME" in got.mail_options
    assert "8-bit bytes in its header" not in run.out

"""`smtptui run` exit codes and messages: bad input, refusals, and hostile scripted servers."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import Peer, standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]


async def greet(peer: Peer, ehlo: tuple[str, ...] = ("250 test.example",)) -> None:
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    for line in ehlo:
        await peer.reply(line)


@pytest.mark.parametrize("args, message", [
    (["--to", "b@example.net"], "no sender"),
    (["--from", "a@example.com"], "no recipient"),
    (["--from", "not-an-address", "--to", "b@example.net"], "'not-an-address' is not a valid"),
    (["--from", "a@example.com", "--to", "b@exa mple.net"], "is not a valid mail address"),
    (["--from", "a@example.com\r\nRSET", "--to", "b@example.net"], "control character"),
    (["--from", "a@example.com", "--to", "b@example.net", "--helo", "bad\nname"],
     "control character"),
    (["--from", "a@example.com", "--to", "b@example.net", "--eml", "/nonexistent/x.eml"],
     "does not exist"),
    (["--server", "127.0.0.1:", "--from", "a@example.com", "--to", "b@example.net"],
     "no port after ':'"),
    (["--from", "a@example.com", "--to", "b@example.net", "--timeout", "0"], "more than 0"),
])
def test_bad_input_exit_1_and_no_connection(scripted, args: list[str], message: str) -> None:
    server = scripted(standard)
    run = smtptui("run", "--server", f"127.0.0.1:{server.port}", *args)
    assert run.code == 1, run.out + run.err
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1
    assert run.out == ""
    assert server.connections == []


@pytest.mark.parametrize("server_arg, message", [
    ("127.0.0.1:99999", "port '99999'"), ("127.0.0.1:abc", "port 'abc'"), ("[::1", "']'"),
])
def test_bad_server_argument(server_arg: str, message: str) -> None:
    run = smtptui("run", "--server", server_arg, *ENVELOPE)
    assert run.code == 1 and message in run.err


def test_nul_in_message_refused_before_connecting(tmp_path: Path, scripted) -> None:
    eml = tmp_path / "bin.eml"
    eml.write_bytes(b"Subject: x\n\n\x00\x01\x02")
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(eml))
    assert run.code == 1 and "NUL byte" in run.err
    assert server.connections == []


def test_connection_refused_exit_2() -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    run = smtptui("run", "--server", f"127.0.0.1:{port}", *ENVELOPE, "--json")
    assert run.code == 2
    assert run.result["stage"] == "connect" and "refused" in run.result["error"]


async def banner_554(peer: Peer) -> None:
    await peer.reply("554 5.7.1 You are on a block list")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


async def banner_421(peer: Peer) -> None:
    await peer.reply("421 4.7.0 Too many connections, try later")
    await peer.wait_closed()


async def silent(peer: Peer) -> None:
    await peer.wait_closed(timeout=30)


async def half_banner(peer: Peer) -> None:
    await peer.send("220-test.example first line\r\n")
    await peer.wait_closed(timeout=30)


def test_banner_554_exit_21_with_quit(scripted) -> None:
    server = scripted(banner_554)
    run = smtptui("run", *server_args(server), *ENVELOPE)
    assert run.code == 21
    assert server.connections[0].received == b"QUIT\r\n"


def test_banner_421_exit_21_and_closes_without_quit(scripted) -> None:
    server = scripted(banner_421)
    run = smtptui("run", *server_args(server), *ENVELOPE)
    assert run.code == 21
    assert server.connections[0].received == b""


@pytest.mark.parametrize("handler", [silent, half_banner])
def test_banner_timeout_exit_21(scripted, handler) -> None:
    server = scripted(handler)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--timeout", "1", "--json")
    assert run.code == 21
    assert "no banner within 1 s" in run.result["error"]


async def no_ehlo(peer: Peer) -> None:
    await peer.reply("220 old.example SMTP")
    await peer.expect("EHLO client.example")
    await peer.reply("502 5.5.2 command not recognized")
    await peer.expect("HELO client.example")
    await peer.reply("250 old.example")
    await peer.expect("MAIL FROM:<a@example.com>")
    await peer.reply("250 ok")
    await peer.expect("RCPT TO:<b@example.net>")
    await peer.reply("250 ok")
    await peer.expect("DATA")
    await peer.reply("354 go")
    await peer.read_data()
    await peer.reply("250 queued")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_ehlo_refused_falls_back_to_helo(scripted) -> None:
    server = scripted(no_ehlo)
    run = smtptui("run", *server_args(server), *ENVELOPE)
    assert run.code == 0, run.out
    assert "falling back to HELO" in run.out


async def no_greeting(peer: Peer) -> None:
    await peer.reply("220 picky.example")
    await peer.expect("EHLO")
    await peer.reply("550 no")
    await peer.expect("HELO")
    await peer.reply("550 no either")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_ehlo_and_helo_refused_exit_22(scripted) -> None:
    run = smtptui("run", *server_args(scripted(no_greeting)), *ENVELOPE)
    assert run.code == 22


def reply_at(stage: str, code: str):
    async def handler(peer: Peer) -> None:
        await greet(peer)
        steps = [("MAIL", "250 ok"), ("RCPT", "250 ok"), ("DATA", "354 go")]
        for verb, ok in steps:
            await peer.expect(verb)
            if verb == stage:
                await peer.reply(code)
                break
            await peer.reply(ok)
        else:
            await peer.read_data()
            await peer.reply(code)
        if code.startswith("421"):
            await peer.wait_closed()
            return
        await peer.expect("RSET" if stage == "RCPT" else "QUIT")
        if stage == "RCPT":
            await peer.reply("250 ok")
            await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


@pytest.mark.parametrize("stage, code, exit_code", [
    ("MAIL", "553 5.1.8 sender rejected", 23),
    ("RCPT", "550 5.1.1 no such user", 24),
    ("DATA", "554 5.5.1 no valid recipients", 25),
    ("DOT", "552 5.3.4 message too big", 26),
    ("MAIL", "421 4.3.2 shutting down", 23),
    ("DOT", "421 4.3.2 shutting down", 26),
])
def test_refusals_exit_codes(scripted, stage: str, code: str, exit_code: int) -> None:
    server = scripted(reply_at(stage, code))
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json")
    assert run.code == exit_code, run.out
    assert run.result["exit_code"] == exit_code
    received = bytes(server.connections[0].received)
    if code.startswith("421"):
        assert b"RSET" not in received and b"QUIT" not in received


async def close_after_mail(peer: Peer) -> None:
    await greet(peer)
    await peer.expect("MAIL")
    await peer.close()


def test_unexpected_close_exit_6_names_stage(scripted) -> None:
    run = smtptui("run", *server_args(scripted(close_after_mail)), *ENVELOPE, "--json")
    assert run.code == 6
    assert run.result["stage"] == "mail" and "closed" in run.result["error"]


def test_8bit_without_8bitmime_stops_before_mail(tmp_path: Path, scripted) -> None:
    eml = tmp_path / "u.eml"
    eml.write_bytes("Subject: café\n\nnaïve\n".encode())

    async def handler(peer: Peer) -> None:
        await greet(peer, ("250-test.example", "250 SIZE 100000"))
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(handler)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(eml), "--json")
    assert run.code == 23 and "8BITMIME" in run.result["error"]
    assert b"MAIL" not in server.connections[0].received


def test_non_ascii_address_without_smtputf8(scripted) -> None:
    async def handler(peer: Peer) -> None:
        await greet(peer, ("250-test.example", "250 8BITMIME"))
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(handler)
    run = smtptui("run", *server_args(server), "--from", "a@example.com",
                  "--to", "josé@example.net",
                  "--json")
    assert run.code == 23 and "SMTPUTF8" in run.result["error"]
    assert b"MAIL" not in server.connections[0].received


def test_size_declared_and_over_limit_refused_before_data(tmp_path: Path, scripted) -> None:
    eml = tmp_path / "big.eml"
    eml.write_bytes(b"Subject: x\n\n" + b"y" * 5000 + b"\n")

    async def handler(peer: Peer) -> None:
        await greet(peer, ("250-test.example", "250 SIZE 1000"))
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    server = scripted(handler)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(eml), "--json")
    assert run.code == 23 and "at most 1000" in run.result["error"]
    assert b"DATA" not in server.connections[0].received


def test_size_parameter_sent(smtpd, tmp_path: Path) -> None:
    server = smtpd(data_size_limit=100000)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--body", "hi", "--json")
    assert run.code == 0
    mail = next(e["text"] for e in run.events() if e.get("stage") == "mail"
                and e["kind"] == "send")
    assert " SIZE=" in mail


async def malformed(peer: Peer) -> None:
    await peer.reply("220 test.example")
    await peer.expect("EHLO")
    await peer.reply("250-test.example")
    await peer.reply("hello there")


def test_malformed_reply_is_a_protocol_error(scripted) -> None:
    run = smtptui("run", *server_args(scripted(malformed)), *ENVELOPE, "--json")
    assert run.code == 22 and "protocol error" in run.result["error"]


async def markup(peer: Peer) -> None:
    await peer.reply("220 [bold red]evil[/] \x1b[2J\x1b]0;title\x07 ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250 ok")
    await standard_tail(peer)


async def standard_tail(peer: Peer) -> None:
    while (line := await peer.readline()) is not None:
        verb = line[:4].upper()
        if verb == b"DATA":
            await peer.reply("354 go")
            await peer.read_data()
        elif verb == b"QUIT":
            await peer.reply("221 bye")
            return
        await peer.reply("250 ok")


def test_escape_sequences_are_shown_not_acted_on(scripted) -> None:
    run = smtptui("run", *server_args(scripted(markup)), *ENVELOPE)
    assert run.code == 0
    assert "\x1b" not in run.out
    assert "[bold red]evil[/] \\x1b[2J\\x1b]0;title\\x07 ESMTP" in run.out


def test_size_declares_the_message_without_stuffed_dots(scripted, tmp_path: Path) -> None:
    """RFC 1870 §3: SIZE= counts CRLF line ends but not the dots that stuffing doubles, so a
    message exactly at the server's limit is sent, not refused."""
    eml = tmp_path / "dots.eml"
    eml.write_bytes(b"Subject: dots\n\n.a\n..b\n.\nc\n")
    size = len(eml.read_bytes().replace(b"\n", b"\r\n"))
    ehlo = ("250-test.example", f"250 SIZE {size}")
    server = scripted(lambda peer: standard(peer, ehlo=ehlo))
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(eml), "--json")
    assert run.code == 0, run.out
    (envelope,) = server.connections[0].envelopes
    assert envelope.mail_from.endswith(f" SIZE={size}")
    assert envelope.data == b"Subject: dots\r\n\r\n..a\r\n...b\r\n..\r\nc\r\n.\r\n"  # wire

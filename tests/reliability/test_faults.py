"""Hostile scripted servers against `smtptui run`: no crash, no hang, the stage named, its code.

Cases already covered elsewhere (banner 421/554, no banner, ``220-`` then silence, 421 and a
close after MAIL, 552 after the dot, STARTTLS required/454/injection/hand-shake against plain
text, AUTH 334 loops/535/no mechanism) are listed in docs/reliability.md, not repeated here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import server_args
from tests.fixtures.scripted import Peer
from tests.reliability.helpers import (
    MEMORY_CAP,
    STAGE_TIMEOUT,
    assert_clean_failure,
    measured,
)

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
EXIT = {"ehlo": 22, "helo": 22, "starttls": 29, "auth": 28, "mail": 23, "rcpt": 24,
        "data": 25, "dot": 26}
AUTH_ARGS = ["--auth-user", "alice", "--auth-mech", "PLAIN", "--password-env", "SMTP_PW",
             "--allow-plaintext-auth"]


def client_args(at: str) -> list[str]:
    """The extra flags that make the client reach stage `at` (STARTTLS, AUTH)."""
    if at == "starttls":
        return ["--tls", "starttls"]
    if at == "auth":
        return AUTH_ARGS
    return []


async def act(peer: Peer, how: str) -> None:
    """Misbehave: "421" (then expect the client to hang up at once), "close" or "silence"."""
    if how == "421":
        await peer.reply("421 4.3.2 Service shutting down, closing transmission channel")
        await peer.wait_closed()
    elif how == "close":
        await peer.close()
    else:
        await peer.wait_closed(timeout=30)  # say nothing; the client's time-out must end it


def misbehave_at(at: str, how: str):
    """A server that plays a normal session up to the command of stage `at`, then `act`s."""

    async def handler(peer: Peer) -> None:
        await peer.reply("220 test.example ESMTP")
        await peer.expect("EHLO client.example")
        if at == "ehlo":
            return await act(peer, how)
        caps = ["250-test.example", "250-8BITMIME"]
        caps += ["250-STARTTLS"] if at == "starttls" else []
        caps += ["250-AUTH PLAIN"] if at == "auth" else []
        if at == "helo":
            await peer.reply("502 5.5.2 EHLO not implemented")
            await peer.expect("HELO client.example")
            return await act(peer, how)
        for line in caps + ["250 SMTPUTF8"]:
            await peer.reply(line)
        if at == "starttls":
            await peer.expect("STARTTLS")
            return await act(peer, how)
        if at == "auth":
            await peer.expect("AUTH PLAIN ")
            return await act(peer, how)
        for verb, ok in (("MAIL", "250 2.1.0 ok"), ("RCPT", "250 2.1.5 ok"), ("DATA", "354 go")):
            await peer.expect(verb)
            if at == verb.lower():
                return await act(peer, how)
            await peer.reply(ok)
        await peer.read_data()
        if at == "dot":
            return await act(peer, how)
        await peer.reply("250 2.0.0 queued")
        await peer.expect("QUIT")
        await act(peer, how)

    return handler


def run_against(server, *extra: str, timeout: str = STAGE_TIMEOUT):
    got = measured("run", *server_args(server), *ENVELOPE, "--timeout", timeout,
                   "--json", *extra, env={"SMTP_PW": "pw"})
    assert got.peak_rss < MEMORY_CAP, got.peak_rss
    return got.run


# -- 421, a close and silence after each command -----------------------------------------------

@pytest.mark.parametrize("at", ["ehlo", "helo", "starttls", "auth", "rcpt", "data"])
def test_421_after_a_command_stops_at_once_without_rset_or_quit(scripted, at: str) -> None:
    server = scripted(misbehave_at(at, "421"))
    run = run_against(server, *client_args(at))
    result = assert_clean_failure(run, EXIT[at], at)
    assert "421" in result["error"]
    received = bytes(server.connections[0].received)
    assert b"RSET" not in received and b"QUIT" not in received
    assert received.endswith(b"\r\n")  # the 421'd command was the last thing sent


@pytest.mark.parametrize("at", ["ehlo", "helo", "starttls", "auth", "rcpt", "data", "dot"])
def test_close_after_a_command_exit_6_names_the_stage(scripted, at: str) -> None:
    run = run_against(scripted(misbehave_at(at, "close")), *client_args(at))
    result = assert_clean_failure(run, 6, at)
    assert "closed" in result["error"] and at in result["error"]


def test_close_instead_of_221_after_quit_is_still_a_delivery(scripted) -> None:
    run = run_against(scripted(misbehave_at("quit", "close")))
    assert run.code == 0 and run.result["outcome"] == "delivered", run.out
    assert "Traceback" not in run.err


@pytest.mark.parametrize("at", ["ehlo", "helo", "starttls", "auth", "mail", "rcpt", "data",
                                "dot"])
def test_silence_after_a_command_times_out_with_the_stage_code(scripted, at: str) -> None:
    run = run_against(scripted(misbehave_at(at, "silence")), *client_args(at), timeout="1")
    result = assert_clean_failure(run, EXIT[at], at)
    assert f"within 1 s in stage {at}" in result["error"], result["error"]


def test_silence_instead_of_221_is_still_a_delivery(scripted) -> None:
    run = run_against(scripted(misbehave_at("quit", "silence")), timeout="1")
    assert run.code == 0 and run.result["outcome"] == "delivered", run.out


# -- malformed, endless and huge replies -------------------------------------------------------

async def dribble(peer: Peer, text: str) -> None:
    """Send `text` one byte per packet."""
    for byte in text.encode():
        await peer.send(bytes([byte]))
        await peer.sleep(0.002)


async def split_greeting(peer: Peer) -> None:
    await dribble(peer, "220-test.example ESMTP\r\n220 second line\r\n")
    await peer.expect("EHLO")
    await dribble(peer, "250-test.example\r\n250-SIZE 100000\r\n250 8BITMIME\r\n")
    await serve_rest(peer)


async def serve_rest(peer: Peer) -> None:
    """Answer the rest of a session (after EHLO) like a well-behaved server."""
    while (line := await peer.readline()) is not None:
        verb = line[:4].upper()
        if verb == b"DATA":
            await peer.reply("354 go")
            peer.envelopes.append(await peer.read_data())  # type: ignore[arg-type]
        elif verb == b"QUIT":
            await peer.reply("221 bye")
            return
        await peer.reply("250 ok")


def test_greeting_split_across_packets_still_works(scripted) -> None:
    server = scripted(split_greeting)
    run = run_against(server)
    assert run.code == 0, run.out
    assert run.result["capabilities"]["SIZE"] == ["100000"]
    assert [e["text"] for e in run.events() if e["kind"] == "recv"][:2] == [
        "220-test.example ESMTP", "220 second line"]
    assert len(server.connections[0].envelopes) == 1


async def bare_lf_replies(peer: Peer) -> None:
    """A server that ends every reply line with LF alone."""
    await peer.send(b"220 lf.example ESMTP\n")
    await peer.expect("EHLO")
    await peer.send(b"250-lf.example\n250 8BITMIME\n")
    while (line := await peer.readline()) is not None:
        verb = line[:4].upper()
        if verb == b"DATA":
            await peer.send(b"354 go\n")
            peer.envelopes.append(await peer.read_data())  # type: ignore[arg-type]
        elif verb == b"QUIT":
            await peer.send(b"221 bye\n")
            return
        await peer.send(b"250 ok\n")


def test_bare_lf_replies_are_read_and_noted_once(scripted) -> None:
    run = run_against(scripted(bare_lf_replies))
    assert run.code == 0, run.out
    notes = [e for e in run.events() if "bare LF" in e.get("text", "")]
    assert len(notes) == 1 and notes[0]["kind"] == "info" and notes[0]["stage"] == "banner"
    assert "RFC 5321 §2.3.8" in notes[0]["text"]


def test_crlf_replies_get_no_line_end_note(scripted) -> None:
    run = run_against(scripted(split_greeting))
    assert run.code == 0, run.out
    assert not [e for e in run.events() if "bare LF" in e.get("text", "")]


async def ehlo_then(peer: Peer, *lines: str) -> None:
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    for line in lines:
        await peer.reply(line)


async def overlong_banner(peer: Peer) -> None:
    await peer.send("220 " + "x" * 20000 + "\r\n")
    await peer.wait_closed()


async def endless_line(peer: Peer) -> None:
    await ehlo_then(peer)
    await peer.send("250-")
    for _ in range(4000):  # up to 256 MB; the client must hang up long before
        await peer.send(b"A" * 65536)  # a no-op once the client has gone


async def ten_thousand_lines(peer: Peer) -> None:
    await ehlo_then(peer)
    for i in range(10000):
        await peer.reply(f"250-X-CAPABILITY-{i} " + "p" * 40)
    await peer.reply("250 OK")


async def eof_mid_line(peer: Peer) -> None:
    await ehlo_then(peer, "250 test.example")
    await peer.expect("MAIL")
    await peer.send("250 2.1.0 O")
    await peer.close()


async def non_numeric(peer: Peer) -> None:
    await ehlo_then(peer, "250 test.example")
    await peer.expect("MAIL")
    await peer.reply("250 ok")
    await peer.expect("RCPT")
    await peer.reply("2S0 recipient ok")
    await peer.wait_closed()


async def codes_differ(peer: Peer) -> None:
    await ehlo_then(peer, "250 test.example")
    for verb in ("MAIL", "RCPT"):
        await peer.expect(verb)
        await peer.reply("250 ok")
    await peer.expect("DATA")
    await peer.reply("354-go ahead")
    await peer.reply("250 ok")
    await peer.wait_closed()


@pytest.mark.parametrize("handler, stage, words", [
    (overlong_banner, "banner", "longer than"),
    (endless_line, "ehlo", "no end of line"),
    (ten_thousand_lines, "ehlo", "exceeds"),
    (non_numeric, "rcpt", "three-digit"),
    (codes_differ, "data", "changed within one reply"),
])
def test_malformed_or_huge_reply_is_a_protocol_error_in_bounded_memory(
        scripted, handler, stage: str, words: str) -> None:
    run = run_against(scripted(handler))
    result = assert_clean_failure(run, EXIT.get(stage, 21), stage)
    assert "protocol error" in result["error"] and words in result["error"]
    assert len(run.out) < 200_000  # the transcript is bounded too


def test_eof_in_the_middle_of_a_reply_line(scripted) -> None:
    run = run_against(scripted(eof_mid_line))
    result = assert_clean_failure(run, 6, "mail")
    assert "closed" in result["error"]


# -- text the terminal must never act on -------------------------------------------------------

ANSI = "\x1b[2J\x1b[31m\x1b]0;pwned\x07"
MARKUP = "[bold red]evil[/] [link=http://x]y[/link]"


async def hostile_text(peer: Peer) -> None:
    await peer.send(b"220 caf\xe9 \xff\xfe ESMTP " + ANSI.encode() + b"\r\n")
    await peer.expect("EHLO")
    await peer.reply(f"250-test.example {MARKUP}")
    await peer.reply("250 8BITMIME")
    await peer.expect("MAIL")
    await peer.send(f"550-5.7.1 {MARKUP} {ANSI}\r\n".encode() + b"550 5.7.1 caf\xe9\r\n")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


@pytest.mark.parametrize("as_json", [False, True])
def test_escape_bytes_markup_and_bad_utf8_are_shown_literally(scripted, as_json: bool) -> None:
    server = scripted(hostile_text)
    got = measured("run", *server_args(server), *ENVELOPE, "--timeout", STAGE_TIMEOUT,
                   *(["--json"] if as_json else []))
    run = got.run
    assert run.code == 23, run.out
    for forbidden in ("\x1b", "\x07", "\x9b", "\ufffd"):
        assert forbidden not in run.out and forbidden not in run.err
    if as_json:
        texts = [e["text"] for e in run.events() if "text" in e]
        assert "220 caf\\xe9 \\xff\\xfe ESMTP \\x1b[2J\\x1b[31m\\x1b]0;pwned\\x07" in texts
        assert f"250-test.example {MARKUP}" in texts
        result = run.result
        assert "\x1b" not in result["error"] and "\x1b" not in result["last_reply"]
        assert MARKUP in result["error"]
    else:
        assert "caf\\xe9 \\xff\\xfe ESMTP \\x1b[2J" in run.out
        assert MARKUP in run.out and "550 5.7.1 caf\\xe9" in run.out


# -- DATA: reset and a reader that stops -------------------------------------------------------

def big_message(path: Path, megabytes: int) -> Path:
    line = b"0123456789abcdefghijklmnopqrstuvwxyz-0123456789abcdefghijklmnopqrstuvwxyz\n"
    with path.open("wb") as fh:
        fh.write(b"Subject: big\n\n")
        fh.write(line * (megabytes * 1024 * 1024 // len(line)))
    return path


def until_data(then: str):
    async def handler(peer: Peer) -> None:
        await ehlo_then(peer, "250-test.example", "250 8BITMIME")
        for verb, ok in (("MAIL", "250 ok"), ("RCPT", "250 ok"), ("DATA", "354 go")):
            await peer.expect(verb)
            await peer.reply(ok)
        await peer.readline()  # the first line of the message has arrived: now misbehave
        if then == "reset":
            await peer.reset()
        elif then == "refuse":  # says why, then takes no more of the message
            await peer.reply("552 5.3.4 Message size exceeds fixed limit")
            await peer.stall()
        else:
            await peer.stall()
    return handler


def test_connection_reset_mid_data_exit_6(scripted, tmp_path: Path) -> None:
    eml = big_message(tmp_path / "m.eml", 2)
    run = run_against(scripted(until_data("reset")), "--eml", str(eml))
    result = assert_clean_failure(run, 6, "dot")
    if "broke" in result["error"]:  # the reset met a write: the message was cut off
        assert "not delivered" in result["error"]
        assert result["diagnosis"]["code"] == "closed-during-data"
    else:  # a loaded machine had handed every octet to the kernel before the reset came
        assert "closed the connection" in result["error"]
        assert result["diagnosis"]["code"] == "closed-after-data"


def test_a_refusal_in_the_middle_of_the_message_is_read_and_shown(scripted,
                                                                  tmp_path: Path) -> None:
    eml = big_message(tmp_path / "m.eml", 8)
    run = run_against(scripted(until_data("refuse")), "--eml", str(eml))
    result = assert_clean_failure(run, 26, "dot")
    assert "552 5.3.4 Message size exceeds fixed limit" in result["error"]
    assert result["diagnosis"]["code"] == "message-too-large"
    assert "552 5.3.4 Message size exceeds fixed limit" in [
        e["text"] for e in run.events() if e["kind"] == "recv"]


def test_server_that_stops_reading_mid_data_hits_the_write_timeout(scripted,
                                                                   tmp_path: Path) -> None:
    eml = big_message(tmp_path / "m.eml", 10)
    run = run_against(scripted(until_data("stall")), "--eml", str(eml))
    result = assert_clean_failure(run, 26, "dot")
    assert "stopped reading" in result["error"] and "not delivered" in result["error"]
    assert f"in {STAGE_TIMEOUT} s" in result["error"]
    assert result["diagnosis"]["code"] == "data-stalled"


# -- STARTTLS: 220, then a close ---------------------------------------------------------------

async def close_after_220(peer: Peer) -> None:
    await ehlo_then(peer, "250-test.example", "250 STARTTLS")
    await peer.expect("STARTTLS")
    await peer.reply("220 2.0.0 Ready to start TLS")
    await peer.close()


def test_starttls_220_then_close_is_a_tls_failure(scripted) -> None:
    run = run_against(scripted(close_after_220), "--tls", "starttls")
    result = assert_clean_failure(run, 29, "tls")
    assert "hand-shake" in result["error"]
    assert "timed out" not in result["error"]  # seen at once, not waited out
    assert "closed" in result["error"] or "reset" in result["error"]


async def ehlo_cut_short(peer: Peer) -> None:
    """Two continuation lines, then a malformed last line."""
    await ehlo_then(peer, "250-test.example greets you", "250-8BITMIME", "250\tSIZE 100")


async def ehlo_then_silence(peer: Peer) -> None:
    await ehlo_then(peer, "250-test.example greets you", "250-8BITMIME")
    await peer.sleep(30)


@pytest.mark.parametrize("handler, words", [
    (ehlo_cut_short, "bad separator"), (ehlo_then_silence, "part of a reply came")])
def test_the_lines_of_a_reply_that_never_ends_are_shown(scripted, handler, words: str) -> None:
    run = run_against(scripted(handler))
    result = assert_clean_failure(run, 22, "ehlo")
    assert words in result["error"]
    received = [e["text"] for e in run.events() if e["kind"] == "recv"]
    assert received[-2:] == ["250-test.example greets you", "250-8BITMIME"]

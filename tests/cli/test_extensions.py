"""Protocol breadth through `smtptui run` against loopback servers: what the server received.

Pipelined groups arrive before the first reply is sent; BDAT chunks add up to the message
unstuffed; DSN and XCLIENT parameters arrive as named (Postfix's smtp-sink, which speaks
both); the stop points close where they say.
"""

from __future__ import annotations

from pathlib import Path

from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import Peer

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net,c@example.net"]


async def pipelining_server(peer: Peer) -> None:
    await peer.reply("220 pipe.example ESMTP")
    await peer.expect("EHLO")
    await peer.send("250-pipe.example\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
    # Nothing is answered until the whole group is in: a client waiting for MAIL's reply
    # would leave these reads to time out.
    group = [await peer.readline(timeout=3) for _ in range(4)]
    peer.group = group  # type: ignore[attr-defined]
    await peer.send("250 2.1.0 ok\r\n250 2.1.5 ok\r\n250 2.1.5 ok\r\n354 go\r\n")
    await peer.read_data()
    await peer.reply("250 2.0.0 queued")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_the_pipelined_group_arrives_before_the_first_reply(scripted) -> None:
    server = scripted(pipelining_server)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json")
    assert run.code == 0, run.out
    group = server.connections[0].group
    assert group == [b"MAIL FROM:<a@example.com>\r\n", b"RCPT TO:<b@example.net>\r\n",
                     b"RCPT TO:<c@example.net>\r\n", b"DATA\r\n"]
    assert run.result["accepted"] == ["b@example.net", "c@example.net"]


def bdat_server(chunks: list[bytes]):  # type: ignore[no-untyped-def]
    async def handler(peer: Peer) -> None:
        await peer.reply("220 chunk.example ESMTP")
        await peer.expect("EHLO")
        await peer.send("250-chunk.example\r\n250-CHUNKING\r\n250 8BITMIME\r\n")
        await peer.expect("MAIL")
        await peer.reply("250 ok")
        await peer.expect("RCPT")
        await peer.reply("250 ok")
        while True:
            line = await peer.expect("BDAT ")
            words = line.split()
            chunks.append(await peer.read_bytes(int(words[1])))
            await peer.reply("250 2.0.0 ok")
            if words[2:] == [b"LAST"]:
                break
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


def test_bdat_chunks_add_up_to_the_message_unstuffed(scripted, tmp_path: Path) -> None:
    eml = tmp_path / "dots.eml"
    body = b"Subject: dots\n\n" + b"".join(b".line %d\n" % i for i in range(200)) + b".\n"
    eml.write_bytes(body)
    chunks: list[bytes] = []
    server = scripted(bdat_server(chunks))
    run = smtptui("run", *server_args(server), "--from", "a@example.com", "--to",
                  "b@example.net", "--eml", str(eml), "--chunking", "--chunk-size", "500")
    assert run.code == 0, run.out
    assert len(chunks) > 3 and all(len(chunk) <= 700 for chunk in chunks)
    assert b"".join(chunks) == body.replace(b"\n", b"\r\n")  # no dot doubled, no final dot
    assert "BDAT" in run.out and " LAST" in run.out


def test_dsn_parameters_reach_the_server_as_named(sink) -> None:
    run = smtptui("run", "--server", f"127.0.0.1:{sink.port}", "--tls", "off", *ENVELOPE,
                  "--dsn-ret", "hdrs", "--dsn-envid", "QQ314159", "--dsn-notify",
                  "success,delay", "--dsn-orcpt")
    assert run.code == 0, run.out + run.err
    [message] = sink.wait_for_messages(1)
    assert message.mail_args.endswith("RET=HDRS ENVID=QQ314159")
    assert message.rcpt_args == [
        "<b@example.net> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;b@example.net",
        "<c@example.net> NOTIFY=SUCCESS,DELAY ORCPT=rfc822;c@example.net"]


def test_xclient_attributes_reach_the_server_as_named(scripted) -> None:
    seen: list[bytes] = []

    async def handler(peer: Peer) -> None:
        await peer.reply("220 smtp-sink ESMTP")
        await peer.expect("EHLO")
        await peer.send("250-smtp-sink\r\n250-XCLIENT NAME ADDR HELO\r\n250 8BITMIME\r\n")
        line = await peer.readline()
        if line == b"QUIT\r\n":
            await peer.reply("221 bye")
            return
        seen.append(line or b"")
        await peer.reply("220 smtp-sink ESMTP")
        await peer.expect("EHLO")
        await peer.reply("250 smtp-sink")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    run = smtptui("run", *server_args(scripted(handler)), *ENVELOPE, "--xclient-addr",
                  "192.0.2.7", "--xclient-name", "client one.example", "--quit-after", "ehlo",
                  "--xclient-helo", "h")
    assert run.code == 0, run.out
    assert seen == []  # --quit-after ehlo stops after the first EHLO, before XCLIENT
    run = smtptui("run", *server_args(scripted(handler)), *ENVELOPE, "--xclient-addr",
                  "192.0.2.7", "--xclient-name", "client one.example", "--quit-after",
                  "auth")
    assert run.code == 0, run.out
    assert seen == [b"XCLIENT ADDR=192.0.2.7 NAME=client+20one.example\r\n"]


def test_xclient_against_smtp_sink(sink) -> None:
    run = smtptui("run", "--server", f"127.0.0.1:{sink.port}", "--tls", "off", *ENVELOPE,
                  "--xclient-name", "relay.example", "--xclient-helo", "relay.example")
    assert run.code == 0, run.out + run.err
    assert "XCLIENT NAME=relay.example HELO=relay.example" in run.out
    [message] = sink.wait_for_messages(1)
    assert message.helo_args == "client.example" or message.helo_args


async def hangs_on_after(peer: Peer) -> None:
    await peer.reply("220 drop.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250 drop.example")
    await peer.expect("MAIL")
    await peer.reply("250 ok")
    peer.after = await peer.readline(timeout=5)  # type: ignore[attr-defined]


def test_drop_after_closes_without_quit(scripted) -> None:
    server = scripted(hangs_on_after)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--drop-after", "mail")
    assert run.code == 0, run.out
    assert server.connections[0].after is None  # EOF: no QUIT, no RCPT
    assert "->  QUIT" not in run.out and "closing without QUIT" in run.out


async def quits_after_ehlo(peer: Peer) -> None:
    await peer.reply("220 stop.example ESMTP")
    await peer.expect("EHLO")
    await peer.send("250-stop.example\r\n250 STARTTLS\r\n")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_swaks_stop_point_names_are_accepted(scripted) -> None:
    for name in ("FIRST-HELO", "helo", "first-ehlo", "lhlo"):
        server = scripted(quits_after_ehlo)
        run = smtptui("run", *server_args(server), *ENVELOPE, "--tls", "starttls",
                      "--quit-after", name)
        assert run.code == 0, run.out
        assert bytes(server.connections[0].received).endswith(b"QUIT\r\n")


def test_swaks_short_options_are_refused_not_misread() -> None:
    """argparse would take -stl for "-s tl" (a server to look up) and -tls for "-t ls"."""
    for word, long_form in (("-stl", "stage times"), ("-tls", "--tls required"),
                            ("-au", "--auth-user")):
        run = smtptui("run", word, "--from", "a@example.com", "--to", "b@example.net")
        assert run.code == 1 and run.out == ""
        assert run.err.count("\n") == 1 and long_form in run.err


def test_swaks_drop_after_abbreviations_are_its_own(scripted) -> None:
    """--da is swaks' --drop-after (argparse took it for a prefix of --data)."""
    server = scripted(hangs_on_after)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--da", "mail")
    assert run.code == 0, run.out + run.err
    assert server.connections[0].after is None

"""`smtptui run --brief`: the transcript and the result line, without the trailing notes (stage
times, local checks, reply explanations, diagnosis) that a script or a quick check skips."""

from __future__ import annotations

from typing import Any

from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import Peer, standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
TRAILING = ("stage times:", "check banner-name", "check banner-delay", "check reverse-dns",
            "diagnosis:", "next step:", "reply 550:")


async def refusing(peer: Peer) -> None:
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250 test.example")
    await peer.expect("MAIL")
    await peer.reply("250 ok")
    await peer.expect("RCPT")
    await peer.reply("550 5.1.1 <b@example.net>: Recipient address rejected: User unknown")
    while (line := await peer.readline()) is not None:
        verb = line.decode().split()[0].upper() if line.strip() else ""
        await peer.reply("221 bye" if verb == "QUIT" else "250 ok")
        if verb == "QUIT":
            return


def test_brief_keeps_the_transcript_and_the_result_only(scripted: Any) -> None:
    server = scripted(standard)
    full = smtptui("run", *server_args(server), *ENVELOPE)
    brief = smtptui("run", *server_args(server), *ENVELOPE, "--brief")
    assert full.code == brief.code == 0, brief.err
    assert any(word in full.out for word in TRAILING)  # what --brief leaves out is there
    for word in TRAILING:
        assert word not in brief.out
    last = brief.out.splitlines()[-1]
    assert last.endswith("=== result: message accepted by the server (exit 0)")
    assert "->  RCPT TO:<b@example.net>" in brief.out and "<-  221" in brief.out


def test_brief_on_a_failure_keeps_the_refusal_and_the_exit_code(scripted: Any) -> None:
    server = scripted(refusing)
    full = smtptui("run", *server_args(server), *ENVELOPE)
    brief = smtptui("run", *server_args(server), *ENVELOPE, "--brief")
    assert full.code == brief.code == 24
    assert "diagnosis:" in full.out and "reply 550:" in full.out
    for word in TRAILING:
        assert word not in brief.out
    assert "<-  550 5.1.1" in brief.out
    tail = [line.split("=== ", 1)[1] for line in brief.out.splitlines()[-2:]]
    assert tail == ["recipients accepted: 0, not accepted: b@example.net (550)",
                    "result: FAILED in stage rcpt: no recipient was accepted: no DATA sent "
                    "(exit 24)"]


def test_brief_leaves_json_whole(scripted: Any) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json", "--brief")
    assert run.code == 0
    assert {c["name"] for c in run.result["checks"]} == {"banner-name", "banner-delay",
                                                          "reverse-dns"}

"""`smtptui run` explains replies: the one that ended the session always, every one with
--explain (RFC 5321 §4.2 basic codes, RFC 3463 enhanced codes)."""

from __future__ import annotations

from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import Peer

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net", "--tls", "off"]


async def unknown_user(peer: Peer) -> None:
    await peer.reply("220 mx.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250-mx.example")
    await peer.reply("250 ENHANCEDSTATUSCODES")
    await peer.expect("MAIL")
    await peer.reply("250 2.1.0 Ok")
    await peer.expect("RCPT")
    await peer.reply("550 5.1.1 <b@example.net>: Recipient address rejected: User unknown")
    await peer.expect("RSET")
    await peer.reply("250 2.0.0 Ok")
    await peer.expect("QUIT")
    await peer.reply("221 2.0.0 Bye")


def test_the_reply_that_ended_the_session_is_explained(scripted) -> None:
    run = smtptui("run", *server_args(scripted(unknown_user)), *ENVELOPE)
    assert run.code == 24, run.out
    lines = [line.split("=== ", 1)[1] for line in run.out.splitlines() if "=== reply " in line]
    assert [line.split(":")[0] for line in lines] == ["reply 550", "reply 5.1.1"]
    assert "mailbox does not exist" in lines[1] and "RFC 3463" in lines[1]
    diagnosis = next(i for i, ln in enumerate(run.out.splitlines()) if "=== diagnosis:" in ln)
    explained = next(i for i, ln in enumerate(run.out.splitlines()) if "=== reply 550" in ln)
    assert explained < diagnosis  # what the server said, then what it probably means


def test_explain_follows_every_reply(scripted) -> None:
    run = smtptui("run", *server_args(scripted(unknown_user)), *ENVELOPE, "--explain",
                  "--json")
    assert run.code == 24
    events = [e for e in run.events() if e["kind"] in ("recv", "info")]
    after = {events[i]["text"].split()[0]: events[i + 1]["text"]
             for i in range(len(events) - 1) if events[i]["kind"] == "recv"
             and events[i]["text"][3:4] != "-"}
    assert after["220"].startswith("220: ") and "RFC 5321" in after["220"]
    assert after["550"].startswith("550: ")
    explained = [e["text"] for e in events if e["text"].startswith("5.1.1: ")]
    assert len(explained) == 1 and explained[0].endswith("(RFC 3463 §3.2)")


# A real Postfix's EHLO reply, verbatim from a swaks transcript posted at
# https://pastebin.com/9tcJgjug (a legacy AUTH= line beside the AUTH one, as Postfix sends
# with broken_sasl_auth_clients).
POSTFIX_EHLO = ("250-postfix-template.com", "250-PIPELINING", "250-SIZE 10240000", "250-VRFY",
                "250-ETRN", "250-STARTTLS", "250-AUTH LOGIN CRAM-MD5 PLAIN",
                "250-AUTH=LOGIN CRAM-MD5 PLAIN", "250-ENHANCEDSTATUSCODES", "250-8BITMIME",
                "250 DSN")


async def postfix_ehlo(peer: Peer) -> None:
    await peer.reply("220 postfix-template.com ESMTP Postfix")
    await peer.expect("EHLO")
    await peer.send("".join(line + "\r\n" for line in POSTFIX_EHLO))
    await peer.expect("QUIT")
    await peer.reply("221 2.0.0 Bye")


def test_explain_explains_every_ehlo_keyword_as_the_inspector_does(scripted) -> None:
    run = smtptui("run", *server_args(scripted(postfix_ehlo)), *ENVELOPE, "--explain",
                  "--quit-after", "ehlo", "--json")
    assert run.code == 0, run.out
    keywords = {e["keyword"]: e["text"] for e in run.events()
                if e["kind"] == "info" and e.get("keyword")}
    assert set(keywords) == {"PIPELINING", "SIZE", "VRFY", "ETRN", "STARTTLS", "AUTH",
                             "ENHANCEDSTATUSCODES", "8BITMIME", "DSN"}
    assert keywords["SIZE"].startswith("SIZE 10240000: the largest message")
    assert "RFC 2920" in keywords["PIPELINING"] and "RFC 3461" in keywords["DSN"]
    assert keywords["AUTH"].startswith("AUTH LOGIN CRAM-MD5 PLAIN:")  # AUTH= merged into it
    text = smtptui("run", *server_args(scripted(postfix_ehlo)), *ENVELOPE, "--explain",
                   "--quit-after", "ehlo")
    assert "=== DSN: delivery status notifications" in text.out

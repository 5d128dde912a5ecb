"""What happened before the failure changes the diagnosis: the session's history is read.

An EHLO refusal then a hang-up at HELO is the refusal, not the network; a STARTTLS 220 then a
hand-shake failure puts the fault on the server (the 220 proves the mode fits the port);
refusals before a 421 are the client's errors; LMTP's per-recipient replies; the message's
long lines against a size refusal; the recipient domain's own MX refusing to relay; a limit
after a login is the account's. Each is checked on a loopback server through `smtptui run`,
and on the Facts directly where a server cannot stage it.
"""

from __future__ import annotations

from smtptui.knowledge.diagnosis import Facts, diagnose
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.replies import Reply, ReplyParser
from tests.diagnosis.servers import ALERT_INTERNAL_ERROR, EHLO, ENVELOPE, diagnosed, server_args
from tests.fixtures.scripted import Peer

WITH_STARTTLS = (*EHLO[:-1], "250-STARTTLS", EHLO[-1])


def parse(raw: str) -> Reply:
    parser = ReplyParser()
    parser.feed(raw.encode())
    (reply,) = parser.replies()
    return reply


# -- EHLO refused, then HELO met a hang-up ---------------------------------------------------


async def banned_then_hangs_up(peer: Peer) -> None:
    await peer.reply("220 mx.example.net ESMTP")
    await peer.expect("EHLO")
    await peer.reply("550 You are banned")
    await peer.expect("HELO")  # the client falls back; the server closes


def test_a_refused_ehlo_then_a_hang_up_is_the_refusal_not_the_network(scripted) -> None:
    server = scripted(banned_then_hangs_up)
    found = diagnosed(*server_args(server), *ENVELOPE, exit_code=6)
    assert found.code == "connection-rejected"
    assert found.diagnosis["fault"] != "network"
    assert "fell back to HELO" in found.diagnosis["explanation"]
    assert "not the network" in found.diagnosis["explanation"]


def test_without_the_refusal_a_hang_up_at_helo_is_still_a_close() -> None:
    found = diagnose(Facts(stage="helo", kind="closed"))
    assert found is not None and found.code == "connection-closed"


# -- STARTTLS said 220, then the hand-shake failed -------------------------------------------


async def tls_alert_after_220(peer: Peer) -> None:
    await peer.reply("220 mx.example.net ESMTP")
    await peer.expect("EHLO")
    await peer.send("".join(f"{line}\r\n" for line in WITH_STARTTLS))
    await peer.expect("STARTTLS")
    await peer.reply("220 2.0.0 Ready to start TLS")
    await peer.read_bytes(5)  # the ClientHello begins
    await peer.send(ALERT_INTERNAL_ERROR)
    await peer.sleep(0.2)


def test_a_server_side_tls_alert_after_its_220_is_the_server_s_fault(scripted) -> None:
    server = scripted(tls_alert_after_220)
    found = diagnosed(*server_args(server, "starttls"), *ENVELOPE, exit_code=29)
    assert found.code == "tls-handshake"
    assert (found.diagnosis["fault"], found.diagnosis["confidence"]) == ("receiver", "decided")
    assert "agreed to STARTTLS (220), so the TLS mode fits the port" in \
        found.diagnosis["explanation"]
    assert "Nothing in this client's TLS mode needs changing" in found.diagnosis["next_step"]
    assert "465" not in found.diagnosis["next_step"]  # no advice to change the mode


def test_the_same_failure_without_a_220_keeps_the_mode_advice() -> None:
    found = diagnose(Facts(stage="tls", kind="tls", detail="the TLS hand-shake failed ("
                           "WRONG_VERSION_NUMBER): the server is not speaking TLS here"))
    assert found is not None and found.code == "tls-handshake"
    assert found.fault == "client" and "465" in found.next_step
    agreed = diagnose(Facts(stage="tls", kind="tls", history=(("starttls", 220),),
                            detail="the TLS hand-shake failed (WRONG_VERSION_NUMBER): the "
                                   "server is not speaking TLS here"))
    assert agreed is not None and agreed.fault == "receiver"
    assert "went on in plain text" in agreed.explanation or "plain text" in agreed.explanation


def test_a_close_right_after_the_220_is_the_server_s_tls_set_up() -> None:
    found = diagnose(Facts(stage="tls", kind="closed", history=(("starttls", 220),),
                           detail="the connection broke during the TLS hand-shake"))
    assert found is not None and found.code == "closed-during-tls"
    assert (found.fault, found.confidence) == ("receiver", "decided")
    assert "certificate" in found.explanation


# -- refusals before a 421 -------------------------------------------------------------------


def test_a_421_after_twenty_refusals_is_the_client_s_own_errors(scripted) -> None:
    refusals = ["550 5.1.1 <x@example.net>: Recipient address rejected: User unknown"] * 20
    recipients = [f"--to=r{i}@example.net" for i in range(20)] + ["--to=ok@example.net"]

    async def postfix_like(peer: Peer) -> None:
        await peer.reply("220 mx.example.net ESMTP")
        await peer.expect("EHLO")
        await peer.send("".join(f"{line}\r\n" for line in EHLO[:1] + EHLO[2:]))
        await peer.expect("MAIL")
        await peer.reply("250 2.1.0 Ok")
        for answer in [*refusals, "250 2.1.5 Ok"]:
            await peer.expect("RCPT")
            await peer.reply(answer)
        await peer.expect("DATA")
        await peer.reply("421 4.7.0 mx.example.net Error: too many errors")

    server = scripted(postfix_like)
    found = diagnosed(*server_args(server), "--from", "a@example.com", *recipients,
                      "--helo", "client.example", "--no-pipeline", exit_code=25)
    assert found.code == "too-many-errors"
    assert found.diagnosis["fault"] == "client"
    assert "20 command(s) had been refused earlier" in found.diagnosis["explanation"]


def test_a_wordless_421_after_refusals_is_likely_the_error_limit() -> None:
    history = tuple(("rcpt", 550) for _ in range(5)) + (("data", 421),)
    found = diagnose(Facts(stage="data", kind="reply", history=history,
                           reply=parse("421 4.7.0 mx.example.net closing connection\r\n")))
    assert found is not None and found.code == "too-many-errors"
    assert found.confidence == "likely"
    alone = diagnose(Facts(stage="data", kind="reply",
                           reply=parse("421 4.7.0 mx.example.net closing connection\r\n")))
    assert alone is not None and alone.code == "service-unavailable"


# -- the EHLO after STARTTLS refused ----------------------------------------------------------


def test_a_refused_ehlo_inside_tls_is_the_server_s_error() -> None:
    reply = parse("503 You already said HELO\r\n")
    found = diagnose(Facts(stage="ehlo", kind="reply", reply=reply,
                           refusals=(("ehlo-tls", reply),)))
    assert found is not None and found.code == "bad-sequence"
    assert (found.fault, found.confidence) == ("receiver", "likely")
    assert "RFC 3207" in found.explanation


# -- LMTP, the message, the MX, the account --------------------------------------------------


def test_an_lmtp_refusal_after_the_data_says_it_is_per_recipient() -> None:
    reply = parse("552 5.2.2 <b@example.net> Quota exceeded (mailbox for user is full)\r\n")
    found = diagnose(Facts(stage="dot", kind="reply", reply=reply, protocol="lmtp"))
    assert found is not None and found.code == "mailbox-full"
    assert "each recipient gets its own reply" in found.explanation


def test_lmtp_spoken_to_an_smtp_server_and_the_other_way_round() -> None:
    lhlo = diagnose(Facts(stage="ehlo", kind="reply",
                          reply=parse("500 5.5.1 This is a LMTP server, use LHLO\r\n")))
    assert lhlo is not None and lhlo.code == "lmtp-server" and lhlo.fault == "client"
    assert "--protocol lmtp" in lhlo.next_step
    smtp = diagnose(Facts(stage="ehlo", kind="reply", protocol="lmtp",
                          reply=parse("502 5.5.2 Error: command not recognized\r\n")))
    assert smtp is not None and smtp.code == "not-lmtp"


def scan(size: int, long_lines: int) -> MessageFacts:
    return MessageFacts(wire_size=size, eight_bit=False, long_lines=long_lines, lines=10)


def test_too_big_for_a_small_message_with_long_lines_is_the_lines() -> None:
    reply = parse("552 5.3.4 Message size exceeds fixed maximum message size (10485760)\r\n")
    small = diagnose(Facts(stage="dot", kind="reply", reply=reply, message=scan(3000, 2)))
    assert small is not None and small.code == "line-too-long"
    assert small.confidence == "likely" and "2 line(s) over 998 octets" in small.explanation
    big = diagnose(Facts(stage="dot", kind="reply", reply=reply,
                         message=scan(20_000_000, 0)))
    assert big is not None and big.code == "message-too-large"
    assert "10485760 octets (10.5 MB); this message is 20000000 octets" in big.explanation


def test_a_line_length_refusal_is_never_called_too_large() -> None:
    for text in ("500 5.0.0 Line too long\r\n", "501 Syntax error - line too long\r\n",
                 "552 5.6.0 Message line exceeds 998 characters\r\n"):
        found = diagnose(Facts(stage="dot", kind="reply", reply=parse(text),
                               message=scan(3000, 1)))
        assert found is not None and found.code == "line-too-long", text
        assert found.fault == "format" and "998" in found.next_step


def test_relaying_refused_by_the_domain_s_own_mx_is_the_receiver_s_set_up() -> None:
    reply = parse("554 5.7.1 <b@example.net>: Relay access denied\r\n")
    smart_host = diagnose(Facts(stage="rcpt", kind="reply", reply=reply))
    own_mx = diagnose(Facts(stage="rcpt", kind="reply", reply=reply, direct=True))
    assert smart_host is not None and smart_host.fault == "sender-account"
    assert own_mx is not None and own_mx.code == "relay-denied"
    assert (own_mx.fault, own_mx.confidence) == ("receiver", "likely")


def test_a_connection_limit_after_a_login_is_the_account_s() -> None:
    reply = parse("432 4.3.2 Concurrent connections limit exceeded.\r\n")
    anonymous = diagnose(Facts(stage="data", kind="reply", reply=reply))
    logged_in = diagnose(Facts(stage="data", kind="reply", reply=reply, authenticated=True))
    assert anonymous is not None and anonymous.code == "too-many-connections"
    assert anonymous.fault == "client" and "password" not in anonymous.cause.lower()
    assert logged_in is not None and logged_in.fault == "sender-account"


def test_the_result_gives_the_diagnosis_the_verdict_s_history() -> None:
    # net/result.py builds the Facts from the verdict's history and refusals.
    from smtptui.net.result import diagnosis_of
    from smtptui.smtp.actions import Verdict
    from smtptui.smtp.vocabulary import Outcome

    verdict = Verdict(outcome=Outcome.FAILED, stage="tls", kind="tls",
                      error="the TLS hand-shake failed: the server closed the connection in the "
                            "middle of it")
    for stage, raw in (("banner", "220 x\r\n"), ("ehlo", "250 x\r\n"),
                       ("starttls", "220 2.0.0 Ready\r\n")):
        verdict.heard(stage, parse(raw))
    found = diagnosis_of(verdict, b"", "", None, session={"protocol": "esmtp"})
    assert found["code"] == "closed-during-tls" and found["fault"] == "receiver"
    refused = Verdict()
    for _ in range(40):
        refused.heard("rcpt", parse("550 5.1.1 unknown\r\n"))
    assert len(refused.history) == 40 and len(refused.refusals) == 32  # the first ones kept

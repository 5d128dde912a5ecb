"""Protocol breadth in memory, byte for byte: PIPELINING, stop points, DSN, LMTP, CHUNKING and
BINARYMIME, XCLIENT, REQUIRETLS, --force, and a 421 in the middle of the recipients."""

from __future__ import annotations

import pytest

from smtptui.smtp.client import Close, Send, SendMessage, StartTLS, Wait
from smtptui.smtp.vocabulary import Failure, Outcome, Stage
from tests.smtp.test_client import EHLO_REPLY, POSTFIX_EHLO
from tests.smtp.wire import MESSAGE, Body, Wire, plan

TWO = ["b@example.net", "c@example.net"]


def greeted(wire: Wire, ehlo: bytes = POSTFIX_EHLO) -> None:
    wire.server(b"220 mx.mail.test ESMTP Postfix\r\n")
    wire.sends()
    wire.server(ehlo)


# -- PIPELINING (RFC 2920) -------------------------------------------------------------------

def test_mail_every_rcpt_and_data_go_in_one_write() -> None:
    wire = Wire(plan(recipients=TWO))
    greeted(wire)
    assert wire.sends() == (b"MAIL FROM:<a@example.com> SIZE=21\r\nRCPT TO:<b@example.net>\r\n"
                            b"RCPT TO:<c@example.net>\r\nDATA\r\n")
    wire.server(b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n550 5.1.1 <c@example.net>: Recipient "
                b"address rejected: User unknown in virtual mailbox table\r\n"
                b"354 End data with <CR><LF>.<CR><LF>\r\n")
    # RFC 2920 §3.1 and its §4 example: QUIT ends the group the message content begins.
    assert wire.message() == MESSAGE + b".\r\nQUIT\r\n"
    wire.server(b"250 2.0.0 Ok: queued as 4XyZ\r\n221 2.0.0 Bye\r\n")
    assert wire.client.closed
    verdict = wire.client.verdict
    assert verdict.accepted == ["b@example.net"]
    assert [r.address for r in verdict.rejected] == ["c@example.net"]
    assert (verdict.outcome, verdict.kind) == (Outcome.DELIVERED, Failure.PARTIAL)
    sent = wire.texts("send")
    assert sent[1:5] == ["MAIL FROM:<a@example.com> SIZE=21", "RCPT TO:<b@example.net>",
                         "RCPT TO:<c@example.net>", "DATA"]  # each line shown, in order
    assert sent[-2:] == [".", "QUIT"]
    recv_stages = [e.stage for e in wire.events("recv")][-6:]
    assert recv_stages == ["mail", "rcpt", "rcpt", "data", "dot", "quit"]


def test_a_refused_message_still_ends_with_the_quit_sent_with_its_dot() -> None:
    """The dot's reply is checked as before (exit 26); QUIT went with the dot and is not sent
    again: its own reply ends the session."""
    wire = Wire(plan())
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n250 ok\r\n354 go\r\n")
    assert wire.message().endswith(b"\r\n.\r\nQUIT\r\n")
    wire.server(b"554 5.7.1 rejected by policy\r\n")
    assert wire.action == Wait(Stage.QUIT, 30.0)
    wire.server(b"221 2.0.0 Bye\r\n")
    verdict = wire.client.verdict
    assert wire.client.closed and verdict.exit_code == 26 and verdict.outcome is Outcome.FAILED
    assert wire.texts("send").count("QUIT") == 1


@pytest.mark.parametrize("changes", [dict(pipeline=False), dict(drop_after="dot"),
                                     dict(quit_after="dot")])
def test_quit_goes_with_the_dot_only_when_it_follows_whatever_the_reply(changes) -> None:
    """Without pipelining, or when the plan closes without QUIT after the dot, QUIT is not
    pipelined; --quit-after dot sends QUIT all the same, so it goes with the dot."""
    wire = Wire(plan(**changes))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n250 ok\r\n354 go\r\n" if changes.get("pipeline", True) else
                b"250 ok\r\n")
    if not changes.get("pipeline", True):
        wire.sends()
        wire.server(b"250 ok\r\n")
        wire.sends()
        wire.server(b"354 go\r\n")
    pipelined = changes == dict(quit_after="dot")
    assert wire.message().endswith(b".\r\nQUIT\r\n" if pipelined else b"\r\n.\r\n")
    wire.server(b"250 2.0.0 Ok\r\n")
    if changes == dict(pipeline=False):
        assert wire.sends() == b"QUIT\r\n"
    elif pipelined:
        assert wire.action == Wait(Stage.QUIT, 30.0)
    else:
        assert wire.client.closed


def test_no_pipeline_sends_one_command_at_a_time() -> None:
    wire = Wire(plan(pipeline=False))
    greeted(wire)
    assert wire.sends() == b"MAIL FROM:<a@example.com> SIZE=21\r\n"


def test_a_data_accepted_after_every_rcpt_failed_gets_a_lone_dot() -> None:
    """RFC 2920 §3.1: if DATA was accepted, the client sends a single dot."""
    wire = Wire(plan(recipients=TWO))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n550 no\r\n550 no\r\n354 go\r\n")
    assert wire.sends() == b".\r\n"
    wire.server(b"554 5.5.1 Error: no valid recipients\r\n")
    assert wire.sends() == b"QUIT\r\n"
    verdict = wire.client.verdict
    assert (verdict.exit_code, verdict.kind) == (24, Failure.NO_RECIPIENT)


def test_a_data_refused_after_every_rcpt_failed_quits() -> None:
    wire = Wire(plan(recipients=TWO))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n550 no\r\n550 no\r\n554 5.5.1 Error: no valid recipients\r\n")
    assert wire.sends() == b"QUIT\r\n"
    assert wire.client.verdict.exit_code == 24


def test_a_refused_mail_in_a_group_reads_every_reply_then_quits() -> None:
    wire = Wire(plan(recipients=TWO))
    greeted(wire)
    wire.sends()
    wire.server(b"553 5.7.1 Sender address rejected\r\n503 5.5.1 need MAIL\r\n")
    assert isinstance(wire.action, Wait)  # one more reply is due (to RCPT 2), then DATA's
    wire.server(b"503 5.5.1 need MAIL\r\n554 5.5.1 no valid recipients\r\n")
    assert wire.sends() == b"QUIT\r\n"
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.exit_code) == ("mail", 23)


# -- stop points -------------------------------------------------------------------------------

STARTTLS_EHLO = b"250-mx.example.net\r\n250-STARTTLS\r\n250 8BITMIME\r\n"


@pytest.mark.parametrize("name", ["ehlo", "helo", "first-helo", "first-ehlo", "lhlo"])
def test_quit_after_any_ehlo_name_stops_before_starttls(name: str) -> None:
    wire = Wire(plan(tls="starttls", quit_after=name))
    greeted(wire, STARTTLS_EHLO)
    assert wire.sends() == b"QUIT\r\n"  # no STARTTLS: a bad certificate cannot fail this
    assert wire.client.verdict.outcome is Outcome.STOPPED


def test_quit_after_tls_stops_after_the_ehlo_inside_tls() -> None:
    wire = Wire(plan(tls="starttls", quit_after="tls"))
    greeted(wire, STARTTLS_EHLO)
    assert wire.sends() == b"STARTTLS\r\n"
    wire.server(b"220 go\r\n")
    assert isinstance(wire.action, StartTLS)
    wire.client.tls_begin(0)
    wire.client.tls_started()
    assert wire.sends() == b"EHLO client.example\r\n"
    wire.server(b"250 mx.example.net\r\n")
    assert wire.sends() == b"QUIT\r\n"


def test_drop_after_closes_without_quit() -> None:
    wire = Wire(plan(drop_after="mail", pipeline=False))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n")
    assert isinstance(wire.action, Close)
    assert "QUIT" not in wire.texts("send")
    assert wire.client.verdict.outcome is Outcome.STOPPED


def test_drop_after_send_closes_before_the_reply() -> None:
    wire = Wire(plan(drop_after_send="rcpt", recipients=TWO))
    greeted(wire)
    assert wire.sends().endswith(b"RCPT TO:<c@example.net>\r\n")  # the group ends at RCPT
    assert isinstance(wire.action, Close)


def test_drop_after_send_dot_leaves_before_the_verdict() -> None:
    wire = Wire(plan(drop_after_send="dot", pipeline=False))
    greeted(wire, EHLO_REPLY)
    wire.to_data()
    assert wire.message().endswith(b".\r\n")
    assert isinstance(wire.action, Close)


def test_drop_after_dot_is_a_delivery_without_quit() -> None:
    wire = Wire(plan(drop_after="dot", pipeline=False))
    greeted(wire, EHLO_REPLY)
    wire.to_data()
    wire.message()
    wire.server(b"250 queued\r\n")
    assert isinstance(wire.action, Close)
    assert wire.client.verdict.outcome is Outcome.DELIVERED


# -- DSN (RFC 3461) ----------------------------------------------------------------------------

def test_dsn_parameters_on_mail_and_rcpt() -> None:
    wire = Wire(plan(pipeline=False, dsn_ret="hdrs", dsn_envid="id+1 =x",
                     dsn_notify="success,failure", dsn_orcpt=True))
    greeted(wire)
    assert wire.sends() == b"MAIL FROM:<a@example.com> SIZE=21 RET=HDRS ENVID=id+2B1+20+3Dx\r\n"
    wire.server(b"250 ok\r\n")
    assert wire.sends() == (b"RCPT TO:<b@example.net> NOTIFY=SUCCESS,FAILURE "
                            b"ORCPT=rfc822;b@example.net\r\n")


def test_dsn_not_offered_is_refused_before_mail_unless_forced() -> None:
    wire = Wire(plan(dsn_notify="never"))
    greeted(wire, EHLO_REPLY)
    assert wire.sends() == b"QUIT\r\n"
    assert (wire.client.verdict.kind, wire.client.verdict.exit_code) == (Failure.DSN, 23)
    forced = Wire(plan(dsn_notify="never", force=True, pipeline=False))
    greeted(forced, EHLO_REPLY)
    forced.sends()
    forced.server(b"250 ok\r\n")
    assert forced.sends() == b"RCPT TO:<b@example.net> NOTIFY=NEVER\r\n"
    assert any("--force" in text for text in forced.texts("info"))


# -- LMTP (RFC 2033) ---------------------------------------------------------------------------

LMTP_LHLO = b"250-lmtp.example\r\n250-8BITMIME\r\n250-ENHANCEDSTATUSCODES\r\n250 PIPELINING\r\n"


def test_lmtp_one_reply_per_recipient_after_the_message() -> None:
    wire = Wire(plan(protocol="lmtp", recipients=TWO))
    wire.server(b"220 lmtp.example LMTP ready\r\n")
    assert wire.sends() == b"LHLO client.example\r\n"
    wire.server(LMTP_LHLO)
    assert wire.sends().endswith(b"DATA\r\n")
    wire.server(b"250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n")
    wire.message()
    wire.server(b"250 2.0.0 <b@example.net> Saved\r\n")
    assert isinstance(wire.action, Wait) and wire.action.stage is Stage.DOT  # one more due
    wire.server(b"552 5.2.2 <c@example.net> Mailbox is full\r\n")
    assert wire.sends() == b"QUIT\r\n"
    verdict = wire.client.verdict
    assert verdict.accepted == ["b@example.net"]
    assert [(r.address, r.code) for r in verdict.rejected] == [("c@example.net", 552)]
    assert (verdict.outcome, verdict.kind) == (Outcome.DELIVERED, Failure.PARTIAL)


def test_lmtp_no_recipient_delivered_is_exit_26() -> None:
    wire = Wire(plan(protocol="lmtp", recipients=TWO))
    wire.server(b"220 lmtp.example LMTP\r\n")
    wire.sends()
    wire.server(LMTP_LHLO)
    wire.sends()
    wire.server(b"250 ok\r\n250 ok\r\n250 ok\r\n354 go\r\n")
    wire.message()
    wire.server(b"452 4.2.2 full\r\n452 4.2.2 full\r\n")
    verdict = wire.client.verdict
    assert (verdict.outcome, verdict.stage, verdict.exit_code) == (Outcome.FAILED, "dot", 26)


def test_lmtp_has_no_helo_fall_back() -> None:
    wire = Wire(plan(protocol="lmtp"))
    wire.server(b"220 lmtp.example\r\n")
    wire.sends()
    wire.server(b"500 5.5.1 unknown command\r\n")
    assert wire.sends() == b"QUIT\r\n"
    assert wire.client.verdict.exit_code == 22


def test_plain_smtp_says_helo_only() -> None:
    wire = Wire(plan(protocol="smtp"))
    wire.server(b"220 old.example\r\n")
    assert wire.sends() == b"HELO client.example\r\n"


# -- CHUNKING and BINARYMIME (RFC 3030) --------------------------------------------------------

STUFFED = b"Subject: dots\r\n\r\n.one\r\n..two\r\nend"


def chunked(message: bytes, ehlo: bytes = POSTFIX_EHLO, **changes: object) -> Wire:
    wire = Wire(plan(message=Body(message), chunking=True, **changes))
    greeted(wire, ehlo)
    assert wire.sends().endswith(b"RCPT TO:<b@example.net>\r\n")  # no DATA in the group
    wire.server(b"250 ok\r\n250 ok\r\n")
    return wire


def bdat_all(wire: Wire, body: Body) -> list[bytes]:
    """Every BDAT the client sends, each chunk's reply a 250."""
    out = []
    chunks = body.chunks()
    for index, chunk in enumerate(chunks):
        assert isinstance(wire.action, SendMessage)
        out.append(wire.client.message_chunk(chunk, last=index == len(chunks) - 1))
        wire.server(b"250 2.0.0 chunk ok\r\n")
    return out


def test_bdat_sends_the_message_unstuffed_in_sized_chunks() -> None:
    body = Body(STUFFED)
    wire = chunked(STUFFED)
    sent = bdat_all(wire, body)
    payload = b""
    for index, piece in enumerate(sent):
        head, _, data = piece.partition(b"\r\n")
        words = head.split()
        assert words[0] == b"BDAT" and int(words[1]) == len(data)
        assert (words[2:] == [b"LAST"]) is (index == len(sent) - 1)
        payload += data
    assert payload == STUFFED + b"\r\n"  # CRLF ends the last line; no dot doubled, no dot
    assert wire.sends() == b"QUIT\r\n"
    assert wire.client.verdict.outcome is Outcome.DELIVERED


def test_a_bdat_command_line_and_its_octets_are_separate_pieces() -> None:
    """message_parts() gives the command line apart from the octets (a transport writes them
    one after the other: no joined copy of a chunk), and the last chunk's line end apart too
    (message_chunk() joins them: the tests above check those bytes)."""
    message = b"Subject: p\r\n\r\nno final line end"
    wire = chunked(message)
    first = wire.client.message_parts(message[:20])
    assert first == (b"BDAT 20\r\n", message[:20])
    wire.server(b"250 2.0.0 chunk ok\r\n")
    last = wire.client.message_parts(message[20:], last=True)
    assert message[20:] == b"al line end"
    assert last == (b"BDAT 13 LAST\r\n", b"al line end", b"\r\n")  # 11 octets and CRLF


def test_nul_bytes_go_as_binarymime_where_offered() -> None:
    binary = b"Subject: bin\r\n\r\n\x00\x01\xff raw\r"
    ehlo = POSTFIX_EHLO.replace(b"250 CHUNKING", b"250-CHUNKING\r\n250 BINARYMIME")
    wire = Wire(plan(message=Body(binary), chunking=True, pipeline=False))
    greeted(wire, ehlo)
    assert b"BODY=BINARYMIME" in wire.sends()
    wire.server(b"250 ok\r\n")
    wire.sends()
    wire.server(b"250 ok\r\n")
    pieces = bdat_all(wire, Body(binary))
    payload = b"".join(piece.partition(b"\r\n")[2] for piece in pieces)
    assert payload == binary  # as it is: no line ends added or changed
    assert pieces[-1].startswith(b"BDAT 3 LAST\r\n")


def test_chunking_not_offered_falls_back_to_data() -> None:
    wire = Wire(plan(chunking=True))
    greeted(wire, EHLO_REPLY)
    assert wire.sends().startswith(b"MAIL")
    assert any("does not offer CHUNKING" in text for text in wire.texts("info"))


# -- XCLIENT (Postfix) ------------------------------------------------------------------------

XCLIENT_EHLO = b"250-smtp-sink\r\n250-XCLIENT NAME ADDR HELO\r\n250 8BITMIME\r\n"


def test_xclient_then_ehlo_again() -> None:
    wire = Wire(plan(xclient=(("ADDR=192.0.2.1 NAME=client.example", True),)))
    greeted(wire, XCLIENT_EHLO)
    assert wire.sends() == b"XCLIENT ADDR=192.0.2.1 NAME=client.example\r\n"
    wire.server(b"220 smtp-sink ESMTP\r\n")
    assert wire.sends() == b"EHLO client.example\r\n"
    wire.server(b"250 smtp-sink\r\n")
    assert wire.sends().startswith(b"MAIL FROM:")


def test_an_xclient_attribute_not_advertised_is_refused_before_sending() -> None:
    wire = Wire(plan(xclient=(("LOGIN=alice", True),)))
    greeted(wire, XCLIENT_EHLO)
    assert wire.sends() == b"QUIT\r\n"
    verdict = wire.client.verdict
    assert (verdict.kind, verdict.exit_code) == (Failure.XCLIENT, 33)
    raw = Wire(plan(xclient=(("LOGIN=alice", False),)))
    greeted(raw, XCLIENT_EHLO)
    assert raw.sends() == b"XCLIENT LOGIN=alice\r\n"  # --xclient: as given


def test_a_refused_xclient_is_exit_33_and_its_ehlo_34() -> None:
    wire = Wire(plan(xclient=(("NAME=x", True),)))
    greeted(wire, XCLIENT_EHLO)
    wire.sends()
    wire.server(b"550 5.7.0 Error: insufficient authorization\r\n")
    assert wire.client.verdict.exit_code == 33
    second = Wire(plan(xclient=(("NAME=x", True),)))
    greeted(second, XCLIENT_EHLO)
    second.sends()
    second.server(b"220 again\r\n")
    second.sends()
    second.server(b"554 no\r\n")
    assert second.client.verdict.exit_code == 34


# -- REQUIRETLS, --force, and recipients after a 421 ------------------------------------------

def test_requiretls_outside_tls_is_refused() -> None:
    wire = Wire(plan(requiretls=True))
    greeted(wire, EHLO_REPLY)
    assert wire.sends() == b"QUIT\r\n"
    assert wire.client.verdict.kind == Failure.REQUIRETLS


def test_force_sends_a_message_over_the_size_limit() -> None:
    small = POSTFIX_EHLO.replace(b"SIZE 100000", b"SIZE 10")
    refused = Wire(plan())
    greeted(refused, small)
    assert refused.sends() == b"QUIT\r\n"
    forced = Wire(plan(force=True, pipeline=False))
    greeted(forced, small)
    assert forced.sends() == b"MAIL FROM:<a@example.com> SIZE=21\r\n"
    assert any("sending anyway (--force)" in text for text in forced.texts("info"))


def test_a_421_among_the_recipients_accounts_for_every_one() -> None:
    three = ["b@example.net", "c@example.net", "d@example.net"]
    wire = Wire(plan(recipients=three, pipeline=False))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n")
    wire.sends()
    wire.server(b"250 ok\r\n")
    wire.sends()
    wire.server(b"421 4.7.0 mx.mail.test Error: too many errors\r\n")
    verdict = wire.client.verdict
    assert verdict.accepted == ["b@example.net"]
    assert [(r.address, r.code) for r in verdict.rejected] == [("c@example.net", 421),
                                                               ("d@example.net", 0)]
    assert verdict.rejected[1].text.startswith("not tried")
    assert isinstance(wire.action, Close)


def test_a_group_cut_by_421_lists_the_sent_recipients_as_unanswered() -> None:
    wire = Wire(plan(recipients=TWO))
    greeted(wire)
    wire.sends()
    wire.server(b"250 ok\r\n421 4.3.2 Service shutting down\r\n")
    rejected = wire.client.verdict.rejected
    assert [(r.address, r.code) for r in rejected] == [("b@example.net", 421),
                                                       ("c@example.net", 0)]
    assert rejected[1].text.startswith("no reply")


def test_step_mode_shows_a_pipelined_group_as_one_step() -> None:
    wire = Wire(plan(recipients=TWO), stepping=True)
    wire.server(b"220 mx\r\n")
    wire.client.step()
    wire.sends()
    wire.server(POSTFIX_EHLO)
    action = wire.action
    assert action.line == ("MAIL FROM:<a@example.com> SIZE=21 + 2 RCPT + DATA (pipelined)")
    wire.client.step("MAIL FROM:<x@example.com>")  # a group cannot be edited: asked again
    assert "cannot be edited" in wire.texts("error")[-1]
    wire.client.step()
    assert isinstance(wire.action, Send) and len(wire.action.group) == 4

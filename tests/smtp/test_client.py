"""The sans-IO client, byte for byte, in memory: whole sessions, hostile servers and misuse."""

from __future__ import annotations

import base64

import pytest

from smtptui.smtp.client import (
    MAX_UNSOLICITED,
    AskUser,
    Close,
    NeedSecret,
    Send,
    SendMessage,
    StartTLS,
    Wait,
)
from smtptui.smtp.errors import LocalProtocolError
from smtptui.smtp.vocabulary import Failure, Outcome, Stage
from tests.smtp.wire import MESSAGE, Body, Wire, plan

# aiosmtpd 1.4's EHLO reply (tests/fixtures/smtpd.py's server): no PIPELINING, one command
# at a time.
EHLO_REPLY = (b"250-aiosmtpd.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n"
              b"250-SMTPUTF8\r\n250 HELP\r\n")
# Postfix's, as the loopback Postfix of tests/fixtures/postfix.py gives it: PIPELINING.
POSTFIX_EHLO = (b"250-mx.mail.test\r\n250-PIPELINING\r\n250-SIZE 100000\r\n250-VRFY\r\n"
                b"250-ETRN\r\n250-ENHANCEDSTATUSCODES\r\n250-8BITMIME\r\n250-DSN\r\n"
                b"250-SMTPUTF8\r\n250 CHUNKING\r\n")


def greeted(wire: Wire) -> None:
    wire.server(b"220 mx.example.net ESMTP Postfix\r\n")
    assert wire.sends() == b"EHLO client.example\r\n"
    wire.server(EHLO_REPLY)


def test_a_whole_session_byte_for_byte() -> None:
    wire = Wire()
    assert isinstance(wire.action, Wait) and wire.action.stage is Stage.BANNER
    greeted(wire)
    assert wire.sends() == b"MAIL FROM:<a@example.com> SIZE=21\r\n"
    wire.server(b"250 2.1.0 Ok\r\n")
    assert wire.sends() == b"RCPT TO:<b@example.net>\r\n"
    wire.server(b"250 2.1.5 Ok\r\n")
    assert wire.sends() == b"DATA\r\n"
    wire.server(b"354 End data with <CR><LF>.<CR><LF>\r\n")
    assert wire.message() == MESSAGE + b".\r\n"
    wire.server(b"250 2.0.0 Ok: queued as 4XyZ\r\n")
    assert wire.sends() == b"QUIT\r\n"
    wire.server(b"221 2.0.0 Bye\r\n")
    assert isinstance(wire.action, Close)
    verdict = wire.client.verdict
    assert (verdict.outcome, verdict.exit_code, verdict.accepted) == (
        Outcome.DELIVERED, 0, ["b@example.net"])
    sent = wire.texts("send")
    assert sent[:4] == ["EHLO client.example", "MAIL FROM:<a@example.com> SIZE=21",
                        "RCPT TO:<b@example.net>", "DATA"]
    assert sent[-2:] == [".", "QUIT"]


def test_dot_stuffing_and_line_ends_on_the_wire() -> None:
    wire = Wire(plan(message=Body(b".leading\nbare lf\rbare cr\r\n.\r\nno end")))
    greeted(wire)
    wire.to_data()
    assert wire.message() == b"..leading\r\nbare lf\r\nbare cr\r\n..\r\nno end\r\n.\r\n"


def test_a_reply_split_anywhere_is_one_reply() -> None:
    wire = Wire()
    for byte in b"220-mx.example.net\r\n220 ESMTP\r\n":
        wire.server(bytes([byte]))
    assert wire.sends() == b"EHLO client.example\r\n"
    assert wire.texts("recv") == ["220-mx.example.net", "220 ESMTP"]


def test_a_reply_to_a_command_never_sent_is_not_its_answer() -> None:
    """EHLO is proposed, not sent: a 250 now answers nothing (it does not move on to MAIL)."""
    wire = Wire()
    wire.server(b"220 mx.example.net\r\n")
    assert isinstance(wire.action, Send) and wire.action.stage is Stage.EHLO
    wire.server(b"250 mx.example.net\r\n")
    assert isinstance(wire.action, Send) and wire.action.stage is Stage.EHLO
    assert any("unsolicited" in text for text in wire.texts("info"))
    assert wire.sends() == b"EHLO client.example\r\n"


def test_a_421_between_commands_ends_the_session() -> None:
    wire = Wire()
    greeted(wire)
    wire.server(b"421 4.3.2 Service shutting down\r\n")
    assert isinstance(wire.action, Close)
    verdict = wire.client.verdict
    assert (verdict.outcome, verdict.stage, verdict.exit_code) == (Outcome.FAILED, "mail", 23)
    assert "421" in verdict.error


def test_replies_nobody_asked_for_are_counted_and_cut_off() -> None:
    wire = Wire()
    greeted(wire)
    wire.server(b"250 hello again\r\n" * MAX_UNSOLICITED)
    assert isinstance(wire.action, Send)  # still going: set aside
    wire.server(b"250 and again\r\n")
    assert isinstance(wire.action, Close)
    assert wire.client.verdict.kind == Failure.PROTOCOL


def test_a_reply_flood_during_the_message_ends_it_at_the_first_reply() -> None:
    wire = Wire(plan(message=Body(b"Subject: big\r\n\r\n" + b"x" * 70 + b"\r\n")))
    greeted(wire)
    wire.to_data()
    action = wire.action
    assert isinstance(action, SendMessage)
    wire.client.message_chunk(b"Subject: big\r\n")
    wire.server(b"250 x\r\n" * 20_000)
    assert isinstance(wire.action, Close)
    verdict = wire.client.verdict
    assert verdict.stage == "dot" and "in the middle of the message" in verdict.error
    assert [e.text for e in wire.events("recv") if e.stage == "dot"] == ["250 x"]  # one only
    with pytest.raises(LocalProtocolError):
        wire.client.message_chunk(b"more")


def test_starttls_discards_what_came_after_the_220_and_never_shows_it() -> None:
    wire = Wire(plan(tls="starttls"))
    wire.server(b"220 mx.example.net\r\n")
    wire.sends()
    wire.server(b"250-mx.example.net\r\n250 STARTTLS\r\n")
    assert wire.sends() == b"STARTTLS\r\n"
    wire.server(b"220 2.0.0 Ready to start TLS\r\n250-injected\r\n250 AUTH PLAIN\r\npart")
    assert isinstance(wire.action, StartTLS)
    wire.client.tls_begin(discarded=7)
    errors = wire.texts("error")
    assert errors and "possible STARTTLS injection" in errors[0]
    wire.client.tls_started(dropped_during=5)
    assert "5 octets" in wire.texts("error")[-1]
    assert wire.sends() == b"EHLO client.example\r\n"
    assert not any("injected" in text or "AUTH PLAIN" in text for text in wire.texts("recv"))
    assert all(not event.tls for event in wire.events("recv"))  # nothing came inside TLS yet
    wire.server(b"250-mx.example.net\r\n250 SIZE 1000\r\n")
    assert wire.events("recv")[-1].tls
    assert wire.client.caps is not None and not wire.client.caps.has("AUTH")
    assert wire.client.caps_before_tls is not None


def test_required_tls_not_offered_quits_before_mail() -> None:
    wire = Wire(plan(tls="required"))
    greeted(wire)
    assert wire.sends() == b"QUIT\r\n"
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.kind, verdict.exit_code) == ("starttls",
                                                              Failure.TLS_UNAVAILABLE, 29)


def test_ehlo_refused_falls_back_to_helo() -> None:
    wire = Wire()
    wire.server(b"220 old.example\r\n")
    wire.sends()
    wire.server(b"502 5.5.2 Error: command not recognized\r\n")
    assert wire.sends() == b"HELO client.example\r\n"
    wire.server(b"250 old.example\r\n")
    assert wire.sends() == b"MAIL FROM:<a@example.com>\r\n"  # no ESMTP: no SIZE=
    assert "falling back to HELO" in wire.texts("info")[0]


def test_quit_may_go_unanswered_after_a_delivery() -> None:
    wire = Wire()
    greeted(wire)
    wire.to_data()
    wire.message()
    wire.server(b"250 queued\r\n")
    wire.sends()
    wire.client.timed_out()
    assert isinstance(wire.action, Close)
    assert wire.client.verdict.outcome is Outcome.DELIVERED


def test_a_time_out_in_a_stage_fails_it() -> None:
    wire = Wire()
    wire.server(b"220-slow")
    wire.client.timed_out()
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.kind, verdict.exit_code) == ("banner", Failure.TIMEOUT, 21)
    assert "part of a reply came" in verdict.error
    assert wire.texts("recv") == ["220-slow"]  # what came is shown


def test_a_close_in_the_middle_of_a_stage() -> None:
    wire = Wire()
    greeted(wire)
    wire.sends()
    wire.server(b"")
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.kind, verdict.exit_code) == ("mail", Failure.CLOSED, 6)


@pytest.mark.parametrize("line", [b"hello there\r\n", b"999 nine\r\n", b"2500 code\r\n",
                                  b"250_sep\r\n"])
def test_not_smtp_is_a_protocol_error(line: bytes) -> None:
    wire = Wire()
    wire.server(line)
    assert wire.client.verdict.kind == Failure.PROTOCOL
    assert isinstance(wire.action, Close)


def test_a_changed_message_file_is_never_finished() -> None:
    wire = Wire()
    greeted(wire)
    wire.to_data()
    wire.client.message_chunk(b"Subject: t\r\n\r\nHELLO\r\n")  # same size, other bytes
    assert wire.client.message_end() == b""
    verdict = wire.client.verdict
    assert (verdict.kind, verdict.exit_code) == (Failure.MESSAGE_CHANGED, 1)
    assert isinstance(wire.action, Close)


def test_a_final_dot_whose_write_breaks_is_a_message_cut_off() -> None:
    """The dot is handed out (the client waits for its reply), then its write fails: the
    runner says so, and the session fails as a broken message, not as misuse. Seen on a
    loaded machine with a server that resets the connection in the middle of DATA."""
    wire = Wire()
    greeted(wire)
    wire.to_data()
    wire.client.message_chunk(MESSAGE)
    assert wire.client.message_end() == b".\r\n"
    assert isinstance(wire.action, Wait) and wire.action.stage is Stage.DOT
    wire.client.message_failed(Failure.DATA_BROKEN, "the connection broke: reset")
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.kind, verdict.exit_code) == ("dot", Failure.DATA_BROKEN, 6)
    assert "not delivered" in verdict.error and isinstance(wire.action, Close)


def test_a_message_failure_after_the_dot_s_reply_came_is_misuse() -> None:
    wire = Wire()
    greeted(wire)
    wire.to_data()
    wire.client.message_chunk(MESSAGE)
    wire.client.message_end()
    wire.server(b"250 2.0.0 Ok: queued\r\n")
    with pytest.raises(LocalProtocolError, match="message_failed"):
        wire.client.message_failed(Failure.DATA_BROKEN, "too late")


def test_a_nul_that_appeared_since_the_check_is_not_sent() -> None:
    wire = Wire()
    greeted(wire)
    wire.to_data()
    assert wire.client.message_chunk(b"Subject: t\x00\r\n") == b""
    assert wire.client.verdict.kind == Failure.MESSAGE_CHANGED


# -- misuse ----------------------------------------------------------------------------------

def test_sending_a_command_that_was_not_proposed_is_misuse() -> None:
    wire = Wire()
    wire.server(b"220 mx.example.net\r\n")
    with pytest.raises(LocalProtocolError, match="not the command the session proposed"):
        wire.client.send(Send(Stage.MAIL, "MAIL FROM:<x@example.org>",
                              b"MAIL FROM:<x@example.org>\r\n"))
    assert wire.client.errored
    with pytest.raises(LocalProtocolError, match="ERROR state"):
        wire.server(b"250 ok\r\n")


@pytest.mark.parametrize("misuse", [
    lambda client: client.tls_begin(0),
    lambda client: client.tls_started(),
    lambda client: client.message_chunk(b"x"),
    lambda client: client.message_end(),
    lambda client: client.step(),
    lambda client: client.manual("NOOP"),
    lambda client: client.stop(),
    lambda client: client.secret("pw"),
    lambda client: client.connected(),
], ids=["tls_begin", "tls_started", "message_chunk", "message_end", "step", "manual", "stop",
        "secret", "connected-twice"])
def test_an_input_nobody_asked_for_is_misuse(misuse) -> None:  # type: ignore[no-untyped-def]
    wire = Wire()
    wire.server(b"220 mx.example.net\r\n")
    with pytest.raises(LocalProtocolError):
        misuse(wire.client)
    assert wire.client.errored


# -- AUTH and secrets ------------------------------------------------------------------------

PASSWORD = "s3cr3t-Passw0rd"
FORMS = [PASSWORD, base64.b64encode(PASSWORD.encode()).decode(),
         base64.b64encode(f"\0alice\0{PASSWORD}".encode()).decode()]


def authenticating(mech: str = "PLAIN", offered: bytes = b"PLAIN LOGIN CRAM-MD5") -> Wire:
    wire = Wire(plan(auth_user="alice", auth_mech=mech, allow_plaintext_auth=True))
    wire.server(b"220 mx.example.net\r\n")
    wire.sends()
    wire.server(b"250-mx.example.net\r\n250 AUTH " + offered + b"\r\n")
    assert isinstance(wire.action, NeedSecret) and wire.action.user == "alice"
    wire.client.secret(PASSWORD)
    return wire


def assert_no_secret(wire: Wire) -> None:
    text = wire.all_text()
    for form in FORMS:
        assert form not in text


def test_auth_plain_on_the_wire_and_redacted_in_the_transcript() -> None:
    wire = authenticating()
    assert wire.sends() == b"AUTH PLAIN " + FORMS[2].encode() + b"\r\n"
    wire.server(b"235 2.7.0 Authentication successful\r\n")
    assert wire.sends().startswith(b"MAIL FROM:")
    assert "AUTH PLAIN [credentials of alice redacted]" in wire.texts("send")
    assert_no_secret(wire)


@pytest.mark.parametrize("echo", [
    "535 5.7.8 bad credentials {b64} for {pw}",
    "hello {pw}",  # no code
    "999 {pw}",  # code out of range
    "2500 {pw}",  # four digits
    "535*{pw}",  # bad separator
    "535-first\r\n534 {pw}",  # the code changes within the reply
])
def test_credentials_echoed_in_any_reply_never_leave_the_core(echo: str) -> None:
    wire = authenticating()
    wire.sends()
    wire.server(echo.format(pw=PASSWORD, b64=FORMS[1]).encode() + b"\r\n")
    assert wire.client.verdict.outcome is Outcome.FAILED
    assert_no_secret(wire)


def test_an_echo_split_over_two_reply_lines_is_masked() -> None:
    wire = authenticating()
    wire.sends()
    token = FORMS[2]
    wire.server(f"535-5.7.8 got {token[:10]}\r\n535 5.7.8 {token[10:]} rejected\r\n".encode())
    assert_no_secret(wire)
    shown = "".join(wire.texts("recv"))
    assert token[:10] not in shown and token[10:] not in shown


def test_an_echoed_cram_md5_response_is_masked() -> None:
    wire = authenticating("CRAM-MD5")
    assert wire.sends() == b"AUTH CRAM-MD5\r\n"
    wire.server(b"334 " + base64.b64encode(b"<1896.697170952@mx.example.net>") + b"\r\n")
    answer = wire.sends().strip().decode()
    digest = base64.b64decode(answer).decode().split()[1]
    wire.server(f"535 5.7.8 {answer} and {digest} are wrong\r\n".encode())
    text = wire.all_text()
    assert answer not in text and digest not in text


def test_a_short_password_is_masked_as_a_word() -> None:
    wire = Wire(plan(auth_user="alice", auth_mech="LOGIN", allow_plaintext_auth=True))
    wire.server(b"220 x\r\n")
    wire.sends()
    wire.server(b"250-x\r\n250 AUTH LOGIN\r\n")
    wire.client.secret("pw1")
    wire.sends()
    wire.server(b"334 VXNlcm5hbWU6\r\n")
    wire.sends()
    wire.server(b"334 UGFzc3dvcmQ6\r\n")
    wire.sends()
    wire.server(b"535 5.7.8 password pw1 rejected (pw1x stays)\r\n")
    shown = wire.texts("recv")[-1]
    assert " pw1 " not in shown and "pw1x" in shown


def test_a_mechanism_the_server_does_not_offer_is_refused_before_sending() -> None:
    wire = Wire(plan(auth_user="alice", auth_mech="CRAM-MD5", allow_plaintext_auth=True))
    wire.server(b"220 x\r\n")
    wire.sends()
    wire.server(b"250-x\r\n250 AUTH PLAIN LOGIN\r\n")
    assert wire.sends() == b"QUIT\r\n"  # no AUTH line, no password asked for
    verdict = wire.client.verdict
    assert (verdict.kind, verdict.exit_code) == (Failure.AUTH_MECH, 28)
    assert "does not offer AUTH CRAM-MD5" in verdict.error


@pytest.mark.parametrize(("quit_after", "asks"), [
    ("connect", False), ("banner", False), ("ehlo", False), ("tls", False), ("auth", True),
    ("mail", True), ("", True)])
def test_the_password_is_asked_for_only_when_auth_is_reached(quit_after: str,
                                                             asks: bool) -> None:
    wire = Wire(plan(auth_user="alice", allow_plaintext_auth=True, quit_after=quit_after),
                connect=False)
    wire.client.connected()
    if quit_after != "connect":
        wire.server(b"220 x\r\n")
    if quit_after not in ("connect", "banner"):
        wire.sends()
        wire.server(b"250-x\r\n250 AUTH PLAIN\r\n")
    assert isinstance(wire.action, NeedSecret) is asks


def test_no_credentials_without_tls_unless_allowed() -> None:
    wire = Wire(plan(auth_user="alice"))
    wire.server(b"220 x\r\n")
    wire.sends()
    wire.server(b"250-x\r\n250 AUTH PLAIN\r\n")
    assert wire.sends() == b"QUIT\r\n"
    assert wire.client.verdict.kind == Failure.AUTH_PLAINTEXT


# -- step mode and typed commands ------------------------------------------------------------

def stepped() -> Wire:
    wire = Wire(stepping=True)
    wire.server(b"220 mx.example.net\r\n")
    assert isinstance(wire.action, AskUser) and wire.action.line == "EHLO client.example"
    wire.client.step()
    wire.sends()
    wire.server(EHLO_REPLY)
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.MAIL
    return wire


def test_an_edited_command_is_sent_as_edited() -> None:
    wire = stepped()
    wire.client.step("MAIL FROM:<other@example.com>")
    assert wire.sends() == b"MAIL FROM:<other@example.com>\r\n"


def test_an_edit_with_a_control_character_sends_nothing_and_asks_again() -> None:
    wire = stepped()
    wire.client.step("MAIL FROM:<x@example.com>\r\nRCPT TO:<evil@example.org>")
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.MAIL
    assert "control character" in wire.texts("error")[-1]


def test_run_to_holds_again_after_the_stage() -> None:
    wire = stepped()
    wire.client.run_to("rcpt")
    assert wire.sends().startswith(b"MAIL")
    wire.server(b"250 ok\r\n")
    assert wire.sends().startswith(b"RCPT")
    wire.server(b"250 ok\r\n")
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.DATA


def test_a_whole_session_typed_by_hand() -> None:
    wire = stepped()
    typed = [("MAIL FROM:<me@example.com>", b"250 2.1.0 Ok\r\n"),
             ("RCPT TO:<you@example.net>", b"250 2.1.5 Ok\r\n"),
             ("DATA", b"354 End data with <CR><LF>.<CR><LF>\r\n")]
    wire_bytes = b""
    for line, reply in typed:
        wire.client.manual(line)
        wire_bytes += wire.sends()
        wire.server(reply)
    for line in ("Subject: typed", "", ".hidden dot", "body"):
        assert isinstance(wire.action, AskUser)
        wire.client.manual(line)
        wire_bytes += wire.sends()
    wire.client.manual(".")
    wire_bytes += wire.sends()
    wire.server(b"250 2.0.0 Ok: queued as ABC\r\n")
    assert wire_bytes == (b"MAIL FROM:<me@example.com>\r\nRCPT TO:<you@example.net>\r\nDATA\r\n"
                          b"Subject: typed\r\n\r\n..hidden dot\r\nbody\r\n.\r\n")
    verdict = wire.client.verdict
    assert verdict.outcome is Outcome.DELIVERED and verdict.accepted == ["you@example.net"]
    assert any("dot doubled" in text for text in wire.texts("info"))
    assert isinstance(wire.action, AskUser) and wire.action.line == "QUIT"


def test_a_typed_quit_ends_the_session() -> None:
    wire = stepped()
    wire.client.manual("QUIT")
    assert wire.sends() == b"QUIT\r\n"
    wire.server(b"221 2.0.0 Bye\r\n")
    assert isinstance(wire.action, Close)  # no planned MAIL sent into a closed connection


def test_a_typed_rset_resets_the_envelope() -> None:
    wire = stepped()
    wire.client.step()
    wire.sends()
    wire.server(b"250 ok\r\n")  # MAIL accepted; the plan is at RCPT
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.RCPT
    wire.client.manual("RSET")
    wire.sends()
    wire.server(b"250 2.0.0 Ok\r\n")
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.MAIL


def test_a_typed_mail_and_rcpt_move_the_plan() -> None:
    wire = stepped()
    wire.client.manual("MAIL FROM:<a@example.com>")
    wire.sends()
    wire.server(b"250 ok\r\n")
    assert isinstance(wire.action, AskUser) and wire.action.line == "RCPT TO:<b@example.net>"
    wire.client.manual("RCPT TO:<b@example.net>")
    wire.sends()
    wire.server(b"250 ok\r\n")
    assert isinstance(wire.action, AskUser) and wire.action.line == "DATA"


def test_typed_credentials_and_their_echo_are_masked() -> None:
    wire = stepped()
    token = base64.b64encode(f"\0alice\0{PASSWORD}".encode()).decode()
    wire.client.manual(f"AUTH PLAIN {token}")
    assert wire.sends() == f"AUTH PLAIN {token}\r\n".encode()
    wire.server(f"535 5.7.8 {token} / {PASSWORD} rejected\r\n".encode())
    assert_no_secret(wire)
    assert "AUTH PLAIN [credentials redacted]" in wire.texts("send")


def test_stop_at_a_step_sends_nothing_more() -> None:
    wire = stepped()
    wire.client.stop()
    assert isinstance(wire.action, Close)
    assert wire.client.verdict.outcome is Outcome.STOPPED


def test_abandon_while_waiting_for_the_greeting_says_how_long() -> None:
    wire = Wire()
    wire.client.abandon(12.5)
    verdict = wire.client.verdict
    assert (verdict.stage, verdict.kind, verdict.exit_code) == ("banner", Failure.ABANDONED,
                                                              130)
    assert "12.5 s for the greeting" in verdict.error


def test_a_reply_in_the_same_packet_as_the_354_is_shown_not_lost() -> None:
    """It vanished from the transcript: now it is shown, and a server that answers before the
    message was sent gets no message."""
    wire = Wire()
    greeted(wire)
    for reply in (b"250 ok\r\n", b"250 ok\r\n"):
        wire.sends()
        wire.server(reply)
    wire.sends()
    wire.server(b"354 go ahead\r\n554 5.7.1 changed my mind\r\n")
    assert "554 5.7.1 changed my mind" in wire.texts("recv")
    assert isinstance(wire.action, Close)
    assert "554" in wire.client.verdict.error and wire.client.verdict.stage == "dot"


def test_after_a_typed_data_a_step_sends_the_profile_s_message() -> None:
    wire = stepped()
    for line, reply in (("MAIL FROM:<a@example.com>", b"250 ok\r\n"),
                        ("RCPT TO:<b@example.net>", b"250 ok\r\n"), ("DATA", b"354 go\r\n")):
        wire.client.manual(line)
        wire.sends()
        wire.server(reply)
    assert isinstance(wire.action, AskUser) and wire.action.stage is Stage.DOT
    wire.client.step()
    assert wire.message() == MESSAGE + b".\r\n"
    wire.server(b"250 queued\r\n")
    assert wire.client.verdict.outcome is Outcome.DELIVERED
    wire.client.manual("NOOP")  # a command again, not a message line
    assert wire.sends() == b"NOOP\r\n"

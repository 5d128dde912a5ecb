"""Real servers' odd replies are read and their oddity said; what safety needs stays refused.

Tolerated, each with an info line (never silently): a firewall-masked greeting with no space
after the code (Cisco PIX/ASA "fixup smtp"), an EHLO keyword split by a stray space, a plain
last line ("250 OK") that is no keyword, legacy "AUTH=" lines, an enhanced code with a colon
after it ("2.0.0:"), enhanced codes written in the vendor's own place ("#5.1.0", "(#5.7.1)").
Refused as before: a line without a three-digit code, a code outside 200-599 (1xx and 6xx have
no meaning in SMTP: a client that guessed one could take a refusal for a success), any other
separator, a code that changes within a reply, and the line, reply and line-count caps.
"""

from __future__ import annotations

import pytest

from smtptui.knowledge.codes import explain_code, explain_reply, find_enhanced
from smtptui.knowledge.keywords import MEANINGS, describe
from smtptui.knowledge.lines import explain_reply_line
from smtptui.knowledge.replies import reply_notes
from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.client import SmtpClient
from smtptui.smtp.errors import RemoteProtocolError
from smtptui.smtp.plan import SessionPlan
from smtptui.smtp.replies import MAX_LINE, Reply, ReplyParser
from smtptui.smtp.transcript import Event
from smtptui.smtp.vocabulary import EventKind


def parse(data: bytes) -> Reply:
    parser = ReplyParser()
    parser.feed(data)
    (reply,) = parser.replies()
    return reply


# -- the Cisco PIX "fixup smtp" greeting ----------------------------------------------------

PIX_NO_SPACE = b"220*******************************************************0*2******0****\r\n"
PIX_SPACE = b"220 *********0***************************************** ************2*******\r\n"


def test_a_greeting_masked_with_no_space_after_the_code_is_read_and_said() -> None:
    reply = parse(PIX_NO_SPACE)
    assert reply.code == 220 and reply.lines[0].startswith("****")
    assert reply.raw == (PIX_NO_SPACE.decode().rstrip("\r\n"),)  # shown as it came
    assert "no space after the reply code 220" in reply.quirks[0]
    assert "fixup smtp" in reply.quirks[0]


def test_a_masked_greeting_with_its_space_is_read_and_said_too() -> None:
    reply = parse(PIX_SPACE)
    assert reply.code == 220
    assert "masked with asterisks" in reply.quirks[0]
    assert not parse(b"220 mx.example.net ESMTP Postfix\r\n").quirks


def test_the_client_says_the_quirk_in_the_transcript_and_goes_on() -> None:
    plan = SessionPlan(host="127.0.0.1", sender="a@example.com", recipients=["b@example.net"],
                       helo="client.example", tls="off")
    client = SmtpClient(plan)
    client.connected()
    client.receive_data(PIX_NO_SPACE)
    infos = [i.text for i in client.take() if isinstance(i, Event) and i.kind == EventKind.INFO]
    assert any("fixup smtp" in text for text in infos)
    assert client.next_action().line.startswith("EHLO")  # type: ignore[union-attr]


def test_the_explain_panel_reads_a_masked_line_as_a_reply() -> None:
    notes = explain_reply_line(PIX_NO_SPACE.decode().rstrip("\r\n"), "banner")
    assert [note.label for note in notes] == ["220", "masked"]


@pytest.mark.parametrize("data, words", [
    (b"250_x\r\n", "bad separator"),  # any other separator is still refused
    (b"250#x\r\n", "bad separator"),
    (b"2500 x\r\n", "bad separator"),  # a four-digit code is no code
    (b"199 x\r\n", "outside"),  # 1xx: no meaning in SMTP
    (b"600 x\r\n", "outside"),
    (b"abc\r\n", "no three-digit code"),
    (b"250-a\r\n251 b\r\n", "changed within one reply"),
    (b"*" * 20 + b"\r\n", "no three-digit code"),
])
def test_what_safety_needs_is_still_refused(data: bytes, words: str) -> None:
    with pytest.raises(RemoteProtocolError, match=words):
        parse(data)


def test_the_line_cap_holds_for_masked_lines_too() -> None:
    with pytest.raises(RemoteProtocolError, match="longer than"):
        parse(b"220" + b"*" * (MAX_LINE + 10) + b"\r\n")


# -- EHLO replies ------------------------------------------------------------------------------

EXCHANGE_2003 = (b"250-mail.example.com Hello [192.0.2.1]\r\n250-TURN\r\n250-SIZE\r\n"
                 b"250-PIPELINING\r\n250-X-EXPS GSSAPI NTLM LOGIN\r\n250-X-EXPS=LOGIN\r\n"
                 b"250-AUTH GSSAPI NTLM LOGIN\r\n250-AUTH=LOGIN\r\n250-XEXCH50\r\n250 OK\r\n")


def test_exchange_s_plain_last_line_is_not_counted_as_a_keyword() -> None:
    caps = parse_ehlo(parse(EXCHANGE_2003))
    assert "OK" not in caps.keywords and len(caps.keywords) == 6
    assert any("plain text, not a keyword" in quirk for quirk in caps.quirks)
    notes = explain_reply_line("250 OK", "ehlo", continued=True)
    assert notes[-1].summary.startswith("Not a keyword")


def test_legacy_auth_lines_are_merged_alike_everywhere() -> None:
    reply = parse(EXCHANGE_2003)
    caps = parse_ehlo(reply)
    assert caps.auth_mechanisms == ("GSSAPI", "NTLM", "LOGIN")
    # the explain panel (one line at a time) ...
    line = explain_reply_line("250-AUTH=LOGIN", "ehlo", continued=True)[-1]
    assert line.label == "AUTH" and "legacy form" in line.summary
    assert "unknown keyword" not in line.summary
    exps = explain_reply_line("250-X-EXPS=LOGIN", "ehlo", continued=True)[-1]
    assert exps.label == "X-EXPS" and "unknown" not in exps.summary
    # ... and --explain (the whole reply) say the same as the inspector.
    texts = [note.text for note in reply_notes("ehlo", reply)]
    assert any(text.startswith("AUTH GSSAPI NTLM LOGIN:") and "legacy form AUTH=LOGIN" in text
               for text in texts)
    assert not any("unknown keyword" in text for text in texts)


def test_a_keyword_with_a_stray_space_is_one_keyword() -> None:
    reply = parse(b"250-mx.example.net\r\n250-8BIT MIME\r\n250-ENHANCEDSTATUS CODES\r\n"
                  b"250 SIZE 1000\r\n")
    caps = parse_ehlo(reply)
    assert list(caps.keywords) == ["8BITMIME", "ENHANCEDSTATUSCODES", "SIZE"]
    assert "stray space" in caps.quirks[0]
    note = explain_reply_line("250-8BIT MIME", "ehlo", continued=True)[-1]
    assert note.label == "8BITMIME" and "stray space" in note.summary


def test_a_keyword_a_firewall_wrote_x_s_over_is_said_to_be_masked() -> None:
    caps = parse_ehlo(parse(b"250-mx.example.net\r\n250-XXXXXXXA\r\n250 8BITMIME\r\n"))
    assert caps.has("XXXXXXXA") and "inspect esmtp" in caps.quirks[0]
    assert "masked" in describe("XXXXXXXA")[0] and "masked" not in describe("XEXCH50")[0]
    assert not parse_ehlo(parse(b"250-mx\r\n250 XEXCH50\r\n")).quirks


def test_xusr_is_sendmail_s_not_exchange_s() -> None:
    assert MEANINGS["XUSR"].reference == "Sendmail"
    assert "Exchange" not in describe("XUSR")[0]


# -- enhanced codes where the vendor put them ----------------------------------------------------


@pytest.mark.parametrize("line, code, where", [
    ("550 5.1.1 User unknown", "5.1.1", ""),
    ("250 2.0.0: Ok", "2.0.0", ""),  # OpenSMTPD's colon
    ("550 #5.1.0 Address rejected.", "5.1.0", "#5.1.0"),  # Exchange 2003, GoDaddy
    ("553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)", "5.7.1",
     "#5.7.1"),  # qmail
    ("550 Requested action not taken: mailbox unavailable (5.1.1)", "5.1.1", "5.1.1"),
])
def test_enhanced_codes_are_found_where_the_vendor_wrote_them(line: str, code: str,
                                                              where: str) -> None:
    found = find_enhanced(parse(line.encode() + b"\r\n"))
    assert found is not None and found[0] == code and found[1].strip("()") == where
    explained = explain_reply(parse(line.encode() + b"\r\n"))
    assert explained[-1].code == code
    if where:
        assert "not in RFC 2034's place" in explained[-1].summary


@pytest.mark.parametrize("line", [
    "421 4.7.0 [TSS04] Messages deferred - 4.16.55.1; see https://example.net",  # no IP part
    "554 6.6.0 Error sending message for delivery.",  # there is no class 6
    "550 Exim 4.94.2 says no",  # a version number
    "550 see 2.0.0 for details",  # a class that contradicts the reply's
])
def test_what_only_looks_like_an_enhanced_code_is_not_one(line: str) -> None:
    reply = parse(line.encode() + b"\r\n")
    found = find_enhanced(reply)
    assert found is None or found[0] == reply.enhanced == "4.7.0"


# -- codes whose meaning depends on the step --------------------------------------------------


def test_an_auth_code_outside_auth_is_not_explained_as_auth() -> None:
    at_auth = explain_code(432, "auth")
    elsewhere = explain_code(432, "data")
    assert at_auth is not None and "PLAIN" in at_auth.summary
    assert elsewhere is not None and "PLAIN" not in elsewhere.summary
    assert "only as an answer to AUTH" in elsewhere.summary
    ses = explain_code(454, "mail")
    assert ses is not None and "AUTH and STARTTLS" in ses.summary
    starttls = explain_code(454, "starttls")
    assert starttls is not None and "TLS" in starttls.summary


def test_a_code_no_smtp_rfc_defines_is_not_called_temporary_blindly() -> None:
    sendgrid = explain_code(403)
    assert sendgrid is not None and "not an SMTP reply code" in sendgrid.summary
    assert "Forbidden" in sendgrid.summary

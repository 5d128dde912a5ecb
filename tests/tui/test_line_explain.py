"""What a transcript line means: reply codes parsed from the line, commands and parameters."""

from __future__ import annotations

import pytest

from smtptui.knowledge.command_meanings import COMMANDS, END_OF_DATA, MESSAGE_LINE, explain_command
from smtptui.knowledge.keywords import MEANINGS
from smtptui.knowledge.lines import NOT_A_REPLY, explain_line, keyword_note, reply_codes


@pytest.mark.parametrize("text, codes", [
    ("550 5.7.1 Relaying denied", (550, "5.7.1")),
    ("550-5.7.1 Relaying denied", (550, "5.7.1")),
    ("451 4.7.1 Greylisted, try again", (451, "4.7.1")),
    ("250 2.0.0", (250, "2.0.0")),
    ("250-SIZE 10240000", (250, None)),
    ("250-mx.example.net Hello", (250, None)),
    ("220", (220, None)),
    ("554 5.7.1Relaying", (554, None)),  # not an enhanced code without a space after it
    ("550 1.2.3 not a class", (550, None)),
    ("HTTP/1.1 400 Bad Request", (None, None)),
    ("", (None, None)),
])
def test_reply_codes_are_read_from_the_line(text: str, codes: tuple[int | None, str | None]
                                            ) -> None:
    assert reply_codes(text) == codes


@pytest.mark.parametrize("verb", ["EHLO", "HELO", "MAIL", "RCPT", "DATA", "RSET", "QUIT",
                                  "STARTTLS", "AUTH", "NOOP", "VRFY", "EXPN", "HELP", "BDAT"])
def test_every_common_command_has_a_meaning_and_a_reference(verb: str) -> None:
    summary, reference = COMMANDS[verb]
    assert summary.endswith(".") and reference.startswith("RFC ")
    [note, *_] = explain_command(f"{verb.lower()} something")
    assert note.summary == summary and note.reference == reference


def test_mail_and_rcpt_explain_their_parameters() -> None:
    notes = explain_command("MAIL FROM:<a@example.com> SIZE=687 BODY=8BITMIME SMTPUTF8")
    assert [n.label for n in notes] == ["MAIL FROM", "SIZE=", "BODY=", "SMTPUTF8"]
    assert notes[1].reference == "RFC 1870 §6"
    notes = explain_command("RCPT TO:<b@example.net> NOTIFY=FAILURE ORCPT=rfc822;b@example.net")
    assert [n.label for n in notes] == ["RCPT TO", "NOTIFY=", "ORCPT="]
    assert [n.label for n in explain_command("MAIL FROM:<a=b@example.com>")] == ["MAIL FROM"]


def test_message_lines_login_steps_and_unknown_commands() -> None:
    assert explain_command("Subject: MAIL FROM is not a command here", "dot") == [MESSAGE_LINE]
    assert explain_command(".", "dot") == [END_OF_DATA]
    [step] = explain_command("dXNlcm5hbWU= (redacted)", "auth")
    assert step.label == "AUTH" and "never shows the secret" in step.summary
    [unknown] = explain_command("XCLIENT NAME=x")
    assert unknown.label == "XCLIENT" and "Not a standard SMTP command" in unknown.summary
    assert explain_command("")[0].label == "(empty line)"


def test_reply_lines_explained_with_both_codes_and_ehlo_keywords() -> None:
    notes = explain_line("recv", "rcpt", "550 5.7.1 Relaying denied")
    assert [(n.label, n.title, n.reference) for n in notes] == [
        ("550", "Mailbox unavailable", "RFC 5321 §4.2.3"),
        ("5.7.1", "Delivery not authorized", "RFC 3463 §3.8")]
    notes = explain_line("recv", "ehlo-tls", "250-AUTH PLAIN LOGIN")
    assert [n.label for n in notes] == ["250", "AUTH"]
    assert notes[1].reference == "RFC 4954"
    assert [n.label for n in explain_line("recv", "ehlo", "250-mx.example.net")] == ["250"]
    assert explain_line("recv", "banner", "SSH-2.0-OpenSSH_9.2") == [NOT_A_REPLY]
    assert explain_line("info", "app", "Connected") == []
    assert explain_line("error", "rcpt", "recipient refused") == []


def test_every_keyword_line_is_explained_or_said_to_be_unknown() -> None:
    for keyword in MEANINGS:
        note = keyword_note(f"{keyword} some params", continued=True)
        assert note is not None and note.label == keyword and note.reference, keyword
        assert not note.summary.startswith("Unknown"), keyword
    help_note = keyword_note("HELP", continued=True)
    assert help_note is not None and help_note.reference == "RFC 5321 §4.1.1.8"
    for keyword, why in (("XFOO", "a private (X) extension"), ("WIBBLE", "not in smtptui's")):
        note = keyword_note(f"{keyword} bar", continued=True)
        assert note is not None and note.summary.startswith(f"Unknown keyword: {why}")
    exchange = keyword_note("OK", continued=True)
    assert exchange is not None and exchange.summary.startswith("Not a keyword")
    # The first line of the reply is the server's name, whatever it looks like.
    assert keyword_note("localhost Hello", continued=False) is None
    assert keyword_note("XFOO", continued=False) is None
    # Where it is not known, a first word that cannot be a keyword is taken for the name.
    assert keyword_note("mx.example.net Hello") is None
    assert keyword_note("XFOO bar") is not None
    notes = explain_line("recv", "ehlo", "250-XFOO bar", continued=True)
    assert [n.label for n in notes] == ["250", "XFOO"]
    assert [n.label for n in explain_line("recv", "ehlo", "550 5.5.1 no", continued=True)] == [
        "550", "5.5.1"]



def test_an_enhanced_code_of_another_class_is_not_one_here_either() -> None:
    """The panel reads a line's codes as Reply.enhanced does (RFC 3463 §2): the class must
    agree with the reply code, so "250 5.1.1 odd" has no enhanced code."""
    from smtptui.smtp.replies import ReplyParser

    parser = ReplyParser()
    parser.feed(b"250 5.1.1 odd\r\n")
    assert parser.replies()[0].enhanced is None
    assert reply_codes("250 5.1.1 odd") == (250, None)
    assert reply_codes("550-5.1.1 gone") == (550, "5.1.1")

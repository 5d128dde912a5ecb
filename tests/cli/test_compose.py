"""The composed test message (--subject, --body) and the transcript's preview of a message."""

from __future__ import annotations

import email
import email.policy
from pathlib import Path

import pytest
from aiosmtpd.smtp import SMTP
from hypothesis import given
from hypothesis import strategies as st

from smtptui.launch.compose import compose_message, subject_header
from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import SessionPlan
from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]


def headers_of(data: bytes) -> bytes:
    return data.split(b"\r\n\r\n", 1)[0]


def parsed(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


# -- control characters: refused with one line, exit 1, before any connection -----------------

SUBJECT_CONTROLS = {
    "CRLF-Bcc": "hi\r\nBcc: evil@z.test", "LF": "hi\nBcc: evil@z.test", "CR": "hi\rthere",
    "TAB": "a\tb", "ESC": "a\x1b[2Jb", "VT": "a\x0bb", "DEL": "a\x7fb", "NEL": "a\x85b",
    "CSI": "a\x9bb", "LS": "a\u2028b", "PS": "a\u2029b",
}


@pytest.mark.parametrize("subject", SUBJECT_CONTROLS.values(), ids=SUBJECT_CONTROLS.keys())
def test_a_control_character_in_the_subject_is_refused_before_connecting(scripted, subject: str
                                                                         ) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--subject", subject)
    assert run.code == 1, run.out + run.err
    assert run.out == "" and "Traceback" not in run.err
    (line,) = run.err.splitlines()
    assert line.startswith("smtptui: error: --subject: control character ")
    assert server.connections == []


def test_a_control_character_in_the_subject_is_refused_with_json_too(scripted) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json",
                  "--subject", "hi\r\nBcc: evil@z.test")
    assert (run.code, run.out) == (1, "")
    assert run.err == ("smtptui: error: --subject: control character CR (carriage return) at "
                       "character 3: the subject is one header line, with no line break, TAB or "
                       "other control character\n")
    assert server.connections == []


@pytest.mark.parametrize(("body", "what"), [("a\x1b[31mb", "ESC"), ("a\x0bb", "U+000B"),
                                            ("a\x0cb", "U+000C")])
def test_a_control_character_in_the_body_is_refused_before_connecting(scripted, body: str,
                                                                      what: str) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--body", body)
    assert run.code == 1, run.out + run.err
    assert run.err == (f"smtptui: error: --body: control character {what} at character 2: the "
                       "body may hold line breaks and TABs, no other control character\n")
    assert server.connections == []


def test_nul_in_subject_or_body_is_refused() -> None:
    # A command line cannot carry NUL; a profile or the app could hand one to compose_message.
    plan = SessionPlan(host="127.0.0.1", port=25, sender="a@example.com",
                       recipients=["b@example.net"], helo="client.example")
    with pytest.raises(InputError, match=r"^--subject: control character NUL at character 2"):
        compose_message(plan, "a\x00b", None)
    with pytest.raises(InputError, match=r"^--body: NUL at character 4: SMTP DATA cannot"):
        compose_message(plan, None, "abc\x00")


def test_text_that_is_not_utf8_is_refused(scripted) -> None:
    server = scripted(standard)
    # The bytes of a Latin-1 terminal: Python hands them over as lone surrogates.
    run = smtptui("run", *server_args(server), *ENVELOPE, "--subject", "K\udcf6ln",
                  env={"PYTHONUTF8": "1"})
    assert run.code == 1, run.out + run.err
    assert run.err == ("smtptui: error: --subject: not UTF-8 text (an undecodable byte at "
                       "character 2); give the text in UTF-8\n")
    assert server.connections == []


def test_a_body_keeps_its_line_breaks_and_tabs_as_crlf_lines(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE,
                  "--body", "one\ntwo\r\nthree\rcol\tumn\n.dot")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.data.split(b"\r\n\r\n", 1)[1] == b"one\r\ntwo\r\nthree\r\ncol\tumn\r\n.dot\r\n"
    assert b"Bcc" not in got.data


# -- a non-ASCII subject: RFC 2047 encoded-words, ASCII header octets ---------------------------

SUBJECTS = {
    "german": "Grüße aus Köln",
    "long-latin": "Prüfung der Zustellung über den Relay-Server für die Domäne " * 3,
    "cyrillic": "Проверка доставки почты через ретранслятор " * 2,
    "emoji": "📬 " * 40 + "✓",
    "cjk": "メール配信テスト" * 12,
    "looks-encoded": "=?utf-8?q?not_encoded?= plain",
    "spaces": "  two  leading and trailing  ",
    "long-ascii-word": "x" * 200,
    "long-ascii": "a quite ordinary subject line " * 6 + "end",
}


@pytest.mark.parametrize("subject", SUBJECTS.values(), ids=SUBJECTS.keys())
def test_the_subject_arrives_as_given_in_ascii_header_lines(smtpd, subject: str) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--subject", subject,
                  "--body", "Grüße, body stays UTF-8")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    header = headers_of(got.data)
    assert header.isascii()
    assert max(len(line) for line in header.split(b"\r\n")) <= 78
    message = parsed(got.data)
    assert message["Subject"] == subject
    assert message.get_content().splitlines() == ["Grüße, body stays UTF-8"]
    assert got.mail_options == ["BODY=8BITMIME"]  # the body is 8-bit; no SMTPUTF8 asked


def test_a_non_ascii_subject_alone_makes_a_7bit_message(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--subject", "Grüße aus Köln")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.data.isascii()
    assert b"\r\nSubject: =?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=\r\n" in got.data
    assert got.mail_options == []
    assert "=?utf-8?q?Gr=C3=BC=C3=9Fe_aus_K=C3=B6ln?=" in run.out  # the transcript shows it


def test_an_ordinary_subject_is_left_as_it_is() -> None:
    assert subject_header("hello world") == "Subject: hello world"
    long = "word " * 30 + "end"
    folded = subject_header(long)
    assert "=?" not in folded and folded.replace("\r\n", "") == "Subject: " + long
    assert max(len(line) for line in folded.split("\r\n")) <= 78


@given(st.text(st.characters(blacklist_categories=("Cs", "Cc"),
                             blacklist_characters="\u2028\u2029"), min_size=1, max_size=300))
def test_any_subject_decodes_to_itself_within_78_ascii_characters_a_line(subject: str) -> None:
    header = subject_header(subject)
    assert header.isascii()
    lines = header.split("\r\n")
    assert all(len(line) <= 78 for line in lines)
    assert all(line.startswith(" ") and line.strip() for line in lines[1:])
    for word in header.removeprefix("Subject:").split():
        if word.startswith("=?"):
            assert len(word) <= 75
    message = parsed(f"{header}\r\n\r\nbody\r\n".encode("ascii"))
    assert message["Subject"] == subject


# -- the transcript's preview of a message with a 1 MiB line -----------------------------------

def test_lines_after_a_1_mib_line_are_shown_and_the_message_is_unchanged(
        smtpd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # aiosmtpd refuses lines over 1001 octets (RFC 5321's limit); this test is about the
    # client, so the in-process server is told to take a 1 MiB line.
    monkeypatch.setattr(SMTP, "line_length_limit", 4 << 20)
    server = smtpd()
    long = b"L" * (1 << 20)
    after = [b"after %d" % n for n in range(60)]
    data = b"Subject: long line\r\n\r\n" + long + b"\r\n" + b"\r\n".join(after) + b"\r\n"
    eml = tmp_path / "long.eml"
    eml.write_bytes(data)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(eml))
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.data == data
    sent = [line[13:] for line in run.out.splitlines() if line[9:12] == "-> "]
    start = sent.index("Subject: long line")
    shown = sent[start:start + 40]
    assert shown[:2] == ["Subject: long line", ""]
    assert shown[2] == "L" * 998 + f"… [{(1 << 20) - 998} more octets on this line]"
    assert shown[3:] == [line.decode() for line in after[:37]]
    assert f"[23 more lines of the message not shown; {len(data)} octets in all]" in run.out
    assert len(run.out) < 20_000

"""The EHLO capability parser, on the seed article's Microsoft ESMTP sample among others."""

from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.replies import ReplyParser

SEED_EHLO = (
    b"250- mail.example.com Hello\r\n250-TURN\r\n250-SIZE\r\n250-ETRN\r\n250-PIPELINING\r\n"
    b"250-DSN\r\n250-ENHANCEDSTATUSCODES\r\n250-8bitmime\r\n250-BINARYMIME\r\n250-CHUNKING\r\n"
    b"250-VRFY\r\n250-X-EXPS GSSAPI NTLM LOGIN\r\n250-X-EXPS=LOGIN\r\n"
    b"250-AUTH GSSAPI NTLM LOGIN\r\n250-AUTH=LOGIN\r\n250-X-LINK2STATE\r\n250-XEXCH50\r\n"
    b"250 OK\r\n"
)


def caps_of(data: bytes):
    parser = ReplyParser()
    parser.feed(data)
    (reply,) = parser.replies()
    return parse_ehlo(reply)


def test_seed_sample() -> None:
    caps = caps_of(SEED_EHLO)
    assert caps.greeting == "mail.example.com Hello"
    assert list(caps.keywords) == [
        "TURN", "SIZE", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES", "8BITMIME",
        "BINARYMIME", "CHUNKING", "VRFY", "X-EXPS", "AUTH", "X-LINK2STATE", "XEXCH50",
    ]  # the plain last line "OK" is no keyword: it is said so, and not counted
    assert any("'OK' is plain text" in quirk for quirk in caps.quirks)
    assert caps.has("8bitmime") and caps.has("8BITMIME")
    assert caps.auth_mechanisms == ("GSSAPI", "NTLM", "LOGIN")
    assert caps.params("X-EXPS") == ("GSSAPI", "NTLM", "LOGIN")
    assert caps.legacy == ["X-EXPS=LOGIN", "AUTH=LOGIN"]
    assert caps.size_limit is None  # SIZE with no number: no fixed limit


def test_size_and_legacy_only_auth() -> None:
    caps = caps_of(b"250-mx.test\r\n250-SIZE 1000\r\n250-AUTH=PLAIN LOGIN\r\n250 STARTTLS\r\n")
    assert caps.size_limit == 1000
    assert caps.auth_mechanisms == ("PLAIN", "LOGIN")
    assert caps.has("starttls")


def test_unknown_keywords_kept() -> None:
    caps = caps_of(b"250-mx\r\n250-X-FOO bar baz\r\n250 LIMITS RCPTMAX=10\r\n")
    assert caps.params("x-foo") == ("bar", "baz")
    assert caps.params("LIMITS") == ("RCPTMAX=10",)


def test_a_plain_last_line_is_not_a_keyword_but_a_keyword_line_last_is() -> None:
    davmail = caps_of(b"250-localhost.localdomain\r\n250-AUTH LOGIN PLAIN\r\n250-8BITMIME\r\n"
                      b"250 Hello\r\n")
    assert list(davmail.keywords) == ["AUTH", "8BITMIME"]
    assert caps_of(b"250-mx\r\n250 HELP\r\n").has("HELP")
    assert caps_of(b"250-mx\r\n250-OK\r\n250 8BITMIME\r\n").has("OK")  # not last: kept


def test_a_keyword_split_by_a_stray_space_is_joined_and_said() -> None:
    caps = caps_of(b"250-mx\r\n250-8BIT MIME\r\n250-ENHANCEDSTATUS CODES\r\n"
                   b"250-X-FOO BAR\r\n250 SIZE 1000\r\n")
    assert list(caps.keywords) == ["8BITMIME", "ENHANCEDSTATUSCODES", "X-FOO", "SIZE"]
    assert caps.params("X-FOO") == ("BAR",)  # an unknown keyword's parameter stays one
    assert len(caps.quirks) == 2 and "stray space" in caps.quirks[0]


def test_a_legacy_auth_line_with_a_stray_space_before_or_after_the_equals_sign() -> None:
    for line in (b"250 AUTH =LOGIN PLAIN\r\n", b"250 AUTH= LOGIN PLAIN\r\n"):
        assert caps_of(b"250-mx\r\n" + line).auth_mechanisms == ("LOGIN", "PLAIN")

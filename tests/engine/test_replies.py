"""Byte-literal tests of the reply parser (RFC 5321 §4.2)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.smtp.errors import RemoteProtocolError
from smtptui.smtp.replies import MAX_LINE, MAX_REPLY_LINES, ReplyParser


def parse(data: bytes) -> list:
    parser = ReplyParser()
    parser.feed(data)
    return parser.replies()


def test_single_line_reply() -> None:
    (reply,) = parse(b"250 OK\r\n")
    assert (reply.code, reply.lines, reply.enhanced) == (250, ("OK",), None)


def test_multiline_reply_with_enhanced_code() -> None:
    (reply,) = parse(b"550-5.7.1 Relaying denied\r\n550 5.7.1 see https://x\r\n")
    assert reply.code == 550
    assert reply.lines == ("5.7.1 Relaying denied", "5.7.1 see https://x")
    assert reply.enhanced == "5.7.1"
    assert reply.raw == ("550-5.7.1 Relaying denied", "550 5.7.1 see https://x")


def test_bare_code_line_ends_reply() -> None:
    (reply,) = parse(b"250-first\r\n250\r\n")
    assert reply.lines == ("first", "")


def test_bare_lf_is_accepted_as_line_end() -> None:
    assert [r.code for r in parse(b"220 hi\n250 ok\n")] == [220, 250]


def test_enhanced_code_class_must_match_reply_class() -> None:
    (reply,) = parse(b"250 5.1.1 odd\r\n")
    assert reply.enhanced is None


def test_split_across_packets() -> None:
    parser = ReplyParser()
    for byte in b"220-a\r\n220 b\r\n":
        parser.feed(bytes([byte]))
    (reply,) = parser.replies()
    assert reply.lines == ("a", "b")


@pytest.mark.parametrize("data, message", [
    (b"abc hello\r\n", "no three-digit code"),
    (b"250-a\r\n251 b\r\n", "changed within one reply"),
    (b"250_x\r\n", "bad separator"),
    (b"999 x\r\n", "outside"),
])
def test_malformed(data: bytes, message: str) -> None:
    with pytest.raises(RemoteProtocolError, match=message):
        parse(data)


def test_line_cap() -> None:
    parser = ReplyParser()
    with pytest.raises(RemoteProtocolError, match="longer than"):
        for _ in range(10):
            parser.feed(b"2" * 1000)
    assert MAX_LINE < 10000


def test_reply_line_count_cap() -> None:
    with pytest.raises(RemoteProtocolError, match="exceeds"):
        parse(b"250-x\r\n" * (MAX_REPLY_LINES + 5))


def test_non_utf8_is_kept_visible() -> None:
    (reply,) = parse(b"250 caf\xe9\r\n")
    assert reply.text == "caf\\xe9"


@given(st.binary(max_size=2000), st.lists(st.integers(1, 50), max_size=40))
def test_any_bytes_any_split_give_replies_or_protocol_error(data: bytes, cuts: list[int]) -> None:
    parser = ReplyParser()
    pos = 0
    try:
        for cut in cuts + [len(data)]:
            parser.feed(data[pos : pos + cut])
            pos += cut
        parser.feed(data[pos:])
        for reply in parser.replies():
            assert 200 <= reply.code <= 599
    except RemoteProtocolError:
        pass

"""Byte-literal and property tests of the DATA encoder (CRLF, dot-stuffing, no smuggling)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.launch.message import MessageSource
from smtptui.smtp.data import DataEncoder
from smtptui.smtp.errors import InputError

SMUGGLING = [b"\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n\x00.\r\n", b"\r\n.\r\r\n", b"\r.\n",
             b"\n.\r", b"\r.\r"]


def encode(data: bytes, size: int = 7) -> bytes:
    encoder = DataEncoder()
    out = b"".join(encoder.feed(data[i : i + size]) for i in range(0, len(data), size))
    return out + encoder.finish()


@pytest.mark.parametrize("raw, wire", [
    (b"", b".\r\n"),
    (b"a", b"a\r\n.\r\n"),
    (b"a\n", b"a\r\n.\r\n"),
    (b"a\r\nb\r\n", b"a\r\nb\r\n.\r\n"),
    (b".start\n", b"..start\r\n.\r\n"),
    (b"a\n.\nb", b"a\r\n..\r\nb\r\n.\r\n"),
    (b"a\r.\rb", b"a\r\n..\r\nb\r\n.\r\n"),
    (b"x\r\r\n", b"x\r\n\r\n.\r\n"),
    (b"..\r\n", b"...\r\n.\r\n"),
])
def test_literal(raw: bytes, wire: bytes) -> None:
    assert encode(raw) == wire
    assert encode(raw, 1) == wire


def normalised(raw: bytes) -> bytes:
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    return text if text.endswith(b"\r\n") or not text else text + b"\r\n"


def unstuff(wire: bytes) -> bytes:
    assert wire.endswith(b".\r\n")
    body = wire[:-3]
    lines = body.split(b"\r\n")
    return b"\r\n".join(line[1:] if line.startswith(b".") else line for line in lines)


@given(st.binary(max_size=300).filter(lambda b: b"\x00" not in b), st.integers(1, 20))
def test_no_smuggling_and_round_trip(raw: bytes, size: int) -> None:
    wire = encode(raw, size)
    payload = wire[:-3]
    for seq in SMUGGLING:  # the real end of data is the one ".\r\n" after the payload
        assert seq not in payload, seq
    assert b"\r\n.\r\n" not in b"\r\n" + payload  # the only end of data is the last one
    assert b"\r" not in payload.replace(b"\r\n", b"")
    assert b"\n" not in payload.replace(b"\r\n", b"")
    assert unstuff(wire) == normalised(raw)


def test_nul_refused(tmp_path) -> None:
    path = tmp_path / "x.eml"
    path.write_bytes(b"Subject: x\n\nab\x00c\n")
    with pytest.raises(InputError, match="NUL byte at offset 14"):
        MessageSource.from_file(path).scan()


def test_empty_file_refused(tmp_path) -> None:
    path = tmp_path / "e.eml"
    path.write_bytes(b"")
    with pytest.raises(InputError, match="empty"):
        MessageSource.from_file(path).scan()


def test_missing_file() -> None:
    with pytest.raises(InputError, match="does not exist"):
        MessageSource.from_file("/nonexistent/m.eml")


def test_facts(tmp_path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(b"Subject: caf\xc3\xa9\n\n.x\n" + b"y" * 1200 + b"\n")
    facts = MessageSource.from_file(path).scan()
    assert facts.eight_bit and facts.long_lines == 1 and facts.lines == 4
    assert facts.wire_size == len(encode(path.read_bytes())) - 3


def naive_facts(raw: bytes) -> tuple[int, int, int, int]:
    """Lines, lines over 998 octets, dots added, wire size: line by line, the slow way."""
    body = encode(raw, len(raw) or 1)[:-3]  # CRLF, dot-stuffed, without the final dot
    lines = body.split(b"\r\n")[:-1] if body else []
    stuffed = sum(line.startswith(b".") for line in lines)
    return len(lines), sum(len(line) > 998 for line in lines), stuffed, len(body)


_PIECES = st.sampled_from([b"a", b".", b"\n", b"\r", b"\r\n", b"\n.", b"x" * 997, b"y" * 998,
                           b"z" * 999, b"w" * 2500])


@given(st.lists(_PIECES, max_size=12).map(b"".join), st.integers(1, 3000))
def test_scan_line_statistics_whatever_the_chunks(raw: bytes, size: int) -> None:
    """The scan counts long lines a window of 999 octets at a time and dots with a regular
    expression (issue 17): the same figures as a reading line by line, across chunks."""
    from smtptui.smtp.data import scan

    facts = scan([raw[i : i + size] for i in range(0, len(raw), size)], "m", from_file=False)
    lines, long_lines, stuffed, wire = naive_facts(raw)
    assert (facts.lines, facts.long_lines, facts.stuffed, facts.wire_size) == (
        lines, long_lines, stuffed, wire)


@given(st.lists(st.sampled_from([b".", b"\n", b"\n.", b"a", b"ab.c"]), max_size=400)
       .map(b"".join))
def test_dot_stuffing_with_few_or_many_dots(text: bytes) -> None:
    """Dots are looked at one by one while they are few, then by a regular expression: the
    same text as bytes.replace's, whichever way (issue 17)."""
    from smtptui.smtp.data import _stuffed

    stuffed, added = _stuffed(text)
    assert stuffed == text.replace(b"\n.", b"\n..")
    assert added == text.count(b"\n.")

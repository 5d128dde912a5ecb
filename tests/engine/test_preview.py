"""The transcript's message preview: first lines as sent, long lines cut, any chunking."""

from __future__ import annotations

import tracemalloc

from hypothesis import given
from hypothesis import strategies as st

from smtptui.smtp.transcript import MessagePreview

CUT = 998


def fed(chunks: list[bytes], limit: int = 40) -> tuple[list[bytes], int]:
    """Every line the preview shows for ``chunks`` (the last one ends the data), and .shown."""
    preview = MessagePreview(limit)
    lines: list[bytes] = []
    for index, chunk in enumerate(chunks):
        lines += preview.take(chunk, last=index == len(chunks) - 1)
    return lines, preview.shown


def cut(line: bytes, head: int = CUT) -> bytes:
    rest = len(line) - head
    return line[:head] + f"… [{rest} more octet{'' if rest == 1 else 's'} on this line]".encode()


def test_lines_are_shown_without_their_crlf_and_never_the_final_dot() -> None:
    assert fed([b"Subject: x\r\n\r\nbody\r\n..stuffed\r\n.\r\n"]) == (
        [b"Subject: x", b"", b"body", b"..stuffed"], 4)


def test_a_dot_line_before_the_end_of_the_data_is_not_the_terminator() -> None:
    # Only the data's very last line can be the terminator (the wire never has a lone "."
    # elsewhere; if a chunk does, it is shown rather than hidden).
    assert fed([b"a\r\n.\r\n", b"b\r\n.\r\n"]) == ([b"a", b".", b"b"], 3)


def test_the_limit_counts_lines_shown() -> None:
    data = b"".join(b"line %d\r\n" % n for n in range(100)) + b".\r\n"
    lines, shown = fed([data], limit=40)
    assert lines == [b"line %d" % n for n in range(40)] and shown == 40
    lines, shown = fed([data[i:i + 7] for i in range(0, len(data), 7)], limit=40)
    assert lines == [b"line %d" % n for n in range(40)] and shown == 40


def test_a_message_of_exactly_the_limit_shows_every_line() -> None:
    assert fed([b"a\r\nb\r\n", b".\r\n"], limit=2) == ([b"a", b"b"], 2)
    assert fed([b"a\r\nb\r\n.\r\n"], limit=2) == ([b"a", b"b"], 2)


def test_a_70_kb_line_is_cut_and_the_lines_after_it_are_shown() -> None:
    long = b"x" * 70_000
    lines, shown = fed([long + b"\r\nafter one\r\nafter two\r\n.\r\n"])
    assert lines == [cut(long), b"after one", b"after two"] and shown == 3
    assert lines[0].endswith("… [69002 more octets on this line]".encode())


def test_a_1_mib_line_in_1_mib_chunks_is_cut_and_the_rest_shown() -> None:
    data = b"Subject: big\r\n\r\n" + b"y" * (1 << 20) + b"\r\nthe end\r\n.\r\n"
    chunks = [data[i:i + (1 << 20)] for i in range(0, len(data), 1 << 20)]
    assert len(chunks) == 2
    lines, shown = fed(chunks)
    assert lines == [b"Subject: big", b"", cut(b"y" * (1 << 20)), b"the end"] and shown == 4


def test_998_octets_are_shown_whole_and_999_are_cut() -> None:
    assert fed([b"a" * 998 + b"\r\n.\r\n"]) == ([b"a" * 998], 1)
    assert fed([b"a" * 999 + b"\r\n.\r\n"]) == (
        [b"a" * 998 + "… [1 more octet on this line]".encode()], 1)


def test_a_cut_never_splits_a_utf8_character() -> None:
    line = ("a" + "é" * 600).encode()  # octet 998 would fall inside an é
    (shown,), _ = fed([line + b"\r\n.\r\n"])
    head, _, tail = shown.partition("…".encode())
    assert head == line[:997] and head.decode() == "a" + "é" * 498
    assert tail == f" [{len(line) - 997} more octets on this line]".encode()
    line = "€".encode() * 400  # three octets each: 998 = 332 * 3 + 2
    (shown,), _ = fed([line + b"\r\n.\r\n"])
    assert shown == cut(line, 996)
    line = b"a" * 996 + "😀".encode() * 2  # four octets, from octet 997 on
    assert fed([line + b"\r\n.\r\n"]) == ([cut(line, 996)], 1)


def test_bytes_that_are_not_utf8_are_cut_where_they_fall() -> None:
    line = b"\xe9" * 1200  # Latin-1 octets: no sequence to keep whole
    assert fed([line + b"\r\n.\r\n"]) == ([cut(line)], 1)


def test_a_crlf_split_between_chunks_ends_the_line() -> None:
    assert fed([b"one\r", b"\ntwo\r", b"\n.\r", b"\n"]) == ([b"one", b"two"], 2)
    assert fed([b"x" * 2000 + b"\r", b"\nnext\r\n.\r\n"]) == ([cut(b"x" * 2000), b"next"], 2)


def test_a_cr_not_followed_by_lf_stays_part_of_the_line() -> None:
    assert fed([b"a\r", b"b\r\n.\r\n"]) == ([b"a\rb"], 1)
    assert fed([b"a\rb\r\n", b"c\r", b"\r\n.\r\n"]) == ([b"a\rb", b"c\r"], 2)


def test_data_without_a_final_crlf_shows_its_last_line() -> None:
    assert fed([b"a\r\nb"]) == ([b"a", b"b"], 2)
    assert fed([b"a\r\nb\r"]) == ([b"a", b"b\r"], 2)


def test_nothing_more_is_returned_once_the_limit_is_reached() -> None:
    preview = MessagePreview(2)
    assert preview.take(b"a\r\nb\r\nc\r\n", last=False) == [b"a", b"b"]
    assert preview.take(b"d\r\n.\r\n", last=True) == []
    assert preview.shown == 2


def test_memory_stays_bounded_whatever_the_line_length() -> None:
    """32 MiB of one line, fed 1 MiB at a time: the preview keeps only the line's head."""
    chunk = b"z" * (1 << 20)
    preview = MessagePreview(40)
    tracemalloc.start()
    try:
        for _ in range(32):
            assert preview.take(chunk, last=False) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 64 * 1024, peak
    assert preview.take(b"\r\nend\r\n.\r\n", last=True) == [cut(b"z" * (32 << 20)), b"end"]


# -- any chunking gives the same lines ----------------------------------------------------------

ascii_lines = st.lists(st.one_of(st.binary(max_size=30).map(lambda b: b.replace(b"\n", b"")),
                                 st.integers(990, 3000).map(lambda n: b"q" * n)),
                       max_size=30)


def expected(lines: list[bytes], limit: int) -> list[bytes]:
    """What a preview must show: each line whole up to 998 octets, else cut; then the limit."""
    shown = [line if len(line) <= CUT else cut(line) for line in lines]
    return shown[:limit]


@given(lines=ascii_lines, cuts=st.lists(st.integers(0, 100_000), max_size=8),
       limit=st.integers(1, 40))
def test_any_chunking_gives_the_same_preview(lines: list[bytes], cuts: list[int],
                                             limit: int) -> None:
    # Lines are CR-free except where a CR ends a line; a lone "." would be dot-stuffed.
    lines = [b".." if line == b"." else line.replace(b"\r", b"") for line in lines]
    data = b"".join(line + b"\r\n" for line in lines) + b".\r\n"
    points = sorted({min(c, len(data)) for c in cuts} | {0, len(data)})
    chunks = [data[a:b] for a, b in zip(points, points[1:], strict=False) if b > a]
    got, shown = fed(chunks, limit)
    assert got == expected(lines, limit)
    assert shown == len(got)


def test_every_two_way_split_of_a_small_message() -> None:
    data = b"a\r\n" + b"w" * 1001 + b"\r\n\r\n..\r\nend\r\n.\r\n"
    want = [b"a", cut(b"w" * 1001), b"", b"..", b"end"]
    for at in range(1, len(data)):
        assert fed([data[:at], data[at:]]) == (want, 5), at

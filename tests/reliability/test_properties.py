"""Property tests (hypothesis): the reply parser on near-valid input, and DATA end to end.

tests/engine/test_replies.py feeds the parser arbitrary bytes and tests/engine/test_message.py
checks the encoder alone; here the replies are built to be valid, or valid with one flaw, and
the message goes through the real Runner to aiosmtpd and to a scripted server that keeps the
exact bytes of the wire.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtptui.launch.message import MessageSource
from smtptui.net.runner import Runner
from smtptui.smtp.data import CHUNK
from smtptui.smtp.errors import RemoteProtocolError
from smtptui.smtp.replies import MAX_LINE, MAX_REPLY_LINES, ReplyParser
from tests.fixtures.scripted import ScriptedServer, standard
from tests.fixtures.smtpd import AioSmtpd
from tests.reliability.helpers import plan_for

FAST = settings(max_examples=200, deadline=None)
WIRE = settings(max_examples=50, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

# -- the reply parser ----------------------------------------------------------------------------

#: Reply text: printable ASCII and some UTF-8, never a control or format character (those are
#: shown escaped, by the one text-safety rule).
TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x2FF,
                             exclude_categories=("Cc", "Cf")), max_size=60)


@st.composite
def replies(draw: st.DrawFn) -> tuple[int, list[str]]:
    """One valid reply: a code and its text lines (an empty last text may be a bare code)."""
    code = draw(st.integers(200, 599))
    lines = draw(st.lists(TEXT, min_size=1, max_size=6))
    return code, lines


def serialise(code: int, lines: list[str], bare: bool, eol: bytes) -> bytes:
    out = []
    for i, text in enumerate(lines):
        last = i == len(lines) - 1
        if last and bare and text == "":
            out.append(f"{code}".encode() + eol)
        else:
            out.append(f"{code}{' ' if last else '-'}{text}".encode() + eol)
    return b"".join(out)


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[tuple[int, list[str]]], set[int]]:
    """Several valid replies as the wire carries them (CRLF or bare LF line ends), and the
    offsets where one reply ends and the next begins."""
    items = draw(st.lists(replies(), min_size=1, max_size=5))
    pieces = [serialise(code, lines, draw(st.booleans()),
                        draw(st.sampled_from([b"\r\n", b"\n"])))
              for code, lines in items]
    ends = set(itertools.accumulate(len(piece) for piece in pieces))
    return b"".join(pieces), items, ends | {0}


def fed(data: bytes, cuts: list[int]) -> Iterator[bytes]:
    """`data` in pieces of the given sizes (then the rest)."""
    pos = 0
    for cut in cuts:
        yield data[pos : pos + cut]
        pos += cut
    yield data[pos:]


@FAST
@given(streams(), st.lists(st.integers(1, 40), max_size=30))
def test_valid_replies_in_any_split_parse_exactly(stream, cuts: list[int]) -> None:
    data, items, _ = stream
    parser = ReplyParser()
    got = []
    for piece in fed(data, cuts):
        parser.feed(piece)
        got.extend(parser.replies())
    assert [(r.code, list(r.lines)) for r in got] == items
    assert not parser.partial


@FAST
@given(streams(), st.integers(1, 10_000))
def test_a_truncated_stream_leaves_a_partial_reply_never_a_wrong_one(stream, at: int) -> None:
    data, items, ends = stream
    cut = at % len(data)
    parser = ReplyParser()
    parser.feed(data[:cut])
    got = [(r.code, list(r.lines)) for r in parser.replies()]
    assert got == items[: len(got)]
    assert parser.partial == (cut not in ends)


#: Ways to spoil the text of one valid line (its line end is kept).
FLAWS = {
    "code-changes": lambda line: line[:2] + (b"9" if line[2:3] != b"9" else b"8") + line[3:],
    "letter-in-code": lambda line: line[:1] + b"O" + line[2:],
    "short-code": lambda line: line[:2] + b" " + line[3:],
    "bad-separator": lambda line: line[:3] + b"_" + line[4:],
    "code-out-of-range": lambda line: b"199" + line[3:],
    "over-long": lambda line: line[:4] + b"x" * (MAX_LINE + 10) + line[4:],
    "bare-cr": lambda line: line[:4] + b"\r" + line[4:],
    "nul-and-escape": lambda line: line[:4] + b"\x00\x1b[2J\x9b" + line[4:],
    "not-utf8": lambda line: line[:4] + b"\xff\xfe\xc3" + line[4:],
    "leading-space": lambda line: b" " + line,
    "empty-line-before": lambda line: b"\r\n" + line,
    "cut-short": lambda line: line[: len(line) // 2],
}
#: The flaws no reading can excuse: the parser must say so.
FATAL = {"letter-in-code", "short-code", "bad-separator", "code-out-of-range", "over-long",
         "leading-space", "empty-line-before"}


def parse_all(data: bytes) -> list:
    parser = ReplyParser()
    parser.feed(data)
    return parser.replies()


@FAST
@given(streams(), st.sampled_from(sorted(FLAWS)), st.integers(0, 1000),
       st.lists(st.integers(1, 40), max_size=30))
def test_near_valid_replies_give_replies_or_one_protocol_error(stream, flaw: str, which: int,
                                                               cuts: list[int]) -> None:
    data, items, _ = stream
    lines = data.splitlines(keepends=True)
    index = which % len(lines)
    body = lines[index].rstrip(b"\r\n")
    lines[index] = FLAWS[flaw](body) + lines[index][len(body):]
    spoiled = b"".join(lines)
    parser = ReplyParser()
    got = []
    error = None
    try:
        for piece in fed(spoiled, cuts):
            parser.feed(piece)
            got.extend(parser.replies())
    except RemoteProtocolError as exc:  # the one error a session reports, then it stops
        error = exc
    got.extend(parser.replies())  # those completed in the piece that held the flaw
    for reply in got:
        assert 200 <= reply.code <= 599
        assert len(reply.lines) <= MAX_REPLY_LINES
        assert all(len(raw) <= MAX_LINE for raw in reply.raw)
        for raw in reply.raw:  # server text is data: no control character survives parsing
            assert not any(ch in raw for ch in "\x00\x1b\x9b\r\n"), raw
    # The replies complete before the spoiled line are exactly the valid ones.
    intact = len(parse_all(b"".join(data.splitlines(keepends=True)[:index])))
    assert [(r.code, list(r.lines)) for r in got[:intact]] == items[:intact]
    if flaw in FATAL:
        assert error is not None, (flaw, spoiled)


# -- DATA, end to end ----------------------------------------------------------------------------

#: Message content built from the pieces that matter to line ends and dot-stuffing.
PIECES = [b"\r", b"\n", b"\r\n", b".", b"..", b"a", b"Subject: x", b" ", b"\t", b"\xc3\xa9",
          b"\xff", b"\r\r\n", b"\n.\n", b"\r.\r", b"\r\n.\r\n", b".\r\n"]
CONTENT = st.one_of(
    st.lists(st.sampled_from(PIECES), max_size=80).map(b"".join),
    st.binary(max_size=400).map(lambda b: b.replace(b"\x00", b"")),
)


def normalised(raw: bytes) -> bytes:
    """The content with every line end made CRLF, and a last line end added if missing."""
    text = raw.replace(b"\r\n", b"\n").replace(b"\r", b"\n").replace(b"\n", b"\r\n")
    return text if text.endswith(b"\r\n") or not text else text + b"\r\n"


class Chunked(MessageSource):
    """A message read from "disk" in small pieces, so that CR and LF fall on chunk edges."""

    def __init__(self, data: bytes, size: int) -> None:
        super().__init__(data=data)
        self.size = size

    def chunks(self, size: int = CHUNK) -> Iterator[bytes]:
        return super().chunks(self.size)


def deliver(server: object, content: bytes, size: int) -> None:
    """One whole session through the real Runner, in this process; it must succeed."""
    plan = plan_for(server, tls="off")
    plan.message = Chunked(content, size)
    result = asyncio.run(Runner(plan, lambda item: None).run())
    assert (result.exit_code, result.outcome) == (0, "delivered"), result.error


@pytest.fixture(scope="module")
def aiosmtpd_server() -> Iterator[AioSmtpd]:
    with AioSmtpd() as server:
        yield server


@pytest.fixture(scope="module")
def wire_server() -> Iterator[ScriptedServer]:
    with ScriptedServer(standard) as server:
        yield server


@WIRE
@given(CONTENT, st.integers(1, 16))
def test_aiosmtpd_receives_exactly_the_crlf_normalised_content(aiosmtpd_server, content: bytes,
                                                              size: int) -> None:
    before = len(aiosmtpd_server.messages)
    deliver(aiosmtpd_server, content, size)
    message = aiosmtpd_server.wait_for_messages(before + 1)[before]
    assert message.data == normalised(content)


#: Every way a receiver might read an end of data: a line break of any kind, a dot (maybe
#: behind a NUL), a line break of any kind (SMTP smuggling, CVE-2023-51764/5/6 and kin).
BREAKS = [b"\r\n", b"\n", b"\r"]
ENDS = [b"\r\n", b"\n", b"\r", b"\r\r\n"]
SMUGGLING = sorted({before + dot + after for before, dot, after
                    in itertools.product(BREAKS, [b".", b"\x00.", b".\x00"], ENDS)})


def test_the_smuggling_family_includes_the_issues_examples() -> None:
    for seq in (b"\n.\n", b"\n.\r\n", b"\r.\r\n", b"\r\n\x00.\r\n", b"\r\n.\r\r\n"):
        assert seq in SMUGGLING


@WIRE
@given(CONTENT, st.integers(1, 16))
def test_no_end_of_data_lookalike_ever_reaches_the_wire(wire_server, content: bytes,
                                                       size: int) -> None:
    count = len(wire_server.connections)
    deliver(wire_server, content, size)
    peer = wire_server.connections[count]
    wire = bytes(peer.received)
    head, sep, after_data = wire.partition(b"DATA\r\n")
    assert sep, wire
    (envelope,) = peer.envelopes
    data = envelope.data
    assert data is not None
    # The first end of data the server found is the one the client meant: QUIT comes next.
    assert after_data == data + b"QUIT\r\n"
    payload = b"\r\n" + data[:-3]  # the CRLF that ended DATA, the lines, not the final ".\r\n"
    for seq in SMUGGLING:
        assert seq not in payload, (seq, content)
    bare = payload.replace(b"\r\n", b"")
    assert b"\r" not in bare and b"\n" not in bare and b"\x00" not in payload
    unstuffed = b"\r\n".join(line[1:] if line.startswith(b".") else line
                             for line in data[:-3].split(b"\r\n"))
    assert unstuffed == normalised(content)

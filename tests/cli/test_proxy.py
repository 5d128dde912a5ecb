"""The PROXY protocol header (haproxy's proxy-protocol.txt), versions 1 and 2: the server
reads the connection's first octets and checks them byte for byte, then the session goes on
as usual. Bad options are one line, exit 1, before connecting; a header that cannot be sent
is exit 36 (swaks')."""

from __future__ import annotations

import pytest

from smtptui.net.transport import Endpoint
from smtptui.smtp.plan import ProxyHeader, SessionPlan
from tests.cli.helpers import run_in_process, server_args, smtptui
from tests.fixtures.scripted import Peer, standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
V4 = ["--proxy-source", "192.0.2.10", "--proxy-source-port", "40000", "--proxy-dest",
      "198.51.100.25", "--proxy-dest-port", "25"]
V6 = ["--proxy-source", "2001:db8::a", "--proxy-source-port", "40000", "--proxy-dest",
      "2001:0db8:0:0::19", "--proxy-dest-port", "25"]
SIGNATURE = b"\x0d\x0a\x0d\x0a\x00\x0d\x0a\x51\x55\x49\x54\x0a"


def header_then_session(size: int | None = None, tls=None):  # type: ignore[no-untyped-def]
    """Read the header (a line for version 1, ``size`` octets for version 2) before sending
    anything, keep it as ``peer.header``, then play a whole normal session."""
    async def handler(peer: Peer) -> None:
        header = await peer.readline(timeout=5) if size is None else \
            await peer.read_bytes(size, timeout=5)
        peer.header = header  # type: ignore[attr-defined]
        if tls is not None:  # implicit TLS: the hand-shake comes after the header
            assert await peer.starttls(tls)
        await standard(peer)
    return handler


@pytest.mark.parametrize("blocking", [pytest.param(True, id="blocking"),
                                      pytest.param(False, id="asyncio")])
@pytest.mark.parametrize("flags, expected", [
    (V4, b"PROXY TCP4 192.0.2.10 198.51.100.25 40000 25\r\n"),
    (["--proxy-version", "1", *V6, "--proxy-family", "tcp6"],
     b"PROXY TCP6 2001:db8::a 2001:db8::19 40000 25\r\n"),
    (["--proxy-version", "2", *V4],
     SIGNATURE + b"\x21\x11\x00\x0c" + bytes([192, 0, 2, 10, 198, 51, 100, 25])
     + b"\x9c\x40\x00\x19"),
    (["--proxy-version", "2", *V6, "--proxy-family", "AF_INET6"],
     SIGNATURE + b"\x21\x21\x00\x24"
     + bytes.fromhex("20010db800000000000000000000000a")
     + bytes.fromhex("20010db8000000000000000000000019") + b"\x9c\x40\x00\x19"),
])
def test_the_header_is_the_first_octets(scripted, flags: list[str], expected: bytes,
                                        blocking: bool) -> None:
    server = scripted(header_then_session(None if expected.startswith(b"PROXY") else
                                          len(expected)))
    result, events = run_in_process(*server_args(server), *ENVELOPE, *flags, blocking=blocking)
    assert result.exit_code == 0, result.error
    peer = server.connections[0]
    assert peer.header == expected
    assert bytes(peer.received).startswith(expected + b"EHLO client.example\r\n")
    assert len(peer.envelopes) == 1  # and the session went on as usual
    sent = [e for e in events if e.kind == "send"]
    assert sent[0].stage == "proxy" and sent[1].text == "EHLO client.example"
    if expected.startswith(b"PROXY"):
        assert sent[0].text == expected.decode().rstrip("\r\n")
    else:
        assert sent[0].text.startswith(f"[PROXY v2 header, {len(expected)} octets, TCP")
        assert sent[0].text.endswith(expected.hex(" "))


def test_the_header_comes_before_implicit_tls(scripted, certs) -> None:
    expected = b"PROXY TCP4 192.0.2.10 198.51.100.25 40000 25\r\n"
    server = scripted(header_then_session(tls=certs.good_context()))
    run = smtptui("run", "--server", f"127.0.0.1:{server.port}", "--tls", "implicit",
                  "--ca", str(certs.ca_file), "--helo", "client.example", *ENVELOPE, *V4,
                  "--json")
    assert run.code == 0, run.out + run.err
    peer = server.connections[0]
    assert peer.header == expected and peer.tls
    assert run.result["tls"]["verified"] is True


@pytest.mark.parametrize("flags, expected", [
    (["--proxy", "UNKNOWN"], b"PROXY UNKNOWN\r\n"),
    (["--proxy", "TCP4 not an address"], b"PROXY TCP4 not an address\r\n"),
    (["--proxy-version", "2", "--proxy", "!\x11xyz"], SIGNATURE + b"!\x11xyz"),
])
def test_a_raw_header_is_sent_as_given(scripted, flags: list[str], expected: bytes) -> None:
    async def handler(peer: Peer) -> None:
        peer.header = await peer.read_bytes(len(expected), timeout=5)  # type: ignore[attr-defined]
        await standard(peer)

    server = scripted(handler)
    run = smtptui("run", *server_args(server), *ENVELOPE, *flags)
    assert run.code == 0, run.out + run.err
    assert server.connections[0].header == expected


def test_quit_after_proxy_sends_the_header_and_nothing_else(scripted) -> None:
    async def handler(peer: Peer) -> None:
        await peer.reply("220 proxied.example")
        await peer.wait_closed()

    server = scripted(handler)
    run = smtptui("run", *server_args(server), *ENVELOPE, *V4, "--quit-after", "proxy",
                  "--json")
    assert run.code == 0 and run.result["outcome"] == "stopped", run.out
    assert bytes(server.connections[0].received) == \
        b"PROXY TCP4 192.0.2.10 198.51.100.25 40000 25\r\n"


@pytest.mark.parametrize("flags, words", [
    (["--proxy-source", "192.0.2.10", "--proxy-source-port", "1", "--proxy-dest",
      "2001:db8::1", "--proxy-dest-port", "25"],
     "--proxy-source 192.0.2.10 is IPv4 and --proxy-dest 2001:db8::1 is IPv6: one PROXY "
     "header carries one family"),
    (V4[:6], "missing --proxy-dest-port"),
    ([*V4, "--proxy", "TCP4 1.2.3.4"], "--proxy and --proxy-source: the raw header or its "
                                       "parts, not both"),
    (["--proxy-version", "3", *V4], "--proxy-version: '3': 1 or 2"),
    (["--proxy-version", "2"], "--proxy-version needs the header"),
    ([*V4[:3], "70000", *V4[4:]], "--proxy-source-port 70000: from 0 to 65535"),
    ([*V4, "--proxy-family", "TCP6"], "--proxy-family 'TCP6': the addresses are IPv4, so "
                                      "TCP4 or AF_INET"),
    (["--proxy-source", "host.example", *V4[2:]], "--proxy-source 'host.example': an IPv4 "
                                                  "or IPv6 address"),
    (["--proxy", "TCP4\r\nMAIL FROM:<x@example.com>"], "contains a control character"),
    (["--proxy", ""], "--proxy: empty"),
])
def test_bad_proxy_options_are_one_line_before_connecting(scripted, flags: list[str],
                                                          words: str) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, *flags)
    assert run.code == 1, run.out + run.err
    assert words in run.err and run.err.count("\n") == 1, run.err
    assert server.connections == []


class _Refusing:
    """A connection whose every write fails (the server reset it at once)."""

    first_bytes = b""
    endpoint = Endpoint("127.0.0.1", 25, "127.0.0.1", 40000)
    ssl_object = None
    has_unread = False
    closed_why = ""

    @classmethod
    async def open(cls, host, port, timeout, dial=None):  # type: ignore[no-untyped-def]
        return cls()

    async def write(self, data: bytes, timeout: float, *more: bytes) -> None:
        from smtptui.net.transport import ConnectionClosed

        raise ConnectionClosed("Connection reset by peer")

    def abort(self) -> None:
        pass

    @staticmethod
    async def offload(function, *args):  # type: ignore[no-untyped-def]
        return function(*args)


def test_a_header_that_cannot_be_sent_is_exit_36() -> None:
    from smtptui.net.blocking_transport import drive
    from smtptui.net.runner import Runner

    plan = SessionPlan(host="127.0.0.1", sender="a@example.com", recipients=["b@example.net"],
                       helo="client.example", tls="off",
                       proxy=ProxyHeader(1, "192.0.2.10", 40000, "198.51.100.25", 25))
    plan.validate()
    result = drive(Runner(plan, lambda item: None, driver=_Refusing).run())  # type: ignore[arg-type]
    assert (result.exit_code, result.stage) == (36, "proxy")
    assert result.error == ("the PROXY header could not be sent: Connection reset by peer")

"""Hostile servers against both transports: a reply flood during DATA, STARTTLS injection.

The blocking transport (`smtptui run`, smart host) and the asyncio one (the app, direct mode)
go through the same client, so each attack is made against both: the flood through the
command line (peak memory measured from outside), the injection through in-process runs,
hundreds of them, over payloads from a few octets to half a megabyte.
"""

from __future__ import annotations

import asyncio
import socket
import time
from pathlib import Path

import pytest

from smtptui.net.asyncio_transport import Connection
from smtptui.net.blocking_transport import BlockingConnection, drive
from smtptui.net.runner import Runner
from smtptui.smtp.transcript import Event
from tests.fixtures.scripted import Peer
from tests.reliability.helpers import MEMORY_CAP, STAGE_TIMEOUT, measured, plan_for

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.test", "--helo", "client.example"]


async def floods_during_data(peer: Peer) -> None:
    """Takes the envelope, answers DATA, then never reads again and floods replies."""
    await peer.reply("220 flood.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250 flood.example")
    await peer.expect("MAIL")
    await peer.reply("250 ok")
    await peer.expect("RCPT")
    await peer.reply("250 ok")
    await peer.expect("DATA")
    await peer.reply("354 go ahead")
    try:
        for _ in range(100_000):
            await peer.send("250 x\r\n" * 200)
    except ConnectionError:
        pass


def big_message(tmp_path: Path) -> Path:
    eml = tmp_path / "big.eml"
    line = b"x" * 76 + b"\n"
    eml.write_bytes(b"Subject: big\n\n" + line * (3 * 1024 * 1024 // len(line)))
    return eml


@pytest.mark.parametrize("transport", ["blocking", "asyncio"])
def test_a_reply_flood_during_the_message_ends_soon_in_bounded_memory(
        scripted, dns_server, tmp_path: Path, transport: str) -> None:
    server = scripted(floods_during_data)
    if transport == "blocking":
        where = ["--server", f"{server.host}:{server.port}"]
    else:  # direct mode: the MX walk runs on asyncio
        dns = dns_server({"example.test": {"MX": [(10, "mx.example.test.")]},
                          "mx.example.test": {"A": [server.host]}})
        where = ["--direct", "--dns", dns.address, "--port", str(server.port)]
    started = time.monotonic()
    got = measured("run", *where, "--tls", "off", *ENVELOPE, "--eml",
                   str(big_message(tmp_path)), "--timeout", STAGE_TIMEOUT, "--json")
    assert time.monotonic() - started < 20  # bounded by the stage time-out, not by the flood
    assert got.peak_rss < MEMORY_CAP, got.peak_rss
    result = got.run.result
    assert (result["outcome"], result["stage"]) == ("failed", "dot"), got.run.out[-2000:]
    recv = [e for e in got.run.events() if e["kind"] == "recv" and e["stage"] == "dot"]
    assert len(recv) <= 2


MARK = "INJECTED"


def injecting(certs, size: int):  # type: ignore[no-untyped-def]
    """STARTTLS answered with 220 and, in the same write, ``size`` octets of fake replies
    (whole ones, each a plausible answer to the EHLO that follows the hand-shake)."""
    line = f"250 {MARK}\r\n"
    payload = line * (size // len(line))

    async def handler(peer: Peer) -> None:
        await peer.reply("220 inject.example ESMTP")
        await peer.expect("EHLO")
        await peer.send("250-inject.example\r\n250 STARTTLS\r\n")  # one write: no Nagle wait
        await peer.expect("STARTTLS")
        await peer.send("220 2.0.0 go ahead\r\n" + payload + f"250 AUTH {MARK}\r\n")
        if not await peer.starttls(certs.good_context()):
            return
        line = await peer.readline()
        if line is None:
            return
        await peer.send("250-inside.example\r\n250 8BITMIME\r\n")
        await peer.readline()
        await peer.reply("221 bye")
    return handler


def run_once(server, certs, transport: str) -> tuple[list[Event], object]:  # type: ignore[no-untyped-def]
    events: list[Event] = []
    plan = plan_for(server, tls="starttls", ca_file=str(certs.ca_file), quit_after="tls")
    keep = lambda item: events.append(item) if isinstance(item, Event) else None  # noqa: E731
    if transport == "blocking":
        result = drive(Runner(plan, keep, driver=BlockingConnection).run())
    else:
        result = asyncio.run(Runner(plan, keep, driver=Connection).run())
    return events, result


@pytest.mark.parametrize("transport", ["blocking", "asyncio"])
def test_injected_plaintext_is_never_taken_as_tls_protected(scripted, certs,
                                                            transport: str) -> None:
    sizes = [0, 14, 140, 1400, 4096, 16_384, 65_536, 200_000, 500_000]
    runs = 0
    for size in sizes:
        server = scripted(injecting(certs, size))
        for _ in range(15 if size < 100_000 else 3):
            events, result = run_once(server, certs, transport)
            runs += 1
            inside = [e.text for e in events if e.kind == "recv" and e.tls]
            assert not any(MARK in text for text in inside), (size, inside[:5])
            assert "AUTH" not in result.capabilities  # type: ignore[attr-defined]
            assert MARK not in str(result.capabilities)  # type: ignore[attr-defined]
            if result.outcome != "failed":  # type: ignore[attr-defined]
                errors = [e.text for e in events if e.kind == "error"]
                assert any("possible STARTTLS injection" in text for text in errors)
    assert runs >= 100  # and as many with the other transport


class Unresolvable:
    """A transport whose look-up of the server's name fails, as getaddrinfo fails for a name
    with no address (no resolver is asked: tests never reach the machine's)."""

    @staticmethod
    async def open(host: str, port: int, timeout: float, dial: object = None) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    @staticmethod
    async def offload(function, *args):  # type: ignore[no-untyped-def]
        return function(*args)


def test_a_smart_host_that_does_not_resolve_is_said_so(scripted) -> None:
    server = scripted(floods_during_data)  # never reached
    plan = plan_for(server)
    plan.host = "smtp.example.invalid"
    events: list[Event] = []
    result = drive(Runner(plan, lambda item: events.append(item) if isinstance(item, Event)
                          else None, driver=Unresolvable).run())  # type: ignore[arg-type]
    assert (result.exit_code, result.stage) == (2, "connect")
    assert "does not resolve" in result.error
    assert result.diagnosis["code"] == "host-not-found"
    assert "traceroute" not in result.diagnosis["next_step"]  # not a routing problem
    assert server.connections == []


async def never_speaks_tls(peer: Peer) -> None:
    await peer.sleep(5)  # takes the connection, answers nothing (no TLS, no banner)


def test_an_implicit_tls_hand_shake_that_times_out_is_said_so(scripted) -> None:
    server = scripted(never_speaks_tls)
    plan = plan_for(server, tls="implicit")
    plan.timeouts = type(plan.timeouts).all(1.0)
    result = drive(Runner(plan, lambda item: None, driver=BlockingConnection).run())
    assert (result.exit_code, result.stage) == (29, "tls")
    assert "implicit TLS" in result.error and "hand-shake" in result.error
    assert result.diagnosis["code"] == "tls-handshake"

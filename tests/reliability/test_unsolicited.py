"""Between commands: replies nobody asked for (shown, set aside, never taken for an answer),
and a server that leaves while a stepping user thinks."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tests.cli.helpers import server_args
from tests.fixtures.scripted import Peer
from tests.reliability.helpers import (
    MEMORY_CAP,
    STAGE_TIMEOUT,
    Stepper,
    assert_clean_failure,
    measured,
    plan_for,
)

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]


def surprising(where: str, extra: str = "250 surprise\r\n"):
    """A server that adds `extra` to its reply at `where` (one write), then refuses MAIL or DATA.

    The refusal is what shows that replies stayed matched: a client one reply behind would
    take "250 surprise" for the answer and go on.
    """

    async def handler(peer: Peer) -> None:
        tail = extra if where == "banner" else ""
        await peer.send("220 test.example ESMTP\r\n" + tail)
        await peer.expect("EHLO")
        tail = extra if where == "ehlo" else ""
        await peer.send("250-test.example\r\n250 8BITMIME\r\n" + tail)
        await peer.expect("MAIL")
        if where != "rcpt":
            await peer.reply("550 5.7.1 sender refused")
        else:
            await peer.reply("250 ok")
            await peer.expect("RCPT")
            await peer.send("250 2.1.5 ok\r\n" + extra)
            await peer.expect("DATA")
            await peer.reply("554 5.5.1 no thanks")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    return handler


@pytest.mark.parametrize("where, stage, code", [
    ("banner", "mail", 23), ("ehlo", "mail", 23), ("rcpt", "data", 25),
])
@pytest.mark.parametrize("extra", ["250 surprise\r\n", "250-two line\r\n250 surprise\r\n"])
def test_unsolicited_reply_does_not_shift_the_replies(scripted, where: str, stage: str,
                                                      code: int, extra: str) -> None:
    got = measured("run", *server_args(scripted(surprising(where, extra))), *ENVELOPE,
                   "--timeout", STAGE_TIMEOUT, "--json")
    assert got.peak_rss < MEMORY_CAP
    result = assert_clean_failure(got.run, code, stage)
    assert "550" in result["error"] or "554" in result["error"]
    infos = [e["text"] for e in got.run.events() if e["kind"] == "info"]
    assert any("unsolicited" in text for text in infos)
    assert any(e["text"] == "250 surprise" for e in got.run.events() if e["kind"] == "recv")


async def unsolicited_421(peer: Peer) -> None:
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    await peer.send("250 test.example\r\n421 4.4.2 idle for too long, closing\r\n")
    await peer.wait_closed()


def test_unsolicited_421_ends_the_session_before_the_next_command(scripted) -> None:
    server = scripted(unsolicited_421)
    got = measured("run", *server_args(server), *ENVELOPE, "--timeout", STAGE_TIMEOUT, "--json")
    result = assert_clean_failure(got.run, 23, "mail")
    assert "421" in result["error"]
    assert server.connections[0].received == b"EHLO client.example\r\n"


def late_surprise(sent: threading.Event, manual: bool):
    async def handler(peer: Peer) -> None:
        await peer.reply("220 test.example ESMTP")
        await peer.expect("EHLO")
        await peer.reply("250-test.example")
        await peer.reply("250 8BITMIME")
        await peer.sleep(0.3)  # the client has read the EHLO reply and shows MAIL, unsent
        await peer.reply("250 surprise")
        sent.set()
        if manual:
            await peer.expect("NOOP")
            await peer.reply("250 2.0.0 noop ok")
        await peer.expect("MAIL")
        await peer.reply("550 5.7.1 sender refused")
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


@pytest.mark.parametrize("manual", [False, True], ids=["step", "typed-command"])
def test_unsolicited_reply_while_a_stepping_user_thinks(scripted, manual: bool) -> None:
    sent = threading.Event()
    server = scripted(late_surprise(sent, manual))

    async def user() -> None:
        stepper = Stepper(plan_for(server))
        stepper.start()
        assert (await stepper.next_pending()).stage == "ehlo"
        stepper.runner.control("step")
        assert (await stepper.next_pending()).stage == "mail"
        assert await asyncio.to_thread(sent.wait, 10)
        await asyncio.sleep(0.2)  # let the surprise reach the client's socket
        if manual:
            stepper.runner.control("manual", "NOOP")
            assert (await stepper.next_pending()).stage == "mail"
            replies = [e.text for e in stepper.events if e.kind == "recv" and e.stage == "manual"]
            assert replies == ["250 2.0.0 noop ok"]
        stepper.runner.control("run")
        result = await stepper.finish()
        assert (result.exit_code, result.stage) == (23, "mail"), stepper.events
        assert "550" in result.error
        assert "250 surprise" in stepper.texts("recv")
        assert any("unsolicited" in text for text in stepper.texts("info"))

    asyncio.run(user())


def leaves_after_ehlo(gone: threading.Event):
    async def handler(peer: Peer) -> None:
        await peer.reply("220 test.example ESMTP")
        await peer.expect("EHLO")
        await peer.reply("250 test.example")
        await peer.close()
        gone.set()
    return handler


def test_a_typed_command_after_the_server_left_ends_the_session_cleanly(scripted) -> None:
    gone = threading.Event()
    server = scripted(leaves_after_ehlo(gone))

    async def user() -> None:
        stepper = Stepper(plan_for(server))
        stepper.start()
        assert (await stepper.next_pending()).stage == "ehlo"
        stepper.runner.control("step")
        assert (await stepper.next_pending()).stage == "mail"
        assert await asyncio.to_thread(gone.wait, 10)
        await asyncio.sleep(0.2)  # let the close reach the client
        stepper.runner.control("manual", "NOOP")
        result = await stepper.finish()  # ends by itself: no further step is needed
        assert (result.exit_code, result.outcome) == (6, "failed"), stepper.events
        assert result.stage == "mail" and "connection" in result.error

    asyncio.run(user())


def flooding(after: str):
    """A server that, after its greeting (or its EHLO reply), never stops sending replies."""
    async def handler(peer: Peer) -> None:
        await peer.reply("220 test.example ESMTP")
        if after == "ehlo":
            await peer.expect("EHLO")
            await peer.reply("250 test.example")
        try:
            for _ in range(200_000):
                await peer.send("250 more\r\n" * 50)
        except ConnectionError:
            pass  # the client gave up, as it should
    return handler


@pytest.mark.parametrize("after, flags, stopped", [
    ("banner", ["--quit-after", "banner"], True),  # stopped as asked: the flood comes after
    ("ehlo", [], False),
])
def test_a_server_that_never_stops_replying_is_given_up_on(scripted, after: str,
                                                           flags: list[str],
                                                           stopped: bool) -> None:
    got = measured("run", *server_args(scripted(flooding(after))), *ENVELOPE, "--timeout",
                   STAGE_TIMEOUT, "--json", *flags)
    assert got.peak_rss < MEMORY_CAP, got.peak_rss
    run = got.run
    said = [e.get("text", "") for e in run.events()]
    shown = [text for text in said if text.startswith("unsolicited reply")]
    assert len(shown) <= 10  # the transcript is bounded too
    if stopped:  # a bad QUIT after --quit-after's stop undoes nothing: still exit 0 (the
        # flood may come before QUIT is sent, and be given up on, or answer it: both end)
        assert (run.code, run.result["outcome"]) == (0, "stopped"), run.out[-1500:]
    else:  # a "250 more" may pass for MAIL's answer
        assert run.code != 0 and run.result["stage"] in ("mail", "rcpt"), run.out[-1500:]
        assert "keeps sending replies nobody asked for" in run.result["error"]
        assert len(shown) == 10

"""Abandoning a session (the app's x, a cancelled task): exit 130, and the truth about the dot."""

from __future__ import annotations

import asyncio

import pytest

from smtptui.net.result import Result
from smtptui.net.runner import Runner
from smtptui.smtp.transcript import Event
from tests.fixtures.scripted import Peer
from tests.reliability.helpers import plan_for


async def silent_after_dot(peer: Peer) -> None:
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250 test.example")
    for verb in ("MAIL", "RCPT"):
        await peer.expect(verb)
        await peer.reply("250 ok")
    await peer.expect("DATA")
    await peer.reply("354 go")
    await peer.read_data()
    await peer.sleep(30)  # the reply to the final dot never comes


async def silent_banner(peer: Peer) -> None:
    await peer.sleep(30)


async def abandon_when(server, seen: str) -> tuple[list[Event], Result]:
    """Run a session, cancel it once a line containing `seen` was shown."""
    events: list[Event] = []

    def keep(item: object) -> None:
        if isinstance(item, Event):
            events.append(item)

    runner = Runner(plan_for(server), keep)
    task = asyncio.create_task(runner.run())
    for _ in range(500):
        if any(seen in e.text for e in events):
            break
        await asyncio.sleep(0.01)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    return events, runner.result()


@pytest.mark.parametrize("case", ["after the dot", "before the banner"])
def test_an_abandoned_session_exits_130_and_says_what_may_have_happened(scripted,
                                                                       case: str) -> None:
    after_dot = case == "after the dot"
    server = scripted(silent_after_dot if after_dot else silent_banner)
    events, result = asyncio.run(abandon_when(server, "message sent" if after_dot
                                              else "Connected to"))
    assert (result.exit_code, result.outcome) == (130, "failed")
    assert result.stage == ("dot" if after_dot else "banner")
    errors = [e.text for e in events if e.kind == "error"]
    assert len(errors) == 1 and errors[0].startswith("session abandoned by the user")
    assert ("may still deliver" in errors[0]) is after_dot

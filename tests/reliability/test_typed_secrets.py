"""Credentials the user types or edits in step mode reach the server but never the transcript."""

from __future__ import annotations

import asyncio
import base64

from tests.fixtures.scripted import Peer
from tests.reliability.helpers import Stepper, plan_for

PLAIN = base64.b64encode(b"\0alice\0S3cr3t-Pa55!").decode()
USER, PASSWORD = base64.b64encode(b"alice").decode(), base64.b64encode(b"S3cr3t-Pa55!").decode()
SECRETS = (PLAIN, PASSWORD, USER, "S3cr3t-Pa55!")


async def auth_server(peer: Peer) -> None:
    """AUTH PLAIN with an initial response, AUTH LOGIN in three steps, then a transaction."""
    await peer.reply("220 test.example ESMTP")
    await peer.expect("EHLO")
    await peer.reply("250-test.example")
    await peer.reply("250 AUTH PLAIN LOGIN")
    await peer.expect("AUTH PLAIN " + PLAIN)
    await peer.reply("235 2.7.0 ok")
    await peer.expect("AUTH LOGIN")
    await peer.reply("334 VXNlcm5hbWU6")
    await peer.expect(USER)
    await peer.reply("334 UGFzc3dvcmQ6")
    await peer.expect(PASSWORD)
    await peer.reply("235 2.7.0 ok")
    await peer.expect("AUTH PLAIN " + PLAIN)  # the edited MAIL command
    await peer.reply("503 5.5.1 already authenticated")
    while (line := await peer.readline()) is not None:
        if line.upper().startswith(b"QUIT"):
            await peer.reply("221 bye")
            return
        await peer.reply("250 ok")


def test_typed_and_edited_credentials_are_redacted(scripted) -> None:
    server = scripted(auth_server)

    async def user() -> None:
        stepper = Stepper(plan_for(server))
        stepper.start()
        assert (await stepper.next_pending()).stage == "ehlo"
        stepper.runner.control("step")
        assert (await stepper.next_pending()).stage == "mail"
        for line in ("AUTH PLAIN " + PLAIN, "AUTH LOGIN", USER, PASSWORD):
            stepper.runner.control("manual", line)
            assert (await stepper.next_pending()).stage == "mail"
        stepper.runner.control("step", "AUTH PLAIN " + PLAIN)
        stepper.runner.control("run")
        result = await stepper.finish()
        assert result.stage == "mail" and "503" in result.error
        shown = [e.text for e in stepper.events]
        assert not [text for text in shown if any(s in text for s in SECRETS)], shown
        sent = stepper.texts("send")
        assert sent.count("AUTH PLAIN [credentials redacted]") == 2
        assert "AUTH LOGIN" in sent and sent.count("[credentials redacted]") == 2
        assert [e.text for e in stepper.events if e.kind == "recv"][-3:-1] == [
            "235 2.7.0 ok", "503 5.5.1 already authenticated"]

    asyncio.run(user())

"""`smtptui run --protocol lmtp` against aiosmtpd's own LMTP server (RFC 2033), on loopback.

aiosmtpd's LMTP class answers LHLO (and refuses EHLO and HELO); the handler answers the final
dot with one reply per accepted recipient, as RFC 2033 §4.2 has an LMTP server do.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.lmtp import LMTP

from tests.cli.helpers import smtptui

#: Recipients this server's mailboxes refuse at the end of the message (a full mailbox).
FULL = "full@example.net"


class PerRecipient:
    """A delivery agent: a reply per recipient after the message, in RCPT order."""

    def __init__(self) -> None:
        self.delivered: list[tuple[str, bytes]] = []

    async def handle_DATA(self, server: object, session: object, envelope: object) -> str:
        replies = []
        for rcpt in envelope.rcpt_tos:  # type: ignore[attr-defined]
            if rcpt == FULL:
                replies.append(f"552 5.2.2 <{rcpt}> Mailbox is full")
            else:
                self.delivered.append((rcpt, envelope.content))  # type: ignore[attr-defined]
                replies.append(f"250 2.0.0 <{rcpt}> Saved")
        return "\r\n".join(replies)


class LmtpController(Controller):
    """aiosmtpd's Controller serving LMTP instead of SMTP, on a free loopback port."""

    def factory(self) -> LMTP:
        return LMTP(self.handler, hostname="lmtp.test", decode_data=False)

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        with socket.create_connection((self.hostname, self.port), 5) as probe:
            probe.recv(100)  # the greeting: the server is up


@pytest.fixture
def lmtp() -> Iterator[tuple[LmtpController, PerRecipient]]:
    handler = PerRecipient()
    controller = LmtpController(handler, hostname="127.0.0.1", port=0, ready_timeout=10.0)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def run_lmtp(port: int, *recipients: str) -> object:
    return smtptui("run", "--server", f"127.0.0.1:{port}", "--protocol", "lmtp", "--tls", "off",
                   "--from", "a@example.com", "--to", ",".join(recipients), "--helo",
                   "client.example", "--json")


def test_lmtp_delivers_to_every_recipient_with_a_reply_each(lmtp) -> None:
    controller, handler = lmtp
    run = run_lmtp(controller.port, "b@example.net", "c@example.net")
    assert run.code == 0, run.out + run.err
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert sent[0] == "LHLO client.example"
    dot_replies = [e["text"] for e in run.events() if e["kind"] == "recv" and e["stage"] == "dot"]
    assert dot_replies == ["250 2.0.0 <b@example.net> Saved", "250 2.0.0 <c@example.net> Saved"]
    assert [rcpt for rcpt, _ in handler.delivered] == ["b@example.net", "c@example.net"]
    assert run.result["accepted"] == ["b@example.net", "c@example.net"]


def test_lmtp_reports_each_recipient_refused_after_the_message(lmtp) -> None:
    controller, handler = lmtp
    run = run_lmtp(controller.port, "b@example.net", FULL)
    assert run.code == 0, run.out + run.err  # delivered to one of two: a partial delivery
    result = run.result
    assert result["accepted"] == ["b@example.net"]
    assert [(r["address"], r["code"]) for r in result["rejected"]] == [(FULL, 552)]
    assert result["diagnosis"]  # the refused recipient is explained
    assert [rcpt for rcpt, _ in handler.delivered] == ["b@example.net"]


def test_lmtp_with_no_recipient_delivered_is_exit_26(lmtp) -> None:
    controller, _ = lmtp
    run = run_lmtp(controller.port, FULL)
    assert run.code == 26, run.out + run.err
    assert run.result["stage"] == "dot"


def test_esmtp_against_an_lmtp_server_is_told_apart(lmtp) -> None:
    """Without --protocol lmtp the server refuses EHLO and HELO: exit 22, nothing sent."""
    controller, handler = lmtp
    run = smtptui("run", "--server", f"127.0.0.1:{controller.port}", "--tls", "off", "--from",
                  "a@example.com", "--to", "b@example.net", "--json")
    assert run.code == 22, run.out
    assert handler.delivered == []

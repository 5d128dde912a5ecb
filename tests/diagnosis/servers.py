"""Scripted loopback servers that fail in one named way each, and a runner that checks the verdict.

``misbehaving(...)`` builds a handler for the ``scripted`` fixture: a normal SMTP server except
for the replies it is told to give (``replies={"RCPT": "550 5.1.1 ..."}``; "DOT" is the reply
after the final dot). ``diagnosed(*args)`` runs ``smtptui run`` twice, with ``--json`` and as
text, and returns the result's diagnosis after checking that the text ends with it.
"""

from __future__ import annotations

import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tests.cli.helpers import Run, smtptui
from tests.fixtures.scripted import Handler, Peer

#: A TLS alert record: fatal (2) internal_error (80), as a server sends it to end a hand-shake.
ALERT_INTERNAL_ERROR = b"\x15\x03\x03\x00\x02\x02\x50"

ENVELOPE = ("--from", "a@example.com", "--to", "b@example.net", "--helo", "client.example")
EHLO = ("250-test.example", "250-PIPELINING", "250-SIZE 10240000", "250 8BITMIME")


def server_args(server: Any, tls: str = "off") -> list[str]:
    """--server HOST:PORT and the TLS mode (off unless asked)."""
    return ["--server", f"{server.host}:{server.port}", "--tls", tls]


def misbehaving(*, banner: str | tuple[str, ...] = "220 test.example ESMTP",
                ehlo: tuple[str, ...] = EHLO,
                replies: Mapping[str, str | tuple[str, ...]] | None = None,
                tls: ssl.SSLContext | None = None) -> Handler:
    """A server that answers as told at the verbs in ``replies`` and normally everywhere else.

    A 421 anywhere ends the connection at once (as RFC 5321 §3.8 says a server does); any
    other refusal leaves the session to the client (RSET, QUIT).
    """

    async def say(peer: Peer, answer: str | tuple[str, ...]) -> bool:
        lines = (answer,) if isinstance(answer, str) else answer
        for line in lines:
            await peer.reply(line)
        return lines[-1].startswith("421")

    async def handler(peer: Peer) -> None:
        if await say(peer, banner):
            return
        wanted = dict(replies or {})
        while (raw := await peer.readline()) is not None:
            verb = raw.decode("utf-8", "replace").split(" ", 1)[0].strip().upper()
            if verb in wanted:
                if await say(peer, wanted[verb]):
                    return
                continue
            if verb == "EHLO":
                await say(peer, ehlo)
            elif verb == "STARTTLS" and tls is not None:
                await peer.reply("220 2.0.0 Ready to start TLS")
                if not await peer.starttls(tls):
                    return
            elif verb == "DATA":
                await peer.reply("354 End data with <CR><LF>.<CR><LF>")
                await peer.read_data()
                if await say(peer, wanted.get("DOT", "250 2.0.0 Ok: queued")):
                    return
            elif verb == "QUIT":
                await peer.reply("221 2.0.0 Bye")
                return
            else:
                await peer.reply("250 2.0.0 Ok")

    return handler


@dataclass
class Diagnosed:
    """What one failure looked like: the result object, its diagnosis and the text run."""

    result: dict[str, Any]
    text: Run

    @property
    def diagnosis(self) -> dict[str, str]:
        return self.result["diagnosis"]

    @property
    def code(self) -> str:
        return self.diagnosis["code"]


def _tail(out: str) -> list[str]:
    """The text of the last two transcript lines, without the time and the marker."""
    lines = [line for line in out.splitlines() if line.strip()]
    return [line.split("===", 1)[1].strip() for line in lines[-2:]]


def diagnosed(*args: str, exit_code: int, timeout: float = 60,
              env: dict[str, str] | None = None) -> Diagnosed:
    """Run ``smtptui run *args`` as JSON and as text; both must end with the same diagnosis."""
    as_json = smtptui("run", *args, "--json", timeout=timeout, env=env)
    assert as_json.code == exit_code, as_json.out + as_json.err
    result = as_json.result
    assert result["exit_code"] == exit_code
    diagnosis = result["diagnosis"]
    assert set(diagnosis) >= {"code", "cause", "explanation", "next_step"}, diagnosis
    assert all(diagnosis[key] for key in ("code", "cause", "next_step")), diagnosis
    as_text = smtptui("run", *args, timeout=timeout, env=env)
    assert as_text.code == exit_code, as_text.out + as_text.err
    said, then = _tail(as_text.out)
    assert said == (f"diagnosis: {diagnosis['cause']} (confidence: {diagnosis['confidence']}): "
                    f"{diagnosis['explanation']}"), as_text.out
    assert then == f"next step: {diagnosis['next_step']}", as_text.out
    return Diagnosed(result, as_text)

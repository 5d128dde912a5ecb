"""A connect time-out, at the engine level: loopback always answers, so the time-out is zero.

A real "nothing answers the SYN" cannot be staged on 127.0.0.0/8 (the kernel answers at
once, and a full listen backlog does not time out reliably). So the Runner is given a
connect time-out of 0 s against a live loopback listener: the connection attempt cannot
finish in time, and the Runner must report it as a connect time-out with its diagnosis,
exactly as `smtptui run` would print it (the same summary lines).
"""

from __future__ import annotations

import asyncio
import socket

from smtptui.cli.printer import summary
from smtptui.net.runner import Runner
from smtptui.smtp.plan import SessionPlan, Timeouts
from smtptui.smtp.transcript import Event


def test_connect_time_out_suspects_a_blocked_port() -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        plan = SessionPlan(host="127.0.0.1", sender="a@example.com",
                           recipients=["b@example.net"], port=port, helo="client.example",
                           tls="off", timeouts=Timeouts(connect=0.0))
        events: list[object] = []
        result = asyncio.run(Runner(plan, events.append).run())
    assert result.exit_code == 2 and result.stage == "connect"
    assert "no answer from 127.0.0.1:" in result.error
    diagnosis = result.diagnosis
    assert diagnosis["code"] == "connect-timeout"
    assert diagnosis["cause"] == "Connection timed out"
    assert "port 25" in diagnosis["explanation"]
    assert "smart host on port 587" in diagnosis["next_step"]
    lines = summary(result)
    assert lines[-2] == (f"diagnosis: {diagnosis['cause']} "
                         f"(confidence: {diagnosis['confidence']}): {diagnosis['explanation']}")
    assert lines[-1] == f"next step: {diagnosis['next_step']}"
    assert not any(isinstance(e, Event) and e.kind == "send" for e in events)

"""The asyncio driver (the app and direct mode) against real servers: what only it could break."""

from __future__ import annotations

import asyncio

from smtptui.net.runner import Runner
from tests.reliability.helpers import plan_for


def test_addresses_survive_a_tls_session_for_the_local_checks(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.good_context())
    plan = plan_for(server, tls="starttls", ca_file=str(certs.ca_file), tls_name="localhost")
    result = asyncio.run(Runner(plan, lambda item: None).run())
    assert result.exit_code == 0 and result.tls is not None and result.tls.verified, result.error
    assert result.local_address == "127.0.0.1" and result.address == "127.0.0.1"
    checks = {check.name: check.text for check in result.checks}
    assert checks["reverse-dns"].startswith("not checked: private address 127.0.0.1")
    assert len(server.wait_for_messages(1)) == 1

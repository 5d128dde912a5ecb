"""The workbench in direct mode: a profile's MX walk over loopback DNS, shown as it goes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from smtptui.tui.app import SmtpTuiApp
from tests.fixtures.scripted import ScriptedServer, standard
from tests.tui.apphelp import SIZE, aio, make_profiles, text_of, until


@aio
async def test_direct_profile_walks_to_the_working_mx(tmp_path: Path, dns_server: Any) -> None:
    with ScriptedServer(standard, "127.0.0.3") as good:
        dns = dns_server({
            "example.test": {"MX": [(10, "mx1.example.test."), (20, "mx2.example.test.")]},
            "mx1.example.test": {"A": ["127.0.0.2"]},  # nothing listens there
            "mx2.example.test": {"A": ["127.0.0.3"]},
        })
        make_profiles(tmp_path, good.port, mode="direct", recipients=["b@example.test"],
                      dns=dns.address)
        app = SmtpTuiApp(tmp_path, open_profile="alpha")
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press("r")
            await until(pilot, lambda: app.phase == "done", "the end of the walk")
            text = text_of(app)
            assert "route to example.test" in text
            assert "refused" in text and "MX 2 of 2" in text
            assert "->  QUIT" in text
    assert good.connections[0].envelope.rcpt_tos == ["RCPT TO:<b@example.test>"]

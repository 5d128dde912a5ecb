"""Local checks reported with every result: banner name, banner delay, reverse DNS."""

from __future__ import annotations

from tests.cli.helpers import server_args, smtptui
from tests.fixtures.scripted import standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]


def test_checks_in_json_and_text(scripted, dns_server) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json")
    checks = {c["name"]: c for c in run.result["checks"]}
    assert set(checks) == {"banner-name", "banner-delay", "reverse-dns"}
    assert "test.example" in checks["banner-name"]["text"]
    assert checks["reverse-dns"]["ok"] is None  # no resolver named: not asked
    dns = dns_server({})
    text = smtptui("run", *server_args(server), *ENVELOPE, "--dns", dns.address)
    lines = text.out.splitlines()
    assert any("check banner-name" in line for line in lines)
    assert any("check reverse-dns" in line for line in lines)
    assert any("result: message accepted" in line and "(exit 0)" in line for line in lines)

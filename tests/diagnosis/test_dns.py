"""Direct mode's DNS failures, against the loopback DNS server: each named, nothing connected."""

from __future__ import annotations

import pytest

from tests.diagnosis.servers import diagnosed

ZONES = {
    "nx.test": "NXDOMAIN",
    "nomx.test": {"TXT": ["v=spf1 -all"]},  # exists, but no MX and no A or AAAA
    "null.test": {"MX": [(0, ".")]},
    "broken.test": "SERVFAIL",
}


def direct(dns_address: str, domain: str) -> list[str]:
    return ["--direct", "--dns", dns_address, "--from", "a@example.com", "--to",
            f"b@{domain}", "--helo", "client.example", "--tls", "off"]


@pytest.mark.parametrize("domain, code, cause, step", [
    ("nx.test", "no-such-domain", "Domain does not exist", "Check the spelling of the domain"),
    ("nomx.test", "no-mx", "No mail server for the domain", "publish an MX record"),
    ("null.test", "null-mx", "null MX", "ask the recipient for another address"),
    ("broken.test", "dns-temporary", "Temporary DNS failure", "Try again later"),
])
def test_dns_answers_that_leave_nowhere_to_deliver(dns_server, domain: str, code: str,
                                                   cause: str, step: str) -> None:
    dns = dns_server(ZONES)
    found = diagnosed(*direct(dns.address, domain), exit_code=2)
    assert found.result["stage"] == "dns"
    assert found.code == code
    assert cause in found.diagnosis["cause"]
    assert step in found.diagnosis["next_step"]
    # No mail server was contacted: the domain's one attempt ended in DNS, with no address.
    assert [(a["domain"], a["stage"], a["address"]) for a in found.result["attempts"]] == [
        (domain, "dns", "")]


def test_a_resolver_that_never_answers_is_our_side(dns_server) -> None:
    dns = dns_server({}, default="TIMEOUT")
    found = diagnosed(*direct(dns.address, "example.test"), exit_code=2)
    assert found.code == "dns-unreachable"
    assert found.diagnosis["cause"] == "DNS resolver unreachable"
    assert "this machine's side" in found.diagnosis["explanation"]
    assert "resolver settings" in found.diagnosis["next_step"]
    assert "no answer from the resolver" in found.result["error"]

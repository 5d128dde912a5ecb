"""`smtptui run --direct`: the MX walk over loopback DNS and SMTP servers on 127.0.0.2-4."""

from __future__ import annotations

import pytest

from tests.cli.helpers import smtptui
from tests.fixtures.scripted import Peer, ScriptedServer, standard

ENVELOPE = ["--from", "a@example.com", "--helo", "client.example", "--timeout", "3"]


async def rejects_greetings(peer: Peer) -> None:
    await peer.reply("220 grumpy.example")
    await peer.expect("EHLO")
    await peer.reply("550 go away")
    await peer.expect("HELO")
    await peer.reply("550 still no")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


async def busy(peer: Peer) -> None:
    await peer.reply("421 4.3.2 too busy, try later")


def zones(port_hosts: dict[str, str]) -> dict:
    return {
        "example.test": {"MX": [(10, "mx1.example.test."), (20, "mx2.example.test."),
                                (30, "mx3.example.test.")]},
        "mx1.example.test": {"A": [port_hosts["mx1"]]},
        "mx2.example.test": {"A": [port_hosts["mx2"]]},
        "mx3.example.test": {"A": [port_hosts["mx3"]]},
        "other.test": {"MX": [(5, "mx3.example.test.")]},
        "implicit.test": {"A": [port_hosts["mx3"]]},
        "null.test": {"MX": [(0, ".")]},
        "broken.test": "SERVFAIL",
        "nx.test": "NXDOMAIN",
    }


@pytest.fixture
def mx_world(dns_server):
    """mx1 refuses connections, mx2 refuses EHLO and HELO, mx3 works; all on one port."""
    with ScriptedServer(standard, "127.0.0.4") as good, \
            ScriptedServer(rejects_greetings, "127.0.0.3", port=good.port) as grumpy:
        dns = dns_server(zones({"mx1": "127.0.0.2", "mx2": "127.0.0.3", "mx3": "127.0.0.4"}))
        yield dns, grumpy, good


def direct(dns, port: int, *args: str):
    return smtptui("run", "--direct", "--dns", dns.address, "--port", str(port), "--tls", "off",
                   *ENVELOPE, *args)


def test_walk_ends_on_the_working_host(mx_world) -> None:
    dns, grumpy, good = mx_world
    run = direct(dns, good.port, "--to", "b@example.test", "--json")
    assert run.code == 0, run.out
    attempts = run.result["attempts"]
    assert [(a["host"], a["address"]) for a in attempts] == [
        ("mx1.example.test", "127.0.0.2"), ("mx2.example.test", "127.0.0.3"),
        ("mx3.example.test", "127.0.0.4")]
    assert attempts[0]["stage"] == "connect" and attempts[1]["stage"] == "helo"
    assert run.result["address"] == "127.0.0.4"
    assert good.connections[0].envelope.rcpt_tos == ["RCPT TO:<b@example.test>"]
    assert len(grumpy.connections) == 1
    infos = [e["text"] for e in run.events() if e["kind"] == "info"]
    assert sum("leaving" in text for text in infos) == 2
    text = direct(dns, good.port, "--to", "b@example.test")
    assert "MX 3 of 3" in text.out and "route to example.test" in text.out


def test_banner_4xx_moves_on(dns_server) -> None:
    with ScriptedServer(standard, "127.0.0.4") as good, \
            ScriptedServer(busy, "127.0.0.2", port=good.port):
        dns = dns_server(zones({"mx1": "127.0.0.2", "mx2": "127.0.0.9", "mx3": "127.0.0.4"}))
        run = direct(dns, good.port, "--to", "b@example.test", "--json")
    assert run.code == 0
    assert run.result["attempts"][0]["stage"] == "banner"


def test_pinned_host_only(mx_world) -> None:
    dns, grumpy, good = mx_world
    run = direct(dns, good.port, "--to", "b@example.test", "--mx", "mx3.example.test", "--json")
    assert run.code == 0
    assert [a["host"] for a in run.result["attempts"]] == ["mx3.example.test"]
    assert grumpy.connections == []


def test_implicit_mx(mx_world) -> None:
    dns, _, good = mx_world
    run = direct(dns, good.port, "--to", "b@implicit.test")
    assert run.code == 0 and "implicit MX" in run.out


def test_several_domains_one_session_each(mx_world) -> None:
    dns, _, good = mx_world
    run = direct(dns, good.port, "--to", "b@other.test,c@implicit.test", "--json")
    assert run.code == 0, run.out
    assert any("2 domains" in e["text"] for e in run.events() if e["kind"] == "info")
    assert len(good.connections) == 2
    assert sorted(run.result["accepted"]) == ["b@other.test", "c@implicit.test"]


@pytest.mark.parametrize("domain, words", [
    ("null.test", "null MX"), ("nx.test", "does not exist"), ("broken.test", "SERVFAIL"),
])
def test_dns_failures_send_nothing(mx_world, domain: str, words: str) -> None:
    dns, grumpy, good = mx_world
    run = direct(dns, good.port, "--to", f"b@{domain}", "--json")
    assert run.code == 2
    assert words.lower() in run.result["error"].lower()
    assert run.result["diagnosis"]
    assert good.connections == [] and grumpy.connections == []
    assert ("A", "broken.test") not in [(t, n) for n, t in dns.queries]


def test_resolver_that_never_answers(dns_server) -> None:
    dns = dns_server({}, default="TIMEOUT")
    run = smtptui("run", "--direct", "--dns", dns.address, *ENVELOPE, "--to", "b@example.test",
                  "--json", timeout=30)
    assert run.code == 2
    assert run.result["stage"] == "dns"


def test_mx_command(mx_world) -> None:
    dns, _, _ = mx_world
    run = smtptui("mx", "example.test", "--dns", dns.address)
    assert run.code == 0
    lines = run.out.splitlines()
    order = [n for line in lines for n in ("mx1", "mx2", "mx3") if f"{n}.example.test" in line]
    assert order == ["mx1", "mx2", "mx3"]

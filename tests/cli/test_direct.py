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


# -- several domains: every recipient accounted for ---------------------------------------------


async def picky(peer: Peer) -> None:
    """Accepts the envelope except RCPTs to nobody@..., then refuses the message at DATA."""
    await peer.reply("220 picky.example")
    while (raw := await peer.readline()) is not None:
        line = raw.decode("utf-8", "replace").strip()
        verb = line.split(" ", 1)[0].upper()
        if verb == "RCPT" and "nobody@" in line:
            await peer.reply("550 5.1.1 no such user here")
        elif verb == "DATA":
            await peer.reply("554 5.7.1 message refused")
        elif verb == "QUIT":
            await peer.reply("221 bye")
            return
        else:
            await peer.reply("250 ok")


def several(port_hosts: dict[str, str]) -> dict:
    return zones(port_hosts) | {
        "dead.test": {"MX": [(10, "mx1.example.test.")]},  # its only MX refuses connections
        "picky.test": {"MX": [(10, "mx.picky.test.")]},
        "mx.picky.test": {"A": ["127.0.0.5"]},
        "half.test": {"MX": [(10, "gone.half.test."), (20, "mx3.example.test.")]},
        "gone.half.test": {"A": "SERVFAIL", "AAAA": "SERVFAIL"},
    }


@pytest.fixture
def several_world(dns_server):
    """mx1 (127.0.0.2) refuses connections, mx3 (127.0.0.4) works, picky (127.0.0.5) refuses
    DATA; one port for all."""
    with ScriptedServer(standard, "127.0.0.4") as good, \
            ScriptedServer(picky, "127.0.0.5", port=good.port) as fussy:
        dns = dns_server(several({"mx1": "127.0.0.2", "mx2": "127.0.0.3", "mx3": "127.0.0.4"}))
        yield dns, good, fussy


def test_every_recipient_is_accepted_or_rejected_with_its_reason(several_world) -> None:
    dns, good, _ = several_world
    run = direct(dns, good.port, "--to", "u@dead.test,v@other.test,w@nx.test", "--json")
    result = run.result
    assert run.code == 2 and result["exit_code"] == 2  # the first failed domain's code
    assert result["accepted"] == ["v@other.test"]
    rejected = {r["address"]: r for r in result["rejected"]}
    assert set(rejected) == {"u@dead.test", "w@nx.test"}
    assert rejected["u@dead.test"]["code"] == 0  # no reply: the connection was refused
    assert "connect" in rejected["u@dead.test"]["text"]
    assert "refused" in rejected["u@dead.test"]["text"]
    assert "does not exist" in rejected["w@nx.test"]["text"]
    assert [(a["domain"], a["stage"]) for a in result["attempts"]] == [
        ("dead.test", "connect"), ("other.test", ""), ("nx.test", "dns")]
    assert [env.rcpt_tos for c in good.connections for env in c.envelopes] == [
        ["RCPT TO:<v@other.test>"]]
    assert result["error"].startswith("delivered to 1 of 3 recipients (v@other.test); "
                                      "not delivered to u@dead.test (")
    assert "w@nx.test (nx.test, stage dns: nx.test does not exist" in result["error"]
    text = direct(dns, good.port, "--to", "u@dead.test,v@other.test,w@nx.test")
    line = next(ln for ln in text.out.splitlines() if "result:" in ln)
    assert "delivered to 1 of 3 recipients (v@other.test)" in line
    assert "not delivered to u@dead.test" in line and "w@nx.test" in line
    assert line.endswith("(exit 2)")
    refused = next(ln for ln in text.out.splitlines() if "recipients accepted:" in ln)
    assert "u@dead.test (0)" not in refused and "w@nx.test (nx.test, stage dns: nx.test" in refused


def test_a_domain_that_refuses_the_message_delivers_to_none_of_its_recipients(several_world
                                                                             ) -> None:
    dns, good, fussy = several_world
    run = direct(dns, good.port, "--to", "v@other.test,x@picky.test,nobody@picky.test,"
                 "u@dead.test", "--json")
    result = run.result
    assert run.code == 25 and result["stage"] == "data"  # picky.test failed first
    assert result["accepted"] == ["v@other.test"]
    rejected = {r["address"]: (r["code"], r["text"]) for r in result["rejected"]}
    assert rejected["nobody@picky.test"] == (550, "5.1.1 no such user here")  # its RCPT reply
    assert rejected["x@picky.test"][0] == 554  # RCPT took it, DATA refused the message
    assert "stage data" in rejected["x@picky.test"][1]
    assert rejected["u@dead.test"][0] == 0
    assert "RCPT refused: 550 5.1.1 no such user here" in result["error"]
    assert len(fussy.connections) == 1


def test_all_domains_delivered_is_exit_0_with_refused_recipients_listed(several_world) -> None:
    dns, good, fussy = several_world
    run = direct(dns, good.port, "--to", "v@other.test,b@implicit.test", "--json")
    assert run.code == 0 and run.result["error"] == ""
    assert sorted(run.result["accepted"]) == ["b@implicit.test", "v@other.test"]
    assert run.result["rejected"] == []


# -- truthful numbers: times, positions, flags -------------------------------------------------


def test_connect_time_is_the_answering_hosts_not_the_whole_walk(mx_world) -> None:
    dns, _, good = mx_world
    run = direct(dns, good.port, "--to", "b@example.test", "--json")
    assert run.code == 0
    connect = [e for e in run.events() if e.get("stage") == "connect"]
    trying = [e["t"] for e in connect if e["text"].startswith("Trying ")][-1]
    connected = [e["t"] for e in connect if e["text"].startswith("Connected to ")][-1]
    # Measured from the last host's "Trying" line; the walk before it is not counted.
    assert run.result["timings"]["connect"] <= connected - trying + 2e-6
    assert trying > 0


def test_a_failed_route_keeps_the_clock_and_the_port(mx_world) -> None:
    dns, _, good = mx_world
    for recipients in ("b@nx.test", "b@nx.test,c@other.test", "c@other.test,b@nx.test"):
        run = direct(dns, good.port, "--to", recipients, "--json")
        events = run.events()
        assert run.result["t"] >= max(e["t"] for e in events[:-1]), recipients
        assert run.result["port"] == good.port


def test_hosts_are_numbered_as_the_route_shows_them(several_world) -> None:
    dns, good, _ = several_world
    run = direct(dns, good.port, "--to", "b@half.test")
    assert run.code == 0, run.out
    lines = run.out.splitlines()
    # The route's table lines (progress and skip lines name the hosts too).
    route = [ln for ln in lines if "  gone.half.test  " in ln or "  mx3.example.test  " in ln]
    assert "no address  [lookup failed, no address]" in route[0]
    assert any("(MX 2 of 2: mx3.example.test)" in ln for ln in lines)
    assert not any("leaving" in ln for ln in lines)


async def deferring(peer: Peer) -> None:
    await peer.reply("450 4.3.2 busy, come back later")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_every_host_deferring_the_greeting_is_diagnosed_as_such(dns_server) -> None:
    with ScriptedServer(deferring, "127.0.0.2") as one, \
            ScriptedServer(deferring, "127.0.0.4", port=one.port):
        dns = dns_server(zones({"mx1": "127.0.0.2", "mx2": "127.0.0.9", "mx3": "127.0.0.4"}))
        run = direct(dns, one.port, "--to", "b@other.test", "--json")
    assert run.code == 21
    assert run.result["diagnosis"]["code"] == "greeting-deferred"
    assert "421" not in run.result["diagnosis"]["explanation"]

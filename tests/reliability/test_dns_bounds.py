"""Direct mode against hostile DNS answers: names that cannot be server names, too many MX
hosts, silent hosts, unusable addresses. A loopback DNS server plays the resolver."""

from __future__ import annotations

import io
import json
import random
import time

import pytest

from smtptui.cli.mx import run_mx
from smtptui.net.resolver import make_resolver
from smtptui.net.routes import (
    MAX_ADDRESSES_PER_FAMILY,
    MAX_MX_HOSTS,
    ROUTE_TIMEOUTS,
    resolve_route,
)
from tests.fixtures.scripted import Peer, ScriptedServer, standard
from tests.reliability.helpers import measured

ENVELOPE = ["--from", "a@example.com", "--helo", "client.example"]
#: A label of 32 octets that are not letters or digits: dnspython writes it \128\129...
ESCAPED = "".join(f"\\{octet}" for octet in range(128, 160))


# -- names that cannot be a server name -------------------------------------------------------

def test_an_mx_with_escaped_labels_is_skipped_and_the_walk_goes_on(dns_server, certs) -> None:
    """The escaped label was taken as the TLS server name: the IDNA codec raised, a traceback
    ended the run and the next MX was never tried. Now the host is skipped, with the reason,
    and the session goes to the next one."""
    context = certs.good_context()

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=("250-test.example", "250 STARTTLS"), tls=context)

    with ScriptedServer(handler, "127.0.0.3") as good:
        dns = dns_server({"example.test": {"MX": [(10, f"{ESCAPED}.example.test."),
                                                  (20, "mx2.example.test.")]},
                          f"{ESCAPED}.example.test": {"A": ["127.0.0.3"]},
                          "mx2.example.test": {"A": ["127.0.0.3"]}})
        got = measured("run", "--direct", "--dns", dns.address, "--port", str(good.port),
                       *ENVELOPE, "--to", "b@example.test", "--no-verify", "--timeout", "2")
        run = got.run
    assert "Traceback" not in run.err, run.err
    assert run.code == 0, run.out + run.err
    assert "skipping MX 1 of 2" in run.out and "can be neither connected to nor a TLS " \
        "server name" in run.out
    assert "(MX 2 of 2: mx2.example.test)" in run.out
    assert len(good.connections) == 1
    assert (f"{ESCAPED}.example.test".lower(), "A") not in dns.queries  # not even looked up


def test_mx_shows_a_bad_name_with_its_flag(dns_server) -> None:
    dns = dns_server({"example.test": {"MX": [(10, f"{ESCAPED}.example.test.")]}})
    out, err = io.StringIO(), io.StringIO()
    assert run_mx("example.test", dns.address, 1.0, False, out, err=err) == 2
    row = out.getvalue().splitlines()[2].split()
    assert row[0] == "10" and row[-2:] == ["bad", "name"] and row[3:5] == ["-", "-"]
    assert "skipped in the walk, not looked up" in out.getvalue()
    assert dns.queries == [("example.test", "MX")]
    assert err.getvalue() == ("smtptui: no MX host of example.test has an address: the domain "
                              "cannot receive mail\n")


# -- bounds: how many hosts, how long ---------------------------------------------------------

def silent_zones(count: int) -> dict:
    zones: dict = {"slow.test": {"MX": [(i, f"mx{i}.slow.test.") for i in range(count)]}}
    zones.update({f"mx{i}.slow.test": "TIMEOUT" for i in range(count)})
    return zones


@pytest.mark.parametrize("command", ["run", "mx"])
def test_forty_silent_hosts_end_within_the_route_bound(dns_server, command: str) -> None:
    """40 MX hosts whose look-ups are never answered, with --timeout 1: the route is given
    up within ROUTE_TIMEOUTS DNS time-outs (2 s); asserted generously (3x, plus start-up),
    a functional bound, not a benchmark. It took 88 s before: each host's AAAA then A, one
    after the other, each with the whole time-out."""
    dns = dns_server(silent_zones(40))
    bound = ROUTE_TIMEOUTS * 1.0
    args = (["run", "--direct", "--to", "b@slow.test", *ENVELOPE] if command == "run"
            else ["mx", "slow.test"])
    started = time.monotonic()
    run = measured(*args, "--dns", dns.address, "--timeout", "1", timeout=30).run
    took = time.monotonic() - started
    assert took < 3 * bound + 1.0, took
    assert run.code == 2 and "Traceback" not in run.err
    assert "some look-ups failed" in run.err + run.out


def test_the_address_look_ups_run_in_parallel_and_end_by_the_deadline(dns_server) -> None:
    """In process: every host's AAAA and A are asked at once, and the route is back within
    the bound of its resolver."""
    dns = dns_server(silent_zones(MAX_MX_HOSTS))
    resolver = make_resolver(dns.address, 0.5)
    started = time.monotonic()
    route = resolve_route("slow.test", resolver, shuffle=random.Random(0))
    assert time.monotonic() - started < ROUTE_TIMEOUTS * 0.5 + 0.5
    assert len(route.hosts) == MAX_MX_HOSTS
    asked = {query for query in dns.queries if query[1] in ("A", "AAAA")}
    assert asked == {(f"mx{i}.slow.test", kind) for i in range(MAX_MX_HOSTS)
                     for kind in ("A", "AAAA")}
    assert route.unusable().kind == "dns-temporary"  # type: ignore[union-attr]


def test_two_thousand_mx_records_are_cut_to_the_cap_with_a_note(dns_server) -> None:
    zones: dict = {"big.test": {"MX": [(i % 50, f"h{i}.big.test.") for i in range(2000)]}}
    zones.update({f"h{i}.big.test": {"A": ["127.0.0.9"]} for i in range(2000)})
    dns = dns_server(zones)
    out, err = io.StringIO(), io.StringIO()
    assert run_mx("big.test", dns.address, 2.0, False, out, err=err) == 0
    text = out.getvalue()
    assert text.startswith(f"big.test: {MAX_MX_HOSTS} MX hosts")
    assert (f"big.test has 2000 MX hosts: only the {MAX_MX_HOSTS} most preferred are "
            f"considered (smtptui's cap of {MAX_MX_HOSTS}") in text
    assert len([q for q in dns.queries if q[1] == "A"]) == MAX_MX_HOSTS
    out = io.StringIO()
    assert run_mx("big.test", dns.address, 2.0, True, out, err=err) == 0
    obj = json.loads(out.getvalue())
    assert len(obj["hosts"]) == MAX_MX_HOSTS and "2000 MX hosts" in obj["notes"][0]


def test_a_host_keeps_a_bounded_number_of_addresses(dns_server) -> None:
    dns = dns_server({"many.test": {"A": [f"127.0.4.{i}" for i in range(1, 40)],
                                    "AAAA": [f"::{i:x}" for i in range(1, 40)]}})
    route = resolve_route("many.test", make_resolver(dns.address, 1.0))
    [host] = route.hosts
    assert [":" in a for a in host.addresses] == ([True] * MAX_ADDRESSES_PER_FAMILY
                                                  + [False] * MAX_ADDRESSES_PER_FAMILY)


def test_progress_is_shown_while_the_route_is_resolved(dns_server) -> None:
    """One line per host looked up: on a terminal's standard error for `smtptui mx` (cleared
    at the end), as info lines of the transcript in a direct run."""
    dns = dns_server({"example.test": {"MX": [(10, "mx1.example.test."),
                                              (20, "mx2.example.test.")]},
                      "mx1.example.test": {"A": ["127.0.0.2"]},
                      "mx2.example.test": "TIMEOUT"})
    out, err = io.StringIO(), io.StringIO()
    run_mx("example.test", dns.address, 0.5, False, out, err=err, progress=True)
    shown = err.getvalue()
    assert "looked up mx1.example.test: 1 address" in shown
    assert "looked up mx2.example.test: look-ups failed" in shown
    assert shown.endswith("\r\x1b[K")
    run = measured("run", "--direct", "--dns", dns.address, "--to", "b@example.test", *ENVELOPE,
                   "--timeout", "1", "--port", "9", "--tls", "off", "--json").run
    infos = [e["text"] for e in run.events() if e.get("stage") == "dns"]
    assert infos[0] == "looking up the route to example.test (at most 2 s)"
    assert any(text.startswith("looked up mx1.example.test: 1 address") for text in infos)


# -- addresses -----------------------------------------------------------------------------

def test_unusable_addresses_are_refused_with_a_word_and_never_tried(dns_server) -> None:
    """0.0.0.0 (a connect to it reaches this machine), ::, broadcast and multicast: refused
    and said; the walk goes to the usable host only."""
    with ScriptedServer(standard, "127.0.0.1") as good:
        dns = dns_server({
            "example.test": {"MX": [(10, "zero.example.test."), (20, "cast.example.test."),
                                    (30, "0.0.0.0."), (40, "good.example.test.")]},
            "zero.example.test": {"A": ["0.0.0.0"], "AAAA": ["::"]},
            "cast.example.test": {"A": ["255.255.255.255", "224.0.0.1"], "AAAA": ["ff02::1"]},
            "good.example.test": {"A": ["127.0.0.1"]},
        })
        run = measured("run", "--direct", "--dns", dns.address, "--port", str(good.port),
                       "--to", "b@example.test", *ENVELOPE, "--tls", "off", "--timeout", "2"
                       ).run
        mx = measured("mx", "example.test", "--dns", dns.address).run
    assert run.code == 0, run.out + run.err
    assert len(good.connections) == 1  # 0.0.0.0 would have reached it first
    assert "(MX 4 of 4: good.example.test)" in run.out
    for words in ("0.0.0.0 is the unspecified address", ":: is the unspecified address",
                  "255.255.255.255 is the broadcast address", "224.0.0.1 is a multicast "
                  "address", "ff02::1 is a multicast address"):
        assert words in run.out and words in mx.out
    assert "unusable address" in mx.out


def test_loopback_and_private_addresses_are_allowed_with_a_note(dns_server) -> None:
    dns = dns_server({"example.test": {"MX": [(10, "lo.example.test."),
                                              (20, "lan.example.test.")]},
                      "lo.example.test": {"A": ["127.0.0.2"], "AAAA": ["::1"]},
                      "lan.example.test": {"A": ["10.1.2.3"], "AAAA": ["fd00::1"]}})
    out, err = io.StringIO(), io.StringIO()
    assert run_mx("example.test", dns.address, 1.0, False, out, err=err) == 0
    text = out.getvalue()
    assert "loopback addresses (this machine): ::1, 127.0.0.2; allowed" in text
    assert ("private addresses (not public: reachable only inside their own network): "
            "fd00::1, 10.1.2.3; allowed") in text
    route = resolve_route("example.test", make_resolver(dns.address, 1.0),
                          shuffle=random.Random(0))
    assert [host.addresses for host in route.hosts] == [["::1", "127.0.0.2"],
                                                        ["fd00::1", "10.1.2.3"]]
    assert all(host.problems == [] for host in route.hosts)

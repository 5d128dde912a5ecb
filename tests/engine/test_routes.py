"""Direct-mode routes (RFC 5321 §5.1, RFC 7505) over real DNS messages from a loopback server."""

from __future__ import annotations

import random
import socket
import subprocess
import sys

import pytest

from smtptui.net.resolver import RouteError, make_resolver, parse_server
from smtptui.net.routes import Route, resolve_route
from smtptui.smtp.domains import group_by_domain
from smtptui.smtp.errors import InputError
from tests.fixtures.dnsserver import DNSServer

T = 0.5  # seconds: every resolver in these tests gives up after this


def route_of(server: DNSServer, domain: str, seed: int = 0, **kw: object) -> Route:
    return resolve_route(domain, make_resolver(server.address, T),
                         shuffle=random.Random(seed), **kw)  # type: ignore[arg-type]


def walk(route: Route) -> list[tuple[str, str]]:
    return [(host.name, address) for host, address in route.attempts()]


def failure(server: DNSServer, domain: str) -> RouteError:
    with pytest.raises(RouteError) as info:
        route_of(server, domain)
    return info.value


# -- order -----------------------------------------------------------------------------


def test_mx_hosts_are_walked_by_preference_then_address(dns_server) -> None:
    server = dns_server({
        "example.test": {"MX": [(30, "c.example.test."), (10, "a.example.test."),
                                (20, "b.example.test.")]},
        "a.example.test": {"A": ["127.0.0.2"]},
        "b.example.test": {"A": ["127.0.0.3", "127.0.0.4"]},
        "c.example.test": {"A": ["127.0.0.5"]},
    })
    route = route_of(server, "Example.TEST.")
    assert route.domain == "example.test"
    assert not route.implicit
    assert [(h.preference, h.name) for h in route.hosts] == [
        (10, "a.example.test"), (20, "b.example.test"), (30, "c.example.test")]
    assert walk(route) == [("a.example.test", "127.0.0.2"), ("b.example.test", "127.0.0.3"),
                           ("b.example.test", "127.0.0.4"), ("c.example.test", "127.0.0.5")]
    assert route.resolver == server.address


def test_equal_preferences_are_shuffled_and_the_seed_repeats_the_order(dns_server) -> None:
    names = [f"mx{i}.example.test" for i in range(4)]
    zones = {"example.test": {"MX": [(10, n + ".") for n in names] + [(5, "first.example.test.")]},
             "first.example.test": {"A": ["127.0.0.9"]}}
    zones.update({n: {"A": [f"127.0.1.{i}"]} for i, n in enumerate(names)})
    server = dns_server(zones)
    orders = set()
    for seed in range(12):
        route = route_of(server, "example.test", seed=seed)
        assert route.hosts[0].name == "first.example.test"  # lowest preference stays first
        assert sorted(h.name for h in route.hosts[1:]) == names
        order = tuple(h.name for h in route.hosts[1:])
        assert order == tuple(h.name for h in route_of(server, "example.test", seed).hosts[1:])
        orders.add(order)
    assert len(orders) > 1
    assert route.has_ties


# -- the implicit MX and the failures ---------------------------------------------------


def test_no_mx_record_means_the_domain_itself_is_the_implicit_mx(dns_server) -> None:
    server = dns_server({"plain.test": {"A": ["127.0.0.7"], "TXT": ["v=spf1 -all"]}})
    route = route_of(server, "plain.test")
    assert route.implicit
    assert [(h.preference, h.name, h.ttl) for h in route.hosts] == [(0, "plain.test", None)]
    assert walk(route) == [("plain.test", "127.0.0.7")]
    assert route.hosts[0].flags == ["implicit MX"]
    assert ("plain.test", "MX") in server.queries


def test_no_mx_and_no_address_is_dns_nomx(dns_server) -> None:
    server = dns_server({"bare.test": {"TXT": ["nothing here"]}})
    error = failure(server, "bare.test")
    assert error.kind == "dns-nomx"
    assert str(error) == ("bare.test has no MX record and no A or AAAA address: "
                          "it cannot receive mail")


def test_nxdomain_is_a_clear_error(dns_server) -> None:
    server = dns_server({"nx.test": "NXDOMAIN"})
    error = failure(server, "nx.test")
    assert error.kind == "dns-nxdomain"
    assert str(error) == f"nx.test does not exist (NXDOMAIN from {server.address})"
    assert server.queries == [("nx.test", "MX")]


def test_a_name_missing_from_the_table_is_nxdomain_too(dns_server) -> None:
    assert failure(dns_server({}), "unknown.test").kind == "dns-nxdomain"


def test_servfail_is_temporary_and_never_falls_back_to_a_records(dns_server) -> None:
    server = dns_server({"broken.test": {"MX": "SERVFAIL", "A": ["127.0.0.2"]}})
    error = failure(server, "broken.test")
    assert error.kind == "dns-temporary"
    assert f"the resolver {server.address} answered SERVFAIL" in str(error)
    assert "not falling back to A records" in str(error)
    assert server.queries == [("broken.test", "MX")]


def test_refused_is_temporary(dns_server) -> None:
    error = failure(dns_server({"closed.test": "REFUSED"}), "closed.test")
    assert error.kind == "dns-temporary"
    assert "answered REFUSED" in str(error)


def test_a_resolver_that_never_answers_gives_a_clear_error_within_the_timeout(dns_server) -> None:
    server = dns_server({"slow.test": "TIMEOUT", "fast.test": {"A": ["127.0.0.2"]}})
    error = failure(server, "slow.test")
    assert error.kind == "dns-unreachable"
    assert str(error) == (f"looking up the MX of slow.test failed: no answer from the resolver "
                          f"{server.address} within 0.5 s; not falling back to A records, "
                          "check the resolver, or choose one with --dns")
    assert ("slow.test", "A") not in server.queries


def test_a_silent_resolver_is_unreachable(dns_server) -> None:
    server = dns_server({}, default="TIMEOUT")
    assert failure(server, "example.test").kind == "dns-unreachable"


def test_a_closed_resolver_port_is_unreachable() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RouteError) as info:
        resolve_route("example.test", make_resolver(f"127.0.0.1:{port}", T))
    assert info.value.kind == "dns-unreachable"
    assert f"127.0.0.1:{port}" in str(info.value)


def test_null_mx_means_the_domain_accepts_no_mail(dns_server) -> None:
    server = dns_server({"null.test": {"MX": [(0, ".")], "A": ["127.0.0.2"]}})
    error = failure(server, "null.test")
    assert error.kind == "dns-nullmx"
    assert str(error) == "null.test publishes a null MX (RFC 7505): it accepts no mail"
    assert server.queries == [("null.test", "MX")]


def test_null_mx_mixed_with_real_ones_is_flagged_and_skipped(dns_server) -> None:
    server = dns_server({"mixed.test": {"MX": [(0, "."), (10, "mx.mixed.test.")]},
                         "mx.mixed.test": {"A": ["127.0.0.2"]}})
    route = route_of(server, "mixed.test")
    assert [h.name for h in route.hosts] == [".", "mx.mixed.test"]
    assert route.hosts[0].flags == ["null MX"]
    assert walk(route) == [("mx.mixed.test", "127.0.0.2")]


# -- problems with one host ---------------------------------------------------------------


def test_an_mx_pointing_at_a_cname_is_followed_and_flagged(dns_server) -> None:
    server = dns_server({"example.test": {"MX": [(10, "mail.example.test.")]},
                         "mail.example.test": {"CNAME": "real.example.test."},
                         "real.example.test": {"A": ["127.0.0.3"]}})
    route = route_of(server, "example.test")
    host = route.hosts[0]
    assert host.flags == ["CNAME"]
    assert "mail.example.test is an alias of real.example.test" in host.problems[0]
    assert walk(route) == [("mail.example.test", "127.0.0.3")]


def test_a_domain_that_is_an_alias_uses_the_target_mx_without_a_flag(dns_server) -> None:
    server = dns_server({"alias.test": {"CNAME": "target.test."},
                         "target.test": {"MX": [(5, "mx.target.test.")]},
                         "mx.target.test": {"A": ["127.0.0.4"]}})
    route = route_of(server, "alias.test")
    assert route.canonical == "target.test"
    assert walk(route) == [("mx.target.test", "127.0.0.4")]
    assert route.hosts[0].problems == []


def test_an_mx_that_is_an_ip_literal_is_used_as_the_address(dns_server) -> None:
    server = dns_server({"lit.test": {"MX": [(10, "127.0.0.6.")]}})
    route = route_of(server, "lit.test")
    assert route.hosts[0].flags == ["IP literal"]
    assert walk(route) == [("127.0.0.6", "127.0.0.6")]
    assert server.queries == [("lit.test", "MX")]


def test_a_host_without_address_stays_in_the_table_but_not_in_the_walk(dns_server) -> None:
    server = dns_server({"example.test": {"MX": [(10, "empty.example.test."),
                                                 (20, "gone.example.test."),
                                                 (30, "ok.example.test.")]},
                         "empty.example.test": {"TXT": ["no address"]},
                         "ok.example.test": {"A": ["127.0.0.2"]}})
    route = route_of(server, "example.test")
    assert [h.name for h in route.hosts] == ["empty.example.test", "gone.example.test",
                                             "ok.example.test"]
    assert route.hosts[0].problems == ["no address: it has no A or AAAA record; "
                                       "skipped in the walk"]
    assert route.hosts[1].problems == ["no address: it does not exist (NXDOMAIN); "
                                       "skipped in the walk"]
    assert walk(route) == [("ok.example.test", "127.0.0.2")]
    assert route.unusable() is None


def test_a_route_whose_hosts_all_lack_addresses_is_unusable(dns_server) -> None:
    server = dns_server({"dead.test": {"MX": [(10, "nowhere.test.")]},
                         "flaky.test": {"MX": [(10, "mx.flaky.test.")]},
                         "mx.flaky.test": {"A": "SERVFAIL", "AAAA": "SERVFAIL"}})
    dead = route_of(server, "dead.test")
    assert dead.attempts() == []
    assert dead.unusable().kind == "dns-nomx"  # type: ignore[union-attr]
    flaky = route_of(server, "flaky.test")
    assert flaky.hosts[0].flags == ["lookup failed", "lookup failed", "no address"]
    assert flaky.unusable().kind == "dns-temporary"  # type: ignore[union-attr]


def test_one_address_family_failing_keeps_the_other(dns_server) -> None:
    server = dns_server({"half.test": {"MX": [(10, "mx.half.test.")]},
                         "mx.half.test": {"A": ["127.0.0.2"], "AAAA": "SERVFAIL"}})
    host = route_of(server, "half.test").hosts[0]
    assert host.addresses == ["127.0.0.2"]
    assert host.flags == ["lookup failed"]
    assert "AAAA mx.half.test" in host.problems[0] and "SERVFAIL" in host.problems[0]


def test_implicit_mx_whose_address_lookups_fail_is_temporary_not_nomx(dns_server) -> None:
    server = dns_server({"wobbly.test": {"A": "SERVFAIL", "AAAA": "SERVFAIL"}})
    error = failure(server, "wobbly.test")
    assert error.kind == "dns-temporary"
    assert "SERVFAIL" in str(error)


# -- addresses and TTLs ---------------------------------------------------------------------


ZONES_V46 = {
    "example.test": {"MX": [(10, "mx1.example.test.")], "TTL": 3600},
    "mx1.example.test": {"A": ["127.0.0.2"], "AAAA": ["::1", "::2"],
                         "TTL": {"A": 60, "AAAA": 120}},
}


def test_ipv6_addresses_come_before_ipv4_and_ttls_are_kept(dns_server) -> None:
    route = route_of(dns_server(ZONES_V46), "example.test")
    host = route.hosts[0]
    assert host.addresses == ["::1", "::2", "127.0.0.2"]
    assert host.ttl == 3600
    assert host.address_ttls == {"::1": 120, "::2": 120, "127.0.0.2": 60}


def test_ipv4_first_on_request(dns_server) -> None:
    route = route_of(dns_server(ZONES_V46), "example.test", prefer_ipv6=False)
    assert route.hosts[0].addresses == ["127.0.0.2", "::1", "::2"]


def test_each_family_keeps_its_place_when_the_server_shuffles_records(dns_server) -> None:
    zones = {"v.test": {"A": [f"127.0.3.{i}" for i in range(5)],
                        "AAAA": [f"::{i + 1}" for i in range(5)]}}
    addresses = route_of(dns_server(zones, shuffle=True), "v.test").hosts[0].addresses
    assert [":" in a for a in addresses] == [True] * 5 + [False] * 5
    assert sorted(addresses[5:]) == sorted(zones["v.test"]["A"])


def test_negative_answers_carry_an_soa_for_the_negative_ttl(dns_server) -> None:
    import dns.message
    import dns.query
    import dns.rcode
    import dns.rdatatype

    server = dns_server({"t.test": {"A": ["127.0.0.2"]}}, negative_ttl=30)
    for name, rcode in (("t.test", dns.rcode.NOERROR), ("none.test", dns.rcode.NXDOMAIN)):
        query = dns.message.make_query(name, "MX")
        answer = dns.query.udp(query, server.host, timeout=T, port=server.port)
        assert answer.rcode() == rcode
        assert answer.answer == []
        assert [(rr.rdtype, rr.ttl) for rr in answer.authority] == [(dns.rdatatype.SOA, 30)]


def test_default_ttl_is_the_servers(dns_server) -> None:
    route = route_of(dns_server({"t.test": {"A": ["127.0.0.2"]}}, ttl=42), "t.test")
    assert route.hosts[0].address_ttls == {"127.0.0.2": 42}


def test_a_big_answer_comes_over_tcp_after_truncation(dns_server) -> None:
    zones = {"big.test": {"MX": [(i, f"mx{i}.a-rather-long-host-name.big.test.")
                                 for i in range(40)]}}
    zones.update({f"mx{i}.a-rather-long-host-name.big.test": {"A": [f"127.0.2.{i}"]}
                  for i in range(40)})
    server = dns_server(zones)
    route = route_of(server, "big.test")
    assert [h.preference for h in route.hosts] == list(range(10))  # MAX_MX_HOSTS
    assert ("big.test", "MX") in server.tcp_queries


def test_a_resolver_on_ipv6_loopback(dns_server, ipv6_loopback) -> None:
    server = dns_server(ZONES_V46, host=ipv6_loopback)
    assert server.address == f"[::1]:{server.port}"
    route = route_of(server, "example.test")
    assert route.resolver == server.address
    assert walk(route)[0] == ("mx1.example.test", "::1")


# -- input ----------------------------------------------------------------------------------


def test_an_address_literal_domain_needs_no_dns(dns_server) -> None:
    server = dns_server({})
    route = route_of(server, "[127.0.0.8]")
    assert walk(route) == [("[127.0.0.8]", "127.0.0.8")]
    assert server.queries == []


@pytest.mark.parametrize("bad", ["", "a..b", "-x.test", "x" * 64 + ".test", "sp ace.test",
                                 "127.0.0.1", "[not-an-ip]"])
def test_invalid_domains_are_input_errors(dns_server, bad: str) -> None:
    server = dns_server({})
    with pytest.raises(InputError):
        route_of(server, bad)
    assert server.queries == []


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1", ("127.0.0.1", 53)), ("127.0.0.1:5353", ("127.0.0.1", 5353)),
    ("[::1]:5353", ("::1", 5353)), ("::1", ("::1", 53)), ("[::1]", ("::1", 53)),
])
def test_resolver_addresses(text: str, expected: tuple[str, int]) -> None:
    assert parse_server(text) == expected


@pytest.mark.parametrize("bad", ["127.0.0.1:0", "127.0.0.1:99999", "127.0.0.1:dns", "[::1",
                                 "[::1]x"])
def test_bad_resolver_addresses(bad: str) -> None:
    with pytest.raises(InputError):
        make_resolver(bad, T)


def test_the_pinned_host_is_the_only_one_walked(dns_server) -> None:
    server = dns_server({"example.test": {"MX": [(10, "a.example.test."),
                                                 (20, "b.example.test.")]},
                         "a.example.test": {"A": ["127.0.0.2"]},
                         "b.example.test": {"A": ["127.0.0.3"]}})
    route = route_of(server, "example.test")
    assert walk(route.pinned("B.example.test.")) == [("b.example.test", "127.0.0.3")]
    assert walk(route.pinned("127.0.0.2")) == [("a.example.test", "127.0.0.2")]
    with pytest.raises(InputError, match="not an MX host of example.test"):
        route.pinned("c.example.test")


def test_recipients_are_grouped_by_domain_case_insensitively() -> None:
    groups = group_by_domain(["a@Example.test", "b@other.test", "C@EXAMPLE.TEST.",
                              "<d@other.test>", '"x@y"@third.test'])
    assert groups == {"example.test": ["a@Example.test", "C@EXAMPLE.TEST."],
                      "other.test": ["b@other.test", "<d@other.test>"],
                      "third.test": ['"x@y"@third.test']}
    assert list(groups) == ["example.test", "other.test", "third.test"]


@pytest.mark.parametrize("bad", ["nobody", "@example.test", "user@", "user@bad..test"])
def test_a_recipient_without_a_usable_domain_is_an_input_error(bad: str) -> None:
    with pytest.raises(InputError):
        group_by_domain([bad])


def test_several_domains_get_one_route_each(dns_server) -> None:
    server = dns_server({"one.test": {"MX": [(10, "mx.one.test.")]},
                         "mx.one.test": {"A": ["127.0.0.2"]},
                         "two.test": {"A": ["127.0.0.3"]}})
    resolver = make_resolver(server.address, T)
    routes = {domain: resolve_route(domain, resolver)
              for domain in group_by_domain(["x@one.test", "y@TWO.test", "z@one.test"])}
    assert {d: walk(r) for d, r in routes.items()} == {
        "one.test": [("mx.one.test", "127.0.0.2")], "two.test": [("two.test", "127.0.0.3")]}
    assert [q for q in server.queries if q[1] == "MX"] == [("one.test", "MX"), ("two.test", "MX")]


def test_importing_routes_does_not_load_dnspython() -> None:
    code = ("import sys, smtptui.net.routes, smtptui.cli.mx\n"
            "sys.exit(1 if any(m.split('.')[0] == 'dns' for m in sys.modules) else 0)\n")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0

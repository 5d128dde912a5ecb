"""``smtptui mx``: the route table, its flags, JSON and exit codes, over a loopback DNS server."""

from __future__ import annotations

import io
import json
import random
import re
import subprocess
import sys

import pytest

from smtptui.cli.mx import run_mx
from smtptui.smtp.domains import split_resolver
from smtptui.smtp.errors import InputError
from tests.fixtures.dnsserver import DNSServer

T = 0.5

ZONES = {
    "example.test": {"MX": [(20, "mx2.example.test."), (10, "mx1.example.test."),
                            (30, "alias.example.test."), (40, "127.0.0.9."),
                            (50, "gone.example.test.")]},
    "mx1.example.test": {"A": ["127.0.0.2"], "AAAA": ["::1"], "TTL": {"A": 60}},
    "mx2.example.test": {"A": ["127.0.0.3"]},
    "alias.example.test": {"CNAME": "real.example.test."},
    "real.example.test": {"A": ["127.0.0.4"]},
    "plain.test": {"A": ["127.0.0.5"]},
    "nx.test": "NXDOMAIN",
    "broken.test": "SERVFAIL",
    "slow.test": "TIMEOUT",
    "null.test": {"MX": [(0, ".")]},
    "dead.test": {"MX": [(10, "nowhere.test.")]},
}


def mx(server: DNSServer | str, domain: str, *, as_json: bool = False) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    where = server if isinstance(server, str) else server.address
    code = run_mx(domain, where, T, as_json, out, err=err, shuffle=random.Random(0))
    return code, out.getvalue(), err.getvalue()


def test_the_table_lists_hosts_in_walk_order_with_addresses_ttls_and_flags(dns_server) -> None:
    server = dns_server(ZONES)
    code, out, err = mx(server, "example.test")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == (f"example.test: 5 MX hosts, in the order a session walks them "
                        f"(resolver {server.address})")
    assert lines[1].split() == ["PREF", "HOST", "TTL", "ADDRESS", "ADDR", "TTL", "FLAGS"]
    assert [line.split() for line in lines[2:8]] == [
        ["10", "mx1.example.test", "300", "::1", "300"],
        ["127.0.0.2", "60"],
        ["20", "mx2.example.test", "300", "127.0.0.3", "300"],
        ["30", "alias.example.test", "300", "127.0.0.4", "300", "CNAME"],
        ["40", "127.0.0.9", "300", "127.0.0.9", "-", "IP", "literal"],
        ["50", "gone.example.test", "300", "-", "-", "no", "address"],
    ]
    assert "alias.example.test: CNAME: alias.example.test is an alias of real.example.test" in out
    assert ("gone.example.test: no address: it does not exist (NXDOMAIN); skipped in the walk"
            in out)


def test_implicit_mx_is_said_and_flagged(dns_server) -> None:
    code, out, _ = mx(dns_server(ZONES), "plain.test")
    assert code == 0
    assert out.startswith("plain.test: no MX record; the implicit MX is the domain itself")
    assert out.splitlines()[2].split() == ["0", "plain.test", "-", "127.0.0.5", "300",
                                           "implicit", "MX"]


def test_json_is_one_object_with_the_route(dns_server) -> None:
    server = dns_server(ZONES)
    code, out, err = mx(server, "example.test", as_json=True)
    assert (code, err) == (0, "")
    assert out.count("\n") == 1
    obj = json.loads(out)
    assert {k: obj[k] for k in ("domain", "resolver", "implicit", "error")} == {
        "domain": "example.test", "resolver": server.address, "implicit": False, "error": None}
    first = obj["hosts"][0]
    assert first["name"] == "mx1.example.test"
    assert first["addresses"] == ["::1", "127.0.0.2"]
    assert first["address_ttls"] == {"::1": 300, "127.0.0.2": 60}
    assert [h["flags"] for h in obj["hosts"]] == [[], [], ["CNAME"], ["IP literal"],
                                                  ["no address"]]


@pytest.mark.parametrize(("domain", "kind", "message"), [
    ("nx.test", "dns-nxdomain", "nx.test does not exist (NXDOMAIN from {addr})"),
    ("broken.test", "dns-temporary", "looking up the MX of broken.test failed: the resolver "
     "{addr} answered SERVFAIL; not falling back to A records, try again later"),
    ("slow.test", "dns-unreachable", "looking up the MX of slow.test failed: no answer from the "
     "resolver {addr} within 0.5 s; not falling back to A records, check the resolver, or "
     "choose one with --dns"),
    ("null.test", "dns-nullmx", "null.test publishes a null MX (RFC 7505): it accepts no mail"),
])
def test_dns_failures_exit_2_with_one_line(dns_server, domain: str, kind: str,
                                           message: str) -> None:
    server = dns_server(ZONES)
    expected = message.format(addr=server.address)
    assert mx(server, domain) == (2, "", f"smtptui: {expected}\n")
    code, out, err = mx(server, domain, as_json=True)
    assert (code, err) == (2, f"smtptui: {expected}\n")
    assert json.loads(out)["error"] == {"kind": kind, "message": expected}


def test_a_route_without_any_address_prints_the_table_and_exits_2(dns_server) -> None:
    code, out, err = mx(dns_server(ZONES), "dead.test")
    assert code == 2
    assert "nowhere.test" in out and "no address" in out
    assert err == ("smtptui: no MX host of dead.test has an address: "
                   "the domain cannot receive mail\n")


@pytest.mark.parametrize("domain", ["bad..test", "exa mple.test", "-dash.test", ""])
def test_an_invalid_domain_exits_1_and_asks_nothing(dns_server, domain: str) -> None:
    server = dns_server(ZONES)
    code, out, err = mx(server, domain)
    assert (code, out) == (1, "")
    assert err.startswith("smtptui: ") and "not a valid domain name" in err
    assert err.count("\n") == 1
    assert server.queries == []


def test_a_bad_resolver_address_exits_1() -> None:
    code, _, err = mx("127.0.0.1:99999", "example.test")
    assert code == 1
    assert err == "smtptui: --dns '127.0.0.1:99999': the port must be a number from 1 to 65535\n"


def test_python_m_smtptui_mx(dns_server) -> None:
    server = dns_server(ZONES)
    args = [sys.executable, "-m", "smtptui", "mx", "--dns", server.address, "--timeout", "0.5"]
    done = subprocess.run([*args, "example.test"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "mx1.example.test" in done.stdout
    done = subprocess.run([*args, "--json", "nx.test"], capture_output=True, text=True)
    assert done.returncode == 2
    assert json.loads(done.stdout)["error"]["kind"] == "dns-nxdomain"
    assert done.stderr.startswith("smtptui: nx.test does not exist")


def test_a_host_whose_look_ups_failed_is_flagged_once(dns_server) -> None:
    server = dns_server({"half.test": {"MX": [(10, "gone.half.test."), (20, "mx.half.test.")]},
                         "gone.half.test": {"A": "SERVFAIL", "AAAA": "SERVFAIL"},
                         "mx.half.test": {"A": ["127.0.0.2"]}})
    code, out, _ = mx(server, "half.test")
    assert code == 0
    row = next(line for line in out.splitlines() if line.lstrip().startswith("10"))
    assert row.split()[-4:] == ["lookup", "failed,", "no", "address"]
    assert out.count("gone.half.test: lookup failed: ") == 2  # each failed look-up named


@pytest.mark.parametrize(("text", "message"), [
    ("", "--dns '': give the resolver as HOST[:PORT]"),
    ("x y", "'x y' is neither an IP address nor a valid host name"),
    ("a..b:53", "neither an IP address nor a valid host name"),
    ("-a.example", "neither an IP address nor a valid host name"),
    ("[example.test]:53", "write an IPv6 resolver as [ADDRESS]:PORT"),
    ("127.0.0.1:", "the port must be a number"),
])
def test_a_resolver_must_be_an_address_or_a_host_name(text: str, message: str) -> None:
    """Checked without any look-up: an empty value is not "the system's resolver"."""
    with pytest.raises(InputError, match=re.escape(message)):
        split_resolver(text)


@pytest.mark.parametrize(("text", "expected"), [
    ("127.0.0.1", ("127.0.0.1", 53)), ("[::1]:5353", ("::1", 5353)), ("::1", ("::1", 53)),
    ("ns1.example.test:5353", ("ns1.example.test", 5353)), ("localhost.", ("localhost.", 53)),
])
def test_a_resolver_name_is_split_without_a_look_up(text: str, expected: tuple[str, int]
                                                    ) -> None:
    assert split_resolver(text) == expected


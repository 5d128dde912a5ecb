"""Local checks: the greeting's name and delay, and our reverse DNS, against the loopback DNS."""

from __future__ import annotations

import subprocess
import sys

import pytest

from smtptui.net.checks import Check, local_checks
from smtptui.net.resolver import make_resolver

PUBLIC_V4 = "5.9.10.11"  # only ever a name in a question to the loopback DNS server
PUBLIC_V6 = "2a01:4f8::10"
ZONES = {
    "11.10.9.5.in-addr.arpa": {"PTR": ["mail.example.test."]},
    "mail.example.test": {"A": [PUBLIC_V4], "AAAA": [PUBLIC_V6]},
    "0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.f.4.0.1.0.a.2.ip6.arpa": {
        "PTR": ["mail.example.test."]},
}


def by_name(checks: list[Check]) -> dict[str, Check]:
    assert [c.name for c in checks] == ["banner-name", "banner-delay", "reverse-dns"]
    return {c.name: c for c in checks}


def checks(helo: str = "mail.example.test", banner: str = "220 mx.example.net ESMTP",
           host: str = "mx.example.net", delay: float | None = 0.05,
           local: str = "127.0.0.1", resolver=None) -> dict[str, Check]:
    return by_name(local_checks(helo, banner, host, delay, local, resolver))


# --- the greeting -------------------------------------------------------------------------


def test_banner_naming_the_host_connected_to() -> None:
    check = checks(banner="220 MX.Example.NET. ESMTP Postfix")["banner-name"]
    assert check.ok is True and "mx.example.net" in check.text


def test_banner_naming_another_host_is_a_note_about_load_balancers() -> None:
    check = checks(banner="220-edge-04.lb.example.net ESMTP", host="mx.example.net")
    name = check["banner-name"]
    assert name.ok is None and name.label == "note"
    assert "edge-04.lb.example.net" in name.text and "load balancer" in name.text


def test_banner_when_connected_by_address_is_not_a_mismatch() -> None:
    # Connected to an address, there is no name to hold the greeting's name against: no note
    # about load balancers or aliases (it fired for every run to 127.0.0.1 or a bare IP).
    name = checks(host="192.0.2.25")["banner-name"]
    assert name.ok is None and name.text.startswith("not checked:")
    assert "address 192.0.2.25" in name.text and "mx.example.net" in name.text
    assert "load balancer" not in name.text and "alias" not in name.text
    v6 = checks(host="[2001:db8::25]")["banner-name"]
    assert v6.text.startswith("not checked:") and "load balancer" not in v6.text


def test_banner_giving_another_address_than_the_one_connected_to_is_a_note() -> None:
    name = checks(banner="220 [192.0.2.7] ESMTP", host="192.0.2.25")["banner-name"]
    assert name.ok is None and "load balancer" in name.text
    same = checks(banner="220 [192.0.2.25] ESMTP", host="192.0.2.25")["banner-name"]
    assert same.ok is True


@pytest.mark.parametrize("banner, words", [
    ("220 ESMTP service ready", "fully qualified host name"),
    ("", "not checked: no greeting"),
    ("450 4.3.2 mx2 busy", "not checked: the greeting was a 450 refusal"),
    ("554-5.7.1 no", "not checked: the greeting was a 554 refusal"),
])
def test_banner_without_a_name(banner: str, words: str) -> None:
    name = checks(banner=banner)["banner-name"]
    assert name.ok is None and words in name.text


@pytest.mark.parametrize("delay, ok, words", [
    (0.05, True, "after 0.05 s"),
    (12.5, False, "tar-pitting"),
    (None, None, "not checked"),
])
def test_banner_delay(delay: float | None, ok: bool | None, words: str) -> None:
    check = checks(delay=delay)["banner-delay"]
    assert check.ok is ok and words in check.text


# --- reverse DNS of our own address -------------------------------------------------------


@pytest.mark.parametrize("local", ["127.0.0.1", "10.1.2.3", "192.168.1.20", "::1",
                                   "fe80::1%eth0", "::ffff:10.0.0.5"])
def test_private_addresses_are_not_looked_up(dns_server, local: str) -> None:
    dns = dns_server(ZONES)
    check = checks(local=local, resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is None and "not checked: private address" in check.text
    assert dns.queries == []


def test_no_resolver_no_lookup_and_no_dnspython() -> None:
    code = (
        "import sys\n"
        "from smtptui.net.checks import local_checks\n"
        f"c = local_checks('h.example', '220 x.example', 'x.example', 0.1, '{PUBLIC_V4}')\n"
        "assert c[2].ok is None and 'no DNS resolver' in c[2].text, c[2]\n"
        "assert not any(m == 'dns' or m.startswith('dns.') for m in sys.modules)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


@pytest.mark.parametrize("local", [PUBLIC_V4, PUBLIC_V6])
def test_forward_confirmed_and_matching_helo(dns_server, local: str) -> None:
    dns = dns_server(ZONES)
    check = checks(local=local, resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is True
    assert "forward-confirmed" in check.text and "matches the HELO name" in check.text
    assert [t for _, t in dns.queries] == ["PTR", "A" if "." in local else "AAAA"]


def test_helo_that_does_not_match_says_which_name_to_use(dns_server) -> None:
    dns = dns_server(ZONES)
    check = checks(helo="laptop.local", local=PUBLIC_V4,
                   resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is False
    assert "laptop.local" in check.text and "give mail.example.test as the HELO name" in check.text


def test_helo_address_literal_is_a_note(dns_server) -> None:
    dns = dns_server(ZONES)
    check = checks(helo=f"[{PUBLIC_V4}]", local=PUBLIC_V4,
                   resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is None and "address literal" in check.text


def test_no_ptr_record(dns_server) -> None:
    dns = dns_server(ZONES)
    check = checks(local="5.9.10.12", resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is False and "no reverse DNS" in check.text
    assert ("12.10.9.5.in-addr.arpa", "PTR") in dns.queries


def test_ptr_that_does_not_resolve_back(dns_server) -> None:
    zones = dict(ZONES, **{"mail.example.test": {"A": ["5.9.10.99"]}})
    dns = dns_server(zones)
    check = checks(local=PUBLIC_V4, resolver=make_resolver(dns.address, 2))["reverse-dns"]
    assert check.ok is False
    assert "mail.example.test" in check.text and "not forward-confirmed" in check.text


@pytest.mark.parametrize("behaviour", ["SERVFAIL", "TIMEOUT"])
def test_failed_lookup_is_not_a_verdict(dns_server, behaviour: str) -> None:
    dns = dns_server({"11.10.9.5.in-addr.arpa": behaviour})
    check = checks(local=PUBLIC_V4, resolver=make_resolver(dns.address, 1))["reverse-dns"]
    assert check.ok is None and "not checked: a look-up" in check.text


def test_as_dict_is_json_ready() -> None:
    check = Check("banner-delay", None, "not checked")
    assert check.as_dict() == {"name": "banner-delay", "ok": None, "text": "not checked"}

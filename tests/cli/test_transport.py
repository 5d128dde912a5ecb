"""How `smtptui run` connects (swaks' transport options), against loopback servers: the
local address and port the server saw (--local-interface, --local-port), the address family
(-4, -6), a UNIX-domain socket (--socket); on both transports. Each bad value is one line,
exit 1, and no connection."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from smtptui.launch.checked_plan import default_helo
from tests.cli.helpers import run_in_process, server_args, smtptui
from tests.fixtures.scripted import standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
TRANSPORTS = [pytest.param(True, id="blocking"), pytest.param(False, id="asyncio")]


def free_port(host: str = "127.0.0.2") -> int:
    """A port nothing listens on at ``host`` now (the client binds it next)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --- --local-interface and --local-port ------------------------------------------------------

@pytest.mark.parametrize("blocking", TRANSPORTS)
def test_the_server_sees_the_local_address_and_port(scripted, blocking: bool) -> None:
    server = scripted(standard)
    port = free_port()
    result, events = run_in_process(*server_args(server), *ENVELOPE, "--local-interface",
                                    "127.0.0.2", "--local-port", str(port), blocking=blocking)
    assert result.exit_code == 0, result.error
    assert server.connections[0].peername == ("127.0.0.2", port)
    assert result.local_address == "127.0.0.2"
    assert any(e.text == f"Connected to 127.0.0.1 port {server.port} from 127.0.0.2 port "
               f"{port}" for e in events)


def test_local_interface_takes_a_port_too(scripted) -> None:
    server = scripted(standard)
    port = free_port()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--local-interface",
                  f"127.0.0.3:{port}", "--json")
    assert run.code == 0, run.out + run.err
    assert server.connections[0].peername == ("127.0.0.3", port)


@pytest.mark.parametrize("blocking", TRANSPORTS)
def test_local_port_alone(scripted, blocking: bool) -> None:
    server = scripted(standard)
    port = free_port("127.0.0.1")
    result, _ = run_in_process(*server_args(server), *ENVELOPE, "--lport", str(port),
                               blocking=blocking)
    assert result.exit_code == 0, result.error
    assert server.connections[0].peername == ("127.0.0.1", port)


def test_a_local_port_alone_binds_the_wildcard_address(scripted,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """asyncio resolves the local address to bind: with no address it must ask for the
    wildcard (AI_PASSIVE), not loopback, or a connection to another host could not leave."""
    server = scripted(standard)
    real, asked = socket.getaddrinfo, []

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
        found = real(host, port, family, type, proto, flags)
        if host is None:
            asked.extend(info[4][0] for info in found)
        return found

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    result, _ = run_in_process(*server_args(server), *ENVELOPE, "--lport",
                               str(free_port("127.0.0.1")), blocking=False)
    assert result.exit_code == 0, result.error
    assert asked and set(asked) <= {"0.0.0.0", "::"}, asked


@pytest.mark.parametrize("blocking", TRANSPORTS)
def test_an_ipv6_local_interface(scripted, ipv6_loopback: str, blocking: bool) -> None:
    server = scripted(standard, host=ipv6_loopback)
    port = free_port("::1")
    result, _ = run_in_process(*server_args(server), *ENVELOPE, "--local-interface",
                               f"[::1]:{port}", blocking=blocking)
    assert result.exit_code == 0, result.error
    assert server.connections[0].peername[:2] == ("::1", port)


@pytest.mark.parametrize("blocking", TRANSPORTS)
def test_a_local_port_in_use_is_a_connect_failure_in_words(scripted, blocking: bool) -> None:
    server = scripted(standard)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result, _ = run_in_process(*server_args(server), *ENVELOPE, "--local-interface",
                                   "127.0.0.1", "--local-port", str(port), blocking=blocking)
    assert result.exit_code == 2
    assert f"the local address 127.0.0.1 port {port} cannot be used" in result.error
    assert server.connections == []


@pytest.mark.parametrize("flags, words", [
    (["--local-interface", "mail.example.com"], "give an IP address of this host"),
    (["--local-interface", "127.0.0.2:99999"], "is not a number from 1 to 65535"),
    (["--local-interface", "127.0.0.2:"], "no port after ':'"),
    (["--local-port", "0"], "--local-port 0: from 1 to 65535"),
    (["--local-port", "http"], "is not a port number"),
    (["--local-interface", "127.0.0.2:2525", "--local-port", "2526"], "give the port once"),
    (["--local-interface", "::1"], "is an IPv4 address: --local-interface ::1 connects "
                                   "over IPv6 only"),
    (["-6"], "the server 127.0.0.1 is an IPv4 address: -6 connects over IPv6 only"),
    (["-4", "-6"], "not allowed with argument"),
    (["-4", "--local-interface", "::1"], "is an IPv6 address and -4 asks for IPv4"),
])
def test_bad_transport_values_are_one_line_and_nothing_is_sent(scripted, flags: list[str],
                                                               words: str) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, *flags)
    assert run.code == 1, run.out + run.err
    assert words in run.err and run.err.count("\n") == 1, run.err
    assert run.out == "" and server.connections == []


# --- -4 and -6: the address family of a name's addresses --------------------------------------

@pytest.fixture
def dual_stack(scripted, ipv6_loopback: str, monkeypatch: pytest.MonkeyPatch):
    """A name, dual.test, whose addresses are ::1 and 127.0.0.1 (a server on each), as a
    resolver would give them (IPv6 first), honouring the family asked for; no resolver is
    asked. Returns (the IPv4 server, the IPv6 server)."""
    four, six = scripted(standard), scripted(standard, host=ipv6_loopback)
    real = socket.getaddrinfo

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):  # type: ignore[no-untyped-def]
        if host not in ("dual.test", b"dual.test"):
            return real(host, port, family, type, proto, flags)
        answers = [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", six.port, 0, 0)),
                   (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", four.port))]
        found = [a for a in answers if family in (0, a[0])]
        if not found:
            raise socket.gaierror(socket.EAI_ADDRFAMILY, "Address family for hostname not "
                                  "supported")
        return found

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return four, six


@pytest.mark.parametrize("blocking", TRANSPORTS)
@pytest.mark.parametrize("flag", ["-4", "-6", None])
def test_ip_version_picks_the_address_family(dual_stack, flag: str | None,
                                             blocking: bool) -> None:
    four, six = dual_stack
    result, events = run_in_process("--server", "dual.test:25", "--tls", "off", "--helo",
                                    "client.example", *ENVELOPE, *([flag] if flag else []),
                                    blocking=blocking)
    assert result.exit_code == 0, result.error
    used, unused = (four, six) if flag == "-4" else (six, four)
    assert len(used.connections) == 1 and unused.connections == []
    if flag:
        assert events[0].text == f"Trying dual.test:25, IPv{flag[1]} only..."


# --- --socket ----------------------------------------------------------------------------------

@pytest.mark.parametrize("blocking", TRANSPORTS)
def test_a_unix_socket_server(scripted, tmp_path: Path, blocking: bool) -> None:
    path = str(tmp_path / "smtp.sock")
    server = scripted(standard, unix=path)
    result, events = run_in_process("--socket", path, "--tls", "off", "--helo",
                                    "client.example", *ENVELOPE, blocking=blocking)
    assert result.exit_code == 0, result.error
    (envelope,) = server.connections[0].envelopes
    assert envelope.rcpt_tos == ["RCPT TO:<b@example.net>"]
    texts = [e.text for e in events]
    assert f"Trying UNIX socket {path}..." in texts and f"Connected to UNIX socket {path}" in texts
    assert result.host == path and result.address == path and result.local_address == ""
    checks = {check["name"]: check for check in result.checks}
    assert checks["banner-name"]["text"] == ("not checked: connected over a UNIX-domain "
                                             "socket (no host name)")
    assert checks["reverse-dns"]["text"] == ("not checked: connected over a UNIX-domain "
                                             "socket (no IP address)")


def test_lmtp_over_a_unix_socket_with_aiosmtpd(tmp_path: Path) -> None:
    """swaks' own example: LMTP to an MDA's socket (aiosmtpd's LMTP server here)."""
    from aiosmtpd.controller import UnixSocketController
    from aiosmtpd.handlers import Sink
    from aiosmtpd.lmtp import LMTP

    received: list[list[str]] = []

    class Recorder(Sink):
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            received.append(list(envelope.rcpt_tos))
            return "250 OK"

    class LmtpController(UnixSocketController):
        def factory(self):  # type: ignore[no-untyped-def]
            return LMTP(self.handler)

    path = str(tmp_path / "lmtp.sock")
    controller = LmtpController(Recorder(), unix_socket=path)
    controller.start()
    try:
        run = smtptui("run", "--socket", path, "--protocol", "lmtp", "--helo",
                      "client.example", *ENVELOPE, "--json")
    finally:
        controller.stop()
    assert run.code == 0, run.out + run.err
    assert received == [["b@example.net"]]
    assert any(e["text"] == "LHLO client.example" for e in run.events())


def test_a_missing_socket_is_a_connect_failure(tmp_path: Path) -> None:
    run = smtptui("run", "--socket", str(tmp_path / "none.sock"), *ENVELOPE, "--json")
    assert run.code == 2, run.out + run.err
    assert run.result["error"].startswith(f"cannot connect to UNIX socket {tmp_path}")


@pytest.mark.parametrize("flags, words", [
    (["--server", "127.0.0.1"], "--socket and --server: a UNIX-domain socket is the server"),
    (["--port", "24"], "--socket and --port"),
    (["-4"], "-4/-6 with --socket"),
    (["--local-port", "2525"], "--local-port with --socket"),
    (["--direct"], "--socket and --direct"),
])
def test_bad_socket_combinations(tmp_path: Path, flags: list[str], words: str) -> None:
    run = smtptui("run", "--socket", str(tmp_path / "x.sock"), *ENVELOPE, *flags)
    assert run.code == 1 and words in run.err, run.err


def test_a_socket_path_that_is_no_socket(tmp_path: Path) -> None:
    path = tmp_path / "plain.txt"
    path.write_text("not a socket\n")
    run = smtptui("run", "--socket", str(path), *ENVELOPE)
    assert run.code == 1 and "is not a UNIX-domain socket" in run.err, run.err
    run = smtptui("run", "--socket", "/" + "x" * 200, *ENVELOPE)
    assert run.code == 1 and "longer than 107 octets" in run.err, run.err


# --- the default HELO name --------------------------------------------------------------------

@pytest.mark.parametrize("name, said", [("mailhost", True), ("mailhost.example.org", False)])
def test_the_default_helo_is_the_host_name_as_it_is(scripted, monkeypatch: pytest.MonkeyPatch,
                                                    name: str, said: bool) -> None:
    monkeypatch.setattr(socket, "gethostname", lambda: name)
    assert default_helo() == name  # no ".localdomain" made up, no DNS look-up
    server = scripted(standard)
    result, events = run_in_process("--server", f"127.0.0.1:{server.port}", "--tls", "off",
                                    *ENVELOPE)
    assert result.exit_code == 0, result.error
    assert server.connections[0].received.startswith(f"EHLO {name}\r\n".encode())
    note = [e.text for e in events if "not a fully qualified domain name" in e.text]
    assert note == ([f"the HELO name {name} is not a fully qualified domain name (RFC 5321 "
                     "§4.1.1.1 asks for one, or an address literal): some servers refuse or "
                     "score it down; --helo NAME"] if said else [])


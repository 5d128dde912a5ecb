"""Self-tests of the loopback test servers and certificates, driven by Python's smtplib."""

from __future__ import annotations

import ipaddress
import os
import smtplib
import socket
import ssl

import pytest

from tests.fixtures import postfix_tree
from tests.fixtures.certs import Certs
from tests.fixtures.scripted import Peer, ScriptedServer, standard
from tests.fixtures.sink import SmtpSink, parse_dump
from tests.fixtures.smtpd import AioSmtpd

CLIENT_NAME = "client.test"  # smtplib would otherwise ask getfqdn()
MESSAGE = b"Subject: hello\r\nFrom: a@x.test\r\n\r\n.leading dot\r\nbody line\r\n"
STUFFED = b"Subject: hello\r\nFrom: a@x.test\r\n\r\n..leading dot\r\nbody line\r\n.\r\n"


def smtp(host: str, port: int) -> smtplib.SMTP:
    return smtplib.SMTP(host, port, local_hostname=CLIENT_NAME, timeout=10)


def smtplib_spelling() -> tuple[str, str]:
    """How this Python's smtplib writes MAIL and RCPT: "mail FROM:" and "rcpt TO:" up to 3.12,
    "mail from:" and "rcpt to:" in Debian 13's 3.13 (asked, not assumed, with no socket; the
    local_hostname keeps smtplib from asking getfqdn(), i.e. the machine's resolver)."""
    sent: list[str] = []
    client = smtplib.SMTP(local_hostname=CLIENT_NAME)
    client.putcmd = lambda cmd, args="": sent.append(f"{cmd} {args}")  # type: ignore[method-assign]
    client.getreply = lambda: (250, b"ok")  # type: ignore[method-assign]
    client.mail("a@x.test")
    client.rcpt("b@y.test")
    return sent[0].split("<")[0], sent[1].split("<")[0]


MAIL, RCPT = smtplib_spelling()


# --- scripted server -------------------------------------------------------------------------


def test_scripted_standard_session_records_the_wire(scripted) -> None:
    server = scripted(standard)
    with smtp(server.host, server.port) as client:
        refused = client.sendmail("a@x.test", ["b@y.test", "c@z.test"], MESSAGE)
    assert refused == {}
    peer = server.connections[0]
    assert peer.envelope is not None
    assert peer.envelope.mail_from == f"{MAIL}<a@x.test>"
    assert peer.envelope.rcpt_tos == [f"{RCPT}<b@y.test>", f"{RCPT}<c@z.test>"]
    assert peer.envelope.data == STUFFED
    assert peer.received.startswith(f"ehlo client.test\r\n{MAIL}<a@x.test>\r\n".encode())
    assert peer.received.endswith(STUFFED + b"QUIT\r\n")


def test_scripted_server_on_ipv6_loopback(scripted) -> None:
    server = scripted(standard, host="::1")
    with smtp(server.host, server.port) as client:
        assert client.helo()[0] == 250
    assert server.connections[0].received == b"helo client.test\r\nQUIT\r\n"


def test_a_failed_expect_fails_the_test_on_exit() -> None:
    async def wants_helo(peer: Peer) -> None:
        await peer.reply("220 hi")
        await peer.expect("HELO")

    with pytest.raises(AssertionError, match="expected a line starting 'HELO'.*ehlo"):  # noqa: SIM117
        with ScriptedServer(wants_helo) as server, smtp(server.host, server.port) as client:
            with pytest.raises(smtplib.SMTPServerDisconnected):
                client.ehlo()


def test_read_data_stops_at_the_terminator_and_keeps_what_follows(scripted) -> None:
    seen: list[bytes | None] = []

    async def handler(peer: Peer) -> None:
        await peer.reply("220 hi")
        seen.append(await peer.read_data())
        seen.append(await peer.read_data())
        seen.append(await peer.readline())
        seen.append(await peer.readline())

    server = scripted(handler)
    with socket.create_connection((server.host, server.port)) as sock:
        sock.recv(100)
        sock.sendall(b".\r\nline\r\n..x\r\n.\r\nQUIT\r\n")
        sock.shutdown(socket.SHUT_WR)
        assert sock.recv(100) == b""
    assert seen == [b".\r\n", b"line\r\n..x\r\n.\r\n", b"QUIT\r\n", None]


def test_reset_aborts_with_rst(scripted) -> None:
    async def handler(peer: Peer) -> None:
        await peer.expect("HELLO")
        await peer.reset()

    server = scripted(handler)
    with socket.create_connection((server.host, server.port)) as sock:
        sock.sendall(b"HELLO\r\n")
        with pytest.raises(ConnectionResetError):
            sock.recv(100)


def test_stall_makes_the_client_write_block(scripted) -> None:
    async def handler(peer: Peer) -> None:
        await peer.reply("354 go ahead")
        await peer.stall()

    server = scripted(handler)
    chunk, limit, sent = b"x" * 65536, 256 * 1024 * 1024, 0
    with socket.create_connection((server.host, server.port)) as sock:
        assert sock.recv(100).startswith(b"354")
        sock.setblocking(False)
        with pytest.raises(BlockingIOError):
            while sent < limit:
                sent += sock.send(chunk)
    assert 0 < sent < limit
    assert len(server.connections[0].received) < sent


def test_exit_does_not_wait_for_a_client_that_stays_connected() -> None:
    async def handler(peer: Peer) -> None:
        await peer.reply("220 hi")
        await peer.readline(timeout=600)  # cancelled on exit, not an error

    with ScriptedServer(handler, grace=0.1) as server:
        sock = socket.create_connection((server.host, server.port))
        assert sock.recv(100) == b"220 hi\r\n"
    with sock:
        try:
            rest = sock.recv(100)
        except ConnectionResetError:
            rest = b""
    assert rest == b""
    assert server.errors == []


def test_scripted_starttls_with_the_good_certificate(scripted, certs: Certs) -> None:
    ehlo = ("250-test.example", "250-STARTTLS", "250 8BITMIME")

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=ehlo, tls=certs.good_context())

    server = scripted(handler)
    with smtp(server.host, server.port) as client:
        client.starttls(context=certs.client_context())
        client.sendmail("a@x.test", ["b@y.test"], MESSAGE)
    peer = server.connections[0]
    assert peer.tls
    assert peer.envelope is not None and peer.envelope.data == STUFFED
    assert f"STARTTLS\r\nehlo client.test\r\n{MAIL}<a@x.test>".encode() in peer.received


def test_scripted_starttls_refused_by_the_client_is_not_a_script_error(certs: Certs) -> None:
    ehlo = ("250-test.example", "250 STARTTLS")

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=ehlo, tls=certs.expired_context())

    with ScriptedServer(handler) as server, smtp(server.host, server.port) as client:
        with pytest.raises(ssl.SSLCertVerificationError):
            client.starttls(context=certs.client_context())
        client.close()
    peer = server.connections[0]
    assert not peer.tls
    assert peer.tls_error is not None


# --- aiosmtpd --------------------------------------------------------------------------------


def test_aiosmtpd_delivers_the_unstuffed_crlf_message(smtpd) -> None:
    server: AioSmtpd = smtpd()
    with smtp(server.host, server.port) as client:
        code, ehlo = client.ehlo()
        client.sendmail("a@x.test", ["b@y.test"], MESSAGE)
    assert code == 250 and b"aiosmtpd.test" in ehlo
    [received] = server.wait_for_messages(1)
    assert received.mail_from == "a@x.test"
    assert received.rcpt_tos == ["b@y.test"]
    assert received.data == MESSAGE
    assert received.helo == CLIENT_NAME
    assert not received.tls


def test_aiosmtpd_starttls_verifies_with_the_ca_file(smtpd, certs: Certs) -> None:
    server = smtpd(tls_context=certs.good_context(), require_starttls=True)
    with smtp(server.host, server.port) as client:
        client.ehlo()
        assert client.has_extn("starttls")
        client.starttls(context=ssl.create_default_context(cafile=str(certs.ca_file)))
        client.sendmail("a@x.test", ["b@y.test"], MESSAGE)
    [received] = server.wait_for_messages(1)
    assert received.tls and received.data == MESSAGE


@pytest.mark.parametrize(
    ("kind", "reason"),
    [
        ("expired", "certificate has expired"),
        ("wrong_name", "IP address mismatch"),
        ("self_signed", "self-signed certificate"),
        ("untrusted", "unable to get local issuer certificate"),
    ],
)
def test_bad_certificates_fail_verification(smtpd, certs: Certs, kind: str, reason: str) -> None:
    server = smtpd(tls_context=certs.server_context(kind))
    with smtp(server.host, server.port) as client:
        with pytest.raises(ssl.SSLCertVerificationError) as info:
            client.starttls(context=certs.client_context())
        client.close()
    assert reason in info.value.verify_message
    assert server.messages == []


def test_aiosmtpd_implicit_tls(smtpd, certs: Certs) -> None:
    server = smtpd(tls_context=certs.good_context(), implicit_tls=True)
    ctx = certs.client_context()
    with smtplib.SMTP_SSL(server.host, server.port, local_hostname=CLIENT_NAME,
                          context=ctx, timeout=10) as client:
        client.sendmail("a@x.test", ["b@y.test"], MESSAGE)
    assert server.wait_for_messages(1)[0].tls


def test_aiosmtpd_auth_plain_and_login(smtpd) -> None:
    server = smtpd(auth={"alice": "s3cret"}, smtputf8=True, data_size_limit=100_000)
    with smtp(server.host, server.port) as client:
        client.ehlo()
        assert "PLAIN" in client.esmtp_features["auth"]
        assert client.esmtp_features["size"] == "100000"
        with pytest.raises(smtplib.SMTPAuthenticationError):
            client.login("alice", "wrong")
        client.login("alice", "s3cret")
        client.sendmail("a@x.test", ["b@y.test"], MESSAGE, mail_options=["SMTPUTF8"])
    [received] = server.wait_for_messages(1)
    assert received.auth_login == "alice"
    assert "SMTPUTF8" in received.mail_options
    attempts = [(a.mechanism, a.login, a.password, a.success) for a in server.auth_attempts]
    assert attempts == [  # smtplib tries every offered mechanism before giving up
        ("PLAIN", "alice", "wrong", False),
        ("LOGIN", "alice", "wrong", False),
        ("PLAIN", "alice", "s3cret", True),
    ]


# --- smtp-sink -------------------------------------------------------------------------------


def test_smtp_sink_dumps_envelope_and_message(sink: SmtpSink) -> None:
    with smtp(sink.host, sink.port) as client:
        client.sendmail("a@x.test", ["b@y.test", "c@z.test"], MESSAGE, mail_options=["SIZE=80"])
    [message] = sink.wait_for_messages(1)
    assert message.sender == "a@x.test"
    assert message.recipients == ["b@y.test", "c@z.test"]
    assert message.mail_args == "<a@x.test> SIZE=80"
    assert message.helo_args == CLIENT_NAME
    assert message.data == MESSAGE


def test_smtp_sink_is_the_unpacked_one_on_loopback_only(sink: SmtpSink) -> None:
    assert os.readlink(f"/proc/{sink.pid}/exe").startswith(f"{postfix_tree.ROOT}/")
    assert postfix_tree.listeners([sink.pid]) == [("tcp", "127.0.0.1", sink.port)]


def test_proc_net_addresses_are_decoded() -> None:
    assert postfix_tree._address("0100007F") == "127.0.0.1"
    assert postfix_tree._address("00000000000000000000000001000000") == "::1"
    mapped = postfix_tree._address("0000000000000000FFFF00000100007F")
    assert ipaddress.ip_address(mapped) == ipaddress.ip_address("::ffff:127.0.0.1")


def test_parse_dump_keeps_blank_lines_at_the_end() -> None:
    raw = (b"X-Client-Addr: 127.0.0.1\nX-Client-Proto: ESMTP\nX-Mail-Args: <>\n"
           b"X-Rcpt-Args: <b@y.test> NOTIFY=NEVER\nReceived: from x ([127.0.0.1])\n"
           b"\tby smtp-sink (smtp-sink) with ESMTP id 1;\n\tSun, 1 Jan 2026 00:00:00 +0000\n"
           b"Received: by relay\n\nbody\n\n\n")
    message = parse_dump(raw)
    assert message.sender == ""
    assert message.recipients == ["b@y.test"]
    assert message.data == b"Received: by relay\r\n\r\nbody\r\n\r\n"

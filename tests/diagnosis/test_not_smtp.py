"""Something other than SMTP on the port: a web server, an SSH server, a TLS-only listener."""

from __future__ import annotations

import pytest

from tests.diagnosis.servers import ENVELOPE, diagnosed, server_args
from tests.fixtures.scripted import Peer


async def web_server(peer: Peer) -> None:
    await peer.send("HTTP/1.1 400 Bad Request\r\nServer: nginx\r\nContent-Type: text/html\r\n"
                    "Content-Length: 0\r\nConnection: close\r\n\r\n")


async def ssh_server(peer: Peer) -> None:
    await peer.reply("SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3")
    await peer.wait_closed(timeout=30)


async def tls_alert(peer: Peer) -> None:
    """A synthetic TLS speaker: a fatal handshake_failure alert record, then silence."""
    await peer.send(b"\x15\x03\x03\x00\x02\x02\x28")
    await peer.wait_closed(timeout=30)


@pytest.mark.parametrize("handler, service", [
    (web_server, "an HTTP (web server) response"),
    (ssh_server, "an SSH greeting"),
    (tls_alert, "TLS data (it expects TLS from the first byte)"),
])
def test_another_service_answers(scripted, handler, service: str) -> None:
    server = scripted(handler)
    found = diagnosed(*server_args(server), *ENVELOPE, "--timeout", "2", exit_code=21)
    assert found.code == "not-smtp"
    assert found.diagnosis["cause"] == "Not an SMTP server"
    assert service in found.diagnosis["explanation"]
    assert "Check the port" in found.diagnosis["next_step"]
    assert server.connections[0].received == b""  # nothing was sent to it


def test_tls_only_port_with_tls_off(smtpd, certs) -> None:
    """An implicit-TLS listener waits for a ClientHello; a plaintext client waits for a 220.

    Neither side speaks, so this looks exactly like a silent server: the diagnosis is the
    banner time-out, whose explanation and next step name TLS from the first byte.
    """
    server = smtpd(tls_context=certs.good_context(), implicit_tls=True)
    found = diagnosed(*server_args(server), *ENVELOPE, "--timeout", "1", exit_code=21)
    assert found.code == "banner-timeout"
    assert "expecting TLS from the first byte (port 465)" in found.diagnosis["explanation"]
    assert "port 465 use TLS from the start" in found.diagnosis["next_step"]
    assert server.messages == []

"""The TLS client's options (swaks' names), against loopback TLS servers that record what
they saw: the client certificate (--tls-cert, --tls-key), the version and cipher
(--tls-protocol, --tls-cipher) and the SNI name (--tls-sni), with the name verified kept
apart (--tls-verify-target). Each bad value is one line, exit 1, and no connection."""

from __future__ import annotations

import socket
import ssl
import threading
import warnings
from pathlib import Path
from typing import Any

import pytest
import trustme
from cryptography.hazmat.primitives import serialization

from tests.cli.helpers import run_in_process, smtptui
from tests.fixtures.scripted import Peer, standard

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net", "--helo", "client.example"]
STARTTLS_EHLO = ("250-tls.example", "250 STARTTLS")


class ClientFiles:
    """A client certificate for client.example from a CA of its own, as PEM files: separate
    certificate and key, both in one file, the key encrypted, another key, the CA."""

    def __init__(self, directory: Path) -> None:
        self.ca = trustme.CA()
        leaf = self.ca.issue_cert("client.example")
        self.cert, self.key = directory / "client.crt", directory / "client.key"
        self.both, self.encrypted = directory / "client.pem", directory / "encrypted.key"
        self.other_key, self.ca_file = directory / "other.key", directory / "client-ca.pem"
        self.cert.write_bytes(leaf.cert_chain_pems[0].bytes())
        self.key.write_bytes(leaf.private_key_pem.bytes())
        self.both.write_bytes(leaf.cert_chain_pems[0].bytes() + leaf.private_key_pem.bytes())
        key = serialization.load_pem_private_key(leaf.private_key_pem.bytes(), None)
        self.encrypted.write_bytes(key.private_bytes(  # type: ignore[union-attr]
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(b"secret")))
        self.other_key.write_bytes(self.ca.issue_cert("other.example").private_key_pem.bytes())
        self.ca.cert_pem.write_to_path(str(self.ca_file))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> ClientFiles:
    return ClientFiles(tmp_path_factory.mktemp("client"))


def tls_server(scripted, context: ssl.SSLContext) -> Any:  # type: ignore[no-untyped-def]
    """A scripted server offering STARTTLS with ``context``; each connection's TLS facts as
    the server saw them (client certificate, version, cipher) land in ``server.seen``."""
    seen: list[dict[str, Any]] = []

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=STARTTLS_EHLO, tls=context)
        tls = peer.ssl_object
        seen.append({"cert": tls.getpeercert() if tls else None, "error": peer.tls_error,
                     "version": tls.version() if tls else None,
                     "cipher": tls.cipher()[0] if tls else None})

    server = scripted(handler)
    server.seen = seen
    return server


def seen_by(server: Any, count: int = 1) -> list[dict[str, Any]]:
    """What the server saw, once its handlers have recorded it (after the client's QUIT)."""
    import time

    deadline = time.monotonic() + 10
    while len(server.seen) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return list(server.seen)


def requiring_client_certificates(certs, client: ClientFiles) -> ssl.SSLContext:  # type: ignore[no-untyped-def]
    context = certs.good_context()
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_verify_locations(str(client.ca_file))
    return context


def target(server: Any, certs: Any) -> list[str]:  # type: ignore[no-untyped-def]
    return ["--server", f"127.0.0.1:{server.port}", "--tls", "required", "--ca",
            str(certs.ca_file)]


# --- --tls-cert and --tls-key -------------------------------------------------------------------

@pytest.mark.parametrize("blocking", [pytest.param(True, id="blocking"),
                                      pytest.param(False, id="asyncio")])
@pytest.mark.parametrize("one_file", [False, True])
def test_the_server_sees_the_client_certificate(scripted, certs, client: ClientFiles,
                                                blocking: bool, one_file: bool) -> None:
    server = tls_server(scripted, requiring_client_certificates(certs, client))
    files = (["--tls-cert", str(client.both)] if one_file else
             ["--tls-cert", str(client.cert), "--tls-key", str(client.key)])
    result, events = run_in_process(*target(server, certs), *ENVELOPE, *files,
                                    blocking=blocking)
    assert result.exit_code == 0, result.error
    (seen,) = seen_by(server)
    assert seen["cert"]["subjectAltName"] == (("DNS", "client.example"),)
    assert len(server.connections[0].envelopes) == 1
    assert any(e.text.startswith("client certificate ") for e in events)


def test_without_one_the_server_refuses_and_says_why(certs, client: ClientFiles) -> None:
    """TLS 1.3 sends the refusal after the client's hand-shake, at the first read: its alert
    is said in words (a real TLS stack's server, which sends its alert)."""
    context = requiring_client_certificates(certs, client)
    with blocking_tls_server(context) as port:
        run = smtptui("run", "--server", f"127.0.0.1:{port}", "--ca", str(certs.ca_file),
                      *ENVELOPE, "--json")
    assert run.code != 0
    said = " ".join(e["text"] for e in run.events() if e["kind"] == "error")
    assert "the server requires a client certificate" in said, run.out


@pytest.mark.parametrize("files, words", [
    (["--tls-cert", "{cert}", "--tls-key", "{other_key}"],
     "the key in '{other_key}' does not belong to the certificate"),
    (["--tls-cert", "{cert}", "--tls-key", "{encrypted}"],
     "the key is encrypted, and smtptui does not ask for its passphrase"),
    (["--tls-cert", "{cert}"], "it holds no private key (PEM); give it with --tls-key"),
    (["--tls-cert", "{key}", "--tls-key", "{key}"], "it holds no certificate (PEM)"),
    (["--tls-cert", "{cert}", "--tls-key", "{missing}"], "No such file or directory"),
    (["--tls-cert", "{missing}"], "No such file or directory"),
    (["--tls-key", "{key}"], "--tls-key needs --tls-cert"),
    (["--tls-cert", "{both}", "--tls", "off"], "--tls-cert with --tls off: this session "
                                               "never starts TLS"),
])
def test_bad_client_certificates_are_one_line(scripted, certs, client: ClientFiles,
                                              files: list[str], words: str) -> None:
    server = tls_server(scripted, certs.good_context())
    names = {"cert": client.cert, "key": client.key, "both": client.both,
             "encrypted": client.encrypted, "other_key": client.other_key,
             "missing": client.cert.parent / "missing.pem"}
    args = [word.format(**names) for word in files]
    run = smtptui("run", *target(server, certs), *ENVELOPE, *args)
    assert run.code == 1, run.out + run.err
    assert words.format(**names) in run.err and run.err.count("\n") == 1, run.err
    assert server.connections == []


# --- --tls-protocol and --tls-cipher --------------------------------------------------------------

@pytest.mark.parametrize("spec, version", [
    (None, "TLSv1.3"), ("tlsv1_2", "TLSv1.2"), ("no_tlsv1_3", "TLSv1.2"),
    ("TLSv1_2, tlsv1_3", "TLSv1.3"), ("no_sslv2,no_sslv3,no_tlsv1,no_tlsv1_1", "TLSv1.3"),
])
def test_tls_protocol_sets_the_versions(scripted, certs, spec: str | None,
                                        version: str) -> None:
    server = tls_server(scripted, certs.good_context())
    run = smtptui("run", *target(server, certs), *ENVELOPE,
                  *(["--tls-protocol", spec] if spec else []), "--json")
    assert run.code == 0, run.out + run.err
    assert seen_by(server)[0]["version"] == version == run.result["tls"]["version"]


def test_tls_protocol_reaches_tls_1_0_where_a_server_still_speaks_it(scripted, certs) -> None:
    """OpenSSL 3 refuses TLS 1.0 at its default security level: asked for alone, the level
    is lowered for the session, and said."""
    context = certs.good_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = ssl.TLSVersion.TLSv1
    context.set_ciphers("DEFAULT:@SECLEVEL=0")
    server = tls_server(scripted, context)
    run = smtptui("run", *target(server, certs), *ENVELOPE, "--tls-protocol", "tlsv1")
    assert run.code == 0, run.out + run.err
    assert seen_by(server)[0]["version"] == "TLSv1"
    assert "security level is lowered to 0" in run.out
    assert "DeprecationWarning" not in run.err


def test_tls_cipher_is_the_cipher_used(scripted, certs) -> None:
    server = tls_server(scripted, certs.good_context())
    cipher = "ECDHE-ECDSA-AES128-GCM-SHA256"
    run = smtptui("run", *target(server, certs), *ENVELOPE, "--tls-protocol", "tlsv1_2",
                  "--tls-cipher", cipher, "--json")
    assert run.code == 0, run.out + run.err
    assert seen_by(server)[0]["cipher"] == cipher == run.result["tls"]["cipher"]


@pytest.mark.parametrize("flags, words", [
    (["--tls-protocol", "tlsv1_2,no_tlsv1"], "give the versions allowed (tlsv1_2) or those "
                                             "refused (no_tlsv1), not both"),
    (["--tls-protocol", "tlsv9"], "'tlsv9' is not one of sslv2, sslv3, tlsv1"),
    (["--tls-protocol", "tlsv1,tlsv1_2"], "it leaves out tlsv1_1 in the middle"),
    (["--tls-protocol", "no_sslv2,no_sslv3,no_tlsv1,no_tlsv1_1,no_tlsv1_2,no_tlsv1_3"],
     "no TLS version is left"),
    (["--tls-protocol", "sslv2"], "speaks none of sslv2"),
    (["--tls-cipher", "NO-SUCH-CIPHER"], "--tls-cipher 'NO-SUCH-CIPHER': OpenSSL selects no "
                                         "cipher from it"),
    (["--tls-cipher", " "], "--tls-cipher: empty"),
])
def test_bad_tls_settings_are_one_line(scripted, certs, flags: list[str], words: str) -> None:
    server = tls_server(scripted, certs.good_context())
    run = smtptui("run", *target(server, certs), *ENVELOPE, *flags)
    assert run.code == 1, run.out + run.err
    assert words in run.err and run.err.count("\n") == 1, run.err
    assert server.connections == []


# --- --tls-sni and --tls-verify-target -----------------------------------------------------------

def recording_sni(context: ssl.SSLContext) -> list[str | None]:
    names: list[str | None] = []
    context.sni_callback = lambda _obj, name, _ctx: names.append(name)  # type: ignore[assignment,misc,return-value]
    return names


@pytest.mark.parametrize("blocking", [pytest.param(True, id="blocking"),
                                      pytest.param(False, id="asyncio")])
def test_tls_sni_is_sent_and_the_server_name_still_verified(scripted, certs,
                                                             blocking: bool) -> None:
    context = certs.good_context()  # names localhost, 127.0.0.1 and ::1
    names = recording_sni(context)
    server = tls_server(scripted, context)
    result, events = run_in_process(*target(server, certs), *ENVELOPE, "--tls-sni",
                                    "mail.example.test", blocking=blocking)
    assert result.exit_code == 0, result.error
    assert names == ["mail.example.test"]
    assert result.tls["verified"] is True
    assert "SNI sent: mail.example.test (the certificate is checked against 127.0.0.1)" in [
        e.text for e in events]


def test_no_sni_for_an_address_unless_asked(scripted, certs) -> None:
    context = certs.good_context()
    names = recording_sni(context)
    server = tls_server(scripted, context)
    assert smtptui("run", *target(server, certs), *ENVELOPE).code == 0
    assert names == [None]  # RFC 6066: an IP address is never sent as SNI


def test_a_certificate_for_the_sni_name_only_fails_verification(scripted, certs) -> None:
    """The name checked is the server's, whatever SNI says: a certificate naming only the
    SNI name fails (exit 29, its facts shown); --tls-verify-target names the one to check."""
    context = certs.wrong_name_context()  # names wrong.example only
    names = recording_sni(context)
    server = tls_server(scripted, context)
    run = smtptui("run", *target(server, certs), *ENVELOPE, "--tls-sni", "wrong.example",
                  "--json")
    assert run.code == 29, run.out
    assert run.result["error"] == ("name mismatch: the certificate does not name 127.0.0.1 "
                                   "(SNI sent: wrong.example)")
    texts = [e.get("text") for e in run.events()]
    assert "certificate names: DNS:wrong.example" in texts
    assert "certificate NOT verified (it does not name 127.0.0.1)" in texts
    sent = [e["text"] for e in run.events() if e["kind"] == "send"]
    assert sent == ["EHLO client.example", "STARTTLS"]  # nothing over the TLS it refused
    run = smtptui("run", *target(server, certs), *ENVELOPE, "--tls-sni", "wrong.example",
                  "--tls-verify-target", "wrong.example")
    assert run.code == 0, run.out
    assert names == ["wrong.example", "wrong.example"]


def test_tls_over_a_unix_socket_needs_a_name_to_verify(scripted, certs, tmp_path: Path) -> None:
    path = str(tmp_path / "tls.sock")
    server = scripted(lambda peer: standard(peer, ehlo=STARTTLS_EHLO,
                                            tls=certs.good_context()), unix=path)
    run = smtptui("run", "--socket", path, "--ca", str(certs.ca_file), *ENVELOPE, "--json")
    assert run.code == 29, run.out  # STARTTLS offered: the hand-shake cannot be checked
    assert "--tls-verify-target NAME, or --no-verify" in run.result["error"]
    run = smtptui("run", "--socket", path, "--tls", "required", *ENVELOPE)
    assert run.code == 1 and "give --tls-verify-target NAME" in run.err  # before connecting
    run = smtptui("run", "--socket", path, "--ca", str(certs.ca_file), *ENVELOPE,
                  "--tls-verify-target", "localhost", "--json")
    assert run.code == 0, run.out
    assert run.result["tls"]["verified"] is True
    assert len(server.connections[1].envelopes) == 1


@pytest.mark.parametrize("flags, words", [
    (["--tls-sni", "127.0.0.1"], "--tls-sni 127.0.0.1: a host name; an IP address is never "
                                 "sent as SNI"),
    (["--tls-sni", "bad..example"], "is not a valid host name"),
    (["--tls-sni", "mail.example\x1b[2J"], "control character"),
    (["--tls-verify-target", "mx.example", "--direct"], "--tls-verify-target with --direct"),
])
def test_bad_sni_values_are_one_line(scripted, certs, flags: list[str], words: str) -> None:
    server = tls_server(scripted, certs.good_context())
    args = target(server, certs)
    if "--direct" in flags:
        args = args[2:]
    run = smtptui("run", *args, *ENVELOPE, *flags)
    assert run.code == 1, run.out + run.err
    assert words in run.err and run.err.count("\n") == 1, run.err
    assert server.connections == []


# --- helpers ------------------------------------------------------------------------------------

class blocking_tls_server:  # noqa: N801 - used as a context manager, like open()
    """One STARTTLS connection served by the ssl module's blocking server side, which (unlike
    asyncio's) sends its alert when the hand-shake fails; the port while open."""

    def __init__(self, context: ssl.SSLContext) -> None:
        self.context = context
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.listener.settimeout(10)
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> int:
        self.thread.start()
        return int(self.listener.getsockname()[1])

    def __exit__(self, *exc: object) -> None:
        self.thread.join(10)
        self.listener.close()

    def _serve(self) -> None:
        conn, _ = self.listener.accept()
        with conn:
            conn.settimeout(10)
            lines = conn.makefile("rb")
            conn.sendall(b"220 tls.example\r\n")
            lines.readline()
            conn.sendall(b"250-tls.example\r\n250 STARTTLS\r\n")
            lines.readline()
            conn.sendall(b"220 go\r\n")
            try:
                tls = self.context.wrap_socket(conn, server_side=True)
                tls.recv(1024)  # TLS 1.3: the client certificate is checked here
            except (OSError, ssl.SSLError):
                pass



# --- profiles: tls_cert, tls_key and local_interface ----------------------------------------------

def test_a_profile_keeps_the_client_certificate_and_the_local_address(
        scripted, certs, client: ClientFiles) -> None:
    """Relative file names are taken from the profile's folder (as its .eml); a flag still
    overrides for one run."""
    import os
    import shutil

    from tests.cli.test_transport import free_port

    server = tls_server(scripted, requiring_client_certificates(certs, client))
    folder = Path(os.environ["SMTPTUI_PROFILES"])
    (folder / "keys").mkdir(parents=True)
    shutil.copy(client.cert, folder / "keys" / "client.crt")
    shutil.copy(client.key, folder / "keys" / "client.key")
    port = free_port()
    (folder / "mtls.toml").write_text(f"""
name = "mtls relay"
host = "127.0.0.1"
port = {server.port}
helo = "client.example"
sender = "a@example.com"
recipients = ["b@example.net"]
tls = "required"
ca_file = "{certs.ca_file}"
tls_cert = "keys/client.crt"
tls_key = "keys/client.key"
local_interface = "127.0.0.2:{port}"
""")
    run = smtptui("run", "mtls relay", "--json")
    assert run.code == 0, run.out + run.err
    assert seen_by(server)[0]["cert"]["subjectAltName"] == (("DNS", "client.example"),)
    assert server.connections[0].peername == ("127.0.0.2", port)
    run = smtptui("run", "mtls relay", "--local-interface", "127.0.0.3", "--json")
    assert run.code == 0, run.out + run.err
    assert server.connections[1].peername[0] == "127.0.0.3"
    from smtptui.store.profiles import ProfileStore
    from smtptui.tui.export import run_command_line

    line = run_command_line(ProfileStore(folder).get("mtls relay"))  # the app's "copy as run"
    assert f"--tls-cert {folder}/keys/client.crt --tls-key {folder}/keys/client.key" in line
    assert f"--local-interface 127.0.0.2:{port}" in line


@pytest.mark.parametrize("field, value, words", [
    ("local_interface", "mail.example.com", "local_interface: give an IP address of this "
                                            "host"),
    ("local_interface", "127.0.0.2:0", "port '0' is not a number from 1 to 65535"),
    ("tls_cert", "a\x1bb", "tls_cert: must be one line with no control characters"),
])
def test_bad_profile_fields_make_the_file_broken(field: str, value: str, words: str) -> None:
    import json
    import os

    folder = Path(os.environ["SMTPTUI_PROFILES"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bad.toml").write_text(f'name = "bad"\nhost = "127.0.0.1"\n'
                                     f'{field} = {json.dumps(value)}\n')
    run = smtptui("run", "bad", "--from", "a@example.com", "--to", "b@example.net")
    assert run.code == 1, run.out + run.err
    assert words in run.err, run.err

"""AUTH against aiosmtpd and scripted servers; the password never appears in any output."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
from pathlib import Path

import pytest

from tests.cli.helpers import smtptui
from tests.fixtures.scripted import Peer

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net", "--helo", "client.example"]
PASSWORD = "s3cret-Pa55word"


def target(server) -> list[str]:
    return ["--server", f"{server.host}:{server.port}"]


def secret_forms(user: str = "alice") -> list[str]:
    def b64(text: str) -> str:
        return base64.b64encode(text.encode()).decode()

    return [PASSWORD, b64(PASSWORD), b64(f"\0{user}\0{PASSWORD}"), b64(f"{user}\0{PASSWORD}")]


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        for form in secret_forms():
            assert form not in text


@pytest.mark.parametrize("mech", ["PLAIN", "LOGIN"])
def test_auth_over_starttls_and_nothing_leaks(smtpd, certs, mech: str, tmp_path) -> None:
    server = smtpd(tls_context=certs.good_context(), auth={"alice": PASSWORD})
    common = [*target(server), *ENVELOPE, "--ca", str(certs.ca_file), "--auth-user", "alice",
              "--auth-mech", mech, "--password-env", "SMTP_PW"]
    text = smtptui("run", *common, env={"SMTP_PW": PASSWORD})
    assert text.code == 0, text.out + text.err
    assert "authenticated as alice" in text.out
    js = smtptui("run", *common, "--json", env={"SMTP_PW": PASSWORD})
    assert js.code == 0
    script = tmp_path / "pw.sh"
    script.write_text(f"#!/bin/sh\necho '{PASSWORD}'\n")
    script.chmod(0o700)
    cmd = smtptui("run", *common[:-2], "--password-command", str(script))
    assert cmd.code == 0, cmd.out + cmd.err
    assert_no_secret(text.out, text.err, js.out, js.err, cmd.out, cmd.err)
    assert [a.success for a in server.auth_attempts] == [True, True, True]
    assert all(m.auth_login == "alice" for m in server.wait_for_messages(3))
    redacted = [e["text"] for e in js.events() if e.get("stage") == "auth" and e["kind"] == "send"]
    assert redacted and all("redacted" in t or "user name" in t or t == f"AUTH {mech}"
                            for t in redacted)


def test_wrong_password_exit_28(smtpd, certs) -> None:
    server = smtpd(tls_context=certs.good_context(), auth={"alice": "other"})
    run = smtptui("run", *target(server), *ENVELOPE, "--ca", str(certs.ca_file),
                  "--auth-user", "alice", "--password-env", "SMTP_PW", "--json",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 28, run.out
    assert "535" in run.result["error"]
    assert_no_secret(run.out, run.err)


def test_no_credentials_over_plaintext_without_consent(smtpd) -> None:
    server = smtpd(auth={"alice": PASSWORD})
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--json", env={"SMTP_PW": PASSWORD})
    assert run.code == 28 and "without TLS" in run.result["error"]
    assert server.auth_attempts == []
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--allow-plaintext-auth",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 0, run.out
    assert_no_secret(run.out, run.err)


def test_missing_password_source_is_input_error_when_auth_is_reached(smtpd) -> None:
    server = smtpd(auth={"alice": PASSWORD})
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "NOPE_NOT_SET", "--allow-plaintext-auth")
    assert run.code == 1 and "NOPE_NOT_SET is not set (--password-env)" in run.err
    sent = [line.split("->", 1)[1].strip() for line in run.out.splitlines() if " -> " in line]
    assert sent[-1] == "QUIT" and not any(line.startswith("AUTH") for line in sent)
    assert server.auth_attempts == [] and server.messages == []


def test_a_password_source_is_not_read_when_auth_cannot_happen(smtpd) -> None:
    """No TLS and no consent to plaintext AUTH: the run ends at AUTH (28), the unset
    variable is never looked at (docs/profiles.md: a source is used only at AUTH)."""
    server = smtpd(auth={"alice": PASSWORD})
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "NOPE_NOT_SET")
    assert run.code == 28 and "NOPE_NOT_SET" not in run.out + run.err


async def endless_334(peer: Peer) -> None:
    await peer.reply("220 x")
    await peer.expect("EHLO")
    await peer.reply("250-x")
    await peer.reply("250 AUTH LOGIN")
    await peer.expect("AUTH LOGIN")
    for _ in range(100):
        await peer.reply("334 UGFzc3dvcmQ6")
        line = await peer.readline()
        if line is None or line == b"*\r\n":
            break
    await peer.reply("501 5.7.0 cancelled")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_endless_challenges_are_bounded(scripted) -> None:
    server = scripted(endless_334)
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--allow-plaintext-auth", "--json",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 28 and "kept challenging" in run.result["error"]
    assert server.connections[0].received.count(b"\r\n") < 12
    assert_no_secret(run.out)


async def only_gssapi(peer: Peer) -> None:
    await peer.reply("220 x")
    await peer.expect("EHLO")
    await peer.reply("250-x")
    await peer.reply("250 AUTH GSSAPI NTLM")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_no_common_mechanism(scripted) -> None:
    run = smtptui("run", *target(scripted(only_gssapi)), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--allow-plaintext-auth", "--json",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 28 and "no mechanism in common" in run.result["error"]


async def challenges_forever(peer: Peer) -> None:
    """334 to every line, the cancelling "*" and QUIT included (RFC 4954 says 501 to "*")."""
    await peer.reply("220 x")
    await peer.expect("EHLO")
    await peer.reply("250-x")
    await peer.reply("250 AUTH LOGIN")
    while await peer.readline() is not None:
        await peer.reply("334 UGFzc3dvcmQ6")


def test_challenges_after_the_cancel_end_the_session(scripted) -> None:
    server = scripted(challenges_forever)
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--allow-plaintext-auth", "--json",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 28 and "kept challenging" in run.result["error"], run.out[-2000:]
    received = server.connections[0].received
    lines = received.split(b"\r\n")
    assert lines[1:5] == [b"AUTH LOGIN", base64.b64encode(b"alice"),
                          base64.b64encode(PASSWORD.encode()), b"*"]
    assert received.count(base64.b64encode(PASSWORD.encode())) == 1  # LOGIN needs it once
    assert len(lines) <= 8
    assert_no_secret(run.out)


def deferred_response_server(mech: str, expected: bytes, seen: list[int]):
    """Wants `AUTH MECH` alone (the response would overflow 512 octets), then the response."""
    async def handler(peer: Peer) -> None:
        await peer.reply("220 x")
        await peer.expect("EHLO")
        await peer.reply("250-x")
        await peer.reply(f"250 AUTH {mech}")
        assert await peer.readline() == f"AUTH {mech}\r\n".encode()
        await peer.reply("334 ")
        line = await peer.readline()
        assert line is not None
        seen.append(len(line))
        ok = base64.b64decode(line.strip()) == expected
        await peer.reply("235 2.7.0 ok" if ok else "535 5.7.8 no")
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


@pytest.mark.parametrize("mech", ["XOAUTH2", "PLAIN"])
def test_a_long_initial_response_follows_a_bare_auth_command(scripted, mech: str) -> None:
    secret = "ya29." + "T0k3n-" * 250 if mech == "XOAUTH2" else "p" * 400
    expected = (f"user=alice\1auth=Bearer {secret}\1\1" if mech == "XOAUTH2"
                else f"\0alice\0{secret}").encode()
    seen: list[int] = []
    run = smtptui("run", *target(scripted(deferred_response_server(mech, expected, seen))),
                  *ENVELOPE, "--auth-user", "alice", "--auth-mech", mech, "--password-env",
                  "SMTP_PW", "--allow-plaintext-auth", "--quit-after", "auth", "--json",
                  env={"SMTP_PW": secret})
    assert run.code == 0, run.out[-2000:]
    assert seen and seen[0] > 512  # RFC 4954 §4: up to 12,288 octets answering a 334
    assert secret not in run.out and base64.b64encode(expected).decode() not in run.out


def test_quit_after_auth_without_auth_sends_no_mail(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *target(server), *ENVELOPE, "--tls", "off", "--quit-after", "auth",
                  "--json")
    assert run.code == 0 and run.result["outcome"] == "stopped", run.out
    assert not [e for e in run.events() if e.get("kind") == "send"
                and e["text"].startswith("MAIL")]
    assert server.messages == []


def cram_server(seen: list[bytes], offered: str = "CRAM-MD5 XOAUTH2"):
    async def handler(peer: Peer) -> None:
        await peer.reply("220 x")
        await peer.expect("EHLO")
        await peer.reply("250-x")
        await peer.reply(f"250 AUTH {offered}")
        await peer.expect("AUTH CRAM-MD5")
        challenge = b"<1896.697170952@x.example>"
        await peer.reply("334 " + base64.b64encode(challenge).decode())
        answer = base64.b64decode((await peer.readline()).strip())
        seen.append(answer)
        user, digest = answer.split(b" ")
        good = hmac.new(PASSWORD.encode(), challenge, hashlib.md5).hexdigest().encode()
        await peer.reply("235 ok" if (user, digest) == (b"alice", good) else "535 no")
        await peer.expect("QUIT")
        await peer.reply("221 bye")
    return handler


def test_cram_md5(scripted) -> None:
    seen: list[bytes] = []
    run = smtptui("run", *target(scripted(cram_server(seen))), *ENVELOPE, "--auth-user", "alice",
                  "--auth-mech", "cram-md5", "--password-env", "SMTP_PW",
                  "--allow-plaintext-auth", "--quit-after", "auth", env={"SMTP_PW": PASSWORD})
    assert run.code == 0, run.out
    assert seen and seen[0].startswith(b"alice ")
    assert_no_secret(run.out)


def test_without_tls_cram_md5_is_preferred_to_sending_the_password(scripted) -> None:
    seen: list[bytes] = []
    server = scripted(cram_server(seen, offered="PLAIN LOGIN CRAM-MD5"))
    run = smtptui("run", *target(server), *ENVELOPE, "--auth-user", "alice", "--password-env",
                  "SMTP_PW", "--allow-plaintext-auth", "--quit-after", "auth",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 0, run.out
    assert seen and seen[0].startswith(b"alice ")


def test_xoauth2_token(scripted) -> None:
    async def handler(peer: Peer) -> None:
        await peer.reply("220 x")
        await peer.expect("EHLO")
        await peer.reply("250-x")
        await peer.reply("250 AUTH XOAUTH2")
        line = await peer.expect("AUTH XOAUTH2 ")
        decoded = base64.b64decode(line.split()[2])
        assert decoded == f"user=alice\1auth=Bearer {PASSWORD}\1\1".encode()
        await peer.reply("334 " + base64.b64encode(json.dumps({"status": "401"}).encode())
                         .decode())
        assert await peer.readline() == b"\r\n"
        await peer.reply("535 5.7.8 invalid credentials")
        await peer.expect("QUIT")
        await peer.reply("221 bye")

    run = smtptui("run", *target(scripted(handler)), *ENVELOPE, "--auth-user", "alice",
                  "--auth-mech", "XOAUTH2", "--password-env", "TOKEN",
                  "--allow-plaintext-auth", env={"TOKEN": PASSWORD})
    assert run.code == 28
    assert_no_secret(run.out)


def test_history_of_an_auth_profile_holds_no_secret(smtpd, certs, tmp_path) -> None:
    server = smtpd(tls_context=certs.good_context(), auth={"alice": PASSWORD})
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "sub.toml").write_text(
        f'name = "sub"\nhost = "127.0.0.1"\nport = {server.port}\nsender = "a@example.com"\n'
        f'recipients = ["b@example.net"]\ntls = "required"\nca_file = "{certs.ca_file}"\n'
        'auth_user = "alice"\nauth_mech = "LOGIN"\npassword_source = "env:SMTP_PW"\n')
    run = smtptui("run", "sub", "--profiles", str(folder), "--json", env={"SMTP_PW": PASSWORD})
    assert run.code == 0, run.out + run.err
    files = [p for p in Path(os.environ["SMTPTUI_HISTORY"]).rglob("*") if p.is_file()]
    kept = "\n".join(p.read_text(errors="replace") for p in files)
    assert "authenticated as alice" in kept
    assert_no_secret(kept, run.out, run.err, (folder / "sub.toml").read_text())


async def echoing_server(peer: Peer) -> None:
    """Refuses LOGIN and quotes the password it was sent, in base64 and decoded."""
    await peer.reply("220 x")
    await peer.expect("EHLO")
    await peer.reply("250-x")
    await peer.reply("250 AUTH LOGIN")
    await peer.expect("AUTH LOGIN")
    await peer.reply("334 VXNlcm5hbWU6")
    await peer.readline()
    await peer.reply("334 UGFzc3dvcmQ6")
    sent = (await peer.readline() or b"").strip().decode()
    await peer.reply(f"535-5.7.8 bad password ({sent})")
    await peer.reply(f"535 5.7.8 that is {PASSWORD!r}")
    await peer.expect("QUIT")
    await peer.reply("221 bye")


def test_a_server_quoting_the_password_back_is_masked(scripted) -> None:
    run = smtptui("run", *target(scripted(echoing_server)), *ENVELOPE, "--auth-user", "alice",
                  "--password-env", "SMTP_PW", "--allow-plaintext-auth", "--json",
                  env={"SMTP_PW": PASSWORD})
    assert run.code == 28
    assert "bad password ([redacted])" in run.out and "that is '[redacted]'" in run.out
    assert_no_secret(run.out, run.err)

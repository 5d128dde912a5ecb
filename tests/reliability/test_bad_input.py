"""Bad input from the user: control characters, odd message files, many recipients, UTF-8.

Already covered elsewhere (docs/reliability.md lists them): CR/LF in --from and --helo, a
missing .eml and NUL in a .eml (tests/cli/test_run_failures.py), a non-ASCII address with no
SMTPUTF8 (same file), an unwritable profile folder and a full disk while saving
(tests/test_profiles.py, with real-kernel variants in test_profile_disk.py here).
"""

from __future__ import annotations

import asyncio
import os
import random
from pathlib import Path

import pytest

from smtptui.cli.parser import make_parser
from smtptui.cli.run import launch_from_args
from smtptui.smtp.domains import check_server_name
from smtptui.smtp.errors import InputError, LocalProtocolError, SmtpTuiError
from tests.cli.helpers import Run, server_args
from tests.fixtures.scripted import Peer, ScriptedServer, standard
from tests.reliability.helpers import (
    MEMORY_CAP,
    STAGE_TIMEOUT,
    Stepper,
    measured,
    plan_for,
)

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
#: Characters that must never reach a command line: C0 (CR, LF, TAB, VT, ESC...), DEL,
#: C1 (NEL, CSI) and the Unicode line and paragraph separators.
CONTROLS = ["\r", "\n", "\r\n", "\t", "\x0b", "\x0c", "\x1b", "\x7f", "\x85", "\x9b",
            "\u2028", "\u2029"]


def refused_before_connecting(server, *args: str, message: str) -> None:
    got = measured("run", *server_args(server), *args)
    run = got.run
    assert run.code == 1, run.out + run.err
    assert "Traceback" not in run.err
    assert message in run.err
    assert len(run.err.strip().splitlines()) == 1  # one line, naming the problem
    assert run.out == ""
    assert server.connections == []


# -- control characters in addresses and the HELO name -----------------------------------------

@pytest.mark.parametrize("char", ["\r\n", "\x1b", "\x85"], ids=["CRLF", "ESC", "NEL"])
@pytest.mark.parametrize("where", ["--from", "--to", "--helo", "--auth-user"])
def test_control_characters_in_arguments_are_refused(scripted, where: str, char: str) -> None:
    value = f"client{char}.example" if where == "--helo" else f"a{char}b@example.com"
    args = {"--from": "a@example.com", "--to": "b@example.net", "--helo": "client.example"}
    args[where] = value
    flat = [item for pair in args.items() for item in pair]
    refused_before_connecting(scripted(standard), *flat, message="control character")


@pytest.mark.parametrize("char", ["\x00", *CONTROLS], ids=repr)
@pytest.mark.parametrize("field", ["sender", "recipients", "helo"])
def test_every_control_character_in_an_address_or_helo_is_refused(scripted, field: str,
                                                                   char: str) -> None:
    """The engine's check, which every front end (flags, profiles, the app) goes through;
    NUL cannot even travel in argv."""
    server = scripted(standard)
    value = f"client{char}.example" if field == "helo" else f"a{char}b@example.com"
    plan = plan_for(server)
    setattr(plan, field, [value] if field == "recipients" else value)
    with pytest.raises(LocalProtocolError, match="control character"):
        plan.validate()
    assert server.connections == []


@pytest.mark.parametrize("char", ["\x00", *CONTROLS, "\u202e", "\u2066", "\u200b", "\ufeff",
                                  "\udc9b"], ids=repr)
def test_every_control_or_invisible_character_in_the_auth_user_is_refused(char: str) -> None:
    """SessionPlan.validate, which flags and profiles both go through: the user name is
    printed ("authenticated as ...") and sent, so it must show as itself."""
    plan = plan_for(type("Server", (), {"host": "127.0.0.1", "port": 25})())
    plan.auth_user = f"al{char}ice"
    with pytest.raises(InputError, match="the AUTH user name") as info:
        plan.validate()
    assert "\n" not in str(info.value) and (char == "\t" or char not in str(info.value))


@pytest.mark.parametrize("arg", ["--from", "--to", "--helo"])
def test_an_argument_that_is_not_utf8_is_refused(scripted, arg: str) -> None:
    """A byte that is not UTF-8 in argv (another locale's encoding) reaches Python as a lone
    surrogate; it used to fail with UnicodeEncodeError on the way to the wire."""
    value = "h\udce9.example" if arg == "--helo" else "a\udce9@example.com"
    args = {"--from": "a@example.com", "--to": "b@example.net", "--helo": "client.example"}
    args[arg] = value
    flat = [item for pair in args.items() for item in pair]
    refused_before_connecting(scripted(standard), *flat, message="not UTF-8")


# -- the server name: IDNA, label lengths, invisible characters ---------------------------------

#: Values that fail before any look-up, even on the code before this check (the IDNA codec
#: raised inside getaddrinfo): safe to run as a user would, in a subprocess.
BAD_SERVERS = [("bücher..example", "an empty label (two dots in a row, or a leading dot)"),
               ("ü" * 60 + ".example", "is 66 octets long once encoded (at most 63)"),
               ("xn--ü.example", "starts with xn-- (an encoded label) but is not ASCII"),
               ("a" * 64 + ".example", "a label of 64 octets (at most 63)"),
               ("\u202ebücher.example", "the invisible character U+202E"),
               ("\u202ebad.example", "the invisible character U+202E"),
               ("x" * 250 + ".example", "a host name has at most 253")]


@pytest.mark.parametrize("server, message", BAD_SERVERS, ids=repr)
def test_a_bad_server_name_is_one_line_and_nothing_is_sent(server: str, message: str) -> None:
    refused_up_front("--server", server, *ENVELOPE, message=message)


@pytest.mark.parametrize("server, message", [
    *BAD_SERVERS,
    ("exa mple.example", "the label 'exa mple'"),
    ("a..b", "an empty label"),
    (".example", "an empty label"),
    ("x\u200b.example", "the invisible character U+200B"),  # IDNA would drop it silently
    ("mx\u00ad.example", "the invisible character U+00AD"),
    ("h\udce9.example", "is not UTF-8 text"),
], ids=repr)
def test_every_bad_server_name_is_refused_while_planning(server: str, message: str) -> None:
    """In process (SessionPlan.validate, for flags and profiles alike), so that even a
    regression could not send these names to the system's resolver."""
    plan = plan_for(type("Server", (), {"host": "127.0.0.1", "port": 25})())
    plan.host = server
    with pytest.raises(SmtpTuiError, match="the server name") as info:
        plan.validate()
    assert message in str(info.value)


@pytest.mark.parametrize("server", ["mail.example.com", "mail.example.com.", "müller.example",
                                    "xn--mller-kva.example", "127.0.0.1", "::1", "[::1]",
                                    "fe80::1%eth0", "localhost", "host_1.internal"])
def test_good_server_names_pass(server: str) -> None:
    plan = plan_for(type("Server", (), {"host": "127.0.0.1", "port": 25})())
    plan.host = server
    plan.validate()


@pytest.mark.parametrize("name", ["müller.example", "müller\u3002example", "müller\uff0eexample",
                                  "müller\uff61example", "MÜLLER.Example"])
def test_an_international_name_is_written_as_the_idna_codec_writes_it(name: str) -> None:
    """Label by label, with RFC 3490's four full stops, as the resolver and TLS will see it."""
    assert check_server_name(name).lower() == name.encode("idna").decode("ascii").lower()


# -- the password ------------------------------------------------------------------------------

async def offers_auth(peer: Peer) -> None:
    await standard(peer, ehlo=("250-test.example", "250 AUTH PLAIN LOGIN"))


def refused_password(run: Run, server: ScriptedServer, *words: str) -> None:
    """Refused in words naming where the password came from, its value never printed, no
    traceback, nothing of it sent: before connecting (exit 1) where the password is read
    up front, or when AUTH is reached (exit 28) where it is read only then."""
    shown = run.out + run.err
    assert "Traceback" not in run.err
    assert run.code in (1, 28), shown
    assert all(word in shown for word in words), shown
    assert "s3cr" not in shown and "udce9" not in shown and "\\xe9" not in shown
    assert all(b"AUTH" not in bytes(peer.received) for peer in server.connections)


def test_a_password_that_is_not_utf8_is_refused_naming_the_variable(scripted) -> None:
    """os.environb shows the raw bytes (\xe9\xff): refused, the variable named, its value
    never printed. It used to be a UnicodeEncodeError after connecting."""
    server = scripted(offers_auth)
    run = measured("run", *server_args(server), *ENVELOPE, "--auth-user", "alice",
                   "--password-env", "SMTP_PW", "--allow-plaintext-auth",
                   env={"SMTP_PW": "s3cr\udce9\udcff"}).run
    refused_password(run, server, "SMTP_PW", "not valid UTF-8")


def test_a_password_command_printing_other_than_utf8_is_refused(scripted) -> None:
    """It used to be decoded with U+FFFD for the bad byte: a wrong password, sent."""
    server = scripted(offers_auth)
    run = measured("run", *server_args(server), *ENVELOPE, "--auth-user", "alice",
                   "--password-command", "printf 's3cr\\351'", "--allow-plaintext-auth").run
    refused_password(run, server, "printed bytes that are not valid UTF-8")


# -- anything unforeseen: one line, --debug for the traceback -----------------------------------

@pytest.mark.parametrize("debug", [[], ["--debug", "run"], ["run", "--debug"]],
                         ids=["plain", "debug-first", "debug-after"])
def test_an_unforeseen_error_is_one_line_and_debug_shows_the_traceback(debug: list[str]
                                                                        ) -> None:
    """A bug anywhere (simulated: the dispatcher raises) is one line naming the exception,
    exit 1, with the hint; --debug, before or after the sub-command, lets the traceback
    through."""
    import subprocess
    import sys

    code = ("import sys, smtptui.main as m\n"
            "def boom(args): raise KeyError('no such \\x1b]0;pwned\\x07 thing')\n"
            "m._dispatch = boom\n"
            "sys.exit(m.main(sys.argv[1:]))\n")
    words = debug or ["run"]
    proc = subprocess.run([sys.executable, "-c", code, *words, "--server", "127.0.0.1:9",
                           *ENVELOPE], capture_output=True, text=True, timeout=30)
    assert proc.returncode == 1
    assert proc.stdout == ""
    if debug:
        assert "Traceback" in proc.stderr and "KeyError" in proc.stderr
        return
    assert proc.stderr == ("smtptui: internal error: KeyError: 'no such \\x1b]0;pwned\\x07 "
                           "thing' (run again with --debug to see the traceback)\n")


# -- edited and typed commands in step mode ----------------------------------------------------

EDITS = ["MAIL FROM:<a@example.com>\r\nRCPT TO:<evil@example.org>",
         "MAIL FROM:<a@example.com>\nRCPT TO:<evil@example.org>",
         "MAIL FROM:<a@example.com>\rRCPT TO:<evil@example.org>",
         "MAIL FROM:<evil@example.org>\x00",
         "MAIL FROM:<evil@example.org>\x1b[2J",
         "MAIL FROM:<evil@example.org>\x7f",
         "MAIL FROM:<evil@example.org>\x85",
         "MAIL FROM:<evil@example.org> " + "X" * 600]


@pytest.mark.parametrize("verb", ["step", "manual"])
def test_edited_or_typed_command_with_control_characters_sends_nothing(scripted, verb: str
                                                                       ) -> None:
    server = scripted(standard)

    async def user() -> None:
        stepper = Stepper(plan_for(server, pipeline=False))  # one command to edit at a time
        stepper.start()
        assert (await stepper.next_pending()).stage == "ehlo"
        stepper.runner.control("step")
        assert (await stepper.next_pending()).stage == "mail"
        for edit in EDITS:
            stepper.runner.control(verb, edit)
            if verb == "step":  # the same command is offered again, unchanged
                pending = await stepper.next_pending()
                assert (pending.stage, pending.line) == ("mail", "MAIL FROM:<a@example.com>")
            else:  # the refusal is reported; the session still waits at MAIL
                pending = await stepper.next_pending()
                assert (pending.stage, pending.line) == ("mail", "MAIL FROM:<a@example.com>")
        errors = stepper.texts("error")
        assert len(errors) == len(EDITS)
        assert all("control character" in e or "RFC 5321 allows 512" in e for e in errors)
        stepper.runner.control("run")
        result = await stepper.finish()
        assert result.exit_code == 0 and result.outcome == "delivered", stepper.events

    asyncio.run(user())
    received = bytes(server.connections[0].received)
    assert b"evil" not in received and b"\x1b" not in received
    assert received.count(b"MAIL FROM") == 1


# -- the message file --------------------------------------------------------------------------

def long_line_message(tmp_path: Path, length: int) -> Path:
    eml = tmp_path / "long.eml"
    eml.write_bytes(b"Subject: long\n\n" + b"L" * length + b"\nend\n")
    return eml


def test_long_lines_warn_and_the_message_still_goes(scripted, tmp_path: Path) -> None:
    server = scripted(standard)
    got = measured("run", *server_args(server), *ENVELOPE, "--eml",
                   str(long_line_message(tmp_path, 5000)))
    run = got.run
    assert run.code == 0, run.out
    assert "longer than 998 octets" in run.out
    assert "a server may refuse, wrap or truncate them" in run.out
    envelope = server.connections[0].envelopes[0]
    assert envelope.data == b"Subject: long\r\n\r\n" + b"L" * 5000 + b"\r\nend\r\n.\r\n"


def test_a_server_refusing_a_long_line_is_reported_after_the_dot(smtpd, tmp_path: Path) -> None:
    server = smtpd()  # aiosmtpd refuses lines over 1001 octets, as the warning foretells
    got = measured("run", *server_args(server), *ENVELOPE, "--timeout", STAGE_TIMEOUT, "--json",
                   "--eml", str(long_line_message(tmp_path, 2000)))
    run = got.run
    assert "longer than 998 octets" in " ".join(e.get("text", "") for e in run.events())
    assert run.code == 26 and run.result["stage"] == "dot"
    assert "500" in run.result["error"]
    assert server.messages == []


def png_file(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01"
                     b"\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
    return path


def random_binary(path: Path) -> Path:
    noise = random.Random(8).randbytes(50_000)
    path.write_bytes(b"Subject: noise\n\n" + noise)
    assert b"\x00" in noise
    return path


@pytest.mark.parametrize("make", [png_file, random_binary])
def test_a_binary_file_as_the_message_is_refused(scripted, tmp_path: Path, make) -> None:
    eml = make(tmp_path / "picture.eml")
    refused_before_connecting(scripted(standard), *ENVELOPE, "--eml", str(eml),
                              message="NUL byte at offset")


def test_an_empty_message_file_is_refused(scripted, tmp_path: Path) -> None:
    eml = tmp_path / "empty.eml"
    eml.write_bytes(b"")
    refused_before_connecting(scripted(standard), *ENVELOPE, "--eml", str(eml),
                              message="the message file is empty")


def fifo(tmp_path: Path) -> str:
    path = tmp_path / "pipe.eml"
    os.mkfifo(path)  # no writer ever comes: opening it would block for good
    return str(path)


@pytest.mark.parametrize("where, message", [
    (lambda tmp: str(tmp), "is a directory"),
    (fifo, "is not a regular file"),
    (lambda tmp: "/dev/zero", "is not a regular file"),  # would never end
    (lambda tmp: "/proc/self/mem", "Input/output error"),  # a file whose read fails
], ids=["directory", "fifo", "device", "read-error"])
def test_an_unreadable_message_file_is_refused(scripted, tmp_path: Path, where,
                                               message: str) -> None:
    refused_before_connecting(scripted(standard), *ENVELOPE, "--eml", where(tmp_path),
                              message=message)


# -- ten thousand recipients, and UTF-8 addresses ----------------------------------------------

def many(count: int) -> tuple[list[str], list[str]]:
    """`count` recipients, and the --to flags that carry them (comma lists of 1,000)."""
    recipients = [f"user{i:05d}@example.net" for i in range(count)]
    groups = [",".join(recipients[i : i + 1000]) for i in range(0, len(recipients), 1000)]
    return recipients, [arg for group in groups for arg in ("--to", group)]


def test_ten_thousand_recipients_all_accepted_in_bounded_memory(smtpd, tmp_path: Path) -> None:
    server = smtpd()
    recipients, to_args = many(10_000)
    eml = tmp_path / "m.eml"
    eml.write_bytes(b"Subject: many\nTo: undisclosed-recipients:;\n\nhello\n")
    got = measured("run", *server_args(server), "--from", "a@example.com", *to_args, "--json",
                   "--eml", str(eml), timeout=120)
    run = got.run
    assert run.code == 0, run.err + run.out[-2000:]
    assert got.peak_rss < MEMORY_CAP, got.peak_rss
    assert run.result["accepted"] == recipients and run.result["rejected"] == []
    (message,) = server.wait_for_messages(1)
    assert message.rcpt_tos == recipients


def test_the_composed_test_message_folds_a_long_recipient_list(smtpd) -> None:
    """Without --eml, the composed message names every recipient in To:, folded (RFC 5322
    §2.1.1: lines of at most 998 octets), so a server that enforces it still takes it."""
    server = smtpd()  # aiosmtpd refuses lines over 1001 octets
    recipients, to_args = many(200)
    got = measured("run", *server_args(server), "--from", "a@example.com", *to_args, "--json")
    assert got.run.code == 0, got.run.result["error"]
    (message,) = server.wait_for_messages(1)
    assert max(len(line) for line in message.data.split(b"\r\n")) <= 998
    assert all(f"<{r}>".encode() in message.data for r in recipients)


def test_non_ascii_address_with_smtputf8_is_delivered(smtpd) -> None:
    server = smtpd(smtputf8=True)
    got = measured("run", *server_args(server), "--from", "zoë@example.com",
                   "--to", "josé@exämple.net", "--json")
    run = got.run
    assert run.code == 0, run.out
    mail = next(e["text"] for e in run.events() if e["kind"] == "send" and e["stage"] == "mail")
    assert mail.startswith("MAIL FROM:<zoë@example.com>") and "SMTPUTF8" in mail.split()
    (message,) = server.wait_for_messages(1)
    assert message.mail_from == "zoë@example.com"
    assert message.rcpt_tos == ["josé@exämple.net"]
    assert "SMTPUTF8" in message.mail_options


# -- options checked before any network activity (DNS included) --------------------------------

def refused_up_front(*args: str, message: str, env: dict[str, str] | None = None) -> None:
    """`smtptui run ARGS`, as text and as --json: exit 1, one line naming the problem, no
    traceback, nothing on standard output."""
    for extra in ([], ["--json"]):
        run = measured("run", *args, *extra, env=env).run
        assert run.code == 1, run.out + run.err
        assert "Traceback" not in run.err
        assert run.err.startswith("smtptui: error: ") and message in run.err, run.err
        assert len(run.err.strip().splitlines()) == 1
        assert run.out == ""


def garbage_pem(tmp: Path) -> str:
    (tmp / "bad.pem").write_text("garbage\n")
    return str(tmp / "bad.pem")


@pytest.mark.parametrize("where, message", [
    (garbage_pem, "no certificate"),
    (lambda tmp: str(tmp / "missing.pem"), "No such file"),
    (lambda tmp: str(tmp), "Is a directory"),
], ids=["garbage", "missing", "directory"])
@pytest.mark.parametrize("tls", ["starttls", "off"])
def test_an_unusable_ca_file_is_refused_before_connecting(scripted, tmp_path: Path, where,
                                                          message: str, tls: str) -> None:
    server = scripted(standard)
    ca = where(tmp_path)
    refused_up_front(*server_args(server), "--tls", tls, *ENVELOPE, "--ca", ca,
                     message=f"CA file {ca!r} cannot be used")
    refused_up_front(*server_args(server), "--tls", tls, *ENVELOPE, "--ca", ca, message=message)
    assert server.connections == []


def test_an_unusable_ca_file_is_refused_before_any_dns_look_up(dns_server, tmp_path: Path
                                                                ) -> None:
    dns = dns_server({"example.net": {"MX": [(10, "mx.example.net.")]},
                      "mx.example.net": {"A": ["127.0.0.2"]}})
    refused_up_front("--direct", "--dns", dns.address, *ENVELOPE, "--ca", garbage_pem(tmp_path),
                     message="cannot be used")
    assert dns.queries == []


def test_a_profile_with_an_unusable_ca_file_is_refused_before_connecting(scripted,
                                                                         tmp_path: Path
                                                                         ) -> None:
    server = scripted(standard)
    folder = profile_folder(tmp_path, server.port, ca_file=str(tmp_path / "missing.pem"))
    refused_up_front("relay", "--profiles", str(folder), message="cannot be used")
    assert server.connections == []


@pytest.mark.parametrize("dns, message", [
    ("", "--dns '': give the resolver as HOST[:PORT]"),
    ("127.0.0.1:", "the port must be a number"),
    ("127.0.0.1:0", "the port must be a number"),
    ("[::1", "write an IPv6 resolver as [ADDRESS]:PORT"),
])
def test_a_bad_resolver_is_refused_before_connecting(scripted, dns: str, message: str) -> None:
    """An empty --dns never means the system's resolver. (Values only a look-up could have
    reached, such as 'x y', are tested in process, in tests/cli/test_mx.py and below, so
    that even a regression could not send them to the system's resolver.)"""
    server = scripted(standard)
    refused_up_front(*server_args(server), *ENVELOPE, f"--dns={dns}", message=message)
    assert server.connections == []


@pytest.mark.parametrize("dns", ["", "   ", "x y", "-bad.example:53", "bad..example",
                                 "[not-v6]:53"])
@pytest.mark.parametrize("mode", [["--direct"], ["--server", "127.0.0.1:1"]])
def test_a_bad_resolver_is_refused_while_planning(dns: str, mode: list[str]) -> None:
    """In process, so that even a regression could not reach the system's resolver."""
    args = make_parser().parse_args(["run", *mode, f"--dns={dns}", *ENVELOPE])
    with pytest.raises(InputError, match="--dns"):
        launch_from_args(args)


def test_a_bad_recipient_domain_in_direct_mode_is_refused_before_any_dns(dns_server) -> None:
    dns = dns_server({})
    refused_up_front("--direct", "--dns", dns.address, "--from", "a@example.com", "--to",
                     "b@example.net,c@bad..example", message="is not a valid domain name")
    assert dns.queries == []


@pytest.mark.parametrize("flags, message", [
    (["--mx", "mx.example.net"], "--mx HOST needs --direct"),
    (["--auth-mech", "PLAIN"], "--auth-mech needs --auth-user USER"),
    (["--password-env", "SMTP_PW"], "--password-env needs --auth-user USER"),
    (["--password-command", "echo pw"], "--password-command needs --auth-user USER"),
    (["--auth-user", "alice", "--password-env", "SMTP_PW", "--password-command", "echo pw"],
     "give only one password source"),
])
def test_options_that_would_be_ignored_are_refused(scripted, flags: list[str], message: str
                                                   ) -> None:
    server = scripted(standard)
    refused_up_front(*server_args(server), *ENVELOPE, *flags, message=message,
                     env={"SMTP_PW": "pw"})
    assert server.connections == []


PROFILE = """name = "relay"
mode = "smarthost"
host = "127.0.0.1"
port = {port}
helo = "client.example"
sender = "a@example.com"
recipients = ["b@example.net"]
tls = "off"
"""


def profile_folder(tmp_path: Path, port: int, **fields: str) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    extra = "".join(f'{key} = "{value}"\n' for key, value in fields.items())
    (folder / "relay.toml").write_text(PROFILE.format(port=port) + extra)
    return folder


def test_auth_options_are_taken_when_the_profile_names_the_user(smtpd, tmp_path: Path) -> None:
    server = smtpd(auth={"alice": "pw"})
    folder = profile_folder(tmp_path, server.port, auth_user="alice")
    run = measured("run", "relay", "--profiles", str(folder), "--password-env", "SMTP_PW",
                   "--auth-mech", "PLAIN", "--allow-plaintext-auth", "--json",
                   env={"SMTP_PW": "pw"}).run
    assert run.code == 0, run.out + run.err
    assert [a.success for a in server.auth_attempts] == [True]


def test_mx_is_taken_when_the_profile_is_in_direct_mode(dns_server, tmp_path: Path) -> None:
    dns = dns_server({"example.net": {"MX": [(10, "mx1.example.net."), (20, "mx2.example.net.")]},
                      "mx1.example.net": {"A": ["127.0.0.2"]},
                      "mx2.example.net": {"A": ["127.0.0.3"]}})
    with ScriptedServer(standard, "127.0.0.3") as server:
        folder = profile_folder(tmp_path, server.port, dns=dns.address)
        text = (folder / "relay.toml").read_text().replace('"smarthost"', '"direct"')
        (folder / "relay.toml").write_text(text)
        run = measured("run", "relay", "--profiles", str(folder), "--mx", "mx2.example.net",
                       "--json").run
    assert run.code == 0, run.out + run.err
    assert [a["host"] for a in run.result["attempts"]] == ["mx2.example.net"]


# -- sizes and numbers that would only fail mid-session -----------------------------------------

@pytest.mark.parametrize("flag, value, message", [
    ("--to", "a" * 65 + "@example.net", "its local part is 65 octets; RFC 5321 §4.5.3.1.1"),
    ("--to", "b@" + ("d" * 60 + ".") * 5 + "example", "its domain is 312 octets"),
    ("--from", "a" * 64 + "@" + ("d" * 62 + ".") * 3 + "xxx",
     "the path <address> is 259 octets; RFC 5321 §4.5.3.1.3 allows 256"),
    ("--helo", ("h" * 60 + ".") * 5 + "example", "RFC 5321 §4.5.3.1.2 allows 255"),
    ("--timeout", "nan", "--timeout nan: give seconds, more than 0 and at most 86400"),
    ("--timeout", "inf", "--timeout inf: give seconds"),
    ("--timeout", "1e14", "--timeout 1e+14: give seconds"),
])
def test_what_would_break_a_session_half_way_is_refused_up_front(scripted, flag: str,
                                                                 value: str, message: str) -> None:
    args = {"--from": "a@example.com", "--to": "b@example.net", "--helo": "client.example"}
    args[flag] = value
    flat = [item for pair in args.items() for item in pair]
    refused_before_connecting(scripted(standard), *flat, message=message)

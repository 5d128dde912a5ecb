"""Random outside text through every output path: no dangerous code point ever comes out.

The text is drawn from all of Unicode, weighted toward what drives a terminal (C0, C1, ESC
sequences such as OSC 0 and OSC 52, DEL, bidi controls, zero-width characters, U+2028/2029,
tags, and, where a file name or argv can bring them, the lone surrogates that stand for
bytes that are not UTF-8). It goes in as a server's banner, EHLO and replies (a real
`smtptui run`, text and --json, against a scripted loopback server), as MX names from a
loopback DNS server (`smtptui mx`, text and JSON, and a direct-mode walk), as profile
names, notes and file names (`smtptui profiles`), into history files and saved transcripts,
through the printer, the TLS summary, the app's transcript lines and error messages.
Every output is checked line by line with the one rule's own predicate, `is_dangerous`.
"""

from __future__ import annotations

import io
import json
import os
import random
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from smtptui.cli.mx import run_mx
from smtptui.cli.parser import make_parser
from smtptui.cli.printer import Printer
from smtptui.cli.profiles import run_profiles
from smtptui.knowledge.diagnosis import Diagnosis
from smtptui.main import internal_error
from smtptui.net.checks import Check
from smtptui.net.result import Result
from smtptui.net.tls_facts import TlsFacts
from smtptui.smtp.errors import InputError
from smtptui.smtp.replies import Reply
from smtptui.smtp.transcript import Event
from smtptui.store.history import History, HistoryError
from smtptui.store.profiles.validate import ProfileError
from smtptui.tui.export import save_transcript
from smtptui.tui.widgets.transcript_rows import make_line, raw_text
from tests.fixtures.dnsserver import DNSServer
from tests.fixtures.scripted import Peer, ScriptedServer
from tests.reliability.outside import assert_json_lines_safe, raw_points

#: Single code points an attacker reaches for.
DANGEROUS = ([chr(c) for c in range(0x20) if c != 0x09] + [chr(c) for c in range(0x7F, 0xA0)]
             + list("\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u2028\u2029\u202a"
                    "\u202b\u202c\u202d\u202e\u2060\u2066\u2067\u2068\u2069\ufeff\u3164")
             + ["\U000e0001", "\U000e0041", "\U0001d173"])
#: Whole sequences: OSC 0 (title), OSC 52 (clipboard), CSI, C1 CSI and OSC, a hyperlink.
SEQUENCES = ["\x1b]0;pwned\x07", "\x1b]52;c;aGk=\x07", "\x1b[2J", "\x1b[31m", "\x9b2J",
             "\x9d0;t\x9c", "\x1b]8;;http://x/\x1b\\", "\x1bP+q\x1b\\", "\r\n", "\u202e"]
#: Lone surrogates that stand for undecodable bytes (0x9B is CSI on an 8-bit terminal).
UNDECODABLE = ["\udc9b", "\udce9", "\udc85", "\udcff"]


def outside_text(*, undecodable: bool = False, max_size: int = 24) -> st.SearchStrategy[str]:
    """Any text, every code point possible, half of it from the dangerous ones."""
    pieces = [st.sampled_from(DANGEROUS), st.sampled_from(SEQUENCES), st.characters()]
    if undecodable:
        pieces.append(st.sampled_from(UNDECODABLE))
    return st.lists(st.one_of(*pieces), min_size=1, max_size=max_size).map("".join)


def assert_safe(text: str) -> None:
    assert raw_points(text) == [], text


def to_bytes(text: str) -> bytes:
    """``text`` as octets on the wire: UTF-8, a surrogate for an undecodable byte as that
    byte, any other lone surrogate as its (invalid) UTF-8 form."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            out += char.encode("utf-8", "surrogatepass")
    return bytes(out)


def decoded(data: bytes) -> str:
    """What a terminal would get, as text: undecodable bytes kept (as surrogates), so a raw
    0x9B byte is caught too."""
    return data.decode("utf-8", "surrogateescape")


# -- a real `smtptui run` against a server that sends the text ----------------------------------

def _replies(data: bytes, tls: bool) -> dict[bytes, bytes]:
    starttls = b"" if tls else b"250-STARTTLS\r\n"
    return {b"EHLO": b"250-" + data + b"\r\n" + starttls + b"250 X-" + data + b"\r\n",
            b"HELO": b"250 " + data + b"\r\n", b"MAIL": b"250 " + data + b"\r\n",
            b"RCPT": b"550 5.1.1 " + data + b"\r\n", b"RSET": b"250 " + data + b"\r\n",
            b"QUIT": b"221 " + data + b"\r\n"}


def certificate_text(text: str) -> str:
    """What a certificate's name attribute can hold of ``text``: UTF-8, 1 to 60 octets (the
    attribute, with its short prefix, must stay within 64 octets; cryptography counts them
    encoded)."""
    kept, size = [], 0
    for ch in text:
        if 0xD800 <= ord(ch) <= 0xDFFF:
            continue
        size += len(ch.encode("utf-8"))
        if size > 60:
            break
        kept.append(ch)
    return "".join(kept) or "x"


@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(text=outside_text(undecodable=True))
def test_server_text_through_a_headless_run_text_and_json(certs: Any, text: str) -> None:
    """The banner, the EHLO reply (a keyword too), the replies to MAIL, RCPT, QUIT, and the
    certificate's subject and SAN (STARTTLS, --no-verify) all carry the text."""
    data = to_bytes(text)
    context = certs.hostile_context(certificate_text(text))

    async def handler(peer: Peer) -> None:
        tls = False
        try:
            await peer.send(b"220 " + data + b"\r\n")
            while (line := await peer.readline(timeout=5)) is not None:
                verb = line[:8].upper().strip()
                if verb == b"STARTTLS" and not tls:
                    await peer.send(b"220 2.0.0 go ahead\r\n")
                    if not await peer.starttls(context):
                        return
                    tls = True
                    continue
                verb = verb[:4]
                await peer.send(_replies(data, tls).get(verb, b"502 " + data + b"\r\n"))
                if verb == b"QUIT":
                    return
        except Exception:  # the client gave up on what it was sent: fine here
            return

    with ScriptedServer(handler) as server:
        for extra in ([], ["--json"]):
            proc = subprocess.run(
                [sys.executable, "-m", "smtptui", "run", "--server", f"127.0.0.1:{server.port}",
                 "--from", "a@example.com", "--to", "b@example.net", "--helo", "c.example",
                 "--no-verify", "--timeout", "2", "--explain", *extra],
                capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
            out, err = decoded(proc.stdout), decoded(proc.stderr)
            assert "Traceback" not in err, err
            assert_safe(out)
            assert_safe(err)
            if extra:
                assert_json_lines_safe(out)


# -- DNS names: `smtptui mx` and the walk --------------------------------------------------------

@pytest.fixture(scope="module")
def resolver_server() -> Iterator[DNSServer]:
    with DNSServer({}) as server:
        yield server


def dns_name(text: str) -> str:
    """``text`` as the octets of DNS labels, in zone-file form (\\DDD), under evil.test."""
    data = to_bytes(text)[:180] or b"x"
    labels = [data[i:i + 60] for i in range(0, len(data), 60)]
    return ".".join("".join(f"\\{octet:03d}" for octet in label) for label in labels) \
        + ".evil.test."


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(texts=st.lists(outside_text(undecodable=True), min_size=1, max_size=3))
def test_mx_names_through_smtptui_mx_and_the_walk(resolver_server: DNSServer,
                                                  texts: list[str]) -> None:
    names = [dns_name(text) for text in texts]
    resolver_server.zones.clear()
    resolver_server.zones.update({"evil.test": {"MX": [(10 * i, n) for i, n in enumerate(names)]},
                                  "alias.evil.test": {"CNAME": names[0]}})
    for as_json in (False, True):
        out, err = io.StringIO(), io.StringIO()
        run_mx("evil.test", resolver_server.address, 0.5, as_json, out, err=err,
               shuffle=random.Random(0), progress=True)
        assert_safe(out.getvalue())
        assert_safe(err.getvalue().replace("\r\x1b[K", ""))  # our own progress clearing
        if as_json:
            assert_json_lines_safe(out.getvalue())
    from smtptui.cli.run import run

    for extra in ([], ["--json"]):
        args = make_parser().parse_args(
            ["run", "--direct", "--dns", resolver_server.address, "--to", "b@evil.test",
             "--from", "a@example.com", "--helo", "c.example", "--timeout", "0.5", "--port",
             "9", "--tls", "off", *extra])
        out, err = io.StringIO(), io.StringIO()
        run(args, out, err)
        assert_safe(out.getvalue())
        assert_safe(err.getvalue())
        if extra:
            assert_json_lines_safe(out.getvalue())


# -- profiles: names, notes, file names ----------------------------------------------------------

def toml_string(text: str) -> str:
    """A TOML basic string holding ``text`` exactly (every code point escaped)."""
    return '"' + "".join(ch if ch.isalnum() and ch.isascii() else f"\\U{ord(ch):08X}"
                         for ch in text) + '"'


def file_stem(text: str) -> str | None:
    """``text`` as a file name stem this file system takes, or None."""
    stem = text.replace("/", "").replace("\x00", "").lstrip(".")
    try:
        if not stem or len(os.fsencode(stem)) > 200:
            return None
    except UnicodeEncodeError:  # a surrogate that stands for no byte
        return None
    return stem


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=outside_text(), notes=outside_text(), stem=outside_text(undecodable=True))
def test_profile_names_notes_and_file_names_through_smtptui_profiles(
        tmp_path_factory: pytest.TempPathFactory, name: str, notes: str, stem: str) -> None:
    folder = tmp_path_factory.mktemp("profiles")
    try:
        (folder / "named.toml").write_text(f"name = {toml_string(name)}\n")
        (folder / "noted.toml").write_text(f'name = "noted"\nnotes = {toml_string(notes)}\n')
        shown_stem = file_stem(stem)
        if shown_stem is not None:
            (folder / f"{shown_stem}.toml").write_text('host = "127.0.0.1"\n')
        for words in (["profiles"], ["profiles", "show", "noted"], ["profiles", "show", name]):
            args = make_parser().parse_args([*words, "--profiles", str(folder)])
            out, err = io.StringIO(), io.StringIO()
            run_profiles(args, out, err)
            assert_safe(out.getvalue())
            assert_safe(err.getvalue())
    finally:
        shutil.rmtree(folder)


# -- history files, saved transcripts, the app's lines --------------------------------------------

@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(name=outside_text(undecodable=True), text=outside_text(undecodable=True, max_size=40))
def test_history_and_saved_transcripts(tmp_path_factory: pytest.TempPathFactory, name: str,
                                       text: str) -> None:
    folder = tmp_path_factory.mktemp("files")
    try:
        result = json.dumps({"kind": "result", "outcome": "failed", "exit_code": 24,
                             "error": text, text: [text]}, ensure_ascii=False)
        try:
            path = History(folder / "history").record(name, [text, f"   0.1 <-  {text}"],
                                                       result)
        except HistoryError:  # a name with no letter or digit has no history folder
            pass
        else:
            kept = path.read_bytes().decode("utf-8")
            assert_safe(kept)
            json.loads(kept.splitlines()[-1])
        saved = save_transcript([text, raw_text(make_line(0.1, "recv", "rcpt", text, False,
                                                          "<-"))], folder, name)
        assert_safe(saved.read_bytes().decode("utf-8"))
    finally:
        shutil.rmtree(folder)


# -- in process: the printer, the TLS summary, error messages ------------------------------------

@settings(max_examples=200, deadline=None)
@given(text=outside_text(undecodable=True, max_size=40))
def test_printer_tls_summary_and_error_messages(text: str) -> None:
    result = Result(exit_code=24, outcome="failed", stage="rcpt", error=text, host=text,
                    accepted=[text], reply=Reply(550, (text,)), tls=TlsFacts(subject=text),
                    diagnosis=Diagnosis(text, text, text, "unknown-recipient"),
                    checks=[Check(text, None, text)])
    for as_json in (False, True):
        out = io.StringIO()
        printer = Printer(out, io.StringIO(), as_json=as_json, progress=False)
        printer.event(Event(0.1, "recv", "rcpt", text))
        printer.event(Event(0.2, "info", "tls", text, tls=True))
        printer.result(result)
        assert_safe(out.getvalue())
        if as_json:
            assert_json_lines_safe(out.getvalue())
    facts = TlsFacts(version=text, cipher=text, subject=text, issuer=text, sans=(text,),
                     names_server=False, server_name=text)
    for line in facts.summary_lines():
        assert_safe(line)
    assert_safe(str(InputError(text)))
    assert_safe(str(ProfileError(Path(text), 1, text, text)))
    assert_safe(internal_error(ValueError(text)))
    assert_safe(make_line(0.1, "recv", "banner", text, False, "<-")[3])


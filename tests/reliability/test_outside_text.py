"""Outside text never leaves raw: certificate fields, JSON, files, profiles, user names, errors.

One test (or more) per output path; tests/reliability/test_outside_text_properties.py feeds
random text through the same paths. The app's transcript, inspector and saved files are in
tests/tui/test_outside_text_app.py.
"""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from smtptui.cli.parser import make_parser
from smtptui.cli.printer import Printer
from smtptui.cli.profiles import run_profiles
from smtptui.knowledge.diagnosis import Diagnosis
from smtptui.net.result import Result
from smtptui.net.tls_facts import TlsFacts
from smtptui.smtp.errors import InputError
from smtptui.smtp.safety import escape_json, visible, visible_json
from smtptui.smtp.transcript import Event
from smtptui.store.history import History
from smtptui.store.profiles import BrokenProfile, ProfileStore
from smtptui.store.profiles.validate import ProfileError
from smtptui.tui.export import save_transcript
from smtptui.tui.widgets.transcript_rows import TEXT, make_line, raw_text
from tests.cli.helpers import server_args, smtptui
from tests.engine.test_safety import TABLE
from tests.fixtures.scripted import Peer, standard
from tests.reliability.outside import HOSTILE, SHOWN, assert_json_lines_safe, raw_points

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net", "--helo", "client.example"]
#: What fits a certificate's name attribute (at most 64 characters).
CERT_HOSTILE = "\x1b]0;pwned\x07|\x1b]52;c;aGk=\x07|\x9b2J|\u202eevil\u200b|\u2028"


# -- the JSON writer ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", TABLE)
def test_json_is_as_safe_to_print_as_the_text_form(text: str, shown: str) -> None:
    """The one table of dangerous code points, through the one JSON writer: every string
    made visible, and nothing dangerous raw in the JSON text."""
    line = visible_json({"text": text, text: [text, {"k": text}], "n": 1})
    assert raw_points(line) == [] and "\n" not in line
    assert json.loads(line) == {"text": shown, shown: [shown, {"k": shown}], "n": 1}


def test_escaping_json_text_keeps_its_value() -> None:
    """json.dumps(ensure_ascii=False) leaves C1, bidi, zero-width and U+2028 raw;
    escape_json writes them as \\uXXXX (astral ones as a surrogate pair): the same value."""
    value = {"a": "\x85\x9b\u202e\u200b\u2028\U000e0041\udc9b", "é": "日本"}
    dumped = json.dumps(value, ensure_ascii=False)
    assert raw_points(dumped) != []
    safe = escape_json(dumped)
    assert raw_points(safe) == [] and json.loads(safe) == value
    assert "é" in safe and "日本" in safe  # ordinary text stays as it is


def test_events_and_results_print_safely_as_text_and_as_json() -> None:
    """The headless printer, whatever made the line (the runner, the walk, a summary that
    quotes a reply or an error)."""
    result = Result(exit_code=24, outcome="failed", stage="rcpt", error=f"refused {HOSTILE}",
                    host=HOSTILE, accepted=[HOSTILE], tls=TlsFacts(subject=HOSTILE),
                    diagnosis=Diagnosis(HOSTILE, HOSTILE, HOSTILE, "unknown-recipient"))
    for as_json in (False, True):
        out = io.StringIO()
        printer = Printer(out, io.StringIO(), as_json=as_json, progress=False)
        printer.event(Event(0.5, "info", "tls", f"certificate subject: CN={HOSTILE}"))
        printer.event(Event(0.6, "recv", "rcpt", HOSTILE))
        printer.result(result)
        assert raw_points(out.getvalue()) == [], out.getvalue()
        if as_json:
            assert_json_lines_safe(out.getvalue())
        else:
            assert f"CN={SHOWN}" in out.getvalue()


# -- certificate fields -------------------------------------------------------------------------

@pytest.mark.parametrize("trust", ["--no-verify", "--ca"])
def test_certificate_fields_reach_no_output_raw(scripted, certs, trust: str) -> None:
    """A certificate whose subject, issuer-side names and SAN carry OSC 0, OSC 52, CSI, C1,
    bidi and zero-width characters: unverified (--no-verify, which smtptui suggests) and
    verified through --ca alike, in text and in --json."""
    context = certs.hostile_context(CERT_HOSTILE)  # a name attribute holds 64 characters

    async def handler(peer: Peer) -> None:
        await standard(peer, ehlo=("250-test.example", "250 STARTTLS"), tls=context)

    server = scripted(handler)
    trusting = ["--no-verify"] if trust == "--no-verify" else ["--ca", str(certs.ca_file)]
    args = ["run", "--server", f"127.0.0.1:{server.port}", *ENVELOPE, "--tls", "required",
            "--quit-after", "tls", *trusting]
    text = smtptui(*args)
    assert text.code == 0, text.out + text.err
    assert raw_points(text.out + text.err) == []
    assert f"certificate subject: CN=cn{SHOWN}" in text.out
    assert f"DNS:san{SHOWN}" in text.out
    as_json = smtptui(*args, "--json")
    assert as_json.code == 0
    assert_json_lines_safe(as_json.out)
    tls = as_json.result["tls"]
    assert tls["subject"].startswith(f"CN=cn{SHOWN}")
    assert any(san.startswith(f"DNS:san{SHOWN}") for san in tls["sans"])


def test_certificate_summary_lines_are_visible_whatever_the_facts() -> None:
    facts = TlsFacts(version="TLSv1.3", cipher=HOSTILE, subject=HOSTILE, issuer=HOSTILE,
                     sans=(f"DNS:{HOSTILE}",), names_server=False, server_name=HOSTILE)
    lines = facts.summary_lines()
    assert len(lines) >= 5 and all(raw_points(line) == [] for line in lines)


# -- history, saved transcripts, the app's transcript lines -------------------------------------

def test_history_keeps_the_result_as_valid_json_with_nothing_raw(tmp_path: Path) -> None:
    """The result object is written by the JSON writer: before, the text rule turned a raw
    C1 or bidi character into "\\x85", which made the last line invalid JSON."""
    history = History(tmp_path)
    result = json.dumps({"kind": "result", "outcome": "failed", "exit_code": 24,
                         "error": HOSTILE, HOSTILE: [HOSTILE]}, ensure_ascii=False)
    path = history.record("relay", [f"   0.001 <-  220 {HOSTILE}"], result,
                          when=datetime(2025, 3, 1, tzinfo=UTC))
    text = path.read_text(encoding="utf-8")
    assert raw_points(text) == []
    last = json.loads(text.splitlines()[-1])
    assert last["error"] == visible(HOSTILE) and last["exit_code"] == 24


def test_a_saved_transcript_file_holds_nothing_raw(tmp_path: Path) -> None:
    path = save_transcript([f"   0.001 ===  certificate subject: CN={HOSTILE}"], tmp_path, "x")
    text = path.read_text(encoding="utf-8")
    assert raw_points(text) == [] and SHOWN in text


def test_the_app_keeps_transcript_lines_visible() -> None:
    """Whatever made an event, the app's transcript keeps (shows, copies, saves) it visible."""
    line = make_line(0.5, "info", "tls", f"certificate subject: CN={HOSTILE}", False, "===")
    assert raw_points(line[TEXT]) == [] and raw_points(raw_text(line)) == []
    assert SHOWN in line[TEXT]


# -- profiles: file names, notes ----------------------------------------------------------------

def test_a_file_name_that_cannot_be_a_name_makes_the_file_broken(tmp_path: Path) -> None:
    """A file without ``name`` is named after its file; a file name with OSC 0 (or any
    control, bidi or non-UTF-8 byte) is reported as a broken file, shown escaped, never
    taken as a profile's name."""
    (tmp_path / "\x1b]0;x\x07.toml").write_text('host = "127.0.0.1"\n')
    (tmp_path / "\u202eevil.toml").write_text('host = "127.0.0.1"\n')
    (tmp_path / "plain name.toml").write_text('host = "127.0.0.1"\n')
    items = ProfileStore(tmp_path).load_all()
    broken = sorted(item.name for item in items if isinstance(item, BrokenProfile))
    assert broken == ["\\u202eevil", "\\x1b]0;x\\x07"]
    assert [item.name for item in items if not isinstance(item, BrokenProfile)] == ["plain name"]
    out, err = io.StringIO(), io.StringIO()
    args = make_parser().parse_args(["profiles", "--profiles", str(tmp_path)])
    assert run_profiles(args, out, err) == 0
    assert raw_points(out.getvalue() + err.getvalue()) == []
    assert "\\x1b]0;x\\x07.toml  BROKEN" in out.getvalue()
    assert "its file name cannot be one" in out.getvalue()


@pytest.mark.parametrize("field", ["notes", "body"])
@pytest.mark.parametrize("char", ["\x1b", "\x9b", "\x07", "\x7f", "\u2028", "\r"])
def test_notes_and_body_refuse_control_characters(tmp_path: Path, field: str,
                                                   char: str) -> None:
    """docs/profiles.md: no control characters, line breaks (and TABs) allowed in body and
    notes only."""
    escaped = json.dumps(f"see {char}]0;x ticket")  # a TOML basic string takes JSON escapes
    (tmp_path / "relay.toml").write_text(f'name = "relay"\n{field} = {escaped}\n')
    [item] = ProfileStore(tmp_path).load_all()
    assert isinstance(item, BrokenProfile)
    assert f"line 2: {field}: must not contain control characters" in item.message
    assert raw_points(item.message) == []


def test_notes_keep_line_breaks_and_tabs(tmp_path: Path) -> None:
    (tmp_path / "relay.toml").write_text('name = "relay"\nnotes = """\nfirst\n\tsecond\n"""\n')
    [item] = ProfileStore(tmp_path).load_all()
    assert not isinstance(item, BrokenProfile)
    assert item.notes == "first\n\tsecond\n"


# -- the AUTH user name -------------------------------------------------------------------------

@pytest.mark.parametrize("char", ["\x1b", "\x1b]0;x\x07", "\x9b", "\x00", "\t", "\u202e",
                                  "\u200b", "\u2028"], ids=repr)
def test_an_auth_user_with_control_characters_is_refused(scripted, char: str) -> None:
    """--auth-user (and a profile's auth_user: SessionPlan.validate serves both) with a
    control or invisible character: one line, exit 1, nothing sent, no password read."""
    if char == "\x00":  # NUL cannot travel in argv: the engine's check, in process
        from tests.reliability.helpers import plan_for

        plan = plan_for(scripted(standard))
        plan.auth_user = f"al{char}ice"
        with pytest.raises(InputError, match="AUTH user name"):
            plan.validate()
        return
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--auth-user", f"al{char}ice",
                  "--password-env", "SMTP_PW", env={"SMTP_PW": "pw"})
    assert run.code == 1, run.out + run.err
    assert run.err.startswith("smtptui: error: the AUTH user name") and run.err.count("\n") == 1
    assert raw_points(run.err) == [] and "Traceback" not in run.err
    assert run.out == "" and server.connections == []


def test_a_profile_auth_user_goes_through_the_same_check(scripted, tmp_path: Path) -> None:
    server = scripted(standard)
    (tmp_path / "relay.toml").write_text(
        f'name = "relay"\nhost = "127.0.0.1"\nport = {server.port}\nsender = "a@example.com"\n'
        f'recipients = ["b@example.net"]\ntls = "off"\nauth_user = "al\u202eice"\n'
        'password_source = "env:SMTP_PW"\n')
    run = smtptui("run", "relay", "--profiles", str(tmp_path), env={"SMTP_PW": "pw"})
    assert run.code == 1, run.out + run.err
    assert "the AUTH user name" in run.err and "U+202E" in run.err
    assert raw_points(run.err) == [] and server.connections == []


# -- error messages that quote outside text -----------------------------------------------------

def test_error_messages_quote_outside_text_visibly(tmp_path: Path) -> None:
    """Every error the code raises on purpose passes the text rule in str(): a folder or file
    name, a host, an argument quoted in it comes out visible (`smtptui run` writes
    ``smtptui: error: {exc}``)."""
    assert raw_points(str(InputError(f"cannot read {HOSTILE}"))) == []
    assert raw_points(str(ProfileError(tmp_path / HOSTILE, 3, "host", HOSTILE))) == []
    folder = tmp_path / "\x1b]0;pwned\x07\u202e"
    folder.mkdir()
    run = smtptui("run", "nosuch", "--profiles", str(folder))
    assert run.code == 1
    assert raw_points(run.err) == [] and "\\x1b]0;pwned\\x07\\u202e" in run.err
    eml = smtptui("run", "--server", "127.0.0.1:9", *ENVELOPE, "--eml",
                  str(tmp_path / f"{HOSTILE}.eml"))
    assert eml.code == 1 and raw_points(eml.err) == []


# -- DNS names ----------------------------------------------------------------------------------

def test_dns_names_with_any_octets_print_safely(dns_server) -> None:
    """MX names whose labels hold ESC, BEL, C1 and UTF-8 bidi octets: `smtptui mx` (text and
    JSON) and the walk show them escaped (\\DDD, as dnspython writes them), never raw."""
    label = "".join(f"\\{octet:03d}" for octet in
                    b"\x1b]0;x\x07\x9b" + "\u202e\u2028".encode())
    server = dns_server({"evil.test": {"MX": [(10, f"{label}.evil.test."),
                                              (20, "ok.evil.test.")]},
                         "ok.evil.test": {"A": ["127.0.0.9"]}})
    runs = [smtptui("mx", "evil.test", "--dns", server.address, "--timeout", "1", *extra)
            for extra in ([], ["--json"])]
    for run in runs:
        assert run.code == 0, run.out + run.err
        assert raw_points(run.out + run.err) == []
    assert "\\027]0\\;x\\007\\155" in runs[0].out and "bad name" in runs[0].out
    assert_json_lines_safe(runs[1].out)
    walk = smtptui("run", "--direct", "--dns", server.address, "--to", "b@evil.test",
                   "--from", "a@example.com", "--timeout", "1", "--port", "9", "--tls", "off")
    assert raw_points(walk.out + walk.err) == [] and "Traceback" not in walk.err

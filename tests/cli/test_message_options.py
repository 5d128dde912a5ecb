"""The message's options (issue 16): --header, --add-header, --eml - (and swaks' --data),
--attach with --attach-type and --attach-name, and the null sender's From, checked against the
bytes a real loopback server received."""

from __future__ import annotations

import email
import email.policy
import os
import pty
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.launch.headers import edited, parse_header
from smtptui.smtp.errors import InputError
from tests.cli.helpers import Run, server_args, smtptui
from tests.fixtures.scripted import standard
from tests.reliability.helpers import measured, peak_memory

ENVELOPE = ["--from", "a@example.com", "--to", "b@example.net"]
#: The peak memory of a run sending a 30 MB message: a plain run peaks near 25 MB; one that
#: held the message whole would pass 47 MB.
FLAT = 40 * 1024 * 1024
EML = (b"Received: from x.example by y.example; Mon, 1 Dec 2025 10:00:00 +0000\r\n"
       b"subject: the old one\r\n"
       b"\tcontinued on a folded line\r\n"
       b"X-Keep: kept\r\n"
       b"SUBJECT: a second subject\r\n"
       b"\r\n"
       b"Subject: in the body, never touched\r\n"
       b"body line\r\n")


def parsed(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def head_and_body(data: bytes) -> tuple[list[bytes], bytes]:
    head, _, body = data.partition(b"\r\n\r\n")
    return head.split(b"\r\n"), body


def run_with_stdin(*args: str, stdin: bytes, timeout: float = 60) -> Run:
    """`smtptui ARGS` with ``stdin`` written to its standard input through a pipe."""
    proc = subprocess.run([sys.executable, "-m", "smtptui", *args], input=stdin,
                          capture_output=True, timeout=timeout)
    return Run(proc.returncode, proc.stdout.decode("utf-8", "replace"),
               proc.stderr.decode("utf-8", "replace"))


def assert_refused(run: Run, server: object, starts: str) -> None:
    """Bad input: one line on standard error, exit 1, nothing on the network."""
    assert run.code == 1, run.out + run.err
    assert run.out == "" and "Traceback" not in run.err
    (line,) = run.err.splitlines()
    assert line.startswith(f"smtptui: error: {starts}"), line
    assert server.connections == []  # type: ignore[attr-defined]


# -- --header and --add-header -----------------------------------------------------------------

def test_header_replaces_the_composed_subject_and_add_header_adds(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--subject", "composed",
                  "--header", "Subject: replaced", "--add-header", "X-Test: one",
                  "--add-header", "X-Test: two", "--header", "X-New: added")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    lines, body = head_and_body(got.data)
    assert [line for line in lines if line.lower().startswith(b"subject:")] == [
        b"Subject: replaced"]
    assert lines[-3:] == [b"X-Test: one", b"X-Test: two", b"X-New: added"]
    assert body == b"This is a test mailing sent by smtptui.\r\n"


def test_header_on_an_eml_replaces_the_field_where_it_stands_and_keeps_the_body(
        tmp_path: Path, sink) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(EML)
    run = smtptui("run", *server_args(sink), *ENVELOPE, "--eml", str(path),
                  "--header", "Subject: new", "--add-header", "X-Keep: another")
    assert run.code == 0, run.out + run.err
    (got,) = sink.wait_for_messages(1)
    assert got.data == (
        b"Received: from x.example by y.example; Mon, 1 Dec 2025 10:00:00 +0000\r\n"
        b"Subject: new\r\n"  # the first subject and its folded line; the second one gone
        b"X-Keep: kept\r\n"
        b"X-Keep: another\r\n"
        b"\r\n"
        b"Subject: in the body, never touched\r\n"
        b"body line\r\n")


def test_header_edits_work_on_a_message_without_a_body(tmp_path: Path, smtpd) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(b"Subject: only headers")  # no line end, no empty line
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--eml", str(path),
                  "--add-header", "X-A: b")
    assert run.code == 0, run.out + run.err
    assert server.wait_for_messages(1)[0].data == b"Subject: only headers\r\nX-A: b\r\n"


INJECTIONS = {
    "CRLF": "Subject: hi\r\nBcc: evil@z.test", "LF": "Subject: hi\nBcc: evil@z.test",
    "CR": "Subject: hi\rBcc: evil@z.test", "NEL": "Subject: hi\x85Bcc: evil@z.test",
    "LS": "Subject: hi\u2028Bcc: evil@z.test",
}


@pytest.mark.parametrize("flag", ["--header", "--add-header"])
@pytest.mark.parametrize("value", INJECTIONS.values(), ids=INJECTIONS.keys())
def test_a_line_break_in_a_header_is_refused_and_nothing_is_sent(scripted, flag: str,
                                                                 value: str) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, flag, value)
    assert_refused(run, server, f"{flag}: a line break (")
    assert "header injection" in run.err


def test_header_injection_is_refused_with_json_and_an_eml_too(scripted, tmp_path: Path) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(EML)
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--json", "--eml", str(path),
                  "--header", "X-A: b\r\n\r\nforged body")
    assert_refused(run, server, "--header: a line break (CR (carriage return)) at character 7")


BAD_NAMES = {
    "space inside": ("Sub ject: x", "is not a field name"),
    "space before the colon": ("Subject : x", "is not a field name"),
    "empty": (": x", "is not a field name"),
    "no colon": ("Subject x", "give the header as 'Name: value'"),
    "non-ASCII": ("Sübject: x", "is not ASCII"),
    "control": ("X-\x1b[31m: x", "control character ESC"),
    "TAB in the name": ("X-A\tB: x", "is not a field name"),
}


@pytest.mark.parametrize("text, says", BAD_NAMES.values(), ids=BAD_NAMES.keys())
def test_a_header_that_is_not_a_field_is_refused(scripted, text: str, says: str) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--add-header", text)
    assert_refused(run, server, "--add-header")
    assert says in run.err


def test_a_non_ascii_value_is_encoded_as_rfc_2047_and_reads_back(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE,
                  "--header", "X-Greeting: Grüße aus Köln, ça va ?",
                  "--header", "From: Jörg Müller <joerg@example.com>",
                  "--add-header", "Comments: 日本語のコメント")
    assert run.code == 0, run.out + run.err
    data = server.wait_for_messages(1)[0].data
    head, _ = head_and_body(data)
    assert all(line.isascii() and len(line) <= 78 for line in head)
    message = parsed(data)
    assert message["X-Greeting"] == "Grüße aus Köln, ça va ?"
    assert message["Comments"] == "日本語のコメント"
    (sender,) = message["From"].addresses
    assert (sender.display_name, sender.addr_spec) == ("Jörg Müller", "joerg@example.com")
    assert message["From"].defects == ()


def test_non_ascii_in_a_structured_field_is_refused(scripted) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--header", "Message-ID: <ü@x.test>")
    assert_refused(run, server, "--header: Message-ID: non-ASCII text cannot be written")


def test_a_long_value_is_folded_at_its_spaces_and_unfolds_to_itself(smtpd) -> None:
    value = " ".join(f"word{i}" for i in range(60))
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--header", f"X-Long:  {value}  ")
    assert run.code == 0, run.out + run.err
    data = server.wait_for_messages(1)[0].data
    head, _ = head_and_body(data)
    start = next(i for i, line in enumerate(head) if line.startswith(b"X-Long:"))
    field = [head[start]] + [line for line in head[start + 1:start + 10]
                             if line.startswith(b" ")]
    assert len(field) > 3 and all(len(line) <= 78 for line in field)
    assert b"".join(field) == b"X-Long: " + value.encode()  # unfolding: the CRLFs go
    assert parsed(data)["X-Long"] == value


def test_a_word_no_line_can_hold_is_refused(scripted) -> None:
    server = scripted(standard)
    run = smtptui("run", *server_args(server), *ENVELOPE, "--header", "X-Big: " + "a" * 1000)
    assert_refused(run, server, "--header: X-Big: a word of the value is too long")


def test_header_options_keep_a_headless_run_free_of_the_email_package(sink) -> None:
    code = ("import sys\nfrom smtptui.main import main\n"
            f"code = main(['run', '--server', '127.0.0.1:{sink.port}', '--tls', 'off', "
            "'--from', 'a@example.com', '--to', 'b@example.net', '--header', 'Subject: s', "
            "'--add-header', 'X-A: Grüße'])\n"
            "bad = [m for m in sys.modules if m.split('.')[0] == 'email']\n"
            "print(code, bad); sys.exit(0 if code == 0 and not bad else 1)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-500:] + proc.stderr


def test_a_header_replaced_in_a_30_mb_eml_streams_in_flat_memory(tmp_path: Path, sink
                                                                 ) -> None:
    line = b"x" * 75 + b"\r\n"
    path = tmp_path / "big.eml"
    with path.open("wb") as fh:
        fh.write(b"Subject: big\r\nX-Old: 1\r\n\r\n")
        for _ in range(30):
            fh.write(line * (1024 * 1024 // len(line)))
    size = path.stat().st_size
    got = measured("run", *server_args(sink), *ENVELOPE, "--eml", str(path),
                   "--header", "Subject: replaced", "--add-header", "X-New: 1", timeout=120)
    assert got.run.code == 0, got.run.out[-2000:] + got.run.err
    assert got.peak_rss < FLAT, got.peak_rss  # the message is 30 MB
    (received,) = sink.wait_for_messages(1, timeout=30)
    assert received.data.startswith(b"Subject: replaced\r\nX-Old: 1\r\nX-New: 1\r\n\r\nxxx")
    assert len(received.data) == size - len(b"big") + len(b"replaced") + len(b"X-New: 1\r\n")


def test_edits_are_the_same_however_the_message_is_cut() -> None:
    edits = [parse_header("--header", "Subject: new"), parse_header("--add-header", "X-A: b")]
    raw = b"Subject: a\r\n b\rX-C: d\n\r\nbody\r\n\r\nSubject: body\r\n"
    whole = b"".join(edited([raw], edits, "m"))
    assert whole == b"Subject: new\r\nX-C: d\r\nX-A: b\r\n\r\nbody\r\n\r\nSubject: body\r\n"
    for size in range(1, len(raw)):
        cut = [raw[i:i + size] for i in range(0, len(raw), size)]
        assert b"".join(edited(cut, edits, "m")) == whole, size


def _lf(data: bytes) -> bytes:
    """Line ends as the DATA encoder reads them (CRLF, bare CR, bare LF), written as LF."""
    return data.replace(b"\r\n", b"\n").replace(b"\r", b"\n")


@given(st.binary(min_size=1, max_size=200), st.integers(1, 30))
def test_edits_touch_nothing_after_the_first_empty_line(raw: bytes, size: int) -> None:
    edits = [parse_header("--header", "Subject: s")]
    out = _lf(b"".join(edited([raw[i:i + size] for i in range(0, len(raw), size)], edits, "m")))
    text = _lf(raw)
    end = 0 if text.startswith(b"\n") else text.find(b"\n\n") + 1 if b"\n\n" in text else -1
    if end >= 0:  # the body, from the empty line on, is passed on as it was
        head = out[:len(out) - len(text) + end]
        assert out.endswith(text[end:]) and head.endswith(b"\n")
    else:  # a message of header lines only
        head = out
    assert head.split(b"\n").count(b"Subject: s") == 1


def test_a_message_without_an_empty_line_in_8_mib_is_refused_for_an_edit() -> None:
    chunks = [b"X-Long: " + b"a" * (1024 * 1024) + b"\r\n" for _ in range(9)]
    with pytest.raises(InputError, match="no empty line in its first 8 MiB"):
        b"".join(edited(chunks, [parse_header("--header", "X: y")], "big.eml"))


# -- --eml - (and swaks' --data) ---------------------------------------------------------------

def test_eml_dash_reads_the_message_from_a_pipe(sink) -> None:
    run = run_with_stdin("run", *server_args(sink), *ENVELOPE, "--eml", "-",
                         "--header", "Subject: edited", stdin=EML.replace(b"\r\n", b"\n"))
    assert run.code == 0, run.out + run.err
    (got,) = sink.wait_for_messages(1)
    assert got.data.startswith(b"Received: from x.example")
    assert b"Subject: edited\r\nX-Keep: kept\r\n\r\nSubject: in the body" in got.data
    assert "standard input" not in run.err


def test_a_message_from_standard_input_is_spooled_once_in_flat_memory(tmp_path: Path,
                                                                    sink) -> None:
    """30 MB through a pipe: read once into a private file, scanned and sent from it."""
    block = b"y" * 998 + b"\r\n"
    total = 30 * 1024 * 1024 // len(block)
    out, err = tmp_path / "out", tmp_path / "err"
    spool = tmp_path / "spool"
    spool.mkdir()
    with out.open("wb") as out_file, err.open("wb") as err_file:
        proc = subprocess.Popen([sys.executable, "-m", "smtptui", "run", *server_args(sink),
                                 *ENVELOPE, "--eml", "-"], stdin=subprocess.PIPE,
                                stdout=out_file, stderr=err_file,
                                env=dict(os.environ, TMPDIR=str(spool)))
    assert proc.stdin is not None

    def feed() -> None:
        assert proc.stdin is not None
        proc.stdin.write(b"Subject: piped\r\n\r\n")
        for _ in range(total):
            proc.stdin.write(block)
        proc.stdin.close()

    writer = threading.Thread(target=feed)
    writer.start()
    peak = 0
    deadline = time.monotonic() + 120
    while proc.poll() is None and time.monotonic() < deadline:
        peak = max(peak, peak_memory(proc.pid))
        time.sleep(0.01)
    writer.join()
    assert proc.wait(timeout=10) == 0, out.read_text()[-2000:] + err.read_text()
    assert 0 < peak < FLAT, peak
    (got,) = sink.wait_for_messages(1, timeout=30)
    assert len(got.data) == len(b"Subject: piped\r\n\r\n") + total * len(block)
    assert list(spool.iterdir()) == []  # the spool has no name, and nothing is left


def test_eml_dash_with_empty_standard_input_is_refused(scripted) -> None:
    server = scripted(standard)
    run = run_with_stdin("run", *server_args(server), *ENVELOPE, "--eml", "-", stdin=b"")
    assert_refused(run, server, "--eml -: standard input is empty")


def test_eml_dash_from_a_terminal_is_refused_rather_than_waiting(scripted) -> None:
    server = scripted(standard)
    controller, terminal = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "smtptui", "run", *server_args(server),
                               *ENVELOPE, "--eml", "-"], stdin=terminal, capture_output=True,
                              text=True, timeout=30)
    finally:
        os.close(controller)
        os.close(terminal)
    assert_refused(Run(proc.returncode, proc.stdout, proc.stderr), server,
                   "--eml -: standard input is a terminal")


def test_data_is_accepted_in_its_two_forms_that_name_a_message(tmp_path: Path, smtpd) -> None:
    path = tmp_path / "m.eml"
    path.write_bytes(b"Subject: from a file\r\n\r\nhi\r\n")
    server = smtpd()
    assert smtptui("run", *server_args(server), *ENVELOPE, "--data", f"@{path}").code == 0
    run = run_with_stdin("run", *server_args(server), *ENVELOPE, "--data", "-",
                         stdin=b"Subject: from a pipe\r\n\r\nhi\r\n")
    assert run.code == 0, run.out + run.err
    first, second = server.wait_for_messages(2)
    assert first.data == b"Subject: from a file\r\n\r\nhi\r\n"
    assert second.data == b"Subject: from a pipe\r\n\r\nhi\r\n"


@pytest.mark.parametrize("args, starts", [
    (["--data", "Subject: x\\n\\nbody"], "--data: give the message as a file"),
    (["--data", "-", "--eml", "m.eml"], "--eml and --data both name the message"),
])
def test_data_otherwise_is_refused(scripted, args: list[str], starts: str) -> None:
    server = scripted(standard)
    assert_refused(smtptui("run", *server_args(server), *ENVELOPE, *args), server, starts)


# -- --attach ------------------------------------------------------------------------------------

def test_attached_files_decode_back_to_their_bytes(tmp_path: Path, smtpd) -> None:
    binary = tmp_path / "blob.bin"
    binary.write_bytes(os.urandom(200_003))  # not a multiple of 57: a short last line
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4 not really\n")
    named = tmp_path / "notes.txt"
    named.write_bytes("Grüße\n".encode())
    empty = tmp_path / "empty.dat"
    empty.write_bytes(b"")
    server = smtpd()
    run = smtptui("run", *server_args(server), *ENVELOPE, "--body", "see the files",
                  "--attach", str(binary), "--attach", f"@{pdf}",
                  "--attach-type", "text/plain; charset=utf-8",
                  "--attach-name", "résumé des notes.txt", "--attach", str(named),
                  "--attach-name", "", "--attach", str(empty),
                  "--header", "Subject: with files")
    assert run.code == 0, run.out + run.err
    data = server.wait_for_messages(1)[0].data
    assert data.isascii()  # base64 parts, RFC 2231 names, an ASCII body
    message = parsed(data)
    assert message.get_content_type() == "multipart/mixed"
    assert message["Subject"] == "with files"
    text, *parts = message.iter_parts()
    assert (text.get_content_type(), text.get_content().strip()) == ("text/plain", "see the files")
    found = [(p.get_content_type(), p.get_filename(), p.get_payload(decode=True),
              p.get_content_disposition()) for p in parts]
    assert found == [
        ("application/octet-stream", "blob.bin", binary.read_bytes(), "attachment"),
        ("application/pdf", "report.pdf", pdf.read_bytes(), "attachment"),
        ("text/plain", "résumé des notes.txt", named.read_bytes(), "attachment"),
        ("text/plain", None, b"", "attachment"),  # --attach-type applies to the rest
    ]
    assert parts[2].get_content_charset() == "utf-8"
    assert message.defects == [] and all(p.defects == [] for p in parts)


def test_a_large_attachment_streams_in_flat_memory(tmp_path: Path, sink) -> None:
    path = tmp_path / "big.bin"
    with path.open("wb") as fh:
        for _ in range(30):
            fh.write(os.urandom(1024 * 1024))
    got = measured("run", *server_args(sink), *ENVELOPE, "--attach", str(path), timeout=120)
    assert got.run.code == 0, got.run.out[-2000:] + got.run.err
    assert got.peak_rss < FLAT, got.peak_rss  # 30 MB, 40 MB in base64
    (received,) = sink.wait_for_messages(1, timeout=30)
    (part,) = list(parsed(received.data).iter_attachments())
    assert part.get_payload(decode=True) == path.read_bytes()


def test_an_attachment_changed_after_the_scan_is_never_finished(tmp_path: Path, sink) -> None:
    from smtptui.launch.assemble import message_for
    from smtptui.net.blocking_transport import BlockingConnection, drive
    from smtptui.net.runner import Runner
    from smtptui.smtp.plan import SessionPlan

    path = tmp_path / "a.txt"
    path.write_bytes(b"before")
    plan = SessionPlan(host="127.0.0.1", port=sink.port, sender="a@example.com",
                       recipients=["b@example.net"], helo="client.example", tls="off")
    plan.message = message_for(plan, eml=None, subject=None, body=None,
                               attach=[("--attach", str(path))])
    plan.message.scan()
    path.write_bytes(b"AFTER!")  # same size, other bytes
    result = drive(Runner(plan, lambda item: None, driver=BlockingConnection).run())
    assert (result.exit_code, result.stage) == (1, "dot"), result
    assert "changed" in result.error
    time.sleep(0.3)
    assert sink.messages() == []


@pytest.mark.parametrize("args, starts", [
    (["--attach", "/nonexistent/file.pdf"], "--attach file '/nonexistent/file.pdf' does not "
                                            "exist"),
    (["--attach", "-"], "--attach -: standard input cannot be attached"),
    (["--attach", "@ATTACHED", "--attach-type", "text/plain"],
     "--attach-type 'text/plain' applies to the --attach options after it, and none follows"),
    (["--attach", "@ATTACHED", "--attach-name", "x.txt"],
     "--attach-name 'x.txt' names the --attach after it, and none follows"),
    (["--attach-type", "not a type", "--attach", "@ATTACHED"], "--attach-type 'not a type'"),
    (["--attach-type", "message/rfc822", "--attach", "@ATTACHED"],
     "--attach-type 'message/rfc822': a message/ or multipart/ part cannot be sent in base64"),
    (["--attach-name", "a\r\nb", "--attach", "@ATTACHED"], "--attach-name holds a control"),
    (["--eml", "@EML", "--attach", "@ATTACHED"], "--attach adds files to the composed"),
])
def test_bad_attachments_are_refused(scripted, tmp_path: Path, args: list[str], starts: str
                                     ) -> None:
    attached = tmp_path / "a.txt"
    attached.write_bytes(b"a")
    eml = tmp_path / "m.eml"
    eml.write_bytes(EML)
    args = [a.replace("@ATTACHED", str(attached)).replace("@EML", str(eml)) for a in args]
    server = scripted(standard)
    assert_refused(smtptui("run", *server_args(server), *ENVELOPE, *args), server, starts)


# -- the null sender's From ----------------------------------------------------------------------

def test_the_null_sender_s_composed_message_has_a_from_that_parses(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", *server_args(server), "--from", "", "--to", "b@example.net")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.mail_from == "<>"
    header = parsed(got.data)["From"]
    assert header.defects == ()
    (mailbox,) = header.addresses
    assert mailbox.addr_spec == "MAILER-DAEMON@client.example"


# -- profiles: the options apply to one run ------------------------------------------------------

PROFILE = """name = "relay"
host = "127.0.0.1"
port = {port}
helo = "client.example"
sender = "a@example.com"
recipients = ["b@example.net"]
{message}
tls = "off"
"""


@pytest.mark.parametrize("message", ['eml = "hello.eml"', 'subject = "from the profile"'])
def test_a_profile_run_takes_header_options_for_this_run_only(tmp_path: Path, smtpd,
                                                              message: str) -> None:
    server = smtpd()
    (tmp_path / "hello.eml").write_bytes(b"Subject: from the profile\n\nhello\n")
    path = tmp_path / "relay.toml"
    path.write_text(PROFILE.format(port=server.port, message=message))
    before = path.read_bytes()
    run = smtptui("run", "relay", "--profiles", str(tmp_path), "--header", "Subject: override",
                  "--add-header", "X-Run: 1")
    assert run.code == 0, run.out + run.err
    data = server.wait_for_messages(1)[0].data
    assert parsed(data)["Subject"] == "override" and parsed(data)["X-Run"] == "1"
    assert b"from the profile" not in data
    assert path.read_bytes() == before


def test_a_profile_run_takes_its_message_from_standard_input(tmp_path: Path, smtpd) -> None:
    server = smtpd()
    path = tmp_path / "relay.toml"
    path.write_text(PROFILE.format(port=server.port, message='eml = "missing.eml"'))
    run = run_with_stdin("run", "relay", "--profiles", str(tmp_path), "--eml", "-",
                         stdin=b"Subject: piped\n\nhello\n")
    assert run.code == 0, run.out + run.err  # the profile's own (missing) file is not opened
    assert server.wait_for_messages(1)[0].data == b"Subject: piped\r\n\r\nhello\r\n"


def test_a_profile_run_with_attach_composes_from_the_profile(tmp_path: Path, smtpd) -> None:
    server = smtpd()
    attached = tmp_path / "a.txt"
    attached.write_bytes(b"attached")
    path = tmp_path / "relay.toml"
    path.write_text(PROFILE.format(port=server.port, message='subject = "profiled"'))
    run = smtptui("run", "relay", "--profiles", str(tmp_path), "--attach", str(attached))
    assert run.code == 0, run.out + run.err
    message = parsed(server.wait_for_messages(1)[0].data)
    assert message["Subject"] == "profiled"
    (part,) = list(message.iter_attachments())
    assert part.get_payload(decode=True) == b"attached"


def test_a_profile_run_with_an_eml_refuses_attach(tmp_path: Path, scripted) -> None:
    server = scripted(standard)
    (tmp_path / "hello.eml").write_bytes(b"Subject: from the profile\n\nhello\n")
    (tmp_path / "a.txt").write_bytes(b"attached")
    (tmp_path / "relay.toml").write_text(
        PROFILE.format(port=server.port, message='eml = "hello.eml"'))
    run = smtptui("run", "relay", "--profiles", str(tmp_path), "--attach",
                  str(tmp_path / "a.txt"))
    assert_refused(run, server, "--attach adds files to the composed test message")

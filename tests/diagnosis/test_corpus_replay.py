"""Every reply of the corpus, replayed through a scripted loopback server with `smtptui run`.

For each entry (tests/diagnosis/corpus, and $SMTPTUI_CORPUS when set) the reply is sent at its
stage (replay.py says how, and how an entry's context is played) and `smtptui run --json
--explain` (in this process, through the command's own `run()`; a sample of the entries
through a separate `smtptui` process as well) must read it (no protocol error), explain it
(its basic code and its enhanced code, wherever the vendor wrote it, and for an EHLO reply
every keyword as the inspector merges them), and, for a refusal, give the entry's diagnosis
code, side at fault and confidence; the text run's `diagnosis:` line says the same with its
confidence. A successful reply must leave the session delivered, without a diagnosis.
"""

from __future__ import annotations

import io
import re
import tempfile
from pathlib import Path

import pytest

from smtptui.cli.parser import make_parser
from smtptui.cli.run import run as run_command
from smtptui.knowledge.codes import find_enhanced
from smtptui.knowledge.keywords import MEANINGS
from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.replies import ReplyParser
from tests.cli.helpers import Run, smtptui
from tests.diagnosis.replay import (
    PASSWORD_ENV,
    Entry,
    command,
    entries,
    replayer,
    wire,
)

ENTRIES = entries()
LONG_LINE_MESSAGE = (b"From: a@example.com\nTo: b@example.net\nSubject: one long line\n\n"
                     + b"x" * 1200 + b"\n")


def _reply(entry: Entry):  # type: ignore[no-untyped-def]
    parser = ReplyParser()
    parser.feed(wire(entry.lines))
    (reply,) = parser.replies()
    return reply


@pytest.fixture(scope="module")
def long_lines_eml() -> str:
    folder = Path(tempfile.mkdtemp(prefix="corpus-"))
    path = folder / "long.eml"
    path.write_bytes(LONG_LINE_MESSAGE)
    return str(path)


def in_process(*args: str) -> Run:
    """`smtptui ARGS` run by the command's own code in this process (no interpreter start-up)."""
    out, err = io.StringIO(), io.StringIO()
    code = run_command(make_parser().parse_args(list(args)), out=out, err=err)
    return Run(code, out.getvalue(), err.getvalue())


#: One entry per stage and kind of set-up, replayed through a separate `smtptui` process too.
SAMPLE = {"gmail-banner-ok", "cisco-pix-fixup-banner-nospace", "alice-ehlo-legacy-auth-equals",
          "exim-test-ehlo-550-banned-then-close", "alice-helo-503-wrong-state",
          "postfix-starttls-454-local-problem", "stalwart-tls-ready-then-closed",
          "exo-auth-535-5.7.139-basic-auth-disabled", "yahoo-mail-421-tss04-volume-complaints",
          "gmail-rcpt-5.1.1-nosuchuser-answer6596", "gmail-data-503-rcpt-first",
          "postfix-data-421-too-many-errors", "gmail-dot-5.7.1-dmarc-unauthenticated",
          "dovecot-lmtp-552-quota-exceeded", "opensmtpd-line-too-long", "postfix-quit-bye"}


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.id for e in ENTRIES])
def test_replayed(entry: Entry, scripted, dns_server, certs, long_lines_eml: str,
                  monkeypatch: pytest.MonkeyPatch) -> None:
    replay(entry, scripted, dns_server, certs, long_lines_eml, monkeypatch, in_process)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.id in SAMPLE],
                         ids=[e.id for e in ENTRIES if e.id in SAMPLE])
def test_replayed_through_the_command(entry: Entry, scripted, dns_server, certs,
                                      long_lines_eml: str,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def separately(*args: str) -> Run:
        return smtptui(*args, env={PASSWORD_ENV: "not the password"}, timeout=30)

    replay(entry, scripted, dns_server, certs, long_lines_eml, monkeypatch, separately)


def replay(entry: Entry, scripted, dns_server, certs, long_lines_eml: str,  # type: ignore[no-untyped-def]
           monkeypatch: pytest.MonkeyPatch, smtptui) -> None:
    monkeypatch.setenv(PASSWORD_ENV, "not the password")
    server = scripted(replayer(entry, certs.good_context()))
    dns = None
    if entry.setup.direct:
        dns = dns_server({"example.test": {"MX": [(10, "mx.example.test.")]},
                          "mx.example.test": {"A": [server.host]}})
    args = command(entry, server, dns=dns, ca_file=str(certs.ca_file),
                   eml=long_lines_eml if entry.setup.long_lines else "")
    run = smtptui(*args, "--json", "--explain")
    events = run.events()
    result = events[-1]
    assert result["kind"] == "result", run.out[-2000:] + run.err
    said = [e for e in events if e["kind"] == "recv"]
    error_kinds = [result.get("diagnosis", {}).get("code")]

    # It was read: every line came through, and no protocol error ended the session (a reply
    # sent instead of a TLS hand-shake is read by the hand-shake, not as a reply).
    assert "protocol error" not in result["error"], result["error"]
    assert "protocol-error" not in error_kinds or entry.expect == "protocol-error"
    if not (entry.stage == "tls" and entry.code != 220):
        texts = [e["text"] for e in said]
        for line in entry.lines:
            assert line in texts, (line, texts[-5:])
        # It was explained: the codes after its last line; an EHLO reply's keywords, known.
        _explained(entry, events)

    # A quirk of its form is said, never passed over.
    if entry.lines[0][3:4] == "*" or "asterisks" in entry.data.get("quirk", ""):
        assert any("masked with asterisks" in e["text"] for e in events if e["kind"] == "info")

    diagnosis = result["diagnosis"]
    if entry.success:
        assert result["outcome"] == "delivered", (result["error"], diagnosis)
        assert diagnosis == {}
        return
    assert result["outcome"] == "failed", result
    got = (diagnosis["code"], diagnosis["fault"], diagnosis["confidence"])
    assert got == (entry.expect, entry.fault, entry.confidence), diagnosis
    if diagnosis["fault"] == "unknown":
        assert "the reply does not say" in diagnosis["explanation"]
    else:
        assert "Side at fault:" in diagnosis["explanation"]

    text = smtptui(*args)
    line = next(ln for ln in text.out.splitlines() if "=== diagnosis: " in ln)
    assert f"{diagnosis['cause']} (confidence: {diagnosis['confidence']}): " in line, line


def _explained(entry: Entry, events: list[dict]) -> None:  # type: ignore[type-arg]
    last = entry.lines[-1]
    index = max(i for i, e in enumerate(events) if e["kind"] == "recv" and e["text"] == last)
    notes = []
    for event in events[index + 1:]:
        if event["kind"] != "info":
            break
        notes.append(event["text"])
    reply = _reply(entry)
    assert any(note.startswith(f"{reply.code}: ") for note in notes), notes
    enhanced = find_enhanced(reply)
    if enhanced is not None:
        assert any(note.startswith(f"{enhanced[0]}: ") for note in notes), notes
    if entry.stage == "ehlo" and reply.code == 250:
        caps = parse_ehlo(reply)
        for keyword in caps.keywords:
            about = [n for n in notes if re.match(rf"{re.escape(keyword)}\b", n)]
            assert about, (keyword, notes)
            if keyword in MEANINGS:
                assert "unknown keyword" not in about[0], about

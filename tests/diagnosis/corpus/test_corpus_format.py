"""Format checks for the corpus of real SMTP replies (issue 15).

The corpus is plain data: every *.toml file beside this one holds [[reply]]
entries, each a reply a real server sent, with where it was found and the
diagnosis smtptui should give. This test checks only the form of the data; it
imports nothing from smtptui.
"""

import re
import tomllib
from pathlib import Path

import pytest

HERE = Path(__file__).parent
FILES = sorted(HERE.glob("*.toml"))

REQUIRED = ("id", "vendor", "source", "found", "stage", "reply", "fault",
            "expect", "confidence", "why")
OPTIONAL = ("context", "quirk", "note")
STAGES = {"banner", "ehlo", "helo", "starttls", "tls", "auth", "mail", "rcpt",
          "data", "dot", "quit"}
FAULTS = {"none", "sender-ip", "sender-domain", "sender-address",
          "sender-account", "content", "format", "recipient", "receiver",
          "client", "network", "unknown"}
CONFIDENCES = {"decided", "likely", "unknown"}
MIN_ENTRIES = 150

LINE = re.compile(r"^[0-9]{3}([ -]|$)")
CODE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
ID = re.compile(r"^[a-z0-9]+([.-][a-z0-9]+)*$")


def _load():
    entries = []
    for path in FILES:
        with path.open("rb") as f:
            data = tomllib.load(f)
        assert set(data) <= {"reply"}, f"{path.name}: only [[reply]] tables"
        for entry in data.get("reply", []):
            entries.append((path.name, entry))
    return entries


ENTRIES = _load()


def _reply_lines(entry):
    return entry["reply"].strip("\n").split("\n")


def test_there_are_files():
    assert FILES, "no corpus files found"


def test_enough_entries():
    assert len(ENTRIES) >= MIN_ENTRIES, f"only {len(ENTRIES)} entries"


@pytest.mark.parametrize("name,entry", ENTRIES,
                         ids=[e.get("id", "?") for _, e in ENTRIES])
def test_entry_form(name, entry):
    missing = [k for k in REQUIRED if k not in entry]
    assert not missing, f"{name}: missing {missing}"
    unknown = set(entry) - set(REQUIRED) - set(OPTIONAL)
    assert not unknown, f"{name}: unknown keys {sorted(unknown)}"
    for key in entry:
        assert isinstance(entry[key], str), f"{name}: {key} is not a string"
        assert entry[key].strip(), f"{name}: {key} is empty"
    assert entry["stage"] in STAGES, entry["stage"]
    assert entry["fault"] in FAULTS, entry["fault"]
    assert entry["confidence"] in CONFIDENCES, entry["confidence"]
    assert re.match(r"^https?://\S+$", entry["source"]), entry["source"]
    assert ID.match(entry["id"]), entry["id"]
    assert CODE.match(entry["expect"]), entry["expect"]
    assert "\n" not in entry["found"], "found is one line"


@pytest.mark.parametrize("name,entry", ENTRIES,
                         ids=[e.get("id", "?") for _, e in ENTRIES])
def test_reply_lines_have_codes(name, entry):
    if "quirk" in entry:
        # A documented malformed real reply: only ask that it is not empty.
        assert entry["reply"].strip()
        return
    lines = _reply_lines(entry)
    for line in lines:
        assert LINE.match(line), f"{entry['id']}: line without a code: {line!r}"
    # continuation lines use '-', the last line does not
    for line in lines[:-1]:
        assert line[3:4] == "-", f"{entry['id']}: {line!r} should continue"
    assert lines[-1][3:4] != "-", f"{entry['id']}: last line continues"
    codes = {line[:3] for line in lines}
    assert len(codes) == 1, f"{entry['id']}: mixed codes {sorted(codes)}"


def test_ids_unique():
    seen = {}
    for name, entry in ENTRIES:
        assert entry["id"] not in seen, (
            f"{entry['id']} in {name} and {seen[entry['id']]}")
        seen[entry["id"]] = name


def test_replies_unique():
    seen = {}
    for _name, entry in ENTRIES:
        text = entry["reply"].strip("\n")
        assert text not in seen, f"{entry['id']} repeats {seen[text]}"
        seen[text] = entry["id"]


def test_success_replies_expect_none():
    for _, entry in ENTRIES:
        first = entry["reply"].strip("\n")[:1]
        # stage "tls": the reply is the one before the handshake, and expect
        # is the diagnosis of what followed it
        if first in "23" and "quirk" not in entry and entry["stage"] != "tls":
            assert entry["expect"] == "none", entry["id"]
            assert entry["fault"] == "none", entry["id"]


def test_temporary_replies_not_given_permanent_codes():
    permanent = {"unknown-recipient", "bad-recipient-domain",
                 "recipient-null-mx", "mailbox-disabled", "content-rejected",
                 "volume-blocked", "reputation-blocked"}
    for _, entry in ENTRIES:
        if entry["reply"].strip("\n")[:1] == "4":
            assert entry["expect"] not in permanent, entry["id"]

"""Profile history: past runs' transcripts kept private, newest first, the last N per profile."""

from __future__ import annotations

import errno
import json
import os
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from smtptui.store.history import History, HistoryError, default_history_dir

LINES = [
    "=== Trying 127.0.0.1:2525...",
    "<- 220 mx.example.net ESMTP",
    "-> EHLO client.example.com",
    "-> AUTH PLAIN AGFsaWNlAHNlY3JldA==",
    "<- 235 2.7.0 Authentication successful",
]
DELIVERED = json.dumps({"kind": "result", "outcome": "delivered", "exit_code": 0})
REFUSED = json.dumps({"kind": "result", "outcome": "failed", "exit_code": 24})
T0 = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_run_is_kept_privately_and_reads_back(tmp_path: Path) -> None:
    history = History(tmp_path / "history")
    path = history.record("Main relay", LINES, DELIVERED, when=T0)
    assert path.parent == history.folder("Main relay")
    assert path.parent.parent == tmp_path / "history"
    assert path.parent.name.startswith("main-relay_")  # the slug, then a hash of the name
    assert mode_of(path) == 0o600
    assert mode_of(path.parent) == 0o700 and mode_of(path.parent.parent) == 0o700
    [entry] = history.list("Main relay")
    assert (entry.timestamp, entry.outcome, entry.exit_code, entry.path) == (
        T0, "delivered", 0, path)
    text = history.read(entry)
    assert text.splitlines()[0] == (
        "# smtptui transcript of profile 'Main relay', 2025-03-01T12:00:00.000000Z: "
        "delivered, exit code 0")
    assert text.splitlines()[1:] == [*LINES, DELIVERED]


def test_newest_first_and_only_the_last_n_are_kept(tmp_path: Path) -> None:
    history = History(tmp_path, keep=3)
    for i in range(5):
        history.record("p", [f"run {i}"], REFUSED if i % 2 else DELIVERED,
                       when=T0 + timedelta(minutes=i))
    entries = history.list("p")
    assert [e.timestamp for e in entries] == [T0 + timedelta(minutes=i) for i in (4, 3, 2)]
    assert [(e.outcome, e.exit_code) for e in entries] == [
        ("delivered", 0), ("failed", 24), ("delivered", 0)]
    assert [history.read(e).splitlines()[1] for e in entries] == ["run 4", "run 3", "run 2"]
    assert len(list(history.folder("p").glob("*.log"))) == 3
    assert history.list("never ran") == []


def test_two_runs_in_the_same_instant_are_both_kept(tmp_path: Path) -> None:
    history = History(tmp_path)
    first = history.record("p", ["one"], DELIVERED, when=T0)
    second = history.record("p", ["two"], DELIVERED, when=T0)
    assert first != second
    assert [history.read(e).splitlines()[1] for e in history.list("p")] == ["two", "one"]


def test_lines_go_through_redact_and_control_characters_are_made_visible(
        tmp_path: Path) -> None:
    def redact(line: str) -> str:
        return line.replace("AGFsaWNlAHNlY3JldA==", "********")

    history = History(tmp_path)
    lines = [*LINES, "<- 250 ok\x1b[2J\nforged line"]
    entry_path = history.record("p", lines, DELIVERED, redact=redact)
    text = entry_path.read_text()
    assert "AGFsaWNlAHNlY3JldA==" not in text
    assert "-> AUTH PLAIN ********" in text
    assert "\x1b" not in text
    assert "<- 250 ok\\x1b[2J\\x0aforged line" in text.splitlines()


def test_a_run_with_no_usable_result_is_still_kept(tmp_path: Path) -> None:
    history = History(tmp_path)
    history.record("p", ["*** crashed"], "not json")
    [entry] = history.list("p")
    assert (entry.outcome, entry.exit_code) == ("unknown", -1)


def test_foreign_files_in_the_history_folder_are_left_alone(tmp_path: Path) -> None:
    history = History(tmp_path, keep=1)
    history.folder("p").mkdir()
    notes = history.folder("p") / "my-notes.txt"
    notes.write_text("keep me")
    history.record("p", ["a"], DELIVERED, when=T0)
    history.record("p", ["b"], DELIVERED, when=T0 + timedelta(seconds=1))
    assert notes.read_text() == "keep me"
    assert len(history.list("p")) == 1


def test_a_full_disk_gives_a_clear_error_and_leaves_nothing_behind(tmp_path: Path,
                                                                   monkeypatch) -> None:
    history = History(tmp_path, keep=2)
    history.record("p", ["a"], DELIVERED, when=T0)

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "write", full)
    with pytest.raises(HistoryError, match="cannot save the transcript: No space left"):
        history.record("p", ["b"], DELIVERED, when=T0 + timedelta(seconds=1))
    monkeypatch.undo()
    assert [e.timestamp for e in history.list("p")] == [T0]
    assert sorted(p.name for p in history.folder("p").iterdir() if p.name != ".lock") == [
        history.list("p")[0].path.name]


def test_an_unusable_history_folder_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "afile"
    blocker.write_text("")
    with pytest.raises(HistoryError, match=r"afile/p_[0-9a-f]+: cannot save the transcript"):
        History(blocker).record("p", ["a"], DELIVERED)


def test_default_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMTPTUI_HISTORY", str(tmp_path / "h"))
    assert default_history_dir() == tmp_path / "h"
    assert History().directory == tmp_path / "h"
    monkeypatch.delenv("SMTPTUI_HISTORY")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert default_history_dir() == tmp_path / "data" / "smtptui" / "history"

"""Profile and history files: a size cap on what is read, distinct files for long names."""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from smtptui.store.files import slugify
from smtptui.store.history import History
from smtptui.store.profiles import BrokenProfile, Profile, ProfileStore
from smtptui.store.profiles.store import MAX_PROFILE_BYTES

#: The address space the `smtptui profiles` below may use: a regression that reads the 2 GB
#: file into memory fails with MemoryError here instead of taking the machine's memory.
ADDRESS_SPACE = 1024 * 1024 * 1024


def _limited() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_SPACE, ADDRESS_SPACE))


def test_a_2gb_sparse_profile_is_reported_too_big_at_once(tmp_path: Path) -> None:
    """The file's size is enough to refuse it: not read, nothing else held up. (Before: the
    listing took 42 s and 8 GB of memory.)"""
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "relay.toml").write_text('name = "relay"\nhost = "127.0.0.1"\n')
    with open(folder / "huge.toml", "wb") as handle:
        handle.truncate(2 * 1024 ** 3)  # sparse: no disk space taken
    started = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "smtptui", "profiles", "--profiles",
                           str(folder)], capture_output=True, text=True, timeout=60,
                          preexec_fn=_limited, env=dict(os.environ))
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = proc.stdout.splitlines()
    assert any(line.startswith("huge.toml") and "BROKEN" in line and
               f"too big for a profile (2,147,483,648 bytes; at most {MAX_PROFILE_BYTES:,})"
               in line for line in lines), proc.stdout
    assert any(line.startswith("relay ") for line in lines)
    assert took < 15, took  # a functional bound (start-up included), not a benchmark


def test_a_file_at_the_cap_is_read_and_one_byte_more_is_not(tmp_path: Path) -> None:
    head = 'name = "relay"\nnotes = """\n'
    tail = '"""\n'
    filler = "x" * (MAX_PROFILE_BYTES - len(head) - len(tail))
    (tmp_path / "relay.toml").write_text(head + filler + tail)
    [item] = ProfileStore(tmp_path).load_all()
    assert isinstance(item, Profile) and len(item.notes) == len(filler)
    (tmp_path / "relay.toml").write_text(head + filler + "x" + tail)
    [item] = ProfileStore(tmp_path).load_all()
    assert isinstance(item, BrokenProfile) and "too big for a profile" in item.message


NAME_A = "Customer relay for the northern region, primary site, with a very long name " \
         "of 81+ characters: A"
NAME_B = NAME_A[:-1] + "B"


def test_two_long_names_sharing_80_characters_get_two_files(tmp_path: Path) -> None:
    """Both names are at most 100 characters, as the name field allows, and share their first
    80: they used to map to one file, and saving the second was refused ("this file already
    holds the profile ...")."""
    assert 80 < len(NAME_A) <= 100 and NAME_A[:80] == NAME_B[:80]
    assert slugify(NAME_A) != slugify(NAME_B)
    store = ProfileStore(tmp_path)
    first = store.save(Profile(name=NAME_A, host="a.example"))
    second = store.save(Profile(name=NAME_B, host="b.example"))
    assert first.path != second.path
    assert len(first.path.name.encode()) <= 105  # slug (100 bytes at most) + ".toml"
    assert sorted(p.name for p in store.load_all()) == sorted([NAME_A, NAME_B])
    assert store.get(NAME_B).host == "b.example"


def test_two_long_names_sharing_80_characters_get_two_history_folders(tmp_path: Path) -> None:
    """History folders end in a hash of the exact name, so these two never shared one (this
    test passed before too); the folder's head stays the first 80 characters of the slug, as
    it always was, so the runs already kept are still found."""
    history = History(tmp_path)
    assert history.folder(NAME_A) != history.folder(NAME_B)
    when = datetime(2025, 3, 1, tzinfo=UTC)
    history.record(NAME_A, ["a"], '{"outcome": "delivered", "exit_code": 0}', when=when)
    history.record(NAME_B, ["b"], '{"outcome": "failed", "exit_code": 2}', when=when)
    assert [e.outcome for e in history.list(NAME_A)] == ["delivered"]
    assert [e.outcome for e in history.list(NAME_B)] == ["failed"]
    assert history.folder(NAME_A).name.startswith(slugify(NAME_A)[:80].strip("-") + "_")

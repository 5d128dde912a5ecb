"""Saving a profile where the kernel itself says no: an unwritable folder and a full disk.

tests/test_profiles.py covers both by making os calls fail (monkeypatch); these run the same
saves against a real refusal, as root can meet it: an immutable folder (chattr +i, which even
root cannot write into) and a small tmpfs filled up, mounted in a private mount namespace
(`unshare --mount`) so nothing outside the test's subprocess ever sees it. Each is skipped
where the machine does not allow it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from smtptui.store.profiles import Profile, ProfileStore
from smtptui.store.profiles.validate import ProfileError


@pytest.fixture
def immutable(tmp_path: Path) -> Iterator[Path]:
    """A profile folder holding one saved profile, then made immutable (and mutable again)."""
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    folder = tmp_path / "profiles"
    ProfileStore(folder).save(Profile(name="relay", host="a.example", notes="as saved"))
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder immutable here: {made.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)


def test_an_unwritable_folder_gives_a_clear_error_and_keeps_the_profile(immutable: Path
                                                                       ) -> None:
    path = immutable / "relay.toml"
    before = path.read_bytes()
    store = ProfileStore(immutable)
    profile = store.get("relay")
    profile.notes = "changed"
    with pytest.raises(ProfileError) as caught:
        store.save(profile)
    assert "Operation not permitted" in str(caught.value)
    assert str(immutable) in str(caught.value)
    with pytest.raises(ProfileError):
        store.save(Profile(name="another"))
    assert path.read_bytes() == before
    assert sorted(p.name for p in immutable.iterdir()) == [".lock", "relay.toml"]
    assert store.get("relay").notes == "as saved"


FULL_DISK = r"""
import errno, json, os, sys
from pathlib import Path
from smtptui.store.profiles import Profile, ProfileStore
from smtptui.store.profiles.validate import ProfileError

folder = Path(sys.argv[1]) / "profiles"
store = ProfileStore(folder)
store.save(Profile(name="relay", host="a.example", notes="as saved"))
before = (folder / "relay.toml").read_bytes()
fd = os.open(Path(sys.argv[1]) / "filler", os.O_WRONLY | os.O_CREAT)
try:  # fill the file system to the last block
    while True:
        os.write(fd, b"\0" * 4096)
except OSError as exc:
    assert exc.errno == errno.ENOSPC, exc
os.close(fd)
profile = store.get("relay")
profile.notes = "x" * 200_000
try:
    store.save(profile)
    error = None
except ProfileError as exc:
    error = str(exc)
print(json.dumps({
    "error": error,
    "intact": (folder / "relay.toml").read_bytes() == before,
    "files": sorted(p.name for p in folder.iterdir()),
    "notes": ProfileStore(folder).get("relay").notes,
}))
"""


def test_a_full_disk_while_saving_keeps_the_old_profile(tmp_path: Path) -> None:
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not installed")
    mount = tmp_path / "small"
    mount.mkdir()
    script = tmp_path / "full.py"
    script.write_text(FULL_DISK)
    inner = (f"mount -t tmpfs -o size=256k,mode=0700 tmpfs {mount} || exit 77; "
             f"exec {sys.executable} {script} {mount}")
    done = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", inner],
                          capture_output=True, text=True, timeout=60)
    # "cannot change root filesystem propagation": a chroot whose / is not a mount point
    if done.returncode == 77 or any(s in done.stderr for s in (
            "Operation not permitted", "cannot change root filesystem propagation")):
        pytest.skip(f"cannot mount a private tmpfs here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["error"].endswith("cannot save: No space left on device; "
                                    "the old file is unchanged")
    assert report["intact"] and report["notes"] == "as saved"
    assert report["files"] == [".lock", "relay.toml"]
    assert list(mount.iterdir()) == []  # the tmpfs lived only in the subprocess's namespace

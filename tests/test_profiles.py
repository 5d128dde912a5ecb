"""Saved profiles: TOML round trips, broken files, atomic private saves, examples, overrides."""

from __future__ import annotations

import errno
import os
import stat
import threading
import tomllib
from pathlib import Path

import pytest

import smtptui.store.files as files
from smtptui.store.profiles import (
    BrokenProfile,
    Profile,
    ProfileError,
    ProfileNotFound,
    ProfileStore,
    check_field,
    default_profiles_dir,
    example_files,
    load_file,
    resolve_eml,
    seed_examples,
)

REPO = Path(__file__).resolve().parents[1]
EXAMPLES = REPO / "smtptui" / "examples"

COMMENTED = """\
# My relay. Do not change without telling Bob.
name = "relay"
mode = "smarthost"   # always the relay
host = "relay.example.com"
port = 25            # the relay's port
sender = "alice@example.com"
recipients = [
  "bob@example.net",   # Bob
]
tls = "starttls"
retries = 3          # a key from a newer smtptui
notes = "hand written"

[x-future]           # a table from a newer smtptui
colour = "blue"
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def snapshot(path: Path) -> tuple[bytes, int]:
    return path.read_bytes(), path.stat().st_mtime_ns


def leftovers(folder: Path) -> list[str]:
    """Files in ``folder`` other than profiles, .eml files and the lock: temporary files."""
    return sorted(p.name for p in folder.iterdir()
                  if p.suffix not in (".toml", ".eml") and p.name != files.LOCK_NAME)


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# --- the examples ----------------------------------------------------------------------------


def test_repo_profiles_folder_is_an_identical_copy_of_the_packaged_examples() -> None:
    packaged = {p.name: p.read_bytes() for p in EXAMPLES.iterdir() if p.is_file()}
    in_repo = {p.name: p.read_bytes() for p in (REPO / "profiles").iterdir() if p.is_file()}
    assert packaged == in_repo
    assert example_files() == packaged


def test_every_example_loads_and_says_what_it_is_for() -> None:
    loaded = {p.path.name: p for p in ProfileStore(EXAMPLES).load_all()}
    assert all(isinstance(p, Profile) for p in loaded.values()), loaded
    assert set(loaded) == {"smarthost.toml", "submission.toml", "implicit-tls.toml",
                           "direct-mx.toml", "seed-walkthrough.toml"}
    smart, sub, implicit = (loaded[n] for n in ("smarthost.toml", "submission.toml",
                                                  "implicit-tls.toml"))
    assert (smart.mode, smart.port) == ("smarthost", 25)
    assert (sub.port, sub.tls, sub.password_source) == (587, "required", "prompt")
    assert sub.auth_user
    assert (implicit.port, implicit.tls) == (465, "implicit")
    assert loaded["direct-mx.toml"].mode == "direct"
    for path in EXAMPLES.glob("*.toml"):  # commented field by field
        text = path.read_text()
        assert text.count("\n#") >= 5, path
        assert "password =" not in text


def test_seed_walkthrough_message_is_the_articles_sample_with_example_domains() -> None:
    profile = ProfileStore(EXAMPLES).get("seed-walkthrough")
    eml = resolve_eml(profile)
    assert eml == EXAMPLES / "seed-walkthrough.eml"
    text = eml.read_text()
    headers, _, body = text.partition("\n\n")
    names = [line.split(":")[0] for line in headers.splitlines() if not line[0].isspace()]
    assert names == ["MIME-Version", "From", "Bcc", "Date", "Subject", "Importance",
                     "Message-ID", "content-Type", "content-Transfer-Encoding"]
    assert "text/html;\n\tcharset=iso-8859-1" in headers  # the folded header
    assert body == "The message body goes here.\n"
    assert "Strategy" not in text and "domain.com" not in text
    assert profile.recipients == ["recipient@example.net"]
    assert profile.sender == "tutorial@example.com"


# --- round trip -------------------------------------------------------------------------------


def test_round_trip_keeps_comments_unknown_keys_and_untouched_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    profile = store.get("relay")
    assert profile.recipients == ["bob@example.net"] and profile.port == 25

    profile.port = 2525
    profile.notes = "edited\nover two lines"
    store.save(profile)

    text = path.read_text()
    for line in COMMENTED.splitlines():
        if line.startswith(("port", "notes")):
            continue
        assert line in text  # comments, unknown keys and unchanged fields, byte for byte
    assert "port = 2525            # the relay's port" in text
    again = store.get("relay")
    assert (again.port, again.notes) == (2525, "edited\nover two lines")
    assert tomllib.loads(text)["x-future"] == {"colour": "blue"}
    assert tomllib.loads(text)["retries"] == 3


def test_new_profile_gets_its_own_file_and_loads_back_equal(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path / "a" / "b")
    saved = store.save(Profile(name="Customer MX", mode="direct", sender="me@example.com",
                               recipients=["x@example.net", "y@example.net"], timeout=12.5,
                               body='He said "hi"\n\\o/\n', quit_after="rcpt"))
    assert saved.path == tmp_path / "a" / "b" / "customer-mx.toml"
    [loaded] = store.load_all()
    assert loaded == saved
    assert store.get("customer mx") == saved
    text = saved.path.read_text()
    assert "password" not in text
    assert "tls" not in text  # defaults are not spelled out in a new file


def test_a_hand_edit_made_after_loading_survives_a_save(tmp_path: Path) -> None:
    path = write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    profile = store.get("relay")
    write(path, COMMENTED.replace("notes =", "# added in vim meanwhile\nnotes ="))
    profile.port = 26
    store.save(profile)
    assert "# added in vim meanwhile" in path.read_text()
    assert store.get("relay").port == 26


def test_clearing_an_optional_field_removes_it(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    saved = store.save(Profile(name="p", eml="m.eml", timeout=5))
    saved.eml = None
    saved.timeout = None
    store.save(saved)
    data = tomllib.loads(saved.path.read_text())
    assert "eml" not in data and "timeout" not in data


# --- broken files -----------------------------------------------------------------------------


BROKEN = {
    "syntax.toml": ('name = "s"\nport = 25\nhost = = "x"\n', "line 3: not valid TOML"),
    "badport.toml": ('# c\nname = "b"\nmode = "smarthost"\nport = 70000\n',
                     "line 4: port: must be an integer 1-65535"),
    "badtls.toml": ('name = "t"\ntls = "maybe"\n', 'line 2: tls: must be one of "off"'),
    "secret.toml": ('name = "k"\nauth_user = "a"\npassword = "hunter2"\n',
                    "line 3: password: a profile must never hold a password"),
    "nested.toml": ('name = "n"\n\n[auth]\nuser = "a"\ntoken = "abc"\n',
                    "line 5: auth.token: a profile must never hold a password"),
    "badutf8.toml": ('name = "u"\nnotes = "caf\udce9"\n', "line 2: not valid UTF-8"),
}


def make_broken(folder: Path) -> dict[str, tuple[bytes, int]]:
    for name, (text, _) in BROKEN.items():
        (folder / name).write_bytes(text.encode("utf-8", "surrogateescape"))
    write(folder / "good.toml", 'name = "good"\nhost = "mx.example.net"\n')
    return {name: snapshot(folder / name) for name in BROKEN}


def test_broken_files_are_reported_with_path_line_and_field_and_the_rest_load(
        tmp_path: Path) -> None:
    before = make_broken(tmp_path)
    items = ProfileStore(tmp_path).load_all()
    broken = {b.path.name: b.message for b in items if isinstance(b, BrokenProfile)}
    good = [p.name for p in items if isinstance(p, Profile)]
    assert good == ["good"]
    assert set(broken) == set(BROKEN)
    for name, (_, expected) in BROKEN.items():
        assert broken[name].startswith(f"{tmp_path / name}: {expected}"), broken[name]
        assert "\n" not in broken[name]
    assert "hunter2" not in " ".join(broken.values())
    assert {name: snapshot(tmp_path / name) for name in BROKEN} == before


def test_error_text_is_one_line_path_line_field_message() -> None:
    err = ProfileError(Path("/p/x.toml"), 4, "port", "must be an integer 1-65535")
    assert str(err) == "/p/x.toml: line 4: port: must be an integer 1-65535"
    assert str(ProfileError(None, None, "port", "bad")) == "port: bad"


def test_broken_files_are_never_written_over_or_deleted(tmp_path: Path) -> None:
    before = make_broken(tmp_path)
    store = ProfileStore(tmp_path)
    with pytest.raises(ProfileError, match="will not write over a broken profile"):
        store.save(Profile(name="badport"))
    with pytest.raises(ProfileError, match="port: must be an integer"):
        store.delete("badport")
    with pytest.raises(ProfileError):
        store.rename("syntax", "fixed")
    with pytest.raises(ProfileError, match="already exists"):
        store.rename("good", "badtls")
    with pytest.raises(ProfileError, match="already exists"):
        store.duplicate("good", "secret")
    assert {name: snapshot(tmp_path / name) for name in BROKEN} == before
    assert leftovers(tmp_path) == []


def test_a_profile_cannot_take_another_ones_name(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    store.save(Profile(name="Relay", host="a.example"))
    with pytest.raises(ProfileError, match="already"):
        store.save(Profile(name="relay!", host="b.example"))  # same file name, other profile
    write(tmp_path / "other.toml", 'name = "relay"\n')  # the same name in a second file
    items = store.load_all()
    assert [type(i).__name__ for i in items] == ["BrokenProfile", "Profile"]
    assert "'relay' is already the name of relay.toml" in items[0].message
    assert store.get("Relay").host == "a.example"


# --- atomic, private saves --------------------------------------------------------------------


def test_failure_between_write_and_rename_leaves_the_old_file(tmp_path: Path,
                                                              monkeypatch) -> None:
    path = write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    profile = store.get("relay")
    before = snapshot(path)

    def no_rename(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", no_rename)
    profile.port = 2525
    with pytest.raises(ProfileError, match=r"relay\.toml: cannot save: Input/output error"):
        store.save(profile)
    assert snapshot(path) == before
    assert leftovers(tmp_path) == []


@pytest.mark.parametrize("call", ["write", "fsync"])
def test_a_full_disk_leaves_the_old_profile_intact(tmp_path: Path, monkeypatch,
                                                  call: str) -> None:
    path = write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    profile = store.get("relay")
    before = snapshot(path)

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, call, full)
    profile.notes = "x" * 10000
    with pytest.raises(ProfileError) as caught:
        store.save(profile)
    assert str(caught.value) == (f"{path}: cannot save: No space left on device; "
                                 "the old file is unchanged")
    monkeypatch.undo()
    assert snapshot(path) == before
    assert leftovers(tmp_path) == []
    assert store.get("relay").notes == "hand written"


def test_profile_files_are_0600_and_a_new_folder_0700(tmp_path: Path) -> None:
    folder = tmp_path / "config" / "smtptui" / "profiles"
    store = ProfileStore(folder)
    saved = store.save(Profile(name="p"))
    assert mode_of(saved.path) == 0o600
    assert mode_of(folder) == 0o700
    assert mode_of(folder.parent) == 0o700
    os.chmod(saved.path, 0o644)  # a save puts a loosened file back to 0600
    saved.port = 26
    assert mode_of(store.save(saved).path) == 0o600


def test_an_unusable_folder_gives_a_clear_error(tmp_path: Path, monkeypatch) -> None:
    blocker = write(tmp_path / "afile", "not a folder")
    with pytest.raises(ProfileError) as caught:
        ProfileStore(blocker / "profiles").save(Profile(name="p"))
    assert str(caught.value) == (f"{blocker / 'profiles'}: cannot create the profile folder: "
                                 "Not a directory")
    with pytest.raises(ProfileError, match="is not a folder"):
        ProfileStore(blocker).load_all()
    with pytest.raises(ProfileError, match="afile: cannot create the profile folder"):
        ProfileStore(blocker).save(Profile(name="p"))

    folder = tmp_path / "ro"
    folder.mkdir()

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", denied)  # what a read-only folder does to a non-root user
    with pytest.raises(ProfileError, match=r"ro: cannot write in the profile folder: Permiss"):
        ProfileStore(folder).save(Profile(name="p"))
    monkeypatch.undo()
    assert list(folder.iterdir()) == []


def test_concurrent_saves_of_one_profile_never_interleave(tmp_path: Path) -> None:
    store = ProfileStore(tmp_path)
    saved = store.save(Profile(name="busy"))
    errors: list[BaseException] = []
    done = threading.Event()

    def saver(n: int) -> None:
        try:
            for i in range(15):
                p = Profile(name="busy", notes=f"{n}-{i}\n" * (200 * (n + 1)), port=1000 + n)
                ProfileStore(tmp_path).save(p)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    def reader() -> None:
        reads = 0
        while not done.is_set() or reads == 0:
            reads += 1
            try:
                p = load_file(saved.path)  # always a whole file, from one save
            except ProfileError as exc:
                errors.append(exc)
                return
            lines = set(p.notes.splitlines())
            if len(lines) > 1 or (lines and next(iter(lines)).split("-")[0] != str(p.port - 1000)):
                errors.append(AssertionError(f"mixed file: port {p.port}, {lines}"))

    threads = [threading.Thread(target=saver, args=(n,)) for n in range(6)]
    watcher = threading.Thread(target=reader)
    watcher.start()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    watcher.join()
    assert errors == []
    assert load_file(saved.path).name == "busy"
    assert leftovers(tmp_path) == []


# --- rename, duplicate, delete, get ---------------------------------------------------------


def test_rename_writes_the_new_file_before_removing_the_old(tmp_path: Path,
                                                           monkeypatch) -> None:
    old = write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    seen: list[str] = []
    real_link, real_unlink = os.link, os.unlink

    def link(src, dst):
        seen.append(f"link {Path(dst).name} old-exists={old.exists()}")
        return real_link(src, dst)

    def unlink(path):
        if not str(path).endswith(".tmp"):
            seen.append(f"unlink {Path(path).name}")
        return real_unlink(path)

    monkeypatch.setattr(os, "link", link)
    monkeypatch.setattr(os, "unlink", unlink)
    renamed = store.rename("relay", "Main relay")
    assert seen == ["link main-relay.toml old-exists=True", "unlink relay.toml"]
    assert not old.exists()
    assert renamed.path == tmp_path / "main-relay.toml"
    text = renamed.path.read_text()
    assert 'name = "Main relay"' in text and "# Bob" in text and "retries = 3" in text
    assert [p.name for p in store.load_all()] == ["Main relay"]


def test_a_failed_rename_keeps_the_old_profile(tmp_path: Path, monkeypatch) -> None:
    old = write(tmp_path / "relay.toml", COMMENTED)
    before = snapshot(old)

    def full(*args):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "link", full)
    with pytest.raises(ProfileError, match="No space left on device"):
        ProfileStore(tmp_path).rename("relay", "other")
    assert snapshot(old) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name != files.LOCK_NAME) == [
        "relay.toml"]


def test_duplicate_delete_and_lookups(tmp_path: Path) -> None:
    write(tmp_path / "relay.toml", COMMENTED)
    store = ProfileStore(tmp_path)
    copy = store.duplicate("relay", "relay 2")
    assert copy.path == tmp_path / "relay-2.toml"
    assert "# Bob" in copy.path.read_text()
    assert store.get("RELAY 2").recipients == ["bob@example.net"]
    assert store.get("relay-2").name == "relay 2"  # by file name too
    assert store.delete("relay") == tmp_path / "relay.toml"
    assert store.names() == ["relay 2"]
    with pytest.raises(ProfileNotFound, match="no profile named 'relay'"):
        store.get("relay")


def test_a_missing_folder_is_an_empty_store(tmp_path: Path) -> None:
    assert ProfileStore(tmp_path / "nope").load_all() == []
    assert not (tmp_path / "nope").exists()


# --- first run --------------------------------------------------------------------------------


def test_first_run_copies_the_examples_privately(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    written = seed_examples(folder)
    assert sorted(p.name for p in written) == sorted(example_files())
    for path in written:
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes()
        assert mode_of(path) == 0o600
    assert mode_of(folder) == 0o700
    assert seed_examples(folder) == []  # second run: nothing
    assert all(isinstance(p, Profile) for p in ProfileStore(folder).load_all())


def test_examples_never_replace_a_users_file(tmp_path: Path) -> None:
    mine = write(tmp_path / "seed-walkthrough.eml", "Subject: mine\n\nmy own message\n")
    before = snapshot(mine)
    written = seed_examples(tmp_path)  # no .toml yet: a first run
    assert mine not in written and len(written) == len(example_files()) - 1
    assert snapshot(mine) == before

    other = tmp_path / "other"
    write(other / "smarthost.toml", 'name = "mine"\n')
    assert seed_examples(other) == []  # the user has profiles: not a first run
    assert sorted(p.name for p in other.iterdir()) == ["smarthost.toml"]


def test_default_folder_follows_the_environment(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SMTPTUI_PROFILES", str(tmp_path / "p"))
    assert default_profiles_dir() == tmp_path / "p"
    monkeypatch.delenv("SMTPTUI_PROFILES")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "cfg"))
    assert default_profiles_dir() == tmp_path / "cfg" / "smtptui" / "profiles"


# --- the message path and per-run overrides ---------------------------------------------------


def test_a_relative_eml_resolves_against_the_profile_folder(tmp_path: Path,
                                                            monkeypatch) -> None:
    folder = tmp_path / "profiles"
    write(folder / "p.toml", 'name = "p"\neml = "msgs/test.eml"\n')
    write(folder / "a.toml", f'name = "a"\neml = "{tmp_path / "abs.eml"}"\n')
    monkeypatch.chdir(tmp_path)
    store = ProfileStore(folder)
    assert resolve_eml(store.get("p")) == folder / "msgs" / "test.eml"
    assert resolve_eml(store.get("a")) == tmp_path / "abs.eml"
    assert resolve_eml(Profile(name="x")) is None
    # On the command line a relative path means the current folder, as in any other tool.
    run = store.get("p").apply_overrides(eml="here.eml")
    assert resolve_eml(run) == tmp_path / "here.eml"


def test_overrides_make_a_checked_copy_for_one_run(tmp_path: Path) -> None:
    path = write(tmp_path / "relay.toml", COMMENTED)
    before = snapshot(path)
    profile = ProfileStore(tmp_path).get("relay")
    run = profile.apply_overrides(port=2525, recipients="a@example.org, b@example.org",
                                  tls="OFF", quit_after="rcpt")
    assert (run.port, run.recipients, run.tls, run.quit_after) == (
        2525, ["a@example.org", "b@example.org"], "off", "rcpt")
    assert (profile.port, profile.recipients) == (25, ["bob@example.net"])
    assert run.path == profile.path
    assert snapshot(path) == before
    with pytest.raises(ProfileError) as caught:
        profile.apply_overrides(port=0)
    assert str(caught.value) == "port: must be an integer 1-65535"
    with pytest.raises(ProfileError, match="colour: not a profile field"):
        profile.apply_overrides(colour="red")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("port", "587", "must be an integer 1-65535"),
    ("port", True, "must be an integer 1-65535"),
    ("mode", "mx", 'must be one of "smarthost", "direct"'),
    ("host", "mx.example.net:2525", 'give the port on its own line: host = "mx.example.net"'),
    ("sender", "<a@example.com>", "write the address without < >"),
    ("recipients", ["ok@example.net", "bad\r\nRSET@x"], "address 2: must be one line"),
    ("subject", "hi\r\nBcc: x@example.net", "must be one line"),
    ("subject", "hi\u2028Bcc: x@example.net", "must be one line"),
    ("subject", "hi\x85there", "must be one line"),
    ("subject", "hi\tthere", "must not contain a TAB"),
    ("password_source", "hunter2", 'must be "prompt", "env:VARIABLE" or "command:COMMAND"'),
    ("password_source", "env:", "env: needs a variable name"),
    ("timeout", 0, "must be more than 0"),
    ("timeout", "30", "must be a number of seconds"),
    ("dns", "127.0.0.1:99999", "port '99999': must be an integer 1-65535"),
    ("quit_after", "lunch", 'must be "" or one of "connect"'),
    ("verify", "yes", "must be true or false"),
    ("name", "   ", "must not be empty"),
])
def test_each_field_says_what_is_wrong(field: str, value: object, message: str) -> None:
    with pytest.raises(ProfileError) as caught:
        check_field(field, value)
    assert str(caught.value).startswith(f"{field}: {message}")


@pytest.mark.parametrize(("field", "value", "normal"), [
    ("dns", "[::1]:5353", "[::1]:5353"),
    ("dns", "::1", "::1"),
    ("auth_mech", "cram-md5", "CRAM-MD5"),
    ("password_source", "command:pass show mail", "command:pass show mail"),
    ("timeout", 30, 30.0),
    ("eml", "", None),
    ("host", "::1", "::1"),
])
def test_good_values_are_accepted(field: str, value: object, normal: object) -> None:
    assert check_field(field, value) == normal


def test_target_for_lists(tmp_path: Path) -> None:
    assert Profile(name="a", host="mx.example.net", port=2525).target == "mx.example.net:2525"
    assert Profile(name="a", host="::1").target == "[::1]:25"
    assert Profile(name="d", mode="direct", recipients=["x@B.example", "y@a.example"]
                   ).target == "MX of a.example, b.example"

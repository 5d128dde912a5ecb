"""Saved profiles and their history against an outside audit's findings: hostile files, hand
edits while saving, symlinks, long and odd names, history per exact name, odd folder states."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from smtptui.launch.passwords import read_password_source
from smtptui.store.history import History, HistoryError
from smtptui.store.profiles import BrokenProfile, Profile, ProfileError, ProfileStore, load_file
from tests.cli.helpers import smtptui

OK = 'name = "ok"\nhost = "127.0.0.1"\n'
DONE = json.dumps({"kind": "result", "outcome": "delivered", "exit_code": 0})


def folder_with(tmp_path: Path, **files: str) -> Path:
    folder = tmp_path / "profiles"
    folder.mkdir(exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def by_file(items: list[Profile | BrokenProfile]) -> dict[str, Profile | BrokenProfile]:
    return {item.path.name: item for item in items if item.path is not None}


# --- 1. hostile nesting ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'name = "deep"\nx = ' + "[" * 500 + "1" + "]" * 500 + "\n",
    'name = "deep"\n' + ".".join(["a"] * 1500) + " = 1\n",
    'name = "deep"\nx = ' + "[" * 40 + "1" + "]" * 40 + "\n",
    'name = "deep"\nx = ' + "{a = " * 40 + "1" + "}" * 40 + "\n",
])
def test_a_deeply_nested_file_is_broken_and_the_others_still_load(tmp_path: Path,
                                                                    text: str) -> None:
    folder = folder_with(tmp_path, **{"ok.toml": OK, "deep.toml": text})
    items = by_file(ProfileStore(folder).load_all())
    broken = items["deep.toml"]
    assert isinstance(broken, BrokenProfile)
    assert "nested too deeply" in broken.message and "\n" not in broken.message
    assert isinstance(items["ok.toml"], Profile)
    assert ProfileStore(folder).get("ok").host == "127.0.0.1"


def test_moderate_nesting_is_still_a_profile(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"n.toml": 'name = "n"\nx = ' + "[" * 20 + "1" + "]" * 20
                                      + "\n[a.b.c.d]\ne = 1\n"})
    assert ProfileStore(folder).get("n").name == "n"


def test_the_commands_survive_a_deeply_nested_file(tmp_path: Path) -> None:
    deep = 'name = "deep"\nx = ' + "[" * 500 + "1" + "]" * 500 + "\n"
    folder = folder_with(tmp_path, **{"ok.toml": OK, "deep.toml": deep})
    listing = smtptui("profiles", "--profiles", str(folder))
    assert listing.code == 0, listing.err
    assert "Traceback" not in listing.err and "RecursionError" not in listing.err
    assert any(line.startswith("deep.toml") and "BROKEN" in line
               for line in listing.out.splitlines())
    run = smtptui("run", "ok", "--profiles", str(folder), "--quit-after", "connect")
    assert "Traceback" not in run.err and "RecursionError" not in run.err


# --- 2. a save keeps hand edits made meanwhile ---------------------------------------------


RELAY = '# the relay\nname = "Relay"\nhost = "relay.example"\nport = 25\nnotes = "orig"\n'


def test_a_save_writes_only_what_changed_and_keeps_hand_edits_made_meanwhile(
        tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"relay.toml": RELAY})
    store = ProfileStore(folder)
    opened = store.get("Relay")
    path = folder / "relay.toml"
    path.write_text(path.read_text().replace("port = 25", "port = 2525  # Carol")
                    .replace('notes = "orig"', 'notes = "Carol: moved"\nextra = 1'))
    edited = opened.copy()
    edited.helo = "probe.example.com"
    saved = store.save(edited)
    text = path.read_text()
    assert "port = 2525  # Carol" in text and 'notes = "Carol: moved"' in text
    assert "extra = 1" in text and 'helo = "probe.example.com"' in text
    assert (saved.port, saved.notes, saved.helo) == (2525, "Carol: moved", "probe.example.com")


def test_a_field_changed_both_in_the_file_and_here_is_refused(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"relay.toml": RELAY})
    store = ProfileStore(folder)
    opened = store.get("Relay")
    path = folder / "relay.toml"
    path.write_text(path.read_text().replace("port = 25", "port = 2525"))
    before = path.read_bytes()
    edited = opened.copy()
    edited.port = 587
    with pytest.raises(ProfileError) as caught:
        store.save(edited)
    assert caught.value.field == "port" and "nothing was saved" in str(caught.value)
    assert path.read_bytes() == before


# --- 3. history per exact profile name --------------------------------------------------------


def test_names_with_one_slug_keep_separate_histories(tmp_path: Path) -> None:
    history = History(tmp_path / "history")
    history.record("Relay", ["run of Relay"], DONE)
    history.record("relay!", ["run of relay!"], DONE)
    assert [history.read(e).splitlines()[1] for e in history.list("Relay")] == ["run of Relay"]
    assert [history.read(e).splitlines()[1] for e in history.list("relay!")] == [
        "run of relay!"]


def test_a_rename_takes_the_history_along(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"relay.toml": RELAY})
    history = History(tmp_path / "history")
    history.record("Relay", ["one"], DONE)
    history.record("relay!", ["other"], DONE)
    ProfileStore(folder, history_dir=tmp_path / "history").rename("Relay", "Relay old")
    assert [history.read(e).splitlines()[1] for e in history.list("Relay old")] == ["one"]
    assert history.list("Relay") == []
    assert len(history.list("relay!")) == 1


def test_runs_kept_in_the_old_layout_still_show_for_their_own_profile(tmp_path: Path) -> None:
    old = tmp_path / "history" / "relay"  # the older layout: one folder per slug
    old.mkdir(parents=True)
    (old / "20250301T120000.000000Z_0_delivered.log").write_text(
        "# smtptui transcript of profile 'Relay', 2025-03-01T12:00:00.000000Z: delivered, "
        "exit code 0\nold run\n")
    (old / "20250301T130000.000000Z_0_delivered.log").write_text(
        "# smtptui transcript of profile 'relay!', 2025-03-01T13:00:00.000000Z: delivered, "
        "exit code 0\nother's run\n")
    history = History(tmp_path / "history")
    [entry] = history.list("Relay")
    assert history.read(entry).splitlines()[1] == "old run"
    history.rename("Relay", "Main")
    assert [history.read(e).splitlines()[1] for e in history.list("Main")] == ["old run"]
    assert [history.read(e).splitlines()[1] for e in history.list("relay!")] == ["other's run"]


# --- 4. symbolic links ------------------------------------------------------------------------


def test_a_save_through_a_symlink_writes_the_target_and_keeps_the_link(tmp_path: Path) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "mine.toml"
    target.write_text('# my dotfile\nname = "Mine"\nhost = "127.0.0.1"\n')
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "mine.toml").symlink_to("../dotfiles/mine.toml")
    store = ProfileStore(folder)
    edited = store.get("Mine").copy()
    edited.port = 2526
    store.save(edited)
    assert (folder / "mine.toml").is_symlink()
    assert os.readlink(folder / "mine.toml") == "../dotfiles/mine.toml"
    assert "port = 2526" in target.read_text() and "# my dotfile" in target.read_text()
    assert [p.name for p in dotfiles.iterdir()] == ["mine.toml"]  # no temporary file left

    renamed = store.rename("Mine", "Ours")
    assert renamed.path == folder / "ours.toml" and renamed.path.is_symlink()
    assert not (folder / "mine.toml").exists() and not (folder / "mine.toml").is_symlink()
    assert 'name = "Ours"' in target.read_text()
    assert store.get("Ours").port == 2526


# --- 5. long names ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["中" * 80, "中" * 100, "\U00020000" * 60, "é" * 100])
def test_long_names_the_docs_allow_can_be_saved_and_kept_apart(tmp_path: Path,
                                                                name: str) -> None:
    store = ProfileStore(tmp_path / "profiles")
    first = store.save(Profile(name=name, host="a.example"))
    second = store.save(Profile(name=name[:-1] + "x", host="b.example"))
    assert first.path != second.path
    assert all(len(p.path.name.encode()) <= 120 for p in (first, second) if p.path)
    assert store.get(name).host == "a.example"
    assert store.get(name[:-1] + "x").host == "b.example"
    history = History(tmp_path / "history")
    history.record(name, ["run"], DONE)
    assert len(history.list(name)) == 1


# --- 6. control and bidi characters ---------------------------------------------------------


def test_file_names_with_escapes_are_listed_visibly(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"ok.toml": OK,
                                      "evil\x1b[2J\x1b[31mRED.toml": 'name = "e"\nport = "x"\n'})
    listing = smtptui("profiles", "--profiles", str(folder))
    assert listing.code == 0
    assert "\x1b" not in listing.out + listing.err
    assert "evil\\x1b[2J\\x1b[31mRED.toml" in listing.out


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200b", "\ufeff"])
def test_names_with_bidi_or_invisible_format_characters_are_refused(tmp_path: Path,
                                                                     char: str) -> None:
    with pytest.raises(ProfileError) as caught:
        ProfileStore(tmp_path).save(Profile(name=f"a{char}gnp.exe"))
    assert caught.value.field == "name" and f"U+{ord(char):04X}" in str(caught.value)
    path = tmp_path / "b.toml"
    path.write_text(f'name = "b{char}x"\n', encoding="utf-8")
    with pytest.raises(ProfileError):
        load_file(path)


def test_joiners_that_scripts_need_are_still_allowed(tmp_path: Path) -> None:
    saved = ProfileStore(tmp_path).save(Profile(name="می\u200cخواهم"))
    assert saved.name == "می\u200cخواهم"


def test_show_prints_bidi_characters_of_a_file_visibly(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"ok.toml": 'name = "ok"\nnotes = "a\u202eb"\n'})
    shown = smtptui("profiles", "show", "ok", "--profiles", str(folder))
    assert shown.code == 0
    assert "\u202e" not in shown.out and "a\\u202eb" in shown.out


# --- 7. secrets anywhere ----------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    'name = "s"\nx = [[{password = "a"}]]\n',
    'name = "s"\nx = [1, [2, [{deep = {smtp_token = "a"}}]]]\n',
])
def test_a_password_inside_arrays_makes_the_file_broken(tmp_path: Path, text: str) -> None:
    path = tmp_path / "s.toml"
    path.write_text(text)
    with pytest.raises(ProfileError) as caught:
        load_file(path)
    assert "never hold a password" in str(caught.value)


# --- 8. password sources ----------------------------------------------------------------------


def test_an_unset_variable_of_a_profile_is_not_blamed_on_a_flag(monkeypatch) -> None:
    monkeypatch.delenv("MYPW_UNSET", raising=False)
    with pytest.raises(Exception) as caught:
        read_password_source("env:MYPW_UNSET", "alice")
    assert "MYPW_UNSET is not set" in str(caught.value)
    assert "--password-env" not in str(caught.value)
    with pytest.raises(Exception) as named:
        read_password_source("env:MYPW_UNSET", "alice", where="profile 'mx': password_source")
    assert "profile 'mx': password_source" in str(named.value)


def test_the_run_of_a_profile_names_its_field(tmp_path: Path, smtpd) -> None:
    server = smtpd(auth={"alice": "pw"})
    folder = folder_with(tmp_path, **{"a.toml": 'name = "a"\nhost = "127.0.0.1"\n'
                                      f'port = {server.port}\n'
                                      'auth_user = "alice"\npassword_source = "env:MYPW_UNSET"\n'
                                      'sender = "a@example.com"\nrecipients = ["b@example.net"]\n'
                                      'tls = "off"\n'})
    env = {k: v for k, v in os.environ.items() if k != "MYPW_UNSET"}
    run = subprocess.run([sys.executable, "-m", "smtptui", "run", "a", "--profiles", str(folder),
                          "--allow-plaintext-auth"],
                         capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL,
                         timeout=60)
    assert run.returncode == 1
    assert "MYPW_UNSET is not set" in run.stderr and "--password-env" not in run.stderr


# --- 9. a broken file does not hide a profile of its name -----------------------------------


def test_a_broken_file_does_not_hide_a_valid_profile_of_that_name(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"mx.toml": 'name = "mx"\nport = "x"\n',
                                      "z.toml": 'name = "mx"\nhost = "127.0.0.1"\n'})
    assert ProfileStore(folder).get("mx").path == folder / "z.toml"
    shown = smtptui("profiles", "show", "mx", "--profiles", str(folder))
    assert shown.code == 0 and 'host = "127.0.0.1"' in shown.out
    lines = smtptui("profiles", "--profiles", str(folder)).out.splitlines()
    assert any(line.startswith("mx.toml ") and "BROKEN" in line for line in lines)
    assert any(line.startswith("mx ") and "(file z.toml)" in line for line in lines)


# --- 10. odd folder states --------------------------------------------------------------------


def test_an_empty_folder_argument_is_refused(tmp_path: Path) -> None:
    run = smtptui("profiles", "--profiles", "")
    assert run.code == 1 and "--profiles" in run.err and "empty" in run.err
    run = smtptui("profiles", env={"SMTPTUI_PROFILES": "  "})
    assert run.code == 1 and "SMTPTUI_PROFILES" in run.err


def test_stale_temporary_files_of_ours_are_cleaned_and_nothing_else(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"relay.toml": RELAY})
    old = time.time() - 3600
    stale = folder / ".relay.toml.ab_cd12x.tmp"
    fresh = folder / ".relay.toml.zz99yy00.tmp"
    other = folder / ".notes.txt.ab_cd12x.tmp"
    for path in (stale, fresh, other):
        path.write_text("half a file")
    for path in (stale, other):
        os.utime(path, (old, old))
    ProfileStore(folder).load_all()
    assert not stale.exists() and fresh.exists() and other.exists()
    os.utime(fresh, (old, old))
    store = ProfileStore(folder)
    store.save(store.get("Relay"))
    assert not fresh.exists() and other.exists()


def test_a_read_only_empty_folder_lists_no_profiles_with_a_warning(tmp_path: Path) -> None:
    if shutil.which("chattr") is None:
        pytest.skip("chattr is not installed")
    folder = tmp_path / "profiles"
    folder.mkdir()
    made = subprocess.run(["chattr", "+i", str(folder)], capture_output=True)
    if made.returncode != 0:
        pytest.skip(f"cannot make a folder immutable here: {made.stderr.decode().strip()}")
    try:
        run = smtptui("profiles", "--profiles", str(folder))
    finally:
        subprocess.run(["chattr", "-i", str(folder)], check=True)
    assert run.code == 0, run.err
    assert "no profiles in" in run.out
    [warning] = run.err.splitlines()
    assert warning.startswith("smtptui: warning:") and "not copied" in warning


def test_a_history_folder_of_blanks_is_refused_not_defaulted(monkeypatch) -> None:
    monkeypatch.setenv("SMTPTUI_HISTORY", "   ")
    with pytest.raises(HistoryError, match="SMTPTUI_HISTORY"):
        History()


def test_a_rename_within_one_file_name_takes_the_history_along(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, **{"relay.toml": RELAY})
    history = History(tmp_path / "history")
    history.record("Relay", ["one"], DONE)
    ProfileStore(folder, history_dir=tmp_path / "history").rename("Relay", "relay")
    assert [history.read(e).splitlines()[1] for e in history.list("relay")] == ["one"]
    assert history.list("Relay") == []

"""`smtptui profiles` and `smtptui run NAME [flags]` against aiosmtpd; history kept, 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from tests.cli.helpers import smtptui

PROFILE = """# my relay
name = "relay"
mode = "smarthost"
host = "127.0.0.1"
port = {port}
helo = "client.example"
sender = "a@example.com"
recipients = ["b@example.net"]
eml = "msgs/hello.eml"
tls = "off"
future_key = "kept"
"""


def write_profiles(folder: Path, port: int) -> Path:
    (folder / "msgs").mkdir(parents=True)
    (folder / "msgs" / "hello.eml").write_bytes(b"Subject: from profile\n\nhello\n")
    path = folder / "relay.toml"
    path.write_text(PROFILE.format(port=port))
    (folder / "broken.toml").write_text('name = "broken"\nport = "x\n')
    return path


def test_run_profile_with_overrides(tmp_path: Path, smtpd) -> None:
    server = smtpd()
    folder = tmp_path / "profiles"
    path = write_profiles(folder, server.port)
    before = path.read_bytes()
    run = smtptui("run", "relay", "--profiles", str(folder), "--to", "c@example.org", "--json")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.rcpt_tos == ["c@example.org"]  # the flag overrides the profile for this run
    assert got.data == b"Subject: from profile\r\n\r\nhello\r\n"  # eml relative to the file
    assert path.read_bytes() == before  # overrides never touch the file
    history = Path(os.environ["SMTPTUI_HISTORY"])
    files = [p for p in history.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert files and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in files)
    assert any(b"RCPT TO:<c@example.org>" in p.read_bytes() for p in files)


def test_a_server_flag_without_a_port_keeps_the_profiles_port(tmp_path: Path, smtpd) -> None:
    server = smtpd()
    folder = tmp_path / "profiles"
    write_profiles(folder, server.port)
    run = smtptui("run", "relay", "--profiles", str(folder), "--server", "127.0.0.1", "--json")
    assert run.code == 0, run.out + run.err
    assert run.result["port"] == server.port  # not reset to 25
    assert len(server.wait_for_messages(1)) == 1


def test_profiles_list_shows_broken_and_show(tmp_path: Path) -> None:
    folder = tmp_path / "profiles"
    write_profiles(folder, 2525)
    listing = smtptui("profiles", "--profiles", str(folder))
    assert listing.code == 0
    lines = listing.out.splitlines()
    assert any(line.startswith("relay") and "127.0.0.1:2525" in line for line in lines)
    assert any(line.startswith("broken") and "BROKEN" in line and "line" in line
               for line in lines)
    shown = smtptui("profiles", "show", "relay", "--profiles", str(folder))
    assert shown.code == 0 and "future_key" in shown.out and "# my relay" in shown.out


def test_unknown_profile_is_input_error(tmp_path: Path) -> None:
    run = smtptui("run", "nope", "--profiles", str(tmp_path))
    assert run.code == 1 and "nope" in run.err and len(run.err.splitlines()) == 1


def test_first_run_copies_the_examples() -> None:
    listing = smtptui("profiles")
    assert listing.code == 0
    names = {line.split()[0] for line in listing.out.splitlines()}
    assert {"smarthost", "submission", "implicit-tls", "direct-mx", "seed-walkthrough"} <= names


def test_a_password_command_runs_only_when_auth_is_reached(tmp_path: Path, smtpd) -> None:
    server = smtpd(auth={"alice": "pw"})
    folder = tmp_path / "profiles"
    path = write_profiles(folder, server.port)
    ran = tmp_path / "ran"
    path.write_text(path.read_text() + f'auth_user = "alice"\npassword_source = '
                    f'"command:touch {ran}; echo pw"\n')
    run = smtptui("run", "relay", "--profiles", str(folder), "--quit-after", "connect")
    assert run.code == 0, run.out + run.err
    assert not ran.exists()  # AUTH is never reached: the secret is not fetched
    (folder / "relay.toml").write_text(path.read_text().replace(f"touch {ran}; echo pw",
                                                                "exit 3"))
    run = smtptui("run", "relay", "--profiles", str(folder), "--allow-plaintext-auth")
    assert run.code == 1 and "profile 'relay': password_source" in run.err
    assert "--password" not in run.err  # no flag was given; the profile is named


def test_an_empty_profiles_folder_argument_is_refused(tmp_path: Path) -> None:
    for args in (["--profiles", ""], ["profiles", "--profiles", " "]):
        run = smtptui(*args)
        assert run.code == 1 and "--profiles" in run.err and "empty" in run.err, run.err

"""One launch path: the app, `smtptui run NAME` and the app's "copy as command" line build
the same session from the same profile (plan, resolver, DNS time-out, password source)."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from smtptui.cli.parser import make_parser
from smtptui.cli.run import launch_from_args
from smtptui.launch import from_profile, start
from smtptui.net.runner import Runner
from smtptui.store.profiles import ProfileStore
from smtptui.tui.export import run_command_line

PROFILE = """\
name = "relay"
host = "127.0.0.1"
port = 2525
helo = "client.example"
sender = "a@example.com"
recipients = ["b@example.net", "c@example.org"]
eml = "hello.eml"
tls = "required"
verify = false
auth_user = "alice"
auth_mech = "LOGIN"
password_source = "env:RELAY_PW"
timeout = 7
dns = "127.0.0.53:5353"
quit_after = "rcpt"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "relay.toml").write_text(PROFILE)
    (tmp_path / "hello.eml").write_bytes(b"Subject: hello\r\n\r\nhi\r\n")
    return tmp_path


def test_the_app_and_run_name_launch_the_same_session(folder: Path) -> None:
    profile = ProfileStore(folder).get("relay")
    app = from_profile(profile)
    args = make_parser().parse_args(["run", "relay", "--profiles", str(folder)])
    cli = launch_from_args(args)
    assert cli == app
    assert (app.dns, app.dns_timeout, app.password_source) == ("127.0.0.53:5353", 7.0,
                                                               "env:RELAY_PW")


def test_copy_as_command_launches_what_the_app_launches(folder: Path) -> None:
    profile = ProfileStore(folder).get("relay")
    app = from_profile(profile)
    words = shlex.split(run_command_line(profile, folder))
    assert words[:2] == ["smtptui", "run"] and "--dns" in words  # it dropped the resolver
    cli = launch_from_args(make_parser().parse_args(words[1:]))
    assert cli.plan == app.plan
    assert (cli.dns, cli.password_source, cli.direct) == (app.dns, app.password_source, False)


def test_both_get_the_reverse_dns_resolver_the_profile_names(folder: Path) -> None:
    """The app passed no resolver, so its reverse-DNS check always read "not checked"."""
    profile = ProfileStore(folder).get("relay")
    stepping = start(from_profile(profile), lambda item: None, stepping=True)
    headless = start(launch_from_args(make_parser().parse_args(
        ["run", "relay", "--profiles", str(folder)])), lambda item: None, blocking=True)
    for session in (stepping, headless):
        assert isinstance(session, Runner)
        resolver = session._resolver  # noqa: SLF001 - what the reverse-DNS check asks
        assert resolver is not None and resolver.nameservers == ["127.0.0.53"]  # type: ignore[attr-defined]
        assert resolver.port == 5353  # type: ignore[attr-defined]
        assert resolver.lifetime == 7.0  # type: ignore[attr-defined]


def test_a_profile_carries_the_protocol_extensions(tmp_path: Path) -> None:
    (tmp_path / "lmtp.toml").write_text(
        'name = "lmtp"\nhost = "127.0.0.1"\nport = 24\nsender = "a@example.com"\n'
        'recipients = ["b@example.net"]\nprotocol = "lmtp"\npipeline = false\n'
        'chunking = true\nchunk_size = 4096\ndsn_notify = "success,failure"\n'
        'dsn_ret = "hdrs"\ndsn_envid = "Q1"\ndsn_orcpt = true\nrequiretls = true\n'
        'xclient = ["NAME=client.example"]\ntls = "off"\n')
    plan = from_profile(ProfileStore(tmp_path).get("lmtp")).plan
    assert (plan.protocol, plan.pipeline, plan.chunking, plan.chunk_size) == ("lmtp", False,
                                                                            True, 4096)
    assert (plan.dsn_notify, plan.dsn_ret, plan.dsn_envid, plan.dsn_orcpt) == (
        "SUCCESS,FAILURE", "HDRS", "Q1", True)
    assert plan.requiretls and plan.xclient == (("NAME=client.example", True),)
    (tmp_path / "bad.toml").write_text('name = "bad"\ndsn_notify = "sometimes"\n')
    broken = [item for item in ProfileStore(tmp_path).load_all() if item.name == "bad"]
    assert broken and "dsn_notify" in str(getattr(broken[0], "message", ""))


def test_run_flags_override_a_profile_s_extensions_for_one_run(folder: Path) -> None:
    args = make_parser().parse_args(["run", "relay", "--profiles", str(folder), "--no-pipeline",
                                     "--chunking", "--protocol", "lmtp"])
    plan = launch_from_args(args).plan
    assert (plan.pipeline, plan.chunking, plan.protocol) == (False, True, "lmtp")
    assert "chunking" not in (folder / "relay.toml").read_text()  # the file is untouched

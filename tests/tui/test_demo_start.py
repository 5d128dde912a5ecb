"""The demo's quick start (issue 17): its profiles written without tomlkit are the text the
profile store writes, and a connection made before it serves waits for its banner."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from smtptui.store.profiles import Profile, ProfileStore
from smtptui.tui.demo import DEMO_PROFILE, DemoServer, write_demo_profiles


def test_the_demo_profiles_are_what_the_store_would_write(tmp_path: Path) -> None:
    quick, saved = tmp_path / "quick", tmp_path / "saved"
    write_demo_profiles(quick, "127.0.0.1", 4321)
    common: dict[str, Any] = {"mode": "smarthost", "host": "127.0.0.1", "port": 4321,
                              "helo": "workbench.example", "sender": "alice@example.com",
                              "tls": "starttls", "timeout": 30.0}
    store = ProfileStore(saved)  # what the demo wrote before: these profiles, saved
    store.save(Profile(name=DEMO_PROFILE, recipients=["bob@example.net", "carol@example.net"],
                       eml="demo.eml", notes="The demo server accepts these two recipients.",
                       **common))
    store.save(Profile(name="demo-unknown-user", recipients=["unknown.user@example.net"],
                       subject="This one will not be delivered",
                       notes="The demo server refuses local parts starting with 'unknown': "
                             "550 5.1.1.", **common))
    for name in ("demo.toml", "demo-unknown-user.toml"):
        assert (quick / name).read_text() == (saved / name).read_text(), name
        assert (quick / name).stat().st_mode & 0o777 == 0o600
    loaded = {p.name: p for p in ProfileStore(quick).load_all() if isinstance(p, Profile)}
    assert set(loaded) == {DEMO_PROFILE, "demo-unknown-user"}
    assert (quick / "demo.eml").read_bytes().count(b"\r\n") > 10


def test_a_connection_before_the_demo_serves_waits_for_its_banner() -> None:
    server = DemoServer().listen()
    try:
        with socket.create_connection((server.host, server.port), timeout=10) as conn:
            server.serve()  # as the app does after its first screen
            assert conn.recv(100).startswith(b"220 ")
    finally:
        server.stop()

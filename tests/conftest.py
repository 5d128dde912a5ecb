"""Shared pytest fixtures: loopback SMTP servers, certificates, DNS (code in tests/fixtures/).

- ``scripted(handler, host="127.0.0.1", **kw) -> ScriptedServer``: a started scripted server,
  stopped after the test (handler errors then fail the test at teardown).
- ``smtpd(**options) -> AioSmtpd``: a started aiosmtpd; options as in tests/fixtures/smtpd.py.
- ``sink``: a started Postfix smtp-sink (SmtpSink).
- ``certs``: session-wide Certs (CA file, good/expired/wrong-name/self-signed server contexts).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest

from tests.fixtures.certs import Certs, make_certs
from tests.fixtures.postfix import postfix  # noqa: F401 - the private Postfix fixture
from tests.fixtures.scripted import Handler, ScriptedServer
from tests.fixtures.sink import SmtpSink
from tests.fixtures.smtpd import AioSmtpd

#: The loopback DNS server fixtures (``dns_server``, ``ipv6_loopback``).
pytest_plugins = ["tests.fixtures.dns_fixtures"]


@pytest.fixture(autouse=True)
def private_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
                 ) -> None:
    """No test touches the user's own profiles or history: both point at fresh folders."""
    base = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("SMTPTUI_PROFILES", str(base / "profiles"))
    monkeypatch.setenv("SMTPTUI_HISTORY", str(base / "history"))


@pytest.fixture
def scripted() -> Iterator[Callable[..., ScriptedServer]]:
    with ExitStack() as stack:

        def make(handler: Handler, host: str = "127.0.0.1", **kwargs: Any) -> ScriptedServer:
            return stack.enter_context(ScriptedServer(handler, host, **kwargs))

        yield make


@pytest.fixture
def smtpd() -> Iterator[Callable[..., AioSmtpd]]:
    with ExitStack() as stack:

        def make(**options: Any) -> AioSmtpd:
            return stack.enter_context(AioSmtpd(**options))

        yield make


@pytest.fixture
def sink(tmp_path: Path) -> Iterator[SmtpSink]:
    with SmtpSink(tmp_path) as server:
        yield server


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Certs:
    return make_certs(tmp_path_factory.mktemp("certs"))

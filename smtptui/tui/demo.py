"""The embedded demo: an aiosmtpd server on loopback and demo profiles aimed at it (`--demo`)."""

from __future__ import annotations

import asyncio
import logging
import os
import shutil
import socket
import tempfile
import threading
from pathlib import Path
from typing import Any

from smtptui.smtp.record import field, record

#: The name the demo server gives in its banner and EHLO reply.
DEMO_HOSTNAME = "demo.smtptui.test"
#: The profile the app opens on in demo mode.
DEMO_PROFILE = "demo"

DEMO_MESSAGE = """\
From: Alice Example <alice@example.com>
To: Bob Example <bob@example.net>, Carol Example <carol@example.net>
Subject: Hello from the smtptui demo
Date: Mon, 01 Jan 2024 09:00:00 +0000
Message-ID: <demo-0001@workbench.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=us-ascii

Hello Bob, hello Carol,

This message was sent, one command at a time, by the smtptui demo
to a small SMTP server running inside the app on 127.0.0.1.
Nothing left this machine.

Each line the client sent is marked ->, each line the server
answered is marked <-. Lines sent inside TLS would show ~> and <~.

Press f to fold or unfold this part of the transcript.
--
smtptui demo
"""


@record
class DemoMessage:
    """One message the demo server accepted."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes


@record
class _Handler:
    """aiosmtpd handler: refuses local parts starting with "unknown", keeps what it accepts."""

    messages: list[DemoMessage] = field(default_factory=list)
    _queued: int = 0

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,
                          rcpt_options: list[str]) -> str:
        local = address.rpartition("@")[0] if "@" in address else address
        if local.lower().startswith("unknown"):
            return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.content
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        self.messages.append(DemoMessage(envelope.mail_from or "", list(envelope.rcpt_tos),
                                         data))
        self._queued += 1
        return f"250 2.0.0 OK: queued as DEMO{self._queued:04d}"


class DemoServer:
    """aiosmtpd on 127.0.0.1 (a free port) in a thread of its own, and a demo profiles folder.

    A context manager: ``with DemoServer() as demo: run the app on demo.profiles_dir``.
    The profiles live in a temporary folder, removed on exit; the user's folder is not touched.
    ``port`` asks for a fixed port (the docs' screenshots); 0, the default, takes a free one.
    """

    host = "127.0.0.1"

    def __init__(self, port: int = 0) -> None:
        self.port = port
        self._handler = _Handler()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.AbstractServer | None = None
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._error: BaseException | None = None
        self._tmp: Path | None = None
        self._sock: socket.socket | None = None

    @property
    def messages(self) -> list[DemoMessage]:
        """The messages accepted so far."""
        return list(self._handler.messages)

    @property
    def profiles_dir(self) -> Path:
        """The temporary folder holding the demo profiles."""
        assert self._tmp is not None, "the demo server is not started"
        return self._tmp / "profiles"

    # -- the server thread -------------------------------------------------------------------

    def _serve(self) -> None:
        from aiosmtpd.smtp import SMTP

        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)

        def factory() -> SMTP:
            return SMTP(self._handler, hostname=DEMO_HOSTNAME, ident="ESMTP smtptui demo server",
                        decode_data=False, enable_SMTPUTF8=True, loop=loop)

        try:
            assert self._sock is not None, "listen() first"
            self._server = loop.run_until_complete(loop.create_server(factory, sock=self._sock))
        except BaseException as exc:  # reported by start() in the caller's thread
            self._error = exc
            self._ready.set()
            loop.close()
            return
        self._ready.set()
        try:
            loop.run_forever()
        finally:
            self._server.close()
            loop.run_until_complete(self._server.wait_closed())
            pending = [t for t in asyncio.all_tasks(loop) if not t.done()]
            for task in pending:
                task.cancel()
            if pending:
                loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.close()

    def listen(self) -> DemoServer:
        """Bind the port (OSError if it cannot be) and write the demo profiles. Connections
        wait in the listen queue until `serve()`: the app serves after its first screen, so
        that aiosmtpd's import and start (~20 ms) are not part of the start-up."""
        logging.getLogger("mail.log").setLevel(logging.CRITICAL)  # keep the screen clean
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as asyncio does
            sock.bind((self.host, self.port))
            sock.listen(100)
        except OSError as exc:
            sock.close()
            raise OSError(f"cannot start the demo server: {exc}") from None
        self._sock, self.port = sock, sock.getsockname()[1]
        self._tmp = Path(tempfile.mkdtemp(prefix="smtptui-demo-"))
        write_demo_profiles(self.profiles_dir, self.host, self.port)
        return self

    def serve(self) -> None:
        """Start answering, in the server's own thread (once; `listen()` first)."""
        if self._thread is None and self._sock is not None:
            self._thread = threading.Thread(target=self._serve, name="smtptui-demo",
                                            daemon=True)
            self._thread.start()

    def start(self) -> DemoServer:
        """Listen, write the demo profiles and serve, once the server answers; OSError if the
        port cannot be bound."""
        self.listen()
        self.serve()
        self._ready.wait(10)
        if self._error is not None:
            self.stop()
            raise OSError(f"cannot start the demo server: {self._error}")
        return self

    def stop(self) -> None:
        """Stop the server and remove the temporary profiles folder."""
        if self._thread is not None:
            self._ready.wait(10)
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop = self._thread = None
        if self._sock is not None:  # never served, or not served any more
            self._sock.close()
            self._sock = None
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def write_demo_profiles(directory: Path, host: str, port: int) -> None:
    """The demo profiles (one delivering, one refused) and their message, in ``directory``:
    the text `ProfileStore.save` would write (tests/tui/test_demo_start.py holds them to it),
    without tomlkit and fsync (~20 ms of the demo's start), for a folder that lives as long
    as the demo."""
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    files = {"demo.eml": DEMO_MESSAGE.replace("\n", "\r\n")}
    for name, recipients, middle, notes in _DEMO_PROFILES:
        files[f"{name}.toml"] = (
            "# smtptui profile: every field is described in docs/profiles.md\n"
            f'name = "{name}"\nhost = "{host}"\nport = {port}\nhelo = "workbench.example"\n'
            f'sender = "alice@example.com"\nrecipients = [{", ".join(recipients)}]\n'
            f'{middle}\ntimeout = 30.0\nnotes = "{notes}"\n')
    for name, text in files.items():
        fd = os.open(directory / name, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with open(fd, "w", encoding="ascii", newline="") as out:
            out.write(text)


#: The demo profiles' own lines: name, recipients (TOML strings), the line between the
#: recipients and the time-out, notes. Plain ASCII without quotes or backslashes.
_DEMO_PROFILES = (
    (DEMO_PROFILE, ('"bob@example.net"', '"carol@example.net"'), 'eml = "demo.eml"',
     "The demo server accepts these two recipients."),
    ("demo-unknown-user", ('"unknown.user@example.net"',),
     'subject = "This one will not be delivered"',
     "The demo server refuses local parts starting with 'unknown': 550 5.1.1."),
)

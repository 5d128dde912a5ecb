"""A blocking-socket connection and a tiny driver, so `smtptui run` needs no asyncio at all.

The Runner is written as coroutines against the Conn interface. With this connection none of
its awaits ever suspends, so `drive()` runs it to the end with one `send(None)`: the same
engine as the app's, without the start-up cost of the asyncio package.
"""

from __future__ import annotations

import select
import socket
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, TypeVar

from smtptui.net.tls import tls_would_block
from smtptui.net.transport import ConnectionClosed, Endpoint

if TYPE_CHECKING:  # ssl loads only when a session uses TLS
    import ssl

T = TypeVar("T")
_READ = 65536


def drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits on an event loop; return its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value  # type: ignore[no-any-return]
    coroutine.close()
    raise RuntimeError("the session waited on an event loop; run it with asyncio instead")


class BlockingConnection:
    """One client connection over a blocking socket; every wait bounded by a time-out."""

    def __init__(self, sock: socket.socket, tls: bool = False) -> None:
        self._sock = sock
        self._tls = tls
        self.first_bytes = b""
        self._closed = False
        self._stash = b""  # bytes taken by has_unread, not yet read
        peer, local = sock.getpeername(), sock.getsockname()
        self._endpoint = Endpoint(str(peer[0]), int(peer[1]), str(local[0]), int(local[1]))

    @classmethod
    async def open(cls, host: str, port: int, timeout: float) -> BlockingConnection:
        """Connect; raise OSError or TimeoutError."""
        # An ASCII name goes to getaddrinfo as bytes: no IDNA codec to load for it.
        name: str | bytes = host.encode("ascii") if host.isascii() else host
        sock = socket.create_connection((name, port), timeout=timeout)
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except BaseException:
            sock.close()
            raise
        return cls(sock)

    @property
    def endpoint(self) -> Endpoint:
        """The peer and local addresses actually used (kept after the close)."""
        return self._endpoint

    @property
    def ssl_object(self) -> ssl.SSLSocket | None:
        """The TLS state, once TLS is up."""
        return self._sock if self._tls else None  # type: ignore[return-value]

    @property
    def has_unread(self) -> bool:
        """True when bytes have arrived that no read took yet (read() returns them at once).

        A readable TLS socket may hold only TLS records (a TLS 1.3 session ticket), so what
        is there is taken now, without blocking, rather than guessed from select().
        """
        if self._stash:
            return True
        if self._closed:
            return False
        sock = self._sock
        waiting = self._tls and sock.pending()  # type: ignore[attr-defined]
        if not waiting and not select.select([sock], [], [], 0)[0]:
            return False
        sock.setblocking(False)
        try:
            data = sock.recv(_READ)
        except BlockingIOError:
            return False
        except OSError as exc:
            if tls_would_block(exc):
                return False
            data = b""
        if not data:
            self._closed = True
            return False
        self._stash = data
        return True

    async def read(self, timeout: float) -> bytes:
        """The next bytes from the peer; b"" at end of stream; TimeoutError after `timeout`."""
        if self._stash:
            data, self._stash = self._stash, b""
        elif self._closed:
            return b""
        else:
            self._sock.settimeout(max(timeout, 0.000001))
            try:
                data = self._sock.recv(_READ)
            except TimeoutError:
                raise
            except OSError as exc:  # a reset or a TLS failure ends the stream
                if tls_would_block(exc):
                    raise TimeoutError from None
                data = b""
        if not data:
            self._closed = True
        elif len(self.first_bytes) < 64:
            self.first_bytes = (self.first_bytes + data)[:64]
        return data

    async def write(self, data: bytes, timeout: float) -> None:
        """Send bytes; waits (bounded) while the peer is not reading."""
        if self._closed:
            raise ConnectionClosed("connection closed")
        self._sock.settimeout(timeout)
        try:
            self._sock.sendall(data)
        except TimeoutError:
            raise
        except OSError as exc:
            self._closed = True
            raise ConnectionClosed(str(exc) or "connection closed") from None

    def discard_buffered(self) -> int:
        """Drop what has arrived unread (before a TLS hand-shake); return the octet count."""
        dropped = 0
        while self.has_unread:
            dropped += len(self._stash)
            self._stash = b""
        return dropped

    async def start_tls(self, context: ssl.SSLContext, server_name: str, timeout: float) -> int:
        """Upgrade the connection to TLS in place (STARTTLS, or implicit TLS). Plaintext that
        arrives from now on is read by the hand-shake as TLS records and makes it fail, so
        none is ever taken for TLS data: 0 octets dropped."""
        if self._closed:
            raise ConnectionClosed("the server closed the connection before the hand-shake")
        self._sock.settimeout(timeout)
        self._sock = context.wrap_socket(self._sock, server_hostname=server_name)
        self._tls = True
        return 0

    @staticmethod
    async def offload(function: Callable[..., T], *args: Any) -> T:
        """A blocking call, made here: there is no event loop to keep going."""
        return function(*args)

    def abort(self) -> None:
        """Close now."""
        self._closed = True
        self._sock.close()

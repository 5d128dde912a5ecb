"""What the runner needs of a connection: the asyncio transport and the blocking one provide it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from smtptui.smtp.record import record

if TYPE_CHECKING:  # ssl loads only when a session uses TLS
    import ssl

T = TypeVar("T")


class ConnectionClosed(Exception):
    """The peer closed the connection (or reset it)."""


@record(frozen=True)
class Endpoint:
    """Where a connection went: the peer's address and port, and ours (a UNIX-domain
    socket: its path, port 0, and no local address)."""

    address: str
    port: int
    local_address: str
    local_port: int


@record(frozen=True)
class Dial:
    """How to connect, beyond host and port: only IPv4 or IPv6 addresses (``family`` 4 or
    6), from a local address and port, or to a UNIX-domain socket (``socket_path``)."""

    family: int = 0
    local_address: str = ""
    local_port: int = 0
    socket_path: str = ""


#: A plain TCP connection: any address family, the system's choice of local address and port.
DIRECT = Dial()


def endpoint_of(peer: Any, local: Any) -> Endpoint:
    """An Endpoint from getpeername() and getsockname() (a path for a UNIX-domain socket)."""
    if isinstance(peer, (str, bytes)) or not peer:
        path = peer.decode("utf-8", "surrogateescape") if isinstance(peer, bytes) else peer
        return Endpoint(str(path or ""), 0, "", 0)
    return Endpoint(str(peer[0]), int(peer[1]), str(local[0]), int(local[1]))


class Conn(Protocol):
    """One client connection; every wait is bounded by the caller's time-out."""

    first_bytes: bytes

    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def closed_why(self) -> str:
        """The TLS alert, in words, that ended the connection ("" if none did)."""

    @property
    def ssl_object(self) -> ssl.SSLObject | ssl.SSLSocket | None: ...

    @property
    def has_unread(self) -> bool: ...

    async def read(self, timeout: float) -> bytes: ...

    async def write(self, data: bytes, timeout: float, *more: bytes) -> None:
        """Send ``data``, then each of ``more`` (not joined to it: a BDAT chunk after its
        command line, QUIT after the final dot); waits at most ``timeout`` for each while the
        peer is not reading."""

    def discard_buffered(self) -> int: ...

    async def start_tls(self, context: ssl.SSLContext, server_name: str | None,
                        timeout: float) -> int: ...

    async def offload(self, function: Callable[..., T], *args: Any) -> T: ...

    def abort(self) -> None: ...


class Driver(Protocol):
    """A kind of connection: how to open one, and how to make a blocking call meanwhile."""

    async def open(self, host: str, port: int, timeout: float, dial: Dial = DIRECT) -> Conn: ...

    async def offload(self, function: Callable[..., T], *args: Any) -> T: ...

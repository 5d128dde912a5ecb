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
    """Where a connection went: the peer's address and port, and ours."""

    address: str
    port: int
    local_address: str
    local_port: int


class Conn(Protocol):
    """One client connection; every wait is bounded by the caller's time-out."""

    first_bytes: bytes

    @property
    def endpoint(self) -> Endpoint: ...

    @property
    def ssl_object(self) -> ssl.SSLObject | ssl.SSLSocket | None: ...

    @property
    def has_unread(self) -> bool: ...

    async def read(self, timeout: float) -> bytes: ...

    async def write(self, data: bytes, timeout: float) -> None: ...

    def discard_buffered(self) -> int: ...

    async def start_tls(self, context: ssl.SSLContext, server_name: str,
                        timeout: float) -> int: ...

    async def offload(self, function: Callable[..., T], *args: Any) -> T: ...

    def abort(self) -> None: ...


class Driver(Protocol):
    """A kind of connection: how to open one, and how to make a blocking call meanwhile."""

    async def open(self, host: str, port: int, timeout: float) -> Conn: ...

    async def offload(self, function: Callable[..., T], *args: Any) -> T: ...

"""The asyncio connection: connect (IPv4/IPv6, implicit TLS), bounded reads and writes, STARTTLS."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

from smtptui.net.transport import ConnectionClosed, Endpoint

__all__ = ["Connection", "ConnectionClosed", "Endpoint"]
T = TypeVar("T")


class _Protocol(asyncio.Protocol):
    """Buffers what arrives; tells readers and writers when to go on."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.closed = False
        self.error: BaseException | None = None
        self._readable = asyncio.Event()
        self._writable = asyncio.Event()
        self._writable.set()
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        self._readable.set()
        if len(self.buffer) > 1 << 20 and self.transport is not None:
            self.transport.pause_reading()  # the reader is behind: push back on the peer

    def eof_received(self) -> bool:
        self.closed = True
        self._readable.set()
        return False

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        self.error = exc
        self._readable.set()
        self._writable.set()

    def pause_writing(self) -> None:
        self._writable.clear()

    def resume_writing(self) -> None:
        self._writable.set()

    async def read(self) -> bytes:
        while not self.buffer and not self.closed:
            self._readable.clear()
            await self._readable.wait()
        data = bytes(self.buffer)
        self.buffer.clear()
        if self.transport is not None and not self.transport.is_closing():
            self.transport.resume_reading()
        return data

    async def drain(self) -> None:
        await self._writable.wait()
        if self.closed:
            raise ConnectionClosed(str(self.error) if self.error else "connection closed")


class Connection:
    """One client connection; all waits are bounded by the caller's time-outs."""

    def __init__(self, protocol: _Protocol, transport: asyncio.Transport) -> None:
        self._protocol = protocol
        self._transport = transport
        self.first_bytes = b""
        # Read once: a TLS transport forgets its socket's addresses when it closes.
        peer = transport.get_extra_info("peername") or ("", 0)
        local = transport.get_extra_info("sockname") or ("", 0)
        self._endpoint = Endpoint(str(peer[0]), int(peer[1]), str(local[0]), int(local[1]))

    @classmethod
    async def open(cls, host: str, port: int, timeout: float) -> Connection:
        """Connect; raise OSError or TimeoutError."""
        loop = asyncio.get_running_loop()
        transport, protocol = await asyncio.wait_for(
            loop.create_connection(_Protocol, host, port), timeout)
        assert isinstance(transport, asyncio.Transport)
        return cls(protocol, transport)

    @property
    def endpoint(self) -> Endpoint:
        """The peer and local addresses actually used (kept after the close)."""
        return self._endpoint

    @property
    def ssl_object(self) -> ssl.SSLObject | None:
        """The TLS state, once TLS is up."""
        return self._transport.get_extra_info("ssl_object")

    async def read(self, timeout: float) -> bytes:
        """The next bytes from the peer; b"" at end of stream; TimeoutError after `timeout`."""
        data = await asyncio.wait_for(self._protocol.read(), timeout)
        if len(self.first_bytes) < 64 and data:
            self.first_bytes = (self.first_bytes + data)[:64]
        return data

    async def write(self, data: bytes, timeout: float) -> None:
        """Send bytes; waits (bounded) while the peer is not reading."""
        if self._protocol.closed or self._transport.is_closing():
            raise ConnectionClosed("connection closed")
        self._transport.write(data)
        await asyncio.wait_for(self._protocol.drain(), timeout)

    @property
    def has_unread(self) -> bool:
        """True when bytes have arrived that no read took yet (read() returns them at once)."""
        return bool(self._protocol.buffer)

    def discard_buffered(self) -> int:
        """Drop what has arrived unread (before a TLS hand-shake); return the octet count."""
        count = len(self._protocol.buffer)
        self._protocol.buffer.clear()
        return count

    async def start_tls(self, context: ssl.SSLContext, server_name: str, timeout: float) -> int:
        """Upgrade the connection to TLS in place (STARTTLS, or implicit TLS); return the
        octets that came in plaintext while the hand-shake was being set up.

        Reading stops at once, and the hand-shake gets a fresh protocol: plaintext that the
        event loop still delivers to the old one (injected after the server's 220, before
        the hand-shake took over the socket) is counted and dropped, never mixed with what
        comes through TLS.
        """
        old = self._protocol
        if old.closed or self._transport.is_closing():  # else: a wait for nothing
            raise ConnectionClosed("the server closed the connection before the hand-shake")
        self._transport.pause_reading()
        fresh = _Protocol()
        fresh.transport = self._transport
        loop = asyncio.get_running_loop()
        transport = await asyncio.wait_for(
            loop.start_tls(self._transport, fresh, context, server_hostname=server_name,
                           ssl_handshake_timeout=timeout), timeout)
        if transport is None:
            raise ConnectionClosed("connection closed during the TLS hand-shake")
        assert isinstance(transport, asyncio.Transport)
        fresh.transport = transport
        self._transport, self._protocol = transport, fresh
        return len(old.buffer)

    @staticmethod
    async def offload(function: Callable[..., T], *args: Any) -> T:
        """Run a blocking call (a DNS look-up) in a thread, so the event loop goes on."""
        return await asyncio.to_thread(function, *args)

    def close(self) -> None:
        """Close now; pending writes are dropped (a session that ended has nothing to add)."""
        self._transport.abort() if self._transport.is_closing() else self._transport.close()

    def abort(self) -> None:
        """Close without waiting for anything."""
        self._transport.abort()

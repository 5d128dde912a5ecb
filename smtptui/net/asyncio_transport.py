"""The asyncio connection: connect (IPv4/IPv6, implicit TLS), bounded reads and writes, STARTTLS."""

from __future__ import annotations

import asyncio
import errno
import socket
import ssl
from collections.abc import Callable
from typing import Any, TypeVar

from smtptui.net.blocking_transport import NO_ADDRESS, bind_failure
from smtptui.net.tls import alert_words, is_tls_error
from smtptui.net.transport import DIRECT, ConnectionClosed, Dial, Endpoint, endpoint_of

__all__ = ["Connection", "ConnectionClosed", "Endpoint"]
T = TypeVar("T")


def _bind_failed(exc: OSError) -> bool:
    """asyncio's create_connection reports a failed bind with these errors (and its words)."""
    return exc.errno in (errno.EADDRNOTAVAIL, errno.EADDRINUSE, errno.EACCES) or (
        "error while attempting to bind" in str(exc))


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
            raise ConnectionClosed(self.why or "connection closed")

    @property
    def why(self) -> str:
        """What ended the connection, in words ("" for a plain close)."""
        if self.error is None:
            return ""
        return alert_words(self.error) if is_tls_error(self.error) else str(self.error)


class Connection:
    """One client connection; all waits are bounded by the caller's time-outs."""

    def __init__(self, protocol: _Protocol, transport: asyncio.Transport) -> None:
        self._protocol = protocol
        self._transport = transport
        self.first_bytes = b""
        # Read once: a TLS transport forgets its socket's addresses when it closes.
        self._endpoint = endpoint_of(transport.get_extra_info("peername") or ("", 0),
                                     transport.get_extra_info("sockname") or ("", 0))

    @classmethod
    async def open(cls, host: str, port: int, timeout: float,
                   dial: Dial = DIRECT) -> Connection:
        """Connect (over TCP, or to a UNIX-domain socket); raise OSError or TimeoutError."""
        loop = asyncio.get_running_loop()
        family, local = 0, None
        connecting: Any
        if dial.socket_path:
            connecting = loop.create_unix_connection(_Protocol, dial.socket_path)
        else:
            family = {4: socket.AF_INET, 6: socket.AF_INET6}.get(dial.family, 0)
            if dial.local_address or dial.local_port:
                if dial.local_address:
                    family = socket.AF_INET6 if ":" in dial.local_address else socket.AF_INET
                address = dial.local_address or ("::" if family == socket.AF_INET6 else
                                                 "0.0.0.0" if family else "")
                local = (address or None, dial.local_port)
            # AI_PASSIVE: a local port alone binds the wildcard address, not loopback (it
            # changes nothing for the server's name, which is never empty).
            connecting = loop.create_connection(
                _Protocol, host, port, family=family, local_addr=local,  # type: ignore[arg-type]
                flags=socket.AI_PASSIVE if local is not None else 0)
        try:
            transport, protocol = await asyncio.wait_for(connecting, timeout)
        except socket.gaierror as exc:
            if family and exc.errno in NO_ADDRESS:
                version = 6 if family == socket.AF_INET6 else 4
                raise OSError(exc.errno, f"no IPv{version} address found for {host} "
                              f"({exc.strerror})") from None
            raise
        except OSError as exc:
            if local is not None and _bind_failed(exc):
                raise OSError(exc.errno, bind_failure(str(local[0]), dial.local_port, exc)
                              ) from None
            raise
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

    @property
    def closed_why(self) -> str:
        """The TLS alert (in words) that ended the connection, if one did."""
        error = self._protocol.error
        return alert_words(error) if error is not None and is_tls_error(error) else ""

    async def write(self, data: bytes, timeout: float, *more: bytes) -> None:
        """Send bytes, then ``more`` (each piece as it is, never joined); waits (bounded)
        while the peer is not reading. Then the event loop polls the socket once, so that
        what the server sent meanwhile is read and `has_unread` sees it (a refusal or a
        flood in the middle of the message): since Python 3.12, wait_for() returns without
        a turn of the loop when drain() has nothing to wait for, and a whole message could
        go out without a read."""
        if self._protocol.closed or self._transport.is_closing():
            raise ConnectionClosed(self.closed_why or "connection closed")
        self._transport.write(data)
        for piece in more:
            if piece:
                self._transport.write(piece)
        await asyncio.wait_for(self._protocol.drain(), timeout)
        await asyncio.sleep(0)  # the loop polls its sockets; this task resumes first,
        await asyncio.sleep(0)  # then the reads of that poll are delivered before it resumes

    @property
    def has_unread(self) -> bool:
        """True when bytes have arrived that no read took yet (read() returns them at once)."""
        return bool(self._protocol.buffer)

    def discard_buffered(self) -> int:
        """Drop what has arrived unread (before a TLS hand-shake); return the octet count."""
        count = len(self._protocol.buffer)
        self._protocol.buffer.clear()
        return count

    async def start_tls(self, context: ssl.SSLContext, server_name: str | None,
                        timeout: float) -> int:
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

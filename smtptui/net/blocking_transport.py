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

from smtptui.net.tls import alert_words, is_tls_error, tls_would_block
from smtptui.net.transport import DIRECT, ConnectionClosed, Dial, Endpoint, endpoint_of

if TYPE_CHECKING:  # ssl loads only when a session uses TLS
    import ssl

T = TypeVar("T")
_READ = 65536


def drive(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine that never waits on an event loop; return its result."""
    try:
        coroutine.send(None)
    except StopIteration as stop:
        return stop.value
    coroutine.close()
    raise RuntimeError("the session waited on an event loop; run it with asyncio instead")


_FAMILIES = {0: socket.AF_UNSPEC, 4: socket.AF_INET, 6: socket.AF_INET6}


def _connect_unix(path: str, timeout: float) -> socket.socket:
    """A stream socket connected to the UNIX-domain socket at ``path``."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        sock.connect(path)
    except BaseException:
        sock.close()
        raise
    return sock


def _connect_tcp(host: str, port: int, timeout: float, dial: Dial) -> socket.socket:
    """socket.create_connection with an address family (``-4``/``-6``, or the local
    address's) and a local address and port bound before connecting: each address of the
    host in getaddrinfo's order, until one answers; the last error if none does."""
    family = _FAMILIES[dial.family]
    if dial.local_address:
        family = socket.AF_INET6 if ":" in dial.local_address else socket.AF_INET
    # An ASCII name goes to getaddrinfo as bytes: no IDNA codec to load for it.
    name: str | bytes = host.encode("ascii") if host.isascii() else host
    try:
        found = socket.getaddrinfo(name, port, family, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        if family != socket.AF_UNSPEC and exc.errno in NO_ADDRESS:
            version = 6 if family == socket.AF_INET6 else 4
            raise OSError(exc.errno, f"no IPv{version} address found for {host} "
                          f"({exc.strerror})") from None
        raise
    error: OSError | None = None
    for af, kind, proto, _, address in found:
        sock = socket.socket(af, kind, proto)
        try:
            sock.settimeout(timeout)
            if dial.local_address or dial.local_port:
                bind(sock, af, dial)
            sock.connect(address)
            return sock
        except OSError as exc:
            sock.close()
            error = exc
        except BaseException:
            sock.close()
            raise
    raise error if error is not None else OSError(f"{host} has no address")


#: getaddrinfo's answers for a name with no address of the family asked for.
NO_ADDRESS = tuple(getattr(socket, name) for name in ("EAI_ADDRFAMILY", "EAI_NODATA",
                                                        "EAI_NONAME", "EAI_FAMILY")
                    if hasattr(socket, name))


def bind(sock: socket.socket, family: int, dial: Dial) -> None:
    """Bind ``sock`` to the local address and port before it connects; an OSError that says
    which local address could not be used (not this host's, a port in use or privileged)."""
    address = dial.local_address or ("::" if family == socket.AF_INET6 else "0.0.0.0")
    try:
        if dial.local_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6 and "%" in address:  # a link-local address and its zone
            found = socket.getaddrinfo(address, dial.local_port, family, socket.SOCK_STREAM,
                                       0, socket.AI_NUMERICHOST)
            sock.bind(found[0][4])
        else:
            sock.bind((address, dial.local_port))
    except OSError as exc:
        raise OSError(exc.errno, bind_failure(address, dial.local_port, exc)) from None


def bind_failure(address: str, port: int, exc: OSError) -> str:
    """Why the local address (and port) could not be bound, in words."""
    import errno

    where = f"the local address {address}" + (f" port {port}" if port else "")
    hint = {errno.EADDRNOTAVAIL: ": it is not an address of this host",
            errno.EADDRINUSE: ": that port is in use (or still in TIME_WAIT)",
            errno.EACCES: ": a port below 1024 needs privileges"}.get(exc.errno or 0, "")
    return f"{where} cannot be used ({exc.strerror or exc}){hint}"


class BlockingConnection:
    """One client connection over a blocking socket; every wait bounded by a time-out."""

    def __init__(self, sock: socket.socket, tls: bool = False) -> None:
        self._sock = sock
        self._tls = tls
        self.first_bytes = b""
        self.closed_why = ""  # the TLS alert (in words) that ended the connection, if one did
        self._closed = False
        self._stash = b""  # bytes taken by has_unread, not yet read
        self._endpoint = endpoint_of(sock.getpeername(), sock.getsockname())

    @classmethod
    async def open(cls, host: str, port: int, timeout: float,
                   dial: Dial = DIRECT) -> BlockingConnection:
        """Connect (over TCP, or to a UNIX-domain socket); raise OSError or TimeoutError."""
        if dial.socket_path:
            return cls(_connect_unix(dial.socket_path, timeout))
        sock = _connect_tcp(host, port, timeout, dial)
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
            self._ended_by(exc)
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
                self._ended_by(exc)
                data = b""
        if not data:
            self._closed = True
        elif len(self.first_bytes) < 64:
            self.first_bytes = (self.first_bytes + data)[:64]
        return data

    async def write(self, data: bytes, timeout: float, *more: bytes) -> None:
        """Send bytes, then ``more`` (each piece as it is, never joined); waits (bounded)
        while the peer is not reading."""
        if self._closed:
            raise ConnectionClosed(self.closed_why or "connection closed")
        self._sock.settimeout(timeout)
        try:
            self._sock.sendall(data)
            for piece in more:
                if piece:
                    self._sock.sendall(piece)
        except TimeoutError:
            raise
        except OSError as exc:
            self._closed = True
            self._ended_by(exc)
            raise ConnectionClosed(self.closed_why or str(exc) or "connection closed") from None

    def _ended_by(self, exc: OSError) -> None:
        """Keep, in words, the TLS alert that ended the connection (a refused client
        certificate arrives so in TLS 1.3: after the hand-shake, at the first read)."""
        if is_tls_error(exc) and not self.closed_why:
            self.closed_why = alert_words(exc)

    def discard_buffered(self) -> int:
        """Drop what has arrived unread (before a TLS hand-shake); return the octet count."""
        dropped = 0
        while self.has_unread:
            dropped += len(self._stash)
            self._stash = b""
        return dropped

    async def start_tls(self, context: ssl.SSLContext, server_name: str | None,
                        timeout: float) -> int:
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

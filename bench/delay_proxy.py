"""A TCP proxy on 127.0.0.1 that delays each direction: a slow link, for the pipelining rows.

    with DelayProxy(upstream_port, one_way=0.05) as proxy:   # 100 ms of round-trip time
        ... connect to 127.0.0.1:proxy.port ...
        proxy.sessions[-1].round_trips()

Each chunk read from one side is written to the other `one_way` seconds after it arrived,
in order (a queue per direction; a chunk never overtakes the one before it, and the delay
does not throttle: chunks in flight overlap, as on a long fat link). The end of a stream
(EOF) travels the same way. Every chunk is logged with its direction and arrival time, so
a session's round trips can be counted: each flight of client data that waits for the
server's answer is one (the greeting, which the server sends unasked, is not counted). It
listens on loopback only and serves connections until the `with` block ends, in a thread
of its own with its own event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from dataclasses import dataclass, field
from types import TracebackType

CLIENT, SERVER = "C", "S"


@dataclass
class Session:
    """One proxied connection: (direction, arrival time, octets) of every chunk, in order."""

    chunks: list[tuple[str, float, int]] = field(default_factory=list)
    closed: bool = False

    def flights(self) -> list[tuple[str, int]]:
        """Consecutive chunks in one direction merged: (direction, octets)."""
        out: list[tuple[str, int]] = []
        for direction, _, size in self.chunks:
            if out and out[-1][0] == direction:
                out[-1] = (direction, out[-1][1] + size)
            else:
                out.append((direction, size))
        return out

    def round_trips(self) -> int:
        """Flights of client data that the server answered (each cost the client one RTT)."""
        flights = self.flights()
        return sum(1 for i, (direction, _) in enumerate(flights)
                   if direction == CLIENT and any(d == SERVER for d, _ in flights[i + 1:]))


class DelayProxy:
    """127.0.0.1:`port` -> 127.0.0.1:`upstream`, each direction delayed by `one_way` s."""

    def __init__(self, upstream: int, one_way: float = 0.05) -> None:
        self.upstream = upstream
        self.one_way = one_way
        self.port = 0
        self.sessions: list[Session] = []
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delaying proxy did not start")
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def wait_closed(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until `count` sessions have ended on both sides."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.sessions) >= count and all(s.closed for s in self.sessions[:count]):
                return True
            time.sleep(0.005)
        return False

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())
        self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = server.sockets[0].getsockname()[1]
        self._ready.set()
        async with server:
            await self._stop.wait()

    async def _serve(self, client_reader: asyncio.StreamReader,
                     client_writer: asyncio.StreamWriter) -> None:
        session = Session()
        self.sessions.append(session)
        try:
            server_reader, server_writer = await asyncio.open_connection("127.0.0.1",
                                                                         self.upstream)
        except OSError:
            client_writer.close()
            session.closed = True
            return
        await asyncio.gather(self._pipe(client_reader, server_writer, CLIENT, session),
                             self._pipe(server_reader, client_writer, SERVER, session))
        for writer in (client_writer, server_writer):
            with contextlib.suppress(OSError):
                writer.close()
        session.closed = True

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                    direction: str, session: Session) -> None:
        """Read chunks as they come; a second task writes each one `one_way` s later."""
        queue: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()
        sender = asyncio.create_task(self._deliver(queue, writer))
        try:
            while True:
                try:
                    data = await reader.read(1 << 16)
                except OSError:
                    data = b""
                now = time.monotonic()
                if data:
                    session.chunks.append((direction, now, len(data)))
                await queue.put((now + self.one_way, data))
                if not data:
                    break
        finally:
            await sender

    async def _deliver(self, queue: asyncio.Queue[tuple[float, bytes]],
                       writer: asyncio.StreamWriter) -> None:
        while True:
            due, data = await queue.get()
            delay = due - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            try:
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    await writer.drain()
                    return
                writer.write(data)
                await writer.drain()
            except OSError:
                with contextlib.suppress(OSError):
                    writer.close()
                return

"""A throw-away SMTP receiver on 127.0.0.1 that offers CHUNKING (RFC 3030), for the BDAT rows.

Postfix's smtp-sink speaks no BDAT, so `smtptui run --chunking` against it would send DATA;
this one does, in a thread of the benchmark: EHLO (PIPELINING, 8BITMIME, CHUNKING), MAIL,
RCPT, BDAT n [LAST] (the octets read into one reused buffer and thrown away), DATA (to the
final dot), RSET, NOOP, QUIT. It is there to measure the client's memory, not a server's
speed. Loopback only; every connection is served in its own thread, and `delivered()`
counts the messages taken.
"""

from __future__ import annotations

import io
import socket
import threading
from types import TracebackType

_BUFFER = 1 << 20


class ChunkingSink:
    """Listen on 127.0.0.1 (a free port) until the `with` block ends."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        self._count = 0
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def __enter__(self) -> ChunkingSink:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self._listener.close()

    def delivered(self) -> int:
        """Messages taken so far (a 250 to the last BDAT or to the final dot)."""
        with self._lock:
            return self._count

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        with conn, conn.makefile("rb", buffering=_BUFFER) as reader:
            assert isinstance(reader, io.BufferedReader)
            buffer = memoryview(bytearray(_BUFFER))
            conn.sendall(b"220 chunking-sink ESMTP\r\n")
            while line := reader.readline(4096):
                verb = line[:4].upper()
                if verb == b"EHLO":
                    conn.sendall(b"250-chunking-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n"
                                 b"250 CHUNKING\r\n")
                elif verb == b"BDAT":
                    words = line.split()
                    left = int(words[1])
                    while left:
                        got = reader.readinto(buffer[: min(left, _BUFFER)])
                        if not got:
                            return
                        left -= got
                    if len(words) > 2 and words[2].upper() == b"LAST":
                        self._taken()
                    conn.sendall(b"250 2.0.0 chunk taken\r\n")
                elif verb == b"DATA":
                    conn.sendall(b"354 go ahead\r\n")
                    while (data := reader.readline(1 << 16)) and data != b".\r\n":
                        pass
                    self._taken()
                    conn.sendall(b"250 2.0.0 taken\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:  # MAIL, RCPT, RSET, NOOP: yes
                    conn.sendall(b"250 2.0.0 ok\r\n")

    def _taken(self) -> None:
        with self._lock:
            self._count += 1

"""Large test messages for the benchmarks: headers, then ~76-character text lines, LF endings."""

from __future__ import annotations

import random
from pathlib import Path

_WORDS = ("mail", "relay", "queue", "deliver", "bounce", "header", "envelope", "server",
          "client", "greeting", "reply", "status", "domain", "message", "transfer", "agent",
          "route", "smart", "host", "exchange", "record", "policy", "sender", "recipient")


def _block(rng: random.Random, lines: int) -> bytes:
    """`lines` text lines of 70-76 characters; one in 500 starts with a dot (dot-stuffing)."""
    out: list[str] = []
    for i in range(lines):
        words: list[str] = []
        while sum(len(w) + 1 for w in words) < 70:
            words.append(rng.choice(_WORDS))
        line = " ".join(words)[:76]
        if i % 500 == 0:
            line = "." + line[1:]
        out.append(line)
    return ("\n".join(out) + "\n").encode("ascii")


def write_eml(path: Path, size: int, seed: int = 1) -> int:
    """Write a plain-text message of about `size` bytes (whole lines) to `path`; its size."""
    rng = random.Random(seed)
    header = (b"From: Bench <a@example.com>\nTo: <b@example.net>\nSubject: benchmark message\n"
              b"Date: Thu, 01 Jan 2026 00:00:00 +0000\nMessage-ID: <bench@example.com>\n"
              b"MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n")
    blocks = [_block(rng, 2000) for _ in range(8)]
    written = 0
    with path.open("wb") as fh:
        fh.write(header)
        written += len(header)
        i = 0
        while written < size:
            block = blocks[i % len(blocks)]
            if written + len(block) > size:
                cut = block.rfind(b"\n", 0, size - written) + 1
                block = block[:cut] if cut > 0 else block[: block.index(b"\n") + 1]
            fh.write(block)
            written += len(block)
            i += 1
    return written

"""`smtptui` without a terminal (`ssh host smtptui` without -t, a pipe, cron): one line naming
the fix and a non-zero exit at once, never escape codes and a spinning core."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

#: Generous for a loaded machine; the app, when it wrongly starts, never ends by itself.
TIMEOUT = 20


def start(args: list[str], tmp_path: Path, *, stdin: int | None,
          stdout: int | None = subprocess.PIPE) -> subprocess.CompletedProcess[bytes]:
    env = dict(os.environ, TERM="xterm-256color")
    return subprocess.run([sys.executable, "-m", "smtptui", "--profiles", str(tmp_path / "p"),
                           *args], stdin=stdin, stdout=stdout, stderr=subprocess.PIPE,
                          timeout=TIMEOUT, env=env, check=False)


@pytest.mark.parametrize("args", [[], ["--demo"]], ids=["app", "demo"])
def test_stdin_not_a_terminal_ends_at_once_naming_the_fix(tmp_path: Path,
                                                          args: list[str]) -> None:
    done = start(args, tmp_path, stdin=subprocess.DEVNULL)
    assert done.returncode != 0
    assert done.stdout == b""  # no escape codes, nothing drawn
    lines = done.stderr.decode().splitlines()
    assert len(lines) == 1, lines
    assert "ssh -t" in lines[0] and "smtptui run" in lines[0]
    assert "\x1b" not in lines[0]


def test_a_pipe_into_stdin_is_refused_too(tmp_path: Path) -> None:
    env = dict(os.environ, TERM="xterm-256color")
    proc = subprocess.Popen([sys.executable, "-m", "smtptui", "--profiles", str(tmp_path)],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    try:
        out, err = proc.communicate(b"r\n", timeout=TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode != 0 and out == b""
    assert "ssh -t" in err.decode()


def test_stdout_not_a_terminal_is_refused_even_with_a_terminal_on_stdin(tmp_path: Path) -> None:
    parent, child = pty.openpty()
    try:
        done = start([], tmp_path, stdin=child, stdout=subprocess.PIPE)
    finally:
        os.close(child)
        os.close(parent)
    assert done.returncode != 0 and done.stdout == b""
    assert "smtptui run" in done.stderr.decode()
    assert not (tmp_path / "p").exists()  # nothing was done: not even the examples seeded

"""Password sources: an environment variable, a command's output or a no-echo prompt."""

from __future__ import annotations

import getpass
import os
import subprocess
import sys

from smtptui.engine.errors import InputError


def read_password(env: str | None = None, command: str | None = None,
                  prompt_user: str = "") -> str:
    """The password from $env, from `command`'s output, or (on a terminal) a no-echo prompt."""
    if env:
        value = os.environ.get(env)
        if value is None:
            raise InputError(f"environment variable {env} is not set (--password-env)")
        return value
    if command:
        try:
            proc = subprocess.run(command, shell=True, capture_output=True, timeout=60,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError("the password command did not finish within 60 s") from None
        if proc.returncode != 0:
            raise InputError(f"the password command exited with status {proc.returncode}")
        value = proc.stdout.decode("utf-8", "replace").rstrip("\r\n")
        if not value:
            raise InputError("the password command printed nothing")
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        return getpass.getpass(f"Password for {prompt_user or 'AUTH'}: ")
    raise InputError("AUTH needs a password: --password-env VAR or --password-command CMD "
                     "(no terminal to prompt on)")


def read_password_source(source: str, user: str = "") -> str:
    """A profile's password_source: "env:VAR", "command:CMD" or "prompt"."""
    kind, _, value = source.partition(":")
    if kind == "env":
        return read_password(env=value)
    if kind == "command":
        return read_password(command=value)
    return read_password(prompt_user=user)

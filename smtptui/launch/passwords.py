"""Password sources: an environment variable, a command's output or a no-echo prompt."""

from __future__ import annotations

import os
import sys

from smtptui.smtp.errors import InputError


def read_password(env: str | None = None, command: str | None = None,
                  prompt_user: str = "", where: str = "") -> str:
    """The password from $env, from `command`'s output, or (on a terminal) a no-echo prompt.

    ``where`` names the setting the source came from, for the error messages (default: the
    command-line flag, --password-env or --password-command).
    """
    if env:
        value = os.environ.get(env)
        if value is None:
            raise InputError(f"environment variable {env} is not set "
                             f"({where or '--password-env'})")
        if not _is_utf8(value):  # os.environb[env] holds the raw bytes; never shown
            raise InputError(f"environment variable {env} ({where or '--password-env'}) is "
                             "not valid UTF-8: a password is sent as UTF-8, so this one "
                             "cannot be used")
        return value
    if command:
        import subprocess  # only for a command source: a plain run does not pay for it

        origin = where or "--password-command"
        try:
            proc = subprocess.run(command, shell=True, capture_output=True, timeout=60,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            raise InputError(f"the password command ({origin}) did not finish within 60 s"
                             ) from None
        if proc.returncode != 0:
            raise InputError(f"the password command ({origin}) exited with status "
                             f"{proc.returncode}")
        try:
            value = proc.stdout.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError:  # never guessed at (U+FFFD would be a wrong password)
            raise InputError(f"the password command ({origin}) printed bytes that are not "
                             "valid UTF-8: a password is sent as UTF-8") from None
        if not value:
            raise InputError(f"the password command ({origin}) printed nothing")
        return value
    if sys.stdin is not None and sys.stdin.isatty():
        import getpass

        from smtptui.smtp.safety import visible

        value = getpass.getpass(f"Password for {visible(prompt_user) or 'AUTH'}: ")
        if not _is_utf8(value):
            raise InputError("the password typed is not valid UTF-8 (the terminal's "
                             "encoding?): a password is sent as UTF-8")
        return value
    raise InputError("AUTH needs a password: --password-env VAR or --password-command CMD "
                     "(no terminal to prompt on)")


def _is_utf8(value: str) -> bool:
    """False for a value holding bytes that were not UTF-8 (Python keeps them as lone
    surrogates, which encoding for the wire would refuse half-way through a session)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def read_password_source(source: str, user: str = "", where: str = "") -> str:
    """A password_source: "env:VAR", "command:CMD" or "prompt". ``where`` names the setting
    it came from in errors ("profile 'mx': password_source", "--password-env"); without it,
    the source itself is named, never a flag the user may not have given."""
    where = where or f'password source "{source}"'
    kind, _, value = source.partition(":")
    if kind == "env":
        return read_password(env=value, where=where)
    if kind == "command":
        return read_password(command=value, where=where)
    return read_password(prompt_user=user)

"""Engine exceptions: local misuse versus a misbehaving peer (the h11 split)."""

from __future__ import annotations


class SmtpTuiError(Exception):
    """Base of every error the engine raises on purpose."""


class LocalProtocolError(SmtpTuiError):
    """We were asked to do something invalid (a control character in a command, say)."""


class RemoteProtocolError(SmtpTuiError):
    """The server sent something that is not valid SMTP."""


class InputError(SmtpTuiError):
    """The user's input (address, file, port, option) is unusable; nothing was sent."""

"""Engine exceptions: local misuse versus a misbehaving peer (the h11 split)."""

from __future__ import annotations

from smtptui.smtp.safety import visible


class SmtpTuiError(Exception):
    """Base of every error the engine raises on purpose.

    Its message is printed as it is (``smtptui: error: ...``, a status line, the result's
    ``error``) and may quote outside text (a server name, a file name, a reply, an
    argument), so ``str()`` passes the one text-safety rule: one line, nothing raw.
    """

    def __str__(self) -> str:
        return visible(super().__str__())


class LocalProtocolError(SmtpTuiError):
    """We were asked to do something invalid (a control character in a command, say)."""


class RemoteProtocolError(SmtpTuiError):
    """The server sent something that is not valid SMTP."""


class InputError(SmtpTuiError):
    """The user's input (address, file, port, option) is unusable; nothing was sent."""

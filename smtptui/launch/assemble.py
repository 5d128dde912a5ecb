"""The message a run sends, from its options: a .eml file or standard input as given, or the
composed test message (multipart with --attach files); --header and --add-header on either."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, BinaryIO

from smtptui.launch.compose import compose_message, composed_parts
from smtptui.launch.message import MessageSource
from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import SessionPlan

if TYPE_CHECKING:
    from pathlib import Path


def eml_option(eml: str | None, data: str | None) -> str | None:
    """--eml FILE, --eml - (standard input), or swaks' --data in its two forms that name a
    message: ``--data -`` (standard input) and ``--data @FILE``. A --data holding the message
    text itself (swaks' %TOKEN% template) is refused: smtptui sends a message as given."""
    if data is None:
        return eml
    if eml is not None:
        raise InputError("--eml and --data both name the message: give one")
    if data == "-":
        return "-"
    if data.startswith("@") and len(data) > 1:
        return data[1:]
    raise InputError("--data: give the message as a file, --data @FILE (or --eml FILE), or "
                     "on standard input, --data - (swaks' inline DATA text and its %TOKENS% "
                     "are not supported)")


def message_for(plan: SessionPlan, *, eml: str | Path | None, subject: str | None,
                body: str | None, headers: Sequence[tuple[str, str]] = (),
                attach: Sequence[tuple[str, str]] = (), stdin: BinaryIO | None = None
                ) -> MessageSource:
    """The run's message: ``eml`` (a path, or "-" for standard input) sent as given, else the
    composed test message, multipart/mixed when ``attach`` (--attach, --attach-type and
    --attach-name, in command-line order) names files; ``headers`` (("--header" or
    "--add-header", "Name: value") in command-line order) edit either. Everything is checked
    here: InputError (exit 1) before any connection."""
    edits = []
    if headers:
        from smtptui.launch.headers import parse_header

        edits = [parse_header(flag, text) for flag, text in headers]
    if eml is not None and attach:
        raise InputError("--attach adds files to the composed test message; a message given "
                         "with --eml is sent as it is: attach the file in the message itself, "
                         "or leave out --eml")
    if eml == "-":
        if stdin is None and sys.stdin is None:
            raise InputError("--eml -: this process has no standard input")
        stream = stdin if stdin is not None else sys.stdin.buffer
        message = MessageSource.from_stdin(stream, tty=stdin is None and sys.stdin.isatty())
    elif eml is not None:
        message = MessageSource.from_file(eml)
    elif attach:
        from smtptui.launch.attach import attachments, multipart

        files = attachments(attach)
        parts = composed_parts(plan, subject, body)
        message = MessageSource(pieces=multipart(*parts, files))
    else:
        message = MessageSource(data=compose_message(plan, subject, body))
    return message.with_edits(edits) if edits else message

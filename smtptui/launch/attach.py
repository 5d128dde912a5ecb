"""--attach: the composed test message as multipart/mixed (RFC 2046), its text first, then each
file as a base64 part streamed from disk, its name in Content-Disposition (RFC 2183, 2231)."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

from smtptui.launch.compose import text_part_headers
from smtptui.launch.message import Base64File, Piece, check_file
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import record

#: RFC 2045 §5.1: type "/" subtype, each a token; parameters after ";" in printable ASCII.
_TOKEN = r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+"
_CONTENT_TYPE = re.compile(rf"{_TOKEN}/{_TOKEN}(?:\s*;[ -~]*)?")
#: What mimetypes reports as an "encoding" of a file (a.tar.gz: x-tar, gzip) is the type of
#: its octets: a compressed file is sent as the compressed file it is.
_COMPRESSED = {"gzip": "application/gzip", "bzip2": "application/x-bzip2",
               "xz": "application/x-xz", "compress": "application/x-compress",
               "br": "application/x-brotli"}
DEFAULT_TYPE = "application/octet-stream"
#: Types no part may carry in base64 (RFC 2045 §6.4, RFC 2046 §5.2.1): a .eml is sent as
#: application/octet-stream.
_NOT_BASE64 = ("message/", "multipart/")


@record(frozen=True)
class Attachment:
    """One --attach: the file, its MIME type and the file name the message gives it ("" for
    none)."""

    path: Path
    content_type: str
    name: str


def attachments(items: Sequence[tuple[str, str]]) -> list[Attachment]:
    """The --attach, --attach-type and --attach-name options, in command-line order, as
    swaks reads them: --attach-type applies to every --attach after it, --attach-name to the
    next --attach only ("" for no file name). Without --attach-type the type is guessed from
    the file's name. Each file is checked now (InputError: exit 1, nothing sent)."""
    out: list[Attachment] = []
    content_type = ""
    type_used = True
    name: str | None = None
    for option, value in items:
        if option == "--attach-type":
            content_type, type_used = _checked_type(value), False
        elif option == "--attach-name":
            if name is not None:
                raise InputError(f"--attach-name {value!r}: the --attach-name before it names "
                                 "no file: each --attach-name names the next --attach")
            name = _checked_name("--attach-name", value)
        else:
            path = _attached_file(value)
            if name is None:
                name = _checked_name(f"--attach {value!r}: the file name", path.name)
            out.append(Attachment(path, content_type or guess_type(path), name))
            name, type_used = None, True
    if name is not None:
        raise InputError(f"--attach-name {name!r} names the --attach after it, and none follows")
    if not type_used:
        raise InputError(f"--attach-type {content_type!r} applies to the --attach options after "
                         "it, and none follows")
    return out


def _attached_file(value: str) -> Path:
    """--attach's file: swaks' explicit form @FILE is accepted (one @ is taken off)."""
    if value == "-":
        raise InputError("--attach -: standard input cannot be attached; save it to a file")
    return check_file(value[1:] if value.startswith("@") else value, "--attach file")


def _checked_type(value: str) -> str:
    value = value.strip()
    if not _CONTENT_TYPE.fullmatch(value):
        raise InputError(f"--attach-type {value!r}: give a MIME type, type/subtype (RFC 2045 "
                         "§5.1), e.g. application/pdf or 'text/plain; charset=utf-8'")
    if value.lower().startswith(_NOT_BASE64):
        raise InputError(f"--attach-type {value!r}: a message/ or multipart/ part cannot be "
                         "sent in base64 (RFC 2046 §5.2.1, RFC 2045 §6.4), and attachments "
                         "are; use application/octet-stream")
    return value


def _checked_name(flag: str, name: str) -> str:
    for index, ch in enumerate(name, 1):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:
            raise InputError(f"{flag} is not UTF-8 (an undecodable byte at character {index}): "
                             "give the name with --attach-name")
        if code < 0x20 or 0x7F <= code < 0xA0 or code in (0x2028, 0x2029):
            raise InputError(f"{flag} holds a control character (U+{code:04X}) at character "
                             f"{index}")
    return name


def guess_type(path: Path) -> str:
    """The file's MIME type guessed from its name (Python's mimetypes and the system's
    tables); application/octet-stream when nothing is known."""
    import mimetypes

    guessed, encoding = mimetypes.guess_type(path.name)
    if encoding:
        return _COMPRESSED.get(encoding, DEFAULT_TYPE)
    if not guessed or guessed.startswith(_NOT_BASE64):  # a .eml: message/rfc822
        return DEFAULT_TYPE
    return guessed


def multipart(headers: Sequence[str], text: str, files: Sequence[Attachment]) -> list[Piece]:
    """The composed message with attachments: ``headers`` (Date to MIME-Version), the
    multipart/mixed Content-Type, the text as its first part, then one part per file."""
    boundary = f"=_smtptui_{os.urandom(12).hex()}"  # "=_" occurs in no base64 text
    while boundary in text:  # pragma: no cover - 96 random bits
        boundary = f"=_smtptui_{os.urandom(12).hex()}"
    head = "\r\n".join([
        *headers, f'Content-Type: multipart/mixed; boundary="{boundary}"', "X-Mailer: smtptui",
        "", "This is a multi-part message in MIME format.", "", f"--{boundary}",
        *text_part_headers(text), "", text,
    ])
    pieces: list[Piece] = [f"{head}\r\n--{boundary}\r\n".encode()]
    for index, attachment in enumerate(files, 1):
        end = "--" if index == len(files) else ""
        pieces += [part_header(attachment), Base64File(attachment.path),  # ends in CRLF,
                   f"--{boundary}{end}\r\n".encode("ascii")]  # the delimiter's (RFC 2046)
    return pieces


def part_header(attachment: Attachment) -> bytes:
    """A file's part header, written by the email package: Content-Type (with name=),
    base64, Content-Disposition: attachment (with filename=, RFC 2231 when not ASCII)."""
    from email import policy
    from email.message import EmailMessage

    part = EmailMessage(policy=policy.SMTP)
    part["Content-Type"] = attachment.content_type
    if attachment.name:
        part.set_param("name", attachment.name)
    part["Content-Transfer-Encoding"] = "base64"
    if attachment.name:
        part.add_header("Content-Disposition", "attachment", filename=attachment.name)
    else:
        part["Content-Disposition"] = "attachment"
    folded = "".join(header.fold(policy=policy.SMTP) for header in part.values())
    return folded.encode("ascii") + b"\r\n"

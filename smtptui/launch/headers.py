"""--header and --add-header: each field checked, encoded and folded, then written into a
message's header section as the message is read (the body streams through untouched)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from smtptui.launch.compose import encoded_header, folded_verbatim
from smtptui.smtp.errors import InputError
from smtptui.smtp.record import record

#: RFC 5322 §3.6.8: field-name = 1*ftext, ftext = %d33-57 / %d59-126 (printable ASCII but
#: the colon; so no space, no control character).
_FIELD_NAME = re.compile(r"[!-9;-~]+")
#: A line end as the DATA encoder counts one: CRLF, a bare CR or a bare LF.
_EOL = re.compile(rb"\r\n|\r|\n")
#: The header section is looked for in at most this many octets of a message (a message
#: without an empty line in its first 8 MiB has no header section an edit could go into).
MAX_HEADER_SECTION = 8 * 1024 * 1024
#: Fields that hold addresses: a non-ASCII display name is encoded (RFC 2047 §5 (3)), the
#: address kept (or, when it is not ASCII itself, written in UTF-8 as RFC 6532 allows).
ADDRESS_FIELDS = frozenset({
    "from", "sender", "reply-to", "to", "cc", "bcc", "resent-from", "resent-sender",
    "resent-to", "resent-cc", "resent-bcc", "disposition-notification-to",
})
#: Structured fields where no encoded-word may stand (RFC 2047 §5): non-ASCII is refused.
STRUCTURED_FIELDS = frozenset({
    "date", "resent-date", "message-id", "resent-message-id", "in-reply-to", "references",
    "return-path", "received", "mime-version", "content-type", "content-transfer-encoding",
    "content-id", "content-disposition", "dkim-signature",
})


@record(frozen=True)
class HeaderEdit:
    """One --header (``replace``: the field replaces the message's own) or --add-header."""

    replace: bool
    name: str  # as given
    field: str  # the whole field, folded with CRLF, without the last CRLF

    @property
    def key(self) -> str:
        """The name as compared: field names are case-insensitive (RFC 5322 §1.2.2)."""
        return self.name.lower()


def parse_header(flag: str, text: str) -> HeaderEdit:
    """``Name: value`` from --header or --add-header, checked; InputError says what is wrong.

    A line break anywhere is refused (it would start a header of its own: header injection),
    as is any other control character but TAB, a name that is not an RFC 5322 field name,
    and a value no line of 998 characters can hold. A non-ASCII value is encoded: RFC 2047
    encoded-words in unstructured fields (Subject, X-...), the display names in address
    fields; in other structured fields (Date, Message-ID, Content-Type...) it is refused."""
    for index, ch in enumerate(text, 1):
        code = ord(ch)
        if 0xD800 <= code <= 0xDFFF:  # how Python keeps the bytes of an argv that is not UTF-8
            raise InputError(f"{flag}: not UTF-8 text (an undecodable byte at character "
                             f"{index}); give the header in UTF-8")
        if ch in "\r\n\x85\u2028\u2029":
            raise InputError(f"{flag}: a line break ({_CONTROL_NAMES[code]}) at character "
                             f"{index}: it would start another header (header injection); "
                             f"give one header per {flag}")
        if code < 0x20 and ch != "\t" or 0x7F <= code < 0xA0:
            name = _CONTROL_NAMES.get(code, f"U+{code:04X}")
            raise InputError(f"{flag}: control character {name} at character {index}: a "
                             "header holds no control character but TAB")
    name, colon, value = text.partition(":")
    if not colon:
        raise InputError(f"{flag} {text!r}: give the header as 'Name: value'")
    if not name.isascii():
        raise InputError(f"{flag}: field name {name!r} is not ASCII: RFC 5322 §3.6.8 allows "
                         "printable ASCII characters but the colon")
    if not _FIELD_NAME.fullmatch(name):
        raise InputError(f"{flag}: {name!r} is not a field name: RFC 5322 §3.6.8 allows "
                         "printable ASCII characters but the colon, no space")
    value = value.strip(" \t")
    return HeaderEdit(flag == "--header", name, _field(flag, name, value))


def _field(flag: str, name: str, value: str) -> str:
    """The field as it goes into the message: ASCII as given, non-ASCII encoded; folded."""
    key = name.lower()
    if value.isascii():
        field = folded_verbatim(name, value)
        if field is None:
            raise InputError(f"{flag}: {name}: a word of the value is too long for one line: "
                             "a header line is at most 998 characters (RFC 5322 §2.1.1)")
        return field
    if key in ADDRESS_FIELDS:
        return _address_field(name, value)
    if key in STRUCTURED_FIELDS:
        raise InputError(f"{flag}: {name}: non-ASCII text cannot be written in this field "
                         "(RFC 2047 encodes only unstructured text and display names)")
    return encoded_header(name, value)


def _address_field(name: str, value: str) -> str:
    """An address field with non-ASCII text: the email package encodes its display names
    (RFC 2047), and writes it in UTF-8 (RFC 6532: SMTPUTF8) when an address is not ASCII."""
    from email import policy

    header = policy.SMTP.header_factory(name, value)
    addresses = getattr(header, "addresses", ())
    utf8 = any(not (a.username.isascii() and a.domain.isascii()) for a in addresses)
    chosen = policy.SMTPUTF8 if utf8 else policy.SMTP
    if utf8:
        header = chosen.header_factory(name, value)
    return str(header.fold(policy=chosen)).removesuffix("\r\n")


_CONTROL_NAMES = {0: "NUL", 9: "TAB", 10: "LF (line feed)", 13: "CR (carriage return)",
                  0x1B: "ESC", 0x7F: "DEL", 0x85: "U+0085 (next line)",
                  0x2028: "U+2028 (line separator)", 0x2029: "U+2029 (paragraph separator)"}


def edited(chunks: Iterable[bytes], edits: Sequence[HeaderEdit], label: str) -> Iterator[bytes]:
    """The message with its header section rewritten by ``edits``; the rest as read.

    The header section ends at the first empty line (RFC 5322 §2.1). Only it is held in
    memory (at most MAX_HEADER_SECTION octets); the body is passed on chunk by chunk."""
    stream = iter(chunks)
    buffer = bytearray()
    start = 0  # where the line being looked at begins
    ended = False
    while not ended:
        chunk = next(stream, None)
        ended = chunk is None
        buffer += chunk or b""
        while match := _EOL.search(buffer, start):
            if match.group() == b"\r" and match.end() == len(buffer) and not ended:
                break  # a CR at the end of what was read: perhaps half of a CRLF
            if match.start() == start:  # the empty line
                yield rewrite(bytes(buffer[:start]), edits) + b"\r\n"
                if match.end() < len(buffer):
                    yield bytes(buffer[match.end():])
                yield from stream
                return
            start = match.end()
        if len(buffer) > MAX_HEADER_SECTION:
            raise InputError(f"{label}: no empty line in its first "
                             f"{MAX_HEADER_SECTION // 1024 // 1024} MiB, so no header "
                             "section where --header or --add-header could go")
    if not buffer:
        raise InputError(f"{label}: the message file is empty")
    yield rewrite(bytes(buffer), edits)  # a message of header fields only


def rewrite(head: bytes, edits: Sequence[HeaderEdit]) -> bytes:
    """The header section (without its empty line) with the edits made, every line ending
    in CRLF: a --header field takes the place of the first field of its name and the others
    of that name go; the --header fields whose name was not there and the --add-header fields
    follow the message's own, in the order given."""
    lines = _EOL.split(head)
    if lines and not lines[-1]:
        lines.pop()  # the split after the last line end
    fields: list[list[bytes]] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and fields:
            fields[-1].append(line)  # a folded line continues its field
        else:
            fields.append([line])
    replacing: dict[str, list[HeaderEdit]] = {}
    for edit in edits:
        if edit.replace:
            replacing.setdefault(edit.key, []).append(edit)
    placed: set[str] = set()
    out: list[bytes] = []
    for field in fields:
        key = _key(field[0])
        if key in replacing:
            if key not in placed:
                out.extend(e.field.encode("utf-8") for e in replacing[key])
                placed.add(key)
            continue
        out.extend(field)
    out.extend(e.field.encode("utf-8") for e in edits
               if not e.replace or e.key not in placed)
    return b"".join(line + b"\r\n" for line in out)


def _key(line: bytes) -> str:
    """The lowered field name a header line begins with; "" for a line that is no field."""
    name, colon, _ = line.partition(b":")
    if not colon or not name.isascii():
        return ""
    text = name.decode("ascii")
    return text.lower() if _FIELD_NAME.fullmatch(text) else ""

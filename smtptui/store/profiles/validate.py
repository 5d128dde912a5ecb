"""Profile field checks with one-line messages, and ProfileError (path, line, field, message)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from smtptui.smtp.commands import xtext
from smtptui.smtp.errors import InputError
from smtptui.smtp.plan import MAX_CHUNK
from smtptui.smtp.vocabulary import MAX_TIMEOUT, PROTOCOLS, QUIT_AFTER, TLS_MODES
from smtptui.store.files import slugify

MODES = ("smarthost", "direct")
QUIT_AFTER_STAGES = QUIT_AFTER  # the engine's stage names, one list for flags and files

#: Keys that would hold a secret; a profile file holding one is refused (see password_source).
_SECRET_KEY = re.compile(r"(?:^|[_-])(password|passwd|secret|token)$", re.IGNORECASE)
#: Every C0 control but TAB, DEL, C1, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")
#: How Python carries the bytes of a file name that are not UTF-8.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
_ENV_VAR = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MECH = re.compile(r"[A-Za-z0-9_-]{1,40}")
#: The longest slug in bytes: `.<slug>.toml.XXXXXXXX.tmp` stays far below 255 bytes.


class ProfileError(InputError):
    """A profile that cannot be read, checked or written; ``str()`` is one line for the user.

    ``path`` is the file (None for a value given on the command line or in the editor),
    ``line`` the 1-based line in that file when known, ``field`` the profile field concerned.
    """

    def __init__(self, path: Path | str | None, line: int | None, field: str | None,
                 message: str) -> None:
        self.path = Path(path) if path is not None else None
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        parts = []
        if self.path is not None:
            parts.append(str(self.path))
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.field:
            parts.append(self.field)
        parts.append(self.message)
        return shown(": ".join(parts))  # a path or a value may quote anything

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path, self.line, self.field, self.message))


class ProfileNotFound(ProfileError):
    """No profile of that name in the folder."""


class FieldError(ValueError):
    """One field's value is unusable (the message says why, without the field's name)."""


def _string(value: Any) -> str:
    if not isinstance(value, str):
        raise FieldError("must be a string (in quotes)")
    return value


def _line(value: Any) -> str:
    """A one-line string: no line breaks and no control characters (TAB allowed)."""
    text = _string(value)
    if _CONTROL.search(text):
        raise FieldError("must be one line with no control characters")
    return text


def _subject(value: Any) -> str:
    """One header line: no control characters at all (a TAB would be folding white space)."""
    text = _line(value)
    if "\t" in text:
        raise FieldError("must not contain a TAB (it is one header line)")
    return text


def _token(value: Any) -> str:
    """A one-line string with no spaces either (host names, HELO names)."""
    text = _line(value).strip()
    if any(ch.isspace() for ch in text):
        raise FieldError("must not contain spaces")
    return text


def _text(value: Any) -> str:
    """Several lines (body, notes): line breaks and TABs, but no other control character."""
    text = _string(value)
    if "\x00" in text:
        raise FieldError("must not contain NUL characters")
    found = next((m.group() for m in _CONTROL.finditer(text) if m.group() != "\n"), None)
    if found is not None:
        raise FieldError(f"must not contain control characters other than line breaks "
                         f"and TABs (found U+{ord(found):04X})")
    return text


def _address(value: Any) -> str:
    text = _token(value)
    if "<" in text or ">" in text:
        raise FieldError(f"write the address without < > (got {text!r})")
    return text


def _name(value: Any) -> str:
    text = _line(value).strip()
    if _SURROGATE.search(text):  # only a file name can bring one (bytes that are not UTF-8)
        raise FieldError("must be valid UTF-8")
    if not text:
        raise FieldError("must not be empty")
    if len(text) > 100:
        raise FieldError("must be at most 100 characters")
    if not slugify(text):
        raise FieldError("must contain at least one letter or digit")
    hidden = next((ch for ch in text if _hidden_format(ch)), None)
    if hidden is not None:
        raise FieldError(f"must not contain invisible formatting characters such as "
                         f"U+{ord(hidden):04X} ({unicodedata.name(hidden, 'unnamed')})")
    return text


def _hidden_format(ch: str) -> bool:
    """A format character (bidi overrides, zero-width space, ...) but for the zero-width
    joiner and non-joiner, which some scripts and emoji need."""
    return unicodedata.category(ch) == "Cf" and ch not in "\u200c\u200d"


def _choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    shown = ", ".join(f'"{c}"' for c in choices)

    def check(value: Any) -> str:
        text = _line(value).strip().lower()
        if text not in choices:
            raise FieldError(f"must be one of {shown} (got {value!r})")
        return text

    return check


def _optional_choice(choices: tuple[str, ...]) -> Callable[[Any], str]:
    shown = ", ".join(f'"{c}"' for c in choices)

    def check(value: Any) -> str:
        text = _line(value).strip().lower()
        if text and text not in choices:
            raise FieldError(f'must be "" or one of {shown} (got {value!r})')
        return text

    return check


def _port_number(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise FieldError("must be an integer 1-65535")
    return value


def _host(value: Any) -> str:
    text = _token(value)
    head, sep, tail = text.rpartition(":")
    if sep and tail.isdigit() and ":" not in head and head:
        raise FieldError(f'give the port on its own line: host = "{head}" and port = {tail}')
    return text


def _recipients(value: Any) -> list[str]:
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(",")) if part]
    if not isinstance(value, list):
        raise FieldError('must be a list of addresses, like ["a@example.net"]')
    out = []
    for index, item in enumerate(value, 1):
        try:
            address = _address(item)
        except FieldError as exc:
            raise FieldError(f"address {index}: {exc}") from None
        if not address:
            raise FieldError(f"address {index}: must not be empty")
        out.append(address)
    return out


def _eml(value: Any) -> str | None:
    if value is None:
        return None
    text = _line(value).strip()
    return text or None


def _verify(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false (no quotes)")
    return value


def _auth_mech(value: Any) -> str:
    text = _line(value).strip()
    if text and not _MECH.fullmatch(text):
        raise FieldError(f"must be a SASL mechanism name such as PLAIN or LOGIN (got {text!r})")
    return text.upper()


def _password_source(value: Any) -> str:
    text = _line(value).strip()
    problem = 'must be "prompt", "env:VARIABLE" or "command:COMMAND", never the password itself'
    if text in ("", "prompt"):
        return text
    kind, sep, rest = text.partition(":")
    if sep and kind == "env":
        if not _ENV_VAR.fullmatch(rest):
            raise FieldError(f"env: needs a variable name such as env:SMTP_PASSWORD; {problem}")
        return text
    if sep and kind == "command":
        if not rest.strip():
            raise FieldError(f"command: needs a command after the colon; {problem}")
        return text
    raise FieldError(problem)


def _timeout(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError("must be a number of seconds (no quotes), or left out for RFC defaults")
    if not 0 < value <= MAX_TIMEOUT:
        raise FieldError(f"must be more than 0 and at most {int(MAX_TIMEOUT)} seconds")
    return float(value)


def _local_interface(value: Any) -> str:
    """An IP address of this host to connect from, with a port or not: "192.0.2.7",
    "192.0.2.7:2525", "2001:db8::7" or "[2001:db8::7]:2525" (no name: nothing is looked up)."""
    from smtptui.smtp.plan import parse_local_interface

    text = _token(value)
    if text:
        try:
            parse_local_interface(text)
        except InputError as exc:
            raise FieldError(str(exc).removeprefix(f"{text!r}: ")) from None
    return text


def _dns(value: Any) -> str:
    text = _token(value)
    if not text:
        return text
    host, port = text, ""
    if text.startswith("["):
        close = text.find("]")
        if close < 0:
            raise FieldError('a bracketed IPv6 address needs its "]", like "[::1]:53"')
        host, rest = text[1:close], text[close + 1:]
        if rest and not rest.startswith(":"):
            raise FieldError('must be "HOST" or "HOST:PORT", like "[::1]:53"')
        port = rest[1:]
        if rest and not port:
            raise FieldError("port: must be an integer 1-65535")
    elif text.count(":") == 1:
        host, port = text.split(":")
    if not host:
        raise FieldError('must be "HOST" or "HOST:PORT"')
    if port and (not port.isdigit() or not 1 <= int(port) <= 65535):
        raise FieldError(f"port {port!r}: must be an integer 1-65535")
    return text


def _flag(value: Any) -> bool:
    if not isinstance(value, bool):
        raise FieldError("must be true or false (no quotes)")
    return value


def _chunk_size(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_CHUNK:
        raise FieldError(f"must be a number of octets from 1 to {MAX_CHUNK} (no quotes)")
    return value


def _dsn_notify(value: Any) -> str:
    words = [word for word in _token(value).upper().split(",") if word]
    if words and not (words == ["NEVER"] or set(words) <= {"SUCCESS", "FAILURE", "DELAY"}):
        raise FieldError('must be "NEVER", or any of SUCCESS, FAILURE and DELAY separated by '
                         "commas (RFC 3461)")
    return ",".join(words)


def _dsn_envid(value: Any) -> str:
    text = _line(value).strip()
    if not text.isascii() or not text.isprintable() or len(xtext(text)) > 100:
        raise FieldError("must be printable ASCII, at most 100 characters as xtext (RFC 3461)")
    return text


def _xclient(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise FieldError('must be a list of XCLIENT commands\' attributes, like '
                         '["ADDR=192.0.2.1 NAME=client.example"]')
    out = []
    for index, item in enumerate(value, 1):
        text = _line(item).strip()
        if not text:
            raise FieldError(f"command {index}: must not be empty")
        out.append(text)
    return out


#: Each field's check: takes the raw value (from TOML or the command line), returns it normalised.
CHECKS: dict[str, Callable[[Any], Any]] = {
    "name": _name,
    "mode": _choice(MODES),
    "host": _host,
    "port": _port_number,
    "helo": _token,
    "sender": _address,
    "recipients": _recipients,
    "eml": _eml,
    "subject": _subject,
    "body": _text,
    "tls": _choice(TLS_MODES),
    "verify": _verify,
    "ca_file": lambda v: _line(v).strip(),
    "tls_cert": lambda v: _line(v).strip(),
    "tls_key": lambda v: _line(v).strip(),
    "auth_user": lambda v: _line(v).strip(),
    "auth_mech": _auth_mech,
    "password_source": _password_source,
    "timeout": _timeout,
    "dns": _dns,
    "local_interface": _local_interface,
    "quit_after": _optional_choice(QUIT_AFTER_STAGES),
    "protocol": _choice(PROTOCOLS),
    "pipeline": _flag,
    "chunking": _flag,
    "chunk_size": _chunk_size,
    "dsn_notify": _dsn_notify,
    "dsn_ret": lambda v: _optional_choice(("full", "hdrs"))(v).upper(),
    "dsn_envid": _dsn_envid,
    "dsn_orcpt": _flag,
    "requiretls": _flag,
    "xclient": _xclient,
    "notes": _text,
}


def check_field(field: str, value: Any) -> Any:
    """Check one field's value and return it normalised; ProfileError (no path) if unusable.

    For the profile editor's inline messages and for command-line overrides.
    """
    check = CHECKS.get(field)
    if check is None:
        raise ProfileError(None, None, field, "not a profile field")
    try:
        return check(value)
    except FieldError as exc:
        raise ProfileError(None, None, field, str(exc)) from None


def secret_keys(data: Mapping[str, Any], prefix: str = "") -> Iterator[str]:
    """Yield the dotted names of keys anywhere in ``data`` (tables, arrays, arrays of arrays)
    that would hold a secret. Walks without recursion, so any depth is safe."""
    stack: list[tuple[str, Any]] = [(prefix.removesuffix("."), data)]
    while stack:
        where, value = stack.pop()
        if isinstance(value, Mapping):
            for key, item in reversed(list(value.items())):
                dotted = f"{where}.{key}" if where else str(key)
                stack.append((dotted, item))
                if _SECRET_KEY.search(str(key)):
                    yield dotted
        elif isinstance(value, list):
            stack.extend((where, item) for item in reversed(value))


def nesting_depth(data: Any, limit: int) -> int:
    """How deeply ``data``'s tables and arrays nest (a flat table is 1), counted without
    recursion and only up to ``limit + 1``: a caller refuses anything past ``limit``."""
    deepest = 0
    stack: list[tuple[int, Any]] = [(1, data)]
    while stack:
        depth, value = stack.pop()
        if not isinstance(value, (Mapping, list)):
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        items = value.values() if isinstance(value, Mapping) else value
        stack.extend((depth + 1, item) for item in items)
    return deepest


def key_line(text: str, dotted: str) -> int | None:
    """The 1-based line where ``dotted`` (``key`` or ``table.key``) is set in TOML ``text``."""
    parts = dotted.split(".")
    key = re.escape(parts[-1])
    quoted = rf"(?:{key}|\"{key}\"|'{key}')"
    if len(parts) == 1:  # a top-level key: only look before the first table header
        pattern = re.compile(rf"^\s*{quoted}\s*=")
        for number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("["):
                return None
            if pattern.match(line):
                return number
        return None
    pattern = re.compile(rf"^\s*(?:[^=#]*\.\s*)?{quoted}\s*=|[{{,]\s*{quoted}\s*=")
    for number, line in enumerate(text.splitlines(), 1):
        if pattern.search(line):
            return number
    return key_line(text, parts[0])


def shown(text: str) -> str:
    """``text`` safe to print on a terminal (the one rule of smtptui.smtp.safety)."""
    from smtptui.smtp.safety import visible  # only to print: the first screen needs none

    return visible(text)

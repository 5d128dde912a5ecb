"""Names, checked without DNS: recipient domains (IDNA, address literals), host names, and the
resolver given as --dns HOST[:PORT]."""

from __future__ import annotations

import re

from smtptui.smtp.errors import InputError
from smtptui.smtp.iplit import ip_literal
from smtptui.smtp.safety import is_dangerous, kind_of, visible

_LABEL = re.compile(r"^(?!-)[a-z0-9_-]{1,63}(?<!-)$")
_HOST_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)  # RFC 1123 host names
#: A label of a server to connect to, after IDNA: RFC 1123's, and the underscore some
#: internal names carry (the resolver and TLS take it; connecting is what matters here).
_SERVER_LABEL = re.compile(r"[a-z0-9_-]{1,63}", re.IGNORECASE)


def ip_text(text: str) -> str | None:
    """The address as text if ``text`` is an IP address."""
    address = ip_literal(text)
    return str(address) if address is not None else None


#: The other full stops that separate labels in an internationalised name (RFC 3490 3.1:
#: ideographic, fullwidth and halfwidth), as Python's codec splits them.
_IDNA_DOTS = {0x3002: ".", 0xFF0E: ".", 0xFF61: "."}


def idna_ascii(name: str) -> str:
    """The name's ASCII form (IDNA 2003, as Python's codec, the resolver and TLS write it),
    label by label; an empty label stays empty for the caller's check. Raises ValueError
    saying which label cannot be written, in words that do not depend on the Python version
    (the codec's own message changed between 3.11 and 3.13)."""
    from encodings.idna import ToASCII

    labels = []
    for label in name.translate(_IDNA_DOTS).split("."):
        try:
            labels.append(ToASCII(label).decode("ascii") if label else "")
        except UnicodeError:
            raise ValueError(_idna_refusal(label)) from None
    return ".".join(labels)


def _idna_refusal(label: str) -> str:
    """Why IDNA refused the label: too long once encoded, an ACE prefix, or what it holds."""
    from encodings.idna import nameprep

    shown = visible(label)
    try:
        encoded = len(b"xn--" + nameprep(label).encode("punycode"))
    except UnicodeError:
        encoded = 0
    if encoded > 63:
        return f"the label '{shown}' is {encoded} octets long once encoded (at most 63)"
    if label[:4].lower() == "xn--":
        return f"the label '{shown}' starts with xn-- (an encoded label) but is not ASCII"
    return (f"IDNA (RFC 3490) refuses the label '{shown}': a character it does not allow, or "
            f"right-to-left letters mixed with others")


def normalize_domain(domain: str) -> str:
    """The domain in lower-case ASCII (IDNA) without the final dot; raises InputError."""
    text = domain.strip()
    if text.startswith("[") and text.endswith("]"):
        address = ip_text(text)
        if address is None:
            raise InputError(f"{domain!r} is not a valid address literal")
        return f"[IPv6:{address}]" if ":" in address else f"[{address}]"
    if ip_text(text) is not None:
        raise InputError(f"{domain!r} is an address: write an address literal as [{text}]")
    text = text[:-1] if text.endswith(".") else text
    if not text.isascii():
        try:
            text = idna_ascii(text)
        except ValueError as exc:
            raise InputError(f"{domain!r} is not a valid domain name ({exc})") from None
    text = text.lower()
    labels = text.split(".")
    if not text or len(text) > 253 or not all(_LABEL.match(label) for label in labels):
        raise InputError(f"{domain!r} is not a valid domain name")
    return text


def group_by_domain(recipients: list[str]) -> dict[str, list[str]]:
    """Recipients grouped by domain (case-insensitive), in first-seen order: one route each."""
    groups: dict[str, list[str]] = {}
    for recipient in recipients:
        address = recipient.strip()
        if address.startswith("<") and address.endswith(">"):
            address = address[1:-1]
        local, at, domain = address.rpartition("@")
        if not at or not local or not domain:
            raise InputError(f"{recipient!r} has no domain (write it as user@example.org)")
        groups.setdefault(normalize_domain(domain), []).append(recipient.strip())
    return groups


def split_resolver(server: str) -> tuple[str, int]:
    """``HOST[:PORT]``, ``[v6]:PORT`` or a bare IPv6 address -> (host, port), with no look-up.

    Raises InputError unless the host is an IP address or a valid host name (RFC 1123): an
    empty value never means "the system's resolver", and a malformed one is never looked up.
    """
    text, port_text = server.strip(), ""
    if not text:
        raise InputError("--dns '': give the resolver as HOST[:PORT] (an IP address or a host "
                         "name); leave --dns out to use the system's resolver")
    if text.startswith("["):
        host, closed, rest = text[1:].partition("]")
        if not closed or (rest and not rest.startswith(":")) or ip_text(host) is None:
            raise InputError(f"--dns {server!r}: write an IPv6 resolver as [ADDRESS]:PORT")
        port_text = rest[1:]
        if rest and not port_text:
            raise InputError(f"--dns {server!r}: the port must be a number from 1 to 65535")
    elif text.count(":") == 1:
        host, port_text = text.split(":")
        if not port_text:
            raise InputError(f"--dns {server!r}: the port must be a number from 1 to 65535")
    else:
        host = text
    if port_text and not (port_text.isdigit() and 0 < int(port_text) < 65536):
        raise InputError(f"--dns {server!r}: the port must be a number from 1 to 65535")
    if ip_text(host) is None and not is_host_name(host):
        raise InputError(f"--dns {server!r}: {host!r} is neither an IP address nor a valid "
                         "host name")
    return host, int(port_text) if port_text else 53


def is_host_name(text: str) -> bool:
    """A host name as RFC 1123 writes it (letters, digits, hyphens; a final dot allowed)."""
    name = text[:-1] if text.endswith(".") else text
    return (0 < len(name) <= 253 and name.isascii()
            and all(_HOST_LABEL.match(label) for label in name.split(".")))


def check_server_name(host: str) -> str:
    """The server to connect to (``--server``, a profile's ``host``), checked without DNS: an
    IP address, or a host name whose labels (after IDNA, as the resolver and TLS will encode
    it) are 1 to 63 letters, digits, hyphens or underscores, 253 octets in all. Returns the
    ASCII form; raises InputError with one line saying why (nothing is looked up or sent).
    """
    if ip_text(host) is not None:
        return host
    shown = f"the server name '{visible(host)}'"
    name = host[:-1] if host.endswith(".") else host
    if not name:
        raise InputError(f"{shown} is empty")
    hidden = next((char for char in name if is_dangerous(char)), None)
    if hidden is not None:  # IDNA would drop a zero-width space: not the name the user reads
        raise InputError(f"{shown} is not a valid host name: it contains {kind_of(hidden)}")
    if not name.isascii():
        try:
            name = idna_ascii(name)
        except ValueError as exc:
            raise InputError(f"{shown} is not a valid host name: {exc}") from None
    labels = name.split(".")
    if len(name) > 253:
        raise InputError(f"{shown} is {len(name)} octets long; a host name has at most 253")
    bad = next((label for label in labels if not _SERVER_LABEL.fullmatch(label)), None)
    if bad is not None:
        why = ("an empty label (two dots in a row, or a leading dot)" if not bad else
               f"a label of {len(bad)} octets (at most 63)" if len(bad) > 63 else
               f"the label '{visible(bad)}' (letters, digits and hyphens only)")
        raise InputError(f"{shown} is not a valid host name: {why}")
    return name

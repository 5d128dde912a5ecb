"""TLS: the client context (verified by default), certificate facts, failures in plain words."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from smtptui.smtp.errors import InputError
from smtptui.smtp.safety import visible

if TYPE_CHECKING:  # ssl and datetime load only when a session uses TLS
    import datetime as dt
    import ssl

    from smtptui.net.tls_facts import TlsFacts


def make_context(verify: bool = True, ca_file: str = "", *, cert: str = "", key: str = "",
                 protocol: str = "", cipher: str = "") -> ssl.SSLContext:
    """A client context: the system's CA store (plus `ca_file`), host names checked, SNI sent;
    a client certificate (`cert`, its key in `key` or in the same file), the TLS versions
    (swaks' --tls-protocol spec) and an OpenSSL cipher string when given. InputError (one
    line) for a file or value that cannot be used."""
    import ssl

    context = ssl.create_default_context()
    # Verified as OpenSSL verifies by default and as mail servers verify (Postfix, Exim): not
    # with the two flags Python 3.13 adds to its default context (RFC 5280 strictness, which
    # fails a certificate without an Authority Key Identifier; and an intermediate CA in the
    # trust store taken as a trust anchor), so that a certificate is judged alike on every
    # Python and as a sending MTA would judge it (docs/tls-auth.md).
    context.verify_flags &= ~(ssl.VERIFY_X509_STRICT | ssl.VERIFY_X509_PARTIAL_CHAIN)
    if ca_file:
        try:
            context.load_verify_locations(cafile=ca_file)
        except (OSError, ssl.SSLError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            if isinstance(exc, ssl.SSLError) and exc.reason == "NO_CERTIFICATE_OR_CRL_FOUND":
                why = "it holds no certificate (PEM)"
            raise InputError(f"CA file {ca_file!r} cannot be used: {why}") from None
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    if protocol:
        _versions(context, protocol, cipher)
    if cipher:
        try:
            context.set_ciphers(cipher)
        except ssl.SSLError:
            raise InputError(f"--tls-cipher {cipher!r}: OpenSSL selects no cipher from it (see "
                             "'openssl ciphers -v STRING')") from None
    if cert:
        _client_certificate(context, cert, key)
    return context


#: --tls-protocol's names (swaks') as ssl.TLSVersion's, and whether this OpenSSL has each.
_VERSIONS = {"sslv3": ("SSLv3", "HAS_SSLv3"), "tlsv1": ("TLSv1", "HAS_TLSv1"),
             "tlsv1_1": ("TLSv1_1", "HAS_TLSv1_1"), "tlsv1_2": ("TLSv1_2", "HAS_TLSv1_2"),
             "tlsv1_3": ("TLSv1_3", "HAS_TLSv1_3")}
#: The oldest version OpenSSL 3 allows at its default security level.
_MODERN = "tlsv1_2"


def _versions(context: ssl.SSLContext, spec: str, cipher: str) -> None:
    """The range of versions the spec leaves (SessionPlan checked its syntax); refused when
    this OpenSSL speaks none of them. A range of versions older than TLS 1.2 alone, which
    OpenSSL 3 refuses at its default security level, gets security level 0 unless a
    --tls-cipher says otherwise."""
    import ssl
    import warnings

    from smtptui.smtp.plan import TLS_VERSIONS, tls_versions

    low, high = tls_versions(spec)
    wanted = TLS_VERSIONS[TLS_VERSIONS.index(low):TLS_VERSIONS.index(high) + 1]
    usable = [name for name in wanted if name in _VERSIONS
              and getattr(ssl, _VERSIONS[name][1], False)]
    if not usable:
        raise InputError(f"--tls-protocol {spec!r}: this client's OpenSSL "
                         f"({ssl.OPENSSL_VERSION}) speaks none of {', '.join(wanted)}")
    with warnings.catch_warnings():  # TLS 1.0 and 1.1 are deprecated: asked for, here
        warnings.simplefilter("ignore", DeprecationWarning)
        context.minimum_version = getattr(ssl.TLSVersion, _VERSIONS[usable[0]][0])
        context.maximum_version = getattr(ssl.TLSVersion, _VERSIONS[usable[-1]][0])
    if not cipher and TLS_VERSIONS.index(usable[-1]) < TLS_VERSIONS.index(_MODERN):
        context.set_ciphers("DEFAULT:@SECLEVEL=0")


def legacy_note(spec: str, cipher: str) -> str:
    """The transcript's note when --tls-protocol allows only versions older than TLS 1.2."""
    if not spec or cipher:
        return ""
    from smtptui.smtp.plan import TLS_VERSIONS, tls_versions

    _, high = tls_versions(spec)
    if TLS_VERSIONS.index(high) >= TLS_VERSIONS.index(_MODERN):
        return ""
    return (f"--tls-protocol {spec}: versions older than TLS 1.2 only, so OpenSSL's security "
            "level is lowered to 0 for this session (weak keys and ciphers allowed; "
            "--tls-cipher to choose)")


def _client_certificate(context: ssl.SSLContext, cert: str, key: str) -> None:
    """Load the client certificate and its key (never asking for a passphrase)."""
    import ssl

    try:
        context.load_cert_chain(cert, key or None, password="")
    except OSError as exc:
        if isinstance(exc, ssl.SSLError):
            if exc.reason == "KEY_VALUES_MISMATCH":
                why = (f"the key in {key!r} does not belong to the certificate" if key else
                       "its key does not belong to its certificate")
            else:
                why = ("it is not a PEM certificate with its private key (unencrypted)" if
                       not key else f"the certificate, or the key in {key!r} (PEM, "
                       "unencrypted), cannot be read")
            raise InputError(f"--tls-cert {cert!r} cannot be used: {why}") from None
        files = f"--tls-cert {cert!r}" + (f" or --tls-key {key!r}" if key else "")
        raise InputError(f"{files} cannot be read: {exc.strerror or exc}") from None


def is_verification_error(exc: BaseException) -> bool:
    """True for a certificate that failed verification (not another hand-shake failure)."""
    ssl = sys.modules.get("ssl")
    return ssl is not None and isinstance(exc, ssl.SSLCertVerificationError)


def peer_names(ssl_object: ssl.SSLObject | ssl.SSLSocket) -> list[str]:
    """The verified peer certificate's names (SANs) as "DNS:name" / "IP Address:addr"."""
    cert: dict[str, Any] = dict(ssl_object.getpeercert() or {})
    return [f"{kind}:{value}" for kind, value in cert.get("subjectAltName", ())]


#: Where a failed verification leaves the user wanting the certificate's names and dates.
SEE_IT = " (to see the certificate: --no-verify --quit-after tls)"


def why_not_verified(exc: BaseException) -> str:
    """Turn a verification failure into plain words: expired, self-signed, unknown CA, mismatch."""
    import ssl

    if isinstance(exc, ssl.SSLCertVerificationError):
        return _verification_words(exc) + SEE_IT
    if isinstance(exc, ssl.SSLEOFError | ssl.SSLZeroReturnError) or (
            isinstance(exc, ssl.SSLError) and exc.reason == "UNEXPECTED_EOF_WHILE_READING"):
        return "the TLS hand-shake failed: the server closed the connection in the middle of it"
    if isinstance(exc, ssl.SSLError):
        reason = exc.reason or str(exc)
        if "ALERT" in reason and ("CERTIFICATE" in reason or "UNKNOWN_CA" in reason
                                  or "ACCESS_DENIED" in reason):
            return "the TLS hand-shake failed: " + alert_words(exc)
        if reason in ("WRONG_VERSION_NUMBER", "UNKNOWN_PROTOCOL", "RECORD_LAYER_FAILURE"):
            return f"the TLS hand-shake failed ({reason}): the server is not speaking TLS here"
        if "PROTOCOL_VERSION" in reason or "UNSUPPORTED_PROTOCOL" in reason:
            return (f"the TLS hand-shake failed ({reason}): client and server share no TLS "
                    "version (the server may only speak TLS 1.0/1.1, which this client's "
                    "OpenSSL refuses)")
        if "HANDSHAKE_FAILURE" in reason or "NO_SHARED_CIPHER" in reason:
            return (f"the TLS hand-shake failed ({reason}): client and server share no "
                    "cipher suite")
        return f"the TLS hand-shake failed: {reason}"
    return f"the TLS hand-shake failed: {exc}"


def alert_words(exc: BaseException) -> str:
    """A TLS alert or error that ended a connection, in words; the client certificate's
    alerts said as such (TLS 1.3 sends them after the hand-shake, at the first read)."""
    reason = str(getattr(exc, "reason", "") or exc)
    if "CERTIFICATE_REQUIRED" in reason or "PEER_DID_NOT_RETURN_A_CERTIFICATE" in reason:
        return (f"the server requires a client certificate (TLS alert {reason}): give one with "
                "--tls-cert and --tls-key")
    if any(word in reason for word in _CLIENT_CERTIFICATE_ALERTS):
        return f"the server refused the client certificate (TLS alert {reason})"
    return f"TLS alert from the server: {reason}"


#: The alerts a server sends about the client's certificate.
_CLIENT_CERTIFICATE_ALERTS = ("BAD_CERTIFICATE", "UNKNOWN_CA", "CERTIFICATE_UNKNOWN",
                              "UNSUPPORTED_CERTIFICATE", "CERTIFICATE_EXPIRED",
                              "CERTIFICATE_REVOKED", "ACCESS_DENIED")


def _verification_words(exc: ssl.SSLCertVerificationError) -> str:
    """The reason a certificate failed verification, in plain words."""
    message = (exc.verify_message or str(exc)).lower()
    if "expired" in message:
        return "the certificate has expired"
    if "not yet valid" in message:
        return "the certificate is not valid yet"
    if "self-signed" in message or "self signed" in message:
        return "the certificate is self-signed (no CA vouches for it)"
    if "local issuer" in message or "unknown ca" in message or "issuer" in message:
        return "the certificate was issued by an unknown CA (use --ca FILE for a private CA)"
    if "hostname" in message or "ip address mismatch" in message or "mismatch" in message:
        return f"name mismatch: {exc.verify_message}"
    return exc.verify_message or str(exc)


def is_tls_error(exc: BaseException) -> bool:
    """True for ssl.SSLError (which only exists once a TLS context was made, so ssl is loaded)."""
    ssl = sys.modules.get("ssl")
    return ssl is not None and isinstance(exc, ssl.SSLError)


def tls_would_block(exc: BaseException) -> bool:
    """True for TLS's want-read and want-write: no whole record has arrived yet."""
    ssl = sys.modules.get("ssl")
    return ssl is not None and isinstance(exc, (ssl.SSLWantReadError, ssl.SSLWantWriteError))


#: getpeercert()'s attribute names, as RFC 4514 writes them (and cryptography does).
_SHORT = {"commonName": "CN", "organizationName": "O", "organizationalUnitName": "OU",
          "countryName": "C", "stateOrProvinceName": "ST", "localityName": "L",
          "streetAddress": "STREET", "domainComponent": "DC", "userId": "UID"}


def _name(rdns: Any) -> str:
    return ", ".join(f"{_SHORT.get(k, k)}={v}" for rdn in rdns for k, v in rdn)


def names_match(sans: list[str], server_name: str) -> bool:
    """Does a SAN cover `server_name`? (RFC 6125: DNS names, a wildcard as the whole left
    label only; IP addresses compared as addresses.)"""
    wanted = server_name.strip("[]").rstrip(".").lower()
    for san in sans:
        kind, _, value = san.partition(":")
        value = value.rstrip(".").lower()
        if kind == "IP Address":
            import ipaddress

            try:
                if ipaddress.ip_address(value) == ipaddress.ip_address(wanted):
                    return True
            except ValueError:
                continue
        elif kind == "DNS" and (value == wanted or (
                value.startswith("*.") and "." in wanted
                and wanted.split(".", 1)[1] == value[2:])):
            return True
    return False


def describe(ssl_object: ssl.SSLObject | ssl.SSLSocket | None, verified: bool,
             now: dt.datetime | None = None, server_name: str = "") -> TlsFacts | None:
    """Protocol, cipher and the peer certificate's subject, SANs, issuer, dates, days left;
    unverified (--no-verify), also whether it names `server_name` and is valid today.

    The certificate's texts (subject, issuer, SANs) are the server's, whoever signed them:
    they are made visible here, like a reply, for the transcript, --json and the app."""
    if ssl_object is None:
        return None
    import datetime as dt
    import ssl

    from smtptui.net.tls_facts import TlsFacts

    cipher = ssl_object.cipher()
    found: dict[str, Any] = {}
    cert: dict[str, Any] | None = (dict(ssl_object.getpeercert() or {}) if verified
                                   else None)  # typeshed's union of value types, as a dict
    if cert:
        not_after = dt.datetime.fromtimestamp(ssl.cert_time_to_seconds(cert["notAfter"]), dt.UTC)
        found = {"subject": _name(cert.get("subject", ())),
                 "issuer": _name(cert.get("issuer", ())),
                 "sans": [f"{kind}:{value}" for kind, value in cert.get("subjectAltName", ())],
                 "not_before": dt.datetime.fromtimestamp(
                     ssl.cert_time_to_seconds(cert["notBefore"]), dt.UTC),
                 "not_after": not_after,
                 "days_left": (not_after - (now or dt.datetime.now(dt.UTC))).days}
    else:
        der = ssl_object.getpeercert(binary_form=True)
        found = _describe_der(der) if der else {}
        if "sans" in found and server_name:
            found["names_server"] = names_match(found["sans"], server_name)
            found["server_name"] = server_name
    return TlsFacts(version=visible(ssl_object.version() or ""),
                    cipher=visible(cipher[0] if cipher else ""), verified=verified,
                    subject=visible(found.get("subject", "")),
                    issuer=visible(found.get("issuer", "")),
                    sans=tuple(visible(san) for san in found.get("sans", ())),
                    not_before=found.get("not_before"), not_after=found.get("not_after"),
                    days_left=found.get("days_left"), names_server=found.get("names_server"),
                    server_name=visible(found.get("server_name", "")))


def _describe_der(der: bytes) -> dict[str, Any]:
    """Certificate facts without verification (--no-verify), when `cryptography` is present
    (the texts raw: the names are matched on them)."""
    import datetime as dt

    try:
        from cryptography import x509
    except ImportError:  # pragma: no cover - cryptography ships with most systems
        return {"subject": "(unverified; install 'cryptography' to see details)"}
    cert = x509.load_der_x509_certificate(der)
    try:
        sans_ext = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
        sans = [f"DNS:{n}" for n in sans_ext.get_values_for_type(x509.DNSName)]
        sans += [f"IP Address:{ip}" for ip in sans_ext.get_values_for_type(x509.IPAddress)]
    except x509.ExtensionNotFound:
        sans = []
    not_after = cert.not_valid_after_utc

    def name(value: Any) -> str:
        return ", ".join(f"{a.rfc4514_attribute_name}={a.value}" for a in value)

    return {
        "subject": name(cert.subject),
        "issuer": name(cert.issuer),
        "sans": sans,
        "not_before": cert.not_valid_before_utc,
        "not_after": not_after,
        "days_left": (not_after - dt.datetime.now(dt.UTC)).days,
    }

"""Diagnosis texts for session failures (data only): id -> (cause, why, what to do next)."""

from __future__ import annotations

from smtptui.knowledge.diagnosis_connection_texts import CONNECTION_TEXTS

#: Placeholders filled in by diagnose(): {stage} (the step in plain words, "RCPT TO"),
#: {service} (what answered instead of SMTP), {detail} (the driver's own words) and {forward}
#: (the address a 551 reply says to try, taken only when it is a plain address). Other server
#: text is never put into these templates.
SESSION_TEXTS: dict[str, tuple[str, str, str]] = {
    **CONNECTION_TEXTS,
    # TLS
    "tls-expired": (
        "Certificate expired",
        "The server's TLS certificate has expired, so its identity cannot be trusted.",
        "Tell the server's administrator to renew the certificate; for a test only, turn "
        "certificate verification off explicitly.",
    ),
    "tls-not-yet-valid": (
        "Certificate not valid yet",
        "The server's certificate starts in the future, which means a wrong clock on the server "
        "or on this machine.",
        "Check this machine's clock, then tell the server's administrator.",
    ),
    "tls-self-signed": (
        "Self-signed certificate",
        "The server's certificate is signed by itself, not by a certificate authority this "
        "machine trusts.",
        "Ask the administrator for a certificate from a public CA; if you trust this one, give "
        "it (or its CA) as a CA file instead of turning verification off.",
    ),
    "tls-unknown-ca": (
        "Unknown certificate authority",
        "The certificate was issued by a CA this machine does not trust, or the server does "
        "not send the intermediate certificates of its chain.",
        "Ask the administrator to serve the full certificate chain; for a private CA, give its "
        "root certificate as a CA file (an intermediate alone is not trusted).",
    ),
    "tls-name-mismatch": (
        "Certificate name mismatch",
        "The certificate does not carry the host name you connected to, so it may belong to "
        "another server.",
        "Connect using a name the certificate lists (for direct delivery, the MX host name, not "
        "the recipient's domain), or ask the administrator to add this name.",
    ),
    "tls-handshake": (
        "TLS hand-shake failed",
        "The TLS hand-shake did not complete ({detail}): no common TLS version or cipher, or "
        "one side is not speaking TLS at that moment.",
        "Make the TLS mode fit the port (STARTTLS on 25 and 587, TLS from the start on 465) "
        "and check the server's TLS versions with openssl s_client.",
    ),
    "tls-failed": (
        "TLS failed",
        "The TLS connection could not be set up ({detail}).",
        "Check the server's certificate and TLS settings with openssl s_client; ask the "
        "server's administrator with the details shown.",
    ),
    "starttls-not-offered": (
        "STARTTLS not offered",
        "TLS is required, but the server's EHLO reply does not list STARTTLS; the server lacks "
        "it, or a firewall in the path strips it.",
        "Ask the server's administrator to enable STARTTLS; only lower the TLS requirement if "
        "you accept sending in the clear.",
    ),
    "starttls-refused": (
        "STARTTLS refused",
        "The server answered STARTTLS with an error, so no encrypted session was set up: its "
        "TLS set-up is broken (often a missing or unreadable certificate), TLS is switched "
        "off although offered, or something in the path rewrites the command.",
        "Try again later; if it persists, tell the server's administrator (a missing or "
        "unreadable certificate is the usual cause), quoting the reply.",
    ),
    "plaintext-auth-tls-off": (
        "Credentials kept back: TLS is off",
        "smtptui did not send AUTH: this session runs without TLS, and smtptui never sends a "
        "password over an unencrypted connection unless told to.",
        "Turn TLS on (STARTTLS, or TLS from the start on port 465); allow AUTH without TLS "
        "only if sending the password in the clear is acceptable.",
    ),
    "plaintext-auth-no-starttls": (
        "Credentials kept back: no STARTTLS",
        "The server's EHLO reply does not offer STARTTLS, so the session stayed unencrypted, "
        "and smtptui did not send AUTH: it never sends a password in the clear unless told to.",
        "Ask the server's administrator to enable STARTTLS, or connect to a port with TLS "
        "(587 with STARTTLS, 465 with TLS from the start); allow AUTH without TLS only if "
        "sending the password in the clear is acceptable.",
    ),
    "plaintext-auth-starttls-refused": (
        "Credentials kept back: STARTTLS refused",
        "The server answered STARTTLS with an error, so the session stayed unencrypted, and "
        "smtptui did not send AUTH: it never sends a password in the clear unless told to.",
        "Try again later; if STARTTLS keeps being refused, the server's TLS set-up is broken "
        "(often a missing or unreadable certificate): tell its administrator. Requiring TLS "
        "stops at the refusal instead of going on in plaintext.",
    ),
    "plaintext-auth-refused": (
        "Credentials kept back: no TLS",
        "The connection is not encrypted, so smtptui did not send AUTH: it never sends a "
        "password in the clear unless told to.",
        "Use TLS (STARTTLS, or TLS from the start on port 465); allow AUTH without TLS only "
        "if sending the password in the clear is acceptable.",
    ),
    "tls-required": (
        "TLS required first",
        "The server only allows this command over an encrypted connection.",
        "Use STARTTLS (or TLS from the start on port 465) before authenticating or sending.",
    ),
    "binary-unsupported": (
        "Binary message not possible here",
        "The message holds NUL bytes, which no SMTP DATA can carry; only BDAT with "
        "BINARYMIME (RFC 3030) can, and this server (or this session) does not offer it.",
        "Send the message with --chunking to a server that offers CHUNKING and BINARYMIME, or "
        "encode the binary part (base64 in a MIME part, as --attach does).",
    ),
    "dsn-unsupported": (
        "DSN not offered",
        "Delivery status notifications were asked for (NOTIFY, RET, ENVID or ORCPT, RFC "
        "3461), but the server does not offer DSN, so it would not take those parameters.",
        "Send without the DSN options, or through a server that offers DSN; --force sends "
        "them anyway to see what the server does.",
    ),
    "xclient-unavailable": (
        "XCLIENT not possible",
        "XCLIENT (Postfix) was asked for, but the server does not offer it, or does not "
        "advertise an attribute asked for ({detail}).",
        "Allow this client in the server's smtpd_authorized_xclient_hosts, drop the "
        "attributes it does not list, or use --xclient-no-verify (--force) to send them "
        "anyway.",
    ),
    "requiretls": (
        "REQUIRETLS cannot be honoured",
        "The message demands TLS on every hop (REQUIRETLS, RFC 8689), but a server on the way "
        "cannot promise it.",
        "Send without REQUIRETLS if that is acceptable, or through a path that supports it.",
    ),
    # Protocol
    "protocol-error": (
        "Protocol error",
        "The server sent something that is not a valid SMTP reply ({detail}).",
        "Check that the host and port run an SMTP server; if a proxy or load balancer sits in "
        "front of it, ask its administrator.",
    ),
    "ehlo-unsupported": (
        "EHLO not supported",
        "The server does not understand EHLO, so it is a very old SMTP server or something in "
        "the path (an SMTP-inspecting firewall such as Cisco's 'fixup smtp') filters the "
        "command.",
        "Use HELO instead of EHLO; no extensions (STARTTLS, AUTH, SIZE) will be available.",
    ),
    "bad-sequence": (
        "Bad sequence of commands",
        "The server did not expect the command sent at {stage}; a required step (EHLO, AUTH, "
        "MAIL) was missing or refused earlier.",
        "Look at the replies before this one: the real problem is usually the step that failed "
        "first.",
    ),
    "parameter-unsupported": (
        "Parameter not supported",
        "The server does not support a parameter given at {stage} (such as SIZE, BODY=8BITMIME "
        "or SMTPUTF8).",
        "Send without that parameter, or only use parameters the EHLO reply lists.",
    ),
    "command-unrecognised": (
        "Command not supported",
        "The server does not recognise or implement the command sent at {stage}.",
        "Check the EHLO reply for what the server supports, and leave the command out.",
    ),
    "policy-rejected": (
        "Refused by policy",
        "The server's local policy refuses this (not authorized), without saying more in a "
        "standard way: the reply does not tell whether your IP address's reputation, the "
        "sender's authentication (SPF, DKIM, DMARC), the content or a rule about this "
        "sender or recipient is the cause.",
        "Read the server's text for the reason; if it is unclear, send the exact reply to the "
        "receiving site's postmaster.",
    ),
    "lmtp-server": (
        "The server speaks LMTP",
        "The server says it is an LMTP server (RFC 2033): it wants LHLO, not EHLO or HELO, "
        "and gives one reply per recipient after the message.",
        "Talk LMTP to it (--protocol lmtp, usually on port 24 or a socket), or send to the "
        "SMTP port of the mail system in front of it.",
    ),
    "not-lmtp": (
        "The server does not speak LMTP",
        "The server refused LHLO, so it is an SMTP server, not an LMTP one (RFC 2033).",
        "Talk SMTP to it (leave --protocol lmtp out), or connect to the LMTP service's port.",
    ),
    # Fall-backs
    "temporary-failure": (
        "Temporary failure",
        "The server gave a temporary error at {stage}, in words smtptui does not read as a "
        "known cause: the reply tells only that it may work later (a fault or a limit on the "
        "server's side, or a deferral of this sender).",
        "Try again later; if it persists, send the exact reply to the server's postmaster.",
    ),
    "permanent-failure": (
        "Permanent failure",
        "The server gave a permanent error at {stage}, in words smtptui does not read as a "
        "known cause: the reply tells only that sending the same again will not work.",
        "Sending the same again will not help: fix what the server's text names, or send the "
        "exact reply to the receiving site's postmaster.",
    ),
    "unexpected-reply": (
        "Unexpected reply",
        "The server's reply at {stage} was not the one this step needs.",
        "Compare the reply with what the step expects; send the transcript to the server's "
        "administrator if it looks wrong.",
    ),
}

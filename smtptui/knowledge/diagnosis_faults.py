"""Whose side a diagnosis puts the fault on, and how sure it is, in words (data only)."""

from __future__ import annotations

#: The sides a fault can be on, and how a diagnosis says each one.
FAULTS: dict[str, str] = {
    "sender-ip": "your sending IP address (its reputation, listings, reverse DNS or volume)",
    "sender-domain": "the sender's domain (its DNS: SPF, DKIM, DMARC, MX)",
    "sender-address": "the sender address",
    "sender-account": "the sending account (its login, rights or limits)",
    "content": "the message's content",
    "format": "the message's format, size or line lengths",
    "recipient": "the recipient's address, mailbox or domain",
    "receiver": "the receiving server's own set-up",
    "client": "this client's own behaviour (what it sent, how, and where)",
    "network": "the network between this machine and the server",
    "unknown": "not told by the reply",
}

#: How sure a diagnosis is, and how it says so.
CONFIDENCES: dict[str, str] = {
    "decided": "decided by the reply's codes and words",
    "likely": "the likely reading; the reply does not say it outright",
    "unknown": "the reply does not tell; the likely causes are named",
}

#: The side each diagnosis puts the fault on, unless the reply or the session says otherwise.
FAULT_OF: dict[str, str] = {
    # DNS and connecting
    "no-such-domain": "recipient", "no-mx": "recipient", "null-mx": "recipient",
    "dns-unreachable": "network", "dns-temporary": "unknown",
    "connection-refused": "unknown", "connect-timeout": "network", "connect-failed": "network",
    "not-smtp": "client", "host-not-found": "client",
    # the greeting and the connection
    "banner-timeout": "unknown", "tarpit": "sender-ip", "service-unavailable": "receiver",
    "greeting-deferred": "unknown", "service-busy": "receiver", "connection-rejected": "unknown",
    "blocklisted": "sender-ip", "rate-limited": "sender-ip", "volume-blocked": "sender-ip",
    "reputation-blocked": "sender-ip", "reputation-deferred": "sender-ip",
    "blocklist-lookup-broken": "receiver", "too-many-connections": "client",
    "too-many-errors": "client", "closed-at-banner": "unknown", "connection-closed": "unknown",
    "closed-during-data": "unknown", "data-stalled": "receiver", "closed-after-data": "unknown",
    "reply-timeout": "receiver", "server-timed-out": "client", "server-error": "receiver",
    "no-mail-host": "receiver", "mail-loop": "receiver", "dot-timeout": "receiver",
    "quit-failed": "receiver",
    # TLS
    "tls-expired": "receiver", "tls-not-yet-valid": "receiver", "tls-self-signed": "receiver",
    "tls-unknown-ca": "receiver", "tls-name-mismatch": "receiver", "tls-handshake": "unknown",
    "tls-failed": "unknown", "closed-during-tls": "receiver", "starttls-not-offered": "receiver",
    "starttls-refused": "receiver", "tls-required": "client", "requiretls": "receiver",
    # authentication
    "auth-required": "sender-account", "auth-failed": "sender-account",
    "auth-too-weak": "sender-account", "password-transition": "sender-account",
    "account-disabled": "sender-account", "auth-temporary": "receiver",
    "auth-mech-unsupported": "client", "auth-not-offered": "client",
    "auth-not-offered-tls-off": "client", "auth-not-offered-no-starttls": "client",
    "auth-not-offered-starttls-refused": "receiver", "auth-not-offered-over-tls": "client",
    "no-common-auth-mechanism": "client", "auth-endless": "receiver",
    "plaintext-auth-tls-off": "client", "plaintext-auth-no-starttls": "receiver",
    "plaintext-auth-starttls-refused": "receiver", "plaintext-auth-refused": "client",
    "basic-auth-disabled": "sender-account", "login-rate-limited": "sender-account",
    # the sender
    "relay-denied": "sender-account", "spf-failed": "sender-domain",
    "spf-temporary": "sender-domain", "dkim-failed": "sender-domain",
    "dmarc-failed": "sender-domain", "sender-authentication-failed": "sender-domain",
    "reverse-dns-failed": "sender-ip", "sender-null-mx": "sender-domain",
    "arc-failed": "unknown", "sender-rejected": "sender-address",
    "sender-blocked": "sender-address", "sender-identity-unverified": "sender-address",
    "sending-quota-exceeded": "sender-account", "helo-rejected": "sender-ip",
    "sender-verify-failed": "sender-address",
    # recipients
    "unknown-recipient": "recipient", "recipient-deferred": "recipient",
    "bad-recipient-domain": "recipient", "recipient-null-mx": "recipient",
    "mailbox-moved": "recipient", "recipient-redirected": "recipient",
    "user-not-local": "recipient", "bad-address-syntax": "client", "mailbox-full": "recipient",
    "mailbox-disabled": "recipient", "mailbox-deferred": "recipient",
    "recipient-rate-limited": "recipient", "too-many-recipients": "client",
    "greylisted": "receiver", "policy-deferred": "unknown", "no-recipient-accepted": "unknown",
    "some-recipients-refused": "unknown",
    # the message
    "message-too-large": "format", "line-too-long": "format", "server-storage-full": "receiver",
    "8bit-unsupported": "format", "binary-unsupported": "format", "smtputf8-unsupported": "format",
    "content-rejected": "content", "content-deferred": "content",
    # protocol
    "protocol-error": "receiver", "ehlo-unsupported": "receiver", "bad-sequence": "client",
    "parameter-unsupported": "client", "command-unrecognised": "receiver",
    "policy-rejected": "unknown", "lmtp-server": "client", "not-lmtp": "client",
    "dsn-unsupported": "client", "xclient-unavailable": "client",
    # fall-backs
    "temporary-failure": "unknown", "permanent-failure": "unknown", "unexpected-reply": "unknown",
}

#: How sure a diagnosis made without a server's reply is (what smtptui itself saw).
SESSION_CONFIDENCE: dict[str, str] = {
    "dns-temporary": "likely", "connect-timeout": "likely", "banner-timeout": "likely",
    "tarpit": "likely", "closed-at-banner": "unknown", "connection-closed": "unknown",
    "closed-during-data": "unknown", "data-stalled": "likely", "closed-after-data": "unknown",
    "reply-timeout": "likely", "dot-timeout": "likely", "closed-during-tls": "likely",
    "tls-handshake": "likely", "tls-failed": "unknown", "no-recipient-accepted": "unknown",
    "some-recipients-refused": "unknown", "auth-not-offered": "likely",
    "starttls-not-offered": "likely",
}

#: Texts for what the session's history changes: (cause, explanation, next step) by a name
#: diagnose() picks; placeholders as in SESSION_TEXTS.
VARIANTS: dict[str, tuple[str, str, str]] = {
    "tls-alert-after-220": (
        "TLS hand-shake refused by the server",
        "The server agreed to STARTTLS (220), so the TLS mode fits the port, and then ended "
        "the hand-shake itself with a TLS alert ({detail}): its TLS set-up is broken or it "
        "shares no TLS version or cipher with current clients.",
        "Tell the server's administrator, quoting the alert; openssl s_client -starttls smtp "
        "shows the same from any machine. Nothing in this client's TLS mode needs changing.",
    ),
    "tls-not-tls-after-220": (
        "No TLS after the server's go-ahead",
        "The server agreed to STARTTLS (220), but what came back to the TLS hand-shake was not "
        "TLS ({detail}): the server (or something in the path, such as an SMTP-inspecting "
        "firewall) goes on in plain text after promising TLS.",
        "Tell the server's administrator; look for an SMTP-inspecting firewall or proxy on "
        "the way. The TLS mode fits the port (the server said 220 to STARTTLS).",
    ),
    "closed-after-220": (
        "Closed during TLS",
        "The server agreed to STARTTLS (220) and then closed the connection instead of "
        "completing the hand-shake, without a TLS alert: its TLS set-up is broken, most often "
        "no certificate or key is loaded.",
        "Tell the server's administrator (check the TLS certificate and key settings and the "
        "server's log); nothing in this client's TLS mode needs changing.",
    ),
    "ehlo-refused-helo-hung-up": (
        "EHLO not understood, then a hang-up",
        "The server did not understand EHLO and closed the connection when smtptui fell back "
        "to HELO: something in the path (an SMTP-inspecting firewall such as Cisco's 'fixup "
        "smtp' or 'inspect esmtp') rewrites or blocks the greeting, or the server is broken.",
        "Look for an SMTP-inspecting firewall or proxy between this machine and the server "
        "(try from another network); otherwise send the transcript to the server's "
        "administrator.",
    ),
    "relay-denied-own-mx": (
        "Relaying denied by the domain's own mail server",
        "The recipient domain's MX record points at this server, but it refuses to take mail "
        "for that domain (it relays only for its own domains): the domain is not, or no "
        "longer, set up on it. Logging in would not help; the recipient's mail set-up is "
        "broken.",
        "Tell the recipient by other means that their domain's MX records (or their mail "
        "hosting) are wrong; nothing in this message needs changing.",
    ),
    "unknown-recipient-likely": (
        "Unknown recipient",
        "The server refused this recipient in words that most often mean the mailbox does "
        "not exist here (an unknown user, or an address or domain this server does not "
        "take), without saying so outright.",
        "Check the spelling of the address before the @; ask the recipient for the right one "
        "(or whether the address still receives mail).",
    ),
    "placeholder-address": (
        "Placeholder address refused",
        "The server refuses a placeholder recipient (such as recipient@example.com) that a "
        "program's or web form's settings left in place: not a real person's address.",
        "Put the real recipient address in the sending program's settings.",
    ),
    "no-recipient-said": (
        "No recipient accepted",
        "The server answered DATA saying it has no valid recipient for the message: the RCPT "
        "replies before it say why each was refused (or, if they were accepted, the server "
        "dropped them).",
        "Read each RCPT reply for its reason.",
    ),
    "policy-your-host": (
        "Refused by policy",
        "The server's local policy refuses your sending host (its IP address or its name), "
        "without saying why in a standard way: a local block of your address or network, "
        "its reputation, or its reverse DNS.",
        "Check your sending IP against public block lists and its reverse DNS; otherwise ask "
        "the receiving site's postmaster, quoting the full reply.",
    ),
    "protocol-error-reply": (
        "Protocol error",
        "The server says the SMTP conversation went out of step: commands came before its "
        "greeting or before their replies (pipelining where it was not offered), which a "
        "client, or a proxy or firewall in the path, did.",
        "If a proxy, firewall or scanner sits between this machine and the server, check it; "
        "otherwise send the exact reply to the server's administrator.",
    ),
    "protocol-error-format": (
        "Message format refused",
        "The server refused the message's format: its line ends (a bare CR or LF instead of "
        "CRLF) or another rule of RFC 5322 and RFC 5321, not its content or size.",
        "Make the sending program write CRLF line ends and a well-formed message (Date, "
        "Message-ID, MIME headers); smtptui itself sends CRLF.",
    ),
}

#: What a note about the session's history says, by name; {count} and {stage} filled in.
NOTES: dict[str, str] = {
    "helo-hung-up": "After EHLO was refused, smtptui fell back to HELO and the server closed "
                    "the connection: the refusal above is the cause, not the network.",
    "errors-before": "{count} command(s) had been refused earlier in this session.",
    "ehlo-again": "The refused command was the EHLO that must follow STARTTLS (RFC 3207 §4.2) "
                  "or XCLIENT: the server refuses what the protocol requires.",
    "spamhaus-unsure": "A Spamhaus refusal that links no listing can also be the receiver's own "
                       "look-up failing (Spamhaus answers queries from public resolvers with an "
                       "error code that old filters take for a listing): look the IP up on "
                       "spamhaus.org before asking for removal.",
    "lmtp": "This is an LMTP session: each recipient gets its own reply after the message "
            "(RFC 2033 §4.2).",
    "long-lines": "This message has {count} line(s) over 998 octets.",
    "size-limit": "The reply gives the limit as {limit} octets ({megabytes}); this message is "
                  "{size} octets.",
}

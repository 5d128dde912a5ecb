"""Diagnosis texts for session failures (data only): id -> (cause, why, what to do next)."""

from __future__ import annotations

#: Placeholders filled in by diagnose(): {stage} (the step in plain words, "RCPT TO"),
#: {service} (what answered instead of SMTP), {detail} (the driver's own words) and {forward}
#: (the address a 551 reply says to try, taken only when it is a plain address). Other server
#: text is never put into these templates.
SESSION_TEXTS: dict[str, tuple[str, str, str]] = {
    # DNS
    "no-such-domain": (
        "Domain does not exist",
        "DNS says the domain does not exist at all (NXDOMAIN), so there is nowhere to deliver.",
        "Check the spelling of the domain after the @; if it is right, the domain's owner must "
        "fix its registration or DNS delegation.",
    ),
    "no-mx": (
        "No mail server for the domain",
        "The domain has no MX record and no address record to fall back on (RFC 5321 §5.1), "
        "so no host takes mail for it.",
        "Check the domain; its administrator must publish an MX record pointing at a mail server.",
    ),
    "null-mx": (
        "Domain accepts no mail (null MX)",
        "The domain publishes a null MX ('MX 0 .'), its explicit statement that it never "
        "receives mail (RFC 7505).",
        "This address cannot receive mail; ask the recipient for another address.",
    ),
    "dns-unreachable": (
        "DNS resolver unreachable",
        "No DNS server answered at all, so no name could be looked up; the problem is on this "
        "machine's side, not the recipient's.",
        "Check this machine's network and resolver settings, or point the lookup at a resolver "
        "that is reachable from here.",
    ),
    "dns-temporary": (
        "Temporary DNS failure",
        "The domain's name servers failed to answer properly (SERVFAIL or a time-out), often "
        "because of broken DNSSEC or a name server that is down.",
        "Try again later; if it persists, check the domain with a DNS tool such as dig and tell "
        "the domain's DNS administrator.",
    ),
    # Connecting
    "connection-refused": (
        "Connection refused",
        "The host answered but nothing listens on that port, or a firewall actively rejects "
        "the connection.",
        "Check the host name and port (25 between servers, 587 for submission with STARTTLS, "
        "465 for TLS from the start) and whether the mail service is running.",
    ),
    "host-not-found": (
        "The host name does not resolve",
        "The server's name has no address in DNS ({detail}): it is misspelt, it does not "
        "exist (any more), or this machine's resolver cannot reach DNS. No connection was "
        "tried, so no route or firewall is involved yet.",
        "Check the spelling of the server's name, then look it up (dig NAME A, dig NAME AAAA); "
        "give an IP address to test the server itself.",
    ),
    "connect-failed": (
        "Cannot connect",
        "The connection could not be made ({detail}): there is no route to that address from "
        "here, the network is down, or the address is not usable from this machine.",
        "Check the address and this machine's network (ping, traceroute, an IPv6 route for an "
        "IPv6 address); in direct mode the addresses come from the MX hosts' DNS records.",
    ),
    "connect-timeout": (
        "Connection timed out",
        "Nothing answered the connection attempt; outbound port 25 is very often blocked by "
        "home internet providers, cloud providers or a firewall that silently drops packets.",
        "Test from another network; ask your provider or firewall administrator to open "
        "outbound port 25, or send through your provider's smart host on port 587 with "
        "authentication.",
    ),
    "banner-timeout": (
        "No greeting from the server",
        "The connection was made but the server never sent its 220 greeting: it may be "
        "overloaded, deliberately slow with clients it distrusts (tar-pitting), stuck on "
        "a DNS lookup of your address, or expecting TLS from the first byte (port 465).",
        "Try again with a longer time-out; if this is port 465 use TLS from the start; "
        "check your sending IP's reverse DNS and reputation.",
    ),
    "tarpit": (
        "Tar-pitting",
        "The server started its greeting but dribbled it out too slowly to finish in time, "
        "a deliberate delay (tar-pit) aimed at clients it suspects of sending spam.",
        "Allow a longer greeting time-out; if it always happens, check your IP's reputation "
        "and reverse DNS, or ask the server's postmaster why you are delayed.",
    ),
    "not-smtp": (
        "Not an SMTP server",
        "The port answered with {service}, not with an SMTP greeting, so this is the wrong "
        "port or a different service.",
        "Check the port: SMTP listens on 25 (between servers) or 587 (submission); if the "
        "answer was TLS, use TLS from the start (implicit TLS, usually port 465).",
    ),
    # The greeting and the connection
    "service-unavailable": (
        "Service not available",
        "The server said 421 and is closing the connection: it is overloaded, shutting down, "
        "or does not want to serve you at the moment.",
        "Try again later; if it persists, contact the server's postmaster with the exact reply.",
    ),
    "greeting-deferred": (
        "Greeting refused for now",
        "The server greeted with a temporary error (4xx) instead of 220: it will not take mail "
        "from you at the moment, because it is busy or overloaded, or defers clients it does "
        "not know yet.",
        "Try again later; if it persists, contact the server's postmaster with the exact reply.",
    ),
    "service-busy": (
        "Service busy",
        "The server refused {stage} with a temporary error saying it is not accepting messages "
        "right now or is congested; the refusal is temporary.",
        "Try again later; if it persists, contact the server's postmaster with the exact reply.",
    ),
    "connection-rejected": (
        "Connection rejected",
        "The server refused to talk to you at {stage} without saying why in a standard way: "
        "it refuses this client, not one message; likely causes are your IP address's "
        "reputation, missing reverse DNS, or a local block of your network.",
        "Check your sending IP against public block lists and its reverse DNS; otherwise ask "
        "the receiving site's postmaster, quoting the full reply.",
    ),
    "blocklisted": (
        "Sending IP is on a block list",
        "The reply says your sending IP address (or its network) is on a block list the "
        "server consults: a public DNS block list (DNSBL/RBL) or the receiver's own.",
        "Look the IP up on the list the reply names (the reply often has a link), fix the "
        "cause (compromised account, open relay, dynamic IP) and request removal; or send "
        "through a smart host with a clean reputation.",
    ),
    "reputation-blocked": (
        "Refused for the sending IP's reputation",
        "The server refuses all mail from your sending IP address (or your domain) because of "
        "its reputation in the receiver's own reputation system (spam complaints, volume, a "
        "new or little-used address): not this message's content, and not a public DNS block "
        "list.",
        "Use the delisting or support form the reply links to (the receiver's postmaster "
        "site), fix what hurts the reputation (a compromised account, bulk mail without "
        "consent), or send through a smart host whose reputation is good.",
    ),
    "reputation-deferred": (
        "Deferred for the sending IP's reputation",
        "The server defers mail from your sending IP address (or domain) for now because of "
        "its reputation with the receiver (complaints, unusual volume, a new or little-used "
        "address): every message from it is held back, whatever its sender address or "
        "content.",
        "Retry slowly with fewer messages at a time (a real mail server's queue does), follow "
        "the receiver's sender guidelines (the reply often links them), and build the "
        "address's reputation; changing the sender address will not help.",
    ),
    "blocklist-lookup-broken": (
        "The receiver's block list look-up is broken",
        "The reply reads like a block list hit, but says that the receiver's own query to the "
        "list failed (Spamhaus refuses queries that come through a public or open resolver, "
        "or too many of them): nobody was found on the list, and the receiver refuses every "
        "sender alike.",
        "Nothing to delist on your side: tell the receiving site's postmaster that their "
        "block list queries go through a public resolver (they need their own resolver or a "
        "Data Query Service key); quote the reply.",
    ),
    "too-many-connections": (
        "Too many connections",
        "The server refuses this connection because too many are open at once: from your IP "
        "address, for this account, or to the server as a whole. It is a limit on parallel "
        "sessions, not on the password or the message.",
        "Try again later with fewer parallel connections (one or two at a time), and close "
        "sessions you no longer use.",
    ),
    "too-many-errors": (
        "Too many errors in the session",
        "The server ended the session because this client made too many errors in it "
        "(refused commands or recipients); the cause is those earlier errors, not the last "
        "command.",
        "Look at the refused replies before this one and fix them (unknown recipients, bad "
        "commands); then send again in a fresh session.",
    ),
    "rate-limited": (
        "Rate limited",
        "The server says it is limiting, for now, how much mail it takes from you "
        "(connections, messages or recipients); such limits follow the volume of mail from "
        "your IP address, and often its reputation.",
        "Wait and try again later, with fewer connections, messages and recipients at a time; "
        "if the volume is legitimate, ask the receiving site's postmaster about their limits.",
    ),
    "volume-blocked": (
        "Blocked for the volume of mail",
        "The server refused the message permanently because of the volume of mail it saw from "
        "your IP address or domain (too much, too fast, or a flood of unsolicited mail); this "
        "is a block, not a delay, so sending the same again will not help.",
        "Find out what sent so much mail from your IP (a compromised account, a script, a bulk "
        "campaign), stop it, and follow the receiver's bulk-sender guidelines (the reply often "
        "links them); then ask its postmaster to lift the block.",
    ),
    "server-error": (
        "Error on the server's side",
        "The server reports a fault of its own (a local or internal error, a back-end or "
        "resource it could not use): nothing in this message, sender or recipient is the "
        "cause.",
        "Try again later (a real mail server's queue retries by itself); if it persists, "
        "send the exact reply to the server's postmaster.",
    ),
    "mail-loop": (
        "Mail loop",
        "The receiving side found the message going round in a loop (forwarded back to where "
        "it came from, or past too many hops): a forwarding or routing set-up on the way, "
        "most often the recipient's, sends it in a circle.",
        "Tell the recipient (or their mail administrator) that mail to this address loops; "
        "check your own forwarding rules if the loop goes through your systems.",
    ),
    "no-mail-host": (
        "This host does not accept mail",
        "The server says it never accepts mail (RFC 7504's 521): it is not a mail server for "
        "anyone, whatever the sender or recipient.",
        "Check that this is the right host: for direct delivery the recipient domain's MX "
        "records name the hosts that take its mail; otherwise ask the recipient for an address "
        "that receives mail.",
    ),
    "server-timed-out": (
        "The server stopped waiting for this client",
        "The server ended the session because this client's next command took longer to come "
        "than the server waits (its own time-out): the client paused (in step mode, or a slow "
        "program) or the network held the data up; the server refuses nothing.",
        "Send again without long pauses between commands (in step mode, step sooner); if it "
        "happens without pauses, look for a slow network path or a proxy holding data back.",
    ),
    "connection-closed": (
        "Connection closed unexpectedly",
        "The server closed the connection during {stage} without a proper reply, which points "
        "to a crash, an idle time-out, or a firewall or scanner in the path cutting it.",
        "Try again; if it repeats at the same step, ask the server's administrator to check "
        "their logs, and look for SMTP-inspecting firewalls or antivirus proxies on the way.",
    ),
    "closed-at-banner": (
        "Closed before the greeting",
        "The server accepted the connection and dropped it without a greeting, typically a "
        "block on your IP address, a connection limit, or a service that expects TLS at once.",
        "Check your IP's reputation and reverse DNS; if this is port 465, use TLS from the start; "
        "otherwise ask the server's postmaster.",
    ),
    "closed-during-data": (
        "Closed in the middle of the message",
        "The connection broke before the whole message was sent; a message cut off before "
        "its final dot is not delivered. A server does this when it refuses the message part "
        "way (too big, or content it blocks) without a reply, or when a firewall or proxy on "
        "the way resets long transfers.",
        "Try a smaller message; if it always breaks at about the same size, look for a size "
        "limit or a proxy on the way, and ask the server's administrator for its log.",
    ),
    "data-stalled": (
        "The server stopped taking the message",
        "The server stopped reading part way through the message and did not reply; a "
        "message cut off before its final dot is not delivered.",
        "Try again later or with a smaller message; if it always stalls at about the same "
        "size, ask the server's administrator (a filter or a full disk may hold it up).",
    ),
    "closed-after-data": (
        "Closed after the message was sent",
        "The connection ended before the server confirmed the message, so it may or may not "
        "have been delivered.",
        "Check with the recipient before sending again to avoid a duplicate; ask the server's "
        "administrator to look for the message in their logs.",
    ),
    "closed-during-tls": (
        "Closed during TLS",
        "The server hung up during the TLS hand-shake, usually because the two sides share no "
        "TLS version or cipher, or the server disliked the client's hand-shake.",
        "Check which TLS versions and ciphers the server supports (openssl s_client -starttls "
        "smtp) and ask its administrator to enable current ones (TLS 1.2 or 1.3).",
    ),
    "reply-timeout": (
        "Server stopped answering",
        "The server did not reply at {stage} in time: it is overloaded, slowing you down "
        "deliberately, or a firewall dropped the packets.",
        "Try again later or with a longer time-out; if it always stalls at the same step, ask "
        "the server's administrator.",
    ),
    "dot-timeout": (
        "No answer after the message",
        "The message was sent but the server did not confirm it in time, often because it "
        "scans content slowly; it may still have been delivered.",
        "Check with the recipient before sending again (to avoid a duplicate); allow a longer "
        "time-out (RFC 5321 §4.5.3.2.6 suggests 10 minutes).",
    ),
    "quit-failed": (
        "QUIT not confirmed",
        "Something went wrong only at QUIT, after the transaction had ended; this does not undo "
        "a delivery the server had already confirmed.",
        "Nothing to fix for delivery; the server's handling of QUIT is its own affair.",
    ),
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

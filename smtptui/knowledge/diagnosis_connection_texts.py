"""Diagnosis texts for the failures before the mail transaction (data only): the name
server, the connection, the greeting and the session's opening; id -> (cause, why, what to
do next), placeholders as in diagnosis_texts.SESSION_TEXTS."""

from __future__ import annotations

CONNECTION_TEXTS: dict[str, tuple[str, str, str]] = {
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
}

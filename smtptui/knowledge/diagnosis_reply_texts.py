"""Diagnosis texts for refusing replies (data only): id -> (cause, why, what to do next)."""

from __future__ import annotations

#: Same shape and placeholders as diagnose_texts.SESSION_TEXTS.
REPLY_TEXTS: dict[str, tuple[str, str, str]] = {
    # Authentication
    "auth-required": (
        "Authentication required",
        "The server only takes mail from authenticated users here (or on this port).",
        "Log in with a user name and password (AUTH), usually after STARTTLS; or, for mail to "
        "this server's own domains, connect to its MX on port 25.",
    ),
    "auth-failed": (
        "Authentication failed",
        "The server rejected the user name or password.",
        "Check the user name (often the full address) and password; some providers need an "
        "app password or have SMTP AUTH switched off for the account.",
    ),
    "auth-too-weak": (
        "Authentication mechanism too weak",
        "The server does not accept this kind of login for this user: the mechanism is too "
        "weak for it, or (at providers such as Gmail) the account needs a stronger login than "
        "its password: an app password with 2-step verification, OAuth2, or a sign-in on the "
        "provider's web site first.",
        "Choose a stronger mechanism that the server lists in its AUTH capability, or the "
        "provider's app password or OAuth2 login for this account.",
    ),
    "password-transition": (
        "Password transition needed",
        "The account must log in once with PLAIN before the chosen mechanism works.",
        "Log in once with PLAIN over TLS, then use the other mechanism again.",
    ),
    "account-disabled": (
        "Account disabled",
        "The credentials are right but the account is disabled.",
        "Ask the mail provider or administrator to enable the account again.",
    ),
    "auth-temporary": (
        "Temporary authentication failure",
        "The server could not check the credentials right now, usually because its password "
        "back-end is unavailable.",
        "Try again later; if it persists, tell the server's administrator.",
    ),
    "basic-auth-disabled": (
        "Password login disabled",
        "The provider accepts no password login (AUTH PLAIN or LOGIN) for this account or its "
        "organisation: basic authentication or SMTP AUTH is switched off, so the right "
        "password (or an app password) will not help.",
        "Use the provider's OAuth2 login (XOAUTH2) if your program has it, or ask the "
        "account's administrator to enable SMTP AUTH for this mailbox; otherwise send through "
        "another way the provider offers.",
    ),
    "login-rate-limited": (
        "Too many logins",
        "The server refuses logins for now because this account (or your IP address) logged "
        "in too often in a short time; it says nothing against the password itself.",
        "Wait before trying again, and send many messages over one session instead of logging "
        "in for each; check that no other program keeps logging in with a wrong password.",
    ),
    "auth-endless": (
        "Authentication never ended",
        "The server kept answering with new AUTH challenges instead of accepting or refusing "
        "the login, so smtptui cancelled the exchange.",
        "Try another mechanism; if it happens with every one, the server's authentication is "
        "broken: tell its administrator.",
    ),
    "auth-mech-unsupported": (
        "Authentication mechanism not supported",
        "The server does not support the login mechanism that was tried.",
        "Use one of the mechanisms the server lists in its EHLO reply (AUTH line).",
    ),
    "auth-not-offered": (
        "Authentication not available",
        "The server does not offer AUTH here; many servers offer it only after STARTTLS or only "
        "on the submission port 587.",
        "Use STARTTLS first, or connect to port 587; check the EHLO reply for an AUTH line.",
    ),
    "auth-not-offered-tls-off": (
        "Authentication not available",
        "The server offers no AUTH on this unencrypted session (TLS is off); many servers offer "
        "it only after STARTTLS, or only on the submission port 587.",
        "Turn TLS on (STARTTLS) and look for an AUTH line in the EHLO reply that follows it; "
        "or connect to port 587.",
    ),
    "auth-not-offered-no-starttls": (
        "Authentication not available",
        "The server offers neither STARTTLS nor AUTH here, so there is no way to log in on this "
        "host and port.",
        "Connect to the server's submission port (587 with STARTTLS, or 465 with TLS from the "
        "start); ask the provider which host and port take logins.",
    ),
    "auth-not-offered-starttls-refused": (
        "Authentication not available",
        "The server refused STARTTLS and offers no AUTH without it; many servers offer AUTH "
        "only over TLS.",
        "Try again later; if STARTTLS keeps being refused, tell the server's administrator "
        "(its TLS set-up is broken), or connect to the submission port 587.",
    ),
    "auth-not-offered-over-tls": (
        "Authentication not available",
        "The server offers no AUTH even over TLS: it does not take logins on this port, or "
        "not from this client.",
        "Connect to the provider's submission port (587 with STARTTLS, or 465 with TLS from "
        "the start), or ask whether SMTP AUTH is enabled for the account.",
    ),
    "no-common-auth-mechanism": (
        "No common authentication mechanism",
        "The server offers AUTH, but none of its mechanisms is one smtptui speaks (PLAIN, "
        "LOGIN, CRAM-MD5, XOAUTH2).",
        "Ask the provider which mechanism to use; if the session was not encrypted, look at "
        "the AUTH line the server lists after STARTTLS, which is often longer.",
    ),
    # Relay and sender
    "relay-denied": (
        "Relaying denied",
        "The server does not take mail for that recipient's domain from you: it only delivers "
        "for its own domains or for authenticated users.",
        "Authenticate (AUTH) if this is your provider's server, or send to the recipient "
        "domain's own MX instead.",
    ),
    "sender-verify-failed": (
        "Sender address verification failed",
        "The receiving server checked the envelope sender by asking the sender domain's own "
        "mail server whether the address exists (a callout), and that server said no, "
        "refused the check, or the check failed before (a cached result). The recipient is "
        "not the problem.",
        "Make sure the sender domain's mail server accepts RCPT TO the sender address (no "
        "catch-all is needed, the address must exist) and does not refuse the receiver's "
        "check; or send from an address that exists.",
    ),
    "spf-temporary": (
        "Temporary SPF error",
        "The receiving server could not finish its SPF check of the sender domain (a DNS "
        "time-out or lookup failure on its side or at the domain's name servers), so it "
        "deferred the message; the refusal is temporary.",
        "Try again later; if it persists, check that the sender domain's name servers answer "
        "quickly (dig TXT for the domain) and that its SPF record needs no more than 10 DNS "
        "lookups.",
    ),
    "spf-failed": (
        "Sender rejected: SPF",
        "The sender domain's SPF record does not allow mail from your IP address, or it is "
        "broken.",
        "Add this server's IP (or your provider's include) to the sender domain's SPF record, "
        "or send through a server the record already allows.",
    ),
    "dkim-failed": (
        "Sender rejected: DKIM",
        "The message has no valid DKIM signature acceptable to the receiver.",
        "Sign outgoing mail with DKIM for the From domain and publish the public key in DNS.",
    ),
    "dmarc-failed": (
        "Sender rejected: DMARC",
        "The From domain's DMARC policy asks receivers to reject mail that passes neither an "
        "aligned SPF nor an aligned DKIM check, and this message passed neither.",
        "Send through a server the From domain's SPF allows and sign with DKIM for that domain, "
        "or use a From address whose domain you control.",
    ),
    "sender-authentication-failed": (
        "Sender authentication failed",
        "The server refused or held back the message because it did not pass the sender "
        "authentication checks it requires: more than one of SPF, DKIM and DMARC failed, or "
        "neither SPF nor DKIM passed.",
        "Set up SPF and DKIM for the sender domain: make its SPF record allow this server's "
        "IP, sign with DKIM for the From domain, and align them with the From domain as its "
        "DMARC policy requires; then send again.",
    ),
    "reverse-dns-failed": (
        "Sender rejected: reverse DNS",
        "Your sending IP address has no reverse DNS (PTR) name, or it does not match the name "
        "it resolves to.",
        "Ask whoever owns the IP (your hosting or internet provider) to set a PTR record that "
        "matches a name resolving back to the IP, or send through a smart host.",
    ),
    "sender-null-mx": (
        "Sender domain accepts no mail",
        "The sender address's domain publishes a null MX, so it could never receive a bounce, "
        "and the server refuses such senders.",
        "Use a sender address in a domain that can receive mail.",
    ),
    "arc-failed": (
        "ARC validation failed",
        "The forwarded message's ARC chain did not validate at the receiver.",
        "Ask the forwarding system's administrator to check their ARC signing.",
    ),
    "sender-rejected": (
        "Sender rejected",
        "The server refused the sender address (MAIL FROM); its words say why, commonly a "
        "domain that does not exist, an address that fails verification, or one you are not "
        "allowed to use.",
        "Use a sender address in a real domain that you are allowed to send as; read the "
        "server's text for the exact reason.",
    ),
    "sender-blocked": (
        "Sender address blocked",
        "The server refuses this sender address or its domain, which is on a block list of "
        "the server or of the recipient; the list is about the address, not your IP.",
        "Send from another address if you can; otherwise ask the recipient or the receiving "
        "site's postmaster why the address or domain is blocked.",
    ),
    "sender-identity-unverified": (
        "Sender identity not verified",
        "The sending service (Amazon SES, for example) only sends from addresses or domains "
        "verified in the sender's account, and an identity it checked (usually the sender "
        "address; in a sandbox account also the recipient) is not verified.",
        "Verify the sender address or its domain in the sending service's console (and the "
        "recipients too, while the account is in a sandbox), or send from an identity that is "
        "already verified.",
    ),
    "sending-quota-exceeded": (
        "Sending limit reached",
        "The server refused because the sending account (or address) has reached a sending "
        "limit for a period, such as messages or recipients per day.",
        "Wait until the limit resets (often within 24 hours) or send less; ask the provider "
        "about its limits if the volume is legitimate.",
    ),
    "helo-rejected": (
        "EHLO name rejected",
        "The server refused the name this client gave in EHLO/HELO; many servers want a fully "
        "qualified host name that resolves in DNS.",
        "Set the EHLO name to this machine's public host name (one with A and PTR records).",
    ),
    # Recipients
    "unknown-recipient": (
        "Unknown recipient",
        "The receiving server says this mailbox does not exist.",
        "Check the spelling of the address before the @; ask the recipient for the right one.",
    ),
    "bad-recipient-domain": (
        "Bad recipient domain",
        "The receiving server says the recipient's domain is not valid for mail.",
        "Check the part after the @.",
    ),
    "recipient-null-mx": (
        "Recipient domain accepts no mail",
        "The recipient's domain publishes a null MX: it never receives mail (RFC 7505).",
        "This address cannot receive mail; ask the recipient for another address.",
    ),
    "mailbox-moved": (
        "Mailbox has moved",
        "The mailbox existed once but has moved, and the reply names no new address.",
        "Ask the recipient for their new address.",
    ),
    "recipient-redirected": (
        "Recipient to be sent elsewhere",
        "The server does not deliver to this address and names the one to try instead, "
        "{forward} (RFC 5321 §3.4).",
        "Send to {forward} instead, once you are sure it belongs to the recipient.",
    ),
    "recipient-deferred": (
        "Recipient not accepted for now",
        "The server refused this recipient with a temporary error, so it may accept the "
        "address on a later try; servers do this while they cannot yet check an address or "
        "its domain (a lookup failing, or address verification still in progress).",
        "Try again later (a real mail server's queue retries by itself); if it keeps failing, "
        "check the spelling of the address.",
    ),
    "user-not-local": (
        "User not local",
        "This server does not host that recipient and will not forward the message.",
        "Send to the server the reply names, or to the recipient domain's MX.",
    ),
    "bad-address-syntax": (
        "Malformed address",
        "The server found an address (or its parameters) syntactically wrong.",
        "Check the address for typing errors, spaces or non-ASCII characters.",
    ),
    "mailbox-full": (
        "Mailbox full",
        "The recipient's mailbox is over its quota.",
        "Try again later or tell the recipient by other means; they must free some space.",
    ),
    "mailbox-disabled": (
        "Mailbox disabled",
        "The mailbox exists but is disabled and takes no mail.",
        "Reach the recipient by other means; their administrator must enable the mailbox.",
    ),
    "mailbox-deferred": (
        "Mailbox unavailable for now",
        "The server will not deliver to this mailbox at the moment (it says it is disabled, "
        "busy or held back for now); the refusal is temporary.",
        "Try again later (a real mail server's queue retries by itself); if it keeps failing, "
        "reach the recipient by other means.",
    ),
    "recipient-rate-limited": (
        "Recipient receiving too much mail",
        "The recipient's mailbox is receiving mail faster than the server allows, so it takes "
        "no more for now; the limit is the recipient's, not yours.",
        "Send again later, when the mailbox takes mail again (a real mail server's queue "
        "retries by itself); if it keeps happening, tell the recipient by other means.",
    ),
    "too-many-recipients": (
        "Too many recipients",
        "The server takes fewer recipients per transaction than were given (RFC 5321 "
        "§4.5.3.1.8).",
        "Send the rest in another transaction or message; the accepted recipients are fine.",
    ),
    "greylisted": (
        "Greylisting",
        "The server deferred the message on purpose: it refuses the first attempt from an "
        "unknown sender and accepts a retry after a few minutes, to weed out spam software.",
        "Try again later (after 5 to 15 minutes) from the same IP; a real mail server's queue "
        "does this by itself.",
    ),
    "policy-deferred": (
        "Temporary policy deferral",
        "The server deferred this with a temporary error without saying why in a standard "
        "way; likely causes are greylisting (a first attempt from an unknown sender refused on "
        "purpose), a rate limit, the reputation of your IP address or domain, or a temporary "
        "fault on its side.",
        "Try again later (a greylisting server accepts a retry from the same IP after 5 to 15 "
        "minutes; a real mail server's queue retries by itself); if it keeps failing, send the "
        "exact reply to the receiving site's postmaster.",
    ),
    "no-recipient-accepted": (
        "No recipient accepted",
        "The server refused every recipient, so no message was sent.",
        "Read each RCPT reply for its reason.",
    ),
    "some-recipients-refused": (
        "Some recipients refused",
        "The server refused some recipients; the message goes only to those it accepted.",
        "Read the refused RCPT replies for their reasons.",
    ),
    # The message
    "line-too-long": (
        "Line too long",
        "A line of the message (or of a command) is longer than SMTP allows: RFC 5321 "
        "§4.5.3.1.6 limits a line to 1000 octets with its CRLF, RFC 5322 §2.1.1 to 998 "
        "characters. The size of the message is not the problem.",
        "Wrap the long lines, or encode the body (quoted-printable or base64) so that no line "
        "is longer than 998 characters; HTML generated on one line is the usual culprit.",
    ),
    "message-too-large": (
        "Message too large",
        "The message is bigger than the server (or the mailbox) accepts.",
        "Make the message smaller (link to large attachments instead); the limit is in the "
        "SIZE line of the EHLO reply.",
    ),
    "server-storage-full": (
        "Server out of storage",
        "The receiving server is short of disk space or storage right now.",
        "Try again later; tell the server's administrator if it persists.",
    ),
    "8bit-unsupported": (
        "8-bit content without 8BITMIME",
        "The message contains 8-bit bytes (non-ASCII text sent unencoded) but the server does "
        "not announce 8BITMIME, so it may not carry them.",
        "Encode the body as quoted-printable or base64 (Content-Transfer-Encoding), or send "
        "through a server that supports 8BITMIME.",
    ),
    "smtputf8-unsupported": (
        "UTF-8 addresses not supported",
        "An address or header has non-ASCII characters, which need the SMTPUTF8 extension "
        "(RFC 6531), and the server does not support it.",
        "Use an ASCII address for this recipient or send through a server that supports "
        "SMTPUTF8.",
    ),
    "content-rejected": (
        "Content rejected",
        "The server's filter rejected the message for its content; the reply's words say what "
        "it objected to (a spam score, a virus, an attachment type, a listed link).",
        "Check the message for what the reply names (links, attachments, wording); ask the "
        "receiving site's postmaster if it is a false positive.",
    ),
    "content-deferred": (
        "Message held back for its content",
        "The server deferred the message because its filter found the content or links "
        "suspicious, sometimes together with the sender's reputation; the refusal is "
        "temporary, but the same message may be held back again.",
        "Check the message's links, attachments and wording, and the sender domain's SPF and "
        "DKIM; then try again later.",
    ),
}

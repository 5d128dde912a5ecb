"""The classes of issue 15, one reply each: the right diagnosis, side and confidence.

The corpus (test_corpus_replay.py) holds the cited real replies; these are the rules' own
cases, written the way servers word them, each checking one thing a rule must tell apart.
"""

from __future__ import annotations

import pytest

from smtptui.knowledge.diagnosis import Facts, diagnose
from smtptui.knowledge.diagnosis_rules import reply_words
from smtptui.smtp.replies import Reply, ReplyParser


def parse(text: str) -> Reply:
    parser = ReplyParser()
    parser.feed("".join(f"{line}\r\n" for line in text.split("\n")).encode())
    (reply,) = parser.replies()
    return reply


def judged(stage: str, text: str) -> tuple[str, str, str]:
    found = diagnose(Facts(stage=stage, kind="reply", reply=parse(text)))
    assert found is not None
    return found.code, found.fault, found.confidence


CASES = [
    # whose fault: the IP's reputation is not the content, the sender or a public list
    ("dot", "550 5.7.1 Email from 192.0.2.1 is currently blocked by the anti-spam system",
     ("reputation-blocked", "sender-ip", "likely")),
    ("mail", "550 5.7.501 Service unavailable. Spam abuse detected from IP range.",
     ("reputation-blocked", "sender-ip", "likely")),
    ("rcpt", "451 4.7.650 The mail server [192.0.2.1] has been temporarily rate limited due "
             "to IP reputation.", ("reputation-deferred", "sender-ip", "decided")),
    ("banner", "554 Your access to this mail system has been rejected due to the sending "
               "MTA's poor reputation.", ("reputation-blocked", "sender-ip", "decided")),
    # a sender verification that names block lists is a verification, not a listing
    ("rcpt", "550-Verification failed for <a@example.com>\n550-The account may not exist, "
             "or be blacklisted\n550 Sender verify failed",
     ("sender-verify-failed", "sender-address", "decided")),
    # ... but a recipient callout is about the recipient
    ("rcpt", "550-Callout verification failed:\n550 550 5.1.1 <b@example.net>: Recipient "
             "address rejected: User unknown", ("unknown-recipient", "recipient", "decided")),
    # the receiver's own broken look-up: nothing to delist
    ("rcpt", "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using "
             "zen.spamhaus.org; Error: open resolver; "
             "https://www.spamhaus.org/returnc/pub/198.51.100.1",
     ("blocklist-lookup-broken", "receiver", "decided")),
    # limits: line length is not size; login rate is not the password; connections are not
    # AUTH; a basic-auth switch is not a wrong password
    ("dot", "552 5.6.0 Message line exceeds 998 characters", ("line-too-long", "format",
                                                             "decided")),
    ("auth", "454 4.7.0 Too many login attempts, please try again later.",
     ("login-rate-limited", "sender-account", "decided")),
    ("data", "432 4.3.2 Concurrent connections limit exceeded.",
     ("too-many-connections", "client", "decided")),
    ("auth", "535 5.7.139 Authentication unsuccessful, SmtpClientAuthentication is disabled "
             "for the Tenant.", ("basic-auth-disabled", "sender-account", "decided")),
    ("mail", "550 5.7.30 Basic authentication is not supported for Client Submission.",
     ("basic-auth-disabled", "sender-account", "decided")),  # not X.7.30's REQUIRETLS
    ("auth", "535 5.7.139 Authentication unsuccessful, user is locked by your "
             "organization's security defaults policy.",
     ("basic-auth-disabled", "sender-account", "decided")),
    ("auth", "535 5.7.3 Authentication unsuccessful", ("auth-failed", "sender-account",
                                                       "likely")),
    # which words decide: an address between the words, SPF with another code's subject
    ("rcpt", "550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient bob@example.org not found "
             "by SMTP address lookup", ("unknown-recipient", "recipient", "decided")),
    ("mail", "550 5.1.0 192.0.2.1 is not allowed to send from <example.jp> per it's SPF "
             "Record.", ("spf-failed", "sender-domain", "decided")),
    ("dot", "550 5.7.26 The MAIL FROM domain [example.org] has an SPF record with a hard fail "
            "policy (-all) but it fails to pass SPF checks", ("spf-failed", "sender-domain",
                                                               "decided")),
    ("dot", "550 5.7.515 Access denied, sending domain EXAMPLE.JP doesn't meet the required "
            "authentication level. Spf= Fail , Dkim= Pass , DMARC= Pass",
     ("sender-authentication-failed", "sender-domain", "decided")),  # DMARC passed
    # enhanced codes in the vendor's place; providers' own wording
    ("rcpt", "550 No such user here (#5.7.1)", ("unknown-recipient", "recipient", "decided")),
    ("rcpt", "550 5.1.2 The domain does not exist", ("bad-recipient-domain", "recipient",
                                                     "decided")),
    ("dot", "554 delivery error: dd This user doesn't have a yahoo.com account "
            "(b@yahoo.com) [-5] - mta1.mail.gq1.yahoo.com",
     ("unknown-recipient", "recipient", "decided")),
    ("dot", "550 5.7.1 Message-ID header does not exist", ("protocol-error", "format",
                                                           "likely")),
    # a gateway's envelope block, a size given in octets, an LMTP server's hint
    ("rcpt", "550 Envelope blocked - User Domain Entry - "
             "https://community.mimecast.com/docs/DOC-1369#550",
     ("sender-blocked", "sender-domain", "decided")),
    ("mail", "552 5.3.4 Message size exceeds fixed maximum message size (52428800)",
     ("message-too-large", "format", "decided")),
    ("ehlo", "500 5.5.1 This is a LMTP server, use LHLO", ("lmtp-server", "client", "decided")),
    # the receiver's own fault, the client's own slowness, a host that takes no mail
    ("rcpt", "451 4.3.5 Server configuration problem", ("server-error", "receiver", "decided")),
    ("rcpt", "421 4.4.2 mx.example.net Error: timeout exceeded",
     ("server-timed-out", "client", "likely")),
    ("banner", "521 5.3.2 mx.example.net does not accept mail", ("no-mail-host", "receiver",
                                                                 "decided")),
    ("mail", "554 5.7.0 Your account has been suspended", ("account-disabled",
                                                           "sender-account", "decided")),
    ("rcpt", "452 4.5.3 Domain has exceeded the max emails per hour (100/100 (100%)) allowed.",
     ("sending-quota-exceeded", "sender-account", "decided")),
    ("mail", "501 5.5.4 Invalid Address", ("bad-address-syntax", "client", "likely")),
    ("rcpt", "553 sorry, that domain isn't allowed to be relayed thru this MTA (#5.7.1)",
     ("relay-denied", "sender-account", "decided")),
    ("mail", "451 qqt failure (#4.3.0)", ("server-error", "receiver", "decided")),
    ("dot", "451 4.7.1 Local error in processing", ("server-error", "receiver", "decided")),
    ("rcpt", "550 5.4.310 DNS domain example.net does not exist [Message=InfoDomainNonexistent]",
     ("bad-recipient-domain", "recipient", "decided")),
    ("mail", "550 5.7.1 Connection frequency limited", ("volume-blocked", "sender-ip",
                                                         "decided")),
    ("mail", "421 4.7.0 Connection refused by policy", ("connection-rejected", "unknown",
                                                        "likely")),
    ("dot", "552 1 Requested mail action aborted, mailbox not found",
     ("unknown-recipient", "recipient", "decided")),  # a bare 552 naming no size
    ("dot", "554 5.2.3 MailPolicy violation Error delivering to mailboxes",
     ("policy-rejected", "unknown", "unknown")),  # X.2.3 with policy words, no size
    ("rcpt", "550 5.2.1 <b@example.net>... Addressee unknown, relay=[192.0.2.1]",
     ("unknown-recipient", "recipient", "decided")),  # the words beat X.2.1 (disabled)
    ("dot", "550 5.2.0 Message rejected due to DMARC. Please see "
            "http://postmaster.example.net/codes#DM000001",
     ("dmarc-failed", "sender-domain", "decided")),
    ("rcpt", "551 5.3.0 Unknown error", ("permanent-failure", "unknown", "unknown")),
    ("banner", "421 4.7.0 [192.0.2.1] Our system has detected that this message is suspicious "
               "due to the very low reputation of the sending domain.",
     ("reputation-deferred", "sender-domain", "decided")),
    ("mail", "421 Max message per connection reached, closing transmission channel",
     ("rate-limited", "sender-ip", "decided")),
    ("rcpt", "450 4.2.0 <b@example.net> - Recipient temporarily unavailable",
     ("recipient-deferred", "recipient", "likely")),
    # where the words do not decide: say so, name the causes
    ("rcpt", "550 Administrative prohibition", ("policy-rejected", "unknown", "unknown")),
    ("rcpt", "451 4.7.1 Try again later", ("policy-deferred", "unknown", "unknown")),
    ("dot", "554 Message not allowed - [299]", ("policy-rejected", "unknown", "unknown")),
    ("dot", "554 6.6.0 Error sending message for delivery.",
     ("permanent-failure", "unknown", "unknown")),
]


@pytest.mark.parametrize("stage, text, expected", CASES, ids=[c[1][:50] for c in CASES])
def test_each_class(stage: str, text: str, expected: tuple[str, str, str]) -> None:
    assert judged(stage, text) == expected


def test_unknown_says_what_the_reply_does_not_tell_and_names_causes() -> None:
    found = diagnose(Facts(stage="rcpt", kind="reply", reply=parse("451 4.7.1 Try again later")))
    assert found is not None and "the reply does not say" in found.explanation
    assert "greylisting" in found.explanation and "rate limit" in found.explanation


def test_a_spamhaus_refusal_without_a_listing_link_says_to_check_first() -> None:
    found = diagnose(Facts(stage="rcpt", kind="reply", reply=parse(
        "550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org")))
    assert found is not None and found.code == "blocklisted" and found.confidence == "likely"
    assert "look-up failing" in found.explanation
    linked = diagnose(Facts(stage="rcpt", kind="reply", reply=parse(
        "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.spamhaus.org;"
        " https://www.spamhaus.org/query/ip/192.0.2.1")))
    assert linked is not None and linked.confidence == "decided"


def test_the_rules_read_prose_without_links_addresses_or_codes() -> None:
    words = reply_words(parse("550 5.1.1 <bob@example.org>: see https://x.example/a?b=c "
                              "[192.0.2.1] (#5.1.1) [TSS04]"))
    assert words == "<> : see <> [tss04]"


def test_a_refused_ehlo_then_a_hang_up_with_no_ehlo_does_not_advise_helo() -> None:
    refused = parse("500 5.5.1 Command unrecognized")
    found = diagnose(Facts(stage="helo", kind="closed", refusals=(("ehlo", refused),)))
    assert found is not None and found.code == "ehlo-unsupported"
    assert "Use HELO" not in found.next_step and "firewall" in found.next_step


def test_every_variant_text_is_complete() -> None:
    from smtptui.knowledge.diagnosis import DIAGNOSES
    from smtptui.knowledge.diagnosis_faults import CONFIDENCES, FAULT_OF, FAULTS, VARIANTS

    for name, (cause, explanation, next_step) in VARIANTS.items():
        assert cause and not cause.endswith("."), name
        assert explanation.endswith(".") and next_step.endswith("."), name
        filled = explanation.format(stage="RCPT TO", service="x", detail="y", forward="z")
        assert "{" not in filled, name
    assert set(FAULT_OF) == set(DIAGNOSES)  # every diagnosis has a side
    assert set(FAULT_OF.values()) <= set(FAULTS)
    assert set(CONFIDENCES) == {"decided", "likely", "unknown"}


@pytest.mark.parametrize("stage, text, facts, words", [
    ("rcpt", "554 5.7.1 <b@example.net>: Relay access denied", {"direct": True},
     "domain's MX records"),
    ("rcpt", "550 Invalid recipient", {}, "without saying so outright"),
    ("rcpt", "550 5.1.1 <recipient@example.com> recipient rejected. This is a default "
             "recipient used as a placeholder in many web applications.", {}, "placeholder"),
    ("rcpt", "554 5.7.1 <h[192.0.2.1]>: Client host rejected: Access denied", {},
     "refuses your sending host"),
    ("data", "554 5.5.1 Error: no valid recipients", {}, "answered DATA"),
    ("auth", "534-5.7.9 Application-specific password required.\n534 5.7.9 Learn more", {},
     "app password"),
])
def test_the_words_fit_the_side_and_the_certainty(stage: str, text: str, facts: dict,  # type: ignore[type-arg]
                                                   words: str) -> None:
    found = diagnose(Facts(stage=stage, kind="reply", reply=parse(text), **facts))
    assert found is not None
    assert words in found.explanation + found.next_step + found.cause

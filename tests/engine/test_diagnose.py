"""Failure diagnosis: real servers' refusals and failures, each with its cause and next step."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from smtptui.knowledge.diagnosis import (
    DIAGNOSES,
    KINDS,
    STAGES,
    Diagnosis,
    Facts,
    diagnose,
    recognise_service,
)
from smtptui.smtp.replies import Reply, ReplyParser


def parse(raw: bytes) -> Reply:
    parser = ReplyParser()
    parser.feed(raw)
    (reply,) = parser.replies()
    return reply


def on_reply(stage: str, raw: bytes) -> Diagnosis:
    found = diagnose(Facts(stage=stage, kind="reply", reply=parse(raw)))
    assert found is not None
    return found


# --- DNS and connecting -------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "code", "cause", "advice"), [
    ("dns-nxdomain", "no-such-domain", "Domain does not exist", "spelling"),
    ("dns-nomx", "no-mx", "No mail server", "MX record"),
    ("dns-nullmx", "null-mx", "null MX", "another address"),
    ("dns-unreachable", "dns-unreachable", "resolver unreachable", "resolver settings"),
    ("dns-temporary", "dns-temporary", "Temporary DNS failure", "Try again later"),
])
def test_dns_failures(kind: str, code: str, cause: str, advice: str) -> None:
    found = diagnose(Facts(stage="dns", kind=kind, reply=None, detail="example.org"))
    assert found is not None
    assert found.code == code
    assert cause in found.cause
    assert advice in found.next_step


def test_connection_refused_points_at_host_and_port() -> None:
    found = diagnose(Facts(stage="connect", kind="refused", reply=None))
    assert found is not None and found.code == "connection-refused"
    assert "587" in found.next_step and "465" in found.next_step


def test_connect_timeout_suspects_a_blocked_port_25() -> None:
    found = diagnose(Facts(stage="connect", kind="timeout", reply=None))
    assert found is not None and found.code == "connect-timeout"
    assert "port 25" in found.explanation and "blocked" in found.explanation
    assert "587" in found.next_step


def test_banner_timeout_mentions_tarpits_and_implicit_tls() -> None:
    found = diagnose(Facts(stage="banner", kind="timeout", reply=None))
    assert found is not None and found.code == "banner-timeout"
    assert "tar-pitting" in found.explanation
    assert "465" in found.next_step


def test_a_greeting_that_starts_but_never_ends_is_tar_pitting() -> None:
    found = diagnose(Facts(stage="banner", kind="timeout", reply=None,
                           first_bytes=b"220-mx.example.net ESMTP please wait\r\n"))
    assert found is not None and found.code == "tarpit"
    assert found.cause == "Tar-pitting"


# --- the greeting -------------------------------------------------------------------------


def test_421_greeting_with_too_many_connections_is_a_connection_limit() -> None:
    found = on_reply("banner", b"421 4.7.0 mx.example.net Error: too many connections "
                               b"from 192.0.2.1\r\n")
    assert found.code == "too-many-connections"
    assert (found.fault, found.confidence) == ("client", "decided")
    assert "fewer parallel connections" in found.next_step


def test_a_deferral_of_everything_from_one_ip_is_its_reputation() -> None:
    found = on_reply("banner", b"421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily "
                               b"deferred due to unexpected volume or user complaints\r\n")
    assert found.code == "reputation-deferred"
    assert found.fault == "sender-ip"
    assert "changing the sender address will not help" in found.next_step


def test_554_greeting_naming_spamhaus_is_a_block_list() -> None:
    found = on_reply("banner", b"554 5.7.1 Service unavailable; Client host [192.0.2.1] "
                               b"blocked using zen.spamhaus.org; "
                               b"https://www.spamhaus.org/query/ip/192.0.2.1\r\n")
    assert found.code == "blocklisted"
    assert "block list" in found.cause
    assert "removal" in found.next_step


@pytest.mark.parametrize("raw", [
    b"550 5.7.1 Your IP 192.0.2.1 is listed in bl.spamcop.net\r\n",
    b"554 Rejected: 192.0.2.1 is blacklisted by b.barracudacentral.org\r\n",
    b"421 4.7.1 Connection refused by RBL: dnsbl.sorbs.net\r\n",
    b"550 5.7.606 Access denied, banned sending IP [192.0.2.1]\r\n",
])
def test_block_list_wording_is_recognised_anywhere(raw: bytes) -> None:
    assert on_reply("rcpt", raw).code == "blocklisted"


def test_plain_554_greeting_is_a_rejected_connection() -> None:
    found = on_reply("banner", b"554 mx.example.net ESMTP not accepting messages\r\n")
    assert found.code == "connection-rejected"
    assert "the greeting" in found.explanation


def test_plain_421_greeting_is_service_unavailable() -> None:
    found = on_reply("banner", b"421 mx.example.net Service not available, closing "
                               b"transmission channel\r\n")
    assert found.code == "service-unavailable"
    assert "Try again later" in found.next_step


# --- greylisting --------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "raw"), [
    ("rcpt", b"450 4.2.0 <bob@example.org>: Recipient address rejected: Greylisted, see "
             b"http://postgrey.schweikert.ch/help/example.org.html\r\n"),
    ("rcpt", b"450 Greylisted for 5 minutes\r\n"),
    ("dot", b"451 4.7.1 Greylisting in action, please come back later\r\n"),
])
def test_greylisting_says_try_again_later(stage: str, raw: bytes) -> None:
    found = on_reply(stage, raw)
    assert found.code == "greylisted"
    assert found.cause == "Greylisting"
    assert "Try again later" in found.next_step


@pytest.mark.parametrize(("stage", "raw"), [
    ("rcpt", b"451 4.7.1 Please try again later\r\n"),
    ("dot", b"451 Try again later\r\n"),
])
def test_a_bare_try_again_later_is_a_deferral_not_certain_greylisting(stage: str,
                                                                       raw: bytes) -> None:
    found = on_reply(stage, raw)
    assert found.code == "policy-deferred"
    assert "greylisting" in found.explanation and "rate limit" in found.explanation
    assert "Try again later" in found.next_step


def test_a_full_mailbox_that_says_try_later_is_not_greylisting() -> None:
    found = on_reply("rcpt", b"452 4.2.2 <bob@example.org>: mailbox full, try again later\r\n")
    assert found.code == "mailbox-full"


# --- relaying and authentication ----------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"550 5.7.1 Relaying denied\r\n",
    b"554 5.7.1 <bob@example.org>: Relay access denied\r\n",
    b"454 4.7.1 <bob@example.org>: Relay access denied\r\n",
    b"550 5.7.1 Unable to relay for bob@example.org\r\n",
    b"550 not permitted to relay\r\n",
    b"553 sorry, that domain isn't in my list of allowed rcpthosts (#5.7.1)\r\n",
    b"550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain\r\n",
])
def test_relay_denied(raw: bytes) -> None:
    found = on_reply("rcpt", raw)
    assert found.code == "relay-denied"
    assert found.cause == "Relaying denied"
    assert "Authenticate" in found.next_step and "MX" in found.next_step


@pytest.mark.parametrize(("stage", "raw"), [
    ("mail", b"530 5.7.0 Authentication required\r\n"),
    ("rcpt", b"530 5.7.57 Client not authenticated to send mail. [AM0PR01CA0001]\r\n"),
    ("mail", b"550 5.7.0 Sender not authenticated: please log in first\r\n"),
])
def test_authentication_required(stage: str, raw: bytes) -> None:
    found = on_reply(stage, raw)
    assert found.code == "auth-required"
    assert "AUTH" in found.next_step


def test_530_asking_for_starttls_is_tls_required_not_auth() -> None:
    found = on_reply("mail", b"530 5.7.0 Must issue a STARTTLS command first\r\n")
    assert found.code == "tls-required"
    assert "STARTTLS" in found.next_step


@pytest.mark.parametrize("raw", [
    b"535 5.7.8 Error: authentication failed: authentication failure\r\n",
    b"535-5.7.8 Username and Password not accepted. For more information, go to\r\n"
    b"535 5.7.8  https://support.google.com/mail/?p=BadCredentials\r\n",
    b"535 Incorrect authentication data\r\n",
])
def test_authentication_failed(raw: bytes) -> None:
    found = on_reply("auth", raw)
    assert found.code == "auth-failed"
    assert "password" in found.next_step


def test_other_auth_replies() -> None:
    assert on_reply("auth", b"454 4.7.0 Temporary authentication failure\r\n").code == (
        "auth-temporary")
    assert on_reply("auth", b"534 5.7.9 Authentication mechanism is too weak\r\n").code == (
        "auth-too-weak")
    assert on_reply("auth", b"538 5.7.11 Encryption required for requested authentication "
                            b"mechanism\r\n").code == "tls-required"
    assert on_reply("auth", b"504 5.5.4 Unrecognized authentication type\r\n").code == (
        "auth-mech-unsupported")
    assert on_reply("auth", b"503 5.5.1 Error: authentication not enabled\r\n").code == (
        "auth-not-offered")


# --- the sender ---------------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "code", "advice"), [
    (b"550 5.7.23 The message was rejected because of Sender Policy Framework violation\r\n",
     "spf-failed", "SPF record"),
    (b"550 5.7.1 SPF check failed: 192.0.2.1 is not allowed to send mail from example.com\r\n",
     "spf-failed", "SPF record"),
    (b"550-5.7.26 Unauthenticated email from example.com is not accepted due to\r\n"
     b"550-5.7.26 domain's DMARC policy. Please contact the administrator of\r\n"
     b"550 5.7.26 example.com domain if this was a legitimate mail.\r\n",
     "dmarc-failed", "DKIM"),
    (b"550 5.7.26 This mail has been blocked because the sender is unauthenticated.\r\n",
     "sender-authentication-failed", "SPF and DKIM"),
    (b"550 5.7.20 No passing DKIM signature found\r\n", "dkim-failed", "DKIM"),
    (b"450 4.7.25 Client host rejected: cannot find your hostname, [192.0.2.1]\r\n",
     "reverse-dns-failed", "PTR"),
    (b"550 5.7.27 Sender address has null MX\r\n", "sender-null-mx", "sender address"),
    (b"553 5.7.1 <alice@example.com>: Sender address rejected: not owned by user bob\r\n",
     "sender-rejected", "sender address"),
    (b"450 4.1.8 <a@nowhere.invalid>: Sender address rejected: Domain not found\r\n",
     "sender-rejected", "real domain"),
])
def test_sender_rejected(raw: bytes, code: str, advice: str) -> None:
    found = on_reply("mail", raw)
    assert found.code == code
    assert found.cause.startswith("Sender")
    assert advice in found.next_step


def test_postfix_delays_sender_checks_to_rcpt_and_they_are_still_sender_checks() -> None:
    found = on_reply("rcpt", b"554 5.7.1 <alice@example.com>: Sender address rejected: "
                             b"Access denied\r\n")
    assert found.code == "sender-blocked"  # check_sender_access: a local rule, this sender
    assert (found.fault, found.confidence) == ("sender-address", "likely")
    found = on_reply("rcpt", b"553 5.7.1 <alice@example.com>: Sender address rejected: "
                             b"not owned by user bob\r\n")
    assert found.code == "sender-rejected"


def test_helo_name_rejected() -> None:
    found = on_reply("rcpt", b"504 5.5.2 <localhost>: Helo command rejected: need "
                             b"fully-qualified hostname\r\n")
    assert found.code == "helo-rejected"
    assert "host name" in found.next_step


# --- recipients ---------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [
    b"550 5.1.1 <nobody@example.org>: Recipient address rejected: User unknown in virtual "
    b"mailbox table\r\n",
    b"550-5.1.1 The email account that you tried to reach does not exist. Please try\r\n"
    b"550-5.1.1 double-checking the recipient's email address for typos or\r\n"
    b"550 5.1.1 unnecessary spaces. https://support.google.com/mail/?p=NoSuchUser\r\n",
    b"550 No such user here\r\n",
    b"550 Requested action not taken: mailbox unavailable\r\n",
    b"550 <nobody@example.org>: user unknown\r\n",
    b"550 5.4.1 Recipient address rejected: Access denied. AS(201806281)\r\n",
])
def test_unknown_recipient(raw: bytes) -> None:
    found = on_reply("rcpt", raw)
    assert found.code == "unknown-recipient"
    assert found.cause == "Unknown recipient"
    assert "spelling" in found.next_step


def test_recipient_domain_with_null_mx() -> None:
    found = on_reply("rcpt", b"556 5.1.10 Recipient address has null MX\r\n")
    assert found.code == "recipient-null-mx"


def test_too_many_recipients() -> None:
    found = on_reply("rcpt", b"452 4.5.3 Error: too many recipients\r\n")
    assert found.code == "too-many-recipients"


def test_every_recipient_refused_uses_the_rcpt_replies() -> None:
    refused = (parse(b"550 5.1.1 <a@example.org>: User unknown\r\n"),
               parse(b"550 5.1.1 <b@example.org>: User unknown\r\n"))
    found = diagnose(Facts(stage="rcpt", kind="norcpt", reply=refused[-1], rcpt_replies=refused))
    assert found is not None
    assert found.code == "unknown-recipient"
    assert "every recipient (2)" in found.explanation
    assert "spelling" in found.next_step


def test_some_recipients_refused_says_the_message_went_to_the_others() -> None:
    refused = (parse(b"554 5.7.1 <x@elsewhere.example>: Relay access denied\r\n"),)
    found = diagnose(Facts(stage="dot", kind="partial", reply=None, rcpt_replies=refused))
    assert found is not None
    assert found.code == "relay-denied"
    assert found.cause == "Some recipients refused: Relaying denied"
    assert "goes only to those it accepted" in found.explanation


def test_recipients_refused_for_different_reasons_say_so() -> None:
    refused = (parse(b"550 5.1.1 User unknown\r\n"), parse(b"552 5.2.2 Mailbox full\r\n"))
    found = diagnose(Facts(stage="rcpt", kind="norcpt", reply=None, rcpt_replies=refused))
    assert found is not None
    assert found.code == "unknown-recipient"
    assert "other reasons" in found.explanation


def test_no_recipient_accepted_without_the_replies_is_still_diagnosed() -> None:
    found = diagnose(Facts(stage="rcpt", kind="norcpt", reply=None))
    assert found is not None and found.code == "no-recipient-accepted"


# --- the message --------------------------------------------------------------------------


@pytest.mark.parametrize(("stage", "raw"), [
    ("dot", b"552 5.3.4 Message size exceeds fixed limit\r\n"),
    ("mail", b"552 Message size exceeds maximum permitted\r\n"),
    ("dot", b"552 5.2.3 Message exceeds the mailbox's size limit\r\n"),
])
def test_message_too_large(stage: str, raw: bytes) -> None:
    found = on_reply(stage, raw)
    assert found.code == "message-too-large"
    assert "smaller" in found.next_step


def test_size_known_from_ehlo_before_sending() -> None:
    found = diagnose(Facts(stage="mail", kind="size", reply=None, detail="SIZE 10240000"))
    assert found is not None and found.code == "message-too-large"


def test_8bit_without_8bitmime() -> None:
    found = diagnose(Facts(stage="data", kind="8bit", reply=None))
    assert found is not None and found.code == "8bit-unsupported"
    assert "8BITMIME" in found.explanation
    assert "quoted-printable" in found.next_step


def test_smtputf8_missing() -> None:
    found = diagnose(Facts(stage="mail", kind="smtputf8", reply=None))
    assert found is not None and found.code == "smtputf8-unsupported"
    assert on_reply("rcpt", b"553 5.6.7 Non-ASCII addresses not permitted\r\n").code == (
        "smtputf8-unsupported")


def test_spam_rejected_after_the_dot() -> None:
    found = on_reply("dot", b"554 5.7.1 Message rejected as spam by Content Filtering.\r\n")
    assert found.code == "content-rejected"


# --- TLS ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("detail", "code"), [
    ("expired", "tls-expired"),
    ("the certificate has expired", "tls-expired"),
    ("self-signed", "tls-self-signed"),
    ("the certificate is self-signed (no CA vouches for it)", "tls-self-signed"),
    ("unknown CA", "tls-unknown-ca"),
    ("unable to get local issuer certificate", "tls-unknown-ca"),
    ("name mismatch", "tls-name-mismatch"),
    ("name mismatch: Hostname mismatch, certificate is not valid for 'mx.example.net'.",
     "tls-name-mismatch"),
    ("handshake", "tls-handshake"),
    ("the TLS hand-shake failed: TLSV1_ALERT_PROTOCOL_VERSION", "tls-handshake"),
    ("the certificate is not valid yet", "tls-not-yet-valid"),
    ("something new", "tls-failed"),
])
def test_each_tls_failure(detail: str, code: str) -> None:
    found = diagnose(Facts(stage="tls", kind="tls", reply=None, detail=detail))
    assert found is not None
    assert found.code == code
    assert found.next_step


def test_tls_next_steps_name_the_fix() -> None:
    def step(detail: str) -> str:
        found = diagnose(Facts(stage="tls", kind="tls", reply=None, detail=detail))
        assert found is not None
        return found.next_step

    assert "renew" in step("expired")
    assert "CA file" in step("self-signed")
    assert "full certificate chain" in step("unknown CA")
    assert "MX host name" in step("name mismatch")
    assert "465" in step("handshake")


def test_starttls_required_but_not_offered() -> None:
    found = diagnose(Facts(stage="ehlo", kind="tls-unavailable", reply=None))
    assert found is not None and found.code == "starttls-not-offered"
    assert "in the clear" in found.next_step


def test_starttls_refused_by_the_server() -> None:
    found = diagnose(Facts(stage="starttls", kind="tls-unavailable",
                           reply=parse(b"454 4.7.0 TLS not available due to local problem\r\n")))
    assert found is not None and found.code == "starttls-refused"


# --- not SMTP, protocol errors, closes and time-outs --------------------------------------


@pytest.mark.parametrize(("first", "service"), [
    (b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/html\r\n", "HTTP"),
    (b"SSH-2.0-OpenSSH_9.6p1 Debian-3\r\n", "SSH"),
    (b"\x16\x03\x03\x00\x5a\x02\x00\x00\x56\x03\x03", "TLS"),
    (b"\x15\x03\x01\x00\x02\x02\x46", "TLS"),
    (b"+OK Dovecot ready.\r\n", "POP3"),
    (b"* OK [CAPABILITY IMAP4rev1] Dovecot ready.\r\n", "IMAP"),
])
def test_recognise_service(first: bytes, service: str) -> None:
    assert recognise_service(first) == service
    found = diagnose(Facts(stage="banner", kind="protocol", reply=None, first_bytes=first,
                           detail="malformed reply line"))
    assert found is not None
    assert found.code == "not-smtp"
    assert service in found.explanation
    assert "port" in found.next_step


@pytest.mark.parametrize("first", [b"", b"220 mx.example.net ESMTP Postfix\r\n",
                                   b"554 go away\r\n", b"\x16"])
def test_smtp_or_nothing_is_not_another_service(first: bytes) -> None:
    assert recognise_service(first) is None


def test_protocol_error_quotes_the_driver_detail() -> None:
    found = diagnose(Facts(stage="ehlo", kind="protocol", reply=None,
                           detail="malformed reply line (no three-digit code): 'hello'"))
    assert found is not None and found.code == "protocol-error"
    assert "no three-digit code" in found.explanation


@pytest.mark.parametrize(("stage", "code"), [
    ("banner", "closed-at-banner"),
    ("rcpt", "connection-closed"),
    ("dot", "closed-after-data"),
    ("starttls", "closed-during-tls"),
])
def test_unexpected_close(stage: str, code: str) -> None:
    found = diagnose(Facts(stage=stage, kind="closed", reply=None))
    assert found is not None and found.code == code


def test_close_after_the_message_warns_about_duplicates() -> None:
    found = diagnose(Facts(stage="dot", kind="closed", reply=None))
    assert found is not None and "duplicate" in found.next_step


def test_a_421_before_the_close_explains_the_close() -> None:
    found = diagnose(Facts(stage="rcpt", kind="closed",
                           reply=parse(b"421 4.3.2 mx.example.net Service shutting down\r\n")))
    assert found is not None and found.code == "service-unavailable"
    waited = diagnose(Facts(stage="rcpt", kind="closed",
                            reply=parse(b"421 4.4.2 mx.example.net Error: timeout exceeded\r\n")))
    assert waited is not None and waited.code == "server-timed-out"  # it waited for us
    assert (waited.fault, waited.confidence) == ("client", "likely")
    assert "step mode" in waited.next_step


def test_time_outs_after_the_greeting() -> None:
    slow = diagnose(Facts(stage="rcpt", kind="timeout", reply=None))
    assert slow is not None and slow.code == "reply-timeout"
    assert "RCPT TO" in slow.explanation
    after_dot = diagnose(Facts(stage="dot", kind="timeout", reply=None))
    assert after_dot is not None and after_dot.code == "dot-timeout"
    assert "duplicate" in after_dot.next_step


def test_failure_at_quit_is_harmless() -> None:
    found = diagnose(Facts(stage="quit", kind="closed", reply=None))
    assert found is not None and found.code == "quit-failed"


def test_ehlo_not_understood_suggests_helo() -> None:
    found = on_reply("ehlo", b"500 5.5.1 Command unrecognized: \"EHLO client.example\"\r\n")
    assert found.code == "ehlo-unsupported"
    assert "HELO" in found.next_step


# --- the fall-back ------------------------------------------------------------------------


def test_unmatched_permanent_reply_is_explained_from_the_tables() -> None:
    found = on_reply("dot", b"554 5.6.0 Transaction failed\r\n")
    assert found.code == "permanent-failure"
    assert found.cause == "Permanent failure: Other media error"
    assert "554: The transaction failed" in found.explanation
    assert "5.6.0: Permanent failure" in found.explanation
    assert "the end of the message" in found.explanation


def test_unmatched_temporary_reply_says_try_later() -> None:
    found = on_reply("rcpt", b"451 4.3.0 <bob@example.org>: Temporary lookup failure\r\n")
    assert found.code == "temporary-failure"
    assert "Try again later" in found.next_step


def test_nonstandard_code_is_explained_by_its_first_digit() -> None:
    found = on_reply("rcpt", b"559 weird\r\n")
    assert found.code == "permanent-failure"
    assert "not a standard one" in found.explanation


def test_a_positive_reply_where_a_failure_was_reported_is_unexpected() -> None:
    found = on_reply("data", b"250 2.0.0 Ok\r\n")
    assert found.code == "unexpected-reply"
    assert found.cause == "Unexpected reply: OK"


def test_nothing_known_gives_no_diagnosis() -> None:
    assert diagnose(Facts(stage="rcpt", kind="reply", reply=None)) is None


_TEXT = st.text(alphabet=string.ascii_letters + string.digits + " .,:;<>@[]{}()-_'\"/=%",
                max_size=120)


@given(code=st.integers(400, 599), text=_TEXT, stage=st.sampled_from(sorted(STAGES)),
       kind=st.sampled_from(sorted(KINDS)))
def test_every_failure_with_a_reply_is_diagnosed(code: int, text: str, stage: str,
                                                 kind: str) -> None:
    reply = parse(f"{code} {text}\r\n".encode())
    found = diagnose(Facts(stage=stage, kind=kind, reply=reply, rcpt_replies=(reply,)))
    assert found is not None
    assert found.code in DIAGNOSES
    assert found.cause and found.explanation and found.next_step
    assert "{" not in found.explanation + found.next_step + found.cause


def test_every_diagnosis_text_is_complete_and_ids_are_stable_slugs() -> None:
    for code, (cause, explanation, next_step) in DIAGNOSES.items():
        assert re.fullmatch(r"[0-9a-z]+(-[0-9a-z]+)*", code), code
        assert cause and not cause.endswith(".")
        assert explanation.endswith(".") and next_step.endswith(".")
        filled = explanation.format(stage="RCPT TO", service="x", detail="y", forward="z")
        assert "{" not in filled


def test_diagnosis_as_dict_for_json() -> None:
    found = on_reply("rcpt", b"550 5.7.1 Relaying denied\r\n")
    assert found.as_dict() == {"code": "relay-denied", "cause": found.cause,
                               "explanation": found.explanation,
                               "next_step": found.next_step, "fault": "sender-account",
                               "confidence": "decided"}


# --- what the code received, not what it usually is -------------------------------------


def test_a_4xx_greeting_other_than_421_is_a_deferral_not_a_close() -> None:
    found = on_reply("banner", b"450 4.3.2 mx2 busy\r\n")
    assert found.code == "greeting-deferred"
    assert "421" not in found.explanation and "closing" not in found.explanation
    closing = on_reply("banner", b"421 4.3.2 mx2 busy, closing\r\n")
    assert closing.code == "service-unavailable" and "421" in closing.explanation


def test_not_accepting_messages_later_on_is_busy_or_permanent_by_its_code() -> None:
    busy = on_reply("mail", b"452 4.3.2 system not accepting network messages\r\n")
    assert busy.code == "service-busy" and "421" not in busy.explanation
    assert "MAIL FROM" in busy.explanation
    closing = on_reply("rcpt", b"421 4.3.2 shutting down\r\n")
    assert closing.code == "service-unavailable"
    permanent = on_reply("data", b"554 5.3.2 system not accepting network messages\r\n")
    assert permanent.code == "permanent-failure"
    assert "421" not in permanent.explanation and "temporary" not in permanent.explanation


# --- AUTH that did not happen -------------------------------------------------------------


@pytest.mark.parametrize(("tls", "code", "advice"), [
    ("off", "plaintext-auth-tls-off", "Turn TLS on"),
    ("not-offered", "plaintext-auth-no-starttls", "enable STARTTLS"),
    ("refused", "plaintext-auth-starttls-refused", "Try again later"),
    ("", "plaintext-auth-refused", "Use TLS"),
])
def test_credentials_kept_back_without_tls(tls: str, code: str, advice: str) -> None:
    detail = "refusing to send credentials without TLS"
    found = diagnose(Facts(stage="auth", kind="auth-plaintext", detail=detail, tls=tls))
    assert found is not None and found.code == code
    assert advice in found.next_step
    assert detail not in found.cause + found.explanation  # said in smtptui's words, once
    assert "transcript" not in found.next_step  # the refusal was local: no server text


@pytest.mark.parametrize(("tls", "code", "wrong"), [
    ("active", "auth-not-offered-over-tls", "STARTTLS first"),
    ("not-offered", "auth-not-offered-no-starttls", "STARTTLS first"),
    ("off", "auth-not-offered-tls-off", "TLS from the start"),
    ("refused", "auth-not-offered-starttls-refused", "STARTTLS first"),
    ("", "auth-not-offered", "{"),
])
def test_no_auth_offered_depends_on_where_tls_stood(tls: str, code: str, wrong: str) -> None:
    found = diagnose(Facts(stage="auth", kind="auth-mech", tls=tls, auth_mechanisms=()))
    assert found is not None and found.code == code
    assert wrong not in found.next_step
    refused = diagnose(Facts(stage="auth", kind="reply", tls=tls,
                             reply=parse(b"502 5.5.1 AUTH not available\r\n")))
    assert refused is not None and refused.code == code


def test_mechanisms_offered_but_none_in_common() -> None:
    found = diagnose(Facts(stage="auth", kind="auth-mech", tls="active",
                           auth_mechanisms=("GSSAPI", "NTLM")))
    assert found is not None and found.code == "no-common-auth-mechanism"
    assert "PLAIN, LOGIN, CRAM-MD5, XOAUTH2" in found.explanation


def test_local_failures_without_a_reply_are_diagnosed() -> None:
    unreachable = diagnose(Facts(stage="connect", kind="connect",
                                 detail="cannot connect to [2001:db8::1]:25: Network is "
                                        "unreachable"))
    assert unreachable is not None and unreachable.code == "connect-failed"
    assert "Network is unreachable" in unreachable.explanation
    endless = diagnose(Facts(stage="auth", kind="auth-rounds", detail="stopped after 5 rounds"))
    assert endless is not None and endless.code == "auth-endless"


# --- an outside audit: never claim more than the reply says -------------------------------

_GMAIL_7_26 = (b"550-5.7.26 This mail has been blocked because the sender is\r\n"
               b"550-5.7.26 unauthenticated. Gmail requires all senders to authenticate with\r\n"
               b"550-5.7.26 either SPF or DKIM.\r\n"
               b"550-5.7.26 \r\n"
               b"550-5.7.26  Authentication results:\r\n"
               b"550-5.7.26  DKIM = did not pass\r\n"
               b"550-5.7.26  SPF [example.com] with ip: [192.0.2.1] = did not pass\r\n"
               b"550-5.7.26 \r\n"
               b"550-5.7.26  For instructions on setting up authentication, go to\r\n"
               b"550 5.7.26  https://support.google.com/mail/answer/81126#authentication x\r\n")

# (stage, the exact reply, the diagnosis code, words it must say, words it must not say),
# each as an audit found it: the reply's own words beat a guess from the code's subject.
AUDIT = [
    # 1. AUTH codes are answers to AUTH only (RFC 4954 §6)
    ("dot", b"554 5.7.9 Message not accepted for policy reasons.  See "
            b"https://postmaster.yahooinc.com/error-codes\r\n",
     "policy-rejected", ("policy",), ("mechanism",)),
    ("dot", b"432 4.3.2 STOREDRV.Deliver; mailbox database thread limit exceeded\r\n",
     "service-busy", ("temporary",), ("PLAIN", "password")),
    ("rcpt", b"550 5.7.13 User account disabled\r\n",
     "mailbox-disabled", ("mailbox", "disabled"), ("credentials",)),
    ("auth", b"534 5.7.9 Authentication mechanism is too weak\r\n", "auth-too-weak",
     ("mechanism",), ()),
    ("auth", b"550 5.7.13 User account disabled\r\n", "account-disabled", ("account",), ()),
    # 2. the words ("not found") beat X.1.10's narrower meaning (null MX)
    ("rcpt", b"550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP "
             b"address lookup\r\n",
     "unknown-recipient", ("does not exist", "spelling"), ("null MX",)),
    # 3. a 4.7.x deferral is greylisting only when it says so
    ("rcpt", b"451 4.7.0 Temporary server error. Please try again later. PRX4 "
             b"[x.outlook.com]\r\n",
     "policy-deferred", ("greylisting", "rate limit", "reputation", "fault", "Try again later"),
     ("Greylisting:",)),
    ("rcpt", b"451 4.7.500 Server busy. Please try again later from [192.0.2.1]. (S77714)\r\n",
     "policy-deferred", ("Try again later",), ()),
    ("mail", b"450 4.7.1 Error: too much mail from [192.0.2.1]\r\n",
     "rate-limited", ("limiting", "later"), ("greylisting",)),
    # 4. a per-client recipient limit is a rate limit, not RFC 5321's per-transaction limit
    ("rcpt", b"450 4.7.1 Error: too many recipients from [192.0.2.1]\r\n",
     "rate-limited", ("recipients", "fewer"), ("another transaction",)),
    ("rcpt", b"452 4.5.3 Error: too many recipients\r\n", "too-many-recipients",
     ("another transaction",), ()),
    # 5. a 4xx is never diagnosed as a permanent condition
    ("rcpt", b"450-4.2.1 The user you are trying to contact is receiving mail at a rate that\r\n"
             b"450-4.2.1 prevents additional messages from being delivered. Please resend your\r\n"
             b"450-4.2.1 message at a later time. If the user is able to receive mail at that\r\n"
             b"450-4.2.1 time, your message will be delivered. For more information, go to\r\n"
             b"450 4.2.1  https://support.google.com/mail/?p=ReceivingRate x - gsmtp\r\n",
     "recipient-rate-limited", ("recipient", "later"), ("disabled",)),
    ("rcpt", b"450 4.1.1 <b@example.net>: Recipient address rejected: unverified address: "
             b"Address verification in progress\r\n",
     "recipient-deferred", ("temporary", "verification", "later"), ("does not exist",)),
    ("rcpt", b"450 4.1.2 <b@example.net>: Recipient address rejected: Domain not found\r\n",
     "recipient-deferred", ("temporary", "later"), ("not valid",)),
    ("rcpt", b"451 4.7.24 <b@example.net>: Recipient address rejected: SPF temporary error "
             b"(DNS timeout)\r\n",
     "spf-temporary", ("temporary", "DNS", "later"), ("Add this server",)),
    ("rcpt", b"450 4.2.1 <b@example.net>: Recipient address rejected: mailbox temporarily "
             b"disabled\r\n",
     "mailbox-deferred", ("temporary", "later"), ("takes no mail",)),
    # 6. X.7.26: several authentication checks failed, not only SPF
    ("dot", _GMAIL_7_26, "sender-authentication-failed", ("SPF", "DKIM", "DMARC"), ()),
    ("rcpt", b"550 5.7.1 Message not authenticated: SPF and DKIM both failed for "
             b"example.com\r\n",
     "sender-authentication-failed", ("SPF", "DKIM"), ("Log in",)),
    ("dot", b"550 5.7.9 This mail has been blocked because the sender is unauthenticated. "
            b"Yahoo requires all senders to authenticate with either SPF or DKIM.\r\n",
     "sender-authentication-failed", ("SPF", "DKIM"), ("mechanism",)),
    # 7. rate wording does not outrank the reply
    ("dot", b"550-5.7.28 [192.0.2.1] Our system has detected an unusual rate of\r\n"
            b"550-5.7.28 unsolicited mail originating from your IP address. To protect our\r\n"
            b"550-5.7.28 users from spam, mail sent from your IP address has been blocked.\r\n"
            b"550 5.7.28  https://support.google.com/mail/?p=UnsolicitedIPError x - gsmtp\r\n",
     "volume-blocked", ("block", "will not help"), ("Wait and try again",)),
    ("dot", b"421-4.7.26 This mail has been rate limited because it is unauthenticated.\r\n"
            b"421-4.7.26 Gmail requires all senders to authenticate with either SPF or DKIM.\r\n"
            b"421 4.7.26  https://support.google.com/mail/answer/81126 x - gsmtp\r\n",
     "sender-authentication-failed", ("SPF", "DKIM"), ()),
    ("rcpt", b"452 4.2.2 <b@example.net>: Recipient address rejected: too many messages in "
             b"mailbox\r\n",
     "mailbox-full", ("quota",), ("limiting",)),
    ("dot", b"554 5.7.1 Your message rated as spam (score 12.3)\r\n",
     "content-rejected", ("content",), ("limiting",)),
    ("dot", b"421-4.7.28 [192.0.2.1] Our system has detected an unusual rate of\r\n"
            b"421 4.7.28 unsolicited mail originating from your IP address.\r\n",
     "rate-limited", ("later",), ()),
    # 8. a list name alone does not put your IP on a DNS block list
    ("dot", b"554 5.7.1 Message rejected by Barracuda content filter: attachment type not "
            b"allowed\r\n",
     "content-rejected", ("attachment",), ("block list",)),
    ("dot", b"554 5.7.1 Message contains a URL listed in Spamhaus DBL: example.biz\r\n",
     "content-rejected", ("link",), ("your sending IP",)),
    ("mail", b"550 5.7.1 Sender address blacklisted\r\n",
     "sender-blocked", ("sender address", "not your IP"), ("DNSBL",)),
    ("rcpt", b"554 5.7.1 <b@example.net>: Recipient address rejected: Blacklisted sender "
             b"domain example.com\r\n",
     "sender-blocked", ("domain",), ("DNSBL",)),
    ("rcpt", b"550 5.1.1 <b@example.net>: User isn't listed in the directory\r\n",
     "unknown-recipient", ("does not exist",), ("block list",)),
    # 9. the MAIL and content fall-backs do not assert a cause
    ("mail", b"550 5.4.5 Daily user sending limit exceeded. For more information on Gmail "
             b"sending limits go to https://support.google.com/a/answer/166852 x - gsmtp\r\n",
     "sending-quota-exceeded", ("sending limit", "resets"), ("may not exist",)),
    ("dot", b"554 Message rejected: Email address is not verified. The following identities "
            b"failed the check in region US-EAST-1: a@example.com\r\n",
     "sender-identity-unverified", ("verif",), ("spam", "virus")),
    ("dot", b"421-4.7.0 [192.0.2.1      15] Our system has detected that this message is\r\n"
            b"421-4.7.0 suspicious due to the nature of the content and/or the links within.\r\n"
            b"421-4.7.0 To best protect our users from spam, the message has been blocked.\r\n"
            b"421 4.7.0  https://support.google.com/mail/answer/188131 x - gsmtp\r\n",
     "content-deferred", ("content", "temporary"), ("overloaded",)),
    ("banner", b"421 4.7.1 [TS03] All messages from 192.0.2.1 will be permanently deferred; "
               b"Retrying will NOT succeed. See https://postmaster.yahooinc.com/error-codes\r\n",
     "reputation-deferred", ("reputation", "sender address will not help"),
     ("try again later",)),
    ("mail", b"550 5.7.501 Access denied, spam abuse detected.\r\n",
     "policy-rejected", ("policy",), ("may not exist",)),
    # 10. the reply names the forwarding address (RFC 5321 §3.4)
    ("rcpt", b"551 5.1.6 User not local; please try <b@example.org>\r\n",
     "recipient-redirected", ("b@example.org", "RFC 5321 §3.4"), ("no forwarding",)),
    ("rcpt", b"550 5.1.6 Mailbox has moved\r\n", "mailbox-moved", ("new address",), ()),
]


@pytest.mark.parametrize(("stage", "raw", "code", "says", "never"), AUDIT)
def test_audit_diagnoses_claim_no_more_than_the_reply(stage: str, raw: bytes, code: str,
                                                      says: tuple[str, ...],
                                                      never: tuple[str, ...]) -> None:
    found = on_reply(stage, raw)
    assert found.code == code
    words = f"{found.cause} {found.explanation} {found.next_step}".lower()
    for word in says:
        assert word.lower() in words, word
    for word in never:
        assert word.lower() not in words, word


def test_a_forwarding_address_that_is_not_a_plain_address_is_not_repeated() -> None:
    found = on_reply("rcpt", b"551 User not local; please try <{x}\x1b[2J@evil>\r\n")
    assert found.code == "user-not-local"
    assert "\x1b" not in found.explanation + found.next_step
    assert "{x}" not in found.explanation + found.next_step


#: Diagnoses whose words say the condition is permanent or that sending again will not help.
PERMANENT_ONLY = {"unknown-recipient", "bad-recipient-domain", "recipient-null-mx",
                  "mailbox-disabled", "content-rejected", "volume-blocked", "policy-rejected",
                  "permanent-failure", "auth-too-weak", "password-transition"}


@given(code=st.integers(400, 499), detail=st.sampled_from(
           ["", "4.1.1 ", "4.1.2 ", "4.1.10 ", "4.2.1 ", "4.7.1 ", "4.7.28 ", "4.6.0 "]),
       text=st.sampled_from(["User unknown", "Domain not found", "mailbox disabled",
                             "spam content", "too many connections", "unusual rate of mail",
                             "Recipient not found", "try again later", ""]),
       stage=st.sampled_from(["rcpt", "mail", "data", "dot"]))
def test_a_temporary_reply_never_gets_a_permanent_diagnosis(code: int, detail: str, text: str,
                                                           stage: str) -> None:
    found = on_reply(stage, f"{code} {detail}{text}\r\n".encode())
    assert found.code not in PERMANENT_ONLY


@pytest.mark.parametrize(("stage", "raw", "code"), [
    ("rcpt", b"550 5.7.1 Mail from 192.0.2.1 refused, see https://www.spamhaus.org/\r\n",
     "blocklisted"),
    ("dot", b"554 5.7.1 Rejected by Barracuda: attachment type not allowed\r\n",
     "content-rejected"),
    ("rcpt", b"421 4.7.0 Too many errors from you, closing connection\r\n",
     "too-many-errors"),
])
def test_list_and_rate_words_need_what_they_are_about(stage: str, raw: bytes,
                                                       code: str) -> None:
    assert on_reply(stage, raw).code == code


def test_every_diagnosis_code_is_in_the_reply_codes_table() -> None:
    doc = (Path(__file__).parents[2] / "docs" / "reply-codes.md").read_text()
    table = " ".join(line for line in doc.splitlines() if line.startswith("| "))
    assert set(re.findall(r"`([a-z0-9-]+)`", table)) == set(DIAGNOSES)

"""Reply-code explanations: every code the RFCs and the IANA registry list, in plain words."""

from __future__ import annotations

import pytest

from smtptui.knowledge.code_tables import BASIC_CODES, ENHANCED_CODES
from smtptui.knowledge.codes import (
    Explanation,
    explain_code,
    explain_enhanced,
    explain_reply,
)
from smtptui.smtp.replies import Reply, ReplyParser

# RFC 5321 §4.2.3, "Reply Codes in Numeric Order", copied from the RFC.
RFC5321_CODES = [211, 214, 220, 221, 250, 251, 252, 354, 421, 450, 451, 452, 455,
                 500, 501, 502, 503, 504, 550, 551, 552, 553, 554, 555]
# RFC 4954 (AUTH) §4 and §6, with RFC 3207 (STARTTLS) §4 sharing 454 and 530.
AUTH_CODES = {334: "RFC 4954", 235: "RFC 4954", 432: "RFC 4954", 454: "RFC 3207",
              500: "RFC 5321", 530: "RFC 3207", 534: "RFC 4954", 535: "RFC 4954",
              538: "RFC 4954"}

# The enumerated codes of the IANA "SMTP Enhanced Status Codes" registry (RFC 3463, RFC 3886,
# RFC 4468, RFC 4954, RFC 5248, RFC 6531, RFC 6710, RFC 7293, RFC 7372, RFC 7505, RFC 8617,
# RFC 8689), with the document that defines each one.
REGISTRY = {
    "X.0.0": "RFC 3463",
    **{f"X.1.{d}": "RFC 3463" for d in range(0, 9)},
    "X.1.9": "RFC 3886", "X.1.10": "RFC 7505",
    **{f"X.2.{d}": "RFC 3463" for d in range(0, 5)},
    **{f"X.3.{d}": "RFC 3463" for d in range(0, 6)},
    "X.3.6": "RFC 6710",
    **{f"X.4.{d}": "RFC 3463" for d in range(0, 8)},
    **{f"X.5.{d}": "RFC 3463" for d in range(0, 6)},
    "X.5.6": "RFC 4954",
    **{f"X.6.{d}": "RFC 3463" for d in range(0, 6)},
    "X.6.6": "RFC 4468", "X.6.7": "RFC 6531", "X.6.8": "RFC 6531", "X.6.9": "RFC 6531",
    "X.6.10": "RFC 6531",
    **{f"X.7.{d}": "RFC 3463" for d in range(0, 8)},
    "X.7.8": "RFC 4954", "X.7.9": "RFC 4954", "X.7.10": "RFC 5248", "X.7.11": "RFC 4954",
    "X.7.12": "RFC 4954", "X.7.13": "RFC 5248", "X.7.14": "RFC 5248", "X.7.15": "RFC 6710",
    "X.7.16": "RFC 6710", "X.7.17": "RFC 7293", "X.7.18": "RFC 7293", "X.7.19": "RFC 7293",
    **{f"X.7.{d}": "RFC 7372" for d in range(20, 27)},
    "X.7.27": "RFC 7505", "X.7.28": "IANA", "X.7.29": "RFC 8617", "X.7.30": "RFC 8689",
}
# RFC 3463 puts each subject's codes in its own section.
RFC3463_SECTIONS = {"0": "§3.1", "1": "§3.2", "2": "§3.3", "3": "§3.4", "4": "§3.5",
                    "5": "§3.6", "6": "§3.7", "7": "§3.8"}


def parse(raw: bytes) -> Reply:
    parser = ReplyParser()
    parser.feed(raw)
    (reply,) = parser.replies()
    return reply


def is_one_sentence(text: str) -> bool:
    return bool(text) and text.endswith(".") and ". " not in text[:-1]


@pytest.mark.parametrize("code", RFC5321_CODES)
def test_every_rfc5321_code_is_explained_with_its_section(code: int) -> None:
    found = explain_code(code)
    assert found is not None
    assert found.code == str(code)
    assert found.reference == "RFC 5321 §4.2.3"
    assert is_one_sentence(found.summary)


@pytest.mark.parametrize(("code", "rfc"), sorted(AUTH_CODES.items()))
def test_auth_and_starttls_codes_cite_their_rfc(code: int, rfc: str) -> None:
    found = explain_code(code)
    assert found is not None
    assert rfc in found.reference
    assert is_one_sentence(found.summary)


@pytest.mark.parametrize(("code", "rfc"), sorted(REGISTRY.items()))
def test_every_registry_code_has_an_entry_citing_its_rfc(code: str, rfc: str) -> None:
    key = code.removeprefix("X.")
    assert key in ENHANCED_CODES, f"{code} from the IANA registry is missing"
    found = explain_enhanced("5." + key)
    assert found is not None
    assert rfc in found.reference
    if rfc == "RFC 3463":
        assert found.reference == f"RFC 3463 {RFC3463_SECTIONS[key.split('.')[0]]}"
    assert is_one_sentence(found.summary)
    assert "not a registered" not in found.summary


def test_the_tables_claim_nothing_beyond_the_rfcs_and_the_registry() -> None:
    assert {f"X.{key}" for key in ENHANCED_CODES} == set(REGISTRY)
    assert set(BASIC_CODES) == set(RFC5321_CODES) | set(AUTH_CODES) | {521, 556}
    assert "RFC 7504" in BASIC_CODES[521][2] and "RFC 7504" in BASIC_CODES[556][2]


def test_every_table_entry_is_a_title_a_sentence_and_a_reference() -> None:
    for title, sentence, reference in [*BASIC_CODES.values(), *ENHANCED_CODES.values()]:
        assert title and not title.endswith(".")
        assert is_one_sentence(sentence), sentence
        assert reference.startswith(("RFC ", "IANA "))


def test_enhanced_code_explanation_starts_with_the_class_meaning() -> None:
    permanent = explain_enhanced("5.7.1")
    assert permanent == Explanation(
        "5.7.1",
        "Permanent failure (sending the same again will not work): the sender is not allowed "
        "to send to this destination (policy, filtering or relaying rules).",
        "RFC 3463 §3.8",
    )
    temporary = explain_enhanced("4.2.2")
    assert temporary is not None
    assert temporary.summary.startswith("Temporary failure")
    assert "mailbox is full" in temporary.summary
    success = explain_enhanced("2.1.5")
    assert success is not None and success.summary.startswith("Success: ")


def test_auth_and_new_codes_read_plainly() -> None:
    assert "password" in explain_enhanced("5.7.8").summary  # type: ignore[union-attr]
    assert "SPF" in explain_enhanced("5.7.23").summary  # type: ignore[union-attr]
    assert "null MX" in explain_enhanced("5.1.10").summary  # type: ignore[union-attr]
    assert explain_enhanced("5.7.30").reference == "RFC 8689"  # type: ignore[union-attr]


def test_unregistered_detail_falls_back_to_the_subject() -> None:
    found = explain_enhanced("5.7.99")
    assert found is not None
    assert found.reference == "RFC 3463 §3.8"
    assert "security or policy" in found.summary
    assert "not a registered code" in found.summary
    unknown_subject = explain_enhanced("4.9.1")
    assert unknown_subject is not None
    assert unknown_subject.reference == "RFC 3463 §2"
    assert unknown_subject.summary.startswith("Temporary failure")


@pytest.mark.parametrize("text", ["", "5.7", "3.1.1", "5.7.1.2", "five", "5.7.1000", "1.1.1"])
def test_things_that_are_not_enhanced_codes_are_not_explained(text: str) -> None:
    assert explain_enhanced(text) is None


def test_leading_zeros_and_the_registry_x_form_are_understood() -> None:
    assert explain_enhanced("5.07.001").code == "5.7.1"  # type: ignore[union-attr]
    generic = explain_enhanced("X.1.1")
    assert generic is not None and generic.summary.startswith("The recipient mailbox")


def test_unlisted_basic_codes_get_their_first_digit_meaning() -> None:
    odd = explain_code(599)
    assert odd is not None
    assert odd.reference == "RFC 5321 §4.2.1"
    assert "repeating the same command will not help" in odd.summary
    assert explain_code(199) is None
    assert explain_code(600) is None


def test_explain_reply_gives_the_basic_code_then_the_enhanced_code() -> None:
    reply = parse(b"550-5.1.1 <nobody@example.org>: Recipient address rejected:\r\n"
                  b"550 5.1.1 User unknown in virtual mailbox table\r\n")
    first, second = explain_reply(reply)
    assert first.code == "550" and first.reference == "RFC 5321 §4.2.3"
    assert second.code == "5.1.1" and second.reference == "RFC 3463 §3.2"
    assert "does not exist" in second.summary


def test_explain_reply_without_an_enhanced_code_gives_only_the_basic_code() -> None:
    (only,) = explain_reply(parse(b"354 End data with <CR><LF>.<CR><LF>\r\n"))
    assert only.code == "354"
    assert "single dot" in only.summary


def test_enhanced_code_of_another_class_is_not_taken() -> None:
    # "250 5.7.1" is contradictory; Reply.enhanced ignores it, so only the basic code is explained.
    assert [item.code for item in explain_reply(parse(b"250 5.7.1 odd\r\n"))] == ["250"]


@pytest.mark.parametrize(("code", "concerns"), [
    ("2.1.0", "sender or recipient address"),
    ("2.6.0", "message content"),
    ("2.7.0", "security or policy"),
    ("2.2.0", "recipient's mailbox"),
])
def test_a_success_code_says_what_it_concerns_not_a_fault(code: str, concerns: str) -> None:
    found = explain_enhanced(code)
    assert found is not None
    assert found.summary.startswith("Success: the request was carried out")
    assert concerns in found.summary
    assert "caused this" not in found.summary and "problem" not in found.summary
    assert is_one_sentence(found.summary)
    assert found.reference.startswith("RFC 3463")


def test_success_codes_with_a_positive_meaning_keep_it() -> None:
    assert explain_enhanced("2.1.5").summary == "Success: the recipient address is valid."  # type: ignore[union-attr]
    assert "no detail" in explain_enhanced("2.0.0").summary  # type: ignore[union-attr]


def test_the_replies_of_a_good_session_read_as_success() -> None:
    for raw in (b"250 2.1.0 Ok\r\n", b"250 2.6.0 <id@example> Queued mail for delivery\r\n",
                b"235 2.7.0 Authentication successful\r\n"):
        _, enhanced = explain_reply(parse(raw))
        assert enhanced.summary.startswith("Success: the request was carried out")

"""The capability meanings table and its verdicts against a session (pure, no Textual)."""

from __future__ import annotations

from smtptui.knowledge.keywords import MEANINGS, SUPPORTED_AUTH, assess, diff, meaning
from smtptui.smtp.capabilities import Capabilities, parse_ehlo
from smtptui.smtp.data import MessageFacts
from smtptui.smtp.replies import ReplyParser
from tests.engine.test_capabilities import SEED_EHLO

BRIEF_KEYWORDS = (
    "SIZE", "PIPELINING", "8BITMIME", "BINARYMIME", "CHUNKING", "DSN", "ENHANCEDSTATUSCODES",
    "SMTPUTF8", "STARTTLS", "AUTH", "ETRN", "TURN", "ATRN", "VRFY", "EXPN", "HELP", "DELIVERBY",
    "MT-PRIORITY", "REQUIRETLS", "LIMITS", "FUTURERELEASE", "NO-SOLICITING", "MTRK", "PRDR",
    "XCLIENT", "XFORWARD", "X-EXPS", "X-LINK2STATE", "XEXCH50", "X-ANONYMOUSTLS", "XUSR",
    "XSHADOW", "XRDST",
)


def caps_of(data: bytes) -> Capabilities:
    parser = ReplyParser()
    parser.feed(data)
    (reply,) = parser.replies()
    return parse_ehlo(reply)


def facts(size: int = 1000, eight_bit: bool = False) -> MessageFacts:
    return MessageFacts(wire_size=size, eight_bit=eight_bit, long_lines=0,
                        lines=20)


def by_keyword(rows):
    return {row.keyword: row for row in rows}


def test_every_keyword_the_brief_names_has_a_meaning_and_a_reference() -> None:
    for keyword in BRIEF_KEYWORDS:
        found = meaning(keyword.lower())
        assert found is not None, keyword
        assert found.summary and "\n" not in found.summary
        assert found.reference
    assert MEANINGS["SIZE"].reference == "RFC 1870"
    assert MEANINGS["STARTTLS"].reference == "RFC 3207"
    assert MEANINGS["AUTH"].reference == "RFC 4954"


def test_seed_sample_rows() -> None:
    rows = assess(caps_of(SEED_EHLO), facts(), tls_active=False)
    table = by_keyword(rows)
    offered = [r.keyword for r in rows if r.offered]
    assert offered == ["TURN", "SIZE", "ETRN", "PIPELINING", "DSN", "ENHANCEDSTATUSCODES",
                       "8BITMIME", "BINARYMIME", "CHUNKING", "VRFY", "X-EXPS", "AUTH",
                       "X-LINK2STATE", "XEXCH50"]  # the plain last line "OK" is no keyword
    assert all(table[k].known for k in offered)
    assert table["X-EXPS"].params == "GSSAPI NTLM LOGIN"
    assert table["X-LINK2STATE"].reference == "Microsoft Exchange"
    # SIZE with no number: no fixed limit, and this message's size beside it.
    assert table["SIZE"].session == "no fixed limit; this message 1.0 kB"
    # AUTH: only LOGIN is one we can use, and it is offered before TLS.
    assert table["AUTH"].session == "usable: LOGIN; before TLS: a password goes in clear"
    assert table["AUTH"].level == "warn"
    # The sample offers no STARTTLS: a watched keyword, listed as not offered.
    assert not table["STARTTLS"].offered
    assert "plain text" in table["STARTTLS"].session and table["STARTTLS"].level == "warn"
    assert not table["SMTPUTF8"].offered
    assert "OK" not in table
    assert table["TURN"].level == "warn"


def test_size_in_mb_against_this_message() -> None:
    caps = caps_of(b"250-mx\r\n250 SIZE 10240000\r\n")
    row = by_keyword(assess(caps, facts(size=2_500_000), False))["SIZE"]
    assert row.session == "max 10.2 MB; this message 2.50 MB: fits"
    assert row.level == "ok"
    too_big = by_keyword(assess(caps, facts(size=11_000_000), False))["SIZE"]
    assert "too big" in too_big.session and too_big.level == "bad"
    close = by_keyword(assess(caps, facts(size=10_000_000), False))["SIZE"]
    assert close.level == "warn" and close.session.endswith("fits, barely")
    unknown_message = by_keyword(assess(caps, None, False))["SIZE"]
    assert unknown_message.session == "max 10.2 MB"


def test_auth_mechanisms_against_what_we_support() -> None:
    caps = caps_of(b"250-mx\r\n250 AUTH GSSAPI NTLM\r\n")
    row = by_keyword(assess(caps, None, True))["AUTH"]
    assert row.level == "bad"
    assert all(m in row.session for m in SUPPORTED_AUTH)
    ok = by_keyword(assess(caps_of(b"250-mx\r\n250 AUTH PLAIN LOGIN CRAM-MD5\r\n"), None, True))
    assert ok["AUTH"].session == "usable: PLAIN, LOGIN, CRAM-MD5"
    assert ok["AUTH"].level == "ok"


def test_eight_bit_message_against_8bitmime() -> None:
    with_8bit = caps_of(b"250-mx\r\n250 8BITMIME\r\n")
    without = caps_of(b"250-mx\r\n250 PIPELINING\r\n")
    row = by_keyword(assess(with_8bit, facts(eight_bit=True), False))["8BITMIME"]
    assert row.level == "ok" and "BODY=8BITMIME" in row.session
    row = by_keyword(assess(without, facts(eight_bit=True), False))["8BITMIME"]
    assert not row.offered and row.level == "bad" and row.session.endswith("will not be sent")
    row = by_keyword(assess(without, facts(eight_bit=False), False))["8BITMIME"]
    assert "7-bit" in row.session and row.level == "info"


def test_starttls_offered_or_not() -> None:
    row = by_keyword(assess(caps_of(b"250-mx\r\n250 STARTTLS\r\n"), None, False))["STARTTLS"]
    assert row.offered and row.level == "ok"
    inside = by_keyword(assess(caps_of(b"250-mx\r\n250 AUTH PLAIN\r\n"), None, True))
    assert not inside["STARTTLS"].offered and "already encrypted" in inside["STARTTLS"].session


def test_help_is_explained_and_every_offered_keyword_explained_or_unknown() -> None:
    caps = caps_of(b"250-mx\r\n250-SIZE 1000\r\n250-XFOO bar\r\n250-WIBBLE\r\n250 HELP\r\n")
    table = by_keyword(assess(caps, None, False))
    assert table["HELP"].reference == "RFC 5321 §4.1.1.8" and table["HELP"].known
    assert table["HELP"].session == "not used; try it in manual mode"
    for row in table.values():
        if row.offered:
            assert row.known or (row.level == "unknown" and row.session), row.keyword


def test_unknown_keywords_listed_as_such() -> None:
    caps = caps_of(b"250-mx\r\n250-X-FROBNICATE on\r\n250 WIBBLE\r\n")
    table = by_keyword(assess(caps, None, False))
    assert table["X-FROBNICATE"].level == "unknown" and not table["X-FROBNICATE"].known
    assert table["X-FROBNICATE"].meaning.startswith("unknown keyword")
    assert table["X-FROBNICATE"].params == "on"
    assert table["WIBBLE"].level == "unknown"


def test_smtputf8_and_limits_against_the_addresses() -> None:
    plain = caps_of(b"250-mx\r\n250 LIMITS RCPTMAX=2\r\n")
    table = by_keyword(assess(plain, None, True, sender="a@example.org",
                              recipients=["b@example.net", "c@example.net", "d@example.net"]))
    assert table["LIMITS"].level == "warn"
    assert table["LIMITS"].session == "3 recipients, 2 per message: the rest get 452"
    utf8 = by_keyword(assess(plain, None, True, sender="jörg@example.org",
                             recipients=["b@example.net"]))
    assert utf8["SMTPUTF8"].level == "bad"


def test_accepts_result_capabilities_dict_and_helo_fallback() -> None:
    table = by_keyword(assess({"size": ["1000"], "AUTH": ["PLAIN"]}, facts(size=10), True))
    assert table["SIZE"].level == "ok" and table["AUTH"].level == "ok"
    assert assess(None, None, False) == []
    helo = assess(Capabilities(greeting="old.example", esmtp=False), None, False)
    assert [r.keyword for r in helo] == ["HELO"]


def test_diff_before_and_after_starttls() -> None:
    before = caps_of(b"250-mx\r\n250-SIZE 1000\r\n250-STARTTLS\r\n250 AUTH GSSAPI\r\n")
    after = caps_of(b"250-mx\r\n250-SIZE 2000\r\n250-AUTH GSSAPI PLAIN LOGIN\r\n250 DSN\r\n")
    lines = diff(before, after)
    assert "AUTH: PLAIN LOGIN added after TLS" in lines
    assert "SIZE changed after TLS: 1000 -> 2000" in lines
    assert "DSN offered only after TLS" in lines
    assert "STARTTLS no longer offered (as expected inside TLS)" in lines
    no_auth_before = caps_of(b"250-mx\r\n250 STARTTLS\r\n")
    assert "AUTH offered only after TLS (GSSAPI PLAIN LOGIN)" in diff(no_auth_before, after)
    assert diff(after, after) == []
    assert diff(None, after) == []

"""What one reply says, line by line: its codes and, in an EHLO reply, each keyword it offers."""

from __future__ import annotations

from smtptui.knowledge.codes import explain_reply
from smtptui.knowledge.keywords import describe
from smtptui.smtp.capabilities import parse_ehlo
from smtptui.smtp.record import record
from smtptui.smtp.replies import Reply


@record(frozen=True)
class Explained:
    """One explanation: what it is about (a code, or a keyword) and one line of text."""

    topic: str
    text: str
    keyword: str = ""  # set when the topic is an EHLO keyword


def reply_notes(stage: str, reply: Reply) -> list[Explained]:
    """The basic code, the enhanced code, then (a 250 reply to EHLO) every keyword offered,
    as the inspector explains them; legacy forms ("AUTH=LOGIN") merged as the inspector does."""
    notes = [Explained(item.code, f"{item.code}: {item.summary} ({item.reference})")
             for item in explain_reply(reply)]
    if stage in ("ehlo", "ehlo-tls") and reply.code == 250:
        for keyword, params in parse_ehlo(reply).keywords.items():
            summary, reference, _ = describe(keyword, params)
            offered = " ".join((keyword, *params))
            where = f" ({reference})" if reference else ""
            notes.append(Explained(keyword, f"{offered}: {summary}{where}", keyword))
    return notes

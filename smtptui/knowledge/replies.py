"""What one reply says: its codes (read for the step it answers) and, in an EHLO reply, each
keyword it offers."""

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
    step = {"ehlo-tls": "ehlo", "ehlo-xclient": "ehlo", "bdat": "dot"}.get(stage, stage)
    notes = [Explained(item.code, f"{item.code}: {item.summary} ({item.reference})")
             for item in explain_reply(reply, step)]
    if stage in ("ehlo", "ehlo-tls", "ehlo-xclient") and reply.code == 250:
        caps = parse_ehlo(reply)
        for keyword, params in caps.keywords.items():
            summary, reference, _ = describe(keyword, params)
            offered = " ".join((keyword, *params))
            where = f" ({reference})" if reference else ""
            legacy = [line for line in caps.legacy if line.upper().startswith(keyword + "=")]
            also = f"; also offered in the legacy form {', '.join(legacy)}" if legacy else ""
            notes.append(Explained(keyword, f"{offered}: {summary}{also}{where}", keyword))
    return notes

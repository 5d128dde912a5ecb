"""`--explain`: after each reply, what its codes mean and (after EHLO) what each keyword offers."""

from __future__ import annotations

from smtptui.knowledge.replies import reply_notes
from smtptui.smtp.transcript import Event
from smtptui.smtp.vocabulary import EventKind


class Explainer:
    """Turns the last line of each reply into the info events that explain the reply."""

    def notes(self, event: Event) -> list[Event]:
        """The explanations to print after ``event`` (none unless it ends a reply)."""
        reply = event.reply
        if event.kind != EventKind.RECV or reply is None or not reply.code \
                or not reply.raw or event.text != reply.raw[-1]:
            return []
        return [Event(event.t, EventKind.INFO, event.stage, note.text, keyword=note.keyword)
                for note in reply_notes(event.stage, reply)]

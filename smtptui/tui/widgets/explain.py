"""ExplainPanel: what the selected transcript line means; the diagnosis of a failed session."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.reactive import var
from textual.widgets import Static

from smtptui.tui.widgets.transcript_rows import SelectedLine

if TYPE_CHECKING:
    from smtptui.knowledge.command_meanings import Note
    from smtptui.net.result import Result

#: What the summary line of a folded message means: (label, summary, reference).
FOLDED = ("message", "The message sent after DATA, folded to this one line; f unfolds it to "
          "show its lines.", "RFC 5321 §4.1.1.4")
HINT = "Move through the transcript with ↑ ↓ PgUp PgDn Home End: the selected line is " \
       "explained here."
_MARKS = {True: "✓", False: "✗", None: "·"}
_CHECK_LEVELS = {True: "ok", False: "problem", None: "note"}


class ExplainPanel(VerticalScroll, can_focus=True):
    """Set ``line`` (the transcript's selected line) and ``result`` (the finished session's).

    A reply line shows its code and enhanced code explained, a command its meaning; any other
    line, once the session has ended, the diagnosis (cause, how sure it is, explanation with
    the side at fault, next step) and the local checks. ``scrub`` filters every text shown.
    Server text is never markup.
    """

    HELP_GROUP = "Explain panel"
    COMPONENT_CLASSES = {
        "explain--label", "explain--title", "explain--reference", "explain--line",
        "explain--cause", "explain--next", "explain--heading", "explain--ok",
        "explain--problem", "explain--note", "explain--hint",
    }

    line: var[SelectedLine | None] = var(None)
    result: var[Result | None] = var(None)

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.scrub: Callable[[str], str] | None = None
        self.heading = ""

    def compose(self) -> ComposeResult:
        yield Static(id="explain-body", markup=False)

    def on_mount(self) -> None:
        self._update()

    def watch_line(self) -> None:
        self._update()

    def watch_result(self) -> None:
        self._update()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        if self.is_mounted:
            self._update()

    @property
    def text(self) -> str:
        """What the panel shows, as plain text (its title first)."""
        heading, body = self.content()
        return f"{heading}\n{body.plain}"

    # -- building the text -----------------------------------------------------------------

    def content(self) -> tuple[str, Text]:
        """The panel's title and text for the current line and result."""
        line, result = self.line, self.result
        text = Text(end="")
        notes: list[Note] = []
        if line is not None and line.kind == "fold":
            from smtptui.knowledge.command_meanings import Note  # the tables, when first needed

            notes = [Note(*FOLDED)]
        elif line is not None and line.kind in ("send", "recv"):
            from smtptui.knowledge.lines import explain_line  # the tables, when first needed

            notes = explain_line(line.kind, line.stage, line.text, line.continued)
        diagnosis = result.diagnosis if result is not None else {}
        if notes:
            shown = notes[:2] if line is not None and line.kind == "recv" else notes[:1]
            heading = "Explain: " + " ".join(note.label for note in shown)
            for note in notes:
                self._note(text, note)
            if line is not None:  # the line in full (a folded message's summary too)
                self._line(text, line)
        elif diagnosis:
            heading = "Diagnosis"
            self._diagnosis(text, diagnosis)
        elif line is not None:
            heading = "Explain"
            self._line(text, line)
        else:
            heading = "Explain"
            text.append(HINT, self._style("hint"))
        if result is not None and not notes:
            self._checks(text, result.checks)
        return heading, text

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(f"explain--{name}", partial=True)

    def _clean(self, text: str) -> str:
        return self.scrub(text) if self.scrub is not None else text

    def _break(self, text: Text) -> None:
        if text.plain:
            text.append("\n")

    def _note(self, text: Text, note: Note) -> None:
        self._break(text)
        text.append(note.label, self._style("label"))
        if note.title:
            text.append(" ")
            text.append(note.title, self._style("title"))
            text.append(" —")
        text.append(" ")
        text.append(note.summary)
        text.append(f" ({note.reference})", self._style("reference"))

    def _line(self, text: Text, line: SelectedLine) -> None:
        self._break(text)
        shown = f"{line.marker} {line.text}" if line.marker else line.text
        text.append(self._clean(shown), self._style("line"))

    def _diagnosis(self, text: Text, diagnosis: Mapping[str, str]) -> None:
        self._break(text)
        text.append("✗ ", self._style("cause"))
        text.append(self._clean(diagnosis.get("cause", "")), self._style("cause"))
        confidence = diagnosis.get("confidence")
        if confidence:
            from smtptui.knowledge.diagnosis_faults import CONFIDENCES

            text.append("\n")
            text.append("Confidence: ", self._style("next"))
            text.append(confidence, self._style("title"))
            text.append(f" ({CONFIDENCES.get(confidence, '')})", self._style("reference"))
        if diagnosis.get("explanation"):
            text.append("\n")
            text.append(self._clean(diagnosis["explanation"]))
        if diagnosis.get("next_step"):
            text.append("\n")
            text.append("Next step: ", self._style("next"))
            text.append(self._clean(diagnosis["next_step"]))

    def _checks(self, text: Text, checks: Iterable[Mapping[str, Any]]) -> None:
        checks = list(checks)
        if not checks:
            return
        self._break(text)
        text.append("Local checks", self._style("heading"))
        for check in checks:
            ok = check.get("ok")
            text.append("\n")
            text.append(f"{_MARKS.get(ok, '·')} ", self._style(_CHECK_LEVELS.get(ok, "note")))
            text.append(str(check.get("name", "")).replace("-", " "), self._style("label"))
            text.append(": ")
            text.append(self._clean(str(check.get("text", ""))))

    def _update(self) -> None:
        if not self.is_mounted:
            return
        self.heading, body = self.content()
        self.border_title = self.heading
        self.query_one("#explain-body", Static).update(body)

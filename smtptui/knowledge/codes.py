"""Reply codes and enhanced status codes in plain words, each with its RFC reference."""

from __future__ import annotations

import re

from smtptui.knowledge.code_tables import (
    BASIC_CLASS_REFERENCE,
    BASIC_CLASSES,
    BASIC_CODES,
    CLASS_REFERENCE,
    CLASSES,
    ENHANCED_CODES,
    SUBJECTS,
    SUCCESS_DETAILS,
    SUCCESS_SUBJECTS,
)
from smtptui.smtp.record import record
from smtptui.smtp.replies import Reply

_ENHANCED = re.compile(r"^([245Xx])\.(\d{1,3})\.(\d{1,3})$")


@record(frozen=True)
class Explanation:
    """One code explained: the code as shown ("550", "5.7.1"), a plain sentence, a reference."""

    code: str
    summary: str
    reference: str


def basic_title(code: int) -> str | None:
    """The short title of a basic reply code ("Mailbox unavailable"), or None when unlisted."""
    entry = BASIC_CODES.get(code)
    return entry[0] if entry else None


def enhanced_title(code: str) -> str | None:
    """The short title of an enhanced status code ("Delivery not authorized"), or None."""
    key = _key(code)
    entry = ENHANCED_CODES.get(key) if key else None
    return entry[0] if entry else None


def explain_code(code: int) -> Explanation | None:
    """Explain a basic reply code; an unlisted 2xx-5xx code gets its first digit's meaning."""
    entry = BASIC_CODES.get(code)
    if entry is not None:
        _, sentence, reference = entry
        return Explanation(str(code), sentence, reference)
    if not 200 <= code <= 599:
        return None
    title, meaning = BASIC_CLASSES[code // 100]
    sentence = f"{title}: {meaning} (the code {code} itself is not a standard one)."
    return Explanation(str(code), sentence, BASIC_CLASS_REFERENCE)


def explain_enhanced(code: str) -> Explanation | None:
    """Explain an RFC 3463 code such as "5.7.1" (class meaning, then the subject and detail)."""
    match = _ENHANCED.match(code.strip())
    if not match:
        return None
    klass, subject, detail = match.group(1), int(match.group(2)), int(match.group(3))
    shown = f"{klass.upper()}.{subject}.{detail}"
    prefix = CLASSES.get(klass, "")
    key = f"{subject}.{detail}"
    entry = ENHANCED_CODES.get(key)
    if klass == "2" and key not in SUCCESS_DETAILS:
        # A success reports a positive action: say what it concerns, not a fault's wording.
        words = SUCCESS_SUBJECTS.get(str(subject), "its subject is not a registered one")
        reference = entry[2] if entry else SUBJECTS.get(str(subject), ("", CLASS_REFERENCE))[1]
        sentence = f"the request was carried out; {words}."
    elif entry is not None:
        _, sentence, reference = entry
    elif str(subject) in SUBJECTS:
        words, reference = SUBJECTS[str(subject)]
        sentence = f"{words} (detail {detail} is not a registered code)."
    else:
        sentence, reference = "the subject of this code is not a registered one.", CLASS_REFERENCE
    summary = f"{prefix}: {sentence}" if prefix else sentence[0].upper() + sentence[1:]
    return Explanation(shown, summary, reference)


def explain_reply(reply: Reply) -> list[Explanation]:
    """The basic code's explanation first, then the enhanced code's when the reply has one."""
    found = [explain_code(reply.code)]
    if reply.enhanced:
        found.append(explain_enhanced(reply.enhanced))
    return [item for item in found if item is not None]


def _key(code: str) -> str | None:
    """ "5.7.1" -> "7.1" (the table key), or None when `code` is not an enhanced code."""
    match = _ENHANCED.match(code.strip())
    return f"{int(match.group(2))}.{int(match.group(3))}" if match else None

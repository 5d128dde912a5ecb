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
#: An enhanced code written in the vendor's own place: "#5.1.0" after the basic code
#: (Exchange 2003, GoDaddy), "(#5.7.1)" at the end (qmail), or "5.1.1" after some words. The
#: subject is one of RFC 3463's (0-7) and the code stands alone: not a part of an IP address
#: ("4.16.55.1") or a version number ("Exim 4.94.2").
_ENHANCED_IN_TEXT = re.compile(
    r"(?:^|(?<=[\s(\[#;:,]))#?([245])\.([0-7])\.(\d{1,3})(?![\d.]|\.\d)(?=[\s)\],;:.]|$)")
#: Codes defined only as answers to AUTH (RFC 4954 §6) or STARTTLS (RFC 3207 §4).
_AUTH_ONLY = {432, 534, 535, 538}
_AUTH_OR_TLS = {454}


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


def explain_code(code: int, stage: str = "") -> Explanation | None:
    """Explain a basic reply code; an unlisted 2xx-5xx code gets its first digit's meaning.
    ``stage`` (the step it answers, "" when not known): a code RFC 4954 defines only as an
    answer to AUTH (432, 534, 535, 538), or only to AUTH and STARTTLS (454), means that only
    there; elsewhere the server uses it in its own sense, read by its first digit."""
    entry = BASIC_CODES.get(code)
    elsewhere = stage and stage != "manual" and (
        (code in _AUTH_ONLY and stage != "auth")
        or (code in _AUTH_OR_TLS and stage not in ("auth", "starttls")))
    if entry is not None and not elsewhere:
        _, sentence, reference = entry
        return Explanation(str(code), sentence, reference)
    if not 200 <= code <= 599:
        return None
    title, meaning = BASIC_CLASSES[code // 100]
    if elsewhere:
        assert entry is not None
        where = "AUTH" if code in _AUTH_ONLY else "AUTH and STARTTLS"
        sentence = (f"{title}: {meaning}. RFC {entry[2].split()[1]} defines {code} only as an "
                    f"answer to {where} ({entry[0].lower()}); at this step it is the server's "
                    "own use of the code, and its words say what it means.")
        return Explanation(str(code), sentence, BASIC_CLASS_REFERENCE)
    sentence = f"{title}: {meaning} (the code {code} itself is not a standard one)."
    if code in _HTTP_LIKE:
        sentence = (f"{code} is not an SMTP reply code: it looks like HTTP's '{_HTTP_LIKE[code]}'"
                    f"; read by its first digit it would be a {title.lower()}, but its words "
                    "say what the server means.")
    return Explanation(str(code), sentence, BASIC_CLASS_REFERENCE)


#: Codes no SMTP RFC defines that some services send with HTTP's meaning (SendGrid's 403).
_HTTP_LIKE = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
              405: "Method Not Allowed", 429: "Too Many Requests"}


def find_enhanced(reply: Reply) -> tuple[str, str] | None:
    """The reply's enhanced status code and where it stood: ("5.7.1", "") in RFC 2034's place,
    at the start of the text; else ("5.7.1", "#5.7.1") as the vendor wrote it elsewhere in the
    first line's text (or, failing that, anywhere in the reply). Its class must agree with the
    basic code's first digit (RFC 3463 §2)."""
    if reply.enhanced:
        return reply.enhanced, ""
    klass = str(reply.code)[:1]
    for line in (reply.lines[:1], reply.lines[1:]):
        for text in line:
            for found in _ENHANCED_IN_TEXT.finditer(text):
                if found.group(1) == klass:
                    code = ".".join((found.group(1), str(int(found.group(2))),
                                     str(int(found.group(3)))))
                    return code, found.group(0)
    return None


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


def explain_reply(reply: Reply, stage: str = "") -> list[Explanation]:
    """The basic code's explanation first (read for ``stage``, see explain_code), then the
    enhanced code's when the reply has one, wherever the vendor wrote it."""
    found = [explain_code(reply.code, stage)]
    enhanced = find_enhanced(reply)
    if enhanced is not None:
        item = explain_enhanced(enhanced[0])
        if item is not None and enhanced[1]:
            item = Explanation(item.code, f"{item.summary} (written as {enhanced[1].strip()} "
                               "in the text, not in RFC 2034's place after the code)",
                               item.reference)
        found.append(item)
    return [item for item in found if item is not None]


def _key(code: str) -> str | None:
    """ "5.7.1" -> "7.1" (the table key), or None when `code` is not an enhanced code."""
    match = _ENHANCED.match(code.strip())
    return f"{int(match.group(2))}.{int(match.group(3))}" if match else None

"""SMTP commands and their parameters in plain words, each with its reference (no UI here)."""

from __future__ import annotations

from smtptui.smtp.record import record


@record(frozen=True)
class Note:
    """One thing explained: a label ("MAIL", "550", "SIZE="), one plain sentence, a reference,
    and a short title when there is one ("Mailbox unavailable")."""

    label: str
    summary: str
    reference: str
    title: str = ""


#: Upper-cased verb -> (one plain sentence, reference).
COMMANDS: dict[str, tuple[str, str]] = {
    "EHLO": ("Extended hello: the client gives its name and asks the server to list the "
             "extensions it supports (the lines of the reply).", "RFC 5321 §4.1.1.1"),
    "HELO": ("Hello, the old form: the client gives its name; no extensions are listed in "
             "reply.", "RFC 5321 §4.1.1.1"),
    "LHLO": ("LMTP's hello: as EHLO, for a local delivery agent.", "RFC 2033 §4.1"),
    "MAIL": ("Starts a message and gives its envelope sender, the return path where bounces "
             "go (not necessarily the From: header).", "RFC 5321 §4.1.1.2"),
    "RCPT": ("Gives one envelope recipient; sent once per recipient, each answered on its own.",
             "RFC 5321 §4.1.1.3"),
    "DATA": ("Asks to send the message itself; after a 354 reply the message follows, ended by "
             "a line holding a single dot.", "RFC 5321 §4.1.1.4"),
    "BDAT": ("Sends one chunk of the message, of the size given (CHUNKING), instead of DATA; "
             "LAST marks the final chunk.", "RFC 3030 §2"),
    "RSET": ("Abandons the message in progress (sender, recipients, data); the connection "
             "stays open.", "RFC 5321 §4.1.1.5"),
    "VRFY": ("Asks whether a user or mailbox exists; most servers answer 252 and tell nothing.",
             "RFC 5321 §4.1.1.6"),
    "EXPN": ("Asks for the members of a mailing list; usually disabled.", "RFC 5321 §4.1.1.7"),
    "HELP": ("Asks the server for help text meant for a human.", "RFC 5321 §4.1.1.8"),
    "NOOP": ("Does nothing: the server answers 250, which shows the connection is alive.",
             "RFC 5321 §4.1.1.9"),
    "QUIT": ("Asks the server to close the connection; it answers 221.", "RFC 5321 §4.1.1.10"),
    "STARTTLS": ("Asks to encrypt the connection; after 220 the TLS hand-shake starts, and the "
                 "client must say EHLO again inside TLS.", "RFC 3207 §4"),
    "AUTH": ("Logs in with the SASL mechanism named (PLAIN, LOGIN, CRAM-MD5...); smtptui never "
             "shows the secret.", "RFC 4954 §4"),
    "ETRN": ("Asks the server to start delivering the mail it holds for a domain.",
             "RFC 1985"),
    "ATRN": ("Authenticated TURN: asks to receive the queued mail over this connection.",
             "RFC 2645"),
    "TURN": ("Asks to swap the client and server roles; obsolete and unsafe.", "RFC 821"),
}

#: Parameters of MAIL FROM and RCPT TO: upper-cased name -> (one plain sentence, reference).
PARAMETERS: dict[str, tuple[str, str]] = {
    "SIZE": ("The message's size in octets, declared in advance so that the server can refuse "
             "a message too large before it is sent.", "RFC 1870 §6"),
    "BODY": ("The kind of body: 7BIT, 8BITMIME (8-bit bytes) or BINARYMIME.",
             "RFC 6152 §2; RFC 3030 §3"),
    "SMTPUTF8": ("The addresses or headers contain UTF-8 (internationalised mail).",
                 "RFC 6531 §3.4"),
    "RET": ("What a delivery status notification returns: FULL message or HDRS only.",
            "RFC 3461 §4.3"),
    "ENVID": ("An identifier of this message, repeated in delivery status notifications.",
              "RFC 3461 §4.4"),
    "NOTIFY": ("When to send a delivery status notification: SUCCESS, FAILURE, DELAY or NEVER.",
               "RFC 3461 §4.1"),
    "ORCPT": ("The original recipient's address, for delivery status notifications.",
              "RFC 3461 §4.2"),
    "AUTH": ("The identity that submitted the message, passed on between trusted servers.",
             "RFC 4954 §5"),
    "REQUIRETLS": ("The message must travel over TLS on every hop, or bounce.", "RFC 8689"),
    "BY": ("A deadline for delivery.", "RFC 2852"),
    "MT-PRIORITY": ("The message's transfer priority.", "RFC 6710"),
    "HOLDFOR": ("Hold the message this many seconds before delivering it.", "RFC 4865"),
    "HOLDUNTIL": ("Hold the message until this time before delivering it.", "RFC 4865"),
}

#: The verbs that take a second word ("MAIL FROM:", "RCPT TO:").
_TWO_WORDS = {"MAIL": "MAIL FROM", "RCPT": "RCPT TO"}

MESSAGE_LINE = Note(
    "message", "A line of the message (the DATA part): headers, a blank line, then the body. "
    "A line that starts with a dot is sent with one more dot (dot-stuffing).",
    "RFC 5321 §4.5.2")
END_OF_DATA = Note(
    ".", "The end of the message: a line holding a single dot. The server now accepts or "
    "refuses the message as a whole.", "RFC 5321 §4.1.1.4")
AUTH_STEP = Note(
    "AUTH", "A step of the login exchange (base64); smtptui never shows the secret.",
    "RFC 4954 §4")


def verb_of(line: str) -> str:
    """The command's verb, upper-cased ("mail from:<a>" -> "MAIL"); "" for an empty line."""
    words = line.split(None, 1)
    return words[0].split(":", 1)[0].upper() if words else ""


def explain_command(line: str, stage: str = "") -> list[Note]:
    """What a line the client sent means: the command first, then each known parameter.

    ``stage`` tells message lines (stage "dot") and login steps (stage "auth") from commands.
    """
    if stage == "dot":
        return [END_OF_DATA if line == "." else MESSAGE_LINE]
    verb = verb_of(line)
    if stage == "auth" and verb not in COMMANDS:
        return [AUTH_STEP]
    entry = COMMANDS.get(verb)
    if entry is None:
        shown = verb[:20] or "(empty line)"
        return [Note(shown, "Not a standard SMTP command; a server that does not know it "
                     "answers 500 or 502.", "RFC 5321 §4.2.4")]
    notes = [Note(_TWO_WORDS.get(verb, verb), *entry)]
    if verb in _TWO_WORDS:
        notes.extend(_parameters(line))
    return notes


def _parameters(line: str) -> list[Note]:
    """The ESMTP parameters after the address: "SIZE=687 BODY=8BITMIME" -> their notes."""
    _, _, rest = line.partition(">")
    notes: list[Note] = []
    for word in rest.split():
        name, equals, _ = word.partition("=")
        entry = PARAMETERS.get(name.upper())
        if entry is not None:
            notes.append(Note(f"{name.upper()}{equals}", *entry))
    return notes

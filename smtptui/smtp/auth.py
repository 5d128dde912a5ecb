"""AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5 and XOAUTH2; every secret line shown redacted."""

from __future__ import annotations

from smtptui.smtp.commands import MAX_COMMAND
from smtptui.smtp.replies import Reply
from smtptui.smtp.scrub import Scrubber, b64
from smtptui.smtp.vocabulary import AUTH_MECHANISMS, Failure

SUPPORTED = AUTH_MECHANISMS
#: The order we choose in when the user does not force a mechanism.
PREFERENCE = ("PLAIN", "LOGIN", "CRAM-MD5")
#: Without TLS (only with --allow-plaintext-auth): CRAM-MD5 first, the one that does not send
#: the password itself.
PREFERENCE_PLAINTEXT = ("CRAM-MD5", "PLAIN", "LOGIN")


def choose_mechanism(wanted: str, offered: tuple[str, ...], tls_active: bool,
                     allow_plaintext: bool, force: bool = False
                     ) -> tuple[str, tuple[Failure, str] | None]:
    """The mechanism to use, or why AUTH cannot go ahead (failure kind and text). A mechanism
    asked for that the server does not offer is refused before anything is sent, unless
    ``force``."""
    if not tls_active and not allow_plaintext:
        return "", (Failure.AUTH_PLAINTEXT, "refusing to send credentials without TLS "
                    "(--allow-plaintext-auth consents to it)")
    wanted = wanted.upper()
    if wanted and (force or wanted in offered):
        return wanted, None
    if wanted:
        what = f"it offers {' '.join(offered)}" if offered else "it offers no AUTH at all"
        return "", (Failure.AUTH_MECH, f"the server does not offer AUTH {wanted} ({what}); "
                    "nothing was sent (--force sends it anyway)")
    if not offered:
        hint = "" if tls_active else " (many servers offer AUTH only after STARTTLS)"
        return "", (Failure.AUTH_MECH, f"the server offers no AUTH mechanism{hint}")
    for mech in PREFERENCE if tls_active else PREFERENCE_PLAINTEXT:
        if mech in offered:
            return mech, None
    return "", (Failure.AUTH_MECH, "no mechanism in common: the server offers "
                f"{' '.join(offered)}; smtptui speaks {' '.join(SUPPORTED)}")


class AuthExchange:
    """One AUTH exchange; it holds the secret, hands out each line with its redacted form,
    and tells `scrubber` every form of the secret it sends."""

    def __init__(self, user: str, secret: str, mechanism: str, scrubber: Scrubber) -> None:
        self.user = user
        self._secret = secret
        self.mechanism = mechanism.upper()
        self._scrubber = scrubber
        self._rounds = 0
        self._deferred: tuple[str, str] | None = None  # an initial response too long to inline
        scrubber.add_secret(secret)
        initial = self._initial_response()
        if initial is not None:
            scrubber.add(initial[0])

    def __repr__(self) -> str:  # never show the secret, not even in a traceback
        return f"AuthExchange(user={self.user!r}, mechanism={self.mechanism!r})"

    def first_line(self) -> tuple[str, str | None]:
        """The AUTH command and what the transcript shows of it.

        PLAIN and XOAUTH2 send their response with the command, unless that would make it
        longer than 512 octets (a long OAuth token): then, as RFC 4954 §4 requires, AUTH goes
        alone and the response answers the server's first 334.
        """
        mech = self.mechanism
        initial = self._initial_response()
        if initial is not None:
            line = f"AUTH {mech} {initial[0]}"
            if len(line) + 2 <= MAX_COMMAND:
                self._deferred = None
                return line, f"AUTH {mech} {initial[1]}"
            self._deferred = initial
        return f"AUTH {mech}", None

    def _initial_response(self) -> tuple[str, str] | None:
        user = self.user
        if self.mechanism == "PLAIN":
            return b64("\x00" + user + "\x00" + self._secret), f"[credentials of {user} redacted]"
        if self.mechanism == "XOAUTH2":
            token = b64("user=" + user + "\x01auth=Bearer " + self._secret + "\x01\x01")
            return token, f"[token of {user} redacted]"
        return None

    def answer(self, challenge: Reply) -> tuple[str, str] | None:
        """The answer to a 334 challenge and its redacted form; None once the mechanism has
        nothing more to say (a server that keeps challenging is then cancelled with "*")."""
        self._rounds += 1
        mech, round_ = self.mechanism, self._rounds
        if mech == "LOGIN":  # user name, then password: two rounds and no more
            if round_ == 1:
                return b64(self.user), f"[user name {self.user} in base64]"
            return (b64(self._secret), "[password redacted]") if round_ == 2 else None
        if mech == "CRAM-MD5":
            return self._cram_md5(challenge) if round_ == 1 else None
        if self._deferred is not None and round_ == 1:  # PLAIN or XOAUTH2 sent without it
            return self._deferred
        if mech == "XOAUTH2" and round_ <= (2 if self._deferred is not None else 1):
            return "", "[empty answer to the error report]"  # the error JSON: answer empty
        return None

    def _cram_md5(self, challenge: Reply) -> tuple[str, str]:
        """RFC 2195: the user name and the HMAC-MD5 of the challenge; the digest is a secret
        too (with the challenge, a transcript holding it allows a dictionary attack)."""
        import base64
        import hashlib  # CRAM-MD5 only: hashlib loads OpenSSL's libcrypto
        import hmac

        text = challenge.lines[0].strip() if challenge.lines else ""
        try:
            challenge_bytes = base64.b64decode(text, validate=True)
        except ValueError:
            challenge_bytes = b""
        digest = hmac.new(self._secret.encode("utf-8"), challenge_bytes, hashlib.md5).hexdigest()
        response = b64(f"{self.user} {digest}")
        self._scrubber.add(digest, response)
        return response, f"[CRAM-MD5 response of {self.user} redacted]"


def typed_shown(line: str, answering_challenge: bool) -> str | None:
    """How a command typed or edited by the user is shown, when it may carry credentials.

    `AUTH MECH initial-response` keeps the mechanism and hides the rest; a line that answers
    a 334 challenge is hidden whole (the cancelling "*" excepted). None: shown as typed.
    """
    words = line.split(None, 2)
    if words and words[0].upper() == "AUTH" and len(words) > 2:
        return f"AUTH {words[1]} [credentials redacted]"
    if answering_challenge and line.strip() != "*":
        return "[credentials redacted]"
    return None


def typed_secret(line: str, answering_challenge: bool) -> str | None:
    """The credential a typed line carries (an AUTH initial response, an answer to 334)."""
    words = line.split(None, 2)
    if words and words[0].upper() == "AUTH" and len(words) > 2:
        return words[2]
    if answering_challenge and line.strip() not in ("*", ""):
        return line
    return None

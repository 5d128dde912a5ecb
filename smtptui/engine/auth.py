"""AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5 and XOAUTH2; every secret line shown redacted."""

from __future__ import annotations

import base64
import hashlib
import hmac

from smtptui.engine.capabilities import Capabilities
from smtptui.engine.errors import InputError
from smtptui.engine.replies import Reply

SUPPORTED = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")
#: The order we choose in when the user does not force a mechanism.
PREFERENCE = ("PLAIN", "LOGIN", "CRAM-MD5")
MAX_ROUNDS = 5


def _b64(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return base64.b64encode(data).decode("ascii")


class AuthExchange:
    """One AUTH exchange; it holds the secret and hands out each line with its redacted form."""

    def __init__(self, user: str, secret: str, mechanism: str = "",
                 allow_plaintext: bool = False, max_rounds: int = MAX_ROUNDS) -> None:
        self.user = user
        self._secret = secret
        self.forced = mechanism.upper()
        self.mechanism = self.forced
        self.allow_plaintext = allow_plaintext
        self.max_rounds = max_rounds
        self._rounds = 0

    def __repr__(self) -> str:  # never show the secret, not even in a traceback
        return f"AuthExchange(user={self.user!r}, mechanism={self.mechanism!r})"

    def check(self, caps: Capabilities, tls_active: bool) -> tuple[str, str] | None:
        """Why AUTH cannot go ahead (kind, text), or None; picks the mechanism."""
        if not tls_active and not self.allow_plaintext:
            return ("auth-plaintext", "refusing to send credentials without TLS (use --tls "
                    "starttls/required/implicit, or --allow-plaintext-auth to consent)")
        offered = caps.auth_mechanisms
        if self.forced:
            self.mechanism = self.forced
            return None
        if not offered:
            hint = "" if tls_active else " (many servers offer AUTH only after STARTTLS)"
            return ("auth-mech", f"the server offers no AUTH mechanism{hint}")
        for mech in PREFERENCE:
            if mech in offered:
                self.mechanism = mech
                return None
        return ("auth-mech", "no mechanism in common: the server offers "
                f"{' '.join(offered)}; smtptui speaks {' '.join(SUPPORTED)}")

    def first_line(self) -> tuple[str, str | None]:
        """The AUTH command and what the transcript shows of it."""
        mech, user = self.mechanism, self.user
        if mech == "PLAIN":
            return "AUTH PLAIN " + self._plain(), f"AUTH PLAIN [credentials of {user} redacted]"
        if mech == "XOAUTH2":
            token = _b64("user=" + user + "\x01auth=Bearer " + self._secret + "\x01\x01")
            return "AUTH XOAUTH2 " + token, f"AUTH XOAUTH2 [token of {user} redacted]"
        return f"AUTH {mech}", None

    def _plain(self) -> str:
        return _b64("\x00" + self.user + "\x00" + self._secret)

    def answer(self, challenge: Reply) -> tuple[str, str] | None:
        """The answer to a 334 challenge and its redacted form; None past max_rounds."""
        self._rounds += 1
        if self._rounds > self.max_rounds:
            return None
        text = challenge.lines[0].strip() if challenge.lines else ""
        try:
            decoded = base64.b64decode(text, validate=True)
        except ValueError:
            decoded = b""
        mech = self.mechanism
        if mech == "LOGIN":
            if decoded.lower().startswith(b"user") or self._rounds == 1:
                return _b64(self.user), f"[user name {self.user} in base64]"
            return _b64(self._secret), "[password redacted]"
        if mech == "CRAM-MD5":
            digest = hmac.new(self._secret.encode("utf-8"), decoded, hashlib.md5).hexdigest()
            return _b64(f"{self.user} {digest}"), f"[CRAM-MD5 response of {self.user} redacted]"
        # PLAIN with an empty initial challenge, XOAUTH2's error JSON, anything else.
        if mech == "PLAIN" and self._rounds == 1:
            return self._plain(), "[credentials redacted]"
        return "", "[empty answer]"


def make_exchange(user: str, secret: str, mechanism: str = "",
                  allow_plaintext: bool = False) -> AuthExchange:
    """Check the user's choice of mechanism and build the exchange."""
    if mechanism and mechanism.upper() not in SUPPORTED:
        raise InputError(f"--auth-mech {mechanism!r}: choose one of {', '.join(SUPPORTED)}")
    if not secret:
        raise InputError("no password (or token) given for AUTH")
    return AuthExchange(user, secret, mechanism, allow_plaintext)


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

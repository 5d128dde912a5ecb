"""AUTH (RFC 4954): PLAIN, LOGIN, CRAM-MD5 and XOAUTH2; every secret line shown redacted."""

from __future__ import annotations

import base64

from smtptui.smtp.capabilities import Capabilities
from smtptui.smtp.commands import MAX_COMMAND
from smtptui.smtp.errors import InputError
from smtptui.smtp.replies import Reply

SUPPORTED = ("PLAIN", "LOGIN", "CRAM-MD5", "XOAUTH2")
#: The order we choose in when the user does not force a mechanism.
PREFERENCE = ("PLAIN", "LOGIN", "CRAM-MD5")
#: Without TLS (only with --allow-plaintext-auth): CRAM-MD5 first, the one that does not send
#: the password itself.
PREFERENCE_PLAINTEXT = ("CRAM-MD5", "PLAIN", "LOGIN")


def _b64(text: str | bytes) -> str:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return base64.b64encode(data).decode("ascii")


class AuthExchange:
    """One AUTH exchange; it holds the secret and hands out each line with its redacted form."""

    def __init__(self, user: str, secret: str, mechanism: str = "",
                 allow_plaintext: bool = False) -> None:
        self.user = user
        self._secret = secret
        self.forced = mechanism.upper()
        self.mechanism = self.forced
        self.allow_plaintext = allow_plaintext
        self._rounds = 0
        self._deferred: tuple[str, str] | None = None  # an initial response too long to inline

    def __repr__(self) -> str:  # never show the secret, not even in a traceback
        return f"AuthExchange(user={self.user!r}, mechanism={self.mechanism!r})"

    def check(self, caps: Capabilities, tls_active: bool) -> tuple[str, str] | None:
        """Why AUTH cannot go ahead (kind, text), or None; picks the mechanism."""
        if not tls_active and not self.allow_plaintext:
            return ("auth-plaintext", "refusing to send credentials without TLS "
                    "(--allow-plaintext-auth consents to it)")
        offered = caps.auth_mechanisms
        if self.forced:
            self.mechanism = self.forced
            return None
        if not offered:
            hint = "" if tls_active else " (many servers offer AUTH only after STARTTLS)"
            return ("auth-mech", f"the server offers no AUTH mechanism{hint}")
        for mech in PREFERENCE if tls_active else PREFERENCE_PLAINTEXT:
            if mech in offered:
                self.mechanism = mech
                return None
        return ("auth-mech", "no mechanism in common: the server offers "
                f"{' '.join(offered)}; smtptui speaks {' '.join(SUPPORTED)}")

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

    def secret_forms(self) -> list[str]:
        """The secret as it could come back in a reply: itself and every encoding sent."""
        forms = [self._secret, _b64(self._secret)]
        initial = self._initial_response()
        if initial is not None:
            forms.append(initial[0])
        return sorted({form for form in forms if len(form) >= 4}, key=len, reverse=True)

    def _initial_response(self) -> tuple[str, str] | None:
        user = self.user
        if self.mechanism == "PLAIN":
            return _b64("\x00" + user + "\x00" + self._secret), f"[credentials of {user} redacted]"
        if self.mechanism == "XOAUTH2":
            token = _b64("user=" + user + "\x01auth=Bearer " + self._secret + "\x01\x01")
            return token, f"[token of {user} redacted]"
        return None

    def answer(self, challenge: Reply) -> tuple[str, str] | None:
        """The answer to a 334 challenge and its redacted form; None once the mechanism has
        nothing more to say (a server that keeps challenging is then cancelled with "*")."""
        self._rounds += 1
        mech, round_ = self.mechanism, self._rounds
        if mech == "LOGIN":  # user name, then password: two rounds and no more
            if round_ == 1:
                return _b64(self.user), f"[user name {self.user} in base64]"
            return (_b64(self._secret), "[password redacted]") if round_ == 2 else None
        if mech == "CRAM-MD5":
            if round_ > 1:
                return None
            text = challenge.lines[0].strip() if challenge.lines else ""
            try:
                decoded = base64.b64decode(text, validate=True)
            except ValueError:
                decoded = b""
            import hashlib  # CRAM-MD5 only: hashlib loads OpenSSL's libcrypto
            import hmac

            digest = hmac.new(self._secret.encode("utf-8"), decoded, hashlib.md5).hexdigest()
            return _b64(f"{self.user} {digest}"), f"[CRAM-MD5 response of {self.user} redacted]"
        if self._deferred is not None and round_ == 1:  # PLAIN or XOAUTH2 sent without it
            return self._deferred
        if mech == "XOAUTH2" and round_ <= (2 if self._deferred is not None else 1):
            return "", "[empty answer to the error report]"  # the error JSON: answer empty
        return None


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


def scrub_reply(reply: Reply, exchange: AuthExchange | None) -> Reply:
    """The reply with any form of the secret in it masked (a server echoing what it got)."""
    if exchange is None:
        return reply
    forms = exchange.secret_forms()
    if not any(form in line for line in reply.raw for form in forms):
        return reply

    def clean(text: str) -> str:
        for form in forms:
            text = text.replace(form, "[redacted]")
        return text

    return Reply(reply.code, tuple(map(clean, reply.lines)), tuple(map(clean, reply.raw)))

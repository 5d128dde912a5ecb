"""Replaying the corpus of real replies: each entry through a scripted loopback server.

``entries()`` loads tests/diagnosis/corpus/*.toml (and, when the environment names one, the
folder ``SMTPTUI_CORPUS``: a held-out corpus in the same format). ``replayer(entry, ...)``
builds the scripted server's handler for one entry: a normal server that gives the entry's
reply at its stage (the greeting, the answer to EHLO, HELO, STARTTLS, AUTH, MAIL, RCPT, DATA,
after the final dot, or QUIT) and plays the session before it as the entry's ``context``
describes, through the ``SETUPS`` below. ``command(entry, ...)`` is the `smtptui run` command
line that goes with it.

How an entry is replayed, by stage (what a server that sends such a reply does next):

- ``banner``, ``mail``, ``rcpt``, ``data``, ``dot``, ``auth``, ``quit``: the reply where it
  belongs, a normal session everywhere else; a 421 closes the connection.
- ``ehlo``: a refusal is followed by a hang-up when the client falls back to HELO (the
  session must fail for the reply to be diagnosed; Exim's "EHLO refused, then closed" case).
- ``helo``: the client is told to speak plain SMTP (``--protocol smtp``), so HELO comes first.
- ``starttls``: EHLO offers STARTTLS and the client requires TLS.
- ``tls``: as the entry's setup says (the server closes after its 220, or answers the
  hand-shake in plain text, or with a TLS alert).

An entry whose last line continues ("553-...": the source shows no more) is ended with a bare
last line carrying its code, so that the reply is complete; nothing else is added to a reply.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.diagnosis.servers import ALERT_INTERNAL_ERROR
from tests.fixtures.scripted import Handler, Peer

CORPUS = Path(__file__).parent / "corpus"
#: A folder of more corpus files (same format), replayed by the same tests when set.
EXTRA = "SMTPTUI_CORPUS"

BANNER = "220 corpus.example ESMTP"
SENDER, RECIPIENT, HELO = "a@example.com", "b@example.net", "client.example"
DIRECT_RECIPIENT = "b@example.test"
PASSWORD_ENV = "SMTPTUI_CORPUS_PASSWORD"



@dataclass(frozen=True)
class Setup:
    """What happens in the session before (and around) an entry's reply, as its context says."""

    direct: bool = False  # the recipient domain's own MX (direct mode), not a smart host
    pipelining: bool = False  # EHLO offers PIPELINING: MAIL, RCPT and DATA go in one write
    rcpt: tuple[str, ...] = ()  # the replies to the RCPTs before the entry's, in order
    recipients: int = 1  # how many recipients the client gives
    authenticated: bool = False  # the client logs in before MAIL
    protocol: str = ""  # --protocol (lmtp, smtp)
    #: stage tls: "close" after the 220, "plaintext" or "alert" to the hand-shake; by default
    #: an entry whose reply is the 220 is followed by a close, any other reply comes in plain
    #: text instead of a ServerHello
    tls: str = ""
    ehlo_in_tls: bool = False  # the entry answers the EHLO inside TLS, not the first one
    long_lines: bool = False  # the message has a line over 998 octets
    note: str = ""


GMAIL_NO_SUCH_USER = ("550-5.1.1 The email account that you tried to reach does not exist. "
                      "Please try", "550-5.1.1 double-checking the recipient's email address "
                      "for typos or", "550-5.1.1 unnecessary spaces. Learn more at",
                      "550 5.1.1 https://support.google.com/mail/answer/6596 "
                      "d72si22370812qhc.8 - gsmtp")

#: Entries whose context needs more than their stage: by id. Context replies come from the
#: entry's own source or from an entry of the same vendor in the corpus.
SETUPS: dict[str, Setup] = {
    "gmail-data-503-rcpt-first": Setup(
        direct=True, pipelining=True, rcpt=("\r\n".join(GMAIL_NO_SUCH_USER),),
        note="the only RCPT refused with Gmail's 550 5.1.1 (gmail-rcpt-5.1.1-nosuchuser-"
             "answer6596), DATA pipelined"),
    "rackspace-data-503-without-rcpt": Setup(
        direct=True, pipelining=True, rcpt=("550 5.7.1 <SHICK@laharpes.com>: Relay access "
                                            "denied.",),
        note="the RCPT refused as in the same log (rackspace-rcpt-relay-denied-dot)"),
    "exim-data-503-all-rcpt-rejected": Setup(
        pipelining=True, rcpt=("550 relay not permitted",),
        note="the RCPT refused with the error the 503 repeats"),
    "postfix-data-421-too-many-errors": Setup(
        recipients=21, rcpt=("550 5.1.1 <x@example.net>: Recipient address rejected: User "
                             "unknown in virtual mailbox table",) * 20,
        note="20 RCPTs refused before the 421 (Postfix's smtpd_hard_error_limit is 20)"),
    "zoho-rcpt-553-relaying-disallowed": Setup(direct=True, note="Gmail delivering to the "
                                               "domain's MX"),
    "rackspace-rcpt-relay-denied-dot": Setup(direct=True, note="exim delivering to the "
                                             "domain's MX"),
    "haraka-ehlo-503-already-said-helo": Setup(ehlo_in_tls=True, note="the EHLO after "
                                               "STARTTLS is refused"),
    "exo-432-4.3.2-concurrent-connections": Setup(authenticated=True,
                                                  note="a submission over SMTP AUTH"),
    "dovecot-lmtp-552-quota-exceeded": Setup(protocol="lmtp", note="LMTP, after the data"),
    "opensmtpd-data-line-too-long-colon": Setup(long_lines=True),
    "opensmtpd-line-too-long": Setup(long_lines=True),
    "webde-501-line-too-long": Setup(long_lines=True),
}


@dataclass
class Entry:
    """One corpus entry, with where it came from."""

    file: str
    data: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.data[name]
        except KeyError:
            raise AttributeError(name) from None

    @property
    def lines(self) -> list[str]:
        """The reply's lines as the server sends them (a last line added when the source
        shows only continuation lines)."""
        lines = self.data["reply"].strip("\n").split("\n")
        if lines[-1][3:4] == "-":
            lines.append(lines[-1][:3])
        return lines

    @property
    def code(self) -> int:
        return int(self.lines[0][:3])

    @property
    def setup(self) -> Setup:
        return SETUPS.get(self.data["id"], Setup())

    @property
    def success(self) -> bool:
        return self.data["expect"] == "none"


def entries() -> list[Entry]:
    """Every entry of the corpus, and of the folder in $SMTPTUI_CORPUS when it is set."""
    folders = [CORPUS]
    if os.environ.get(EXTRA):
        folders.append(Path(os.environ[EXTRA]))
    found = []
    for folder in folders:
        for path in sorted(folder.glob("*.toml")):
            with path.open("rb") as f:
                for data in tomllib.load(f).get("reply", []):
                    found.append(Entry(path.name, data))
    return found


def wire(lines: Sequence[str]) -> bytes:
    return "".join(f"{line}\r\n" for line in lines).encode("utf-8")


def replayer(entry: Entry, tls_context: Any = None) -> Handler:
    """The scripted server's handler for one entry (see the module's docstring)."""
    stage, lines, setup = entry.stage, entry.lines, entry.setup
    code = entry.code
    ehlo = ["250-corpus.example", "250-SIZE 10240000", "250-8BITMIME", "250-ENHANCEDSTATUSCODES"]
    if setup.pipelining:
        ehlo.append("250-PIPELINING")
    if stage in ("starttls", "tls") or setup.ehlo_in_tls:
        ehlo.append("250-STARTTLS")
    if stage == "auth" or setup.authenticated:
        ehlo.append("250-AUTH PLAIN LOGIN")
    ehlo.append("250 HELP")

    async def handler(peer: Peer) -> None:
        _no_delay(peer)
        if stage == "banner":
            await peer.send(wire(lines))
            if code != 220:
                await _until_quit(peer, code)
                return
        else:
            await peer.send(wire([BANNER]))
        rcpt_replies = list(setup.rcpt)
        ehlo_refused = in_tls = False
        while (raw := await peer.readline()) is not None:
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            verb = line.split(" ", 1)[0].split(":", 1)[0].upper()
            if verb in ("EHLO", "LHLO"):
                if stage == "ehlo" and setup.ehlo_in_tls == in_tls:
                    await peer.send(wire(lines))
                    if code == 421:
                        return
                    ehlo_refused = code != 250
                else:
                    await peer.send(wire(ehlo))
            elif verb == "HELO":
                if stage == "helo":
                    await peer.send(wire(lines))
                    if code == 421:
                        return
                elif ehlo_refused:
                    return  # the hang-up that follows the refusal
                else:
                    await peer.send(wire(["250 corpus.example"]))
            elif verb == "STARTTLS":
                if stage == "starttls":
                    await peer.send(wire(lines))
                    if code != 220:
                        continue
                elif stage == "tls":
                    if not await _tls_failure(peer, entry):
                        return
                    continue
                else:
                    await peer.send(wire(["220 2.0.0 Ready to start TLS"]))
                if not await peer.starttls(tls_context):
                    return
                in_tls = True
            elif verb == "AUTH":
                if stage == "auth":
                    if not await _auth(peer, lines, code):
                        return
                else:
                    await peer.send(wire(["235 2.7.0 Authentication successful"]))
            elif verb == "MAIL":
                await _answer(peer, lines if stage == "mail" else ["250 2.1.0 Ok"])
                if stage == "mail" and code == 421:
                    return
            elif verb == "RCPT":
                if rcpt_replies:
                    await _answer(peer, rcpt_replies.pop(0).split("\r\n"))
                elif stage == "rcpt":
                    await peer.send(wire(lines))
                    if code == 421:
                        return
                else:
                    await peer.send(wire(["250 2.1.5 Ok"]))
            elif verb == "DATA":
                if stage == "data":
                    await peer.send(wire(lines))
                    if code == 421:
                        return
                    if code != 354:
                        continue
                else:
                    await peer.send(wire(["354 End data with <CR><LF>.<CR><LF>"]))
                await peer.read_data()
                await peer.send(wire(lines if stage == "dot" else ["250 2.0.0 Ok: queued"]))
                if stage == "dot" and code == 421:
                    return
            elif verb == "QUIT":
                await peer.send(wire(lines if stage == "quit" else ["221 2.0.0 Bye"]))
                return
            elif verb in ("RSET", "NOOP"):
                await peer.send(wire(["250 2.0.0 Ok"]))
            else:
                await peer.send(wire(["502 5.5.2 Error: command not recognized"]))

    return handler


async def _answer(peer: Peer, lines: Sequence[str]) -> None:
    await peer.send(wire(lines))


async def _until_quit(peer: Peer, code: int) -> None:
    """After a refused greeting: a 421 closes at once; otherwise QUIT is answered."""
    if code == 421:
        return
    while (raw := await peer.readline()) is not None:
        if raw.upper().startswith(b"QUIT"):
            await peer.send(wire(["221 2.0.0 Bye"]))
            return
        await peer.send(wire(["503 5.5.1 Error: send QUIT"]))


async def _auth(peer: Peer, lines: Sequence[str], code: int) -> bool:
    """AUTH answered with the entry's reply; a 334 challenge is followed through to 235."""
    await peer.send(wire(lines))
    if code == 334:
        if await peer.readline() is None:
            return False
        await peer.send(wire(["334 UGFzc3dvcmQ6"]))
        if await peer.readline() is None:
            return False
        await peer.send(wire(["235 2.7.0 Authentication successful"]))
    return code != 421


async def _tls_failure(peer: Peer, entry: Entry) -> bool:
    """Stage tls: the hand-shake fails as the entry's setup says; False: the server is done."""
    how = entry.setup.tls or ("close" if entry.code == 220 else "plaintext")
    if how == "close":
        await peer.send(wire(entry.lines))  # the 220, then the hang-up
        return False
    await peer.send(wire(["220 2.0.0 Ready to start TLS"]))
    await peer.read_bytes(5)  # the start of the client's ClientHello
    if how == "alert":
        await peer.send(ALERT_INTERNAL_ERROR)
    else:  # "plaintext": the entry's reply, in plain text, instead of a ServerHello
        await peer.send(wire(entry.lines))
    await peer.sleep(0.2)
    return False


def _no_delay(peer: Peer) -> None:
    """Each reply goes out at once (no 40 ms wait for a delayed ACK between two writes)."""
    import socket

    transport = getattr(peer, "_transport", None)
    sock = transport.get_extra_info("socket") if transport is not None else None
    if sock is not None:
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def command(entry: Entry, server: Any, *, dns: Any = None, ca_file: str = "",
            eml: str = "") -> list[str]:
    """The `smtptui run` arguments that replay ``entry`` against ``server``."""
    setup, stage = entry.setup, entry.stage
    recipient = DIRECT_RECIPIENT if setup.direct else RECIPIENT
    recipients = [recipient] + [f"r{i}@{recipient.split('@')[1]}"
                                for i in range(1, setup.recipients)]
    args = ["run", "--from", SENDER, "--helo", HELO]
    for address in recipients:
        args += ["--to", address]
    if setup.direct:
        args += ["--direct", "--dns", dns.address, "--port", str(server.port)]
    else:
        args += ["--server", f"{server.host}:{server.port}"]
    if stage in ("starttls", "tls") or setup.ehlo_in_tls:
        args += ["--tls", "required", "--ca", ca_file]
    else:
        args += ["--tls", "off"]
    if stage == "auth" or setup.authenticated:
        args += ["--auth-user", "alice", "--password-env", PASSWORD_ENV,
                 "--allow-plaintext-auth"]
        if entry.code == 334:
            args += ["--auth-mech", "LOGIN"]
    if stage == "helo":
        args += ["--protocol", "smtp"]
    elif setup.protocol:
        args += ["--protocol", setup.protocol]
    if not setup.pipelining:
        args.append("--no-pipeline")
    if eml:
        args += ["--eml", eml]
    return args


@dataclass
class Seen:
    """What one replay printed: the JSON events, the result, and the text run's lines."""

    events: list[dict[str, Any]]
    text: str = ""
    infos: list[str] = field(default_factory=list)

    @property
    def result(self) -> dict[str, Any]:
        return self.events[-1]

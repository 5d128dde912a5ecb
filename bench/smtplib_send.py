"""The smtplib peer of the headless benchmark: one session (EHLO, MAIL, RCPT, DATA, QUIT).

    python bench/smtplib_send.py --server 127.0.0.1:PORT --from A --to B [--eml FILE]

Without --eml it composes a small test message like `smtptui run` does (Date, Message-ID,
From, To, Subject). With --eml it does what a script using smtplib usually does: read the
file and hand it to `sendmail`. Exit 0 when the message was accepted, 1 otherwise.
"""

from __future__ import annotations

import argparse
import smtplib
import sys
from email.utils import formatdate, make_msgid
from pathlib import Path


def compose(sender: str, recipient: str) -> bytes:
    """A small test message with the same header fields as smtptui's composed one."""
    when = formatdate(localtime=True)
    lines = [f"Date: {when}", f"Message-ID: {make_msgid('smtplib', domain='localhost')}",
             f"From: <{sender}>", f"To: <{recipient}>", f"Subject: test {when}",
             "", "This is a test mailing sent by smtplib.", ""]
    return "\r\n".join(lines).encode()


def main() -> int:
    """Send one message and QUIT; the exit code says whether it was accepted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", required=True, help="HOST:PORT")
    parser.add_argument("--from", dest="sender", required=True)
    parser.add_argument("--to", required=True)
    parser.add_argument("--eml", help="the message file (default: a composed test message)")
    args = parser.parse_args()
    host, _, port = args.server.rpartition(":")
    data = Path(args.eml).read_bytes() if args.eml else compose(args.sender, args.to)
    try:
        with smtplib.SMTP(host, int(port), local_hostname="localhost", timeout=60) as smtp:
            refused = smtp.sendmail(args.sender, [args.to], data)
    except (smtplib.SMTPException, OSError) as exc:
        print(f"smtplib_send: {exc}", file=sys.stderr)
        return 1
    return 1 if refused else 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The message's options (issue 16): --header, --add-header, --eml - (and swaks' --data),
--attach with --attach-type and --attach-name, and the null sender's From, checked against the
bytes a real loopback server received."""

from __future__ import annotations

import email
import email.policy

from tests.cli.helpers import smtptui


def parsed(data: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(data, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


# -- the null sender's From ----------------------------------------------------------------------

def test_the_null_sender_s_composed_message_has_a_from_that_parses(smtpd) -> None:
    server = smtpd()
    run = smtptui("run", "--server", f"127.0.0.1:{server.port}", "--helo", "client.example",
                  "--tls", "off", "--from", "", "--to", "b@example.net")
    assert run.code == 0, run.out + run.err
    (got,) = server.wait_for_messages(1)
    assert got.mail_from == "<>"
    header = parsed(got.data)["From"]
    assert header.defects == ()
    (mailbox,) = header.addresses
    assert mailbox.addr_spec == "MAILER-DAEMON@client.example"

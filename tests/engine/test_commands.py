"""Command building and the refusal of control characters in arguments."""

import pytest

from smtptui.smtp.commands import check_address, command_line, mail_from
from smtptui.smtp.errors import InputError, LocalProtocolError


@pytest.mark.parametrize("bad", ["a@b.c\r\nRCPT TO:<x@y>", "a\n@b", "a@b\x00", "a@b\x1b[31m"])
def test_control_characters_refused(bad: str) -> None:
    with pytest.raises(LocalProtocolError, match="control character"):
        check_address(bad, "sender")
    with pytest.raises(LocalProtocolError):
        command_line(f"MAIL FROM:<{bad}>")


@pytest.mark.parametrize("bad", ["plain", "a@", "@b", "a b@c", "a@b..c"])
def test_malformed_addresses(bad: str) -> None:
    with pytest.raises(InputError, match="not a valid mail address"):
        check_address(bad, "recipient")


def test_command_bytes() -> None:
    assert command_line(mail_from("a@b.c", size=10, body="8BITMIME")) == (
        b"MAIL FROM:<a@b.c> SIZE=10 BODY=8BITMIME\r\n")
    assert check_address("<x@y.z>", "r") == "x@y.z"
    assert check_address("", "sender", allow_null=True) == ""

"""Whether a certificate's names cover the server name (RFC 6125), for --no-verify's verdict."""

from __future__ import annotations

import pytest

from smtptui.net.tls import names_match


@pytest.mark.parametrize("sans, name, expected", [
    (["DNS:mx.example.net"], "MX.Example.NET.", True),
    (["DNS:*.example.net"], "mx.example.net", True),
    (["DNS:*.example.net"], "a.mx.example.net", False),  # one label only
    (["DNS:*.example.net"], "example.net", False),
    (["DNS:mx.example.net"], "mx2.example.net", False),
    (["IP Address:127.0.0.1"], "127.0.0.1", True),
    (["IP Address:::1"], "[::1]", True),
    (["DNS:127.0.0.1"], "127.0.0.2", False),
    ([], "mx.example.net", False),
])
def test_names_match(sans: list[str], name: str, expected: bool) -> None:
    assert names_match(sans, name) is expected

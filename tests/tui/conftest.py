"""Fixtures shared by the workbench's tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from smtptui.tui.demo import DemoServer


@pytest.fixture
def demo() -> Iterator[DemoServer]:
    """The demo server and its temporary profiles folder."""
    with DemoServer() as server:
        yield server

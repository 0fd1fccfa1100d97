"""Fixtures of the chat tests: a real IRC server on loopback (skipped with its reason, or
failed under STREAMKIT_REQUIRE_REAL_OBS=1 where the test bed must run)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from tests.chat.ircd import IrcServer, unavailable
from tests.realobs import TestBedUnavailable


@pytest.fixture
def irc_factory() -> Iterator[Callable[..., IrcServer]]:
    """Start an ngircd with options (password=, tls=, port=); stopped after the test."""
    started: list[IrcServer] = []

    def start(**options) -> IrcServer:
        server = IrcServer(**options)
        started.append(server)
        try:
            return server.start()
        except TestBedUnavailable as exc:
            unavailable(str(exc))
            raise

    yield start
    for server in started:
        server.cleanup()


@pytest.fixture
def irc_server(irc_factory) -> IrcServer:
    """A plain-TCP ngircd on loopback."""
    return irc_factory()

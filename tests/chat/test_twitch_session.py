"""The client through a whole Twitch session (TLS, CAP, anonymous login, tags, moderation,
RECONNECT), served from lines in Twitch's recorded shape by a loopback server."""

from __future__ import annotations

import logging
import queue
import time

import pytest

from streamkit.chat.client import ChatClient
from streamkit.chat.errors import ChatAuthFailed
from streamkit.obs.types import ConnectionState
from tests.chat.twitchreplay import TwitchReplay
from tests.realobs import ISSUED_SECRETS

CHANNEL = "serverlessmeetup"


@pytest.fixture
def twitch():
    server = TwitchReplay()
    yield server
    server.close()


def _client(server: TwitchReplay, **options) -> ChatClient:
    return ChatClient(
        CHANNEL,
        host=server.host,
        port=server.port,
        ssl_context=server.client_context(),
        timeout=5,
        **options,
    )


def test_a_twitch_session_end_to_end(twitch):
    messages: queue.Queue = queue.Queue()
    deletions: list = []
    states: list = []
    with _client(twitch) as client:
        client.on_message(messages.put)
        client.on_deletion(deletions.append)
        client.add_state_listener(states.append)
        client.connect()
        got = [messages.get(timeout=5) for _ in range(9)]
        deadline = time.monotonic() + 5
        while len(twitch.received) < 2 or not client.connected:  # RECONNECT: back at once
            assert time.monotonic() < deadline, states
            time.sleep(0.02)
    first = twitch.received[0]
    assert first[0] == "CAP REQ :twitch.tv/tags twitch.tv/commands"
    assert first[1].startswith("NICK justinfan") and first[1][14:].isdigit()
    assert not any(line.startswith("PASS") for line in first)  # anonymous: no password at all
    assert f"JOIN #{CHANNEL}" in first
    assert "PONG :tmi.twitch.tv" in first
    assert [m.author for m in got[:3]] == ["ServerlessMeetup", "Mod_Marta", "ByteBert"]
    assert [m.role for m in got[:4]] == ["broadcaster", "moderator", "subscriber", "vip"]
    assert got[2].text == "Q: Does the fallback scene kick in when the uplink drops?"
    assert len(deletions) >= 3  # the replay serves its session again after each RECONNECT
    assert [bool(d.message_id) for d in deletions[:3]] == [True, False, False]
    reconnect = next(s for s in states if s.state is ConnectionState.RECONNECTING)
    assert reconnect.detail == "the server asked us to reconnect" and reconnect.attempt == 1
    assert reconnect.retry_at is not None and reconnect.retry_at - time.monotonic() < 1


def test_twitch_refusing_a_token_is_an_auth_failure_that_never_shows_it(caplog):
    token = "oauth:" + "k" * 8 + str(time.time_ns())
    ISSUED_SECRETS.append(token)
    server = TwitchReplay(refuse_login=True)
    caplog.set_level(logging.DEBUG, logger="streamkit.chat")
    try:
        with pytest.raises(ChatAuthFailed) as caught:
            _client(server, nick="mymeetup", token=token).connect()
    finally:
        server.close()
    assert "Login authentication failed" in str(caught.value)
    assert "chat.token" in str(caught.value)
    assert token not in str(caught.value) and token not in caplog.text
    sent = server.received[0]
    assert sent[1] == "PASS " + token  # it went to the server, and only there
    assert sent[2] == "NICK mymeetup"


@pytest.mark.parametrize("msg_id", ["msg_channel_suspended", "msg_banned"])
def test_a_channel_twitch_refuses_is_a_refusal_not_a_retry(msg_id):
    from streamkit.chat.errors import ChatRefused
    from tests.chat.twitchlines import documented

    notice = documented("NOTICE")[2].replace("msg_channel_suspended", msg_id)
    server = TwitchReplay(refuse_join=notice)
    states: list = []
    try:
        started = time.monotonic()
        with pytest.raises(ChatRefused) as caught:
            ChatClient(
                "suspendedmeetup",
                host=server.host,
                port=server.port,
                ssl_context=server.client_context(),
                timeout=5,
            ).connect()
        assert time.monotonic() - started < 3  # at once, not after the join timeout
        assert "does not exist or has been suspended" in str(caught.value)
        client = ChatClient(
            "suspendedmeetup",
            host=server.host,
            port=server.port,
            ssl_context=server.client_context(),
            timeout=5,
            backoff_start=0.05,
        )
        client.add_state_listener(states.append)
        client.start()
        deadline = time.monotonic() + 5
        while client.state is not ConnectionState.FAILED:
            assert time.monotonic() < deadline, states
            time.sleep(0.02)
        client.close()
    finally:
        server.close()
    assert isinstance(client.failure, ChatRefused)
    assert not any(s.state is ConnectionState.RECONNECTING for s in states)

"""The chat client against a real IRC server (ngircd) on loopback: login, join, messages,
reconnects, TLS, refusals, and a token that never shows."""

from __future__ import annotations

import logging
import os
import queue
import signal
import ssl
import threading
import time

import pytest

from streamkit.chat.client import ChatClient
from streamkit.chat.errors import ChatAuthFailed, ChatRefused, ChatUnreachable
from streamkit.errors import UsageError
from streamkit.obs.types import ConnectionState
from tests.chat.ircd import IrcServer, Poster
from tests.realobs import ISSUED_SECRETS, free_port

CHANNEL = "meetup"


def _client(server: IrcServer, **options) -> ChatClient:
    options = {"timeout": 5.0, "backoff_start": 0.1, "backoff_cap": 0.5, **options}
    return ChatClient(CHANNEL, host=server.host, port=server.port, tls=False, **options)


def _until(condition, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


@pytest.fixture
def poster(irc_server):
    said = Poster(irc_server, "ada", CHANNEL)
    yield said
    said.close()


def test_anonymous_login_join_and_messages_in_order(irc_server):
    got: queue.Queue = queue.Queue()
    states: list[ConnectionState] = []
    with _client(irc_server) as client:
        client.on_message(got.put)
        client.add_state_listener(lambda change: states.append(change.state))
        client.connect()
        assert client.nick.startswith("justinfan")
        poster = Poster(irc_server, "ada", CHANNEL)
        for n in range(30):
            poster.say(f"message {n} [b]not bold[/b]")
        poster.say("Q: does it reconnect?")
        messages = [got.get(timeout=5) for _ in range(31)]
        poster.close()
    assert [m.text for m in messages[:30]] == [f"message {n} [b]not bold[/b]" for n in range(30)]
    assert messages[-1].text == "Q: does it reconnect?"
    assert {(m.login, m.author, m.channel) for m in messages} == {("ada", "ada", CHANNEL)}
    assert states == [ConnectionState.CONNECTING, ConnectionState.CONNECTED, ConnectionState.CLOSED]


def test_reconnects_after_a_server_restart_and_reads_on(irc_server):
    got: queue.Queue = queue.Queue()
    states: list[tuple[ConnectionState, str]] = []
    with _client(irc_server) as client:
        client.on_message(got.put)
        client.add_state_listener(lambda change: states.append((change.state, change.detail)))
        client.connect()
        irc_server.restart()
        _until(lambda: states[-1][0] is ConnectionState.CONNECTED and len(states) > 2)
        poster = Poster(irc_server, "bob", CHANNEL)
        poster.say("still there?")
        assert got.get(timeout=5).text == "still there?"
        poster.close()
    reconnecting = [detail for state, detail in states if state is ConnectionState.RECONNECTING]
    assert reconnecting and "Server going down" in reconnecting[0]


def test_a_silent_server_is_noticed_and_left(irc_server):
    """ngircd frozen (SIGSTOP): no line arrives; the client pings, then reconnects."""
    states: list[ConnectionState] = []
    with _client(irc_server, idle_s=0.3, ping_timeout=0.5) as client:
        client.add_state_listener(lambda change: states.append(change.state))
        client.connect()
        os.kill(irc_server.process.pid, signal.SIGSTOP)
        try:
            _until(lambda: ConnectionState.RECONNECTING in states, timeout=5)
        finally:
            os.kill(irc_server.process.pid, signal.SIGCONT)
        _until(lambda: client.connected, timeout=10)


def test_start_keeps_trying_until_the_server_is_there(irc_factory):
    port = free_port()
    states: list = []
    with ChatClient(
        CHANNEL, host="127.0.0.1", port=port, tls=False, backoff_start=0.1, backoff_cap=0.3
    ) as client:
        client.add_state_listener(states.append)
        client.start()
        _until(lambda: any("Connection refused" in change.detail for change in states))
        irc_factory(port=port)
        _until(lambda: client.connected)
    assert states[0].state is ConnectionState.CONNECTING
    assert states[1].state is ConnectionState.RECONNECTING and states[1].attempt == 1


def test_an_unreachable_server_is_one_clear_error():
    port = free_port()
    with pytest.raises(ChatUnreachable) as caught:
        ChatClient(CHANNEL, host="127.0.0.1", port=port, tls=False, timeout=2).connect()
    assert f"cannot reach the chat server 127.0.0.1:{port}" in str(caught.value)
    assert "chat.host/chat.port" in str(caught.value)


def test_tls_with_a_trusted_certificate_and_a_refused_one(irc_factory):
    server = irc_factory(tls=True)
    trusted = ssl.create_default_context(cafile=str(server.cert))
    with ChatClient(
        CHANNEL, host=server.host, port=server.tls_port, tls=True, ssl_context=trusted, timeout=5
    ) as client:
        client.connect()
        assert client.connected
    with pytest.raises(ChatUnreachable) as caught:
        ChatClient(CHANNEL, host=server.host, port=server.tls_port, tls=True, timeout=5).connect()
    assert "TLS" in str(caught.value) and "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    with pytest.raises(ChatUnreachable):  # TLS spoken to a plain port
        ChatClient(CHANNEL, host=server.host, port=server.port, tls=True, timeout=2).connect()


def test_a_refused_channel_is_not_retried(irc_server, poster):
    poster.send(f"MODE #{CHANNEL} +k secret-key")
    time.sleep(0.2)
    with pytest.raises(ChatRefused) as caught:
        _client(irc_server).connect()
    assert f"refused to join #{CHANNEL}" in str(caught.value)


def test_the_token_logs_in_posts_and_never_shows(irc_factory, caplog):
    token = "tok" + os.urandom(8).hex()
    ISSUED_SECRETS.append(token)  # the session's DEBUG log is checked for it too
    server = irc_factory(password=f"oauth:{token}")
    caplog.set_level(logging.DEBUG, logger="streamkit.chat")  # whatever earlier tests set
    refused = _client(server, nick="host", token=token + "x")
    with pytest.raises(ChatAuthFailed) as caught:
        refused.connect()
    assert "refused the login" in str(caught.value)
    assert refused.failure is caught.value and refused.state is ConnectionState.FAILED
    listener = Poster(server, "ada", CHANNEL)
    with _client(server, nick="host", token=token) as client:
        client.connect()
        assert client.send("hello\r\nQUIT :smuggled") == "hello QUIT :smuggled"
        listener._wait_for(f"PRIVMSG #{CHANNEL} :hello QUIT :smuggled")
        text = repr(client) + str(client.__dict__)
    listener.close()
    assert token not in text
    assert token not in str(caught.value) and token not in repr(caught.value)
    assert token not in caplog.text
    assert "login as host" in caplog.text  # the login line was logged, without its token


def test_posting_without_a_token_says_what_to_set(irc_server):
    with _client(irc_server) as client:
        client.connect()
        with pytest.raises(UsageError) as caught:
            client.send("hi")
    assert "chat.token" in str(caught.value)


def test_close_during_reconnect_leaves_no_thread(irc_server):
    client = _client(irc_server, backoff_start=5.0, backoff_cap=5.0)
    client.connect()
    irc_server.stop()
    _until(lambda: client.state is ConnectionState.RECONNECTING)
    started = time.monotonic()
    client.close()
    assert time.monotonic() - started < 2
    assert client.state is ConnectionState.CLOSED
    assert not [t for t in threading.enumerate() if t.name == "chat-reader"]

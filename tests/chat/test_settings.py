"""The `chat:` section, read through its own model as the config file composes it."""

from __future__ import annotations

import pytest
from pydantic import Field

from streamkit.chat.settings import ChatSettings
from streamkit.config_base import Section, yaml_to_model
from streamkit.errors import ConfigError


class _WithChat(Section):
    """A config file holding only the chat section (how streamkit.yaml will hold it)."""

    chat: ChatSettings = Field(default_factory=ChatSettings)


def _load(text: str) -> ChatSettings:
    model, _ = yaml_to_model(text, "streamkit.yaml", _WithChat, shape="a mapping")
    return model.chat


def test_defaults_read_twitch_anonymously_over_tls():
    chat = _load("chat: {channel: '#ServerlessMeetup'}\n")
    assert (chat.channel, chat.host, chat.port, chat.tls) == (
        "serverlessmeetup",
        "irc.chat.twitch.tv",
        6697,
        True,
    )
    assert chat.token is None and chat.nick == ""
    assert chat.template == "{author}: {text}"


def test_errors_name_file_line_and_field():
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  channel: meetup\n  template: '{user} asks {text}'\n")
    assert "streamkit.yaml:3: chat.template: unknown placeholder {user}" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  channel: 'no spaces allowed'\n")
    assert "streamkit.yaml:2: chat.channel:" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  chanel: meetup\n")
    assert "chat.chanel: unknown key" in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  template: '{author} asks'\n")
    assert "must contain {text}" in str(caught.value)


def test_a_token_is_a_reference_never_the_secret_and_needs_a_nick():
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  nick: host\n  token: oauth:abcdef123456\n")
    assert "reference" in str(caught.value)
    assert "abcdef123456" not in str(caught.value)
    with pytest.raises(ConfigError) as caught:
        _load("chat:\n  token: env:TWITCH_TOKEN\n")
    assert "chat.token needs chat.nick" in str(caught.value)
    assert _load("chat:\n  nick: host\n  token: env:TWITCH_TOKEN\n").token.ref == "env:TWITCH_TOKEN"

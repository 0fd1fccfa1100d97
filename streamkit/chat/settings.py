"""The `chat:` section of streamkit.yaml: which Twitch channel to read, and how questions look."""

from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from streamkit.config_base import Section
from streamkit.secrets import SecretRef

TWITCH_HOST = "irc.chat.twitch.tv"
_CHANNEL = re.compile(r"^[A-Za-z0-9_]{1,25}$")
_FIELDS = ("author", "text", "role")


class ChatSettings(Section):
    """Where the audience chat is, and how a picked question is put on screen."""

    channel: str = Field(
        default="", description="Twitch channel to read, e.g. 'mymeetup' (no '#'); empty: off"
    )
    host: str = Field(default=TWITCH_HOST, description="IRC server (Twitch's by default)")
    port: int = Field(default=6697, ge=1, le=65535)
    tls: bool = Field(default=True, description="TLS to the server (Twitch: always)")
    nick: str = Field(
        default="", description="account to post as (with token); empty: read anonymously"
    )
    token: SecretRef | None = Field(
        default=None, description="OAuth token, only needed to post (e.g. env:TWITCH_TOKEN)"
    )
    timeout: float = Field(default=10.0, gt=0, description="seconds to wait for the server")
    max_length: int = Field(
        default=300, ge=20, le=500, description="longer chat messages are cut to this"
    )
    question_prefixes: list[str] = Field(
        default_factory=lambda: ["Q:", "?"],
        description="messages starting with one of these enter the questions queue",
    )
    source: str = Field(
        default="Lower Third", description="the text input a picked question is written to"
    )
    template: str = Field(
        default="{author}: {text}",
        description="how a question reads on screen; {author}, {text} and {role}",
    )
    wrap_chars: int = Field(
        default=0,
        ge=0,
        description="characters per line on screen; 0: from the source's width and font size",
    )
    max_lines: int = Field(default=3, ge=1, le=10, description="lines on screen at most")

    @field_validator("channel")
    @classmethod
    def _channel_name(cls, value: str) -> str:
        name = value.strip().removeprefix("#").lower()
        if name and not _CHANNEL.match(name):
            raise ValueError("a Twitch channel name is 1-25 letters, digits or underscores")
        return name

    @field_validator("template")
    @classmethod
    def _known_fields(cls, value: str) -> str:
        names = re.findall(r"{([^{}]*)}", value.replace("{{", "").replace("}}", ""))
        unknown = [n for n in names if n not in _FIELDS]
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}}; use {{author}}, {{text}} or {{role}}"
            )
        if "{text}" not in value:
            raise ValueError("the template must contain {text}")
        return value

    @field_validator("question_prefixes")
    @classmethod
    def _prefixes(cls, value: list[str]) -> list[str]:
        if any(not p.strip() for p in value):
            raise ValueError("a question prefix cannot be empty")
        return value

    @model_validator(mode="after")
    def _token_needs_nick(self) -> ChatSettings:
        if self.token is not None and not self.nick:
            raise ValueError("chat.token needs chat.nick: the account the token belongs to")
        return self

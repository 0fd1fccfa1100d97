"""The recorded-shape Twitch lines of fixtures/twitch-lines.irc."""

from __future__ import annotations

from pathlib import Path

TWITCH_LINES = Path(__file__).parent / "fixtures" / "twitch-lines.irc"


def twitch_lines() -> list[str]:
    text = TWITCH_LINES.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def line_with(needle: str) -> str:
    return next(line for line in twitch_lines() if needle in line)

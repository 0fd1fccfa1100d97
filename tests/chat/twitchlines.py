"""Twitch lines: the recorded-shape ones of fixtures/twitch-lines.irc, and those in the format of
Twitch's documentation (fixtures/twitch-docs-lines.irc, each with its source)."""

from __future__ import annotations

from pathlib import Path

TWITCH_LINES = Path(__file__).parent / "fixtures" / "twitch-lines.irc"
TWITCH_DOCS_LINES = Path(__file__).parent / "fixtures" / "twitch-docs-lines.irc"
SOURCE_MARK = "# source: "


def twitch_lines() -> list[str]:
    text = TWITCH_LINES.read_text(encoding="utf-8")
    return [line for line in text.split("\n") if line and not line.startswith("#")]


def line_with(needle: str) -> str:
    return next(line for line in twitch_lines() if needle in line)


def documented_lines() -> list[tuple[str, str]]:
    """(source, line) pairs: each line of twitch-docs-lines.irc after its '# source:' line."""
    pairs: list[tuple[str, str]] = []
    source = ""
    for line in TWITCH_DOCS_LINES.read_text(encoding="utf-8").split("\n"):
        if line.startswith(SOURCE_MARK):
            source = line.removeprefix(SOURCE_MARK)
        elif line and not line.startswith("#"):
            assert source, f"no source for {line!r}"
            pairs.append((source, line))
            source = ""
    return pairs


def documented(command: str) -> list[str]:
    return [line for _, line in documented_lines() if f" {command} " in f"{line} "]

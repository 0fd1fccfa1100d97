"""Helpers for driving the app with Pilot: wait for a condition, read a panel's text."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual.pilot import Pilot
from textual.widgets import Static

from streamkit.tui.app import StreamkitApp
from streamkit.tui.audio import AudioPanel


async def until(pilot: Pilot, condition: Callable[[], object], timeout: float = 8.0) -> None:
    """Let the app run until `condition()` is true; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {condition}"
        await pilot.pause(0.05)


def panel_text(app: StreamkitApp, panel_id: str) -> str:
    panel = app.main.query_one(f"#{panel_id}")
    if isinstance(panel, AudioPanel):
        return "\n".join(line.plain for line in panel.lines)
    return panel.render().plain


def header_text(app: StreamkitApp) -> str:
    return panel_text(app, "header")


def log_text(app: StreamkitApp) -> str:
    """The log panel's text with its wrapping undone (lines joined by single spaces)."""
    return " ".join(" ".join(strip.text for strip in app.main.query_one("#log").lines).split())


def banner_text(app: StreamkitApp) -> str:
    banner = app.main.query_one("#banner", Static)
    return str(banner.content) if banner.has_class("-alarm") else ""

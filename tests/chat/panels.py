"""What the audience-panel tests share: a chat message, an app around the panel that keeps its
notes, and waiting for a condition under Pilot."""

from __future__ import annotations

import time

from textual.app import App, ComposeResult

from streamkit.chat.message import ChatMessage
from streamkit.tui.chat import AudiencePanel


def said(text: str, login: str = "ada", id: str = "", moderator: bool = False) -> ChatMessage:
    """A chat message as the client hands it over (now, in channel #meetup)."""
    return ChatMessage(
        id=id or f"{login}:{text}",
        t=time.time(),
        channel="meetup",
        login=login,
        author=login.title(),
        text=text,
        roles=frozenset({"moderator"}) if moderator else frozenset(),
    )


class PanelApp(App[None]):
    """The audience panel alone, keeping the notes it posts as (level, text)."""

    def __init__(self, panel: AudiencePanel) -> None:
        super().__init__()
        self.panel = panel
        self.notes: list[tuple[str, str]] = []

    def compose(self) -> ComposeResult:
        yield self.panel

    def on_audience_panel_note(self, note: AudiencePanel.Note) -> None:
        self.notes.append((note.level, note.text))


async def until(pilot, condition, timeout: float = 5.0) -> None:
    """Let the app run until `condition()` holds; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.pause(0.05)

"""Messages that worker threads post to the app (post_message is safe from any thread)."""

from __future__ import annotations

from textual.message import Message

from streamkit.obs.types import StateChange
from streamkit.tui.controller import Poll


class Polled(Message):
    def __init__(self, poll: Poll) -> None:
        super().__init__()
        self.poll = poll


class PollFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class ConnectionChanged(Message):
    def __init__(self, change: StateChange) -> None:
        super().__init__()
        self.change = change


class ActionFinished(Message):
    """An action's outcome: `error` is None on success, else what to tell the operator."""

    def __init__(self, label: str, detail: str = "", error: str | None = None) -> None:
        super().__init__()
        self.label, self.detail, self.error = label, detail, error


class NoticesRead(Message):
    """Alarms from outside OBS (a WorkSpace stop pending, say): the lines to show, or none."""

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

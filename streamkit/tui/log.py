"""The log panel: timestamped lines of what happened (actions, alerts, connection changes)."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widgets import RichLog


class LogPanel(RichLog):
    def __init__(self) -> None:
        super().__init__(id="log", classes="panel", max_lines=500, wrap=True, min_width=20)
        self.border_title = "Log"

    def line(self, when: datetime, text: str, style: str = "") -> None:
        """Append `HH:MM:SS text`; the text is shown as given, never read as markup."""
        self.write(Text.assemble((f"{when:%H:%M:%S} ", "dim"), (text, style)))

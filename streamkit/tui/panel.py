"""The base of the framed panels: a widget that draws its own reactive data at its own width."""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

WAITING = Text("waiting for OBS…", style="dim")


class Panel(Widget):
    """A bordered `.panel` whose content is `draw(width)`. Subclasses keep their data in
    reactives: Textual compares a new value with the old one and repaints only on a change."""

    DEFAULT_CSS = "Panel { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, title: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="panel")
        self.border_title = title

    def draw(self, width: int) -> Text:
        raise NotImplementedError

    def render(self) -> Text:
        return self.draw(max(1, self.content_size.width))

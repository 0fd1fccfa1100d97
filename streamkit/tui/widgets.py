"""Panels that draw a renderer's text at their own width, and redraw only when data changed."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence

from rich.segment import Segment
from rich.text import Text
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

Draw = Callable[[int], Text]


class TextPanel(Widget):
    """A bordered panel whose content is `draw(width)`; `show()` skips unchanged data."""

    DEFAULT_CSS = "TextPanel { height: auto; text-wrap: nowrap; text-overflow: ellipsis; }"

    def __init__(self, title: str | None, *, id: str | None = None, classes: str = "") -> None:
        """With a title it is a framed `.panel`; without, bare text (a line, or inside a box)."""
        super().__init__(id=id, classes=f"{'panel ' if title else ''}{classes}".strip())
        if title:
            self.border_title = title
        self._draw: Draw = lambda _width: Text("waiting for OBS…", style="dim")
        self._key: Hashable = object()

    def show(self, key: Hashable, draw: Draw, *, layout: bool = True) -> bool:
        """Draw with `draw` unless `key` equals the last one; True when it redraws."""
        if key == self._key:
            return False
        self._key, self._draw = key, draw
        self.refresh(layout=layout)
        return True

    def render(self) -> Text:
        return self._draw(max(1, self.content_size.width))


class LinesPanel(Widget):
    """Text lines drawn through the line API: `show()` repaints only the lines that changed,
    so a meter moving redraws one row, not the panel (the level meters run at 10 Hz)."""

    DEFAULT_CSS = "LinesPanel { height: auto; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: list[Text] = []
        self._strips: dict[tuple[int, int], Strip] = {}

    def show(self, lines: Sequence[Text]) -> int:
        """Replace the lines; returns how many rows were repainted."""
        new = list(lines)
        if len(new) != len(self._lines):
            self._lines, self._strips = new, {}
            self.refresh(layout=True)
            return len(new)
        changed = [
            y for y, (old, line) in enumerate(zip(self._lines, new, strict=True)) if old != line
        ]
        self._lines = new
        for y in changed:
            self._strips = {key: strip for key, strip in self._strips.items() if key[0] != y}
            self.refresh(Region(0, y, self.size.width, 1))
        return len(changed)

    @property
    def lines(self) -> list[Text]:
        return list(self._lines)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        strip = self._strips.get((y, width))
        if strip is None:
            line = self._lines[y] if y < len(self._lines) else Text()
            base = self.rich_style
            segments = Segment.apply_style(line.render(self.app.console), base)
            strip = Strip(list(segments)).crop_extend(0, width, base)
            self._strips[(y, width)] = strip
        return strip

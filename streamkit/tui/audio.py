"""The audio panel: each input's volume (or MUTED) and a level meter that moves at 10 Hz.

Drawn through Textual's line API: when a meter moves by a cell, only its row is repainted.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from streamkit.show.control import AudioInput
from streamkit.show.meters import Level
from streamkit.tui.panel import WAITING

METER_FLOOR_DB = -60.0
DRAWN_KEPT = 2048  # drawn lines kept (a meter row has at most width x width shapes)


def meter_cells(level: Level | None, width: int) -> tuple[int, int]:
    """How many cells the level fills, and the cell of its peak (1-based; 0: none)."""
    if level is None or width <= 0:
        return 0, 0

    def cells(db: float) -> int:
        span = -METER_FLOOR_DB
        return round(width * (min(0.0, max(METER_FLOOR_DB, db)) - METER_FLOOR_DB) / span)

    return cells(level.magnitude_db), cells(level.peak_db)


def meter_zone(cell: int, width: int) -> str:
    """The colour of a meter cell (0-based): green, yellow above -20 dB, red above -9 dB."""
    db = METER_FLOOR_DB + (cell + 1) * -METER_FLOOR_DB / width
    return "red" if db > -9 else "yellow" if db > -20 else "green"


def meter_bar(filled: int, peak: int, width: int) -> Text:
    """A level meter of `filled` cells with the peak marked │; one span per colour run."""
    out = Text()
    run_style, run = "", ""
    for i in range(width):
        if i < filled:
            char, style = "█", meter_zone(i, width)
        elif i == peak - 1 and peak > filled:
            char, style = "│", meter_zone(i, width)
        else:
            char, style = "·", "dim"
        if style != run_style and run:
            out.append(run, style=run_style)
            run = ""
        run_style, run = style, run + char
    if run:
        out.append(run, style=run_style)
    return out


def audio_lines(
    inputs: Sequence[AudioInput], levels: dict[str, Level], selected: int, width: int
) -> list[Text]:
    """Two lines per input: name with volume (or MUTED), then its meter across the panel."""
    if not inputs:
        return [Text("no audio inputs", style="dim")]
    lines = []
    meter_width = max(0, width - 2)
    for i, audio in enumerate(inputs):
        volume = "MUTED" if audio.muted else f"{audio.volume_db:.1f} dB"
        lines.append(title_line(audio.name, volume, audio.muted, i == selected, width))
        cells = (0, 0) if audio.muted else meter_cells(levels.get(audio.name), meter_width)
        lines.append(meter_line(audio.muted, *cells, meter_width))
    return lines


# The lines are drawn again ten times a second from few distinct values: drawn ones are kept
# (callers never change a Text they get).
@lru_cache(maxsize=256)
def title_line(name: str, volume: str, muted: bool, here: bool, width: int) -> Text:
    """An input's name (marked when selected) with its volume or MUTED at the right."""
    name_width = max(1, width - 2 - len(volume) - 1)
    title = Text()
    title.append("▶ " if here else "  ", style="bold cyan")
    title.append(name[:name_width].ljust(name_width), style="bold" if here else "")
    title.append(" ")
    title.append(volume, style="bold white on red" if muted else "")
    return title


@lru_cache(maxsize=4096)
def meter_line(muted: bool, filled: int, peak: int, width: int) -> Text:
    """An input's meter, indented under its name; dots while muted."""
    meter = Text("  ")
    if muted:
        meter.append("·" * width, style="dim")
    else:
        meter.append_text(meter_bar(filled, peak, width))
    return meter


class AudioPanel(Widget):
    """The inputs, their levels and the selection are reactives; any change lays the lines out
    again and repaints the rows whose text changed."""

    DEFAULT_CSS = "AudioPanel { height: auto; }"

    inputs: reactive[tuple[AudioInput, ...] | None] = reactive(None, repaint=False)
    levels: reactive[dict[str, Level]] = reactive(dict, repaint=False)
    selected: reactive[int] = reactive(0, repaint=False)

    def __init__(self) -> None:
        super().__init__(id="audio")
        self._lines: list[Text] = [WAITING]
        self._strips: dict[tuple[int, int], Strip] = {}
        self._drawn: dict[tuple, Strip] = {}
        self._base: Style | None = None  # the panel's own style, under every line

    def validate_selected(self, index: int) -> int:
        return min(max(0, index), max(0, len(self.inputs or ()) - 1))

    def watch_inputs(self) -> None:
        self.selected = self.selected  # clamped again when inputs go away
        self.lay_out()

    def watch_levels(self) -> None:
        self.lay_out()

    def watch_selected(self) -> None:
        self.lay_out()

    def on_resize(self) -> None:
        self.lay_out()

    def select_next(self) -> AudioInput | None:
        if self.inputs:
            self.selected = (self.selected + 1) % len(self.inputs)
        return self.current

    @property
    def current(self) -> AudioInput | None:
        return self.inputs[self.selected] if self.inputs else None

    @property
    def lines(self) -> list[Text]:
        return list(self._lines)

    def lay_out(self) -> int:
        """Lay the lines out for the current width; returns how many rows were repainted."""
        width = self.size.width
        if self.inputs is None or not width:
            return 0
        return self.show_lines(audio_lines(self.inputs, self.levels, self.selected, width))

    def show_lines(self, lines: Sequence[Text]) -> int:
        """Replace the lines; only rows that changed are repainted (all when the count did)."""
        new = list(lines)
        if len(new) != len(self._lines):
            self._lines, self._strips = new, {}
            self.refresh(layout=True)
            return len(new)
        changed = [
            y for y, (old, line) in enumerate(zip(self._lines, new, strict=True)) if old != line
        ]
        self._lines = new
        if changed:  # one refresh for all the rows: the screen is composited once per change
            rows = set(changed)
            self._strips = {key: strip for key, strip in self._strips.items() if key[0] not in rows}
            width = self.size.width
            self.refresh(*(Region(0, y, width, 1) for y in changed))
        return len(changed)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lines)

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        strip = self._strips.get((y, width))
        if strip is None:
            line = self._lines[y] if y < len(self._lines) else Text()
            strip = self._strip_of(line, width)
            self._strips[(y, width)] = strip
        return strip

    def notify_style_update(self) -> None:
        """CSS or the theme changed: lines are drawn again in the new style."""
        super().notify_style_update()
        self._base, self._strips, self._drawn = None, {}, {}

    def _strip_of(self, line: Text, width: int) -> Strip:
        """A line drawn as a strip; meters take few distinct shapes, so drawn ones are kept."""
        if self._base is None:
            self._base = self.rich_style  # costly: it walks the ancestors' colours
        base = self._base
        key = (line.plain, tuple(line.spans), width, base)
        strip = self._drawn.get(key)
        if strip is None:
            segments = Segment.apply_style(line.render(self.app.console), base)
            strip = Strip(list(segments)).crop_extend(0, width, base)
            if len(self._drawn) >= DRAWN_KEPT:
                self._drawn.clear()
            self._drawn[key] = strip
        return strip

"""The health panel: a plot of each metric's history, coloured by alert level, and its value."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import groupby

from rich.text import Text
from textual.reactive import reactive

from streamkit.health.alerts import Level, severity
from streamkit.health.metrics import Metrics
from streamkit.health.settings import MetricThreshold
from streamkit.tui.panel import Panel

LEVEL_STYLE = {Level.OK: "green", Level.WARN: "bold yellow", Level.ALARM: "bold red"}
BARS = "▁▂▃▄▅▆▇█"

# (metric, label, format) of the health plots, in screen order.
HEALTH_ROWS = (
    ("network_drops", "Drops", "{:5.1f} %"),
    ("bitrate", "Kbps", "{:7.0f}"),
    ("congestion", "Congest", "{:5.1f} %"),
    ("fps", "FPS", "{:7.1f}"),
    ("cpu", "CPU", "{:5.1f} %"),
)


def sparkline(values: Sequence[float | None], threshold: MetricThreshold | None) -> Text:
    """One cell per sample, scaled from 0 to the larger of the peak and the alarm level (for
    metrics that alarm when high), coloured by the level each value reaches."""
    known = [v for v in values if v is not None]
    if not known:
        return Text("·" * len(values), style="dim")
    low, high = min(0.0, min(known)), max(known)
    if threshold is not None and threshold.direction == "high" and threshold.alarm is not None:
        high = max(high, threshold.alarm)  # small values stay small next to the alarm level
    span = high - low or 1.0
    cells = []
    for value in values:
        if value is None:
            cells.append(("·", "dim"))
            continue
        bar = BARS[min(len(BARS) - 1, int((value - low) / span * (len(BARS) - 1) + 0.5))]
        level = severity(value, threshold) if threshold and threshold.enabled else Level.OK
        cells.append((bar, LEVEL_STYLE[level]))
    out = Text()
    for style, run in groupby(cells, key=lambda cell: cell[1]):  # one span per colour run
        out.append("".join(char for char, _ in run), style=style)
    return out


def worst_per_cell(
    values: Sequence[float | None], cells: int, threshold: MetricThreshold | None
) -> list[float | None]:
    """Fit a history into `cells`: each cell keeps the worst value of its stretch of samples
    (the highest, or the lowest for metrics that alarm when low), so no spike is lost."""
    if len(values) <= cells:
        return [None] * (cells - len(values)) + list(values)
    low_is_bad = threshold is not None and threshold.direction == "low"
    out: list[float | None] = []
    for cell in range(cells):
        chunk = values[cell * len(values) // cells : (cell + 1) * len(values) // cells]
        known = [v for v in chunk if v is not None]
        out.append((min(known) if low_is_bad else max(known)) if known else None)
    return out


def health_text(
    history: Sequence[Metrics],
    levels: dict[str, Level],
    thresholds: dict[str, MetricThreshold],
    width: int,
) -> Text:
    """One row per metric: label, a plot of the whole history, the latest value."""
    plot_width = max(5, width - 18)
    latest = history[-1] if history else None
    out = Text()
    for metric, label, fmt in HEALTH_ROWS:
        threshold = thresholds.get(metric)
        values = worst_per_cell([m.value(metric) for m in history], plot_width, threshold)
        level = levels.get(metric, Level.OK)
        out.append(f"{label:<8}", style=LEVEL_STYLE[level] if level else "")
        out.append_text(sparkline(values, threshold))
        value = latest.value(metric) if latest else None
        number = fmt.format(value) if value is not None else "n/a"
        out.append(f" {number:>9}", style=LEVEL_STYLE[level])
        out.append("\n")
    out.rstrip()
    return out


class HealthPanel(Panel):
    """`history` is the samples on screen (oldest first), `levels` each metric's alert level."""

    history: reactive[tuple[Metrics, ...]] = reactive(tuple)
    levels: reactive[dict[str, Level]] = reactive(dict)

    def __init__(self, thresholds: dict[str, MetricThreshold]) -> None:
        super().__init__("Health", id="health")
        self.thresholds = thresholds

    def draw(self, width: int) -> Text:
        return health_text(self.history, self.levels, self.thresholds, width)

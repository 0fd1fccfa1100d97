"""Pure renderers of the panels' text (Rich Text), so widgets only decide when to redraw."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from streamkit.health.alerts import Level, severity
from streamkit.health.metrics import Metrics
from streamkit.health.settings import MetricThreshold
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import AudioInput, OutputState, SceneList
from streamkit.show.meters import Level as AudioLevel
from streamkit.show.ndi import NdiInput
from streamkit.show.settings import Segment

LEVEL_STYLE = {Level.OK: "green", Level.WARN: "bold yellow", Level.ALARM: "bold red"}
BARS = "▁▂▃▄▅▆▇█"
METER_FLOOR_DB = -60.0

# (metric, label, format) of the health plots, in screen order.
HEALTH_ROWS = (
    ("network_drops", "Drops", "{:5.1f} %"),
    ("bitrate", "Kbps", "{:7.0f}"),
    ("congestion", "Congest", "{:5.1f} %"),
    ("fps", "FPS", "{:7.1f}"),
    ("cpu", "CPU", "{:5.1f} %"),
)


def timecode(value: str) -> str:
    """OBS's 'HH:MM:SS.mmm' without the milliseconds."""
    return value.split(".", 1)[0] if value else "00:00:00"


def connection_text(change: StateChange, now_monotonic: float) -> Text:
    state = change.state
    if state is ConnectionState.CONNECTED:
        return Text("● CONNECTED", style="bold green")
    if state is ConnectionState.RECONNECTING:
        if change.retry_at is not None:
            wait = max(0, round(change.retry_at - now_monotonic))
            return Text(f"● RECONNECTING in {wait} s", style="bold yellow")
        return Text("● RECONNECTING", style="bold yellow")
    if state is ConnectionState.FAILED:
        return Text("● FAILED", style="bold red")
    return Text(f"● {state.value}", style="yellow")


def header_text(
    event: str,
    change: StateChange,
    stream: OutputState | None,
    record: OutputState | None,
    studio: bool,
    now: datetime,
    now_monotonic: float,
    override: bool = False,
) -> Text:
    parts = [Text(event or "streamkit", style="bold"), connection_text(change, now_monotonic)]
    if stream is not None and stream.active:
        label = " RECONNECTING " if stream.reconnecting else " LIVE "
        parts.append(Text.assemble((label, "bold white on red"), " " + timecode(stream.timecode)))
    else:
        parts.append(Text("OFFLINE", style="dim"))
    if record is not None and record.active:
        rec = "REC ❚❚" if record.paused else "● REC"
        parts.append(Text(f"{rec} {timecode(record.timecode)}", style="bold red"))
    else:
        parts.append(Text("REC off", style="dim"))
    if studio:
        parts.append(Text("STUDIO", style="bold cyan"))
    if override:  # the operator paused the fallback rules: say so for as long as it lasts
        parts.append(Text("AUTO OFF", style="bold magenta"))
    parts.append(Text(now.strftime("%H:%M:%S")))
    out = Text()
    for i, part in enumerate(parts):
        if i:
            out.append(" │ ", style="dim")
        out.append_text(part)
    return out


def scenes_text(scenes: SceneList | None, studio: bool) -> Text:
    """Numbered scenes; program in red and preview in green, marked in front of the name
    (so a narrow panel that cuts the PGM/PVW label still shows which is which)."""
    if scenes is None:
        return Text("waiting for OBS…", style="dim")
    out = Text()
    for i, name in enumerate(scenes.names):
        program, preview = name == scenes.program, studio and name == scenes.preview
        out.append(f"{i + 1} " if i < 9 else "  ", style="dim")
        if program:
            out.append("● ", style="bold red")
            out.append(name, style="bold red")
            out.append(" PGM", style="bold white on red")
        elif preview:
            out.append("● ", style="bold green")
            out.append(name, style="bold green")
            out.append(" PVW", style="bold black on green")
        else:
            out.append("  " + name)
        out.append("\n")
    out.rstrip()
    return out


def ndi_text(slots: Sequence[NdiInput], selected: int) -> Text:
    if not slots:
        return Text("no NDI inputs in this scene collection", style="dim")
    out = Text()
    for i, slot in enumerate(slots):
        marker = "▶ " if i == selected else "  "
        out.append(marker, style="bold cyan")
        out.append(slot.name, style="bold" if i == selected else "")
        out.append("\n   ← ")
        out.append(slot.sender or "(no sender)", style="cyan" if slot.sender else "dim")
        out.append("\n")
    out.rstrip()
    return out


def meter_cells(level: AudioLevel | None, width: int) -> tuple[int, int]:
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
    inputs: Sequence[AudioInput], levels: dict[str, AudioLevel], selected: int, width: int
) -> list[Text]:
    """Two lines per input: name with volume (or MUTED), then its meter across the panel."""
    if not inputs:
        return [Text("no audio inputs", style="dim")]
    lines = []
    meter_width = max(0, width - 2)
    for i, audio in enumerate(inputs):
        here = i == selected
        volume = "MUTED" if audio.muted else f"{audio.volume_db:.1f} dB"
        name_width = max(1, width - 2 - len(volume) - 1)
        title = Text()
        title.append("▶ " if here else "  ", style="bold cyan")
        title.append(audio.name[:name_width].ljust(name_width), style="bold" if here else "")
        title.append(" ")
        title.append(volume, style="bold white on red" if audio.muted else "")
        meter = Text("  ")
        if audio.muted:
            meter.append("·" * meter_width, style="dim")
        else:
            meter.append_text(
                meter_bar(*meter_cells(levels.get(audio.name), meter_width), meter_width)
            )
        lines += [title, meter]
    return lines


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
    out = Text()
    for value in values:
        if value is None:
            out.append("·", style="dim")
            continue
        bar = BARS[min(len(BARS) - 1, int((value - low) / span * (len(BARS) - 1) + 0.5))]
        level = severity(value, threshold) if threshold and threshold.enabled else Level.OK
        out.append(bar, style=LEVEL_STYLE[level])
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


def segments_text(segments: Sequence[Segment], current: int | None) -> Text:
    if not segments:
        return Text("no run of show (add show.segments to streamkit.yaml)", style="dim")
    out = Text()
    for i, segment in enumerate(segments):
        here = i == current
        out.append("▶ " if here else "  ", style="bold cyan")
        style = (
            "bold black on cyan" if here else ("dim" if current is not None and i < current else "")
        )
        out.append(f"{i + 1}. {segment.title}", style=style)
        out.append(f"  {segment.scene}", style="dim")
        out.append("\n")
    out.rstrip()
    return out

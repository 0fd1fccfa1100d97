"""Stream-health metrics from polled OBS stats: counter deltas, rates and windows (pure)."""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from typing import Any, Literal

from streamkit.health.settings import HealthSettings

# Metric names match the keys of `health.thresholds`; units in METRIC_UNITS.
METRIC_UNITS: dict[str, str] = {
    "network_drops": "%",
    "encoder_lag": "%",
    "render_lag": "%",
    "congestion": "%",
    "bitrate": "kbps",
    "fps": "fps",
    "cpu": "%",
    "frame_render_time": "ms",
    "memory": "MB",
    "disk_space": "MB",
    "reconnecting": "",
}
LIVE_ONLY = frozenset({"network_drops", "congestion", "bitrate", "reconnecting"})


@dataclass(frozen=True, slots=True)
class Sample:
    """One poll: `t` in seconds since the epoch, and OBS's responseData dicts as returned.

    `stream` is GetStreamStatus, `stats` is GetStats; either is None when its request failed.
    """

    t: float
    stream: Mapping[str, Any] | None = None
    stats: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class Metrics:
    """What one sample says about the stream; None means "not known for this sample"."""

    t: float
    live: bool
    reconnecting: bool
    uptime_s: float | None = None
    network_drops: float | None = None
    encoder_lag: float | None = None
    render_lag: float | None = None
    congestion: float | None = None
    bitrate: float | None = None
    fps: float | None = None
    cpu: float | None = None
    frame_render_time: float | None = None
    memory: float | None = None
    disk_space: float | None = None
    interval_s: float | None = None
    dropped_frames: int | None = None
    total_frames: int | None = None
    bytes_sent: int | None = None
    counter_reset: bool = False
    gap: bool = False

    def value(self, metric: str) -> float | None:
        """The metric's number (reconnecting as 1.0/0.0), for thresholds and windows."""
        if metric == "reconnecting":
            return 1.0 if self.reconnecting else 0.0
        return getattr(self, metric)

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (without `t`), floats rounded to keep logs small."""
        record = asdict(self)
        del record["t"]
        return {k: round(v, 3) if isinstance(v, float) else v for k, v in record.items()}


def number(data: Mapping[str, Any] | None, key: str) -> float | None:
    """A finite number from an OBS response, or None when absent or not a number."""
    if not data:
        return None
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def counter(data: Mapping[str, Any] | None, key: str) -> int | None:
    """A cumulative counter (non-negative integer), or None when absent or malformed."""
    value = number(data, key)
    return None if value is None or value < 0 else int(value)


def percentile(values: Iterable[float], pct: float) -> float | None:
    """The nearest-rank percentile: the ceil(pct/100 * n)-th smallest value (None when empty)."""
    ordered = sorted(values)
    if not ordered:
        return None
    return ordered[max(1, math.ceil(pct / 100 * len(ordered))) - 1]


def counter_delta(previous: int | None, current: int | None, reset: bool = False) -> int | None:
    """How much a counter grew; after a reset (or when it went down) the new value itself."""
    if current is None:
        return None
    if reset:
        return current
    if previous is None:
        return None
    return current if current < previous else current - previous


def ratio_pct(part: int | None, whole: int | None) -> float | None:
    """100 * part / whole, clamped to 0..100; None when no frames were counted at all."""
    if part is None or whole is None:
        return None
    if whole <= 0:
        return 100.0 if part > 0 else None
    return min(100.0, 100.0 * part / whole)


def kbps(byte_delta: int | None, seconds: float) -> float | None:
    """Kilobits per second from a byte count over real elapsed time."""
    if byte_delta is None or seconds <= 0:
        return None
    return byte_delta * 8 / 1000 / seconds


def _went_down(prev: Mapping[str, Any] | None, cur: Mapping[str, Any] | None, *keys: str) -> bool:
    for key in keys:
        before, after = number(prev, key), number(cur, key)
        if before is not None and after is not None and after < before:
            return True
    return False


def lag_pct(
    prev: Mapping[str, Any] | None,
    cur: Mapping[str, Any] | None,
    skipped: str,
    total: str,
    reset: bool = False,
) -> tuple[float | None, int | None, int | None]:
    """Share of frames skipped between two responses, with the two deltas.

    Each counter that went down counts from 0 on its own: during a reconnect OBS resets the
    skipped count a sample or two before the total. `reset` makes both count from 0.
    """
    d_skipped = counter_delta(counter(prev, skipped), counter(cur, skipped), reset)
    d_total = counter_delta(counter(prev, total), counter(cur, total), reset)
    if d_skipped is not None and d_total is not None:
        d_skipped = min(d_skipped, d_total)  # OBS's total includes the skipped frames
    return ratio_pct(d_skipped, d_total), d_skipped, d_total


def instant_metrics(sample: Sample) -> Metrics:
    """The metrics one sample gives without a previous one (gauges, no rates)."""
    stream, stats = sample.stream, sample.stats
    live = bool(stream and stream.get("outputActive"))
    congestion = number(stream, "outputCongestion") if live else None
    duration_ms = number(stream, "outputDuration") if live else None
    return Metrics(
        t=sample.t,
        live=live,
        reconnecting=bool(live and stream and stream.get("outputReconnecting")),
        uptime_s=None if duration_ms is None else max(0.0, duration_ms / 1000),
        congestion=None if congestion is None else min(100.0, max(0.0, 100 * congestion)),
        fps=number(stats, "activeFps"),
        cpu=number(stats, "cpuUsage"),
        frame_render_time=number(stats, "averageFrameRenderTime"),
        memory=number(stats, "memoryUsage"),
        disk_space=number(stats, "availableDiskSpace"),
    )


def interval_metrics(previous: Sample, current: Sample) -> Metrics:
    """Metrics of `current`, with rates over the real time elapsed since `previous`."""
    base = instant_metrics(current)
    seconds = current.t - previous.t
    if seconds <= 0:
        return base
    prev_stream, stream = previous.stream, current.stream
    encoder_lag, _, _ = lag_pct(
        previous.stats, current.stats, "outputSkippedFrames", "outputTotalFrames"
    )
    render_lag, _, _ = lag_pct(
        previous.stats, current.stats, "renderSkippedFrames", "renderTotalFrames"
    )
    fields: dict[str, Any] = {"encoder_lag": encoder_lag, "render_lag": render_lag}
    reset = False
    if base.live:
        was_live = bool(prev_stream and prev_stream.get("outputActive"))
        # A new stream (started, or reconnected: its duration restarts): everything it
        # counted happened within this interval. Unknown previous state gives no rates.
        restarted = (prev_stream is not None and not was_live) or _went_down(
            prev_stream, stream, "outputDuration"
        )
        reset = restarted or _went_down(
            prev_stream, stream, "outputBytes", "outputSkippedFrames", "outputTotalFrames"
        )
        drops, dropped, total = lag_pct(
            prev_stream, stream, "outputSkippedFrames", "outputTotalFrames", restarted
        )
        sent = counter_delta(
            counter(prev_stream, "outputBytes"), counter(stream, "outputBytes"), restarted
        )
        fields |= {
            "network_drops": drops,
            "dropped_frames": dropped,
            "total_frames": total,
            "bytes_sent": sent,
            "bitrate": kbps(sent, seconds),
        }
    return replace(base, interval_s=seconds, counter_reset=reset, **fields)


Reduce = Literal["max", "mean", "min", "last"]


class MetricsWindow:
    """The metrics of the last `seconds`, with reductions over any shorter window."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._items: deque[Metrics] = deque()

    def __len__(self) -> int:
        return len(self._items)

    def add(self, metrics: Metrics) -> None:
        """Append the newest metrics and forget those older than the window."""
        if self._items and metrics.t < self._items[-1].t:  # clock went back: start over
            self._items.clear()
        self._items.append(metrics)
        horizon = metrics.t - self.seconds
        while self._items and self._items[0].t <= horizon:
            self._items.popleft()

    def recent(self, seconds: float) -> list[Metrics]:
        """Metrics with t in (newest - seconds, newest]."""
        if not self._items:
            return []
        horizon = self._items[-1].t - seconds
        out = []
        for item in reversed(self._items):
            if item.t <= horizon:
                break
            out.append(item)
        out.reverse()
        return out

    def reduce(self, metric: str, how: Reduce, seconds: float) -> float | None:
        """max/mean/min/last of a metric's known values in the last `seconds`."""
        return reduce_values((m.value(metric) for m in self.recent(seconds)), how)

    def drop_pct(self, seconds: float) -> float | None:
        """Network drops over the window, weighted by frames (sum dropped / sum total)."""
        return weighted_drop_pct(self.recent(seconds))

    def bitrate(self, seconds: float) -> float | None:
        """Average kbps over the window (sum of bytes / sum of time)."""
        return average_kbps(self.recent(seconds))


def reduce_values(values: Iterable[float | None], how: Reduce) -> float | None:
    """Reduce the non-None values; None when there are none."""
    known = [v for v in values if v is not None]
    if not known:
        return None
    if how == "max":
        return max(known)
    if how == "min":
        return min(known)
    if how == "mean":
        return sum(known) / len(known)
    return known[-1]


def weighted_drop_pct(items: Iterable[Metrics]) -> float | None:
    """Sum of dropped frames over sum of total frames, in percent."""
    dropped = total = 0
    for m in items:
        if m.dropped_frames is not None and m.total_frames is not None:
            dropped += m.dropped_frames
            total += m.total_frames
    return ratio_pct(dropped, total)


def average_kbps(items: Iterable[Metrics]) -> float | None:
    """Bytes sent over time spent sending, in kbps."""
    sent = 0
    seconds = 0.0
    for m in items:
        if m.bytes_sent is not None and m.interval_s is not None:
            sent += m.bytes_sent
            seconds += m.interval_s
    return kbps(sent, seconds) if seconds > 0 else None


class HealthTracker:
    """Turns successive samples into metrics, guarding against gaps, bursts and resets."""

    def __init__(self, settings: HealthSettings | None = None) -> None:
        self.settings = settings or HealthSettings()
        self.window = MetricsWindow(self.settings.history_s)
        self._baseline: Sample | None = None

    def update(self, sample: Sample) -> Metrics:
        """Metrics for `sample`; rates only over intervals between min_interval_s and max_gap_s."""
        baseline = self._baseline
        elapsed = None if baseline is None else sample.t - baseline.t
        if baseline is None or elapsed is None:
            metrics = instant_metrics(sample)
            self._baseline = sample
        elif elapsed < 0 or elapsed > self.settings.max_gap_s:
            metrics = replace(instant_metrics(sample), gap=True)
            self._baseline = sample
        elif elapsed < self.settings.min_interval_s or elapsed == 0:
            metrics = instant_metrics(sample)  # too soon: the next interval spans this one
        else:
            metrics = interval_metrics(baseline, sample)
            self._baseline = sample
        self.window.add(metrics)
        return metrics

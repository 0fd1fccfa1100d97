"""Alert rules over health metrics: OK/WARN/ALARM levels with hysteresis, as events (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from streamkit.health.metrics import (
    LIVE_ONLY,
    METRIC_UNITS,
    HealthTracker,
    Metrics,
    MetricsWindow,
    Sample,
)
from streamkit.health.settings import HealthSettings, MetricThreshold


class Level(IntEnum):
    """How bad a metric is; ordered so that max() is the worst."""

    OK = 0
    WARN = 1
    ALARM = 2


METRIC_LABELS: dict[str, str] = {
    "network_drops": "Network drops",
    "encoder_lag": "Encoder lag",
    "render_lag": "Render lag",
    "congestion": "Congestion",
    "bitrate": "Bitrate",
    "fps": "FPS",
    "cpu": "CPU",
    "frame_render_time": "Frame render time",
    "memory": "OBS memory",
    "disk_space": "Free disk space",
    "reconnecting": "Stream reconnecting",
}

SUGGESTIONS: dict[str, str] = {
    "network_drops": "lower the bitrate or switch to the fallback scene",
    "encoder_lag": "lower the output resolution or use a faster encoder preset",
    "render_lag": "close other GPU programs or simplify the scenes",
    "congestion": "the upload is saturated: lower the bitrate",
    "bitrate": "check the upload bandwidth and the ingest server",
    "fps": "OBS cannot keep up: reduce sources or the canvas resolution",
    "cpu": "close other programs or use a faster encoder preset",
    "frame_render_time": "simplify the scenes (filters, browser sources)",
    "memory": "restart OBS after the event if it keeps growing",
    "disk_space": "free disk space before recordings fill it",
    "reconnecting": "check the network; switch to the fallback scene if it lasts",
}


@dataclass(frozen=True, slots=True)
class AlertEvent:
    """A metric changed level; `threshold` is the limit that was crossed."""

    t: float
    metric: str
    level: Level
    previous_level: Level
    value: float | None
    threshold: float | None
    message: str
    suggested_action: str

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (without `t`) for the session log."""
        return {
            "metric": self.metric,
            "level": self.level.name,
            "previous_level": self.previous_level.name,
            "value": None if self.value is None else round(self.value, 3),
            "threshold": self.threshold,
            "message": self.message,
            "suggested_action": self.suggested_action,
        }


def severity(value: float, threshold: MetricThreshold, margin: float = 0.0) -> Level:
    """The level of `value`; a positive margin widens the bad zones (used for clearing)."""
    high = threshold.direction == "high"
    for level, limit in ((Level.ALARM, threshold.alarm), (Level.WARN, threshold.warn)):
        if limit is None:
            continue
        if (value >= limit - margin) if high else (value <= limit + margin):
            return level
    return Level.OK


def format_value(metric: str, value: float | None) -> str:
    """A metric's value with its unit, for messages."""
    if value is None:
        return "n/a"
    if metric == "reconnecting":
        return "yes" if value else "no"
    unit = METRIC_UNITS.get(metric, "")
    digits = 1 if unit in ("%", "ms") and abs(value) < 100 else 0
    text = f"{value:.{digits}f}"
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}".rstrip()


class AlertRule:
    """One metric's level: raises at once (or after `raise_after` samples), clears after a hold."""

    def __init__(self, metric: str, threshold: MetricThreshold) -> None:
        self.metric = metric
        self.threshold = threshold
        self.level = Level.OK
        self._bad_samples = 0
        self._clear_since: float | None = None

    def update(self, t: float, value: float | None) -> AlertEvent | None:
        """Feed the metric's current value; an event when its level changes."""
        if not self.threshold.enabled or value is None:
            return None
        raw = severity(value, self.threshold)
        if raw > self.level:
            self._clear_since = None
            self._bad_samples += 1
            if self._bad_samples >= self.threshold.raise_after:
                return self._move(t, raw, value)
            return None
        self._bad_samples = 0
        if self.level == Level.OK:
            return None
        relaxed = severity(value, self.threshold, self.threshold.hysteresis)
        if relaxed >= self.level:
            self._clear_since = None
            return None
        if self._clear_since is None:
            self._clear_since = t
        if t - self._clear_since >= self.threshold.clear_after_s:
            return self._move(t, relaxed, value)
        return None

    def reset(self, t: float, reason: str) -> AlertEvent | None:
        """Back to OK at once (the stream stopped, so live-only metrics no longer apply)."""
        self._bad_samples = 0
        self._clear_since = None
        if self.level == Level.OK:
            return None
        previous, self.level = self.level, Level.OK
        label = METRIC_LABELS.get(self.metric, self.metric)
        return AlertEvent(
            t, self.metric, Level.OK, previous, None, None, f"{label}: cleared ({reason})", ""
        )

    def _move(self, t: float, level: Level, value: float) -> AlertEvent:
        previous, self.level = self.level, level
        self._bad_samples = 0
        self._clear_since = None
        limit_level = max(level, previous)
        limit = self.threshold.alarm if limit_level == Level.ALARM else self.threshold.warn
        label = METRIC_LABELS.get(self.metric, self.metric)
        suggestion = SUGGESTIONS.get(self.metric, "") if level > previous else ""
        if self.metric == "reconnecting":
            message = f"{label}" if level > previous else "Stream reconnected"
        elif level > previous:
            message = f"{label} {format_value(self.metric, value)}"
        else:
            message = f"{label} back to {level.name} ({format_value(self.metric, value)})"
        if suggestion:
            message = f"{message} — {suggestion}"
        return AlertEvent(t, self.metric, level, previous, value, limit, message, suggestion)


class AlertEngine:
    """All metrics' rules; evaluates each new sample's metrics against its window."""

    def __init__(self, settings: HealthSettings | None = None) -> None:
        self.settings = settings or HealthSettings()
        self.rules = {
            name: AlertRule(name, threshold)
            for name, threshold in self.settings.thresholds.items()
            if threshold.enabled and (threshold.warn is not None or threshold.alarm is not None)
        }

    def levels(self) -> dict[str, Level]:
        """Each metric's current level."""
        return {name: rule.level for name, rule in self.rules.items()}

    def worst(self) -> Level:
        """The worst level of any metric."""
        return max(self.levels().values(), default=Level.OK)

    def evaluate(self, metrics: Metrics, window: MetricsWindow) -> list[AlertEvent]:
        """Events for the level changes `metrics` (the newest in `window`) cause."""
        events = []
        for name, rule in self.rules.items():
            if name in LIVE_ONLY and not metrics.live:
                event = rule.reset(metrics.t, "stream not live")
            else:
                event = rule.update(metrics.t, self.alert_value(name, metrics, window))
            if event is not None:
                events.append(event)
        return events

    def alert_value(self, metric: str, metrics: Metrics, window: MetricsWindow) -> float | None:
        """The value a rule judges: the metric reduced over its window; None to skip."""
        if metric == "bitrate" and not self._bitrate_judged(metrics):
            return None
        threshold = self.rules[metric].threshold
        return window.reduce(metric, threshold.aggregate, threshold.window_s)

    def _bitrate_judged(self, metrics: Metrics) -> bool:
        if not metrics.live or metrics.reconnecting:
            return False
        uptime = metrics.uptime_s
        return uptime is None or uptime >= self.settings.bitrate_grace_s


@dataclass(frozen=True, slots=True)
class HealthUpdate:
    """What one sample produced: its metrics and the alert events it raised or cleared."""

    metrics: Metrics
    events: list[AlertEvent]


class HealthPipeline:
    """The whole pipeline for a sampler: samples in, metrics and alert events out."""

    def __init__(self, settings: HealthSettings | None = None) -> None:
        self.settings = settings or HealthSettings()
        self.tracker = HealthTracker(self.settings)
        self.engine = AlertEngine(self.settings)

    def feed(self, sample: Sample) -> HealthUpdate:
        """Process one sample."""
        metrics = self.tracker.update(sample)
        return HealthUpdate(metrics, self.engine.evaluate(metrics, self.tracker.window))

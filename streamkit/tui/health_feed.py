"""Health for the screen: the library's StreamMonitor behind a small interface the app polls."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Protocol

from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.metrics import Metrics
from streamkit.health.monitor import StreamMonitor
from streamkit.health.settings import HealthSettings, MetricThreshold
from streamkit.show.snapshot import ShowSnapshot


@dataclass(frozen=True)
class HealthReport:
    """One health sample: metrics, new alert events, each metric's level, auto-actions taken."""

    metrics: Metrics
    alerts: list[AlertEvent] = field(default_factory=list)
    levels: dict[str, Level] = field(default_factory=dict)
    actions: list[str] = field(default_factory=list)


class HealthFeed(Protocol):
    """What the app needs from a health source (one sample per poll, never two at once)."""

    settings: HealthSettings

    @property
    def override(self) -> bool: ...

    def set_override(self, on: bool) -> list[str]: ...

    def update(self, snapshot: ShowSnapshot) -> HealthReport: ...


class MonitorFeed:
    """Samples a StreamMonitor: it fetches its own stats, raises alerts and may switch scenes
    (its fallback rules); the operator can pause those auto-actions (override)."""

    def __init__(self, monitor: StreamMonitor) -> None:
        self.monitor = monitor
        self.settings = monitor.pipeline.settings
        self._lock = threading.Lock()  # the poll worker and the override key never interleave

    @property
    def override(self) -> bool:
        return self.monitor.override

    def set_override(self, on: bool) -> list[str]:
        with self._lock:
            return [action.message for action in self.monitor.set_override(on)]

    def update(self, snapshot: ShowSnapshot) -> HealthReport:
        with self._lock:
            update = self.monitor.sample_once()
        return HealthReport(
            update.metrics,
            list(update.alerts),
            dict(update.levels),
            [action.message for action in update.actions],
        )


def thresholds(settings: HealthSettings) -> dict[str, MetricThreshold]:
    return dict(settings.thresholds.items())

"""Live audio levels from InputVolumeMeters (20 events a second), coalesced to the latest."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from streamkit.obs.client import ObsClient, Subs

SILENCE_DB = -100.0


@dataclass(frozen=True)
class Level:
    """An input's loudest channel: `magnitude_db` (RMS-like) and `peak_db`."""

    magnitude_db: float
    peak_db: float


def to_db(mul: float) -> float:
    return SILENCE_DB if mul <= 0 else max(SILENCE_DB, 20 * math.log10(mul))


def levels_from_event(data: dict[str, Any]) -> dict[str, Level]:
    """Per input, the loudest channel of an InputVolumeMeters event."""
    out = {}
    for entry in data.get("inputs", []):
        channels = entry.get("inputLevelsMul") or []
        magnitude = max((c[0] for c in channels if c), default=0.0)
        peak = max((c[1] for c in channels if len(c) > 1), default=0.0)
        out[entry.get("inputName", "")] = Level(to_db(magnitude), to_db(peak))
    return out


class LevelMeters:
    """Subscribes to the meters and keeps only the latest levels; readers poll `snapshot()`
    at their own pace (a screen at 10 Hz), so nobody is flooded by 20 events a second."""

    def __init__(self, client: ObsClient) -> None:
        self.client = client
        self._levels: dict[str, Level] = {}
        self._lock = threading.Lock()
        self.events_seen = 0

    def start(self) -> None:
        self.client.on_event(self._on_event)
        self.client.set_subscriptions(self.client.subscriptions | Subs.INPUTVOLUMEMETERS)

    def stop(self) -> None:
        self.client.set_subscriptions(self.client.subscriptions & ~Subs.INPUTVOLUMEMETERS)
        self.client.remove_event_listener(self._on_event)

    def snapshot(self) -> dict[str, Level]:
        with self._lock:
            return dict(self._levels)

    def _on_event(self, kind: str, data: dict[str, Any]) -> None:
        if kind != "InputVolumeMeters":
            return
        levels = levels_from_event(data)
        with self._lock:
            self._levels = levels
            self.events_seen += 1

"""The alarm banner: one line per metric in alarm, hidden when there is none."""

from __future__ import annotations

from textual.reactive import reactive
from textual.widgets import Static

from streamkit.health.alerts import AlertEvent


class AlarmBanner(Static):
    alarms: reactive[tuple[AlertEvent, ...]] = reactive(tuple)

    def __init__(self) -> None:
        super().__init__(id="banner")

    def watch_alarms(self, alarms: tuple[AlertEvent, ...]) -> None:
        self.set_class(bool(alarms), "-alarm")
        self.update("\n".join(f"⚠ ALARM  {event.message}" for event in alarms))

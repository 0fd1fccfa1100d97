"""The TUI's data source: one object wrapping the OBS client and the library's show calls."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from streamkit.health.monitor import StreamMonitor
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.control import OutputState, ShowControl
from streamkit.show.meters import Level, LevelMeters
from streamkit.show.ndi import NdiControl, NdiInput, SenderList
from streamkit.show.runofshow import Applied, RunOfShow
from streamkit.show.settings import ShowSettings
from streamkit.show.snapshot import ShowSnapshot, fetch_snapshot
from streamkit.tui.health_feed import HealthFeed, HealthReport, MonitorFeed
from streamkit.tui.settings import TuiSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Poll:
    """What one poll read: OBS's state and, derived from its stats, the stream's health."""

    snapshot: ShowSnapshot
    health: HealthReport | None
    ndi_plugin: bool = True  # False: OBS has NDI inputs but no NDI plugin (they show black)


class ShowController:
    """Calls the library for the screen; every method may block, so the app calls them from
    worker threads. Nothing here knows about Textual."""

    def __init__(
        self,
        client: ObsClient,
        show: ShowSettings | None = None,
        *,
        event_name: str = "",
        health: HealthFeed | None = None,
        tui: TuiSettings | None = None,
        notices: Callable[[], list[str]] | None = None,
    ) -> None:
        """`notices` reads alarms from outside OBS (each line a banner line); it may block."""
        self.client = client
        self.show = show or ShowSettings()
        self.event_name = event_name
        self.health = health if health is not None else MonitorFeed(StreamMonitor(client))
        self.tui = tui or TuiSettings()
        self.notices = notices
        self.control = ShowControl(client)
        self.ndi = NdiControl(client, self.show.ndi_senders)
        self.runofshow = RunOfShow(client, self.show.segments)
        self.meters = LevelMeters(client)
        self._plugin_loaded: bool | None = None
        client.add_state_listener(self._forget_plugin)

    # -- connection ------------------------------------------------------------------------------

    def add_state_listener(self, listener: Callable[[StateChange], None]) -> None:
        self.client.add_state_listener(listener)

    def connect(self) -> None:
        """Connect and subscribe to the level meters; raises ObsUnreachable/ObsAuthFailed."""
        self.client.connect()
        self.meters.start()

    def close(self) -> None:
        self.client.close()

    # -- reading ---------------------------------------------------------------------------------

    def poll(self) -> Poll:
        """OBS's state, then a health sample; a failed health sample leaves health None."""
        snapshot = fetch_snapshot(self.client, self.show.segments)
        try:
            health = self.health.update(snapshot)
        except ObsError as exc:
            log.warning("health sample failed: %s", exc.message)
            health = None
        return Poll(snapshot, health, self._ndi_plugin(bool(snapshot.ndi)))

    def _ndi_plugin(self, has_ndi_inputs: bool) -> bool:
        """Whether the NDI plugin is loaded; asked once per OBS process (a reconnect asks
        again), and only when the collection has NDI inputs."""
        if not has_ndi_inputs:
            return True
        if self._plugin_loaded is None:
            self._plugin_loaded = self.ndi.plugin_loaded()
        return self._plugin_loaded

    def _forget_plugin(self, change: StateChange) -> None:
        if change.state is ConnectionState.CONNECTED:  # perhaps another OBS: ask again
            self._plugin_loaded = None

    def set_override(self, on: bool) -> list[str]:
        """Operator override of auto-actions; returns the notices to show."""
        return self.health.set_override(on)

    def levels(self) -> dict[str, Level]:
        """The latest audio levels (no network: the meters are pushed by OBS)."""
        return self.meters.snapshot()

    def senders(self, input_name: str) -> SenderList:
        return self.ndi.senders(input_name, attempts=3, interval=1.0)

    def lower_third(self) -> str:
        return self.control.get_text(self.show.lower_third)

    # -- actions ---------------------------------------------------------------------------------

    def switch_scene(self, name: str) -> None:
        self.control.switch_scene(name)

    def set_preview(self, name: str) -> None:
        self.control.set_preview(name)

    def transition(self) -> None:
        self.control.transition()

    def set_studio_mode(self, enabled: bool) -> None:
        self.control.studio_mode(enabled)

    def next_segment(self) -> Applied:
        return self.runofshow.next()

    def prev_segment(self) -> Applied:
        return self.runofshow.prev()

    def switch_sender(self, input_name: str, sender: str) -> NdiInput:
        return self.ndi.switch(input_name, sender)

    def toggle_mute(self, input_name: str) -> bool:
        return self.control.toggle_mute(input_name)

    def set_volume_db(self, input_name: str, db: float) -> None:
        self.control.set_volume_db(input_name, db)

    def start_stream(self) -> OutputState:
        return self.control.start_stream()

    def stop_stream(self) -> OutputState:
        return self.control.stop_stream()

    def start_record(self) -> OutputState:
        return self.control.start_record()

    def stop_record(self) -> OutputState:
        return self.control.stop_record()

    def set_lower_third(self, text: str) -> None:
        self.control.set_text(self.show.lower_third, text)

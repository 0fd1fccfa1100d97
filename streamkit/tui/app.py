"""The show-control app: keeps the connection and polls OBS in workers; the main screen shows."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path

from textual import work
from textual.app import App, SystemCommand
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import get_current_worker

from streamkit.errors import StreamkitError
from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.metrics import Metrics
from streamkit.obs.errors import ObsAuthFailed
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.meters import Level as AudioLevel
from streamkit.show.snapshot import ShowSnapshot
from streamkit.tui.controller import Poll, ShowController
from streamkit.tui.health import LEVEL_STYLE
from streamkit.tui.health_feed import thresholds
from streamkit.tui.keymap import ACTIONS, key_label
from streamkit.tui.main import MainScreen
from streamkit.tui.messages import ConnectionChanged, NoticesRead, Polled, PollFailed

METER_INTERVAL_S = 0.1  # meters are redrawn at most 10 times a second
CONNECT_BACKOFF_CAP_S = 5.0
NOTICES_INTERVAL_S = 60.0  # alarms from outside OBS (a pending WorkSpace stop) are read this often
# Textual's own palette entries that streamkit's actions already offer.
SHADOWED_COMMANDS = {"Quit", "Keys"}
# keys of the alarms that are not health metrics'
OBS_UNREACHABLE = "obs_unreachable"
NDI_PLUGIN_MISSING = "ndi_plugin_missing"


class StreamkitApp(App[None]):
    """Show control for one OBS. `controller` is the data source; `live=False` starts no
    connection, timers or workers (tests then feed `apply_poll` / `apply_connection`)."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "streamkit"

    # Both are data for watchers (repaint=False): the panels repaint what changed, and a repaint
    # of the app would redraw the whole screen on every poll.
    #: The one connection state; every change goes through `watch_connection`.
    connection: reactive[StateChange] = reactive(
        StateChange(ConnectionState.CONNECTING), always_update=True, init=False, repaint=False
    )
    #: What the last poll read; None until the first one.
    snapshot: reactive[ShowSnapshot | None] = reactive(
        None, always_update=True, init=False, repaint=False
    )

    def __init__(
        self,
        controller: ShowController,
        *,
        clock: Callable[[], datetime] = datetime.now,
        monotonic: Callable[[], float] = time.monotonic,
        live: bool = True,
    ) -> None:
        super().__init__()
        self.controller = controller
        self.clock, self.monotonic, self.live = clock, monotonic, live
        settings = controller.tui
        self.keys = {a.id: settings.keys.get(a.id, a.key) for a in ACTIONS}
        self.set_keymap(dict(settings.keys))
        self.history: deque[Metrics] = deque(
            maxlen=max(1, round(settings.history_s / settings.poll_interval_s))
        )
        self.alarms: dict[str, AlertEvent] = {}
        self.stale_since: datetime | None = None
        self._polling = False
        self._poll_again = False
        self._ever_connected = False
        self._header_second: datetime | None = None
        self._stop = threading.Event()
        self.main = MainScreen(controller, thresholds(controller.health.settings), clock, monotonic)

    def get_default_screen(self) -> Screen:
        return self.main

    def on_mount(self) -> None:
        if not self.live:
            return
        self.controller.add_state_listener(self._on_state)
        self._connect()
        self.set_interval(self.controller.tui.poll_interval_s, self.request_poll)
        self.set_interval(METER_INTERVAL_S, self._tick)
        if self.controller.notices is not None:
            self._read_notices()
            self.set_interval(NOTICES_INTERVAL_S, self._read_notices)

    def on_unmount(self) -> None:
        self._stop.set()
        if self.live:
            self.controller.close()

    # -- connection ------------------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        return self.connection.state is ConnectionState.CONNECTED

    def _on_state(self, change: StateChange) -> None:
        """Client listener (any thread): before the first connection the connect worker
        reports progress itself; CLOSED only happens when the app exits."""
        if change.state is ConnectionState.CLOSED:
            return
        if change.state is ConnectionState.CONNECTED:
            self._ever_connected = True
        if self._ever_connected:
            self.post_message(ConnectionChanged(change))

    @work(thread=True, exclusive=True, group="connect")
    def _connect(self) -> None:
        """Connect, retrying with backoff while OBS is not there yet (the client takes over
        reconnecting once it has been connected)."""
        worker = get_current_worker()
        delay, attempt = 0.5, 0
        while not worker.is_cancelled and not self._stop.is_set():
            attempt += 1
            try:
                self.controller.connect()
                return
            except ObsAuthFailed as exc:
                self.post_message(
                    ConnectionChanged(StateChange(ConnectionState.FAILED, exc.message))
                )
                return
            except Exception as exc:  # unreachable, timeout, or anything else: try again
                detail = exc.message if isinstance(exc, StreamkitError) else str(exc)
                retry_at = time.monotonic() + delay
                change = StateChange(ConnectionState.RECONNECTING, detail, attempt, retry_at)
                self.post_message(ConnectionChanged(change))
            self._stop.wait(delay)
            delay = min(delay * 2, CONNECT_BACKOFF_CAP_S)

    def on_connection_changed(self, message: ConnectionChanged) -> None:
        self.connection = message.change

    def apply_connection(self, change: StateChange) -> None:
        """Show a connection state (what a ConnectionChanged message does)."""
        self.connection = change

    def watch_connection(self, previous: StateChange, change: StateChange) -> None:
        """CONNECTED polls at once; anything else marks the data on screen stale."""
        before = previous.state
        self.main.header.connection = change
        if change.state is ConnectionState.CONNECTED:
            if before is not ConnectionState.CONNECTED:
                self.main.write_log(
                    "connected to OBS"
                    if before is ConnectionState.CONNECTING
                    else "reconnected to OBS"
                )
            self._set_stale(False)
            self.request_poll()
        elif change.state is not before:
            if change.state is ConnectionState.RECONNECTING:
                reason = f": {change.detail}" if change.detail else ""
                self.main.write_log(f"OBS not reachable{reason}; reconnecting", "yellow")
            elif change.state is ConnectionState.FAILED:
                self.main.write_log(f"connection failed: {change.detail}", "bold red")
            self._set_stale(True)
        self._obs_alarm(change.state is not ConnectionState.CONNECTED and self.snapshot is not None)

    def _obs_alarm(self, raised: bool) -> None:
        """OBS going away once it was there is an alarm: the stream may be running unwatched,
        or not at all. It clears when OBS answers again."""
        changed = self._condition(
            OBS_UNREACHABLE,
            raised,
            "OBS unreachable — the stream may be down: check the streaming PC "
            "(is OBS running?) and its network",
        )
        if changed:
            text, style = (
                ("ALARM: OBS unreachable", "bold red")
                if raised
                else ("OBS reachable again", "green")
            )
            self.main.write_log(text, style)

    def _condition(self, key: str, raised: bool, message: str) -> bool:
        """Raise or clear an alarm that is not a health metric's; True when it changed."""
        if raised == (key in self.alarms):
            return False
        if raised:
            self.alarms[key] = AlertEvent(
                time.time(), key, Level.ALARM, Level.OK, None, None, message, ""
            )
        else:
            self.alarms.pop(key)
        self.main.banner.alarms = tuple(self.alarms.values())
        return True

    def _set_stale(self, stale: bool) -> None:
        if not stale:
            self.stale_since = None
        elif self.snapshot is not None and self.stale_since is None:
            self.stale_since = self.clock()
        self.main.mark_stale(self.stale_since)

    # -- polling ---------------------------------------------------------------------------------

    def request_poll(self, *, after_action: bool = False) -> None:
        """Start a poll unless one is running: polls never overlap. A timer tick that finds one
        running is skipped; after an action, one more poll follows so the screen shows it."""
        if not self.live or not self.connected:
            return
        if self._polling:
            self._poll_again = self._poll_again or after_action
            return
        self._polling = True
        self._poll_worker()

    @work(thread=True, group="poll")
    def _poll_worker(self) -> None:
        try:
            poll = self.controller.poll()
        except Exception as exc:  # an outage or a bad answer: the screen keeps its last data
            text = exc.message if isinstance(exc, StreamkitError) else repr(exc)
            self.post_message(PollFailed(text))
        else:
            self.post_message(Polled(poll))

    def on_polled(self, message: Polled) -> None:
        self._poll_done()
        self.apply_poll(message.poll)

    def on_poll_failed(self, message: PollFailed) -> None:
        self._poll_done()
        self.log.warning(f"poll failed: {message.error}")

    def _poll_done(self) -> None:
        self._polling = False
        if self._poll_again:
            self._poll_again = False
            self.request_poll(after_action=True)

    def apply_poll(self, poll: Poll) -> None:
        """Show what a poll read (what a Polled message does)."""
        self.snapshot = poll.snapshot
        if self._condition(
            NDI_PLUGIN_MISSING,
            not poll.ndi_plugin,
            "NDI plugin missing in OBS — the NDI slots show black: install DistroAV on the "
            "streaming PC and restart OBS",
        ):
            self.main.write_log("ALARM: NDI plugin missing in OBS", "bold red")
        if poll.health is None:
            return
        self.history.append(poll.health.metrics)
        for event in poll.health.alerts:
            self._on_alert(event)
        for action in poll.health.actions:
            self.main.write_log(f"auto-action: {action}", "bold magenta")
            self.notify(action, title="Auto-action")
        self.main.show_health(self.history, poll.health.levels)

    def watch_snapshot(self, snapshot: ShowSnapshot | None) -> None:
        if snapshot is not None:
            self.main.show_snapshot(snapshot)

    def _on_alert(self, event: AlertEvent) -> None:
        style = LEVEL_STYLE[event.level] if event.level else "green"
        self.main.write_log(f"{event.level.name}: {event.message}", style)
        if event.level is Level.ALARM:
            self.alarms[event.metric] = event
        else:
            self.alarms.pop(event.metric, None)
        self.main.banner.alarms = tuple(self.alarms.values())

    @work(thread=True, exclusive=True, group="notices")
    def _read_notices(self) -> None:
        try:
            lines = self.controller.notices() if self.controller.notices else []
        except Exception as exc:  # never let a side channel take the screen down
            self.log.warning(f"notices failed: {exc!r}")
            return
        self.post_message(NoticesRead(lines))

    def on_notices_read(self, message: NoticesRead) -> None:
        wanted = {f"notice:{line}": line for line in message.lines}
        for key in [k for k in self.alarms if k.startswith("notice:") and k not in wanted]:
            self._condition(key, False, "")
        for key, line in wanted.items():
            if self._condition(key, True, line):
                self.main.write_log(f"ALARM: {line}", "bold red")

    def _tick(self) -> None:
        """Ten times a second: the meters, and once a second the header's clock and timecodes
        (in the same tick, so the screen is composited once for both)."""
        self.main.audio.levels = self.controller.levels()
        second = self.clock().replace(microsecond=0)
        if second != self._header_second:
            self._header_second = second
            self.main.header.refresh()

    @property
    def audio_levels(self) -> dict[str, AudioLevel]:
        return self.main.audio.levels

    @audio_levels.setter
    def audio_levels(self, levels: dict[str, AudioLevel]) -> None:
        self.main.audio.levels = levels

    # -- keys and the command palette ------------------------------------------------------------

    def key_rows(self) -> list[tuple[str, str]]:
        """(keys, description) of every action, with the config's remapping applied; scene
        keys left at 1-9 share one row."""
        scene_keys = [self.keys[f"scene_{n}"] for n in range(1, 10)]
        grouped = scene_keys == [str(n) for n in range(1, 10)]
        rows = [("1-9", "Scene 1 to 9 (to preview in studio mode)")] if grouped else []
        rows += [
            (key_label(self.keys[a.id]), a.description)
            for a in ACTIONS
            if not (grouped and a.id.startswith("scene_"))
        ]
        return [*rows, ("ctrl+p", "Command palette (every action by name)")]

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        names = self.snapshot.scenes.names if self.snapshot else []
        for a in ACTIONS:
            title = a.description
            if a.id.startswith("scene_"):
                index = int(a.id.removeprefix("scene_")) - 1
                if index >= len(names):
                    continue
                title = f"Scene {index + 1}: {names[index]}"
            keys = key_label(self.keys[a.id])
            yield SystemCommand(
                title, f"key: {keys}", partial(self.run_action, a.action, self.main)
            )
        for command in super().get_system_commands(screen):
            if command.title not in SHADOWED_COMMANDS:
                yield command

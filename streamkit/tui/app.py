"""The show-control app: one main screen fed by worker threads that call the controller."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, RichLog, Static
from textual.worker import get_current_worker

from streamkit.errors import StreamkitError
from streamkit.health.alerts import AlertEvent, Level
from streamkit.health.metrics import Metrics
from streamkit.obs.errors import ObsAuthFailed
from streamkit.obs.types import ConnectionState, StateChange
from streamkit.show.snapshot import ShowSnapshot
from streamkit.tui import render
from streamkit.tui.actions import ShowActions
from streamkit.tui.controller import Poll, ShowController
from streamkit.tui.health_feed import thresholds
from streamkit.tui.keymap import ACTIONS, key_label
from streamkit.tui.messages import ConnectionChanged, Polled, PollFailed
from streamkit.tui.widgets import LinesPanel, TextPanel

METER_INTERVAL_S = 0.1  # meters are redrawn at most 10 times a second
CONNECT_BACKOFF_CAP_S = 5.0


class StreamkitApp(ShowActions, App[None]):
    """Show control for one OBS. `controller` is the data source; `live=False` starts no
    connection, timers or workers (tests then feed `apply_poll` / `apply_connection`)."""

    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere
    TITLE = "streamkit"
    BINDINGS = [
        Binding(a.key, a.action, a.footer or a.description, show=bool(a.footer), id=a.id)
        for a in ACTIONS
    ]

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
        self.connection = StateChange(ConnectionState.CONNECTING)
        self.snapshot: ShowSnapshot | None = None
        self.history: deque[Metrics] = deque(
            maxlen=max(1, round(settings.history_s / settings.poll_interval_s))
        )
        self.levels: dict[str, Level] = {}
        self.alarms: dict[str, AlertEvent] = {}
        self.audio_levels: dict[str, Any] = {}
        self.ndi_index = 0
        self.audio_index = 0
        self.stale_since: datetime | None = None
        self._polling = False
        self._poll_again = False
        self._ever_connected = False
        self._stop = threading.Event()
        self._thresholds = thresholds(controller.health.settings)
        self.main: Screen = Screen()

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Kept as attributes: drawing must not depend on which screen is on top.
        self.header = TextPanel(None, id="header")
        self.banner = Static(id="banner")
        self.body = Horizontal(id="body")
        self.scenes = TextPanel("Scenes", id="scenes")
        self.runofshow = TextPanel("Run of show", id="runofshow")
        self.ndi = TextPanel("NDI slots", id="ndi")
        self.audio = LinesPanel(id="audio")
        self.health = TextPanel("Health", id="health")
        self.log_view = RichLog(id="log", classes="panel", max_lines=500, wrap=True, min_width=20)
        self.log_view.border_title = "Log"
        yield self.header
        yield self.banner
        with self.body:
            with Vertical(id="left", classes="column"):
                yield self.scenes
                yield self.runofshow
            with Vertical(id="middle", classes="column"):
                yield self.ndi
                with Vertical(id="audio-box", classes="panel") as box:
                    box.border_title = "Audio"
                    yield self.audio
            with Vertical(id="right", classes="column"):
                yield self.health
                yield self.log_view
        yield Footer()

    def on_mount(self) -> None:
        self.main = self.screen  # dialogs stack above it; the panels stay here
        self._draw_header()
        self._draw_segments()
        self._draw_health()
        if not self.live:
            return
        self.controller.add_state_listener(self._on_state)
        self._connect()
        self.set_interval(self.controller.tui.poll_interval_s, self._poll)
        self.set_interval(METER_INTERVAL_S, self._tick_meters)
        self.set_interval(1.0, self._draw_header)

    def on_resize(self) -> None:
        self.call_after_refresh(self._draw_audio)  # its lines are laid out for a width

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
        self.apply_connection(message.change)

    def apply_connection(self, change: StateChange) -> None:
        """Show a connection state: CONNECTED polls at once, anything else marks data stale."""
        previous = self.connection.state
        self.connection = change
        if change.state is ConnectionState.CONNECTED:
            if previous is not ConnectionState.CONNECTED:
                self.write_log(
                    "connected to OBS"
                    if previous is ConnectionState.CONNECTING
                    else "reconnected to OBS"
                )
            self._set_stale(False)
            self._poll()
        elif change.state is not previous:
            if change.state is ConnectionState.RECONNECTING:
                reason = f": {change.detail}" if change.detail else ""
                self.write_log(f"OBS not reachable{reason}; reconnecting", "yellow")
            elif change.state is ConnectionState.FAILED:
                self.write_log(f"connection failed: {change.detail}", "bold red")
            self._set_stale(True)
        self._draw_header()

    def _set_stale(self, stale: bool) -> None:
        body = self.body
        if stale and self.snapshot is not None and self.stale_since is None:
            self.stale_since = self.clock()
        if not stale:
            self.stale_since = None
        body.set_class(stale and self.snapshot is not None, "stale")
        subtitle = f"stale since {self.stale_since:%H:%M:%S}" if self.stale_since else ""
        for panel in self.main.query(".panel"):
            panel.border_subtitle = subtitle

    # -- polling ---------------------------------------------------------------------------------

    def _poll(self, *, after_action: bool = False) -> None:
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
            self._poll(after_action=True)

    def apply_poll(self, poll: Poll) -> None:
        """Show what a poll read; panels whose data did not change are not redrawn."""
        snapshot = self.snapshot = poll.snapshot
        self.ndi_index = min(self.ndi_index, max(0, len(snapshot.ndi) - 1))
        self.audio_index = min(self.audio_index, max(0, len(snapshot.audio) - 1))
        if poll.health is not None:
            self.history.append(poll.health.metrics)
            self.levels = poll.health.levels
            for event in poll.health.alerts:
                self._on_alert(event)
            for action in poll.health.actions:
                self.write_log(f"auto-action: {action}", "bold magenta")
                self.notify(action, title="Auto-action")
        self._draw_header()
        self._draw_scenes()
        self._draw_ndi()
        self._draw_audio()
        self._draw_segments()
        self._draw_health()

    def _on_alert(self, event: AlertEvent) -> None:
        style = render.LEVEL_STYLE[event.level] if event.level else "green"
        self.write_log(f"{event.level.name}: {event.message}", style)
        if event.level is Level.ALARM:
            self.alarms[event.metric] = event
        else:
            self.alarms.pop(event.metric, None)
        self._draw_banner()

    def _tick_meters(self) -> None:
        levels = self.controller.levels()
        if levels != self.audio_levels:
            self.audio_levels = levels
            self._draw_audio()

    # -- drawing ---------------------------------------------------------------------------------

    def _draw_header(self) -> None:
        snap = self.snapshot
        header = render.header_text(
            self.controller.event_name,
            self.connection,
            snap.stream if snap else None,
            snap.record if snap else None,
            bool(snap and snap.studio_mode),
            self.clock(),
            self.monotonic(),
            override=self.controller.health.override,
        )
        self.header.show(header.markup, lambda _w: header, layout=False)

    def _draw_banner(self) -> None:
        banner = self.banner
        banner.set_class(bool(self.alarms), "-alarm")
        lines = [f"⚠ ALARM  {event.message}" for event in self.alarms.values()]
        banner.update("\n".join(lines))

    def _draw_scenes(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        panel = self.scenes
        panel.border_title = "Scenes — studio mode" if snap.studio_mode else "Scenes"
        key = (snap.scenes, snap.studio_mode)
        panel.show(key, lambda _w: render.scenes_text(snap.scenes, snap.studio_mode))

    def _draw_ndi(self) -> None:
        snap = self.snapshot
        if snap is None:
            return
        slots, index = tuple(snap.ndi), self.ndi_index
        self.ndi.show((slots, index), lambda _w: render.ndi_text(slots, index))

    def _draw_audio(self) -> None:
        """Repaint only the rows whose text changed (a meter moved by a whole cell)."""
        snap = self.snapshot
        if snap is None:
            return
        panel = self.audio
        width = panel.size.width
        if width:
            panel.show(render.audio_lines(snap.audio, self.audio_levels, self.audio_index, width))

    def _draw_segments(self) -> None:
        segments = self.controller.show.segments
        current = self.snapshot.segment if self.snapshot else None
        self.runofshow.show(
            (current, len(segments)), lambda _w: render.segments_text(segments, current)
        )

    def _draw_health(self) -> None:
        history, levels, limits = list(self.history), dict(self.levels), self._thresholds
        key = (history[-1].t if history else None, len(history), tuple(levels.items()))
        self.health.show(
            key, lambda width: render.health_text(history, levels, limits, width), layout=False
        )

    def write_log(self, text: str, style: str = "") -> None:
        """A timestamped line in the log panel."""
        line = Text.assemble((f"{self.clock():%H:%M:%S} ", "dim"), (text, style))
        self.log_view.write(line)

    # -- command palette -------------------------------------------------------------------------

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
            yield SystemCommand(title, f"key: {keys}", partial(self.run_action, a.action))
        yield from super().get_system_commands(screen)

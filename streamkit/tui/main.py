"""The main screen: the panels, and what each key does (library calls run in workers)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer

from streamkit.errors import StreamkitError
from streamkit.health.metrics import Metrics
from streamkit.health.settings import MetricThreshold
from streamkit.obs.errors import ObsUnreachable
from streamkit.show.runofshow import Applied
from streamkit.show.snapshot import ShowSnapshot
from streamkit.tui.audio import AudioPanel
from streamkit.tui.banner import AlarmBanner
from streamkit.tui.chat import AudiencePanel, note_markup
from streamkit.tui.controller import ShowController
from streamkit.tui.header import HeaderBar
from streamkit.tui.health import HealthPanel
from streamkit.tui.keymap import ACTIONS
from streamkit.tui.log import LogPanel
from streamkit.tui.messages import ActionFinished
from streamkit.tui.ndi import NdiPanel
from streamkit.tui.runofshow import RunOfShowPanel
from streamkit.tui.scenes import ScenesPanel
from streamkit.tui.screens import ConfirmScreen, KeysScreen, LowerThirdScreen, SenderScreen

if TYPE_CHECKING:
    from streamkit.tui.app import StreamkitApp

NOT_CONNECTED = "OBS is not connected right now"


class MainScreen(Screen[None]):
    """Scenes, run of show, NDI, audio, health and log; the keys of ACTIONS act on them."""

    BINDINGS = [
        Binding(a.key, a.action, a.footer or a.description, show=bool(a.footer), id=a.id)
        for a in ACTIONS
    ]

    def __init__(
        self,
        controller: ShowController,
        thresholds: dict[str, MetricThreshold],
        clock: Callable[[], datetime],
        monotonic: Callable[[], float],
    ) -> None:
        super().__init__()
        self.controller, self.clock = controller, clock
        # chat and questions (chat.channel): set before the app runs; None shows none
        self.audience: AudiencePanel | None = None
        self.header = HeaderBar(controller.event_name, clock, monotonic)
        self.banner = AlarmBanner()
        self.scenes = ScenesPanel()
        self.runofshow = RunOfShowPanel(controller.show.segments)
        self.ndi = NdiPanel()
        self.audio = AudioPanel()
        self.health = HealthPanel(thresholds)
        self.log_panel = LogPanel()
        self.audio_box = Vertical(self.audio, id="audio-box", classes="panel")
        self.audio_box.border_title = "Audio"
        self.body = Horizontal(id="body")
        # every framed panel, for the stale marking
        self.panels = (
            self.scenes,
            self.runofshow,
            self.ndi,
            self.audio_box,
            self.health,
            self.log_panel,
        )

    @property
    def show_app(self) -> StreamkitApp:
        return cast("StreamkitApp", self.app)

    def compose(self) -> ComposeResult:
        yield self.header
        yield self.banner
        with self.body:
            with Vertical(id="left", classes="column"):
                yield self.scenes
                yield self.runofshow
            with Vertical(id="middle", classes="column"):
                yield self.ndi
                yield self.audio_box
            with Vertical(id="right", classes="column"):
                yield self.health
                if self.audience is not None:
                    yield self.audience
                yield self.log_panel
        yield Footer()

    # -- what the app feeds in -------------------------------------------------------------------

    def show_snapshot(self, snap: ShowSnapshot) -> None:
        """Hand each panel its part; a panel whose part did not change does not repaint."""
        self.header.stream, self.header.record = snap.stream, snap.record
        self.header.have_data = True
        self.header.studio = snap.studio_mode
        self.scenes.scenes, self.scenes.studio = snap.scenes, snap.studio_mode
        self.ndi.slots = tuple(snap.ndi)
        self.audio.inputs = tuple(snap.audio)
        self.runofshow.current = snap.segment

    def show_health(self, history: Sequence[Metrics], levels: dict[str, Any]) -> None:
        self.health.history, self.health.levels = tuple(history), dict(levels)
        self.header.override = self.controller.health.override

    def mark_stale(self, since: datetime | None) -> None:
        """Frame every panel in the warning colour, subtitled with when the data stopped."""
        self.body.set_class(since is not None, "stale")
        subtitle = f"stale since {since:%H:%M:%S}" if since else ""
        for panel in self.panels:
            panel.border_subtitle = subtitle

    def write_log(self, text: str, style: str = "") -> None:
        self.log_panel.line(self.clock(), text, style)

    # -- running library calls -------------------------------------------------------------------

    def run_library(
        self, label: str, call: Callable[[], Any], describe: Callable[[Any], str] | None = None
    ) -> None:
        """Run a library call in a worker; during an outage, say at once that it cannot be done."""
        if not self.show_app.connected:
            self._cannot(label)
            return
        self._action_worker(label, call, describe)

    @work(thread=True, group="actions")
    def _action_worker(
        self, label: str, call: Callable[[], Any], describe: Callable[[Any], str] | None
    ) -> None:
        try:
            result = call()
        except ObsUnreachable:
            self.post_message(ActionFinished(label, error=NOT_CONNECTED))
        except StreamkitError as exc:
            hint = f" ({exc.hint})" if getattr(exc, "hint", None) else ""
            self.post_message(ActionFinished(label, error=f"{exc.message}{hint}"))
        except Exception as exc:
            self.post_message(ActionFinished(label, error=repr(exc)))
        else:
            self.post_message(ActionFinished(label, describe(result) if describe else ""))

    def on_action_finished(self, message: ActionFinished) -> None:
        if message.error is None:
            detail = f": {message.detail}" if message.detail else ""
            self.write_log(f"{message.label}{detail}", "green")
        elif message.error == NOT_CONNECTED:
            self._cannot(message.label)
        else:
            self.write_log(f"could not {message.label}: {message.error}", "red")
            self.notify(message.error, title=f"Could not {message.label}", severity="error")
        self.show_app.request_poll(after_action=True)

    def _cannot(self, label: str) -> None:
        state = self.show_app.connection.state.value
        text = f"cannot {label} now: OBS is not connected ({state})"
        self.write_log(text, "yellow")
        self.notify(text, severity="warning")

    # -- actions ---------------------------------------------------------------------------------

    def action_scene(self, index: int) -> None:
        snap = self.show_app.snapshot
        if snap is None or not self.show_app.connected:
            self._cannot("switch scenes")
            return
        if index >= len(snap.scenes.names):
            self.notify(f"there is no scene {index + 1}", severity="warning")
            return
        name = snap.scenes.names[index]
        if snap.studio_mode:
            self.run_library(f"preview {name}", partial(self.controller.set_preview, name))
        else:
            self.run_library(f"switch to {name}", partial(self.controller.switch_scene, name))

    def action_transition(self) -> None:
        self.run_library("transition to program", self.controller.transition)

    def action_toggle_studio(self) -> None:
        enable = not self.scenes.studio
        label = f"turn studio mode {'on' if enable else 'off'}"
        self.run_library(label, partial(self.controller.set_studio_mode, enable))

    def action_next_segment(self) -> None:
        self.run_library("go to the next segment", self.controller.next_segment, _describe_segment)

    def action_prev_segment(self) -> None:
        self.run_library("go back a segment", self.controller.prev_segment, _describe_segment)

    def action_next_ndi_slot(self) -> None:
        self.ndi.select_next()

    def action_next_audio(self) -> None:
        self.audio.select_next()

    def action_pick_sender(self) -> None:
        if not self.show_app.connected:
            self._cannot("change an NDI sender")
            return
        slot = self.ndi.current
        if slot is None:
            self.notify("there are no NDI inputs", severity="warning")
            return

        def chosen(sender: str | None) -> None:
            if sender and sender != slot.sender:
                self.run_library(
                    f"show {sender} in {slot.name}",
                    partial(self.controller.switch_sender, slot.name, sender),
                )

        screen = SenderScreen(slot.name, slot.sender)
        self.app.push_screen(screen, chosen)
        self._load_senders(screen, slot.name)

    @work(thread=True, group="senders")
    def _load_senders(self, screen: SenderScreen, input_name: str) -> None:
        try:
            found = self.controller.senders(input_name)
        except Exception as exc:
            error = exc.message if isinstance(exc, StreamkitError) else repr(exc)
            self.app.call_from_thread(self.notify, error, severity="error")
            return
        if screen.is_attached:
            self.app.call_from_thread(screen.show_senders, found.senders, found.source)

    def _selected_audio(self) -> Any:
        audio = self.audio.current
        if audio is None:
            self.notify("there are no audio inputs", severity="warning")
        return audio

    def action_toggle_mute(self) -> None:
        audio = self._selected_audio()
        if audio is not None:
            self.run_library(
                f"toggle mute of {audio.name}",
                partial(self.controller.toggle_mute, audio.name),
                lambda muted: "muted" if muted else "unmuted",
            )

    def action_volume(self, step_db: float) -> None:
        audio = self._selected_audio()
        if audio is not None:
            target = max(-100.0, min(26.0, round(audio.volume_db + step_db)))
            self.run_library(
                f"set {audio.name} to {target:.0f} dB",
                partial(self.controller.set_volume_db, audio.name, target),
            )

    def action_toggle_stream(self) -> None:
        self._toggle_output(
            "stream", self.controller.start_stream, self.controller.stop_stream, "Stop the stream?"
        )

    def action_toggle_record(self) -> None:
        self._toggle_output(
            "recording",
            self.controller.start_record,
            self.controller.stop_record,
            "Stop recording?",
        )

    def _toggle_output(
        self, what: str, start: Callable[[], Any], stop: Callable[[], Any], question: str
    ) -> None:
        snap = self.show_app.snapshot
        if not self.show_app.connected or snap is None:
            self._cannot(f"start or stop the {what}")
            return
        output = snap.stream if what == "stream" else snap.record
        if not output.active:
            self.run_library(f"start the {what}", start)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.run_library(f"stop the {what}", stop)
            else:
                self.write_log(f"kept the {what} running")

        self.app.push_screen(ConfirmScreen(question, "Stop"), answered)

    def action_edit_lower_third(self) -> None:
        if not self.show_app.connected:
            self._cannot("edit the lower third")
            return
        self._open_lower_third()

    @work(thread=True, group="lower-third")
    def _open_lower_third(self) -> None:
        name = self.controller.show.lower_third
        try:
            text = self.controller.lower_third()
        except Exception as exc:
            error = exc.message if isinstance(exc, StreamkitError) else repr(exc)
            self.post_message(ActionFinished("read the lower third", error=error))
            return

        def edited(new_text: str | None) -> None:
            if new_text is not None and new_text != text:
                self.run_library(
                    f"set the lower third to {new_text!r}",
                    partial(self.controller.set_lower_third, new_text),
                )

        self.app.call_from_thread(self.app.push_screen, LowerThirdScreen(name, text), edited)

    def action_toggle_auto_actions(self) -> None:
        """Operator override: pause (or resume) the health monitor's auto-actions."""
        on = not self.controller.health.override
        label = "pause auto-actions (operator override)" if on else "resume auto-actions"
        self._action_worker(label, partial(self.controller.set_override, on), "; ".join)

    def action_mark_question(self) -> None:
        if (audience := self._audience()) is not None:
            audience.chat.action_mark()

    def action_show_question(self) -> None:
        if (audience := self._audience()) is not None:
            audience.questions.action_show()

    def action_clear_question(self) -> None:
        if (audience := self._audience()) is not None:
            audience.questions.action_clear()

    def _audience(self) -> AudiencePanel | None:
        if self.audience is None:
            self.notify("no audience chat: set chat.channel in streamkit.yaml", severity="warning")
        return self.audience

    def on_audience_panel_note(self, note: AudiencePanel.Note) -> None:
        """What the audience panel reports goes to the log; failures also pop up."""
        styles = {"information": "", "warning": "yellow", "error": "red"}
        self.write_log(note.text, styles.get(note.level, ""))
        if note.level != "information":
            self.notify(note_markup(note), severity=note.level)  # type: ignore[arg-type]

    def action_show_keys(self) -> None:
        self.app.push_screen(KeysScreen(self.show_app.key_rows()))

    def action_quit(self) -> None:
        self.app.exit()


def _describe_segment(applied: Applied) -> str:
    where = "preview" if applied.to_preview else "program"
    return f"{applied.index + 1}. {applied.segment.title} ({applied.segment.scene} on {where})"

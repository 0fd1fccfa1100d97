"""The main screen's actions: each checks the connection and runs library calls in a worker."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from textual import work

from streamkit.errors import StreamkitError
from streamkit.obs.errors import ObsUnreachable
from streamkit.obs.types import StateChange
from streamkit.show.runofshow import Applied
from streamkit.show.snapshot import ShowSnapshot
from streamkit.tui.controller import ShowController
from streamkit.tui.keymap import ACTIONS, key_label
from streamkit.tui.messages import ActionFinished
from streamkit.tui.screens import ConfirmScreen, KeysScreen, LowerThirdScreen, SenderScreen

if TYPE_CHECKING:
    from textual.app import App

    _Base = App[None]
else:
    _Base = object

NOT_CONNECTED = "OBS is not connected right now"


class ShowActions(_Base):
    """Mixed into the app: what the keys, dialogs and command palette do."""

    controller: ShowController
    snapshot: ShowSnapshot | None
    connection: StateChange
    keys: dict[str, str]
    ndi_index: int
    audio_index: int

    if TYPE_CHECKING:  # provided by the app

        @property
        def connected(self) -> bool: ...
        def write_log(self, text: str, style: str = "") -> None: ...
        def _poll(self, *, after_action: bool = False) -> None: ...
        def _draw_ndi(self) -> None: ...
        def _draw_audio(self) -> None: ...

    def run_library(
        self,
        label: str,
        call: Callable[[], Any],
        describe: Callable[[Any], str] | None = None,
    ) -> None:
        """Run a library call in a worker; during an outage, say at once that it cannot be done."""
        if not self.connected:
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
        self._poll(after_action=True)

    def _cannot(self, label: str) -> None:
        text = f"cannot {label} now: OBS is not connected ({self.connection.state.value})"
        self.write_log(text, "yellow")
        self.notify(text, severity="warning")

    # -- actions ---------------------------------------------------------------------------------

    def action_scene(self, index: int) -> None:
        snap = self.snapshot
        if snap is None or not self.connected:
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
        enable = not (self.snapshot and self.snapshot.studio_mode)
        label = f"turn studio mode {'on' if enable else 'off'}"
        self.run_library(label, partial(self.controller.set_studio_mode, enable))

    def action_next_segment(self) -> None:
        self.run_library("go to the next segment", self.controller.next_segment, _describe_segment)

    def action_prev_segment(self) -> None:
        self.run_library("go back a segment", self.controller.prev_segment, _describe_segment)

    def action_next_ndi_slot(self) -> None:
        if self.snapshot and self.snapshot.ndi:
            self.ndi_index = (self.ndi_index + 1) % len(self.snapshot.ndi)
            self._draw_ndi()

    def action_next_audio(self) -> None:
        if self.snapshot and self.snapshot.audio:
            self.audio_index = (self.audio_index + 1) % len(self.snapshot.audio)
            self._draw_audio()

    def action_pick_sender(self) -> None:
        if not self.connected:
            self._cannot("change an NDI sender")
            return
        if not self.snapshot or not self.snapshot.ndi:
            self.notify("there are no NDI inputs", severity="warning")
            return
        slot = self.snapshot.ndi[self.ndi_index]

        def chosen(sender: str | None) -> None:
            if sender and sender != slot.sender:
                self.run_library(
                    f"show {sender} in {slot.name}",
                    partial(self.controller.switch_sender, slot.name, sender),
                )

        screen = SenderScreen(slot.name, slot.sender)
        self.push_screen(screen, chosen)
        self._load_senders(screen, slot.name)

    @work(thread=True, group="senders")
    def _load_senders(self, screen: SenderScreen, input_name: str) -> None:
        try:
            found = self.controller.senders(input_name)
        except Exception as exc:
            error = exc.message if isinstance(exc, StreamkitError) else repr(exc)
            self.call_from_thread(self.notify, error, severity="error")
            return
        if screen.is_attached:
            self.call_from_thread(screen.show_senders, found.senders, found.source)

    def _selected_audio(self) -> Any:
        if not self.snapshot or not self.snapshot.audio:
            self.notify("there are no audio inputs", severity="warning")
            return None
        return self.snapshot.audio[self.audio_index]

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
        snap = self.snapshot
        if not self.connected or snap is None:
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

        self.push_screen(ConfirmScreen(question, "Stop"), answered)

    def action_edit_lower_third(self) -> None:
        if not self.connected:
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

        self.call_from_thread(self.push_screen, LowerThirdScreen(name, text), edited)

    def action_toggle_auto_actions(self) -> None:
        """Operator override: pause (or resume) the health monitor's auto-actions."""
        on = not self.controller.health.override
        label = "pause auto-actions (operator override)" if on else "resume auto-actions"
        self._action_worker(label, partial(self.controller.set_override, on), "; ".join)

    def action_show_keys(self) -> None:
        self.push_screen(KeysScreen(self.key_rows()))

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


def _describe_segment(applied: Applied) -> str:
    where = "preview" if applied.to_preview else "program"
    return f"{applied.index + 1}. {applied.segment.title} ({applied.segment.scene} on {where})"

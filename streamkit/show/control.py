"""Live show actions: scenes, studio mode, transitions, audio, outputs and text."""

from __future__ import annotations

import time
from dataclasses import dataclass

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError, ObsRequestFailed
from streamkit.obs.types import Request

STUDIO_MODE_NOT_ACTIVE = 506
RESOURCE_NOT_FOUND = 600
OUTPUT_RUNNING = 500
OUTPUT_NOT_RUNNING = 501


@dataclass(frozen=True)
class SceneList:
    """Scenes top to bottom as OBS's Scenes dock shows them, with program and preview."""

    names: list[str]
    program: str
    preview: str | None


@dataclass(frozen=True)
class AudioInput:
    name: str
    kind: str
    muted: bool
    volume_db: float


@dataclass(frozen=True)
class OutputState:
    active: bool
    reconnecting: bool
    timecode: str
    paused: bool = False


class ShowControl:
    """The co-organizer's actions, as library calls shared by the CLI and the TUI."""

    def __init__(self, client: ObsClient) -> None:
        self.client = client

    # -- scenes ----------------------------------------------------------------------------------

    def scenes(self) -> SceneList:
        """GetSceneList answers bottom-up (index 0 is the last scene): turn it the right way."""
        data = self.client.request("GetSceneList")
        ordered = sorted(data.get("scenes", []), key=lambda s: s["sceneIndex"], reverse=True)
        return SceneList(
            names=[s["sceneName"] for s in ordered],
            program=data.get("currentProgramSceneName") or "",
            preview=data.get("currentPreviewSceneName") or None,
        )

    def switch_scene(self, name: str) -> None:
        """Put `name` on program (live, or straight to program in studio mode)."""
        try:
            self.client.request("SetCurrentProgramScene", {"sceneName": name})
        except ObsRequestFailed as exc:
            raise self._unknown_scene(name, exc) from None

    def studio_mode(self, enabled: bool) -> None:
        self.client.request("SetStudioModeEnabled", {"studioModeEnabled": enabled})

    def studio_mode_enabled(self) -> bool:
        return bool(self.client.request("GetStudioModeEnabled").get("studioModeEnabled"))

    def set_preview(self, name: str) -> None:
        try:
            self.client.request("SetCurrentPreviewScene", {"sceneName": name})
        except ObsRequestFailed as exc:
            if exc.code == STUDIO_MODE_NOT_ACTIVE:
                raise UsageError(
                    "studio mode is off, so there is no preview",
                    hint="turn it on with `streamkit show studio on`",
                ) from None
            raise self._unknown_scene(name, exc) from None

    def transition(self, name: str | None = None, duration_ms: int | None = None) -> None:
        """Studio mode: send preview to program, with the named transition and duration.
        Outside studio mode nothing changes (not even the current transition)."""
        if not self.studio_mode_enabled():
            raise UsageError(
                "a transition needs studio mode",
                hint="turn it on with `streamkit show studio on`, or switch the "
                "program scene directly with `streamkit show scene NAME`",
            )
        requests = []
        if name:
            available = self.transitions()
            if name not in available:
                raise UsageError(
                    f"no transition named {name!r}", hint=f"available: {', '.join(available)}"
                )
            requests.append(Request("SetCurrentSceneTransition", {"transitionName": name}))
        if duration_ms is not None:
            if not 50 <= duration_ms <= 20000:
                raise UsageError("transition duration must be 50 to 20000 ms")
            requests.append(
                Request("SetCurrentSceneTransitionDuration", {"transitionDuration": duration_ms})
            )
        requests.append(Request("TriggerStudioModeTransition"))
        results = self.client.batch(requests, halt_on_failure=True)
        failed = next((r for r in results if not r.ok), None)
        if failed is not None:
            raise failed.error()

    def transitions(self) -> list[str]:
        data = self.client.request("GetSceneTransitionList")
        return [t["transitionName"] for t in data.get("transitions", [])]

    def _unknown_scene(self, name: str, exc: ObsRequestFailed) -> Exception:
        """OBS's 600 for a scene name becomes the list of scenes there are (asked only then)."""
        if exc.code != RESOURCE_NOT_FOUND:
            return exc
        names = self.scenes().names
        return UsageError(f"no scene named {name!r}", hint=f"scenes: {', '.join(names)}")

    # -- audio -----------------------------------------------------------------------------------

    def audio_inputs(self) -> list[AudioInput]:
        """Inputs that carry audio, with mute and volume, in two round trips."""
        inputs = self.client.request("GetInputList").get("inputs", [])
        requests = []
        for item in inputs:
            requests += [
                Request("GetInputMute", {"inputName": item["inputName"]}),
                Request("GetInputVolume", {"inputName": item["inputName"]}),
            ]
        results = self.client.batch(requests)
        audio = []
        for i, item in enumerate(inputs):
            mute, volume = results[2 * i], results[2 * i + 1]
            if mute.ok and volume.ok:
                audio.append(
                    AudioInput(
                        item["inputName"],
                        item.get("inputKind", ""),
                        bool(mute.data["inputMuted"]),
                        float(volume.data["inputVolumeDb"]),
                    )
                )
        return audio

    def mute(self, name: str, muted: bool = True) -> None:
        self._on_input("SetInputMute", {"inputName": name, "inputMuted": muted})

    def toggle_mute(self, name: str) -> bool:
        """Flip mute; returns the new state."""
        return bool(self._on_input("ToggleInputMute", {"inputName": name})["inputMuted"])

    def set_volume_db(self, name: str, db: float) -> None:
        if not -100 <= db <= 26:
            raise UsageError("volume must be between -100 dB and +26 dB")
        self._on_input("SetInputVolume", {"inputName": name, "inputVolumeDb": db})

    def _on_input(self, request_type: str, data: dict) -> dict:
        """A request naming an input; an unknown name is answered with the inputs there are."""
        try:
            return self.client.request(request_type, data)
        except ObsRequestFailed as exc:
            if exc.code != RESOURCE_NOT_FOUND:
                raise
            names = [i["inputName"] for i in self.client.request("GetInputList")["inputs"]]
            raise UsageError(
                f"no input named {data['inputName']!r}",
                hint=f"inputs: {', '.join(names) or 'none'}",
            ) from None

    # -- outputs ---------------------------------------------------------------------------------

    def stream_state(self) -> OutputState:
        data = self.client.request("GetStreamStatus")
        return OutputState(
            bool(data.get("outputActive")),
            bool(data.get("outputReconnecting")),
            data.get("outputTimecode", ""),
        )

    def record_state(self) -> OutputState:
        data = self.client.request("GetRecordStatus")
        return OutputState(
            bool(data.get("outputActive")),
            False,
            data.get("outputTimecode", ""),
            bool(data.get("outputPaused")),
        )

    def start_stream(self, wait: float = 10.0) -> OutputState:
        return self._start("Stream", self.stream_state, wait)

    def stop_stream(self, wait: float = 10.0) -> OutputState:
        return self._stop("Stream", self.stream_state, wait)

    def start_record(self, wait: float = 10.0) -> OutputState:
        return self._start("Record", self.record_state, wait)

    def stop_record(self, wait: float = 10.0) -> OutputState:
        return self._stop("Record", self.record_state, wait)

    def _start(self, what: str, state, wait: float) -> OutputState:
        try:
            self.client.request(f"Start{what}")
        except ObsRequestFailed as exc:
            if exc.code != OUTPUT_RUNNING:
                raise
        return self._await(what, state, True, wait)

    def _stop(self, what: str, state, wait: float) -> OutputState:
        try:
            self.client.request(f"Stop{what}")
        except ObsRequestFailed as exc:
            if exc.code != OUTPUT_NOT_RUNNING:
                raise
        return self._await(what, state, False, wait)

    def _await(self, what: str, state, active: bool, wait: float) -> OutputState:
        deadline = time.monotonic() + wait
        while True:
            current = state()
            if current.active == active:
                return current
            if time.monotonic() > deadline:
                verb = "start" if active else "stop"
                raise ObsError(
                    f"OBS did not {verb} the {what.lower()} within {wait:g} s",
                    hint="check the stream settings and OBS's log",
                )
            time.sleep(0.2)

    # -- text ------------------------------------------------------------------------------------

    def set_text(self, input_name: str, text: str) -> None:
        """Set a text input's text (lower thirds), keeping its other settings."""
        self._on_input(
            "SetInputSettings",
            {"inputName": input_name, "inputSettings": {"text": text}, "overlay": True},
        )

    def get_text(self, input_name: str) -> str:
        data = self._on_input("GetInputSettings", {"inputName": input_name})
        return str(data.get("inputSettings", {}).get("text", ""))

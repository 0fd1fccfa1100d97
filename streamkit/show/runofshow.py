"""The run of show: apply a segment (scene, NDI senders, lower third) in one batch."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.obs.types import Request
from streamkit.show.ndi import SENDER_SETTING
from streamkit.show.settings import Segment

REALM = "OBS_WEBSOCKET_DATA_REALM_GLOBAL"
POSITION_SLOT = "streamkit.runofshow.position"


@dataclass(frozen=True)
class Applied:
    index: int
    segment: Segment
    to_preview: bool  # studio mode: the scene went to preview, awaiting a transition


class RunOfShow:
    """Moves through the configured segments. The position lives in OBS's persistent data,
    so the CLI, the TUI and a second operator all see the same current segment."""

    def __init__(self, client: ObsClient, segments: Sequence[Segment]) -> None:
        self.client = client
        self.segments = list(segments)

    def position(self) -> int | None:
        """Index of the segment applied last, or None before the first."""
        data = self.client.request("GetPersistentData", {"realm": REALM, "slotName": POSITION_SLOT})
        value = data.get("slotValue")
        if not isinstance(value, dict):
            return None
        index, title = value.get("index"), value.get("title")
        in_range = isinstance(index, int) and 0 <= index < len(self.segments)
        if in_range and self.segments[index].title == title:
            return index
        titles = [s.title for s in self.segments]
        return titles.index(title) if title in titles else None

    def next(self) -> Applied:
        current = self.position()
        return self.goto(0 if current is None else current + 1)

    def prev(self) -> Applied:
        current = self.position()
        return self.goto(0 if current is None else current - 1)

    def goto(self, index: int) -> Applied:
        if not self.segments:
            raise UsageError(
                "the run of show is empty",
                hint="add segments under show.segments in streamkit.yaml",
            )
        if not 0 <= index < len(self.segments):
            raise UsageError(
                f"no segment {index + 1}: the run of show has 1 to {len(self.segments)}"
            )
        segment = self.segments[index]
        studio = self._check(segment)
        scene_request = "SetCurrentPreviewScene" if studio else "SetCurrentProgramScene"
        requests = [
            *(
                Request(
                    "SetInputSettings",
                    {"inputName": name, "overlay": True, "inputSettings": {SENDER_SETTING: sender}},
                )
                for name, sender in segment.ndi.items()
            ),
            *(
                Request(
                    "SetInputSettings",
                    {"inputName": name, "overlay": True, "inputSettings": {"text": text}},
                )
                for name, text in segment.text.items()
            ),
            Request(scene_request, {"sceneName": segment.scene}),
            Request(
                "SetPersistentData",
                {
                    "realm": REALM,
                    "slotName": POSITION_SLOT,
                    "slotValue": {"index": index, "title": segment.title},
                },
            ),
        ]
        results = self.client.batch(requests, halt_on_failure=True)
        failed = next((r for r in results if not r.ok), None)
        if failed is not None or len(results) != len(requests):
            done = sum(1 for r in results if r.ok)
            reason = failed.error().message if failed else "OBS stopped the batch"
            raise ObsError(
                f"segment {index + 1} ({segment.title}) was applied only in part "
                f"({done} of {len(requests)} steps): {reason}",
                hint="fix the cause and apply the segment again; it is safe to repeat",
            )
        return Applied(index, segment, studio)

    def _check(self, segment: Segment) -> bool:
        """Refuse before changing anything when a scene or input of the segment is missing."""
        results = self.client.batch(
            [Request("GetSceneList"), Request("GetInputList"), Request("GetStudioModeEnabled")]
        )
        for result in results:
            if not result.ok:
                raise result.error()
        scenes = {s["sceneName"] for s in results[0].data.get("scenes", [])}
        inputs = {i["inputName"] for i in results[1].data.get("inputs", [])}
        missing = [f"scene {segment.scene!r}"] if segment.scene not in scenes else []
        missing += [f"input {n!r}" for n in [*segment.ndi, *segment.text] if n not in inputs]
        if missing:
            raise UsageError(
                f"segment {segment.title!r} names what OBS does not have: {', '.join(missing)}",
                hint="import the scene collection, or fix show.segments",
            )
        return bool(results[2].data.get("studioModeEnabled"))

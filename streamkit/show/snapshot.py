"""Everything a show-control screen shows, fetched in two round trips (no UI code here)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from streamkit.obs.client import ObsClient
from streamkit.obs.types import BatchResult, Request
from streamkit.show.control import AudioInput, OutputState, SceneList, ShowControl
from streamkit.show.ndi import NDI_KIND, NdiControl, NdiInput
from streamkit.show.runofshow import POSITION_SLOT, REALM, RunOfShow
from streamkit.show.settings import Segment

STATE_REQUESTS = (
    Request("GetSceneList"),
    Request("GetStudioModeEnabled"),
    Request("GetStreamStatus"),
    Request("GetRecordStatus"),
    Request("GetInputList"),
    Request("GetPersistentData", {"realm": REALM, "slotName": POSITION_SLOT}),
)


@dataclass(frozen=True)
class ShowSnapshot:
    """OBS's state at one moment, as the show-control screen presents it."""

    scenes: SceneList
    studio_mode: bool
    stream: OutputState
    record: OutputState
    audio: list[AudioInput] = field(default_factory=list)
    ndi: list[NdiInput] = field(default_factory=list)
    segment: int | None = None


def fetch_snapshot(client: ObsClient, segments: Sequence[Segment] = ()) -> ShowSnapshot:
    """Read scenes, outputs, audio, NDI senders and the run-of-show position.

    One batch reads the state and the input list, a second one each input's mute, volume and
    (for NDI inputs) settings. The answers are then parsed by the library's own readers
    (ShowControl, NdiControl, RunOfShow), replayed from memory, so the rules live in one place.
    """
    state = _paired(STATE_REQUESTS, client.batch(list(STATE_REQUESTS)))
    inputs = _data(state, "GetInputList").get("inputs", [])
    per_input = []
    for item in inputs:
        name = item["inputName"]
        per_input += [
            Request("GetInputMute", {"inputName": name}),
            Request("GetInputVolume", {"inputName": name}),
        ]
        if item.get("inputKind") == NDI_KIND:
            per_input.append(Request("GetInputSettings", {"inputName": name}))
    replay = _Replay([*state, *_paired(per_input, client.batch(per_input))])
    control = ShowControl(replay)  # type: ignore[arg-type]
    return ShowSnapshot(
        scenes=control.scenes(),
        studio_mode=control.studio_mode_enabled(),
        stream=control.stream_state(),
        record=control.record_state(),
        audio=control.audio_inputs(),
        ndi=NdiControl(replay).inputs(),  # type: ignore[arg-type]
        segment=RunOfShow(replay, segments).position(),  # type: ignore[arg-type]
    )


Answered = tuple[Request, BatchResult]


def _paired(requests: Sequence[Request], results: Sequence[BatchResult]) -> list[Answered]:
    """Each result with the request it answers (matched by its index in the batch)."""
    by_index = {r.index: r for r in results}
    return [(request, by_index[i]) for i, request in enumerate(requests) if i in by_index]


def _data(answers: Sequence[Answered], request_type: str) -> dict[str, Any]:
    result = next((r for q, r in answers if q.request_type == request_type), None)
    if result is None:
        raise LookupError(f"OBS did not answer {request_type}")
    if not result.ok:
        raise result.error()
    return result.data


class _Replay:
    """Answers the readers' requests and batches from results fetched beforehand."""

    def __init__(self, answers: Sequence[Answered]) -> None:
        self._answers = {_key(q.request_type, q.data): r for q, r in answers}

    def request(self, request_type: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        result = self._lookup(request_type, data)
        if not result.ok:
            raise result.error()
        if request_type == "GetInputList" and data and data.get("inputKind"):
            kind = data["inputKind"]
            inputs = [i for i in result.data.get("inputs", []) if i.get("inputKind") == kind]
            return {**result.data, "inputs": inputs}
        return result.data

    def batch(self, requests: Sequence[Request], **_options: Any) -> list[BatchResult]:
        out = []
        for index, request in enumerate(requests):
            result = self._lookup(request.request_type, request.data)
            out.append(
                BatchResult(
                    index, result.request_type, result.ok, result.code, result.comment, result.data
                )
            )
        return out

    def _lookup(self, request_type: str, data: dict[str, Any] | None) -> BatchResult:
        try:
            return self._answers[_key(request_type, data)]
        except KeyError:
            raise LookupError(f"{request_type} was not fetched for the snapshot") from None


def _key(request_type: str, data: dict[str, Any] | None) -> tuple[str, str | None]:
    return request_type, (data or {}).get("inputName")

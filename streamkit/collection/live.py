"""Read the scene collection OBS is running into the model, in two round trips."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from streamkit.collection.kinds import unversioned_kind
from streamkit.collection.model import (
    TRACKS,
    Collection,
    Filter,
    Input,
    Scene,
    SceneItem,
    Transform,
)
from streamkit.collection.plan import LiveState
from streamkit.obs.client import ObsClient
from streamkit.obs.types import BatchResult, Request

TRANSFORM_FIELDS = tuple(Transform.model_fields)
AUDIO_REQUESTS = (
    "GetInputVolume",
    "GetInputMute",
    "GetInputAudioMonitorType",
    "GetInputAudioTracks",
    "GetInputAudioBalance",
    "GetInputAudioSyncOffset",
)


@dataclass
class LiveItem:
    """A scene item as OBS has it: the model's view plus OBS's id and index."""

    scene: str
    item: SceneItem
    item_id: int


def list_requests() -> list[Request]:
    return [
        Request("GetSceneCollectionList"),
        Request("GetSceneList"),
        Request("GetInputList"),
        Request("GetCurrentSceneTransition"),
        Request("GetSceneTransitionList"),
        Request("GetSpecialInputs"),
    ]


def detail_requests(inputs: Iterable[str], scenes: Iterable[str]) -> list[Request]:
    """Everything the model holds about these inputs and scenes."""
    requests: list[Request] = []
    for name in inputs:
        requests.append(Request("GetInputSettings", {"inputName": name}))
        requests += [Request(r, {"inputName": name}) for r in AUDIO_REQUESTS]
        requests.append(Request("GetSourceFilterList", {"sourceName": name}))
    for name in scenes:
        requests.append(Request("GetSceneItemList", {"sceneName": name}))
        requests.append(Request("GetSourceFilterList", {"sourceName": name}))
    return requests


def read_live(
    client: ObsClient,
    *,
    prefix: list[Request] | None = None,
    inputs: Iterable[str] | None = None,
    scenes: Iterable[str] | None = None,
    complete: bool = True,
) -> tuple[LiveState, list[BatchResult]]:
    """The current collection as a model, and the answers to `prefix`.

    `prefix` requests (preflight reads, a collection switch) run first in the same round trip.
    With `inputs`/`scenes` (the names a file expects) their details come in that round trip
    too; what OBS has beyond them costs a second one, or, with `complete=False`, is known by
    name and kind only (enough to plan: those are only ever removed).
    """
    head = list(prefix or [])
    hinted_inputs, hinted_scenes = list(inputs or []), list(scenes or [])
    requests = [*head, *list_requests(), *detail_requests(hinted_inputs, hinted_scenes)]
    results = client.batch(requests)
    count = len(list_requests())
    lists = results[len(head) : len(head) + count]
    for result in lists:
        if not result.ok:
            raise result.error()
    collections, scene_list, input_list, transition, transitions, special = (r.data for r in lists)
    scene_names = [
        s["sceneName"]
        for s in sorted(scene_list.get("scenes", []), key=lambda s: s["sceneIndex"], reverse=True)
    ]
    kinds = {i["inputName"]: i["inputKind"] for i in input_list.get("inputs", [])}
    answers = _answers(hinted_inputs, hinted_scenes, results[len(head) + count :])
    missing_inputs = [n for n in kinds if n not in hinted_inputs]
    missing_scenes = [n for n in scene_names if n not in hinted_scenes]
    round_trips = 1
    if not complete:
        answers.update(
            _answers(missing_inputs, missing_scenes, _unknown(missing_inputs, missing_scenes))
        )
    elif missing_inputs or missing_scenes:
        answers.update(
            _answers(
                missing_inputs,
                missing_scenes,
                client.batch(detail_requests(missing_inputs, missing_scenes)),
            )
        )
        round_trips = 2
    details = [
        *(r for n in kinds for r in answers[("input", n)]),
        *(r for n in scene_names for r in answers[("scene", n)]),
    ]
    collection, item_ids = build_collection(
        name=collections.get("currentSceneCollectionName", ""),
        kinds=kinds,
        scene_names=scene_names,
        details=details,
        transition=transition,
        program=scene_list.get("currentProgramSceneName"),
    )
    fixed = {
        t["transitionName"]: bool(t.get("transitionFixed"))
        for t in transitions.get("transitions", [])
    }
    globals_ = {name for name in special.values() if name}
    return LiveState(collection, item_ids, round_trips, fixed, globals_), results[: len(head)]


def _unknown(inputs: list[str], scenes: list[str]) -> list[BatchResult]:
    """Stand-in answers for details not fetched: the model then holds names and kinds only."""
    count = len(detail_requests(inputs, scenes))
    return [BatchResult(index=-1, request_type="", ok=False, code=0)] * count


def _answers(
    inputs: list[str], scenes: list[str], results: list[BatchResult]
) -> dict[tuple[str, str], list[BatchResult]]:
    """Split the answers to detail_requests(inputs, scenes) per input and scene."""
    out, at = {}, 0
    per_input = 2 + len(AUDIO_REQUESTS)
    for name in inputs:
        out[("input", name)] = results[at : at + per_input]
        at += per_input
    for name in scenes:
        out[("scene", name)] = results[at : at + 2]
        at += 2
    return out


def build_collection(
    *,
    name: str,
    kinds: dict[str, str],
    scene_names: list[str],
    details: list[BatchResult],
    transition: dict[str, Any],
    program: str | None,
) -> tuple[Collection, dict[str, list[int]]]:
    """Assemble the model from the answers to detail_requests(kinds, scene_names)."""
    results = iter(details)
    inputs = [
        _input(n, k, [next(results) for _ in range(2 + len(AUDIO_REQUESTS))])
        for n, k in kinds.items()
    ]
    scenes, item_ids = [], {}
    for scene_name in scene_names:
        items_result, filters_result = next(results), next(results)
        items = sorted(items_result.data.get("sceneItems", []), key=lambda i: i["sceneItemIndex"])
        scenes.append(
            Scene(
                name=scene_name, items=[_item(i) for i in items], filters=_filters(filters_result)
            )
        )
        item_ids[scene_name] = [i["sceneItemId"] for i in items]
    collection = Collection(
        name=name or "Untitled",
        current_scene=program,
        transition=transition.get("transitionName") or "Fade",
        transition_duration=int(transition.get("transitionDuration") or 300),
        inputs=inputs,
        scenes=scenes,
    )
    return collection, item_ids


def _input(name: str, kind: str, answers: list[BatchResult]) -> Input:
    settings, volume, mute, monitor, tracks, balance, sync, filters = answers
    data: dict[str, Any] = {
        "name": name,
        "kind": unversioned_kind(kind),
        "versioned_kind": kind,
        "settings": settings.data.get("inputSettings", {}) if settings.ok else {},
        "filters": _filters(filters),
    }
    if volume.ok:  # inputs without audio answer the audio requests with an error
        data["volume"] = volume.data["inputVolumeMul"]
        data["muted"] = bool(mute.data.get("inputMuted"))
        data["monitoring"] = monitor.data.get("monitorType", "OBS_MONITORING_TYPE_NONE")
        data["tracks"] = {
            t: bool(v) for t, v in tracks.data.get("inputAudioTracks", {}).items() if t in TRACKS
        }
        data["balance"] = balance.data.get("inputAudioBalance", 0.5)
        data["sync_offset"] = int(sync.data.get("inputAudioSyncOffset", 0))
    return Input.model_validate(data)


def _filters(result: BatchResult) -> list[Filter]:
    if not result.ok:
        return []
    entries = sorted(result.data.get("filters", []), key=lambda f: f.get("filterIndex", 0))
    return [
        Filter(
            name=f["filterName"],
            kind=f["filterKind"],
            enabled=bool(f.get("filterEnabled", True)),
            settings=f.get("filterSettings") or {},
        )
        for f in entries
    ]


def _item(data: dict[str, Any]) -> SceneItem:
    raw = data.get("sceneItemTransform", {})
    transform = {k: raw[k] for k in TRANSFORM_FIELDS if k in raw}
    return SceneItem(
        source=data["sourceName"],
        enabled=bool(data.get("sceneItemEnabled", True)),
        locked=bool(data.get("sceneItemLocked", False)),
        transform=Transform.model_validate(transform),
        id=data["sceneItemId"],
    )

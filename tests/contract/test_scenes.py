"""Contract: scenes, program/preview, studio mode and transitions."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.conftest import Backend, RawClient, eventually, unique, use_transition
from tests.contract.test_general import no_source_named


def _names(raw: RawClient) -> list[str]:
    return [s["sceneName"] for s in raw.call("GetSceneList")["scenes"]]


def test_scene_list_is_bottom_up(obs_backend: Backend, raw: RawClient) -> None:
    program = raw.call("GetCurrentProgramScene")["currentProgramSceneName"]
    first, second = unique("first"), unique("second")
    raw.call("CreateScene", {"sceneName": first})
    raw.call("CreateScene", {"sceneName": second})
    try:
        scenes = raw.call("GetSceneList")["scenes"]
        assert [s["sceneIndex"] for s in scenes] == list(range(len(scenes)))
        names = [s["sceneName"] for s in scenes]
        if obs_backend.at_least("5.7.0"):
            # OBS 32 adds a scene right below the current one: [.., first, second, program, ..]
            at = names.index(program)
            assert names[at - 2 : at] == [first, second]
        else:
            # OBS 29 appends new scenes at the bottom of its list; index 0 is the last one.
            assert names[:2] == [second, first]
    finally:
        raw.call("RemoveScene", {"sceneName": second})
        raw.call("RemoveScene", {"sceneName": first})


def test_create_scene_emits_events_and_rejects_duplicates(raw: RawClient) -> None:
    name = unique("scene")
    raw.call("CreateScene", {"sceneName": name})
    try:
        created = raw.wait_event("SceneCreated", lambda d: d["sceneName"] == name)
        assert created["isGroup"] is False
        # (an earlier test's removal may still send its SceneListChanged first)
        assert raw.wait_event(
            "SceneListChanged", lambda d: name in [s["sceneName"] for s in d["scenes"]]
        )
        duplicate = raw.request("CreateScene", {"sceneName": name})
        assert duplicate["requestStatus"] == {
            "result": False,
            "code": 601,
            "comment": "A source already exists by that scene name.",
        }
    finally:
        raw.call("RemoveScene", {"sceneName": name})
    removed = raw.wait_event("SceneRemoved", lambda d: d["sceneName"] == name)
    assert removed["isGroup"] is False
    assert eventually(lambda: name not in _names(raw))  # OBS 29 updates its list a bit later


def test_scene_uuids(obs_backend: Backend, raw: RawClient, scene: str) -> None:
    obs_backend.require("5.3.0")
    listed = {s["sceneName"]: s["sceneUuid"] for s in raw.call("GetSceneList")["scenes"]}
    scene_uuid = listed[scene]
    assert len(scene_uuid) == 36
    items = raw.call("GetSceneItemList", {"sceneUuid": scene_uuid})
    assert items == {"sceneItems": []}


def test_rename_scene(raw: RawClient, scene: str) -> None:
    new_name = unique("renamed")
    raw.call("SetSceneName", {"sceneName": scene, "newSceneName": new_name})
    try:
        changed = raw.wait_event("SceneNameChanged")
        assert (changed["oldSceneName"], changed["sceneName"]) == (scene, new_name)
        assert eventually(lambda: new_name in _names(raw) and scene not in _names(raw))
        taken = raw.request("SetSceneName", {"sceneName": new_name, "newSceneName": new_name})
        assert taken["requestStatus"] == {
            "result": False,
            "code": 601,
            "comment": "A source already exists by that new scene name.",
        }
    finally:
        raw.call("SetSceneName", {"sceneName": new_name, "newSceneName": scene})


@pytest.mark.parametrize(
    "request_type", ["RemoveScene", "SetCurrentProgramScene", "GetSceneItemList"]
)
def test_unknown_scene_is_600(obs_backend: Backend, raw: RawClient, request_type: str) -> None:
    name = unique("missing")
    response = raw.request(request_type, {"sceneName": name})
    assert response["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": no_source_named(obs_backend, name),
    }


def test_switching_program_scene(raw: RawClient, scene: str, restore_program: None) -> None:
    raw.call("SetCurrentProgramScene", {"sceneName": scene})
    assert (
        raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == scene)["sceneName"]
        == scene
    )
    assert raw.call("GetCurrentProgramScene")["currentProgramSceneName"] == scene
    listed = raw.call("GetSceneList")
    assert listed["currentProgramSceneName"] == scene


def test_preview_needs_studio_mode(raw: RawClient, scene: str, restore_program: None) -> None:
    raw.call("SetStudioModeEnabled", {"studioModeEnabled": False})
    assert raw.request("GetCurrentPreviewScene")["requestStatus"] == {"result": False, "code": 506}
    assert raw.request("SetCurrentPreviewScene", {"sceneName": scene})["requestStatus"] == {
        "result": False,
        "code": 506,
    }
    assert raw.request("TriggerStudioModeTransition")["requestStatus"] == {
        "result": False,
        "code": 506,
    }
    assert raw.call("GetSceneList")["currentPreviewSceneName"] is None


def test_studio_mode_preview_and_transition(
    raw: RawClient, scene: str, restore_program: None
) -> None:
    program = raw.call("GetCurrentProgramScene")["currentProgramSceneName"]
    raw.call("SetStudioModeEnabled", {"studioModeEnabled": True})
    assert raw.wait_event("StudioModeStateChanged") == {"studioModeEnabled": True}
    assert raw.call("GetStudioModeEnabled") == {"studioModeEnabled": True}
    assert raw.call("GetCurrentPreviewScene")["currentPreviewSceneName"] == program
    raw.call("SetCurrentPreviewScene", {"sceneName": scene})
    assert raw.wait_event("CurrentPreviewSceneChanged")["sceneName"] == scene
    assert raw.call("GetSceneList")["currentPreviewSceneName"] == scene
    raw.call("TriggerStudioModeTransition")
    raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == scene)
    assert raw.call("GetCurrentProgramScene")["currentProgramSceneName"] == scene
    raw.call("SetStudioModeEnabled", {"studioModeEnabled": False})
    assert raw.wait_event("StudioModeStateChanged") == {"studioModeEnabled": False}


@pytest.fixture
def restore_transition(raw: RawClient) -> Iterator[dict]:
    current = raw.call("GetCurrentSceneTransition")
    yield current
    duration = current["transitionDuration"] or 300  # a fixed transition hides it; 300 = default
    raw.request("SetCurrentSceneTransitionDuration", {"transitionDuration": duration})
    use_transition(raw, current["transitionName"])


def test_transitions(raw: RawClient, restore_transition: dict) -> None:
    listed = raw.call("GetSceneTransitionList")
    names = {t["transitionName"]: t for t in listed["transitions"]}
    assert {"Cut", "Fade"} <= set(names)
    assert names["Cut"]["transitionFixed"] is True
    assert names["Fade"]["transitionKind"] == "fade_transition"
    # OBS applies transition changes on its UI thread, a moment after answering.
    use_transition(raw, "Fade")
    raw.call("SetCurrentSceneTransitionDuration", {"transitionDuration": 450})
    assert eventually(lambda: raw.call("GetCurrentSceneTransition")["transitionDuration"] == 450)
    assert raw.call("GetCurrentSceneTransition")["transitionFixed"] is False
    raw.call("SetCurrentSceneTransition", {"transitionName": "Cut"})
    assert raw.wait_event("CurrentSceneTransitionChanged", lambda d: d["transitionName"] == "Cut")
    assert eventually(lambda: raw.call("GetCurrentSceneTransition")["transitionName"] == "Cut")
    assert raw.call("GetCurrentSceneTransition")["transitionDuration"] is None
    assert raw.call("GetSceneTransitionList")["currentSceneTransitionName"] == "Cut"
    unknown = raw.request("SetCurrentSceneTransition", {"transitionName": "Star Wipe"})
    assert unknown["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": "No scene transition was found by that name.",
    }


@pytest.mark.parametrize(
    ("duration", "comment"),
    [
        (10, "The field value of `transitionDuration` is below the minimum of `50.000000`"),
        (20001, "The field value of `transitionDuration` is above the maximum of `20000.000000`"),
    ],
)
def test_transition_duration_range(raw: RawClient, duration: int, comment: str) -> None:
    response = raw.request("SetCurrentSceneTransitionDuration", {"transitionDuration": duration})
    assert response["requestStatus"] == {"result": False, "code": 402, "comment": comment}

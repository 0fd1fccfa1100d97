"""Contract: scene items — listing, ids, transform, visibility, lock, order."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.conftest import RawClient, unique


@pytest.fixture
def items(raw: RawClient, scene: str) -> Iterator[tuple[str, list[int], list[str]]]:
    """The scene with two colour inputs (bottom, top): (scene, item ids, input names)."""
    names = [unique("bottom"), unique("top")]
    ids = [
        raw.call(
            "CreateInput",
            {
                "sceneName": scene,
                "inputName": n,
                "inputKind": "color_source_v3",
                "inputSettings": {"width": 640, "height": 360},
            },
        )["sceneItemId"]
        for n in names
    ]
    yield scene, ids, names
    for name in names:
        raw.request("RemoveInput", {"inputName": name})


def test_scene_item_list(raw: RawClient, items) -> None:
    scene, ids, names = items
    listed = raw.call("GetSceneItemList", {"sceneName": scene})["sceneItems"]
    assert [(i["sceneItemId"], i["sceneItemIndex"], i["sourceName"]) for i in listed] == [
        (ids[0], 0, names[0]),
        (ids[1], 1, names[1]),
    ]
    first = listed[0]
    assert first["inputKind"] == "color_source_v3"
    assert first["sourceType"] == "OBS_SOURCE_TYPE_INPUT"
    assert first["sceneItemEnabled"] is True and first["sceneItemLocked"] is False
    assert first["sceneItemBlendMode"] == "OBS_BLEND_NORMAL"
    transform = first["sceneItemTransform"]
    assert (transform["sourceWidth"], transform["sourceHeight"]) == (640.0, 360.0)
    assert (transform["scaleX"], transform["positionX"], transform["boundsType"]) == (
        1.0,
        0.0,
        "OBS_BOUNDS_NONE",
    )


def test_scene_item_id(raw: RawClient, items) -> None:
    scene, ids, names = items
    assert raw.call("GetSceneItemId", {"sceneName": scene, "sourceName": names[1]}) == {
        "sceneItemId": ids[1]
    }
    missing = raw.request("GetSceneItemId", {"sceneName": scene, "sourceName": unique("no")})
    assert missing["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": "No scene items were found in the specified scene by that name or offset.",
    }


def test_unknown_item_id_is_600(raw: RawClient, items) -> None:
    scene, _, _ = items
    response = raw.request("GetSceneItemTransform", {"sceneName": scene, "sceneItemId": 999})
    assert response["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": f"No scene items were found in scene `{scene}` with the ID `999`.",
    }


def test_transform(raw: RawClient, items) -> None:
    scene, ids, _ = items
    raw.call(
        "SetSceneItemTransform",
        {
            "sceneName": scene,
            "sceneItemId": ids[0],
            "sceneItemTransform": {"positionX": 100, "scaleX": 0.5, "cropTop": 4},
        },
    )
    transform = raw.call("GetSceneItemTransform", {"sceneName": scene, "sceneItemId": ids[0]})[
        "sceneItemTransform"
    ]
    assert (transform["positionX"], transform["scaleX"], transform["width"]) == (100.0, 0.5, 320.0)
    assert transform["cropTop"] == 4
    assert transform["height"] == 360.0
    huge = raw.request(
        "SetSceneItemTransform",
        {"sceneName": scene, "sceneItemId": ids[0], "sceneItemTransform": {"scaleX": -5000}},
    )
    assert huge["requestStatus"] == {
        "result": False,
        "code": 402,
        "comment": "The field `scaleX` is too small or large for the current source resolution.",
    }


def test_enabled_and_locked(raw: RawClient, items) -> None:
    scene, ids, _ = items
    ref = {"sceneName": scene, "sceneItemId": ids[1]}
    raw.call("SetSceneItemEnabled", {**ref, "sceneItemEnabled": False})
    assert raw.call("GetSceneItemEnabled", ref) == {"sceneItemEnabled": False}
    event = raw.wait_event("SceneItemEnableStateChanged")
    assert (event["sceneName"], event["sceneItemId"], event["sceneItemEnabled"]) == (
        scene,
        ids[1],
        False,
    )
    raw.call("SetSceneItemLocked", {**ref, "sceneItemLocked": True})
    assert raw.call("GetSceneItemLocked", ref) == {"sceneItemLocked": True}
    assert raw.wait_event("SceneItemLockStateChanged")["sceneItemLocked"] is True
    wrong = raw.request("SetSceneItemEnabled", {**ref, "sceneItemEnabled": "no"})
    assert wrong["requestStatus"] == {
        "result": False,
        "code": 401,
        "comment": "The field value of `sceneItemEnabled` must be boolean.",
    }


def test_index(raw: RawClient, items) -> None:
    scene, ids, _ = items
    assert raw.call("GetSceneItemIndex", {"sceneName": scene, "sceneItemId": ids[0]}) == {
        "sceneItemIndex": 0
    }
    raw.call("SetSceneItemIndex", {"sceneName": scene, "sceneItemId": ids[0], "sceneItemIndex": 1})
    reindexed = raw.wait_event("SceneItemListReindexed")
    assert reindexed["sceneItems"] == [
        {"sceneItemId": ids[1], "sceneItemIndex": 0},
        {"sceneItemId": ids[0], "sceneItemIndex": 1},
    ]
    listed = raw.call("GetSceneItemList", {"sceneName": scene})["sceneItems"]
    assert [i["sceneItemId"] for i in listed] == [ids[1], ids[0]]
    negative = raw.request(
        "SetSceneItemIndex", {"sceneName": scene, "sceneItemId": ids[0], "sceneItemIndex": -1}
    )
    assert negative["requestStatus"] == {
        "result": False,
        "code": 402,
        "comment": "The field value of `sceneItemIndex` is below the minimum of `0.000000`",
    }


def test_create_and_remove_scene_item(raw: RawClient, items) -> None:
    scene, _, names = items
    other = unique("other")
    raw.call("CreateScene", {"sceneName": other})
    try:
        created = raw.call(
            "CreateSceneItem",
            {"sceneName": other, "sourceName": names[0], "sceneItemEnabled": False},
        )
        item_id = created["sceneItemId"]
        event = raw.wait_event("SceneItemCreated", lambda d: d["sceneName"] == other)
        assert (event["sourceName"], event["sceneItemId"]) == (names[0], item_id)
        assert raw.call("GetSceneItemEnabled", {"sceneName": other, "sceneItemId": item_id}) == {
            "sceneItemEnabled": False
        }
        nested = raw.call("CreateSceneItem", {"sceneName": other, "sourceName": scene})
        listed = raw.call("GetSceneItemList", {"sceneName": other})["sceneItems"]
        assert listed[1]["sourceType"] == "OBS_SOURCE_TYPE_SCENE"
        assert listed[1]["inputKind"] is None
        raw.call("RemoveSceneItem", {"sceneName": other, "sceneItemId": nested["sceneItemId"]})
        assert raw.wait_event("SceneItemRemoved", lambda d: d["sceneName"] == other)
        itself = raw.request("CreateSceneItem", {"sceneName": other, "sourceName": other})
        assert itself["requestStatus"] == {
            "result": False,
            "code": 703,
            "comment": "You cannot create scene item of a scene within itself.",
        }
    finally:
        raw.call("RemoveScene", {"sceneName": other})

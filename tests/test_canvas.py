"""Requests that name a scene or source carry the main canvas where obs-websocket has canvases."""

from __future__ import annotations

from types import SimpleNamespace

from streamkit.obs import client
from streamkit.obs.canvas import MAIN_CANVAS_UUID, has_canvases, on_main_canvas
from streamkit.obs.types import Request


def test_a_request_that_takes_a_canvas_names_the_main_one():
    assert on_main_canvas("GetSceneItemList", {"sceneName": "Talk"}) == {
        "sceneName": "Talk",
        "canvasUuid": MAIN_CANVAS_UUID,
    }
    assert on_main_canvas("GetSceneList", None) == {"canvasUuid": MAIN_CANVAS_UUID}


def test_other_requests_and_a_canvas_already_named_are_left_alone():
    assert on_main_canvas("SetCurrentProgramScene", {"sceneName": "Talk"}) == {"sceneName": "Talk"}
    assert on_main_canvas("GetVersion", None) is None
    given = {"sceneName": "Talk", "canvasUuid": "another"}
    assert on_main_canvas("GetSceneItemList", given) == given


def test_canvases_come_with_obs_websocket_5_7():
    assert [has_canvases(v) for v in ("5.1.0", "5.6.3", "5.7.0", "5.7.4", "6.0.0-beta1")] == [
        False,
        False,
        True,
        True,
        True,
    ]
    assert not has_canvases("") and not has_canvases("unknown")


def test_batch_items_follow_the_connected_obs():
    request = Request("GetSceneItemList", {"sceneName": "Talk"})
    on_32 = client._batch_item(SimpleNamespace(has_canvases=True), 0, request)
    on_29 = client._batch_item(SimpleNamespace(has_canvases=False), 0, request)
    assert on_32["requestData"]["canvasUuid"] == MAIN_CANVAS_UUID
    assert on_29["requestData"] == {"sceneName": "Talk"}

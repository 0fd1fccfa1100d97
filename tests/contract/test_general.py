"""Contract: GetVersion, GetStats, unknown requests, request-data errors, custom events."""

from __future__ import annotations

import obsws_python
import pytest

from streamkit.obs import canvas
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsRequestFailed
from streamkit.simulator.requests import available_requests, request_since
from tests.contract.conftest import Backend, RawClient, unique

# Every request streamkit uses, with the obs-websocket version that introduced it.
STREAMKIT_REQUESTS = {
    "GetVersion": "5.0.0",
    "GetStats": "5.0.0",
    "GetSceneCollectionList": "5.0.0",
    "SetCurrentSceneCollection": "5.0.0",
    "CreateSceneCollection": "5.0.0",
    "GetProfileList": "5.0.0",
    "SetCurrentProfile": "5.0.0",
    "CreateProfile": "5.0.0",
    "RemoveProfile": "5.0.0",
    "GetProfileParameter": "5.0.0",
    "SetProfileParameter": "5.0.0",
    "GetVideoSettings": "5.0.0",
    "SetVideoSettings": "5.0.0",
    "GetStreamServiceSettings": "5.0.0",
    "SetStreamServiceSettings": "5.0.0",
    "GetSceneList": "5.0.0",
    "GetCurrentProgramScene": "5.0.0",
    "SetCurrentProgramScene": "5.0.0",
    "GetCurrentPreviewScene": "5.0.0",
    "SetCurrentPreviewScene": "5.0.0",
    "CreateScene": "5.0.0",
    "RemoveScene": "5.0.0",
    "SetSceneName": "5.0.0",
    "GetStudioModeEnabled": "5.0.0",
    "SetStudioModeEnabled": "5.0.0",
    "TriggerStudioModeTransition": "5.0.0",
    "GetSceneTransitionList": "5.0.0",
    "GetCurrentSceneTransition": "5.0.0",
    "SetCurrentSceneTransition": "5.0.0",
    "SetCurrentSceneTransitionDuration": "5.0.0",
    "GetInputList": "5.0.0",
    "GetInputKindList": "5.0.0",
    "CreateInput": "5.0.0",
    "RemoveInput": "5.0.0",
    "SetInputName": "5.0.0",
    "GetInputSettings": "5.0.0",
    "SetInputSettings": "5.0.0",
    "GetInputDefaultSettings": "5.0.0",
    "GetInputPropertiesListPropertyItems": "5.0.0",
    "GetInputMute": "5.0.0",
    "SetInputMute": "5.0.0",
    "ToggleInputMute": "5.0.0",
    "GetInputVolume": "5.0.0",
    "SetInputVolume": "5.0.0",
    "GetInputAudioMonitorType": "5.0.0",
    "SetInputAudioMonitorType": "5.0.0",
    "GetInputAudioTracks": "5.0.0",
    "SetInputAudioTracks": "5.0.0",
    "GetInputAudioBalance": "5.0.0",
    "SetInputAudioBalance": "5.0.0",
    "GetInputAudioSyncOffset": "5.0.0",
    "GetSpecialInputs": "5.0.0",
    "GetSceneItemList": "5.0.0",
    "GetSceneItemId": "5.0.0",
    "CreateSceneItem": "5.0.0",
    "RemoveSceneItem": "5.0.0",
    "GetSceneItemTransform": "5.0.0",
    "SetSceneItemTransform": "5.0.0",
    "GetSceneItemEnabled": "5.0.0",
    "SetSceneItemEnabled": "5.0.0",
    "GetSceneItemLocked": "5.0.0",
    "SetSceneItemLocked": "5.0.0",
    "GetSceneItemIndex": "5.0.0",
    "SetSceneItemIndex": "5.0.0",
    "GetSourceFilterList": "5.0.0",
    "GetSourceFilter": "5.0.0",
    "CreateSourceFilter": "5.0.0",
    "RemoveSourceFilter": "5.0.0",
    "SetSourceFilterSettings": "5.0.0",
    "SetSourceFilterEnabled": "5.0.0",
    "SetSourceFilterIndex": "5.0.0",
    "GetSourceFilterKindList": "5.4.0",
    "GetStreamStatus": "5.0.0",
    "StartStream": "5.0.0",
    "StopStream": "5.0.0",
    "ToggleStream": "5.0.0",
    "GetRecordStatus": "5.0.0",
    "StartRecord": "5.0.0",
    "StopRecord": "5.0.0",
    "GetOutputList": "5.0.0",
    "GetSourceActive": "5.0.0",
    "GetSourceScreenshot": "5.0.0",
    "Sleep": "5.0.0",
    "BroadcastCustomEvent": "5.0.0",
}


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split("."))


def test_get_version_lists_every_request_streamkit_uses(
    obs_backend: Backend, raw: RawClient
) -> None:
    version = raw.call("GetVersion")
    assert version["obsWebSocketVersion"] == obs_backend.version
    assert version["rpcVersion"] == 1
    assert "png" in version["supportedImageFormats"]
    assert version["platform"] and version["platformDescription"]
    expected = {
        r
        for r, since in STREAMKIT_REQUESTS.items()
        if _version(since) <= _version(obs_backend.version)
    }
    assert expected <= set(version["availableRequests"])
    for newer in ("GetSourceFilterKindList",):
        if not obs_backend.at_least(STREAMKIT_REQUESTS[newer]):
            assert newer not in version["availableRequests"]


def test_get_version_lists_exactly_the_requests_of_its_version(
    obs_backend: Backend, raw: RawClient
) -> None:
    """Every request obs-websocket of that version has, none newer; the simulator's record of
    when each request came is checked against real OBS 29 (5.1) and 32 (5.7) here."""
    listed = raw.call("GetVersion")["availableRequests"]
    assert len(listed) == len(set(listed))
    expected = {
        r
        for r in available_requests()
        if _version(request_since(r)) <= _version(obs_backend.version)
    }
    assert set(listed) == expected


def test_get_stats_reports_every_field(raw: RawClient) -> None:
    stats = raw.call("GetStats")
    numbers = (
        "cpuUsage",
        "memoryUsage",
        "availableDiskSpace",
        "activeFps",
        "averageFrameRenderTime",
    )
    counters = (
        "renderSkippedFrames",
        "renderTotalFrames",
        "outputSkippedFrames",
        "outputTotalFrames",
        "webSocketSessionIncomingMessages",
        "webSocketSessionOutgoingMessages",
    )
    assert set(stats) == set(numbers) | set(counters)
    assert all(isinstance(stats[k], int | float) and stats[k] >= 0 for k in numbers)
    assert all(isinstance(stats[k], int) and stats[k] >= 0 for k in counters)
    assert stats["webSocketSessionIncomingMessages"] == 2  # Identify, GetStats
    assert stats["webSocketSessionOutgoingMessages"] == 2  # Hello, Identified


def test_unknown_request_type_is_204(raw: RawClient) -> None:
    response = raw.request("GetTheMoon")
    assert response["requestType"] == "GetTheMoon"
    assert response["requestStatus"] == {
        "result": False,
        "code": 204,
        "comment": "Your request type is not valid.",
    }
    assert "responseData" not in response


def no_source_named(backend: Backend, name: str) -> str:
    """OBS's comment for a source name it does not know (websocket 5.7 names the canvas)."""
    if backend.at_least("5.7.0"):
        return f"No source was found by the name of `{name}` within the canvas `Main`."
    return f"No source was found by the name of `{name}`."


def test_missing_request_data(obs_backend: Backend, raw: RawClient) -> None:
    response = raw.request("GetInputSettings")
    if not obs_backend.at_least("5.3.0"):  # before UUIDs: the name field is validated alone
        assert response["requestStatus"] == {
            "result": False,
            "code": 301,
            "comment": "Your request data is missing or invalid (non-object)",
        }
        return
    fields = (
        "`inputName` with optional `canvasUuid` or `inputUuid`."
        if obs_backend.at_least("5.7.0")
        else "`inputName` or `inputUuid`."
    )
    comment = f"Your request must contain at least one of the following fields: {fields}"
    assert response["requestStatus"] == {"result": False, "code": 300, "comment": comment}
    assert raw.request("GetInputSettings", {})["requestStatus"]["comment"] == comment


def test_uuid_wins_over_name(obs_backend: Backend, raw: RawClient, scene: str) -> None:
    obs_backend.require("5.7.0")
    missing = "0b6e4e4a-0000-4000-8000-000000000000"
    response = raw.request("GetSceneItemList", {"sceneName": scene, "sceneUuid": missing})
    assert response["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": f"No source was found by the UUID of `{missing}`.",
    }
    main = raw.call("GetCanvasList")["canvases"][0]
    assert (main["canvasName"], main["canvasFlags"]["MAIN"]) == ("Main", True)
    found = raw.call("GetSceneItemList", {"sceneName": scene, "canvasUuid": main["canvasUuid"]})
    assert found == {"sceneItems": []}
    other = raw.request("GetSceneItemList", {"sceneName": scene, "canvasUuid": missing})
    assert other["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": f"No canvas was found by the UUID of `{missing}`.",
    }


@pytest.mark.parametrize(
    ("data", "code", "comment"),
    [
        ({}, 300, "Your request is missing the `sceneName` field."),
        ({"sceneName": 5}, 401, "The field value of `sceneName` must be a string."),
        ({"sceneName": ""}, 403, "The field value of `sceneName` must not be empty."),
    ],
)
def test_field_validation_codes_and_wording(
    raw: RawClient, data: dict, code: int, comment: str
) -> None:
    assert raw.request("CreateScene", data)["requestStatus"] == {
        "result": False,
        "code": code,
        "comment": comment,
    }


def test_broadcast_custom_event_reaches_subscribed_clients(
    obs_backend: Backend, raw: RawClient
) -> None:
    with obs_backend.raw(1) as listener, obs_backend.raw(4) as deaf:
        raw.call("BroadcastCustomEvent", {"eventData": {"cue": "lower-third", "n": 3}})
        assert listener.wait_event("CustomEvent") == {"cue": "lower-third", "n": 3}
        assert not [e for e in deaf.drain(0.3) if e["eventType"] == "CustomEvent"]
    missing = raw.request("BroadcastCustomEvent", {})
    assert missing["requestStatus"]["code"] == 300


def test_obsws_python_req_client(obs_backend: Backend) -> None:
    client = obs_backend.client()
    try:
        assert client.get_version().obs_web_socket_version == obs_backend.version
        scenes = client.get_scene_list()
        assert scenes.current_program_scene_name in [s["sceneName"] for s in scenes.scenes]
        name = unique("missing")
        with pytest.raises(obsws_python.error.OBSSDKRequestError) as failure:
            client.get_input_settings(name)
        assert failure.value.code == 600
        assert no_source_named(obs_backend, name) in str(failure.value)
    finally:
        client.disconnect()


def test_streamkit_addresses_the_main_canvas_where_obs_has_canvases(
    obs_backend: Backend, raw: RawClient, scene: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The client sends the main canvas's UUID (to obs-websocket 5.7 and later only): with a
    wrong UUID in its place, requests naming a scene fail there and still work on older OBS."""
    has_canvases = obs_backend.at_least("5.7.0")
    if has_canvases:
        main = raw.call("GetCanvasList")["canvases"][0]
        assert main["canvasUuid"] == canvas.MAIN_CANVAS_UUID  # libobs's fixed UUID
    items = ("GetSceneItemList", {"sceneName": scene})
    with ObsClient(obs_backend.host, obs_backend.port, obs_backend.password) as client:
        assert client.request(*items) == {"sceneItems": []}
        monkeypatch.setattr(canvas, "MAIN_CANVAS_UUID", "0b6e4e4a-0000-4000-8000-000000000000")
        [batched] = client.batch([items])
        if has_canvases:
            with pytest.raises(ObsRequestFailed, match="No canvas was found"):
                client.request(*items)
            assert not batched.ok and "No canvas was found" in batched.comment
        else:
            assert client.request(*items) == {"sceneItems": []} and batched.ok


@pytest.mark.parametrize("request_type", ["GetSceneList", "GetGroupList", "CreateScene"])
def test_an_unknown_canvas_is_refused_where_a_request_takes_one(
    obs_backend: Backend, raw: RawClient, request_type: str
) -> None:
    obs_backend.require("5.7.0")
    missing = "0b6e4e4a-0000-4000-8000-000000000000"
    data = {"canvasUuid": missing}
    if request_type == "CreateScene":
        data["sceneName"] = unique("nowhere")
    response = raw.request(request_type, data)
    assert response["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": f"No canvas was found by the UUID of `{missing}`.",
    }
    assert raw.call(request_type, {**data, "canvasUuid": canvas.MAIN_CANVAS_UUID}) is not None
    if request_type == "CreateScene":
        raw.call("RemoveScene", {"sceneName": data["sceneName"]})

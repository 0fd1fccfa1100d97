"""Contract: inputs — creation, kinds, settings, renaming, property lists and the audio mixer."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.conftest import Backend, RawClient, eventually, unique
from tests.contract.test_general import no_source_named

INVALID_KIND = (
    "Your specified input kind is not supported by OBS. Check that your specified "
    "kind is properly versioned and that any necessary plugins are loaded."
)


@pytest.fixture
def colour(raw: RawClient, scene: str) -> Iterator[str]:
    name = unique("colour")
    raw.call(
        "CreateInput",
        {
            "sceneName": scene,
            "inputName": name,
            "inputKind": "color_source_v3",
            "inputSettings": {"width": 320},
        },
    )
    yield name
    raw.request("RemoveInput", {"inputName": name})


@pytest.fixture
def mic(raw: RawClient, scene: str) -> Iterator[str]:
    name = unique("mic")
    raw.call(
        "CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "pulse_input_capture"}
    )
    yield name
    raw.request("RemoveInput", {"inputName": name})


def test_input_kinds_are_versioned(raw: RawClient) -> None:
    kinds = raw.call("GetInputKindList")["inputKinds"]
    assert {"color_source_v3", "text_ft2_source_v2", "pulse_input_capture"} <= set(kinds)
    unversioned = raw.call("GetInputKindList", {"unversioned": True})["inputKinds"]
    assert "color_source" in unversioned and "color_source_v3" not in unversioned


@pytest.mark.parametrize("kind", ["color_source", "no_such_kind_v1"])
def test_create_input_with_an_unknown_kind_is_605(raw: RawClient, scene: str, kind: str) -> None:
    response = raw.request(
        "CreateInput", {"sceneName": scene, "inputName": unique("bad"), "inputKind": kind}
    )
    assert response["requestStatus"] == {"result": False, "code": 605, "comment": INVALID_KIND}


def test_create_input_adds_a_scene_item_and_emits_events(
    raw: RawClient, scene: str, restore_program: None
) -> None:
    # OBS 29 finishes removing an input from a scene only while the scene is shown.
    raw.call("SetCurrentProgramScene", {"sceneName": scene})
    name = unique("text")
    created = raw.call(
        "CreateInput",
        {
            "sceneName": scene,
            "inputName": name,
            "inputKind": "text_ft2_source_v2",
            "inputSettings": {"text": "Welcome"},
        },
    )
    try:
        assert isinstance(created["sceneItemId"], int)
        event = raw.wait_event("InputCreated", lambda d: d["inputName"] == name)
        assert event["inputKind"] == "text_ft2_source_v2"
        assert event["unversionedInputKind"] == "text_ft2_source"
        assert event["inputSettings"] == {"text": "Welcome"}
        assert event["defaultInputSettings"]["font"]["face"] == "Sans Serif"
        item = raw.wait_event("SceneItemCreated", lambda d: d["sourceName"] == name)
        assert (item["sceneName"], item["sceneItemId"], item["sceneItemIndex"]) == (
            scene,
            created["sceneItemId"],
            0,
        )
        listed = raw.call("GetInputList", {"inputKind": "text_ft2_source_v2"})["inputs"]
        mine = [i for i in listed if i["inputName"] == name]
        assert mine and mine[0]["unversionedInputKind"] == "text_ft2_source"
        duplicate = raw.request(
            "CreateInput",
            {"sceneName": scene, "inputName": name, "inputKind": "text_ft2_source_v2"},
        )
        assert duplicate["requestStatus"] == {
            "result": False,
            "code": 601,
            "comment": "A source already exists by that input name.",
        }
    finally:
        raw.call("RemoveInput", {"inputName": name})
    assert raw.wait_event("InputRemoved", lambda d: d["inputName"] == name)
    assert eventually(
        lambda: raw.request("GetInputSettings", {"inputName": name})["requestStatus"]["code"] == 600
    )
    assert eventually(
        lambda: raw.call("GetSceneItemList", {"sceneName": scene})["sceneItems"] == []
    )


def test_create_input_needs_a_scene(raw: RawClient) -> None:
    response = raw.request(
        "CreateInput", {"inputName": unique("x"), "inputKind": "color_source_v3"}
    )
    assert response["requestStatus"]["code"] == 300


def test_input_uuids(obs_backend: Backend, raw: RawClient, scene: str) -> None:
    obs_backend.require("5.3.0")
    name = unique("uuid")
    created = raw.call(
        "CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "color_source_v3"}
    )
    try:
        assert len(created["inputUuid"]) == 36
        by_uuid = raw.call("GetInputSettings", {"inputUuid": created["inputUuid"]})
        assert by_uuid["inputKind"] == "color_source_v3"
        neither = raw.request("GetInputSettings", {})
        assert neither["requestStatus"]["code"] == 300
    finally:
        raw.call("RemoveInput", {"inputName": name})


def test_settings_overlay_and_replace(raw: RawClient, colour: str) -> None:
    assert raw.call("GetInputSettings", {"inputName": colour}) == {
        "inputKind": "color_source_v3",
        "inputSettings": {"width": 320},
    }
    raw.call("SetInputSettings", {"inputName": colour, "inputSettings": {"height": 200}})
    assert raw.call("GetInputSettings", {"inputName": colour})["inputSettings"] == {
        "width": 320,
        "height": 200,
    }
    raw.call(
        "SetInputSettings",
        {"inputName": colour, "inputSettings": {"height": 100}, "overlay": False},
    )
    assert raw.call("GetInputSettings", {"inputName": colour})["inputSettings"] == {"height": 100}
    wrong = raw.request("SetInputSettings", {"inputName": colour, "inputSettings": 5})
    assert wrong["requestStatus"] == {
        "result": False,
        "code": 401,
        "comment": "The field value of `inputSettings` must be an object.",
    }


def test_input_settings_changed_event(obs_backend: Backend, raw: RawClient, colour: str) -> None:
    obs_backend.require("5.4.0")
    raw.call("SetInputSettings", {"inputName": colour, "inputSettings": {"height": 90}})
    event = raw.wait_event("InputSettingsChanged", lambda d: d["inputName"] == colour)
    assert event["inputSettings"]["height"] == 90


def test_default_settings(raw: RawClient) -> None:
    defaults = raw.call("GetInputDefaultSettings", {"inputKind": "color_source_v3"})
    assert defaults == {
        "defaultInputSettings": {"color": 4291940817, "height": 1080, "width": 1920}
    }
    assert raw.request("GetInputDefaultSettings", {"inputKind": "nope"})["requestStatus"] == {
        "result": False,
        "code": 605,
    }


def test_rename_input(obs_backend: Backend, raw: RawClient, colour: str) -> None:
    new_name = unique("renamed")
    raw.call("SetInputName", {"inputName": colour, "newInputName": new_name})
    try:
        event = raw.wait_event("InputNameChanged")
        assert (event["oldInputName"], event["inputName"]) == (colour, new_name)
        assert raw.request("GetInputSettings", {"inputName": colour})["requestStatus"] == {
            "result": False,
            "code": 600,
            "comment": no_source_named(obs_backend, colour),
        }
    finally:
        raw.call("SetInputName", {"inputName": new_name, "newInputName": colour})


def test_property_list_items(raw: RawClient, colour: str, mic: str) -> None:
    items = raw.call(
        "GetInputPropertiesListPropertyItems", {"inputName": mic, "propertyName": "device_id"}
    )["propertyItems"]
    assert isinstance(items, list)
    not_list = raw.request(
        "GetInputPropertiesListPropertyItems", {"inputName": colour, "propertyName": "color"}
    )
    assert not_list["requestStatus"] == {
        "result": False,
        "code": 602,
        "comment": "The property found is not a list.",
    }
    unknown = raw.request(
        "GetInputPropertiesListPropertyItems", {"inputName": colour, "propertyName": "nope"}
    )
    assert unknown["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": "Unable to find a property by that name.",
    }


def test_special_inputs(raw: RawClient) -> None:
    assert set(raw.call("GetSpecialInputs")) == {
        "desktop1",
        "desktop2",
        "mic1",
        "mic2",
        "mic3",
        "mic4",
    }


@pytest.mark.parametrize(
    "request_type",
    [
        "GetInputMute",
        "GetInputVolume",
        "GetInputAudioTracks",
        "GetInputAudioMonitorType",
        "GetInputAudioBalance",
        "GetInputAudioSyncOffset",
    ],
)
def test_audio_requests_on_a_video_input_are_604(
    raw: RawClient, colour: str, request_type: str
) -> None:
    response = raw.request(request_type, {"inputName": colour})
    assert response["requestStatus"] == {
        "result": False,
        "code": 604,
        "comment": "The specified input does not support audio.",
    }


def test_mute(raw: RawClient, mic: str) -> None:
    assert raw.call("GetInputMute", {"inputName": mic}) == {"inputMuted": False}
    raw.call("SetInputMute", {"inputName": mic, "inputMuted": True})
    assert raw.wait_event("InputMuteStateChanged")["inputMuted"] is True
    assert raw.call("ToggleInputMute", {"inputName": mic}) == {"inputMuted": False}
    toggled = raw.wait_event("InputMuteStateChanged")
    assert (toggled["inputName"], toggled["inputMuted"]) == (mic, False)


def test_volume(raw: RawClient, mic: str) -> None:
    assert raw.call("GetInputVolume", {"inputName": mic}) == {
        "inputVolumeMul": 1.0,
        "inputVolumeDb": 0.0,
    }
    raw.call("SetInputVolume", {"inputName": mic, "inputVolumeDb": -6})
    volume = raw.call("GetInputVolume", {"inputName": mic})
    assert volume["inputVolumeDb"] == pytest.approx(-6.0, abs=1e-4)
    assert volume["inputVolumeMul"] == pytest.approx(0.501187, abs=1e-5)
    event = raw.wait_event("InputVolumeChanged")
    assert event["inputVolumeDb"] == pytest.approx(-6.0, abs=1e-4)
    raw.call("SetInputVolume", {"inputName": mic, "inputVolumeMul": 0.25})
    assert raw.call("GetInputVolume", {"inputName": mic})["inputVolumeMul"] == pytest.approx(0.25)


@pytest.mark.parametrize(
    ("data", "code", "comment"),
    [
        ({}, 300, "You must specify one volume field."),
        (
            {"inputVolumeMul": 0.5, "inputVolumeDb": -3},
            404,
            "You may only specify one volume field.",
        ),
        (
            {"inputVolumeDb": -200},
            402,
            "The field value of `inputVolumeDb` is below the minimum of `-100.000000`",
        ),
        (
            {"inputVolumeMul": 30},
            402,
            "The field value of `inputVolumeMul` is above the maximum of `20.000000`",
        ),
    ],
)
def test_volume_errors(raw: RawClient, mic: str, data: dict, code: int, comment: str) -> None:
    response = raw.request("SetInputVolume", {"inputName": mic, **data})
    assert response["requestStatus"] == {"result": False, "code": code, "comment": comment}


def test_monitor_type(raw: RawClient, mic: str) -> None:
    assert raw.call("GetInputAudioMonitorType", {"inputName": mic}) == {
        "monitorType": "OBS_MONITORING_TYPE_NONE"
    }
    raw.call(
        "SetInputAudioMonitorType",
        {"inputName": mic, "monitorType": "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT"},
    )
    assert raw.wait_event("InputAudioMonitorTypeChanged")["monitorType"] == (
        "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT"
    )
    bogus = raw.request("SetInputAudioMonitorType", {"inputName": mic, "monitorType": "bogus"})
    assert bogus["requestStatus"] == {
        "result": False,
        "code": 400,
        "comment": "Unknown monitor type: bogus",
    }


def test_tracks(raw: RawClient, mic: str) -> None:
    assert raw.call("GetInputAudioTracks", {"inputName": mic}) == {
        "inputAudioTracks": {str(i): True for i in range(1, 7)}
    }
    raw.call(
        "SetInputAudioTracks", {"inputName": mic, "inputAudioTracks": {"2": False, "9": False}}
    )
    tracks = raw.call("GetInputAudioTracks", {"inputName": mic})["inputAudioTracks"]
    assert tracks == {"1": True, "2": False, "3": True, "4": True, "5": True, "6": True}
    assert raw.wait_event("InputAudioTracksChanged")["inputAudioTracks"] == tracks
    wrong = raw.request("SetInputAudioTracks", {"inputName": mic, "inputAudioTracks": {"1": "x"}})
    assert wrong["requestStatus"] == {
        "result": False,
        "code": 401,
        "comment": "The value of one of your tracks is not a boolean.",
    }


def test_balance_and_sync_offset(raw: RawClient, mic: str) -> None:
    assert raw.call("GetInputAudioBalance", {"inputName": mic}) == {"inputAudioBalance": 0.5}
    raw.call("SetInputAudioBalance", {"inputName": mic, "inputAudioBalance": 0.25})
    assert raw.call("GetInputAudioBalance", {"inputName": mic}) == {"inputAudioBalance": 0.25}
    too_far = raw.request("SetInputAudioBalance", {"inputName": mic, "inputAudioBalance": 2})
    assert too_far["requestStatus"]["code"] == 402
    assert raw.call("GetInputAudioSyncOffset", {"inputName": mic}) == {"inputAudioSyncOffset": 0}

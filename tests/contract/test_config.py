"""Contract: scene collections, profiles and their parameters, video and stream service."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.contract.conftest import Backend, RawClient, eventually, unique


@pytest.fixture
def restore_collection(raw: RawClient) -> Iterator[str]:
    current = raw.call("GetSceneCollectionList")["currentSceneCollectionName"]
    yield current
    raw.request("SetCurrentSceneCollection", {"sceneCollectionName": current})


@pytest.fixture
def restore_profile(raw: RawClient) -> Iterator[str]:
    current = raw.call("GetProfileList")["currentProfileName"]
    yield current
    raw.request("SetCurrentProfile", {"profileName": current})


def test_scene_collection_list_names_the_current_one(raw: RawClient) -> None:
    data = raw.call("GetSceneCollectionList")
    assert data["currentSceneCollectionName"] in data["sceneCollections"]


def test_create_scene_collection_switches_to_it(raw: RawClient, restore_collection: str) -> None:
    name = unique("collection")
    raw.call("CreateSceneCollection", {"sceneCollectionName": name})
    raw.wait_event("CurrentSceneCollectionChanging")
    assert raw.wait_event("CurrentSceneCollectionChanged") == {"sceneCollectionName": name}
    data = raw.call("GetSceneCollectionList")
    assert data["currentSceneCollectionName"] == name
    assert name in data["sceneCollections"]
    scenes = raw.call("GetSceneList")["scenes"]
    assert [s["sceneName"] for s in scenes] == ["Scene"]
    assert raw.call("GetInputList")["inputs"] == []
    again = raw.request("CreateSceneCollection", {"sceneCollectionName": name})
    assert again["requestStatus"] == {"result": False, "code": 601}
    raw.call("SetCurrentSceneCollection", {"sceneCollectionName": restore_collection})
    assert raw.wait_event("CurrentSceneCollectionChanged", timeout=10) == {
        "sceneCollectionName": restore_collection
    }


def test_set_current_scene_collection_to_an_unknown_name_is_600(raw: RawClient) -> None:
    response = raw.request(
        "SetCurrentSceneCollection", {"sceneCollectionName": unique("nonexistent")}
    )
    assert response["requestStatus"] == {"result": False, "code": 600}


def test_profiles_create_switch_and_remove(raw: RawClient, restore_profile: str) -> None:
    name = unique("profile")
    raw.call("CreateProfile", {"profileName": name})
    assert raw.wait_event("CurrentProfileChanged") == {"profileName": name}
    data = raw.call("GetProfileList")
    assert data["currentProfileName"] == name
    assert name in data["profiles"]
    assert raw.request("CreateProfile", {"profileName": name})["requestStatus"] == {
        "result": False,
        "code": 601,
    }
    raw.call("SetCurrentProfile", {"profileName": restore_profile})
    raw.call("RemoveProfile", {"profileName": name})
    assert raw.wait_event("ProfileListChanged", lambda d: name not in d["profiles"])
    assert eventually(lambda: name not in raw.call("GetProfileList")["profiles"])
    assert raw.request("RemoveProfile", {"profileName": name})["requestStatus"] == {
        "result": False,
        "code": 600,
    }
    assert raw.request("SetCurrentProfile", {"profileName": name})["requestStatus"] == {
        "result": False,
        "code": 600,
    }


def test_profile_parameters_round_trip(obs_backend: Backend, raw: RawClient) -> None:
    mode = raw.call("GetProfileParameter", {"parameterCategory": "Output", "parameterName": "Mode"})
    assert mode["defaultParameterValue"] == "Simple"
    bitrate = raw.call(
        "GetProfileParameter", {"parameterCategory": "SimpleOutput", "parameterName": "VBitrate"}
    )
    # OBS 32 (websocket 5.7) raised the simple-output default from 2500 to 6000 kbps
    assert bitrate["defaultParameterValue"] == ("6000" if obs_backend.at_least("5.7.0") else "2500")
    audio = raw.call(
        "GetProfileParameter", {"parameterCategory": "SimpleOutput", "parameterName": "ABitrate"}
    )
    assert audio["defaultParameterValue"] == "160"
    key = {"parameterCategory": "StreamkitContract", "parameterName": unique("p").replace(" ", "")}
    assert raw.call("GetProfileParameter", key) == {
        "parameterValue": None,
        "defaultParameterValue": None,
    }
    raw.call("SetProfileParameter", {**key, "parameterValue": "42"})
    assert raw.call("GetProfileParameter", key)["parameterValue"] == "42"
    raw.call("SetProfileParameter", {**key, "parameterValue": None})
    assert raw.call("GetProfileParameter", key)["parameterValue"] is None
    gone = raw.request("SetProfileParameter", {**key, "parameterValue": None})
    assert gone["requestStatus"] == {
        "result": False,
        "code": 600,
        "comment": "There are no existing instances of that profile parameter.",
    }


def test_video_settings(raw: RawClient) -> None:
    video = raw.call("GetVideoSettings")
    assert set(video) == {
        "fpsNumerator",
        "fpsDenominator",
        "baseWidth",
        "baseHeight",
        "outputWidth",
        "outputHeight",
    }
    assert all(isinstance(v, int) and v > 0 for v in video.values())
    raw.call("SetVideoSettings", video)
    assert raw.call("GetVideoSettings") == video


def test_stream_service_settings_round_trip(raw: RawClient) -> None:
    before = raw.call("GetStreamServiceSettings")
    assert set(before) == {"streamServiceType", "streamServiceSettings"}
    try:
        raw.call(
            "SetStreamServiceSettings",
            {
                "streamServiceType": "rtmp_custom",
                "streamServiceSettings": {"server": "rtmp://127.0.0.1/contract", "key": "k1"},
            },
        )
        after = raw.call("GetStreamServiceSettings")
        assert after["streamServiceType"] == "rtmp_custom"
        assert after["streamServiceSettings"]["server"] == "rtmp://127.0.0.1/contract"
        assert after["streamServiceSettings"]["key"] == "k1"
        empty = raw.request(
            "SetStreamServiceSettings",
            {"streamServiceType": "rtmp_custom", "streamServiceSettings": {}},
        )
        assert empty["requestStatus"] == {
            "result": False,
            "code": 403,
            "comment": "The field value of `streamServiceSettings` must not be empty.",
        }
    finally:
        if before["streamServiceSettings"]:  # a fresh OBS has none, and OBS refuses to set none
            raw.call("SetStreamServiceSettings", before)


def test_record_directory(obs_backend: Backend, raw: RawClient) -> None:
    directory = raw.call("GetRecordDirectory")["recordDirectory"]
    assert isinstance(directory, str) and directory

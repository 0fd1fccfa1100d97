"""Contract: requests the show does not use answer as a headless OBS does (no virtual camera, no
replay buffer, no vendors)."""

from __future__ import annotations

import pytest

from tests.contract.conftest import Backend, RawClient, unique


@pytest.mark.parametrize(
    ("request_type", "data", "status"),
    [
        ("GetVirtualCamStatus", None, (604, "VirtualCam is not available.")),
        ("StartVirtualCam", None, (604, "VirtualCam is not available.")),
        ("GetReplayBufferStatus", None, (604, "Replay buffer is not available.")),
        ("SaveReplayBuffer", None, (604, "Replay buffer is not available.")),
        (
            "CallVendorRequest",
            {"vendorName": "nope", "requestType": "x"},
            (600, "No vendor was found by that name."),
        ),
        ("SetTBarPosition", {"position": 0.5}, (506, None)),
        (
            "SetSceneSceneTransitionOverride",
            {"sceneName": "Scene"},
            (
                300,
                "Your request data must include either `transitionName` or `transitionDuration`.",
            ),
        ),
    ],
)
def test_unavailable_features(
    raw: RawClient, request_type: str, data: dict | None, status: tuple[int, str | None]
) -> None:
    if request_type == "SetSceneSceneTransitionOverride":
        data = {"sceneName": raw.call("GetCurrentProgramScene")["currentProgramSceneName"]}
    expected = {"result": False, "code": status[0]}
    if status[1]:
        expected["comment"] = status[1]
    assert raw.request(request_type, data)["requestStatus"] == expected


def test_dialogs_media_and_private_settings(
    obs_backend: Backend, raw: RawClient, scene: str
) -> None:
    colour = unique("colour")
    raw.call(
        "CreateInput", {"sceneName": scene, "inputName": colour, "inputKind": "color_source_v3"}
    )
    try:
        assert raw.call("GetMonitorList")["monitors"]
        assert raw.request("OpenInputInteractDialog", {"inputName": colour})["requestStatus"] == {
            "result": False,
            "code": 604,
            "comment": "The specified input does not support interaction.",
        }
        assert raw.call("GetMediaInputStatus", {"inputName": colour}) == {
            "mediaCursor": None,
            "mediaDuration": None,
            "mediaState": "OBS_MEDIA_STATE_NONE",
        }
        raw.call("SetSourcePrivateSettings", {"sourceName": colour, "sourceSettings": {"a": 1}})
        assert raw.call("GetSourcePrivateSettings", {"sourceName": colour}) == {
            "sourceSettings": {"a": 1}
        }
        if obs_backend.at_least("5.6.0"):
            assert raw.request("GetInputDeinterlaceMode", {"inputName": colour})[
                "requestStatus"
            ] == {"result": False, "code": 604, "comment": "The specified input is not async."}
        if obs_backend.at_least("5.5.0"):
            assert raw.request("SplitRecordFile")["requestStatus"] == {"result": False, "code": 501}
    finally:
        raw.request("RemoveInput", {"inputName": colour})

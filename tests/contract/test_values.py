"""Contract: values as OBS keeps and sends them (32-bit floats, sorted keys, images, transforms)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import pytest

from tests.contract.conftest import Backend, RawClient, unique


@pytest.fixture
def items(raw: RawClient, scene: str) -> Iterator[dict[str, Any]]:
    """A colour source and a microphone in a fresh scene: {name: sceneItemId}."""
    colour, mic = unique("colour"), unique("mic")
    ids = {
        colour: raw.call(
            "CreateInput", {"sceneName": scene, "inputName": colour, "inputKind": "color_source_v3"}
        )["sceneItemId"],
        mic: raw.call(
            "CreateInput",
            {"sceneName": scene, "inputName": mic, "inputKind": "pulse_input_capture"},
        )["sceneItemId"],
    }
    yield {"scene": scene, "colour": colour, "mic": mic, "ids": ids}
    raw.request("RemoveInput", {"inputName": colour})
    raw.request("RemoveInput", {"inputName": mic})


def _keys_sorted(value: Any) -> bool:
    if isinstance(value, dict):
        return list(value) == sorted(value) and all(_keys_sorted(v) for v in value.values())
    if isinstance(value, list):
        return all(_keys_sorted(v) for v in value)
    return True


@pytest.mark.parametrize(
    ("field", "value", "mul", "db"),
    [
        ("inputVolumeDb", -100, 9.999999747378752e-06, -100.0),
        ("inputVolumeMul", 0, 0.0, -100.0),
        ("inputVolumeMul", 0.3, 0.30000001192092896, -10.457573890686035),
        ("inputVolumeDb", -6, 0.5011872053146362, -6.0),
    ],
)
def test_volume_is_a_32_bit_float(
    raw: RawClient, items: dict[str, Any], field: str, value: float, mul: float, db: float
) -> None:
    raw.call("SetInputVolume", {"inputName": items["mic"], field: value})
    assert raw.call("GetInputVolume", {"inputName": items["mic"]}) == {
        "inputVolumeDb": db,
        "inputVolumeMul": mul,
    }


def test_balance_is_a_32_bit_float(raw: RawClient, items: dict[str, Any]) -> None:
    raw.call("SetInputAudioBalance", {"inputName": items["mic"], "inputAudioBalance": 0.3})
    balance = raw.call("GetInputAudioBalance", {"inputName": items["mic"]})
    assert balance == {"inputAudioBalance": 0.30000001192092896}


def test_keys_come_in_alphabetical_order(raw: RawClient, items: dict[str, Any]) -> None:
    response = raw.request("GetSceneItemList", {"sceneName": items["scene"]})
    assert list(response) == sorted(response)
    assert _keys_sorted(response["responseData"])
    assert _keys_sorted(raw.call("GetVersion"))
    assert _keys_sorted(raw.request("GetInputSettings", {})["requestStatus"])


@pytest.mark.parametrize(
    ("image_format", "magic"),
    [("png", b"\x89PNG"), ("jpg", b"\xff\xd8\xff"), ("jpeg", b"\xff\xd8\xff"), ("bmp", b"BM")],
)
def test_screenshot_formats(
    raw: RawClient, items: dict[str, Any], image_format: str, magic: bytes
) -> None:
    assert image_format in raw.call("GetVersion")["supportedImageFormats"]
    shot = raw.call(
        "GetSourceScreenshot",
        {"sourceName": items["colour"], "imageFormat": image_format, "imageWidth": 16},
    )
    prefix = f"data:image/{image_format};base64,"
    assert shot["imageData"].startswith(prefix)
    assert base64.b64decode(shot["imageData"][len(prefix) :]).startswith(magic)


def test_screenshot_of_an_audio_only_source_fails(raw: RawClient, items: dict[str, Any]) -> None:
    shot = raw.request("GetSourceScreenshot", {"sourceName": items["mic"], "imageFormat": "png"})
    assert shot["requestStatus"] == {
        "result": False,
        "code": 702,
        "comment": "Failed to render screenshot.",
    }


def test_transform_scale_zero_and_limits(
    obs_backend: Backend, raw: RawClient, items: dict[str, Any]
) -> None:
    item = {"sceneName": items["scene"], "sceneItemId": items["ids"][items["colour"]]}
    raw.call("SetSceneItemTransform", {**item, "sceneItemTransform": {"scaleX": 0}})
    transform = raw.call("GetSceneItemTransform", item)["sceneItemTransform"]
    assert (transform["scaleX"], transform["width"]) == (0.0, 0.0)
    if obs_backend.at_least("5.5.0"):
        assert transform["cropToBounds"] is False
    else:
        assert "cropToBounds" not in transform
    too_wide = raw.request("SetSceneItemTransform", {**item, "sceneItemTransform": {"scaleX": 100}})
    assert too_wide["requestStatus"] == {
        "result": False,
        "code": 402,
        "comment": "The field `scaleX` is too small or large for the current source resolution.",
    }
    nothing = raw.request("SetSceneItemTransform", {**item, "sceneItemTransform": {"x": 1}})
    assert nothing["requestStatus"] == {
        "result": False,
        "code": 703,
        "comment": "You have not provided any valid transform changes.",
    }

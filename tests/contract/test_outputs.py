"""Contract: stream/record status while idle, outputs, source activity and screenshots.

Starting a stream needs a stream target; the simulator's stream simulation is tested in
tests/test_simulator_outputs.py, and real streaming by the real-OBS tier with its RTMP server.
"""

from __future__ import annotations

import base64
import struct

from tests.contract.conftest import Backend, RawClient, unique


def test_idle_stream_status(raw: RawClient) -> None:
    status = raw.call("GetStreamStatus")
    assert status == {
        "outputActive": False,
        "outputReconnecting": False,
        "outputTimecode": "00:00:00.000",
        "outputDuration": 0,
        "outputCongestion": 0.0,
        "outputBytes": 0,
        "outputSkippedFrames": 0,
        "outputTotalFrames": 0,
    }


def test_idle_record_status(raw: RawClient) -> None:
    assert raw.call("GetRecordStatus") == {
        "outputActive": False,
        "outputPaused": False,
        "outputTimecode": "00:00:00.000",
        "outputDuration": 0,
        "outputBytes": 0,
    }


def test_stopping_what_is_not_running_is_501(raw: RawClient) -> None:
    assert raw.request("StopStream")["requestStatus"] == {"result": False, "code": 501}
    assert raw.request("StopRecord")["requestStatus"] == {"result": False, "code": 501}


def test_output_list(obs_backend: Backend, raw: RawClient) -> None:
    outputs = raw.call("GetOutputList")["outputs"]
    assert outputs
    for output in outputs:
        assert {
            "outputName",
            "outputKind",
            "outputActive",
            "outputWidth",
            "outputHeight",
            "outputFlags",
        } <= set(output)
        assert set(output["outputFlags"]) == {
            "OBS_OUTPUT_AUDIO",
            "OBS_OUTPUT_ENCODED",
            "OBS_OUTPUT_MULTI_TRACK",
            "OBS_OUTPUT_SERVICE",
            "OBS_OUTPUT_VIDEO",
        }
    kinds = {o["outputName"]: o["outputKind"] for o in outputs}
    # OBS 32 (websocket 5.7) records simple-mode files with its MP4 muxer
    assert kinds["simple_file_output"] == (
        "mp4_output" if obs_backend.at_least("5.7.0") else "ffmpeg_muxer"
    )


def test_source_active(raw: RawClient, scene: str, restore_program: None) -> None:
    name = unique("shown")
    raw.call("CreateInput", {"sceneName": scene, "inputName": name, "inputKind": "color_source_v3"})
    try:
        raw.call("SetCurrentProgramScene", {"sceneName": scene})
        raw.wait_event("CurrentProgramSceneChanged", lambda d: d["sceneName"] == scene)
        assert raw.call("GetSourceActive", {"sourceName": scene}) == {
            "videoActive": True,
            "videoShowing": True,
        }
        missing = raw.request("GetSourceActive", {"sourceName": unique("nothing")})
        assert missing["requestStatus"]["code"] == 600
    finally:
        raw.call("RemoveInput", {"inputName": name})


def test_screenshot_is_a_png_of_the_requested_size(raw: RawClient, scene: str) -> None:
    name = unique("shot")
    raw.call(
        "CreateInput",
        {
            "sceneName": scene,
            "inputName": name,
            "inputKind": "color_source_v3",
            "inputSettings": {"width": 64, "height": 32},
        },
    )
    try:
        shot = raw.call(
            "GetSourceScreenshot", {"sourceName": name, "imageFormat": "png", "imageWidth": 16}
        )["imageData"]
        prefix = "data:image/png;base64,"
        assert shot.startswith(prefix)
        png = base64.b64decode(shot[len(prefix) :])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (16, 8)
        bad = raw.request("GetSourceScreenshot", {"sourceName": name, "imageFormat": "tiffx"})
        assert bad["requestStatus"] == {
            "result": False,
            "code": 400,
            "comment": "Your specified image format is invalid or not supported by this system.",
        }
    finally:
        raw.call("RemoveInput", {"inputName": name})

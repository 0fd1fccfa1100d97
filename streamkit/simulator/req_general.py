"""General requests: version, stats, custom events, Sleep, hotkeys, persistent data."""

from __future__ import annotations

from typing import Any

from streamkit.obs.canvas import MAIN_CANVAS_UUID
from streamkit.simulator.outputs import FPS
from streamkit.simulator.params import UNSUPPORTED_BATCH_EXECUTION, Params, RequestError
from streamkit.simulator.registry import (
    HANDLERS,
    MAIN_CANVAS_NAME,
    OBS_VERSION,
    RPC_VERSION,
    WEBSOCKET_VERSION,
    Context,
    request,
)

SUPPORTED_IMAGE_FORMATS = ["bmp", "jpeg", "jpg", "png"]  # those the simulator can draw
HOTKEYS = [
    "OBSBasic.StartStreaming",
    "OBSBasic.StopStreaming",
    "OBSBasic.ForceStopStreaming",
    "OBSBasic.StartRecording",
    "OBSBasic.StopRecording",
    "OBSBasic.PauseRecording",
    "OBSBasic.UnpauseRecording",
    "OBSBasic.SplitFile",
    "OBSBasic.EnablePreview",
    "OBSBasic.DisablePreview",
    "OBSBasic.Transition",
    "OBSBasic.ResetStats",
    "OBSBasic.Screenshot",
    "OBSBasic.SelectScene",
]
SERIAL_REALTIME, SERIAL_FRAME, PARALLEL = 0, 1, 2


@request("GetVersion")
def get_version(ctx: Context, p: Params) -> dict[str, Any]:
    return {
        "obsVersion": OBS_VERSION,
        "obsWebSocketVersion": WEBSOCKET_VERSION,
        "rpcVersion": RPC_VERSION,
        "availableRequests": sorted(HANDLERS),
        "supportedImageFormats": SUPPORTED_IMAGE_FORMATS,
        "platform": "debian",
        "platformDescription": "Debian GNU/Linux 13 (trixie)",
    }


@request("GetStats")
def get_stats(ctx: Context, p: Params) -> dict[str, Any]:
    stats = ctx.outputs.stats()
    stats["webSocketSessionIncomingMessages"] = ctx.session.get("incoming", 0)
    stats["webSocketSessionOutgoingMessages"] = ctx.session.get("outgoing", 0)
    return stats


@request("BroadcastCustomEvent")
def broadcast_custom_event(ctx: Context, p: Params) -> None:
    ctx.emit("CustomEvent", p.obj("eventData"))


@request("Sleep")
def sleep(ctx: Context, p: Params) -> None:
    """Only inside a batch: sleepMillis (serial realtime) or sleepFrames (serial frame)."""
    if ctx.execution_type == SERIAL_REALTIME:
        ctx.sleep_seconds = p.number("sleepMillis", 0, 50000) / 1000.0
    elif ctx.execution_type == SERIAL_FRAME:
        ctx.sleep_seconds = p.number("sleepFrames", 0, 10000) / FPS
    else:
        raise RequestError(UNSUPPORTED_BATCH_EXECUTION)


@request("GetHotkeyList")
def get_hotkey_list(ctx: Context, p: Params) -> dict[str, Any]:
    return {"hotkeys": list(HOTKEYS)}


@request("TriggerHotkeyByName")
def trigger_hotkey_by_name(ctx: Context, p: Params) -> None:
    p.string("hotkeyName")


def _realm_key(p: Params) -> tuple[str, str]:
    realm = p.string("realm")
    if realm not in ("OBS_WEBSOCKET_DATA_REALM_GLOBAL", "OBS_WEBSOCKET_DATA_REALM_PROFILE"):
        raise RequestError(400, "The field value of `realm` must be one of the data realms.")
    return realm, p.string("slotName")


@request("GetPersistentData")
def get_persistent_data(ctx: Context, p: Params) -> dict[str, Any]:
    realm, slot = _realm_key(p)
    return {"slotValue": ctx.state.persistent_data.get((realm, slot))}


@request("SetPersistentData")
def set_persistent_data(ctx: Context, p: Params) -> None:
    realm, slot = _realm_key(p)
    ctx.state.persistent_data[(realm, slot)] = p.value("slotValue")


@request("GetCanvasList", since="5.7.0")
def get_canvas_list(ctx: Context, p: Params) -> dict[str, Any]:
    """One canvas, the main one, with the current profile's video settings."""
    video = ctx.state.profile.parameters
    return {
        "canvases": [
            {
                "canvasFlags": {
                    "ACTIVATE": True,
                    "EPHEMERAL": False,
                    "MAIN": True,
                    "MIX_AUDIO": True,
                    "SCENE_REF": True,
                },
                "canvasName": MAIN_CANVAS_NAME,
                "canvasUuid": MAIN_CANVAS_UUID,
                "canvasVideoSettings": {
                    "baseHeight": int(video[("Video", "BaseCY")]),
                    "baseWidth": int(video[("Video", "BaseCX")]),
                    "fpsDenominator": int(video[("Video", "FPSDen")]),
                    "fpsNumerator": int(video[("Video", "FPSNum")]),
                    "outputHeight": int(video[("Video", "OutputCY")]),
                    "outputWidth": int(video[("Video", "OutputCX")]),
                },
            }
        ]
    }

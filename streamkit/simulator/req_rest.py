"""Requests the show does not use, answered as a headless OBS 32 answers them: projectors and
dialogs, media inputs, replay buffer and virtual camera (not available), record splitting,
deinterlacing, transition overrides, private settings, vendors and output settings."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from streamkit.simulator.params import (
    INVALID_RESOURCE_STATE,
    MISSING_FIELD,
    NOT_FOUND,
    OUTPUT_NOT_RUNNING,
    REQUEST_PROCESSING_FAILED,
    STUDIO_MODE_NOT_ACTIVE,
    Params,
    RequestError,
)
from streamkit.simulator.registry import (
    Context,
    find_input,
    find_item,
    find_scene,
    find_source,
    request,
)
from streamkit.simulator.req_outputs import find_output
from streamkit.simulator.req_sources import render_screenshot
from streamkit.simulator.state import Input

NOT_CONFIGURABLE = 606
ASYNC_KINDS = frozenset({"ffmpeg_source", "v4l2_input", "ndi_source", "image_source"})
INTERACTIVE_KINDS = frozenset({"browser_source"})
NO_REPLAY_BUFFER = "Replay buffer is not available."
NO_VIRTUAL_CAM = "VirtualCam is not available."


@request("GetMonitorList")
def get_monitor_list(ctx: Context, p: Params) -> dict[str, Any]:
    monitor = {
        "monitorHeight": 1080,
        "monitorIndex": 0,
        "monitorName": "screen(0)",
        "monitorPositionX": 0,
        "monitorPositionY": 0,
        "monitorWidth": 1920,
    }
    return {"monitors": [monitor]}


@request("OpenSourceProjector")
def open_source_projector(ctx: Context, p: Params) -> None:
    find_source(ctx, p)


@request("OpenVideoMixProjector")
def open_video_mix_projector(ctx: Context, p: Params) -> None:
    p.string("videoMixType")


@request("OpenInputPropertiesDialog")
def open_input_properties_dialog(ctx: Context, p: Params) -> None:
    find_input(ctx, p)


@request("OpenInputFiltersDialog")
def open_input_filters_dialog(ctx: Context, p: Params) -> None:
    find_input(ctx, p)


@request("OpenInputInteractDialog")
def open_input_interact_dialog(ctx: Context, p: Params) -> None:
    if find_input(ctx, p).kind not in INTERACTIVE_KINDS:
        raise RequestError(
            INVALID_RESOURCE_STATE, "The specified input does not support interaction."
        )


@request("GetMediaInputStatus")
def get_media_input_status(ctx: Context, p: Params) -> dict[str, Any]:
    find_input(ctx, p)
    return {"mediaCursor": None, "mediaDuration": None, "mediaState": "OBS_MEDIA_STATE_NONE"}


@request("TriggerMediaInputAction")
def trigger_media_input_action(ctx: Context, p: Params) -> None:
    find_input(ctx, p)
    p.string("mediaAction")


def _not_playing(ctx: Context, p: Params, field: str) -> None:
    find_input(ctx, p)
    p.number(field)
    raise RequestError(
        INVALID_RESOURCE_STATE,
        "The media input must be playing or paused in order to set the cursor position.",
    )


@request("SetMediaInputCursor")
def set_media_input_cursor(ctx: Context, p: Params) -> None:
    _not_playing(ctx, p, "mediaCursor")


@request("OffsetMediaInputCursor")
def offset_media_input_cursor(ctx: Context, p: Params) -> None:
    _not_playing(ctx, p, "mediaCursorOffset")


def _unavailable(comment: str) -> Any:
    def handler(ctx: Context, p: Params) -> None:
        raise RequestError(INVALID_RESOURCE_STATE, comment)

    return handler


for _name in (
    "GetReplayBufferStatus",
    "ToggleReplayBuffer",
    "StartReplayBuffer",
    "StopReplayBuffer",
    "SaveReplayBuffer",
    "GetLastReplayBufferReplay",
):
    request(_name)(_unavailable(NO_REPLAY_BUFFER))
for _name in ("GetVirtualCamStatus", "ToggleVirtualCam", "StartVirtualCam", "StopVirtualCam"):
    request(_name)(_unavailable(NO_VIRTUAL_CAM))


def _require_recording(ctx: Context) -> None:
    if not ctx.outputs.record.active:
        raise RequestError(OUTPUT_NOT_RUNNING)


@request("SplitRecordFile", since="5.5.0")
def split_record_file(ctx: Context, p: Params) -> None:
    _require_recording(ctx)


@request("CreateRecordChapter", since="5.5.0")
def create_record_chapter(ctx: Context, p: Params) -> None:
    _require_recording(ctx)


def _async_input(ctx: Context, p: Params) -> Input:
    source = find_input(ctx, p)
    if source.kind not in ASYNC_KINDS or not source.has_video:
        raise RequestError(INVALID_RESOURCE_STATE, "The specified input is not async.")
    return source


@request("GetInputDeinterlaceMode", since="5.6.0")
def get_input_deinterlace_mode(ctx: Context, p: Params) -> dict[str, Any]:
    mode = _async_input(ctx, p).deinterlace["inputDeinterlaceMode"]
    return {"inputDeinterlaceMode": mode}


@request("SetInputDeinterlaceMode", since="5.6.0")
def set_input_deinterlace_mode(ctx: Context, p: Params) -> None:
    source = _async_input(ctx, p)
    source.deinterlace["inputDeinterlaceMode"] = p.string("inputDeinterlaceMode")


@request("GetInputDeinterlaceFieldOrder", since="5.6.0")
def get_input_deinterlace_field_order(ctx: Context, p: Params) -> dict[str, Any]:
    order = _async_input(ctx, p).deinterlace["inputDeinterlaceFieldOrder"]
    return {"inputDeinterlaceFieldOrder": order}


@request("SetInputDeinterlaceFieldOrder", since="5.6.0")
def set_input_deinterlace_field_order(ctx: Context, p: Params) -> None:
    source = _async_input(ctx, p)
    source.deinterlace["inputDeinterlaceFieldOrder"] = p.string("inputDeinterlaceFieldOrder")


@request("GetSceneSceneTransitionOverride")
def get_scene_scene_transition_override(ctx: Context, p: Params) -> dict[str, Any]:
    return dict(find_scene(ctx, p).transition_override)


@request("SetSceneSceneTransitionOverride")
def set_scene_scene_transition_override(ctx: Context, p: Params) -> None:
    scene = find_scene(ctx, p)
    if not p.has("transitionName") and not p.has("transitionDuration"):
        raise RequestError(
            MISSING_FIELD,
            "Your request data must include either `transitionName` or `transitionDuration`.",
        )
    if p.has("transitionName"):
        name = p.string("transitionName")
        if ctx.state.collection.transition(name) is None:
            raise RequestError(NOT_FOUND, "No scene transition was found by that name.")
        scene.transition_override["transitionName"] = name
    if p.has("transitionDuration"):
        duration = p.integer("transitionDuration", 50, 20000)
        scene.transition_override["transitionDuration"] = duration


@request("SetCurrentSceneTransitionSettings")
def set_current_scene_transition_settings(ctx: Context, p: Params) -> None:
    p.obj("transitionSettings")
    coll = ctx.state.collection
    current = coll.transition(coll.current_transition)
    if current is None or not current.configurable:
        raise RequestError(
            NOT_CONFIGURABLE, "The current transition does not support custom settings."
        )


@request("SetTBarPosition")
def set_t_bar_position(ctx: Context, p: Params) -> None:
    if not ctx.state.studio_mode:
        raise RequestError(STUDIO_MODE_NOT_ACTIVE)
    p.number("position", 0.0, 1.0)


@request("CallVendorRequest")
def call_vendor_request(ctx: Context, p: Params) -> None:
    p.string("vendorName")
    p.string("requestType")
    raise RequestError(NOT_FOUND, "No vendor was found by that name.")


@request("TriggerHotkeyByKeySequence")
def trigger_hotkey_by_key_sequence(ctx: Context, p: Params) -> None:
    if p.has("keyId"):
        p.string("keyId")


@request("SaveSourceScreenshot")
def save_source_screenshot(ctx: Context, p: Params) -> None:
    """Writes the image to imageFilePath, as OBS does on its own machine."""
    _, image = render_screenshot(ctx, p)
    path = Path(p.string("imageFilePath"))
    try:
        path.write_bytes(image)
    except OSError:
        raise RequestError(REQUEST_PROCESSING_FAILED, "Failed to save screenshot.") from None


@request("GetOutputSettings")
def get_output_settings(ctx: Context, p: Params) -> dict[str, Any]:
    find_output(ctx, p)
    return {"outputSettings": {}}


@request("SetOutputSettings")
def set_output_settings(ctx: Context, p: Params) -> None:
    find_output(ctx, p)
    p.obj("outputSettings")


@request("GetSourcePrivateSettings")
def get_source_private_settings(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sourceSettings": dict(find_source(ctx, p).private_settings)}


@request("SetSourcePrivateSettings")
def set_source_private_settings(ctx: Context, p: Params) -> None:
    source = find_source(ctx, p)
    source.private_settings.update(p.obj("sourceSettings"))


@request("GetSceneItemPrivateSettings")
def get_scene_item_private_settings(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sceneItemSettings": dict(find_item(ctx, p)[1].private_settings)}


@request("SetSceneItemPrivateSettings")
def set_scene_item_private_settings(ctx: Context, p: Params) -> None:
    _, item = find_item(ctx, p)
    item.private_settings.update(p.obj("sceneItemSettings"))

"""Input requests: creation, settings, property lists (NDI senders) and the audio mixer."""

from __future__ import annotations

import math
import struct
from typing import Any

from streamkit.simulator.kinds import INPUT_KINDS, MONITOR_TYPES
from streamkit.simulator.params import (
    ALREADY_EXISTS,
    INVALID_FIELD,
    INVALID_FIELD_TYPE,
    INVALID_INPUT_KIND,
    INVALID_RESOURCE_TYPE,
    MISSING_FIELD,
    NOT_FOUND,
    TOO_MANY_FIELDS,
    Params,
    RequestError,
)
from streamkit.simulator.registry import Context, find_audio_input, find_input, find_scene, request
from streamkit.simulator.req_scenes import APPLY_DELAY
from streamkit.simulator.state import Input

INVALID_KIND_COMMENT = (
    "Your specified input kind is not supported by OBS. Check that your specified kind is "
    "properly versioned and that any necessary plugins are loaded."
)


def _ref(source: Input) -> dict[str, Any]:
    return {"inputName": source.name, "inputUuid": source.uuid}


def f32(value: float) -> float:
    """`value` as OBS keeps it: a 32-bit float (0.3 reads back as 0.30000001192092896)."""
    return struct.unpack("f", struct.pack("f", value))[0]


def volume_db(mul: float) -> float:
    """OBS's dB for a volume multiplier, in 32-bit floats (silence reported as -100 dB)."""
    return f32(20.0 * f32(math.log10(mul))) if mul > 0 else -100.0  # 20.0f * log10f(mul)


@request("GetInputList")
def get_input_list(ctx: Context, p: Params) -> dict[str, Any]:
    kind = p.raw("inputKind")
    inputs = [i for i in reversed(ctx.state.collection.inputs) if kind in (None, i.kind)]
    return {
        "inputs": [
            {
                "inputName": i.name,
                "inputUuid": i.uuid,
                "inputKind": i.kind,
                "unversionedInputKind": i.spec.unversioned if i.spec else i.kind,
            }
            for i in inputs
        ]
    }


@request("GetInputKindList")
def get_input_kind_list(ctx: Context, p: Params) -> dict[str, Any]:
    unversioned = p.has("unversioned") and p.boolean("unversioned")
    kinds = [k for k in INPUT_KINDS.values() if ctx.state.input_kind(k.kind)]
    return {"inputKinds": [k.unversioned if unversioned else k.kind for k in kinds]}


@request("GetSpecialInputs")
def get_special_inputs(ctx: Context, p: Params) -> dict[str, Any]:
    return dict(ctx.state.special_inputs)


@request("CreateInput")
def create_input(ctx: Context, p: Params) -> dict[str, Any]:
    scene = find_scene(ctx, p)
    name = p.string("inputName")
    coll = ctx.state.collection
    if coll.source(name) is not None:
        raise RequestError(ALREADY_EXISTS, "A source already exists by that input name.")
    kind = p.string("inputKind")
    spec = ctx.state.input_kind(kind)
    if spec is None:
        raise RequestError(INVALID_INPUT_KIND, INVALID_KIND_COMMENT)
    settings = p.obj("inputSettings") if p.has("inputSettings") else {}
    enabled = p.optional_bool("sceneItemEnabled", True)
    source = coll.add_input(name, kind, settings)
    item = scene.add_item(source, enabled)
    ctx.emit(
        "InputCreated",
        {
            **_ref(source),
            "inputKind": kind,
            "unversionedInputKind": spec.unversioned,
            "inputKindCaps": spec.caps,
            "inputSettings": dict(settings),
            "defaultInputSettings": dict(spec.defaults),
        },
    )
    ctx.emit(
        "SceneItemCreated",
        {
            "sceneName": scene.name,
            "sceneUuid": scene.uuid,
            "sourceName": name,
            "sourceUuid": source.uuid,
            "sceneItemId": item.id,
            "sceneItemIndex": len(scene.items) - 1,
        },
    )
    return {"inputUuid": source.uuid, "sceneItemId": item.id}


@request("RemoveInput")
def remove_input(ctx: Context, p: Params) -> None:
    source = find_input(ctx, p)
    ctx.later(APPLY_DELAY, lambda: _remove_input_now(ctx, source))


def _remove_input_now(ctx: Context, source: Input) -> None:
    """A moment after RemoveInput answers (until then the input is listed and a second removal
    succeeds), OBS drops its scene items and the input."""
    coll = ctx.state.collection
    if source not in coll.inputs:
        return
    coll.inputs.remove(source)
    ctx.emit("InputRemoved", _ref(source))
    for scene in coll.scenes:
        for item in [i for i in scene.items if i.source is source]:
            scene.items.remove(item)
            ctx.emit(
                "SceneItemRemoved",
                {
                    "sceneName": scene.name,
                    "sceneUuid": scene.uuid,
                    "sourceName": source.name,
                    "sourceUuid": source.uuid,
                    "sceneItemId": item.id,
                },
            )
    for slot, name in ctx.state.special_inputs.items():
        if name == source.name:
            ctx.state.special_inputs[slot] = None


@request("SetInputName")
def set_input_name(ctx: Context, p: Params) -> None:
    source = find_input(ctx, p)
    new_name = p.string("newInputName")
    if ctx.state.collection.source(new_name) is not None:
        raise RequestError(ALREADY_EXISTS, "A source already exists by that new input name.")
    old_name, source.name = source.name, new_name
    for slot, name in ctx.state.special_inputs.items():
        if name == old_name:
            ctx.state.special_inputs[slot] = new_name
    ctx.emit(
        "InputNameChanged",
        {"inputUuid": source.uuid, "oldInputName": old_name, "inputName": new_name},
    )


@request("GetInputDefaultSettings")
def get_input_default_settings(ctx: Context, p: Params) -> dict[str, Any]:
    spec = ctx.state.input_kind(p.string("inputKind"))
    if spec is None:
        raise RequestError(INVALID_INPUT_KIND)
    return {"defaultInputSettings": dict(spec.defaults)}


@request("GetInputSettings")
def get_input_settings(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_input(ctx, p)
    return {"inputSettings": dict(source.settings), "inputKind": source.kind}


@request("SetInputSettings")
def set_input_settings(ctx: Context, p: Params) -> None:
    source = find_input(ctx, p)
    settings = p.obj("inputSettings")
    if p.optional_bool("overlay", True):
        source.settings.update(settings)
    else:
        source.settings = dict(settings)
    ctx.emit("InputSettingsChanged", {**_ref(source), "inputSettings": dict(source.settings)})


def _property_items(ctx: Context, source: Input, name: str) -> list[dict[str, Any]]:
    spec = source.spec
    if spec is None or (name not in spec.list_properties and name not in spec.scalar_properties):
        raise RequestError(NOT_FOUND, "Unable to find a property by that name.")
    if name not in spec.list_properties:
        raise RequestError(INVALID_RESOURCE_TYPE, "The property found is not a list.")
    if name == "ndi_source_name":
        return [{"itemName": s, "itemValue": s, "itemEnabled": True} for s in ctx.state.ndi_senders]
    if name == "ndi_bw_mode":
        return [
            {"itemName": label, "itemValue": value, "itemEnabled": True}
            for value, label in enumerate(("Highest", "Lowest", "Audio only"))
        ]
    if name == "screen":
        return [{"itemName": "Screen 0: 1920x1080 @ 0,0", "itemValue": 0, "itemEnabled": True}]
    return []


@request("GetInputPropertiesListPropertyItems")
def get_input_properties_list_property_items(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_input(ctx, p)
    return {"propertyItems": _property_items(ctx, source, p.string("propertyName"))}


@request("PressInputPropertiesButton")
def press_input_properties_button(ctx: Context, p: Params) -> None:
    find_input(ctx, p)
    p.string("propertyName")
    raise RequestError(NOT_FOUND, "Unable to find a property by that name.")


@request("GetInputMute")
def get_input_mute(ctx: Context, p: Params) -> dict[str, Any]:
    return {"inputMuted": find_audio_input(ctx, p).muted}


def _set_mute(ctx: Context, source: Input, muted: bool) -> None:
    if source.muted != muted:
        source.muted = muted
        ctx.emit("InputMuteStateChanged", {**_ref(source), "inputMuted": muted})


@request("SetInputMute")
def set_input_mute(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    _set_mute(ctx, source, p.boolean("inputMuted"))


@request("ToggleInputMute")
def toggle_input_mute(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_audio_input(ctx, p)
    _set_mute(ctx, source, not source.muted)
    return {"inputMuted": source.muted}


@request("GetInputVolume")
def get_input_volume(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_audio_input(ctx, p)
    return {"inputVolumeMul": source.volume_mul, "inputVolumeDb": volume_db(source.volume_mul)}


@request("SetInputVolume")
def set_input_volume(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    has_mul, has_db = p.has("inputVolumeMul"), p.has("inputVolumeDb")
    if has_mul and has_db:
        raise RequestError(TOO_MANY_FIELDS, "You may only specify one volume field.")
    if has_mul:
        mul = p.number("inputVolumeMul", 0, 20)
    elif has_db:
        db = p.number("inputVolumeDb", -100, 26)
        mul = 10 ** (db / 20.0)  # -100 dB is 1e-5, not silence
    else:
        raise RequestError(MISSING_FIELD, "You must specify one volume field.")
    source.volume_mul = f32(mul)
    ctx.emit(
        "InputVolumeChanged",
        {
            **_ref(source),
            "inputVolumeMul": source.volume_mul,
            "inputVolumeDb": volume_db(source.volume_mul),
        },
    )


@request("GetInputAudioBalance")
def get_input_audio_balance(ctx: Context, p: Params) -> dict[str, Any]:
    return {"inputAudioBalance": find_audio_input(ctx, p).balance}


@request("SetInputAudioBalance")
def set_input_audio_balance(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    source.balance = f32(p.number("inputAudioBalance", 0.0, 1.0))
    ctx.emit("InputAudioBalanceChanged", {**_ref(source), "inputAudioBalance": source.balance})


@request("GetInputAudioSyncOffset")
def get_input_audio_sync_offset(ctx: Context, p: Params) -> dict[str, Any]:
    return {"inputAudioSyncOffset": find_audio_input(ctx, p).sync_offset_ms}


@request("SetInputAudioSyncOffset")
def set_input_audio_sync_offset(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    source.sync_offset_ms = p.integer("inputAudioSyncOffset", -950, 20000)
    ctx.emit(
        "InputAudioSyncOffsetChanged",
        {**_ref(source), "inputAudioSyncOffset": source.sync_offset_ms},
    )


@request("GetInputAudioMonitorType")
def get_input_audio_monitor_type(ctx: Context, p: Params) -> dict[str, Any]:
    return {"monitorType": find_audio_input(ctx, p).monitor_type}


@request("SetInputAudioMonitorType")
def set_input_audio_monitor_type(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    monitor_type = p.string("monitorType")
    if monitor_type not in MONITOR_TYPES:
        raise RequestError(INVALID_FIELD, f"Unknown monitor type: {monitor_type}")
    source.monitor_type = monitor_type
    ctx.emit("InputAudioMonitorTypeChanged", {**_ref(source), "monitorType": monitor_type})


@request("GetInputAudioTracks")
def get_input_audio_tracks(ctx: Context, p: Params) -> dict[str, Any]:
    return {"inputAudioTracks": dict(find_audio_input(ctx, p).tracks)}


@request("SetInputAudioTracks")
def set_input_audio_tracks(ctx: Context, p: Params) -> None:
    source = find_audio_input(ctx, p)
    tracks = p.obj("inputAudioTracks")
    for track, enabled in tracks.items():
        if not isinstance(enabled, bool):
            raise RequestError(
                INVALID_FIELD_TYPE, "The value of one of your tracks is not a boolean."
            )
        if track in source.tracks:
            source.tracks[track] = enabled
    ctx.emit("InputAudioTracksChanged", {**_ref(source), "inputAudioTracks": dict(source.tracks)})

"""Config requests: scene collections, profiles and their parameters, video and stream service."""

from __future__ import annotations

from typing import Any

from streamkit.simulator.params import (
    ALREADY_EXISTS,
    NOT_ENOUGH_RESOURCES,
    NOT_FOUND,
    OUTPUT_RUNNING,
    Params,
    RequestError,
)
from streamkit.simulator.registry import Context, request
from streamkit.simulator.state import PROFILE_DEFAULTS, Profile, SceneCollection


@request("GetSceneCollectionList")
def get_scene_collection_list(ctx: Context, p: Params) -> dict[str, Any]:
    return {
        "currentSceneCollectionName": ctx.state.current_collection,
        "sceneCollections": sorted(c.name for c in ctx.state.collections),
    }


# OBS loads a collection after it answers the switch; until CurrentSceneCollectionChanged every
# request is answered 207 "not ready" (obs-websocket's ready flag).
LOAD_SECONDS = 0.3


def _switch_collection(ctx: Context, name: str, *, created: bool = False) -> None:
    ctx.emit(
        "CurrentSceneCollectionChanging", {"sceneCollectionName": ctx.state.current_collection}
    )
    ctx.state.current_collection = name
    ctx.state.loading = True

    def loaded() -> None:
        ctx.state.loading = False
        if created:
            ctx.emit(
                "SceneCollectionListChanged",
                {"sceneCollections": sorted(c.name for c in ctx.state.collections)},
            )
        ctx.emit("CurrentSceneCollectionChanged", {"sceneCollectionName": name})

    ctx.later(LOAD_SECONDS, loaded)


@request("SetCurrentSceneCollection")
def set_current_scene_collection(ctx: Context, p: Params) -> None:
    name = p.string("sceneCollectionName")
    if not any(c.name == name for c in ctx.state.collections):
        raise RequestError(NOT_FOUND)
    if name != ctx.state.current_collection:
        _switch_collection(ctx, name)


@request("CreateSceneCollection")
def create_scene_collection(ctx: Context, p: Params) -> None:
    name = p.string("sceneCollectionName")
    if any(c.name == name for c in ctx.state.collections):
        raise RequestError(ALREADY_EXISTS)
    ctx.state.collections.append(SceneCollection.new(name))
    _switch_collection(ctx, name, created=True)


def _profile_names(ctx: Context) -> list[str]:
    return sorted(prof.name for prof in ctx.state.profiles)


@request("GetProfileList")
def get_profile_list(ctx: Context, p: Params) -> dict[str, Any]:
    return {"currentProfileName": ctx.state.current_profile, "profiles": _profile_names(ctx)}


def _switch_profile(ctx: Context, name: str, list_changed: bool = False) -> None:
    ctx.emit("CurrentProfileChanging", {"profileName": ctx.state.current_profile})
    if list_changed:
        ctx.emit("ProfileListChanged", {"profiles": _profile_names(ctx)})
    ctx.state.current_profile = name
    ctx.emit("CurrentProfileChanged", {"profileName": name})


@request("SetCurrentProfile")
def set_current_profile(ctx: Context, p: Params) -> None:
    name = p.string("profileName")
    if name not in _profile_names(ctx):
        raise RequestError(NOT_FOUND)
    if name != ctx.state.current_profile:
        _switch_profile(ctx, name)


@request("CreateProfile")
def create_profile(ctx: Context, p: Params) -> None:
    name = p.string("profileName")
    if name in _profile_names(ctx):
        raise RequestError(ALREADY_EXISTS)
    ctx.state.profiles.append(Profile.new(name))
    _switch_profile(ctx, name, list_changed=True)


@request("RemoveProfile")
def remove_profile(ctx: Context, p: Params) -> None:
    name = p.string("profileName")
    if name not in _profile_names(ctx):
        raise RequestError(NOT_FOUND)
    if len(ctx.state.profiles) < 2:
        raise RequestError(NOT_ENOUGH_RESOURCES)
    if name == ctx.state.current_profile:
        other = next(n for n in _profile_names(ctx) if n != name)
        ctx.emit("CurrentProfileChanging", {"profileName": name})
        ctx.state.current_profile = other
        ctx.emit("CurrentProfileChanged", {"profileName": other})
    ctx.state.profiles = [prof for prof in ctx.state.profiles if prof.name != name]
    ctx.emit("ProfileListChanged", {"profiles": _profile_names(ctx)})


@request("GetProfileParameter")
def get_profile_parameter(ctx: Context, p: Params) -> dict[str, Any]:
    key = (p.string("parameterCategory"), p.string("parameterName"))
    return {
        "parameterValue": ctx.state.profile.parameters.get(key),
        "defaultParameterValue": PROFILE_DEFAULTS.get(key),
    }


@request("SetProfileParameter")
def set_profile_parameter(ctx: Context, p: Params) -> None:
    key = (p.string("parameterCategory"), p.string("parameterName"))
    params = ctx.state.profile.parameters
    if p.raw("parameterValue") is None:
        if key not in params:
            raise RequestError(
                NOT_FOUND, "There are no existing instances of that profile parameter."
            )
        del params[key]
        return
    params[key] = p.string("parameterValue", allow_empty=True)


def _video(ctx: Context, name: str) -> int:
    return int(ctx.state.profile.parameters.get(("Video", name), PROFILE_DEFAULTS[("Video", name)]))


@request("GetVideoSettings")
def get_video_settings(ctx: Context, p: Params) -> dict[str, Any]:
    return {
        "fpsNumerator": _video(ctx, "FPSNum"),
        "fpsDenominator": _video(ctx, "FPSDen"),
        "baseWidth": _video(ctx, "BaseCX"),
        "baseHeight": _video(ctx, "BaseCY"),
        "outputWidth": _video(ctx, "OutputCX"),
        "outputHeight": _video(ctx, "OutputCY"),
    }


@request("SetVideoSettings")
def set_video_settings(ctx: Context, p: Params) -> None:
    if ctx.outputs.any_active():
        raise RequestError(
            OUTPUT_RUNNING, "Video settings cannot be changed while an output is active."
        )
    params = ctx.state.profile.parameters
    pairs = (
        ("fpsNumerator", "fpsDenominator", "FPSNum", "FPSDen", 1, None),
        ("baseWidth", "baseHeight", "BaseCX", "BaseCY", 1, 4096),
        ("outputWidth", "outputHeight", "OutputCX", "OutputCY", 1, 4096),
    )
    updates: dict[tuple[str, str], str] = {}
    for first, second, key1, key2, low, high in pairs:
        if p.has(first) or p.has(second):
            updates[("Video", key1)] = str(p.integer(first, low, high))
            updates[("Video", key2)] = str(p.integer(second, low, high))
    if not updates:
        raise RequestError(300, "You must specify at least one video-changing pair.")
    if ("Video", "FPSNum") in updates:
        updates[("Video", "FPSType")] = "2"
    params.update(updates)


@request("GetStreamServiceSettings")
def get_stream_service_settings(ctx: Context, p: Params) -> dict[str, Any]:
    profile = ctx.state.profile
    return {
        "streamServiceType": profile.stream_service_type,
        "streamServiceSettings": dict(profile.stream_service_settings),
    }


@request("SetStreamServiceSettings")
def set_stream_service_settings(ctx: Context, p: Params) -> None:
    if ctx.outputs.stream.active:
        raise RequestError(
            OUTPUT_RUNNING, "You cannot change stream service settings while streaming."
        )
    service_type = p.string("streamServiceType")
    settings = p.obj("streamServiceSettings", allow_empty=False)
    profile = ctx.state.profile
    if service_type == profile.stream_service_type:
        profile.stream_service_settings.update(settings)
    else:
        profile.stream_service_type = service_type
        profile.stream_service_settings = dict(settings)


@request("GetRecordDirectory")
def get_record_directory(ctx: Context, p: Params) -> dict[str, Any]:
    return {"recordDirectory": ctx.state.record_directory}


@request("SetRecordDirectory", since="5.3.0")
def set_record_directory(ctx: Context, p: Params) -> None:
    if ctx.outputs.record.active:
        raise RequestError(OUTPUT_RUNNING)
    ctx.state.record_directory = p.string("recordDirectory")

"""Source requests: filters, activity and screenshots."""

from __future__ import annotations

import base64
import zlib
from typing import Any

from streamkit.simulator.images import solid_bmp, solid_jpeg, solid_png
from streamkit.simulator.kinds import AUDIO_FILTER_KINDS, FILTER_KINDS
from streamkit.simulator.params import (
    ALREADY_EXISTS,
    INVALID_FIELD,
    INVALID_FILTER_KIND,
    NOT_FOUND,
    REQUEST_PROCESSING_FAILED,
    Params,
    RequestError,
)
from streamkit.simulator.registry import Context, find_source, request
from streamkit.simulator.state import Filter, Input, Scene, SimState, Source

IMAGE_MAKERS = {"bmp": solid_bmp, "jpeg": solid_jpeg, "jpg": solid_jpeg, "png": solid_png}
INVALID_FILTER_COMMENT = (
    "Your specified filter kind is not supported by OBS. Check that any necessary plugins are "
    "loaded."
)


def _filter_json(source: Source, f: Filter) -> dict[str, Any]:
    return {
        "filterEnabled": f.enabled,
        "filterIndex": source.filters.index(f),
        "filterKind": f.kind,
        "filterName": f.name,
        "filterSettings": dict(f.settings),
    }


def _find_filter(ctx: Context, p: Params) -> tuple[Source, Filter]:
    source = find_source(ctx, p)
    name = p.string("filterName")
    found = source.find_filter(name)
    if found is None:
        raise RequestError(
            NOT_FOUND, f"No filter was found in the source `{source.name}` with the name `{name}`."
        )
    return source, found


@request("GetSourceFilterKindList", since="5.4.0")
def get_source_filter_kind_list(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sourceFilterKinds": sorted(FILTER_KINDS)}


@request("GetSourceFilterList")
def get_source_filter_list(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_source(ctx, p)
    return {"filters": [_filter_json(source, f) for f in source.filters]}


@request("GetSourceFilterDefaultSettings")
def get_source_filter_default_settings(ctx: Context, p: Params) -> dict[str, Any]:
    kind = p.string("filterKind")
    if kind not in FILTER_KINDS:
        raise RequestError(INVALID_FILTER_KIND)
    return {"defaultFilterSettings": dict(FILTER_KINDS[kind])}


@request("CreateSourceFilter")
def create_source_filter(ctx: Context, p: Params) -> None:
    source = find_source(ctx, p)
    name = p.string("filterName")
    if source.find_filter(name) is not None:
        raise RequestError(ALREADY_EXISTS, "A filter already exists by that name.")
    kind = p.string("filterKind")
    if kind not in FILTER_KINDS:
        raise RequestError(INVALID_FILTER_KIND, INVALID_FILTER_COMMENT)
    settings = p.obj("filterSettings") if p.has("filterSettings") else {}
    if kind in AUDIO_FILTER_KINDS and not (isinstance(source, Input) and source.has_audio):
        return  # OBS answers success but does not attach an audio filter to a silent source
    new = Filter(name, kind, dict(settings))
    source.filters.append(new)
    ctx.emit(
        "SourceFilterCreated",
        {
            "sourceName": source.name,
            "filterName": name,
            "filterKind": kind,
            "filterIndex": len(source.filters) - 1,
            "filterSettings": dict(settings),
            "defaultFilterSettings": dict(FILTER_KINDS[kind]),
        },
    )


@request("RemoveSourceFilter")
def remove_source_filter(ctx: Context, p: Params) -> None:
    source, f = _find_filter(ctx, p)
    source.filters.remove(f)
    ctx.emit("SourceFilterRemoved", {"sourceName": source.name, "filterName": f.name})


@request("SetSourceFilterName")
def set_source_filter_name(ctx: Context, p: Params) -> None:
    source, f = _find_filter(ctx, p)
    new_name = p.string("newFilterName")
    if source.find_filter(new_name) is not None:
        raise RequestError(ALREADY_EXISTS, "A filter already exists by that new name.")
    old, f.name = f.name, new_name
    ctx.emit(
        "SourceFilterNameChanged",
        {"sourceName": source.name, "oldFilterName": old, "filterName": new_name},
    )


@request("GetSourceFilter")
def get_source_filter(ctx: Context, p: Params) -> dict[str, Any]:
    source, f = _find_filter(ctx, p)
    data = _filter_json(source, f)
    del data["filterName"]
    return data


@request("SetSourceFilterIndex")
def set_source_filter_index(ctx: Context, p: Params) -> None:
    source, f = _find_filter(ctx, p)
    index = min(p.integer("filterIndex", 0), len(source.filters) - 1)
    if source.filters.index(f) == index:
        return
    source.filters.remove(f)
    source.filters.insert(index, f)
    ctx.emit(
        "SourceFilterListReindexed",
        {"sourceName": source.name, "filters": [_filter_json(source, x) for x in source.filters]},
    )


@request("SetSourceFilterSettings")
def set_source_filter_settings(ctx: Context, p: Params) -> None:
    _, f = _find_filter(ctx, p)
    settings = p.obj("filterSettings")
    if p.optional_bool("overlay", True):
        f.settings.update(settings)
    else:
        f.settings = dict(settings)
    # OBS 32 applies filter settings without the "update" signal: no SourceFilterSettingsChanged.


@request("SetSourceFilterEnabled")
def set_source_filter_enabled(ctx: Context, p: Params) -> None:
    source, f = _find_filter(ctx, p)
    enabled = p.boolean("filterEnabled")
    if f.enabled != enabled:
        f.enabled = enabled
        ctx.emit(
            "SourceFilterEnableStateChanged",
            {"sourceName": source.name, "filterName": f.name, "filterEnabled": enabled},
        )


def _visible_in(state: SimState, scene_name: str, source: Source, depth: int = 0) -> bool:
    scene = state.collection.scene(scene_name)
    if scene is None or depth > 10:
        return False
    if scene is source:
        return True
    for item in scene.items:
        if not item.enabled:
            continue
        if item.source is source:
            return True
        if isinstance(item.source, Scene) and _visible_in(
            state, item.source.name, source, depth + 1
        ):
            return True
    return False


@request("GetSourceActive")
def get_source_active(ctx: Context, p: Params) -> dict[str, Any]:
    source = find_source(ctx, p)
    coll = ctx.state.collection
    active = _visible_in(ctx.state, coll.program, source)
    showing = active or (ctx.state.studio_mode and _visible_in(ctx.state, coll.preview, source))
    return {"videoActive": active, "videoShowing": showing}


def _colour_of(source: Source) -> tuple[int, int, int]:
    if isinstance(source, Input) and source.kind == "color_source_v3":
        abgr = int(source.settings.get("color", 4291940817))
        return abgr & 0xFF, (abgr >> 8) & 0xFF, (abgr >> 16) & 0xFF
    shade = 40 + zlib.crc32(source.name.encode()) % 120
    return shade, shade, shade


@request("GetSourceScreenshot")
def get_source_screenshot(ctx: Context, p: Params) -> dict[str, Any]:
    image_format, image = render_screenshot(ctx, p)
    data = base64.b64encode(image).decode()
    return {"imageData": f"data:image/{image_format};base64,{data}"}


def render_screenshot(ctx: Context, p: Params) -> tuple[str, bytes]:
    """(format, image) of the source as GetSourceScreenshot/SaveSourceScreenshot ask for it."""
    source = find_source(ctx, p)
    image_format = p.string("imageFormat")
    if image_format not in IMAGE_MAKERS:
        raise RequestError(
            INVALID_FIELD, "Your specified image format is invalid or not supported by this system."
        )
    natural_w, natural_h = source.size if isinstance(source, Input) else (1920.0, 1080.0)
    natural_w, natural_h = max(natural_w, 8.0), max(natural_h, 8.0)
    width = p.integer("imageWidth", 8, 4096) if p.has("imageWidth") else None
    height = p.integer("imageHeight", 8, 4096) if p.has("imageHeight") else None
    if width is None and height is None:
        width, height = int(natural_w), int(natural_h)
    elif height is None:  # one side given: OBS keeps the aspect ratio
        height = max(1, round(width * natural_h / natural_w))
    elif width is None:
        width = max(1, round(height * natural_w / natural_h))
    if p.has("imageCompressionQuality"):
        p.integer("imageCompressionQuality", -1, 100)
    if isinstance(source, Input) and not source.has_video:
        raise RequestError(REQUEST_PROCESSING_FAILED, "Failed to render screenshot.")
    return image_format, IMAGE_MAKERS[image_format](width, height, _colour_of(source))

"""Scene-item requests: listing, creation, transform, visibility, lock and order."""

from __future__ import annotations

from typing import Any, get_args

from streamkit.collection.model import BoundsType
from streamkit.simulator.params import (
    CANNOT_ACT,
    INVALID_FIELD,
    INVALID_RESOURCE_TYPE,
    NOT_FOUND,
    OUT_OF_RANGE,
    Params,
    RequestError,
)
from streamkit.simulator.registry import Context, find_item, find_scene, find_source, request
from streamkit.simulator.req_inputs import f32
from streamkit.simulator.state import Input, Scene, SceneItem

BOUNDS_TYPES: tuple[str, ...] = get_args(BoundsType)
BLEND_MODES = (
    "OBS_BLEND_NORMAL",
    "OBS_BLEND_ADDITIVE",
    "OBS_BLEND_SUBTRACT",
    "OBS_BLEND_SCREEN",
    "OBS_BLEND_MULTIPLY",
    "OBS_BLEND_LIGHTEN",
    "OBS_BLEND_DARKEN",
)
# Settable transform fields in the order obs-websocket reads them, with its ranges (None: none).
_TRANSFORM_RANGES: tuple[tuple[str, float | None, float | None], ...] = (
    ("positionX", -90001.0, 90001.0),
    ("positionY", -90001.0, 90001.0),
    ("rotation", -360.0, 360.0),
    ("scaleX", None, None),
    ("scaleY", -90001.0, 90001.0),
    ("alignment", 0, 2**32 - 1),
    ("boundsType", None, None),
    ("boundsAlignment", 0, 2**32 - 1),
    ("boundsWidth", 1.0, 90001.0),
    ("boundsHeight", 1.0, 90001.0),
    ("cropLeft", 0.0, 100000.0),
    ("cropRight", 0.0, 100000.0),
    ("cropTop", 0.0, 100000.0),
    ("cropBottom", 0.0, 100000.0),
)
_INT_TRANSFORM = ("alignment", "boundsAlignment", "cropLeft", "cropRight", "cropTop", "cropBottom")


def _item_json(scene: Scene, item: SceneItem) -> dict[str, Any]:
    source = item.source
    is_input = isinstance(source, Input)
    return {
        "inputKind": source.kind if is_input else None,
        "isGroup": None if is_input else source.is_group,
        "sceneItemBlendMode": item.blend_mode,
        "sceneItemEnabled": item.enabled,
        "sceneItemId": item.id,
        "sceneItemIndex": scene.items.index(item),
        "sceneItemLocked": item.locked,
        "sceneItemTransform": dict(item.transform),
        "sourceName": source.name,
        "sourceType": "OBS_SOURCE_TYPE_INPUT" if is_input else "OBS_SOURCE_TYPE_SCENE",
        "sourceUuid": source.uuid,
    }


def _scene_ref(scene: Scene, item: SceneItem) -> dict[str, Any]:
    return {"sceneName": scene.name, "sceneUuid": scene.uuid, "sceneItemId": item.id}


@request("GetSceneItemList")
def get_scene_item_list(ctx: Context, p: Params) -> dict[str, Any]:
    scene = find_scene(ctx, p)
    return {"sceneItems": [_item_json(scene, item) for item in scene.items]}


@request("GetGroupSceneItemList")
def get_group_scene_item_list(ctx: Context, p: Params) -> dict[str, Any]:
    group = find_scene(ctx, p, "group")
    return {"sceneItems": [_item_json(group, item) for item in group.items]}


@request("GetSceneItemId")
def get_scene_item_id(ctx: Context, p: Params) -> dict[str, Any]:
    scene = find_scene(ctx, p, "either")
    name = p.string("sourceName")
    offset = p.integer("searchOffset", -1) if p.has("searchOffset") else 0
    matches = [i for i in scene.items if i.source.name == name]
    if offset == -1 and matches:
        return {"sceneItemId": matches[-1].id}
    if 0 <= offset < len(matches):
        return {"sceneItemId": matches[offset].id}
    raise RequestError(
        NOT_FOUND, "No scene items were found in the specified scene by that name or offset."
    )


@request("GetSceneItemSource", since="5.4.0")
def get_scene_item_source(ctx: Context, p: Params) -> dict[str, Any]:
    _, item = find_item(ctx, p, "scene")
    return {"sourceName": item.source.name, "sourceUuid": item.source.uuid}


def _add_item(ctx: Context, scene: Scene, source: Any, enabled: bool) -> SceneItem:
    if source is scene:
        raise RequestError(CANNOT_ACT, "You cannot create scene item of a scene within itself.")
    item = scene.add_item(source, enabled)
    ctx.emit(
        "SceneItemCreated",
        {
            **_scene_ref(scene, item),
            "sourceName": source.name,
            "sourceUuid": source.uuid,
            "sceneItemIndex": len(scene.items) - 1,
        },
    )
    return item


@request("CreateSceneItem")
def create_scene_item(ctx: Context, p: Params) -> dict[str, Any]:
    scene = find_scene(ctx, p)
    source = find_source(ctx, p)
    item = _add_item(ctx, scene, source, p.optional_bool("sceneItemEnabled", True))
    return {"sceneItemId": item.id}


@request("DuplicateSceneItem")
def duplicate_scene_item(ctx: Context, p: Params) -> dict[str, Any]:
    scene, item = find_item(ctx, p, "scene")
    target = scene
    if p.has("destinationSceneName") or p.has("destinationSceneUuid"):
        dest = find_source(ctx, p, "destinationSceneName", "destinationSceneUuid")
        if not isinstance(dest, Scene):
            raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a scene.")
        target = dest
    copy = _add_item(ctx, target, item.source, item.enabled)
    copy.locked, copy.transform = item.locked, dict(item.transform)
    return {"sceneItemId": copy.id}


@request("RemoveSceneItem")
def remove_scene_item(ctx: Context, p: Params) -> None:
    scene, item = find_item(ctx, p, "scene")
    scene.items.remove(item)
    ctx.emit(
        "SceneItemRemoved",
        {**_scene_ref(scene, item), "sourceName": item.source.name, "sourceUuid": item.source.uuid},
    )


@request("GetSceneItemTransform")
def get_scene_item_transform(ctx: Context, p: Params) -> dict[str, Any]:
    _, item = find_item(ctx, p)
    return {"sceneItemTransform": dict(item.transform)}


@request("SetSceneItemTransform")
def set_scene_item_transform(ctx: Context, p: Params) -> None:
    """Validated field by field, in obs-websocket's order, ranges and wording; values are kept as
    OBS's 32-bit floats. A scale of 0 is accepted (the item then has no width)."""
    scene, item = find_item(ctx, p)
    changes = Params(p.obj("sceneItemTransform"))
    transform = dict(item.transform)
    changed = False
    for key, low, high in _TRANSFORM_RANGES:
        if not changes.has(key):
            continue
        changed = True
        if key == "boundsType":
            bounds = changes.string("boundsType", allow_empty=True)
            if bounds not in BOUNDS_TYPES:
                raise RequestError(INVALID_FIELD, "The field `boundsType` has an invalid value.")
            transform["boundsType"] = bounds
            continue
        if key in ("scaleX", "scaleY"):
            value = changes.number(key, low, high)
            size = transform["sourceWidth" if key == "scaleX" else "sourceHeight"]
            if not -90001.0 < f32(value) * size < 90001.0:
                raise RequestError(
                    OUT_OF_RANGE,
                    f"The field `{key}` is too small or large for the current source resolution.",
                )
        else:
            value = changes.number(key, low, high)
        transform[key] = int(value) if key in _INT_TRANSFORM else f32(value)
    if changes.has("cropToBounds"):
        transform["cropToBounds"] = changes.boolean("cropToBounds")
        changed = True
    if not changed:
        raise RequestError(CANNOT_ACT, "You have not provided any valid transform changes.")
    transform["width"] = f32(transform["sourceWidth"] * transform["scaleX"])
    transform["height"] = f32(transform["sourceHeight"] * transform["scaleY"])
    item.transform = transform
    ctx.emit(
        "SceneItemTransformChanged",
        {**_scene_ref(scene, item), "sceneItemTransform": dict(transform)},
    )


@request("GetSceneItemEnabled")
def get_scene_item_enabled(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sceneItemEnabled": find_item(ctx, p)[1].enabled}


@request("SetSceneItemEnabled")
def set_scene_item_enabled(ctx: Context, p: Params) -> None:
    scene, item = find_item(ctx, p)
    enabled = p.boolean("sceneItemEnabled")
    if item.enabled != enabled:
        item.enabled = enabled
        ctx.emit(
            "SceneItemEnableStateChanged", {**_scene_ref(scene, item), "sceneItemEnabled": enabled}
        )


@request("GetSceneItemLocked")
def get_scene_item_locked(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sceneItemLocked": find_item(ctx, p)[1].locked}


@request("SetSceneItemLocked")
def set_scene_item_locked(ctx: Context, p: Params) -> None:
    scene, item = find_item(ctx, p)
    locked = p.boolean("sceneItemLocked")
    if item.locked != locked:
        item.locked = locked
        ctx.emit(
            "SceneItemLockStateChanged", {**_scene_ref(scene, item), "sceneItemLocked": locked}
        )


@request("GetSceneItemIndex")
def get_scene_item_index(ctx: Context, p: Params) -> dict[str, Any]:
    scene, item = find_item(ctx, p)
    return {"sceneItemIndex": scene.items.index(item)}


@request("SetSceneItemIndex")
def set_scene_item_index(ctx: Context, p: Params) -> None:
    scene, item = find_item(ctx, p)
    index = min(p.integer("sceneItemIndex", 0), len(scene.items) - 1)
    if scene.items.index(item) == index:
        return
    scene.items.remove(item)
    scene.items.insert(index, item)
    ctx.emit(
        "SceneItemListReindexed",
        {
            "sceneName": scene.name,
            "sceneUuid": scene.uuid,
            "sceneItems": [
                {"sceneItemId": i.id, "sceneItemIndex": n} for n, i in enumerate(scene.items)
            ],
        },
    )


@request("GetSceneItemBlendMode")
def get_scene_item_blend_mode(ctx: Context, p: Params) -> dict[str, Any]:
    return {"sceneItemBlendMode": find_item(ctx, p)[1].blend_mode}


@request("SetSceneItemBlendMode")
def set_scene_item_blend_mode(ctx: Context, p: Params) -> None:
    _, item = find_item(ctx, p)
    mode = p.string("sceneItemBlendMode")
    if mode not in BLEND_MODES:
        raise RequestError(INVALID_FIELD, "The field sceneItemBlendMode has an invalid value.")
    item.blend_mode = mode

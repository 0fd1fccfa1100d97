"""The request registry of the simulator: handler signature, context, and source look-ups."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from streamkit.obs.canvas import MAIN_CANVAS_UUID
from streamkit.simulator.outputs import Outputs
from streamkit.simulator.params import (
    INVALID_RESOURCE_STATE,
    INVALID_RESOURCE_TYPE,
    MISSING_FIELD,
    NOT_FOUND,
    Params,
    RequestError,
)
from streamkit.simulator.state import Input, Scene, SceneItem, SimState, Source

OBS_VERSION = "32.2.2"
WEBSOCKET_VERSION = "5.7.4"
RPC_VERSION = 1
MAIN_CANVAS_NAME = "Main"  # OBS's main canvas (MAIN_CANVAS_UUID), the one every scene is in here


@dataclass
class Context:
    """What a request handler may touch: state, outputs, event emission, timers, its session."""

    state: SimState
    outputs: Outputs
    emit: Callable[[str, dict[str, Any] | None], None]
    later: Callable[[float, Callable[[], None]], None]
    spawn: Callable[[Coroutine[Any, Any, None]], None]
    session: dict[str, int] = field(default_factory=dict)
    execution_type: int = -1  # -1 = a plain request; 0/1/2 inside a RequestBatch
    sleep_seconds: float = 0.0  # set by Sleep; the batch runner waits that long


Handler = Callable[[Context, Params], dict[str, Any] | None]
HANDLERS: dict[str, Handler] = {}
SINCE: dict[str, str] = {}


def request(request_type: str, since: str = "5.0.0") -> Callable[[Handler], Handler]:
    """Register a handler for `request_type`, introduced in obs-websocket `since`."""

    def register(handler: Handler) -> Handler:
        HANDLERS[request_type] = handler
        SINCE[request_type] = since
        return handler

    return register


def find_source(
    ctx: Context, p: Params, name_key: str = "sourceName", uuid_key: str = "sourceUuid"
) -> Source:
    """The scene or input the request names, as obs-websocket 5.7 acquires it: the UUID wins
    over the name; a name is looked up in the canvas `canvasUuid` (the main one by default)."""
    source_uuid = p.optional_string(uuid_key)
    coll = ctx.state.collection
    if source_uuid is not None:
        source = coll.source_by_uuid(source_uuid)
        if source is None:
            raise RequestError(NOT_FOUND, f"No source was found by the UUID of `{source_uuid}`.")
        return source
    name = p.optional_string(name_key)
    if name is None:
        raise RequestError(
            MISSING_FIELD,
            "Your request must contain at least one of the following fields: "
            f"`{name_key}` with optional `canvasUuid` or `{uuid_key}`.",
        )
    require_main_canvas(p)
    source = coll.source(name)
    if source is None:
        raise RequestError(
            NOT_FOUND,
            f"No source was found by the name of `{name}` within the canvas `{MAIN_CANVAS_NAME}`.",
        )
    return source


def require_main_canvas(p: Params) -> None:
    """A `canvasUuid` names the main canvas, the only one here (obs-websocket 5.7: 600)."""
    canvas = p.optional_string("canvasUuid")
    if canvas is not None and canvas != MAIN_CANVAS_UUID:
        raise RequestError(NOT_FOUND, f"No canvas was found by the UUID of `{canvas}`.")


def find_scene(ctx: Context, p: Params, accept: str = "scene") -> Scene:
    """The scene named in the request; `accept` "group" wants a group, "either" takes both."""
    source = find_source(ctx, p, "sceneName", "sceneUuid")
    if not isinstance(source, Scene):
        raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a scene.")
    if source.is_group and accept == "scene":
        raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a scene. (Is group)")
    if not source.is_group and accept == "group":
        raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a group. (Is scene)")
    return source


def find_input(ctx: Context, p: Params) -> Input:
    source = find_source(ctx, p, "inputName", "inputUuid")
    if not isinstance(source, Input):
        raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not an input.")
    return source


def find_audio_input(ctx: Context, p: Params) -> Input:
    source = find_input(ctx, p)
    if not source.has_audio:
        raise RequestError(INVALID_RESOURCE_STATE, "The specified input does not support audio.")
    return source


def find_item(ctx: Context, p: Params, accept: str = "either") -> tuple[Scene, SceneItem]:
    """The scene item `sceneItemId` of the scene (or, for most item requests, group) named."""
    scene = find_scene(ctx, p, accept)
    item_id = p.integer("sceneItemId", 0)
    item = scene.find_item(item_id)
    if item is None:
        raise RequestError(
            NOT_FOUND, f"No scene items were found in scene `{scene.name}` with the ID `{item_id}`."
        )
    return scene, item


def scene_list(state: SimState) -> list[dict[str, Any]]:
    """Scenes as GetSceneList/SceneListChanged give them: bottom-up, index 0 last in OBS's list."""
    scenes = state.collection.scenes
    count = len(scenes)
    return [
        {"sceneIndex": count - 1 - i, "sceneName": s.name, "sceneUuid": s.uuid}
        for i, s in reversed(list(enumerate(scenes)))
    ]


def emit_scene_list_changed(ctx: Context) -> None:
    ctx.emit("SceneListChanged", {"scenes": scene_list(ctx.state)})

"""The request registry of the simulator: handler signature, context, and source look-ups."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from streamkit.simulator.outputs import Outputs
from streamkit.simulator.params import (
    INVALID_RESOURCE_STATE,
    INVALID_RESOURCE_TYPE,
    NOT_FOUND,
    Params,
    RequestError,
)
from streamkit.simulator.state import Input, Scene, SceneItem, SimState, Source

OBS_VERSION = "31.1.2"
WEBSOCKET_VERSION = "5.5.6"
RPC_VERSION = 1


@dataclass
class Context:
    """What a request handler may touch: state, outputs, event emission, timers, its session."""

    state: SimState
    outputs: Outputs
    emit: Callable[[str, dict[str, Any] | None], None]
    later: Callable[[float, Callable[[], None]], None]
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
    """The scene or input named (or UUID'd) in the request; 600 when there is none."""
    name, source_uuid = p.one_of(name_key, uuid_key)
    coll = ctx.state.collection
    if name is not None:
        source = coll.source(name)
        if source is None:
            raise RequestError(NOT_FOUND, f"No source was found by the name of `{name}`.")
        return source
    source = coll.source_by_uuid(source_uuid or "")
    if source is None:
        raise RequestError(NOT_FOUND, f"No source was found by the UUID of `{source_uuid}`.")
    return source


def find_scene(ctx: Context, p: Params) -> Scene:
    source = find_source(ctx, p, "sceneName", "sceneUuid")
    if not isinstance(source, Scene):
        raise RequestError(INVALID_RESOURCE_TYPE, "The specified source is not a scene.")
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


def find_item(ctx: Context, p: Params) -> tuple[Scene, SceneItem]:
    scene = find_scene(ctx, p)
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

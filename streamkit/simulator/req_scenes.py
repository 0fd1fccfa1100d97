"""Scene, studio-mode and transition requests."""

from __future__ import annotations

from typing import Any

from streamkit.simulator.kinds import TRANSITION_KINDS
from streamkit.simulator.params import (
    ALREADY_EXISTS,
    CANNOT_ACT,
    NOT_FOUND,
    STUDIO_MODE_NOT_ACTIVE,
    Params,
    RequestError,
)
from streamkit.simulator.registry import (
    Context,
    emit_scene_list_changed,
    find_scene,
    request,
    require_main_canvas,
    scene_list,
)
from streamkit.simulator.state import Scene, SceneCollection

APPLY_DELAY = 0.1  # seconds OBS takes to apply a preview change or a removal after answering


def _scene_ref(coll: SceneCollection, name: str) -> tuple[str, str]:
    scene = coll.scene(name)
    return name, scene.uuid if scene else ""


@request("GetSceneList")
def get_scene_list(ctx: Context, p: Params) -> dict[str, Any]:
    require_main_canvas(p)
    coll = ctx.state.collection
    program, program_uuid = _scene_ref(coll, coll.program)
    preview, preview_uuid = (
        _scene_ref(coll, coll.preview) if ctx.state.studio_mode else (None, None)
    )
    return {
        "currentProgramSceneName": program,
        "currentProgramSceneUuid": program_uuid,
        "currentPreviewSceneName": preview,
        "currentPreviewSceneUuid": preview_uuid,
        "scenes": scene_list(ctx.state),
    }


@request("GetGroupList")
def get_group_list(ctx: Context, p: Params) -> dict[str, Any]:
    require_main_canvas(p)
    return {"groups": [g.name for g in ctx.state.collection.groups]}


@request("GetCurrentProgramScene")
def get_current_program_scene(ctx: Context, p: Params) -> dict[str, Any]:
    name, scene_uuid = _scene_ref(ctx.state.collection, ctx.state.collection.program)
    return {
        "sceneName": name,
        "sceneUuid": scene_uuid,
        "currentProgramSceneName": name,
        "currentProgramSceneUuid": scene_uuid,
    }


def _transition_to(ctx: Context, scene: Scene) -> None:
    """Switch program to `scene` through the current transition, as OBS does: the program scene
    reads as `scene` at once, CurrentProgramSceneChanged fires when the transition ends, and a
    transition superseded by a newer switch ends without one."""
    coll = ctx.state.collection
    transition = coll.transition(coll.current_transition) or coll.transitions[0]
    ref = {"transitionName": transition.name, "transitionUuid": transition.uuid}
    now = ctx.outputs.now()
    if now < coll.transition_started + coll.transition_length:
        running = coll.transition(coll.current_transition) or transition
        ctx.emit(
            "SceneTransitionEnded",
            {"transitionName": running.name, "transitionUuid": running.uuid},
        )
    coll.transition_seq += 1
    seq = coll.transition_seq
    duration = 0.0 if transition.fixed else coll.transition_duration_ms / 1000.0
    coll.transition_started, coll.transition_length = now, duration
    ctx.emit("SceneTransitionStarted", dict(ref))
    coll.program = scene.name

    def finish() -> None:
        if coll.transition_seq != seq:
            return
        ctx.emit("SceneTransitionVideoEnded", dict(ref))
        if coll.scene(scene.name) is scene:
            ctx.emit(
                "CurrentProgramSceneChanged", {"sceneName": scene.name, "sceneUuid": scene.uuid}
            )
        ctx.emit("SceneTransitionEnded", dict(ref))

    ctx.later(duration, finish)


@request("SetCurrentProgramScene")
def set_current_program_scene(ctx: Context, p: Params) -> None:
    scene = find_scene(ctx, p)
    if scene.name != ctx.state.collection.program:  # selecting the program again does nothing
        _transition_to(ctx, scene)


def _require_studio_mode(ctx: Context) -> None:
    if not ctx.state.studio_mode:
        raise RequestError(STUDIO_MODE_NOT_ACTIVE)


@request("GetCurrentPreviewScene")
def get_current_preview_scene(ctx: Context, p: Params) -> dict[str, Any]:
    _require_studio_mode(ctx)
    name, scene_uuid = _scene_ref(ctx.state.collection, ctx.state.collection.preview)
    return {
        "sceneName": name,
        "sceneUuid": scene_uuid,
        "currentPreviewSceneName": name,
        "currentPreviewSceneUuid": scene_uuid,
    }


def _set_preview(ctx: Context, scene: Scene) -> None:
    """OBS sets the preview on its UI thread: it reads as changed a moment after the answer."""
    coll = ctx.state.collection

    def apply() -> None:
        if coll.scene(scene.name) is not scene or not ctx.state.studio_mode:
            return
        coll.preview = scene.name
        ctx.emit("CurrentPreviewSceneChanged", {"sceneName": scene.name, "sceneUuid": scene.uuid})

    ctx.later(APPLY_DELAY, apply)


@request("SetCurrentPreviewScene")
def set_current_preview_scene(ctx: Context, p: Params) -> None:
    _require_studio_mode(ctx)
    _set_preview(ctx, find_scene(ctx, p))


@request("CreateScene")
def create_scene(ctx: Context, p: Params) -> dict[str, Any]:
    name = p.string("sceneName")
    require_main_canvas(p)
    coll = ctx.state.collection
    if coll.source(name) is not None:
        raise RequestError(ALREADY_EXISTS, "A source already exists by that scene name.")
    current = coll.preview if ctx.state.studio_mode else coll.program
    scene = coll.add_scene(name, below=current)
    emit_scene_list_changed(ctx)
    ctx.emit("SceneCreated", {"sceneName": name, "sceneUuid": scene.uuid, "isGroup": False})
    return {"sceneUuid": scene.uuid}


@request("RemoveScene")
def remove_scene(ctx: Context, p: Params) -> None:
    scene = find_scene(ctx, p)
    coll = ctx.state.collection
    if len(coll.scenes) == 1:
        raise RequestError(CANNOT_ACT, "You cannot remove the last scene of the collection.")
    ctx.later(APPLY_DELAY, lambda: _remove_scene_now(ctx, coll, scene))


def _remove_scene_now(ctx: Context, coll: SceneCollection, scene: Scene) -> None:
    """What OBS does a moment after RemoveScene answers: items of the scene go, then the scene;
    a program scene hands over to the scene below it (SceneRemoved first)."""
    if scene not in coll.scenes or len(coll.scenes) == 1:
        return
    for other in coll.scenes:
        for item in [i for i in other.items if i.source is scene]:
            other.items.remove(item)
            ctx.emit(
                "SceneItemRemoved",
                {
                    "sceneName": other.name,
                    "sceneUuid": other.uuid,
                    "sourceName": scene.name,
                    "sourceUuid": scene.uuid,
                    "sceneItemId": item.id,
                },
            )
    index = coll.scenes.index(scene)
    coll.scenes.remove(scene)
    ctx.emit("SceneRemoved", {"sceneName": scene.name, "sceneUuid": scene.uuid, "isGroup": False})
    below = coll.scenes[min(index, len(coll.scenes) - 1)]
    if coll.program == scene.name:
        coll.program = below.name
        ctx.emit("CurrentProgramSceneChanged", {"sceneName": below.name, "sceneUuid": below.uuid})
    if coll.preview == scene.name:
        coll.preview = coll.program
        if ctx.state.studio_mode:
            program = coll.scene(coll.program)
            ctx.emit(
                "CurrentPreviewSceneChanged",
                {"sceneName": coll.program, "sceneUuid": program.uuid if program else ""},
            )
    emit_scene_list_changed(ctx)


@request("SetSceneName")
def set_scene_name(ctx: Context, p: Params) -> None:
    scene = find_scene(ctx, p)
    new_name = p.string("newSceneName")
    coll = ctx.state.collection
    if coll.source(new_name) is not None:
        raise RequestError(ALREADY_EXISTS, "A source already exists by that new scene name.")
    old_name, scene.name = scene.name, new_name
    if coll.program == old_name:
        coll.program = new_name
    if coll.preview == old_name:
        coll.preview = new_name
    ctx.emit(
        "SceneNameChanged",
        {"sceneUuid": scene.uuid, "oldSceneName": old_name, "sceneName": new_name},
    )


@request("GetStudioModeEnabled")
def get_studio_mode_enabled(ctx: Context, p: Params) -> dict[str, Any]:
    return {"studioModeEnabled": ctx.state.studio_mode}


@request("SetStudioModeEnabled")
def set_studio_mode_enabled(ctx: Context, p: Params) -> None:
    enabled = p.boolean("studioModeEnabled")
    if enabled == ctx.state.studio_mode:
        return
    ctx.state.studio_mode = enabled
    if enabled:
        ctx.state.collection.preview = ctx.state.collection.program
    ctx.emit("StudioModeStateChanged", {"studioModeEnabled": enabled})


@request("TriggerStudioModeTransition")
def trigger_studio_mode_transition(ctx: Context, p: Params) -> None:
    _require_studio_mode(ctx)
    coll = ctx.state.collection
    old_program = coll.scene(coll.program)
    target = coll.scene(coll.preview)
    if target is None or old_program is None:
        raise RequestError(NOT_FOUND, "No preview scene is set.")
    _transition_to(ctx, target)
    _set_preview(ctx, old_program)  # OBS swaps preview and program by default


@request("GetTransitionKindList")
def get_transition_kind_list(ctx: Context, p: Params) -> dict[str, Any]:
    return {"transitionKinds": list(TRANSITION_KINDS)}


@request("GetSceneTransitionList")
def get_scene_transition_list(ctx: Context, p: Params) -> dict[str, Any]:
    coll = ctx.state.collection
    current = coll.transition(coll.current_transition)
    return {
        "currentSceneTransitionName": current.name if current else None,
        "currentSceneTransitionUuid": current.uuid if current else None,
        "currentSceneTransitionKind": current.kind if current else None,
        "transitions": [
            {
                "transitionName": t.name,
                "transitionUuid": t.uuid,
                "transitionKind": t.kind,
                "transitionFixed": t.fixed,
                "transitionConfigurable": t.configurable,
            }
            for t in coll.transitions
        ],
    }


@request("GetCurrentSceneTransition")
def get_current_scene_transition(ctx: Context, p: Params) -> dict[str, Any]:
    coll = ctx.state.collection
    t = coll.transition(coll.current_transition) or coll.transitions[0]
    return {
        "transitionName": t.name,
        "transitionUuid": t.uuid,
        "transitionKind": t.kind,
        "transitionFixed": t.fixed,
        "transitionDuration": None if t.fixed else coll.transition_duration_ms,
        "transitionConfigurable": t.configurable,
        "transitionSettings": t.settings,
    }


@request("SetCurrentSceneTransition")
def set_current_scene_transition(ctx: Context, p: Params) -> None:
    name = p.string("transitionName")
    coll = ctx.state.collection
    transition = coll.transition(name)
    if transition is None:
        raise RequestError(NOT_FOUND, "No scene transition was found by that name.")

    def apply() -> None:  # on OBS's UI thread, a moment after the answer
        if coll.current_transition != name:
            coll.current_transition = name
            ctx.emit(
                "CurrentSceneTransitionChanged",
                {"transitionName": name, "transitionUuid": transition.uuid},
            )

    ctx.later(APPLY_DELAY, apply)


@request("SetCurrentSceneTransitionDuration")
def set_current_scene_transition_duration(ctx: Context, p: Params) -> None:
    duration = p.integer("transitionDuration", 50, 20000)
    coll = ctx.state.collection

    def apply() -> None:  # on OBS's UI thread, a moment after the answer
        if coll.transition_duration_ms != duration:
            coll.transition_duration_ms = duration
            ctx.emit("CurrentSceneTransitionDurationChanged", {"transitionDuration": duration})

    ctx.later(APPLY_DELAY, apply)


@request("GetCurrentSceneTransitionCursor")
def get_current_scene_transition_cursor(ctx: Context, p: Params) -> dict[str, Any]:
    coll = ctx.state.collection
    elapsed = ctx.outputs.now() - coll.transition_started
    done = 1.0 if coll.transition_length <= 0 else min(1.0, elapsed / coll.transition_length)
    return {"transitionCursor": done}

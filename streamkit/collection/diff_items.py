"""The scene-item part of the diff: which items to create, move, show, hide, lock or transform."""

from __future__ import annotations

from typing import Any

from streamkit.collection.model import Scene, SceneItem
from streamkit.collection.plan import Change, Plan, Slot, Step, differences, same
from streamkit.obs.types import Request


def diff_items(
    plan: Plan,
    scene: Scene,
    live_scene: Scene | None,
    live_ids: list[int],
    placed: dict[str, Slot],
    skipped: set[str],
) -> None:
    """Match items by source and occurrence; create the missing, then set transform, state
    and order. Live items the file does not list are recorded in `plan.extra_items`."""
    live_items = list(zip(live_scene.items, live_ids, strict=True)) if live_scene else []
    pool: dict[str, list[tuple[SceneItem, int]]] = {}
    for item, item_id in live_items:
        pool.setdefault(item.source, []).append((item, item_id))
    matched: list[tuple[Slot, SceneItem, SceneItem | None]] = []
    for index, item in enumerate(scene.items):
        if item.source in skipped:
            continue
        slot = Slot(scene.name, index)
        if pool.get(item.source):
            have, item_id = pool[item.source].pop(0)
            plan.known_ids[slot] = item_id
            matched.append((slot, item, have))
            continue
        matched.append((slot, item, None))
        plan.changes.append(Change("create", f"item {item.source!r} in scene {scene.name!r}"))
        if placed.get(item.source) != slot:  # CreateInput makes the input's first item
            plan.first.append(
                Step(
                    Request(
                        "CreateSceneItem",
                        {
                            "sceneName": scene.name,
                            "sourceName": item.source,
                            "sceneItemEnabled": item.enabled,
                        },
                    ),
                    creates=slot,
                )
            )
    for slot, item, have in matched:
        item_state(plan, scene.name, slot, item, have)
    extras = [item_id for items in pool.values() for _, item_id in items]
    plan.extra_items += [(scene.name, item_id) for item_id in extras]
    kept = [plan.known_ids[slot] for slot, _, have in matched if have is not None]
    live_order = [item_id for _, item_id in live_items if item_id in set(kept)]
    created = any(have is None for _, _, have in matched)
    if kept != live_order:
        plan.changes.append(Change("update", f"item order in scene {scene.name!r}"))
    if created or kept != live_order:
        for position, (slot, _, _) in enumerate(matched, start=len(extras)):
            plan.second.append(
                Step(
                    Request(
                        "SetSceneItemIndex", {"sceneName": scene.name, "sceneItemIndex": position}
                    ),
                    slot=slot,
                )
            )


def item_state(plan: Plan, scene: str, slot: Slot, item: SceneItem, have: SceneItem | None) -> None:
    target = f"item {item.source!r} in scene {scene!r}"
    want_t, have_t = item.transform.model_dump(), (have.transform.model_dump() if have else None)
    if have_t is None or not same(want_t, have_t):
        if have is not None:
            plan.changes.append(
                Change(
                    "update", target, "transform " + "; ".join(differences(want_t, have_t or {}))
                )
            )
        if have is not None or want_t != SceneItem(source="x").transform.model_dump():
            plan.second.append(
                Step(
                    Request(
                        "SetSceneItemTransform",
                        {"sceneName": scene, "sceneItemTransform": sendable(want_t)},
                    ),
                    slot=slot,
                )
            )
    if have is not None and item.enabled != have.enabled:
        plan.changes.append(Change("update", target, f"enabled -> {item.enabled}"))
        plan.second.append(
            Step(
                Request(
                    "SetSceneItemEnabled", {"sceneName": scene, "sceneItemEnabled": item.enabled}
                ),
                slot=slot,
            )
        )
    if item.locked != (have.locked if have else False):
        if have is not None:
            plan.changes.append(Change("update", target, f"locked -> {item.locked}"))
        plan.second.append(
            Step(
                Request("SetSceneItemLocked", {"sceneName": scene, "sceneItemLocked": item.locked}),
                slot=slot,
            )
        )


def sendable(transform: dict[str, Any]) -> dict[str, Any]:
    """obs-websocket rejects bounds sizes below 1 even when bounds are off; OBS keeps 0."""
    return {
        k: v for k, v in transform.items() if not (k in ("boundsWidth", "boundsHeight") and v < 1)
    }

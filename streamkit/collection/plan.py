"""Desired collection vs live OBS -> an ordered list of requests, printable before it is run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from streamkit.collection.kinds import unversioned_kind
from streamkit.collection.live import LiveState
from streamkit.collection.model import Collection, Filter, Input, Scene, SceneItem
from streamkit.obs.types import Request
from streamkit.sensitive import is_secret_key, mask

Action = Literal["create", "update", "remove"]


@dataclass(frozen=True)
class Slot:
    """A scene item by scene and position (bottom first); its OBS id is known after phase one."""

    scene: str
    index: int


@dataclass
class Change:
    action: Action
    target: str
    detail: str = ""

    def line(self) -> str:
        mark = {"create": "+", "update": "~", "remove": "-"}[self.action]
        return f"{mark} {self.target}" + (f": {self.detail}" if self.detail else "")


@dataclass
class Step:
    """One request of the plan. `creates` names the item slot a create request fills;
    `slot` marks a request that needs that item's OBS id (filled in after phase one)."""

    request: Request
    creates: Slot | None = None
    slot: Slot | None = None


@dataclass
class Plan:
    collection: str
    changes: list[Change] = field(default_factory=list)
    first: list[Step] = field(default_factory=list)  # scenes, inputs, filters, audio, items
    second: list[Step] = field(default_factory=list)  # item transforms, state, order; removals
    notes: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    known_ids: dict[Slot, int] = field(default_factory=dict)  # items that exist already
    extra_items: list[tuple[str, int]] = field(default_factory=list)  # (scene, id) not in file

    @property
    def empty(self) -> bool:
        return not self.changes

    def summary(self) -> str:
        counts = Counter(c.action for c in self.changes)
        if not self.changes:
            return f"collection {self.collection!r}: no changes"
        parts = [f"{counts[a]} to {a}" for a in ("create", "update", "remove") if counts[a]]
        return f"collection {self.collection!r}: {len(self.changes)} change(s) ({', '.join(parts)})"

    def lines(self) -> list[str]:
        return (
            [c.line() for c in self.changes]
            + [f"! skipped: {s}" for s in self.skipped]
            + [f"note: {n}" for n in self.notes]
            + [self.summary()]
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "collection": self.collection,
            "changes": [
                {"action": c.action, "target": c.target, "detail": c.detail} for c in self.changes
            ],
            "skipped": self.skipped,
            "notes": self.notes,
            "requests": [_step_dict(s) for s in [*self.first, *self.second]],
        }


def _step_dict(step: Step) -> dict[str, Any]:
    data = dict(step.request.data or {})
    if step.slot is not None:
        data["sceneItemId"] = {"scene": step.slot.scene, "position": step.slot.index}
    return {"requestType": step.request.request_type, "requestData": redact(data)}


def redact(value: Any, key: str = "") -> Any:
    """Settings as safe to print: values of secret-looking keys and URL secrets masked."""
    if isinstance(value, str) and value and is_secret_key(key):
        return "***"
    return mask(value, key)


def same(a: Any, b: Any) -> bool:
    """Equal as OBS stores them: numbers compared with a tolerance, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-4)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b


def differences(desired: dict[str, Any], live: dict[str, Any], prefix: str = "") -> list[str]:
    """Readable `key: old -> new` lines (secret-looking values masked)."""
    out = []
    for key in sorted(set(desired) | set(live)):
        want, have = desired.get(key), live.get(key)
        if same(want, have):
            continue
        if isinstance(want, dict) and isinstance(have, dict):
            out += differences(want, have, f"{prefix}{key}.")
            continue
        out.append(f"{prefix}{key} {_show(have, key)} -> {_show(want, key)}")
    return out


def _show(value: Any, key: str) -> str:
    if value is None:
        return "(unset)"
    text = repr(redact(value, key))
    return text if len(text) <= 40 else text[:37] + "..."


def plan_changes(
    desired: Collection,
    live: LiveState,
    *,
    prune: bool,
    kinds: dict[str, str],
    skip: Iterable[str] = (),
) -> Plan:
    """The requests that make `live` match `desired`.

    `kinds` maps each desired input's kind to the versioned kind this OBS offers (preflight);
    inputs named in `skip` are left out, with the items that show them.
    """
    skipped = set(skip)
    plan = Plan(desired.name, skipped=[f"input {n!r}" for n in sorted(skipped)])
    groups = {g.name for g in desired.groups}
    shown = {i.source for s in desired.scenes for i in s.items if i.source not in groups}
    for entry in desired.inputs:
        if entry.name not in shown and entry.name not in skipped and entry.channel is None:
            skipped.add(entry.name)
            plan.skipped.append(
                f"input {entry.name!r} is in no scene (obs-websocket cannot "
                "keep an input outside a scene; --install keeps it)"
            )
    have = live.collection
    live_scenes = {s.name: s for s in have.scenes}
    live_inputs = {i.name: i for i in have.inputs}
    wanted_inputs = [i for i in desired.inputs if i.name not in skipped and i.channel is None]
    for entry in desired.inputs:
        if entry.channel is not None:
            plan.notes.append(
                f"input {entry.name!r} is a global audio device (channel "
                f"{entry.channel}): set it in OBS's Settings > Audio"
            )
    if desired.groups:
        plan.notes.append(
            "groups cannot be created over obs-websocket: "
            f"{', '.join(g.name for g in desired.groups)} (use --install)"
        )

    for scene in desired.scenes:
        if scene.name not in live_scenes:
            plan.changes.append(Change("create", f"scene {scene.name!r}"))
            plan.first.append(Step(Request("CreateScene", {"sceneName": scene.name})))
    placed = _first_placements(
        desired, {i.name for i in wanted_inputs if i.name not in live_inputs}
    )
    for entry in wanted_inputs:
        current = live_inputs.get(entry.name)
        if current is None:
            _create_input(plan, entry, kinds[entry.kind], placed[entry.name])
        else:
            _update_input(plan, entry, current)
    for scene in desired.scenes:
        _filters(plan, scene.name, "scene", scene.filters, _live_filters(live_scenes, scene.name))
        _items(
            plan,
            scene,
            live_scenes.get(scene.name),
            live.item_ids.get(scene.name, []),
            placed,
            skipped | groups,
        )
    _transition(plan, desired, live)
    if prune:
        _prune(plan, desired, live, skipped)
    elif plan.extra_items:
        plan.notes.append(
            f"{len(plan.extra_items)} scene item(s) in OBS are not in the file: "
            "kept (--prune removes them)"
        )
    if desired.current_scene and desired.current_scene != have.current_scene:
        plan.changes.append(
            Change(
                "update", "program scene", f"{have.current_scene!r} -> {desired.current_scene!r}"
            )
        )
        plan.second.append(
            Step(Request("SetCurrentProgramScene", {"sceneName": desired.current_scene}))
        )
    return plan


def _transition(plan: Plan, desired: Collection, live: LiveState) -> None:
    """The current transition and its duration (fixed transitions such as Cut have none)."""
    have = live.collection
    if desired.transition not in live.transitions:
        plan.skipped.append(
            f"transition {desired.transition!r} is not in this OBS (only "
            "Fade and Cut exist in a new collection; --install keeps others)"
        )
        return
    if desired.transition != have.transition:
        plan.changes.append(
            Change("update", "transition", f"{have.transition} -> {desired.transition}")
        )
        plan.first.append(
            Step(Request("SetCurrentSceneTransition", {"transitionName": desired.transition}))
        )
    fixed = live.transitions[desired.transition]
    if not fixed and desired.transition_duration != have.transition_duration:
        plan.changes.append(
            Change(
                "update",
                "transition duration",
                f"{have.transition_duration} -> {desired.transition_duration} ms",
            )
        )
        plan.first.append(
            Step(
                Request(
                    "SetCurrentSceneTransitionDuration",
                    {"transitionDuration": desired.transition_duration},
                )
            )
        )


def _first_placements(desired: Collection, inputs: set[str]) -> dict[str, Slot]:
    """Where CreateInput puts each input: its first item in scene order (it creates that item)."""
    placed: dict[str, Slot] = {}
    for scene in desired.scenes:
        for index, item in enumerate(scene.items):
            if item.source in inputs and item.source not in placed:
                placed[item.source] = Slot(scene.name, index)
    return placed


def _create_input(plan: Plan, entry: Input, kind: str, slot: Slot) -> None:
    """CreateInput also creates the input's first scene item (the `slot`)."""
    mapped = f" (as {kind})" if unversioned_kind(kind) != entry.kind else ""
    plan.changes.append(Change("create", f"input {entry.name!r}", f"{entry.kind}{mapped}"))
    plan.first.append(
        Step(
            Request(
                "CreateInput",
                {
                    "sceneName": slot.scene,
                    "inputName": entry.name,
                    "inputKind": kind,
                    "inputSettings": entry.settings,
                },
            ),
            creates=slot,
        )
    )
    _audio(plan, entry, Input(name=entry.name, kind=entry.kind), created=True)
    _filters(plan, entry.name, "input", entry.filters, [])


def _update_input(plan: Plan, entry: Input, current: Input) -> None:
    if not same(entry.settings, current.settings):
        detail = "; ".join(differences(entry.settings, current.settings, "settings."))
        plan.changes.append(Change("update", f"input {entry.name!r}", detail))
        plan.first.append(
            Step(
                Request(
                    "SetInputSettings",
                    {"inputName": entry.name, "inputSettings": entry.settings, "overlay": False},
                )
            )
        )
    _audio(plan, entry, current, created=False)
    _filters(plan, entry.name, "input", entry.filters, current.filters)


AUDIO_FIELDS = (
    ("volume", "SetInputVolume", "inputVolumeMul"),
    ("muted", "SetInputMute", "inputMuted"),
    ("monitoring", "SetInputAudioMonitorType", "monitorType"),
    ("balance", "SetInputAudioBalance", "inputAudioBalance"),
    ("sync_offset", "SetInputAudioSyncOffset", "inputAudioSyncOffset"),
)


def _audio(plan: Plan, entry: Input, current: Input, *, created: bool) -> None:
    changed = []
    for name, request, key in AUDIO_FIELDS:
        want, have = getattr(entry, name), getattr(current, name)
        if not same(want, have):
            changed.append(f"{name} {have!r} -> {want!r}")
            plan.first.append(Step(Request(request, {"inputName": entry.name, key: want})))
    if entry.tracks != current.tracks:
        changed.append("audio tracks")
        plan.first.append(
            Step(
                Request(
                    "SetInputAudioTracks",
                    {"inputName": entry.name, "inputAudioTracks": entry.audio_tracks()},
                )
            )
        )
    if changed and not created:
        plan.changes.append(Change("update", f"input {entry.name!r} audio", ", ".join(changed)))


def _live_filters(scenes: dict[str, Scene], name: str) -> list[Filter]:
    scene = scenes.get(name)
    return scene.filters if scene else []


def _filters(
    plan: Plan, owner: str, what: str, wanted: list[Filter], current: list[Filter]
) -> None:
    live = {f.name: f for f in current}
    for filt in wanted:
        target = f"filter {filt.name!r} on {what} {owner!r}"
        have = live.get(filt.name)
        if have is None:
            plan.changes.append(Change("create", target, filt.kind))
            plan.first.append(
                Step(
                    Request(
                        "CreateSourceFilter",
                        {
                            "sourceName": owner,
                            "filterName": filt.name,
                            "filterKind": filt.obs_versioned_kind,
                            "filterSettings": filt.settings,
                        },
                    )
                )
            )
            if not filt.enabled:
                plan.first.append(
                    Step(
                        Request(
                            "SetSourceFilterEnabled",
                            {"sourceName": owner, "filterName": filt.name, "filterEnabled": False},
                        )
                    )
                )
            continue
        if not same(filt.settings, have.settings):
            plan.changes.append(
                Change(
                    "update",
                    target,
                    "; ".join(differences(filt.settings, have.settings, "settings.")),
                )
            )
            plan.first.append(
                Step(
                    Request(
                        "SetSourceFilterSettings",
                        {
                            "sourceName": owner,
                            "filterName": filt.name,
                            "filterSettings": filt.settings,
                            "overlay": False,
                        },
                    )
                )
            )
        if filt.enabled != have.enabled:
            plan.changes.append(Change("update", target, f"enabled -> {filt.enabled}"))
            plan.first.append(
                Step(
                    Request(
                        "SetSourceFilterEnabled",
                        {
                            "sourceName": owner,
                            "filterName": filt.name,
                            "filterEnabled": filt.enabled,
                        },
                    )
                )
            )
    order = [f.name for f in wanted]
    after_creation = [f.name for f in current if f.name in order] + [
        name for name in order if name not in live
    ]
    if after_creation != order:
        if any(name in live for name in order):
            plan.changes.append(
                Change("update", f"filter order on {what} {owner!r}", " > ".join(order))
            )
        plan.first += [
            Step(
                Request(
                    "SetSourceFilterIndex",
                    {"sourceName": owner, "filterName": name, "filterIndex": index},
                )
            )
            for index, name in enumerate(order)
        ]


def _items(
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
        _item_state(plan, scene.name, slot, item, have)
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


def _item_state(
    plan: Plan, scene: str, slot: Slot, item: SceneItem, have: SceneItem | None
) -> None:
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
                        {"sceneName": scene, "sceneItemTransform": _sendable(want_t)},
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


def _sendable(transform: dict[str, Any]) -> dict[str, Any]:
    """obs-websocket rejects bounds sizes below 1 even when bounds are off; OBS keeps 0."""
    return {
        k: v for k, v in transform.items() if not (k in ("boundsWidth", "boundsHeight") and v < 1)
    }


def _prune(plan: Plan, desired: Collection, live: LiveState, skipped: set[str]) -> None:
    """Remove what OBS has beyond the file, except the global audio devices (obs-websocket
    could not create them again)."""
    have = live.collection
    wanted_scenes = {s.name for s in desired.scenes}
    wanted_inputs = {i.name for i in desired.inputs} | live.special
    for scene, item_id in plan.extra_items:
        if scene in wanted_scenes:
            plan.changes.append(Change("remove", f"item {item_id} in scene {scene!r}"))
            plan.second.append(
                Step(Request("RemoveSceneItem", {"sceneName": scene, "sceneItemId": item_id}))
            )
    for scene in have.scenes:
        if scene.name not in wanted_scenes:
            plan.changes.append(Change("remove", f"scene {scene.name!r}"))
            plan.second.append(Step(Request("RemoveScene", {"sceneName": scene.name})))
    for entry in have.inputs:
        if entry.name not in wanted_inputs and entry.name not in skipped:
            plan.changes.append(Change("remove", f"input {entry.name!r}"))
            plan.second.append(Step(Request("RemoveInput", {"inputName": entry.name})))

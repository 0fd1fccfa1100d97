"""Desired collection vs live OBS -> a Plan (an ordered list of requests); pure, no I/O."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from streamkit.collection.diff_items import diff_items
from streamkit.collection.kinds import unversioned_kind
from streamkit.collection.model import Collection, Filter, Input, Scene
from streamkit.collection.plan import (
    Change,
    LiveState,
    Plan,
    Slot,
    Step,
    differences,
    same,
)
from streamkit.obs.types import Request


def plan_changes(
    desired: Collection,
    live: LiveState,
    *,
    prune: bool,
    kinds: dict[str, str],
    skip: Iterable[str] = (),
    owned: Mapping[str, frozenset[str]] | None = None,
    set_program: bool = True,
) -> Plan:
    """The requests that make `live` match `desired`.

    `kinds` maps each desired input's kind to the versioned kind this OBS offers (preflight);
    inputs named in `skip` are left out, with the items that show them. `owned` names the
    settings the show writes while it runs (input -> keys): their live values are kept, not
    drift. The program scene is set only when `set_program` (a new collection): in a running
    one it is the operator's.
    """
    owned = owned or {}
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
    scenes = {scene.name: scene for scene in desired.scenes}
    placed = _first_placements(
        desired, {i.name for i in wanted_inputs if i.name not in live_inputs}
    )
    for entry in wanted_inputs:
        current = live_inputs.get(entry.name)
        if current is None:
            slot = placed[entry.name]
            first_item = scenes[slot.scene].items[slot.index]
            _create_input(plan, entry, kinds[entry.kind], slot, first_item.enabled)
        else:
            _update_input(plan, entry, current, owned.get(entry.name, frozenset()))
    for scene in desired.scenes:
        _filters(plan, scene.name, "scene", scene.filters, _live_filters(live_scenes, scene.name))
        diff_items(
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
    if set_program and desired.current_scene and desired.current_scene != have.current_scene:
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


def _create_input(plan: Plan, entry: Input, kind: str, slot: Slot, enabled: bool) -> None:
    """CreateInput also creates the input's first scene item (the `slot`), hidden or shown as
    that item is from the start: a hidden overlay never flashes on screen."""
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
                    "sceneItemEnabled": enabled,
                },
            ),
            creates=slot,
        )
    )
    _audio(plan, entry, Input(name=entry.name, kind=entry.kind), created=True)
    _filters(plan, entry.name, "input", entry.filters, [])


def _update_input(plan: Plan, entry: Input, current: Input, owned: frozenset[str]) -> None:
    """Settings the show owns keep their live values (SetInputSettings replaces them all)."""
    wanted = {k: v for k, v in entry.settings.items() if k not in owned}
    wanted |= {k: v for k, v in current.settings.items() if k in owned}
    if not same(wanted, current.settings):
        detail = "; ".join(differences(wanted, current.settings, "settings."))
        plan.changes.append(Change("update", f"input {entry.name!r}", detail))
        plan.first.append(
            Step(
                Request(
                    "SetInputSettings",
                    {"inputName": entry.name, "inputSettings": wanted, "overlay": False},
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

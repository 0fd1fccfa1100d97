"""What viewers see now, and which planned steps would change it (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Iterable

from streamkit.collection.model import Collection
from streamkit.collection.plan import Plan

# Steps that change only how OBS is operated, not the picture or the sound on air.
NOT_ON_AIR = {"SetSceneItemLocked", "CreateScene", "SetCurrentSceneTransition"}
NAME_FIELDS = ("inputName", "sourceName", "sceneName")


def on_program(live: Collection, program: str | None) -> set[str]:
    """The scenes and inputs program shows: the program scene and, through its enabled items,
    every nested scene, group and input."""
    containers = {s.name: s for s in [*live.scenes, *live.groups]}
    seen: set[str] = set()
    stack = [program] if program else []
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        container = containers.get(name)
        if container is not None:
            stack += [item.source for item in container.items if item.enabled]
    return seen


def touched(plan: Plan) -> list[str]:
    """The sources the plan's steps change, in plan order: inputs by name, and scenes whose
    items are created, moved, shown, hidden or removed."""
    names: list[str] = []
    for step in [*plan.first, *plan.second]:
        request = step.request
        if request.request_type in NOT_ON_AIR:
            continue
        for field in NAME_FIELDS:
            name = (request.data or {}).get(field)
            if isinstance(name, str) and name not in names:
                names.append(name)
    return names


def changes_on_air(plan: Plan, visible: Iterable[str]) -> list[str]:
    """The sources on program that the plan would change."""
    shown = set(visible)
    return [name for name in touched(plan) if name in shown]

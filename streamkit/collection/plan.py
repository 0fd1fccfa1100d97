"""A plan: the steps that take live OBS to the desired collection, printable before it is run.

Pure data (no I/O); `diff.plan_changes` computes one, `importer` runs it.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Literal

from streamkit.collection.model import Collection
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


@dataclass
class LiveState:
    """The running collection, and OBS's ids for its scene items (scene -> items, bottom first)."""

    collection: Collection
    item_ids: dict[str, list[int]]
    round_trips: int
    transitions: dict[str, bool] = field(default_factory=dict)  # name -> fixed duration
    special: set[str] = field(default_factory=set)  # global audio devices (Desktop Audio, ...)

"""Import a scene collection over obs-websocket: preflight, plan, apply in batches, verify."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from streamkit.collection.diff import plan_changes
from streamkit.collection.live import read_live
from streamkit.collection.model import Collection, Scene
from streamkit.collection.onair import changes_on_air, on_program
from streamkit.collection.plan import Change, LiveState, Plan, Slot, Step
from streamkit.collection.preflight import Unavailable, preflight, refuse_broken
from streamkit.collection.unmodeled import websocket_cannot_carry
from streamkit.collection.versions import (
    inserts_below_current,
    main_canvas_only,
    refuse_newer_file,
)
from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.obs.landed import switch_collection
from streamkit.obs.types import BatchResult, Request

DEFAULT_SCENE = "Scene"  # what OBS puts in a new collection
STEP_TIME = 0.25  # s a step of an apply batch may take, beyond the client's timeout
PREFLIGHT = [
    Request("GetVersion"),
    Request("GetInputKindList", {"unversioned": False}),
    Request("GetSceneCollectionList"),
    Request("GetStreamStatus"),
    Request("GetRecordStatus"),
]


@dataclass
class ImportReport:
    plan: Plan
    applied: int = 0
    round_trips: int = 0  # preflight, reads, the two apply batches, one verification read
    settle_polls: int = 0  # extra reads while OBS finishes a transition or a removal
    switched_from: str | None = None  # the collection OBS ran before the import switched
    created_collection: bool = False
    unavailable: list[Unavailable] = field(default_factory=list)


class ImportIncomplete(ObsError):
    """OBS refused a step: what was applied and what was not is in the message."""


Confirm = Callable[[Plan], bool]


class Importer:
    """Brings a running OBS to a collection file, idempotently."""

    def __init__(
        self,
        client: ObsClient,
        desired: Collection,
        *,
        prune: bool = False,
        skip_unavailable: bool = False,
        owned: Mapping[str, frozenset[str]] | None = None,
        force: bool = False,
    ) -> None:
        """`owned`: settings the show writes while it runs (input -> keys; see show.owned),
        kept as they are. `force`: change sources on program while OBS streams or records."""
        self.client = client
        self.desired, self._canvas_notes = main_canvas_only(desired)
        self.owned = dict(owned or {})
        self.force = force
        self._on_air: list[str] = []  # what program shows, while an output is live
        self.prune = prune
        self.skip_unavailable = skip_unavailable
        self.round_trips = 0
        self._kinds: dict[str, str] = {}
        self._current: str | None = None
        self._exists = False
        self._live_output = ""  # "streaming" or "recording" while an output is live
        self._obs_version = ""

    def plan(self) -> tuple[Plan, ImportReport]:
        """Preflight and plan, changing nothing. A collection that does not exist yet is
        planned in full against what OBS puts in a new one; one that exists but is not
        active is planned as a switch (its content is compared once it is active)."""
        refuse_broken(self.desired)
        live, answers = read_live(self.client, prefix=PREFLIGHT, **self._names())
        self.round_trips += live.round_trips
        for answer in answers:
            if not answer.ok:
                raise answer.error()
        self._obs_version = str(answers[0].data.get("obsVersion", ""))
        refuse_newer_file(self.desired, self._obs_version)
        self._kinds, unavailable = preflight(self.desired, answers[1].data.get("inputKinds", []))
        report = ImportReport(Plan(self.desired.name), unavailable=unavailable)
        if unavailable and not self.skip_unavailable:
            raise UsageError(
                "this OBS lacks what the collection needs; nothing was changed:\n  "
                + "\n  ".join(u.describe() for u in unavailable),
                hint="install the plugin, or import with --install on the OBS machine (keeps "
                "those inputs with their settings), or --skip-unavailable to leave them out",
            )
        listing = answers[2].data
        streaming, recording = (bool(a.data.get("outputActive")) for a in answers[3:5])
        self._live_output = "streaming" if streaming else "recording" if recording else ""
        self._current = listing.get("currentSceneCollectionName")
        self._exists = self.desired.name in listing.get("sceneCollections", [])
        if self._current == self.desired.name:
            report.plan = self._plan_against(live, report, new=False)
            if self._live_output:
                self._on_air = changes_on_air(report.plan, self._shown_now(live))
                if self._on_air:
                    report.plan.notes.append(self._on_air_text())
        elif self._exists:
            report.plan = Plan(
                self.desired.name,
                [
                    Change(
                        "update",
                        f"collection {self.desired.name!r}",
                        "switch to it; its content is compared once it is active",
                    )
                ],
            )
        else:
            report.plan = self._plan_against(fresh_collection(self.desired.name), report, new=True)
            report.plan.changes.insert(0, Change("create", f"collection {self.desired.name!r}"))
        return report.plan, report

    def _plan_against(self, live: LiveState, report: ImportReport, *, new: bool) -> Plan:
        """`new`: the collection is (or will be) a new one, whose default scene is ours."""
        skip = [u.input for u in report.unavailable]
        plan = plan_changes(
            self.desired,
            live,
            prune=self.prune,
            kinds=self._kinds,
            skip=skip,
            owned=self.owned,
            set_program=new,
        )
        plan.notes += self._canvas_notes
        plan.skipped += [
            f"{what}: obs-websocket cannot set it (--install keeps it)"
            for what in websocket_cannot_carry(self.desired)
        ]
        if new:
            _drop_default_scene(plan, self.desired, live)
        return plan

    def _switch(self, report: ImportReport) -> Plan:
        """Create or activate the target collection, then plan against what it holds."""
        if self._live_output:
            raise UsageError(
                f"OBS is {self._live_output} with collection {self._current!r}: switching to "
                f"{self.desired.name!r} would change what viewers see",
                hint="stop the output first, or import into the live collection with --collection",
            )
        verb = "SetCurrentSceneCollection" if self._exists else "CreateSceneCollection"
        # OBS 32 answers before it has switched; reading meanwhile can keep the old collection's
        # sources alive, and OBS then stays "not ready" for good: read once it has switched
        switch_collection(self.client, verb, self.desired.name)
        live, _ = read_live(self.client, **self._names())
        self.round_trips += 1 + live.round_trips
        report.created_collection = not self._exists
        if report.created_collection:
            # OBS may still list the previous collection's inputs while it releases them: a
            # new collection holds only the global audio devices
            live.collection = live.collection.model_copy(
                update={"inputs": [i for i in live.collection.inputs if i.name in live.special]}
            )
        return self._plan_against(live, report, new=report.created_collection)

    def run(self, confirm: Confirm | None = None) -> ImportReport:
        """Plan, ask `confirm` before anything changes, apply, and verify by reading back."""
        plan, report = self.plan()
        if self._on_air and not self.force:
            raise UsageError(
                f"{self._on_air_text()}; nothing was changed",
                hint="switch program to a scene that does not show them, or stop the output, "
                "or pass --force to change them on air",
            )
        if plan.empty or (confirm is not None and not confirm(plan)):
            report.round_trips = self.round_trips
            return report
        if self._current != self.desired.name:
            plan = report.plan = self._switch(report)
            report.switched_from = self._current
            # an existing collection was planned as "switch to it": its content only now
            # shows; ask again before changing it
            if self._exists and not plan.empty and confirm is not None and not confirm(plan):
                report.round_trips = self.round_trips
                return report
        if not plan.empty:
            try:
                report.applied = self.apply(plan)
            except ImportIncomplete as exc:
                if report.created_collection:
                    self._leave_half_built(exc)
                raise
            leftover = self._verify(plan, report)
            if not leftover.empty:
                report.round_trips = self.round_trips
                raise ObsError(
                    "the import was applied, but OBS reads back differently:\n  "
                    + "\n  ".join(c.line() for c in leftover.changes),
                    hint="run the import again; if it persists, OBS changes these "
                    "values itself (report it with the collection file)",
                )
        report.round_trips = self.round_trips
        return report

    def _verify(self, plan: Plan, report: ImportReport) -> Plan:
        """Read back and plan again: nothing should be left. OBS applies a program-scene
        switch after its transition and removals a moment after answering: those get a
        little time to land."""
        deadline = time.monotonic() + self.desired.transition_duration / 1000 + 2
        removed = [
            (r.request_type, r.data or {})
            for r in (s.request for s in plan.second)
            if r.request_type in ("RemoveScene", "RemoveInput")
        ]
        first = True
        while True:
            again, _ = read_live(self.client, **self._names())
            if first:
                self.round_trips += again.round_trips
            else:
                report.settle_polls += again.round_trips
            first = False
            leftover = plan_changes(
                self.desired,
                again,
                prune=self.prune,
                kinds=_kinds_of(plan, self.desired),
                skip=[u.input for u in report.unavailable],
                owned=self.owned,
                set_program=report.created_collection,
            )
            lingering = _lingering(removed, again.collection)
            settling = lingering or any(c.target == "program scene" for c in leftover.changes)
            lasting = [c for c in leftover.changes if c.target != "program scene"]
            if not settling or lasting or time.monotonic() > deadline:
                leftover.changes += [Change("remove", t, "still there") for t in lingering]
                return leftover
            time.sleep(0.1)

    def apply(self, plan: Plan) -> int:
        """Run both phases; item ids created in the first fill the second. Returns steps run."""
        if inserts_below_current(self._obs_version):
            plan.first = scenes_created_last_first(plan.first)
        first = self._batch(plan.first, plan, done=0)
        ids = dict(plan.known_ids)
        for step, result in zip(plan.first, first, strict=True):
            if step.creates is not None:
                ids[step.creates] = int(result.data["sceneItemId"])
        second = [_with_id(step, ids) for step in plan.second]
        self._batch(second, plan, done=len(plan.first))
        return len(plan.first) + len(second)

    def _batch(self, steps: list[Step], plan: Plan, done: int) -> list[BatchResult]:
        if not steps:
            return []
        total = len(plan.first) + len(plan.second)
        hint = "fix the cause and import again: it plans only what is still different"
        try:
            results = self.client.batch(
                [s.request for s in steps],
                halt_on_failure=True,
                # OBS creates inputs one by one (an image source loads its texture first)
                timeout=self.client.timeout + STEP_TIME * len(steps),
            )
        except ObsError as exc:  # lost or timed out: OBS may have run part of the batch
            interrupted = ImportIncomplete(
                f"import interrupted: {exc.message}. Applied: {done} step(s); steps "
                f"{done + 1} to {done + len(steps)} of {total} may or may not have been applied"
                f"{self._where()}.",
                hint=hint,
            )
            interrupted.exit_code = exc.exit_code  # 3 when OBS went away, as documented
            raise interrupted from None
        self.round_trips += 1
        failed = next((r for r in results if not r.ok), None)
        if failed is None and len(results) == len(steps):
            return results
        applied = done + (failed.index if failed else len(results))
        what = _describe(steps[failed.index].request) if failed else "the batch"
        reason = (
            (failed.comment or f"status {failed.code}").rstrip(".") if failed else "stopped early"
        )
        raise ImportIncomplete(
            f"import stopped: OBS refused step {applied + 1} of {total} ({what}): {reason}. "
            f"Applied: {applied} step(s); not applied: {total - applied}{self._where()}.",
            hint=hint,
        )

    def _shown_now(self, live: LiveState) -> set[str]:
        """What program shows; scenes the file does not name were read by name only, so a
        program outside the file costs one complete read."""
        program = live.collection.current_scene
        view = live.collection
        if program and program not in {s.name for s in self.desired.scenes}:
            full, _ = read_live(self.client)
            self.round_trips += full.round_trips
            view = full.collection
        return on_program(view, program)

    def _on_air_text(self) -> str:
        shown = ", ".join(repr(name) for name in self._on_air)
        return (
            f"OBS is {self._live_output}: the import would change what program shows now ({shown})"
        )

    def _leave_half_built(self, failure: ImportIncomplete) -> None:
        """Put OBS back on the collection it ran before this import created one, and say so
        in `failure` (obs-websocket cannot remove a collection: the half-built one stays in
        OBS's menu)."""
        where = self._where()
        try:
            if self._current is None:
                raise ObsError("OBS ran no collection before")
            switch_collection(self.client, "SetCurrentSceneCollection", self._current)
        except ObsError as exc:
            failure.message = failure.message.replace(
                where, f"{where}; switching back failed: {exc.message}"
            )
            return
        failure.message = failure.message.replace(
            where,
            f"; OBS is back on collection {self._current!r}. The half-built "
            f"{self.desired.name!r} stays in OBS's Scene Collection menu (obs-websocket cannot "
            "remove collections): remove it there, or import again to finish it",
        )

    def _where(self) -> str:
        """Which collection OBS is on now, when the import switched it."""
        if self._current == self.desired.name:
            return ""
        return f"; OBS is now on collection {self.desired.name!r} (it was on {self._current!r})"

    def _names(self) -> dict[str, Any]:
        """Read hints: details of what the file names; the rest by name (enough to plan)."""
        return {
            "inputs": [i.name for i in self.desired.inputs],
            "scenes": [s.name for s in self.desired.scenes],
            "complete": False,
        }


def scenes_created_last_first(steps: list[Step]) -> list[Step]:
    """The plan's leading CreateScene steps in reverse: where each new scene goes right below
    the current one, the new scenes then read in the file's order."""
    count = next(
        (i for i, s in enumerate(steps) if s.request.request_type != "CreateScene"), len(steps)
    )
    return [*reversed(steps[:count]), *steps[count:]]


def _lingering(removed: list[tuple[str, dict]], live: Collection) -> list[str]:
    """Scenes and inputs the import removed that OBS still shows."""
    out = []
    for request_type, data in removed:
        if request_type == "RemoveScene" and live.scene(data["sceneName"]):
            out.append(f"scene {data['sceneName']!r}")
        if request_type == "RemoveInput" and live.input(data["inputName"]):
            out.append(f"input {data['inputName']!r}")
    return out


def _with_id(step: Step, ids: dict[Slot, int]) -> Step:
    if step.slot is None:
        return step
    data = dict(step.request.data or {})
    data["sceneItemId"] = ids[step.slot]
    return Step(Request(step.request.request_type, data))


def _describe(request: Request) -> str:
    data = request.data or {}
    if data.get("sourceName") and data.get("sceneName"):
        return f"{request.request_type} {data['sourceName']!r} in {data['sceneName']!r}"
    name = (
        data.get("inputName")
        or data.get("filterName")
        or data.get("sceneName")
        or data.get("sourceName")
        or ""
    )
    return f"{request.request_type} {name!r}" if name else request.request_type


def _kinds_of(plan: Plan, desired: Collection) -> dict[str, str]:
    """Kinds the plan created inputs with (verification plans no creates, so any will do)."""
    kinds = {i.kind: i.obs_versioned_kind for i in desired.inputs}
    for step in plan.first:
        if step.request.request_type == "CreateInput":
            data = step.request.data or {}
            entry = desired.input(data["inputName"])
            if entry is not None:
                kinds[entry.kind] = data["inputKind"]
    return kinds


def fresh_collection(name: str) -> LiveState:
    """What OBS puts in a new collection: one empty scene, Fade and Cut (Cut has no duration)."""
    collection = Collection(
        name=name, scenes=[Scene(name=DEFAULT_SCENE)], current_scene=DEFAULT_SCENE
    )
    return LiveState(collection, {DEFAULT_SCENE: []}, 0, {"Fade": False, "Cut": True})


def _drop_default_scene(plan: Plan, desired: Collection, live: LiveState) -> None:
    """A new collection starts with OBS's empty scene; it is ours to remove, not the user's."""
    scenes = live.collection.scenes
    if len(scenes) != 1 or scenes[0].items or desired.scene(scenes[0].name) or not desired.scenes:
        return
    name = scenes[0].name  # "Scene" in English; OBS names it in its own language
    if any(c.target == f"scene {name!r}" and c.action == "remove" for c in plan.changes):
        return
    plan.changes.append(
        Change("remove", f"scene {name!r}", "the empty scene OBS puts in a new collection")
    )
    plan.second.append(Step(Request("RemoveScene", {"sceneName": name})))

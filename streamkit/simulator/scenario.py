"""Scenario files for the simulator: initial state (scenes, inputs, NDI senders) and timed faults.

Example (every key optional)::

    base: demo                 # demo (the meetup, default) or fresh (OBS's first run)
    ndi_senders: ["ZOOM-PC (Zoom - Active Speaker)", "CAM-PC (OBS - Program)"]
    scenes:                    # appended to OBS's scene list
      - name: Interview
        items: [NDI Speaker, Host Mic]
    inputs:
      - name: Sponsor Logo
        kind: image_source
        settings: {file: /srv/logo.png}
        scenes: [Starting Soon]
    program_scene: Starting Soon
    streaming: false           # true: live from the start (to the simulator's own ingest)
    missing_plugins: []        # [ndi_source]: OBS without DistroAV (NDI inputs keep settings)
    faults:                    # seconds after start-up
      - {at: 30, congest: {level: 0.6, drop_ratio: 0.05}}
      - {at: 60, clear_congestion: {}}
      - {at: 90, reconnect_stream: {seconds: 8}}
      - {at: 120, remove_ndi_sender: {name: "ZOOM-PC (Zoom - Screen Share)"}}
      - {at: 150, add_ndi_sender: {name: "ZOOM-PC (Zoom - Screen Share)"}}
      - {at: 180, crash: {down_for: 10}}
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, model_validator

from streamkit.config_base import Section, yaml_to_model
from streamkit.errors import ConfigError
from streamkit.simulator.kinds import INPUT_KINDS
from streamkit.simulator.state import DEMO_INGEST, SimState, demo_state


class SceneSpec(Section):
    name: str = Field(min_length=1)
    items: list[str] = Field(default_factory=list, description="source names, bottom to top")


class InputSpec(Section):
    name: str = Field(min_length=1)
    kind: str = Field(description="versioned input kind, e.g. color_source_v3")
    settings: dict[str, Any] = Field(default_factory=dict)
    scenes: list[str] = Field(default_factory=list, description="scenes to add it to")
    muted: bool = False

    @model_validator(mode="after")
    def _known_kind(self) -> InputSpec:
        if self.kind not in INPUT_KINDS:
            known = ", ".join(sorted(INPUT_KINDS))
            raise ValueError(f"unknown input kind {self.kind!r}; known kinds: {known}")
        return self


class CongestArgs(Section):
    level: float = Field(ge=0, le=1)
    drop_ratio: float = Field(default=0.0, ge=0, le=1)


class SecondsArgs(Section):
    seconds: float = Field(gt=0)


class SenderArgs(Section):
    name: str = Field(min_length=1)


class CrashArgs(Section):
    down_for: float | None = Field(default=None, gt=0)


class NoArgs(Section):
    pass


FAULT_ACTIONS = (
    "congest",
    "clear_congestion",
    "reconnect_stream",
    "remove_ndi_sender",
    "add_ndi_sender",
    "crash",
    "start_stream",
)


class FaultSpec(Section):
    """One timed fault: `at` seconds after start-up, and exactly one action."""

    at: float = Field(ge=0)
    congest: CongestArgs | None = None
    clear_congestion: NoArgs | None = None
    reconnect_stream: SecondsArgs | None = None
    remove_ndi_sender: SenderArgs | None = None
    add_ndi_sender: SenderArgs | None = None
    crash: CrashArgs | None = None
    start_stream: NoArgs | None = None

    @model_validator(mode="after")
    def _one_action(self) -> FaultSpec:
        given = [a for a in FAULT_ACTIONS if getattr(self, a) is not None]
        if len(given) != 1:
            raise ValueError(f"give exactly one action of: {', '.join(FAULT_ACTIONS)}")
        return self

    @property
    def action(self) -> str:
        return next(a for a in FAULT_ACTIONS if getattr(self, a) is not None)

    @property
    def arguments(self) -> dict[str, Any]:
        return getattr(self, self.action).model_dump()


class Scenario(Section):
    """A scenario file: the initial OBS state and the faults to play."""

    base: Literal["demo", "fresh"] = "demo"
    ndi_senders: list[str] | None = None
    scenes: list[SceneSpec] = Field(default_factory=list)
    inputs: list[InputSpec] = Field(default_factory=list)
    program_scene: str | None = None
    streaming: bool = False
    missing_plugins: list[str] = Field(
        default_factory=list, description="input kinds whose plugin is not loaded, e.g. ndi_source"
    )
    faults: list[FaultSpec] = Field(default_factory=list)


def load_scenario(path: Path | str) -> Scenario:
    """Read and validate a scenario file; errors name file, line and field."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the scenario: {exc.strerror}") from None
    scenario, lines = yaml_to_model(
        text, path, Scenario, shape="a scenario is a mapping (base:, scenes:, inputs:, faults:)"
    )
    try:
        build_state(scenario)
    except ValueError as exc:
        loc, message = exc.args
        raise ConfigError(
            f"{path}:{lines.line_of(loc)}: {'.'.join(map(str, loc))}: {message}"
        ) from None
    return scenario


def build_state(scenario: Scenario) -> SimState:
    """The SimState a scenario describes; ValueError((loc, message)) on a dangling name."""
    state = demo_state() if scenario.base == "demo" else SimState.fresh()
    coll = state.collection
    if scenario.ndi_senders is not None:
        state.ndi_senders = list(scenario.ndi_senders)
    for i, scene_spec in enumerate(scenario.scenes):
        if coll.source(scene_spec.name) is not None:
            raise ValueError(("scenes", i, "name"), f"a source named {scene_spec.name!r} exists")
        coll.add_scene(scene_spec.name)
    for i, spec in enumerate(scenario.inputs):
        if coll.source(spec.name) is not None:
            raise ValueError(("inputs", i, "name"), f"a source named {spec.name!r} exists")
        source = coll.add_input(spec.name, spec.kind, spec.settings, muted=spec.muted)
        for j, scene_name in enumerate(spec.scenes):
            scene = coll.scene(scene_name)
            if scene is None:
                raise ValueError(("inputs", i, "scenes", j), f"no scene named {scene_name!r}")
            scene.add_item(source)
    for i, scene_spec in enumerate(scenario.scenes):
        scene = coll.scene(scene_spec.name)
        assert scene is not None
        for j, name in enumerate(scene_spec.items):
            source = coll.source(name)
            if source is None or source is scene:
                raise ValueError(("scenes", i, "items", j), f"no other source named {name!r}")
            scene.add_item(source)
    if scenario.program_scene is not None:
        if coll.scene(scenario.program_scene) is None:
            raise ValueError(("program_scene",), f"no scene named {scenario.program_scene!r}")
        coll.program = coll.preview = scenario.program_scene
    for kind in scenario.missing_plugins:
        state.lose_plugin(kind)
    if scenario.streaming and not state.profile.stream_service_settings.get("server"):
        # live from the start needs a server that answers: the simulator's own ingest
        state.profile.stream_service_type = "rtmp_custom"
        state.profile.stream_service_settings = {"server": DEMO_INGEST, "key": ""}
    return state


def fault_actions(scenario: Scenario, target: Any) -> list[tuple[float, Callable[[], Any]]]:
    """(delay, action) pairs calling `target`'s fault methods (a Simulator)."""
    pairs: list[tuple[float, Callable[[], Any]]] = []
    for fault in scenario.faults:
        method = getattr(target, fault.action)
        arguments = fault.arguments
        pairs.append((fault.at, lambda m=method, a=arguments: m(**a)))
    return pairs

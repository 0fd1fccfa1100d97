"""The simulated OBS's state: collections, scenes, inputs, items, filters, profiles, NDI senders."""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

from streamkit.simulator.kinds import DEFAULT_TRANSITIONS, INPUT_KINDS, InputKind
from streamkit.simulator.sources import (
    Filter,
    Input,
    Scene,
    SceneItem,
    Source,
    Transition,
    default_transform,
    new_uuid,
)

__all__ = [
    "Filter",
    "Input",
    "Profile",
    "Scene",
    "SceneCollection",
    "SceneItem",
    "SimState",
    "Source",
    "Transition",
    "default_transform",
    "demo_state",
    "new_uuid",
]


@dataclass
class SceneCollection:
    """One scene collection: scenes in OBS's list order (top first) and inputs in creation order."""

    name: str
    scenes: list[Scene] = field(default_factory=list)
    inputs: list[Input] = field(default_factory=list)
    program: str = ""
    preview: str = ""
    transitions: list[Transition] = field(default_factory=list)
    groups: list[Scene] = field(default_factory=list)
    current_transition: str = "Fade"
    transition_duration_ms: int = 300
    transition_seq: int = 0  # bumped by every transition start; a superseded one never ends
    transition_started: float = 0.0
    transition_length: float = 0.0

    @classmethod
    def new(cls, name: str) -> SceneCollection:
        """A collection as OBS creates it: one empty scene "Scene", Cut and Fade transitions."""
        scene = Scene("Scene", new_uuid("scene:Scene"))
        transitions = [
            Transition(n, k, new_uuid(f"transition:{n}"), f, c)
            for n, k, f, c in DEFAULT_TRANSITIONS
        ]
        return cls(name, [scene], [], "Scene", "Scene", transitions)

    def source(self, name: str) -> Source | None:
        """The scene or input called `name` (sources share one namespace)."""
        return next((s for s in self._sources() if s.name == name), None)

    def source_by_uuid(self, source_uuid: str) -> Source | None:
        return next((s for s in self._sources() if s.uuid == source_uuid), None)

    def _sources(self) -> list[Source]:
        return [*self.scenes, *self.groups, *self.inputs]

    def scene(self, name: str) -> Scene | None:
        return next((s for s in self.scenes if s.name == name), None)

    def input(self, name: str) -> Input | None:
        return next((i for i in self.inputs if i.name == name), None)

    def transition(self, name: str) -> Transition | None:
        return next((t for t in self.transitions if t.name == name), None)

    def add_input(
        self,
        name: str,
        kind: str,
        settings: dict[str, Any] | None = None,
        scene: str | None = None,
        **audio: Any,
    ) -> Input:
        """Create an input (and an item in `scene`, when given); for state builders and requests."""
        source = Input(
            name, new_uuid(f"input:{name}"), kind=kind, settings=dict(settings or {}), **audio
        )
        self.inputs.append(source)
        if scene is not None:
            target = self.scene(scene)
            if target is None:
                raise KeyError(scene)
            target.add_item(source)
        return source

    def add_group(self, name: str) -> Scene:
        """A group (no request creates one: OBS loads them from collection files)."""
        group = Scene(name, new_uuid(f"group:{name}"), is_group=True)
        self.groups.append(group)
        return group

    def add_scene(self, name: str, below: str | None = None) -> Scene:
        """A new scene at the end of the list, or right below the scene `below` (as OBS 32
        adds a scene below the current one)."""
        scene = Scene(name, new_uuid(f"scene:{name}"))
        anchor = self.scene(below) if below else None
        if anchor is None:
            self.scenes.append(scene)
        else:
            self.scenes.insert(self.scenes.index(anchor) + 1, scene)
        return scene


@dataclass
class Profile:
    """A profile: its parameters by (category, name), as in basic.ini and service.json."""

    name: str
    parameters: dict[tuple[str, str], str] = field(default_factory=dict)
    stream_service_type: str = "rtmp_common"
    stream_service_settings: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def new(cls, name: str) -> Profile:
        return cls(name, dict(PROFILE_DEFAULTS))


PROFILE_DEFAULTS: dict[tuple[str, str], str] = {
    ("General", "Name"): "",
    ("Output", "Mode"): "Simple",
    ("SimpleOutput", "VBitrate"): "6000",
    ("SimpleOutput", "ABitrate"): "160",
    ("SimpleOutput", "StreamEncoder"): "x264",
    ("SimpleOutput", "RecFormat2"): "mkv",
    ("SimpleOutput", "FilePath"): "/home/obs/Videos",
    ("AdvOut", "Encoder"): "obs_x264",
    ("Video", "BaseCX"): "1920",
    ("Video", "BaseCY"): "1080",
    ("Video", "OutputCX"): "1920",
    ("Video", "OutputCY"): "1080",
    ("Video", "FPSType"): "2",
    ("Video", "FPSNum"): "30",
    ("Video", "FPSDen"): "1",
    ("Audio", "SampleRate"): "48000",
    ("Audio", "ChannelSetup"): "Stereo",
}


@dataclass
class SimState:
    """Everything the simulated OBS knows; one collection and one profile are current."""

    collections: list[SceneCollection] = field(default_factory=list)
    current_collection: str = ""
    profiles: list[Profile] = field(default_factory=list)
    current_profile: str = ""
    studio_mode: bool = False
    ndi_senders: list[str] = field(default_factory=list)
    special_inputs: dict[str, str | None] = field(
        default_factory=lambda: dict.fromkeys(
            ("desktop1", "desktop2", "mic1", "mic2", "mic3", "mic4")
        )
    )
    persistent_data: dict[tuple[str, str], Any] = field(default_factory=dict)
    record_directory: str = "/home/obs/Videos"
    missing_plugins: set[str] = field(default_factory=set)  # input kinds no plugin provides
    loading: bool = False  # a collection is loading: every request is answered 207

    def lose_plugin(self, kind: str) -> None:
        """OBS without the plugin of `kind` (e.g. ndi_source without DistroAV): the kind is
        unknown, and inputs of it keep their settings but have no audio, video or properties."""
        self.missing_plugins.add(kind)
        for coll in self.collections:
            for source in coll.inputs:
                if source.kind == kind:
                    source.plugin_loaded = False

    def input_kind(self, kind: str) -> InputKind | None:
        """The kind as a loaded plugin provides it; None when unknown or its plugin is missing."""
        return None if kind in self.missing_plugins else INPUT_KINDS.get(kind)

    @classmethod
    def fresh(cls) -> SimState:
        """OBS on first run: collection "Untitled" with one scene, profile "Untitled"."""
        return cls(
            [SceneCollection.new("Untitled")], "Untitled", [Profile.new("Untitled")], "Untitled"
        )

    @property
    def collection(self) -> SceneCollection:
        return next(c for c in self.collections if c.name == self.current_collection)

    @property
    def profile(self) -> Profile:
        return next(p for p in self.profiles if p.name == self.current_profile)

    def copy(self) -> SimState:
        return copy.deepcopy(self)


# The meetup demo: scene names, in OBS's list order.
DEMO_SCENES = (
    "Starting Soon",
    "Speaker",
    "Speaker + Slides",
    "Panel / Q&A",
    "Be Right Back",
    "Technical Difficulties",
    "Thanks for Watching",
)
# The demo streams to the simulator's own ingest: the server rewrites this URL to its port.
DEMO_INGEST = "rtmp://127.0.0.1/live"
DEMO_NDI_SENDERS = (
    "ZOOM-PC (Zoom - Active Speaker)",
    "ZOOM-PC (Zoom - Screen Share)",
    "ZOOM-PC (Zoom - Gallery)",
)


def demo_state() -> SimState:
    """A meetup's OBS: seven scenes, NDI inputs fed by Zoom, mic, call audio, a lower third."""
    state = SimState.fresh()
    state.collections = [
        SceneCollection(
            "Meetup",
            transitions=[
                Transition(n, k, new_uuid(f"transition:{n}"), f, c)
                for n, k, f, c in DEFAULT_TRANSITIONS
            ],
        )
    ]
    state.current_collection = "Meetup"
    state.profiles = [Profile.new("Meetup")]
    state.current_profile = "Meetup"
    state.profile.parameters[("SimpleOutput", "VBitrate")] = "6000"
    state.profile.stream_service_type = "rtmp_custom"
    state.profile.stream_service_settings = {"server": DEMO_INGEST, "key": ""}
    state.ndi_senders = list(DEMO_NDI_SENDERS)
    coll = state.collection
    for name in DEMO_SCENES:
        coll.add_scene(name)
    coll.program = coll.preview = "Starting Soon"
    coll.add_input("Background", "color_source_v3", {"color": 4281545523})
    coll.add_input("Starting Soon Text", "text_ft2_source_v2", {"text": "Starting soon"})
    coll.add_input("NDI Speaker", "ndi_source", {"ndi_source_name": DEMO_NDI_SENDERS[0]})
    coll.add_input("NDI Screen", "ndi_source", {"ndi_source_name": DEMO_NDI_SENDERS[1]})
    coll.add_input("Host Mic", "pulse_input_capture", {"device_id": "default"})
    coll.add_input(
        "Call Audio",
        "pulse_output_capture",
        {"device_id": "default"},
        monitor_type="OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT",
    )
    coll.add_input("Lower Third", "text_ft2_source_v2", {"text": "Welcome to the meetup"})
    coll.add_input("BRB Text", "text_ft2_source_v2", {"text": "We'll be right back"})
    coll.add_input("Thanks Text", "text_ft2_source_v2", {"text": "Thanks for watching!"})
    layout = {
        "Starting Soon": ["Background", "Starting Soon Text", "Host Mic"],
        "Speaker": ["Background", "NDI Speaker", "Lower Third", "Host Mic", "Call Audio"],
        "Speaker + Slides": [
            "Background",
            "NDI Screen",
            "NDI Speaker",
            "Lower Third",
            "Host Mic",
            "Call Audio",
        ],
        "Panel / Q&A": ["Background", "NDI Speaker", "Host Mic", "Call Audio"],
        "Be Right Back": ["Background", "BRB Text"],
        "Technical Difficulties": ["Background"],
        "Thanks for Watching": ["Background", "Thanks Text", "Host Mic"],
    }
    for scene_name, sources in layout.items():
        scene = coll.scene(scene_name)
        assert scene is not None
        for source_name in sources:
            source = coll.input(source_name)
            assert source is not None
            scene.add_item(source)
    slides = coll.scene("Speaker + Slides")
    assert slides is not None
    speaker_item = slides.items[2]
    speaker_item.transform.update(
        positionX=1440.0, positionY=810.0, scaleX=0.25, scaleY=0.25, width=480.0, height=270.0
    )
    state.special_inputs["mic1"] = "Host Mic"
    state.special_inputs["desktop1"] = "Call Audio"
    return state

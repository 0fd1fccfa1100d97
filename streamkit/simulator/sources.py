"""What a simulated collection is made of: sources (inputs, scenes, groups), items, filters."""

from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass, field
from typing import Any

from streamkit.simulator.kinds import INPUT_KINDS, InputKind

_UUID_NAMESPACE = uuid.UUID("6f1c1f64-5a4e-4d0b-9a57-73747265616d")
_uuid_counter = itertools.count(1)


def new_uuid(label: str) -> str:
    """A UUID that looks random but is reproducible within one process run (stable demo output)."""
    return str(uuid.uuid5(_UUID_NAMESPACE, f"{label}#{next(_uuid_counter)}"))


def default_transform(width: float, height: float) -> dict[str, Any]:
    """OBS's transform of a freshly added scene item for a source of that size."""
    return {
        "alignment": 5,
        "boundsAlignment": 0,
        "boundsHeight": 0.0,
        "boundsType": "OBS_BOUNDS_NONE",
        "boundsWidth": 0.0,
        "cropBottom": 0,
        "cropLeft": 0,
        "cropRight": 0,
        "cropToBounds": False,
        "cropTop": 0,
        "height": height,
        "positionX": 0.0,
        "positionY": 0.0,
        "rotation": 0.0,
        "scaleX": 1.0,
        "scaleY": 1.0,
        "sourceHeight": height,
        "sourceWidth": width,
        "width": width,
    }


@dataclass
class Filter:
    """A filter on a source."""

    name: str
    kind: str
    settings: dict[str, Any] = field(default_factory=dict)
    enabled: bool = True


@dataclass
class Source:
    """What scenes and inputs share: a name unique among sources, a UUID, filters."""

    name: str
    uuid: str
    filters: list[Filter] = field(default_factory=list)
    private_settings: dict[str, Any] = field(default_factory=dict)

    def find_filter(self, name: str) -> Filter | None:
        return next((f for f in self.filters if f.name == name), None)


@dataclass
class Input(Source):
    """An input (video, audio or both) with its settings and audio mixer state."""

    kind: str = "color_source_v3"
    settings: dict[str, Any] = field(default_factory=dict)
    muted: bool = False
    volume_mul: float = 1.0
    balance: float = 0.5
    sync_offset_ms: int = 0
    monitor_type: str = "OBS_MONITORING_TYPE_NONE"
    tracks: dict[str, bool] = field(default_factory=lambda: {str(i): True for i in range(1, 7)})

    plugin_loaded: bool = True  # False: OBS kept it from a file, but no plugin provides the kind
    deinterlace: dict[str, str] = field(
        default_factory=lambda: {
            "inputDeinterlaceMode": "OBS_DEINTERLACE_MODE_DISABLE",
            "inputDeinterlaceFieldOrder": "OBS_DEINTERLACE_FIELD_ORDER_TOP",
        }
    )

    @property
    def spec(self) -> InputKind | None:
        """The kind's description, or None when no loaded plugin provides it."""
        return INPUT_KINDS.get(self.kind) if self.plugin_loaded else None

    @property
    def has_audio(self) -> bool:
        spec = self.spec
        return bool(spec and spec.audio)

    @property
    def has_video(self) -> bool:
        spec = self.spec
        return bool(spec and spec.video)

    @property
    def size(self) -> tuple[float, float]:
        spec = self.spec
        if self.kind == "color_source_v3":
            return float(self.settings.get("width", 1920)), float(self.settings.get("height", 1080))
        return spec.size if spec else (0.0, 0.0)


@dataclass
class SceneItem:
    """A source placed in a scene."""

    id: int
    source: Source
    enabled: bool = True
    locked: bool = False
    transform: dict[str, Any] = field(default_factory=dict)
    blend_mode: str = "OBS_BLEND_NORMAL"
    private_settings: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scene(Source):
    """A scene; `items` run bottom (index 0) to top, like OBS's sceneItemIndex."""

    items: list[SceneItem] = field(default_factory=list)
    next_item_id: int = 1
    is_group: bool = False  # a group: a scene that lives inside other scenes, not in the list
    transition_override: dict[str, Any] = field(
        default_factory=lambda: {"transitionName": None, "transitionDuration": None}
    )

    def add_item(self, source: Source, enabled: bool = True) -> SceneItem:
        width, height = source.size if isinstance(source, Input) else (1920.0, 1080.0)
        item = SceneItem(
            self.next_item_id, source, enabled, transform=default_transform(width, height)
        )
        self.next_item_id += 1
        self.items.append(item)
        return item

    def find_item(self, item_id: int) -> SceneItem | None:
        return next((i for i in self.items if i.id == item_id), None)


@dataclass
class Transition:
    """A scene transition of the collection."""

    name: str
    kind: str
    uuid: str
    fixed: bool
    configurable: bool
    settings: dict[str, Any] | None = None

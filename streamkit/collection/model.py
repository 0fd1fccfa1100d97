"""The scene-collection model: plain, comparable data that OBS JSON and our YAML both map to.

Conventions (they make two models equal exactly when OBS would behave the same):
- Fields at their default are the "nothing special" case; readers store defaults, never
  spelled-out equivalents (a track list of all-enabled tracks is `{}`).
- `obs` dicts keep what OBS writes that the model does not interpret (hotkey bindings,
  deinterlacing, private settings, ...), minus values equal to OBS's own defaults, so a file
  written back carries them again.
- Inputs, groups and transitions are compared regardless of order (see Collection.__eq__);
  scenes keep OBS's scene-list order, items and filters their stacking/processing order.
- Scene items are listed bottom to top, as OBS stores them and as sceneItemIndex counts.
- Transform fields use obs-websocket's SceneItemTransform names, ready for
  SetSceneItemTransform.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator, model_validator

from streamkit.collection.kinds import default_versioned_kind, unversioned_kind

MonitoringType = Literal[
    "OBS_MONITORING_TYPE_NONE",
    "OBS_MONITORING_TYPE_MONITOR_ONLY",
    "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT",
]
BoundsType = Literal[
    "OBS_BOUNDS_NONE",
    "OBS_BOUNDS_STRETCH",
    "OBS_BOUNDS_SCALE_INNER",
    "OBS_BOUNDS_SCALE_OUTER",
    "OBS_BOUNDS_SCALE_TO_WIDTH",
    "OBS_BOUNDS_SCALE_TO_HEIGHT",
    "OBS_BOUNDS_MAX_ONLY",
]
TrackNumber = Literal["1", "2", "3", "4", "5", "6"]
TRACKS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6")

_DB = re.compile(r"^\s*(?P<db>[-+]?\d+(?:\.\d+)?)\s*dB\s*$", re.IGNORECASE)


def _volume_from_db(value: Any) -> Any:
    if isinstance(value, str):
        match = _DB.match(value)
        if not match:
            raise ValueError("expected a multiplier (0.5) or decibels ('-6 dB')")
        return 0.0 if float(match["db"]) <= -100 else 10 ** (float(match["db"]) / 20)
    return value


Volume = Annotated[float, BeforeValidator(_volume_from_db, json_schema_input_type=float | str)]


class Model(BaseModel):
    """Base of the model: unknown keys are errors; instances compare by value."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class Canvas(Model):
    """The base (canvas) resolution positions were laid out for."""

    width: int = Field(gt=0, le=16384)
    height: int = Field(gt=0, le=16384)


class Transform(Model):
    """Position, size and crop of a scene item, in obs-websocket's SceneItemTransform terms."""

    positionX: float = 0.0
    positionY: float = 0.0
    rotation: float = Field(0.0, description="degrees, clockwise")
    scaleX: float = 1.0
    scaleY: float = 1.0
    alignment: int = Field(
        5, ge=0, le=15, description="bits: 1 left, 2 right, 4 top, 8 bottom; 0 is centre"
    )
    boundsType: BoundsType = "OBS_BOUNDS_NONE"
    boundsAlignment: int = Field(0, ge=0, le=15)
    boundsWidth: float = 0.0
    boundsHeight: float = 0.0
    cropLeft: int = Field(0, ge=0)
    cropRight: int = Field(0, ge=0)
    cropTop: int = Field(0, ge=0)
    cropBottom: int = Field(0, ge=0)
    cropToBounds: bool = False


class _Source(Model):
    """Name and kind, common to inputs, filters and transitions."""

    name: str = Field(min_length=1)
    kind: str = Field(min_length=1, description="unversioned id, e.g. color_source")
    versioned_kind: str | None = Field(
        None,
        description="OBS's versioned id (color_source_v3); default: the usual one for the kind",
    )
    uuid: str | None = Field(None, description="OBS 29.1+ source UUID")

    @model_validator(mode="before")
    @classmethod
    def _split_versioned(cls, data: Any) -> Any:
        """Accept `kind: color_source_v3` as kind color_source with that versioned id."""
        if isinstance(data, dict) and isinstance(data.get("kind"), str):
            base = unversioned_kind(data["kind"])
            if base != data["kind"] and data.get("versioned_kind") is None:
                data = {**data, "kind": base, "versioned_kind": data["kind"]}
        return data

    @model_validator(mode="after")
    def _canonical_versioned(self) -> _Source:
        if self.versioned_kind == default_versioned_kind(self.kind):
            object.__setattr__(self, "versioned_kind", None)
        return self

    @property
    def obs_versioned_kind(self) -> str:
        """The versioned id to give OBS."""
        return self.versioned_kind or default_versioned_kind(self.kind)


class Filter(_Source):
    """A filter on an input or scene."""

    enabled: bool = True
    settings: dict[str, Any] = Field(default_factory=dict)
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")


class Input(_Source):
    """An input (a source that is not a scene): its settings, filters and audio."""

    channel: int | None = Field(
        None,
        ge=1,
        le=6,
        description="global audio device slot: 1-2 desktop audio, 3-6 mic/aux",
    )
    settings: dict[str, Any] = Field(default_factory=dict)
    filters: list[Filter] = Field(default_factory=list)
    volume: Volume = Field(
        1.0,
        ge=0.0,
        le=20.0,
        description="multiplier (1.0 = 0 dB); a string such as '-6 dB' is read as decibels",
    )
    muted: bool = False
    monitoring: MonitoringType = "OBS_MONITORING_TYPE_NONE"
    tracks: dict[TrackNumber, bool] = Field(
        default_factory=dict, description="audio tracks; unlisted tracks are enabled"
    )
    balance: float = Field(0.5, ge=0.0, le=1.0)
    sync_offset: int = Field(0, description="audio sync offset in milliseconds")
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")

    @field_validator("tracks")
    @classmethod
    def _only_disabled_tracks(cls, value: dict[str, bool]) -> dict[str, bool]:
        return {track: False for track in TRACKS if value.get(track) is False}

    def audio_tracks(self) -> dict[str, bool]:
        """All six tracks, as SetInputAudioTracks takes them."""
        return {track: self.tracks.get(track, True) for track in TRACKS}

    @property
    def volume_db(self) -> float:
        """The volume in decibels (-inf when silent)."""
        return 20 * math.log10(self.volume) if self.volume > 0 else -math.inf


def _item_from_name(value: Any) -> Any:
    return {"source": value} if isinstance(value, str) else value


class SceneItem(Model):
    """One source placed in a scene (or group); a plain string in YAML is just the source name."""

    source: str = Field(min_length=1, description="name of an input, scene or group")
    enabled: bool = True
    locked: bool = False
    transform: Transform = Field(default_factory=Transform)
    id: int | None = Field(
        None, ge=1, description="OBS's scene item id; default: its position, counting from 1"
    )
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")


Item = Annotated[
    SceneItem, BeforeValidator(_item_from_name, json_schema_input_type=str | SceneItem)
]


class Scene(Model):
    """A scene or a group: named, ordered items (bottom first)."""

    name: str = Field(min_length=1)
    uuid: str | None = None
    items: list[Item] = Field(default_factory=list)
    filters: list[Filter] = Field(default_factory=list)
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")
    obs_settings: dict[str, Any] = Field(
        default_factory=dict, description="other scene settings OBS writes (custom_size, ...)"
    )

    @model_validator(mode="after")
    def _item_ids_unique(self) -> Scene:
        ids = self.item_ids()
        if len(set(ids)) != len(ids):
            raise ValueError(f"scene {self.name!r}: scene item ids repeat: {ids}")
        return self

    def item_ids(self) -> list[int]:
        """Each item's OBS scene item id (its explicit id, else its position from 1)."""
        return [item.id or index for index, item in enumerate(self.items, start=1)]


class Transition(_Source):
    """A transition kept in the collection (Fade and Cut are built in and need no entry)."""

    settings: dict[str, Any] = Field(default_factory=dict)
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")


class Collection(Model):
    """A whole scene collection."""

    name: str = Field(min_length=1)
    canvas: Canvas | None = Field(None, description="base resolution the layout was made for")
    current_scene: str | None = Field(None, description="scene shown in program")
    current_program_scene: str | None = Field(
        None, description="program scene in studio mode when it differs from current_scene"
    )
    transition: str = "Fade"
    transition_duration: int = Field(300, ge=0, description="milliseconds")
    transitions: list[Transition] = Field(default_factory=list)
    inputs: list[Input] = Field(default_factory=list)
    scenes: list[Scene] = Field(default_factory=list, description="in OBS's scene list order")
    groups: list[Scene] = Field(
        default_factory=list,
        description="groups (OBS JSON keeps them apart; obs-websocket cannot create them)",
    )
    obs_version: int | None = Field(
        None, description="libobs API version that saved the file (OBS's prev_ver)"
    )
    obs: dict[str, Any] = Field(default_factory=dict, description="other keys OBS writes")

    def __eq__(self, other: object) -> bool:
        """Equal when OBS would behave the same: the order of inputs, groups and transitions
        does not matter (OBS keeps no order for them); everything else does."""
        if not isinstance(other, Collection):
            return NotImplemented
        return self.comparable() == other.comparable()

    __hash__ = None  # type: ignore[assignment]

    def comparable(self) -> dict[str, Any]:
        """Plain data for comparing and diffing: inputs, groups and transitions by name."""
        data = self.model_dump()
        for key in ("inputs", "groups", "transitions"):
            data[key] = sorted(data[key], key=lambda entry: entry["name"])
        return data

    def input(self, name: str) -> Input | None:
        """The input called `name`."""
        return next((i for i in self.inputs if i.name == name), None)

    def scene(self, name: str) -> Scene | None:
        """The scene or group called `name`."""
        return next((s for s in [*self.scenes, *self.groups] if s.name == name), None)

    def is_group(self, name: str) -> bool:
        """True when `name` is a group rather than a scene."""
        return any(group.name == name for group in self.groups)

    def source_names(self) -> set[str]:
        """Every name an item may refer to."""
        return {s.name for s in [*self.inputs, *self.scenes, *self.groups]}

    def all_filters(self) -> Iterator[tuple[str, Filter]]:
        """(owner name, filter) for every filter of every input, scene and group."""
        for owner in [*self.inputs, *self.scenes, *self.groups]:
            for filt in owner.filters:
                yield owner.name, filt

    def map_strings(self, func: Any) -> Collection:
        """A copy with `func` applied to every string inside settings (inputs, filters,
        transitions)."""
        data = self.model_dump()
        for owner in [*data["inputs"], *data["scenes"], *data["groups"]]:
            if "settings" in owner:
                owner["settings"] = map_strings(owner["settings"], func)
            for filt in owner["filters"]:
                filt["settings"] = map_strings(filt["settings"], func)
        for transition in data["transitions"]:
            transition["settings"] = map_strings(transition["settings"], func)
        return Collection.model_validate(data)

    def with_assets_resolved(self, base_dir: Path) -> Collection:
        """A copy where settings strings starting with `./` are absolute paths under
        `base_dir`, as OBS's importer resolves them against the imported file's folder."""
        base = Path(base_dir).resolve()

        def resolve(text: str) -> str:
            return (base / text[2:]).as_posix() if text.startswith("./") else text

        return self.map_strings(resolve)


def map_strings(value: Any, func: Any) -> Any:
    """`value` with `func` applied to every string in it (dicts and lists walked)."""
    if isinstance(value, str):
        return func(value)
    if isinstance(value, dict):
        return {key: map_strings(item, func) for key, item in value.items()}
    if isinstance(value, list):
        return [map_strings(item, func) for item in value]
    return value

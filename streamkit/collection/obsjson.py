"""Read and write OBS's own scene-collection JSON (basic/scenes/*.json), as OBS 28 to 32 write it.

Coordinates: OBS 31 added relative coordinates. Its files carry `version: 2`, the canvas size
in `resolution`, and per item `pos_rel`/`scale_rel`/`bounds_rel`/`scale_ref` next to the
absolute `pos`/`scale`/`bounds` it still writes for older versions. This reader takes the
absolute values (computing them from the relative ones if only those are present). The writer
writes absolute values with `version: 1` and, when the model knows its canvas, `resolution`:
OBS 31+ then migrates the items to relative coordinates on load, scaling them from that
canvas to its own; OBS 28 to 30 ignore both keys.

Dropped on reading (OBS recreates them): the relative-coordinate keys above,
`migration_resolution`, `group_item_backup` copies of group members in parent scenes (OBS 24+
loads groups from `groups`), items' `source_uuid` (rewritten from the source's uuid) and
hotkeys with no binding. Everything else the model does not interpret is kept in `obs`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any, get_args

from pydantic import ValidationError

from streamkit.collection.kinds import unversioned_kind
from streamkit.collection.model import TRACKS, BoundsType, Collection, Input, Scene
from streamkit.errors import ConfigError
from streamkit.textfile import read_text

MONITORING = (
    "OBS_MONITORING_TYPE_NONE",
    "OBS_MONITORING_TYPE_MONITOR_ONLY",
    "OBS_MONITORING_TYPE_MONITOR_AND_OUTPUT",
)
BOUNDS: tuple[str, ...] = get_args(BoundsType)  # in OBS's enum order
AUDIO_DEVICE_KEYS = {
    "DesktopAudioDevice1": 1,
    "DesktopAudioDevice2": 2,
    "AuxAudioDevice1": 3,
    "AuxAudioDevice2": 4,
    "AuxAudioDevice3": 5,
    "AuxAudioDevice4": 6,
}
# Kinds without audio: OBS stores mixers 0 for them. Audio filters store 255.
VIDEO_ONLY_KINDS = frozenset(
    {
        "scene",
        "group",
        "color_source",
        "image_source",
        "slideshow",
        "text_gdiplus",
        "text_ft2_source",
        "monitor_capture",
        "window_capture",
        "xshm_input",
        "xcomposite_input",
        "display_capture",
        "screen_capture",
        "pipewire-desktop-capture-source",
        "pipewire-window-capture-source",
    }
)
AUDIO_FILTER_KINDS = frozenset(
    {
        "noise_suppress_filter",
        "noise_gate_filter",
        "gain_filter",
        "compressor_filter",
        "limiter_filter",
        "expander_filter",
        "upward_compressor_filter",
        "basic_eq_filter",
        "invert_polarity_filter",
        "async_delay_filter",
        "vst_filter",
        "ndi_audiofilter",
    }
)

# Values OBS writes for every source when nothing was changed; not kept in `obs`.
SOURCE_DEFAULTS: dict[str, Any] = {
    "deinterlace_field_order": 0,
    "deinterlace_mode": 0,
    "enabled": True,
    "flags": 0,
    "private_settings": {},
    "push-to-mute": False,
    "push-to-mute-delay": 0,
    "push-to-talk": False,
    "push-to-talk-delay": 0,
}
AUDIO_DEFAULTS: dict[str, Any] = {
    "balance": 0.5,
    "monitoring_type": 0,
    "muted": False,
    "sync": 0,
    "volume": 1.0,
}
SCENE_SETTINGS_DEFAULTS: dict[str, Any] = {"custom_size": False}
ITEM_DEFAULTS: dict[str, Any] = {
    "blend_method": "default",
    "blend_type": "normal",
    "hide_transition": {"duration": 0},
    "private_settings": {},
    "scale_filter": "disable",
    "show_transition": {"duration": 0},
}
TOP_DEFAULTS: dict[str, Any] = {
    "preview_locked": False,
    "quick_transitions": [],
    "saved_projectors": [],
    "scaling_enabled": False,
    "scaling_level": 0,
    "scaling_off_x": 0.0,
    "scaling_off_y": 0.0,
}
MODULE_DEFAULTS: dict[str, Any] = {
    "auto-scene-switcher": {
        "active": False,
        "interval": 300,
        "non_matching_scene": "",
        "switch_if_not_matching": False,
        "switches": [],
    },
    "output-timer": {
        "autoStartRecordTimer": False,
        "autoStartStreamTimer": False,
        "pauseRecordTimer": True,
        "recordTimerHours": 0,
        "recordTimerMinutes": 0,
        "recordTimerSeconds": 30,
        "streamTimerHours": 0,
        "streamTimerMinutes": 0,
        "streamTimerSeconds": 30,
    },
    "scripts-tool": [],
}
ITEM_TRANSFORM_KEYS = {
    "pos",
    "scale",
    "rot",
    "align",
    "bounds_type",
    "bounds_align",
    "bounds",
    "bounds_crop",
    "crop_left",
    "crop_right",
    "crop_top",
    "crop_bottom",
}
RELATIVE_KEYS = {"pos_rel", "scale_rel", "bounds_rel", "scale_ref"}
WRITTEN_VERSION = 1


def default_mixers(kind: str) -> int:
    """The mixers bitmask OBS stores for an untouched source of `kind`."""
    base = unversioned_kind(kind)
    if base in AUDIO_FILTER_KINDS:
        return 0xFF
    if base in VIDEO_ONLY_KINDS or base.endswith("_filter") or base.endswith("_transition"):
        return 0
    return 0xFF


def tracks_from_mixers(kind: str, mixers: int) -> dict[str, bool]:
    """The model's track map (disabled tracks only) for a mixers bitmask."""
    if mixers == default_mixers(kind):
        return {}
    return {track: False for bit, track in enumerate(TRACKS) if not mixers >> bit & 1}


def mixers_from_tracks(kind: str, tracks: dict[str, bool]) -> int:
    """The mixers bitmask OBS would store for these tracks (bits 7-8 set, as OBS leaves them)."""
    if not tracks:
        return default_mixers(kind)
    bits = sum(1 << bit for bit, track in enumerate(TRACKS) if tracks.get(track, True))
    return bits | 0xC0


class _Where:
    """Names the place in the file an error is about."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, field: str, expected: str, got: Any = None) -> ConfigError:
        detail = f" (got {type(got).__name__})" if got is not None else ""
        return ConfigError(f"{self.path}: {field}: expected {expected}{detail}")

    def obj(self, value: Any, field: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(field, "an object", value)
        return value

    def array(self, value: Any, field: str) -> list[Any]:
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(field, "an array", value)
        return value

    def text(self, value: Any, field: str) -> str:
        if not isinstance(value, str) or not value:
            raise self.fail(field, "a non-empty string", value)
        return value


def read_obs_json(path: Path | str, *, resolve_assets: bool = False) -> Collection:
    """Read a scene-collection file; with resolve_assets, `./` paths become absolute under the
    file's folder (as OBS's importer does)."""
    path = Path(path)
    collection = parse_obs_json(read_text(path), path)
    return collection.with_assets_resolved(path.parent) if resolve_assets else collection


def parse_obs_json(text: str, path: Path | str = "<collection>") -> Collection:
    """Parse the text of a scene-collection file."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    return collection_from_obs(data, str(path))


def collection_from_obs(data: Any, where: str = "<collection>") -> Collection:
    """The model of a parsed scene-collection file."""
    w = _Where(where)
    top = dict(w.obj(data, "(top level)"))
    if "sources" not in top:
        raise w.fail("sources", "an array of sources (is this an OBS scene collection?)")
    sources = w.array(top.pop("sources"), "sources")
    groups = w.array(top.pop("groups", None), "groups")
    transitions = w.array(top.pop("transitions", None), "transitions")
    devices = {key: top.pop(key) for key in AUDIO_DEVICE_KEYS if key in top}
    every = [w.obj(s, f"sources[{i}]") for i, s in enumerate(sources)]
    every += [w.obj(g, f"groups[{i}]") for i, g in enumerate(groups)]
    every += [w.obj(t, f"transitions[{i}]") for i, t in enumerate(transitions)]
    every += [w.obj(d, key) for key, d in devices.items()]
    obs_version = _common_prev_ver(every)
    canvas = _canvas(top.pop("resolution", None))
    top.pop("version", None)
    top.pop("migration_resolution", None)
    reader = _SourceReader(w, obs_version, canvas)

    inputs, scenes = [], []
    for i, source in enumerate(sources):
        field = f"sources[{i}]"
        if source.get("id") == "scene":
            scenes.append(reader.scene(source, field))
        else:
            inputs.append(reader.input(source, field))
    for key, device in devices.items():
        inputs.append(reader.input(device, key, channel=AUDIO_DEVICE_KEYS[key]))
    order = [
        w.obj(entry, f"scene_order[{i}]").get("name")
        for i, entry in enumerate(w.array(top.pop("scene_order", None), "scene_order"))
    ]
    rank = {name: i for i, name in enumerate(order)}
    scenes.sort(key=lambda s: rank.get(s["name"], len(rank)))

    current = top.pop("current_scene", None)
    program = top.pop("current_program_scene", None)
    modules = top.pop("modules", None)
    if isinstance(modules, dict):
        modules = _prune(modules, MODULE_DEFAULTS)
        if modules:
            top["modules"] = modules
    elif modules is not None:
        top["modules"] = modules
    model = {
        "name": top.pop("name", None) or Path(where).stem,
        "canvas": canvas,
        "current_scene": current or None,
        "current_program_scene": program if program and program != current else None,
        "transition": top.pop("current_transition", None) or "Fade",
        "transition_duration": top.pop("transition_duration", 300),
        "transitions": [
            reader.transition(t, f"transitions[{i}]") for i, t in enumerate(transitions)
        ],
        "inputs": inputs,
        "scenes": scenes,
        "groups": [reader.scene(g, f"groups[{i}]") for i, g in enumerate(groups)],
        "obs_version": obs_version,
        "obs": _prune(top, TOP_DEFAULTS),
    }
    try:
        return Collection.model_validate(model)
    except ValidationError as exc:
        raise ConfigError(_explain(exc, where)) from None


def _explain(exc: ValidationError, where: str) -> str:
    lines = []
    for err in exc.errors():
        field = ".".join(str(p) for p in err["loc"]) or "(top level)"
        lines.append(f"{where}: {field}: {err['msg']}")
    return "\n".join(lines)


def _common_prev_ver(sources: list[dict[str, Any]]) -> int | None:
    versions: Counter[int] = Counter()
    for source in sources:
        if isinstance(source.get("prev_ver"), int):
            versions[source["prev_ver"]] += 1
        for filt in source.get("filters") or []:
            if isinstance(filt, dict) and isinstance(filt.get("prev_ver"), int):
                versions[filt["prev_ver"]] += 1
    return versions.most_common(1)[0][0] if versions else None


def _canvas(value: Any) -> dict[str, int] | None:
    if isinstance(value, dict) and value.get("x") and value.get("y"):
        return {"width": int(value["x"]), "height": int(value["y"])}
    return None


def _prune(data: dict[str, Any], defaults: dict[str, Any]) -> dict[str, Any]:
    """`data` without the entries equal to OBS's defaults (and hotkeys with no binding)."""
    kept = {}
    for key, value in data.items():
        if key in defaults and value == defaults[key]:
            continue
        if key == "hotkeys" and isinstance(value, dict):
            value = {name: keys for name, keys in value.items() if keys}
            if not value:
                continue
        kept[key] = value
    return kept


def _vec(value: Any, default: float) -> tuple[float, float]:
    if not isinstance(value, dict):
        return default, default
    return float(value.get("x", default)), float(value.get("y", default))


class _SourceReader:
    """Turns OBS source objects into model dicts."""

    def __init__(self, where: _Where, obs_version: int | None, canvas: dict | None) -> None:
        self.w = where
        self.obs_version = obs_version
        self.canvas = canvas

    def _common(self, source: dict[str, Any], field: str) -> tuple[dict, dict]:
        """(model fields, leftover keys) shared by every kind of source."""
        rest = dict(source)
        kind = self.w.text(rest.pop("id", None), f"{field}.id")
        model = {
            "name": self.w.text(rest.pop("name", None), f"{field}.name"),
            "kind": kind,
            "versioned_kind": rest.pop("versioned_id", None),
            "uuid": rest.pop("uuid", None),
            "settings": self.w.obj(rest.pop("settings", {}), f"{field}.settings"),
        }
        if "prev_ver" in rest and rest["prev_ver"] == self.obs_version:
            del rest["prev_ver"]
        mixers = rest.pop("mixers", default_mixers(kind))
        if mixers != default_mixers(kind):
            rest["mixers"] = mixers
        return model, rest

    def _filters(self, rest: dict[str, Any], field: str) -> list[dict]:
        out = []
        for i, raw in enumerate(self.w.array(rest.pop("filters", None), f"{field}.filters")):
            here = f"{field}.filters[{i}]"
            model, frest = self._common(self.w.obj(raw, here), here)
            model["enabled"] = frest.pop("enabled", True)
            model["obs"] = _prune(frest, {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS})
            out.append(model)
        return out

    def input(self, source: dict[str, Any], field: str, channel: int | None = None) -> dict:
        model, rest = self._common(source, field)
        kind = model["kind"]
        mixers = rest.pop("mixers", default_mixers(kind))
        tracks = tracks_from_mixers(kind, mixers)
        if mixers_from_tracks(kind, tracks) != mixers:
            rest["mixers"] = mixers
        sync = rest.pop("sync", 0)
        sync_ms = round(sync / 1_000_000) if isinstance(sync, int | float) else 0
        if sync_ms * 1_000_000 != sync:
            rest["sync"] = sync
        monitoring = rest.pop("monitoring_type", 0)
        if not isinstance(monitoring, int) or not 0 <= monitoring < len(MONITORING):
            raise self.w.fail(f"{field}.monitoring_type", "0, 1 or 2", monitoring)
        model.update(
            channel=channel,
            filters=self._filters(rest, field),
            volume=rest.pop("volume", 1.0),
            muted=rest.pop("muted", False),
            monitoring=MONITORING[monitoring],
            tracks=tracks,
            balance=rest.pop("balance", 0.5),
            sync_offset=sync_ms,
            obs=_prune(rest, SOURCE_DEFAULTS),
        )
        return model

    def transition(self, source: dict[str, Any], field: str) -> dict:
        model, rest = self._common(source, field)
        model["obs"] = _prune(rest, {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS})
        return model

    def scene(self, source: dict[str, Any], field: str) -> dict:
        model, rest = self._common(source, field)
        settings = dict(model.pop("settings"))
        model.pop("kind")
        model.pop("versioned_kind")
        raw_items = self.w.array(settings.pop("items", None), f"{field}.settings.items")
        items = []
        for i, raw in enumerate(raw_items):
            here = f"{field}.settings.items[{i}]"
            raw = self.w.obj(raw, here)
            if raw.get("group_item_backup"):
                continue
            items.append(self.item(raw, here, position=len(items) + 1))
        ids = [item["id"] or n for n, item in enumerate(items, start=1)]
        if settings.get("id_counter") == max(ids, default=0):
            settings.pop("id_counter")
        model.update(
            items=items,
            filters=self._filters(rest, field),
            obs=_prune(rest, {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS}),
            obs_settings=_prune(settings, SCENE_SETTINGS_DEFAULTS),
        )
        return model

    def item(self, raw: dict[str, Any], field: str, position: int) -> dict:
        rest = dict(raw)
        source = self.w.text(rest.pop("name", None), f"{field}.name")
        rest.pop("source_uuid", None)
        rest.pop("group_item_backup", None)
        pos, scale, bounds = self._absolute(rest, field)
        for key in RELATIVE_KEYS:
            rest.pop(key, None)
        bounds_type = rest.pop("bounds_type", 0)
        if not isinstance(bounds_type, int) or not 0 <= bounds_type < len(BOUNDS):
            raise self.w.fail(f"{field}.bounds_type", "an integer from 0 to 6", bounds_type)
        transform = {
            "positionX": pos[0],
            "positionY": pos[1],
            "rotation": float(rest.pop("rot", 0.0)),
            "scaleX": scale[0],
            "scaleY": scale[1],
            "alignment": rest.pop("align", 5),
            "boundsType": BOUNDS[bounds_type],
            "boundsAlignment": rest.pop("bounds_align", 0),
            "boundsWidth": bounds[0],
            "boundsHeight": bounds[1],
            "cropLeft": rest.pop("crop_left", 0),
            "cropRight": rest.pop("crop_right", 0),
            "cropTop": rest.pop("crop_top", 0),
            "cropBottom": rest.pop("crop_bottom", 0),
            "cropToBounds": rest.pop("bounds_crop", False),
        }
        item_id = rest.pop("id", None)
        return {
            "source": source,
            "enabled": rest.pop("visible", True),
            "locked": rest.pop("locked", False),
            "transform": transform,
            "id": None if item_id == position else item_id,
            "obs": _prune(rest, ITEM_DEFAULTS),
        }

    def _absolute(self, rest: dict[str, Any], field: str) -> tuple:
        """Absolute pos, scale and bounds of an item (computed from OBS 31's relative values
        when only those were written)."""
        pos, scale, bounds = (
            rest.pop("pos", None),
            rest.pop("scale", None),
            rest.pop("bounds", None),
        )
        rel = "pos_rel" in rest and "scale_rel" in rest and "scale_ref" in rest
        if pos is None and rel:
            if not self.canvas:
                raise self.w.fail(f"{field}.pos_rel", "a `resolution` to resolve it against")
            width, height = self.canvas["width"], self.canvas["height"]
            rx, ry = _vec(rest["pos_rel"], 0.0)
            pos = {"x": (rx * height + width) / 2, "y": (ry * height + height) / 2}
            ref_height = _vec(rest["scale_ref"], float(height))[1] or height
            sx, sy = _vec(rest["scale_rel"], 1.0)
            scale = scale or {"x": sx * height / ref_height, "y": sy * height / ref_height}
            if bounds is None and "bounds_rel" in rest:
                bx, by = _vec(rest["bounds_rel"], 0.0)
                bounds = {"x": bx * height / 2, "y": by * height / 2}
        return _vec(pos, 0.0), _vec(scale, 1.0), _vec(bounds, 0.0)


def collection_to_obs(collection: Collection) -> dict[str, Any]:
    """The scene-collection file content for a model."""
    writer = _SourceWriter(collection)
    sources = [writer.input(i) for i in collection.inputs if i.channel is None]
    sources += [writer.scene(s, "scene") for s in collection.scenes]
    top = {
        **TOP_DEFAULTS,
        **collection.obs,
        "modules": {**MODULE_DEFAULTS, **collection.obs.get("modules", {})},
        "name": collection.name,
        "current_scene": collection.current_scene or "",
        "current_program_scene": (
            collection.current_program_scene or collection.current_scene or ""
        ),
        "current_transition": collection.transition,
        "transition_duration": collection.transition_duration,
        "transitions": [writer.transition(t) for t in collection.transitions],
        "scene_order": [{"name": s.name} for s in collection.scenes],
        "sources": sources,
        "groups": [writer.scene(g, "group") for g in collection.groups],
        "version": WRITTEN_VERSION,
    }
    for key, channel in AUDIO_DEVICE_KEYS.items():
        device = next((i for i in collection.inputs if i.channel == channel), None)
        if device:
            top[key] = writer.input(device)
    if collection.canvas:
        top["resolution"] = {"x": collection.canvas.width, "y": collection.canvas.height}
    return dict(sorted(top.items()))


def dump_obs_json(collection: Collection) -> str:
    """The scene-collection file text (pretty-printed, as OBS 31+ writes it)."""
    return json.dumps(collection_to_obs(collection), indent=4, ensure_ascii=False) + "\n"


def write_obs_json(collection: Collection, path: Path | str) -> None:
    """Write the scene-collection file."""
    Path(path).write_text(dump_obs_json(collection), encoding="utf-8")


class _SourceWriter:
    """Turns model objects into OBS source objects."""

    def __init__(self, collection: Collection) -> None:
        self.collection = collection
        self.uuids = {
            s.name: s.uuid for s in [*collection.inputs, *collection.scenes, *collection.groups]
        }

    def _source(
        self,
        kind: str,
        versioned: str,
        name: str,
        uuid: str | None,
        settings: dict,
        extra: dict,
        defaults: dict,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {**defaults, "hotkeys": {}, "mixers": default_mixers(kind)}
        if self.collection.obs_version is not None:
            out["prev_ver"] = self.collection.obs_version
        out.update(extra)
        out.update(id=kind, versioned_id=versioned, name=name, settings=settings)
        if uuid:
            out["uuid"] = uuid
        return out

    def _filters(self, owner: Input | Scene) -> list[dict[str, Any]]:
        return [
            dict(
                sorted(
                    self._source(
                        f.kind,
                        f.obs_versioned_kind,
                        f.name,
                        f.uuid,
                        f.settings,
                        {**f.obs, "enabled": f.enabled},
                        {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS},
                    ).items()
                )
            )
            for f in owner.filters
        ]

    def input(self, item: Input) -> dict[str, Any]:
        extra = dict(item.obs)
        raw_mixers = extra.pop("mixers", None)
        mixers = mixers_from_tracks(item.kind, item.tracks)
        if raw_mixers is not None and tracks_from_mixers(item.kind, raw_mixers) == item.tracks:
            mixers = raw_mixers
        raw_sync = extra.pop("sync", None)
        sync = item.sync_offset * 1_000_000
        if raw_sync is not None and round(raw_sync / 1_000_000) == item.sync_offset:
            sync = raw_sync
        out = self._source(
            item.kind,
            item.obs_versioned_kind,
            item.name,
            item.uuid,
            item.settings,
            extra,
            SOURCE_DEFAULTS,
        )
        out.update(
            mixers=mixers,
            sync=sync,
            volume=item.volume,
            muted=item.muted,
            monitoring_type=MONITORING.index(item.monitoring),
            balance=item.balance,
        )
        if item.filters:
            out["filters"] = self._filters(item)
        return dict(sorted(out.items()))

    def transition(self, item: Any) -> dict[str, Any]:
        out = self._source(
            item.kind,
            item.obs_versioned_kind,
            item.name,
            item.uuid,
            item.settings,
            item.obs,
            {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS},
        )
        return dict(sorted(out.items()))

    def scene(self, scene: Scene, kind: str) -> dict[str, Any]:
        ids = scene.item_ids()
        settings = {
            **SCENE_SETTINGS_DEFAULTS,
            "id_counter": max(ids, default=0),
            **scene.obs_settings,
            "items": [
                self.item(item, item_id) for item, item_id in zip(scene.items, ids, strict=True)
            ],
        }
        out = self._source(
            kind,
            kind,
            scene.name,
            scene.uuid,
            dict(sorted(settings.items())),
            scene.obs,
            {**SOURCE_DEFAULTS, **AUDIO_DEFAULTS},
        )
        if scene.filters:
            out["filters"] = self._filters(scene)
        return dict(sorted(out.items()))

    def item(self, item: Any, item_id: int) -> dict[str, Any]:
        t = item.transform
        out = {
            **ITEM_DEFAULTS,
            **item.obs,
            "name": item.source,
            "visible": item.enabled,
            "locked": item.locked,
            "id": item_id,
            "group_item_backup": False,
            "pos": {"x": t.positionX, "y": t.positionY},
            "rot": t.rotation,
            "scale": {"x": t.scaleX, "y": t.scaleY},
            "align": t.alignment,
            "bounds_type": BOUNDS.index(t.boundsType),
            "bounds_align": t.boundsAlignment,
            "bounds": {"x": t.boundsWidth, "y": t.boundsHeight},
            "bounds_crop": t.cropToBounds,
            "crop_left": t.cropLeft,
            "crop_right": t.cropRight,
            "crop_top": t.cropTop,
            "crop_bottom": t.cropBottom,
        }
        uuid = self.uuids.get(item.source)
        if uuid:
            out["source_uuid"] = uuid
        return dict(sorted(out.items()))

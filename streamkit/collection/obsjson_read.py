"""Read OBS's scene-collection JSON into the model (see `obsjson` for the format)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from streamkit.collection.model import Collection
from streamkit.collection.obsjson import (
    AUDIO_DEFAULTS,
    AUDIO_DEVICE_KEYS,
    BOUNDS,
    ITEM_DEFAULTS,
    MODULE_DEFAULTS,
    MONITORING,
    RELATIVE_KEYS,
    SCENE_SETTINGS_DEFAULTS,
    SOURCE_DEFAULTS,
    TOP_DEFAULTS,
    default_mixers,
    mixers_from_tracks,
    tracks_from_mixers,
)
from streamkit.errors import ConfigError
from streamkit.textfile import read_text


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

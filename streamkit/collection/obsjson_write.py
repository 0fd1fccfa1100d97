"""Write the model as OBS's scene-collection JSON (see `obsjson` for the format)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from streamkit.collection.model import Collection, Input, Scene
from streamkit.collection.obsjson import (
    AUDIO_DEFAULTS,
    AUDIO_DEVICE_KEYS,
    BOUNDS,
    ITEM_DEFAULTS,
    MODULE_DEFAULTS,
    MONITORING,
    SCENE_SETTINGS_DEFAULTS,
    SOURCE_DEFAULTS,
    TOP_DEFAULTS,
    WRITTEN_VERSION,
    default_mixers,
    mixers_from_tracks,
    tracks_from_mixers,
)


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

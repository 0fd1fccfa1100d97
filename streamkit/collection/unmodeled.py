"""What an OBS-written collection holds that obs-websocket can neither set nor read (pure)."""

from __future__ import annotations

from streamkit.collection.model import Collection

# Bookkeeping, or modeled elsewhere: the main canvas's id, the other canvases (reported on
# their own, see versions.main_canvas_only), raw audio mixer and sync values (tracks, sync).
IGNORED = {"canvas_uuid", "canvases", "mixers", "sync"}
LABELS = {
    "quick_transitions": "quick transitions",
    "saved_projectors": "saved projectors",
    "preview_locked": "the preview lock",
    "hotkeys": "hotkeys",
}


def websocket_cannot_carry(collection: Collection) -> list[str]:
    """One line per kind of setting the websocket route leaves out, naming where it is."""
    found: dict[str, list[str]] = {}

    def add(key: str, where: str) -> None:
        if key not in IGNORED:
            found.setdefault(LABELS.get(key, key), []).append(where)

    for key, value in collection.obs.items():
        if key == "modules" and isinstance(value, dict):
            for module in value:
                add(f"{module} settings", "the collection")
        elif key.startswith("scaling"):
            add("the preview's zoom", "the collection")
        else:
            add(key, "the collection")
    for entry in collection.inputs:
        for key in entry.obs:
            add(key, f"input {entry.name!r}")
        for filt in entry.filters:
            for key in filt.obs:
                add(key, f"filter {filt.name!r} on {entry.name!r}")
    for scene in [*collection.scenes, *collection.groups]:
        for key in scene.obs:
            add(key, f"scene {scene.name!r}")
        for item in scene.items:
            for key in item.obs:
                add(key, f"item {item.source!r} in {scene.name!r}")
    return [f"{label} ({', '.join(sorted(set(places)))})" for label, places in found.items()]

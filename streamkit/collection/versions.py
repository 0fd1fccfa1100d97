"""Which OBS saved a collection, what the running OBS's version means for an import, and the
canvases of OBS 32 (obs-websocket reaches the main canvas's scenes; it cannot create a canvas)."""

from __future__ import annotations

from streamkit.collection.model import Collection
from streamkit.errors import UsageError
from streamkit.obs.canvas import MAIN_CANVAS_UUID


def parse_version(text: str) -> tuple[int, ...] | None:
    """'29.0.2' -> (29, 0, 2); None when it is not a version."""
    parts = text.split("-")[0].split(".")
    if not parts or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def saved_by(collection: Collection) -> tuple[int, int, int] | None:
    """The OBS version that saved an OBS JSON file (libobs packs it as major.minor.patch in
    `prev_ver`); None for YAML and files without it."""
    packed = collection.obs_version
    if not packed:
        return None
    return (packed >> 24) & 0xFF, (packed >> 16) & 0xFF, packed & 0xFFFF


def refuse_newer_file(collection: Collection, obs_version: str) -> None:
    """Refuse a collection saved by a newer OBS (major.minor) than the one running: its file
    may hold what this OBS cannot read back."""
    saved, running = saved_by(collection), parse_version(obs_version)
    if saved is None or running is None or saved[:2] <= running[:2]:
        return
    written = ".".join(map(str, saved))
    raise UsageError(
        f"collection {collection.name!r} was saved by OBS {written}, newer than the OBS "
        f"running ({obs_version}); nothing was changed",
        hint=f"upgrade this OBS to {saved[0]}.{saved[1]} or newer, or import the file into "
        "the OBS that saved it",
    )


def inserts_below_current(obs_version: str) -> bool:
    """OBS 32 puts a new scene right below the current one in its list; OBS 29 at the end."""
    running = parse_version(obs_version)
    return running is not None and running[0] >= 32


def main_canvas_only(collection: Collection) -> tuple[Collection, list[str]]:
    """The collection without the scenes OBS 32 saved in another canvas (a plugin's, e.g. a
    vertical one), and a note for each left out."""
    other = [
        s for s in collection.scenes if s.obs.get("canvas_uuid") not in (None, "", MAIN_CANVAS_UUID)
    ]
    if not other:
        return collection, []
    kept = [s for s in collection.scenes if s not in other]
    notes = [
        f"scene {s.name!r} is in canvas {s.obs['canvas_uuid']}, not the main one: obs-websocket "
        "cannot create canvases (--install keeps it)"
        for s in other
    ]
    return collection.model_copy(update={"scenes": kept}), notes

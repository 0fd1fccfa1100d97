"""Install mode: write the collection into OBS's own config folder and make OBS load it.

This route keeps what obs-websocket cannot create (groups, transitions, inputs of plugins this
OBS lacks). It needs OBS's config folder on this machine (e.g. streamkit runs on the WorkSpace).
"""

from __future__ import annotations

import json
import logging
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from streamkit.collection.model import Collection
from streamkit.collection.versions import refuse_newer_file
from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.errors import ObsError
from streamkit.obs.landed import switch_collection

log = logging.getLogger(__name__)
# The collection to step onto when OBS has no other. obs-websocket cannot remove collections and
# OBS keeps listing one until it restarts: one fixed name, reused, so installs never pile up.
TEMPORARY = "streamkit-install"


def obs_config_dir(explicit: Path | None = None) -> Path:
    """OBS's config folder: --obs-config, $OBS_CONFIG_DIR, else the platform's default."""
    if explicit:
        return explicit
    if os.environ.get("OBS_CONFIG_DIR"):
        return Path(os.environ["OBS_CONFIG_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA", Path.home() / "AppData" / "Roaming")) / "obs-studio"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / "obs-studio"
    flatpak = Path.home() / ".var" / "app" / "com.obsproject.Studio" / "config" / "obs-studio"
    if flatpak.is_dir():
        return flatpak
    base = Path(os.environ.get("XDG_CONFIG_HOME", Path.home() / ".config"))
    return base / "obs-studio"


@dataclass
class InstallReport:
    file: Path
    created: bool  # OBS did not list the collection before
    stepped_onto: str | None = None  # TEMPORARY, when OBS had no other collection to step onto


def install_collection(
    client: ObsClient, collection: Collection, config_dir: Path
) -> InstallReport:
    """Write `collection` as OBS JSON into OBS's scenes folder and switch OBS to it."""
    from streamkit.collection.obsjson_write import write_obs_json

    scenes_dir = config_dir / "basic" / "scenes"
    if not scenes_dir.is_dir():
        raise UsageError(
            f"{config_dir} is not OBS's config folder (no basic/scenes)",
            hint="run this on the machine where OBS runs, or give --obs-config",
        )
    refuse_newer_file(collection, str(client.request("GetVersion").get("obsVersion", "")))
    for request, label in (("GetStreamStatus", "streaming"), ("GetRecordStatus", "recording")):
        if client.request(request).get("outputActive"):
            raise UsageError(
                f"OBS is {label}: installing switches the scene collection under a live output",
                hint="stop the output first",
            )
    listing = client.request("GetSceneCollectionList")
    listed = listing.get("sceneCollections", [])
    previous = listing.get("currentSceneCollectionName")
    wrong_folder = ObsError(
        f"{config_dir} does not hold the scene collections of the OBS at "
        f"{client.host}:{client.port}; nothing was changed",
        hint="run this on the machine where that OBS runs, or give its folder with --obs-config",
    )
    if previous and _file_of(scenes_dir, previous) is None:
        raise wrong_folder
    name = collection.name
    target = _file_of(scenes_dir, name) or scenes_dir / f"{_safe(name)}.json"
    temporary: str | None = None
    try:
        if name not in listed:
            # OBS 32 switches only to collections it listed at start or created itself: create
            # it (OBS makes its file), then leave it and write the file
            switch_collection(client, "CreateSceneCollection", name)
        if previous == name or name not in listed:
            # OBS saves the current collection when it switches away: leave it, then write
            temporary = _switch_away(client, previous, [c for c in listed if c != name])
        target = _file_of(scenes_dir, name) or target
        write_obs_json(collection, target)
        switch_collection(client, "SetCurrentSceneCollection", name)
    except ObsError as exc:
        where = _back_to(client, previous)
        raise ObsError(
            f"installing {name!r} failed: {exc.message}; {where}",
            hint=exc.hint or wrong_folder.hint,
        ) from None
    finally:
        if temporary:
            _forget(scenes_dir, temporary)
    now = client.request("GetSceneCollectionList").get("currentSceneCollectionName")
    if now != name:
        _back_to(client, previous)
        raise wrong_folder
    return InstallReport(target, name not in listed, temporary)


def _switch_away(client: ObsClient, previous: str | None, others: list[str]) -> str | None:
    """Make another collection current (the previous one if it can, a user's one before the
    temporary); TEMPORARY when it had to step onto that one."""
    mine = [c for c in others if c != TEMPORARY]
    if mine:
        back = previous if previous in mine else mine[0]
        switch_collection(client, "SetCurrentSceneCollection", back)
        return None
    verb = "SetCurrentSceneCollection" if TEMPORARY in others else "CreateSceneCollection"
    switch_collection(client, verb, TEMPORARY)
    return TEMPORARY


def _back_to(client: ObsClient, previous: str | None) -> str:
    """Best effort: put OBS back on the collection it ran before; says where OBS is."""
    if not previous:
        return "OBS ran no collection before"
    try:
        switch_collection(client, "SetCurrentSceneCollection", previous)
    except ObsError as exc:
        return f"switching OBS back to {previous!r} failed too ({exc.message})"
    return f"OBS is back on {previous!r}"


def _forget(scenes_dir: Path, temporary: str) -> None:
    """Remove the temporary collection's files (OBS keeps listing it until it re-reads)."""
    for path in (scenes_dir / f"{temporary}.json", scenes_dir / f"{temporary}.json.bak"):
        path.unlink(missing_ok=True)


def _file_of(scenes_dir: Path, name: str) -> Path | None:
    """The file OBS keeps collection `name` in (it names files after collections)."""
    for path in sorted(scenes_dir.glob("*.json")):
        try:
            if json.loads(path.read_text(encoding="utf-8")).get("name") == name:
                return path
        except (OSError, ValueError, AttributeError):
            continue
    return None


def _safe(name: str) -> str:
    """OBS's file-name rule for a new collection: unsafe characters become underscores."""
    return "".join(c if c.isalnum() or c in "-." else "_" for c in name) or "collection"

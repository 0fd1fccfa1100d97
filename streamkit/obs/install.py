"""Install mode: write the collection into OBS's own config folder and make OBS load it.

This route keeps what obs-websocket cannot create (groups, transitions, inputs of plugins this
OBS lacks). It needs OBS's config folder on this machine (e.g. streamkit runs on the WorkSpace).
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.obs.collection import Collection
from streamkit.obs.errors import ObsError

TEMPORARY = "streamkit-install"  # a collection created only to make OBS re-read its list


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


def install_collection(
    client: ObsClient, collection: Collection, config_dir: Path
) -> InstallReport:
    """Write `collection` as OBS JSON into OBS's scenes folder and switch OBS to it."""
    from streamkit.obs.obsjson import write_obs_json

    scenes_dir = config_dir / "basic" / "scenes"
    if not scenes_dir.is_dir():
        raise UsageError(
            f"{config_dir} is not OBS's config folder (no basic/scenes)",
            hint="run this on the machine where OBS runs, or give --obs-config",
        )
    for request, label in (("GetStreamStatus", "streaming"), ("GetRecordStatus", "recording")):
        if client.request(request).get("outputActive"):
            raise UsageError(
                f"OBS is {label}: installing switches the scene collection under a live output",
                hint="stop the output first",
            )
    listing = client.request("GetSceneCollectionList")
    listed = listing.get("sceneCollections", [])
    name = collection.name
    target = _file_of(scenes_dir, name) or scenes_dir / f"{_safe(name)}.json"
    temporary = False
    if listing.get("currentSceneCollectionName") == name:
        # OBS saves the current collection when it switches away: leave it first, then write
        others = [c for c in listed if c != name]
        temporary = _switch_away(client, others)
    write_obs_json(collection, target)
    if name not in listed and not temporary:
        temporary = _switch_away(client, [])  # creating a collection re-reads the list
    client.request("SetCurrentSceneCollection", {"sceneCollectionName": name})
    if temporary:
        _forget_temporary(scenes_dir)
    now = client.request("GetSceneCollectionList").get("currentSceneCollectionName")
    if now != name:
        raise ObsError(
            f"OBS did not load {target}: it is running {now!r}",
            hint=f"is {config_dir} the config folder of the OBS at "
            f"{client.host}:{client.port}? Give --obs-config",
        )
    return InstallReport(target, name not in listed)


def _switch_away(client: ObsClient, others: list[str]) -> bool:
    """Make another collection current; True when a temporary one had to be created."""
    if others:
        client.request("SetCurrentSceneCollection", {"sceneCollectionName": others[0]})
        return False
    client.request("CreateSceneCollection", {"sceneCollectionName": TEMPORARY})
    return True


def _forget_temporary(scenes_dir: Path) -> None:
    for path in (scenes_dir / f"{TEMPORARY}.json", scenes_dir / f"{TEMPORARY}.json.bak"):
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

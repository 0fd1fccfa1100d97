"""Export the running collection to a file for git: secrets out, repo asset paths relative."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from streamkit.collection.live import read_live
from streamkit.collection.model import Collection
from streamkit.errors import UsageError
from streamkit.obs.client import ObsClient
from streamkit.sensitive import mask


def export_collection(client: ObsClient, output: Path, name: str | None = None) -> Collection:
    """Read the current collection, clean it for git and write it (.yaml/.yml or .json)."""
    from streamkit.collection.obsjson_write import write_obs_json
    from streamkit.collection.yamlformat import write_yaml

    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise UsageError(f"{output}: write .yaml/.yml (our format) or .json (OBS's format)")
    live, _ = read_live(client)
    current = live.collection.name
    if name and name != current:
        raise UsageError(
            f"OBS is running collection {current!r}, not {name!r}",
            hint=f"switch OBS to {name!r} first (export switches nothing)",
        )
    collection = clean_for_git(live.collection, output)
    output.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".json":
        write_obs_json(collection, output)
    else:
        write_yaml(collection, output)
    return collection


def clean_for_git(collection: Collection, output: Path) -> Collection:
    """Secrets removed; absolute paths inside the output's repository made `./` relative;
    inputs in name order so that exports of the same state are identical."""
    root = _repo_root(output.parent.resolve())
    base = output.parent.resolve()

    def relative(text: str) -> str:
        if not text or not os.path.isabs(text):
            return text
        path = Path(text).resolve()
        if root is None or not path.is_relative_to(root):
            return text
        return "./" + Path(os.path.relpath(path, base)).as_posix()

    data = collection.map_strings(relative).model_dump()
    for owner in [*data["inputs"], *data["scenes"], *data["groups"], *data["transitions"]]:
        if "settings" in owner:
            owner["settings"] = mask(owner["settings"], replacement="")
        for filt in owner.get("filters", []):
            filt["settings"] = mask(filt["settings"], replacement="")
    for scene in data["scenes"]:
        for item in scene["items"]:
            item["id"] = None  # OBS's item ids differ between machines; order says enough
    data["inputs"] = sorted(data["inputs"], key=lambda i: i["name"])
    return Collection.model_validate(data)


def _repo_root(folder: Path) -> Path | None:
    """The git work tree holding `folder` (the output's own folder when not in git)."""
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    try:
        top = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
            timeout=5,
        )
    except (OSError, subprocess.TimeoutExpired):
        return folder
    return Path(top.stdout.strip()).resolve() if top.returncode == 0 else folder

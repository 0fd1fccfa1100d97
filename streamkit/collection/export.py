"""Export the running collection to a file for git: secrets out, repo asset paths relative."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from streamkit.collection.live import read_live
from streamkit.collection.model import Collection
from streamkit.errors import StreamkitError, UsageError
from streamkit.obs.client import ObsClient
from streamkit.sensitive import mask


def export_collection(
    client: ObsClient, output: Path, name: str | None = None, *, force: bool = False
) -> Collection:
    """Read the current collection, clean it for git and write it (.yaml/.yml or .json).

    An existing file is replaced only when an export wrote it as it is (or with `force`)."""
    from streamkit.collection.obsjson_write import write_obs_json
    from streamkit.collection.yamlformat import write_yaml

    suffix = output.suffix.lower()
    if suffix not in (".yaml", ".yml", ".json"):
        raise UsageError(f"{output}: write .yaml/.yml (our format) or .json (OBS's format)")
    if not force:
        refuse_hand_made(output)
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


def written_by_export(text: str, suffix: str) -> bool:
    """True when `text` is exactly what an export writes: no comments, no ${VARIABLES}, no
    hand-made layout (an export would drop or rewrite all three)."""
    from streamkit.collection.obsjson_read import parse_obs_json
    from streamkit.collection.obsjson_write import dump_obs_json
    from streamkit.collection.yamlformat import dump_yaml, parse_yaml

    if "${" in text:
        return False
    try:
        if suffix == ".json":
            return dump_obs_json(parse_obs_json(text)) == text
        return dump_yaml(parse_yaml(text)) == text
    except StreamkitError:
        return False


def refuse_hand_made(output: Path) -> None:
    """UsageError when `output` exists and an export did not write it as it is now."""
    try:
        text = output.read_text(encoding="utf-8")
    except FileNotFoundError:
        return
    except (OSError, UnicodeDecodeError):
        text = ""
    if not written_by_export(text, output.suffix.lower()):
        raise UsageError(
            f"not exported: {output} exists and was not written by `streamkit obs export` "
            "(it has comments, ${VARIABLES} or a layout of its own, which an export would lose)",
            hint=f"export elsewhere and compare (`streamkit obs export -o /tmp/live"
            f"{output.suffix}` then `diff {output} /tmp/live{output.suffix}`), or pass --force "
            "to replace it",
        )


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

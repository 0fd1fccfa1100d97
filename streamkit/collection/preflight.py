"""Before an import changes anything: read the file, refuse what OBS would reject part-way,
and map each input kind to one this OBS has."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from streamkit.collection.kinds import equivalent_kind, pick_versioned_kind, plugin_of
from streamkit.collection.model import Collection
from streamkit.collection.variables import expand
from streamkit.errors import ConfigError, UsageError


def load_collection(
    path: Path, variables: dict[str, str] | None = None, asset_base: str | None = None
) -> Collection:
    """Read YAML or OBS JSON, expand `${VARS}`, resolve `./` assets (against `asset_base` when
    OBS sees the files at another path, e.g. on the WorkSpace)."""
    from streamkit.collection.obsjson_read import read_obs_json
    from streamkit.collection.yamlformat import read_yaml

    if not path.is_file():
        raise ConfigError(f"{path}: no such collection file")
    if path.suffix.lower() == ".json":
        collection = read_obs_json(path)
    elif path.suffix.lower() in (".yaml", ".yml"):
        collection = read_yaml(path)
    else:
        raise ConfigError(f"{path}: expected a .yaml/.yml or an OBS .json collection file")
    collection = expand(collection, variables or {})
    if asset_base:
        base = asset_base.rstrip("/\\")
        return collection.map_strings(lambda s: f"{base}/{s[2:]}" if s.startswith("./") else s)
    return collection.with_assets_resolved(path.parent)


def refuse_broken(collection: Collection) -> None:
    """Refuse, before anything changes, a collection OBS would reject part-way through (an item
    naming no source, a name used twice, a scene containing itself)."""
    from streamkit.collection.lint import structural_problems

    problems = structural_problems(collection)
    if problems:
        raise UsageError(
            f"collection {collection.name!r} cannot be imported; nothing was changed:\n  "
            + "\n  ".join(message for _, message in problems),
            hint="run `streamkit lint` on the file for the lines, fix them and try again",
        )


@dataclass
class Unavailable:
    input: str
    kind: str

    def describe(self) -> str:
        plugin = plugin_of(self.kind)
        provider = f"provided by {plugin}, " if plugin else ""
        return f"input {self.input!r}: kind {self.kind} ({provider}not loaded in this OBS)"


def preflight(
    desired: Collection, available: list[str]
) -> tuple[dict[str, str], list[Unavailable]]:
    """Map each input kind to one this OBS has (platform equivalents allowed)."""
    kinds: dict[str, str] = {}
    missing = []
    for entry in desired.inputs:
        if entry.channel is not None:
            continue
        chosen = pick_versioned_kind(entry.kind, available) or equivalent_kind(
            entry.obs_versioned_kind, available
        )
        if chosen is None:
            missing.append(Unavailable(entry.name, entry.kind))
        else:
            kinds[entry.kind] = chosen
    return kinds, missing

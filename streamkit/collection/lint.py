"""Lint of scene collections (scenes/) and OBS profiles (profiles/): problems with file and line.

Exit status of a lint run: 0 clean, 1 problems found, 2 a file is unreadable or invalid
(bad YAML/JSON/INI, or a collection that does not match the schema).
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from streamkit.collection.findings import (
    ABSOLUTE,
    ASSET_LIST_KEYS,
    Finding,
    exit_code,
    is_secret,
    strings,
    unreadable,
)
from streamkit.collection.lint_profile import lint_profile
from streamkit.collection.model import Collection
from streamkit.collection.obsjson_read import parse_obs_json
from streamkit.collection.variables import references
from streamkit.collection.yamlformat import parse_yaml_with_lines
from streamkit.errors import ConfigError

COLLECTION_SUFFIXES = {".yaml", ".yml", ".json"}
BUILTIN_TRANSITIONS = {"Fade", "Cut"}
# Settings that hold a file path (lists of {"value": path} for slideshow and VLC playlists).
ASSET_KEYS = {
    "file",
    "local_file",
    "path",
    "image_path",
    "luma_image",
    "text_file",
    "css_file",
    "shader_file_name",
    "lut_file",
}
URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


def lint_paths(paths: Sequence[Path]) -> tuple[list[Finding], int]:
    """Lint files and folders (a folder with basic.ini is a profile); (findings, files read)."""
    findings: list[Finding] = []
    count = 0
    for path in paths:
        for kind, target in _targets(Path(path)):
            count += 1
            if kind == "profile":
                findings += lint_profile(target)
            else:
                findings += lint_collection_file(target)
    return findings, count


def _targets(path: Path) -> Iterator[tuple[str, Path]]:
    if path.is_dir():
        if (path / "basic.ini").exists():
            yield "profile", path
            return
        for child in sorted(path.iterdir()):
            if child.is_dir() and child.name != "assets":
                yield from _targets(child)
            elif child.is_file() and child.suffix in COLLECTION_SUFFIXES:
                yield "collection", child
    elif path.name == "basic.ini" or (path.parent / "basic.ini").exists():
        yield "profile", path.parent
    elif path.exists():
        yield "collection", path
    else:
        yield "missing", path


# --- collections -------------------------------------------------------------------------


def lint_collection_file(path: Path) -> list[Finding]:
    """Read a YAML or OBS JSON collection and check it."""
    breaking, other = check_before_import(path)
    return breaking + other


def check_before_import(path: Path) -> tuple[list[Finding], list[Finding]]:
    """Every check of a collection file, as (what would break an import: an unreadable file,
    a name used twice, an item naming no source, a scene containing itself; the rest: secrets,
    machine-bound paths, assets)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable(path, exc), []
    try:
        if path.suffix == ".json":
            collection = parse_obs_json(text, path)
            lines: Any = _JsonLines(text, collection)
        else:
            collection, lines = parse_yaml_with_lines(text, path)
    except ConfigError as exc:
        return [_finding_from_error(line, path) for line in str(exc).splitlines()], []

    def found(problems: list[tuple[tuple, str]]) -> list[Finding]:
        return [Finding(path, lines.line_of(loc), message) for loc, message in problems]

    return found(structural_problems(collection)), found(_check_settings(collection, path.parent))


def _finding_from_error(text: str, path: Path) -> Finding:
    match = re.match(rf"^{re.escape(str(path))}:(\d+): (.*)$", text)
    if match:
        return Finding(path, int(match[1]), match[2], invalid=True)
    message = text.removeprefix(f"{path}: ").removeprefix(f"{path}:")
    return Finding(path, None, message.strip(), invalid=True)


class _JsonLines:
    """Lines in an OBS JSON file, approximately: where the source a problem is about is named."""

    def __init__(self, text: str, collection: Collection) -> None:
        self.lines = text.splitlines()
        self.collection = collection

    def line_of(self, loc: tuple) -> int | None:
        if len(loc) < 2 or loc[0] not in ("inputs", "scenes", "groups", "transitions"):
            return None
        needle = json.dumps(getattr(self.collection, loc[0])[loc[1]].name)
        return next((n for n, line in enumerate(self.lines, start=1) if needle in line), None)


def check_collection(collection: Collection, base_dir: Path) -> list[tuple[tuple, str]]:
    """Problems in a collection as (location, message); location is a key path into the
    YAML document (for JSON files, ("name", source name))."""
    return structural_problems(collection) + _check_settings(collection, base_dir)


def structural_problems(collection: Collection) -> list[tuple[tuple, str]]:
    """What OBS would refuse part-way through an import: names used twice, items naming no
    source, scenes containing themselves, an unknown current scene or transition."""
    return _check_names(collection) + _check_items(collection) + _check_cycles(collection)


def _owners(collection: Collection) -> Iterator[tuple[tuple, Any]]:
    for key in ("inputs", "scenes", "groups"):
        for i, owner in enumerate(getattr(collection, key)):
            yield (key, i), owner


def _check_names(collection: Collection) -> list[tuple[tuple, str]]:
    problems = []
    seen: set[str] = set()
    for loc, owner in _owners(collection):
        if owner.name in seen:
            problems.append(
                (
                    (*loc, "name"),
                    f"the name {owner.name!r} is used twice; OBS "
                    "needs every input, scene and group named differently",
                )
            )
        seen.add(owner.name)
    scenes = {s.name for s in collection.scenes}
    for key in ("current_scene", "current_program_scene"):
        value = getattr(collection, key)
        if value and value not in scenes:
            problems.append(((key,), f"{key} {value!r} is not one of the scenes"))
    transitions = BUILTIN_TRANSITIONS | {t.name for t in collection.transitions}
    if collection.transition not in transitions:
        problems.append(
            (
                ("transition",),
                f"transition {collection.transition!r} is neither "
                "Fade, Cut nor one of `transitions`",
            )
        )
    return problems


def _check_items(collection: Collection) -> list[tuple[tuple, str]]:
    names = collection.source_names()
    problems = []
    for key in ("scenes", "groups"):
        for i, scene in enumerate(getattr(collection, key)):
            for j, item in enumerate(scene.items):
                if item.source not in names:
                    problems.append(
                        (
                            (key, i, "items", j),
                            f"{scene.name!r}: item {item.source!r} names no input, scene or group",
                        )
                    )
    return problems


def _check_cycles(collection: Collection) -> list[tuple[tuple, str]]:
    """Scenes that contain themselves, directly or through other scenes and groups."""
    containers = {s.name: s for s in [*collection.scenes, *collection.groups]}
    locs = {s.name: ("scenes", i) for i, s in enumerate(collection.scenes)}
    locs.update({g.name: ("groups", i) for i, g in enumerate(collection.groups)})
    problems = []
    for name, scene in containers.items():
        path = _path_back_to(name, scene, containers)
        if path:
            first = next(j for j, item in enumerate(scene.items) if item.source == path[1])
            chain = " > ".join(path)
            problems.append(((*locs[name], "items", first), f"{name!r} contains itself ({chain})"))
    return problems


def _path_back_to(start: str, scene: Any, containers: dict[str, Any]) -> list[str] | None:
    stack = [(start, [start])]
    visited: set[str] = set()
    while stack:
        current, path = stack.pop()
        for item in containers[current].items:
            if item.source == start:
                return [*path, start]
            if item.source in containers and item.source not in visited:
                visited.add(item.source)
                stack.append((item.source, [*path, item.source]))
    return None


def _check_settings(collection: Collection, base_dir: Path) -> list[tuple[tuple, str]]:
    problems = []
    owners: list[tuple[tuple, str, dict]] = []
    for i, source in enumerate(collection.inputs):
        owners.append((("inputs", i, "settings"), source.name, source.settings))
        for j, filt in enumerate(source.filters):
            owners.append(
                (
                    ("inputs", i, "filters", j, "settings"),
                    f"{source.name}/{filt.name}",
                    filt.settings,
                )
            )
    for key in ("scenes", "groups"):
        for i, scene in enumerate(getattr(collection, key)):
            for j, filt in enumerate(scene.filters):
                owners.append(
                    ((key, i, "filters", j, "settings"), f"{scene.name}/{filt.name}", filt.settings)
                )
    for i, transition in enumerate(collection.transitions):
        owners.append((("transitions", i, "settings"), transition.name, transition.settings))
    for loc, owner, settings in owners:
        for here, key, value in strings(settings, loc):
            problems += [(here, f"{owner!r}: {m}") for m in _check_string(key, value, base_dir)]
    return problems


def _check_string(key: str, value: str, base_dir: Path) -> list[str]:
    problems = []
    try:
        references(value)
    except ValueError as exc:
        problems.append(f"settings.{key}: {exc}")
    if is_secret(key, value):
        problems.append(
            f"settings.{key}: a password or key is committed here; write a ${{VARIABLE}} and "
            "set it in the environment instead"
        )
    if (key in ASSET_KEYS or key in ASSET_LIST_KEYS) and value and not URL.match(value):
        if ABSOLUTE.match(value):
            problems.append(
                f"settings.{key}: absolute path {value!r} will not exist on another machine; "
                "put the file under scenes/assets/ and write ./assets/NAME"
            )
        elif value.startswith(("./", "../")) and "${" not in value:
            problems += _check_asset(key, value, base_dir)
    return problems


def _check_asset(key: str, value: str, base_dir: Path) -> list[str]:
    """A `./` asset must exist, sit under the collection's folder and not be git-ignored."""
    folder = base_dir.resolve()
    target = (folder / value).resolve()
    if not target.is_relative_to(folder):
        return [
            f"settings.{key}: asset {value!r} is outside the collection's folder, so it is "
            "not shipped with it; move it under assets/"
        ]
    if not target.exists():
        return [f"settings.{key}: asset {value!r} is missing ({target})"]
    if _git_ignored(target):
        return [
            f"settings.{key}: asset {value!r} is ignored by git, so it will never be "
            "committed; change .gitignore"
        ]
    return []


def _git_ignored(path: Path) -> bool:
    """True when `path` is in a git work tree and ignored there (False without git)."""
    try:
        answer = subprocess.run(
            ["git", "-C", str(path.parent), "check-ignore", "-q", path.name],
            capture_output=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return answer.returncode == 0


__all__ = ["Finding", "check_collection", "exit_code", "lint_paths", "lint_profile"]

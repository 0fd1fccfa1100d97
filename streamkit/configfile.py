"""Finding streamkit.yaml, and its `obs:` section as last validated, read without pydantic.

Validating the config loads pydantic and every section's model, most of the start-up time of a
command that only talks to OBS (`streamkit obs status`). So each validation keeps the `obs:`
connection it gave in the user's cache folder (`$XDG_CACHE_HOME/streamkit/config/`, a small
JSON file per config file), and `cached_obs` hands it back only while the file's text, its
path and streamkit's own code are what they were then. Validation reads nothing but that text,
so the answer is always what validating again would give. The cache holds secret references
(`env:NAME`), never secrets; one that cannot be read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from streamkit import __version__
from streamkit.errors import ConfigError
from streamkit.secrets import SecretRef
from streamkit.textfile import read_text

if TYPE_CHECKING:
    from streamkit.obs.client import ConnectionSettings

DEFAULT_NAME = "streamkit.yaml"
_PACKAGE = Path(__file__).resolve().parent
_FORMAT = 1

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ConfigSource:
    """The config as read once, so that validation and the cache look at the same text."""

    path: Path | None  # None: there is no file; the defaults apply
    text: str = ""


@dataclass(frozen=True)
class ObsConnection:
    """How to reach obs-websocket: what a client needs of the `obs:` section."""

    host: str
    port: int
    password: SecretRef | None
    timeout: float


def find_config(explicit: str | os.PathLike[str] | None) -> Path | None:
    """--config, then $STREAMKIT_CONFIG, then ./streamkit.yaml; None when there is none."""
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"{path}: no such config file")
        return path
    env = os.environ.get("STREAMKIT_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"{path}: no such config file (from STREAMKIT_CONFIG)")
        return path
    default = Path(DEFAULT_NAME)
    return default if default.is_file() else None


def read_config(explicit: str | os.PathLike[str] | None) -> ConfigSource:
    """Find the config and read its text (ConfigError naming the file when it cannot be)."""
    path = find_config(explicit)
    return ConfigSource(path, read_text(path) if path else "")


def cached_obs(source: ConfigSource) -> ObsConnection | None:
    """The `obs:` connection validation gave for exactly this source; None when not cached."""
    entry = _read(_entry_file(source))
    if entry is None or entry.get("key") != _key(source):
        return None
    try:
        obs = entry["obs"]
        password = None
        if obs["password"] is not None:
            password = SecretRef(obs["password"], origin=entry["password_origin"])
            password.region = entry["region"]
        return ObsConnection(obs["host"], int(obs["port"]), password, float(obs["timeout"]))
    except (KeyError, TypeError, ValueError) as exc:
        log.debug("config cache entry unusable (%s): validating again", type(exc).__name__)
        return None


def remember_obs(source: ConfigSource, obs: ConnectionSettings) -> None:
    """Keep a validated `obs:` connection for `cached_obs`; failing to is not an error."""
    password = obs.password
    entry = {
        "format": _FORMAT,
        "key": _key(source),
        "config": str(source.path) if source.path else None,
        "obs": {
            "host": obs.host,
            "port": obs.port,
            "timeout": obs.timeout,
            "password": password.ref if password else None,  # the reference, never the value
        },
        "password_origin": password.origin if password else "",
        "region": password.region if password else None,
    }
    path = _entry_file(source)
    if _read(path) == entry:
        return
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = path.with_name(f"{path.name}.{os.getpid()}.partial")
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(partial, path)
    except OSError as exc:
        log.debug("config cache not written (%s): %s", path, exc.strerror or exc)


def cache_folder() -> Path:
    """Where validated connections are kept: $XDG_CACHE_HOME/streamkit/config."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "streamkit" / "config"


def _entry_file(source: ConfigSource) -> Path:
    where = str(source.path.resolve()) if source.path else "(defaults)"
    return cache_folder() / f"{hashlib.sha256(where.encode()).hexdigest()[:32]}.json"


def _key(source: ConfigSource) -> str:
    """What validation depends on: the text, the path as given (errors name it), the code."""
    digest = hashlib.sha256(f"{_FORMAT}\0{source.path}\0{_code_fingerprint()}\0".encode())
    digest.update(source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


@cache
def _code_fingerprint() -> str:
    """streamkit's version, the interpreter's, and every module's size and time of change."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0{_PACKAGE}\0".encode())
    for folder, children, files in os.walk(_PACKAGE):
        children[:] = sorted(child for child in children if child != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                stat = os.stat(os.path.join(folder, name))
                digest.update(f"{folder}/{name}\0{stat.st_size}\0{stat.st_mtime_ns}\0".encode())
    return digest.hexdigest()


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as entry:
            data = json.load(entry)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == _FORMAT else None

"""Finding streamkit.yaml, and its `obs:` section as last validated, read without pydantic.

Validating the config loads pydantic and every section's model, most of the start-up time of a
command that only talks to OBS (`streamkit obs status`). So each validation keeps the `obs:`
connection it gave in the user's cache folder (`$XDG_CACHE_HOME/streamkit/config/`, a small
JSON file per config file), and `cached_obs` hands it back only while the file's text, its
path, and the code that validates it (streamkit's modules and the libraries its validators use)
are what they were then: validation reads nothing else, so validating again would give the
same. The cache holds secret references (`env:NAME`), never secrets; one that cannot be found,
read or written is ignored.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from streamkit import __version__
from streamkit.cachedir import user_cache_dir
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
    try:
        entry = _read(_entry_file(source))
        if entry is None or entry.get("key") != _key(source):
            return None
    except _NO_CACHE as exc:
        log.debug("no config cache (%s)", exc)
        return None
    try:
        obs = entry["obs"]
        password = None
        if obs["password"] is not None:
            password = SecretRef(obs["password"], origin=entry["password_origin"])
            password.region = entry["region"]
        return ObsConnection(obs["host"], int(obs["port"]), password, float(obs["timeout"]))
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        log.debug("config cache entry unusable (%s): validating again", type(exc).__name__)
        return None


def remember_obs(source: ConfigSource, obs: ConnectionSettings) -> None:
    """Keep a validated `obs:` connection for `cached_obs`; failing to is not an error."""
    password = obs.password
    try:
        entry = {
            "format": _FORMAT,
            "key": _key(source),
            "obs": {
                "host": obs.host,
                "port": obs.port,
                "timeout": obs.timeout,
                "password": password.ref if password else None,  # the reference, not the value
            },
            "password_origin": password.origin if password else "",
            "region": password.region if password else None,
        }
        path = _entry_file(source)
        if _read(path) != entry:
            _write(path, entry)
    except _NO_CACHE as exc:
        log.debug("config cache not written: %s", exc)


def _write(path: Path, entry: dict[str, Any]) -> None:
    """Write `entry` whole or not at all (a new file, renamed over the old one)."""
    import tempfile

    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    descriptor, partial = tempfile.mkstemp(dir=path.parent, suffix=".partial")  # mode 0600
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            json.dump(entry, out)
        os.replace(partial, path)
    except BaseException:
        os.unlink(partial)
        raise


def cache_folder() -> Path:
    """Where validated connections are kept: the `config` folder of streamkit's user cache;
    RuntimeError without a home folder."""
    base = user_cache_dir()
    if base is None:
        raise RuntimeError("no home folder for the config cache")
    return base / "config"


# What makes the cache unusable, never an error: no home folder (RuntimeError), a path that
# cannot be encoded (UnicodeError is a ValueError), a folder that cannot be read or written.
_NO_CACHE = (OSError, RuntimeError, ValueError)


def _entry_file(source: ConfigSource) -> Path:
    where = os.fsencode(source.path.resolve()) if source.path else b"(defaults)"
    return cache_folder() / f"{hashlib.sha256(where).hexdigest()[:32]}.json"


def _key(source: ConfigSource) -> str:
    """What validation depends on: the text, the path as given (errors name it), the code."""
    digest = hashlib.sha256(f"{_FORMAT}\0{_code_fingerprint()}\0".encode())
    digest.update(os.fsencode(source.path) if source.path else b"(defaults)")
    digest.update(b"\0" + source.text.encode("utf-8", "surrogatepass"))
    return digest.hexdigest()


#: Libraries the config's validators use, besides the standard library.
VALIDATING_LIBRARIES = ("pydantic", "pydantic_core", "yaml", "dateutil", "apscheduler", "tzdata")


@cache
def _code_fingerprint() -> str:
    """The version of streamkit and of Python, and the size and time of change of every module
    of streamkit and of each validating library's `__init__.py` (rewritten when it is
    upgraded)."""
    digest = hashlib.sha256(f"{__version__}\0{sys.version}\0".encode())
    for folder, children, files in os.walk(_PACKAGE):
        children[:] = sorted(child for child in children if child != "__pycache__")
        digest.update(_stamps(os.path.join(folder, n) for n in sorted(files) if n.endswith(".py")))
    for library in VALIDATING_LIBRARIES:
        found = (os.path.join(entry or ".", library, "__init__.py") for entry in sys.path)
        digest.update(library.encode() + _stamps(path for path in found if os.path.isfile(path)))
    return digest.hexdigest()


def _stamps(paths: Iterable[str]) -> bytes:
    out = []
    for path in paths:
        stat = os.stat(path)
        out.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\0")
    return os.fsencode("".join(out))


def _read(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as entry:
            data = json.load(entry)
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == _FORMAT else None

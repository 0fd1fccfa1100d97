"""Command-line sub-commands, one module per area; each exposes register(subparsers).

The only place that joins the OBS side and AWS (for instance, the stop interlock is handed its
"is OBS live?" check here). Modules import what a command needs inside its handler, so that
building the parser (`streamkit --help`) loads neither pydantic nor a driver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os

    from streamkit.config import Config
    from streamkit.obs.client import ConnectionSettings


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """streamkit.config.load_config, imported when a command runs."""
    from streamkit.config import load_config as load

    return load(explicit)


def obs_settings(explicit: str | os.PathLike[str] | None = None) -> ConnectionSettings:
    """The config's `obs:` connection, for a command that talks to OBS and needs nothing else:
    as last validated while the file is unchanged (see streamkit.configfile), else validated."""
    from streamkit.configfile import cached_obs, read_config

    source = read_config(explicit)
    cached = cached_obs(source)
    if cached is not None:
        return cached
    from streamkit.config import load_source

    return load_source(source).obs

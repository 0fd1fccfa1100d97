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


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """streamkit.config.load_config, imported when a command runs."""
    from streamkit.config import load_config as load

    return load(explicit)

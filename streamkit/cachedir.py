"""The user's cache folder for streamkit: $XDG_CACHE_HOME/streamkit, else ~/.cache/streamkit."""

from __future__ import annotations

import os
from pathlib import Path


def user_cache_dir() -> Path | None:
    """streamkit's folder in the user's cache (an absolute $XDG_CACHE_HOME, as the XDG spec
    says, else ~/.cache); None when there is no home folder to put it in."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(base):
        return Path(base) / "streamkit"
    try:
        return Path.home() / ".cache" / "streamkit"
    except RuntimeError:  # no $HOME and no passwd entry
        return None

"""The `obs:` section of streamkit.yaml: how to reach obs-websocket, and what is kept in git."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field

from streamkit.config_base import Section
from streamkit.secrets import SecretRef


class ObsSettings(Section):
    """How to reach obs-websocket."""

    host: str = "localhost"
    port: int = Field(default=4455, ge=1, le=65535)
    password: SecretRef | None = None
    timeout: float = Field(default=5.0, gt=0, description="seconds to wait for OBS to answer")
    collection: Path | None = Field(
        default=None, description="the scene collection kept in git (YAML or OBS JSON)"
    )
    profile: Path | None = Field(default=None, description="the OBS profile folder kept in git")
    stream_key: SecretRef | None = Field(
        default=None, description="the stream key, injected when the profile is imported"
    )

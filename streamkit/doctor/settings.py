"""The `rehearsal:` section of streamkit.yaml: where and how long `doctor --rehearse` streams."""

from __future__ import annotations

from pydantic import Field, field_validator

from streamkit.config_base import Section


class RehearsalSettings(Section):
    """A test stream to a throwaway target, to measure drops and bitrate before the event."""

    target_url: str = Field(
        default="", description="RTMP server to stream to, e.g. rtmp://127.0.0.1:1935/live"
    )
    stream_name: str = Field(
        default="rehearsal", description="the key (stream name) sent to target_url; not secret"
    )
    seconds: int = Field(default=60, ge=5, le=3600, description="how long to stream")
    bandwidth_test: bool = Field(
        default=False,
        description="stream to the configured service with ?bandwidthtest=true appended to the "
        "key (Twitch: not shown to viewers) instead of target_url",
    )

    @field_validator("target_url")
    @classmethod
    def _rtmp_url(cls, value: str) -> str:
        if value and not value.startswith(("rtmp://", "rtmps://", "srt://")):
            raise ValueError("expected an rtmp://, rtmps:// or srt:// URL")
        return value

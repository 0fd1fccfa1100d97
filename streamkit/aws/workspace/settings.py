"""The `workspace:` section of streamkit.yaml: which WorkSpace, how it runs, what it costs."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from streamkit.aws.workspace.api import MAX_AUTOSTOP_MINUTES
from streamkit.config_base import Section

_BUNDLE_ID = re.compile(r"^wsb-[0-9a-z]{8,63}$")
_DIRECTORY_ID = re.compile(r"^d-[0-9a-f]{8,63}$")


class PriceOverride(Section):
    """Prices for this bundle and region, used instead of the bundled price list."""

    auto_stop_monthly: float = Field(ge=0, description="AUTO_STOP fixed monthly fee")
    auto_stop_hourly: float = Field(ge=0, description="AUTO_STOP price per started hour")
    always_on_monthly: float = Field(ge=0, description="ALWAYS_ON monthly price")
    currency: str = "USD"
    source: str = Field(default="streamkit.yaml", description="where these figures come from")


class WorkspaceSettings(Section):
    """The streaming WorkSpace: where it lives, its bundle, its running mode and tags."""

    region: str | None = Field(default=None, description="AWS region; default: AWS_REGION")
    directory_id: str = Field(default="", description="registered directory, d-...")
    user_name: str = Field(default="", description="the directory user owning the WorkSpace")
    workspace_id: str | None = Field(default=None, description="pin an existing WorkSpace")
    name: str = Field(default="stream", description="value of the streamkit:workspace tag")
    bundle: str = Field(default="Graphics.g4dn", description="bundle name or wsb- id")
    running_mode: Literal["AUTO_STOP", "ALWAYS_ON"] = "AUTO_STOP"
    auto_stop_timeout_minutes: int = Field(default=60, ge=60, le=MAX_AUTOSTOP_MINUTES)
    root_volume_gib: int | None = Field(default=None, ge=80, le=2000)
    user_volume_gib: int | None = Field(default=None, ge=10, le=2000)
    tags: dict[str, str] = Field(default_factory=dict)
    poll_interval: float = Field(default=10.0, gt=0, le=300, description="first poll, seconds")
    start_timeout_minutes: float = Field(default=45.0, gt=0, description="give up waiting after")
    prices: PriceOverride | None = None

    @field_validator("auto_stop_timeout_minutes")
    @classmethod
    def _whole_hours(cls, value: int) -> int:
        if value % 60:
            raise ValueError("must be a multiple of 60 minutes (AutoStop runs in whole hours)")
        return value

    @field_validator("directory_id")
    @classmethod
    def _directory_shape(cls, value: str) -> str:
        if value and not _DIRECTORY_ID.match(value):
            raise ValueError("expected a directory id such as d-906734f1a2")
        return value

    @field_validator("bundle")
    @classmethod
    def _bundle_shape(cls, value: str) -> str:
        if value.startswith("wsb-") and not _BUNDLE_ID.match(value):
            raise ValueError("a bundle id looks like wsb-b0s22j3d7")
        return value

    @field_validator("tags")
    @classmethod
    def _tag_keys(cls, value: dict[str, str]) -> dict[str, str]:
        for key in value:
            if key.lower().startswith(("aws:", "streamkit:")):
                raise ValueError(f"tag {key!r}: the aws: and streamkit: prefixes are reserved")
        return value

    @model_validator(mode="after")
    def _mode_and_timeout(self) -> WorkspaceSettings:
        if (
            self.running_mode == "ALWAYS_ON"
            and "auto_stop_timeout_minutes" in self.model_fields_set
        ):
            raise ValueError("auto_stop_timeout_minutes applies only to running_mode AUTO_STOP")
        return self

    @property
    def bundle_is_id(self) -> bool:
        return self.bundle.startswith("wsb-")

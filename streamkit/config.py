"""Typed models of streamkit.yaml, found via --config, STREAMKIT_CONFIG or ./streamkit.yaml."""

from __future__ import annotations

import os
from pathlib import Path

import yaml
from pydantic import BaseModel, Field

from streamkit.aws.schedule.settings import CalendarSettings, ScheduleSettings
from streamkit.aws.workspace.settings import WorkspaceSettings
from streamkit.chat.settings import ChatSettings
from streamkit.config_base import Section, yaml_to_model
from streamkit.configfile import ConfigSource, read_config, remember_obs
from streamkit.doctor.settings import RehearsalSettings
from streamkit.health.settings import DegradeSettings, HealthSettings
from streamkit.obs.settings import ObsSettings
from streamkit.secrets import SecretRef
from streamkit.show.settings import ShowSettings
from streamkit.tui.settings import TuiSettings
from streamkit.yamlpos import LineMap


class Config(Section):
    """The whole streamkit.yaml."""

    event: str = Field(default="", description="the event's name, shown in the TUI")
    obs: ObsSettings = Field(default_factory=ObsSettings)
    show: ShowSettings = Field(default_factory=ShowSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    degrade: DegradeSettings = Field(default_factory=DegradeSettings)
    tui: TuiSettings = Field(default_factory=TuiSettings)
    chat: ChatSettings = Field(default_factory=ChatSettings)
    rehearsal: RehearsalSettings = Field(default_factory=RehearsalSettings)
    workspace: WorkspaceSettings = Field(default_factory=WorkspaceSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    schedule: ScheduleSettings = Field(default_factory=ScheduleSettings)
    variables: dict[str, str] = Field(
        default_factory=dict, description="values for ${NAME} in scene collections"
    )

    source: Path | None = Field(default=None, exclude=True)

    def path(self, value: Path) -> Path:
        """A path from the config, relative to the config file's folder."""
        if value.is_absolute() or self.source is None:
            return value
        return self.source.parent / value


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the config; without a file, the defaults."""
    return load_source(read_config(explicit))


def load_source(source: ConfigSource) -> Config:
    """Validate a config read by `read_config`, and keep its `obs:` connection in the cache."""
    config = Config() if source.path is None else parse_config(source.text, source.path)
    remember_obs(source, config.obs)
    return config


def parse_config(text: str, path: Path) -> Config:
    """Validate YAML text; errors name file, line and field and say what was expected."""
    config, lines = yaml_to_model(
        text, path, Config, shape="expected a mapping of sections (obs:, workspace:, ...)"
    )
    config.source = path
    _stamp_secrets(config, path, lines, (), config.workspace.region)
    return config


def _stamp_secrets(
    model: BaseModel, path: Path, lines: LineMap, loc: tuple, region: str | None
) -> None:
    """Tell each secret reference where it was written (for its errors) and the region an
    ssm: reference is read from."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        here = (*loc, name)
        if isinstance(value, SecretRef):
            value.origin = f"{path}:{lines.line_of(here)}: {'.'.join(map(str, here))}"
            value.region = region
        elif isinstance(value, BaseModel):
            _stamp_secrets(value, path, lines, here, region)
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    _stamp_secrets(item, path, lines, (*here, i), region)


def dump_example() -> str:
    """The defaults as YAML (used by docs and tests)."""
    return yaml.safe_dump(Config().model_dump(mode="json"), sort_keys=False)

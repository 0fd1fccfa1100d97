"""Typed models of streamkit.yaml, found via --config, STREAMKIT_CONFIG or ./streamkit.yaml."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError

from streamkit.aws.schedule.settings import CalendarSettings, ScheduleSettings
from streamkit.aws.workspace.settings import WorkspaceSettings
from streamkit.config_base import Section
from streamkit.doctor.settings import RehearsalSettings
from streamkit.errors import ConfigError
from streamkit.health.settings import DegradeSettings, HealthSettings
from streamkit.secrets import SecretRef
from streamkit.sensitive import is_secret_key
from streamkit.show.settings import ShowSettings
from streamkit.textfile import read_text
from streamkit.tui.settings import TuiSettings
from streamkit.yamlpos import LineMap, load_yaml_with_lines

DEFAULT_NAME = "streamkit.yaml"


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


class Config(Section):
    """The whole streamkit.yaml."""

    event: str = Field(default="", description="the event's name, shown in the TUI")
    obs: ObsSettings = Field(default_factory=ObsSettings)
    show: ShowSettings = Field(default_factory=ShowSettings)
    health: HealthSettings = Field(default_factory=HealthSettings)
    degrade: DegradeSettings = Field(default_factory=DegradeSettings)
    tui: TuiSettings = Field(default_factory=TuiSettings)
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


def load_config(explicit: str | os.PathLike[str] | None = None) -> Config:
    """Load and validate the config; without a file, the defaults."""
    path = find_config(explicit)
    if path is None:
        return Config()
    return parse_config(read_text(path), path)


def parse_config(text: str, path: Path) -> Config:
    """Validate YAML text; errors name file, line and field and say what was expected."""
    data, lines = load_yaml_with_lines(text, path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}:1: expected a mapping of sections (obs:, workspace:, ...)")
    try:
        config = Config.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc, path, lines)) from None
    config.source = path
    _stamp_secrets(config, path, lines, (), config.workspace.region)
    return config


def format_validation_error(exc: ValidationError, path: Path, lines: LineMap) -> str:
    """One line per problem: `file:line: field: what was expected`."""
    out = []
    for err in exc.errors():
        loc = tuple(p for p in err["loc"] if not isinstance(p, str) or not p.startswith("function"))
        field = ".".join(str(p) for p in loc) or "(top level)"
        line = lines.line_of(loc)
        secret = any(isinstance(p, str) and is_secret_key(p) for p in loc)
        message = _explain(err, show_value=not secret)
        out.append(f"{path}:{line}: {field}: {message}")
    return "\n".join(out)


def _explain(err: dict[str, Any], *, show_value: bool = True) -> str:
    """What was expected; the value given is echoed only where it cannot be a secret."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown key (check its spelling and section)"
    if kind == "missing":
        return "required, but missing"
    message = err["msg"]
    if message.startswith("Value error, "):
        message = message[len("Value error, ") :]
    given = err.get("input")
    if show_value and not isinstance(given, dict | list) and given is not None:
        return f"{message} (got {given!r})"
    return message


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

"""Config sections `health` (sampling, windows, alert thresholds, session log) and `degrade`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import Field, ValidationError, field_validator, model_validator

from streamkit.config_base import Section

Direction = Literal["high", "low"]
Aggregate = Literal["max", "mean", "min", "last"]


class MetricThreshold(Section):
    """When one metric is WARN or ALARM, and how it raises and clears."""

    enabled: bool = True
    warn: float | None = Field(default=None, description="WARN at or beyond this value")
    alarm: float | None = Field(default=None, description="ALARM at or beyond this value")
    direction: Direction = Field(default="high", description="high: big values are bad")
    hysteresis: float = Field(default=0.0, ge=0, description="clear only this far inside")
    clear_after_s: float = Field(default=10.0, ge=0, description="hold time before clearing")
    raise_after: int = Field(default=1, ge=1, description="consecutive bad samples to raise")
    window_s: float = Field(default=3.0, gt=0, description="window the value is taken over")
    aggregate: Aggregate = Field(default="max", description="how the window is reduced")

    @model_validator(mode="after")
    def _ordered(self) -> MetricThreshold:
        if self.warn is None or self.alarm is None:
            return self
        if self.direction == "high" and self.warn > self.alarm:
            raise ValueError(f"warn ({self.warn}) must not be above alarm ({self.alarm})")
        if self.direction == "low" and self.warn < self.alarm:
            raise ValueError(
                f"warn ({self.warn}) must not be below alarm ({self.alarm}) for direction: low"
            )
        return self


# Defaults per metric; a partial entry in the config is merged over these.
DEFAULT_THRESHOLDS: dict[str, dict[str, Any]] = {
    "network_drops": {"warn": 1.0, "alarm": 5.0, "hysteresis": 0.5},
    # A single late frame is 3% of a second at 30 fps: judge lag over 5 s, not per sample.
    "encoder_lag": {
        "warn": 2.0,
        "alarm": 10.0,
        "hysteresis": 1.0,
        "window_s": 5.0,
        "aggregate": "mean",
    },
    "render_lag": {
        "warn": 2.0,
        "alarm": 10.0,
        "hysteresis": 1.0,
        "window_s": 5.0,
        "aggregate": "mean",
    },
    "congestion": {"warn": 30.0, "alarm": 70.0, "hysteresis": 10.0},
    "bitrate": {
        "warn": 1500.0,  # set these below your encoder's bitrate
        "alarm": 800.0,
        "direction": "low",
        "hysteresis": 200.0,
        "window_s": 5.0,
        "aggregate": "mean",
    },
    "fps": {
        "warn": 25.0,
        "alarm": 20.0,
        "direction": "low",
        "hysteresis": 2.0,
        "window_s": 5.0,
        "aggregate": "mean",
    },
    "cpu": {"warn": 80.0, "alarm": 95.0, "hysteresis": 5.0, "window_s": 5.0, "aggregate": "mean"},
    "frame_render_time": {
        "warn": 25.0,
        "alarm": 33.0,
        "hysteresis": 2.0,
        "window_s": 5.0,
        "aggregate": "mean",
    },
    "memory": {"enabled": False, "aggregate": "last"},
    "disk_space": {
        "warn": 5000.0,
        "alarm": 1000.0,
        "direction": "low",
        "hysteresis": 500.0,
        "aggregate": "last",
    },
    "reconnecting": {"alarm": 1.0, "clear_after_s": 2.0, "aggregate": "last", "window_s": 1.0},
}


class Thresholds(Section):
    """Warn/alarm thresholds per metric (percentages are 0..100, bitrate kbps, sizes MB)."""

    network_drops: MetricThreshold
    encoder_lag: MetricThreshold
    render_lag: MetricThreshold
    congestion: MetricThreshold
    bitrate: MetricThreshold
    fps: MetricThreshold
    cpu: MetricThreshold
    frame_render_time: MetricThreshold
    memory: MetricThreshold
    disk_space: MetricThreshold
    reconnecting: MetricThreshold

    @model_validator(mode="before")
    @classmethod
    def _merge_defaults(cls, data: Any) -> Any:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            return data
        merged: dict[str, Any] = {}
        for name, default in DEFAULT_THRESHOLDS.items():
            given = data.get(name)
            merged[name] = {**default, **given} if isinstance(given, dict) else given or default
        merged.update({k: v for k, v in data.items() if k not in DEFAULT_THRESHOLDS})
        return merged

    def items(self) -> list[tuple[str, MetricThreshold]]:
        """(metric, threshold) pairs in declaration order."""
        return [(name, getattr(self, name)) for name in type(self).model_fields]


class SessionLogSettings(Section):
    """Where the JSONL session log of each event is written."""

    enabled: bool = True
    directory: Path = Field(default=Path("logs"), description="relative to the working dir")
    file_name: str = Field(
        default="{event}-{date}.jsonl", description="placeholders: {event}, {date} (YYYY-MM-DD)"
    )

    @field_validator("file_name")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        if "/" in value or "\\" in value or not value.strip():
            raise ValueError("must be a file name, without directories")
        try:
            value.format(event="e", date="d")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"unknown placeholder {exc}; use {{event}} and {{date}}") from None
        return value


class HealthSettings(Section):
    """Stream-health sampling: poll interval, windows, thresholds, session log."""

    poll_interval_s: float = Field(default=1.0, gt=0, le=60)
    max_gap_s: float = Field(
        default=5.0, gt=0, description="longer intervals between samples give no rates"
    )
    min_interval_s: float = Field(
        default=0.5, ge=0, description="shorter intervals are merged into the next one"
    )
    history_s: float = Field(default=60.0, gt=0, description="metrics kept for windows")
    bitrate_grace_s: float = Field(
        default=15.0, ge=0, description="no bitrate alert this long after the stream starts"
    )
    thresholds: Thresholds = Field(default_factory=lambda: Thresholds.model_validate({}))
    session_log: SessionLogSettings = Field(default_factory=SessionLogSettings)

    @model_validator(mode="after")
    def _consistent(self) -> HealthSettings:
        if self.max_gap_s < self.poll_interval_s:
            raise ValueError(
                f"max_gap_s ({self.max_gap_s}) must be at least poll_interval_s "
                f"({self.poll_interval_s})"
            )
        for name, threshold in self.thresholds.items():
            if threshold.window_s > self.history_s:
                raise ValueError(
                    f"thresholds.{name}.window_s ({threshold.window_s}) is longer than "
                    f"history_s ({self.history_s})"
                )
        return self


class ReconnectingTrigger(Section):
    """The stream output is reconnecting."""

    kind: Literal["reconnecting"] = "reconnecting"
    for_s: float = Field(default=0.0, ge=0)


class DropsAlarmTrigger(Section):
    """Network drops have stayed at ALARM for `for_s` seconds."""

    kind: Literal["drops_alarm"] = "drops_alarm"
    for_s: float = Field(ge=0)


class NdiSilentTrigger(Section):
    """An NDI input has delivered no video for `for_s` seconds."""

    kind: Literal["ndi_silent"] = "ndi_silent"
    input: str = Field(min_length=1)
    for_s: float = Field(default=5.0, ge=0)


Trigger = ReconnectingTrigger | DropsAlarmTrigger | NdiSilentTrigger

TRIGGER_FORMS = (
    'expected "reconnecting", {drops_alarm_for: SECONDS} or {ndi_silent: INPUT, for_s: SECONDS}'
)


def parse_trigger(value: Any) -> Trigger:
    """Read the YAML forms of a trigger into its typed model."""
    if isinstance(value, ReconnectingTrigger | DropsAlarmTrigger | NdiSilentTrigger):
        return value
    if value == "reconnecting":
        return ReconnectingTrigger()
    if isinstance(value, dict):
        keys = set(value)
        by_kind = {"reconnecting": ReconnectingTrigger, "drops_alarm": DropsAlarmTrigger}
        by_kind["ndi_silent"] = NdiSilentTrigger
        if value.get("kind") in by_kind:  # the form model_dump writes
            return by_kind[value["kind"]].model_validate(value)
        if "reconnecting" in keys and keys <= {"reconnecting", "for_s"}:
            return ReconnectingTrigger(for_s=value.get("for_s", 0.0))
        if keys == {"drops_alarm_for"}:
            return DropsAlarmTrigger(for_s=value["drops_alarm_for"])
        if "ndi_silent" in keys and keys <= {"ndi_silent", "for_s"}:
            fields = {"input": value["ndi_silent"]}
            if "for_s" in value:
                fields["for_s"] = value["for_s"]
            return NdiSilentTrigger(**fields)
    raise ValueError(TRIGGER_FORMS)


class DegradeRule(Section):
    """When `trigger` holds, switch to `fallback_scene`; `restore` switches back once healthy."""

    trigger: Trigger
    fallback_scene: str = Field(min_length=1)
    restore: bool = True
    restore_after_s: float = Field(default=10.0, ge=0, description="healthy this long first")

    @field_validator("trigger", mode="before")
    @classmethod
    def _trigger(cls, value: Any) -> Trigger:
        try:
            return parse_trigger(value)
        except ValidationError as exc:  # a malformed field inside a recognised trigger
            problems = "; ".join(
                f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()
            )
            raise ValueError(problems) from None


class DegradeSettings(Section):
    """Opt-in graceful degradation: rules checked in order, the first that fires wins."""

    enabled: bool = False
    rules: list[DegradeRule] = Field(default_factory=list)

"""Config sections `health` and `degrade`: defaults, merging, validation, file:line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from streamkit.config_base import Section, format_validation_error
from streamkit.health.settings import (
    DEFAULT_THRESHOLDS,
    DegradeRule,
    DegradeSettings,
    DropsAlarmTrigger,
    HealthSettings,
    MetricThreshold,
    NdiSilentTrigger,
    ReconnectingTrigger,
    Thresholds,
)
from streamkit.yamlpos import load_yaml_with_lines


class Root(Section):
    """The two sections as the root config will hold them."""

    health: HealthSettings = Field(default_factory=HealthSettings)
    degrade: DegradeSettings = Field(default_factory=DegradeSettings)


def errors_of(text: str) -> str:
    path = Path("streamkit.yaml")
    data, lines = load_yaml_with_lines(text, path)
    with pytest.raises(ValidationError) as info:
        Root.model_validate(data)
    return format_validation_error(info.value, path, lines)


def test_defaults_cover_every_metric_and_are_consistent():
    settings = HealthSettings()
    assert settings.poll_interval_s == 1.0
    names = [name for name, _ in settings.thresholds.items()]
    assert names == list(DEFAULT_THRESHOLDS)
    drops = settings.thresholds.network_drops
    assert (drops.warn, drops.alarm, drops.direction, drops.aggregate) == (1.0, 5.0, "high", "max")
    assert settings.thresholds.bitrate.direction == "low"
    assert not settings.thresholds.memory.enabled
    assert DegradeSettings().enabled is False and DegradeSettings().rules == []


def test_partial_threshold_keeps_the_metric_defaults():
    settings = HealthSettings.model_validate(
        {"thresholds": {"network_drops": {"alarm": 8}, "bitrate": {"warn": 4000}}}
    )
    drops = settings.thresholds.network_drops
    assert (drops.warn, drops.alarm, drops.hysteresis) == (1.0, 8.0, 0.5)
    assert settings.thresholds.bitrate.direction == "low"
    assert settings.thresholds.bitrate.alarm == 800.0
    assert settings.thresholds.cpu.alarm == 95.0


def test_dumped_settings_load_back_identically():
    settings = HealthSettings.model_validate({"thresholds": {"cpu": {"alarm": 90}}})
    degrade = DegradeSettings.model_validate(
        {"enabled": True, "rules": [{"trigger": {"ndi_silent": "Cam"}, "fallback_scene": "B"}]}
    )
    assert HealthSettings.model_validate(settings.model_dump(mode="json")) == settings
    assert DegradeSettings.model_validate(degrade.model_dump(mode="json")) == degrade


def test_threshold_order_depends_on_direction():
    with pytest.raises(ValidationError, match="must not be above alarm"):
        MetricThreshold(warn=10, alarm=5)
    with pytest.raises(ValidationError, match="must not be below alarm"):
        MetricThreshold(warn=500, alarm=1000, direction="low")
    MetricThreshold(warn=2000, alarm=1000, direction="low")


def test_unknown_metric_and_gap_shorter_than_poll_are_errors():
    with pytest.raises(ValidationError, match="extra"):
        Thresholds.model_validate({"network_dorps": {"alarm": 3}})
    with pytest.raises(ValidationError, match="max_gap_s"):
        HealthSettings(poll_interval_s=10, max_gap_s=5)


def test_trigger_forms():
    def trigger(value):
        return DegradeRule.model_validate({"trigger": value, "fallback_scene": "BRB"}).trigger

    assert trigger("reconnecting") == ReconnectingTrigger()
    assert trigger({"reconnecting": True, "for_s": 3}) == ReconnectingTrigger(for_s=3)
    assert trigger({"drops_alarm_for": 5}) == DropsAlarmTrigger(for_s=5)
    assert trigger({"ndi_silent": "Speaker 1"}) == NdiSilentTrigger(input="Speaker 1", for_s=5)
    assert trigger({"ndi_silent": "Cam", "for_s": 2}) == NdiSilentTrigger(input="Cam", for_s=2)


def test_errors_name_file_line_and_field():
    text = """\
health:
  poll_interval_s: 1
  thresholds:
    network_drops:
      warn: 9
      alarm: 4
    congestoin: {alarm: 50}
degrade:
  enabled: true
  rules:
    - trigger: reconnecting
      fallback_scene: BRB
    - trigger: {drops_alarm: 5}
      fallback_scene: BRB
    - trigger: {ndi_silent: Cam, for_s: -1}
      fallback_scene: BRB
"""
    message = errors_of(text)
    lines = message.splitlines()
    assert any(
        line.startswith("streamkit.yaml:4: health.thresholds.network_drops:")
        and "warn (9.0) must not be above alarm (4.0)" in line
        for line in lines
    ), message
    assert "streamkit.yaml:7: health.thresholds.congestoin: unknown key" in message
    assert any(
        line.startswith("streamkit.yaml:13: degrade.rules.1.trigger:")
        and 'expected "reconnecting", {drops_alarm_for: SECONDS}' in line
        for line in lines
    ), message
    assert any(
        line.startswith("streamkit.yaml:15: degrade.rules.2.trigger: for_s:")
        and "greater than or equal to 0" in line
        for line in lines
    ), message


def test_threshold_window_must_fit_in_the_history():
    with pytest.raises(ValidationError, match=r"thresholds.cpu.window_s \(90.0\) is longer"):
        HealthSettings.model_validate({"history_s": 60, "thresholds": {"cpu": {"window_s": 90}}})

"""Graceful degradation: decide fallback-scene switches from alert state (pure; caller acts)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from streamkit.health.alerts import Level
from streamkit.health.settings import (
    DegradeRule,
    DegradeSettings,
    DropsAlarmTrigger,
    NdiSilentTrigger,
    ReconnectingTrigger,
)


@dataclass(frozen=True, slots=True)
class DegradeInputs:
    """The state the rules look at, at time `t` (seconds, same clock as the samples).

    `ndi_video` maps an NDI input's name to whether it delivered video at `t`; inputs not in
    it are unknown and count as delivering. `current_scene` is OBS's program scene.
    """

    t: float
    current_scene: str
    reconnecting: bool = False
    alert_levels: Mapping[str, Level] = field(default_factory=dict)
    ndi_video: Mapping[str, bool] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Action:
    """Something the caller announces and logs; subclasses say what to execute."""

    t: float
    reason: str

    @property
    def message(self) -> str:
        """One line for the operator and the session log."""
        return self.reason

    def to_record(self) -> dict[str, Any]:
        """A JSON-ready dict (without `t`) for the session log."""
        return {"action": type(self).__name__, "message": self.message, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class SwitchScene(Action):
    """Switch OBS's program scene to `scene`."""

    scene: str = ""
    restoring: bool = False

    @property
    def message(self) -> str:
        verb = "Switching back to" if self.restoring else "Switching to fallback"
        return f'{verb} scene "{self.scene}": {self.reason}'

    def to_record(self) -> dict[str, Any]:
        return {**Action.to_record(self), "scene": self.scene, "restoring": self.restoring}


@dataclass(frozen=True, slots=True)
class Notice(Action):
    """Nothing to execute: tell the operator what the rules decided not to do."""


def describe_trigger(rule: DegradeRule) -> str:
    """The trigger in words, for reasons."""
    trigger = rule.trigger
    if isinstance(trigger, ReconnectingTrigger):
        return "stream reconnecting" + (f" for {trigger.for_s:g} s" if trigger.for_s else "")
    if isinstance(trigger, DropsAlarmTrigger):
        return f"network drops at alarm for {trigger.for_s:g} s"
    return f'NDI input "{trigger.input}" sent no video for {trigger.for_s:g} s'


def _condition(rule: DegradeRule, inputs: DegradeInputs) -> bool:
    trigger = rule.trigger
    if isinstance(trigger, ReconnectingTrigger):
        return inputs.reconnecting
    if isinstance(trigger, DropsAlarmTrigger):
        return inputs.alert_levels.get("network_drops", Level.OK) >= Level.ALARM
    assert isinstance(trigger, NdiSilentTrigger)
    return inputs.ndi_video.get(trigger.input, True) is False


class DegradeEngine:
    """Rules in config order; the first that fires switches to its fallback scene.

    While in fallback, the scene that was live before is restored once no rule's condition
    has held for the firing rule's `restore_after_s`. A scene switch by someone else while in
    fallback cancels the restore. `override` (toggled by the operator) stops all auto-actions.
    """

    def __init__(self, settings: DegradeSettings | None = None) -> None:
        self.settings = settings or DegradeSettings()
        self.override = False
        self._since: list[float | None] = [None] * len(self.settings.rules)
        self._engaged: DegradeRule | None = None
        self._restore_scene: str | None = None
        self._fallback_seen = False
        self._healthy_since: float | None = None

    @property
    def in_fallback(self) -> bool:
        """True from the switch to a fallback scene until restored or cancelled."""
        return self._engaged is not None

    def set_override(self, on: bool, t: float) -> list[Action]:
        """Turn the operator override on (no auto-actions) or off; announces the change."""
        if on == self.override:
            return []
        self.override = on
        state = "on: auto-actions paused" if on else "off: auto-actions resumed"
        return [Notice(t, f"Operator override {state}")]

    def decide(self, inputs: DegradeInputs) -> list[Action]:
        """Actions for this moment; call once per sample with the newest state."""
        if not self.settings.enabled or not self.settings.rules:
            return []
        fired = self._update_timers(inputs)
        if self.override:
            return []
        if self._engaged is None:
            return self._maybe_engage(inputs, fired)
        return self._while_engaged(inputs)

    def _update_timers(self, inputs: DegradeInputs) -> DegradeRule | None:
        fired = None
        any_active = False
        for i, rule in enumerate(self.settings.rules):
            if not _condition(rule, inputs):
                self._since[i] = None
                continue
            any_active = True
            since = self._since[i]
            if since is None:
                since = self._since[i] = inputs.t
            if fired is None and inputs.t - since >= rule.trigger.for_s:
                fired = rule
        if any_active:
            self._healthy_since = None
        elif self._healthy_since is None:
            self._healthy_since = inputs.t
        return fired

    def _maybe_engage(self, inputs: DegradeInputs, fired: DegradeRule | None) -> list[Action]:
        if fired is None:
            return []
        self._engaged = fired
        already = inputs.current_scene == fired.fallback_scene
        self._restore_scene = inputs.current_scene if fired.restore and not already else None
        self._fallback_seen = already
        self._healthy_since = None
        reason = describe_trigger(fired)
        if already:
            return [Notice(inputs.t, f'{reason}; "{fired.fallback_scene}" is already live')]
        return [SwitchScene(inputs.t, reason, fired.fallback_scene)]

    def _while_engaged(self, inputs: DegradeInputs) -> list[Action]:
        rule = self._engaged
        assert rule is not None
        if inputs.current_scene == rule.fallback_scene:
            self._fallback_seen = True
        elif self._fallback_seen:  # someone switched away from the fallback scene
            self._disengage()
            return [
                Notice(
                    inputs.t,
                    f'Scene switched to "{inputs.current_scene}" by hand; '
                    "automatic restore cancelled",
                )
            ]
        healthy = self._healthy_since
        if healthy is None or inputs.t - healthy < rule.restore_after_s:
            return []
        restore_scene = self._restore_scene
        self._disengage()
        reason = f"healthy for {rule.restore_after_s:g} s"
        if restore_scene is None:
            return [Notice(inputs.t, f"Stream {reason}; switch scenes by hand when ready")]
        return [SwitchScene(inputs.t, reason, restore_scene, restoring=True)]

    def switch_failed(self, action: SwitchScene, why: str) -> Notice:
        """The caller could not execute `action`: forget the fallback (nothing to restore)."""
        if not action.restoring:
            self._disengage()
        return Notice(action.t, f'Could not switch to "{action.scene}": {why}')

    def _disengage(self) -> None:
        self._engaged = None
        self._restore_scene = None
        self._fallback_seen = False
